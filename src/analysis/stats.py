"""Public health statistics, as OHID (formerly PHE) computes them for Fingertips.

One public function per method. Every function takes a pandas DataFrame, column names and an
optional ``group_by`` list, validates its input (raising :class:`StatsInputError`, a
``ValueError``, with a plain-English message naming the column or parameter at fault) and
returns a DataFrame with columns ``value``, ``lower_ci`` and ``upper_ci`` plus the inputs.

Confidence levels
    ``confidence`` is one level in [0.9, 1) or a sequence of levels, e.g. ``(0.95, 0.998)``.
    The first level gives ``lower_ci``/``upper_ci``; each further level gives
    ``lower_<level>_ci``/``upper_<level>_ci`` with the level in percent and ``_`` for the decimal
    point (``lower_99_8_ci``). The levels used are kept in ``result.attrs["confidence"]``.

Methods and references
    * proportions: Wilson score interval -- PHEindicatormethods ``phe_proportion``;
      Wilson EB (1927) J Am Stat Assoc 22:209-12; Newcombe RG, Altman DG (2000) in *Statistics
      with confidence* 2nd edn pp 46-8.
    * crude rates: Byar's approximation, exact Poisson (chi-square) for counts < 10 --
      PHEindicatormethods ``phe_rate``; Breslow NE, Day NE (1987) *Statistical methods in cancer
      research* vol II; Armitage P, Berry G (2002) *Statistical methods in medical research*.
    * directly standardised rates: Dobson method -- PHEindicatormethods ``phe_dsr`` /
      ``calculate_dsr``; Dobson AJ et al (1991) Stat Med 10:457-62; European Standard
      Population 2013 (Eurostat).
    * slope and relative index of inequality: PHEindicatormethods ``phe_sii``; Low A, Low A
      (2004) J Public Health 26:388-95; OHID PHOF indicator 0.2iii / Fingertips 92901.
    * life expectancy: Chiang II abridged life table with a 90+ band and Silcocks' variance for
      the last band -- PHEindicatormethods ``phe_life_expectancy``; Chiang CL (1968); Silcocks
      PBS et al (2001) J Epidemiol Community Health 55:38-43; Eayres DP, Williams ES (2004)
      J Epidemiol Community Health 58:243-9.
    * quantiles: PHEindicatormethods ``phe_quantile``; OHID technical guide *Assigning
      deprivation categories*.
    * funnel plots: PHEindicatormethods ``phe_funnels`` / ``phe_funnel_significance``;
      Spiegelhalter DJ (2005) Stat Med 24:1185-1202; Fingertips technical guidance.
    * statistical process control: NHS England / NHS Improvement *Making Data Count* (2019)
      and *Making Data Count: Strengthening your decisions* (2021); XmR chart (Wheeler DJ,
      *Understanding Variation*, 2000).

Where the Python port of PHEindicatormethods (``PHStatsMethods`` 0.1.16, installed) computes a
method correctly and works with pandas 3 it is called (Wilson proportions, DSRs, quantiles,
funnel limits and significance); where it is missing or broken the method is written here and
the reason is given next to the code.
"""
from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import PHStatsMethods as phs
from PHStatsMethods.validation import ci_col as _phs_ci_col
from scipy import special, stats

__all__ = [
    "ESP2013",
    "LIFE_TABLE_AGE_BANDS",
    "SPCResult",
    "StatsInputError",
    "assign_quantiles",
    "byars_ci",
    "crude_rate",
    "dsr",
    "exact_poisson_ci",
    "funnel_limits",
    "funnel_significance",
    "life_expectancy",
    "population_weighted_quantiles",
    "proportion",
    "sii",
    "spc",
    "wilson_ci",
]


class StatsInputError(ValueError):
    """Input to a statistics function is unusable; the message says which column and why."""


