"""Resolve a dataset file named in ``data/sources.yml``: cache, then mirror, then download.

Datasets have **editions** (a month, a quarter, a year, a week's snapshot). Each edition in the
manifest records its period (read from the file by the dataset's reader when the edition was
added, never typed), the date it was added, and its files (sha256, bytes, and the public URL of
the exact bytes where one exists). A build uses, for each dataset, the editions that had been
added by its *as-of* date (``ANALYSIS_AS_OF``; default: all of them), so the book of three months
ago can be rebuilt exactly. :func:`editions` lists them, oldest period first; :func:`latest` is
the newest; loaders of a series (monthly files) read every edition, loaders of a snapshot read
the latest.

Every path is verified against the sha256 pinned in the manifest. A file that cannot be found,
or whose bytes differ, raises one :class:`DataSourceError` that names the dataset, the edition,
the file, every place looked and the checksum expected, so a CI log says exactly what to fix.

Order of places for a file of an edition:
1. the local store ``data/raw/<dataset>/<edition>/<file>`` (where ``data add`` and downloads
   put files; git-ignored), then ``data/raw/<dataset>/<file>`` (older downloads);
2. the read-only mirror ``$ANALYSIS_DATA_MIRROR/<folder>/<file>`` (default ``../shared/data``
   beside the repository, when that folder exists; ``<folder>`` is the dataset's ``mirror``
   folder, by default its name) - read in place, never copied;
3. the file's ``url`` in the manifest, fetched with pooch into the store (https only).

Each resolved file is recorded (``dataset@edition/file`` and its sha256), and so is the set of
editions selected for the dataset (``dataset#editions``), so that the build can key a chapter's
cache on the exact bytes and editions it read; see :func:`inputs_read`, :func:`current_sha` and
``ANALYSIS_INPUTS_LOG``. A new edition of a dataset therefore re-runs exactly the chapters that
read that dataset.

Facts about a dataset that are not files are recorded on its block too: a **series break**
(``breaks:``, the first month of a changed definition, in the publisher's words) is read with
:func:`series_break`, so that no loader or chapter types the date; reading it is recorded
(``dataset#breaks``) like an edition selection, so correcting a break re-runs the chapters that
used it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import yaml

from .paths import CACHE_DIR, RAW_DIR, ROOT

T = TypeVar("T")


class DataSourceError(RuntimeError):
    """A dataset file is unknown, missing, or its bytes do not match the manifest."""


#: How often a publisher releases a dataset; ``data status`` judges an edition's age by it.
FREQUENCIES = ("weekly", "monthly", "quarterly", "annual", "one-off")
#: series: every edition adds periods and all are read (monthly files); snapshot: each edition
#: replaces the last (the latest is read, earlier ones are kept for comparison and as-of
#: builds); reference: fixtures and lookups that do not age.
KINDS = ("series", "snapshot", "reference")


@dataclass(frozen=True)
class Period:
    """The period an edition covers, as read from its file(s)."""

    start: dt.date | None
    end: dt.date | None
    label: str

    def as_manifest(self) -> dict:
        out: dict = {"period": self.label}
        if self.start:
            out["period_start"] = self.start.isoformat()
        if self.end:
            out["period_end"] = self.end.isoformat()
        return out


@dataclass(frozen=True)
class FileSpec:
    dataset: str
    filename: str
    sha256: str
    bytes: int | None
    url: str | None
    edition: str = ""
    mirror: str | None = None  # path relative to the mirror root, when not <dataset>/<filename>

    @property
    def label(self) -> str:
        """How the inputs log names the file: ``dataset@edition/file``."""
        return f"{self.dataset}@{self.edition}/{self.filename}" if self.edition else f"{self.dataset}/{self.filename}"


@dataclass(frozen=True)
class Edition:
    dataset: str
    id: str
    period: Period
    added: dt.datetime
    files: tuple[FileSpec, ...] = field(default_factory=tuple)
    period_from: str = "file"  # "file" (read by the dataset's reader) or "documentation"

    def file(self, name: str | None = None) -> FileSpec:
        """The edition's file called ``name``; with no name, its only file."""
        if name is None:
            if len(self.files) != 1:
                raise DataSourceError(
                    f"Dataset {self.dataset!r}, edition {self.id!r} has {len(self.files)} files "
                    f"({', '.join(f.filename for f in self.files)}): name the one to read."
                )
            return self.files[0]
        for f in self.files:
            if f.filename == name:
                return f
        raise DataSourceError(
            f"Dataset {self.dataset!r}, edition {self.id!r} has no file {name!r}. "
            f"Its files: {', '.join(f.filename for f in self.files)}."
        )


