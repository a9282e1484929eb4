from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_cron import IrCron

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestCronContext(QiArchiveCommon, HttpCase):
    """A user's RPC context does not steer the cron batching helper: the
    integrity check a staff member runs from the list neither commits part-way
    nor rewrites the progress row of the scheduled action (R-9.a)."""

    def test_rpc_context_does_not_reach_the_cron_progress(self):
        self._archive(self._closed_case(files=[("scan.txt", b"cron context scan")]))
        cron = self.env.ref("qi_archive.ir_cron_check_integrity")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
        self.authenticate(self.staff.login, self.staff.login + "x" * (8 - len(self.staff.login)))
        commits = []
        original = IrCron._commit_progress

        def spy(cron_self, *args, **kwargs):
            commits.append(args)
            return original(cron_self, *args, **kwargs)

        with patch.object(IrCron, "_commit_progress", spy):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/qi.archive.record/action_check_all",
                {
                    "model": "qi.archive.record",
                    "method": "action_check_all",
                    "args": [],
                    "kwargs": {
                        "context": {
                            "ir_cron_progress_id": progress.id,
                            "cron_id": cron.id,
                            "cron_end_time": 0.0,
                        }
                    },
                },
            )
        self.assertFalse(commits, "a user's request committed part-way through the cron helper")
        progress.invalidate_recordset()
        self.assertEqual((progress.done, progress.remaining), (0, 0), "the progress row of the cron was rewritten")
        report = self.env["qi.archive.integrity.report"].search([("user_id", "=", self.staff.id)])
        self.assertEqual(report.state, "ok", "the check itself ran to its end in the caller's transaction")
