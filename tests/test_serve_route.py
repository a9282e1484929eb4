"""Issue 17.2 and 17.14: what `bin/qi-serve` (and the compose route, which runs
it) asks Odoo for, and the configuration both routes serve with."""

import configparser
import os
import subprocess

from .suite_common import ROOT

# a stand-in Python: Odoo "is installed", the database does not exist yet,
# and `-m odoo ...` prints the arguments it was given instead of starting Odoo
FAKE_PYTHON = """#!/bin/sh
case "$1" in
    -c) case "$2" in *psycopg2*) exit 1 ;; *) exit 0 ;; esac ;;
    -m) shift; printf '%s\\n' "$@" ;;
esac
"""


def _serve_args(tmp_path, *args, **env):
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    result = subprocess.run(
        [str(ROOT / "bin" / "qi-serve"), *args],
        env={**os.environ, "PYTHON": str(python), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def test_first_start_loads_chinese_and_the_demo(tmp_path):
    argv = _serve_args(tmp_path)
    assert "--load-language=zh_CN" in argv
    assert "--with-demo" in argv
    assert argv[argv.index("-d") + 1] == "qi"
    modules = argv[argv.index("-i") + 1].split(",")
    assert modules == ["qi_archive", "qi_case", "qi_catalogue", "qi_evaluation", "qi_proactive", "qi_window"]


def test_overrides_reach_odoo(tmp_path):
    argv = _serve_args(tmp_path, "--http-port=8070", QI_DB="qi_other", QI_LANG="en_US")
    assert argv[argv.index("-d") + 1] == "qi_other"
    assert "--db-filter=^qi_other$" in argv
    assert "--load-language=en_US" in argv
    assert argv[-1] == "--http-port=8070"


def test_config_serves_one_database_on_8069():
    config = configparser.ConfigParser(inline_comment_prefixes=(";",))
    config.read(ROOT / "config" / "odoo.conf")
    options = config["options"]
    assert options.getboolean("list_db") is False, "no database manager or list"
    assert options.getint("http_port") == 8069
