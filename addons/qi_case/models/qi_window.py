import ast

from odoo import api, fields, models


class QiWindow(models.Model):
    _name = "qi.window"
    _inherit = ["qi.window", "mail.alias.mixin.optional"]

    case_ids = fields.One2many("qi.case", "window_id", string="Cases")
    case_open_count = fields.Integer(compute="_compute_case_counts")
    case_overdue_count = fields.Integer(compute="_compute_case_counts")
    case_new_count = fields.Integer(compute="_compute_case_counts")

    def _compute_case_counts(self):
        rows = self.env["qi.case"]._read_group(
            [("window_id", "in", self.ids), ("is_open", "=", True)],
            ["window_id", "stage_code", "is_overdue"],
            ["__count"],
        )
        counts = {}
        for window, stage_code, overdue, count in rows:
            entry = counts.setdefault(window.id, [0, 0, 0])
            entry[0] += count
            entry[1] += count if overdue else 0
            entry[2] += count if stage_code == "new" else 0
        for window in self:
            window.case_open_count, window.case_overdue_count, window.case_new_count = counts.get(window.id, (0, 0, 0))

    def _qi_coordination_users(self):
        """Who receives a 督办 of this window's cases (P-TL-7): the users of the
        Coordination Department group who belong to the window's coordination
        department; all of that group when the window names none of them."""
        self.ensure_one()
        group = self.env.ref("qi_window.group_qi_coordinator")
        users = group.all_user_ids.filtered(lambda u: u.active and not u.share)
        if self.coordination_partner_id:
            own = users.filtered(lambda u: u.partner_id.commercial_partner_id == self.coordination_partner_id)
            if own:
                return own
        return users

    def _get_public_values(self):
        """Add each window's satisfaction (好差评), without any name."""
        result = super()._get_public_values()
        # sudo: only counts and rates of the valid ratings per window leave here
        satisfaction = (
            self.env["qi.case.rating"].sudo()._get_public_satisfaction("window_id", [("window_id", "in", self.ids)])
        )
        for values in result:
            values["satisfaction"] = satisfaction.get(values["id"], {"rate": None, "count": 0})
        return result

    def _alias_get_creation_values(self):
        # mail to a window's alias opens a case at that window
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("qi.case").id
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults.update({"window_id": self.id, "channel": "email"})
            values["alias_defaults"] = defaults
            values["alias_parent_model_id"] = self.env["ir.model"]._get("qi.window").id
            values["alias_parent_thread_id"] = self.id
        return values

    @api.readonly
    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id, "search_default_filter_open": 1}
        return action
