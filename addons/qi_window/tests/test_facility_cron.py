from datetime import date

from odoo.tests import freeze_time, tagged

from .common import QiWindowCommon


@tagged("post_install", "-at_install")
class TestFacilityCron(QiWindowCommon):
    """R-5.1.2.6: every facility checked regularly by its designated person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sudo: test set-up of a system parameter, no user's rights are under test here
        cls.env["ir.config_parameter"].sudo().set_param("qi_window.facility_check_lead_days", 0)
        Facility = cls.env["qi.window.facility"]
        cls.due = Facility.create(
            {
                "name": "Fire extinguishers",
                "category": "fire_safety",
                "window_id": cls.window_a.id,
                "responsible_id": cls.staff_a.id,
                "check_interval": 30,
                "date_start": "2026-01-01",
            }
        )
        cls.not_due = Facility.create(
            {
                "name": "Signs",
                "category": "signage",
                "window_id": cls.window_b.id,
                "responsible_id": cls.staff_b.id,
                "check_interval": 90,
                "date_start": "2026-01-01",
            }
        )
        cls.activity_type = cls.env.ref("qi_window.mail_activity_type_facility_check")

    def _activities(self, facility):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qi.window.facility"),
                ("res_id", "=", facility.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_cron(self):
        self.env["qi.window.facility"]._cron_check_facilities()

    def test_one_activity_per_due_check(self):
        self.assertEqual(self.due.next_check_date, date(2026, 1, 31))
        with freeze_time("2026-01-31 09:00:00"):
            self._run_cron()
            activities = self._activities(self.due)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.staff_a)
            self.assertEqual(activities.date_deadline, date(2026, 1, 31))
            self.assertFalse(self._activities(self.not_due), "a check not due gets no activity")
            # run again the same day: nothing more
            self._run_cron()
            self.assertEqual(len(self._activities(self.due)), 1)
        with freeze_time("2026-02-03 09:00:00"):
            # later days, same due date: still nothing more, but now overdue
            self._run_cron()
            self.assertEqual(len(self._activities(self.due)), 1)
            self.assertTrue(self.due.is_overdue)
            self.assertFalse(self.not_due.is_overdue)
            self.assertEqual(self.window_a.facility_overdue_count, 1)

    def test_recording_the_check_closes_the_activity(self):
        with freeze_time("2026-02-03 09:00:00"):
            self._run_cron()
            self.assertTrue(self.due.is_overdue)
            self.env["qi.window.facility.check"].with_user(self.staff_a).create(
                {"facility_id": self.due.id, "result": "ok", "note": "all pressurised"}
            )
            self.assertFalse(self._activities(self.due), "the reminder is marked done by the check")
            self.assertEqual(self.due.last_check_date, date(2026, 2, 3))
            self.assertEqual(self.due.next_check_date, date(2026, 3, 5))
            self.assertFalse(self.due.is_overdue)
        with freeze_time("2026-03-05 09:00:00"):
            # the next due date gets its own, single activity
            self._run_cron()
            self._run_cron()
            self.assertEqual(len(self._activities(self.due)), 1)

    def test_failed_check_sets_state(self):
        self.env["qi.window.facility.check"].create(
            {
                "facility_id": self.due.id,
                "result": "out_of_service",
                "note": "emergency light broken",
                "date": "2026-01-10",
            }
        )
        self.assertEqual(self.due.state, "out_of_service")
        self.assertEqual(self.window_a.facility_issue_count, 1)
        self.assertIn("emergency light broken", self.due.message_ids[0].body)
