from odoo import models


class MailAlias(models.Model):
    _inherit = "mail.alias"

    def _alias_bounce_incoming_email(self, message, message_dict, set_invalid=True):
        """Odoo bounces a mail whose record could not be created, and marks the
        alias invalid. The same mail handed to two gateway processes at once
        (a delivery retried by the MTA, two MX hosts) fails in the one that
        lost the race (qi.case.message_new): the other one stored it, and the
        server retries this one, which then finds it processed. Such a mail is
        neither bounced to its sender nor held against the alias. This runs in
        a cursor of its own, opened after the failure: it sees the other one's mail."""
        message_id = message_dict.get("message_id")
        # sudo: only whether the mail was stored is read, nothing of it
        if message_id and self.env["mail.message"].sudo().search_count([("message_id", "=", message_id)], limit=1):
            return None
        return super()._alias_bounce_incoming_email(message, message_dict, set_invalid=set_invalid)
