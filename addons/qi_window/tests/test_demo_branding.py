import base64
import re

from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

PLACEHOLDERS = ("YourCompany", "My Company", "Brisbane", "Your logo")


def page_title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@tagged("post_install", "-at_install")
class TestDemoBranding(HttpCase):
    """Issue 17.12: the demo company is the operating organisation, with a
    Chinese name, address and its own logo; pages name it, never a placeholder
    or "Odoo"."""

    def test_company_is_the_operating_organisation(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "秦皇岛市质量基础设施一站式服务运营中心")
        self.assertEqual(
            (company.city, company.state_id, company.country_id.code),
            ("秦皇岛市", self.env.ref("base.state_cn_HE"), "CN"),
        )
        self.assertIn("海港区", company.street)
        with file_open("base/static/img/res_company_logo.png", "rb") as placeholder:
            self.assertNotEqual(
                company.logo,
                base64.b64encode(placeholder.read()),
                "the logo is the organisation's, not Odoo's 'Your logo' image",
            )
        self.assertTrue(company.logo)
        Partner = self.env["res.partner"].with_context(active_test=False)
        for placeholder in PLACEHOLDERS:
            with self.subTest(placeholder=placeholder):
                self.assertFalse(
                    Partner.search_count(
                        [
                            "|",
                            "|",
                            ("name", "ilike", placeholder),
                            ("company_name", "ilike", placeholder),
                            ("city", "ilike", placeholder),
                        ]
                    )
                )
        self.assertEqual(self.env.ref("base.user_admin").name, "系统管理员")

    def test_public_pages_name_the_organisation(self):
        company = self.env.ref("base.main_company")
        for path in ("/qi/windows", "/web/login"):
            with self.subTest(path=path):
                page = self.url_open(path)
                self.assertEqual(page.status_code, 200)
                self.assertNotEqual(page_title(page.text), "Odoo")
                for placeholder in PLACEHOLDERS:
                    self.assertNotIn(placeholder, page.text)
        self.assertEqual(page_title(self.url_open("/web/login").text), company.name)
        self.assertIn(company.name, self.url_open("/qi/windows").text, "the footer names the organisation")
        logo = self.url_open("/web/binary/company_logo")
        self.assertEqual(logo.content, base64.b64decode(company.logo_web), "the pages show the organisation's logo")
