"""Upgrading from the previous release keeps every record an agency stored.

The previous release (the last row of docs/releases.md, its tag when the clone
has it) is taken out of git into a temporary directory and installed with demo
data; then staff, the enterprise and the leader work through the real flows of
that code: cases left in every stage, ratings, an evaluation whose finding
became an improvement, records archived and opened under the leader's grant, a
changed setting. The archive is checked, the data fingerprinted
(tools/qi_harness/fingerprint.py), and every qi_* addon upgraded to this
checkout with ``odoo -u ... --stop-after-init``, as an operator does
(docs/deployment.md). After it the fingerprint must be the same, the archive
check must still pass, the installed versions must be the checkout's, and the
upgraded database must keep working: a new case, a new archive record chained
to the old ones.

The old code runs the setup script below: it is written against the API of
the previous release and changes only when a new release is recorded.
"""

import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pytest
from qi_harness import db as harness_db
from qi_harness import fingerprint, live

ROOT = Path(__file__).resolve().parents[2]
RELEASES = ROOT / "docs" / "releases.md"
RELEASE_ROW = re.compile(r"^\|\s*(v\d+(?:\.\d+)+)\s*\|\s*([0-9a-f]{40})\s*\|", re.MULTILINE)

# What a release changes on purpose, with its migration: "table.column" whose
# stored values may change, "table" whose rows may be added or removed. Empty:
# no release so far changes stored data.
EXPECTED_CHANGES = {}

# runs in the previous release's code, as the window's staff, the enterprise and the leader
SETUP = """
from odoo import Command, fields
from odoo.addons.qi_window.tools.china import china_today

ref = env.ref
window = ref("qi_window.window_government_centre_demo")
leader = window.leader_id
staff = (window.staff_ids.user_id - leader)[:1] or leader
coordinator = ref("qi_window.user_zhou_qiang_demo")
enterprise = ref("qi_case.partner_enterprise_glass_demo")
enterprise_user = ref("qi_case.user_portal_enterprise_demo")
item = window.item_ids.sorted("id")[:1]
Case = env["qi.case"].with_user(staff)
made = {}


def new_case(code):
    case = Case.create(
        {
            "subject": f"Upgrade check: a case left {code}",
            "partner_id": enterprise.id,
            "window_id": window.id,
            "channel": "walk_in",
            "item_ids": [Command.set(item.ids)],
        }
    )
    made[code] = case
    return case


def matched(code):
    case = new_case(code)
    case.action_accept()
    Wizard = env["qi.catalogue.match.wizard"].with_user(staff)
    wizard = Wizard.browse(Wizard._action_open_for_case(case)["res_id"])
    wizard.line_ids.filtered(lambda line: line.kind == "provider")[:1].selected = True
    wizard.action_assign()
    return case


def served(code):
    case = matched(code)
    # sudo: the provider's portal route accepts and delivers with sudo after its own check
    case.assignment_ids.sudo().action_accept()
    case.action_start_service()
    return case


new_case("new")
new_case("accepted").action_accept()
matched("matched")
served("in_service")
for code in ("completed", "closed"):
    case = served(code)
    # sudo: as above, the provider delivers through the portal
    case.assignment_ids.sudo().action_deliver()
    case.action_complete()
made["closed"].action_close()
new_case("cancelled").action_accept()
new_case("rejected")
for code, action in (("cancelled", "cancel"), ("rejected", "reject")):
    env["qi.case.close.wizard"].with_user(staff).create(
        {"case_id": made[code].id, "action": action, "reason": f"Upgrade check: {action}"}
    ).action_confirm()

# the enterprise rates (the portal route calls _rate for its own user); the leader calls back a bad review
Rating = env["qi.case.rating"]
Rating._rate(
    made["closed"], enterprise_user.partner_id, "5", comment="Upgrade check: satisfied",
    score_efficiency="5", score_competence="4", score_attitude="5",
)
bad = Rating._rate(made["completed"], enterprise_user.partner_id, "2", comment="Upgrade check: late report")
bad.with_user(leader).action_callback_done()

# an evaluation done by the leader; its finding becomes an improvement the staff member works on
evaluation = env["qi.evaluation"].with_user(leader).create(
    {
        "window_id": window.id,
        "evaluation_type": "adhoc_operating",
        "date_from": fields.Date.add(china_today(), days=-30),
        "date_to": china_today(),
        "evaluator_ids": [Command.set(leader.ids)],
        "user_id": leader.id,
    }
)
evaluation.action_start()
env["qi.evaluation.finding"].with_user(leader).create(
    {"line_id": evaluation.line_ids[:1].id, "name": "Upgrade check: the notice board is out of date.",
     "owner_id": staff.id}
)
evaluation.action_done()
improvement = evaluation.improvement_ids
improvement.with_user(staff).write({"root_cause": "Upgrade check: no one owns the board."})
improvement.with_user(staff).action_start()

# the leader archives the closed case and the evaluation; the coordination department
# asks to consult them, the leader grants it, the coordinator opens a file (logged)
Archive = env["qi.archive.record"].with_user(leader)
archived = Archive._qi_archive_source(made["closed"]) | Archive._qi_archive_source(evaluation)
request = env["qi.archive.access.request"].with_user(coordinator).create(
    {
        "record_ids": [Command.set(archived.ids)],
        "reason": "Upgrade check: yearly review of service records.",
        "date_to": fields.Date.add(china_today(), days=30),
    }
)
request.action_submit()
env["qi.archive.access.decision.wizard"].with_user(leader).create({"request_id": request.id}).action_approve()
archived[:1].file_ids[:1].attachment_id.with_user(coordinator).raw  # opening a file is what gets logged

# a setting the agency changed in Case Settings
env["res.config.settings"].with_user(env.ref("base.user_admin")).create({"qi_case_yellow_days": 4}).execute()

env.flush_all()
result = {
    "stages": {code: case.stage_code for code, case in made.items()},
    "ratings": Rating.search_count([("case_id", "in", [case.id for case in made.values()])]),
    "improvement": improvement.state,
    "archived": archived.mapped("name"),
    "request": request.state,
    "opened": env["qi.archive.access.log"].search_count([("request_id", "=", request.id)]),
    "yellow_days": env["ir.config_parameter"].get_param("qi_case.warning_working_days"),
}
"""

