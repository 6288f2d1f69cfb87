"""What a chapter notebook writes: sentences, tables, figures and headline figures.

A chapter notebook is a thin template: it calls the package for every number and uses a
:class:`Chapter` to put results on the page. The chapter object

* formats every number that goes into a sentence through :func:`num` (and friends), which
  refuses a missing or implausible value instead of writing "nan%" into the book;
* writes each table as CSV under ``data/<chapter>/<name>.csv`` (relative to the page) and shows
  it as an accessible HTML table with a caption and a download link;
* saves each figure as PNG under ``data/<chapter>/<name>.png`` with alt text and caption, so the
  page works without JavaScript and stays small;
* collects headline figures and writes ``data/<chapter>/headline.json`` on :meth:`Chapter.save`,
  which CI, the summary page and the all-ICB comparison read.

Text that comes from data (area and organisation names) is HTML-escaped: see :func:`esc`.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd


class ImplausibleValueError(ValueError):
    """A number about to be written into the book is missing or outside its plausible range."""


def esc_html(text: Any) -> str:
    """Escape text from data for an HTML context (attribute or element)."""
    return html.escape(str(text), quote=True)


def esc(text: Any) -> str:
    """Escape text from data for a Markdown sentence (names can contain '<', '&', '*')."""
    s = html.escape(str(text), quote=True)
    # Markdown emphasis / link characters in names must stay literal.
    return re.sub(r"([*_`\[\]\\|])", r"\\\1", s)


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


def num(value: Any, *, dp: int = 1, lo: float | None = None, hi: float | None = None,
        what: str = "value", unit: str = "") -> str:
    """Format a number for a sentence, refusing missing / implausible values."""
    v = _check(value, what, lo, hi)
    text = f"{v:,.{dp}f}"
    return f"{text}{unit}"


def pct(value: Any, *, dp: int = 1, what: str = "percentage", lo: float = 0, hi: float = 100) -> str:
    """A percentage already on the 0-100 scale, e.g. pct(23.456) -> '23.5%'."""
    return num(value, dp=dp, lo=lo, hi=hi, what=what, unit="%")


def count(value: Any, *, what: str = "count", lo: float = 0, hi: float | None = None) -> str:
    """A whole number with thousands separators, e.g. count(12345) -> '12,345'."""
    v = _check(value, what, lo, hi)
    return f"{round(v):,}"


def years(value: Any, *, dp: int = 1, what: str = "years", lo: float = -40, hi: float = 120) -> str:
    return num(value, dp=dp, lo=lo, hi=hi, what=what, unit=" years")


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


def _display(obj_html: str | None = None, markdown: str | None = None) -> None:
    try:
        from IPython.display import HTML, Markdown, display
    except ImportError:  # outside IPython (tests): nothing to show
        return
    if markdown is not None:
        display(Markdown(markdown))
    if obj_html is not None:
        display(HTML(obj_html))


class Chapter:
    """Outputs of one chapter for one ICB. ``data_dir`` is ``data/<chapter>`` under the page."""

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
        self._n_fig = 0
        self._n_tab = 0

    # ---------------------------------------------------------------- text
    def md(self, text: str) -> None:
        """Show Markdown. Numbers inside must come from num()/pct()/count(); names from esc()."""
        if re.search(r"\bnan\b|\bNaN\b|\bNone\b|\binf\b", text):
            raise ImplausibleValueError(f"refusing to write a sentence with a missing value: {text[:200]!r}")
        _display(markdown=text)

    def findings(self, items: Iterable[str], title: str = "Key findings") -> None:
        items = list(items)
        if not items:
            raise ImplausibleValueError("a key-findings box needs at least one finding")
        body = "\n".join(f"- {i}" for i in items)
        for i in items:
            self.md_check(i)
        _display(markdown=f":::{{admonition}} {title}\n:class: tip\n{body}\n:::")

    def md_check(self, text: str) -> None:
        if re.search(r"\bnan\b|\bNaN\b|\bNone\b|\binf\b", text):
            raise ImplausibleValueError(f"refusing to write a sentence with a missing value: {text[:200]!r}")

    def note(self, text: str, kind: str = "note", title: str | None = None) -> None:
        """A caveat or data-gap box (kind: note, warning, important, caution)."""
        self.md_check(text)
        head = f"{{admonition}} {title}" if title else f"{{{kind}}}"
        cls = f"\n:class: {kind}" if title else ""
        _display(markdown=f":::{head}{cls}\n{text}\n:::")

    # ---------------------------------------------------------------- headline figures
    def headline(self, key: str, value: Any, *, label: str, unit: str = "", period: str = "",
                 source: str = "", lo: float | None = None, hi: float | None = None, **extra: Any) -> float:
        """Record a headline figure (checked for presence and plausibility) and return it."""
        v = _check(value, f"{self.chapter}.{key} ({label})", lo, hi)
        self.headlines[key] = Headline(key, label, v, unit, period, source, lo, hi, extra)
        return v

    # ---------------------------------------------------------------- tables
    def table(self, df: pd.DataFrame, name: str, caption: str, *, source: str = "",
              formats: dict[str, str] | None = None, index: bool = False, max_rows: int = 60,
              notes: str = "") -> None:
        """Write ``df`` to CSV and show it as an HTML table with caption and download link.

        ``formats`` maps column -> format spec (e.g. '{:,.0f}', '{:.1f}%'); missing values show as
        'suppressed' or '-' (never 0): pass them already as strings where the reason matters.
        """
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"table name {name!r} must be lower-case letters, digits and underscores")
        self._n_tab += 1
        csv_path = self.data_dir / f"{name}.csv"
        df.to_csv(csv_path, index=index)
        shown = df.head(max_rows).copy()
        for col, fmt in (formats or {}).items():
            if col in shown:
                shown[col] = shown[col].map(lambda x, f=fmt: "–" if pd.isna(x) else (f.format(x) if not isinstance(x, str) else x))
        table_html = shown.to_html(index=index, escape=True, na_rep="–", border=0,
                                   classes=["table", "evidence-table"])
        table_html = table_html.replace("<table ", f'<table aria-describedby="cap-{name}" ', 1)
        more = f" Showing {max_rows} of {len(df):,} rows; the CSV has all." if len(df) > max_rows else ""
        src = f" Source: {esc_html(source)}." if source else ""
        extra = f" {esc_html(notes)}" if notes else ""
        html_out = (
            f'<figure class="evidence-table-wrap" id="table-{name}">'
            f'<figcaption id="cap-{name}"><strong>Table {self._n_tab}.</strong> {esc_html(caption)}{src}{extra}{more} '
            f'<a href="{self.href}/{name}.csv" download>Download this table as CSV</a></figcaption>'
            f'<div class="table-scroll" tabindex="0" role="region" aria-label="{esc_html(caption)}">{table_html}</div></figure>'
        )
        self.outputs.append({"kind": "table", "name": name, "file": f"{name}.csv", "caption": caption,
                             "rows": int(len(df))})
        _display(obj_html=html_out)

    # ---------------------------------------------------------------- figures
    def figure(self, fig: Any, name: str, *, alt: str, caption: str, source: str = "",
               dpi: int = 110) -> None:
        """Save a matplotlib figure as PNG and show it with alt text and caption."""
        import matplotlib.pyplot as plt

        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"figure name {name!r} must be lower-case letters, digits and underscores")
        if len(alt.strip()) < 25 or alt.strip().lower() in {"a chart", "chart", "figure", "map"}:
            raise ValueError(f"figure {name!r}: alt text must say what the figure shows, got {alt!r}")
        self.md_check(alt)
        self.md_check(caption)
        self._n_fig += 1
        png = self.data_dir / f"{name}.png"
        fig.savefig(png, dpi=dpi, bbox_inches="tight", facecolor="white", metadata={"Software": None})
        plt.close(fig)
        src = f" Source: {esc_html(source)}." if source else ""
        html_out = (
            f'<figure class="evidence-figure" id="figure-{name}">'
            f'<img src="{self.href}/{name}.png" alt="{esc_html(alt)}" loading="lazy" style="max-width:100%;height:auto">'
            f'<figcaption><strong>Figure {self._n_fig}.</strong> {esc_html(caption)}{src} '
            f'<a href="{self.href}/{name}.png" download>Download image</a></figcaption></figure>'
        )
        self.outputs.append({"kind": "figure", "name": name, "file": f"{name}.png", "caption": caption, "alt": alt})
        _display(obj_html=html_out)

    # ---------------------------------------------------------------- save
    def save(self) -> Path:
        """Write headline.json (headline figures + list of outputs). Call at the end of a chapter."""
        doc = {
            "chapter": self.chapter,
            "icb": getattr(self.icb, "ods_code", self.icb),
            "headlines": {k: asdict(h) for k, h in self.headlines.items()},
            "outputs": self.outputs,
        }
        path = self.data_dir / "headline.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, path)
        return path


__all__ = ["Chapter", "ImplausibleValueError", "count", "esc", "esc_html", "num", "ordinal", "pct", "years"]
