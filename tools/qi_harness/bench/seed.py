"""The benchmark's data: users, windows and a project through the ORM, then N
cases and N tasks in bulk with ``INSERT ... SELECT generate_series``. With no
task (``n_tasks=0``) neither the project nor its users are made: the system
tests seed cases so on a suite database without the project module.

The generator checks through ``information_schema`` that it fills every NOT
NULL column of the tables it writes, and fails clearly if a new one appears.
"""

import json

from odoo import Command, api, fields
from odoo.api import SUPERUSER_ID

from .suite import CHANNELS, DONE_CODES, FINAL_CODES, STAGES, TZ, check_codes

# How the cases are spread over the stages (cumulative shares of a random draw):
# a case received in the last 45 days is still running or just completed, an
# older one mostly closed, cancelled or rejected (about 13 % of all are open).
RECENT_SPREAD = (("new", 0.20), ("accepted", 0.40), ("matched", 0.60), ("in_service", 0.90), ("completed", 1))
OLDER_SPREAD = (("in_service", 0.02), ("completed", 0.12), ("closed", 0.87), ("cancelled", 0.95), ("rejected", 1))
STAFF, WINDOWS = 8, 4  # window staff users, windows (a leader and two staff each)
TASK_STAGES = ["Backlog", "To Do", "In Progress", "Review", "Done", "Archived", "Cancelled", "Refused"]
GENERATED_TABLES = ["qi_case", "qi_case_service_item_rel", "project_task", "project_task_user_rel", "res_partner"]


def not_null_columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s
             AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def check_columns(cr, table, columns):
    missing = not_null_columns(cr, table) - set(columns)
    if missing:
        raise RuntimeError(f"{table}: NOT NULL columns not filled by the generator: {sorted(missing)}")


def sql_array(values):
    return "ARRAY[%s]" % ",".join(str(int(v)) for v in values)


def sql_text_array(values):
    return "ARRAY[%s]" % ",".join("'%s'" % v.replace("'", "''") for v in values)


def sql_spread(draw, spread):
    """``CASE WHEN draw < share THEN 'code' ... END`` of a cumulative spread."""
    whens = " ".join(f"WHEN {draw} < {share} THEN '{code}'" for code, share in spread[:-1])
    return f"CASE {whens} ELSE '{spread[-1][0]}' END"


