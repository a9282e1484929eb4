import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.qi_window.tools.ondelete import deletion_guard

_logger = logging.getLogger(__name__)

LOG_ACTIONS = [
    ("view", "Read"),
    ("download", "Download"),
    ("mail", "Mail Attachment"),
    ("report", "Report"),
]


class QiArchiveAccessLog(models.Model):
    """One line per view or download of archived content (R-9.b): who, when,
    which record and file, from which address, under which grant. Lines are
    written by the access checks only and never changed."""

    _name = "qi.archive.access.log"
    _description = "QI Archive Access Log"
    _inherit = ["qi.window.bound.mixin"]
    _order = "date desc, id desc"
    _rec_name = "record_id"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one(related="user_id.partner_id", string="Person")
    record_id = fields.Many2one("qi.archive.record", required=True, readonly=True, index=True, ondelete="cascade")
    file_id = fields.Many2one("qi.archive.file", readonly=True, index=True, ondelete="set null")
    file_name = fields.Char(readonly=True)
    request_id = fields.Many2one(
        "qi.archive.access.request", string="Grant", readonly=True, index=True, ondelete="restrict"
    )
    action = fields.Selection(LOG_ACTIONS, required=True, readonly=True, index=True)
    ip_address = fields.Char(string="IP Address", readonly=True)
    window_id = fields.Many2one(related="record_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="record_id.company_id", store=True, index=True)
    partner_record_id = fields.Many2one(related="record_id.partner_id", string="Service Object", store=True)
    confidentiality = fields.Selection(related="record_id.confidentiality", store=True)
    count = fields.Integer(default=1, readonly=True, help="For the pivot view.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("The access log is written by the archive's access checks only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super  # refuses on purpose
        raise AccessError(self.env._("The access log cannot be changed."))

    @deletion_guard
    def _unlink_except_audit_trail(self):
        raise AccessError(self.env._("The access log cannot be deleted."))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # R-9.b: nothing of a trade secret leaves through an export
        exportable = self.filtered(lambda line: line.confidentiality != "trade_secret")
        return super(QiArchiveAccessLog, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    @api.model
    def _qi_log(self, links, action, grants, file_name=None):
        """Log the use of protected files, ``links`` [(attachment id, archive
        record id)], by the current user under ``grants`` {record id: request};
        ``file_name`` names what was used when it is no file (a report)."""
        from odoo.http import request as http_request

        if not links:
            return
        ip_address = False
        if http_request:
            ip_address = http_request.httprequest.remote_addr
        lines, names = self._qi_opened_files([att_id for att_id, _record_id in links if att_id])
        now = fields.Datetime.now()
        vals_list = []
        for att_id, record_id in links:
            line_id, name = lines.get((att_id, record_id), (False, names.get(att_id) or file_name))
            grant = grants.get(record_id)
            vals_list.append(
                {
                    "date": now,
                    "user_id": self.env.uid,
                    "record_id": record_id,
                    "file_id": line_id,
                    "file_name": name,
                    "request_id": grant.id if grant else False,
                    "action": action,
                    "ip_address": ip_address,
                }
            )
        # On a read-only request (a replica serving /web/content) this insert
        # fails and Odoo replays the request on a read/write cursor: the access
        # is never served without its log line.
        # sudo: users never write the log themselves; this is the access check writing it
        self.sudo().with_context(qi_archive_internal=True).create(vals_list)
        _logger.info(
            "Archive access: user %s %s %s from %s",
            self.env.uid,
            action,
            [v["file_name"] for v in vals_list],
            ip_address,
        )

    @api.model
    def _qi_opened_files(self, attachment_ids):
        """What the attachments opened are: ``(lines, names)``, the archive file
        line of each as {(attachment id, record id): (line id, line name)} (an
        archived copy or the original it was copied from) and the attachments'
        names as {attachment id: name}."""
        # plain SQL: the names and file lines of what was opened, without
        # putting protected records in the cache of the caller's environment
        self.env["qi.archive.file"].flush_model(["attachment_id", "origin_attachment_id", "record_id", "name"])
        self.env.cr.execute(
            SQL(
                """SELECT f.record_id, COALESCE(f.attachment_id, 0), COALESCE(f.origin_attachment_id, 0), f.id, f.name
                 FROM qi_archive_file f
                WHERE f.attachment_id = ANY(%s) OR f.origin_attachment_id = ANY(%s)""",
                attachment_ids,
                attachment_ids,
            )
        )
        lines = {}
        for record_id, copy_id, origin_id, line_id, name in self.env.cr.fetchall():
            for att_id in (copy_id, origin_id):
                lines.setdefault((att_id, record_id), (line_id, name))
        self.env["ir.attachment"].flush_model(["name"])
        self.env.cr.execute(SQL("SELECT id, name FROM ir_attachment WHERE id = ANY(%s)", attachment_ids))
        return lines, dict(self.env.cr.fetchall())
