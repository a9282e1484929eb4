from odoo import SUPERUSER_ID, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .qi_archive_record import ARCHIVE_MODEL


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A report reloaded from a stored attachment never serves an archived
        file without a grant; with one, the use is logged."""
        attachment = super().retrieve_attachment(record)
        if attachment:
            attachment._qi_archive_check_content("report")
        return attachment

    def _get_rendering_context(self, report, docids, data):
        """Once a document is archived, rendering it again (``/report/html``,
        ``/report/pdf``, the portal, the print menu) is consulting the archive:
        the user's grant on its record decides, even under sudo, and the
        rendering is logged (R-9.b)."""
        if docids and report.model and report.model in self.env:
            self._qi_check_archived_sources(report, docids)
        return super()._get_rendering_context(report, docids, data)

    def _qi_check_archived_sources(self, report, docids):
        ids = [docid for docid in ([docids] if isinstance(docids, int) else docids) if isinstance(docid, int)]
        archive = self.env[ARCHIVE_MODEL]
        # the scheduled archiving and the archive's own processes render sources
        if self.env.uid == SUPERUSER_ID or archive._qi_internal() or not ids:
            return
        # plain SQL: which documents are archived, without caching their records
        archive.flush_model(["source_model", "source_id"])
        self.env.cr.execute(
            SQL("SELECT id FROM qi_archive_record WHERE source_model = %s AND source_id = ANY(%s)", report.model, ids)
        )
        record_ids = [row[0] for row in self.env.cr.fetchall()]
        if not record_ids:
            return
        grants = self.env["qi.archive.access.request"]._qi_active_grants(archive.browse(record_ids))
        if any(record_id not in grants for record_id in record_ids):
            raise AccessError(
                self.env._(
                    "This document is archived: it can only be printed again with an access grant approved by "
                    "the leader of its window, until it expires. Request access from the archive record."
                )
            )
        self.env["qi.archive.access.log"]._qi_log(
            [(False, record_id) for record_id in record_ids], "report", grants, file_name=report.name
        )
