"""Shared machinery for the loaders: read a published file, validate it, cache derived tables.

Every loader goes through :func:`read_csv` (or :func:`read_excel`) so that a truncated, empty or
re-shaped file fails here with one :class:`LoaderError` naming the dataset, the file and what was
expected, never deep inside a notebook. Schemas are pandera ``DataFrameSchema`` objects; see
:func:`validate`.

Derived tables shared by several chapters (the LSOA master table, say) are computed once and
stored as parquet under ``data/cache/tables/``, keyed on the sha256 of every input file and the
code of the package, with a file lock so that chapters running in parallel never compute the
same table twice or read a half-written one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import warnings
import zlib
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from filelock import FileLock

from .. import sources
from ..paths import CACHE_DIR


class LoaderError(ValueError):
    """A published file does not have the shape, types or values the loader expects."""


#: Markers that publishers use for suppressed / not available values. They become missing
#: values (never zero) and loaders keep a flag column where the design asks for one.
SUPPRESSION_MARKERS = ["*", "-", "..", ":", "[x]", "[u]", "[z]", "[c]", "x", "z", "u", ".", "N/A", "n/a", ""]


def _where(dataset: str, filename: str) -> str:
    return f"dataset {dataset!r}, file {filename!r}"


def read_csv(
    dataset: str,
    filename: str,
    *,
    required: Iterable[str] = (),
    schema: pa.DataFrameSchema | None = None,
    rename: dict[str, str] | None = None,
    edition: str | None = None,
    path: Path | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Resolve, read and validate a CSV.

    ``required`` columns are checked (with a "did you mean" for renamed columns) before
    ``rename`` is applied; ``schema`` is validated after renaming. ``edition`` picks an edition
    of the dataset (default: the newest that has the file); ``path`` reads a file that is not
    (yet) in the manifest, such as a candidate new edition checked by ``data add``.
    """
    required = list(required)
    path = Path(path) if path is not None else sources.resolve(dataset, filename, edition=edition)
    if path.stat().st_size == 0:
        raise LoaderError(f"{_where(dataset, filename)} is empty (0 bytes) at {path}.")
    kwargs.setdefault("encoding", "utf-8-sig")  # several publishers' CSVs start with a BOM
    kwargs.setdefault("low_memory", False)
    _check_not_truncated(path, dataset, filename, kwargs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            df = pd.read_csv(path, **kwargs)
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        ValueError,
        EOFError,
        OSError,
        zlib.error,
        csv.Error,
        OverflowError,
        TypeError,
    ) as exc:
        # EOFError / OSError / zlib.error: a truncated or damaged compressed file.
        # A column named in usecols that is missing: say which, with a "renamed?" hint.
        if isinstance(exc, ValueError) and "usecols" in str(exc).lower():
            _explain_usecols(path, dataset, filename, required, kwargs)
        raise LoaderError(
            f"{_where(dataset, filename)} could not be parsed as CSV: {type(exc).__name__}: {exc}"
        ) from exc
    return _finish(df, dataset, filename, required, schema, rename)


_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")


def _check_not_truncated(path: Path, dataset: str, filename: str, kwargs: dict) -> None:
    """Refuse a plain-text CSV that was cut off part-way through a row.

    A download or copy that stopped early leaves a last line without its newline and with
    fewer fields than the header; pandas would quietly fill the missing fields with NaN. Some
    publishers omit the final newline of a complete file, so only a short last line counts.
    (Compressed files are checked by their decompressor: a truncated stream raises EOFError.)
    """
    compression = kwargs.get("compression", "infer")
    if compression not in (None, "infer") or (
        compression == "infer" and str(path).lower().endswith(_COMPRESSED_SUFFIXES)
    ):
        return
    if any(kwargs.get(k) is not None for k in ("skiprows", "skipfooter", "comment", "nrows")):
        return
    if kwargs.get("header", "infer") not in ("infer", 0, None):
        return
    sep = kwargs.get("sep", kwargs.get("delimiter", ","))
    if not isinstance(sep, str) or len(sep) != 1:
        return
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
        fh.seek(max(0, size - (1 << 16)))
        tail = fh.read()
    if tail.endswith((b"\n", b"\r")) or b"\n" not in tail or size <= len(head) and head.count(b"\n") < 1:
        return
    last = tail.rsplit(b"\n", 1)[1]
    enc = kwargs.get("encoding") or "utf-8"

    def n_fields(raw: bytes) -> int:
        # The first record of ``raw`` (a header can span lines inside quotes).
        text = raw.decode(enc, errors="replace").lstrip("\ufeff")
        try:
            return len(next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), []))
        except csv.Error:
            return 0

    n_head, n_last = n_fields(head), n_fields(last)
    if n_last < n_head:
        raise LoaderError(
            f"{_where(dataset, filename)} appears truncated: its last line has {n_last} of the header's "
            f"{n_head} fields and no final newline (the file was cut off part-way through a row): "
            f"{last[:80].decode(enc, errors='replace')!r}."
        )


