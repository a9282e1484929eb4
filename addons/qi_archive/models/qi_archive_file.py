from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.qi_window.tools.ondelete import deletion_guard


class QiArchiveFile(models.Model):
    """A frozen file of an archived record: what it was called, its size and
    its SHA-256 at archiving. The bytes are an ``ir.attachment`` of the record
    that only an active grant opens; this line can be read without one."""

    _name = "qi.archive.file"
    _description = "QI Archived File"
    _inherit = ["qi.window.bound.mixin"]
    _order = "record_id, sequence, id"

    record_id = fields.Many2one("qi.archive.record", required=True, readonly=True, index=True, ondelete="cascade")
    sequence = fields.Integer(readonly=True, default=10)
    kind = fields.Selection(
        [("frozen", "Frozen Document"), ("attachment", "Attached File")],
        required=True,
        readonly=True,
        default="attachment",
    )
    name = fields.Char(required=True, readonly=True)
    mimetype = fields.Char(string="Type", readonly=True)
    file_size = fields.Integer(string="Size (bytes)", readonly=True)
    sha256 = fields.Char(string="SHA-256", required=True, readonly=True, index=True)
    attachment_id = fields.Many2one(
        "ir.attachment",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Emptied when the record is disposed of.",
    )
    origin = fields.Char(readonly=True, help="The document the file was copied from.")
    # indexed: every attachment search asks whether a file is such an original
    origin_attachment_id = fields.Integer(string="Original Attachment ID", readonly=True, index="btree_not_null")
    window_id = fields.Many2one(related="record_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="record_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="record_id.partner_id", store=True, index=True)
    confidentiality = fields.Selection(related="record_id.confidentiality", store=True, index=True)
    state = fields.Selection(related="record_id.state", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("Archived files are stored by the archiving process only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("Archived files cannot be changed (%s).", ", ".join(self.mapped("name"))))
        return super().write(vals)

    @deletion_guard
    def _unlink_except_archive_process(self):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("Archived files cannot be deleted (%s).", ", ".join(self.mapped("name"))))

    def copy(self, default=None):  # pylint: disable=method-required-super  # refuses on purpose
        raise AccessError(self.env._("An archived file cannot be duplicated."))

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # R-9.b: nothing of a trade secret leaves through an export
        exportable = self.filtered(lambda f: f.confidentiality != "trade_secret")
        # the lines export what they say of a file, never the file's content
        fields = [
            ["attachment_id", ".id"]
            if path and path[0] == "attachment_id" and path[1:] not in ([], ["id"], [".id"])
            else path
            for path in fields
        ]
        return super(QiArchiveFile, exportable)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    @api.readonly
    def action_open(self):
        """Open the file: only with an active grant, and the download is logged."""
        self.ensure_one()
        if not self.attachment_id:
            raise AccessError(self.env._("%s was disposed of: its content no longer exists.", self.name))
        self.attachment_id._qi_archive_check_content()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "new",
        }
