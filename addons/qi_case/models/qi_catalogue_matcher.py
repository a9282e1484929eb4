from odoo import api, models


class QiCatalogueMatcher(models.AbstractModel):
    _inherit = "qi.catalogue.matcher"

    @api.model
    def _get_provider_load(self, providers):
        # sudo: the load is a count used for ranking; no assignment content leaves here
        return self.env["qi.case.assignment"].sudo()._get_open_load("provider_id", providers)

    @api.model
    def _get_expert_load(self, experts):
        # sudo: same as above, counts only
        return self.env["qi.case.assignment"].sudo()._get_open_load("expert_id", experts)

    @api.model
    def _get_rating_score(self, resources):
        # sudo: averages of ratings feed the ranking; no rating or rater leaves here
        Rating = self.env["qi.case.rating"].sudo()
        field = "provider_id" if resources._name == "res.partner" else "expert_id"
        return Rating._get_scores(field, resources)
