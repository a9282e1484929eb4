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
