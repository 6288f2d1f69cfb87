"""Pages around the chapters: introduction, key findings, methods, data sources, glossary.

Generated for each build from the same manifest the code reads (``data/sources.yml``), the
statistics module's documented methods (its public functions and their docstrings), and the
chapters' headline figures (``headline.json``), so what the book says about its data and
methods cannot drift from what the code does.

Pages are MyST Markdown. Where a page needs markup Markdown cannot express (the key-findings
tables carry the raw value of each figure in ``data-*`` attributes, which the tests compare
with ``headline.json``), it is written as an HTML block with every data-derived string escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import math
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import yaml

from . import sources
from .claims import conventions_markdown
from .paths import BOOK_DIR, ROOT

# ----------------------------------------------------------------------------- escaping


def _h(text) -> str:
    """Escape for HTML (element text or attribute)."""
    return html.escape(str(text), quote=True)


def _md_escape(text) -> str:
    """Escape for inline Markdown: characters that would start markup stay literal."""
    return re.sub(r"([*_`\[\]\\|<>{}$])", r"\\\1", str(text))


def _md_table_cell(text) -> str:
    return _md_escape(text).replace("\n", " ")


# ----------------------------------------------------------------------------- numbers

_COUNT_UNITS = {
    "people",
    "persons",
    "residents",
    "count",
    "lsoas",
    "pathways",
    "practices",
    "patients",
    "deaths",
    "referrals",
    "attendances",
    "admissions",
}


def _fmt_value(h: dict) -> str:
    """A headline figure as a reader sees it: thousands separators, units, sensible rounding.

    The test of the summary page parses these strings back and compares them with
    ``headline.json`` to the precision shown.
    """
    v = float(h["value"])
    unit = str(h.get("unit") or "").strip()
    lunit = unit.lower()
    if math.isnan(v) or math.isinf(v):
        return "not available"
    if unit == "%":
        return f"{v:,.1f}%"
    if lunit in _COUNT_UNITS:
        text = f"{v:,.0f}"
        return text if lunit == "count" else f"{text} {unit}"
    if lunit == "rank":
        of = h.get("extra", {}).get("of") or h.get("hi")
        return f"{v:,.0f} of {int(of)}" if of else f"{v:,.0f}"
    if lunit in ("years", "year"):
        return f"{v:,.1f} years"
    if lunit in ("percentage points", "pp", "percentage point"):
        return f"{v:,.1f} percentage points"
    if lunit.startswith("per "):
        return f"{v:,.1f} {unit}"
    if lunit in ("ratio", "rii"):
        return f"{v:,.2f}"
    if lunit in ("score", "index"):
        return f"{v:,.1f}"
    if lunit in ("", "year") and v.is_integer() and 1900 <= v <= 2100 and "year" in str(h.get("key", "")).lower():
        return f"{v:.0f}"  # a calendar year, not a quantity: no thousands separator
    if float(v).is_integer() and abs(v) >= 10:
        return f"{v:,.0f}{(' ' + unit) if unit else ''}"
    return f"{v:,.1f}{(' ' + unit) if unit else ''}"


def _pretty_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


# ----------------------------------------------------------------------------- inputs


def _when(d: dt.datetime) -> str:
    return f"{d.day} {d:%B %Y}"


def edition_used(ds: str) -> str:
    """The edition(s) of ``ds`` this build reads, in words: a series' first and latest periods and
    how many editions, a snapshot's latest edition; with the date the latest was added."""
    eds = sources.editions(ds)
    kind = (sources.manifest().get(ds) or {}).get("kind", "reference")
    last = eds[-1]
    label = last.period.label or "period not stated"
    if last.period_from != "file":
        label += " (as documented by the publisher)"
    if kind == "series" and len(eds) > 1:
        first = eds[0].period.label
        return f"{first} to {label} ({len(eds)} editions; latest added {_when(last.added)})"
    return f"{label} (added {_when(last.added)})"


_ORIGIN_WORDS = {
    "official": "as published by the publisher",
    "repository": "a publisher's or analyst's file taken unchanged from a public repository",
    "converted": "converted from the publisher's release by a third party (not the publisher's own file)",
    "generated": "generated from a reference implementation",
}


