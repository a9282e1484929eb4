"""What every scenario runs on: Odoo started on a snapshot of the addons, the
query meter, memory, worker processes and the optional profiler."""

import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

from .. import ROOT

SOURCE_ADDONS = ROOT / "addons"
LAUNCHER = ROOT / "bin" / "qi-benchmark"
RESULT_TAG = "QI_BENCH_RESULT "
CHILDREN = []  # worker processes still running, terminated on SIGTERM/SIGHUP


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def odoo_release(prog):
    """Odoo's release module when Odoo 19 is importable, else None (said on stderr)."""
    try:
        from odoo import release
    except ImportError:
        print(f"{prog}: Odoo 19 is not importable by {sys.executable}", file=sys.stderr)
        return None
    if release.version_info[0] != 19:
        print(f"{prog}: Odoo {release.version} found, the suite needs Odoo 19.", file=sys.stderr)
        return None
    return release


def exit_on_signals():
    """SIGTERM and SIGHUP end the run like Ctrl-C: workers stopped, database dropped."""

    def on_signal(signum, frame):
        for child in list(CHILDREN):
            child.terminate()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)


# ----------------------------------------------------------------------------
# The addons, installed from a snapshot
# ----------------------------------------------------------------------------
def snapshot_addons(target, modules):
    """Copy the qi_* addons the benchmark installs, so that a run of half an hour
    measures one version of the code even if the working tree changes meanwhile
    (the install, the measurements and every worker use the copy)."""
    os.makedirs(target)
    for module in modules:
        shutil.copytree(
            SOURCE_ADDONS / module, os.path.join(target, module), ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return target


def source_fingerprint(addons, modules):
    """sha256 of the installed qi_* addons' sources: which code the numbers belong to."""
    digest = hashlib.sha256()
    walked = [w for module in modules for w in os.walk(os.path.join(addons, module))]
    for folder, _dirs, files in sorted(walked):
        for name in sorted(files):
            if name.endswith((".py", ".xml", ".csv")):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, addons).encode())
                with open(path, "rb") as f:
                    digest.update(f.read())
    return digest.hexdigest()[:12]


def install(args, modules):
    """``odoo -i modules`` without demo data; an install that logs an ERROR fails."""
    logfile = os.path.join(args.data_dir, "install.log")
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        args.conf,
        f"--addons-path={args.addons}",
        f"--data-dir={args.data_dir}",
        "-d",
        args.db,
        "-i",
        modules,
        "--stop-after-init",
        "--log-level=warn",
        "--http-port=0",
    ]
    with open(logfile, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        CHILDREN.append(proc)
        rc = proc.wait()
        CHILDREN.remove(proc)
    with open(logfile) as f:
        text = f.read()
    if rc or re.search(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", text, re.M):
        sys.stdout.write(text)
        raise RuntimeError(f"installing {modules} failed (exit {rc})")


def odoo_init(conf, addons, db, data_dir):
    """Odoo configured on ``addons`` and the registry of ``db``. Only after this
    may the odoo.addons.* modules of the suite be imported (bench.suite)."""
    from odoo.tools import config

    config.parse_config(
        ["-c", conf, f"--addons-path={addons}", f"--data-dir={data_dir}", "-d", db, "--log-level=warn"],
        setup_logging=True,
    )
    from odoo.service import server

    server.load_server_wide_modules()
    threading.current_thread().dbname = db
    from odoo.modules.registry import Registry

    return Registry(db)


def vacuum_analyze(db, tables):
    from ..db import connect

    conn = connect(db)
    with conn.cursor() as cr:
        for table in tables:
            cr.execute(f'VACUUM ANALYZE "{table}"')
    conn.close()


# ----------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------
def rss_now():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class QueryMeter:
    """Counts queries and SQL time of the current thread like the request log.

    Uses the ``query_hooks`` of odoo/sql_db.py, called after each execute()
    with the same ``delay`` that feeds ``current_thread().query_time``; unlike
    the ``query_count`` attribute it is not reset by the logging filter."""

    def __init__(self, record=False):
        self.record = record
        self.queries = []
        self.count, self.sql, self.total = 0, 0.0, 0.0

    def __enter__(self):
        self.count, self.sql = 0, 0.0
        thread = threading.current_thread()
        self._previous = getattr(thread, "query_hooks", None)
        thread.query_hooks = [*(self._previous or ()), self._hook]
        self.t0 = time.perf_counter()
        return self

    def _hook(self, cr, query, params, start, delay):
        self.count += 1
        self.sql += delay
        if self.record:
            text = query.decode() if isinstance(query, bytes) else str(query)
            self.queries.append((delay, " ".join(text.split())))

    def __exit__(self, *exc):
        self.total = time.perf_counter() - self.t0
        thread = threading.current_thread()
        if self._previous is None:
            del thread.query_hooks
        else:
            thread.query_hooks = self._previous
        return False


@contextlib.contextmanager
def profiled(name):
    """QI_BENCH_PROFILE=FILE: a cProfile of the block in FILE.<name>.<pid>
    (read with ``python3 -m pstats``); nothing otherwise."""
    path = os.environ.get("QI_BENCH_PROFILE")
    if not path:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(f"{path}.{name}.{os.getpid()}")


# ----------------------------------------------------------------------------
# Workers: a measured run in its own process, so that its peak RSS is its own
# ----------------------------------------------------------------------------
def run_worker(args, mode, message, env=None, extra=()):
    """Run ``bin/qi-benchmark --_worker mode`` on the run's database, echo its
    output indented, and return the result it printed. ``env``: the child's
    environment (another PostgreSQL server); ``extra``: more arguments."""
    cmd = [
        sys.executable,
        str(LAUNCHER),
        "--_worker",
        mode,
        "--conf",
        args.conf,
        "--_db",
        args.db,
        "--_data-dir",
        args.data_dir,
        "--_addons",
        args.addons,
        *extra,
    ]
    log(f"{message} (load average {os.getloadavg()[0]:.2f}) ...")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    CHILDREN.append(proc)
    output = []
    for line in proc.stdout:
        output.append(line)
        if not line.startswith(RESULT_TAG):
            sys.stdout.write("    | " + line)
    proc.wait()
    CHILDREN.remove(proc)
    result = next((json.loads(line[len(RESULT_TAG) :]) for line in output if line.startswith(RESULT_TAG)), None)
    if proc.returncode or result is None:
        raise RuntimeError(f"{mode} worker failed with exit code {proc.returncode}")
    return result


def emit_result(result, rss_before):
    """The worker's last line: its result with its memory, for run_worker."""
    result["rss_before"] = rss_before
    result["peak_rss"] = peak_rss()
    result["load_after"] = os.getloadavg()[0]
    print(RESULT_TAG + json.dumps(result), flush=True)
