from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import bool_param, int_param

LEVELS = [
    ("5", "Very Satisfied (非常满意)"),
    ("4", "Satisfied (满意)"),
    ("3", "Basically Satisfied (基本满意)"),
    ("2", "Dissatisfied (不满意)"),
    ("1", "Very Dissatisfied (非常不满意)"),
]
BAD_LEVELS = ("1", "2")
# levels that count as satisfied in the public satisfaction rate (好评)
SATISFIED_LEVELS = ("3", "4", "5")
# below this many ratings the public page shows no rate (one rating would read
# as 0 % or 100 %); ir.config_parameter qi_case.public_satisfaction_min_ratings
MIN_PUBLIC_RATINGS = 3
SUB_SCORES = ("score_efficiency", "score_competence", "score_attitude")
# the level recorded when no rating is given in time (Guangdong: 7 natural days
# after the request, 基本满意); off unless qi_case.default_rating_days is set
DEFAULT_LEVEL = "3"


def satisfaction_rate(satisfied, rated, digits=1):
    """The satisfaction rate (好评率) in percent: satisfied ratings (``SATISFIED_LEVELS``)
    of the valid ones (``_get_valid_domain``). The one definition the public page, the
    evaluation indicator and the dashboard use; None without ratings."""
    return round(100.0 * satisfied / rated, digits) if rated else None


