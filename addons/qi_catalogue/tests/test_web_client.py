from odoo.tests import HttpCase, new_test_user, tagged

# wait until the view shows records (or its empty state), then report success;
# any error the web client logs meanwhile fails the test
WAIT_FOR = """
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
RECORDS = ".o_kanban_record:not(.o_kanban_ghost), .o_data_row, .o_view_nocontent"


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    """The catalogue's screens render in the web client without errors, for
    window staff and for the coordination department (demo data shown)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "qi_web_staff", groups="qi_window.group_qi_user", name="Web Staff")
        cls.coordinator = new_test_user(
            cls.env, "qi_web_coordinator", groups="qi_window.group_qi_coordinator", name="Web Coordinator"
        )
        cls.env.ref("qi_window.window_government_centre_demo").staff_ids = [
            (0, 0, {"user_id": cls.staff.id, "role": "first_handler"})
        ]

    def _open(self, path, selector, login):
        self.browser_js(path, WAIT_FOR % selector, login=login, timeout=90)

    def test_lists_and_kanbans(self):
        for action in (
            "qi_service_item_action",
            "res_partner_action_qi_provider",
            "res_partner_action_qi_advantage",
            "qi_expert_action",
            "qi_provider_qualification_action",
            "qi_provider_station_action",
        ):
            with self.subTest(action=action):
                self._open(f"/odoo/action-qi_catalogue.{action}", RECORDS, "qi_web_staff")
        self._open("/odoo/action-qi_catalogue.qi_service_item_action?view_type=list", RECORDS, "qi_web_coordinator")

    def test_forms(self):
        item = self.env.ref("qi_catalogue.qi_service_item_6_1_3_1")
        provider = self.env.ref("qi_catalogue.partner_provider_metrology_demo")
        expert = self.env.ref("qi_catalogue.expert_01_demo")
        qualification = self.env.ref("qi_catalogue.qualification_metrology_1_demo")
        window = self.env.ref("qi_window.window_government_centre_demo")
        for path in (
            f"/odoo/action-qi_catalogue.qi_service_item_action/{item.id}",
            f"/odoo/action-qi_catalogue.res_partner_action_qi_provider/{provider.id}",
            f"/odoo/action-qi_catalogue.qi_expert_action/{expert.id}",
            f"/odoo/action-qi_catalogue.qi_provider_qualification_action/{qualification.id}",
            f"/odoo/action-qi_window.qi_window_action/{window.id}",
        ):
            with self.subTest(path=path):
                self._open(path, ".o_form_view .o_form_sheet", "qi_web_staff")

    def test_find_resources_dialog(self):
        self._open("/odoo/action-qi_catalogue.qi_catalogue_match_wizard_action", ".modal .o_form_view", "qi_web_staff")
