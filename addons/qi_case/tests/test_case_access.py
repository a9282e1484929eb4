from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseAccess(QiCaseCommon):
    def test_staff_of_window_a_cannot_read_window_b(self):
        case_b = self._case(user=self.staff_b, window_id=self.window_b.id)
        with self.assertRaises(AccessError):
            case_b.with_user(self.staff_a).read(["subject"])
        self.assertNotIn(case_b, self.env["qi.case"].with_user(self.staff_a).search([]))
        assignment = self.env["qi.case.assignment"].create({"case_id": case_b.id, "provider_id": self.provider.id})
        with self.assertRaises(AccessError):
            assignment.with_user(self.staff_a).read(["state"])

    def test_coordinator_reads_but_cannot_write(self):
        case = self._case()
        self.assertEqual(case.with_user(self.coordinator).read(["subject"])[0]["subject"], case.subject)
        with self.assertRaises(AccessError):
            case.with_user(self.coordinator).write({"subject": "Changed"})
        with self.assertRaises(AccessError):
            self.env["qi.case"].with_user(self.coordinator).create(
                {"subject": "x", "partner_id": self.enterprise.id, "window_id": self.window_a.id}
            )

    def test_leader_sees_all_windows_of_the_organisation(self):
        case_a = self._case()
        case_b = self._case(user=self.staff_b, window_id=self.window_b.id)
        visible = self.env["qi.case"].with_user(self.leader).search([("id", "in", (case_a | case_b).ids)])
        self.assertEqual(visible, case_a | case_b)

    def test_child_records_stay_with_their_case(self):
        """Rules are checked on a record as it was before a write: a child record
        moved to another window's case would slip into a window its writer cannot see."""
        case_a = self._case()
        case_b = self._case(user=self.staff_b, window_id=self.window_b.id)
        assignment = (
            self.env["qi.case.assignment"]
            .with_user(self.staff_a)
            .create({"case_id": case_a.id, "provider_id": self.provider.id})
        )
        result = (
            self.env["qi.case.result"]
            .with_user(self.staff_a)
            .create({"case_id": case_a.id, "name": "Calibration certificate", "reusable": True})
        )
        for record in (assignment, result):
            with self.assertRaises(UserError):
                record.write({"case_id": case_b.id})
            self.assertEqual(record.case_id, case_a)
        # writing the same case back is no move
        assignment.write({"case_id": case_a.id, "progress": 10})
        self.assertEqual(assignment.progress, 10)

    def test_handler_log_written_by_the_flow_only(self):
        """The log feeds the window's evaluation (changes the service object was
        told of): staff cannot forge an entry, the flow still writes it."""
        case = self._case(user_id=self.staff_a.id)
        with self.assertRaises(AccessError):
            self.env["qi.case.handler.log"].with_user(self.staff_a).create(
                {"case_id": case.id, "from_user_id": self.staff_a2.id, "to_user_id": self.staff_a.id, "notified": True}
            )
        case.with_user(self.staff_a).with_context(qi_handler_change_reason="Moves to the park").write(
            {"user_id": self.staff_a2.id}
        )
        log = case.with_user(self.staff_a).handler_log_ids[:1]
        self.assertEqual((log.from_user_id, log.to_user_id, log.notified), (self.staff_a, self.staff_a2, True))
        self.assertEqual(log.changed_by_id, self.staff_a)
