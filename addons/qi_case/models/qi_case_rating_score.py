from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .qi_case_rating import LEVELS


class QiCaseRatingScore(models.Model):
    """The level a rater gave one indicator of the rating's indicator set.
    Written with the rating (``qi.case.rating._rate``), never changed."""

    _name = "qi.case.rating.score"
    _description = "QI Rating Indicator Score"
    _order = "rating_id, id"

    rating_id = fields.Many2one("qi.case.rating", required=True, ondelete="cascade", index=True, readonly=True)
    indicator_id = fields.Many2one("qi.rating.indicator", required=True, ondelete="restrict", readonly=True)
    code = fields.Char(related="indicator_id.code")
    level = fields.Selection(LEVELS, required=True, readonly=True)

    _indicator_uniq = models.Constraint("UNIQUE(rating_id, indicator_id)", "An indicator is scored once per rating.")

    @api.constrains("rating_id", "indicator_id")
    def _check_indicator_of_the_set(self):
        for score in self:
            if score.indicator_id.set_id != score.rating_id.indicator_set_id:
                raise ValidationError(
                    self.env._(
                        "The indicator %(indicator)s is not one of the rating's indicator set %(set)s.",
                        indicator=score.indicator_id.name,
                        set=score.rating_id.indicator_set_id.display_name,
                    )
                )
