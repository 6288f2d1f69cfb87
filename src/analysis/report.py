"""What a chapter writes: words and numbers for its Markdown, tables, figures, headline figures.

A chapter notebook reads like a document: its prose is in Markdown cells, and every number, name
or data-dependent word in that prose is *glued* in from the chapter's module (myst-nb ``glue``:
``{glue:text}`key``` for plain text, ``{glue:md}`key``` for a phrase with emphasis or links). The
module computes everything through a :class:`Chapter`, which

* formats every number through :func:`fmt` (one formatter: counts, percentages, percentage
  points, years, rates), which refuses a missing or implausible value instead of writing "nan%"
  into the book;
* escapes text from data for the context it goes into: :func:`esc` for Markdown, :func:`esc_html`
  for HTML elements and attributes (names can contain ``<``, ``&``, ``*``, ``$`` or ``{``);
* records every data-dependent word as a claim (:mod:`analysis.claims`), so that a test can
  check, for every ICB, that the word agrees with the numbers it describes;
* writes each table as CSV under ``data/<chapter>/<name>.csv`` (relative to the page) and shows
  it as an accessible HTML table with a caption and a download link;
* saves each figure as PNG (twice the screen resolution) and SVG with alt text and caption, and
  the data behind it as CSV, so the page works without JavaScript and every chart can be reused;
* collects headline figures, declared once in the chapter's registry
  (``src/analysis/registry/headlines/<chapter>.yml``, see :mod:`analysis.headlines`), and writes
  ``data/<chapter>/headline.json`` on :meth:`Chapter.save`, which CI, the key findings page and
  the all-ICB comparison read.

Code cells in a notebook are short calls: ``ch = <module>.build(...)`` at the top, then
``ch.show("<name>")`` where a figure, table or box belongs.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


class ImplausibleValueError(ValueError):
    """A number about to be written into the book is missing or outside its plausible range."""


def esc_html(text: Any) -> str:
    """Escape text from data for an HTML context (element text or attribute value)."""
    return html.escape(str(text), quote=True)


#: Characters that start Markdown/MyST markup: emphasis, code, links, tables, HTML, roles and
#: substitutions (``{``), and maths (``$``; dollarmath is on).
_MD_SPECIAL = re.compile(r"([*_`\[\]\\|<>{}$#~])")


def esc(text: Any) -> str:
    """Escape text from data for Markdown (a sentence, a list item, a table cell): every
    character that could start markup stays literal, and line breaks become spaces."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    s = s.replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def save_workbook(wb: Any, path: str | os.PathLike, as_of: Any) -> Path:
    """Save an openpyxl workbook reproducibly: its document properties and every entry of the
    zip file carry ``as_of`` (a date) instead of the time of saving, so the same data give the
    same bytes (the build's outputs are compared byte for byte)."""
    import datetime as dt
    import io
    import zipfile

    when = pd.Timestamp(as_of).to_pydatetime().replace(tzinfo=None)
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=max(when, dt.datetime(1980, 1, 1)).timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + f"{when:%Y-%m-%dT%H:%M:%SZ}".encode() + rb"\g<2>",
                    data,
                )
            out.writestr(fixed, data)
    return path


def plain_text(text: Any) -> str:
    """Text from data for contexts that are written without escaping (page and book titles that
    the theme puts into the sidebar and print header): the characters that could open a tag or
    an attribute become look-alikes (< > " ` become ‹ › ” ‘)."""
    return str(text).translate(_MARKUP_LOOKALIKES)


_MARKUP_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "`": "\u2018"})


def _check(value: Any, what: str, lo: float | None, hi: float | None) -> float:
    if value is None:
        raise ImplausibleValueError(f"{what}: value is missing (None).")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ImplausibleValueError(f"{what}: {value!r} is not a number.") from exc
    if math.isnan(v) or math.isinf(v):
        raise ImplausibleValueError(f"{what}: value is missing (NaN/inf).")
    if lo is not None and v < lo:
        raise ImplausibleValueError(f"{what}: {v} is below the plausible minimum {lo}.")
    if hi is not None and v > hi:
        raise ImplausibleValueError(f"{what}: {v} is above the plausible maximum {hi}.")
    return v


