from odoo import api, models

from odoo.addons.qi_window.tools.ondelete import deletion_guard


class QiEvaluationScoringMixin(models.AbstractModel):
    """A part of an evaluation's scoring (its lines, their findings): created,
    changed and deleted only by who may score the evaluation, while it may be
    scored (``qi.evaluation._check_scoring_rights``), also after a write that
    moves the record to another evaluation (R-8.2)."""

    _name = "qi.evaluation.scoring.mixin"
    _description = "QI Evaluation Scoring Part"
    # the field a write changes to move the record to another evaluation
    _qi_scoring_move_field = "evaluation_id"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.evaluation_id._check_scoring_rights()
        return records

    def write(self, vals):
        self.evaluation_id._check_scoring_rights()
        result = super().write(vals)
        if self._qi_scoring_move_field in vals:
            self.evaluation_id._check_scoring_rights()
            # rules are checked before the write only: no moving a record into
            # an evaluation (of a window) the user may not score
            self.check_access("write")
        return result

    @deletion_guard
    def _unlink_except_scoring_closed(self):
        self.evaluation_id._check_scoring_rights()
