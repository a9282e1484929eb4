import re
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged, users, warmup

from odoo.addons.qi_catalogue.models.qi_catalogue_matcher import POINTS_LOAD
from odoo.addons.qi_catalogue.models.qi_catalogue_matcher_text import REASON_TEXTS

from .common import QiCatalogueCommon, create_provider

CJK = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestMatching(QiCatalogueCommon):
    """R-7.2.1: resources matched to a demand, each rank explained."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Qualification = env["qi.provider.qualification"]
        cls.p_best = create_provider(
            env,
            "Best Lab",
            201,
            qi_item_ids=[Command.set(cls.item_calibration.ids)],
            qi_industry_ids=[Command.set(cls.industry.ids)],
            qi_region_ids=[Command.set(cls.region_city.ids)],
            qi_capacity=5,
        )
        cls.p_mid = create_provider(
            env,
            "Middle Lab",
            202,
            qi_item_ids=[Command.set(cls.item_calibration.ids)],
            qi_industry_ids=[Command.set(cls.industry.ids)],
        )
        cls.p_offer_only = create_provider(
            env, "Offer-only Lab", 203, qi_item_ids=[Command.set(cls.item_calibration.ids)]
        )
        cls.p_expired = create_provider(env, "Lapsed Lab", 204, qi_item_ids=[Command.set(cls.item_calibration.ids)])
        cls.p_expired_only = create_provider(env, "Expired-only Lab", 205)
        cls.p_qualified_only = create_provider(env, "Qualified-only Lab", 206)
        cls.p_far = create_provider(
            env,
            "Far Lab",
            207,
            qi_item_ids=[Command.set(cls.item_barcode.ids)],
            qi_region_ids=[Command.set(cls.region_far.ids)],
        )

        def qualify(provider, number, date_to, items):
            return Qualification.create(
                {
                    "provider_id": provider.id,
                    "qualification_type": "cnas_lab",
                    "number": number,
                    "date_from": "2020-01-01",
                    "date_to": date_to,
                    "scope_item_ids": [Command.set(items.ids)],
                }
            )

        qualify(cls.p_best, "CNAS L2001", "2099-12-31", cls.item_calibration)
        qualify(cls.p_mid, "CNAS L2002", "2099-12-31", cls.item_calibration)
        cls.lapsed = qualify(cls.p_expired, "CNAS L2004", "2020-12-31", cls.item_calibration)
        qualify(cls.p_expired_only, "CNAS L2005", "2020-12-31", cls.item_calibration)
        qualify(cls.p_qualified_only, "CNAS L2006", False, cls.item_calibration)
        env["qi.provider.station"].create(
            {"provider_id": cls.p_best.id, "window_id": cls.window.id, "date_from": "2020-01-01"}
        )
        # experts
        Partner, Expert = env["res.partner"], env["qi.expert"]
        cls.university = Partner.create({"name": "Test University", "is_company": True})

        def expert(name, **values):
            person = Partner.create({"name": name, "is_company": False})
            return Expert.create({"partner_id": person.id, "employer_id": cls.university.id, **values})

        cls.e_item = expert(
            "Expert Item",
            item_ids=[Command.set(cls.item_calibration.ids)],
            industry_ids=[Command.set(cls.industry.ids)],
            region_id=cls.region_district.id,
            max_assignments=3,
        )
        cls.e_field = expert("Expert Field", category_ids=[Command.set(cls.category.ids)], is_public_welfare=True)
        cls.e_busy = expert("Expert Busy", item_ids=[Command.set(cls.item_calibration.ids)], availability="busy")
        cls.e_unavailable = expert(
            "Expert Away", item_ids=[Command.set(cls.item_calibration.ids)], availability="unavailable"
        )
        cls.e_employee = expert(
            "Expert Employee", item_ids=[Command.set(cls.item_calibration.ids)], employer_id=cls.enterprise.id
        )
        # a contact person of the enterprise itself, employer derived from the contact
        cls.e_contact = Expert.create(
            {
                "partner_id": Partner.create({"name": "Expert Insider", "parent_id": cls.enterprise.id}).id,
                "item_ids": [Command.set(cls.item_calibration.ids)],
            }
        )
        cls.e_conflict = expert(
            "Expert Conflicted",
            item_ids=[Command.set(cls.item_calibration.ids)],
            conflict_partner_ids=[Command.set(cls.enterprise.ids)],
        )
        cls.e_full = expert("Expert Full", item_ids=[Command.set(cls.item_calibration.ids)], max_assignments=2)
        # an advantage enterprise showing the item
        cls.benchmark = Partner.create(
            {
                "name": "Benchmark Works",
                "is_company": True,
                "is_qi_advantage": True,
                "qi_hosts_visits": True,
                "qi_advantage_item_ids": [Command.set(cls.item_calibration.ids)],
                "industry_id": cls.industry.id,
            }
        )

    def _match(self, user=None, lang="en_US", **kwargs):
        matcher = self.env["qi.catalogue.matcher"].with_user(user or self.staff).with_context(lang=lang)
        kwargs.setdefault("partner", self.enterprise)
        kwargs.setdefault("window", self.window)
        kwargs.setdefault("limit", 50)
        return matcher.match(self.item_calibration, **kwargs)

    def _names(self, entries):
        return [entry["name"] for entry in entries]

    def _by_name(self, entries, name):
        return next(entry for entry in entries if entry["name"] == name)

    def _assert_consistent(self, entries):
        """The score is the sum of the reasons' points, and the order follows it."""
        for entry in entries:
            self.assertAlmostEqual(entry["score"], sum(r["points"] for r in entry["reasons"]), places=2)
        scores = [entry["score"] for entry in entries]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_providers_ranked_as_their_reasons_say(self):
        result = self._match()
        providers = result["providers"]
        self._assert_consistent(providers)
        names = self._names(providers)
        self.assertEqual(names[:2], ["Best Lab", "Middle Lab"])
        self.assertNotIn("Far Lab", names, "does not offer the item")
        best = self._by_name(providers, "Best Lab")
        texts = [reason["text"] for reason in best["reasons"]]
        self.assertEqual(best["score"], 105.0)
        self.assertIn("Offers T-9.1.1 Test calibration", texts)
        self.assertTrue(
            any(
                t.startswith("Valid qualification: CNAS Laboratory Accreditation CNAS L2001 covers T-9.1.1")
                for t in texts
            ),
            texts,
        )
        self.assertTrue(any(t.startswith("Stationed at Catalogue Window since") for t in texts), texts)
        self.assertIn("Serves the region Test City", texts, "a provider serving the city serves its districts")
        self.assertIn("Serves the industry Manufacturing", texts)
        self.assertIn("Current load: 0 of 5 assignments open", texts)
        # a valid qualification alone brings a provider in
        self.assertIn("Qualified-only Lab", names)
        qualified_only = self._by_name(providers, "Qualified-only Lab")
        self.assertIn("(no expiry date)", qualified_only["reasons"][0]["text"])
        # without a window, nobody is stationed
        alone = self._match(window=None)["providers"]
        self.assertEqual(self._by_name(alone, "Best Lab")["score"], 90.0)

    def test_expired_qualification_is_dropped(self):
        result = self._match()
        lapsed = self._by_name(result["providers"], "Lapsed Lab")
        qualified = self._by_name(result["providers"], "Middle Lab")
        self.assertLess(lapsed["score"], qualified["score"])
        texts = [reason["text"] for reason in lapsed["reasons"]]
        self.assertFalse(any(t.startswith("Valid qualification") for t in texts))
        expired_reason = next(r for r in lapsed["reasons"] if r["text"].startswith("Not counted"))
        self.assertEqual(expired_reason["points"], 0)
        self.assertIn("CNAS L2004", expired_reason["text"])
        self.assertIn("expired on 12/31/2020", expired_reason["text"])
        # linked to the item only by an expired qualification: left out, and said so
        self.assertNotIn("Expired-only Lab", self._names(result["providers"]))
        left_out = self._by_name(result["excluded"], "Expired-only Lab")
        self.assertEqual(left_out["kind"], "provider")
        self.assertIn("Only an expired qualification covers the requested items", left_out["reasons"][0])
        # renewing it brings the coverage back
        self.lapsed.date_to = "2099-12-31"
        lapsed = self._by_name(self._match()["providers"], "Lapsed Lab")
        self.assertEqual(lapsed["score"], qualified["score"] - 10, "only the industry differs")

    def test_experts_ranked_and_conflicts_left_out(self):
        with patch.object(
            self.registry["qi.catalogue.matcher"],
            "_get_expert_load",
            lambda matcher, experts: {self.e_full.id: 2, self.e_item.id: 1},
        ):
            result = self._match()
        experts = result["experts"]
        self._assert_consistent(experts)
        names = self._names(experts)
        self.assertEqual(names[0], "Expert Item")
        self.assertIn("Expert Field", names)
        self.assertIn("Expert Busy", names)
        for dropped in ("Expert Employee", "Expert Insider", "Expert Conflicted", "Expert Full", "Expert Away"):
            self.assertNotIn(dropped, names)
        excluded = {entry["name"]: entry["reasons"] for entry in result["excluded"] if entry["kind"] == "expert"}
        self.assertEqual(excluded["Expert Employee"], ["Works for the service object (employer)"])
        self.assertEqual(excluded["Expert Insider"], ["Works for the service object (employer)"])
        self.assertEqual(excluded["Expert Conflicted"], ["Declared a conflict of interest with the service object"])
        self.assertEqual(excluded["Expert Full"], ["At capacity: 2 of 2 assignments"])
        item = self._by_name(experts, "Expert Item")
        self.assertEqual(
            [r["text"] for r in item["reasons"]],
            [
                "Expert in T-9.1.1 Test calibration",
                "Serves the industry Manufacturing",
                "Based in the region Test District",
                "Current load: 1 of 3 assignments open",
            ],
        )
        field = self._by_name(experts, "Expert Field")
        self.assertIn("Works in the field of Test Metrology", [r["text"] for r in field["reasons"]])
        self.assertIn("Public-welfare expert, serves free of charge", [r["text"] for r in field["reasons"]])
        busy = self._by_name(experts, "Expert Busy")
        self.assertIn({"text": "Currently busy", "points": -10.0}, busy["reasons"])
        # without a service object nobody is in conflict
        anonymous = self._names(self._match(partner=None)["experts"])
        self.assertIn("Expert Employee", anonymous)
        self.assertIn("Expert Conflicted", anonymous)

    def test_employer_always_on_the_conflict_list(self):
        self.assertIn(self.enterprise, self.e_employee.conflict_partner_ids)
        self.e_employee.conflict_partner_ids = [Command.clear()]
        self.assertIn(self.enterprise, self.e_employee.conflict_partner_ids, "the employer cannot be removed")
        self.assertIn(self.enterprise, self.e_contact.conflict_partner_ids, "employer derived from the contact")

    def test_load_and_rating_hooks_change_the_rank(self):
        """What qi_case feeds in: open assignments and satisfaction ratings."""
        Matcher = self.registry["qi.catalogue.matcher"]
        with (
            patch.object(Matcher, "_get_provider_load", lambda matcher, providers: {self.p_best.id: 5}),
            patch.object(
                Matcher,
                "_get_rating_score",
                lambda matcher, records: {self.p_mid.id: (4.6, 12)} if records._name == "res.partner" else {},
            ),
        ):
            providers = self._match()["providers"]
        self._assert_consistent(providers)
        self.assertEqual(self._names(providers)[0], "Middle Lab")
        best = self._by_name(providers, "Best Lab")
        self.assertIn({"text": "At full capacity: 5 of 5 assignments open", "points": -20.0}, best["reasons"])
        middle = self._by_name(providers, "Middle Lab")
        self.assertIn({"text": "Rated 4.6/5 by 12 service objects", "points": 9.0}, middle["reasons"])

    def test_advantage_enterprises_for_learning_visits(self):
        enterprises = self._match()["enterprises"]
        self.assertEqual(self._names(enterprises), ["Benchmark Works"])
        self.assertEqual(
            [r["text"] for r in enterprises[0]["reasons"]],
            ["Can show T-9.1.1 Test calibration", "Hosts learning visits", "Same industry: Manufacturing"],
        )

    def test_reasons_are_human_readable_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        result = self._match(lang="zh_CN")
        texts = [r["text"] for e in result["providers"] + result["experts"] for r in e["reasons"]]
        texts += [t for e in result["excluded"] for t in e["reasons"]]
        for text in texts:
            with self.subTest(text=text):
                self.assertNotRegex(text, r"%\(|%s|^[a-z_]+$", "no placeholder or internal key left")
                self.assertRegex(text, CJK)

    def test_every_reason_text(self):
        """Each key of the reason table gives its text, filled from the demand
        and the reason's parameters (the texts zh_CN.po translates)."""
        Matcher = self.env["qi.catalogue.matcher"].with_user(self.staff).with_context(lang="en_US")
        demand = Matcher._prepare_demand(self.item_calibration, self.enterprise, self.window, None, None)
        demand["today"] = date(2030, 1, 1)
        item = self.item_calibration.id
        cnas = {"qualification_type": "cnas_lab", "covered": {item}}
        covering = [
            {**cnas, "number": "CNAS L1", "date_to": False},
            {**cnas, "number": "CNAS L2", "date_to": date(2030, 1, 11)},
            {**cnas, "number": "CNAS L3", "date_to": date(2099, 1, 2)},
        ]
        lapsed = [{**cnas, "number": "CNAS L4", "date_to": date(2020, 12, 31)}]
        city = {"regions": {self.region_city.id}}
        cases = {
            "offers": ({"items": {item}}, "Offers T-9.1.1 Test calibration"),
            "qualified": (
                {"qualifications": covering, "expiring_days": 30},
                "Valid qualification: CNAS Laboratory Accreditation CNAS L1 covers T-9.1.1 Test calibration "
                "(no expiry date); CNAS Laboratory Accreditation CNAS L2 covers T-9.1.1 Test calibration, "
                "valid until 01/11/2030 (expiring soon); CNAS Laboratory Accreditation CNAS L3 covers "
                "T-9.1.1 Test calibration, valid until 01/02/2099",
            ),
            "expired": (
                {"qualifications": lapsed},
                "Not counted: CNAS Laboratory Accreditation CNAS L4 expired on 12/31/2020",
            ),
            "only_expired": (
                {"qualifications": lapsed},
                "Only an expired qualification covers the requested items: "
                "CNAS Laboratory Accreditation CNAS L4 (expired on 12/31/2020)",
            ),
            "stationed": ({"date": date(2020, 1, 1)}, "Stationed at Catalogue Window since 01/01/2020"),
            "region": (city, "Serves the region Test City"),
            "expert_region": (city, "Based in the region Test City"),
            "located": (city, "Located in the region Test City"),
            "industry": ({}, "Serves the industry Manufacturing"),
            "same_industry": ({}, "Same industry: Manufacturing"),
            "full": ({"load": 5, "capacity": 5}, "At full capacity: 5 of 5 assignments open"),
            "load_capacity": ({"load": 1, "capacity": 3}, "Current load: 1 of 3 assignments open"),
            "load": ({"load": 2}, "Current load: 2 open assignments"),
            "idle": ({"load": 0}, "No open assignments"),
            "rating": ({"average": 4.56, "count": 12}, "Rated 4.6/5 by 12 service objects"),
            "expert_items": ({"items": {item}}, "Expert in T-9.1.1 Test calibration"),
            "expert_fields": ({"categories": {self.category.id}}, "Works in the field of Test Metrology"),
            "public_welfare": ({}, "Public-welfare expert, serves free of charge"),
            "busy": ({}, "Currently busy"),
            "shows": ({"items": {item}}, "Can show T-9.1.1 Test calibration"),
            "hosts_visits": ({}, "Hosts learning visits"),
            "self": ({}, "It is the service object itself"),
            "employer": ({}, "Works for the service object (employer)"),
            "conflict": ({}, "Declared a conflict of interest with the service object"),
            "capacity": ({"load": 2, "capacity": 2}, "At capacity: 2 of 2 assignments"),
        }
        self.assertEqual(set(cases), set(REASON_TEXTS), "every key of the table is checked")
        for key, (params, text) in cases.items():
            with self.subTest(key=key):
                self.assertEqual(Matcher._reason_text(demand, key, params), text)
        self.assertEqual(Matcher._reason_text(demand, "unknown", {}), "unknown", "an unknown key shows as is")
        # no open assignment and no capacity: the full load points, as "idle"
        self.assertEqual(Matcher._load_reason(0, 0), ("idle", POINTS_LOAD, {"load": 0}))
        self.assertEqual(Matcher._load_reason(1, 0), ("load", POINTS_LOAD / 2, {"load": 1}))

    def test_limit_and_wizard(self):
        self.assertEqual(len(self._match(limit=2)["providers"]), 2)
        wizard = (
            self.env["qi.catalogue.match.wizard"]
            .with_user(self.staff)
            .create(
                {
                    "item_ids": [Command.set(self.item_calibration.ids)],
                    "partner_id": self.enterprise.id,
                    "max_results": 3,
                }
            )
        )
        self.assertEqual(wizard.window_id, self.window, "the staff member's window by default")
        self.assertEqual(wizard.industry_id, self.industry)
        self.assertEqual(wizard.region_id, self.region_district)
        action = wizard.action_match()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.provider_line_ids.mapped("name")[:2], ["Best Lab", "Middle Lab"])
        self.assertEqual(wizard.provider_line_ids.mapped("rank"), [1, 2, 3])
        self.assertIn("+15 · Stationed at Catalogue Window", wizard.provider_line_ids[0].reasons)
        self.assertIn("Expert Employee", wizard.excluded_line_ids.mapped("name"))
        self.assertEqual(wizard.enterprise_line_ids.name, "Benchmark Works")
        # the coordination department may look too
        self.env["qi.catalogue.match.wizard"].with_user(self.coordinator).create(
            {"item_ids": [Command.set(self.item_calibration.ids)]}
        ).action_match()


