"""Scenario "cron": the daily supervision of every open case, each run in a
worker process of its own (its peak RSS is the run's):

- ``_cron_supervise()`` called directly as the cron user, then flush and
  commit: a first run (every warning and escalation still to send) and a daily
  run (days used change for every case, nothing new to remind; if the first
  run crashed and was rolled back, the flags it would have left are set by SQL
  first);
- the scheduled action itself (``ir.cron.method_direct_trigger``: the cron
  context, commits per batch and Odoo's per-job time box), counting how many of
  the running cases it reaches.
"""

import re
import time
import traceback

from odoo import api
from odoo.api import SUPERUSER_ID

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.settings import int_param

from . import report
from .runtime import (
    QueryMeter,
    emit_result,
    log,
    profiled,
    rss_now,
    run_worker,
    vacuum_analyze,
)
from .seed import sql_array, sql_text_array
from .suite import OPEN_CODES, check_codes

# the stage each case is reopened in, by case id % 5: every open stage, in service twice
REOPEN_STAGES = ("new", "accepted", "matched", "in_service", "in_service")
LABEL_FIRST = "_cron_supervise() direct call, first run"
LABEL_DAILY = "_cron_supervise() direct call, daily run"
LABEL_TRIGGER = "scheduled action (method_direct_trigger)"


