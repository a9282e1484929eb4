from odoo import models


class QiServiceItem(models.Model):
    _inherit = "qi.service.item"

    def _get_public_satisfaction(self):
        """Satisfaction (好差评) of these items for the public page: the item's
        code and name, the rate and the number of ratings; no rating, case,
        rater, provider or staff member. One grouped query for all items."""
        # sudo: only counts and rates of the valid ratings per item leave here
        satisfaction = (
            self.env["qi.case.rating"]
            .sudo()
            ._get_public_satisfaction("case_id.item_ids", [("case_id.item_ids", "in", self.ids)])
        )
        return [
            {
                "id": item.id,
                "code": item.code or "",
                "name": item.name,
                **satisfaction.get(item.id, {"rate": None, "count": 0}),
            }
            for item in self
        ]
