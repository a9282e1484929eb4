from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.qi_window.tools.china import china_date, china_today
from odoo.addons.qi_window.tools.flow import FLOW

# what the leader decided once the service object was called back (好差评 practice)
OUTCOMES = [
    ("fixed_now", "Fixed on the Spot"),
    ("fix_deadline", "Fix with a Deadline"),
    ("explained", "Explained (No Legal Basis)"),
    ("appealed", "Appealed"),
]
# where the follow-up of a bad review stands; the late states are refreshed by
# the daily supervision, so that the leader's list filters on a stored value
FOLLOWUP_STATES = [
    ("to_call", "To Call Back"),
    ("calling_late", "Callback Late"),
    ("to_fix", "To Fix"),
    ("fix_late", "Fix Late"),
    ("closed", "Closed"),
]
OPEN_FOLLOWUP_STATES = ("to_call", "calling_late", "to_fix", "fix_late")
# the default deadline of a fix, in PRC working days after the callback
FIX_WORKING_DAYS = 15
FLOW_KEY = "qi_case_rating_flow"


# the follow-up's facts: set through the actions below only
FOLLOW_UP_FIELDS = frozenset(
    {
        "partner_id",
        "date",
        "is_current",
        "is_default",
        "rerated_from_id",
        "callback_due",
        "callback_done",
        "fix_due",
        "fix_done",
        "appeal_state",
        "appeal_reason",
        "outcome",
        "outcome_date",
        "outcome_explanation",
        "followup_state",
    }
)


