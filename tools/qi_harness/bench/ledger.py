"""Scenario "ledger": the daily due warnings of the enterprises' ledgers at
1,000,000 lines for 50,000 enterprises (issue 16, ``bin/qi-benchmark ledger``).

    bin/qi-benchmark ledger [--lines N] [--enterprises N] [--first-run] [--keep] [--reuse DB]

1. ``qi_window``, ``qi_catalogue``, ``qi_case`` and ``qi_proactive`` installed
   without demo data in a throw-away database, from a snapshot of the addons;
2. windows, their leaders and stewards through the ORM; the enterprises (zh_CN,
   nine in ten with an e-mail address, one in ten with a portal user) and the
   instruments with ``INSERT ... SELECT generate_series``: 20 lines an
   enterprise, due dates spread uniformly from a year ago to two years ahead,
   60 % under compulsory verification, 2 % archived (drawn by a hash of the
   row number, the same on every run); then the warning state a run yesterday would
   have left (``warned_step``/``warned_date_due``/``is_flagged`` from the
   service's own step SQL at yesterday's date): the steady state of a daily run;
3. EXPLAIN ANALYZE of the candidate query (``_candidates_query``): it must read
   the partial index ``qi_instrument_due_warning_index``, never the table;
4. the scheduled action itself (``ir.cron.method_direct_trigger``: the cron
   context, a commit per batch, Odoo's time box, run again while "partially
   done"), twice: at half the batch size, then (the day undone: the lines
   warned put back as yesterday left them, the day's warnings, mails and
   activities removed) at the batch size of the setting
   ``qi_proactive.ledger_warning_batch_size`` (500); each batch
   (``_warn_batch``) metered: besides the INSERTs (the ORM writes 100 rows a
   statement) its queries must not grow with the batch's size;
5. ``--first-run``: every warning state reset, the catch-up day of a first
   run (every overdue line and every line within the first threshold), timed
   the same way (reported, not judged: it happens once).

Goal: the daily run under 60 s with a flat number of queries per batch.
"""

import argparse
import os
import statistics
import time

from .runtime import QueryMeter, log, peak_rss, profiled, vacuum_analyze

PROG = "qi-benchmark ledger"
LEDGER_MODULES = ("qi_window", "qi_catalogue", "qi_case", "qi_proactive")
LINES, ENTERPRISES = 1_000_000, 50_000
WINDOWS, STEWARDS_PER_WINDOW = 10, 4
MAX_RUN_S = 60.0
INDEX = "qi_instrument_due_warning_index"
BATCH_SIZE_KEY = "qi_proactive.ledger_warning_batch_size"  # qi_ledger_warning.BATCH_SIZE_KEY
TABLES = ["res_partner", "res_users", "qi_instrument"]


def parse_args(argv):
    from .cli import DEFAULT_CONF

    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=LINES, help=f"qi.instrument rows (default {LINES})")
    parser.add_argument(
        "--enterprises", type=int, default=ENTERPRISES, help=f"enterprises the lines belong to (default {ENTERPRISES})"
    )
    parser.add_argument(
        "--quick", action="store_true", help="200,000 lines for 10,000 enterprises (a check of the script)"
    )
    parser.add_argument("--batch-size", type=int, default=500, help="enterprises per batch of the run (default 500)")
    parser.add_argument("--first-run", action="store_true", help="also time the catch-up day of a first run")
    parser.add_argument(
        "--show-queries",
        action="store_true",
        help="print the queries of a batch of the daily run (with and without the creation of the day's activities)",
    )
    parser.add_argument("--json", metavar="FILE", help="write every measurement to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the database and its data dir")
    parser.add_argument(
        "--reuse", metavar="DB", help="measure a database kept by --keep again (no install, no generation)"
    )
    parser.add_argument("--conf", default=DEFAULT_CONF)
    args = parser.parse_args(argv)
    if args.quick:
        args.lines, args.enterprises = LINES // 5, ENTERPRISES // 5
    return args


