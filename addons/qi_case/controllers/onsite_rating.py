import re
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, fields, http
from odoo.exceptions import AccessError, ConcurrencyError, UserError, ValidationError
from odoo.http import request

from odoo.addons.qi_window.controllers.main import public_window
from odoo.addons.qi_window.tools.settings import int_param

from ..models.qi_rating_indicator import OVERALL
from ..models.qi_window_visit import new_token
from .public_demand import QiPublicDemand

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class QiOnsiteRating(http.Controller):
    """一次一评 (R-8.1): a visitor rates a visit at the window on the spot, on a
    phone and without an account, by scanning the QR code of the visit's receipt
    (``/qi/rate/<token>``) or the window's own one (``/qi/rate/window/<id>``,
    which opens a visit when the rating is sent, a limited number per visitor
    address and hour). A visit is rated once; never from a staff session."""

    # the salted hash of the visitor's address, as the public demand form keeps it
    _ip_hash = QiPublicDemand._ip_hash

    def _visits(self):
        # system user: visitors have no account; a visit is found by its
        # unguessable token only, and one opened from the window's QR code is
        # created by the system user, so that it names no visitor
        return request.env["qi.window.visit"].with_user(SUPERUSER_ID)

    def _visit(self, token):
        visit = self._visits().search([("token", "=", token)], limit=1) if _TOKEN_RE.match(token or "") else None
        if not visit or not visit.window_id.active:
            raise request.not_found()
        return visit

    def _window(self, window_id):
        return public_window(window_id)

    def _visit_refusal(self, visit):
        """The page that answers instead of the form: a staff session, a visit rated."""
        if self._staff_session():
            return self._message("refused", status=403)
        if visit.rated:
            return self._message("rated")
        return None

    def _staff_session(self):
        """Anti-coercion: staff must not rate for visitors, not even on the visitor's phone."""
        return request.env.user._is_internal()

    # ------------------------------------------------------------------
    # pages
    # ------------------------------------------------------------------
    def _form(self, window, action, key=None, error=None, post=None, status=200):
        # sudo: the on-site indicators are configuration the form shows; only their names are read
        indicator_set = request.env["qi.rating.indicator.set"].sudo()._current("onsite")
        overall = indicator_set.line_ids.filtered(lambda i: i.code == OVERALL)[:1]
        values = {
            "window_name": window.name,
            "overall_label": overall.name or request.env._("How satisfied are you with our service?"),
            "indicators": [(i.code, i.name) for i in indicator_set.line_ids if i.code != OVERALL],
            "levels": request.env["qi.case.rating"]._fields["level"]._description_selection(request.env),
            "action": action,
            "key": key,
            "error": error,
            "comment": (post or {}).get("comment"),
        }
        return request.render("qi_case.onsite_rating_form", values, status=status)

    def _message(self, kind, status=200):
        if kind == "done":
            title = request.env._("Thank You!")
            message = request.env._("Your rating was received. It helps the window serve you better.")
        elif kind == "rated":
            title = request.env._("Already Rated")
            message = request.env._("This visit was already rated: each visit is rated once. Thank you!")
        elif kind == "limit":
            title = request.env._("Too Many Ratings")
            message = request.env._(
                "Too many ratings were sent from your network in the last hour. Please try again later."
            )
        else:
            title = request.env._("Rating Refused")
            message = request.env._(
                "A visit is rated by the visitor, not from a staff session: let the visitor scan the code with "
                "their own phone, or log out of this device."
            )
        values = {"kind": kind, "title": title, "message": message}
        return request.render("qi_case.onsite_rating_message", values, status=status)

    # ------------------------------------------------------------------
    # rating
    # ------------------------------------------------------------------
    def _rate(self, visit, post):
        user = request.env.user
        partner = request.env["res.partner"] if user._is_public() else user.partner_id
        # sudo: the indicator codes are configuration; only their codes are read
        indicator_set = request.env["qi.rating.indicator.set"].sudo()._current("onsite")
        scores = {i.code: post.get(f"score_{i.code}") for i in indicator_set.line_ids if i.code != OVERALL}
        # sudo: visitors cannot create ratings through the ORM; _rate refuses a
        # staff session and a visit already rated, and writes as the system user
        return (
            request.env["qi.case.rating"]
            .sudo()
            ._rate(
                request.env["qi.case"],
                partner,
                post.get("level"),
                comment=(post.get("comment") or "")[:2000] or False,
                scores=scores,
                visit=visit,
            )
        )

    def _submit(self, window, action, post, make_visit):
        """Rate the visit ``make_visit()`` returns, all or nothing; the form again on an error."""
        try:
            with request.env.cr.savepoint():
                self._rate(make_visit(), post)
        except IntegrityError as error:
            # the same visit rated twice at once and the other request committed
            # first: retried, the request then finds the visit rated
            raise ConcurrencyError(f"visit of window {window.id} rated twice at once") from error
        except AccessError:
            return self._message("refused", status=403)
        except (UserError, ValidationError) as error:
            return self._form(window, action, key=post.get("key"), error=error.args[0], post=post, status=400)
        return self._message("done")

    @http.route(
        "/qi/rate/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
        readonly=True,
    )
    def visit_rating_form(self, token, **kwargs):
        visit = self._visit(token)
        return self._visit_refusal(visit) or self._form(visit.window_id, f"/qi/rate/{visit.token}")

    @http.route("/qi/rate/<string:token>", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def visit_rating_submit(self, token, **post):
        visit = self._visit(token)
        refusal = self._visit_refusal(visit)
        if refusal:
            return refusal
        post.pop("key", None)
        return self._submit(visit.window_id, f"/qi/rate/{visit.token}", post, lambda: visit)

    @http.route(
        "/qi/rate/window/<int:window_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
        readonly=True,
    )
    def window_rating_form(self, window_id, **kwargs):
        window = self._window(window_id)
        if self._staff_session():
            return self._message("refused", status=403)
        # the form's key becomes the visit's token when the rating is sent: a
        # double submission finds its visit rated; nothing is stored before
        return self._form(window, f"/qi/rate/window/{window.id}", key=new_token())

    @http.route("/qi/rate/window/<int:window_id>", type="http", auth="public", methods=["POST"], website=True)
    def window_rating_submit(self, window_id, **post):
        window = self._window(window_id)
        action = f"/qi/rate/window/{window.id}"
        if self._staff_session():
            return self._message("refused", status=403)
        key = post.get("key") or ""
        if not _TOKEN_RE.match(key):
            error = request.env._("The form expired; reload the page and rate again.")
            return self._form(window, action, key=new_token(), error=error, post=post, status=400)
        Visit = self._visits()
        existing = Visit.search([("token", "=", key)], limit=1)
        if existing:
            if existing.rated or existing.window_id != window:
                return self._message("rated")
            return self._submit(window, action, post, lambda: existing)
        ip_hash = self._ip_hash()
        if self._over_limit(Visit, ip_hash):
            return self._message("limit", status=429)
        return self._submit(
            window,
            action,
            post,
            lambda: Visit.create(
                {"window_id": window.id, "token": key, "source": "window_qr", "ip_hash": ip_hash, "user_id": False}
            ),
        )

    def _over_limit(self, Visit, ip_hash):
        """Whether the address of ``ip_hash`` already opened as many visits from a
        window's QR code in the last hour as ``qi_case.onsite_rating_limit_per_hour``
        allows (default 10: a service hall's visitors may share one address)."""
        limit = int_param(request.env, "qi_case.onsite_rating_limit_per_hour", 10, minimum=1)
        since = fields.Datetime.now() - timedelta(hours=1)
        domain = [("source", "=", "window_qr"), ("ip_hash", "=", ip_hash), ("create_date", ">=", since)]
        return Visit.search_count(domain) >= limit
