from odoo import fields, models

CERTIFICATE_TYPES = [
    ("production_licence", "Industrial Product Production Licence"),
    ("ccc", "Compulsory Product Certification (CCC)"),
    ("management_system", "Management System Certification"),
    ("product_certification", "Voluntary Product Certification"),
    ("special_equipment_licence", "Special Equipment Licence"),
    ("operator_certificate", "Special Equipment Operator Certificate"),
    ("measurement_standard", "Measurement Standard Certificate"),
    ("trademark", "Trademark Registration"),
    ("other", "Other"),
]

# the service item a renewal asks for, per type
CERTIFICATE_ITEMS = {
    "production_licence": "qi_catalogue.qi_service_item_6_1_4_1",
    "ccc": "qi_catalogue.qi_service_item_6_1_4_2",
    "management_system": "qi_catalogue.qi_service_item_6_1_4_2",
    "product_certification": "qi_catalogue.qi_service_item_6_1_4_2",
    "special_equipment_licence": "qi_catalogue.qi_service_item_6_1_7_2",
    "operator_certificate": "qi_catalogue.qi_service_item_6_1_7_2",
    "measurement_standard": "qi_catalogue.qi_service_item_6_1_1_2",
    "trademark": "qi_catalogue.qi_service_item_6_1_6_1",
    "other": "qi_catalogue.qi_service_item_6_1_4_1",
}


class QiEnterpriseCertificate(models.Model):
    """A certificate or licence an enterprise holds, with its expiry: what
    the window reminds it to renew."""

    _name = "qi.enterprise.certificate"
    _description = "QI Enterprise Certificate or Licence"
    _inherit = ["qi.ledger.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_due, id"
    _qi_ledger_kind = "certificate"

    certificate_type = fields.Selection(CERTIFICATE_TYPES, string="Type", required=True, default="other")
    number = fields.Char(string="Certificate Number")
    issuer = fields.Char(string="Issued By")
    date_from = fields.Date(string="Valid From")
    case_ids = fields.Many2many(
        "qi.case",
        "qi_case_enterprise_certificate_rel",
        "certificate_id",
        "case_id",
        string="Demands",
        readonly=True,
        copy=False,
    )

    def _qi_service_item(self):
        self.ensure_one()
        return self.env.ref(CERTIFICATE_ITEMS.get(self.certificate_type, CERTIFICATE_ITEMS["other"]))