def main(argv):
    from .cli import SOURCE_ADDONS, session

    args = parse_args(argv)
    run_report = {"lines": args.lines, "enterprises": args.enterprises, "batch_size": args.batch_size}

    def body(registry):
        if not args.reuse:
            t0 = time.perf_counter()
            log(f"ledger: generating {args.lines} instruments for {args.enterprises} enterprises ...")
            run_report["data"] = generate(registry, args.lines, args.enterprises)
            vacuum_analyze(args.db, TABLES)
            run_report["generate_s"] = time.perf_counter() - t0
            log(f"ledger: generated in {run_report['generate_s']:.0f} s: {run_report['data']}")
        today = settle_yesterday(registry)
        vacuum_analyze(args.db, TABLES)
        failures = explain(registry, today, run_report)
        half = max(1, args.batch_size // 2)
        run_report["half"] = scheduled_action(
            registry, f"daily run at {half} enterprises a batch", half, args.show_queries
        )
        settle_yesterday(registry, only_today=True)
        run_report["daily"] = scheduled_action(
            registry, f"daily run at {args.batch_size} enterprises a batch", args.batch_size, args.show_queries
        )
        failures += judge(run_report)
        if args.show_queries:
            show_queries(run_report["half"]["batches"] + run_report["daily"]["batches"])
        if args.first_run:
            reset_all(registry)
            vacuum_analyze(args.db, TABLES + ["qi_ledger_warning", "mail_mail", "mail_message"])
            run_report["first_run"] = scheduled_action(
                registry, "first run (catch-up)", args.batch_size, args.show_queries
            )
        print_summary(run_report)
        return failures

    return session(args, LEDGER_MODULES, str(SOURCE_ADDONS) if args.reuse else None, body, run_report)


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
def generate(registry, n_lines, n_enterprises):
    """Windows, leaders and stewards through the ORM; enterprises, portal users and
    instruments in bulk. Returns what was made."""
    from odoo import Command, api
    from odoo.api import SUPERUSER_ID

    from odoo.addons.qi_window.tools.china import CHINA_TZ, china_today

    from .seed import check_columns, sql_array

    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True}
        )
        env["res.lang"]._activate_lang("zh_CN")
        company = env.ref("base.main_company")
        g_user, g_manager = env.ref("qi_window.group_qi_user"), env.ref("qi_window.group_qi_manager")
        Users = env["res.users"]
        leaders = Users.create(
            [
                {
                    "name": f"Ledger Leader {w}",
                    "login": f"ledger_leader_{w}",
                    "email": f"leader{w}@window.example.cn",
                    "tz": CHINA_TZ,
                    "lang": "zh_CN",
                    "group_ids": [Command.set([g_manager.id])],
                }
                for w in range(WINDOWS)
            ]
        )
        stewards = Users.create(
            [
                {
                    "name": f"Ledger Steward {s}",
                    "login": f"ledger_steward_{s}",
                    "email": f"steward{s}@window.example.cn",
                    "phone": f"0335-30{s:05d}",
                    "tz": CHINA_TZ,
                    "lang": "zh_CN",
                    "group_ids": [Command.set([g_user.id])],
                }
                for s in range(WINDOWS * STEWARDS_PER_WINDOW)
            ]
        )
        windows = env["qi.window"].create(
            [
                {
                    "name": f"Ledger Window {w}",
                    "code": f"LW{w}",
                    "leader_id": leaders[w].id,
                    "company_id": company.id,
                    "email": f"window{w}@example.cn",
                    "staff_ids": [
                        Command.create({"user_id": stewards[w * STEWARDS_PER_WINDOW + s].id})
                        for s in range(STEWARDS_PER_WINDOW)
                    ],
                }
                for w in range(WINDOWS)
            ]
        )
        env.flush_all()
        window_ids, steward_ids = sql_array(windows.ids), sql_array(stewards.ids)
        now = "(now() AT TIME ZONE 'UTC')"

        # enterprises: one window each in turn, one of the window's stewards (one in
        # eight without: the window's leader follows those), nine in ten with an e-mail
        check_columns(cr, "res_partner", ["id"])
        cr.execute(
            f"""INSERT INTO res_partner (name, complete_name, is_company, active, type, lang, tz, email, phone,
                                         partner_share, ref, qi_window_id, qi_steward_id,
                                         create_uid, write_uid, create_date, write_date)
                SELECT 'Ledger Enterprise ' || g, 'Ledger Enterprise ' || g, true, true, 'contact', 'zh_CN', %s,
                       CASE WHEN g %% 10 <> 0 THEN 'quality' || g || '@enterprise.example.cn' END,
                       '0335-' || (5000000 + g), true, 'qi-bench-ledger',
                       ({window_ids})[1 + g %% {WINDOWS}],
                       CASE WHEN {draw("g", 1)} %% 8 <> 0
                            THEN ({steward_ids})[1 + (g %% {WINDOWS}) * {STEWARDS_PER_WINDOW}
                                                 + {draw("g", 2)} %% {STEWARDS_PER_WINDOW}] END,
                       1, 1, {now}, {now}
                  FROM generate_series(1, %s) g""",
            [CHINA_TZ, n_enterprises],
        )
        # fresh statistics before the statements that check foreign keys: the backend's cached
        # plans of those checks were made on a near-empty table (a scan per row otherwise)
        cr.execute("ANALYZE res_partner")
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = 'qi-bench-ledger'")
        cr.execute("SELECT min(id), max(id) FROM res_partner WHERE ref = 'qi-bench-ledger'")
        first_enterprise, last_enterprise = cr.fetchone()

        # one enterprise in ten has a portal user (its person, with an e-mail)
        check_columns(cr, "res_users", ["company_id", "partner_id", "login", "notification_type"])
        cr.execute(
            f"""INSERT INTO res_partner (name, complete_name, is_company, active, type, lang, email, parent_id,
                                         commercial_partner_id, partner_share, ref,
                                         create_uid, write_uid, create_date, write_date)
                SELECT 'Quality Manager ' || p.id, p.name || ', Quality Manager ' || p.id, false, true, 'contact',
                       'zh_CN', 'qm' || p.id || '@enterprise.example.cn', p.id, p.id, true, 'qi-bench-ledger-user',
                       1, 1, {now}, {now}
                  FROM res_partner p WHERE p.ref = 'qi-bench-ledger' AND p.id % 10 = 1"""
        )
        cr.execute(
            f"""INSERT INTO res_users (login, partner_id, company_id, active, share, notification_type,
                                       create_uid, write_uid, create_date, write_date)
                SELECT 'ledger_portal_' || id, id, %s, true, true, 'email', 1, 1, {now}, {now}
                  FROM res_partner WHERE ref = 'qi-bench-ledger-user'
             RETURNING id""",
            [company.id],
        )
        user_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            "INSERT INTO res_groups_users_rel (gid, uid) SELECT %s, unnest(%s::int[])",
            [env.ref("base.group_portal").id, user_ids],
        )
        cr.execute(
            "INSERT INTO res_company_users_rel (cid, user_id) SELECT %s, unnest(%s::int[])", [company.id, user_ids]
        )

        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE res_users")
        # instruments: n_lines / n_enterprises per enterprise, due dates spread over three years
        categories = env["qi.instrument.category"].search([])
        compulsory = categories.filtered("is_compulsory").ids
        free = (categories - categories.filtered("is_compulsory")).ids
        today = china_today()
        check_columns(cr, "qi_instrument", ["name", "partner_id"])
        cr.execute(
            f"""INSERT INTO qi_instrument (name, partner_id, window_id, company_id, steward_id, category_id,
                                           is_compulsory, serial_number, cycle_months, date_last, date_due,
                                           active, warned_step, is_flagged, verification_kind,
                                           create_uid, write_uid, create_date, write_date)
                SELECT CASE WHEN d.compulsory THEN 'Electronic platform scale' ELSE 'Vernier caliper' END,
                       p.id, p.qi_window_id, %(company)s, p.qi_steward_id,
                       CASE WHEN d.compulsory THEN ({sql_array(compulsory)})[1 + g %% {len(compulsory)}]
                            ELSE ({sql_array(free)})[1 + g %% {len(free)}] END,
                       d.compulsory, 'SN-' || g, 12,
                       d.due - 365, d.due, {draw("g", 3)} %% 50 <> 0, 0, false, 'verification', 1, 1, {now}, {now}
                  FROM generate_series(1, %(lines)s) g
                  JOIN res_partner p ON p.id = %(first)s + (g - 1) %% %(enterprises)s
                 CROSS JOIN LATERAL (SELECT %(today)s::date - 365 + ({draw("g", 4)} %% 1096)::int AS due,
                                            {draw("g", 5)} %% 5 < 3 AS compulsory) d""",
            {
                "company": company.id,
                "lines": n_lines,
                "first": first_enterprise,
                "enterprises": last_enterprise - first_enterprise + 1,
                "today": today,
            },
        )
        cr.execute("SELECT count(*) FROM qi_instrument")
        lines = cr.fetchone()[0]
        cr.commit()
    return {
        "instruments": lines,
        "enterprises": n_enterprises,
        "portal_users": len(user_ids),
        "windows": WINDOWS,
        "stewards": len(stewards),
        "generated_on": str(today),
    }


