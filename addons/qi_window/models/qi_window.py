from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..tools.china import china_today
from ..tools.validation import check_email, check_phone

SITE_TYPES = [
    ("government_centre", "Government Service Centre"),
    ("qi_institution", "Quality Technical Institution"),
    ("park_workstation", "Park Workstation"),
    ("mobile_station", "Mobile Service Station"),
]

HOST_TYPES = [
    ("own", "Operating Organisation"),
    ("consulting_firm", "Quality Consulting Firm"),
    ("intermediary", "Intermediary Organisation"),
    ("leading_enterprise", "Leading Enterprise"),
]


class QiWindow(models.Model):
    """A one-stop service window (R-5.1.1): the physical or online point
    where enterprises get every QI service in one place."""

    _name = "qi.window"
    _description = "QI Service Window"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code of the window, used in case and archive numbers.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    description = fields.Html(translate=True, sanitize=True)
    # R-5.1.1.1 site types, R-5.1.1.2 windows built on social forces
    site_type = fields.Selection(SITE_TYPES, required=True, default="government_centre", tracking=True)
    host_type = fields.Selection(
        HOST_TYPES,
        string="Hosted By",
        required=True,
        default="own",
        tracking=True,
        help="R-5.1.1.2: a window may be built on a quality consulting firm, an intermediary or a leading enterprise.",
    )
    host_partner_id = fields.Many2one(
        "res.partner",
        string="Host Organisation",
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Operating Organisation",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="The organisation that builds and runs the window day to day; its managers see all of its windows.",
    )
    coordination_partner_id = fields.Many2one(
        "res.partner",
        string="Coordination Department",
        domain="[('is_company', '=', True)]",
        tracking=True,
        help="Government body that plans, supervises and evaluates the window.",
    )
    # a designated leader is responsible for daily service work
    leader_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        domain=lambda self: [("group_ids", "in", self.env.ref("qi_window.group_qi_user").id)],
    )
    staff_ids = fields.One2many("qi.window.staff", "window_id")
    member_user_ids = fields.Many2many(
        "res.users",
        "qi_window_member_rel",
        "window_id",
        "user_id",
        string="Members",
        compute="_compute_member_user_ids",
        store=True,
        help="Leader and active staff: the users whose record rules open this window.",
    )
    # address
    street = fields.Char()
    street2 = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", string="Province")
    zip = fields.Char()
    country_id = fields.Many2one("res.country", default=lambda self: self.env.ref("base.cn", False))
    # R-5.1.2.1 published contact points
    phone = fields.Char(string="Service Phone", tracking=True)
    complaint_phone = fields.Char(string="Supervision / Complaint Phone", tracking=True)
    email = fields.Char(tracking=True)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Opening Hours",
        default=lambda self: self.env.company.resource_calendar_id,
    )
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default="Asia/Shanghai",
        help="Every date of the window (reception, deadlines, supervision) is a date in this time zone, "
        "whoever acts: the mail gateway, the crons or the public form.",
    )
    opening_hours_note = fields.Char(
        translate=True,
        help="Shown on the public page next to the opening hours, e.g. 'closed on PRC public holidays'.",
    )
    channel_ids = fields.One2many("qi.window.channel", "window_id", string="Online Channels")
    facility_ids = fields.One2many("qi.window.facility", "window_id", string="Facilities")
    rule_ids = fields.One2many("qi.window.rule", "window_id", string="Rules")

    staff_count = fields.Integer(compute="_compute_counts")
    facility_count = fields.Integer(compute="_compute_counts")
    facility_overdue_count = fields.Integer(compute="_compute_counts")
    facility_issue_count = fields.Integer(
        compute="_compute_counts", help="Facilities that need repair or are out of service."
    )
    rule_published_count = fields.Integer(compute="_compute_counts")
    channel_count = fields.Integer(compute="_compute_counts")

    _code_uniq = models.Constraint("UNIQUE(code)", "Another window already uses this code.")

    @api.depends("leader_id", "staff_ids.user_id", "staff_ids.active")
    def _compute_member_user_ids(self):
        for window in self:
            window.member_user_ids = window.leader_id | window.staff_ids.filtered("active").user_id

    @api.depends("staff_ids", "facility_ids.is_overdue", "facility_ids.state", "rule_ids.state", "channel_ids")
    def _compute_counts(self):
        """One grouped query per related model, whatever the number of windows."""

        def grouped(model, domain):
            rows = self.env[model]._read_group([("window_id", "in", self.ids), *domain], ["window_id"], ["__count"])
            return {window.id: count for window, count in rows}

        staff = grouped("qi.window.staff", [])
        facilities = grouped("qi.window.facility", [])
        overdue = grouped("qi.window.facility", [("is_overdue", "=", True)])
        issues = grouped("qi.window.facility", [("state", "!=", "ok")])
        rules = grouped("qi.window.rule", [("state", "=", "published")])
        channels = grouped("qi.window.channel", [])
        for window in self:
            window.staff_count = staff.get(window.id, 0)
            window.facility_count = facilities.get(window.id, 0)
            window.facility_overdue_count = overdue.get(window.id, 0)
            window.facility_issue_count = issues.get(window.id, 0)
            window.rule_published_count = rules.get(window.id, 0)
            window.channel_count = channels.get(window.id, 0)

    @api.constrains("phone", "complaint_phone", "email")
    def _check_contact(self):
        for window in self:
            check_phone(self.env, window.phone, self.env._("Service phone"))
            check_phone(self.env, window.complaint_phone, self.env._("Complaint phone"))
            check_email(self.env, window.email, self.env._("E-mail"))

    @api.constrains("host_type", "host_partner_id")
    def _check_host(self):
        for window in self:
            if window.host_type != "own" and not window.host_partner_id:
                raise ValidationError(
                    self.env._(
                        "Window %(window)s is hosted by a third party: set its host organisation.",
                        window=window.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code"):
                vals["code"] = vals["code"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("code"):
            vals["code"] = vals["code"].strip().upper()
        result = super().write(vals)
        if {"leader_id", "staff_ids"} & vals.keys():
            # see qi.window.staff._flush_membership
            self.flush_recordset(["member_user_ids"])
        return result

    def _qi_today(self):
        """Today in the window's time zone (China), whoever acts."""
        return china_today(self[:1])

    def _action_related(self, model, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(f"qi_window.{model}_action")
        action["domain"] = [("window_id", "=", self.id)]
        action["context"] = {"default_window_id": self.id}
        action["display_name"] = name
        return action

    @api.readonly
    def action_view_staff(self):
        return self._action_related("qi_window_staff", self.env._("Staff of %s", self.name))

    @api.readonly
    def action_view_facilities(self):
        return self._action_related("qi_window_facility", self.env._("Facilities of %s", self.name))

    @api.readonly
    def action_view_rules(self):
        return self._action_related("qi_window_rule", self.env._("Rules of %s", self.name))

    @api.readonly
    def action_view_channels(self):
        return self._action_related("qi_window_channel", self.env._("Channels of %s", self.name))

    # ------------------------------------------------------------------
    # Public page (R-5.1.2.1, R-7.1.1)
    # ------------------------------------------------------------------
    def _get_public_values(self):
        """What the public page may show of these windows: contact points of the
        window itself, never a person's data. Later addons extend the dicts
        (service items, satisfaction)."""
        result = []
        for window in self:
            result.append(
                {
                    "id": window.id,
                    "name": window.name,
                    "code": window.code,
                    "site_type": dict(self._fields["site_type"]._description_selection(self.env))[window.site_type],
                    "address": ", ".join(
                        filter(
                            None,
                            [
                                window.street,
                                window.street2,
                                window.city,
                                window.state_id.name,
                            ],
                        )
                    ),
                    "phone": window.phone,
                    "complaint_phone": window.complaint_phone,
                    "email": window.email,
                    "opening_hours": window._get_opening_hours_text(),
                    "opening_hours_note": window.opening_hours_note,
                    "channels": [
                        {
                            "name": channel.name,
                            "type": channel.type_label,
                            "url": channel.url,
                            "value": channel.value,
                            "has_qr": bool(channel.qr_image),
                            "id": channel.id,
                        }
                        for channel in window.channel_ids
                    ],
                    "rules": [
                        {
                            "name": rule.name,
                            "kind": rule.kind_label,
                            "version": rule.version,
                            "effective_date": rule.effective_date,
                        }
                        for rule in window.rule_ids.filtered(lambda r: r.state == "published")
                    ],
                }
            )
        return result

    def _get_opening_hours_text(self):
        """Human summary of the window's working schedule, e.g. 'Mon–Fri 08:30–12:00, 14:00–17:30'."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        if not calendar:
            return ""
        days = dict(self.env["resource.calendar.attendance"]._fields["dayofweek"]._description_selection(self.env))
        slots = {}
        for att in calendar.attendance_ids.filtered(lambda a: not a.display_type and a.day_period != "lunch"):
            slot = "%02d:%02d–%02d:%02d" % (
                int(att.hour_from),
                round(att.hour_from % 1 * 60),
                int(att.hour_to),
                round(att.hour_to % 1 * 60),
            )
            slots.setdefault(att.dayofweek, []).append(slot)
        # group consecutive days that share the same slots
        parts, previous = [], None
        for day in sorted(slots, key=int):
            hours = ", ".join(sorted(set(slots[day])))
            if previous and previous[1] == hours and int(previous[2]) + 1 == int(day):
                previous[2] = day
            else:
                previous = [day, hours, day]
                parts.append(previous)
        return "; ".join(
            (days[first] if first == last else f"{days[first]}–{days[last]}") + " " + hours
            for first, hours, last in parts
        )
