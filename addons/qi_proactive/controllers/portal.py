import base64
from urllib.parse import urlencode

import psycopg2

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.qi_case.controllers.portal import QiCasePortal, readonly_on_get
from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.upload import MAX_UPLOAD_BYTES, check_upload

from ..models.qi_ledger_mixin import LEDGER_FILE_MIMETYPES

# the kinds of ledger lines the portal shows, in the order of its tabs, and the
# fields of each one's form: (field name, widget)
LEDGERS = {
    "instrument": (
        "qi.instrument",
        (
            ("name", "char"),
            ("category_id", "category"),
            ("is_compulsory", "bool"),
            ("verification_kind", "select"),
            ("instrument_model", "char"),
            ("serial_number", "char"),
            ("manufacturer", "char"),
            ("measuring_range", "char"),
            ("accuracy_class", "char"),
            ("location", "char"),
            ("cycle_months", "int"),
            ("date_last", "date"),
            ("date_due", "date"),
            ("certificate_number", "char"),
            ("note", "text"),
        ),
    ),
    "equipment": (
        "qi.special.equipment",
        (
            ("name", "char"),
            ("equipment_type", "select"),
            ("equipment_code", "char"),
            ("registration_number", "char"),
            ("equipment_model", "char"),
            ("serial_number", "char"),
            ("location", "char"),
            ("cycle_months", "int"),
            ("date_last", "date"),
            ("date_due", "date"),
            ("report_number", "char"),
            ("note", "text"),
        ),
    ),
    "certificate": (
        "qi.enterprise.certificate",
        (
            ("name", "char"),
            ("certificate_type", "select"),
            ("number", "char"),
            ("issuer", "char"),
            ("date_from", "date"),
            ("date_due", "date"),
            ("note", "text"),
        ),
    ),
}
# what the portal form accepts per text field
MAX_CHARS = {"char": 200, "text": 2000}


