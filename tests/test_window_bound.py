"""Staff of one window cannot move a record into another window (R-5.1.2.4).

Odoo checks the write rules on a record as it was before the write, so a
plain write of ``window_id`` (or of the record the window follows) would slip
a record into a window its writer may not touch. Every stored qi.* model with
a window uses ``qi.window.bound.mixin``, which checks the rules again after
such a write; this module proves it for each of them.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

MIXIN = "qi.window.bound.mixin"
REFUSED = (AccessError, UserError, ValidationError)


@tagged("post_install", "-at_install")
class TestWindowBound(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "bound_staff", groups="qi_window.group_qi_user", name="Bound Staff")
        cls.window_b = cls.env["qi.window"].create({"name": "Bound Window B", "code": "BOUND-B"})

    def _window_models(self):
        """Every stored qi.* model whose records belong to a window."""
        for name, model in self.env.registry.items():
            if not name.startswith("qi.") or model._abstract or model._transient or not model._auto:
                continue
            field = model._fields.get("window_id")
            if field is not None and field.store and field.type == "many2one" and field.comodel_name == "qi.window":
                yield name

    def test_every_window_model_uses_the_mixin(self):
        models = list(self._window_models())
        self.assertIn("qi.window.facility", models)
        self.assertIn(MIXIN, self.env.registry, "qi_window defines no window-bound mixin")
        mixin = self.env.registry[MIXIN]
        self.assertFalse(
            [name for name in models if not isinstance(self.env[name], mixin)],
            "window-bound models that do not re-check the rules after a move",
        )

    def _kept_out(self, what, landed, operation, *args):
        """Run ``operation`` and undo it; fail unless it was refused or left
        nothing where ``landed(result)`` says it must not be."""
        self.env.flush_all()
        savepoint = self.env.cr.savepoint()
        try:
            with mute_logger("odoo.addons.base.models.ir_rule"):
                result = operation(*args)
                self.env.flush_all()
                self.env.invalidate_all()
                slipped = landed(result)
        except REFUSED:
            slipped = False
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        if slipped:
            self.fail(f"staff of one window {what} another window")

    def test_staff_cannot_move_or_create_into_another_window(self):
        models = list(self._window_models())
        checked = []
        for name in models:
            Model = self.env[name].with_context(active_test=False)
            record = Model.search([("window_id", "!=", False)], limit=1, order="id")
            if not record:
                continue
            with self.subTest(model=name):
                window_a = record.window_id
                if self.staff not in window_a.staff_ids.user_id:
                    window_a.staff_ids = [Command.create({"user_id": self.staff.id})]
                mine = record.with_user(self.staff)

                def moved(_result, record=record, window_a=window_a):
                    return record.window_id != window_a

                self._kept_out("moved a record by its window into", moved, mine.write, {"window_id": self.window_b.id})
                field = Model._fields["window_id"]
                if field.related:
                    # the record the window follows (its case, facility, evaluation...)
                    path = field.related.split(".") if isinstance(field.related, str) else list(field.related)
                    link = path[0]
                    comodel = self.env[Model._fields[link].comodel_name].with_context(active_test=False)
                    # the rest of the path: window_id, or e.g. an enterprise's qi_window_id (ledgers)
                    target = comodel.search([(".".join(path[1:]), "not in", window_a.ids)], limit=1)
                    if target:
                        self._kept_out(f"moved a record by its {link} into", moved, mine.write, {link: target.id})
                values = record.copy_data({"window_id": self.window_b.id})[0]
                self._kept_out(
                    "created a record in",
                    lambda new: self.window_b in new.sudo().window_id,
                    Model.with_user(self.staff).create,
                    values,
                )
                self.assertEqual(record.window_id, window_a)
                checked.append(name)
        # the records of the demo data cover the suite's main window-bound models
        for name in ("qi.case", "qi.window.facility", "qi.evaluation", "qi.improvement"):
            if name in self.env.registry:
                self.assertIn(name, checked)
