from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.china import china_today
from .qi_window_facility import FACILITY_STATES


class QiWindowFacilityCheck(models.Model):
    """One inspection of a facility item: the maintenance log of R-5.1.2.6."""

    _name = "qi.window.facility.check"
    _description = "QI Window Facility Check"
    _inherit = ["qi.window.bound.mixin"]
    _order = "date desc, id desc"

    facility_id = fields.Many2one("qi.window.facility", required=True, ondelete="cascade", index=True)
    window_id = fields.Many2one(related="facility_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="facility_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=lambda self: china_today())
    checker_id = fields.Many2one("res.users", string="Checked By", required=True, default=lambda self: self.env.user)
    result = fields.Selection(FACILITY_STATES, required=True, default="ok")
    note = fields.Text()
    photo = fields.Image(max_width=1920, max_height=1920)

    @api.constrains("date")
    def _check_date(self):
        today = china_today()
        for check in self:
            if check.date > today:
                raise ValidationError(self.env._("A check cannot be recorded for a future date (%s).", check.date))

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create(vals_list)
        # the due check is done: close its reminder so the responsible sees it done
        activity_type = self.env.ref("qi_window.mail_activity_type_facility_check", raise_if_not_found=False)
        for check in checks:
            activities = check.facility_id.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t)
            if activities:
                activities.action_feedback(
                    feedback=self.env._(
                        "Checked on %(date)s: %(result)s",
                        date=check.date,
                        result=dict(self._fields["result"]._description_selection(self.env))[check.result],
                    )
                )
            if check.result != "ok":
                check.facility_id.message_post(
                    body=self.env._(
                        "Check on %(date)s found a problem: %(note)s", date=check.date, note=check.note or "-"
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return checks
