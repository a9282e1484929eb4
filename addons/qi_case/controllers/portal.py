import base64
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# uploads on the portal: what an enterprise sends as materials
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOAD_TYPES = {
    "application/pdf", "image/jpeg", "image/png", "application/zip",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class QiCasePortal(CustomerPortal):
    """Enterprises follow their cases, providers and experts work their
    assignments (R-5.2.1, R-7.3.1). Every record is checked with the
    visitor's own rights first; a foreign or missing id is a 404 either way."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "qi_case_count" in counters:
            Case = request.env["qi.case"]
            values["qi_case_count"] = Case.search_count([]) if Case.has_access("read") else 0
        if "qi_assignment_count" in counters:
            Assignment = request.env["qi.case.assignment"]
            values["qi_assignment_count"] = (
                Assignment.search_count([("state", "!=", "cancelled")]) if Assignment.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # enterprise: cases
    # ------------------------------------------------------------------
    def _qi_case_searchbar(self):
        newest, deadline, number = request.env._("Newest"), request.env._("Deadline"), request.env._("Number")
        every, running, done = request.env._("All"), request.env._("Running"), request.env._("Completed")
        done_domain = [("stage_code", "in", ["completed", "closed"])]
        return {
            "sortings": {
                "date": {"label": newest, "order": "date_received desc, id desc"},
                "deadline": {"label": deadline, "order": "date_deadline, id"},
                "name": {"label": number, "order": "name desc"},
            },
            "filters": {
                "all": {"label": every, "domain": []},
                "open": {"label": running, "domain": [("is_open", "=", True)]},
                "done": {"label": done, "domain": done_domain},
            },
        }

    @http.route(["/my/qi/cases", "/my/qi/cases/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_qi_cases(self, page=1, sortby="date", filterby="all", search=None, **kwargs):
        Case = request.env["qi.case"]
        if not Case.has_access("read"):
            raise request.not_found()
        bar = self._qi_case_searchbar()
        sortby = sortby if sortby in bar["sortings"] else "date"
        filterby = filterby if filterby in bar["filters"] else "all"
        domain = list(bar["filters"][filterby]["domain"])
        if search:
            domain += ["|", ("name", "ilike", search), ("subject", "ilike", search)]
        count = Case.search_count(domain)
        pager = portal_pager(
            url="/my/qi/cases", url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=count, page=page, step=self._items_per_page,
        )
        cases = Case.search(domain, order=bar["sortings"][sortby]["order"], limit=self._items_per_page,
                            offset=pager["offset"])
        # sudo: these cases were just found with the visitor's own rights; the
        # rows only hold the whitelisted values of _portal_values()
        rows = [case._portal_values() for case in cases.sudo()]
        values = self._prepare_portal_layout_values()
        values.update({
            "cases": rows, "page_name": "qi_cases", "pager": pager, "default_url": "/my/qi/cases",
            "searchbar_sortings": bar["sortings"], "sortby": sortby,
            "searchbar_filters": bar["filters"], "filterby": filterby, "search": search or "",
            "search_in": "all", "searchbar_inputs": {},
        })
        return request.render("qi_case.portal_my_qi_cases", values)

    def _qi_case_check(self, case_id, access_token=None):
        try:
            return self._document_check_access("qi.case", case_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None

    @http.route("/my/qi/cases/<int:case_id>", type="http", auth="public", website=True)
    def portal_my_qi_case(self, case_id, access_token=None, **kwargs):
        case_sudo = self._qi_case_check(case_id, access_token)
        values = self._prepare_portal_layout_values()
        current = case_sudo.qi_rating_ids.filtered("is_current")[:1]
        values.update({
            "case": case_sudo._portal_values(), "case_sudo": case_sudo, "page_name": "qi_case",
            "can_rate": case_sudo.stage_code in ("completed", "closed")
            and (not current or (current.is_bad and not current.rerated_from_id)),
            "current_rating": current and dict(current._fields["level"]._description_selection(request.env))[current.level],
            "levels": request.env["qi.case.rating"]._fields["level"]._description_selection(request.env),
            "sub_scores": self._qi_sub_scores(),
            "error": kwargs.get("error"),
        })
        values = self._get_page_view_values(case_sudo, access_token, values, "my_qi_cases_history", False, **kwargs)
        return request.render("qi_case.portal_my_qi_case", values)

    @http.route("/my/qi/cases/<int:case_id>/materials", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_case_materials(self, case_id, **post):
        """补正: the enterprise sends the missing materials; the clock restarts."""
        case_sudo = self._qi_case_check(case_id)
        files = request.httprequest.files.getlist("attachments")
        attachments = self._qi_store_uploads(case_sudo, files)
        if case_sudo.materials_state == "incomplete" and attachments:
            case_sudo.action_materials_complete()
        return request.redirect(f"/my/qi/cases/{case_sudo.id}")

    @http.route("/my/qi/cases/new", type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_qi_case_new(self, **post):
        partner = request.env.user.partner_id.commercial_partner_id
        # sudo: the demand form lists the active windows and their service items;
        # names only, which the public page shows anyway
        windows = request.env["qi.window"].sudo().search([("active", "=", True)])
        # sudo: same, the catalogue of service items is public (R-5.1.2.1)
        items = request.env["qi.service.item"].sudo().search([])
        values = self._prepare_portal_layout_values()
        values.update({"windows": windows, "items": items, "page_name": "qi_case_new", "error": {}, "post": post})
        if request.httprequest.method == "POST":
            errors, vals = self._qi_validate_demand(post, windows, items, partner)
            files = request.httprequest.files.getlist("attachments")
            errors.update(self._qi_check_uploads(files))
            if errors:
                values["error"] = errors
                return request.render("qi_case.portal_qi_case_new", values)
            # sudo: portal users cannot create cases through the ORM; every value
            # below was checked above and the service object is forced to the
            # visitor's own company
            case_sudo = request.env["qi.case"].sudo().create(vals)
            self._qi_store_uploads(case_sudo, files)
            return request.redirect(f"/my/qi/cases/{case_sudo.id}")
        return request.render("qi_case.portal_qi_case_new", values)

    def _qi_validate_demand(self, post, windows, items, partner):
        errors = {}
        subject = (post.get("subject") or "").strip()
        if not subject:
            errors["subject"] = request.env._("Say in a few words what you need.")
        elif len(subject) > 200:
            errors["subject"] = request.env._("The subject is limited to 200 characters.")
        try:
            window = windows.filtered(lambda w: w.id == int(post.get("window_id") or 0))
        except ValueError:
            window = windows.browse()
        if not window:
            errors["window_id"] = request.env._("Choose the window that should handle your demand.")
        item_ids = []
        for raw in request.httprequest.form.getlist("item_ids"):
            if raw.isdigit() and int(raw) in items.ids:
                item_ids.append(int(raw))
        vals = {
            "subject": subject,
            "window_id": window.id,
            "partner_id": partner.id,
            "contact_id": request.env.user.partner_id.id if request.env.user.partner_id != partner else False,
            "email_from": request.env.user.partner_id.email_normalized or False,
            "channel": "online",
            "item_ids": [(6, 0, item_ids)],
            # plain text in, sanitised HTML out
            "description": plaintext2html((post.get("description") or "")[:5000]),
        }
        return errors, vals

    def _qi_check_uploads(self, files):
        errors = {}
        for upload in files:
            if not upload.filename:
                continue
            upload.seek(0, 2)
            size = upload.tell()
            upload.seek(0)
            if size > MAX_UPLOAD_BYTES:
                errors["attachments"] = request.env._("%s is larger than 10 MB.", upload.filename)
            elif upload.mimetype not in ALLOWED_UPLOAD_TYPES:
                errors["attachments"] = request.env._(
                    "%s: only PDF, images, Word, Excel and ZIP files are accepted.", upload.filename
                )
        return errors

    def _qi_store_uploads(self, case_sudo, files):
        if self._qi_check_uploads(files):
            raise UserError(request.env._("This file cannot be uploaded."))
        Attachment = request.env["ir.attachment"]
        created = Attachment
        for upload in files:
            if not upload.filename:
                continue
            # sudo: the case was checked for this visitor; the file is attached to it only
            created |= Attachment.sudo().create({
                "name": upload.filename,
                "datas": base64.b64encode(upload.read()),
                "res_model": "qi.case",
                "res_id": case_sudo.id,
            })
        if created:
            case_sudo.message_post(
                body=request.env._("Materials sent through the portal."),
                attachment_ids=created.ids,
                author_id=request.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return created

    def _qi_sub_scores(self):
        efficiency = request.env._("Efficiency")
        competence = request.env._("Competence")
        attitude = request.env._("Attitude")
        return list(zip(("score_efficiency", "score_competence", "score_attitude"), (efficiency, competence, attitude), strict=True))

    @http.route("/my/qi/cases/<int:case_id>/rate", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_case_rate(self, case_id, **post):
        """好差评 by the service object's own user; staff cannot rate for it."""
        case_sudo = self._qi_case_check(case_id)
        sub_scores = {key: post.get(key) for key in ("score_efficiency", "score_competence", "score_attitude")}
        try:
            # sudo: portal users cannot create ratings through the ORM; _rate
            # checks the visitor belongs to the case's service object
            request.env["qi.case.rating"].sudo()._rate(
                case_sudo, request.env.user.partner_id, post.get("level"), comment=(post.get("comment") or "")[:2000],
                **sub_scores,
            )
        except (UserError, ValidationError, AccessError) as error:
            return request.redirect(f"/my/qi/cases/{case_sudo.id}?{urlencode({'error': error.args[0]})}")
        return request.redirect(f"/my/qi/cases/{case_sudo.id}")

    # ------------------------------------------------------------------
    # providers and experts: assignments
    # ------------------------------------------------------------------
    @http.route(["/my/qi/assignments", "/my/qi/assignments/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_qi_assignments(self, page=1, **kwargs):
        Assignment = request.env["qi.case.assignment"]
        if not Assignment.has_access("read"):
            raise request.not_found()
        domain = [("state", "!=", "cancelled")]
        count = Assignment.search_count(domain)
        pager = portal_pager(url="/my/qi/assignments", total=count, page=page, step=self._items_per_page)
        assignments = Assignment.search(domain, order="id desc", limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({"assignments": assignments, "pager": pager, "page_name": "qi_assignments"})
        return request.render("qi_case.portal_my_qi_assignments", values)

    def _qi_assignment_check(self, assignment_id):
        assignment = request.env["qi.case.assignment"].browse(assignment_id)
        try:
            assignment.check_access("read")
            if not assignment.exists():
                raise MissingError("")
        except (AccessError, MissingError):
            raise request.not_found() from None
        # sudo: the visitor may read this assignment (checked above); the flow
        # methods write fields the portal cannot write directly
        return assignment.sudo()

    @http.route("/my/qi/assignments/<int:assignment_id>", type="http", auth="user", website=True)
    def portal_my_qi_assignment(self, assignment_id, **kwargs):
        assignment_sudo = self._qi_assignment_check(assignment_id)
        values = self._prepare_portal_layout_values()
        values.update({
            "assignment": assignment_sudo,
            "case": assignment_sudo.case_id._portal_values(provider=True),
            "page_name": "qi_assignment",
            "error": kwargs.get("error"),
        })
        return request.render("qi_case.portal_my_qi_assignment", values)

    @http.route("/my/qi/assignments/<int:assignment_id>/<string:action>", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_qi_assignment_action(self, assignment_id, action, **post):
        assignment_sudo = self._qi_assignment_check(assignment_id)
        author = request.env.user.partner_id
        try:
            if action == "accept":
                assignment_sudo.action_accept()
            elif action == "decline":
                assignment_sudo.action_decline(reason=post.get("reason"))
            elif action == "progress":
                progress = int(post.get("progress") or 0)
                if not 0 <= progress <= 100:
                    raise ValidationError(request.env._("Progress is a percentage between 0 and 100."))
                note = (post.get("note") or "").strip()
                if assignment_sudo.state == "accepted":
                    assignment_sudo.action_start()
                if assignment_sudo.state != "in_progress":
                    raise UserError(request.env._("Progress is posted on an assignment in progress."))
                assignment_sudo.progress = progress
                assignment_sudo.message_post(
                    body=plaintext2html(request.env._("Progress %(progress)s%%: %(note)s", progress=progress, note=note)),
                    author_id=author.id, message_type="comment", subtype_xmlid="mail.mt_note",
                )
            elif action == "deliver":
                files = request.httprequest.files.getlist("attachments")
                errors = self._qi_check_uploads(files)
                if errors:
                    raise UserError(next(iter(errors.values())))
                attachments = request.env["ir.attachment"]
                for upload in files:
                    if upload.filename:
                        # sudo: deliverable attached to the assignment checked above
                        attachments |= request.env["ir.attachment"].sudo().create({
                            "name": upload.filename, "datas": base64.b64encode(upload.read()),
                            "res_model": "qi.case.assignment", "res_id": assignment_sudo.id,
                        })
                assignment_sudo.deliverable_ids = [(4, a.id) for a in attachments]
                assignment_sudo.action_deliver()
            else:
                raise request.not_found()
        except (UserError, ValidationError) as error:
            return request.redirect(f"/my/qi/assignments/{assignment_sudo.id}?{urlencode({'error': error.args[0]})}")
        return request.redirect(f"/my/qi/assignments/{assignment_sudo.id}")
