import datetime

from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.qi_window.tools.china import china_datetime

from ..models.qi_ledger_warning import FINAL_STEP
from .common import QiProactiveCommon

D = datetime.date
# 2026 National Day: 1-7 October off (with 25 September, Mid-Autumn), Sunday 20 September and
# Saturday 10 October worked. An instrument due on Friday 16 October 2026 is 20 working days
# away on Monday 14 September (32 calendar days) and 5 on Saturday 10 October (6 calendar days),
# overdue on 17 October.
DUE = D(2026, 10, 16)
FIRST_WARNING, SECOND_WARNING, OVERDUE_WARNING = D(2026, 9, 14), D(2026, 10, 10), D(2026, 10, 17)


@tagged("post_install", "-at_install")
class TestLedgerWarnings(QiProactiveCommon):
    """The daily due warnings of the enterprises' ledgers (R-6.1.1.3, R-6.1.7.1,
    R-7.1.2): thresholds in PRC working days, each warning once per threshold
    and due date, the enterprise's mail in its language, the day's activity of
    its steward (else of the window's leader), overdue compulsory lines flagged,
    and a constant number of queries per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["res.lang"]._activate_lang("en_US")
        # the staff read English here (the activity's texts are asserted), Chinese when unset
        (cls.staff_a | cls.staff_b | cls.leader).lang = "en_US"
        cls.Service = cls.env["qi.ledger.warning.service"]
        cls.activity_type = cls.env.ref("qi_proactive.mail_activity_type_ledger_due")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _run(self, day, times=1):
        """The scheduled action's run(s) at 10:00 in China on ``day``."""
        with freeze_time(china_datetime(day, datetime.time(10, 0))):
            for _run in range(times):
                self.Service._cron_warn_due()
        self.env.invalidate_all()

    def _run_days(self, first, last, times=2):
        day = first
        while day <= last:
            self._run(day, times=times)
            day += datetime.timedelta(days=1)

    def _warnings(self, lines):
        return self.env["qi.ledger.warning"].search(
            [("res_model", "=", lines._name), ("res_id", "in", lines.ids)], order="date_sent, id"
        )

    def _equipment(self, partner=None, **vals):
        values = {
            "name": "Steam boiler",
            "partner_id": (partner or self.enterprise).id,
            "equipment_type": "boiler",
            "equipment_code": f"EQ-{self.env['qi.special.equipment'].search_count([]) + 1:05d}",
            "date_due": DUE,
        }
        values.update(vals)
        return self.env["qi.special.equipment"].create(values)

    def _certificate(self, partner=None, **vals):
        values = {
            "name": "Production licence",
            "partner_id": (partner or self.enterprise).id,
            "certificate_type": "production_licence",
            "number": "XK-001",
            "date_due": DUE,
        }
        values.update(vals)
        return self.env["qi.enterprise.certificate"].create(values)

    def _activities(self, window):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qi.window"),
                ("res_id", "=", window.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    # ------------------------------------------------------------------
    # Thresholds and steps
    # ------------------------------------------------------------------
    def test_each_threshold_fires_once_on_prc_working_days(self):
        """R-6.1.1.3: warned 20 and 5 PRC working days before the due date and once
        overdue, each exactly once, though the cron runs twice a day every day; the
        National Day week and its worked Saturday count as the calendar says."""
        instrument = self._instrument(date_due=DUE)
        self._run_days(D(2026, 9, 10), D(2026, 10, 20))
        warnings = self._warnings(instrument)
        self.assertEqual(
            [(w.date_sent, w.step, w.threshold_days, w.is_overdue) for w in warnings],
            [
                (FIRST_WARNING, 1, 20, False),
                (SECOND_WARNING, 2, 5, False),
                (OVERDUE_WARNING, FINAL_STEP, -1, True),
            ],
        )
        self.assertEqual(instrument.warned_step, FINAL_STEP)
        self.assertEqual(instrument.warned_date_due, DUE)
        self.assertTrue(instrument.is_flagged, "an overdue instrument under compulsory verification is flagged")
        self.assertTrue(all(w.is_compulsory and w.date_due == DUE for w in warnings))
        self.assertEqual(warnings.window_id, self.window_a)
        self.assertEqual(warnings.company_id, self.window_a.company_id)
        # calendar days would have warned on 16 September and on 11 October
        self.assertEqual((DUE - FIRST_WARNING).days, 32)

    def test_thresholds_per_kind_and_setting(self):
        """R-6.1.7.1: special equipment is warned 30 and 10 working days before its
        periodic inspection by default; the settings change a ledger's thresholds."""
        equipment = self._equipment(date_due=DUE)
        self._run(D(2026, 9, 1))  # (1 Sep, 16 Oct]: 30 working days
        self.assertEqual(self._warnings(equipment).mapped("threshold_days"), [30])
        self.env["ir.config_parameter"].set_param("qi_proactive.instrument_warning_days", "3")
        instrument = self._instrument(date_due=DUE)
        self._run(D(2026, 10, 10))  # 5 working days: nothing with a single threshold of 3
        self.assertFalse(self._warnings(instrument))
        self._run(D(2026, 10, 13))
        self.assertEqual(self._warnings(instrument).mapped("threshold_days"), [3])

    def test_line_entered_late_gets_one_warning(self):
        """A line entered 3 working days before its due date gets the warning of the
        5-day threshold only, not the 20-day one too; then the overdue one."""
        with freeze_time(china_datetime(D(2026, 10, 13), datetime.time(9, 0))):
            instrument = self._instrument(date_due=DUE)
        self._run_days(D(2026, 10, 13), D(2026, 10, 17))
        self.assertEqual(
            [(w.date_sent, w.step) for w in self._warnings(instrument)],
            [(D(2026, 10, 13), 2), (OVERDUE_WARNING, FINAL_STEP)],
        )
        mails = self._warnings(instrument).mail_id
        self.assertEqual(len(mails), 2, "one mail per warning day, not per threshold crossed")

    def test_new_due_date_resets_the_warnings(self):
        """The enterprise records a new verification: the line is in order again
        (no longer flagged) and is warned afresh about its new due date."""
        instrument = self._instrument(date_due=D(2026, 9, 1))
        self._run(D(2026, 9, 14))
        self.assertTrue(instrument.is_flagged)
        instrument.with_user(self.staff_a).write({"date_last": D(2026, 9, 15), "date_due": D(2027, 9, 15)})
        self.assertFalse(instrument.is_flagged)
        self.assertEqual(instrument.warned_step, 0)
        self._run(D(2026, 9, 16))
        self.assertEqual(len(self._warnings(instrument)), 1, "nothing to say about a date a year away")
        # the date was entered wrong: due on 30 September, 6 working days after 21 September
        instrument.with_user(self.staff_a).write({"date_due": D(2026, 9, 30)})
        self._run(D(2026, 9, 21))
        warnings = self._warnings(instrument)
        self.assertEqual([(w.date_due, w.step) for w in warnings], [(D(2026, 9, 1), FINAL_STEP), (D(2026, 9, 30), 1)])

    def test_a_failed_batch_warns_nothing_and_the_next_run_does(self):
        """A batch is one transaction: when it fails (a run killed in the middle),
        its mails, its log and its marks go together, the batches before it stay,
        and the next run warns what is left, each line once."""
        first = self._instrument(date_due=DUE)
        second = self._instrument(partner=self.enterprise_b, date_due=DUE)
        Service = type(self.Service)
        original = Service._update_activities
        killing = [True]

        def killed(service, enterprises, warned, today, tally):
            if killing[0] and self.enterprise_b in enterprises:
                raise RuntimeError("killed")
            return original(service, enterprises, warned, today, tally)

        self.patch(Service, "_update_activities", killed)
        with freeze_time(china_datetime(SECOND_WARNING, datetime.time(10, 0))):
            todo = {self.enterprise.id: {"qi.instrument": [(first.id, 2)]}}
            self.Service._warn_batch(todo, SECOND_WARNING)
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.Service._warn_batch({self.enterprise_b.id: {"qi.instrument": [(second.id, 2)]}}, SECOND_WARNING)
            self.env.invalidate_all()
            self.assertFalse(self._warnings(second))
            self.assertEqual(second.warned_step, 0)
            self.assertFalse(self.env["mail.mail"].search([("res_id", "=", self.enterprise_b.id)]))
            killing[0] = False
            self.Service._cron_warn_due()
        self.env.invalidate_all()
        self.assertEqual([w.step for w in self._warnings(first | second)], [2, 2])
        self.assertEqual(self.env["mail.mail"].search_count([("res_id", "=", self.enterprise_b.id)]), 1)

    def test_archived_lines_are_not_warned(self):
        instrument = self._instrument(date_due=DUE)
        instrument.action_archive()
        self._run(OVERDUE_WARNING)
        self.assertFalse(self._warnings(instrument.with_context(active_test=False)))
        self.assertFalse(self.Service._candidates("qi.instrument", OVERDUE_WARNING))

    # ------------------------------------------------------------------
    # Flags and the staff's activity
    # ------------------------------------------------------------------
    def test_overdue_compulsory_lines_are_flagged_to_the_steward(self):
        """R-6.1.7.1: overdue instruments under compulsory verification and overdue
        special equipment (periodic inspection is compulsory by law) are flagged and
        named in the steward's activity; an overdue instrument not under compulsory
        verification and an expired certificate are warned but not flagged."""
        scale = self._instrument(date_due=D(2026, 10, 1))
        caliper = self._instrument(
            name="Vernier caliper", category_id=self.category_caliper.id, is_compulsory=False, date_due=D(2026, 10, 1)
        )
        boiler = self._equipment(date_due=D(2026, 10, 1))
        licence = self._certificate(date_due=D(2026, 10, 1))
        due_soon = self._instrument(name="Fuel dispenser", date_due=D(2026, 10, 13))
        self._run(D(2026, 10, 9))
        self.assertEqual(
            [line.is_flagged for line in (scale, caliper, boiler, licence, due_soon)],
            [True, False, True, False, False],
        )
        activity = self._activities(self.window_a)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.staff_a, "the enterprise's steward")
        self.assertEqual(activity.date_deadline, D(2026, 10, 9))
        self.assertIn(scale.display_name, activity.note)
        self.assertIn(boiler.display_name, activity.note)
        self.assertNotIn(caliper.display_name, activity.note)
        self.assertNotIn(licence.display_name, activity.note)
        self.assertIn("1 falling due, 4 overdue at 1 enterprise", activity.summary)
        # the steward sees the flagged lines of the enterprises of the window
        flagged = self.env["qi.instrument"].with_user(self.staff_a).search([("is_flagged", "=", True)])
        self.assertEqual(flagged, scale)

    def test_activity_goes_to_the_steward_else_the_leader(self):
        self.enterprise_b.qi_steward_id = False
        self._instrument(date_due=DUE)
        self._instrument(partner=self.enterprise_b, date_due=DUE)
        self._run(SECOND_WARNING)
        self.assertEqual(self._activities(self.window_a).user_id, self.staff_a)
        self.assertEqual(self._activities(self.window_b).user_id, self.leader)

    def test_one_activity_per_user_and_window_a_day(self):
        """Several batches and a second run the same day add to the day's activity
        of the steward on the window; the next day has its own. Enterprises of
        another window are counted on that window's activity only."""
        other = self.env["res.partner"].create(
            {
                "name": "Shanhaiguan Valve Co.",
                "is_company": True,
                "qi_uscc": self._uscc(90011),
                "qi_window_id": self.window_a.id,
                "qi_steward_id": self.staff_a.id,
            }
        )
        self._instrument(date_due=DUE)
        self._instrument(partner=other, date_due=DUE)
        self._instrument(partner=self.enterprise_b, date_due=DUE)
        with freeze_time(china_datetime(FIRST_WARNING, datetime.time(10, 0))):
            self.Service._cron_warn_due(batch_size=1)
            self._instrument(partner=other, name="Pressure gauge", date_due=D(2026, 10, 15))
            self.Service._cron_warn_due(batch_size=1)
        activity = self._activities(self.window_a)
        self.assertEqual(len(activity), 1)
        self.assertIn("3 falling due, 0 overdue at 2 enterprise", activity.summary)
        self.assertIn("1 falling due, 0 overdue at 1 enterprise", self._activities(self.window_b).summary)
        self._run(SECOND_WARNING)
        activities = self._activities(self.window_a)
        self.assertEqual(len(activities), 2)
        self.assertEqual(activities.mapped("date_deadline"), [FIRST_WARNING, SECOND_WARNING])

    # ------------------------------------------------------------------
    # The enterprise's mail
    # ------------------------------------------------------------------
    def test_mail_lists_the_enterprise_lines_in_its_language(self):
        """One mail per enterprise and run, in its language (zh_CN: dates as
        2026/10/16), to its portal users and itself, listing its own lines only,
        with the link to the portal ledger and the steward as contact."""
        self.staff_a.partner_id.phone = "0335-3030001"
        self.enterprise_b.lang = "en_US"
        scale = self._instrument(date_due=DUE, serial_number="SN-SCALE-1")
        boiler = self._equipment(date_due=D(2026, 10, 15), equipment_code="EQ-BOILER-1")
        other = self._instrument(partner=self.enterprise_b, date_due=DUE, serial_number="SN-OTHER-1")
        self._run(SECOND_WARNING)
        mail = self._warnings(scale).mail_id
        self.assertEqual(self._warnings(boiler).mail_id, mail, "one mail for all the enterprise's lines")
        self.assertEqual(mail.model, "res.partner")
        self.assertEqual(mail.res_id, self.enterprise.id)
        self.assertEqual(mail.recipient_ids, self.enterprise | self.enterprise_user.partner_id)
        body = str(mail.body_html)
        self.assertIn("SN-SCALE-1", body)
        self.assertIn("EQ-BOILER-1", body)
        self.assertNotIn("SN-OTHER-1", body)
        self.assertIn("2026/10/16", body, "the date in the zh_CN format")
        self.assertIn("/my/qi/ledger", body)
        self.assertIn(self.staff_a.name, body)
        self.assertIn("0335-3030001", body)
        self.assertIn(self.staff_a.email, body)
        mail_b = self._warnings(other).mail_id
        self.assertEqual(mail_b.recipient_ids, self.enterprise_b | self.enterprise_b_user.partner_id)
        self.assertIn("10/16/2026", str(mail_b.body_html), "the date in the en_US format")
        self.assertNotIn("SN-SCALE-1", str(mail_b.body_html))

    def test_activity_in_the_responsible_language(self):
        """The day's activity is written in its reader's language (the steward of
        window B reads Chinese, the one of window A English), whoever runs the cron."""
        self.staff_b.lang = "zh_CN"
        self._instrument(date_due=DUE)
        self._instrument(partner=self.enterprise_b, date_due=DUE)
        self._run(SECOND_WARNING)
        counts = {"due": 1, "overdue": 0, "partners": {1}, "flagged": [], "flagged_count": 0}
        for window, lang in ((self.window_a, "en_US"), (self.window_b, "zh_CN")):
            env = self.env(context=dict(self.env.context, lang=lang))
            expected = self.Service._activity_texts(env, window.with_env(env).name, counts)[0]
            self.assertEqual(self._activities(window).summary, expected)

    def test_no_recipient_still_logs_the_warning(self):
        """An enterprise without e-mail and without portal user is warned in the
        portal only: the warning is logged, no mail is queued."""
        lonely = self.env["res.partner"].create(
            {
                "name": "Changli Brick Works",
                "is_company": True,
                "qi_uscc": self._uscc(90012),
                "qi_window_id": self.window_a.id,
            }
        )
        instrument = self._instrument(partner=lonely, date_due=DUE)
        mails_before = self.env["mail.mail"].search_count([])
        self._run(SECOND_WARNING)
        warning = self._warnings(instrument)
        self.assertEqual(warning.step, 2)
        self.assertFalse(warning.mail_id)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        # no steward: the window's leader follows it
        self.assertEqual(self._activities(self.window_a).user_id, self.leader)

    def test_enterprise_reads_its_own_warnings(self):
        self._instrument(date_due=DUE)
        self._instrument(partner=self.enterprise_b, date_due=DUE)
        self._run(SECOND_WARNING)
        mine = self.env["qi.ledger.warning"].with_user(self.enterprise_user).search([])
        self.assertEqual(mine.partner_id, self.enterprise)

    # ------------------------------------------------------------------
    # Cost
    # ------------------------------------------------------------------
    def _enterprises(self, count, first):
        """``count`` enterprises of window A with the steward, a portal user each and
        one line due in each ledger."""
        enterprises = self.env["res.partner"].create(
            [
                {
                    "name": f"Batch Enterprise {first + n}",
                    "is_company": True,
                    "email": f"qa{first + n}@batch.example.cn",
                    "qi_uscc": self._uscc(91000 + first + n),
                    "qi_window_id": self.window_a.id,
                    "qi_steward_id": self.staff_a.id,
                    "lang": "zh_CN" if n % 2 else "en_US",
                }
                for n in range(count)
            ]
        )
        for n, enterprise in enumerate(enterprises):
            user = new_test_user(self.env, f"qi_batch_{first + n}", groups="base.group_portal")
            user.partner_id.parent_id = enterprise
            self._instrument(partner=enterprise, date_due=D(2026, 10, 1))
            self._equipment(partner=enterprise, date_due=DUE)
            self._certificate(partner=enterprise, date_due=DUE)
        return enterprises

    def _batch_queries(self, enterprises, today):
        todo = {}
        for model in self.Service._ledger_models():
            for partner_id, lines in self.Service._candidates(model, today, enterprises.ids).items():
                todo.setdefault(partner_id, {})[model] = lines
        self.assertEqual(set(todo), set(enterprises.ids))
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.Service._warn_batch(todo, today, tally={})
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_queries_per_batch_do_not_grow(self):
        """A batch costs the same number of queries for 3 or 6 enterprises (each with
        a portal user and a line in each ledger, in two languages)."""
        today = SECOND_WARNING
        warm_up, small, large = self._enterprises(2, 0), self._enterprises(3, 10), self._enterprises(6, 20)
        with freeze_time(china_datetime(today, datetime.time(10, 0))):
            self._batch_queries(warm_up, today)  # QWeb compiled, the day's activity created
            small_count = self._batch_queries(small, today)
            large_count = self._batch_queries(large, today)
        self.assertEqual(len(self.env["qi.ledger.warning"].search([("partner_id", "in", large.ids)])), 18)
        self.assertEqual(small_count, large_count, "queries per batch grow with its enterprises")
        self.assertLessEqual(large_count, 40)

    def test_candidate_query_reads_the_partial_index(self):
        """The partial index exists on each ledger, with the predicate the candidate
        query repeats (the benchmark shows the plan at 1,000,000 lines)."""
        for model in self.Service._ledger_models():
            table = self.env[model]._table
            self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_due_warning_index"])
            definition = self.env.cr.fetchone()
            self.assertTrue(definition, f"no partial index on {table}")
            self.assertIn(f"WHERE (active AND (warned_step < {FINAL_STEP}))", definition[0])

    def test_staff_read_the_warnings_of_their_window(self):
        self._instrument(date_due=DUE)
        self._instrument(partner=self.enterprise_b, date_due=DUE)
        self._run(SECOND_WARNING)
        warnings = self.env["qi.ledger.warning"].with_user(self.staff_a).search([])
        self.assertEqual(warnings.window_id, self.window_a)
        self.assertFalse(warnings.has_access("write"))