# the weekly scheduled check of the whole archive, run now (both releases have it)
CHECK = """
report = env["qi.archive.integrity.report"]._cron_check_integrity()
result = {
    "state": report.state,
    "records": report.record_count,
    "files": report.file_count,
    "archive_records": env["qi.archive.record"].search_count([]),
    "issues": [(issue.record_id.name, issue.file_id.name or "", issue.kind) for issue in report.issue_ids],
}
"""

# the upgraded database at work, in the checkout's code
AFTER = """
from odoo import Command

ref = env.ref
window = ref("qi_window.window_government_centre_demo")
leader = window.leader_id
staff = (window.staff_ids.user_id - leader)[:1] or leader
case = env["qi.case"].with_user(staff).create(
    {
        "subject": "Upgrade check: a case after the upgrade",
        "partner_id": ref("qi_case.partner_enterprise_glass_demo").id,
        "window_id": window.id,
        "item_ids": [Command.set(window.item_ids.sorted("id")[:1].ids)],
    }
)
case.action_accept()
Archive = env["qi.archive.record"]
last = Archive.search([("window_id", "=", window.id)], order="id desc", limit=1)
source = env["qi.case"].search(
    [("window_id", "=", window.id), ("stage_code", "=", "closed"), ("id", "not in", Archive._qi_archived_ids("qi.case"))],
    order="id",
    limit=1,
)
record = Archive.with_user(leader)._qi_archive_source(source)
result = {
    "case": case.name,
    "stage": case.stage_code,
    "record": record.name,
    "chained": record.previous_id == last and record.previous_hash == last.record_hash,
}
"""


def previous_release():
    """(tag, commit) of the last release recorded in docs/releases.md, the tag winning when present."""
    rows = RELEASE_ROW.findall(RELEASES.read_text(encoding="utf-8"))
    assert rows, f"{RELEASES.relative_to(ROOT)} records no release (| tag | full commit | ... |)"
    tag, recorded = rows[-1]
    tagged = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    assert not tagged or tagged == recorded, (
        f"tag {tag} is {tagged} but docs/releases.md records {recorded} for it: fix one of them"
    )
    present = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{recorded}^{{commit}}"], capture_output=True, check=False
    )
    if present.returncode:
        pytest.fail(
            f"release {tag} (commit {recorded}) is not in this clone, which is shallow or lacks history: "
            "run `git fetch --unshallow --tags` (CI: fetch-depth 0). The upgrade cannot be tested without it."
        )
    return tag, recorded


def extract_addons(commit, into):
    """``git archive <commit> addons`` unpacked into ``into``; returns the addons path."""
    archive = Path(into) / "release.tar"
    with open(archive, "wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", commit, "addons"], stdout=out, check=True, timeout=300)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return Path(into) / "addons"


