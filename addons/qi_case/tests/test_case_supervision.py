from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.qi_case.models.qi_case_supervision import QiCaseSupervision
from odoo.addons.qi_window.tools.flow import FLOW

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseSupervision(QiCaseCommon):
    """R-7.3.2, R-7.3.3: the daily supervision warns, escalates once, marks overdue."""

    def _activities(self, case, xmlid):
        return case.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def test_warn_then_escalate_once(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        # protected fields are written by the flow itself, also without superuser mode
        Case = self.env["qi.case"].with_user(self.leader)
        self.assertFalse(Case.env.su)
        with freeze_time("2026-10-20 09:00:00"):  # 2 working days before 2026-10-22
            Case._cron_supervise()
            Case._cron_supervise()
            warnings = self._activities(case, "qi_case.mail_activity_type_case_deadline")
            self.assertEqual(len(warnings), 1)
            self.assertEqual(warnings.user_id, self.staff_a)
            self.assertFalse(case.is_overdue)
        with freeze_time("2026-10-23 09:00:00"):
            Case._cron_supervise()
            Case._cron_supervise()
            self.assertTrue(case.is_overdue)
            self.assertEqual(case.overdue_reason, "not_completed")
            escalations = self._activities(case, "qi_case.mail_activity_type_case_escalation")
            # P-TL-7: the chase notice goes to the handler and the window leader, once each
            self.assertEqual(len(escalations), 2)
            self.assertEqual(escalations.user_id, self.leader | self.staff_a)
            self.assertEqual(len(self._activities(case, "qi_case.mail_activity_type_case_deadline")), 1)
            self.assertEqual(case.days_used, 16)

    def test_not_accepted_in_time_is_overdue(self):
        case = self._case()
        with freeze_time("2026-09-28 15:30:00"):  # 23:30 in Beijing, the due day
            self.env["qi.case"]._cron_supervise()
            self.assertFalse(case.is_overdue, "acceptance is due on 2026-09-28 itself")
        with freeze_time("2026-09-29 09:00:00"):
            self.env["qi.case"]._cron_supervise()
            self.assertTrue(case.is_overdue)
            self.assertEqual(case.overdue_reason, "not_accepted")
            case.action_accept()
            self.assertFalse(case.is_overdue, "accepted late, but the completion clock is still fine")

    def test_failing_case_does_not_stop_the_others(self):
        first = self._case(user_id=self.staff_a.id, subject="Breaks")
        second = self._case(user_id=self.staff_a.id, subject="Works")
        with freeze_time("2026-09-26 09:00:00"):
            (first | second).action_accept()
        original = QiCaseSupervision._supervise

        def flaky(supervision, cases, today, warn_limit):
            if "Breaks" in cases.mapped("subject"):
                raise ValueError("simulated failure")
            return original(supervision, cases, today, warn_limit)

        with (
            freeze_time("2026-10-23 09:00:00"),
            patch.object(QiCaseSupervision, "_supervise", flaky),
            self.assertLogs("odoo.addons.qi_case.models.qi_case_supervision", level="ERROR"),
        ):
            failed = self.env["qi.case"]._cron_supervise()
        self.assertIn(first, failed)
        self.assertNotIn(second, failed)
        self.assertTrue(second.is_overdue)
        self.assertFalse(first.is_overdue)

    def test_completed_late_stays_overdue(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        with freeze_time("2026-10-26 09:00:00"):
            case.action_complete()
        self.assertFalse(case.completed_on_time)
        self.assertTrue(case.is_overdue)
        self.assertEqual(case.days_used, 17)

    def test_run_cut_by_its_time_box_resumes_where_it_stopped(self):
        """A scheduled run stops when its time is up; the next call goes on with
        the cases not reached yet instead of starting again from the first."""
        cases = self.env["qi.case"]
        with freeze_time("2026-09-26 09:00:00"):
            for subject in ("First", "Second", "Third"):
                cases |= self._case(user_id=self.staff_a.id, subject=subject)
            cases.action_accept()
        # the demo cases are supervised already today: the batches are ours
        self.env["qi.case"].search([("is_open", "=", True), ("id", "not in", cases.ids)]).with_context(
            qi_case_internal=FLOW
        ).write({"supervised_date": date(2026, 10, 23)})
        calls = []

        def out_of_time(env, processed=0, remaining=None):
            calls.append((processed, remaining))
            return 0.0

        with freeze_time("2026-10-23 09:00:00"), patch("odoo.addons.qi_window.tools.cron.commit_progress", out_of_time):
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.assertEqual(cases.mapped("is_overdue"), [True, False, False])
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.assertEqual(cases.mapped("is_overdue"), [True, True, False])
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.assertTrue(all(cases.mapped("is_overdue")))
            self.assertEqual(set(cases.mapped("supervised_date")), {date(2026, 10, 23)})
            # the day is done: a fourth call finds nothing left
            self.env["qi.case"]._cron_supervise(batch_size=1)
        # each call announces what is left of the day, then does one batch
        self.assertEqual(calls, [(0, 3), (1, None), (0, 2), (1, None), (0, 1), (1, None), (0, 0)])
        escalations = cases.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref("qi_case.mail_activity_type_case_escalation")
                and a.user_id == self.leader
            )
        )
        self.assertEqual(len(escalations), 3, "each case escalated once")

    def test_day_cut_into_calls_sends_one_digest_with_every_case(self):
        """A day of supervision done in several calls (the scheduler's time box, or a
        run killed after some batches committed and started again) tells each
        recipient once, when the day's last case is supervised, of every case
        escalated that day, also those of the calls before; nothing is told twice."""
        cases = self.env["qi.case"]
        with freeze_time("2026-09-26 09:00:00"):
            for subject in ("Late one", "Late two", "Late three"):
                cases |= self._case(user_id=self.staff_a.id, subject=subject)
            cases.action_accept()
        self.env["qi.case"].search([("is_open", "=", True), ("id", "not in", cases.ids)]).with_context(
            qi_case_internal=FLOW
        ).write({"supervised_date": date(2026, 10, 23)})
        Message = self.env["mail.message"]
        people = (self.leader | self.staff_a).partner_id
        before = Message.search([("partner_ids", "in", people.ids)])

        def received(user):
            return (Message.search([("partner_ids", "in", people.ids)]) - before).filtered(
                lambda m: user.partner_id in m.partner_ids
            )

        def out_of_time(env, processed=0, remaining=None):
            return 0.0

        with freeze_time("2026-10-23 09:00:00"), patch("odoo.addons.qi_window.tools.cron.commit_progress", out_of_time):
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.assertFalse(received(self.leader) | received(self.staff_a), "no digest before the day is done")
            self.assertEqual(len(cases.activity_ids), 4, "two cases escalated, to the handler and the leader")
            self.env["qi.case"]._cron_supervise(batch_size=1)
            self.env["qi.case"]._cron_supervise(batch_size=1)  # nothing left: nothing told again
        for user in (self.leader, self.staff_a):
            digest = received(user)
            self.assertEqual(len(digest), 1, f"one digest for {user.name}")
            self.assertIn("3 ", digest.subject)
            for case in cases:
                self.assertIn(case.name, digest.body)
        self.assertEqual(len(cases.activity_ids), 6, "each case escalated once to each of them")
        self.assertFalse(cases.activity_ids.filtered("qi_digest_pending"), "every activity told")

    def test_leader_gets_one_digest_not_one_mail_per_case(self):
        with freeze_time("2026-09-26 09:00:00"):
            cases = self._case(user_id=self.staff_a.id, subject="Late one") | self._case(
                user_id=self.staff_a.id, subject="Late two"
            )
            cases.action_accept()
        Message = self.env["mail.message"]
        before = Message.search([("partner_ids", "in", self.leader.partner_id.ids)])
        with freeze_time("2026-10-23 09:00:00"):
            self.env["qi.case"]._cron_supervise()
        escalations = cases.activity_ids.filtered(lambda a: a.user_id == self.leader)
        self.assertEqual(len(escalations), 2)
        received = Message.search([("partner_ids", "in", self.leader.partner_id.ids)]) - before
        self.assertEqual(len(received), 1, "one digest for the window, not one mail per escalated case")
        self.assertEqual((received.model, received.res_id), ("qi.window", self.window_a.id))
        self.assertIn("Late one", received.body)
        self.assertIn("Late two", received.body)
        self.assertIn(cases[0].name, received.body)

    def test_digest_lists_the_first_cases_and_counts_the_others(self):
        """A digest is read by a person: past DIGEST_MAX_LINES cases per ladder
        step it counts the others and points at the Supervision board, which a
        first run over a whole city would otherwise fill with thousands of lines."""
        with freeze_time("2026-09-26 09:00:00"):
            cases = (
                self._case(user_id=self.staff_a.id, subject="Late one")
                | self._case(user_id=self.staff_a.id, subject="Late two")
                | self._case(user_id=self.staff_a.id, subject="Late three")
            )
            cases.action_accept()
        Message = self.env["mail.message"]
        before = Message.search([("partner_ids", "in", self.leader.partner_id.ids)])
        with (
            freeze_time("2026-10-23 09:00:00"),
            patch("odoo.addons.qi_case.models.qi_case_supervision.DIGEST_MAX_LINES", 2),
        ):
            self.env["qi.case"]._cron_supervise()
        received = Message.search([("partner_ids", "in", self.leader.partner_id.ids)]) - before
        self.assertEqual(len(received), 1)
        listed = [case for case in cases if case.name in received.body]
        self.assertEqual(len(listed), 2, "two cases listed, the third counted")
        self.assertIn("and 1 more", received.body)
        self.assertIn("qi_case_action_supervision", received.body)
        self.assertIn("3 case(s)", received.subject, "the subject counts every case")
        # every case still got its own activity
        self.assertEqual(len(cases.activity_ids.filtered(lambda a: a.user_id == self.leader)), 3)

    def test_kanban_progress_bar_counts_overdue_cases(self):
        with freeze_time("2026-09-26 09:00:00"):
            late = self._case(user_id=self.staff_a.id)
            late.action_accept()
            self._case(
                user_id=self.staff_a.id, subject="Fine", date_received=datetime(2026, 10, 20, 2, 0)
            ).action_accept()
        with freeze_time("2026-10-23 09:00:00"):
            self.env["qi.case"]._cron_supervise()
        bars = (
            self.env["qi.case"]
            .with_user(self.staff_a)
            .read_progress_bar(
                [("window_id", "=", self.window_a.id)],
                "stage_id",
                {
                    "field": "deadline_state",
                    "colors": {"on_time": "success", "not_accepted": "warning", "not_completed": "danger"},
                },
            )
        )
        accepted = bars[str(late.stage_id.id)] if str(late.stage_id.id) in bars else bars[late.stage_id.id]
        self.assertEqual(accepted["not_completed"], 1)
        self.assertEqual(accepted["on_time"], 1)
