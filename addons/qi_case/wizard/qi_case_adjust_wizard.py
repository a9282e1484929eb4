from odoo import api, fields, models


class QiCaseAdjustWizard(models.TransientModel):
    """Adjust a running case's items or time limit, with the reason (R-7.3.4)."""

    _name = "qi.case.adjust.wizard"
    _description = "Adjust the Service of a Case"

    case_id = fields.Many2one("qi.case", required=True, ondelete="cascade")
    item_ids = fields.Many2many("qi.service.item", string="Items")
    time_limit_days = fields.Integer(string="Time Limit (working days)")
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case = self.env["qi.case"].browse(values.get("case_id") or self.env.context.get("default_case_id"))
        if case:
            values.setdefault("item_ids", [(6, 0, case.item_ids.ids)])
            values.setdefault("time_limit_days", case.time_limit_days)
        return values

    def action_confirm(self):
        self.ensure_one()
        vals = {}
        if self.item_ids != self.case_id.item_ids:
            vals["item_ids"] = [(6, 0, self.item_ids.ids)]
        if self.time_limit_days != self.case_id.time_limit_days:
            vals["time_limit_days"] = self.time_limit_days
        if vals:
            self.case_id.with_context(qi_adjustment_reason=self.reason).write(vals)
        else:
            self.env["qi.case.adjustment"].create(
                {
                    "case_id": self.case_id.id,
                    "kind": "other",
                    "description": self.env._("Manner of service"),
                    "reason": self.reason,
                }
            )
        return {"type": "ir.actions.act_window_close"}
