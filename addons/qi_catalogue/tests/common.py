import base64

from stdnum.cn import uscc

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

# smallest file guessed as application/pdf
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_B64 = base64.b64encode(PDF_BYTES)


def make_uscc(seq, kind="91", division="130302"):
    """A valid Unified Social Credit Code, different for every ``seq``."""
    base = f"{kind}{division}MA0{seq:05d}T"
    return base + uscc.calc_check_digit(base)


def setup_catalogue(cls):
    """Users of every role, two windows, a category with its own items, a
    region tree and a service object: data the tests assert on, independent
    of the demo data."""
    env = cls.env
    cls.staff = new_test_user(env, "qi_cat_staff", groups="qi_window.group_qi_user", name="Cat Staff")
    cls.staff_other = new_test_user(env, "qi_cat_staff_other", groups="qi_window.group_qi_user", name="Other Staff")
    cls.manager = new_test_user(env, "qi_cat_manager", groups="qi_window.group_qi_manager", name="Cat Manager")
    cls.coordinator = new_test_user(
        env, "qi_cat_coordinator", groups="qi_window.group_qi_coordinator", name="Cat Coordinator"
    )
    cls.window = env["qi.window"].create(
        {
            "name": "Catalogue Window",
            "code": "T-CAT",
            "leader_id": cls.manager.id,
            "staff_ids": [Command.create({"user_id": cls.staff.id})],
        }
    )
    cls.window_other = env["qi.window"].create(
        {
            "name": "Other Window",
            "code": "T-CAT2",
            "leader_id": cls.manager.id,
            "staff_ids": [Command.create({"user_id": cls.staff_other.id})],
        }
    )
    cls.category = env["qi.service.category"].create({"name": "Test Metrology", "code": "T-9.1"})
    cls.category_other = env["qi.service.category"].create({"name": "Test Standards", "code": "T-9.2"})
    Item = env["qi.service.item"]
    cls.item_calibration = Item.create(
        {"name": "Test calibration", "code": "T-9.1.1", "category_id": cls.category.id, "time_limit_days": 5}
    )
    cls.item_ledger = Item.create(
        {"name": "Test instrument ledger", "code": "T-9.1.2", "category_id": cls.category.id}
    )
    cls.item_barcode = Item.create(
        {"name": "Test barcode", "code": "T-9.2.1", "category_id": cls.category_other.id}
    )
    Region = env["qi.region"]
    cls.region_city = Region.create({"name": "Test City", "code": "T-990000"})
    cls.region_district = Region.create({"name": "Test District", "code": "T-990001", "parent_id": cls.region_city.id})
    cls.region_far = Region.create({"name": "Far District", "code": "T-990002", "parent_id": cls.region_city.id})
    cls.industry = env.ref("base.res_partner_industry_C")
    cls.industry_other = env.ref("base.res_partner_industry_A")
    cls.enterprise = env["res.partner"].create(
        {
            "name": "Test Glassworks Ltd",
            "is_company": True,
            "qi_uscc": make_uscc(90001),
            "industry_id": cls.industry.id,
            "qi_region_id": cls.region_district.id,
        }
    )


def create_provider(env, name, seq, **values):
    return env["res.partner"].create(
        {"name": name, "is_company": True, "is_qi_provider": True, "qi_uscc": make_uscc(seq), **values}
    )


class QiCatalogueCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_catalogue(cls)
