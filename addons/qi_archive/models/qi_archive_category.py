from odoo import fields, models

CONFIDENTIALITY = [
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("trade_secret", "Trade Secret"),
]

SOURCE_TYPES = [
    ("case", "Service Case"),
    ("evaluation", "Evaluation"),
    ("improvement", "Improvement"),
    ("rule", "Window Rule"),
    ("document", "Document"),
]

# source type of each model that can be archived
SOURCE_MODELS = {
    "qi.case": "case",
    "qi.evaluation": "evaluation",
    "qi.improvement": "improvement",
    "qi.window.rule": "rule",
}


class QiArchiveCategory(models.Model):
    """A kind of archived record, with its default confidentiality and
    retention period (R-9.b)."""

    _name = "qi.archive.category"
    _description = "QI Archive Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    source_type = fields.Selection(
        SOURCE_TYPES,
        required=True,
        default="document",
        help="Records of this source are archived in this category by default.",
    )
    confidentiality = fields.Selection(
        CONFIDENTIALITY,
        string="Default Confidentiality",
        required=True,
        default="internal",
    )
    retention_years = fields.Integer(
        string="Retention (years)",
        default=10,
        help="How long a record is kept before it may be disposed of; 0 keeps it permanently.",
    )
    description = fields.Text(translate=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "Another archive category already uses this code.")
    _retention_positive = models.Constraint("CHECK(retention_years >= 0)", "The retention period cannot be negative.")

    def _get_default_for(self, source_type):
        """The first active category of a source type."""
        return self.search([("source_type", "=", source_type)], limit=1)
