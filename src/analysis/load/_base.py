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

import hashlib
import os
import re
import warnings
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Iterable

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
    **kwargs: Any,
) -> pd.DataFrame:
    """Resolve, read and validate a CSV.

    ``required`` columns are checked (with a "did you mean" for renamed columns) before
    ``rename`` is applied; ``schema`` is validated after renaming.
    """
    path = sources.resolve(dataset, filename)
    if path.stat().st_size == 0:
        raise LoaderError(f"{_where(dataset, filename)} is empty (0 bytes) at {path}.")
    kwargs.setdefault("encoding", "utf-8-sig")  # several publishers' CSVs start with a BOM
    kwargs.setdefault("low_memory", False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            df = pd.read_csv(path, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise LoaderError(f"{_where(dataset, filename)} could not be parsed as CSV: {exc}") from exc
    return _finish(df, dataset, filename, required, schema, rename)


def read_excel(
    dataset: str,
    filename: str,
    *,
    required: Iterable[str] = (),
    schema: pa.DataFrameSchema | None = None,
    rename: dict[str, str] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    path = sources.resolve(dataset, filename)
    try:
        df = pd.read_excel(path, **kwargs)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise LoaderError(f"{_where(dataset, filename)} could not be read as a workbook: {exc}") from exc
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
            row_txt = f" at row(s) {', '.join(str(int(r) + 2) for r in rows)} of the file" if rows else ""
            lines.append(f"column {col!r}: failed {check}{row_txt}; e.g. {examples}")
            if len(lines) >= 8:
                break
        raise LoaderError(
            f"{_where(dataset, filename)} does not match its expected schema:\n  - " + "\n  - ".join(lines)
        ) from exc


def to_number(series: pd.Series, *, dataset: str, filename: str, column: str,
              markers: Iterable[str] = SUPPRESSION_MARKERS) -> tuple[pd.Series, pd.Series]:
    """Parse published numbers: suppression markers become missing and are flagged.

    Returns (values, suppressed_flag). Anything else that is not a number is an error naming
    the column and examples, never a silent NaN.
    """
    s = series.astype("string").str.strip().str.replace(",", "", regex=False)
    marker_set = set(markers)
    suppressed = s.isin(marker_set) | s.isna()
    num = pd.to_numeric(s.where(~suppressed), errors="coerce")
    bad = num.isna() & ~suppressed
    if bad.any():
        examples = series[bad].astype(str).unique()[:5].tolist()
        raise LoaderError(
            f"{_where(dataset, filename)}, column {column!r}: expected numbers or suppression markers "
            f"({', '.join(repr(m) for m in sorted(marker_set) if m)}), found {examples}."
        )
    return num.astype("float64"), suppressed


def check_unique(df: pd.DataFrame, keys: list[str], dataset: str, filename: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        ex = df.loc[dup, keys].head(3).to_dict("records")
        raise LoaderError(
            f"{_where(dataset, filename)} has {int(dup.sum())} rows with duplicated key {keys}; e.g. {ex}."
        )


def check_codes(series: pd.Series, pattern: str, *, dataset: str, filename: str, column: str) -> None:
    bad = ~series.astype("string").str.fullmatch(pattern).fillna(False)
    if bad.any():
        ex = series[bad].astype(str).unique()[:5].tolist()
        raise LoaderError(
            f"{_where(dataset, filename)}, column {column!r}: {int(bad.sum())} value(s) are not codes of "
            f"the form {pattern}; e.g. {ex}."
        )


# --------------------------------------------------------------------------- table cache

def _code_fingerprint() -> str:
    """Hash of the package source: a change to any loader invalidates derived tables."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _code_fingerprint()
    return _FINGERPRINT


def tables_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", CACHE_DIR)) / "tables"


def cached_table(name: str, inputs: list[tuple[str, str]]) -> Callable:
    """Cache a function's DataFrame result as parquet, keyed on its inputs' sha256 and the code.

    ``inputs`` lists the (dataset, file) pairs the function reads. They are resolved (and so
    verified and recorded as read) on every call, cache hit or not, so a chapter's cache key
    still sees every raw file behind the tables it used. Keyword arguments become part of the
    key. Set ANALYSIS_NO_TABLE_CACHE=1 to bypass.
    """

    def deco(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        memo: dict[str, pd.DataFrame] = {}

        @wraps(fn)
        def wrapper(**kwargs: Any) -> pd.DataFrame:
            shas = [sources.sha256_file(sources.resolve(d, f)) for d, f in inputs]
            h = hashlib.sha256()
            h.update(name.encode())
            h.update(code_fingerprint().encode())
            h.update(repr(sorted(kwargs.items())).encode())
            for s in shas:
                h.update(s.encode())
            key = h.hexdigest()[:20]
            if key in memo:
                return memo[key].copy()
            if os.environ.get("ANALYSIS_NO_TABLE_CACHE") == "1":
                return fn(**kwargs)
            folder = tables_dir()
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{name}-{key}.parquet"
            with FileLock(str(target) + ".lock", timeout=600):
                if target.exists():
                    try:
                        df = pd.read_parquet(target)
                    except Exception:
                        target.unlink(missing_ok=True)  # damaged entry: recompute
                    else:
                        memo[key] = df
                        return df.copy()
                df = fn(**kwargs)
                tmp = target.with_suffix(f".tmp{os.getpid()}")
                df.to_parquet(tmp, index=False)
                os.replace(tmp, target)  # atomic: readers see the whole table or none
                for old in folder.glob(f"{name}-*.parquet"):
                    if old != target:
                        old.unlink(missing_ok=True)
            memo[key] = df
            return df.copy()

        wrapper.inputs = inputs  # type: ignore[attr-defined]
        wrapper.table_name = name  # type: ignore[attr-defined]
        return wrapper

    return deco


def snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


__all__ = [
    "LoaderError",
    "SUPPRESSION_MARKERS",
    "cached_table",
    "check_codes",
    "check_unique",
    "read_csv",
    "read_excel",
    "require_columns",
    "snake",
    "to_number",
    "validate",
]
