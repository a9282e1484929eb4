from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import CHINA_TZ

LEDGER_KINDS = [
    ("instrument", "Measuring Instrument"),
    ("equipment", "Special Equipment"),
    ("certificate", "Certificate"),
]


class QiLedgerDueReport(models.Model):
    """Ledger lines by window and by the China month they fall due in
    (R-6.1.1.3, R-6.1.7.1): how many, how many under compulsory verification,
    how many are overdue today. A SQL view over the three ledgers."""

    _name = "qi.ledger.due.report"
    _description = "QI Ledger Lines Due per Window and Month"
    _auto = False
    _order = "date_month desc, window_id"

    kind = fields.Selection(LEDGER_KINDS, string="Ledger", readonly=True)
    window_id = fields.Many2one("qi.window", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Enterprise", readonly=True)
    steward_id = fields.Many2one("res.users", string="Quality Steward", readonly=True)
    date_month = fields.Date(string="Month Due", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True, aggregator="sum")
    compulsory_count = fields.Integer(string="Compulsory", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(string="Overdue", readonly=True, aggregator="sum")
    flagged_count = fields.Integer(string="Flagged", readonly=True, aggregator="sum")

    def _select_ledger(self, table, kind, compulsory):
        return SQL(
            """SELECT %(kind)s AS kind, window_id, company_id, partner_id, steward_id,
                      date_trunc('month', date_due)::date AS date_month,
                      count(*) AS line_count,
                      count(*) FILTER (WHERE %(compulsory)s) AS compulsory_count,
                      count(*) FILTER (WHERE date_due < (now() AT TIME ZONE %(tz)s)::date) AS overdue_count,
                      count(*) FILTER (WHERE is_flagged) AS flagged_count
                 FROM %(table)s
                WHERE active AND date_due IS NOT NULL
             GROUP BY window_id, company_id, partner_id, steward_id, date_trunc('month', date_due)""",
            kind=kind,
            compulsory=compulsory,
            tz=CHINA_TZ,
            table=SQL.identifier(table),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        parts = SQL(" UNION ALL ").join(
            [
                self._select_ledger("qi_instrument", "instrument", SQL("is_compulsory")),
                self._select_ledger("qi_special_equipment", "equipment", SQL("TRUE")),
                self._select_ledger("qi_enterprise_certificate", "certificate", SQL("FALSE")),
            ]
        )
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (SELECT row_number() OVER () AS id, lines.* FROM (%s) lines)",
                SQL.identifier(self._table),
                parts,
            )
        )
