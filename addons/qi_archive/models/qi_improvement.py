from odoo import api, models


class QiImprovement(models.Model):
    _name = "qi.improvement"
    _inherit = ["qi.improvement", "qi.archive.source.mixin"]

    def _qi_archive_year(self):
        date = self.date_closed or self.date_raised
        return date.year if date else super()._qi_archive_year()

    def _qi_archive_is_eligible(self):
        """Closed improvements: a verification found them effective (R-8.3.3)."""
        return self.state == "closed"

    @api.model
    def _qi_archive_auto_domain(self):
        return [("state", "=", "closed")]
