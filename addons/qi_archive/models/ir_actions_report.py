from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A report reloaded from a stored attachment never serves an archived
        file without a grant; with one, the use is logged."""
        attachment = super().retrieve_attachment(record)
        if attachment:
            attachment._qi_archive_check_content("report")
        return attachment
