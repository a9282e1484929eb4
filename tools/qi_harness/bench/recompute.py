"""Scenario "recompute" (issue 12, P-TL-1): every running clock is given a
provisional deadline in next year (no official data yet), a notice for that year
is entered through the wizard (TEST DATA, not official: New Year's Day and a
make-up Saturday) and the recompute of every provisional case is timed, logs and
notices included, in a worker process of its own; rolled back at the end, so
--reuse measures the same again.
"""

import datetime
import time
import traceback

from odoo import api
from odoo.api import SUPERUSER_ID

from odoo.addons.qi_window.tools.china import china_today

from . import report
from .runtime import QueryMeter, emit_result, log, profiled, rss_now, run_worker
from .suite import TZ


def run(args):
    """The recompute, in a worker; returns (result, failed checks)."""
    result = run_worker(args, "recompute", "recompute: entering next year's (test) notice")
    checks = report.judge_recompute(result)
    log(
        f"recompute: {result.get('provisional')} provisional cases, {result.get('moved')} deadlines moved "
        f"(logged and told): {result['wall']:.1f} s wall, {result['sql']:.1f} s SQL, {result['queries']} queries, "
        f"peak RSS {result['peak_rss'] / 2**20:.0f} MiB: {result['verdict']}"
    )
    return result, checks


def worker(args, registry):
    """Runs in its own process (peak RSS is this process's)."""
    rss_before = rss_now()
    result = {"mode": args.worker_mode}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": TZ})
        workday = env["qi.workday"]
        today = china_today()
        year = today.year + 1
        result["year"] = year
        if workday._get_year_source(year) != "provisional":
            result.update(
                error=f"{year} is not provisional here: nothing to measure",
                wall=0,
                sql=0,
                queries=0,
                moved=0,
                provisional=0,
                cpu=0,
            )
        else:
            result["provisional"] = make_provisional(env, year)
            cr.execute("SELECT count(*) FROM mail_message WHERE model = 'qi.case'")
            messages_before = cr.fetchone()[0]
            env.invalidate_all()
            wizard = notice_wizard(env, year, today)
            cpu0 = time.process_time()
            meter = QueryMeter()
            try:
                with meter, profiled("recompute"):
                    wizard.action_apply()
                    env.flush_all()
                cr.execute("SELECT count(*) FROM qi_case WHERE is_open AND deadline_provisional")
                result["left_provisional"] = cr.fetchone()[0]
                cr.execute("SELECT count(*) FROM mail_message WHERE model = 'qi.case'")
                result["moved"] = cr.fetchone()[0] - messages_before
            except Exception as exc:
                traceback.print_exc()
                result["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            result.update(queries=meter.count, sql=meter.sql, wall=meter.total, cpu=time.process_time() - cpu0)
        cr.rollback()
    emit_result(result, rss_before)


def make_provisional(env, year):
    """The worst case: every running clock started in the last week of this year,
    so that every time limit reaches into next year and is provisional. Returns
    how many open cases are provisional."""
    cr, workday = env.cr, env["qi.workday"]
    cr.execute(
        """UPDATE qi_case SET materials_state = 'complete',
                         date_materials_complete = make_date(%s, 12, 24) + (id %% 7)
                  WHERE is_open AND date_materials_complete IS NOT NULL""",
        [year - 1],
    )
    cr.execute("""SELECT date_materials_complete, coalesce(time_limit_days, 0) + coalesce(extension_days, 0)
                  FROM qi_case WHERE is_open AND date_materials_complete IS NOT NULL GROUP BY 1, 2""")
    for start, days in cr.fetchall():
        deadline = workday.add_working_days(start, days)
        cr.execute(
            """UPDATE qi_case SET date_deadline = %s, deadline_provisional = %s
                      WHERE is_open AND date_materials_complete = %s
                        AND coalesce(time_limit_days, 0) + coalesce(extension_days, 0) = %s""",
            [deadline, workday.is_provisional(start, deadline), start, days],
        )
    cr.execute("SELECT count(*) FROM qi_case WHERE is_open AND deadline_provisional")
    return cr.fetchone()[0]


def notice_wizard(env, year, today):
    """Next year's notice (TEST DATA, not official), entered by a leader of the
    operating organisation: New Year's Day off, the first Saturday worked."""
    first_saturday = next(datetime.date(year, 1, d) for d in range(2, 9) if datetime.date(year, 1, d).weekday() == 5)
    leader = env["res.users"].browse(notice_leader(env))
    return (
        env["qi.workday.notice.wizard"]
        .with_user(leader)
        .create(
            {
                "year": year,
                "notice_number": f"BENCHMARK-{year} (test data, not official)",
                "notice_date": today,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Test New Year",
                            "day_type": "holiday",
                            "date_from": datetime.date(year, 1, 1),
                            "date_to": datetime.date(year, 1, 1),
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Test make-up day",
                            "day_type": "workday",
                            "date_from": first_saturday,
                            "date_to": first_saturday,
                        },
                    ),
                ],
            }
        )
    )


def notice_leader(env):
    """A leader of the operating organisation (enters the notice), the benchmark's own."""
    group = env.ref("qi_window.group_qi_manager")
    user = group.user_ids.filtered(lambda u: not u.share and u.active and u.id > 2)[:1]
    if not user:
        user = env["res.users"].create(
            {"name": "Benchmark Leader", "login": "bench_notice_leader", "group_ids": [(4, group.id)]}
        )
    return user.id
