from odoo import fields, models

from ..models.qi_improvement_verification import VERIFICATION_RESULTS


class QiImprovementVerifyWizard(models.TransientModel):
    """Record an effectiveness verification of an improvement (R-8.3.3)."""

    _name = "qi.improvement.verify.wizard"
    _description = "Verify the Effectiveness of an Improvement"

    improvement_id = fields.Many2one("qi.improvement", required=True, ondelete="cascade")
    owner_id = fields.Many2one(related="improvement_id.owner_id")
    result = fields.Selection(VERIFICATION_RESULTS, required=True, default="effective")
    note = fields.Text(
        string="Evidence and Conclusion",
        required=True,
        help="What was checked (records, site, data) and whether the problem is gone for good.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.env["qi.improvement.verification"].create(
            {"improvement_id": self.improvement_id.id, "result": self.result, "note": self.note}
        )
        return {"type": "ir.actions.act_window_close"}
