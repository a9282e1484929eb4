from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPublicPage(HttpCase):
    """R-5.1.2.1, R-7.1.1: windows, contacts and channels published without login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(
            cls.env,
            "qi_public_staff",
            groups="qi_window.group_qi_user",
            name="Hidden Person",
            email="hidden.person@staff.example.cn",
        )
        cls.staff.partner_id.phone = "13912345678"
        cls.window = cls.env["qi.window"].create(
            {
                "name": "Harbour District Window",
                "code": "T-PUB",
                "street": "1 Harbour Road",
                "city": "Qinhuangdao",
                "phone": "0335-3032345",
                "complaint_phone": "0335-12315",
                "email": "harbour@window.example.cn",
                "leader_id": cls.staff.id,
                "staff_ids": [(0, 0, {"user_id": cls.staff.id, "desk_phone": "0335-7777777"})],
                "channel_ids": [
                    (0, 0, {"channel_type": "web", "name": "QI Cloud", "url": "https://qi.example.cn"}),
                    (0, 0, {"channel_type": "hotline", "name": "Hotline", "value": "0335-3032345"}),
                ],
            }
        )
        cls.env["qi.window.rule"].create(
            {"window_id": cls.window.id, "kind": "service_process", "name": "First-handler Process"}
        ).action_publish()
        cls.env["qi.window.rule"].create(
            {"window_id": cls.window.id, "kind": "organisation", "name": "Unpublished Draft"}
        )
        cls.closed = cls.env["qi.window"].create({"name": "Closed Window", "code": "T-OLD", "active": False})

    def test_public_page_without_login(self):
        response = self.url_open("/qi/windows")
        self.assertEqual(response.status_code, 200)
        body = response.text
        for shown in (
            "Harbour District Window",
            "1 Harbour Road",
            "0335-3032345",
            "0335-12315",
            "harbour@window.example.cn",
            "QI Cloud",
            "https://qi.example.cn",
            "First-handler Process",
        ):
            self.assertIn(shown, body)
        for hidden in (
            "Hidden Person",
            "hidden.person@staff.example.cn",
            "13912345678",
            "0335-7777777",
            "Unpublished Draft",
            "Closed Window",
        ):
            self.assertNotIn(hidden, body)

    def test_qr_of_archived_channel_is_not_found(self):
        channel = self.window.channel_ids[0]
        self.assertEqual(self.url_open(f"/qi/windows/channel/{channel.id}/qr").status_code, 404)
        self.assertEqual(self.url_open("/qi/windows/channel/999999/qr").status_code, 404)
