"""Issue 14: the read replica, for real.

A throw-away primary cluster and its streaming replica (``pg_basebackup -R``)
hold a copy of the suite with its demo data; Odoo serves it with two workers
and ``db_replica_host``/``db_replica_port`` pointing at the replica. With the
replica's replay paused, a value changed on the primary proves where a request
was served: the read-only routes and buttons still show the old value, and
every write (a public demand, a portal message, materials, a rating, a logged
archive download, an archived case's report, which is logged too) is on the
primary at once and reaches the replica only once replay resumes. Odoo's request log names the cursor of each request (``ro``,
``rw``, ``ro->rw`` for a read-only route that wrote and was replayed on the
primary): no request may need that second try. The decisions per route are
listed in tests/test_route_readonly.py.
"""

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests
from qi_harness import db as harness_db
from qi_harness import live

TIMEOUT = 300  # seconds per request: a loaded 2-core machine compiles templates on first use
# Odoo's request log: the path (a JSON-RPC call adds #model.method), the status,
# the query count and times, and with a replica the cursor of the request
REQUEST_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>[^\s#]+)(?:#\S+)? HTTP/[\d.]+" (?P<status>\d{3}) .* (?P<mode>ro->rw|ro|rw)$'
)
# a form's hidden field, or the token every page of web.layout gives its scripts
CSRF = re.compile(r'(?:name="csrf_token" value=|csrf_token: )"([^"]+)"')
KEY = re.compile(r'name="key" value="([A-Za-z0-9-]+)"')


class Visitor:
    """A browser of its own (cookies, session) on the server. Every request is
    noted in ``served`` with the cursor it should get: ``ro`` (the replica) or
    ``rw`` (the primary)."""

    def __init__(self, server, db, served):
        self.server, self.url, self.db, self.served = server, server.url, db, served
        self.http = requests.Session()

    def _note(self, response, mode):
        # the request that answered (http_routing first redirects a page to the user's language)
        url = urlsplit(response.url)
        self.served.append(((response.request.method, url.path + (f"?{url.query}" if url.query else "")), mode))

    def get(self, path, mode="ro"):
        response = self.http.get(self.url + path, timeout=TIMEOUT)
        assert response.status_code == 200, f"GET {path}: {response.status_code}\n" + "\n".join(
            self.server.errors()[-60:]
        )
        self._note(response, mode)
        return response

    def post(self, path, data, files=None):
        response = self.http.post(self.url + path, data=data, files=files, timeout=TIMEOUT, allow_redirects=False)
        self._note(response, "rw")
        return response

    def rpc(self, path, params, mode):
        response = self.http.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=TIMEOUT
        )
        payload = response.json()
        assert "error" not in payload, f"{path}: {payload['error']}"
        self._note(response, mode)
        return payload["result"]

    def login(self, login):
        """A demo user (README.md: every demo password is the login)."""
        info = self.rpc("/web/session/authenticate", {"db": self.db, "login": login, "password": login}, "rw")
        assert info.get("uid"), f"{login} could not log in"
        return self

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        """A read of the web client, through the replica."""
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}
        return self.rpc(f"/web/dataset/{route}/{model}/{method}", params, "ro")

    def csrf(self, path):
        return CSRF.search(self.get(path).text).group(1)


def _sql_one(cluster, db, sql):
    value = cluster.psql(sql, db=db)
    assert value, f"nothing found by {sql}"
    return value


