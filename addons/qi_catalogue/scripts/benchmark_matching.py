"""Benchmark of qi.catalogue.matcher.match (issue: 2,000 providers, 5,000 experts).

Run it in an Odoo shell on a database where qi_catalogue is installed; it
creates the resources in the current transaction, measures, and rolls back:

    python3 -m odoo shell -c config/odoo.conf --addons-path=addons -d DB \
        < addons/qi_catalogue/scripts/benchmark_matching.py

Environment variables: QI_BENCH_PROVIDERS (2000), QI_BENCH_EXPERTS (5000),
QI_BENCH_ROUNDS (20), QI_BENCH_SQL=1 to print the queries of one run.

It prints the query count and the time of one match (median and worst of the
rounds, cold ORM cache each round) at a small size and at the full size: the
query count must be the same, the time under 100 ms.
"""

import os
import random
import statistics
import time

from stdnum.cn import uscc

from odoo import Command
from odoo.sql_db import _logger as sql_logger

env = globals()["env"]  # provided by `odoo shell`
PROVIDERS = int(os.environ.get("QI_BENCH_PROVIDERS", 2000))
EXPERTS = int(os.environ.get("QI_BENCH_EXPERTS", 5000))
ROUNDS = int(os.environ.get("QI_BENCH_ROUNDS", 20))
random.seed(329)


def make_uscc(seq):
    base = f"91130302MB{seq:06d}W"
    return base + uscc.calc_check_digit(base)


def create_resources(first, count_providers, count_experts, items, regions, industries, windows):
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    providers = Partner.create(
        [
            {
                "name": f"Bench Provider {first + n}",
                "is_company": True,
                "is_qi_provider": True,
                "qi_uscc": make_uscc(first + n),
                "qi_item_ids": [Command.set(random.sample(items.ids, 3))],
                "qi_industry_ids": [Command.set(random.sample(industries.ids, 2))],
                "qi_region_ids": [Command.set(random.sample(regions.ids, 2))],
                "qi_capacity": random.choice([0, 3, 5, 10]),
            }
            for n in range(count_providers)
        ]
    )
    env["qi.provider.qualification"].with_context(tracking_disable=True).create(
        [
            {
                "provider_id": provider.id,
                "qualification_type": random.choice(["cma", "cnas_lab", "other"]),
                "number": f"BQ-{provider.id}",
                "date_to": f"{random.choice([2020, 2027, 2030])}-06-30",
                "scope_item_ids": [Command.set(provider.qi_item_ids.ids[:2])],
            }
            for provider in providers
        ]
    )
    env["qi.provider.station"].create(
        [
            {"provider_id": provider.id, "window_id": random.choice(windows.ids), "date_from": "2024-01-01"}
            for provider in providers
            if random.random() < 0.2
        ]
    )
    persons = Partner.create(
        [
            {"name": f"Bench Expert {first + n}", "parent_id": random.choice(providers.ids)}
            for n in range(count_experts)
        ]
    )
    categories = items.category_id
    env["qi.expert"].with_context(tracking_disable=True).create(
        [
            {
                "partner_id": person.id,
                "item_ids": [Command.set(random.sample(items.ids, 2))],
                "category_ids": [Command.set(random.sample(categories.ids, 1))],
                "industry_ids": [Command.set(random.sample(industries.ids, 2))],
                "region_id": random.choice(regions.ids),
                "availability": random.choice(["available", "available", "busy", "unavailable"]),
                "max_assignments": random.choice([1, 2, 3, 5]),
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


def measure(item, partner, window, label):
    Matcher = env["qi.catalogue.matcher"]
    Matcher.match(item, partner=partner, window=window)  # warm the ormcaches
    counts, times = [], []
    for __ in range(ROUNDS):
        env.invalidate_all()
        count0 = env.cr.sql_log_count
        start = time.perf_counter()
        result = Matcher.match(item, partner=partner, window=window, limit=10)
        times.append((time.perf_counter() - start) * 1000)
        counts.append(env.cr.sql_log_count - count0)
    providers = env["res.partner"].search_count([("is_qi_provider", "=", True)])
    experts = env["qi.expert"].search_count([])
    print(
        f"{label}: {providers} providers, {experts} experts in the database -> "
        f"{counts[0]} queries (all rounds: {sorted(set(counts))}), "
        f"median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms, "
        f"{len(result['providers'])} providers / {len(result['experts'])} experts returned"
    )
    return counts[0], statistics.median(times)


def main():
    items = env["qi.service.item"].search([("code", "like", "6.")])
    regions = env["qi.region"].search([])
    industries = env["res.partner.industry"].search([])
    windows = env["qi.window"].search([])
    enterprise = env["res.partner"].create(
        {"name": "Bench Enterprise", "is_company": True, "industry_id": industries[0].id, "qi_region_id": regions[-1].id}
    )
    item = env.ref("qi_catalogue.qi_service_item_6_1_3_1")
    try:
        create_resources(0, 200, 500, items, regions, industries, windows)
        small = measure(item, enterprise, windows[0], "small")
        create_resources(200, PROVIDERS - 200, EXPERTS - 500, items, regions, industries, windows)
        large = measure(item, enterprise, windows[0], "large")
        if os.environ.get("QI_BENCH_SQL"):
            sql_logger.setLevel("DEBUG")
            env.invalidate_all()
            env["qi.catalogue.matcher"].match(item, partner=enterprise, window=windows[0])
            sql_logger.setLevel("INFO")
        print(
            "query count independent of the number of resources:", small[0] == large[0],
            f"| under 100 ms at full size: {large[1] < 100}",
        )
    finally:
        env.cr.rollback()


main()
