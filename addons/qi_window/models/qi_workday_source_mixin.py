from odoo import api, models


class QiWorkdaySourceMixin(models.AbstractModel):
    """Data the working-day calendar reads (official years, exceptions): the
    calendar memoises its answers in the registry cache, so any change of this
    data clears it, in every worker."""

    _name = "qi.workday.source.mixin"
    _description = "QI Working-day Calendar Source"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
