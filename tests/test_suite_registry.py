"""Checks of the installed suite, read from the database it runs on."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from .suite_common import SUITE_GROUPS, addon_dirs, manifest

try:
    import polib
except ImportError:  # polib ships with Odoo's requirements
    polib = None


@tagged("post_install", "-at_install")
class TestSuiteRegistry(TransactionCase):
    def _suite_models(self):
        modules = {d.name for d in addon_dirs()}
        for name, model in self.env.registry.items():
            if model._abstract or not model._auto:
                continue
            defined_in = {cls._module for cls in model.__bases__ if getattr(cls, "_name", None) == name}
            if model._original_module in modules or (defined_in & modules and name.startswith("qi.")):
                yield name

    def test_every_model_has_access_rows_for_every_suite_group(self):
        groups = [self.env.ref(xmlid) for xmlid in SUITE_GROUPS]
        models = list(self._suite_models())
        self.assertTrue(models)
        missing = []
        for name in models:
            rows = self.env["ir.model.access"].search([("model_id.model", "=", name)])
            self.assertTrue(rows, f"{name} has no access row at all")
            for group in groups:
                if not rows.filtered(lambda r, g=group: r.group_id == g):
                    missing.append(f"{name} / {group.name}")
        self.assertFalse(missing, "models without an access row for a suite group: %s" % missing)

    def test_every_current_term_is_translated(self):
        """The zh_CN catalogue covers what the code says today, not an old export."""
        for addon_dir in addon_dirs():
            module = addon_dir.name
            if self.env["ir.module.module"].search([("name", "=", module)]).state != "installed":
                continue
            po = polib.pofile(str(addon_dir / "i18n" / "zh_CN.po"))
            translated = {e.msgid for e in po if e.msgstr and "fuzzy" not in e.flags}
            missing = set()
            for row in TranslationModuleReader(self.env.cr, modules=[module]):
                _module, _type, _name, res_id, source = row[:5]
                if str(res_id).endswith("_demo"):
                    continue  # demo data is written in Chinese already
                if source and source not in translated:
                    missing.add(source)
            with self.subTest(module=module):
                self.assertFalse(
                    bool(missing),
                    f"{module}: {len(missing)} terms not in i18n/zh_CN.po, run bin/qi-i18n {module} "
                    f"and translate: {sorted(missing)[:8]}",
                )

    def test_manifest_dependencies_follow_the_design(self):
        order = ["qi_window", "qi_catalogue", "qi_case", "qi_proactive", "qi_evaluation", "qi_archive"]
        for addon_dir in addon_dirs():
            deps = [d for d in manifest(addon_dir)["depends"] if d.startswith("qi_")]
            if addon_dir.name in order:
                for dep in deps:
                    self.assertLess(
                        order.index(dep), order.index(addon_dir.name), f"{addon_dir.name} may not depend on {dep}"
                    )
