from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveImmutability(QiArchiveCommon):
    """R-9.a: an archived record and its files stay as they were archived."""

    def setUp(self):
        super().setUp()
        self.record = self._archive(self._closed_case(files=[("kept.txt", b"kept as archived")]))
        self.line = self.record.file_ids.filtered(lambda f: f.kind == "attachment")
        self.attachment = self.line.attachment_id

    def test_record_and_files_cannot_change_even_for_a_leader(self):
        for user in (self.leader, self.staff):
            with self.subTest(user=user.login):
                record = self.record.with_user(user)
                with self.assertRaises(AccessError):
                    record.write({"title": "Rewritten"})
                with self.assertRaises(AccessError):
                    record.write({"confidentiality": "public"})
                with self.assertRaises(AccessError):
                    record.unlink()
                with self.assertRaises(AccessError):
                    self.line.with_user(user).write({"sha256": "0" * 64})
                with self.assertRaises(AccessError):
                    self.line.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.attachment.with_user(user).write({"raw": b"tampered"})
                with self.assertRaises(AccessError):
                    self.attachment.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["ir.attachment"].with_user(user).create(
                        {"name": "added.txt", "raw": b"x", "res_model": "qi.archive.record", "res_id": self.record.id}
                    )
        # even with a grant, reading is all a grant allows
        self._grant(self.record)
        with self.assertRaises(AccessError):
            self.attachment.with_user(self.staff).write({"raw": b"tampered"})
        # and code running as superuser without the archive's own flag is refused too
        with self.assertRaises(AccessError):
            # sudo: even superuser code is refused without the archive's own flag
            self.record.sudo().write({"title": "Rewritten"})
        with self.assertRaises(AccessError):
            # sudo: even superuser code is refused without the archive's own flag
            self.attachment.sudo().write({"raw": b"tampered"})
        with self.assertRaises(AccessError):
            # sudo: even superuser code is refused without the archive's own flag
            self.attachment.sudo().unlink()
        # sudo: the test inspects the stored bytes
        self.assertEqual(self.attachment.sudo().raw, b"kept as archived")
        self.assertFalse(self.record._qi_integrity_issues())

    def test_disposal_after_retention_leaves_a_tombstone(self):
        self.assertEqual(self.record.retention_years, 10)
        with self.assertRaises(UserError):
            self.record.with_user(self.leader)._qi_dispose("Retention over")  # not yet
        later = fields.Datetime.now() + timedelta(days=366 * 10 + 2)
        with freeze_time(later):
            with self.assertRaises(AccessError):
                self.record.with_user(self.staff)._qi_dispose("Retention over")
            with self.assertRaises(UserError):
                self.record.with_user(self.leader)._qi_dispose("  ")
            self.assertTrue(self.record.with_user(self.leader).can_dispose)
            wizard = (
                self.env["qi.archive.dispose.wizard"]
                .with_user(self.leader)
                .create({"record_ids": [(6, 0, self.record.ids)], "reason": "Retention period of 10 years is over"})
            )
            wizard.action_dispose()
        self.assertEqual(self.record.state, "disposed")
        self.assertEqual(
            (self.record.disposed_by_id, self.record.disposal_reason),
            (self.leader, "Retention period of 10 years is over"),
        )
        self.assertFalse(self.attachment.exists(), "the files are gone")
        self.assertFalse(self.record.file_ids.attachment_id)
        self.assertEqual(
            self.line.sha256,
            self.record.file_ids.filtered(lambda f: f.name == "kept.txt").sha256,
            "the tombstone keeps the names and hashes",
        )
        self.assertFalse(self.record._qi_integrity_issues(), "the chain still holds after a disposal")
        with self.assertRaises(UserError):
            self._request(self.record)
        with self.assertRaises(AccessError):
            self.record.with_user(self.leader).unlink()

    def test_trade_secrets_never_exported(self):
        secret = self._archive(self._closed_case(), confidentiality="trade_secret")
        self.leader.group_ids += self.env.ref("base.group_allow_export")
        records = (self.record | secret).with_user(self.leader)
        rows = records.export_data(["name", "title", "confidentiality"])["datas"]
        numbers = [row[0] for row in rows]
        self.assertIn(self.record.name, numbers)
        self.assertNotIn(secret.name, numbers)
        lines = (self.record | secret).file_ids.with_user(self.leader)
        self.assertNotIn(secret.name, str(lines.export_data(["record_id", "name", "sha256"])["datas"]))
        attachments = (self.record | secret).file_ids.attachment_id.with_user(self.leader)
        self.assertEqual(attachments.export_data(["name", "datas"])["datas"], [])
        # nor through another model: the access log or the file lines' attachments
        self._grant(secret, user=self.leader, approver=self.leader_b)
        secret.file_ids.attachment_id.with_user(self.leader).mapped("raw")
        logs = self.env["qi.archive.access.log"].search([("record_id", "in", (self.record | secret).ids)])
        self.assertTrue(logs)
        self.assertEqual(logs.with_user(self.leader).export_data(["record_id/name", "file_name"])["datas"], [])
        exported = (self.record | secret).file_ids.with_user(self.leader).export_data(["name", "attachment_id/datas"])
        self.assertNotIn(b"kept as archived", str(exported).encode())
