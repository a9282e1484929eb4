from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user


class QiWindowCommon(TransactionCase):
    """Two windows of one operating organisation, a user per role.

    The first of the suite's test bases, each built on the one below it as
    Odoo's addons build on TestProjectCommon: QiWindowCommon, QiCatalogueCommon
    (qi_catalogue), QiCaseCommon (qi_case), then QiEvaluationCommon and
    QiArchiveCommon. The people and windows are made here, once per test
    class; an addon's common adds what its tests need and never makes them
    again.
    """

    # what the tests of each addon read of windows A and B in pages, messages
    # and reports: a common above may rename them
    window_names = ("Window A", "Window B")
    window_codes = ("T-A", "T-B")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.staff_a = new_test_user(
            cls.env, "qi_staff_a", groups="qi_window.group_qi_user", name="Staff A", email="staff.a@window.example.cn"
        )
        cls.staff_b = new_test_user(
            cls.env, "qi_staff_b", groups="qi_window.group_qi_user", name="Staff B", email="staff.b@window.example.cn"
        )
        cls.leader = new_test_user(
            cls.env, "qi_leader", groups="qi_window.group_qi_manager", name="Leader", email="leader@window.example.cn"
        )
        cls.coordinator = new_test_user(
            cls.env,
            "qi_coordinator",
            groups="qi_window.group_qi_coordinator",
            name="Coordinator",
            email="coordinator@amr.example.cn",
        )
        cls.portal_user = new_test_user(cls.env, "qi_portal", groups="base.group_portal", name="Portal")
        cls.public_user = cls.env.ref("base.public_user")
        (name_a, name_b), (code_a, code_b) = cls.window_names, cls.window_codes
        cls.window_a, cls.window_b = cls.env["qi.window"].create(
            [
                {
                    "name": name_a,
                    "code": code_a,
                    "leader_id": cls.leader.id,
                    "phone": "0335-3032345",
                    "complaint_phone": "12315",
                    "email": "window-a@example.cn",
                    "staff_ids": [Command.create({"user_id": cls.staff_a.id, "role": "first_handler"})],
                },
                {
                    "name": name_b,
                    "code": code_b,
                    "leader_id": cls.leader.id,
                    "staff_ids": [Command.create({"user_id": cls.staff_b.id, "role": "first_handler"})],
                },
            ]
        )

    @classmethod
    def _load_chinese(cls, modules=None):
        """zh_CN active, with the catalogues of ``modules``: by default those a
        Chinese agency reads (Odoo's mail, portal and web, the suite's addons),
        as the suite runs in China."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        if modules is None:
            installed = cls.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
            modules = [m for m in ("mail", "portal", "web") if m in installed]
            modules += sorted(m for m in installed if m.startswith("qi_"))
        cls.env["ir.module.module"]._load_module_terms(modules, ["zh_CN"])


# Wait until the view shows records (or its empty state), then report success;
# any error the web client logs meanwhile fails the test.
WEB_CLIENT_WAIT_FOR = """
const selector = %r;
const started = Date.now();
const timer = setInterval(() => {
    if (document.querySelector(selector)) {
        clearInterval(timer);
        setTimeout(() => console.log("test successful"), 300);
    } else if (Date.now() - started > 20000) {
        clearInterval(timer);
        console.error("nothing rendered for " + selector);
    }
}, 100);
"""
# what a list, kanban, pivot or graph view shows once loaded
WEB_CLIENT_RECORDS = (
    ".o_kanban_record:not(.o_kanban_ghost), .o_data_row, .o_view_nocontent, .o_pivot, .o_graph_renderer"
)
WEB_CLIENT_FORM = ".o_form_view .o_form_sheet"


class QiWebClientCase(HttpCase):
    """Screens of a qi_* addon open in the web client without errors.

    Shared by the addons' ``test_web_client`` modules:
    ``from odoo.addons.qi_window.tests.common import QiWebClientCase``.
    """

    RECORDS = WEB_CLIENT_RECORDS
    FORM = WEB_CLIENT_FORM

    @classmethod
    def _add_demo_window_staff(cls, user, role="first_handler"):
        """Put ``user`` on the staff of the demo government-centre window; returns the window."""
        window = cls.env.ref("qi_window.window_government_centre_demo")
        window.staff_ids = [Command.create({"user_id": user.id, "role": role})]
        return window

    def _open(self, path, selector, login):
        self.browser_js(path, WEB_CLIENT_WAIT_FOR % selector, login=login, timeout=90)
