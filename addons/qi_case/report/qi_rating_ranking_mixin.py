from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import CHINA_TZ

# the rating fields the rankings read: flushed before each query
RANKING_DEPENDS = {
    "qi.case.rating": [
        "date",
        "window_id",
        "company_id",
        "handler_id",
        "level",
        "is_satisfied",
        "is_bad",
        "is_current",
        "is_default",
        "appeal_state",
        "callback_due",
        "callback_done",
        "fix_due",
        "fix_done",
    ],
}


class QiRatingRankingMixin(models.AbstractModel):
    """The monthly 好差评 figures of a ranking (R-8.1, P-HCP-3), read live from
    the ratings: one row per month (in China) and ranked unit (a window, a
    staff member), over the valid ratings (``_get_valid_domain``), ranked by the
    share of 好评 among the units with at least the public minimum of ratings
    (``_get_public_min_ratings``; below it a share says nothing). Equal shares
    share a rank. Fixed and fixed on time are the rating model's definitions
    (``_results_fixed_sql``, ``_results_fixed_on_time_sql``)."""

    _name = "qi.rating.ranking.mixin"
    _description = "QI Satisfaction Ranking Figures"

    month = fields.Date(readonly=True, help="First day of the month, in China, the ratings were given in.")
    company_id = fields.Many2one("res.company", string="Operating Organisation", readonly=True)
    rating_count = fields.Integer(string="Ratings", readonly=True)
    satisfied_count = fields.Integer(
        string="Good Reviews (好评)", readonly=True, help="Ratings basically satisfied, satisfied or very satisfied."
    )
    satisfaction_rate = fields.Float(
        string="Good Review Share (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Good reviews of the valid ratings of the month; totals weigh each row by its ratings.",
    )
    bad_count = fields.Integer(string="Bad Reviews", readonly=True)
    bad_fixed_count = fields.Integer(string="Bad Reviews Fixed", readonly=True)
    bad_fixed_on_time_count = fields.Integer(
        string="Fixed On Time",
        readonly=True,
        help="Bad reviews called back (where a callback is due) and fixed, each by its deadline.",
    )
    on_time_fix_rate = fields.Float(
        string="On-time Fix Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Bad reviews of the month called back and fixed by their deadlines, of all its bad reviews.",
    )
    rank = fields.Integer(
        readonly=True,
        aggregator="min",
        help="1 for the best share of good reviews of the month; empty below the minimum number of ratings.",
    )
    bottom_rank = fields.Integer(
        string="Rank From the Bottom", readonly=True, aggregator="min", help="1 for the last of the month."
    )
    ranked_count = fields.Integer(string="Ranked", readonly=True, aggregator="max", help="How many were ranked.")

    def _read_group_select(self, aggregate_spec, query):
        """Totals of the rates weigh each row by the ratings (bad reviews) behind it."""
        weighted = {
            "satisfaction_rate:avg": ("satisfied_count", "rating_count"),
            "on_time_fix_rate:avg": ("bad_fixed_on_time_count", "bad_count"),
        }
        if aggregate_spec in weighted:
            part, whole = weighted[aggregate_spec]
            return SQL(
                "ROUND(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 1)::float",
                self._field_to_sql(self._table, part, query),
                self._field_to_sql(self._table, whole, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # the field of the ranked unit, and the fields it is ranked within besides the month
    _ranking_unit_field = None
    _ranking_within = ()

    @api.model
    def _ranking_unit_sql(self, column):
        """SQL of the ranked unit of a rating; ``column(name)`` is the SQL of a
        column of the rating table."""
        raise NotImplementedError

    @property
    def _table_query(self):
        Rating = self.env["qi.case.rating"]
        # every valid rating: the ranking's own record rules decide who reads which row
        query = Rating._search(Rating._get_valid_domain(), bypass_access=True)

        def column(name):
            return SQL.identifier(query.table, name)

        unit, unit_field = self._ranking_unit_sql(column), SQL.identifier(self._ranking_unit_field)
        partition = SQL(", ").join(
            [SQL("month"), *(SQL.identifier(name) for name in self._ranking_within), SQL("is_ranked")]
        )
        base = query.select(
            SQL("%s AS id", column("id")),
            SQL("date_trunc('month', timezone(%s, timezone('UTC', %s)))::date AS month", CHINA_TZ, column("date")),
            SQL("%s AS company_id", column("company_id")),
            SQL("%s AS %s", unit, unit_field),
            SQL("%s AS is_satisfied", column("is_satisfied")),
            SQL("%s AS is_bad", column("is_bad")),
            SQL("%s AS is_fixed", Rating._results_fixed_sql(query.table)),
            SQL("%s AS is_fixed_on_time", Rating._results_fixed_on_time_sql(query.table)),
        )
        return SQL(
            """
            WITH base AS (%(base)s),
            figures AS (
                SELECT MIN(id) AS id, month, company_id, %(unit)s,
                       COUNT(*) AS rating_count,
                       COUNT(*) FILTER (WHERE is_satisfied) AS satisfied_count,
                       COUNT(*) FILTER (WHERE is_bad) AS bad_count,
                       COUNT(*) FILTER (WHERE is_bad AND is_fixed) AS bad_fixed_count,
                       COUNT(*) FILTER (WHERE is_bad AND is_fixed_on_time) AS bad_fixed_on_time_count
                  FROM base
                 WHERE %(unit)s IS NOT NULL
                 GROUP BY month, company_id, %(unit)s
            ),
            rated AS (
                SELECT *,
                       ROUND(100.0 * satisfied_count / rating_count, 1)::float AS satisfaction_rate,
                       (ROUND(100.0 * bad_fixed_on_time_count / NULLIF(bad_count, 0), 1))::float AS on_time_fix_rate,
                       rating_count >= %(minimum)s AS is_ranked
                  FROM figures
            )
            SELECT id, month, company_id, %(unit)s, rating_count, satisfied_count, satisfaction_rate,
                   bad_count, bad_fixed_count, bad_fixed_on_time_count, on_time_fix_rate,
                   CASE WHEN is_ranked THEN RANK() OVER (PARTITION BY %(partition)s ORDER BY satisfaction_rate DESC)
                   END AS rank,
                   CASE WHEN is_ranked THEN RANK() OVER (PARTITION BY %(partition)s ORDER BY satisfaction_rate ASC)
                   END AS bottom_rank,
                   CASE WHEN is_ranked THEN COUNT(*) OVER (PARTITION BY %(partition)s) END AS ranked_count
              FROM rated
            """,
            base=base,
            unit=unit_field,
            partition=partition,
            minimum=Rating._get_public_min_ratings(),
        )
