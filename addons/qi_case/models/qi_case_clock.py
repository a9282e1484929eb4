from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.flow import FLOW, in_flow
from odoo.addons.qi_window.tools.ondelete import deletion_guard
from odoo.addons.qi_window.tools.settings import int_param

CLOCK_EVENTS = [
    ("received", "Received"),
    ("correction_sent", "Correction Notice Sent (补正)"),
    ("materials_complete", "Materials Complete"),
    ("deemed_complete", "Deemed Complete on Receipt"),
    ("paused", "Clock Paused"),
    ("resumed", "Clock Resumed"),
    ("extended", "Time Limit Extended"),
    ("completed", "Completed"),
]

PAUSE_REASONS = [
    ("testing", "Testing"),
    ("inspection", "Inspection"),
    ("appraisal", "Appraisal"),
    ("expert_review", "Expert Review"),
    ("hearing", "Hearing"),
]


class QiCaseClockEvent(models.Model):
    """One event of a case's legal clock, with the article of 《行政许可法》 it
    rests on (P-TL-2, P-TL-3, P-TL-4). Written by the service flow only; read by
    staff of the window and, through the portal, by the service object."""

    _name = "qi.case.clock.event"
    _inherit = ["qi.case.child.mixin"]
    _description = "QI Case Clock Event"
    _order = "date, id"

    kind = fields.Selection(CLOCK_EVENTS, required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, help="The day the event counts from, in China.")
    note = fields.Text(readonly=True)
    deadline = fields.Date(string="Deadline After", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True, default=lambda self: self.env.user)
    legal_basis = fields.Char(compute="_compute_legal_basis")

    def _legal_bases(self):
        return {
            "received": self.env._("Administrative Licensing Law, Art. 32"),
            "correction_sent": self.env._("Administrative Licensing Law, Art. 32 (one-time notice)"),
            "materials_complete": self.env._("Administrative Licensing Law, Art. 32"),
            "deemed_complete": self.env._("Administrative Licensing Law, Art. 32 (accepted on receipt)"),
            "paused": self.env._("Administrative Licensing Law, Art. 45"),
            "resumed": self.env._("Administrative Licensing Law, Art. 45"),
            "extended": self.env._("Administrative Licensing Law, Art. 42"),
            "completed": self.env._("Administrative Licensing Law, Art. 42"),
        }

    @api.depends("kind")
    @api.depends_context("lang")
    def _compute_legal_basis(self):
        bases = self._legal_bases()
        for event in self:
            event.legal_basis = bases.get(event.kind, "")

    @api.model_create_multi
    def create(self, vals_list):
        if not in_flow(self.env, "qi_case_clock"):
            raise AccessError(self.env._("The clock log is written by the service flow only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super  # refuses on purpose
        raise AccessError(self.env._("The clock log cannot be changed."))

    @deletion_guard
    def _unlink_except_flow(self):
        if not in_flow(self.env, "qi_case_clock"):
            raise AccessError(self.env._("The clock log cannot be changed."))

    def _portal_values(self):
        return [
            {
                "kind": dict(self._fields["kind"]._description_selection(self.env)).get(event.kind),
                "date": event.date,
                "note": event.note or "",
                "deadline": event.deadline,
                "legal_basis": event.legal_basis,
            }
            for event in self
        ]


class QiCasePause(models.Model):
    """A stop of the clock for testing, inspection, appraisal, expert review or
    a hearing (P-TL-4, §45): its working days count neither in the days used
    nor toward the deadline. The day the pause starts still counts; the clock
    runs again the working day after its end."""

    _name = "qi.case.pause"
    _inherit = ["qi.case.child.mixin", "qi.protected.fields.mixin", "mail.thread"]
    _description = "QI Case Clock Pause"
    _order = "date_start, id"
    # a pause starts running, in its caller's name; it ends with "Resume" only
    _qi_protected_fields = frozenset({"state", "user_id"})
    _qi_flow_key = "qi_case_pause"

    reason_kind = fields.Selection(PAUSE_REASONS, string="For", required=True, default="testing")
    reason = fields.Text(required=True, help="Told to the service object in the portal.")
    date_start = fields.Date(string="Paused From", required=True, default=lambda self: china_today())
    date_end = fields.Date(
        string="Resumes After", required=True, help="Last day of the pause, as planned or as it ended."
    )
    working_days = fields.Integer(compute="_compute_working_days", store=True)
    state = fields.Selection(
        [("running", "Running"), ("ended", "Ended")],
        default="running",
        required=True,
        readonly=True,
        copy=False,
    )
    user_id = fields.Many2one("res.users", string="By", readonly=True, default=lambda self: self.env.user)

    _dates_ordered = models.Constraint("CHECK(date_end > date_start)", "A pause ends after the day it starts.")

    @api.depends("date_start", "date_end")
    def _compute_working_days(self):
        workday = self.env["qi.workday"]
        for pause in self:
            pause.working_days = (
                workday.count_working_days(pause.date_start, pause.date_end)
                if pause.date_start and pause.date_end and pause.date_end > pause.date_start
                else 0
            )

    @api.model
    def _max_working_days(self):
        return int_param(self.env, "qi_case.pause_max_working_days", 60, minimum=0)

    @api.model_create_multi
    def create(self, vals_list):
        guarded = self._qi_guard(vals_list)
        for vals in vals_list:
            vals.setdefault("user_id", self.env.user.id)
            case = self.env["qi.case"].browse(vals.get("case_id"))
            start = fields.Date.to_date(vals.get("date_start")) or china_today()
            if not case.is_open or not case.date_deadline:
                raise UserError(
                    self.env._("The clock of case %s is not running: there is nothing to pause.", case.name)
                )
            if start > case.date_deadline:
                raise UserError(
                    self.env._(
                        "Case %(case)s was due on %(deadline)s: a pause starts before the deadline.",
                        case=case.name,
                        deadline=case.date_deadline,
                    )
                )
            if start < case.date_materials_complete:
                raise UserError(self.env._("A pause cannot start before the materials were complete."))
        # the author was set just above, by this flow; the records go back to the
        # caller without the flow marker
        pauses = super(QiCasePause, guarded.with_context(qi_case_pause=FLOW)).create(vals_list)
        pauses = pauses.with_env(self.env)
        pauses._check_case_limits()
        for pause in pauses:
            pause.case_id._log_clock_event(
                "paused",
                pause.date_start,
                self.env._(
                    "%(kind)s until %(end)s (%(days)s working days): %(reason)s",
                    kind=pause._reason_label(),
                    end=pause.date_end,
                    days=pause.working_days,
                    reason=pause.reason,
                ),
            )
        return pauses

    def write(self, vals):
        if vals.keys() - {"reason"} and not in_flow(self.env, "qi_case_pause"):
            raise AccessError(
                self.env._("A pause is ended with its “Resume” button; its dates do not change otherwise.")
            )
        result = super().write(vals)
        if {"date_start", "date_end"} & vals.keys():
            self._check_case_limits()
        return result

    @deletion_guard
    def _unlink_except_flow(self):
        if not in_flow(self.env, "qi_case_pause"):
            raise AccessError(self.env._("A pause stays in the case's clock log; end it with “Resume”."))

    def _reason_label(self):
        self.ensure_one()
        return dict(self._fields["reason_kind"]._description_selection(self.env)).get(self.reason_kind)

    def _check_case_limits(self):
        cap = self._max_working_days()
        for case in self.case_id:
            pauses = case.pause_ids.sorted("date_start")
            for earlier, later in zip(pauses, pauses[1:], strict=False):
                if later.date_start < earlier.date_end:
                    raise ValidationError(self.env._("Two pauses of case %s overlap.", case.name))
            total = sum(pauses.mapped("working_days"))
            if total > cap:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s would be paused %(total)s working days in all; at most %(cap)s are allowed "
                        "(setting “Pause Cap”).",
                        case=case.name,
                        total=total,
                        cap=cap,
                    )
                )

    def action_resume(self):
        """End a running pause today: the clock runs again from tomorrow."""
        today = china_today()
        for pause in self.filtered(lambda p: p.state == "running"):
            end = min(max(today, pause.date_start + timedelta(days=1)), pause.date_end)
            pause.with_context(qi_case_pause=FLOW).write({"date_end": end, "state": "ended"})
            pause.case_id._log_clock_event("resumed", end, pause._reason_label())
        return True

    @api.model
    def _end_due_pauses(self, today):
        """Daily: pauses whose last day is past end by themselves, logged once."""
        pauses = self.search([("state", "=", "running"), ("date_end", "<", today)])
        for pause in pauses:
            pause.with_context(qi_case_pause=FLOW).write({"state": "ended"})
            pause.case_id._log_clock_event("resumed", pause.date_end, pause._reason_label())
        return pauses
