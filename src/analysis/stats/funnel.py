"""funnel: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import PHStatsMethods as phs
from scipy import stats

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


def _funnel_inputs(
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None,
    statistic: str,
    rate: str | None,
    rate_type: str | None,
    func: str,
) -> pd.DataFrame:
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
            raise _fail(
                func, f"numerator {numerator!r} exceeds denominator {denominator!r} in {int((num > den).sum())} row(s)"
            )
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
        res = phs.calculate_funnel_limits(work, numerator, "proportion", 1, denom_col=denominator, metadata=False)
        limit_cols = [c for c in res.columns if c.endswith("limit")]
        # a proportion's limits cannot leave [0, 1]: phe_funnels caps them at 0% and 100%
        res[limit_cols] = res[limit_cols].clip(lower=0, upper=1) * mult
        res["baseline"] = res["baseline"] * mult
    else:
        res = phs.calculate_funnel_limits(
            work,
            numerator,
            "rate",
            int(mult),
            denom_col=denominator,
            metadata=False,
            rate=rate,
            rate_type=rate_type,
            years_of_data=int(years_of_data),
        )
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
        res = phs.assign_funnel_significance(
            work, numerator, "rate", denom_col=denominator, rate=rate, rate_type=rate_type, multiplier=mult
        )
    out = df.copy()
    out["significance"] = res["significance"].to_numpy()
    return out


# --------------------------------------------------------------------------------------------
# funnel plots with overdispersion (Spiegelhalter 2005; NHS-R FunnelPlotR 0.6.0)
# --------------------------------------------------------------------------------------------

#: The two funnel levels and their normal multipliers. FunnelPlotR hard-codes these 6-decimal
#: values (R/calculate_limits.R), which differ from the exact 97.5th and 99.9th percentiles by
#: <1e-7 relative; using the same numbers lets the tests hold the reference to 1e-10.
FUNNEL_LEVELS: dict[float, float] = {0.95: 1.959964, 0.998: 3.090232}

_LEVEL_TAG = {0.95: "95", 0.998: "99_8"}


def _od_limits(
    den: np.ndarray, target: float, tau2: float, data_type: str, sr_method: str, multiplier: float
) -> dict[str, np.ndarray]:
    """Unadjusted and tau2-adjusted limits at denominators ``den``, on the multiplier scale."""
    den = np.asarray(den, dtype="float64")
    out: dict[str, np.ndarray] = {}
    for level, zc in FUNNEL_LEVELS.items():
        tag = _LEVEL_TAG[level]
        for kind, t2 in (("unadjusted", 0.0), ("adjusted", tau2)):
            if data_type == "proportion":
                s = 1 / (2 * np.sqrt(den))
                sd = np.sqrt(s**2 + t2)
                t0 = np.arcsin(np.sqrt(target))
                lo_angle, hi_angle = t0 - zc * sd, t0 + zc * sd
                # sin^2 is the inverse of the arcsine-square-root transform only on [0, pi/2]:
                # an angle beyond that means the limit is past 0% or 100%, so it is 0 or 1.
                # FunnelPlotR instead zeroes a limit that is not monotonic with its neighbour in
                # its lookup table, which misses the largest denominator (PROVENANCE surprise 4).
                lower = np.where(lo_angle < 0, 0.0, np.sin(lo_angle) ** 2)
                upper = np.where(hi_angle > np.pi / 2, 1.0, np.sin(hi_angle) ** 2)
            elif kind == "unadjusted":
                # exact Poisson limits for an observed count with expectation den (the target
                # ratio times the expected count), as FunnelPlotR's qchisq form
                alpha = 1 - level
                lower = stats.chi2.ppf(alpha / 2, 2 * den) / (2 * den) * target
                upper = stats.chi2.ppf(1 - alpha / 2, 2 * (den + 1)) / (2 * den) * target
            elif sr_method == "SHMI":
                sd = np.sqrt(1 / den + t2)
                lower, upper = np.exp(-zc * sd) * target, np.exp(zc * sd) * target
            else:
                # CQC: limits of sqrt(O/E) are 1 +/- z*sd, so those of O/E are their squares.
                # FunnelPlotR 0.6.0 omits the squaring (PROVENANCE surprise 3): its limits are
                # then about half as wide and disagree with its own z-scores.
                s = 1 / (2 * np.sqrt(den))
                sd = np.sqrt(s**2 + t2)
                lower = np.maximum(1 - zc * sd, 0.0) ** 2 * target
                upper = (1 + zc * sd) ** 2 * target
            out[f"lower_{tag}_{kind}"] = lower * multiplier
            out[f"upper_{tag}_{kind}"] = upper * multiplier
    return out


def _transform(
    num: np.ndarray, den: np.ndarray, data_type: str, sr_method: str
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """(target, transformed target, transformed values Y, their standard errors s)."""
    if data_type == "proportion":
        target = float(num.sum() / den.sum())
        return target, float(np.arcsin(np.sqrt(target))), np.arcsin(np.sqrt(num / den)), 1 / (2 * np.sqrt(den))
    if sr_method == "SHMI":
        return 1.0, 0.0, np.log(num / den), 1 / np.sqrt(den)
    return 1.0, 1.0, np.sqrt(num / den), 1 / (2 * np.sqrt(den))


def _winsorise(z: np.ndarray, trim_by: float) -> tuple[np.ndarray, np.ndarray]:
    """(flag, z winsorised at the trim_by and 1 - trim_by quantiles).

    Type-7 quantiles, as R's quantile() in FunnelPlotR winsorisation(); the flag marks every
    unit not strictly between them (so a unit on a quantile counts as winsorised).
    """
    lz, uz = np.quantile(z, [trim_by, 1 - trim_by])
    return ~((z > lz) & (z < uz)), np.clip(z, lz, uz)


def _truncate(z: np.ndarray, trim_by: float) -> tuple[np.ndarray, np.ndarray]:
    """(flag, z with truncated units missing): NHS Digital's SHMI truncation.

    Units are ranked (average ranks for ties) into k = 1/trim_by groups; the lowest and the
    highest group are left out of the estimate (FunnelPlotR truncation()).
    """
    k = 1 / float(trim_by)
    group = np.floor(stats.rankdata(z, method="average") * k / (len(z) + 1))
    trimmed = ~((group > 0) & (group < k - 1))
    return trimmed, np.where(trimmed, np.nan, z)


def _dispersion(z_used: np.ndarray, s_used: np.ndarray) -> tuple[float, float]:
    """(phi, tau2): dispersion ratio and DerSimonian-Laird between-unit variance.

    Spiegelhalter (2005); FunnelPlotR phi_func() and tau_func(). tau2 is 0 when
    n phi < n - 1 (no evidence of overdispersion).
    """
    n = len(z_used)
    phi = float(np.mean(z_used**2))
    w = 1 / s_used**2
    if n * phi < n - 1:
        return phi, 0.0
    return phi, max(0.0, float((n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum())))


def _od_settings(data_type: object, sr_method: object, trim_by: object, adjust: object, func: str) -> None:
    if data_type not in ("proportion", "ratio"):
        raise _fail(
            func,
            "data_type must be 'proportion' (FunnelPlotR 'PR') or 'ratio' (an indirectly "
            f"standardised ratio, observed / expected; FunnelPlotR 'SR'), got {data_type!r}",
        )
    if sr_method not in ("SHMI", "CQC"):
        raise _fail(
            func,
            f"sr_method must be 'SHMI' (log transform, truncation) or 'CQC' (square-root "
            f"transform, winsorisation), got {sr_method!r}",
        )
    if (
        isinstance(trim_by, bool)
        or not isinstance(trim_by, (int, float, np.integer, np.floating))
        or not 0 < float(trim_by) < 0.5
    ):
        raise _fail(
            func,
            f"trim_by must be a share above 0 and below 0.5 trimmed from each tail "
            f"(default 0.1 = 10%), got {trim_by!r}",
        )
    if not isinstance(adjust, (bool, np.bool_)):
        raise _fail(func, f"adjust must be True or False, got {adjust!r}")


def funnel_overdispersed(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    data_type: Literal["proportion", "ratio"] = "proportion",
    sr_method: Literal["SHMI", "CQC"] = "SHMI",
    trim_by: float = 0.1,
    adjust: bool = True,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Funnel plot with limits adjusted for overdispersion, as NHS-R's FunnelPlotR computes them.

    One row per unit (e.g. 42 ICBs); rows are not aggregated. ``data_type="proportion"``:
    ``numerator`` events out of ``denominator`` people, compared with the pooled proportion.
    ``data_type="ratio"``: an indirectly standardised ratio, ``numerator`` observed over
    ``denominator`` expected, compared with 1. The target and the overdispersion are estimated
    from all rows, so pass the whole comparator set (e.g. all 42 ICBs), not a subset.

    Parameters: ``sr_method`` ("SHMI" or "CQC", ratios only); ``trim_by``, the share damped in
    each tail (default 0.1; SHMI makes ``1 / trim_by`` rank groups); ``adjust=False`` for
    unadjusted limits only; ``multiplier`` scales values and limits (100 for a percentage).

    Method (Spiegelhalter 2005, Stat Med 24:1185-1202; Spiegelhalter et al 2012, JRSS A
    175:1-47; FunnelPlotR 0.6.0, R/od_adjustment.R and R/calculate_limits.R):

    1. each unit's value is put on a scale where its variance is known, and scored
       ``z = (Y - target) / s``: proportions by arcsine square root, ``Y = asin(sqrt(p))``,
       ``s = 1 / (2 sqrt(n))``; ratios by ``log(O/E)``, ``s = 1 / sqrt(E)`` (``sr_method="SHMI"``,
       NHS Digital's SHMI) or by ``sqrt(O/E)``, ``s = 1 / (2 sqrt(E))`` (``"CQC"``);
    2. extreme units are damped so that they do not inflate the estimate: z-scores are
       winsorised at the ``trim_by`` and ``1 - trim_by`` quantiles (proportions, CQC), or, for
       SHMI, units in the lowest and highest ``trim_by`` rank groups are dropped (truncation);
    3. the dispersion ratio ``phi`` is the mean of the squared damped z-scores, and the
       between-unit variance ``tau2`` its DerSimonian-Laird additive random-effects form,
       ``tau2 = max(0, (n phi - (n - 1)) / (sum w - sum w^2 / sum w))`` with ``w = 1 / s^2``;
    4. limits at a denominator are ``target +/- z sqrt(s^2 + tau2)`` on the transformed scale,
       turned back into proportions or ratios (z = 1.959964 for 95%, 3.090232 for 99.8%).

    Unadjusted limits (``tau2 = 0``) are the same arcsine normal approximation for proportions
    and exact Poisson limits for ratios.

    **Fall-back.** The adjusted limits are used only when ``adjust`` is true and ``phi > 1``.
    With ``phi <= 1`` there is no overdispersion to allow for, so, as in FunnelPlotR, the
    unadjusted limits are used. Each row says which in ``limits_used`` ("adjusted" or
    "unadjusted"), and ``result.attrs["limits_note"]`` says why. ``phi`` and ``tau2`` are always
    the estimated values (FunnelPlotR reports 0 for both when not adjusting).

    Differences from FunnelPlotR 0.6.0, all deliberate (``reference_funnel/PROVENANCE.md``):
    arcsine limits past 0% or 100% are set to 0 or 1 (the package's neighbour rule misses the
    largest denominator); CQC limits are squared back to the ratio scale (the package leaves them
    on the square-root scale); expected counts are not rounded to 2 dp for SHMI.

    Returns a copy of ``df`` with: ``value`` (numerator / denominator x ``multiplier``),
    ``target``, ``z``, ``trimmed`` (winsorised or truncated), ``z_winsorised`` (missing when
    truncated), ``z_adjusted`` (z with ``tau2`` added to the variance), ``phi``, ``tau2``,
    ``lower_95_unadjusted`` ... ``upper_99_8_unadjusted``, ``lower_95_adjusted`` ...
    ``upper_99_8_adjusted``, ``limits_used``, the limits used as ``lower_95_limit``,
    ``upper_95_limit``, ``lower_99_8_limit``, ``upper_99_8_limit``, and ``outlier_95``,
    ``outlier_99_8`` (true when the value lies strictly outside those limits). Limits and target
    are on the ``multiplier`` scale. ``result.attrs`` keeps the settings, ``target`` (and
    ``target_unscaled``), ``phi``, ``tau2``, ``n_used`` (units used for ``phi``),
    ``limits_used``, ``limits_note`` and the denominator column and range, for
    :func:`funnel_limit_curves`, :func:`funnel_position` and ``figures.funnel_chart``.
    """
    func = "funnel_overdispersed"
    df = _check_frame(df, func)
    _od_settings(data_type, sr_method, trim_by, adjust, func)
    mult = _check_multiplier(multiplier, func)
    _require_columns(df, [numerator, denominator], func)
    num = _numeric(df, numerator, func, "numerator")
    den = _numeric(
        df, denominator, func, "denominator" if data_type == "proportion" else "expected count", strictly_positive=True
    )
    if data_type == "proportion" and (num > den).any():
        raise _fail(
            func,
            f"numerator {numerator!r} exceeds denominator {denominator!r} in "
            f"{int((num > den).sum())} row(s); a proportion cannot be above 1",
        )
    shmi = data_type == "ratio" and sr_method == "SHMI"
    if shmi and (num == 0).any():
        raise _fail(
            func,
            f"numerator {numerator!r} is 0 in {int((num == 0).sum())} row(s): the SHMI "
            "method takes log(observed / expected); use sr_method='CQC' for such data",
        )

    target, t0, y, s = _transform(num, den, data_type, sr_method)
    z = (y - t0) / s
    n_units = len(z)
    trimmed, z_w = _truncate(z, trim_by) if shmi else _winsorise(z, trim_by)
    used = ~np.isnan(z_w)
    n_used = int(used.sum())
    if n_used < 2:
        raise _fail(
            func,
            f"only {n_used} of {n_units} unit(s) remain after trimming "
            f"(trim_by={trim_by!r}); estimating overdispersion needs at least 2, so give "
            "more units (all units of the comparison, e.g. all 42 ICBs) or a smaller trim_by",
        )
    phi, tau2 = _dispersion(z_w[used], s[used])

    use_adjusted = bool(adjust) and phi > 1
    if use_adjusted:
        kind, note = "adjusted", f"overdispersion-adjusted limits (phi = {phi:.3g}, tau2 = {tau2:.3g})"
    elif adjust:
        kind, note = (
            "unadjusted",
            (f"unadjusted limits: no overdispersion found (phi = {phi:.3g} <= 1), so the limits are not widened"),
        )
    else:
        kind, note = "unadjusted", f"unadjusted limits (adjust=False; phi = {phi:.3g})"

    out = df.copy()
    value = num / den * mult
    out["value"] = value
    out["target"] = target * mult
    out["z"] = z
    out["trimmed"] = trimmed
    out["z_winsorised"] = z_w
    out["z_adjusted"] = (y - t0) / np.sqrt(s**2 + tau2)
    out["phi"] = phi
    out["tau2"] = tau2
    limits = _od_limits(den, target, tau2, data_type, sr_method, mult)
    for name, values in limits.items():
        out[name] = values
    out["limits_used"] = kind
    for tag in _LEVEL_TAG.values():
        lower, upper = limits[f"lower_{tag}_{kind}"], limits[f"upper_{tag}_{kind}"]
        out[f"lower_{tag}_limit"] = lower
        out[f"upper_{tag}_limit"] = upper
        # FunnelPlotR's rule: a value on a limit is inside it
        out[f"outlier_{tag}"] = (value < lower) | (value > upper)
    out.attrs.update(
        {
            "method": "funnel_overdispersed",
            "data_type": data_type,
            "sr_method": sr_method if data_type == "ratio" else None,
            "trim_by": float(trim_by),
            "adjust": bool(adjust),
            "multiplier": mult,
            "target": target * mult,
            "target_unscaled": target,
            "phi": phi,
            "tau2": tau2,
            "n_units": n_units,
            "n_used": n_used,
            "limits_used": kind,
            "limits_note": note,
            "denominator_column": denominator,
            "denominator_range": (float(den.min()), float(den.max())),
        }
    )
    return out


