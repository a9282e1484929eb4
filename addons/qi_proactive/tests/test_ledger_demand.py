import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.qi_catalogue.tests.common import create_provider

from .common import QiProactiveCommon

# a working Thursday in China, 10:00 in Asia/Shanghai
NOW = "2026-12-10 02:00:00"
QUIET = ("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLedgerDemand(QiProactiveCommon):
    """R-7.1.2, R-6.1.1.3: the enterprise or the staff select due lines of a
    ledger and file one demand, pre-filled, for the matching service item;
    matching proposes the providers whose valid qualification covers it
    (R-6.1.1.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scales = cls._instrument(measuring_range="0-300 kg", accuracy_class="III") | cls._instrument(
            name="Counter scale", measuring_range="0-30 kg", accuracy_class="III"
        )
        cls.caliper = cls._instrument(
            name="Vernier caliper",
            category_id=cls.category_caliper.id,
            is_compulsory=False,
            measuring_range="0-150 mm",
            accuracy_class="0.02 mm",
        )
        cls.instruments = cls.scales | cls.caliper
        cls.boiler = cls.env["qi.special.equipment"].create(
            {
                "name": "Steam boiler No. 2",
                "partner_id": cls.enterprise.id,
                "equipment_type": "boiler",
                "equipment_code": "1100-1301-0002",
                "date_due": datetime.date(2027, 1, 10),
            }
        )
        cls.Demand = cls.env["qi.ledger.demand"]

    def _zh(self, source, **params):
        """``source`` as the enterprise (zh_CN) reads it."""
        return self.env(context=dict(self.env.context, lang="zh_CN"))._(source, **params)

    def _demand(self, lines, user):
        return self.Demand.with_user(user)._make_demand(lines)

    def _find_resources(self, case, user):
        """What the case form's Find Resources button does, as ``user``."""
        action = (
            self.env.ref("qi_case.qi_case_action_find_resources")
            .with_user(user)
            .with_context(active_model="qi.case", active_id=case.id, active_ids=case.ids)
            .run()
        )
        return self.env[action["res_model"]].with_user(user).browse(action["res_id"])

    # ------------------------------------------------------------------
    # One click to one demand
    # ------------------------------------------------------------------
    def test_staff_file_one_demand_for_due_instruments(self):
        """The window's staff select three instruments: one demand, at the
        enterprise's window, for the verification item, with the lines."""
        cases_before = self.env["qi.case"].search_count([])
        case = self._demand(self.instruments.with_user(self.staff_a), self.staff_a)
        self.assertEqual(self.env["qi.case"].search_count([]), cases_before + 1, "one demand")
        self.assertEqual(
            (case.partner_id, case.window_id, case.channel, case.item_ids, case.instrument_ids),
            (self.enterprise, self.window_a, "proactive", self.item_verification, self.instruments),
        )
        self.assertEqual(
            case.subject, self._zh("Verification of %(count)s measuring instruments", count=3), "in its language"
        )
        self.assertEqual(case.stage_code, "new")
        # the steward is on window A's staff: the first handler from intake
        self.assertEqual(case.user_id, self.staff_a)
        for instrument in self.instruments:
            self.assertIn(instrument.serial_number, case.description)
            self.assertIn(instrument.measuring_range, case.description)
        self.assertIn(self.category_caliper.with_context(lang="zh_CN").name, case.description)
        self.assertIn("2027", case.description, "the due dates are listed")
        self.assertEqual(self.instruments.case_ids, case, "each line knows its demand")
        self.assertEqual(case.email_from, self.enterprise.email)

    def test_the_description_escapes_what_the_enterprise_typed(self):
        line = self._instrument(name="<script>alert(1)</script> scale", measuring_range="<b>0-3</b>")
        case = self._demand(line.with_user(self.staff_a), self.staff_a)
        self.assertNotIn("<script>", case.description)
        self.assertNotIn("<b>0-3</b>", case.description)
        self.assertIn("&lt;b&gt;0-3&lt;/b&gt;", case.description)

    def test_the_back_office_action_opens_the_new_demand(self):
        action = (
            self.env.ref("qi_proactive.qi_instrument_action_request_service")
            .with_user(self.staff_a)
            .with_context(active_model="qi.instrument", active_ids=self.scales.ids, active_id=self.scales[0].id)
            .run()
        )
        case = self.env["qi.case"].browse(action["res_id"])
        self.assertEqual((action["res_model"], action["views"]), ("qi.case", [(False, "form")]))
        self.assertEqual(case.instrument_ids, self.scales)

    def test_lines_of_several_ledgers_make_one_demand(self):
        case = self._demand([self.scales.with_user(self.staff_a), self.boiler.with_user(self.staff_a)], self.staff_a)
        self.assertEqual(case.item_ids, self.item_verification | self.item_equipment)
        self.assertEqual((case.instrument_ids, case.equipment_ids), (self.scales, self.boiler))
        self.assertEqual(
            case.subject,
            "; ".join(
                (
                    self._zh("Verification of %(count)s measuring instruments", count=2),
                    self._zh("Periodic inspection of %(line)s", line=self.boiler.name),
                )
            ),
        )

    def test_a_steward_off_the_window_staff_is_not_imposed(self):
        """The first handler stays the staff member who accepts when the
        steward does not work at the enterprise's window (R-7.2.1)."""
        self.enterprise.qi_steward_id = self.staff_b
        case = self._demand(self.scales.with_user(self.staff_a), self.staff_a)
        self.assertFalse(case.user_id)
        case.with_user(self.staff_a2).action_accept()
        self.assertEqual(case.user_id, self.staff_a2)

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------
    def test_refusals(self):
        Instrument = self.env["qi.instrument"].with_user(self.leader)
        with self.assertRaisesRegex(UserError, "Select the lines"):
            self._demand(Instrument.browse(), self.leader)
        with self.assertRaisesRegex(UserError, "Select the lines"):
            self._demand([], self.leader)
        other = self._instrument(partner=self.enterprise_b)
        with self.assertRaisesRegex(UserError, "several enterprises"):
            self._demand((self.scales | other).with_user(self.leader), self.leader)
        homeless = self.env["res.partner"].create({"name": "Homeless Pump Works", "is_company": True})
        line = self._instrument(partner=homeless)
        with self.assertRaisesRegex(UserError, "not served by a window yet: ask a window"):
            self._demand(line.with_user(self.leader), self.leader)

    def test_a_line_is_in_one_open_demand_at_a_time(self):
        case = self._demand(self.scales.with_user(self.staff_a), self.staff_a)
        with self.assertRaisesRegex(UserError, case.name):
            self._demand(self.instruments.with_user(self.staff_a), self.staff_a)
        # once the demand is over, the lines can be asked for again
        case.with_user(self.staff_a).write({"stage_id": case._stage("cancelled").id, "close_reason": "Duplicate"})
        again = self._demand(self.instruments.with_user(self.staff_a), self.staff_a)
        self.assertEqual(again.instrument_ids, self.instruments)

    @mute_logger(*QUIET)
    def test_staff_of_another_window_cannot_ask_for_the_lines(self):
        with self.assertRaises(AccessError):
            self._demand(self.scales.with_user(self.staff_b), self.staff_b)
        with self.assertRaises(AccessError):
            self._demand(self.scales.with_user(self.coordinator), self.coordinator)

    # ------------------------------------------------------------------
    # From the portal
    # ------------------------------------------------------------------
    def test_the_enterprise_files_the_demand_from_its_portal(self):
        user = self.enterprise_user
        case = self._demand(self.scales.with_user(user), user).sudo()  # what staff see of it
        self.assertEqual(
            (case.partner_id, case.contact_id, case.channel, case.item_ids, case.user_id),
            (self.enterprise, user.partner_id, "proactive", self.item_verification, self.staff_a),
        )
        # the enterprise sees it among its cases (/my/qi/cases reads them so)
        own = self.env["qi.case"].with_user(user).search([("partner_id", "=", self.enterprise.id)])
        self.assertIn(case, own)
        self.assertEqual(case.instrument_ids, self.scales)
        self.assertEqual(
            case.with_user(user).subject, self._zh("Verification of %(count)s measuring instruments", count=2)
        )

    def test_the_portal_service_under_sudo_still_checks_the_visitor(self):
        """The portal calls the service with sudo: the lines are still checked
        as the visitor."""
        # sudo: as the portal controller calls it, for a visitor of another enterprise
        Demand = self.Demand.with_user(self.enterprise_b_user).sudo()
        with self.assertRaises(AccessError), mute_logger(*QUIET):
            # sudo: the lines as the controller may hold them; the service checks them as the visitor
            Demand._make_demand(self.scales.sudo())
        self.assertFalse(self.scales.case_ids)

    @mute_logger(*QUIET)
    def test_no_demand_from_another_enterprise_s_lines(self):
        with self.assertRaises(AccessError):
            self._demand(self.scales.with_user(self.enterprise_b_user), self.enterprise_b_user)
        # a provider reads the lines of its assignment, and cannot ask for them
        case = self._case(user_id=self.staff_a.id, instrument_ids=[Command.set(self.caliper.ids)])
        case.action_accept()
        self.env["qi.case.assignment"].create(
            {"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item_15.id}
        )
        self.assertEqual(self.caliper.with_user(self.provider_user).read(["name"])[0]["name"], self.caliper.name)
        with self.assertRaises(AccessError):
            self._demand(self.caliper.with_user(self.provider_user), self.provider_user)
        self.assertEqual(self.caliper.case_ids, case)

    # ------------------------------------------------------------------
    # Matching (R-6.1.1.1)
    # ------------------------------------------------------------------
    def test_matching_proposes_the_provider_with_a_valid_qualification(self):
        lapsed = create_provider(self.env, "Lapsed Metrology Station", 90011)
        self.env["qi.provider.qualification"].create(
            {
                "provider_id": lapsed.id,
                "qualification_type": "metrology_authorisation",
                "number": "(冀)法计(2020)03009",
                "scope_item_ids": [Command.link(self.item_verification.id)],
                "date_from": datetime.date(2020, 1, 1),
                "date_to": datetime.date(2025, 12, 31),
            }
        )
        case = self._demand(self.scales.with_user(self.staff_a), self.staff_a)
        result = (
            self.env["qi.catalogue.matcher"]
            .with_user(self.staff_a)
            .match(case.item_ids, partner=case.partner_id, window=case.window_id)
        )
        proposed = [entry["record"] for entry in result["providers"]]
        self.assertIn(self.provider, proposed)
        self.assertNotIn(lapsed, proposed)
        self.assertIn(lapsed, [entry["record"] for entry in result["excluded"]])
        # the same through the case's Find Resources, as its first handler
        case.with_user(self.staff_a).action_accept()
        wizard = self._find_resources(case, self.staff_a)
        line = wizard.provider_line_ids.filtered(lambda line: line.partner_id == self.provider)
        self.assertIn("Valid qualification", line.reasons)
        self.assertNotIn(lapsed, wizard.provider_line_ids.partner_id)
        left_out = wizard.excluded_line_ids.filtered(lambda line: line.partner_id == lapsed)
        self.assertIn("Only an expired qualification", left_out.reasons)

    def test_matching_counts_the_kinds_of_instruments_a_qualification_names(self):
        """A provider authorised for the instruments' categories ranks first; one
        whose authorisation names other categories is told so and ranks below
        one whose authorisation does not say."""
        self.qualification.qi_instrument_category_ids = self.category_scale
        silent = create_provider(self.env, "Silent Metrology Lab", 90012)
        elsewhere = create_provider(self.env, "Caliper-only Lab", 90013)
        for provider, number, categories in (
            (silent, "(冀)法计(2024)03002", []),
            (elsewhere, "(冀)法计(2024)03003", self.category_caliper.ids),
        ):
            self.env["qi.provider.qualification"].create(
                {
                    "provider_id": provider.id,
                    "qualification_type": "metrology_authorisation",
                    "number": number,
                    "scope_item_ids": [Command.link(self.item_verification.id)],
                    "qi_instrument_category_ids": [Command.set(categories)],
                    "date_from": datetime.date(2024, 1, 1),
                    "date_to": datetime.date(2029, 12, 31),
                }
            )
        case = self._demand(self.scales.with_user(self.staff_a), self.staff_a)
        case.with_user(self.staff_a).action_accept()
        wizard = self._find_resources(case, self.staff_a)
        first = wizard.provider_line_ids[:1]
        scale = self.category_scale.with_user(self.staff_a).name
        self.assertEqual(first.partner_id, self.provider, "the authorised provider ranks first")
        self.assertIn(f"Authorised for these kinds of instruments: {scale}", first.reasons)
        # every provider, as Find Resources ranks them for the case's instruments
        Matcher = self.env["qi.catalogue.matcher"].with_user(self.staff_a)
        result = Matcher.with_context(qi_instrument_category_ids=self.category_scale.ids).match(
            case.item_ids, partner=case.partner_id, window=case.window_id, limit=0
        )
        reasons = {entry["record"]: [r["text"] for r in entry["reasons"]] for entry in result["providers"]}
        ranked = [entry["record"] for entry in result["providers"] if entry["record"] in (silent, elsewhere)]
        self.assertEqual(
            ranked, [silent, elsewhere], "a lab authorised for other kinds ranks below one that does not say"
        )
        self.assertIn(f"Its qualifications do not name these kinds of instruments: {scale}", reasons[elsewhere])
        self.assertFalse([text for text in reasons[silent] if "kinds of instruments" in text])
        # without instruments (a demand for the item only) the categories say nothing
        result = Matcher.match(case.item_ids, partner=case.partner_id, window=case.window_id, limit=0)
        for entry in result["providers"]:
            self.assertFalse([r for r in entry["reasons"] if "kinds of instruments" in r["text"]])
