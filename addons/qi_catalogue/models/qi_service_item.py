from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

FEE_TYPES = [
    ("free", "Free at the Window"),
    ("charged", "Charged by the Provider"),
]


class QiServiceItem(models.Model):
    """A service the windows offer (R-6), with its one-time notice (一次性告知):
    legal basis, required materials, process, time limit, fees and contact, so
    that an enterprise learns everything it needs in one go."""

    _name = "qi.service.item"
    _description = "QI Service Item"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "category_sequence, sequence, code, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        string="Clause",
        tracking=True,
        help="Clause of DB1303/T 329-2022 that defines the item (e.g. 6.1.1.1); empty for items a window adds itself.",
    )
    version = fields.Char(
        default="1",
        tracking=True,
        help="Version of the item in the government service catalogue (事项版本): raise it when what the item offers "
        "or asks for changes. Exported with the item's code to the provincial 好差评 system.",
    )
    category_id = fields.Many2one("qi.service.category", required=True, index=True, ondelete="restrict", tracking=True)
    category_sequence = fields.Integer(related="category_id.sequence", store=True, string="Category Sequence")
    kind = fields.Selection(related="category_id.kind", store=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(translate=True)
    window_ids = fields.Many2many(
        "qi.window",
        "qi_service_item_window_rel",
        "item_id",
        "window_id",
        string="Offered at Windows",
        help="The windows where an enterprise can ask for this item.",
    )
    provider_ids = fields.Many2many(
        "res.partner",
        "qi_provider_item_rel",
        "item_id",
        "partner_id",
        string="Providers",
        domain="[('is_qi_provider', '=', True)]",
        help="Quality technical service organisations that offer this item.",
    )
    expert_ids = fields.Many2many("qi.expert", "qi_expert_item_rel", "item_id", "expert_id", string="Experts")
    provider_count = fields.Integer(compute="_compute_resource_counts")
    expert_count = fields.Integer(compute="_compute_resource_counts")

    # one-time notice (一次性告知)
    legal_basis = fields.Text(translate=True, help="Laws, regulations and standards the service rests on.")
    material_ids = fields.One2many("qi.service.item.material", "item_id", string="Required Materials", copy=True)
    process = fields.Text(translate=True, help="The steps, one per line.")
    # P-TL-6: the window commits to a limit shorter than the law's; cases run on the committed one
    statutory_limit_days = fields.Integer(
        string="Statutory Limit (working days)",
        default=20,
        tracking=True,
        help="The limit the law sets (法定时限), e.g. 20 working days under §42 of the "
        "Administrative Licensing Law; 0 when no law sets one.",
    )
    time_limit_days = fields.Integer(
        string="Committed Limit (working days)",
        default=5,
        tracking=True,
        help="The limit the window commits to (承诺时限), in working days on the PRC calendar from "
        "acceptance to completion; 0 means on the spot. Never longer than the statutory limit.",
    )
    fee_type = fields.Selection(FEE_TYPES, required=True, default="free", tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    fee_amount = fields.Monetary(
        currency_field="currency_id", help="Fixed amount, when the fee is the same for everyone."
    )
    fee_basis = fields.Char(
        translate=True, help="How the fee is set when it is not one amount, e.g. the provider's price list."
    )
    contact = fields.Char(translate=True, help="Whom to ask about this item.")

    _code_uniq = models.UniqueIndex("(code) WHERE code IS NOT NULL", "Another service item already uses this clause.")
    _time_limit_positive = models.Constraint("CHECK(time_limit_days >= 0)", "A time limit cannot be negative.")
    _statutory_limit_positive = models.Constraint(
        "CHECK(statutory_limit_days >= 0)", "A statutory limit cannot be negative."
    )
    _committed_within_statutory = models.Constraint(
        "CHECK(statutory_limit_days = 0 OR time_limit_days <= statutory_limit_days)",
        "The committed limit cannot be longer than the statutory limit.",
    )
    _fee_amount_positive = models.Constraint(
        "CHECK(fee_amount IS NULL OR fee_amount >= 0)", "A fee cannot be negative."
    )

    def _compute_resource_counts(self):
        for item in self:
            item.provider_count = len(item.provider_ids)
            item.expert_count = len(item.expert_ids)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = f"{item.code} {item.name}" if item.code else item.name

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "not ilike", "=", "!=") and value:
            domain = ["|", ("name", operator, value), ("code", operator, value)]
            return domain if operator in ("ilike", "=") else ["!", *domain]
        return super()._search_display_name(operator, value)

    @api.constrains("time_limit_days", "statutory_limit_days")
    def _check_committed_limit(self):
        for item in self:
            self._raise_if_committed_above_statutory(item.display_name, item.time_limit_days, item.statutory_limit_days)

    def _raise_if_committed_above_statutory(self, name, committed, statutory):
        """P-TL-6: the committed limit (承诺时限) is never longer than the statutory one (法定时限)."""
        if statutory and (committed or 0) > statutory:
            raise ValidationError(
                self.env._(
                    "Service item %(item)s: the committed limit (%(committed)s working days) cannot be "
                    "longer than the statutory limit (%(statutory)s working days).",
                    item=name,
                    committed=committed,
                    statutory=statutory,
                )
            )

    @api.constrains("fee_type", "fee_amount", "fee_basis")
    def _check_fee(self):
        for item in self:
            if item.fee_type == "charged" and not item.fee_amount and not item.fee_basis:
                raise ValidationError(
                    self.env._(
                        "Service item %s is charged: give the amount or the basis of the fee "
                        "(e.g. the provider's published price list).",
                        item.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code"):
                vals["code"] = vals["code"].strip()
            # the database's CHECK answers an INSERT before any Python constraint: say it first, clearly
            self._raise_if_committed_above_statutory(
                vals.get("name") or "",
                vals.get("time_limit_days", self._fields["time_limit_days"].default(self)),
                vals.get("statutory_limit_days", self._fields["statutory_limit_days"].default(self)),
            )
        items = super().create(vals_list)
        # sudo: reads which windows the new items are offered at, to check them
        items._check_window_access(items.sudo().window_ids)
        return items

    def write(self, vals):
        if vals.get("code"):
            vals["code"] = vals["code"].strip()
        if "window_ids" not in vals:
            return super().write(vals)
        # sudo: the links before and after, including windows the user cannot
        # read, to find every window the change touches
        before = self.sudo().window_ids
        result = super().write(vals)
        after = self.sudo().window_ids  # sudo: as above
        self._check_window_access((before - after) | (after - before))
        return result

    def _check_window_access(self, windows):
        """Offering an item at a window, or withdrawing it, changes what that
        window offers: only who may edit the window may do it (not the leader
        of another operating organisation)."""
        if windows and not self.env.su:
            windows.with_env(self.env).check_access("write")

    def action_find_resources(self):
        """Open the matching wizard on these items."""
        return self.env["qi.catalogue.match.wizard"]._action_open(items=self)

    @api.readonly
    def action_view_providers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.res_partner_action_qi_provider")
        action["domain"] = [("is_qi_provider", "=", True), ("qi_item_ids", "in", self.ids)]
        action["display_name"] = self.env._("Providers of %s", self.name)
        return action

    @api.readonly
    def action_view_experts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_catalogue.qi_expert_action")
        action["domain"] = [("item_ids", "in", self.ids)]
        action["display_name"] = self.env._("Experts of %s", self.name)
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_deadline(self, start):
        """The date by which the item is due when accepted on ``start``, counted
        in PRC working days (the case deadline of qi_case)."""
        self.ensure_one()
        return self.env["qi.workday"].add_working_days(start, self.time_limit_days)

    def _get_time_limit_text(self):
        self.ensure_one()
        if not self.time_limit_days:
            return self.env._("On the spot")
        return self.env._("%s working days", self.time_limit_days)

    def _get_fee_text(self):
        self.ensure_one()
        if self.fee_type == "free":
            return self.fee_basis or self.env._("Free of charge")
        if self.fee_amount:
            amount = format_amount(self.env, self.fee_amount, self.currency_id)
            if self.fee_basis:
                return self.env._("%(amount)s (%(basis)s)", amount=amount, basis=self.fee_basis)
            return amount
        return self.fee_basis

    def _get_notice_values(self):
        """The one-time notice of each item as plain values, for the public page
        and portals: what the item is and what an enterprise must bring. It holds
        no data about any person."""
        formats = dict(self.env["qi.service.item.material"]._fields["format"]._description_selection(self.env))
        result = []
        for item in self:
            result.append(
                {
                    "id": item.id,
                    "code": item.code or "",
                    "name": item.name,
                    "category": item.category_id.name,
                    "description": item.description or "",
                    "legal_basis": item.legal_basis or "",
                    "materials": [
                        self.env._(
                            "%(name)s (%(format)s, copies: %(copies)s)",
                            name=material.name,
                            format=formats.get(material.format, ""),
                            copies=material.copies,
                        )
                        + ("" if material.required else " " + self.env._("(if applicable)"))
                        for material in item.material_ids
                    ],
                    "process": item.process or "",
                    "time_limit": item._get_time_limit_text(),
                    "fee": item._get_fee_text() or "",
                    "contact": item.contact or "",
                }
            )
        return result