def prepare_cron(registry, db, info):
    """Reopen every case and spread deadlines: ~10% overdue, ~5% due within the
    warning window, the rest later; 5% with incomplete materials (clock stopped);
    a third of the new cases past their acceptance day. No flag, warning or
    escalation is set yet, so a first run has everything to do."""
    check_codes("cron.REOPEN_STAGES", REOPEN_STAGES)
    if set(REOPEN_STAGES) != set(OPEN_CODES):
        raise RuntimeError(f"cron.REOPEN_STAGES {REOPEN_STAGES} must cover the open stages {OPEN_CODES}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # the supervision's own "today" and threshold: China's date, the setting or its default
        today = china_today()
        warn_days = int_param(env, "qi_case.warning_working_days", 2, minimum=0)
        warn_limit = warning_limit(env, today, warn_days)
        staff = sql_array(info["staff_ids"])
        cr.execute(
            f"""UPDATE qi_case c SET
                    stage_id = st.id, stage_code = st.code, is_open = true,
                    user_id = CASE WHEN st.code = 'new' THEN c.user_id
                                   ELSE coalesce(c.user_id, ({staff})[1 + c.id %% {len(info["staff_ids"])}]) END,
                    materials_state = CASE WHEN c.id %% 20 = 7 THEN 'incomplete' ELSE 'complete' END,
                    date_materials_complete = CASE WHEN c.id %% 20 = 7 THEN NULL
                                                   ELSE least(c.date_materials_complete, %(today)s::date - 1) END,
                    date_deadline = CASE
                        WHEN c.id %% 20 = 7 THEN NULL
                        WHEN c.id %% 100 < 10 THEN %(today)s::date - (1 + c.id %% 30)
                        WHEN c.id %% 100 < 15 THEN %(today)s::date + (c.id %% (%(warn)s::date - %(today)s::date + 1))
                        ELSE %(warn)s::date + 1 + c.id %% 60 END,
                    date_accept_due = CASE WHEN st.code = 'new' AND c.id %% 3 = 0 THEN %(today)s::date - 1
                                           ELSE greatest(c.date_accept_due, %(today)s::date) END,
                    date_completed = NULL, date_closed = NULL, completed_on_time = NULL, on_time_rate = NULL,
                    close_reason = NULL, is_overdue = false, overdue_reason = NULL, deadline_state = 'on_time',
                    days_used = NULL, supervised_date = NULL,
                    -- the ladder (P-TL-7): 1 case in 50 red for a week already, its chase notice
                    -- sent, so that the first run also sends 督办; every other step still to fire
                    warning_level = CASE WHEN c.id %% 100 < 10 AND c.id %% 5 = 0 THEN 'red' ELSE 'none' END,
                    date_red = CASE WHEN c.id %% 100 < 10 AND c.id %% 5 = 0 THEN %(today)s::date - 7 END,
                    ladder_step = CASE WHEN c.id %% 100 < 10 AND c.id %% 5 = 0 THEN 'red' END,
                    ladder_deadline = CASE WHEN c.id %% 100 < 10 AND c.id %% 5 = 0
                                           THEN %(today)s::date - (1 + c.id %% 30) END,
                    -- 补正 (P-TL-2): the notice sent for 4 in 5 of the stopped clocks; the
                    -- others were never told, and the first run deems them complete on receipt
                    date_correction_notice = CASE WHEN c.id %% 20 = 7 AND c.id %% 100 <> 7
                                                  THEN (c.date_received)::date END,
                    date_correction_due = least(c.date_accept_due, %(today)s::date - 10),
                    materials_deemed_complete = false
                FROM qi_case_stage st
                WHERE st.code = ({sql_text_array(REOPEN_STAGES)})[1 + c.id %% {len(REOPEN_STAGES)}]""",
            {"today": today, "warn": warn_limit},
        )
        cr.execute("DELETE FROM mail_activity WHERE res_model = 'qi.case'")
        cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE date_deadline < %(t)s),
                             count(*) FILTER (WHERE date_deadline BETWEEN %(t)s AND %(w)s AND stage_code <> 'new'),
                             count(*) FILTER (WHERE stage_code = 'new' AND date_accept_due < %(t)s),
                             count(*) FILTER (WHERE date_materials_complete IS NOT NULL)
                      FROM qi_case WHERE is_open""",
            {"t": today, "w": warn_limit},
        )
        total, overdue, due_soon, not_accepted, clocked = cr.fetchone()
        cr.commit()
    vacuum_analyze(db, ["qi_case", "mail_activity"])
    return {
        "today": str(today),
        "warn_limit": str(warn_limit),
        "open": total,
        "overdue": overdue,
        "due_soon": due_soon,
        "not_accepted": not_accepted,
        "clocked": clocked,
    }


def reopen(registry, args, info):
    """prepare_cron, logged: the data of the cron and recompute scenarios."""
    log("cron: reopening every case and spreading deadlines ...")
    data = prepare_cron(registry, args.db, info)
    log(
        f"cron data: {data['open']} open cases, {data['overdue']} past their deadline, {data['due_soon']} due by "
        f"{data['warn_limit']}, {data['not_accepted']} not accepted in time, {data['clocked']} with a running clock "
        f"(today {data['today']})"
    )
    return data


def settle_cron_flags(registry, cron_data):
    """The overdue flags, warnings and escalations a successful first run leaves
    (see qi.case._update_overdue and _supervise_reminders), set by SQL."""
    with registry.cursor() as cr:
        cr.execute(
            """UPDATE qi_case SET
                   overdue_reason = CASE WHEN stage_code = 'new' AND date_accept_due < %(t)s THEN 'not_accepted'
                                         WHEN date_deadline < %(t)s THEN 'not_completed' END,
                   materials_state = CASE WHEN materials_state = 'incomplete' AND date_correction_notice IS NULL
                                          THEN 'complete' ELSE materials_state END
               WHERE is_open""",
            {"t": cron_data["today"], "w": cron_data["warn_limit"]},
        )
        cr.execute(
            """UPDATE qi_case SET is_overdue = overdue_reason IS NOT NULL,
                                         deadline_state = coalesce(overdue_reason, 'on_time'),
                                         warning_level = CASE WHEN overdue_reason IS NOT NULL THEN 'red'
                                             WHEN stage_code <> 'new' AND date_deadline BETWEEN %(t)s AND %(w)s
                                             THEN 'yellow' ELSE 'none' END,
                                         date_red = CASE WHEN overdue_reason IS NOT NULL
                                             THEN coalesce(date_red, %(t)s) END,
                                         ladder_step = CASE
                                             WHEN overdue_reason IS NOT NULL AND date_red < %(t)s THEN 'supervision'
                                             WHEN overdue_reason IS NOT NULL THEN 'red'
                                             WHEN user_id IS NOT NULL AND stage_code <> 'new'
                                                  AND date_deadline BETWEEN %(t)s AND %(w)s THEN 'yellow'
                                             ELSE ladder_step END,
                                         ladder_deadline = coalesce(date_deadline, date_accept_due)
                      WHERE is_open""",
            {"t": cron_data["today"], "w": cron_data["warn_limit"]},
        )


def warning_limit(env, today, warn_days):
    """A year chinese-calendar does not cover is answered by the provisional
    calendar (P-TL-1): no exception row is needed any more near the year end."""
    return env["qi.workday"].add_working_days(today, warn_days)


def run(args, registry, info, run_report):
    """The cron scenario, each run in a worker; returns the failed checks."""
    run_report["cron_data"] = data = reopen(registry, args, info)
    results = [run_cron(args, "direct", LABEL_FIRST)]
    daily_label = LABEL_DAILY
    if results[0].get("error"):
        # rolled back: set by SQL what the first run would have set, so the
        # daily run measures a day with nothing new to remind
        log("cron: the first run crashed and was rolled back; setting its flags by SQL for the daily run")
        settle_cron_flags(registry, data)
        daily_label += "*"
    results.append(run_cron(args, "direct", daily_label))
    if not args.skip_trigger:
        results.append(run_cron(args, "trigger", LABEL_TRIGGER))
    failures = []
    for result in results:
        failures += [f"cron {result['label']}: {c}" for c in report.judge_cron(result)]
    run_report["cron"] = results
    print()
    report.print_cron(results)
    print()
    return failures


def run_cron(args, mode, label):
    result = run_worker(args, mode, f"cron: {label}")
    result["label"] = label
    log(
        f"cron: {label}: {result['wall']:.1f} s wall, {result['sql']:.1f} s SQL, {result['queries']} queries, "
        f"peak RSS {result['peak_rss'] / 2**20:.0f} MiB, {result['clocked_done']}/{result['clocked']} running "
        f"cases reached, {result['activities_created']} activities, {result['mails_created']} mails; "
        f"levels {result.get('levels')}, steps {result.get('steps')}, {result.get('deemed')} deemed complete"
        + (f"; ERROR {result['error']}" + (" (rolled back)" if mode == "direct" else "") if result.get("error") else "")
    )
    return result


def worker(args, registry):
    """Runs in its own process: peak RSS is this process's. A crash of the cron is
    a measurement too: the time and memory until the crash, what the transaction
    had done (rolled back since) and the error are reported."""
    rss_before = rss_now()
    result = {"mode": args.worker_mode}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM qi_case WHERE is_open")
        result["open"] = cr.fetchone()[0]
        # every run is "the next day": nothing supervised yet today
        cr.execute("UPDATE qi_case SET days_used = NULL, supervised_date = NULL WHERE is_open")
        cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'qi.case'")
        activities_before = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mail_mail")
        mails_before = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_progress")
        last_progress = cr.fetchone()[0]
        cr.commit()
        cron = env.ref("qi_case.ir_cron_case_supervision")

        def outcome():
            # reached = supervised by this run (supervised_date is reset before each run)
            cr.execute("""SELECT count(*) FILTER (WHERE supervised_date IS NOT NULL),
                                 count(*),
                                 count(*) FILTER (WHERE is_overdue),
                                 max(id) FILTER (WHERE supervised_date IS NOT NULL)
                          FROM qi_case WHERE is_open""")
            result["clocked_done"], result["clocked"], result["overdue"], result["last_id_done"] = cr.fetchone()
            cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'qi.case'")
            result["activities_created"] = cr.fetchone()[0] - activities_before
            # the red/yellow ladder (issue 12): levels of the open cases, steps fired
            cr.execute("SELECT warning_level, count(*) FROM qi_case WHERE is_open GROUP BY 1")
            result["levels"] = dict(cr.fetchall())
            cr.execute("SELECT coalesce(ladder_step, '-'), count(*) FROM qi_case WHERE is_open GROUP BY 1")
            result["steps"] = dict(cr.fetchall())
            cr.execute("SELECT count(*) FROM qi_case WHERE is_open AND materials_deemed_complete")
            result["deemed"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM mail_mail")
            result["mails_created"] = cr.fetchone()[0] - mails_before
            if args.worker_mode == "trigger":
                cr.execute(
                    "SELECT count(*), sum(done), min(remaining) FROM ir_cron_progress WHERE id > %s AND cron_id = %s",
                    [last_progress, cron.id],
                )
                result["loops"], result["progress_done"], result["progress_remaining"] = cr.fetchone()

        cpu0 = time.process_time()
        meter = QueryMeter()
        try:
            with meter, profiled(args.worker_mode):
                if args.worker_mode == "direct":
                    failed = env["qi.case"]._cron_supervise()
                    result["failed"] = len(failed)
                    env.flush_all()
                    outcome()  # inside the transaction, before commit
                    cr.commit()
                else:
                    trigger_until_done(cr, cron, result)
            if args.worker_mode == "trigger":
                outcome()
        except Exception as exc:
            traceback.print_exc()
            result["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            try:
                outcome()  # what the transaction did before the error (then rolled back)
            except Exception:
                result.setdefault("clocked_done", 0)
            cr.rollback()
        result.update(queries=meter.count, sql=meter.sql, wall=meter.total, cpu=time.process_time() - cpu0)
        result.setdefault("clocked_done", 0)
        for key in ("clocked", "overdue", "last_id_done", "activities_created", "mails_created"):
            result.setdefault(key, None)
        cr.commit()
    emit_result(result, rss_before)


def trigger_until_done(cr, cron, result):
    """As the scheduler does: a job left "partially done" (remaining > 0 when its
    time box ran out) is run again as soon as possible."""
    result["job_runs"] = 0
    while True:
        response = cron.method_direct_trigger()
        cr.commit()
        result["job_runs"] += 1
        cr.execute("SELECT remaining FROM ir_cron_progress WHERE cron_id = %s ORDER BY id DESC LIMIT 1", [cron.id])
        left = cr.fetchone()
        failed_job = isinstance(response, dict) and response.get("tag") == "display_exception"
        if failed_job or not left or not left[0] or result["job_runs"] >= 50:
            break
    if failed_job:
        debug = response["params"]["data"].get("debug", "")
        causes = [line for line in debug.splitlines() if re.match(r"^[\w.]+(Error|Exception)\b", line)]
        result["error"] = "job failed: " + (causes[0] if causes else "see the log")[:300]
