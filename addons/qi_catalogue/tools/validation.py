"""USCC helpers shared by the qi_* addons that identify organisations (GB 32100-2015):
the check that models run, and valid codes for demo data, benchmarks and tests."""

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

from odoo.exceptions import ValidationError


def normalize_uscc(value):
    """The compact form of a USCC (no spaces or dashes, upper case), or False."""
    if not value:
        return False
    return uscc.compact(value) or False


def is_valid_uscc(value):
    """Whether ``value`` is a valid USCC (spaces and dashes aside), without saying why not."""
    return bool(value) and uscc.is_valid(value)


def make_uscc(seed, prefix="91130302MA0"):
    """A valid USCC, for demo data, benchmarks and tests.

    ``seed`` is either the code's first 17 characters, to which the check
    character (the 18th) is added, or a number: then the 17 characters are
    ``prefix`` (registration authority, organisation kind, division code and
    the start of the organisation code), the number padded with zeros, and
    "T". Different numbers give different codes.
    """
    if isinstance(seed, int):
        seed = f"{prefix}{seed:0{16 - len(prefix)}d}T"
    base = uscc.compact(seed)
    try:
        code = base + uscc.calc_check_digit(base)
    except ValueError:  # a character outside GB 32100's alphabet (I, O, S, V, Z)
        code = None
    if len(base) != 17 or not is_valid_uscc(code):
        raise ValueError(
            f"no USCC can be made from {seed!r}: 17 characters are needed, the first 8 digits, "
            "the others digits or capital letters other than I, O, S, V and Z"
        )
    return code


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
        reason = env._("it has %(count)s characters, a USCC has exactly 18", count=len(uscc.compact(value)))
    except stdnum_exceptions.InvalidFormat:
        reason = env._(
            "the first 8 characters must be digits and the others digits or capital letters other than I, O, S, V and Z"
        )
    except stdnum_exceptions.InvalidChecksum:
        reason = env._("the check character (the 18th) does not match the first 17: look for a typing mistake")
    else:
        return
    raise ValidationError(
        env._(
            'The Unified Social Credit Code "%(code)s" of %(holder)s is not valid: %(reason)s.',
            code=value,
            holder=holder,
            reason=reason,
        )
    )
