from odoo import fields, models


class QiEvaluationFinding(models.Model):
    """A problem the evaluators found on an indicator. It deducts the
    indicator's points and becomes an improvement when the evaluation is
    done (R-8.3.1)."""

    _name = "qi.evaluation.finding"
    _description = "QI Evaluation Finding"
    _inherit = ["qi.window.bound.mixin", "qi.protected.fields.mixin", "qi.evaluation.scoring.mixin"]
    _order = "evaluation_id, line_sequence, id"
    _qi_scoring_move_field = "line_id"
    # only closing the evaluation links a finding to its improvement
    _qi_protected_fields = frozenset({"improvement_id"})
    _qi_flow_key = "qi_evaluation_closing"

    line_id = fields.Many2one("qi.evaluation.line", string="Indicator", required=True, ondelete="cascade", index=True)
    line_sequence = fields.Integer(related="line_id.sequence", store=True)
    evaluation_id = fields.Many2one(related="line_id.evaluation_id", store=True, index=True)
    window_id = fields.Many2one(related="line_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    element_id = fields.Many2one(related="line_id.element_id", store=True)
    name = fields.Text(string="Finding", required=True)
    owner_id = fields.Many2one(
        "res.users",
        string="Improvement Owner",
        help="Who will answer for the improvement; the window's leader when empty.",
    )
    improvement_id = fields.Many2one("qi.improvement", readonly=True, copy=False, index="btree_not_null")
    improvement_state = fields.Selection(related="improvement_id.state")

    def write(self, vals):
        self._qi_check_protected([vals])
        return super().write(vals)
