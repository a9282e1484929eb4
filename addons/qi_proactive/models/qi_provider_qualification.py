from odoo import fields, models


class QiProviderQualification(models.Model):
    """What kinds of instruments a qualification covers (R-6.1.1.1): a legal
    metrology authorisation names the instrument categories its holder may
    verify; matching ranks first a provider authorised for the categories of
    the instruments a demand is about."""

    _inherit = "qi.provider.qualification"

    qi_instrument_category_ids = fields.Many2many(
        "qi.instrument.category",
        "qi_qualification_instrument_category_rel",
        "qualification_id",
        "category_id",
        string="Instrument Categories",
        help="The kinds of measuring instruments this qualification authorises the provider to verify or "
        "calibrate; empty when it does not say.",
    )