def draw(column, salt):
    """SQL: a well-mixed non-negative integer of ``column`` (the same on every run), so that
    due dates, stewards, compulsory and archived lines do not follow each other (``g % n``
    of one series would tie them: every line of an enterprise under compulsory verification,
    the lines due on one day all at the same steward)."""
    return f"abs(hashint4({column} * 8 + {salt})::bigint)"


def settle_yesterday(registry, only_today=False):
    """The warning state a run yesterday left: each line marked with the step it had
    reached yesterday (the service's own step SQL), overdue compulsory lines flagged;
    today's warnings, their mails and the day's activities removed. ``only_today``:
    only the lines warned today (after a measured run, before the next one).
    Returns today (China)."""
    import datetime

    from odoo import api
    from odoo.api import SUPERUSER_ID
    from odoo.tools import SQL

    from odoo.addons.qi_proactive.models.qi_ledger_warning import FINAL_STEP
    from odoo.addons.qi_window.tools.china import china_today

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = china_today()
        service = env["qi.ledger.warning.service"]
        target = service._target_step_sql("qi.instrument", today - datetime.timedelta(days=1))
        where = SQL("")
        if only_today:
            where = SQL(
                "WHERE id IN (SELECT res_id FROM qi_ledger_warning WHERE res_model = 'qi.instrument' "
                "AND date_sent = %s)",
                today,
            )
        env.execute_query(
            SQL(
                """UPDATE qi_instrument SET warned_step = %(step)s,
                          warned_date_due = CASE WHEN %(step)s > 0 THEN date_due END,
                          is_flagged = %(step)s = %(final)s AND is_compulsory %(where)s""",
                step=target,
                final=FINAL_STEP,
                where=where,
            )
        )
        clear_day(env, today)
        if not only_today:
            cr.execute("SELECT warned_step, count(*) FROM qi_instrument WHERE active GROUP BY 1 ORDER BY 1")
            log(f"ledger: steady state of yesterday's run, lines per step sent: {dict(cr.fetchall())}")
        cr.commit()
    return today


