import csv
import io
import json
import re

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from odoo.addons.qi_window.tools.china import CHINA_TZ, china_bounds, china_lang

# docs/haochaping-export.md: the version of the format, raised by its rule
# (a new optional field or value: minor; anything else: major, with a new schema file)
SCHEMA_VERSION = "1.0"
SCHEMA_FILE = "data/haochaping_export_schema_v1.json"
REGION_CODE_RE = re.compile(r"^[0-9]{6}$")
# the CSV columns, in their order (docs/haochaping-export.md, "CSV")
CSV_COLUMNS = [
    "schema_version",
    "rating_id",
    "rerating_of",
    "case_number",
    "service_item_codes",
    "service_item_versions",
    "region_code",
    "window_code",
    "window_name",
    "department",
    "applicant_type",
    "handling_state",
    "handling_channel",
    "rating_channel",
    "is_default",
    "counted",
    "rated_staff_code",
    "level",
    "indicator_set_code",
    "indicator_set_version",
    "indicator_scores",
    "rated_at",
    "appeal_state",
    "bad_review_outcome",
    "callback_due",
    "callback_done",
    "fix_due",
    "fix_done",
    "fixed",
    "fixed_on_time",
]
# several values in one CSV cell
CSV_LIST_SEPARATOR = "|"


def _iso(value):
    """A UTC datetime as Odoo stores it, in ISO 8601 with China's offset (+08:00)."""
    if not value:
        return None
    moment = pytz.utc.localize(fields.Datetime.to_datetime(value)).astimezone(pytz.timezone(CHINA_TZ))
    return moment.isoformat(timespec="seconds")


