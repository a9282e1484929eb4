from odoo import models


class QiWindowRule(models.Model):
    _name = "qi.window.rule"
    _inherit = ["qi.window.rule", "qi.archive.source.mixin"]

    def _qi_archive_year(self):
        date = self.effective_date or self.published_date
        return date.year if date else super()._qi_archive_year()

    def _qi_archive_is_eligible(self):
        """Published or superseded versions: what was in force."""
        return self.state in ("published", "superseded")
