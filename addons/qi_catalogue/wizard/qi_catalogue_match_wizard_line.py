from odoo import fields, models


class QiCatalogueMatchWizardLine(models.TransientModel):
    """One ranked (or left-out) resource of a Find Resources search."""

    _name = "qi.catalogue.match.wizard.line"
    _description = "QI Find Resources Result"
    _order = "kind, rank, id"

    wizard_id = fields.Many2one("qi.catalogue.match.wizard", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [
            ("provider", "Provider"),
            ("expert", "Expert"),
            ("enterprise", "Advantage Enterprise"),
            ("excluded", "Left Out"),
        ],
        required=True,
    )
    excluded_kind = fields.Selection([("provider", "Provider"), ("expert", "Expert")], string="Resource Type")
    rank = fields.Integer()
    name = fields.Char(string="Resource", required=True)
    score = fields.Float(digits=(16, 1))
    partner_id = fields.Many2one("res.partner", string="Organisation")
    expert_id = fields.Many2one("qi.expert", string="Expert")
    reasons = fields.Text()

    def action_open_resource(self):
        self.ensure_one()
        record = self.expert_id or self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
