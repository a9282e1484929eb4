import logging

from odoo import api, fields, models

from ..tools.china import china_today
from .qi_workday import _FIRST_YEAR, library_covers

_logger = logging.getLogger(__name__)

SOURCES = [
    ("library", "chinese-calendar library"),
    ("official", "State Council notice entered here"),
    ("provisional", "Provisional (weekends and statutory holidays only)"),
]


class QiWorkdayYear(models.Model):
    """Where one calendar year's working days come from (P-TL-1).

    Refreshed at every module update and by a daily cron: when a year turns
    from provisional to official (a notice entered, or a newer chinese-calendar
    installed), every open date computed with the provisional calendar is
    recomputed through ``qi.workday._official_data_arrived``.
    """

    _name = "qi.workday.year"
    _description = "PRC Calendar Year"
    _inherit = ["qi.workday.source.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "year desc"
    _rec_name = "year"

    year = fields.Integer(required=True, index=True, aggregator=False)
    source = fields.Selection(SOURCES, required=True, default="provisional", readonly=True)
    notice_number = fields.Char(help="E.g. 国办发明电〔2026〕X号.")
    notice_date = fields.Date()
    note = fields.Text()
    exception_count = fields.Integer(string="Entered Days", compute="_compute_exception_count")

    _year_uniq = models.Constraint("UNIQUE(year)", "This year already has a record.")

    def _compute_exception_count(self):
        counts = dict(
            self.env["qi.workday.exception"]._read_group([("year", "in", self.mapped("year"))], ["year"], ["__count"])
        )
        for record in self:
            record.exception_count = counts.get(record.year, 0)

    @api.depends("year", "source")
    def _compute_display_name(self):
        labels = dict(self._fields["source"]._description_selection(self.env))
        for record in self:
            record.display_name = f"{record.year} ({labels.get(record.source, '')})"

    def action_enter_notice(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Enter a State Council Notice"),
            "res_model": "qi.workday.notice.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_year": self[:1].year or china_today().year + 1},
        }

    @api.model
    def _sync_years(self, today=None):
        """Keep one record per year from last year to next year (and any year already
        recorded) and recompute what was provisional when official data arrives."""
        today = today or china_today()
        records = self.search([])  # pylint: disable=no-search-all  # one record per year, a few rows
        by_year = {record.year: record for record in records}
        years = set(by_year) | set(range(max(today.year - 1, _FIRST_YEAR), today.year + 2))
        arrived = []
        for year in sorted(years):
            record = by_year.get(year)
            if record and record.source == "official":
                continue
            source = "library" if library_covers(year) else "provisional"
            if not record:
                self.create({"year": year, "source": source})
            elif record.source != source:
                if record.source == "provisional":
                    arrived.append(year)
                record.write({"source": source})
        if arrived:
            _logger.info("Official calendar data arrived for %s: recomputing provisional dates", arrived)
            self.env["qi.workday"]._official_data_arrived(arrived)
        return arrived

    @api.model
    def _cron_check_years(self):
        """Daily: sync the years; from 1 November, one activity per administrator
        while next year's official data is missing."""
        self._sync_years()
        today = china_today()
        if today.month < 11:
            return
        next_year = self.search([("year", "=", today.year + 1)])
        if next_year.source != "provisional":
            next_year.activity_unlink(["qi_window.mail_activity_type_calendar_year"])
            return
        activity_type = self.env.ref("qi_window.mail_activity_type_calendar_year")
        admins = self.env.ref("base.group_system").all_user_ids.filtered(lambda u: u.active and not u.share)
        has_one = next_year.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
        for admin in admins - has_one:
            lang_year = next_year.with_context(lang=admin.lang or "en_US")
            next_year.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=admin.id,
                date_deadline=today,
                summary=lang_year.env._("Enter the %s holiday notice of the State Council", next_year.year),
                note=lang_year.env._(
                    "There is no official working-day data for %(year)s yet: time limits reaching into "
                    "%(year)s are provisional (weekends and statutory holidays only). Enter the notice "
                    "under Configuration › Calendar Years as soon as it is published.",
                    year=next_year.year,
                ),
            )