def _copy_database(template, template_data, primary, db, data_dir, env):
    """The template (main server) in the primary cluster: pg_dump -Fc | pg_restore, and its filestore."""
    bindir = live.pg_bindir()
    primary.psql(f'CREATE DATABASE "{db}" OWNER "{env["PGUSER"]}"')
    dump = subprocess.Popen([str(bindir / "pg_dump"), "-Fc", "-d", template], env=live.pg_env(), stdout=subprocess.PIPE)
    restore = subprocess.run(
        [str(bindir / "pg_restore"), "--no-owner", "--no-acl", "-d", db],
        env=env,
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    dump.stdout.close()
    assert dump.wait(timeout=900) == 0, "pg_dump of the template failed"
    assert restore.returncode == 0, f"pg_restore failed: {restore.stderr[-3000:]}"
    source = Path(template_data) / "filestore" / template
    if source.exists():
        shutil.copytree(source, Path(data_dir) / "filestore" / db)


@pytest.fixture(scope="module")
def site(suite_template):
    """The suite on a primary and its streaming replica, served by two workers
    that send read-only requests to the replica: one server for the module."""
    template, template_data = suite_template
    data_dir = tempfile.mkdtemp(prefix="qi-replica-data.")
    db = harness_db.unique_name("qi_replica")
    primary = live.Cluster().init().start()
    replica = server = None
    try:
        # Odoo refuses to connect as "postgres", the superuser of a cluster started by root
        odoo_env = primary.odoo_env()
        replica = primary.replica()
        # no read of the replica is cancelled by the primary's cleanup replayed under it
        replica.psql("ALTER SYSTEM SET hot_standby_feedback = on")
        replica.psql("SELECT pg_reload_conf()")
        _copy_database(template, template_data, primary, db, data_dir, odoo_env)
        primary.wait_replayed(replica, timeout=300)
        server = live.Server(
            db,
            data_dir,
            workers=2,
            env=odoo_env,
            extra=["--db_replica_host=127.0.0.1", f"--db_replica_port={replica.port}"],
        ).start(timeout=300)
        ids = SimpleNamespace(
            portal_company=_sql_one(
                primary,
                db,
                "SELECT p.commercial_partner_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id "
                "WHERE u.login = 'liuhaiyan'",
            )
        )
        # a running case of the portal user's company at a window of the staff user
        ids.case, ids.case_name, ids.window = _sql_one(
            primary,
            db,
            "SELECT c.id, c.name, c.window_id FROM qi_case c JOIN qi_case_stage st ON st.id = c.stage_id "
            "JOIN qi_window_staff s ON s.window_id = c.window_id JOIN res_users u ON u.id = s.user_id "
            f"WHERE u.login = 'zhangwei' AND c.partner_id = {ids.portal_company} "
            "AND st.code NOT IN ('completed', 'closed', 'cancelled') ORDER BY c.id LIMIT 1",
        ).split("|")
        # a finished case of that company still waiting for its rating
        ids.rated_case = _sql_one(
            primary,
            db,
            "SELECT c.id FROM qi_case c JOIN qi_case_stage st ON st.id = c.stage_id "
            f"WHERE c.partner_id = {ids.portal_company} AND st.code IN ('completed', 'closed') "
            "AND NOT EXISTS (SELECT 1 FROM qi_case_rating r WHERE r.case_id = c.id) ORDER BY c.id LIMIT 1",
        )
        # a frozen archive file of a case under the coordination department's approved demo grant
        ids.archive_user, ids.archive_record, ids.archive_file, ids.archived_case = _sql_one(
            primary,
            db,
            "SELECT req.requester_id, r.id, f.id, r.source_id FROM qi_archive_access_request req "
            "JOIN qi_archive_access_request_record_rel rel ON rel.request_id = req.id "
            "JOIN qi_archive_record r ON r.id = rel.record_id JOIN qi_archive_file f ON f.record_id = r.id "
            "JOIN res_users u ON u.id = req.requester_id "
            "WHERE u.login = 'zhouqiang' AND req.state = 'approved' AND req.date_expiry > now() "
            "AND r.source_model = 'qi.case' AND f.attachment_id IS NOT NULL ORDER BY f.id LIMIT 1",
        ).split("|")
        # an assignment of the demo provider's organisation
        ids.assignment = _sql_one(
            primary,
            db,
            "SELECT a.id FROM qi_case_assignment a JOIN res_partner p ON p.id = a.provider_id "
            "JOIN res_partner c ON c.commercial_partner_id = p.id JOIN res_users u ON u.partner_id = c.id "
            "WHERE u.login = 'sunjianhua' AND a.state != 'cancelled' ORDER BY a.id LIMIT 1",
        )
        served = []
        visitors = SimpleNamespace(
            public=Visitor(server, db, served),
            portal=Visitor(server, db, served).login("liuhaiyan"),
            staff=Visitor(server, db, served).login("zhangwei"),
            coordinator=Visitor(server, db, served).login("zhouqiang"),
            provider=Visitor(server, db, served).login("sunjianhua"),
        )
        # the logins wrote on the primary: the replica has them before any pause
        primary.wait_replayed(replica)
        yield SimpleNamespace(
            db=db, primary=primary, replica=replica, server=server, ids=ids, visitors=visitors, served=served
        )
    finally:
        if server:
            server.stop()
        if replica:
            replica.close()
        primary.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@contextlib.contextmanager
def replay_paused(site):
    """The replica keeps receiving WAL but applies none of it inside the block;
    at the end it applies everything the primary wrote."""
    site.replica.psql("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 60
    while site.replica.psql("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause its replay"
        time.sleep(0.2)
    try:
        yield
    finally:
        site.replica.psql("SELECT pg_wal_replay_resume()")
        site.primary.wait_replayed(site.replica, timeout=300)


def _both(site, sql):
    """The answer of the primary and of the replica to ``sql``."""
    return site.primary.psql(sql, db=site.db), site.replica.psql(sql, db=site.db)


def _assert_cursors(site, since):
    """Each request noted in ``site.served`` from index ``since`` on was served
    on the cursor it should get, as Odoo's request log says."""
    expected = {}
    for key, mode in site.served[since:]:
        expected.setdefault(key, set()).add(mode)
    deadline = time.monotonic() + 60
    while True:
        found = {}
        for line in site.server.log().splitlines():
            match = REQUEST_LINE.search(line)
            if match and (match["method"], match["path"]) in expected:
                found.setdefault((match["method"], match["path"]), set()).add(match["mode"])
        # a worker logs a request just after answering it
        if set(found) == set(expected) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    wrong = {key: (found.get(key), modes) for key, modes in expected.items() if found.get(key) != modes}
    lines = [line for line in site.server.log().splitlines() if any(f" {path} " in line for _method, path in wrong)]
    assert not wrong, f"requests served on another cursor, {{request: (logged, expected)}}: {wrong}\n" + "\n".join(
        lines
    )


def _assert_log_clean(site):
    log = site.server.log()
    retried = [line for line in log.splitlines() if "retrying with a read/write cursor" in line]
    assert not retried, "a read-only route wrote and was replayed on the primary:\n" + "\n".join(retried)
    assert site.server.errors() == []


def _set_visible_values(site, subject, window_name):
    """The case's subject and its window's name (every language), by SQL on the primary."""
    site.primary.psql(
        f"UPDATE qi_case SET subject = '{subject}' WHERE id = {site.ids.case};"
        f"UPDATE qi_window SET name = (SELECT jsonb_object_agg(k, to_jsonb('{window_name}'::text)) "
        f"FROM jsonb_object_keys(name) k) WHERE id = {site.ids.window}",
        db=site.db,
    )


def _read_everything(site):
    """What the public, the enterprise and the window's staff see of the case and
    its window, through every read-only route and call: [(where, text)]."""
    v, ids = site.visitors, site.ids
    seen = [
        ("public /qi/windows", v.public.get("/qi/windows").text),
        ("public /qi/demand form", v.public.get("/qi/demand").text),
        ("portal case list", v.portal.get(f"/my/qi/cases?search={ids.case_name}").text),
        ("portal case page", v.portal.get(f"/my/qi/cases/{ids.case}").text),
        ("portal case report", v.portal.get(f"/my/qi/cases/{ids.case}/report?report_type=html").text),
        ("portal new case form", v.portal.get("/my/qi/cases/new").text),
    ]
    rows = v.staff.call_kw(
        "qi.case",
        "web_search_read",
        [],
        {"domain": [["id", "=", int(ids.case)]], "specification": {"subject": {}, "window_id": {}}},
    )["records"]
    seen.append(("back-office list", repr(rows)))
    record = v.staff.call_kw("qi.case", "web_read", [[int(ids.case)]], {"specification": {"subject": {}}})
    seen.append(("back-office form", repr(record)))
    action = v.staff.call_kw("qi.window", "action_view_staff", [[int(ids.window)]], route="call_button")
    seen.append(("back-office button", action["display_name"]))
    return seen


def test_reads_come_from_the_replica(site):
    since = len(site.served)
    token = uuid.uuid4().hex[:8]
    old, new = f"Replica old {token}", f"Replica new {token}"
    _set_visible_values(site, old, f"Window old {token}")
    site.primary.wait_replayed(site.replica)
    with replay_paused(site):
        _set_visible_values(site, new, f"Window new {token}")
        assert _both(site, f"SELECT subject FROM qi_case WHERE id = {site.ids.case}") == (new, old)
        for where, text in _read_everything(site):
            assert old in text or f"Window old {token}" in text, f"{where} does not show the replica's value"
            assert new not in text and f"Window new {token}" not in text, f"{where} was read on the primary"
    for where, text in _read_everything(site):
        assert new in text or f"Window new {token}" in text, f"{where} does not show the replayed value"
        assert old not in text and f"Window old {token}" not in text, f"{where} still shows the old value"
    _assert_cursors(site, since)
    _assert_log_clean(site)


def test_writes_go_to_the_primary(site):
    v, ids = site.visitors, site.ids
    since = len(site.served)
    marker = f"replica-write-{uuid.uuid4().hex[:12]}"
    form = v.public.get("/qi/demand").text
    demand_key = KEY.search(form).group(1)
    portal_csrf = v.portal.csrf(f"/my/qi/cases/{ids.rated_case}")
    downloads = (
        f"SELECT count(*) FROM qi_archive_access_log WHERE user_id = {ids.archive_user} "
        f"AND file_id = {ids.archive_file} AND action = 'download'"
    )
    checks = {
        "public demand": f"SELECT count(*) FROM qi_case WHERE intake_key = '{demand_key}'",
        "portal message": f"SELECT count(*) FROM mail_message WHERE model = 'qi.case' AND res_id = {ids.case} "
        f"AND body LIKE '%{marker}-message%'",
        "portal materials": f"SELECT count(*) FROM ir_attachment WHERE res_model = 'qi.case' AND res_id = {ids.case} "
        f"AND name = '{marker}-materials.pdf'",
        "rating": f"SELECT count(*) FROM qi_case_rating WHERE case_id = {ids.rated_case} "
        f"AND comment = '{marker}-rating'",
        "archive download log": downloads,
        "archived report log": f"SELECT count(*) FROM qi_archive_access_log WHERE user_id = {ids.archive_user} "
        f"AND record_id = {ids.archive_record} AND action = 'report'",
    }
    before = {what: int(site.primary.psql(sql, db=site.db)) for what, sql in checks.items()}
    with replay_paused(site):
        done = v.public.post(
            "/qi/demand",
            {
                "csrf_token": CSRF.search(form).group(1),
                "key": demand_key,
                "company": f"Replica Glass {marker}",
                "contact": "Replica Contact",
                "email": "replica.contact@example.com",
                "window_id": ids.window,
                "subject": f"{marker}-demand",
                "description": "Sent while the replica is paused.",
            },
        )
        assert done.status_code == 200 and "is-invalid" not in done.text, done.text[-3000:]
        v.portal.rpc(
            "/mail/message/post",
            {
                "thread_model": "qi.case",
                "thread_id": int(ids.case),
                "post_data": {
                    "body": f"{marker}-message",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
            "rw",
        )
        sent = v.portal.post(
            f"/my/qi/cases/{ids.case}/materials",
            {"csrf_token": portal_csrf},
            files={"attachments": (f"{marker}-materials.pdf", b"%PDF-1.4 replica materials", "application/pdf")},
        )
        assert sent.status_code == 303 and "error" not in sent.headers["Location"], sent.headers.get("Location")
        rated = v.portal.post(
            f"/my/qi/cases/{ids.rated_case}/rate",
            {"csrf_token": portal_csrf, "level": "5", "comment": f"{marker}-rating"},
        )
        assert rated.status_code == 303 and "error" not in rated.headers["Location"], rated.headers.get("Location")
        download = v.coordinator.get(f"/my/archive/file/{ids.archive_file}", mode="rw")
        assert download.content.startswith(b"%PDF"), "the archived file was not served"
        # an archived case's report is archive content: printing it again is logged (qi_archive)
        report = v.coordinator.get(f"/my/qi/cases/{ids.archived_case}/report?report_type=html", mode="rw")
        archived_name = site.primary.psql(f"SELECT name FROM qi_case WHERE id = {ids.archived_case}", db=site.db)
        assert archived_name in report.text, "the archived case's report was not served"
        for what, sql in checks.items():
            on_primary, on_replica = _both(site, sql)
            assert int(on_primary) == before[what] + 1, f"{what} is not on the primary"
            assert int(on_replica) == before[what], f"{what} reached the paused replica"
    for what, sql in checks.items():
        assert _both(site, sql) == (str(before[what] + 1),) * 2, f"{what} did not reach the replica once replayed"
    _assert_cursors(site, since)
    _assert_log_clean(site)


def test_portal_pages_are_served_by_the_replica(site):
    """The other read-only pages: a provider's assignments, the archive page, a
    case's file (once the replica has it)."""
    v, ids = site.visitors, site.ids
    since = len(site.served)
    name = f"replica-file-{uuid.uuid4().hex[:12]}.pdf"
    sent = v.portal.post(
        f"/my/qi/cases/{ids.case}/materials",
        {"csrf_token": v.portal.csrf(f"/my/qi/cases/{ids.case}")},
        files={"attachments": (name, b"%PDF-1.4 replica file", "application/pdf")},
    )
    assert sent.status_code == 303 and "error" not in sent.headers["Location"], sent.headers.get("Location")
    site.primary.wait_replayed(site.replica)
    page = v.portal.get(f"/my/qi/cases/{ids.case}").text
    link = re.search(rf'href="(/my/qi/cases/{ids.case}/attachments/\d+)"[^>]*>{re.escape(name)}<', page)
    assert link, f"{name} is not listed on the case page"
    assert v.portal.get(link.group(1)).content == b"%PDF-1.4 replica file"
    assert ids.case_name in v.portal.get("/my/qi/cases").text
    v.portal.get("/my/archive")
    assert "/my/qi/assignments/" in v.provider.get("/my/qi/assignments").text
    v.provider.get(f"/my/qi/assignments/{ids.assignment}")
    _assert_cursors(site, since)
    _assert_log_clean(site)
