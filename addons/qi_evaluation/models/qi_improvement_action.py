from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.ondelete import deletion_guard

ACTION_TYPES = [
    ("correction", "Correction"),
    ("corrective_action", "Corrective Action"),
]


class QiImprovementAction(models.Model):
    """A correction (fixes the problem found) or a corrective action (removes
    its cause so it does not recur) of an improvement (R-8.3.2)."""

    _name = "qi.improvement.action"
    _description = "QI Improvement Action"
    _inherit = ["qi.window.bound.mixin"]
    _order = "improvement_id, date_due, id"

    improvement_id = fields.Many2one("qi.improvement", required=True, ondelete="cascade", index=True)
    window_id = fields.Many2one(related="improvement_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="improvement_id.company_id", store=True, index=True)
    improvement_state = fields.Selection(related="improvement_id.state", string="Improvement State")
    name = fields.Char(string="Action", required=True)
    action_type = fields.Selection(
        ACTION_TYPES,
        string="Type",
        required=True,
        default="correction",
        help="Correction: fix the problem found. Corrective action: remove its cause so that it "
        "does not happen again (GB/T 19004-2020 clause 11).",
    )
    owner_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    date_due = fields.Date(string="Due")
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="open",
        readonly=True,
        copy=False,
        index=True,
    )
    result = fields.Text(help="What was done and the evidence of it.")

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        actions._check_improvement_running()
        return actions

    def write(self, vals):
        self._check_improvement_running()
        result = super().write(vals)
        if "improvement_id" in vals:
            self._check_improvement_running()
            # rules are checked before the write only: no moving an action to
            # an improvement of a window the user does not work for
            self.check_access("write")
        return result

    # one method: the improvement's state is checked first, as before
    @deletion_guard
    def _unlink_except_done_or_improvement_stopped(self):
        self._check_improvement_running()
        if self.filtered(lambda a: a.state == "done"):
            raise UserError(self.env._("A done action is part of the improvement's record; it cannot be deleted."))

    def _check_improvement_running(self):
        """Actions of an improvement change only while it is being worked on."""
        if self.env.su:
            return
        for action in self:
            if action.improvement_id.state not in ("open", "in_progress"):
                raise UserError(
                    self.env._(
                        "Improvement “%s” is submitted, closed or cancelled: its actions cannot change now.",
                        action.improvement_id.name,
                    )
                )

    def action_done(self):
        for action in self:
            if action.state != "open":
                raise UserError(self.env._("Action “%s” is not open.", action.name))
        self.write({"state": "done", "date_done": china_today()})
        return True

    def action_reopen(self):
        self.write({"state": "open", "date_done": False})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True
