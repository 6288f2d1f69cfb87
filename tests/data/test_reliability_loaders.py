"""Fault injection on every loader: a damaged input file gives a clear error, never a wrong table.

Every public loader in ``analysis.geography`` and ``analysis.load.*`` (a function that can be
called with no arguments) is discovered at collection time, so a loader added later is covered
without editing this file. For each loader and each fault below, the test

1. runs the loader once on the real data (the *baseline*), recording which files it reads and
   which columns it requires;
2. builds a sandbox: a temporary mirror (symlinks to the real one) in which one input file is
   replaced by a damaged copy, and a temporary manifest whose sha256 for that file is updated so
   that the resolver accepts the damaged bytes (except for the checksum fault, where it is not);
3. runs the loader again with the table cache off and every in-process cache cleared, and checks
   the outcome against the oracle for that fault (see ``FAULTS``).

The oracle is the issue's rule: a damaged file gives a :class:`LoaderError` (or, for bytes that do
not match the manifest, a :class:`DataSourceError`) naming the dataset and file (and the column,
for a missing or renamed one); or, where the damage cannot change a figure, the same table as the
baseline; suppression markers may instead become missing values, never zero or another number.
Anything else (a crash with another exception type, a silently different table) is a finding.
Known findings are listed in ``KNOWN_GAPS`` and marked ``xfail(strict=True)`` so that the table
in ``docs/reliability.md`` stays honest: when a loader is fixed, its entry must be removed.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib
import inspect
import io
import os
import pkgutil
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from analysis import manifest_io, sources
from analysis.load import _base
from analysis.load._base import LoaderError

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path(os.environ.get("ANALYSIS_DATA_MIRROR", ROOT.parent / "shared" / "data"))

# ----------------------------------------------------------------------------- discovery


def loader_modules() -> list[str]:
    import analysis.load as load_pkg

    names = ["analysis.geography"]
    names += [f"analysis.load.{m.name}" for m in pkgutil.iter_modules(load_pkg.__path__) if not m.name.startswith("_")]
    return names


def discover_loaders() -> dict[str, Callable]:
    """Public callables defined in a loader module that need no arguments: {"module:name": fn}."""
    found: dict[str, Callable] = {}
    for mod_name in loader_modules():
        try:
            mod = importlib.import_module(mod_name)
        except Exception as exc:  # a loader module that does not import is itself a failure
            found[f"{mod_name}:<import>"] = _import_failure(mod_name, exc)
            continue
        for name, obj in vars(mod).items():
            if name.startswith("_") or inspect.isclass(obj) or not callable(obj):
                continue
            if getattr(obj, "__module__", None) != mod_name:
                continue
            try:
                sig = inspect.signature(obj)
            except (TypeError, ValueError):
                continue
            needs = [
                p
                for p in sig.parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            if not needs:
                found[f"{mod_name.removeprefix('analysis.')}:{name}"] = obj
    return dict(sorted(found.items()))


def _import_failure(mod_name: str, exc: Exception) -> Callable:
    def fail():
        raise AssertionError(f"{mod_name} does not import: {type(exc).__name__}: {exc}")

    return fail


LOADERS = discover_loaders()

# ----------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    name: str
    what: str
    expect: str  # "error" | "error-or-same" | "same" | "missing-or-error"
    csv_only: bool = True


FAULTS = [
    Fault("checksum", "bytes differ from the manifest's sha256 (manifest not updated)", "source-error", False),
    Fault("truncated", "file cut off part-way through a row", "error", False),
    Fault("empty", "0-byte file", "error", False),
    Fault("header_only", "header line but no data rows", "error"),
    Fault("missing_column", "a required column removed", "error-column"),
    Fault("renamed_column", "a required column renamed (new spelling)", "error-column"),
    Fault("extra_column", "an unexpected extra column appended", "same"),
    Fault("wrong_type", "text in a numeric column", "error-or-same"),
    Fault("out_of_range", "implausible number (-99999) in a numeric column", "error-or-same"),
    Fault("duplicate_rows", "data rows repeated (duplicate keys)", "error-or-same"),
    Fault("unknown_code", "an area code replaced by an unknown one", "error-or-same"),
    Fault("suppressed", "suppression markers (*, [c], ..) in a numeric column", "missing-or-error"),
]
FAULT_BY_NAME = {f.name: f for f in FAULTS}

#: Findings: (loader, fault) -> why the loader does not yet meet the oracle. Each is an
#: ``xfail(strict=True)``: fix the loader, then delete the entry (the test will say so).
# Generated from a run with RELIABILITY_REPORT=<file> RELIABILITY_FULL=1 (see docs/reliability.md).
KNOWN_GAPS: dict[tuple[str, str], str] = {}

#: Loaders whose baseline takes longer than this many seconds only have their first input
#: damaged (the others are covered through the cheaper loaders that read them).
SLOW_BASELINE = 1.0
#: Faults that need a full successful load to judge; on loaders slower than SLOW_BASELINE they
#: run only when RELIABILITY_FULL=1 (CI time), the rest always run.
FULL_LOAD_FAULTS = {"extra_column", "out_of_range", "unknown_code", "suppressed"}
#: Rows damaged by the row-level faults, spread evenly through the file.
N_ROWS = 25

# ----------------------------------------------------------------------------- sandbox


def _clear_caches() -> None:
    """Clear every in-process lru_cache in the analysis package (icb_table, _rtt_raw, ...)."""
    for name, mod in list(sys.modules.items()):
        if not name.startswith("analysis"):
            continue
        for obj in list(vars(mod).values()):
            clear = getattr(obj, "cache_clear", None)
            if callable(clear):
                clear()
    sources._load_manifest.cache_clear()


_MANIFEST_TEXT: str | None = None


def _manifest_text() -> str:
    """The real manifest without URLs: a sandbox never downloads anything."""
    global _MANIFEST_TEXT
    if _MANIFEST_TEXT is None:
        doc = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
        for ds in doc["datasets"]:
            for _, _, f in manifest_io.iter_files(doc["datasets"], ds):
                f.pop("url", None)
        _MANIFEST_TEXT = yaml.safe_dump(doc, sort_keys=False)
    return _MANIFEST_TEXT


@dataclass
class Sandbox:
    root: Path
    mirror: Path
    manifest: Path


def mirror_path(dataset: str, filename: str) -> str:
    """Where the mirror keeps a manifest file, relative to the mirror (the dataset's ``mirror``
    folder, or the file's own ``mirror`` path; files may sit in sub-folders)."""
    doc = yaml.safe_load(_manifest_text())["datasets"]
    meta = doc[dataset]
    for _, name, entry in manifest_io.iter_files(doc, dataset):
        if name == filename and entry.get("mirror"):
            return str(entry["mirror"])
    return f"{meta.get('mirror') or dataset}/{filename}"


def _link_tree(src: Path, dst: Path, replaced: tuple[str, ...], data: bytes) -> None:
    """Recreate ``src`` in ``dst`` as symlinks, except the file at the relative path ``replaced``."""
    dst.mkdir()
    for f in src.iterdir():
        if f.name != replaced[0]:
            (dst / f.name).symlink_to(f)
        elif len(replaced) == 1:
            (dst / f.name).write_bytes(data)
        else:
            _link_tree(f, dst / f.name, replaced[1:], data)


def make_sandbox(
    tmp: Path,
    monkeypatch,
    dataset: str | None = None,
    filename: str | None = None,
    data: bytes | None = None,
    update_sha: bool = True,
) -> Sandbox:
    """A mirror of symlinks to the real one, with ``dataset/filename`` replaced by ``data``."""
    mirror = tmp / "mirror"
    mirror.mkdir(parents=True)
    text = _manifest_text()
    rel = tuple(mirror_path(dataset, filename).split("/")) if dataset is not None else ("",)
    for d in MIRROR.iterdir():
        if d.is_dir() and d.name != rel[0]:
            (mirror / d.name).symlink_to(d)
    if dataset is not None:
        _link_tree(MIRROR / rel[0], mirror / rel[0], rel[1:], data)
        if update_sha:
            old = _real_sha(dataset, filename)
            new = hashlib.sha256(data).hexdigest()
            if text.count(old) == 1:
                text = text.replace(old, new)
            else:
                doc = yaml.safe_load(text)
                manifest_io.file_entry(doc["datasets"], dataset, filename)["sha256"] = new
                text = yaml.safe_dump(doc, sort_keys=False)
    manifest = tmp / "sources.yml"
    manifest.write_text(text, encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp / "raw"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp / "cache"))
    monkeypatch.setenv("ANALYSIS_NO_TABLE_CACHE", "1")
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    _clear_caches()
    return Sandbox(tmp, mirror, manifest)


