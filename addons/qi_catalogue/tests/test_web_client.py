from odoo.tests import new_test_user, tagged

from odoo.addons.qi_window.tests import common


@tagged("post_install", "-at_install")
class TestWebClient(common.QiWebClientCase):
    """The catalogue's screens render in the web client without errors, for
    window staff and for the coordination department (demo data shown)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "qi_web_staff", groups="qi_window.group_qi_user", name="Web Staff")
        cls.coordinator = new_test_user(
            cls.env, "qi_web_coordinator", groups="qi_window.group_qi_coordinator", name="Web Coordinator"
        )
        cls.window = cls._add_demo_window_staff(cls.staff)

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
                self._open(f"/odoo/action-qi_catalogue.{action}", self.RECORDS, "qi_web_staff")
        self._open(
            "/odoo/action-qi_catalogue.qi_service_item_action?view_type=list", self.RECORDS, "qi_web_coordinator"
        )

    def test_forms(self):
        item = self.env.ref("qi_catalogue.qi_service_item_6_1_3_1")
        provider = self.env.ref("qi_catalogue.partner_provider_metrology_demo")
        expert = self.env.ref("qi_catalogue.expert_01_demo")
        qualification = self.env.ref("qi_catalogue.qualification_metrology_1_demo")
        for path in (
            f"/odoo/action-qi_catalogue.qi_service_item_action/{item.id}",
            f"/odoo/action-qi_catalogue.res_partner_action_qi_provider/{provider.id}",
            f"/odoo/action-qi_catalogue.qi_expert_action/{expert.id}",
            f"/odoo/action-qi_catalogue.qi_provider_qualification_action/{qualification.id}",
            f"/odoo/action-qi_window.qi_window_action/{self.window.id}",
        ):
            with self.subTest(path=path):
                self._open(path, self.FORM, "qi_web_staff")

    def test_find_resources_dialog(self):
        self._open("/odoo/action-qi_catalogue.qi_catalogue_match_wizard_action", ".modal .o_form_view", "qi_web_staff")
