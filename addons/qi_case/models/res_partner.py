from odoo import api, fields, models
from odoo.tools.mail import parse_contact_from_email

from odoo.addons.qi_window.tools.china import china_lang


class ResPartner(models.Model):
    _inherit = "res.partner"

    qi_unverified = fields.Boolean(
        string="Unverified Service Object",
        index=True,
        help="Created at intake from an unknown e-mail sender or a public form: staff check "
        "the identity (USCC) before the case goes far.",
    )
    qi_case_ids = fields.One2many("qi.case", "partner_id", string="QI Cases")
    qi_case_count = fields.Integer(compute="_compute_qi_case_count", string="QI Case Count")

    def _compute_qi_case_count(self):
        counts = dict(self.env["qi.case"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.qi_case_count = counts.get(partner, 0)

    @api.model
    def _qi_find_or_create_unverified(self, email):
        """The partner of an e-mail sender; unknown senders become flagged partners."""
        name, normalized = parse_contact_from_email(email)
        partner = self.search([("email_normalized", "=", normalized)], limit=1) if normalized else self.browse()
        if partner:
            return partner
        return self.create(
            {
                "name": name or normalized or email,
                "email": normalized or email,
                "qi_unverified": True,
                # a sender's language is unknown: Chinese, as the window speaks it
                "lang": china_lang(self.env) or self.env.lang,
            }
        )

    def action_qi_verify(self):
        self.write({"qi_unverified": False})
        return True
