from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

QUIET = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
HTML = b"<!DOCTYPE html><html><body><script>alert('doors')</script>doors page</body></html>"


@tagged("post_install", "-at_install")
class TestCaseDoors(HttpCase, QiCaseCommon):
    """What Odoo's generic doors give on the cases: no rater, follower, file
    type or existence leaks past the suite's rules (R-8.1, R-5.2.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rater = new_test_user(
            cls.env,
            "doors_rater",
            groups="base.group_portal",
            name="Rater Zhao Minghui",
            password="doors_rater-pwd-123",
        )
        cls.rater.partner_id.parent_id = cls.enterprise
        # the rated handler may export what he reads: exports are one more door
        cls.staff_a.group_ids = [(4, cls.env.ref("base.group_allow_export").id)]
        cls.enterprise_b = cls.env["res.partner"].create({"name": "Doors Foreign Works", "is_company": True})
        cls.case_a = cls.env["qi.case"].create(
            {
                "subject": "Doors own case",
                "partner_id": cls.enterprise.id,
                "window_id": cls.window_a.id,
                "user_id": cls.staff_a.id,
                "item_ids": [(6, 0, cls.item_15.ids)],
            }
        )
        cls.case_a.action_accept()
        cls.case_a.message_subscribe(partner_ids=(cls.enterprise | cls.staff_a.partner_id).ids)
        cls.case_b = cls.env["qi.case"].create(
            {
                "subject": "Doors foreign case",
                "partner_id": cls.enterprise_b.id,
                "window_id": cls.window_b.id,
                "item_ids": [(6, 0, cls.item_5.ids)],
            }
        )

    def _login(self, user, password=None):
        self.authenticate(user.login, password or user.login + "-pwd-123")

    def _post(self, url, data=None, files=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        with mute_logger(*QUIET):
            return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _rpc(self, route, params):
        with mute_logger(*QUIET):
            response = self.url_open(route, json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params})
        self.assertEqual(response.status_code, 200)
        return response.text

    def _completed_case(self):
        case = self._case(user_id=self.staff_a.id)
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        assignment.action_accept()
        case.action_start_service()
        assignment.action_deliver()
        case.action_complete()
        return case

    # ------------------------------------------------------------------
    # finding 4: the rated staff do not learn who rated them
    # ------------------------------------------------------------------
    def test_rated_staff_do_not_learn_the_rater(self):
        case = self._completed_case()
        self._login(self.rater)
        for level in ("1", "4"):  # a bad review, then the one re-rating it allows
            self._post(f"/my/qi/cases/{case.id}/rate", {"level": level, "comment": "Slow"})
        Rating = self.env["qi.case.rating"]
        ratings = Rating.search([("case_id", "=", case.id)])
        self.assertEqual(len(ratings), 2)
        rater_user, rater_partner = self.rater, self.rater.partner_id

        staff_ratings = Rating.with_user(self.staff_a).search([("case_id", "=", case.id)])
        self.assertEqual(staff_ratings, ratings)
        for row in staff_ratings.read(["create_uid", "write_uid"]):
            self.assertNotIn(rater_user.id, (row["create_uid"][0], row["write_uid"][0]))
        groups = Rating.with_user(self.staff_a).formatted_read_group(
            [("case_id", "=", case.id)], ["create_uid"], ["__count"]
        )
        self.assertNotIn(rater_user.id, [group["create_uid"][0] for group in groups if group["create_uid"]])
        exported = staff_ratings.export_data(
            ["create_uid/name", "write_uid/name", "message_ids/author_id/name", "message_follower_ids/partner_id/name"]
        )["datas"]
        self.assertNotIn(rater_partner.name, str(exported))
        self.assertNotIn(rater_partner, staff_ratings.message_ids.author_id)
        # the chatter of each rating as the web client loads it
        self._login(self.staff_a)
        for rating in ratings:
            text = self._rpc("/mail/thread/messages", {"thread_model": "qi.case.rating", "thread_id": rating.id})
            self.assertNotIn(rater_partner.name, text)
            data = self._rpc(
                "/mail/data",
                {
                    "fetch_params": [
                        [
                            "mail.thread",
                            {
                                "thread_model": "qi.case.rating",
                                "thread_id": rating.id,
                                "request_list": ["followers"],
                            },
                        ]
                    ]
                },
            )
            self.assertNotIn(rater_partner.name, data)
        with self.assertRaises(AccessError):
            staff_ratings.read(["partner_id"])
        # the leader, who follows up bad reviews, still knows whom to call back
        self.assertEqual(ratings.with_user(self.leader).mapped("partner_id"), rater_partner)

    # ------------------------------------------------------------------
    # finding 9: followers of another window's case
    # ------------------------------------------------------------------
    def test_followers_of_another_windows_case_are_hidden(self):
        Followers = self.env["mail.followers"]
        own = Followers.search([("res_model", "=", "qi.case"), ("res_id", "=", self.case_a.id)])
        self.assertIn(self.enterprise, own.partner_id)
        as_b = Followers.with_user(self.staff_b)
        rows = as_b.search_read([("res_model", "=", "qi.case"), ("res_id", "=", self.case_a.id)], ["partner_id"])
        self.assertEqual(rows, [])
        self.assertNotIn(
            self.case_a.id, [row["res_id"] for row in as_b.search_read([("res_model", "=", "qi.case")], ["res_id"])]
        )
        self.assertFalse(as_b.search_count([("partner_id", "=", self.enterprise.id), ("res_model", "=", "qi.case")]))
        with self.assertRaises(AccessError):
            own.with_user(self.staff_b).read(["partner_id", "res_id"])
        # staff of the case's window still see who follows it
        self.assertEqual(
            Followers.with_user(self.staff_a).search([("res_model", "=", "qi.case"), ("res_id", "=", self.case_a.id)]),
            own,
        )
        self.assertTrue(own.with_user(self.staff_a).read(["partner_id"]))
        # the chatter's follower list as the web client loads it
        self._login(self.staff_b)
        data = self._rpc(
            "/mail/data",
            {
                "fetch_params": [
                    [
                        "mail.thread",
                        {
                            "thread_model": "qi.case",
                            "thread_id": self.case_a.id,
                            "request_list": ["followers"],
                        },
                    ]
                ]
            },
        )
        self.assertNotIn(self.enterprise.name, data)
        text = self._rpc(
            "/web/dataset/call_kw/mail.followers/web_search_read",
            {
                "model": "mail.followers",
                "method": "web_search_read",
                "args": [],
                "kwargs": {
                    "domain": [["res_model", "=", "qi.case"]],
                    "specification": {"partner_id": {"fields": {"display_name": {}}}, "res_id": {}},
                },
            },
        )
        self.assertNotIn(self.enterprise.name, text)

    # ------------------------------------------------------------------
    # finding 12: a foreign id costs what a missing id costs
    # ------------------------------------------------------------------
    def _queries(self, url, post=False):
        self.env.flush_all()
        count0 = self.cr.sql_log_count
        with mute_logger(*QUIET):
            if post:
                response = self.url_open(url, data={"csrf_token": http.Request.csrf_token(self)}, allow_redirects=False)
            else:
                response = self.url_open(url, allow_redirects=False)
        return response.status_code, self.cr.sql_log_count - count0

    def test_foreign_and_missing_ids_answer_alike(self):
        user = self.env["res.users"].browse(self._portal_user("doors_ent", self.enterprise).id)
        provider_user = self._portal_user("doors_prov", self.provider)
        assignment = self.env["qi.case.assignment"].create({"case_id": self.case_b.id, "provider_id": self.provider.id})
        foreign_assignment = self.env["qi.case.assignment"].create(
            {
                "case_id": self.case_b.id,
                "provider_id": self.env["res.partner"]
                .create(
                    {
                        "name": "Doors Other Lab",
                        "is_company": True,
                        "is_qi_provider": True,
                        "qi_uscc": self._uscc("91130300MA07DR002"),
                    }
                )
                .id,
            }
        )
        missing_case = self.case_b.id + 100000
        missing_assignment = foreign_assignment.id + 100000
        checks = [
            (user, "/my/qi/cases/%s", self.case_b.id, missing_case, False),
            (user, "/my/qi/cases/%s/report", self.case_b.id, missing_case, False),
            (user, "/my/qi/cases/%s/attachments/1", self.case_b.id, missing_case, False),
            (user, "/my/qi/cases/%s/materials", self.case_b.id, missing_case, True),
            (provider_user, "/my/qi/assignments/%s", foreign_assignment.id, missing_assignment, False),
            (provider_user, "/my/qi/assignments/%s/accept", foreign_assignment.id, missing_assignment, True),
        ]
        self.assertTrue(assignment)
        for login, pattern, foreign, missing, post in checks:
            self._login(login)
            with self.subTest(route=pattern):
                # a first call of each warms the caches shared between requests
                self._queries(pattern % missing, post)
                self._queries(pattern % foreign, post)
                status_missing, missing_count = self._queries(pattern % missing, post)
                status_foreign, foreign_count = self._queries(pattern % foreign, post)
                self.assertEqual(status_foreign, status_missing)
                self.assertEqual(foreign_count, missing_count, "a foreign id costs more queries than a missing one")

    # ------------------------------------------------------------------
    # finding 5: uploads are judged by their content, at every door
    # ------------------------------------------------------------------
    def test_materials_type_comes_from_the_content(self):
        self._login(self._portal_user("doors_upl", self.enterprise))
        url = f"/my/qi/cases/{self.case_a.id}/materials"
        Attachment = self.env["ir.attachment"]
        for name, content, declared in [
            ("notice.html", HTML, "application/pdf"),
            ("notice.pdf", HTML, "application/pdf"),
            ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
        ]:
            with self.subTest(name=name):
                response = self._post(url, files={"attachments": (name, content, declared)})
                self.assertIn("error=", response.headers.get("Location", ""))
                self.assertFalse(Attachment.search_count([("name", "=", name), ("res_model", "=", "qi.case")]))
        # a real PDF sent as an unknown type is taken, and kept as a PDF
        self._post(url, files={"attachments": ("scan.pdf", b"%PDF-1.4\n%doors scan", "application/octet-stream")})
        scan = Attachment.search([("name", "=", "scan.pdf"), ("res_model", "=", "qi.case")])
        self.assertEqual(scan.mimetype, "application/pdf")

    def test_chatter_upload_follows_the_suite_rules(self):
        user = self._portal_user("doors_chat", self.enterprise)
        self._login(user)
        Attachment = self.env["ir.attachment"]
        for name, content in [
            ("tool.exe", b"MZ\x90\x00" + b"\x00" * (11 * 1024 * 1024)),
            ("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)),
            ("page.pdf", HTML),
        ]:
            for pending in ("false", "true"):
                with self.subTest(name=name, pending=pending), mute_logger(*QUIET):
                    response = self.url_open(
                        "/mail/attachment/upload",
                        data={
                            "csrf_token": http.Request.csrf_token(self),
                            "thread_id": self.case_a.id,
                            "thread_model": "qi.case",
                            "is_pending": pending,
                        },
                        files={"ufile": (name, content, "application/pdf")},
                    )
                    self.assertNotIn('"attachment_id"', response.text)
                    self.assertFalse(Attachment.search_count([("name", "=", name), ("create_uid", "=", user.id)]))
        # a pending upload made elsewhere cannot be carried onto a case by the post
        page = (
            Attachment.with_user(user)
            .sudo()
            .create({"name": "carried.pdf", "raw": HTML, "res_model": "mail.compose.message", "res_id": 0})
        )
        page.invalidate_recordset()
        # sudo: the token Odoo hands the uploader with the upload's answer
        token = page.sudo()._get_ownership_token()
        with mute_logger(*QUIET):
            self.url_open(
                "/mail/message/post",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {
                        "thread_model": "qi.case",
                        "thread_id": self.case_a.id,
                        "post_data": {
                            "body": "see file",
                            "attachment_ids": page.ids,
                            "message_type": "comment",
                            "attachment_tokens": [token],
                        },
                    },
                },
            )
        self.assertFalse(Attachment.search_count([("name", "=", "carried.pdf"), ("res_model", "=", "qi.case")]))
        # a good file still goes through the chatter
        with mute_logger(*QUIET):
            response = self.url_open(
                "/mail/attachment/upload",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "thread_id": self.case_a.id,
                    "thread_model": "qi.case",
                },
                files={"ufile": ("fine.pdf", b"%PDF-1.4\n%fine", "application/octet-stream")},
            )
        self.assertIn('"attachment_id"', response.text)
        self.assertEqual(Attachment.search([("name", "=", "fine.pdf")]).mimetype, "application/pdf")

    def test_html_files_are_never_shown_inline(self):
        page = self.env["ir.attachment"].create(
            {
                "name": "page.html",
                "raw": HTML,
                "mimetype": "text/html",
                "res_model": "qi.case",
                "res_id": self.case_a.id,
            }
        )
        self.case_a.message_post(
            body="A page", attachment_ids=page.ids, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self._login(self._portal_user("doors_view", self.enterprise))
        response = self.url_open(f"/my/qi/cases/{self.case_a.id}/attachments/{page.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("text/html", response.headers["Content-Type"])
        self.assertTrue(response.headers.get("Content-Disposition", "").startswith("attachment"))

    # ------------------------------------------------------------------
    # finding 6: plain text stays plain text in HTML fields
    # ------------------------------------------------------------------
    def test_imported_description_is_escaped(self):
        code = self._uscc("91130300MA0A1B2C3")
        content = (
            "uscc,company,origin_ref,items,subject,description\n"
            f'{code},Doors Valves,CJ-DOORS-1,T-1,Valve,"<a href=""https://evil.example.com"">see</a> & <b>bold</b>"\n'
        )
        self._import(content)
        case = self.env["qi.case"].search([("origin_ref", "=", "CJ-DOORS-1")])
        self.assertNotIn(">see</a>", case.description, "a link typed in the file became a link")
        self.assertNotIn("<b>", case.description)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", case.description)
