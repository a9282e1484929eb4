"""Fields only the service flow sets cannot be set by hand, RPC or context.

Every model that lists such fields uses ``qi.protected.fields.mixin``
(``qi_window``): a non-flow caller naming a protected field is refused on
create as on write, and ``default_<field>`` context keys for them never reach
the new record (Odoo applies context defaults inside ``create``, after every
override, and an RPC caller sends any context). This module walks every model
that uses the mixin; the addons' own tests show the flows still set them.
"""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.qi_window.tools.flow import FLOW

MIXIN = "qi.protected.fields.mixin"
# the models the defect reports name: each must use the mixin
EXPECTED = {
    "qi.case",
    "qi.case.extension",
    "qi.case.pause",
    "qi.improvement",
    "qi.evaluation.finding",
    "qi.archive.access.request",
}
# a value of the right type for each kind of field
SAMPLES = {
    "boolean": True,
    "integer": 99,
    "float": 9.0,
    "char": "forged",
    "text": "forged",
    "date": "2099-01-01",
    "datetime": "2099-01-01 00:00:00",
    "selection": None,
    "many2one": 1,
    "many2many": [],
}


@tagged("post_install", "-at_install")
class TestProtectedFields(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, "protected_staff", groups="qi_window.group_qi_user", name="Guard Staff")
        cls.leader = new_test_user(
            cls.env, "protected_leader", groups="qi_window.group_qi_manager", name="Guard Leader"
        )

    def _models(self):
        mixin = self.env.registry[MIXIN]
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name != MIXIN and not model._abstract and isinstance(self.env[name], mixin)
        )

    def _sample(self, model, name):
        field = model._fields[name]
        if field.type == "selection":
            return field.get_values(self.env)[-1]
        return SAMPLES[field.type]

    def test_every_flow_model_uses_the_mixin(self):
        models = self._models()
        self.assertFalse(EXPECTED - set(models), "models with flow-only fields outside the one mechanism")
        for name in models:
            model = self.env[name]
            self.assertTrue(model._qi_protected_fields, f"{name} uses the mixin but protects nothing")
            self.assertTrue(model._qi_flow_key, f"{name} names no flow key")
            for field_name in model._qi_protected_fields:
                field = model._fields.get(field_name)
                self.assertIsNotNone(field, f"{name}.{field_name} is protected but does not exist")
                # a form never sends a read-only field: the guard cannot break a screen
                self.assertTrue(field.readonly, f"{name}.{field_name} is protected but editable in forms")

    def test_create_with_a_protected_field_is_refused(self):
        """R-7.3.2: window staff could create a case with days_used=99,
        completed_on_time=True and supervised_date=2099-01-01, which hid it
        from the daily supervision; now every protected field, every model."""
        for user in (self.staff, self.leader):
            for name in self._models():
                model = self.env[name].with_user(user)
                for field_name in sorted(model._qi_protected_fields):
                    with (
                        self.subTest(user=user.login, model=name, field=field_name),
                        self.assertRaisesRegex(AccessError, "service flow"),
                    ):
                        model.create([{field_name: self._sample(model, field_name)}])

    def test_write_of_a_protected_field_is_refused(self):
        for name in self._models():
            model = self.env[name].with_user(self.leader)
            record = model.browse(1)  # refused before the record is even read
            for field_name in sorted(model._qi_protected_fields):
                with self.subTest(model=name, field=field_name), self.assertRaises(AccessError):
                    record.write({field_name: self._sample(model, field_name)})

    def test_a_plain_true_in_context_is_not_the_flow(self):
        """An RPC caller can send the flow key with any JSON value, never FLOW."""
        for name in self._models():
            model = self.env[name].with_user(self.leader)
            field_name = sorted(model._qi_protected_fields)[0]
            for forged in (True, 1, "FLOW", "<qi service flow>"):
                with self.subTest(model=name, value=forged), self.assertRaises(AccessError):
                    model.with_context({model._qi_flow_key: forged}).create(
                        [{field_name: self._sample(model, field_name)}]
                    )

    def test_context_defaults_of_protected_fields_are_dropped(self):
        for name in self._models():
            model = self.env[name].with_user(self.staff)
            defaults = {f"default_{field}": self._sample(model, field) for field in model._qi_protected_fields}
            guarded = model.with_context(defaults, default_reason="kept")._qi_guard([{}])
            with self.subTest(model=name):
                self.assertFalse(set(defaults) & set(guarded.env.context), "a forged default reached create")
                self.assertEqual(guarded.env.context.get("default_reason"), "kept", "other defaults are dropped too")

    def test_the_flow_and_superuser_pass(self):
        for name in self._models():
            model = self.env[name].with_user(self.staff)
            flow = model.with_context({model._qi_flow_key: FLOW})
            with self.subTest(model=name):
                self.assertIs(flow._qi_guard([dict.fromkeys(model._qi_protected_fields, False)]), flow)
                self.assertTrue(model.sudo()._qi_in_flow())
