import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QiWindowCommon


@tagged("post_install", "-at_install")
class TestWindowConstraints(QiWindowCommon):
    """Bad input is refused with a message that says what to fix."""

    def _sql_message(self, model, exc):
        # what the user sees: RPC turns the IntegrityError into this message
        return self.env[model]._sql_error_to_message(exc)

    def test_window_code_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError) as caught:
            with self.env.cr.savepoint():
                self.env["qi.window"].create({"name": "Duplicate", "code": "t-a "})
        self.assertIn("Another window already uses this code", self._sql_message("qi.window", caught.exception))

    def test_code_normalised(self):
        window = self.env["qi.window"].create({"name": "Lower", "code": "  qhd-x "})
        self.assertEqual(window.code, "QHD-X")

    def test_phone_formats(self):
        for good in ("0335-3032345", "13803350123", "12345", "0335-12315", "400-810-1234", "+86 13803350123"):
            with self.subTest(phone=good):
                self.window_a.phone = good
        for bad in ("12", "phone", "0335-12", "138033501234", "1380335012a"):
            with self.subTest(phone=bad), self.assertRaises(ValidationError) as caught:
                self.window_a.phone = bad
                self.window_a.flush_recordset()
            self.assertIn("is not a valid phone number", str(caught.exception))
            self.assertIn(bad, str(caught.exception))

    def test_complaint_phone_and_email(self):
        with self.assertRaises(ValidationError):
            self.env["qi.window"].create({"name": "X", "code": "T-X", "complaint_phone": "abc"})
        with self.assertRaises(ValidationError) as caught:
            self.env["qi.window"].create({"name": "X", "code": "T-X", "email": "not-an-email"})
        self.assertIn("is not a valid e-mail address", str(caught.exception))
        # nothing was lost: the valid window is still there, untouched
        self.assertEqual(self.window_a.email, "window-a@example.cn")

    def test_check_interval_positive(self):
        for interval in (0, -5):
            with self.subTest(interval=interval):
                with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError) as caught:
                    with self.env.cr.savepoint():
                        self.env["qi.window.facility"].create(
                            {"name": "Printer", "window_id": self.window_a.id, "check_interval": interval}
                        )
                self.assertIn(
                    "The check interval must be at least one day",
                    self._sql_message("qi.window.facility", caught.exception),
                )

    def test_hosted_window_needs_host(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["qi.window"].create({"name": "Hosted", "code": "T-H", "host_type": "leading_enterprise"})
        self.assertIn("set its host organisation", str(caught.exception))

    def test_channel_targets(self):
        Channel = self.env["qi.window.channel"]
        with self.assertRaises(ValidationError):
            Channel.create({"window_id": self.window_a.id, "channel_type": "web", "name": "Site", "url": "ftp://x"})
        with self.assertRaises(ValidationError):
            Channel.create(
                {"window_id": self.window_a.id, "channel_type": "hotline", "name": "Hotline", "value": "abc"}
            )
        hotline = Channel.create(
            {"window_id": self.window_a.id, "channel_type": "hotline", "name": "Hotline", "value": "0335-3032345"}
        )
        self.assertEqual(self.window_a.channel_count, 1)
        self.assertEqual(hotline.type_label, "Hotline")

    def test_future_check_refused(self):
        facility = self.env["qi.window.facility"].create({"name": "Printer", "window_id": self.window_a.id})
        with self.assertRaises(ValidationError):
            self.env["qi.window.facility.check"].create({"facility_id": facility.id, "date": "2999-01-01"})
