from datetime import time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from odoo.addons.qi_window.tools.china import (
    china_datetime,
    china_format,
    china_today,
    recipient_env,
)
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.ondelete import deletion_guard

REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "To Decide"),
    ("approved", "Granted"),
    ("refused", "Refused"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


class QiArchiveAccessRequest(models.Model):
    """A request to consult archived records (R-9.b): who, which records, why
    and for how long. The leader of the records' window decides; an approval
    is a grant that ends at its expiry, after which the content is closed
    again. Every use of the grant is logged (``qi.archive.access.log``)."""

    _name = "qi.archive.access.request"
    _description = "QI Archive Access Request"
    _inherit = ["qi.window.bound.mixin", "qi.protected.fields.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    # set by the decision flow only, never by hand or RPC; the window (and so the
    # leader who decides) always follows the records
    _qi_protected_fields = frozenset(
        {
            "state",
            "approver_id",
            "date_decided",
            "date_start",
            "date_expiry",
            "decision_note",
            "requester_id",
            "name",
            "window_id",
            "leader_id",
            "company_id",
            "requester_is_portal",
        }
    )
    _qi_flow_key = "qi_archive_decision"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    requester_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
        tracking=True,
    )
    requester_is_portal = fields.Boolean(
        string="Enterprise Request", compute="_compute_requester_is_portal", store=True
    )
    record_ids = fields.Many2many(
        "qi.archive.record",
        "qi_archive_access_request_record_rel",
        "request_id",
        "record_id",
        string="Records",
        required=True,
        domain="[('state', '=', 'archived')]",
    )
    record_count = fields.Integer(compute="_compute_record_count")
    window_id = fields.Many2one(
        "qi.window",
        compute="_compute_window_id",
        store=True,
        index=True,
        help="The window of the records: its leader decides.",
    )
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    leader_id = fields.Many2one(related="window_id.leader_id", store=True, index=True, string="Window Leader")
    reason = fields.Text(required=True, tracking=True)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: china_today(),
        tracking=True,
        help="First day of the requested consultation period.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.add(china_today(), days=7),
        help="Last day of the requested consultation period.",
    )
    state = fields.Selection(REQUEST_STATES, default="draft", required=True, readonly=True, index=True, tracking=True)
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, tracking=True, ondelete="restrict")
    date_decided = fields.Datetime(string="Decided On", readonly=True)
    date_start = fields.Datetime(string="Granted From", readonly=True, index=True)
    date_expiry = fields.Datetime(string="Granted Until", readonly=True, index=True, tracking=True)
    decision_note = fields.Text(readonly=True, tracking=True)
    is_active = fields.Boolean(string="Active Grant", compute="_compute_is_active")
    can_decide = fields.Boolean(compute="_compute_can_decide")
    log_ids = fields.One2many("qi.archive.access.log", "request_id", string="Access Log", readonly=True)
    log_count = fields.Integer(compute="_compute_log_count")

    _dates_check = models.Constraint("CHECK(date_to >= date_from)", "The period ends before it starts.")

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    @api.depends("requester_id")
    def _compute_requester_is_portal(self):
        for request in self:
            request.requester_is_portal = bool(request.requester_id.share)

    @api.depends("record_ids")
    def _compute_record_count(self):
        for request in self:
            request.record_count = len(request.record_ids)

    @api.depends("record_ids.window_id")
    def _compute_window_id(self):
        for request in self:
            # sudo: the window of the records is what routes the request, whoever asks
            request.window_id = request.sudo().record_ids[:1].window_id

    @api.depends("state", "date_start", "date_expiry")
    def _compute_is_active(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_active = bool(
                request.state == "approved"
                and request.date_start
                and request.date_expiry
                and request.date_start <= now < request.date_expiry
            )

    @api.depends_context("uid")
    @api.depends("state", "window_id", "requester_id")
    def _compute_can_decide(self):
        for request in self:
            request.can_decide = request.state == "submitted" and self.env.user in request._qi_get_approvers()

    def _compute_log_count(self):
        counts = dict(
            self.env["qi.archive.access.log"]._read_group([("request_id", "in", self.ids)], ["request_id"], ["__count"])
        )
        for request in self:
            request.log_count = counts.get(request, 0)

    # ------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------
    @api.constrains("record_ids", "requester_id")
    def _check_records(self):
        for request in self:
            # sudo: the records' window, state and confidentiality decide what may be asked
            records = request.sudo().record_ids
            if not records:
                raise ValidationError(self.env._("Choose the archived records you want to consult."))
            if len(records.window_id) > 1:
                raise ValidationError(
                    self.env._(
                        "One request goes to one window's leader: ask separately for the records of %s.",
                        ", ".join(records.window_id.mapped("display_name")),
                    )
                )
            disposed = records.filtered(lambda r: r.state != "archived")
            if disposed:
                raise ValidationError(
                    self.env._("%s were disposed of: nothing is left to consult.", ", ".join(disposed.mapped("name")))
                )
            if request.requester_id.share and records.filtered(lambda r: r.confidentiality == "trade_secret"):
                # R-9.b: trade secrets never leak to the portal
                raise ValidationError(self.env._("Trade-secret records cannot be consulted through the portal."))
            # the requester must at least see the records he asks for
            records.with_user(request.requester_id).check_access("read")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # a request starts as a draft of its requester: a caller naming a decision
        # field (in the values or as a context default) is refused
        guarded = self._qi_guard(vals_list)
        for vals in vals_list:
            if not self.env.su:
                vals["requester_id"] = self.env.uid
            # sudo: only a number is drawn from the requests' sequence
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code("qi.archive.access.request") or "/"
        # the requester and the number were set just above, by this flow; the
        # records go back to the caller without the flow marker
        requests = super(QiArchiveAccessRequest, guarded.with_context(qi_archive_decision=FLOW)).create(vals_list)
        requests = requests.with_env(self.env)
        for request in requests:
            # sudo: the requester follows his request to be told of the decision
            request.sudo().message_subscribe(partner_ids=request.requester_id.partner_id.ids)
        return requests

    def write(self, vals):
        self._qi_check_protected([vals])
        if not self.env.su:
            frozen = {"record_ids", "reason", "date_from", "date_to"} & vals.keys()
            if frozen:
                for request in self:
                    if request.state not in ("draft", "submitted"):
                        raise UserError(
                            self.env._(
                                "%s is decided: its records, reason and period can no longer change.", request.name
                            )
                        )
                    if request.requester_id != self.env.user:
                        raise AccessError(self.env._("Only the requester can change request %s.", request.name))
        return super().write(vals)

    @deletion_guard
    def _unlink_except_evidence(self):
        # a grant, even cancelled since, is the evidence of an authorisation (R-9.b)
        if self.filtered(lambda r: r.state not in ("draft", "cancelled") or r.approver_id) and not self.env.su:
            raise UserError(self.env._("Submitted and decided requests are kept as evidence; cancel it instead."))

    # ------------------------------------------------------------------
    # grants
    # ------------------------------------------------------------------
    @api.model
    def _qi_grants_sql(self, user=None, select=None):
        """SQL selecting, for the grants ``user`` (the current user by default)
        holds now, ``select`` of (``req`` request, ``rel`` link, ``rec``
        record). A disposed record has no content; a portal user is never
        granted a trade secret. Plain SQL: it becomes part of the attachment
        queries and fills no record cache before an access check."""
        user = user or self.env.user
        self.flush_model(["requester_id", "state", "date_start", "date_expiry", "record_ids"])
        self.env["qi.archive.record"].flush_model(["state", "confidentiality"])
        now = fields.Datetime.now()
        return SQL(
            """SELECT %s FROM qi_archive_access_request req
                 JOIN qi_archive_access_request_record_rel rel ON rel.request_id = req.id
                 JOIN qi_archive_record rec ON rec.id = rel.record_id
                WHERE req.requester_id = %s AND req.state = 'approved'
                  AND req.date_start <= %s AND req.date_expiry > %s
                  AND rec.state = 'archived' AND (%s OR rec.confidentiality != 'trade_secret')""",
            select or SQL("rel.record_id"),
            user.id,
            now,
            now,
            not user.share,
        )

    @api.model
    def _qi_active_grants(self, records=None, user=None):
        """{record id: request} of the grants active now for ``user`` (the
        current user by default) on ``records`` (None: on every record); the
        longest-running grant when there are several."""
        if records is not None and not records:
            return {}
        query = self._qi_grants_sql(user, SQL("DISTINCT ON (rel.record_id) rel.record_id, req.id"))
        if records is not None:
            query = SQL("%s AND rel.record_id = ANY(%s)", query, list(records.ids))
        self.env.cr.execute(SQL("%s ORDER BY rel.record_id, req.date_expiry DESC, req.id", query))
        return {record_id: self.browse(request_id) for record_id, request_id in self.env.cr.fetchall()}

    def _qi_get_approvers(self):
        """The leader of the records' window; when he asks himself (or the window
        has none), another leader of the operating organisation."""
        self.ensure_one()
        # sudo: a portal requester cannot read the window, but who leads it decides
        leader = self.sudo().window_id.leader_id
        if leader and leader != self.requester_id:
            # sudo(False): the leader is returned in the caller's environment
            return leader.sudo(False)
        # sudo: who leads the operating organisation is not a secret of the requester
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", self.env.ref("qi_window.group_qi_manager").id),
                    ("company_ids", "in", self.company_id.ids),
                    ("share", "=", False),
                    ("id", "!=", self.requester_id.id),
                ]
            )
        )
        # sudo(False): the leaders are returned in the caller's environment
        return managers.sudo(False) - self.env.ref("base.user_root")

    def _qi_check_can_decide(self):
        user = self.env.user
        for request in self:
            if request.state != "submitted":
                raise UserError(self.env._("Request %s is not waiting for a decision.", request.name))
            if user == request.requester_id:
                raise AccessError(self.env._("You cannot decide on your own request %s.", request.name))
            if user not in request._qi_get_approvers():
                raise AccessError(
                    self.env._(
                        "Only the leader of window %(window)s can decide on request %(request)s.",
                        window=request.window_id.display_name,
                        request=request.name,
                    )
                )

    def _qi_default_expiry(self):
        """End of the last requested day, in the requester's time zone."""
        self.ensure_one()
        return china_datetime(self.date_to, time(23, 59, 59))  # the requested days are days in China

    def _qi_approve(self, date_expiry=None, note=None):
        """R-9.b: the leader authorises, for a limited time."""
        self._qi_check_can_decide()
        now = fields.Datetime.now().replace(microsecond=0)
        for request in self:
            expiry = fields.Datetime.to_datetime(date_expiry) if date_expiry else request._qi_default_expiry()
            if expiry <= now:
                raise UserError(self.env._("The grant of %s must end in the future.", request.name))
            start = max(now, china_datetime(request.date_from))
            if start >= expiry:
                raise UserError(self.env._("The grant of %s would end before it starts.", request.name))
            # sudo: the decision fields are written by this flow only, after the check above
            request.sudo().write(
                {
                    "state": "approved",
                    "approver_id": self.env.uid,
                    "date_decided": now,
                    "date_start": start,
                    "date_expiry": expiry,
                    "decision_note": note or False,
                }
            )
            request._qi_close_activities(self.env._("Granted until %s", request._qi_format(expiry)))
            request._qi_notify_requester(
                request._qi_requester_env()._(
                    "Your request %(request)s is granted until %(expiry)s. The files of the records can be "
                    "opened until then; every opening is logged.",
                    request=request.name,
                    expiry=request._qi_format(expiry),
                )
            )
        return True

    def _qi_refuse(self, note=None):
        self._qi_check_can_decide()
        if not (note or "").strip():
            raise UserError(self.env._("Say why the request is refused."))
        for request in self:
            # sudo: the decision fields are written by this flow only, after the check above
            request.sudo().write(
                {
                    "state": "refused",
                    "approver_id": self.env.uid,
                    "date_decided": fields.Datetime.now(),
                    "decision_note": note,
                }
            )
            request._qi_close_activities(self.env._("Refused"))
            request._qi_notify_requester(
                request._qi_requester_env()._(
                    "Your request %(request)s is refused: %(reason)s", request=request.name, reason=note
                )
            )
        return True

    def _qi_format(self, value):
        return china_format(value)  # China's time, as the requested days are days in China

    def _qi_requester_env(self):
        """The requester reads his notices in his own language (Chinese when unknown)."""
        # sudo: the requester's language only
        return recipient_env(self.env, self.sudo().requester_id)

    def _qi_notify_requester(self, body):
        # sudo: the requester (possibly a portal user) is told of what happens to his request
        self.sudo().message_post(
            body=body,
            partner_ids=self.requester_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _qi_close_activities(self, feedback):
        # sudo: the leader's to-do on this request is closed by whoever decides
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=feedback)

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_submit(self):
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("Request %s is already submitted.", request.name))
            if request.requester_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the requester can submit request %s.", request.name))
            # sudo: the state is set by this flow only
            request.sudo().write({"state": "submitted"})
            approvers = request._qi_get_approvers()
            if not approvers:
                # sudo: the window's name, for a portal requester too
                window_name = request.sudo().window_id.display_name
                raise UserError(
                    self.env._(
                        "Window %s has no leader to decide: ask the operating organisation to name one.", window_name
                    )
                )
            for approver in approvers:
                # sudo: a portal requester cannot schedule activities; the leader gets a to-do
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=approver.id,
                    summary=recipient_env(self.env, approver)._("Archive access request to decide"),
                    # the reason is plain text the requester typed: escaped, never markup
                    note=plaintext2html(request.reason or ""),
                )
        return True

    def action_open_decision(self):
        self.ensure_one()
        self._qi_check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide on %s", self.name),
            "res_model": "qi.archive.access.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_cancel(self):
        for request in self:
            if request.requester_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the requester can cancel request %s.", request.name))
            if request.state not in ("draft", "submitted", "approved"):
                raise UserError(self.env._("Request %s is already closed.", request.name))
            vals = {"state": "cancelled"}
            if request.state == "approved":
                vals["date_expiry"] = fields.Datetime.now()
            # sudo: the state is set by this flow only
            request.sudo().write(vals)
            request._qi_close_activities(self.env._("Cancelled by the requester"))
        return True

    def action_revoke(self):
        """The leader ends a grant before its expiry."""
        for request in self:
            if request.state != "approved":
                raise UserError(self.env._("Only a granted request can be revoked (%s).", request.name))
            if self.env.user not in request._qi_get_approvers():
                raise AccessError(self.env._("Only the leader of the window can revoke request %s.", request.name))
            # sudo: the decision fields are written by this flow only, after the check above
            request.sudo().write({"state": "expired", "date_expiry": fields.Datetime.now()})
            request._qi_notify_requester(
                request._qi_requester_env()._("Your access granted by %s was revoked.", request.name)
            )
        return True

    @api.readonly
    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_archive.qi_archive_access_log_action")
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # scheduled actions
    # ------------------------------------------------------------------
    @api.model
    def _cron_expire_grants(self, batch_size=200):
        """Grants whose time is over become expired; the requester is told."""
        from odoo.addons.qi_window.tools.cron import batches

        requests = self.search(
            [("state", "=", "approved"), ("date_expiry", "<=", fields.Datetime.now())], order="date_expiry, id"
        )
        for batch in batches(self.env, requests, batch_size):
            for request in batch:
                # sudo: the state is set by this flow only
                request.sudo().write({"state": "expired"})
                request._qi_notify_requester(
                    request._qi_requester_env()._("Your access granted by %s has expired.", request.name)
                )
        return requests
