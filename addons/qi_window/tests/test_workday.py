from datetime import date

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWorkday(TransactionCase):
    """The PRC working-day calendar: counting starts the day after D."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workday = cls.env["qi.workday"]

    def test_national_day_2025(self):
        # 2025: Oct 1-8 off, Sun Sep 28 and Sat Oct 11 are make-up working days
        self.assertEqual(self.workday.add_working_days(date(2025, 9, 26), 15), date(2025, 10, 23))

    def test_make_up_sunday(self):
        self.assertEqual(self.workday.add_working_days(date(2025, 9, 26), 1), date(2025, 9, 28))
        self.assertTrue(self.workday.is_working_day(date(2025, 9, 28)))
        self.assertFalse(self.workday.is_working_day(date(2025, 10, 1)))

    def test_national_day_2026(self):
        self.assertEqual(self.workday.add_working_days(date(2026, 9, 25), 15), date(2026, 10, 22))

    def test_count_between_is_inverse(self):
        start = date(2025, 9, 26)
        end = self.workday.add_working_days(start, 15)
        self.assertEqual(self.workday.count_working_days(start, end), 15)
        self.assertEqual(self.workday.count_working_days(end, start), 0)
        self.assertEqual(self.workday.add_working_days(start, 0), start)

    def test_exception_year_2027(self):
        # TEST DATA, not the State Council's 2027 notice: days entered by hand for a
        # year without official data win over the provisional calendar (P-TL-1)
        Exception_ = self.env["qi.workday.exception"]
        Exception_.create(
            [
                {"date": "2027-01-04", "day_type": "holiday", "name": "Test bridge day"},
                {"date": "2027-01-09", "day_type": "workday", "name": "Test make-up day"},
            ]
        )
        # Fri Jan 1 off (statutory), Sat/Sun off, Mon Jan 4 off: first working day is Tue Jan 5
        self.assertEqual(self.workday.add_working_days(date(2026, 12, 31), 1), date(2027, 1, 5))
        # Jan 5-8 (4 days), then Saturday Jan 9 is a make-up working day
        self.assertEqual(self.workday.add_working_days(date(2026, 12, 31), 5), date(2027, 1, 9))
        # entered days alone are no notice: the year stays provisional
        self.assertTrue(self.workday.is_provisional(date(2027, 1, 9)))

    def test_exception_overrides_library(self):
        # a local decision: 2026-10-22 made a day off, the deadline moves by one day
        self.env["qi.workday.exception"].create({"date": "2026-10-22", "day_type": "holiday", "name": "Local"})
        self.assertEqual(self.workday.add_working_days(date(2026, 9, 25), 15), date(2026, 10, 23))

    def test_year_the_calendar_refuses(self):
        # before chinese-calendar's first year the rules differed: never guessed
        with self.assertRaises(UserError) as caught:
            self.workday.is_working_day(date(1999, 5, 6))
        self.assertIn("no data for 1999", str(caught.exception))
        self.assertIn("Calendar Years", str(caught.exception))
