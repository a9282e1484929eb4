from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.base.models.ir_attachment import SECURITY_FIELDS, condition_values
from odoo.addons.qi_window.tools.ondelete import deletion_guard

from .qi_archive_record import ARCHIVE_MODEL

# only files of the suite's own models are ever protected: searches and
# checks of any other attachment stay exactly Odoo's
SUITE_MODELS = "qi.%"


class IrAttachment(models.Model):
    """Archived files (attachments of ``qi.archive.record``), and once a
    document is archived its live files and the originals of the archive's
    copies, are content that only an active grant opens (R-9.b), whatever the
    path: ORM read, RPC, ``/web/content``, ``/web/image``, zips, exports,
    reports, mail, copies. The archive's copies are never written or deleted,
    except by the archive's own processes."""

    _inherit = "ir.attachment"

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    # What is protected: the archive's copies (attachments of an archive
    # record), and, once a document is archived, its live files (attachments of
    # the source document) and every original a copy was taken from. Which
    # attachment is protected is read by SQL, never by a superuser read: that
    # would fill the record cache that the caller's environment then reads
    # from without an access check (R-9.b).

    def _qi_archive_protection(self):
        """[(attachment id, archive record id, is the archive's copy)] of the
        protected files among these."""
        ids = [id_ for id_ in self._ids if isinstance(id_, int)]
        if not ids:
            return []
        # Only files of the suite's models (SUITE_MODELS) are protected. Odoo's own
        # access check has just put res_model in the cache: when every id is
        # there, the other files cost no query at all.
        cache = self._fields["res_model"]._get_cache(self.env)
        if all(id_ in cache for id_ in ids):
            ids = [id_ for id_ in ids if (cache[id_] or "").startswith("qi.")]
            if not ids:
                return []
        self.flush_model(["res_model", "res_id"])
        self.env["qi.archive.record"].flush_model(["source_model", "source_id"])
        self.env["qi.archive.file"].flush_model(["origin_attachment_id", "record_id"])
        self.env.cr.execute(
            SQL(
                """SELECT a.id, a.res_id, TRUE FROM ir_attachment a
                WHERE a.id = ANY(%(ids)s) AND a.res_model = %(archive)s AND a.res_id != 0
               UNION
               SELECT a.id, r.id, FALSE FROM ir_attachment a
                 JOIN qi_archive_record r ON r.source_model = a.res_model AND r.source_id = a.res_id
                WHERE a.id = ANY(%(ids)s)
               UNION
               SELECT a.id, f.record_id, FALSE FROM ir_attachment a
                 JOIN qi_archive_file f ON f.origin_attachment_id = a.id
                WHERE a.id = ANY(%(ids)s) AND a.res_model LIKE %(suite)s""",
                ids=ids,
                archive=ARCHIVE_MODEL,
                suite=SUITE_MODELS,
            )
        )
        return self.env.cr.fetchall()

    def _qi_archived(self):
        """The archive's own copies among these attachments (same environment)."""
        copies = {att_id for att_id, _record_id, copy in self._qi_archive_protection() if copy}
        return self.browse([id_ for id_ in self._ids if id_ in copies])

    def _qi_protected(self):
        """The protected files among these attachments (same environment)."""
        protected = {att_id for att_id, _record_id, _copy in self._qi_archive_protection()}
        return self.browse([id_ for id_ in self._ids if id_ in protected])

    def _qi_archive_forbidden(self, action=None):
        """(the protected files among these that the current user may not open
        now, {record id: grant}, [(attachment id, record id)] protected)."""
        protection = self._qi_archive_protection()
        if not protection:
            return self.browse(), {}, []
        record_ids = {record_id for _att_id, record_id, _copy in protection}
        records = self.env[ARCHIVE_MODEL].browse(record_ids)
        grants = self.env["qi.archive.access.request"]._qi_active_grants(records)
        refused = {record_id for record_id in record_ids if record_id not in grants}
        if action == "mail":
            # a trade secret never leaves by mail, even with a grant
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM qi_archive_record WHERE id = ANY(%s) AND confidentiality = 'trade_secret'",
                    list(record_ids),
                )
            )
            refused.update(row[0] for row in self.env.cr.fetchall())
        forbidden = {att_id for att_id, record_id, _copy in protection if record_id in refused}
        links = sorted({(att_id, record_id) for att_id, record_id, _copy in protection})
        return self.browse([id_ for id_ in self._ids if id_ in forbidden]), grants, links

    def _qi_archive_error(self, forbidden):
        # ids, not names: the names of files someone may not open are not his to read
        names = ", ".join(f"#{id_}" for id_ in forbidden._ids[:5])
        return AccessError(
            self.env._(
                "Archived files (%s) can only be opened with an access grant approved by the leader "
                "of the record's window, until it expires. Request access from the archive record.",
                names,
            )
        )

    def _qi_archive_check_content(self, action=None):
        """Raise AccessError unless the current user (even under sudo) holds an
        active grant on the protected files among these; log the access when
        ``action`` is given."""
        forbidden, grants, links = self._qi_archive_forbidden(action)
        if forbidden:
            raise self._qi_archive_error(forbidden)
        if action and links:
            self.env["qi.archive.access.log"]._qi_log(links, action, grants)

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
        # like Odoo's own check: what was read to decide is not left in the cache
        archived_forbidden.invalidate_recordset(SECURITY_FIELDS)
        forbidden |= archived_forbidden

        def error_func():
            return self._qi_archive_error(archived_forbidden)

        return forbidden, error_func

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        if not (self.env.su or bypass_access):
            domain = Domain(domain)
            models_searched = condition_values(self, "res_model", domain)
            if models_searched is None or any((name or "").startswith("qi.") for name in models_searched):
                domain &= self._qi_archive_search_domain()
        return super()._search(
            domain, offset=offset, limit=limit, order=order, active_test=active_test, bypass_access=bypass_access
        )

    @api.model
    def _qi_archive_search_domain(self):
        """Protected files are found only under a grant on every archive record
        that protects them. One SQL condition inside the attachment query
        itself: no lookup of grants beforehand."""
        granted = self.env["qi.archive.access.request"]._qi_grants_sql()
        self.env["qi.archive.record"].flush_model(["source_model", "source_id"])
        self.env["qi.archive.file"].flush_model(["origin_attachment_id", "record_id"])

        def to_sql(model, alias, query):
            return SQL(
                """(%(res_model)s IS NULL OR %(res_model)s NOT LIKE %(suite)s OR (
                    (%(res_model)s != %(archive)s OR COALESCE(%(res_id)s, 0) = 0 OR %(res_id)s IN (%(granted)s))
                    AND NOT EXISTS (SELECT 1 FROM qi_archive_record qi_r
                                     WHERE qi_r.source_model = %(res_model)s AND qi_r.source_id = %(res_id)s
                                       AND qi_r.id NOT IN (%(granted)s))
                    AND NOT EXISTS (SELECT 1 FROM qi_archive_file qi_f
                                     WHERE qi_f.origin_attachment_id = %(id)s
                                       AND qi_f.record_id NOT IN (%(granted)s))))""",
                res_model=SQL.identifier(alias, "res_model"),
                res_id=SQL.identifier(alias, "res_id"),
                id=SQL.identifier(alias, "id"),
                archive=ARCHIVE_MODEL,
                suite=SUITE_MODELS,
                granted=granted,
            )

        return Domain.custom(to_sql=to_sql)

    def _compute_raw(self):
        if not self.env.su:
            # reading the bytes of protected files through the ORM: grant needed, logged
            self._qi_archive_check_content("view")
        return super()._compute_raw()

    def _to_http_stream(self):
        # every download path (/web/content, /web/image, zips, portal) streams from here
        if self._qi_protected():
            self._qi_archive_check_content("download")
            # sudo: the grant was checked and the download logged just above
            self = self.sudo()
        return super()._to_http_stream()

    def _can_return_content(self, field_name=None, access_token=None):
        if self._qi_protected():
            # no token, public flag or portal shortcut for protected files: the grant decides
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
                        ", ".join(f"#{id_}" for id_ in archived._ids[:5]),
                    )
                )
        return super().write(vals)

    @deletion_guard
    def _unlink_except_archived(self):
        if not self._qi_archive_internal():
            archived = self._qi_archived()
            if archived:
                raise AccessError(
                    self.env._(
                        "Archived files cannot be deleted (%s); only the disposal of their record "
                        "after its retention period removes them.",
                        ", ".join(f"#{id_}" for id_ in archived._ids[:5]),
                    )
                )

    def copy(self, default=None):
        # R-9.b: a copy would outlive the grant, unlogged; the archive's rules
        # cannot follow it, so archived content is never duplicated
        if not self._qi_archive_internal() and self._qi_protected():
            raise AccessError(
                self.env._(
                    "Archived files cannot be copied: open them under an access grant instead; every opening is logged."
                )
            )
        return super().copy(default=default)

    def _migrate(self):
        # moving files between the database and the filestore keeps their bytes,
        # so the archive's hashes still hold (force_storage is for administrators only)
        return super(IrAttachment, self.sudo().with_context(qi_archive_internal=True))._migrate()

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # archived content is consulted under a grant, never exported, whatever
        # the path to it (attachment list, archived file lines …)
        exportable = self - self._qi_protected()
        return super(IrAttachment, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
