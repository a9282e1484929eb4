"""Benchmark of qi_case at scale (issue 4: "Performance (benchmark script, not timed tests)").

What it does, on a fresh database that it drops at the end (unless --keep):

1. installs qi_window, qi_catalogue, qi_case and project without demo data;
2. bulk-loads N qi.case rows (and their requested items) and N project.task rows
   with plain SQL (``INSERT ... SELECT generate_series``), then VACUUM ANALYZE;
3. replays, as a window leader (qi_window.group_qi_manager) on qi.case and as a
   project manager on project.task, the server calls the web client makes for
   the list view (web_search_read, 80 rows), the kanban view grouped by stage
   (web_read_group with auto-unfold + read_progress_bar) and the pivot view
   (formatted_read_grouping_sets, window x month / stage x month); counts the
   queries and the SQL time of each call the way Odoo's request log does
   (odoo/sql_db.py: every cursor.execute() adds 1 query and its duration to
   the current thread's counters; odoo/netsvc.py colours > 100 queries and
   > 0.1 s SQL in yellow), best of --runs after a warm-up;
4. reopens every case, spreads deadlines (due soon / overdue / later) and runs
   the daily supervision in a separate process each time, measuring wall time,
   SQL and peak RSS (ru_maxrss of that process):
   - ``_cron_supervise()`` called directly, commit at the end: a first run
     (every warning and escalation still to send) and a daily run (days used
     change for every case, no new reminder; if the first run crashed and was
     rolled back, the flags it would have left are set by SQL first);
   - the scheduled action itself (``ir.cron.method_direct_trigger``: the cron
     context, commits per batch and Odoo's per-job time box), counting how many
     of the running cases it reaches.
5. gives every running clock a provisional deadline in next year (P-TL-1: no
   official data yet), enters a notice for that year through the wizard (TEST
   DATA, not official: New Year's Day and a make-up Saturday) and times the
   recompute of every provisional case, logs and notices included; rolled back.

6. ``bin/qi-benchmark matching``: qi.catalogue.matcher.match at 2,000 providers
   and 5,000 experts, on a database of its own (matching.py).

7. ``bin/qi-benchmark http``: the same data served over HTTP by 1 and 2 prefork
   workers, without and with a streaming read replica, under concurrent clients,
   in a throw-away PostgreSQL cluster (http.py, http_data.py).

8. ``bin/qi-benchmark ledger``: the daily due warnings of the enterprises'
   ledgers over 1,000,000 instruments of 50,000 enterprises, on a database of
   its own (ledger.py, issue 16).

The qi_* addons are copied at start and installed from the copy, so a long run
measures one version of the code. See docs/benchmark.md.

Exits 0 when every check passes, 1 when one fails, 2 on a setup error.
The database and its data dir come from qi_harness.db and are dropped whatever
happens (unless --keep).
PGHOST/PGPORT/PGUSER/PGPASSWORD are honoured (PGHOST defaults to 127.0.0.1).
"""

# Modules: cli (command line, one run from install to drop), runtime (Odoo on
# a snapshot of the addons, query meter, workers, profiler), suite (the
# constants taken from the addons), seed (data), the scenarios views, cron,
# recompute and matching, report (goals, verdicts, tables); http (the load run
# over HTTP) and http_data (its data and requests, in a worker); ledger (the
# ledgers' due warnings, issue 16). The modules that
# import odoo.addons.* are imported only once Odoo knows the addons path.
