from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

from odoo.addons.base.models.ir_attachment import condition_values

from .qi_archive_record import ARCHIVE_MODEL


class IrAttachment(models.Model):
    """Archived files (attachments of ``qi.archive.record``) are content that
    only an active grant opens (R-9.b), whatever the path: ORM read, RPC,
    ``/web/content``, ``/web/image``, exports, reports, mail. They are never
    written or deleted, except by the archive's own processes."""

    _inherit = "ir.attachment"

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _qi_archived(self):
        """The archived files among these attachments, as superuser (only
        their link fields are read here)."""
        # sudo: reading res_model/res_id of the attachments to find the archived ones
        return self.sudo().filtered(lambda a: a.res_model == ARCHIVE_MODEL and a.res_id)

    def _qi_archive_forbidden(self, action=None):
        """The archived files among these that the current user may not open now."""
        archived = self._qi_archived()
        if not archived:
            return archived, {}
        # sudo: the records' state and confidentiality decide, whoever asks
        records = self.env[ARCHIVE_MODEL].sudo().browse(set(archived.mapped("res_id"))).exists()
        grants = self.env["qi.archive.access.request"]._qi_active_grants(records)
        forbidden = archived.filtered(lambda a: a.res_id not in grants)
        if action == "mail":
            # a trade secret never leaves by mail, even with a grant
            secret = records.filtered(lambda r: r.confidentiality == "trade_secret").ids
            forbidden |= archived.filtered(lambda a: a.res_id in secret)
        return forbidden, grants

    def _qi_archive_error(self, forbidden):
        names = ", ".join(forbidden[:5].mapped("name"))
        return AccessError(
            self.env._(
                "Archived files (%s) can only be opened with an access grant approved by the leader "
                "of the record's window, until it expires. Request access from the archive record.",
                names,
            )
        )

    def _qi_archive_check_content(self, action=None):
        """Raise AccessError unless the current user (even under sudo) holds an
        active grant on the archived files among these; log the access when
        ``action`` is given."""
        forbidden, grants = self._qi_archive_forbidden(action)
        if forbidden:
            raise self._qi_archive_error(forbidden)
        if action:
            self.env["qi.archive.access.log"]._qi_log(self._qi_archived(), action, grants)

    def _qi_stored_bytes(self):
        """The bytes as stored now (filestore or database), bypassing the cache."""
        self.ensure_one()
        if self.store_fname:
            return self._file_read(self.store_fname)
        return self.db_datas or b""

    def _qi_archive_internal(self):
        return self.env[ARCHIVE_MODEL]._qi_internal()

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------
    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su:
            return result
        forbidden = result[0] if result else self.browse()
        remaining = self - forbidden
        if operation == "read":
            archived_forbidden = remaining._qi_archive_forbidden()[0]
        else:
            # archived files are never written or deleted by users, even leaders
            archived_forbidden = remaining._qi_archived()
        if not archived_forbidden:
            return result
        # sudo(False): back to the caller's environment, nothing is read here
        forbidden |= archived_forbidden.sudo(False)

        def error_func():
            return self._qi_archive_error(archived_forbidden)

        return forbidden, error_func

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        if not (self.env.su or bypass_access):
            domain = Domain(domain) & self._qi_archive_search_domain(domain)
        return super()._search(
            domain, offset=offset, limit=limit, order=order, active_test=active_test, bypass_access=bypass_access
        )

    @api.model
    def _qi_archive_search_domain(self, domain):
        """Archived files a user holds no grant on are not found either."""
        outside = Domain("res_model", "!=", ARCHIVE_MODEL)
        models_searched = condition_values(self, "res_model", Domain(domain))
        if models_searched is not None and ARCHIVE_MODEL not in models_searched:
            return outside
        granted = self.env["qi.archive.access.request"]._qi_granted_record_ids()
        if not granted:
            return outside
        return outside | (Domain("res_model", "=", ARCHIVE_MODEL) & Domain("res_id", "in", granted))

    def _compute_raw(self):
        if not self.env.su:
            # reading the bytes of archived files through the ORM: grant needed, logged
            self._qi_archive_check_content("view")
        return super()._compute_raw()

    def _to_http_stream(self):
        # every download path (/web/content, /web/image, zips, portal) streams from here
        if self._qi_archived():
            self._qi_archive_check_content("download")
            # sudo: the grant was checked and the download logged just above
            self = self.sudo()
        return super()._to_http_stream()

    def _can_return_content(self, field_name=None, access_token=None):
        if self._qi_archived():
            # no token, public flag or portal shortcut for archived files: the grant decides
            self._qi_archive_check_content()
            self.check_access("read")
            return True
        return super()._can_return_content(field_name, access_token)

    # ------------------------------------------------------------------
    # immutability
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._qi_archive_internal() and any(vals.get("res_model") == ARCHIVE_MODEL for vals in vals_list):
            raise AccessError(self.env._("Files are added to the archive by archiving a document only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self._qi_archive_internal():
            archived = self._qi_archived()
            if archived or vals.get("res_model") == ARCHIVE_MODEL:
                raise AccessError(
                    self.env._(
                        "Archived files cannot be changed (%s): they are kept as they were archived.",
                        ", ".join(archived[:5].mapped("name")),
                    )
                )
        return super().write(vals)

    def unlink(self):
        if not self._qi_archive_internal():
            archived = self._qi_archived()
            if archived:
                raise AccessError(
                    self.env._(
                        "Archived files cannot be deleted (%s); only the disposal of their record "
                        "after its retention period removes them.",
                        ", ".join(archived[:5].mapped("name")),
                    )
                )
        return super().unlink()

    def _migrate(self):
        # moving files between the database and the filestore keeps their bytes,
        # so the archive's hashes still hold (force_storage is for administrators only)
        return super(IrAttachment, self.sudo().with_context(qi_archive_internal=True))._migrate()

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # archived content is consulted under a grant, never exported, whatever
        # the path to it (attachment list, archived file lines …)
        # sudo(False): the attachments are exported with the caller's rights
        exportable = self - self._qi_archived().sudo(False)
        return super(IrAttachment, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
