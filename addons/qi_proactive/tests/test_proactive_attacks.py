from odoo import Command, http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from tests.generic_doors import png

from .test_ledger_access import MARK_B, LedgerFixture

QUIET = (
    "odoo.http",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "werkzeug",
)
# the name of a person no enterprise may read, set on a ledger line to see whether it comes back
STRANGER_MARK = "StrangerMark5521"


@tagged("post_install", "-at_install")
class TestProactiveAttacks(HttpCase, LedgerFixture):
    """The actors of the proactive services try what the screens do not
    offer, through JSON-RPC as a script would (R-6.1.1.3, R-7.1.2): each
    refusal below was once a way in; each test shows the legitimate use still
    works."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stranger = cls.env["res.partner"].create({"name": f"Zhao {STRANGER_MARK}", "email": "zhao@private.cn"})
        cls.colleague_user = cls._portal_user("qi_ent_a_colleague", cls.enterprise)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _login(self, user):
        self.authenticate(user.login, user.login + "-pwd-123")

    def _rpc(self, model, method, args, kwargs=None):
        """``(result, error name, raw answer)`` of a JSON-RPC call as the logged-in user."""
        with mute_logger(*QUIET):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
                },
                timeout=60,
            )
        answer = response.json()
        error = answer.get("error")
        return answer.get("result"), error and error["data"]["name"], response.text

    def assertRpcRefused(self, call, error="odoo.exceptions.AccessError"):
        result, name, _text = call
        self.assertEqual(name, error, f"refused, not answered {result!r}")

    def _post(self, url, data, files=None):
        with mute_logger(*QUIET):
            return self.url_open(
                url,
                data={**data, "csrf_token": http.Request.csrf_token(self)},
                files=files,
                allow_redirects=False,
                timeout=60,
            )

    def _followers(self, record):
        return (
            self.env["mail.followers"].search([("res_model", "=", record._name), ("res_id", "=", record.id)]).partner_id
        )

    # ------------------------------------------------------------------
    # the demands of a line
    # ------------------------------------------------------------------
    def test_enterprise_cannot_take_a_line_out_of_its_demand(self):
        """``case_ids`` was writable by the enterprise on its own lines: it
        took its instrument out of the open demand (the provider lost it, the
        demand no longer showed what it was for), then deleted it or filed a
        second demand about it. Only the demand's creation links the lines."""
        self._login(self.enterprise_user)
        for command in ([[3, self.case.id]], [[5, 0, 0]], [[6, 0, []]]):
            with self.subTest(command=command):
                self.assertRpcRefused(
                    self._rpc("qi.instrument", "write", [self.instrument_a.ids, {"case_ids": command}])
                )
        # nor linked to another demand of its own
        other = self.env["qi.case"].create(
            {
                "subject": "Another demand of enterprise A",
                "partner_id": self.enterprise.id,
                "window_id": self.window_a.id,
                "item_ids": [Command.set(self.item_verification.ids)],
            }
        )
        self.assertRpcRefused(
            self._rpc("qi.instrument", "write", [self.instrument_a2.ids, {"case_ids": [[4, other.id]]}])
        )
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument",
                "create",
                [{"name": "Linked at birth", "partner_id": self.enterprise.id, "case_ids": [[4, self.case.id]]}],
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self.case.instrument_ids, self.instrument_a)
        self.assertFalse(self.instrument_a2.case_ids)
        # the line stays in its demand: not deleted, no second demand about it
        self.assertRpcRefused(
            self._rpc("qi.instrument", "unlink", [self.instrument_a.ids]), "odoo.exceptions.UserError"
        )
        self.assertRpcRefused(
            self._rpc("qi.instrument", "action_request_service", [self.instrument_a.ids]), "odoo.exceptions.UserError"
        )
        self.assertTrue(self.instrument_a.exists())
        # the enterprise still edits the rest of its line
        result, error, _text = self._rpc("qi.instrument", "write", [self.instrument_a.ids, {"location": "Dock 3"}])
        self.assertEqual((result, error), (True, None))

    def test_a_copy_of_a_line_is_in_no_demand(self):
        """Copying a line copied its demands: the duplicate showed up in the
        open demand and with the provider. A copy starts with no demand, and
        the copy's demands cannot be given as defaults."""
        self._login(self.enterprise_user)
        result, error, _text = self._rpc(
            "qi.instrument", "copy", [self.instrument_a.ids], {"default": {"serial_number": "SN-COPY"}}
        )
        self.assertFalse(error)
        duplicate = self.env["qi.instrument"].browse(result)
        self.assertEqual(duplicate.partner_id, self.enterprise)
        self.assertFalse(duplicate.case_ids)
        self.assertEqual(self.case.instrument_ids, self.instrument_a)
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument",
                "copy",
                [self.instrument_a2.ids],
                {"default": {"serial_number": "SN-COPY-2", "case_ids": [[6, 0, self.case.ids]]}},
            )
        )
        self.assertEqual(self.case.instrument_ids, self.instrument_a)

    def test_a_demand_lists_the_lines_of_its_own_enterprise_only(self):
        """Staff of window A put enterprise A's instrument on a demand of
        another enterprise of the same window: that demand's provider then
        read enterprise A's ledger line."""
        other = self.env["res.partner"].create(
            {"name": "Haigang Pumps Co.", "is_company": True, "qi_window_id": self.window_a.id}
        )
        case = (
            self.env["qi.case"]
            .with_user(self.staff_a)
            .create(
                {
                    "subject": "Pump test",
                    "partner_id": other.id,
                    "window_id": self.window_a.id,
                    "item_ids": [Command.set(self.item_verification.ids)],
                }
            )
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            case.with_user(self.staff_a).write({"instrument_ids": [Command.link(self.instrument_a2.id)]})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            case.with_user(self.staff_a).write({"certificate_ids": [Command.link(self.certificate_a.id)]})
        # nor by moving a demand with lines to another enterprise
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.case.with_user(self.staff_a).write({"partner_id": other.id})
        self.assertFalse(case.instrument_ids)
        # the lines of the demand's own enterprise are linked as before
        line = self._instrument(partner=other, name="Pump pressure gauge", serial_number="SN-PUMP")
        case.with_user(self.staff_a).write({"instrument_ids": [Command.link(line.id)]})
        self.assertEqual(case.instrument_ids, line)

    # ------------------------------------------------------------------
    # what a line names
    # ------------------------------------------------------------------
    def test_a_line_cannot_read_the_name_of_any_partner(self):
        """The verifier (and the inspection body) is a many2one to any
        partner, whose name Odoo reads as superuser: an enterprise set any id
        on its line and read back the name of any person or company. Only a
        QI service provider can be named."""
        self._login(self.enterprise_user)
        for model, line, field in (
            ("qi.instrument", self.instrument_a2, "verified_by_id"),
            ("qi.special.equipment", self.equipment_a, "inspection_body_id"),
        ):
            with self.subTest(model=model):
                _result, error, text = self._rpc(model, "write", [line.ids, {field: self.stranger.id}])
                self.assertEqual(error, "odoo.exceptions.ValidationError")
                self.assertNotIn(STRANGER_MARK, text)
                _result, _error, text = self._rpc(model, "read", [line.ids, [field]])
                self.assertNotIn(STRANGER_MARK, text)
                # nor through a new line
                _result, error, text = self._rpc(
                    model, "create", [{"name": "Probe", "partner_id": self.enterprise.id, field: self.stranger.id}]
                )
                self.assertEqual(error, "odoo.exceptions.ValidationError")
                self.assertNotIn(STRANGER_MARK, text)
        # a provider is named and read back
        result, error, _text = self._rpc(
            "qi.instrument", "write", [self.instrument_a2.ids, {"verified_by_id": self.provider.id}]
        )
        self.assertEqual((result, error), (True, None))
        result, _error, _text = self._rpc("qi.instrument", "read", [self.instrument_a2.ids, ["verified_by_id"]])
        self.assertEqual(result[0]["verified_by_id"], [self.provider.id, self.provider.display_name])

    # ------------------------------------------------------------------
    # followers of a line
    # ------------------------------------------------------------------
    def test_followers_of_a_line_are_of_its_enterprise(self):
        """An enterprise made any partner follow its line (then each comment
        it posted there went out by mail from the platform to that partner),
        and removed the staff following it; the assigned provider followed the
        enterprise's line and kept its news after the assignment. The portal
        follows and unfollows for its own enterprise's people only."""
        staff_partner = self.staff_a.partner_id
        self.instrument_a2.message_subscribe(partner_ids=staff_partner.ids)
        self._login(self.enterprise_user)
        for partner in (self.enterprise_b, self.stranger, self.enterprise_b_user.partner_id):
            with self.subTest(partner=partner.name):
                self.assertRpcRefused(
                    self._rpc(
                        "qi.instrument", "message_subscribe", [self.instrument_a2.ids], {"partner_ids": partner.ids}
                    )
                )
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument", "message_unsubscribe", [self.instrument_a2.ids], {"partner_ids": staff_partner.ids}
            )
        )
        followers = self._followers(self.instrument_a2)
        self.assertIn(staff_partner, followers)
        self.assertFalse(followers & (self.enterprise_b | self.stranger | self.enterprise_b_user.partner_id))
        # its own people: itself, a colleague, the enterprise
        for partner in (self.enterprise_user.partner_id, self.colleague_user.partner_id, self.enterprise):
            result, error, _text = self._rpc(
                "qi.instrument", "message_subscribe", [self.instrument_a2.ids], {"partner_ids": partner.ids}
            )
            self.assertEqual((result, error), (True, None))
        self.assertLessEqual(
            self.enterprise_user.partner_id | self.colleague_user.partner_id | self.enterprise,
            self._followers(self.instrument_a2),
        )
        # the provider reads the assigned line, and does not follow it
        self._login(self.provider_user)
        result, _error, _text = self._rpc("qi.instrument", "read", [self.instrument_a.ids, ["name"]])
        self.assertTrue(result, "the provider reads the line of its assignment")
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument",
                "message_subscribe",
                [self.instrument_a.ids],
                {"partner_ids": self.provider_user.partner_id.ids},
            )
        )
        self.assertNotIn(self.provider_user.partner_id, self._followers(self.instrument_a))
        # staff follow as before
        self.instrument_a.with_user(self.staff_a).message_subscribe(partner_ids=self.staff_a.partner_id.ids)
        self.assertIn(self.staff_a.partner_id, self._followers(self.instrument_a))

    # ------------------------------------------------------------------
    # notices
    # ------------------------------------------------------------------
    def _draft_notice(self):
        return (
            self.env["qi.notice"]
            .with_user(self.staff_a)
            .create(
                {
                    "name": "Verification subsidy",
                    "body": "<p>Apply now.</p>",
                    "target_item_ids": [Command.set(self.item_verification.ids)],
                }
            )
        )

    def test_portal_users_cannot_list_a_notices_targets(self):
        """“Preview Recipients” ran for anyone who named the notice's id, a
        draft included, and answered the ids of every enterprise targeted; a
        published notice's “Enterprises Targeted” count was readable by its
        recipients. Both are the staff's."""
        notice = self._draft_notice()
        self.assertIn(self.enterprise, notice.with_user(self.staff_a)._target_partners(), "the draft targets A")
        for user in (self.enterprise_b_user, self.provider_other_user, self.enterprise_user):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertRpcRefused(self._rpc("qi.notice", "action_preview_recipients", [notice.ids]))
        notice.with_user(self.staff_a).action_publish()
        # its recipient reads it, and neither lists nor counts the others
        self._login(self.enterprise_user)
        result, _error, _text = self._rpc("qi.notice", "read", [notice.ids, ["name"]])
        self.assertEqual(result[0]["name"], "Verification subsidy")
        self.assertRpcRefused(self._rpc("qi.notice", "action_preview_recipients", [notice.ids]))
        self.assertRpcRefused(self._rpc("qi.notice", "read", [notice.ids, ["target_count"]]))
        # the staff preview and count as before
        draft = self._draft_notice()
        self.assertIn(
            ("id", "in", draft._target_partners().ids),
            draft.with_user(self.staff_a).action_preview_recipients()["domain"],
        )
        self.assertTrue(draft.with_user(self.staff_a).target_count)
        self.assertTrue(draft.with_user(self.coordinator).action_preview_recipients())

    # ------------------------------------------------------------------
    # the enterprise's window and steward
    # ------------------------------------------------------------------
    def test_staff_cannot_take_another_windows_enterprise(self):
        """Window staff may edit any partner (Contact Creation): staff of
        window A named themselves steward of enterprise B, or moved it to
        window A, and read its whole ledger. The window and the steward are
        set by the staff of the enterprise's window (or by the leader); an
        enterprise no window serves is taken on by a window of one's own."""
        # an RPC caller sends its context: without tracking, nothing reads window B on the way
        quiet = self.enterprise_b.with_user(self.staff_a).with_context(tracking_disable=True)
        for vals in ({"qi_steward_id": self.staff_a.id}, {"qi_window_id": self.window_a.id}):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    quiet.write(vals)
        self.assertEqual(
            (self.enterprise_b.qi_window_id, self.enterprise_b.qi_steward_id), (self.window_b, self.staff_b)
        )
        Instrument = self.env["qi.instrument"].with_user(self.staff_a)
        self.assertFalse(Instrument.search([("partner_id", "=", self.enterprise_b.id)]))
        self.assertNotIn(MARK_B, str(Instrument.search([]).mapped("name")))
        # window-less: taken on by one's own window only
        newcomer = self.env["res.partner"].create({"name": "Newcomer Glass Co.", "is_company": True})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            newcomer.with_user(self.staff_a).write({"qi_window_id": self.window_b.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            newcomer.with_user(self.staff_a).write({"qi_steward_id": self.staff_a.id})
        newcomer.with_user(self.staff_a).write({"qi_window_id": self.window_a.id, "qi_steward_id": self.staff_a2.id})
        self.assertEqual((newcomer.qi_window_id, newcomer.qi_steward_id), (self.window_a, self.staff_a2))
        # the enterprise's window names its steward (one of another window too) and hands it over
        self.enterprise.with_user(self.staff_a).write({"qi_steward_id": self.staff_b.id})
        self.enterprise.with_user(self.staff_a).write({"qi_window_id": self.window_b.id})
        self.assertEqual((self.enterprise.qi_window_id, self.enterprise.qi_steward_id), (self.window_b, self.staff_b))
        # the leader of the organisation sets both
        self.enterprise_b.with_user(self.leader).write(
            {"qi_window_id": self.window_a.id, "qi_steward_id": self.staff_a.id}
        )
        self.assertEqual(self.enterprise_b.qi_steward_id, self.staff_a)
        # other fields of another window's enterprise stay as Odoo has them
        self.enterprise_b.with_user(self.staff_b).write({"phone": "0335-1234567"})

    def test_staff_cannot_merge_another_windows_enterprise_into_theirs(self):
        """Odoo lets contact managers merge partners of one e-mail address:
        staff of window A made a company with enterprise B's address, took it
        on for window A and merged enterprise B into it; B's ledgers (and
        portal users) moved to window A's company. The staff of the windows
        that serve them merge enterprises."""
        Partner = self.env["res.partner"].with_user(self.staff_a)
        decoy = Partner.create({"name": "Beidaihe Food (dup)", "is_company": True, "email": self.enterprise_b.email})
        decoy.write({"qi_window_id": self.window_a.id})
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.staff_a)
        for dst in (decoy, self.enterprise_b):
            with self.subTest(kept=dst.name), self.assertRaises(AccessError), self.env.cr.savepoint():
                Wizard.create(
                    {"partner_ids": [Command.set((decoy | self.enterprise_b).ids)], "dst_partner_id": dst.id}
                ).action_merge()
        self.assertTrue(self.enterprise_b.exists())
        self.assertEqual(self.instrument_b.partner_id, self.enterprise_b)
        self.assertFalse(self.env["qi.instrument"].with_user(self.staff_a).search([("id", "=", self.instrument_b.id)]))
        # two records of one enterprise of window A are merged as before
        twin = Partner.create({"name": "Beidaihe Food (twin)", "is_company": True, "email": self.enterprise_b.email})
        Wizard.create({"partner_ids": [Command.set((decoy | twin).ids)], "dst_partner_id": decoy.id}).action_merge()
        self.assertFalse(twin.exists())

    # ------------------------------------------------------------------
    # the demand the portal files with sudo
    # ------------------------------------------------------------------
    def test_portal_demand_ignores_a_forged_context(self):
        """``action_request_service`` is callable over JSON-RPC with any
        context, and the portal's demand is created with sudo. Odoo's sudo()
        drops the ``default_*`` keys (held: no forged stage, priority, date or
        handler); the mail keys passed through and the demand was filed
        without its creation in the chatter. The demand is created with the
        visitor's language and time zone only."""
        self._login(self.enterprise_user)
        result, error, _text = self._rpc(
            "qi.instrument",
            "action_request_service",
            [self.instrument_a2.ids],
            {
                "context": {
                    "tracking_disable": True,
                    "mail_create_nolog": True,
                    "mail_notrack": True,
                    "mail_create_nosubscribe": True,
                    "default_priority": "1",
                    "default_date_received": "2020-01-01 00:00:00",
                    "default_user_id": self.staff_b.id,
                    "default_is_overdue": True,
                    "default_intake_key": "forged",
                }
            },
        )
        self.assertFalse(error)
        case = self.env["qi.case"].browse(result["res_id"])
        self.assertEqual(case.instrument_ids, self.instrument_a2)
        self.assertEqual((case.priority, case.is_overdue, case.intake_key), ("0", False, False))
        self.assertEqual(case.user_id, self.staff_a, "the steward, not the forged handler")
        self.assertGreater(case.date_received.year, 2020)
        self.assertTrue(case.message_ids, "the demand's creation is in its chatter")
        self.assertIn(self.enterprise, case.message_partner_ids, "the enterprise follows its demand")

    # ------------------------------------------------------------------
    # what held
    # ------------------------------------------------------------------
    def test_what_held(self):
        """Doors tried that were already shut, kept as regressions."""
        # enterprise B: A's warnings, A's notice rows, A's lines' followers, posting on A's line
        notice = self._draft_notice()
        notice.with_user(self.staff_a).action_publish()
        warning = self.env["qi.ledger.warning"].create(
            {
                "res_model": "qi.instrument",
                "res_id": self.instrument_a.id,
                "name": self.instrument_a.name,
                "partner_id": self.enterprise.id,
                "window_id": self.window_a.id,
                "step": 1,
                "date_due": self.instrument_a.date_due,
                "date_sent": self.instrument_a.date_due,
            }
        )
        recipient = notice.recipient_ids.filtered(lambda row: row.partner_id == self.enterprise)
        self.assertTrue(recipient)
        self._login(self.enterprise_b_user)
        self.assertRpcRefused(self._rpc("qi.ledger.warning", "read", [warning.ids, ["name"]]))
        self.assertFalse(self._rpc("qi.ledger.warning", "search", [[("partner_id", "=", self.enterprise.id)]])[0])
        self.assertRpcRefused(self._rpc("qi.notice.recipient", "read", [recipient.ids, ["partner_id"]]))
        self.assertFalse(self._rpc("qi.notice.recipient", "search", [[("notice_id", "=", notice.id)]])[0])
        self.assertRpcRefused(self._rpc("qi.notice", "read", [notice.ids, ["name"]]))
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument", "message_post", [self.instrument_a2.ids], {"body": "Hello", "message_type": "comment"}
            )
        )
        # ... nor its portal doors: a file on A's line, a demand of A's lines, A's notice
        attachments = self.env["ir.attachment"].search_count([])
        response = self._post(
            "/mail/attachment/upload",
            {"thread_id": str(self.instrument_a2.id), "thread_model": "qi.instrument"},
            files={"ufile": ("planted.png", png("planted"), "image/png")},
        )
        self.assertEqual(response.status_code, 404)
        cases = self.env["qi.case"].search_count([])
        self._post("/my/qi/ledger/request", {"kind": "instrument", "line_ids": str(self.instrument_a2.id)})
        with mute_logger(*QUIET):
            # a zh_CN visitor is first sent to /zh_CN/...: follow it
            self.assertEqual(self.url_open(f"/my/qi/notices/{notice.id}").status_code, 404)
        self.assertEqual(self._post(f"/my/qi/notices/{notice.id}/request", {}).status_code, 404)
        self.assertEqual(self.env["qi.case"].search_count([]), cases)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        # enterprise A: the staff's fields of its own line, a post to a stranger, another enterprise's line in a demand
        self._login(self.enterprise_user)
        for vals in ({"warned_step": 0}, {"is_flagged": True}, {"warned_date_due": "2027-01-01"}):
            with self.subTest(vals=vals):
                self.assertRpcRefused(
                    self._rpc("qi.instrument", "web_save", [self.instrument_a2.ids, vals], {"specification": {}})
                )
        self._rpc(
            "qi.instrument",
            "web_save",
            [
                self.instrument_a2.ids,
                {"window_id": self.window_b.id, "steward_id": self.staff_b.id, "company_id": False},
            ],
            {"specification": {}},
        )
        self.assertEqual((self.instrument_a2.window_id, self.instrument_a2.steward_id), (self.window_a, self.staff_a))
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument",
                "message_post",
                [self.instrument_a2.ids],
                {"body": "Phish", "partner_ids": self.stranger.ids, "message_type": "comment"},
            )
        )
        self.assertRpcRefused(
            self._rpc("qi.instrument", "action_request_service", [(self.instrument_a2 | self.instrument_b).ids])
        )
        # the steward's user record beyond its name, and a file on the notice it received
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument",
                "web_read",
                [self.instrument_a2.ids],
                {"specification": {"steward_id": {"fields": {"login": {}, "phone": {}}}}},
            )
        )
        response = self._post(
            "/mail/attachment/upload",
            {"thread_id": str(notice.id), "thread_model": "qi.notice"},
            files={"ufile": ("planted.png", png("planted"), "image/png")},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        # (the door works: a file on its own line)
        response = self._post(
            "/mail/attachment/upload",
            {"thread_id": str(self.instrument_a2.id), "thread_model": "qi.instrument"},
            files={"ufile": ("own.png", png("own"), "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments + 1)
        # the assigned provider reads its line and neither writes nor posts on it
        self._login(self.provider_user)
        self.assertRpcRefused(self._rpc("qi.instrument", "write", [self.instrument_a.ids, {"location": "Moved"}]))
        self.assertRpcRefused(
            self._rpc(
                "qi.instrument", "message_post", [self.instrument_a.ids], {"body": "Hi", "message_type": "comment"}
            )
        )
        self.assertRpcRefused(self._rpc("qi.instrument", "action_request_service", [self.instrument_a.ids]))
        # staff of window A: a demand, from the leader's notice, for its recipient served by window B
        notice_b = (
            self.env["qi.notice"]
            .with_user(self.leader)
            .create(
                {
                    "name": "Lift inspection campaign",
                    "body": "<p>Book now.</p>",
                    "window_ids": [Command.set(self.window_b.ids)],
                    "item_id": self.item_equipment.id,
                }
            )
        )
        notice_b.with_user(self.leader).action_publish()
        self.assertIn(self.enterprise_b, notice_b.recipient_ids.partner_id)
        cases = self.env["qi.case"].search_count([])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            notice_b.with_user(self.staff_a)._make_demand(self.enterprise_b)
        self.assertEqual(self.env["qi.case"].search_count([]), cases)
        # a notice's body is sanitized on the way in
        script = (
            self.env["qi.notice"]
            .with_user(self.staff_a)
            .create({"name": "Script", "body": "<p>Hi</p><script>alert(1)</script><img src=x onerror=alert(2)>"})
        )
        self.assertNotIn("<script", script.body)
        self.assertNotIn("onerror", script.body)
