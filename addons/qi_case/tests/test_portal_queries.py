import re

from odoo.tests import HttpCase, tagged

from .common import QiCaseCommon

MAX_QUERIES = 40


@tagged("post_install", "-at_install")
class TestPortalQueries(HttpCase, QiCaseCommon):
    """The portal pages run a bounded number of queries, the same with 10 or
    1,000 cases: no per-row reads, whatever the enterprise's history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        cls.user_ent = cls._portal_user("query_ent", cls.enterprise)
        cls.user_prov = cls._portal_user("query_prov", cls.provider)

    def _make_cases(self, count):
        """`count` cases of the enterprise, each with an assignment to the provider,
        created in two batches (tracking and chatter logs off: they are not measured)."""
        env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )
        cases = env["qi.case"].create(
            [
                {
                    "subject": f"Bulk demand {index}",
                    "partner_id": self.enterprise.id,
                    "window_id": self.window_a.id,
                    "item_ids": [(6, 0, self.item_15.ids)],
                    "date_received": "2026-09-25 02:00:00",
                }
                for index in range(count)
            ]
        )
        env["qi.case.assignment"].create(
            [{"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item_15.id} for case in cases]
        )
        self.env.flush_all()
        return cases

    def _count(self, user, url):
        """Queries of one request for `url`, after a first request that warms
        the caches shared between requests (routing, templates, ormcache)."""
        self.authenticate(user.login, user.login + "-pwd-123")
        self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 200)
        self.env.flush_all()
        count0 = self.cr.sql_log_count
        with self.assertQueryCount(MAX_QUERIES):
            response = self.url_open(url, allow_redirects=False)
        count = self.cr.sql_log_count - count0
        self.assertEqual(response.status_code, 200)
        return count, response.text

    def _measure(self, case, assignment):
        pages = {
            "case list": (self.user_ent, "/my/qi/cases"),
            "case detail": (self.user_ent, f"/my/qi/cases/{case.id}"),
            "assignment list": (self.user_prov, "/my/qi/assignments"),
            "assignment detail": (self.user_prov, f"/my/qi/assignments/{assignment.id}"),
        }
        counts, bodies = {}, {}
        for page, (user, url) in pages.items():
            counts[page], bodies[page] = self._count(user, url)
        return counts, bodies

    def test_portal_query_counts_do_not_grow(self):
        first = self._make_cases(10)
        case, assignment = first[0], first[0].assignment_ids
        small, bodies = self._measure(case, assignment)
        self.assertEqual(len(re.findall(r'href="/my/qi/cases/\d+"', bodies["case list"])), 10)
        self._make_cases(990)
        large, bodies = self._measure(case, assignment)
        # a full page, the pager, and the same queries as with 10 cases
        page_size = 80
        self.assertEqual(len(re.findall(r'href="/my/qi/cases/\d+"', bodies["case list"])), page_size)
        self.assertEqual(len(re.findall(r'href="/my/qi/assignments/\d+"', bodies["assignment list"])), page_size)
        self.assertIn("/my/qi/cases/page/2", bodies["case list"])
        for page in small:
            with self.subTest(page=page, queries_10=small[page], queries_1000=large[page]):
                self.assertLessEqual(large[page], MAX_QUERIES)
                self.assertEqual(small[page], large[page], f"{page}: the query count grows with the number of cases")
