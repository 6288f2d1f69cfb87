"""spc: part of :mod:`analysis.stats` (see its docstring for methods and references)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._common import _fail


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
