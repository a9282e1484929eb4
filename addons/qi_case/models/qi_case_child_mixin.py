from odoo import fields, models
from odoo.exceptions import UserError


class QiCaseChildMixin(models.AbstractModel):
    """A record of one case (assignment, extension, adjustment, handler log,
    result, rating). It follows its case's window and company, which its
    record rules read, and it stays with that case: Odoo checks the rules of a
    write against the record as it was, so moving it to another case would
    slip it into a window its writer cannot see."""

    _name = "qi.case.child.mixin"
    _description = "QI Case Child Record"
    _inherit = ["qi.window.bound.mixin"]

    case_id = fields.Many2one("qi.case", required=True, ondelete="cascade", index=True)
    window_id = fields.Many2one(related="case_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)

    def write(self, vals):
        if "case_id" in vals and not self.env.su and any(rec.case_id.id != vals["case_id"] for rec in self):
            raise UserError(self.env._("A record of a case cannot be moved to another case."))
        return super().write(vals)
