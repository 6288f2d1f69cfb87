"""means: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._common import _check_frame, _check_groups, _fail, _group_list, _numeric, _require_columns, _single_level


def weighted_mean(
    df: pd.DataFrame,
    value: str,
    weight: str,
    group_by: str | Sequence[str] | None = None,
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Weighted mean of unit values (e.g. one value per GP practice, weighted by list size) with
    a confidence interval from the spread between the units.

    The mean is ``sum(w * x) / sum(w)``. Its variance is the linearisation (sandwich) variance
    of a ratio estimator, ``n / (n - 1) * sum(w**2 * (x - mean)**2) / sum(w)**2`` (Cochran WG
    (1977) *Sampling techniques* 3rd edn, ch. 6), and the interval uses Student's t with
    ``n - 1`` degrees of freedom, so a mean resting on a handful of units gets the wide interval
    it deserves. This is what ``statsmodels`` gives for a weighted least-squares fit of a
    constant with heteroscedasticity-robust (HC1) standard errors and ``use_t=True``, which is
    how it is computed here. The interval describes how firmly the units pin the mean down
    (between-unit variation); it does not add each unit's own sampling error, which the
    published unit values do not carry.

    Rows with a missing value or weight are refused (drop them first, and say so). A group of
    one unit has a mean but no interval (``lower_ci``/``upper_ci`` NaN, ``se`` NaN).

    Returns one row per group: the groups, ``n`` (units), ``weight`` (sum of weights),
    ``value``, ``se``, ``lower_ci``, ``upper_ci``.
    """
    import statsmodels.api as sm

    func = "weighted_mean"
    df = _check_frame(df, func)
    groups = _group_list(group_by, func)
    _require_columns(df, [value, weight], func)
    _check_groups(df, groups, func)
    level = _single_level(confidence, func)
    x_all = _numeric(df, value, func, "value to average", minimum=None)
    w_all = _numeric(df, weight, func, "weight", strictly_positive=True)
    work = df[groups].reset_index(drop=True).copy() if groups else pd.DataFrame(index=range(len(df)))
    work["_x"], work["_w"] = x_all, w_all
    rows = []
    for key, part in work.groupby(groups, sort=True) if groups else [((), work)]:
        x, w = part["_x"].to_numpy(), part["_w"].to_numpy()
        n = len(x)
        fit = sm.WLS(x, np.ones(n), weights=w)
        if n >= 2:
            res = fit.fit(cov_type="HC1", use_t=True)
            mean, se = float(res.params[0]), float(res.bse[0])
            lo, hi = (float(v) for v in res.conf_int(alpha=1 - level)[0])
        else:
            mean, se, lo, hi = float(x[0]), np.nan, np.nan, np.nan
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(groups, key)),
                "n": n,
                "weight": float(w.sum()),
                "value": mean,
                "se": se,
                "lower_ci": lo,
                "upper_ci": hi,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        raise _fail(func, "no groups to average")
    out.attrs["confidence"] = (level,)
    return out
