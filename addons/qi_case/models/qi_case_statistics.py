from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import CHINA_TZ

from .qi_case import CHANNELS

# The windows work on Beijing time (the standard and its working-day calendar
# are the PRC's): a case belongs to the month it was received in there.
STATISTICS_TZ = CHINA_TZ


class QiCaseStatistics(models.Model):
    """Monthly case figures per window, category, channel and stage (月度统计).

    One row sums the cases of one combination, rebuilt from ``qi.case`` in one
    statement by the daily scheduled action or the Refresh button. The pivot
    over 100 000 cases then reads a few thousand rows instead of every case
    (docs/benchmark.md); averages stay exact because they are weighted by the
    number of cases they are taken over (``_read_group_select``).
    """

    _name = "qi.case.statistics"
    _description = "QI Case Monthly Statistics"
    _inherit = ["qi.window.bound.mixin"]
    _order = "month desc, window_id"
    _log_access = False

    month = fields.Date(required=True, readonly=True, index=True, help="First day of the month of reception.")
    window_id = fields.Many2one("qi.window", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    category_id = fields.Many2one("qi.service.category", string="Main Category", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    stage_id = fields.Many2one("qi.case.stage", readonly=True)
    is_package = fields.Boolean(string="Customised Package", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")
    open_count = fields.Integer(string="Open Cases", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(string="Overdue Cases", readonly=True, aggregator="sum")
    days_used = fields.Float(
        string="Working Days Used",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average over the cases with a running or stopped clock, weighted by their number.",
    )
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Share of the completed cases whose result was reported back by the deadline.",
    )
    # the weights of the two averages
    days_used_total = fields.Integer(readonly=True)
    days_used_count = fields.Integer(readonly=True)
    on_time_total = fields.Float(readonly=True)
    on_time_count = fields.Integer(readonly=True)
    date_refreshed = fields.Datetime(string="Figures As Of", readonly=True)

    def _read_group_select(self, aggregate_spec, query):
        """Averages weighted by the cases behind each row, and "Count" counts
        cases: the figures equal those of the same pivot on the cases."""
        weighted = {
            "days_used:avg": ("days_used_total", "days_used_count"),
            "on_time_rate:avg": ("on_time_total", "on_time_count"),
        }
        if aggregate_spec in weighted:
            total, count = weighted[aggregate_spec]
            return SQL(
                "SUM(%s)::float / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, total, query),
                self._field_to_sql(self._table, count, query),
            )
        if aggregate_spec == "__count":
            return SQL("COALESCE(SUM(%s), 0)", self._field_to_sql(self._table, "case_count", query))
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _refresh(self):
        """Rebuild every row from the cases, in one transaction: readers see the
        old figures or the new ones, never a half."""
        self.env["qi.case"].flush_model()
        self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO %(table)s (
                month, window_id, company_id, category_id, channel, stage_id, is_package,
                case_count, open_count, overdue_count, days_used, on_time_rate,
                days_used_total, days_used_count, on_time_total, on_time_count, date_refreshed)
            SELECT date_trunc('month', timezone(%(tz)s, timezone('UTC', c.date_received)))::date,
                   c.window_id, c.company_id, c.category_id, c.channel, c.stage_id, COALESCE(c.is_package, FALSE),
                   COUNT(*), COUNT(*) FILTER (WHERE c.is_open), COUNT(*) FILTER (WHERE c.is_overdue),
                   AVG(c.days_used), AVG(c.on_time_rate),
                   COALESCE(SUM(c.days_used), 0), COUNT(c.days_used),
                   COALESCE(SUM(c.on_time_rate), 0), COUNT(c.on_time_rate),
                   %(now)s
              FROM qi_case c
             GROUP BY 1, 2, 3, 4, 5, 6, 7
            """,
                table=SQL.identifier(self._table),
                tz=STATISTICS_TZ,
                now=fields.Datetime.now(),
            )
        )
        rows = self.env.cr.rowcount
        self.invalidate_model(flush=False)
        return rows

    @api.model
    def action_refresh(self):
        if not self.env.user.has_group("qi_window.group_qi_manager"):
            raise AccessError(self.env._("Only the operating organisation's leaders refresh the statistics."))
        self._refresh()
        return {"type": "ir.actions.client", "tag": "soft_reload"}
