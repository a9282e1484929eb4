from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.qi_window.tools.china import recipient_env
from odoo.addons.qi_window.tools.settings import int_param


class QiRatingCallIn(models.Model):
    """A call-in (约谈) suggestion (R-8.1): the window was in the bottom of
    the monthly 好差评 ranking (``qi.rating.ranking``) two months running. The
    daily supervision suggests it once per window and month pair, as an
    activity of the coordination department, which records what it decided."""

    _name = "qi.rating.call.in"
    _description = "QI Call-in Suggestion (约谈)"
    _inherit = ["qi.window.bound.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "month desc, window_id"

    window_id = fields.Many2one("qi.window", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    month = fields.Date(required=True, readonly=True, help="First day of the second of the two months running.")
    previous_month = fields.Date(readonly=True, help="First day of the first of the two months.")
    rank = fields.Integer(readonly=True, help="The window's rank in the month.")
    previous_rank = fields.Integer(readonly=True, help="The window's rank in the month before.")
    ranked_count = fields.Integer(string="Windows Ranked", readonly=True)
    previous_ranked_count = fields.Integer(string="Windows Ranked Before", readonly=True)
    satisfaction_rate = fields.Float(string="Good Review Share (%)", digits=(16, 1), readonly=True)
    previous_satisfaction_rate = fields.Float(string="Good Review Share Before (%)", digits=(16, 1), readonly=True)
    bottom_windows = fields.Integer(readonly=True, help="How many windows at the bottom of each month counted.")
    note = fields.Text(string="Call-in Record", help="Whether, when and with whom the call-in was held; what follows.")

    _window_month_uniq = models.Constraint(
        "UNIQUE(window_id, month)", "A window gets one call-in suggestion per month pair."
    )

    @api.depends("window_id", "month")
    def _compute_display_name(self):
        for call in self:
            call.display_name = f"{call.window_id.name or ''} {call.month.strftime('%Y-%m') if call.month else ''}"

    @api.model
    def _bottom_windows(self):
        """How many windows at the bottom of a month count (qi_case.call_in_bottom_windows, 1)."""
        return int_param(self.env, "qi_case.call_in_bottom_windows", 1, minimum=1)

    @api.model
    def _suggest(self, today):
        """Suggest a call-in of each active window in the bottom N of the
        ranking both in the last full month before ``today`` (China's date) and
        in the month before it. Once per window and month pair, whatever the
        number of runs; returns the suggestions made now."""
        month = today.replace(day=1) - relativedelta(months=1)
        previous = month - relativedelta(months=1)
        bottom = self._bottom_windows()
        # sudo: the scheduled step reads the ranking of every window; only ranks leave here
        rows = (
            self.env["qi.rating.ranking"]
            .sudo()
            .search_fetch(
                [("month", "in", [previous, month]), ("bottom_rank", "<=", bottom)],
                ["month", "window_id", "rank", "ranked_count", "satisfaction_rate"],
            )
        )
        months = defaultdict(dict)
        for row in rows:
            months[row.window_id][row.month] = row
        windows = [window for window, seen in months.items() if len(seen) == 2 and window.active]
        if not windows:
            return self.browse()
        # sudo: the step writes the suggestions whoever triggered the supervision
        Call = self.sudo().with_context(mail_create_nosubscribe=True)
        done = Call.search([("month", "=", month), ("window_id", "in", [w.id for w in windows])]).window_id
        vals_list = []
        for window in windows:
            if window in done:
                continue
            last, before = months[window][month], months[window][previous]
            vals_list.append(
                {
                    "window_id": window.id,
                    "month": month,
                    "previous_month": previous,
                    "rank": last.rank,
                    "ranked_count": last.ranked_count,
                    "satisfaction_rate": last.satisfaction_rate,
                    "previous_rank": before.rank,
                    "previous_ranked_count": before.ranked_count,
                    "previous_satisfaction_rate": before.satisfaction_rate,
                    "bottom_windows": bottom,
                }
            )
        calls = Call.create(vals_list)
        calls._notify_coordination(today)
        return calls.with_env(self.env)

    def _notify_coordination(self, today):
        """An activity for each user of the window's coordination department, in their language."""
        for call in self:
            for user in call.window_id._qi_coordination_users():
                env = recipient_env(self.env, user)
                call.activity_schedule(
                    "qi_case.mail_activity_type_rating_call_in",
                    date_deadline=today,
                    summary=env._(
                        "Call in (约谈) %(window)s: in the bottom %(bottom)s of the satisfaction ranking in "
                        "%(previous)s and %(month)s",
                        window=call.window_id.with_env(env).name,
                        bottom=call.bottom_windows,
                        previous=call.previous_month.strftime("%Y-%m"),
                        month=call.month.strftime("%Y-%m"),
                    ),
                    user_id=user.id,
                )
