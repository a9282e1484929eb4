from odoo import api, models
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# What each reason says: key → (template, the method giving the values that
# fill it, None for a fixed text). Translated in the reader's language when
# the text is built.
REASON_TEXTS = {
    "offers": (_lt("Offers %(items)s"), "_reason_offered"),
    "qualified": (_lt("Valid qualification: %s"), "_reason_covered"),
    "expired": (_lt("Not counted: %(qualifications)s expired on %(date)s"), "_reason_lapsed"),
    "only_expired": (
        _lt("Only an expired qualification covers the requested items: %(qualifications)s (expired on %(date)s)"),
        "_reason_lapsed",
    ),
    "stationed": (_lt("Stationed at %(window)s since %(date)s"), "_reason_stationed"),
    "region": (_lt("Serves the region %s"), "_reason_regions"),
    "expert_region": (_lt("Based in the region %s"), "_reason_regions"),
    "located": (_lt("Located in the region %s"), "_reason_regions"),
    "industry": (_lt("Serves the industry %s"), "_reason_industry"),
    "same_industry": (_lt("Same industry: %s"), "_reason_industry"),
    "full": (_lt("At full capacity: %(load)s of %(capacity)s assignments open"), "_reason_load_capacity"),
    "load_capacity": (_lt("Current load: %(load)s of %(capacity)s assignments open"), "_reason_load_capacity"),
    "load": (_lt("Current load: %s open assignments"), "_reason_load"),
    "idle": (_lt("No open assignments"), None),
    "rating": (_lt("Rated %(average)s/5 by %(count)s service objects"), "_reason_rating"),
    "expert_items": (_lt("Expert in %s"), "_reason_items"),
    "expert_fields": (_lt("Works in the field of %s"), "_reason_categories"),
    "public_welfare": (_lt("Public-welfare expert, serves free of charge"), None),
    "busy": (_lt("Currently busy"), None),
    "shows": (_lt("Can show %s"), "_reason_items"),
    "hosts_visits": (_lt("Hosts learning visits"), None),
    "self": (_lt("It is the service object itself"), None),
    "employer": (_lt("Works for the service object (employer)"), None),
    "conflict": (_lt("Declared a conflict of interest with the service object"), None),
    "capacity": (_lt("At capacity: %(load)s of %(capacity)s assignments"), "_reason_load_capacity"),
}


class QiCatalogueMatcherText(models.AbstractModel):
    """The matcher's results in words: each rank's reasons and each exclusion,
    in the reader's language (R-7.2.1)."""

    _inherit = "qi.catalogue.matcher"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    # ------------------------------------------------------------------
    # Human-readable results
    # ------------------------------------------------------------------
    @api.model
    def _render_ranked(self, demand, entries, limit):
        """Sort by score and write the reasons of the entries kept (the texts are
        only built for what is returned)."""
        for entry in entries:
            entry["points"] = [round(points, 2) for __, points, __ in entry["reasons"]]
            entry["score"] = round(sum(entry["points"]), 2)
        entries.sort(key=lambda e: (-e["score"], e["name"] or "", e["record"].id))
        if limit:
            entries = entries[:limit]
        return [
            {
                "record": entry["record"],
                "name": entry["name"],
                "score": entry["score"],
                "reasons": [
                    {"text": self._reason_text(demand, key, params), "points": points}
                    for (key, __, params), points in zip(entry["reasons"], entry["points"], strict=True)
                ],
            }
            for entry in entries
        ]

    @api.model
    def _format_reasons(self, reasons):
        """The rendered ``reasons`` of a ranked entry as text, one per line:
        ``+30 · Offers ...``, ``-10 · Currently busy``."""
        return "\n".join(f"{reason['points']:+g} · {reason['text']}" for reason in reasons)

    @api.model
    def _render_excluded(self, demand, entries):
        return [
            {
                "record": entry["record"],
                "name": entry["name"],
                "kind": entry["kind"],
                "reasons": [self._reason_text(demand, key, params) for key, params in entry["reasons"]],
            }
            for entry in entries
        ]

    @api.model
    def _format_items(self, demand, item_ids):
        items = demand["items"].filtered(lambda item: item.id in item_ids)
        return ", ".join(items.mapped("display_name"))

    @api.model
    def _format_qualification(self, qualification):
        return self.env["qi.provider.qualification"]._get_label(
            qualification["qualification_type"], qualification["number"]
        )

    @api.model
    def _format_qualifications(self, qualifications):
        return "; ".join(self._format_qualification(qualification) for qualification in qualifications)

    @api.model
    def _reason_text(self, demand, key, params):
        """The text of one reason: its template of REASON_TEXTS filled with the
        values its method reads from the demand and the reason's parameters."""
        if key not in REASON_TEXTS:
            return key
        template, values = REASON_TEXTS[key]
        text = self.env._(template)
        return text % getattr(self, values)(demand, params) if values else text

    # The values of the templates: a dict for named placeholders, one value for "%s"
    @api.model
    def _reason_items(self, demand, params):
        return self._format_items(demand, params["items"])

    @api.model
    def _reason_offered(self, demand, params):
        return {"items": self._reason_items(demand, params)}

    @api.model
    def _reason_covered(self, demand, params):
        return "; ".join(
            self._format_cover(demand, qualification, params["expiring_days"])
            for qualification in params["qualifications"]
        )

    @api.model
    def _reason_lapsed(self, demand, params):
        qualifications = params["qualifications"]
        return {
            "qualifications": self._format_qualifications(qualifications),
            "date": ", ".join(format_date(self.env, q["date_to"]) for q in qualifications),
        }

    @api.model
    def _reason_stationed(self, demand, params):
        return {"window": demand["window"].name, "date": format_date(self.env, params["date"])}

    @api.model
    def _reason_regions(self, demand, params):
        return self._format_regions(params["regions"])

    @api.model
    def _reason_industry(self, demand, params):
        return demand["industry"].name

    @api.model
    def _reason_load(self, demand, params):
        return params["load"]

    @api.model
    def _reason_load_capacity(self, demand, params):
        return {"load": params["load"], "capacity": params["capacity"]}

    @api.model
    def _reason_rating(self, demand, params):
        return {"average": f"{params['average']:.1f}", "count": params["count"]}

    @api.model
    def _reason_categories(self, demand, params):
        categories = self.env["qi.service.category"].browse(sorted(params["categories"]))
        return ", ".join(categories.mapped("name"))

    @api.model
    def _format_cover(self, demand, qualification, expiring_days):
        """What one valid qualification covers, and until when."""
        env = self.env
        label = self._format_qualification(qualification)
        items = self._format_items(demand, qualification["covered"])
        date_to = qualification["date_to"]
        if not date_to:
            return env._("%(qualification)s covers %(items)s (no expiry date)", qualification=label, items=items)
        if (date_to - demand["today"]).days <= expiring_days:
            return env._(
                "%(qualification)s covers %(items)s, valid until %(date)s (expiring soon)",
                qualification=label,
                items=items,
                date=format_date(env, date_to),
            )
        return env._(
            "%(qualification)s covers %(items)s, valid until %(date)s",
            qualification=label,
            items=items,
            date=format_date(env, date_to),
        )

    @api.model
    def _format_regions(self, region_ids):
        regions = self.env["qi.region"].browse(sorted(region_ids))
        return ", ".join(regions.mapped("name"))
