import base64
import json

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from tests.generic_doors import png, readable

from .common import QiProactiveCommon

QUIET = (
    "odoo.http",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "odoo.addons.base.models.ir_attachment",
    "odoo.addons.web.controllers.export",
    "werkzeug",
)
# what each enterprise's lines carry, so that an answer that shows them is caught
MARK_A, MARK_B = "LedgerMarkAlpha7731", "LedgerMarkBeta4410"


class LedgerFixture(QiProactiveCommon):
    """Each enterprise's instruments, special equipment and certificates, a
    demand of enterprise A about one instrument and one piece of equipment,
    assigned to the first provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.instrument_a = cls._instrument(name=f"Platform scale {MARK_A}")
        cls.instrument_a2 = cls._instrument(name="Tyre pressure gauge", serial_number="SN-A2", is_compulsory=False)
        cls.instrument_b = cls._instrument(partner=cls.enterprise_b, name=f"Fuel dispenser {MARK_B}")
        Equipment = cls.env["qi.special.equipment"]
        cls.equipment_a, cls.equipment_b = Equipment.create(
            [
                {"name": f"Steam boiler {MARK_A}", "partner_id": cls.enterprise.id, "equipment_type": "boiler"},
                {"name": f"Freight lift {MARK_B}", "partner_id": cls.enterprise_b.id, "equipment_type": "lift"},
            ]
        )
        Certificate = cls.env["qi.enterprise.certificate"]
        cls.certificate_a, cls.certificate_b = Certificate.create(
            [
                {
                    "name": f"Production licence {mark}",
                    "partner_id": partner.id,
                    "certificate_type": "production_licence",
                    "attachment_file": base64.b64encode(png(f"file-{mark}")),
                    "attachment_filename": "licence.png",
                }
                for partner, mark in ((cls.enterprise, MARK_A), (cls.enterprise_b, MARK_B))
            ]
        )
        cls.case = cls.env["qi.case"].create(
            {
                "subject": "Verification of the platform scale",
                "partner_id": cls.enterprise.id,
                "window_id": cls.window_a.id,
                "user_id": cls.staff_a.id,
                "channel": "proactive",
                "item_ids": [Command.set(cls.item_verification.ids)],
                "instrument_ids": [Command.set(cls.instrument_a.ids)],
                "equipment_ids": [Command.set(cls.equipment_a.ids)],
            }
        )
        cls.case.action_accept()
        cls.assignment = cls.env["qi.case.assignment"].create(
            {"case_id": cls.case.id, "provider_id": cls.provider.id, "item_id": cls.item_verification.id}
        )
        cls.own_a = cls.instrument_a | cls.instrument_a2


@tagged("post_install", "-at_install")
class TestLedgerAccess(LedgerFixture):
    """R-6.1.1.3: an enterprise sees and keeps only its own ledger, the staff
    of its window (and its steward) keep it, the leader and the coordination
    department read it, a provider reads only the lines of a demand assigned
    to it; each checked as that actor, never as superuser."""

    def _instruments(self, user):
        """The fixture's instruments the user finds (the demo data has others)."""
        fixture = self.own_a | self.instrument_b
        return self.env["qi.instrument"].with_user(user).search([("id", "in", fixture.ids)])

    def assertRefused(self, call):
        """``call`` raises AccessError and leaves nothing behind."""
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            call()
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # enterprises
    # ------------------------------------------------------------------
    def test_enterprise_reads_and_keeps_its_own_lines_only(self):
        user = self.enterprise_user
        self.assertEqual(self._instruments(user), self.own_a)
        Instrument = self.env["qi.instrument"].with_user(user)
        self.assertEqual(Instrument.search([("partner_id", "=", self.enterprise_b.id)]), Instrument)
        self.assertRefused(lambda: self.instrument_b.with_user(user).read(["name"]))
        self.assertRefused(lambda: self.instrument_b.with_user(user).write({"location": "Moved"}))
        self.assertRefused(lambda: self.instrument_b.with_user(user).unlink())
        # its own: written, created (for itself) and deleted through the ORM
        self.instrument_a2.with_user(user).write({"location": "Workshop 2"})
        self.assertEqual(self.instrument_a2.location, "Workshop 2")
        spare = self._instrument(user=user, name="Spare caliper", category_id=self.category_caliper.id)
        self.assertEqual(spare.partner_id, self.enterprise)
        spare.with_user(user).unlink()
        self.assertFalse(spare.exists())
        # another enterprise's line cannot be made, nor a line moved to it
        self.assertRefused(lambda: self._instrument(partner=self.enterprise_b, user=user, name="Forged"))
        self.assertRefused(lambda: self.instrument_a2.with_user(user).write({"partner_id": self.enterprise_b.id}))
        self.assertEqual(self.instrument_a2.partner_id, self.enterprise)
        self.assertFalse(self.env["qi.instrument"].search_count([("name", "=", "Forged")]))
        # a line a demand is about is archived, never deleted, by anyone
        for actor in (user, self.leader):
            with self.subTest(actor=actor.login), self.assertRaises(UserError), self.env.cr.savepoint():
                self.instrument_a.with_user(actor).unlink()
        self.instrument_a.with_user(user).action_archive()
        self.assertFalse(self.instrument_a.active)

    def test_enterprise_cannot_set_the_warnings_nor_the_window(self):
        """The warning bookkeeping is the daily run's (R-7.1.2); the window and
        the steward follow the enterprise, whatever the caller sends."""
        user = self.enterprise_user
        for vals in ({"warned_step": 3}, {"is_flagged": True}, {"warned_date_due": "2027-01-15"}):
            with self.subTest(vals=vals):
                self.assertRefused(lambda vals=vals: self.instrument_a.with_user(user).write(vals))
                self.assertRefused(lambda vals=vals: self._instrument(user=user, name="Forged flag", **vals))
        self.assertFalse(self.instrument_a.is_flagged)
        self.assertEqual(self.instrument_a.warned_step, 0)
        line = self._instrument(
            user=user, name="Derived", serial_number="SN-D1", steward_id=self.staff_b.id, window_id=self.window_b.id
        )
        self.assertEqual((line.window_id, line.steward_id), (self.window_a, self.staff_a))
        line.with_user(user).write({"steward_id": self.staff_b.id, "window_id": self.window_b.id})
        self.assertEqual((line.window_id, line.steward_id), (self.window_a, self.staff_a))

    def test_enterprise_isolation_of_equipment_and_certificates(self):
        user = self.enterprise_b_user
        Equipment = self.env["qi.special.equipment"].with_user(user)
        fixture = self.equipment_a | self.equipment_b
        self.assertEqual(Equipment.search([("id", "in", fixture.ids)]), self.equipment_b)
        self.assertRefused(lambda: self.equipment_a.with_user(user).read(["name"]))
        Certificate = self.env["qi.enterprise.certificate"].with_user(user)
        fixture = self.certificate_a | self.certificate_b
        self.assertEqual(Certificate.search([("id", "in", fixture.ids)]), self.certificate_b)
        self.assertRefused(lambda: self.certificate_a.with_user(user).read(["attachment_file"]))
        self.assertRefused(lambda: self.certificate_a.with_user(user).write({"number": "Forged"}))
        # the certificate's stored file follows its line
        file_a = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "qi.enterprise.certificate"),
                ("res_id", "=", self.certificate_a.id),
                ("res_field", "=", "attachment_file"),
            ]
        )
        self.assertEqual(len(file_a), 1)
        self.assertRefused(lambda: file_a.with_user(user).read(["datas"]))

    # ------------------------------------------------------------------
    # staff, leader, coordination department
    # ------------------------------------------------------------------
    def test_staff_keep_the_ledgers_of_their_window_only(self):
        self.assertEqual(self._instruments(self.staff_a), self.own_a)
        self.assertEqual(self._instruments(self.staff_b), self.instrument_b)
        self.assertRefused(lambda: self.instrument_b.with_user(self.staff_a).read(["name"]))
        self.assertRefused(lambda: self.instrument_b.with_user(self.staff_a).write({"location": "Moved"}))
        self.assertRefused(lambda: self.instrument_a.with_user(self.staff_b).read(["name"]))
        # their own window's: written and created, never deleted (the leader deletes)
        self.instrument_a2.with_user(self.staff_a).write({"location": "Store"})
        line = self._instrument(user=self.staff_a, name="Added by the window", serial_number="SN-W1")
        self.assertEqual(line.window_id, self.window_a)
        self.assertRefused(lambda: line.with_user(self.staff_a).unlink())
        # no line of another window's enterprise
        self.assertRefused(lambda: self._instrument(partner=self.enterprise_b, user=self.staff_a, name="Forged"))
        # the warning bookkeeping is not the staff's either
        self.assertRefused(lambda: self.instrument_a.with_user(self.staff_a).write({"is_flagged": True}))

    def test_staff_cannot_move_a_line_to_another_windows_enterprise(self):
        """The window-bound mixin checks the rules again after the write: the
        line would leave window A for window B."""
        self.assertRefused(
            lambda: self.instrument_a2.with_user(self.staff_a).write({"partner_id": self.enterprise_b.id})
        )
        self.assertEqual(self.instrument_a2.partner_id, self.enterprise)
        self.assertEqual(self.instrument_a2.window_id, self.window_a)
        self.assertRefused(lambda: self.equipment_a.with_user(self.staff_a).write({"partner_id": self.enterprise_b.id}))
        self.assertEqual(self.equipment_a.partner_id, self.enterprise)

    def test_steward_of_another_window_keeps_the_enterprises_ledger(self):
        """The steward is named per enterprise: staff B, made steward of
        enterprise A, keeps its ledger without being on window A's staff."""
        self.enterprise.qi_steward_id = self.staff_b
        self.assertEqual(self._instruments(self.staff_b), self.own_a | self.instrument_b)
        self.instrument_a2.with_user(self.staff_b).write({"location": "Lab"})
        self.assertEqual(self.instrument_a2.location, "Lab")

    def test_leader_and_coordination_department(self):
        everything = self.own_a | self.instrument_b
        self.assertEqual(self._instruments(self.leader), everything)
        self.instrument_b.with_user(self.leader).write({"location": "Checked by the leader"})
        self.assertEqual(self._instruments(self.coordinator), everything)
        self.assertRefused(lambda: self.instrument_b.with_user(self.coordinator).write({"location": "No"}))
        self.assertRefused(lambda: self._instrument(user=self.coordinator, name="No"))
        self.assertRefused(lambda: self.instrument_b.with_user(self.coordinator).unlink())

    # ------------------------------------------------------------------
    # providers
    # ------------------------------------------------------------------
    def test_assigned_provider_reads_the_lines_of_its_assignment_only(self):
        """R-6.1.1.1: the provider verifies what the demand is about, and reads
        nothing else of the enterprise's ledger, nor changes anything."""
        user = self.provider_user
        self.assertEqual(self._instruments(user), self.instrument_a)
        self.assertEqual(self.instrument_a.with_user(user).read(["serial_number"])[0]["id"], self.instrument_a.id)
        Equipment = self.env["qi.special.equipment"].with_user(user)
        self.assertEqual(Equipment.search([("id", "in", (self.equipment_a | self.equipment_b).ids)]), self.equipment_a)
        self.assertRefused(lambda: self.instrument_a2.with_user(user).read(["name"]))
        self.assertRefused(lambda: self.instrument_a.with_user(user).write({"date_due": "2030-01-01"}))
        self.assertRefused(lambda: self.instrument_a.with_user(user).unlink())
        self.assertRefused(lambda: self._instrument(user=user, name="Forged by the provider"))
        Certificate = self.env["qi.enterprise.certificate"].with_user(user)
        self.assertFalse(Certificate.search([("id", "in", (self.certificate_a | self.certificate_b).ids)]))

    def test_declined_assignment_gives_nothing(self):
        self.assignment.action_decline(reason="No capacity this month")
        self.assertEqual(self.assignment.state, "declined")
        self.assertFalse(self._instruments(self.provider_user))
        self.assertRefused(lambda: self.instrument_a.with_user(self.provider_user).read(["name"]))

    def test_unassigned_provider_reads_nothing(self):
        user = self.provider_other_user
        self.assertFalse(self._instruments(user))
        self.assertRefused(lambda: self.instrument_a.with_user(user).read(["name"]))
        self.assertRefused(lambda: self.equipment_a.with_user(user).read(["name"]))
        self.assertRefused(lambda: self.certificate_a.with_user(user).read(["name"]))


