from odoo import api, fields, models
from odoo.exceptions import ValidationError


class QiRegion(models.Model):
    """An administrative area served by providers and experts (R-5.3.2).

    Regions form a tree (city > district or park); a provider serving the city
    serves every district in it.
    """

    _name = "qi.region"
    _description = "QI Service Region"
    _parent_store = True
    _order = "code, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Administrative division code (GB/T 2260), e.g. 130302.")
    parent_id = fields.Many2one("qi.region", string="Parent Region", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("qi.region", "parent_id", string="Sub-regions")
    active = fields.Boolean(default=True)

    _code_uniq = models.UniqueIndex("(code) WHERE code IS NOT NULL", "Another region already uses this division code.")

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for region in self:
            names, current = [], region
            while current:
                names.append(current.name or "")
                current = current.parent_id
            region.display_name = " / ".join(reversed(names))

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A region cannot be inside itself."))

    def _get_ancestor_ids(self):
        """Ids of these regions and of every region above them, read from
        parent_path (no query once the records are fetched)."""
        ids = set()
        for region in self:
            ids.update(int(part) for part in (region.parent_path or "").split("/") if part)
        return ids