@dataclass(frozen=True)
class SeriesBreak:
    """A change of definition in a dataset's series, from ``start`` (the first period counted the
    new way), as the manifest's ``breaks:`` entry of the dataset records it."""

    dataset: str
    id: str
    start: dt.date
    what: str  # what changed, in the publisher's words
    reference: str = ""  # where the publisher says so


def manifest_path() -> Path:
    return Path(os.environ.get("ANALYSIS_SOURCES", ROOT / "data" / "sources.yml"))


@lru_cache(maxsize=8)
def _load_manifest(path: str, mtime_ns: int) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            # The C loader when available: same safe subset of YAML, several times faster.
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError as exc:
        raise DataSourceError(f"The data manifest {path} does not exist.") from exc
    except yaml.YAMLError as exc:
        raise DataSourceError(f"The data manifest {path} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("datasets"), dict):
        raise DataSourceError(f"The data manifest {path} must have a top-level 'datasets' mapping.")
    return doc["datasets"]


def manifest() -> dict:
    """The ``datasets`` mapping of the manifest (re-read when the file changes)."""
    p = manifest_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return _load_manifest(str(p), mtime)


def clear_caches() -> None:
    """Forget the parsed manifest and edition selections (after the manifest was rewritten)."""
    _load_manifest.cache_clear()
    _editions_cached.cache_clear()


def _safe_name(kind: str, name: str, *, subfolders: bool = False) -> None:
    """Dataset, edition and file names become paths under the mirror and the store: refuse
    anything that could leave them (``..``, absolute paths, backslashes). Files may sit in
    sub-folders."""
    parts = name.split("/") if isinstance(name, str) and subfolders else [name]
    if (
        not isinstance(name, str)
        or "\\" in name
        or "\0" in name
        or name.startswith("~")
        or any(p in ("", ".", "..") or "/" in p for p in parts)
    ):
        raise DataSourceError(
            f"Refusing {kind} name {name!r}: it must be a plain file name "
            f"(relative, no '..'), not a path that leaves the data folder."
        )


# ----------------------------------------------------------------------------- editions


def _parse_when(value: object, *, end_of_day: bool) -> dt.datetime:
    """A manifest or command-line date (``2026-11-25``) or time (``2026-11-25T10:04:00Z``) in UTC.
    A bare date means the start of that day for ``added`` and its end for ``--as-of``."""
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                d = dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max if end_of_day else dt.time.min)
            else:
                d = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DataSourceError(f"{text!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ).") from exc
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.astimezone(dt.UTC)


