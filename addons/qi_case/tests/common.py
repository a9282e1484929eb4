from datetime import datetime

from odoo.tests import TransactionCase, new_test_user


class QiCaseCommon(TransactionCase):
    """Two windows, a user per role, an enterprise, a provider, two items."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.staff_a = new_test_user(cls.env, "case_staff_a", groups="qi_window.group_qi_user", name="Staff A",
                                    email="staff.a@window.example.cn")
        cls.staff_a2 = new_test_user(cls.env, "case_staff_a2", groups="qi_window.group_qi_user", name="Staff A2",
                                     email="staff.a2@window.example.cn")
        cls.staff_b = new_test_user(cls.env, "case_staff_b", groups="qi_window.group_qi_user", name="Staff B")
        cls.leader = new_test_user(cls.env, "case_leader", groups="qi_window.group_qi_manager", name="Leader",
                                   email="leader@window.example.cn")
        cls.coordinator = new_test_user(cls.env, "case_coordinator", groups="qi_window.group_qi_coordinator")
        Window = cls.env["qi.window"]
        cls.window_a = Window.create({
            "name": "Case Window A", "code": "C-A", "leader_id": cls.leader.id, "phone": "0335-3032345",
            "staff_ids": [(0, 0, {"user_id": cls.staff_a.id}), (0, 0, {"user_id": cls.staff_a2.id})],
        })
        cls.window_b = Window.create({
            "name": "Case Window B", "code": "C-B", "leader_id": cls.leader.id,
            "staff_ids": [(0, 0, {"user_id": cls.staff_b.id})],
        })
        cls.enterprise = cls.env["res.partner"].create({
            "name": "Qinhuangdao Glass Co.", "is_company": True, "email": "quality@glass.example.cn",
        })
        cls.category = cls.env["qi.service.category"].create({"name": "Test Metrology", "code": "T-M"})
        cls.item_15 = cls.env["qi.service.item"].create({
            "name": "Calibration consulting", "code": "T-1", "category_id": cls.category.id, "time_limit_days": 15,
        })
        cls.item_5 = cls.env["qi.service.item"].create({
            "name": "Standards query", "code": "T-2", "category_id": cls.category.id, "time_limit_days": 5,
        })
        cls.provider = cls.env["res.partner"].create({
            "name": "Test Metrology Institute", "is_company": True, "is_qi_provider": True,
            "qi_uscc": cls._uscc("91130300MA07TP001"),
            "email": "lab@metrology.example.cn",
        })

    @classmethod
    def _load_chinese(cls):
        """zh_CN active with the catalogues a Chinese agency reads (Odoo's mail
        and portal, the suite's addons), as the suite runs in China."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        modules = [m for m in ("mail", "portal", "web") if m in installed]
        modules += sorted(m for m in installed if m.startswith("qi_"))
        cls.env["ir.module.module"]._load_module_terms(modules, ["zh_CN"])

    @classmethod
    def _portal_user(cls, login, company):
        """A portal user of ``company`` (enterprise or provider); password = login + "-pwd-123"."""
        user = new_test_user(cls.env, login, groups="base.group_portal", password=login + "-pwd-123")
        user.partner_id.parent_id = company
        return user

    @staticmethod
    def _uscc(base17):
        from stdnum.cn import uscc

        return base17 + uscc.calc_check_digit(base17)

    def _case(self, user=None, **vals):
        values = {
            "subject": "Calibrate pressure gauges",
            "partner_id": self.enterprise.id,
            "window_id": self.window_a.id,
            "channel": "walk_in",
            "item_ids": [(6, 0, self.item_15.ids)],
            "date_received": datetime(2026, 9, 25, 2, 0),  # 10:00 in Asia/Shanghai
        }
        values.update(vals)
        return self.env["qi.case"].with_user(user or self.staff_a).create(values)
