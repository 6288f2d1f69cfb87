"""quantiles: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import PHStatsMethods as phs

from ._common import _check_frame, _check_groups, _fail, _group_list, _numeric, _require_columns

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
        return population_weighted_quantiles(
            df, value, population, n_quantiles, group_by, higher_is_more_deprived=direction
        )
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
            res = phs.ph_quantile(
                part, value, group_cols=groups or None, nquantiles=int(n_quantiles), invert=flag, type="standard"
            )
            quantile_out.loc[part.index] = res["quantile"].to_numpy(dtype="float64")
    if quantile_out.isna().any():
        warnings.warn(
            f"{func}: {int(quantile_out.isna().sum())} row(s) are in groups with fewer "
            f"than {n_quantiles} areas and have no quantile",
            UserWarning,
            stacklevel=2,
        )
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
    merged = work.merge(
        block[(groups or []) + ["_order", "quantile"]],
        on=(groups or []) + ["_order"],
        how="left",
        validate="many_to_one",
    )
    out = df.copy()
    out["quantile"] = merged["quantile"].to_numpy(dtype="int64")
    filled = merged.groupby(groups)["quantile"].nunique() if groups else pd.Series([merged["quantile"].nunique()])
    if (filled < n).any():
        warnings.warn(
            f"{func}: some groups have empty quantiles (too few areas for {n} quantiles)", UserWarning, stacklevel=2
        )
    return out
