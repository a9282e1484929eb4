from contextlib import contextmanager
from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import QiCaseCommon

# 2026-11-02 10:00 in Asia/Shanghai, a Monday; November 2026 has no public holiday
RECEIVED = datetime(2026, 11, 2, 2, 0)


class ClockCommon(QiCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        (cls.staff_a | cls.staff_a2 | cls.staff_b | cls.leader | cls.coordinator).write(
            {"lang": "zh_CN", "tz": "Asia/Shanghai"}
        )

    def _pause(self, case, user, date_start, date_end, reason_kind="testing", reason="型式试验"):
        """The clock of ``case`` paused by ``user`` (P-TL-4)."""
        return self._as(self.env["qi.case.pause"], user).create(
            {
                "case_id": case.id,
                "reason_kind": reason_kind,
                "reason": reason,
                "date_start": date_start,
                "date_end": date_end,
            }
        )

    @contextmanager
    def _refused(self, exception, text):
        """assertRaises (which rolls the attempt back, as a request would) and the message says ``text``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    @staticmethod
    def _as(records, user):
        """``records`` as ``user`` sees them in the web client: their language and time zone."""
        return records.with_user(user).with_context(lang=user.lang, tz=user.tz)

    def _events(self, case):
        return case.clock_event_ids.mapped("kind")


@tagged("post_install", "-at_install")
class TestLegalClock(ClockCommon):
    """The legal clock of 《行政许可法》: 补正 in time (P-TL-2), pauses (P-TL-4),
    extensions (P-TL-3), one log with its legal basis."""

    def test_no_correction_notice_in_time_means_complete_at_receipt(self):
        """P-TL-2: materials not checked and no 补正 notice within 5 working days:
        the materials count as complete from receipt, and the case says so."""
        case = self._case(date_received=RECEIVED, materials_state="incomplete")
        self.assertEqual(case.date_correction_due, date(2026, 11, 9))
        self.assertFalse(case.date_deadline, "the clock waits for the check of the materials")
        Case = self._as(self.env["qi.case"], self.leader)
        with freeze_time("2026-11-09 15:00:00"):  # 23:00 in China, the last day of the notice
            Case._cron_supervise()
            self.assertEqual(case.materials_state, "incomplete")
        with freeze_time("2026-11-09 16:30:00"):  # 00:30 on 2026-11-10 in China: too late
            Case._cron_supervise()
            self.assertEqual(case.materials_state, "complete")
            self.assertTrue(case.materials_deemed_complete)
            self.assertEqual(case.date_materials_complete, date(2026, 11, 2), "complete from receipt")
            # 15 working days from the receipt, not from the day it was noticed
            self.assertEqual(case.date_deadline, date(2026, 11, 23))
            self.assertEqual(self._events(case), ["received", "deemed_complete"])
            deemed = self._as(case.clock_event_ids, self.staff_a).filtered(lambda e: e.kind == "deemed_complete")
            self.assertIn("第三十二条", deemed.legal_basis)
            # a notice sent now is refused, with the reason, and the clock keeps running
            self._as(case, self.staff_a).correction_missing = "营业执照副本"
            with self._refused(UserError, "补正告知应于2026-11-09前发出"):
                self._as(case, self.staff_a).action_materials_incomplete()
        self.assertEqual(case.date_deadline, date(2026, 11, 23))

    def test_a_late_notice_does_not_stop_a_running_clock(self):
        case = self._case(date_received=RECEIVED, correction_missing="营业执照副本")
        with freeze_time("2026-11-10 02:00:00"), self.assertRaises(UserError):
            self._as(case, self.staff_a).action_materials_incomplete()
        self.assertEqual(case.materials_state, "complete")
        self.assertEqual(case.date_deadline, date(2026, 11, 23))
        self.assertEqual(self._events(case), ["received", "materials_complete"])

    def test_notice_in_time_stops_the_clock_and_is_told_all_at_once(self):
        case = self._case(date_received=RECEIVED)
        with freeze_time("2026-11-09 02:00:00"):  # the last day
            with self._refused(UserError, "一次性告知"):
                self._as(case, self.staff_a).action_materials_incomplete()
            self._as(case, self.staff_a).correction_missing = "1. 计量器具清单；2. 上次检定证书"
            before = case.message_ids
            self._as(case, self.staff_a).action_materials_incomplete()
            self.assertFalse(case.date_deadline)
            self.assertEqual(case.date_correction_notice, date(2026, 11, 9))
            told = (case.message_ids - before).filtered(lambda m: self.enterprise in m.partner_ids)
            self.assertEqual(len(told), 1)
            self.assertIn("上次检定证书", told.body)
            with self.assertRaises(UserError):  # asked once, all at once
                self._as(case, self.staff_a).action_materials_incomplete()
        with freeze_time("2026-11-12 02:00:00"):
            self._as(self.env["qi.case"], self.leader)._cron_supervise()
            self.assertFalse(case.materials_deemed_complete, "the notice was sent in time")
            self._as(case, self.staff_a).action_materials_complete()
            self.assertEqual(case.date_materials_complete, date(2026, 11, 12))
        self.assertEqual(
            self._events(case), ["received", "materials_complete", "correction_sent", "materials_complete"]
        )

    def test_three_working_day_pause_moves_the_deadline_three_working_days(self):
        """P-TL-4: a pause across the month end, from Friday to Wednesday."""
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        self._as(case, self.staff_a).action_accept()
        self.assertEqual(case.date_deadline, date(2026, 12, 7))
        with freeze_time("2026-11-27 02:00:00"):
            pause = self._pause(case, self.staff_a, "2026-11-27", "2026-12-02")
        self.assertEqual(pause.working_days, 3)
        self.assertEqual(case.paused_days, 3)
        self.assertEqual(case.date_deadline, date(2026, 12, 10), "Mon 12-07 + 3 working days")
        with freeze_time("2026-12-03 02:00:00"):
            self._as(self.env["qi.case"], self.leader)._cron_supervise()
            # 13 working days since 11-16, of which 3 were paused
            self.assertEqual(case.days_used, 10)
            self.assertEqual(pause.state, "ended")
        self.assertEqual(self._events(case), ["received", "materials_complete", "paused", "resumed"])
        resumed = case.clock_event_ids.filtered(lambda e: e.kind == "resumed")
        self.assertEqual(resumed.date, date(2026, 12, 2))
        self.assertIn("第四十五条", self._as(resumed, self.staff_a).legal_basis)
        # the dates of a pause are not rewritten by hand
        with self.assertRaises(AccessError):
            self._as(pause, self.staff_a).write({"date_end": "2026-12-20"})

    def test_pause_ended_early_and_capped(self):
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        self._as(case, self.staff_a).action_accept()
        Pause = self._as(self.env["qi.case.pause"], self.staff_a)
        with freeze_time("2026-11-27 02:00:00"):
            pause = Pause.create(
                {
                    "case_id": case.id,
                    "reason_kind": "expert_review",
                    "reason": "专家评审",
                    "date_start": "2026-11-27",
                    "date_end": "2026-12-04",
                }
            )
            self.assertEqual(pause.working_days, 5)
        with freeze_time("2026-11-30 02:00:00"):
            pause.action_resume()
        self.assertEqual((pause.date_end, pause.working_days, pause.state), (date(2026, 11, 30), 1, "ended"))
        self.assertEqual(case.date_deadline, date(2026, 12, 8))
        self.env["ir.config_parameter"].set_param("qi_case.pause_max_working_days", 4)
        with freeze_time("2026-12-01 02:00:00"):
            with self._refused(ValidationError, "最多"):
                Pause.create(
                    {
                        "case_id": case.id,
                        "reason_kind": "hearing",
                        "reason": "听证",
                        "date_start": "2026-12-01",
                        "date_end": "2026-12-07",
                    }
                )  # 4 more: 5 in all
            with self.assertRaises(ValidationError):  # overlaps the first
                Pause.create(
                    {
                        "case_id": case.id,
                        "reason_kind": "hearing",
                        "reason": "听证",
                        "date_start": "2026-11-27",
                        "date_end": "2026-11-30",
                    }
                )
        self.assertEqual(case.paused_days, 1, "nothing of the refused pauses is kept")
        with freeze_time("2026-12-09 02:00:00"), self._refused(UserError, "截止"):
            Pause.create(
                {
                    "case_id": case.id,
                    "reason_kind": "hearing",
                    "reason": "听证",
                    "date_start": "2026-12-09",
                    "date_end": "2026-12-10",
                }
            )

    def test_a_pause_stays_in_the_clock_log(self):
        """P-TL-4: neither the staff who paused the clock nor the leader delete a pause."""
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        self._as(case, self.staff_a).action_accept()
        with freeze_time("2026-11-27 02:00:00"):
            pause = self._pause(case, self.staff_a, "2026-11-27", "2026-12-02")
        for user in (self.staff_a, self.leader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._as(pause, user).unlink()
        self.assertEqual((case.pause_ids, case.paused_days), (pause, 3))

    def test_extension_asked_after_expiry_is_refused(self):
        """P-TL-3: asked before expiry only, capped at 10 working days, approved
        by the leader, its reason told to the enterprise, logged."""
        case = self._case(user_id=self.staff_a.id, date_received=RECEIVED)
        self._as(case, self.staff_a).action_accept()
        Extension = self._as(self.env["qi.case.extension"], self.staff_a)
        with freeze_time("2026-11-24 02:00:00"), self._refused(UserError, "已过"):
            Extension.create({"case_id": case.id, "days": 5, "reason": "检测周期较长"})
        self.assertFalse(case.extension_ids)
        with freeze_time("2026-11-20 02:00:00"):
            first = Extension.create({"case_id": case.id, "days": 8, "reason": "需补充开展型式试验"})
            with self._refused(UserError, "10个工作日"):
                Extension.create({"case_id": case.id, "days": 3, "reason": "再延"})
            before = case.message_ids
            self._as(first, self.leader).action_approve()
        self.assertEqual(case.date_deadline, date(2026, 12, 3))
        told = (case.message_ids - before).filtered(lambda m: self.enterprise in m.partner_ids)
        self.assertIn("需补充开展型式试验", told.body)
        extended = case.clock_event_ids.filtered(lambda e: e.kind == "extended")
        self.assertEqual((extended.date, extended.deadline), (date(2026, 11, 20), date(2026, 12, 3)))
        self.assertIn("第四十二条", self._as(extended, self.staff_a).legal_basis)

    def test_case_runs_on_the_committed_limit(self):
        item = self.env["qi.service.item"].create(
            {
                "name": "Type approval",
                "code": "T-3",
                "category_id": self.category.id,
                "statutory_limit_days": 20,
                "time_limit_days": 12,
            }
        )
        case = self._case(date_received=RECEIVED, item_ids=[(6, 0, item.ids)])
        self.assertEqual((case.time_limit_days, case.statutory_limit_days), (12, 20))
        self.assertEqual(case.date_deadline, self.env["qi.workday"].add_working_days(date(2026, 11, 2), 12))

    def test_clock_log_is_the_flow_s_own_and_stays_in_its_window(self):
        case = self._case(date_received=RECEIVED)
        event = case.clock_event_ids[:1]
        Event = self.env["qi.case.clock.event"]
        with self.assertRaises(AccessError):
            self._as(Event, self.staff_a).create({"case_id": case.id, "kind": "completed", "date": "2026-11-03"})
        with self.assertRaises(AccessError):
            self._as(event, self.leader).write({"date": "2026-11-01"})
        with self.assertRaises(AccessError):
            self._as(event, self.leader).unlink()
        self.assertEqual(self._as(Event, self.staff_a).search([("case_id", "=", case.id)]), case.clock_event_ids)
        self.assertFalse(self._as(Event, self.staff_b).search([("case_id", "=", case.id)]))
        with self.assertRaises(AccessError):
            self._as(self.env["qi.case.pause"], self.staff_b).create(
                {
                    "case_id": case.id,
                    "reason_kind": "testing",
                    "reason": "x",
                    "date_start": "2026-11-03",
                    "date_end": "2026-11-05",
                }
            )

    def test_completed_is_logged(self):
        case = self._case(user_id=self.staff_a.id, date_received=RECEIVED)
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        with freeze_time("2026-11-20 02:00:00"):
            case.action_complete()
        completed = case.clock_event_ids.filtered(lambda e: e.kind == "completed")
        self.assertEqual(completed.date, date(2026, 11, 20))


@tagged("post_install", "-at_install")
class TestLegalClockPortal(HttpCase):
    """P-TL-4: the enterprise sees the pauses and the clock log in the portal."""

    def test_enterprise_sees_pause_and_clock_log(self):
        env = self.env
        env["res.lang"]._activate_lang("zh_CN")
        staff = new_test_user(env, "clock_staff", groups="qi_window.group_qi_user", tz="Asia/Shanghai", lang="zh_CN")
        window = env["qi.window"].create(
            {"name": "Clock Window", "code": "C-CL", "staff_ids": [(0, 0, {"user_id": staff.id})]}
        )
        enterprise = env["res.partner"].create({"name": "Clock Glass Co.", "is_company": True})
        portal = new_test_user(
            env,
            "clock_portal",
            groups="base.group_portal",
            password="clock_portal-pwd-123",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        portal.partner_id.parent_id = enterprise
        category = env["qi.service.category"].create({"name": "Clock Cat", "code": "C-CL"})
        item = env["qi.service.item"].create(
            {"name": "Clock item", "code": "C-CL-1", "category_id": category.id, "time_limit_days": 15}
        )
        case = (
            env["qi.case"]
            .with_user(staff)
            .create(
                {
                    "subject": "Pressure gauges",
                    "partner_id": enterprise.id,
                    "window_id": window.id,
                    "item_ids": [(6, 0, item.ids)],
                    "user_id": staff.id,
                }
            )
        )
        today = fields.Date.context_today(case.with_user(staff))
        env["qi.case.pause"].with_user(staff).create(
            {
                "case_id": case.id,
                "reason_kind": "testing",
                "reason": "送省质检院型式试验",
                "date_start": today,
                "date_end": today + timedelta(days=5),
            }
        )
        self.authenticate(portal.login, "clock_portal-pwd-123")
        response = self.url_open(f"/my/qi/cases/{case.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("送省质检院型式试验", response.text)
        self.assertIn("第四十五条", response.text)
        self.assertIn("第三十二条", response.text)