def dataset_form(ds: str) -> str:
    """How the files a build reads stand to the publisher's release, in words."""
    origins = set()
    for e in sources.editions(ds):
        for spec in e.files:
            origins.add(str(_file_origin(ds, spec)).split(" ", 1)[0].split(",")[0].lower())
    if origins == {"official"}:
        return "As published (the publisher's own files, unchanged)"
    if "converted" in origins:
        return (
            "Converted: at least one file is a third-party conversion of the publisher's release, not the "
            "publisher's own file"
        )
    return "; ".join(_ORIGIN_WORDS.get(o, o) for o in sorted(origins)).capitalize()


def _file_origin(ds: str, spec) -> str:
    meta = sources.manifest().get(ds) or {}
    for e in meta.get("editions") or [meta]:
        if str(e.get("id", "")) == spec.edition or "editions" not in meta:
            f = (e.get("files") or {}).get(spec.filename)
            if f:
                return f.get("origin", "")
    return ""


def used_datasets(inputs: dict[str, list[str]]) -> list[str]:
    """Datasets used by any chapter of this edition, in manifest order."""
    used = {ds for dss in inputs.values() for ds in dss}
    return [ds for ds in sources.manifest() if ds in used]


# ----------------------------------------------------------------------------- pages


def render_pages(book, params, headlines: dict, commit: str, inputs: dict[str, list[str]]) -> dict[str, str]:
    """Every generated page of one ICB's book, as {page name: MyST Markdown}.

    ``inputs`` maps each chapter id to the datasets it read in the run being published (the
    build records them with each executed notebook; see ``analysis.build.assemble``).
    """
    return {
        "index": render_intro(book, params, headlines, commit, inputs),
        "summary": render_summary(book, params, headlines),
        "methods": render_methods(params, inputs, book),
        "data_sources": render_sources(book, inputs),
        "glossary": render_glossary(),
    }


def citation_metadata(path: Path | None = None) -> dict:
    """The project's citation metadata (``CITATION.cff`` at the repository root)."""
    path = path or ROOT / "CITATION.cff"
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if not isinstance(doc, dict) or not doc.get("title") or not doc.get("authors"):
        raise ValueError(f"{path}: expected Citation File Format metadata with a title and authors")
    return doc


def _cff_name(person: dict) -> str:
    if person.get("name"):
        return str(person["name"])
    return " ".join(
        str(person[k]) for k in ("given-names", "name-particle", "family-names", "name-suffix") if person.get(k)
    )


def suggested_citation(
    icb_name: str, imd_version: int | str, built: dt.date, commit: str, cff: dict | None = None
) -> str:
    """How to cite one ICB's book, in Markdown: authors (year), the book's title with the ICB,
    the edition, the build date and commit, the project (title and version from ``CITATION.cff``)
    and its address only where ``CITATION.cff`` gives one (``repository-code`` or ``url``)."""
    cff = cff or citation_metadata()
    authors = "; ".join(_cff_name(a) for a in cff["authors"])
    project = str(cff["title"]) + (f", version {cff['version']}" if cff.get("version") else "")
    url = cff.get("repository-code") or cff.get("url")
    # As HTML: a Markdown autolink escapes the "&" of a query string twice.
    where = f' Available from <a href="{_h(url)}">{_h(url)}</a>.' if url else ""
    return (
        f"{_md_escape(authors)} ({built.year}). *Health inequalities evidence book: {_md_escape(icb_name)}* "
        f"(IMD {_md_escape(imd_version)} edition). Built {_pretty_date(built)} from commit "
        f"{_md_escape(commit)} of {_md_escape(project)}.{where}"
    )


