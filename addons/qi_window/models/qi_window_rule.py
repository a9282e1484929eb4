from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.china import china_today
from ..tools.ondelete import deletion_guard

RULE_KINDS = [
    ("organisation", "Organisation Structure"),
    ("service_content", "Service Content"),
    ("service_process", "Service Process"),
    ("quality_supervision", "Service Quality Supervision"),
    ("evaluation_improvement", "Evaluation and Improvement"),
]


class QiWindowRule(models.Model):
    """A written rule (制度) of a window, versioned and published (R-5.4).

    At most one version per window and kind is published at a time;
    publishing a new one supersedes the previous one.
    """

    _name = "qi.window.rule"
    _description = "QI Window Rule"
    _inherit = ["qi.window.bound.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "window_id, kind, version desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    window_id = fields.Many2one("qi.window", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    kind = fields.Selection(RULE_KINDS, required=True, tracking=True)
    kind_label = fields.Char(compute="_compute_kind_label")
    version = fields.Integer(readonly=True, copy=False, default=0, help="Numbered per window and kind.")
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    effective_date = fields.Date(tracking=True)
    published_date = fields.Date(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    superseded_by_id = fields.Many2one("qi.window.rule", readonly=True, copy=False)
    body = fields.Html(translate=True, sanitize=True, sanitize_overridable=False)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "qi_window_rule_attachment_rel",
        "rule_id",
        "attachment_id",
        string="Documents",
    )

    _published_uniq = models.UniqueIndex(
        "(window_id, kind) WHERE state = 'published'",
        "A window can publish only one version of each kind of rule at a time.",
    )

    @api.depends("kind")
    def _compute_kind_label(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for rule in self:
            rule.kind_label = labels.get(rule.kind, "")

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        for rule in rules:
            siblings = self.with_context(active_test=False).search_fetch(
                [("window_id", "=", rule.window_id.id), ("kind", "=", rule.kind), ("id", "!=", rule.id)],
                ["version"],
                order="version desc",
                limit=1,
            )
            rule.version = (siblings.version or 0) + 1
        return rules

    def write(self, vals):
        if {"kind", "window_id"} & vals.keys() and self.filtered(lambda r: r.state != "draft"):
            raise UserError(self.env._("The window or kind of a published rule cannot change; write a new version."))
        return super().write(vals)

    @deletion_guard
    def _unlink_except_published(self):
        if self.filtered(lambda r: r.state != "draft"):
            raise UserError(
                self.env._("Published and superseded rules are kept as a record; only drafts can be deleted.")
            )

    def action_publish(self):
        if not self.env.su and not self.env.user.has_group("qi_window.group_qi_manager"):
            raise AccessError(self.env._("Only the operating organisation's leader can publish a rule."))
        today = china_today()
        for rule in self:
            if rule.state != "draft":
                raise UserError(self.env._("Only a draft can be published (%s).", rule.display_name))
            current = self.search(
                [("window_id", "=", rule.window_id.id), ("kind", "=", rule.kind), ("state", "=", "published")]
            )
            current.write({"state": "superseded", "superseded_by_id": rule.id})
            # the partial unique index allows one published version: retire the old one first
            current.flush_recordset(["state"])
            rule.write(
                {
                    "state": "published",
                    "published_date": today,
                    "published_by_id": self.env.user.id,
                    "effective_date": rule.effective_date or today,
                }
            )
        return True

    def action_new_version(self):
        self.ensure_one()
        new = self.copy({"name": self.name})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    @api.depends("name", "version")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = f"{rule.name} v{rule.version}" if rule.version else rule.name
