from psycopg2 import IntegrityError

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

ONLINE_CODES = ["overall", "efficiency", "guide_accuracy", "convenience", "operability"]
ONSITE_CODES = ["overall", "efficiency", "competence", "attitude"]


@tagged("post_install", "-at_install")
class TestRatingIndicators(HttpCase, QiCaseCommon):
    """The national 好差评 indicator sets by channel (R-8.1): a rating stores the
    set of its channel current when it was given, with its version; a set used
    by a rating never changes, a new version replaces it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ent_user = cls._portal_user("indicator_ent", cls.enterprise)
        cls.admin = new_test_user(cls.env, "qi_indicator_admin", groups="base.group_system,qi_window.group_qi_manager")
        cls.Set = cls.env["qi.rating.indicator.set"]
        cls.Rating = cls.env["qi.case.rating"]
        cls.online = cls.env.ref("qi_case.rating_indicator_set_online")
        cls.onsite = cls.env.ref("qi_case.rating_indicator_set_onsite")

    def _rate_on_portal(self, case, **data):
        self.authenticate(self.ent_user.login, "indicator_ent-pwd-123")
        data["csrf_token"] = http.Request.csrf_token(self)
        response = self.url_open(f"/my/qi/cases/{case.id}/rate", data=data)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        # sudo: the test checks what was stored, whoever the session user is
        return case.sudo().qi_rating_ids.filtered("is_current")

    def test_the_national_sets_are_current(self):
        self.assertEqual(self.Set._current("online"), self.online)
        self.assertEqual(self.Set._current("onsite"), self.onsite)
        self.assertEqual((self.online.version, self.onsite.version), (1, 1))
        self.assertEqual(self.online.line_ids.mapped("code"), ONLINE_CODES)
        self.assertEqual(self.onsite.line_ids.mapped("code"), ONSITE_CODES)
        # every suite role reads them (the forms show them), none but the administrator changes them
        for user in (self.staff_a, self.leader, self.coordinator):
            self.assertEqual(self.Set.with_user(user).search([("channel", "=", "online")]), self.online)
            with self.assertRaises(AccessError):
                self.online.with_user(user).name = "Mine"

    def test_case_rated_online_stores_the_online_set_and_its_version(self):
        # the set current at rating time is the one stored: version 2 here
        self.online.with_user(self.admin).action_new_version()
        version_2 = self.Set._current("online")
        case = self._completed_case()
        self.authenticate(self.ent_user.login, "indicator_ent-pwd-123")
        page = self.url_open(f"/my/qi/cases/{case.id}")
        for shown in ("Accuracy of the Service Guide", "Ease of Use of the Platform", "Convenience"):
            self.assertIn(shown, page.text, "the portal asks the online indicators")
        self.assertNotIn("Service Attitude", page.text, "the on-site indicators are not asked online")

        rating = self._rate_on_portal(
            case, level="4", score_guide_accuracy="2", score_operability="5", score_convenience=""
        )
        self.assertEqual((rating.channel, rating.indicator_set_id, rating.indicator_version), ("online", version_2, 2))
        self.assertEqual(
            {s.code: s.level for s in rating.score_ids}, {"overall": "4", "guide_accuracy": "2", "operability": "5"}
        )
        self.assertFalse(rating.score_efficiency, "new ratings keep their scores per indicator, not in the old fields")
        # a later version does not touch what the rating stored; staff of the window read it
        version_2.with_user(self.admin).action_new_version()
        self.assertEqual(self.Set._current("online").version, 3)
        mine = rating.with_user(self.staff_a)
        self.assertEqual((mine.indicator_set_id, mine.indicator_version), (version_2, 2))
        self.assertEqual(mine.score_ids.indicator_id.set_id, version_2)

    def test_an_unknown_indicator_is_refused_and_nothing_is_stored(self):
        case = self._completed_case()
        with self.assertRaisesRegex(ValidationError, "not an indicator"):
            self.Rating._rate(case, self.ent_user.partner_id, "4", scores={"attitude": "5"})
        with self.assertRaisesRegex(ValidationError, "five levels"):
            self.Rating._rate(case, self.ent_user.partner_id, "4", scores={"efficiency": "7"})
        self.assertFalse(case.qi_rating_ids)
        # the old keywords still work where the set has the indicator, and are dropped elsewhere
        rating = self.Rating._rate(case, self.ent_user.partner_id, "3", score_efficiency="2", score_attitude="5")
        self.assertEqual({s.code: s.level for s in rating.score_ids}, {"overall": "3", "efficiency": "2"})

    def test_a_used_set_cannot_change_its_indicators(self):
        case = self._completed_case()
        before = self.online.rating_count
        self.Rating._rate(case, self.ent_user.partner_id, "5")
        self.online.invalidate_recordset(["rating_count"])
        self.assertEqual(self.online.rating_count, before + 1)
        admin_set = self.online.with_user(self.admin)
        efficiency = admin_set.line_ids.filtered(lambda i: i.code == "efficiency")
        for change in (
            lambda: efficiency.write({"code": "speed"}),
            lambda: admin_set.write({"line_ids": [Command.create({"code": "extra", "name": "Extra"})]}),
            lambda: efficiency.unlink(),
            lambda: admin_set.write({"channel": "onsite"}),
            lambda: admin_set.unlink(),
        ):
            with self.assertRaisesRegex(UserError, "was used by ratings"):
                change()
        self.assertEqual(self.online.line_ids.mapped("code"), ONLINE_CODES)
        # a clearer name (and its translation) may still be given
        efficiency.name = "Efficiency of the Handling"
        # the set not yet used changes freely
        self.onsite.with_user(self.admin).write({"line_ids": [Command.create({"code": "environment", "name": "Hall"})]})
        self.assertIn("environment", self.onsite.line_ids.mapped("code"))

    def test_new_version_copies_the_indicators_and_archives_the_old_set(self):
        action = self.onsite.with_user(self.admin).action_new_version()
        new = self.Set.browse(action["res_id"])
        self.assertEqual((new.channel, new.version, new.active, self.onsite.active), ("onsite", 2, True, False))
        self.assertEqual(new.line_ids.mapped("code"), ONSITE_CODES)
        self.assertEqual(new.line_ids.mapped("name"), self.onsite.line_ids.mapped("name"))
        self.assertEqual(self.Set._current("onsite"), new)
        self.assertEqual(self.onsite.line_ids.mapped("code"), ONSITE_CODES, "the old version keeps its indicators")
        # one current set per channel
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.onsite.active = True
            self.Set.flush_model()

    def test_ratings_given_before_the_sets_stay_readable(self):
        """Ratings stored before this change have no set and their old sub-scores."""
        case = self._completed_case()
        rating = self.Rating._rate(case, self.ent_user.partner_id, "4")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE qi_case_rating SET indicator_set_id = NULL, indicator_version = NULL, score_attitude = '5'"
            " WHERE id = %s",
            [rating.id],
        )
        self.env["qi.case.rating.score"].search([("rating_id", "=", rating.id)]).unlink()
        self.env.invalidate_all()
        mine = rating.with_user(self.staff_a)
        self.assertEqual((mine.indicator_set_id, mine.score_attitude, mine.level), (self.Set, "5", "4"))
        self.assertEqual(mine.channel, "online")
