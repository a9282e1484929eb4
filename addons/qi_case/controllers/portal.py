from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request
from odoo.tools import consteq, plaintext2html, str2bool

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.qi_window.tools.upload import (
    ALLOWED_UPLOAD_TYPES,
    MAX_UPLOAD_BYTES,
    check_upload,
    is_inline,
)

from ..models.qi_rating_indicator import OVERALL


def demand_choices():
    """The active windows and the service items a demand may name, for the
    portal's and the public demand form alike."""
    # sudo: the demand forms list the active windows and their service items;
    # names only, which the public page of the windows shows anyway (R-5.1.2.1)
    windows = request.env["qi.window"].sudo().search([("active", "=", True)])
    # sudo: same, the catalogue of service items is public (R-5.1.2.1)
    items = request.env["qi.service.item"].sudo().search([])
    return windows, items


def parse_demand(post, windows, items):
    """What both demand forms ask alike: the subject, the window among
    ``windows``, the items among ``items`` and the details (plain text in,
    sanitised HTML out). Returns the errors per field and the case values."""
    errors = {}
    subject = (post.get("subject") or "").strip()
    if not subject:
        errors["subject"] = request.env._("Say in a few words what you need.")
    elif len(subject) > 200:
        errors["subject"] = request.env._("The subject is limited to 200 characters.")
    window_id = (post.get("window_id") or "").strip()
    window = windows.filtered(lambda w: str(w.id) == window_id)
    if not window:
        errors["window_id"] = request.env._("Choose the window that should handle your demand.")
    offered = set(items.ids)
    item_ids = [
        int(raw) for raw in request.httprequest.form.getlist("item_ids") if raw.isdigit() and int(raw) in offered
    ]
    return errors, {
        "subject": subject,
        "window_id": window.id,
        "channel": "online",
        "item_ids": [Command.set(item_ids)],
        "description": plaintext2html((post.get("description") or "")[:5000]),
    }


def readonly_on_get(controller, rule, args):
    """``readonly=`` of a route that shows a form on GET and saves it on POST:
    the form is served from the read replica, the submission by the primary."""
    return request.httprequest.method in ("GET", "HEAD")


def check_uploads(files):
    """The reason for each refused file, by the suite's one upload rule
    (type from the content, size; qi_window/tools/upload.py):
    ``{"attachments": reason}`` for a refused one."""
    errors = {}
    for upload in files:
        if not upload.filename:
            continue
        try:
            # one byte more than the limit tells a file that is too large
            check_upload(request.env, upload.filename, upload.read(MAX_UPLOAD_BYTES + 1))
        except UserError as error:
            errors["attachments"] = error.args[0]
        finally:
            upload.seek(0)
    return errors


def read_uploads(files):
    """(name, content) of each uploaded file; a refused file raises its reason."""
    errors = check_uploads(files)
    if errors:
        raise UserError(next(iter(errors.values())))
    return [(upload.filename, upload.read()) for upload in files if upload.filename]


