import subprocess
import unicodedata
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import QiCaseCommon


def pdf_text(content):
    """The text of a PDF, read back with poppler's pdftotext (installed by .ci/run),
    without its layout spaces: Chinese is compared glyph by glyph. The CJK font
    maps some ideographs to their Kangxi-radical twins (一 as ⼀): NFKC folds them."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return "".join(unicodedata.normalize("NFKC", result.stdout.decode()).split())


@contextmanager
def real_pdf():
    """Odoo's test mode renders a PDF report as HTML unless the context asks for
    ``force_report_rendering``; an HTTP request cannot carry that context, so
    every rendering of the block is forced: wkhtmltopdf runs for real."""
    original = IrActionsReport._pre_render_qweb_pdf

    def forced(self, *args, **kwargs):
        return original(self.with_context(force_report_rendering=True), *args, **kwargs)

    with patch.object(IrActionsReport, "_pre_render_qweb_pdf", forced):
        yield


@tagged("post_install", "-at_install")
class TestCasePdf(HttpCase, QiCaseCommon):
    """The case summary is a real PDF with its Chinese text, for staff and for
    the enterprise on the portal (R-7.3.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_chinese()
        cls.staff_a.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.enterprise_user = cls._portal_user("pdf_enterprise", cls.enterprise)
        cls.enterprise_user.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.case = cls._case(cls, subject="压力表校准", description="<p>十二只压力表，年度审核前完成。</p>")
        cls.report = cls.env.ref("qi_case.action_report_qi_case_summary")
        # the report's asset bundles are built by a first rendering: the report
        # routes run on a read-only cursor, which cannot store them
        cls.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            cls.report, cls.case.ids
        )

    def _assert_chinese_summary(self, content):
        self.assertTrue(content.startswith(b"%PDF-"), "a PDF, not Odoo's HTML fallback")
        text = pdf_text(content)
        # the Chinese text: the demand, its details, the labels (Latin glyphs of the
        # web font carry no text map for pdftotext when the report's CSS loads)
        expected = ["压力表校准", "十二只压力表，年度审核前完成", "办理阶段与时限", "第一受理人"]
        self.assertFalse(
            [t for t in expected if "".join(unicodedata.normalize("NFKC", t).split()) not in text], text[:500]
        )

    def test_staff_render_the_summary_as_pdf(self):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.staff_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(self.report, self.case.ids)
        )
        self.assertEqual(report_type, "pdf")
        self._assert_chinese_summary(content)

    def test_enterprise_downloads_the_summary_as_pdf(self):
        self.authenticate(self.enterprise_user.login, self.enterprise_user.login + "-pwd-123")
        with real_pdf():
            response = self.url_open(f"/my/qi/cases/{self.case.id}/report?download=1", timeout=120)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self._assert_chinese_summary(response.content)

    def test_back_office_print_is_a_pdf_without_the_html_fallback_notice(self):
        """Without wkhtmltopdf the web client prints HTML behind a notice whose
        link shows as raw markup; with it the state is "ok" and no notice shows."""
        self.authenticate(self.staff_a.login, self.staff_a.login)
        self.assertEqual(self.make_jsonrpc_request("/report/check_wkhtmltopdf", {}), "ok")
        with real_pdf():
            response = self.url_open(f"/report/pdf/qi_case.report_qi_case_summary/{self.case.id}", timeout=120)
        self.assertEqual(response.status_code, 200)
        self._assert_chinese_summary(response.content)
