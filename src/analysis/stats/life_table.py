"""life table: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._common import (
    LIFE_TABLE_AGE_BANDS,
    ConfidenceArg,
    _band_start,
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
    _z,
)

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
        raise _fail(
            func,
            f"deaths {deaths!r} exceed population {population!r} in "
            f"{int(over.sum())} row(s); check the columns are not swapped",
        )
    starts = _band_start(df[age_band], age_band, func)
    if le_age == "all":
        wanted = None
    else:
        wanted = [le_age] if np.isscalar(le_age) else list(le_age)  # type: ignore[arg-type]
        bad = [w for w in wanted if w not in LIFE_TABLE_AGE_BANDS]
        if bad:
            raise _fail(
                func,
                f"le_age {bad} is not the start of a life table band "
                f"{list(LIFE_TABLE_AGE_BANDS)}; use one of them or 'all'",
            )

    work = df.reset_index(drop=True).copy()
    work["_band"], work["_d"], work["_p"] = starts, d, p
    expected = set(LIFE_TABLE_AGE_BANDS)
    unknown = sorted(_plain(set(starts) - expected))
    if unknown:
        raise _fail(
            func,
            f"age bands starting {unknown} in {age_band!r} are not life table bands; "
            f"expected {list(LIFE_TABLE_AGE_BANDS)} (90 = 90 and over)",
        )
    _check_complete(
        work,
        groups,
        "_band",
        LIFE_TABLE_AGE_BANDS,
        func,
        "age bands starting",
        "life expectancy needs all 20 bands 0, 1, 5, ..., 85, 90+",
    )

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
    note = np.where(
        small,
        "total population 5,000 or less: life expectancy not calculated",
        np.where(no_old_deaths, "no deaths at 90+: life expectancy cannot be calculated", ""),
    )
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
