from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param


class QiCaseTimeLimit(models.Model):
    """The time limit of a case: materials, the clock, overdue and warning
    flags, computed on PRC working days in China's time (R-7.3.2)."""

    _inherit = "qi.case"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    # ------------------------------------------------------------------
    # time limits
    # ------------------------------------------------------------------
    @api.depends("overdue_reason")
    def _compute_deadline_state(self):
        for case in self:
            case.deadline_state = case.overdue_reason or "on_time"

    @api.depends("item_ids.time_limit_days", "item_ids.statutory_limit_days")
    def _compute_time_limit_days(self):
        default = int_param(self.env, "qi_case.default_time_limit_days", 20, minimum=1)
        for case in self:
            limits = case.item_ids.mapped("time_limit_days")
            case.time_limit_days = max(limits) if limits and max(limits) > 0 else default
            case.statutory_limit_days = max(case.item_ids.mapped("statutory_limit_days") or [0])

    @api.depends("pause_ids.working_days")
    def _compute_paused_days(self):
        for case in self:
            case.paused_days = sum(case.pause_ids.mapped("working_days"))

    @api.depends("date_received")
    def _compute_date_correction_due(self):
        days = int_param(self.env, "qi_case.correction_notice_working_days", 5, minimum=0)
        workday = self.env["qi.workday"]
        for case in self:
            case.date_correction_due = (
                workday.add_working_days(case._local_date(case.date_received), days) if case.date_received else False
            )

    @api.depends("date_received", "window_id")
    def _compute_date_accept_due(self):
        days = int_param(self.env, "qi_case.acceptance_working_days", 1, minimum=0)
        workday = self.env["qi.workday"]
        for case in self:
            case.date_accept_due = (
                workday.add_working_days(case._local_date(case.date_received), days) if case.date_received else False
            )

    @api.depends("materials_state", "date_materials_complete", "time_limit_days", "extension_days", "paused_days")
    def _compute_date_deadline(self):
        workday = self.env["qi.workday"]
        for case in self:
            if case.materials_state != "complete" or not case.date_materials_complete:
                case.date_deadline = False  # the clock is stopped (补正)
            else:
                # a pause starts before the deadline, so its working days all fall before the new one
                case.date_deadline = workday.add_working_days(
                    case.date_materials_complete, case.time_limit_days + case.extension_days + case.paused_days
                )

    @api.depends("date_received", "date_accept_due", "date_materials_complete", "date_deadline", "stage_code")
    def _compute_deadline_provisional(self):
        workday = self.env["qi.workday"]
        for case in self:
            provisional = False
            try:
                if case.date_accept_due and case.stage_code in (False, "new"):
                    provisional = workday.is_provisional(case._local_date(case.date_received), case.date_accept_due)
                if not provisional and case.date_deadline and case.date_materials_complete:
                    provisional = workday.is_provisional(case.date_materials_complete, case.date_deadline)
            except UserError:
                provisional = False  # a year the calendar refuses: the deadline compute says so
            case.deadline_provisional = provisional

    # ------------------------------------------------------------------
    # materials and the clock
    # ------------------------------------------------------------------
    def _prepare_materials_vals(self, vals):
        vals = dict(vals)
        if vals["materials_state"] == "complete" and "date_materials_complete" not in vals:
            vals["date_materials_complete"] = china_today(self.window_id[:1])
        elif vals["materials_state"] == "incomplete":
            vals["date_materials_complete"] = False
        return vals

    def action_materials_incomplete(self):
        """补正 (P-TL-2): one notice saying everything that is missing, within
        the set working days of receipt; the clock stops until the materials
        arrive. Later the materials count as complete from receipt."""
        today = china_today(self.window_id[:1])
        for case in self.filtered(lambda c: c.is_open):
            if not (case.correction_missing or "").strip():
                raise UserError(
                    self.env._(
                        "Case %s: list every missing material in “Missing Materials” first; the service object "
                        "is told all of it at once (一次性告知).",
                        case.name,
                    )
                )
            if case.date_correction_notice:
                raise UserError(
                    self.env._(
                        "Case %(case)s: the correction notice was sent on %(date)s; missing materials are asked "
                        "for once, all at once.",
                        case=case.name,
                        date=case.date_correction_notice,
                    )
                )
            if case.date_correction_due and today > case.date_correction_due:
                raise UserError(
                    self.env._(
                        "Case %(case)s: the correction notice was due by %(due)s. Sent later, it does not stop the "
                        "clock: the materials count as complete from receipt (Administrative Licensing Law, Art. 32).",
                        case=case.name,
                        due=case.date_correction_due,
                    )
                )
            case.write({"materials_state": "incomplete"})
            case._send_correction_notice(today)
        return True

    def _send_correction_notice(self, today):
        self.ensure_one()
        self.with_context(qi_case_internal=FLOW).write({"date_correction_notice": today})
        self._log_clock_event("correction_sent", today, self.correction_missing)
        if self.partner_id:
            self.message_post(
                body=self.env._(
                    "Correction notice (补正) for case %(case)s. Please send all of the following; the time limit "
                    "counts again from the day after they arrive: %(missing)s",
                    case=self.name,
                    missing=self.correction_missing,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.partner_id.ids,
            )

    def action_materials_complete(self):
        """The missing materials arrived: the full time limit counts again from tomorrow."""
        cases = self.filtered(lambda c: c.materials_state == "incomplete")
        cases.write({"materials_state": "complete"})
        for case in cases:
            case._log_clock_event("materials_complete", case.date_materials_complete)
        return True

    def _deem_materials_complete(self, today):
        """P-TL-2, §32: no correction notice in time, the materials count as complete from receipt."""
        late = self.filtered(
            lambda c: (
                c.materials_state == "incomplete"
                and not c.date_correction_notice
                and c.date_correction_due
                and today > c.date_correction_due
            )
        )
        # one UPDATE per day of receipt, one INSERT for the whole log
        for received, cases in late.grouped(lambda c: c._local_date(c.date_received)).items():
            cases.with_context(qi_case_internal=FLOW).write(
                {
                    "materials_state": "complete",
                    "date_materials_complete": received,
                    "materials_deemed_complete": True,
                }
            )
        vals_list = [
            case._clock_event_vals(
                "deemed_complete",
                case.date_materials_complete,
                self.env._(
                    "No correction notice by %s: the materials count as complete from receipt.",
                    case.date_correction_due,
                ),
            )
            for case in late
        ]
        # sudo: see _log_clock_event
        self.env["qi.case.clock.event"].sudo().with_context(qi_case_clock=FLOW).create(vals_list)
        return late

    # ------------------------------------------------------------------
    # the clock log (P-TL-2, P-TL-3, P-TL-4)
    # ------------------------------------------------------------------
    def _clock_event_vals(self, kind, day, note=False):
        self.ensure_one()
        return {
            "case_id": self.id,
            "kind": kind,
            "date": day,
            "note": note or False,
            "deadline": self.date_deadline,
            "user_id": self.env.user.id,
        }

    def _log_clock_event(self, kind, day, note=False):
        # sudo: the clock log is written by the flow only, after the caller's change of the case passed
        # its own access checks; nobody writes it by hand
        return (
            self.env["qi.case.clock.event"]
            .sudo()
            .with_context(qi_case_clock=FLOW)
            .create([case._clock_event_vals(kind, day, note) for case in self])
        )

    def _log_intake_clock_events(self):
        vals_list = []
        for case in self:
            received = case._local_date(case.date_received)
            vals_list.append(case._clock_event_vals("received", received))
            if case.materials_state == "complete" and case.date_materials_complete:
                vals_list.append(case._clock_event_vals("materials_complete", case.date_materials_complete))
            elif (case.correction_missing or "").strip():
                # told on the spot (当场告知)
                case.with_context(qi_case_internal=FLOW).write({"date_correction_notice": received})
                vals_list.append(case._clock_event_vals("correction_sent", received, case.correction_missing))
        # sudo: see _log_clock_event
        self.env["qi.case.clock.event"].sudo().with_context(qi_case_clock=FLOW).create(vals_list)

    def action_pause_clock(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pause the Clock"),
            "res_model": "qi.case.pause",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    # ------------------------------------------------------------------
    # days used, overdue and warning flags (R-7.3.3, P-TL-7)
    # ------------------------------------------------------------------
    def _update_clock(self, today, extra_vals=None):
        """Refresh days used; one UPDATE per distinct value, not per case.
        ``extra_vals`` are written to every case of ``self`` in the same UPDATE."""
        workday = self.env["qi.workday"]
        changes = defaultdict(list)
        for case in self:
            days = case.days_used
            if case.date_materials_complete:
                end = case._local_date(case.date_completed) if case.date_completed else today
                days = workday.count_working_days(case.date_materials_complete, end)
                if case.paused_days:  # P-TL-4: paused working days up to ``end`` do not count
                    days -= sum(
                        workday.count_working_days(
                            max(p.date_start, case.date_materials_complete), min(p.date_end, end)
                        )
                        for p in case.pause_ids
                        if p.date_start < end
                    )
            if days != case.days_used or extra_vals:
                changes[days].append(case.id)
        for days, ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write(dict(extra_vals or {}, days_used=days))

    def _update_overdue(self, today):
        """Overdue = not accepted in time, or result not reported back by the deadline."""
        changes = defaultdict(list)
        for case in self:
            reason = False
            if case.stage_code == "new" and case.date_accept_due and today > case.date_accept_due:
                reason = "not_accepted"
            elif case.is_open and case.date_deadline and today > case.date_deadline:
                reason = "not_completed"
            elif case.stage_code in ("completed", "closed") and case.date_deadline and not case.completed_on_time:
                reason = "not_completed"
            if case.is_overdue != bool(reason) or case.overdue_reason != reason:
                changes[reason].append(case.id)
        for reason, ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write(
                {"is_overdue": bool(reason), "overdue_reason": reason}
            )

    def _update_warning_level(self, today, warn_limit):
        """P-TL-7: none, yellow (due within N working days) or red (overdue);
        one UPDATE per distinct value."""
        changes = defaultdict(list)
        for case in self:
            level = "none"
            if case.is_open and case.is_overdue:
                level = "red"
            elif (
                case.is_open
                and case.stage_code != "new"
                and case.date_deadline
                and today <= case.date_deadline <= warn_limit
            ):
                level = "yellow"
            date_red = (case.date_red or today) if level == "red" else False
            if level != case.warning_level or date_red != case.date_red:
                changes[level, date_red].append(case.id)
        for (level, date_red), ids in changes.items():
            self.browse(ids).with_context(qi_case_internal=FLOW).write({"warning_level": level, "date_red": date_red})
