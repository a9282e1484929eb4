import io
import re
import zipfile

from odoo import Command, http
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger
from tests.generic_doors import png

from .test_ledger_access import MARK_A, MARK_B, LedgerFixture

QUIET = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "werkzeug")
# a working Tuesday: the instruments due on 15 January 2027 fall due (20 working days ahead)
TODAY = "2027-01-05 02:00:00"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestProactivePortal(HttpCase, LedgerFixture):
    """The enterprise keeps its ledger in the portal (R-6.1.1.3), sees its
    quality steward, turns due lines and notices into a demand in one click
    (R-7.1.2); the provider sees the instruments of its assignment (R-6.1.1.1);
    nobody reaches another enterprise's lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the pages' messages are asserted in English: these visitors read English
        # (test_errors_are_told_in_chinese reads them as a zh_CN user)
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["res.lang"]._activate_lang("zh_CN")
        (cls.enterprise_user | cls.enterprise_b_user | cls.provider_user | cls.provider_other_user).lang = "en_US"

    def test_errors_are_told_in_chinese(self):
        """A zh_CN enterprise user reads the portal's refusals in Chinese."""
        self.enterprise_user.lang = "zh_CN"
        self._login(self.enterprise_user)
        response = self._post("/my/qi/ledger/request", {"kind": "instrument"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("请选择需求涉及的记录。", response.text)
        response = self._post("/my/qi/ledger/instrument/new", self._form(name=""))
        self.assertNotIn("Bench balance", self.env["qi.instrument"].search([]).mapped("name"))
        self.assertIn("台账", response.text)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _login(self, user):
        self.authenticate(user.login, user.login + "-pwd-123")

    def _get(self, url):
        with freeze_time(TODAY), mute_logger(*QUIET):
            return self.url_open(url, allow_redirects=False, timeout=60)

    def _post(self, url, data=None, files=None):
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        fields.append(("csrf_token", http.Request.csrf_token(self)))
        with freeze_time(TODAY), mute_logger(*QUIET):
            return self.url_open(url, data=fields, files=files, allow_redirects=False, timeout=60)

    def _form(self, **values):
        form = {
            "name": "Bench balance",
            "category_id": str(self.category_scale.id),
            "is_compulsory": "on",
            "verification_kind": "verification",
            "serial_number": "SN-BENCH-1",
            "measuring_range": "0-30 kg",
            "accuracy_class": "III",
            "location": "Packing line",
            "cycle_months": "12",
            "date_last": "2026-03-01",
            "date_due": "2027-03-01",
        }
        form.update(values)
        return form

    def _lines(self, name):
        return self.env["qi.instrument"].with_context(active_test=False).search([("name", "=", name)])

    # ------------------------------------------------------------------
    # the ledger page
    # ------------------------------------------------------------------
    def test_ledger_lists_only_ones_own_lines(self):
        self._login(self.enterprise_user)
        page = self._get("/my/qi/ledger")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"Platform scale {MARK_A}", page.text)
        self.assertIn("Tyre pressure gauge", page.text)
        self.assertNotIn(MARK_B, page.text)
        # the due lines can be selected for a demand
        self.assertIn(f'name="line_ids" class="form-check-input" value="{self.instrument_a.id}"', page.text)
        equipment = self._get("/my/qi/ledger?kind=equipment")
        self.assertIn(f"Steam boiler {MARK_A}", equipment.text)
        self.assertNotIn(MARK_B, equipment.text)
        certificates = self._get("/my/qi/ledger?kind=certificate&filterby=all&sortby=name")
        self.assertIn(f"Production licence {MARK_A}", certificates.text)
        self.assertNotIn(MARK_B, certificates.text)
        # the filter by due state: nothing of this ledger is overdue on 5 January 2027
        overdue = self._get("/my/qi/ledger?kind=instrument&filterby=overdue")
        self.assertNotIn(MARK_A, overdue.text)
        self.assertIn("o_qi_ledger_empty", overdue.text)
        self._login(self.enterprise_b_user)
        page_b = self._get("/my/qi/ledger")
        self.assertIn(f"Fuel dispenser {MARK_B}", page_b.text)
        self.assertNotIn(MARK_A, page_b.text)
        self.assertNotIn("Tyre pressure gauge", page_b.text)

    def test_ledger_shows_the_recent_warnings(self):
        self.env["qi.ledger.warning"].create(
            [
                {
                    "res_model": "qi.instrument",
                    "res_id": line.id,
                    "name": f"Warned {line.name}",
                    "partner_id": line.partner_id.id,
                    "window_id": line.window_id.id,
                    "step": 1,
                    "threshold_days": 20,
                    "date_due": line.date_due,
                    "date_sent": "2027-01-04",
                }
                for line in (self.instrument_a, self.instrument_b)
            ]
        )
        self._login(self.enterprise_user)
        page = self._get("/my/qi/ledger")
        self.assertIn("o_qi_ledger_warnings", page.text)
        self.assertIn(f"Warned Platform scale {MARK_A}", page.text)
        self.assertNotIn(f"Warned Fuel dispenser {MARK_B}", page.text)

    # ------------------------------------------------------------------
    # the line form
    # ------------------------------------------------------------------
    def test_new_line_through_the_form(self):
        self._login(self.enterprise_user)
        form = self._get("/my/qi/ledger/instrument/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn("o_qi_ledger_form", form.text)
        # the company comes from the session, never from the form
        response = self._post("/my/qi/ledger/instrument/new", self._form(partner_id=str(self.enterprise_b.id)))
        self.assertEqual(response.status_code, 303)
        self.assertIn("/my/qi/ledger?kind=instrument", response.headers["Location"])
        line = self._lines("Bench balance")
        self.assertEqual(len(line), 1)
        self.assertEqual(line.partner_id, self.enterprise)
        self.assertEqual((line.window_id, line.steward_id), (self.window_a, self.staff_a))
        self.assertEqual(
            (line.serial_number, line.measuring_range, line.accuracy_class), ("SN-BENCH-1", "0-30 kg", "III")
        )
        self.assertTrue(line.is_compulsory)
        self.assertEqual(str(line.date_due), "2027-03-01")
        # edited on its page; the next due date follows from the last one and the cycle when left empty
        page = self._get(f"/my/qi/ledger/instrument/{line.id}")
        self.assertIn('value="SN-BENCH-1"', page.text)
        response = self._post(
            f"/my/qi/ledger/instrument/{line.id}",
            self._form(location="Dispatch", date_last="2026-09-01", date_due="", cycle_months="6"),
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(line.location, "Dispatch")
        self.assertEqual(str(line.date_due), "2027-03-01")
        self.assertEqual(str(line.date_last), "2026-09-01")

    def test_new_special_equipment_through_the_form(self):
        """R-6.1.7.1: the equipment's periodic inspection, on the same pattern."""
        self._login(self.enterprise_user)
        self.assertEqual(self._get("/my/qi/ledger/equipment/new").status_code, 200)
        form = {
            "name": "Air receiver",
            "equipment_type": "pressure_vessel",
            "equipment_code": "2110-1303-2019-0042",
            "registration_number": "容3QJ冀C00123(19)",
            "cycle_months": "36",
            "date_last": "2024-05-10",
        }
        bad = self._post("/my/qi/ledger/equipment/new", dict(form, equipment_type="spaceship"))
        self.assertIn("Choose a value from the list.", bad.text)
        self.assertIn('value="2110-1303-2019-0042"', bad.text)
        self.assertEqual(self._post("/my/qi/ledger/equipment/new", form).status_code, 303)
        equipment = self.env["qi.special.equipment"].search([("name", "=", "Air receiver")])
        self.assertEqual(equipment.partner_id, self.enterprise)
        self.assertEqual(str(equipment.date_due), "2027-05-10", "three years after the last inspection")
        self.assertEqual(equipment.registration_number, "容3QJ冀C00123(19)")

    def test_refused_form_keeps_the_input_and_saves_nothing(self):
        self._login(self.enterprise_user)
        cases = {
            "bad date": (self._form(date_last="2026-02-30"), "date_last", "Enter a date as YYYY-MM-DD."),
            "due before last": (
                self._form(date_last="2026-06-01", date_due="2026-01-01"),
                "date_due",
                "The next due date comes before the last one.",
            ),
            "compulsory without category": (
                self._form(category_id=""),
                "category_id",
                "An instrument under compulsory verification needs its category in the national catalogue.",
            ),
            "duplicate serial": (
                self._form(serial_number=self.instrument_a.serial_number),
                "serial_number",
                "Your ledger already has an instrument of this category with this serial number.",
            ),
            "no name": (self._form(name=""), "name", "This field is required."),
            "negative cycle": (self._form(cycle_months="-3"), "cycle_months", "Enter a whole number of months"),
            "foreign category": (self._form(category_id="999999"), "category_id", "Choose a category from the list."),
        }
        for label, (form, field, message) in cases.items():
            with self.subTest(label):
                response = self._post("/my/qi/ledger/instrument/new", form)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_qi_form_error", response.text)
                self.assertIn(f'id="qi_{field}" name="{field}"', response.text)
                # what was typed is still there
                self.assertIn('value="Packing line"', response.text)
                if form["name"]:
                    self.assertIn('value="Bench balance"', response.text)
                self.assertFalse(self._lines("Bench balance"))
                self.assertFalse(self._lines(""))
        # a refused edit leaves the line as it was
        response = self._post(
            f"/my/qi/ledger/instrument/{self.instrument_a2.id}",
            self._form(name="Renamed gauge", serial_number="SN-A2", date_last="2027-06-01", date_due="2027-01-01"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('value="Renamed gauge"', response.text)
        self.instrument_a2.invalidate_recordset()
        self.assertEqual(self.instrument_a2.name, "Tyre pressure gauge")

    def test_certificate_file_is_checked_by_its_content(self):
        """PDF, JPEG or PNG only, told by the bytes, not by the name (qi_window/tools/upload.py)."""
        self._login(self.enterprise_user)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("readme.txt", "not a certificate")
        refused = {
            "png named pdf": ("certificate.pdf", png("scan"), "application/pdf"),
            "text named pdf": ("certificate.pdf", b"just some text, not a PDF at all", "application/pdf"),
            "program named png": ("certificate.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "image/png"),
            "html named pdf": (
                "certificate.pdf",
                b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                "application/pdf",
            ),
            "zip": ("certificate.zip", archive.getvalue(), "application/zip"),
        }
        form = {
            "name": "Licence with a file",
            "certificate_type": "production_licence",
            "number": "XK-2026-001",
            "date_due": "2028-01-01",
        }
        for label, upload in refused.items():
            with self.subTest(label):
                response = self._post("/my/qi/ledger/certificate/new", form, files={"attachment_file": upload})
                self.assertEqual(response.status_code, 200)
                self.assertIn("is-invalid", response.text)
                self.assertIn('value="XK-2026-001"', response.text)
                Certificate = self.env["qi.enterprise.certificate"]
                self.assertFalse(Certificate.search_count([("name", "=", "Licence with a file")]))
        response = self._post(
            "/my/qi/ledger/certificate/new", form, files={"attachment_file": ("licence.pdf", PDF, "application/pdf")}
        )
        self.assertEqual(response.status_code, 303)
        certificate = self.env["qi.enterprise.certificate"].search([("name", "=", "Licence with a file")])
        self.assertEqual(certificate.partner_id, self.enterprise)
        self.assertEqual(certificate.attachment_filename, "licence.pdf")
        page = self._get(f"/my/qi/ledger/certificate/{certificate.id}")
        self.assertIn("o_qi_ledger_file", page.text)
        download = self._get(
            f"/web/content/qi.enterprise.certificate/{certificate.id}/attachment_file?download=true"
            "&filename_field=attachment_filename"
        )
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, PDF)

    def test_archive_and_restore_a_line(self):
        self._login(self.enterprise_user)
        response = self._post(f"/my/qi/ledger/instrument/{self.instrument_a.id}/archive")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.instrument_a.active)
        self.assertTrue(self.instrument_a.case_ids, "the demand keeps its line")
        self.assertNotIn(MARK_A, self._get("/my/qi/ledger").text)
        self.assertIn(MARK_A, self._get("/my/qi/ledger?filterby=archived").text)
        self.assertEqual(self._post(f"/my/qi/ledger/instrument/{self.instrument_a.id}/restore").status_code, 303)
        self.assertTrue(self.instrument_a.active)
        self.assertEqual(self._post(f"/my/qi/ledger/instrument/{self.instrument_a.id}/delete").status_code, 404)
        self.assertTrue(self.instrument_a.exists())

    # ------------------------------------------------------------------
    # isolation
    # ------------------------------------------------------------------
    def test_other_users_never_reach_a_line(self):
        """Enterprise B and both providers (the assigned one reads instrument A
        through the ORM) get the same 404 on A's line URLs as on a missing id,
        and change nothing."""
        missing = self.instrument_b.id + 100000
        for user in (self.enterprise_b_user, self.provider_user, self.provider_other_user):
            self._login(user)
            for line_id in (self.instrument_a.id, missing):
                with self.subTest(user=user.login, line=line_id):
                    for response in (
                        self._get(f"/my/qi/ledger/instrument/{line_id}"),
                        self._post(f"/my/qi/ledger/instrument/{line_id}", self._form(name="Hijacked")),
                        self._post(f"/my/qi/ledger/instrument/{line_id}/archive"),
                    ):
                        self.assertEqual(response.status_code, 404)
                        self.assertNotIn(MARK_A, response.text)
            with self.subTest(user=user.login, page="list"):
                self.assertNotIn(MARK_A, self._get("/my/qi/ledger").text)
                self.assertNotIn(MARK_A, self._get("/my/qi/ledger?kind=equipment").text)
        self.assertEqual(self.instrument_a.name, f"Platform scale {MARK_A}")
        self.assertTrue(self.instrument_a.active)
        self.assertFalse(self._lines("Hijacked"))
        self._login(self.enterprise_user)
        self.assertEqual(self._get("/my/qi/ledger/gadget/1").status_code, 404)
        self.assertEqual(self._get(f"/my/qi/ledger/equipment/{self.instrument_a.id}").status_code, 404)

    # ------------------------------------------------------------------
    # one click to a demand
    # ------------------------------------------------------------------
    def test_due_lines_make_one_proactive_demand(self):
        """R-7.1.2: the selected due lines, one demand with channel proactive."""
        Case = self.env["qi.case"]
        before = Case.search_count([])
        self._login(self.enterprise_user)
        second = self._instrument(name="Second due scale", serial_number="SN-A3")
        response = self._post(
            "/my/qi/ledger/request",
            [("kind", "instrument"), ("line_ids", str(self.instrument_a2.id)), ("line_ids", str(second.id))],
        )
        self.assertEqual(response.status_code, 303)
        case_id = int(re.search(r"/my/qi/cases/(\d+)\?qi_requested=1", response.headers["Location"]).group(1))
        case = Case.browse(case_id)
        self.assertEqual(Case.search_count([]), before + 1)
        self.assertEqual(case.channel, "proactive")
        self.assertEqual(case.partner_id, self.enterprise)
        self.assertEqual(case.window_id, self.window_a)
        self.assertEqual(case.instrument_ids, self.instrument_a2 | second)
        page = self._get(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_qi_requested", page.text)

    def test_refused_request_is_told_on_the_ledger(self):
        Case = self.env["qi.case"]
        before = Case.search_count([])
        self._login(self.enterprise_user)
        # instrument A is in the open demand of the fixture
        response = self._post("/my/qi/ledger/request", {"kind": "instrument", "line_ids": str(self.instrument_a.id)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_qi_ledger_error", response.text)
        self.assertIn(self.case.name, response.text)
        response = self._post("/my/qi/ledger/request", {"kind": "instrument"})
        self.assertIn("Choose the lines that the demand is about.", response.text)
        # another enterprise's lines are not the visitor's to ask for
        self._login(self.enterprise_b_user)
        response = self._post("/my/qi/ledger/request", {"kind": "instrument", "line_ids": str(self.instrument_a2.id)})
        self.assertIn("Choose the lines that the demand is about.", response.text)
        self.assertNotIn("Tyre pressure gauge", response.text)
        self.assertEqual(Case.search_count([]), before)

    # ------------------------------------------------------------------
    # /my: steward card and counters
    # ------------------------------------------------------------------
    def test_home_shows_the_steward_and_the_counters(self):
        self.staff_a.phone = "0335-5550101"
        self._login(self.enterprise_user)
        home = self._get("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn("o_qi_steward_card", home.text)
        for text in ("Staff A", "staff.a@window.example.cn", "0335-5550101", "Proactive Window A", "0335-3032345"):
            self.assertIn(text, home.text)
        self.assertIn("/my/qi/ledger", home.text)
        self.assertIn("/my/qi/notices", home.text)
        with freeze_time(TODAY), mute_logger(*QUIET):
            counters = self.url_open(
                "/my/counters",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {"counters": ["qi_ledger_due_count", "qi_notice_unread_count"]},
                },
            ).json()["result"]
        # instruments A and A2 fall due on 15 January 2027; equipment and certificate have no date
        self.assertEqual(counters, {"qi_ledger_due_count": 2, "qi_notice_unread_count": 0})
        self._login(self.enterprise_b_user)
        home_b = self._get("/my")
        self.assertIn("Staff B", home_b.text)
        self.assertNotIn("Staff A", home_b.text)
        # a provider has no steward card
        self._login(self.provider_user)
        self.assertNotIn("o_qi_steward_card", self._get("/my").text)

    # ------------------------------------------------------------------
    # providers
    # ------------------------------------------------------------------
    def test_provider_sees_the_instruments_of_its_assignment(self):
        self.instrument_a.write({"measuring_range": "0-150 kg", "accuracy_class": "III"})
        self._login(self.provider_user)
        page = self._get(f"/my/qi/assignments/{self.assignment.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_qi_assignment_ledger", page.text)
        for text in (f"Platform scale {MARK_A}", self.instrument_a.serial_number, "0-150 kg", f"Steam boiler {MARK_A}"):
            self.assertIn(text, page.text)
        self.assertNotIn("Tyre pressure gauge", page.text)
        # a declined assignment no longer opens the ledger lines
        self.assignment.action_decline(reason="No capacity")
        page = self._get(f"/my/qi/assignments/{self.assignment.id}")
        self.assertNotIn(f"Platform scale {MARK_A}", page.text)
        self._login(self.provider_other_user)
        self.assertEqual(self._get(f"/my/qi/assignments/{self.assignment.id}").status_code, 404)

    # ------------------------------------------------------------------
    # notices
    # ------------------------------------------------------------------
    def _notice(self, **values):
        notice = self.env["qi.notice"].create(
            {
                "name": "Metrology subsidy 2027",
                "kind": "subsidy",
                "body": "<p>Free verification of trade scales for small enterprises.</p>",
                "window_ids": [Command.set(self.window_a.ids)],
                "item_id": self.item_verification.id,
                **values,
            }
        )
        notice.with_user(self.staff_a).action_publish()
        return notice

    def test_notices_list_and_read(self):
        notice = self._notice()
        expired = self._notice(name="Training of 2026", item_id=False, date_end="2026-12-31")
        recipient = notice.recipient_ids.filtered(lambda r: r.partner_id == self.enterprise)
        self.assertTrue(recipient)
        self._login(self.enterprise_user)
        listing = self._get("/my/qi/notices")
        self.assertIn("Metrology subsidy 2027", listing.text)
        self.assertIn("o_qi_notice_unread", listing.text)
        self.assertNotIn("Training of 2026", listing.text, "a notice past its date leaves the list")
        page = self._get(f"/my/qi/notices/{notice.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Free verification of trade scales", page.text)
        self.assertIn("o_qi_notice_request", page.text)
        self.assertTrue(recipient.date_read)
        self.assertEqual(recipient.read_by_id, self.enterprise_user)
        self.assertNotIn("o_qi_notice_unread", self._get("/my/qi/notices").text)
        # a notice past its date still opens from its mail, without the request button
        self.assertNotIn("o_qi_notice_request", self._get(f"/my/qi/notices/{expired.id}").text)
        # enterprise B was not sent it: a 404, no read recorded
        self._login(self.enterprise_b_user)
        self.assertEqual(self._get(f"/my/qi/notices/{notice.id}").status_code, 404)
        self.assertNotIn("Metrology subsidy 2027", self._get("/my/qi/notices").text)
        self.assertEqual(self._post(f"/my/qi/notices/{notice.id}/request").status_code, 404)
        self.assertFalse(notice.case_ids)

    def test_notice_request_makes_a_demand(self):
        notice = self._notice()
        self._login(self.enterprise_user)
        response = self._post(f"/my/qi/notices/{notice.id}/request")
        self.assertEqual(response.status_code, 303)
        case = notice.case_ids
        self.assertEqual(len(case), 1)
        self.assertIn(f"/my/qi/cases/{case.id}", response.headers["Location"])
        self.assertEqual(
            (case.channel, case.partner_id, case.item_ids), ("proactive", self.enterprise, self.item_verification)
        )
        # a second click is refused while the demand is open, and told on the notice
        response = self._post(f"/my/qi/notices/{notice.id}/request")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_qi_notice_error", response.text)
        self.assertEqual(len(notice.case_ids), 1)
