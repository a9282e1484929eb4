from odoo import api, models
from odoo.tools import SQL


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        with_files = [message.id for message, vals in zip(messages, vals_list, strict=True) if vals.get("attachment_ids")]
        if with_files:
            messages.browse(with_files)._qi_check_archived_attachments()
        return messages

    def write(self, vals):
        result = super().write(vals)
        if vals.get("attachment_ids"):
            self._qi_check_archived_attachments()
        return result

    def _qi_check_archived_attachments(self):
        """An archived file goes out by mail only under the sender's active
        grant, and never when it is a trade secret; each use is logged."""
        # the attachments' ids by SQL: a superuser read of the messages would
        # fill the cache that the sender's environment reads from afterwards
        self.flush_model(["attachment_ids"])
        self.env.cr.execute(SQL(
            "SELECT DISTINCT attachment_id FROM message_attachment_rel WHERE message_id = ANY(%s)", list(self.ids)
        ))
        attachments = self.env["ir.attachment"].browse([row[0] for row in self.env.cr.fetchall()])
        if attachments:
            attachments._qi_archive_check_content("mail")
