"""Batch helpers for scheduled actions of the qi_* addons."""


class _CronRunToken:
    __slots__ = ()

    def __repr__(self):
        return "<qi cron run>"


# Put in the context by ``ir.cron._callback`` (models/ir_cron.py) around the
# job's server action. Like FLOW, JSON cannot carry it: a caller who sends
# ``ir_cron_progress_id``, ``cron_id`` or ``cron_end_time`` in an RPC context
# does not get the cron's commits nor its superuser write on ir.cron.progress.
CRON_RUN = _CronRunToken()
CRON_RUN_KEY = "qi_cron_run"


def in_cron_run(env):
    """True only inside a job the scheduler (or "Run Manually") started."""
    return env.context.get(CRON_RUN_KEY) is CRON_RUN


def commit_progress(env, processed=0, remaining=None):
    """Report progress and commit when running as a scheduled action.

    ``ir.cron._commit_progress`` commits even outside a cron, which would
    commit half of a user's transaction (and is forbidden in tests); called
    directly (button, RPC, test, shell) the work stays in the caller's
    transaction, whatever context keys the caller sent.
    Returns the time left for the run, as ``_commit_progress`` does.
    """
    if in_cron_run(env) and env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    return float("inf")


def batches(env, items, size, progress=True, invalidate=False):
    """Yield ``items`` (a recordset or a list) in slices of ``size``.

    After each slice, as a scheduled action, the progress is committed
    (``commit_progress``) and the iteration stops when the run's time is up:
    the next run goes on with what is left. ``progress=False`` never commits,
    for work whose results are only told at the end. ``invalidate`` empties
    the record cache after each slice, which would otherwise grow with every
    batch of a large run.
    """
    if progress:
        commit_progress(env, remaining=len(items))
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        yield batch
        if invalidate:
            env.invalidate_all()
        if progress and not commit_progress(env, len(batch)):
            return


def isolated(records, work, logger, message):
    """Run ``work(records)`` so that one broken record does not stop the others.

    Several records are tried together in one savepoint; if that fails, each
    record is tried alone in its own. A record that fails is logged with
    ``message % record.display_name`` and left out.
    Returns ``(results, errors)``: what each successful call of ``work``
    returned, and ``{record: error}`` for the records that failed.
    """
    if len(records) > 1:
        try:
            with records.env.cr.savepoint():
                return [work(records)], {}
        except Exception:  # pylint: disable=except-pass  # replayed record by record below, each failure logged there
            pass
    results, errors = [], {}
    for record in records:
        try:
            with records.env.cr.savepoint():
                results.append(work(record))
        except Exception as error:  # one broken record must not stop the others
            logger.exception(message, record.display_name)
            errors[record] = error
    return results, errors
