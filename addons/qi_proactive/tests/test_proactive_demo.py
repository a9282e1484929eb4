"""The demo tells the proactive story the README promises (R-6.1.1.3, R-7.1.2):
the enterprise's quality manager finds a ledger with lines falling due and
overdue, her steward and an unread notice; the steward finds her enterprises
and the warning the night run left her."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestProactiveDemo(HttpCase):
    def setUp(self):
        super().setUp()
        self.liuhaiyan = self.env.ref("qi_case.user_portal_enterprise_demo")
        self.lina = self.env.ref("qi_window.user_li_na_demo")
        self.glass = self.env.ref("qi_case.partner_enterprise_glass_demo")

    def test_enterprise_sees_its_ledger_steward_and_notice(self):
        self.authenticate("liuhaiyan", "liuhaiyan")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn(self.lina.name, home.text, "the portal home names the quality steward")
        Instrument = self.env["qi.instrument"].with_user(self.liuhaiyan)
        states = set(Instrument.search([]).mapped("due_state"))
        self.assertTrue({"ok", "due", "overdue"} <= states, f"the demo ledger shows every state, not only {states}")
        self.assertEqual(set(Instrument.search([]).partner_id.ids), {self.glass.id})
        page = self.url_open("/my/qi/ledger")
        self.assertEqual(page.status_code, 200)
        for instrument in Instrument.search([], limit=3):
            self.assertIn(instrument.name, page.text)
        warnings = self.env["qi.ledger.warning"].with_user(self.liuhaiyan).search([])
        self.assertTrue(warnings, "the night run warned the enterprise")
        notices = self.env["qi.notice"].with_user(self.liuhaiyan).search([])
        self.assertTrue(notices.filtered("item_id"), "a published notice offers a service in one click")
        page = self.url_open("/my/qi/notices")
        self.assertIn(notices[:1].name, page.text)

    def test_steward_sees_her_enterprises_and_warnings(self):
        Partner = self.env["res.partner"].with_user(self.lina)
        enterprises = Partner.search([("qi_steward_id", "=", self.lina.id)])
        self.assertIn(self.glass, enterprises)
        self.assertGreaterEqual(len(enterprises), 2)
        flagged = self.env["qi.instrument"].with_user(self.lina).search([("is_flagged", "=", True)])
        self.assertTrue(flagged, "overdue compulsory instruments are flagged to the steward")
        activities = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.lina.id),
                ("activity_type_id", "=", self.env.ref("qi_proactive.mail_activity_type_ledger_due").id),
            ]
        )
        self.assertTrue(activities, "the night run left the steward an activity")
        proactive = self.env["qi.case"].with_user(self.lina).search([("channel", "=", "proactive")])
        self.assertTrue(proactive, "demands of the proactive channel are on the board")
