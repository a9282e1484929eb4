import json

from odoo import http
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger

from .common import QiCaseCommon

QUIET = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "odoo.sql_db")
# letters only, so that it survives HTML, JSON and CSV unchanged
MARKER = "QIRATERPRIVACYMARK"
PASSWORD = "Privacy-2026-pwd"


@tagged("post_install", "-at_install")
class TestRatingPrivacy(HttpCase, QiCaseCommon):
    """R-8.1: who gave a rating is read only by those who handle bad reviews
    (the leaders and the coordination department), never by the rated staff
    nor by a provider, through JSON-RPC as the web client and an attacker call
    it: reads, searches and orders on the rater (a search that answers is an
    oracle even when it shows no name), groupings, onchange, the search panel,
    exports, the chatter and followers of the rating and of its case, reports.
    The rating is a bad review followed up to its outcome, so that every
    message of the follow-up is there to leak."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        export = cls.env.ref("base.group_allow_export")
        for user in (cls.staff_a, cls.leader, cls.coordinator):
            user.write({"password": PASSWORD, "group_ids": [(4, export.id)]})
        cls.rater = cls._portal_user("privacy_rater", cls.enterprise)
        cls.rater.partner_id.write({"name": f"Hu Lan {MARKER}", "email": f"{MARKER.lower()}@glass.example.cn"})
        cls.provider_user = cls._portal_user("privacy_provider", cls.provider)
        cls.rater_id = cls.rater.partner_id.id

    def setUp(self):
        super().setUp()
        with freeze_time("2026-10-12 02:00:00"):
            self.case = self._completed_case()
            self.rating = self.env["qi.case.rating"]._rate(self.case, self.rater.partner_id, "1", comment="Slow")
        with freeze_time("2026-10-13 02:00:00"):
            leader = self.rating.with_user(self.leader)
            leader.action_callback_done()
            self.rating.with_user(self.staff_a).action_appeal("The delay was the enterprise's")
            leader.action_appeal_reject()
            leader.action_record_outcome("explained", explanation="The standard does not require it")

    # ------------------------------------------------------------------
    # requests
    # ------------------------------------------------------------------
    def _login(self, user):
        password = PASSWORD if user != self.provider_user else "privacy_provider-pwd-123"
        self.authenticate(user.login, password)

    def _jsonrpc(self, route, params):
        with mute_logger(*QUIET):
            response = self.url_open(
                route, json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params}, timeout=60
            )
        return response.json()

    def _call(self, model, method, args, kwargs=None):
        return self._jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _refused(self, answer, door):
        """The door answered with an access error, naming nobody."""
        self.assertNotIn("result", answer, f"{door} answered the rated staff")
        self.assertIn("AccessError", answer["error"]["data"]["name"], door)
        self.assertNotIn(MARKER, json.dumps(answer), door)

    def _silent(self, text, door):
        self.assertNotIn(MARKER, text, f"{door} named the rater")
        self.assertNotIn(MARKER.lower(), text, f"{door} gave the rater's e-mail")

    # ------------------------------------------------------------------
    # the rated staff
    # ------------------------------------------------------------------
    def test_the_rated_staff_cannot_read_or_search_the_rater(self):
        self._login(self.staff_a)
        Rating, ids, rater = "qi.case.rating", self.rating.ids, self.rater_id
        # the staff read their rating (so the doors below are open to them) ...
        answer = self._call(Rating, "read", [ids, ["level", "outcome", "outcome_explanation"]])
        self.assertEqual(answer["result"][0]["level"], "1")
        self.assertEqual(answer["result"][0]["outcome"], "explained")
        # ... but nothing of who gave it
        refused = {
            "read": (Rating, "read", [ids, ["partner_id"]], {}),
            "web_read": (Rating, "web_read", [ids], {"specification": {"partner_id": {"fields": {"name": {}}}}}),
            "web_read of the re-rating link": (
                Rating,
                "web_read",
                [ids],
                {"specification": {"rerated_from_id": {"fields": {"partner_id": {}}}}},
            ),
            "search by rater": (Rating, "search", [[("partner_id", "=", rater)]], {}),
            "search_count by rater": (Rating, "search_count", [[("partner_id", "=", rater)]], {}),
            "search by the rater's name": (Rating, "search", [[("partner_id.name", "ilike", MARKER)]], {}),
            "search_read by rater": (
                Rating,
                "search_read",
                [],
                {"domain": [("partner_id", "in", [rater])], "fields": ["level"]},
            ),
            "web_search_read by rater": (
                Rating,
                "web_search_read",
                [],
                {"domain": [("partner_id", "=", rater)], "specification": {"level": {}}},
            ),
            "search ordered by rater": (Rating, "search", [[("id", "in", ids)]], {"order": "partner_id"}),
            "cases by their rater": ("qi.case", "search", [[("qi_rating_ids.partner_id", "=", rater)]], {}),
            "formatted_read_group by rater": (
                Rating,
                "formatted_read_group",
                [],
                {"domain": [], "groupby": ["partner_id"], "aggregates": ["__count"]},
            ),
            "web_read_group by rater": (
                Rating,
                "web_read_group",
                [],
                {"domain": [], "groupby": ["partner_id"], "aggregates": ["__count"]},
            ),
            "read_group by rater": (
                Rating,
                "read_group",
                [],
                {"domain": [], "fields": [], "groupby": ["partner_id"], "lazy": False},
            ),
            "search panel on the rater": (
                Rating,
                "search_panel_select_range",
                ["partner_id"],
                {"expand": False, "enable_counters": True},
            ),
            "onchange with the rater": (
                Rating,
                "onchange",
                [ids, {"level": "2"}, ["level"], {"partner_id": {"fields": {"display_name": {}}}, "level": {}}],
                {},
            ),
            "export_data of the rater": (Rating, "export_data", [ids, ["partner_id/name"]], {}),
        }
        for door, (model, method, args, kwargs) in refused.items():
            with self.subTest(door=door):
                self._refused(self._call(model, method, args, kwargs), door)

        # the views and field lists do not even name the field
        fields = self._call(Rating, "fields_get", [], {"attributes": ["string"]})["result"]
        self.assertNotIn("partner_id", fields)
        views = self._call(Rating, "get_views", [], {"views": [[False, "form"], [False, "list"]]})["result"]
        self._silent(json.dumps(views), "get_views")
        self.assertNotIn('name="partner_id"', views["views"]["form"]["arch"])

    def test_the_rated_staff_learn_nobody_from_authors_exports_chatter_reports(self):
        self._login(self.staff_a)
        Rating, ids = "qi.case.rating", self.rating.ids
        # the rating is written by the system and the leader, never by the rater
        answer = self._call(Rating, "export_data", [ids, ["create_uid/name", "write_uid/name", "level"]])
        self.assertIn("result", answer)
        self._silent(json.dumps(answer), "export_data of the authors")
        csv = self.url_open(
            "/web/export/csv",
            data={
                "data": json.dumps(
                    {
                        "model": Rating,
                        "fields": [{"name": name, "label": name} for name in ("create_uid", "write_uid", "level")],
                        "ids": ids,
                        "domain": [],
                        "import_compat": False,
                    }
                ),
                "csrf_token": http.Request.csrf_token(self),
            },
            timeout=60,
        )
        self.assertEqual(csv.status_code, 200)
        self.assertIn("Very Dissatisfied", csv.text, "the export works for the staff")
        self._silent(csv.text, "/web/export/csv")
        # the chatter, followers and activities of the rating and of its case
        chatter = {}
        for model, res_id in ((Rating, self.rating.id), ("qi.case", self.case.id)):
            messages = self._jsonrpc(
                "/mail/thread/messages",
                {"thread_model": model, "thread_id": res_id, "fetch_params": {"limit": 200}},
            )
            self.assertIn("result", messages, model)
            chatter[model] = json.dumps(messages)
            self._silent(chatter[model], f"/mail/thread/messages of {model}")
            data = self._jsonrpc(
                "/mail/data",
                {
                    "fetch_params": [
                        [
                            "mail.thread",
                            {
                                "thread_model": model,
                                "thread_id": res_id,
                                "request_list": ["activities", "followers", "suggestedRecipients"],
                            },
                        ]
                    ]
                },
            )
            self.assertIn("result", data, model)
            self._silent(json.dumps(data), f"/mail/data of {model}")
        followers = self._call(
            "mail.followers",
            "search_read",
            [],
            {"domain": [("res_model", "=", Rating), ("res_id", "in", ids)], "fields": ["partner_id", "name"]},
        )
        self.assertIn("result", followers)
        self._silent(json.dumps(followers), "mail.followers of the rating")
        # the whole follow-up is in the chatter the staff read (the leader's outcome), naming nobody
        self.assertIn("does not require it", chatter[Rating])
        report = self.url_open(f"/report/html/qi_case.report_qi_case_summary/{self.case.id}", timeout=60)
        self.assertEqual(report.status_code, 200)
        self.assertIn(self.case.name, report.text)
        self._silent(report.text, "the case summary report")

    def test_providers_read_no_rating(self):
        self._login(self.provider_user)
        for method, args in (
            ("read", [self.rating.ids, ["level"]]),
            ("search", [[("partner_id", "=", self.rater_id)]]),
        ):
            with self.subTest(method=method):
                self._refused(self._call("qi.case.rating", method, args), method)

    # ------------------------------------------------------------------
    # those who handle bad reviews
    # ------------------------------------------------------------------
    def test_the_bad_review_handlers_read_the_rater(self):
        for user in (self.leader, self.coordinator):
            with self.subTest(user=user.login):
                self._login(user)
                answer = self._call("qi.case.rating", "read", [self.rating.ids, ["partner_id"]])
                self.assertIn(MARKER, answer["result"][0]["partner_id"][1])
                found = self._call("qi.case.rating", "search", [[("partner_id", "=", self.rater_id)]])
                self.assertEqual(found["result"], self.rating.ids)
                exported = self._call("qi.case.rating", "export_data", [self.rating.ids, ["partner_id/name"]])
                self.assertIn(MARKER, json.dumps(exported["result"]))
                # but the chatter does not suggest writing to the rater: whoever is written to
                # follows the rating, and every reader of the rating lists its followers
                data = self._jsonrpc(
                    "/mail/data",
                    {
                        "fetch_params": [
                            [
                                "mail.thread",
                                {
                                    "thread_model": "qi.case.rating",
                                    "thread_id": self.rating.id,
                                    "request_list": ["suggestedRecipients"],
                                },
                            ]
                        ]
                    },
                )
                self.assertIn("suggestedRecipients", json.dumps(data["result"]))
                self._silent(json.dumps(data), "the suggested recipients")
