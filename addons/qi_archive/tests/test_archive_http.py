from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveHttp(QiArchiveCommon, HttpCase):
    """R-9.b, no back door: /web/content, /web/image, RPC and the portal respect the grant."""

    def setUp(self):
        super().setUp()
        self.record = self._archive(self._closed_case(files=[("scan.txt", b"http archived scan")]))
        self.attachment = self.record.file_ids.filtered(lambda f: f.kind == "attachment").attachment_id
        self.frozen = self.record.file_ids.filtered(lambda f: f.kind == "frozen").attachment_id

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _logs(self, action="download"):
        return self.env["qi.archive.access.log"].search([("record_id", "=", self.record.id), ("action", "=", action)])

    def test_web_content_needs_a_grant_and_logs_the_download(self):
        self._login(self.staff)
        urls = [
            f"/web/content/{self.attachment.id}",
            f"/web/content/{self.attachment.id}?download=true",
            f"/web/content/ir.attachment/{self.attachment.id}/datas",
            f"/web/content/{self.frozen.id}",
            f"/web/image/{self.attachment.id}?download=true",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"http archived scan", response.content)
        image = self.url_open(f"/web/image/{self.attachment.id}")
        self.assertNotIn(b"http archived scan", image.content, "/web/image gives a placeholder, not the file")
        self.assertFalse(self._logs())

        request = self._grant(self.record)
        response = self.url_open(f"/web/content/{self.attachment.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"http archived scan")
        log = self._logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.user_id, log.file_id.attachment_id, log.request_id), (self.staff, self.attachment, request)
        )
        self.assertEqual(log.ip_address, "127.0.0.1")

        # someone else, or the same user once the grant is over, gets nothing
        self._login(self.leader)
        self.assertIn(self.url_open(f"/web/content/{self.attachment.id}").status_code, (403, 404))
        # sudo: the test moves the expiry into the past, as time would
        request.sudo().write({"date_expiry": fields.Datetime.now() - timedelta(seconds=1)})
        self._login(self.staff)
        response = self.url_open(f"/web/content/{self.attachment.id}")
        self.assertIn(response.status_code, (403, 404))
        self.assertEqual(len(self._logs()), 1)

    def test_rpc_cannot_read_or_change_archived_content_even_as_leader(self):
        self._login(self.leader)

        def call(model, method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )

        self.assertEqual(call("qi.archive.record", "read", [self.record.ids, ["name"]])[0]["name"], self.record.name)
        attempts = [
            ("ir.attachment", "read", [self.attachment.ids, ["datas"]]),
            ("ir.attachment", "write", [self.attachment.ids, {"raw": "tampered"}]),
            ("ir.attachment", "unlink", [self.attachment.ids]),
            ("qi.archive.record", "write", [self.record.ids, {"title": "Rewritten"}]),
            ("qi.archive.record", "unlink", [self.record.ids]),
            ("qi.archive.file", "write", [self.record.file_ids.ids, {"sha256": "0" * 64}]),
            ("qi.archive.file", "unlink", [self.record.file_ids.ids]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method), self.assertRaises(JsonRpcException):
                call(model, method, args, {"context": {"qi_archive_internal": True}})
        rows = call("ir.attachment", "search_read", [[("res_model", "=", "qi.archive.record")], ["datas"]])
        self.assertFalse([row for row in rows if row["id"] == self.attachment.id])
        # sudo: the test inspects the stored bytes
        self.assertEqual(self.attachment.sudo().raw, b"http archived scan")

    def test_portal_page_request_and_download(self):
        own = self._archive(self._closed_case(files=[("valve.txt", b"portal valve file")]))
        secret = self._archive(self._closed_case(), confidentiality="trade_secret")
        self._login(self.portal)
        page = self.url_open("/my/archive")
        self.assertEqual(page.status_code, 200)
        self.assertIn(own.name, page.text)
        self.assertNotIn(secret.name, page.text)
        response = self.url_open(
            "/my/archive/request",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "record_ids": [str(own.id), str(secret.id)],
                "reason": "Our customer audit needs the calibration record",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(
            self.env["qi.archive.access.request"].search([("requester_id", "=", self.portal.id)]),
            "a trade secret in the request refuses the whole request",
        )
        self.url_open(
            "/my/archive/request",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "record_ids": [str(own.id)],
                "reason": "Our customer audit needs the calibration record",
            },
        )
        request = self.env["qi.archive.access.request"].search([("requester_id", "=", self.portal.id)])
        self.assertEqual((request.state, request.record_ids), ("submitted", own))
        line = own.file_ids.filtered(lambda f: f.kind == "attachment")
        self.assertEqual(self.url_open(f"/my/archive/file/{line.id}").status_code, 404)
        request.with_user(self.leader)._qi_approve()
        response = self.url_open(f"/my/archive/file/{line.id}")
        self.assertEqual((response.status_code, response.content), (200, b"portal valve file"))
        self.assertEqual(self.env["qi.archive.access.log"].search([("record_id", "=", own.id)]).user_id, self.portal)
        secret_line = secret.file_ids[:1]
        self.assertEqual(self.url_open(f"/my/archive/file/{secret_line.id}").status_code, 404)
        self.assertIn(self.url_open(f"/web/content/{secret_line.attachment_id.id}").status_code, (403, 404))
