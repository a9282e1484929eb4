from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.qi_case.models.qi_case import QiCase

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseSupervision(QiCaseCommon):
    """R-7.3.2–3: the daily supervision warns, escalates once, marks overdue."""

    def _activities(self, case, xmlid):
        return case.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def test_warn_then_escalate_once(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        # protected fields are written by the flow itself, also without superuser mode
        Case = self.env["qi.case"].with_user(self.leader)
        self.assertFalse(Case.env.su)
        with freeze_time("2026-10-20 09:00:00"):  # 2 working days before 2026-10-22
            Case._cron_supervise()
            Case._cron_supervise()
            warnings = self._activities(case, "qi_case.mail_activity_type_case_deadline")
            self.assertEqual(len(warnings), 1)
            self.assertEqual(warnings.user_id, self.staff_a)
            self.assertFalse(case.is_overdue)
        with freeze_time("2026-10-23 09:00:00"):
            Case._cron_supervise()
            Case._cron_supervise()
            self.assertTrue(case.is_overdue)
            self.assertEqual(case.overdue_reason, "not_completed")
            escalations = self._activities(case, "qi_case.mail_activity_type_case_escalation")
            self.assertEqual(len(escalations), 1)
            self.assertEqual(escalations.user_id, self.leader)
            self.assertEqual(len(self._activities(case, "qi_case.mail_activity_type_case_deadline")), 1)
            self.assertEqual(case.days_used, 16)

    def test_not_accepted_in_time_is_overdue(self):
        case = self._case()
        with freeze_time("2026-09-28 18:00:00"):
            self.env["qi.case"]._cron_supervise()
            self.assertFalse(case.is_overdue, "acceptance is due on 2026-09-28 itself")
        with freeze_time("2026-09-29 09:00:00"):
            self.env["qi.case"]._cron_supervise()
            self.assertTrue(case.is_overdue)
            self.assertEqual(case.overdue_reason, "not_accepted")
            case.action_accept()
            self.assertFalse(case.is_overdue, "accepted late, but the completion clock is still fine")

    def test_failing_case_does_not_stop_the_others(self):
        first = self._case(user_id=self.staff_a.id, subject="Breaks")
        second = self._case(user_id=self.staff_a.id, subject="Works")
        with freeze_time("2026-09-26 09:00:00"):
            (first | second).action_accept()
        original = QiCase._supervise

        def flaky(case, today, warn_limit):
            if "Breaks" in case.mapped("subject"):
                raise ValueError("simulated failure")
            return original(case, today, warn_limit)

        with freeze_time("2026-10-23 09:00:00"), patch.object(QiCase, "_supervise", flaky), \
                self.assertLogs("odoo.addons.qi_case.models.qi_case", level="ERROR"):
            failed = self.env["qi.case"]._cron_supervise()
        self.assertIn(first, failed)
        self.assertNotIn(second, failed)
        self.assertTrue(second.is_overdue)
        self.assertFalse(first.is_overdue)

    def test_completed_late_stays_overdue(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        with freeze_time("2026-10-26 09:00:00"):
            case.action_complete()
        self.assertFalse(case.completed_on_time)
        self.assertTrue(case.is_overdue)
        self.assertEqual(case.days_used, 17)
