from odoo import api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# a provider whose valid qualification names the instruments' categories ranks
# above one covering the item only; one whose qualifications name other
# categories is told so, and ranks below
POINTS_CATEGORIES = 20.0
POINTS_CATEGORIES_MISSING = -20.0

CATEGORY_TEXTS = {
    "instrument_categories": _lt("Authorised for these kinds of instruments: %s"),
    "instrument_categories_missing": _lt("Its qualifications do not name these kinds of instruments: %s"),
}

# the context key that tells the matcher which instrument categories a demand is about
CATEGORY_CONTEXT_KEY = "qi_instrument_category_ids"


class QiCatalogueMatcher(models.AbstractModel):
    """Matching for a demand about measuring instruments (R-6.1.1.1): the
    instrument categories of the demand (``qi_instrument_category_ids`` in
    the context, set by Find Resources from the case's instruments) count
    against the categories the providers' valid qualifications name."""

    _inherit = "qi.catalogue.matcher"

    @api.model
    def _prepare_demand(self, items, partner, window, industry, region):
        demand = super()._prepare_demand(items, partner, window, industry, region)
        category_ids = {int(cid) for cid in self.env.context.get(CATEGORY_CONTEXT_KEY) or () if cid}
        demand["instrument_category_ids"] = category_ids
        if category_ids:
            # the names the reasons show, read now (one query)
            self.env["qi.instrument.category"].browse(category_ids).fetch(["name"])
        return demand

    @api.model
    def _gather_qualifications(self, demand):
        valid, expired, names = super()._gather_qualifications(demand)
        if demand.get("instrument_category_ids"):
            rows = [row for by_provider in (valid, expired) for found in by_provider.values() for row in found]
            linked = self._qualification_categories([row["id"] for row in rows])
            for row in rows:
                row["instrument_category_ids"] = linked.get(row["id"], set())
        return valid, expired, names

    @api.model
    def _qualification_categories(self, qualification_ids):
        """``{qualification id: {category id}}`` in one query. The ids come from
        the qualifications read under the user's rules; the categories are
        compared, never shown."""
        linked = self._read_relation("qi.provider.qualification", "qi_instrument_category_ids", qualification_ids)
        return {qualification_id: set(category_ids) for qualification_id, category_ids in linked.items()}

    @api.model
    def _qualification_reasons(self, demand, provider, facts):
        """Besides the items: the share of the instruments' categories the
        provider's valid qualifications name. A qualification naming no
        category says nothing either way; when every valid one names some and
        none of them the demand's, the provider is told so."""
        reasons = super()._qualification_reasons(demand, provider, facts)
        wanted = demand.get("instrument_category_ids")
        covering = facts["valid"].get(provider["id"], [])
        if not (wanted and covering):
            return reasons
        named = set().union(*(qualification["instrument_category_ids"] for qualification in covering))
        covered = wanted & named
        if covered:
            reasons.append(
                ("instrument_categories", POINTS_CATEGORIES * len(covered) / len(wanted), {"categories": covered})
            )
        missing = wanted - covered
        silent = any(not qualification["instrument_category_ids"] for qualification in covering)
        if missing and not silent:
            reasons.append(
                (
                    "instrument_categories_missing",
                    POINTS_CATEGORIES_MISSING * len(missing) / len(wanted),
                    {"categories": missing},
                )
            )
        return reasons

    @api.model
    def _reason_text(self, demand, key, params):
        if key in CATEGORY_TEXTS:
            categories = self.env["qi.instrument.category"].browse(sorted(params["categories"]))
            text = self.env._(CATEGORY_TEXTS[key])
            return text % ", ".join(categories.mapped("name"))
        return super()._reason_text(demand, key, params)


class QiCatalogueMatchWizard(models.TransientModel):
    """Find Resources from a demand about instruments: their categories count."""

    _inherit = "qi.catalogue.match.wizard"

    def _match(self):
        categories = self.case_id.instrument_ids.category_id
        if categories:
            return super(QiCatalogueMatchWizard, self.with_context(**{CATEGORY_CONTEXT_KEY: categories.ids}))._match()
        return super()._match()
