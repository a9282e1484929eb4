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
