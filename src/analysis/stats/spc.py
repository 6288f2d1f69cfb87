"""Statistical process control: XmR charts read with NHS England's *Making Data Count* (MDC) rules,
point for point as the NHS-R Community's R package **NHSRplotthedots 0.2.2** computes them.

The reference is NHSRplotthedots (MIT licence), commit 050b07d, whose own outputs for 21 series
(857 points) are the fixtures in ``shared/data/reference_spc`` (see its PROVENANCE.md); the test
suite compares every point and every series' readings with them. Each rule below is one small
function, named after the file of the package where it lives. No PyPI package reproduces the
reference (``abspc`` 1.1.0 uses 3/1.128 instead of 2.66, runs of 8, no outlier screening and no
fixed recalculation points), so the rules are written here.

Rules (all computed separately in each rebase group; runs, trends and two-in-three never span a
recalculation point):

* limits (``R/ptd_spc_standard.R``): mean of the values, average moving range (AMR) of the
  consecutive differences; process limits mean -/+ 2.66 x AMR, the "close to limits" (2 sigma)
  lines mean -/+ (2 x 2.66 / 3) x AMR. With ``fix_after_n_points`` only the first n points of each
  group set the mean and AMR, and later points are judged against them.
* outlier screening (on by default, as in the reference): moving ranges of 3.267 x AMR or more
  are left out and the AMR recomputed once from the rest; the mean is unchanged. The MDC Excel
  tools do not screen (``screen_outliers=False``).
* beyond the limits: a value strictly above the upper or below the lower process limit.
* shift (run): 7 or more consecutive points on the same side of the mean; a point exactly on the
  mean breaks it.
* trend: 7 or more consecutive points each strictly higher (or lower) than the one before; a
  repeated value breaks it; the mean plays no part.
* two in three: 2 of 3 consecutive points close to a process limit, all three on the same side of
  the mean; only the close points are flagged. The reference counts only points strictly between
  the 2-sigma line and the process limit (default ``two_in_three="band"``); since late 2023 the MDC
  tools count every point beyond 2 sigma, including points beyond the process limit
  (``two_in_three="beyond_2_sigma"``, NHSRplotthedots issue #194).
* one label per point, in this order: Above UCL / Below LCL, 7 Point Trend, 2 in 3, 7 Points
  above/below the mean, else Common Cause (``R/ptd_calculate_point_type.R``). A label's direction
  (above, increasing = up) times the improvement direction gives ``point_type``: improvement,
  concern, or for a neutral measure neutral high/low.
* variation (the MDC variation icon, ``R/geom_ptd_icon.R``): the point type of the latest point,
  named as the reference's icon ("improvement_high" = improvement shown by higher values ...).
* assurance (``R/ptd_calculate_assurance_type.R``): from the latest group's limits; a target above
  the upper limit is consistently failed when higher is better and consistently passed when lower
  is better; below the lower limit the reverse; on or between the limits "inconsistent" (hit and
  miss). None without a target or for a neutral measure.
* short groups (``R/ptd_add_short_group_warnings.R``): a rebase group of fewer than 13 points has
  provisional limits (``short_group_warning``).

Deliberate differences from the reference, each outside what its fixtures cover:

* a group whose moving ranges are all zero (a constant series) keeps an AMR of 0, so its limits
  sit on the mean and nothing is flagged; the reference's screening drops every moving range
  there and returns missing limits.
* missing values (suppressed months) are refused by default (``missing="error"``); the reference
  expects an unbroken series. With ``missing="drop"`` the missing periods are left out of every
  calculation (a moving range then spans the gap, and a run or trend continues across it) and
  are returned as rows with no value, ``point_type`` "missing" and no flag, so a chart shows the
  gap.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ._common import _fail

# --------------------------------------------------------------------------------------------
# constants of the reference (R/ptd_spc_standard.R, R/ptd_add_short_group_warnings.R,
# R/ptd_spc_options.R)
# --------------------------------------------------------------------------------------------

#: Process limits: mean -/+ LIMIT x average moving range (MDC's rounded 3 / 1.128).
LIMIT = 2.66
#: The 2-sigma ("close to limits") lines: two thirds of the distance to the process limits.
NEAR_LIMIT = 2 * (LIMIT / 3)
#: Moving ranges of at least SCREEN_LIMIT x the average moving range are screened out.
SCREEN_LIMIT = 3.267
#: Points needed for a run on one side of the mean and for a trend.
SIGNAL_POINTS = 7
#: A rebase group with fewer points has provisional limits.
SHORT_GROUP_POINTS = 13
#: The smallest ``fix_after_n_points`` the reference accepts.
MIN_FIX_AFTER_N_POINTS = 12

DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}

ABOVE_UCL, BELOW_LCL = "Above UCL", "Below LCL"
TREND_UP, TREND_DOWN = "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)"
TWO_IN_THREE_UP, TWO_IN_THREE_DOWN = "2 in 3 Above CL", "2 in 3 Below CL"
RUN_UP, RUN_DOWN = "7 Points Above CL", "7 Points Below CL"
COMMON_CAUSE = "Common Cause"
#: +1 for a signal upwards (above, increasing), -1 downwards, 0 none.
LABEL_SIGN = {
    ABOVE_UCL: 1,
    TREND_UP: 1,
    TWO_IN_THREE_UP: 1,
    RUN_UP: 1,
    BELOW_LCL: -1,
    TREND_DOWN: -1,
    TWO_IN_THREE_DOWN: -1,
    RUN_DOWN: -1,
    COMMON_CAUSE: 0,
}
MISSING = "missing"

#: The MDC variation icons, as NHSRplotthedots names them, in words.
VARIATION_WORDS = {
    "common_cause": "Common-cause variation",
    "improvement_high": "Special-cause improvement (higher values)",
    "improvement_low": "Special-cause improvement (lower values)",
    "concern_high": "Special-cause concern (higher values)",
    "concern_low": "Special-cause concern (lower values)",
    "neutral_high": "Special-cause variation, neither improvement nor concern (higher values)",
    "neutral_low": "Special-cause variation, neither improvement nor concern (lower values)",
}
#: Each special-cause label, as the rest of a sentence "the latest point is ...".
RULE_WORDS = {
    ABOVE_UCL: "above the upper process limit",
    BELOW_LCL: "below the lower process limit",
    TREND_UP: f"part of a trend of {SIGNAL_POINTS} or more points in a row, each higher than the one before",
    TREND_DOWN: f"part of a trend of {SIGNAL_POINTS} or more points in a row, each lower than the one before",
    TWO_IN_THREE_UP: "one of two out of three points in a row close to the upper process limit",
    TWO_IN_THREE_DOWN: "one of two out of three points in a row close to the lower process limit",
    RUN_UP: f"part of a run of {SIGNAL_POINTS} or more points in a row above the mean",
    RUN_DOWN: f"part of a run of {SIGNAL_POINTS} or more points in a row below the mean",
}
#: The MDC assurance icons in words.
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently meets the target",
    "consistent_fail": "Consistently misses the target",
    "inconsistent": "Hit and miss",
}


# --------------------------------------------------------------------------------------------
# the rules, one function each
# --------------------------------------------------------------------------------------------


def _mean(x: np.ndarray) -> float:
    """R's ``mean()``: the sum divided by n, then corrected by the mean residual (R sums in long
    double; an exactly rounded sum is as good). The mean of equal values is then that value
    exactly, and a point "on the mean" (which breaks a run) is recognised as in R."""
    n = len(x)
    m = math.fsum(x) / n
    return m + math.fsum(x - m) / n


@dataclass(frozen=True)
class _Limits:
    mean: float
    amr: float
    moving_range: np.ndarray  # |difference from the previous point|, NaN for the first
    moving_range_used: np.ndarray  # the moving ranges that set the AMR (after screening)


def _limits(y: np.ndarray, fix_after_n_points: int | None, screen_outliers: bool) -> _Limits:
    """Mean and average moving range of one group (``R/ptd_spc_standard.R`` l.67-78)."""
    n_fix = len(y) if fix_after_n_points is None else min(fix_after_n_points, len(y))
    base = y[:n_fix]
    mr = np.concatenate([[np.nan], np.abs(np.diff(y))])
    in_base = np.arange(len(y)) < n_fix
    used = in_base & ~np.isnan(mr)
    amr = _mean(mr[used])
    if screen_outliers:
        keep = used & (mr < SCREEN_LIMIT * amr)
        # all moving ranges zero (constant values): nothing is an outlier, keep AMR 0 (the
        # reference drops them all and returns missing limits)
        if keep.any():
            used = keep
            amr = _mean(mr[used])
    return _Limits(_mean(base), amr, mr, used)


def _part_of_run(flags_end: np.ndarray) -> np.ndarray:
    """A point is part of a signal when it, or one of the next 6 points, ends one
    (``ptd_part_of_seven_trend``, used for runs and trends alike)."""
    n = len(flags_end)
    out = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(flags_end):
        out[max(0, i - SIGNAL_POINTS + 1) : i + 1] = True
    return out


def _shift(relative_to_mean: np.ndarray) -> np.ndarray:
    """7 points in a row on the same side of the mean (``ptd_seven_point_one_side_mean``)."""
    rtm = relative_to_mean
    ends = np.zeros(len(rtm), dtype=bool)
    for i in range(SIGNAL_POINTS - 1, len(rtm)):
        window = rtm[i - SIGNAL_POINTS + 1 : i + 1]
        ends[i] = rtm[i] != 0 and (window == rtm[i]).all()
    return _part_of_run(ends)


def _trend(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """7 points in a row each strictly higher (or lower) than the one before
    (``ptd_seven_point_trend``); returns (part of a trend, direction +1/-1 of each point's label).

    A point in two trends (the top of a rise followed by a fall) takes the direction of the step
    after it when the next point is also in a trend, else of the step before it
    (``ptd_special_cause_type``)."""
    n = len(y)
    step = np.sign(np.diff(y))
    ends = np.zeros(n, dtype=bool)
    for i in range(SIGNAL_POINTS - 1, n):
        steps = step[i - SIGNAL_POINTS + 1 : i]
        ends[i] = (steps == 1).all() or (steps == -1).all()
    part = _part_of_run(ends)
    next_part = np.concatenate([part[1:], [False]])
    after = np.concatenate([step, step[-1:]])
    before = np.concatenate([[0.0], step])
    direction = np.where(part & next_part, after, before)
    return part, direction


def _two_in_three(counted: np.ndarray, relative_to_mean: np.ndarray) -> np.ndarray:
    """Two of three points in a row counted as close to a limit, all three on the same side of the
    mean (``ptd_two_in_three``); only the counted points of such a window are flagged."""
    n = len(counted)
    c = np.concatenate([[0, 0], counted.astype(int), [0, 0]])
    r = np.concatenate([[0, 0], relative_to_mean, [0, 0]])
    hit = np.zeros(n, dtype=bool)
    for i in range(n):
        for start in (i, i + 1, i + 2):  # the three windows holding point i
            if c[start : start + 3].sum() >= 2 and abs(r[start : start + 3].sum()) == 3:
                hit[i] = True
                break
    return hit & counted


def _special_cause_type(y, outside, relative_to_mean, close, two_in_three: str) -> np.ndarray:
    """One label per point, in the reference's order of precedence."""
    trend, trend_dir = _trend(y)
    counted = close | outside if two_in_three == "beyond_2_sigma" else close
    two3 = _two_in_three(counted, relative_to_mean)
    shift = _shift(relative_to_mean)
    up = relative_to_mean > 0
    return np.select(
        [
            outside & (relative_to_mean == 1),
            outside,
            trend & (trend_dir == 1),
            trend,
            two3 & up,
            two3,
            shift & up,
            shift,
        ],
        [ABOVE_UCL, BELOW_LCL, TREND_UP, TREND_DOWN, TWO_IN_THREE_UP, TWO_IN_THREE_DOWN, RUN_UP, RUN_DOWN],
        default=COMMON_CAUSE,
    ).astype(object)


def _point_type(label: str, direction: int) -> str:
    """``ptd_point_type``: the label's direction oriented by the improvement direction."""
    if label == MISSING:
        return MISSING
    v = LABEL_SIGN[label]
    if v == 0:
        return "common_cause"
    if direction == 0:
        return "special_cause_neutral_high" if v > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if v * direction > 0 else "special_cause_concern"


def _variation_icon(point_type: str, improvement_direction: str) -> str:
    """The MDC variation icon of a point type (``ptd_get_icons``)."""
    high = improvement_direction == "increase"
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_improvement": "improvement_high" if high else "improvement_low",
        "special_cause_concern": "concern_low" if high else "concern_high",
    }[point_type]


