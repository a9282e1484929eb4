from odoo import api, fields, models

from .qi_evaluation_auto import AUTO_CODES
from .qi_evaluation_indicator import CHECK_METHODS


class QiEvaluationLine(models.Model):
    """The score of one indicator in one evaluation, with its evidence and
    findings. Points, check method and deduction are copied from the
    template when the evaluation is drafted, so later template versions
    never change it."""

    _name = "qi.evaluation.line"
    _description = "QI Evaluation Line"
    _inherit = ["qi.window.bound.mixin", "qi.evaluation.scoring.mixin"]
    _order = "evaluation_id, sequence, id"

    evaluation_id = fields.Many2one("qi.evaluation", required=True, ondelete="cascade", index=True)
    window_id = fields.Many2one(related="evaluation_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True, index=True)
    evaluation_type = fields.Selection(related="evaluation_id.evaluation_type")
    state = fields.Selection(related="evaluation_id.state", string="Evaluation State")
    indicator_id = fields.Many2one(
        "qi.evaluation.indicator", string="Template Indicator", required=True, ondelete="restrict", index=True
    )
    element_id = fields.Many2one(related="indicator_id.element_id", store=True, index=True, string="Element")
    sequence = fields.Integer(default=10)
    code = fields.Char(related="indicator_id.code")
    name = fields.Char(related="indicator_id.name", string="Indicator")
    criteria = fields.Text(related="indicator_id.description")
    formula = fields.Text(related="indicator_id.formula")
    clause = fields.Char(related="indicator_id.clause")
    check_method = fields.Selection(CHECK_METHODS, string="Checked", required=True, default="onsite")
    max_points = fields.Float(string="Max. Points", required=True, digits=(6, 1))
    deduction = fields.Float(string="Deduction per Finding", digits=(6, 1))
    auto_code = fields.Selection(AUTO_CODES, string="Computed From")
    target = fields.Float(string="Target / Baseline", digits=(6, 1))
    # automatic indicators: the figures behind the score
    auto_count = fields.Float(string="Counted", digits=(12, 1), readonly=True)
    auto_total = fields.Float(string="Out of", digits=(12, 1), readonly=True)
    auto_rate = fields.Float(string="Value (%)", digits=(5, 1), readonly=True)
    auto_score = fields.Float(string="Computed Score", digits=(6, 1), readonly=True)
    no_data = fields.Boolean(readonly=True, help="No data to judge on: the indicator is left out of the total.")
    date_computed = fields.Datetime(string="Computed On", readonly=True)
    auto_result = fields.Char(string="Computed Value", compute="_compute_auto_result")
    applicable = fields.Boolean(
        compute="_compute_applicable",
        store=True,
        readonly=False,
        help="Uncheck when the indicator does not apply to this window; it then counts neither "
        "in the score nor in the applicable points.",
    )
    finding_ids = fields.One2many("qi.evaluation.finding", "line_id", string="Findings")
    finding_count = fields.Integer(compute="_compute_finding_count", store=True, string="Findings Count")
    score = fields.Float(
        compute="_compute_score",
        store=True,
        readonly=False,
        digits=(6, 1),
        help="Automatic indicators: the computed score. Others: the points minus the deduction per "
        "finding. The evaluators can adjust it within 0 and the points.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment", "qi_evaluation_line_attachment_rel", "line_id", "attachment_id", string="Evidence"
    )
    comment = fields.Text()

    _score_range = models.Constraint(
        "CHECK(score >= 0 AND score <= max_points)", "A score lies between 0 and the indicator's points."
    )

    @api.depends("no_data")
    def _compute_applicable(self):
        for line in self:
            line.applicable = not line.no_data

    @api.depends("finding_ids")
    def _compute_finding_count(self):
        for line in self:
            line.finding_count = len(line.finding_ids)

    @api.depends("applicable", "max_points", "deduction", "check_method", "auto_score", "finding_ids")
    def _compute_score(self):
        for line in self:
            if not line.applicable:
                line.score = 0.0
            elif line.check_method == "automatic":
                line.score = line.auto_score
            else:
                line.score = max(0.0, line.max_points - line.deduction * len(line.finding_ids))

    @api.depends("auto_code", "auto_count", "auto_total", "auto_rate", "no_data", "target", "date_computed")
    def _compute_auto_result(self):
        Auto = self.env["qi.evaluation.auto"]
        for line in self:
            if line.check_method != "automatic":
                line.auto_result = False
            elif not line.date_computed:
                line.auto_result = self.env._("Not computed yet")
            else:
                line.auto_result = Auto._describe(
                    line.auto_code,
                    line.auto_count,
                    line.auto_total,
                    None if line.no_data else line.auto_rate,
                    line.target,
                )

    def _compute_automatic(self):
        """Compute automatic indicators from the window's data for the evaluation period."""
        Auto = self.env["qi.evaluation.auto"]
        now = fields.Datetime.now()
        for line in self.filtered(lambda line: line.check_method == "automatic" and line.auto_code):
            evaluation = line.evaluation_id
            figures = Auto._compute_indicator(
                line.auto_code, evaluation.window_id, evaluation.date_from, evaluation.date_to, line.target
            )
            no_data = figures["ratio"] is None
            line.write(
                {
                    "auto_count": figures["count"],
                    "auto_total": figures["total"],
                    "auto_rate": 0.0 if no_data else figures["rate"],
                    "auto_score": 0.0 if no_data else round(line.max_points * figures["ratio"], 1),
                    "no_data": no_data,
                    "date_computed": now,
                }
            )
        return True

    @api.depends("code", "name", "evaluation_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.code} {line.name}" if line.code else (line.name or "")
