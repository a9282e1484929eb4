import base64

from odoo import api, models
from odoo.tools import SQL

from ..tools.upload import check_upload

# the values of a write that change what a file is or where it belongs
UPLOAD_KEYS = {"res_model", "raw", "datas", "name", "mimetype"}


def _is_suite_file(vals):
    """A file attached to a qi.* record (not a binary field's storage)."""
    return (vals.get("res_model") or "").startswith("qi.") and not vals.get("res_field") and vals.get("type") != "url"


class IrAttachment(models.Model):
    """Files that portal users and visitors attach to the suite's records
    follow the suite's upload rule whatever the door (the suite's portal
    routes, Odoo's chatter upload, a message post relinking a pending upload):
    type detected from the content, size limit, stored with the detected type."""

    _inherit = "ir.attachment"

    def _qi_upload_bound(self):
        # the real user, also under sudo: Odoo's doors create files as superuser
        return self.env.user.share

    @api.model_create_multi
    def create(self, vals_list):
        if self._qi_upload_bound():
            for vals in vals_list:
                if _is_suite_file(vals):
                    content = vals.get("raw") or base64.b64decode(vals.get("datas") or b"")
                    vals["mimetype"] = check_upload(self.env, vals.get("name"), content)
        return super().create(vals_list)

    def write(self, vals):
        if not (self._qi_upload_bound() and self and UPLOAD_KEYS & vals.keys() and not vals.get("res_field")):
            return super().write(vals)
        new_content = vals.get("raw") or (base64.b64decode(vals["datas"]) if vals.get("datas") else None)
        checked = {}
        for file_id, (name, content) in self._qi_stored_files(vals.get("res_model")).items():
            checked[file_id] = check_upload(
                self.env,
                vals.get("name") or name,
                content() if new_content is None else new_content,
            )
        if not checked:
            return super().write(vals)
        for record in self:
            super(IrAttachment, record).write(dict(vals, mimetype=checked[record.id]) if record.id in checked else vals)
        return True

    def _qi_stored_files(self, res_model=None):
        """{id: (name, content reader)} of the files that are or will be
        attached to a qi.* record, read in SQL: a superuser read would fill the
        record cache that the caller's own reads then use."""
        self.flush_recordset(["name", "res_model", "store_fname", "db_datas"])
        self.env.cr.execute(
            SQL(
                "SELECT id, name, res_model, store_fname, db_datas FROM ir_attachment WHERE id IN %s",
                tuple(self.ids),
            )
        )
        files = {}
        for file_id, name, model, store_fname, db_datas in self.env.cr.fetchall():
            model = res_model or model or ""
            if not model.startswith("qi."):
                continue
            if store_fname:
                files[file_id] = (name, lambda fname=store_fname: self._file_read(fname))
            else:
                files[file_id] = (name, lambda data=db_datas: bytes(data or b""))
        return files