def _assurance(target: float | None, improvement_direction: str, lpl: float, upl: float) -> str | None:
    """``ptd_calculate_assurance_type``: where the target lies against the process limits."""
    if target is None or improvement_direction == "neutral":
        return None
    increasing = improvement_direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


# --------------------------------------------------------------------------------------------
# readings in words
# --------------------------------------------------------------------------------------------


def variation_sentence(variation: str, special_cause_type: str) -> str:
    """The variation reading of the latest point as a sentence, e.g. "Special-cause improvement
    (higher values): the latest point is part of a run of 7 or more points in a row above the mean."."""
    if variation == "common_cause":
        return (
            "Common-cause variation: the latest point shows no signal of change (none of the Making Data "
            "Count rules is met)."
        )
    return f"{VARIATION_WORDS[variation]}: the latest point is {RULE_WORDS[special_cause_type]}."


def assurance_sentence(assurance: str | None, improvement_direction: str) -> str | None:
    """The assurance reading as a sentence, saying where the target lies against the limits."""
    if assurance is None:
        return None
    if assurance == "inconsistent":
        return (
            "Hit and miss: the target lies within the process limits, so it will be met at some points "
            "and missed at others by chance alone."
        )
    # consistent_pass with "increase" and consistent_fail with "decrease": target below the lower limit
    below = (assurance == "consistent_pass") == (improvement_direction == "increase")
    where = "below the lower" if below else "above the upper"
    then = (
        "so it is expected to be met every time while the process stays as it is"
        if assurance == "consistent_pass"
        else "so it will not be met unless the process changes"
    )
    return f"{ASSURANCE_WORDS[assurance]}: the target lies {where} process limit, {then}."


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SPCResult:
    """Output of :func:`spc`.

    ``points``: one row per period (see :func:`spc` for the columns). ``groups``: one row per
    rebase group (``rebase_group``, ``start``, ``end``, ``n``, ``short_group_warning``, ``mean``,
    ``lower_process_limit``, ``upper_process_limit``, counts of ``common_cause``,
    ``special_cause_improvement``, ``special_cause_concern``, ``special_cause_neutral``,
    ``variation_type`` and ``variation`` of the group's last point and the group's ``assurance``).
    The series readings are those of the latest point and the latest group.
    """

    points: pd.DataFrame
    groups: pd.DataFrame
    improvement_direction: str
    target: float | None
    #: point type of the latest point: "common_cause", "special_cause_improvement",
    #: "special_cause_concern", "special_cause_neutral_high" or "special_cause_neutral_low"
    variation_type: str
    #: the MDC variation icon: "common_cause", "improvement_high", "improvement_low",
    #: "concern_high", "concern_low", "neutral_high" or "neutral_low"
    variation: str
    #: the MDC assurance icon: "consistent_pass", "consistent_fail", "inconsistent" or None
    assurance: str | None
    options: dict = field(default_factory=dict)

    @property
    def latest(self) -> pd.Series:
        """The latest point with a value."""
        return self.points[self.points["point_type"] != MISSING].iloc[-1]

    @property
    def variation_text(self) -> str:
        return variation_sentence(self.variation, self.latest["special_cause_type"])

    @property
    def assurance_text(self) -> str | None:
        return assurance_sentence(self.assurance, self.improvement_direction)

    @property
    def notes(self) -> list[str]:
        """Caveats a reader needs: recalculation points, fixed limits, provisional limits."""
        out = []
        g = self.groups
        if len(g) > 1:
            starts = ", ".join(str(_period_text(s)) for s in g["start"].iloc[1:])
            out.append(f"Limits are recalculated from {starts}; the readings use the latest limits.")
        if self.options.get("fix_after_n_points"):
            out.append(
                f"Limits are fixed on the first {self.options['fix_after_n_points']} points of each "
                "period and later points are judged against them."
            )
        if g["short_group_warning"].iloc[-1]:
            out.append(f"The limits rest on fewer than {SHORT_GROUP_POINTS} points, so they are provisional.")
        return out

    @property
    def description(self) -> str:
        """Variation, assurance and notes in one paragraph."""
        return " ".join([self.variation_text, *filter(None, [self.assurance_text]), *self.notes])

    @property
    def summary(self) -> dict[str, object]:
        last = self.groups.iloc[-1]
        return {
            "variation": self.variation,
            "variation_type": self.variation_type,
            "assurance": self.assurance,
            "mean": float(last["mean"]),
            "lower_process_limit": float(last["lower_process_limit"]),
            "upper_process_limit": float(last["upper_process_limit"]),
            "n_points": int(self.groups["n"].sum()),
            "n_groups": len(self.groups),
        }


