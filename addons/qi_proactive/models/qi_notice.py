from collections import defaultdict

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import format_date

from odoo.addons.qi_window.tools.china import recipient_env, recipient_lang
from odoo.addons.qi_window.tools.cron import batches
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.ondelete import deletion_guard

NOTICE_KINDS = [
    ("policy", "Policy"),
    ("subsidy", "Subsidy"),
    ("training", "Training"),
    ("standard", "Standard Change"),
]
NOTICE_STATES = [("draft", "Draft"), ("published", "Published"), ("withdrawn", "Withdrawn")]
# the fields that choose the enterprises: set before publishing
TARGET_FIELDS = frozenset({"industry_ids", "region_ids", "window_ids", "target_item_ids"})
# mails created by one mail.mail.create
MAIL_CHUNK = 500
# where the recipient's name goes in a body rendered once per language
RECIPIENT_MARK = "__qi_notice_recipient__"


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
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
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
    target_count = fields.Integer(
        compute="_compute_target_count",
        string="Enterprises Targeted",
        help="How many enterprises the targeting reaches now; publishing sends the notice to them.",
    )

    def _compute_recipient_counts(self):
        Recipient = self.env["qi.notice.recipient"]
        total = dict(Recipient._read_group([("notice_id", "in", self.ids)], ["notice_id"], ["__count"]))
        read = dict(
            Recipient._read_group(
                [("notice_id", "in", self.ids), ("date_read", "!=", False)], ["notice_id"], ["__count"]
            )
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
        if TARGET_FIELDS & vals.keys() and self.filtered(lambda notice: notice.state != "draft"):
            raise UserError(self.env._("A notice's enterprises are chosen before it is published."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Targeting
    # ------------------------------------------------------------------
    def _target_domain(self):
        """The enterprises this notice concerns: companies that a window of the
        notice's organisation serves (their own window, or a demand at one),
        matching every dimension given (AND across dimensions, OR within one).
        Providers and persons are never targeted."""
        self.ensure_one()
        domain = Domain("is_company", "=", True) & Domain("is_qi_provider", "=", False)
        company_id = self.company_id.id
        domain &= Domain("qi_window_id.company_id", "=", company_id) | Domain("qi_case_ids.company_id", "=", company_id)
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

    @api.depends("industry_ids", "region_ids", "window_ids", "target_item_ids", "company_id")
    def _compute_target_count(self):
        for notice in self:
            # sudo: a count of the enterprises the targeting reaches, nothing of them is shown
            notice.target_count = self.env["res.partner"].sudo().search_count(notice._target_domain())

    def _target_partners(self):
        # sudo: the staff member who publishes may not read every enterprise of
        # the other windows the notice targets; what the mail needs of each one
        # (name, language, address) is read in the same query
        return (
            self.env["res.partner"]
            .sudo()
            .search_fetch(self._target_domain(), ["name", "lang", "email", "email_normalized"], order="id")
        )

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------
    def action_publish(self):
        """Publish a draft (R-7.1.2): one recipient row per targeted
        enterprise, one mail to each in its language, a fixed number of
        queries whatever their number."""
        for notice in self:
            notice._publish()
        return True

    def _publish(self):
        self.ensure_one()
        # the staff of the notice's organisation (the write rule); the
        # coordination department reads notices and does not publish them
        self.check_access("write")
        if self.state != "draft":
            raise UserError(self.env._("The notice “%s” was already published.", self.name))
        partners = self._target_partners()
        if not partners:
            raise UserError(
                self.env._(
                    "No enterprise matches the targeting of “%s”: widen it (fewer industries, regions, windows or "
                    "service items) before publishing.",
                    self.name,
                )
            )
        now = fields.Datetime.now()
        mails = self._send_notice_mails(partners)
        # sudo: the recipients are the publishing flow's own record, written once
        # after the write check above; staff only read them
        self.env["qi.notice.recipient"].sudo().create(
            [
                {
                    "notice_id": self.id,
                    "partner_id": partner.id,
                    "mail_id": mails.get(partner.id, False),
                    "date_sent": now if partner.id in mails else False,
                }
                for partner in partners
            ]
        )
        self.with_context(qi_notice_flow=FLOW).write(
            {"state": "published", "date_published": now, "published_by_id": self.env.uid}
        )

    def _send_notice_mails(self, partners):
        """Queue one mail per enterprise of ``partners`` that has an address, in
        its language: the body is rendered once per language, and the mails
        are created MAIL_CHUNK at a time. Returns ``{partner id: mail id}``."""
        by_lang = defaultdict(list)
        for partner in partners:
            if partner.email_normalized:
                by_lang[recipient_lang(self.env, partner)].append(partner)
        email_from = self.company_id.email_formatted or self.env.user.email_formatted
        vals_list, partner_ids = [], []
        for lang, group in by_lang.items():
            subject, body = self._render_notice_mail(lang)
            for partner in group:
                vals_list.append(
                    {
                        "subject": subject,
                        "body_html": Markup(str(body).replace(RECIPIENT_MARK, str(escape(partner.name)))),
                        "email_from": email_from,
                        "recipient_ids": [Command.link(partner.id)],
                        "auto_delete": True,
                    }
                )
                partner_ids.append(partner.id)
        mail_ids = []
        for chunk in batches(self.env, vals_list, MAIL_CHUNK, progress=False):
            # sudo: the notice's mails, queued for the mail queue to send
            mail_ids += self.env["mail.mail"].sudo().create(chunk).ids
        return dict(zip(partner_ids, mail_ids, strict=True))

    def _render_notice_mail(self, lang):
        """``(subject, body)`` of the notice's mail in ``lang``; the body names
        the recipient by RECIPIENT_MARK, replaced for each one."""
        self.ensure_one()
        env = self.env(context=dict(self.env.context, lang=lang))
        notice = self.with_env(env)
        kind = dict(self._fields["kind"]._description_selection(env)).get(self.kind, "")
        subject = env._("%(kind)s: %(title)s", kind=kind, title=self.name)
        body = env["ir.qweb"]._render(
            "qi_proactive.qi_notice_mail_body",
            {
                "notice": notice,
                "kind": kind,
                "recipient_name": RECIPIENT_MARK,
                "url": f"{self.get_base_url()}/my/qi/notices/{self.id}",
                "date_end": format_date(env, self.date_end) if self.date_end else False,
            },
            minimal_qcontext=True,
        )
        return subject, body

    def action_withdraw(self):
        """Take a published notice off the portal; its recipients, reads and
        demands are kept."""
        self.check_access("write")
        for notice in self:
            if notice.state != "published":
                raise UserError(self.env._("Only a published notice can be withdrawn (%s).", notice.name))
        self.with_context(qi_notice_flow=FLOW).write({"state": "withdrawn"})
        return True

    # ------------------------------------------------------------------
    # What the portal calls
    # ------------------------------------------------------------------
    def _mark_read(self, partner, user):
        """Record the first read of this notice by ``partner``'s enterprise,
        by ``user`` (one of its portal users); later reads change nothing.
        The portal calls it after checking the user may read the notice;
        staff opening a notice leave no read. Returns the recipient row."""
        self.ensure_one()
        partner = partner.commercial_partner_id
        # sudo: the recipient rows are the flow's; only the row of the reader's
        # own enterprise is read and, once, stamped
        recipient = (
            self.env["qi.notice.recipient"]
            .sudo()
            .search([("notice_id", "=", self.id), ("partner_id", "=", partner.id)], limit=1)
        )
        if recipient and not recipient.date_read and user.share and user.commercial_partner_id == partner:
            recipient.write({"date_read": fields.Datetime.now(), "read_by_id": user.id})
        return recipient

    def _make_demand(self, partner, user=None):
        """One click from a notice that offers a service item: a demand of
        ``partner`` (an enterprise the notice was published to) for that item,
        at the enterprise's window, channel "proactive" (R-7.1.2).

        Checked as ``user`` (default: the environment's user, also under sudo):
        a portal user asks for their own enterprise only, from a notice they
        can read; staff ask for an enterprise of the notice's recipients.
        Returns the new case."""
        self.ensure_one()
        user = user or self.env.user
        partner = partner.commercial_partner_id
        self.with_user(user).check_access("read")
        if user.share and partner != user.commercial_partner_id:
            raise AccessError(self.env._("You can only ask a service for your own enterprise."))
        # sudo: the notice was checked as the user above; its state, item and
        # recipients are read to decide
        notice = self.sudo()
        if notice.state != "published":
            raise UserError(self.env._("The notice “%s” is no longer published.", notice.name))
        if not notice.item_id:
            raise UserError(self.env._("The notice “%s” offers no service to ask for.", notice.name))
        if partner not in notice.recipient_ids.partner_id:
            raise UserError(
                self.env._(
                    "The notice “%(notice)s” was not sent to %(enterprise)s.",
                    notice=notice.name,
                    enterprise=partner.display_name,
                )
            )
        Demand = self.env["qi.ledger.demand"]
        # sudo: the enterprise's window and its demands from this notice, to refuse a second one
        Demand._check_window(partner.sudo())
        open_case = notice.case_ids.filtered(lambda case: case.partner_id == partner and case.is_open)[:1]
        if open_case:
            raise UserError(
                self.env._(
                    "%(enterprise)s already asked for this service from the notice: follow up demand %(case)s.",
                    enterprise=partner.display_name,
                    case=open_case.name,
                )
            )
        env = recipient_env(self.env, partner)
        description = Markup("<p>%s</p>") % env._("Asked from the notice “%(notice)s”.", notice=notice.name)
        vals = {"subject": notice.name[:200], "notice_id": notice.id, "description": description}
        return Demand._create_demand(partner, notice.item_id, vals, user=user)

    # ------------------------------------------------------------------
    # Stat buttons
    # ------------------------------------------------------------------
    @api.readonly
    def action_view_recipients(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_proactive.qi_notice_recipient_action")
        action["domain"] = [("notice_id", "=", self.id)]
        action["context"] = {"search_default_filter_read": 1} if self.env.context.get("qi_read_only") else {}
        return action

    def action_preview_recipients(self):
        """The enterprises publishing would reach now: the staff's, never a
        recipient's (the ids of every enterprise targeted)."""
        self.ensure_one()
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only the windows' staff see whom a notice targets."))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Enterprises Targeted"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self._target_partners().ids)],
            "context": {"create": False},
        }

    @api.readonly
    def action_view_cases(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Demands"),
            "res_model": "qi.case",
            "view_mode": "list,form",
            "domain": [("notice_id", "=", self.id)],
            "context": {"create": False},
        }

    @deletion_guard
    def _unlink_only_drafts(self):
        published = self.filtered(lambda notice: notice.state != "draft")
        if published:
            raise UserError(
                self.env._(
                    "%s were sent to enterprises: withdraw them instead of deleting them.",
                    ", ".join(published.mapped("name")),
                )
            )


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

    _notice_partner_uniq = models.Constraint("UNIQUE(notice_id, partner_id)", "An enterprise receives a notice once.")
