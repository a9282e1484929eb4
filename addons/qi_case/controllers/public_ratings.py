import re
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import http
from odoo.http import request

from odoo.addons.qi_window.controllers.main import public_window
from odoo.addons.qi_window.tools.china import china_today

from ..models.qi_case_rating import satisfaction_rate

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# months in the board's table, the shown month included
BOARD_MONTHS = 12


def parse_month(value):
    """The first day of the month ``YYYY-MM``, or None."""
    match = _MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class QiRatingBoard(http.Controller):
    """评价结果及整改情况向社会公开 (P-HCP-3, R-5.1.2.1): the 好差评 of a window
    per month for anyone, without login: the number of ratings, the share of
    好评, the bad reviews and how many were fixed, on time. Counts only: no
    name, no case number, no comment."""

    @http.route(
        "/qi/windows/<int:window_id>/ratings",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        readonly=True,
        sitemap=False,
    )
    def rating_board(self, window_id, month=None, **kwargs):
        window = public_window(window_id)
        current = china_today(window).replace(day=1)
        shown = parse_month(month) or current
        first = shown - relativedelta(months=BOARD_MONTHS - 1)
        # sudo: only the counts of the window's monthly row leave here (qi.rating.ranking
        # holds no name, case or comment); visitors have no access to the ranking
        rows = (
            request.env["qi.rating.ranking"]
            .sudo()
            .search_fetch(
                [("window_id", "=", window.id), ("month", ">=", first), ("month", "<=", shown)],
                ["month", "rating_count", "satisfied_count", "bad_count", "bad_fixed_count", "bad_fixed_on_time_count"],
            )
        )
        by_month = {row.month: row for row in rows}
        minimum = request.env["qi.case.rating"].sudo()._get_public_min_ratings()  # sudo: a published threshold

        def figures(day):
            row = by_month.get(day)
            count = row.rating_count if row else 0
            return {
                "month": day.strftime("%Y-%m"),
                "url": f"/qi/windows/{window.id}/ratings?month={day:%Y-%m}",
                "count": count,
                "rate": int(satisfaction_rate(row.satisfied_count, count, 0)) if row and count >= minimum else None,
                "bad": row.bad_count if row else 0,
                "fixed": row.bad_fixed_count if row else 0,
                "fixed_on_time": row.bad_fixed_on_time_count if row else 0,
            }

        months = [shown - relativedelta(months=n) for n in range(BOARD_MONTHS)]
        following = shown + relativedelta(months=1)
        values = {
            "title": request.env._("Ratings of %(window)s", window=window.name),
            "window_name": window.name,
            "window_code": window.code,
            "shown": figures(shown),
            "history": [figures(day) for day in months],
            "minimum": minimum,
            "previous_url": f"/qi/windows/{window.id}/ratings?month={shown - relativedelta(months=1):%Y-%m}",
            "next_url": f"/qi/windows/{window.id}/ratings?month={following:%Y-%m}" if following <= current else None,
            "board_url": f"/qi/windows/{window.id}/ratings",
        }
        return request.render("qi_case.public_rating_board", values)
