from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveCron(QiArchiveCommon):
    """R-9.b: finished documents are archived automatically, each once."""

    def _archives_of(self, source):
        return self.env["qi.archive.record"].search(
            [("source_model", "=", source._name), ("source_id", "=", source.id)]
        )

    def test_auto_archive_archives_each_closed_case_once(self):
        self.env["ir.config_parameter"].set_param("qi_archive.case_archive_days", 30)
        closed = self._closed_case(files=[("cron.txt", b"cron archived file")])
        running = self._case()
        cron = self.env["qi.archive.record"]
        cron._cron_auto_archive()
        self.assertFalse(self._archives_of(closed), "archived only 30 days after closure")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            archived = cron._cron_auto_archive()
            self.assertIn(closed, [self.env[r.source_model].browse(r.source_id) for r in archived])
            record = self._archives_of(closed)
            self.assertEqual(len(record), 1)
            self.assertEqual(record.archived_by_id, self.env.user)
            self.assertEqual(record.category_id, self.env.ref("qi_archive.category_case"))
            self.assertEqual(len(record.file_ids), 2)
            again = cron._cron_auto_archive()
            self.assertFalse(again.filtered(lambda r: r.source_model == "qi.case" and r.source_id == closed.id))
            self.assertEqual(len(self._archives_of(closed)), 1)
        self.assertFalse(self._archives_of(running))

    def test_auto_archive_done_evaluations_and_closed_improvements(self):
        evaluation = (
            self.env["qi.evaluation"]
            .with_user(self.leader)
            .create(
                {
                    "window_id": self.window.id,
                    "evaluation_type": "internal",
                    "template_id": self.env.ref("qi_evaluation.template_annex_b_v1").id,
                    "date_from": "2025-01-01",
                    "date_to": "2025-12-31",
                }
            )
        )
        self.env["qi.archive.record"]._cron_auto_archive()
        self.assertFalse(self._archives_of(evaluation))
        evaluation.action_start()
        evaluation.action_done()
        self.env["qi.archive.record"]._cron_auto_archive()
        record = self._archives_of(evaluation)
        self.assertEqual((len(record), record.source_type, record.window_id), (1, "evaluation", self.window))
        self.env["qi.archive.record"]._cron_auto_archive()
        self.assertEqual(len(self._archives_of(evaluation)), 1)
        self.assertEqual(
            self.env["qi.improvement"]._qi_archive_auto_domain(),
            [("state", "=", "closed")],
            "improvements are archived once a verification found them effective",
        )

    def test_a_failing_document_does_not_stop_the_others(self):
        first = self._closed_case()
        second = self._closed_case()
        archive_class = type(self.env["qi.archive.record"])
        render = archive_class._qi_render_frozen

        def broken_render(archive, source):
            if source == first:
                raise ValueError("the report of this case cannot render")
            return render(archive, source)

        with (
            patch.object(archive_class, "_qi_render_frozen", broken_render),
            freeze_time(fields.Datetime.now() + timedelta(days=31)),
            self.assertLogs("odoo.addons.qi_archive.models.qi_archive_record", level="ERROR"),
        ):
            self.env["qi.archive.record"]._cron_auto_archive()
        self.assertFalse(self._archives_of(first))
        self.assertEqual(len(self._archives_of(second)), 1)
