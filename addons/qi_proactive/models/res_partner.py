from odoo import api, fields, models
from odoo.exceptions import AccessError

# Fields of an enterprise that the window sets, not the enterprise
STEWARD_FIELDS = frozenset({"qi_window_id", "qi_steward_id"})


class ResPartner(models.Model):
    """An enterprise the windows serve: its window and its quality steward
    (质量管家, DB3209/T 1218-2022), and the counters of its ledgers."""

    _inherit = "res.partner"

    qi_window_id = fields.Many2one(
        "qi.window",
        string="QI Window",
        index="btree_not_null",
        tracking=True,
        help="The window that serves this enterprise: its staff keep its ledgers and receive its warnings. Set "
        "from its first demand when empty.",
    )
    qi_steward_id = fields.Many2one(
        "res.users",
        string="Quality Steward",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The named member of the window's staff the enterprise turns to first (质量管家).",
    )
    qi_instrument_ids = fields.One2many("qi.instrument", "partner_id", string="Measuring Instruments")
    qi_equipment_ids = fields.One2many("qi.special.equipment", "partner_id", string="Special Equipment")
    qi_certificate_ids = fields.One2many("qi.enterprise.certificate", "partner_id", string="Certificates")
    qi_ledger_due_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Ledger Lines Due")
    qi_ledger_overdue_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Ledger Lines Overdue")
    # the smart buttons of the enterprise's form: lines and overdue lines of each ledger, and its running demands
    qi_instrument_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Instruments Count")
    qi_instrument_overdue_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Instruments Overdue")
    qi_equipment_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Special Equipment Count")
    qi_equipment_overdue_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Special Equipment Overdue")
    qi_certificate_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Certificates Count")
    qi_certificate_overdue_count = fields.Integer(compute="_compute_qi_ledger_counts", string="Certificates Expired")
    qi_open_case_count = fields.Integer(compute="_compute_qi_open_case_count", string="Open Cases")

    def write(self, vals):
        if STEWARD_FIELDS & vals.keys():
            self._qi_check_steward_access(vals)
        return super().write(vals)

    def _qi_check_steward_access(self, vals):
        """The window and the steward of an enterprise are set by the staff of
        the window that serves it (who may hand it over to another window), or
        by the leader of the organisation; an enterprise no window serves yet
        is taken on by one's own window.

        Window staff may edit any partner (they are contact managers): staff
        of window A would otherwise name themselves steward of an enterprise
        of window B, or move it to window A, and read its ledgers and warnings
        (R-6.1.1.3)."""
        if self._qi_decides_every_window():
            return
        # sudo: the window named, compared with the user's (see _qi_keeps_window)
        new_window = self.env["qi.window"].sudo().browse(vals.get("qi_window_id") or ())
        names_someone = any(vals[name] for name in STEWARD_FIELDS & vals.keys())
        # sudo: the window of each enterprise written, compared with the user's
        for partner in self.sudo():
            # the window that serves it now, else the one it is taken on by
            window = partner.qi_window_id or new_window
            if (names_someone and not window) or (window and not self._qi_keeps_window(window)):
                partner._qi_raise_not_your_window()
            if new_window and self.env.user.has_group("qi_window.group_qi_manager"):
                if not self._qi_keeps_window(new_window):
                    partner._qi_raise_not_your_window()

    def _qi_check_merge_access(self):
        """Merging enterprises moves their ledgers, cases and users to the one
        kept: staff of window A (contact managers, who may merge partners of
        one e-mail address) would merge an enterprise of window B into one of
        theirs and read its ledgers. Only the staff of the windows that serve
        the merged enterprises (or the leader) merge them."""
        if self._qi_decides_every_window():
            return
        # sudo: the window of each enterprise merged, compared with the user's
        for partner in self.sudo():
            if partner.qi_window_id and not self._qi_keeps_window(partner.qi_window_id):
                partner._qi_raise_not_your_window()

    def _qi_decides_every_window(self):
        return self.env.su or self.env.user.has_group("base.group_system")

    def _qi_keeps_window(self, window):
        """Whether the user keeps the enterprises of ``window`` (a sudo record):
        on its staff, or the leader of its organisation."""
        user = self.env.user
        if user.has_group("qi_window.group_qi_manager"):
            return window.company_id in user.company_ids
        return user in window.member_user_ids

    def _qi_raise_not_your_window(self):
        raise AccessError(
            self.env._(
                "%(enterprise)s: only the staff of the window that serves it, or the leader, name its window and "
                "its quality steward, or merge it.",
                enterprise=self.display_name,
            )
        )

    def _compute_qi_ledger_counts(self):
        """Every ledger counter of the enterprises in one pass: the lines and
        overdue lines of each ledger (the smart buttons) and the lines due and
        overdue of all three (the steward's list), three grouped counts a ledger."""
        buttons = {
            "qi.instrument": ("qi_instrument_count", "qi_instrument_overdue_count"),
            "qi.special.equipment": ("qi_equipment_count", "qi_equipment_overdue_count"),
            "qi.enterprise.certificate": ("qi_certificate_count", "qi_certificate_overdue_count"),
        }
        values = {partner: dict.fromkeys(("qi_ledger_due_count", "qi_ledger_overdue_count"), 0) for partner in self}
        for model, (total_field, overdue_field) in buttons.items():
            Ledger = self.env[model]
            base = [("partner_id", "in", self.ids)]
            totals = dict(Ledger._read_group(base, ["partner_id"], ["__count"]))
            due = dict(Ledger._read_group(base + [("due_state", "in", ["due"])], ["partner_id"], ["__count"]))
            overdue = dict(Ledger._read_group(base + [("due_state", "in", ["overdue"])], ["partner_id"], ["__count"]))
            for partner in self:
                values[partner][total_field] = totals.get(partner, 0)
                values[partner][overdue_field] = overdue.get(partner, 0)
                values[partner]["qi_ledger_due_count"] += due.get(partner, 0)
                values[partner]["qi_ledger_overdue_count"] += overdue.get(partner, 0)
        for partner in self:
            partner.update(values[partner])

    def _compute_qi_open_case_count(self):
        counts = dict(
            self.env["qi.case"]._read_group(
                [("partner_id", "in", self.ids), ("is_open", "=", True)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.qi_open_case_count = counts.get(partner, 0)

    @api.model
    def _qi_set_home_window(self, partners, window):
        """Give ``partners`` without a window the window of their first demand."""
        # sudo: only the window of service objects that have none is set, to the
        # window a case of theirs was just opened at
        homeless = partners.commercial_partner_id.sudo().filtered(lambda p: not p.qi_window_id)
        if homeless and window:
            homeless.write({"qi_window_id": window.id})


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's partner merge, for the enterprises the windows serve."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids.ids if hasattr(partner_ids, "ids") else partner_ids)
        (partners | (dst_partner or partners.browse()))._qi_check_merge_access()
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
