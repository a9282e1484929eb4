import datetime

import chinese_calendar

from odoo import api, models, tools
from odoo.exceptions import UserError

# Safety net: no time limit in the standard spans more than a few months.
_MAX_SPAN_DAYS = 3660


class QiWorkday(models.AbstractModel):
    """The PRC working-day calendar of the whole suite.

    Weekends are off, public holidays are off, make-up working days (调休) are
    on. The data comes from ``chinese-calendar`` for the years it covers;
    ``qi.workday.exception`` rows take precedence and cover later years. A
    year with neither gives a clear error instead of a silent guess.
    Counting starts the day after the start date, as for legal time limits.
    """

    _name = "qi.workday"
    _description = "PRC Working-day Calendar"

    @api.model
    @tools.ormcache()
    def _get_exceptions(self):
        """{date: is_working_day} and the set of years the exceptions cover."""
        # sudo: the calendar is read by every user and by crons; exceptions are
        # not confidential and the method only returns dates and flags.
        rows = self.env["qi.workday.exception"].sudo().search_read([], ["date", "day_type"])
        days = {row["date"]: row["day_type"] == "workday" for row in rows}
        return days, frozenset(day.year for day in days)

    @api.model
    def is_working_day(self, day):
        day = self._to_date(day)
        exceptions, exception_years = self._get_exceptions()
        if day in exceptions:
            return exceptions[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in exception_years:
                return day.weekday() < 5
            raise UserError(
                self.env._(
                    "The PRC working-day calendar has no data for %(year)s. An administrator must "
                    "enter that year's public holidays and make-up working days under "
                    "QI One-stop › Configuration › Working-day Exceptions (or update the "
                    "chinese-calendar library).",
                    year=day.year,
                )
            ) from None

    @api.model
    def add_working_days(self, start, days):
        """The date ``days`` working days after ``start`` (the start day itself not counted)."""
        start = self._to_date(start)
        if days < 0:
            raise UserError(self.env._("A number of working days cannot be negative."))
        current, counted = start, 0
        while counted < days:
            current += datetime.timedelta(days=1)
            if (current - start).days > _MAX_SPAN_DAYS:
                raise UserError(self.env._("%s working days is beyond what the calendar computes.", days))
            if self.is_working_day(current):
                counted += 1
        return current

    @api.model
    def count_working_days(self, start, end):
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        start, end = self._to_date(start), self._to_date(end)
        if (end - start).days > _MAX_SPAN_DAYS:
            raise UserError(self.env._("The period is too long to count working days."))
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + datetime.timedelta(days=offset))
        )

    @api.model
    def _to_date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)
