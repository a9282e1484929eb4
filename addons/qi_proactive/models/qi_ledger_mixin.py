from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from odoo.addons.qi_catalogue.models.qi_provider_qualification import CERTIFICATE_MAX_BYTES, CERTIFICATE_MIMETYPES
from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.ondelete import deletion_guard

from .qi_ledger_warning import FINAL_STEP

DUE_STATES = [
    ("ok", "In Order"),
    ("due", "Falling Due"),
    ("overdue", "Overdue"),
    ("none", "No Due Date"),
]

# scans or PDFs of a certificate, a verification or an inspection report
LEDGER_FILE_MIMETYPES = CERTIFICATE_MIMETYPES
LEDGER_FILE_MAX_BYTES = CERTIFICATE_MAX_BYTES


class QiLedgerMixin(models.AbstractModel):
    """One line of an enterprise's ledger (R-6.1.1.3, R-6.1.7.1): something
    that falls due on a date (a verification, a periodic inspection, a
    certificate's expiry) and that the window warns about before it does.

    Each ledger (instruments, special equipment, certificates) is a model of
    its own with this mixin. The enterprise keeps it in the portal, the staff
    of its window in the back office; the daily warning
    (``qi.ledger.warning.service``) reads ``date_due`` and the two stored
    warning fields, so that one indexed query finds what to warn at 1,000,000
    lines.
    """

    _name = "qi.ledger.mixin"
    _description = "QI Enterprise Ledger Line"
    _inherit = ["qi.window.bound.mixin", "qi.protected.fields.mixin"]
    _order = "date_due, id"

    # what the lines are about, for the warning texts and the settings
    _qi_ledger_kind = None
    # the demands a line is in are linked by the demand's creation (qi.ledger.demand) and
    # from the demand's side, never from the line's: the enterprise would take its line out
    # of an open demand (then delete it, or file a second demand), and a copy would join it
    _qi_protected_fields = frozenset({"warned_date_due", "warned_step", "is_flagged", "case_ids"})
    _qi_flow_key = "qi_ledger_flow"

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Enterprise",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    window_id = fields.Many2one(
        related="partner_id.qi_window_id", store=True, index=True, string="Window", help="The enterprise's window."
    )
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True, string="Company")
    steward_id = fields.Many2one(related="partner_id.qi_steward_id", store=True, index=True, string="Quality Steward")
    location = fields.Char(help="Where it is used: workshop, line, building.")
    date_last = fields.Date(string="Last Done On", tracking=True)
    cycle_months = fields.Integer(
        string="Cycle (months)",
        tracking=True,
        help="Months between two verifications or inspections; the next due date follows from the last one.",
    )
    date_due = fields.Date(string="Next Due On", index=True, tracking=True)
    attachment_file = fields.Binary(string="Certificate File", attachment=True)
    attachment_filename = fields.Char()
    note = fields.Text()
    active = fields.Boolean(default=True)
    due_state = fields.Selection(DUE_STATES, compute="_compute_due_state", search="_search_due_state", string="Due")
    days_to_due = fields.Integer(compute="_compute_due_state", string="Days Left")
    # the warnings already sent about date_due: set by the daily warning only
    warned_date_due = fields.Date(readonly=True, copy=False, string="Warned About Due Date")
    warned_step = fields.Integer(
        readonly=True,
        copy=False,
        default=0,
        string="Warnings Sent",
        help="0: none yet; then one per threshold, largest first; the last one is the overdue warning.",
    )
    is_flagged = fields.Boolean(
        string="Flagged Overdue",
        readonly=True,
        copy=False,
        index=True,
        help="Overdue and under compulsory verification: the window's staff must follow it up.",
    )
    # each ledger model names its own relation table (with these attributes)
    case_ids = fields.Many2many("qi.case", string="Demands", readonly=True, copy=False)
    case_count = fields.Integer(compute="_compute_case_count", string="Demands Count")

    _cycle_check = models.Constraint("CHECK(cycle_months IS NULL OR cycle_months >= 0)", "A cycle cannot be negative.")
    # the daily warning's candidate query (qi.ledger.warning.service._candidates) reads only the
    # lines not fully warned: the overdue lines already told, most of a ledger kept for years, are
    # not in this index (the mixin's table objects are created on each ledger's table)
    _due_warning_index = models.Index(f"(date_due) WHERE active AND warned_step < {FINAL_STEP}")

    # ------------------------------------------------------------------
    # Due dates
    # ------------------------------------------------------------------
    @api.onchange("date_last", "cycle_months")
    def _onchange_next_due(self):
        for line in self:
            if line.date_last and line.cycle_months:
                line.date_due = fields.Date.add(line.date_last, months=line.cycle_months)

    @api.constrains("date_last", "date_due")
    def _check_dates(self):
        for line in self:
            if line.date_last and line.date_due and line.date_due < line.date_last:
                raise ValidationError(
                    self.env._("%(line)s: the next due date comes before the last one.", line=line.display_name)
                )

    @api.depends("date_due")
    @api.depends_context("qi_today")
    def _compute_due_state(self):
        today = self._qi_today()
        horizon = self.env["qi.ledger.warning.service"]._due_horizon(self._name, today)
        for line in self:
            if not line.date_due:
                line.due_state, line.days_to_due = "none", 0
                continue
            line.days_to_due = (line.date_due - today).days
            if line.date_due < today:
                line.due_state = "overdue"
            elif line.date_due <= horizon:
                line.due_state = "due"
            else:
                line.due_state = "ok"

    def _search_due_state(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = self._qi_today()
        horizon = self.env["qi.ledger.warning.service"]._due_horizon(self._name, today)
        domains = {
            "none": [("date_due", "=", False)],
            "ok": [("date_due", ">", horizon)],
            "due": [("date_due", ">=", today), ("date_due", "<=", horizon)],
            "overdue": [("date_due", "<", today)],
        }
        return Domain.OR(Domain(domains[state]) for state in value if state in domains)

    @api.model
    def _qi_window_derived_fields(self):
        # the steward follows the enterprise too: never taken from the caller's values
        return super()._qi_window_derived_fields() | {"steward_id"}

    def _qi_today(self):
        return self.env.context.get("qi_today") or china_today()

    @api.depends("case_ids")
    def _compute_case_count(self):
        for line in self:
            line.case_count = len(line.case_ids)

    def action_request_service(self):
        """The form's "Request Service" (R-7.1.2): one demand for this line, as
        the ledger's action of the same name files for the selected lines."""
        return self.env["qi.ledger.demand"]._action_request_service(self)

    @api.readonly
    def action_view_cases(self):
        """The demands filed about this line (R-7.1.2), closed ones included."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_action")
        action.update(domain=[("id", "in", self.case_ids.ids)], context={"create": False})
        if len(self.case_ids) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.case_ids.id)
        return action

    # ------------------------------------------------------------------
    # What the warnings and the demand need to know of a line
    # ------------------------------------------------------------------
    def _qi_service_item(self):
        """The service item a demand about this line asks for."""
        raise NotImplementedError

    def _qi_is_compulsory(self):
        """Whether an overdue line is flagged to the staff."""
        return False

    def _qi_ledger_label(self):
        """The line as a warning or a demand names it, in the env's language."""
        self.ensure_one()
        return self.display_name

    # ------------------------------------------------------------------
    # Files: a certificate or a report, checked by content
    # ------------------------------------------------------------------
    @api.constrains("attachment_file")
    def _check_attachment_file(self):
        # sudo: reads only the size and type of the files of these lines, which
        # the user is creating or writing
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids), ("res_field", "=", "attachment_file")])
        )
        for attachment in attachments:
            if attachment.mimetype not in LEDGER_FILE_MIMETYPES:
                raise ValidationError(
                    self.env._("The file must be a PDF, JPEG or PNG file, not %s.", attachment.mimetype)
                )
            if attachment.file_size > LEDGER_FILE_MAX_BYTES:
                raise ValidationError(self.env._("The file is larger than 10 MB: scan it at a lower resolution."))

    # ------------------------------------------------------------------
    # Who verified or inspected it: a QI service provider
    # ------------------------------------------------------------------
    def _qi_check_providers(self, field_name):
        """The partner ``field_name`` names is a QI service provider. Odoo
        reads a many2one's name as superuser: any partner id on a line an
        enterprise keeps would answer the name of any person or company."""
        # sudo: whether the partner named is a provider, nothing else of it is read
        named = self.sudo()[field_name]
        if named.filtered(lambda partner: not partner.is_qi_provider):
            raise ValidationError(
                self.env._(
                    "%(field)s: choose a QI service provider of the catalogue.",
                    field=self._fields[field_name].get_description(self.env)["string"],
                )
            )

    # ------------------------------------------------------------------
    # Followers: the enterprise's own people, as far as the portal goes
    # ------------------------------------------------------------------
    def _qi_check_portal_followers(self, partner_ids, leaving=False):
        """A portal user follows (and unfollows) its own enterprise's lines
        for its own enterprise's people only: otherwise an enterprise made
        any partner follow its line, and each comment it posted there went
        out by mail from the platform to that partner; it removed the staff
        following its line; a provider followed the lines of its assignment
        and kept their news after it. Anyone may stop following; staff follow
        as Odoo lets them."""
        user = self.env.user
        if self.env.su or not user.share or (leaving and set(partner_ids or ()) == {user.partner_id.id}):
            return
        company = user.commercial_partner_id
        # sudo: only the enterprise of each line is compared with the user's
        foreign_lines = self.sudo().filtered(lambda line: line.partner_id != company)
        # sudo: only the enterprise of each partner named is compared with the user's
        partners = self.env["res.partner"].sudo().browse(partner_ids or []).exists()
        if foreign_lines or partners.filtered(lambda partner: partner.commercial_partner_id != company):
            raise AccessError(self.env._("You can only add or remove your own enterprise's people as followers."))

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        self._qi_check_portal_followers(partner_ids)
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_unsubscribe(self, partner_ids=None):
        self._qi_check_portal_followers(partner_ids, leaving=True)
        return super().message_unsubscribe(partner_ids=partner_ids)

    # ------------------------------------------------------------------
    # Changes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        return super(QiLedgerMixin, self._qi_guard(vals_list)).create(vals_list)

    def write(self, vals):
        self._qi_check_protected([vals])
        if "date_due" in vals and not self._qi_in_flow():
            # a new due date is warned about afresh, and a line done again is no longer overdue
            vals = dict(vals, warned_step=0, warned_date_due=False, is_flagged=False)
            return super(QiLedgerMixin, self.with_context(**{self._qi_flow_key: FLOW})).write(vals)
        return super().write(vals)

    @deletion_guard
    def _unlink_except_in_demand(self):
        """A line a demand is about stays, archived if no longer in use: the
        demand shows what it was for (R-7.1.2)."""
        # sudo: only whether a demand links each line, whoever may read that demand
        linked = self.sudo().filtered("case_ids")
        if linked:
            raise UserError(
                self.env._(
                    "%(lines)s: a demand was made about this line; archive it instead of deleting it.",
                    lines=", ".join(linked.with_env(self.env).mapped("display_name")),
                )
            )
