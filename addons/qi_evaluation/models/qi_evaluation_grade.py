from odoo import api, fields, models


class QiEvaluationGrade(models.Model):
    """A grade band of the evaluation total (e.g. excellent from 90 %).

    Bands are configurable: an evaluation takes the band with the highest
    minimum its score rate reaches, and keeps it once done.
    """

    _name = "qi.evaluation.grade"
    _description = "QI Evaluation Grade Band"
    _order = "min_rate desc, id"

    name = fields.Char(required=True, translate=True)
    min_rate = fields.Float(
        string="From (%)",
        required=True,
        digits=(5, 1),
        help="Lowest score rate (score ÷ applicable points × 100) that reaches this grade.",
    )
    passed = fields.Boolean(
        string="Pass", default=True, help="Windows graded below a passing band need close follow-up."
    )
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _min_rate_range = models.Constraint(
        "CHECK(min_rate >= 0 AND min_rate <= 100)", "A grade band starts between 0 % and 100 %."
    )
    _min_rate_uniq = models.UniqueIndex(
        "(min_rate) WHERE active", "Two active grade bands cannot start at the same score rate."
    )

    @api.model
    def _get_grade(self, rate):
        """The band reached by ``rate`` (a percentage), or an empty recordset."""
        return self.search([("min_rate", "<=", rate)], order="min_rate desc", limit=1)
