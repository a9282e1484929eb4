from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import QiCatalogueCommon

ACTIONS = [
    "qi_catalogue.qi_service_item_action",
    "qi_catalogue.qi_service_category_action",
    "qi_catalogue.res_partner_action_qi_provider",
    "qi_catalogue.res_partner_action_qi_advantage",
    "qi_catalogue.qi_provider_qualification_action",
    "qi_catalogue.qi_provider_station_action",
    "qi_catalogue.qi_expert_action",
    "qi_catalogue.qi_region_action",
    "qi_catalogue.qi_catalogue_match_wizard_action",
    "qi_window.qi_window_action",
]


@tagged("post_install", "-at_install")
class TestViews(QiCatalogueCommon):
    """Every screen of the catalogue opens for every suite role, and the
    contact form still opens for an internal user outside the suite."""

    def test_every_action_loads_for_every_role(self):
        for user in (self.staff, self.manager, self.coordinator):
            for xmlid in ACTIONS:
                with self.subTest(user=user.login, action=xmlid):
                    action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(xmlid)
                    Model = self.env[action["res_model"]].with_user(user)
                    views = [(view_id, view_type) for view_id, view_type in action["views"]]
                    if action.get("search_view_id"):
                        views.append((action["search_view_id"][0], "search"))
                    result = Model.get_views(views)
                    self.assertTrue(result["views"])
                    if action["res_model"] != "qi.catalogue.match.wizard":
                        domain = safe_eval(action.get("domain") or "[]")
                        Model.search_read(domain, ["display_name"], limit=5)

    def test_contact_form_for_users_outside_the_suite(self):
        user = new_test_user(self.env, "qi_cat_sales", groups="base.group_user,base.group_partner_manager")
        Partner = self.env["res.partner"].with_user(user)
        views = Partner.get_views([(False, "form"), (False, "list"), (False, "kanban")])
        self.assertNotIn("qi_station_ids", views["views"]["form"]["arch"], "the QI page is for QI users")
        partner = Partner.create({"name": "Ordinary Customer", "is_company": True, "qi_uscc": "91110000600037341L"})
        self.assertEqual(partner.qi_uscc, "91110000600037341L")
