import io
import zipfile

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import QiArchiveCommon

SECRET = b"QI-MARKER trade secret formula"
NOTE_B = b"QI-MARKER window B internal note"
CERTIFICATE = b"%PDF-1.4\n% QI-MARKER other provider certificate\n%%EOF\n"
PRIVATE = b"QI-MARKER administrator private file"


@tagged("post_install", "-at_install")
class TestArchiveZipDoor(QiArchiveCommon, HttpCase):
    """R-9.b, finding 1 of issue 11: /mail/attachment/zip gives nobody a file
    he may not read. The archive's check must not read the attachments as
    superuser into the cache that the caller's request then streams from."""

    def setUp(self):
        super().setUp()
        # an archived trade secret: its live source file and the archive's copy
        self.secret_case = self._closed_case(files=[("formula.txt", SECRET)])
        self.secret_record = self._archive(self.secret_case, confidentiality="trade_secret")
        self.secret_source = self.env["ir.attachment"].search(
            [("res_model", "=", "qi.case"), ("res_id", "=", self.secret_case.id), ("name", "=", "formula.txt")]
        )
        self.secret_copy = self.secret_record.file_ids.filtered(lambda f: f.name == "formula.txt").attachment_id
        # window B's internal note with a file
        case_b = self._case(window=self.window_b)
        case_b.message_post(body="internal", subtype_xmlid="mail.mt_note", attachments=[("note-b.txt", NOTE_B)])
        self.note_b = case_b.message_ids.attachment_ids.filtered(lambda a: a.name == "note-b.txt")
        # another provider's certificate, and a private file of the administrator
        other_provider = self.env["res.partner"].create({"name": "Other Lab", "is_company": True})
        qualification = self.env["qi.provider.qualification"].create(
            {
                "provider_id": other_provider.id,
                "number": "CMA-OTHER-1",
                "certificate_file": self._b64(CERTIFICATE),
                "certificate_filename": "certificate.pdf",
            }
        )
        self.certificate = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "qi.provider.qualification"),
                ("res_id", "=", qualification.id),
                ("res_field", "=", "certificate_file"),
            ]
        )
        self.assertTrue(self.certificate)
        self.private = (
            self.env["ir.attachment"]
            .with_user(self.env.ref("base.user_admin"))
            .create({"name": "private.txt", "raw": PRIVATE})
        )
        self.own = (
            self.env["ir.attachment"]
            .with_user(self.staff)
            .create(
                {
                    "name": "own.txt",
                    "raw": b"own staff file",
                    "res_model": "qi.case",
                    "res_id": self._case().id,
                }
            )
        )

    def _zip(self, attachments):
        response = self.url_open(
            "/mail/attachment/zip",
            data={
                "file_ids": ",".join(str(i) for i in attachments.ids),
                "zip_name": "files.zip",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        contents = b""
        if response.status_code == 200:
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                contents = b"".join(archive.read(name) for name in archive.namelist())
        return response, contents

    def test_nobody_pulls_files_he_may_not_read(self):
        forbidden = self.secret_source | self.secret_copy | self.note_b | self.certificate | self.private
        actors = {"anonymous": None, "portal": self.portal, "staff of window B": self.staff_b, "staff": self.staff}
        for actor, user in actors.items():
            if user:
                self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))
            else:
                # an anonymous visitor with the CSRF token of the public demand form
                self.authenticate(None, None)
                self.assertEqual(self.url_open("/qi/demand").status_code, 200)
            for attachment in forbidden:
                # staff read the providers' qualifications, window B's staff its own notes
                if (actor == "staff of window B" and attachment == self.note_b) or (
                    actor.startswith("staff") and attachment == self.certificate
                ):
                    continue
                with self.subTest(actor=actor, file=attachment.name):
                    response, contents = self._zip(attachment)
                    self.assertNotEqual(response.status_code, 200)
                    self.assertNotIn(b"QI-MARKER", contents + response.content)
            with self.subTest(actor=actor, file="all at once"):
                allowed = self.certificate if user and not user.share else forbidden.browse()
                if user == self.staff_b:
                    allowed |= self.note_b
                response, contents = self._zip(forbidden - allowed)
                self.assertNotIn(b"QI-MARKER", contents + response.content)

    def test_own_files_still_zip(self):
        self.authenticate(self.staff.login, self.staff.login + "x" * (8 - len(self.staff.login)))
        response, contents = self._zip(self.own)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(contents, b"own staff file")
        # and under a grant, an archived file zips too, its download logged
        self._grant(self.secret_record)
        response, contents = self._zip(self.secret_copy)
        self.assertEqual((response.status_code, contents), (200, SECRET))
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.secret_record.id)])
        self.assertEqual((log.user_id, log.action), (self.staff, "download"))

    def test_source_report_is_under_the_grant(self):
        """Finding 2: /report/html and /report/pdf of an archived source."""
        self.authenticate(self.staff.login, self.staff.login + "x" * (8 - len(self.staff.login)))
        for converter in ("html", "pdf"):
            with self.subTest(converter=converter):
                response = self.url_open(f"/report/{converter}/qi_archive.qi_case_report_archive/{self.secret_case.id}")
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(self.secret_case.subject.encode(), response.content)
        self._grant(self.secret_record)
        response = self.url_open(f"/report/html/qi_archive.qi_case_report_archive/{self.secret_case.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.secret_case.name, response.text)
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.secret_record.id)])
        self.assertEqual((log.user_id, log.action), (self.staff, "report"))


