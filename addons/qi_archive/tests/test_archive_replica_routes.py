from types import SimpleNamespace

import odoo.http
from odoo.tests import tagged

from odoo.addons.qi_archive.controllers.portal import QiArchiveCasePortal

from .common import QiArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveReplicaRoutes(QiArchiveCommon):
    """Issue 14, R-9.b: a case's files and report are served by the read replica
    until the case is archived; from then on every use is logged, so they are
    served by the primary (a read-only request that writes is replayed there
    with a warning)."""

    def _reads_only(self, **args):
        # the decision Odoo takes before serving the route (odoo/http.py, _serve_db)
        odoo.http._request_stack.push(SimpleNamespace(env=self.env, httprequest=SimpleNamespace(method="GET")))
        try:
            return QiArchiveCasePortal()._qi_case_file_readonly(None, args)
        finally:
            odoo.http._request_stack.pop()

    def test_archived_case_files_and_report_go_to_the_primary(self):
        running = self._case()
        running_file = self.env["ir.attachment"].create(
            {"name": "running.txt", "raw": b"running", "res_model": "qi.case", "res_id": running.id}
        )
        closed = self._closed_case(files=[("scan.txt", b"archived scan")])
        closed_file = self.env["ir.attachment"].search(
            [("res_model", "=", "qi.case"), ("res_id", "=", closed.id), ("name", "=", "scan.txt")]
        )
        self.assertTrue(self._reads_only(case_id=closed.id), "not archived yet: the replica serves its report")
        self.assertTrue(self._reads_only(case_id=closed.id, attachment_id=closed_file.id))
        self._archive(closed)
        self.assertFalse(self._reads_only(case_id=closed.id), "an archived case's report is logged")
        self.assertFalse(self._reads_only(case_id=closed.id, attachment_id=closed_file.id))
        self.assertTrue(self._reads_only(case_id=running.id))
        self.assertTrue(self._reads_only(case_id=running.id, attachment_id=running_file.id))
