"""Killed mid-run (issue 14): the daily supervision of qi_case and the automatic
archiving of qi_archive survive a SIGKILL in the middle of a run.

Both commit their work batch by batch (addons/qi_window/tools/cron.py). Each is
run as the scheduler runs it (``ir.cron.method_direct_trigger`` until nothing
is left, the benchmark's ``trigger_until_done``: the cron context, a commit per
batch, Odoo's time box per job) in an Odoo process of its own, killed with
SIGKILL (the whole process group, as the OOM killer or a pulled plug would) once
a few batches committed, then run again to the end. What an operator sees after
that must be what one uninterrupted run leaves:

- the supervision: every open case supervised today, each escalation given
  once to each of its recipients, each recipient one digest for the whole day
  that counts every case of theirs (also those of the killed run), and the
  second run doing only what the killed run had not committed;
- the archiving: every archivable document archived once, each record whole,
  and every window's hash chain intact (the addon's integrity check).

The 100,000 cases are the benchmark's (tools/qi_harness/bench/seed.py, and
``prepare_cron`` of bench/cron.py spreads their deadlines: ~10 % overdue, ~5 %
due within the warning days, a third of the new ones not accepted in time),
loaded with ``INSERT ... SELECT generate_series``.
"""

import contextlib
import os
import re
import signal
import time
from pathlib import Path

from qi_harness import db as harness_db
from qi_harness import live

TOOLS = Path(__file__).resolve().parents[2] / "tools"
SUPERVISION_CRON = "qi_case.ir_cron_case_supervision"
ARCHIVE_CRON = "qi_archive.ir_cron_auto_archive"
CASES = 100_000
ARCHIVE_CASES = 1_000  # about two thirds are closed for more than the 30 days the archive waits
KILL_AFTER_BATCHES = 2

SEED_SUPERVISION = """
import inspect, sys, time
sys.path.insert(0, {tools!r})
from qi_harness.bench import cron as bench_cron, seed
started = time.monotonic()
info = seed.generate(registry, {cases}, 0, 3000, None)
data = bench_cron.prepare_cron(registry, registry.db_name, info)
signature = inspect.signature(type(env["qi.case"])._cron_supervise)
result = dict(data, batch=signature.parameters["batch_size"].default, seconds=time.monotonic() - started)
"""

SEED_ARCHIVE = """
import inspect, sys
sys.path.insert(0, {tools!r})
from qi_harness.bench import seed
seed.generate(registry, {cases}, 0, 300, None)
Archive = env["qi.archive.record"]
todo = Archive._qi_auto_archive_candidates()
cases = env["qi.case"].browse([res_id for model, res_id in todo if model == "qi.case"])
# a file of its own for one generated case in ten: the archive copies and hashes it too
env["ir.attachment"].create(
    [
        {{"name": f"report-{{case.id}}.txt", "raw": f"test report of {{case.name}}".encode(), "res_model": "qi.case",
          "res_id": case.id}}
        for case in cases.filtered(lambda c: c.subject.startswith("Benchmark demand"))[::10]
    ]
)
signature = inspect.signature(type(Archive)._cron_auto_archive)
result = {{"candidates": len(todo), "batch": signature.parameters["batch_size"].default,
          "files": sum(len(env[model].browse(res_id)._qi_archive_attachments()) for model, res_id in todo)}}
"""

# the scheduled action, as the scheduler runs it, until the job reports nothing left
RUN_CRON = """
import sys
sys.path.insert(0, {tools!r})
from qi_harness.bench.cron import trigger_until_done
from odoo.addons.qi_window.tools.china import china_today
result = {{"today": str(china_today())}}
trigger_until_done(cr, env.ref({cron!r}), result)
"""

CHECK_INTEGRITY = """
report = env["qi.archive.integrity.report"]._cron_check_integrity()
left = env["qi.archive.record"]._qi_auto_archive_candidates()
result = {"state": report.state, "issues": report.issue_count, "records": report.record_count,
          "files": report.file_count, "left": len(left)}
"""

DIGEST_SUBJECT = re.compile(r"(\d+) (?:case\(s\)|件办件)")


def query(conn, sql, params=None):
    with conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def value(conn, sql, params=None):
    return query(conn, sql, params)[0][0]


def cron_id(conn, xmlid):
    module, name = xmlid.split(".")
    return value(conn, "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", [module, name])


