from odoo import fields, models


class QiInstrumentCategory(models.Model):
    """A kind of measuring instrument (R-6.1.1.3). The categories of the
    national catalogue of instruments under compulsory control
    (《实施强制管理的计量器具目录》, SAMR announcement 2019 No. 48) are shipped
    as data; a window may add its own."""

    _name = "qi.instrument.category"
    _description = "QI Measuring Instrument Category"
    _order = "sequence, code, id"
    # a spreadsheet names the category by its name or by its number in the catalogue (JJ-08)
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="The number of the category in the national catalogue.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_compulsory = fields.Boolean(
        string="Compulsory Verification",
        help="In the national catalogue of instruments under compulsory verification (强制检定) when used for "
        "trade settlement, safety protection, medical care or environmental monitoring.",
    )
    cycle_months = fields.Integer(string="Usual Cycle (months)", default=12)
    item_id = fields.Many2one(
        "qi.service.item",
        string="Service Item",
        ondelete="restrict",
        help="The service item a demand for verifying or calibrating such an instrument asks for.",
    )
    note = fields.Text(translate=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "Another category has this code.")
