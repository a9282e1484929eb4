"""Chatter logs written in bulk by the suite's own flows.

``mail.message.create`` costs about a millisecond a message: it sanitises
each body and updates the cached message lists of every model that has a
chatter. A flow that logs on tens of thousands of records at once (a year's
official calendar moving every provisional deadline) writes its logs here
instead, in one INSERT per chunk, with the columns ``mail.message.create``
itself would write for such a log. Only for bodies the flow built itself as
``Markup``, every value in them escaped: nothing is sanitised here.
"""

from markupsafe import Markup

from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

CHUNK = 1000


def insert_log_messages(env, model, logs, *, subtype_xmlid="mail.mt_comment", internal=False, tag="qi-log"):
    """Insert one comment per ``(res_id, body, partner_ids)`` of ``logs`` on
    records of ``model``, authored like ``mail.thread`` would author it, with
    its own Message-Id and the batch's reply-to. Returns the new message ids."""
    if not logs:
        return []
    for _res_id, body, _partners in logs:
        if not isinstance(body, Markup):
            raise TypeError("insert_log_messages takes bodies built as Markup only")
    author_id, email_from = env["mail.thread"]._message_compute_author(None, None)
    # one reply-to for the whole batch, as mail.thread._message_log_batch does
    reply_to = env["mail.thread"]._notify_get_reply_to(default=email_from, author_id=author_id)[False]
    # the columns every message of the batch shares
    shared = {
        "subtype_id": env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid),
        "is_internal": internal,
        "author_id": author_id,
        "email_from": email_from,
        "reply_to": reply_to,
        "now": env.cr.now(),
        "uid": env.uid,
    }
    env["mail.message"].flush_model()
    message_ids = []
    for start in range(0, len(logs), CHUNK):
        chunk = logs[start : start + CHUNK]
        ids = _insert_messages(env, model, chunk, shared, tag)
        _insert_recipients(env, ids, chunk)
        message_ids += ids
    # the records' message lists in the cache no longer match the database
    env["mail.message"].invalidate_model()
    env[model].invalidate_model(["message_ids"])
    return message_ids


def _insert_messages(env, model, chunk, shared, tag):
    """Insert the messages of ``chunk`` in one INSERT; their ids, in its order."""
    now, uid = shared["now"], shared["uid"]
    rows = [
        SQL(
            "(%s, %s, 'comment', %s, %s, %s, %s, %s, %s, %s, %s, TRUE, FALSE, %s, %s, %s, %s)",
            model,
            res_id,
            shared["subtype_id"],
            shared["is_internal"],
            shared["author_id"],
            shared["email_from"],
            shared["reply_to"],
            generate_tracking_message_id(tag),
            str(body),
            now,
            uid,
            now,
            uid,
            now,
        )
        for res_id, body, _partners in chunk
    ]
    env.cr.execute(
        SQL(
            """INSERT INTO mail_message (model, res_id, message_type, subtype_id, is_internal, author_id,
                                     email_from, reply_to, message_id, body, date, email_add_signature,
                                     reply_to_force_new, create_uid, create_date, write_uid, write_date)
           VALUES %s RETURNING id""",
            SQL(", ").join(rows),
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def _insert_recipients(env, message_ids, chunk):
    """Link each new message of ``chunk`` to the partners of its log."""
    recipients = [
        SQL("(%s, %s)", message_id, partner_id)
        for message_id, (_res_id, _body, partners) in zip(message_ids, chunk, strict=True)
        for partner_id in partners
    ]
    if recipients:
        env.cr.execute(
            SQL(
                "INSERT INTO mail_message_res_partner_rel (mail_message_id, res_partner_id) VALUES %s",
                SQL(", ").join(recipients),
            )
        )