def progress(conn, cron, after):
    """(last progress id, cases or documents the job committed since progress ``after``)."""
    return query(
        conn,
        "SELECT coalesce(max(id), %s), coalesce(sum(done), 0) FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
        [after, cron, after],
    )[0]


def kill_mid_run(conn, proc, cron, after, batch, timeout=900):
    """SIGKILL ``proc``'s process group once KILL_AFTER_BATCHES batches of the job
    committed, then wait until PostgreSQL has let go of its connections (it rolls
    back the transaction that was open, as for a crash). Fails if the run ends first."""
    deadline = time.monotonic() + timeout
    while progress(conn, cron, after)[1] < KILL_AFTER_BATCHES * batch:
        assert proc.poll() is None, (
            f"the run ended ({proc.returncode}) before {KILL_AFTER_BATCHES} batches committed:\n"
            + proc.log_path.read_text(errors="replace")[-4000:]
        )
        assert time.monotonic() < deadline, f"{KILL_AFTER_BATCHES} batches not committed within {timeout} s"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(60)
    assert proc.returncode == -signal.SIGKILL
    dbname = conn.get_dsn_parameters()["dbname"]
    deadline = time.monotonic() + 120
    while value(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [dbname]):
        assert time.monotonic() < deadline, "PostgreSQL kept the killed run's connections for 120 s"
        time.sleep(0.2)


