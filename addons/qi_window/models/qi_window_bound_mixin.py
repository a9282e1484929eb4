from odoo import api, models


class QiWindowBoundMixin(models.AbstractModel):
    """A record that belongs to one window, whose record rules follow that
    window (and its company).

    Odoo checks the write rules of a record as it was before the write: staff
    of window A could otherwise write ``window_id`` (or the case, facility,
    evaluation... the window follows) and slip the record into window B. After
    such a write the rules are checked again on the record as it now is. A
    window or company computed from another record (a related field, the
    records of an access request) is never taken from the caller's values: it
    follows that record, on which the rules are then checked. Creation needs
    nothing more, Odoo checks the create rules on the new records.
    """

    _name = "qi.window.bound.mixin"
    _description = "QI Window-bound Record"

    @api.model
    def _qi_window_move_fields(self):
        """The fields whose change can move a record into another window: the
        window and company fields and, when they are related, the first field
        of their path."""
        names = set()
        for name in ("window_id", "company_id"):
            field = self._fields.get(name)
            if field is None:
                continue
            names.add(name)
            if field.related:
                related = field.related.split(".") if isinstance(field.related, str) else field.related
                names.add(related[0])
        return names

    @api.model
    def _qi_window_derived_fields(self):
        """The window and company fields computed from another record."""
        return {
            name
            for name in ("window_id", "company_id")
            if name in self._fields and self._fields[name].compute and not self._fields[name].inverse
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            derived = self._qi_window_derived_fields()
            for vals in vals_list:
                for name in derived & vals.keys():
                    del vals[name]
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        derived = self._qi_window_derived_fields() & vals.keys()
        if derived:
            vals = {key: value for key, value in vals.items() if key not in derived}
        result = super().write(vals)
        if self._qi_window_move_fields() & vals.keys():
            self.check_access("write")
        return result
