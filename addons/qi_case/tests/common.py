import base64
from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.qi_catalogue.tests.common import QiCatalogueCommon


class QiCaseCommon(QiCatalogueCommon):
    """QiCatalogueCommon's people, windows, catalogue and enterprise, with a
    second staff member on window A, two items with their time limits and a
    provider."""

    window_names = ("Case Window A", "Case Window B")
    window_codes = ("C-A", "C-B")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.staff_a2 = new_test_user(
            cls.env,
            "qi_staff_a2",
            groups="qi_window.group_qi_user",
            name="Staff A2",
            email="staff.a2@window.example.cn",
        )
        cls.window_a.staff_ids = [Command.create({"user_id": cls.staff_a2.id})]
        cls.item_15, cls.item_5 = cls.env["qi.service.item"].create(
            [
                {
                    "name": "Calibration consulting",
                    "code": "T-1",
                    "category_id": cls.category.id,
                    "time_limit_days": 15,
                },
                {"name": "Standards query", "code": "T-2", "category_id": cls.category.id, "time_limit_days": 5},
            ]
        )
        cls.provider = cls.env["res.partner"].create(
            {
                "name": "Test Metrology Institute",
                "is_company": True,
                "is_qi_provider": True,
                "qi_uscc": cls._uscc("91130300MA07TP001"),
                "email": "lab@metrology.example.cn",
            }
        )

    @classmethod
    def _portal_user(cls, login, company):
        """A portal user of ``company`` (enterprise or provider); password = login + "-pwd-123"."""
        user = new_test_user(cls.env, login, groups="base.group_portal", password=login + "-pwd-123")
        user.partner_id.parent_id = company
        return user

    def _case(self, user=None, **vals):
        values = {
            "subject": "Calibrate pressure gauges",
            "partner_id": self.enterprise.id,
            "window_id": self.window_a.id,
            "channel": "walk_in",
            "item_ids": [(6, 0, self.item_15.ids)],
            "date_received": datetime(2026, 9, 25, 2, 0),  # 10:00 in Asia/Shanghai
        }
        values.update(vals)
        return self.env["qi.case"].with_user(user or self.staff_a).create(values)

    def _completed_case(self, expert=None):
        """A case of window A taken by staff A, served by the provider (and ``expert``), completed."""
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        Assignment = self.env["qi.case.assignment"]
        assignments = Assignment.create({"case_id": case.id, "provider_id": self.provider.id})
        if expert:
            assignments |= Assignment.create({"case_id": case.id, "expert_id": expert.id})
        assignments.action_accept()
        case.action_start_service()
        assignments.action_deliver()
        case.action_complete()
        return case

    def _import(self, content, filename="findings.csv"):
        """Inspection or sampling findings imported by staff A into window A (R-7.1.2)."""
        wizard = (
            self.env["qi.case.import.wizard"]
            .with_user(self.staff_a)
            .create(
                {
                    "window_id": self.window_a.id,
                    "channel": "sampling",
                    "file": base64.b64encode(content.encode()),
                    "filename": filename,
                }
            )
        )
        return wizard, wizard.action_import()
