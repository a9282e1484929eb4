"""The data and the requests of the load benchmark over HTTP (bench/http.py).

Runs in a worker process (``bin/qi-benchmark --_worker http-seed``) on the run's
database, in the throw-away PostgreSQL cluster. It seeds N cases and N tasks
with the bulk seeder of the single-process benchmark (seed.generate), then:

- moves a tenth of the tasks out of the main project into nine others, one of
  them shared with the portal (``privacy_visibility = portal``);
- makes one enterprise's portal user (a contact of a bench enterprise, in
  base.group_portal): the enterprise gets ``max(40, N / 1000)`` cases in all,
  and the portal user follows as many tasks of the shared project, so that the
  portal case list and /my/tasks list the same number of rows;
- gives the window leader, the project manager and the portal user a password;
- describes every request the load client sends: the JSON-RPC bodies of the
  list, kanban and form views built from the actions and the views the web
  client would load for that user (get_views; action domain, context and search
  defaults), and the portal and public pages.

Imported only in the worker, once Odoo knows the addons path.
"""

import datetime
import json
import re
import time

from lxml import etree

from odoo import Command, api
from odoo.api import SUPERUSER_ID
from odoo.tools import safe_eval as wrapped  # the modules an evaluation context may hold
from odoo.tools.safe_eval import safe_eval

from . import seed, views
from .http import LOGINS, PASSWORD
from .runtime import emit_result, log, rss_now, vacuum_analyze
from .suite import TZ

PROJECTS = 10  # the main project keeps 9 tasks in 10, the others share the rest
PORTAL_MIN = 40  # rows of the enterprise's portal lists, at least
SAMPLE = 20  # records the form and detail requests go round
CASE_ACTION = "qi_case.qi_case_action"
TASK_ACTION = "project.act_project_project_2_project_task_all"
NO_TRACKING = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "no_reset_password": True,
}


