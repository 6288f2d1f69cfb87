"""Checks that a chapter notebook reads like a document, shared by the chapter tests: prose in
Markdown with glued words, code cells that are short calls, no period typed, every output the
module makes shown and every key it glues used (see notebooks/src/<chapter>.py)."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def twin(chapter: str):
    """The chapter's jupytext text twin (py:percent), parsed."""
    return jupytext.read(ROOT / "notebooks" / "src" / f"{chapter}.py", fmt="py:percent")


def _sources(chapter: str, kind: str) -> list[str]:
    return [c.source for c in twin(chapter).cells if c.cell_type == kind]


def assert_code_is_short_calls(chapter: str, max_lines: int) -> None:
    code = _sources(chapter, "code")
    lines = [ln for src in code for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) < max_lines, f"{chapter}: {len(lines)} lines of code"
    text = "\n".join(code)
    assert not re.search(r"^\s*(def|class|for|while|if)\b", text, re.M)
    assert " if " not in text and "lambda" not in text and 'f"' not in text


def assert_no_literal_period(chapter: str) -> None:
    raw = (ROOT / "notebooks" / "src" / f"{chapter}.py").read_text() + (
        ROOT / "notebooks" / f"{chapter}.ipynb"
    ).read_text()
    assert not re.search(r"20\d\d-\d\d|\b20\d\d/\d\d\b", raw)
    assert not re.search(rf"\b({MONTHS}) 20\d\d", raw)


def assert_every_output_shown_and_every_key_used(chapter: str, ch, min_headings: int, claims_glued: bool = True) -> str:
    """``ch``: the chapter built in-process. Returns the notebook's Markdown. ``claims_glued``:
    every claim the chapter keeps is glued into the Markdown (False for a chapter that also keeps
    claims for the audit that its tables show)."""
    code = "\n".join(_sources(chapter, "code"))
    md = "\n".join(_sources(chapter, "markdown"))
    shown = set(re.findall(r'ch\.show\("([a-z0-9_]+)"\)', code))
    assert shown == set(ch._blocks), (set(ch._blocks) - shown, shown - set(ch._blocks))
    used = set(re.findall(r"\{glue:(?:text|md)\}`([a-z0-9_]+)`", md))
    assert used == set(ch.glued), (set(ch.glued) - used, used - set(ch.glued))
    if claims_glued:
        assert set(ch.claims) <= used, sorted(set(ch.claims) - used)
    assert len([ln for ln in md.splitlines() if ln.startswith("## ")]) >= min_headings
    return md


def assert_tables_are_narrow(ch, max_columns: int = 6) -> None:
    """Every table the chapter shows has at most ``max_columns`` columns (fits 1280 px)."""
    for name, (_, content) in ch._blocks.items():
        if 'class="table evidence-table"' in content:
            head = content.split("</thead>")[0]
            assert head.count("<th ") <= max_columns, name


def outputs_text(nb_path: Path) -> str:
    """Everything an executed notebook displays (its outputs' data and text), as one string."""
    import json

    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for v in out.get("data", {}).values():
                parts.append(v if isinstance(v, str) else "".join(v) if isinstance(v, list) else json.dumps(v))
            if "text" in out:
                parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
    return "\n".join(parts)
