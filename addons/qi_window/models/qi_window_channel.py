from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.validation import check_phone

CHANNEL_TYPES = [
    ("web", "Web Page"),
    ("pc_client", "PC Client"),
    ("app", "Mobile App"),
    ("mini_program", "Mini-program"),
    ("hotline", "Hotline"),
    ("wechat", "WeChat Official Account"),
]


class QiWindowChannel(models.Model):
    """An online or remote way to reach a window, published to the public (R-5.2.1, R-7.1.1)."""

    _name = "qi.window.channel"
    _description = "QI Window Online Channel"
    _inherit = ["qi.window.bound.mixin"]
    _order = "window_id, sequence, id"

    window_id = fields.Many2one("qi.window", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    channel_type = fields.Selection(CHANNEL_TYPES, string="Type", required=True, default="web")
    type_label = fields.Char(compute="_compute_type_label")
    name = fields.Char(required=True, translate=True)
    url = fields.Char(string="URL")
    value = fields.Char(string="Number / Account", help="Hotline number, WeChat account or mini-program name.")
    qr_image = fields.Image(string="QR Code", max_width=512, max_height=512)
    active = fields.Boolean(default=True)

    @api.depends("channel_type")
    def _compute_type_label(self):
        labels = dict(self._fields["channel_type"]._description_selection(self.env))
        for channel in self:
            channel.type_label = labels.get(channel.channel_type, "")

    @api.constrains("channel_type", "url", "value")
    def _check_target(self):
        for channel in self:
            if channel.url and not channel.url.startswith(("https://", "http://")):
                raise ValidationError(
                    self.env._("The address of channel %s must start with https:// or http://.", channel.name)
                )
            if channel.channel_type == "hotline":
                if not channel.value:
                    raise ValidationError(self.env._("Hotline %s needs its number.", channel.name))
                check_phone(self.env, channel.value, self.env._("Hotline"))
            elif channel.channel_type in ("web", "pc_client") and not channel.url:
                raise ValidationError(self.env._("Channel %s needs the address where users find it.", channel.name))
