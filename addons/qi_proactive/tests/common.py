import datetime

from odoo import Command

from odoo.addons.qi_case.tests.common import QiCaseCommon
from odoo.addons.qi_catalogue.tests.common import create_provider


class QiProactiveCommon(QiCaseCommon):
    """QiCaseCommon's windows and people, with two enterprises (one per
    window, each with its steward and a portal user), two providers with a
    portal user each (one will be assigned a demand, the other not), and a
    valid metrology qualification of the first provider covering the
    verification item (R-6.1.1.1)."""

    window_names = ("Proactive Window A", "Proactive Window B")
    window_codes = ("P-A", "P-B")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.item_verification = env.ref("qi_catalogue.qi_service_item_6_1_1_1")
        cls.item_equipment = env.ref("qi_catalogue.qi_service_item_6_1_7_2")
        cls.window_a.item_ids = [Command.link(cls.item_verification.id), Command.link(cls.item_equipment.id)]
        cls.window_b.item_ids = [Command.link(cls.item_verification.id), Command.link(cls.item_equipment.id)]
        cls.enterprise.write({"qi_window_id": cls.window_a.id, "qi_steward_id": cls.staff_a.id, "lang": "zh_CN"})
        cls.enterprise_b = env["res.partner"].create(
            {
                "name": "Beidaihe Food Co.",
                "is_company": True,
                "email": "qa@food.example.cn",
                "qi_uscc": cls._uscc(90002),
                "industry_id": cls.industry_other.id,
                "qi_region_id": cls.region_far.id,
                "qi_window_id": cls.window_b.id,
                "qi_steward_id": cls.staff_b.id,
                "lang": "zh_CN",
            }
        )
        cls.enterprise_user = cls._portal_user("qi_ent_a", cls.enterprise)
        cls.enterprise_b_user = cls._portal_user("qi_ent_b", cls.enterprise_b)
        cls.provider.write({"qi_item_ids": [Command.link(cls.item_verification.id)]})
        cls.provider_other = create_provider(env, "Other Calibration Lab", 90003, email="lab@other.example.cn")
        cls.provider_user = cls._portal_user("qi_prov_a", cls.provider)
        cls.provider_other_user = cls._portal_user("qi_prov_b", cls.provider_other)
        cls.qualification = env["qi.provider.qualification"].create(
            {
                "provider_id": cls.provider.id,
                "qualification_type": "metrology_authorisation",
                "number": "(冀)法计(2024)03001",
                "scope_item_ids": [Command.link(cls.item_verification.id)],
                "date_from": datetime.date(2024, 1, 1),
                "date_to": datetime.date(2029, 12, 31),
            }
        )
        cls.category_scale = env.ref("qi_proactive.qi_instrument_category_08")
        cls.category_caliper = env.ref("qi_proactive.qi_instrument_category_90")

    @classmethod
    def _instrument(cls, partner=None, user=None, **vals):
        values = {
            "name": "Electronic platform scale",
            "partner_id": (partner or cls.enterprise).id,
            "category_id": cls.category_scale.id,
            "is_compulsory": True,
            "serial_number": f"SN-{cls.env['qi.instrument'].search_count([]) + 1:05d}",
            "cycle_months": 12,
            "date_last": datetime.date(2026, 1, 15),
            "date_due": datetime.date(2027, 1, 15),
        }
        values.update(vals)
        Instrument = cls.env["qi.instrument"]
        return (Instrument.with_user(user) if user else Instrument).create(values)
