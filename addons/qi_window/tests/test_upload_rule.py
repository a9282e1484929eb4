from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.qi_window.tools.upload import MAX_UPLOAD_BYTES, check_upload

PDF = b"%PDF-1.4\n%rule test\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@tagged("post_install", "-at_install")
class TestUploadRule(TransactionCase):
    """The one upload rule (R-7.3.1): the content decides the type, the name
    must match it, 10 MB at most; a refusal says why in the user's language."""

    def test_type_comes_from_the_content(self):
        self.assertEqual(check_upload(self.env, "scan.PDF", PDF), "application/pdf")
        for name, content in [
            ("page.html", HTML),  # a page, whatever it is named
            ("page.pdf", HTML),
            ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 64),
            ("scan.html", PDF),  # a PDF under a name a browser would render
            ("scan", PDF),
        ]:
            with self.subTest(name=name), self.assertRaises(UserError):
                check_upload(self.env, name, content)

    def test_size_limit(self):
        self.assertEqual(
            check_upload(self.env, "big.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF))), "application/pdf"
        )
        with self.assertRaises(UserError):
            check_upload(self.env, "big.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF)))

    def test_refusal_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["qi_window"], ["zh_CN"])
        with self.assertRaises(UserError) as refused:
            check_upload(self.env(context={"lang": "zh_CN"}), "page.pdf", HTML)
        self.assertEqual(refused.exception.args[0], "page.pdf：仅接受 PDF、图片、Word、Excel 和 ZIP 文件。")
