from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import QiWindowCommon


@tagged("post_install", "-at_install")
class TestWindowAccess(QiWindowCommon):
    """Record rules of the suite's groups, proven as the users who have them."""

    def test_staff_sees_only_own_window(self):
        Window = self.env["qi.window"].with_user(self.staff_a)
        visible = Window.search([("code", "in", ["T-A", "T-B"])])
        self.assertEqual(visible, self.window_a.with_user(self.staff_a))
        with self.assertRaises(AccessError):
            self.window_b.with_user(self.staff_a).read(["name"])
        # children of window B are closed as well
        with self.assertRaises(AccessError):
            self.window_b.staff_ids.with_user(self.staff_a).read(["role"])

    def test_staff_cannot_edit_window_configuration(self):
        with self.assertRaises(AccessError):
            self.window_a.with_user(self.staff_a).write({"phone": "0335-1111111"})

    def test_removed_staff_loses_access(self):
        self.window_a.staff_ids.filtered(lambda s: s.user_id == self.staff_a).active = False
        self.assertFalse(
            self.env["qi.window"].with_user(self.staff_a).search([("code", "=", "T-A")]),
            "an archived staff line must close the window",
        )

    def test_leader_sees_windows_of_his_organisation(self):
        other_company = self.env["res.company"].create({"name": "Other Operator"})
        window_c = self.env["qi.window"].create({"name": "Window C", "code": "T-C", "company_id": other_company.id})
        visible = self.env["qi.window"].with_user(self.leader).search([("code", "like", "T-")])
        self.assertIn(self.window_a, visible)
        self.assertIn(self.window_b, visible)
        self.assertNotIn(window_c, visible)
        # and may change them
        self.window_b.with_user(self.leader).write({"phone": "0335-7654321"})
        self.assertEqual(self.window_b.phone, "0335-7654321")

    def test_coordinator_reads_all_writes_none(self):
        other_company = self.env["res.company"].create({"name": "Other Operator"})
        window_c = self.env["qi.window"].create({"name": "Window C", "code": "T-C", "company_id": other_company.id})
        windows = self.env["qi.window"].with_user(self.coordinator).search([("code", "like", "T-")])
        self.assertEqual(set(windows.mapped("code")), {"T-A", "T-B", "T-C"})
        self.assertTrue(window_c.with_user(self.coordinator).facility_ids is not None)
        with self.assertRaises(AccessError):
            self.window_a.with_user(self.coordinator).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["qi.window"].with_user(self.coordinator).create({"name": "X", "code": "T-X"})
        with self.assertRaises(AccessError):
            self.env["qi.window.facility"].with_user(self.coordinator).create(
                {"name": "Printer", "window_id": self.window_a.id, "responsible_id": self.staff_a.id}
            )

    def test_portal_and_public_read_no_window(self):
        for user in (self.portal_user, self.public_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["qi.window"].with_user(user).search([])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.window_a.with_user(user).read(["name"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["qi.window.channel"].with_user(user).search([])

    def test_staff_maintains_facilities_of_own_window_only(self):
        Facility = self.env["qi.window.facility"].with_user(self.staff_a)
        facility = Facility.create(
            {"name": "Printer", "window_id": self.window_a.id, "responsible_id": self.staff_a.id}
        )
        self.env["qi.window.facility.check"].with_user(self.staff_a).create(
            {"facility_id": facility.id, "result": "needs_repair", "note": "toner"}
        )
        self.assertEqual(facility.state, "needs_repair")
        with self.assertRaises(AccessError):
            Facility.create({"name": "Desk", "window_id": self.window_b.id, "responsible_id": self.staff_a.id})
