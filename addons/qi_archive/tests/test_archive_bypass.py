from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveBypass(QiArchiveCommon):
    """R-9.b: no way around the grant of the records' own window leader."""

    def setUp(self):
        super().setUp()
        self.record = self._archive(self._closed_case(files=[("evidence.txt", b"bypass evidence")]))
        self.attachment = self.record.file_ids.filtered(lambda f: f.kind == "attachment").attachment_id

    def test_request_cannot_be_routed_to_another_window_leader(self):
        # a request for window A's records goes to window A's leader, whatever the requester sends
        Request = self.env["qi.archive.access.request"].with_user(self.staff)
        with self.assertRaises(AccessError):
            Request.create(
                {
                    "record_ids": [(6, 0, self.record.ids)],
                    "reason": "forged route",
                    "window_id": self.window_b.id,
                    "leader_id": self.leader_b.id,
                }
            )
        # the same through context defaults, which Odoo applies inside create
        forged = Request.with_context(default_window_id=self.window_b.id, default_leader_id=self.leader_b.id).create(
            {"record_ids": [(6, 0, self.record.ids)], "reason": "forged route"}
        )
        self.assertEqual((forged.window_id, forged.leader_id), (self.window, self.leader))
        request = self._request(self.record)
        for vals in (
            {"window_id": self.window_b.id},
            {"leader_id": self.leader_b.id},
            {"company_id": self.window_b.company_id.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                request.with_user(self.staff).write(vals)
        self.assertEqual(request.window_id, self.window)
        with self.assertRaises(AccessError):
            request.with_user(self.leader_b)._qi_approve()

    def test_no_grant_forged_through_context_defaults(self):
        """R-9.b: Odoo applies ``default_<field>`` context keys inside create,
        after every override; an RPC caller sends any context. A staff or
        portal user made an approved, unexpiring grant this way."""
        forged_context = {
            "default_state": "approved",
            "default_approver_id": self.leader.id,
            "default_date_start": "2020-01-01 00:00:00",
            "default_date_expiry": "2099-01-01 00:00:00",
            "default_requester_id": self.leader.id,
            "default_decision_note": "forged",
        }
        for user in (self.staff, self.portal):
            Request = self.env["qi.archive.access.request"].with_user(user).with_context(forged_context)  # pylint: disable=context-overridden  # the forged context alone, as an RPC caller sends it
            request = Request.create({"record_ids": [(6, 0, self.record.ids)], "reason": "forged grant"})
            stored = request.with_env(self.env)
            with self.subTest(user=user.login):
                self.assertEqual(
                    (stored.state, stored.approver_id, stored.date_start, stored.date_expiry, stored.requester_id),
                    ("draft", self.env["res.users"], False, False, user),
                )
                self.assertFalse(self.env["qi.archive.access.request"].with_user(user)._qi_active_grants(self.record))
        with self.assertRaises(AccessError):
            self.attachment.with_user(self.staff).read(["datas"])

    def test_no_grant_no_file_by_any_search(self):
        Attachment = self.env["ir.attachment"].with_user(self.staff)
        self.assertFalse(Attachment.search_count([("res_model", "=", "qi.archive.record")]))
        self.assertNotIn(self.attachment, Attachment.search([("checksum", "=", self.attachment.checksum)]))
        self.assertFalse(Attachment.search([("name", "=", "evidence.txt"), ("res_model", "!=", "qi.case")]))
        groups = Attachment.read_group([("res_model", "=", "qi.archive.record")], ["file_size:sum"], ["res_id"])
        self.assertFalse(groups)
        self.assertFalse(Attachment.name_search("evidence.txt", [("res_model", "=", "qi.archive.record")]))
        with self.assertRaises(AccessError):
            self.attachment.with_user(self.staff).display_name  # noqa: B018

    def test_a_cancelled_grant_stays_as_evidence(self):
        request = self._grant(self.record)
        request.with_user(self.staff).action_cancel()
        self.assertEqual(request.state, "cancelled")
        with self.assertRaises(UserError):
            request.with_user(self.staff).unlink()
        draft = (
            self.env["qi.archive.access.request"]
            .with_user(self.staff)
            .create({"record_ids": [(6, 0, self.record.ids)], "reason": "changed my mind"})
        )
        draft.action_cancel()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_a_grant_is_not_deleted_under_the_uninstall_context(self):
        """R-9.b: an RPC caller may send Odoo's uninstall key in the context; the grant stays."""
        request = self._grant(self.record)
        with self.assertRaises(UserError):
            request.with_user(self.staff).with_context(_force_unlink=True).unlink()
        self.assertTrue(request.exists())