@tagged("post_install", "-at_install")
class TestMatchingQueries(QiCatalogueCommon):
    """Matching reads all candidates in a fixed number of queries: its cost
    does not grow with the number of providers and experts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seq = 300
        cls._add_resources(3)

    @classmethod
    def _add_resources(cls, count):
        env = cls.env
        for __ in range(count):
            cls.seq += 1
            provider = create_provider(
                env,
                f"Load Lab {cls.seq}",
                cls.seq,
                qi_item_ids=[Command.set((cls.item_calibration | cls.item_ledger).ids)],
                qi_industry_ids=[Command.set(cls.industry.ids)],
                qi_region_ids=[Command.set(cls.region_city.ids)],
                qi_capacity=4,
            )
            env["qi.provider.qualification"].create(
                [
                    {
                        "provider_id": provider.id,
                        "qualification_type": "cma",
                        "number": f"V{cls.seq}",
                        "date_to": "2099-01-01",
                        "scope_item_ids": [Command.set(cls.item_calibration.ids)],
                    },
                    {
                        "provider_id": provider.id,
                        "qualification_type": "cnas_lab",
                        "number": f"E{cls.seq}",
                        "date_to": "2020-01-01",
                        "scope_item_ids": [Command.set(cls.item_ledger.ids)],
                    },
                ]
            )
            env["qi.provider.station"].create(
                {"provider_id": provider.id, "window_id": cls.window.id, "date_from": "2020-01-01"}
            )
            person = env["res.partner"].create({"name": f"Load Expert {cls.seq}", "parent_id": provider.id})
            env["qi.expert"].create(
                {
                    "partner_id": person.id,
                    "item_ids": [Command.set(cls.item_calibration.ids)],
                    "category_ids": [Command.set(cls.category.ids)],
                    "industry_ids": [Command.set(cls.industry.ids)],
                    "conflict_partner_ids": [Command.set(cls.enterprise.ids)] if cls.seq % 5 == 0 else [],
                }
            )
        env.flush_all()

    def _match(self):
        self.env.invalidate_all()
        return self.env["qi.catalogue.matcher"].match(
            self.item_calibration | self.item_ledger, partner=self.enterprise, window=self.window, limit=10
        )

    @users("qi_staff_a")  # QiWindowCommon's staff_a, the catalogue's staff
    @warmup
    def test_query_count_does_not_grow_with_providers(self):
        expected = QUERIES + _hook_queries(self.env)
        with self.assertQueryCount(qi_staff_a=expected):
            small = self._match()
        self.assertEqual(len(small["providers"]), 3)
        type(self)._add_resources(40)
        with self.assertQueryCount(qi_staff_a=expected):
            large = self._match()
        self.assertEqual(len(large["providers"]), 10)
        self.assertEqual(len(large["experts"]), 10)


# the whole demand as window staff: the demand (items, service object, regions,
# names the reasons show), qualifications and their items, providers and their
# 3 relations, the window's stations, experts and their 4 relations, advantage
# enterprises and their items
# 24 with qi_catalogue alone; an addon that feeds the load and rating hooks
# (qi_case) adds one grouped query per hook, never one per candidate.
QUERIES = 24


def _hook_queries(env):
    """One grouped query per load/rating hook that another addon implements."""
    count = 0
    for name in ("_get_provider_load", "_get_expert_load", "_get_rating_score"):
        owner = next(cls for cls in type(env["qi.catalogue.matcher"]).__mro__ if name in vars(cls))
        if getattr(owner, "_module", "qi_catalogue") != "qi_catalogue":
            # the rating hook is asked for providers and for experts
            count += 2 if name == "_get_rating_score" else 1
    return count