def render_intro(book, params, headlines: dict, commit: str, inputs: dict[str, list[str]]) -> str:
    icb = params.icb
    today = dt.date.today()
    built = _pretty_date(today)
    manifest = sources.manifest()
    chapter_lines = []
    for n, c in enumerate(book.chapters, 1):
        chapter_lines.append(f"{n}. [{_md_escape(c.title)}]({c.id}.ipynb)")
    used = used_datasets(inputs)
    if used:
        rows = ["| Data | Publisher | Edition used (period covered) |", "|---|---|---|"]
        for ds in used:
            meta = manifest[ds]
            rows.append(
                f"| {_ref(meta.get('title', ds), ds)} | "
                f"{_md_table_cell(meta.get('publisher', ''))} | {_md_table_cell(edition_used(ds))} |"
            )
        as_of = sources.as_of()
        as_of_text = (
            f" This book was rebuilt **as of {as_of.day} {as_of:%B %Y}**: it uses the editions that had "
            "been added by then."
            if as_of
            else ""
        )
        vintages = (
            "The chapters of this edition read these published datasets. Figures are only as "
            f"current as these files; each is pinned by checksum.{as_of_text}\n\n"
            ":::{table} Published datasets read by this edition, with the edition and period each covers.\n"
            ":name: data-vintages\n" + "\n".join(rows) + "\n:::"
        )
    else:
        vintages = "The datasets and their periods are listed on the [data sources](data_sources.md) page."
    return f"""# {_md_escape(icb.short_name)}: health inequalities evidence book

:::{{tip}}
**Start with the [key findings](summary.md)**: the headline figures of every chapter on one page,
each linked to the evidence behind it.
:::

This book brings together published national data on health inequalities for
**{_md_escape(icb.name)}** (ODS code {_h(icb.ods_code)}, ONS code {_h(icb.ons_code)}), in the
{_md_escape(icb.region_name)} region. It answers the questions the local plans ask: who lives here and
where the most deprived neighbourhoods are; how long people live and how that differs across the
social gradient; who waits longest for planned care; how the system is doing on the Core20PLUS5
clinical areas; and where it stands against the NHS national objectives.

Every number is computed from published data by the open-source code that built this book, with
the methods that OHID and NHS England use. Each chapter starts with its findings, then gives the
evidence (charts and tables, each table downloadable as CSV), then the caveats. The
[methods](methods.md), [data sources](data_sources.md) and [glossary](glossary.md) pages say how,
from what, and what the terms mean.

:::{{admonition}} About this edition
:class: note
- **Integrated Care Board:** {_md_escape(icb.name)} ({_h(icb.ods_code)} / {_h(icb.ons_code)}).
- **Deprivation measure used throughout:** English Indices of Deprivation {params.imd_version}
  (IMD {params.imd_version}); chapters that depend on it say so.
- **Built:** {built}, from commit {_md_escape(commit)} of the code.
- **Data:** published national datasets pinned by checksum; periods below and on the
  [data sources](data_sources.md) page.
:::

## Chapters

{chapter_lines and chr(10).join(chapter_lines)}

## Data in this edition

{vintages}

## Using this book

- Every chart has a text description and a caption; every table can be downloaded as CSV.
- The book works without JavaScript, on a phone, with a screen reader, and prints cleanly
  (use your browser's print command; menus and navigation are left out of the printout).
- Numbers are rounded for reading; the CSV files keep full precision.

## How to cite this book

{suggested_citation(icb.name, params.imd_version, today, commit)}
"""


def _ref(text: str, ds: str) -> str:
    """A cross-reference to a dataset's section on the data sources page (checked by Sphinx)."""
    clean = re.sub(r"[`<>]", "", str(text)).replace("\n", " ")
    return f"{{ref}}`{clean} <{_anchor(ds)}>`"


