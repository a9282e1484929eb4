from datetime import date

from odoo.tests import freeze_time, tagged

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestImprovementDeadline(QiEvaluationCommon):
    """R-8.3.1: problems found are improved within 15 PRC working days after the evaluation."""

    def _done_evaluation(self, done_on="2025-09-26 10:00:00"):
        evaluation = self._evaluation()
        evaluation.action_start()
        self._finding(evaluation, "B1.2", "Service process board out of date", owner=self.staff_a)
        self._finding(evaluation, "B1.2", "Complaint phone missing on the board")
        self._finding(evaluation, "B4.2", "One part-time member not trained", owner=self.staff_a2)
        with freeze_time(done_on):
            evaluation.with_user(self.leader).action_done()
        return evaluation

    def test_evaluation_done_2025_09_26_gives_improvements_due_2025_10_23(self):
        evaluation = self._done_evaluation()
        self.assertEqual(evaluation.state, "done")
        self.assertEqual(evaluation.date_done, date(2025, 9, 26))
        improvements = evaluation.improvement_ids
        self.assertEqual(len(improvements), 3, "every finding becomes an improvement")
        # National Day week 2025 and the make-up working days (Sep 28, Oct 11) are on the PRC calendar
        self.assertEqual(set(improvements.mapped("date_deadline")), {date(2025, 10, 23)})
        self.assertEqual(set(improvements.mapped("date_deadline_initial")), {date(2025, 10, 23)})
        self.assertEqual(set(improvements.mapped("date_raised")), {date(2025, 9, 26)})
        self.assertEqual(set(improvements.mapped("state")), {"open"})
        by_name = {i.name: i for i in improvements}
        self.assertEqual(by_name["Service process board out of date"].owner_id, self.staff_a)
        self.assertEqual(
            by_name["Complaint phone missing on the board"].owner_id,
            self.leader,
            "without an owner the window's leader answers for it",
        )
        self.assertEqual(by_name["One part-time member not trained"].indicator_id.code, "B4.2")
        # each owner gets an activity due on the deadline
        activity = by_name["Service process board out of date"].activity_ids
        self.assertEqual(activity.user_id, self.staff_a)
        self.assertEqual(activity.date_deadline, date(2025, 10, 23))

    def test_findings_deduct_points(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        line = self._line(evaluation, "B1.2")
        self.assertEqual(line.score, 4.0)
        self._finding(evaluation, "B1.2")
        self._finding(evaluation, "B1.2", "Complaint phone missing")
        self.assertEqual(line.finding_count, 2)
        self.assertEqual(line.score, 2.0, "4 points − 2 findings × 1 point")
        for _index in range(3):
            self._finding(evaluation, "B1.2", "More")
        self.assertEqual(line.score, 0.0, "never below zero")
        # the evaluators may adjust within 0 and the points
        line.with_user(self.leader).score = 1.5
        self.assertEqual(line.score, 1.5)

    def test_total_and_configurable_grade_bands(self):
        evaluation = self._evaluation()
        evaluation.action_start()
        applicable = evaluation.line_ids.filtered("applicable")
        self.assertEqual(evaluation.total_max, sum(applicable.mapped("max_points")))
        self.assertAlmostEqual(evaluation.total_score, sum(applicable.mapped("score")), places=1)
        self.assertAlmostEqual(
            evaluation.score_rate, round(100 * evaluation.total_score / evaluation.total_max, 1), places=1
        )
        # satisfaction has no rating data yet: left out rather than scored on invented numbers
        self.assertFalse(self._line(evaluation, "B6.6").applicable)
        # grade bands are configuration
        Grade = self.env["qi.evaluation.grade"]
        Grade.search([]).write({"active": False})
        self.env.flush_all()
        top = Grade.create({"name": "Model Window", "min_rate": 0.0})
        evaluation.line_ids[:1].with_user(self.leader).score = 0.0
        self.assertEqual(evaluation.grade_id, top)

    def test_overdue_improvement_escalated_once_to_the_leader(self):
        evaluation = self._done_evaluation()
        improvement = evaluation.improvement_ids.filtered(lambda i: i.owner_id == self.staff_a)
        Improvement = self.env["qi.improvement"]
        overdue_type = self.env.ref("qi_evaluation.mail_activity_type_improvement_overdue")
        with freeze_time("2025-10-23 15:30:00"):  # 23:30 on the due day in Beijing
            Improvement._cron_escalate_overdue()
            self.assertFalse(improvement.is_overdue, "due today is not overdue")
            self.assertFalse(improvement.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type))
        with freeze_time("2025-10-24 20:00:00"):
            Improvement._cron_escalate_overdue()
            self.assertTrue(improvement.is_overdue)
            escalations = improvement.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type)
            self.assertEqual(escalations.user_id, self.leader)
            Improvement._cron_escalate_overdue()
        with freeze_time("2025-10-27 20:00:00"):
            Improvement._cron_escalate_overdue()
            escalations = improvement.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type)
            self.assertEqual(len(escalations), 1, "escalated once per deadline")
        self.assertEqual(self.window_a.improvement_overdue_count, 3)