def _parse_date(value: object, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataSourceError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from exc


def as_of() -> dt.datetime | None:
    """The build's as-of time (``ANALYSIS_AS_OF``), or None for "every edition"."""
    value = os.environ.get("ANALYSIS_AS_OF", "").strip()
    return _parse_when(value, end_of_day=True) if value else None


def reference_date() -> dt.date:
    """The date a book describes itself as of, for judging whether data are out of date: the
    first day of the month of the build's --as-of date, or of today. A month, not a day, so that
    the chapters re-run once a month (ages are counted in months) and a rebuild --as-of a date in
    the same month as an earlier build reproduces it exactly."""
    when = as_of()
    day = when.date() if when is not None else dt.date.today()
    return day.replace(day=1)


def _file_specs(dataset: str, edition: str, files: object, where: str) -> tuple[FileSpec, ...]:
    if not isinstance(files, dict) or not files:
        raise DataSourceError(f"{where}: 'files' must map file names to their sha256 and bytes.")
    out = []
    for name, f in files.items():
        _safe_name("file", name, subfolders=True)
        f = f or {}
        sha = str(f.get("sha256", "")).lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise DataSourceError(f"{where}, file {name!r}: the manifest's sha256 {sha!r} is not 64 hex digits.")
        mirror = f.get("mirror")
        if mirror is not None:
            _safe_name("mirror path", mirror, subfolders=True)
        out.append(FileSpec(dataset, name, sha, f.get("bytes"), f.get("url"), edition, mirror))
    return tuple(out)


def _all_editions(dataset: str) -> list[Edition]:
    datasets = manifest()
    if dataset not in datasets:
        raise DataSourceError(
            f"Unknown dataset {dataset!r}: it is not listed in {manifest_path()}. "
            f"Known datasets: {', '.join(sorted(datasets))}."
        )
    meta = datasets[dataset] or {}
    where = f"{manifest_path()}, dataset {dataset!r}"
    if "editions" not in meta and "files" in meta:
        # A dataset written in the older one-edition form (files directly under the dataset).
        # Its one edition has no id of its own: files keep their plain ``dataset/file`` labels.
        meta = {
            **meta,
            "editions": [
                {
                    "id": "",
                    "period": meta.get("period", ""),
                    "added": meta.get("added"),
                    "period_from": "documentation",
                    "files": meta["files"],
                }
            ],
        }
    raw = meta.get("editions")
    if not isinstance(raw, list) or not raw:
        raise DataSourceError(f"{where}: it has no editions.")
    out = []
    seen = set()
    for i, e in enumerate(raw):
        if not isinstance(e, dict):
            raise DataSourceError(f"{where}: edition {i + 1} is not a mapping.")
        eid = str(e.get("id", "")).strip()
        if eid or len(raw) > 1 or "files" not in (datasets[dataset] or {}):
            _safe_name("edition", eid)
        if eid in seen:
            raise DataSourceError(f"{where}: edition {eid!r} is listed twice.")
        seen.add(eid)
        w = f"{where}, edition {eid!r}"
        added = _parse_when(e["added"], end_of_day=False) if e.get("added") else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        period = Period(
            _parse_date(e.get("period_start"), w), _parse_date(e.get("period_end"), w), str(e.get("period") or "")
        )
        out.append(
            Edition(
                dataset,
                eid,
                period,
                added,
                _file_specs(dataset, eid, e.get("files"), w),
                str(e.get("period_from", "file")),
            )
        )
    return out


def _sort_key(e: Edition) -> tuple:
    return (e.period.end or dt.date.min, e.period.start or dt.date.min, e.added, e.id)


@lru_cache(maxsize=512)
def _editions_cached(dataset: str, manifest_key: tuple, as_of_text: str) -> tuple[Edition, ...]:
    when = _parse_when(as_of_text, end_of_day=True) if as_of_text else None
    every = _all_editions(dataset)
    chosen = [e for e in every if when is None or e.added <= when]
    if not chosen:
        first = min(e.added for e in every)
        raise DataSourceError(
            f"No edition of dataset {dataset!r} had been added by {as_of_text} (--as-of); its first edition "
            f"was added on {first:%Y-%m-%d %H:%M} UTC. --as-of selects editions by the date they were added to "
            f"this book's manifest (`python -m analysis data status` lists them)."
        )
    return tuple(sorted(chosen, key=_sort_key))


def _manifest_key() -> tuple:
    p = manifest_path()
    try:
        return (str(p), p.stat().st_mtime_ns)
    except FileNotFoundError:
        return (str(p), 0)


def editions(dataset: str, *, all_editions: bool = False) -> list[Edition]:
    """The editions of ``dataset`` a build uses (added by the as-of date), oldest period first.
    ``all_editions`` ignores the as-of date (for ``data`` commands)."""
    _safe_name("dataset", dataset)
    text = "" if all_editions else os.environ.get("ANALYSIS_AS_OF", "").strip()
    chosen = list(_editions_cached(dataset, _manifest_key(), text))
    if not all_editions:
        _record_selection(dataset, chosen)
    return chosen


def latest(dataset: str) -> Edition:
    """The newest edition of ``dataset`` available to this build."""
    return editions(dataset)[-1]


def select_edition(dataset: str, edition: str | None = None) -> Edition:
    """The edition of ``dataset`` with id ``edition`` among those this build uses (default: the
    newest, :func:`latest`); a loader with an ``edition=`` parameter takes its period from here."""
    chosen = editions(dataset)
    if edition is None:
        return chosen[-1]
    matches = [e for e in chosen if e.id == edition]
    if not matches:
        known = [e.id for e in _all_editions(dataset)]
        extra = " (it was added after the as-of date)" if edition in known else ""
        raise DataSourceError(
            f"Dataset {dataset!r} has no edition {edition!r}{extra}. Editions: {', '.join(e.id for e in chosen)}."
        )
    return matches[0]


def selection_hash(chosen: list[Edition]) -> str:
    """Which editions (and file names) are selected. File contents are keyed separately, per file
    read, so new bytes for one file re-run only the chapters that read that file, while a new
    edition re-runs every chapter that reads the dataset."""
    h = hashlib.sha256()
    for e in chosen:
        h.update(e.id.encode() + b"\0")
        for f in e.files:
            h.update(f.filename.encode() + b"\0")
    return h.hexdigest()[:24]


def file_spec(dataset: str, filename: str, edition: str | None = None) -> FileSpec:
    """The manifest entry for ``filename`` in ``edition`` (default: the newest selected edition
    that has a file of that name)."""
    _safe_name("dataset", dataset)
    _safe_name("file", filename, subfolders=True)
    if edition is not None:
        return select_edition(dataset, edition).file(filename)
    chosen = editions(dataset)
    for e in reversed(chosen):
        for f in e.files:
            if f.filename == filename:
                return f
    names = sorted({f.filename for e in chosen for f in e.files})
    raise DataSourceError(
        f"Dataset {dataset!r} has no file {filename!r} in {manifest_path()}. Its files: {', '.join(names)}."
    )


def mirror_dir() -> Path | None:
    env = os.environ.get("ANALYSIS_DATA_MIRROR")
    if env:
        return Path(env)
    default = ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None


def raw_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_RAW_DIR", RAW_DIR))


def mirror_folder(dataset: str) -> str:
    meta = manifest().get(dataset) or {}
    return str(meta.get("mirror") or dataset)


_hash_lock = threading.Lock()
_hash_memo: dict[tuple[str, int, int], str] = {}


def sha256_file(path: Path) -> str:
    """sha256 of a file, memoised per process on (path, size, mtime)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        if key in _hash_memo:
            return _hash_memo[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    with _hash_lock:
        _hash_memo[key] = digest
    return digest


_read: dict[str, str] = {}
#: What each call of a :func:`remembered` function now computing has read (innermost last).
_recorders: list[dict[str, str]] = []


def _log_line(label: str, value: str) -> None:
    _read[label] = value
    for rec in _recorders:
        rec[label] = value
    log = os.environ.get("ANALYSIS_INPUTS_LOG")
    if log:
        # One line per read; appends of a short line are atomic enough for one kernel per log.
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{label}\t{value}\n")


def _record(spec: FileSpec) -> None:
    _log_line(spec.label, spec.sha256)


def _record_selection(dataset: str, chosen: list[Edition]) -> None:
    label = f"{dataset}#editions"
    value = selection_hash(chosen)
    if _read.get(label) != value or _recorders:
        _log_line(label, value)


def label_dataset(label: str) -> str:
    """The dataset of an inputs-log label (``ds/file``, ``ds@edition/file`` or ``ds#editions``)."""
    return label.split("/", 1)[0].split("@", 1)[0].split("#", 1)[0]


#: Calls of functions marked ``national`` (their result does not depend on the ICB) computed
#: in this process, as (module, qualified name, repr of args, repr of keyword args): the warm
#: engine runs them once in the process it forks chapters from, before the chapter's next ICB.
national_calls: list[tuple[str, str, str, str]] = []


def _note_national(fn: Callable, args: tuple, kwargs: dict) -> None:
    call = (fn.__module__, fn.__qualname__, repr(args), repr(sorted(kwargs.items())))
    if call not in national_calls:
        national_calls.append(call)


def remembered(maxsize: int | None = 128, *, national: bool = False) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """:func:`functools.lru_cache` for a function that reads data, directly or not: a call
    answered from the cache records again every input the computing call read (files, edition
    selections, series breaks), so the inputs a chapter records are the same whether a result was
    computed in its own process or before it, in the process it was forked from. Arguments must
    be hashable, as for ``lru_cache``; ``cache_clear`` and ``cache_info`` work as there.

    ``national=True``: the result is the same for every ICB (a national table, or a computation
    over all ICBs), given its arguments, the code and the data. Such calls are noted in
    :data:`national_calls`, so that a build of many ICBs computes them once
    (:func:`analysis.build.warm.prepare_calls`) instead of once per ICB."""

    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.lru_cache(maxsize=maxsize)
        def compute(*args: Any, **kwargs: Any) -> tuple[T, tuple[tuple[str, str], ...]]:
            rec: dict[str, str] = {}
            _recorders.append(rec)
            try:
                value = fn(*args, **kwargs)
            finally:
                # by identity: calls nest, so this call's record is the last one (and equal
                # dicts must not be mistaken for one another)
                while _recorders and _recorders.pop() is not rec:
                    pass
            return value, tuple(rec.items())

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            misses = compute.cache_info().misses
            value, reads = compute(*args, **kwargs)
            if compute.cache_info().misses == misses:  # answered from the cache: record its reads again
                for label, sha in reads:
                    _log_line(label, sha)
            elif national:
                _note_national(fn, args, kwargs)
            return value

        wrapper.cache_clear = compute.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = compute.cache_info  # type: ignore[attr-defined]
        return wrapper

    return deco


def inputs_read() -> dict[str, str]:
    """Everything resolved in this process so far: ``{"dataset@edition/file": sha256,
    "dataset#editions": selection hash, "dataset#breaks": hash of its series breaks}``."""
    return dict(_read)


def current_sha(label: str) -> str | None:
    """What an inputs-log label stands for now (under the current as-of date): the selection hash
    of a ``dataset#editions`` label, the hash of the series breaks of a ``dataset#breaks`` label,
    the verified sha256 of a file label; None when it can no
    longer be resolved (the build then re-runs the chapter)."""
    try:
        if label.endswith("#editions"):
            ds = label[: -len("#editions")]
            as_of_text = os.environ.get("ANALYSIS_AS_OF", "").strip()
            return selection_hash(list(_editions_cached(ds, _manifest_key(), as_of_text)))
        if label.endswith("#breaks"):
            return _breaks_hash(_parse_breaks(label[: -len("#breaks")]))
        head, _, fname = label.partition("/")
        ds, _, edition = head.partition("@")
        spec = file_spec(ds, fname, edition or None)
        path = _find_local(spec)[0]
        return sha256_file(path) if path is not None else None
    except DataSourceError:
        return None


def _check_url(url: str) -> None:
    """Only https URLs are fetched; plain http only to loopback when tests allow it."""
    parsed = urlparse(url)
    if parsed.scheme == "https":
        return
    if parsed.scheme == "http" and os.environ.get("ANALYSIS_ALLOW_LOOPBACK_HTTP") == "1":
        try:
            if ipaddress.ip_address(parsed.hostname or "").is_loopback:
                return
        except ValueError:
            if parsed.hostname == "localhost":
                return
    raise DataSourceError(f"Refusing to download {url!r}: only https URLs listed in the manifest are fetched.")


def fetch_url(url: str, dest: Path, sha256: str | None = None) -> Path:
    """Fetch ``url`` (https only) to ``dest``; with ``sha256``, refuse other bytes. Nothing is left
    under the final name unless the download completed (and matched)."""
    import pooch  # imported lazily: most builds never download

    _check_url(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        # pooch writes to a temporary file in the same folder, checks the hash, then renames:
        # an interrupted or wrong download never leaves a file under the final name.
        pooch.retrieve(
            url=url,
            known_hash=f"sha256:{sha256}" if sha256 else None,
            fname=dest.name,
            path=dest.parent,
            progressbar=False,
        )
    except Exception as exc:  # pooch raises requests / ValueError subclasses
        for leftover in dest.parent.glob("tmp*"):
            leftover.unlink(missing_ok=True)
        if dest.exists() and sha256 and sha256_file(dest) != sha256:
            dest.unlink()
        raise DataSourceError(f"download of {url} failed: {type(exc).__name__}: {exc}") from exc
    return dest


def store_path(spec: FileSpec) -> Path:
    """Where the local store keeps (or would keep) an edition's file."""
    base = raw_dir() / spec.dataset
    return base / spec.edition / spec.filename if spec.edition else base / spec.filename


def _candidates(spec: FileSpec) -> list[Path]:
    out = [store_path(spec)]
    legacy = raw_dir() / spec.dataset / spec.filename
    if legacy not in out:
        out.append(legacy)
    mirror = mirror_dir()
    if mirror is not None:
        out.append(mirror / (spec.mirror or f"{mirror_folder(spec.dataset)}/{spec.filename}"))
    return out


def _find_local(spec: FileSpec) -> tuple[Path | None, list[str]]:
    looked: list[str] = []
    if mirror_dir() is None:
        looked.append("mirror: none (set ANALYSIS_DATA_MIRROR, or place the data at ../shared/data)")
    for path in _candidates(spec):
        if not path.exists():
            looked.append(f"{path} (not found)")
            continue
        actual = sha256_file(path)
        if actual == spec.sha256:
            return path, looked
        looked.append(f"{path} (sha256 {actual} does not match)")
    return None, looked


def resolve(dataset: str, filename: str, *, edition: str | None = None, download: bool = True) -> Path:
    """Path to a verified copy of ``dataset/filename`` (in ``edition``, default the newest
    selected edition that has it); raises DataSourceError otherwise."""
    spec = file_spec(dataset, filename, edition)
    return resolve_spec(spec, download=download)


def resolve_spec(spec: FileSpec, *, download: bool = True) -> Path:
    path, looked = _find_local(spec)
    if path is not None:
        _record(spec)
        return path
    if spec.url and download:
        dest = store_path(spec)
        try:
            fetch_url(spec.url, dest, spec.sha256)
        except DataSourceError as exc:
            looked.append(f"{spec.url} ({exc})")
        else:
            _record(spec)
            return dest
    elif not spec.url:
        looked.append("download: no public URL for these exact bytes is listed")
    where = f"dataset {spec.dataset!r}" + (f", edition {spec.edition!r}" if spec.edition else "")
    raise DataSourceError(
        f"Cannot find a verified copy of {where}, file {spec.filename!r}.\n"
        f"  expected sha256: {spec.sha256}\n  looked in:\n    - " + "\n    - ".join(looked)
    )


def dataset_meta(dataset: str) -> dict:
    datasets = manifest()
    if dataset not in datasets:
        raise DataSourceError(f"Unknown dataset {dataset!r} (not in {manifest_path()}).")
    return {k: v for k, v in datasets[dataset].items() if k not in ("files", "editions")}


# ----------------------------------------------------------------------------- series breaks


def _parse_breaks(dataset: str) -> tuple[SeriesBreak, ...]:
    raw = dataset_meta(dataset).get("breaks")
    where = f"{manifest_path()}, dataset {dataset!r}, 'breaks'"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DataSourceError(f"{where}: expected a list of breaks (id, from, what), got {type(raw).__name__}.")
    out: list[SeriesBreak] = []
    for i, b in enumerate(raw):
        w = f"{where}, entry {i + 1}"
        if not isinstance(b, dict):
            raise DataSourceError(f"{w}: expected a mapping with 'id', 'from' and 'what'.")
        bid, what = str(b.get("id") or "").strip(), " ".join(str(b.get("what") or "").split())
        if not bid or not what:
            raise DataSourceError(f"{w}: 'id' and 'what' (the change, in the publisher's words) are required.")
        if any(x.id == bid for x in out):
            raise DataSourceError(f"{w}: break {bid!r} is listed twice.")
        start = _parse_date(b.get("from"), f"{w} ({bid!r}), 'from'")
        if start is None:
            raise DataSourceError(
                f"{w} ({bid!r}): 'from' (the first date counted the new way, YYYY-MM-DD) is required."
            )
        out.append(SeriesBreak(dataset, bid, start, what, " ".join(str(b.get("reference") or "").split())))
    return tuple(out)


def _breaks_hash(breaks: tuple[SeriesBreak, ...]) -> str:
    h = hashlib.sha256()
    for b in breaks:
        h.update(f"{b.id}\0{b.start.isoformat()}\0".encode())
    return h.hexdigest()[:24]


def series_breaks(dataset: str) -> list[SeriesBreak]:
    """Every series break the manifest records for ``dataset``, in the order listed (none: [])."""
    _safe_name("dataset", dataset)
    out = _parse_breaks(dataset)
    if out:
        label = f"{dataset}#breaks"
        value = _breaks_hash(out)
        if _read.get(label) != value or _recorders:
            _log_line(label, value)
    return list(out)


def series_break(dataset: str, break_id: str):
    """The first day counted the new way after the series break ``break_id`` of ``dataset``, as a
    ``pandas.Timestamp``; an error naming the dataset and the break when the manifest has none."""
    import pandas as pd  # imported here: the resolver itself needs no pandas

    found = [b for b in series_breaks(dataset) if b.id == break_id]
    if not found:
        known = ", ".join(b.id for b in _parse_breaks(dataset)) or "none"
        raise DataSourceError(
            f"Dataset {dataset!r} has no series break {break_id!r} in {manifest_path()} "
            f"(its 'breaks': {known}). Record it there: id, from (YYYY-MM-DD), what."
        )
    return pd.Timestamp(found[0].start)


__all__ = [
    "CACHE_DIR",
    "DataSourceError",
    "Edition",
    "FREQUENCIES",
    "FileSpec",
    "KINDS",
    "Period",
    "SeriesBreak",
    "as_of",
    "reference_date",
    "clear_caches",
    "current_sha",
    "dataset_meta",
    "fetch_url",
    "editions",
    "file_spec",
    "inputs_read",
    "national_calls",
    "remembered",
    "label_dataset",
    "latest",
    "manifest",
    "mirror_dir",
    "resolve",
    "resolve_spec",
    "select_edition",
    "selection_hash",
    "series_break",
    "series_breaks",
    "sha256_file",
    "store_path",
]
