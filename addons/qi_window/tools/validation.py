"""Input checks shared by every qi_* addon (one place, one message)."""

import re

from odoo.exceptions import ValidationError
from odoo.tools.mail import single_email_re

# Mainland numbers as a window publishes them: mobiles, landlines with area
# code and optional extension, 400/800 numbers and short public hotlines
# (12345 government, 12315 market supervision, 96xxx service lines).
_PHONE_RE = re.compile(
    r"^(?:\+?86[-\s]?)?(?:"
    r"1[3-9]\d{9}"
    r"|0\d{2,3}[-\s]?(?:\d{7,8}(?:[-\s]?(?:ext\.?|x|转)\s?\d{1,6})?|1\d{4}|9\d{4,5})"
    r"|[48]00[-\s]?\d{3}[-\s]?\d{4}"
    r"|1\d{4}|9\d{4,5}"
    r")$",
    re.IGNORECASE,
)


def is_valid_phone(value):
    return bool(_PHONE_RE.match((value or "").strip()))


def is_valid_email(value):
    return bool(single_email_re.match((value or "").strip()))


def check_phone(env, value, label):
    """Raise a translated ValidationError unless ``value`` is empty or a valid phone."""
    if value and not is_valid_phone(value):
        raise ValidationError(
            env._(
                '%(field)s "%(value)s" is not a valid phone number. Use a mobile number '
                "(13812345678), a landline with area code (0335-1234567, extension allowed), "
                "a 400/800 number or a public hotline such as 12345.",
                field=label,
                value=value,
            )
        )


def check_email(env, value, label):
    """Raise a translated ValidationError unless ``value`` is empty or one valid e-mail."""
    if value and not is_valid_email(value):
        raise ValidationError(
            env._(
                '%(field)s "%(value)s" is not a valid e-mail address (expected name@example.cn).',
                field=label,
                value=value,
            )
        )
