from odoo import fields, models


class QiCatalogueMatchWizardLine(models.TransientModel):
    """One ranked (or left-out) resource of a Find Resources search, as the
    matcher gave it (hence read-only)."""

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
        readonly=True,
    )
    excluded_kind = fields.Selection(
        [("provider", "Provider"), ("expert", "Expert")], string="Resource Type", readonly=True
    )
    rank = fields.Integer(readonly=True)
    name = fields.Char(string="Resource", required=True, readonly=True)
    score = fields.Float(digits=(16, 1), readonly=True)
    partner_id = fields.Many2one("res.partner", string="Organisation", readonly=True)
    expert_id = fields.Many2one("qi.expert", readonly=True)
    reasons = fields.Text(readonly=True)

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
