from odoo import api, models
from odoo.tools import SQL


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False):
        res = super()._load_module_terms(modules, langs, overwrite=overwrite)
        self._qi_translate_inherited_selections()
        return res

    @api.model
    def _qi_translate_inherited_selections(self):
        """Give the qi.* models the translated labels of the selections they
        inherit from Odoo's mixins (activity state: Overdue / Today / Planned).

        Odoo names such a selection value after the module that defines the
        values (``mail.selection__qi_case__activity_state__overdue``), so
        neither mail's catalogue (built for Odoo's own models) nor ours (which
        exports qi_* records only) carries it: the labels stayed English in
        zh_CN. The mixin's own values are translated; a qi.* value with the
        same field, value and English label takes the mixin's translations,
        its own translations first.
        """
        self.env["ir.model.fields.selection"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            UPDATE ir_model_fields_selection sel
               SET name = mixin_sel.name || sel.name
              FROM ir_model_fields fld, ir_model_fields mixin_fld, ir_model_fields_selection mixin_sel, ir_model mixin
             WHERE sel.field_id = fld.id
               AND fld.model LIKE %s
               AND mixin_fld.name = fld.name
               AND mixin_fld.model = mixin.model
               AND mixin.model IN ('mail.activity.mixin', 'mail.thread', 'portal.mixin', 'rating.mixin')
               AND mixin_sel.field_id = mixin_fld.id
               AND mixin_sel.value = sel.value
               AND mixin_sel.name->>'en_US' = sel.name->>'en_US'
               AND mixin_sel.name - 'en_US' != '{}'::jsonb
               AND (mixin_sel.name || sel.name) != sel.name
        """,
                "qi.%",
            )
        )
        if self.env.cr.rowcount:
            self.env["ir.model.fields.selection"].invalidate_model(["name"])
            self.env.registry.clear_cache("stable")
