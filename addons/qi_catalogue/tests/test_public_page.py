from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPublicCatalogue(HttpCase):
    """R-5.1.2.1: the public page lists each window's service items with their
    one-time notice, and nothing about persons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        category = cls.env["qi.service.category"].create({"name": "Public Test Category", "code": "T-8.1"})
        cls.item = cls.env["qi.service.item"].create(
            {
                "name": "Public barcode advice",
                "code": "T-8.1.1",
                "category_id": category.id,
                "legal_basis": "Measures for Test Barcodes",
                "process": "1. Ask at the desk.\n2. Receive the advice.",
                "time_limit_days": 3,
                "fee_type": "free",
                "contact": "Desk 2 of the window",
                "material_ids": [
                    Command.create({"name": "Copy of the licence", "format": "copy", "copies": 2}),
                    Command.create({"name": "Power of attorney", "format": "original", "required": False}),
                ],
            }
        )
        cls.hidden = cls.env["qi.service.item"].create(
            {"name": "Archived secret item", "category_id": category.id, "active": False}
        )
        cls.window = cls.env["qi.window"].create(
            {
                "name": "Public Catalogue Window",
                "code": "T-PUBCAT",
                "item_ids": [Command.set((cls.item | cls.hidden).ids)],
            }
        )
        person = cls.env["res.partner"].create({"name": "Hidden Expert Person", "phone": "13900001111"})
        cls.env["qi.expert"].create({"partner_id": person.id, "item_ids": [Command.set(cls.item.ids)]})

    def test_items_and_notice_published(self):
        response = self.url_open("/qi/windows")
        self.assertEqual(response.status_code, 200)
        body = response.text
        for shown in (
            "Public Catalogue Window",
            "T-8.1.1",
            "Public barcode advice",
            "Measures for Test Barcodes",
            "Copy of the licence (Copy, copies: 2)",
            "Power of attorney (Original, copies: 1) (if applicable)",
            "Receive the advice",
            "3 working days",
            "Free of charge",
            "Desk 2 of the window",
        ):
            self.assertIn(shown, body)
        for hidden in ("Archived secret item", "Hidden Expert Person", "13900001111"):
            self.assertNotIn(hidden, body)
