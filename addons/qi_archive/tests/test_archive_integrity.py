import hashlib

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveIntegrity(QiArchiveCommon):
    """R-9.a: a change behind the ORM's back is found by the integrity check."""

    def setUp(self):
        super().setUp()
        self.first = self._archive(self._closed_case(files=[("first.txt", b"integrity first file")]))
        self.record = self._archive(self._closed_case(files=[("second.txt", b"integrity second file 4711")]))
        self.line = self.record.file_ids.filtered(lambda f: f.name == "second.txt")
        self.records = self.first | self.record

    def _check(self, user=None):
        report = self.env["qi.archive.integrity.report"].with_user(user or self.staff)._qi_run(self.records)
        return report, {(issue.record_id, issue.kind) for issue in report.issue_ids}

    def test_intact_archive(self):
        report, issues = self._check()
        self.assertEqual((report.state, report.record_count, report.file_count, issues), ("ok", 2, 4, set()))

    def test_file_changed_in_the_filestore(self):
        # sudo: the test tampers with the stored file as an intruder would
        attachment = self.line.attachment_id.sudo()
        self.assertTrue(attachment.store_fname, "the test database keeps files in the filestore")
        path = attachment._full_path(attachment.store_fname)

        def restore():
            with open(path, "wb") as handle:
                handle.write(b"integrity second file 4711")

        self.addCleanup(restore)
        with open(path, "wb") as handle:
            handle.write(b"integrity second file 4712")
        report, issues = self._check()
        self.assertEqual(report.state, "issues")
        self.assertEqual(issues, {(self.record, "file_changed")})
        issue = report.issue_ids
        self.assertEqual(issue.file_id, self.line)
        self.assertEqual(issue.expected, self.line.sha256)
        self.assertEqual(issue.actual, hashlib.sha256(b"integrity second file 4712").hexdigest())
        # the leader of the window is told
        self.assertIn(self.leader, report.activity_ids.user_id)
        # staff of another window read the report, not which record of window A is concerned
        self.env.invalidate_all()
        Issue = self.env["qi.archive.integrity.issue"].with_user(self.staff_b)
        self.assertFalse(Issue.search([("report_id", "=", report.id)]))
        bodies = report.with_user(self.staff_b).message_ids.mapped("body")
        self.assertTrue(bodies)
        self.assertFalse([body for body in bodies if self.record.name in body])

    def test_file_changed_in_the_database(self):
        # sudo: the test tampers with the stored file as an intruder would
        attachment = self.line.attachment_id.sudo()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE ir_attachment SET db_datas = %s, store_fname = NULL WHERE id = %s",
                b"integrity second file, rewritten",
                attachment.id,
            )
        )
        _report, issues = self._check()
        self.assertEqual(issues, {(self.record, "file_changed")})

    def test_file_deleted_behind_the_orm(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE qi_archive_file SET attachment_id = NULL WHERE id = %s", self.line.id))
        _report, issues = self._check()
        self.assertEqual(issues, {(self.record, "file_missing")})

    def test_metadata_and_chain_changed_in_the_database(self):
        original_sha256 = self.line.sha256
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE qi_archive_record SET confidentiality = 'public' WHERE id = %s", self.first.id))
        self.env.cr.execute(SQL("UPDATE qi_archive_file SET sha256 = %s WHERE id = %s", "0" * 64, self.line.id))
        _report, issues = self._check()
        self.assertEqual(
            issues, {(self.first, "record_changed"), (self.record, "file_changed"), (self.record, "record_changed")}
        )
        # a forger who also rewrites the record hash breaks the next link of the chain
        self.env.cr.execute(
            SQL("UPDATE qi_archive_record SET confidentiality = 'confidential' WHERE id = %s", self.first.id)
        )
        self.env.cr.execute(SQL("UPDATE qi_archive_file SET sha256 = %s WHERE id = %s", original_sha256, self.line.id))
        self.env.invalidate_all()
        self.env.cr.execute(SQL("UPDATE qi_archive_record SET record_hash = %s WHERE id = %s", "f" * 64, self.first.id))
        _report, issues = self._check()
        self.assertEqual(issues, {(self.first, "record_changed"), (self.record, "chain_broken")})

    def test_weekly_scheduled_check(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE qi_archive_record SET title = 'forged' WHERE id = %s", self.record.id))
        report = self.env["qi.archive.integrity.report"]._cron_check_integrity()
        self.assertEqual(report.trigger, "cron")
        self.assertIn((self.record, "record_changed"), {(i.record_id, i.kind) for i in report.issue_ids})
        self.assertGreaterEqual(report.record_count, 2)

    def test_button_on_records(self):
        action = self.records.with_user(self.leader).action_check_integrity()
        report = self.env["qi.archive.integrity.report"].browse(action["res_id"])
        self.assertEqual((report.state, report.user_id), ("ok", self.leader))

    def test_report_cannot_be_deleted(self):
        """R-9.a: an integrity report stays, for the leader who ran it and for superuser code alike."""
        report, _issues = self._check(user=self.leader)
        with self.assertRaises(AccessError):
            report.with_user(self.leader).unlink()
        with self.assertRaises(AccessError):
            # sudo: superuser code without the archive's own flag is refused too
            report.sudo().unlink()
        self.assertTrue(report.exists())
