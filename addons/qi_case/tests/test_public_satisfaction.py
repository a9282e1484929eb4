from lxml import html

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestPublicSatisfaction(HttpCase, QiCaseCommon):
    """好差评 on the public page: satisfaction per window and per service item,
    from the valid ratings only, with no name of any person or organisation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ent_user = new_test_user(
            cls.env,
            "satisfaction_ent",
            groups="base.group_portal",
            name="Rater Wang Xiaoming",
            email="wang.xiaoming@glass.example.cn",
        )
        cls.ent_user.partner_id.parent_id = cls.enterprise
        cls.window_a.item_ids = [Command.set((cls.item_15 | cls.item_5).ids)]
        cls.env["ir.config_parameter"].set_param("qi_case.public_satisfaction_min_ratings", 3)

    def _rate(self, items, level, comment=None):
        case = self._case(user_id=self.staff_a.id, item_ids=[Command.set(items.ids)])
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        case.action_complete()
        return self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, level, comment=comment)

    def _page(self):
        """The public page as an anonymous visitor: its text, the satisfaction
        shown per item ``{item: (rate text, count)}`` and that of window A."""
        response = self.url_open("/qi/windows")
        self.assertEqual(response.status_code, 200)
        tree = html.fromstring(response.text)
        items = {}
        for row in tree.xpath("//section[hasclass('o_qi_item_satisfaction')]//tr[@data-item-id]"):
            rate = " ".join(row.xpath(".//td[hasclass('o_qi_item_rate')]")[0].text_content().split())
            count = int(row.xpath(".//td[hasclass('o_qi_item_count')]")[0].text_content())
            items[self.env["qi.service.item"].browse(int(row.get("data-item-id")))] = (rate, count)
        window = tree.xpath("//div[@data-window-code='C-A']//p[hasclass('o_qi_satisfaction')]")[0]
        return response.text, items, " ".join(window.text_content().split())

    def test_rate_per_item_and_window_from_valid_ratings(self):
        both = self.item_15 | self.item_5
        self._rate(self.item_15, "5")
        self._rate(both, "4")
        self._rate(self.item_15, "2")
        appealed = self._rate(both, "1")
        __, items, window = self._page()
        # item 15: 5, 4, 2, 1 → 2 satisfied of 4; item 5: 4, 1 → below the minimum
        self.assertEqual(items[self.item_15], ("50%", 4))
        self.assertEqual(items[self.item_5], ("not enough ratings yet", 2))
        self.assertEqual(window, "Satisfaction (好差评): 50% (4 ratings)")

        appealed.with_user(self.staff_a).action_appeal("Rated another window's case")
        appealed.with_user(self.leader).action_appeal_uphold()
        __, items, window = self._page()
        # the rating set aside on appeal no longer counts: 5, 4, 2 → 2 of 3
        self.assertEqual(items[self.item_15], ("67%", 3))
        self.assertEqual(items[self.item_5], ("not enough ratings yet", 1))
        self.assertEqual(window, "Satisfaction (好差评): 67% (3 ratings)")

        self.env["ir.config_parameter"].set_param("qi_case.public_satisfaction_min_ratings", 1)
        __, items, __ = self._page()
        self.assertEqual(items[self.item_5], ("100%", 1))

    def test_items_without_enough_ratings(self):
        self._rate(self.item_15, "5")
        __, items, window = self._page()
        self.assertEqual(items[self.item_15], ("not enough ratings yet", 1), "not a misleading 100%")
        self.assertEqual(items[self.item_5], ("not enough ratings yet", 0))
        self.assertEqual(window, "Satisfaction (好差评): not enough ratings yet")

    def test_no_names_on_the_public_page(self):
        for level in ("5", "4", "1"):
            self._rate(self.item_15, level, comment="Secret remark 4711")
        body, items, __ = self._page()
        self.assertEqual(items[self.item_15], ("67%", 3))
        for hidden in (
            self.ent_user.name,
            self.ent_user.email,
            self.enterprise.name,
            self.enterprise.email,
            self.provider.name,
            self.staff_a.name,
            self.staff_a.email,
            self.leader.email,
            "Secret remark 4711",
        ):
            self.assertNotIn(hidden, body)

    def test_one_query_for_all_items(self):
        """The rates of all items come from one grouped query: listing ten items
        costs what listing two costs."""
        many = self.env["qi.service.item"].create(
            [{"name": f"Counted item {n}", "code": f"T-Q{n}", "category_id": self.category.id} for n in range(10)]
        )
        self._rate(many, "5")
        self._rate(many[:5] | self.item_15, "4")
        two = self.item_15 | self.item_5
        two._get_public_satisfaction()  # warm the cached configuration parameter
        for items in (two, two | many):
            self.env.invalidate_all()
            with self.subTest(items=len(items)), self.assertQueryCount(2):  # the grouped ratings, the item names
                values = items._get_public_satisfaction()
        counts = {value["id"]: value["count"] for value in values}
        self.assertEqual(counts[many[0].id], 2)
        self.assertEqual(counts[many[9].id], 1)
        self.assertEqual(counts[self.item_15.id], 1)

    def test_unset_minimum_means_the_readmes_three(self):
        """An unset setting read as 0 (get_param answers False): a rate showed from 1 rating."""
        self.env["ir.config_parameter"].set_param("qi_case.public_satisfaction_min_ratings", False)
        self._rate(self.item_15, "5")
        self._rate(self.item_15, "4")
        __, items, window = self._page()
        self.assertEqual(items[self.item_15], ("not enough ratings yet", 2))
        self.assertIn("not enough ratings yet", window)
        self._rate(self.item_15, "2")
        __, items, window = self._page()
        self.assertEqual(items[self.item_15], ("67%", 3))
