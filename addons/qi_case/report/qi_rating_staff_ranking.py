from odoo import fields, models

from .qi_rating_ranking_mixin import RANKING_DEPENDS


class QiRatingStaffRanking(models.Model):
    """The internal monthly ranking of the staff by the 好差评 of the cases
    they handled first (R-8.1), within each operating organisation. Only
    leaders (their organisation) and the coordination department read it: a
    staff member never reads another's figures."""

    _name = "qi.rating.staff.ranking"
    _description = "QI Staff Satisfaction Ranking"
    _inherit = ["qi.rating.ranking.mixin"]
    _auto = False
    _order = "month desc, company_id, rank, user_id"
    _depends = RANKING_DEPENDS
    _ranking_unit_field = "user_id"
    _ranking_within = ("company_id",)

    user_id = fields.Many2one("res.users", string="Staff (First Handler)", readonly=True)

    def _ranking_unit_sql(self, column):
        return column("handler_id")
