from datetime import date

from odoo.tests import freeze_time, tagged

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestYearlyCron(QiEvaluationCommon):
    """R-8.2.1: every window is evaluated internally at least once a year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("qi_evaluation.internal_evaluation_date", "11-01")
        cls.window_done = cls.env["qi.window"].create(
            {"name": "Evaluated Window", "code": "EV-DONE", "leader_id": cls.leader.id}
        )
        cls.window_archived = cls.env["qi.window"].create(
            {"name": "Closed Window", "code": "EV-OLD", "leader_id": cls.leader.id, "active": False}
        )

    def _internal(self, window):
        return self.env["qi.evaluation"].search(
            [("window_id", "=", window.id), ("evaluation_type", "=", "internal"), ("year", "=", 2025)]
        )

    def test_cron_drafts_internal_evaluations_once(self):
        with freeze_time("2025-06-10 09:00:00"):
            done = self._evaluation(window=self.window_done, date_from="2025-01-01", date_to="2025-06-30")
            done.action_start()
            done.action_done()
        # an ad-hoc evaluation does not replace the internal one
        with freeze_time("2025-06-10 09:00:00"):
            self._evaluation(window=self.window_b, evaluation_type="adhoc_coordination")
        Evaluation = self.env["qi.evaluation"]
        with freeze_time("2025-10-31 15:30:00"):  # 23:30 in Beijing: still 31 October
            Evaluation._cron_schedule_internal_evaluations()
            self.assertFalse(self._internal(self.window_a), "nothing before the configured date")
        with freeze_time("2025-11-03 21:00:00"):
            Evaluation._cron_schedule_internal_evaluations()
            evaluation_a, evaluation_b = self._internal(self.window_a), self._internal(self.window_b)
            self.assertEqual(len(evaluation_a), 1)
            self.assertEqual(len(evaluation_b), 1)
            self.assertEqual(self._internal(self.window_done), done, "a window evaluated this year is skipped")
            self.assertFalse(self._internal(self.window_archived))
            self.assertEqual(evaluation_a.state, "draft")
            self.assertEqual((evaluation_a.date_from, evaluation_a.date_to), (date(2025, 1, 1), date(2025, 12, 31)))
            self.assertEqual(evaluation_a.template_id, self.template)
            self.assertEqual(len(evaluation_a.line_ids), len(self.template.indicator_ids), "template lines filled")
            automatic = evaluation_a.line_ids.filtered(lambda line: line.check_method == "automatic")
            self.assertTrue(automatic)
            self.assertTrue(all(automatic.mapped("date_computed")), "automatic indicators computed")
            activity = evaluation_a.activity_ids
            self.assertEqual(activity.user_id, self.leader)
            self.assertEqual(
                activity.activity_type_id, self.env.ref("qi_evaluation.mail_activity_type_internal_evaluation")
            )
            self.assertFalse(self.window_a.internal_evaluation_due)
            before = Evaluation.search_count([])
            Evaluation._cron_schedule_internal_evaluations()
            Evaluation._cron_schedule_internal_evaluations()
            self.assertEqual(Evaluation.search_count([]), before, "running it again creates nothing")
            self.assertEqual(len(evaluation_a.activity_ids), 1)
        # a cancelled one does not count: the window gets a new draft
        evaluation_a.with_user(self.leader).action_cancel()
        with freeze_time("2025-11-04 21:00:00"):
            Evaluation._cron_schedule_internal_evaluations()
        self.assertEqual(len(self._internal(self.window_a)), 2)

    def test_configurable_date(self):
        self.env["ir.config_parameter"].set_param("qi_evaluation.internal_evaluation_date", "03-15")
        with freeze_time("2025-03-14 15:30:00"):  # 23:30 in Beijing
            self.env["qi.evaluation"]._cron_schedule_internal_evaluations()
            self.assertFalse(self._internal(self.window_a))
        with freeze_time("2025-03-15 21:00:00"):
            self.env["qi.evaluation"]._cron_schedule_internal_evaluations()
            self.assertTrue(self._internal(self.window_a))
        # a window without internal evaluation this year shows it on the kanban
        with freeze_time("2026-01-05 09:00:00"):
            self.window_a.invalidate_recordset(["internal_evaluation_due"])
            self.assertTrue(self.window_a.internal_evaluation_due)