def _period_text(p: object) -> str:
    if isinstance(p, pd.Timestamp):
        return f"{p:%B %Y}" if p.day == 1 else f"{p.day} {p:%B %Y}"
    return str(p)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _check_periods(periods: object, n: int, func: str) -> pd.Index:
    idx = (
        pd.RangeIndex(1, n + 1)
        if periods is None
        else pd.Index(list(periods) if not isinstance(periods, pd.Index) else periods)
    )
    if len(idx) != n:
        raise _fail(func, f"periods has {len(idx)} entries but values has {n}")
    if pd.api.types.infer_dtype(idx, skipna=False) == "date":  # datetime.date objects: compare as dates
        idx = pd.DatetimeIndex(idx)
    if idx.hasnans:
        raise _fail(func, "periods has missing dates; every value needs its date")
    try:
        ordered = bool(idx.is_monotonic_increasing)
    except TypeError:
        raise _fail(func, "periods must all be of one kind (dates, months or numbers) to be put in order") from None
    if not idx.is_unique:
        rep = idx[idx.duplicated()].unique()[:3]
        raise _fail(func, f"periods are duplicated ({', '.join(map(_period_text, rep))}); give one value per period")
    if not ordered:
        i = int(np.flatnonzero(~(idx[1:] > idx[:-1]))[0])
        raise _fail(
            func, f"periods must be sorted oldest first: {_period_text(idx[i + 1])} comes after {_period_text(idx[i])}"
        )
    return idx


