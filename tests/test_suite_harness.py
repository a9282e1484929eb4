"""The test command itself: it must fail loudly when Odoo is missing."""

import os
import subprocess
import sys

from .suite_common import ROOT


def test_qi_test_fails_clearly_without_odoo(tmp_path):
    # a Python that cannot import odoo: same interpreter without site-packages
    python = tmp_path / "python-without-odoo"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} -S -E "$@"\n')
    python.chmod(0o755)
    result = subprocess.run(
        [str(ROOT / "bin" / "qi-test")],
        env={**os.environ, "PYTHON": str(python)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Odoo 19 is not installed" in result.stderr
    # it stopped before creating anything
    assert "installing" not in result.stdout


def test_qi_test_fails_when_the_tests_stop_early(tmp_path):
    """Odoo's server ends the process with exit status 0 on a second SIGTERM or
    Ctrl-C ("Forced shutdown"): a run cut short that way must not pass."""
    stop = tmp_path / "test_stop_early.py"
    stop.write_text("import os\n\n\ndef test_stops_the_process():\n    os._exit(0)\n")
    result = subprocess.run(
        [str(ROOT / "bin" / "qi-test")],
        env={**os.environ, "QI_MODULES": "qi_window", "QI_TEST_PATHS": str(stop)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert "stopped before the end of the run" in result.stderr
