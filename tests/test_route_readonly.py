"""Issue 14: which requests of the suite the read replica serves.

Odoo sends a request to ``db_replica_host`` when its route is declared
``readonly`` (a callable decides per request) and to the primary otherwise; a
read-only route that writes fails on the replica and is replayed on the
primary with a warning. Every route of the qi_* controllers is listed here with
its decision, and so is every button of the suite the web client sends to the
replica (``@api.readonly``): a new route, or a new ``action_view_*`` button,
fails this test until it takes one. tests/system/test_replica.py serves them
from a real streaming replica.
"""

from types import SimpleNamespace

import odoo.http
from odoo.tests import TransactionCase, tagged

from odoo.addons.qi_case.controllers.portal import readonly_on_get

# addon -> {(url, endpoint): True (replica), False (primary), or the name of
# the callable that decides per request}
ROUTES = {
    "qi_window": {
        ("/qi/windows", "windows"): True,
        ("/qi/windows/channel/<int:channel_id>/qr", "channel_qr"): True,
        # Odoo's chatter upload, with the suite's upload rule: stores a file
        ("/mail/attachment/upload", "mail_attachment_upload"): False,
    },
    "qi_case": {
        ("/qi/demand", "demand_form"): True,
        ("/qi/demand", "demand_submit"): False,
        ("/my/qi/cases", "portal_my_qi_cases"): True,
        ("/my/qi/cases/page/<int:page>", "portal_my_qi_cases"): True,
        ("/my/qi/cases/<int:case_id>", "portal_my_qi_case"): True,
        # read-only unless the case is archived: its files and report are then logged (qi_archive)
        ("/my/qi/cases/<int:case_id>/attachments/<int:attachment_id>", "portal_qi_case_attachment"): (
            "_qi_case_file_readonly"
        ),
        ("/my/qi/cases/<int:case_id>/report", "portal_qi_case_report"): "_qi_case_file_readonly",
        ("/my/qi/cases/<int:case_id>/materials", "portal_qi_case_materials"): False,
        # the form on GET, the new case on POST
        ("/my/qi/cases/new", "portal_qi_case_new"): "readonly_on_get",
        ("/my/qi/cases/<int:case_id>/rate", "portal_qi_case_rate"): False,
        ("/my/qi/assignments", "portal_my_qi_assignments"): True,
        ("/my/qi/assignments/page/<int:page>", "portal_my_qi_assignments"): True,
        ("/my/qi/assignments/<int:assignment_id>", "portal_my_qi_assignment"): True,
        ("/my/qi/assignments/<int:assignment_id>/<string:action>", "portal_qi_assignment_action"): False,
        # the public monthly 好差评 board of a window: counts only
        ("/qi/windows/<int:window_id>/ratings", "rating_board"): True,
        # on-site rating (一次一评): the form on GET, the rating on POST
        ("/qi/rate/<string:token>", "visit_rating_form"): True,
        ("/qi/rate/<string:token>", "visit_rating_submit"): False,
        ("/qi/rate/window/<int:window_id>", "window_rating_form"): True,
        ("/qi/rate/window/<int:window_id>", "window_rating_submit"): False,
    },
    "qi_proactive": {
        # the ledgers: the list from the replica, the request for a demand by the primary
        ("/my/qi/ledger", "portal_my_qi_ledger"): True,
        ("/my/qi/ledger/page/<int:page>", "portal_my_qi_ledger"): True,
        ("/my/qi/ledger/request", "portal_qi_ledger_request"): False,
        # a line's form on GET, the saved line on POST
        ("/my/qi/ledger/<string:kind>/new", "portal_qi_ledger_new"): "readonly_on_get",
        ("/my/qi/ledger/<string:kind>/<int:line_id>", "portal_qi_ledger_line"): "readonly_on_get",
        ("/my/qi/ledger/<string:kind>/<int:line_id>/<string:action>", "portal_qi_ledger_line_action"): False,
        ("/my/qi/notices", "portal_my_qi_notices"): True,
        ("/my/qi/notices/page/<int:page>", "portal_my_qi_notices"): True,
        # opening a notice records its reading (the read receipt): a GET that writes
        ("/my/qi/notices/<int:notice_id>", "portal_my_qi_notice"): False,
        ("/my/qi/notices/<int:notice_id>/request", "portal_qi_notice_request"): False,
    },
    "qi_archive": {
        ("/my/archive", "portal_my_archive"): True,
        ("/my/archive/request", "portal_archive_request"): False,
        # every download writes the access log (R-9.b)
        ("/my/archive/file/<int:file_id>", "portal_archive_file"): False,
    },
}