@contextlib.contextmanager
def started(db, data_dir, code, env=None):
    """A run of ``code`` in a process group of its own, killed whatever happens."""
    proc = live.start_odoo(db, data_dir, code, env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(60)


def without_wkhtmltopdf():
    """The environment of an Odoo that finds no wkhtmltopdf: the archive freezes HTML
    documents (~0.1 s each here) instead of PDFs (~1.3 s each, one wkhtmltopdf per
    document), so that a run of many batches stays short. How a record is frozen
    does not change how a batch commits."""
    env = live.pg_env()
    env["PATH"] = os.pathsep.join(
        folder for folder in env.get("PATH", os.defpath).split(os.pathsep) if not Path(folder, "wkhtmltopdf").exists()
    )
    return env


def test_supervision_killed_mid_run_finishes_the_day_once(suite_db):
    db, data_dir = suite_db
    seeded = live.run_odoo(db, data_dir, SEED_SUPERVISION.format(tools=str(TOOLS), cases=CASES), timeout=1800)
    today, batch, total = seeded["today"], seeded["batch"], seeded["open"]
    assert total >= CASES
    conn = harness_db.connect(db)
    try:
        cron = cron_id(conn, SUPERVISION_CRON)
        types = dict(
            query(
                conn,
                """SELECT name, res_id FROM ir_model_data WHERE module = 'qi_case' AND name IN
                   ('mail_activity_type_case_deadline', 'mail_activity_type_case_escalation')""",
            )
        )
        yellow, red = types["mail_activity_type_case_deadline"], types["mail_activity_type_case_escalation"]
        first_progress = progress(conn, cron, 0)[0]
        first_message = value(conn, "SELECT coalesce(max(id), 0) FROM mail_message")
        first_event = value(conn, "SELECT coalesce(max(id), 0) FROM qi_case_clock_event")
        assert not value(conn, "SELECT count(*) FROM mail_activity WHERE res_model = 'qi.case'")

        # 1. killed once a few batches committed
        started_at = time.monotonic()
        with started(db, data_dir, RUN_CRON.format(tools=str(TOOLS), cron=SUPERVISION_CRON)) as proc:
            kill_mid_run(conn, proc, cron, first_progress, batch)
        killed_after = time.monotonic() - started_at
        second_progress, committed_progress = progress(conn, cron, first_progress)
        # each case supervised carries the day's mark
        committed = value(conn, "SELECT count(*) FROM qi_case WHERE is_open AND supervised_date = %s", [today])
        assert committed == committed_progress, "the progress the scheduler shows is what was committed"
        assert KILL_AFTER_BATCHES * batch <= committed < total, "killed in the middle of the day"
        assert committed % batch == 0, "a batch commits whole or not at all"
        # nothing of the batch in flight survived: no escalation of a case without its mark
        assert not value(
            conn,
            """SELECT count(*) FROM mail_activity a JOIN qi_case c ON c.id = a.res_id
               WHERE a.res_model = 'qi.case' AND c.supervised_date IS DISTINCT FROM %s""",
            [today],
        )

        # 2. run again, to the end of the day
        rerun_started = time.monotonic()
        rerun = live.run_odoo(db, data_dir, RUN_CRON.format(tools=str(TOOLS), cron=SUPERVISION_CRON), timeout=1800)
        rerun_seconds = time.monotonic() - rerun_started
        assert rerun["today"] == today, "the runs crossed midnight in China: run the test again"
        assert not rerun.get("error"), rerun
        second = progress(conn, cron, second_progress)[1]
        assert second == total - committed, (
            "the second run supervises exactly the cases the killed run had not committed: of the killed "
            f"run's work only its batch in flight (at most {batch} cases, rolled back) is done again"
        )

        # the day is finished: every open case supervised today ...
        assert not value(
            conn, "SELECT count(*) FROM qi_case WHERE is_open AND supervised_date IS DISTINCT FROM %s", [today]
        )
        # ... every case the ladder says is due escalated for its current deadline ...
        assert not value(
            conn,
            """SELECT count(*) FROM qi_case
               WHERE is_open AND (warning_level = 'red' OR (warning_level = 'yellow' AND user_id IS NOT NULL))
                 AND (ladder_step IS NULL OR (warning_level = 'red' AND ladder_step = 'yellow')
                      OR ladder_deadline IS DISTINCT FROM coalesce(date_deadline, date_accept_due))""",
        )
        # ... with an activity for each recipient: yellow, the handler; red, the handler and the leader ...
        missing = query(
            conn,
            """SELECT c.id, r.user_id, c.ladder_step FROM qi_case c JOIN qi_window w ON w.id = c.window_id
               CROSS JOIN LATERAL (VALUES (c.user_id), (CASE WHEN c.ladder_step = 'red' THEN w.leader_id END))
                   AS r(user_id)
               WHERE c.is_open AND r.user_id IS NOT NULL
                 AND (c.ladder_step = 'yellow' OR (c.ladder_step = 'red' AND c.date_red = %(today)s))
                 AND NOT EXISTS (
                     SELECT 1 FROM mail_activity a
                     WHERE a.res_model = 'qi.case' AND a.res_id = c.id AND a.user_id = r.user_id
                       AND a.activity_type_id = CASE c.ladder_step WHEN 'yellow' THEN %(yellow)s ELSE %(red)s END)
               LIMIT 5""",
            {"today": today, "yellow": yellow, "red": red},
        )
        assert not missing, f"escalations without their activity (case, user, step): {missing}"
        # ... and none twice: one activity per case, recipient and step
        twice = query(
            conn,
            """SELECT res_id, user_id, activity_type_id, count(*) FROM mail_activity WHERE res_model = 'qi.case'
               GROUP BY 1, 2, 3 HAVING count(*) > 1 LIMIT 5""",
        )
        assert not twice, f"escalated twice (case, user, type, count): {twice}"
        escalated = value(conn, "SELECT count(DISTINCT res_id) FROM mail_activity WHERE res_model = 'qi.case'")
        assert escalated > total // 10, "the data makes thousands of escalations"
        # materials deemed complete once each (P-TL-2), with one line in the clock log
        deemed = query(
            conn,
            """SELECT (SELECT count(*) FROM qi_case WHERE materials_deemed_complete),
                      count(*), count(DISTINCT case_id)
               FROM qi_case_clock_event WHERE kind = 'deemed_complete' AND id > %s""",
            [first_event],
        )[0]
        assert deemed[0] > 0 and deemed[0] == deemed[1] == deemed[2], f"deemed complete, logged, cases: {deemed}"

        # one digest per recipient for the day, counting every case of theirs, the killed run's too
        digests = {}
        for partner, subject in query(
            conn,
            """SELECT r.res_partner_id, m.subject FROM mail_message m
               JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
               WHERE m.id > %s AND m.message_type = 'user_notification'""",
            [first_message],
        ):
            found = DIGEST_SUBJECT.search(subject or "")
            if found:
                digests.setdefault(partner, []).append(int(found.group(1)))
        expected = dict(
            query(
                conn,
                """SELECT u.partner_id, count(DISTINCT a.res_id) FROM mail_activity a
                   JOIN res_users u ON u.id = a.user_id WHERE a.res_model = 'qi.case' GROUP BY 1""",
            )
        )
        assert digests == {partner: [count] for partner, count in expected.items()}, (
            "each recipient gets one digest (partner: [cases counted by each digest])"
        )
        assert not value(conn, "SELECT count(*) FROM mail_activity WHERE qi_digest_pending")
    finally:
        conn.close()
    print(
        f"\nsupervision of {total} open cases in batches of {batch}: seeded in {seeded['seconds']:.0f} s, "
        f"killed after {killed_after:.0f} s with {committed} committed, second run {rerun_seconds:.0f} s "
        f"({rerun['job_runs']} jobs) for {second}; {escalated} cases escalated, {len(digests)} digests"
    )


def test_auto_archive_killed_mid_run_archives_each_document_once(suite_db):
    db, data_dir = suite_db
    seeded = live.run_odoo(db, data_dir, SEED_ARCHIVE.format(tools=str(TOOLS), cases=ARCHIVE_CASES))
    batch, candidates = seeded["batch"], seeded["candidates"]
    assert candidates >= 6 * batch, "enough documents for several batches"
    env = without_wkhtmltopdf()
    conn = harness_db.connect(db)
    try:
        cron = cron_id(conn, ARCHIVE_CRON)
        first_progress = progress(conn, cron, 0)[0]
        records_before = value(conn, "SELECT count(*) FROM qi_archive_record")
        max_record = value(conn, "SELECT coalesce(max(id), 0) FROM qi_archive_record")

        # 1. killed once a few batches committed
        with started(db, data_dir, RUN_CRON.format(tools=str(TOOLS), cron=ARCHIVE_CRON), env=env) as proc:
            kill_mid_run(conn, proc, cron, first_progress, batch)
        second_progress, committed_progress = progress(conn, cron, first_progress)
        committed = value(conn, "SELECT count(*) FROM qi_archive_record WHERE id > %s", [max_record])
        assert committed == committed_progress, "the progress the scheduler shows is what was committed"
        assert KILL_AFTER_BATCHES * batch <= committed < candidates, "killed in the middle of the run"
        assert committed % batch == 0, "a batch commits whole or not at all"
        # every committed record is whole: hashed, with its frozen document
        assert not value(
            conn,
            """SELECT count(*) FROM qi_archive_record r WHERE r.id > %s AND (r.record_hash IS NULL
                   OR NOT EXISTS (SELECT 1 FROM qi_archive_file f WHERE f.record_id = r.id AND f.kind = 'frozen'))""",
            [max_record],
        )

        # 2. run again, to the end
        rerun = live.run_odoo(db, data_dir, RUN_CRON.format(tools=str(TOOLS), cron=ARCHIVE_CRON), env=env)
        assert not rerun.get("error"), rerun
        second = progress(conn, cron, second_progress)[1]
        assert second == candidates - committed, "the second run archives only what the killed run had not committed"
        assert value(conn, "SELECT count(*) FROM qi_archive_record") == records_before + candidates
        twice = query(
            conn,
            """SELECT source_model, source_id, count(*) FROM qi_archive_record WHERE source_model IS NOT NULL
               GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5""",
        )
        assert not twice, f"archived twice: {twice}"
        copied = value(
            conn,
            """SELECT count(*) FROM qi_archive_file f JOIN qi_archive_record r ON r.id = f.record_id
               WHERE r.id > %s AND f.kind = 'attachment'""",
            [max_record],
        )
        assert copied == seeded["files"], "each document's files copied once into its record"
        # each window's records form one chain from its first record, without a gap or a fork
        chains = query(
            conn,
            """WITH RECURSIVE chain AS (
                   SELECT id, window_id FROM qi_archive_record WHERE previous_id IS NULL
                   UNION ALL
                   SELECT r.id, r.window_id FROM qi_archive_record r JOIN chain c ON r.previous_id = c.id)
               SELECT w.window_id, w.records, (SELECT count(*) FROM chain c WHERE c.window_id = w.window_id)
               FROM (SELECT window_id, count(*) AS records FROM qi_archive_record GROUP BY 1) w""",
        )
        assert all(records == linked for _window, records, linked in chains), chains
    finally:
        conn.close()
    # the addon's own integrity check: every file's bytes, every record's hash, every chain link
    check = live.run_odoo(db, data_dir, CHECK_INTEGRITY)
    assert (check["state"], check["issues"], check["left"]) == ("ok", 0, 0), check
    assert check["records"] == records_before + candidates
    print(
        f"\nauto-archiving of {candidates} documents in batches of {batch}: killed with {committed} committed, "
        f"second run archived {second}; integrity check of {check['records']} records, {check['files']} files: ok"
    )
