from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseStatistics(QiCaseCommon):
    """Monthly statistics give the figures of the live case pivot, per window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a1 = cls._make(cls.window_a, datetime(2026, 9, 25, 2, 0))
        cls.case_a2 = cls._make(cls.window_a, datetime(2026, 9, 30, 17, 0))  # 1 October in Beijing
        cls.case_b = cls._make(cls.window_b, datetime(2026, 9, 26, 2, 0), user=cls.staff_b)
        cls.case_a1.action_accept()

    @classmethod
    def _make(cls, window, received, user=None):
        return (
            cls.env["qi.case"]
            .with_user(user or cls.staff_a)
            .create(
                {
                    "subject": "Statistics case",
                    "partner_id": cls.enterprise.id,
                    "window_id": window.id,
                    "channel": "phone",
                    "item_ids": [(6, 0, cls.item_15.ids)],
                    "date_received": received,
                }
            )
        )

    def _figures(self, model, month_field, env=None):
        Model = (env or self.env)[model].with_context(tz="Asia/Shanghai")
        rows = Model._read_group(
            [], ["window_id", f"{month_field}:month"], ["__count", "days_used:avg", "on_time_rate:avg"]
        )
        return {
            # a datetime field groups by datetime, a date field by date: compare the days
            (window.id, month.date() if isinstance(month, datetime) else month): (
                count,
                round(days or 0, 6),
                round(rate or 0, 6),
            )
            for window, month, count, days, rate in rows
        }

    def test_same_figures_as_the_live_pivot(self):
        self.env["qi.case.statistics"]._refresh()
        live = self._figures("qi.case", "date_received")
        # the demo cases carry days used and results: the weighted averages are exercised
        self.assertTrue(any(days for _count, days, _rate in live.values()))
        self.assertTrue(any(rate for _count, _days, rate in live.values()))
        statistics = self._figures("qi.case.statistics", "month")
        self.assertEqual(statistics, live)
        self.assertTrue(any(key[0] == self.window_a.id for key in statistics))
        self.assertGreater(sum(v[0] for v in statistics.values()), 3, "demo cases are counted too")

    def test_month_of_reception_is_beijing_time(self):
        self.env["qi.case.statistics"]._refresh()
        rows = self.env["qi.case.statistics"].search([("window_id", "=", self.window_a.id), ("channel", "=", "phone")])
        self.assertEqual(
            sorted((str(row.month), row.case_count) for row in rows),
            [("2026-09-01", 1), ("2026-10-01", 1)],
            "received 30 September 17:00 UTC is 1 October in Beijing",
        )

    def test_refresh_replaces_the_figures(self):
        Statistics = self.env["qi.case.statistics"]
        Statistics._refresh()
        before = sum(Statistics.search([]).mapped("case_count"))
        self._make(self.window_a, datetime(2026, 9, 28, 2, 0))
        Statistics._refresh()
        self.assertEqual(sum(Statistics.search([]).mapped("case_count")), before + 1)
        self.assertEqual(before + 1, self.env["qi.case"].search_count([]))

    def test_window_isolation_and_refresh_rights(self):
        Statistics = self.env["qi.case.statistics"]
        Statistics._refresh()
        as_staff_a = Statistics.with_user(self.staff_a).search([])
        self.assertTrue(as_staff_a)
        self.assertEqual(as_staff_a.window_id, self.window_a)
        self.assertEqual(Statistics.with_user(self.staff_b).search([]).window_id, self.window_b)
        self.assertIn(self.window_b, Statistics.with_user(self.coordinator).search([]).window_id)
        with self.assertRaises(AccessError):
            Statistics.with_user(self.staff_a).action_refresh()
        with self.assertRaises(AccessError):
            Statistics.with_user(self.coordinator).search([], limit=1).write({"case_count": 0})
        self.assertEqual(Statistics.with_user(self.leader).action_refresh()["tag"], "soft_reload")

    def test_pivot_as_the_web_client_loads_it(self):
        self.env["qi.case.statistics"]._refresh()
        Statistics = self.env["qi.case.statistics"].with_user(self.staff_a).with_context(tz="Asia/Shanghai")
        views = Statistics.get_views([(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")])
        self.assertIn("pivot", views["views"])
        grouping_sets = [[], ["window_id"], ["month:month"], ["window_id", "month:month"]]
        result = Statistics.formatted_read_grouping_sets(
            [], grouping_sets, ["case_count:sum", "days_used:avg", "on_time_rate:avg", "__count"]
        )
        total = result[0][0]
        cases_a = self.env["qi.case"].search_count([("window_id", "=", self.window_a.id)])
        # the staff member's own window only; "Count" counts cases, not statistics rows
        self.assertEqual((total["case_count:sum"], total["__count"]), (cases_a, cases_a))
