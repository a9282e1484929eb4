"""China's dates, whoever acts.

Odoo derives "today" from the acting user's time zone: the mail gateway and
the crons run as ``__system__`` (often Europe/Brussels), the public user has
none (UTC). A window in China counts its days in China: every date the suite
derives comes from here, in the window's time zone (Asia/Shanghai unless the
window says otherwise).
"""

import datetime

import pytz

from odoo import fields

CHINA_TZ = "Asia/Shanghai"


def china_tz(window=None):
    """The time zone of ``window`` (a qi.window record or None)."""
    return (window and window[:1].tz) or CHINA_TZ


def china_date(value, window=None):
    """The date in China of ``value``, a UTC datetime as Odoo stores it."""
    if not value:
        return False
    value = fields.Datetime.to_datetime(value)
    return pytz.utc.localize(value).astimezone(pytz.timezone(china_tz(window))).date()


def china_today(window=None):
    """Today in China (in the window's time zone)."""
    return china_date(fields.Datetime.now(), window)


def china_datetime(day, at=datetime.time.min, window=None):
    """The UTC datetime (naive, as Odoo stores it) of ``at`` o'clock on ``day`` in China."""
    local = pytz.timezone(china_tz(window)).localize(datetime.datetime.combine(day, at))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def china_bounds(date_from, date_to, window=None):
    """``(start, end)``: the UTC datetimes of the start of ``date_from`` and of the
    day after ``date_to`` in China, for ``start <= value < end`` domains."""
    return china_datetime(date_from, window=window), china_datetime(date_to + datetime.timedelta(days=1), window=window)


def china_format(value, window=None):
    """``value``, a UTC datetime as Odoo stores it, written in China's time."""
    value = fields.Datetime.to_datetime(value)
    return pytz.utc.localize(value).astimezone(pytz.timezone(china_tz(window))).strftime("%Y-%m-%d %H:%M:%S")


CHINA_LANG = "zh_CN"


def china_lang(env):
    """The language of a service object whose language is unknown (an e-mail
    sender, a visitor of the public form): Chinese when it is installed."""
    return CHINA_LANG if CHINA_LANG in dict(env["res.lang"].get_installed()) else False


def recipient_lang(env, partner):
    """The language a message to ``partner`` is written in: his own, else Chinese
    (an installed language only: Odoo refuses to render in another one)."""
    installed = dict(env["res.lang"].get_installed())
    lang = partner and partner[:1].lang
    if lang in installed:
        return lang
    return china_lang(env) or env.context.get("lang") or "en_US"


def recipient_env(env, recipient):
    """``env`` in the language of ``recipient`` (a res.users or res.partner):
    a message, an activity or a digest is written in its reader's language,
    not in the language of whoever (or whichever cron) writes it."""
    # sudo: only the recipient's language code is read; a portal user who triggers
    # a message (an archive request, a rating) cannot read the leader's partner
    recipient = recipient.sudo()
    partner = recipient.partner_id if recipient._name == "res.users" else recipient
    return env(context=dict(env.context, lang=recipient_lang(env, partner)))
