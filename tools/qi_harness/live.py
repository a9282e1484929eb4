"""Real servers for the system tests and the load benchmark: Odoo as it is deployed.

The unit tests (bin/qi-test's first part) run inside one Odoo process on a test
cursor. What issue 14 asks cannot be shown there: several worker processes, a
streaming replica, a server killed mid-run, an upgrade, a dump and a restore.
This module starts and stops the real things, on loopback only:

- ``install(db, data_dir, modules)``: ``odoo -i ... --stop-after-init``; an
  install that logs an error raises;
- ``duplicate(src, dst, data_dir)``: Odoo's own ``odoo db duplicate`` (database
  and filestore), a fresh copy of an installed template in seconds;
- ``Server``: ``python3 -m odoo`` on a free port with N HTTP workers (0: the
  threaded server), ready when ``/web/health`` answers; its log is kept and
  ``errors()`` lists its ERROR/CRITICAL lines and tracebacks;
- ``Cluster``: a throw-away PostgreSQL cluster (``initdb``, ``pg_ctl``) on a
  free port, and ``Cluster.replica()`` its streaming replica
  (``pg_basebackup -R``);
- ``run_odoo(db, data_dir, code)``: Python code run in a fresh Odoo process
  against ``env`` (superuser), its ``result`` printed back as JSON: a cron run,
  data set up through the real flows, a check after restart;
- ``start_odoo(db, data_dir, code)``: the same, not waited for, in a process
  group of its own: a run to SIGKILL in the middle (``result_of`` reads the
  result of one that ended).

Every process and cluster is stopped, and every database dropped, by the
caller's ``with`` blocks or ``close()``, whatever happens.
"""

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import ROOT

ADDONS = ROOT / "addons"
CONF = ROOT / "config" / "odoo.conf"
ERROR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


class HarnessError(RuntimeError):
    """A server, a cluster or an Odoo command did not do what was asked."""


def suite_modules():
    """Every qi_* addon of the checkout, sorted."""
    return sorted(p.parent.name for p in ADDONS.glob("qi_*/__manifest__.py"))


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_env(host=None, port=None):
    """The environment of a child process that talks to PostgreSQL at host:port."""
    env = dict(os.environ)
    env["PGHOST"] = host or os.environ.get("PGHOST", "127.0.0.1")
    env["PGPORT"] = str(port or os.environ.get("PGPORT", "5432"))
    return env


def odoo_command(*args, addons_path=None):
    """``python3 -m odoo`` with the suite's config and addons path."""
    return [
        sys.executable,
        "-m",
        "odoo",
        *args[:1],
        "-c",
        str(CONF),
        f"--addons-path={addons_path or ADDONS}",
        *args[1:],
    ]


def error_lines(text):
    """The ERROR/CRITICAL lines of an Odoo log, with the traceback that follows each."""
    found, keep = [], False
    for line in text.splitlines():
        if ERROR_LINE.match(line):
            keep = True
        elif re.match(r"^\d{4}-\d\d-\d\d ", line):
            keep = False
        if keep:
            found.append(line)
    return found


def install(db, data_dir, modules=None, *, demo=True, env=None, addons_path=None, update=False, timeout=1800):
    """Install (or with ``update=True`` update) ``modules`` in ``db``; raises
    HarnessError with the log when Odoo fails or logs an error."""
    modules = ",".join(modules or suite_modules())
    log = Path(data_dir) / f"{'update' if update else 'install'}-{db}.log"
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    args = ["server", f"--data-dir={data_dir}", "-d", db, "-u" if update else "-i", modules]
    args += ["--stop-after-init", "--log-level=warn", "--http-port=0", f"--logfile={log}"]
    if demo and not update:
        args.append("--with-demo")
    proc = subprocess.run(
        odoo_command(*args, addons_path=addons_path), env=env or pg_env(), timeout=timeout, check=False
    )
    text = log.read_text() if log.exists() else ""
    errors = error_lines(text)
    if proc.returncode or errors or "demo data failed to install" in text:
        raise HarnessError(
            f"odoo {'-u' if update else '-i'} {modules} on {db} failed ({proc.returncode}):\n{text[-6000:]}"
        )
    return text


