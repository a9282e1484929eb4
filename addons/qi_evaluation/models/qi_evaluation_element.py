from odoo import api, fields, models


class QiEvaluationElement(models.Model):
    """An element (要素) of Annex B: construction, service resources, rules,
    personnel, service content, service process, evaluation and improvement,
    information management."""

    _name = "qi.evaluation.element"
    _description = "QI Evaluation Element"
    _order = "template_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    template_id = fields.Many2one("qi.evaluation.template", required=True, ondelete="cascade", index=True)
    clause = fields.Char(string="Clauses", help="Clauses of DB1303/T 329-2022 the element checks, e.g. 5.1.")
    description = fields.Text(translate=True)
    indicator_ids = fields.One2many("qi.evaluation.indicator", "element_id", string="Indicators", copy=True)
    max_points = fields.Float(compute="_compute_max_points", digits=(6, 1))

    _template_code_uniq = models.Constraint(
        "UNIQUE(template_id, code)", "Each element code appears once in a template."
    )

    @api.depends("indicator_ids.max_points")
    def _compute_max_points(self):
        for element in self:
            element.max_points = sum(element.indicator_ids.mapped("max_points"))