class QiCaseRatingExport(models.AbstractModel):
    """The 好差评 ratings for the provincial system (R-8.1, P-HCP-4), in the
    documented and versioned format of docs/haochaping-export.md, as JSON or
    CSV. Nothing that identifies the rater leaves here: no partner, no contact,
    no comment, no author. For the operating organisation's leaders (their
    windows) and the coordination department (every window); a scheduled
    action or an integration calls ``_export`` as the system user."""

    _name = "qi.case.rating.export"
    _description = "QI Rating Export for the Provincial System"

    @api.model
    def _check_export_rights(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("qi_window.group_qi_manager")
            or user.has_group("qi_window.group_qi_coordinator")
        ):
            raise AccessError(
                self.env._("Only leaders and the coordination department export ratings for the provincial system.")
            )

    @api.model
    def _export_domain(self, date_from, date_to, windows=None):
        """The ratings given from ``date_from`` to ``date_to`` (China's dates, both included)."""
        start, end = china_bounds(date_from, date_to)
        domain = Domain("date", ">=", start) & Domain("date", "<", end)
        if windows:
            domain &= Domain("window_id", "in", windows.ids)
        return domain

    @api.model
    def _region_code(self, window):
        """The 6-digit code (GB/T 2260) of the window's region, or of the nearest
        region above it that has one (a development zone reports its city's)."""
        region = window.region_id
        while region:
            if REGION_CODE_RE.match(region.code or ""):
                return region.code
            region = region.parent_id
        return None

    @api.model
    def _export_records(self, date_from, date_to, windows=None):
        """The ratings of the period as the format's records (dicts), oldest first.
        Every rating given is one record, re-ratings and default ratings included
        and marked; ``counted`` says whether the suite's figures count it."""
        self._check_export_rights()
        # the caller's rights: a leader exports the windows of the organisation
        Rating = self.env["qi.case.rating"].with_context(lang=china_lang(self.env) or self.env.lang)
        ratings = Rating.search(self._export_domain(date_from, date_to, windows), order="date, id")
        missing = ratings.window_id.filtered(lambda w: not self._region_code(w))
        if missing:
            raise UserError(
                self.env._(
                    "Set a region with a 6-digit administrative division code on these windows before exporting: %s",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        counted = set(ratings.filtered_domain(Rating._get_valid_domain()).ids)
        return [self._export_record(rating, rating.id in counted) for rating in ratings]

    @api.model
    def _applicant_type(self, rating, case):
        """``enterprise`` or ``individual``: the case's service object, else the
        rater of a visit; None for a visitor without an account. Only the type
        leaves here, never who it is."""
        partner = case.partner_id or rating.partner_id
        if not partner:
            return None
        return "enterprise" if partner.commercial_partner_id.is_company else "individual"

    @api.model
    def _export_record(self, rating, counted):
        case, window = rating._results_case(), rating.window_id
        indicator_set = rating._results_indicator_set()
        bad_review = None
        if rating.is_bad:
            bad_review = {
                "outcome": rating._results_outcome(),
                "callback_due": rating.callback_due and rating.callback_due.isoformat() or None,
                "callback_done": _iso(rating.callback_done),
                "fix_due": rating.fix_due and rating.fix_due.isoformat() or None,
                "fix_done": _iso(rating.fix_done),
                "fixed": rating._results_is_fixed(),
                "fixed_on_time": rating._results_is_fixed_on_time(),
            }
        return {
            "rating_id": rating.id,
            "rerating_of": rating.rerated_from_id.id or None,
            "case_number": case.name or None,
            "service_items": [{"code": item.code or None, "version": item.version or None} for item in case.item_ids],
            "region_code": self._region_code(window),
            "window": {"code": window.code, "name": window.name},
            "department": window.company_id.name,
            "applicant_type": self._applicant_type(rating, case),
            "handling_state": case.stage_code or None,
            "handling_channel": case.channel or None,
            "rating_channel": rating._results_rating_channel(),
            "is_default": rating.is_default,
            "counted": counted,
            "rated_staff_code": rating._results_staff_code(),
            "level": int(rating.level),
            "indicator_set": indicator_set,
            "indicator_scores": rating._results_indicator_scores(),
            "rated_at": _iso(rating.date),
            "appeal_state": rating.appeal_state,
            "bad_review": bad_review,
        }

    @api.model
    def _export_json(self, date_from, date_to, records):
        document = {
            "schema_version": SCHEMA_VERSION,
            "generated_at": _iso(fields.Datetime.now()),
            "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
            "ratings": records,
        }
        return json.dumps(document, ensure_ascii=False, indent=2).encode()

    @api.model
    def _csv_row(self, record):
        def cell(value):
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value)

        bad = record["bad_review"] or {}
        indicator_set = record["indicator_set"] or {}
        values = {
            "schema_version": SCHEMA_VERSION,
            "rating_id": record["rating_id"],
            "rerating_of": record["rerating_of"],
            "case_number": record["case_number"],
            "service_item_codes": CSV_LIST_SEPARATOR.join(i["code"] or "" for i in record["service_items"]),
            "service_item_versions": CSV_LIST_SEPARATOR.join(i["version"] or "" for i in record["service_items"]),
            "region_code": record["region_code"],
            "window_code": record["window"]["code"],
            "window_name": record["window"]["name"],
            "department": record["department"],
            "applicant_type": record["applicant_type"],
            "handling_state": record["handling_state"],
            "handling_channel": record["handling_channel"],
            "rating_channel": record["rating_channel"],
            "is_default": record["is_default"],
            "counted": record["counted"],
            "rated_staff_code": record["rated_staff_code"],
            "level": record["level"],
            "indicator_set_code": indicator_set.get("code"),
            "indicator_set_version": indicator_set.get("version"),
            "indicator_scores": CSV_LIST_SEPARATOR.join(
                f"{code}={level}" for code, level in record["indicator_scores"].items()
            ),
            "rated_at": record["rated_at"],
            "appeal_state": record["appeal_state"],
            "bad_review_outcome": bad.get("outcome"),
            "callback_due": bad.get("callback_due"),
            "callback_done": bad.get("callback_done"),
            "fix_due": bad.get("fix_due"),
            "fix_done": bad.get("fix_done"),
            "fixed": bad.get("fixed"),
            "fixed_on_time": bad.get("fixed_on_time"),
        }
        return [cell(values[column]) for column in CSV_COLUMNS]

    @api.model
    def _export_csv(self, records):
        """RFC 4180: UTF-8, comma, CRLF, a header row of ``CSV_COLUMNS``."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(self._csv_row(record) for record in records)
        return out.getvalue().encode()

    @api.model
    def _export(self, date_from, date_to, windows=None, file_format="json"):
        """The ratings given from ``date_from`` to ``date_to`` (China's dates) at
        ``windows`` (every window the caller reads when empty) in the format of
        docs/haochaping-export.md: ``(content bytes, file name, number of ratings)``.
        For the wizard, a scheduled action or an integration."""
        if file_format not in ("json", "csv"):
            raise UserError(self.env._("Export as JSON or CSV."))
        if date_from > date_to:
            raise UserError(self.env._("The period ends before it starts."))
        records = self._export_records(date_from, date_to, windows)
        if file_format == "json":
            content = self._export_json(date_from, date_to, records)
        else:
            content = self._export_csv(records)
        name = f"haochaping_v{SCHEMA_VERSION}_{date_from:%Y%m%d}_{date_to:%Y%m%d}.{file_format}"
        return content, name, len(records)