def duplicate(src, dst, data_dir, env=None):
    """Odoo's ``db duplicate``: a copy of ``src`` (database and filestore) as ``dst``."""
    subprocess.run(
        odoo_command("db", f"--data-dir={data_dir}") + ["duplicate", src, dst],
        env=env or pg_env(),
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def drop_copy(db, data_dir):
    """Drop the database ``db`` made by ``duplicate`` (or a restore) beside others in
    ``data_dir``, and its filestore only. Not ``qi_harness.db.drop(db, data_dir)``:
    that removes a throw-away data dir whole, the template's filestore with it."""
    from . import db as harness_db

    try:
        harness_db.drop(db)
    finally:
        shutil.rmtree(Path(data_dir) / "filestore" / db, ignore_errors=True)


def drop(db, env=None):
    """DROP DATABASE ... WITH (FORCE) on the server ``env`` points at."""
    env = env or pg_env()
    subprocess.run(
        ["psql", "-X", "-q", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


RUN_PRELUDE = """
import json, sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[1:], setup_logging=True)
from odoo.modules.registry import Registry
from odoo import api, SUPERUSER_ID
registry = Registry(config['db_name'][0] if isinstance(config['db_name'], list) else config['db_name'])
result = None
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
"""


def run_odoo(db, data_dir, code, *, env=None, timeout=1800, addons_path=None, check=True):
    """Run ``code`` in a new Odoo process, with ``env`` (superuser) on ``db``
    and ``ARGS`` (``args`` below) bound; the transaction commits at the end
    unless the code raises. Returns the JSON-decoded value the code put in
    ``result``. ``code`` is indented into a ``with`` block: write it flush left."""
    body = "\n".join("    " + line for line in code.strip("\n").splitlines())
    script = RUN_PRELUDE + body + "\nprint('QI-RESULT ' + json.dumps(result, default=str))\n"
    args = [sys.executable, "-c", script, "-c", str(CONF), f"--addons-path={addons_path or ADDONS}"]
    args += [f"--data-dir={data_dir}", "-d", db, "--log-level=warn", "--http-port=0"]
    proc = subprocess.run(args, env=env or pg_env(), capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode:
        raise HarnessError(f"run_odoo failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("QI-RESULT "):
            return json.loads(line[len("QI-RESULT ") :])
    if check:
        raise HarnessError(f"run_odoo printed no result:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def start_odoo(db, data_dir, code, *, env=None, addons_path=None):
    """``run_odoo``'s ``code`` started, not waited for: the ``subprocess.Popen``
    of a process group of its own, so that ``os.killpg(proc.pid, SIGKILL)``
    ends it (and whatever it started) as a crash or the OOM killer would. Its
    output goes to ``proc.log_path`` in ``data_dir``; after a normal end,
    ``result_of(proc)`` is what the code put in ``result``."""
    body = "\n".join("    " + line for line in code.strip("\n").splitlines())
    script = RUN_PRELUDE + body + "\nprint('QI-RESULT ' + json.dumps(result, default=str))\n"
    args = [sys.executable, "-c", script, "-c", str(CONF), f"--addons-path={addons_path or ADDONS}"]
    args += [f"--data-dir={data_dir}", "-d", db, "--log-level=warn", "--http-port=0"]
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    log_path = Path(data_dir) / f"odoo-run-{db}-{time.time_ns()}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(args, env=env or pg_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = log_path
    return proc


def result_of(proc):
    """The ``result`` a process of ``start_odoo`` printed; raises HarnessError if it failed."""
    text = proc.log_path.read_text(errors="replace")
    if proc.returncode:
        raise HarnessError(f"the Odoo process failed ({proc.returncode}):\n{text[-6000:]}")
    for line in reversed(text.splitlines()):
        if line.startswith("QI-RESULT "):
            return json.loads(line[len("QI-RESULT ") :])
    raise HarnessError(f"the Odoo process printed no result:\n{text[-6000:]}")


class Server:
    """An Odoo server on loopback: ``workers=0`` is the threaded server, N > 0
    the prefork server with N HTTP workers (and a gevent port of its own)."""

    def __init__(self, db, data_dir, *, workers=0, cron_threads=0, env=None, extra=(), addons_path=None):
        self.db, self.data_dir, self.workers = db, data_dir, workers
        self.port = free_port()
        self.log_path = Path(data_dir) / f"server-{db}-{self.port}.log"
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        args = ["server", f"--data-dir={data_dir}", "-d", db, f"--db-filter=^{re.escape(db)}$"]
        args += [f"--http-port={self.port}", "--http-interface=127.0.0.1", f"--workers={workers}"]
        args += [f"--max-cron-threads={cron_threads}", "--log-level=info", f"--logfile={self.log_path}"]
        if workers:
            args += [f"--gevent-port={free_port()}", "--limit-time-real=600", "--limit-time-cpu=300"]
        self.args = odoo_command(*args, addons_path=addons_path) + list(extra)
        self.env = env or pg_env()
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=180):
        # a process group of its own: stop() reaches the prefork workers too
        self.proc = subprocess.Popen(
            self.args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(
                    f"the server exited ({self.proc.returncode}) before answering:\n{self.log()[-4000:]}"
                )
            try:
                with urllib.request.urlopen(self.url + "/web/health", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise HarnessError(f"the server did not answer within {timeout} s:\n{self.log()[-4000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if not self.proc or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def errors(self):
        return error_lines(self.log())

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def pg_bindir():
    """The directory of initdb, pg_ctl and pg_basebackup (Debian keeps them off PATH)."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and Path(out, "initdb").exists():
            return Path(out)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    raise HarnessError("initdb not found: install PostgreSQL's server package")


class Cluster:
    """A throw-away PostgreSQL cluster on a free loopback port, trust auth,
    owned by the current OS user (PostgreSQL refuses to run as root: then the
    ``postgres`` user runs it)."""

    def __init__(self, root=None, port=None, *, replica_of=None):
        self.root = Path(root or tempfile.mkdtemp(prefix="qi-pg-"))
        self.data = self.root / "data"
        self.port = port or free_port()
        self.replica_of = replica_of
        self.bindir = pg_bindir()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.user = "postgres" if os.geteuid() == 0 else None

    def _pg(self, tool, *args, check=True, **kw):
        return subprocess.run(
            [*self.run_as, str(self.bindir / tool), *args], check=check, capture_output=True, text=True, **kw
        )

    def env(self):
        env = pg_env("127.0.0.1", self.port)
        if self.user:
            env["PGUSER"] = self.user
        return env

    def odoo_env(self):
        """The environment of an Odoo process on this cluster. Odoo refuses the
        ``postgres`` role (odoo/cli/server.py check_postgres_user), which
        ``env()`` names when we are root: a superuser role named after the OS
        user is created on the primary on first use (a replica has it by
        replication) and named instead."""
        env = self.env()
        if not self.user:
            return env
        role = "qi_odoo"
        if not self.replica_of:
            self.psql(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {role} LOGIN SUPERUSER; END IF; END $$"
            )
        env["PGUSER"] = role
        return env

    def init(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(self.root, "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user or os.environ.get("USER", "postgres"))
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\nshared_buffers = 256MB\n"
            )
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return self

    def start(self):
        out = self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        if out.returncode:
            raise HarnessError(f"pg_ctl start failed: {out.stderr}\n{self.server_log()}")
        return self

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def server_log(self):
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def replica(self, root=None):
        """A streaming replica of this (running) cluster, started: ``pg_basebackup -R``."""
        replica = Cluster(root, replica_of=self)
        replica.root.mkdir(parents=True, exist_ok=True)
        if replica.run_as:
            shutil.chown(replica.root, "postgres")
        args = ["-h", "127.0.0.1", "-p", str(self.port), "-D", str(replica.data), "-R", "-X", "stream"]
        if self.user:
            args += ["-U", self.user]
        out = replica._pg("pg_basebackup", *args, check=False)
        if out.returncode:
            raise HarnessError(f"pg_basebackup failed: {out.stderr}")
        conf = replica.data / "postgresql.conf"
        text = re.sub(r"(?m)^port = \d+$", f"port = {replica.port}", conf.read_text())
        text = text.replace(f"unix_socket_directories = '{self.root}'", f"unix_socket_directories = '{replica.root}'")
        conf.write_text(text)
        return replica.start()

    def psql(self, sql, db="postgres"):
        out = subprocess.run(
            ["psql", "-X", "-At", "-d", db, "-c", sql], env=self.env(), capture_output=True, text=True, check=False
        )
        if out.returncode:
            raise HarnessError(f"psql on port {self.port} failed: {out.stderr}")
        return out.stdout.strip()

    def wait_replayed(self, replica, timeout=60):
        """Wait until ``replica`` has replayed everything this primary wrote so far."""
        # the insert position: with synchronous_commit off, a commit may not be written yet
        target = self.psql("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done == "t":
                return
            time.sleep(0.2)
        raise HarnessError(f"the replica did not replay up to {target} within {timeout} s")

    def close(self):
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