#: European Standard Population 2013 (Eurostat), 19 five-year bands 0-4 ... 85-89 and 90+,
#: indexed by the lower age of each band. Used by OHID for all DSRs since 2013.
ESP2013: pd.Series = pd.Series(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
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
            raise _fail(func, f"group_by column {g!r} has {int(df[g].isna().sum())} missing "
                              "value(s); fill or drop them first")


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
        raise _fail(func, f"column {column!r} ({what}) has {n_missing} missing (NaN) value(s); "
                          "every row needs a value")
    if not np.isfinite(x).all():
        raise _fail(func, f"column {column!r} ({what}) has infinite value(s)")
    if strictly_positive and (x <= 0).any():
        raise _fail(func, f"column {column!r} ({what}) must be greater than zero; "
                          f"{int((x <= 0).sum())} row(s) are zero or negative")
    if minimum is not None and (x < minimum).any():
        raise _fail(func, f"column {column!r} ({what}) must not be negative; "
                          f"{int((x < minimum).sum())} row(s) are below {minimum:g}")
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
        raise _fail(func, f"age band column {column!r}: cannot read a lower age from {bad}; "
                          "use lower ages (0, 5, ...) or labels that start with one ('5-9', '90+')")
    return starts.astype("int64").to_numpy()


def _check_complete(work: pd.DataFrame, groups: list[str], column: str, expected: Sequence[object],
                    func: str, what: str, requirement: str) -> None:
    """Every group must hold each ``expected`` value of ``column`` exactly once.

    Checked with vectorised counts; the slow per-group search only runs to name the first
    offending group in the error message.
    """
    expected_set = set(expected)
    dup = work.duplicated(groups + [column], keep=False)
    sizes = work.groupby(groups, sort=True).size() if groups else pd.Series([len(work)])
    if not dup.any() and (sizes == len(expected_set)).all():
        return
    for label, part in (work.groupby(groups, sort=True) if groups else [((), work)]):
        where = f"group {_group_label(label)}" if groups else "the data"
        counts = part[column].value_counts()
        repeated = sorted(_plain(counts[counts > 1].index))
        if repeated:
            raise _fail(func, f"{where} has duplicated {what} {repeated}; give one row per {what}")
        missing = sorted(_plain(expected_set - set(part[column])))
        if missing:
            raise _fail(func, f"{where} is missing {what} {missing}; {requirement}")


# --------------------------------------------------------------------------------------------
# low-level confidence intervals
# --------------------------------------------------------------------------------------------

def wilson_ci(x: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``x / n``, as proportions between 0 and 1.

    Vectorised over ``x`` and ``n``. Same formula as PHEindicatormethods ``wilson_lower`` /
    ``wilson_upper`` (Wilson 1927; Newcombe & Altman 2000). ``PHStatsMethods.wilson_lower`` is
    not used here because it takes one number at a time (``math.sqrt``).

    Raises :class:`StatsInputError` for negative counts, non-positive ``n`` or ``x > n``.
    """
    func = "wilson_ci"
    level = _single_level(confidence, func)
    x_arr = np.asarray(x, dtype="float64")
    n_arr = np.asarray(n, dtype="float64")
    if np.isnan(x_arr).any() or np.isnan(n_arr).any():
        raise _fail(func, "x and n must not contain missing values")
    if (x_arr < 0).any():
        raise _fail(func, "x (the numerator) must not be negative")
    if (n_arr <= 0).any():
        raise _fail(func, "n (the denominator) must be greater than zero")
    if (x_arr > n_arr).any():
        raise _fail(func, "x (the numerator) must not exceed n (the denominator) for a proportion")
    z = _z(level)
    centre = 2 * x_arr + z**2
    half = z * np.sqrt(z**2 + 4 * x_arr * (1 - x_arr / n_arr))
    denom = 2 * (n_arr + z**2)
    return (centre - half) / denom, (centre + half) / denom


def byars_ci(x: ArrayLike, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson interval for a count (Breslow & Day 1987).

    Pure Byar's formula, as PHEindicatormethods ``byars_lower``/``byars_upper``: the lower
    limit is NaN where the approximation goes negative (very small counts at high confidence).
    Use :func:`exact_poisson_ci` (or :func:`crude_rate`, which switches automatically) for
    counts below 10.
    """
    func = "byars_ci"
    level = _single_level(confidence, func)
    x_arr = np.asarray(x, dtype="float64")
    if np.isnan(x_arr).any() or (x_arr < 0).any():
        raise _fail(func, "x (the observed count) must be zero or more with no missing values")
    z = _z(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x_arr * (1 - 1 / (9 * x_arr) - z / (3 * np.sqrt(x_arr))) ** 3
    lower = np.where(np.isfinite(lower) & (lower >= 0), lower, np.nan)
    upper = (x_arr + 1) * (1 - 1 / (9 * (x_arr + 1)) + z / (3 * np.sqrt(x_arr + 1))) ** 3
    return lower, upper


def exact_poisson_ci(x: ArrayLike, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval for a count from the chi-square distribution (Armitage & Berry).

    The lower limit for a count of zero is zero.
    """
    func = "exact_poisson_ci"
    level = _single_level(confidence, func)
    x_arr = np.asarray(x, dtype="float64")
    if np.isnan(x_arr).any() or (x_arr < 0).any():
        raise _fail(func, "x (the observed count) must be zero or more with no missing values")
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(x_arr > 0, stats.chi2.ppf(alpha / 2, 2 * x_arr) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x_arr + 2) / 2
    return lower, upper


def _poisson_ci(x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact below 10 events, Byar's from 10 (the OHID rule for crude rates)."""
    ex_lo, ex_hi = exact_poisson_ci(x, level)
    by_lo, by_hi = byars_ci(np.maximum(x, 10), level)  # keep Byar's away from x < 10
    small = x < 10
    return np.where(small, ex_lo, by_lo), np.where(small, ex_hi, by_hi)


def _aggregate(df: pd.DataFrame, groups: list[str], columns: list[str]) -> pd.DataFrame:
    if not groups:
        return df.copy()
    return df.groupby(groups, sort=True, as_index=False)[columns].sum()


# --------------------------------------------------------------------------------------------
# proportions and rates
# --------------------------------------------------------------------------------------------

def proportion(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    group_by: str | Sequence[str] | None = None,
    confidence: ConfidenceArg = 0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Proportions with Wilson score confidence intervals (PHEindicatormethods ``phe_proportion``).

    Ungrouped, one row per input row (all input columns kept); grouped, numerators and
    denominators are summed within each group and there is one row per group. ``value`` and the
    limits are on the ``multiplier`` scale (100 = percentage).

    The calculation is ``PHStatsMethods.ph_proportion`` (checked against the
    PHEindicatormethods fixtures); this wrapper adds the input checks and the column names.
    """
    func = "proportion"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [numerator, denominator], func)
    _check_groups(df, groups, func)
    levels = _confidence_levels(confidence, func)
    mult = _check_multiplier(multiplier, func, integer=True)
    num = _numeric(df, numerator, func, "numerator")
    den = _numeric(df, denominator, func, "denominator", strictly_positive=True)
    over = num > den
    if over.any():
        raise _fail(func, f"numerator {numerator!r} exceeds denominator {denominator!r} in "
                          f"{int(over.sum())} row(s) (first at row {int(np.argmax(over))}); "
                          "a proportion cannot be above 1")

    work = df[groups + [numerator, denominator]].reset_index(drop=True).astype(
        {numerator: "float64", denominator: "float64"})
    result = phs.ph_proportion(work, numerator, denominator, group_cols=groups or None,
                               metadata=False, confidence=list(levels), multiplier=int(mult))
    if groups:
        out = result[groups + [numerator, denominator]].copy()
    else:
        # ph_proportion keeps row order but drops non-numeric columns: put the inputs back
        out = df.copy()
    out["value"] = result["Value"].to_numpy()
    for level, lo, hi in _ci_names(levels):
        out[lo] = result[_phs_ci_col(level, "lower")].to_numpy()
        out[hi] = result[_phs_ci_col(level, "upper")].to_numpy()
    out.attrs["confidence"] = levels
    return out


def crude_rate(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    group_by: str | Sequence[str] | None = None,
    confidence: ConfidenceArg = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Crude rates with Byar's confidence intervals, exact Poisson below 10 events (``phe_rate``).

    One row per input row, or per group (counts and denominators summed). Adds ``method``
    ("Exact" or "Byars") per row, as OHID publishes it.
    """
    # Written here rather than calling PHStatsMethods.ph_rate: its byars_upper raises
    # "'Value' must be a positive number" for a count of 0, which is a valid rate (0 events has
    # an exact upper limit), so ph_rate fails on any group with no events.
    func = "crude_rate"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [numerator, denominator], func)
    _check_groups(df, groups, func)
    levels = _confidence_levels(confidence, func)
    mult = _check_multiplier(multiplier, func)
    _numeric(df, numerator, func, "event count")
    _numeric(df, denominator, func, "population or person-years", strictly_positive=True)

    out = _aggregate(df, groups, [numerator, denominator])
    x = out[numerator].to_numpy(dtype="float64")
    n = out[denominator].to_numpy(dtype="float64")
    out["value"] = x / n * mult
    for level, lo, hi in _ci_names(levels):
        lower, upper = _poisson_ci(x, level)
        out[lo] = lower / n * mult
        out[hi] = upper / n * mult
    out["method"] = np.where(x < 10, "Exact", "Byars")
    out.attrs["confidence"] = levels
    return out


# --------------------------------------------------------------------------------------------
# directly standardised rates
# --------------------------------------------------------------------------------------------

def dsr(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    age_band: str,
    group_by: str | Sequence[str] | None = None,
    standard_population: pd.Series | Mapping[int, float] | str = ESP2013,
    confidence: ConfidenceArg = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Directly standardised rates with Dobson confidence intervals (``phe_dsr``).

    Parameters
    ----------
    numerator, denominator
        Event counts and populations by age band. Missing counts are an error: if a missing
        count means "no events" fill it with 0 first (PHEindicatormethods does that silently).
    age_band
        Column with the lower age of each band (0, 5, ..., 90) or labels starting with it
        ('0-4', '90+'); bands are matched to ``standard_population`` by lower age.
    standard_population
        Default :data:`ESP2013`. Either a Series/mapping from lower age to standard population
        (every group must have exactly those bands) or the name of a column in ``df`` holding
        the standard population of each row.

    Returns
    -------
    One row per group: the groups, summed ``numerator`` and ``denominator``, ``value`` and the
    limits per ``multiplier``, ``suppressed`` and ``value_note``. OHID does not publish a DSR
    based on fewer than 10 events, so there ``value`` and the limits are NaN and
    ``suppressed`` is True.

    Notes
    -----
    The sums and Dobson limits are ``PHStatsMethods.ph_dsr`` (given the standard population as a
    column, so its own label-parsing join, which prints to stdout, is not used). The variance
    is ``sum(count * (std_pop / pop)**2) / sum(std_pop)**2``; limits are
    ``DSR + sqrt(var / O) * (Byar(O) - O)`` with ``O`` the total count.
    """
    func = "dsr"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [numerator, denominator, age_band], func)
    _check_groups(df, groups, func)
    levels = _confidence_levels(confidence, func)
    mult = _check_multiplier(multiplier, func, integer=True)
    count = df[numerator]
    if pd.api.types.is_numeric_dtype(count) and count.isna().any():
        raise _fail(func, f"column {numerator!r} (event count) has {int(count.isna().sum())} "
                          "missing value(s); if missing means no events, fill with 0 first")
    _numeric(df, numerator, func, "event count")
    _numeric(df, denominator, func, "population", strictly_positive=True)
    starts = _band_start(df[age_band], age_band, func)

    work = df[groups + [numerator, denominator]].reset_index(drop=True).astype(
        {numerator: "float64", denominator: "float64"})
    work["_band"] = starts
    if isinstance(standard_population, str):
        _require_columns(df, [standard_population], func)
        work["_std"] = _numeric(df, standard_population, func, "standard population")
        sizes = work.groupby(groups).size() if groups else pd.Series([len(work)])
        if sizes.nunique() != 1:
            raise _fail(func, "every group must have the same number of age bands")
    else:
        std = pd.Series(standard_population, dtype="float64")
        if std.isna().any() or (std < 0).any():
            raise _fail(func, "standard_population must be non-negative with no missing values")
        std.index = std.index.astype("int64")
        unknown = sorted(_plain(set(starts) - set(std.index)))
        if unknown:
            raise _fail(func, f"age bands starting {unknown} in {age_band!r} are not in the "
                              f"standard population (bands start {_plain(std.index)})")
        work["_std"] = std.reindex(starts).to_numpy()
        _check_complete(work, groups, "_band", list(std.index), func, "age bands starting",
                        f"every group needs all {len(std)} standard population bands")
    if work.duplicated(groups + ["_band"]).any():
        raise _fail(func, f"age band column {age_band!r} has duplicated bands within a group")

    result = phs.ph_dsr(work.drop(columns="_band"), numerator, denominator, "_std",
                        group_cols=groups or None, metadata=False, confidence=list(levels),
                        multiplier=int(mult), euro_standard_pops=False)
    result = result.rename(columns={"Total Count": numerator, "Total Pop": denominator})
    out = result[groups + [numerator, denominator]].copy()
    out["value"] = result["Value"].to_numpy()
    suppressed = out[numerator].to_numpy() < 10
    for level, lo, hi in _ci_names(levels):
        out[lo] = result[_phs_ci_col(level, "lower")].to_numpy()
        out[hi] = result[_phs_ci_col(level, "upper")].to_numpy()
        out.loc[suppressed, [lo, hi]] = np.nan
    out.loc[suppressed, "value"] = np.nan
    out["suppressed"] = suppressed
    out["value_note"] = np.where(suppressed, "fewer than 10 events: DSR not calculated", "")
    out.attrs["confidence"] = levels
    return out


# --------------------------------------------------------------------------------------------
# slope index of inequality
# --------------------------------------------------------------------------------------------

def _transform(v: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == 1:
        return np.log(v)
    if value_type == 2:
        return special.logit(v)
    return v


def _untransform(v: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == 1:
        return np.exp(v)
    if value_type == 2:
        return special.expit(v)
    return v


def sii(
    df: pd.DataFrame,
    value: str,
    population: str,
    quantile: str,
    group_by: str | Sequence[str] | None = None,
    *,
    se: str | None = None,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    value_type: Literal[0, 1, 2] = 0,
    rii: bool = False,
    reps: int = 100_000,
    seed: int | None = 1,
    confidence: ConfidenceArg = 0.95,
    multiplier: float = 1,
    intercept: bool = False,
    transform: bool = False,
    n_quantiles: int | None = None,
) -> pd.DataFrame:
    """Slope index of inequality (and relative index) as PHEindicatormethods ``phe_sii``.

    Method (Low & Low 2004; the PHOF/Fingertips method): within each group the quantiles are
    ordered 1, 2, ... with **1 the most deprived**. Each gets relative rank ``b``, the
    mid-point of its share of the cumulative population, and weight ``a``, its share of the
    population. ``value`` is regressed on ``b`` by least squares weighted by population
    (``Y*sqrt(a) = c*sqrt(a) + SII*b*sqrt(a)``, no free intercept). The SII is the slope: the
    fitted value at ``b = 1`` (least deprived end) minus that at ``b = 0`` (most deprived end),
    times ``multiplier``. The RII is ``(c + SII) / c``, inverted when ``multiplier < 0``.

    Sign convention (identical to ``phe_sii``): positive when the value rises from most to
    least deprived. For life expectancy the SII is therefore positive and equals the gap in
    years between the least and most deprived ends (Fingertips 92901); for mortality rates it
    is negative. Use ``multiplier=-1`` to report a gap the other way round.

    Confidence limits come from simulation: each quantile's value is drawn ``reps`` times from
    a normal distribution with its standard error (on the log scale for rates, ``value_type``
    1, and the logit scale for proportions, 2), the regression is refitted and the limits are
    the matching order statistics. ``seed`` makes this reproducible; numpy's generator is not
    R's, so limits agree with ``phe_sii`` to Monte Carlo error only (``sii`` itself exactly).

    Parameters
    ----------
    se, lower_cl, upper_cl
        Either the standard error of each value (for ``value_type`` 1/2 on the log/logit
        scale, as ``phe_sii`` expects) or its 95% confidence limits, from which the standard
        error is derived as ``(upper - lower) / (2 * 1.96)`` after the transformation.
    value_type
        0 normally distributed (e.g. life expectancy), 1 rate, 2 proportion (between 0 and 1).
    transform
        Fit the regression on the log (rates) or logit (proportions) scale and transform back
        (needs ``lower_cl``/``upper_cl``; not allowed with ``se``), as ``phe_sii(transform=TRUE)``.
    n_quantiles
        Expected number of quantiles per group; default the number of distinct quantile values
        in the data. Every group must have each quantile exactly once.

    Returns
    -------
    One row per group: the groups, ``n_quantiles``, total ``population``, ``value`` (SII),
    ``lower_ci``, ``upper_ci`` (and further levels); with ``rii=True`` also ``rii``,
    ``rii_lower_ci``, ``rii_upper_ci``; with ``intercept=True`` the fitted value at the most
    deprived end (``intercept``).
    """
    func = "sii"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [value, population, quantile, se, lower_cl, upper_cl], func)
    _check_groups(df, groups, func)
    levels = _confidence_levels(confidence, func)
    if value_type not in (0, 1, 2) or isinstance(value_type, bool):
        raise _fail(func, f"value_type must be 0 (normal), 1 (rate) or 2 (proportion), got {value_type!r}")
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float, np.integer, np.floating)) \
            or multiplier == 0 or not np.isfinite(multiplier):
        raise _fail(func, f"multiplier must be a non-zero number, got {multiplier!r}")
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 1000:
        raise _fail(func, f"reps (simulation repetitions) must be a whole number of at least 1000, got {reps!r}")
    if se is None and (lower_cl is None or upper_cl is None):
        raise _fail(func, "give either se (a standard error column) or both lower_cl and upper_cl")
    if transform and value_type == 0:
        raise _fail(func, "transform=True needs value_type 1 (rate, log scale) or 2 (proportion, logit scale)")
    if transform and se is not None:
        raise _fail(func, "transform=True derives standard errors from lower_cl/upper_cl; do not give se")
    if transform and (lower_cl is None or upper_cl is None):
        raise _fail(func, "transform=True needs lower_cl and upper_cl")

    pop = _numeric(df, population, func, "population", strictly_positive=True)
    val = _numeric(df, value, func, "indicator value", minimum=None)
    if se is not None:
        se_in = _numeric(df, se, func, "standard error")
        lo_in = hi_in = None
    else:
        se_in = None
        lo_in = _numeric(df, lower_cl, func, "lower confidence limit", minimum=None)
        hi_in = _numeric(df, upper_cl, func, "upper confidence limit", minimum=None)
    if value_type == 1:
        if (val <= 0).any() or (lo_in is not None and ((lo_in <= 0).any() or (hi_in <= 0).any())):
            raise _fail(func, f"value_type 1 (rate) needs {value!r} and its limits above zero (log scale)")
    if value_type == 2:
        if ((val <= 0) | (val >= 1)).any():
            raise _fail(func, f"value_type 2 (proportion) needs {value!r} strictly between 0 and 1; "
                              "give proportions, not percentages")
        if lo_in is not None and (((lo_in <= 0) | (lo_in >= 1)).any() or ((hi_in <= 0) | (hi_in >= 1)).any()):
            raise _fail(func, "value_type 2 (proportion) needs lower_cl and upper_cl strictly between 0 and 1")
    if lo_in is not None and (lo_in > hi_in).any():
        raise _fail(func, f"lower_cl {lower_cl!r} is above upper_cl {upper_cl!r} in "
                          f"{int((lo_in > hi_in).sum())} row(s)")
    q_raw = df[quantile]
    if q_raw.isna().any():
        raise _fail(func, f"column {quantile!r} (quantile) has missing values")

    # --- each group must hold every quantile exactly once --------------------------------
    work = df[groups].reset_index(drop=True).copy() if groups else pd.DataFrame(index=range(len(df)))
    work["_q"] = q_raw.to_numpy()
    all_q = sorted(_plain(pd.unique(work["_q"])))
    k = len(all_q) if n_quantiles is None else int(n_quantiles)
    if len(all_q) != k:
        raise _fail(func, f"expected {k} quantiles but the data hold {len(all_q)} distinct values {all_q}")
    if not 5 <= k <= 100:
        raise _fail(func, f"the number of quantiles must be between 5 and 100 (found {k})")
    if k > 10:
        warnings.warn("sii: with more than 10 quantiles small populations can make the SII unstable",
                      UserWarning, stacklevel=2)
    _check_complete(work, groups, "_q", all_q, func, "quantile",
                    "the SII needs every quantile in every group")

    work["_pop"], work["_val"] = pop, val
    if se_in is not None:
        work["_se"] = se_in
    else:
        z95 = float(stats.norm.ppf(0.975))  # phe_sii: limits are always taken to be 95%
        work["_se"] = (_transform(hi_in, value_type) - _transform(lo_in, value_type)) / (2 * z95)
    work = work.sort_values(groups + ["_q"], kind="stable")
    n_groups = len(work) // k
    P = work["_pop"].to_numpy().reshape(n_groups, k)
    V = work["_val"].to_numpy().reshape(n_groups, k)
    SE = work["_se"].to_numpy().reshape(n_groups, k)

    a = P / P.sum(axis=1, keepdims=True)
    b = np.cumsum(a, axis=1) - a / 2  # mid-point of each quantile's cumulative population share
    sqrt_a = np.sqrt(a)
    X = np.stack([sqrt_a, b * sqrt_a], axis=2)  # (groups, k, 2)
    # hat matrix (X'X)^-1 X' per group, so each simulated draw is one matrix product
    H = np.linalg.solve(np.einsum("gki,gkj->gij", X, X), np.transpose(X, (0, 2, 1)))
    Vt = _transform(V, value_type)
    y_fit = Vt if transform else V
    coef = np.einsum("gik,gk->gi", H, y_fit * sqrt_a)
    c, s = coef[:, 0], coef[:, 1]

    m = float(multiplier)
    if transform:
        x0, x1 = c, c + s
        mid = c + s / 2
        sii_val = (_untransform(x1, value_type) - _untransform(x0, value_type)) * m
        rii_val = _untransform(x1, value_type) / _untransform(x0, value_type)
        icpt = _untransform(x0, value_type) * abs(m)
    else:
        sii_val = m * s
        rii_val = (c + s) / c
        icpt = c
    if m < 0:
        rii_val = 1 / rii_val

    # One random stream per group, seeded by (seed, the group's own key): a group's simulated
    # interval is then the same whichever other groups are in the call, so a figure computed
    # for one ICB matches the same ICB in an all-ICB table.
    if groups:
        keys = work[groups].iloc[::k].astype(str).agg("\x1f".join, axis=1).tolist()
    else:
        keys = [""]
    rngs = [np.random.default_rng(None if seed is None else
                                  [int(seed), int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")])
            for key in keys]
    cols = _ci_names(levels)
    rii_cols = _ci_names(levels, prefix="rii_")
    ci = {name: np.empty(n_groups) for _, lo, hi in cols + rii_cols for name in (lo, hi)}
    positions = []
    for level in levels:
        upper_p = level + (1 - level) / 2
        # phe_sii takes the round(reps * p)-th ordered draw (1-based) as each limit
        positions.append((int(round(reps * (1 - upper_p))) - 1, int(round(reps * upper_p)) - 1))
    kth = sorted({p for pair in positions for p in pair})
    for g in range(n_groups):
        draws = Vt[g] + SE[g] * rngs[g].standard_normal((reps, k))
        if not transform:
            draws = _untransform(draws, value_type)
        params = (draws * sqrt_a[g]) @ H[g].T  # (reps, 2): fitted c and slope for each draw
        if transform:
            slope = np.partition(params[:, 1], kth)
            for (_, lo, hi), (_, rlo, rhi), (pl, pu) in zip(cols, rii_cols, positions):
                s_lo, s_hi = slope[pl], slope[pu]
                # phe_sii converts the slope limits back through the line pivoting on the
                # fitted mid-point (b = 0.5) rather than transforming each draw
                y0_lo = _untransform(mid[g] - s_lo / 2, value_type)
                y1_lo = _untransform(mid[g] + s_lo / 2, value_type)
                y0_hi = _untransform(mid[g] - s_hi / 2, value_type)
                y1_hi = _untransform(mid[g] + s_hi / 2, value_type)
                # a negative multiplier swaps which draw gives the lower limit. (phe_sii tests
                # `multiplier < 1` here for rates but `< 0` for proportions, which would swap
                # the rate limits for a multiplier in (0, 1); `< 0` is used for both.)
                if m < 0:
                    ci[lo][g], ci[hi][g] = (y1_hi - y0_hi) * m, (y1_lo - y0_lo) * m
                    ci[rlo][g], ci[rhi][g] = y0_hi / y1_hi, y0_lo / y1_lo
                else:
                    ci[lo][g], ci[hi][g] = (y1_lo - y0_lo) * m, (y1_hi - y0_hi) * m
                    ci[rlo][g], ci[rhi][g] = y1_lo / y0_lo, y1_hi / y0_hi
        else:
            sii_sim = np.partition(m * params[:, 1], kth)
            rii_sim = (params[:, 0] + params[:, 1]) / params[:, 0]
            rii_sim = np.partition(1 / rii_sim if m < 0 else rii_sim, kth)
            for (_, lo, hi), (_, rlo, rhi), (pl, pu) in zip(cols, rii_cols, positions):
                ci[lo][g], ci[hi][g] = sii_sim[pl], sii_sim[pu]
                ci[rlo][g], ci[rhi][g] = rii_sim[pl], rii_sim[pu]

    out = (work.iloc[::k][groups].reset_index(drop=True) if groups
           else pd.DataFrame(index=range(1)))
    out["n_quantiles"] = k
    out[population] = P.sum(axis=1)
    out["value"] = sii_val
    for _, lo, hi in cols:
        out[lo], out[hi] = ci[lo], ci[hi]
    if rii:
        out["rii"] = rii_val
        for _, lo, hi in rii_cols:
            out[lo], out[hi] = ci[lo], ci[hi]
    if intercept:
        out["intercept"] = icpt
    out.attrs["confidence"] = levels
    return out


# --------------------------------------------------------------------------------------------
# life expectancy
# --------------------------------------------------------------------------------------------

def life_expectancy(
    df: pd.DataFrame,
    age_band: str,
    deaths: str,
    population: str,
    group_by: str | Sequence[str] | None = None,
    confidence: ConfidenceArg = 0.95,
    le_age: int | Sequence[int] | Literal["all"] = 0,
) -> pd.DataFrame:
    """Life expectancy from an abridged (Chiang II) life table, as ``phe_life_expectancy``.

    Needs, for each group, the 20 bands starting 0, 1, 5, 10, ..., 85 and 90 (open-ended)
    given in ``age_band`` as lower ages or labels starting with them ('1-4', '90+'). Deaths
    and population (person-years) per band. ``a`` (fraction of the interval lived by those who
    die) is 0.1 for age 0 and 0.5 otherwise; the 90+ band uses ``L = l / M``. Confidence
    limits use Chiang's variance with Silcocks et al's term for the final band.

    Raises :class:`StatsInputError` for negative deaths, zero or negative populations, deaths
    above the population, missing or duplicated age bands (named) and missing values. As OHID
    does, a group whose total population is 5,000 or less, or that has no deaths at 90+, gets
    NaN with a ``value_note`` (not an error: the data are valid, just too thin).

    Returns
    -------
    ``le_age=0`` (default): one row per group, life expectancy at birth. ``le_age="all"``: one
    row per input row (every age band). A list of ages: those bands. Columns: the input
    columns, ``value``, limits, ``value_note``.
    """
    func = "life_expectancy"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [age_band, deaths, population], func)
    _check_groups(df, groups, func)
    levels = _confidence_levels(confidence, func)
    d = _numeric(df, deaths, func, "deaths")
    p = _numeric(df, population, func, "population", strictly_positive=True)
    over = d > p
    if over.any():
        raise _fail(func, f"deaths {deaths!r} exceed population {population!r} in "
                          f"{int(over.sum())} row(s); check the columns are not swapped")
    starts = _band_start(df[age_band], age_band, func)
    if le_age == "all":
        wanted = None
    else:
        wanted = [le_age] if np.isscalar(le_age) else list(le_age)  # type: ignore[arg-type]
        bad = [w for w in wanted if w not in LIFE_TABLE_AGE_BANDS]
        if bad:
            raise _fail(func, f"le_age {bad} is not the start of a life table band "
                              f"{list(LIFE_TABLE_AGE_BANDS)}; use one of them or 'all'")

    work = df.reset_index(drop=True).copy()
    work["_band"], work["_d"], work["_p"] = starts, d, p
    expected = set(LIFE_TABLE_AGE_BANDS)
    unknown = sorted(_plain(set(starts) - expected))
    if unknown:
        raise _fail(func, f"age bands starting {unknown} in {age_band!r} are not life table bands; "
                          f"expected {list(LIFE_TABLE_AGE_BANDS)} (90 = 90 and over)")
    _check_complete(work, groups, "_band", LIFE_TABLE_AGE_BANDS, func, "age bands starting",
                    "life expectancy needs all 20 bands 0, 1, 5, ..., 85, 90+")

    work = work.sort_values(groups + ["_band"], kind="stable")
    K = len(LIFE_TABLE_AGE_BANDS)
    G = len(work) // K
    D = work["_d"].to_numpy().reshape(G, K)
    Pp = work["_p"].to_numpy().reshape(G, K)
    start = np.asarray(LIFE_TABLE_AGE_BANDS, dtype="float64")

    with np.errstate(divide="ignore", invalid="ignore"):
        M = D / Pp
        n = np.broadcast_to(np.append(np.diff(start), np.nan), (G, K)).copy()
        n[:, -1] = 2 / M[:, -1]
        a = np.where(start == 0, 0.1, 0.5)
        q = M * n / (1 + M * n * (1 - a))
        q[:, -1] = 1.0
        surv = 1 - q
        l = 1e5 * np.concatenate([np.ones((G, 1)), np.cumprod(surv[:, :-1], axis=1)], axis=1)
        l_next = np.concatenate([l[:, 1:], np.zeros((G, 1))], axis=1)
        dd = l - l_next
        L = n * (l_next + a * dd)
        L[:, -1] = l[:, -1] / M[:, -1]
        T = np.cumsum(L[:, ::-1], axis=1)[:, ::-1]
        e = np.where(l == 0, 0.0, T / l)
        # Chiang's variance of q; zero-death bands contribute nothing (0/0 avoided)
        sp = np.where(dd == 0, 0.0, q**2 * (1 - q) / D)
        sp[:, -1] = 4 / (D[:, -1] * M[:, -1] ** 2)  # Silcocks: variance of 1/M for 90+
        e_next = np.concatenate([e[:, 1:], np.zeros((G, 1))], axis=1)
        W = sp * l**2 * ((1 - a) * n + e_next) ** 2
        W[:, -1] = (l[:, -1] / 2) ** 2 * sp[:, -1]
        ST = np.cumsum(W[:, ::-1], axis=1)[:, ::-1]
        se_e = np.sqrt(ST / l**2)

    no_old_deaths = D[:, -1] == 0
    small = Pp.sum(axis=1) <= 5000
    note = np.where(small, "total population 5,000 or less: life expectancy not calculated",
                    np.where(no_old_deaths, "no deaths at 90+: life expectancy cannot be calculated", ""))
    bad = (small | no_old_deaths)[:, None]
    e = np.where(bad, np.nan, e)
    se_e = np.where(bad, np.nan, se_e)

    out = work.drop(columns=["_band", "_d", "_p"])
    out["value"] = e.ravel()
    for level, lo, hi in _ci_names(levels):
        z = _z(level)
        out[lo] = (e - z * se_e).ravel()
        out[hi] = (e + z * se_e).ravel()
    out["value_note"] = np.repeat(note, K)
    if wanted is not None:
        out = out.loc[np.isin(work["_band"].to_numpy(), wanted)]
    out = out.reset_index(drop=True)
    out.attrs["confidence"] = levels
    return out


# --------------------------------------------------------------------------------------------
# quantiles
# --------------------------------------------------------------------------------------------

def assign_quantiles(
    df: pd.DataFrame,
    value: str,
    n_quantiles: int = 10,
    group_by: str | Sequence[str] | None = None,
    invert: bool | str = True,
    population: str | None = None,
) -> pd.DataFrame:
    """Assign areas to quantiles by rank, as PHEindicatormethods ``phe_quantile``.

    Unweighted: each quantile holds about the same *number of areas*. Within each group areas
    are ranked (ties share the lowest rank) and quantile = ``floor((n+1) - ceil(((N+1) - rank)
    / (N/n)))`` with 0 set to 1, the OHID rule that keeps tied areas together.

    ``invert=True`` (default) puts the **highest** values in quantile 1 -- e.g. IMD scores,
    where higher = more deprived, so 1 = most deprived. ``invert=False`` puts the lowest values
    in quantile 1 (e.g. IMD ranks, where rank 1 = most deprived). ``invert`` may also name a
    boolean column that is constant within each group (per-indicator polarity).
    Groups with fewer areas than quantiles get NaN (with a warning).

    If ``population`` is given the assignment is population-weighted instead; see
    :func:`population_weighted_quantiles`.

    Returns the input rows with a ``quantile`` column. The assignment itself is
    ``PHStatsMethods.ph_quantile``, which reproduces the PHEindicatormethods fixtures.
    """
    func = "assign_quantiles"
    if population is not None:
        direction = invert if isinstance(invert, bool) else True
        return population_weighted_quantiles(df, value, population, n_quantiles, group_by,
                                             higher_is_more_deprived=direction)
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [value], func)
    _check_groups(df, groups, func)
    if isinstance(n_quantiles, bool) or not isinstance(n_quantiles, (int, np.integer)) or n_quantiles < 2:
        raise _fail(func, f"n_quantiles must be a whole number of at least 2, got {n_quantiles!r}")
    _numeric(df, value, func, "value to rank", minimum=None)

    work = df[groups + [value]].reset_index(drop=True)
    if isinstance(invert, str):
        _require_columns(df, [invert], func)
        flags = df[invert].reset_index(drop=True)
        if flags.isna().any() or not set(flags.unique()) <= {True, False}:
            raise _fail(func, f"invert column {invert!r} must hold True/False only")
        per_group = flags.groupby([work[g] for g in groups]).nunique() if groups else flags.nunique()
        if (np.asarray(per_group) > 1).any():
            raise _fail(func, f"invert column {invert!r} must take one value within each group")
        flags = flags.astype(bool)
    elif isinstance(invert, (bool, np.bool_)):
        flags = pd.Series(bool(invert), index=work.index)
    else:
        raise _fail(func, f"invert must be True, False or a column name, got {invert!r}")

    quantile_out = pd.Series(np.nan, index=work.index, dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # re-issued below in our own words
        for flag in (True, False):
            part = work.loc[flags == flag]
            if part.empty:
                continue
            res = phs.ph_quantile(part, value, group_cols=groups or None,
                                  nquantiles=int(n_quantiles), invert=flag, type="standard")
            quantile_out.loc[part.index] = res["quantile"].to_numpy(dtype="float64")
    if quantile_out.isna().any():
        warnings.warn(f"{func}: {int(quantile_out.isna().sum())} row(s) are in groups with fewer "
                      f"than {n_quantiles} areas and have no quantile", UserWarning, stacklevel=2)
    out = df.copy()
    out["quantile"] = pd.array(quantile_out.to_numpy(), dtype="Int64")  # <NA> where unassigned
    return out


def population_weighted_quantiles(
    df: pd.DataFrame,
    score: str,
    population: str,
    n: int = 10,
    group_by: str | Sequence[str] | None = None,
    higher_is_more_deprived: bool = True,
) -> pd.DataFrame:
    """Population-weighted quantiles: each holds about 1/n of the group's population.

    Used for *local* deprivation deciles (e.g. LSOAs within an ICB by IMD score), where
    equal-count deciles would give deciles of very different population. Areas are ordered from
    most to least deprived -- by descending ``score`` when ``higher_is_more_deprived`` (IMD
    scores) or ascending (IMD ranks) -- and each is placed by the mid-point of its block in the
    cumulative population: ``quantile = floor(n * midpoint / total) + 1``. **Quantile 1 is the
    most deprived.** Areas with equal scores form one block and always share a quantile, so
    the split is deterministic whatever the row order.

    Returns the input rows with an integer ``quantile`` column. Warns if a quantile is empty
    (too few areas for ``n``).
    """
    func = "population_weighted_quantiles"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [score, population], func)
    _check_groups(df, groups, func)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise _fail(func, f"n (number of quantiles) must be a whole number of at least 2, got {n!r}")
    sc = _numeric(df, score, func, "deprivation score", minimum=None)
    pop = _numeric(df, population, func, "population", strictly_positive=True)

    work = df[groups].reset_index(drop=True).copy() if groups else pd.DataFrame(index=range(len(df)))
    work["_order"] = -sc if higher_is_more_deprived else sc
    work["_pop"] = pop
    # one block per distinct score within a group, so tied areas cannot be split
    block = work.groupby((groups or []) + ["_order"], sort=True)["_pop"].sum().rename("_block_pop").reset_index()
    if groups:
        total = block.groupby(groups)["_block_pop"].transform("sum")
        cum = block.groupby(groups)["_block_pop"].cumsum()
    else:
        total = block["_block_pop"].sum()
        cum = block["_block_pop"].cumsum()
    mid = cum - block["_block_pop"] / 2
    block["quantile"] = np.clip(np.floor(n * mid / total).astype("int64") + 1, 1, n)
    merged = work.merge(block[(groups or []) + ["_order", "quantile"]], on=(groups or []) + ["_order"],
                        how="left", validate="many_to_one")
    out = df.copy()
    out["quantile"] = merged["quantile"].to_numpy(dtype="int64")
    filled = merged.groupby(groups)["quantile"].nunique() if groups else pd.Series([merged["quantile"].nunique()])
    if (filled < n).any():
        warnings.warn(f"{func}: some groups have empty quantiles (too few areas for {n} quantiles)",
                      UserWarning, stacklevel=2)
    return out


# --------------------------------------------------------------------------------------------
# funnel plots
# --------------------------------------------------------------------------------------------

_FUNNEL_RENAME = {
    "lower_2s_limit": "lower_95_limit",
    "upper_2s_limit": "upper_95_limit",
    "lower_3s_limit": "lower_99_8_limit",
    "upper_3s_limit": "upper_99_8_limit",
    "lower_2s_population_1_year": "lower_95_population_1_year",
    "upper_2s_population_1_year": "upper_95_population_1_year",
    "lower_3s_population_1_year": "lower_99_8_population_1_year",
    "upper_3s_population_1_year": "upper_99_8_population_1_year",
    "Population": "denominator",
    "Events": "events",
}


def _funnel_inputs(df: pd.DataFrame, numerator: str, denominator: str | None, statistic: str,
                   rate: str | None, rate_type: str | None, func: str) -> pd.DataFrame:
    df = _check_frame(df, func)
    if statistic not in ("proportion", "rate"):
        raise _fail(func, f"statistic must be 'proportion' or 'rate', got {statistic!r}")
    _require_columns(df, [numerator, denominator, rate], func)
    num = _numeric(df, numerator, func, "numerator")
    if statistic == "proportion":
        if denominator is None:
            raise _fail(func, "proportion funnels need a denominator column")
        den = _numeric(df, denominator, func, "denominator", strictly_positive=True)
        if (num > den).any():
            raise _fail(func, f"numerator {numerator!r} exceeds denominator {denominator!r} in "
                              f"{int((num > den).sum())} row(s)")
    else:
        if rate is None or rate_type not in ("crude", "dsr"):
            raise _fail(func, "rate funnels need rate (column of rates) and rate_type 'crude' or 'dsr'")
        _numeric(df, rate, func, "rate")
        if denominator is not None:
            _numeric(df, denominator, func, "denominator", strictly_positive=True)
        elif (num == 0).any():
            raise _fail(func, "rows with 0 events need the denominator column to place them")
    cols = [c for c in (numerator, denominator, rate) if c is not None]
    return df[cols].reset_index(drop=True).astype("float64")


def funnel_limits(
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    statistic: Literal["proportion", "rate"] = "proportion",
    multiplier: float = 100,
    rate: str | None = None,
    rate_type: Literal["crude", "dsr"] | None = None,
    years_of_data: int = 1,
) -> pd.DataFrame:
    """Funnel plot control limits at 95% and 99.8% (PHEindicatormethods ``phe_funnels``).

    Returns 100 rows spanning the data's range of denominators (``denominator`` column for
    proportions, observed ``events`` for rates), with ``lower_95_limit``, ``upper_95_limit``,
    ``lower_99_8_limit``, ``upper_99_8_limit`` and the ``baseline`` (pooled average), all on
    the ``multiplier`` scale. Proportion limits are exact Wilson-type limits around the pooled
    proportion; rate limits are Poisson (the population at which each event count would sit on
    the limit; also given per year).

    The calculation is ``PHStatsMethods.calculate_funnel_limits``. For proportions it is run on
    the 0-1 scale and scaled here, because it caps limits at 100 whatever the multiplier.
    """
    func = "funnel_limits"
    work = _funnel_inputs(df, numerator, denominator, statistic, rate, rate_type, func)
    mult = _check_multiplier(multiplier, func, integer=True)
    if isinstance(years_of_data, bool) or not isinstance(years_of_data, (int, np.integer)) or years_of_data < 1:
        raise _fail(func, f"years_of_data must be a whole number of at least 1, got {years_of_data!r}")
    if statistic == "proportion":
        res = phs.calculate_funnel_limits(work, numerator, "proportion", 1, denom_col=denominator,
                                          metadata=False)
        limit_cols = [c for c in res.columns if c.endswith("limit")]
        # a proportion's limits cannot leave [0, 1]: phe_funnels caps them at 0% and 100%
        res[limit_cols] = res[limit_cols].clip(lower=0, upper=1) * mult
        res["baseline"] = res["baseline"] * mult
    else:
        res = phs.calculate_funnel_limits(work, numerator, "rate", int(mult), denom_col=denominator,
                                          metadata=False, rate=rate, rate_type=rate_type,
                                          years_of_data=int(years_of_data))
    return res.rename(columns=_FUNNEL_RENAME)


def funnel_significance(
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    statistic: Literal["proportion", "rate"] = "proportion",
    rate: str | None = None,
    rate_type: Literal["crude", "dsr"] | None = None,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Place each point against the funnel limits (``phe_funnel_significance``).

    Adds ``significance``: "High (0.001)" above the 99.8% limit, "High (0.025)" above the 95%
    limit only, "Low (0.025)"/"Low (0.001)" likewise below, else "Not significant" (for DSRs
    with fewer than 10 events, "Not applicable ..."). The comparison is with the pooled
    average of all rows, so pass the whole comparator set (e.g. all ICBs), not a subset.
    ``multiplier`` is the rate's "per" (only used for rates). Uses
    ``PHStatsMethods.assign_funnel_significance``.
    """
    func = "funnel_significance"
    work = _funnel_inputs(df, numerator, denominator, statistic, rate, rate_type, func)
    if statistic == "proportion":
        res = phs.assign_funnel_significance(work, numerator, "proportion", denom_col=denominator)
    else:
        mult = _check_multiplier(multiplier, func)
        res = phs.assign_funnel_significance(work, numerator, "rate", denom_col=denominator,
                                             rate=rate, rate_type=rate_type, multiplier=mult)
    out = df.copy()
    out["significance"] = res["significance"].to_numpy()
    return out


# --------------------------------------------------------------------------------------------
# statistical process control (Making Data Count)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SPCResult:
    """Output of :func:`spc`: a row per point plus the two Making Data Count icon summaries."""

    points: pd.DataFrame
    #: latest point: "special_cause_improvement", "special_cause_concern",
    #: "special_cause_neither" (when improvement="neither") or "common_cause"
    variation: str
    #: "consistently_passes", "consistently_fails", "hit_and_miss" or None (no target/direction)
    assurance: str | None

    @property
    def summary(self) -> dict[str, object]:
        last = self.points.iloc[-1]
        return {
            "variation": self.variation,
            "assurance": self.assurance,
            "mean": float(last["mean"]),
            "upper_process_limit": float(last["upper_process_limit"]),
            "lower_process_limit": float(last["lower_process_limit"]),
            "n_points": len(self.points),
        }


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run-length encoding: (start index, length, value) of each run of equal values."""
    change = np.flatnonzero(np.diff(flags)) + 1
    starts = np.concatenate([[0], change])
    lengths = np.diff(np.concatenate([starts, [len(flags)]]))
    return starts, lengths, flags[starts]


def _mark(n: int, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    marks = np.zeros(n + 1, dtype="int64")
    np.add.at(marks, starts, 1)
    np.add.at(marks, starts + lengths, -1)
    return np.cumsum(marks[:-1]) > 0


def spc(
    values: Sequence[float] | np.ndarray | pd.Series,
    periods: Sequence[object] | pd.Index | None = None,
    improvement: Literal["increase", "decrease", "neither"] = "increase",
    target: float | None = None,
    run_length: int = 7,
    baseline: int | None = None,
    trend_length: int | None = None,
) -> SPCResult:
    """XmR statistical process control chart with the NHS England *Making Data Count* rules.

    Centre line: the mean of the baseline points (default all). Process limits:
    mean +/- 2.66 x mean moving range (2.66 = 3 / 1.128, i.e. 3 sigma); near-limit lines at
    2 sigma (mean +/- 1.773 x mean moving range). Limits from a baseline are held fixed for
    later points.

    Special-cause rules (Making Data Count, 2019/2021), each flagged per point:

    * ``rule_beyond_limits``: a point above the upper or below the lower process limit;
    * ``rule_run``: ``run_length`` (default 7; some versions use 8 or 6) or more consecutive
      points on the same side of the mean -- a point exactly on the mean breaks a run;
    * ``rule_trend``: ``trend_length`` (default ``run_length``; MDC uses 6 in some versions)
      or more consecutive points each higher (or each lower) than the one before -- equal
      neighbours break a trend;
    * ``rule_two_of_three``: two of three consecutive points beyond the same 2-sigma line
      (the points beyond it are flagged).

    A flagged point is a signal *up* (above the mean/limit, rising trend) or *down*.
    ``special_cause_improvement``/``special_cause_concern`` follow ``improvement``: with
    "increase" up is improvement, with "decrease" down is; with "neither" both are False and
    ``special_cause_neither`` is set (the purple MDC icon).

    Summary, as the MDC icons (both judge the latest position):

    * ``variation``: the kind of special cause the latest point is part of, else
      "common_cause";
    * ``assurance`` (needs ``target`` and a direction): "consistently_passes" when the whole
      process range is on the good side of the target (for "increase", lower limit > target),
      "consistently_fails" when it is all on the wrong side, otherwise "hit_and_miss".

    A constant series has a mean moving range of 0: the limits collapse onto the mean and no
    point is flagged (no division by the moving range is ever needed).
    """
    func = "spc"
    if isinstance(values, pd.Series):
        if periods is None:
            periods = values.index
        values = values.to_numpy(dtype="float64", na_value=np.nan)
    try:
        x = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise _fail(func, f"values must be numbers ({exc})") from None
    if x.ndim != 1:
        raise _fail(func, "values must be one-dimensional")
    if len(x) < 2:
        raise _fail(func, f"at least 2 values are needed for a moving range; got {len(x)}")
    if np.isnan(x).any():
        raise _fail(func, f"values has {int(np.isnan(x).sum())} missing value(s); SPC needs an "
                          "unbroken series")
    if not np.isfinite(x).all():
        raise _fail(func, "values has infinite value(s)")
    if improvement not in ("increase", "decrease", "neither"):
        raise _fail(func, f"improvement must be 'increase', 'decrease' or 'neither', got {improvement!r}")
    trend_length = run_length if trend_length is None else trend_length
    for name, v in (("run_length", run_length), ("trend_length", trend_length)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 3:
            raise _fail(func, f"{name} must be a whole number of at least 3, got {v!r}")
    if baseline is None:
        baseline = len(x)
    if isinstance(baseline, bool) or not isinstance(baseline, (int, np.integer)) or not 2 <= baseline <= len(x):
        raise _fail(func, f"baseline must be a whole number of points between 2 and {len(x)}, got {baseline!r}")
    if target is not None:
        try:
            ok = not isinstance(target, bool) and np.isfinite(float(target))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise _fail(func, f"target must be a finite number or None, got {target!r}")
    if periods is not None and len(periods) != len(x):
        raise _fail(func, f"periods has {len(periods)} entries but values has {len(x)}")

    n = len(x)
    base = x[:baseline]
    mean = base.mean()
    mr = np.abs(np.diff(x))
    mr_bar = np.abs(np.diff(base)).mean()
    sigma = 2.66 / 3 * mr_bar
    upl, lpl = mean + 3 * sigma, mean - 3 * sigma
    unl, lnl = mean + 2 * sigma, mean - 2 * sigma

    # the mean of equal floats need not equal them exactly (e.g. nine copies of 233016.929...),
    # so differences within floating-point noise of the data's scale count as "on the line"
    tol = 1e-12 * max(float(np.abs(x).max()), np.finfo("float64").tiny)
    above_limit, below_limit = x - upl > tol, lpl - x > tol

    side = np.where(np.abs(x - mean) > tol, np.sign(x - mean), 0).astype("int64")
    starts, lengths, vals = _runs(side)
    keep = (vals != 0) & (lengths >= run_length)
    run_up = _mark(n, starts[keep & (vals > 0)], lengths[keep & (vals > 0)])
    run_down = _mark(n, starts[keep & (vals < 0)], lengths[keep & (vals < 0)])

    step = np.sign(np.diff(x)).astype("int64")
    t_starts, t_lengths, t_vals = _runs(step)
    keep = (t_vals != 0) & (t_lengths >= trend_length - 1)  # k rising steps join k+1 points
    trend_up = _mark(n, t_starts[keep & (t_vals > 0)], t_lengths[keep & (t_vals > 0)] + 1)
    trend_down = _mark(n, t_starts[keep & (t_vals < 0)], t_lengths[keep & (t_vals < 0)] + 1)

    near_up, near_down = x - unl > tol, lnl - x > tol
    two3_up = np.zeros(n, dtype=bool)
    two3_down = np.zeros(n, dtype=bool)
    if n >= 3:
        for near, flag in ((near_up, two3_up), (near_down, two3_down)):
            windows = np.lib.stride_tricks.sliding_window_view(near, 3)
            hit = np.flatnonzero(windows.sum(axis=1) >= 2)
            for offset in range(3):
                idx = hit + offset
                flag[idx] |= near[idx]

    up = above_limit | run_up | trend_up | two3_up
    down = below_limit | run_down | trend_down | two3_down
    special = up | down
    if improvement == "increase":
        good, bad = up, down
    elif improvement == "decrease":
        good, bad = down, up
    else:
        good = bad = np.zeros(n, dtype=bool)

    rule_names = {
        "beyond_limits": above_limit | below_limit,
        "run": run_up | run_down,
        "trend": trend_up | trend_down,
        "two_of_three": two3_up | two3_down,
    }
    rules = [",".join(name for name, f in rule_names.items() if f[i]) for i in range(n)]
    points = pd.DataFrame({
        "period": list(periods) if periods is not None else np.arange(1, n + 1),
        "value": x,
        "baseline": np.arange(n) < baseline,
        "moving_range": np.concatenate([[np.nan], mr]),
        "mean": mean,
        "upper_process_limit": upl,
        "lower_process_limit": lpl,
        "upper_near_limit": unl,
        "lower_near_limit": lnl,
        "target": np.nan if target is None else float(target),
        **{f"rule_{k}": v for k, v in rule_names.items()},
        "special_cause": special,
        "special_cause_improvement": good,
        "special_cause_concern": bad,
        "special_cause_neither": special & (improvement == "neither"),
        "rules": rules,
    })

    if not special[-1]:
        variation = "common_cause"
    elif improvement == "neither":
        variation = "special_cause_neither"
    elif good[-1] and bad[-1]:
        # conflicting signals on the latest point: go by which side of the mean it sits
        above = x[-1] > mean
        variation = ("special_cause_improvement" if above == (improvement == "increase")
                     else "special_cause_concern")
    else:
        variation = "special_cause_improvement" if good[-1] else "special_cause_concern"

    assurance: str | None = None
    if target is not None and improvement != "neither":
        t = float(target)
        passes = lpl > t if improvement == "increase" else upl < t
        fails = upl < t if improvement == "increase" else lpl > t
        assurance = "consistently_passes" if passes else "consistently_fails" if fails else "hit_and_miss"
    return SPCResult(points=points, variation=variation, assurance=assurance)
