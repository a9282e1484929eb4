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
# the activity each step of the ladder gives its recipients
LADDER_ACTIVITY_TYPES = {
    "yellow": "qi_case.mail_activity_type_case_deadline",
    "red": "qi_case.mail_activity_type_case_escalation",
    "supervision": "qi_case.mail_activity_type_case_supervision",
}


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
        run cut by its time box, or killed, resumes where it stopped instead of
        starting over. The digests go out once the day's last case is supervised,
        from the activities still waiting for one (``_pending_reminders``): one per
        recipient and day however many calls the day took."""
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
        reached = 0
        for ids in batches(self.env, case_ids, batch_size, invalidate=True):
            _results, errors = isolated(
                Case.browse(ids),
                lambda cases: self._supervise(cases, today, warn_limit),
                _logger,
                "QI supervision failed for case %s",
            )
            if errors:
                broken = Case.concat(*errors)
                failed |= broken
                self._log_errors(broken, errors, today)
            reached += len(ids)
        if reached == len(case_ids):  # not stopped by the time box: the day's supervision is done
            self._send_pending_digests()
        Rating = self.env["qi.case.rating"]
        Rating._remind_unrated(today)
        Rating._give_default_ratings(today)
        # bad reviews whose callback or fix is past its deadline show as late
        Rating._update_follow_up_states()
        Rating._suggest_call_ins(today)
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
        the per-activity e-mail: each recipient gets one digest a day, all in the
        recipient's language; until it is sent, each activity waits for it
        (``qi_digest_pending``, committed with the batch). Returns ``[((user, step), case)]``."""
        red_days = int_param(self.env, "qi_case.supervision_red_working_days", 3, minimum=0)
        types = {step: self.env.ref(xmlid).id for step, xmlid in LADDER_ACTIVITY_TYPES.items()}
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
                        "qi_digest_pending": True,
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
    def _pending_reminders(self):
        """The activities of the ladder no digest told yet, and ``{(user id, step): [case
        ids]}`` for ``_send_digests``. Read from the database rather than kept by the run:
        the batches of a run killed or cut by its time box committed their activities, and
        the call that finishes the day tells them too."""
        steps = {self.env.ref(xmlid).id: step for step, xmlid in LADDER_ACTIVITY_TYPES.items()}
        # sudo: the supervision's own outbox, whoever runs it; each recipient is told only
        # of the activities given to them
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [("qi_digest_pending", "=", True), ("res_model", "=", "qi.case")],
                ["res_id", "user_id", "activity_type_id"],
                order="id",
            )
        )
        reminders = defaultdict(dict)  # a dict keeps the order and each case once
        for activity in activities:
            step = steps.get(activity.activity_type_id.id)
            if step and activity.user_id:
                reminders[activity.user_id.id, step][activity.res_id] = True
        return activities, {key: list(case_ids) for key, case_ids in reminders.items()}

    @api.model
    def _send_pending_digests(self):
        """Each recipient's digest of the ladder's steps not told yet; in the same
        transaction, the activities are marked told."""
        activities, reminders = self._pending_reminders()
        self._send_digests(reminders)
        activities.write({"qi_digest_pending": False})

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
