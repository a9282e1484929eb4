from odoo import api, fields, models

# the kinds of 《特种设备目录》 (the national catalogue of special equipment)
EQUIPMENT_TYPES = [
    ("boiler", "Boiler"),
    ("pressure_vessel", "Pressure Vessel"),
    ("gas_cylinder", "Gas Cylinder"),
    ("pressure_piping", "Pressure Piping"),
    ("lift", "Lift"),
    ("lifting_appliance", "Lifting Appliance"),
    ("passenger_ropeway", "Passenger Ropeway"),
    ("amusement_device", "Large Amusement Device"),
    ("field_vehicle", "Field (Plant) Motor Vehicle"),
]


class QiSpecialEquipment(models.Model):
    """A piece of special equipment an enterprise uses (R-6.1.7.1, R-6.1.7.2):
    its use registration and the date of its next periodic inspection (定期检验)."""

    _name = "qi.special.equipment"
    _description = "QI Special Equipment in Use"
    _inherit = ["qi.ledger.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_due, id"
    _qi_ledger_kind = "equipment"

    equipment_type = fields.Selection(EQUIPMENT_TYPES, string="Type", required=True, default="pressure_vessel")
    equipment_code = fields.Char(index="btree_not_null", help="设备代码 on the nameplate.")
    registration_number = fields.Char(string="Use Registration Number", help="使用登记证编号.")
    equipment_model = fields.Char(string="Model")
    serial_number = fields.Char()
    inspection_body_id = fields.Many2one(
        "res.partner", string="Inspected By", domain="[('is_qi_provider', '=', True)]", ondelete="set null"
    )
    report_number = fields.Char(string="Inspection Report Number")
    case_ids = fields.Many2many(
        "qi.case",
        "qi_case_special_equipment_rel",
        "equipment_id",
        "case_id",
        string="Demands",
        readonly=True,
        copy=False,
    )

    @api.constrains("inspection_body_id")
    def _check_inspection_body(self):
        self._qi_check_providers("inspection_body_id")

    def _qi_service_item(self):
        self.ensure_one()
        return self.env.ref("qi_catalogue.qi_service_item_6_1_7_2")

    def _qi_is_compulsory(self):
        # periodic inspection of special equipment is compulsory by law (《特种设备安全法》 art. 40)
        return True
