from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .qi_evaluation_auto import AUTO_CODES

CHECK_METHODS = [
    ("onsite", "On Site"),
    ("records", "Records"),
    ("automatic", "Automatic"),
]


class QiEvaluationIndicator(models.Model):
    """An indicator of an Annex B element: how many points it is worth, how
    it is checked and how many points each finding deducts. Automatic
    indicators compute their score from the window's data with the formula
    shown on the evaluation line."""

    _name = "qi.evaluation.indicator"
    _description = "QI Evaluation Indicator"
    _order = "template_id, element_sequence, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    element_id = fields.Many2one("qi.evaluation.element", required=True, ondelete="cascade", index=True)
    element_sequence = fields.Integer(related="element_id.sequence", store=True, string="Element Sequence")
    template_id = fields.Many2one(related="element_id.template_id", store=True, index=True)
    clause = fields.Char(help="Clause of DB1303/T 329-2022 behind the indicator, e.g. 5.1.2.6.")
    description = fields.Text(string="Criteria", translate=True, help="What the evaluator looks for.")
    max_points = fields.Float(required=True, default=5.0, digits=(6, 1))
    check_method = fields.Selection(CHECK_METHODS, string="Checked", required=True, default="onsite")
    deduction = fields.Float(
        string="Deduction per Finding",
        required=True,
        default=1.0,
        digits=(6, 1),
        help="Points taken off the indicator for each finding (on-site and records checks).",
    )
    auto_code = fields.Selection(AUTO_CODES, string="Computed From")
    target = fields.Float(
        string="Target / Baseline",
        digits=(6, 1),
        help="Automatic indicators: the baseline the value is held against (e.g. 90 for a 90 % "
        "satisfaction rate, 3 for three stationed providers).",
    )
    formula = fields.Text(translate=True, help="How the score is computed, as shown on the evaluation line.")
    active = fields.Boolean(default=True)

    _max_points_positive = models.Constraint("CHECK(max_points > 0)", "An indicator is worth more than 0 points.")
    _deduction_positive = models.Constraint("CHECK(deduction >= 0)", "A deduction cannot be negative.")

    @api.constrains("check_method", "auto_code")
    def _check_auto_code(self):
        for indicator in self:
            if (indicator.check_method == "automatic") != bool(indicator.auto_code):
                raise ValidationError(
                    self.env._(
                        "Indicator %s: an automatic indicator needs the data it is computed from, "
                        "and only automatic indicators have one.",
                        indicator.name,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for indicator in self:
            indicator.display_name = f"{indicator.code} {indicator.name}" if indicator.code else indicator.name
