"""rates: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import PHStatsMethods as phs
from PHStatsMethods.validation import ci_col as _phs_ci_col
from scipy import stats

from ._common import (
    ESP2013,
    ArrayLike,
    ConfidenceArg,
    _band_start,
    _check_complete,
    _check_frame,
    _check_groups,
    _check_multiplier,
    _ci_names,
    _confidence_levels,
    _fail,
    _group_list,
    _numeric,
    _plain,
    _require_columns,
    _single_level,
    _z,
)

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
        raise _fail(
            func,
            f"numerator {numerator!r} exceeds denominator {denominator!r} in "
            f"{int(over.sum())} row(s) (first at row {int(np.argmax(over))}); "
            "a proportion cannot be above 1",
        )

    work = (
        df[groups + [numerator, denominator]]
        .reset_index(drop=True)
        .astype({numerator: "float64", denominator: "float64"})
    )
    result = phs.ph_proportion(
        work,
        numerator,
        denominator,
        group_cols=groups or None,
        metadata=False,
        confidence=list(levels),
        multiplier=int(mult),
    )
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


def rate_ci_from_count(
    df: pd.DataFrame,
    count: str,
    rate: str,
    confidence: ConfidenceArg = 0.95,
) -> pd.DataFrame:
    """Confidence interval of a **published** crude rate from its published event count, when
    the population behind the rate is not published with it (e.g. NHS England's Mental Health
    Act statistics give detentions and detentions per 100,000, not the population).

    A crude rate is ``count / population x multiplier``, so its interval is the count's Poisson
    interval on the same scale: ``rate x limit(count) / count``, with the limits of
    :func:`crude_rate` (``phe_rate``): exact Poisson below 10 events, Byar's from 10. Given the
    count and rate that ``phe_rate`` returns, the limits are exactly ``phe_rate``'s. Where the
    publisher rounds counts (to 5, say) the interval is that of the rounded count: say so.

    One row per input row; adds ``value`` (the rate), the limits and ``method``. A count of zero
    has no rate to scale (its upper limit needs the population): refused, as is a missing value.
    """
    func = "rate_ci_from_count"
    df = _check_frame(df, func)
    _require_columns(df, [count, rate], func)
    levels = _confidence_levels(confidence, func)
    x = _numeric(df, count, func, "event count", strictly_positive=True)
    r = _numeric(df, rate, func, "published rate")
    out = df.copy()
    out["value"] = r
    for level, lo, hi in _ci_names(levels):
        lower, upper = _poisson_ci(x, level)
        out[lo] = r * lower / x
        out[hi] = r * upper / x
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
        raise _fail(
            func,
            f"column {numerator!r} (event count) has {int(count.isna().sum())} "
            "missing value(s); if missing means no events, fill with 0 first",
        )
    _numeric(df, numerator, func, "event count")
    _numeric(df, denominator, func, "population", strictly_positive=True)
    starts = _band_start(df[age_band], age_band, func)

    work = (
        df[groups + [numerator, denominator]]
        .reset_index(drop=True)
        .astype({numerator: "float64", denominator: "float64"})
    )
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
            raise _fail(
                func,
                f"age bands starting {unknown} in {age_band!r} are not in the "
                f"standard population (bands start {_plain(std.index)})",
            )
        work["_std"] = std.reindex(starts).to_numpy()
        _check_complete(
            work,
            groups,
            "_band",
            list(std.index),
            func,
            "age bands starting",
            f"every group needs all {len(std)} standard population bands",
        )
    if work.duplicated(groups + ["_band"]).any():
        raise _fail(func, f"age band column {age_band!r} has duplicated bands within a group")

    result = phs.ph_dsr(
        work.drop(columns="_band"),
        numerator,
        denominator,
        "_std",
        group_cols=groups or None,
        metadata=False,
        confidence=list(levels),
        multiplier=int(mult),
        euro_standard_pops=False,
    )
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
