"""Scenario "matching": ``qi.catalogue.matcher.match`` at 2,000 providers and
5,000 experts (``bin/qi-benchmark matching``).

Resources are created in one transaction, rolled back at the end: first a
small set (200 providers, 500 experts), then up to the full size. One match is
measured at each size, best and worst of --rounds with a cold record cache each
round: the query count must not grow with the resources, the median time at
full size must stay under 100 ms. addons/qi_catalogue/tests/test_matching.py
asserts the query count at two sizes in the test suite.
"""

import random
import statistics

from odoo import Command, api
from odoo.api import SUPERUSER_ID

from odoo.addons.qi_catalogue.tools.validation import make_uscc

from .runtime import QueryMeter, log

SMALL = (200, 500)  # providers, experts of the first measurement
MAX_MATCH_MS = 100.0


def create_resources(env, rng, first, count_providers, count_experts, items, regions, industries, windows):
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    providers = Partner.create(
        [
            {
                "name": f"Bench Provider {first + n}",
                "is_company": True,
                "is_qi_provider": True,
                "qi_uscc": make_uscc(f"91130302MB{first + n:06d}W"),
                "qi_item_ids": [Command.set(rng.sample(items.ids, 3))],
                "qi_industry_ids": [Command.set(rng.sample(industries.ids, 2))],
                "qi_region_ids": [Command.set(rng.sample(regions.ids, 2))],
                "qi_capacity": rng.choice([0, 3, 5, 10]),
            }
            for n in range(count_providers)
        ]
    )
    env["qi.provider.qualification"].with_context(tracking_disable=True).create(
        [
            {
                "provider_id": provider.id,
                "qualification_type": rng.choice(["cma", "cnas_lab", "other"]),
                "number": f"BQ-{provider.id}",
                "date_to": f"{rng.choice([2020, 2027, 2030])}-06-30",
                "scope_item_ids": [Command.set(provider.qi_item_ids.ids[:2])],
            }
            for provider in providers
        ]
    )
    env["qi.provider.station"].create(
        [
            {"provider_id": provider.id, "window_id": rng.choice(windows.ids), "date_from": "2024-01-01"}
            for provider in providers
            if rng.random() < 0.2
        ]
    )
    persons = Partner.create(
        [{"name": f"Bench Expert {first + n}", "parent_id": rng.choice(providers.ids)} for n in range(count_experts)]
    )
    categories = items.category_id
    env["qi.expert"].with_context(tracking_disable=True).create(
        [
            {
                "partner_id": person.id,
                "item_ids": [Command.set(rng.sample(items.ids, 2))],
                "category_ids": [Command.set(rng.sample(categories.ids, 1))],
                "industry_ids": [Command.set(rng.sample(industries.ids, 2))],
                "region_id": rng.choice(regions.ids),
                "availability": rng.choice(["available", "available", "busy", "unavailable"]),
                "max_assignments": rng.choice([1, 2, 3, 5]),
            }
            for person in persons
        ]
    )
    env.flush_all()
    # what autovacuum does on a live database: the planner needs the new rows' statistics
    env.cr.execute(
        "ANALYZE res_partner, qi_expert, qi_provider_qualification, qi_provider_station, qi_provider_item_rel,"
        " qi_qualification_item_rel, qi_expert_item_rel, qi_expert_category_rel"
    )


def measure(env, item, partner, window, label, rounds, record=False):
    """(queries, median ms) of one match, best and worst of ``rounds`` with a cold
    record cache each (ormcaches warm, as on a live server)."""
    Matcher = env["qi.catalogue.matcher"]
    Matcher.match(item, partner=partner, window=window)  # warm the ormcaches
    counts, times, queries = [], [], []
    for __ in range(rounds):
        env.invalidate_all()
        with QueryMeter(record=record) as meter:
            result = Matcher.match(item, partner=partner, window=window, limit=10)
        times.append(meter.total * 1000)
        counts.append(meter.count)
        queries = queries or meter.queries
    providers = env["res.partner"].search_count([("is_qi_provider", "=", True)])
    experts = env["qi.expert"].search_count([])
    print(
        f"{label}: {providers} providers, {experts} experts in the database -> "
        f"{counts[0]} queries (all rounds: {sorted(set(counts))}), "
        f"median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms, "
        f"{len(result['providers'])} providers / {len(result['experts'])} experts returned",
        flush=True,
    )
    for delay, text in queries:
        print(f"    {delay * 1000:8.1f} ms  {text[:230]}")
    return counts[0], statistics.median(times)


def run(registry, args):
    """Measure at the small and the full size, roll back; returns the failed checks."""
    small_providers, small_experts = min(SMALL[0], args.providers), min(SMALL[1], args.experts)
    rng = random.Random(329)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            items = env["qi.service.item"].search([("code", "like", "6.")])
            regions = env["qi.region"].search([])
            industries = env["res.partner.industry"].search([])
            windows = env["qi.window"].search([]) or env["qi.window"].create({"name": "Bench Window", "code": "BW1"})
            enterprise = env["res.partner"].create(
                {
                    "name": "Bench Enterprise",
                    "is_company": True,
                    "industry_id": industries[0].id,
                    "qi_region_id": regions[-1].id,
                }
            )
            item = env.ref("qi_catalogue.qi_service_item_6_1_3_1")
            log(f"matching: {small_providers} providers, {small_experts} experts ...")
            create_resources(env, rng, 0, small_providers, small_experts, items, regions, industries, windows)
            small = measure(env, item, enterprise, windows[0], "small", args.rounds, record=args.show_queries)
            log(f"matching: up to {args.providers} providers, {args.experts} experts ...")
            create_resources(
                env,
                rng,
                small_providers,
                args.providers - small_providers,
                args.experts - small_experts,
                items,
                regions,
                industries,
                windows,
            )
            large = measure(env, item, enterprise, windows[0], "large", args.rounds, record=args.show_queries)
        finally:
            cr.rollback()
    same_count, fast = small[0] == large[0], large[1] < MAX_MATCH_MS
    print(
        f"query count independent of the number of resources: {same_count} "
        f"| under {MAX_MATCH_MS:.0f} ms at full size: {fast}"
    )
    failures = []
    if not same_count:
        failures.append(f"matching: {large[0]} queries at full size, {small[0]} at the small size")
    if not fast:
        failures.append(f"matching: median {large[1]:.1f} ms >= {MAX_MATCH_MS:.0f} ms at full size")
    return failures
