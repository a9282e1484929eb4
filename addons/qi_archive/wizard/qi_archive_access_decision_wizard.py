from odoo import api, fields, models


class QiArchiveAccessDecisionWizard(models.TransientModel):
    """The leader's decision on an access request: a grant until a given
    moment, or a refusal with its reason (R-9.b)."""

    _name = "qi.archive.access.decision.wizard"
    _description = "QI Archive Access Decision"

    request_id = fields.Many2one("qi.archive.access.request", required=True, ondelete="cascade")
    requester_id = fields.Many2one(related="request_id.requester_id")
    record_ids = fields.Many2many(related="request_id.record_ids")
    reason = fields.Text(related="request_id.reason")
    date_from = fields.Date(related="request_id.date_from")
    date_to = fields.Date(related="request_id.date_to")
    date_expiry = fields.Datetime(string="Grant Until", help="The content closes again at this moment.")
    note = fields.Text(string="Note to the Requester")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        request = self.env["qi.archive.access.request"].browse(values.get("request_id"))
        if request and "date_expiry" in fields_list and not values.get("date_expiry"):
            values["date_expiry"] = request._qi_default_expiry()
        return values

    def action_approve(self):
        self.ensure_one()
        self.request_id._qi_approve(self.date_expiry, self.note)
        return {"type": "ir.actions.act_window_close"}

    def action_refuse(self):
        self.ensure_one()
        self.request_id._qi_refuse(self.note)
        return {"type": "ir.actions.act_window_close"}
