from odoo import fields, models


class QiCaseCloseWizard(models.TransientModel):
    """Cancel or reject a case: never without a reason."""

    _name = "qi.case.close.wizard"
    _description = "Cancel or Reject a Case"

    case_id = fields.Many2one("qi.case", required=True, ondelete="cascade")
    action = fields.Selection([("cancel", "Cancel"), ("reject", "Reject")], required=True, default="cancel")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        stage = self.case_id._stage("cancelled" if self.action == "cancel" else "rejected")
        self.case_id.write({"stage_id": stage.id, "close_reason": self.reason})
        return {"type": "ir.actions.act_window_close"}
