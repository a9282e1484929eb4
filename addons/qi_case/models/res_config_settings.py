from odoo import fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # P-TL-2, P-TL-3, P-TL-4, P-TL-7: the legal clock and the 红黄牌 ladder, in working days
    qi_case_correction_notice_days = fields.Integer(
        string="Correction Notice Within",
        config_parameter="qi_case.correction_notice_working_days",
        default=5,
        help="Working days after receipt to send the correction notice (补正); later, the materials count as "
        "complete from receipt (Administrative Licensing Law, Art. 32).",
    )
    qi_case_pause_max_days = fields.Integer(
        string="Pause Cap",
        config_parameter="qi_case.pause_max_working_days",
        default=60,
        help="Working days a case's clock may be paused in all (Administrative Licensing Law, Art. 45).",
    )
    qi_case_extension_max_days = fields.Integer(
        string="Extension Cap",
        config_parameter="qi_case.extension_max_working_days",
        default=10,
        help="Working days a case may be extended in all (Administrative Licensing Law, Art. 42).",
    )
    qi_case_yellow_days = fields.Integer(
        string="Yellow Card Within",
        config_parameter="qi_case.warning_working_days",
        default=2,
        help="A running case due within this many working days gets a yellow card and its handler a chase (催办).",
    )
    qi_case_supervision_red_days = fields.Integer(
        string="Supervision After",
        config_parameter="qi_case.supervision_red_working_days",
        default=3,
        help="Working days a case stays red before the coordination department supervises it (督办).",
    )

    def set_values(self):
        for settings in self:
            values = [
                settings.qi_case_correction_notice_days,
                settings.qi_case_pause_max_days,
                settings.qi_case_extension_max_days,
                settings.qi_case_yellow_days,
                settings.qi_case_supervision_red_days,
            ]
            if any(value < 0 for value in values) or settings.qi_case_supervision_red_days < 1:
                raise ValidationError(
                    self.env._(
                        "The time limits of the cases are whole working days: none is negative, and supervision "
                        "comes at least one working day after the red card."
                    )
                )
        return super().set_values()
