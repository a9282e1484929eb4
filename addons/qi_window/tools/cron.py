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
