from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseDeadlines(QiCaseCommon):
    """R-7.3.2 time limits in PRC working days."""

    def test_deadline_from_item_time_limit(self):
        case = self._case()
        self.assertEqual(case.time_limit_days, 15)
        self.assertEqual(case.date_materials_complete, date(2026, 9, 25))
        self.assertEqual(case.date_deadline, date(2026, 10, 22))
        self.assertEqual(case.date_accept_due, date(2026, 9, 28))

    def test_package_takes_the_longest_limit(self):
        case = self._case(item_ids=[(6, 0, (self.item_5 | self.item_15).ids)])
        self.assertEqual(case.time_limit_days, 15)
        self.assertTrue(case.is_package)

    def test_materials_incomplete_stops_and_restarts_the_clock(self):
        case = self._case(correction_missing="Calibration certificates of the reference gauges")
        with freeze_time("2026-09-28 09:00:00"):
            case.action_materials_incomplete()
            self.assertEqual(case.materials_state, "incomplete")
            self.assertFalse(case.date_deadline, "the clock is stopped")
        with freeze_time("2026-10-09 09:00:00"):
            case.action_materials_complete()
            self.assertEqual(case.date_materials_complete, date(2026, 10, 9))
            # the full 15 working days count again from the day after the materials arrived
            self.assertEqual(case.date_deadline, self.env["qi.workday"].add_working_days(date(2026, 10, 9), 15))
            self.assertEqual(case.date_deadline, date(2026, 10, 29))

    def test_extension_before_deadline_approved_by_window_leader(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        with freeze_time("2026-10-20 09:00:00"):
            extension = (
                self.env["qi.case.extension"]
                .with_user(self.staff_a)
                .create({"case_id": case.id, "days": 5, "reason": "Extra tests"})
            )
            with self.assertRaises(AccessError):
                extension.with_user(self.staff_a2).action_approve()
            with self.assertRaises(AccessError):
                extension.with_user(self.staff_a).write({"state": "approved"})
            before = case.message_ids
            extension.with_user(self.leader).action_approve()
            self.assertEqual(extension.state, "approved")
            self.assertEqual(case.extension_days, 5)
            self.assertEqual(case.date_deadline, date(2026, 10, 29))
            told = (case.message_ids - before).filtered(lambda m: self.enterprise in m.partner_ids)
            self.assertEqual(len(told), 1, "the enterprise is told of the extension")
            self.assertIn("extended", told.subject or told.body)

    def test_extension_after_deadline_refused(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        with freeze_time("2026-10-23 09:00:00"), self.assertRaises(UserError) as caught:
            self.env["qi.case.extension"].with_user(self.staff_a).create(
                {"case_id": case.id, "days": 5, "reason": "Too late"}
            )
        self.assertIn("before the deadline", str(caught.exception))
        with freeze_time("2026-10-20 09:00:00"):
            extension = (
                self.env["qi.case.extension"]
                .with_user(self.staff_a)
                .create({"case_id": case.id, "days": 5, "reason": "In time"})
            )
        with freeze_time("2026-10-23 09:00:00"), self.assertRaises(UserError):
            extension.with_user(self.leader).action_approve()  # granted too late
        self.assertEqual(case.date_deadline, date(2026, 10, 22))

    def test_extension_created_undecided_by_its_caller(self):
        """A request cannot be created decided, nor in another's name (which
        would let a manager decide a request of their own)."""
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        Extension = self.env["qi.case.extension"].with_user(self.staff_a)
        with freeze_time("2026-10-20 09:00:00"):
            with self.assertRaises(AccessError):
                Extension.create({"case_id": case.id, "days": 5, "reason": "Self-approved", "state": "approved"})
            # in another's name: refused (it was overridden silently before)
            with self.assertRaises(AccessError):
                Extension.create(
                    {"case_id": case.id, "days": 5, "reason": "Extra tests", "requested_by_id": self.staff_a2.id}
                )
            # nor through a context default, which Odoo applies inside create
            extension = Extension.with_context(
                default_requested_by_id=self.staff_a2.id, default_state="approved"
            ).create({"case_id": case.id, "days": 5, "reason": "Extra tests"})
        self.assertEqual((extension.state, extension.requested_by_id), ("requested", self.staff_a))
