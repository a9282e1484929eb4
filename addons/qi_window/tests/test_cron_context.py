from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.base.models.ir_actions import IrActionsServer
from odoo.addons.base.models.ir_cron import IrCron


@tagged("post_install", "-at_install")
class TestCronContext(TransactionCase):
    """The batching helper of the suite's scheduled actions honours the cron's
    context keys only inside a run of the scheduler, never from a caller's
    context (which an RPC client writes as it likes)."""

    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("qi_window.ir_cron_facility_check")
        self.progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id, "remaining": 0, "done": 0})
        self.keys = {"ir_cron_progress_id": self.progress.id, "cron_id": self.cron.id, "cron_end_time": 0.0}

    def _run(self, env):
        """The facility cron's batches in ``env``; returns the commits it asked for."""
        calls = []
        with patch.object(IrCron, "_commit_progress", lambda cron, *args, **kwargs: calls.append(args) or 0.0):
            env["qi.window.facility"]._cron_check_facilities()
        return calls

    def test_caller_context_is_ignored(self):
        staff = self.env["res.users"].search(
            [("group_ids", "in", self.env.ref("qi_window.group_qi_user").ids)], limit=1
        )
        for env in (self.env(context=self.keys), self.env(user=staff or self.env.user, context=self.keys)):
            self.assertEqual(self._run(env), [], "a caller's context made the batching helper commit")

    def test_a_scheduler_run_reports_progress(self):
        reported = []
        # a run of the job as ir.cron starts it, without the commit that tests forbid
        cron = self.cron.with_context(**self.keys)
        with (
            patch.object(IrActionsServer, "run", lambda action: reported.extend(self._run(action.env))),
            patch.object(self.env.cr, "commit", lambda: None),
        ):
            cron._callback(self.cron.cron_name, self.cron.ir_actions_server_id.id)
        self.assertTrue(reported, "inside a scheduler run the progress is reported")
