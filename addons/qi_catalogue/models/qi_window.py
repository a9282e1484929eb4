from odoo import api, fields, models


class QiWindow(models.Model):
    """A window offers service items (R-5.1.2.1 publicises them) and hosts
    stationed providers (clause 3, 入驻)."""

    _inherit = "qi.window"

    item_ids = fields.Many2many(
        "qi.service.item",
        "qi_service_item_window_rel",
        "window_id",
        "item_id",
        string="Service Items",
    )
    station_ids = fields.One2many("qi.provider.station", "window_id", string="Stationed Providers")
    region_id = fields.Many2one(
        "qi.region",
        index="btree_not_null",
        tracking=True,
        help="The administrative division (GB/T 2260) the window serves; its 6-digit code is the region code of the "
        "window's ratings in the export to the provincial 好差评 system.",
    )
    item_count = fields.Integer(compute="_compute_catalogue_counts")
    station_count = fields.Integer(string="Providers Stationed", compute="_compute_catalogue_counts")

    def _compute_catalogue_counts(self):
        stations = {
            window.id: count
            for window, count in self.env["qi.provider.station"]._read_group(
                [("window_id", "in", self.ids), ("is_current", "=", True)], ["window_id"], ["__count"]
            )
        }
        for window in self:
            window.item_count = len(window.item_ids)
            window.station_count = stations.get(window.id, 0)

    @api.readonly
    def action_view_stations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.qi_provider_station_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id, "search_default_filter_current": 1}
        action["display_name"] = self.env._("Providers at %s", self.name)
        return action

    @api.readonly
    def action_view_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.qi_service_item_action")
        action["domain"] = [("window_ids", "in", self.ids)]
        action["display_name"] = self.env._("Service items of %s", self.name)
        return action

    def _get_public_values(self):
        """Add the service items each window offers, with their one-time notice
        (R-5.1.2.1): item data only, never a person's."""
        result = super()._get_public_values()
        windows = {window.id: window for window in self}
        for values in result:
            values["items"] = windows[values["id"]].item_ids._get_notice_values()
        return result
