from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ASSIGNMENT_STATES = [
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("in_progress", "In Progress"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("proposed", "accepted", "in_progress")


class QiCaseAssignment(models.Model):
    """A provider or expert matched to a case for one item (R-7.2.1, R-7.3.1)."""

    _name = "qi.case.assignment"
    _description = "QI Case Assignment"
    _inherit = ["qi.case.child.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "case_id, id"

    name = fields.Char(compute="_compute_name", store=True)
    service_partner_id = fields.Many2one(related="case_id.partner_id", string="Service Object", store=True, index=True)
    provider_id = fields.Many2one("res.partner", index=True, domain="[('is_qi_provider', '=', True)]", tracking=True)
    expert_id = fields.Many2one("qi.expert", index=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_partner_id",
        store=True,
        index=True,
        string="Assignee Partner",
        help="The provider, or the expert's contact: who the portal opens it to.",
    )
    item_id = fields.Many2one("qi.service.item", index=True)
    date_due = fields.Date(string="Due")
    state = fields.Selection(ASSIGNMENT_STATES, default="proposed", required=True, index=True, tracking=True)
    decline_reason = fields.Text(tracking=True)
    progress = fields.Integer(string="Progress (%)", tracking=True)
    match_reasons = fields.Text(readonly=True, help="Why the matching proposed this resource.")
    deliverable_ids = fields.Many2many(
        "ir.attachment", "qi_case_assignment_deliverable_rel", "assignment_id", "attachment_id", string="Deliverables"
    )
    date_delivered = fields.Datetime(readonly=True, copy=False)

    _progress_range = models.Constraint(
        "CHECK(progress >= 0 AND progress <= 100)", "Progress is a percentage between 0 and 100."
    )

    @api.depends("case_id.name", "provider_id.name", "expert_id.name", "item_id")
    def _compute_name(self):
        for assignment in self:
            who = assignment.provider_id.name or assignment.expert_id.display_name or "?"
            assignment.name = f"{assignment.case_id.name or ''} · {who}"

    @api.depends("provider_id", "expert_id.partner_id")
    def _compute_partner_id(self):
        for assignment in self:
            assignment.partner_id = assignment.provider_id or assignment.expert_id.partner_id

    @api.constrains("provider_id", "expert_id")
    def _check_assignee(self):
        for assignment in self:
            if bool(assignment.provider_id) == bool(assignment.expert_id):
                raise ValidationError(self.env._("An assignment goes to one provider or one expert."))

    @api.constrains("expert_id", "case_id")
    def _check_expert_independent(self):
        """An expert never serves an organisation they work for or declared a conflict
        of interest with (R-7.2.1): the matcher leaves them out, and an assignment made
        by hand or through RPC is refused the same way."""
        for assignment in self.filtered("expert_id"):
            expert, served = assignment.expert_id, assignment.case_id.partner_id.commercial_partner_id
            if served and served in (
                expert.conflict_partner_ids | expert.employer_id | expert.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(expert)s works for or declared a conflict of interest with %(partner)s: "
                        "choose another expert.",
                        expert=expert.display_name,
                        partner=served.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        assignments = super().create(vals_list)
        for assignment in assignments:
            if assignment.partner_id:
                assignment.message_subscribe(partner_ids=assignment.partner_id.ids)
            case = assignment.case_id
            if case.stage_code == "accepted":
                case.write({"stage_id": case._stage("matched").id})
        return assignments

    def write(self, vals):
        if {"provider_id", "expert_id"} & vals.keys():
            running = self.filtered(lambda a: a.case_id.stage_code in ("matched", "in_service"))
            reason = self.env.context.get("qi_adjustment_reason")
            if running and not (reason or "").strip():
                raise UserError(
                    self.env._("Say why the provider or expert of a running case changes (Adjust Service).")
                )
            old = {a.id: a.partner_id.display_name for a in running}
        result = super().write(vals)
        if {"provider_id", "expert_id"} & vals.keys():
            for assignment in self.filtered(lambda a: a.id in old):
                self.env["qi.case.adjustment"].create(
                    {
                        "case_id": assignment.case_id.id,
                        "kind": "provider",
                        "description": self.env._(
                            "Provider / expert: %(old)s → %(new)s",
                            old=old[assignment.id],
                            new=assignment.partner_id.display_name,
                        ),
                        "reason": reason,
                    }
                )
        return result

    # state machine -----------------------------------------------------
    def _set_state(self, allowed_from, new_state, extra=None):
        for assignment in self:
            if assignment.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "Assignment %(name)s is %(state)s; it cannot become %(new)s.",
                        name=assignment.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[assignment.state],
                        new=dict(self._fields["state"]._description_selection(self.env))[new_state],
                    )
                )
        self.write({"state": new_state, **(extra or {})})

    def action_accept(self):
        self._set_state(("proposed",), "accepted")
        return True

    def action_decline(self, reason=None):
        reason = (reason or self.env.context.get("qi_decline_reason") or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the assignment is declined."))
        self._set_state(("proposed",), "declined", {"decline_reason": reason})
        return True

    def action_start(self):
        self._set_state(("accepted",), "in_progress")
        return True

    def action_deliver(self):
        self._set_state(
            ("accepted", "in_progress"), "delivered", {"progress": 100, "date_delivered": fields.Datetime.now()}
        )
        return True

    def action_cancel(self):
        self._set_state(("proposed", "accepted", "in_progress"), "cancelled")
        return True

    @api.model
    def _get_open_load(self, field, records):
        """Open assignments per provider or expert, in one grouped query."""
        if not records:
            return {}
        rows = self._read_group([(field, "in", records.ids), ("state", "in", OPEN_STATES)], [field], ["__count"])
        return {record.id: count for record, count in rows}
