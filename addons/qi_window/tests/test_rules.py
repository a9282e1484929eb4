from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QiWindowCommon


@tagged("post_install", "-at_install")
class TestWindowRules(QiWindowCommon):
    """R-5.4: written rules, versioned and published one at a time."""

    def _rule(self, **vals):
        return self.env["qi.window.rule"].create(
            {"window_id": self.window_a.id, "kind": "service_process", "name": "Process", **vals}
        )

    def test_publishing_supersedes_previous_version(self):
        first = self._rule()
        first.with_user(self.leader).action_publish()
        self.assertEqual(first.state, "published")
        self.assertEqual(first.version, 1)
        second = first.action_new_version()
        second = self.env["qi.window.rule"].browse(second["res_id"])
        self.assertEqual((second.version, second.state), (2, "draft"))
        second.with_user(self.leader).action_publish()
        self.env.flush_all()  # the one-published-version index holds in the database
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.superseded_by_id, second)
        self.assertEqual(second.state, "published")
        self.assertEqual(self.window_a.rule_published_count, 1)
        # another kind is independent
        other = self._rule(kind="organisation", name="Organisation")
        other.action_publish()
        self.assertEqual(self.window_a.rule_published_count, 2)
        self.assertEqual(second.state, "published")

    def test_published_rule_is_a_record(self):
        rule = self._rule()
        rule.action_publish()
        with self.assertRaises(UserError):
            rule.unlink()
        with self.assertRaises(UserError):
            rule.write({"kind": "organisation"})
        with self.assertRaises(UserError):
            rule.action_publish()

    def test_leader_deletes_drafts_only(self):
        """R-5.4: the leader, who may delete rules, deletes a draft but not a published one."""
        rule = self._rule()
        rule.with_user(self.leader).action_publish()
        with self.assertRaises(UserError):
            rule.with_user(self.leader).unlink()
        self.assertTrue(rule.exists())
        draft = self._rule(kind="organisation", name="Organisation")
        draft.with_user(self.leader).unlink()
        self.assertFalse(draft.exists())

    def test_uninstall_flag_does_not_lift_the_guard(self):
        """R-5.4: Odoo's uninstall flag, which an RPC caller can put in its context,
        does not let the leader delete a published rule."""
        rule = self._rule()
        rule.with_user(self.leader).action_publish()
        with self.assertRaises(UserError):
            rule.with_user(self.leader).with_context(_force_unlink=True).unlink()
        self.assertTrue(rule.exists())

    def test_staff_drafts_but_does_not_publish(self):
        rule = (
            self.env["qi.window.rule"]
            .with_user(self.staff_a)
            .create({"window_id": self.window_a.id, "kind": "service_content", "name": "Content"})
        )
        self.assertEqual(rule.state, "draft")
        with self.assertRaises(AccessError):
            rule.action_publish()
        self.assertEqual(rule.state, "draft")
        rule.body = "<p>ok</p><script>alert(1)</script>"
        self.assertNotIn("<script", rule.body)
