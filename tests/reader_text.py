"""What a reader must never see on a page of the book: developer text.

Used by tests/book/test_accessibility_static.py (the QGH book) and tests/book/test_all_icbs.py (the QGH,
QHL and QXU books). :func:`page_problems` reads one built page's article and lists every piece
of developer text with a little context, so a failing test says exactly what to fix:

* code formatting in prose (``<code>``), except the checksums of the data sources page;
* file names (``*.csv``, ``*.xlsx``, ...) except as the target of a download link;
* snake_case identifiers and column names, and the manifest's dataset keys;
* "(s)" plurals ("2 NHS acute trust(s)": use ``report.plural``);
* mis-cased names ("Women'S": ``str.title`` on a name; use ``report.org_name``);
* developer notes ("NOT found", "/vsigzip/", "stored as float", "file name says", "read via");
* Python reprs: "None" or "nan" for a value, list or dict brackets.

Allowed on purpose: regions marked for analysts (an element with class ``for-analysts``, or a
section whose heading ends "(for analysts)"), and the data sources page's tables of files and
checksums.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

FILE_EXTENSIONS = (
    "csv",
    "xlsx",
    "xls",
    "xlsm",
    "ods",
    "zip",
    "gz",
    "json",
    "parquet",
    "geojson",
    "rda",
    "rds",
    "tsv",
    "txt",
    "ipynb",
    "py",
    "yml",
    "yaml",
    "pdf",
    "svg",
    "png",
)
_FILE = re.compile(rf"\b[\w.\-]+\.(?:{'|'.join(FILE_EXTENSIONS)})\b", re.IGNORECASE)
_SNAKE = re.compile(r"(?<![\w/.\-])(?:[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]|[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])(?![\w/.\-])")
_PLURAL_S = re.compile(r"\w\(s\)")
_MISCASED = re.compile(r"[A-Za-z]['\u2019]S\b")
_DEVELOPER = re.compile(
    r"NOT found|/vsigzip/|stored as float|file name says|\bread via\b|\bdtype\b|\bDataFrame\b|"
    r"Traceback|\bNaT\b",
    re.IGNORECASE,
)
_REPR = re.compile(r"\bnan\b|\bNaN\b|(?<![.:!?]\s)(?<!^)\bNone\b(?!\s+of\b)|\bNone\b(?=[.,;)])|[\[\]{}]")


def _allowed(node: Tag | NavigableString) -> bool:
    """Inside a region where technical text is meant for analysts (or is not text at all)."""
    for parent in ([node] if isinstance(node, Tag) else []) + list(node.parents):
        if not isinstance(parent, Tag):
            continue
        classes = parent.get("class") or []
        if "for-analysts" in classes or parent.name in ("script", "style", "template"):
            return True
        if parent.name == "section":
            head = parent.find(re.compile(r"^h[1-6]$"))
            if head is not None and "for analysts" in head.get_text(" ", strip=True).lower():
                return True
        if parent.name == "table" and parent.select_one("code.checksum") is not None:
            return True  # the data sources page's files and checksums: file names are the point
    return False


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 50) : end + 40].split())


def page_problems(html: Path, page: str, dataset_keys: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every piece of developer text in the article of ``html`` (a built page), as messages."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    art = soup.select_one("article.bd-article")
    if art is None:
        return [f"{page}: the page has no article element"]
    for el in art.select(".headerlink"):
        el.decompose()
    problems: list[str] = []
    for code in art.find_all(["code", "tt", "kbd", "samp"]):
        if not _allowed(code) and code.find_parent(["code", "pre"]) is None:
            problems.append(f"{page}: code formatting in prose: {code.get_text(' ', strip=True)[:80]!r}")
    keys = (
        re.compile(
            r"(?<![\w/.\-])(?:"
            + "|".join(map(re.escape, sorted(dataset_keys, key=len, reverse=True)))
            + r")(?![\w/.\-])"
        )
        if dataset_keys
        else None
    )
    for text in art.find_all(string=True):
        if isinstance(text, Comment) or _allowed(text):
            continue
        s = str(text)
        if not s.strip():
            continue
        link = text.find_parent("a", href=True)
        if link is not None and s.strip() in link["href"]:
            continue  # a link that shows its own address (an official page)
        for m in _FILE.finditer(s):
            if link is not None and m.group(0) in link["href"]:
                continue  # the file a download link points at
            problems.append(f"{page}: file name: {_context(s, m.start(), m.end())!r}")
        if text.find_parent(["code", "pre"]) is not None:
            continue  # reported once above as code formatting
        checks = [
            ("identifier or column name", _SNAKE),
            ("'(s)' plural", _PLURAL_S),
            ("mis-cased name", _MISCASED),
            ("developer note", _DEVELOPER),
            ("Python value", _REPR),
        ]
        if keys is not None:
            checks.append(("dataset key", keys))
        for what, rx in checks:
            for m in rx.finditer(s):
                problems.append(f"{page}: {what}: {_context(s, m.start(), m.end())!r}")
    return problems


def dataset_keys() -> set[str]:
    from analysis import sources

    return set(sources.manifest())
