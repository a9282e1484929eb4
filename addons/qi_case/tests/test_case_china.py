from datetime import date, datetime

from odoo import Command
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon
from .test_case_intake import RAW

# 00:30 on 2026-12-02 in Beijing: still 2026-12-01 for __system__ (Europe/Brussels) and UTC
BEIJING_0030 = "2026-12-01 16:30:00"
# 00:30 on 2026-12-01 in Beijing, the first day of the month there
BEIJING_MONTH_START = "2026-11-30 16:30:00"


@tagged("post_install", "-at_install")
class TestCaseChina(QiCaseCommon):
    """A Chinese agency's first week: every message in its reader's language,
    every date in China's time, no demand lost (issue 17)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_chinese()
        # the window's people work in Chinese, in China; one colleague reads English
        (cls.staff_a | cls.leader).write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.staff_a2.write({"lang": "en_US", "tz": "Asia/Shanghai"})
        domain = cls.env["mail.alias.domain"].search([("name", "=", "qi-test.example.cn")]) or cls.env[
            "mail.alias.domain"
        ].create({"name": "qi-test.example.cn", "company_ids": [(4, cls.env.company.id)], "sequence": 1})
        cls.window_a.write({"alias_name": "qi-window-a", "alias_domain_id": domain.id})

    def _deliver(self, sender, message_id, subject="Calibration demand"):
        raw = RAW.format(
            sender=sender,
            sender_name="Li Lei",
            to="qi-window-a@qi-test.example.cn",
            subject=subject,
            message_id=message_id,
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            return self.env["qi.case"].browse(self.env["mail.thread"].message_process(None, raw))

    def _activity(self, case, xmlid):
        return case.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    # ------------------------------------------------------------------
    # dates in China's time, whoever acts
    # ------------------------------------------------------------------
    def test_mail_at_0030_beijing_counts_from_that_beijing_day(self):
        """The gateway runs as __system__: its day is not the window's."""
        with freeze_time(BEIJING_0030):
            case = self._deliver("quality@glass.example.cn", "<tz-1@glass.example.cn>")
        self.assertEqual(case.date_materials_complete, date(2026, 12, 2))
        self.assertEqual(case.date_accept_due, date(2026, 12, 3))

    def test_mail_at_month_start_in_beijing(self):
        with freeze_time(BEIJING_MONTH_START):
            case = self._deliver("quality@glass.example.cn", "<tz-2@glass.example.cn>")
        self.assertEqual(case.date_materials_complete, date(2026, 12, 1))
        self.assertEqual(case.date_accept_due, date(2026, 12, 2))

    def test_cron_after_midnight_in_beijing_sees_the_new_day(self):
        # received Monday 2026-11-30 10:00 in Beijing: to be accepted by Tuesday 12-01
        case = self._case(date_received=datetime(2026, 11, 30, 2, 0))
        self.assertEqual(case.date_accept_due, date(2026, 12, 1))
        with freeze_time(BEIJING_0030):
            self.env["qi.case"]._cron_supervise()
        self.assertTrue(case.is_overdue, "it is already Wednesday 12-02 in Beijing")
        self.assertEqual(case.overdue_reason, "not_accepted")

    def test_materials_arrive_after_midnight_in_beijing(self):
        case = self._case(user_id=self.staff_a.id, date_received=datetime(2026, 11, 30, 2, 0))
        # the 补正 notice names every missing material at once (P-TL-2)
        case.with_user(self.staff_a).write({"correction_missing": "营业执照副本"})
        case.with_user(self.staff_a).action_materials_incomplete()
        with freeze_time(BEIJING_0030):
            # a user without a time zone (the public user has none) acts for the case
            case.with_user(self.staff_a2).with_context(tz=False).action_materials_complete()
        self.assertEqual(case.date_materials_complete, date(2026, 12, 2))

    def test_window_time_zone_defaults_to_china(self):
        window = self.env["qi.window"].create({"name": "New Window", "code": "C-N"})
        self.assertEqual(window.tz, "Asia/Shanghai")
        with freeze_time(BEIJING_0030):
            self.assertEqual(window._qi_today(), date(2026, 12, 2))

    # ------------------------------------------------------------------
    # every demand becomes a case with its QI number
    # ------------------------------------------------------------------
    def test_two_mails_with_the_same_subject_make_two_numbered_cases(self):
        first = self._deliver("quality@glass.example.cn", "<same-1@glass.example.cn>", subject="报价咨询")
        second = self._deliver("boss@valves.example.cn", "<same-2@valves.example.cn>", subject="报价咨询")
        self.assertEqual(len(first | second), 2, "the second mail is a case too")
        for case in first | second:
            self.assertEqual(case.subject, "报价咨询")
            self.assertRegex(case.name, r"^QI\d{4}-\d+$", "an e-mail case gets a QI number like any case")

    def test_mail_from_an_address_the_case_refuses_is_kept(self):
        """An address the e-mail check refuses (no top-level domain) costs the
        address, never the demand."""
        case = self._deliver("lab@intranet", "<odd-address@intranet>")
        self.assertEqual(len(case), 1)
        self.assertFalse(case.email_from)
        self.assertIn("pressure gauges", case.description)

    # ------------------------------------------------------------------
    # messages in their recipient's language
    # ------------------------------------------------------------------
    def test_supervision_writes_each_activity_and_digest_in_its_readers_language(self):
        chinese = self._case(user_id=self.staff_a.id, subject="中文经办人")
        english = self._case(user_id=self.staff_a2.id, subject="English handler")
        (chinese | english).action_accept()
        with freeze_time("2026-10-20 09:00:00"):  # 2 working days before 2026-10-22
            self.env["qi.case"]._cron_supervise()
        self.assertEqual(
            self._activity(chinese, "qi_case.mail_activity_type_case_deadline").summary,
            f"催办：{chinese.name} 将于 2026-10-22 到期，请及时反馈办理结果",
        )
        self.assertEqual(
            self._activity(english, "qi_case.mail_activity_type_case_deadline").summary,
            f"Chase (催办): {english.name} is due on 2026-10-22, report the result back",
        )
        before = self.env["mail.message"].search([("model", "=", "qi.window")])
        with freeze_time("2026-10-23 09:00:00"):
            self.env["qi.case"]._cron_supervise()
        # the first red day (P-TL-7): a chase notice to the handler and the window leader
        escalation = self._activity(chinese, "qi_case.mail_activity_type_case_escalation").filtered(
            lambda a: a.user_id == self.leader
        )
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.summary, f"催办通知：{chinese.name} 已超期（未按期反馈结果）")
        digest = self.env["mail.message"].search(
            [
                ("model", "=", "qi.window"),
                ("id", "not in", before.ids),
                ("partner_ids", "in", self.leader.partner_id.ids),
            ]
        )
        self.assertEqual(len(digest), 1)
        self.assertIn("Case Window A", digest.subject)
        self.assertIn("有 2 件办件今日需关注", digest.subject)

    def _complete(self, case):
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        case.action_complete()

    def test_rating_request_and_reminder_in_the_enterprises_language(self):
        english_firm = self.env["res.partner"].create(
            {"name": "Harbour Trading Ltd", "is_company": True, "email": "buy@harbour.example.com", "lang": "en_US"}
        )
        self.enterprise.lang = False  # unknown: Chinese
        chinese = self._case(user_id=self.staff_a.id)
        english = self._case(user_id=self.staff_a.id, partner_id=english_firm.id)
        with freeze_time("2026-10-09 09:00:00"):
            # completed by an English-speaking colleague: the request still speaks Chinese
            self._complete(chinese.with_context(lang="en_US"))
            self._complete(english)
        request = chinese.message_ids.filtered(lambda m: "/my/qi/cases/" in (m.body or ""))
        self.assertEqual(len(request), 1)
        self.assertIn("请对我们的服务进行评价", request.body)
        self.assertIn(
            "Please rate our service", english.message_ids.filtered(lambda m: "/my/qi/cases/" in (m.body or "")).body
        )
        with freeze_time("2026-10-14 09:00:00"):
            self.env["qi.case"].with_context(lang="en_US")._cron_supervise()
        reminder = chinese.message_ids.filtered(lambda m: "/my/qi/cases/" in (m.body or "")) - request
        self.assertEqual(len(reminder), 1)
        self.assertIn("提醒", reminder.body)

    def test_extension_mail_in_the_enterprises_language(self):
        self.enterprise.lang = False  # e-mail intake and the public form know no language: Chinese
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        with freeze_time("2026-10-20 09:00:00"):
            extension = (
                self.env["qi.case.extension"]
                .with_user(self.staff_a2)
                .with_context(lang="en_US")
                .create({"case_id": case.id, "days": 5, "reason": "Extra tests"})
            )
            before = case.message_ids
            extension.with_user(self.leader).with_context(lang="en_US").action_approve()
        told = (case.message_ids - before).filtered(lambda m: self.enterprise in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("时限已延期", told.subject)
        self.assertNotIn("extended", told.subject)

    def test_unknown_sender_speaks_chinese(self):
        case = self._deliver("boss@new-factory.example.cn", "<lang-1@new-factory.example.cn>")
        self.assertTrue(case.partner_id.qi_unverified)
        self.assertEqual(case.partner_id.lang, "zh_CN")

    def test_odoo_activity_labels_are_chinese_on_every_qi_model(self):
        """Odoo names the inherited selection values after mail
        (mail.selection__qi_case__activity_state__overdue): no catalogue held
        them and Overdue / Today / Planned stayed English."""
        models = [name for name in self.env if name.startswith("qi.") and "activity_state" in self.env[name]._fields]
        self.assertIn("qi.case", models)
        for name in models:
            selection = dict(
                self.env[name].with_context(lang="zh_CN").fields_get(["activity_state"])["activity_state"]["selection"]
            )
            self.assertEqual(selection, {"overdue": "逾期", "today": "今天", "planned": "已安排"}, name)

    # ------------------------------------------------------------------
    # Odoo 19 and the service flow
    # ------------------------------------------------------------------
    def test_service_object_with_email_and_no_phone(self):
        """res.partner.mobile is gone in Odoo 19: the onchange read it."""
        no_phone = self.env["res.partner"].create(
            {"name": "Mail-only Ltd", "is_company": True, "email": "info@mail-only.example.cn"}
        )
        form = Form(self.env["qi.case"].with_user(self.staff_a))
        form.subject = "Only an e-mail"
        form.window_id = self.window_a
        form.partner_id = no_phone
        self.assertEqual(form.email_from, "info@mail-only.example.cn")
        self.assertFalse(form.contact_phone)
        form.partner_id = self.env["res.partner"].create({"name": "Phone Ltd", "phone": "0335-3031234"})
        self.assertEqual(form.contact_phone, "0335-3031234")
        self.assertTrue(form.save())

    def _extension(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        extension = (
            self.env["qi.case.extension"]
            .with_user(self.staff_a)
            .create({"case_id": case.id, "days": 5, "reason": "Extra tests"})
        )
        todo = self._activity(case, "mail.mail_activity_data_todo").filtered(lambda a: a.user_id == self.leader)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.summary, f"审批 {case.name} 的延期申请", "in the leader's language")
        return case, extension, todo

    def test_approving_an_extension_closes_the_leaders_todo(self):
        with freeze_time("2026-10-20 09:00:00"):
            case, extension, todo = self._extension()
            extension.with_user(self.leader).action_approve()
        self.assertFalse(todo.active, "the to-do is done")
        self.assertFalse(self._activity(case, "mail.mail_activity_data_todo"))
        done = case.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(len(done), 1, "Odoo's 'activity done' message is in the chatter")

    def test_refusing_an_extension_closes_the_leaders_todo(self):
        with freeze_time("2026-10-20 09:00:00"):
            case, extension, todo = self._extension()
            extension.with_user(self.leader).action_refuse()
        self.assertFalse(todo.active)
        self.assertFalse(self._activity(case, "mail.mail_activity_data_todo"))

    def test_extension_decided_by_a_manager_closes_the_leaders_todo(self):
        manager = new_test_user(self.env, "case_manager_2", groups="qi_window.group_qi_manager")
        with freeze_time("2026-10-20 09:00:00"):
            case, extension, todo = self._extension()
            extension.with_user(manager).action_refuse()
        self.assertFalse(todo.active)

    # ------------------------------------------------------------------
    # settings: unset means the default
    # ------------------------------------------------------------------
    def test_unset_settings_mean_their_defaults(self):
        Param = self.env["ir.config_parameter"]
        for key in (
            "qi_case.public_satisfaction_min_ratings",
            "qi_case.acceptance_working_days",
            "qi_case.default_time_limit_days",
        ):
            Param.set_param(key, False)  # deletes the parameter
        Rating = self.env["qi.case.rating"]
        self.assertEqual(Rating._get_public_min_ratings(), 3, "the README's default")
        case = self._case(item_ids=[Command.clear()])
        self.assertEqual(case.time_limit_days, 20)
        self.assertEqual(case.date_accept_due, date(2026, 9, 28))
        Param.set_param("qi_case.public_satisfaction_min_ratings", "three")
        self.assertEqual(Rating._get_public_min_ratings(), 3, "a value that is no number means the default")
        Param.set_param("qi_case.public_satisfaction_min_ratings", "5")
        self.assertEqual(Rating._get_public_min_ratings(), 5)
