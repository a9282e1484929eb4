"""System tests: the suite served as it is deployed (tools/qi_harness/live.py).

They start real Odoo servers, PostgreSQL clusters and crons in processes of
their own, so they run outside pytest-odoo (bin/qi-system-test, called by
bin/qi-test). One template database with every qi_* addon and demo data is
installed per run; each test works on a copy (``suite_db``) dropped after it.

``QI_SYSTEM_TEMPLATE=<db>`` (with ``QI_SYSTEM_DATA_DIR=<its data dir>``) uses
an already installed database as the template, never dropped: for a quick
local loop only, since the template must match the code under test.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from qi_harness import db as harness_db
from qi_harness import live


@pytest.fixture(scope="session")
def suite_template():
    """(database, data dir) of an installed suite with demo data."""
    given = os.environ.get("QI_SYSTEM_TEMPLATE")
    if given:
        yield given, os.environ.get("QI_SYSTEM_DATA_DIR") or pytest.fail("QI_SYSTEM_DATA_DIR is required")
        return
    throwaway = harness_db.new("qi_sys_tpl")
    try:
        live.install(throwaway.name, throwaway.data_dir)
        yield throwaway.name, throwaway.data_dir
    finally:
        throwaway.dispose()


@pytest.fixture
def suite_db(suite_template):
    """A copy of the template (database and filestore) for one test, dropped after it."""
    template, data_dir = suite_template
    name = harness_db.unique_name("qi_sys")
    live.duplicate(template, name, data_dir)
    try:
        yield name, data_dir
    finally:
        # the copy and its filestore only: the data dir is the template's
        live.drop_copy(name, data_dir)
