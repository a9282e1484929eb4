from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PDF_B64, QiCatalogueCommon, create_provider


@tagged("post_install", "-at_install")
class TestCatalogueAccess(QiCatalogueCommon):
    """Staff read, the leader writes, the coordination department reads;
    a provider's portal user reads its own qualifications only. Proven as the
    users who have the roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.provider_a = create_provider(env, "Provider A", 401, qi_item_ids=[Command.set(cls.item_calibration.ids)])
        cls.provider_b = create_provider(env, "Provider B", 402)
        Qualification = env["qi.provider.qualification"]
        cls.qualification_a = Qualification.create(
            {
                "provider_id": cls.provider_a.id,
                "qualification_type": "cma",
                "number": "A-001",
                "certificate_file": PDF_B64,
                "certificate_filename": "a.pdf",
            }
        )
        cls.qualification_b = Qualification.create(
            {
                "provider_id": cls.provider_b.id,
                "qualification_type": "cma",
                "number": "B-001",
                "certificate_file": PDF_B64,
                "certificate_filename": "b.pdf",
            }
        )
        cls.station_a = env["qi.provider.station"].create(
            {"provider_id": cls.provider_a.id, "window_id": cls.window.id, "date_from": "2025-01-01"}
        )
        cls.station_b = env["qi.provider.station"].create(
            {"provider_id": cls.provider_b.id, "window_id": cls.window_other.id, "date_from": "2025-01-01"}
        )
        person = env["res.partner"].create({"name": "An Expert"})
        cls.expert = env["qi.expert"].create(
            {"partner_id": person.id, "item_ids": [Command.set(cls.item_calibration.ids)]}
        )
        cls.portal_a = new_test_user(env, "qi_cat_portal_a", groups="base.group_portal", name="Portal A")
        cls.portal_a.partner_id.parent_id = cls.provider_a

    def test_staff_reads_the_catalogue_and_writes_nothing(self):
        for user in (self.staff, self.coordinator):
            with self.subTest(user=user.login):
                env = self.env(user=user)
                self.assertIn(self.item_calibration, env["qi.service.item"].search([]))
                self.assertTrue(env["qi.service.category"].search_count([]))
                self.assertIn(self.qualification_b, env["qi.provider.qualification"].search([]))
                self.assertIn(self.expert, env["qi.expert"].search([]))
                self.assertEqual(self.provider_a.with_user(user).qi_item_ids, self.item_calibration)
                self.assertTrue(self.qualification_b.with_user(user).certificate_file)
                with self.assertRaises(AccessError):
                    self.qualification_a.with_user(user).write({"number": "A-002"})
                with self.assertRaises(AccessError):
                    env["qi.expert"].create({"partner_id": self.env["res.partner"].create({"name": "X"}).id})
                with self.assertRaises(AccessError):
                    self.expert.with_user(user).write({"availability": "busy"})
                with self.assertRaises(AccessError):
                    self.env["qi.region"].with_user(user).create({"name": "New district"})

    def test_stations_follow_the_windows(self):
        Station = self.env["qi.provider.station"]
        self.assertEqual(
            Station.with_user(self.staff).search([("id", "in", (self.station_a | self.station_b).ids)]), self.station_a
        )
        with self.assertRaises(AccessError):
            self.station_b.with_user(self.staff).read(["date_from"])
        with self.assertRaises(AccessError):
            Station.with_user(self.staff).create({"provider_id": self.provider_b.id, "window_id": self.window.id})
        for user in (self.manager, self.coordinator):
            self.assertEqual(
                len(Station.with_user(user).search([("id", "in", (self.station_a | self.station_b).ids)])), 2
            )
        with self.assertRaises(AccessError):
            self.station_a.with_user(self.coordinator).write({"desk": "3"})

    def test_manager_maintains_resources(self):
        env = self.env(user=self.manager)
        qualification = env["qi.provider.qualification"].create(
            {"provider_id": self.provider_b.id, "qualification_type": "cnas_lab", "number": "CNAS L9"}
        )
        qualification.scope_item_ids = [Command.link(self.item_barcode.id)]
        expert = env["qi.expert"].create({"partner_id": env["res.partner"].create({"name": "New Expert"}).id})
        expert.availability = "busy"
        env["qi.provider.station"].create({"provider_id": self.provider_b.id, "window_id": self.window.id})
        self.provider_b.with_user(self.manager).write({"qi_capacity": 3})
        env["qi.region"].create({"name": "New district", "parent_id": self.region_city.id})

    def test_portal_reads_only_own_qualifications(self):
        Qualification = self.env["qi.provider.qualification"].with_user(self.portal_a)
        self.assertEqual(Qualification.search([]), self.qualification_a.with_user(self.portal_a))
        self.assertEqual(self.qualification_a.with_user(self.portal_a).read(["number"])[0]["number"], "A-001")
        with self.assertRaises(AccessError):
            self.qualification_b.with_user(self.portal_a).read(["number"])
        with self.assertRaises(AccessError):
            self.qualification_b.with_user(self.portal_a).certificate_file  # noqa: B018
        attachment_b = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "qi.provider.qualification"),
                ("res_id", "=", self.qualification_b.id),
                ("res_field", "=", "certificate_file"),
            ]
        )
        self.assertTrue(attachment_b, "the certificate is an attachment of the qualification")
        with self.assertRaises(AccessError):
            attachment_b.with_user(self.portal_a).read(["datas"])
        with self.assertRaises(AccessError):
            self.qualification_a.with_user(self.portal_a).write({"number": "A-002"})
        # nothing else of the catalogue's resources
        for model in ("qi.expert", "qi.provider.station", "qi.provider.qualification.warning"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_a).search([])

    def test_leader_offers_items_at_own_organisations_windows_only(self):
        other_company = self.env["res.company"].create({"name": "Other Operator"})
        foreign = self.env["qi.window"].create(
            {"name": "Foreign Window", "code": "T-CAT-F", "company_id": other_company.id}
        )
        item = self.item_ledger.with_user(self.manager)
        item.window_ids = [Command.link(self.window.id)]
        self.assertIn(self.window, self.item_ledger.window_ids)
        with self.assertRaises(AccessError):
            item.window_ids = [Command.link(foreign.id)]
        with self.assertRaises(AccessError):
            self.env["qi.service.item"].with_user(self.manager).create(
                {"name": "Foreign item", "category_id": self.category.id, "window_ids": [Command.set(foreign.ids)]}
            )
        # nor withdraw an item another organisation offers
        self.item_barcode.window_ids = [Command.link(foreign.id)]
        with self.assertRaises(AccessError):
            self.item_barcode.with_user(self.manager).window_ids = [Command.unlink(foreign.id)]
        self.assertIn(foreign, self.item_barcode.window_ids)
