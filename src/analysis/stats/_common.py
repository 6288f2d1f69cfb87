"""common: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


class StatsInputError(ValueError):
    """Input to a statistics function is unusable; the message says which column and why."""


#: European Standard Population 2013 (Eurostat), 19 five-year bands 0-4 ... 85-89 and 90+,
#: indexed by the lower age of each band. Used by OHID for all DSRs since 2013.
ESP2013: pd.Series = pd.Series(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    index=pd.Index(list(range(0, 91, 5)), name="age_band_start"),
    name="esp2013",
    dtype="int64",
)

#: Lower ages of the 20 bands of the abridged life table (0, 1-4, 5-9, ..., 85-89, 90+).
LIFE_TABLE_AGE_BANDS: tuple[int, ...] = (0, 1, *range(5, 91, 5))

ConfidenceArg = float | Sequence[float]
ArrayLike = np.ndarray | pd.Series | Sequence[float] | float


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _fail(func: str, message: str) -> StatsInputError:
    return StatsInputError(f"{func}: {message}")


def _check_frame(df: object, func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise _fail(func, f"expected a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise _fail(func, "the input DataFrame is empty; there is nothing to calculate")
    return df


def _group_list(group_by: str | Sequence[str] | None, func: str) -> list[str]:
    if group_by is None:
        return []
    if isinstance(group_by, str):
        return [group_by]
    groups = list(group_by)
    if not all(isinstance(g, str) for g in groups):
        raise _fail(func, "group_by must be a column name or a list of column names")
    return groups


def _require_columns(df: pd.DataFrame, columns: Sequence[str | None], func: str) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise _fail(
            func,
            f"column(s) {', '.join(map(repr, missing))} not found in the data; "
            f"available columns are {', '.join(map(repr, df.columns))}",
        )


def _check_groups(df: pd.DataFrame, groups: list[str], func: str) -> None:
    _require_columns(df, groups, func)
    for g in groups:
        if df[g].isna().any():
            # pandas groupby silently drops missing keys, which would lose rows without warning
            raise _fail(
                func, f"group_by column {g!r} has {int(df[g].isna().sum())} missing value(s); fill or drop them first"
            )


def _numeric(
    df: pd.DataFrame,
    column: str,
    func: str,
    what: str,
    *,
    minimum: float | None = 0.0,
    strictly_positive: bool = False,
) -> np.ndarray:
    """Return ``df[column]`` as float64, rejecting text, missing and out-of-range values."""
    s = df[column]
    if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
        raise _fail(func, f"column {column!r} ({what}) must be numeric, found dtype {s.dtype}")
    x = s.to_numpy(dtype="float64", na_value=np.nan)
    n_missing = int(np.isnan(x).sum())
    if n_missing:
        raise _fail(func, f"column {column!r} ({what}) has {n_missing} missing (NaN) value(s); every row needs a value")
    if not np.isfinite(x).all():
        raise _fail(func, f"column {column!r} ({what}) has infinite value(s)")
    if strictly_positive and (x <= 0).any():
        raise _fail(
            func,
            f"column {column!r} ({what}) must be greater than zero; {int((x <= 0).sum())} row(s) are zero or negative",
        )
    if minimum is not None and (x < minimum).any():
        raise _fail(
            func,
            f"column {column!r} ({what}) must not be negative; {int((x < minimum).sum())} row(s) are below {minimum:g}",
        )
    return x


def _confidence_levels(confidence: ConfidenceArg, func: str) -> tuple[float, ...]:
    levels = (confidence,) if np.isscalar(confidence) else tuple(confidence)  # type: ignore[arg-type]
    if not levels:
        raise _fail(func, "confidence must be a level such as 0.95, or a list such as (0.95, 0.998)")
    out = []
    for c in levels:
        if isinstance(c, bool) or not isinstance(c, (int, float, np.floating, np.integer)):
            raise _fail(func, f"confidence must be a number between 0.9 and 1, got {c!r}")
        c = float(c)
        if not 0.9 <= c < 1:
            hint = " (give a proportion, e.g. 0.95 rather than 95)" if 1 < c <= 100 else ""
            raise _fail(func, f"confidence must be at least 0.9 and below 1, got {c:g}{hint}")
        out.append(round(c, 4))
    if len(set(out)) != len(out):
        raise _fail(func, f"confidence levels are repeated: {out}")
    return tuple(out)


def _single_level(confidence: float, func: str) -> float:
    levels = _confidence_levels(confidence, func)
    if len(levels) != 1:
        raise _fail(func, f"give one confidence level here, got {levels}")
    return levels[0]


def _level_label(level: float) -> str:
    return f"{level * 100:.10g}".replace(".", "_")


def _ci_names(levels: tuple[float, ...], prefix: str = "") -> list[tuple[float, str, str]]:
    """(level, lower column, upper column) for each level: the first level is the plain one."""
    names = []
    for i, level in enumerate(levels):
        tag = "" if i == 0 else f"_{_level_label(level)}"
        names.append((level, f"{prefix}lower{tag}_ci", f"{prefix}upper{tag}_ci"))
    return names


def _z(level: float) -> float:
    return float(stats.norm.ppf(level + (1 - level) / 2))


def _check_multiplier(multiplier: float, func: str, *, integer: bool = False) -> float:
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float, np.integer, np.floating)):
        raise _fail(func, f"multiplier must be a positive number, got {multiplier!r}")
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise _fail(func, f"multiplier must be a positive number, got {multiplier!r}")
    if integer and float(multiplier) != int(multiplier):
        raise _fail(func, f"multiplier must be a whole number (e.g. 100 or 100000), got {multiplier!r}")
    return float(multiplier)


def _plain(values: object) -> list[object]:
    """Python scalars for messages (numpy 2 reprs ``np.int64(6)`` otherwise)."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]  # type: ignore[union-attr]