def _anchor(text: str) -> str:
    """The HTML id Sphinx gives a heading (lower case, non-alphanumerics to hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


#: What a key-findings row can show beside the ICB's value, from each headline's ``extra`` (the
#: optional arguments of :meth:`analysis.report.Chapter.headline`).
SUMMARY_FIELDS = ("england", "target_text", "previous", "previous_period", "place", "period_end", "frequency")

_BLANK = '<span aria-hidden="true">&ndash;</span><span class="visually-hidden">not given</span>'


def _signed_change(h: dict, previous: float) -> str:
    """The change from ``previous`` to the value, as a signed number with the figure's unit (no
    word such as "better": whether up is better is the chapter's to say); no sign when it rounds
    to zero."""
    d = float(h["value"]) - float(previous)
    unit = str(h.get("unit") or "").strip().lower()
    if unit == "%":
        body = f"{abs(d):,.1f} percentage points"
    elif unit == "rank":
        body = f"{abs(d):,.0f} places"
    else:
        body = _fmt_value({**h, "value": abs(d), "extra": {}, "hi": None})
    number = re.match(r"[\d.,]+", body)
    if number is None or not re.search(r"[1-9]", number.group(0)):
        return body
    return ("+" if d > 0 else "\u2212") + body


def summary_rows(book, headlines: dict, reference_date: dt.date | None = None) -> list[dict]:
    """The rows of the key-findings page: one per headline figure a chapter marks for it, with
    what the chapter gives of England, target, change, place and the data's date (None where
    it gives nothing), and whether the data are out of date at ``reference_date``."""
    from .claims import currency

    rows = []
    for c in book.chapters:
        doc = headlines.get(c.id) or {}
        for key, h in (doc.get("headlines") or {}).items():
            extra = h.get("extra") or {}
            if extra.get("summary", True) is False:
                continue
            anchor = extra.get("section") or ""
            if not anchor and extra.get("evidence"):
                ev = str(extra["evidence"])
                kinds = {o.get("name"): o.get("kind") for o in doc.get("outputs", [])}
                anchor = f"{kinds.get(ev, 'figure')}-{ev}" if not ev.startswith(("figure-", "table-")) else ev
            row = {
                "chapter": c.id,
                "chapter_title": c.title,
                "key": key,
                "label": h.get("label", key),
                "value": h["value"],
                "text": _fmt_value(h),
                "period": h.get("period") or "",
                "source": h.get("source") or "",
                "anchor": re.sub(r"[^A-Za-z0-9_\-]", "", str(anchor)),
                **{f: extra.get(f) for f in SUMMARY_FIELDS},
            }
            row["england_text"] = (
                _fmt_value({**h, "value": extra["england"]}) if extra.get("england") is not None else None
            )
            row["change_text"] = _signed_change(h, extra["previous"]) if extra.get("previous") is not None else None
            row["currency"] = None
            if extra.get("period_end") and extra.get("frequency") and reference_date is not None:
                row["currency"] = _currency(c.id, key, extra, reference_date, currency)
            rows.append(row)
    return rows


def _currency(chapter: str, key: str, extra: dict, reference_date: dt.date, currency):
    # The reference date is the first day of the build's month; data ending later in that month
    # are 0 months old, not "after the reference date".
    end = dt.date.fromisoformat(str(extra["period_end"])[:10])
    ref = (
        max(reference_date, end)
        if (end.year, end.month) == (reference_date.year, reference_date.month)
        else reference_date
    )
    try:
        # A chapter that judges a dataset by a longer cycle than its frequency allows (a biennial
        # survey) records that as max_age_months: the page must judge it as the chapter does.
        return currency(end, extra["frequency"], ref, max_age_months=extra.get("max_age_months"))
    except ValueError as exc:
        raise ValueError(f"headline {chapter}.{key}: {exc}") from exc


def _summary_row_html(c, r: dict) -> str:
    href = f"{c.id}.html" + (f"#{r['anchor']}" if r["anchor"] else "")
    place = f' <span class="summary-place">({_h(r["place"])})</span>' if r.get("place") else ""
    when = _h(r["period"]) if r["period"] else ""
    cur = r.get("currency")
    if cur is not None and cur.out_of_date:
        when += (
            f'<br><strong class="summary-stale">Out of date</strong>'
            f'<span class="summary-stale-why"> (data end {cur.period_end:%B %Y})</span>'
        )
    when = when or _BLANK
    change = (
        _h(r["change_text"])
        + (f'<span class="summary-since"> since {_h(r["previous_period"])}</span>' if r.get("previous_period") else "")
        if r.get("change_text")
        else _BLANK
    )
    stale = " summary-row-stale" if cur is not None and cur.out_of_date else ""
    return (
        f'<tr class="summary-row{stale}" data-chapter="{_h(c.id)}" data-key="{_h(r["key"])}" '
        f'data-value="{_h(repr(float(r["value"])))}"'
        + (f' data-out-of-date="{"true" if cur.out_of_date else "false"}"' if cur is not None else "")
        + ">"
        f'<th scope="row"><a href="{_h(href)}">{_h(r["label"])}</a>{place}</th>'
        f'<td class="summary-value">{_h(r["text"])}</td>'
        f'<td class="summary-england">{_h(r["england_text"]) if r.get("england_text") else _BLANK}</td>'
        f'<td class="summary-target">{_h(r["target_text"]) if r.get("target_text") else _BLANK}</td>'
        f'<td class="summary-change">{change}</td>'
        f'<td class="summary-period">{when}</td></tr>'
    )


def render_summary(book, params, headlines: dict, reference_date: dt.date | None = None) -> str:
    """The key findings page: every chapter's headline figures with England, the target, the
    change since the previous period, the place, and the data's date, marked "out of date"
    where the data are older than their publication frequency allows at the build's reference
    date (:func:`analysis.claims.currency`). Printable on one or two pages (book.css)."""
    if reference_date is None:
        reference_date = sources.reference_date()
    icb = params.icb
    rows = summary_rows(book, headlines, reference_date)
    stale = sum(1 for r in rows if r["currency"] is not None and r["currency"].out_of_date)
    undated = sum(1 for r in rows if r["currency"] is None)
    dates = ["These figures are of **different dates**: read each one with its date in the last column."]
    if stale:
        dates.append(
            f"{stale} of the {len(rows)} figures are marked **out of date**: their data end longer "
            f"ago than their publication schedule allows at {reference_date:%B %Y} (see the "
            "[methods](methods.md) page)."
        )
    if undated:
        dates.append(
            f"For {undated} of the {len(rows)} figures the chapter does not yet give the date the "
            "data end, so whether they are out of date is not shown."
        )
    parts = [
        f"""# Key findings