def reset_all(registry):
    """Nothing warned yet: the first run's catch-up day."""
    from odoo import api
    from odoo.api import SUPERUSER_ID

    from odoo.addons.qi_window.tools.china import china_today

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        clear_day(env, china_today())
        cr.execute("UPDATE qi_instrument SET warned_step = 0, warned_date_due = NULL, is_flagged = false")
        cr.commit()
    log("ledger: every warning state reset (first run)")


def clear_day(env, today):
    """Remove today's warnings, their mails and the day's activities (an earlier measurement)."""
    cr = env.cr
    cr.execute("SELECT mail_id FROM qi_ledger_warning WHERE date_sent = %s AND mail_id IS NOT NULL", [today])
    mail_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM qi_ledger_warning WHERE date_sent = %s", [today])
    if mail_ids:
        cr.execute(
            "DELETE FROM mail_message WHERE id IN (SELECT mail_message_id FROM mail_mail WHERE id = ANY(%s))",
            [mail_ids],
        )
    cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'qi.window' AND activity_type_id = %s",
        [env.ref("qi_proactive.mail_activity_type_ledger_due").id],
    )


# ----------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------
def explain(registry, today, run_report):
    """EXPLAIN ANALYZE of the candidate query of the instruments."""
    from odoo import api
    from odoo.api import SUPERUSER_ID
    from odoo.tools import SQL

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        query = env["qi.ledger.warning.service"]._candidates_query("qi.instrument", today)
        plan = [row[0] for row in env.execute_query(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))]
        cr.execute(
            "SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_relation_size('qi_instrument'))", [INDEX]
        )
        index_size, table_size = cr.fetchone()
        cr.rollback()
    log(f"ledger: the candidate query (index {index_size}, table {table_size}):")
    for line in plan:
        print("    " + line)
    run_report["explain"] = plan
    run_report["index_size"], run_report["table_size"] = index_size, table_size
    text = "\n".join(plan)
    if INDEX not in text or "Seq Scan on qi_instrument" in text:
        return [f"ledger: the candidate query does not read {INDEX}"]
    return []


