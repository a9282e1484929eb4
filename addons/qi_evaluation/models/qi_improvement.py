import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.ondelete import deletion_guard
from odoo.addons.qi_window.tools.settings import int_param

_logger = logging.getLogger(__name__)

IMPROVEMENT_STATES = [
    ("open", "To Plan"),
    ("in_progress", "In Progress"),
    ("to_verify", "To Verify"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
RUNNING_STATES = ("open", "in_progress", "to_verify")

GBT_19004_HELP = (
    "R-8.3: improve within 15 working days after the evaluation, following GB/T 19004-2020 "
    "clause 11 (improvement, learning and innovation): find the cause, correct the problem, "
    "take corrective action so that it does not recur, learn from it, and verify that it worked."
)


class QiImprovement(models.Model):
    """A problem found by an evaluation, improved within 15 PRC working days
    (R-8.3.1) with a plan, a scheme, corrections and corrective actions
    (R-8.3.2), and closed only by an effectiveness verification made by
    someone other than its owner (R-8.3.3). GB/T 19004-2020 clause 11."""

    _name = "qi.improvement"
    _description = "QI Improvement"
    _inherit = ["qi.window.bound.mixin", "qi.protected.fields.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "is_overdue desc, date_deadline, id desc"
    # set by the improvement flow only, never by hand or RPC, on create as on write
    _qi_protected_fields = frozenset(
        {
            "date_deadline",
            "date_deadline_initial",
            "date_closed",
            "closed_on_time",
            "escalated_deadline",
            "reopen_count",
            "date_raised",
            "evaluation_id",
            "finding_id",
        }
    )
    _qi_flow_key = "qi_improvement_internal"

    name = fields.Char(string="Problem", required=True, tracking=True)
    description = fields.Text(string="Finding", help="The problem as the evaluators found it.")
    evaluation_id = fields.Many2one("qi.evaluation", index=True, ondelete="restrict", readonly=True)
    evaluation_type = fields.Selection(related="evaluation_id.evaluation_type", store=True)
    finding_id = fields.Many2one(
        "qi.evaluation.finding", string="Evaluation Finding", readonly=True, index="btree_not_null"
    )
    indicator_id = fields.Many2one("qi.evaluation.indicator", readonly=True)
    element_id = fields.Many2one(related="indicator_id.element_id", store=True, string="Element")
    window_id = fields.Many2one("qi.window", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    owner_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="Answers for the improvement; cannot verify its effectiveness.",
    )
    root_cause = fields.Text(
        string="Cause Analysis",
        help="Why the problem happened (GB/T 19004-2020 11.3: analyse causes before acting).",
    )
    plan = fields.Html(
        string="Improvement Plan",
        sanitize=True,
        help="R-8.3.2: objectives, responsibilities and dates. " + GBT_19004_HELP,
    )
    scheme = fields.Html(
        string="Improvement Scheme",
        sanitize=True,
        help="R-8.3.2: how the problem will be solved and kept from recurring. " + GBT_19004_HELP,
    )
    lessons = fields.Text(string="Lessons Learned", help="GB/T 19004-2020 11.3: what the window learned and shares.")
    action_ids = fields.One2many("qi.improvement.action", "improvement_id", string="Actions")
    verification_ids = fields.One2many("qi.improvement.verification", "improvement_id", string="Verifications")
    state = fields.Selection(
        IMPROVEMENT_STATES, required=True, default="open", index=True, tracking=True, group_expand=True, copy=False
    )
    date_raised = fields.Date(
        string="Raised On",
        required=True,
        default=lambda self: china_today(),
        readonly=True,
        copy=False,
        help="The day the evaluation was done: the 15 working days count from the next day.",
    )
    date_deadline = fields.Date(
        string="Deadline",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="15 PRC working days after the evaluation; a new 15 working days after a "
        "verification that found the improvement not effective.",
    )
    date_deadline_initial = fields.Date(string="First Deadline", readonly=True, copy=False)
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False)
    closed_on_time = fields.Boolean(readonly=True, copy=False)
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        compute="_compute_on_time_rate",
        store=True,
        aggregator="avg",
        help="100 for an improvement closed by its deadline, 0 if late; empty while it runs.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        store=True,
        index=True,
        help="Running past its deadline; the daily scheduled action refreshes this flag.",
    )
    escalated_deadline = fields.Date(
        readonly=True, copy=False, help="Deadline the last overdue escalation was made for: escalated once."
    )
    reopen_count = fields.Integer(string="Reopened", readonly=True, copy=False)
    action_count = fields.Integer(compute="_compute_action_counts")
    action_done_count = fields.Integer(compute="_compute_action_counts")
    action_open_count = fields.Integer(compute="_compute_action_counts")
    color = fields.Integer()

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    @api.depends("state", "closed_on_time")
    def _compute_on_time_rate(self):
        for improvement in self:
            improvement.on_time_rate = (
                (100.0 if improvement.closed_on_time else 0.0) if improvement.state == "closed" else False
            )

    @api.depends("state", "date_deadline")
    def _compute_is_overdue(self):
        today = china_today()
        for improvement in self:
            improvement.is_overdue = bool(
                improvement.state in RUNNING_STATES and improvement.date_deadline and improvement.date_deadline < today
            )

    @api.depends("action_ids.state")
    def _compute_action_counts(self):
        for improvement in self:
            actions = improvement.action_ids.filtered(lambda a: a.state != "cancelled")
            improvement.action_count = len(actions)
            improvement.action_done_count = len(actions.filtered(lambda a: a.state == "done"))
            improvement.action_open_count = len(actions.filtered(lambda a: a.state == "open"))

    # ------------------------------------------------------------------
    # constraints: the rules hold whatever the screen or RPC call
    # ------------------------------------------------------------------
    @api.constrains("state", "action_ids")
    def _check_state(self):
        for improvement in self:
            if improvement.state not in ("to_verify", "closed"):
                continue
            actions = improvement.action_ids.filtered(lambda a: a.state != "cancelled")
            if not actions:
                raise ValidationError(
                    self.env._(
                        "Improvement “%s” has no correction or corrective action: record what was done first.",
                        improvement.name,
                    )
                )
            still_open = actions.filtered(lambda a: a.state == "open")
            if still_open:
                raise ValidationError(
                    self.env._(
                        "Improvement “%(improvement)s” still has open actions (%(actions)s): they must be "
                        "done before it is verified or closed.",
                        improvement=improvement.name,
                        actions=", ".join(still_open.mapped("name")),
                    )
                )
            if improvement.state == "closed":
                last = improvement.verification_ids.sorted(lambda v: (v.date, v.id))[-1:]
                if last.result != "effective":
                    raise ValidationError(
                        self.env._(
                            "Improvement “%s” closes only after a verification found it effective.",
                            improvement.name,
                        )
                    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _get_deadline(self, date):
        """R-8.3.1: the day 15 PRC working days after ``date`` (configurable)."""
        days = int_param(self.env, "qi_evaluation.improvement_working_days", 15, minimum=1)
        return self.env["qi.workday"].add_working_days(date, days)

    @api.model_create_multi
    def create(self, vals_list):
        guarded = self._qi_guard(vals_list)
        today = china_today()
        for vals in vals_list:
            raised = fields.Date.to_date(vals.get("date_raised")) or today
            vals.setdefault("date_deadline", self._get_deadline(raised))
            vals.setdefault("date_deadline_initial", vals["date_deadline"])
        # the deadlines were set just above, by this flow; the records go back
        # to the caller without the flow marker
        improvements = super(QiImprovement, guarded.with_context(qi_improvement_internal=FLOW)).create(vals_list)
        improvements = improvements.with_env(self.env)
        for improvement in improvements:
            improvement._schedule_owner_activity()
        return improvements

    def write(self, vals):
        self._qi_check_protected([vals])
        if not self._qi_in_flow():
            if "state" in vals:
                self._check_state_change(vals["state"])
            if "owner_id" in vals and self.filtered(
                lambda i: i.state not in ("open", "in_progress") and i.owner_id.id != vals["owner_id"]
            ):
                # whoever did the work must not hand it off and then verify it
                raise UserError(self.env._("The owner of an improvement waiting for verification or finished stays."))
            if "window_id" in vals and self.filtered("evaluation_id"):
                raise UserError(self.env._("An improvement raised by an evaluation stays with the evaluated window."))
        previous_owners = {i.id: i.owner_id for i in self} if "owner_id" in vals else {}
        result = super().write(vals)
        for improvement in self:
            if previous_owners and previous_owners[improvement.id] != improvement.owner_id:
                improvement.activity_unlink(["qi_evaluation.mail_activity_type_improvement"])
                improvement._schedule_owner_activity()
        return result

    def _check_state_change(self, state):
        """Closed and cancelled improvements stay so; only a leader cancels one."""
        finished = self.filtered(lambda i: i.state in ("closed", "cancelled") and i.state != state)
        if finished:
            raise UserError(
                self.env._("Improvement “%s” is closed or cancelled; it cannot change state.", finished[0].name)
            )
        if state == "cancelled" and not self._can_cancel():
            raise AccessError(self.env._("Only the operating organisation's leader can cancel an improvement."))
        # closing needs an effective verification: _check_state refuses
        # it otherwise, whoever writes and however

    def _can_cancel(self):
        user = self.env.user
        if self.env.su or user.has_group("qi_window.group_qi_manager"):
            return True
        return user.has_group("qi_window.group_qi_coordinator") and all(
            i.evaluation_type == "adhoc_coordination" for i in self
        )

    @deletion_guard
    def _unlink_except_started_or_from_evaluation(self):
        if self.filtered(lambda i: i.evaluation_id or i.state != "open"):
            raise UserError(self.env._("Improvements from an evaluation, or already started, are kept as a record."))

    # ------------------------------------------------------------------
    # flow
    # ------------------------------------------------------------------
    def action_start(self):
        for improvement in self:
            if improvement.state != "open":
                raise UserError(self.env._("Improvement “%s” is already under way.", improvement.name))
        self.write({"state": "in_progress"})
        return True

    def action_submit(self):
        """All actions done: ask someone other than the owner to verify the effectiveness."""
        for improvement in self:
            if improvement.state not in ("open", "in_progress"):
                raise UserError(self.env._("Improvement “%s” cannot be submitted now.", improvement.name))
        self.write({"state": "to_verify"})
        self.activity_feedback(["qi_evaluation.mail_activity_type_improvement"])
        for improvement in self:
            verifier = improvement._get_default_verifier()
            if verifier:
                improvement.activity_schedule(
                    "qi_evaluation.mail_activity_type_improvement_verification",
                    date_deadline=china_today(),
                    summary=recipient_env(self.env, verifier)._("Verify the effectiveness of “%s”", improvement.name),
                    user_id=verifier.id,
                )
        return True

    def _get_default_verifier(self):
        """Who is asked to verify: the window's leader, else the lead evaluator, never the owner."""
        self.ensure_one()
        for candidate in (self.window_id.leader_id, self.evaluation_id.user_id):
            if candidate and candidate != self.owner_id:
                return candidate
        return self.env["res.users"]

    def action_verify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Verify Effectiveness"),
            "res_model": "qi.improvement.verify.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_improvement_id": self.id},
        }

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def _apply_verification(self, verification):
        """R-8.3.3: effective closes the improvement; not effective reopens it
        with a new deadline of 15 working days from the verification."""
        self.ensure_one()
        internal = self.with_context(qi_improvement_internal=FLOW)
        if verification.result == "effective":
            internal.write(
                {
                    "state": "closed",
                    "date_closed": verification.date,
                    "closed_on_time": verification.date <= self.date_deadline,
                }
            )
            self.activity_feedback(
                [
                    "qi_evaluation.mail_activity_type_improvement_verification",
                    "qi_evaluation.mail_activity_type_improvement",
                ],
                feedback=self.env._("Verified effective"),
            )
            return
        deadline = verification.new_deadline or self._get_deadline(verification.date)
        internal.write({"state": "in_progress", "date_deadline": deadline, "reopen_count": self.reopen_count + 1})
        self.activity_feedback(
            ["qi_evaluation.mail_activity_type_improvement_verification"], feedback=self.env._("Not effective")
        )
        self.activity_unlink(["qi_evaluation.mail_activity_type_improvement"])
        self._schedule_owner_activity(
            self.env._("Not effective: improve “%(name)s” again by %(deadline)s", name=self.name, deadline=deadline)
        )

    def _schedule_owner_activity(self, summary=None):
        self.ensure_one()
        if self.state not in RUNNING_STATES or not self.owner_id:
            return
        self.activity_schedule(
            "qi_evaluation.mail_activity_type_improvement",
            date_deadline=self.date_deadline,
            summary=summary
            or recipient_env(self.env, self.owner_id)._(
                "Improve “%(name)s” by %(deadline)s", name=self.name, deadline=self.date_deadline
            ),
            user_id=self.owner_id.id,
        )

    # ------------------------------------------------------------------
    # overdue escalation
    # ------------------------------------------------------------------
    @api.model
    def _refresh_overdue_flags(self, today):
        """is_overdue depends on today's date: flip the rows whose status changed."""
        to_flip = self.search(
            [
                "|",
                "&",
                "&",
                ("is_overdue", "=", False),
                ("state", "in", RUNNING_STATES),
                ("date_deadline", "<", today),
                "&",
                ("is_overdue", "=", True),
                "|",
                ("state", "not in", RUNNING_STATES),
                ("date_deadline", ">=", today),
            ]
        )
        if to_flip:
            self.env.add_to_compute(self._fields["is_overdue"], to_flip)
            to_flip.flush_recordset(["is_overdue"])
        return to_flip

    @api.model
    def _cron_escalate_overdue(self, batch_size=200):
        """Daily: an improvement past its deadline is escalated once (per deadline)
        to its window's leader by an activity."""
        from odoo.addons.qi_window.tools.cron import batches

        today = china_today()
        self._refresh_overdue_flags(today)
        overdue = self.search(
            [("state", "in", RUNNING_STATES), ("date_deadline", "<", today)], order="date_deadline, id"
        )
        # comparing two columns is not a domain: filter in memory
        overdue = overdue.filtered(lambda i: i.escalated_deadline != i.date_deadline)
        for batch in batches(self.env, overdue, batch_size):
            for improvement in batch:
                improvement._escalate(today)
        return overdue

    def _escalate(self, today):
        self.ensure_one()
        user = self.window_id.leader_id or self.owner_id
        self.activity_schedule(
            "qi_evaluation.mail_activity_type_improvement_overdue",
            date_deadline=today,
            summary=recipient_env(self.env, user)._(
                "Overdue improvement at %(window)s: “%(name)s” (due %(deadline)s)",
                window=self.window_id.name,
                name=self.name,
                deadline=self.date_deadline,
            ),
            user_id=user.id,
        )
        self.with_context(qi_improvement_internal=FLOW).escalated_deadline = self.date_deadline
