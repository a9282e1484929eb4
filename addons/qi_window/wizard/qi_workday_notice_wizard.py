from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.china import china_today


class QiWorkdayNoticeWizard(models.TransientModel):
    """One year's State Council holiday notice in one go (P-TL-1): its number
    and date, the holiday ranges and the make-up working days."""

    _name = "qi.workday.notice.wizard"
    _description = "Enter a State Council Holiday Notice"

    year = fields.Integer(required=True, default=lambda self: china_today().year + 1)
    notice_number = fields.Char(required=True, help="E.g. 国办发明电〔2026〕X号.")
    notice_date = fields.Date(required=True)
    line_ids = fields.One2many("qi.workday.notice.wizard.line", "wizard_id", string="Days")

    def action_apply(self):
        self.ensure_one()
        Exception_ = self.env["qi.workday.exception"]
        if not self.line_ids:
            raise UserError(self.env._("Enter at least one holiday range or make-up working day of the notice."))
        days = {}
        for line in self.line_ids:
            if line.date_to < line.date_from:
                raise UserError(self.env._("%(name)s: the last day is before the first day.", name=line.name))
            day = line.date_from
            while day <= line.date_to:
                if day.year != self.year:
                    raise UserError(
                        self.env._("%(name)s: %(day)s is not in %(year)s.", name=line.name, day=day, year=self.year)
                    )
                if line.day_type == "workday" and day.weekday() < 5:
                    raise UserError(
                        self.env._(
                            "%(name)s: %(day)s is a weekday already; a make-up working day is a Saturday or Sunday.",
                            name=line.name,
                            day=day,
                        )
                    )
                if day in days and days[day][0] != line.day_type:
                    raise UserError(self.env._("%s is entered both as a day off and as a working day.", day))
                days[day] = (line.day_type, line.name)
                day += timedelta(days=1)
        existing = {row.date: row for row in Exception_.search([("date", "in", list(days))])}
        to_create = []
        for day, (day_type, name) in sorted(days.items()):
            if day in existing:
                existing[day].write({"day_type": day_type, "name": name})
            else:
                to_create.append({"date": day, "day_type": day_type, "name": name})
        Exception_.create(to_create)
        Year = self.env["qi.workday.year"]
        record = Year.search([("year", "=", self.year)])
        was_provisional = not record or record.source == "provisional"
        vals = {"source": "official", "notice_number": self.notice_number, "notice_date": self.notice_date}
        if record:
            record.write(vals)
        else:
            record = Year.create(dict(vals, year=self.year))
        record.activity_unlink(["qi_window.mail_activity_type_calendar_year"])
        if was_provisional:
            self.env["qi.workday"]._official_data_arrived([self.year])
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.workday.year",
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }


class QiWorkdayNoticeWizardLine(models.TransientModel):
    _name = "qi.workday.notice.wizard.line"
    _description = "Day Range of a Holiday Notice"

    wizard_id = fields.Many2one("qi.workday.notice.wizard", required=True, ondelete="cascade")
    name = fields.Char(string="Holiday", required=True, help="E.g. 春节.")
    day_type = fields.Selection(
        [("holiday", "Days Off"), ("workday", "Make-up Working Day")], required=True, default="holiday"
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)

    @api.onchange("date_from")
    def _onchange_date_from(self):
        if self.date_from and (not self.date_to or self.date_to < self.date_from):
            self.date_to = self.date_from
