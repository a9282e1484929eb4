from odoo import http
from odoo.http import request

from odoo.addons.qi_window.controllers.main import QiWindowPublic


class QiWindowPublicSatisfaction(QiWindowPublic):
    """The public page also shows the satisfaction (好差评) per service item."""

    @http.route()
    def windows(self, **kwargs):
        response = super().windows(**kwargs)
        # sudo: public visitors cannot read the catalogue; only the active items
        # offered at the public windows are listed, with counts and rates alone
        items = request.env["qi.service.item"].sudo().search([("window_ids", "in", self._public_windows().ids)])
        response.qcontext.update(
            {
                "item_satisfaction": items._get_public_satisfaction(),
                "satisfaction_min_ratings": items.env["qi.case.rating"]._get_public_min_ratings(),
            }
        )
        return response
