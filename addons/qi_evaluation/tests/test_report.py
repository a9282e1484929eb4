from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import QiEvaluationCommon


@tagged("post_install", "-at_install")
class TestReport(QiEvaluationCommon):
    """The evaluation report: scores per element, findings, improvements, signatures."""

    def setUp(self):
        super().setUp()
        self.evaluation = self._evaluation(evaluation_type="adhoc_coordination")
        self.evaluation.action_start()
        self._finding(self.evaluation, "B1.5", "Fire exit blocked by boxes", owner=self.staff_a)
        with freeze_time("2025-09-26 10:00:00"):
            self.evaluation.action_done()
        self.report = self.env.ref("qi_evaluation.qi_evaluation_report_action")

    def test_pdf_report_renders_with_the_window_scores(self):
        Report = self.env["ir.actions.report"].with_user(self.coordinator)
        # the demo installs zh_CN, which makes the report Chinese: this test reads it in English
        english = patch.object(type(self.evaluation), "_get_report_lang", lambda evaluation: "en_US")
        english.start()
        self.addCleanup(english.stop)
        # in test mode Odoo renders the PDF report as HTML (no wkhtmltopdf call)
        content, report_type = Report._render_qweb_pdf(self.report, self.evaluation.ids)
        self.assertIn(report_type, ("html", "pdf"))
        if report_type == "pdf":
            self.assertTrue(content.startswith(b"%PDF"))
            content, report_type = Report._render_qweb_html(self.report, self.evaluation.ids)
        html = content.decode() if isinstance(content, bytes) else content
        expected = [
            "Evaluation Window A",
            self.evaluation.name,
            "%.1f" % self.evaluation.total_score,
            "%.1f" % self.evaluation.score_rate,
            "Fire exit blocked by boxes",
            "Improvement Status",
            "Staff A",
            "(signature)",
            *self.template.element_ids.mapped("name"),
        ]
        missing = [text for text in expected if text not in html]
        self.assertFalse(missing, "the report shows the window, its scores per element, findings and improvements")
        # construction: 25 points, one finding on B1.5 (2 points) and no facility recorded (B1.6: 0 of 5)
        construction = self.evaluation._get_report_elements()[0]
        self.assertEqual((construction["max"], construction["score"]), (25.0, 18.0))

    def test_report_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["qi_evaluation"], ["zh_CN"], overwrite=True)
        html, _type = (
            self.env["ir.actions.report"].with_user(self.staff_a)._render_qweb_html(self.report, self.evaluation.ids)
        )
        html = html.decode()
        expected = ["质量基础设施一站式服务窗口评价报告", "各要素得分", "建设", "改进情况", "Evaluation Window A"]
        missing = [text for text in expected if text not in html]
        self.assertFalse(missing, "the report is in Chinese")

    def test_report_is_a_real_pdf_with_its_chinese_text(self):
        """wkhtmltopdf and a Chinese font are installed (.ci/run): the report is a
        PDF whose Chinese text pdftotext reads back, not Odoo's HTML fallback."""
        import subprocess
        import unicodedata

        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["qi_evaluation"], ["zh_CN"], overwrite=True)
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.staff_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(self.report, self.evaluation.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        # the CJK font maps some ideographs to their Kangxi-radical twins (一 as ⼀): NFKC folds them
        text = "".join(unicodedata.normalize("NFKC", text).split())
        expected = [
            "质量基础设施一站式服务窗口评价报告",
            "各要素得分",
            "改进情况",
            "EvaluationWindowA",
            self.evaluation.name,
        ]
        self.assertFalse([t for t in expected if t not in text], text[:500])
