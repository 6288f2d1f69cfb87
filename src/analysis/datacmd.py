"""``python -m analysis data status | add | remove | fetch``: bring new publications into the book.

* ``status``: every dataset, its current edition and period, whether its files are present and
  verified, how old it is against its publication frequency, what is overdue, and whether a user
  without the data mirror could get it.
* ``add FILE``: recognise the dataset and period from the file's content, validate it with the
  dataset's reader (the loader's own parsing and checks), guard against upstream errors (an
  older period, an unknown organisation code, values that repeat another period's), then store
  it under ``data/raw/<dataset>/<edition>/`` and add the edition to the manifest. Adding the same
  file twice changes nothing; a refused file changes nothing.
* ``remove``: take an edition out of the manifest (its file stays in the store).
* ``fetch``: look at a dataset's publisher page for files newer than the manifest's latest
  edition, download them (https only), and add them as ``add`` does.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
import shutil
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import manifest_io, sources
from .load._base import LoaderError
from .load.readers import EditionReader, all_readers, find_repeated_periods, reader_for


class DataCommandError(RuntimeError):
    """A ``data`` command refused its input; the message says why and what to do. Nothing was
    changed."""


Log = Callable[[str], None]

# --------------------------------------------------------------------------------- ages

#: A dataset is overdue when the newest edition's period ended more than this many months ago:
#: the publication frequency plus the publisher's usual lag (NHS England's monthly statistics
#: appear about six weeks after the month; quarterly ones about three months; annual ones up to a
#: year after the period).
OVERDUE_AFTER_MONTHS = {"weekly": 2, "monthly": 3, "quarterly": 6, "annual": 24}

_MONTH_WORDS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


def end_from_text(text: str) -> dt.date | None:
    """The latest month or year a documentation period mentions ("monthly Apr 2022-Apr 2026" ->
    end of April 2026; "2014/15-2023/24" -> end of March 2024; "2010-12 to 2022-24" -> end of 2024).
    Only for ``status`` of editions whose files state no period; None when unclear."""
    text = str(text or "")
    ends: list[dt.date] = []
    for mon, year in re.findall(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{4})\b", text):
        if mon.lower() in _MONTH_WORDS:
            m = _MONTH_WORDS[mon.lower()]
            ends.append((pd.Timestamp(int(year), m, 1) + pd.offsets.MonthEnd(0)).date())
    if not ends:
        for a, _b in re.findall(r"\b(\d{4})\s*/\s*(\d{2})\b", text):  # financial years 2023/24
            ends.append(dt.date(int(a) + 1, 3, 31))
        for a, b in re.findall(r"\b(\d{4})\s*-\s*(\d{2})\b", text):  # 3-year periods 2022-24
            y = int(a[:2] + b)
            if 0 <= y - int(a) <= 3:
                ends.append(dt.date(y, 12, 31))
        if not ends:
            ends += [dt.date(int(y), 12, 31) for y in re.findall(r"\b(20\d{2}|19\d{2})\b", text)]
    return max(ends) if ends else None


def months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


@dataclass
class Status:
    dataset: str
    title: str
    frequency: str
    kind: str
    n_editions: int
    edition: str
    period: str
    period_from: str
    period_end: dt.date | None
    files_ok: int
    files_total: int
    where: str
    age_months: int | None
    overdue: bool
    without_mirror: bool
    as_published: bool
    problems: list[str]


def dataset_status(ds: str, today: dt.date, *, verify: bool = True) -> Status:
    meta = sources.manifest()[ds]
    eds = sources.editions(ds, all_editions=True)
    latest = eds[-1]
    freq = str(meta.get("frequency", "one-off"))
    kind = str(meta.get("kind", "reference"))
    # Files a build reads: every edition of a series, the latest of a snapshot or reference.
    used = eds if kind == "series" else [latest]
    ok = total = 0
    places: set[str] = set()
    problems: list[str] = []
    for e in used:
        for spec in e.files:
            total += 1
            if not verify:
                continue
            path, looked = sources._find_local(spec)
            if path is not None:
                ok += 1
                mirror = sources.mirror_dir()
                places.add("mirror" if mirror and str(path).startswith(str(mirror)) else "store")
            else:
                problems.append(f"{e.id}/{spec.filename}: not found or changed ({'; '.join(looked[-1:])})")
    end = latest.period.end or (end_from_text(latest.period.label) if latest.period_from != "file" else None)
    age = months_between(end, today) if end else None
    overdue = bool(age is not None and freq in OVERDUE_AFTER_MONTHS and age > OVERDUE_AFTER_MONTHS[freq])
    without_mirror = all(bool(s.url) for e in used for s in e.files)
    as_published = all(str(_file_meta(ds, s).get("origin", "")).startswith("official") for e in used for s in e.files)
    return Status(
        ds,
        str(meta.get("title", ds)),
        freq,
        kind,
        len(eds),
        latest.id,
        latest.period.label,
        latest.period_from,
        end,
        ok,
        total,
        "+".join(sorted(places)) or "-",
        age,
        overdue,
        without_mirror,
        as_published,
        problems,
    )


def _file_meta(ds: str, spec: sources.FileSpec) -> dict:
    for e in sources.manifest()[ds].get("editions", []):
        if str(e.get("id")) == spec.edition or (not spec.edition and "files" in e):
            f = (e.get("files") or {}).get(spec.filename)
            if f is not None:
                return f
    return (sources.manifest()[ds].get("files") or {}).get(spec.filename) or {}


def status(today: dt.date | None = None, *, log: Log = print, verify: bool = True) -> list[Status]:
    today = today or dt.date.today()
    rows = [dataset_status(ds, today, verify=verify) for ds in sorted(sources.manifest())]
    w = max(len(r.dataset) for r in rows)
    log(
        f"{'dataset':<{w}}  {'freq':<9} {'eds':>3}  {'current edition (period)':<46} {'files':>7}  "
        f"{'age':>5}  {'state':<9} {'no mirror'}"
    )
    for r in rows:
        period = r.period if r.period_from == "file" else f"{r.period} [documentation]"
        period = (period[:43] + "...") if len(period) > 46 else period
        age = f"{r.age_months}m" if r.age_months is not None else "-"
        state = "MISSING" if r.files_ok < r.files_total else ("OVERDUE" if r.overdue else "ok")
        log(
            f"{r.dataset:<{w}}  {r.frequency:<9} {r.n_editions:>3}  {period:<46} {r.files_ok:>3}/{r.files_total:<3}  "
            f"{age:>5}  {state:<9} {'yes' if r.without_mirror else 'no'}"
        )
        for p in r.problems[:3]:
            log(f"{'':<{w}}    ! {p}")
    n = len(rows)
    log("")
    log(
        f"{n} datasets; {sum(r.files_ok == r.files_total for r in rows)} with every file present and verified; "
        f"{sum(r.overdue for r in rows)} overdue (newest period older than frequency + usual publication lag); "
        f"{sum(r.period_from == 'file' for r in rows)} dated from their files, the rest from documentation."
    )
    log(
        f"Without the data mirror, {sum(r.without_mirror for r in rows)} of {n} datasets could be downloaded "
        f"(every file has a public URL for its exact bytes); {sum(r.as_published for r in rows)} are read from "
        f"files exactly as their publisher released them; "
        f"{sum(1 for r in rows if reader_for(r.dataset) is not None)} have a reader for new editions "
        f"(`data add`), {sum(1 for ds in sources.manifest() if sources.manifest()[ds].get('fetch'))} a publisher "
        f"page for `data fetch`."
    )
    return rows


# --------------------------------------------------------------------------------- add


@dataclass
class Added:
    dataset: str
    edition: str
    period: sources.Period
    path: Path
    unchanged: bool
    chapters: list[str]


def _recognise(path: Path, dataset: str | None) -> EditionReader:
    readers = all_readers()
    if dataset:
        if dataset not in sources.manifest() and dataset not in readers:
            raise DataCommandError(f"Unknown dataset {dataset!r}. `python -m analysis data status` lists them.")
        reader = readers.get(dataset)
        if reader is None:
            raise DataCommandError(
                f"Dataset {dataset!r} has no reader for new editions yet, so a file cannot be checked and dated "
                f"automatically. Datasets that have one: {', '.join(readers)}."
            )
        rec = reader.recognise(path)
        if not rec.ok:
            others = [ds for ds, r in readers.items() if ds != dataset and r.recognise(path).ok]
            hint = f" It looks like dataset {others[0]!r} instead." if others else ""
            raise DataCommandError(
                f"{path.name} is not an edition of {dataset!r} ({reader.describes}): {rec.why}.{hint}"
            )
        return reader
    matches = [r for r in readers.values() if r.recognise(path).ok]
    if not matches:
        raise DataCommandError(
            f"{path.name} does not look like any dataset the book can take new editions of "
            f"({', '.join(readers)}). If it is one of them, name it with --dataset to see why it is refused."
        )
    if len(matches) > 1:
        raise DataCommandError(
            f"{path.name} looks like several datasets ({', '.join(r.dataset for r in matches)}): "
            "name one with --dataset."
        )
    return matches[0]


def _read(reader: EditionReader, path: Path) -> tuple[pd.DataFrame, sources.Period]:
    try:
        table = reader.read(path)
        period = reader.period(table, path)
    except (LoaderError, sources.DataSourceError, ValueError) as exc:
        raise DataCommandError(f"{path.name} was refused by the {reader.dataset!r} checks: {exc}") from exc
    return table, period


def _existing_tables(
    reader: EditionReader, eds: list[sources.Edition]
) -> dict[str, tuple[sources.Edition, pd.DataFrame]]:
    out = {}
    for e in eds:
        if len(e.files) != 1:
            continue
        try:
            out[e.id] = (e, reader.read(sources.resolve_spec(e.files[0], download=False)))
        except (LoaderError, sources.DataSourceError):
            continue  # an edition that cannot be read here is not used for the guards
    return out


def chapters_reading(dataset: str) -> list[str]:
    """Chapters whose last run read ``dataset`` (from the execution cache's records)."""
    from .build import notebook_cache_dir

    found = set()
    root = notebook_cache_dir()
    for inputs in root.glob("*/*/inputs.json"):
        try:
            labels = json.loads(inputs.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if any(str(lb).split("/")[0].split("@")[0].split("#")[0] == dataset for lb in labels):
            found.add(inputs.parent.parent.name)
    return sorted(found)


def add(
    file: str | Path,
    *,
    dataset: str | None = None,
    revision: bool = False,
    allow_new_codes: bool = False,
    url: str | None = None,
    log: Log = print,
    added: str | None = None,
) -> Added:
    """Add ``file`` as a new edition (see the module docstring). Raises DataCommandError, having
    changed nothing, when the file is refused."""
    path = Path(file)
    if not path.is_file():
        raise DataCommandError(f"{path} does not exist or is not a file.")
    if path.stat().st_size == 0:
        raise DataCommandError(f"{path} is empty (0 bytes).")
    if url:
        sources._check_url(url)
    reader = _recognise(path, dataset)
    ds = reader.dataset
    sha = sources.sha256_file(path)
    with manifest_io.lock():
        sources.clear_caches()
        # A dataset whose reader knows it but that has no edition yet (its first file) starts empty.
        has_editions = bool(
            (sources.manifest().get(ds) or {}).get("editions") or (sources.manifest().get(ds) or {}).get("files")
        )
        eds = sources.editions(ds, all_editions=True) if has_editions else []
        for e in eds:
            for spec in e.files:
                if spec.sha256 == sha:
                    log(f"{path.name} is already edition {e.id} ({e.period.label}) of {ds}: nothing changed.")
                    return Added(ds, e.id, e.period, sources.store_path(spec), True, [])
        table, period = _read(reader, path)
        if period.end is None:
            raise DataCommandError(f"{path.name}: the {ds!r} reader found no period in the file.")
        dated = [e for e in eds if e.period.end is not None]
        latest_end = max((e.period.end for e in dated), default=None)
        same = [e for e in dated if e.period.start == period.start and e.period.end == period.end]
        if same and not revision:
            raise DataCommandError(
                f"{path.name} is for {period.label}, which edition {same[-1].id} of {ds} already covers (with "
                f"different bytes). If NHS England revised the file, add it again with --revision."
            )
        if not same and latest_end is not None and period.end < latest_end:
            newest = max(dated, key=lambda e: e.period.end)
            raise DataCommandError(
                f"{path.name} is for {period.label}, older than the current edition of {ds} ({newest.period.label}). "
                f"Only a newer period (or, with --revision, a revised file of a period already present) can be added."
            )
        existing = _existing_tables(reader, dated)
        new_codes = reader.org_codes(table)
        if new_codes is not None and existing and not allow_new_codes:
            known = set()
            for _, t in existing.values():
                codes = reader.org_codes(t)
                if codes is not None:
                    known |= set(codes.astype(str))
            unknown = sorted(set(new_codes.astype(str)) - known)
            if unknown:
                raise DataCommandError(
                    f"{path.name} has {len(unknown)} organisation code(s) that no earlier edition of {ds} has: "
                    f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}. If they are new organisations, "
                    f"check them with NHS England's ODS and add the file again with --allow-new-codes."
                )
        new_values = reader.values(table)
        if new_values is not None and existing:
            candidates = {"(new file)": new_values}
            labels = {}
            for eid, (e, t) in existing.items():
                v = reader.values(t)
                if v is not None and not (e.period.start == period.start and revision):
                    candidates[e.period.label] = v
                    labels[e.period.label] = eid
            repeats = [
                (a, b)
                for a, b in find_repeated_periods({k: candidates[k] for k in [*candidates][1:] + ["(new file)"]})
                if a == "(new file)"
            ]
            if repeats:
                twin = repeats[0][1]
                raise DataCommandError(
                    f"{path.name} says it is {period.label}, but its values are identical, organisation by "
                    f"organisation, to edition {labels[twin]} ({twin}): an upstream copy error, not new data. "
                    f"Check the file on the publisher's page."
                )
        doc = manifest_io.read()
        if ds not in doc:
            entry_meta = getattr(reader, "new_dataset", None)
            if not entry_meta:
                raise DataCommandError(
                    f"Dataset {ds!r} is not in the manifest and its reader does not describe it: "
                    "add it with `python tools/make_sources.py add`."
                )
            doc[ds] = {**entry_meta, "editions": []}
        meta = doc[ds]
        if not meta.get("editions") and "files" not in meta:
            meta["editions"] = []
        if "editions" not in meta:
            raise DataCommandError(
                f"Dataset {ds!r} is in the older one-edition form in the manifest: run "
                f"`python tools/make_sources.py migrate` first."
            )
        eid = manifest_io.edition_id(
            period, str(meta.get("frequency", reader.frequency)), [str(e.get("id")) for e in meta["editions"]]
        )
        entry = {"sha256": sha, "bytes": path.stat().st_size, "origin": "official file, unchanged"}
        if url:
            entry["url"] = url
        edition = {
            "id": eid,
            **period.as_manifest(),
            "period_from": "file",
            "added": added or manifest_io.now_utc(),
            "files": {path.name: entry},
        }
        dest = sources.raw_dir() / ds / eid / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part{os.getpid()}")
        shutil.copyfile(path, tmp)
        if sources.sha256_file(tmp) != sha:
            tmp.unlink(missing_ok=True)
            raise DataCommandError(f"{path} changed while it was being copied; nothing was added.")
        os.replace(tmp, dest)
        try:
            meta["editions"].append(edition)
            manifest_io.write(doc)
        except Exception:
            dest.unlink(missing_ok=True)
            raise
    chapters = chapters_reading(ds)
    log(f"Added {path.name} as edition {eid} of {ds} ({period.label}); stored at {dest}.")
    if chapters:
        log(f"Chapters that read {ds} and will re-run at the next build: {', '.join(chapters)}.")
    else:
        log(f"No chapter has read {ds} in this checkout's cache yet; the next build runs every chapter that does.")
    return Added(ds, eid, period, dest, False, chapters)


def remove(dataset: str, edition: str, *, log: Log = print) -> None:
    with manifest_io.lock():
        doc = manifest_io.read()
        if dataset not in doc:
            raise DataCommandError(f"Unknown dataset {dataset!r}.")
        eds = doc[dataset].get("editions") or []
        keep = [e for e in eds if str(e.get("id")) != edition]
        if len(keep) == len(eds):
            raise DataCommandError(
                f"Dataset {dataset!r} has no edition {edition!r}; its editions: "
                f"{', '.join(str(e.get('id')) for e in eds)}."
            )
        if not keep:
            raise DataCommandError(f"{edition!r} is the only edition of {dataset!r}; a dataset keeps at least one.")
        doc[dataset]["editions"] = keep
        manifest_io.write(doc)
    log(
        f"Removed edition {edition} of {dataset} from the manifest (any stored file stays in "
        f"{sources.raw_dir() / dataset / edition})."
    )


# --------------------------------------------------------------------------------- fetch


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for k, v in attrs:
                if k == "href" and v:
                    self.hrefs.append(v)


def _get(url: str, timeout: float = 60) -> bytes:
    sources._check_url(url)
    req = urllib.request.Request(url, headers={"User-Agent": "icb-inequalities-book data fetch"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked above)
            return resp.read()
    except OSError as exc:
        raise DataCommandError(f"Could not read {url}: {exc}") from exc


def fetch(dataset: str | None = None, *, log: Log = print) -> list[Added]:
    """For each dataset with a ``fetch`` entry (publisher pages and a link pattern), download the
    linked files not yet in the manifest and add those newer than the latest edition."""
    man = sources.manifest()
    names = [dataset] if dataset else sorted(ds for ds in man if man[ds].get("fetch"))
    if dataset and dataset not in man:
        raise DataCommandError(f"Unknown dataset {dataset!r}.")
    if dataset and not man[dataset].get("fetch"):
        raise DataCommandError(
            f"Dataset {dataset!r} has no publisher page to fetch from in the manifest "
            "(a `fetch:` entry with `pages` and `links`)."
        )
    added: list[Added] = []
    for ds in names:
        spec = man[ds]["fetch"]
        pattern = re.compile(spec["links"])
        known = {f.filename for e in sources.editions(ds, all_editions=True) for f in e.files}
        links: list[str] = []
        for page in spec["pages"]:
            parser = _Links()
            parser.feed(_get(page).decode("utf-8", errors="replace"))
            for href in parser.hrefs:
                full = urllib.parse.urljoin(page, href)
                name = urllib.parse.unquote(Path(urllib.parse.urlparse(full).path).name)
                if pattern.search(name) and name not in known and full not in links:
                    links.append(full)
        log(f"{ds}: {len(links)} new file(s) on the publisher's page(s)")
        with tempfile.TemporaryDirectory() as tmp:
            got = []
            for link in links:
                name = urllib.parse.unquote(Path(urllib.parse.urlparse(link).path).name)
                dest = Path(tmp) / name
                dest.write_bytes(_get(link))
                reader = reader_for(ds)
                try:
                    table, period = _read(reader, dest)
                except DataCommandError as exc:
                    log(f"  skipped {name}: {exc}")
                    continue
                got.append((period.end, dest, link))
            for _, dest, link in sorted(got):
                try:
                    added.append(add(dest, dataset=ds, url=link, log=log))
                except DataCommandError as exc:
                    log(f"  not added {dest.name}: {exc}")
    return added


__all__ = [
    "Added",
    "DataCommandError",
    "Status",
    "add",
    "chapters_reading",
    "dataset_status",
    "end_from_text",
    "fetch",
    "remove",
    "status",
]
