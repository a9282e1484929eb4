from odoo import api, models
from odoo.tools import SQL


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        with_files = [
            message.id for message, vals in zip(messages, vals_list, strict=True) if vals.get("attachment_ids")
        ]
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
        # the attachments' ids from the cache that create/write just filled,
        # else by SQL: a superuser read of the messages would fill the cache
        # that the sender's environment reads from afterwards
        cache = self._fields["attachment_ids"]._get_cache(self.env)
        if all(message_id in cache for message_id in self._ids):
            attachment_ids = {att_id for message_id in self._ids for att_id in cache[message_id]}
        else:
            self.flush_model(["attachment_ids"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT attachment_id FROM message_attachment_rel WHERE message_id = ANY(%s)",
                    list(self.ids),
                )
            )
            attachment_ids = {row[0] for row in self.env.cr.fetchall()}
        attachments = self.env["ir.attachment"].browse(sorted(attachment_ids))
        if attachments:
            attachments._qi_archive_check_content("mail")
