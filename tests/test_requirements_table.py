"""docs/requirements.md, the clause table, holds to the code and to the standard.

Every clause id the addons, the suite tests, the scripts and the docs cite is a
row of the table (or a section of the standard the table lists, whose clauses
are rows); every row is a clause of the project's requirements
(``/work/shared/spec/requirements.md``, one id a row: a spec line that groups
several clauses is spelled out); every file the table names exists.

The spec lives beside the repository, not in it: it is read as
``../shared/spec/requirements.md`` from the repository root, or from the file
``QI_REQUIREMENTS_SPEC`` names. A checkout alone (the Docker route, a CI
runner) has no spec. The table is then the list of clauses: its ids must
still be well-formed and unique, the catalogue's service items of clause 6.1
(shipped as data, one item a clause) must each have their row, and the code is
checked against the table as always. Nothing is skipped: a skip fails the
suite (tests/__init__.py).
"""

import functools
import os
import re
from pathlib import Path

from .suite_common import ROOT, addon_dirs
from .test_suite_conventions import CITING_SUFFIXES

TABLE = ROOT / "docs" / "requirements.md"
SPEC = Path(os.environ.get("QI_REQUIREMENTS_SPEC") or ROOT.parent / "shared" / "spec" / "requirements.md")

# A clause id: R-<clause number>, R-<clause number>.<letter>, R-<annex letter>,
# P-<practice>-<n>. As a citation it stands alone: not inside a longer code
# (CNCA-R-2018-412), and every digit of the clause number is taken.
ID = r"R-\d+(?:\.\d+)*(?:\.[a-z](?![A-Za-z]))?(?!\.?\d)|R-[A-Z](?![A-Za-z])|P-[A-Z]+-\d+(?!\d)"
ID_RE = re.compile(rf"(?<![A-Za-z0-9_-])({ID})")
FULL_ID_RE = re.compile(rf"(?:{ID})")
# a spec line that groups clauses: R-6.1.1.1 to R-6.1.1.6 written with a dash
SPEC_GROUP_RE = re.compile(r"^(R-(?:\d+\.)+)(\d+)\s*[\u2013-]\s*(\d+)$")
PATH_RE = re.compile(r"`([^`]+)`")
ORGANISATIONAL = "organisational: no software"

CLAUSE_HEADING = "## Clauses"
SECTION_HEADING = "## Section-level citations"
CLAUSE_COLUMNS = ("id", "clause", "owner", "code", "tests")
SECTION_COLUMNS = ("section", "clauses it groups", "cited in")


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@functools.cache
def _tables():
    """The rows of the table's two tables, by heading: {heading: [(line number, cells)]}."""
    assert TABLE.is_file(), f"{TABLE.relative_to(ROOT)} is missing"
    tables, heading = {}, None
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("## "):
            heading = line.strip()
            continue
        if heading and line.startswith("|") and not re.fullmatch(r"\|[\s|:-]+\|?", line.strip()):
            tables.setdefault(heading, []).append((number, _cells(line)))
    return tables


def _rows(heading, columns):
    rows = _tables().get(heading, [])
    assert rows, f"docs/requirements.md has no table under {heading!r}"
    header_line, header = rows[0]
    assert tuple(header) == columns, f"docs/requirements.md:{header_line}: columns must be {columns}, not {header}"
    for number, cells in rows[1:]:
        assert len(cells) == len(columns), f"docs/requirements.md:{number}: {len(cells)} cells, {len(columns)} expected"
    return rows[1:]


def clause_rows():
    """{id: {column: cell}} of the clause table, in its order."""
    rows = {}
    for number, cells in _rows(CLAUSE_HEADING, CLAUSE_COLUMNS):
        row = dict(zip(CLAUSE_COLUMNS, cells, strict=True))
        row["line"] = number
        clause = row["id"].strip("`")
        assert clause not in rows, f"docs/requirements.md:{number}: {clause} has two rows"
        rows[clause] = row
    return rows


def section_rows():
    rows = {}
    for number, cells in _rows(SECTION_HEADING, SECTION_COLUMNS):
        row = dict(zip(SECTION_COLUMNS, cells, strict=True))
        row["line"] = number
        rows[row["section"].strip("`")] = row
    return rows


def _citing_files():
    """What the citation rule covers (tests/test_suite_conventions.py), plus the
    browser tours, the scripts of bin/ and their package tools/qi_harness, and the docs other
    than the table."""
    files = [p for p in sorted(ROOT.glob("addons/qi_*/**/*")) if p.is_file() and p.suffix in (*CITING_SUFFIXES, ".js")]
    files += sorted(ROOT.glob("tests/*.py")) + sorted(p for p in ROOT.glob("bin/*") if p.is_file())
    files += sorted(ROOT.glob("tools/**/*.py"))
    files += [p for p in sorted(ROOT.glob("docs/*.md")) if p != TABLE] + [ROOT / "README.md"]
    return files


@functools.cache
def citations():
    """{id: ["path:line", ...]} of every clause id cited in the repository."""
    found = {}
    for path in _citing_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in ID_RE.finditer(line):
                found.setdefault(match.group(1), []).append(f"{path.relative_to(ROOT)}:{number}")
    return found


