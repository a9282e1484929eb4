from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.ondelete import deletion_guard

RATING_CHANNELS = [("online", "Online"), ("onsite", "On Site")]
# the indicator that is the rating's overall level (``qi.case.rating.level``)
OVERALL = "overall"


class QiRatingIndicatorSet(models.Model):
    """The indicators of a 好差评 channel as the national system defines them
    (online: 整体满意度, 办事效率, 办事指南精确度, 办事便捷度, 平台操作性; on site:
    整体满意度, 服务效率, 服务水平, 服务态度). A rating stores the set it used;
    a set once used never changes: a new version replaces it (R-8.1)."""

    _name = "qi.rating.indicator.set"
    _description = "QI Rating Indicator Set"
    _order = "channel, version desc, id desc"

    name = fields.Char(required=True, translate=True)
    channel = fields.Selection(RATING_CHANNELS, required=True, index=True)
    version = fields.Integer(required=True, default=1, readonly=True)
    active = fields.Boolean(default=True, help="The active set of a channel is the one new ratings use.")
    line_ids = fields.One2many("qi.rating.indicator", "set_id", string="Indicators", copy=True)
    rating_count = fields.Integer(compute="_compute_rating_count", string="Ratings")

    _current_uniq = models.UniqueIndex(
        "(channel) WHERE active",
        "A channel has one current indicator set: archive the other one, or make a new version of it.",
    )
    _version_positive = models.Constraint("CHECK(version > 0)", "A version is a positive number.")

    def _rating_counts(self):
        """{set id: number of ratings that used it}."""
        # sudo: only the number of ratings per set is read, no rating
        Rating = self.env["qi.case.rating"].sudo()
        rows = Rating._read_group([("indicator_set_id", "in", self.ids)], ["indicator_set_id"], ["__count"])
        return {indicator_set.id: count for indicator_set, count in rows}

    def _compute_rating_count(self):
        counts = self._rating_counts()
        for indicator_set in self:
            indicator_set.rating_count = counts.get(indicator_set.id, 0)

    @api.model
    def _current(self, channel):
        """The set new ratings of ``channel`` use: the active one (one per channel)."""
        return self.search([("channel", "=", channel)], order="version desc, id desc", limit=1)

    def _used(self):
        """The sets of ``self`` that a rating used."""
        return self.browse(list(self._rating_counts())) if self.ids else self.browse()

    def _check_unused(self):
        used = self._used()
        if used:
            raise UserError(
                self.env._(
                    "The indicator set %s was used by ratings: its indicators cannot change. "
                    "Use “New Version” to change them for the ratings to come.",
                    used[0].display_name,
                )
            )

    @api.depends("name", "version")
    def _compute_display_name(self):
        for indicator_set in self:
            indicator_set.display_name = f"{indicator_set.name or ''} v{indicator_set.version}"

    def write(self, vals):
        if {"channel", "version"} & vals.keys():
            self._check_unused()
        return super().write(vals)

    @deletion_guard
    def _unlink_if_unused(self):
        self._check_unused()

    def action_new_version(self):
        """Copy the set as its next version, which new ratings use; the old one is archived."""
        self.ensure_one()
        latest = self.with_context(active_test=False).search(
            [("channel", "=", self.channel)], order="version desc", limit=1
        )
        current = self.with_context(active_test=True).search([("channel", "=", self.channel)])
        current.write({"active": False})
        # archived in the database before the new version is inserted (one current set per channel)
        current.flush_recordset(["active"])
        new = self.copy({"version": latest.version + 1, "active": True})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }


class QiRatingIndicator(models.Model):
    """One indicator of a set, rated on the five levels of 好差评."""

    _name = "qi.rating.indicator"
    _description = "QI Rating Indicator"
    _order = "set_id, sequence, id"

    set_id = fields.Many2one("qi.rating.indicator.set", required=True, ondelete="cascade", index=True)
    code = fields.Char(required=True, help="The indicator's code in the exports, e.g. overall, efficiency.")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)

    _code_uniq = models.Constraint("UNIQUE(set_id, code)", "An indicator code appears once in a set.")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["qi.rating.indicator.set"].browse({vals.get("set_id") for vals in vals_list} - {None})._check_unused()
        return super().create(vals_list)

    def write(self, vals):
        # the name (and its translations) and the order may be corrected; what a
        # stored score means may not
        if {"set_id", "code"} & vals.keys():
            self.set_id._check_unused()
            if "set_id" in vals:
                self.env["qi.rating.indicator.set"].browse(vals["set_id"])._check_unused()
        return super().write(vals)

    @deletion_guard
    def _unlink_if_unused(self):
        self.set_id._check_unused()
