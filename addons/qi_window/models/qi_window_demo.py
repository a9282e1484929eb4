from odoo import api, models

DEMO_LANG = "zh_CN"
DEMO_TZ = "Asia/Shanghai"


class ResPartnerDemo(models.Model):
    _inherit = "res.partner"

    @api.model
    def _qi_demo_localise(self, modules):
        """The demo's organisations and people are Chinese: they read zh_CN and
        live in China's time. Called at the end of each addon's demo data for
        the partners that addon's demo created (res.users set theirs in XML)."""
        partner_ids = (
            self.env["ir.model.data"]
            .search([("module", "in", modules), ("model", "=", "res.partner")])
            .mapped("res_id")
        )
        partners = self.browse(partner_ids).exists()
        partners.write({"lang": DEMO_LANG, "tz": DEMO_TZ})
        return partners.ids