#: fmt kinds: what the number is, which fixes its plausible range and how it is written.
FORMATS = {
    "num": (None, None, ""),
    "pct": (0.0, 100.0, "%"),  # a percentage on the 0-100 scale
    "pp": (-100.0, 100.0, " percentage points"),
    "count": (0.0, None, ""),  # a whole number, thousands separators
    "years": (-40.0, 120.0, " years"),
    "rate": (0.0, None, ""),  # per 1,000 / per 100,000: say the base in the sentence
}


def fmt(
    value: Any,
    kind: str = "num",
    *,
    dp: int = 1,
    lo: float | None = None,
    hi: float | None = None,
    what: str = "value",
    signed: bool = False,
) -> str:
    """The one number formatter for sentences: ``fmt(23.456, "pct")`` -> ``23.5%``,
    ``fmt(12345, "count")`` -> ``12,345``, ``fmt(-1.25, "pp", signed=True)`` -> ``-1.3 percentage
    points``. Refuses a missing, non-numeric or implausible value (outside ``lo``-``hi``, or the
    kind's own range) with :class:`ImplausibleValueError` naming ``what``."""
    if kind not in FORMATS:
        raise ValueError(f"fmt: unknown kind {kind!r}; choose one of {', '.join(FORMATS)}")
    k_lo, k_hi, unit = FORMATS[kind]
    v = _check(value, what, k_lo if lo is None else lo, k_hi if hi is None else hi)
    if kind == "count":
        text = f"{round(v):,}"
    else:
        text = f"{v:+,.{dp}f}" if signed else f"{v:,.{dp}f}"
        if text.startswith("-") and text.lstrip("-").strip("0.,") == "":
            text = text[1:]  # "-0.0" reads as a sign error
    return _with_unit(text, unit)


def _with_unit(text: str, unit: str) -> str:
    # A true minus sign: screen readers and print read "-1.3" as a hyphen otherwise.
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return text + unit


def num(
    value: Any, *, dp: int = 1, lo: float | None = None, hi: float | None = None, what: str = "value", unit: str = ""
) -> str:
    """A number for a sentence (see :func:`fmt`), with an optional unit suffix."""
    return fmt(value, "num", dp=dp, lo=lo, hi=hi, what=what) + unit


def pct(value: Any, *, dp: int = 1, what: str = "percentage", lo: float = 0, hi: float = 100) -> str:
    """A percentage already on the 0-100 scale, e.g. pct(23.456) -> '23.5%'."""
    return fmt(value, "pct", dp=dp, lo=lo, hi=hi, what=what)


def count(value: Any, *, what: str = "count", lo: float = 0, hi: float | None = None) -> str:
    """A whole number with thousands separators, e.g. count(12345) -> '12,345'."""
    return fmt(value, "count", lo=lo, hi=hi, what=what)


def years(value: Any, *, dp: int = 1, what: str = "years", lo: float = -40, hi: float = 120) -> str:
    return fmt(value, "years", dp=dp, lo=lo, hi=hi, what=what)


def plural(n: Any, singular: str, plural_form: str | None = None) -> str:
    """``plural(2, "NHS acute trust")`` -> ``2 NHS acute trusts``; never "trust(s)"."""
    k = round(float(_check(n, singular, 0, None)))
    word = singular if k == 1 else (plural_form or singular + "s")
    return f"{k:,} {word}"


_SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "to", "with", "upon"}
_KEEP_UPPER = {
    "NHS",
    "UK",
    "ICB",
    "CIC",
    "LLP",
    "UTC",
    "WIC",
    "GP",
    "PCN",
    "CCG",
    "LMNS",
    "II",
    "III",
    "IV",
    "UCC",
    "MIU",
    "OOH",
    "NEMS",
    "CBS",
    "PHL",
    "UCLH",
}  # the last seven: in urgent care providers' names


def org_name(name: Any) -> str:
    """An organisation name as published in capitals, in reading case: "BIRMINGHAM WOMEN'S AND
    CHILDREN'S NHS FOUNDATION TRUST" -> "Birmingham Women's and Children's NHS Foundation Trust"
    (``str.title`` would give "Women'S"). Names already in mixed case are left alone."""
    text = " ".join(str(name).split())
    if text != text.upper():
        return text
    words = []
    for i, w in enumerate(text.split(" ")):
        bare = re.sub(r"[^A-Za-z]", "", w)
        if bare in _KEEP_UPPER:
            words.append(w)
        elif i > 0 and bare.lower() in _SMALL_WORDS:
            words.append(w.lower())
        else:
            # Capitalise each part after a hyphen or bracket, never after an apostrophe.
            words.append(re.sub(r"(^|[-(/])([a-z])", lambda m: m.group(1) + m.group(2).upper(), w.lower()))
    return " ".join(words)


def ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class Headline:
    key: str
    label: str
    value: float
    unit: str
    period: str
    source: str
    lo: float | None = None
    hi: float | None = None
    extra: dict = field(default_factory=dict)


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _display(obj_html: str | None = None, markdown: str | None = None) -> None:
    if not _in_ipython():
        return  # outside a kernel (tests, `check`): nothing to show
    from IPython.display import HTML, Markdown, display

    if markdown is not None:
        display(Markdown(markdown))
    if obj_html is not None:
        display(HTML(obj_html))


def _glue(key: str, obj: Any) -> None:
    if not _in_ipython():
        return
    from myst_nb import glue

    glue(key, obj, display=False)


#: A sentence must not carry a value that went missing on the way. "None" is allowed where it is
#: the word ("None of the 42 ICBs ..."), not where it stands for a value ("the rate was None").
_MISSING = re.compile(r"\bnan\b|\bNaN\b|\binf\b|(?<![.:!?*>\-\n]\s)(?<!^)\bNone\b(?!\s+of\b)|\bNone\b(?=[.,;)])|^None$")


def check_text(text: str) -> str:
    """Refuse text that shows a missing value ("nan", "None" for a value, "inf"); return it."""
    if _MISSING.search(text):
        raise ImplausibleValueError(f"refusing to write text with a missing value: {text[:200]!r}")
    return text


_KEY = re.compile(r"[a-z][a-z0-9_]*")
_ADMONITIONS = ("note", "tip", "important", "warning", "caution", "seealso")


