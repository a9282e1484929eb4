from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from odoo.addons.qi_window.tools.china import china_date

from .common import QiCaseCommon

CALLBACK = "qi_case.mail_activity_type_rating_callback"
FIX = "qi_case.mail_activity_type_rating_fix"


@tagged("post_install", "-at_install")
class TestRatingOutcome(QiCaseCommon):
    """R-8.1: a bad review given under a name is called back within 1 PRC
    working day; then the window's leader records one outcome (fixed on the
    spot, fixed by a deadline of 15 working days after the callback, explained,
    or the staff's appeal); a callback or a fix past its deadline shows as late
    on the leader's list. Dates around the 2026 National Day holiday (1-7
    October, Saturday 10 October a make-up working day). Times are UTC: 02:00
    is 10:00 in Shanghai."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rater = cls._portal_user("outcome_rater", cls.enterprise)
        cls.Rating = cls.env["qi.case.rating"]

    def _bad_review(self, when, level="1"):
        """A completed case of window A (staff A) rated ``level`` by the enterprise's user at ``when`` (UTC)."""
        with freeze_time(when):
            case = self._completed_case()
            return self.Rating._rate(case, self.rater.partner_id, level, comment="The report came late")

    def _open_activities(self, rating, xmlid):
        return rating.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def _late(self, state):
        """What the leader's "Callback Late" / "Fix Late" filter lists."""
        return self.Rating.with_user(self.leader).search([("followup_state", "=", state)])

    def test_fix_with_a_deadline_of_15_working_days_after_the_callback(self):
        rating = self._bad_review("2026-09-29 02:00:00")
        on_time = self._bad_review("2026-09-29 02:00:00")
        self.assertEqual((rating.callback_due, rating.followup_state), (date(2026, 9, 30), "to_call"))
        with freeze_time("2026-09-30 03:00:00"):
            for each in rating | on_time:
                leader = each.with_user(self.leader)
                leader.action_callback_done()
                self.assertEqual(each.followup_state, "to_fix")
                leader.action_record_outcome("fix_deadline")
        # 15 working days after Wednesday 30 September: the National Day week is
        # skipped and Saturday 10 October counts
        self.assertEqual((rating.outcome, rating.fix_due), ("fix_deadline", date(2026, 10, 27)))
        self.assertEqual(self._open_activities(rating, FIX).date_deadline, date(2026, 10, 27))
        self.assertFalse(self._open_activities(rating, CALLBACK), "the callback is done")
        with freeze_time("2026-10-27 08:00:00"):  # 16:00 on the due day
            on_time.with_user(self.leader).action_fix_done()
            self.assertEqual(on_time.followup_state, "closed")
        with freeze_time("2026-10-27 15:30:00"):  # 23:30 on the due day in Shanghai
            self.Rating._update_follow_up_states()
            self.assertEqual(rating.followup_state, "to_fix")
            self.assertNotIn(rating, self._late("fix_late"))
        with freeze_time("2026-10-27 16:30:00"):  # 00:30 on 28 October in Shanghai
            self.env["qi.case.supervision"]._run()
            self.assertEqual(rating.followup_state, "fix_late")
            self.assertIn(rating, self._late("fix_late"))
            rating.with_user(self.leader).action_fix_done()
            self.assertEqual(rating.followup_state, "closed")
        self.assertNotIn(rating, self._late("fix_late"))
        self.assertEqual(china_date(rating.fix_done), date(2026, 10, 28))
        self.assertEqual((on_time._results_is_fixed_on_time(), rating._results_is_fixed_on_time()), (True, False))
        self.assertEqual(rating._results_outcome(), "fix_deadline")

    def test_callback_due_after_the_holiday_then_late(self):
        rating = self._bad_review("2026-09-30 02:00:00")
        # the working day after Wednesday 30 September is Thursday 8 October
        self.assertEqual(rating.callback_due, date(2026, 10, 8))
        self.assertEqual(self._open_activities(rating, CALLBACK).date_deadline, date(2026, 10, 8))
        with freeze_time("2026-10-07 02:00:00"):
            self.env["qi.case.supervision"]._run()
            self.assertEqual(rating.followup_state, "to_call", "the holiday does not make a callback late")
            # no outcome before the callback
            with self.assertRaises(ValidationError):
                rating.with_user(self.leader).action_record_outcome("fixed_now")
            self.assertFalse(rating.outcome)
        with freeze_time("2026-10-08 15:30:00"):  # 23:30 on the due day in Shanghai
            self.Rating._update_follow_up_states()
            self.assertEqual(rating.followup_state, "to_call")
        with freeze_time("2026-10-08 16:30:00"):  # 00:30 on 9 October
            self.Rating._update_follow_up_states()
            self.assertEqual(rating.followup_state, "calling_late")
            self.assertIn(rating, self._late("calling_late"))
            leader = rating.with_user(self.leader)
            leader.action_callback_done()
            leader.action_record_outcome("fixed_now")
            self.assertEqual(rating.followup_state, "closed")
        self.assertNotIn(rating, self._late("calling_late"))
        # fixed on the spot, but called back a day late: not followed up in time
        self.assertFalse(rating._results_is_fixed_on_time())

    def test_fixed_on_the_spot_then_the_enterprise_rerates_once(self):
        rating = self._bad_review("2026-10-09 02:00:00")
        case = rating.case_id
        self.assertEqual(rating.callback_due, date(2026, 10, 10), "Saturday 10 October is a working day")
        with freeze_time("2026-10-10 02:00:00"):
            with self.assertRaises(AccessError):
                rating.with_user(self.staff_a).action_record_outcome("fixed_now")
            leader = rating.with_user(self.leader)
            leader.action_callback_done()
            leader.action_record_outcome("fixed_now")
            self.assertEqual((rating.outcome, rating.followup_state), ("fixed_now", "closed"))
            self.assertEqual(rating.fix_done, rating.outcome_date)
            self.assertFalse(rating.activity_ids, "nothing left on the leader's to-do list")
            with self.assertRaises(UserError):
                leader.action_record_outcome("explained", explanation="Changed my mind")
        self.assertTrue(rating._results_is_fixed_on_time())
        # the enterprise may re-rate its bad review once, also after its outcome
        again = self.Rating._rate(case, self.rater.partner_id, "4", comment="Fixed the same day")
        self.assertEqual((again.rerated_from_id, again.is_current, rating.is_current), (rating, True, False))
        self.assertEqual(case.rating_level, "4")
        with self.assertRaises(UserError):
            self.Rating._rate(case, self.rater.partner_id, "5")
        self.assertEqual((rating.outcome, rating.followup_state), ("fixed_now", "closed"))

    def test_explained_needs_the_explanation(self):
        rating = self._bad_review("2026-09-28 02:00:00")
        self.assertEqual(rating.fix_due, date(2026, 10, 23))
        with freeze_time("2026-09-29 02:00:00"):
            leader = rating.with_user(self.leader)
            leader.action_callback_done()
            with self.assertRaises(ValidationError):
                leader.action_record_outcome("explained", explanation="  ")
            self.assertFalse(rating.outcome)
            leader.action_record_outcome("explained", explanation="A calibration certificate cannot name a brand")
            self.assertEqual((rating.outcome, rating.followup_state), ("explained", "closed"))
            self.assertFalse(rating.fix_done, "nothing was fixed")
        self.assertFalse(rating.activity_ids)
        self.assertTrue(rating.message_ids.filtered(lambda m: "cannot name a brand" in (m.body or "")))
        self.assertTrue(rating._results_is_fixed_on_time(), "explained in time")
        self.assertEqual(rating._results_outcome(), "explained")

    def test_the_leader_sets_another_fix_date_in_the_wizard(self):
        rating = self._bad_review("2026-10-12 02:00:00")
        with freeze_time("2026-10-13 02:00:00"):
            rating.with_user(self.leader).action_callback_done()
            action = rating.with_user(self.leader).action_open_outcome_wizard()
            Wizard = self.env[action["res_model"]].with_user(self.leader).with_context(**action["context"])
            for fix_due in (date(2026, 10, 12), date(2026, 10, 16)):
                form = Form(Wizard)
                self.assertEqual(form.fix_due, date(2026, 11, 3), "15 working days after the callback by default")
                form.outcome = "fix_deadline"
                form.fix_due = fix_due
                wizard = form.save()
                if fix_due < date(2026, 10, 13):
                    with self.assertRaises(ValidationError):  # before the callback
                        wizard.action_confirm()
                    self.assertFalse(rating.outcome)
                else:
                    wizard.action_confirm()
            self.assertEqual(
                (rating.outcome, rating.fix_due, rating.followup_state), ("fix_deadline", date(2026, 10, 16), "to_fix")
            )
        with freeze_time("2026-10-17 02:00:00"):
            self.Rating._update_follow_up_states()
            self.assertEqual(rating.followup_state, "fix_late")
        # the staff cannot open the leader's wizard
        with self.assertRaises(AccessError):
            rating.with_user(self.staff_a).action_open_outcome_wizard()

    def test_appeal_as_the_outcome(self):
        rejected = self._bad_review("2026-10-12 02:00:00")
        upheld = self._bad_review("2026-10-12 02:00:00")
        with freeze_time("2026-10-13 02:00:00"):
            for rating in rejected | upheld:
                rating.with_user(self.leader).action_callback_done()
            with self.assertRaises(UserError):  # nobody appealed
                rejected.with_user(self.leader).action_record_outcome("appealed")
            for rating in rejected | upheld:
                rating.with_user(self.staff_a).action_appeal("The delay was the enterprise's own")
                rating.with_user(self.leader).action_record_outcome("appealed")
                self.assertEqual((rating.outcome, rating.followup_state), ("appealed", "to_fix"))
            # rejected: the rating stands and the leader chooses another outcome
            rejected.with_user(self.leader).action_appeal_reject()
            self.assertEqual((rejected.appeal_state, rejected.outcome), ("rejected", False))
            self.assertEqual(rejected.followup_state, "to_fix")
            rejected.with_user(self.leader).action_record_outcome("fix_deadline")
            self.assertEqual(rejected.fix_due, date(2026, 11, 3))
            # upheld: set aside, nothing left to call back or fix
            upheld.with_user(self.leader).action_appeal_uphold()
            self.assertEqual((upheld.outcome, upheld.followup_state, upheld.is_current), ("appealed", "closed", False))
            self.assertFalse(upheld.activity_ids)
            self.assertEqual(upheld._results_outcome(), "appealed")

    def test_follow_up_facts_are_written_by_the_flow_only(self):
        rating = self._bad_review("2026-10-12 02:00:00")
        for user in (self.leader, self.staff_a):
            for values in (
                {"callback_done": "2026-10-12 02:00:00"},
                {"outcome": "fixed_now"},
                {"fix_due": "2027-06-30"},
                {"followup_state": "closed"},
            ):
                with self.subTest(user=user.login, values=values), self.assertRaises(AccessError):
                    rating.with_user(user).write(values)
        self.assertEqual((rating.callback_done, rating.outcome, rating.fix_due), (False, False, date(2026, 11, 2)))
        # a good rating has no follow-up to call back
        good = self._completed_case()
        fine = self.Rating._rate(good, self.rater.partner_id, "5")
        self.assertFalse(fine.followup_state)
        with self.assertRaises(UserError):
            fine.with_user(self.leader).action_callback_done()
