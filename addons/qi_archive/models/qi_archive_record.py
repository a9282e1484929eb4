import hashlib
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.ondelete import deletion_guard

from .qi_archive_category import CONFIDENTIALITY, SOURCE_TYPES

_logger = logging.getLogger(__name__)

ARCHIVE_MODEL = "qi.archive.record"


def sha256_hex(data):
    return hashlib.sha256(data or b"").hexdigest()


class QiArchiveRecord(models.Model):
    """A record archived centrally (R-9.a, R-9.b).

    At archiving its content is frozen: a PDF (or, where wkhtmltopdf is
    missing, the HTML) of the source and copies of the source's files are
    stored as attachments of the record, each with its SHA-256; the record's
    own hash covers its metadata and those file hashes and chains to the
    previous record of the same window. Nothing of it is ever written again,
    except by the disposal process once the retention period is over, which
    deletes the files and leaves the record as a tombstone.

    The content (files and frozen PDF) is readable only with an active grant
    (``qi.archive.access.request``); see ``ir_attachment.py``. How a record is
    made is in ``qi_archive_record_archiving.py``.
    """

    _name = "qi.archive.record"
    _description = "QI Archive Record"
    _inherit = ["qi.window.bound.mixin"]
    _order = "archived_on desc, id desc"

    name = fields.Char(string="Archive Number", required=True, readonly=True, copy=False, index="trigram")
    title = fields.Char(required=True, readonly=True, index="trigram")
    source_type = fields.Selection(SOURCE_TYPES, required=True, readonly=True, index=True, default="document")
    source_model = fields.Char(readonly=True, index=True)
    source_id = fields.Many2oneReference(string="Source ID", model_field="source_model", readonly=True)
    window_id = fields.Many2one("qi.window", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Service Object",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The enterprise the record is about; it may request access through the portal.",
    )
    category_id = fields.Many2one("qi.archive.category", required=True, readonly=True, index=True, ondelete="restrict")
    year = fields.Integer(required=True, readonly=True, index=True, aggregator=False)
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, readonly=True, index=True)
    retention_years = fields.Integer(string="Retention (years)", readonly=True, help="0: kept permanently.")
    disposal_date = fields.Date(readonly=True, index=True, help="From this day the record may be disposed of.")
    note = fields.Text(readonly=True)
    archived_on = fields.Datetime(required=True, readonly=True, index=True)
    archived_by_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="restrict")
    state = fields.Selection(
        [("archived", "Archived"), ("disposed", "Disposed (tombstone)")],
        default="archived",
        required=True,
        readonly=True,
        index=True,
    )
    file_ids = fields.One2many("qi.archive.file", "record_id", string="Files", readonly=True)
    file_count = fields.Integer(compute="_compute_file_count")
    previous_id = fields.Many2one(
        "qi.archive.record",
        string="Previous Record",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The record archived before this one at the same window: the hash chain.",
    )
    previous_hash = fields.Char(readonly=True)
    record_hash = fields.Char(string="Record Hash (SHA-256)", readonly=True)
    disposed_on = fields.Datetime(readonly=True)
    disposed_by_id = fields.Many2one("res.users", readonly=True, ondelete="restrict")
    disposal_reason = fields.Text(readonly=True)
    request_ids = fields.Many2many(
        "qi.archive.access.request",
        "qi_archive_access_request_record_rel",
        "record_id",
        "request_id",
        string="Access Requests",
        readonly=True,
    )
    access_state = fields.Selection(
        [("none", "No Access"), ("granted", "Granted"), ("disposed", "Disposed")],
        string="My Access",
        compute="_compute_access_state",
    )
    access_expiry = fields.Datetime(string="My Access Until", compute="_compute_access_state")
    can_dispose = fields.Boolean(compute="_compute_can_dispose")

    _name_uniq = models.Constraint("UNIQUE(name)", "This archive number is already used.")
    _source_uniq = models.UniqueIndex(
        "(source_model, source_id) WHERE source_model IS NOT NULL", "This document is already archived."
    )
    _chain_uniq = models.UniqueIndex(
        "(previous_id) WHERE previous_id IS NOT NULL", "The hash chain of a window cannot fork."
    )
    _genesis_uniq = models.UniqueIndex(
        "(window_id) WHERE previous_id IS NULL", "A window's hash chain has a single first record."
    )

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    def _compute_file_count(self):
        counts = dict(
            self.env["qi.archive.file"]._read_group([("record_id", "in", self.ids)], ["record_id"], ["__count"])
        )
        for record in self:
            record.file_count = counts.get(record, 0)

    @api.depends_context("uid")
    def _compute_access_state(self):
        grants = self.env["qi.archive.access.request"]._qi_active_grants(self)
        for record in self:
            grant = grants.get(record.id)
            record.access_expiry = grant.date_expiry if grant else False
            if record.state == "disposed":
                record.access_state = "disposed"
            else:
                record.access_state = "granted" if grant else "none"

    @api.depends_context("uid")
    @api.depends("state", "disposal_date")
    def _compute_can_dispose(self):
        today = china_today()
        manager = self.env.user.has_group("qi_window.group_qi_manager")
        for record in self:
            record.can_dispose = bool(
                manager and record.state == "archived" and record.disposal_date and record.disposal_date <= today
            )

    # ------------------------------------------------------------------
    # CRUD: nothing changes an archived record but the archive's own processes
    # ------------------------------------------------------------------
    def _qi_internal(self):
        """The archive's processes run as superuser with this flag; an RPC call
        can pass any context but never gets superuser rights."""
        return bool(self.env.su and self.env.context.get("qi_archive_internal"))

    @api.model_create_multi
    def create(self, vals_list):
        if not self._qi_internal():
            raise AccessError(
                self.env._(
                    "Archive records are made by archiving a document (the Archive action), not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self._qi_internal():
            raise AccessError(
                self.env._(
                    "Archived records cannot be changed (%s): they are kept as they were archived.",
                    ", ".join(self.mapped("name")),
                )
            )
        return super().write(vals)

    @deletion_guard
    def _unlink_except_archive_process(self):
        if not self._qi_internal():
            raise AccessError(
                self.env._(
                    "Archived records cannot be deleted (%s); once their retention period is over, "
                    "a leader disposes of them with a reason and a tombstone remains.",
                    ", ".join(self.mapped("name")),
                )
            )

    def copy(self, default=None):  # pylint: disable=method-required-super  # refuses on purpose
        raise UserError(self.env._("An archive record cannot be duplicated."))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # R-9.b: trade secrets never leave through an export, whoever asks, also
        # when they are reached from another model (access log, requests …)
        exportable = self.filtered(lambda r: r.confidentiality != "trade_secret")
        return super(QiArchiveRecord, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    # ------------------------------------------------------------------
    # integrity
    # ------------------------------------------------------------------
    def _qi_hash_payload(self):
        self.ensure_one()
        return {
            "number": self.name,
            "title": self.title,
            "source_type": self.source_type,
            "source_model": self.source_model or "",
            "source_id": self.source_id or 0,
            "window_id": self.window_id.id,
            "partner_id": self.partner_id.id or 0,
            "category_id": self.category_id.id,
            "year": self.year,
            "confidentiality": self.confidentiality,
            "retention_years": self.retention_years,
            "disposal_date": fields.Date.to_string(self.disposal_date) or "",
            "archived_on": fields.Datetime.to_string(self.archived_on),
            "archived_by_id": self.archived_by_id.id,
            "note": self.note or "",
            "previous_hash": self.previous_hash or "",
            "files": [
                [line.sequence, line.kind, line.name, line.file_size, line.sha256]
                for line in self.file_ids.sorted(lambda f: (f.sequence, f.id))
            ],
        }

    def _qi_compute_hash(self):
        payload = json.dumps(self._qi_hash_payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return sha256_hex(payload.encode())

    def _qi_integrity_issues(self):
        """Compare what is stored now with the hashes taken at archiving:
        the bytes of every file, the record's own hash and the chain link.
        Returns a list of dicts (record_id, file_id, kind, expected, actual)."""
        # read everything again from the database and the filestore, never from the cache
        self.env.flush_all()
        self.env["ir.attachment"].invalidate_model()
        self.env["qi.archive.file"].invalidate_model()
        self.invalidate_model()
        issues = []
        # sudo: hashes are compared here, the content is seen by no one
        records = self.sudo()
        # one query for all the files, not one per file
        existing = set(records.file_ids.attachment_id.exists().ids)
        for record in records:
            if record.state == "archived":
                for line in record.file_ids:
                    attachment = line.attachment_id
                    if attachment.id not in existing:
                        issues.append(record._qi_issue("file_missing", line, line.sha256, ""))
                        continue
                    actual = sha256_hex(attachment._qi_stored_bytes())
                    if actual != line.sha256:
                        issues.append(record._qi_issue("file_changed", line, line.sha256, actual))
            actual_hash = record._qi_compute_hash()
            if actual_hash != record.record_hash:
                issues.append(record._qi_issue("record_changed", None, record.record_hash or "", actual_hash))
            expected_previous = record.previous_id.record_hash or ""
            if (record.previous_hash or "") != expected_previous:
                issues.append(record._qi_issue("chain_broken", None, expected_previous, record.previous_hash or ""))
        return issues

    def _qi_issue(self, kind, line, expected, actual):
        return {
            "record_id": self.id,
            "file_id": line.id if line else False,
            "kind": kind,
            "expected": expected,
            "actual": actual,
        }

    # ------------------------------------------------------------------
    # disposal (tombstone)
    # ------------------------------------------------------------------
    def _qi_dispose(self, reason):
        """After the retention period a leader disposes of records: their files
        are deleted, the record stays as a tombstone with the reason."""
        if not self.env.user.has_group("qi_window.group_qi_manager"):
            raise AccessError(self.env._("Only the operating organisation's leader can dispose of archived records."))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the disposal."))
        self.check_access("read")
        today = china_today()
        for record in self:
            if record.state != "archived":
                raise UserError(self.env._("%s is already disposed of.", record.name))
            if not record.disposal_date or record.disposal_date > today:
                raise UserError(
                    self.env._(
                        "%(record)s is kept until %(date)s: it cannot be disposed of before.",
                        record=record.name,
                        date=record.disposal_date or self.env._("forever"),
                    )
                )
        now = fields.Datetime.now()
        # sudo: the disposal is the only process allowed to delete archived files
        internal = self.sudo().with_context(qi_archive_internal=True)
        for record in internal:
            attachments = record.file_ids.attachment_id
            record.file_ids.write({"attachment_id": False})
            attachments.unlink()
            record.write(
                {
                    "state": "disposed",
                    "disposed_on": now,
                    "disposed_by_id": self.env.uid,
                    "disposal_reason": reason.strip(),
                }
            )
            _logger.info("Archive record %s disposed of by %s", record.name, self.env.user.login)
        return True

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    @api.readonly
    def action_open_source(self):
        self.ensure_one()
        if not self.source_model or self.source_model not in self.env:
            raise UserError(self.env._("%s has no source document.", self.name))
        source = self.env[self.source_model].browse(self.source_id).exists()
        if not source:
            raise UserError(self.env._("The source document of %s no longer exists.", self.name))
        source.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": source._name,
            "res_id": source.id,
            "view_mode": "form",
        }

    def action_request_access(self):
        records = self.filtered(lambda r: r.state == "archived")
        if not records:
            raise UserError(self.env._("Disposed records have no content left to consult."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Access"),
            "res_model": "qi.archive.access.request",
            "view_mode": "form",
            "target": "current",
            "context": {"default_record_ids": [(6, 0, records.ids)]},
        }

    def action_check_integrity(self):
        report = self.env["qi.archive.integrity.report"]._qi_run(self, trigger="manual")
        return report._get_form_action()

    def action_dispose(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispose of Archived Records"),
            "res_model": "qi.archive.dispose.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_record_ids": [(6, 0, self.ids)]},
        }

    @api.readonly
    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_archive.qi_archive_access_log_action")
        action["domain"] = [("record_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def action_check_all(self):
        """Menu entry: check every record now."""
        return self.search([]).action_check_integrity()  # pylint: disable=no-search-all  # checks every record on purpose
