from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestEvaluationAccess(QiEvaluationCommon):
    """R-8.2: who runs, scores and reads which evaluation."""

    def test_window_staff_cannot_change_scores_of_an_external_evaluation(self):
        for evaluation_type, runner in (("adhoc_coordination", self.coordinator), ("adhoc_operating", self.leader)):
            with self.subTest(evaluation_type=evaluation_type):
                evaluation = self._evaluation(evaluation_type=evaluation_type, user=runner)
                evaluation.with_user(runner).action_start()
                line = self._line(evaluation, "B1.1").with_user(self.staff_a)
                self.assertEqual(line.score, 3.0, "staff read their window's evaluation")
                self.assertFalse(evaluation.with_user(self.staff_a).can_score, "the form shows it read-only")
                self.assertTrue(evaluation.with_user(runner).can_score)
                with self.assertRaises(AccessError):
                    line.write({"score": 0.5})
                with self.assertRaises(AccessError):
                    line.write({"applicable": False})
                with self.assertRaises(AccessError):
                    self._finding(evaluation, "B1.1", user=self.staff_a)
                with self.assertRaises(AccessError):
                    evaluation.with_user(self.staff_a).write({"summary": "<p>All good</p>"})
                with self.assertRaises(AccessError):
                    evaluation.with_user(self.staff_a).action_done()
                self.assertEqual(line.score, 3.0)
                # the body that runs it scores it
                self._line(evaluation, "B1.1").with_user(runner).score = 2.0
                self.assertEqual(line.score, 2.0)

    def test_leader_cannot_score_a_coordination_evaluation(self):
        evaluation = self._evaluation(evaluation_type="adhoc_coordination")
        with self.assertRaises(AccessError):
            self._line(evaluation, "B1.1").with_user(self.leader).write({"score": 0.0})
        with self.assertRaises(AccessError):
            self._finding(evaluation, "B1.1", user=self.leader)

    def test_staff_score_their_internal_evaluation(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        line = self._line(evaluation, "B1.1").with_user(self.staff_a)
        line.write({"score": 2.5, "comment": "Bus stop moved 1 km away"})
        finding = self._finding(evaluation, "B1.2", user=self.staff_a)
        self.assertEqual(finding.line_id.score, 3.0)
        # not another window's, which they cannot even read
        other = self._evaluation(window=self.window_b)
        self.assertFalse(self.env["qi.evaluation"].with_user(self.staff_a).search([("id", "=", other.id)]))
        with self.assertRaises(AccessError):
            self._line(other, "B1.1").with_user(self.staff_a).write({"score": 1.0})
        # staff neither create nor close evaluations
        with self.assertRaises(AccessError):
            self._evaluation(user=self.staff_a)
        with self.assertRaises(AccessError):
            evaluation.with_user(self.staff_a).action_done()

    def test_coordinator_runs_ad_hoc_evaluations_of_any_window_and_reads_all(self):
        other_company = self.env["res.company"].create({"name": "Other Operating Organisation"})
        far_window = self.env["qi.window"].create(
            {"name": "Far Window", "code": "EV-FAR", "company_id": other_company.id}
        )
        evaluation = self._evaluation(window=far_window, evaluation_type="adhoc_coordination")
        evaluation.with_user(self.coordinator).action_start()
        self._finding(evaluation, "B1.5", "Exit sign missing", user=self.coordinator)
        with freeze_time("2025-09-26 10:00:00"):
            evaluation.with_user(self.coordinator).action_done()
        self.assertEqual(len(evaluation.improvement_ids), 1)
        # the coordinator cannot run an internal evaluation, nor change the leader's
        with self.assertRaises(AccessError):
            self._evaluation(user=self.coordinator, evaluation_type="internal")
        internal = self._evaluation()
        self.assertIn(internal, self.env["qi.evaluation"].with_user(self.coordinator).search([]))
        with self.assertRaises(AccessError):
            internal.with_user(self.coordinator).write({"summary": "<p>Changed</p>"})
        # the leader of another organisation does not see it
        self.assertFalse(self.env["qi.evaluation"].with_user(self.leader).search([("id", "=", evaluation.id)]))

    def test_manager_runs_internal_and_operating_evaluations_only(self):
        with self.assertRaises(AccessError):
            self._evaluation(user=self.leader, evaluation_type="adhoc_coordination")
        internal = self._evaluation(user=self.leader)
        operating = self._evaluation(user=self.leader, evaluation_type="adhoc_operating")
        self.assertEqual(internal.evaluation_type, "internal")
        self.assertTrue(operating.is_external)
        self.assertTrue(internal.name.startswith("EV"))

    def test_done_evaluation_is_final(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        evaluation.action_done()
        with self.assertRaises(UserError):
            self._line(evaluation, "B1.1").with_user(self.leader).write({"score": 1.0})
        with self.assertRaises(UserError):
            self._finding(evaluation, "B1.1", user=self.leader)
        with self.assertRaises(UserError):
            evaluation.with_user(self.leader).unlink()

    def test_done_evaluation_keeps_its_lines_and_findings(self):
        """R-8.2: the leader, who may delete lines and findings, deletes none of a done evaluation."""
        evaluation = self._evaluation()
        evaluation.action_start()
        finding = self._finding(evaluation, "B1.2")
        evaluation.action_done()
        line = self._line(evaluation, "B1.1")
        with self.assertRaises(UserError):
            line.with_user(self.leader).unlink()
        with self.assertRaises(UserError):
            finding.with_user(self.leader).unlink()
        self.assertTrue(line.exists() and finding.exists())

    def test_staff_work_their_improvements_only(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        self._finding(evaluation, "B1.2", owner=self.staff_a)
        evaluation.action_done()
        improvement = evaluation.improvement_ids
        improvement.with_user(self.staff_a2).write({"plan": "<p>Colleague helps</p>"})
        action = (
            self.env["qi.improvement.action"]
            .with_user(self.staff_a)
            .create({"improvement_id": improvement.id, "name": "Replace the board"})
        )
        action.action_done()
        self.assertEqual(action.state, "done")
        with self.assertRaises(AccessError):
            improvement.with_user(self.staff_b).write({"plan": "<p>Not my window</p>"})
        self.assertFalse(self.env["qi.improvement"].with_user(self.staff_b).search([("id", "=", improvement.id)]))
        # the coordinator reads it, but does not work an internal evaluation's improvement
        self.assertTrue(improvement.with_user(self.coordinator).read(["name"]))
        with self.assertRaises(AccessError):
            improvement.with_user(self.coordinator).write({"plan": "<p>Coordinator plan</p>"})

    def test_window_kanban_counters(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        self._finding(evaluation, "B1.2")
        evaluation.action_done()
        window = self.window_a.with_user(self.staff_a)
        self.assertEqual(window.evaluation_count, 1)
        self.assertEqual(window.last_evaluation_id, evaluation)
        self.assertEqual(window.last_score_rate, evaluation.score_rate)
        self.assertEqual(window.improvement_open_count, 1)
        user = new_test_user(self.env, "eval_outsider", groups="qi_window.group_qi_user")
        self.assertFalse(self.env["qi.window"].with_user(user).search([("id", "=", self.window_a.id)]))

    def test_records_do_not_move_to_a_window_out_of_reach(self):
        """Write rules hold before the write only: moving a record to another
        window or organisation is checked after it too."""
        other_company = self.env["res.company"].create({"name": "Other Operating Organisation"})
        far_window = self.env["qi.window"].create(
            {"name": "Far Window", "code": "EV-FAR", "company_id": other_company.id}
        )
        evaluation = self._evaluation()
        with self.assertRaises(AccessError):
            evaluation.with_user(self.leader).write({"window_id": far_window.id})
        evaluation.action_start()
        other = self._evaluation(window=self.window_b)
        other.action_start()
        # staff of window A score A's internal evaluation, not B's
        with self.assertRaises(AccessError):
            self._line(evaluation, "B1.1").with_user(self.staff_a).write({"evaluation_id": other.id})
        finding = self._finding(evaluation, "B1.2", user=self.staff_a)
        with self.assertRaises(AccessError):
            finding.with_user(self.staff_a).write({"line_id": self._line(other, "B1.2").id})
        # nor link a finding to an improvement by hand
        manual = (
            self.env["qi.improvement"]
            .with_user(self.staff_b)
            .create({"name": "Queue too long", "window_id": self.window_b.id})
        )
        with self.assertRaises(AccessError):
            finding.with_user(self.staff_a).write({"improvement_id": manual.id})
        evaluation.action_done()
        improvement = evaluation.improvement_ids
        self.assertEqual(finding.improvement_id, improvement)
        # an evaluation's improvement stays with its window; a manual one stays within reach
        with self.assertRaises(UserError):
            improvement.with_user(self.leader).write({"window_id": self.window_b.id})
        mine = (
            self.env["qi.improvement"]
            .with_user(self.staff_a)
            .create({"name": "Leaflets out of stock", "window_id": self.window_a.id})
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.staff_a).write({"window_id": self.window_b.id})
        action = (
            self.env["qi.improvement.action"]
            .with_user(self.staff_a)
            .create({"improvement_id": mine.id, "name": "Reprint"})
        )
        with self.assertRaises(AccessError):
            action.with_user(self.staff_a).write({"improvement_id": manual.id})

    def test_closing_context_cannot_be_sent_over_rpc(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        evaluation.action_done()
        line = self._line(evaluation, "B1.1").with_user(self.leader)
        with self.assertRaises(UserError):
            line.with_context(qi_evaluation_closing=True).write({"score": 1.0})
        with self.assertRaises(UserError):
            evaluation.with_user(self.leader).with_context(qi_evaluation_closing=True).write({"state": "in_progress"})
        self.assertEqual(evaluation.state, "done")
