from datetime import date

from odoo.tests import freeze_time, tagged

from odoo.addons.qi_case.tests.common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestBadReviewOutcomes(QiCaseCommon):
    """R-8.1: the evaluation's "bad reviews followed up in time" reads the
    outcome the leader recorded: called back in time, then fixed on the spot,
    fixed by the deadline or explained by it. Around the 2026 National Day
    holiday; 02:00 UTC is 10:00 in Shanghai."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rater = cls._portal_user("eval_outcome_rater", cls.enterprise)

    def _bad_review(self, when):
        with freeze_time(when):
            case = self._completed_case()
            return self.env["qi.case.rating"]._rate(case, self.rater.partner_id, "2", comment="Too slow")

    def _follow_up(self, rating, when, outcome, **options):
        with freeze_time(when):
            leader = rating.with_user(self.leader)
            leader.action_callback_done()
            leader.action_record_outcome(outcome, **options)

    def test_followed_up_in_time_by_outcome(self):
        fixed_now = self._bad_review("2026-09-28 02:00:00")
        self._follow_up(fixed_now, "2026-09-29 02:00:00", "fixed_now")
        explained = self._bad_review("2026-09-28 02:00:00")
        self._follow_up(explained, "2026-09-29 02:00:00", "explained", explanation="No legal basis for a refund")
        # called back on 9 October, the day after its deadline (8 October, after the holiday)
        called_late = self._bad_review("2026-09-30 02:00:00")
        self._follow_up(called_late, "2026-10-09 02:00:00", "fixed_now")
        # fix due 26 October (15 working days after the callback), fixed on the 27th
        fixed_late = self._bad_review("2026-09-28 02:00:00")
        self._follow_up(fixed_late, "2026-09-29 02:00:00", "fix_deadline")
        self.assertEqual(fixed_late.fix_due, date(2026, 10, 26))
        with freeze_time("2026-10-27 02:00:00"):
            fixed_late.with_user(self.leader).action_fix_done()
        # fixed by its deadline
        fixed_in_time = self._bad_review("2026-09-28 02:00:00")
        self._follow_up(fixed_in_time, "2026-09-29 02:00:00", "fix_deadline")
        with freeze_time("2026-10-26 02:00:00"):
            fixed_in_time.with_user(self.leader).action_fix_done()
        # still waiting for its outcome at the end of the period
        self._bad_review("2026-10-30 02:00:00")
        data = self.env["qi.evaluation.auto"]._get_satisfaction_data(
            self.window_a, date(2026, 9, 1), date(2026, 10, 31)
        )
        self.assertEqual((data["rated"], data["bad"], data["bad_fixed_on_time"]), (6, 6, 3))
