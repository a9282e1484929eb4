from odoo import Command, api, fields, models

RANKED_KINDS = ("provider", "expert", "enterprise")


class QiCatalogueMatchWizard(models.TransientModel):
    """Find Resources: the first handler's view of the matching (R-7.2.1),
    every provider, expert and advantage enterprise with its reasons.

    The one wizard on the matcher's results: qi_case extends it to start from
    a case and assign the providers and experts chosen.
    """

    _name = "qi.catalogue.match.wizard"
    _description = "QI Find Resources"

    item_ids = fields.Many2many("qi.service.item", string="Service Items", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Service Object",
        help="The enterprise asking: its industry and region count, its employees and declared "
        "conflicts of interest are left out.",
    )
    window_id = fields.Many2one("qi.window", default=lambda self: self._default_window())
    industry_id = fields.Many2one("res.partner.industry", compute="_compute_from_partner", store=True, readonly=False)
    region_id = fields.Many2one("qi.region", compute="_compute_from_partner", store=True, readonly=False)
    max_results = fields.Integer(string="Results per Kind", default=10)
    line_ids = fields.One2many("qi.catalogue.match.wizard.line", "wizard_id", string="Results")
    provider_line_ids = fields.One2many(
        "qi.catalogue.match.wizard.line", "wizard_id", domain=[("kind", "=", "provider")], string="Providers"
    )
    expert_line_ids = fields.One2many(
        "qi.catalogue.match.wizard.line", "wizard_id", domain=[("kind", "=", "expert")], string="Experts"
    )
    enterprise_line_ids = fields.One2many(
        "qi.catalogue.match.wizard.line",
        "wizard_id",
        domain=[("kind", "=", "enterprise")],
        string="Advantage Enterprises",
    )
    excluded_line_ids = fields.One2many(
        "qi.catalogue.match.wizard.line", "wizard_id", domain=[("kind", "=", "excluded")], string="Left Out"
    )
    searched = fields.Boolean(readonly=True)

    _limit_positive = models.Constraint("CHECK(max_results > 0)", "Ask for at least one result per kind.")

    @api.model
    def _default_window(self):
        return self.env["qi.window"].search([("member_user_ids", "in", self.env.uid)], limit=1)

    @api.depends("partner_id")
    def _compute_from_partner(self):
        for wizard in self:
            commercial = wizard.partner_id.commercial_partner_id
            wizard.industry_id = commercial.industry_id
            wizard.region_id = commercial.qi_region_id

    @api.model
    def _action_open(self, items=None):
        wizard = self.create({"item_ids": [Command.set(items.ids)]} if items else {})
        return wizard._action_reopen()

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Find Resources"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_match(self):
        self.ensure_one()
        lines = [Command.create(vals) for vals in self._prepare_line_vals_list(self._match())]
        self.write({"line_ids": [Command.clear(), *lines], "searched": True})
        return self._action_reopen()

    def _match(self):
        """The matcher's answer to the demand the wizard describes."""
        self.ensure_one()
        return self.env["qi.catalogue.matcher"].match(
            self.item_ids,
            partner=self.partner_id,
            window=self.window_id,
            limit=self.max_results,
            industry=self.industry_id,
            region=self.region_id,
        )

    def _prepare_line_vals_list(self, result):
        """One result line per resource of ``result``: each kind ranked, then
        the resources left out."""
        vals_list = [
            self._prepare_ranked_line_vals(kind, rank, entry)
            for kind in RANKED_KINDS
            for rank, entry in enumerate(result[f"{kind}s"], start=1)
        ]
        vals_list += [self._prepare_excluded_line_vals(entry) for entry in result["excluded"]]
        return vals_list

    def _prepare_ranked_line_vals(self, kind, rank, entry):
        return {
            **self._prepare_resource_vals(entry),
            "kind": kind,
            "rank": rank,
            "score": entry["score"],
            "reasons": self.env["qi.catalogue.matcher"]._format_reasons(entry["reasons"]),
        }

    def _prepare_excluded_line_vals(self, entry):
        return {
            **self._prepare_resource_vals(entry),
            "kind": "excluded",
            "excluded_kind": entry["kind"],
            "reasons": "\n".join(entry["reasons"]),
        }

    def _prepare_resource_vals(self, entry):
        """Which resource a result line is about (an organisation or an expert)."""
        record = entry["record"]
        return {
            "name": entry["name"],
            "partner_id": record.id if record._name == "res.partner" else False,
            "expert_id": record.id if record._name == "qi.expert" else False,
        }
