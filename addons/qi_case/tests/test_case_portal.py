from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCasePortal(HttpCase, QiCaseCommon):
    """R-5.2.1, R-7.3.1: each portal user sees their own, and nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enterprise_b = cls.env["res.partner"].create({"name": "Foreign Steel Works", "is_company": True})
        cls.provider_q = cls.env["res.partner"].create({
            "name": "Other Testing Centre", "is_company": True, "is_qi_provider": True,
            "qi_uscc": cls._uscc("91130300MA07TQ002"),
        })

        def portal(login, company):
            user = new_test_user(cls.env, login, groups="base.group_portal", password=login + "-pwd-123")
            user.partner_id.parent_id = company
            return user

        cls.user_a = portal("portal_ent_a", cls.enterprise)
        cls.user_b = portal("portal_ent_b", cls.enterprise_b)
        cls.user_p = portal("portal_prov_p", cls.provider)
        cls.user_q = portal("portal_prov_q", cls.provider_q)
        cls.case_a = cls.env["qi.case"].create({
            "subject": "Own Secret Gauges", "partner_id": cls.enterprise.id, "window_id": cls.window_a.id,
            "user_id": cls.staff_a.id, "description": "<p>Own description</p>",
        })
        cls.case_a.action_accept()
        cls.assignment_p = cls.env["qi.case.assignment"].create(
            {"case_id": cls.case_a.id, "provider_id": cls.provider.id, "item_id": cls.item_15.id}
        )
        cls.case_a_cancelled = cls.env["qi.case"].create({
            "subject": "Own Cancelled Demand", "partner_id": cls.enterprise.id, "window_id": cls.window_a.id,
        })
        cls.case_a_cancelled.write({"stage_id": cls.case_a_cancelled._stage("cancelled").id, "close_reason": "Withdrawn"})
        cls.case_b = cls.env["qi.case"].create({
            "subject": "Foreign Boiler Secrets", "partner_id": cls.enterprise_b.id, "window_id": cls.window_b.id,
        })
        cls.missing_id = cls.case_b.id + 100000

    def _get(self, user, url):
        if user:
            self.authenticate(user.login, user.login + "-pwd-123")
        else:
            self.authenticate(None, None)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            return self.url_open(url, allow_redirects=False)

    def test_case_detail_matrix(self):
        own, cancelled, foreign, missing = self.case_a.id, self.case_a_cancelled.id, self.case_b.id, self.missing_id
        expected = {
            # actor: {case id: status}
            self.user_a: {own: 200, cancelled: 200, foreign: 404, missing: 404},
            self.user_b: {own: 404, cancelled: 404, foreign: 200, missing: 404},
            self.user_p: {own: 404, cancelled: 404, foreign: 404, missing: 404},
            self.user_q: {own: 404, cancelled: 404, foreign: 404, missing: 404},
            None: {own: 404, cancelled: 404, foreign: 404, missing: 404},
        }
        for user, cases in expected.items():
            for case_id, status in cases.items():
                with self.subTest(user=user and user.login, case=case_id):
                    response = self._get(user, f"/my/qi/cases/{case_id}")
                    self.assertEqual(response.status_code, status)
                    if status == 404:
                        for secret in ("Own Secret Gauges", "Foreign Boiler Secrets", "Own Cancelled Demand"):
                            self.assertNotIn(secret, response.text)

    def test_case_list_shows_own_only(self):
        body = self._get(self.user_a, "/my/qi/cases").text
        self.assertIn("Own Secret Gauges", body)
        self.assertIn("Own Cancelled Demand", body)
        self.assertNotIn("Foreign Boiler Secrets", body)
        body = self._get(self.user_b, "/my/qi/cases").text
        self.assertNotIn("Own Secret Gauges", body)
        self.assertIn("Foreign Boiler Secrets", body)
        self.assertIn(self._get(None, "/my/qi/cases").status_code, (302, 303))

    def test_tokens(self):
        self.case_b._portal_ensure_token()
        self.case_a._portal_ensure_token()
        url = f"/my/qi/cases/{self.case_b.id}"
        for token in ("wrong", "", self.case_a.access_token):
            with self.subTest(token=token):
                response = self._get(None, f"{url}?access_token={token}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Foreign Boiler Secrets", response.text)
        response = self._get(None, f"{url}?access_token={self.case_b.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Foreign Boiler Secrets", response.text)

    def test_assignment_matrix(self):
        url = f"/my/qi/assignments/{self.assignment_p.id}"
        for user, status in ((self.user_p, 200), (self.user_q, 404), (self.user_a, 404), (self.user_b, 404)):
            with self.subTest(user=user.login):
                response = self._get(user, url)
                self.assertEqual(response.status_code, status)
                if status == 404:
                    self.assertNotIn("Own Secret Gauges", response.text)
        # another provider cannot accept it, even by posting directly
        self.authenticate(self.user_q.login, self.user_q.login + "-pwd-123")
        with mute_logger("odoo.http"):
            response = self.url_open(f"{url}/accept", data={"csrf_token": http.Request.csrf_token(self)}, allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.assignment_p.state, "proposed")

    def test_provider_accepts_and_posts_progress(self):
        self.authenticate(self.user_p.login, self.user_p.login + "-pwd-123")
        base = f"/my/qi/assignments/{self.assignment_p.id}"
        self.url_open(f"{base}/accept", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(self.assignment_p.state, "accepted")
        self.url_open(f"{base}/progress", data={"csrf_token": http.Request.csrf_token(self), "progress": "40", "note": "Samples received"})
        self.assertEqual((self.assignment_p.state, self.assignment_p.progress), ("in_progress", 40))
        notes = self.assignment_p.message_ids.filtered(lambda m: "Samples received" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.author_id, self.user_p.partner_id)
        response = self._get(self.user_p, base)
        self.assertNotIn(self.enterprise.email, response.text, "providers do not get the enterprise's contact data")

    def test_enterprise_submits_a_demand(self):
        self.authenticate(self.user_a.login, self.user_a.login + "-pwd-123")
        response = self.url_open("/my/qi/cases/new", data={
            "csrf_token": http.Request.csrf_token(self), "subject": "Portal demand", "window_id": str(self.window_a.id),
            "item_ids": str(self.item_15.id), "description": "<script>alert(1)</script>Need help",
        })
        self.assertEqual(response.status_code, 200)
        case = self.env["qi.case"].search([("subject", "=", "Portal demand")])
        self.assertEqual(len(case), 1)
        self.assertEqual((case.partner_id, case.channel, case.window_id), (self.enterprise, "online", self.window_a))
        self.assertNotIn("<script", case.description)
        # a demand without subject is refused with a message and creates nothing
        response = self.url_open("/my/qi/cases/new", data={
            "csrf_token": http.Request.csrf_token(self), "subject": "", "window_id": str(self.window_a.id),
        })
        self.assertIn("Say in a few words what you need", response.text)
        self.assertEqual(self.env["qi.case"].search_count([("subject", "=", "")]), 0)

    def test_wrong_upload_type_refused(self):
        self.authenticate(self.user_a.login, self.user_a.login + "-pwd-123")
        response = self.url_open(
            "/my/qi/cases/new",
            data={"csrf_token": http.Request.csrf_token(self), "subject": "With a program", "window_id": str(self.window_a.id)},
            files={"attachments": ("tool.exe", b"MZ\x90\x00binary", "application/x-msdownload")},
        )
        self.assertIn("only PDF, images, Word, Excel and ZIP files are accepted", response.text)
        self.assertFalse(self.env["qi.case"].search([("subject", "=", "With a program")]))

    def test_portal_reads_only_whitelisted_fields(self):
        Case = self.env["qi.case"].with_user(self.user_a)
        case = Case.browse(self.case_a.id)
        readable = set()
        for name in Case._fields:
            try:
                case.read([name])
                readable.add(name)
            except AccessError:
                pass
        self.assertEqual(readable, set(Case._portal_readable_fields()))
        self.assertEqual(Case.search([]), Case.browse((self.case_a | self.case_a_cancelled).ids))
        with self.assertRaises(AccessError):
            case.write({"subject": "Changed by portal"})
