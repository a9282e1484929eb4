from odoo import api, fields, models
from odoo.exceptions import ValidationError

VERIFICATION_KINDS = [
    ("verification", "Verification (检定)"),
    ("calibration", "Calibration (校准)"),
    ("testing", "Testing (检测)"),
]


class QiInstrument(models.Model):
    """A measuring instrument in use at an enterprise (在用计量器具台账, R-6.1.1.3):
    what it is, where, whether it is under compulsory verification, its
    verification cycle and when it falls due again."""

    _name = "qi.instrument"
    _description = "QI Measuring Instrument in Use"
    _inherit = ["qi.ledger.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_due, id"
    _qi_ledger_kind = "instrument"

    category_id = fields.Many2one("qi.instrument.category", index=True, tracking=True)
    instrument_model = fields.Char(string="Model")
    # a duplicate is another instrument: unique per enterprise and category, never copied
    serial_number = fields.Char(index="btree_not_null", copy=False)
    measuring_range = fields.Char()
    accuracy_class = fields.Char(help="Accuracy class, grade or maximum permissible error.")
    manufacturer = fields.Char()
    is_compulsory = fields.Boolean(
        string="Compulsory Verification",
        index=True,
        tracking=True,
        help="Under compulsory verification (强制检定): an instrument of the national catalogue used for trade "
        "settlement, safety protection, medical care or environmental monitoring.",
    )
    verification_kind = fields.Selection(VERIFICATION_KINDS, string="Done By", default="verification")
    verified_by_id = fields.Many2one("res.partner", domain="[('is_qi_provider', '=', True)]", ondelete="set null")
    certificate_number = fields.Char()
    case_ids = fields.Many2many(
        "qi.case", "qi_case_instrument_rel", "instrument_id", "case_id", string="Demands", readonly=True, copy=False
    )

    _serial_uniq = models.Constraint(
        "UNIQUE(partner_id, category_id, serial_number)",
        "This enterprise already has an instrument of this category with this serial number.",
    )

    @api.onchange("category_id")
    def _onchange_category_id(self):
        for instrument in self:
            category = instrument.category_id
            if category:
                instrument.is_compulsory = instrument.is_compulsory or category.is_compulsory
                instrument.cycle_months = instrument.cycle_months or category.cycle_months

    @api.constrains("is_compulsory", "category_id", "date_due")
    def _check_compulsory(self):
        for instrument in self:
            if instrument.is_compulsory and not instrument.category_id:
                raise ValidationError(
                    self.env._(
                        "%s is under compulsory verification: choose its category in the national catalogue.",
                        instrument.display_name,
                    )
                )

    @api.depends("name", "serial_number")
    def _compute_display_name(self):
        for instrument in self:
            instrument.display_name = (
                f"{instrument.name} ({instrument.serial_number})" if instrument.serial_number else instrument.name
            )

    @api.constrains("verified_by_id")
    def _check_verified_by(self):
        self._qi_check_providers("verified_by_id")

    def _qi_service_item(self):
        self.ensure_one()
        return self.category_id.item_id or self.env.ref("qi_catalogue.qi_service_item_6_1_1_1")

    def _qi_is_compulsory(self):
        self.ensure_one()
        return self.is_compulsory
