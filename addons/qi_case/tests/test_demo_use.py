"""The demo as a new user meets it: every README login works and lands on its
role's home, in Chinese; every screen has something to show; the operating
organisation, not a placeholder, heads the pages and reports."""

import re
from pathlib import Path

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

README = Path(__file__).resolve().parents[3] / "README.md"
TOUR_TIMEOUT = 180  # the first tour also builds the asset bundles, on a busy 2-core runner


def readme_logins():
    """The rows of the README's "Demo logins" table: (login, password, home)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        login, password = cells[0].strip("`"), cells[1].strip("`")
        home = re.search(r"`(/odoo|/my)`", line)
        rows.append((login, password, home and home.group(1)))
    return rows


@tagged("post_install", "-at_install")
class TestDemoLogins(HttpCase):
    """Issue 17.1: the README's logins were refused (demo users had no password)
    and no portal user existed. Each login is typed into /web/login as a
    browser's form posts it, CSRF token included."""

    def _login(self, login, password):
        self.authenticate(None, None)  # a fresh anonymous session on this database
        page = self.url_open("/web/login")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            "/web/login", data={"login": login, "password": password, "csrf_token": token, "redirect": ""}
        )

    def test_readme_lists_every_role(self):
        logins = {login for login, _password, _home in readme_logins()}
        for login in ("admin", "wangli", "zhangwei", "zhouqiang", "liuhaiyan", "sunjianhua", "zhanghaitao"):
            self.assertIn(login, logins)
        Users = self.env["res.users"].with_context(active_test=False)
        for login, password, home in readme_logins():
            with self.subTest(login=login):
                self.assertEqual(password, login, "the README says: password = login")
                self.assertIn(home, ("/odoo", "/my"), "each README login names its home")
                self.assertTrue(Users.search([("login", "=", login)]), "the README names a user the demo has")

    def test_every_readme_login_lands_on_its_home(self):
        Users = self.env["res.users"]
        for login, password, home in readme_logins():
            with self.subTest(login=login):
                response = self._login(login, password)
                self.assertNotIn("Wrong login/password", response.text)
                self.assertEqual(response.status_code, 200)
                path = "/" + response.url.split("//", 1)[1].split("/", 1)[1]
                # the portal puts the user's language in front of its path: /zh_CN/my
                path = path.removeprefix("/zh_CN")
                self.assertTrue(path.startswith(home), f"{login} landed on {response.url}, not {home}")
                info = self.make_jsonrpc_request("/web/session/get_session_info")
                user = Users.search([("login", "=", login)])
                self.assertEqual(info["uid"], user.id)
                # issue 17.2: the demo speaks Chinese in China's time
                self.assertEqual(info["user_context"]["lang"], "zh_CN")
                self.assertEqual(info["user_context"]["tz"], "Asia/Shanghai")
                self.assertEqual(user._is_internal(), home == "/odoo")
                if home == "/my":
                    self.assertIn(user.name, response.text, "the portal greets its user")

    def test_wrong_password_is_refused(self):
        response = self._login("wangli", "not-wangli")
        self.assertIn("/web/login", response.url)
        self.assertIn("Wrong login/password", response.text)


