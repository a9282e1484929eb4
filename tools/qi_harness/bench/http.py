"""Load benchmark over HTTP (issue 14): ``bin/qi-benchmark http``.

    bin/qi-benchmark http [--cases N] [--workers 1,2] [--replica both|no|only]
                          [--clients N] [--requests N] [--keep] [--reuse STATE]
    bin/qi-benchmark http --explain-million

1. A throw-away PostgreSQL cluster (live.Cluster) holds a throw-away database
   with every qi_* addon and ``project`` (the suite does not depend on it),
   installed without demo data from a snapshot of the addons;
2. a worker process seeds it (http_data.py: the bulk seeder of the
   single-process benchmark, N cases and N tasks, projects, one enterprise's
   portal user) and describes the requests as the web client sends them;
3. for each configuration (1 and 2 prefork HTTP workers, without and with a
   streaming read replica passed as --db_replica_host/--db_replica_port) a real
   server is started (live.Server) and driven on loopback by --clients threads,
   each with its own session, for --requests requests per endpoint, after a
   warm-up pass over every endpoint;
4. the client's latencies give p50/p95/p99 and throughput per endpoint; the
   server's own request log (werkzeug line: query count, SQL time, remaining
   time, and the cursor mode with a replica) gives every request's cost: each
   request carries ``?qi_bench=<endpoint>`` so its log line is found.

Goals (each configuration): the case views' p95 within 1.2 x the task views'
p95 (list, kanban, form; portal case list vs /my/tasks); no request of the
suite's endpoints over Odoo's yellow thresholds (odoo/netsvc.py
ColoredPerfFilter: more than 100 queries, 0.1 s SQL or 1 s of the rest).

``--explain`` (``--explain-million``: at 1,000,000 cases) seeds, serves the
portal case list (as it opens, filtered and sorted, searched) to the
enterprise's user with --log-sql, and EXPLAIN ANALYZEs every query of those
requests that reads qi_case: none may scan the whole table.

Exit status: 0 when every goal holds, 1 when one is missed, 2 on a setup error.
The cluster, its replica, the database and the data dir are removed whatever
happens, unless --keep (then --reuse STATE runs again on them).
"""

import argparse
import itertools
import json
import os
import re
import statistics
import subprocess
import threading
import time
import traceback
from types import SimpleNamespace

import requests

from .. import db as harness_db
from .. import live
from .report import MAX_QUERIES, MAX_RATIO, MAX_SQL_S, print_outcome
from .runtime import exit_on_signals, log, odoo_release, run_worker, snapshot_addons

