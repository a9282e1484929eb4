from odoo import api, models


class QiEvaluation(models.Model):
    _name = "qi.evaluation"
    _inherit = ["qi.evaluation", "qi.archive.source.mixin"]

    def _qi_archive_year(self):
        date = self.date_done or self.date_to
        return date.year if date else super()._qi_archive_year()

    def _qi_archive_is_eligible(self):
        return self.state == "done"

    @api.model
    def _qi_archive_auto_domain(self):
        """Done evaluations are archived at the next run."""
        return [("state", "=", "done")]
