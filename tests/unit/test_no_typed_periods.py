"""No period is typed outside the manifest and the objectives registry.

A period (a financial year such as 2024-25 or 2023/24, a range of years such as 2011-13, an ISO
date, a month with its year) describes data, so it must come from the data: the manifest
``data/sources.yml`` read through :mod:`analysis.sources` (editions, their period labels and
dates, series breaks), the objectives registry ``registry/objectives.yml`` (planning years) or the
plan-quotes registry ``registry/plan_quotes.yml`` (what a plan quotes). A period typed anywhere
else goes stale silently when next month's file arrives.

Scanned: every file in ``notebooks/`` (no match at all); the hand-written pages ``book/*.md`` and
``book/*.yml``; the registries (the headline registries and any new one) and configuration under
``data/``, except the files where periods belong (:data:`EXCLUDED`); ``README.md``; and every
string literal of the package's
Python code, found with :mod:`ast` (comments and docstrings are not the book's words; a literal
inside a ``raise`` is an error message whose example of a format is not a period of the book).
Product names with a bare year ("IMD 2019", "Census 2021") do not match the pattern.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: A financial or planning year or a range of years (2024-25, 2023/24, 2011-13), the start of an
#: ISO date (2024-02-01), or a month with its year (April 2024).
PERIOD = re.compile(rf"\b20\d\d[-/]\d\d\b|\b(?:{MONTHS}) 20\d\d\b")

#: Files whose whole text is scanned (globs relative to the repository root).
TEXT_FILES = ("notebooks/**/*", "book/*.md", "book/*.yml", "src/analysis/registry/**/*.yml", "data/*.yml", "README.md")
#: Python files whose string literals are scanned.
PYTHON_FILES = ("src/analysis/**/*.py",)

#: The places where periods belong, never scanned.
EXCLUDED = {
    "data/sources.yml": "the manifest: every edition's period, read from its file or documentation",
    "src/analysis/registry/objectives.yml": "the objectives registry: planning years and deadlines",
    "src/analysis/registry/plan_quotes.yml": "what local plans quote, and the period of the figures they quote",
}

#: Historical facts that are not periods of data, each with why it may stay typed. A stale entry
#: (one that no longer matches) fails the test too, so the list only ever shrinks.
ALLOWED = {
    ("book/glossary.yml", "July 2022"): "the date ICBs were set up (Health and Care Act 2022), "
    "a fact about the NHS, not about any data",
}


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def periods_in_text(text: str) -> list[tuple[int, str]]:
    """(line, period) for every period in a text file."""
    return [(n, m.group(0)) for n, line in enumerate(text.splitlines(), 1) for m in PERIOD.finditer(line)]


def _not_book_words(tree: ast.AST) -> set[int]:
    """ids of the string constants that are not words of the book: docstrings (and any other
    string standing alone as a statement) and everything inside a ``raise``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skip.add(id(node.value))
    return skip


