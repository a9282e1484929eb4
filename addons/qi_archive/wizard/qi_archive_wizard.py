from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today

from ..models.qi_archive_category import CONFIDENTIALITY, SOURCE_MODELS


class QiArchiveWizard(models.TransientModel):
    """The manual Archive action: archive finished documents, or a free
    document made of uploaded files."""

    _name = "qi.archive.wizard"
    _description = "QI Archive Wizard"

    mode = fields.Selection(
        [("sources", "Documents"), ("document", "Free Document")], required=True, default="document"
    )
    source_model = fields.Char()
    source_ids = fields.Json()
    source_names = fields.Text(string="Documents", compute="_compute_source_names")
    title = fields.Char()
    window_id = fields.Many2one("qi.window")
    partner_id = fields.Many2one("res.partner", string="Service Object", domain="[('is_company', '=', True)]")
    year = fields.Integer(default=lambda self: china_today().year)
    attachment_ids = fields.Many2many(
        "ir.attachment", "qi_archive_wizard_attachment_rel", "wizard_id", "attachment_id", string="Files"
    )
    category_id = fields.Many2one("qi.archive.category")
    confidentiality = fields.Selection(CONFIDENTIALITY)
    retention_years = fields.Integer(string="Retention (years)")
    note = fields.Text()

    @api.depends("source_model", "source_ids")
    def _compute_source_names(self):
        for wizard in self:
            sources = wizard._get_sources()
            wizard.source_names = "\n".join(sources.mapped("display_name")) if sources else False

    @api.onchange("category_id")
    def _onchange_category_id(self):
        if self.category_id:
            self.confidentiality = self.category_id.confidentiality
            self.retention_years = self.category_id.retention_years

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        source_type = SOURCE_MODELS.get(values.get("source_model"), "document")
        category = self.env["qi.archive.category"]._get_default_for(source_type)
        if category and "category_id" in fields_list and not values.get("category_id"):
            values["category_id"] = category.id
            values.setdefault("confidentiality", category.confidentiality)
            values.setdefault("retention_years", category.retention_years)
        return values

    def _get_sources(self):
        self.ensure_one()
        if self.mode != "sources" or not self.source_model or self.source_model not in self.env:
            return None
        return self.env[self.source_model].browse(self.source_ids or []).exists()

    def action_archive(self):
        self.ensure_one()
        archive = self.env["qi.archive.record"]
        if self.mode == "sources":
            sources = self._get_sources()
            if not sources:
                raise UserError(self.env._("Choose the documents to archive."))
            records = archive._qi_archive_sources(
                sources,
                category=self.category_id or None,
                confidentiality=self.confidentiality or None,
                retention_years=self.retention_years if self.category_id else None,
                note=self.note,
            )
        else:
            if not (self.title and self.window_id and self.category_id):
                raise UserError(self.env._("A free document needs a title, a window and a category."))
            records = archive._qi_archive_document(
                {
                    "title": self.title,
                    "window_id": self.window_id.id,
                    "partner_id": self.partner_id.commercial_partner_id.id or False,
                    "year": self.year,
                    "category_id": self.category_id.id,
                    "confidentiality": self.confidentiality or self.category_id.confidentiality,
                    "retention_years": self.retention_years,
                    "note": self.note or False,
                },
                self.attachment_ids,
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_archive.qi_archive_record_action")
        if len(records) == 1:
            action.update({"res_id": records.id, "view_mode": "form", "views": [(False, "form")]})
        else:
            action["domain"] = [("id", "in", records.ids)]
        return action