PROG = "qi-benchmark http"
MAX_PYTHON_S = 1.0  # odoo/netsvc.py ColoredPerfFilter: remaining time over 1 s is yellow
REQUEST_TIMEOUT = 600
MILLION = 1_000_000
PASSWORD = "qi-bench-http-2026"  # of the benchmark's users, in a throw-away database on loopback
LOGINS = {"leader": "bench_leader", "pm": "bench_pm", "portal": "bench_portal"}
# the werkzeug line of Odoo's request log (odoo/service/server.py CommonRequestHandler.log_request,
# perf fields from odoo/netsvc.py PerfFilter: query count, SQL time, remaining time[, cursor mode])
REQUEST_LINE = re.compile(
    r'"(?P<verb>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+|-) (?P<sql>[\d.]+|-) (?P<rest>[\d.]+|-)(?: (?P<mode>\S+))?\s*$"
)
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ \w+ \S+ (?P<logger>[\w.]+): ", re.M)
QI_CASE_SCAN = re.compile(r"(FROM|JOIN)\s+\"?qi_case\"?(\s|$|\)|,)", re.I)
SEQ_SCAN = re.compile(r"Seq Scan on qi_case(\s|$)")
# the enterprise's list as it opens, then its other filters, sorts and the search box
EXPLAINED_PAGES = ("/my/qi/cases", "/my/qi/cases?filterby=open&sortby=deadline", "/my/qi/cases?search=QI2026")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, help="qi.case rows (default 100000; 1000000 with --explain-million)")
    parser.add_argument("--tasks", type=int, help="project.task rows (default: --cases; 1000 with --explain)")
    parser.add_argument("--partners", type=int, default=3000, help="enterprises the cases are spread over")
    parser.add_argument("--workers", default="1,2", help="HTTP worker counts to run, comma-separated (default 1,2)")
    parser.add_argument(
        "--replica", choices=("both", "no", "only"), default="both", help="without and/or with a streaming replica"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, default=60, help="measured requests per endpoint (default 60)")
    parser.add_argument("--endpoints", help="only these endpoint tags, comma-separated (e.g. case_list,task_list)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the portal case list's queries, no load run")
    parser.add_argument("--explain-million", action="store_true", help="--explain at 1,000,000 cases")
    parser.add_argument(
        "--commit", metavar="REF", help="serve the qi_* addons of this commit (default: the working tree)"
    )
    parser.add_argument("--json", metavar="FILE", help="write every measurement to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the cluster, database and data dir")
    parser.add_argument("--reuse", metavar="STATE", help="run again on what --keep kept (its state file)")
    args = parser.parse_args(argv)
    args.explain = args.explain or args.explain_million
    if args.cases is None:
        args.cases = MILLION if args.explain_million else 100000
    if args.tasks is None:
        args.tasks = 1000 if args.explain else args.cases
    args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    return args


# ----------------------------------------------------------------------------
# One run: cluster, install, seed, measure, remove
# ----------------------------------------------------------------------------
def main(argv):
    args = parse_args(argv)
    release = odoo_release(PROG)
    if release is None:
        return 2
    exit_on_signals()
    run_report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "odoo": release.version,
        "cases": args.cases,
        "tasks": args.tasks,
        "clients": args.clients,
        "requests": args.requests,
    }
    run = SimpleNamespace(state=None, cluster=None)  # what finish() removes, filled as it is made
    failures, setup_error = [], False
    try:
        prepare(args, run, run_report)
        state, cluster = run.state, run.cluster
        if args.explain:
            failures += explain(state, cluster, run_report)
        else:
            failures += load(args, state, cluster, run_report)
    except BaseException as exc:
        if isinstance(exc, SystemExit) and not isinstance(exc.code, int):
            raise
        traceback.print_exc()
        run_report["error"] = repr(exc)
        setup_error = True
    finally:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(run_report, f, indent=1, default=str)
        finish(args, run.state, run.cluster)
    if setup_error:
        print(f"{PROG}: setup error")
        return 2
    return print_outcome(failures)