def generate(registry, n_cases, n_tasks, n_partners, addons):
    """Fill the database; return what the scenarios need to know of it (kept in
    ir.config_parameter ``qi_bench.info`` for --reuse)."""
    check_codes("seed.RECENT_SPREAD", [code for code, _share in RECENT_SPREAD])
    check_codes("seed.OLDER_SPREAD", [code for code, _share in OLDER_SPREAD])
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {
                "tracking_disable": True,
                "mail_create_nolog": True,
                "mail_create_nosubscribe": True,
                "no_reset_password": True,
            },
        )
        company = env.ref("base.main_company")
        Users = env["res.users"]
        g_qi_user = env.ref("qi_window.group_qi_user")
        g_qi_manager = env.ref("qi_window.group_qi_manager")
        with_tasks = n_tasks > 0
        project_groups = [env.ref("project.group_project_user").id] if with_tasks else []
        staff = Users.create(
            [
                {
                    "name": f"Bench Staff {i}",
                    "login": f"bench_staff_{i}",
                    "email": f"staff{i}@bench.example.cn",
                    "tz": TZ,
                    "group_ids": [Command.set([g_qi_user.id, *project_groups])],
                }
                for i in range(1, STAFF + 1)
            ]
        )
        leader = Users.create(
            {
                "name": "Bench Window Leader",
                "login": "bench_leader",
                "tz": TZ,
                "email": "leader@bench.example.cn",
                "group_ids": [Command.set([g_qi_manager.id])],
            }
        )
        windows = env["qi.window"].create(
            [
                {
                    "name": f"Bench Window {i}",
                    "code": f"BW{i}",
                    "leader_id": leader.id,
                    "company_id": company.id,
                    "staff_ids": [
                        Command.create({"user_id": staff[2 * (i - 1)].id}),
                        Command.create({"user_id": staff[2 * (i - 1) + 1].id}),
                    ],
                }
                for i in range(1, WINDOWS + 1)
            ]
        )
        stages = {s.code: s.id for s in env["qi.case.stage"].search([])}
        if set(STAGES) - set(stages):
            raise RuntimeError(f"qi_case installed no stage for {sorted(set(STAGES) - set(stages))}")
        items = env["qi.service.item"].search([])  # in the model's _order: index 1 is the "first" item
        if not items:
            raise RuntimeError("qi_catalogue installed no service item")
        default_limit = int(env["ir.config_parameter"].sudo().get_param("qi_case.default_time_limit_days", 20))
        env.flush_all()

        # partners: a few thousand enterprises
        check_columns(cr, "res_partner", ["id"])
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, is_company, active, type, company_id, lang, tz,
                                        email, phone, partner_share, ref, create_uid, write_uid,
                                        create_date, write_date)
               SELECT 'Bench Enterprise ' || g, 'Bench Enterprise ' || g, true, true, 'contact', NULL,
                      'en_US', %s, 'quality' || g || '@enterprise.example.cn', '0335-' || (3000000 + g),
                      true, 'qi-bench', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
               FROM generate_series(1, %s) g
               RETURNING id""",
            [TZ, n_partners],
        )
        partner_ids = [row[0] for row in cr.fetchall()]
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = 'qi-bench'")

        # cases
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM qi_case")
        base = cr.fetchone()[0]
        case_columns = [
            "id",
            "name",
            "subject",
            "description",
            "partner_id",
            "window_id",
            "company_id",
            "channel",
            "stage_id",
            "stage_code",
            "is_open",
            "priority",
            "user_id",
            "date_received",
            "date_accept_due",
            "date_accepted",
            "materials_state",
            "date_materials_complete",
            "time_limit_days",
            "extension_days",
            "date_deadline",
            "date_completed",
            "date_closed",
            "is_overdue",
            "overdue_reason",
            "deadline_state",
            "completed_on_time",
            "on_time_rate",
            "days_used",
            "close_reason",
            "category_id",
            "is_package",
            "color",
            "email_from",
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
            "warning_level",
        ]
        check_columns(cr, "qi_case", case_columns)
        cr.execute("SELECT setseed(0.4242)")
        cr.execute(
            f"""CREATE TEMP TABLE bench_case_src ON COMMIT DROP AS
                SELECT g AS n, random() AS r_stage, random() AS r_win, random() AS r_part, random() AS r_user,
                       random() AS r_chan, random() AS r_prio, random() AS r_mat, random() AS r_ontime,
                       1 + floor(random() * {len(items)})::int AS i1,
                       CASE WHEN random() >= 0.7 THEN 1 + floor(random() * {len(items)})::int END AS i2,
                       CASE WHEN random() >= 0.9 THEN 1 + floor(random() * {len(items)})::int END AS i3,
                       (now() AT TIME ZONE 'UTC') - random() * interval '365 days' AS received
                FROM generate_series(1, %s) g""",
            [n_cases],
        )
        today = fields.Date.context_today(env["qi.case"].with_context(tz=TZ))
        query = _CASE_INSERT.format(
            columns=", ".join(case_columns),
            partners=sql_array(partner_ids),
            n_partners=len(partner_ids),
            windows=sql_array(windows.ids),
            n_windows=len(windows),
            channels=sql_text_array(CHANNELS),
            n_channels=len(CHANNELS),
            staff=sql_array(staff.ids),
            n_staff=len(staff),
            limits=sql_array(items.mapped("time_limit_days")),
            categories=sql_array([item.category_id.id or 0 for item in items]),
            recent_stage=sql_spread("s.r_stage", RECENT_SPREAD),
            older_stage=sql_spread("s.r_stage", OLDER_SPREAD),
        )
        cr.execute(
            query,
            {
                "base": base,
                "company": company.id,
                "tz": TZ,
                "today": today,
                "default_limit": default_limit,
                "final": list(FINAL_CODES),
                "done": list(DONE_CODES),
            },
        )
        cr.execute(
            f"""INSERT INTO qi_case_service_item_rel (case_id, item_id)
                SELECT DISTINCT %s + s.n, ({sql_array(items.ids)})[x]
                FROM bench_case_src s, unnest(ARRAY[s.i1, s.i2, s.i3]) x
                WHERE x IS NOT NULL""",
            [base],
        )
        cr.execute("SELECT setval('qi_case_id_seq', (SELECT MAX(id) FROM qi_case))")

        pm, project = generate_tasks(env, n_tasks, staff, partner_ids) if with_tasks else (Users, None)
        env.invalidate_all()
        info = {
            "leader_uid": leader.id,
            "pm_uid": pm.id or None,
            "company_id": company.id,
            "project_id": project.id if project else None,
            "staff_ids": staff.ids,
            "window_ids": windows.ids,
            "addons": addons,
        }
        cr.execute("SELECT count(*), count(*) FILTER (WHERE is_open) FROM qi_case")
        info["cases"], info["open_cases"] = cr.fetchone()
        info["tasks"] = 0
        if project:
            cr.execute("SELECT count(*) FROM project_task WHERE project_id = %s", [project.id])
            info["tasks"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM qi_case_service_item_rel")
        info["case_items"] = cr.fetchone()[0]
        cr.execute("INSERT INTO ir_config_parameter (key, value) VALUES ('qi_bench.info', %s)", [json.dumps(info)])
        cr.commit()
    return info


def generate_tasks(env, n_tasks, staff, partner_ids):
    """The project manager, the project and its N tasks (for the comparison with
    project.task); returns (manager, project)."""
    cr = env.cr
    company = env.ref("base.main_company")
    pm = env["res.users"].create(
        {
            "name": "Bench Project Manager",
            "login": "bench_pm",
            "tz": TZ,
            "email": "pm@bench.example.cn",
            "group_ids": [Command.set([env.ref("project.group_project_manager").id])],
        }
    )
    project = env["project.project"].create(
        {"name": "Bench Project", "privacy_visibility": "employees", "company_id": company.id, "user_id": pm.id}
    )
    # 8 stages, 3 folded, like qi.case's
    task_stages = env["project.task.type"].create(
        [
            {"name": name, "sequence": i, "fold": i >= 5, "project_ids": [Command.link(project.id)]}
            for i, name in enumerate(TASK_STAGES)
        ]
    )
    env.flush_all()
    # tasks: same volume, same shape (8 stages, 3 folded, recent ones open)
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM project_task")
    tbase = cr.fetchone()[0]
    task_columns = [
        "id",
        "name",
        "description",
        "project_id",
        "stage_id",
        "state",
        "priority",
        "sequence",
        "company_id",
        "active",
        "display_in_project",
        "is_template",
        "has_template_ancestor",
        "recurring_task",
        "partner_id",
        "date_deadline",
        "date_assign",
        "date_end",
        "date_last_stage_update",
        "allocated_hours",
        "working_hours_open",
        "working_hours_close",
        "working_days_open",
        "working_days_close",
        "color",
        "email_from",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
    ]
    check_columns(cr, "project_task", task_columns)
    cr.execute(
        """CREATE TEMP TABLE bench_task_src ON COMMIT DROP AS
            SELECT g AS n, random() AS r_stage, random() AS r_part, random() AS r_user, random() AS r_prio,
                   random() AS r_hours, (now() AT TIME ZONE 'UTC') - random() * interval '365 days' AS created
            FROM generate_series(1, %s) g""",
        [n_tasks],
    )
    cr.execute(
        _TASK_INSERT.format(
            columns=", ".join(task_columns),
            partners=sql_array(partner_ids),
            n_partners=len(partner_ids),
            stages=sql_array(task_stages.ids),
        ),
        {"base": tbase, "project": project.id, "company": company.id},
    )
    cr.execute(
        f"""INSERT INTO project_task_user_rel (task_id, user_id, create_uid, write_uid, create_date, write_date)
            SELECT %s + s.n, ({sql_array(staff.ids)})[1 + floor(s.r_user * {len(staff)})::int], 1, 1,
                   s.created, s.created
            FROM bench_task_src s WHERE s.r_user < 0.9""",
        [tbase],
    )
    cr.execute("SELECT setval('project_task_id_seq', (SELECT MAX(id) FROM project_task))")
    return pm, project


_CASE_INSERT = """
INSERT INTO qi_case ({columns})
SELECT %(base)s + s.n,
       'QI' || to_char(d.day, 'YYYY') || '-' || lpad(s.n::text, greatest(6, length(s.n::text)), '0'),
       'Benchmark demand #' || s.n,
       '<p>Calibration of pressure gauges before the annual audit, demand ' || s.n || '.</p>',
       ({partners})[1 + floor(s.r_part * {n_partners})::int],
       ({windows})[1 + floor(s.r_win * {n_windows})::int],
       %(company)s,
       ({channels})[1 + floor(s.r_chan * {n_channels})::int],
       st.id, st.code, a.is_open,
       CASE WHEN s.r_prio < 0.8 THEN '0' WHEN s.r_prio < 0.95 THEN '1' ELSE '2' END,
       CASE WHEN a.code = 'new' AND s.r_user < 0.5 THEN NULL ELSE ({staff})[1 + floor(s.r_user * {n_staff})::int] END,
       s.received, d.accept_due,
       CASE WHEN a.code <> 'new' THEN s.received + interval '3 hours' END,
       CASE WHEN b.complete THEN 'complete' ELSE 'incomplete' END,
       c.mat_day, b.time_limit, 0, c.deadline,
       CASE WHEN a.code = ANY(%(done)s) THEN e.done_at END,
       CASE WHEN a.is_open OR a.code = 'completed' THEN NULL ELSE e.done_at + interval '1 day' END,
       e.overdue_reason IS NOT NULL, e.overdue_reason, coalesce(e.overdue_reason, 'on_time'),
       CASE WHEN a.code = ANY(%(done)s) THEN e.on_time END,
       CASE WHEN a.code = ANY(%(done)s) THEN CASE WHEN e.on_time THEN 100.0 ELSE 0.0 END END,
       CASE WHEN c.mat_day IS NOT NULL
            THEN greatest(least(%(today)s::date, coalesce(e.done_at::date, %(today)s::date)) - c.mat_day, 0) * 5 / 7
       END,
       CASE WHEN NOT a.is_open AND a.code <> ALL(%(done)s) THEN 'Duplicate demand (benchmark data)' END,
       NULLIF(({categories})[least(s.i1, coalesce(s.i2, s.i1), coalesce(s.i3, s.i1))], 0),
       b.n_items > 1, 0,
       'quality' || s.n || '@enterprise.example.cn',
       1, s.received, 1, s.received, 'none'
