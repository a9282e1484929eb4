from odoo import api, models
from odoo.exceptions import AccessError

from ..tools.flow import in_flow


class QiProtectedFieldsMixin(models.AbstractModel):
    """Fields that only the service flow sets (deadlines granted, overdue
    flags, decisions, intake keys), the same way on create and on write.

    A model lists them in ``_qi_protected_fields`` and names the context key
    that its own server code sets to ``FLOW`` (``_qi_flow_key``); superuser
    code passes too. Anyone else gets a translated AccessError when the values
    name a protected field, on create as on write, and ``default_<field>``
    context keys for them are dropped: Odoo applies those defaults inside
    ``create`` after every override, and an RPC caller sends any context.

    A model whose own ``create``/``write`` adds protected values before
    calling ``super()`` checks the caller's values first with ``_qi_guard`` and
    then calls ``super()`` under its flow key.
    """

    _name = "qi.protected.fields.mixin"
    _description = "QI Fields Set by the Service Flow"

    # the fields only the flow sets, and the context key that marks the flow
    _qi_protected_fields = frozenset()
    _qi_flow_key = None

    def _qi_in_flow(self):
        return in_flow(self.env, self._qi_flow_key)

    def _qi_check_protected(self, vals_list):
        """Refuse the caller's values that name a protected field."""
        if self._qi_in_flow():
            return
        names = sorted({name for vals in vals_list for name in vals if name in self._qi_protected_fields})
        if names:
            labels = ", ".join(self._fields[name].get_description(self.env)["string"] for name in names)
            raise AccessError(self.env._("%s are set by the service flow and cannot be written directly.", labels))

    def _qi_guard(self, vals_list):
        """Before a create: refuse the caller's values that name a protected
        field; return self without the context defaults of protected fields."""
        self._qi_check_protected(vals_list)
        if self._qi_in_flow():
            return self
        context = self.env.context
        forged = [key for key in context if key.startswith("default_") and key[8:] in self._qi_protected_fields]
        if not forged:
            return self
        return self.with_context({key: value for key, value in context.items() if key not in forged})  # pylint: disable=context-overridden  # replaces the context to drop the forged defaults

    @api.model_create_multi
    def create(self, vals_list):
        return super(QiProtectedFieldsMixin, self._qi_guard(vals_list)).create(vals_list)

    def write(self, vals):
        self._qi_check_protected([vals])
        return super().write(vals)

    def copy_data(self, default=None):
        # a duplicate starts afresh: the flow's values of the original are not
        # copied, and a caller's default for them is refused like any other value
        self._qi_check_protected([default or {}])
        vals_list = super().copy_data(default=default)
        if not self._qi_in_flow():
            for vals in vals_list:
                for name in self._qi_protected_fields & vals.keys():
                    del vals[name]
        return vals_list
