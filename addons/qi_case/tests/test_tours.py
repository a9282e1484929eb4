from odoo.tests import HttpCase, new_test_user, tagged

from .common import QiCaseCommon

# the tours and their steps: qi_case/static/tests/tours/
TOUR_TIMEOUT = 180  # the first tour also builds the asset bundles, on a busy 2-core runner


@tagged("post_install", "-at_install")
class TestCaseTours(HttpCase, QiCaseCommon):
    """The three daily gestures in a real browser: an enterprise submits a demand
    on the portal, a provider accepts its assignment and reports progress, window
    staff move a case on the kanban. Each tour checks what the user sees; each
    test then checks what was stored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_enterprise = new_test_user(
            cls.env, "qi_tour_enterprise", groups="base.group_portal", name="Tour Enterprise Contact"
        )
        cls.portal_enterprise.partner_id.parent_id = cls.enterprise
        cls.portal_provider = new_test_user(
            cls.env, "qi_tour_provider", groups="base.group_portal", name="Tour Provider Contact"
        )
        cls.portal_provider.partner_id.parent_id = cls.provider

    def test_portal_demand_tour(self):
        self.start_tour(
            "/my/qi/cases", "qi_case_portal_demand", login=self.portal_enterprise.login, timeout=TOUR_TIMEOUT
        )
        self.env.invalidate_all()
        case = self.env["qi.case"].search([("subject", "=", "Tour: calibrate the pressure gauges of line 3")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.partner_id, self.enterprise, "the demand is filed for the visitor's company")
        self.assertEqual(case.contact_id, self.portal_enterprise.partner_id)
        self.assertEqual((case.window_id, case.channel, case.stage_code), (self.window_a, "online", "new"))
        self.assertEqual(case.item_ids, self.item_15 | self.item_5)
        self.assertIn("Twelve gauges, due for the annual audit.", case.description)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "qi.case"), ("res_id", "=", case.id)])
        self.assertEqual(attachment.name, "tour_gauge_list.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 gauges")
        announce = case.message_ids.filtered(lambda m: "Materials sent through the portal." in (m.body or ""))
        self.assertEqual(announce.author_id, self.portal_enterprise.partner_id)

    def test_public_demand_tour(self):
        """An enterprise's contact working in Chinese files a demand with a file on
        the public form (issue 17): Chinese labels, the 详细说明 box, the file kept."""
        self._load_chinese()
        self.portal_enterprise.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        self.start_tour("/qi/demand", "qi_case_public_demand", login=self.portal_enterprise.login, timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()
        case = self.env["qi.case"].search([("subject", "=", "公开表单：三号线压力表校准")])
        self.assertEqual(len(case), 1)
        self.assertRegex(case.name, r"^QI\d{4}-\d+$")
        self.assertEqual((case.window_id, case.channel, case.stage_code), (self.window_a, "online", "new"))
        self.assertEqual(case.partner_id.name, "秦皇岛公开表单玻璃有限公司")
        self.assertTrue(case.partner_id.qi_unverified)
        self.assertEqual(case.partner_id.lang, "zh_CN", "an enterprise of the public form speaks Chinese")
        self.assertEqual(case.contact_phone, "13803350123")
        self.assertIn("十二只压力表，年度审核前完成。", case.description)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "qi.case"), ("res_id", "=", case.id)])
        self.assertEqual(attachment.name, "压力表清单.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 gauges")
        announce = case.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertEqual(announce.author_id, case.contact_id)

    def test_portal_assignment_tour(self):
        case = self._case(subject="Tour: verify the flow meters", user_id=self.staff_a.id)
        case.action_accept()
        assignment = self.env["qi.case.assignment"].create(
            {"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item_15.id}
        )
        self.start_tour(
            "/my/qi/assignments", "qi_case_portal_assignment", login=self.portal_provider.login, timeout=TOUR_TIMEOUT
        )
        self.env.invalidate_all()
        # posting progress on an accepted assignment starts the work: accepted, then in progress
        self.assertEqual((assignment.state, assignment.progress), ("in_progress", 40))
        state_changes = assignment.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "state")
        self.assertEqual(
            sorted((v.old_value_char, v.new_value_char) for v in state_changes),
            [("Accepted", "In Progress"), ("Proposed", "Accepted")],
        )
        notes = assignment.message_ids.filtered(lambda m: "Samples received in the lab" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.author_id, self.portal_provider.partner_id)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))

    def test_kanban_drag_tour(self):
        case = self._case(subject="Tour: drag me to Accepted", user_id=self.staff_a.id)
        self.assertEqual(case.stage_code, "new")
        self.start_tour(
            "/odoo/action-qi_case.qi_case_action", "qi_case_kanban_drag", login=self.staff_a.login, timeout=TOUR_TIMEOUT
        )
        self.env.invalidate_all()
        self.assertEqual(case.stage_code, "accepted")
        self.assertTrue(case.date_accepted, "the move through the kanban runs the same flow as the Accept button")
        self.assertEqual(case.user_id, self.staff_a)