def _check_rebase(rebase: object, idx: pd.Index, func: str) -> list[int]:
    """Positions of the recalculation points (each must be one of the periods)."""
    if rebase is None:
        return []
    scalar = isinstance(rebase, (str, datetime.date, pd.Period, np.datetime64)) or np.isscalar(rebase)
    items = [rebase] if scalar else list(rebase)
    out = []
    for r in items:
        key = r
        if isinstance(idx, pd.DatetimeIndex):
            try:
                key = pd.Timestamp(r)
            except (TypeError, ValueError):
                raise _fail(func, f"rebase date {r!r} is not a date") from None
        elif isinstance(idx, pd.PeriodIndex):
            key = pd.Period(r, freq=idx.freq)
        try:
            pos = idx.get_loc(key)
        except (KeyError, TypeError):
            raise _fail(
                func,
                f"rebase date {_period_text(key)} is not one of the periods "
                f"({_period_text(idx[0])} to {_period_text(idx[-1])}); a recalculation point "
                "must be the first period of the new limits",
            ) from None
        out.append(int(pos))
    if len(set(out)) != len(out):
        raise _fail(func, "rebase dates are repeated")
    return sorted(out)


def _check_values(values: object, func: str) -> np.ndarray:
    try:
        x = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise _fail(func, f"values must be numbers ({exc})") from None
    if x.ndim != 1:
        raise _fail(func, "values must be one-dimensional")
    if np.isinf(x).any():
        raise _fail(func, "values has infinite value(s)")
    return x


