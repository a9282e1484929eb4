from odoo import api, fields, models

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
    qi_instrument_count = fields.Integer(compute="_compute_qi_ledger_button_counts", string="Instruments Count")
    qi_instrument_overdue_count = fields.Integer(
        compute="_compute_qi_ledger_button_counts", string="Instruments Overdue"
    )
    qi_equipment_count = fields.Integer(compute="_compute_qi_ledger_button_counts", string="Special Equipment Count")
    qi_equipment_overdue_count = fields.Integer(
        compute="_compute_qi_ledger_button_counts", string="Special Equipment Overdue"
    )
    qi_certificate_count = fields.Integer(compute="_compute_qi_ledger_button_counts", string="Certificates Count")
    qi_certificate_overdue_count = fields.Integer(
        compute="_compute_qi_ledger_button_counts", string="Certificates Expired"
    )
    qi_open_case_count = fields.Integer(compute="_compute_qi_open_case_count", string="Open Cases")

    def _compute_qi_ledger_counts(self):
        due = dict.fromkeys(self.ids, 0)
        overdue = dict.fromkeys(self.ids, 0)
        for model in self.env["qi.ledger.warning.service"]._ledger_models():
            Ledger = self.env[model]
            for state, counts in (("due", due), ("overdue", overdue)):
                groups = Ledger._read_group(
                    [("partner_id", "in", self.ids), ("due_state", "in", [state])], ["partner_id"], ["__count"]
                )
                for partner, count in groups:
                    counts[partner.id] += count
        for partner in self:
            partner.qi_ledger_due_count = due.get(partner.id, 0)
            partner.qi_ledger_overdue_count = overdue.get(partner.id, 0)

    def _compute_qi_ledger_button_counts(self):
        buttons = {
            "qi.instrument": ("qi_instrument_count", "qi_instrument_overdue_count"),
            "qi.special.equipment": ("qi_equipment_count", "qi_equipment_overdue_count"),
            "qi.enterprise.certificate": ("qi_certificate_count", "qi_certificate_overdue_count"),
        }
        for model, (total_field, overdue_field) in buttons.items():
            Ledger = self.env[model]
            totals = dict(Ledger._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
            overdue = dict(
                Ledger._read_group(
                    [("partner_id", "in", self.ids), ("due_state", "in", ["overdue"])], ["partner_id"], ["__count"]
                )
            )
            for partner in self:
                partner[total_field] = totals.get(partner, 0)
                partner[overdue_field] = overdue.get(partner, 0)

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