class BatchMeter:
    """Meters each ``_warn_batch`` of the service while in use: queries, SQL and wall
    time, enterprises and lines of the batch (with the flush the commit would do), and
    the day's activities it created (read outside the meter)."""

    def __init__(self, registry, record=False):
        self.model = registry["qi.ledger.warning.service"]
        self.record = record
        self.batches = []

    def __enter__(self):
        self.original = original = self.model._warn_batch
        batches, record = self.batches, self.record

        def metered(service, todo, today, tally=None):
            cr = service.env.cr
            cr.execute("SELECT count(*) FROM mail_activity")
            before = cr.fetchone()[0]
            with QueryMeter(record=True) as meter:
                result = original(service, todo, today, tally=tally)
                service.env.flush_all()
            cr.execute("SELECT count(*) FROM mail_activity")
            lines = sum(len(rows) for models in todo.values() for rows in models.values())
            batches.append(
                {
                    "queries": meter.count,
                    "sql": meter.sql,
                    "wall": meter.total,
                    "enterprises": len(todo),
                    "lines": lines,
                    "activities_created": cr.fetchone()[0] - before,
                    # the ORM inserts 100 rows a statement (models.INSERT_BATCH_SIZE)
                    "inserts": sum(1 for _delay, text in meter.queries if text.startswith("INSERT")),
                    "log": [text[:200] for _delay, text in meter.queries] if record else [],
                }
            )
            return result

        self.model._warn_batch = metered
        return self

    def __exit__(self, *exc):
        self.model._warn_batch = self.original
        return False


def scheduled_action(registry, label, batch_size, record=False):
    """The scheduled action as the scheduler runs it (``batch_size`` enterprises a
    batch, the setting), run again while partially done."""
    from odoo import api
    from odoo.api import SUPERUSER_ID

    from odoo.addons.qi_window.tools.china import china_today

    log(f"ledger: scheduled action, {label} (load average {os.getloadavg()[0]:.2f}) ...")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref("qi_proactive.ir_cron_ledger_due_warnings")
        env["ir.config_parameter"].set_param(BATCH_SIZE_KEY, str(batch_size))
        cr.execute("SELECT COALESCE(max(id), 0) FROM mail_mail")
        last_mail = cr.fetchone()[0]
        cr.commit()
        result = {"label": label, "batch_size": batch_size, "job_runs": 0}
        profile = "ledger-" + ("first" if label.startswith("first") else str(batch_size))
        with BatchMeter(registry, record) as meter, QueryMeter() as total, profiled(profile):
            while True:
                response = cron.method_direct_trigger()
                cr.commit()
                result["job_runs"] += 1
                cr.execute(
                    "SELECT remaining FROM ir_cron_progress WHERE cron_id = %s ORDER BY id DESC LIMIT 1", [cron.id]
                )
                left = cr.fetchone()
                failed = isinstance(response, dict) and response.get("tag") == "display_exception"
                if failed or not left or not left[0] or result["job_runs"] >= 20:
                    break
        today = china_today()
        cr.execute(
            """SELECT count(*), count(DISTINCT partner_id), count(*) FILTER (WHERE is_overdue),
                      count(DISTINCT mail_id)
                 FROM qi_ledger_warning WHERE date_sent = %s""",
            [today],
        )
        warned, enterprises, overdue, mails = cr.fetchone()
        cr.execute("SELECT count(*) FROM mail_mail WHERE id > %s", [last_mail])
        mails_created = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'qi.window' AND date_deadline = %s", [today])
        activities = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM qi_instrument WHERE is_flagged")
        flagged = cr.fetchone()[0]
    result.update(
        wall=total.total,
        sql=total.sql,
        queries=total.count,
        batches=meter.batches,
        warned_lines=warned,
        overdue_lines=overdue,
        enterprises=enterprises,
        mails=mails_created,
        mails_linked=mails,
        activities=activities,
        flagged=flagged,
        peak_rss=peak_rss(),
        error="the job failed, see the log" if failed else None,
    )
    log(f"ledger: {label}: {describe(result)}")
    return result


