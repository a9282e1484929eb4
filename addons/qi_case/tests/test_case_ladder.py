from datetime import date, datetime

from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.qi_window.tools.flow import FLOW

from .test_case_clock import ClockCommon

# China dates of the run: each at 09:00 in Asia/Shanghai (01:00 UTC)
DAYS = [
    "2026-12-02",
    "2026-12-03",
    "2026-12-04",
    "2026-12-07",
    "2026-12-08",
    "2026-12-09",
    "2026-12-10",
    "2026-12-11",
    "2026-12-14",
    "2026-12-15",
]


@tagged("post_install", "-at_install")
class TestWarningLadder(ClockCommon):
    """P-TL-7 红黄牌: yellow, red and 督办 fire once each, on the right working
    days, to the right people, with one digest per recipient and day, each in
    the recipient's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amr = cls.env["res.partner"].create({"name": "Test Market Regulation Bureau", "is_company": True})
        cls.window_a.coordination_partner_id = cls.amr
        cls.coordinator.partner_id.parent_id = cls.amr
        # another department's coordinator: not this window's
        cls.other_coordinator = new_test_user(
            cls.env, "case_coordinator_other", groups="qi_window.group_qi_coordinator"
        )
        cls.other_coordinator.partner_id.parent_id = cls.env["res.partner"].create(
            {"name": "Other Bureau", "is_company": True}
        )
        # the partners' new parents may carry their own language: the recipients' are set last
        cls.coordinator.write({"lang": "zh_CN"})
        cls.leader.write({"lang": "en_US"})
        # the demo cases have their own people; keep today's runs to the cases of the test
        cls.env["qi.case"].search([("is_open", "=", True)]).with_context(qi_case_internal=FLOW).write(
            {"supervised_date": date(2099, 1, 1)}
        )  # the leader reads English: digests follow each recipient

    def _run(self, day):
        with freeze_time(f"{day} 01:00:00"):
            self.env["qi.case"].with_user(self.leader)._cron_supervise()

    def _type(self, xmlid):
        return self.env.ref(xmlid)

    def test_yellow_red_supervision_fire_once_each(self):
        # 2026-11-16 + 15 working days: due Monday 2026-12-07
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        case.action_accept()
        self.assertEqual(case.date_deadline, date(2026, 12, 7))
        Message = self.env["mail.message"]
        partners = (self.staff_a | self.leader | self.coordinator | self.other_coordinator).partner_id
        # the ladder's chases and digests; the same nightly run may also suggest a
        # call-in (约谈) from the demo ratings of October and November, which is not the ladder
        ladder = [("partner_ids", "in", partners.ids), ("model", "!=", "qi.rating.call.in")]
        seen = Message.search(ladder)
        log = {}
        for day in DAYS:
            self._run(day)
            new = Message.search(ladder) - seen
            seen |= new
            log[day] = (case.warning_level, sorted((m.partner_ids & partners).mapped("name") for m in new))
        staff, leader, coord = self.staff_a.name, self.leader.name, self.coordinator.name
        self.assertEqual(
            log,
            {
                "2026-12-02": ("none", []),
                "2026-12-03": ("yellow", [[staff]]),  # due within 2 working days
                "2026-12-04": ("yellow", []),
                "2026-12-07": ("yellow", []),
                "2026-12-08": ("red", [[leader], [staff]]),  # first red day: one digest each
                "2026-12-09": ("red", []),
                "2026-12-10": ("red", []),
                "2026-12-11": ("red", [[coord]]),  # 3 working days red: 督办
                "2026-12-14": ("red", []),
                "2026-12-15": ("red", []),
            },
        )
        self.assertEqual(case.date_red, date(2026, 12, 8))
        self.assertEqual(case.ladder_step, "supervision")
        # the supervision board filters and groups by level, as the handler sees it
        Case = self._as(self.env["qi.case"], self.staff_a)
        self.assertEqual(Case.search([("warning_level", "=", "red"), ("window_id", "=", self.window_a.id)]), case)
        self.assertEqual(
            dict(Case._read_group([("window_id", "=", self.window_a.id)], ["warning_level"], ["__count"])),
            {"red": 1},
        )
        acts = case.activity_ids
        chase = acts.filtered(lambda a: a.activity_type_id == self._type("qi_case.mail_activity_type_case_deadline"))
        red = acts.filtered(lambda a: a.activity_type_id == self._type("qi_case.mail_activity_type_case_escalation"))
        supervision = acts.filtered(
            lambda a: a.activity_type_id == self._type("qi_case.mail_activity_type_case_supervision")
        )
        self.assertEqual((len(chase), chase.user_id), (1, self.staff_a))
        self.assertEqual((len(red), red.user_id), (2, self.staff_a | self.leader))
        self.assertEqual((len(supervision), supervision.user_id), (1, self.coordinator))
        # each in its recipient's language
        self.assertIn("催办：", chase.summary)
        self.assertIn("催办通知：", red.filtered(lambda a: a.user_id == self.staff_a).summary)
        self.assertIn("Chase notice", red.filtered(lambda a: a.user_id == self.leader).summary)
        self.assertIn("督办：", supervision.summary)
        digest = Message.search([("partner_ids", "in", self.coordinator.partner_id.ids), ("model", "=", "qi.window")])
        self.assertIn("今日需关注", digest.subject)
        self.assertIn(case.name, digest.body)
        leader_digest = Message.search(
            [
                ("partner_ids", "in", self.leader.partner_id.ids),
                ("model", "=", "qi.window"),
                ("res_id", "=", self.window_a.id),
            ]
        )
        self.assertIn("need attention today", leader_digest.subject)

    def test_one_digest_per_recipient_and_day_across_windows(self):
        """A leader of two windows gets one digest a day, listing both windows' cases."""
        case_a = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        case_b = self._case(
            user=self.staff_b,
            user_id=self.staff_b.id,
            window_id=self.window_b.id,
            date_received=datetime(2026, 11, 16, 2, 0),
        )
        case_a.action_accept()
        case_b.action_accept()
        Message = self.env["mail.message"]
        before = Message.search([("partner_ids", "in", self.leader.partner_id.ids)])
        self._run("2026-12-08")
        received = Message.search([("partner_ids", "in", self.leader.partner_id.ids)]) - before
        self.assertEqual(len(received), 1)
        self.assertIn(case_a.name, received.body)
        self.assertIn(case_b.name, received.body)
        self.assertEqual((case_a.warning_level, case_b.warning_level), ("red", "red"))

    def test_extension_moves_the_case_back_and_the_ladder_restarts_for_the_new_deadline(self):
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        case.action_accept()
        self._run("2026-12-03")
        self.assertEqual((case.warning_level, case.ladder_step), ("yellow", "yellow"))
        with freeze_time("2026-12-04 01:00:00"):
            extension = self._as(self.env["qi.case.extension"], self.staff_a).create(
                {"case_id": case.id, "days": 5, "reason": "型式试验"}
            )
            self._as(extension, self.leader).action_approve()
        self._run("2026-12-04")
        self.assertEqual(case.warning_level, "none")
        self._run("2026-12-14")  # due 2026-12-14: yellow again, for the new deadline
        chases = case.activity_ids.filtered(
            lambda a: a.activity_type_id == self._type("qi_case.mail_activity_type_case_deadline")
        )
        self.assertEqual(len(chases), 2)

    def test_ladder_settings_are_read(self):
        self.env["ir.config_parameter"].set_param("qi_case.warning_working_days", 5)
        self.env["ir.config_parameter"].set_param("qi_case.supervision_red_working_days", 1)
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        case.action_accept()
        self._run("2026-11-30")  # 5 working days before 12-07
        self.assertEqual(case.warning_level, "yellow")
        self._run("2026-12-08")
        self._run("2026-12-09")
        self.assertEqual(case.ladder_step, "supervision")

    def test_finished_case_leaves_the_ladder(self):
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 16, 2, 0))
        case.action_accept()
        self._run("2026-12-08")
        self.assertEqual(case.warning_level, "red")
        with freeze_time("2026-12-09 01:00:00"):
            case.write({"stage_id": case._stage("cancelled").id, "close_reason": "企业撤回"})
        self.assertEqual(case.warning_level, "none")