def spec_ids():
    """The clause ids of the spec, in its order, each of a grouped line apart."""
    ids = []
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if not re.match(r"\|\s*[RP]-", line):
            continue
        first = _cells(line)[0]
        group = SPEC_GROUP_RE.match(first)
        if group:
            prefix, start, end = group.group(1), int(group.group(2)), int(group.group(3))
            ids += [f"{prefix}{n}" for n in range(start, end + 1)]
        else:
            ids.append(first)
    return ids


def _is_section_of(section, clause):
    return clause.startswith(section + ".") and clause != section


def test_rows_are_well_formed():
    rows = clause_rows()
    addons = {d.name for d in addon_dirs()}
    problems = []
    for clause, row in rows.items():
        where = f"docs/requirements.md:{row['line']} ({clause})"
        if not FULL_ID_RE.fullmatch(clause):
            problems.append(f"{where}: not a clause id (R-<clause>, R-<letter>, P-<PRACTICE>-<n>), one id a row")
        if not row["clause"]:
            problems.append(f"{where}: says nothing of the clause")
        owners = set(re.findall(r"qi_[a-z_]+", row["owner"]))
        if not owners or owners - addons:
            problems.append(f"{where}: owner {row['owner']!r} names no addon of the suite, or one that does not exist")
        if not PATH_RE.search(row["code"]) and ORGANISATIONAL not in row["code"]:
            problems.append(f"{where}: the code column names no file; an organisational clause says {ORGANISATIONAL!r}")
    assert not problems, "clause table rows:\n" + "\n".join(problems)


def test_every_cited_clause_has_a_row():
    rows, sections = clause_rows(), section_rows()
    missing = {
        clause: places for clause, places in citations().items() if clause not in rows and clause not in sections
    }
    assert not missing, "clause ids cited in the repository without a row in docs/requirements.md:\n" + "\n".join(
        f"{clause}: cited at {', '.join(places[:5])}" for clause, places in sorted(missing.items())
    )


def test_section_citations_group_clause_rows():
    """A section of the standard cited as a whole (clause 8.3 for its three
    sub-clauses) is listed with the clauses it groups, while the code cites it."""
    rows, cited = clause_rows(), citations()
    problems = []
    for section, row in section_rows().items():
        where = f"docs/requirements.md:{row['line']} ({section})"
        if not FULL_ID_RE.fullmatch(section):
            problems.append(f"{where}: not a clause id")
        if not any(_is_section_of(section, clause) for clause in rows):
            problems.append(f"{where}: groups no clause row (a section lists clauses R-<section>.<n>)")
        for clause in ID_RE.findall(row["clauses it groups"]):
            if clause not in rows or not _is_section_of(section, clause):
                problems.append(f"{where}: {clause} is not a clause row of this section")
        if section in rows:
            problems.append(f"{where}: is a clause row already; list it once")
        if section not in cited:
            problems.append(f"{where}: is cited nowhere any more; delete the row")
    assert not problems, "section-level citations:\n" + "\n".join(problems)


def test_rows_are_the_clauses_of_the_spec():
    rows = clause_rows()
    if SPEC.is_file():
        ids = spec_ids()
        assert ids, f"{SPEC} lists no clause id"
        missing = [clause for clause in ids if clause not in rows]
        unknown = [clause for clause in rows if clause not in ids]
        assert not missing, f"clauses of {SPEC} without a row in docs/requirements.md: {missing}"
        assert not unknown, f"rows of docs/requirements.md that are no clause of {SPEC}: {unknown}"
        assert list(rows) == ids, "docs/requirements.md lists the clauses in another order than the spec"
    else:
        # no spec beside this checkout: the table is the list of clauses; its
        # ids were checked for form and uniqueness, the code is checked against it
        assert len(rows) > 1, "docs/requirements.md lists no clauses"


def test_every_clause_6_1_item_has_its_row():
    """The catalogue ships one service item a clause of 6.1 (its code is the
    clause number): each has its row, with or without the spec."""
    data = ROOT / "addons" / "qi_catalogue" / "data" / "qi_service_item_data.xml"
    codes = re.findall(r'<field name="code">(6\.1\.\d+\.\d+)</field>', data.read_text(encoding="utf-8"))
    assert codes, f"{data.relative_to(ROOT)} lists no service item of clause 6.1"
    rows = clause_rows()
    missing = [f"R-{code}" for code in codes if f"R-{code}" not in rows]
    assert not missing, f"service items of {data.relative_to(ROOT)} without their clause row: {missing}"


def test_every_named_file_exists():
    problems = []
    named = [(clause, row, ("code", "tests")) for clause, row in clause_rows().items()]
    named += [(section, row, ("cited in",)) for section, row in section_rows().items()]
    for clause, row, columns in named:
        for column in columns:
            for entry in PATH_RE.findall(row[column]):
                where = f"docs/requirements.md:{row['line']} ({clause}, {column})"
                path, _, test_class = entry.partition("::")
                target = ROOT / path
                if path.startswith(("/", "./", "../")) or not target.is_file():
                    problems.append(f"{where}: {entry} is not a file of the repository (paths from its root)")
                    continue
                if column == "tests" and not ("/tests/" in f"/{path}" and Path(path).name.startswith(("test_", "qi_"))):
                    problems.append(f"{where}: {entry} is not a test file")
                if test_class and not re.search(
                    rf"^class {re.escape(test_class)}\b", target.read_text(encoding="utf-8"), re.MULTILINE
                ):
                    problems.append(f"{where}: {path} defines no class {test_class}")
    assert not problems, "files named in docs/requirements.md:\n" + "\n".join(problems)
