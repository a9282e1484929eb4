from odoo import fields, models

from odoo.addons.qi_window.tools.china import china_today


class QiCaseResult(models.Model):
    """A result of a case (report, certificate, calibration record) that other
    cases of the same enterprise may reuse (R-6.2.2.2, 一次结果 互认共享)."""

    _name = "qi.case.result"
    _inherit = ["qi.case.child.mixin"]
    _description = "QI Case Result"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    partner_id = fields.Many2one(
        "res.partner",
        related="case_id.partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Service Object",
    )
    kind = fields.Selection(
        [
            ("report", "Test Report"),
            ("certificate", "Certificate"),
            ("calibration", "Calibration Record"),
            ("other", "Other"),
        ],
        required=True,
        default="report",
    )
    reference = fields.Char(help="Report or certificate number.")
    date = fields.Date(default=lambda self: china_today(), required=True)
    valid_until = fields.Date()
    item_ids = fields.Many2many(
        "qi.service.item", "qi_case_result_item_rel", "result_id", "item_id", string="Covers Items"
    )
    reusable = fields.Boolean(help="Other cases of this service object may reuse this result.")
    attachment_ids = fields.Many2many(
        "ir.attachment", "qi_case_result_attachment_rel", "result_id", "attachment_id", string="Files"
    )
    issuer_id = fields.Many2one("res.partner", string="Issued By")
