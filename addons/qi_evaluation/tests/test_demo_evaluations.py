from odoo.tests import TransactionCase


class TestDemoEvaluations(TransactionCase):
    """Issue 17.13: the demo shows evaluations in every state (R-8.2.1) and
    improvements at every step of their 15 working days (R-8.3.1)."""

    def test_evaluations_in_every_state(self):
        Evaluation = self.env["qi.evaluation"]
        states = set(Evaluation.search([]).mapped("state"))
        self.assertEqual(states, {code for code, _label in Evaluation._fields["state"].selection})
        running = Evaluation.search([("state", "=", "in_progress")])
        self.assertTrue(running.finding_ids, "an evaluation under way has its first finding")

    def test_improvements_planned_running_and_closed(self):
        states = set(self.env["qi.improvement"].search([]).mapped("state"))
        self.assertTrue({"open", "in_progress", "closed"} <= states, states)
