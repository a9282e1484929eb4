from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import QiEvaluationCommon

ACTIONS = [
    "qi_evaluation.qi_evaluation_action",
    "qi_evaluation.qi_evaluation_action_analysis",
    "qi_evaluation.qi_evaluation_finding_action",
    "qi_evaluation.qi_improvement_action",
    "qi_evaluation.qi_improvement_action_analysis",
    "qi_evaluation.qi_improvement_action_action",
    "qi_evaluation.qi_evaluation_dashboard_action",
    "qi_evaluation.qi_evaluation_template_action",
    "qi_evaluation.qi_evaluation_indicator_action",
    "qi_evaluation.qi_evaluation_grade_action",
    "qi_window.qi_window_action",
]


@tagged("post_install", "-at_install")
class TestViews(QiEvaluationCommon):
    """Every screen of the addon opens for every suite role."""

    def test_every_action_loads_for_every_role(self):
        for user in (self.staff_a, self.leader, self.coordinator):
            for xmlid in ACTIONS:
                with self.subTest(user=user.login, action=xmlid):
                    action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(xmlid)
                    Model = (
                        self.env[action["res_model"]]
                        .with_user(user)
                        .with_context(**safe_eval(action.get("context") or "{}", {"uid": user.id}))
                    )
                    views = list(action["views"])
                    if action.get("search_view_id"):
                        views.append((action["search_view_id"][0], "search"))
                    self.assertTrue(Model.get_views(views)["views"])
                    fields = ["display_name"]
                    if action["res_model"] == "qi.window":
                        fields += [
                            "dashboard_enterprise_count",
                            "dashboard_satisfaction",
                            "last_score_rate",
                            "improvement_overdue_count",
                            "internal_evaluation_due",
                        ]
                    Model.search_read(safe_eval(action.get("domain") or "[]"), fields, limit=5)

    def test_forms_open(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        self._finding(evaluation, "B1.2")
        evaluation.action_done()
        for user in (self.staff_a, self.leader, self.coordinator):
            for record in (evaluation, evaluation.improvement_ids):
                with self.subTest(user=user.login, model=record._name):
                    record = record.with_user(user)
                    arch = record.get_views([(False, "form")])["views"]["form"]
                    self.assertTrue(arch["arch"])
                    record.web_read({name: {} for name in ("display_name", "state")})
