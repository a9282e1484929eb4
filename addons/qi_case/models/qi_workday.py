import datetime
import functools
import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, models
from odoo.tools import format_date

from odoo.addons.qi_window.tools.china import recipient_env, recipient_lang
from odoo.addons.qi_window.tools.cron import batches, isolated
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.messages import insert_log_messages

from .qi_case_supervision import DIGEST_MAX_LINES

_logger = logging.getLogger(__name__)

# the fields computed from the working-day calendar, in dependency order
_CALENDAR_FIELDS = ("date_accept_due", "date_deadline", "deadline_provisional")


def _date_formatter(env, lang):
    """format_date in ``lang``, once per distinct date: tens of thousands of
    deadlines share a few dozen dates."""
    return functools.cache(lambda value: format_date(env, value, lang_code=lang) or "-")


class QiWorkday(models.AbstractModel):
    _inherit = "qi.workday"

    @api.model
    def _official_data_arrived(self, years):
        result = super()._official_data_arrived(years)
        self.env["qi.case"]._recompute_provisional(years)
        return result


class QiCase(models.Model):
    _inherit = "qi.case"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    @api.model
    def _recompute_provisional(self, years, batch_size=2000):
        """Official data arrived for ``years``: recompute every open case whose dates
        were provisional (P-TL-1). A deadline that moves is logged on the case for the
        service object, in its language, and each handler gets one digest in theirs.
        A case that fails is logged on that case; the others go on."""
        # sudo: official calendar data concerns the cases of every window; the administrator
        # (or the cron) entering it may not read them all, and only calendar dates change
        Case = self.sudo().with_context(qi_case_internal=FLOW, mail_notrack=True, mail_notify_force_send=False)
        case_ids = Case.search([("is_open", "=", True), ("deadline_provisional", "=", True)], order="id").ids
        fields_ = [Case._fields[name] for name in _CALENDAR_FIELDS]
        first_day = datetime.date(min(years), 1, 1)
        moved_total, digests, notices = 0, defaultdict(list), defaultdict(list)

        def recompute(cases):
            try:
                cases._recompute_calendar_fields(fields_, first_day)
            except Exception:
                for field in fields_:  # nothing of a failed try is left to compute
                    self.env.remove_to_compute(field, cases)
                raise

        # the digests and notices are sent at the end: no progress commit in between
        for ids in batches(self.env, case_ids, batch_size, progress=False, invalidate=True):
            batch = Case.browse(ids)
            batch.fetch(["date_deadline", "date_accept_due", "stage_code"])
            before = {case.id: (case.date_deadline, case.date_accept_due) for case in batch}
            _results, errors = isolated(batch, recompute, _logger, "QI provisional recompute failed for case %s")
            for case, error in errors.items():
                case.message_post(
                    body=self.env._("The deadline could not be recomputed with the official calendar: %s", error),
                    subtype_xmlid="mail.mt_note",
                )
            done = batch - Case.concat(*errors)
            moved = done.filtered(
                lambda c, before=before: (
                    before[c.id][0] != c.date_deadline
                    or (c.stage_code == "new" and before[c.id][1] != c.date_accept_due)
                )
            )
            moved._log_deadline_moved(before, years, notices)
            for case in moved:
                if case.user_id:
                    digests[(case.window_id.id, case.user_id.id)].append((case.id, before[case.id][0]))
            moved_total += len(moved)
        Case._send_moved_digests(digests, years)
        Case._send_enterprise_notices(notices, years)
        _logger.info("Provisional recompute for %s: %s case(s), %s moved", years, len(case_ids), moved_total)
        return moved_total

    def _recompute_calendar_fields(self, fields_, first_day=None):
        """Recompute the calendar fields; an acceptance day before ``first_day`` (the
        first day of the years whose data changed) counted only days before it, which
        did not change, and stays as it is."""
        for field in fields_:
            records = self
            if first_day and field.name == "date_accept_due":
                records = self.filtered(lambda c: not c.date_accept_due or c.date_accept_due >= first_day)
            self.env.add_to_compute(field, records)
        self._recompute_recordset([field.name for field in fields_])
        self.flush_recordset([field.name for field in fields_])

    def _log_deadline_moved(self, before, years, notices):
        """The log on each case, addressed to its service object in its language and
        shown in the portal, written in bulk (``insert_log_messages``): a notice may
        move tens of thousands of deadlines, and ``mail.message.create`` costs about a
        millisecond a message. The e-mail to the service object is one per enterprise
        (``notices``, sent by _send_enterprise_notices)."""
        if not self:
            return
        years_text = ", ".join(str(year) for year in years)
        logs = []
        # the service object's language, Chinese when unknown; once per enterprise
        lang_of = functools.cache(lambda partner: recipient_lang(self.env, partner))
        for lang, cases in self.grouped(lambda c: lang_of(c.partner_id)).items():
            env = cases.with_context(lang=lang).env
            date_text = _date_formatter(env, lang)
            intro = env._(
                "The official working-day calendar of %(years)s is now known: the dates of case %(case)s, "
                "computed provisionally, are recomputed.",
                years=years_text,
                case="%(case)s",
            )
            deadline_line = env._("Deadline: %(old)s → %(new)s", old="%(old)s", new="%(new)s")
            accept_line = env._("Acceptance due: %(old)s → %(new)s", old="%(old)s", new="%(new)s")
            for case in cases:
                old_deadline, old_accept = before[case.id]
                lines = []
                if old_deadline != case.date_deadline:
                    lines.append(deadline_line % {"old": date_text(old_deadline), "new": date_text(case.date_deadline)})
                if case.stage_code == "new" and old_accept != case.date_accept_due:
                    lines.append(accept_line % {"old": date_text(old_accept), "new": date_text(case.date_accept_due)})
                # every piece escaped (C-level escape: Markup's % costs more, per case)
                items = "".join(f"<li>{escape(line)}</li>" for line in lines)
                body = Markup(f"<p>{escape(intro.replace('%(case)s', case.name))}</p><ul>{items}</ul>")
                logs.append((case.id, body, case.partner_id.ids))
                if case.partner_id:
                    notices[case.partner_id.id].append((case.id, ", ".join(lines)))
        # the messages only repeat their new dates to each case's own service object;
        # the cases were recomputed by the system (see _recompute_provisional)
        insert_log_messages(self.env, self._name, logs, tag="qi-calendar")

    @api.model
    def _send_enterprise_notices(self, notices, years):
        """One e-mail per service object, in its language, listing its cases whose dates moved."""
        if not notices:
            return
        years_text = ", ".join(str(year) for year in years)
        # sudo: the service objects' addresses and languages, to tell them of their own cases
        partners = self.env["res.partner"].sudo().browse(list(notices))
        cases = {case.id: case for case in self.browse([cid for rows in notices.values() for cid, _l in rows])}
        email_from = self.env.company.email_formatted or self.env.user.email_formatted
        mails = []
        for partner in partners:
            if not partner.email:
                continue
            env = recipient_env(self.env, partner)
            subject = env._("The deadlines of your cases follow the official calendar of %s", years_text)
            # every piece escaped (C-level escape: Markup's % costs more, per line)
            items = "".join(
                f"<li>{escape(cases[case_id].name)} {escape(cases[case_id].subject)}: {escape(line)}</li>"
                for case_id, line in notices[partner.id]
            )
            mails.append(
                {
                    "subject": subject,
                    "body_html": Markup(f"<p>{escape(subject)}</p><ul>{items}</ul>"),
                    "email_from": email_from,
                    "recipient_ids": [(4, partner.id)],
                    "auto_delete": True,
                }
            )
        # sudo: queued e-mails of the recompute, sent by the mail queue
        self.env["mail.mail"].sudo().create(mails)

    @api.model
    def _send_moved_digests(self, digests, years):
        """One message per window and handler listing their cases whose deadline moved."""
        years_text = ", ".join(str(year) for year in years)
        for (window_id, user_id), rows in digests.items():
            user = self.env["res.users"].browse(user_id)
            env = recipient_env(self.env, user)  # the handler's language
            lang = env.lang
            window = env["qi.window"].browse(window_id)
            date_text = _date_formatter(env, lang)
            subject = env._(
                "%(count)s deadline(s) of %(window)s moved with the official calendar of %(years)s",
                count=len(rows),
                window=window.name,
                years=years_text,
            )
            # a digest is read by a person: the first cases, then the count of the others
            shown = rows[:DIGEST_MAX_LINES]
            cases = self.browse([case_id for case_id, _old in shown])
            items = Markup("").join(
                Markup("<li><a href='/odoo/qi.case/%s'>%s</a> %s: %s → %s</li>")
                % (
                    case.id,
                    case.name,
                    case.subject,
                    date_text(old),
                    date_text(case.date_deadline),
                )
                for case, (_case_id, old) in zip(cases, shown, strict=True)
            )
            if len(rows) > len(shown):
                items += Markup("<li>%s</li>") % env._(
                    "… and %(count)s more cases of %(window)s: each one's new dates are logged on it",
                    count=len(rows) - len(shown),
                    window=window.name,
                )
            window.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<p>%s</p><ul>%s</ul>") % (subject, items),
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )
