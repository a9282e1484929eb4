from odoo import api, fields, models

from ..tools.china import china_today
from ..tools.validation import check_phone


class QiWindowStaff(models.Model):
    """A person working at a window and in which role (R-5.5.2)."""

    _name = "qi.window.staff"
    _description = "QI Window Staff Member"
    _inherit = ["qi.window.bound.mixin"]
    _order = "window_id, sequence, id"
    _rec_name = "user_id"

    window_id = fields.Many2one("qi.window", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="restrict")
    sequence = fields.Integer(default=10)
    role = fields.Selection(
        [
            ("first_handler", "First Handler"),
            ("quality_steward", "Quality Steward (质量管家)"),
            ("reception", "Reception"),
            ("specialist", "Technical Specialist"),
            ("backoffice", "Back Office"),
        ],
        required=True,
        default="first_handler",
    )
    employment = fields.Selection(
        [("full_time", "Full-time"), ("part_time", "Part-time")],
        required=True,
        default="full_time",
    )
    qualification_note = fields.Char(
        string="Training / Qualification",
        help="R-5.5.2: basic quality knowledge and Mandarin; note the training received.",
    )
    desk_phone = fields.Char(help="Internal use only, never published.")
    date_start = fields.Date(string="Since", default=lambda self: china_today())
    active = fields.Boolean(default=True)

    _window_user_uniq = models.Constraint(
        "UNIQUE(window_id, user_id)", "This person is already on the staff of this window."
    )

    @api.model_create_multi
    def create(self, vals_list):
        staff = super().create(vals_list)
        staff._flush_membership()
        return staff

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "active", "window_id"} & vals.keys():
            self._flush_membership()
        return result

    def unlink(self):
        result = super().unlink()
        self._flush_membership()
        return result

    def _flush_membership(self):
        # record rules read qi_window.member_user_ids in SQL, and a search does
        # not flush fields used only by rules: write it now so access changes
        # take effect within the same transaction.
        self.env["qi.window"].flush_model(["member_user_ids"])

    @api.constrains("desk_phone")
    def _check_desk_phone(self):
        for staff in self:
            check_phone(self.env, staff.desk_phone, self.env._("Desk phone"))
