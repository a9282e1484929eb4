from odoo import fields, models


class QiCaseHandlerLog(models.Model):
    """Every holder of a case's first-handler role (R-7.2.1, R-7.2.2, 首问负责)."""

    _name = "qi.case.handler.log"
    _inherit = ["qi.case.child.mixin"]
    _description = "QI Case First-handler Log"
    _order = "date desc, id desc"

    from_user_id = fields.Many2one("res.users", string="From", readonly=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    reason = fields.Text(readonly=True)
    changed_by_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user, readonly=True)
    notified = fields.Boolean(
        string="Service Object Notified",
        readonly=True,
        help="R-7.2.2: the service object was told of the change.",
    )
