from datetime import timedelta

from odoo import fields
from odoo.tests import freeze_time, new_test_user

from .common import QiCaseCommon


class QiRatingResultsCommon(QiCaseCommon):
    """Ratings given at a chosen moment, by an enterprise's portal user whose
    name and e-mail the results must never show; the demo's ratings set aside
    so that the figures are those the test gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rater = new_test_user(
            cls.env,
            "results_rater",
            groups="base.group_portal",
            name="Rater Li Xiaohong",
            email="li.xiaohong@glass.example.cn",
        )
        cls.rater.partner_id.parent_id = cls.enterprise
        cls.Rating = cls.env["qi.case.rating"]
        # the rankings count every window: the demo's ratings would rank among the test's
        cls.Rating.search([]).write({"is_current": False})
        cls.env["ir.config_parameter"].set_param("qi_case.public_satisfaction_min_ratings", 3)
        cls.env["ir.config_parameter"].set_param("qi_case.call_in_bottom_windows", 1)

    def _rated(self, level, at, window=None, handler=None, comment=None, **sub_scores):
        """A case of ``window`` (A) handled first by ``handler`` (staff A),
        completed and rated ``level`` by the enterprise at ``at`` (UTC)."""
        window = window or self.window_a
        handler = handler or self.staff_a
        with freeze_time(at):
            received = fields.Datetime.now() - timedelta(days=2)
            case = self._case(user=handler, window_id=window.id, user_id=handler.id, date_received=received)
            case.action_accept()
            assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
            assignment.action_accept()
            case.action_start_service()
            assignment.action_deliver()
            case.action_complete()
            return self.Rating._rate(case, self.rater.partner_id, level, comment=comment, **sub_scores)

    def _follow_up(self, rating, callback_at=None, fix_at=None):
        """The leader calls the service object back and fixes the problem at those moments (UTC)."""
        if callback_at:
            with freeze_time(callback_at):
                rating.with_user(self.leader).action_callback_done()
        if fix_at:
            with freeze_time(fix_at):
                rating.with_user(self.leader).action_fix_done()
        return rating
