"""Reporting: the goals, the verdict of each measurement and the tables.

Goals: Odoo's yellow thresholds of the request log (odoo/netsvc.py
ColoredPerfFilter: > 100 queries, > 0.1 s SQL) for each view call, within 1.2x
of project.task's SQL time; every cron run and the recompute under 60 s (the
daily run, issue 12: under 30 s) and 1 GiB peak RSS.
"""

MAX_QUERIES = 100
MAX_SQL_S = 0.1
MAX_RATIO = 1.2
CRON_MAX_S = 60.0
CRON_DAILY_MAX_S = 30.0  # issue 12: the daily run with the red/yellow ladder on
CRON_MAX_RSS = 1024**3


def judge_views(results):
    failures = []
    for name, row in results.items():
        qi, task = row["qi"], row["task"]
        checks = []
        if qi["queries"] > MAX_QUERIES:
            checks.append(f"{qi['queries']} queries > {MAX_QUERIES}")
        if qi["sql"] > MAX_SQL_S:
            checks.append(f"SQL {qi['sql']:.3f} s > {MAX_SQL_S}")
        ratio = qi["sql"] / task["sql"] if task and task["sql"] else None
        row["ratio"] = ratio
        row["total_ratio"] = qi["total"] / task["total"] if task and task["total"] else None
        if ratio is not None and ratio > MAX_RATIO:
            checks.append(f"SQL ratio {ratio:.2f} > {MAX_RATIO}")
        if row.get("informational"):
            row["verdict"] = "INFO" + (": " + "; ".join(checks) if checks else "")
            continue
        row["verdict"] = "PASS" if not checks else "FAIL: " + "; ".join(checks)
        if checks:
            failures.append(f"{name}: " + "; ".join(checks))
    return failures


def print_queries(results, top=6):
    for name, row in results.items():
        for side, label in (("qi", "qi.case"), ("task", "project.task")):
            if not row.get(side) or not row[side]["query_log"]:
                continue
            log_ = row[side]["query_log"]
            print(f"  {name} / {label}: {len(log_)} queries, {sum(q[0] for q in log_):.3f} s; slowest:")
            for delay, text in sorted(log_, reverse=True)[:top]:
                print(f"    {delay * 1000:8.1f} ms  {text[:230]}")
    print()


def print_views(results):
    head = (
        f"{'operation':<20} {'method':<29} | {'qi.case q':>9} {'SQL s':>7} {'total s':>7} | "
        f"{'task q':>6} {'SQL s':>7} {'total s':>7} | {'SQL ratio':>9} | result"
    )
    print(head)
    print("-" * len(head))
    for name, row in results.items():
        qi, task = row["qi"], row["task"]
        task_cols = (
            f"{task['queries']:>6} {task['sql']:>7.3f} {task['total']:>7.3f}" if task else f"{'-':>6} {'-':>7} {'-':>7}"
        )
        ratio = f"{row['ratio']:>9.2f}" if row.get("ratio") is not None else f"{'-':>9}"
        print(
            f"{name:<20} {row['method']:<29} | {qi['queries']:>9} {qi['sql']:>7.3f} {qi['total']:>7.3f} | "
            f"{task_cols} | {ratio} | {row['verdict']}"
        )
    print()
    for name, row in results.items():
        print(
            f"  {name}: qi.case {row['qi']['result_size']}"
            + (f"; project.task {row['task']['result_size']}" if row["task"] else "")
        )


def _time_and_memory_checks(result, limit):
    """The goals every timed run shares: under ``limit`` seconds and 1 GiB."""
    checks = []
    if result["wall"] >= limit:
        checks.append(f"{result['wall']:.1f} s >= {limit:.0f} s")
    if result["peak_rss"] >= CRON_MAX_RSS:
        checks.append(f"peak RSS {result['peak_rss'] / 2**20:.0f} MiB >= 1024 MiB")
    return checks


def _set_verdict(result, checks):
    result["verdict"] = "PASS" if not checks else "FAIL: " + "; ".join(checks)
    return checks


def judge_cron(result):
    limit = CRON_DAILY_MAX_S if "daily run" in result["label"] else CRON_MAX_S
    checks = _time_and_memory_checks(result, limit)
    if result.get("error"):
        checks.append(f"crashed after {result['wall']:.0f} s: {result['error'][:120]}")
    elif result["clocked"] is not None and result["clocked_done"] < result["clocked"]:
        checks.append(f"reached {result['clocked_done']} of {result['clocked']} running cases")
    if result.get("failed"):
        checks.append(f"{result['failed']} cases failed")
    return _set_verdict(result, checks)


def print_cron(results):
    notes = []
    head = (
        f"{'cron run':<44} | {'wall s':>7} {'SQL s':>7} {'py CPU s':>8} {'queries':>8} | {'peak RSS':>9} {'(start)':>9} | "
        f"{'cases reached':>15} {'activities':>10} {'mails':>6} | result"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['label']:<44} | {r['wall']:>7.1f} {r['sql']:>7.1f} {r['cpu']:>8.1f} {r['queries']:>8} | "
            f"{r['peak_rss'] / 2**20:>5.0f} MiB {r['rss_before'] / 2**20:>5.0f} MiB | "
            f"{r['clocked_done']:>7}/{r['clocked'] or '?':<7} {r['activities_created'] or 0:>10} "
            f"{r['mails_created'] or 0:>6} | "
            f"{r['verdict']}"
        )
        if r["label"].endswith("*"):
            notes.append("* the first run was rolled back: its flags, warnings and escalations were set by SQL")
        if r["mode"] == "trigger" and r.get("loops") is not None:
            print(
                f"{'':<44}   {r.get('job_runs', 1)} job run(s); ir.cron.progress: {r['loops']} loop(s), "
                f"done {r['progress_done']}, "
                f"remaining {r['progress_remaining']}; highest case id reached {r['last_id_done']}"
            )
    for note in notes:
        print(note)


def judge_recompute(result):
    checks = [result["error"]] if result.get("error") else []
    checks += _time_and_memory_checks(result, CRON_MAX_S)
    if result.get("left_provisional"):
        checks.append(f"{result['left_provisional']} cases still provisional")
    return _set_verdict(result, checks)


def print_outcome(failures):
    """The last lines of a run; its exit status when nothing broke the setup."""
    if failures:
        print("qi-benchmark: FAILED")
        for failure in failures:
            print("  - " + failure)
        return 1
    print("qi-benchmark: all checks passed")
    return 0
