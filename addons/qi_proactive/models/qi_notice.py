from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

NOTICE_KINDS = [
    ("policy", "Policy"),
    ("subsidy", "Subsidy"),
    ("training", "Training"),
    ("standard", "Standard Change"),
]
NOTICE_STATES = [("draft", "Draft"), ("published", "Published"), ("withdrawn", "Withdrawn")]


class QiNotice(models.Model):
    """A notice pushed to the enterprises it concerns (R-7.1.2): a policy, a
    subsidy, a training (R-6.1.6.4), a change of standard. The enterprises are
    chosen by industry, region, window and service item; each one gets it in
    the portal and by mail, and its reading is recorded."""

    _name = "qi.notice"
    _description = "QI Targeted Notice"
    _inherit = ["mail.thread", "qi.protected.fields.mixin"]
    _order = "date_published desc, id desc"
    _qi_protected_fields = frozenset({"state", "date_published", "published_by_id"})
    _qi_flow_key = "qi_notice_flow"

    name = fields.Char(string="Title", required=True, tracking=True)
    kind = fields.Selection(NOTICE_KINDS, required=True, default="policy", tracking=True)
    body = fields.Html(required=True, sanitize=True, sanitize_overridable=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, string="Company"
    )
    state = fields.Selection(NOTICE_STATES, default="draft", required=True, readonly=True, index=True, tracking=True)
    date_published = fields.Datetime(readonly=True, copy=False, index=True)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_end = fields.Date(string="Relevant Until", help="After this day the notice leaves the enterprises' portal.")
    # targeting: the enterprises that match every dimension given (any value of each)
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    region_ids = fields.Many2many("qi.region", string="Regions")
    window_ids = fields.Many2many("qi.window", string="Windows")
    target_item_ids = fields.Many2many(
        "qi.service.item",
        "qi_notice_target_item_rel",
        "notice_id",
        "item_id",
        string="Enterprises Served For",
        help="Enterprises that had a demand for one of these items.",
    )
    item_id = fields.Many2one(
        "qi.service.item",
        string="Service Item Offered",
        help="The item an enterprise asks for in one click from the notice.",
    )
    recipient_ids = fields.One2many("qi.notice.recipient", "notice_id", string="Recipients", readonly=True)
    recipient_count = fields.Integer(compute="_compute_recipient_counts", string="Recipients Count")
    read_count = fields.Integer(compute="_compute_recipient_counts", string="Read")
    case_ids = fields.One2many("qi.case", "notice_id", string="Demands")
    case_count = fields.Integer(compute="_compute_recipient_counts", string="Demands Count")

    def _compute_recipient_counts(self):
        Recipient = self.env["qi.notice.recipient"]
        total = dict(Recipient._read_group([("notice_id", "in", self.ids)], ["notice_id"], ["__count"]))
        read = dict(
            Recipient._read_group([("notice_id", "in", self.ids), ("date_read", "!=", False)], ["notice_id"], ["__count"])
        )
        cases = dict(self.env["qi.case"]._read_group([("notice_id", "in", self.ids)], ["notice_id"], ["__count"]))
        for notice in self:
            notice.recipient_count = total.get(notice, 0)
            notice.read_count = read.get(notice, 0)
            notice.case_count = cases.get(notice, 0)

    @api.model_create_multi
    def create(self, vals_list):
        return super(QiNotice, self._qi_guard(vals_list)).create(vals_list)

    def write(self, vals):
        self._qi_check_protected([vals])
        return super().write(vals)

    # ------------------------------------------------------------------
    # Targeting
    # ------------------------------------------------------------------
    def _target_domain(self):
        """The enterprises this notice concerns: companies that a window serves
        (a window of their own or a demand), matching every dimension given."""
        self.ensure_one()
        domain = Domain("is_company", "=", True) & Domain("is_qi_provider", "=", False)
        domain &= Domain("qi_window_id", "!=", False) | Domain("qi_case_ids", "!=", False)
        if self.industry_ids:
            domain &= Domain("industry_id", "in", self.industry_ids.ids)
        if self.region_ids:
            domain &= Domain("qi_region_id", "child_of", self.region_ids.ids)
        if self.window_ids:
            domain &= Domain("qi_window_id", "in", self.window_ids.ids) | Domain(
                "qi_case_ids.window_id", "in", self.window_ids.ids
            )
        if self.target_item_ids:
            domain &= Domain("qi_case_ids.item_ids", "in", self.target_item_ids.ids)
        return domain

    def _target_partners(self):
        # sudo: the staff member who publishes may not read every enterprise of
        # the other windows the notice targets; only their ids are read here
        return self.env["res.partner"].sudo().search(self._target_domain())

    def action_publish(self):
        raise UserError(self.env._("Not built yet."))


class QiNoticeRecipient(models.Model):
    """One enterprise a notice was sent to, and when it read it."""

    _name = "qi.notice.recipient"
    _description = "QI Notice Recipient"
    _order = "notice_id desc, id"

    notice_id = fields.Many2one("qi.notice", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Enterprise", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="notice_id.company_id", store=True, index=True)
    date_sent = fields.Datetime(readonly=True)
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")
    date_read = fields.Datetime(readonly=True, index="btree_not_null")
    read_by_id = fields.Many2one("res.users", readonly=True)

    _notice_partner_uniq = models.Constraint(
        "UNIQUE(notice_id, partner_id)", "An enterprise receives a notice once."
    )
