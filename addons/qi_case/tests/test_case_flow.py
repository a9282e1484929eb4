from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.qi_window.tools.flow import FLOW

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseFlow(QiCaseCommon):
    """Annex A as window staff: demand → acceptance → matching → service → completion → closure."""

    def test_full_lifecycle_as_staff(self):
        case = self._case()
        self.assertRegex(case.name, r"^QI2026-\d{5}$")
        self.assertEqual(case.stage_code, "new")
        with self.assertRaises(UserError):
            case.action_start_service()  # no skipping steps
        case.action_accept()
        self.assertEqual((case.stage_code, case.user_id), ("accepted", self.staff_a))
        self.assertTrue(case.date_accepted)
        with self.assertRaises(UserError):
            case.action_complete()
        assignment = (
            self.env["qi.case.assignment"]
            .with_user(self.staff_a)
            .create({"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item_15.id})
        )
        self.assertEqual(case.stage_code, "matched", "a first assignment moves the case to matched")
        with self.assertRaises(UserError):
            case.action_start_service()  # nobody accepted yet
        assignment.action_accept()
        case.action_start_service()
        self.assertEqual(case.stage_code, "in_service")
        with self.assertRaises(UserError):
            case.action_complete()  # not delivered yet
        assignment.action_start()
        assignment.action_deliver()
        self.assertEqual((assignment.state, assignment.progress), ("delivered", 100))
        case.action_complete()
        self.assertEqual(case.stage_code, "completed")
        self.assertTrue(case.date_completed)
        case.action_close()
        self.assertEqual(case.stage_code, "closed")
        self.assertFalse(case.is_open)
        with self.assertRaises(UserError):
            case.write({"stage_id": case._stage("new").id})
        # stage durations are tracked for the kanban and reports
        self.assertTrue(case.duration_tracking)

    def test_cancel_and_reject_need_a_reason(self):
        case = self._case()
        with self.assertRaises(UserError):
            case.write({"stage_id": case._stage("cancelled").id})
        wizard = (
            self.env["qi.case.close.wizard"]
            .with_user(self.staff_a)
            .create({"case_id": case.id, "action": "reject", "reason": "Outside the window's services"})
        )
        wizard.action_confirm()
        self.assertEqual(case.stage_code, "rejected")
        self.assertEqual(case.close_reason, "Outside the window's services")

    def test_handler_change_needs_reason_and_notifies(self):
        case = self._case(user_id=self.staff_a.id)
        with self.assertRaises(UserError):
            case.write({"user_id": self.staff_a2.id})
        self.assertEqual(case.user_id, self.staff_a)
        before = case.message_ids
        self.env["qi.case.handler.wizard"].with_user(self.staff_a).create(
            {"case_id": case.id, "user_id": self.staff_a2.id, "reason": "Staff rotation"}
        ).action_confirm()
        self.assertEqual(case.user_id, self.staff_a2)
        log = case.handler_log_ids.filtered("from_user_id")
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.from_user_id, log.to_user_id, log.reason, log.changed_by_id),
            (self.staff_a, self.staff_a2, "Staff rotation", self.staff_a),
        )
        self.assertTrue(log.notified)
        notice = (case.message_ids - before).filtered(lambda m: self.enterprise in m.partner_ids)
        self.assertEqual(len(notice), 1, "the service object gets one notice")
        self.assertEqual(notice.message_type, "comment")
        self.assertFalse(notice.subtype_id.internal, "visible to the service object in the portal")
        self.assertIn("Staff A2", notice.body)
        self.assertIn("Staff rotation", notice.body)

    def test_adjustment_logged_and_parties_notified(self):
        case = self._case()
        case.action_accept()
        self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        with self.assertRaises(UserError):
            case.write({"item_ids": [(4, self.item_5.id)]})
        self.env["qi.case.adjust.wizard"].with_user(self.staff_a).create(
            {
                "case_id": case.id,
                "item_ids": [(6, 0, (self.item_15 | self.item_5).ids)],
                "time_limit_days": 15,
                "reason": "The enterprise also needs a standards check",
            }
        ).action_confirm()
        adjustment = case.adjustment_ids
        self.assertEqual(len(adjustment), 1)
        self.assertEqual(adjustment.kind, "items")
        self.assertIn("Standards query", adjustment.description)
        self.assertEqual(adjustment.user_id, self.staff_a)
        message = case.message_ids[0]
        self.assertIn("The enterprise also needs a standards check", message.body)
        self.assertEqual(set(message.partner_ids.ids), {self.enterprise.id, self.provider.id})
        self.assertTrue(case.is_package)

    def test_protected_fields_not_writable(self):
        case = self._case()
        with self.assertRaises(AccessError):
            case.write({"extension_days": 30})
        # a context flag sent by an RPC client does not open them either
        for forged in (True, 1, "FLOW", {"qi": "flow"}):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                case.with_context(qi_case_internal=forged).write({"extension_days": 30})
        with self.assertRaises(AccessError):
            case.write({"is_overdue": False})

    def test_protected_fields_not_set_at_creation(self):
        """R-7.3.2: window staff created a case with days_used=99,
        completed_on_time=True, a forged intake key and supervised_date in
        2099, which hid it from the daily supervision for good."""
        forged = {
            "days_used": 99,
            "completed_on_time": True,
            "intake_key": "forged-key",
            "supervised_date": "2099-01-01",
            "message_id_origin": "<forged@example.cn>",
        }
        for name, value in forged.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                self._case(**{name: value})
        # Odoo applies context defaults inside create, after every override
        # the forged context alone, as an RPC caller sends it
        case = (
            self.env["qi.case"]  # pylint: disable=context-overridden
            .with_user(self.staff_a)
            .with_context({f"default_{name}": value for name, value in forged.items()})
            .create(
                {
                    "subject": "Forged defaults",
                    "partner_id": self.enterprise.id,
                    "window_id": self.window_a.id,
                    "channel": "walk_in",
                    "item_ids": [(6, 0, self.item_15.ids)],
                }
            )
        )
        self.assertEqual(
            (case.days_used, case.completed_on_time, case.intake_key, case.supervised_date, case.message_id_origin),
            (0, False, False, False, False),
        )
        # the daily supervision still reaches it
        self.assertIn(case, self.env["qi.case"].search([("is_open", "=", True), ("supervised_date", "=", False)]))

    def test_duplicate_starts_afresh(self):
        """Duplicating a case (the form's Duplicate, RPC copy) copies none of the
        values the flow set on the original, and refuses a default for them."""
        case = self._case()
        case.with_context(qi_case_internal=FLOW).write(
            {"days_used": 7, "supervised_date": "2026-10-01", "intake_key": "original-key", "warning_level": "red"}
        )
        duplicate = case.with_user(self.staff_a).copy()
        self.assertEqual(
            (duplicate.days_used, duplicate.supervised_date, duplicate.intake_key, duplicate.warning_level),
            (0, False, False, "none"),
        )
        with self.assertRaises(AccessError):
            case.with_user(self.staff_a).copy({"supervised_date": "2099-01-01"})

    def test_reusable_results_shown_on_new_case(self):
        old = self._case()
        self.env["qi.case.result"].create(
            {
                "case_id": old.id,
                "name": "Calibration certificate",
                "kind": "calibration",
                "item_ids": [(6, 0, self.item_15.ids)],
                "reusable": True,
            }
        )
        self.env["qi.case.result"].create(
            {
                "case_id": old.id,
                "name": "Private report",
                "item_ids": [(6, 0, self.item_15.ids)],
                "reusable": False,
            }
        )
        new = self._case()
        self.assertEqual(new.reusable_result_ids.mapped("name"), ["Calibration certificate"])
        other = self._case(item_ids=[(6, 0, self.item_5.ids)])
        self.assertFalse(other.reusable_result_ids, "results covering other items are not offered")
