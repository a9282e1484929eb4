from odoo import fields, models

STAGE_CODES = [
    ("new", "New"),
    ("accepted", "Accepted"),
    ("matched", "Resources Matched"),
    ("in_service", "In Service"),
    ("completed", "Completed"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
    ("rejected", "Rejected"),
]
# stages where the case no longer runs: no clock, no reminders
FINAL_CODES = ("completed", "closed", "cancelled", "rejected")


class QiCaseStage(models.Model):
    """A step of Annex A's service flow. The code drives the rules; the name,
    order and folding are the operating organisation's to adjust."""

    _name = "qi.case.stage"
    _description = "QI Case Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(STAGE_CODES, required=True, index=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    description = fields.Text(translate=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "Each step of the service flow has one stage.")
