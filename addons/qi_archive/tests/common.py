import base64
from datetime import datetime

from odoo.tests import new_test_user

from odoo.addons.qi_case.tests.common import QiCaseCommon


class QiArchiveCommon(QiCaseCommon):
    """QiCaseCommon's people, windows, enterprise, items and provider, in
    China's time zone; window B with a leader of its own, a second enterprise
    and a portal user of the first: what finished cases to archive need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader_b = new_test_user(
            cls.env,
            "qi_leader_b",
            groups="qi_window.group_qi_manager",
            name="Leader B",
            email="leader.b@window.example.cn",
        )
        cls.window_b.leader_id = cls.leader_b
        # the name the archive's tests give QiWindowCommon's portal user, of the enterprise here
        cls.portal = cls.portal_user
        cls.portal.partner_id.parent_id = cls.enterprise
        (cls.staff | cls.staff_b | cls.leader | cls.leader_b | cls.coordinator | cls.portal).tz = "Asia/Shanghai"
        cls.other_enterprise = cls.env["res.partner"].create({"name": "Beidaihe Glass Co.", "is_company": True})
        # the item of the archive's cases
        cls.item = cls.item_15

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _case(self, window=None, partner=None, user=None, **vals):
        window = window or self.window
        user = user or (self.staff if window == self.window else self.staff_b)
        values = {
            "subject": "Calibrate pressure gauges",
            "partner_id": (partner or self.enterprise).id,
            "window_id": window.id,
            "channel": "walk_in",
            "item_ids": [(6, 0, self.item.ids)],
            "date_received": datetime(2026, 3, 2, 2, 0),
            "user_id": user.id,
        }
        values.update(vals)
        return self.env["qi.case"].with_user(user).create(values)

    def _closed_case(self, window=None, partner=None, files=()):
        """A case run through Annex A's whole flow, with files attached."""
        case = self._case(window=window, partner=partner)
        user = case.env.user
        case.action_accept()
        assignment = (
            self.env["qi.case.assignment"]
            .with_user(user)
            .create({"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item.id})
        )
        assignment.action_accept()
        case.action_start_service()
        assignment.action_start()
        assignment.action_deliver()
        case.action_complete()
        case.action_close()
        for name, content in files:
            self.env["ir.attachment"].with_user(user).create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": "qi.case",
                    "res_id": case.id,
                }
            )
        return case.with_env(self.env)

    def _archive(self, source, user=None, **options):
        return self.env["qi.archive.record"].with_user(user or self.staff)._qi_archive_source(source, **options)

    def _rule(self, window=None, name="Service process rule", kind="service_process"):
        rule = self.env["qi.window.rule"].create({"window_id": (window or self.window).id, "kind": kind, "name": name})
        rule.action_publish()
        return rule

    def _request(self, records, user=None, **vals):
        user = user or self.staff
        values = {"record_ids": [(6, 0, records.ids)], "reason": "Check the service record after a complaint"}
        values.update(vals)
        request = self.env["qi.archive.access.request"].with_user(user).create(values)
        request.action_submit()
        return request

    def _grant(self, records, user=None, approver=None, expiry=None):
        request = self._request(records, user=user)
        approver = approver or records[:1].window_id.leader_id
        wizard = (
            self.env["qi.archive.access.decision.wizard"]
            .with_user(approver)
            .create({"request_id": request.id, **({"date_expiry": expiry} if expiry else {})})
        )
        wizard.action_approve()
        return request

    @staticmethod
    def _b64(data):
        return base64.b64encode(data)
