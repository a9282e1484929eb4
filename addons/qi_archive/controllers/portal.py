from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.qi_case.controllers.portal import QiCasePortal
from odoo.addons.qi_window.tools.china import china_today


class QiArchivePortal(CustomerPortal):
    """R-9.b: an enterprise asks to consult its own cases' archived records;
    the window's leader still decides, and every download is logged."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "qi_archive_count" in counters:
            records = request.env["qi.archive.record"]
            values["qi_archive_count"] = (
                records.search_count([("state", "=", "archived")]) if records.has_access("read") else 0
            )
        return values

    def _qi_archive_values(self, error=None, message=None):
        # the record rules keep a portal user to his company's records, never a trade secret
        records = request.env["qi.archive.record"].search([("state", "=", "archived")])
        requests = request.env["qi.archive.access.request"].search([("requester_id", "=", request.env.uid)])
        # sudo: the names of the windows of records the user may see
        windows = {record.id: record.sudo().window_id.display_name for record in records}
        return {
            "page_name": "qi_archive",
            "qi_records": records,
            "qi_windows": windows,
            "qi_requests": requests,
            "qi_error": error,
            "qi_message": message,
            "qi_date_to": fields.Date.to_string(fields.Date.add(china_today(), days=7)),
        }

    # read-only: the page lists records and requests; asking (POST below) and
    # downloading (each download is logged) use the primary
    @http.route("/my/archive", type="http", auth="user", website=True, readonly=True)
    def portal_my_archive(self, **kwargs):
        return request.render("qi_archive.portal_my_archive", self._qi_archive_values(message=kwargs.get("message")))

    @http.route("/my/archive/request", type="http", auth="user", methods=["POST"], website=True)
    def portal_archive_request(self, reason="", date_to=None, **kwargs):
        record_ids = [int(value) for value in request.httprequest.form.getlist("record_ids") if value.isdigit()]
        records = request.env["qi.archive.record"].browse(record_ids).exists()
        try:
            records.check_access("read")
            if not records:
                raise UserError(request.env._("Choose the records you want to consult."))
            if not reason.strip():
                raise UserError(request.env._("Say why you need to consult these records."))
            # sudo: group the chosen records by window, one request per window's leader
            by_window = records.sudo().grouped("window_id")
            for window_records in by_window.values():
                access_request = request.env["qi.archive.access.request"].create(
                    {
                        "record_ids": [(6, 0, window_records.ids)],
                        "reason": reason.strip(),
                        "date_to": date_to or fields.Date.add(china_today(), days=7),
                    }
                )
                access_request.action_submit()
        except (AccessError, UserError, ValidationError, ValueError) as error:
            request.env.cr.rollback()
            values = self._qi_archive_values(error=str(error.args[0]) if error.args else str(error))
            return request.render("qi_archive.portal_my_archive", values)
        return request.redirect("/my/archive?message=submitted")

    @http.route("/my/archive/file/<int:file_id>", type="http", auth="user", website=True)
    def portal_archive_file(self, file_id, **kwargs):
        line = request.env["qi.archive.file"].browse(file_id)
        try:
            line.check_access("read")
            attachment = line.attachment_id
            if not attachment:
                raise MissingError(request.env._("This file was disposed of."))
            attachment._qi_archive_check_content()
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        # sudo: the grant was checked just above; the stream checks it again and logs the download
        stream = request.env["ir.binary"]._get_stream_from(attachment.sudo(), "raw")
        return stream.get_response(as_attachment=True)


class QiArchiveCasePortal(QiCasePortal):
    """An archived case's files and report are archive content: each use is
    logged (R-9.b), so they are served by the primary, not the read replica."""

    def _qi_case_reads_only(self, args):
        if not super()._qi_case_reads_only(args):
            return False
        cr = request.env.cr
        cr.execute(
            SQL(
                "SELECT 1 FROM qi_archive_record WHERE source_model = 'qi.case' AND source_id = %s LIMIT 1",
                args.get("case_id") or 0,
            )
        )
        if cr.fetchone():
            return False
        attachment_id = args.get("attachment_id")
        # sudo: reads only whether the file is archived, to choose the cursor;
        # the route checks the visitor's access to the case and the file itself
        return not (attachment_id and request.env["ir.attachment"].sudo().browse(attachment_id)._qi_protected())
