import email
import email.policy
from datetime import datetime

from odoo.exceptions import ConcurrencyError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.qi_window.tools.flow import FLOW

from .common import QiCaseCommon

RAW = """From: Zhao Gang <quality@factory.example.cn>
To: qi-numbers@qi-test.example.cn
Subject: Calibration demand
Message-Id: <numbers-1@factory.example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

We need our pressure gauges calibrated.
"""


@tagged("post_install", "-at_install")
class TestCaseNumbers(QiCaseCommon):
    """Case numbers (办件编号) are official record numbers: no gap, no duplicate,
    whatever the server retries or rolls back (issue 14; the concurrent side is
    tests/system/test_concurrency.py)."""

    def _highest(self, year):
        # sudo: every case number of the year, whichever window, as the numbering sees them
        names = self.env["qi.case"].sudo().search([("name", "=like", f"QI{year}-%")]).mapped("name")
        return max((int(name.split("-")[1]) for name in names), default=0)

    def test_rolled_back_case_leaves_no_gap(self):
        """A request that fails after its case was numbered (a retried conflict, an
        error) gives its number back: the next case takes it."""
        first = self._case()
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self._case(subject="Withdrawn at once")
            raise RuntimeError("the request failed after its case was numbered")
        second = self._case()
        number = int(first.name.split("-")[1])
        self.assertEqual(second.name, f"QI2026-{number + 1:05d}")

    def test_numbers_follow_the_highest_of_the_year(self):
        """Each year of reception (in China) has its own numbers, from its highest
        one; a number wider than the padding still counts as the highest."""
        highest_2025, highest_2026 = self._highest(2025), self._highest(2026)
        new_year = self._case(date_received=datetime(2025, 12, 31, 17, 0))  # 01:00 on 1 January 2026 in Beijing
        self.assertEqual(new_year.name, f"QI2026-{highest_2026 + 1:05d}")
        old = self._case(date_received=datetime(2025, 6, 2, 2, 0))
        self.assertEqual(old.name, f"QI2025-{highest_2025 + 1:05d}")
        self._case(name="QI2026-123456")
        self.assertEqual(self._case().name, "QI2026-123457")

    def _alias(self):
        domain = self.env["mail.alias.domain"].search([("name", "=", "qi-test.example.cn")]) or self.env[
            "mail.alias.domain"
        ].create({"name": "qi-test.example.cn", "company_ids": [(4, self.env.company.id)], "sequence": 1})
        self.window_a.write({"alias_name": "qi-numbers", "alias_domain_id": domain.id})
        return self.window_a.alias_id

    def test_mail_delivered_twice_at_once_is_retried(self):
        """Two gateway processes got the same mail: the other one's case committed
        after this transaction began, so this one found no processed mail and hits
        the unique Message-Id. It must end in a conflict the server retries (the
        retry finds the mail processed), not an error the gateway reports."""
        self.env["qi.case"].with_context(qi_case_internal=FLOW).create(
            {
                "subject": "Calibration demand",
                "partner_id": self.enterprise.id,
                "window_id": self.window_a.id,
                "channel": "email",
                "message_id_origin": "<numbers-1@factory.example.cn>",
            }
        )
        msg_dict = {
            "message_id": "<numbers-1@factory.example.cn>",
            "email_from": "Zhao Gang <quality@factory.example.cn>",
            "subject": "Calibration demand",
            "body": "<p>We need our pressure gauges calibrated.</p>",
        }
        with self.assertRaises(ConcurrencyError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["qi.case"].message_new(msg_dict, {"window_id": self.window_a.id})

    def test_mail_processed_meanwhile_is_not_bounced(self):
        """Odoo bounces a mail whose case could not be made and marks the alias
        invalid; not when the mail was stored meanwhile by the gateway process
        that won the race."""
        alias = self._alias()
        message = email.message_from_string(RAW, policy=email.policy.SMTP)
        self._case().message_post(body="Stored by the other gateway", message_id="<numbers-1@factory.example.cn>")
        alias._alias_bounce_incoming_email(message, {"message_id": "<numbers-1@factory.example.cn>"})
        self.assertNotEqual(alias.alias_status, "invalid")
        # a mail that really failed is still bounced
        alias._alias_bounce_incoming_email(
            message,
            {"message_id": "<numbers-2@factory.example.cn>", "email_from": "quality@factory.example.cn", "body": "-"},
        )
        self.assertEqual(alias.alias_status, "invalid")
