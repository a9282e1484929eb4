from odoo.tests import new_test_user, tagged

from odoo.addons.qi_window.tests import common


@tagged("post_install", "-at_install")
class TestWebClient(common.QiWebClientCase):
    """The evaluation screens render in the web client without errors, for
    window staff, the leader and the coordination department (demo data shown)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "qi_eval_web_staff", groups="qi_window.group_qi_user", name="Web Staff")
        cls.coordinator = new_test_user(
            cls.env, "qi_eval_web_coordinator", groups="qi_window.group_qi_coordinator", name="Web Coordinator"
        )
        cls.leader = new_test_user(
            cls.env, "qi_eval_web_leader", groups="qi_window.group_qi_manager", name="Web Leader"
        )
        cls.window = cls._add_demo_window_staff(cls.staff)

    def test_lists_kanbans_and_reports(self):
        for action, login in (
            ("qi_evaluation_action", "qi_eval_web_staff"),
            ("qi_improvement_action", "qi_eval_web_staff"),
            ("qi_improvement_action_action", "qi_eval_web_staff"),
            ("qi_evaluation_action_analysis", "qi_eval_web_coordinator"),
            ("qi_improvement_action_analysis", "qi_eval_web_coordinator"),
            ("qi_evaluation_dashboard_action", "qi_eval_web_coordinator"),
            ("qi_evaluation_template_action", "qi_eval_web_leader"),
        ):
            with self.subTest(action=action):
                self._open(f"/odoo/action-qi_evaluation.{action}", self.RECORDS, login)
        self._open("/odoo/action-qi_window.qi_window_action", self.RECORDS, "qi_eval_web_staff")

    def test_forms(self):
        evaluation = self.env["qi.evaluation"].search([("window_id", "=", self.window.id)], limit=1)
        improvement = self.env["qi.improvement"].search([("window_id", "=", self.window.id)], limit=1)
        self.assertTrue(evaluation and improvement, "the demo evaluates the government centre window")
        template = self.env.ref("qi_evaluation.template_annex_b_v1")
        for path, login in (
            (f"/odoo/action-qi_evaluation.qi_evaluation_action/{evaluation.id}", "qi_eval_web_staff"),
            (f"/odoo/action-qi_evaluation.qi_improvement_action/{improvement.id}", "qi_eval_web_staff"),
            (f"/odoo/action-qi_evaluation.qi_evaluation_action/{evaluation.id}", "qi_eval_web_coordinator"),
            (f"/odoo/action-qi_evaluation.qi_evaluation_template_action/{template.id}", "qi_eval_web_leader"),
            (f"/odoo/action-qi_window.qi_window_action/{self.window.id}", "qi_eval_web_staff"),
        ):
            with self.subTest(path=path, login=login):
                self._open(path, self.FORM, login)