def manifest_versions(addons):
    versions = {}
    for manifest in sorted(Path(addons).glob("qi_*/__manifest__.py")):
        found = re.search(r"""["']version["']\s*:\s*["']([^"']+)["']""", manifest.read_text(encoding="utf-8"))
        versions[manifest.parent.name] = found.group(1)
    return versions


def warnings(log):
    """The WARNING messages of an Odoo log, without time, process and database."""
    found = set()
    for line in log.splitlines():
        match = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ WARNING \S+ (.*)$", line)
        if match:
            found.add(re.sub(r"\d+(\.\d+)?s\b", "<t>", match.group(1)))
    return found


def installed_versions(db):
    conn = harness_db.connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name, latest_version FROM ir_module_module WHERE name LIKE 'qi\\_%%' AND state = %s",
                ("installed",),
            )
            return dict(cr.fetchall())
    finally:
        conn.close()


def test_upgrade_from_previous_release_keeps_every_record():
    tag, commit = previous_release()
    workdir = tempfile.mkdtemp(prefix="qi-release-")
    throwaway = harness_db.new("qi_sys_upg")
    db, data_dir = throwaway.name, throwaway.data_dir
    timings = {}
    started = time.monotonic()
    try:
        old_addons = extract_addons(commit, workdir)
        old_modules = sorted(manifest_versions(old_addons))
        current = manifest_versions(live.ADDONS)
        dropped = set(old_modules) - set(current)
        assert not dropped, f"the checkout no longer has {sorted(dropped)}: an upgrade must uninstall them first"

        install_log = live.install(db, data_dir, old_modules, demo=True, addons_path=old_addons)
        timings["install previous release"] = time.monotonic() - started

        made = live.run_odoo(db, data_dir, SETUP, addons_path=old_addons)
        assert made["stages"] == {code: code for code in made["stages"]}, made["stages"]
        assert set(made["stages"]) == {
            "new",
            "accepted",
            "matched",
            "in_service",
            "completed",
            "closed",
            "cancelled",
            "rejected",
        }
        assert made["ratings"] == 2 and made["improvement"] == "in_progress", made
        assert made["request"] == "approved" and made["opened"] == 1 and made["yellow_days"] == "4", made
        before_check = live.run_odoo(db, data_dir, CHECK, addons_path=old_addons)
        assert before_check["state"] == "ok", before_check["issues"]
        assert before_check["records"] == before_check["archive_records"] >= 2
        before = fingerprint.take(db)
        timings["use it"] = time.monotonic() - started

        upgrade_log = live.install(db, data_dir, old_modules, update=True)  # raises on any ERROR/CRITICAL line
        timings["upgrade"] = time.monotonic() - started

        # the upgrade alone keeps every row: compared before an addon new in this
        # checkout is installed, which adds rows of its own (and, on a database
        # with demo data, its demo: Odoo loads it whatever the install asks)
        after = fingerprint.take(db)
        changed = fingerprint.differences(before, after, allowed=EXPECTED_CHANGES)
        assert not changed, f"upgrading from {tag} changed stored data:\n" + "\n".join(changed)
        added = sorted(set(current) - set(old_modules))
        if added:  # an addon new in this checkout is installed beside the upgrade
            live.install(db, data_dir, added, demo=False)  # raises on any ERROR/CRITICAL line
            timings["install new addons"] = time.monotonic() - started
        new_warnings = warnings(upgrade_log) - warnings(install_log)
        assert not new_warnings, f"the upgrade from {tag} logs warnings the install does not:\n" + "\n".join(
            sorted(new_warnings)
        )
        assert installed_versions(db) == current, "the installed versions are not the checkout's after -u"

        after_check = live.run_odoo(db, data_dir, CHECK)
        assert after_check["state"] == "ok", after_check["issues"]
        assert after_check["records"] == before_check["records"]
        assert after_check["files"] == before_check["files"]

        working = live.run_odoo(db, data_dir, AFTER)
        assert working["stage"] == "accepted" and working["chained"], working
        case_numbers = {row["name"] for row in before["qi_case"]["rows"].values()}
        assert working["case"] not in case_numbers, "a case after the upgrade reused an existing number"
        final_check = live.run_odoo(db, data_dir, CHECK)
        assert final_check["state"] == "ok", final_check["issues"]
        assert final_check["records"] == before_check["records"] + 1
        timings["check"] = time.monotonic() - started
        print(f"upgrade {tag} -> checkout: " + ", ".join(f"{k} at {v:.0f} s" for k, v in timings.items()))
        for table, (count, digest) in fingerprint.summary(after).items():
            print(f"  {table}: {count} rows, {digest}")
    finally:
        throwaway.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
