"""Checks shared by the chapters written as documents (see the chapter brief): the notebook's code
cells are short calls, it types no period, it shows every output its module makes, and its
Markdown uses every word and number the module glues (and every claim)."""
from __future__ import annotations

import re
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def twin(chapter: str):
    """The chapter's jupytext text twin (notebooks/src/<chapter>.py), read as a notebook."""
    return jupytext.read(ROOT / "notebooks" / "src" / f"{chapter}.py", fmt="py:percent")


def check_code_is_short_calls(chapter: str, max_lines: int) -> None:
    code = [c.source for c in twin(chapter).cells if c.cell_type == "code"]
    lines = [ln for src in code for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) < max_lines, len(lines)
    text = "\n".join(code)
    assert not re.search(r"^\s*(def|class|for|while|if)\b", text, re.M)
    assert " if " not in text and "lambda" not in text and "f\"" not in text


def check_no_literal_period(chapter: str) -> None:
    raw = (ROOT / "notebooks" / "src" / f"{chapter}.py").read_text() + \
        (ROOT / "notebooks" / f"{chapter}.ipynb").read_text()
    assert not re.search(r"20\d\d-\d\d|\b20\d\d/\d\d\b", raw)
    assert not re.search(rf"\b({MONTHS}) 20\d\d", raw)


def check_every_output_shown_and_glued_key_used(chapter: str, ch, min_headings: int) -> None:
    """``ch``: the chapter's :class:`analysis.report.Chapter` as its module's build() returns it."""
    nb = twin(chapter)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    shown = set(re.findall(r'ch\.show\("([a-z0-9_]+)"\)', code))
    assert shown == set(ch._blocks), (set(ch._blocks) - shown, shown - set(ch._blocks))
    used = set(re.findall(r"\{glue:(?:text|md)\}`([a-z0-9_]+)`", md))
    assert used == set(ch.glued), (set(ch.glued) - used, used - set(ch.glued))
    assert set(ch.claims) <= used
    assert len([ln for ln in md.splitlines() if ln.startswith("## ")]) >= min_headings


def check_tables_are_narrow(ch, max_columns: int = 6) -> None:
    for name, (_, content) in ch._blocks.items():
        if 'class="table evidence-table"' in content:
            head = content.split("</thead>")[0]
            assert head.count("<th ") <= max_columns, name
