"""Where the suite's addons are, for the suite-level checks."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
SUITE_GROUPS = ("qi_window.group_qi_user", "qi_window.group_qi_manager", "qi_window.group_qi_coordinator")


def addon_dirs():
    return sorted(p.parent for p in ADDONS.glob("qi_*/__manifest__.py"))


def manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