class Chapter:
    """Outputs of one chapter for one ICB. ``data_dir`` is ``data/<chapter>`` under the page.

    Words and numbers for the notebook's Markdown are glued (:meth:`text`, :meth:`say`,
    :meth:`number`, :meth:`claim`); figures, tables and boxes are made first and shown where the
    notebook calls :meth:`show`. :meth:`md`, and :meth:`figure`/:meth:`table` without ``defer``,
    display at once.
    """

    def __init__(self, chapter: str, data_dir: str | os.PathLike | None = None, *, icb: Any = None):
        if not re.fullmatch(r"[a-z0-9_]+", chapter):
            raise ValueError(f"chapter id {chapter!r} must be lower-case letters, digits and underscores")
        self.chapter = chapter
        self.data_dir = Path(data_dir) if data_dir is not None else Path("data") / chapter
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Links are relative to the page; pages sit at the root of the book, next to data/.
        self.href = f"data/{chapter}"
        self.icb = icb
        self.headlines: dict[str, Headline] = {}
        self.outputs: list[dict] = []
        self.glued: dict[str, str] = {}
        self.claims: dict[str, Any] = {}
        self._blocks: dict[str, tuple[str, str]] = {}  # name -> ("html" | "md", content)
        self._shown: set[str] = set()
        self._numbers = {"figure": 0, "table": 0}  # figures and tables shown so far

    # ---------------------------------------------------------------- glued words and numbers
    def _key(self, key: str) -> str:
        if not _KEY.fullmatch(key):
            raise ValueError(f"glue key {key!r} must be lower-case letters, digits and underscores")
        if key in self.glued:
            raise ValueError(f"glue key {key!r} is used twice in chapter {self.chapter!r}")
        return key

    def text(self, key: str, text: Any) -> str:
        """Glue plain text from data (a name, a period) for ``{glue:text}`key```; escaped."""
        value = check_text(esc(text))
        self.glued[self._key(key)] = value
        from_md = _md_object(value)
        _glue(key, from_md)
        return value

    def say(self, key: str, markdown: str) -> str:
        """Glue a phrase of Markdown the package wrote (numbers from :func:`fmt`, names through
        :func:`esc`) for ``{glue:md}`key```. An empty string glues nothing visible."""
        value = check_text(str(markdown))
        self.glued[self._key(key)] = value
        _glue(key, _md_object(value))
        return value

    def number(self, key: str, value: Any, kind: str = "num", **kw: Any) -> str:
        """Format a number with :func:`fmt` (refusing missing or implausible values) and glue it."""
        text = fmt(value, kind, what=kw.pop("what", f"{self.chapter}.{key}"), **kw)
        self.glued[self._key(key)] = text
        _glue(key, _md_object(text))
        return text

    def claim(self, key: str, claim: Any) -> str:
        """Glue the words of a claim (:class:`analysis.claims.Claim`) and keep the claim, with the
        numbers it describes, for the audit that checks every word for every ICB."""
        words = getattr(claim, "words", None)
        if not isinstance(words, str):
            raise TypeError(f"claim {key!r}: expected an analysis.claims.Claim, got {type(claim).__name__}")
        self.claims[key] = claim
        return self.say(key, words)

    # ---------------------------------------------------------------- blocks shown by show()
    def box(self, name: str, text: str, kind: str = "note", title: str | None = None) -> None:
        """A caveat, data-gap or findings box, shown where the notebook calls ``show(name)``."""
        if kind not in _ADMONITIONS:
            raise ValueError(f"box {name!r}: kind must be one of {', '.join(_ADMONITIONS)}")
        check_text(text)
        head = f"{{admonition}} {title}" if title else f"{{{kind}}}"
        cls = f"\n:class: {kind}" if title else ""
        self._store(name, "md", f":::{head}{cls}\n{text}\n:::")

    def downloads(self, name: str, intro: str, files: list[tuple[str, str]]) -> None:
        """Download links to files the module wrote into ``data_dir`` (a spreadsheet, say), shown
        where the notebook calls ``show(name)``. ``files``: [(file name, link text)]; each file
        must exist, so a link never points at nothing."""
        links = []
        for filename, text in files:
            if "/" in filename or not (self.data_dir / filename).is_file():
                raise FileNotFoundError(f"downloads {name!r}: {filename!r} is not a file in {self.data_dir}")
            links.append(f'<a href="{self.href}/{esc_html(filename)}" download>{esc_html(text)}</a>')
            self.outputs.append({"kind": "download", "name": name, "file": filename})
        check_text(intro)
        self._store(name, "html", f'<p class="evidence-downloads">{esc_html(intro)} {" · ".join(links)}</p>')

    def _store(self, name: str, kind: str, content: str) -> None:
        if not _KEY.fullmatch(name):
            raise ValueError(f"output name {name!r} must be lower-case letters, digits and underscores")
        if name in self._blocks:
            raise ValueError(f"output {name!r} is made twice in chapter {self.chapter!r}")
        self._blocks[name] = (kind, content)

    def _number(self, kind: str, defer: bool) -> str:
        """The number of a figure or table shown now; for a deferred one, a mark that
        :meth:`show` replaces, so that numbers follow the order the page shows outputs in, not the
        order the module makes them."""
        if defer:
            return _NUMBER_MARK[kind]
        self._numbers[kind] += 1
        return str(self._numbers[kind])

    def show(self, name: str) -> None:
        """Display the figure, table or box ``name`` made by the chapter's module."""
        if name not in self._blocks:
            known = ", ".join(sorted(self._blocks)) or "none"
            raise KeyError(f"chapter {self.chapter!r} has no output {name!r}; it made: {known}")
        kind, content = self._blocks[name]
        for what, mark in _NUMBER_MARK.items():
            if mark in content:
                self._numbers[what] += 1
                content = content.replace(mark, str(self._numbers[what]))
                self._blocks[name] = (kind, content)
        self._shown.add(name)
        if kind == "md":
            _display(markdown=content)
        else:
            _display(obj_html=content)

    def not_shown(self) -> list[str]:
        """Outputs the module made that the notebook never showed (a test keeps this empty)."""
        return sorted(set(self._blocks) - self._shown)

    # ---------------------------------------------------------------- immediate text
    def md(self, text: str) -> None:
        """Show Markdown. Numbers inside must come from fmt(); names from esc()."""
        _display(markdown=check_text(text))

    # ---------------------------------------------------------------- headline figures
    def headline(
        self,
        key: str,
        value: Any,
        *,
        label: str | None = None,
        unit: str | None = None,
        period: str = "",
        source: str = "",
        lo: float | None = None,
        hi: float | None = None,
        england: Any = None,
        target_text: str | None = None,
        previous: Any = None,
        previous_period: str | None = None,
        place: str | None = None,
        period_end: Any = None,
        frequency: str | None = None,
        **extra: Any,
    ) -> float:
        """Record a headline figure (checked for presence and plausibility) and return it.

        The label, unit, plausible range and evidence anchor come from the chapter's registry
        (:mod:`analysis.headlines`) when the key is declared there; arguments given here must
        agree with it (they exist for chapters not yet moved to the registry).

        What the key findings page shows beside the value (all optional; each is stored in the
        headline's ``extra`` only when given, and the page leaves a marked blank where it is not):

        * ``england``: the England value of the same measure and period (same unit; checked
          against the same plausible range, except a count: England's count is the sum of every
          ICB's, so it is checked to be at least the ICB's own);
        * ``target_text``: the national objective or standard in force for the period, in words
          (``analysis.objectives.Objective.target_text``; never typed);
        * ``previous`` and ``previous_period``: the ICB's value for the previous period and that
          period's label; the page shows the change since then as a signed number;
        * ``place``: the named place the figure is about, for a figure about one area
          ("Worcester" for "lowest of the ICB's local authorities"), shown with the label;
        * ``period_end`` (an ISO date, any day of the period's last month) and ``frequency``
          (one of ``analysis.claims.MAX_AGE_MONTHS``: "weekly", "monthly", "quarterly",
          "annual", "one-off"): the page marks the figure "out of date" when
          ``analysis.claims.currency`` says so at the build's reference date.
        """
        from . import headlines as registry
        from .claims import MAX_AGE_MONTHS
        from .objectives import as_date

        spec = registry.spec(self.chapter, key, required=label is None)
        if spec is not None:
            label = label or spec.label
            unit = spec.unit if unit is None else unit
            lo = spec.lo if lo is None else lo
            hi = spec.hi if hi is None else hi
            extra.setdefault("evidence", spec.evidence)
            extra.setdefault("higher_is_better", spec.higher_is_better)
            if not spec.key_finding:
                extra["summary"] = False  # the registry decides, whatever the chapter passed
        v = _check(value, f"{self.chapter}.{key} ({label})", lo, hi)
        what = f"{self.chapter}.{key}"
        if england is not None:
            if unit == "count":
                extra["england"] = _check(england, f"{what} (england, a count at least the ICB's)", v, None)
            else:
                extra["england"] = _check(england, f"{what} (england)", lo, hi)
        if previous is not None:
            if not previous_period:
                raise ValueError(f"{what}: give previous_period, the label of the period of 'previous'")
            extra["previous"] = _check(previous, f"{what} (previous)", lo, hi)
            extra["previous_period"] = str(previous_period)
        elif previous_period:
            raise ValueError(f"{what}: previous_period given without previous")
        for name, text in (("target_text", target_text), ("place", place)):
            if text is not None:
                if not str(text).strip():
                    raise ValueError(f"{what}: {name} is empty; leave it out instead")
                extra[name] = check_text(str(text).strip())
        if (period_end is None) != (frequency is None):
            raise ValueError(f"{what}: give period_end and frequency together (the page judges currency from both)")
        if period_end is not None:
            if frequency not in MAX_AGE_MONTHS:
                raise ValueError(f"{what}: frequency must be one of {', '.join(MAX_AGE_MONTHS)}, got {frequency!r}")
            extra["period_end"] = as_date(period_end, f"{what} (period_end)", ValueError).date().isoformat()
            extra["frequency"] = frequency
        self.headlines[key] = Headline(key, str(label), v, unit or "", period, source, lo, hi, extra)
        return v

    # ---------------------------------------------------------------- tables
    def table(
        self,
        df: pd.DataFrame,
        name: str,
        caption: str,
        *,
        source: str = "",
        formats: dict[str, str] | None = None,
        index: bool = False,
        max_rows: int = 60,
        notes: str = "",
        show_columns: list[str] | None = None,
        newest_first: str | None = None,
        defer: bool = False,
    ) -> None:
        """Write ``df`` to CSV and show it as an HTML table with caption and download link.

        ``formats`` maps column -> format spec (e.g. '{:,.0f}', '{:.1f}%'); missing values show as
        'suppressed' or '-' (never 0): pass them already as strings where the reason matters.
        ``show_columns`` keeps the page table narrow (the CSV has every column);
        ``newest_first`` names a date column: when the table is cut, the newest rows are shown.
        Text is left-aligned, numbers right-aligned. ``defer`` keeps it for :meth:`show`.
        """
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"table name {name!r} must be lower-case letters, digits and underscores")
        number = self._number("table", defer)
        csv_path = self.data_dir / f"{name}.csv"
        df.to_csv(csv_path, index=index)
        shown = df.reset_index() if index else df.copy()
        if newest_first is not None:
            shown = shown.sort_values(newest_first, ascending=False, kind="stable")
        cols = list(show_columns) if show_columns else list(shown.columns)
        missing = [c for c in cols if c not in shown.columns]
        if missing:
            raise KeyError(f"table {name!r}: show_columns names {missing}, not columns of the table")
        numeric = {c for c in cols if pd.api.types.is_numeric_dtype(shown[c])}
        shown = shown[cols].head(max_rows)
        for col, spec in (formats or {}).items():
            if col in shown:
                numeric.add(col)
                shown[col] = shown[col].map(
                    lambda x, f=spec: (
                        "–"
                        if (not isinstance(x, str) and pd.isna(x))
                        else (f.format(x) if not isinstance(x, str) else x)
                    )
                )
        head = "".join(f'<th scope="col" class="{"num" if c in numeric else "txt"}">{esc_html(c)}</th>' for c in cols)
        body = []
        for _, row in shown.iterrows():
            cells = []
            for c in cols:
                v = row[c]
                text = "–" if (not isinstance(v, str) and pd.isna(v)) else str(v)
                cells.append(f'<td class="{"num" if c in numeric else "txt"}">{esc_html(text)}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        table_html = (
            f'<table class="table evidence-table" aria-describedby="cap-{name}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>"
        )
        parts = []
        if len(df) > max_rows:
            parts.append(
                f"Showing the {'newest ' if newest_first else 'first '}{max_rows} of {len(df):,} rows; the CSV has all."
            )
        if show_columns and len(show_columns) < len(df.columns) + (1 if index else 0):
            parts.append(f"The CSV has all {len(df.columns) + (1 if index else 0)} columns.")
        more = (" " + " ".join(parts)) if parts else ""
        src = f" Source: {esc_html(source)}." if source else ""
        extra = f" {esc_html(notes)}" if notes else ""
        html_out = (
            f'<figure class="evidence-table-wrap" id="table-{name}">'
            f'<figcaption id="cap-{name}"><strong>Table {number}.</strong> {esc_html(caption)}{src}{extra}{more} '
            f'<a href="{self.href}/{name}.csv" download>Download this table as CSV</a></figcaption>'
            f'<div class="table-scroll" tabindex="0" role="region" aria-label="{esc_html(caption)}">{table_html}</div>'
            f"</figure>"
        )
        self.outputs.append(
            {"kind": "table", "name": name, "file": f"{name}.csv", "caption": caption, "rows": int(len(df))}
        )
        if defer:
            self._store(name, "html", html_out)
        else:
            _display(obj_html=html_out)

    # ---------------------------------------------------------------- figures
    def figure(
        self,
        fig: Any,
        name: str,
        *,
        alt: str,
        caption: str,
        source: str = "",
        data: pd.DataFrame | None = None,
        dpi: int = 220,
        defer: bool = False,
        svg_max_bytes: int = 1_500_000,
    ) -> None:
        """Save a matplotlib figure (PNG at twice screen resolution, and SVG unless it would be
        larger than ``svg_max_bytes``: 0 for none, e.g. maps) with alt text and caption, and the
        data it draws as CSV (``data``: required for a deferred figure, so that every chart a
        reader sees can be downloaded as data)."""
        import matplotlib.pyplot as plt

        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"figure name {name!r} must be lower-case letters, digits and underscores")
        if len(alt.strip()) < 25 or alt.strip().lower() in {"a chart", "chart", "figure", "map"}:
            raise ValueError(f"figure {name!r}: alt text must say what the figure shows, got {alt!r}")
        if defer and data is None:
            raise ValueError(f"figure {name!r}: give the data it draws (data=...), for the CSV download")
        check_text(alt)
        check_text(caption)
        number = self._number("figure", defer)
        png = self.data_dir / f"{name}.png"
        svg = self.data_dir / f"{name}.svg"
        # The tight box is worked out once (a draw without rendering at the PNG's resolution,
        # as savefig's own bbox_inches="tight" does) and given to both saves: each save would
        # otherwise lay out the whole figure again just to find it. The PNG is the same byte for
        # byte; zlib level 3 encodes it in half the time of the default 6 for about 15% more bytes.
        bbox = _tight_bbox(fig, dpi)
        fig.savefig(
            png,
            dpi=dpi,
            bbox_inches=bbox,
            facecolor="white",
            metadata={"Software": None},
            pil_kwargs={"compress_level": 3},
        )
        links = [f'<a href="{self.href}/{name}.png" download>Download image (PNG)</a>']
        if svg_max_bytes:
            # A fixed hash salt: matplotlib otherwise salts the SVG's element ids with a random
            # uuid, and the same chart would differ byte for byte from one run to the next.
            with plt.rc_context({"svg.hashsalt": f"{self.chapter}/{name}"}):
                fig.savefig(svg, bbox_inches=bbox, facecolor="white", metadata={"Date": None, "Creator": None})
            if svg.stat().st_size <= svg_max_bytes:
                links = [
                    f'<a href="{self.href}/{name}.svg" download>Download image (SVG)</a>',
                    f'<a href="{self.href}/{name}.png" download>PNG</a>',
                ]
            else:
                svg.unlink()  # a map of thousands of neighbourhoods: the 2x PNG serves better
        plt.close(fig)
        if data is not None:
            data.to_csv(self.data_dir / f"{name}_data.csv", index=False)
            links.insert(0, f'<a href="{self.href}/{name}_data.csv" download>Download the data (CSV)</a>')
        src = f" Source: {esc_html(source)}." if source else ""
        html_out = (
            f'<figure class="evidence-figure" id="figure-{name}">'
            f'<img src="{self.href}/{name}.png" alt="{esc_html(alt)}" loading="lazy" style="max-width:100%;height:auto">'
            f"<figcaption><strong>Figure {number}.</strong> {esc_html(caption)}{src} "
            f"{' · '.join(links)}</figcaption></figure>"
        )
        self.outputs.append(
            {
                "kind": "figure",
                "name": name,
                "file": f"{name}.png",
                "caption": caption,
                "alt": alt,
                "data": f"{name}_data.csv" if data is not None else None,
            }
        )
        if defer:
            self._store(name, "html", html_out)
        else:
            _display(obj_html=html_out)

    # ---------------------------------------------------------------- save
    def save(self) -> Path:
        """Write headline.json (headline figures, outputs, glued words and the claims behind
        them). Call at the end of a chapter's build."""
        doc = {
            "chapter": self.chapter,
            "icb": getattr(self.icb, "ods_code", self.icb),
            "headlines": {k: asdict(h) for k, h in self.headlines.items()},
            "outputs": self.outputs,
            "glued": self.glued,
            "claims": {k: _claim_record(c) for k, c in self.claims.items()},
        }
        path = self.data_dir / "headline.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, path)
        return path


