import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.cron import batches, isolated
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param

_logger = logging.getLogger(__name__)

# cases listed per ladder step in a recipient's daily digest; the others are counted
DIGEST_MAX_LINES = 100
# P-TL-7: how far the 红黄牌 ladder went for a deadline
LADDER_ORDER = {False: 0, "yellow": 1, "red": 2, "supervision": 3}


class QiCaseSupervision(models.AbstractModel):
    """The daily supervision of open cases (R-7.3.2, R-7.3.3): days used and
    overdue flags refreshed, the 红黄牌 ladder (P-TL-7) fired once per step and
    deadline, one digest per recipient, unrated cases reminded. A service, as
    ``qi.catalogue.matcher`` is: it keeps no records of its own."""

    _name = "qi.case.supervision"
    _description = "QI Case Supervision"

    @api.model
    def _run(self, batch_size=2000):
        """Supervise every open case not yet supervised today; returns the cases
        that failed. A case that fails is said on the case and skipped, the rest
        go on. Each case is marked with the day it was supervised, so a scheduled
        run cut by its time box resumes where it stopped instead of starting over."""
        today = china_today()
        warn_limit = self._warn_limit(today)
        self.env["qi.case.pause"]._end_due_pauses(today)
        # only the flow's bookkeeping (days used, flags, levels, ladder steps) is written
        # here: no tracking snapshot and no follower lookup on each of those writes
        # (tracking_disable skips both; a handler never changes here)
        Case = self.env["qi.case"].with_context(qi_case_internal=FLOW, mail_notrack=True, tracking_disable=True)
        case_ids = Case.search(
            [("is_open", "=", True), "|", ("supervised_date", "=", False), ("supervised_date", "<", today)],
            order="id",
        ).ids
        failed = Case.browse()
        reminders = defaultdict(list)
        for ids in batches(self.env, case_ids, batch_size, invalidate=True):
            results, errors = isolated(
                Case.browse(ids),
                lambda cases: self._supervise(cases, today, warn_limit),
                _logger,
                "QI supervision failed for case %s",
            )
            for key, case in (reminder for result in results for reminder in result):
                reminders[key].append(case.id)
            if errors:
                broken = Case.concat(*errors)
                failed |= broken
                self._log_errors(broken, errors, today)
        self._send_digests(reminders)
        self.env["qi.case.rating"]._remind_unrated(today)
        return failed

    @api.model
    def _warn_limit(self, today):
        """The last day a deadline counts as "due soon" (P-TL-7's yellow card)."""
        warn_days = int_param(self.env, "qi_case.warning_working_days", 2, minimum=0)
        try:
            return self.env["qi.workday"].add_working_days(today, warn_days)
        except UserError:
            # the calendar refusing one date must not stop the supervision of every case
            _logger.exception("QI supervision: no working-day limit for warnings, calendar days used")
            return today + timedelta(days=warn_days)

    @api.model
    def _supervise(self, cases, today, warn_limit):
        cases._deem_materials_complete(today)
        cases._update_clock(today, {"supervised_date": today})
        cases._update_overdue(today)
        cases._update_warning_level(today, warn_limit)
        return self._ladder_reminders(cases, today)

    @api.model
    def _log_errors(self, cases, errors, today):
        """Failed cases are retried tomorrow, not by every call of today's run; the
        problem is said on the case itself, where its handler sees it."""
        cases.write({"supervised_date": today})
        for case in cases:
            error = errors[case]
            message = error.args[0] if isinstance(error, UserError) and error.args else repr(error)
            case.message_post(
                body=self.env._("The daily supervision could not process this case today: %s", message),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # the 红黄牌 ladder (P-TL-7)
    # ------------------------------------------------------------------
    @api.model
    def _ladder_step(self, case, today, red_days, coordinators):
        """The step ``case`` is due for and who gets it: yellow, a chase (催办) to the
        handler; first red day, a chase notice (催办通知) to the handler and the window
        leader; after M working days red, supervision (督办) by the coordination
        department. Each step fires once per deadline."""
        deadline = case.date_deadline or case.date_accept_due
        done = LADDER_ORDER[case.ladder_step] if case.ladder_deadline == deadline else 0
        if case.warning_level == "yellow" and done < 1 and case.user_id:
            return "yellow", case.user_id
        if case.warning_level == "red" and done < 2:
            return "red", case.user_id | case.window_id.leader_id
        if (
            case.warning_level == "red"
            and done < 3
            and self.env["qi.workday"].count_working_days(case.date_red, today) >= red_days
        ):
            window = case.window_id
            if window not in coordinators:
                coordinators[window] = window._qi_coordination_users()
            return "supervision", coordinators[window]
        return False, self.env["res.users"]

    @api.model
    def _ladder_reminders(self, cases, today):
        """The activities of the ladder's steps due today, created at once and without
        the per-activity e-mail: each recipient gets one digest a day (``_send_digests``),
        all in the recipient's language. Returns ``[((user, step), case)]`` for it."""
        red_days = int_param(self.env, "qi_case.supervision_red_working_days", 3, minimum=0)
        types = {
            "yellow": self.env.ref("qi_case.mail_activity_type_case_deadline").id,
            "red": self.env.ref("qi_case.mail_activity_type_case_escalation").id,
            "supervision": self.env.ref("qi_case.mail_activity_type_case_supervision").id,
        }
        model_id = self.env["ir.model"]._get_id("qi.case")
        coordinators, langs = {}, {}
        vals_list, reminders, fired = [], [], defaultdict(list)
        for case in cases.filtered(lambda c: c.warning_level != "none"):
            step, users = self._ladder_step(case, today, red_days, coordinators)
            if not (step and users):
                continue
            for user in users:
                if user.lang not in langs:  # the recipient's language, and its reasons, once per run
                    in_lang = cases.with_env(recipient_env(self.env, user))
                    langs[user.lang] = (
                        in_lang,
                        dict(cases._fields["overdue_reason"]._description_selection(in_lang.env)),
                    )
                in_lang, reasons = langs[user.lang]
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        # given, not computed: mail.activity would otherwise precompute the
                        # model through a new record and read the name back, per activity
                        "res_model": "qi.case",
                        "res_name": case.display_name,
                        "res_id": case.id,
                        "activity_type_id": types[step],
                        "date_deadline": today if step != "yellow" else case.date_deadline,
                        "summary": self._ladder_summary(case.with_env(in_lang.env), step, reasons),
                        "user_id": user.id,
                    }
                )
                reminders.append(((user.id, step), case))
            fired[step, case.date_deadline or case.date_accept_due].append(case.id)
        if not vals_list:
            return []
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        for (step, deadline), ids in fired.items():
            cases.browse(ids).write({"ladder_step": step, "ladder_deadline": deadline})
        return reminders

    @api.model
    def _ladder_summary(self, case, step, reasons):
        """The activity's summary, in the language of ``case.env`` (the recipient's)."""
        if step == "yellow":
            return case.env._(
                "Chase (催办): %(case)s is due on %(deadline)s, report the result back",
                case=case.name,
                deadline=case.date_deadline,
            )
        reason = reasons.get(case.overdue_reason, "")
        if step == "red":
            return case.env._(
                "Chase notice (催办通知): %(case)s is overdue (%(reason)s)", case=case.name, reason=reason
            )
        return case.env._(
            "Supervision (督办): %(case)s of %(window)s is overdue since %(since)s (%(reason)s)",
            case=case.name,
            window=case.window_id.name,
            since=case.date_red,
            reason=reason,
        )

    @api.model
    def _send_digests(self, reminders):
        """One message per recipient for the day's ladder steps, in the recipient's language."""
        by_user = defaultdict(lambda: defaultdict(list))
        for (user_id, step), case_ids in reminders.items():
            by_user[user_id][step] += case_ids
        for user_id, steps in by_user.items():
            user = self.env["res.users"].browse(user_id)
            Case = self.env["qi.case"].with_env(recipient_env(self.env, user))
            all_cases = Case.browse([cid for ids in steps.values() for cid in ids])
            windows = all_cases.window_id
            subject = Case.env._("%(count)s case(s) need attention today", count=len(set(all_cases.ids)))
            if len(windows) == 1:
                subject = Case.env._(
                    "%(count)s case(s) of %(window)s need attention today",
                    count=len(set(all_cases.ids)),
                    window=windows.name,
                )
            # one window: the digest sits on it; several: a notification of no record
            thread = windows.with_context(lang=Case.env.lang) if len(windows) == 1 else self.env["qi.window"]
            thread.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<p>%s</p>%s") % (subject, self._digest_sections(Case, steps)),
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )

    @api.model
    def _digest_sections(self, Case, steps):
        """A digest is read by a person: per step, the first cases, then the count of
        the others and the supervision board, which lists and filters them all."""
        headings = {
            "yellow": Case.env._("Due soon, chase (催办)"),
            "red": Case.env._("Overdue, chase notice (催办通知)"),
            "supervision": Case.env._("Overdue, supervision (督办)"),
        }
        sections = Markup("")
        for step in ("yellow", "red", "supervision"):
            if not steps.get(step):
                continue
            shown = steps[step][:DIGEST_MAX_LINES]
            lines = Markup("").join(
                Markup("<li><a href='/odoo/qi.case/%s'>%s</a> %s %s</li>")
                % (case.id, case.name, case.subject, case.window_id.name)
                for case in Case.browse(shown)
            )
            more = len(steps[step]) - len(shown)
            if more:
                lines += Markup(
                    "<li><a href='/odoo/action-qi_case.qi_case_action_supervision'>%s</a></li>"
                ) % Case.env._("… and %(count)s more: see the Supervision board", count=more)
            sections += Markup("<p><b>%s</b></p><ul>%s</ul>") % (headings[step], lines)
        return sections
