from odoo.addons.qi_case.tests.common import QiCaseCommon


class QiEvaluationCommon(QiCaseCommon):
    """QiCaseCommon's people, windows and cases' data, with the evaluation
    template of Annex B."""

    window_names = ("Evaluation Window A", "Evaluation Window B")
    window_codes = ("EV-A", "EV-B")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        return (
            self.env["qi.evaluation.finding"]
            .with_user(user)
            .create(
                {
                    "line_id": self._line(evaluation, code).id,
                    "name": text,
                    "owner_id": owner.id if owner else False,
                }
            )
        )
