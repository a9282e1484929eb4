import datetime

from odoo import api, fields, models

from odoo.addons.qi_case.models.qi_case_rating import satisfaction_rate
from odoo.addons.qi_window.tools.china import china_bounds, china_today


class QiWindow(models.Model):
    """Evaluation figures of a window: the kanban counters and the
    coordination department's dashboard (R-8)."""

    _inherit = "qi.window"

    evaluation_ids = fields.One2many("qi.evaluation", "window_id", string="Evaluations")
    improvement_ids = fields.One2many("qi.improvement", "window_id", string="Improvements")
    evaluation_count = fields.Integer(compute="_compute_evaluation_counts")
    last_evaluation_id = fields.Many2one("qi.evaluation", compute="_compute_evaluation_counts")
    last_score_rate = fields.Float(string="Last Score Rate (%)", compute="_compute_evaluation_counts", digits=(5, 1))
    last_grade_id = fields.Many2one("qi.evaluation.grade", compute="_compute_evaluation_counts")
    internal_evaluation_due = fields.Boolean(
        compute="_compute_evaluation_counts",
        help="R-8.2.1: no internal evaluation done or under way for the current year.",
    )
    improvement_open_count = fields.Integer(compute="_compute_improvement_counts")
    improvement_overdue_count = fields.Integer(compute="_compute_improvement_counts")
    # coordination dashboard, current year (or the year in the context key qi_dashboard_year)
    dashboard_year = fields.Char(compute="_compute_dashboard")
    dashboard_enterprise_count = fields.Integer(string="Enterprises Served", compute="_compute_dashboard")
    dashboard_case_completed_count = fields.Integer(string="Cases Completed", compute="_compute_dashboard")
    dashboard_case_on_time_rate = fields.Float(
        string="Completed on Time (%)", compute="_compute_dashboard", digits=(5, 1)
    )
    dashboard_satisfaction = fields.Char(string="Satisfaction", compute="_compute_dashboard")
    dashboard_improvement_count = fields.Integer(string="Improvements Raised", compute="_compute_dashboard")
    dashboard_improvement_closed_count = fields.Integer(string="Improvements Closed", compute="_compute_dashboard")
    dashboard_improvement_on_time_count = fields.Integer(
        string="Improvements Closed on Time", compute="_compute_dashboard"
    )

    def _compute_evaluation_counts(self):
        Evaluation = self.env["qi.evaluation"]
        year = china_today().year
        counts = dict(Evaluation._read_group([("window_id", "in", self.ids)], ["window_id"], ["__count"]))
        internal = {
            window.id
            for [window] in Evaluation._read_group(
                [
                    ("window_id", "in", self.ids),
                    ("evaluation_type", "=", "internal"),
                    ("year", "=", year),
                    ("state", "!=", "cancelled"),
                ],
                ["window_id"],
            )
        }
        done = Evaluation.search(
            [("window_id", "in", self.ids), ("state", "=", "done")], order="date_done desc, id desc"
        )
        last = {}
        for evaluation in done:
            last.setdefault(evaluation.window_id.id, evaluation)
        for window in self:
            evaluation = last.get(window.id, Evaluation)
            window.evaluation_count = counts.get(window, 0)
            window.last_evaluation_id = evaluation
            window.last_score_rate = evaluation.score_rate
            window.last_grade_id = evaluation.grade_id
            window.internal_evaluation_due = bool(window.active and window.id not in internal)

    def _compute_improvement_counts(self):
        rows = self.env["qi.improvement"]._read_group(
            [("window_id", "in", self.ids), ("state", "in", ("open", "in_progress", "to_verify"))],
            ["window_id", "is_overdue"],
            ["__count"],
        )
        counts = {}
        for window, overdue, count in rows:
            entry = counts.setdefault(window.id, [0, 0])
            entry[0] += count
            entry[1] += count if overdue else 0
        for window in self:
            window.improvement_open_count, window.improvement_overdue_count = counts.get(window.id, (0, 0))

    @api.depends_context("qi_dashboard_year")
    def _compute_dashboard(self):
        """Outcome figures of the year per window, one grouped query per model."""
        year = self.env.context.get("qi_dashboard_year") or china_today().year
        date_from, date_to = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        start, end = china_bounds(date_from, date_to)
        Case = self.env["qi.case"]
        enterprises = dict(
            Case._read_group(
                [("window_id", "in", self.ids), ("date_received", ">=", start), ("date_received", "<", end)],
                ["window_id"],
                ["partner_id:count_distinct"],
            )
        )
        completed = {}
        for window, on_time, count in Case._read_group(
            [("window_id", "in", self.ids), ("date_completed", ">=", start), ("date_completed", "<", end)],
            ["window_id", "completed_on_time"],
            ["__count"],
        ):
            entry = completed.setdefault(window, [0, 0])
            entry[0] += count
            entry[1] += count if on_time else 0
        improvements = {}
        for window, state, on_time, count in self.env["qi.improvement"]._read_group(
            [
                ("window_id", "in", self.ids),
                ("date_raised", ">=", date_from),
                ("date_raised", "<=", date_to),
                ("state", "!=", "cancelled"),
            ],
            ["window_id", "state", "closed_on_time"],
            ["__count"],
        ):
            entry = improvements.setdefault(window, [0, 0, 0])
            entry[0] += count
            entry[1] += count if state == "closed" else 0
            entry[2] += count if state == "closed" and on_time else 0
        Auto = self.env["qi.evaluation.auto"]
        for window in self:
            window.dashboard_year = str(year)
            window.dashboard_enterprise_count = enterprises.get(window, 0)
            total, on_time = completed.get(window, (0, 0))
            window.dashboard_case_completed_count = total
            window.dashboard_case_on_time_rate = round(100.0 * on_time / total, 1) if total else 0.0
            satisfaction = Auto._get_satisfaction_data(window, date_from, date_to)
            if satisfaction and satisfaction.get("rated"):
                rate = satisfaction_rate(satisfaction.get("satisfied", 0), satisfaction["rated"])
                window.dashboard_satisfaction = f"{rate:.1f} %"
            else:
                window.dashboard_satisfaction = self.env._("No data")
            (
                window.dashboard_improvement_count,
                window.dashboard_improvement_closed_count,
                window.dashboard_improvement_on_time_count,
            ) = improvements.get(window, (0, 0, 0))

    @api.readonly
    def action_view_evaluations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_evaluation.qi_evaluation_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id}
        action["display_name"] = self.env._("Evaluations of %s", self.name)
        return action

    @api.readonly
    def action_view_improvements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_evaluation.qi_improvement_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id, "search_default_filter_running": 1}
        action["display_name"] = self.env._("Improvements of %s", self.name)
        return action
