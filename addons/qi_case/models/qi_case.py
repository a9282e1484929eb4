import logging
import re
import uuid

from psycopg2 import IntegrityError
from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, ValidationError
from odoo.tools import SQL, html2plaintext
from odoo.tools.mail import parse_contact_from_email

from odoo.addons.qi_window.tools.china import china_date, china_today, recipient_lang
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.validation import is_valid_email

from .qi_case_stage import FINAL_CODES

_logger = logging.getLogger(__name__)

# the name of a case until its number is claimed (qi.case._claim_number)
NUMBER_PENDING = "/pending/"

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
    _qi_protected_fields = frozenset(
        {
            "extension_days",
            "is_overdue",
            "overdue_reason",
            "completed_on_time",
            "date_completed",
            "date_closed",
            "date_accepted",
            "days_used",
            "supervised_date",
            "warning_level",
            "date_red",
            "ladder_step",
            "ladder_deadline",
            "date_correction_notice",
            "materials_deemed_complete",
            "message_id_origin",
            "intake_key",
            "intake_ip_hash",
            "rating_requested_date",
            "rating_reminded",
        }
    )
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
        "qi.service.category",
        compute="_compute_category_id",
        store=True,
        index=True,
        help="Category of the first requested item, for reporting.",
    )
    is_package = fields.Boolean(
        string="Customised Package",
        compute="_compute_is_package",
        store=True,
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
        "res.users",
        string="First Handler",
        index=True,
        tracking=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("qi_window.group_qi_user").id)],
    )
    handler_log_ids = fields.One2many("qi.case.handler.log", "case_id", string="First-handler Log")
    # time limits
    date_received = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True)
    date_accept_due = fields.Date(
        string="Acceptance Due",
        compute="_compute_date_accept_due",
        store=True,
    )
    date_accepted = fields.Datetime(readonly=True, copy=False)
    materials_state = fields.Selection(
        [("complete", "Complete"), ("incomplete", "Incomplete (补正)")],
        default="complete",
        required=True,
        tracking=True,
        help="While materials are incomplete the clock stops; it restarts when they arrive.",
    )
    # P-TL-2: the 补正 notice, all at once, within N working days of receipt
    date_correction_due = fields.Date(
        string="Correction Notice Due",
        compute="_compute_date_correction_due",
        store=True,
        help="Last day to send the correction notice (补正, 一次性告知); later, the materials count "
        "as complete from receipt (Administrative Licensing Law, Art. 32).",
    )
    date_correction_notice = fields.Date(string="Correction Notice Sent On", readonly=True, copy=False)
    correction_missing = fields.Text(
        string="Missing Materials",
        help="Everything that is missing, all at once (一次性告知): the service object is told this list.",
    )
    materials_deemed_complete = fields.Boolean(
        string="Deemed Complete on Receipt",
        readonly=True,
        copy=False,
        help="No correction notice was sent in time: the materials count as complete from receipt "
        "(视为受理, Administrative Licensing Law, Art. 32).",
    )
    date_materials_complete = fields.Date(
        string="Materials Complete On",
        copy=False,
        tracking=True,
        help="The completion time limit counts working days from the day after this date.",
    )
    time_limit_days = fields.Integer(
        string="Time Limit (working days)",
        compute="_compute_time_limit_days",
        store=True,
        readonly=False,
        help="The longest committed limit of the requested items; can be set by hand.",
    )
    statutory_limit_days = fields.Integer(
        string="Statutory Limit (working days)",
        compute="_compute_time_limit_days",
        store=True,
        help="The longest statutory limit of the requested items (P-TL-6).",
    )
    pause_ids = fields.One2many("qi.case.pause", "case_id", string="Clock Pauses")
    paused_days = fields.Integer(
        string="Paused (working days)",
        compute="_compute_paused_days",
        store=True,
        help="Working days of testing, inspection, appraisal, expert review or hearings: they do not count "
        "(Administrative Licensing Law, Art. 45).",
    )
    clock_event_ids = fields.One2many("qi.case.clock.event", "case_id", string="Clock Log")
    extension_days = fields.Integer(string="Extension (working days)", readonly=True, copy=False)
    extension_ids = fields.One2many("qi.case.extension", "case_id", string="Extensions")
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        tracking=True,
    )
    deadline_provisional = fields.Boolean(
        string="Provisional Deadline",
        compute="_compute_deadline_provisional",
        store=True,
        index="btree_not_null",
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
        readonly=True,
        copy=False,
    )
    deadline_state = fields.Selection(
        [
            ("on_time", "On time"),
            ("not_accepted", "Not accepted in time"),
            ("not_completed", "Result late"),
        ],
        # a selection, not the overdue boolean: the kanban progress bar groups it
        compute="_compute_deadline_state",
        store=True,
        help="Whether the case keeps its time limits: on time, not accepted in time, or result late.",
    )
    completed_on_time = fields.Boolean(readonly=True, copy=False, help="Result reported back by the deadline.")
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        compute="_compute_on_time_rate",
        store=True,
        aggregator="avg",
        help="100 for a case completed by its deadline, 0 if late; empty while it runs.",
    )
    days_used = fields.Integer(
        string="Working Days Used",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Working days since the materials were complete, up to the result or today.",
    )
    # P-TL-7 红黄牌: refreshed by the daily supervision
    warning_level = fields.Selection(
        WARNING_LEVELS,
        default="none",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        help="Yellow: due within the set number of working days. Red: overdue.",
    )
    date_red = fields.Date(string="Red Since", readonly=True, copy=False)
    ladder_step = fields.Selection(
        LADDER_STEPS,
        string="Last Escalation Step",
        readonly=True,
        copy=False,
        help="The last step of the warning ladder fired for the current deadline; each fires once.",
    )
    ladder_deadline = fields.Date(readonly=True, copy=False, help="The deadline the fired steps are about.")
    supervised_date = fields.Date(
        readonly=True,
        copy=False,
        help="Day the daily supervision last reached the case: a run cut short by its time box "
        "resumes with the cases not reached yet.",
    )
    # matching, service, results
    assignment_ids = fields.One2many("qi.case.assignment", "case_id", string="Assignments")
    assignment_count = fields.Integer(compute="_compute_assignment_count")
    adjustment_ids = fields.One2many("qi.case.adjustment", "case_id", string="Adjustments")
    result_ids = fields.One2many("qi.case.result", "case_id", string="Results")
    reusable_result_ids = fields.Many2many(
        "qi.case.result",
        compute="_compute_reusable_result_ids",
        string="Reusable Results",
        help="R-6.2.2.2: results of this service object's earlier cases that cover the requested items.",
    )
    visit_ids = fields.One2many(
        "calendar.event",
        "res_id",
        string="Visits",
        domain=lambda self: [("res_model", "=", self._name)],
    )
    visit_count = fields.Integer(compute="_compute_visit_count")
    qi_rating_ids = fields.One2many("qi.case.rating", "case_id", string="Ratings")
    rating_level = fields.Selection(
        selection=lambda self: self.env["qi.case.rating"]._fields["level"].selection,
        compute="_compute_rating_level",
        string="Satisfaction",
        help="The current 好差评 level given by the service object.",
    )
    rating_requested_date = fields.Date(readonly=True, copy=False)
    rating_reminded = fields.Boolean(readonly=True, copy=False)
    partner_lang = fields.Char(
        compute="_compute_partner_lang",
        string="Service Object's Language",
        help="The language mails to the service object are written in: its own, Chinese when unknown.",
    )
    intake_key = fields.Char(
        readonly=True,
        copy=False,
        help="Idempotency key of the public form: a double-click or a retry never makes a second case.",
    )
    intake_ip_hash = fields.Char(readonly=True, copy=False, index="btree_not_null")
    message_id_origin = fields.Char(
        string="Origin Message-Id",
        readonly=True,
        copy=False,
        help="Message-Id of the e-mail that created the case; a second delivery never makes a second case.",
    )

    _name_company_uniq = models.Constraint("UNIQUE(name)", "This case number is already used.")
    # the highest case number in one index step (_highest_number): byte order, whatever the collation
    _name_c_index = models.Index('(name COLLATE "C")')
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

    def init(self):  # pylint: disable=missing-return  # init returns nothing
        super().init()
        # every running case is updated daily (days used): room on each page lets
        # PostgreSQL update it in place (HOT) instead of touching every index
        self.env.cr.execute("ALTER TABLE qi_case SET (fillfactor = 85)")
        # Planner statistics for the month of reception as the pivot and graph
        # group it (users in Asia/Shanghai, or without a time zone). Without
        # them PostgreSQL expects one group per case and sorts every case, on
        # disk at 100k cases, instead of hashing a dozen months.
        for name, month in (
            (
                "qi_case_received_month_cst_stat",
                "date_trunc('month', timezone('Asia/Shanghai', timezone('UTC', date_received)))",
            ),
            ("qi_case_received_month_stat", "date_trunc('month', date_received)"),
        ):
            self.env.cr.execute(
                SQL("CREATE STATISTICS IF NOT EXISTS %s ON (%s) FROM qi_case", SQL.identifier(name), SQL(month))
            )

    # ------------------------------------------------------------------
    # defaults and computes
    # ------------------------------------------------------------------
    def _default_stage(self):
        return self.env["qi.case.stage"].search([("code", "=", "new")], limit=1)

    @api.model
    def _read_group_expand_stages(self, stages, domain):
        return stages.search([], order=stages._order)  # pylint: disable=no-search-all  # every stage is a kanban column

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

    def _compute_assignment_count(self):
        counts = dict(
            self.env["qi.case.assignment"]._read_group([("case_id", "in", self.ids)], ["case_id"], ["__count"])
        )
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
            "|",
            ("valid_until", "=", False),
            ("valid_until", ">=", today),
        ]

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
        for vals in vals_list:
            received = fields.Datetime.to_datetime(vals.get("date_received")) or fields.Datetime.now()
            # the day of reception in the window's time zone, whoever creates the case
            received_on = china_date(received, self.env["qi.window"].browse(vals.get("window_id")).exists())
            if vals.get("name", "/") == "/":
                # replaced by the case's number as soon as the row exists (_create)
                vals["name"] = f"{NUMBER_PENDING}{received_on.isoformat()}/{uuid.uuid4().hex}"
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

    def _create(self, data_list):
        cases = super()._create(data_list)
        # numbered before anything reads the name (mail.thread's create notifies)
        for case, data in zip(cases, data_list, strict=True):
            name = data["stored"].get("name") or ""
            if name.startswith(NUMBER_PENDING):
                case._claim_number(fields.Date.to_date(name[len(NUMBER_PENDING) :].split("/")[0]))
        return cases

    def _claim_number(self, day):
        """Give the case, just inserted, the next number (办件编号) of the year of
        ``day``: the highest one plus one, claimed through the unique index of the
        name as Odoo numbers invoices (``sequence.mixin._locked_increment``).

        Case numbers are official record numbers: no gap, no duplicate. A number
        another transaction holds makes this one wait until it ends: this one
        then takes the next number if the other committed, the same if it rolled
        back. A PostgreSQL sequence keeps the number of a rolled-back transaction
        (a gap, e.g. for every retried request); a row lock on a counter (the
        ``no_gap`` sequence) makes a transaction that waited fail, since under
        REPEATABLE READ it may not read the row the other one committed: under
        50 visitors at once, requests ran out of retries (issue 14). The sequence
        ``qi.case`` only gives the format (prefix, padding, suffix)."""
        self.ensure_one()
        # sudo: the format of the numbers is shared by every window and only read
        sequence = self.env["ir.sequence"].sudo().search([("code", "=", "qi.case")], order="company_id", limit=1)
        prefix, suffix = sequence._get_prefix_suffix(date=day, date_range=day)
        # the highest number of the year, own uncommitted cases included
        number = self._highest_number(prefix, suffix, sequence.padding)
        with self.env.cr.savepoint(flush=False) as savepoint:
            while True:
                number += 1
                name = f"{prefix}{number:0{sequence.padding}d}{suffix}"
                try:
                    # waits while another transaction holds this number
                    self.env.cr.execute(
                        SQL("UPDATE qi_case SET name = %s WHERE id = %s", name, self.id), log_exceptions=False
                    )
                    break
                except UniqueViolation:
                    savepoint.rollback()  # committed by another transaction: the next one
        self.invalidate_recordset(["name", "display_name"])

    def _highest_number(self, prefix, suffix, padding):
        """The highest number after ``prefix`` among the case numbers, 0 if none.

        Numbers are claimed one after the other, padded to ``padding`` digits:
        the last of them in byte order is the highest, read from the end of the
        index ``qi_case_name_c_index`` in one step at any number of cases. Only
        once the padding is full (99999, more than the width) or a number was
        set by hand do the numbers of the year get read one by one."""
        pattern = re.compile(rf"^{re.escape(prefix)}([0-9]+){re.escape(suffix)}$")
        self.env.cr.execute(
            SQL(
                'SELECT name FROM qi_case WHERE name COLLATE "C" >= %s AND name COLLATE "C" < %s '
                'ORDER BY name COLLATE "C" DESC LIMIT 1',
                prefix,
                prefix[:-1] + chr(ord(prefix[-1]) + 1),
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return 0
        found = pattern.match(row[0])
        if found and len(found[1]) == padding and found[1] != "9" * padding:
            return int(found[1])
        self.env.cr.execute(
            SQL(
                "SELECT max(substr(name, %s, length(name) - %s)::bigint) FROM qi_case WHERE name LIKE %s AND name ~ %s",
                len(prefix) + 1,
                len(prefix) + len(suffix),
                re.sub(r"([\\%_])", r"\\\1", prefix) + "%",
                pattern.pattern,
            )
        )
        return self.env.cr.fetchone()[0] or 0

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

    def _local_date(self, value):
        # the window's day, not the acting user's (the gateway and the crons run as __system__)
        return china_date(value, self.window_id[:1])

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
        try:
            return super().message_new(msg_dict, custom_values=values)
        except IntegrityError as error:
            if error.diag.constraint_name != f"{self._table}_message_id_uniq":
                raise
            # the same mail reached another gateway process, whose case committed
            # after this transaction began: the server retries the delivery, which
            # then finds the mail processed and ignores it (no failure, no bounce)
            raise ConcurrencyError(f"mail {msg_dict.get('message_id')} delivered twice at once") from error

    def _description_text(self):
        return html2plaintext(self.description or "")

    @api.model
    def _cron_supervise(self, batch_size=2000):
        """The daily supervision (R-7.3.3), run by ``qi.case.supervision``; kept here
        because the scheduled action (noupdate data) calls it on this model."""
        return self.env["qi.case.supervision"]._run(batch_size=batch_size)
