from odoo import api, fields, models


class QiEvaluationFinding(models.Model):
    """A problem the evaluators found on an indicator. It deducts the
    indicator's points and becomes an improvement when the evaluation is
    done (R-8.3.1)."""

    _name = "qi.evaluation.finding"
    _description = "QI Evaluation Finding"
    _inherit = ["qi.window.bound.mixin", "qi.protected.fields.mixin"]
    _order = "evaluation_id, line_sequence, id"
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

    @api.model_create_multi
    def create(self, vals_list):
        findings = super().create(vals_list)
        findings.evaluation_id._check_scoring_rights()
        return findings

    def write(self, vals):
        self._qi_check_protected([vals])
        self.evaluation_id._check_scoring_rights()
        result = super().write(vals)
        if "line_id" in vals:
            self.evaluation_id._check_scoring_rights()
            # rules are checked before the write only: no moving a finding into
            # an evaluation (of a window) the user may not score
            self.check_access("write")
        return result

    def unlink(self):
        self.evaluation_id._check_scoring_rights()
        return super().unlink()
