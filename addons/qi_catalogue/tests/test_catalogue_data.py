import re

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import QiCatalogueCommon

# every service item of DB1303/T 329-2022 §6.1.1–6.1.7 and §6.2
SECTION_6_ITEMS = [
    "6.1.1.1",
    "6.1.1.2",
    "6.1.1.3",
    "6.1.1.4",
    "6.1.1.5",
    "6.1.1.6",
    "6.1.2.1",
    "6.1.2.2",
    "6.1.2.3",
    "6.1.2.4",
    "6.1.2.5",
    "6.1.2.6",
    "6.1.3.1",
    "6.1.3.2",
    "6.1.3.3",
    "6.1.4.1",
    "6.1.4.2",
    "6.1.5.1",
    "6.1.5.2",
    "6.1.5.3",
    "6.1.5.4",
    "6.1.5.5",
    "6.1.6.1",
    "6.1.6.2",
    "6.1.6.3",
    "6.1.6.4",
    "6.1.6.5",
    "6.1.7.1",
    "6.1.7.2",
    "6.1.7.3",
    "6.1.7.4",
    "6.2.1.1",
    "6.2.1.2",
    "6.2.2.1",
    "6.2.2.2",
]
BASIC_CATEGORIES = {
    "metrology": "计量服务",
    "standards": "标准服务",
    "testing": "检验检测服务",
    "certification": "认证认可服务",
    "quality_management": "质量管理服务",
    "intellectual_property": "知识产权服务",
    "special_equipment": "特种设备技术服务",
}
FEATURED_CATEGORIES = {"brand_cultivation": "品牌培育", "customised": "定制服务"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestCatalogueData(QiCatalogueCommon):
    """R-4.b, R-6: the standard's service items ship as data, in English and Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_chinese(["qi_catalogue"])

    def _item(self, code):
        return self.env.ref("qi_catalogue.qi_service_item_" + code.replace(".", "_"))

    def test_every_section_6_item_exists_with_its_clause(self):
        # shipped as data (kept on update so that windows can edit them), not as demo
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "qi_catalogue"),
                ("model", "=", "qi.service.item"),
                ("name", "in", ["qi_service_item_" + code.replace(".", "_") for code in SECTION_6_ITEMS]),
            ]
        )
        self.assertEqual(len(data), len(SECTION_6_ITEMS))
        self.assertTrue(all(data.mapped("noupdate")))
        manifest_data = self.env["ir.module.module"].get_module_info("qi_catalogue")["data"]
        self.assertIn("data/qi_service_item_data.xml", manifest_data)
        for code in SECTION_6_ITEMS:
            with self.subTest(code=code):
                item = self._item(code)
                self.assertEqual(item.code, code)
                self.assertTrue(item.active)
                self.assertEqual(item.category_id.code, code.rsplit(".", 1)[0])
                self.assertEqual(item.kind, "featured" if code.startswith("6.2") else "basic")

    def test_categories_seven_basic_and_featured(self):
        for xmlid, name in {**BASIC_CATEGORIES, **FEATURED_CATEGORIES}.items():
            with self.subTest(category=xmlid):
                category = self.env.ref(f"qi_catalogue.qi_service_category_{xmlid}")
                self.assertEqual(category.kind, "basic" if xmlid in BASIC_CATEGORIES else "featured")
                self.assertEqual(category.with_context(lang="zh_CN").name, name)
                self.assertFalse(CJK.search(category.with_context(lang="en_US").name), "English source")

    def test_items_have_chinese_names_and_descriptions(self):
        for code in SECTION_6_ITEMS:
            with self.subTest(code=code):
                item = self._item(code).with_context(lang="zh_CN")
                self.assertRegex(item.name, CJK)
                self.assertRegex(item.description, CJK)
                self.assertRegex(item.legal_basis, CJK)
                self.assertRegex(item.process, CJK)
                self.assertTrue(all(CJK.search(m.name) for m in item.material_ids))
                english = self._item(code).with_context(lang="en_US")
                self.assertFalse(CJK.search(english.name), "the source language is English")
        # the standard's own wording
        self.assertEqual(self._item("6.1.2.1").with_context(lang="zh_CN").description, "提供办理商品条码咨询服务。")
        self.assertEqual(self._item("6.1.5.3").with_context(lang="zh_CN").name, "向先进标杆企业学习质量管理经验")

    def test_every_item_has_a_complete_one_time_notice(self):
        for code in SECTION_6_ITEMS:
            with self.subTest(code=code):
                item = self._item(code)
                notice = item._get_notice_values()[0]
                self.assertTrue(notice["legal_basis"])
                self.assertTrue(notice["materials"], "at least one material to bring")
                self.assertTrue(all(m.copies >= 1 and m.format for m in item.material_ids))
                self.assertTrue(notice["process"])
                self.assertGreaterEqual(item.time_limit_days, 1)
                self.assertIn(item.fee_type, ("free", "charged"))
                self.assertTrue(notice["fee"])
                self.assertTrue(notice["contact"])
        zh_notice = self._item("6.1.3.1").with_context(lang="zh_CN")._get_notice_values()[0]
        self.assertIn("个工作日", zh_notice["time_limit"])
        self.assertIn("份", zh_notice["materials"][0])

    def test_deadline_counts_working_days(self):
        item = self.item_calibration  # 5 working days
        # Friday 2026-05-29 + 5 working days = Friday 2026-06-05 (no holiday in between)
        self.assertEqual(str(item._get_deadline("2026-05-29")), "2026-06-05")
        # accepted the day before the National Day holiday: the holiday week does not count
        self.assertEqual(str(item._get_deadline("2026-09-30")), "2026-10-13")

    def test_items_editable_by_manager_only(self):
        Item = self.env["qi.service.item"]
        new = Item.with_user(self.manager).create(
            {
                "name": "Carbon footprint verification",
                "category_id": self.category.id,
                "fee_type": "charged",
                "fee_basis": "Provider's price list",
            }
        )
        self._item("6.1.2.1").with_user(self.manager).write({"time_limit_days": 2})
        self.assertEqual(self._item("6.1.2.1").time_limit_days, 2)
        self.assertIn(new, Item.with_user(self.staff).search([("category_id", "=", self.category.id)]))
        with self.assertRaises(AccessError):
            self._item("6.1.2.1").with_user(self.staff).write({"time_limit_days": 1})
        with self.assertRaises(AccessError):
            Item.with_user(self.coordinator).create({"name": "X", "category_id": self.category.id})