def _choice(name: str, value: object, allowed, func: str) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise _fail(func, f"{name} must be {' or '.join(repr(a) for a in allowed)}, got {value!r}")


# --------------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------------


def spc(
    values: Sequence[float] | np.ndarray | pd.Series,
    periods: Sequence[object] | pd.Index | None = None,
    *,
    improvement_direction: Literal["increase", "decrease", "neutral"] = "increase",
    target: float | None = None,
    rebase: object | Sequence[object] | None = None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    two_in_three: Literal["band", "beyond_2_sigma"] = "band",
    missing: Literal["error", "drop"] = "error",
) -> SPCResult:
    """XmR chart with the Making Data Count rules, as NHSRplotthedots 0.2.2 ``ptd_spc()``.

    ``values`` in time order; ``periods`` their dates (or any sortable labels; a Series' index
    by default, else 1, 2, ...), sorted oldest first without repeats. ``improvement_direction``:
    whether higher ("increase") or lower ("decrease") values are better, or "neutral".
    ``target``: the value for the assurance reading. ``rebase``: period(s) from which the mean
    and limits are recalculated (each starts a new group). ``fix_after_n_points`` (at least 12):
    only the first n points of each group set its limits. ``screen_outliers``: leave moving
    ranges of 3.267 x the average out of the limits (the reference's default; False as the MDC
    Excel tools). ``two_in_three``: "band" (the reference: only points between 2 and 3 sigma
    count) or "beyond_2_sigma" (the MDC tools since late 2023: points beyond 3 sigma count too).
    ``missing``: "error" (default) or "drop" (see the module docstring).

    Columns of ``points``: period, value, rebase_group (0, 1, ...), short_group_warning,
    used_for_limits (among the first ``fix_after_n_points`` of its group), moving_range,
    moving_range_used (the moving range entered the average after screening), mean,
    lower_process_limit, upper_process_limit, lower_near_limit, upper_near_limit (2 sigma),
    outside_limits, relative_to_mean (-1, 0, 1), close_to_limits (strictly between the 2-sigma
    line and the process limit), special_cause_type (the reference's label, e.g. "Above UCL",
    "7 Point Trend (Increasing)", "2 in 3 Below CL", "7 Points Above CL", "Common Cause"),
    special_cause_flag, point_type, target.
    """
    func = "spc"
    if isinstance(values, pd.Series):
        if periods is None:
            periods = values.index
        values = values.to_numpy(dtype="float64", na_value=np.nan)
    x = _check_values(values, func)
    n = len(x)
    if n < 2:
        raise _fail(func, f"at least 2 values are needed for a moving range; got {n}")
    idx = _check_periods(periods, n, func)
    _choice("improvement_direction", improvement_direction, DIRECTIONS, func)
    _choice("two_in_three", two_in_three, ("band", "beyond_2_sigma"), func)
    _choice("missing", missing, ("error", "drop"), func)
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise _fail(func, f"screen_outliers must be True or False, got {screen_outliers!r}")
    if target is not None:
        try:
            ok = not isinstance(target, bool) and np.isfinite(float(target))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise _fail(func, f"target must be a finite number or None, got {target!r}")
        target = float(target)
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool)
        or not isinstance(fix_after_n_points, (int, np.integer))
        or fix_after_n_points < MIN_FIX_AFTER_N_POINTS
    ):
        raise _fail(
            func,
            f"fix_after_n_points must be a whole number of at least {MIN_FIX_AFTER_N_POINTS} "
            f"(Making Data Count: limits need at least 12 points), got {fix_after_n_points!r}",
        )
    gaps = np.isnan(x)
    if gaps.any() and missing == "error":
        where = ", ".join(_period_text(p) for p in idx[gaps][:5])
        raise _fail(
            func,
            f"values has {int(gaps.sum())} missing value(s) (at {where}); SPC needs an unbroken "
            "series: drop those periods, or pass missing='drop' to leave them out of the calculation",
        )
    starts = _check_rebase(rebase, idx, func)
    direction = DIRECTIONS[improvement_direction]

    group = np.zeros(n, dtype="int64")
    for s in starts:
        group[s:] += 1
    cols: dict[str, np.ndarray] = {
        "used_for_limits": np.zeros(n, dtype=bool),
        "moving_range": np.full(n, np.nan),
        "moving_range_used": np.zeros(n, dtype=bool),
        "mean": np.full(n, np.nan),
        "lower_process_limit": np.full(n, np.nan),
        "upper_process_limit": np.full(n, np.nan),
        "lower_near_limit": np.full(n, np.nan),
        "upper_near_limit": np.full(n, np.nan),
        "outside_limits": np.zeros(n, dtype=bool),
        "relative_to_mean": np.zeros(n, dtype="int64"),
        "close_to_limits": np.zeros(n, dtype=bool),
        "special_cause_type": np.full(n, MISSING, dtype=object),
        "short_group_warning": np.zeros(n, dtype=bool),
    }
    for g in np.unique(group):
        rows = np.flatnonzero((group == g) & ~gaps)  # the observed points of the group
        if len(rows) < 2:
            raise _fail(
                func,
                f"the rebase group starting {_period_text(idx[group == g][0])} has {len(rows)} "
                "value(s); each group needs at least 2 for a moving range",
            )
        y = x[rows]
        lim = _limits(y, fix_after_n_points, bool(screen_outliers))
        mean, amr = lim.mean, lim.amr
        lpl, upl = mean - (LIMIT * amr), mean + (LIMIT * amr)
        nlpl, nupl = mean - (NEAR_LIMIT * amr), mean + (NEAR_LIMIT * amr)
        outside = (y > upl) | (y < lpl)
        rtm = np.sign(y - mean).astype("int64")
        close = ~outside & ((y < nlpl) | (y > nupl))
        all_rows = np.flatnonzero(group == g)
        for name, v in (
            ("mean", mean),
            ("lower_process_limit", lpl),
            ("upper_process_limit", upl),
            ("lower_near_limit", nlpl),
            ("upper_near_limit", nupl),
        ):
            cols[name][all_rows] = v
        cols["short_group_warning"][all_rows] = len(rows) < SHORT_GROUP_POINTS
        n_fix = len(rows) if fix_after_n_points is None else min(fix_after_n_points, len(rows))
        cols["used_for_limits"][rows] = np.arange(len(rows)) < n_fix
        cols["moving_range"][rows] = lim.moving_range
        cols["moving_range_used"][rows] = lim.moving_range_used
        cols["outside_limits"][rows] = outside
        cols["relative_to_mean"][rows] = rtm
        cols["close_to_limits"][rows] = close
        cols["special_cause_type"][rows] = _special_cause_type(y, outside, rtm, close, two_in_three)

    labels = cols["special_cause_type"]
    points = pd.DataFrame(
        {
            "period": idx,
            "value": x,
            "rebase_group": group,
            **{
                c: cols[c]
                for c in (
                    "short_group_warning",
                    "used_for_limits",
                    "moving_range",
                    "moving_range_used",
                    "mean",
                    "lower_process_limit",
                    "upper_process_limit",
                    "lower_near_limit",
                    "upper_near_limit",
                    "outside_limits",
                    "relative_to_mean",
                    "close_to_limits",
                )
            },
            "special_cause_type": labels,
            "special_cause_flag": np.array([LABEL_SIGN.get(t, 0) != 0 for t in labels]),
            "point_type": [_point_type(t, direction) for t in labels],
            "target": np.nan if target is None else target,
        }
    )
    points.loc[gaps, "special_cause_type"] = None

    groups = []
    for g, part in points.groupby("rebase_group", sort=True):
        obs = part[part["point_type"] != MISSING]
        last = obs.iloc[-1]
        kinds = obs["point_type"]
        groups.append(
            {
                "rebase_group": int(g),
                "start": part["period"].iloc[0],
                "end": part["period"].iloc[-1],
                "n": len(obs),
                "short_group_warning": bool(last["short_group_warning"]),
                "mean": last["mean"],
                "lower_process_limit": last["lower_process_limit"],
                "upper_process_limit": last["upper_process_limit"],
                "common_cause": int((kinds == "common_cause").sum()),
                "special_cause_improvement": int((kinds == "special_cause_improvement").sum()),
                "special_cause_concern": int((kinds == "special_cause_concern").sum()),
                "special_cause_neutral": int(kinds.str.startswith("special_cause_neutral").sum()),
                "variation_type": last["point_type"],
                "variation": _variation_icon(last["point_type"], improvement_direction),
                "assurance": _assurance(
                    target, improvement_direction, last["lower_process_limit"], last["upper_process_limit"]
                ),
            }
        )
    groups_df = pd.DataFrame(groups)
    final = groups_df.iloc[-1]
    return SPCResult(
        points=points,
        groups=groups_df,
        improvement_direction=improvement_direction,
        target=target,
        variation_type=final["variation_type"],
        variation=final["variation"],
        assurance=final["assurance"],
        options={
            "rebase": [idx[s] for s in starts],
            "fix_after_n_points": fix_after_n_points,
            "screen_outliers": bool(screen_outliers),
            "two_in_three": two_in_three,
            "missing": missing,
        },
    )


__all__ = [
    "ASSURANCE_WORDS",
    "LIMIT",
    "NEAR_LIMIT",
    "RULE_WORDS",
    "SCREEN_LIMIT",
    "SPCResult",
    "VARIATION_WORDS",
    "assurance_sentence",
    "spc",
    "variation_sentence",
]