def split(batches):
    """(queries of the batches that created no activity, of those that did, activities created)."""
    steady = [b["queries"] for b in batches if not b["activities_created"]]
    creating = [b["queries"] for b in batches if b["activities_created"]]
    return steady, creating, sum(b["activities_created"] for b in batches)


def non_inserts(batches):
    """Queries other than INSERTs of the batches that created no activity: what must not
    depend on the batch's size (an INSERT statement carries 100 rows)."""
    return [b["queries"] - b["inserts"] for b in batches if not b["activities_created"]]


def describe(result):
    batches = result["batches"]
    text = f"{result['wall']:.1f} s wall, {result['queries']} queries, {len(batches)} batches"
    if batches:
        steady, creating, created = split(batches)
        if steady:
            others = non_inserts(batches)
            text += (
                f", queries per batch {min(steady)}–{max(steady)} (median {statistics.median(steady):g}; "
                f"besides the INSERTs of 100 rows each: {min(others)}–{max(others)})"
            )
        if creating:
            text += f"; {len(creating)} batch(es) creating {created} of the day's activities: {max(creating)} queries"
        text += f"; batch wall median {statistics.median(b['wall'] for b in batches):.2f} s"
    if "warned_lines" in result:
        text += (
            f"; {result['warned_lines']} lines warned ({result['overdue_lines']} overdue) at "
            f"{result['enterprises']} enterprises, {result['mails']} mails, {result['activities']} activities, "
            f"{result['job_runs']} job run(s), peak RSS {result['peak_rss'] / 2**20:.0f} MiB"
        )
    return text


def judge(run_report):
    """The daily run under 60 s; its batches' queries do not grow with the batch's
    size: besides the INSERTs (the ORM writes 100 rows a statement), the batches that
    create no activity cost no more at 500 enterprises than at 250 (the day's activity
    of each (user, window) is created once, by the first batch that warns one of its
    enterprises: a cost per staff member, not per line)."""
    failures = []
    daily, half_run = run_report["daily"], run_report["half"]
    if daily.get("error"):
        failures.append(f"ledger: {daily['error']}")
    if daily["wall"] >= MAX_RUN_S:
        failures.append(f"ledger: the daily run took {daily['wall']:.1f} s (goal < {MAX_RUN_S:.0f} s)")
    full, half = non_inserts(daily["batches"]), non_inserts(half_run["batches"])
    if full and half and max(full) > max(half):
        failures.append(
            f"ledger: queries per batch (besides the INSERTs) grow with the batch: up to {max(full)} at "
            f"{run_report['batch_size']} enterprises a batch, up to {max(half)} at {half_run['batch_size']}"
        )
    if not (full and half):
        failures.append("ledger: too few batches to compare two batch sizes (use more enterprises)")
    if not daily["warned_lines"]:
        failures.append("ledger: the daily run warned nothing: the data does not exercise it")
    return failures


def show_queries(batches):
    for title, batch in (
        ("a batch", next((b for b in batches if not b["activities_created"]), None)),
        ("a batch that created activities", next((b for b in batches if b["activities_created"]), None)),
    ):
        if batch:
            print(f"\nqueries of {title} ({batch['enterprises']} enterprises, {batch['lines']} lines):")
            for text in batch["log"]:
                print("    " + text)


def print_summary(run_report):
    print()
    print(f"| ledger run ({run_report['lines']:,} instruments, {run_report['enterprises']:,} enterprises) | result |")
    print("|---|---|")
    for key in ("half", "daily", "first_run"):
        result = run_report.get(key)
        if result:
            print(f"| {result['label']} | {describe(result)} |")
    print()
