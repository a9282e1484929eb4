from concurrent.futures import ThreadPoolExecutor

import requests

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestPublicDemand(HttpCase, QiCaseCommon):
    """R-7.1.1: a demand without an account, protected against automation and double submission."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a public visitor's session, for the CSRF token

    def _data(self, key, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self), "key": key, "company": "Walk-up Valves Ltd",
            "contact": "Li Lei", "phone": "13803350123", "email": "lilei@valves.example.cn",
            "window_id": str(self.window_a.id), "subject": "Need a calibration", "description": "Gauges",
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

    def test_bad_input_refused_and_kept(self):
        response = self._post("bad-input-key-00000000", phone="12", email="not-an-email")
        self.assertIn("is not a valid phone number", response.text)
        self.assertIn("is not a valid e-mail address", response.text)
        self.assertIn("Walk-up Valves Ltd", response.text, "what the visitor typed is kept")
        self.assertFalse(self.env["qi.case"].search([("intake_key", "=", "bad-input-key-00000000")]))
        response = self._post("x")
        self.assertIn("The form expired", response.text)
