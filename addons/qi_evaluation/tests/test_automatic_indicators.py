from datetime import datetime
from unittest.mock import patch

from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.qi_catalogue.tools.validation import make_uscc
from odoo.addons.qi_evaluation.models.qi_evaluation_auto import QiEvaluationAuto
from odoo.addons.qi_window.tools.flow import FLOW

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestAutomaticIndicators(QiEvaluationCommon):
    """R-8.1, R-B: automatic indicators computed from seeded facility checks,
    rules, stations, cases, handler changes, ratings and improvements.
    Period: first half of 2025."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff_c = new_test_user(
            cls.env,
            "eval_staff_c",
            groups="qi_window.group_qi_user",
            name="Staff C",
            email="eval.staff.c@window.example.cn",
        )
        cls.staff_c2 = new_test_user(
            cls.env,
            "eval_staff_c2",
            groups="qi_window.group_qi_user",
            name="Staff C2",
            email="eval.staff.c2@window.example.cn",
        )
        cls.window = cls.env["qi.window"].create(
            {
                "name": "Seeded Window",
                "code": "EV-SEED",
                "leader_id": cls.leader.id,
                "staff_ids": [(0, 0, {"user_id": cls.staff_c.id}), (0, 0, {"user_id": cls.staff_c2.id})],
            }
        )
        cls.enterprise = cls.env["res.partner"].create(
            {"name": "Seeded Glass Co.", "is_company": True, "email": "quality@seeded.example.cn"}
        )
        category = cls.env["qi.service.category"].create({"name": "Seeded Metrology", "code": "EV-M"})
        cls.item = cls.env["qi.service.item"].create(
            {"name": "Seeded calibration", "code": "EV-1", "category_id": category.id, "time_limit_days": 15}
        )
        cls.provider = cls._provider("Seeded Institute 1", "91130300MA07QE001")
        cls._seed_facilities()
        cls._seed_rules()
        cls._seed_stations()

    @classmethod
    def _provider(cls, name, base17):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "is_qi_provider": True,
                "qi_uscc": make_uscc(base17),
            }
        )

    @classmethod
    def _seed_facilities(cls):
        Facility = cls.env["qi.window.facility"]
        with freeze_time("2025-07-01 09:00:00"):
            on_time = Facility.create(
                {
                    "window_id": cls.window.id,
                    "name": "Desks",
                    "check_interval": 30,
                    "date_start": "2024-12-01",
                    "responsible_id": cls.staff_c.id,
                }
            )
            for day in (
                "2024-12-30",
                "2025-01-28",
                "2025-02-26",
                "2025-03-27",
                "2025-04-25",
                "2025-05-24",
                "2025-06-22",
            ):
                cls.env["qi.window.facility.check"].create({"facility_id": on_time.id, "date": day})
            late_check = Facility.create(
                {
                    "window_id": cls.window.id,
                    "name": "Extinguishers",
                    "check_interval": 30,
                    "date_start": "2024-12-01",
                    "responsible_id": cls.staff_c.id,
                }
            )
            for day in ("2024-12-30", "2025-03-15"):  # due 2025-01-29, checked 6 weeks late
                cls.env["qi.window.facility.check"].create({"facility_id": late_check.id, "date": day})
            missing = Facility.create(
                {
                    "window_id": cls.window.id,
                    "name": "Signs",
                    "check_interval": 90,
                    "date_start": "2025-01-01",
                    "responsible_id": cls.staff_c.id,
                }
            )
            # checked 2025-03-20: the next check fell due 2025-06-18 and never came
            cls.env["qi.window.facility.check"].create({"facility_id": missing.id, "date": "2025-03-20"})
            # in use only after the period: not counted
            Facility.create(
                {
                    "window_id": cls.window.id,
                    "name": "New printer",
                    "check_interval": 30,
                    "date_start": "2025-07-15",
                    "responsible_id": cls.staff_c.id,
                }
            )

    @classmethod
    def _seed_rules(cls):
        Rule = cls.env["qi.window.rule"].with_user(cls.leader)
        for kind, effective in (
            ("organisation", "2025-01-10"),
            ("service_content", "2025-02-01"),
            ("service_process", "2025-06-30"),
            ("quality_supervision", "2025-08-01"),
        ):
            Rule.create(
                {"window_id": cls.window.id, "kind": kind, "name": kind, "effective_date": effective}
            ).action_publish()
        # a draft is not published
        Rule.create({"window_id": cls.window.id, "kind": "evaluation_improvement", "name": "draft"})

    @classmethod
    def _seed_stations(cls):
        Station = cls.env["qi.provider.station"]
        Station.create({"window_id": cls.window.id, "provider_id": cls.provider.id, "date_from": "2024-01-01"})
        Station.create(
            {
                "window_id": cls.window.id,
                "provider_id": cls._provider("Seeded Institute 2", "91130300MA07QE002").id,
                "date_from": "2025-03-01",
                "date_to": "2025-04-30",
            }
        )
        Station.create(
            {
                "window_id": cls.window.id,
                "provider_id": cls._provider("Seeded Institute 3", "91130300MA07QE003").id,
                "date_from": "2025-07-10",
            }
        )

    def _case(self, received, **vals):
        values = {
            "subject": "Calibrate pressure gauges",
            "partner_id": self.enterprise.id,
            "window_id": self.window.id,
            "channel": "walk_in",
            "item_ids": [(6, 0, self.item.ids)],
            "date_received": received,
            "user_id": self.staff_c.id,
        }
        values.update(vals)
        return self.env["qi.case"].with_user(self.staff_c).create(values)

    def _complete(self, case, when):
        with freeze_time(when):
            assignment = (
                self.env["qi.case.assignment"]
                .with_user(self.staff_c)
                .create({"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item.id})
            )
            assignment.action_accept()
            case.with_user(self.staff_c).action_start_service()
            assignment.action_deliver()
            case.with_user(self.staff_c).action_complete()

    def _seed_cases(self):
        # received 10:00 Asia/Shanghai (02:00 UTC)
        with freeze_time("2025-03-03 03:00:00"):
            on_time = self._case(datetime(2025, 3, 3, 2, 0))
            on_time.with_user(self.staff_c).action_accept()  # due 2025-03-04: on time
        # first handler changed in the period, and the service object told
        with freeze_time("2025-03-10 03:00:00"):
            on_time.with_context(qi_handler_change_reason="Staff C moved to the park window").with_user(
                self.leader
            ).write({"user_id": self.staff_c2.id})
        self._complete(on_time, "2025-03-20 03:00:00")  # deadline 2025-03-24: on time
        late = self._case(datetime(2025, 3, 4, 2, 0))
        with freeze_time("2025-03-07 03:00:00"):
            late.with_user(self.staff_c).action_accept()  # due 2025-03-05: late
        self._complete(late, "2025-04-10 03:00:00")  # deadline 2025-03-25: late
        # never accepted, due 2025-05-07: late (and past its completion deadline)
        self._case(datetime(2025, 5, 6, 2, 0))
        # received on the last Friday, due Monday 2025-06-30: still within its time, left out
        self._case(datetime(2025, 6, 27, 2, 0))
        # accepted on time, still running past its deadline 2025-04-23
        with freeze_time("2025-04-01 03:00:00"):
            running = self._case(datetime(2025, 4, 1, 2, 0))
            running.with_user(self.staff_c).action_accept()
        # received after the period: not counted
        self._case(datetime(2025, 7, 2, 2, 0))
        # a second change, imported from the old system, was never told
        self.env["qi.case.handler.log"].create(
            {
                "case_id": late.id,
                "from_user_id": self.staff_c.id,
                "to_user_id": self.staff_c2.id,
                "date": datetime(2025, 4, 2, 2, 0),
                "notified": False,
                "reason": "Imported from the old system",
            }
        )
        return on_time, late

    def _seed_improvements(self):
        """2024: one closed on time, one closed late, one still open past its deadline, one cancelled."""
        Improvement = self.env["qi.improvement"].with_context(qi_improvement_internal=FLOW)

        def improvement(raised, closed_on=None):
            record = Improvement.create(
                {
                    "name": f"Raised {raised}",
                    "window_id": self.window.id,
                    "owner_id": self.staff_c.id,
                    "date_raised": raised,
                }
            )
            if closed_on:
                with freeze_time(closed_on):
                    record.action_start()
                    self.env["qi.improvement.action"].create({"improvement_id": record.id, "name": "Fix"}).action_done()
                    record.action_submit()
                    self.env["qi.improvement.verification"].with_user(self.leader).create(
                        {"improvement_id": record.id, "result": "effective", "note": "Checked on site"}
                    )
            return record

        improvement("2024-05-10", closed_on="2024-05-20 09:00:00")  # due 2024-05-30
        improvement("2024-09-02", closed_on="2024-10-09 09:00:00")  # due 2024-09-24
        improvement("2024-11-01")  # due 2024-11-22, still open
        improvement("2024-12-20").with_user(self.leader).action_cancel()
        improvement("2025-02-01")  # this year's: not counted

    def _evaluate(self):
        self._seed_cases()
        self._seed_improvements()
        with freeze_time("2025-07-01 09:00:00"):
            evaluation = self._evaluation(window=self.window, date_from="2025-01-01", date_to="2025-06-30")
            evaluation.action_start()
        return evaluation

    def _satisfaction(self, window, date_from, date_to):
        if window == self.window:
            return {"rated": 20, "satisfied": 17, "bad": 2, "bad_fixed_on_time": 1}
        return None

    def assertLine(self, line, count, total, rate, score):
        self.assertTrue(line.date_computed, line.code)
        self.assertEqual((line.auto_count, line.auto_total), (count, total), line.code)
        self.assertAlmostEqual(line.auto_rate, rate, places=1, msg=line.code)
        self.assertAlmostEqual(line.score, score, places=1, msg=line.code)
        self.assertTrue(line.applicable, line.code)

    def test_automatic_indicators_from_seeded_data(self):
        with patch.object(QiEvaluationAuto, "_get_satisfaction_data", self._satisfaction):
            evaluation = self._evaluate()
        line = lambda code: self._line(evaluation, code)  # noqa: E731
        # B1.6 facilities: 1 of 3 checked on time (one late check, one missing)
        self.assertLine(line("B1.6"), 1, 3, 33.3, 1.7)
        self.assertEqual(line("B1.6").auto_result, "1 of 3 facilities checked on time (33.3 %)")
        self.assertIn("facilities checked on time", line("B1.6").formula)
        # B3.1 rules: organisation, service content and service process in force by 30 June
        self.assertLine(line("B3.1"), 3, 5, 60.0, 6.0)
        # B2.1 providers: two stationed during the period against a target of three
        self.assertLine(line("B2.1"), 2, 3, 66.7, 3.3)
        # B6.2 acceptance: 2 on time, 1 late, 1 never accepted (the one within its time left out)
        self.assertLine(line("B6.2"), 2, 4, 50.0, 2.0)
        # B6.4 completion: 1 on time, 1 late, 2 running past their deadline
        self.assertLine(line("B6.4"), 1, 4, 25.0, 1.5)
        # B6.3 handler changes: 1 of 2 told to the service object
        self.assertLine(line("B6.3"), 1, 2, 50.0, 1.5)
        # B6.6 satisfaction: 17 / 20 = 85 % against the 90 % baseline → 4 × 85 / 90
        self.assertLine(line("B6.6"), 17, 20, 85.0, 3.8)
        self.assertIn("baseline 90 %", line("B6.6").auto_result)
        # B6.7 bad reviews: 1 of 2 called back and fixed on time
        self.assertLine(line("B6.7"), 1, 2, 50.0, 1.5)
        # B7.2 last year's improvements: 1 closed on time of 3 (cancelled left out)
        self.assertLine(line("B7.2"), 1, 3, 33.3, 1.7)

    def test_no_rating_data_is_not_invented(self):
        evaluation = self._evaluate()
        for code in ("B6.6", "B6.7"):
            line = self._line(evaluation, code)
            self.assertTrue(line.no_data, code)
            self.assertFalse(line.applicable, code)
            self.assertEqual(line.score, 0.0)
            self.assertEqual(line.auto_result, "No rating data yet")
        lines = evaluation.line_ids
        self.assertEqual(evaluation.total_max, 100 - 4 - 3, "indicators without data are left out of the total")
        self.assertAlmostEqual(evaluation.total_score, sum(lines.filtered("applicable").mapped("score")), places=1)
        # the dashboard says so too
        self.assertEqual(self.window.with_context(qi_dashboard_year=2025).dashboard_satisfaction, "No data")

    def test_dashboard_outcome_figures(self):
        self._seed_cases()
        self._seed_improvements()
        window = self.window.with_user(self.coordinator).with_context(qi_dashboard_year=2025)
        self.assertEqual(window.dashboard_enterprise_count, 1, "five cases of one enterprise in 2025")
        self.assertEqual(window.dashboard_case_completed_count, 2)
        self.assertEqual(window.dashboard_case_on_time_rate, 50.0)
        self.assertEqual(window.dashboard_improvement_count, 1, "the one raised in 2025")
        window = window.with_context(qi_dashboard_year=2024)
        self.assertEqual(
            (
                window.dashboard_improvement_count,
                window.dashboard_improvement_closed_count,
                window.dashboard_improvement_on_time_count,
            ),
            (3, 2, 1),
        )
        self.window.invalidate_recordset(["dashboard_satisfaction"])
        with patch.object(QiEvaluationAuto, "_get_satisfaction_data", self._satisfaction):
            self.assertEqual(self.window.with_context(qi_dashboard_year=2025).dashboard_satisfaction, "85.0 %")

    def test_recompute_follows_new_data(self):
        with freeze_time("2025-07-01 09:00:00"):
            evaluation = self._evaluation(window=self.window, date_from="2025-01-01", date_to="2025-06-30")
            line = self._line(evaluation, "B6.2")
            self.assertTrue(line.no_data, "no case yet")
            self.assertEqual(line.auto_result, "No case in the period: not applicable")
            self.assertEqual(self._line(evaluation, "B6.3").auto_result, "No change of first handler in the period")
            self.assertEqual(self._line(evaluation, "B6.3").score, 3.0)
        self._seed_cases()
        with freeze_time("2025-07-01 09:00:00"):
            evaluation.action_refresh_automatic()
        self.assertLine(line, 2, 4, 50.0, 2.0)

    def test_satisfaction_from_real_ratings(self):
        """B6.6/B6.7 from qi_case's 好差评, not from a patched hook."""
        case = self._case(datetime(2025, 3, 3, 2, 0))
        Rating = self.env["qi.case.rating"]
        for level in ("5", "4", "3"):
            Rating.create(
                {
                    "case_id": case.id,
                    "partner_id": self.enterprise.id,
                    "level": level,
                    "date": "2025-04-01 02:00:00",
                    "is_current": True,
                }
            )
        Rating.create(
            {
                "case_id": case.id,
                "partner_id": self.enterprise.id,
                "level": "1",
                "date": "2025-04-02 02:00:00",
                "callback_due": "2025-04-03",
                "callback_done": "2025-04-03 02:00:00",
                "fix_due": "2025-04-23",
                "fix_done": "2025-04-20 02:00:00",
            }
        )
        # a rating set aside on appeal does not count
        Rating.create(
            {
                "case_id": case.id,
                "partner_id": self.enterprise.id,
                "level": "1",
                "date": "2025-04-05 02:00:00",
                "is_current": False,
            }
        )
        with freeze_time("2025-07-01 09:00:00"):
            evaluation = self._evaluation(window=self.window, date_from="2025-01-01", date_to="2025-06-30")
            evaluation.action_start()
        satisfaction = self._line(evaluation, "B6.6")
        # 好评 counts the three upper levels (basically satisfied too), as the public page does
        self.assertEqual((satisfaction.auto_count, satisfaction.auto_total, satisfaction.auto_rate), (3, 4, 75.0))
        bad = self._line(evaluation, "B6.7")
        self.assertEqual((bad.auto_count, bad.auto_total), (1, 1))
