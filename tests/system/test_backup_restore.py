"""A backup restores whole, and the archive check tells a restored file that changed.

An agency backs up with Odoo's own ``odoo db dump`` (database and filestore in
one zip) and restores with ``odoo db load`` (docs/deployment.md, *Upgrades and
backups*). The archive keeps a SHA-256 of every file it froze (R-9.a), and the
integrity check compares the stored bytes with it: after a restore it must
pass, and when a restored file is not the one archived (a damaged backup, a
file edited in the filestore) it must name that record and file to the
window's leader.
"""

import secrets
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from qi_harness import db as harness_db
from qi_harness import fingerprint, live

# the window's leader archives a free document with a file he uploads (the Archive wizard)
TO_DO = {"Archive integrity mismatches to investigate", "待核查的档案完整性不一致"}  # in the leader's language
ARCHIVE_UPLOAD = """
from odoo import Command

window = env.ref("qi_window.window_government_centre_demo")
leader = window.leader_id
upload = env["ir.attachment"].with_user(leader).create(
    {"name": "meeting-minutes.pdf", "raw": CONTENT.encode(), "res_model": "qi.archive.wizard"}
)
wizard = env["qi.archive.wizard"].with_user(leader).create(
    {
        "mode": "document",
        "title": "Backup check: minutes of the window meeting",
        "window_id": window.id,
        "attachment_ids": [Command.set(upload.ids)],
    }
)
record = env["qi.archive.record"].browse(wizard.action_archive()["res_id"])
copy = record.file_ids.filtered(lambda line: line.name == "meeting-minutes.pdf")
result = {
    "record": record.name,
    "leader": leader.id,
    "file": copy.name,
    "store_fname": copy.attachment_id.store_fname,
    "records": env["qi.archive.record"].search_count([]),
}
"""

# the weekly scheduled check of the whole archive, run now: what the report shows
CHECK = """
report = env["qi.archive.integrity.report"]._cron_check_integrity()
kinds = dict(env["qi.archive.integrity.issue"]._fields["kind"]._description_selection(env))
states = dict(report._fields["state"]._description_selection(env))
result = {
    "state": states[report.state],
    "records": report.record_count,
    "files": report.file_count,
    "all_records": env["qi.archive.record"].search_count([]),
    "issues": [
        {"record": issue.record_id.name, "file": issue.file_id.name or "", "kind": kinds[issue.kind]}
        for issue in report.issue_ids
    ],
    "to_do": [
        (activity.user_id.id, activity.summary) for activity in report.activity_ids
    ],
}
"""


def odoo_db(data_dir, *args):
    subprocess.run(
        live.odoo_command("db", f"--data-dir={data_dir}") + list(args),
        env=live.pg_env(),
        check=True,
        timeout=900,
        stdout=subprocess.DEVNULL,
    )


def test_dump_and_load_keep_the_archive_verifiable(suite_db):
    db, data_dir = suite_db
    # a PDF of its own: no other attachment shares its file in the filestore
    content = f"%PDF-1.4\n% backup check {secrets.token_hex(16)}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    made = live.run_odoo(db, data_dir, f"CONTENT = {content!r}\n" + ARCHIVE_UPLOAD)
    assert made["file"] == "meeting-minutes.pdf" and made["store_fname"], made
    assert made["records"] > 1, "the demo data archives records of its own"

    workdir = Path(tempfile.mkdtemp(prefix="qi-backup-"))
    restored = None
    try:
        source = fingerprint.take(db)
        dump = workdir / f"{db}.zip"
        odoo_db(data_dir, "dump", db, str(dump))
        with zipfile.ZipFile(dump) as archive:
            names = set(archive.namelist())
        assert "dump.sql" in names and f"filestore/{made['store_fname']}" in names, sorted(names)[:20]

        # 1. restored as it was: the same records, every archived file intact
        restored = harness_db.unique_name("qi_sys_restored")
        odoo_db(data_dir, "load", restored, str(dump))
        changed = fingerprint.differences(source, fingerprint.take(restored))
        assert not changed, "the restore differs from the database dumped:\n" + "\n".join(changed)
        check = live.run_odoo(restored, data_dir, CHECK)
        assert check["state"] == "All Intact", check["issues"]
        assert check["records"] == made["records"] == check["all_records"]
        assert check["files"] >= check["records"]
        assert not check["issues"] and not check["to_do"]

        # 2. one restored archived file is not the one archived any more (a second
        # restore would prove nothing more and costs a minute on a loaded machine)
        stored = Path(data_dir) / "filestore" / restored / made["store_fname"]
        data = bytearray(stored.read_bytes())
        data[len(data) // 2] ^= 0xFF
        stored.write_bytes(bytes(data))
        check = live.run_odoo(restored, data_dir, CHECK)
        assert check["state"] == "Mismatches Found"
        assert check["issues"] == [{"record": made["record"], "file": "meeting-minutes.pdf", "kind": "File Changed"}]
        leader_to_do = [summary for user, summary in check["to_do"] if user == made["leader"]]
        assert len(leader_to_do) == 1 and leader_to_do[0] in TO_DO, f"the leader's to-do: {check['to_do']}"

        # the database dumped keeps its own files: still intact
        check = live.run_odoo(db, data_dir, CHECK)
        assert check["state"] == "All Intact", check["issues"]
    finally:
        if restored:
            live.drop_copy(restored, data_dir)
        shutil.rmtree(workdir, ignore_errors=True)
