from odoo import api, fields, models


class QiCaseAdjustment(models.Model):
    """A change of a running case's content or manner, and why (R-7.3.4)."""

    _name = "qi.case.adjustment"
    _inherit = ["qi.case.child.mixin"]
    _description = "QI Case Adjustment"
    _order = "date desc, id desc"

    kind = fields.Selection(
        [("items", "Service Items"), ("provider", "Provider / Expert"), ("deadline", "Deadline"), ("other", "Other")],
        required=True,
        default="other",
    )
    description = fields.Text(string="What Changed", required=True)
    reason = fields.Text(string="Why", required=True)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        adjustments = super().create(vals_list)
        for adjustment in adjustments:
            case = adjustment.case_id
            # the parties: the service object and every provider or expert at work on the case
            partners = (
                case.partner_id
                | case.assignment_ids.filtered(lambda a: a.state not in ("declined", "cancelled")).partner_id
            )
            case.message_post(
                body=self.env._(
                    "Service adjusted: %(what)s. Reason: %(why)s", what=adjustment.description, why=adjustment.reason
                ),
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
                partner_ids=partners.ids,
            )
        return adjustments
