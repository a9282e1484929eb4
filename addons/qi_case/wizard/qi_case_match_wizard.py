from odoo import api, fields, models
from odoo.exceptions import UserError


class QiCaseMatchWizard(models.TransientModel):
    """Find resources for a case with qi_catalogue's matching, reasons shown,
    and assign the chosen ones (R-7.2.1)."""

    _name = "qi.case.match.wizard"
    _description = "Find Resources for a Case"

    case_id = fields.Many2one("qi.case", required=True, ondelete="cascade")
    item_ids = fields.Many2many("qi.service.item", string="Items")
    line_ids = fields.One2many("qi.case.match.line", "wizard_id", string="Candidates")
    excluded_text = fields.Text(string="Left Out", readonly=True)
    date_due = fields.Date(string="Due")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        case = self.env["qi.case"].browse(values.get("case_id") or self.env.context.get("default_case_id"))
        if case:
            values["item_ids"] = [(6, 0, case.item_ids.ids)]
            values["date_due"] = case.date_deadline
            values.update(self._prepare_lines(case, case.item_ids))
        return values

    @api.model
    def _prepare_lines(self, case, items):
        matcher = self.env["qi.catalogue.matcher"]
        result = matcher.match(items, partner=case.partner_id, window=case.window_id)
        lines = []
        for kind, field in (("providers", "provider_id"), ("experts", "expert_id")):
            for rank, entry in enumerate(result.get(kind, []), start=1):
                record = entry["record"]
                offered = record.qi_item_ids if field == "provider_id" else record.item_ids
                covered = items & offered
                lines.append((0, 0, {
                    field: record.id,
                    "rank": rank,
                    "score": entry["score"],
                    # the catalogue's rendering: a penalty reads "-10", not "+-10"
                    "reasons": matcher._format_reasons(entry["reasons"]),
                    "item_id": covered[:1].id or items[:1].id,
                }))
        excluded = "\n".join(f"{e['name']}: {'; '.join(e['reasons'])}" for e in result.get("excluded", []))
        return {"line_ids": lines, "excluded_text": excluded}

    def action_assign(self):
        self.ensure_one()
        chosen = self.line_ids.filtered("selected")
        if not chosen:
            raise UserError(self.env._("Tick at least one provider or expert to assign."))
        self.env["qi.case.assignment"].create([
            {
                "case_id": self.case_id.id,
                "provider_id": line.provider_id.id,
                "expert_id": line.expert_id.id,
                "item_id": line.item_id.id,
                "date_due": self.date_due,
                "match_reasons": line.reasons,
            }
            for line in chosen
        ])
        return {"type": "ir.actions.act_window_close"}


class QiCaseMatchLine(models.TransientModel):
    _name = "qi.case.match.line"
    _description = "Resource Candidate for a Case"
    _order = "score desc, id"

    wizard_id = fields.Many2one("qi.case.match.wizard", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Assign")
    rank = fields.Integer()
    provider_id = fields.Many2one("res.partner", string="Provider")
    expert_id = fields.Many2one("qi.expert", string="Expert")
    item_id = fields.Many2one("qi.service.item", string="Item")
    score = fields.Float(digits=(6, 1))
    reasons = fields.Text(string="Why")
