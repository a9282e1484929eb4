import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from odoo.addons.qi_catalogue.tools.validation import is_valid_uscc

MAX_IMPORT_BYTES = 2 * 1024 * 1024
COLUMNS = ("uscc", "company", "origin_ref", "items", "subject", "description")


class QiCaseImportWizard(models.TransientModel):
    """Turn supervision-inspection or product-sampling findings into cases
    (R-7.1.2). CSV columns: uscc, company, origin_ref, items (item codes
    separated by ';'), subject, description. Every bad row is reported with its
    line number; nothing is created until the whole file is clean."""

    _name = "qi.case.import.wizard"
    _description = "Create Cases from Inspection or Sampling Findings"

    window_id = fields.Many2one("qi.window", required=True)
    channel = fields.Selection(
        [("inspection", "Supervision Inspection"), ("sampling", "Product Sampling")],
        required=True,
        default="inspection",
    )
    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()
    errors = fields.Text(readonly=True)
    case_count = fields.Integer(readonly=True)

    def _read_rows(self):
        raw = base64.b64decode(self.file or b"")
        if len(raw) > MAX_IMPORT_BYTES:
            raise UserError(self.env._("The file is larger than 2 MB; split it."))
        if self.filename and not self.filename.lower().endswith(".csv"):
            raise UserError(self.env._("Upload a .csv file (UTF-8, comma separated)."))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(self.env._("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = set(COLUMNS[:4]) - set(reader.fieldnames or [])
        if missing:
            raise UserError(
                self.env._(
                    "Missing columns: %(columns)s. Expected: %(expected)s",
                    columns=", ".join(sorted(missing)),
                    expected=", ".join(COLUMNS),
                )
            )
        return list(reader)

    def _prepare_case_vals(self, rows):
        Partner = self.env["res.partner"]
        Item = self.env["qi.service.item"]
        values, errors = [], []
        for line, row in enumerate(rows, start=2):
            code = (row.get("uscc") or "").strip().upper()
            company = (row.get("company") or "").strip()
            if not is_valid_uscc(code):
                errors.append(
                    self.env._(
                        "Line %(line)s: “%(code)s” is not a valid Unified Social Credit Code.", line=line, code=code
                    )
                )
                continue
            item_codes = [c.strip() for c in (row.get("items") or "").split(";") if c.strip()]
            items = Item.search([("code", "in", item_codes)])
            unknown = set(item_codes) - set(items.mapped("code"))
            if unknown:
                errors.append(
                    self.env._(
                        "Line %(line)s: unknown item codes %(codes)s.", line=line, codes=", ".join(sorted(unknown))
                    )
                )
                continue
            partner = Partner.search([("qi_uscc", "=", code)], limit=1)
            if not partner and not company:
                errors.append(self.env._("Line %(line)s: a new enterprise needs its name.", line=line))
                continue
            description = (row.get("description") or "").strip()
            values.append(
                {
                    "window_id": self.window_id.id,
                    "channel": self.channel,
                    # an existing partner, or the one to create once the whole file is clean
                    "partner_id": partner.id or (code, company),
                    "origin_ref": (row.get("origin_ref") or "").strip(),
                    "item_ids": [(6, 0, items.ids)],
                    "subject": (row.get("subject") or "").strip()
                    or self.env._("Follow-up of finding %s", row.get("origin_ref") or ""),
                    # plain text from the file: escaped into the HTML description
                    "description": plaintext2html(description) if description else False,
                }
            )
        return values, errors

    def action_import(self):
        self.ensure_one()
        rows = self._read_rows()
        if not rows:
            raise UserError(self.env._("The file has no data rows."))
        values, errors = self._prepare_case_vals(rows)
        if errors:
            # nothing is created: the user fixes the file and uploads it again
            self.errors = "\n".join(errors)
            return {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": self.id,
                "view_mode": "form",
                "target": "new",
            }
        new_partners = {}
        for vals in values:
            if isinstance(vals["partner_id"], tuple):
                code, company = vals["partner_id"]
                if code not in new_partners:
                    new_partners[code] = self.env["res.partner"].create(
                        {"name": company, "qi_uscc": code, "is_company": True}
                    )
                vals["partner_id"] = new_partners[code].id
        cases = self.env["qi.case"].create(values)
        self.case_count = len(cases)
        action = self.env["ir.actions.act_window"]._for_xml_id("qi_case.qi_case_action")
        action["domain"] = [("id", "in", cases.ids)]
        action["context"] = {}
        return action