The headline figures of each chapter for {_md_escape(icb.short_name)}, with England, the national target
where there is one, the change since the previous period, and the date of the data. Each figure links to
the chapter that gives the evidence, the method and the caveats. A dash means the chapter does not give
that column for the figure.

:::{{important}}
{" ".join(dates)}
:::
"""
    ]
    if not rows:
        parts.append("No chapter reported headline figures in this build.\n")
    for c in book.chapters:
        mine = [r for r in rows if r["chapter"] == c.id]
        parts.append(f"## {_md_escape(c.title)}\n")
        if not mine:
            parts.append(f"This chapter reports no headline figures. [Read the chapter]({c.id}.ipynb).\n")
            continue
        body = "".join(_summary_row_html(c, r) for r in mine)
        parts.append(
            f'<div class="table-scroll" tabindex="0" role="region" aria-labelledby="summary-cap-{_h(c.id)}">'
            f'<table class="table summary-table" id="summary-{_h(c.id)}">'
            f'<caption id="summary-cap-{_h(c.id)}">Headline figures: {_h(c.title)}. '
            "Each finding links to its evidence in the chapter.</caption>"
            '<thead><tr><th scope="col" class="summary-finding">Finding</th>'
            f'<th scope="col" class="summary-value">{_h(icb.short_name)}</th>'
            '<th scope="col" class="summary-england">England</th>'
            '<th scope="col" class="summary-target">Target</th>'
            '<th scope="col" class="summary-change">Change</th>'
            '<th scope="col" class="summary-period">Data period</th>'
            f"</tr></thead><tbody>{body}</tbody></table></div>\n"
        )
        # As HTML, with a class: the links are left out of the printed board paper.
        parts.append(
            f'<p class="summary-more"><a href="{_h(c.id)}.html">Read the chapter: {_h(c.title)}</a> · '
            f'<a href="data/{_h(c.id)}/headline.json">these figures as JSON</a></p>\n'
        )
    return "\n".join(parts)


# ----------------------------------------------------------------------------- data sources


def _fmt_bytes(n) -> str:
    try:
        n = int(n)
    except (TypeError, ValueError):
        return "&ndash;"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} bytes"


def _editions_shown(ds: str) -> list:
    """The editions of ``ds`` this build reads: every selected edition of a series, the latest of
    a snapshot or reference dataset."""
    eds = sources.editions(ds)
    kind = str((sources.manifest().get(ds) or {}).get("kind", "reference"))
    return eds if kind == "series" else eds[-1:]


def dataset_period(ds: str) -> str:
    """The period the build's editions of ``ds`` cover, as recorded in the manifest (read from the
    files where their reader could; the publisher's documentation otherwise)."""
    eds = _editions_shown(ds)
    if not eds:
        return "not stated"
    first, last = eds[0].period.label, eds[-1].period.label
    text = first if len(eds) == 1 or first == last else f"{first} to {last} ({len(eds)} editions)"
    return text or "not stated"