def _group_label(key: object) -> str:
    if isinstance(key, tuple):
        key = tuple(_plain(key))
    return repr(key[0]) if isinstance(key, tuple) and len(key) == 1 else repr(key)


def _band_start(series: pd.Series, column: str, func: str) -> np.ndarray:
    """Lower age of each band: integers as given, or the first number in labels like '5-9', '90+'."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        x = series.to_numpy(dtype="float64", na_value=np.nan)
        if np.isnan(x).any():
            raise _fail(func, f"age band column {column!r} has missing values")
        if (x != np.floor(x)).any() or (x < 0).any():
            raise _fail(func, f"age band column {column!r} must hold whole-number lower ages")
        return x.astype("int64")
    starts = series.astype("string").str.extract(r"^\D*?(\d+)", expand=False)
    if starts.isna().any():
        bad = series[starts.isna()].astype("string").unique().tolist()
        raise _fail(
            func,
            f"age band column {column!r}: cannot read a lower age from {bad}; "
            "use lower ages (0, 5, ...) or labels that start with one ('5-9', '90+')",
        )
    return starts.astype("int64").to_numpy()


def _check_complete(
    work: pd.DataFrame,
    groups: list[str],
    column: str,
    expected: Sequence[object],
    func: str,
    what: str,
    requirement: str,
) -> None:
    """Every group must hold each ``expected`` value of ``column`` exactly once.

    Checked with vectorised counts; the slow per-group search only runs to name the first
    offending group in the error message.
    """
    expected_set = set(expected)
    dup = work.duplicated(groups + [column], keep=False)
    sizes = work.groupby(groups, sort=True).size() if groups else pd.Series([len(work)])
    if not dup.any() and (sizes == len(expected_set)).all():
        return
    for label, part in work.groupby(groups, sort=True) if groups else [((), work)]:
        where = f"group {_group_label(label)}" if groups else "the data"
        counts = part[column].value_counts()
        repeated = sorted(_plain(counts[counts > 1].index))
        if repeated:
            raise _fail(func, f"{where} has duplicated {what} {repeated}; give one row per {what}")
        missing = sorted(_plain(expected_set - set(part[column])))
        if missing:
            raise _fail(func, f"{where} is missing {what} {missing}; {requirement}")
