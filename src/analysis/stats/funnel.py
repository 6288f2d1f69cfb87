"""funnel: part of :mod:`analysis.stats` (see its docstring for methods and references)."""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import PHStatsMethods as phs

from ._common import _check_frame, _check_multiplier, _fail, _numeric, _require_columns


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


