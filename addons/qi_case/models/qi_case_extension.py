from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param


class QiCaseExtension(models.Model):
    """A longer time limit, asked before the deadline and granted by the
    window's leader; the service object is told (R-7.3.2)."""

    _name = "qi.case.extension"
    _description = "QI Case Time-limit Extension"
    _inherit = ["qi.case.child.mixin", "qi.protected.fields.mixin", "mail.thread"]
    _order = "create_date desc, id desc"
    # a request is made undecided, by its caller: the decision and the "not your
    # own request" check cannot be sidestepped, on create as on write
    _qi_protected_fields = frozenset({"state", "decided_by_id", "date_decided", "requested_by_id", "deadline_before"})
    _qi_flow_key = "qi_extension_decision"

    days = fields.Integer(string="Extra Working Days", required=True, default=5)
    reason = fields.Text(required=True)
    deadline_before = fields.Date(readonly=True)
    requested_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    date_requested = fields.Date(default=lambda self: china_today(), readonly=True)
    state = fields.Selection(
        [("requested", "Requested"), ("approved", "Approved"), ("refused", "Refused")],
        default="requested",
        required=True,
        readonly=True,
        tracking=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True)
    date_decided = fields.Date(readonly=True)
    activity_id = fields.Many2one(
        "mail.activity",
        string="Decision To-do",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The leader's to-do to decide this extension; done when it is decided.",
    )

    _days_positive = models.Constraint("CHECK(days > 0)", "An extension adds at least one working day.")

    @api.model_create_multi
    def create(self, vals_list):
        guarded = self._qi_guard(vals_list)
        today = china_today()
        for vals in vals_list:
            vals.setdefault("requested_by_id", self.env.user.id)
            case = self.env["qi.case"].browse(vals["case_id"])
            if not case.is_open:
                raise UserError(self.env._("Case %s is no longer running.", case.name))
            if not case.date_deadline:
                raise UserError(self.env._("Case %s has no running deadline to extend.", case.name))
            if today > case.date_deadline:
                raise UserError(
                    self.env._(
                        "The deadline of %(case)s (%(deadline)s) has passed: an extension must be asked for "
                        "before the deadline. The case stays overdue.",
                        case=case.name,
                        deadline=case.date_deadline,
                    )
                )
            # P-TL-3, §42: extensions of one case add up to the cap, pending requests included
            cap = int_param(case.env, "qi_case.extension_max_working_days", 10, minimum=0)
            pending = sum(case.extension_ids.filtered(lambda e: e.state == "requested").mapped("days"))
            if case.extension_days + pending + int(vals.get("days") or 0) > cap:
                raise UserError(
                    self.env._(
                        "Case %(case)s can be extended by %(cap)s working days in all (Administrative Licensing Law, "
                        "Art. 42); %(used)s are granted or asked for already.",
                        case=case.name,
                        cap=cap,
                        used=case.extension_days + pending,
                    )
                )
            vals["deadline_before"] = case.date_deadline
        # the requester and the deadline before were set just above, by this flow;
        # the records go back to the caller without the flow marker
        extensions = super(QiCaseExtension, guarded.with_context(qi_extension_decision=FLOW)).create(vals_list)
        extensions = extensions.with_env(self.env)
        for extension in extensions:
            leader = extension.case_id.window_id.leader_id
            if leader:
                extension.activity_id = extension.case_id.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=extension.deadline_before,
                    summary=recipient_env(self.env, leader)._("Decide the extension of %s", extension.case_id.name),
                    user_id=leader.id,
                )
        return extensions

    def _check_decider(self):
        for extension in self:
            leader = extension.case_id.window_id.leader_id
            if self.env.user != leader and not self.env.user.has_group("qi_window.group_qi_manager"):
                raise AccessError(self.env._("Only the leader of the window can decide an extension."))
            if extension.requested_by_id == self.env.user and self.env.user != leader:
                raise AccessError(self.env._("You cannot decide your own extension request."))
            if extension.state != "requested":
                raise UserError(self.env._("This extension was already decided."))

    def action_approve(self):
        self._check_decider()
        today = china_today()
        for extension in self:
            case = extension.case_id
            if not case.date_deadline or today > case.date_deadline:
                raise UserError(
                    self.env._("An extension must be granted before the deadline (%s).", case.date_deadline)
                )
            extension.with_context(qi_extension_decision=FLOW).write(
                {"state": "approved", "decided_by_id": self.env.user.id, "date_decided": today}
            )
            case.with_context(qi_case_internal=FLOW).extension_days += extension.days
            case._log_clock_event(
                "extended",
                today,
                self.env._(
                    "%(days)s working days, approved by %(leader)s: %(reason)s",
                    days=extension.days,
                    leader=self.env.user.name,
                    reason=extension.reason,
                ),
            )
            extension._close_decision_activity(self.env._("Extension approved"))
            case.message_post_with_source(
                "qi_case.mail_template_case_extension",
                render_values={"extension": extension},
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
                partner_ids=case.partner_id.ids,
            )
        return True

    def action_refuse(self):
        self._check_decider()
        self.with_context(qi_extension_decision=FLOW).write(
            {"state": "refused", "decided_by_id": self.env.user.id, "date_decided": china_today()}
        )
        self._close_decision_activity(self.env._("Extension refused"))
        return True

    def _close_decision_activity(self, feedback):
        """The leader's "decide the extension" to-do is done once it is decided."""
        # sudo: the decider was checked (_check_decider); a manager deciding in the
        # leader's place closes the leader's to-do, as Odoo's activity_feedback does
        self.activity_id.sudo().filtered("active").action_feedback(feedback=feedback)
