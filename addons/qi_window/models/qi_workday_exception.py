from odoo import api, fields, models


class QiWorkdayException(models.Model):
    """A day whose status differs from what chinese-calendar says, or a day of
    a year the library does not cover yet (the State Council publishes the next
    year's holidays each November)."""

    _name = "qi.workday.exception"
    _description = "PRC Working-day Exception"
    _inherit = ["qi.workday.source.mixin"]
    _order = "date desc"

    date = fields.Date(required=True, index=True)
    year = fields.Integer(compute="_compute_year", store=True, index=True)
    day_type = fields.Selection(
        [("holiday", "Day Off"), ("workday", "Working Day (make-up day)")],
        required=True,
        default="holiday",
    )
    name = fields.Char(string="Reason", required=True, translate=True)

    _date_uniq = models.Constraint("UNIQUE(date)", "This date already has an exception.")

    @api.depends("date")
    def _compute_year(self):
        for exception in self:
            exception.year = exception.date.year if exception.date else 0
