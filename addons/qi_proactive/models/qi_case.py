from odoo import api, fields, models
from odoo.exceptions import ValidationError


class QiCase(models.Model):
    """A demand that came from a due warning or a notice (R-7.1.2): the
    proactive intake channel, and the ledger lines it is about."""

    _inherit = "qi.case"

    channel = fields.Selection(
        selection_add=[("proactive", "Proactive Service")], ondelete={"proactive": "set default"}
    )
    instrument_ids = fields.Many2many(
        "qi.instrument", "qi_case_instrument_rel", "case_id", "instrument_id", string="Instruments"
    )
    equipment_ids = fields.Many2many(
        "qi.special.equipment", "qi_case_special_equipment_rel", "case_id", "equipment_id", string="Special Equipment"
    )
    certificate_ids = fields.Many2many(
        "qi.enterprise.certificate",
        "qi_case_enterprise_certificate_rel",
        "case_id",
        "certificate_id",
        string="Certificates",
    )
    notice_id = fields.Many2one("qi.notice", string="From Notice", index="btree_not_null", ondelete="set null")

    @api.constrains("partner_id", "instrument_ids", "equipment_ids", "certificate_ids")
    def _check_ledger_lines_enterprise(self):
        """A demand is about lines of its own enterprise's ledgers: the
        providers of its assignments read them (R-6.1.1.3), another
        enterprise's line would reach them through it."""
        # sudo: only the enterprise of each line is compared with the demand's
        for case in self.sudo():
            lines = (case.instrument_ids, case.equipment_ids, case.certificate_ids)
            enterprise = case.partner_id.commercial_partner_id
            foreign = [line for records in lines for line in records if line.partner_id != enterprise]
            if foreign:
                raise ValidationError(
                    self.env._(
                        "%(lines)s: a demand of %(enterprise)s can only be about lines of its own ledgers.",
                        lines=", ".join(line.display_name for line in foreign),
                        enterprise=enterprise.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        # one write per window, not per case (an import opens many cases at once)
        for window, window_cases in cases.grouped("window_id").items():
            self.env["res.partner"]._qi_set_home_window(window_cases.partner_id, window)
        return cases


class QiCaseStatistics(models.Model):
    """The monthly statistics count the proactive channel too: the demands
    that came from a warning or a notice (R-7.1.2)."""

    _inherit = "qi.case.statistics"

    channel = fields.Selection(selection_add=[("proactive", "Proactive Service")], ondelete={"proactive": "cascade"})
