from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.settings import int_param

from .qi_case_rating import LEVELS, SUB_SCORES
from .qi_case_rating_outcome import FOLLOW_UP_FIELDS
from .qi_rating_indicator import OVERALL, RATING_CHANNELS

# what only _rate writes: the rating itself, its channel, indicator set, visit and flag
# (the score lines are read-only to every group; qi.case.child.mixin keeps case_id)
SYSTEM_FIELDS = frozenset(
    {
        "level",
        "score_efficiency",
        "score_competence",
        "score_attitude",
        "comment",
        "channel",
        "indicator_set_id",
        "visit_id",
        "is_unusual",
    }
)


class QiCaseRating(models.Model):
    """好差评 by channel (R-8.1): a rating stores the indicator set of its channel
    current when it was given, and its level per indicator. Besides the rating of
    a case (一事一评, online), a visitor rates a visit at the window on the spot
    (一次一评, on site), without an account: such a rating has a visit and no
    case. Anti-coercion: a visit is never rated from a staff session, and runs
    of 非常满意 for the same staff within minutes are flagged for the leader."""

    _inherit = "qi.case.rating"  # pylint: disable=consider-merging-classes-inherited
    # one guard for every fact of a rating (qi.protected.fields.mixin): a leader
    # could otherwise turn a 非常不满意 into 非常满意 from the form or over RPC
    _qi_protected_fields = FOLLOW_UP_FIELDS | SYSTEM_FIELDS

    # a rating of a visit has no case: the window and company follow the case or the visit
    case_id = fields.Many2one(required=False, readonly=True)
    window_id = fields.Many2one(
        "qi.window", related=None, compute="_compute_window_id", store=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", related=None, compute="_compute_window_id", store=True, index=True, readonly=True
    )
    channel = fields.Selection(RATING_CHANNELS, required=True, default="online", readonly=True, index=True)
    # not required in the database: ratings given before the indicator sets have none
    indicator_set_id = fields.Many2one(
        "qi.rating.indicator.set", readonly=True, ondelete="restrict", index="btree_not_null"
    )
    indicator_version = fields.Integer(related="indicator_set_id.version", store=True, string="Indicator Set Version")
    score_ids = fields.One2many("qi.case.rating.score", "rating_id", string="Indicator Scores", readonly=True)
    visit_id = fields.Many2one("qi.window.visit", readonly=True, ondelete="restrict", index="btree_not_null")
    is_unusual = fields.Boolean(
        string="Unusual Run",
        readonly=True,
        index=True,
        help="One of many 非常满意 ratings of the same staff on site within minutes: the leader checks that the "
        "visitors rated freely.",
    )

    _case_or_visit = models.Constraint(
        "CHECK(case_id IS NOT NULL OR visit_id IS NOT NULL)", "A rating rates a case or a visit at the window."
    )
    _visit_uniq = models.UniqueIndex("(visit_id) WHERE visit_id IS NOT NULL", "This visit was already rated.")

    @api.depends("case_id.window_id", "case_id.company_id", "visit_id.window_id", "visit_id.company_id")
    def _compute_window_id(self):
        for rating in self:
            rated = rating.case_id or rating.visit_id
            rating.window_id = rated.window_id
            rating.company_id = rated.company_id

    @api.model
    def _qi_window_move_fields(self):
        # the window follows the case or the visit: either moves the rating
        return super()._qi_window_move_fields() | {"case_id", "visit_id"}

    def _rated_name(self):
        """What the rating rates, for the follow-up's activities: the case or the visit."""
        self.ensure_one()
        return self.case_id.name or self.visit_id.display_name

    @api.model_create_multi
    def create(self, vals_list):
        Set = self.env["qi.rating.indicator.set"]
        for vals in vals_list:
            if not vals.get("indicator_set_id"):
                channel = vals.get("channel") or "online"
                indicator_set = Set._current(channel)
                if not indicator_set:
                    raise UserError(
                        self.env._("There is no current indicator set for %s ratings: activate one first.", channel)
                    )
                vals["indicator_set_id"] = indicator_set.id
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # scores per indicator
    # ------------------------------------------------------------------
    @api.model
    def _prepare_scores(self, indicator_set, level, scores=None, legacy=None):
        """The (indicator, level) pairs to store for a rating of ``indicator_set``
        at ``level``: ``scores`` {code: level} as posted (an empty level is not
        given, an unknown code or level is refused), ``legacy`` the old
        ``score_*`` keywords (kept where the set has that code). The overall
        indicator is the rating's level. Raises before anything is written."""
        if not indicator_set:
            raise UserError(self.env._("There is no current indicator set for this channel: activate one first."))
        levels = dict(LEVELS)
        indicators = {indicator.code: indicator for indicator in indicator_set.line_ids}
        given = {}
        for key, value in (legacy or {}).items():
            code = key.removeprefix("score_")
            if key in SUB_SCORES and code in indicators and value in levels:
                given[code] = value
        for code, value in (scores or {}).items():
            if not value:
                continue
            if code not in indicators:
                raise ValidationError(
                    self.env._("“%(code)s” is not an indicator of %(set)s.", code=code, set=indicator_set.display_name)
                )
            if value not in levels:
                raise ValidationError(self.env._("Choose one of the five levels."))
            given[code] = value
        if OVERALL in indicators:
            given[OVERALL] = level
        return [(indicator, given[code]) for code, indicator in indicators.items() if code in given]

    def _write_scores(self, prepared):
        self.ensure_one()
        self.env["qi.case.rating.score"].create(
            [{"rating_id": self.id, "indicator_id": indicator.id, "level": level} for indicator, level in prepared]
        )

    # ------------------------------------------------------------------
    # on site: one rating per visit (一次一评)
    # ------------------------------------------------------------------
    @api.model
    def _rate_visit(self, visit, partner, level, comment=None, scores=None):
        """A visitor rates ``visit`` on the spot with the on-site indicator set,
        without an account (``partner`` empty) or as a portal user; once per
        visit. Called by ``_rate``, the one way to rate. Anti-coercion: refused
        from a staff session, whatever the caller's rights."""
        if self.env.user._is_internal():
            raise AccessError(
                self.env._(
                    "A visit is rated by the visitor, not from a staff session: let the visitor scan the code "
                    "with their own phone, or log out of this device."
                )
            )
        if level not in dict(LEVELS):
            raise ValidationError(self.env._("Choose one of the five levels."))
        # written by the system user, as every rating (see _rate): create_uid names nobody
        Rating = self.with_user(SUPERUSER_ID).with_context(mail_create_nosubscribe=True)
        visit = visit.with_env(Rating.env)
        if visit.rated:
            raise UserError(self.env._("This visit was already rated. Thank you!"))
        indicator_set = Rating.env["qi.rating.indicator.set"]._current("onsite")
        prepared = Rating._prepare_scores(indicator_set, level, scores)
        # the visit's row first: a second rating of the same visit at the same
        # moment waits for this one, then fails and is retried (and finds it rated);
        # the unique index on visit_id is the last guard
        visit.write({"rated": True})
        rating = Rating.create(
            {
                "visit_id": visit.id,
                "partner_id": partner.id or False,
                "level": level,
                "comment": comment,
                "channel": "onsite",
                "indicator_set_id": indicator_set.id,
            }
        )
        rating._write_scores(prepared)
        if rating.is_bad:
            rating._open_follow_up()
        rating._flag_unusual_runs()
        rating.flush_recordset()
        return rating.with_env(self.env)

    @api.model
    def _unusual_run_limits(self):
        """(ratings, minutes): that many 非常满意 on site for the same staff within that many minutes is a run."""
        return (
            int_param(self.env, "qi_case.unusual_run_count", 5, minimum=2),
            int_param(self.env, "qi_case.unusual_run_minutes", 10, minimum=1),
        )

    def _flag_unusual_runs(self):
        """Anti-coercion: flag the ratings of a run (the same staff rated 非常满意
        on site ``qi_case.unusual_run_count`` times within
        ``qi_case.unusual_run_minutes`` minutes) and give the window's leader
        one activity per run: a run that goes on adds to its flags only."""
        count, minutes = self._unusual_run_limits()
        for rating in self.filtered(lambda r: r.channel == "onsite" and r.level == "5" and r.handler_id):
            run = self.search(
                [
                    ("channel", "=", "onsite"),
                    ("level", "=", "5"),
                    ("handler_id", "=", rating.handler_id.id),
                    ("date", ">", rating.date - timedelta(minutes=minutes)),
                    ("date", "<=", rating.date),
                ]
            )
            if len(run) < count:
                continue
            new_run = not run.filtered("is_unusual")
            run.write({"is_unusual": True})
            leader = rating.window_id.leader_id
            if not (new_run and leader):
                continue
            env = recipient_env(self.env, leader)  # the leader's language
            rating.activity_schedule(
                "qi_case.mail_activity_type_rating_unusual",
                date_deadline=china_today(rating.window_id),
                summary=env._(
                    "%(count)s ratings 非常满意 for %(staff)s within %(minutes)s minutes: check that the visitors "
                    "rated freely",
                    count=len(run),
                    staff=rating.handler_id.name,
                    minutes=minutes,
                ),
                user_id=leader.id,
            )
