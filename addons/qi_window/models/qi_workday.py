import datetime
from bisect import bisect_left, bisect_right

import chinese_calendar
from holidays.calendars.chinese import _ChineseLunisolar

from odoo import api, models, tools
from odoo.exceptions import UserError

# Safety net: no time limit in the standard spans more than a few years.
_MAX_SPAN_DAYS = 3660
# chinese-calendar's first year: before it the rules differed (the eve of the Spring
# Festival, for one, became a holiday only in 2025), so the past is never guessed.
_FIRST_YEAR = min(chinese_calendar.constants.holidays).year
_LUNAR = _ChineseLunisolar()


def statutory_holidays(year):
    """The public holidays of 《全国年节及纪念日放假办法》 as in force since 2025
    falling in ``year``: New Year's Day 1 day, Spring Festival 4 days from New
    Year's Eve, Qingming 1, Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National
    Day 3. Lunar dates come from python-holidays' lunisolar calendar. No make-up
    working day (调休) and no bridge day: those only the State Council's notice sets."""
    one = datetime.timedelta(days=1)
    days = {datetime.date(year, 1, 1), datetime.date(year, 5, 1), datetime.date(year, 5, 2)}
    days |= {datetime.date(year, 10, day) for day in (1, 2, 3)}
    for lunar in (_LUNAR.qingming_date, _LUNAR.dragon_boat_date, _LUNAR.mid_autumn_date):
        day = lunar(year)[0]
        if not day:
            return None
        days.add(day)
    # the festival's four days may start on New Year's Eve of the previous year's December
    for new_year in (_LUNAR.lunar_new_year_date(year)[0], _LUNAR.lunar_new_year_date(year + 1)[0]):
        if not new_year:
            return None
        days |= {new_year + offset * one for offset in (-1, 0, 1, 2)}
    return frozenset(day for day in days if day.year == year)


def library_covers(year):
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class QiWorkday(models.AbstractModel):
    """The PRC working-day calendar of the whole suite.

    Weekends are off, public holidays are off, make-up working days (调休) are
    on. A year's data comes from, in this order: ``chinese-calendar`` if it
    covers the year; the State Council notice entered here (``qi.workday.year``
    with source "official"); otherwise the year is *provisional*: weekends and
    the statutory holidays only, never a guessed make-up day, and every date
    computed with it is marked provisional (P-TL-1). ``qi.workday.exception``
    rows win over all three. Counting starts the day after the start date, as
    for legal time limits.

    Each year is turned once into a sorted tuple of working-day ordinals, so
    counting and adding are binary searches: a daily cron over 100k cases
    does not walk the calendar day by day.
    """

    _name = "qi.workday"
    _description = "PRC Working-day Calendar"

    @api.model
    @tools.ormcache()
    def _get_exceptions(self):
        """{date: is_working_day} and the years with an official notice entered here."""
        # sudo: the calendar is read by every user and by crons; exceptions and
        # notices are not confidential and the method only returns dates and flags.
        rows = self.env["qi.workday.exception"].sudo().search_read([], ["date", "day_type"])  # pylint: disable=no-search-all  # the whole calendar, cached
        days = {row["date"]: row["day_type"] == "workday" for row in rows}
        # sudo: same, which years have an official notice is public calendar data
        official = self.env["qi.workday.year"].sudo().search([("source", "=", "official")]).mapped("year")
        return days, frozenset(official)

    @api.model
    @tools.ormcache("year")
    def _get_year_source(self, year):
        """ "library", "official" or "provisional"; an error for a year the calendar refuses."""
        if library_covers(year):
            return "library"
        if year in self._get_exceptions()[1]:
            return "official"
        if year < _FIRST_YEAR or statutory_holidays(year) is None:
            raise self._no_data_error(year)
        return "provisional"

    @api.model
    @tools.ormcache("year")
    def _get_year_workdays(self, year):
        """Sorted ordinals of the working days of ``year``."""
        exceptions = self._get_exceptions()[0]
        source = self._get_year_source(year)
        holidays = statutory_holidays(year) if source == "provisional" else frozenset()
        day = datetime.date(year, 1, 1)
        ordinals = []
        while day.year == year:
            if day in exceptions:
                working = exceptions[day]
            elif source == "library":
                working = chinese_calendar.is_workday(day)
            else:
                working = day.weekday() < 5 and day not in holidays
            if working:
                ordinals.append(day.toordinal())
            day += datetime.timedelta(days=1)
        return tuple(ordinals)

    def _no_data_error(self, year):
        return UserError(
            self.env._(
                "The PRC working-day calendar has no data for %(year)s and does not guess a year "
                "before %(first)s. Enter that year's State Council notice under QI One-stop › "
                "Configuration › Calendar Years.",
                year=year,
                first=_FIRST_YEAR,
            )
        )

    @api.model
    def is_provisional(self, start, end=None):
        """True if a year from ``start`` to ``end`` has no official data yet."""
        start = self._to_date(start)
        end = self._to_date(end) if end else start
        return any(self._get_year_source(year) == "provisional" for year in range(start.year, max(start, end).year + 1))

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
    def _official_data_arrived(self, years):
        """Hook: official data now exists for ``years`` (a notice entered, or a newer
        library). Modules holding dates computed with the provisional calendar
        recompute them here."""
        return True

    @api.model
    def _to_date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)
