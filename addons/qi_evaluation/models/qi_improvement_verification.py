from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.ondelete import deletion_guard

VERIFICATION_RESULTS = [
    ("effective", "Effective"),
    ("not_effective", "Not Effective"),
]


class QiImprovementVerification(models.Model):
    """An effectiveness verification of an improvement (R-8.3.3), made by
    someone other than its owner. Effective closes the improvement; not
    effective reopens it with a new deadline of 15 working days. Kept as a
    record: never changed nor deleted."""

    _name = "qi.improvement.verification"
    _description = "QI Improvement Effectiveness Verification"
    _inherit = ["qi.window.bound.mixin"]
    _order = "date desc, id desc"

    improvement_id = fields.Many2one("qi.improvement", required=True, ondelete="cascade", index=True)
    window_id = fields.Many2one(related="improvement_id.window_id", store=True, index=True)
    company_id = fields.Many2one(related="improvement_id.company_id", store=True, index=True)
    evaluation_type = fields.Selection(related="improvement_id.evaluation_type", store=True)
    verifier_id = fields.Many2one(
        "res.users", string="Verified By", required=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Date(required=True, default=lambda self: china_today(), readonly=True)
    result = fields.Selection(VERIFICATION_RESULTS, required=True)
    note = fields.Text(string="Evidence and Conclusion", required=True)
    new_deadline = fields.Date(readonly=True)

    @api.constrains("verifier_id", "improvement_id")
    def _check_verifier(self):
        for verification in self:
            improvement = verification.improvement_id
            if verification.verifier_id == improvement.owner_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s owns improvement “%(improvement)s” and cannot verify its effectiveness: "
                        "someone else must (R-8.3.3).",
                        user=verification.verifier_id.name,
                        improvement=improvement.name,
                    )
                )
            if not verification._verifier_is_entitled():
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot verify improvement “%(improvement)s”: the operating organisation's "
                        "leader, the coordination department or an evaluator of the evaluation verifies it.",
                        user=verification.verifier_id.name,
                        improvement=improvement.name,
                    )
                )

    @api.constrains("date")
    def _check_date(self):
        today = china_today()
        for verification in self:
            if verification.date > today:
                raise ValidationError(self.env._("A verification cannot be recorded for a future date."))

    def _verifier_is_entitled(self):
        self.ensure_one()
        user = self.verifier_id
        evaluation = self.improvement_id.evaluation_id
        return (
            user.has_group("qi_window.group_qi_manager")
            or user.has_group("qi_window.group_qi_coordinator")
            or user in evaluation.evaluator_ids
            or user == evaluation.user_id
        )

    @api.model_create_multi
    def create(self, vals_list):
        today = china_today()
        for vals in vals_list:
            if not self.env.su:
                # a verification is made by whoever records it, today: nobody
                # records one in another's name, nor back-dates it
                vals["verifier_id"] = self.env.uid
                vals["date"] = today
            vals["new_deadline"] = (
                self.env["qi.improvement"]._get_deadline(fields.Date.to_date(vals.get("date")) or today)
                if vals.get("result") == "not_effective"
                else False
            )
        verifications = super().create(vals_list)
        for verification in verifications:
            improvement = verification.improvement_id
            if improvement.state != "to_verify":
                raise UserError(
                    self.env._(
                        "Improvement “%s” is not waiting for verification: submit it when its actions are done.",
                        improvement.name,
                    )
                )
            improvement._apply_verification(verification)
            improvement.message_post(
                body=self.env._(
                    "Effectiveness verified by %(user)s: %(result)s. %(note)s",
                    user=verification.verifier_id.name,
                    result=dict(self._fields["result"]._description_selection(self.env))[verification.result],
                    note=verification.note,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return verifications

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("A verification is a record: it cannot be changed."))
        return super().write(vals)

    @deletion_guard
    def _unlink_except_record(self):
        if not self.env.su:
            raise UserError(self.env._("A verification is a record: it cannot be deleted."))
