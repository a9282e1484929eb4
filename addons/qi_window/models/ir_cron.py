from odoo import models

from ..tools.cron import CRON_RUN, CRON_RUN_KEY


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _callback(self, cron_name, server_action_id):
        # only a job the scheduler runs gets the marker that lets the suite's
        # batch helper commit and report progress (tools/cron.py)
        return super(IrCron, self.with_context(**{CRON_RUN_KEY: CRON_RUN}))._callback(cron_name, server_action_id)
