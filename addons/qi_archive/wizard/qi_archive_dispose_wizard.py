from odoo import fields, models


class QiArchiveDisposeWizard(models.TransientModel):
    """Disposal after the retention period: a leader, a reason, a tombstone."""

    _name = "qi.archive.dispose.wizard"
    _description = "QI Archive Disposal"

    record_ids = fields.Many2many("qi.archive.record", string="Records", required=True)
    reason = fields.Text(required=True)

    def action_dispose(self):
        self.ensure_one()
        self.record_ids._qi_dispose(self.reason)
        return {"type": "ir.actions.act_window_close"}
