from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today


class QiCaseFlow(models.Model):
    """The service flow of a case: its first handler, its stages (Annex A),
    adjustments while it runs and the wizards it opens."""

    _inherit = "qi.case"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    # ------------------------------------------------------------------
    # first handler
    # ------------------------------------------------------------------
    def _check_handler_change(self, new_user_id):
        changing = self.filtered(lambda c: c.user_id and c.user_id.id != new_user_id)
        if changing and not (self.env.context.get("qi_handler_change_reason") or "").strip():
            raise UserError(
                self.env._(
                    "The first handler of %(cases)s answers for the whole case: changing him needs a "
                    "reason, and the service object is told. Use “Change First Handler”.",
                    cases=", ".join(changing.mapped("name")),
                )
            )

    def _after_handler_change(self, previous_handlers):
        reason = self.env.context.get("qi_handler_change_reason") or ""
        # sudo: the first-handler log is written by the flow only (it feeds the
        # window's evaluation), after the caller's write of these cases passed
        Log = self.env["qi.case.handler.log"].sudo()
        for case in self:
            previous = previous_handlers[case.id]
            if previous == case.user_id or not case.user_id:
                continue
            log_vals = {
                "case_id": case.id,
                "from_user_id": previous.id or False,
                "to_user_id": case.user_id.id,
                "reason": reason or self.env._("First handler assigned"),
            }
            if previous:
                case._notify_handler_change(reason)
                log_vals["notified"] = True
            Log.create(log_vals)

    def _notify_handler_change(self, reason):
        """R-7.2.2: tell the service object, by mail and in the portal chatter."""
        self.ensure_one()
        self.message_subscribe(partner_ids=self.partner_id.ids)
        self.with_context(qi_handler_change_reason=reason).message_post_with_source(
            "qi_case.mail_template_case_handler_changed",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            partner_ids=self.partner_id.ids,
        )

    # ------------------------------------------------------------------
    # stages (Annex A)
    # ------------------------------------------------------------------
    def _check_stage_transition(self, stage, vals):
        self.ensure_one()
        code = stage.code
        if code == self.stage_code:
            return
        if self.stage_code in ("closed", "cancelled", "rejected"):
            raise UserError(self.env._("Case %s is finished; it cannot move to another stage.", self.name))
        if code in ("cancelled", "rejected") and not (vals.get("close_reason") or self.close_reason or "").strip():
            raise UserError(self.env._("Give the reason to cancel or reject case %s.", self.name))
        if code not in self._allowed_transitions().get(self.stage_code, ()):
            raise UserError(
                self.env._(
                    "Case %(case)s cannot go from “%(from)s” to “%(to)s”: follow the service flow.",
                    case=self.name,
                    **{"from": self.stage_id.name, "to": stage.name},
                )
            )
        if code not in ("new", "cancelled", "rejected") and not (vals.get("user_id") or self.user_id):
            raise UserError(self.env._("Case %s needs a first handler before it is accepted.", self.name))
        active_assignments = self.assignment_ids.filtered(lambda a: a.state not in ("declined", "cancelled"))
        if code in ("matched", "in_service") and not active_assignments:
            raise UserError(self.env._("Match at least one provider or expert to case %s first.", self.name))
        if code == "in_service" and not active_assignments.filtered(
            lambda a: a.state in ("accepted", "in_progress", "delivered")
        ):
            raise UserError(self.env._("No provider or expert has accepted case %s yet.", self.name))
        if code == "completed" and active_assignments.filtered(lambda a: a.state != "delivered"):
            raise UserError(
                self.env._("Every assignment of case %s must be delivered before the case is completed.", self.name)
            )
        if code == "closed" and self.stage_code != "completed":
            raise UserError(self.env._("Only a completed case can be closed (%s).", self.name))

    @api.model
    def _allowed_transitions(self):
        """Annex A's flow; a case may go back from matched to accepted when every
        assignment was declined."""
        return {
            "new": ("accepted", "rejected", "cancelled"),
            "accepted": ("matched", "cancelled"),
            "matched": ("accepted", "in_service", "cancelled"),
            "in_service": ("completed", "cancelled"),
            "completed": ("closed",),
        }

    def _prepare_stage_vals(self, stage):
        now = fields.Datetime.now()
        vals = {}
        if stage.code == "completed":
            vals["date_completed"] = now
        if stage.code in ("closed", "cancelled", "rejected"):
            vals["date_closed"] = now
        return vals

    def _after_stage_change(self):
        today = china_today()
        for case in self:
            if case.stage_code != "new" and not case.date_accepted:
                case.date_accepted = fields.Datetime.now()
            if case.stage_code == "completed":
                case.completed_on_time = bool(case.date_deadline and today <= case.date_deadline)
                case._update_clock(today)
                case._log_clock_event("completed", today)
                self.env["qi.case.rating"]._request_for(case)
        self._update_overdue(today)
        # a finished case leaves the warning ladder
        self.filtered(lambda c: not c.is_open and c.warning_level != "none").write(
            {"warning_level": "none", "date_red": False}
        )

    def action_accept(self):
        for case in self:
            vals = {"stage_id": self._stage("accepted").id}
            if not case.user_id:
                vals["user_id"] = self.env.user.id
            case.write(vals)
        return True

    def action_start_service(self):
        self.write({"stage_id": self._stage("in_service").id})
        return True

    def action_complete(self):
        self.write({"stage_id": self._stage("completed").id})
        return True

    def action_close(self):
        self.write({"stage_id": self._stage("closed").id})
        return True

    def _stage(self, code):
        return self.env["qi.case.stage"].search([("code", "=", code)], limit=1)

    def action_open_reason_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.case.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_case_id": self.id,
                "default_action": self.env.context.get("qi_close_action", "cancel"),
            },
        }

    # ------------------------------------------------------------------
    # adjustments
    # ------------------------------------------------------------------
    def _adjustment_fields(self):
        return {"item_ids", "time_limit_days"}

    def _adjustment_snapshot(self):
        return {
            "items": self.item_ids,
            "deadline": self.date_deadline,
            "running": self.stage_code in ("accepted", "matched", "in_service"),
        }

    def _log_adjustments(self, before):
        reason = self.env.context.get("qi_adjustment_reason")
        for case in self:
            old = before.get(case.id)
            if not old or not old["running"]:
                continue
            changes = []
            if old["items"] != case.item_ids:
                changes.append(
                    (
                        "items",
                        self.env._(
                            "Items: %(old)s → %(new)s",
                            old=", ".join(old["items"].mapped("display_name")) or "-",
                            new=", ".join(case.item_ids.mapped("display_name")) or "-",
                        ),
                    )
                )
            if old["deadline"] != case.date_deadline:
                changes.append(
                    (
                        "deadline",
                        self.env._(
                            "Deadline: %(old)s → %(new)s", old=old["deadline"] or "-", new=case.date_deadline or "-"
                        ),
                    )
                )
            if not changes:
                continue
            if not (reason or "").strip():
                raise UserError(
                    self.env._("Case %s is running: say why its items or deadline change (Adjust Service).", case.name)
                )
            for kind, what in changes:
                self.env["qi.case.adjustment"].create(
                    {"case_id": case.id, "kind": kind, "description": what, "reason": reason}
                )

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_change_handler(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change First Handler"),
            "res_model": "qi.case.handler.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Service"),
            "res_model": "qi.case.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_request_extension(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request an Extension"),
            "res_model": "qi.case.extension",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_plan_visit(self):
        """R-7.1.2: an on-site visit planned in the calendar, linked to the case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("calendar.action_calendar_event")
        partners = (self.user_id.partner_id | self.contact_id | self.partner_id).ids
        action["context"] = {
            "default_res_model": self._name,
            "default_res_id": self.id,
            "default_name": self.env._("Visit: %(case)s %(partner)s", case=self.name, partner=self.partner_id.name),
            "default_partner_ids": partners,
            "default_location": self.partner_id.contact_address if self.partner_id else False,
        }
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        return action

    @api.readonly
    def action_view_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_assignment_action")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action