# the buttons the web client sends to the replica: they only open a view
READONLY_BUTTONS = {
    "qi_window": {
        ("qi.window", "action_view_staff"),
        ("qi.window", "action_view_facilities"),
        ("qi.window", "action_view_rules"),
        ("qi.window", "action_view_channels"),
    },
    "qi_catalogue": {
        ("qi.window", "action_view_stations"),
        ("qi.window", "action_view_items"),
        ("qi.service.category", "action_view_items"),
        ("qi.service.item", "action_view_providers"),
        ("qi.service.item", "action_view_experts"),
        ("res.partner", "action_view_qi_qualifications"),
    },
    "qi_case": {
        ("qi.window", "action_view_cases"),
        ("qi.case", "action_view_assignments"),
        ("qi.window", "action_view_visits"),
    },
    "qi_proactive": {
        ("qi.ledger.mixin", "action_view_cases"),
        ("qi.instrument", "action_view_cases"),
        ("qi.special.equipment", "action_view_cases"),
        ("qi.enterprise.certificate", "action_view_cases"),
        ("qi.notice", "action_view_cases"),
        ("qi.notice", "action_view_recipients"),
    },
    "qi_evaluation": {
        ("qi.window", "action_view_evaluations"),
        ("qi.window", "action_view_improvements"),
        ("qi.evaluation", "action_view_improvements"),
        ("qi.evaluation", "action_view_findings"),
    },
    "qi_archive": {
        ("qi.archive.record", "action_view_logs"),
        ("qi.archive.record", "action_open_source"),
        ("qi.archive.access.request", "action_view_logs"),
        ("qi.archive.file", "action_open"),
        ("qi.case", "action_qi_view_archive"),
    },
}


def _suite_addon(controller, method_name):
    """The qi_* addon that first declares the route ``method_name`` of
    ``controller`` (its own route or an override of Odoo's), else None."""
    for cls in reversed(type(controller).mro()):
        module = cls.__module__
        if method_name in cls.__dict__ and module.startswith("odoo.addons.qi_"):
            return module.split(".")[2]
    return None


@tagged("post_install", "-at_install")
class TestRouteReadonly(TransactionCase):
    def _installed(self):
        return set(self.env.registry._init_modules)

    def _suite_routes(self):
        """{(url, endpoint): (addon, readonly as routed)} of every route of the installed qi_* addons."""
        modules = sorted(self._installed() | set(odoo.tools.config["server_wide_modules"]))
        ir_http = self.env["ir.http"]
        found = {}
        for url, endpoint in ir_http._generate_routing_rules(modules, converters=ir_http._get_converters()):
            addon = _suite_addon(endpoint.func.__self__, endpoint.__name__)
            if addon:
                found[url, endpoint.__name__] = (addon, endpoint.routing["readonly"])
        return found

    def test_every_route_took_a_decision(self):
        found = self._suite_routes()
        expected = {
            key: decision
            for addon, routes in ROUTES.items()
            if addon in self._installed()
            for key, decision in routes.items()
        }
        self.assertEqual(
            sorted(set(found) - set(expected)), [], "routes without a decision in ROUTES: replica or primary?"
        )
        self.assertEqual(sorted(set(expected) - set(found)), [], "routes of ROUTES that no longer exist")
        wrong = {}
        for key, (_addon, readonly) in found.items():
            actual = readonly.__name__ if callable(readonly) else readonly
            if actual != expected[key]:
                wrong[key] = (actual, expected[key])
        self.assertEqual(wrong, {}, "routes declared otherwise than decided: {key: (declared, decided)}")

    def test_the_form_routes_read_on_get_and_write_on_post(self):
        def decision(method):
            odoo.http._request_stack.push(SimpleNamespace(env=self.env, httprequest=SimpleNamespace(method=method)))
            try:
                return readonly_on_get(None, None, {})
            finally:
                odoo.http._request_stack.pop()

        self.assertEqual(
            {method: decision(method) for method in ("GET", "HEAD", "POST")},
            {"GET": True, "HEAD": True, "POST": False},
        )

    def test_every_view_button_took_a_decision(self):
        expected = {key for addon, buttons in READONLY_BUTTONS.items() if addon in self._installed() for key in buttons}
        found = set()
        for model_name, model in self.env.registry.items():
            for cls in model.mro():
                if cls.__module__.startswith("odoo.addons.qi_"):
                    for name in cls.__dict__:
                        if name.startswith("action_view_"):
                            found.add((model_name, name))
        self.assertEqual(sorted(found - expected), [], "action_view_* buttons without a decision in READONLY_BUTTONS")
        # _call_kw_readonly (web/controllers/dataset.py) decides from the method as the registry resolves it
        not_readonly = sorted(
            (model_name, name)
            for model_name, name in expected
            if not getattr(getattr(type(self.env[model_name]), name), "_readonly", False)
        )
        self.assertEqual(not_readonly, [], "buttons of READONLY_BUTTONS not declared @api.readonly")