def _explain_usecols(path: Path, dataset: str, filename: str, required: Iterable[str], kwargs: dict) -> None:
    """Turn pandas' 'Usecols do not match columns' into the usual missing-column message."""
    head_kw = {
        k: v for k, v in kwargs.items() if k in ("sep", "delimiter", "encoding", "compression", "skiprows", "header")
    }
    try:
        header = pd.read_csv(path, nrows=0, **head_kw)
    except Exception:
        return
    header.columns = [str(c).strip() for c in header.columns]
    usecols = kwargs.get("usecols")
    usecols = list(usecols) if isinstance(usecols, (list, tuple, set)) else []
    wanted = list(required) + [c for c in usecols if isinstance(c, str) and c not in set(required)]
    require_columns(header, wanted, dataset, filename)


def read_excel(
    dataset: str,
    filename: str,
    *,
    required: Iterable[str] = (),
    schema: pa.DataFrameSchema | None = None,
    rename: dict[str, str] | None = None,
    edition: str | None = None,
    path: Path | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """As :func:`read_csv`, for a workbook (``sheet_name``, ``header``, ``engine`` ... as pandas;
    a list of sheet names gives {sheet: table}, each checked)."""
    path = Path(path) if path is not None else sources.resolve(dataset, filename, edition=edition)
    try:
        df = pd.read_excel(path, **kwargs)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise LoaderError(f"{_where(dataset, filename)} could not be read as a workbook: {exc}") from exc
    if isinstance(df, dict):  # several sheets asked for: each is checked
        return {
            name: _finish(sheet, dataset, f"{filename}, sheet {name!r}", required, schema, rename)
            for name, sheet in df.items()
        }
    return _finish(df, dataset, filename, required, schema, rename)


def _finish(df, dataset, filename, required, schema, rename) -> pd.DataFrame:
    if df.empty:
        raise LoaderError(f"{_where(dataset, filename)} has no data rows.")
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, required, dataset, filename)
    if rename:
        df = df.rename(columns=rename)
    if schema is not None:
        df = validate(df, schema, dataset, filename)
    return df


