import base64
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import requests

import odoo
from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

# a real 1x1 PNG: the one upload rule reads the type from the bytes, not the name
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestPublicDemand(HttpCase, QiCaseCommon):
    """R-7.1.1: a demand without an account, protected against automation and double submission."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a public visitor's session, for the CSRF token

    def _data(self, key, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "key": key,
            "company": "Walk-up Valves Ltd",
            "contact": "Li Lei",
            "phone": "13803350123",
            "email": "lilei@valves.example.cn",
            "window_id": str(self.window_a.id),
            "subject": "Need a calibration",
            "description": "Gauges",
        }
        data.update(values)
        return data

    def _post(self, key, **values):
        with mute_logger("odoo.http"):
            return self.url_open("/qi/demand", data=self._data(key, **values))

    def _set_limit(self, limit):
        # sudo: test set-up of a system parameter
        self.env["ir.config_parameter"].sudo().set_param("qi_case.public_demand_limit_per_hour", limit)

    def test_form_answers_without_login(self):
        response = self.url_open("/qi/demand")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Case Window A", response.text)
        self.assertIn('name="key"', response.text)

    def test_same_key_twice_gives_one_case(self):
        key = "a" * 32
        first = self._post(key)
        second = self._post(key)
        cases = self.env["qi.case"].search([("intake_key", "=", key)])
        self.assertEqual(len(cases), 1)
        self.assertIn(cases.name, first.text)
        self.assertIn(cases.name, second.text)
        self.assertTrue(cases.partner_id.qi_unverified)
        self.assertEqual((cases.channel, cases.stage_code), ("online", "new"))

    def test_fifty_concurrent_submissions(self):
        self._set_limit(100)
        keys = [f"concurrent-{n:02d}-key-0000000" for n in range(50)]
        payloads = [self._data(key) for key in keys]
        self.env.flush_all()
        # the test's own opener is not thread-safe: each worker sends with a plain
        # session carrying the same cookies, while this thread lets requests in
        with self.allow_requests():
            cookies = dict(self.opener.cookies)

            def send(payload):
                with requests.Session() as session:
                    session.cookies.update(cookies)
                    return session.post(f"{self.base_url()}/qi/demand", data=payload, timeout=60).status_code

            with ThreadPoolExecutor(max_workers=5) as pool:
                statuses = list(pool.map(send, payloads))
        self.assertEqual(statuses, [200] * 50)
        self.assertEqual(self.env["qi.case"].search_count([("intake_key", "in", keys)]), 50)

    def test_rate_limit_per_address(self):
        self._set_limit(3)
        for n in range(3):
            self.assertEqual(self._post(f"limit-key-{n}-000000000").status_code, 200)
        response = self._post("limit-key-4-000000000")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many demands were sent from your network", response.text)
        self.assertFalse(self.env["qi.case"].search([("intake_key", "=", "limit-key-4-000000000")]))

    def test_rate_limit_per_visitor_behind_a_proxy(self):
        """Behind the reverse proxy of docs/deployment.md (proxy_mode, X-Forwarded-*),
        the limit counts each visitor's address, not the proxy's: one visitor is
        stopped, another one behind the same proxy is not."""
        self._set_limit(2)

        def post(key, visitor):
            headers = {"X-Forwarded-Host": "qi.example.cn", "X-Forwarded-Proto": "https", "X-Forwarded-For": visitor}
            with mute_logger("odoo.http"):
                return self.url_open("/qi/demand", data=self._data(key), headers=headers)

        with patch.dict(odoo.tools.config.options, {"proxy_mode": True}):
            for n in range(2):
                self.assertEqual(post(f"proxy-a-{n}-key-00000000000", "203.0.113.7").status_code, 200)
            self.assertEqual(post("proxy-a-2-key-00000000000", "203.0.113.7").status_code, 429)
            self.assertEqual(post("proxy-b-0-key-00000000000", "198.51.100.23").status_code, 200)
        cases = self.env["qi.case"].search([("intake_key", "like", "proxy-")])
        self.assertEqual(len(cases), 3)
        self.assertEqual(len(set(cases.mapped("intake_ip_hash"))), 2, "one address per visitor")

    def test_bad_input_refused_and_kept(self):
        response = self._post("bad-input-key-00000000", phone="12", email="not-an-email")
        self.assertIn("is not a valid phone number", response.text)
        self.assertIn("is not a valid e-mail address", response.text)
        self.assertIn("Walk-up Valves Ltd", response.text, "what the visitor typed is kept")
        self.assertFalse(self.env["qi.case"].search([("intake_key", "=", "bad-input-key-00000000")]))
        response = self._post("x")
        self.assertIn("The form expired", response.text)

    def test_form_shows_the_details_box_and_a_file_field(self):
        """An empty, self-closed <textarea/> made the browser swallow the rest of the form."""
        from lxml import html

        response = self.url_open("/qi/demand")
        form = html.fromstring(response.text).xpath("//form[@action='/qi/demand']")[0]
        self.assertEqual(form.get("enctype"), "multipart/form-data")
        textarea = form.xpath(".//textarea[@name='description']")
        self.assertEqual(len(textarea), 1)
        self.assertFalse((textarea[0].text or "").strip(), "the box is empty: the form after it is no text in it")
        self.assertTrue(form.xpath(".//input[@type='file'][@name='attachments']"))
        self.assertTrue(form.xpath(".//button[@type='submit']"), "the send button is a button, not text in a box")

    def _post_files(self, key, files, **values):
        with mute_logger("odoo.http"):
            return self.url_open("/qi/demand", data=self._data(key, **values), files=files)

    def test_file_sent_with_the_demand_is_kept(self):
        key = "file-key-0000000000000001"
        response = self._post_files(
            key,
            [
                ("attachments", ("gauges.pdf", b"%PDF-1.4 gauges", "application/pdf")),
                ("attachments", ("photo.png", PNG, "image/png")),
            ],
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["qi.case"].search([("intake_key", "=", key)])
        self.assertEqual(len(case), 1)
        attachments = self.env["ir.attachment"].search([("res_model", "=", "qi.case"), ("res_id", "=", case.id)])
        self.assertEqual(sorted(attachments.mapped("name")), ["gauges.pdf", "photo.png"])
        self.assertEqual(attachments.filtered(lambda a: a.name == "gauges.pdf").raw, b"%PDF-1.4 gauges")
        self.assertIn("gauges.pdf", response.text, "the page says which files were received")
        self.assertIn("Gauges", case.description)

    def test_file_under_another_field_name_is_not_dropped(self):
        key = "file-key-0000000000000002"
        self._post_files(key, [("file", ("list.pdf", b"%PDF-1.4 list", "application/pdf"))])
        case = self.env["qi.case"].search([("intake_key", "=", key)])
        self.assertEqual(
            self.env["ir.attachment"].search([("res_model", "=", "qi.case"), ("res_id", "=", case.id)]).name,
            "list.pdf",
        )

    def test_refused_file_is_refused_clearly_and_keeps_the_values(self):
        key = "file-key-0000000000000003"
        response = self._post_files(
            key,
            [("attachments", ("setup.exe", b"MZ", "application/x-msdownload"))],
            subject="Keep my subject",
            description="Keep my details",
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.env["qi.case"].search([("intake_key", "=", key)]), "no case without its file")
        self.assertIn("setup.exe: only PDF, images, Word, Excel and ZIP files are accepted.", response.text)
        self.assertIn("choose your files again", response.text)
        for kept in ("Walk-up Valves Ltd", "Keep my subject", "Keep my details", "lilei@valves.example.cn"):
            self.assertIn(kept, response.text)
        # the corrected form goes through with the same key
        self._post_files(key, [("attachments", ("setup.pdf", b"%PDF-1.4", "application/pdf"))])
        self.assertEqual(len(self.env["qi.case"].search([("intake_key", "=", key)])), 1)

    def test_public_demand_dates_in_china(self):
        """The public user has no time zone (UTC): 00:30 in Beijing is still yesterday for it."""
        from datetime import date

        from odoo.tests import freeze_time

        key = "tz-key-000000000000000001"
        with freeze_time("2026-12-01 16:30:00"):
            self._post(key)
        case = self.env["qi.case"].search([("intake_key", "=", key)])
        self.assertEqual(case.date_materials_complete, date(2026, 12, 2))
        self.assertEqual(case.date_accept_due, date(2026, 12, 3))
