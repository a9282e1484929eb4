from odoo import fields, models


class QiCaseHandlerWizard(models.TransientModel):
    """Change the first handler, with the reason the service object is told (R-7.2.2)."""

    _name = "qi.case.handler.wizard"
    _description = "Change the First Handler of a Case"

    case_id = fields.Many2one("qi.case", required=True, ondelete="cascade")
    current_user_id = fields.Many2one(related="case_id.user_id", string="Current First Handler")
    user_id = fields.Many2one(
        "res.users",
        string="New First Handler",
        required=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("qi_window.group_qi_user").id)],
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.case_id.with_context(qi_handler_change_reason=self.reason).write({"user_id": self.user_id.id})
        return {"type": "ir.actions.act_window_close"}
