from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

AVAILABILITY = [
    ("available", "Available"),
    ("busy", "Busy"),
    ("unavailable", "Unavailable"),
]


class QiExpert(models.Model):
    """A member of the expert database (R-5.3.1), built through government
    public-welfare means (R-5.3.3)."""

    _name = "qi.expert"
    _description = "QI Expert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_company', '=', False)]",
    )
    name = fields.Char(related="partner_id.name", store=True, readonly=True)
    image_128 = fields.Image(related="partner_id.image_128", string="Photo")
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    title = fields.Char(string="Professional Title", tracking=True, help="E.g. 正高级工程师, 研究员.")
    employer_id = fields.Many2one(
        "res.partner",
        compute="_compute_employer_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The organisation the expert works for: always on the conflict-of-interest list.",
    )
    category_ids = fields.Many2many(
        "qi.service.category", "qi_expert_category_rel", "expert_id", "category_id", string="Fields"
    )
    item_ids = fields.Many2many("qi.service.item", "qi_expert_item_rel", "expert_id", "item_id", string="Items")
    industry_ids = fields.Many2many(
        "res.partner.industry", "qi_expert_industry_rel", "expert_id", "industry_id", string="Industries"
    )
    region_id = fields.Many2one("qi.region", index=True)
    is_public_welfare = fields.Boolean(
        string="Public-welfare Member",
        help="R-5.3.3: member of the expert database built through government public-welfare means; "
        "serves free of charge.",
    )
    availability = fields.Selection(AVAILABILITY, required=True, default="available", tracking=True)
    max_assignments = fields.Integer(string="Max. Concurrent Assignments", required=True, default=3, tracking=True)
    conflict_partner_ids = fields.Many2many(
        "res.partner",
        "qi_expert_conflict_rel",
        "expert_id",
        "partner_id",
        string="Conflicts of Interest",
        domain="[('is_company', '=', True)]",
        help="Organisations the expert must not serve. The employer is always added.",
    )
    note = fields.Text()
    color = fields.Integer()
    active = fields.Boolean(default=True, tracking=True)

    _partner_uniq = models.Constraint("UNIQUE(partner_id)", "This person is already in the expert database.")
    _max_assignments_positive = models.Constraint(
        "CHECK(max_assignments > 0)", "An expert takes at least one assignment at a time."
    )

    @api.depends("partner_id.parent_id")
    def _compute_employer_id(self):
        for expert in self:
            if not expert.employer_id and expert.partner_id.parent_id:
                expert.employer_id = expert.partner_id.parent_id.commercial_partner_id

    @api.constrains("partner_id")
    def _check_partner(self):
        for expert in self:
            if expert.partner_id.is_company:
                raise ValidationError(
                    self.env._("%s is an organisation: an expert is a person.", expert.partner_id.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        experts = super().create(vals_list)
        experts._add_employer_to_conflicts()
        return experts

    def write(self, vals):
        result = super().write(vals)
        if {"employer_id", "conflict_partner_ids", "partner_id"} & vals.keys():
            self._add_employer_to_conflicts()
        return result

    def _add_employer_to_conflicts(self):
        """R-5.3.1: an expert never serves the organisation that employs them."""
        for expert in self:
            employer = expert.employer_id.commercial_partner_id
            if employer and employer not in expert.conflict_partner_ids:
                expert.conflict_partner_ids = [Command.link(employer.id)]
