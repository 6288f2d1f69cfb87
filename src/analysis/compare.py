"""Every ICB: build all 42 books with a comparison landing page, and the fast all-ICB check.

* ``python -m analysis build --all``: every ICB's book under ``_build/all/<ods>/`` and a landing
  page ``_build/all/index.html`` comparing the ICBs on the headline figures each chapter's
  headline registry marks with ``compare:`` (``src/analysis/registry/headlines/<chapter>.yml``),
  sortable and readable without JavaScript. Shared work
  (national tables) is computed once per build: chapters read the parquet table cache that
  the ``prepare`` step fills before the chapters run.
* ``python -m analysis check``: each chapter module's ``headline_figures`` for all 42 ICBs,
  without notebooks or HTML, failing on any missing or implausible value (run in CI).
"""

from __future__ import annotations

import html
import importlib
import json
import math
import time
from collections.abc import Callable
from pathlib import Path

from . import build, geography, headlines


def compare_spec(chapters: list[str] | None = None) -> list[dict]:
    """The figures the landing page compares, in chapter order: each chapter's headline registry
    entries with a ``compare:`` label (:func:`analysis.headlines.compared`).

    Each item: chapter, key, label, unit ("%" or ""; other units are in the label), note, dp.
    """
    if chapters is None:
        chapters = [c.id for c in build.load_book_spec().chapters]
    return [
        {
            "chapter": s.chapter,
            "key": s.key,
            "label": s.compare,
            "unit": "%" if s.unit == "%" else "",
            "note": s.compare_note,
            "dp": s.dp,
        }
        for s in headlines.compared(chapters)
    ]


def all_root() -> Path:
    return build.build_dir() / "all"


def build_all(
    imd_version: int | str = build.DEFAULT_IMD_VERSION,
    n_jobs: int = 2,
    log: Callable[[str], None] = print,
    force: bool = False,
    limit: int | None = None,
    only: list[str] | None = None,
) -> int:
    icbs = geography.all_icbs()
    if only:
        icbs = [geography.find_icb(q) for q in only]
    if limit:
        # Put the default ICB first so that a limited run still covers it.
        icbs = sorted(icbs, key=lambda i: i.ods_code != geography.DEFAULT_ICB)[:limit]
    params = [build.validate_params(i.ods_code, imd_version) for i in icbs]
    root = all_root()
    root.mkdir(parents=True, exist_ok=True)
    targets = {p.icb.ods_code: root / p.icb.slug for p in params}
    t0 = time.perf_counter()
    log(f"Building {len(params)} ICB books (IMD {params[0].imd_version}), {n_jobs} at a time ...")
    reports = build.build_books(params, targets=targets, n_jobs=n_jobs, log=log, force=force)
    executed = sum(r.executed for r in reports)
    write_landing(params, root)
    dt = time.perf_counter() - t0
    log(
        f"Done in {dt:.1f}s: {executed} chapter(s) executed across {len(params)} ICBs "
        f"({dt / len(params):.1f}s per ICB)."
    )
    log(f"The comparison page is at {(root / 'index.html').absolute()}")
    return 0


def _headline(root: Path, icb: geography.ICB, chapter: str, key: str) -> float | None:
    p = root / icb.slug / "data" / chapter / "headline.json"
    if not p.exists():
        return None
    doc = json.loads(p.read_text(encoding="utf-8"))
    h = doc.get("headlines", {}).get(key)
    return None if h is None else h.get("value")


def write_landing(params: list[build.Params], root: Path) -> Path:
    spec = compare_spec()
    head_cells = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-col="{i + 2}">{html.escape(c["label"])}</button></th>'
        for i, c in enumerate(spec)
    )
    rows = []
    for p in sorted(params, key=lambda x: x.icb.short_name):
        icb = p.icb
        cells = []
        for c in spec:
            v = _headline(root, icb, c["chapter"], c["key"])
            dp = int(c.get("dp", 1))
            unit = c.get("unit", "")
            text = "–" if v is None else f"{v:,.{dp}f}{unit}"
            sort = "" if v is None else f"{v:.6f}"
            cells.append(f'<td data-sort="{sort}">{html.escape(text)}</td>')
        rows.append(
            f'<tr><th scope="row" data-sort="{html.escape(icb.short_name)}"><a href="{icb.slug}/index.html">'
            f'{html.escape(icb.short_name)}</a> <span class="code">{icb.ods_code}</span></th>'
            f'<td data-sort="{html.escape(icb.region_name)}">{html.escape(icb.region_name)}</td>{"".join(cells)}</tr>'
        )
    notes = "".join(
        f"<li><strong>{html.escape(c['label'])}</strong>: {html.escape(c.get('note', ''))}</li>" for c in spec
    )
    page = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Health inequalities evidence books: all 42 ICBs compared</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; color: #231F20; margin: 0 auto; max-width: 1200px; padding: 1rem; }}