class QiCasePortal(CustomerPortal):
    """Enterprises follow their cases, providers and experts work their
    assignments (R-5.2.1, R-7.3.1). Every record is checked with the
    visitor's own rights first; a foreign or missing id is a 404 either way."""

    def _qi_case_file_readonly(self, rule, args):
        """``readonly=`` of the routes that serve a case's files and its report:
        read-only unless serving them is logged (qi_archive, once the case is archived)."""
        return self._qi_case_reads_only(args)

    def _qi_case_reads_only(self, args):
        """Whether serving the file or the report that the route ``args`` name
        (``case_id``, ``attachment_id``) only reads the database. Called before
        the visitor is authenticated: it chooses the cursor (read replica or
        primary), never the access."""
        return True

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

    @http.route(["/my/qi/cases", "/my/qi/cases/page/<int:page>"], type="http", auth="user", website=True, readonly=True)
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
            url="/my/qi/cases",
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        cases = Case.search(
            domain, order=bar["sortings"][sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "cases": self._qi_case_rows(cases),
                "page_name": "qi_cases",
                "pager": pager,
                "default_url": "/my/qi/cases",
                "searchbar_sortings": bar["sortings"],
                "sortby": sortby,
                "searchbar_filters": bar["filters"],
                "filterby": filterby,
                "search": search or "",
                "search_in": "all",
                "searchbar_inputs": {},
            }
        )
        return request.render("qi_case.portal_my_qi_cases", values)

    def _qi_case_rows(self, cases):
        """The list columns of the visitor's cases, read in a few batched queries
        whatever the page size (no per-row reads, no items)."""
        # sudo: these cases were just found with the visitor's own rights; the
        # rows hold a subset of the whitelisted values of _portal_values()
        cases_sudo = cases.sudo()
        cases_sudo.fetch(
            ["name", "subject", "window_id", "stage_id", "is_open", "date_deadline", "deadline_provisional"]
        )
        return [
            {
                "id": case.id,
                "name": case.name,
                "subject": case.subject,
                "window": case.window_id.name,
                "stage": case.stage_id.name,
                "is_open": case.is_open,
                "date_deadline": case.date_deadline,
                "deadline_provisional": case.deadline_provisional,
                "access_url": case.access_url,
            }
            for case in cases_sudo
        ]

    def _qi_check_record(self, model, record_id, access_token=None):
        """The record, sudoed, if the visitor may read it or holds its token.

        A foreign and a missing id do the same work (the same queries, in the
        same order) and give the same 404: the answer's time does not tell
        which ids exist."""
        Model = request.env[model].with_context(active_test=False)
        # one query with the visitor's own rights; ACLs come from a cache
        record = Model.search([("id", "=", record_id)]) if Model.has_access("read") else Model
        if not record and access_token:
            # sudo: only the token of this id is read, to compare it with the one
            # the visitor holds; nothing of the record leaves before it matches
            record = Model.sudo().search_fetch([("id", "=", record_id)], ["access_token"])
            if not consteq(record.access_token or "", access_token):
                record = Model
        if not record:
            raise request.not_found()
        # sudo: the visitor may read this record (or holds its token), checked above;
        # the flow methods write fields the portal cannot write directly
        return record.sudo()

    def _qi_case_check(self, case_id, access_token=None):
        """The case, sudoed, if the visitor may read it or holds its token."""
        return self._qi_check_record("qi.case", case_id, access_token)

    def _qi_case_attachments(self, case_sudo):
        """The files the portal offers for a case: those of the messages its
        chatter shows (materials, e-mails, replies; never internal notes nor files
        only attached in the back office) and the files of its results."""
        # sudo: the case was checked for this visitor; only its own public messages are searched
        messages = (
            request.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "qi.case"),
                    ("res_id", "=", case_sudo.id),
                    ("attachment_ids", "!=", False),
                    ("message_type", "in", ("comment", "email")),
                    ("is_internal", "=", False),
                    "|",
                    ("subtype_id", "=", False),
                    ("subtype_id.internal", "=", False),
                ]
            )
        )
        attachments = messages.attachment_ids.filtered(lambda a: (a.res_model, a.res_id) == ("qi.case", case_sudo.id))
        return (attachments | case_sudo.result_ids.attachment_ids).sorted("id")

    @http.route("/my/qi/cases/<int:case_id>", type="http", auth="public", website=True, readonly=True)
    def portal_my_qi_case(self, case_id, access_token=None, **kwargs):
        case_sudo = self._qi_case_check(case_id, access_token)
        values = self._prepare_portal_layout_values()
        current = case_sudo.qi_rating_ids.filtered("is_current")[:1]
        # links opened with a token keep it, so that a visitor without account can follow them
        token = {"access_token": access_token} if access_token else {}
        token_query = f"?{urlencode(token)}" if token else ""
        values.update(
            {
                "case": case_sudo._portal_values(),
                "case_sudo": case_sudo,
                "page_name": "qi_case",
                "attachments": self._qi_case_attachments(case_sudo),
                "token_query": token_query,
                "report_url": f"/my/qi/cases/{case_sudo.id}/report{token_query}",
                "report_download_url": f"/my/qi/cases/{case_sudo.id}/report?{urlencode({**token, 'download': 1})}",
                "can_rate": case_sudo.stage_code in ("completed", "closed")
                and request.env["qi.case.rating"]._can_rate_over(current),
                "current_rating": current
                and dict(current._fields["level"]._description_selection(request.env))[current.level],
                "current_rating_is_default": current.is_default,
                "levels": request.env["qi.case.rating"]._fields["level"]._description_selection(request.env),
                "sub_scores": self._qi_sub_scores(),
                "error": kwargs.get("error"),
            }
        )
        values = self._get_page_view_values(case_sudo, access_token, values, "my_qi_cases_history", False, **kwargs)
        return request.render("qi_case.portal_my_qi_case", values)

    @http.route(
        "/my/qi/cases/<int:case_id>/attachments/<int:attachment_id>",
        type="http",
        auth="public",
        website=True,
        readonly=_qi_case_file_readonly,
    )
    def portal_qi_case_attachment(self, case_id, attachment_id, access_token=None, download=False, **kwargs):
        """A file of the case, as listed on its page: the case is checked first,
        then the file must be one of the files the page lists."""
        case_sudo = self._qi_case_check(case_id, access_token)
        attachment_sudo = self._qi_case_attachments(case_sudo).filtered(lambda a: a.id == attachment_id)
        if not attachment_sudo:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment_sudo, "raw")
        # only PDFs and images are shown in the browser; anything else is a
        # download, and a type outside the upload rule (a page stored before
        # the rule, a file from the back office) is sent as bytes, never as a page
        if stream.mimetype not in ALLOWED_UPLOAD_TYPES:
            stream.mimetype = "application/octet-stream"
        inline = is_inline(stream.mimetype) and not str2bool(download, default=False)
        return stream.get_response(as_attachment=not inline)

    @http.route(
        "/my/qi/cases/<int:case_id>/report", type="http", auth="public", website=True, readonly=_qi_case_file_readonly
    )
    def portal_qi_case_report(self, case_id, access_token=None, report_type="pdf", download=False, **kwargs):
        """The case summary (number, items, time limits, handler, results)."""
        case_sudo = self._qi_case_check(case_id, access_token)
        if report_type not in ("pdf", "html"):
            raise request.not_found()
        return self._show_report(
            case_sudo, report_type, "qi_case.action_report_qi_case_summary", download=str2bool(download, default=False)
        )

    @http.route("/my/qi/cases/<int:case_id>/materials", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_case_materials(self, case_id, **post):
        """补正: the enterprise sends the missing materials; the clock restarts."""
        case_sudo = self._qi_case_check(case_id)
        if not case_sudo.is_open:
            error = request.env._("This case is finished: it takes no more materials.")
            return request.redirect(f"/my/qi/cases/{case_sudo.id}?{urlencode({'error': error})}")
        try:
            attachments = self._qi_store_uploads(case_sudo, request.httprequest.files.getlist("attachments"))
        except UserError as error:
            return request.redirect(f"/my/qi/cases/{case_sudo.id}?{urlencode({'error': error.args[0]})}")
        if case_sudo.materials_state == "incomplete" and attachments:
            case_sudo.action_materials_complete()
        return request.redirect(f"/my/qi/cases/{case_sudo.id}")

    @http.route(
        "/my/qi/cases/new", type="http", auth="user", methods=["GET", "POST"], website=True, readonly=readonly_on_get
    )
    def portal_qi_case_new(self, **post):
        windows, items = demand_choices()
        values = self._prepare_portal_layout_values()
        values.update({"windows": windows, "items": items, "page_name": "qi_case_new", "error": {}, "post": post})
        if request.httprequest.method == "POST":
            errors, vals = parse_demand(post, windows, items)
            files = request.httprequest.files.getlist("attachments")
            errors.update(self._qi_check_uploads(files))
            if errors:
                values["error"] = errors
                return request.render("qi_case.portal_qi_case_new", values)
            user_partner = request.env.user.partner_id
            partner = user_partner.commercial_partner_id
            vals.update(
                {
                    "partner_id": partner.id,
                    "contact_id": user_partner.id if user_partner != partner else False,
                    "email_from": user_partner.email_normalized or False,
                }
            )
            # sudo: portal users cannot create cases through the ORM; every value
            # above was checked and the service object is forced to the
            # visitor's own company
            case_sudo = request.env["qi.case"].sudo().create(vals)
            self._qi_store_uploads(case_sudo, files)
            return request.redirect(f"/my/qi/cases/{case_sudo.id}")
        return request.render("qi_case.portal_qi_case_new", values)

    def _qi_check_uploads(self, files):
        return check_uploads(files)

    def _qi_read_uploads(self, files):
        return read_uploads(files)

    def _qi_store_uploads(self, case_sudo, files):
        uploads = self._qi_read_uploads(files)
        if not uploads:
            return request.env["ir.attachment"]
        # the case was checked for this visitor; message_post creates the files on
        # it and links them to the message, so the chatter and the case page list
        # them (a portal user's existing attachments would not be linked)
        message = case_sudo.message_post(
            body=request.env._("Materials sent through the portal."),
            attachments=uploads,
            author_id=request.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return message.attachment_ids

    def _qi_sub_scores(self):
        """(field name, label) of the indicators of the online set besides the
        overall one, which is the level: ``score_<code>`` per indicator (R-8.1)."""
        # sudo: the indicator sets are configuration the rating form shows; only their names are read
        indicator_set = request.env["qi.rating.indicator.set"].sudo()._current("online")
        return [
            (f"score_{indicator.code}", indicator.name)
            for indicator in indicator_set.line_ids
            if indicator.code != OVERALL
        ]

    @http.route("/my/qi/cases/<int:case_id>/rate", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_case_rate(self, case_id, **post):
        """好差评 by the service object's own user; staff cannot rate for it."""
        case_sudo = self._qi_case_check(case_id)
        scores = {key.removeprefix("score_"): post.get(key) for key, _label in self._qi_sub_scores()}
        try:
            # sudo: portal users cannot create ratings through the ORM; _rate
            # checks the visitor belongs to the case's service object
            request.env["qi.case.rating"].sudo()._rate(
                case_sudo,
                request.env.user.partner_id,
                post.get("level"),
                comment=(post.get("comment") or "")[:2000],
                scores=scores,
            )
        except (UserError, ValidationError, AccessError) as error:
            return request.redirect(f"/my/qi/cases/{case_sudo.id}?{urlencode({'error': error.args[0]})}")
        return request.redirect(f"/my/qi/cases/{case_sudo.id}")

    # ------------------------------------------------------------------
    # providers and experts: assignments
    # ------------------------------------------------------------------
    @http.route(
        ["/my/qi/assignments", "/my/qi/assignments/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
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
        return self._qi_check_record("qi.case.assignment", assignment_id)

    def _qi_assignment_notes(self, assignment_sudo):
        """The discussion a provider sees: public comments and the notes of its
        own people, never the window's internal notes."""
        own = request.env.user.partner_id.commercial_partner_id
        return assignment_sudo.message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and (not (m.is_internal or m.subtype_id.internal) or m.author_id.commercial_partner_id == own)
            )
        )

    @http.route("/my/qi/assignments/<int:assignment_id>", type="http", auth="user", website=True, readonly=True)
    def portal_my_qi_assignment(self, assignment_id, **kwargs):
        assignment_sudo = self._qi_assignment_check(assignment_id)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "assignment": assignment_sudo,
                "notes": self._qi_assignment_notes(assignment_sudo),
                "case": assignment_sudo.case_id._portal_values(provider=True),
                "page_name": "qi_assignment",
                "error": kwargs.get("error"),
            }
        )
        return request.render("qi_case.portal_my_qi_assignment", values)

    @http.route(
        "/my/qi/assignments/<int:assignment_id>/<string:action>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_qi_assignment_action(self, assignment_id, action, **post):
        assignment_sudo = self._qi_assignment_check(assignment_id)
        author = request.env.user.partner_id
        try:
            # a refused step undoes all it did (no deliverable left on an assignment it could not deliver)
            with request.env.cr.savepoint():
                self._qi_assignment_step(assignment_sudo, action, author, post)
        except (UserError, ValidationError) as error:
            return request.redirect(f"/my/qi/assignments/{assignment_sudo.id}?{urlencode({'error': error.args[0]})}")
        return request.redirect(f"/my/qi/assignments/{assignment_sudo.id}")

    def _qi_assignment_step(self, assignment_sudo, action, author, post):
        if action == "accept":
            assignment_sudo.action_accept()
        elif action == "decline":
            assignment_sudo.action_decline(reason=post.get("reason"))
        elif action == "progress":
            try:
                progress = int(post.get("progress") or 0)
            except ValueError:
                progress = -1
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
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        elif action == "deliver":
            uploads = self._qi_read_uploads(request.httprequest.files.getlist("attachments"))
            # sudo: deliverables attached to the assignment checked by the caller
            attachments = (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {"name": name, "raw": content, "res_model": "qi.case.assignment", "res_id": assignment_sudo.id}
                        for name, content in uploads
                    ]
                )
            )
            assignment_sudo.deliverable_ids = [Command.link(attachment.id) for attachment in attachments]
            assignment_sudo.action_deliver()
        else:
            raise request.not_found()
