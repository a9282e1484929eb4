from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.qi_window.tools.china import china_today


class QiProviderStation(models.Model):
    """A provider stationed (入驻) at a window for a period (clause 3)."""

    _name = "qi.provider.station"
    _description = "QI Provider Stationed at a Window"
    _inherit = ["qi.window.bound.mixin"]
    _order = "window_id, date_from desc, id"
    _rec_name = "provider_id"

    provider_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_qi_provider', '=', True)]",
    )
    window_id = fields.Many2one("qi.window", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    date_from = fields.Date(string="From", required=True, default=lambda self: china_today())
    date_to = fields.Date(string="To", help="Empty while the provider stays.")
    desk = fields.Char(help="Where the provider sits at the window, e.g. 'desk 5'.")
    note = fields.Char()
    is_current = fields.Boolean(
        string="Currently Stationed", compute="_compute_is_current", search="_search_is_current"
    )

    _dates_check = models.Constraint(
        "CHECK(date_to IS NULL OR date_to >= date_from)",
        "A provider cannot leave a window before it arrives.",
    )

    @api.depends("date_from", "date_to")
    def _compute_is_current(self):
        today = china_today()
        for station in self:
            station.is_current = bool(
                station.date_from and station.date_from <= today and (not station.date_to or station.date_to >= today)
            )

    def _search_is_current(self, operator, value):
        # the ORM hands boolean conditions over as ('in', [True]) and negates the rest
        if operator != "in":
            return NotImplemented
        today = china_today()
        return [("date_from", "<=", today), "|", ("date_to", "=", False), ("date_to", ">=", today)]

    @api.constrains("provider_id", "window_id", "date_from", "date_to")
    def _check_overlap(self):
        for station in self:
            overlapping = self.search(
                [
                    ("id", "!=", station.id),
                    ("provider_id", "=", station.provider_id.id),
                    ("window_id", "=", station.window_id.id),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", station.date_from),
                    *([("date_from", "<=", station.date_to)] if station.date_to else []),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(provider)s is already stationed at %(window)s from %(date)s: "
                        "close that period before opening a new one.",
                        provider=station.provider_id.display_name,
                        window=station.window_id.display_name,
                        date=overlapping.date_from,
                    )
                )