def worker(args, registry):
    """``--_worker http-seed``: seed, describe the requests, print the result;
    ``--_worker http-describe``: describe the requests of a seeded database."""
    rss_before = rss_now()
    result = {}
    if args.worker_mode == "http-seed":
        t0 = time.perf_counter()
        log(f"generating {args.cases} cases, {args.tasks} tasks, {args.partners} partners ...")
        info = seed.generate(registry, args.cases, args.tasks, args.partners, args.addons)
        portal = seed_portal(registry, info, args.cases)
        vacuum_analyze(args.db, [*seed.GENERATED_TABLES, "mail_followers"])
        result["generate_s"] = time.perf_counter() - t0
        log(
            f"generated in {result['generate_s']:.1f} s: {info['cases']} cases, {info['tasks']} tasks in the main "
            f"project; enterprise {portal['enterprise_id']}: {portal['cases']} cases, its portal user follows "
            f"{portal['tasks']} tasks"
        )
    with registry.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'qi_bench.http'")
        info, portal = json.loads(cr.fetchone()[0])
    result["endpoints"], result["view_meta"] = describe(registry, info, portal)
    result.update(info=info, portal=portal)
    emit_result(result, rss_before)


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
def seed_portal(registry, info, n_cases):
    """Projects, the enterprise's portal user and its rows, passwords."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, NO_TRACKING)
        Users = env["res.users"]
        Users.browse([info["leader_uid"], info["pm_uid"]]).write({"password": PASSWORD})
        main = env["project.project"].browse(info["project_id"])
        others = env["project.project"].create(
            [
                {
                    "name": f"Bench Project {i}",
                    "privacy_visibility": "portal" if i == 2 else "employees",
                    "company_id": main.company_id.id,
                    "user_id": main.user_id.id,
                    "type_ids": [Command.set(main.type_ids.ids)],
                }
                for i in range(2, PROJECTS + 1)
            ]
        )
        shared = others[0]
        cr.execute(
            "UPDATE project_task SET project_id = (%s::int[])[1 + id %% %s] WHERE project_id = %s AND id %% 10 = 0",
            [others.ids, len(others), main.id],
        )
        cr.execute("SELECT id FROM res_partner WHERE ref = 'qi-bench' ORDER BY id LIMIT 1")
        enterprise = env["res.partner"].browse(cr.fetchone()[0])
        contact = env["res.partner"].create(
            {"name": "Bench Enterprise Contact", "parent_id": enterprise.id, "email": "portal@enterprise.example.cn"}
        )
        portal_user = Users.create(
            {
                "name": contact.name,
                "login": LOGINS["portal"],
                "password": PASSWORD,
                "partner_id": contact.id,
                "tz": TZ,
                "group_ids": [Command.set([env.ref("base.group_portal").id])],
            }
        )
        # the enterprise's cases: max(40, N / 1000) in all, taken at random
        target = max(PORTAL_MIN, n_cases // 1000)
        cr.execute(
            """UPDATE qi_case SET partner_id = %(ent)s
               WHERE id IN (SELECT id FROM qi_case WHERE partner_id <> %(ent)s ORDER BY md5(id::text)
                            LIMIT greatest(%(target)s - (SELECT count(*) FROM qi_case WHERE partner_id = %(ent)s), 0))""",
            {"ent": enterprise.id, "target": target},
        )
        cr.execute("SELECT id FROM qi_case WHERE partner_id = %s ORDER BY md5(id::text)", [enterprise.id])
        portal_cases = [row[0] for row in cr.fetchall()]
        # as many tasks of the shared project, for the enterprise, followed by its user
        cr.execute(
            "SELECT id FROM project_task WHERE project_id = %s ORDER BY id LIMIT %s", [shared.id, len(portal_cases)]
        )
        portal_tasks = [row[0] for row in cr.fetchall()]
        cr.execute("UPDATE project_task SET partner_id = %s WHERE id = ANY(%s)", [enterprise.id, portal_tasks])
        cr.execute(
            """INSERT INTO mail_followers (res_model, res_id, partner_id)
               SELECT 'project.task', unnest(%s::int[]), %s""",
            [portal_tasks, contact.id],
        )
        shared.message_subscribe(partner_ids=contact.ids)
        cr.execute("SELECT id FROM qi_case ORDER BY md5(id::text) LIMIT %s", [SAMPLE])
        case_sample = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT id FROM project_task WHERE project_id = %s ORDER BY md5(id::text) LIMIT %s", [main.id, SAMPLE]
        )
        task_sample = [row[0] for row in cr.fetchall()]
        env.invalidate_all()
        cr.execute("SELECT count(*) FROM project_task WHERE project_id = %s", [main.id])
        info["tasks"] = cr.fetchone()[0]
        portal = {
            "enterprise_id": enterprise.id,
            "portal_uid": portal_user.id,
            "shared_project_id": shared.id,
            "project_ids": [main.id, *others.ids],
            "cases": len(portal_cases),
            "tasks": len(portal_tasks),
            "portal_case_sample": portal_cases[:SAMPLE],
            "case_sample": case_sample,
            "task_sample": task_sample,
        }
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) VALUES ('qi_bench.http', %s)", [json.dumps([info, portal])]
        )
        cr.commit()
    return portal


# ----------------------------------------------------------------------------
# Requests, as the web client and a browser send them
# ----------------------------------------------------------------------------
def _node_spec(Model, parent):
    """The fields specification of the fields directly under ``parent`` (a form
    or an x2many's inline list/kanban), as getFieldsSpec builds it
    (web/static/src/model/relational_model/utils.js): many2one and tags with
    their display name, x2many with their sub-view's fields, limit and order."""
    spec = {}
    properties = []
    for node in parent.iter("field"):
        ancestor, nested = node.getparent(), False
        while ancestor is not None and ancestor is not parent:
            nested = nested or ancestor.tag == "field"
            ancestor = ancestor.getparent()
        if nested:
            continue  # a field of an x2many's sub-view: in that field's own spec
        name, widget, invisible = node.get("name"), node.get("widget"), node.get("invisible")
        field = Model._fields[name]
        entry = spec.setdefault(name, {})
        if field.type in ("one2many", "many2many") and invisible not in views.ALWAYS:
            sub = next((child for child in node if child.tag in ("list", "kanban")), None)
            if sub is not None:
                entry["fields"] = _node_spec(Model.env[field.comodel_name], sub)
                entry["context"] = {}
                entry["limit"] = int(sub.get("limit") or 40)
                if sub.get("default_order"):
                    entry["order"] = sub.get("default_order")
            elif widget in views.TAGS_WIDGETS:
                options = safe_eval(node.get("options") or "{}", {})
                entry["fields"] = {"display_name": {}}
                if options.get("color_field"):
                    entry["fields"][options["color_field"]] = {}
                entry["context"] = {}
        elif field.type in ("many2one", "reference"):
            entry.setdefault("fields", {})
            if invisible not in views.ALWAYS:
                entry["fields"]["display_name"] = {}
                entry["context"] = {}
        elif field.type == "properties":
            properties.append(field)
        for dep in views.WIDGET_DEPS.get(widget, ()):
            if dep in Model._fields:
                spec.setdefault(dep, {})
    for field in properties:
        spec.setdefault(field.definition_record, {"fields": {}})["fields"]["display_name"] = {}
    return spec


def _eval_context(env, active_id):
    today = datetime.date.today()
    return {
        "uid": env.uid,
        "active_id": active_id,
        "active_ids": [active_id] if active_id else [],
        "allowed_company_ids": env.companies.ids,
        "context_today": lambda: today,
        "datetime": wrapped.datetime,
        "relativedelta": wrapped.dateutil.relativedelta.relativedelta,
        "time": wrapped.time,
    }


def action_requests(env, model, action_xmlid, active_id=None, active_model=None):
    """The JSON-RPC calls of the list, kanban and form views of an action for
    ``env.user``: action domain + its search defaults, the action's context on
    the user's, the views' fields specifications (get_views as that user)."""
    # sudo: the action's own definition, as /web/action/load gives it to this user
    action = env.ref(action_xmlid).sudo()
    eval_ctx = _eval_context(env, active_id)
    action_ctx = safe_eval(action.context or "{}", dict(eval_ctx, context={}))
    context = {"lang": "en_US", "tz": TZ, "uid": env.uid, "allowed_company_ids": env.companies.ids}
    context.update({key: value for key, value in action_ctx.items() if not key.startswith("search_default_")})
    if active_id:
        context.update(active_id=active_id, active_ids=[active_id], active_model=active_model)
    domain = safe_eval(action.domain or "[]", dict(eval_ctx, context=context))
    Model = env[model].with_context(context)
    search = Model.get_views([(action.search_view_id.id or False, "search")])["views"]["search"]
    search_arch = etree.fromstring(search["arch"])
    defaults = []
    for key, value in action_ctx.items():
        if not key.startswith("search_default_") or not value:
            continue
        name = key[len("search_default_") :]
        node = search_arch.find(f".//filter[@name='{name}']")
        if node is None or not node.get("domain"):
            raise RuntimeError(f"{action_xmlid}: search default {name!r} is not a filter with a domain")
        domain = domain + safe_eval(node.get("domain"), dict(eval_ctx, context=context))
        defaults.append(name)
    view_ids = {view.view_mode: view.view_id.id for view in action.view_ids}
    list_spec, list_arch = views.fields_spec(Model, "list", view_ids.get("list") or False)
    kanban_spec, kanban_arch = views.fields_spec(Model, "kanban", view_ids.get("kanban") or False)
    form = Model.get_views([(view_ids.get("form") or False, "form")])["views"]["form"]
    form_spec = _node_spec(Model, etree.fromstring(form["arch"]))
    group_by = kanban_arch.get("default_group_by")
    list_call = (
        "web_search_read",
        [],
        {
            "specification": list_spec,
            "offset": 0,
            "order": list_arch.get("default_order") or "",
            "limit": int(list_arch.get("limit") or 80),
            "context": {"bin_size": True, **context},
            "count_limit": 10001,
            "domain": domain,
        },
    )
    if group_by:  # relational_model.js _webReadGroup: 10 groups open, 40 cards each
        kanban_call = (
            "web_read_group",
            [],
            {
                "domain": domain,
                "groupby": [group_by],
                "aggregates": [],
                "limit": 10,
                "offset": 0,
                "order": kanban_arch.get("default_order") or "",
                "auto_unfold": True,
                "opening_info": [],
                "unfold_read_specification": kanban_spec,
                "unfold_read_default_limit": int(kanban_arch.get("limit") or 40),
                "groupby_read_specification": {},
                "context": {"read_group_expand": True, **context},
            },
        )
    else:
        kanban_call = (
            "web_search_read",
            [],
            dict(list_call[2], specification=kanban_spec, limit=40, order=kanban_arch.get("default_order") or ""),
        )
    form_call = ("web_read", None, {"specification": form_spec, "context": {"bin_size": True, **context}})
    meta = {
        "action": action_xmlid,
        "domain": domain,
        "search_defaults": defaults,
        "kanban_group_by": group_by,
        "list_fields": len(list_spec),
        "kanban_fields": len(kanban_spec),
        "form_fields": len(form_spec),
    }
    return {"list": list_call, "kanban": kanban_call, "form": form_call}, meta


def rpc(model, method, args, kwargs):
    """A request of the web client's orm service (/web/dataset/call_kw/<model>/<method>)."""
    body = {"id": 1, "jsonrpc": "2.0", "method": "call"}
    body["params"] = {"model": model, "method": method, "args": args, "kwargs": kwargs}
    return {"path": f"/web/dataset/call_kw/{model}/{method}", "json": body}


def describe(registry, info, portal):
    """Every endpoint the load client drives, its requests and what a right answer holds."""
    with registry.cursor() as cr:
        leader_env = api.Environment(cr, info["leader_uid"], {"lang": "en_US", "tz": TZ})
        pm_env = api.Environment(cr, info["pm_uid"], {"lang": "en_US", "tz": TZ})
        case_calls, case_meta = action_requests(leader_env, "qi.case", CASE_ACTION)
        task_calls, task_meta = action_requests(
            pm_env, "project.task", TASK_ACTION, active_id=info["project_id"], active_model="project.project"
        )
        window_name = leader_env["qi.window"].browse(info["window_ids"][0]).name
        cr.rollback()
    endpoints = []
    for kind, label in (("list", "list"), ("kanban", "kanban"), ("form", "form")):
        for side, model, calls, user, sample in (
            ("qi", "qi.case", case_calls, "leader", portal["case_sample"]),
            ("task", "project.task", task_calls, "pm", portal["task_sample"]),
        ):
            method, args, kwargs = calls[kind]
            if kind == "form":
                requests = [rpc(model, method, [[record_id]], kwargs) for record_id in sample]
                expect = "rpc:read"
            else:
                requests = [rpc(model, method, args, kwargs)]
                expect = "rpc:groups" if method == "web_read_group" else "rpc:records"
            noun = "case" if side == "qi" else "task"
            endpoints.append(
                {
                    "name": f"{noun} {label} ({method})",
                    "tag": f"{noun}_{kind}",
                    "side": side,
                    "pair": kind,
                    "user": user,
                    "requests": requests,
                    "expect": expect,
                }
            )
    endpoints += [
        {
            "name": "portal case list /my/qi/cases",
            "tag": "portal_cases",
            "side": "qi",
            "pair": "portal list",
            "user": "portal",
            "requests": [{"path": "/my/qi/cases"}],
            "expect": r"html:/my/qi/cases/\d+",
        },
        {
            "name": "portal task list /my/tasks",
            "tag": "portal_tasks",
            "side": "task",
            "pair": "portal list",
            "user": "portal",
            "requests": [{"path": "/my/tasks"}],
            "expect": r"html:/my/tasks/\d+",
        },
        {
            "name": "portal case detail /my/qi/cases/<id>",
            "tag": "portal_case",
            "side": "qi",
            "pair": None,
            "user": "portal",
            "requests": [{"path": f"/my/qi/cases/{case_id}"} for case_id in portal["portal_case_sample"]],
            "expect": r"html:QI\d{4}-\d+",
        },
        {
            "name": "public page /qi/windows",
            "tag": "public_windows",
            "side": "qi",
            "pair": None,
            "user": None,
            "requests": [{"path": "/qi/windows"}],
            "expect": "html:" + re.escape(window_name),
        },
    ]
    return endpoints, {"qi.case": case_meta, "project.task": task_meta}
