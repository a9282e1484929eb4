import datetime

from odoo import api, fields, models

from ..tools.china import china_today, recipient_env
from ..tools.cron import batches
from ..tools.settings import int_param

FACILITY_CATEGORIES = [
    ("office", "Office Equipment"),  # R-5.1.2.3
    ("environment", "Working Environment"),  # R-5.1.2.4
    ("fire_safety", "Fire Safety and Evacuation"),  # R-5.1.2.5
    ("signage", "Signage and Logo"),  # R-5.1.2.2 (GB/T 10001.1)
]

FACILITY_STATES = [
    ("ok", "In Order"),
    ("needs_repair", "Needs Repair"),
    ("out_of_service", "Out of Service"),
]


class QiWindowFacility(models.Model):
    """An item of a window's facilities, checked and maintained regularly by a
    designated person (R-5.1.2.2, R-5.1.2.3, R-5.1.2.4, R-5.1.2.5, R-5.1.2.6)."""

    _name = "qi.window.facility"
    _description = "QI Window Facility"
    _inherit = ["qi.window.bound.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "window_id, category, name, id"

    name = fields.Char(required=True, translate=True)
    window_id = fields.Many2one("qi.window", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    category = fields.Selection(FACILITY_CATEGORIES, required=True, default="office", tracking=True)
    description = fields.Text(translate=True)
    quantity = fields.Integer(default=1)
    location = fields.Char(help="Where the item is, e.g. 'hall, desk 3'.")
    standard_ref = fields.Char(string="Standard Reference", help="E.g. GB/T 10001.1 symbol number for signs.")
    responsible_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="R-5.1.2.6: the designated person who checks and maintains this item.",
    )
    check_interval = fields.Integer(string="Check Every (days)", required=True, default=30, tracking=True)
    date_start = fields.Date(
        string="In Use Since",
        required=True,
        default=lambda self: china_today(),
        help="The first check is due one interval after this date.",
    )
    check_ids = fields.One2many("qi.window.facility.check", "facility_id", string="Checks")
    last_check_id = fields.Many2one(
        "qi.window.facility.check",
        string="Last Check Record",
        compute="_compute_last_check",
        store=True,
        index="btree_not_null",
    )
    last_check_date = fields.Date(related="last_check_id.date", store=True, string="Last Check")
    next_check_date = fields.Date(compute="_compute_next_check_date", store=True, index=True, string="Next Check")
    state = fields.Selection(FACILITY_STATES, compute="_compute_state", store=True, index=True, tracking=True)
    is_overdue = fields.Boolean(
        string="Check Overdue",
        compute="_compute_is_overdue",
        store=True,
        index=True,
        help="The next check date has passed; the daily scheduled action refreshes this flag.",
    )
    reminded_due_date = fields.Date(
        readonly=True,
        copy=False,
        help="Due date of the last check an activity was scheduled for; no second activity "
        "is created for the same due date.",
    )
    active = fields.Boolean(default=True)

    _check_interval_positive = models.Constraint(
        "CHECK(check_interval > 0)", "The check interval must be at least one day."
    )

    @api.depends("check_ids.date", "check_ids.result")
    def _compute_last_check(self):
        for facility in self:
            facility.last_check_id = facility.check_ids.sorted(lambda c: (c.date, c.id))[-1:]

    @api.depends("last_check_date", "check_interval", "date_start")
    def _compute_next_check_date(self):
        for facility in self:
            base = facility.last_check_date or facility.date_start
            facility.next_check_date = (
                base + datetime.timedelta(days=facility.check_interval)
                if base and facility.check_interval > 0
                else False
            )

    @api.depends("last_check_id.result")
    def _compute_state(self):
        for facility in self:
            facility.state = facility.last_check_id.result or "ok"

    @api.depends("next_check_date")
    def _compute_is_overdue(self):
        today = china_today()
        for facility in self:
            facility.is_overdue = bool(facility.next_check_date and facility.next_check_date < today)

    def action_record_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Check"),
            "res_model": "qi.window.facility.check",
            "view_mode": "form",
            "target": "new",
            "context": {"default_facility_id": self.id},
        }

    # ------------------------------------------------------------------
    # Scheduled action (R-5.1.2.6)
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_facilities(self, batch_size=500):
        """Mark overdue items and schedule one activity per due check.

        A check is due when its date is within the configured lead time. The
        due date is remembered on the facility, so a second run (same day or
        later) schedules nothing more until the next check is recorded.
        """
        today = china_today()
        lead = int_param(self.env, "qi_window.facility_check_lead_days", 3, minimum=0)
        self._refresh_overdue_flags(today)
        domain = [("next_check_date", "<=", today + datetime.timedelta(days=lead))]
        facilities = self.search(domain, order="next_check_date, id")
        # comparing two columns is not a domain: filter in memory on the prefetched batch
        facilities = facilities.filtered(lambda f: f.reminded_due_date != f.next_check_date)
        for batch in batches(self.env, facilities, batch_size):
            for facility in batch:
                facility.activity_schedule(
                    "qi_window.mail_activity_type_facility_check",
                    date_deadline=facility.next_check_date,
                    summary=recipient_env(self.env, facility.responsible_id)._(
                        "Check %(facility)s (%(window)s)", facility=facility.name, window=facility.window_id.name
                    ),
                    user_id=facility.responsible_id.id,
                )
                facility.reminded_due_date = facility.next_check_date

    @api.model
    def _refresh_overdue_flags(self, today):
        """is_overdue depends on today's date: flip the rows whose status changed."""
        to_flip = self.search(
            [
                "|",
                "&",
                ("is_overdue", "=", False),
                ("next_check_date", "<", today),
                "&",
                ("is_overdue", "=", True),
                "|",
                ("next_check_date", ">=", today),
                ("next_check_date", "=", False),
            ]
        )
        if to_flip:
            self.env.add_to_compute(self._fields["is_overdue"], to_flip)
            to_flip.flush_recordset(["is_overdue"])
        return to_flip
