import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, html2plaintext
from odoo.tools.mail import parse_contact_from_email

from odoo.addons.qi_window.tools.china import china_date, china_today, recipient_env, recipient_lang
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param
from odoo.addons.qi_window.tools.validation import is_valid_email

from .qi_case_stage import FINAL_CODES

_logger = logging.getLogger(__name__)

# cases listed per ladder step in a recipient's daily digest; the others are counted
DIGEST_MAX_LINES = 100

CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("mailbox", "Mailbox / Letter"),
    ("online", "Online Window"),
    ("walk_in", "Walk-in"),
    ("visit", "On-site Visit"),
    ("inspection", "Supervision Inspection"),
    ("sampling", "Product Sampling"),
]
PRIORITIES = [("0", "Normal"), ("1", "Important"), ("2", "Urgent")]
WARNING_LEVELS = [("none", "None"), ("yellow", "Yellow"), ("red", "Red")]
# P-TL-7: the steps of the 红黄牌 ladder, in the order they fire
LADDER_STEPS = [("yellow", "Chase (催办)"), ("red", "Chase Notice (催办通知)"), ("supervision", "Supervision (督办)")]
LADDER_ORDER = {False: 0, "yellow": 1, "red": 2, "supervision": 3}


class QiCase(models.Model):
    """A demand of a service object, from intake to closure (§7, Annex A).

    One first handler answers for the whole case (R-7.2.1); the clock counts
    PRC working days from the day after the materials are complete (R-7.3.2).
    """

    _name = "qi.case"
    _description = "QI Service Case"
    _inherit = [
        "qi.window.bound.mixin",
        "qi.protected.fields.mixin",
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "mail.tracking.duration.mixin",
    ]
    _order = "priority desc, is_overdue desc, date_deadline, id desc"
    # set by the service flow only, never by hand or RPC, on create as on write
    _qi_protected_fields = frozenset({
        "extension_days", "is_overdue", "overdue_reason", "completed_on_time", "date_completed",
        "date_closed", "date_accepted", "days_used", "supervised_date", "warning_level", "date_red",
        "ladder_step", "ladder_deadline", "date_correction_notice", "materials_deemed_complete",
        "message_id_origin", "intake_key", "intake_ip_hash", "rating_requested_date", "rating_reminded",
    })
    _qi_flow_key = "qi_case_internal"
    _track_duration_field = "stage_id"
    _mail_post_access = "read"
    _primary_email = "email_from"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Service Object",
        required=True,
        index=True,
        tracking=True,
        help="The enterprise, cluster, park or chain served.",
    )
    partner_unverified = fields.Boolean(related="partner_id.qi_unverified", string="Unverified Service Object")
    contact_id = fields.Many2one(
        "res.partner", string="Contact Person", domain="[('parent_id', '=', partner_id)]", tracking=True
    )
    email_from = fields.Char(string="Contact E-mail")
    contact_phone = fields.Char()
    window_id = fields.Many2one("qi.window", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    channel = fields.Selection(CHANNELS, required=True, default="walk_in", index=True, tracking=True)
    origin_ref = fields.Char(
        string="Origin Reference", help="E.g. the number of the supervision inspection or sampling record."
    )
    item_ids = fields.Many2many(
        "qi.service.item", "qi_case_service_item_rel", "case_id", "item_id", string="Requested Items", tracking=True
    )
    category_id = fields.Many2one(
        "qi.service.category", compute="_compute_category_id", store=True, index=True,
        help="Category of the first requested item, for reporting.",
    )
    is_package = fields.Boolean(
        string="Customised Package", compute="_compute_is_package", store=True,
        help="R-6.2.2.1: several items in one case form a customised package.",
    )
    description = fields.Html(sanitize=True, sanitize_overridable=False)
    priority = fields.Selection(PRIORITIES, default="0", tracking=True)
    tag_ids = fields.Many2many("qi.case.tag", string="Tags")
    color = fields.Integer()
    stage_id = fields.Many2one(
        "qi.case.stage",
        required=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_expand_stages",
        default=lambda self: self._default_stage(),
    )
    stage_code = fields.Selection(related="stage_id.code", store=True, index=True, string="Step")
    is_open = fields.Boolean(compute="_compute_is_open", store=True, index=True)
    close_reason = fields.Text(string="Cancellation / Rejection Reason", tracking=True)
    # first handler
    user_id = fields.Many2one(
        "res.users", string="First Handler", index=True, tracking=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("qi_window.group_qi_user").id)],
    )
    handler_log_ids = fields.One2many("qi.case.handler.log", "case_id", string="First-handler Log")
    # time limits
    date_received = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True)
    date_accept_due = fields.Date(
        string="Acceptance Due", compute="_compute_date_accept_due", store=True,
    )
    date_accepted = fields.Datetime(readonly=True, copy=False)
    materials_state = fields.Selection(
        [("complete", "Complete"), ("incomplete", "Incomplete (补正)")],
        default="complete", required=True, tracking=True,
        help="While materials are incomplete the clock stops; it restarts when they arrive.",
    )
    # P-TL-2: the 补正 notice, all at once, within N working days of receipt
    date_correction_due = fields.Date(
        string="Correction Notice Due", compute="_compute_date_correction_due", store=True,
        help="Last day to send the correction notice (补正, 一次性告知); later, the materials count "
        "as complete from receipt (Administrative Licensing Law, Art. 32).",
    )
    date_correction_notice = fields.Date(string="Correction Notice Sent On", readonly=True, copy=False)
    correction_missing = fields.Text(
        string="Missing Materials",
        help="Everything that is missing, all at once (一次性告知): the service object is told this list.",
    )
    materials_deemed_complete = fields.Boolean(
        string="Deemed Complete on Receipt", readonly=True, copy=False,
        help="No correction notice was sent in time: the materials count as complete from receipt "
        "(视为受理, Administrative Licensing Law, Art. 32).",
    )
    date_materials_complete = fields.Date(
        string="Materials Complete On", copy=False, tracking=True,
        help="The completion time limit counts working days from the day after this date.",
    )
    time_limit_days = fields.Integer(
        string="Time Limit (working days)", compute="_compute_time_limit_days", store=True, readonly=False,
        help="The longest committed limit of the requested items; can be set by hand.",
    )
    statutory_limit_days = fields.Integer(
        string="Statutory Limit (working days)", compute="_compute_time_limit_days", store=True,
        help="The longest statutory limit of the requested items (P-TL-6).",
    )
    pause_ids = fields.One2many("qi.case.pause", "case_id", string="Clock Pauses")
    paused_days = fields.Integer(
        string="Paused (working days)", compute="_compute_paused_days", store=True,
        help="Working days of testing, inspection, appraisal, expert review or hearings: they do not count "
        "(Administrative Licensing Law, Art. 45).",
    )
    clock_event_ids = fields.One2many("qi.case.clock.event", "case_id", string="Clock Log")
    extension_days = fields.Integer(string="Extension (working days)", readonly=True, copy=False)
    extension_ids = fields.One2many("qi.case.extension", "case_id", string="Extensions")
    date_deadline = fields.Date(
        string="Deadline", compute="_compute_date_deadline", store=True, index=True, tracking=True,
    )
    deadline_provisional = fields.Boolean(
        string="Provisional Deadline", compute="_compute_deadline_provisional", store=True, index="btree_not_null",
        help="A date of this case was computed with a year that has no official holiday data yet "
        "(weekends and statutory holidays only, no make-up working day): it is recomputed when "
        "the State Council notice is entered.",
    )
    date_completed = fields.Datetime(string="Result Reported On", readonly=True, copy=False)
    date_closed = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(string="Overdue", readonly=True, copy=False, index=True)
    overdue_reason = fields.Selection(
        [
            ("not_accepted", "Not accepted in time"),
            ("not_completed", "Result not reported back in time"),
        ],
        readonly=True, copy=False,
    )
    deadline_state = fields.Selection(
        [
            ("on_time", "On time"),
            ("not_accepted", "Not accepted in time"),
            ("not_completed", "Result late"),
        ],
        # a selection, not the overdue boolean: the kanban progress bar groups it
        compute="_compute_deadline_state", store=True,
        help="Whether the case keeps its time limits: on time, not accepted in time, or result late.",
    )
    completed_on_time = fields.Boolean(readonly=True, copy=False, help="Result reported back by the deadline.")
    on_time_rate = fields.Float(
        string="On-time Rate (%)", compute="_compute_on_time_rate", store=True, aggregator="avg",
        help="100 for a case completed by its deadline, 0 if late; empty while it runs.",
    )
    days_used = fields.Integer(
        string="Working Days Used", readonly=True, copy=False, aggregator="avg",
        help="Working days since the materials were complete, up to the result or today.",
    )
    # P-TL-7 红黄牌: refreshed by the daily supervision
    warning_level = fields.Selection(
        WARNING_LEVELS, default="none", required=True, readonly=True, copy=False, index=True,
        help="Yellow: due within the set number of working days. Red: overdue.",
    )
    date_red = fields.Date(string="Red Since", readonly=True, copy=False)
    ladder_step = fields.Selection(
        LADDER_STEPS, string="Last Escalation Step", readonly=True, copy=False,
        help="The last step of the warning ladder fired for the current deadline; each fires once.",
    )
    ladder_deadline = fields.Date(readonly=True, copy=False, help="The deadline the fired steps are about.")
    supervised_date = fields.Date(
        readonly=True, copy=False,
        help="Day the daily supervision last reached the case: a run cut short by its time box "
        "resumes with the cases not reached yet.",
    )
    # matching, service, results
    assignment_ids = fields.One2many("qi.case.assignment", "case_id", string="Assignments")
    assignment_count = fields.Integer(compute="_compute_assignment_count")
    adjustment_ids = fields.One2many("qi.case.adjustment", "case_id", string="Adjustments")
    result_ids = fields.One2many("qi.case.result", "case_id", string="Results")
    reusable_result_ids = fields.Many2many(
        "qi.case.result", compute="_compute_reusable_result_ids", string="Reusable Results",
        help="R-6.2.2.2: results of this service object's earlier cases that cover the requested items.",
    )
    visit_ids = fields.One2many(
        "calendar.event", "res_id", string="Visits",
        domain=lambda self: [("res_model", "=", self._name)],
    )
    visit_count = fields.Integer(compute="_compute_visit_count")
    qi_rating_ids = fields.One2many("qi.case.rating", "case_id", string="Ratings")
    rating_level = fields.Selection(
        selection=lambda self: self.env["qi.case.rating"]._fields["level"].selection,
        compute="_compute_rating_level", string="Satisfaction",
        help="The current 好差评 level given by the service object.",
    )
    rating_requested_date = fields.Date(readonly=True, copy=False)
    rating_reminded = fields.Boolean(readonly=True, copy=False)
    partner_lang = fields.Char(
        compute="_compute_partner_lang", string="Service Object's Language",
        help="The language mails to the service object are written in: its own, Chinese when unknown.",
    )
    intake_key = fields.Char(
        readonly=True, copy=False,
        help="Idempotency key of the public form: a double-click or a retry never makes a second case.",
    )
    intake_ip_hash = fields.Char(readonly=True, copy=False, index="btree_not_null")
    message_id_origin = fields.Char(
        string="Origin Message-Id", readonly=True, copy=False,
        help="Message-Id of the e-mail that created the case; a second delivery never makes a second case.",
    )

    _name_company_uniq = models.Constraint("UNIQUE(name)", "This case number is already used.")
    _message_id_uniq = models.UniqueIndex(
        "(message_id_origin) WHERE message_id_origin IS NOT NULL",
        "A case was already created from this e-mail.",
    )
    _intake_key_uniq = models.UniqueIndex(
        "(intake_key) WHERE intake_key IS NOT NULL", "This demand was already received."
    )
    _open_deadline_idx = models.Index("(window_id, date_deadline) WHERE is_open")
    # the list's default order and the kanban columns' order (they also serve priority and
    # stage_id alone); Odoo sorts booleans as COALESCE(.., false). The daily supervision
    # rewrites every running case: each index more makes that slower, none is redundant.
    _default_order_idx = models.Index("(priority DESC, (COALESCE(is_overdue, false)) DESC, date_deadline, id DESC)")
    _stage_order_idx = models.Index(
        "(stage_id, priority DESC, (COALESCE(is_overdue, false)) DESC, date_deadline, id DESC)"
    )

    def init(self):
        super().init()
        # every running case is updated daily (days used): room on each page lets
        # PostgreSQL update it in place (HOT) instead of touching every index
        self.env.cr.execute("ALTER TABLE qi_case SET (fillfactor = 85)")
        # Planner statistics for the month of reception as the pivot and graph
        # group it (users in Asia/Shanghai, or without a time zone). Without
        # them PostgreSQL expects one group per case and sorts every case, on
        # disk at 100k cases, instead of hashing a dozen months.
        for name, month in (
            ("qi_case_received_month_cst_stat", "date_trunc('month', timezone('Asia/Shanghai', timezone('UTC', date_received)))"),
            ("qi_case_received_month_stat", "date_trunc('month', date_received)"),
        ):
            self.env.cr.execute(SQL(
                "CREATE STATISTICS IF NOT EXISTS %s ON (%s) FROM qi_case", SQL.identifier(name), SQL(month)
            ))

    # ------------------------------------------------------------------
    # defaults and computes
    # ------------------------------------------------------------------
    def _default_stage(self):
        return self.env["qi.case.stage"].search([("code", "=", "new")], limit=1)

    @api.model
    def _read_group_expand_stages(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.depends("stage_code")
    def _compute_is_open(self):
        for case in self:
            case.is_open = case.stage_code not in FINAL_CODES

    @api.depends("qi_rating_ids.level", "qi_rating_ids.is_current")
    def _compute_rating_level(self):
        # sudo: the level of the case's own current rating, shown to whoever reads the case
        for case in self.sudo():
            case.rating_level = case.qi_rating_ids.filtered("is_current")[:1].level

    @api.depends("partner_id.lang")
    def _compute_partner_lang(self):
        for case in self:
            # an installed language only: a mail in an inactive one cannot be rendered
            case.partner_lang = recipient_lang(self.env, case.partner_id)

    @api.depends("overdue_reason")
    def _compute_deadline_state(self):
        for case in self:
            case.deadline_state = case.overdue_reason or "on_time"

    @api.depends("completed_on_time", "date_completed")
    def _compute_on_time_rate(self):
        for case in self:
            case.on_time_rate = (100.0 if case.completed_on_time else 0.0) if case.date_completed else False

    @api.depends("item_ids")
    def _compute_is_package(self):
        for case in self:
            case.is_package = len(case.item_ids) > 1

    @api.depends("item_ids.category_id")
    def _compute_category_id(self):
        for case in self:
            case.category_id = case.item_ids[:1].category_id

    @api.depends("item_ids.time_limit_days", "item_ids.statutory_limit_days")
    def _compute_time_limit_days(self):
        default = int_param(self.env, "qi_case.default_time_limit_days", 20, minimum=1)
        for case in self:
            limits = case.item_ids.mapped("time_limit_days")
            case.time_limit_days = max(limits) if limits and max(limits) > 0 else default
            case.statutory_limit_days = max(case.item_ids.mapped("statutory_limit_days") or [0])

    @api.depends("pause_ids.working_days")
    def _compute_paused_days(self):
        for case in self:
            case.paused_days = sum(case.pause_ids.mapped("working_days"))

    @api.depends("date_received")
    def _compute_date_correction_due(self):
        days = int_param(self.env, "qi_case.correction_notice_working_days", 5, minimum=0)
        workday = self.env["qi.workday"]
        for case in self:
            case.date_correction_due = (
                workday.add_working_days(case._local_date(case.date_received), days) if case.date_received else False
            )

    @api.depends("date_received", "window_id")
    def _compute_date_accept_due(self):
        days = int_param(self.env, "qi_case.acceptance_working_days", 1, minimum=0)
        workday = self.env["qi.workday"]
        for case in self:
            case.date_accept_due = (
                workday.add_working_days(case._local_date(case.date_received), days) if case.date_received else False
            )

    @api.depends("materials_state", "date_materials_complete", "time_limit_days", "extension_days", "paused_days")
    def _compute_date_deadline(self):
        workday = self.env["qi.workday"]
        for case in self:
            if case.materials_state != "complete" or not case.date_materials_complete:
                case.date_deadline = False  # the clock is stopped (补正)
            else:
                # a pause starts before the deadline, so its working days all fall before the new one
                case.date_deadline = workday.add_working_days(
                    case.date_materials_complete, case.time_limit_days + case.extension_days + case.paused_days
                )

    @api.depends("date_received", "date_accept_due", "date_materials_complete", "date_deadline", "stage_code")
    def _compute_deadline_provisional(self):
        workday = self.env["qi.workday"]
        for case in self:
            provisional = False
            try:
                if case.date_accept_due and case.stage_code in (False, "new"):
                    provisional = workday.is_provisional(case._local_date(case.date_received), case.date_accept_due)
                if not provisional and case.date_deadline and case.date_materials_complete:
                    provisional = workday.is_provisional(case.date_materials_complete, case.date_deadline)
            except UserError:
                provisional = False  # a year the calendar refuses: the deadline compute says so
            case.deadline_provisional = provisional

    def _compute_assignment_count(self):
        counts = dict(self.env["qi.case.assignment"]._read_group([("case_id", "in", self.ids)], ["case_id"], ["__count"]))
        for case in self:
            case.assignment_count = counts.get(case, 0)

    def _compute_visit_count(self):
        counts = dict(
            self.env["calendar.event"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for case in self:
            case.visit_count = counts.get(case.id, 0)

    @api.depends("partner_id", "item_ids")
    def _compute_reusable_result_ids(self):
        Result = self.env["qi.case.result"]
        for case in self:
            if not case.partner_id or not case.item_ids:
                case.reusable_result_ids = Result
                continue
            case.reusable_result_ids = Result.search(case._get_reusable_results_domain())

    def _get_reusable_results_domain(self):
        self.ensure_one()
        today = china_today()
        return [
            ("reusable", "=", True),
            ("partner_id", "=", self.partner_id.commercial_partner_id.id),
            ("item_ids", "in", self.item_ids.ids),
            ("case_id", "!=", self._origin.id or False),
            "|", ("valid_until", "=", False), ("valid_until", ">=", today),
        ]

    def _compute_access_url(self):
        super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/qi/cases/{case.id}"

    # ------------------------------------------------------------------
    # portal
    # ------------------------------------------------------------------
    def _get_report_base_filename(self):
        # portal downloads of the case summary are named after the case number
        self.ensure_one()
        return self.name

    @api.model
    def _get_thread_with_access(self, thread_id, **kwargs):
        # A token or signed link for a missing case is refused like one for a
        # foreign case: portal's fallback would read the token of the missing
        # record and answer MissingError, telling which ids exist.
        # sudo: existence only, nothing of the record is read
        if not self.browse(thread_id).sudo().exists():
            return self.browse()
        return super()._get_thread_with_access(thread_id, **kwargs)

    @api.model
    def _portal_readable_fields(self):
        """The only fields of a case a portal user may read through the ORM."""
        return frozenset({
            "id", "display_name", "name", "subject", "partner_id", "window_id", "channel", "item_ids",
            "stage_id", "stage_code", "is_open", "date_received", "date_accept_due", "date_deadline",
            "materials_state", "user_id", "description", "access_url", "access_token",
            "materials_deemed_complete", "paused_days",
            # the default order of the model sorts on these
            "priority", "is_overdue", "rating_level",
        })

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        if not self.env.su and self.env.user._is_portal():
            return operation == "read" and field.name in self._portal_readable_fields()
        return True

    def _portal_values(self, provider=False):
        """What the portal pages show of a case: the same whitelist, as plain
        values; providers see the demand, never the enterprise's contact data."""
        self.ensure_one()
        values = {
            "id": self.id,
            "name": self.name,
            "subject": self.subject,
            "window": self.window_id.name,
            "window_phone": self.window_id.phone,
            "items": self.item_ids._get_notice_values(),
            "stage": self.stage_id.name,
            "stage_code": self.stage_code,
            "is_open": self.is_open,
            "date_received": self.date_received,
            "date_deadline": self.date_deadline,
            "deadline_provisional": self.deadline_provisional,
            "materials_state": self.materials_state,
            "handler": self.user_id.name,
            "description": self.description,
            "materials_deemed_complete": self.materials_deemed_complete,
            "correction_missing": self.correction_missing if self.materials_state == "incomplete" else "",
            "paused_days": self.paused_days,
            "clock_events": self.clock_event_ids._portal_values(),
            "pauses": [
                {"reason_kind": pause._reason_label(), "reason": pause.reason, "date_start": pause.date_start,
                 "date_end": pause.date_end, "working_days": pause.working_days}
                for pause in self.pause_ids
            ],
        }
        if not provider:
            values["service_object"] = self.partner_id.name
            values["access_url"] = self.access_url
        return values

    # ------------------------------------------------------------------
    # constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains("email_from")
    def _check_email_from(self):
        from odoo.addons.qi_window.tools.validation import check_email

        for case in self:
            check_email(self.env, case.email_from, self.env._("Contact e-mail"))

    @api.constrains("contact_phone")
    def _check_contact_phone(self):
        from odoo.addons.qi_window.tools.validation import check_phone

        for case in self:
            check_phone(self.env, case.contact_phone, self.env._("Contact phone"))

    @api.constrains("close_reason", "stage_id")
    def _check_close_reason(self):
        for case in self:
            if case.stage_code in ("cancelled", "rejected") and not (case.close_reason or "").strip():
                raise ValidationError(
                    self.env._("Case %s cannot be cancelled or rejected without a reason.", case.name)
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.email_from = self.email_from or self.partner_id.email
            # Odoo 19 has one phone per partner (res.partner.mobile is gone)
            self.contact_phone = self.contact_phone or self.partner_id.phone

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # refused before a number is drawn: a refused demand leaves no gap in the numbers
        self = self._qi_guard(vals_list)
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            received = fields.Datetime.to_datetime(vals.get("date_received")) or fields.Datetime.now()
            # the day of reception in the window's time zone, whoever creates the case
            received_on = china_date(received, self.env["qi.window"].browse(vals.get("window_id")).exists())
            if vals.get("name", "/") == "/":
                # sudo: the case number sequence is shared by every window and
                # only numbers are drawn from it
                vals["name"] = Sequence.sudo().next_by_code("qi.case", sequence_date=received_on)
            if vals.get("materials_state", "complete") == "complete" and not vals.get("date_materials_complete"):
                vals["date_materials_complete"] = received_on
        cases = super().create(vals_list)
        cases._log_intake_clock_events()
        # sudo: the first-handler log is written by the flow only (it feeds the
        # window's evaluation); the cases were just created by the caller
        Log = self.env["qi.case.handler.log"].sudo()
        for case in cases:
            if case.user_id:
                Log.create(
                    {"case_id": case.id, "to_user_id": case.user_id.id, "reason": self.env._("First handler at intake")}
                )
            if case.partner_id:
                case.message_subscribe(partner_ids=case.partner_id.ids)
        return cases

    def write(self, vals):
        self._qi_check_protected([vals])
        self = self.with_context(qi_case_internal=FLOW)  # the flow below sets protected fields
        if "user_id" in vals:
            self._check_handler_change(vals["user_id"])
        if "stage_id" in vals:
            stage = self.env["qi.case.stage"].browse(vals["stage_id"])
            for case in self:
                case._check_stage_transition(stage, vals)
            vals.update(self._prepare_stage_vals(stage))
        if "materials_state" in vals:
            vals = self._prepare_materials_vals(vals)
        running_changes = self._adjustment_fields() & vals.keys()
        before = {case.id: case._adjustment_snapshot() for case in self} if running_changes else {}
        previous_handlers = {case.id: case.user_id for case in self} if "user_id" in vals else {}
        result = super().write(vals)
        if previous_handlers:
            self._after_handler_change(previous_handlers)
        if before:
            self._log_adjustments(before)
        if "stage_id" in vals:
            self._after_stage_change()
        return result

    # ------------------------------------------------------------------
    # first handler
    # ------------------------------------------------------------------
    def _check_handler_change(self, new_user_id):
        changing = self.filtered(lambda c: c.user_id and c.user_id.id != new_user_id)
        if changing and not (self.env.context.get("qi_handler_change_reason") or "").strip():
            raise UserError(
                self.env._(
                    "The first handler of %(cases)s answers for the whole case: changing him needs a "
                    "reason, and the service object is told. Use “Change First Handler”.",
                    cases=", ".join(changing.mapped("name")),
                )
            )

    def _after_handler_change(self, previous_handlers):
        reason = self.env.context.get("qi_handler_change_reason") or ""
        # sudo: the first-handler log is written by the flow only (it feeds the
        # window's evaluation), after the caller's write of these cases passed
        Log = self.env["qi.case.handler.log"].sudo()
        for case in self:
            previous = previous_handlers[case.id]
            if previous == case.user_id or not case.user_id:
                continue
            log_vals = {
                "case_id": case.id,
                "from_user_id": previous.id or False,
                "to_user_id": case.user_id.id,
                "reason": reason or self.env._("First handler assigned"),
            }
            if previous:
                case._notify_handler_change(reason)
                log_vals["notified"] = True
            Log.create(log_vals)

    def _notify_handler_change(self, reason):
        """R-7.2.2: tell the service object, by mail and in the portal chatter."""
        self.ensure_one()
        self.message_subscribe(partner_ids=self.partner_id.ids)
        self.with_context(qi_handler_change_reason=reason).message_post_with_source(
            "qi_case.mail_template_case_handler_changed",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            partner_ids=self.partner_id.ids,
        )

    # ------------------------------------------------------------------
    # stages (Annex A)
    # ------------------------------------------------------------------
    def _check_stage_transition(self, stage, vals):
        self.ensure_one()
        code = stage.code
        if code == self.stage_code:
            return
        if self.stage_code in ("closed", "cancelled", "rejected"):
            raise UserError(self.env._("Case %s is finished; it cannot move to another stage.", self.name))
        if code in ("cancelled", "rejected") and not (vals.get("close_reason") or self.close_reason or "").strip():
            raise UserError(self.env._("Give the reason to cancel or reject case %s.", self.name))
        if code not in self._allowed_transitions().get(self.stage_code, ()):
            raise UserError(
                self.env._(
                    "Case %(case)s cannot go from “%(from)s” to “%(to)s”: follow the service flow.",
                    case=self.name, **{"from": self.stage_id.name, "to": stage.name},
                )
            )
        if code not in ("new", "cancelled", "rejected") and not (vals.get("user_id") or self.user_id):
            raise UserError(self.env._("Case %s needs a first handler before it is accepted.", self.name))
        active_assignments = self.assignment_ids.filtered(lambda a: a.state not in ("declined", "cancelled"))
        if code in ("matched", "in_service") and not active_assignments:
            raise UserError(self.env._("Match at least one provider or expert to case %s first.", self.name))
        if code == "in_service" and not active_assignments.filtered(lambda a: a.state in ("accepted", "in_progress", "delivered")):
            raise UserError(self.env._("No provider or expert has accepted case %s yet.", self.name))
        if code == "completed" and active_assignments.filtered(lambda a: a.state != "delivered"):
            raise UserError(
                self.env._("Every assignment of case %s must be delivered before the case is completed.", self.name)
            )
        if code == "closed" and self.stage_code != "completed":
            raise UserError(self.env._("Only a completed case can be closed (%s).", self.name))

    @api.model
    def _allowed_transitions(self):
        """Annex A's flow; a case may go back from matched to accepted when every
        assignment was declined."""
        return {
            "new": ("accepted", "rejected", "cancelled"),
            "accepted": ("matched", "cancelled"),
            "matched": ("accepted", "in_service", "cancelled"),
            "in_service": ("completed", "cancelled"),
            "completed": ("closed",),
        }

    def _prepare_stage_vals(self, stage):
        now = fields.Datetime.now()
        vals = {}
        if stage.code == "completed":
            vals["date_completed"] = now
        if stage.code in ("closed", "cancelled", "rejected"):
            vals["date_closed"] = now
        return vals

    def _after_stage_change(self):
        today = china_today()
        for case in self:
            if case.stage_code != "new" and not case.date_accepted:
                case.date_accepted = fields.Datetime.now()
            if case.stage_code == "completed":
                case.completed_on_time = bool(case.date_deadline and today <= case.date_deadline)
                case._update_clock(today)
                case._log_clock_event("completed", today)
                case._request_rating()
        self._update_overdue(today)
        # a finished case leaves the warning ladder
        self.filtered(lambda c: not c.is_open and c.warning_level != "none").write(
            {"warning_level": "none", "date_red": False}
        )

    def action_accept(self):
        for case in self:
            vals = {"stage_id": self._stage("accepted").id}
            if not case.user_id:
                vals["user_id"] = self.env.user.id
            case.write(vals)
        return True

    def action_start_service(self):
        self.write({"stage_id": self._stage("in_service").id})
        return True

    def action_complete(self):
        self.write({"stage_id": self._stage("completed").id})
        return True

    def action_close(self):
        self.write({"stage_id": self._stage("closed").id})
        return True

    def _stage(self, code):
        return self.env["qi.case.stage"].search([("code", "=", code)], limit=1)

    def action_open_reason_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.case.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id, "default_action": self.env.context.get("qi_close_action", "cancel")},
        }

    # ------------------------------------------------------------------
    # materials and the clock
    # ------------------------------------------------------------------
    def _prepare_materials_vals(self, vals):
        vals = dict(vals)
        if vals["materials_state"] == "complete" and "date_materials_complete" not in vals:
            vals["date_materials_complete"] = china_today(self.window_id[:1])
        elif vals["materials_state"] == "incomplete":
            vals["date_materials_complete"] = False
        return vals

    def action_materials_incomplete(self):
        """补正 (P-TL-2): one notice saying everything that is missing, within
        the set working days of receipt; the clock stops until the materials
        arrive. Later the materials count as complete from receipt."""
        today = china_today(self.window_id[:1])
        for case in self.filtered(lambda c: c.is_open):
            if not (case.correction_missing or "").strip():
                raise UserError(self.env._(
                    "Case %s: list every missing material in “Missing Materials” first; the service object "
                    "is told all of it at once (一次性告知).", case.name,
                ))
            if case.date_correction_notice:
                raise UserError(self.env._(
                    "Case %(case)s: the correction notice was sent on %(date)s; missing materials are asked "
                    "for once, all at once.", case=case.name, date=case.date_correction_notice,
                ))
            if case.date_correction_due and today > case.date_correction_due:
                raise UserError(self.env._(
                    "Case %(case)s: the correction notice was due by %(due)s. Sent later, it does not stop the "
                    "clock: the materials count as complete from receipt (Administrative Licensing Law, Art. 32).",
                    case=case.name, due=case.date_correction_due,
                ))
            case.write({"materials_state": "incomplete"})
            case._send_correction_notice(today)
        return True

    def _send_correction_notice(self, today):
        self.ensure_one()
        self.with_context(qi_case_internal=FLOW).write({"date_correction_notice": today})
        self._log_clock_event("correction_sent", today, self.correction_missing)
        if self.partner_id:
            self.message_post(
                body=self.env._(
                    "Correction notice (补正) for case %(case)s. Please send all of the following; the time limit "
                    "counts again from the day after they arrive: %(missing)s",
                    case=self.name, missing=self.correction_missing,
                ),
                message_type="comment", subtype_xmlid="mail.mt_comment", partner_ids=self.partner_id.ids,
            )

    def action_materials_complete(self):
        """The missing materials arrived: the full time limit counts again from tomorrow."""
        cases = self.filtered(lambda c: c.materials_state == "incomplete")
        cases.write({"materials_state": "complete"})
        for case in cases:
            case._log_clock_event("materials_complete", case.date_materials_complete)
        return True

    def _deem_materials_complete(self, today):
        """P-TL-2, §32: no correction notice in time, the materials count as complete from receipt."""
        late = self.filtered(
            lambda c: c.materials_state == "incomplete" and not c.date_correction_notice
            and c.date_correction_due and today > c.date_correction_due
        )
        # one UPDATE per day of receipt, one INSERT for the whole log
        for received, cases in late.grouped(lambda c: c._local_date(c.date_received)).items():
            cases.with_context(qi_case_internal=FLOW).write({
                "materials_state": "complete", "date_materials_complete": received, "materials_deemed_complete": True,
            })
        vals_list = [
            case._clock_event_vals("deemed_complete", case.date_materials_complete, self.env._(
                "No correction notice by %s: the materials count as complete from receipt.", case.date_correction_due
            ))
            for case in late
        ]
        # sudo: see _log_clock_event
        self.env["qi.case.clock.event"].sudo().with_context(qi_case_clock=FLOW).create(vals_list)
        return late

    # ------------------------------------------------------------------
    # the clock log (P-TL-2, P-TL-3, P-TL-4)
    # ------------------------------------------------------------------
    def _clock_event_vals(self, kind, day, note=False):
        self.ensure_one()
        return {"case_id": self.id, "kind": kind, "date": day, "note": note or False,
                "deadline": self.date_deadline, "user_id": self.env.user.id}

    def _log_clock_event(self, kind, day, note=False):
        # sudo: the clock log is written by the flow only, after the caller's change of the case passed
        # its own access checks; nobody writes it by hand
        return self.env["qi.case.clock.event"].sudo().with_context(qi_case_clock=FLOW).create(
            [case._clock_event_vals(kind, day, note) for case in self]
        )

    def _log_intake_clock_events(self):
        vals_list = []
        for case in self:
            received = case._local_date(case.date_received)
            vals_list.append(case._clock_event_vals("received", received))
            if case.materials_state == "complete" and case.date_materials_complete:
                vals_list.append(case._clock_event_vals("materials_complete", case.date_materials_complete))
            elif (case.correction_missing or "").strip():
                # told on the spot (当场告知)
                case.with_context(qi_case_internal=FLOW).write({"date_correction_notice": received})
                vals_list.append(case._clock_event_vals("correction_sent", received, case.correction_missing))
        # sudo: see _log_clock_event
        self.env["qi.case.clock.event"].sudo().with_context(qi_case_clock=FLOW).create(vals_list)

    def action_pause_clock(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pause the Clock"),
            "res_model": "qi.case.pause",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _local_date(self, value):
        # the window's day, not the acting user's (the gateway and the crons run as __system__)
        return china_date(value, self.window_id[:1])

    def _update_clock(self, today, extra_vals=None):
        """Refresh days used; one UPDATE per distinct value, not per case.
        ``extra_vals`` are written to every case of ``self`` in the same UPDATE."""
        workday = self.env["qi.workday"]
        changes = defaultdict(list)
        for case in self:
            days = case.days_used
            if case.date_materials_complete:
                end = case._local_date(case.date_completed) if case.date_completed else today
                days = workday.count_working_days(case.date_materials_complete, end)
                if case.paused_days:  # P-TL-4: paused working days up to ``end`` do not count
                    days -= sum(
                        workday.count_working_days(max(p.date_start, case.date_materials_complete), min(p.date_end, end))
                        for p in case.pause_ids if p.date_start < end
                    )
            if days != case.days_used or extra_vals:
                changes[days].append(case.id)
        for days, ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write(dict(extra_vals or {}, days_used=days))

    def _update_overdue(self, today):
        """Overdue = not accepted in time, or result not reported back by the deadline."""
        changes = defaultdict(list)
        for case in self:
            reason = False
            if case.stage_code == "new" and case.date_accept_due and today > case.date_accept_due:
                reason = "not_accepted"
            elif case.is_open and case.date_deadline and today > case.date_deadline:
                reason = "not_completed"
            elif case.stage_code in ("completed", "closed") and case.date_deadline and not case.completed_on_time:
                reason = "not_completed"
            if case.is_overdue != bool(reason) or case.overdue_reason != reason:
                changes[reason].append(case.id)
        for reason, ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write(
                {"is_overdue": bool(reason), "overdue_reason": reason}
            )

    # ------------------------------------------------------------------
    # adjustments
    # ------------------------------------------------------------------
    def _adjustment_fields(self):
        return {"item_ids", "time_limit_days"}

    def _adjustment_snapshot(self):
        return {
            "items": self.item_ids,
            "deadline": self.date_deadline,
            "running": self.stage_code in ("accepted", "matched", "in_service"),
        }

    def _log_adjustments(self, before):
        reason = self.env.context.get("qi_adjustment_reason")
        for case in self:
            old = before.get(case.id)
            if not old or not old["running"]:
                continue
            changes = []
            if old["items"] != case.item_ids:
                changes.append(("items", self.env._(
                    "Items: %(old)s → %(new)s",
                    old=", ".join(old["items"].mapped("display_name")) or "-",
                    new=", ".join(case.item_ids.mapped("display_name")) or "-",
                )))
            if old["deadline"] != case.date_deadline:
                changes.append(("deadline", self.env._(
                    "Deadline: %(old)s → %(new)s", old=old["deadline"] or "-", new=case.date_deadline or "-"
                )))
            if not changes:
                continue
            if not (reason or "").strip():
                raise UserError(
                    self.env._("Case %s is running: say why its items or deadline change (Adjust Service).", case.name)
                )
            for kind, what in changes:
                self.env["qi.case.adjustment"].create(
                    {"case_id": case.id, "kind": kind, "description": what, "reason": reason}
                )

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_change_handler(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change First Handler"),
            "res_model": "qi.case.handler.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Service"),
            "res_model": "qi.case.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_request_extension(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request an Extension"),
            "res_model": "qi.case.extension",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_plan_visit(self):
        """R-7.1.2: an on-site visit planned in the calendar, linked to the case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("calendar.action_calendar_event")
        partners = (self.user_id.partner_id | self.contact_id | self.partner_id).ids
        action["context"] = {
            "default_res_model": self._name,
            "default_res_id": self.id,
            "default_name": self.env._("Visit: %(case)s %(partner)s", case=self.name, partner=self.partner_id.name),
            "default_partner_ids": partners,
            "default_location": self.partner_id.contact_address if self.partner_id else False,
        }
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        return action

    def action_view_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_assignment_action")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action

    # ------------------------------------------------------------------
    # mail gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        email = msg_dict.get("email_from")
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not partner and email:
            partner = self.env["res.partner"]._qi_find_or_create_unverified(email)
        values.setdefault("subject", msg_dict.get("subject") or self.env._("Demand received by e-mail"))
        # every case gets its QI number: mail.thread would otherwise name the
        # record after the subject, and a second mail with the same subject
        # would hit the unique number and never become a case
        values["name"] = "/"
        values.setdefault("channel", "email")
        values["partner_id"] = partner.commercial_partner_id.id if partner else False
        if partner and partner != partner.commercial_partner_id:
            values["contact_id"] = partner.id
        if email:
            # the case keeps the bare address; mail.thread copies msg_dict's into it.
            # An address the case's check refuses is left out rather than losing the mail.
            bare = parse_contact_from_email(email)[1] or email
            msg_dict = dict(msg_dict, email_from=bare if is_valid_email(bare) else False)
        values["message_id_origin"] = msg_dict.get("message_id")
        values["description"] = msg_dict.get("body")
        return super().message_new(msg_dict, custom_values=values)

    # ------------------------------------------------------------------
    # supervision
    # ------------------------------------------------------------------
    @api.model
    def _cron_supervise(self, batch_size=2000):
        """Daily: refresh days used and overdue flags, warn handlers before the
        deadline and escalate overdue cases to the window leader, each once per
        deadline. A case that fails is logged and skipped, the rest go on.

        Each case is marked with the day it was supervised, so a scheduled run
        cut by its time box resumes where it stopped instead of starting over.
        """
        from odoo.addons.qi_window.tools.cron import commit_progress

        today = china_today()
        warn_days = int_param(self.env, "qi_case.warning_working_days", 2, minimum=0)
        try:
            warn_limit = self.env["qi.workday"].add_working_days(today, warn_days)
        except UserError:
            # the calendar refusing one date must not stop the supervision of every case
            _logger.exception("QI supervision: no working-day limit for warnings, calendar days used")
            warn_limit = today + timedelta(days=warn_days)
        self.env["qi.case.pause"]._end_due_pauses(today)
        # only the flow's bookkeeping (days used, flags, levels, ladder steps) is written
        # here: no tracking snapshot and no follower lookup on each of those writes
        # (tracking_disable skips both; a handler never changes here)
        Case = self.with_context(qi_case_internal=FLOW, mail_notrack=True, tracking_disable=True)
        case_ids = Case.search(
            [("is_open", "=", True), "|", ("supervised_date", "=", False), ("supervised_date", "<", today)],
            order="id",
        ).ids
        commit_progress(self.env, remaining=len(case_ids))
        failed = self.browse()
        errors = {}
        reminders = defaultdict(list)
        for start in range(0, len(case_ids), batch_size):
            batch = Case.browse(case_ids[start : start + batch_size])
            try:
                # one savepoint per batch; a failing batch is replayed case by case
                with self.env.cr.savepoint():
                    batch_reminders = batch._supervise(today, warn_limit)
            except Exception:
                batch_reminders = []
                for case in batch:
                    try:
                        with self.env.cr.savepoint():
                            batch_reminders += case._supervise(today, warn_limit)
                    except Exception as error:  # one broken case must not stop the others
                        _logger.exception("QI supervision failed for case %s", case.name)
                        failed |= case
                        errors[case.id] = error
            for key, case in batch_reminders:
                reminders[key].append(case.id)
            if batch & failed:
                # retried tomorrow, not by every call of today's run
                (batch & failed).write({"supervised_date": today})
                for case in batch & failed:
                    case._log_supervision_error(errors.pop(case.id, None))
            # the record cache would otherwise grow with every batch of a 100k-case run
            self.env.invalidate_all()
            if not commit_progress(self.env, len(batch)):
                break
        self._send_reminder_digests(reminders)
        self._remind_ratings(today)
        return failed

    def _log_supervision_error(self, error):
        """The problem is said on the case itself, where its handler sees it."""
        self.ensure_one()
        message = error.args[0] if isinstance(error, UserError) and error.args else repr(error)
        self.message_post(
            body=self.env._("The daily supervision could not process this case today: %s", message),
            subtype_xmlid="mail.mt_note",
        )

    def _supervise(self, today, warn_limit):
        self._deem_materials_complete(today)
        self._update_clock(today, {"supervised_date": today})
        self._update_overdue(today)
        self._update_warning_level(today, warn_limit)
        return self._supervise_reminders(today)

    def _update_warning_level(self, today, warn_limit):
        """P-TL-7: none, yellow (due within N working days) or red (overdue);
        one UPDATE per distinct value."""
        changes = defaultdict(list)
        for case in self:
            level = "none"
            if case.is_open and case.is_overdue:
                level = "red"
            elif case.is_open and case.stage_code != "new" and case.date_deadline and today <= case.date_deadline <= warn_limit:
                level = "yellow"
            date_red = (case.date_red or today) if level == "red" else False
            if level != case.warning_level or date_red != case.date_red:
                changes[level, date_red].append(case.id)
        for (level, date_red), ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write({"warning_level": level, "date_red": date_red})

    def _supervise_reminders(self, today):
        """The 红黄牌 ladder (P-TL-7), each step once per deadline: yellow, a
        chase (催办) to the handler; first red day, a chase notice (催办通知) to
        the handler and the window leader; after M working days red,
        supervision (督办) by the coordination department. The activities of
        the batch are created at once and without the per-activity e-mail: each
        recipient gets one digest a day (``_send_reminder_digests``), all in the
        recipient's language.

        Returns ``[((user, step), case)]`` for that digest."""
        red_days = int_param(self.env, "qi_case.supervision_red_working_days", 3, minimum=0)
        workday = self.env["qi.workday"]
        model_id = self.env["ir.model"]._get_id(self._name)
        types = {
            "yellow": self.env.ref("qi_case.mail_activity_type_case_deadline").id,
            "red": self.env.ref("qi_case.mail_activity_type_case_escalation").id,
            "supervision": self.env.ref("qi_case.mail_activity_type_case_supervision").id,
        }
        coordinators, langs = {}, {}
        vals_list, reminders, fired = [], [], defaultdict(list)
        for case in self.filtered(lambda c: c.warning_level != "none"):
            deadline = case.date_deadline or case.date_accept_due
            done = LADDER_ORDER[case.ladder_step] if case.ladder_deadline == deadline else 0
            step, users = False, self.env["res.users"]
            if case.warning_level == "yellow" and done < 1 and case.user_id:
                step, users = "yellow", case.user_id
            elif case.warning_level == "red" and done < 2:
                step, users = "red", case.user_id | case.window_id.leader_id
            elif case.warning_level == "red" and done < 3 and workday.count_working_days(case.date_red, today) >= red_days:
                window = case.window_id
                if window not in coordinators:
                    coordinators[window] = window._qi_coordination_users()
                step, users = "supervision", coordinators[window]
            if not (step and users):
                continue
            for user in users:
                if user.lang not in langs:  # the recipient's language, and its reasons, once per run
                    in_lang = self.with_env(recipient_env(self.env, user))
                    langs[user.lang] = (
                        in_lang, dict(self._fields["overdue_reason"]._description_selection(in_lang.env))
                    )
                in_lang, reasons = langs[user.lang]
                vals_list.append({
                    "res_model_id": model_id,
                    # given, not computed: mail.activity would otherwise precompute the
                    # model through a new record and read the name back, per activity
                    "res_model": self._name,
                    "res_name": case.display_name,
                    "res_id": case.id,
                    "activity_type_id": types[step],
                    "date_deadline": today if step != "yellow" else case.date_deadline,
                    "summary": case.with_env(in_lang.env)._ladder_summary(step, reasons),
                    "user_id": user.id,
                })
                reminders.append(((user.id, step), case))
            fired[step, deadline].append(case.id)
        if not vals_list:
            return []
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        for (step, deadline), ids in fired.items():
            self.browse(ids).write({"ladder_step": step, "ladder_deadline": deadline})
        return reminders

    def _ladder_summary(self, step, reasons):
        """The activity's summary, in the language of ``self.env`` (the recipient's)."""
        self.ensure_one()
        _ = self.env._
        if step == "yellow":
            return _("Chase (催办): %(case)s is due on %(deadline)s, report the result back",
                     case=self.name, deadline=self.date_deadline)
        reason = reasons.get(self.overdue_reason, "")
        if step == "red":
            return _("Chase notice (催办通知): %(case)s is overdue (%(reason)s)", case=self.name, reason=reason)
        return _("Supervision (督办): %(case)s of %(window)s is overdue since %(since)s (%(reason)s)",
                 case=self.name, window=self.window_id.name, since=self.date_red, reason=reason)

    @api.model
    def _send_reminder_digests(self, reminders):
        """One message per recipient for the day's ladder steps, in the recipient's language."""
        by_user = defaultdict(lambda: defaultdict(list))
        for (user_id, step), case_ids in reminders.items():
            by_user[user_id][step] += case_ids
        for user_id, steps in by_user.items():
            user = self.env["res.users"].browse(user_id)
            Case = self.with_env(recipient_env(self.env, user))
            _ = Case.env._
            headings = {
                "yellow": _("Due soon, chase (催办)"),
                "red": _("Overdue, chase notice (催办通知)"),
                "supervision": _("Overdue, supervision (督办)"),
            }
            all_cases = Case.browse([cid for ids in steps.values() for cid in ids])
            windows = all_cases.window_id
            subject = _("%(count)s case(s) need attention today", count=len(set(all_cases.ids)))
            if len(windows) == 1:
                subject = _("%(count)s case(s) of %(window)s need attention today",
                            count=len(set(all_cases.ids)), window=windows.name)
            sections = Markup("")
            for step in ("yellow", "red", "supervision"):
                if not steps.get(step):
                    continue
                # a digest is read by a person: the first cases, then the count of the
                # others and the supervision board, which lists and filters them all
                shown = steps[step][:DIGEST_MAX_LINES]
                lines = Markup("").join(
                    Markup("<li><a href='/odoo/qi.case/%s'>%s</a> %s %s</li>")
                    % (case.id, case.name, case.subject, case.window_id.name)
                    for case in Case.browse(shown)
                )
                more = len(steps[step]) - len(shown)
                if more:
                    lines += Markup("<li><a href='/odoo/action-qi_case.qi_case_action_supervision'>%s</a></li>") % _(
                        "… and %(count)s more: see the Supervision board", count=more
                    )
                sections += Markup("<p><b>%s</b></p><ul>%s</ul>") % (headings[step], lines)
            # one window: the digest sits on it; several: a notification of no record
            thread = windows.with_context(lang=Case.env.lang) if len(windows) == 1 else self.env["qi.window"]
            thread.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<p>%s</p>%s") % (subject, sections),
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _request_rating(self, reminder=False):
        """Ask the service object for its 好差评, by mail and in the portal."""
        for case in self.filtered("partner_id"):
            # in the service object's language; Chinese when it is unknown
            env = recipient_env(self.env, case.partner_id)
            body = (
                env._("Reminder: how satisfied are you with case %(case)s? Rate it here: %(url)s",
                      case=case.name, url=case.get_base_url() + case.access_url)
                if reminder else
                env._("Case %(case)s is completed. Please rate our service (非常满意 … 非常不满意): %(url)s",
                      case=case.name, url=case.get_base_url() + case.access_url)
            )
            case.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment",
                              partner_ids=case.partner_id.ids)
            case.with_context(qi_case_internal=FLOW).write(
                {"rating_requested_date": china_today(case.window_id)} if not reminder else {"rating_reminded": True}
            )

    @api.model
    def _remind_ratings(self, today):
        """One reminder, 3 days after the request, to cases still unrated."""
        due = today - timedelta(days=3)
        cases = self.search([
            ("stage_code", "in", ("completed", "closed")), ("rating_requested_date", "<=", due),
            ("rating_reminded", "=", False), ("qi_rating_ids", "=", False),
        ])
        cases._request_rating(reminder=True)
        return cases

    def _description_text(self):
        return html2plaintext(self.description or "")
