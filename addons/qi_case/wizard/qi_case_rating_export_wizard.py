import base64

from dateutil.relativedelta import relativedelta

from odoo import fields, models

from odoo.addons.qi_window.tools.china import china_today


def _last_month_start(_self=None):
    return china_today().replace(day=1) - relativedelta(months=1)


def _last_month_end(_self=None):
    return china_today().replace(day=1) - relativedelta(days=1)


class QiCaseRatingExportWizard(models.TransientModel):
    """Export the 好差评 ratings of a period for the provincial system, as a
    file to download (docs/haochaping-export.md). Leaders and the coordination
    department only."""

    _name = "qi.case.rating.export.wizard"
    _description = "Export Ratings for the Provincial System"

    date_from = fields.Date(string="From", required=True, default=_last_month_start)
    date_to = fields.Date(string="To", required=True, default=_last_month_end)
    window_ids = fields.Many2many("qi.window", string="Windows", help="Leave empty for every window you can read.")
    file_format = fields.Selection([("json", "JSON"), ("csv", "CSV")], string="Format", required=True, default="json")
    file_data = fields.Binary(string="File", readonly=True, attachment=True)
    file_name = fields.Char(readonly=True)
    rating_count = fields.Integer(string="Ratings Exported", readonly=True)

    def action_export(self):
        """Write the file and download it."""
        self.ensure_one()
        content, name, count = self.env["qi.case.rating.export"]._export(
            self.date_from, self.date_to, self.window_ids, self.file_format
        )
        self.write({"file_data": base64.b64encode(content), "file_name": name, "rating_count": count})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file_data/{name}?download=true",
            "target": "self",
        }
