import base64

from odoo.addons.qi_catalogue.tools.validation import make_uscc
from odoo.addons.qi_window.tests.common import QiWindowCommon

# smallest file guessed as application/pdf
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_B64 = base64.b64encode(PDF_BYTES)


def create_provider(env, name, seq, **values):
    return env["res.partner"].create(
        {"name": name, "is_company": True, "is_qi_provider": True, "qi_uscc": make_uscc(seq), **values}
    )


class QiCatalogueCommon(QiWindowCommon):
    """QiWindowCommon's people and windows, with a category and its own items,
    a region tree, two industries and a service object (the enterprise): data
    the tests assert on, independent of the demo data."""

    window_names = ("Catalogue Window", "Other Window")
    window_codes = ("T-CAT", "T-CAT2")

    # a valid USCC from its first 17 characters (or a number), for the tests
    _uscc = staticmethod(make_uscc)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # the names the catalogue's tests give QiWindowCommon's staff, leader and windows
        cls.staff, cls.staff_other, cls.manager = cls.staff_a, cls.staff_b, cls.leader
        cls.window, cls.window_other = cls.window_a, cls.window_b
        cls.category, cls.category_other = env["qi.service.category"].create(
            [
                {"name": "Test Metrology", "code": "T-9.1"},
                {"name": "Test Standards", "code": "T-9.2"},
            ]
        )
        cls.item_calibration, cls.item_ledger, cls.item_barcode = env["qi.service.item"].create(
            [
                {"name": "Test calibration", "code": "T-9.1.1", "category_id": cls.category.id, "time_limit_days": 5},
                {"name": "Test instrument ledger", "code": "T-9.1.2", "category_id": cls.category.id},
                {"name": "Test barcode", "code": "T-9.2.1", "category_id": cls.category_other.id},
            ]
        )
        Region = env["qi.region"]
        cls.region_city = Region.create({"name": "Test City", "code": "T-990000"})
        cls.region_district, cls.region_far = Region.create(
            [
                {"name": "Test District", "code": "T-990001", "parent_id": cls.region_city.id},
                {"name": "Far District", "code": "T-990002", "parent_id": cls.region_city.id},
            ]
        )
        cls.industry = env.ref("base.res_partner_industry_C")
        cls.industry_other = env.ref("base.res_partner_industry_A")
        cls.enterprise = env["res.partner"].create(
            {
                "name": "Qinhuangdao Glass Co.",
                "is_company": True,
                "email": "quality@glass.example.cn",
                "qi_uscc": make_uscc(90001),
                "industry_id": cls.industry.id,
                "qi_region_id": cls.region_district.id,
            }
        )