def _tight_bbox(fig: Any, dpi: float) -> Any:
    """The box ``savefig(bbox_inches="tight")`` would crop ``fig`` to at ``dpi`` (in inches,
    padded by ``savefig.pad_inches``)."""
    import matplotlib as mpl

    dpi0 = fig.dpi
    fig.set_dpi(dpi)
    try:
        # One renderer for the layout and the box, as savefig's own "tight" does: the text
        # metrics measured while laying out are then reused (a second renderer measured every
        # label again, about a fifth of the time of finding the box).
        renderer = fig.canvas.get_renderer()
        with renderer._draw_disabled():
            fig.draw(renderer)
        box = fig.get_tightbbox(renderer)
    finally:
        fig.set_dpi(dpi0)
    return box.padded(mpl.rcParams["savefig.pad_inches"])


def _claim_record(claim: Any) -> dict:
    try:
        rec = asdict(claim)
    except TypeError:
        rec = {"words": getattr(claim, "words", str(claim))}
    return json.loads(json.dumps(rec, default=str))


#: Stands for a deferred figure's or table's number until :meth:`Chapter.show` shows it.
_NUMBER_MARK = {"figure": "\ue000figure-number\ue000", "table": "\ue000table-number\ue000"}


class _MdText(str):
    """A string glued as Markdown (``{glue:md}``) and as plain text (``{glue:text}``): both roles
    work on the same key."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        # {glue:text} passes text/plain through ast.literal_eval (myst_nb.core.variables.
        # format_plain_text) to strip a string's quotes: unquoted, "791,685" became the tuple
        # "(791, 685)" and "None" the None object. A quoted literal comes back as exactly this text.
        return str.__repr__(self)


def _md_object(text: str) -> _MdText:
    return _MdText(text)


__all__ = [
    "Chapter",
    "FORMATS",
    "ImplausibleValueError",
    "check_text",
    "count",
    "esc",
    "esc_html",
    "fmt",
    "num",
    "ordinal",
    "org_name",
    "pct",
    "plain_text",
    "plural",
    "years",
]
