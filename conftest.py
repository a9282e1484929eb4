"""Suite-wide pytest policy: a skipped test is not a pass.

Odoo skips browser tours silently when Chromium or websocket-client is
missing; that must turn the run red, not green.
"""

import pytest


def _skipped(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == pytest.ExitCode.OK and _skipped(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped(config)
    if skipped:
        terminalreporter.write_line(
            f"qi-test: {len(skipped)} test(s) skipped: a skip is a failure in this suite "
            "(install what the skip reason names, e.g. Debian chromium, websocket-client).",
            red=True,
        )