class QiProactivePortal(QiCasePortal):
    """The enterprise keeps its ledgers in the portal (R-6.1.1.3), sees its
    quality steward and the window's contact, reads the notices it was sent
    and turns due lines or a notice into a demand in one click (R-7.1.2).
    Providers see, on their assignment, the instruments and equipment of the
    demand (R-6.1.1.1).

    The ledger is read and written through the ORM as the portal user: the
    record rules keep each enterprise to its own lines, and every page also
    filters on the visitor's own company, so that a provider, whose rules let
    it read the lines of its assignments, never reaches an enterprise's
    ledger pages."""

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _qi_ledger_partner(self):
        """The company whose ledger the visitor keeps; 404 for internal users,
        who keep ledgers in the back office."""
        user = request.env.user
        if not user._is_portal():
            raise request.not_found()
        return user.partner_id.commercial_partner_id

    def _qi_ledger_model(self, kind):
        if kind not in LEDGERS:
            raise request.not_found()
        return request.env[LEDGERS[kind][0]]

    def _qi_ledger_line(self, kind, line_id):
        """The visitor's own line (archived ones included), read with the
        visitor's rights; a foreign and a missing id are the same 404."""
        partner = self._qi_ledger_partner()
        Ledger = self._qi_ledger_model(kind).with_context(active_test=False)
        line = Ledger.search([("id", "=", line_id), ("partner_id", "=", partner.id)])
        if not line:
            raise request.not_found()
        return line

    def _qi_ledger_counts(self, partner):
        """{kind: {"due": n, "overdue": n}} of the company's active lines."""
        counts = {}
        for kind, (model, _fields) in LEDGERS.items():
            Ledger = request.env[model]
            counts[kind] = dict.fromkeys(("due", "overdue"), 0)
            if not Ledger.has_access("read"):
                continue
            for state in ("due", "overdue"):
                counts[kind][state] = Ledger.search_count(
                    [("partner_id", "=", partner.id), ("due_state", "in", [state])]
                )
        return counts

    def _qi_notice_domain(self, partner):
        """The notices the company was sent that are still current, as its recipient lines."""
        today = fields.Date.to_string(china_today())
        return Domain(
            [
                ("partner_id", "=", partner.id),
                ("notice_id.state", "=", "published"),
                "|",
                ("notice_id.date_end", "=", False),
                ("notice_id.date_end", ">=", today),
            ]
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        user = request.env.user
        if not user._is_portal():
            return values
        partner = user.partner_id.commercial_partner_id
        if "qi_ledger_due_count" in counters:
            counts = self._qi_ledger_counts(partner)
            values["qi_ledger_due_count"] = sum(sum(by_state.values()) for by_state in counts.values())
        if "qi_notice_unread_count" in counters:
            Recipient = request.env["qi.notice.recipient"]
            values["qi_notice_unread_count"] = (
                Recipient.search_count(self._qi_notice_domain(partner) & Domain("date_read", "=", False))
                if Recipient.has_access("read")
                else 0
            )
        if not counters:
            # the home page itself (the counters come later, by /my/counters)
            values.update(self._qi_home_values(partner))
        return values

    def _qi_home_values(self, partner):
        """Whether the ledger and notice cards show, and the steward card (R-7.1.2)."""
        is_enterprise = not partner.is_qi_provider
        return {
            "qi_ledger_enabled": is_enterprise,
            "qi_steward_card": self._qi_steward_card(partner) if is_enterprise else None,
        }

    def _qi_steward_card(self, partner):
        """The company's quality steward and window, as the portal shows them:
        names and published contact points only."""
        # sudo: a portal user reads neither the window nor the staff's user
        # record; only the steward's name, e-mail and phone and the window's
        # name and published service phone leave this method
        partner_sudo = partner.sudo()
        steward, window = partner_sudo.qi_steward_id, partner_sudo.qi_window_id
        if not (steward or window):
            return None
        return {
            "steward_name": steward.name or "",
            "steward_email": steward.email or "",
            "steward_phone": steward.phone or "",
            "window_name": window.name or "",
            "window_phone": window.phone or "",
        }

    # ------------------------------------------------------------------
    # the ledger: list, request
    # ------------------------------------------------------------------
    def _qi_ledger_searchbar(self):
        return {
            "sortings": {
                "due": {"label": request.env._("Due Date"), "order": "date_due asc, id"},
                "due_desc": {"label": request.env._("Due Date (latest first)"), "order": "date_due desc, id desc"},
                "name": {"label": request.env._("Name"), "order": "name, id"},
            },
            "filters": {
                "all": {"label": request.env._("All"), "domain": []},
                "due": {"label": request.env._("Falling Due"), "domain": [("due_state", "in", ["due"])]},
                "overdue": {"label": request.env._("Overdue"), "domain": [("due_state", "in", ["overdue"])]},
                "ok": {"label": request.env._("In Order"), "domain": [("due_state", "in", ["ok"])]},
                "none": {"label": request.env._("No Due Date"), "domain": [("due_state", "in", ["none"])]},
                "archived": {"label": request.env._("Archived"), "domain": [("active", "=", False)]},
            },
        }

    def _qi_ledger_values(self, kind="instrument", page=1, sortby="due", filterby="all", error=None, message=None):
        partner = self._qi_ledger_partner()
        Ledger = self._qi_ledger_model(kind)
        bar = self._qi_ledger_searchbar()
        sortby = sortby if sortby in bar["sortings"] else "due"
        filterby = filterby if filterby in bar["filters"] else "all"
        domain = Domain("partner_id", "=", partner.id) & Domain(bar["filters"][filterby]["domain"])
        if filterby == "archived":
            Ledger = Ledger.with_context(active_test=False)
        count = Ledger.search_count(domain)
        pager = portal_pager(
            url="/my/qi/ledger",
            url_args={"kind": kind, "sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        lines = Ledger.search(
            domain, order=bar["sortings"][sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        # the recent warnings of the company, all ledgers together
        LedgerWarning = request.env["qi.ledger.warning"]
        warnings = (
            LedgerWarning.search([("partner_id", "=", partner.id)], order="date_sent desc, id desc", limit=20)
            if LedgerWarning.has_access("read")
            else LedgerWarning
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "qi_ledger",
                "kind": kind,
                "kind_labels": {key: self._qi_kind_label(key) for key in LEDGERS},
                "counts": self._qi_ledger_counts(partner),
                "lines": lines,
                "pager": pager,
                "default_url": "/my/qi/ledger",
                "searchbar_sortings": bar["sortings"],
                "sortby": sortby,
                "searchbar_filters": bar["filters"],
                "filterby": filterby,
                "warnings": warnings,
                "warning_ledgers": dict(LedgerWarning._fields["res_model"]._description_selection(request.env)),
                "due_labels": dict(Ledger._fields["due_state"]._description_selection(request.env)),
                "error": error,
                "message": message,
            }
        )
        return values

    def _qi_kind_label(self, kind):
        return {
            "instrument": request.env._("Measuring Instruments"),
            "equipment": request.env._("Special Equipment"),
            "certificate": request.env._("Certificates and Licences"),
        }[kind]

    @http.route(
        ["/my/qi/ledger", "/my/qi/ledger/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_qi_ledger(self, page=1, kind="instrument", sortby="due", filterby="all", saved=None, **kwargs):
        """The company's ledgers, one tab per kind (R-6.1.1.3, R-6.1.7.1)."""
        if kind not in LEDGERS:
            kind = "instrument"
        message = {
            "saved": request.env._("The line was saved."),
            "archived": request.env._("The line was archived: it is no longer warned about."),
            "restored": request.env._("The line is back in your ledger."),
        }.get(saved)
        values = self._qi_ledger_values(kind, page, sortby, filterby, message=message)
        return request.render("qi_proactive.portal_my_qi_ledger", values)

    @http.route("/my/qi/ledger/request", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_ledger_request(self, kind="instrument", **post):
        """One demand for the selected due lines of one ledger (R-7.1.2)."""
        partner = self._qi_ledger_partner()
        Ledger = self._qi_ledger_model(kind)
        ids = [int(raw) for raw in request.httprequest.form.getlist("line_ids") if raw.isdigit()]
        # the visitor's own active lines only, read with the visitor's rights
        lines = Ledger.search([("id", "in", ids), ("partner_id", "=", partner.id)]) if ids else Ledger
        error = None
        if not lines:
            error = request.env._("Choose the lines that the demand is about.")
        else:
            try:
                with request.env.cr.savepoint():
                    case = request.env["qi.ledger.demand"]._make_demand(lines)
            except (UserError, ValidationError, AccessError) as exc:
                error = exc.args[0]
        if error:
            values = self._qi_ledger_values(kind, error=error)
            return request.render("qi_proactive.portal_my_qi_ledger", values)
        return request.redirect(f"/my/qi/cases/{case.id}?qi_requested=1")

    # ------------------------------------------------------------------
    # the ledger: one line's form
    # ------------------------------------------------------------------
    def _qi_form_fields(self, kind):
        """What the template needs of each field of the form: name, widget,
        label, help, required, and the choices of a select."""
        Ledger = self._qi_ledger_model(kind)
        env = request.env
        result = []
        for name, widget in LEDGERS[kind][1]:
            field = Ledger._fields[name]
            choices = []
            if widget == "select":
                choices = field._description_selection(env)
            elif widget == "category":
                # the national catalogue, readable by portal users
                choices = [(str(c.id), c.display_name) for c in env["qi.instrument.category"].search([])]
            result.append(
                {
                    "name": name,
                    "widget": widget,
                    "label": field._description_string(env),
                    "help": field._description_help(env) or "",
                    "required": field.required,
                    "choices": [(str(key), label) for key, label in choices],
                    "maxlength": MAX_CHARS.get(widget),
                }
            )
        return result

    def _qi_form_post(self, line, kind):
        """The form's values (strings) of an existing line."""
        post = {}
        for name, widget in LEDGERS[kind][1]:
            value = line[name]
            if widget == "category":
                post[name] = str(value.id) if value else ""
            elif widget == "bool":
                post[name] = "on" if value else ""
            elif widget == "date":
                post[name] = fields.Date.to_string(value) if value else ""
            elif widget == "int":
                post[name] = str(value) if value else ""
            else:
                post[name] = value or ""
        return post

    def _qi_parse_line(self, kind, post, line=None):
        """``(errors, vals)`` of a submitted form: every check a user can fix
        in the form, each error on its field, in the visitor's language."""
        env = request.env
        Ledger = self._qi_ledger_model(kind)
        partner = self._qi_ledger_partner()
        errors, vals = {}, {}
        for name, widget in LEDGERS[kind][1]:
            raw = (post.get(name) or "").strip()
            field = Ledger._fields[name]
            if widget == "bool":
                vals[name] = bool(raw)
                continue
            if field.required and not raw:
                errors[name] = env._("This field is required.")
                continue
            if widget in MAX_CHARS:
                if len(raw) > MAX_CHARS[widget]:
                    errors[name] = env._("At most %(count)s characters.", count=MAX_CHARS[widget])
                vals[name] = raw or False
            elif widget == "date":
                try:
                    vals[name] = fields.Date.to_date(raw) if raw else False
                except ValueError:
                    errors[name] = env._("Enter a date as YYYY-MM-DD.")
            elif widget == "int":
                if raw and not (raw.isdigit() and int(raw) <= 600):
                    errors[name] = env._("Enter a whole number of months between 0 and 600.")
                else:
                    vals[name] = int(raw) if raw else 0
            elif widget == "select":
                keys = [str(key) for key, _label in field._description_selection(env)]
                if raw and raw not in keys:
                    errors[name] = env._("Choose a value from the list.")
                else:
                    vals[name] = raw or False
            elif widget == "category":
                category = env["qi.instrument.category"].search([("id", "=", int(raw))]) if raw.isdigit() else False
                if raw and not category:
                    errors[name] = env._("Choose a category from the list.")
                vals[name] = category.id if category else False
        # the next due date follows from the last one and the cycle when not given
        if vals.get("date_last") and vals.get("cycle_months") and not vals.get("date_due") and "date_due" not in errors:
            vals["date_due"] = fields.Date.add(vals["date_last"], months=vals["cycle_months"])
        if vals.get("date_last") and vals.get("date_due") and vals["date_due"] < vals["date_last"]:
            errors.setdefault("date_due", env._("The next due date comes before the last one."))
        if kind == "instrument":
            if vals.get("is_compulsory") and not vals.get("category_id") and "category_id" not in errors:
                errors["category_id"] = env._(
                    "An instrument under compulsory verification needs its category in the national catalogue."
                )
            if vals.get("serial_number") and "category_id" not in errors:
                # the serial number is unique per company and category: the
                # visitor's own lines, archived ones included
                duplicate = Ledger.with_context(active_test=False).search_count(
                    [
                        ("partner_id", "=", partner.id),
                        ("serial_number", "=", vals["serial_number"]),
                        ("category_id", "=", vals.get("category_id") or False),
                        ("id", "!=", line.id if line else 0),
                    ],
                    limit=1,
                )
                if duplicate:
                    errors["serial_number"] = env._(
                        "Your ledger already has an instrument of this category with this serial number."
                    )
        upload = request.httprequest.files.get("attachment_file")
        if upload and upload.filename:
            content = upload.read(MAX_UPLOAD_BYTES + 1)
            try:
                # the type from the content, the name must agree (qi_window/tools/upload.py)
                mimetype = check_upload(env, upload.filename, content)
                if mimetype not in LEDGER_FILE_MIMETYPES:
                    raise UserError(env._("%s: only a PDF, JPEG or PNG file is accepted.", upload.filename))
            except UserError as exc:
                errors["attachment_file"] = exc.args[0]
            else:
                vals["attachment_file"] = base64.b64encode(content)
                vals["attachment_filename"] = upload.filename[:200]
        return errors, vals

    def _qi_render_line(self, kind, line, post, errors=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "qi_ledger_line",
                "kind": kind,
                "kind_label": self._qi_kind_label(kind),
                "line": line,
                "form_fields": self._qi_form_fields(kind),
                "post": post,
                "error": errors or {},
                "form_action": f"/my/qi/ledger/{kind}/{line.id}" if line else f"/my/qi/ledger/{kind}/new",
                "due_labels": dict(
                    self._qi_ledger_model(kind)._fields["due_state"]._description_selection(request.env)
                ),
            }
        )
        return request.render("qi_proactive.portal_my_qi_ledger_line", values)

    def _qi_save_line(self, kind, line, post):
        """Check and save the form: the new or changed line, or the form again
        with its errors and the values as typed (nothing saved)."""
        errors, vals = self._qi_parse_line(kind, post, line)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    if line:
                        line.write(vals)
                    else:
                        # the company is always the visitor's own, never taken from the form
                        vals["partner_id"] = self._qi_ledger_partner().id
                        line = self._qi_ledger_model(kind).create(vals)
                    line.flush_recordset()
            except (UserError, ValidationError, AccessError) as exc:
                errors["_form"] = exc.args[0]
            except psycopg2.IntegrityError:
                errors["_form"] = request.env._("This line conflicts with another line of your ledger.")
        if errors:
            if "attachment_file" not in errors and request.httprequest.files.get("attachment_file"):
                errors.setdefault("_file_again", True)
            return self._qi_render_line(kind, line if line and line.id else None, post, errors)
        return request.redirect(f"/my/qi/ledger?{urlencode({'kind': kind, 'saved': 'saved'})}")

    @http.route(
        "/my/qi/ledger/<string:kind>/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        readonly=readonly_on_get,
    )
    def portal_qi_ledger_new(self, kind, **post):
        self._qi_ledger_partner()
        self._qi_ledger_model(kind)
        if request.httprequest.method == "POST":
            return self._qi_save_line(kind, None, post)
        return self._qi_render_line(kind, None, {"is_compulsory": ""})

    @http.route(
        "/my/qi/ledger/<string:kind>/<int:line_id>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        readonly=readonly_on_get,
    )
    def portal_qi_ledger_line(self, kind, line_id, **post):
        line = self._qi_ledger_line(kind, line_id)
        if request.httprequest.method == "POST":
            return self._qi_save_line(kind, line, post)
        return self._qi_render_line(kind, line, self._qi_form_post(line, kind))

    @http.route(
        "/my/qi/ledger/<string:kind>/<int:line_id>/<string:action>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_qi_ledger_line_action(self, kind, line_id, action, **post):
        """Archive a line (it leaves the warnings, its demands keep it) or bring it back."""
        line = self._qi_ledger_line(kind, line_id)
        if action not in ("archive", "restore"):
            raise request.not_found()
        line.active = action == "restore"
        saved = "restored" if action == "restore" else "archived"
        return request.redirect(f"/my/qi/ledger?{urlencode({'kind': kind, 'saved': saved})}")

    # ------------------------------------------------------------------
    # providers: the instruments and equipment of an assignment's demand
    # ------------------------------------------------------------------
    @http.route()
    def portal_my_qi_assignment(self, assignment_id, **kwargs):
        response = super().portal_my_qi_assignment(assignment_id, **kwargs)
        qcontext = getattr(response, "qcontext", None)
        if qcontext is None or "assignment" not in qcontext:
            return response
        case_sudo = qcontext["assignment"].case_id
        # the lines of the demand, read again with the visitor's own rights: the
        # ledgers' rules give a provider the lines of its assignments that are
        # not declined (R-6.1.1.1)
        qcontext["qi_instruments"] = request.env["qi.instrument"].search(
            [("id", "in", case_sudo.instrument_ids.ids)], order="date_due, id"
        )
        qcontext["qi_equipment"] = request.env["qi.special.equipment"].search(
            [("id", "in", case_sudo.equipment_ids.ids)], order="date_due, id"
        )
        return response

    # ------------------------------------------------------------------
    # notices
    # ------------------------------------------------------------------
    @http.route(
        ["/my/qi/notices", "/my/qi/notices/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_qi_notices(self, page=1, **kwargs):
        """The current notices sent to the company, unread first (R-7.1.2)."""
        partner = self._qi_ledger_partner()
        Recipient = request.env["qi.notice.recipient"]
        domain = self._qi_notice_domain(partner)
        count = Recipient.search_count(domain)
        pager = portal_pager(url="/my/qi/notices", total=count, page=page, step=self._items_per_page)
        recipients = Recipient.search(
            domain, order="date_read desc nulls first, notice_id", limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "qi_notices",
                "recipients": recipients,
                "pager": pager,
                "kind_labels": dict(request.env["qi.notice"]._fields["kind"]._description_selection(request.env)),
            }
        )
        return request.render("qi_proactive.portal_my_qi_notices", values)

    def _qi_notice_check(self, notice_id):
        """The published notice sent to the visitor's company, read with the
        visitor's rights, and its recipient line; 404 otherwise."""
        partner = self._qi_ledger_partner()
        recipient = request.env["qi.notice.recipient"].search(
            [("notice_id", "=", notice_id), ("partner_id", "=", partner.id), ("notice_id.state", "=", "published")],
            limit=1,
        )
        if not recipient:
            raise request.not_found()
        return recipient.notice_id, recipient, partner

    # not read-only: opening a notice records that the company read it (the
    # read receipt the window follows, R-7.1.2), so the page is served by the
    # primary; a read-only route would fail on the replica and be replayed
    @http.route("/my/qi/notices/<int:notice_id>", type="http", auth="user", website=True, readonly=False)
    def portal_my_qi_notice(self, notice_id, **kwargs):
        notice, recipient, partner = self._qi_notice_check(notice_id)
        if not recipient.date_read:
            notice._mark_read(partner, request.env.user)
        return request.render("qi_proactive.portal_my_qi_notice", self._qi_notice_values(notice))

    def _qi_notice_values(self, notice, error=None):
        date_end = notice.date_end
        is_current = not date_end or date_end >= china_today()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "qi_notice",
                "notice": notice,
                "kind_label": dict(notice._fields["kind"]._description_selection(request.env)).get(notice.kind),
                "is_current": is_current,
                "can_request": bool(notice.item_id) and is_current,
                "error": error,
            }
        )
        return values

    @http.route("/my/qi/notices/<int:notice_id>/request", type="http", auth="user", methods=["POST"], website=True)
    def portal_qi_notice_request(self, notice_id, **post):
        """The "Request this service" button: a demand for the notice's item, in one click (R-7.1.2)."""
        notice, _recipient, partner = self._qi_notice_check(notice_id)
        error = None
        if not self._qi_notice_values(notice)["can_request"]:
            error = request.env._("This notice offers no service to request any more.")
        else:
            try:
                with request.env.cr.savepoint():
                    case = notice._make_demand(partner)
            except (UserError, ValidationError, AccessError) as exc:
                error = exc.args[0]
        if error:
            return request.render("qi_proactive.portal_my_qi_notice", self._qi_notice_values(notice, error))
        return request.redirect(f"/my/qi/cases/{case.id}?qi_requested=1")
