from odoo import api, models
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import CHINA_TZ, china_date

# the sub-scores as the provincial export names its indicators (schema 1.0)
SUB_SCORE_CODES = {"score_efficiency": "efficiency", "score_competence": "competence", "score_attitude": "attitude"}


class QiCaseRating(models.Model):
    """What the 好差评 results are used for (R-8.1, P-HCP-3): the monthly
    ranking, the public board, the export and the evaluation read what a bad
    review's follow-up achieved, and the channel and indicators of a rating,
    through the helpers below and nowhere else.

    They read the rating as the model records it: the follow-up's dates
    (``callback_done``, ``fix_done`` against ``callback_due``, ``fix_due``),
    the recorded ``outcome``, the ``channel``, the indicator set and its score
    lines (the three sub-scores for a rating given before the sets existed).
    A change of what "fixed" or "on time" means is made here only."""

    _inherit = "qi.case.rating"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # fixed, fixed on time: the one definition (SQL for the ranking, Python for the rest)
    # ------------------------------------------------------------------
    @api.model
    def _results_fixed_sql(self, alias):
        """SQL condition on the rating table ``alias``: what its bad review reports is fixed."""
        return SQL("(%s IS NOT NULL)", SQL.identifier(alias, "fix_done"))

    @api.model
    def _results_fixed_on_time_sql(self, alias):
        """SQL condition on the rating table ``alias``: the service object was called
        back by its deadline (where a callback is due: an anonymous rating has
        nobody to call), then the leader's outcome in time (China's dates): fixed
        on the spot, fixed by the fix deadline, or explained by it. A fix recorded
        without an outcome (before the outcomes existed) is a fix with a deadline."""

        def in_time(done, due):
            done, due = SQL.identifier(alias, done), SQL.identifier(alias, due)
            return SQL(
                "(%(done)s IS NOT NULL AND %(due)s IS NOT NULL"
                " AND timezone(%(tz)s, timezone('UTC', %(done)s))::date <= %(due)s)",
                done=done,
                due=due,
                tz=CHINA_TZ,
            )

        callback_due, outcome = SQL.identifier(alias, "callback_due"), SQL.identifier(alias, "outcome")
        return SQL(
            "((%(callback_due)s IS NULL OR %(called)s) AND (%(outcome)s = 'fixed_now'"
            " OR (COALESCE(%(outcome)s, 'fix_deadline') = 'fix_deadline' AND %(fixed)s)"
            " OR (%(outcome)s = 'explained' AND %(explained)s)))",
            callback_due=callback_due,
            called=in_time("callback_done", "callback_due"),
            outcome=outcome,
            fixed=in_time("fix_done", "fix_due"),
            explained=in_time("outcome_date", "fix_due"),
        )

    def _results_is_fixed(self):
        """Python twin of ``_results_fixed_sql``."""
        self.ensure_one()
        return bool(self.fix_done)

    def _results_is_fixed_on_time(self):
        """Python twin of ``_results_fixed_on_time_sql``."""
        self.ensure_one()

        def in_time(done, due):
            return bool(done and due and china_date(done) <= due)

        called_back = not self.callback_due or in_time(self.callback_done, self.callback_due)
        if not called_back:
            return False
        if self.outcome == "fixed_now":
            return True
        if self.outcome == "explained":
            return in_time(self.outcome_date, self.fix_due)
        return self.outcome in (False, "fix_deadline") and in_time(self.fix_done, self.fix_due)

    # ------------------------------------------------------------------
    # what the export says of a rating (docs/haochaping-export.md)
    # ------------------------------------------------------------------
    def _results_case(self):
        """The case the rating rates: its own, or the case of the visit it rates."""
        self.ensure_one()
        return self.case_id or self.visit_id.case_id

    def _results_outcome(self):
        """The outcome of a bad review (None for another rating): the one the
        leader recorded (``fixed_now``, ``fix_deadline``, ``explained``,
        ``appealed``), ``pending`` before; a fix recorded before outcomes existed
        is a fix with a deadline, as ``_results_fixed_on_time_sql`` counts it."""
        self.ensure_one()
        if not self.is_bad:
            return None
        return self.outcome or ("fix_deadline" if self.fix_done else "pending")

    def _results_rating_channel(self):
        """Where the rating was given: ``online`` (the portal) or ``onsite``."""
        self.ensure_one()
        return self.channel or "online"

    def _results_indicator_set(self):
        """The indicator set the rating used, ``{"code", "version"}`` (the set's
        channel and version), or None when it used none."""
        self.ensure_one()
        indicator_set = self.indicator_set_id
        if not indicator_set:
            return None
        return {"code": indicator_set.channel, "version": str(indicator_set.version)}

    def _results_indicator_scores(self):
        """``{indicator code: level 1-5}`` of the indicators the rater scored."""
        self.ensure_one()
        if self.score_ids:
            return {score.code: int(score.level) for score in self.score_ids}
        return {code: int(self[field]) for field, code in SUB_SCORE_CODES.items() if self[field]}

    def _results_staff_code(self):
        """The rated staff member's code for the provincial system: the first
        handler's login, never a name; None without a handler."""
        self.ensure_one()
        return self.handler_id.login or None

    # ------------------------------------------------------------------
    # the monthly step of the daily supervision
    # ------------------------------------------------------------------
    @api.model
    def _suggest_call_ins(self, today):
        """Suggest a call-in (约谈) of each window in the bottom of the ranking
        two months running, once per month pair (``qi.rating.call.in``)."""
        return self.env["qi.rating.call.in"]._suggest(today)
