from odoo import http
from odoo.http import request


def public_window(window_id):
    """The active window ``window_id`` as a public visitor may see it, or a 404
    (archived and missing windows alike): the one lookup of the public pages."""
    # sudo: public visitors cannot read windows; an active window's name and
    # published contacts are on /qi/windows anyway
    window = request.env["qi.window"].sudo().browse(window_id).exists()
    if not window or not window.active:
        raise request.not_found()
    return window


class QiWindowPublic(http.Controller):
    """The public page of the windows (R-5.1.2.1, R-7.1.1): where to go, when,
    which number to call, which online channels and rules exist. No login."""

    def _public_windows(self):
        # sudo: public visitors have no access to qi.window; only active windows
        # are read, and only through _get_public_values(), which returns the
        # window's own published contacts and never a person's data.
        return request.env["qi.window"].sudo().search([("active", "=", True)])

    @http.route("/qi/windows", type="http", auth="public", methods=["GET"], sitemap=True, readonly=True, website=True)
    def windows(self, **kwargs):
        windows = self._public_windows()
        return request.render(
            "qi_window.public_windows_page",
            {"windows": windows._get_public_values(), "title": request.env._("QI One-stop Service Windows")},
        )

    @http.route(
        "/qi/windows/channel/<int:channel_id>/qr",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
        website=True,
    )
    def channel_qr(self, channel_id, **kwargs):
        # sudo: the QR code of a published channel of an active window is public
        # by nature; archived channels and windows answer 404.
        channel = request.env["qi.window.channel"].sudo().browse(channel_id).exists()
        if not channel or not channel.active or not channel.window_id.active or not channel.qr_image:
            raise request.not_found()
        return request.env["ir.binary"]._get_image_stream_from(channel, "qr_image").get_response()
