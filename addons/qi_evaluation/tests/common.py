from odoo.tests import TransactionCase, new_test_user


class QiEvaluationCommon(TransactionCase):
    """Two windows of one operating organisation, a user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff_a = new_test_user(cls.env, "eval_staff_a", groups="qi_window.group_qi_user", name="Staff A",
                                    email="eval.staff.a@window.example.cn")
        cls.staff_a2 = new_test_user(cls.env, "eval_staff_a2", groups="qi_window.group_qi_user", name="Staff A2",
                                     email="eval.staff.a2@window.example.cn")
        cls.staff_b = new_test_user(cls.env, "eval_staff_b", groups="qi_window.group_qi_user", name="Staff B")
        cls.leader = new_test_user(cls.env, "eval_leader", groups="qi_window.group_qi_manager", name="Leader",
                                   email="eval.leader@window.example.cn")
        cls.coordinator = new_test_user(cls.env, "eval_coordinator", groups="qi_window.group_qi_coordinator",
                                        name="Coordinator", email="eval.coordinator@amr.example.cn")
        Window = cls.env["qi.window"]
        cls.window_a = Window.create({
            "name": "Evaluation Window A", "code": "EV-A", "leader_id": cls.leader.id,
            "staff_ids": [(0, 0, {"user_id": cls.staff_a.id}), (0, 0, {"user_id": cls.staff_a2.id})],
        })
        cls.window_b = Window.create({
            "name": "Evaluation Window B", "code": "EV-B", "leader_id": cls.leader.id,
            "staff_ids": [(0, 0, {"user_id": cls.staff_b.id})],
        })
        cls.template = cls.env.ref("qi_evaluation.template_annex_b_v1")

    def _evaluation(self, user=None, window=None, evaluation_type="internal", **vals):
        values = {
            "window_id": (window or self.window_a).id,
            "evaluation_type": evaluation_type,
            "template_id": self.template.id,
            "date_from": "2025-01-01",
            "date_to": "2025-12-31",
        }
        values.update(vals)
        user = user or (self.coordinator if evaluation_type == "adhoc_coordination" else self.leader)
        return self.env["qi.evaluation"].with_user(user).create(values)

    def _line(self, evaluation, code):
        return evaluation.line_ids.filtered(lambda line: line.code == code)

    def _finding(self, evaluation, code, text="Board out of date", owner=None, user=None):
        user = user or evaluation.env.user
        return self.env["qi.evaluation.finding"].with_user(user).create({
            "line_id": self._line(evaluation, code).id,
            "name": text,
            "owner_id": owner.id if owner else False,
        })