def prepare(args, run, run_report):
    """``run.cluster`` with the seeded database described by ``run.state``: new,
    or kept by an earlier --keep."""
    if args.reuse:
        with open(args.reuse) as f:
            run.state = state = json.load(f)
        run.cluster = cluster = live.Cluster(state["cluster_root"], state["cluster_port"])
        if not (cluster.data / "postmaster.pid").exists():
            cluster.start()
        log(f"reusing database {state['db']} in the cluster on port {cluster.port} ({args.reuse})")
        state["seed"].update(run_worker(worker_args(state), "http-describe", "describing", env=cluster.odoo_env()))
        run_report["seed"] = {k: v for k, v in state["seed"].items() if k != "endpoints"}
        return
    throwaway = harness_db.new("qi_bench_http")
    run.state = state = {"db": throwaway.name, "data_dir": throwaway.data_dir}
    run.cluster = cluster = live.Cluster()
    state.update(cluster_root=str(cluster.root), cluster_port=cluster.port)
    cluster.init().start()
    state["addons"] = snapshot(os.path.join(state["data_dir"], "addons"), args.commit)
    modules = [*sorted(os.listdir(state["addons"])), "project"]  # the suite does not depend on project
    run_report["sources"] = state["sources"] = (
        subprocess.run(
            ["git", "-C", str(live.ROOT), "rev-parse", "--short", args.commit],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if args.commit
        else "working tree"
    )
    log(
        f"addons of {state['sources']}; database {state['db']} in a throw-away cluster on port {cluster.port} "
        f"({cluster.root}), data dir "
        f"{state['data_dir']}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    t0 = time.perf_counter()
    log(f"installing {','.join(modules)} (no demo data) ...")
    live.install(
        state["db"], state["data_dir"], modules, demo=False, env=cluster.odoo_env(), addons_path=state["addons"]
    )
    run_report["install_s"] = time.perf_counter() - t0
    log(f"installed in {run_report['install_s']:.0f} s")
    extra = ["--cases", str(args.cases), "--tasks", str(args.tasks), "--partners", str(args.partners)]
    state["seed"] = run_worker(worker_args(state), "http-seed", "seeding", env=cluster.odoo_env(), extra=extra)
    run_report["seed"] = {k: v for k, v in state["seed"].items() if k != "endpoints"}


def worker_args(state):
    return SimpleNamespace(conf=str(live.CONF), db=state["db"], data_dir=state["data_dir"], addons=state["addons"])


def snapshot(target, commit=None):
    """The qi_* addons the run installs and serves: a copy of the working tree
    (runtime.snapshot_addons), or of ``commit`` (``git archive``) when others
    are editing the tree."""
    if not commit:
        return snapshot_addons(target, live.suite_modules())
    os.makedirs(target)
    names = subprocess.run(
        ["git", "-C", str(live.ROOT), "ls-tree", "--name-only", commit, "addons/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    modules = [name for name in names if os.path.basename(name).startswith("qi_")]
    archive = subprocess.run(
        ["git", "-C", str(live.ROOT), "archive", "--format=tar", commit, *modules], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", target, "--strip-components=1"], input=archive, check=True)
    return target


def finish(args, state, cluster):
    if args.keep and state and cluster and state.get("seed"):
        path = os.path.join(state["data_dir"], "http-bench-state.json")
        with open(path, "w") as f:
            json.dump(state, f)
        stop = " ".join([*cluster.run_as, str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data), "stop"])
        log(f"kept: rerun with --reuse {path}; remove with: {stop}; rm -rf {cluster.root} {state['data_dir']}")
        return
    if args.reuse:
        cluster.stop()  # kept: stopped, not removed
        return
    if cluster:
        cluster.close()
    if state:
        harness_db.drop(None, state["data_dir"])
        log(f"removed the cluster {cluster.root if cluster else ''} and the data dir {state['data_dir']}")


# ----------------------------------------------------------------------------
# The load
# ----------------------------------------------------------------------------
def configurations(args):
    replicas = {"both": (False, True), "no": (False,), "only": (True,)}[args.replica]
    return [(workers, replica) for replica in replicas for workers in args.worker_counts]


def config_label(workers, replica):
    return f"{workers} worker{'s' if workers > 1 else ''}, {'replica' if replica else 'no replica'}"


def load(args, state, cluster, run_report):
    endpoints = state["seed"]["endpoints"]
    if args.endpoints:
        wanted = set(args.endpoints.split(","))
        endpoints = [e for e in endpoints if e["tag"] in wanted]
    run_report["configurations"] = []
    replica = None
    try:
        for workers, with_replica in configurations(args):
            extra = []
            if with_replica:
                if replica is None:
                    log("starting a streaming replica (pg_basebackup -R) ...")
                    replica = cluster.replica()
                    cluster.wait_replayed(replica, timeout=600)
                extra = ["--db_replica_host=127.0.0.1", f"--db_replica_port={replica.port}"]
            label = config_label(workers, with_replica)
            result = run_configuration(args, state, cluster, endpoints, workers, extra, label)
            run_report["configurations"].append(result)
    finally:
        if replica is not None:
            replica.close()
    failures = judge(run_report["configurations"], endpoints)
    print()
    print_tables(run_report["configurations"], endpoints)
    return failures


def run_configuration(args, state, cluster, endpoints, workers, extra, label):
    server = live.Server(
        state["db"],
        state["data_dir"],
        workers=workers,
        env=cluster.odoo_env(),
        extra=extra,
        addons_path=state["addons"],
    )
    log(f"{label}: starting the server (load average {os.getloadavg()[0]:.2f}) ...")
    result = {"label": label, "workers": workers, "replica": bool(extra), "endpoints": {}}
    with server:
        sessions = log_in(server.url, state["db"], {e["user"] for e in endpoints}, args.clients)
        warm = max(args.clients, 2 * workers)
        log(f"{label}: warm-up, {warm} requests per endpoint")
        for endpoint in endpoints:
            samples, _wall = drive(server.url, endpoint, sessions[endpoint["user"]], warm, "warmup")
            bad = [s for s in samples if s[1]]
            if bad:
                raise RuntimeError(f"{endpoint['name']}: the warm-up answered {bad[0][1]}")
        load_before = os.getloadavg()[0]
        for endpoint in endpoints:
            samples, wall = drive(server.url, endpoint, sessions[endpoint["user"]], args.requests, endpoint["tag"])
            result["endpoints"][endpoint["tag"]] = client_stats(samples, wall)
            stats = result["endpoints"][endpoint["tag"]]
            log(
                f"{label}: {endpoint['name']}: p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, "
                f"{stats['throughput']:.1f} req/s, {stats['errors']} errors"
            )
        result["load_average"] = (load_before, os.getloadavg()[0])
    server_log = server.log()
    result["server_errors"] = server.errors()[:20]
    per_tag = parse_request_log(server_log)
    for endpoint in endpoints:
        result["endpoints"][endpoint["tag"]]["server"] = server_stats(per_tag.get(endpoint["tag"], []))
    return result


def log_in(url, db, users, clients):
    """``clients`` sessions per user (None: an anonymous visitor)."""
    sessions = {}
    for user in users:
        sessions[user] = []
        for _ in range(clients):
            session = requests.Session()
            if user:
                response = session.post(
                    url + "/web/session/authenticate",
                    json={
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {"db": db, "login": LOGINS[user], "password": PASSWORD},
                    },
                    timeout=REQUEST_TIMEOUT,
                )
                answer = response.json()
                if "error" in answer or not (answer.get("result") or {}).get("uid"):
                    raise RuntimeError(f"logging in as {LOGINS[user]} failed: {str(answer)[:500]}")
            sessions[user].append(session)
    return sessions


def drive(url, endpoint, sessions, total, tag):
    """``total`` requests of ``endpoint`` from one thread per session, each taking
    the next request as soon as its previous one is answered. Returns the
    samples (seconds, error or None, rows) and the wall time."""
    samples = [None] * total
    counter = itertools.count()  # next() of a count is atomic in CPython

    def client(session):
        while (k := next(counter)) < total:
            spec = endpoint["requests"][k % len(endpoint["requests"])]
            samples[k] = one_request(session, url, spec, tag, endpoint["expect"])

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in sessions]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - t0


def one_request(session, url, spec, tag, expect):
    target = f"{url}{spec['path']}{'&' if '?' in spec['path'] else '?'}qi_bench={tag}"
    t0 = time.perf_counter()
    try:
        if "json" in spec:
            response = session.post(target, json=spec["json"], timeout=REQUEST_TIMEOUT)
        else:
            response = session.get(target, timeout=REQUEST_TIMEOUT, allow_redirects=False)
        response.content  # noqa: B018 (the whole body, inside the measured time)
    except requests.RequestException as exc:
        return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}", None
    elapsed = time.perf_counter() - t0
    try:
        error, rows = check_answer(response, expect)
    except (ValueError, KeyError, TypeError) as exc:  # not the answer's shape: a wrong answer, counted
        error, rows = f"unexpected answer ({type(exc).__name__}: {exc}): {response.text[:200]}", None
    return elapsed, error, rows


def check_answer(response, expect):
    """(error or None, rows shown): a right answer, not only a 200."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}", None
    kind, _, pattern = expect.partition(":")
    if kind == "html":
        rows = len(set(re.findall(pattern, response.text)))
        return (None if rows else f"no {pattern!r} in the page"), rows
    answer = response.json()
    if "error" in answer:
        return "JSON-RPC error: " + str(answer["error"].get("data", {}).get("message", answer["error"]))[:300], None
    result = answer.get("result")
    if pattern == "records":
        rows = len(result["records"])
    elif pattern == "groups":
        rows = sum(len(group.get("__records", ())) for group in result["groups"])
    else:
        rows = len(result)
    return (None if rows else "an empty answer"), rows


def percentile(values, q):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def client_stats(samples, wall):
    done = [s for s in samples if s is not None]
    ok = sorted(s[0] * 1000 for s in done if not s[1])
    errors = [s[1] for s in done if s[1]]
    stats = {
        "requests": len(done),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "wall_s": wall,
        "throughput": len(done) / wall if wall else 0.0,
        "rows": max((s[2] or 0 for s in done), default=0),
    }
    for q in (50, 95, 99):
        stats[f"p{q}"] = percentile(ok, q) if ok else float("nan")
    stats["max"] = ok[-1] if ok else float("nan")
    return stats


def parse_request_log(text):
    """{tag: [(queries, sql s, rest s, cursor mode, status, path)]} of the
    werkzeug lines of the benchmark's requests."""
    found = {}
    for line in text.splitlines():
        if " werkzeug: " not in line or "qi_bench=" not in line:
            continue
        match = REQUEST_LINE.search(line)
        if not match:
            continue
        tag = re.search(r"qi_bench=([\w-]+)", match["path"]).group(1)
        perf = None
        if match["queries"] != "-":
            perf = (int(match["queries"]), float(match["sql"]), float(match["rest"]))
        found.setdefault(tag, []).append((perf, match["mode"], int(match["status"]), match["path"]))
    return found


def server_stats(entries):
    """Per endpoint, from the request log: the worst request and those over Odoo's yellow thresholds."""
    measured = [e for e in entries if e[0] is not None]
    over = [e for e in measured if e[0][0] > MAX_QUERIES or e[0][1] > MAX_SQL_S or e[0][2] > MAX_PYTHON_S]
    worst = max(measured, key=lambda e: e[0][1] + e[0][2], default=None)
    modes = {}
    for entry in entries:
        modes[entry[1] or "-"] = modes.get(entry[1] or "-", 0) + 1
    return {
        "lines": len(entries),
        "unmeasured": len(entries) - len(measured),
        "over_yellow": len(over),
        "worst": {"queries": worst[0][0], "sql": worst[0][1], "rest": worst[0][2], "path": worst[3]} if worst else None,
        "max_queries": max((e[0][0] for e in measured), default=None),
        "max_sql": max((e[0][1] for e in measured), default=None),
        "max_rest": max((e[0][2] for e in measured), default=None),
        "median_sql": statistics.median([e[0][1] for e in measured]) if measured else None,
        "median_total": statistics.median([e[0][1] + e[0][2] for e in measured]) if measured else None,
        "cursor_modes": modes,
        "statuses": sorted({e[2] for e in entries}),
    }


def judge(results, endpoints):
    """The goals, per configuration; the verdict of each endpoint and pair is kept for the tables."""
    failures = []
    by_tag = {e["tag"]: e for e in endpoints}
    for config in results:
        config["pairs"] = []
        for tag, stats in config["endpoints"].items():
            endpoint, server = by_tag[tag], stats["server"]
            checks = []
            if stats["errors"]:
                checks.append(f"{stats['errors']} failed requests ({'; '.join(stats['error_examples'])})")
            if server["lines"] < stats["requests"]:
                checks.append(f"{stats['requests'] - server['lines']} requests missing from the server log")
            if endpoint["side"] == "qi" and server["unmeasured"]:
                # odoo/netsvc.py PerfFilter: the first log record of a request takes its counters
                checks.append(f"{server['unmeasured']} requests logged something: no cost on their request line")
            if endpoint["side"] == "qi" and server["over_yellow"]:
                checks.append(
                    f"{server['over_yellow']} requests over Odoo's yellow thresholds (at most {server['max_queries']} "
                    f"queries, SQL {server['max_sql']:.3f} s, rest {server['max_rest']:.3f} s)"
                )
            if endpoint["side"] == "task" and server["over_yellow"]:
                stats["verdict"] = f"INFO: {server['over_yellow']} over yellow (Odoo's project, the reference)"
            else:
                stats["verdict"] = "PASS" if not checks else "FAIL: " + "; ".join(checks)
            if checks:
                failures.append(f"{config['label']}: {endpoint['name']}: " + "; ".join(checks))
        if config["server_errors"]:
            failures.append(f"{config['label']}: the server logged errors: {config['server_errors'][0][:300]}")
        pairs = {}
        for tag in config["endpoints"]:
            if by_tag[tag]["pair"]:
                pairs.setdefault(by_tag[tag]["pair"], {})[by_tag[tag]["side"]] = tag
        for pair, sides in pairs.items():
            if set(sides) != {"qi", "task"}:
                continue
            qi, task = config["endpoints"][sides["qi"]], config["endpoints"][sides["task"]]
            ratio = qi["p95"] / task["p95"] if task["p95"] else float("inf")
            verdict = "PASS" if ratio <= MAX_RATIO else f"FAIL: ratio {ratio:.2f} > {MAX_RATIO}"
            config["pairs"].append(
                {"pair": pair, "qi_p95": qi["p95"], "task_p95": task["p95"], "ratio": ratio, "verdict": verdict}
            )
            if ratio > MAX_RATIO:
                failures.append(
                    f"{config['label']}: {pair}: case p95 {qi['p95']:.0f} ms > {MAX_RATIO} x task p95 "
                    f"{task['p95']:.0f} ms ({ratio:.2f})"
                )
    return failures


def print_tables(results, endpoints):
    names = {e["tag"]: e["name"] for e in endpoints}
    head = (
        f"{'configuration':<22} {'endpoint':<38} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'req/s':>6} | {'srv p50':>7} {'worst: q':>8} {'SQL s':>6} {'rest s':>6} {'max SQL':>7} {'>yellow':>7} "
        f"{'cursor':>10} | result"
    )
    print(head)
    print("-" * len(head))
    for config in results:
        for tag, stats in config["endpoints"].items():
            server, worst = stats["server"], stats["server"]["worst"] or {}
            modes = ",".join(f"{mode}:{n}" for mode, n in sorted(server["cursor_modes"].items()))
            print(
                f"{config['label']:<22} {names[tag]:<38} {stats['requests']:>4} {stats['p50']:>7.0f} "
                f"{stats['p95']:>7.0f} {stats['p99']:>7.0f} {stats['throughput']:>6.1f} | "
                f"{(server['median_total'] or float('nan')) * 1000:>7.0f} {worst.get('queries', '-'):>8} {worst.get('sql', float('nan')):>6.3f} "
                f"{worst.get('rest', float('nan')):>6.3f} {server['max_sql'] or float('nan'):>7.3f} "
                f"{server['over_yellow']:>7} {modes[-10:]:>10} | "
                f"{stats['verdict']}"
            )
        print(f"{'':<22} (load average {config['load_average'][0]:.2f} -> {config['load_average'][1]:.2f})")
    print()
    head = f"{'configuration':<22} {'case vs task':<12} {'case p95 ms':>11} {'task p95 ms':>11} {'ratio':>6} | result"
    print(head)
    print("-" * len(head))
    for config in results:
        for pair in config["pairs"]:
            print(
                f"{config['label']:<22} {pair['pair']:<12} {pair['qi_p95']:>11.0f} {pair['task_p95']:>11.0f} "
                f"{pair['ratio']:>6.2f} | {pair['verdict']}"
            )
    print()
    for tag in results[0]["endpoints"] if results else ():
        print(f"  {names[tag]}: {results[0]['endpoints'][tag]['rows']} rows per answer")
    print(
        "  srv p50: median server time of a request (SQL + rest, from the request log); p50/p95/p99 are the "
        "client's, queueing for a worker included; worst: the request with the most server time; max SQL: "
        "the most SQL time of one request"
    )


# ----------------------------------------------------------------------------
# EXPLAIN of the portal case list
# ----------------------------------------------------------------------------
def explain(state, cluster, run_report):
    """Serve /my/qi/cases once to the enterprise's user with every query logged,
    EXPLAIN ANALYZE those that read qi_case; a sequential scan of qi_case fails."""
    import psycopg2

    server = live.Server(
        state["db"], state["data_dir"], env=cluster.odoo_env(), extra=["--log-sql"], addons_path=state["addons"]
    )
    reading = []  # (page, query)
    with server:
        session = log_in(server.url, state["db"], {"portal"}, 1)["portal"][0]
        for n, page in enumerate(EXPLAINED_PAGES):
            for tag in (f"warm{n}", f"explain{n}"):  # the first one fills the caches, the second one is read
                _elapsed, error, rows = one_request(session, server.url, {"path": page}, tag, "html:<html")
                if error:
                    raise RuntimeError(f"{page} answered {error}")
            time.sleep(1)
            queries = request_queries(server.log(), f"qi_bench=explain{n}")
            found = [q for q in queries if QI_CASE_SCAN.search(q) and q.lstrip().upper().startswith("SELECT")]
            log(f"{page}: {len(queries)} queries, {len(found)} read qi_case")
            reading += [(page, query) for query in found]
    conn = psycopg2.connect(dbname=state["db"], **pg_params(cluster.odoo_env()))
    failures, plans = [], []
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT count(*) FROM qi_case")
            total = cr.fetchone()[0]
            for page, query in reading:
                cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
                plan = "\n".join(row[0] for row in cr.fetchall())
                conn.rollback()
                plans.append({"page": page, "query": query, "plan": plan})
                print(f"\n{page}: {' '.join(query.split())[:600]}\n{plan}")
                if SEQ_SCAN.search(plan):
                    failures.append(
                        f"{page}: sequential scan of qi_case ({total} rows): {' '.join(query.split())[:200]}"
                    )
    finally:
        conn.close()
    run_report["explain"] = {"cases": total, "plans": plans}
    print()
    log(
        f"EXPLAIN at {total} cases: {len(reading)} queries read qi_case, "
        + ("no sequential scan" if not failures else f"{len(failures)} with a sequential scan")
    )
    return failures


def pg_params(env):
    return {"host": env["PGHOST"], "port": env["PGPORT"], "user": env.get("PGUSER")}


def request_queries(text, marker):
    """The SQL (odoo.sql_db at DEBUG, --log-sql) of the request whose werkzeug
    line holds ``marker``: the queries logged after the request line before it."""
    records = []
    starts = list(RECORD_START.finditer(text))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        records.append((match["logger"], text[match.end() : end].strip()))
    queries = []
    for logger, message in records:
        if logger == "werkzeug":
            if marker in message:
                return queries
            queries = []
        elif logger == "odoo.sql_db" and "] query: " in message:
            queries.append(message.split("] query: ", 1)[1])
    raise RuntimeError(f"no request line with {marker} in the server log")
