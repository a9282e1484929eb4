import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.cron import batches

_logger = logging.getLogger(__name__)

# warned_step of a line whose overdue warning went out: nothing more to say
# until its due date changes (the partial indexes leave such lines out)
FINAL_STEP = 99

# the ledgers, and the default warning thresholds of each, in PRC working days
LEDGER_SETTINGS = {
    "qi.instrument": ("qi_proactive.instrument_warning_days", "20,5"),
    "qi.special.equipment": ("qi_proactive.equipment_warning_days", "30,10"),
    "qi.enterprise.certificate": ("qi_proactive.certificate_warning_days", "40,10"),
}


class QiLedgerWarning(models.Model):
    """One warning sent about one ledger line: the threshold it crossed and the
    due date it was about. The daily run never sends a step twice for the same
    due date (the line's ``warned_step``); this log is what the enterprise
    and the staff read afterwards."""

    _name = "qi.ledger.warning"
    _description = "QI Ledger Due Warning"
    _order = "date_sent desc, id desc"

    res_model = fields.Selection(
        [("qi.instrument", "Measuring Instrument"), ("qi.special.equipment", "Special Equipment"),
         ("qi.enterprise.certificate", "Certificate")],
        string="Ledger",
        required=True,
        index=True,
    )
    res_id = fields.Integer(required=True, index=True)
    name = fields.Char(string="Line", required=True)
    partner_id = fields.Many2one("res.partner", string="Enterprise", required=True, index=True, ondelete="cascade")
    window_id = fields.Many2one("qi.window", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", index=True, ondelete="set null")
    step = fields.Integer(required=True)
    threshold_days = fields.Integer(help="The working days before the due date this warning was for; -1 once overdue.")
    is_overdue = fields.Boolean(string="Overdue")
    is_compulsory = fields.Boolean(string="Compulsory")
    date_due = fields.Date(required=True)
    date_sent = fields.Date(required=True, index=True)
    mail_id = fields.Many2one("mail.mail", ondelete="set null")


class QiLedgerWarningService(models.AbstractModel):
    """The daily due warnings of the enterprises' ledgers.

    For each ledger, thresholds in PRC working days (largest first) and a
    last step once the due date has passed. A line is warned when it reaches a
    step beyond the one already sent about its due date; one run sends one
    warning per line, for the highest step reached (a line entered late does
    not get three warnings at once). Each enterprise gets one mail a run in
    its language; each steward (else the window's leader) one activity a
    run about their window. Batches of enterprises commit one by one, so a
    killed run leaves no half-warned enterprise and the next run does the rest.
    """

    _name = "qi.ledger.warning.service"
    _description = "QI Ledger Due Warnings"

    @api.model
    def _ledger_models(self):
        return list(LEDGER_SETTINGS)

    @api.model
    def _thresholds(self, model):
        """Working days before the due date at which ``model``'s lines are warned, largest first."""
        key, default = LEDGER_SETTINGS[model]
        # sudo: a configuration parameter, not confidential
        raw = self.env["ir.config_parameter"].sudo().get_param(key) or default
        thresholds = set()
        for part in str(raw).split(","):
            try:
                thresholds.add(int(part))
            except ValueError:
                _logger.warning("%s: ignoring %r", key, part)
        return sorted((t for t in thresholds if t >= 0), reverse=True)

    @api.model
    def _horizons(self, model, today):
        """``[(step, threshold, last date that reaches it)]``, first step first."""
        Workday = self.env["qi.workday"]
        return [
            (step, threshold, Workday.add_working_days(today, threshold))
            for step, threshold in enumerate(self._thresholds(model), start=1)
        ]

    @api.model
    def _due_horizon(self, model, today):
        """The last due date that counts as falling due today."""
        horizons = self._horizons(model, today)
        return horizons[0][2] if horizons else today

    @api.model
    def _target_step_sql(self, model, today):
        """SQL: the step a line of ``model`` has reached today."""
        horizons = self._horizons(model, today)
        cases = [SQL("WHEN date_due < %s THEN %s", today, FINAL_STEP)]
        cases += [SQL("WHEN date_due <= %s THEN %s", horizon, step) for step, _threshold, horizon in reversed(horizons)]
        return SQL("(CASE %s ELSE 0 END)", SQL(" ").join(cases))

    @api.model
    def _candidates(self, model, today, partner_ids=None):
        """``{partner_id: [(line_id, step)]}``: the lines of ``model`` to warn today."""
        Ledger = self.env[model]
        horizon = self._due_horizon(model, today)
        target = self._target_step_sql(model, today)
        Ledger.flush_model(["date_due", "warned_step", "warned_date_due", "active", "partner_id"])
        query = SQL(
            """SELECT partner_id, id, %(target)s FROM %(table)s
                WHERE active AND warned_step < %(final)s AND date_due <= %(horizon)s
                  AND (warned_date_due IS DISTINCT FROM date_due OR warned_step < %(target)s)
                  %(partners)s""",
            target=target,
            table=SQL.identifier(Ledger._table),
            final=FINAL_STEP,
            horizon=horizon,
            partners=SQL("AND partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL(""),
        )
        result = defaultdict(list)
        for partner_id, line_id, step in self.env.execute_query(query):
            if step:
                result[partner_id].append((line_id, step))
        return result

    @api.model
    def _cron_warn_due(self, batch_size=500, today=None):
        """The daily run (scheduled action *QI: ledger due warnings*)."""
        today = today or china_today()
        todo = defaultdict(dict)  # partner_id -> {model: [(line_id, step)]}
        for model in self._ledger_models():
            for partner_id, lines in self._candidates(model, today).items():
                todo[partner_id][model] = lines
        partner_ids = sorted(todo)
        _logger.info("Ledger due warnings: %s enterprises to warn", len(partner_ids))
        for batch in batches(self.env, partner_ids, batch_size, invalidate=True):
            self._warn_batch({partner_id: todo[partner_id] for partner_id in batch}, today)

    @api.model
    def _warn_batch(self, todo, today):
        """Warn the enterprises of ``todo`` and mark their lines, in one transaction."""
        raise NotImplementedError

    @api.model
    def _mark_warned(self, model, lines, today):
        """Record the step sent on each line: one UPDATE per step. Raw SQL, because
        the ORM would write each line alone (every line has its own due date),
        and these three fields are the run's own bookkeeping, without tracking."""
        Ledger = self.env[model]
        by_step = defaultdict(list)
        for line_id, step in lines:
            by_step[step].append(line_id)
        for step, ids in by_step.items():
            flagged = SQL("FALSE")
            if step == FINAL_STEP and "is_compulsory" in Ledger._fields:
                flagged = SQL("is_compulsory")
            elif step == FINAL_STEP and Ledger._qi_ledger_kind == "equipment":
                flagged = SQL("TRUE")
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET warned_step = %s, warned_date_due = date_due, is_flagged = %s WHERE id = ANY(%s)",
                    SQL.identifier(Ledger._table),
                    step,
                    flagged,
                    ids,
                )
            )
        Ledger.invalidate_model(["warned_step", "warned_date_due", "is_flagged"])

    @api.model
    def _recipient_env(self, recipient):
        return recipient_env(self.env, recipient)