@tagged("post_install", "-at_install")
class TestLeaderTourZh(HttpCase):
    """A leader who reads Chinese (zh_CN, Asia/Shanghai) opens the case kanban,
    the list and a case in a real browser: labels are Chinese, numbers fit."""

    def test_leader_opens_kanban_list_and_case(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        leader = new_test_user(
            self.env,
            "qi_tour_leader_zh",
            groups="qi_window.group_qi_manager",
            name="王主任",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        window = self.env.ref("qi_window.window_government_centre_demo")
        enterprise = self.env.ref("qi_case.partner_enterprise_glass_demo")
        case = self.env["qi.case"].create(
            {
                "subject": "巡查：玻璃钢化炉温度计校准",
                "partner_id": enterprise.id,
                "window_id": window.id,
                "channel": "visit",
                "priority": "1",
                "item_ids": [(6, 0, window.item_ids[:1].ids)],
            }
        )
        self.assertEqual(case.stage_code, "new")
        self.start_tour(
            "/odoo/action-qi_case.qi_case_action", "qi_case_leader_zh", login=leader.login, timeout=TOUR_TIMEOUT
        )


class TestDemoScreens(TransactionCase):
    """Issue 17.13: every screen of the demo tells its part of the story."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.provider_user = ref("qi_case.user_portal_provider_demo")
        cls.expert_user = ref("qi_case.user_portal_expert_demo")
        cls.enterprise_user = ref("qi_case.user_portal_enterprise_demo")
        cls.windows = (
            ref("qi_window.window_government_centre_demo")
            | ref("qi_window.window_park_demo")
            | ref("qi_window.window_mobile_demo")
            | ref("qi_window.window_enterprise_demo")
        )

    def test_good_and_bad_ratings_with_follow_up(self):
        Rating = self.env["qi.case.rating"]
        self.assertTrue(Rating.search_count([("level", "in", ("4", "5"))]) >= 5, "good ratings (好评)")
        bad = Rating.search([("is_bad", "=", True)])
        self.assertTrue(len(bad) >= 2, "bad ratings (差评)")
        # one bad review called back, its fix under way on the leader's to-do list
        called = bad.filtered(lambda r: r.callback_done and not r.fix_done)
        self.assertTrue(called)
        self.assertIn(self.env.ref("qi_case.mail_activity_type_rating_fix"), called.activity_ids.activity_type_id)
        # another still waiting for its callback
        self.assertTrue(bad.filtered(lambda r: not r.callback_done and r.activity_ids))
        self.assertTrue(Rating.search_count([("appeal_state", "=", "pending")]), "an appeal for the leader to decide")
        # the public satisfaction of a window has enough ratings to show a rate
        shown = Rating._get_public_satisfaction("window_id", [("window_id", "in", self.windows.ids)])
        self.assertTrue(any(value["rate"] is not None for value in shown.values()))

    def test_assignments_to_accept_and_in_progress_on_the_portal(self):
        for user in (self.provider_user, self.expert_user):
            with self.subTest(user=user.login):
                assignments = self.env["qi.case.assignment"].with_user(user).search([])
                states = set(assignments.mapped("state"))
                self.assertIn("proposed", states, "something to accept")
                self.assertIn("in_progress", states, "something under way")
        self.assertTrue(self.env["qi.case.assignment"].search_count([("state", "=", "accepted")]))

    def test_every_completed_case_has_its_result(self):
        done = self.env["qi.case"].search([("stage_code", "in", ("completed", "closed"))])
        self.assertTrue(done)
        self.assertFalse(done.filtered(lambda c: not c.result_ids), "completed cases without a result")
        self.assertTrue(done.result_ids.filtered("reusable"), "a result another case may reuse (R-6.2.2.2)")

    def test_enterprise_portal_user_has_cases_and_one_to_rate(self):
        cases = self.env["qi.case"].with_user(self.enterprise_user).search([])
        self.assertTrue(len(cases) >= 3)
        self.assertTrue(
            cases.filtered(lambda c: c.stage_code == "completed" and not c.rating_level),
            "a completed case the enterprise can rate itself",
        )

    def test_windows_have_mail_aliases(self):
        company = self.env.company
        self.assertEqual(company.alias_domain_id.name, "qi-window.example.cn")
        for window in self.windows:
            with self.subTest(window=window.code):
                self.assertTrue(window.alias_name)
                self.assertEqual(window.alias_email, f"{window.alias_name}@qi-window.example.cn")

    def test_demo_people_speak_chinese(self):
        ref = self.env.ref
        people = (
            ref("base.user_admin")
            | ref("qi_window.user_wang_li_demo")
            | ref("qi_window.user_zhou_qiang_demo")
            | self.provider_user
            | self.expert_user
            | self.enterprise_user
        ).partner_id
        partners = (
            people
            | self.env.company.partner_id
            | ref("qi_catalogue.partner_provider_testing_demo")
            | ref("qi_case.partner_enterprise_glass_demo")
            | self.env["qi.case"].search([]).partner_id
        )
        self.assertEqual(set(partners.mapped("lang")), {"zh_CN"})
        self.assertEqual(set(partners.mapped("tz")), {"Asia/Shanghai"})


@tagged("post_install", "-at_install")
class TestDemoBranding(HttpCase):
    """Issue 17.12: the operating organisation heads the portal and the reports."""

    def test_portal_and_report_name_the_operating_organisation(self):
        company = self.env.company
        self.assertEqual(company.name, "秦皇岛市质量基础设施一站式服务运营中心")
        enterprise_user = self.env.ref("qi_case.user_portal_enterprise_demo")
        self.authenticate(enterprise_user.login, enterprise_user.login)
        for path in ("/my", "/my/qi/cases"):
            with self.subTest(path=path):
                page = self.url_open(path)
                self.assertEqual(page.status_code, 200)
                title = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1).strip()
                self.assertNotEqual(title, "Odoo")
                self.assertIn(company.name, title)
                for placeholder in ("YourCompany", "My Company", "Brisbane"):
                    self.assertNotIn(placeholder, page.text)
        case = self.env["qi.case"].with_user(enterprise_user).search([], limit=1)
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="zh_CN")
            ._render_qweb_html("qi_case.action_report_qi_case_summary", case.ids)[0]
            .decode()
        )
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        self.assertEqual(title, company.name)
        self.assertIn("秦皇岛市", html, "the report's header gives the organisation's address")
        for placeholder in ("YourCompany", "My Company", "Brisbane", "Odoo Report"):
            self.assertNotIn(placeholder, html)
