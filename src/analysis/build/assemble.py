"""Book assembly: the Jupyter Book source for one ICB, from the executed chapters.

Writes into a stage folder each chapter's page (the executed notebook's code cells and outputs,
code already hidden by :mod:`.execute`, with the source notebook's current Markdown), the
generated front matter (:mod:`analysis.frontmatter`), the table of contents and the
configuration with execution off. Files are rewritten only when their bytes change, so
Sphinx's incremental build re-renders only the pages that changed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import nbformat
import yaml

from .. import sources
from ..paths import BOOK_DIR, ROOT
from .spec import BookSpec, BuildError, Params


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return  # keep the mtime so Sphinx's incremental build skips the page
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        commit = out.stdout.strip() or "uncommitted"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return commit + ("+local changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


_MARKUP_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "`": "\u2018"})


def plain_text(text: str) -> str:
    """Text from data with the characters that could open a tag or an attribute replaced by
    look-alikes (< > " ` become ‹ › ” ‘). For page and book titles only: the theme
    (pydata / sphinx-book-theme) writes them into the sidebar, the logo and the print header
    without escaping. Everywhere else names are escaped (report.esc, esc_html)."""
    return str(text).translate(_MARKUP_LOOKALIKES)


def display_params(params: Params) -> Params:
    """``params`` with the ICB's names made safe for titles (codes are from closed lists)."""
    icb = params.icb
    safe = dataclasses.replace(icb, name=plain_text(icb.name), region_name=plain_text(icb.region_name))
    return params if safe == icb else Params(safe, params.imd_version)


def datasets_read(entry: Path) -> list[str]:
    """The datasets an executed chapter read, from the inputs recorded with its cache entry
    (``meta.json``); [] if the record cannot be read."""
    try:
        inputs = json.loads((entry / "meta.json").read_text(encoding="utf-8")).get("inputs", {})
        return sorted({sources.label_dataset(str(label)) for label in inputs})
    except (OSError, ValueError, AttributeError):
        return []


def _is_parameters(cell) -> bool:
    return bool({"parameters", "injected-parameters"} & set(cell.get("metadata", {}).get("tags", [])))


def chapter_page(source: Path, executed: Path) -> bytes:
    """A chapter's page: the executed notebook's code cells (with their outputs) between the
    Markdown and raw cells of the source notebook as it is now.

    The execution cache is keyed on the code cells only, so an edit to the text of a Markdown
    cell re-uses the executed outputs and still reaches the book. Parameter cells are left out,
    as in the executed copy (see :func:`analysis.build.execute._postprocess`).
    """
    src = nbformat.read(source, as_version=4)
    ran = nbformat.read(executed, as_version=4)
    ran_code = [c for c in ran.cells if c.cell_type == "code"]
    src_cells = [c for c in src.cells if not _is_parameters(c)]
    src_code = [c for c in src_cells if c.cell_type == "code"]
    if [c.source for c in src_code] != [c.source for c in ran_code]:
        raise BuildError(
            f"The executed copy of {source} in {executed.parent} does not have the notebook's code "
            "cells; delete that cache folder and build again."
        )
    code = iter(ran_code)
    ran.cells = [next(code) if c.cell_type == "code" else c for c in src_cells]
    return (nbformat.writes(ran) + "\n").encode("utf-8")


def assemble(book: BookSpec, params: Params, results: dict, stage: Path) -> list[str]:
    """Write the Jupyter Book source for one ICB into ``stage``; return the page names."""
    from .. import frontmatter

    stage.mkdir(parents=True, exist_ok=True)
    pages = []
    headlines = {}
    inputs: dict[str, list[str]] = {}
    for ch in book.chapters:
        res = results[(params.icb.ods_code, ch.id)]
        _write_if_changed(stage / f"{ch.id}.ipynb", chapter_page(ch.notebook, res.entry / "notebook.ipynb"))
        hp = res.entry / "data" / ch.id / "headline.json"
        if hp.exists():
            headlines[ch.id] = json.loads(hp.read_text(encoding="utf-8"))
        inputs[ch.id] = datasets_read(res.entry)
        pages.append(ch.id)
    # Names from data reach page titles, which the theme writes into the sidebar and the print
    # header without escaping: give the front matter and the book title markup-free names.
    params = display_params(params)
    front = frontmatter.render_pages(book, params, headlines, commit=git_commit(), inputs=inputs)
    for name, text in front.items():
        _write_if_changed(stage / f"{name}.md", text.encode("utf-8"))
    toc = frontmatter.toc(book, front)
    _write_if_changed(stage / "_toc.yml", yaml.safe_dump(toc, sort_keys=False).encode())
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = f"Health inequalities evidence book: {params.icb.short_name}"
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    # The glossary's terms and their forms, for the extension that links each term's first use
    # on a page (a configuration value, so that a changed glossary re-reads every page).
    cfg.setdefault("sphinx", {}).setdefault("config", {})["glossary_links"] = frontmatter.glossary_link_config()
    _write_if_changed(stage / "_config.yml", yaml.safe_dump(cfg, sort_keys=False).encode())
    for extra in ("_static",):
        src = BOOK_DIR / extra
        if src.exists():
            for f in src.rglob("*"):
                if f.is_file():
                    _write_if_changed(stage / extra / f.relative_to(src), f.read_bytes())
    # Remove pages that are no longer in the book (a chapter dropped from chapters.yml).
    wanted = {f"{p}.ipynb" for p in pages} | {f"{p}.md" for p in front}
    for f in list(stage.glob("*.ipynb")) + list(stage.glob("*.md")):
        if f.name not in wanted:
            f.unlink()
    return pages + list(front)
