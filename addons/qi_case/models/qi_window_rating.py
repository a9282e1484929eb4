from odoo import api, fields, models

from .qi_window_visit import qr_image_url


class QiWindow(models.Model):
    """On-site rating (一次一评) at a window: visits with their QR codes, and the
    window's own QR code on the public page."""

    _inherit = "qi.window"

    visit_ids = fields.One2many("qi.window.visit", "window_id", string="Window Visits")
    visit_count = fields.Integer(compute="_compute_visit_count")

    def _compute_visit_count(self):
        rows = self.env["qi.window.visit"]._read_group([("window_id", "in", self.ids)], ["window_id"], ["__count"])
        counts = {window.id: count for window, count in rows}
        for window in self:
            window.visit_count = counts.get(window.id, 0)

    def _get_rating_url(self):
        """The address of the window's permanent rating QR code."""
        self.ensure_one()
        return f"{self.get_base_url()}/qi/rate/window/{self.id}"

    def _get_public_values(self):
        """Add the window's on-site rating link and its QR code."""
        result = super()._get_public_values()
        for values in result:
            url = self.browse(values["id"])._get_rating_url()
            values["rating_url"] = url
            values["rating_qr_url"] = qr_image_url(url, size=160)
        return result

    def action_new_visit(self):
        """A visit receipt for the visitor just served, with its QR code to rate it."""
        self.ensure_one()
        visit = self.env["qi.window.visit"].create({"window_id": self.id, "user_id": self.env.uid})
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.window.visit",
            "res_id": visit.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.readonly
    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_window_visit_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id}
        return action
