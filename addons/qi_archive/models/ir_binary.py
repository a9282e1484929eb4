from odoo import models


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _find_record(self, xmlid=None, res_model="ir.attachment", res_id=None, access_token=None, field=None):
        """``/web/content`` and ``/web/image``: an archived file is found only
        with an active grant, whatever token comes with the request (R-9.b)."""
        record = super()._find_record(
            xmlid=xmlid, res_model=res_model, res_id=res_id, access_token=access_token, field=field
        )
        if record._name == "ir.attachment":
            record._qi_archive_check_content()
        return record
