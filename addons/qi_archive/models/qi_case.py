from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.qi_window.tools.settings import int_param


class QiCase(models.Model):
    _name = "qi.case"
    _inherit = ["qi.case", "qi.archive.source.mixin"]

    def _qi_archive_values(self):
        values = super()._qi_archive_values()
        values["title"] = f"{self.name} {self.subject}"
        return values

    def _qi_archive_year(self):
        date = self.date_closed or self.date_received
        return date.year if date else super()._qi_archive_year()

    def _qi_archive_is_eligible(self):
        """Finished cases: closed, cancelled or rejected."""
        return self.stage_code in ("closed", "cancelled", "rejected")

    @api.model
    def _qi_archive_auto_domain(self):
        """Closed cases, the configured number of days after their closure."""
        days = int_param(self.env, "qi_archive.case_archive_days", 30, minimum=0)
        return [("stage_code", "=", "closed"), ("date_closed", "<=", fields.Datetime.now() - timedelta(days=days))]
