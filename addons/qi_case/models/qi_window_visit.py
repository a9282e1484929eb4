import secrets
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_format
from odoo.addons.qi_window.tools.ondelete import deletion_guard

# fields only the system sets: the token a visitor rates with, whether it was used
SYSTEM_FIELDS = frozenset({"token", "rated", "source", "ip_hash"})


def new_token():
    return secrets.token_urlsafe(24)


def qr_image_url(value, size=240):
    """The QR code of ``value`` as an image URL (Odoo's barcode route, public)."""
    return "/report/barcode/?" + urlencode({"barcode_type": "QR", "value": value, "width": size, "height": size})


class QiWindowVisit(models.Model):
    """One visit or consultation at a window (一次一评): the visitor rates it on
    the spot by scanning its QR code, without an account, once. Staff open one
    per visit (the receipt); scanning the window's own QR code opens one too."""

    _name = "qi.window.visit"
    _description = "QI Window Visit"
    _inherit = ["qi.window.bound.mixin"]
    _order = "date desc, id desc"

    window_id = fields.Many2one(
        "qi.window", required=True, index=True, ondelete="restrict", default=lambda self: self._default_window()
    )
    company_id = fields.Many2one(related="window_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Served By",
        index=True,
        default=lambda self: self.env.user if self.env.user._is_internal() else False,
        help="The staff member who served the visitor; the rating is theirs.",
    )
    case_id = fields.Many2one("qi.case", index="btree_not_null", domain="[('window_id', '=', window_id)]")
    token = fields.Char(required=True, readonly=True, copy=False, default=lambda self: new_token())
    source = fields.Selection(
        [("receipt", "Visit Receipt"), ("window_qr", "Window QR Code")],
        required=True,
        default="receipt",
        readonly=True,
    )
    rated = fields.Boolean(readonly=True, copy=False, index=True)
    # the visitor's address, salted and hashed: only compared for the per-address limit
    ip_hash = fields.Char(readonly=True, copy=False, index="btree_not_null", groups="base.group_system")
    rating_ids = fields.One2many("qi.case.rating", "visit_id", readonly=True)
    rating_url = fields.Char(compute="_compute_rating_url", string="Rating Link")
    qr_url = fields.Char(compute="_compute_rating_url", string="QR Code")

    _token_uniq = models.Constraint("UNIQUE(token)", "This visit token is already used.")

    @api.model
    def _default_window(self):
        if self.env.context.get("default_window_id"):
            return self.env.context["default_window_id"]
        windows = self.env["qi.window"].search([("member_user_ids", "in", self.env.uid)], limit=2)
        return windows.id if len(windows) == 1 else False

    @api.depends("token")
    def _compute_rating_url(self):
        for visit in self:
            visit.rating_url = visit.token and f"{visit.get_base_url()}/qi/rate/{visit.token}"
            visit.qr_url = visit.rating_url and qr_image_url(visit.rating_url)

    @api.depends("window_id", "date")
    def _compute_display_name(self):
        for visit in self:
            when = china_format(visit.date, visit.window_id)[:16] if visit.date else ""
            visit.display_name = f"{visit.window_id.code or visit.window_id.name or ''} {when}".strip()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                for name in SYSTEM_FIELDS & vals.keys():
                    del vals[name]
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if SYSTEM_FIELDS & vals.keys():
                raise UserError(self.env._("The token of a visit and whether it was rated are set by the system."))
            if self.filtered("rated"):
                raise UserError(self.env._("A rated visit cannot change."))
        return super().write(vals)

    @deletion_guard
    def _unlink_if_unrated(self):
        if self.filtered("rated"):
            raise UserError(self.env._("A rated visit cannot be deleted: its rating counts."))

    def action_print_receipt(self):
        self.ensure_one()
        return self.env.ref("qi_case.qi_window_visit_report").report_action(self)
