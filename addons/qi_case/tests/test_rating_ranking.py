from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .rating_results_common import QiRatingResultsCommon

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
FIGURES = [
    "rating_count",
    "satisfied_count",
    "satisfaction_rate",
    "bad_count",
    "bad_fixed_count",
    "bad_fixed_on_time_count",
    "on_time_fix_rate",
    "rank",
    "bottom_rank",
    "ranked_count",
]


@tagged("post_install", "-at_install")
class TestRatingRanking(QiRatingResultsCommon):
    """The use of the 好差评 results (R-8.1): the monthly ranking of the windows
    and, internally, of the staff, and the call-in (约谈) suggestion for a window
    at the bottom two months running."""

    def _rows(self, model, user, **where):
        domain = [(key, "=", value) for key, value in where.items()]
        unit = "window_id" if model == "qi.rating.ranking" else "user_id"
        # the figures as the database has them now, not as an earlier read cached them
        self.env[model].invalidate_model()
        rows = self.env[model].with_user(user).search_fetch(domain, [unit, *FIGURES])
        return {(row.month, row[unit]): [row[name] for name in FIGURES] for row in rows}

    def test_window_figures_and_ranks_per_china_month(self):
        # window A in November: 5, 4, and a bad review called back and fixed on time
        self._rated("5", "2026-11-03 02:00:00")
        self._rated("4", "2026-11-10 02:00:00")
        bad_a = self._rated("1", "2026-11-16 02:00:00")
        self._follow_up(bad_a, callback_at="2026-11-16 08:00:00", fix_at="2026-11-20 08:00:00")
        # window B: 01:00 on 1 November in China (still October in UTC) counts in November
        b = {"window": self.window_b, "handler": self.staff_b}
        self._rated("4", "2026-10-31 17:00:00", **b)
        self._rated("3", "2026-11-04 02:00:00", **b)
        self._rated("2", "2026-11-05 02:00:00", **b)
        late = self._rated("1", "2026-11-06 02:00:00", **b)
        self._follow_up(late, callback_at="2026-11-06 08:00:00", fix_at="2026-12-31 08:00:00")
        # 00:30 on 1 December in China (30 November in UTC): December's, one rating, not ranked
        self._rated("5", "2026-11-30 16:30:00", **b)

        rows = self._rows("qi.rating.ranking", self.leader)
        self.assertEqual(rows[NOV, self.window_a], [3, 2, 66.7, 1, 1, 1, 100.0, 1, 2, 2])
        self.assertEqual(rows[NOV, self.window_b], [4, 2, 50.0, 2, 1, 0, 0.0, 2, 1, 2])
        self.assertEqual(rows[DEC, self.window_b], [1, 1, 100.0, 0, 0, 0, 0.0, 0, 0, 0])
        self.assertNotIn((DEC, self.window_a), rows)
        # the totals of a pivot weigh each window by its ratings, not by its rate
        Ranking = self.env["qi.rating.ranking"].with_user(self.coordinator)
        [[rate, count, fix_rate]] = Ranking._read_group(
            [("month", "=", NOV)], [], ["satisfaction_rate:avg", "rating_count:sum", "on_time_fix_rate:avg"]
        )
        self.assertEqual((rate, count, fix_rate), (57.1, 7, 33.3))

        # a rating set aside on appeal leaves the figures: A's month has two good reviews left
        bad_a.with_user(self.staff_a).action_appeal("Rated another window's case")
        bad_a.with_user(self.leader).action_appeal_uphold()
        rows = self._rows("qi.rating.ranking", self.leader, month=NOV)
        self.assertEqual(rows[NOV, self.window_a][:4], [2, 2, 100.0, 0])
        # two ratings are below the minimum of three: no rank, B stands alone
        self.assertEqual(rows[NOV, self.window_a][7:], [0, 0, 0])
        self.assertEqual(rows[NOV, self.window_b][7:], [1, 1, 1])

    def test_staff_ranking_for_leaders_and_coordinators_only(self):
        for level in ("5", "5", "4"):
            self._rated(level, "2026-11-10 02:00:00")
        for level in ("5", "2", "3"):
            self._rated(level, "2026-11-11 02:00:00", handler=self.staff_a2)
        for level in ("1", "2", "3"):
            self._rated(level, "2026-11-12 02:00:00", window=self.window_b, handler=self.staff_b)
        expected = {
            (NOV, self.staff_a): [3, 3, 100.0, 0, 0, 0, 0.0, 1, 3, 3],
            (NOV, self.staff_a2): [3, 2, 66.7, 1, 0, 0, 0.0, 2, 2, 3],
            (NOV, self.staff_b): [3, 1, 33.3, 2, 0, 0, 0.0, 3, 1, 3],
        }
        self.assertEqual(self._rows("qi.rating.staff.ranking", self.leader), expected)
        self.assertEqual(self._rows("qi.rating.staff.ranking", self.coordinator), expected)
        # a staff member reads no one's ranking, not even through a row's id
        row = self.env["qi.rating.staff.ranking"].search([("user_id", "=", self.staff_a2.id)])
        with mute_logger("odoo.addons.base.models.ir_model"):
            for user in (self.staff_a, self.staff_a2, self.staff_b):
                with self.subTest(user=user.name), self.assertRaises(AccessError):
                    self.env["qi.rating.staff.ranking"].with_user(user).search([])
                with self.subTest(user=user.name), self.assertRaises(AccessError):
                    row.with_user(user).read(["rating_count"])
        # the windows' ranking: staff read the rows of their own windows only
        windows = self._rows("qi.rating.ranking", self.staff_b)
        self.assertEqual(list(windows), [(NOV, self.window_b)])
        self.assertEqual(windows[NOV, self.window_b][7:], [2, 1, 2])
        other = self.env["qi.rating.ranking"].search([("window_id", "=", self.window_a.id)])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            other.with_user(self.staff_b).read(["rank"])

    def _calls(self):
        return self.env["qi.rating.call.in"].search([("window_id", "in", (self.window_a | self.window_b).ids)])

    def test_call_in_after_two_months_at_the_bottom_across_the_year_end(self):
        b = {"window": self.window_b, "handler": self.staff_b}
        for level in ("5", "5", "4"):
            self._rated(level, "2026-11-10 02:00:00")
            self._rated(level, "2026-12-10 02:00:00")
        for level in ("1", "2", "3"):
            self._rated(level, "2026-11-12 02:00:00", **b)
        for level in ("2", "4", "5"):
            self._rated(level, "2026-12-14 02:00:00", **b)
        # 23:30 on 31 December in China: December is not over, the pair is October and November
        with freeze_time("2026-12-31 15:30:00"):
            self.env["qi.case.supervision"]._run()
        self.assertFalse(self._calls())
        # 00:30 on 1 January in China (still 31 December in UTC): B was last in November and December
        with freeze_time("2026-12-31 16:30:00"):
            self.env["qi.case.supervision"]._run()
        call = self._calls()
        self.assertEqual(call.window_id, self.window_b)
        self.assertEqual((call.previous_month, call.month), (NOV, DEC))
        self.assertEqual((call.previous_rank, call.rank, call.ranked_count), (2, 2, 2))
        self.assertEqual((call.previous_satisfaction_rate, call.satisfaction_rate), (33.3, 66.7))
        activity = call.activity_ids.filtered(lambda a: a.user_id == self.coordinator)
        self.assertEqual(activity.activity_type_id, self.env.ref("qi_case.mail_activity_type_rating_call_in"))
        self.assertIn("2026-11 and 2026-12", activity.summary)
        # once per month pair, however many runs the month has
        activities = len(call.activity_ids)
        for day in ("2027-01-01 02:00:00", "2027-01-20 02:00:00"):
            with freeze_time(day):
                self.env["qi.case.rating"]._suggest_call_ins(date.fromisoformat(day[:10]))
        self.assertEqual((self._calls(), len(call.activity_ids)), (call, activities))
        # February looks at December and January: B has no ranked January, no new suggestion
        self.assertFalse(self.env["qi.case.rating"]._suggest_call_ins(date(2027, 2, 1)))
        # the bottom two of two windows: A is suggested too, B still once
        self.env["ir.config_parameter"].set_param("qi_case.call_in_bottom_windows", 2)
        added = self.env["qi.case.rating"]._suggest_call_ins(date(2027, 1, 5))
        self.assertEqual(added.window_id, self.window_a)
        self.assertEqual(len(self._calls()), 2)

    def test_call_ins_are_read_by_the_coordination_department_not_by_staff(self):
        for month in ("2026-11", "2026-12"):
            for level in ("5", "5", "4"):
                self._rated(level, f"{month}-10 02:00:00")
            for level in ("1", "2", "3"):
                self._rated(level, f"{month}-11 02:00:00", window=self.window_b, handler=self.staff_b)
        call = self.env["qi.case.rating"]._suggest_call_ins(date(2027, 1, 4))
        self.assertEqual(call.window_id, self.window_b)
        call.with_user(self.coordinator).note = "Leader of window B called in on 2027-01-08"
        self.assertEqual(call.with_user(self.leader).note, "Leader of window B called in on 2027-01-08")
        with mute_logger("odoo.addons.base.models.ir_model"):
            for user in (self.staff_a, self.staff_b):
                with self.subTest(user=user.name), self.assertRaises(AccessError):
                    call.with_user(user).read(["window_id"])
            with self.assertRaises(AccessError):
                call.with_user(self.leader).write({"note": "Not the leader's to write"})
