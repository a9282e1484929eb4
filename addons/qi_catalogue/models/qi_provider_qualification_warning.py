from odoo import fields, models


class QiProviderQualificationWarning(models.Model):
    """The record that a qualification's manager was warned at a threshold
    before a given expiry date: what makes the expiry cron warn only once."""

    _name = "qi.provider.qualification.warning"
    _description = "QI Qualification Expiry Warning"
    _order = "create_date desc, id desc"
    _rec_name = "qualification_id"

    qualification_id = fields.Many2one(
        "qi.provider.qualification", required=True, index=True, ondelete="cascade", readonly=True
    )
    provider_id = fields.Many2one(related="qualification_id.provider_id", store=True)
    threshold_days = fields.Integer(string="Threshold (days)", required=True, readonly=True)
    date_to = fields.Date(string="Expiry Date Warned About", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Warned User", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    _threshold_uniq = models.UniqueIndex(
        "(qualification_id, threshold_days, date_to)",
        "This qualification was already warned about at this threshold.",
    )