def _dataset_section(ds: str, meta: dict, used_by: list[str]) -> list[str]:
    out = [f"({_anchor(ds)})=", f"### {_md_escape(meta.get('title', ds))}", ""]
    fields = [("Publisher", _md_escape(meta.get("publisher", "")))]
    if meta.get("official_page"):
        fields.append(("Official page", _external_link(str(meta["official_page"]))))
    fields.append(("Licence", _md_escape(meta.get("licence", "not stated"))))
    fields.append(("Edition used", _md_escape(edition_used(ds))))
    fields.append(("Form", _md_escape(dataset_form(ds))))
    if meta.get("frequency"):
        fields.append(("Published", _md_escape(str(meta["frequency"]).replace("one-off", "once (not updated)"))))
    if meta.get("geography"):
        fields.append(("Geography", _md_escape(meta["geography"])))
    if meta.get("caveat"):
        fields.append(("Main caveat", _md_escape(meta["caveat"])))
    for b in sources.series_breaks(ds):
        fields.append(("Series break", series_break_text(b)))
    if used_by:
        fields.append(("Used in", ", ".join(used_by)))
    # The one place a reader meets the manifest's key: analysts ask for data by it. Marked so that
    # the reader-text check (tests/test_reader_text.py) knows it is meant.
    fields.append(
        (
            "For analysts",
            f'<span class="for-analysts">the dataset is {_h(ds)} in the project\'s list of data sources</span>',
        )
    )
    for k, v in fields:
        out.append(f"- **{k}:** {v}")
    out.append("")
    files = [(e, spec) for e in sources.editions(ds) for spec in e.files]
    out.append(
        f"::::{{dropdown}} Editions, files, checksums and download links ({len(files)} "
        f"file{'s' if len(files) != 1 else ''})"
    )
    out.append(
        f":::{{table}} Files of {_md_escape(meta.get('title', ds))} used by this edition, with the period "
        "each covers and their SHA-256 checksums."
    )
    out.append("| Period | File | Size | SHA-256 checksum | Exact bytes |")
    out.append("|---|---|---:|---|---|")
    for e, spec in files:
        link = f"[download]({spec.url})" if spec.url else "from the official page"
        out.append(
            f"| {_md_table_cell(e.period.label or '-')} | {_md_table_cell(shown_file_name(spec))} | "
            f'{_fmt_bytes(spec.bytes)} | <code class="checksum">{_h(spec.sha256)}</code> | {link} |'
        )
    out.append(":::")
    out.append("::::")
    out.append("")
    return out


def _external_link(url: str) -> str:
    """An address as a link that shows itself, written as HTML: a Markdown autolink escapes the
    "&" of a query string twice (a broken link)."""
    return f'<a class="reference external" href="{_h(url)}">{_h(url)}</a>'


def series_break_text(b: sources.SeriesBreak) -> str:
    """A series break as Markdown for the sources page: the first day counted the new way, what
    changed in the publisher's words (quoted), and where the publisher says so (an address in
    the reference becomes a link)."""
    text = _md_escape(
        f"counted a new way from {_pretty_date(b.start)}; in the publisher's words: \u201c{b.what.rstrip()}\u201d."
    )
    if not b.reference:
        return text
    parts = re.split(r"(https?://\S+)", b.reference)
    ref = "".join(_external_link(p) if i % 2 else _md_escape(p) for i, p in enumerate(parts))
    return f"{text} Reference: {ref}"


def shown_file_name(spec: sources.FileSpec) -> str:
    """The name a reader sees for a file on the sources page: the file as its publisher names it
    (the last part of its exact-bytes link) when there is a link, the project's own name for it
    otherwise. The project's names (``source/...`` sub-folders, period suffixes added to tell
    editions apart) are for analysts, who find them in the manifest under the dataset's key."""
    if spec.url:
        name = unquote(PurePosixPath(urlparse(spec.url).path).name)
        if name:
            return name
    return spec.filename


def render_sources(book=None, inputs: dict[str, list[str]] | None = None) -> str:
    manifest = sources.manifest()
    inputs = inputs or {}
    titles = {c.id: c.title for c in book.chapters} if book is not None else {}
    users: dict[str, list[str]] = {}
    for cid, dss in inputs.items():
        for ds in dss:
            users.setdefault(ds, []).append(f"[{_md_escape(titles.get(cid, cid))}]({cid}.ipynb)")
    used = used_datasets(inputs)
    out = [
        "# Data sources",
        "",
        "Every dataset the book's code can read, generated from the project's list of data sources. "
        "Each file is pinned by its SHA-256 checksum: the build refuses a file "
        "whose bytes differ. Where a public address for the exact bytes exists it is given; "
        "otherwise the file comes from the publisher's official page. Contains public sector "
        "information licensed under the Open Government Licence v3.0 unless a dataset says otherwise.",
        "",
    ]
    if used:
        out += ["## Used in this edition", "", f"The chapters of this edition read these {len(used)} datasets.", ""]
        for ds in used:
            out += _dataset_section(ds, manifest[ds], users.get(ds, []))
    rest = [ds for ds in manifest if ds not in used]
    if rest:
        out += [
            "## Other datasets the code can read" if used else "## Datasets",
            "",
            "Listed for completeness: the code can read these, but no chapter of this edition did." if used else "",
            "",
        ]
        for ds in rest:
            out += _dataset_section(ds, manifest[ds], [])
    return "\n".join(out)


# ----------------------------------------------------------------------------- methods


