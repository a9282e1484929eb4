import re

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

TOUR_TIMEOUT = 180  # the first tour also builds the asset bundles, on a busy 2-core runner
KEY_RE = re.compile(r'name="key" value="([A-Za-z0-9_-]+)"')


class OnsiteRatingCommon(QiCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Visit = cls.env["qi.window.visit"]
        cls.Rating = cls.env["qi.case.rating"]
        cls.onsite_set = cls.env.ref("qi_case.rating_indicator_set_onsite")

    def _visit(self, staff=None, window=None):
        """A visit receipt opened by ``staff`` (staff A) at ``window`` (window A)."""
        staff = staff or self.staff_a
        return self.Visit.with_user(staff).create({"window_id": (window or self.window_a).id})

    def _rate_as_visitor(self, visit, level, **scores):
        """What the public rating page does: a visitor without an account rates ``visit``."""
        # sudo: as the controller, the public user cannot create ratings through the ORM
        public = self.Rating.with_user(self.public_user).sudo()
        return public._rate(self.env["qi.case"], self.env["res.partner"], level, scores=scores, visit=visit)


@tagged("post_install", "-at_install")
class TestOnsiteRating(HttpCase, OnsiteRatingCommon):
    """一次一评 (R-8.1): a walk-in visitor rates a visit at the window on the spot,
    by its QR code, without an account, once; never from a staff session."""

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        with mute_logger("odoo.http"):
            return self.url_open(url, data=data)

    def test_walk_in_visitor_rates_without_account_with_onsite_set(self):
        visit = self._visit()
        self.assertEqual(visit.user_id, self.staff_a, "the staff who opens the receipt served the visitor")
        self.authenticate(None, None)
        page = self.url_open(f"/qi/rate/{visit.token}")
        self.assertEqual(page.status_code, 200)
        for shown in ("Case Window A", "Overall Satisfaction", "Service Efficiency", "Service Attitude"):
            self.assertIn(shown, page.text)
        self.assertNotIn("Accuracy of the Service Guide", page.text, "the online indicators are not asked on site")

        done = self._post(
            f"/qi/rate/{visit.token}", level="4", score_attitude="5", score_competence="3", comment="Kind"
        )
        self.assertEqual(done.status_code, 200)
        self.assertIn("Thank You!", done.text)
        self.env.invalidate_all()
        rating = visit.rating_ids
        self.assertEqual(len(rating), 1)
        self.assertTrue(visit.rated)
        self.assertEqual(
            (rating.channel, rating.indicator_set_id, rating.indicator_version, rating.level, rating.comment),
            ("onsite", self.onsite_set, 1, "4", "Kind"),
        )
        self.assertEqual(
            (rating.window_id, rating.handler_id, rating.case_id), (self.window_a, self.staff_a, self.env["qi.case"])
        )
        self.assertEqual(
            {s.code: s.level for s in rating.score_ids}, {"overall": "4", "attitude": "5", "competence": "3"}
        )
        # no account: nobody is named as the rater, not even through who created the records
        # sudo: the rater is a field of leaders only; the test checks it is empty
        self.assertFalse(rating.sudo().partner_id)
        self.assertEqual((rating.create_uid.id, rating.write_uid.id), (SUPERUSER_ID, SUPERUSER_ID))
        # the window's staff and leader see the rating among the window's; window B's staff do not
        self.assertEqual(self.Rating.with_user(self.staff_a).search([("visit_id", "=", visit.id)]), rating)
        self.assertEqual(self.Rating.with_user(self.leader).search([("channel", "=", "onsite")]), rating)
        self.assertFalse(self.Rating.with_user(self.staff_b).search([("visit_id", "=", visit.id)]))
        self.assertFalse(
            self.env["qi.case.rating.score"].with_user(self.staff_b).search([("rating_id", "=", rating.id)])
        )
        # an on-site rating counts in the window's public satisfaction
        satisfaction = self.Rating._get_public_satisfaction("window_id", [("window_id", "=", self.window_a.id)])
        self.assertEqual(satisfaction[self.window_a.id]["count"], 1)

    def test_same_token_cannot_rate_twice(self):
        visit = self._visit()
        self.authenticate(None, None)
        self._post(f"/qi/rate/{visit.token}", level="5")
        again = self._post(f"/qi/rate/{visit.token}", level="1")
        self.assertEqual(again.status_code, 200)
        self.assertIn("This visit was already rated", again.text)
        self.assertIn("already rated", self.url_open(f"/qi/rate/{visit.token}").text)
        self.env.invalidate_all()
        self.assertEqual(visit.rating_ids.mapped("level"), ["5"])
        with self.assertRaisesRegex(UserError, "already rated"):
            self._rate_as_visitor(visit, "2")
        # the database is the last guard, for two requests at the same moment
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Rating.create({"visit_id": visit.id, "level": "1", "channel": "onsite"})
            self.Rating.flush_model()
        self.env.invalidate_all()
        self.assertEqual(len(visit.rating_ids), 1)
        self.assertEqual(self.url_open("/qi/rate/not-a-token-of-any-visit-000").status_code, 404)

    def test_rating_from_a_staff_session_is_refused(self):
        visit = self._visit()
        for user in (self.staff_a, self.staff_b, self.coordinator):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                page = self.url_open(f"/qi/rate/{visit.token}")
                self.assertEqual(page.status_code, 403)
                self.assertIn("not from a staff session", page.text)
                self.assertNotIn("o_qi_onsite_rating_form", page.text)
                refused = self._post(f"/qi/rate/{visit.token}", level="5")
                self.assertEqual(refused.status_code, 403)
                window_qr = self.url_open(f"/qi/rate/window/{self.window_a.id}")
                self.assertEqual(window_qr.status_code, 403)
        self.env.invalidate_all()
        self.assertFalse(visit.rated)
        self.assertFalse(visit.rating_ids)
        # whatever the door: the one rating method refuses a staff session too
        with self.assertRaisesRegex(AccessError, "not from a staff session"):
            # sudo: the rights do not matter, the staff session is refused
            self.Rating.with_user(self.staff_a).sudo()._rate(
                self.env["qi.case"], self.staff_a.partner_id, "5", visit=visit
            )
        self.assertFalse(visit.rated)
        # a visitor with a portal account may rate: the rating names the visitor
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assertIn("Thank You!", self._post(f"/qi/rate/{visit.token}", level="3").text)
        self.env.invalidate_all()
        # sudo: the rater is a field of leaders only; the test checks who it is
        self.assertEqual(visit.rating_ids.sudo().partner_id, self.portal_user.partner_id)

    def test_window_qr_opens_a_visit_per_rating_within_a_limit(self):
        # sudo: test set-up of a system parameter
        self.env["ir.config_parameter"].sudo().set_param("qi_case.onsite_rating_limit_per_hour", 2)
        self.authenticate(None, None)
        url = f"/qi/rate/window/{self.window_a.id}"

        def form_key():
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200)
            self.assertIn("Service Attitude", page.text)
            return KEY_RE.search(page.text).group(1)

        key = form_key()
        self.assertFalse(self.Visit.search([("window_id", "=", self.window_a.id)]), "showing the form stores nothing")
        self.assertIn("Thank You!", self._post(url, key=key, level="5", score_efficiency="4").text)
        self.assertIn("already rated", self._post(url, key=key, level="1").text, "a double submission rates once")
        self.env.invalidate_all()
        visit = self.Visit.search([("window_id", "=", self.window_a.id)])
        self.assertEqual(len(visit), 1)
        self.assertEqual(
            (visit.source, visit.token, visit.rated, visit.user_id), ("window_qr", key, True, self.env["res.users"])
        )
        self.assertEqual(visit.create_uid.id, SUPERUSER_ID, "the visit names no visitor")
        self.assertEqual((visit.rating_ids.channel, visit.rating_ids.level), ("onsite", "5"))
        # a bad level stores nothing and shows the form again
        bad = self._post(url, key=form_key(), level="9")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("o_qi_onsite_rating_form", bad.text)
        self.assertEqual(self.Visit.search_count([("window_id", "=", self.window_a.id)]), 1)
        # the limit per visitor address and hour
        self.assertIn("Thank You!", self._post(url, key=form_key(), level="4").text)
        limited = self._post(url, key=form_key(), level="4")
        self.assertEqual(limited.status_code, 429)
        self.assertEqual(self.Visit.search_count([("window_id", "=", self.window_a.id)]), 2)
        # an archived window has no rating page
        self.window_b.active = False
        self.assertEqual(self.url_open(f"/qi/rate/window/{self.window_b.id}").status_code, 404)

    def test_public_page_and_receipt_show_the_qr_codes(self):
        self.authenticate(None, None)
        page = self.url_open("/qi/windows")
        self.assertIn(f"/qi/rate/window/{self.window_a.id}", page.text)
        self.assertIn("barcode_type=QR", page.text)
        action = self.window_a.with_user(self.staff_a).action_new_visit()
        visit = self.Visit.browse(action["res_id"])
        self.assertEqual((visit.window_id, visit.user_id, visit.source), (self.window_a, self.staff_a, "receipt"))
        self.assertIn(f"/qi/rate/{visit.token}", visit.rating_url)
        image = self.url_open(visit.qr_url)
        self.assertEqual((image.status_code, image.headers["Content-Type"]), (200, "image/png"))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html("qi_case.qi_window_visit_report", visit.ids)
        self.assertIn(visit.rating_url, html.decode())
        self.assertIn("barcode_type=QR", html.decode())

    def test_visits_stay_in_their_window(self):
        visit = self._visit()
        with self.assertRaises(AccessError):
            visit.with_user(self.staff_b).read(["token"])
        with self.assertRaises(AccessError):
            self.Visit.with_user(self.staff_b).create({"window_id": self.window_a.id})
        with self.assertRaises(AccessError):
            visit.with_user(self.staff_a).write({"window_id": self.window_b.id})
        with self.assertRaises(AccessError):
            self.Visit.with_user(self.coordinator).create({"window_id": self.window_a.id})
        self.assertEqual(self.Visit.with_user(self.coordinator).search([("id", "=", visit.id)]), visit)
        with self.assertRaisesRegex(UserError, "set by the system"):
            visit.with_user(self.staff_a).write({"token": "chosen-by-staff-0000"})
        with self.assertRaisesRegex(UserError, "set by the system"):
            visit.with_user(self.staff_a).write({"rated": True})
        self._rate_as_visitor(visit, "5")
        with self.assertRaisesRegex(UserError, "rated visit cannot change"):
            visit.with_user(self.staff_a).write({"user_id": self.staff_a2.id})
        with self.assertRaisesRegex(UserError, "rated visit cannot be deleted"):
            visit.with_user(self.leader).unlink()

    def test_bad_onsite_review_is_followed_up(self):
        visit = self._visit()
        rating = self._rate_as_visitor(visit, "1")
        # nobody to call back without a name; the fix is due all the same
        self.assertEqual((bool(rating.callback_due), bool(rating.fix_due)), (False, True))
        # sudo: the test reads the leader's activities on the rating
        summaries = rating.sudo().activity_ids.mapped("summary")
        self.assertEqual(summaries, [f"Fix what the bad review of {visit.display_name} reports"])


