from odoo.tests import TransactionCase, new_test_user


class QiWindowCommon(TransactionCase):
    """Two windows of one operating organisation, a user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.staff_a = new_test_user(cls.env, "qi_staff_a", groups="qi_window.group_qi_user", name="Staff A")
        cls.staff_b = new_test_user(cls.env, "qi_staff_b", groups="qi_window.group_qi_user", name="Staff B")
        cls.leader = new_test_user(cls.env, "qi_leader", groups="qi_window.group_qi_manager", name="Leader")
        cls.coordinator = new_test_user(
            cls.env, "qi_coordinator", groups="qi_window.group_qi_coordinator", name="Coordinator"
        )
        cls.portal_user = new_test_user(cls.env, "qi_portal", groups="base.group_portal", name="Portal")
        cls.public_user = cls.env.ref("base.public_user")
        Window = cls.env["qi.window"]
        cls.window_a = Window.create(
            {
                "name": "Window A",
                "code": "T-A",
                "leader_id": cls.leader.id,
                "phone": "0335-3032345",
                "complaint_phone": "12315",
                "email": "window-a@example.cn",
                "staff_ids": [(0, 0, {"user_id": cls.staff_a.id, "role": "first_handler"})],
            }
        )
        cls.window_b = Window.create(
            {
                "name": "Window B",
                "code": "T-B",
                "leader_id": cls.leader.id,
                "staff_ids": [(0, 0, {"user_id": cls.staff_b.id, "role": "first_handler"})],
            }
        )
