"""Settings of the suite (ir.config_parameter) read one way.

An unset setting means its default. ``get_param(key)`` without a default
answers False, and ``int(False)`` is 0: a threshold then silently becomes its
minimum. A value that is not a whole number also falls back to the default
(and is logged) instead of breaking a cron or a public page.
"""

import logging

_logger = logging.getLogger(__name__)


def int_param(env, key, default, minimum=None):
    """The setting ``key`` as an integer, ``default`` when unset or invalid,
    never below ``minimum``."""
    # sudo: the suite's settings are not secret; callers only read numbers
    raw = env["ir.config_parameter"].sudo().get_param(key)
    value = default
    if raw not in (False, None, ""):
        try:
            value = int(str(raw).strip())
        except ValueError:
            _logger.warning("Setting %s = %r is not a whole number: %s is used.", key, raw, default)
    if minimum is not None:
        value = max(value, minimum)
    return value


def bool_param(env, key):
    """The setting ``key`` as a boolean: unset, empty, "0" and "False" are off
    (a Boolean settings field stores "True" or removes the key)."""
    # sudo: the suite's settings are not secret; callers only read a switch
    raw = env["ir.config_parameter"].sudo().get_param(key)
    return str(raw or "").strip().lower() not in ("", "0", "false")
