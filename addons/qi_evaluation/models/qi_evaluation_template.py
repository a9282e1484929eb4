from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today

TEMPLATE_STATES = [
    ("draft", "Draft"),
    ("in_use", "In Use"),
    ("retired", "Retired"),
]


class QiEvaluationTemplate(models.Model):
    """A versioned set of Annex B elements and indicators (R-8.1, R-B).

    One version of each template code is in use at a time; putting a new
    version in use retires the previous one. Evaluations copy the points,
    check method and deduction of each indicator into their lines, so a
    done evaluation never changes when a later version does.
    """

    _name = "qi.evaluation.template"
    _description = "QI Evaluation Indicator Template"
    _inherit = ["mail.thread"]
    _order = "code, version desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Versions of one template share this code.")
    version = fields.Integer(required=True, default=1, tracking=True)
    state = fields.Selection(
        TEMPLATE_STATES, required=True, default="draft", readonly=True, copy=False, index=True, tracking=True
    )
    standard_ref = fields.Char(
        string="Standard", default="DB1303/T 329-2022 Annex B", help="The standard the indicators come from."
    )
    date_in_use = fields.Date(string="In Use Since", readonly=True, copy=False)
    description = fields.Html(translate=True, sanitize=True)
    element_ids = fields.One2many("qi.evaluation.element", "template_id", string="Elements", copy=True)
    indicator_ids = fields.One2many("qi.evaluation.indicator", "template_id", string="Indicators")
    indicator_count = fields.Integer(compute="_compute_totals")
    total_points = fields.Float(compute="_compute_totals", digits=(6, 1))
    active = fields.Boolean(default=True)

    _code_version_uniq = models.Constraint("UNIQUE(code, version)", "This version of the template already exists.")
    _in_use_uniq = models.UniqueIndex(
        "(code) WHERE state = 'in_use'", "Only one version of a template can be in use at a time."
    )

    @api.depends("indicator_ids.max_points")
    def _compute_totals(self):
        for template in self:
            template.indicator_count = len(template.indicator_ids)
            template.total_points = sum(template.indicator_ids.mapped("max_points"))

    @api.depends("name", "version")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.name} v{template.version}" if template.version else template.name

    @api.model
    def _get_current(self):
        """The template new evaluations use: the one in use, latest version first."""
        return self.search([("state", "=", "in_use")], order="date_in_use desc, version desc, id desc", limit=1)

    def action_put_in_use(self):
        today = china_today()
        for template in self:
            if template.state != "draft":
                raise UserError(self.env._("Only a draft template can be put in use (%s).", template.display_name))
            if not template.indicator_ids:
                raise UserError(self.env._("Template %s has no indicator.", template.display_name))
            self.search([("code", "=", template.code), ("state", "=", "in_use")]).write({"state": "retired"})
            template.write({"state": "in_use", "date_in_use": today})
        return True

    def action_new_version(self):
        """Copy the template, its elements and indicators into the next draft version."""
        self.ensure_one()
        latest = self.with_context(active_test=False).search([("code", "=", self.code)], order="version desc", limit=1)
        new = self.copy({"version": latest.version + 1, "name": self.name})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }
