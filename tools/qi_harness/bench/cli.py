"""The command line of bin/qi-benchmark: one run, from the install to the drop.

    bin/qi-benchmark [--cases N] [--skip-views] [--keep] [--reuse DB] ...
    bin/qi-benchmark matching [--providers N] [--experts N] [--rounds N] ...
    bin/qi-benchmark http [--cases N] [--workers 1,2] [--clients N] [--explain-million] ...
    bin/qi-benchmark ledger [--lines N] [--enterprises N] [--quick] [--first-run] ...

Workers (``--_worker direct|trigger|recompute``) are the same command, started
by runtime.run_worker on the run's database.
"""

import argparse
import json
import os
import sys
import time
import traceback

from .. import ROOT
from ..db import connect, new
from . import __doc__ as BENCH_DOC
from .report import print_outcome
from .runtime import (
    SOURCE_ADDONS,
    exit_on_signals,
    install,
    log,
    odoo_init,
    odoo_release,
    snapshot_addons,
    source_fingerprint,
    vacuum_analyze,
)

PROG = "qi-benchmark"
CASE_MODULES = ("qi_window", "qi_catalogue", "qi_case")
MATCHING_MODULES = ("qi_window", "qi_catalogue")
DEFAULT_CONF = os.environ.get("QI_ODOO_CONF", str(ROOT / "config" / "odoo.conf"))

os.environ.setdefault("PGHOST", "127.0.0.1")
os.environ.setdefault("PGPORT", "5432")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=BENCH_DOC.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The matching benchmark: bin/qi-benchmark matching --help; "
        "the load benchmark over HTTP: bin/qi-benchmark http --help; "
        "the ledgers' due warnings: bin/qi-benchmark ledger --help",
    )
    parser.add_argument("--cases", type=int, default=100000, help="qi.case rows (and as many project.task rows)")
    parser.add_argument("--tasks", type=int, help="project.task rows (default: --cases)")
    parser.add_argument("--partners", type=int, default=3000, help="service objects (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per operation, after a warm-up")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and its data dir (with the snapshot of the addons)"
    )
    parser.add_argument(
        "--reuse",
        metavar="DB",
        help="measure an existing database kept by --keep (no install, no data generation; never dropped)",
    )
    parser.add_argument("--skip-views", action="store_true")
    parser.add_argument("--skip-cron", action="store_true")
    parser.add_argument("--skip-trigger", action="store_true", help="skip the ir.cron scheduler run")
    parser.add_argument(
        "--skip-recompute",
        action="store_true",
        help="skip the recompute of provisional deadlines after next year's notice",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print the slowest queries of each view call (fastest run)"
    )
    parser.add_argument("--json", metavar="FILE", help="write every measurement to FILE")
    parser.add_argument("--conf", default=DEFAULT_CONF)
    parser.add_argument("--_worker", dest="worker_mode", help=argparse.SUPPRESS)
    parser.add_argument("--_db", dest="db", help=argparse.SUPPRESS)
    parser.add_argument("--_data-dir", dest="data_dir", help=argparse.SUPPRESS)
    parser.add_argument("--_addons", dest="addons", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def parse_matching_args(argv):
    parser = argparse.ArgumentParser(
        prog=f"{PROG} matching",
        description="qi.catalogue.matcher.match at 2,000 providers and 5,000 experts: the query count must "
        "not grow with the resources, one match must take under 100 ms (the resources are rolled back).",
    )
    parser.add_argument("--providers", type=int, default=2000, help="providers at full size (default 2000)")
    parser.add_argument("--experts", type=int, default=5000, help="experts at full size (default 5000)")
    parser.add_argument("--rounds", type=int, default=20, help="measured matches at each size (default 20)")
    parser.add_argument(
        "--show-queries", action="store_true", help="print the queries of one measured match at each size"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and its data dir")
    parser.add_argument(
        "--reuse",
        metavar="DB",
        help="measure on an existing database where qi_catalogue is "
        "installed, with the working tree's addons (never dropped; the resources are rolled back)",
    )
    parser.add_argument("--conf", default=DEFAULT_CONF)
    return parser.parse_args(argv)


def main(argv):
    if argv[:1] == ["matching"]:
        return main_matching(parse_matching_args(argv[1:]))
    if argv[:1] == ["http"]:
        from . import http

        return http.main(argv[1:])
    if argv[:1] == ["ledger"]:
        from . import ledger

        return ledger.main(argv[1:])
    args = parse_args(argv)
    if args.worker_mode:
        registry = odoo_init(args.conf, args.addons, args.db, args.data_dir)
        # imported once this process's Odoo knows the addons path
        if args.worker_mode == "recompute":
            from . import recompute as scenario
        elif args.worker_mode in ("http-seed", "http-describe"):
            from . import http_data as scenario
        else:
            from . import cron as scenario
        scenario.worker(args, registry)
        return 0
    args.tasks = args.tasks or args.cases
    kept = {}
    if args.reuse:
        kept = kept_info(args.reuse)
    reuse_addons = kept.get("addons") if kept.get("addons") and os.path.isdir(kept["addons"]) else None
    run_report = {"cases": args.cases, "tasks": args.tasks}

    def body(registry):
        from . import cron, recompute, seed, views

        if not args.reuse:
            t0 = time.perf_counter()
            log(f"generating {args.cases} cases, {args.tasks} tasks, {args.partners} partners ...")
            info = seed.generate(registry, args.cases, args.tasks, args.partners, args.addons)
            vacuum_analyze(args.db, seed.GENERATED_TABLES)
            run_report["generate_s"] = time.perf_counter() - t0
            log(
                f"generated in {run_report['generate_s']:.1f} s: {info['cases']} cases ({info['open_cases']} open, "
                f"{info['case_items']} requested items), {info['tasks']} tasks"
            )
        else:
            info = kept
        run_report["data"] = info
        failures = []
        if not args.skip_views:
            failures += views.run(args, registry, info, run_report)
        if not args.skip_cron:
            failures += cron.run(args, registry, info, run_report)
        if not args.skip_recompute:
            if args.skip_cron:
                run_report["cron_data"] = cron.reopen(registry, args, info)
            run_report["recompute"], checks = recompute.run(args)
            failures += [f"recompute: {c}" for c in checks]
        return failures

    return session(args, CASE_MODULES + ("project",), reuse_addons, body, run_report)


def kept_info(db):
    """What ``generate`` recorded in a database kept by --keep, for --reuse."""
    conn = connect(db)
    with conn.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'qi_bench.info'")
        row = cr.fetchone()
    conn.close()
    if not row:
        raise SystemExit(f"qi-benchmark: {db} was not generated by qi-benchmark")
    return json.loads(row[0])


def main_matching(args):
    args.json = None

    def body(registry):
        from . import matching

        return matching.run(registry, args)

    return session(args, MATCHING_MODULES, str(SOURCE_ADDONS) if args.reuse else None, body, {})


def session(args, modules, reuse_addons, body, run_report):
    """Install ``modules`` from a snapshot in a throw-away database (or take
    ``--reuse DB`` as it is), run ``body(registry)`` -> failed checks, drop the
    database and the data dir whatever happens (unless --keep); the exit status."""
    release = odoo_release(PROG)
    if release is None:
        return 2
    db = new("qi_bench", reuse=args.reuse)
    args.db, args.data_dir = db.name, db.data_dir
    exit_on_signals()
    run_report.update(db=args.db, date=time.strftime("%Y-%m-%d %H:%M"), cpus=os.cpu_count(), odoo=release.version)
    failures = []
    try:
        qi_modules = [m for m in modules if m.startswith("qi_")]
        args.addons = reuse_addons or snapshot_addons(os.path.join(db.data_dir, "addons"), qi_modules)
        run_report["sources"] = source_fingerprint(args.addons, qi_modules)
        log(
            f"database {args.db}, data dir {args.data_dir}, {os.cpu_count()} CPUs, Odoo {release.version}, "
            f"addons sources sha256 {run_report['sources']}, load average {os.getloadavg()[0]:.2f}"
        )
        if db.owned:
            t0 = time.perf_counter()
            log(f"installing {','.join(modules)} (no demo data) ...")
            install(args, ",".join(modules))
            run_report["install_s"] = time.perf_counter() - t0
            log(f"installed in {run_report['install_s']:.0f} s")
        registry = odoo_init(args.conf, args.addons, args.db, args.data_dir)
        failures += body(registry)
    except BaseException as exc:
        if isinstance(exc, SystemExit) and not isinstance(exc.code, int):
            raise
        traceback.print_exc()
        run_report["error"] = repr(exc)
        failures.append("error: " + repr(exc))
        run_report["setup_error"] = True
    finally:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(run_report, f, indent=1, default=str)
        if args.keep:
            if db.owned:
                log(f"kept database {args.db} (data dir {args.data_dir}); rerun with --reuse {args.db}")
        else:
            try:
                db.dispose()
                if db.owned:
                    log(f"dropped database {args.db}")
            except Exception as exc:
                print(f"{PROG}: could not drop database {args.db}: {exc}", file=sys.stderr)
    if run_report.get("setup_error"):
        return 2
    return print_outcome(failures)
