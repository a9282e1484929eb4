"""Batch helpers for scheduled actions of the qi_* addons."""


def commit_progress(env, processed=0, remaining=None):
    """Report progress and commit when running as a scheduled action.

    ``ir.cron._commit_progress`` commits even outside a cron, which would
    commit half of a user's transaction (and is forbidden in tests); called
    directly (button, test, shell) the work stays in the caller's transaction.
    Returns the time left for the run, as ``_commit_progress`` does.
    """
    if env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    return float("inf")
