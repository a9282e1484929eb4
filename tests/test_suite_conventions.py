"""Checks every qi_* addon must pass, read from the files themselves."""

import ast
import io
import re
import tokenize

import polib
import pytest

from .suite_common import ADDONS, addon_dirs, manifest

ADDON_DIRS = addon_dirs()
IDS = [d.name for d in ADDON_DIRS]
REQUIRED_KEYS = {"name", "summary", "version", "license", "author", "website", "category", "depends", "data"}


def test_the_suite_has_addons():
    assert "qi_window" in IDS


@pytest.mark.parametrize("addon_dir", ADDON_DIRS, ids=IDS)
def test_manifest_keys(addon_dir):
    data = manifest(addon_dir)
    missing = REQUIRED_KEYS - data.keys()
    assert not missing, f"{addon_dir.name}: manifest lacks {sorted(missing)}"
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", data["version"]), data["version"]
    assert data["license"] in {"LGPL-3", "AGPL-3", "OPL-1", "GPL-3"}
    assert data["depends"], "depends must name what the addon builds on"
    assert "description" not in data, "use README.rst, not a description key"
    empty = [key for key, value in data.items() if value in ("", [], {}, None)]
    assert not empty, f"empty manifest keys: {empty}"


@pytest.mark.parametrize("addon_dir", ADDON_DIRS, ids=IDS)
def test_manifest_files_exist_and_security_first(addon_dir):
    data = manifest(addon_dir)
    for key in ("data", "demo"):
        for path in data.get(key, []):
            assert (addon_dir / path).is_file(), f"{addon_dir.name}: {key} file {path} is missing"
    files = data["data"]
    security = [i for i, path in enumerate(files) if path.startswith("security/")]
    assert security, "an addon with models needs security files"
    assert security == list(range(len(security))), f"security files must come first in data: {files}"
    assert (addon_dir / "static/description/icon.png").is_file()


@pytest.mark.parametrize("addon_dir", ADDON_DIRS, ids=IDS)
def test_zh_cn_catalogue_complete(addon_dir):
    po_path = addon_dir / "i18n" / "zh_CN.po"
    pot_path = addon_dir / "i18n" / f"{addon_dir.name}.pot"
    assert po_path.is_file(), f"{addon_dir.name}: i18n/zh_CN.po is missing"
    assert pot_path.is_file(), f"{addon_dir.name}: i18n/{addon_dir.name}.pot is missing"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.msgstr or "fuzzy" in e.flags)]
    assert not untranslated, f"{addon_dir.name}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    pot_ids = {e.msgid for e in polib.pofile(str(pot_path))}
    missing = pot_ids - {e.msgid for e in po}
    assert not missing, f"{addon_dir.name}: terms of the .pot absent from zh_CN.po: {sorted(missing)[:5]}"


SUDO_RE = re.compile(r"\.sudo\((?!False\))")  # .sudo(False) drops rights: nothing to justify


def _python_files():
    return sorted(p for p in ADDONS.glob("qi_*/**/*.py"))


def _statement_starts(source):
    """The first line of the innermost statement around each line (1-based), so that a
    comment above a statement the formatter spread over several lines still counts."""
    starts = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and not isinstance(
            node,
            ast.FunctionDef | ast.ClassDef | ast.If | ast.For | ast.With | ast.Try | ast.While | ast.AsyncFunctionDef,
        ):
            for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                starts[number] = max(starts.get(number, 0), node.lineno)
    return starts


def test_every_sudo_says_why():
    offenders = []
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        starts = _statement_starts(source)
        # real comments only: a "#" inside a string (a URL, a colour) says nothing
        comments = {
            token.start[0]
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        }
        for number, line in enumerate(lines, start=1):
            if not SUDO_RE.search(line):
                continue
            start = starts.get(number, number)
            # a comment on the line, on a line of the same statement before it, or in
            # the comment block right above the statement counts
            commented = any(line_no in comments for line_no in range(start, number + 1))
            above = start - 2
            while above >= 0 and lines[above].strip().startswith("#"):
                above -= 1
            if not (commented or above < start - 2):
                offenders.append(f"{path.relative_to(ADDONS)}:{number}: {line.strip()}")
    assert not offenders, "sudo() without a comment saying why it is safe:\n" + "\n".join(offenders)


