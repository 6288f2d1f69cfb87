"""Pages around the chapters: introduction, key findings, methods, data sources, glossary.

Generated for each build from the same manifest the code reads (``data/sources.yml``), the
statistics module's documented methods, and the chapters' headline figures, so what the book
says about its data and methods cannot drift from what the code does.
"""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import yaml

from . import sources
from .paths import BOOK_DIR


def _h(text) -> str:
    return html.escape(str(text), quote=True)


def _md_escape(text) -> str:
    import re

    return re.sub(r"([*_`\[\]\\|<>])", r"\\\1", str(text))


def _fmt_value(h: dict) -> str:
    v = h["value"]
    unit = h.get("unit", "")
    if unit == "%":
        return f"{v:,.1f}%"
    if unit in ("people", "count", "LSOAs", "pathways", "practices"):
        return f"{v:,.0f} {unit}" if unit not in ("count",) else f"{v:,.0f}"
    if unit == "years":
        return f"{v:,.1f} years"
    if unit == "rank":
        return f"{int(v)} of 42"
    return f"{v:,.2f}{(' ' + unit) if unit else ''}"


def used_datasets(headlines: dict) -> list[str]:
    return sorted(sources.manifest())


def render_pages(book, params, headlines: dict, commit: str) -> dict[str, str]:
    icb = params.icb
    today = dt.date.today().isoformat()
    titles = {c.id: c.title for c in book.chapters}
    chapter_list = "\n".join(f"- [{_md_escape(c.title)}]({c.id}.ipynb)" for c in book.chapters)
    intro = f"""# {_md_escape(icb.short_name)}: health inequalities evidence book

This book brings together published national data on health inequalities for
**{_md_escape(icb.name)}** (ODS code {icb.ods_code}, ONS code {icb.ons_code}), in the
{_md_escape(icb.region_name)} region. It answers the questions the local plans ask: who lives here and
where the most deprived neighbourhoods are; how long people live and how that differs across the
social gradient; who waits longest for planned care; how the system is doing on the Core20PLUS5
clinical areas; and where it stands against the NHS national objectives.

Every number is computed from published data by the open-source code that built this book, with
the methods that OHID and NHS England use. The [key findings](summary.md) page collects the
headline figures; each chapter starts with its own findings, then the evidence, then the caveats.
The [methods](methods.md) and [data sources](data_sources.md) pages say how and from what.

```{{admonition}} About this edition
:class: note
- **Place:** {_md_escape(icb.name)} ({icb.ods_code} / {icb.ons_code}).
- **Deprivation measure used throughout:** English Indices of Deprivation {params.imd_version}
  (IMD {params.imd_version}); chapters that depend on it say so at the top.
- **Built:** {today}, from commit `{_md_escape(commit)}` of the code.
- **Data:** published national datasets pinned by checksum; each dataset's period is listed on
  the [data sources](data_sources.md) page. Figures are only as current as those files.
```

## Chapters
{chapter_list}
"""
    # ---- summary (key findings across chapters)
    rows = []
    for cid, doc in headlines.items():
        for key, h in doc.get("headlines", {}).items():
            if not h.get("extra", {}).get("summary", True):
                continue
            period = f" ({_md_escape(h['period'])})" if h.get("period") else ""
            rows.append(
                f"| [{_md_escape(titles.get(cid, cid))}]({cid}.ipynb) | {_md_escape(h['label'])}{period} | "
                f"{_md_escape(_fmt_value(h))} |"
            )
    if rows:
        table = "| Chapter | Finding | Value |\n|---|---|---|\n" + "\n".join(rows)
    else:
        table = "No chapter reported headline figures in this build."
    summary = f"""# Key findings

The headline figures of each chapter for {_md_escape(icb.short_name)}, computed in this build. Each links to
the chapter that gives the evidence, the method and the caveats.

{table}

Every headline figure is also available as JSON for each chapter:
{", ".join(f'<a href="data/{c.id}/headline.json">{_h(c.title)}</a>' for c in book.chapters)}.
"""
    pages = {"index": intro, "summary": summary, "methods": render_methods(params),
             "data_sources": render_sources(), "glossary": render_glossary()}
    return pages


def render_sources() -> str:
    out = ["# Data sources", "",
           "Every dataset the code can read, generated from the project's manifest `data/sources.yml`. "
           "Each file is pinned by its SHA-256 checksum: the build refuses a file whose bytes differ. "
           "Where a public URL for the exact bytes exists it is given; otherwise the official page.", ""]
    for ds, meta in sources.manifest().items():
        out.append(f"## {_md_escape(meta.get('title', ds))}")
        out.append("")
        out.append(f"- **Dataset id:** `{ds}`")
        out.append(f"- **Publisher:** {_md_escape(meta.get('publisher', ''))}")
        if meta.get("official_page"):
            out.append(f"- **Official page:** <{meta['official_page']}>")
        out.append(f"- **Licence:** {_md_escape(meta.get('licence', ''))}")
        if meta.get("period"):
            out.append(f"- **Period:** {_md_escape(meta['period'])}")
        if meta.get("geography"):
            out.append(f"- **Geography:** {_md_escape(meta['geography'])}")
        if meta.get("caveat"):
            out.append(f"- **Main caveat:** {_md_escape(meta['caveat'])}")
        out.append("")
        out.append("| File | Bytes | SHA-256 | Download |")
        out.append("|---|---:|---|---|")
        for fname, f in meta.get("files", {}).items():
            url = f.get("url")
            link = f"[exact bytes]({url})" if url else "official page"
            out.append(f"| {_md_escape(fname)} | {f.get('bytes', 0):,} | `{f['sha256'][:16]}…` | {link} |")
        out.append("")
    return "\n".join(out)


def render_methods(params) -> str:
    path = BOOK_DIR / "methods.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Methods\n"
    return text.replace("{{imd_version}}", str(params.imd_version))


def render_glossary() -> str:
    path = BOOK_DIR / "glossary.yml"
    terms = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    out = ["# Glossary", ""]
    for term in sorted(terms, key=str.lower):
        out.append(f"**{_md_escape(term)}**")
        out.append(f": {terms[term]}")
        out.append("")
    return "\n".join(out)


def toc(book, front: dict) -> dict:
    return {
        "format": "jb-book",
        "root": "index",
        "parts": [
            {"caption": "Overview", "chapters": [{"file": "summary"}]},
            {"caption": "Chapters", "chapters": [{"file": c.id} for c in book.chapters]},
            {"caption": "Reference", "chapters": [{"file": "methods"}, {"file": "data_sources"},
                                                  {"file": "glossary"}]},
        ],
    }


