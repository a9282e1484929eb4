from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.validation import check_uscc, normalize_uscc

# Fields that make a partner a QI resource: the operating organisation's
# leader decides them, window staff only read them.
QI_MANAGED_FIELDS = frozenset(
    {
        "is_qi_provider",
        "qi_item_ids",
        "qi_industry_ids",
        "qi_region_ids",
        "qi_capacity",
        "qi_manager_id",
        "is_qi_advantage",
        "qi_advantage_item_ids",
        "qi_advantage_capabilities",
        "qi_hosts_visits",
        "qi_visit_note",
    }
)


class ResPartner(models.Model):
    """Quality technical service organisations (clause 3, R-5.3.1), advantage
    enterprises (R-5.3.1, R-6.1.5.3) and the USCC and region of every
    organisation the windows deal with."""

    _inherit = "res.partner"

    qi_uscc = fields.Char(
        string="Unified Social Credit Code",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="统一社会信用代码: 18 characters, the last one a check character (GB 32100-2015).",
    )
    qi_region_id = fields.Many2one(
        "qi.region", string="QI Region", index="btree_not_null", help="Where the organisation is located."
    )
    # providers (质量技术服务机构)
    is_qi_provider = fields.Boolean(
        string="QI Service Provider",
        index=True,
        tracking=True,
        help="A qualified quality technical service organisation stationed at or serving the windows.",
    )
    qi_item_ids = fields.Many2many(
        "qi.service.item", "qi_provider_item_rel", "partner_id", "item_id", string="Items Offered"
    )
    qi_industry_ids = fields.Many2many(
        "res.partner.industry",
        "qi_provider_industry_rel",
        "partner_id",
        "industry_id",
        string="Industries Served",
    )
    qi_region_ids = fields.Many2many(
        "qi.region", "qi_provider_region_rel", "partner_id", "region_id", string="Regions Served"
    )
    qi_station_ids = fields.One2many("qi.provider.station", "provider_id", string="Stationed at Windows")
    qi_qualification_ids = fields.One2many("qi.provider.qualification", "provider_id", string="Qualifications")
    qi_capacity = fields.Integer(
        string="Max. Concurrent Assignments",
        help="How many assignments the provider can carry at once; 0 means no limit.",
    )
    qi_manager_id = fields.Many2one(
        "res.users",
        string="Provider Manager",
        tracking=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("qi_window.group_qi_user").id)],
        help="Window staff member who looks after this provider; warned before its qualifications expire.",
    )
    qi_qualification_count = fields.Integer(string="Qualification Count", compute="_compute_qi_qualification_counts")
    qi_qualification_alert_count = fields.Integer(
        string="Qualifications Expiring or Expired", compute="_compute_qi_qualification_counts"
    )
    qi_current_window_ids = fields.Many2many(
        "qi.window", string="Current Windows", compute="_compute_qi_current_window_ids"
    )
    # advantage enterprises (优势企业)
    is_qi_advantage = fields.Boolean(
        string="Advantage Enterprise",
        index=True,
        tracking=True,
        help="A benchmark enterprise whose practice other enterprises can learn from.",
    )
    qi_advantage_item_ids = fields.Many2many(
        "qi.service.item",
        "qi_advantage_item_rel",
        "partner_id",
        "item_id",
        string="Can Show",
        help="Service items the enterprise can demonstrate to others.",
    )
    qi_advantage_capabilities = fields.Text(
        string="Capabilities", help="What the enterprise does well: methods, awards, laboratories..."
    )
    qi_hosts_visits = fields.Boolean(
        string="Hosts Learning Visits", help="R-6.1.5.3: receives enterprises for learning visits."
    )
    qi_visit_note = fields.Char(string="Visit Arrangements")

    _qi_uscc_provider_uniq = models.UniqueIndex(
        "(qi_uscc) WHERE is_qi_provider AND active AND qi_uscc IS NOT NULL",
        "Another active provider already uses this Unified Social Credit Code.",
    )
    _qi_capacity_positive = models.Constraint(
        "CHECK(qi_capacity IS NULL OR qi_capacity >= 0)",
        "The maximum number of concurrent assignments cannot be negative.",
    )

    def _compute_qi_qualification_counts(self):
        Qualification = self.env["qi.provider.qualification"]
        totals = {
            provider.id: count
            for provider, count in Qualification._read_group(
                [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
            )
        }
        alerts = {
            provider.id: count
            for provider, count in Qualification._read_group(
                [("provider_id", "in", self.ids), ("state", "in", ("expiring", "expired"))],
                ["provider_id"],
                ["__count"],
            )
        }
        for partner in self:
            partner.qi_qualification_count = totals.get(partner.id, 0)
            partner.qi_qualification_alert_count = alerts.get(partner.id, 0)

    def _compute_qi_current_window_ids(self):
        stations = self.env["qi.provider.station"].search([("provider_id", "in", self.ids), ("is_current", "=", True)])
        for partner in self:
            partner.qi_current_window_ids = stations.filtered(lambda s, p=partner: s.provider_id == p).window_id

    @api.constrains("qi_uscc")
    def _check_qi_uscc(self):
        for partner in self:
            check_uscc(self.env, partner.qi_uscc, partner.display_name)

    @api.constrains("is_qi_provider", "is_company", "qi_uscc")
    def _check_qi_provider(self):
        for partner in self.filtered("is_qi_provider"):
            if not partner.is_company:
                raise ValidationError(
                    self.env._(
                        "%s is a person: only an organisation can be a QI service provider.", partner.display_name
                    )
                )
            if not partner.qi_uscc:
                raise ValidationError(
                    self.env._(
                        "QI service provider %s needs its Unified Social Credit Code (统一社会信用代码).",
                        partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        candidates = []
        for vals in vals_list:
            if vals.get("qi_uscc"):
                vals["qi_uscc"] = normalize_uscc(vals["qi_uscc"])
            # defaults from the context (e.g. the Providers menu) count as values
            values = {
                name: vals.get(name, self.env.context.get(f"default_{name}"))
                for name in QI_MANAGED_FIELDS | {"qi_uscc"}
            }
            values["active"] = vals.get("active", self.env.context.get("default_active", True))
            if any(values[name] for name in QI_MANAGED_FIELDS):
                self._check_qi_managed_access()
            candidates.append((self.browse(), vals.get("name"), values))
        self._check_qi_uscc_unique(candidates)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("qi_uscc"):
            vals["qi_uscc"] = normalize_uscc(vals["qi_uscc"])
        if QI_MANAGED_FIELDS & vals.keys():
            self._check_qi_managed_access()
        if {"qi_uscc", "is_qi_provider", "active"} & vals.keys():
            self._check_qi_uscc_unique(
                [
                    (
                        partner,
                        partner.display_name,
                        {
                            "qi_uscc": vals.get("qi_uscc", partner.qi_uscc),
                            "is_qi_provider": vals.get("is_qi_provider", partner.is_qi_provider),
                            "active": vals.get("active", partner.active),
                        },
                    )
                    for partner in self
                ]
            )
        return super().write(vals)

    @api.readonly
    def action_view_qi_qualifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.qi_provider_qualification_action")
        action["domain"] = [("provider_id", "=", self.id)]
        action["context"] = {"default_provider_id": self.id}
        action["display_name"] = self.env._("Qualifications of %s", self.name)
        return action

    def _check_qi_uscc_unique(self, candidates):
        """Refuse a USCC already used by another active provider, naming it.

        Runs before the values reach the database, whose partial unique index
        (see _qi_uscc_provider_uniq) only guards against concurrent
        transactions. ``candidates`` is a list of (partner or empty recordset,
        name, values after the change).
        """
        candidates = [
            (partner, name, values["qi_uscc"])
            for partner, name, values in candidates
            if values.get("qi_uscc") and values.get("is_qi_provider") and values.get("active", True)
        ]
        if not candidates:
            return
        # sudo: uniqueness must hold against providers the current user cannot
        # read (other companies); only the clashing organisation's name, public
        # on its business licence, is disclosed.
        existing = self.sudo().search_fetch(
            [("is_qi_provider", "=", True), ("qi_uscc", "in", list({code for __, __, code in candidates}))],
            ["qi_uscc"],
        )
        seen = {}
        for partner, name, code in candidates:
            other = existing.filtered(lambda p, code=code, ids=partner.ids: p.qi_uscc == code and p.id not in ids)[:1]
            other_name = other.display_name or seen.get(code)
            if other_name:
                raise ValidationError(
                    self.env._(
                        "The Unified Social Credit Code %(code)s of %(partner)s is already used by the "
                        "active provider %(other)s: two providers cannot share one code.",
                        code=code,
                        partner=name,
                        other=other_name,
                    )
                )
            seen[code] = name

    def _check_qi_managed_access(self):
        if self.env.su or self.env.user.has_group("qi_window.group_qi_manager"):
            return
        raise AccessError(
            self.env._(
                "Only the operating organisation's leader can change what makes an organisation a QI "
                "service provider or an advantage enterprise."
            )
        )
