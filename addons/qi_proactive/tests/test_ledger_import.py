import datetime
import io
from collections import defaultdict

import openpyxl

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QiProactiveCommon

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# the columns of an enterprise's ledger, headed with the fields' labels
INSTRUMENT_HEADERS = [
    "Name",
    "Enterprise",
    "Category",
    "Compulsory Verification",
    "Model",
    "Serial Number",
    "Measuring Range",
    "Accuracy Class",
    "Location",
    "Last Done On",
    "Cycle (months)",
    "Next Due On",
]
INSTRUMENT_FIELDS = [
    "name",
    "partner_id",
    "category_id",
    "is_compulsory",
    "instrument_model",
    "serial_number",
    "measuring_range",
    "accuracy_class",
    "location",
    "date_last",
    "cycle_months",
    "date_due",
]


@tagged("post_install", "-at_install")
class TestLedgerImport(QiProactiveCommon):
    """A ledger comes in from a spreadsheet through Odoo's own import
    (base_import), as the window's staff do it (R-6.1.1.3): each bad line is
    reported with its row and its reason, and nothing is written while one
    line is bad."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # already in the enterprise's ledger: a line of the file repeats its serial number
        cls.existing = cls._instrument(name="Truck scale", serial_number="QB-DUP-0001")
        cls.scale_name = cls.category_scale.name
        cls.d = datetime.date

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _xlsx(self, headers, rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def _wizard(self, model, headers, rows, user=None, context=None):
        # in English: the assertions read Odoo's messages and the fields' labels, which
        # the staff read in their own language
        Import = (
            self.env["base_import.import"].with_user(user or self.staff_a).with_context(lang="en_US", **(context or {}))
        )
        return Import.create(
            {"res_model": model, "file": self._xlsx(headers, rows), "file_name": "台账.xlsx", "file_type": XLSX}
        )

    def _options(self):
        return {
            "has_headers": True,
            "date_format": "%Y-%m-%d",
            "datetime_format": "",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
            "import_skip_records": [],
            "import_set_empty_fields": [],
            "fallback_values": {},
            "name_create_enabled_fields": {},
        }

    def _run(self, wizard, fields, headers, dryrun):
        # the duplicate serial number is refused by PostgreSQL, which logs the statement
        with mute_logger("odoo.sql_db"):
            return wizard.execute_import(fields, headers, self._options(), dryrun=dryrun)

    def _errors(self, result):
        """``{row of the spreadsheet (1 is the header): [messages]}`` of the result's errors."""
        errors = defaultdict(list)
        for message in result["messages"]:
            self.assertEqual(message["type"], "error", message)
            errors[message["rows"]["from"] + 2].append(message["message"])
        return dict(errors)

    def _ledger_count(self):
        return self.env["qi.instrument"].with_context(active_test=False).search_count([])

    def _row(self, name, serial, *, enterprise=None, category=None, compulsory="Yes", last=None, due=None):
        return [
            name,
            (enterprise or self.enterprise).name,
            self.scale_name if category is None else category,
            compulsory,
            "TCS-300",
            serial,
            "(0～300) kg",
            "Ⅲ级",
            "成品库发货区",
            last or self.d(2026, 1, 10),
            12,
            due or self.d(2027, 1, 10),
        ]

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------
    def test_columns_match_the_fields_by_their_labels(self):
        """A spreadsheet headed with the fields' labels is mapped without a click."""
        wizard = self._wizard("qi.instrument", INSTRUMENT_HEADERS, [self._row("电子台秤", "QB-0001")])
        preview = wizard.parse_preview(self._options())
        self.assertNotIn("error", preview)
        matches = {index: path[0] for index, path in preview["matches"].items()}
        self.assertEqual(matches, dict(enumerate(INSTRUMENT_FIELDS)))

    def test_good_and_bad_lines(self):
        """R-6.1.1.3: every bad line with its row and reason, nothing half-written;
        the corrected file comes in whole, in the enterprise's window."""
        before = self._ledger_count()
        rows = [
            # row 2: good, the category by its name
            self._row("电子台秤", "QB-0001"),
            # row 3: a category that is not in the catalogue
            self._row("扭力测试仪", "QB-0002", category="扭力测试仪器"),
            # row 4: good, the category by its number in the catalogue, not compulsory
            self._row("游标卡尺", "QB-0003", category=self.category_caliper.code, compulsory="No"),
            # row 5: a date that does not exist
            self._row("压力表", "QB-0004", last="2026-02-30"),
            # row 6: due before it was last verified
            self._row("电子计价秤", "QB-0005", last=self.d(2026, 6, 1), due=self.d(2026, 1, 1)),
            # row 7: the serial number of an instrument already in the ledger
            self._row("汽车衡", self.existing.serial_number),
            # row 8: compulsory, without its category in the national catalogue
            self._row("燃气表", "QB-0007", category=""),
            # row 9: an enterprise of another window
            self._row("电子台秤", "QB-0008", enterprise=self.enterprise_b),
        ]
        wizard = self._wizard("qi.instrument", INSTRUMENT_HEADERS, rows)

        # Odoo reads the dates of the whole file first: a date it cannot read stops the
        # import there, with the column and the line
        result = self._run(wizard, INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, dryrun=True)
        self.assertEqual(len(result["messages"]), 1)
        self.assertEqual(result["messages"][0]["field_path"], ["date_last"])
        self.assertIn("line 4", result["messages"][0]["message"])  # the 4th line under the header
        self.assertEqual(self._ledger_count(), before)

        # the date corrected: each other bad line is reported with its reason
        rows[3] = self._row("压力表", "QB-0004", last=self.d(2026, 2, 28), due=self.d(2027, 2, 28))
        wizard = self._wizard("qi.instrument", INSTRUMENT_HEADERS, rows)
        for dryrun in (True, False):
            result = self._run(wizard, INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, dryrun=dryrun)
            errors = self._errors(result)
            self.assertFalse(result["ids"], "nothing is written while one line is bad")
            self.assertEqual(self._ledger_count(), before)
            self.assertEqual(sorted(errors), [3, 6, 7, 8, 9], "each bad line, and only those")
            # an unknown category, and so a compulsory instrument without one
            self.assertIn("No matching record found for name '扭力测试仪器' in field 'Category'", errors[3])
            self.assertIn("扭力测试仪 (QB-0002) is under compulsory verification", errors[3][1])
            self.assertEqual(errors[6], ["电子计价秤 (QB-0005): the next due date comes before the last one."])
            self.assertEqual(
                errors[7], ["This enterprise already has an instrument of this category with this serial number."]
            )
            self.assertEqual(len(errors[8]), 1)
            self.assertIn("燃气表 (QB-0007) is under compulsory verification", errors[8][0])
            # the record rule of the staff's window (Odoo words it in the user's language)
            self.assertEqual(len(errors[9]), 1)
            self.assertIn("(qi.instrument)", errors[9][0].replace("（", "(").replace("）", ")"))

        # the enterprise fixes its file: every line comes in, in its window, with its steward
        rows[1] = self._row("扭力测试仪", "QB-0002", category=self.category_caliper.name, compulsory="No")
        rows[4] = self._row("电子计价秤", "QB-0005", last=self.d(2026, 1, 1), due=self.d(2026, 6, 1))
        rows[5] = self._row("汽车衡", "QB-0006")
        rows[6] = self._row("燃气表", "QB-0007", category="JJ-05")
        del rows[7]  # window B's enterprise imports its own
        wizard = self._wizard("qi.instrument", INSTRUMENT_HEADERS, rows)
        result = self._run(wizard, INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, dryrun=True)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        self.assertEqual(self._ledger_count(), before, "a test import writes nothing")
        result = self._run(wizard, INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, dryrun=False)
        self.assertFalse(result["messages"])
        self.assertEqual(len(result["ids"]), 7)
        self.assertEqual(self._ledger_count(), before + 7)

        lines = self.env["qi.instrument"].with_user(self.staff_a).browse(result["ids"])
        self.assertEqual(lines.partner_id, self.enterprise)
        self.assertEqual(lines.window_id, self.window_a)
        self.assertEqual(lines.steward_id, self.staff_a)
        by_serial = {line.serial_number: line for line in lines}
        self.assertEqual(by_serial["QB-0003"].category_id, self.category_caliper)
        self.assertFalse(by_serial["QB-0003"].is_compulsory)
        self.assertEqual(by_serial["QB-0007"].category_id, self.env.ref("qi_proactive.qi_instrument_category_05"))
        self.assertTrue(by_serial["QB-0007"].is_compulsory)
        self.assertEqual(by_serial["QB-0004"].date_last, self.d(2026, 2, 28))
        self.assertEqual(by_serial["QB-0004"].date_due, self.d(2027, 2, 28))
        self.assertEqual(by_serial["QB-0004"].measuring_range, "(0～300) kg")
        # the enterprise sees its imported ledger in the portal's access rules
        mine = self.env["qi.instrument"].with_user(self.enterprise_user).search([("id", "in", result["ids"])])
        self.assertEqual(len(mine), 7)

    def test_staff_cannot_import_into_another_window(self):
        """R-6.1.1.3: a file of window B's enterprise is refused to window A's staff,
        line by line, and window B's staff import it."""
        rows = [self._row("电子台秤", "QB-B-0001", enterprise=self.enterprise_b)]
        before = self._ledger_count()
        result = self._run(
            self._wizard("qi.instrument", INSTRUMENT_HEADERS, rows), INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, False
        )
        self.assertFalse(result["ids"])
        errors = self._errors(result)
        self.assertEqual(list(errors), [2])
        self.assertIn(
            "(qi.instrument)", errors[2][0].replace("（", "(").replace("）", ")"), "refused by the record rule"
        )
        self.assertEqual(self._ledger_count(), before)

        wizard = self._wizard("qi.instrument", INSTRUMENT_HEADERS, rows, user=self.staff_b)
        result = self._run(wizard, INSTRUMENT_FIELDS, INSTRUMENT_HEADERS, False)
        self.assertFalse(result["messages"])
        line = self.env["qi.instrument"].browse(result["ids"])
        self.assertEqual(line.window_id, self.window_b)
        self.assertEqual(line.steward_id, self.staff_b)

    def test_import_from_the_enterprise_ledger(self):
        """Imported from the enterprise's own ledger (its form's smart button), the
        file needs no enterprise column: the lines go to that enterprise."""
        headers = [h for h in INSTRUMENT_HEADERS if h != "Enterprise"]
        fields = [f for f in INSTRUMENT_FIELDS if f != "partner_id"]
        row = self._row("电子台秤", "QB-CTX-0001")
        del row[1]
        wizard = self._wizard("qi.instrument", headers, [row], context={"default_partner_id": self.enterprise.id})
        result = self._run(wizard, fields, headers, False)
        self.assertFalse(result["messages"])
        self.assertEqual(self.env["qi.instrument"].browse(result["ids"]).partner_id, self.enterprise)

    def test_import_special_equipment_and_certificates(self):
        """The other two ledgers import the same way, their types by label (R-6.1.7.1)."""
        headers = [
            "Name",
            "Enterprise",
            "Type",
            "Equipment Code",
            "Use Registration Number",
            "Last Done On",
            "Cycle (months)",
            "Next Due On",
        ]
        fields = [
            "name",
            "partner_id",
            "equipment_type",
            "equipment_code",
            "registration_number",
            "date_last",
            "cycle_months",
            "date_due",
        ]
        rows = [
            [
                "蒸汽锅炉",
                self.enterprise.name,
                "Boiler",
                "11101303022019000158",
                "锅11冀C00123(19)",
                self.d(2025, 12, 1),
                12,
                self.d(2026, 12, 1),
            ],
            [
                "载货电梯",
                self.enterprise.name,
                "Lift",
                "32101303022017000046",
                "梯31冀C08841(17)",
                self.d(2026, 3, 1),
                12,
                self.d(2027, 3, 1),
            ],
        ]
        wizard = self._wizard("qi.special.equipment", headers, rows)
        self.assertEqual(
            [path[0] for _index, path in sorted(wizard.parse_preview(self._options())["matches"].items())], fields
        )
        result = self._run(wizard, fields, headers, False)
        self.assertFalse(result["messages"])
        equipment = self.env["qi.special.equipment"].browse(result["ids"])
        self.assertEqual(equipment.mapped("equipment_type"), ["boiler", "lift"])

        headers = ["Name", "Enterprise", "Type", "Certificate Number", "Issued By", "Valid From", "Next Due On"]
        fields = ["name", "partner_id", "certificate_type", "number", "issuer", "date_from", "date_due"]
        rows = [
            [
                "ISO 9001 质量管理体系认证证书",
                self.enterprise.name,
                "Management System Certification",
                "04524Q30217R2M",
                "冀东认证有限公司",
                self.d(2024, 5, 1),
                self.d(2027, 4, 30),
            ],
        ]
        wizard = self._wizard("qi.enterprise.certificate", headers, rows)
        result = self._run(wizard, fields, headers, False)
        self.assertFalse(result["messages"])
        certificate = self.env["qi.enterprise.certificate"].browse(result["ids"])
        self.assertEqual(certificate.certificate_type, "management_system")
        self.assertEqual(certificate.window_id, self.window_a)
