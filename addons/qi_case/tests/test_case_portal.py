from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

OK, REFUSED, LOGIN = "ok", "refused", "login"
QUIET = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


@tagged("post_install", "-at_install")
class TestCasePortal(HttpCase, QiCaseCommon):
    """R-5.2.1, R-7.3.1: each portal user sees their own, and nothing else.

    The isolation tests are tables of route x actor x id: a foreign and a
    missing id give the same refusal (404, or the login page for the routes
    that need an account) and no refusal shows anything of another case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enterprise_b = cls.env["res.partner"].create({"name": "Foreign Steel Works", "is_company": True})
        cls.provider_q = cls.env["res.partner"].create(
            {
                "name": "Other Testing Centre",
                "is_company": True,
                "is_qi_provider": True,
                "qi_uscc": cls._uscc("91130300MA07TQ002"),
            }
        )

        cls.user_a = cls._portal_user("portal_ent_a", cls.enterprise)
        cls.user_b = cls._portal_user("portal_ent_b", cls.enterprise_b)
        cls.user_p = cls._portal_user("portal_prov_p", cls.provider)
        cls.user_q = cls._portal_user("portal_prov_q", cls.provider_q)
        Case = cls.env["qi.case"]
        cls.case_a = Case.create(
            {
                "subject": "Own Secret Gauges",
                "partner_id": cls.enterprise.id,
                "window_id": cls.window_a.id,
                "user_id": cls.staff_a.id,
                "description": "<p>Own description</p>",
                "item_ids": [(6, 0, cls.item_15.ids)],
            }
        )
        cls.case_a.action_accept()
        cls.assignment_p = cls.env["qi.case.assignment"].create(
            {"case_id": cls.case_a.id, "provider_id": cls.provider.id, "item_id": cls.item_15.id}
        )
        cls.assignment_p_cancelled = cls.env["qi.case.assignment"].create(
            {"case_id": cls.case_a.id, "provider_id": cls.provider.id, "item_id": cls.item_5.id}
        )
        cls.assignment_p_cancelled.action_cancel()
        cls.case_a_cancelled = Case.create(
            {
                "subject": "Own Cancelled Demand",
                "partner_id": cls.enterprise.id,
                "window_id": cls.window_a.id,
            }
        )
        cls.case_a_cancelled.write(
            {"stage_id": cls.case_a_cancelled._stage("cancelled").id, "close_reason": "Withdrawn"}
        )
        cls.case_b = Case.create(
            {
                "subject": "Foreign Boiler Secrets",
                "partner_id": cls.enterprise_b.id,
                "window_id": cls.window_b.id,
                "description": "<p>Foreign boiler description</p>",
            }
        )
        cls.assignment_q = cls.env["qi.case.assignment"].create(
            {"case_id": cls.case_b.id, "provider_id": cls.provider_q.id, "item_id": cls.item_5.id}
        )
        cls.missing_id = cls.case_b.id + 100000
        cls.missing_assignment_id = cls.assignment_q.id + 100000
        # each case has a file sent by its enterprise through the chatter
        cls.att_a = cls._post_file(cls.case_a, "own-materials.pdf", cls.user_a)
        cls.att_a_cancelled = cls._post_file(cls.case_a_cancelled, "own-cancelled.pdf", cls.user_a)
        cls.att_b = cls._post_file(cls.case_b, "foreign-boiler.pdf", cls.user_b)
        # a file of an internal note and a result certificate of the own case
        cls.att_a_note = cls._post_file(cls.case_a, "internal-review.pdf", cls.staff_a, subtype="mail.mt_note")
        cls.result_a = cls.env["qi.case.result"].create(
            {
                "name": "Pressure gauge calibration certificate",
                "case_id": cls.case_a.id,
                "kind": "certificate",
                "reference": "CAL-2026-0042",
                "item_ids": [(6, 0, cls.item_15.ids)],
            }
        )
        cls.att_a_result = cls.env["ir.attachment"].create(
            {
                "name": "own-certificate.pdf",
                "raw": b"%PDF-1.4 certificate",
                "res_model": "qi.case.result",
                "res_id": cls.result_a.id,
            }
        )
        cls.result_a.attachment_ids = cls.att_a_result
        cls.missing_attachment_id = cls.att_a_result.id + 100000
        cls.own, cls.cancelled, cls.foreign, cls.missing = (
            cls.case_a.id,
            cls.case_a_cancelled.id,
            cls.case_b.id,
            cls.missing_id,
        )
        # an id of the tables -> the file the detail page of that case links
        cls.file_of = {
            cls.own: cls.att_a.id,
            cls.cancelled: cls.att_a_cancelled.id,
            cls.foreign: cls.att_b.id,
            cls.missing: cls.att_b.id,
        }
        # the ids each actor may open; every other id is refused the same way
        cls.readable = {
            cls.user_a: {cls.own, cls.cancelled},
            cls.user_b: {cls.foreign},
            cls.user_p: set(),
            cls.user_q: set(),
            None: set(),
        }

    @classmethod
    def _post_file(cls, case, name, author, subtype="mail.mt_comment"):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": name,
                "raw": b"%PDF-1.4 " + name.encode(),
                "res_model": "qi.case",
                "res_id": case.id,
            }
        )
        case.message_post(
            body=f"Sent {name}",
            attachment_ids=attachment.ids,
            author_id=author.partner_id.id,
            message_type="comment",
            subtype_xmlid=subtype,
        )
        return attachment

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _login(self, user):
        if user:
            self.authenticate(user.login, user.login + "-pwd-123")
        else:
            self.authenticate(None, None)

    def _get(self, user, url):
        self._login(user)
        with mute_logger(*QUIET):
            return self.url_open(url, allow_redirects=False)

    def _post(self, url, data=None, files=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        with mute_logger(*QUIET):
            return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _rpc(self, route, params):
        with mute_logger(*QUIET):
            response = self.url_open(route, json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params})
        self.assertEqual(response.status_code, 200)
        return response

    def _secrets(self, case_ids):
        cases = self.env["qi.case"].browse(case_ids).exists()
        texts = [
            text
            for case in cases
            for text in (case.name, case.subject, case.partner_id.name, case._description_text().strip())
        ]
        return [text for text in texts if text]

    def _foreign_secrets(self, user):
        """What this actor must never see: everything of the cases it may not read."""
        hidden = {self.own, self.cancelled, self.foreign} - self.readable[user]
        return self._secrets(list(hidden))

    def _other_enterprises(self, user):
        """Names and contact data of the enterprises that are not the actor's own."""
        own = user.partner_id.commercial_partner_id if user else None
        return [
            text
            for partner in (self.enterprise, self.enterprise_b)
            if partner != own
            for text in (partner.name, partner.email)
            if text
        ]

    def _verdict(self, response, page=None):
        """ok / refused / login, from an HTTP response; anything else is returned as is."""
        location = response.headers.get("Location", "")
        if response.status_code == 404:
            return REFUSED
        if response.status_code in (302, 303) and "/web/login" in location:
            return LOGIN
        if response.status_code == 200 and page is None:
            return OK
        if response.status_code == 303 and page and page in location:
            return OK
        return f"{response.status_code} {location}"

    def _chatter_file_tokens(self, case_id):
        """{attachment id: /web/content token} of the files the portal chatter shows the visitor."""
        payload = self._rpc("/mail/chatter_fetch", {"thread_model": "qi.case", "thread_id": case_id}).json()
        messages = payload.get("result", {}).get("data", {}).get("mail.message", [])
        return {
            attachment["id"]: attachment["raw_access_token"]
            for message in messages
            for attachment in message.get("attachment_ids", [])
        }

    def _rpc_verdict(self, response):
        payload = response.json()
        if "result" in payload:
            return OK
        error = payload["error"]
        return REFUSED if error["code"] == 404 else f"error {error['code']} {error['data']['name']}"

    # ------------------------------------------------------------------
    # one request per route, for a case id
    # ------------------------------------------------------------------
    def _case_routes(self):
        """route name -> (needs an account, request function(case_id, marker) -> (outcome, body))."""

        def get(url, page=None):
            response = self.url_open(url, allow_redirects=False)
            return self._verdict(response, page), response.text

        def message_post(case_id, marker):
            response = self._rpc(
                "/mail/message/post",
                {
                    "thread_model": "qi.case",
                    "thread_id": case_id,
                    "post_data": {"body": marker, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
                },
            )
            return self._rpc_verdict(response), response.text

        def chatter_fetch(case_id, marker):
            response = self._rpc("/mail/chatter_fetch", {"thread_model": "qi.case", "thread_id": case_id})
            payload = response.json()
            if "error" in payload:
                return self._rpc_verdict(response), response.text
            return (OK if payload["result"]["messages"] else REFUSED), response.text

        def web_content(case_id, marker):
            # the portal chatter links a message's files to /web/content with a
            # token scoped to each file, handed out with the messages the visitor may read
            attachment_id = self.missing_attachment_id if case_id == self.missing else self.file_of[case_id]
            token = self._chatter_file_tokens(case_id).get(attachment_id, "")
            return get(f"/web/content/{attachment_id}?access_token={token}")

        def materials(case_id, marker):
            response = self._post(
                f"/my/qi/cases/{case_id}/materials", files={"attachments": (marker, b"%PDF-1.4 x", "application/pdf")}
            )
            return self._verdict(response, page=f"/my/qi/cases/{case_id}"), response.text

        def rate(case_id, marker):
            response = self._post(f"/my/qi/cases/{case_id}/rate", {"level": "5", "comment": marker})
            return self._verdict(response, page=f"/my/qi/cases/{case_id}"), response.text

        return {
            "detail": (False, lambda cid, m: get(f"/my/qi/cases/{cid}")),
            "report": (False, lambda cid, m: get(f"/my/qi/cases/{cid}/report?report_type=html")),
            "file": (False, lambda cid, m: get(f"/my/qi/cases/{cid}/attachments/{self.file_of[cid]}")),
            "web_content": (False, web_content),
            "message_post": (False, message_post),
            "chatter_fetch": (False, chatter_fetch),
            "materials": (True, materials),
            "rate": (True, rate),
        }

    # ------------------------------------------------------------------
    # isolation matrix: enterprises' cases
    # ------------------------------------------------------------------
    def test_case_routes_matrix(self):
        ids = {"own": self.own, "cancelled": self.cancelled, "foreign": self.foreign, "missing": self.missing}
        routes = self._case_routes()
        refused = []
        for user, readable in self.readable.items():
            self._login(user)
            login = user.login if user else "public"
            foreign_secrets = self._foreign_secrets(user)
            for route, (needs_account, call) in routes.items():
                for label, case_id in ids.items():
                    marker = f"matrix-{login}-{route}-{label}.pdf"
                    if case_id in readable:
                        expected = OK
                    else:
                        expected = LOGIN if needs_account and not user else REFUSED
                    with self.subTest(user=login, route=route, case=label):
                        outcome, body = call(case_id, marker)
                        self.assertEqual(outcome, expected)
                        leaked = [secret for secret in foreign_secrets if secret in body]
                        self.assertFalse(leaked, "a page shows another enterprise's case")
                        if outcome != OK:
                            refused.append(marker)
        # a refused post left nothing behind: no message, no file, no rating
        Message, Attachment = self.env["mail.message"], self.env["ir.attachment"]
        for marker in refused:
            with self.subTest(refused=marker):
                self.assertFalse(Message.search_count([("body", "ilike", marker)]))
                self.assertFalse(Attachment.search_count([("name", "=", marker)]))
                self.assertFalse(self.env["qi.case.rating"].search_count([("comment", "=", marker)]))
        # what was accepted landed on the visitor's own open case only
        self.assertTrue(
            Message.search_count(
                [
                    ("body", "ilike", "matrix-portal_ent_a-message_post-own"),
                    ("res_id", "=", self.own),
                    ("model", "=", "qi.case"),
                ]
            )
        )
        posted = Attachment.search([("name", "=", "matrix-portal_ent_a-materials-own.pdf")])
        self.assertEqual((posted.res_model, posted.res_id), ("qi.case", self.own))
        self.assertFalse(
            Attachment.search_count([("name", "=", "matrix-portal_ent_a-materials-cancelled.pdf")]),
            "a finished case takes no more materials",
        )

    def test_case_list_matrix(self):
        own_subjects = ["Own Secret Gauges", "Own Cancelled Demand"]
        expected = {
            self.user_a: own_subjects,
            self.user_b: ["Foreign Boiler Secrets"],
            self.user_p: [],
            self.user_q: [],
        }
        for user, visible in expected.items():
            with self.subTest(user=user.login):
                response = self._get(user, "/my/qi/cases")
                self.assertEqual(response.status_code, 200)
                for subject in visible:
                    self.assertIn(subject, response.text)
                leaked = [secret for secret in self._foreign_secrets(user) if secret in response.text]
                self.assertFalse(leaked)
                if not visible:
                    self.assertIn("You have no case yet.", response.text)
        with self.subTest(user="public"):
            self.assertEqual(self._verdict(self._get(None, "/my/qi/cases")), LOGIN)

    # ------------------------------------------------------------------
    # access tokens and signed links
    # ------------------------------------------------------------------
    def test_tokens(self):
        """A visitor without account opens a case with its own token only:
        wrong, empty and other-record tokens are refused on every route."""
        self.case_b._portal_ensure_token()
        self.case_a._portal_ensure_token()
        token_b, token_a = self.case_b.access_token, self.case_a.access_token
        pid_b, pid_a = self.enterprise_b.id, self.enterprise.id
        hash_b, hash_a = self.case_b._sign_token(pid_b), self.case_a._sign_token(pid_a)
        case_b, att_b = self.case_b.id, self.att_b.id
        self._login(None)

        def get(url):
            response = self.url_open(url, allow_redirects=False)
            return self._verdict(response), response.text

        def post(case_id, **access):
            response = self._rpc(
                "/mail/message/post",
                {
                    "thread_model": "qi.case",
                    "thread_id": case_id,
                    "post_data": {
                        "body": "Question by link",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                    **access,
                },
            )
            return self._rpc_verdict(response), response.text

        def fetch(case_id, token):
            response = self._rpc(
                "/mail/chatter_fetch", {"thread_model": "qi.case", "thread_id": case_id, "token": token}
            )
            payload = response.json()
            outcome = (
                self._rpc_verdict(response)
                if "error" in payload
                else (OK if payload["result"]["messages"] else REFUSED)
            )
            return outcome, response.text

        routes = {
            "detail": lambda token: get(f"/my/qi/cases/{case_b}?access_token={token}"),
            "report": lambda token: get(f"/my/qi/cases/{case_b}/report?report_type=html&access_token={token}"),
            "file": lambda token: get(f"/my/qi/cases/{case_b}/attachments/{att_b}?access_token={token}"),
            "message_post": lambda token: post(case_b, token=token),
            "chatter_fetch": lambda token: fetch(case_b, token),
        }
        foreign = self._secrets([self.foreign])
        tokens = {"right": token_b, "wrong": "wrong", "empty": "", "other record": token_a}
        for route, call in routes.items():
            for label, token in tokens.items():
                with self.subTest(route=route, token=label):
                    outcome, body = call(token)
                    self.assertEqual(outcome, OK if label == "right" else REFUSED)
                    if label != "right":
                        self.assertFalse([secret for secret in foreign if secret in body])
        # the token opens its own case only, never another id: same refusal for a foreign and a missing one
        by_id = {
            "detail": lambda case_id: get(f"/my/qi/cases/{case_id}?access_token={token_b}"),
            "report": lambda case_id: get(f"/my/qi/cases/{case_id}/report?report_type=html&access_token={token_b}"),
            "file": lambda case_id: get(f"/my/qi/cases/{case_id}/attachments/{att_b}?access_token={token_b}"),
            "message_post": lambda case_id: post(case_id, token=token_b),
            "chatter_fetch": lambda case_id: fetch(case_id, token_b),
        }
        for route, call in by_id.items():
            for label, case_id in (("own", self.own), ("cancelled", self.cancelled)):
                with self.subTest(route=route, token="of another case", case=label):
                    outcome, body = call(case_id)
                    self.assertEqual(outcome, REFUSED)
                    self.assertFalse([secret for secret in self._secrets([self.own, self.cancelled]) if secret in body])
        for route in ("detail", "report", "file"):
            with self.subTest(route=route, token="of another case", case="missing"):
                self.assertEqual(by_id[route](self.missing)[0], REFUSED)
        # signed chatter links (hash + pid of the e-mail) work for their own case only
        signed = {
            "right": {"hash": hash_b, "pid": pid_b},
            "wrong hash": {"hash": "0" * 64, "pid": pid_b},
            "other record": {"hash": hash_a, "pid": pid_a},
            "other partner": {"hash": hash_b, "pid": pid_a},
            "empty": {"hash": "", "pid": pid_b},
        }
        for label, access in signed.items():
            with self.subTest(route="message_post", signed=label):
                self.assertEqual(post(case_b, **access)[0], OK if label == "right" else REFUSED)
        messages = self.env["mail.message"].search([("model", "=", "qi.case"), ("body", "ilike", "Question by link")])
        self.assertEqual(messages.mapped("res_id"), [case_b, case_b])
        self.assertEqual(messages.author_id, self.enterprise_b, "a link poster writes as the case's enterprise")
        # chatter files are served by /web/content with their own scoped token only
        raw_b, raw_a = self.att_b._get_raw_access_token(), self.att_a._get_raw_access_token()
        for label, token in {"right": raw_b, "wrong": "wrong", "empty": "", "other record": raw_a}.items():
            with self.subTest(route="web_content", token=label):
                outcome, body = get(f"/web/content/{att_b}?access_token={token}")
                self.assertEqual(outcome, OK if label == "right" else REFUSED)
                if label != "right":
                    self.assertNotIn("foreign-boiler", body)

    def test_chatter_token_on_missing_case(self):
        """A token or signed link sent to the chatter routes with a missing case id
        is refused like one with a foreign id (NotFound), not with MissingError.

        Expected to fail until qi.case overrides _get_thread_with_access (portal's
        fallback reads the token field of the missing record): see the lead's
        hand-over notes; then drop the decorator."""
        self.case_b._portal_ensure_token()
        token_b, pid_b = self.case_b.access_token, self.enterprise_b.id
        hash_b = self.case_b._sign_token(pid_b)
        self._login(None)
        post_data = {"body": "Probe", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"}
        calls = {
            "message_post token": ("/mail/message/post", {"post_data": post_data, "token": token_b}),
            "message_post hash": ("/mail/message/post", {"post_data": post_data, "hash": hash_b, "pid": pid_b}),
            "chatter_fetch token": ("/mail/chatter_fetch", {"token": token_b}),
            "chatter_init token": ("/portal/chatter_init", {"token": token_b}),
        }
        verdicts = {}
        for label, (route, params) in calls.items():
            for case_label, case_id in (("foreign", self.own), ("missing", self.missing)):
                response = self._rpc(route, {"thread_model": "qi.case", "thread_id": case_id, **params})
                payload = response.json()
                verdicts[label, case_label] = self._rpc_verdict(response) if "error" in payload else OK
        for label in calls:
            self.assertEqual(verdicts[label, "missing"], verdicts[label, "foreign"], label)

    # ------------------------------------------------------------------
    # files and the case summary report
    # ------------------------------------------------------------------
    def test_files_of_a_case(self):
        """The page lists the files of the case's chatter and its result certificates,
        never those of internal notes or only attached in the back office; each is
        served only under its own case."""
        back_office = self.env["ir.attachment"].create(
            {
                "name": "back-office-only.pdf",
                "raw": b"%PDF-1.4 staff",
                "res_model": "qi.case",
                "res_id": self.own,
            }
        )
        body = self._get(self.user_a, f"/my/qi/cases/{self.own}").text
        for attachment in (self.att_a, self.att_a_result):
            self.assertIn(f"/my/qi/cases/{self.own}/attachments/{attachment.id}", body)
        self.assertNotIn("internal-review.pdf", body)
        self.assertNotIn("back-office-only.pdf", body)
        # materials sent on the portal are listed on the page and in the chatter
        self._post(
            f"/my/qi/cases/{self.own}/materials",
            files={"attachments": ("gauge-list.pdf", b"%PDF-1.4 gauges", "application/pdf")},
        )
        sent = self.env["ir.attachment"].search([("name", "=", "gauge-list.pdf")])
        self.assertEqual((sent.res_model, sent.res_id, sent.raw), ("qi.case", self.own, b"%PDF-1.4 gauges"))
        self.assertIn(
            f"/my/qi/cases/{self.own}/attachments/{sent.id}", self._get(self.user_a, f"/my/qi/cases/{self.own}").text
        )
        self.assertIn(sent.id, self._chatter_file_tokens(self.own))
        # the chatter hands out no token for the internal note's file, and without
        # a token /web/content serves no case file to a portal user
        tokens = self._chatter_file_tokens(self.own)
        self.assertIn(self.att_a.id, tokens)
        self.assertNotIn(self.att_a_note.id, tokens)
        for attachment in (self.att_a, self.att_a_note):
            with mute_logger(*QUIET):
                self.assertEqual(self.url_open(f"/web/content/{attachment.id}").status_code, 404)
        response = self.url_open(f"/my/qi/cases/{self.own}/attachments/{self.att_a_result.id}")
        self.assertEqual((response.status_code, response.content), (200, b"%PDF-1.4 certificate"))
        response = self.url_open(f"/my/qi/cases/{self.own}/attachments/{self.att_a.id}?download=1")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        cases = {"own": self.own, "cancelled": self.cancelled, "foreign": self.foreign}
        files = {
            "internal note": self.att_a_note.id,
            "back office": back_office.id,
            "of another case": self.att_b.id,
            "of the cancelled case": self.att_a_cancelled.id,
            "missing": self.missing_attachment_id,
        }
        for case_label, case_id in cases.items():
            for file_label, attachment_id in files.items():
                if (case_id, attachment_id) == (self.cancelled, self.att_a_cancelled.id):
                    continue
                with self.subTest(case=case_label, file=file_label):
                    response = self._get(self.user_a, f"/my/qi/cases/{case_id}/attachments/{attachment_id}")
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(b"%PDF", response.content)

    def test_case_summary_report(self):
        response = self._get(self.user_a, f"/my/qi/cases/{self.own}/report?report_type=html")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/html")
        expected = [
            self.case_a.name,
            "Own Secret Gauges",
            self.enterprise.name,
            "Case Window A",
            "Calibration consulting",
            "Staff A",
            "Pressure gauge calibration certificate",
            "CAL-2026-0042",
            "Own description",
        ]
        self.assertFalse([text for text in expected if text not in response.text], "the summary shows the case")
        hidden = [*self._foreign_secrets(self.user_a), self.enterprise.email, "internal-review.pdf"]
        self.assertFalse([text for text in hidden if text in response.text])
        # staff print the same summary from the case form
        report = self.env.ref("qi_case.action_report_qi_case_summary")
        html, _report_type = (
            self.env["ir.actions.report"].with_user(self.staff_a)._render_qweb_html(report, self.case_a.ids)
        )
        self.assertIn(self.case_a.name, html.decode())
        # the PDF is named after the case number (test mode renders it without wkhtmltopdf)
        response = self._get(self.user_a, f"/my/qi/cases/{self.own}/report?download=1")
        self.assertEqual(response.status_code, 200)
        disposition = response.headers["Content-Disposition"]
        self.assertTrue(disposition.startswith("attachment"))
        self.assertIn(self.case_a.name.replace("-", "_"), disposition)
        # an unknown report type is a 404, not a server error
        self.assertEqual(self._get(self.user_a, f"/my/qi/cases/{self.own}/report?report_type=xlsx").status_code, 404)

    # ------------------------------------------------------------------
    # 好差评: rating route
    # ------------------------------------------------------------------
    def test_rating_matrix(self):
        done = self.env["qi.case"].create(
            {
                "subject": "Own Completed Demand",
                "partner_id": self.enterprise.id,
                "window_id": self.window_a.id,
                "user_id": self.staff_a.id,
            }
        )
        done.action_accept()
        assignment = self.env["qi.case.assignment"].create({"case_id": done.id, "provider_id": self.provider.id})
        assignment.action_accept()
        done.action_start_service()
        assignment.action_deliver()
        done.action_complete()
        ids = {"own completed": done.id, "cancelled": self.cancelled, "foreign": self.foreign, "missing": self.missing}
        expected = {
            # actor: status per id; a cancelled case cannot be rated (back to the page with the reason)
            self.user_b: {"own completed": 404, "cancelled": 404, "foreign": 303, "missing": 404},
            self.user_p: {"own completed": 404, "cancelled": 404, "foreign": 404, "missing": 404},
            self.user_q: {"own completed": 404, "cancelled": 404, "foreign": 404, "missing": 404},
            self.user_a: {"own completed": 303, "cancelled": 303, "foreign": 404, "missing": 404},
        }
        Rating = self.env["qi.case.rating"]
        for user, statuses in expected.items():
            self._login(user)
            for label, case_id in ids.items():
                with self.subTest(user=user.login, case=label):
                    response = self._post(f"/my/qi/cases/{case_id}/rate", {"level": "2", "comment": user.login})
                    self.assertEqual(response.status_code, statuses[label])
                    self.assertNotIn("Foreign Boiler Secrets", response.text)
        with self.subTest(user="public"):
            self._login(None)
            response = self._post(f"/my/qi/cases/{done.id}/rate", {"level": "1"})
            self.assertEqual(self._verdict(response), LOGIN)
        ratings = Rating.search([("case_id", "in", [done.id, self.cancelled, self.foreign])])
        self.assertEqual(len(ratings), 1, "only the enterprise rated, and only its completed case")
        self.assertEqual((ratings.case_id, ratings.partner_id, ratings.level), (done, self.user_a.partner_id, "2"))

    # ------------------------------------------------------------------
    # providers and experts: assignments
    # ------------------------------------------------------------------
    def test_assignment_matrix(self):
        ids = {
            "own": self.assignment_p.id,
            "cancelled": self.assignment_p_cancelled.id,
            "foreign": self.assignment_q.id,
            "missing": self.missing_assignment_id,
        }
        readable = {
            self.user_p: {"own", "cancelled"},
            self.user_q: {"foreign"},
            self.user_a: set(),
            self.user_b: set(),
            None: set(),
        }
        Assignment = self.env["qi.case.assignment"]
        routes = ("detail", "accept", "decline")
        for user, allowed in readable.items():
            login = user.login if user else "public"
            self._login(user)
            for route in routes:
                for label, assignment_id in ids.items():
                    url = f"/my/qi/assignments/{assignment_id}"
                    target = Assignment.browse(assignment_id).exists()
                    state = target.state
                    if label in allowed:
                        expected = OK
                    else:
                        expected = LOGIN if not user else REFUSED
                    with self.subTest(user=login, route=route, assignment=label):
                        if route == "detail":
                            response = self.url_open(url, allow_redirects=False)
                            outcome = self._verdict(response)
                        else:
                            response = self._post(f"{url}/{route}", {"reason": "Too busy"})
                            outcome = self._verdict(response, page=url)
                        self.assertEqual(outcome, expected)
                        hidden = self._other_enterprises(user)
                        if outcome != OK:
                            target.invalidate_recordset()
                            self.assertEqual(target.state, state)
                            hidden += [text for text in (target.case_id.name, target.case_id.subject) if text]
                        # providers never get the enterprise's name or contact data either
                        self.assertFalse([text for text in hidden if text in response.text])
        # each provider accepted its own proposal (declining came too late); nobody else changed a thing
        self.assertEqual((self.assignment_p.state, self.assignment_q.state), ("accepted", "accepted"))
        self.assertEqual(self.assignment_p_cancelled.state, "cancelled")

    def test_assignment_list_matrix(self):
        expected = {
            self.user_p: ([self.assignment_p], [self.assignment_q, self.assignment_p_cancelled]),
            self.user_q: ([self.assignment_q], [self.assignment_p, self.assignment_p_cancelled]),
            self.user_a: ([], [self.assignment_p, self.assignment_q]),
            self.user_b: ([], [self.assignment_p, self.assignment_q]),
        }
        for user, (shown, hidden) in expected.items():
            with self.subTest(user=user.login):
                body = self._get(user, "/my/qi/assignments").text
                for assignment in shown:
                    self.assertIn(f'href="/my/qi/assignments/{assignment.id}"', body)
                for assignment in hidden:
                    self.assertNotIn(f'href="/my/qi/assignments/{assignment.id}"', body)
                self.assertFalse([text for text in self._other_enterprises(user) if text in body])
        with self.subTest(user="public"):
            self.assertEqual(self._verdict(self._get(None, "/my/qi/assignments")), LOGIN)

    def test_provider_does_not_see_internal_notes(self):
        self.assignment_p.message_post(
            body="Window note: the enterprise is difficult",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.staff_a.partner_id.id,
        )
        self.assignment_p.message_post(
            body="Window asks: samples by Friday?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.staff_a.partner_id.id,
        )
        body = self._get(self.user_p, f"/my/qi/assignments/{self.assignment_p.id}").text
        self.assertNotIn("the enterprise is difficult", body)
        self.assertIn("samples by Friday?", body)

    def test_provider_accepts_and_posts_progress(self):
        self.authenticate(self.user_p.login, self.user_p.login + "-pwd-123")
        base = f"/my/qi/assignments/{self.assignment_p.id}"
        self.url_open(f"{base}/accept", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(self.assignment_p.state, "accepted")
        self.url_open(
            f"{base}/progress",
            data={"csrf_token": http.Request.csrf_token(self), "progress": "40", "note": "Samples received"},
        )
        self.assertEqual((self.assignment_p.state, self.assignment_p.progress), ("in_progress", 40))
        notes = self.assignment_p.message_ids.filtered(lambda m: "Samples received" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.author_id, self.user_p.partner_id)
        response = self._get(self.user_p, base)
        self.assertIn("Samples received", response.text, "providers see their own progress notes")
        self.assertNotIn(self.enterprise.email, response.text, "providers do not get the enterprise's contact data")

    # ------------------------------------------------------------------
    # demands
    # ------------------------------------------------------------------
    def test_enterprise_submits_a_demand(self):
        self.authenticate(self.user_a.login, self.user_a.login + "-pwd-123")
        response = self.url_open(
            "/my/qi/cases/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Portal demand",
                "window_id": str(self.window_a.id),
                "item_ids": str(self.item_15.id),
                "description": "<script>alert(1)</script>Need help",
            },
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["qi.case"].search([("subject", "=", "Portal demand")])
        self.assertEqual(len(case), 1)
        self.assertEqual((case.partner_id, case.channel, case.window_id), (self.enterprise, "online", self.window_a))
        self.assertNotIn("<script", case.description)
        # a demand without subject is refused with a message and creates nothing
        response = self.url_open(
            "/my/qi/cases/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "",
                "window_id": str(self.window_a.id),
            },
        )
        self.assertIn("Say in a few words what you need", response.text)
        self.assertEqual(self.env["qi.case"].search_count([("subject", "=", "")]), 0)

    def test_wrong_upload_type_refused(self):
        self.authenticate(self.user_a.login, self.user_a.login + "-pwd-123")
        response = self.url_open(
            "/my/qi/cases/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "With a program",
                "window_id": str(self.window_a.id),
            },
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
            except AccessError:
                continue
            readable.add(name)
        self.assertEqual(readable, set(Case._portal_readable_fields()))
        self.assertEqual(Case.search([]), Case.browse((self.case_a | self.case_a_cancelled).ids))
        with self.assertRaises(AccessError):
            case.write({"subject": "Changed by portal"})

    def test_refused_assignment_step_leaves_nothing(self):
        """A step the assignment's state refuses is undone whole: no deliverable is
        left on a cancelled assignment, and a malformed progress is a message, not an error."""
        self._login(self.user_p)
        base = f"/my/qi/assignments/{self.assignment_p_cancelled.id}"
        response = self._post(
            f"{base}/deliver", files={"attachments": ("late-report.pdf", b"%PDF-1.4 late", "application/pdf")}
        )
        self.assertEqual(self._verdict(response, page=f"{base}?error="), OK)
        self.assertFalse(self.env["ir.attachment"].search_count([("name", "=", "late-report.pdf")]))
        self.assertEqual(self.assignment_p_cancelled.state, "cancelled")
        base = f"/my/qi/assignments/{self.assignment_p.id}"
        self._post(f"{base}/accept")
        response = self._post(f"{base}/progress", {"progress": "forty", "note": "Samples"})
        self.assertEqual(self._verdict(response, page=f"{base}?error="), OK)
        self.assertEqual((self.assignment_p.state, self.assignment_p.progress), ("accepted", 0))

    def test_refused_materials_come_back_with_the_reason(self):
        self._login(self.user_a)
        response = self._post(
            f"/my/qi/cases/{self.own}/materials",
            files={"attachments": ("tool.exe", b"MZ\x90\x00binary", "application/x-msdownload")},
        )
        self.assertEqual(self._verdict(response, page=f"/my/qi/cases/{self.own}?error="), OK)
        self.assertFalse(self.env["ir.attachment"].search_count([("name", "=", "tool.exe")]))