class QiCaseRating(models.Model):
    """The outcome of a bad review (R-8.1): the service object who rated
    under its name is called back within 1 working day; then the leader
    records one outcome: fixed on the spot, fixed by a deadline (15 working
    days after the callback unless the leader sets another date), explained
    (the demand has no legal basis) or left to the staff's appeal (upheld: the
    rating is set aside; rejected: the leader chooses another outcome).

    Every fact of a rating and of its follow-up is set by this flow only: a
    leader writes them through the actions below, never by hand or RPC (a
    back-dated callback would pass for one on time)."""

    _inherit = "qi.case.rating"  # pylint: disable=consider-merging-classes-inherited

    _qi_protected_fields = FOLLOW_UP_FIELDS
    _qi_flow_key = FLOW_KEY

    fix_due = fields.Date(tracking=True)
    outcome = fields.Selection(
        OUTCOMES,
        readonly=True,
        copy=False,
        tracking=True,
        help="What the leader decided after calling the service object back.",
    )
    outcome_date = fields.Datetime(string="Outcome Recorded", readonly=True, copy=False)
    outcome_explanation = fields.Text(
        string="Explanation",
        readonly=True,
        copy=False,
        help="What the service object was told when its demand has no legal basis.",
    )
    followup_state = fields.Selection(
        FOLLOWUP_STATES,
        string="Follow-up",
        compute="_compute_followup_state",
        store=True,
        index=True,
        copy=False,
        help="Where the follow-up of a bad review stands; a callback or a fix past its deadline is late.",
    )

    @api.depends("callback_due", "callback_done", "fix_due", "fix_done", "outcome", "appeal_state")
    def _compute_followup_state(self):
        for rating in self:
            rating.followup_state = rating._followup_state_on(china_today(rating.window_id))

    def _followup_state_on(self, today):
        """The follow-up state on ``today`` (China's date); False without a follow-up."""
        self.ensure_one()
        if not (self.callback_due or self.fix_due):
            return False
        if self.appeal_state == "upheld":
            return "closed"  # set aside as mistaken or malicious: nothing to call back nor fix
        if self.callback_due and not self.callback_done:
            return "calling_late" if today > self.callback_due else "to_call"
        if self.outcome in ("fixed_now", "explained") or self.fix_done:
            return "closed"
        return "fix_late" if self.fix_due and today > self.fix_due else "to_fix"

    @api.constrains("outcome", "callback_done", "outcome_explanation", "fix_due", "appeal_state")
    def _check_outcome(self):
        for rating in self.filtered("outcome"):
            problem = rating._outcome_problem(
                rating.outcome, rating.fix_due, rating.outcome_explanation, rating.appeal_state
            )
            if problem:
                raise ValidationError(problem)

    def _outcome_problem(self, outcome, fix_due, explanation, appeal_state):
        """Why ``outcome`` (with these values) cannot be this rating's, or None:
        checked by the action before it writes, and by the constraint after."""
        self.ensure_one()
        if not (self.callback_due or self.fix_due):
            return self.env._("Only a bad review that is followed up has an outcome.")
        if self.callback_due and not self.callback_done:
            return self.env._("Call the service object back before recording the outcome of its bad review.")
        if outcome == "explained" and not (explanation or "").strip():
            return self.env._("Say what the service object was told: the explanation is required.")
        if outcome == "fix_deadline":
            start = china_date(self.callback_done, self.window_id) if self.callback_done else None
            if not fix_due or (start and fix_due < start):
                return self.env._("A fix with a deadline needs a deadline on or after the callback.")
        if outcome == "appealed" and appeal_state not in ("pending", "upheld"):
            return self.env._("The appeal is the outcome only while the staff's appeal of this rating is pending.")
        return None

    # ------------------------------------------------------------------
    # the follow-up
    # ------------------------------------------------------------------
    def _flow(self):
        """These ratings, written by the follow-up flow (see ``_qi_protected_fields``)."""
        return self.with_context(**{FLOW_KEY: FLOW})

    def _default_fix_due(self):
        """15 PRC working days after the callback (after today before it)."""
        self.ensure_one()
        start = china_date(self.callback_done, self.window_id) if self.callback_done else china_today(self.window_id)
        return self.env["qi.workday"].add_working_days(start, FIX_WORKING_DAYS)

    def action_open_outcome_wizard(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Outcome of the Bad Review"),
            "res_model": "qi.case.rating.outcome.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rating_id": self.id},
        }

    def action_record_outcome(self, outcome, fix_due=None, explanation=None):
        """The leader records the one outcome of a bad review, after its callback.

        ``fix_due`` (fix with a deadline) defaults to 15 working days after
        the callback; ``explanation`` is required when the demand is explained."""
        self.ensure_one()
        self._check_manager()
        self.check_access("write")
        if outcome not in dict(OUTCOMES):
            raise UserError(self.env._("Choose one of the outcomes."))
        if self.outcome:
            raise UserError(self.env._("The outcome of this bad review is already recorded."))
        if self.appeal_state == "upheld":
            raise UserError(self.env._("The rating was set aside on appeal: its follow-up is over."))
        now = fields.Datetime.now()
        values = {"outcome": outcome, "outcome_date": now}
        if outcome == "fixed_now":
            values["fix_done"] = now
        elif outcome == "fix_deadline":
            values["fix_due"] = fields.Date.to_date(fix_due) or self._default_fix_due()
        elif outcome == "explained":
            values["outcome_explanation"] = (explanation or "").strip()
        # refused before anything is written (the appeal path: only while the appeal is pending,
        # an upheld appeal ended the follow-up above)
        problem = self._outcome_problem(
            outcome, values.get("fix_due"), values.get("outcome_explanation"), self.appeal_state
        )
        if problem:
            raise ValidationError(problem)
        self._flow().write(values)
        fix = ["qi_case.mail_activity_type_rating_fix"]
        if outcome == "fixed_now":
            self.activity_feedback(fix)
        elif outcome == "explained":
            self.activity_feedback(fix, feedback=self.outcome_explanation)
        elif outcome == "fix_deadline":
            self.activity_reschedule(fix, date_deadline=self.fix_due)
        return True

    @api.model
    def _update_follow_up_states(self):
        """Daily: the open follow-ups whose callback or fix deadline passed become late."""
        ratings = self.search([("followup_state", "in", OPEN_FOLLOWUP_STATES)])
        field = self._fields["followup_state"]
        self.env.add_to_compute(field, ratings)
        ratings._recompute_recordset(["followup_state"])
        return ratings.filtered(lambda r: r.followup_state in ("calling_late", "fix_late"))
