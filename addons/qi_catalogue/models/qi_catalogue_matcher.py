from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import china_today

# Points each reason adds to a resource's score. A term that depends on the
# requested items is scaled by the share of the items it concerns, so a
# provider offering two of two items outranks one offering one of two.
POINTS_OFFERS = 30.0
POINTS_QUALIFIED = 30.0
POINTS_STATIONED = 15.0
POINTS_REGION = 10.0
POINTS_INDUSTRY = 10.0
POINTS_LOAD = 10.0
POINTS_FULL = -20.0
POINTS_RATING = 10.0
POINTS_EXPERT_ITEM = 30.0
POINTS_EXPERT_FIELD = 15.0
POINTS_PUBLIC_WELFARE = 5.0
POINTS_BUSY = -10.0
POINTS_SHOWS = 30.0
POINTS_HOSTS_VISITS = 15.0


class QiCatalogueMatcher(models.AbstractModel):
    """Match service resources to a demand (R-7.2.1), explaining every rank.

    One entry point, :meth:`match`, used by the "Find Resources" wizard and by
    the case handling of later addons. It reads every candidate in a fixed
    number of queries, whatever the number of providers and experts, and runs
    with the current user's access rights.
    """

    _name = "qi.catalogue.matcher"
    _description = "QI Resource Matching"

    @api.model
    def match(self, items, partner=None, window=None, limit=10, industry=None, region=None):
        """Rank providers, experts and advantage enterprises for a demand.

        :param items: ``qi.service.item`` records the service object asks for
        :param partner: the service object (``res.partner``); its commercial
            entity gives the industry, the region and the conflicts of interest
        :param window: the ``qi.window`` handling the demand
        :param limit: how many resources of each kind to return
        :param industry: ``res.partner.industry`` overriding the partner's
        :param region: ``qi.region`` overriding the partner's
        :return: ``{"providers": [...], "experts": [...], "enterprises": [...],
            "excluded": [...]}``; each ranked entry is a dict with ``record``,
            ``name``, ``score`` and ``reasons`` (a list of ``{"text", "points"}``,
            the score being the sum of the points), best first; each excluded
            entry has ``record``, ``name``, ``kind`` and ``reasons`` (texts).
        """
        demand = self._prepare_demand(items, partner, window, industry, region)
        if not demand["item_ids"]:
            return {"providers": [], "experts": [], "enterprises": [], "excluded": []}
        providers, excluded = self._match_providers(demand)
        experts, excluded_experts = self._match_experts(demand)
        enterprises = self._match_enterprises(demand)
        return {
            "providers": self._render_ranked(demand, providers, limit),
            "experts": self._render_ranked(demand, experts, limit),
            "enterprises": self._render_ranked(demand, enterprises, limit),
            "excluded": self._render_excluded(demand, excluded + excluded_experts),
        }

    # ------------------------------------------------------------------
    # Extension hooks (qi_case feeds assignments and satisfaction ratings)
    # ------------------------------------------------------------------
    @api.model
    def _get_provider_load(self, providers):
        """Open assignments per provider: ``{partner id: count}``.

        Overridden by the addon that owns assignments, with one grouped query
        for all ``providers``.
        """
        return {}

    @api.model
    def _get_expert_load(self, experts):
        """Open assignments per expert: ``{expert id: count}`` (see above)."""
        return {}

    @api.model
    def _get_rating_score(self, resources):
        """Satisfaction of the service objects per resource:
        ``{id: (average from 1 to 5, number of ratings)}``.

        ``resources`` are providers (``res.partner``) or experts (``qi.expert``);
        overrides answer with one grouped query. Resources without ratings are
        left out of the dict.
        """
        return {}

    # ------------------------------------------------------------------
    # Candidates and their reasons
    # ------------------------------------------------------------------
    @api.model
    def _prepare_demand(self, items, partner, window, industry, region):
        items = items.filtered("active")
        items.fetch(["name", "code", "category_id"])
        service_object = partner.commercial_partner_id if partner else self.env["res.partner"]
        if service_object and not (industry and region):
            service_object.fetch(["name", "industry_id", "qi_region_id"])
        industry = industry or service_object.industry_id
        region = region or service_object.qi_region_id
        # the region and every region containing it: a provider serving the city
        # serves each of its districts
        region_ids = region._get_ancestor_ids() if region else set()
        # what the reasons name, read now in one query per model so that the
        # query count never depends on which reasons the results carry
        self.env["qi.region"].browse(region_ids).fetch(["name"])
        items.category_id.fetch(["name"])
        industry.fetch(["name"])
        if window:
            window.fetch(["name"])
        return {
            "items": items,
            "item_ids": set(items._ids),
            "category_ids": set(items.category_id._ids),
            "object": service_object,
            "window": window or self.env["qi.window"],
            "industry": industry,
            "region_ids": region_ids,
            "today": china_today(),
        }

    @api.model
    def _fetch_rows(self, model, domain, columns, relations=()):
        """Rows of ``model`` matching ``domain`` as dicts, in 1 + len(relations)
        queries whatever the number of rows, with no ORM work per candidate.

        ``domain`` is searched with the user's record rules. Each row holds the
        ``columns`` (a field, or ``many2one.field`` read through a join) and,
        for each many2many field of ``relations``, the list of linked ids. The
        linked ids are compared, never shown, so they are read without the
        linked records' own rules. Relations are read in separate plain queries
        rather than as correlated sub-selects, whose inflated cost estimates
        make PostgreSQL JIT-compile the query (hundreds of milliseconds).
        """
        Model = self.env[model].with_context(active_test=False)
        query = Model._search(domain, order="id")
        table = Model._table
        keys, selects = ["id"], [SQL.identifier(table, "id")]
        for column in columns:
            fname, __, sub = column.partition(".")
            field = Model._fields[fname]
            keys.append(column)
            if sub:
                comodel = self.env[field.comodel_name]
                comodel.flush_model([sub])
                alias = query.left_join(table, fname, comodel._table, "id", fname)
                selects.append(SQL.identifier(alias, sub))
            else:
                selects.append(SQL.identifier(table, fname))
        Model.flush_model([column.partition(".")[0] for column in columns] + list(relations))
        rows = [dict(zip(keys, row, strict=True)) for row in self.env.execute_query(query.select(*selects))]
        ids = [row["id"] for row in rows]
        for fname in relations:
            linked = self._read_relation(model, fname, ids)
            for row in rows:
                row[fname] = linked[row["id"]]
        return rows

    @api.model
    def _read_relation(self, model, fname, ids):
        """``{id: [linked id]}`` of the many2many ``fname`` of ``model`` for
        ``ids``, in one plain query on its relation table (flushed first):
        linked ids to compare, never shown, read without their own rules."""
        field = self.env[model]._fields[fname]
        self.env[model].flush_model([fname])
        linked = defaultdict(list)
        for id1, id2 in self.env.execute_query(
            SQL(
                "SELECT %s, %s FROM %s WHERE %s = ANY(%s::integer[])",
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                ids,
            )
        ):
            linked[id1].append(id2)
        return linked

    @api.model
    def _match_providers(self, demand):
        """Providers offering a requested item or holding a valid qualification
        for one; a provider linked to the items only by a lapsed qualification
        is left out, and said so."""
        valid, expired, names = self._gather_qualifications(demand)
        providers = self._gather_providers(demand, valid)
        facts = {
            "valid": valid,
            "expired": expired,
            "stationed": self._gather_stations(demand),
            "expiring_days": self.env["qi.provider.qualification"]._get_expiring_days(),
        }
        ranked, excluded = self._rank_candidates(
            demand,
            providers,
            facts,
            kind="provider",
            model="res.partner",
            get_load=self._get_provider_load,
            capacity="qi_capacity",
            exclusion=self._provider_exclusion,
            reasons=self._provider_reasons,
        )
        # providers linked to the items only by a lapsed qualification
        for provider_id in sorted(set(expired) - {provider["id"] for provider in providers}):
            excluded.append(
                self._excluded_entry(
                    self.env["res.partner"].browse(provider_id),
                    names[provider_id],
                    "provider",
                    "only_expired",
                    {"qualifications": expired[provider_id]},
                )
            )
        return ranked, excluded

    @api.model
    def _match_experts(self, demand):
        """Experts in a requested item or in its field; an expert who works for
        the service object, declared a conflict of interest with it or has no
        room for another assignment is left out, and said so."""
        experts = self._gather_experts(demand)
        # the field of each requested item: experts also match by field
        facts = {"category_of": {item.id: item.category_id.id for item in demand["items"]}}
        return self._rank_candidates(
            demand,
            experts,
            facts,
            kind="expert",
            model="qi.expert",
            get_load=self._get_expert_load,
            capacity="max_assignments",
            exclusion=self._expert_exclusion,
            reasons=self._expert_reasons,
        )

    # Gathering the candidates: a fixed number of queries, however many there are
    @api.model
    def _gather_qualifications(self, demand):
        """The qualifications covering a requested item, per provider:
        ``(valid, expired, names)``, those valid today and those lapsed as
        ``{provider id: [row]}`` (each row with the requested items it
        ``covered``), and the providers' names."""
        item_ids, today = demand["item_ids"], demand["today"]
        qualifications = self._fetch_rows(
            "qi.provider.qualification",
            [
                ("active", "=", True),
                ("scope_item_ids", "in", list(item_ids)),
                ("provider_id.is_qi_provider", "=", True),
                ("provider_id.active", "=", True),
            ],
            [
                "provider_id",
                "qualification_type",
                "number",
                "date_from",
                "date_to",
                "provider_id.name",
            ],
            ["scope_item_ids"],
        )
        valid, expired, names = defaultdict(list), defaultdict(list), {}
        for qualification in qualifications:
            qualification["covered"] = item_ids.intersection(qualification["scope_item_ids"])
            names[qualification["provider_id"]] = qualification["provider_id.name"]
            date_from, date_to = qualification["date_from"], qualification["date_to"]
            if (not date_from or date_from <= today) and (not date_to or date_to >= today):
                valid[qualification["provider_id"]].append(qualification)
            elif date_to and date_to < today:
                expired[qualification["provider_id"]].append(qualification)
        return valid, expired, names

    @api.model
    def _gather_providers(self, demand, valid):
        """Providers offering a requested item or holding a qualification of
        ``valid`` (see _gather_qualifications)."""
        item_ids = demand["item_ids"]
        return self._fetch_rows(
            "res.partner",
            [
                ("active", "=", True),
                ("is_qi_provider", "=", True),
                "|",
                ("qi_item_ids", "in", list(item_ids)),
                ("id", "in", list(valid)),
            ],
            ["name", "commercial_partner_id", "qi_capacity"],
            ["qi_item_ids", "qi_industry_ids", "qi_region_ids"],
        )

    @api.model
    def _gather_stations(self, demand):
        """Since when each provider is stationed at the demand's window:
        ``{provider id: date}``."""
        stationed = {}
        if demand["window"]:
            for station in self.env["qi.provider.station"].search_fetch(
                [("window_id", "=", demand["window"].id), ("is_current", "=", True)], ["provider_id", "date_from"]
            ):
                stationed[station.provider_id.id] = station.date_from
        return stationed

    @api.model
    def _gather_experts(self, demand):
        """Available experts in a requested item or in the field of one."""
        return self._fetch_rows(
            "qi.expert",
            [
                ("active", "=", True),
                ("availability", "!=", "unavailable"),
                "|",
                ("item_ids", "in", list(demand["item_ids"])),
                ("category_ids", "in", list(demand["category_ids"])),
            ],
            [
                "name",
                "employer_id",
                "region_id",
                "is_public_welfare",
                "availability",
                "max_assignments",
                "partner_id.commercial_partner_id",
            ],
            ["item_ids", "category_ids", "industry_ids", "conflict_partner_ids"],
        )

    # Scoring: what providers and experts share, then what each kind adds
    @api.model
    def _rank_candidates(self, demand, rows, facts, *, kind, model, get_load, capacity, exclusion, reasons):
        """Rank the candidate ``rows`` of one kind of resource (``provider``,
        ``expert``), records of ``model``: ``(ranked, excluded)``.

        ``get_load`` and the rating hook are asked once for all the rows. A
        candidate for which ``exclusion(demand, row, load)`` gives a reason
        ``(key, params)`` is left out with it; the others are ranked with
        ``reasons(demand, row, facts)``, then their load against their
        ``capacity`` column and their rating.
        """
        records, loads, ratings = self._load_resources(model, rows, get_load)
        ranked, excluded = [], []
        for row, record in zip(rows, records, strict=True):
            load = loads.get(row["id"], 0)
            left_out = exclusion(demand, row, load)
            if left_out:
                excluded.append(self._excluded_entry(record, row["name"], kind, *left_out))
                continue
            explained = reasons(demand, row, facts)
            explained += self._workload_reasons(row["id"], load, row[capacity] or 0, ratings)
            ranked.append({"record": record, "name": row["name"], "reasons": explained})
        return ranked, excluded

    @api.model
    def _provider_exclusion(self, demand, provider, load):
        """Why a provider is left out, or None: the service object never
        serves itself (a provider at full capacity stays, ranked lower)."""
        if provider["commercial_partner_id"] == demand["object"].id:
            return ("self", None)
        return None

    @api.model
    def _provider_reasons(self, demand, provider, facts):
        """What counts for a provider: the requested items it offers, its
        qualifications, its station at the window, its regions and industries."""
        item_ids = demand["item_ids"]
        reasons = []
        offered = item_ids.intersection(provider["qi_item_ids"])
        if offered:
            reasons.append(("offers", POINTS_OFFERS * len(offered) / len(item_ids), {"items": offered}))
        reasons += self._qualification_reasons(demand, provider, facts)
        if provider["id"] in facts["stationed"]:
            reasons.append(("stationed", POINTS_STATIONED, {"date": facts["stationed"][provider["id"]]}))
        served = demand["region_ids"].intersection(provider["qi_region_ids"])
        if served:
            reasons.append(("region", POINTS_REGION, {"regions": served}))
        industry_id = demand["industry"].id
        if industry_id and industry_id in provider["qi_industry_ids"]:
            reasons.append(("industry", POINTS_INDUSTRY, {}))
        return reasons

    @api.model
    def _qualification_reasons(self, demand, provider, facts):
        """The share of the requested items a provider's valid qualifications
        cover, and its lapsed ones that would cover more (counted for nothing)."""
        covering = facts["valid"].get(provider["id"], [])
        covered = set().union(*(qualification["covered"] for qualification in covering))
        reasons = []
        if covered:
            reasons.append(
                (
                    "qualified",
                    POINTS_QUALIFIED * len(covered) / len(demand["item_ids"]),
                    {"qualifications": covering, "expiring_days": facts["expiring_days"]},
                )
            )
        lapsed = [q for q in facts["expired"].get(provider["id"], []) if q["covered"] - covered]
        if lapsed:
            reasons.append(("expired", 0.0, {"qualifications": lapsed}))
        return reasons

    @api.model
    def _expert_exclusion(self, demand, expert, load):
        """Why an expert is left out, or None: working for the service object,
        a declared conflict of interest with it, no room for another assignment."""
        object_id = demand["object"].id
        if object_id:
            if object_id in (expert["employer_id"], expert["partner_id.commercial_partner_id"]):
                return ("employer", None)
            if object_id in expert["conflict_partner_ids"]:
                return ("conflict", None)
        capacity = expert["max_assignments"]
        if load >= capacity:
            return ("capacity", {"load": load, "capacity": capacity})
        return None

    @api.model
    def _expert_reasons(self, demand, expert, facts):
        """What counts for an expert: the requested items they know or, for the
        others, their field; their industries and region; serving free of
        charge for them, being busy against them."""
        item_ids, category_of = demand["item_ids"], facts["category_of"]
        count = len(item_ids)
        reasons = []
        known = item_ids.intersection(expert["item_ids"])
        if known:
            reasons.append(("expert_items", POINTS_EXPERT_ITEM * len(known) / count, {"items": known}))
        expert_categories = set(expert["category_ids"])
        by_field = {item for item in item_ids - known if category_of[item] in expert_categories}
        if by_field:
            reasons.append(
                (
                    "expert_fields",
                    POINTS_EXPERT_FIELD * len(by_field) / count,
                    {"categories": {category_of[item] for item in by_field}},
                )
            )
        industry_id = demand["industry"].id
        if industry_id and industry_id in expert["industry_ids"]:
            reasons.append(("industry", POINTS_INDUSTRY, {}))
        if expert["region_id"] in demand["region_ids"]:
            reasons.append(("expert_region", POINTS_REGION, {"regions": {expert["region_id"]}}))
        if expert["is_public_welfare"]:
            reasons.append(("public_welfare", POINTS_PUBLIC_WELFARE, {}))
        if expert["availability"] == "busy":
            reasons.append(("busy", POINTS_BUSY, {}))
        return reasons

    @api.model
    def _match_enterprises(self, demand):
        """Advantage enterprises that can show the requested items (R-6.1.5.3)."""
        item_ids = demand["item_ids"]
        enterprises = self._fetch_rows(
            "res.partner",
            [("active", "=", True), ("is_qi_advantage", "=", True), ("qi_advantage_item_ids", "in", list(item_ids))],
            ["name", "industry_id", "qi_region_id", "qi_hosts_visits"],
            ["qi_advantage_item_ids"],
        )
        industry_id, region_ids = demand["industry"].id, demand["region_ids"]
        ranked = []
        for enterprise in enterprises:
            if enterprise["id"] == demand["object"].id:
                continue
            shown = item_ids.intersection(enterprise["qi_advantage_item_ids"])
            reasons = [("shows", POINTS_SHOWS * len(shown) / len(item_ids), {"items": shown})]
            if enterprise["qi_hosts_visits"]:
                reasons.append(("hosts_visits", POINTS_HOSTS_VISITS, {}))
            if industry_id and enterprise["industry_id"] == industry_id:
                reasons.append(("same_industry", POINTS_INDUSTRY, {}))
            if enterprise["qi_region_id"] in region_ids:
                reasons.append(("located", POINTS_REGION, {"regions": {enterprise["qi_region_id"]}}))
            ranked.append(
                {
                    "record": self.env["res.partner"].browse(enterprise["id"]),
                    "name": enterprise["name"],
                    "reasons": reasons,
                }
            )
        return ranked

    @api.model
    def _load_resources(self, model, rows, get_load):
        """The records of ``rows``, their open assignments and their ratings."""
        records = self.env[model].browse([row["id"] for row in rows])
        return records, get_load(records), self._get_rating_score(records)

    @api.model
    def _excluded_entry(self, record, name, kind, key, params=None):
        """A resource left out, with the one reason why (see _reason_text)."""
        return {"record": record, "name": name, "kind": kind, "reasons": [(key, params or {})]}

    @api.model
    def _workload_reasons(self, resource_id, load, capacity, ratings):
        """How busy a provider or an expert is and, when rated, how satisfied
        its service objects were."""
        reasons = [self._load_reason(load, capacity)]
        if resource_id in ratings:
            reasons.append(self._rating_reason(*ratings[resource_id]))
        return reasons

    @api.model
    def _load_reason(self, load, capacity):
        if capacity and load >= capacity:
            return ("full", POINTS_FULL, {"load": load, "capacity": capacity})
        if capacity:
            return ("load_capacity", POINTS_LOAD * (1 - load / capacity), {"load": load, "capacity": capacity})
        if not load:
            return ("idle", POINTS_LOAD, {"load": 0})
        return ("load", POINTS_LOAD / (1 + load), {"load": load})

    @api.model
    def _rating_reason(self, average, count):
        return ("rating", POINTS_RATING * max(0.0, min(average, 5.0) - 1) / 4, {"average": average, "count": count})
