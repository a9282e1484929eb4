import datetime

from odoo import api, models
from odoo.fields import Domain

from odoo.addons.qi_case.models.qi_case_rating import satisfaction_rate
from odoo.addons.qi_window.models.qi_window_rule import RULE_KINDS
from odoo.addons.qi_window.tools.china import china_bounds, china_date, china_today

AUTO_CODES = [
    ("facility_checks", "Facility Checks on Time"),
    ("rules_published", "Rules Published"),
    ("providers_stationed", "Providers Stationed"),
    ("acceptance_on_time", "Cases Accepted on Time"),
    ("completion_on_time", "Cases Completed on Time"),
    ("satisfaction", "Satisfaction Rate"),
    ("bad_reviews", "Bad Reviews Fixed on Time"),
    ("handler_changes", "First-handler Changes Notified"),
    ("improvements_closed", "Last Year's Improvements Closed on Time"),
]


class QiEvaluationAuto(models.AbstractModel):
    """Automatic Annex B indicators, computed from a window's own records.

    Each ``_auto_<code>`` method returns the figures of one indicator for a
    window and a period::

        {"count": 7, "total": 8, "rate": 87.5, "ratio": 0.875}

    ``rate`` is the percentage shown on the line, ``ratio`` the share of the
    indicator's points it earns (0 to 1). ``rate`` and ``ratio`` are None
    when there is no data to judge on: the line then says so and is left out
    of the total, rather than scored on invented numbers.

    Records are counted as superuser so that the figures do not depend on
    who presses the button; only these aggregated numbers leave the methods.
    """

    _name = "qi.evaluation.auto"
    _description = "QI Automatic Evaluation Indicators"

    @api.model
    def _compute_indicator(self, code, window, date_from, date_to, target=0.0):
        ref = min(date_to, china_today(window))  # the window's day
        # sudo: only aggregated counts of the evaluated window leave the
        # _auto_* methods (see the class docstring); the caller's own access
        # to the evaluation was checked before
        auto = self.sudo()
        return getattr(auto, f"_auto_{code}")(window.with_env(auto.env), date_from, ref, target)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @api.model
    def _result(self, count, total, ratio=None, rate=None, empty_ratio=None):
        """Figures of a count-out-of-total indicator; ``empty_ratio`` is the
        share earned when there is nothing to count (None: no data)."""
        if not total:
            return {
                "count": count,
                "total": total,
                "rate": None if empty_ratio is None else 100.0 * empty_ratio,
                "ratio": empty_ratio,
            }
        rate = round(100.0 * count / total, 1) if rate is None else rate
        return {
            "count": count,
            "total": total,
            "rate": rate,
            "ratio": min(1.0, count / total) if ratio is None else ratio,
        }

    # ------------------------------------------------------------------
    # construction (R-5.1.2.6)
    # ------------------------------------------------------------------
    @api.model
    def _auto_facility_checks(self, window, date_from, date_to, target):
        """Facilities whose every check due in the period was done on time
        (checked at most ``check_interval`` days after the previous check)."""
        facilities = self.env["qi.window.facility"].search(
            [("window_id", "=", window.id), ("date_start", "<=", date_to)]
        )
        on_time = sum(1 for facility in facilities if self._facility_on_time(facility, date_from, date_to))
        return self._result(on_time, len(facilities), empty_ratio=0.0)

    @api.model
    def _facility_on_time(self, facility, date_from, date_to):
        interval = datetime.timedelta(days=facility.check_interval)
        previous = facility.date_start
        for check_date in sorted(facility.check_ids.filtered(lambda c: c.date <= date_to).mapped("date")):
            due = previous + interval
            # late when the overdue stretch (due, check] overlaps the period
            if check_date > due and due < date_to and check_date > date_from:
                return False
            previous = check_date
        # the next check is still missing: late if it fell due before the end of the period
        return not previous + interval < date_to

    # ------------------------------------------------------------------
    # rules
    # ------------------------------------------------------------------
    @api.model
    def _auto_rules_published(self, window, date_from, date_to, target):
        """The five kinds of written rules of R-5.4 published and in force by the end of the period."""
        rules = self.env["qi.window.rule"].search(
            [
                ("window_id", "=", window.id),
                ("state", "in", ("published", "superseded")),
                ("effective_date", "<=", date_to),
            ]
        )
        kinds = {kind for kind, _label in RULE_KINDS}
        published = kinds & set(rules.mapped("kind"))
        return self._result(len(published), len(kinds))

    # ------------------------------------------------------------------
    # service resources
    # ------------------------------------------------------------------
    @api.model
    def _auto_providers_stationed(self, window, date_from, date_to, target):
        """Providers stationed at the window during the period, against the target number."""
        stations = self.env["qi.provider.station"].search(
            [
                ("window_id", "=", window.id),
                ("date_from", "<=", date_to),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", date_from),
            ]
        )
        count = len(stations.provider_id)
        target = target or 1.0
        return {
            "count": count,
            "total": target,
            "rate": round(100.0 * min(count, target) / target, 1),
            "ratio": min(1.0, count / target),
        }

    # ------------------------------------------------------------------
    # service process
    # ------------------------------------------------------------------
    @api.model
    def _auto_acceptance_on_time(self, window, date_from, date_to, target):
        """Cases received in the period and accepted by their acceptance due date.
        A case still waiting after its due date counts as late; one still within
        its time is left out."""
        start, end = china_bounds(date_from, date_to)
        cases = self.env["qi.case"].search(
            [("window_id", "=", window.id), ("date_received", ">=", start), ("date_received", "<", end)]
        )
        count = total = 0
        for case in cases:
            if case.date_accepted:
                total += 1
                count += china_date(case.date_accepted) <= case.date_accept_due
            elif case.stage_code == "new" and case.date_accept_due and case.date_accept_due < date_to:
                total += 1
        return self._result(count, total)

    @api.model
    def _auto_completion_on_time(self, window, date_from, date_to, target):
        """Cases whose result was reported back in the period, and running cases whose
        deadline passed in it: the share reported back by the deadline."""
        start, end = china_bounds(date_from, date_to)
        Case = self.env["qi.case"]
        completed = Case.search(
            [("window_id", "=", window.id), ("date_completed", ">=", start), ("date_completed", "<", end)]
        )
        late_running = Case.search_count(
            [
                ("window_id", "=", window.id),
                ("is_open", "=", True),
                ("date_completed", "=", False),
                ("date_deadline", "<", date_to),
                ("date_received", "<", end),
            ]
        )
        on_time = len(completed.filtered("completed_on_time"))
        return self._result(on_time, len(completed) + late_running)

    @api.model
    def _auto_handler_changes(self, window, date_from, date_to, target):
        """Changes of first handler in the period the service object was told of (R-7.2.2)."""
        start, end = china_bounds(date_from, date_to)
        logs = self.env["qi.case.handler.log"].search(
            [
                ("window_id", "=", window.id),
                ("from_user_id", "!=", False),
                ("date", ">=", start),
                ("date", "<", end),
            ]
        )
        return self._result(len(logs.filtered("notified")), len(logs), empty_ratio=1.0)

    # ------------------------------------------------------------------
    # satisfaction (好差评): ratings come with a later addon
    # ------------------------------------------------------------------
    @api.model
    def _get_satisfaction_data(self, window, date_from, date_to):
        """The 好差评 ratings of ``window``'s cases rated in the period, as the rating
        model counts them (``_get_valid_domain``, ``is_satisfied``); None without any::

            {"rated": int,              # valid ratings given in the period
             "satisfied": int,          # of which 好评 (basically satisfied or better)
             "bad": int,                # bad reviews (dissatisfied, very dissatisfied)
             "bad_fixed_on_time": int}  # bad reviews called back in time, then fixed or explained in time
        """
        start, end = china_bounds(date_from, date_to)
        # sudo: evaluators see the window's figures; only counts leave this method
        Rating = self.env["qi.case.rating"].sudo()
        ratings = Rating.search_fetch(
            Rating._get_valid_domain()
            & Domain([("window_id", "=", window.id), ("date", ">=", start), ("date", "<", end)]),
            ["level", "is_satisfied", "is_bad", "callback_due", "callback_done", "fix_due", "fix_done", "outcome"],
        )
        if not ratings:
            return None

        bad = ratings.filtered("is_bad")
        return {
            "rated": len(ratings),
            # 好评 = very satisfied, satisfied, basically satisfied: the rating model's one definition
            "satisfied": len(ratings.filtered("is_satisfied")),
            "bad": len(bad),
            # the rating model's one definition, as the ranking and the public board count it
            "bad_fixed_on_time": len(bad.filtered(lambda r: r._results_is_fixed_on_time())),
        }

    @api.model
    def _auto_satisfaction(self, window, date_from, date_to, target):
        """Satisfied ratings ÷ ratings, held against the baseline (90 %)."""
        data = self._get_satisfaction_data(window, date_from, date_to)
        if not data or not data.get("rated"):
            return {"count": 0, "total": 0, "rate": None, "ratio": None}
        rated, satisfied = data["rated"], data.get("satisfied", 0)
        rate = satisfaction_rate(satisfied, rated)
        baseline = target or 90.0
        return {"count": satisfied, "total": rated, "rate": rate, "ratio": min(1.0, rate / baseline)}

    @api.model
    def _auto_bad_reviews(self, window, date_from, date_to, target):
        """Bad reviews called back and fixed on time ÷ bad reviews (all points without any)."""
        data = self._get_satisfaction_data(window, date_from, date_to)
        if not data or not data.get("rated"):
            return {"count": 0, "total": 0, "rate": None, "ratio": None}
        return self._result(data.get("bad_fixed_on_time", 0), data.get("bad", 0), empty_ratio=1.0)

    # ------------------------------------------------------------------
    # evaluation and improvement
    # ------------------------------------------------------------------
    @api.model
    def _auto_improvements_closed(self, window, date_from, date_to, target):
        """Improvements raised the year before the period's year, closed by their deadline.
        One still open counts as late once its deadline has passed."""
        year = date_to.year - 1
        improvements = self.env["qi.improvement"].search(
            [
                ("window_id", "=", window.id),
                ("state", "!=", "cancelled"),
                ("date_raised", ">=", datetime.date(year, 1, 1)),
                ("date_raised", "<=", datetime.date(year, 12, 31)),
            ]
        )
        counted = improvements.filtered(lambda i: i.state == "closed" or i.date_deadline < date_to)
        return self._result(len(counted.filtered("closed_on_time")), len(counted), empty_ratio=1.0)

    # ------------------------------------------------------------------
    # what the line shows
    # ------------------------------------------------------------------
    @api.model
    def _describe(self, code, count, total, rate, target):
        """The computed value in words, in the reader's language."""
        values = {"count": _num(count), "total": _num(total), "rate": _num(rate), "target": _num(target)}
        if rate is None:
            if code in ("satisfaction", "bad_reviews"):
                return self.env._("No rating data yet")
            return self.env._("No case in the period: not applicable")
        if not total:
            return {
                "facility_checks": self.env._("No facility recorded"),
                "bad_reviews": self.env._("No bad review in the period"),
                "handler_changes": self.env._("No change of first handler in the period"),
                "improvements_closed": self.env._("No improvement due from last year"),
            }.get(code, self.env._("Nothing to count"))
        if code == "facility_checks":
            return self.env._("%(count)s of %(total)s facilities checked on time (%(rate)s %%)", **values)
        if code == "rules_published":
            return self.env._("%(count)s of %(total)s kinds of rules published", **values)
        if code == "providers_stationed":
            return self.env._("%(count)s providers stationed (target %(target)s)", **values)
        if code == "acceptance_on_time":
            return self.env._("%(count)s of %(total)s cases accepted on time (%(rate)s %%)", **values)
        if code == "completion_on_time":
            return self.env._("%(count)s of %(total)s cases completed on time (%(rate)s %%)", **values)
        if code == "satisfaction":
            return self.env._(
                "%(count)s of %(total)s ratings satisfied: %(rate)s %% (baseline %(target)s %%)", **values
            )
        if code == "bad_reviews":
            return self.env._("%(count)s of %(total)s bad reviews called back and fixed on time", **values)
        if code == "handler_changes":
            return self.env._("%(count)s of %(total)s first-handler changes notified to the service object", **values)
        if code == "improvements_closed":
            return self.env._("%(count)s of %(total)s improvements of last year closed on time", **values)
        return "{count} / {total}".format(**values)


def _num(value):
    """3.0 → '3', 87.5 → '87.5'."""
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)
