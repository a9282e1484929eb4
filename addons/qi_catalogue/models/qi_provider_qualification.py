import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.cron import batches
from odoo.addons.qi_window.tools.settings import int_param

_logger = logging.getLogger(__name__)

QUALIFICATION_TYPES = [
    ("cma", "CMA Inspection Body Accreditation"),
    ("cnas_lab", "CNAS Laboratory Accreditation"),
    ("cnas_inspection", "CNAS Inspection Body Accreditation"),
    ("cnas_certification", "CNAS Certification Body Accreditation"),
    ("metrology_authorisation", "Legal Metrology Authorisation"),
    ("special_equipment", "Special Equipment Inspection Approval"),
    ("patent_agency", "Patent Agency Licence"),
    ("trademark_agency", "Trademark Agency Filing"),
    ("other", "Other"),
]

QUALIFICATION_STATES = [
    ("valid", "Valid"),
    ("expiring", "Expiring"),
    ("expired", "Expired"),
]

# certificates are scans or PDFs of a few pages
CERTIFICATE_MIMETYPES = ("application/pdf", "image/jpeg", "image/png")
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


class QiProviderQualification(models.Model):
    """A qualification of a provider (clause 3: 满足资质要求): what it is, what it
    covers, until when. Only a valid qualification counts in matching; the
    provider's manager is warned before it expires."""

    _name = "qi.provider.qualification"
    _description = "QI Provider Qualification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to, id"
    _rec_name = "number"

    provider_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_qi_provider', '=', True)]",
    )
    qualification_type = fields.Selection(
        QUALIFICATION_TYPES, string="Type", required=True, default="cma", tracking=True
    )
    number = fields.Char(string="Certificate Number", required=True, tracking=True)
    issuer = fields.Char(string="Issued By", help="E.g. CNCA, CNAS or the provincial market regulation administration.")
    scope = fields.Text(help="Scope as written on the certificate.")
    scope_item_ids = fields.Many2many(
        "qi.service.item",
        "qi_qualification_item_rel",
        "qualification_id",
        "item_id",
        string="Covered Items",
        help="The service items this qualification entitles the provider to deliver.",
    )
    date_from = fields.Date(string="Valid From", tracking=True)
    date_to = fields.Date(string="Valid Until", index=True, tracking=True, help="Empty when it does not expire.")
    certificate_file = fields.Binary(
        string="Certificate", attachment=True, help="Scan or PDF of the certificate (PDF, JPEG or PNG, 10 MB at most)."
    )
    certificate_filename = fields.Char()
    state = fields.Selection(QUALIFICATION_STATES, compute="_compute_state", search="_search_state", string="Status")
    days_to_expiry = fields.Integer(compute="_compute_state")
    warning_ids = fields.One2many("qi.provider.qualification.warning", "qualification_id", string="Warnings Sent")
    note = fields.Text()
    active = fields.Boolean(default=True)

    _number_uniq = models.Constraint(
        "UNIQUE(provider_id, qualification_type, number)",
        "This provider already has a qualification of this type with this number.",
    )
    _dates_check = models.Constraint(
        "CHECK(date_to IS NULL OR date_from IS NULL OR date_to >= date_from)",
        "A qualification cannot expire before it starts.",
    )

    @api.model
    def _get_expiring_days(self):
        return int_param(self.env, "qi_catalogue.qualification_expiring_days", 60, minimum=0)

    @api.depends("date_to")
    def _compute_state(self):
        today = china_today()
        expiring_days = self._get_expiring_days()
        for qualification in self:
            if not qualification.date_to:
                qualification.state = "valid"
                qualification.days_to_expiry = 0
                continue
            days = (qualification.date_to - today).days
            qualification.days_to_expiry = days
            if days < 0:
                qualification.state = "expired"
            elif days <= expiring_days:
                qualification.state = "expiring"
            else:
                qualification.state = "valid"

    def _search_state(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = china_today()
        horizon = today + datetime.timedelta(days=self._get_expiring_days())
        domains = {
            "valid": ["|", ("date_to", "=", False), ("date_to", ">", horizon)],
            "expiring": [("date_to", ">=", today), ("date_to", "<=", horizon)],
            "expired": [("date_to", "<", today)],
        }
        return Domain.OR(Domain(domains[state]) for state in value if state in domains)

    @api.depends("number", "qualification_type")
    def _compute_display_name(self):
        for qualification in self:
            qualification.display_name = self._get_label(qualification.qualification_type, qualification.number)

    @api.model
    def _get_label(self, qualification_type, number):
        """'CNAS Laboratory Accreditation CNAS L1234', in the user's language."""
        labels = dict(self._fields["qualification_type"]._description_selection(self.env))
        return f"{labels.get(qualification_type, '')} {number or ''}".strip()

    @api.constrains("certificate_file")
    def _check_certificate_file(self):
        # sudo: reads only the size and type of the certificates of these records,
        # which the user is creating or writing
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "in", self.ids), ("res_field", "=", "certificate_file")]
            )
        )
        for attachment in attachments:
            if attachment.mimetype not in CERTIFICATE_MIMETYPES:
                raise ValidationError(
                    self.env._("The certificate must be a PDF, JPEG or PNG file, not %s.", attachment.mimetype)
                )
            if attachment.file_size > CERTIFICATE_MAX_BYTES:
                raise ValidationError(
                    self.env._("The certificate file is larger than 10 MB: scan it at a lower resolution.")
                )

    # ------------------------------------------------------------------
    # Expiry warnings (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _get_warning_thresholds(self):
        """Days before expiry at which the manager is warned, largest first."""
        # sudo: a configuration parameter, not confidential
        raw = self.env["ir.config_parameter"].sudo().get_param("qi_catalogue.qualification_warning_days", "60,30,7")
        thresholds = set()
        for part in (raw or "").split(","):
            try:
                thresholds.add(int(part))
            except ValueError:
                _logger.warning("qi_catalogue.qualification_warning_days: ignoring %r", part)
        return sorted((t for t in thresholds if t >= 0), reverse=True)

    def _get_responsible_user(self):
        """Who is warned: the provider's manager, else the leader of a window the
        provider is stationed at, else nobody (the cron user)."""
        self.ensure_one()
        provider = self.provider_id
        if provider.qi_manager_id:
            return provider.qi_manager_id
        leaders = provider.qi_station_ids.filtered("is_current").window_id.leader_id
        return leaders[:1]

    @api.model
    def _cron_warn_expiry(self, batch_size=200):
        """Schedule one activity per qualification and threshold, never twice.

        Each threshold crossed is stored in qi.provider.qualification.warning
        with the expiry date it was about, so a later run, the same day or any
        day after, schedules nothing more for it; a renewed qualification (new
        expiry date) is warned again. When a run finds several thresholds
        crossed at once (a qualification entered late), one activity covers
        them all.
        """
        thresholds = self._get_warning_thresholds()
        if not thresholds:
            return
        today = china_today()
        horizon = today + datetime.timedelta(days=thresholds[0])
        qualifications = self.search(
            [("date_to", "!=", False), ("date_to", "<=", horizon), ("provider_id.active", "=", True)],
            order="date_to, id",
        )
        warned = {
            (warning.qualification_id.id, warning.threshold_days, warning.date_to)
            for warning in self.env["qi.provider.qualification.warning"].search_fetch(
                [("qualification_id", "in", qualifications.ids)], ["qualification_id", "threshold_days", "date_to"]
            )
        }
        todo = []
        for qualification in qualifications:
            days = (qualification.date_to - today).days
            crossed = [
                threshold
                for threshold in thresholds
                if days <= threshold and (qualification.id, threshold, qualification.date_to) not in warned
            ]
            if crossed:
                todo.append((qualification, crossed))
        for batch in batches(self.env, todo, batch_size):
            for qualification, crossed in batch:
                qualification._warn_expiry(crossed, today)

    def _warn_expiry(self, thresholds, today):
        self.ensure_one()
        days = (self.date_to - today).days
        user = self._get_responsible_user()
        # the warning in its reader's language, not the cron's
        env = recipient_env(self.env, user or self.env.user)
        if days >= 0:
            summary = env._(
                "%(qualification)s of %(provider)s expires on %(date)s (in %(days)s days)",
                qualification=self.display_name,
                provider=self.provider_id.display_name,
                date=self.date_to,
                days=days,
            )
        else:
            summary = env._(
                "%(qualification)s of %(provider)s expired on %(date)s",
                qualification=self.display_name,
                provider=self.provider_id.display_name,
                date=self.date_to,
            )
        activity = self.activity_schedule(
            "qi_catalogue.mail_activity_type_qualification_expiry",
            date_deadline=max(self.date_to, today),
            summary=summary,
            note=env._(
                "Ask the provider for the renewed certificate; until then this qualification no longer "
                "counts in matching once it has expired."
            ),
            user_id=user.id or self.env.uid,
        )
        self.env["qi.provider.qualification.warning"].create(
            [
                {
                    "qualification_id": self.id,
                    "threshold_days": threshold,
                    "date_to": self.date_to,
                    "activity_id": activity.id if activity else False,
                    "user_id": user.id or self.env.uid,
                }
                for threshold in thresholds
            ]
        )
        return activity
