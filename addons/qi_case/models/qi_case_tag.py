from odoo import fields, models


class QiCaseTag(models.Model):
    _name = "qi.case.tag"
    _description = "QI Case Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _name_uniq = models.Constraint("UNIQUE(name)", "This tag already exists.")