def require_columns(df: pd.DataFrame, required: Iterable[str], dataset: str, filename: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return
    import difflib

    hints = []
    for c in missing:
        close = difflib.get_close_matches(c, [str(x) for x in df.columns], n=1, cutoff=0.6)
        hints.append(f"{c!r}" + (f" (found {close[0]!r}: renamed?)" if close else ""))
    raise LoaderError(
        f"{_where(dataset, filename)} is missing required column(s): {', '.join(hints)}. "
        f"Columns present: {', '.join(map(str, df.columns[:40]))}{' ...' if len(df.columns) > 40 else ''}."
    )


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, dataset: str, filename: str) -> pd.DataFrame:
    """Validate with pandera, turning its report into one plain-English LoaderError."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        lines = []
        for (col, check), grp in fc.groupby(["column", "check"], dropna=False, sort=False):
            examples = grp["failure_case"].astype(str).head(5).tolist()
            rows = grp["index"].dropna().head(5).tolist() if "index" in grp else []
            row_txt = f" at row(s) {', '.join(_file_row(r) for r in rows)} of the file" if rows else ""
            lines.append(f"column {col!r}: failed {check}{row_txt}; e.g. {examples}")
            if len(lines) >= 8:
                break
        raise LoaderError(
            f"{_where(dataset, filename)} does not match its expected schema:\n  - " + "\n  - ".join(lines)
        ) from exc


def _file_row(index_value: Any) -> str:
    """Line number in the file of a default RangeIndex label (header is line 1); else the label."""
    if isinstance(index_value, (int, float)) and not isinstance(index_value, bool) and float(index_value).is_integer():
        return str(int(index_value) + 2)
    return repr(index_value)


def to_number(
    series: pd.Series, *, dataset: str, filename: str, column: str, markers: Iterable[str] = SUPPRESSION_MARKERS
) -> tuple[pd.Series, pd.Series]:
    """Parse published numbers: suppression markers become missing and are flagged.

    Returns (values, suppressed_flag). Anything else that is not a number is an error naming
    the column and examples, never a silent NaN.
    """
    s = series.astype("string").str.strip().str.replace(",", "", regex=False)
    marker_set = set(markers)
    suppressed = (s.isin(marker_set) | s.isna()).astype(bool)
    num = pd.to_numeric(s.where(~suppressed), errors="coerce").astype("float64")
    # "inf", "1e999" and the like are not published figures: refuse them with the rest.
    bad = (num.isna() | np.isinf(num)) & ~suppressed
    if bad.any():
        examples = series[bad].astype(str).unique()[:5].tolist()
        raise LoaderError(
            f"{_where(dataset, filename)}, column {column!r}: expected numbers or suppression markers "
            f"({', '.join(repr(m) for m in sorted(marker_set) if m)}), found {examples}."
        )
    return num.where(~suppressed), suppressed


def check_unique(df: pd.DataFrame, keys: list[str], dataset: str, filename: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        ex = df.loc[dup, keys].head(3).to_dict("records")
        raise LoaderError(
            f"{_where(dataset, filename)} has {int(dup.sum())} rows with duplicated key {keys}; e.g. {ex}."
        )


def check_codes(series: pd.Series, pattern: str, *, dataset: str, filename: str, column: str) -> None:
    # ASCII: a \d in a code pattern must not accept other scripts' digits (e.g. "E0100000\u0660").
    bad = ~series.astype("string").str.fullmatch(pattern, flags=re.ASCII).fillna(False).astype(bool)
    if bad.any():
        ex = series[bad].astype(str).unique()[:5].tolist()
        raise LoaderError(
            f"{_where(dataset, filename)}, column {column!r}: {int(bad.sum())} value(s) are not codes of "
            f"the form {pattern}; e.g. {ex}."
        )


def check_member(
    series: pd.Series, reference: Iterable[str], *, dataset: str, filename: str, column: str, reference_name: str
) -> None:
    """Every code in ``series`` must be one of ``reference`` (e.g. the 42 ICBs of the lookup)."""
    ref = set(reference)
    bad = ~series.isin(ref)
    if bad.any():
        ex = sorted(series[bad].astype(str).unique())[:5]
        raise LoaderError(
            f"{_where(dataset, filename)}, column {column!r}: {int(bad.sum())} value(s) are not among the "
            f"{len(ref)} codes of {reference_name}; e.g. {ex}."
        )


def one_name_per_code(
    df: pd.DataFrame, code: str, name: str, dataset: str, filename: str, by: list[str] | None = None
) -> None:
    """Each organisation code carries a single name (within ``by``): a code pasted onto other
    organisations' rows, or a mistyped code, shows up as one code with several names."""
    keys = (by or []) + [code]
    n = df.groupby(keys, dropna=False)[name].nunique()
    bad = n[n > 1].reset_index()[code].unique()
    if len(bad):
        ex = {c: sorted(df.loc[df[code] == c, name].astype(str).unique())[:3] for c in bad[:3]}
        raise LoaderError(
            f"dataset {dataset!r}, file {filename!r}, column {code!r}: {len(bad)} code(s) carry "
            f"several organisation names (unknown or mistyped codes?); e.g. {ex}."
        )


# --------------------------------------------------------------------------- table cache

#: Package modules that no chapter notebook runs (the build's command line, benchmark, preview, landing
#: page, front matter, Sphinx extension, and the build steps after execution: assembly, publishing):
#: editing them must not re-run every chapter. The rest of ``build/`` stays in: its post-processing
#: (``build/execute.py``) shapes the cached notebooks.
_NOT_READ_BY_CHAPTERS = {
    "cli.py",
    "bench.py",
    "compare.py",
    "frontmatter.py",
    "preview.py",
    "__main__.py",
    "sphinx_a11y",
    "build/assemble.py",
    "build/publish.py",
    "build/__init__.py",
}


def _code_fingerprint(chapter: str | None = None) -> str:
    """Hash of the package source: a change to any loader invalidates derived tables.

    The YAML registries the chapters read (``registry/objectives.yml``: the national targets)
    count as source: a corrected target must re-run the chapters that judge data against it.

    With ``chapter``, the source one chapter can run: the other chapters' modules and headline
    registries are left out, since chapters never import each other (a contract of the package's
    layers, checked by import-linter), so editing one chapter's module re-runs that chapter only.
    """
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted([*pkg.rglob("*.py"), *pkg.rglob("*.yml")]):
        rel = p.relative_to(pkg)
        if rel.parts[0] in _NOT_READ_BY_CHAPTERS or rel.as_posix() in _NOT_READ_BY_CHAPTERS:
            continue
        if chapter is not None and _other_chapters_file(rel, chapter):
            continue
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _other_chapters_file(rel: Path, chapter: str) -> bool:
    """A chapter module or headline registry of a chapter other than ``chapter``."""
    parts = rel.parts
    if len(parts) == 2 and parts[0] == "chapters" and rel.suffix == ".py" and rel.stem != "__init__":
        return rel.stem != chapter
    if len(parts) == 3 and parts[:2] == ("registry", "headlines"):
        return rel.stem != chapter
    return False


