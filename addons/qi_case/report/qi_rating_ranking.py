from odoo import fields, models

from .qi_rating_ranking_mixin import RANKING_DEPENDS


class QiRatingRanking(models.Model):
    """The monthly ranking of the windows by their 好差评 (R-8.1): ratings,
    share of 好评, bad reviews, fixed and fixed on time, and the window's rank
    among every window ranked that month. Staff read their windows' rows, a
    leader those of the organisation, the coordination department all."""

    _name = "qi.rating.ranking"
    _description = "QI Window Satisfaction Ranking"
    _inherit = ["qi.rating.ranking.mixin"]
    _auto = False
    _order = "month desc, rank, window_id"
    _depends = RANKING_DEPENDS
    _ranking_unit_field = "window_id"

    window_id = fields.Many2one("qi.window", readonly=True)

    def _ranking_unit_sql(self, column):
        return column("window_id")