# docs/glossary.md: one Chinese term per concept (a catalogue entry is a 服务事项,
# a handled demand a 办件); the terms its "never" column forbids, per concept
GLOSSARY_CASE_RE = re.compile(r"\bcases?\b", re.IGNORECASE)
GLOSSARY_ITEM_RE = re.compile(r"\bitems?\b", re.IGNORECASE)


@pytest.mark.parametrize("addon_dir", ADDON_DIRS, ids=IDS)
def test_po_files_follow_the_glossary(addon_dir):
    po = polib.pofile(str(addon_dir / "i18n" / "zh_CN.po"))
    offenders = []
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        text = entry.msgstr
        if "案件" in text or "服务项目" in text:
            offenders.append((entry.msgid, text))
        elif GLOSSARY_CASE_RE.search(entry.msgid) and not GLOSSARY_ITEM_RE.search(entry.msgid) and "服务事项" in text:
            offenders.append((entry.msgid, text))  # a case is a 办件, never a 服务事项
    assert not offenders, f"{addon_dir.name}: zh_CN.po breaks docs/glossary.md: {offenders[:5]}"


def test_glossary_names_the_terms_the_po_test_enforces():
    text = (ADDONS.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in (
        "| Service item, item | 服务事项 | 服务项目 |",
        "| Case (a demand being handled) | 办件 | 案件, 服务事项 |",
    ):
        assert term in text, f"docs/glossary.md lost the row {term!r}"


# Dates in China's time whoever acts (issue 17): "today" from the acting user's time
# zone is the gateway's or the cron's (__system__), or UTC for the public user
USER_TZ_DATE_RE = re.compile(r"context_today|context_timestamp|Date\.today\(|\bdate\.today\(|datetime\.today\(")


def _code_lines_matching(regex):
    """``path:line`` of the addons' code (not their tests) where ``regex`` matches outside a comment."""
    return [
        f"{path.relative_to(ADDONS)}:{number}"
        for path in _python_files()
        if "/tests/" not in str(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if regex.search(line) and not line.lstrip().startswith("#")
    ]


def test_dates_come_from_the_china_helper():
    offenders = _code_lines_matching(USER_TZ_DATE_RE)
    assert not offenders, (
        "use qi_window.tools.china (china_today, china_date), not the user's time zone:\n" + "\n".join(offenders)
    )


# one clause id per citation: `grep R-7.3.3` must find every place that exists because of it
CLAUSE_RANGE_RE = re.compile(r"\bR-\d+(?:\.\d+)*\.\d+\s*[–-]\s*\d+\b")
CITING_SUFFIXES = (".py", ".xml", ".rst", ".md", ".po", ".pot", ".csv")


def test_clause_citations_name_one_clause_each():
    root = ADDONS.parent
    paths = [p for p in sorted(ADDONS.glob("qi_*/**/*")) if p.suffix in CITING_SUFFIXES]
    paths += sorted(root.glob("tests/*.py")) + sorted(root.glob("docs/*.md")) + [root / "README.md"]
    offenders = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in CLAUSE_RANGE_RE.finditer(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
    assert not offenders, "clause ranges hide ids from grep; cite each id:\n" + "\n".join(offenders)


# Odoo skips @api.ondelete(at_uninstall=False) checks when the context carries its
# uninstall flag, which an RPC caller can send: every deletion guard goes through
# qi_window.tools.ondelete.deletion_guard, which only the uninstall itself skips
ONDELETE_RE = re.compile(r"@api\.ondelete\(")


def test_deletion_guards_hold_against_the_uninstall_flag():
    offenders = _code_lines_matching(ONDELETE_RE)
    assert not offenders, "use @deletion_guard (qi_window.tools.ondelete), not @api.ondelete:\n" + "\n".join(offenders)
