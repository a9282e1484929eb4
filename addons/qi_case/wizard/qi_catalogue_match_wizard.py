from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class QiCatalogueMatchWizard(models.TransientModel):
    """Find Resources started from a case: the case's items, service object and
    window are the demand, and the providers and experts ticked are assigned
    with the reasons they were proposed for (R-7.2.1, R-7.3.1)."""

    _inherit = "qi.catalogue.match.wizard"

    case_id = fields.Many2one("qi.case", ondelete="cascade", readonly=True)
    date_due = fields.Date(string="Due")

    @api.model
    def _action_open_for_case(self, case):
        """Match resources to ``case`` and show them, ready to assign."""
        case.ensure_one()
        if not case.item_ids:
            raise UserError(self.env._("Add the requested items to the case before finding resources."))
        return self.create(self._prepare_case_vals(case)).action_match()

    @api.model
    def _prepare_case_vals(self, case):
        return {
            "case_id": case.id,
            "item_ids": [Command.set(case.item_ids.ids)],
            "partner_id": case.partner_id.id,
            "window_id": case.window_id.id,
            "date_due": case.date_deadline,
        }

    def _action_reopen(self):
        self.ensure_one()
        if not self.case_id:
            return super()._action_reopen()
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_find_resources_action")
        action["res_id"] = self.id
        return action

    def _prepare_ranked_line_vals(self, kind, rank, entry):
        vals = super()._prepare_ranked_line_vals(kind, rank, entry)
        if self.case_id and kind in ("provider", "expert"):
            # the item to assign: the first requested item the resource offers
            record = entry["record"]
            offered = record.qi_item_ids if kind == "provider" else record.item_ids
            vals["item_id"] = (self.item_ids & offered)[:1].id or self.item_ids[:1].id
        return vals

    def action_assign(self):
        self.ensure_one()
        chosen = self.line_ids.filtered(lambda line: line.selected and line.kind in ("provider", "expert"))
        if not chosen:
            raise UserError(self.env._("Tick at least one provider or expert to assign."))
        self.env["qi.case.assignment"].create([self._prepare_assignment_vals(line) for line in chosen])
        return {"type": "ir.actions.act_window_close"}

    def _prepare_assignment_vals(self, line):
        return {
            "case_id": self.case_id.id,
            # a provider's line names it as the organisation, an expert's has none
            "provider_id": line.partner_id.id,
            "expert_id": line.expert_id.id,
            "item_id": line.item_id.id,
            "date_due": self.date_due,
            "match_reasons": line.reasons,
        }