def periods_in_python(source: str, filename: str = "<snippet>") -> list[tuple[int, str]]:
    """(line, period) for every period in a string literal of Python code (f-string parts
    included), leaving out comments, docstrings and the messages of ``raise`` statements."""
    tree = ast.parse(source, filename=filename)
    skip = _not_book_words(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out += [(node.lineno, m.group(0)) for m in PERIOD.finditer(node.value)]
    return sorted(out)


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    return sorted(
        p
        for p in found
        if p.relative_to(root).as_posix() not in EXCLUDED
        and "__pycache__" not in p.parts
        and ".ipynb_checkpoints" not in p.parts
    )


def scan(root: Path) -> list[Hit]:
    """Every typed period under ``root`` in the scanned files."""
    hits = []
    for p in _files(root, TEXT_FILES):
        rel = p.relative_to(root).as_posix()
        hits += [Hit(rel, n, t) for n, t in periods_in_text(p.read_text(encoding="utf-8"))]
    for p in _files(root, PYTHON_FILES):
        rel = p.relative_to(root).as_posix()
        hits += [Hit(rel, n, t) for n, t in periods_in_python(p.read_text(encoding="utf-8"), rel)]
    return hits


# ----------------------------------------------------------------------------- the repository


def test_no_period_is_typed_outside_the_manifest_and_the_registries():
    hits = scan(ROOT)
    typed = [h for h in hits if (h.path, h.text) not in ALLOWED]
    assert not typed, (
        "periods typed outside data/sources.yml and the registries (take them from the manifest "
        "through analysis.sources, or from analysis.objectives):\n" + "\n".join(map(str, typed))
    )
    stale = sorted(set(ALLOWED) - {(h.path, h.text) for h in hits})
    assert not stale, f"allow-list entries that match nothing any more (remove them): {stale}"


def test_the_scan_covers_the_places_it_names():
    rels = {p.relative_to(ROOT).as_posix() for p in _files(ROOT, TEXT_FILES + PYTHON_FILES)}
    for must in (
        "README.md",
        "book/methods.md",
        "book/glossary.yml",
        "notebooks/src/scorecard.py",
        "notebooks/scorecard.ipynb",
        "src/analysis/registry/headlines/scorecard.yml",
        "src/analysis/load/waiting.py",
        "src/analysis/chapters/scorecard.py",
    ):
        assert must in rels, must
    for path, why in EXCLUDED.items():
        assert (ROOT / path).is_file(), f"excluded file {path} does not exist ({why}): remove the entry"
        assert path not in rels


# ----------------------------------------------------------------------------- the scanner can fail


@pytest.mark.parametrize(
    "source, found",
    [
        ('RTT_SERIES_BREAK = pd.Timestamp("2024-02-01")\n', ["2024-02"]),
        ('PLAN_PERIOD = "2011-13"\n', ["2011-13"]),
        ('x = f"QOF 2024-25 for {icb}"\n', ["2024-25"]),
        ('note = ("The 2023/24 objective "\n        "on cancer")\n', ["2023/24"]),
        ('src = "ONS lookup (July 2022)"\n', ["July 2022"]),
        ('def f():\n    """Period: 1 April 2024 - 31 March 2025."""\n    return 1\n', []),
        ("# the April 2026 mergers\nx = 1\n", []),
        ("raise ValueError(\"planning year must look like '2023/24'\")\n", []),
        ('if bad:\n    raise LoaderError(f"expected a month such as 2025-09, got {x}")\n', []),
        ('label = "IMD 2019 on LSOA 2011 with Census 2021"\n', []),
        ('pattern = r"^20\\d\\d-(0[1-9]|1[0-2])$"\n', []),
    ],
)
def test_the_python_scanner_finds_literals_not_comments_docstrings_or_errors(source, found):
    assert [t for _, t in periods_in_python(source)] == found


@pytest.mark.parametrize(
    "text, found",
    [
        ("the ONS April 2024 lookup", ["April 2024"]),
        ("IMD 2019 (most indicators 2015/16)", ["2015/16"]),
        ("series break on 2024-02-01", ["2024-02"]),
        ("IMD 2019, Census 2021 and LSOA 2011 are names", []),
        ("mid-2020 estimates; 42 ICBs; 2024 to 2025", []),
    ],
)
def test_the_text_scanner(text, found):
    assert [t for _, t in periods_in_text(text)] == found


def test_a_typed_period_in_a_new_file_is_caught(tmp_path):
    (tmp_path / "notebooks" / "src").mkdir(parents=True)
    (tmp_path / "notebooks" / "src" / "new.py").write_text("# Waiting lists in March 2025\n", encoding="utf-8")
    (tmp_path / "src" / "analysis" / "load").mkdir(parents=True)
    (tmp_path / "src" / "analysis" / "load" / "new.py").write_text(
        '"""Loader."""\nSTART = "2021-06-30"\n', encoding="utf-8"
    )
    (tmp_path / "src" / "analysis" / "registry").mkdir()
    (tmp_path / "src" / "analysis" / "registry" / "objectives.yml").write_text("planning_year: 2023/24\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.yml").write_text("period: 2024-25\n")
    hits = {str(h) for h in scan(tmp_path)}
    # notebooks: any match, comments included; package code: the literal, not the docstring;
    # the manifest and the objectives registry are where periods belong
    assert hits == {"notebooks/src/new.py:1: 'March 2025'", "src/analysis/load/new.py:2: '2021-06'"}
