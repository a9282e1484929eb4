from odoo.tests import TransactionCase


class TestDemoRequests(TransactionCase):
    """Issue 17.13: the demo shows archive access requests in every state, each
    as the leader's decision left it (R-9.b)."""

    def test_requests_in_every_state(self):
        Request = self.env["qi.archive.access.request"]
        requests = Request.search([])
        self.assertEqual(set(requests.mapped("state")), {code for code, _label in Request._fields["state"].selection})
        leader = self.env.ref("qi_window.user_wang_li_demo")
        refused = requests.filtered(lambda r: r.state == "refused")
        self.assertEqual(refused.approver_id, leader)
        self.assertTrue(refused.decision_note)
        waiting = requests.filtered(lambda r: r.state == "submitted")
        self.assertIn(leader, waiting.activity_ids.user_id, "the leader has a request to decide")