_RESULT_ATTRS = (
    "data_type",
    "sr_method",
    "multiplier",
    "target",
    "target_unscaled",
    "tau2",
    "limits_used",
    "denominator_range",
)


def _check_result(result: object, func: str) -> dict:
    """The attrs of a funnel_overdispersed() result, or a clear error."""
    if not isinstance(result, pd.DataFrame) or result.attrs.get("method") != "funnel_overdispersed":
        raise _fail(
            func,
            "result must be the DataFrame returned by funnel_overdispersed() (its attrs "
            "hold the target, tau2 and settings; a merge or concat can drop them)",
        )
    missing = [k for k in _RESULT_ATTRS if k not in result.attrs]
    if missing:
        raise _fail(func, f"result.attrs lacks {missing}; pass the DataFrame funnel_overdispersed() returned")
    return result.attrs


def funnel_limit_curves(
    result: pd.DataFrame,
    denominators: Sequence[float] | np.ndarray | None = None,
    n_points: int = 200,
) -> pd.DataFrame:
    """The funnel's limit curves over a range of denominators, for drawing.

    ``result`` is the DataFrame returned by :func:`funnel_overdispersed` (its ``attrs`` carry
    the target, ``tau2`` and settings). ``denominators`` defaults to ``n_points`` values spaced
    evenly on a log scale from half the smallest to 1.2 times the largest unit denominator.
    Returns ``denominator``, ``target``, the unadjusted and adjusted 95% and 99.8% limits (same
    names as in ``result``), ``limits_used`` and the limits used as ``lower_95_limit`` ...
    ``upper_99_8_limit``.
    """
    func = "funnel_limit_curves"
    a = _check_result(result, func)
    if denominators is None:
        if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
            raise _fail(func, f"n_points must be a whole number of at least 2, got {n_points!r}")
        lo, hi = a["denominator_range"]
        den = np.geomspace(lo / 2, hi * 1.2, int(n_points))
    else:
        den = np.asarray(denominators, dtype="float64").ravel()
        if den.size == 0 or np.isnan(den).any() or not np.isfinite(den).all() or (den <= 0).any():
            raise _fail(func, "denominators must be finite numbers greater than zero, with no missing values")
    mult = float(a["multiplier"])
    limits = _od_limits(
        den, float(a["target_unscaled"]), float(a["tau2"]), a["data_type"], a["sr_method"] or "SHMI", mult
    )
    out = pd.DataFrame({"denominator": den, "target": float(a["target"]), **limits})
    kind = a["limits_used"]
    out["limits_used"] = kind
    for tag in _LEVEL_TAG.values():
        out[f"lower_{tag}_limit"] = out[f"lower_{tag}_{kind}"]
        out[f"upper_{tag}_limit"] = out[f"upper_{tag}_{kind}"]
    out.attrs = dict(a)
    return out