FROM bench_case_src s
CROSS JOIN LATERAL (
    SELECT x.code, x.code <> ALL(%(final)s) AS is_open
    FROM (SELECT CASE
        WHEN s.received > (now() AT TIME ZONE 'UTC') - interval '45 days' THEN {recent_stage}
        ELSE {older_stage}
        END AS code) x
) a
JOIN qi_case_stage st ON st.code = a.code
CROSS JOIN LATERAL (SELECT (s.received AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day) d0
CROSS JOIN LATERAL (
    SELECT d0.day,
           d0.day + CASE extract(isodow FROM d0.day)::int WHEN 5 THEN 3 WHEN 6 THEN 2 ELSE 1 END AS accept_due
) d
CROSS JOIN LATERAL (
    SELECT s.r_mat >= 0.05 OR NOT a.is_open AS complete,
           CASE WHEN greatest(({limits})[s.i1], ({limits})[s.i2], ({limits})[s.i3]) > 0
                THEN greatest(({limits})[s.i1], ({limits})[s.i2], ({limits})[s.i3])
                ELSE %(default_limit)s END AS time_limit,
           cardinality(ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[s.i1, s.i2, s.i3]) x WHERE x IS NOT NULL))
               AS n_items
) b
CROSS JOIN LATERAL (
    SELECT CASE WHEN b.complete THEN d.day END AS mat_day,
           CASE WHEN b.complete THEN d.day + ceil(b.time_limit * 7 / 5.0)::int END AS deadline
) c
CROSS JOIN LATERAL (
    SELECT (CASE WHEN a.is_open THEN NULL
                 WHEN s.r_ontime < 0.85 THEN c.deadline - 2 ELSE c.deadline + 3 END)::timestamp
               + interval '8 hours' AS done_at,
           s.r_ontime < 0.85 AS on_time,
           CASE WHEN a.code = 'new' AND d.accept_due < %(today)s THEN 'not_accepted'
                WHEN a.is_open AND c.deadline < %(today)s THEN 'not_completed'
                WHEN a.code = ANY(%(done)s) AND NOT s.r_ontime < 0.85 THEN 'not_completed'
           END AS overdue_reason
) e
ORDER BY s.n
"""

_TASK_INSERT = """
INSERT INTO project_task ({columns})
SELECT %(base)s + s.n,
       'Benchmark task #' || s.n,
       '<p>Calibration of pressure gauges before the annual audit, task ' || s.n || '.</p>',
       %(project)s,
       ({stages})[a.idx],
       CASE a.idx WHEN 5 THEN '1_done' WHEN 6 THEN '1_done' WHEN 7 THEN '1_canceled' WHEN 8 THEN '1_canceled'
                  WHEN 4 THEN '02_changes_requested' ELSE '01_in_progress' END,
       CASE WHEN s.r_prio < 0.8 THEN '0' ELSE '1' END,
       10, %(company)s, true, true, false, false, false,
       ({partners})[1 + floor(s.r_part * {n_partners})::int],
       CASE WHEN a.idx <= 4 THEN s.created + interval '20 days' END,
       s.created + interval '3 hours',
       CASE WHEN a.idx >= 5 THEN s.created + interval '15 days' END,
       s.created + interval '1 day',
       round((s.r_hours * 40)::numeric, 1)::float, 3.0, CASE WHEN a.idx >= 5 THEN 80.0 ELSE 0.0 END,
       0.4, CASE WHEN a.idx >= 5 THEN 10.0 ELSE 0.0 END,
       0, 'quality' || s.n || '@enterprise.example.cn',
       1, s.created, 1, s.created
FROM bench_task_src s
CROSS JOIN LATERAL (SELECT CASE
    WHEN s.created > (now() AT TIME ZONE 'UTC') - interval '45 days' THEN
        CASE WHEN s.r_stage < 0.20 THEN 1 WHEN s.r_stage < 0.40 THEN 2 WHEN s.r_stage < 0.60 THEN 3
             WHEN s.r_stage < 0.90 THEN 4 ELSE 5 END
    ELSE
        CASE WHEN s.r_stage < 0.02 THEN 4 WHEN s.r_stage < 0.12 THEN 5 WHEN s.r_stage < 0.87 THEN 6
             WHEN s.r_stage < 0.95 THEN 7 ELSE 8 END
    END AS idx) a
ORDER BY s.n
"""
