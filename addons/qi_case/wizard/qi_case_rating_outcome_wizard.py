from odoo import api, fields, models

from ..models.qi_case_rating_outcome import OUTCOMES


class QiCaseRatingOutcomeWizard(models.TransientModel):
    """The leader records the outcome of a bad review after calling the
    service object back (R-8.1); the rating checks it (``action_record_outcome``)."""

    _name = "qi.case.rating.outcome.wizard"
    _description = "Outcome of a Bad Review"

    rating_id = fields.Many2one("qi.case.rating", required=True, ondelete="cascade", readonly=True)
    appeal_state = fields.Selection(related="rating_id.appeal_state")
    outcome = fields.Selection(OUTCOMES, required=True)
    fix_due = fields.Date(
        string="Fix By",
        compute="_compute_fix_due",
        store=True,
        readonly=False,
        help="15 PRC working days after the callback unless you set an earlier or later date.",
    )
    explanation = fields.Text(help="What the service object was told: why its demand has no legal basis.")

    @api.depends("rating_id")
    def _compute_fix_due(self):
        for wizard in self:
            wizard.fix_due = wizard.rating_id._default_fix_due() if wizard.rating_id else False

    def action_confirm(self):
        self.ensure_one()
        self.rating_id.action_record_outcome(
            self.outcome,
            fix_due=self.fix_due if self.outcome == "fix_deadline" else None,
            explanation=self.explanation,
        )
        return {"type": "ir.actions.act_window_close"}
