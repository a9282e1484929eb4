from odoo.tests import tagged

from .common import QiArchiveCommon

MARKER = "QIARCHIVEDRATERMARK"


@tagged("post_install", "-at_install")
class TestArchiveRatingPrivacy(QiArchiveCommon):
    """R-8.1, R-9.a: the frozen document of an archived case shows its ratings
    but never who gave them, whoever archives it: the leader reads the rater,
    the scheduled archiving runs as the system, and the frozen document is
    then read by the archive's readers (a grant holder may be the rated staff)."""

    def _rated_closed_case(self):
        case = self._closed_case()
        rater = self.portal.partner_id
        rater.name = f"Rater {MARKER}"
        self.env["qi.case.rating"]._rate(case, rater, "1", comment="The report came late")
        return case

    def _frozen(self, record):
        frozen = record.file_ids.filtered(lambda line: line.kind == "frozen")
        self.assertEqual(len(frozen), 1)
        # sudo: the test inspects the frozen document as stored
        return frozen.attachment_id.sudo().raw.decode()

    def test_the_frozen_case_names_no_rater(self):
        Record = self.env["qi.archive.record"]
        for archiver in ("leader", "system"):
            with self.subTest(archiver=archiver):
                case = self._rated_closed_case()
                if archiver == "leader":
                    record = Record.with_user(self.leader)._qi_archive_source(case.with_user(self.leader))
                else:
                    record = Record._qi_archive_source(case)  # as the scheduled archiving does
                frozen = self._frozen(record)
                # the ratings are frozen with the case (so the rater would show if it were)
                self.assertIn("Very Dissatisfied", frozen)
                self.assertNotIn(MARKER, frozen)
