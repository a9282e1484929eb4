"""Deletion guards of the qi_* addons."""

import functools

from odoo import api

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


def deletion_guard(method):
    """``@api.ondelete`` for a guard that must hold against every caller.

    Odoo skips ``at_uninstall=False`` checks whenever the context carries its
    uninstall flag (``_force_unlink``), and an RPC caller chooses its context:
    with that key, a user who may delete some records would pass every guard.
    Here the guard is skipped only by the uninstall itself, which runs as
    superuser; any other caller is checked.
    """

    @functools.wraps(method)
    def guard(self):
        if self.env.su and self.env.context.get(MODULE_UNINSTALL_FLAG):
            return None
        return method(self)

    return api.ondelete(at_uninstall=True)(guard)
