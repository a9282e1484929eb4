from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController

from ..tools.upload import check_upload


class QiAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        """Odoo's chatter upload follows the suite's upload rule on its records
        for portal users and visitors, pending uploads included; the file is
        checked again where it is stored (ir.attachment)."""
        try:
            if (thread_model or "").startswith("qi.") and request.env.user.share:
                check_upload(request.env, ufile.filename, ufile.read())
                ufile.seek(0)
            return super().mail_attachment_upload(ufile, thread_id, thread_model, is_pending=is_pending, **kwargs)
        except UserError as error:
            return request.make_json_response({"error": error.args[0]})
