from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.qi_catalogue.tools.validation import make_uscc

from .common import QiCaseCommon

RAW = """Return-Path: <{sender}>
From: {sender_name} <{sender}>
To: {to}
Subject: {subject}
Message-Id: {message_id}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

We need our pressure gauges calibrated before the audit.
"""


@tagged("post_install", "-at_install")
class TestCaseIntake(QiCaseCommon):
    """R-7.1.1, R-7.1.2: many channels; e-mail to a window's alias opens a case there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.env["mail.alias.domain"].search([("name", "=", "qi-test.example.cn")]) or cls.env[
            "mail.alias.domain"
        ].create({"name": "qi-test.example.cn", "company_ids": [(4, cls.env.company.id)], "sequence": 1})
        cls.window_a.write({"alias_name": "qi-window-a", "alias_domain_id": domain.id})

    def _deliver(self, sender, message_id, sender_name="Li Lei"):
        raw = RAW.format(
            sender=sender,
            sender_name=sender_name,
            to="qi-window-a@qi-test.example.cn",
            subject="Calibration demand",
            message_id=message_id,
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            return self.env["mail.thread"].message_process(None, raw)

    def _cases(self, subject="Calibration demand"):
        return self.env["qi.case"].search([("subject", "=", subject), ("window_id", "=", self.window_a.id)])

    def test_same_email_twice_gives_one_case(self):
        self._deliver("quality@glass.example.cn", "<demand-1@glass.example.cn>")
        self._deliver("quality@glass.example.cn", "<demand-1@glass.example.cn>")
        case = self._cases()
        self.assertEqual(len(case), 1)
        self.assertEqual(case.channel, "email")
        self.assertEqual(case.partner_id, self.enterprise, "a known sender is matched")
        self.assertFalse(case.partner_unverified)
        self.assertIn("pressure gauges", case.description)

    def test_unknown_sender_gets_flagged_partner(self):
        self._deliver("boss@new-factory.example.cn", "<demand-2@new-factory.example.cn>", sender_name="Wang Fang")
        case = self._cases()
        self.assertEqual(len(case), 1)
        self.assertTrue(case.partner_id.qi_unverified)
        self.assertEqual(case.partner_id.email, "boss@new-factory.example.cn")
        self.assertEqual(case.partner_id.name, "Wang Fang")
        self.assertTrue(case.partner_unverified)

    def test_visit_planned_in_calendar(self):
        case = self._case(channel="visit")
        action = case.with_user(self.staff_a).action_plan_visit()
        context = action["context"]
        event = (
            self.env["calendar.event"]
            .with_user(self.staff_a)
            .with_context(**{k: v for k, v in context.items() if k.startswith("default_")})
            .create({"start": "2026-10-10 01:00:00", "stop": "2026-10-10 03:00:00"})
        )
        self.assertEqual((event.res_model, event.res_id), ("qi.case", case.id))
        self.assertEqual(case.visit_count, 1)
        self.assertIn(self.enterprise, event.partner_ids)

    def test_inspection_csv_creates_cases(self):
        good = make_uscc("91130300MA0A1B2C3")
        content = (
            "uscc,company,origin_ref,items,subject,description\n"
            f"{good},Harbour Valves Ltd,CJ-2026-017,T-1;T-2,Valve sampling failed,Pressure test failed\n"
        )
        wizard, _action = self._import(content)
        self.assertFalse(wizard.errors)
        case = self.env["qi.case"].search([("origin_ref", "=", "CJ-2026-017")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.channel, "sampling")
        self.assertEqual(case.partner_id.qi_uscc, good)
        self.assertEqual(case.item_ids, self.item_15 | self.item_5)

    def test_inspection_csv_reports_each_bad_row_and_creates_nothing(self):
        content = (
            "uscc,company,origin_ref,items,subject,description\n"
            "91130300MA0A1B2C3X,Bad Code Ltd,CJ-1,T-1,s,d\n"
            "91130300MA0A1B2C3D,Unknown Item Ltd,CJ-2,T-404,s,d\n"
        )
        count = self.env["qi.case"].search_count([])
        partners = self.env["res.partner"].search_count([])
        wizard, action = self._import(content)
        self.assertIn("Line 2", wizard.errors)
        self.assertIn("not a valid Unified Social Credit Code", wizard.errors)
        self.assertIn("Line 3", wizard.errors)
        self.assertEqual(action["res_model"], "qi.case.import.wizard")
        self.assertEqual(self.env["qi.case"].search_count([]), count)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_inspection_csv_wrong_type_refused(self):
        from odoo.exceptions import UserError

        with self.assertRaises(UserError):
            self._import("not,a,csv", filename="findings.xlsx")
