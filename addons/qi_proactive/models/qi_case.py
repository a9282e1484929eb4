from odoo import api, fields, models


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

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        for case in cases:
            self.env["res.partner"]._qi_set_home_window(case.partner_id, case.window_id)
        return cases


class QiCaseStatistics(models.Model):
    """The monthly statistics count the proactive channel too: the demands
    that came from a warning or a notice (R-7.1.2)."""

    _inherit = "qi.case.statistics"

    channel = fields.Selection(selection_add=[("proactive", "Proactive Service")], ondelete={"proactive": "cascade"})
