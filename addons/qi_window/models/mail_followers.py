import functools
from collections import defaultdict

from odoo import api, models, tools
from odoo.fields import Domain
from odoo.tools import SQL


class MailFollowers(models.Model):
    """Who follows a record of the suite says whose record it is: the
    followers of a qi.* record are read by those who may read the record,
    like the record itself (internal users read every follower in Odoo)."""

    _inherit = "mail.followers"

    @api.model
    @tools.ormcache()
    def _qi_followed_models(self):
        """The suite's models that have followers."""
        return tuple(
            sorted(
                name
                for name, model in self.env.registry.items()
                if name.startswith("qi.") and not model._abstract and "message_follower_ids" in model._fields
            )
        )

    @api.model
    def _qi_followers_domain(self):
        """The followers the current user may read: any of a model outside the
        suite, those of the suite's records the user may read (one subquery per
        model, inside the followers' own query)."""
        models_ = self._qi_followed_models()
        parts = [Domain("res_model", "not in", models_)]
        for name in models_:
            Model = self.env[name].with_context(active_test=False)
            if Model.has_access("read"):
                parts.append(Domain("res_model", "=", name) & Domain("res_id", "in", Model._search([])))
        return Domain.OR(parts)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, bypass_access=False, **kwargs):
        if not (self.env.su or bypass_access):
            domain = Domain(domain) & self._qi_followers_domain()
        return super()._search(domain, offset, limit, order, bypass_access=bypass_access, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or operation != "read" or not any(self._ids):
            return result
        # the followed record of each follower, read in SQL: a superuser read
        # would fill the cache the caller's own read then uses
        self.flush_recordset(["res_model", "res_id"])
        self.env.cr.execute(
            SQL(
                "SELECT id, res_model, res_id FROM mail_followers WHERE id IN %s AND res_model IN %s",
                tuple(self._ids),
                self._qi_followed_models(),
            )
        )
        followed = defaultdict(lambda: defaultdict(list))
        for follower_id, model, res_id in self.env.cr.fetchall():
            followed[model][res_id].append(follower_id)
        forbidden_ids = []
        for model, by_record in followed.items():
            readable = set(
                self.env[model].with_context(active_test=False).browse(by_record)._filtered_access("read").ids
            )
            forbidden_ids += [fid for res_id, fids in by_record.items() if res_id not in readable for fid in fids]
        if not forbidden_ids:
            return result
        forbidden = self.browse(forbidden_ids) | (result[0] if result else self.browse())
        return forbidden, functools.partial(self.env["ir.rule"]._make_access_error, operation, forbidden)