_REAL_SHAS: dict[tuple[str, str], str] = {}


def _real_sha(dataset: str, filename: str) -> str:
    if not _REAL_SHAS:
        doc = yaml.safe_load(_manifest_text())
        for ds in doc["datasets"]:
            for _, fn, f in manifest_io.iter_files(doc["datasets"], ds):
                _REAL_SHAS[(ds, fn)] = str(f["sha256"]).lower()
    return _REAL_SHAS[(dataset, filename)]


# ----------------------------------------------------------------------------- baseline


@dataclass
class Read:
    dataset: str
    filename: str
    required: list[str] = field(default_factory=list)
    rename: dict[str, str] = field(default_factory=dict)


@dataclass
class Baseline:
    result: Any
    seconds: float
    reads: list[Read]  # in the order first read, with the columns each read required


_BASELINES: dict[str, Baseline] = {}


def _run_recording(fn: Callable) -> tuple[Any, list[Read]]:
    """Call ``fn``; record every (dataset, file) resolved and the columns read_csv required."""
    calls: dict[tuple[str, str], Read] = {}
    real_finish = _base._finish

    def spy(df, dataset, filename, required, schema, rename):
        r = calls.setdefault((dataset, filename), Read(dataset, filename))
        for c in required:
            if c not in r.required:
                r.required.append(c)
        r.rename.update(rename or {})
        return real_finish(df, dataset, filename, required, schema, rename)

    saved = dict(sources._read)
    sources._read.clear()
    _base._finish = spy
    try:
        result = fn()
        order = list(sources.inputs_read())
    finally:
        _base._finish = real_finish
        sources._read.clear()
        sources._read.update(saved)
    reads = []
    for label in order:
        if "#" in label:  # "dataset#editions": the selection of editions, not a file
            continue
        head, _, fname = label.partition("/")
        ds = head.partition("@")[0]  # "dataset@edition/file"
        reads.append(calls.get((ds, fname), Read(ds, fname)))
    return result, reads


