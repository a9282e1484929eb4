from odoo import api, fields, models
from odoo.tools import format_date, format_datetime, html2plaintext

from odoo.addons.qi_window.tools.china import china_today

# technical fields left out of the frozen document
SKIPPED_FIELDS = {
    "id",
    "display_name",
    "create_uid",
    "write_uid",
    "write_date",
    "color",
    "sequence",
    "active",
    "access_token",
    "access_url",
    "access_warning",
    "company_id",
}
SKIPPED_PREFIXES = ("message_", "activity_", "website_", "rating_", "duration_tracking", "qi_archive_")
MAX_LINES = 200


class QiArchiveSourceMixin(models.AbstractModel):
    """What a document that can be archived tells the archive: its window,
    service object and year, whether it is finished, which files belong to it
    and what its frozen document shows."""

    _name = "qi.archive.source.mixin"
    _description = "QI Archivable Document"

    qi_archive_record_id = fields.Many2one(
        "qi.archive.record", string="Archive Record", compute="_compute_qi_archive_record_id"
    )
    qi_archived = fields.Boolean(string="Archived", compute="_compute_qi_archive_record_id")

    def _compute_qi_archive_record_id(self):
        domain = [("source_model", "=", self._name), ("source_id", "in", self.ids)]
        # sudo: whether a document is archived is not secret; only source_id is
        # fetched, so no other field of the archive record enters the cache
        records = self.env["qi.archive.record"].sudo().search_fetch(domain, ["source_id"])
        by_source = {record.source_id: record.id for record in records}
        for source in self:
            source.qi_archive_record_id = by_source.get(source.id, False)
            source.qi_archived = source.id in by_source

    # ------------------------------------------------------------------
    # hooks
    # ------------------------------------------------------------------
    def _qi_archive_values(self):
        """Window, service object, year and title of the archive record."""
        self.ensure_one()
        window = self["window_id"] if "window_id" in self._fields else self.env["qi.window"]
        partner = self.env["res.partner"]
        field = self._fields.get("partner_id")
        if field and field.comodel_name == "res.partner":
            partner = self["partner_id"].commercial_partner_id
        return {
            "title": self.display_name,
            "window_id": window.id,
            "partner_id": partner.id,
            "year": self._qi_archive_year(),
        }

    def _qi_archive_year(self):
        self.ensure_one()
        return china_today().year

    def _qi_archive_is_eligible(self):
        """Only finished documents are archived."""
        return True

    @api.model
    def _qi_archive_auto_domain(self):
        """Domain of the documents the scheduled action archives; None: never automatically."""
        return None

    def _qi_archive_report(self):
        """The report that freezes the document."""
        domain = [("model", "=", self._name), ("report_name", "=", "qi_archive.report_source_document")]
        # sudo: finding the report definition; it renders with the caller's rights
        return self.env["ir.actions.report"].sudo().search(domain, limit=1)

    def _qi_archive_attachments(self):
        """The files of the document: its own attachments and those of its
        lines (assignments, results, actions …), and the documents linked in
        many2many fields."""
        self.ensure_one()
        # sudo: the caller checked the document readable; its files go with it
        source = self.sudo()
        attachment_model = source.env["ir.attachment"]
        domain = [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", False)]
        attachments = attachment_model.search(domain, order="id")
        for name, field in self._fields.items():
            if field.type == "many2many" and field.comodel_name == "ir.attachment":
                attachments |= source[name]
            elif field.type == "one2many" and field.comodel_name.startswith("qi.") and field.comodel_name in self.env:
                children = source[name]
                if children:
                    attachments |= attachment_model.search(
                        [("res_model", "=", children._name), ("res_id", "in", children.ids), ("res_field", "=", False)],
                        order="id",
                    )
        return attachments.filtered(lambda a: a.type == "binary")

    # ------------------------------------------------------------------
    # the frozen document
    # ------------------------------------------------------------------
    def _qi_archive_value_text(self, record, field):
        value = record[field.name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if not value and value != 0:
            return ""
        if field.type == "many2one":
            return value.display_name or ""
        if field.type in ("many2many", "one2many"):
            return ", ".join(value[:MAX_LINES].mapped("display_name"))
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "date":
            return format_date(self.env, value)
        if field.type == "datetime":
            return format_datetime(self.env, value)
        if field.type == "html":
            return html2plaintext(value)
        if field.type == "binary":
            return ""
        return str(value)

    def _qi_archive_fields(self, record, exclude=()):
        result = []
        for name, field in record._fields.items():
            if (
                name in SKIPPED_FIELDS
                or name in exclude
                or name.startswith(SKIPPED_PREFIXES)
                or not field.store
                or field.type in ("binary", "one2many", "properties", "json")
                or (field.type == "many2many" and field.comodel_name == "ir.attachment")
                # a field kept from some readers (the rater of a 好差评) stays out whoever
                # archives: the frozen document is read by the archive's readers, not the field's
                or field.groups
                or not record._has_field_access(field, "read")
            ):
                continue
            result.append(field)
        return result

    def _qi_archive_snapshot(self):
        """What the frozen document shows: every stored field, the lines of
        the document, the files and the history, as text."""
        self.ensure_one()
        fields_rows = [
            (field._description_string(self.env), self._qi_archive_value_text(self, field))
            for field in self._qi_archive_fields(self)
        ]
        return {
            "model": self._description,
            "title": self.display_name,
            "fields": fields_rows,
            "sections": self._qi_archive_sections(),
            "history": self._qi_archive_history(),
            "files": [
                {"name": attachment.name, "size": attachment.file_size, "mimetype": attachment.mimetype}
                for attachment in self._qi_archive_attachments()
            ],
        }

    def _qi_archive_sections(self):
        """The lines of the document (its ``qi.*`` one2many fields), one table
        each: up to 8 short columns and MAX_LINES rows."""
        sections = []
        for name, field in self._fields.items():
            if (
                field.type != "one2many"
                or not field.comodel_name.startswith("qi.")
                or name.startswith(SKIPPED_PREFIXES)
            ):
                continue
            if not self._has_field_access(field, "read"):
                continue
            lines = self[name][:MAX_LINES]
            if not lines:
                continue
            columns = [
                f
                for f in self._qi_archive_fields(lines[:1], exclude={field.inverse_name})
                if f.type not in ("many2many", "html", "text")
            ][:8]
            sections.append(
                {
                    "title": field._description_string(self.env),
                    "columns": [f._description_string(self.env) for f in columns],
                    "rows": [[self._qi_archive_value_text(line, f) for f in columns] for line in lines],
                }
            )
        return sections

    def _qi_archive_history(self):
        """The document's chatter, oldest first: each message's text and the
        values it changed; messages with neither are left out."""
        history = []
        if "message_ids" not in self._fields:
            return history
        for message in self.message_ids.sorted(lambda m: (m.date, m.id)):
            # sudo: tracking values of a message the user can read (the document's history)
            values = message.sudo().tracking_value_ids
            tracking = [
                f"{value.field_id.field_description}: "
                f"{value._format_display_value(value.field_id.ttype, new=False)[0] or ''} → "
                f"{value._format_display_value(value.field_id.ttype, new=True)[0] or ''}"
                for value in values
            ]
            body = html2plaintext(message.body or "")
            if not body and not tracking:
                continue
            history.append(
                {
                    "date": format_datetime(self.env, message.date),
                    "author": message.author_id.display_name or message.email_from or "",
                    "body": body,
                    "tracking": tracking,
                }
            )
        return history

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_qi_archive(self):
        """Open the archiving wizard on these documents."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Archive"),
            "res_model": "qi.archive.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_mode": "sources",
                "default_source_model": self._name,
                "default_source_ids": self.ids,
            },
        }

    @api.readonly
    def action_qi_view_archive(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.archive.record",
            "res_id": self.qi_archive_record_id.id,
            "view_mode": "form",
        }
