import datetime
from bisect import bisect_left, bisect_right

import chinese_calendar

from odoo import api, models, tools
from odoo.exceptions import UserError

# Safety net: no time limit in the standard spans more than a few years.
_MAX_SPAN_DAYS = 3660


class QiWorkday(models.AbstractModel):
    """The PRC working-day calendar of the whole suite.

    Weekends are off, public holidays are off, make-up working days (调休) are
    on. The data comes from ``chinese-calendar`` for the years it covers;
    ``qi.workday.exception`` rows take precedence and cover later years. A
    year with neither gives a clear error instead of a silent guess.
    Counting starts the day after the start date, as for legal time limits.

    Each year is turned once into a sorted tuple of working-day ordinals, so
    counting and adding are binary searches: a daily cron over 100k cases
    does not walk the calendar day by day.
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
    @tools.ormcache("year")
    def _get_year_workdays(self, year):
        """Sorted ordinals of the working days of ``year``."""
        exceptions, exception_years = self._get_exceptions()
        day = datetime.date(year, 1, 1)
        ordinals = []
        while day.year == year:
            if day in exceptions:
                working = exceptions[day]
            else:
                try:
                    working = chinese_calendar.is_workday(day)
                except NotImplementedError:
                    if year not in exception_years:
                        raise self._no_data_error(year) from None
                    working = day.weekday() < 5
            if working:
                ordinals.append(day.toordinal())
            day += datetime.timedelta(days=1)
        return tuple(ordinals)

    def _no_data_error(self, year):
        return UserError(
            self.env._(
                "The PRC working-day calendar has no data for %(year)s. An administrator must "
                "enter that year's public holidays and make-up working days under "
                "QI One-stop › Configuration › Working-day Exceptions (or update the "
                "chinese-calendar library).",
                year=year,
            )
        )

    @api.model
    def is_working_day(self, day):
        day = self._to_date(day)
        workdays = self._get_year_workdays(day.year)
        index = bisect_left(workdays, day.toordinal())
        return index < len(workdays) and workdays[index] == day.toordinal()

    @api.model
    def add_working_days(self, start, days):
        """The date ``days`` working days after ``start`` (the start day itself not counted)."""
        start = self._to_date(start)
        if days < 0:
            raise UserError(self.env._("A number of working days cannot be negative."))
        if days == 0:
            return start
        year, after = start.year, start.toordinal()
        while year - start.year <= _MAX_SPAN_DAYS // 365:
            workdays = self._get_year_workdays(year)
            index = bisect_right(workdays, after)
            available = len(workdays) - index
            if days <= available:
                return datetime.date.fromordinal(workdays[index + days - 1])
            days -= available
            year += 1
        raise UserError(self.env._("%s working days is beyond what the calendar computes.", days))

    @api.model
    def count_working_days(self, start, end):
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        start, end = self._to_date(start), self._to_date(end)
        if end <= start:
            return 0
        if (end - start).days > _MAX_SPAN_DAYS:
            raise UserError(self.env._("The period is too long to count working days."))
        total = 0
        for year in range(start.year, end.year + 1):
            workdays = self._get_year_workdays(year)
            total += bisect_right(workdays, end.toordinal()) - bisect_right(workdays, start.toordinal())
        return total

    @api.model
    def _to_date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)