@dataclass(frozen=True)
class FunnelPosition:
    """Where one unit sits on an overdispersed funnel plot, as a code and as words."""

    #: "high" (above the upper limit), "low" (below the lower limit) or "within"
    code: str
    #: words for a sentence, naming the limits, e.g. "above the upper 99.8% limit
    #: (adjusted for overdispersion)"
    words: str
    #: 0.95 or 0.998
    level: float
    #: "adjusted" or "unadjusted" (the latter only when no overdispersion was found)
    limits_used: str
    value: float
    lower: float
    upper: float

    @property
    def outside(self) -> bool:
        """True when the unit is outside the limits: only then may a sentence say "well above/below"."""
        return self.code != "within"


def funnel_position(
    result: pd.DataFrame,
    unit: object,
    unit_column: str | None = None,
    level: float = 0.998,
) -> FunnelPosition:
    """Say where ``unit`` sits against the funnel limits of :func:`funnel_overdispersed`.

    ``unit`` is a value of ``unit_column`` (e.g. an ICB code), or an index label of ``result``
    when ``unit_column`` is None. ``level`` is 0.998 (default) or 0.95.

    The limits are those the method chose: adjusted for overdispersion, or unadjusted when no
    overdispersion was found (phi <= 1), and the words name them. A result computed with
    ``adjust=False`` on overdispersed data (phi > 1) is refused: its unadjusted limits are too
    narrow, and a sentence could then call an ordinary unit "well above" the average.
    """
    func = "funnel_position"
    _check_result(result, func)
    if level not in FUNNEL_LEVELS:
        raise _fail(func, f"level must be 0.95 or 0.998 (the funnel's two limits), got {level!r}")
    if unit_column is None:
        if unit not in result.index:
            raise _fail(
                func, f"unit {unit!r} is not an index label of the result; give unit_column to look it up in a column"
            )
        rows = result.loc[[unit]]
    else:
        _require_columns(result, [unit_column], func)
        rows = result[result[unit_column] == unit]
        if rows.empty:
            raise _fail(func, f"unit {unit!r} not found in column {unit_column!r}")
    if len(rows) > 1:
        raise _fail(func, f"unit {unit!r} matches {len(rows)} rows; give one row per unit")
    row = rows.iloc[0]
    kind, phi = str(row["limits_used"]), float(row["phi"])
    if kind == "unadjusted" and phi > 1:
        raise _fail(
            func,
            f"these limits were not adjusted although the data are overdispersed "
            f"(phi = {phi:.3g} > 1); compute with funnel_overdispersed(..., adjust=True) "
            "before describing a unit in words",
        )
    tag = _LEVEL_TAG[level]
    pct = "99.8%" if level == 0.998 else "95%"
    named = (
        "adjusted for overdispersion"
        if kind == "adjusted"
        else f"not adjusted: no overdispersion found, phi = {phi:.2f}"
    )
    value, lower, upper = float(row["value"]), float(row[f"lower_{tag}_limit"]), float(row[f"upper_{tag}_limit"])
    if value > upper:
        code, words = "high", f"above the upper {pct} limit ({named})"
    elif value < lower:
        code, words = "low", f"below the lower {pct} limit ({named})"
    else:
        code, words = "within", f"within the {pct} limits ({named})"
    return FunnelPosition(code, words, level, kind, value, lower, upper)