def baseline(loader: str, tmp_path_factory, monkeypatch) -> Baseline:
    if loader not in _BASELINES:
        make_sandbox(tmp_path_factory.mktemp("baseline"), monkeypatch)
        t0 = time.perf_counter()
        try:
            result, reads = _run_recording(LOADERS[loader])
            seconds = time.perf_counter() - t0
            if seconds > SLOW_BASELINE:  # the first call may include imports: time a warm one
                _clear_caches()
                t0 = time.perf_counter()
                LOADERS[loader]()
                seconds = time.perf_counter() - t0
        finally:
            _clear_caches()
        _BASELINES[loader] = Baseline(result, seconds, reads)
    return _BASELINES[loader]


# ----------------------------------------------------------------------------- damaging a file


class NotApplicable(Exception):
    """This fault does not apply to this file (e.g. no numeric column to damage)."""


ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")
ODS_AREA = re.compile(r"^[A-Z0-9]{3}$")
NUMBER = re.compile(r"^\s*-?[\d,]*\.?\d+(?:[eE][-+]?\d+)?\s*$")


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    # The terminator must contain "\n" so that fields holding newlines are quoted.
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()[:-1]


def _csv_fields(line: str) -> list[str]:
    return next(csv.reader([line]), [])


@dataclass
class Table:
    """A CSV file as a header and raw data lines (parsed only where a fault touches them).

    Files are up to ~150 MB decompressed, so whole-file operations work on lines, not on
    parsed rows; files with newlines inside quoted fields are split into records instead.
    """

    header: list[str]
    lines: list[str]
    newline: str
    gz: bool
    bom: bool

    @classmethod
    def parse(cls, raw: bytes, gz: bool) -> Table:
        if gz:
            raw = gzip.decompress(raw)
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig", errors="replace")
        newline = "\r\n" if "\r\n" in text[:10000] else "\n"
        lines = text.split(newline)
        if lines and lines[-1] == "":
            lines.pop()
        if '"' in text and any(line.count('"') % 2 for line in lines):
            # Quoted fields with newlines inside: one entry per record, not per physical line.
            rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
            return cls(rows[0], [_csv_line(r) for r in rows[1:]], newline, gz, bom)
        return cls(_csv_fields(lines[0]), lines[1:], newline, gz, bom)

    def dump(self) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator=self.newline).writerow(self.header)
        text = buf.getvalue() + self.newline.join(self.lines) + self.newline
        raw = (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")
        return gzip.compress(raw, compresslevel=1, mtime=0) if self.gz else raw

    def col(self, name: str) -> int:
        return [h.strip() for h in self.header].index(name)

    def row(self, k: int) -> list[str]:
        return _csv_fields(self.lines[k])

    def set_row(self, k: int, fields: list[str]) -> None:
        self.lines[k] = _csv_line(fields)

    def sample(self, i: int, n: int = 300) -> list[str]:
        step = max(1, len(self.lines) // n)
        out = []
        for line in self.lines[::step]:
            f = _csv_fields(line)
            if i < len(f):
                out.append(f[i])
        return out

    def spread(self, n: int = N_ROWS) -> list[int]:
        if not self.lines:
            return []
        step = max(1, len(self.lines) // n)
        return list(range(step // 2, len(self.lines), step))[:n]

    def drop_column(self, i: int) -> None:
        self.header.pop(i)
        rows = list(csv.reader(self.lines))
        for f in rows:
            if i < len(f):
                f.pop(i)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        self.lines = buf.getvalue().split("\n")[:-1]


def _required_in_file(t: Table, read: Read) -> list[str]:
    cols = [h.strip() for h in t.header]
    req = [c for c in read.required if c in cols]
    return req or cols


def numeric_column(t: Table, read: Read) -> str:
    """The required column that looks most like a measure: numeric, with the most distinct values."""
    best, best_n = None, 0
    for c in _required_in_file(t, read):
        vals = [v for v in t.sample(t.col(c)) if v.strip()]
        if not vals or sum(bool(NUMBER.match(v)) for v in vals) < 0.9 * len(vals):
            continue
        if all(ONS_CODE.match(v) for v in vals):
            continue
        distinct = len(set(vals))
        if distinct > best_n:
            best, best_n = c, distinct
    if best is None or best_n < 3:
        raise NotApplicable("no numeric measure column among the required columns")
    return best


def area_code_column(t: Table, read: Read) -> tuple[str, str]:
    """An area-code column and an unknown code of the same shape to put in it."""
    req = _required_in_file(t, read)
    for c in req:
        vals = [v for v in t.sample(t.col(c)) if v.strip()]
        if vals and sum(bool(ONS_CODE.match(v)) for v in vals) >= 0.9 * len(vals):
            return c, "E99999999"
    for c in req:
        vals = [v for v in t.sample(t.col(c)) if v.strip()]
        if "code" in c.lower() and vals and all(ODS_AREA.match(v) for v in vals):
            return c, "Z9Z"
    raise NotApplicable("no area-code column (ONS code, or 3-character ODS area code) among the required columns")


def _set(t: Table, rows: list[int], i: int, values: list[str]) -> None:
    for n, k in enumerate(rows):
        f = t.row(k)
        f[i] = values[n % len(values)]
        t.set_row(k, f)


def damage(fault: str, raw: bytes, filename: str, read: Read) -> tuple[bytes, str]:
    """Return the damaged bytes and a description of what was done (named in failure messages)."""
    gz = filename.endswith(".gz")
    if fault == "checksum":
        if gz:
            return raw[:-8] + bytes([raw[-8] ^ 1]) + raw[-7:], "one byte of the gzip trailer flipped"
        return raw + b"\n", "one byte appended"
    if fault == "empty":
        return b"", "emptied"
    if fault == "truncated":
        if gz or not filename.endswith(".csv"):
            return raw[: len(raw) // 2], f"cut to {len(raw) // 2} of {len(raw)} bytes"
        mid = len(raw) // 2
        start = raw.rfind(b"\n", 0, mid) + 1
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        line = raw[start:end]
        first_sep = line.find(b",")
        cut = start + max(1, (first_sep if first_sep > 0 else len(line)) // 2)
        return raw[:cut], f"cut at byte {cut} of {len(raw)}, inside a row"
    t = Table.parse(raw, gz)
    if fault == "header_only":
        t.lines = []
        return t.dump(), "data rows removed"
    if fault == "missing_column":
        c = _required_in_file(t, read)[len(_required_in_file(t, read)) // 2]
        t.drop_column(t.col(c))
        return t.dump(), f"column {c!r} removed"
    if fault == "renamed_column":
        c = _required_in_file(t, read)[len(_required_in_file(t, read)) // 2]
        new = c.upper() + " (revised)" if c.upper() != c else c.lower() + " (revised)"
        t.header[t.col(c)] = new
        return t.dump(), f"column {c!r} renamed {new!r}"
    if fault == "extra_column":
        t.header.append("Unexpected extra column")
        t.lines = [f"{line},extra {k % 7}" for k, line in enumerate(t.lines)]
        return t.dump(), "column 'Unexpected extra column' appended"
    rows = t.spread()
    if fault == "duplicate_rows":
        for k in reversed(rows):
            t.lines.insert(k + 1, t.lines[k])
        return t.dump(), f"{len(rows)} data rows repeated"
    if fault == "unknown_code":
        c, code = area_code_column(t, read)
        _set(t, rows, t.col(c), [code])
        return t.dump(), f"column {c!r} set to {code!r} in {len(rows)} rows"
    c = numeric_column(t, read)
    i = t.col(c)
    if fault == "wrong_type":
        _set(t, rows, i, ["twelve"])
        return t.dump(), f"column {c!r} set to 'twelve' in {len(rows)} rows"
    if fault == "out_of_range":
        _set(t, rows, i, ["-99999"])
        return t.dump(), f"column {c!r} set to -99999 in {len(rows)} rows"
    if fault == "suppressed":
        _set(t, rows, i, ["*", "[c]", ".."])
        return t.dump(), f"column {c!r} set to suppression markers in {len(rows)} rows"
    raise KeyError(fault)


# ----------------------------------------------------------------------------- oracle


def same_result(a: Any, b: Any, ignore: tuple[str, ...] = ()) -> bool:
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        b = b.drop(columns=[c for c in b.columns if c in ignore or "extra" in str(c).lower() and c not in a.columns])
        if list(a.columns) != list(b.columns) or a.shape != b.shape:
            return False
        try:
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, check_categorical=False
            )
        except AssertionError:
            return False
        return True
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        return a.equals(b)
    try:
        return bool(a == b)
    except Exception:
        return False


def only_went_missing(base: Any, got: Any) -> tuple[bool, str]:
    """Suppression oracle: every value that changed became missing (or the row was dropped,
    or a boolean flag column changed); no value became zero or another number."""
    if not (isinstance(base, pd.DataFrame) and isinstance(got, pd.DataFrame)):
        return same_result(base, got), "not a table"
    if list(base.columns) != list(got.columns):
        extra = [c for c in got.columns if c not in base.columns]
        lost = [c for c in base.columns if c not in got.columns]
        return False, f"columns changed: +{extra} -{lost}"
    if len(got) > len(base):
        return False, f"{len(got) - len(base)} more rows than the baseline"
    if len(got) < len(base):
        # Rows dropped: the remaining rows must be baseline rows (suppressed ones left out).
        key = lambda df: pd.util.hash_pandas_object(df.astype(str), index=False)  # noqa: E731
        missing = set(key(got)) - set(key(base))
        return (not missing), f"{len(missing)} rows differ from every baseline row"
    a, b = base.reset_index(drop=True), got.reset_index(drop=True)
    for c in a.columns:
        x, y = a[c], b[c]
        if x.equals(y):
            continue
        if pd.api.types.is_bool_dtype(y):
            continue  # a suppression flag
        if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_numeric_dtype(y):
            return False, f"column {c!r} is no longer numeric ({y.dtype}): the markers stayed as text"
        both_na = x.isna() & y.isna()
        same = (x.astype(object) == y.astype(object)) | both_na
        changed = ~same.astype(bool)
        if (changed & y.notna()).any():
            ex = pd.DataFrame({"baseline": x[changed & y.notna()], "damaged": y[changed & y.notna()]}).head(3)
            return False, f"column {c!r}: values changed to other values, e.g. {ex.to_dict('records')}"
    return True, ""


def _mentions(msg: str, dataset: str, filename: str) -> bool:
    return dataset in msg and filename in msg


# ----------------------------------------------------------------------------- the tests


def _cases():
    for loader in LOADERS:
        for fault in FAULTS:
            marks = [pytest.mark.xdist_group(f"loader-{loader}")]
            gap = KNOWN_GAPS.get((loader, fault.name))
            if gap:
                marks.append(pytest.mark.xfail(reason=gap, strict=True))
            yield pytest.param(loader, fault.name, id=f"{loader}-{fault.name}", marks=marks)


@pytest.fixture
def mirror_required(mirror):
    return mirror


@pytest.mark.parametrize("loader,fault", list(_cases()))
def test_loader_fault(loader, fault, tmp_path, tmp_path_factory, monkeypatch, mirror_required):
    f = FAULT_BY_NAME[fault]
    base = baseline(loader, tmp_path_factory, monkeypatch)
    reads = [r for r in base.reads if f.csv_only is False or r.filename.endswith((".csv", ".csv.gz"))]
    if not reads:
        pytest.skip(f"{loader} reads no {'CSV ' if f.csv_only else ''}file")
    if base.seconds > SLOW_BASELINE:
        reads = reads[:1]
        if fault in FULL_LOAD_FAULTS and os.environ.get("RELIABILITY_FULL") != "1":
            pytest.skip(f"{loader} takes {base.seconds:.1f}s to load: {fault} runs with RELIABILITY_FULL=1")
    problems, tried, not_applicable = [], 0, []
    for k, read in enumerate(reads):
        src = MIRROR / mirror_path(read.dataset, read.filename)
        try:
            data, how = damage(fault, src.read_bytes(), read.filename, read)
        except NotApplicable as exc:
            not_applicable.append(f"{read.filename}: {exc}")
            continue
        tried += 1
        where = f"{read.dataset}/{read.filename} ({how})"
        make_sandbox(
            tmp_path / f"case{k}", monkeypatch, read.dataset, read.filename, data, update_sha=(fault != "checksum")
        )
        try:
            got, exc = LOADERS[loader](), None
        except (LoaderError, sources.DataSourceError) as e:
            got, exc = None, e
        except Exception as e:  # noqa: BLE001 - any other exception is a finding
            problems.append(f"{where}: crashed with {type(e).__name__}: {str(e)[:300]}")
            continue
        finally:
            sources._read.clear()
            _clear_caches()
        problems += _judge(f, read, where, base.result, got, exc, how)
    if tried == 0:
        pytest.skip(f"{fault} does not apply to the files {loader} reads: {'; '.join(not_applicable)}")
    if problems and os.environ.get("RELIABILITY_REPORT"):
        import json  # one JSON line per finding, to review or to refresh KNOWN_GAPS

        with open(os.environ["RELIABILITY_REPORT"], "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"loader": loader, "fault": fault, "problems": problems}) + "\n")
    assert not problems, f"{loader}, fault {fault!r} ({f.what}):\n  - " + "\n  - ".join(problems)


def _judge(f: Fault, read: Read, where: str, base: Any, got: Any, exc: Exception | None, how: str) -> list[str]:
    msg = str(exc) if exc is not None else ""
    if f.expect == "source-error":
        if not isinstance(exc, sources.DataSourceError):
            return [f"{where}: expected DataSourceError, got {type(exc).__name__ if exc else 'a table'}"]
        if not (_mentions(msg, read.dataset, read.filename) and "sha256" in msg):
            return [f"{where}: message does not name dataset, file and checksum: {msg[:300]}"]
        return []
    if f.expect in ("error", "error-column"):
        if exc is None:
            return [f"{where}: loaded without error (a damaged file was accepted)"]
        if not _mentions(msg, read.dataset, read.filename):
            return [f"{where}: {type(exc).__name__} does not name dataset and file: {msg[:300]}"]
        if f.expect == "error-column":
            col = re.search(r"column '([^']*)'", how).group(1)
            if col not in msg:
                return [f"{where}: error does not name the column {col!r}: {msg[:300]}"]
        return []
    if exc is not None:  # a clear error is always acceptable for damaged data
        if not _mentions(msg, read.dataset, read.filename):
            return [f"{where}: {type(exc).__name__} does not name dataset and file: {msg[:300]}"]
        return []
    if f.expect in ("same", "error-or-same"):
        if not same_result(base, got):
            return [
                f"{where}: loaded without error but the table differs from the baseline "
                f"(a wrong figure would reach the book)"
            ]
        return []
    if f.expect == "missing-or-error":
        ok, why = only_went_missing(base, got)
        return [] if ok else [f"{where}: suppression markers did not become missing values: {why}"]
    raise AssertionError(f.expect)


def test_every_loader_module_is_discovered():
    """The harness sees every loader module, and at least the geography loaders."""
    assert "load.geography:icb_table" in LOADERS and "load.geography:lsoa_lookup" in LOADERS
    mods = {k.split(":")[0] for k in LOADERS}
    for m in loader_modules():
        assert m.removeprefix("analysis.") in mods, f"no loader discovered in {m}"


def test_known_gaps_name_real_cases():
    for loader, fault in KNOWN_GAPS:
        assert loader in LOADERS, f"KNOWN_GAPS names {loader}, which no longer exists: remove it"
        assert fault in FAULT_BY_NAME, fault
