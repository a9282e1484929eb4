from odoo import api, fields, models

CATEGORY_KINDS = [
    ("basic", "Basic Service"),  # DB1303/T 329-2022 6.1
    ("featured", "Featured Service"),  # 6.2
]


class QiServiceCategory(models.Model):
    """A family of service items: the seven basic services of §6.1 (metrology,
    standards, inspection and testing, certification and accreditation, quality
    management, intellectual property, special equipment) and the featured
    services of §6.2 (R-4.b)."""

    _name = "qi.service.category"
    _description = "QI Service Category"
    _order = "sequence, code, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        string="Clause",
        required=True,
        help="Clause of DB1303/T 329-2022 that defines the category, e.g. 6.1.1.",
    )
    kind = fields.Selection(CATEGORY_KINDS, required=True, default="basic")
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    item_ids = fields.One2many("qi.service.item", "category_id", string="Service Items")
    item_count = fields.Integer(compute="_compute_item_count")

    _code_uniq = models.Constraint("UNIQUE(code)", "Another service category already uses this clause.")

    def _compute_item_count(self):
        rows = self.env["qi.service.item"]._read_group([("category_id", "in", self.ids)], ["category_id"], ["__count"])
        counts = {category.id: count for category, count in rows}
        for category in self:
            category.item_count = counts.get(category.id, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = f"{category.code} {category.name}" if category.code else category.name

    @api.readonly
    def action_view_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.qi_service_item_action")
        action["domain"] = [("category_id", "=", self.id)]
        action["context"] = {"default_category_id": self.id}
        action["display_name"] = self.display_name
        return action
