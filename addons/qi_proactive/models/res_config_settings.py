from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qi_instrument_warning_days = fields.Char(
        string="Instrument Warnings (working days before)",
        config_parameter="qi_proactive.instrument_warning_days",
        default="20,5",
        help="Comma-separated PRC working days before a verification falls due at which the enterprise and its "
        "window are warned; a last warning goes out once it is overdue.",
    )
    qi_equipment_warning_days = fields.Char(
        string="Special Equipment Warnings (working days before)",
        config_parameter="qi_proactive.equipment_warning_days",
        default="30,10",
    )
    qi_certificate_warning_days = fields.Char(
        string="Certificate Warnings (working days before)",
        config_parameter="qi_proactive.certificate_warning_days",
        default="40,10",
    )
