import base64
import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import jsonschema

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ..models.qi_case import CHANNELS
from ..models.qi_case_rating_export import CSV_COLUMNS, SCHEMA_VERSION
from ..models.qi_case_stage import STAGE_CODES
from .rating_results_common import QiRatingResultsCommon

ADDON = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ADDON / "data" / "haochaping_export_schema_v1.json").read_text(encoding="utf-8"))
DOC = (ADDON.parents[1] / "docs" / "haochaping-export.md").read_text(encoding="utf-8")
NOV_FROM, NOV_TO = date(2026, 11, 1), date(2026, 11, 30)


def _doc_table(heading):
    """The names in the first column of the first table after ``heading`` in the doc."""
    section = DOC.split(heading, 1)[1]
    names, started = [], False
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|", line)
        if match:
            names.append(match.group(1))
            started = True
        elif started and not line.startswith("|"):
            break
    return names


@tagged("post_install", "-at_install")
class TestRatingExport(QiRatingResultsCommon):
    """The export of the 好差评 ratings for the provincial system (R-8.1): the
    documented, versioned format (docs/haochaping-export.md and its JSON Schema),
    as JSON and CSV, for leaders and the coordination department, with nothing
    that identifies the rater (P-HCP-4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.remark = "Secret remark 4711 from Li"
        cls.window_a.region_id = cls.env.ref("qi_catalogue.qi_region_haigang")
        # a development zone has no division code of its own: its city's is reported
        cls.window_b.region_id = cls.env.ref("qi_catalogue.qi_region_etdz")

    def _give_ratings(self):
        bad = self._rated(
            "2",
            "2026-11-16 02:00:00",
            comment=self.remark,
            score_efficiency="2",
            score_competence="3",
            score_attitude="3",
        )
        self._follow_up(bad, callback_at="2026-11-16 08:00:00", fix_at="2026-11-20 08:00:00")
        good = self._rated("5", "2026-11-03 02:00:00", comment=self.remark)
        first = self._rated("1", "2026-11-05 02:00:00", window=self.window_b, handler=self.staff_b)
        # the enterprise re-rates its bad review once
        with freeze_time("2026-11-06 02:00:00"):
            rerated = self.Rating._rate(first.case_id, self.rater.partner_id, "4", comment=self.remark)
        self._rated("3", "2026-10-31 15:00:00")  # 23:00 on 31 October in China: outside the period
        return bad, good, first, rerated

    def _wizard_export(self, user, file_format, windows=None):
        wizard = (
            self.env["qi.case.rating.export.wizard"]
            .with_user(user)
            .create(
                {
                    "date_from": NOV_FROM,
                    "date_to": NOV_TO,
                    "file_format": file_format,
                    "window_ids": [(6, 0, (windows or self.window_a | self.window_b).ids)],
                }
            )
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/qi.case.rating.export.wizard/{wizard.id}/file_data/", action["url"])
        # the file is an attachment of the wizard, which its user downloads
        attachment = (
            self.env["ir.attachment"]
            .with_user(user)
            .search(
                [
                    ("res_model", "=", wizard._name),
                    ("res_id", "=", wizard.id),
                    ("res_field", "=", "file_data"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        content = base64.b64decode(wizard.file_data)
        self.assertEqual(attachment.raw, content)
        return wizard, content.decode()

    def test_json_export_validates_against_the_documented_schema(self):
        bad, good, first, rerated = self._give_ratings()
        # a visitor without an account rates a visit at window A on the spot (一次一评): no case, no name
        with freeze_time("2026-11-20 02:00:00"):
            visit = self.env["qi.window.visit"].with_user(self.staff_a).create({"window_id": self.window_a.id})
            # sudo: what the public rating page does for a visitor, as the public user
            onsite = (
                self.Rating.with_user(self.public_user)
                .sudo()
                ._rate(self.env["qi.case"], self.env["res.partner"], "1", visit=visit)
            )
        wizard, content = self._wizard_export(self.coordinator, "json")
        document = json.loads(content)
        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
        self.assertEqual(document["schema_version"], SCHEMA_VERSION)
        self.assertEqual(document["period"], {"from": "2026-11-01", "to": "2026-11-30"})
        self.assertEqual(wizard.file_name, "haochaping_v1.0_20261101_20261130.json")
        self.assertEqual(wizard.rating_count, 5)
        records = {record["rating_id"]: record for record in document["ratings"]}
        self.assertEqual(
            list(records), [good.id, first.id, rerated.id, bad.id, onsite.id], "oldest first, October left out"
        )

        record = records[bad.id]
        self.assertEqual(record["case_number"], bad.case_id.name)
        self.assertEqual(record["service_items"], [{"code": "T-1", "version": "1"}])
        self.assertEqual(record["region_code"], "130302")
        self.assertEqual(record["window"], {"code": "C-A", "name": "Case Window A"})
        self.assertEqual(record["department"], self.env.company.name)
        self.assertEqual(
            [record[key] for key in ("applicant_type", "handling_state", "handling_channel", "rating_channel")],
            ["enterprise", "completed", "walk_in", "online"],
        )
        self.assertEqual(record["rated_staff_code"], "qi_staff_a")
        self.assertEqual(record["level"], 2)
        # the online indicator set: its overall indicator is the level, efficiency was scored
        self.assertEqual(record["indicator_set"], {"code": "online", "version": "1"})
        self.assertEqual(record["indicator_scores"], {"overall": 2, "efficiency": 2})
        self.assertEqual(record["rated_at"], "2026-11-16T10:00:00+08:00")
        self.assertEqual((record["is_default"], record["counted"], record["rerating_of"]), (False, True, None))
        self.assertEqual(
            record["bad_review"],
            {
                "outcome": "fix_deadline",
                "callback_due": "2026-11-17",
                "callback_done": "2026-11-16T16:00:00+08:00",
                "fix_due": bad.fix_due.isoformat(),
                "fix_done": "2026-11-20T16:00:00+08:00",
                "fixed": True,
                "fixed_on_time": True,
            },
        )
        self.assertIsNone(records[good.id]["bad_review"])
        # the re-rated bad review is exported and no longer counted; the re-rating points to it
        self.assertEqual(records[first.id]["region_code"], "130300")
        self.assertEqual(records[first.id]["rated_staff_code"], "qi_staff_b")
        self.assertEqual(records[first.id]["bad_review"]["outcome"], "pending")
        self.assertEqual((records[first.id]["counted"], records[rerated.id]["counted"]), (False, True))
        self.assertEqual(records[rerated.id]["rerating_of"], first.id)
        # the rating of a visit: the on-site set, who served the visit, nothing of a case nor of the visitor
        record = records[onsite.id]
        self.assertEqual(
            [record[key] for key in ("case_number", "service_items", "applicant_type", "handling_state")],
            [None, [], None, None],
        )
        self.assertEqual(
            (record["rating_channel"], record["indicator_set"]), ("onsite", {"code": "onsite", "version": "1"})
        )
        self.assertEqual((record["rated_staff_code"], record["level"]), ("qi_staff_a", 1))
        self.assertEqual(
            (record["bad_review"]["outcome"], record["bad_review"]["callback_due"], record["bad_review"]["fixed"]),
            ("pending", None, False),
        )

        # nothing identifies the rater, and the staff appear by code only
        for hidden in (
            self.rater.name,
            self.rater.email,
            self.rater.login,
            self.enterprise.name,
            self.enterprise.email,
            self.remark,
            self.staff_a.name,
            self.staff_b.name,
        ):
            self.assertNotIn(hidden, content)

    def test_csv_has_the_documented_columns_and_the_json_values(self):
        bad, *__ = self._give_ratings()
        documented = _doc_table("## CSV")
        self.assertEqual(documented, CSV_COLUMNS)
        __, content = self._wizard_export(self.leader, "csv", windows=self.window_a)
        self.assertTrue(content.startswith("schema_version,rating_id,"), "UTF-8 without BOM, header first")
        rows = list(csv.DictReader(io.StringIO(content)))
        self.assertEqual(list(rows[0]), documented)
        self.assertEqual(len(rows), 2, "window A only")
        row = next(row for row in rows if row["rating_id"] == str(bad.id))
        self.assertEqual(
            {
                key: row[key]
                for key in ("schema_version", "region_code", "service_item_codes", "level", "fixed_on_time")
            },
            {
                "schema_version": "1.0",
                "region_code": "130302",
                "service_item_codes": "T-1",
                "level": "2",
                "fixed_on_time": "true",
            },
        )
        self.assertEqual(row["indicator_scores"], "overall=2|efficiency=2")
        self.assertEqual(
            (row["rerating_of"], row["indicator_set_code"], row["indicator_set_version"]), ("", "online", "1")
        )
        for hidden in (self.rater.name, self.rater.email, self.enterprise.name, self.remark, self.staff_a.name):
            self.assertNotIn(hidden, content)

    def test_every_schema_field_is_documented_and_follows_the_models(self):
        rating = SCHEMA["$defs"]["rating"]["properties"]
        documented = set(_doc_table("Each record of `ratings`"))
        self.assertEqual(set(rating), documented)
        self.assertEqual(set(SCHEMA["properties"]), set(_doc_table("One document per export")))
        bad_review = rating["bad_review"]["oneOf"][1]["properties"]
        self.assertEqual(set(bad_review), set(_doc_table("`bad_review`:")))
        # a new channel or step of the cases is a new value of the format: the schema must say it
        self.assertEqual(rating["handling_channel"]["enum"], [*(code for code, __ in CHANNELS), None])
        self.assertEqual(rating["handling_state"]["enum"], [*(code for code, __ in STAGE_CODES), None])
        self.assertIn(SCHEMA_VERSION, SCHEMA["properties"]["schema_version"]["enum"])

    def test_only_leaders_and_the_coordination_department_export(self):
        self._give_ratings()
        with mute_logger("odoo.addons.base.models.ir_model"):
            for staff in (self.staff_a, self.staff_b):
                with self.subTest(user=staff.name), self.assertRaises(AccessError):
                    self.env["qi.case.rating.export.wizard"].with_user(staff).create(
                        {"date_from": NOV_FROM, "date_to": NOV_TO, "file_format": "json"}
                    )
                with self.subTest(user=staff.name), self.assertRaises(AccessError):
                    self.env["qi.case.rating.export"].with_user(staff)._export(NOV_FROM, NOV_TO)
        # a scheduled action or an integration exports as the system user
        content, name, count = self.env["qi.case.rating.export"]._export(
            NOV_FROM, NOV_TO, windows=self.window_a | self.window_b, file_format="csv"
        )
        self.assertEqual((name, count), ("haochaping_v1.0_20261101_20261130.csv", 4))
        self.assertEqual(len(content.decode().splitlines()), 5)

    def test_a_window_without_division_code_is_named(self):
        self._give_ratings()
        self.window_b.region_id = self.region_far  # a test region whose codes are not GB/T 2260
        with self.assertRaisesRegex(UserError, "Case Window B"):
            self.env["qi.case.rating.export"].with_user(self.leader)._export(
                NOV_FROM, NOV_TO, windows=self.window_a | self.window_b
            )
        # window A alone exports
        __, __, count = (
            self.env["qi.case.rating.export"].with_user(self.leader)._export(NOV_FROM, NOV_TO, windows=self.window_a)
        )
        self.assertEqual(count, 2)
