import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.ondelete import deletion_guard

_logger = logging.getLogger(__name__)

EVALUATION_TYPES = [
    ("internal", "Internal (annual)"),
    ("adhoc_coordination", "Ad Hoc by the Coordination Department"),
    ("adhoc_operating", "Ad Hoc by the Operating Organisation"),
]
EVALUATION_STATES = [
    ("draft", "Draft"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# who runs each type of evaluation
TYPE_GROUPS = {
    "internal": "qi_window.group_qi_manager",
    "adhoc_operating": "qi_window.group_qi_manager",
    "adhoc_coordination": "qi_window.group_qi_coordinator",
}


class QiEvaluation(models.Model):
    """An evaluation of a window against the Annex B indicators (R-8.1, R-8.2).

    Internal evaluations are run by the window's operating organisation at
    least once a year (R-8.2.1, the yearly scheduled action drafts them);
    ad-hoc ones by the coordination department or the operating
    organisation (R-8.2.2). Every finding becomes an improvement due 15 PRC
    working days after the evaluation is done (R-8.3.1).
    """

    _name = "qi.evaluation"
    _description = "QI Window Evaluation"
    _inherit = ["qi.window.bound.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _mail_post_access = "read"  # the evaluated window's staff may comment on any of its evaluations

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    window_id = fields.Many2one("qi.window", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    evaluation_type = fields.Selection(
        EVALUATION_TYPES,
        string="Type",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self._default_evaluation_type(),
    )
    is_external = fields.Boolean(
        compute="_compute_is_external",
        store=True,
        help="Ad-hoc evaluations are run by the coordination department or the operating "
        "organisation: the evaluated window's staff cannot change their scores.",
    )
    template_id = fields.Many2one(
        "qi.evaluation.template",
        string="Indicator Template",
        required=True,
        tracking=True,
        domain="[('state', '=', 'in_use')]",
        default=lambda self: self.env["qi.evaluation.template"]._get_current(),
    )
    date_from = fields.Date(
        string="Period From", required=True, default=lambda self: self._default_date_from(), tracking=True
    )
    date_to = fields.Date(
        string="Period To", required=True, default=lambda self: self._default_date_to(), tracking=True
    )
    year = fields.Integer(compute="_compute_year", store=True, index=True, aggregator=None)
    user_id = fields.Many2one(
        "res.users", string="Lead Evaluator", required=True, tracking=True, default=lambda self: self.env.user
    )
    evaluator_ids = fields.Many2many(
        "res.users",
        "qi_evaluation_evaluator_rel",
        "evaluation_id",
        "user_id",
        string="Evaluators",
        default=lambda self: self.env.user,
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        EVALUATION_STATES, required=True, default="draft", readonly=True, copy=False, index=True, tracking=True
    )
    line_ids = fields.One2many("qi.evaluation.line", "evaluation_id", string="Indicators", copy=False)
    finding_ids = fields.One2many("qi.evaluation.finding", "evaluation_id", string="Findings", copy=False)
    improvement_ids = fields.One2many("qi.improvement", "evaluation_id", string="Improvements", copy=False)
    total_score = fields.Float(string="Score", compute="_compute_totals", store=True, digits=(6, 1), aggregator="avg")
    total_max = fields.Float(
        string="Applicable Points",
        compute="_compute_totals",
        store=True,
        digits=(6, 1),
        aggregator="avg",
        help="Points of the indicators that apply; an automatic indicator without data is left out.",
    )
    score_rate = fields.Float(
        string="Score Rate (%)",
        compute="_compute_totals",
        store=True,
        digits=(5, 1),
        aggregator="avg",
        help="Score ÷ applicable points × 100: what the grade bands are held against.",
    )
    grade_id = fields.Many2one("qi.evaluation.grade", compute="_compute_grade_id", store=True)
    summary = fields.Html(string="Conclusion", sanitize=True)
    can_score = fields.Boolean(
        compute="_compute_can_score", help="Whether the current user may change the scores and findings now."
    )
    finding_count = fields.Integer(compute="_compute_counts")
    improvement_count = fields.Integer(compute="_compute_counts")
    improvement_open_count = fields.Integer(compute="_compute_counts")

    _period_check = models.Constraint("CHECK(date_from <= date_to)", "The period must end after it starts.")

    # ------------------------------------------------------------------
    # defaults and computes
    # ------------------------------------------------------------------
    def _default_evaluation_type(self):
        user = self.env.user
        if user.has_group("qi_window.group_qi_coordinator") and not user.has_group("qi_window.group_qi_manager"):
            return "adhoc_coordination"
        return "internal"

    def _default_date_from(self):
        return china_today().replace(month=1, day=1)

    def _default_date_to(self):
        return china_today().replace(month=12, day=31)

    @api.depends("evaluation_type")
    def _compute_is_external(self):
        for evaluation in self:
            evaluation.is_external = evaluation.evaluation_type != "internal"

    @api.depends("date_to")
    def _compute_year(self):
        for evaluation in self:
            evaluation.year = evaluation.date_to.year if evaluation.date_to else 0

    @api.depends("line_ids.score", "line_ids.max_points", "line_ids.applicable")
    def _compute_totals(self):
        for evaluation in self:
            lines = evaluation.line_ids.filtered("applicable")
            evaluation.total_score = sum(lines.mapped("score"))
            evaluation.total_max = sum(lines.mapped("max_points"))
            evaluation.score_rate = (
                round(100.0 * evaluation.total_score / evaluation.total_max, 1) if evaluation.total_max else 0.0
            )

    @api.depends("score_rate", "line_ids")
    def _compute_grade_id(self):
        Grade = self.env["qi.evaluation.grade"]
        for evaluation in self:
            evaluation.grade_id = Grade._get_grade(evaluation.score_rate) if evaluation.line_ids else Grade

    @api.depends_context("uid")
    @api.depends("state", "evaluation_type", "window_id")
    def _compute_can_score(self):
        """Mirrors _check_scoring_rights and the record rules, for the screens."""
        user = self.env.user
        is_manager = user.has_group("qi_window.group_qi_manager")
        for evaluation in self:
            if evaluation.state in ("done", "cancelled"):
                evaluation.can_score = False
            elif evaluation.is_external:
                evaluation.can_score = self.env.su or user.has_group(TYPE_GROUPS[evaluation.evaluation_type])
            else:
                evaluation.can_score = self.env.su or is_manager or user in evaluation.window_id.member_user_ids

    def _compute_counts(self):
        findings = dict(
            self.env["qi.evaluation.finding"]._read_group(
                [("evaluation_id", "in", self.ids)], ["evaluation_id"], ["__count"]
            )
        )
        improvements = {}
        for evaluation, state, count in self.env["qi.improvement"]._read_group(
            [("evaluation_id", "in", self.ids)], ["evaluation_id", "state"], ["__count"]
        ):
            entry = improvements.setdefault(evaluation, [0, 0])
            entry[0] += count
            entry[1] += count if state not in ("closed", "cancelled") else 0
        for evaluation in self:
            evaluation.finding_count = findings.get(evaluation, 0)
            evaluation.improvement_count, evaluation.improvement_open_count = improvements.get(evaluation, (0, 0))

    @api.depends("name", "window_id")
    def _compute_display_name(self):
        for evaluation in self:
            evaluation.display_name = (
                f"{evaluation.name} {evaluation.window_id.name}" if evaluation.window_id else evaluation.name
            )

    # ------------------------------------------------------------------
    # rights: who runs which evaluation, who may score it
    # ------------------------------------------------------------------
    def _check_type_rights(self):
        """Internal and operating-organisation evaluations are run by the operating
        organisation's leaders, coordination ones by the coordination department."""
        if self.env.su:
            return
        for evaluation in self:
            if not self.env.user.has_group(TYPE_GROUPS[evaluation.evaluation_type]):
                raise AccessError(
                    self.env._(
                        "You cannot run an evaluation of type “%(type)s” for %(window)s.",
                        type=dict(self._fields["evaluation_type"]._description_selection(self.env))[
                            evaluation.evaluation_type
                        ],
                        window=evaluation.window_id.display_name,
                    )
                )

    def _check_scoring_rights(self):
        """Scores and findings change only while the evaluation runs, and an
        external evaluation is scored by the body that runs it: never by the
        evaluated window's staff, whatever the screen or RPC call used."""
        for evaluation in self:
            # FLOW, not True: an RPC caller cannot send it to reopen a done evaluation's scores
            if evaluation.state in ("done", "cancelled") and self.env.context.get("qi_evaluation_closing") is not FLOW:
                raise UserError(
                    self.env._(
                        "Evaluation %s is done or cancelled: its scores and findings are kept as they are.",
                        evaluation.name,
                    )
                )
            if self.env.su or not evaluation.is_external:
                continue
            if not self.env.user.has_group(TYPE_GROUPS[evaluation.evaluation_type]):
                raise AccessError(
                    self.env._(
                        "Evaluation %(evaluation)s is an external evaluation of %(window)s: only its "
                        "evaluators can change its scores and findings.",
                        evaluation=evaluation.name,
                        window=evaluation.window_id.display_name,
                    )
                )

    @api.model
    def _scoring_fields(self):
        """Fields of the evaluation that are part of its result."""
        return {
            "window_id",
            "evaluation_type",
            "template_id",
            "date_from",
            "date_to",
            "line_ids",
            "finding_ids",
            "state",
            "date_done",
            "evaluator_ids",
            "user_id",
            "summary",
        }

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # sudo: the evaluation number sequence is shared by every window and
                # role; drawing a number reveals nothing
                vals["name"] = Sequence.sudo().next_by_code("qi.evaluation") or "/"
        evaluations = super().create(vals_list)
        evaluations._check_type_rights()
        for evaluation in evaluations:
            if not evaluation.line_ids:
                evaluation._fill_lines()
        return evaluations

    def write(self, vals):
        if self._scoring_fields() & vals.keys():
            self._check_scoring_rights()
        template_changed = "template_id" in vals
        result = super().write(vals)
        if {"evaluation_type", "window_id"} & vals.keys():
            self._check_type_rights()
        if template_changed:
            for evaluation in self:
                if evaluation.state != "draft":
                    raise UserError(self.env._("The template of a started evaluation cannot change."))
                evaluation.line_ids.unlink()
                evaluation._fill_lines()
        return result

    @deletion_guard
    def _unlink_except_draft_or_cancelled(self):
        if self.filtered(lambda e: e.state not in ("draft", "cancelled")):
            raise UserError(self.env._("Only draft or cancelled evaluations can be deleted; a done one is a record."))

    # ------------------------------------------------------------------
    # lines
    # ------------------------------------------------------------------
    def _prepare_line_vals(self, indicator):
        self.ensure_one()
        return {
            "evaluation_id": self.id,
            "indicator_id": indicator.id,
            "sequence": indicator.element_id.sequence * 1000 + indicator.sequence,
            "max_points": indicator.max_points,
            "check_method": indicator.check_method,
            "deduction": indicator.deduction,
            "auto_code": indicator.auto_code,
            "target": indicator.target,
        }

    def _fill_lines(self):
        """One line per indicator of the template; automatic ones computed."""
        self.ensure_one()
        indicators = self.template_id.indicator_ids.sorted(lambda i: (i.element_id.sequence, i.sequence, i.id))
        self.env["qi.evaluation.line"].create([self._prepare_line_vals(indicator) for indicator in indicators])
        self.line_ids.filtered(lambda line: line.check_method == "automatic")._compute_automatic()

    # ------------------------------------------------------------------
    # flow
    # ------------------------------------------------------------------
    def action_start(self):
        self.check_access("write")
        for evaluation in self:
            if evaluation.state != "draft":
                raise UserError(self.env._("Only a draft evaluation can start (%s).", evaluation.name))
            evaluation.line_ids.filtered(lambda line: line.check_method == "automatic")._compute_automatic()
        self.write({"state": "in_progress"})
        return True

    def action_refresh_automatic(self):
        for evaluation in self:
            if evaluation.state not in ("draft", "in_progress"):
                raise UserError(self.env._("Evaluation %s is closed: its figures are kept.", evaluation.name))
            evaluation.line_ids.filtered(lambda line: line.check_method == "automatic")._compute_automatic()
        return True

    def action_done(self):
        self._action_done(china_today())
        return True

    def _action_done(self, date_done):
        """Close the evaluation on ``date_done``: every finding becomes an
        improvement due 15 PRC working days later (R-8.3.1)."""
        self.check_access("write")
        for evaluation in self:
            if evaluation.state != "in_progress":
                raise UserError(self.env._("Only an evaluation in progress can be done (%s).", evaluation.name))
        self._check_scoring_rights()
        for evaluation in self:
            evaluation._create_improvements(date_done)
        self.with_context(qi_evaluation_closing=FLOW).write({"state": "done", "date_done": date_done})
        for evaluation in self:
            evaluation.message_post(
                body=self.env._(
                    "Evaluation done: %(score)s of %(max)s points (%(rate)s %%), %(grade)s; "
                    "%(count)s improvement(s) due by %(deadline)s.",
                    score=evaluation.total_score,
                    max=evaluation.total_max,
                    rate=evaluation.score_rate,
                    grade=evaluation.grade_id.name or "-",
                    count=len(evaluation.improvement_ids),
                    deadline=evaluation._improvement_deadline(date_done),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _improvement_deadline(self, date_done):
        """R-8.3.1: within fifteen working days after the evaluation."""
        return self.env["qi.improvement"]._get_deadline(date_done)

    def _prepare_improvement_vals(self, finding, date_done):
        self.ensure_one()
        owner = finding.owner_id or self.window_id.leader_id or self.env.user
        text = (finding.name or "").strip()
        return {
            "name": text.splitlines()[0][:120] if text else finding.line_id.name,
            "description": text,
            "evaluation_id": self.id,
            "finding_id": finding.id,
            "indicator_id": finding.line_id.indicator_id.id,
            "window_id": self.window_id.id,
            "owner_id": owner.id,
            "date_raised": date_done,
        }

    def _create_improvements(self, date_done):
        self.ensure_one()
        Improvement = self.env["qi.improvement"].with_context(qi_improvement_internal=FLOW)
        findings = self.finding_ids.filtered(lambda f: not f.improvement_id)
        for finding in findings:
            improvement = Improvement.create(self._prepare_improvement_vals(finding, date_done))
            finding.with_context(qi_evaluation_closing=FLOW).improvement_id = improvement
        return findings.improvement_id

    def action_cancel(self):
        self.check_access("write")
        for evaluation in self:
            if evaluation.state == "done":
                raise UserError(self.env._("A done evaluation cannot be cancelled (%s).", evaluation.name))
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        for evaluation in self:
            if evaluation.state != "cancelled":
                raise UserError(self.env._("Only a cancelled evaluation goes back to draft (%s).", evaluation.name))
        self.with_context(qi_evaluation_closing=FLOW).write({"state": "draft"})
        return True

    @api.readonly
    def action_view_improvements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_evaluation.qi_improvement_action")
        action["domain"] = [("evaluation_id", "=", self.id)]
        # improvements of an evaluation are raised by closing it: a hand-made
        # one is not linked to it and would not stay in this list
        action["context"] = {"default_window_id": self.window_id.id, "create": False}
        return action

    @api.readonly
    def action_view_findings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_evaluation.qi_evaluation_finding_action")
        action["domain"] = [("evaluation_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # report
    # ------------------------------------------------------------------
    def _get_report_lang(self):
        """The evaluation report is Chinese when Chinese is installed (the users are)."""
        self.ensure_one()
        if self.env["res.lang"]._lang_get("zh_CN"):
            return "zh_CN"
        return self.env.lang or "en_US"

    def _get_report_elements(self):
        """Scores per Annex B element, in template order."""
        self.ensure_one()
        elements = {}
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.id)):
            entry = elements.setdefault(
                line.element_id, {"element": line.element_id, "max": 0.0, "score": 0.0, "not_applicable": 0}
            )
            if line.applicable:
                entry["max"] += line.max_points
                entry["score"] += line.score
            else:
                entry["not_applicable"] += 1
        return list(elements.values())

    # ------------------------------------------------------------------
    # yearly internal evaluation
    # ------------------------------------------------------------------
    @api.model
    def _get_internal_evaluation_date(self, year):
        """The configured day of ``year`` from which windows get their internal evaluation."""
        # sudo: reading a non-secret setting of the suite
        value = self.env["ir.config_parameter"].sudo().get_param("qi_evaluation.internal_evaluation_date", "11-01")
        try:
            month, day = (int(part) for part in value.strip().split("-"))
            return datetime.date(year, month, day)
        except ValueError:
            _logger.warning("qi_evaluation.internal_evaluation_date %r is not MM-DD; using 11-01", value)
            return datetime.date(year, 11, 1)

    @api.model
    def _get_windows_to_evaluate(self, year):
        """Active windows without a (not cancelled) internal evaluation for ``year``."""
        evaluated = (
            self.with_context(active_test=False)
            .search([("evaluation_type", "=", "internal"), ("year", "=", year), ("state", "!=", "cancelled")])
            .window_id
        )
        return self.env["qi.window"].search([("id", "not in", evaluated.ids)], order="id")

    @api.model
    def _cron_schedule_internal_evaluations(self, batch_size=50):
        """From the configured date on, every active window without an internal
        evaluation for the current year gets a draft one (lines filled,
        automatic indicators computed) and an activity for its leader.
        Running it again creates nothing more."""
        from odoo.addons.qi_window.tools.cron import batches

        today = china_today()
        if today < self._get_internal_evaluation_date(today.year):
            return self.browse()
        template = self.env["qi.evaluation.template"]._get_current()
        if not template:
            _logger.warning("QI evaluation: no indicator template in use, no internal evaluation drafted")
            return self.browse()
        windows = self._get_windows_to_evaluate(today.year)
        created = self.browse()
        for batch in batches(self.env, windows, batch_size):
            for window in batch:
                created |= self._create_internal_evaluation(window, template, today)
        return created

    @api.model
    def _create_internal_evaluation(self, window, template, today):
        leader = window.leader_id
        evaluation = self.create(
            {
                "window_id": window.id,
                "evaluation_type": "internal",
                "template_id": template.id,
                "date_from": today.replace(month=1, day=1),
                "date_to": today.replace(month=12, day=31),
                "user_id": (leader or self.env.user).id,
                "evaluator_ids": [(6, 0, leader.ids)],
            }
        )
        if leader:
            evaluation.activity_schedule(
                "qi_evaluation.mail_activity_type_internal_evaluation",
                date_deadline=min(today + datetime.timedelta(days=30), today.replace(month=12, day=31)),
                summary=recipient_env(self.env, leader)._(
                    "Internal evaluation %(year)s of %(window)s", year=today.year, window=window.name
                ),
                user_id=leader.id,
            )
        return evaluation