@tagged("post_install", "-at_install")
class TestArchiveProtectsTheSource(QiArchiveCommon):
    """R-9.b, finding 2: once archived, a document's live files, the
    originals of the archive's copies and its reports open under the grant."""

    def setUp(self):
        super().setUp()
        self.case = self._closed_case(files=[("source.txt", b"live source file")])
        self.source = self.env["ir.attachment"].search(
            [("res_model", "=", "qi.case"), ("res_id", "=", self.case.id), ("name", "=", "source.txt")]
        )
        self.record = self._archive(self.case)
        self.line = self.record.file_ids.filtered(lambda f: f.name == "source.txt")

    def test_live_files_and_originals_need_a_grant(self):
        for user in (self.staff, self.coordinator, self.leader):
            with self.subTest(user=user.login):
                # what the archive shows points at no readable original
                origin = self.line.with_user(user).origin_attachment_id
                self.assertEqual(origin, self.source.id)
                Attachment = self.env["ir.attachment"].with_user(user)
                with self.assertRaises(AccessError):
                    Attachment.browse(origin).raw  # noqa: B018
                self.assertFalse(Attachment.search([("res_model", "=", "qi.case"), ("res_id", "=", self.case.id)]))
                self.assertFalse(Attachment.search([("id", "=", origin)]))
        self._grant(self.record)
        self.assertEqual(self.source.with_user(self.staff).raw, b"live source file")
        self.assertEqual(
            self.env["ir.attachment"].with_user(self.staff).search([("id", "=", self.source.id)]), self.source
        )
        log = self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id), ("action", "=", "view")])
        self.assertEqual(log.file_id, self.line)

    def test_source_report_needs_a_grant(self):
        Report = self.env["ir.actions.report"].with_user(self.staff)
        for report_ref in ("qi_archive.qi_case_report_archive", "qi_case.action_report_qi_case_summary"):
            if not self.env.ref(report_ref, raise_if_not_found=False):
                continue
            with self.subTest(report=report_ref), self.assertRaises(AccessError):
                Report._render_qweb_html(report_ref, self.case.ids)
            # the portal renders as superuser for the user: the grant still decides
            with self.subTest(report=report_ref, sudo=True), self.assertRaises(AccessError):
                # sudo: as the portal does; the test proves the grant still decides
                Report.sudo()._render_qweb_html(report_ref, self.case.ids)
        self._grant(self.record)
        html, __ = Report._render_qweb_html("qi_archive.qi_case_report_archive", self.case.ids)
        self.assertIn(self.case.name, html.decode() if isinstance(html, bytes) else html)


@tagged("post_install", "-at_install")
class TestArchiveNoCopy(QiArchiveCommon):
    """R-9.b, finding 3: archived content is never duplicated out of the
    archive's rules, even by the holder of a grant."""

    def test_copy_of_archived_files_is_refused(self):
        case = self._closed_case(files=[("copyme.txt", b"copy me")])
        source = self.env["ir.attachment"].search([("res_model", "=", "qi.case"), ("res_id", "=", case.id)])
        record = self._archive(case)
        self._grant(record)
        copy = record.file_ids.filtered(lambda f: f.name == "copyme.txt").attachment_id
        Attachment = self.env["ir.attachment"].with_user(self.staff)
        for attachment in (copy, source):
            with self.subTest(file=attachment.id), self.assertRaises(AccessError):
                Attachment.browse(attachment.id).copy()
            with self.subTest(file=attachment.id, rpc="copy_data to a case"), self.assertRaises(AccessError):
                Attachment.browse(attachment.id).copy({"res_model": "qi.case", "res_id": self._case().id})
        self.assertEqual(self.env["ir.attachment"].search_count([("name", "=", "copyme.txt")]), 2)


@tagged("post_install", "-at_install")
class TestArchiveUninstall(QiArchiveCommon):
    """R-9.a, finding 10: uninstalling the archive would delete its records."""

    def test_uninstall_is_refused_while_records_exist(self):
        self._archive(self._closed_case())
        count = self.env["qi.archive.record"].search_count([])
        self.env["res.lang"]._activate_lang("zh_CN")
        admin = self.env.ref("base.user_admin")
        for name in ("qi_archive", "qi_case"):
            module = self.env["ir.module.module"].with_user(admin).search([("name", "=", name)])
            with self.subTest(module=name), self.assertRaises(UserError) as caught:
                # what Odoo's uninstall wizard and button_immediate_uninstall call first
                module.with_context(lang="zh_CN").button_uninstall()
            self.assertIn("档案", str(caught.exception))
        self.assertEqual(self.env["ir.module.module"].search([("name", "=", "qi_archive")]).state, "installed")
        self.assertEqual(self.env["qi.archive.record"].search_count([]), count)


@tagged("post_install", "-at_install")
class TestArchiveSearchCost(QiArchiveCommon):
    """Finding 11: the grant filter is part of the one attachment query."""

    def test_no_extra_query_for_the_grant_filter(self):
        self._archive(self._closed_case(files=[("cost.txt", b"cost")]))
        Attachment = self.env["ir.attachment"].with_user(self.staff)
        domains = [[("name", "=", "no such file")], [("res_model", "=", "qi.archive.record")]]
        for domain in domains:
            Attachment.search(domain)  # warm the caches (user, groups, rules)
            with self.subTest(domain=domain), self.assertQueryCount(1):
                self.assertFalse(Attachment.search(domain))