_FINGERPRINTS: dict[str | None, str] = {}


def code_fingerprint(chapter: str | None = None) -> str:
    """:func:`_code_fingerprint`, computed once per process (per chapter)."""
    if chapter not in _FINGERPRINTS:
        _FINGERPRINTS[chapter] = _code_fingerprint(chapter)
    return _FINGERPRINTS[chapter]


def tables_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", CACHE_DIR)) / "tables"


def _input_key(dataset: str, filename: str) -> str:
    """sha256 of one input file (``dataset@edition`` for the file of one edition), or for
    ``(dataset, "*")`` the hash of every file of the editions the build selects (each resolved,
    so verified and recorded as read)."""
    if filename != "*":
        ds, _, edition = dataset.partition("@")
        return sources.sha256_file(sources.resolve(ds, filename, edition=edition or None))
    chosen = sources.editions(dataset)
    h = hashlib.sha256(sources.selection_hash(chosen).encode())
    for e in chosen:
        for spec in e.files:
            h.update(sources.sha256_file(sources.resolve_spec(spec)).encode())
    return h.hexdigest()


def cached_table(name: str, inputs: list[tuple[str, str]], *, geo: bool = False) -> Callable:
    """Cache a function's DataFrame result as parquet, keyed on its inputs' sha256 and the code.

    ``inputs`` lists the (dataset, file) pairs the function reads (``dataset@edition`` for one
    edition's file; ``(dataset, "*")``: every file
    of the editions selected for the build, for a series read edition by edition). They are resolved (and so
    verified and recorded as read) on every call, cache hit or not, so a chapter's cache key
    still sees every raw file behind the tables it used. Keyword arguments become part of the
    key. Set ANALYSIS_NO_TABLE_CACHE=1 to bypass. ``geo``: the table is a GeoDataFrame (stored as
    GeoParquet and read back with geopandas).
    """

    def deco(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        memo: dict[str, pd.DataFrame] = {}

        @wraps(fn)
        def wrapper(**kwargs: Any) -> pd.DataFrame:
            shas = [_input_key(d, f) for d, f in inputs]
            h = hashlib.sha256()
            h.update(name.encode())
            h.update(code_fingerprint().encode())
            h.update(repr(sorted(kwargs.items())).encode())
            for s in shas:
                h.update(s.encode())
            key = h.hexdigest()[:20]
            if os.environ.get("ANALYSIS_NO_TABLE_CACHE") == "1":
                return fn(**kwargs)
            if key in memo:
                return memo[key].copy()
            sources._note_national(wrapper, (), kwargs)  # a table is the same for every ICB
            folder = tables_dir()
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{name}-{key}.parquet"
            with FileLock(str(target) + ".lock", timeout=600):
                if target.exists():
                    try:
                        df = _read_geoparquet(target) if geo else pd.read_parquet(target)
                    except Exception:
                        target.unlink(missing_ok=True)  # damaged entry: recompute
                    else:
                        memo[key] = df
                        return df.copy()
                df = fn(**kwargs)
                tmp = target.with_suffix(f".tmp{os.getpid()}")
                df.to_parquet(tmp, index=False)
                os.replace(tmp, target)  # atomic: readers see the whole table or none
                # Older versions of this table (other inputs or code) are no longer needed.
                for old in folder.glob(f"{name}-*.parquet*"):
                    if old.name not in (target.name, target.name + ".lock"):
                        old.unlink(missing_ok=True)
            memo[key] = df
            return df.copy()

        wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]  # like functools.lru_cache
        wrapper.inputs = inputs  # type: ignore[attr-defined]
        wrapper.table_name = name  # type: ignore[attr-defined]
        return wrapper

    return deco


def _read_geoparquet(path: Path) -> pd.DataFrame:
    import geopandas as gpd

    return gpd.read_parquet(path)


def snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


__all__ = [
    "LoaderError",
    "SUPPRESSION_MARKERS",
    "cached_table",
    "check_codes",
    "check_member",
    "check_unique",
    "one_name_per_code",
    "read_csv",
    "read_excel",
    "require_columns",
    "snake",
    "to_number",
    "validate",
]