class QiCaseRating(models.Model):
    """好差评: the service object's five-level rating of a completed case, with
    the offline sub-scores. A bad review (the two lowest levels) opens a
    follow-up: a callback within 1 working day and a fix within 15 (R-8.1)."""

    _name = "qi.case.rating"
    _description = "QI Case Rating (好差评)"
    _inherit = ["qi.case.child.mixin", "qi.protected.fields.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    # the staff rated: the case's first handler, or who served the visit (一次一评)
    handler_id = fields.Many2one(
        "res.users", compute="_compute_handler_id", store=True, string="First Handler", index=True
    )
    # the rater: kept for the follow-up, hidden from the rated staff (see _rate);
    # empty for a visitor who rates a visit at the window without an account
    partner_id = fields.Many2one(
        "res.partner",
        string="Rated By",
        readonly=True,
        groups="qi_window.group_qi_manager,qi_window.group_qi_coordinator",
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    level = fields.Selection(LEVELS, required=True, readonly=True, tracking=True)
    level_value = fields.Integer(compute="_compute_level_value", store=True, aggregator="avg", string="Score")
    score_efficiency = fields.Selection(LEVELS, string="Efficiency", readonly=True)
    score_competence = fields.Selection(LEVELS, string="Competence", readonly=True)
    score_attitude = fields.Selection(LEVELS, string="Attitude", readonly=True)
    comment = fields.Text(readonly=True)
    is_bad = fields.Boolean(compute="_compute_level_value", store=True, index=True, string="Bad Review")
    is_satisfied = fields.Boolean(compute="_compute_level_value", store=True, string="Satisfied")
    is_current = fields.Boolean(default=True, index=True, readonly=True, help="False once re-rated.")
    is_default = fields.Boolean(
        string="Default Rating",
        readonly=True,
        index=True,
        help="Recorded by the system because the service object gave no rating in time; the service object "
        "may still rate, which replaces it. Counted in the satisfaction figures only when the settings say so.",
    )
    rerated_from_id = fields.Many2one("qi.case.rating", readonly=True, string="Re-rating Of")
    callback_due = fields.Date(readonly=True)
    callback_done = fields.Datetime(readonly=True)
    fix_due = fields.Date(readonly=True)
    fix_done = fields.Datetime(readonly=True)
    appeal_state = fields.Selection(
        [
            ("none", "No Appeal"),
            ("pending", "Appeal Pending"),
            ("upheld", "Rating Set Aside"),
            ("rejected", "Appeal Rejected"),
        ],
        default="none",
        required=True,
        readonly=True,
        tracking=True,
    )
    appeal_reason = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # asking for a rating
    # ------------------------------------------------------------------
    @api.model
    def _request_for(self, cases, reminder=False):
        """Ask the service object of each case for its 好差评, by mail and in the portal."""
        asked = cases.filtered("partner_id")
        for case in asked:
            # in the service object's language; Chinese when it is unknown
            env = recipient_env(self.env, case.partner_id)
            url = case.get_base_url() + case.access_url
            body = (
                env._(
                    "Reminder: how satisfied are you with case %(case)s? Rate it here: %(url)s", case=case.name, url=url
                )
                if reminder
                else env._(
                    "Case %(case)s is completed. Please rate our service (非常满意 … 非常不满意): %(url)s",
                    case=case.name,
                    url=url,
                )
            )
            case.message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment", partner_ids=case.partner_id.ids
            )
        # one write for all, or one per window: the day asked is the window's day
        asked = asked.with_context(qi_case_internal=FLOW)
        if reminder:
            asked.write({"rating_reminded": True})
        else:
            for window, window_cases in asked.grouped("window_id").items():
                window_cases.write({"rating_requested_date": china_today(window)})

    @api.model
    def _remind_unrated(self, today):
        """One reminder, 3 days after the request, to cases still unrated."""
        due = today - timedelta(days=3)
        cases = self.env["qi.case"].search(
            [
                ("stage_code", "in", ("completed", "closed")),
                ("rating_requested_date", "<=", due),
                ("rating_reminded", "=", False),
                ("qi_rating_ids", "=", False),
            ]
        )
        self._request_for(cases, reminder=True)
        return cases

    @api.depends("case_id.user_id", "visit_id.user_id")
    def _compute_handler_id(self):
        for rating in self:
            rating.handler_id = rating.case_id.user_id if rating.case_id else rating.visit_id.user_id

    @api.depends("level")
    def _compute_level_value(self):
        for rating in self:
            rating.level_value = int(rating.level or 0)
            rating.is_bad = rating.level in BAD_LEVELS
            rating.is_satisfied = rating.level in SATISFIED_LEVELS

    @api.model
    def _rate(self, case, partner, level, comment=None, scores=None, visit=None, **sub_scores):
        """The one way a rating is given: by a user of the service object on its
        completed case (online, 一事一评), or by a visitor on a ``visit`` at the
        window (on site, 一次一评: ``case`` and ``partner`` may be empty, see
        ``_rate_visit``). The rating uses the current indicator set of its
        channel; ``scores`` maps codes of its indicators to levels, and the old
        ``score_efficiency``, ``score_competence``, ``score_attitude`` keywords
        count for the indicator of that code where the set has one."""
        if visit:
            return self._rate_visit(visit, partner, level, comment=comment, scores=scores)
        if case.stage_code not in ("completed", "closed"):
            raise UserError(self.env._("A case is rated once its result is reported back."))
        if partner.commercial_partner_id != case.partner_id.commercial_partner_id:
            raise AccessError(self.env._("Only the service object rates its case."))
        if level not in dict(LEVELS):
            raise ValidationError(self.env._("Choose one of the five levels."))
        # the rated staff must not learn who rated them: the rating is
        # created and updated by the system user, so create_uid, write_uid and
        # the author of its chatter name nobody; the rater is kept only in
        # partner_id, which the leader who follows up bad reviews reads
        Rating = self.with_user(SUPERUSER_ID).with_context(mail_create_nosubscribe=True)
        previous = Rating.search([("case_id", "=", case.id), ("is_current", "=", True)])
        if previous and not self._can_rate_over(previous):
            raise UserError(self.env._("This case was already rated; a bad review can be re-rated once."))
        indicator_set = Rating.env["qi.rating.indicator.set"]._current("online")
        # checked before anything is written: a refused score leaves no rating
        prepared = Rating._prepare_scores(indicator_set, level, scores, legacy=sub_scores)
        previous.is_current = False
        values = {
            "case_id": case.id,
            "partner_id": partner.id,
            "level": level,
            "comment": comment,
            "channel": "online",
            "indicator_set_id": indicator_set.id,
            # a default rating is replaced by the real one, not re-rated
            "rerated_from_id": previous.filtered(lambda r: not r.is_default).id or False,
        }
        rating = Rating.create(values)
        rating._write_scores(prepared)
        if rating.is_bad and not rating.rerated_from_id:
            rating._open_follow_up()
        # computed fields are written when flushed, in the flushing user's name
        (rating | previous).flush_recordset()
        return rating.with_env(self.env)

    @api.model
    def _can_rate_over(self, current):
        """Whether the service object may rate a case whose current rating is
        ``current`` (empty: not rated yet): a default rating is replaced by a
        real one, a bad review is re-rated once."""
        return not current or current.is_default or (current.is_bad and not current.rerated_from_id)

    @api.model
    def _default_rating_days(self):
        """Natural days after the rating request before the default rating; 0 is off."""
        return int_param(self.env, "qi_case.default_rating_days", 0, minimum=0)

    @api.model
    def _give_default_ratings(self, today):
        """Record 基本满意 as the default rating of each completed case still
        unrated more than ``qi_case.default_rating_days`` natural days after its
        rating request (requested on day 0: the default comes on day N + 1).
        Marked ``is_default``, in the chatter of the case, and replaced when
        the service object rates after all. Returns the ratings given."""
        days = self._default_rating_days()
        if not days:
            return self.browse()
        cases = self.env["qi.case"].search(
            [
                ("stage_code", "in", ("completed", "closed")),
                ("rating_requested_date", "<", today - timedelta(days=days)),
                ("qi_rating_ids", "=", False),
                ("partner_id", "!=", False),
            ],
            order="id",
        )
        if not cases:
            return self.browse()
        # created by the system user, as every rating is (the rated staff must
        # not read a rater from create_uid); no rater chose this level
        Rating = self.with_user(SUPERUSER_ID).with_context(mail_create_nosubscribe=True, tracking_disable=True)
        ratings = Rating.create(
            [
                {"case_id": case.id, "partner_id": case.partner_id.id, "level": DEFAULT_LEVEL, "is_default": True}
                for case in cases
            ]
        )
        for case in cases:
            # the note is read by the window's staff: in the language of its leader
            env = recipient_env(self.env, case.window_id.leader_id or case.user_id)
            case._message_log(
                body=env._(
                    "No rating was given within %(days)s days of the request: the default rating "
                    "(基本满意, basically satisfied) is recorded. The service object may still rate.",
                    days=days,
                )
            )
        ratings.flush_recordset()
        return ratings.with_env(self.env)

    def _open_follow_up(self):
        """Callback within 1 working day (every bad review given under a name:
        an anonymous one has nobody to call back), fix within 15, on the
        window's leader. The outcome is recorded after the callback
        (qi_case_rating_outcome.py)."""
        workday = self.env["qi.workday"]
        for rating in self:
            today = china_today(rating.window_id)
            leader = rating.window_id.leader_id
            rating._flow().write(
                {
                    "callback_due": workday.add_working_days(today, 1) if rating.partner_id else False,
                    "fix_due": workday.add_working_days(today, 15),
                }
            )
            if not leader:
                continue
            env = recipient_env(self.env, leader)  # the leader's language
            if rating.callback_due:
                rating.activity_schedule(
                    "qi_case.mail_activity_type_rating_callback",
                    date_deadline=rating.callback_due,
                    summary=env._("Call back the service object of %s", rating._rated_name()),
                    user_id=leader.id,
                )
            rating.activity_schedule(
                "qi_case.mail_activity_type_rating_fix",
                date_deadline=rating.fix_due,
                summary=env._("Fix what the bad review of %s reports", rating._rated_name()),
                user_id=leader.id,
            )

    def _check_manager(self):
        if not self.env.user.has_group("qi_window.group_qi_manager"):
            raise AccessError(self.env._("Only the operating organisation's leader decides on a bad review."))

    def action_callback_done(self):
        self._check_manager()
        if self.filtered(lambda r: not r.callback_due):
            raise UserError(self.env._("Only a bad review given under a name is called back."))
        # once called back, the date stays: a second click does not move it
        todo = self.filtered(lambda r: not r.callback_done)
        todo._flow().write({"callback_done": fields.Datetime.now()})
        todo.activity_feedback(["qi_case.mail_activity_type_rating_callback"])
        return True

    def action_fix_done(self):
        """The fix is done: the outcome is a fix with a deadline (recorded now
        when the leader had not chosen one), done when this is recorded."""
        self._check_manager()
        if self.filtered(lambda r: r.outcome not in (False, "fix_deadline")):
            raise UserError(self.env._("Only a fix with a deadline is recorded as fixed."))
        now = fields.Datetime.now()
        for rating in self.filtered(lambda r: not r.fix_done):
            values = {"fix_done": now}
            if not rating.outcome:
                problem = rating._outcome_problem("fix_deadline", rating.fix_due, None, rating.appeal_state)
                if problem:
                    raise ValidationError(problem)
                values.update(outcome="fix_deadline", outcome_date=now)
            rating._flow().write(values)
        self.activity_feedback(["qi_case.mail_activity_type_rating_fix"])
        return True

    def action_appeal(self, reason):
        """Staff appeal a mistaken or malicious rating; the manager decides."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the rating is mistaken or malicious."))
        # the rated staff appeal, not the coordination department that reads every window
        if not self.env.user.has_group("qi_window.group_qi_user"):
            raise AccessError(self.env._("Only the staff of the window appeal a rating."))
        self.check_access("read")
        if self.filtered(lambda r: r.appeal_state != "none"):
            raise UserError(self.env._("A rating is appealed once."))
        # sudo: the caller can read these ratings (staff of their window); only
        # the appeal fields are set, the rating itself stays untouched
        self.sudo().write({"appeal_state": "pending", "appeal_reason": reason})
        return True

    def action_decide_appeal(self, upheld):
        self._check_manager()
        if self.filtered(lambda r: r.appeal_state != "pending"):
            raise UserError(self.env._("There is no pending appeal to decide."))
        if upheld:
            # set aside: it counts nowhere, and there is nobody to call back nor anything to fix
            self._flow().write({"appeal_state": "upheld", "is_current": False})
            self.activity_unlink(
                ["qi_case.mail_activity_type_rating_callback", "qi_case.mail_activity_type_rating_fix"]
            )
        else:
            for rating in self:
                values = {"appeal_state": "rejected"}
                if rating.outcome == "appealed":
                    # the rating stands: the leader chooses another outcome
                    values.update(outcome=False, outcome_date=False)
                rating._flow().write(values)
        return True

    def action_appeal_uphold(self):
        return self.action_decide_appeal(True)

    def action_appeal_reject(self):
        return self.action_decide_appeal(False)

    @api.model
    def _get_valid_domain(self):
        """The ratings that count: the current one of each case, not set aside
        on appeal (upholding an appeal also clears ``is_current``; both are
        checked so that the rule reads in one place)."""
        domain = Domain("is_current", "=", True) & Domain("appeal_state", "!=", "upheld")
        if not bool_param(self.env, "qi_case.default_rating_counts"):
            # where the rules say a default is no real rating, the figures leave it out
            domain &= Domain("is_default", "=", False)
        return domain

    @api.model
    def _get_public_min_ratings(self):
        # unset means the default (3), not 0 (an unset get_param answers False)
        return int_param(self.env, "qi_case.public_satisfaction_min_ratings", MIN_PUBLIC_RATINGS, minimum=1)

    @api.model
    def _get_public_satisfaction(self, groupby, domain):
        """Satisfaction per value of ``groupby`` over the valid ratings matching
        ``domain``, in one grouped query whatever the number of groups.

        ``groupby`` is a many2one of the rating (``window_id``) or a path to
        a many2many (``case_id.item_ids``: a rating counts for each item of its
        case). Returns ``{id: {"rate": int or None, "count": int}}``, ``rate``
        being the rounded share of satisfied ratings in percent, None while
        fewer than the minimum number of ratings were given. Only counts leave
        this method: it is meant for the public page.
        """
        rows = self._read_group(Domain(domain) & self._get_valid_domain(), [groupby, "is_satisfied"], ["__count"])
        totals = defaultdict(lambda: [0, 0])
        for record, satisfied, count in rows:
            if record:
                totals[record.id][0] += count if satisfied else 0
                totals[record.id][1] += count
        minimum = self._get_public_min_ratings()
        return {
            record_id: {
                "rate": int(satisfaction_rate(satisfied, total, 0)) if total >= minimum else None,
                "count": total,
            }
            for record_id, (satisfied, total) in totals.items()
        }

    @api.model
    def _get_scores(self, field, records):
        """Average level (1-5) and count of current ratings of the delivered
        assignments per provider or expert, in one grouped query. A default
        rating says nothing of anyone's work: it is left out."""
        if not records:
            return {}
        assert field in ("provider_id", "expert_id")
        self.env["qi.case.assignment"].flush_model([field, "state", "case_id"])
        self.flush_model(["case_id", "is_current", "level_value"])
        self.env.cr.execute(
            SQL(
                """SELECT a.%s, AVG(r.level_value), COUNT(r.id)
                 FROM qi_case_assignment a
                 JOIN qi_case_rating r ON r.case_id = a.case_id AND r.is_current AND r.is_default IS NOT TRUE
                WHERE a.%s IN %s AND a.state = 'delivered'
             GROUP BY a.%s""",
                SQL.identifier(field),
                SQL.identifier(field),
                tuple(records.ids),
                SQL.identifier(field),
            )
        )
        return {record_id: (float(average), count) for record_id, average, count in self.env.cr.fetchall()}
