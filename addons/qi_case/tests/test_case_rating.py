from datetime import date

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseRating(HttpCase, QiCaseCommon):
    """好差评 (R-8.1): five levels, bad reviews followed up in PRC working days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ent_user = new_test_user(cls.env, "rating_ent", groups="base.group_portal", password="rating_ent-pwd-1")
        cls.ent_user.partner_id.parent_id = cls.enterprise

    def test_completion_asks_for_a_rating(self):
        case = self._completed_case()
        request = case.message_ids.filtered(lambda m: "Please rate our service" in (m.body or ""))
        self.assertEqual(len(request), 1)
        self.assertIn(self.enterprise, request.partner_ids)

    def test_bad_review_opens_follow_up_with_working_day_dates(self):
        case = self._completed_case()
        with freeze_time("2025-09-26 10:00:00"):
            rating = self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, "1", comment="Nobody called")
        self.assertTrue(rating.is_bad)
        self.assertEqual(rating.callback_due, date(2025, 9, 28))  # Sunday make-up working day
        self.assertEqual(rating.fix_due, date(2025, 10, 23))
        activities = rating.activity_ids
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.user_id, self.leader)
        self.assertEqual(sorted(activities.mapped("date_deadline")), [date(2025, 9, 28), date(2025, 10, 23)])

    def test_rerating_allowed_once_after_a_bad_review(self):
        case = self._completed_case()
        Rating = self.env["qi.case.rating"]
        first = Rating._rate(case, self.ent_user.partner_id, "2")
        second = Rating._rate(case, self.ent_user.partner_id, "4")
        self.assertFalse(first.is_current)
        self.assertEqual((second.rerated_from_id, case.rating_level), (first, "4"))
        with self.assertRaises(UserError):
            Rating._rate(case, self.ent_user.partner_id, "5")
        good = self._completed_case()
        Rating._rate(good, self.ent_user.partner_id, "5")
        with self.assertRaises(UserError):
            Rating._rate(good, self.ent_user.partner_id, "4")

    def test_staff_cannot_rate_for_the_enterprise(self):
        case = self._completed_case()
        with self.assertRaises(AccessError):
            self.env["qi.case.rating"]._rate(case, self.staff_a.partner_id, "5")
        with self.assertRaises(AccessError):
            self.env["qi.case.rating"].with_user(self.staff_a).create(
                {"case_id": case.id, "partner_id": self.enterprise.id, "level": "5"}
            )

    def test_rater_hidden_from_rated_staff(self):
        case = self._completed_case()
        rating = self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, "3")
        self.assertEqual(rating.with_user(self.staff_a).level, "3")
        with self.assertRaises(AccessError):
            rating.with_user(self.staff_a).read(["partner_id"])
        self.assertEqual(rating.with_user(self.leader).partner_id, self.ent_user.partner_id)

    def test_appeal_decided_by_manager(self):
        case = self._completed_case()
        rating = self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, "1")
        rating.with_user(self.staff_a).action_appeal("Rated the wrong case")
        with self.assertRaises(AccessError):
            rating.with_user(self.staff_a).action_decide_appeal(True)
        rating.with_user(self.leader).action_decide_appeal(True)
        self.assertEqual((rating.appeal_state, rating.is_current), ("upheld", False))

    def test_appeal_by_the_rated_staff_once(self):
        case = self._completed_case()
        rating = self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, "1")
        # the coordination department reads every rating but appeals none
        with self.assertRaises(AccessError):
            rating.with_user(self.coordinator).action_appeal("Not ours to judge")
        self.assertEqual(rating.appeal_state, "none")
        rating.with_user(self.staff_a).action_appeal("Rated the wrong case")
        rating.with_user(self.leader).action_appeal_reject()
        with self.assertRaises(UserError):
            rating.with_user(self.staff_a).action_appeal("Once more")
        self.assertEqual(rating.appeal_state, "rejected")

    def test_ratings_feed_matching(self):
        """The ratings of a case score the provider and the expert who delivered
        it, and rank them in the matching; a rating set aside on appeal does not."""
        person = self.env["res.partner"].create({"name": "Rated Expert Person"})
        expert = self.env["qi.expert"].create({"partner_id": person.id, "item_ids": [Command.set(self.item_15.ids)]})
        self.provider.qi_item_ids = [Command.link(self.item_15.id)]
        Matcher = self.env["qi.catalogue.matcher"]
        case = self._completed_case(expert=expert)
        rating = self.env["qi.case.rating"]._rate(case, self.ent_user.partner_id, "4")
        self.assertEqual(Matcher._get_rating_score(self.provider), {self.provider.id: (4.0, 1)})
        self.assertEqual(Matcher._get_rating_score(expert), {expert.id: (4.0, 1)})

        def rating_reasons(result):
            return {
                entry["record"]: [r for r in entry["reasons"] if r["text"].startswith("Rated ")]
                for entry in result["providers"] + result["experts"]
            }

        reasons = rating_reasons(Matcher.match(self.item_15, partner=self.enterprise, window=self.window_a))
        expected = [{"text": "Rated 4.0/5 by 1 service objects", "points": 7.5}]
        self.assertEqual(reasons[self.provider], expected)
        self.assertEqual(reasons[expert], expected)

        rating.with_user(self.staff_a).action_appeal("Rated the wrong case")
        rating.with_user(self.leader).action_appeal_uphold()
        self.assertEqual(Matcher._get_rating_score(self.provider | expert.partner_id), {})
        self.assertEqual(Matcher._get_rating_score(expert), {})
        reasons = rating_reasons(Matcher.match(self.item_15, partner=self.enterprise, window=self.window_a))
        self.assertEqual((reasons[self.provider], reasons[expert]), ([], []))

    def test_portal_rating_route(self):
        case = self._completed_case()
        self.authenticate("rating_ent", "rating_ent-pwd-1")
        self.url_open(
            f"/my/qi/cases/{case.id}/rate",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "level": "5",
                "score_efficiency": "4",
                "comment": "Quick",
            },
        )
        # sudo: the test checks what was stored, whoever the session user is
        rating = case.sudo().qi_rating_ids
        self.assertEqual((rating.level, rating.partner_id), ("5", self.ent_user.partner_id))
        # the online indicator set's scores (test_rating_indicators.py): efficiency as posted, overall = level
        self.assertEqual({s.code: s.level for s in rating.score_ids}, {"overall": "5", "efficiency": "4"})


@tagged("post_install", "-at_install")
class TestDefaultRating(HttpCase, QiCaseCommon):
    """The national 好差评 practice's default rating: a completed case still
    unrated N natural days after the request gets 基本满意, marked as a default
    (R-8.1). Off unless set."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ent_user = new_test_user(cls.env, "default_ent", groups="base.group_portal", password="default_ent-pwd-1")
        cls.ent_user.partner_id.parent_id = cls.enterprise
        cls.Rating = cls.env["qi.case.rating"]

    def _case_rated_for_on(self, day):
        """A case completed, and its rating asked for, on ``day`` in China."""
        with freeze_time(f"{day} 02:00:00"):  # 10:00 in Shanghai
            case = self._completed_case()
        self.assertEqual(case.rating_requested_date, date.fromisoformat(day))
        return case

    def _set(self, key, value):
        self.env["ir.config_parameter"].set_param(key, value)

    def test_default_rating_on_day_eight_across_the_year_end(self):
        self._set("qi_case.default_rating_days", "7")
        case = self._case_rated_for_on("2026-12-26")
        # day 7 (2 January, 09:00 in Shanghai, still 1 January in UTC): still the service object's to rate
        with freeze_time("2027-01-02 01:00:00"):
            self.env["qi.case.supervision"]._run()
        self.assertFalse(case.qi_rating_ids)
        # day 8: the nightly run records the default, once
        with freeze_time("2027-01-03 01:00:00"):
            self.env["qi.case.supervision"]._run()
            self.env["qi.case.supervision"]._run()
        rating = case.qi_rating_ids
        self.assertEqual(len(rating), 1)
        self.assertEqual((rating.level, rating.is_default, rating.is_current), ("3", True, True))
        self.assertEqual(case.rating_level, "3")
        self.assertTrue(case.message_ids.filtered(lambda m: "default rating" in (m.body or "")))
        # the rated staff read the rating, and no rater's name through its authors
        self.assertEqual(rating.with_user(self.staff_a).level, "3")
        self.assertEqual(rating.create_uid.id, 1)

    def test_no_default_rating_unless_set(self):
        case = self._case_rated_for_on("2026-11-27")
        with freeze_time("2026-12-31 01:00:00"):
            self.env["qi.case.supervision"]._run()
        self.assertFalse(case.qi_rating_ids)
        self._set("qi_case.default_rating_days", "0")
        with freeze_time("2026-12-31 01:00:00"):
            self.assertFalse(self.Rating._give_default_ratings(date(2026, 12, 31)))
        self.assertFalse(case.qi_rating_ids)

    def test_a_real_rating_replaces_the_default(self):
        self._set("qi_case.default_rating_days", "7")
        case = self._case_rated_for_on("2026-11-02")
        default = self.Rating._give_default_ratings(date(2026, 11, 10))
        self.assertEqual(default.case_id, case)
        real = self.Rating._rate(case, self.ent_user.partner_id, "2", comment="Too slow")
        self.assertFalse(default.is_current)
        self.assertEqual((real.is_current, real.is_default, real.rerated_from_id), (True, False, self.Rating))
        # a real bad review is followed up, and re-rated once, as any other
        self.assertTrue(real.callback_due)
        again = self.Rating._rate(case, self.ent_user.partner_id, "4")
        self.assertEqual(again.rerated_from_id, real)
        with self.assertRaises(UserError):
            self.Rating._rate(case, self.ent_user.partner_id, "5")

    def test_default_ratings_count_only_when_the_settings_say_so(self):
        self._set("qi_case.default_rating_days", "7")
        case = self._case_rated_for_on("2026-11-02")
        self.Rating._give_default_ratings(date(2026, 11, 10))
        domain = self.Rating._get_valid_domain() & Domain("case_id", "=", case.id)
        self.assertEqual(self.Rating.search_count(domain), 0)
        public = self.Rating._get_public_satisfaction("window_id", [("case_id", "=", case.id)])
        self.assertEqual(public, {})
        self._set("qi_case.default_rating_counts", "True")
        domain = self.Rating._get_valid_domain() & Domain("case_id", "=", case.id)
        self.assertEqual(self.Rating.search_count(domain), 1)
        # the provider's score in the matching never takes a default in
        self.assertEqual(self.env["qi.catalogue.matcher"]._get_rating_score(self.provider), {})

    def test_portal_shows_the_default_and_still_lets_the_enterprise_rate(self):
        self._set("qi_case.default_rating_days", "7")
        case = self._case_rated_for_on("2026-11-02")
        self.Rating._give_default_ratings(date(2026, 11, 10))
        self.authenticate("default_ent", "default_ent-pwd-1")
        page = self.url_open(f"/my/qi/cases/{case.id}").text
        self.assertIn("o_qi_default_rating", page)
        self.assertIn("o_qi_rating_form", page)
        self.url_open(f"/my/qi/cases/{case.id}/rate", data={"csrf_token": http.Request.csrf_token(self), "level": "5"})
        # sudo: the test checks what was stored, whoever the session user is
        current = case.sudo().qi_rating_ids.filtered("is_current")
        self.assertEqual((current.level, current.is_default), ("5", False))