@tagged("post_install", "-at_install")
class TestLedgerDoors(HttpCase, LedgerFixture):
    """R-6.1.1.3 through Odoo's generic doors: JSON-RPC reads, the file
    route, the exports. Nothing of enterprise A's ledger reaches enterprise B
    or the unassigned provider; the door is shown to work for A."""

    def _login(self, user):
        self.authenticate(user.login, user.login + "-pwd-123")

    def _call_kw(self, model, method, args, kwargs=None):
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
        return response.content

    def _get(self, url):
        with mute_logger(*QUIET):
            return self.url_open(url, allow_redirects=False, timeout=60)

    def _answers(self):
        """[(door, status or None, body)] of every door tried on enterprise A's lines."""
        answers = []
        for model, record in (
            ("qi.instrument", self.instrument_a),
            ("qi.special.equipment", self.equipment_a),
            ("qi.enterprise.certificate", self.certificate_a),
        ):
            answers += [
                (f"{model} read", None, self._call_kw(model, "read", [record.ids, ["name"]])),
                (
                    f"{model} search_read",
                    None,
                    self._call_kw(model, "search_read", [], {"domain": [("id", "=", record.id)], "fields": ["name"]}),
                ),
                (
                    f"{model} web_search_read",
                    None,
                    self._call_kw(
                        model,
                        "web_search_read",
                        [],
                        {"domain": [("name", "ilike", MARK_A)], "specification": {"name": {}}},
                    ),
                ),
                (
                    f"{model} formatted_read_group",
                    None,
                    self._call_kw(
                        model,
                        "formatted_read_group",
                        [],
                        {"domain": [("id", "=", record.id)], "groupby": ["name"], "aggregates": ["__count"]},
                    ),
                ),
                (f"{model} name_search", None, self._call_kw(model, "name_search", [], {"name": MARK_A})),
            ]
        # the certificate's file, by its record and by the attachment itself
        file_a = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "qi.enterprise.certificate"),
                ("res_id", "=", self.certificate_a.id),
                ("res_field", "=", "attachment_file"),
            ]
        )
        for url in (
            f"/web/content/qi.enterprise.certificate/{self.certificate_a.id}/attachment_file",
            f"/web/content/qi.enterprise.certificate/{self.certificate_a.id}/attachment_file?download=true",
            f"/web/content/{file_a.id}",
            # answers a placeholder image to a user who may not read the record
            f"/web/image/qi.enterprise.certificate/{self.certificate_a.id}/attachment_file",
        ):
            response = self._get(url)
            answers.append((url, response.status_code, response.content))
        answers.append(
            ("ir.attachment read", None, self._call_kw("ir.attachment", "read", [file_a.ids, ["datas", "name"]]))
        )
        # the export: portal users may not export at all (base.group_allow_export); tried all the same
        export = {
            "model": "qi.instrument",
            "fields": [{"name": "name", "label": "Name"}, {"name": "serial_number", "label": "Serial"}],
            "ids": False,
            "domain": [("id", "=", self.instrument_a.id)],
            "import_compat": False,
        }
        with mute_logger(*QUIET):
            response = self.url_open(
                "/web/export/csv",
                data={"data": json.dumps(export), "csrf_token": http.Request.csrf_token(self)},
                allow_redirects=False,
                timeout=60,
            )
        answers.append(("/web/export/csv", response.status_code, response.content))
        return answers

    def test_foreign_users_get_nothing_of_enterprise_as_ledger(self):
        marker, file_marker = MARK_A.encode(), f"file-{MARK_A}".encode()
        for user in (self.enterprise_b_user, self.provider_other_user):
            self._login(user)
            for door, status, body in self._answers():
                with self.subTest(user=user.login, door=door):
                    text = readable(body)
                    self.assertNotIn(marker, text)
                    self.assertNotIn(file_marker, text)
                    if door.startswith("/web/content"):
                        self.assertIn(status, (403, 404), "the file route refuses")

    def test_the_doors_work_for_the_owner(self):
        """The same doors give enterprise A its own lines and file, so the
        refusals above are refusals, not a door that answers nothing."""
        self._login(self.enterprise_user)
        answers = {door: (status, readable(body)) for door, status, body in self._answers()}
        self.assertIn(MARK_A.encode(), answers["qi.instrument read"][1])
        self.assertIn(MARK_A.encode(), answers["qi.instrument search_read"][1])
        self.assertIn(MARK_A.encode(), answers["qi.enterprise.certificate read"][1])
        url = f"/web/content/qi.enterprise.certificate/{self.certificate_a.id}/attachment_file?download=true"
        self.assertEqual(answers[url][0], 200)
        self.assertIn(f"file-{MARK_A}".encode(), answers[url][1])

    def test_assigned_provider_reads_the_assigned_instrument_through_rpc(self):
        self._login(self.provider_user)
        body = self._call_kw("qi.instrument", "search_read", [], {"domain": [], "fields": ["name", "serial_number"]})
        self.assertIn(MARK_A.encode(), body)
        self.assertNotIn(MARK_B.encode(), body)
        self.assertNotIn(b"Tyre pressure gauge", body)
        # the certificates are not part of the assignment
        self.assertNotIn(
            MARK_A.encode(),
            readable(self._call_kw("qi.enterprise.certificate", "read", [self.certificate_a.ids, ["name"]])),
        )
