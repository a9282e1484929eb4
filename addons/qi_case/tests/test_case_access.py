from odoo.exceptions import AccessError
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
