from odoo import fields, models

ISSUE_KINDS = [
    ("file_changed", "File Changed"),
    ("file_missing", "File Missing"),
    ("record_changed", "Record Changed"),
    ("chain_broken", "Hash Chain Broken"),
]


class QiArchiveIntegrityIssue(models.Model):
    _name = "qi.archive.integrity.issue"
    _description = "QI Archive Integrity Mismatch"
    _inherit = ["qi.window.bound.mixin"]
    _order = "report_id, record_id, id"

    report_id = fields.Many2one(
        "qi.archive.integrity.report", required=True, readonly=True, index=True, ondelete="cascade"
    )
    record_id = fields.Many2one("qi.archive.record", required=True, readonly=True, index=True, ondelete="cascade")
    file_id = fields.Many2one("qi.archive.file", readonly=True, ondelete="set null")
    kind = fields.Selection(ISSUE_KINDS, required=True, readonly=True)
    expected = fields.Char(string="Expected Hash", readonly=True)
    actual = fields.Char(string="Actual Hash", readonly=True)
    window_id = fields.Many2one(related="record_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="record_id.company_id", store=True, index=True)
    date = fields.Datetime(related="report_id.date", store=True)
