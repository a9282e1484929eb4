import hashlib

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveFreeze(QiArchiveCommon):
    """R-9.a: at archiving the content is frozen, hashed and chained."""

    def test_archiving_a_closed_case_freezes_its_document_and_files(self):
        case = self._closed_case(files=[("report.txt", b"freeze test report"), ("photo.bin", b"\x00\x01archive")])
        wizard = (
            self.env["qi.archive.wizard"]
            .with_user(self.staff)
            .with_context(default_mode="sources", default_source_model="qi.case", default_source_ids=case.ids)
            .create({})
        )
        self.assertEqual(wizard.category_id, self.env.ref("qi_archive.category_case"))
        self.assertEqual(wizard.confidentiality, "confidential")
        action = wizard.action_archive()
        record = self.env["qi.archive.record"].browse(action["res_id"])
        self.assertRegex(record.name, r"^DA\d{4}-\d{5}$")
        self.assertEqual(
            (record.source_type, record.source_model, record.source_id, record.window_id, record.partner_id),
            ("case", "qi.case", case.id, self.window, self.enterprise),
        )
        self.assertEqual(record.archived_by_id, self.staff)
        self.assertEqual(record.year, case.date_closed.year)
        self.assertEqual(record.disposal_date.year, record.archived_on.year + 10)
        self.assertTrue(case.qi_archived)
        kinds = record.file_ids.mapped("kind")
        self.assertEqual(kinds, ["frozen", "attachment", "attachment"])
        self.assertEqual(record.file_ids[1:].mapped("name"), ["report.txt", "photo.bin"])
        for line in record.file_ids:
            # sudo: the test inspects the stored bytes
            stored = line.attachment_id.sudo().raw
            self.assertEqual(line.sha256, hashlib.sha256(stored).hexdigest())
            self.assertEqual(line.file_size, len(stored))
            # sudo: the test inspects the stored attachment
            self.assertFalse(line.attachment_id.sudo().index_content, "archived content is never indexed")
        # sudo: the test inspects the stored bytes
        self.assertEqual(record.file_ids[1].attachment_id.sudo().raw, b"freeze test report")
        # sudo: the test inspects the frozen document
        frozen = record.file_ids[0].attachment_id.sudo().raw.decode()
        self.assertIn(case.name, frozen)
        self.assertIn("Calibrate pressure gauges", frozen)
        self.assertIn("report.txt", frozen, "the frozen document lists the archived files")
        self.assertEqual(record.record_hash, record._qi_compute_hash())

    def test_records_of_a_window_form_a_hash_chain(self):
        first = self._archive(self._rule(name="Rule one"))
        second = self._archive(self._rule(name="Rule two", kind="organisation"))
        other_window = self._archive(self._rule(window=self.window_b), user=self.staff_b)
        # sudo: the test looks for the window's previous record, whoever archived it
        previous = (
            self.env["qi.archive.record"]
            .sudo()
            .search([("window_id", "=", self.window.id), ("id", "<", first.id)], order="id desc", limit=1)
        )
        self.assertEqual(first.previous_id, previous)
        self.assertEqual(second.previous_id, first)
        self.assertEqual(second.previous_hash, first.record_hash)
        self.assertNotEqual(other_window.previous_id, second)
        self.assertFalse((first | second | other_window)._qi_integrity_issues())

    def test_only_finished_documents_are_archived_once(self):
        running = self._case()
        with self.assertRaises(UserError):
            self._archive(running)
        case = self._closed_case()
        self._archive(case)
        with self.assertRaises(UserError):
            self._archive(case)

    def test_who_may_archive(self):
        case = self._closed_case()
        with self.assertRaises(AccessError):
            self._archive(case, user=self.staff_b)  # not a member of the case's window
        with self.assertRaises(AccessError):
            self._archive(case, user=self.coordinator)  # reads everything, archives nothing
        with self.assertRaises(AccessError):
            self.env["qi.archive.record"].with_user(self.leader).create({"title": "forged"})
        record = self._archive(case, user=self.leader)
        self.assertEqual(record.archived_by_id, self.leader)

    def test_free_document(self):
        upload = (
            self.env["ir.attachment"]
            .with_user(self.staff)
            .create({"name": "minutes.txt", "raw": b"meeting minutes", "res_model": "qi.archive.wizard", "res_id": 0})
        )
        wizard = (
            self.env["qi.archive.wizard"]
            .with_user(self.staff)
            .create(
                {
                    "mode": "document",
                    "title": "Minutes of the window meeting",
                    "window_id": self.window.id,
                    "category_id": self.env.ref("qi_archive.category_document").id,
                    "attachment_ids": [(6, 0, upload.ids)],
                }
            )
        )
        record = self.env["qi.archive.record"].browse(wizard.action_archive()["res_id"])
        self.assertEqual(
            (record.source_type, record.title, record.confidentiality),
            ("document", "Minutes of the window meeting", "internal"),
        )
        self.assertEqual(record.file_ids.sha256, hashlib.sha256(b"meeting minutes").hexdigest())
