from odoo import fields, models

MATERIAL_FORMATS = [
    ("original", "Original"),
    ("copy", "Copy"),
    ("original_copy", "Original and Copy"),
    ("electronic", "Electronic File"),
    ("sample", "Physical Sample"),
]


class QiServiceItemMaterial(models.Model):
    """One line of the materials an enterprise brings for a service item:
    name, form and number of copies (part of the one-time notice)."""

    _name = "qi.service.item.material"
    _description = "QI Service Item Required Material"
    _order = "item_id, sequence, id"

    item_id = fields.Many2one("qi.service.item", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    format = fields.Selection(MATERIAL_FORMATS, required=True, default="copy")
    copies = fields.Integer(required=True, default=1)
    required = fields.Boolean(default=True, help="Untick for materials needed only in some cases.")
    note = fields.Char(translate=True)

    _copies_positive = models.Constraint("CHECK(copies > 0)", "At least one copy of a material is needed.")
