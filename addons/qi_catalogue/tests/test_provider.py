import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QiCatalogueCommon, create_provider, make_uscc


@tagged("post_install", "-at_install")
class TestProvider(QiCatalogueCommon):
    """Clause 3, R-5.3.1: providers identified by a valid, unique USCC (GB 32100-2015)."""

    def test_valid_uscc_accepted_and_normalised(self):
        code = make_uscc(1)
        provider = create_provider(self.env, "Metrology Institute", 1, qi_uscc=f" {code[:8]} {code[8:].lower()} ")
        self.assertEqual(provider.qi_uscc, code)
        # the reference example of python-stdnum
        provider.qi_uscc = "91110000600037341L"
        self.assertEqual(provider.qi_uscc, "91110000600037341L")

    def test_bad_uscc_refused_with_clear_message(self):
        good = make_uscc(2)
        wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
        cases = {
            "9113030212345": "it has 13 characters, a USCC has exactly 18",
            "A1130302MA0000021T": "the first 8 characters must be digits",
            good[:-2] + "I" + good[-1]: "capital letters other than I, O, S, V and Z",
            wrong_check: "the check character (the 18th) does not match",
        }
        for code, reason in cases.items():
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                create_provider(self.env, "Bad Code Co", 2, qi_uscc=code)
            message = str(caught.exception)
            self.assertIn("Unified Social Credit Code", message)
            self.assertIn(code.upper(), message.upper())
            self.assertIn("Bad Code Co", message)
            self.assertIn(reason, message)
        # any organisation, not only providers, gets the same check
        with self.assertRaises(ValidationError):
            self.enterprise.qi_uscc = wrong_check
        # and the user reads it in Chinese
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            create_provider(self.env(context={"lang": "zh_CN"}), "校验码错误公司", 2, qi_uscc=wrong_check)
        self.assertIn("校验码错误公司 的统一社会信用代码", str(caught.exception))
        self.assertIn("第18位校验码与前17位不符", str(caught.exception))

    def test_two_active_providers_cannot_share_a_uscc(self):
        first = create_provider(self.env, "First Lab", 3)
        with self.assertRaises(ValidationError) as caught:
            create_provider(self.env, "Second Lab", 3)
        self.assertIn("already used by the active provider First Lab", str(caught.exception))
        # an ordinary partner (e.g. the provider's branch as a customer) may carry the code
        self.env["res.partner"].create({"name": "Not a provider", "is_company": True, "qi_uscc": make_uscc(3)})
        # an archived provider frees its code
        first.active = False
        second = create_provider(self.env, "Second Lab", 3)
        with self.assertRaises(ValidationError):
            first.active = True
        self.assertTrue(second.active)

    def test_uniqueness_holds_in_the_database(self):
        """Even when the Python check is bypassed (concurrent transactions)."""
        create_provider(self.env, "First Lab", 4)
        other = create_provider(self.env, "Other Lab", 5)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError) as caught:
            with self.env.cr.savepoint():
                self.env.cr.execute("UPDATE res_partner SET qi_uscc = %s WHERE id = %s", [make_uscc(4), other.id])
        self.assertIn(
            "Another active provider already uses this Unified Social Credit Code",
            self.env["res.partner"]._sql_error_to_message(caught.exception),
        )

    def test_provider_is_an_organisation_with_a_uscc(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({"name": "No Code Lab", "is_company": True, "is_qi_provider": True})
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {"name": "A Person", "is_company": False, "is_qi_provider": True, "qi_uscc": make_uscc(6)}
            )

    def test_only_the_leader_makes_an_organisation_a_resource(self):
        partner = self.env["res.partner"].create({"name": "Candidate Lab", "is_company": True, "qi_uscc": make_uscc(7)})
        with self.assertRaises(AccessError) as caught:
            partner.with_user(self.staff).write({"is_qi_provider": True})
        self.assertIn("Only the operating organisation's leader", str(caught.exception))
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.coordinator).create(
                {"name": "X", "is_company": True, "is_qi_advantage": True}
            )
        partner.with_user(self.manager).write(
            {"is_qi_provider": True, "qi_item_ids": [(6, 0, self.item_calibration.ids)]}
        )
        self.assertTrue(partner.is_qi_provider)
        self.assertEqual(self.item_calibration.provider_ids, partner)
        created = (
            self.env["res.partner"]
            .with_user(self.manager)
            .create({"name": "Benchmark Co", "is_company": True, "is_qi_advantage": True, "qi_hosts_visits": True})
        )
        self.assertTrue(created.is_qi_advantage)

    def test_station_periods(self):
        provider = create_provider(self.env, "Stationed Lab", 8)
        Station = self.env["qi.provider.station"]
        Station.create(
            {
                "provider_id": provider.id,
                "window_id": self.window.id,
                "date_from": "2025-01-01",
                "date_to": "2025-06-30",
            }
        )
        current = Station.create({"provider_id": provider.id, "window_id": self.window.id, "date_from": "2025-07-01"})
        self.assertTrue(current.is_current)
        self.assertEqual(provider.qi_current_window_ids, self.window)
        self.assertEqual(Station.search([("provider_id", "=", provider.id), ("is_current", "=", True)]), current)
        self.assertEqual(len(Station.search([("provider_id", "=", provider.id), ("is_current", "=", False)])), 1)
        with self.assertRaises(ValidationError):
            Station.create(
                {
                    "provider_id": provider.id,
                    "window_id": self.window.id,
                    "date_from": "2025-03-01",
                    "date_to": "2025-04-30",
                }
            )
        self.assertEqual(self.window.station_count, 1)
