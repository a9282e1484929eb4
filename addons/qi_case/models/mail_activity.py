from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # the daily supervision's outbox (qi_case_supervision.py): set with each activity of the
    # warning ladder, cleared once the recipient's digest of the day tells it; kept in the
    # database, so that a run cut by its time box or killed still tells every step, once
    qi_digest_pending = fields.Boolean(
        string="Awaiting the Daily Digest",
        readonly=True,
        copy=False,
        help="An escalation of a case not yet told in its recipient's daily digest.",
    )

    _qi_digest_pending_idx = models.Index("(id) WHERE qi_digest_pending")
