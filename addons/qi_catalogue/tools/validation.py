"""USCC check shared by the qi_* addons that identify organisations (GB 32100-2015)."""

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

from odoo.exceptions import ValidationError


def normalize_uscc(value):
    """The compact form of a USCC (no spaces or dashes, upper case), or False."""
    if not value:
        return False
    return uscc.compact(value) or False


def check_uscc(env, value, holder):
    """Raise a translated ValidationError unless ``value`` is empty or a valid USCC.

    The message says what is wrong (length, characters or check character) so
    that the user can fix a typing mistake.
    """
    if not value:
        return
    try:
        uscc.validate(value)
    except stdnum_exceptions.InvalidLength:
        reason = env._(
            "it has %(count)s characters, a USCC has exactly 18", count=len(uscc.compact(value))
        )
    except stdnum_exceptions.InvalidFormat:
        reason = env._(
            "the first 8 characters must be digits and the others digits or capital letters "
            "other than I, O, S, V and Z"
        )
    except stdnum_exceptions.InvalidChecksum:
        reason = env._(
            "the check character (the 18th) does not match the first 17: look for a typing mistake"
        )
    else:
        return
    raise ValidationError(
        env._(
            "The Unified Social Credit Code \"%(code)s\" of %(holder)s is not valid: %(reason)s.",
            code=value,
            holder=holder,
            reason=reason,
        )
    )
