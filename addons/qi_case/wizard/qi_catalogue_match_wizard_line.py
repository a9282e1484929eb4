from odoo import fields, models


class QiCatalogueMatchWizardLine(models.TransientModel):
    """A found provider or expert, to tick for an assignment of the case."""

    _inherit = "qi.catalogue.match.wizard.line"

    selected = fields.Boolean(string="Assign")
    item_id = fields.Many2one("qi.service.item")
