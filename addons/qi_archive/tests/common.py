import base64
from datetime import datetime

from odoo.tests import TransactionCase, new_test_user


class QiArchiveCommon(TransactionCase):
    """Two windows with their leaders and staff, the coordination department,
    an enterprise with a portal user, and a finished case to archive."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "arch_staff_a", groups="qi_window.group_qi_user", name="Archive Staff A",
                                  email="arch.staff.a@window.example.cn", tz="Asia/Shanghai")
        cls.staff_b = new_test_user(cls.env, "arch_staff_b", groups="qi_window.group_qi_user", name="Archive Staff B",
                                    tz="Asia/Shanghai")
        cls.leader = new_test_user(cls.env, "arch_leader_a", groups="qi_window.group_qi_manager", name="Leader A",
                                   email="arch.leader.a@window.example.cn", tz="Asia/Shanghai")
        cls.leader_b = new_test_user(cls.env, "arch_leader_b", groups="qi_window.group_qi_manager", name="Leader B",
                                     tz="Asia/Shanghai")
        cls.coordinator = new_test_user(cls.env, "arch_coordinator", groups="qi_window.group_qi_coordinator",
                                        name="Coordinator", tz="Asia/Shanghai")
        Window = cls.env["qi.window"]
        cls.window = Window.create({
            "name": "Archive Window A", "code": "ARC-A", "leader_id": cls.leader.id,
            "staff_ids": [(0, 0, {"user_id": cls.staff.id})],
        })
        cls.window_b = Window.create({
            "name": "Archive Window B", "code": "ARC-B", "leader_id": cls.leader_b.id,
            "staff_ids": [(0, 0, {"user_id": cls.staff_b.id})],
        })
        Partner = cls.env["res.partner"]
        cls.enterprise = Partner.create({"name": "Haigang Valve Co.", "is_company": True, "email": "q@valve.example.cn"})
        cls.other_enterprise = Partner.create({"name": "Beidaihe Glass Co.", "is_company": True})
        cls.portal = new_test_user(cls.env, "arch_portal_user", groups="base.group_portal", name="Valve Portal",
                                   tz="Asia/Shanghai")
        cls.portal.partner_id.parent_id = cls.enterprise
        cls.category = cls.env["qi.service.category"].create({"name": "Archive Metrology", "code": "ARC-M"})
        cls.item = cls.env["qi.service.item"].create({
            "name": "Archive calibration", "code": "ARC-1", "category_id": cls.category.id, "time_limit_days": 10,
        })
        from stdnum.cn import uscc

        base17 = "91130300MA07AR001"
        cls.provider = Partner.create({
            "name": "Archive Metrology Institute", "is_company": True, "is_qi_provider": True,
            "qi_uscc": base17 + uscc.calc_check_digit(base17), "email": "lab@arc.example.cn",
        })

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
        assignment = self.env["qi.case.assignment"].with_user(user).create(
            {"case_id": case.id, "provider_id": self.provider.id, "item_id": self.item.id}
        )
        assignment.action_accept()
        case.action_start_service()
        assignment.action_start()
        assignment.action_deliver()
        case.action_complete()
        case.action_close()
        for name, content in files:
            self.env["ir.attachment"].with_user(user).create({
                "name": name, "raw": content, "res_model": "qi.case", "res_id": case.id,
            })
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
        wizard = self.env["qi.archive.access.decision.wizard"].with_user(approver).create(
            {"request_id": request.id, **({"date_expiry": expiry} if expiry else {})}
        )
        wizard.action_approve()
        return request

    @staticmethod
    def _b64(data):
        return base64.b64encode(data)
