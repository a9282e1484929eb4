from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestVerification(QiEvaluationCommon):
    """R-8.3.2, R-8.3.3: corrections and corrective actions, and an effectiveness
    verification by someone other than the owner, enforced on the server."""

    def setUp(self):
        super().setUp()
        evaluation = self._evaluation()
        evaluation.action_start()
        self._finding(evaluation, "B1.2", "Service process board out of date", owner=self.staff_a)
        with freeze_time("2025-09-26 10:00:00"):
            evaluation.with_user(self.leader).action_done()
        self.improvement = evaluation.improvement_ids
        self.assertEqual(self.improvement.owner_id, self.staff_a)

    def _work(self, user=None):
        """The owner works the improvement as window staff would, through RPC-able methods."""
        improvement = self.improvement.with_user(user or self.staff_a)
        improvement.write(
            {
                "root_cause": "Rules revised without updating the board",
                "plan": "<p>Replace the board within 5 working days</p>",
            }
        )
        improvement.action_start()
        Action = self.env["qi.improvement.action"].with_user(user or self.staff_a)
        correction = Action.create(
            {
                "improvement_id": improvement.id,
                "name": "Replace the board",
                "action_type": "correction",
                "date_due": "2025-10-10",
            }
        )
        corrective = Action.create(
            {
                "improvement_id": improvement.id,
                "name": "Check boards after each rule revision",
                "action_type": "corrective_action",
                "date_due": "2025-10-20",
            }
        )
        return correction, corrective

    def _verify(self, user, result="effective", note="Checked on site"):
        return (
            self.env["qi.improvement.verify.wizard"]
            .with_user(user)
            .create({"improvement_id": self.improvement.id, "result": result, "note": note})
            .action_confirm()
        )

    def test_cannot_close_with_open_actions_as_staff_via_rpc(self):
        with freeze_time("2025-10-09 10:00:00"):
            correction, _corrective = self._work()
            correction.with_user(self.staff_a).action_done()
            improvement = self.improvement.with_user(self.staff_a)
            # straight to closed, as an RPC client would write it
            with self.assertRaises(ValidationError) as caught:
                improvement.write({"state": "closed"})
            self.assertIn("open actions", str(caught.exception))
            with self.assertRaises(ValidationError):
                improvement.action_submit()
            self.assertEqual(self.improvement.state, "in_progress")
            # the protected dates cannot be moved either
            with self.assertRaises(AccessError):
                improvement.write({"date_deadline": "2025-12-31"})

    def test_cannot_close_without_an_effective_verification(self):
        with freeze_time("2025-10-09 10:00:00"):
            for action in self._work():
                action.with_user(self.staff_a).action_done()
            with self.assertRaises(ValidationError) as caught:
                self.improvement.with_user(self.staff_a).write({"state": "closed"})
            self.assertIn("verification", str(caught.exception))
            with self.assertRaises(ValidationError):
                self.improvement.with_user(self.leader).write({"state": "closed"})

    def test_verification_by_owner_refused(self):
        with freeze_time("2025-10-09 10:00:00"):
            for action in self._work():
                action.with_user(self.staff_a).action_done()
            self.improvement.with_user(self.staff_a).action_submit()
            self.assertEqual(self.improvement.state, "to_verify")
            with self.assertRaises(ValidationError) as caught:
                self._verify(self.staff_a)
            self.assertIn("cannot verify", str(caught.exception))
            # nor by naming somebody else as the verifier over RPC
            with self.assertRaises(ValidationError):
                self.env["qi.improvement.verification"].with_user(self.staff_a).create(
                    {
                        "improvement_id": self.improvement.id,
                        "verifier_id": self.leader.id,
                        "result": "effective",
                        "note": "Looks fine",
                    }
                )
            # a colleague who is not an evaluator, leader or coordinator is not entitled either
            with self.assertRaises(ValidationError):
                self._verify(self.staff_a2)
            self.assertEqual(self.improvement.state, "to_verify")
            # nor is the owner handed off so that he could verify his own work
            with self.assertRaises(UserError):
                self.improvement.with_user(self.leader).write({"owner_id": self.staff_a2.id})
            self.assertEqual(self.improvement.owner_id, self.staff_a)
            # and actions cannot change while it waits for verification
            with self.assertRaises(UserError):
                self.env["qi.improvement.action"].with_user(self.staff_a).create(
                    {"improvement_id": self.improvement.id, "name": "Late addition"}
                )
            self._verify(self.leader)
        self.assertEqual(self.improvement.state, "closed")
        self.assertEqual(self.improvement.date_closed, date(2025, 10, 9))
        self.assertTrue(self.improvement.closed_on_time)
        self.assertEqual(self.improvement.on_time_rate, 100.0)
        self.assertEqual(self.improvement.verification_ids.verifier_id, self.leader)
        # verifications are records
        with self.assertRaises(UserError):
            self.improvement.verification_ids.with_user(self.leader).write({"result": "not_effective"})
        with self.assertRaises(UserError):
            self.improvement.with_user(self.leader).write({"state": "in_progress"})

    def test_not_effective_reopens_with_a_new_15_day_deadline(self):
        with freeze_time("2025-10-09 10:00:00"):
            for action in self._work():
                action.with_user(self.staff_a).action_done()
            self.improvement.with_user(self.staff_a).action_submit()
        with freeze_time("2025-10-10 10:00:00"):
            self._verify(self.leader, result="not_effective", note="Board replaced, but no check after revisions")
        improvement = self.improvement
        self.assertEqual(improvement.state, "in_progress")
        self.assertEqual(improvement.reopen_count, 1)
        # 15 PRC working days after 2025-10-10 (Saturday 2025-10-11 is a make-up working day)
        self.assertEqual(improvement.date_deadline, date(2025, 10, 30))
        self.assertEqual(improvement.date_deadline, self.env["qi.workday"].add_working_days(date(2025, 10, 10), 15))
        self.assertEqual(improvement.date_deadline_initial, date(2025, 10, 23))
        self.assertEqual(improvement.verification_ids.new_deadline, date(2025, 10, 30))
        owner_activity = improvement.activity_ids.filtered(lambda a: a.user_id == self.staff_a)
        self.assertEqual(owner_activity.date_deadline, date(2025, 10, 30))
        # the owner works it again; a second verification closes it, after the new deadline
        with freeze_time("2025-10-27 10:00:00"):
            action = (
                self.env["qi.improvement.action"]
                .with_user(self.staff_a)
                .create(
                    {
                        "improvement_id": improvement.id,
                        "name": "Name a person to check boards",
                        "action_type": "corrective_action",
                    }
                )
            )
            action.action_done()
            improvement.with_user(self.staff_a).action_submit()
        with freeze_time("2025-10-31 10:00:00"):
            self._verify(self.leader)
        self.assertEqual(improvement.state, "closed")
        self.assertFalse(improvement.closed_on_time, "closed after the new deadline")

    def test_staff_cannot_cancel_an_improvement(self):
        with self.assertRaises(AccessError):
            self.improvement.with_user(self.staff_a).write({"state": "cancelled"})
        self.improvement.with_user(self.leader).action_cancel()
        self.assertEqual(self.improvement.state, "cancelled")

    def test_done_actions_verifications_and_improvements_are_kept(self):
        """R-8.3.3: what was done and verified stays; only an open action of a running improvement goes."""
        with freeze_time("2025-10-09 10:00:00"):
            correction, corrective = self._work()
            correction.with_user(self.staff_a).action_done()
            with self.assertRaises(UserError):
                correction.with_user(self.staff_a).unlink()
            corrective.with_user(self.staff_a).unlink()
            self.assertFalse(corrective.exists())
            self.improvement.with_user(self.staff_a).action_submit()
            self._verify(self.leader)
        verification = self.improvement.verification_ids
        with self.assertRaises(AccessError):
            verification.with_user(self.leader).unlink()
        with self.assertRaises(UserError):
            self.improvement.with_user(self.leader).unlink()
        self.assertTrue(verification.exists() and correction.exists() and self.improvement.exists())

    def test_actions_of_a_cancelled_improvement_are_kept(self):
        """R-8.3.2: once the improvement is cancelled, its open actions are not deleted either."""
        with freeze_time("2025-10-09 10:00:00"):
            correction, _corrective = self._work()
        self.improvement.with_user(self.leader).action_cancel()
        with self.assertRaises(UserError):
            correction.with_user(self.staff_a).unlink()
        self.assertTrue(correction.exists())
