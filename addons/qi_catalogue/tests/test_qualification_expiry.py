from datetime import date

from odoo.tests import freeze_time, tagged

from .common import PDF_B64, QiCatalogueCommon, create_provider


@tagged("post_install", "-at_install")
class TestQualificationExpiry(QiCatalogueCommon):
    """A qualification's state, and the daily warning before it expires:
    one activity per qualification and threshold, never twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"]
        Param.set_param("qi_catalogue.qualification_expiring_days", 45)
        Param.set_param("qi_catalogue.qualification_warning_days", "60,30,7")
        cls.provider = create_provider(cls.env, "Expiring Lab", 101, qi_manager_id=cls.staff.id)
        cls.qualification = cls.env["qi.provider.qualification"].create(
            {
                "provider_id": cls.provider.id,
                "qualification_type": "cnas_lab",
                "number": "CNAS L0001",
                "date_from": "2021-07-01",
                "date_to": "2026-06-30",
                "scope_item_ids": [(6, 0, cls.item_calibration.ids)],
                "certificate_file": PDF_B64,
                "certificate_filename": "cnas.pdf",
            }
        )
        cls.activity_type = cls.env.ref("qi_catalogue.mail_activity_type_qualification_expiry")

    def _activities(self, qualification):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "qi.provider.qualification"),
                ("res_id", "=", qualification.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_cron(self):
        self.env["qi.provider.qualification"]._cron_warn_expiry()

    def test_state_follows_the_configured_expiring_days(self):
        Qualification = self.env["qi.provider.qualification"]
        with freeze_time("2026-05-01"):  # 60 days left, expiring from 45
            self.qualification.invalidate_recordset(["state"])
            self.assertEqual(self.qualification.state, "valid")
            self.assertIn(self.qualification, Qualification.search([("state", "=", "valid")]))
        with freeze_time("2026-05-20"):  # 41 days left
            self.qualification.invalidate_recordset(["state", "days_to_expiry"])
            self.assertEqual(self.qualification.state, "expiring")
            self.assertEqual(self.qualification.days_to_expiry, 41)
            self.assertIn(self.qualification, Qualification.search([("state", "=", "expiring")]))
            self.assertNotIn(self.qualification, Qualification.search([("state", "in", ["valid", "expired"])]))
            self.assertEqual(self.provider.qi_qualification_alert_count, 1)
        with freeze_time("2026-07-01"):
            self.qualification.invalidate_recordset(["state"])
            self.assertEqual(self.qualification.state, "expired")
            self.assertIn(self.qualification, Qualification.search([("state", "=", "expired")]))
            self.assertIn(self.qualification, Qualification.search([("state", "!=", "valid")]))

    def test_one_activity_per_threshold_never_twice(self):
        with freeze_time("2026-04-20"):  # 71 days left: no threshold reached
            self._run_cron()
            self.assertFalse(self._activities(self.qualification))
        with freeze_time("2026-05-01"):  # 60 days left
            self._run_cron()
            activities = self._activities(self.qualification)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.staff, "the provider's manager is warned")
            self.assertEqual(activities.date_deadline, date(2026, 6, 30))
            self.assertIn("Expiring Lab", activities.summary)
            self.assertIn("in 60 days", activities.summary)
            self._run_cron()  # same day again
            self.assertEqual(len(self._activities(self.qualification)), 1)
        with freeze_time("2026-05-15"):  # 46 days: between thresholds
            self._run_cron()
            self.assertEqual(len(self._activities(self.qualification)), 1)
        with freeze_time("2026-05-31"):  # 30 days
            self._run_cron()
            self._run_cron()
            self.assertEqual(len(self._activities(self.qualification)), 2)
        with freeze_time("2026-06-25"):  # 5 days, past the 7-day threshold
            self._run_cron()
            self.assertEqual(len(self._activities(self.qualification)), 3)
        with freeze_time("2026-07-10"):  # expired: every threshold already warned
            self._run_cron()
            self.assertEqual(len(self._activities(self.qualification)), 3)
        warnings = self.qualification.warning_ids
        self.assertEqual(sorted(warnings.mapped("threshold_days")), [7, 30, 60])
        self.assertEqual(set(warnings.mapped("date_to")), {date(2026, 6, 30)})
        self.assertEqual(warnings.user_id, self.staff)

    def test_renewed_qualification_is_warned_again(self):
        with freeze_time("2026-05-01"):
            self._run_cron()
        self.qualification.write({"date_from": "2026-07-01", "date_to": "2027-06-30"})
        with freeze_time("2027-05-01"):
            self._run_cron()
            self._run_cron()
        self.assertEqual(len(self._activities(self.qualification)), 2)
        self.assertEqual(
            sorted((w.threshold_days, str(w.date_to)) for w in self.qualification.warning_ids),
            [(60, "2026-06-30"), (60, "2027-06-30")],
        )

    def test_late_entry_gets_one_activity_for_all_crossed_thresholds(self):
        window_provider = create_provider(self.env, "Unmanaged Lab", 102)
        self.env["qi.provider.station"].create(
            {"provider_id": window_provider.id, "window_id": self.window.id, "date_from": "2026-01-01"}
        )
        late = self.env["qi.provider.qualification"].create(
            {
                "provider_id": window_provider.id,
                "qualification_type": "cma",
                "number": "220312349999",
                "date_to": "2026-06-30",
            }
        )
        with freeze_time("2026-06-26"):
            self._run_cron()
            self._run_cron()
        activities = self._activities(late)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.manager, "without a manager, the window's leader is warned")
        self.assertEqual(sorted(late.warning_ids.mapped("threshold_days")), [7, 30, 60])
        self.assertEqual(late.warning_ids.activity_id, activities)

    def test_expired_without_warning_and_archived(self):
        archived = self.env["qi.provider.qualification"].create(
            {
                "provider_id": self.provider.id,
                "qualification_type": "other",
                "number": "OLD-1",
                "date_to": "2026-06-30",
                "active": False,
            }
        )
        with freeze_time("2026-08-01"):
            self._run_cron()
        activities = self._activities(self.qualification)
        self.assertEqual(len(activities), 1)
        self.assertIn("expired on", activities.summary)
        self.assertFalse(self._activities(archived), "archived qualifications are not warned")
