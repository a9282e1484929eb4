from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveAccess(QiArchiveCommon):
    """R-9.b: content is read only with the leader's time-limited grant, and logged."""

    def setUp(self):
        super().setUp()
        self.case = self._closed_case(files=[("evidence.txt", b"access test evidence")])
        self.record = self._archive(self.case)
        self.attachment = self.record.file_ids.filtered(lambda f: f.kind == "attachment").attachment_id

    def _read_content(self, user):
        return self.attachment.with_user(user).read(["datas"])[0]["datas"]

    def test_content_needs_an_active_grant_and_is_logged(self):
        # the record itself (metadata) is visible to the window's staff ...
        self.assertEqual(self.record.with_user(self.staff).read(["name"])[0]["name"], self.record.name)
        self.assertEqual(
            self.record.with_user(self.staff).file_ids.mapped("sha256"), self.record.file_ids.mapped("sha256")
        )
        # ... its content is not, through any ORM path
        with self.assertRaises(AccessError):
            self._read_content(self.staff)
        with self.assertRaises(AccessError):
            self.attachment.with_user(self.staff).raw  # noqa: B018
        with self.assertRaises(AccessError):
            self.record.file_ids[0].with_user(self.staff).action_open()
        with self.assertRaises(AccessError):
            self._read_content(self.leader)  # not even the leader, without a grant
        self.assertFalse(self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id)]))

        expiry = fields.Datetime.now().replace(microsecond=0) + timedelta(days=2)
        request = self._grant(self.record, expiry=expiry)
        self.assertEqual((request.state, request.approver_id, request.date_expiry), ("approved", self.leader, expiry))
        self.assertEqual(self.record.with_user(self.staff).access_state, "granted")
        self.assertEqual(self._read_content(self.staff), self._b64(b"access test evidence"))
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.user_id, log.action, log.file_id.attachment_id, log.request_id),
            (self.staff, "view", self.attachment, request),
        )
        self.assertTrue(log.date)
        self.assertEqual(
            self.record.file_ids[0].with_user(self.staff).action_open()["url"],
            f"/web/content/{self.record.file_ids[0].attachment_id.id}?download=true",
        )
        # the grant is the requester's, not the leader's
        with self.assertRaises(AccessError):
            self._read_content(self.leader)

        with freeze_time(expiry - timedelta(seconds=1)):
            self.env.invalidate_all()
            self.assertEqual(self._read_content(self.staff), self._b64(b"access test evidence"))
        with freeze_time(expiry + timedelta(seconds=1)):
            self.env.invalidate_all()
            with self.assertRaises(AccessError):
                self._read_content(self.staff)
            self.assertEqual(self.record.with_user(self.staff).access_state, "none")
            # the scheduled action closes the grant and tells the requester
            self.env["qi.archive.access.request"]._cron_expire_grants()
        self.assertEqual(request.state, "expired")
        last = request.message_ids[:1]
        self.assertIn("expired", last.body)
        self.assertIn(self.staff.partner_id, last.partner_ids)

    def test_access_log_cannot_be_deleted(self):
        """R-9.b: the log of who opened what stays, whoever asks."""
        self._grant(self.record)
        self._read_content(self.staff)
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id)])
        self.assertEqual(len(log), 1)
        for user in (self.staff, self.leader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                log.with_user(user).unlink()
        with self.assertRaises(AccessError):
            # sudo: not even superuser code deletes a log line
            log.sudo().unlink()
        self.assertTrue(log.exists())

    def test_only_the_window_leader_decides(self):
        request = self._request(self.record, user=self.staff)
        self.assertEqual(request.window_id, self.window)
        activity = request.activity_ids
        self.assertEqual(activity.user_id, self.leader, "the window's leader gets a to-do")
        for user in (self.staff, self.leader_b, self.staff_b, self.coordinator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user)._qi_approve()
        with self.assertRaises(AccessError):
            self.env["qi.archive.access.decision.wizard"].with_user(self.leader_b).create(
                {"request_id": request.id}
            ).action_approve()
        # nobody can set the decision fields by hand either
        with self.assertRaises(AccessError):
            request.with_user(self.staff).write({"state": "approved"})
        with self.assertRaises(AccessError):
            request.with_user(self.leader).write({"date_expiry": datetime(2099, 1, 1)})
        # nor at creation: naming a decision field is refused (it was dropped silently before)
        with self.assertRaises(AccessError):
            self.env["qi.archive.access.request"].with_user(self.staff).create(
                {
                    "record_ids": [(6, 0, self.record.ids)],
                    "reason": "forged",
                    "state": "approved",
                    "date_expiry": datetime(2099, 1, 1),
                    "requester_id": self.leader.id,
                }
            )
        request.with_user(self.leader)._qi_approve()
        self.assertEqual((request.state, request.approver_id), ("approved", self.leader))
        self.assertFalse(request.activity_ids)
        self.assertIn(self.staff.partner_id, request.message_ids[:1].partner_ids)

    def test_the_leader_cannot_grant_himself(self):
        request = self._request(self.record, user=self.leader)
        with self.assertRaises(AccessError):
            request.with_user(self.leader)._qi_approve()
        self.assertIn(self.leader_b, request._qi_get_approvers())
        request.with_user(self.leader_b)._qi_approve()
        self.assertEqual(request.state, "approved")

    def test_refusal_needs_a_reason_and_grants_nothing(self):
        request = self._request(self.record)
        with self.assertRaises(UserError):
            request.with_user(self.leader)._qi_refuse("")
        request.with_user(self.leader)._qi_refuse("Not needed for a complaint already closed")
        self.assertEqual(request.state, "refused")
        with self.assertRaises(AccessError):
            self._read_content(self.staff)

    def test_one_request_one_window(self):
        other = self._archive(self._closed_case(window=self.window_b), user=self.staff_b)
        with self.assertRaises(ValidationError):
            self._request(self.record | other, user=self.leader)
        with self.assertRaises(AccessError):
            self._request(other, user=self.staff)  # staff of window A do not see window B's records

    def test_coordinator_reads_records_not_content(self):
        self.assertTrue(self.record.with_user(self.coordinator).read(["name", "title", "confidentiality"]))
        with self.assertRaises(AccessError):
            self._read_content(self.coordinator)
        request = self._grant(self.record, user=self.coordinator)
        self.assertEqual(request.state, "approved")
        self.assertEqual(self._read_content(self.coordinator), self._b64(b"access test evidence"))

    def test_search_does_not_find_files_without_grant(self):
        domain = [("res_model", "=", "qi.archive.record"), ("res_id", "=", self.record.id)]
        self.assertFalse(self.env["ir.attachment"].with_user(self.staff).search(domain))
        self.assertFalse(self.env["ir.attachment"].with_user(self.staff).search([("id", "=", self.attachment.id)]))
        self._grant(self.record)
        self.assertIn(self.attachment, self.env["ir.attachment"].with_user(self.staff).search(domain))

    def test_mail_attachments_need_a_grant(self):
        case = self._case()
        with self.assertRaises(AccessError):
            case.with_user(self.staff).message_post(body="see file", attachment_ids=self.attachment.ids)
        self._grant(self.record)
        case.with_user(self.staff).message_post(body="see file", attachment_ids=self.attachment.ids)
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id), ("action", "=", "mail")])
        self.assertEqual(log.user_id, self.staff)

    def test_trade_secrets_never_leave_by_mail(self):
        secret = self._archive(
            self._closed_case(files=[("recipe.txt", b"secret recipe")]), confidentiality="trade_secret"
        )
        self._grant(secret)
        attachment = secret.file_ids.filtered(lambda f: f.kind == "attachment").attachment_id
        self.assertEqual(attachment.with_user(self.staff).raw, b"secret recipe")
        with self.assertRaises(AccessError):
            self._case().with_user(self.staff).message_post(body="recipe", attachment_ids=attachment.ids)

    def test_reports_do_not_reload_archived_files_without_grant(self):
        report = self.env["ir.actions.report"].create(
            {
                "name": "Archive file reload",
                "model": "qi.archive.record",
                "report_type": "qweb-pdf",
                "report_name": "qi_archive.report_source_document",
                "attachment_use": True,
                "attachment": "'evidence.txt'",
            }
        )
        # Odoo looks the stored file up as superuser, on behalf of the user who prints
        with self.assertRaises(AccessError):
            # sudo: as Odoo's report engine does, on behalf of the staff user
            report.with_user(self.staff).sudo().retrieve_attachment(self.record)
        self._grant(self.record)
        # sudo: as Odoo's report engine does, on behalf of the staff user
        self.assertEqual(report.with_user(self.staff).sudo().retrieve_attachment(self.record), self.attachment)
        self.assertTrue(self.env["qi.archive.access.log"].search([("action", "=", "report")]))
