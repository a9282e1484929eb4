import hashlib
import re
import uuid
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields, http
from odoo.exceptions import ConcurrencyError
from odoo.http import request

from odoo.addons.qi_window.tools.china import china_lang
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param
from odoo.addons.qi_window.tools.validation import is_valid_email, is_valid_phone

from .portal import check_uploads, demand_choices, parse_demand, read_uploads

_KEY_RE = re.compile(r"^[A-Za-z0-9-]{16,64}$")


class QiPublicDemand(http.Controller):
    """R-7.1.1: enterprises without an account leave a demand on the public
    page. The case is unverified until staff check it; a per-address limit
    stops automation, an idempotency key stops double submissions."""

    def _form_values(self, **extra):
        windows, items = demand_choices()
        return {"windows": windows, "items": items, "error": {}, "post": {}, **extra}

    @http.route("/qi/demand", type="http", auth="public", methods=["GET"], website=True, sitemap=True, readonly=True)
    def demand_form(self, **kwargs):
        return request.render("qi_case.public_demand_form", self._form_values(key=uuid.uuid4().hex))

    def _ip_hash(self):
        # the address is only compared, never shown: keep a salted hash, not the address
        secret = request.env["ir.config_parameter"].sudo().get_param("database.secret", "")  # sudo: read-only salt
        address = request.httprequest.remote_addr or ""
        return hashlib.sha256(f"{secret}:{address}".encode()).hexdigest()

    def _validate(self, post, values):
        """The errors per field and the case values; the enterprise and its
        contact are only checked here, they are created on submission."""
        errors, case_vals = parse_demand(post, values["windows"], values["items"])
        if not (post.get("company") or "").strip():
            errors["company"] = request.env._("Give the name of your enterprise.")
        if not (post.get("contact") or "").strip():
            errors["contact"] = request.env._("Give the name of a contact person.")
        phone, email = (post.get("phone") or "").strip(), (post.get("email") or "").strip()
        if not phone and not email:
            errors["phone"] = request.env._("Give a phone number or an e-mail address so the window can call you back.")
        if phone and not is_valid_phone(phone):
            errors["phone"] = request.env._("“%s” is not a valid phone number.", phone)
        if email and not is_valid_email(email):
            errors["email"] = request.env._("“%s” is not a valid e-mail address.", email)
        return errors, case_vals

    @http.route("/qi/demand", type="http", auth="public", methods=["POST"], website=True)
    def demand_submit(self, **post):
        values = self._form_values(post=post, key=post.get("key"))
        key = post.get("key") or ""
        if not _KEY_RE.match(key):
            values["error"] = {"form": request.env._("The form expired; reload the page and send it again.")}
            return request.render("qi_case.public_demand_form", values)
        # sudo: public visitors have no access to cases; the key lookup returns a number only
        Case = request.env["qi.case"].sudo()
        existing = Case.search([("intake_key", "=", key)], limit=1)
        if existing:
            return request.render("qi_case.public_demand_done", {"number": existing.name})
        errors, case_vals, files = self._read_form(post, values)
        if errors:
            values["error"] = errors
            return request.render("qi_case.public_demand_form", values)
        ip_hash = self._ip_hash()
        if self._over_limit(Case, ip_hash):
            values["error"] = {
                "form": request.env._(
                    "Too many demands were sent from your network in the last hour. Call the window's service "
                    "phone, or try again later."
                )
            }
            return request.render("qi_case.public_demand_form", values, status=429)
        case, attachments = self._create_demand(Case, post, case_vals, files, key, ip_hash)
        return request.render("qi_case.public_demand_done", {"number": case.name, "files": attachments.mapped("name")})

    def _read_form(self, post, values):
        """The errors per field, the case values and the files posted."""
        errors, case_vals = self._validate(post, values)
        # every file posted, whatever its field: none is dropped silently
        files = [upload for name in request.httprequest.files for upload in request.httprequest.files.getlist(name)]
        upload_errors = check_uploads(files)
        if upload_errors:
            # a browser never sends a file back: say so next to the field
            errors["attachments"] = request.env._(
                "%s Nothing was sent yet: choose your files again.", upload_errors["attachments"]
            )
        return errors, case_vals, files

    def _over_limit(self, Case, ip_hash):
        """Whether the address of ``ip_hash`` already sent as many demands in the
        last hour as ``qi_case.public_demand_limit_per_hour`` allows."""
        limit = int_param(request.env, "qi_case.public_demand_limit_per_hour", 5, minimum=1)
        since = fields.Datetime.now() - timedelta(hours=1)
        return Case.search_count([("intake_ip_hash", "=", ip_hash), ("create_date", ">=", since)]) >= limit

    def _create_demand(self, Case, post, case_vals, files, key, ip_hash):
        """The enterprise, its contact, the case and its files, all or nothing;
        ``Case`` is the case model as superuser (see demand_submit)."""
        email = (post.get("email") or "").strip()
        phone = (post.get("phone") or "").strip()
        try:
            with request.env.cr.savepoint():
                partner, contact = self._create_partners(Case.env, post, email, phone)
                case = Case.with_context(qi_case_internal=FLOW).create(
                    {
                        **case_vals,
                        "partner_id": partner.id,
                        "contact_id": contact.id,
                        "email_from": email or False,
                        "contact_phone": phone or False,
                        "intake_key": key,
                        "intake_ip_hash": ip_hash,
                    }
                )
                # in the same savepoint: a demand is never kept without its files
                attachments = self._store_files(case, contact, files)
        except IntegrityError as error:
            # the same key arrived twice at once and the other request committed
            # its case first, which this transaction's snapshot cannot see: the
            # request is retried, and the key lookup of demand_submit answers with that case
            raise ConcurrencyError(f"demand {key} submitted twice at once") from error
        return case, attachments

    def _create_partners(self, env, post, email, phone):
        """The enterprise and its contact person, unverified until staff check
        them; ``env`` is the superuser environment of the case model."""
        # a visitor's language is unknown: Chinese, as the window speaks it
        lang = china_lang(env) or request.env.lang
        partner = env["res.partner"].create(
            {
                "name": post["company"].strip()[:200],
                "is_company": True,
                "qi_unverified": True,
                "email": email or False,
                "phone": phone or False,
                "lang": lang,
            }
        )
        contact = env["res.partner"].create(
            {
                "name": post["contact"].strip()[:200],
                "parent_id": partner.id,
                "qi_unverified": True,
                "email": email or False,
                "phone": phone or False,
                "lang": lang,
            }
        )
        return partner, contact

    def _store_files(self, case_sudo, contact, files):
        """The files of the demand, on the case and in its chatter, sent by the contact."""
        uploads = read_uploads(files)
        if not uploads:
            return case_sudo.env["ir.attachment"]
        message = case_sudo.message_post(
            body=request.env._("Materials sent with the public demand form."),
            attachments=uploads,
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return message.attachment_ids