@tagged("post_install", "-at_install")
class TestLedgerWarningsYearEnd(QiProactiveCommon):
    """The due warnings count China's days across the year end (R-6.1.1.3): at
    00:30 on 1 January in Shanghai it is still 31 December in UTC, and a line
    due on 31 December is overdue in China."""

    def test_overdue_from_midnight_in_china_across_the_year_end(self):
        Service = self.env["qi.ledger.warning.service"]
        instrument = self._instrument(date_due=D(2026, 12, 31))
        warnings = self.env["qi.ledger.warning"]
        with freeze_time("2026-12-31 15:30:00"):  # 23:30 on 31 December in China
            Service._cron_warn_due()
        first = warnings.search([("res_id", "=", instrument.id), ("res_model", "=", "qi.instrument")])
        self.assertEqual(len(first), 1, "entered late: one warning for the highest threshold reached")
        self.assertEqual((first.date_sent, first.step, first.is_overdue), (D(2026, 12, 31), 2, False))
        with freeze_time("2026-12-31 16:30:00"):  # 00:30 on 1 January 2027 in China, 31 December in UTC
            Service._cron_warn_due()
            Service._cron_warn_due()
        with freeze_time("2027-01-01 02:00:00"):  # 10:00 the same Chinese day
            Service._cron_warn_due()
        self.env.invalidate_all()
        after = warnings.search([("res_id", "=", instrument.id), ("res_model", "=", "qi.instrument")], order="id")
        self.assertEqual(
            [(w.date_sent, w.step, w.is_overdue) for w in after],
            [(D(2026, 12, 31), 2, False), (D(2027, 1, 1), FINAL_STEP, True)],
        )
        self.assertTrue(instrument.is_flagged)
        self.assertEqual(instrument.with_context(qi_today=D(2027, 1, 1)).due_state, "overdue")