h1 {{ color: #003087; }} table {{ border-collapse: collapse; width: 100%; font-size: .95rem; }}
th, td {{ padding: .35rem .5rem; border-bottom: 1px solid #E8EDEE; text-align: right; }}
th[scope=row], td:nth-child(2), thead th:first-child, thead th:nth-child(2) {{ text-align: left; }}
thead th button {{ font: inherit; font-weight: bold; background: none; border: 0; color: #005EB8; cursor: pointer; text-align: inherit; padding: 0; text-decoration: underline; }}
a {{ color: #005EB8; }} a:focus-visible, button:focus-visible {{ outline: 3px solid #FFB81C; }}
.code {{ color: #425563; font-size: .8em; font-weight: normal; }}
@media print {{ thead th button {{ text-decoration: none; color: #000; }} }}
</style></head><body><main>
<h1>Health inequalities evidence books: all 42 ICBs compared</h1>
<p>One evidence book per NHS Integrated Care Board, built from the same published data by the same code
(IMD {params[0].imd_version}). Select an ICB to open its book. Select a column heading to sort.</p>
<table id="compare"><caption>Headline figures for each ICB ({len(params)} ICBs)</caption>
<thead><tr><th scope="col" aria-sort="ascending"><button type="button" data-col="0">ICB</button></th>
<th scope="col" aria-sort="none"><button type="button" data-col="1">NHS region</button></th>{head_cells}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>What the columns mean</h2><ul>{notes}</ul>
<p><a href="data/compare.json">Download these figures as JSON</a>.</p>
</main>
<script>
document.querySelectorAll('#compare thead button').forEach(function (btn) {{
  btn.addEventListener('click', function () {{
    var th = btn.parentElement, col = +btn.dataset.col, tbody = document.querySelector('#compare tbody');
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    document.querySelectorAll('#compare thead th').forEach(function (h) {{ h.setAttribute('aria-sort', 'none'); }});
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {{
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      if (x === '' && y === '') return 0; if (x === '') return 1; if (y === '') return -1;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    }});
    rows.forEach(function (r) {{ tbody.appendChild(r); }});
  }});
}});
</script></body></html>
"""
    (root / "data").mkdir(parents=True, exist_ok=True)
    data = {
        p.icb.ods_code: {f"{c['chapter']}.{c['key']}": _headline(root, p.icb, c["chapter"], c["key"]) for c in spec}
        for p in params
    }
    (root / "data" / "compare.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    out = root / "index.html"
    out.write_text(page, encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- fast check


def chapter_modules() -> list[tuple[str, object]]:
    mods = []
    for ch in build.load_book_spec().chapters:
        try:
            mod = importlib.import_module(f"analysis.chapters.{ch.id}")
        except ModuleNotFoundError:
            continue
        if hasattr(mod, "headline_figures"):
            mods.append((ch.id, mod))
    return mods


def check_all(
    log: Callable[[str], None] = print,
    imd_version: int | str = build.DEFAULT_IMD_VERSION,
    icbs: list[str] | None = None,
) -> int:
    """Headline figures of every chapter for every ICB; exit 1 on any missing/implausible value."""
    v = build.validate_params(geography.DEFAULT_ICB, imd_version).imd_version
    codes = icbs or [i.ods_code for i in geography.all_icbs()]
    problems: list[str] = []
    gaps: list[str] = []
    n_values = 0
    t0 = time.perf_counter()
    for cid, mod in chapter_modules():
        t1 = time.perf_counter()
        for code in codes:
            try:
                figures = mod.headline_figures(code, v)
            except Exception as exc:  # report every failure, not just the first
                problems.append(f"{cid} / {code}: {type(exc).__name__}: {exc}")
                continue
            if not figures:
                problems.append(f"{cid} / {code}: no headline figures returned")
            # Ranges are declared once, in the chapter's headline registry; modules not yet moved
            # there keep their own table.
            ranges = headlines.ranges(cid) or getattr(mod, "HEADLINE_RANGES", {})
            declared = headlines.registry(cid)
            documented = getattr(mod, "NOT_AVAILABLE", {})
            for key, val in figures.items():
                n_values += 1
                if declared and key not in declared:
                    problems.append(f"{cid} / {code}: headline {key!r} is not declared in the chapter's registry")
                if val is None or not isinstance(val, (int, float)) or math.isnan(val) or math.isinf(val):
                    if key in documented:
                        gaps.append(f"{cid} / {code}: {key} not available: {documented[key]}")
                    else:
                        problems.append(f"{cid} / {code}: {key} is missing ({val!r})")
                    continue
                lo, hi = ranges.get(key, (None, None))
                if (lo is not None and val < lo) or (hi is not None and val > hi):
                    problems.append(f"{cid} / {code}: {key} = {val} is outside its plausible range [{lo}, {hi}]")
        log(f"  {cid}: {len(codes)} ICBs checked in {time.perf_counter() - t1:.1f}s")
    log(f"Checked {n_values} headline values for {len(codes)} ICBs in {time.perf_counter() - t0:.1f}s.")
    if gaps:
        log(f"{len(gaps)} value(s) documented as not available in the source data:\n  " + "\n  ".join(gaps))
    if n_values == 0:
        problems.append("no chapter computed any headline figure: nothing was checked")
    if problems:
        log(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
        return 1
    log("All headline figures present and plausible.")
    return 0
