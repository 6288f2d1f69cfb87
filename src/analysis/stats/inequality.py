"""inequality: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from ._common import (
    ConfidenceArg,
    _check_complete,
    _check_frame,
    _check_groups,
    _ci_names,
    _confidence_levels,
    _fail,
    _group_list,
    _numeric,
    _plain,
    _require_columns,
)

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
    if (
        isinstance(multiplier, bool)
        or not isinstance(multiplier, (int, float, np.integer, np.floating))
        or multiplier == 0
        or not np.isfinite(multiplier)
    ):
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
            raise _fail(
                func,
                f"value_type 2 (proportion) needs {value!r} strictly between 0 and 1; "
                "give proportions, not percentages",
            )
        if lo_in is not None and (((lo_in <= 0) | (lo_in >= 1)).any() or ((hi_in <= 0) | (hi_in >= 1)).any()):
            raise _fail(func, "value_type 2 (proportion) needs lower_cl and upper_cl strictly between 0 and 1")
    if lo_in is not None and (lo_in > hi_in).any():
        raise _fail(
            func, f"lower_cl {lower_cl!r} is above upper_cl {upper_cl!r} in {int((lo_in > hi_in).sum())} row(s)"
        )
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
        warnings.warn(
            "sii: with more than 10 quantiles small populations can make the SII unstable", UserWarning, stacklevel=2
        )
    _check_complete(work, groups, "_q", all_q, func, "quantile", "the SII needs every quantile in every group")

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
    rngs = [
        np.random.default_rng(
            None if seed is None else [int(seed), int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")]
        )
        for key in keys
    ]
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

    out = work.iloc[::k][groups].reset_index(drop=True) if groups else pd.DataFrame(index=range(1))
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
