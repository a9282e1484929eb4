import datetime
from datetime import date
from unittest.mock import patch

import chinese_calendar

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from odoo.addons.qi_window.models import qi_workday_year
from odoo.addons.qi_window.models.qi_workday import statutory_holidays

from .common import QiWindowCommon

# TEST DATA, NOT OFFICIAL: the State Council has not published its 2027 holiday notice.
# These days only exercise the wizard; nothing in the suite ships them as 2027 data.
TEST_NOTICE_2027 = (
    ("Test New Year", "holiday", "2027-01-01", "2027-01-03"),
    ("Test make-up day", "workday", "2027-01-09", "2027-01-09"),
    ("Test Spring Festival", "holiday", "2027-02-05", "2027-02-11"),
)


@tagged("post_install", "-at_install")
class TestProvisionalCalendar(QiWindowCommon):
    """P-TL-1: a year without official data counts weekends and statutory holidays,
    marks what it computes, and is replaced by the notice once entered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workday = cls.env["qi.workday"]
        cls._load_chinese(["qi_window"])
        cls.admin_zh = new_test_user(
            cls.env,
            "qi_admin_zh",
            groups="base.group_system,qi_window.group_qi_manager",
            name="Admin ZH",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )

    def test_statutory_holidays_2027(self):
        # 《全国年节及纪念日放假办法》 as in force since 2025; lunar dates from python-holidays
        expected = {
            "2027-01-01",
            "2027-02-05",
            "2027-02-06",
            "2027-02-07",
            "2027-02-08",  # New Year's Eve + 3 days
            "2027-04-05",  # Qingming
            "2027-05-01",
            "2027-05-02",
            "2027-06-09",  # Dragon Boat
            "2027-09-15",  # Mid-Autumn
            "2027-10-01",
            "2027-10-02",
            "2027-10-03",
        }
        self.assertEqual({d.isoformat() for d in statutory_holidays(2027)}, expected)

    def test_lunar_dates_agree_with_chinese_calendar(self):
        # on the years both cover, every statutory day of the 2025 rules is a day off in
        # the official data, except New Year's Eve 2024 (a holiday only since 2025)
        for year in range(2020, 2027):
            for day in statutory_holidays(year):
                if day == date(2024, 2, 9):
                    self.assertTrue(chinese_calendar.is_workday(day))
                    continue
                self.assertFalse(chinese_calendar.is_workday(day), day)

    def test_provisional_deadline_without_2027_data(self):
        self.assertEqual(self.workday._get_year_source(2027), "provisional")
        # from Sun 2026-12-20: Dec 21-31 gives 9 days, Jan 1 is off, Jan 4-8 gives 5, Mon Jan 11 the 15th
        self.assertEqual(self.workday.add_working_days(date(2026, 12, 20), 15), date(2027, 1, 11))
        self.assertTrue(self.workday.is_provisional(date(2026, 12, 20), date(2027, 1, 11)))
        self.assertFalse(self.workday.is_provisional(date(2026, 9, 25), date(2026, 10, 22)))
        # no make-up working day is guessed: no weekend day of 2027 works
        day = date(2027, 1, 1)
        while day.year == 2027:
            if day.weekday() >= 5:
                self.assertFalse(self.workday.is_working_day(day), day)
            day += datetime.timedelta(days=1)
        self.assertEqual(self.workday.count_working_days(date(2026, 12, 31), date(2027, 12, 31)), 261 - 7)

    def _notice(self, user, lines=TEST_NOTICE_2027, year=2027):
        wizard = Form(self.env["qi.workday.notice.wizard"].with_user(user))
        wizard.year = year
        wizard.notice_number = "TEST-2027-001 (test data)"
        wizard.notice_date = date(2026, 12, 5)
        for name, day_type, date_from, date_to in lines:
            with wizard.line_ids.new() as line:
                line.name = name
                line.day_type = day_type
                line.date_from = date_from
                line.date_to = date_to
        return wizard.save()

    def test_notice_wizard_makes_the_year_official(self):
        self.env["qi.workday.year"]._sync_years(date(2026, 12, 1))
        with patch.object(type(self.workday), "_official_data_arrived", autospec=True) as arrived:
            self._notice(self.leader).action_apply()
        arrived.assert_called_once()
        self.assertEqual(arrived.call_args.args[1], [2027])
        year = self.env["qi.workday.year"].search([("year", "=", 2027)])
        self.assertEqual(year.source, "official")
        self.assertEqual(year.notice_number, "TEST-2027-001 (test data)")
        self.assertEqual(year.exception_count, 3 + 1 + 7)
        self.assertFalse(self.workday.is_provisional(date(2027, 1, 9)))
        self.assertTrue(self.workday.is_working_day(date(2027, 1, 9)))
        self.assertFalse(self.workday.is_working_day(date(2027, 2, 11)))
        # an official year counts no statutory day the notice does not list
        self.assertTrue(self.workday.is_working_day(date(2027, 4, 5)))

    def test_notice_wizard_refuses_bad_input(self):
        cases = [
            ([("Bad make-up", "workday", "2027-01-06", "2027-01-06")], "is a weekday already"),
            ([("Wrong year", "holiday", "2026-12-31", "2027-01-01")], "is not in 2027"),
            ([("Backwards", "holiday", "2027-01-03", "2027-01-01")], "before the first day"),
            ([], "at least one"),
        ]
        for lines, message in cases:
            with self.subTest(message=message), self.assertRaises(UserError) as caught:
                self._notice(self.leader, lines).action_apply()
            self.assertIn(message, str(caught.exception))
        # nothing was half-entered
        self.assertFalse(self.env["qi.workday.exception"].search([("year", "=", 2027)]))
        self.assertTrue(self.workday.is_provisional(date(2027, 1, 9)))

    def test_notice_error_in_chinese(self):
        with self.assertRaises(UserError) as caught:
            self._notice(
                self.admin_zh.with_context(lang="zh_CN"),
                [
                    ("Bad make-up", "workday", "2027-01-06", "2027-01-06"),
                ],
            ).with_context(lang="zh_CN").action_apply()
        self.assertIn("调休", str(caught.exception))

    def test_staff_cannot_enter_a_notice(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.env["qi.workday.notice.wizard"].with_user(self.staff_a).create(
                {"year": 2027, "notice_number": "X", "notice_date": "2026-12-05"}
            )
        # everyone reads which years are covered
        self.env["qi.workday.year"]._sync_years(date(2026, 12, 1))
        years = self.env["qi.workday.year"].with_user(self.staff_a).search([("year", "in", (2026, 2027))])
        self.assertEqual(years.mapped("source"), ["provisional", "library"])

    def test_newer_library_detected_at_sync(self):
        Year = self.env["qi.workday.year"]
        Year._sync_years(date(2026, 12, 1))
        self.assertEqual(Year.search([("year", "=", 2027)]).source, "provisional")
        # a newer chinese-calendar covering 2027 is simulated for the sync's check
        with (
            patch.object(qi_workday_year, "library_covers", lambda year: year <= 2027),
            patch.object(type(self.workday), "_official_data_arrived", autospec=True) as arrived,
        ):
            self.assertEqual(Year._sync_years(date(2026, 12, 1)), [2027])
        self.assertEqual(arrived.call_args.args[1], [2027])
        self.assertEqual(Year.search([("year", "=", 2027)]).source, "library")

    def _year_activities(self):
        activity_type = self.env.ref("qi_window.mail_activity_type_calendar_year")
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qi.workday.year"),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def test_one_activity_from_november_first(self):
        Year = self.env["qi.workday.year"]
        with freeze_time("2026-10-31 03:00:00"):
            Year._cron_check_years()
        self.assertFalse(self._year_activities())
        with freeze_time("2026-11-01 03:00:00"):
            Year._cron_check_years()
            Year._cron_check_years()
        with freeze_time("2026-11-02 03:00:00"):
            Year._cron_check_years()
        activities = self._year_activities().filtered(lambda a: a.user_id == self.admin_zh)
        self.assertEqual(len(activities), 1, "one activity per administrator, not one per day")
        self.assertEqual(activities.res_id, Year.search([("year", "=", 2027)]).id)
        self.assertIn("2027", activities.summary)
        self.assertIn("国务院", activities.summary)  # in the administrator's language
        # the notice clears it
        self._notice(self.admin_zh).action_apply()
        self.assertFalse(self._year_activities())

    def test_settings_show_coverage(self):
        self.env["qi.workday.year"]._sync_years(date(2026, 12, 1))
        action = self.env.ref("qi_window.qi_workday_year_action")
        self.assertEqual(action.res_model, "qi.workday.year")
        years = self.env["qi.workday.year"].with_user(self.leader).search([("year", ">=", 2025)])
        self.assertEqual({y.year: y.source for y in years}, {2025: "library", 2026: "library", 2027: "provisional"})
        self.assertIn("暂定", years.filtered(lambda y: y.year == 2027).with_context(lang="zh_CN").display_name)