def _rst_to_md(text: str) -> str:
    """The little reStructuredText the statistics docstrings use, as MyST Markdown."""
    text = re.sub(r":(?:func|class|data|mod):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    return re.sub(r"\s+", " ", text).strip()


def _module_method_bullets(doc: str) -> list[tuple[str, str]]:
    """(topic, text) for each bullet of the statistics module's "Methods and references"."""
    m = re.search(r"Methods and references\s*\n(.*?)(?:\n\S|\Z)", doc, flags=re.S)
    if not m:
        return []
    bullets = re.split(r"\n\s*\*\s+", "\n" + m.group(1))
    out = []
    for b in bullets:
        b = b.strip()
        if not b:
            continue
        topic, _, rest = b.partition(":")
        out.append((topic.strip(), _rst_to_md(rest)))
    return out


def statistical_methods() -> list[dict]:
    """The statistics module's methods: public functions grouped under its documented methods.

    Each entry: title, text (method and references, from the module docstring) and functions
    [(name, one-line summary)]. Functions the module docstring does not cover get an entry of
    their own with their docstring's first paragraph.
    """
    from . import stats

    public = [n for n in getattr(stats, "__all__", dir(stats)) if not n.startswith("_")]
    funcs = {n: getattr(stats, n) for n in public if inspect.isfunction(getattr(stats, n, None))}
    first_lines = {n: (inspect.getdoc(f) or "").strip().split("\n\n")[0] for n, f in funcs.items()}
    bullets = _module_method_bullets(inspect.getdoc(stats) or "")
    entries = [{"title": t[:1].upper() + t[1:], "text": text, "functions": []} for t, text in bullets]
    placed = set()
    for n, line in first_lines.items():
        low = line.lower()
        tokens = set(re.findall(r"phe?_[a-z_]+", low))
        best = None
        for e, (topic, text) in zip(entries, bullets):
            tlow = text.lower()
            lead = " ".join(re.findall(r"[a-z']+", low)[:2])
            if (
                n in re.findall(r"[a-z_]+", tlow)
                or (tokens & set(re.findall(r"phe?_[a-z_]+", tlow)))
                or topic.lower().rstrip("s") in low
                or (lead and lead in tlow)
            ):
                best = e
                break
        if best is not None:
            best["functions"].append((n, _rst_to_md(line)))
            placed.add(n)
    for n, line in first_lines.items():
        if n not in placed:
            entries.append(
                {
                    "title": _rst_to_md(line.split(". ")[0]).rstrip("."),
                    "text": _rst_to_md(line),
                    "functions": [(n, _rst_to_md(line))],
                }
            )
    return entries


def render_statistical_methods() -> str:
    out = []
    for e in statistical_methods():
        out.append(f"### {_md_escape(e['title'])}")
        out.append("")
        if e["text"]:
            out.append(f"**Method and references:** {e['text']}")
            out.append("")
        if e["functions"]:
            out.append("In the code (`analysis.stats`):")
            out.append("")
            for n, line in e["functions"]:
                out.append(f"- `{n}`: {line}")
            out.append("")
    return "\n".join(out)


def validation_sections(book) -> list[tuple[str, str]]:
    """(chapter title, Markdown) for every chapter module that defines ``validation_markdown()``
    (its checks against published figures), in the book's chapter order."""
    import importlib

    out = []
    for c in book.chapters if book is not None else []:
        try:
            module = importlib.import_module(f"analysis.chapters.{c.id}")
        except ModuleNotFoundError as exc:
            if exc.name != f"analysis.chapters.{c.id}":
                raise  # the module exists but something it imports does not: a real error
            continue
        make = getattr(module, "validation_markdown", None)
        if callable(make):
            text = str(make()).strip()
            if text:
                out.append((c.title, text))
    return out


def render_validation(book) -> str:
    """The methods page's "Checks against published figures" section, or nothing when no chapter
    provides one."""
    sections = validation_sections(book)
    if not sections:
        return ""
    parts = [
        "## Checks against published figures",
        "",
        "Each chapter checks its own numbers against figures published by OHID and NHS England "
        "where they exist; these are the checks and their results in this build.",
        "",
    ]
    for title, text in sections:
        parts += [f"### {_md_escape(title)}", "", text, ""]
    return "\n".join(parts)


_PERIOD_PLACEHOLDER = re.compile(r"\{\{period:([^{}]*)\}\}")


def fill_periods(text: str, where: str = "page") -> str:
    """Replace each ``{{period:DATASET}}`` in a hand-written page with the period of the dataset's
    latest edition as the manifest records it (a lookup's month, say), so that no page types a
    period; an unknown dataset is an error naming the page and the placeholder."""

    def period(m: re.Match) -> str:
        ds = m.group(1).strip()
        if ds not in sources.manifest():
            raise sources.DataSourceError(
                f"{where}: placeholder {m.group(0)!r} names no dataset of the manifest "
                f"({sources.manifest_path()}); write {{{{period:<dataset>}}}}."
            )
        return _md_escape(sources.latest(ds).period.label)

    return _PERIOD_PLACEHOLDER.sub(period, text)


def render_methods(params, inputs: dict[str, list[str]] | None = None, book=None) -> str:
    path = BOOK_DIR / "methods.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Methods\n\n{{statistical_methods}}\n"
    manifest = sources.manifest()
    caveats = []
    for ds in used_datasets(inputs or {}) or []:
        meta = manifest[ds]
        if meta.get("caveat"):
            caveats.append(
                f"- **{_md_escape(meta.get('title', ds))}** ({_md_escape(edition_used(ds))}): "
                f"{_md_escape(meta['caveat'])}."
            )
    caveat_text = (
        "\n".join(caveats) if caveats else "See each dataset's caveat on the [data sources](data_sources.md) page."
    )
    text = fill_periods(text, str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    return (
        text.replace("{{imd_version}}", str(params.imd_version))
        .replace("{{conventions}}", conventions_markdown())
        .replace("{{statistical_methods}}", render_statistical_methods())
        .replace("{{validation}}", render_validation(book))
        .replace("{{dataset_caveats}}", caveat_text)
    )


# ----------------------------------------------------------------------------- glossary


class GlossaryError(ValueError):
    """book/glossary.yml has an unusable entry; the message names the term and why."""


def _glossary_entries() -> dict[str, dict]:
    path = BOOK_DIR / "glossary.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    out = {}
    for term, entry in (doc or {}).items():
        if isinstance(entry, str):
            entry = {"definition": entry}
        if not isinstance(entry, dict) or not str(entry.get("definition") or "").strip():
            raise GlossaryError(
                f"{path}: term {term!r} needs a definition (a string, or a mapping with "
                "'definition' and optional 'also')"
            )
        also = entry.get("also") or []
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            raise GlossaryError(f"{path}: term {term!r}: 'also' must be a list of other forms of the term")
        for flag in ("exact", "link"):
            if flag in entry and not isinstance(entry[flag], bool):
                raise GlossaryError(f"{path}: term {term!r}: '{flag}' must be true or false")
        out[str(term)] = {
            "definition": " ".join(str(entry["definition"]).split()),
            "also": [a.strip() for a in also],
            "exact": entry.get("exact", False),
            "link": entry.get("link", True),
        }
    return out


def glossary_terms() -> dict[str, str]:
    """{term: definition} from ``book/glossary.yml``."""
    return {term: e["definition"] for term, e in _glossary_entries().items()}


def glossary_forms() -> dict[str, list[str]]:
    """{term: [the term, then its other forms]}: what the book's Sphinx extension links to the
    glossary (``analysis.sphinx_a11y.glossary_links``), passed to it through the book's
    configuration by :func:`glossary_link_config`."""
    return {term: [term, *e["also"]] for term, e in _glossary_entries().items()}


def glossary_link_config() -> dict:
    """The ``glossary_links`` configuration of the book's Sphinx extension: the glossary page
    and each linked term with the forms that link to it (``exact``: matched exactly as written;
    entries with ``link: false`` are defined but never linked)."""
    entries = _glossary_entries()
    return {
        "page": "glossary",
        "terms": {term: {"forms": [term, *e["also"]], "exact": e["exact"]} for term, e in entries.items() if e["link"]},
    }


def render_glossary() -> str:
    terms = glossary_terms()
    out = [
        "# Glossary",
        "",
        "Plain-English meanings of the terms and abbreviations used in this book.",
        "",
        "```{glossary}",
        ":sorted:",
        "",
    ]
    for term, definition in terms.items():
        out.append(term)
        out.append(f"  {definition}")
        out.append("")
    out.append("```")
    return "\n".join(out)


def toc(book, front: dict) -> dict:
    return {
        "format": "jb-book",
        "root": "index",
        "parts": [
            {"caption": "Overview", "chapters": [{"file": "summary"}]},
            {"caption": "Chapters", "chapters": [{"file": c.id} for c in book.chapters]},
            {"caption": "Reference", "chapters": [{"file": "methods"}, {"file": "data_sources"}, {"file": "glossary"}]},
        ],
    }
