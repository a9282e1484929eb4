import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

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
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one(related="user_id.partner_id", string="Person")
    record_id = fields.Many2one("qi.archive.record", string="Record", required=True, readonly=True, index=True, ondelete="cascade")
    file_id = fields.Many2one("qi.archive.file", string="File", readonly=True, index=True, ondelete="set null")
    file_name = fields.Char(readonly=True)
    request_id = fields.Many2one("qi.archive.access.request", string="Grant", readonly=True, index=True, ondelete="restrict")
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

    def write(self, vals):
        raise AccessError(self.env._("The access log cannot be changed."))

    def unlink(self):
        raise AccessError(self.env._("The access log cannot be deleted."))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # R-9.b: nothing of a trade secret leaves through an export
        exportable = self.filtered(lambda line: line.confidentiality != "trade_secret")
        return super(QiArchiveAccessLog, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    @api.model
    def _qi_log(self, attachments, action, grants):
        """Log the use of archived ``attachments`` (sudo recordset of archive
        attachments) by the current user under ``grants`` {record id: request}."""
        from odoo.http import request as http_request

        if not attachments:
            return
        ip_address = False
        if http_request:
            ip_address = http_request.httprequest.remote_addr
        # sudo: the archived file lines name what was opened
        files = self.env["qi.archive.file"].sudo().search([("attachment_id", "in", attachments.ids)])
        file_by_attachment = {line.attachment_id.id: line for line in files}
        now = fields.Datetime.now()
        vals_list = []
        for attachment in attachments:
            line = file_by_attachment.get(attachment.id)
            grant = grants.get(attachment.res_id)
            vals_list.append({
                "date": now,
                "user_id": self.env.uid,
                "record_id": attachment.res_id,
                "file_id": line.id if line else False,
                "file_name": line.name if line else attachment.name,
                "request_id": grant.id if grant else False,
                "action": action,
                "ip_address": ip_address,
            })
        # On a read-only request (a replica serving /web/content) this insert
        # fails and Odoo replays the request on a read/write cursor: the access
        # is never served without its log line.
        # sudo: users never write the log themselves; this is the access check writing it
        self.sudo().with_context(qi_archive_internal=True).create(vals_list)
        _logger.info(
            "Archive access: user %s %s %s from %s", self.env.uid, action,
            [v["file_name"] for v in vals_list], ip_address,
        )
