from odoo.tests import HttpCase, new_test_user, tagged

from .common import PDF_B64, PDF_BYTES, create_provider


@tagged("post_install", "-at_install")
class TestPortalCertificate(HttpCase):
    """A provider's portal user downloads its own certificates, never another
    provider's, whatever the URL (/web/content)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.provider_a = create_provider(env, "Portal Provider A", 501)
        cls.provider_b = create_provider(env, "Portal Provider B", 502)
        Qualification = env["qi.provider.qualification"]
        cls.qualification_a = Qualification.create(
            {
                "provider_id": cls.provider_a.id,
                "qualification_type": "cnas_lab",
                "number": "CNAS LA",
                "certificate_file": PDF_B64,
                "certificate_filename": "a.pdf",
            }
        )
        cls.qualification_b = Qualification.create(
            {
                "provider_id": cls.provider_b.id,
                "qualification_type": "cnas_lab",
                "number": "CNAS LB",
                "certificate_file": PDF_B64,
                "certificate_filename": "b.pdf",
            }
        )
        cls.portal_a = new_test_user(env, "qi_cert_portal_a", groups="base.group_portal", name="Cert Portal A")
        cls.portal_a.partner_id.parent_id = cls.provider_a

    def _attachment(self, qualification):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "qi.provider.qualification"),
                ("res_id", "=", qualification.id),
                ("res_field", "=", "certificate_file"),
            ]
        )

    def test_other_providers_certificate_is_refused(self):
        self.authenticate("qi_cert_portal_a", "qi_cert_portal_a")
        attachment_b = self._attachment(self.qualification_b)
        for url in (
            f"/web/content/{attachment_b.id}",
            f"/web/content/{attachment_b.id}?download=true",
            f"/web/content/qi.provider.qualification/{self.qualification_b.id}/certificate_file",
            f"/web/content/ir.attachment/{attachment_b.id}/datas",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(PDF_BYTES, response.content)

    def test_own_certificate_is_served(self):
        self.authenticate("qi_cert_portal_a", "qi_cert_portal_a")
        response = self.url_open(
            f"/web/content/qi.provider.qualification/{self.qualification_a.id}/certificate_file?download=true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF_BYTES)

    def test_public_visitor_gets_nothing(self):
        attachment_a = self._attachment(self.qualification_a)
        for url in (
            f"/web/content/{attachment_a.id}",
            f"/web/content/qi.provider.qualification/{self.qualification_a.id}/certificate_file",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(PDF_BYTES, response.content)
