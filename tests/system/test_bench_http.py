"""The load benchmark over HTTP (``bin/qi-benchmark http``, docs/benchmark.md)
reads what each of its requests cost from the server's own log: the werkzeug
line of Odoo's request log (query count, SQL time, the rest) for the yellow
thresholds, and the SQL logged by ``--log-sql`` for the EXPLAIN of the portal
case list. If Odoo's log lines change shape, the benchmark would find no cost
and no query; these tests fail first.
"""

import re

import requests
from qi_harness import live
from qi_harness.bench import http as bench_http


def test_request_log_gives_each_benchmark_request_its_cost(suite_db):
    db, data_dir = suite_db
    with live.Server(db, data_dir, workers=1) as server:
        session = requests.Session()
        # the first request loads the registry and logs while doing so: a warm-up, as in the benchmark
        for tag in ("warmup", "probe", "probe"):
            _elapsed, error, rows = bench_http.one_request(
                session, server.url, {"path": "/qi/windows"}, tag, r"html:qi/windows/channel/\d+/qr|<h\d"
            )
            assert error is None and rows
    entries = bench_http.parse_request_log(server.log())
    assert len(entries["probe"]) == 2, server.log()[-3000:]
    for perf, _mode, status, path in entries["probe"]:
        assert status == 200 and path.startswith("/qi/windows?qi_bench=probe")
        queries, sql, rest = perf  # None: the benchmark could not judge the request
        assert queries > 0 and sql > 0 and rest > 0
    stats = bench_http.server_stats(entries["probe"])
    assert stats["lines"] == 2 and stats["unmeasured"] == 0 and stats["worst"]["queries"] > 0


def test_sql_log_gives_the_queries_of_one_request(suite_db):
    db, data_dir = suite_db
    with live.Server(db, data_dir, extra=["--log-sql"]) as server:
        session = requests.Session()
        for tag in ("warmup", "explain"):
            _elapsed, error, _rows = bench_http.one_request(
                session, server.url, {"path": "/qi/windows"}, tag, "html:<h"
            )
            assert error is None
    queries = bench_http.request_queries(server.log(), "qi_bench=explain")
    # the public page reads the windows, with the values bound (EXPLAIN runs them as they are)
    window_reads = [q for q in queries if re.search(r'FROM "qi_window"', q)]
    assert window_reads and not any("%s" in q for q in window_reads)