@tagged("post_install", "-at_install")
class TestUnusualRuns(OnsiteRatingCommon):
    """Anti-coercion (R-8.1): the same staff rated 非常满意 on site N times within
    M minutes is flagged for the window's leader, once per run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sudo: test set-up of system parameters
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("qi_case.unusual_run_count", 3)
        params.set_param("qi_case.unusual_run_minutes", 10)
        cls.unusual_type = cls.env.ref("qi_case.mail_activity_type_rating_unusual")

    def _rate_at(self, when, level="5", staff=None):
        with freeze_time(when):
            return self._rate_as_visitor(self._visit(staff), level)

    def _alerts(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "qi.case.rating"), ("activity_type_id", "=", self.unusual_type.id)]
        )

    def test_run_is_flagged_once_for_the_leader(self):
        first = self._rate_at("2026-10-12 02:00:00")
        second = self._rate_at("2026-10-12 02:04:00")
        # other ratings do not make a run: a lower level, another staff member
        self._rate_at("2026-10-12 02:05:00", level="4")
        other_staff = self._rate_at("2026-10-12 02:05:30", staff=self.staff_a2)
        self.assertFalse((first | second).filtered("is_unusual"))
        self.assertFalse(self._alerts())

        third = self._rate_at("2026-10-12 02:08:00")
        run = first | second | third
        self.assertEqual(run.mapped("is_unusual"), [True] * 3)
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.user_id, alert.res_id), (self.leader, third.id))
        self.assertIn("Staff A", alert.summary)
        self.assertFalse(other_staff.is_unusual)
        # the run goes on: flagged, no second alert
        fourth = self._rate_at("2026-10-12 02:11:00")
        self.assertTrue(fourth.is_unusual)
        self.assertEqual(len(self._alerts()), 1)
        # the leader finds the run with the filter of the ratings' list
        flagged = self.Rating.with_user(self.leader).search([("is_unusual", "=", True)])
        self.assertEqual(flagged, run | fourth)
        # an hour later a new run: a new alert
        for minute in ("03:20", "03:22", "03:24"):
            self._rate_at(f"2026-10-12 {minute}:00")
        self.assertEqual(len(self._alerts()), 2)

    def test_ratings_spread_over_the_day_are_not_a_run(self):
        ratings = [self._rate_at(f"2026-10-12 0{hour}:00:00") for hour in range(1, 6)]
        self.assertFalse([r for r in ratings if r.is_unusual])
        self.assertFalse(self._alerts())


@tagged("post_install", "-at_install")
class TestOnsiteRatingTour(HttpCase, OnsiteRatingCommon):
    """The QR page on a phone: a visitor without an account rates a visit at 375 px."""

    browser_size = "375x667"

    def test_onsite_rating_tour_at_phone_width(self):
        visit = self._visit()
        self.start_tour(f"/qi/rate/{visit.token}", "qi_case_onsite_rating", login=None, timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()
        rating = visit.rating_ids
        self.assertEqual((rating.channel, rating.level, rating.comment), ("onsite", "4", "Quick and friendly"))
        self.assertEqual({s.code: s.level for s in rating.score_ids}, {"overall": "4", "attitude": "5"})
        # sudo: the rater is a field of leaders only; the test checks it is empty
        self.assertFalse(rating.sudo().partner_id)
