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
    # the national 好差评 practice: a default rating when none is given in time
    qi_case_default_rating_days = fields.Integer(
        string="Default Rating After",
        config_parameter="qi_case.default_rating_days",
        default=0,
        help="Natural days after the rating request; a completed case still unrated then gets the default rating "
        "基本满意 (Guangdong: 7). 0: no default rating.",
    )
    qi_case_default_rating_counts = fields.Boolean(
        string="Count Default Ratings",
        config_parameter="qi_case.default_rating_counts",
        help="Count default ratings in the satisfaction rate, the public page and the evaluation as real ratings.",
    )
    # the use of the results, a call-in (约谈) for a window at the bottom two months running
    qi_case_call_in_bottom_windows = fields.Integer(
        string="Call-in Below",
        config_parameter="qi_case.call_in_bottom_windows",
        default=1,
        help="A window among this many at the bottom of the monthly satisfaction ranking two months running gets a "
        "call-in (约谈) suggestion for the coordination department.",
    )
    # anti-coercion: runs of 非常满意 on site for the same staff are flagged for the leader
    qi_case_unusual_run_count = fields.Integer(
        string="Unusual Run: Ratings",
        config_parameter="qi_case.unusual_run_count",
        default=5,
        help="This many 非常满意 ratings on site for the same staff member within the minutes below are flagged "
        "for the window's leader (at least 2).",
    )
    qi_case_unusual_run_minutes = fields.Integer(
        string="Unusual Run: Minutes",
        config_parameter="qi_case.unusual_run_minutes",
        default=10,
        help="The span of an unusual run of on-site ratings, in minutes.",
    )

    def set_values(self):
        for settings in self:
            values = [
                settings.qi_case_correction_notice_days,
                settings.qi_case_pause_max_days,
                settings.qi_case_extension_max_days,
                settings.qi_case_yellow_days,
                settings.qi_case_supervision_red_days,
                settings.qi_case_default_rating_days,
            ]
            if any(value < 0 for value in values) or settings.qi_case_supervision_red_days < 1:
                raise ValidationError(
                    self.env._(
                        "The time limits of the cases are whole working days: none is negative, and supervision "
                        "comes at least one working day after the red card."
                    )
                )
        return super().set_values()
