"""Words computed from numbers: every data-dependent word of a chapter's sentence comes from here.

A chapter never types "rises", "higher", "worse", "statistically significant", "met" or
"improving": it asks this module, which reads the word off the numbers and their confidence
intervals, and refuses missing or implausible input (:class:`ClaimInputError`, naming the
parameter) rather than return a word for a NaN.

Every function returns a :class:`Claim`: ``code`` (a stable machine code such as ``"rises"``),
``words`` (the fragment for the sentence, e.g. "rises with deprivation") and ``reason`` (why,
in words, without numbers, so it never disagrees with how the chapter rounds them).
``str(claim)`` is the words, so a claim drops straight into an f-string or a myst-nb ``glue``
(``glue("copd_gradient", str(claim))``); ``claim.as_dict()`` gives all three.

Inputs
    An estimate with its interval is an :class:`Estimate` ``(value, lower, upper)``, a 3-tuple,
    or a mapping / pandas row with ``value``, ``lower_ci`` and ``upper_ci`` (the columns every
    :mod:`analysis.stats` function returns). Polarity is ``"higher_is_better"``,
    ``"lower_is_better"`` or ``"neither"``; the SPC words ``"increase"`` / ``"decrease"``
    (``MeasureSpec.improvement``) are accepted for the first two.

Conventions (stated once; :func:`conventions_markdown` writes them for the methods page)
    * **Gap** (:func:`gap`): most deprived against least deprived, signed so that **positive
      means worse for the most deprived**: least minus most where higher is better, most minus
      least where lower is better. For measures with no better direction (recorded prevalence)
      the gap is most minus least, positive = higher among the most deprived. Its confidence
      interval is the MOVER difference of the two groups' own intervals
      (:func:`analysis.stats.difference_ci`; Newcombe's method for two proportions).
    * **SII sign** is always given explicitly (``sign=``): ``"least_minus_most"`` is
      PHEindicatormethods' own (``phe_sii``; positive = higher in the least deprived),
      ``"most_minus_least"`` is ``phe_sii`` with ``multiplier=-1``. :func:`sii_as_gap` puts an
      SII on the gap's sign.
    * **Significance** is a 95% interval (or the level the caller states) wholly on one side
      of the null; an interval touching the null is not significant.
    * **Comparison with a benchmark value** (England) follows Fingertips: the area's interval
      against the benchmark's value. With two intervals, the difference's MOVER interval.
    * **Out of date**: data whose period ended more than :data:`MAX_AGE_MONTHS` months (by
      publication frequency) before the build's reference date; they get no SPC assurance
      reading (:func:`spc_assurance`).

Public: :class:`Claim`, :class:`Estimate`, :class:`Gap`, :class:`Currency`,
:class:`ClaimInputError`, :func:`estimate`, :func:`normalise_polarity`, :func:`gradient`,
:func:`significance`, :func:`compare`, :func:`judge`, :func:`gap`, :func:`sii_as_gap`,
:func:`gap_and_sii`, :func:`target_status`, :func:`change_from_spc`, :func:`change_between`,
:func:`currency`, :func:`spc_assurance`, :func:`conventions_markdown`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import stats
from .objectives import Objective, as_date


class ClaimInputError(ValueError):
    """Input to a claim is missing or implausible; the message names the parameter."""


@dataclass(frozen=True)
class Claim:
    """A data-dependent word or phrase: machine ``code``, sentence ``words`` and the ``reason``."""

    code: str
    words: str
    reason: str = ""
    #: the function and the numbers the words were computed from (recorded by every public
    #: function here), so the claims audit can check each word against them for every ICB
    inputs: dict = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return self.words

    def __format__(self, spec: str) -> str:
        return format(self.words, spec)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "words": self.words, "reason": self.reason, "inputs": self.inputs}

    @property
    def words_with_reason(self) -> str:
        """'not statistically significant (its 95% confidence interval includes zero)'."""
        return f"{self.words} ({self.reason})" if self.reason else self.words


class Estimate(NamedTuple):
    value: float
    lower: float
    upper: float


def _plain(x: object) -> object:
    """A JSON-friendly record of an argument: estimates as [value, lower, upper], objectives by
    their target, numbers as floats."""
    if isinstance(x, Estimate):
        return [float(v) for v in x]
    if isinstance(x, (Mapping, pd.Series)) and all(k in x for k in ("value", "lower_ci", "upper_ci")):
        return [_plain(x["value"]), _plain(x["lower_ci"]), _plain(x["upper_ci"])]
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        return float(x)
    if isinstance(x, Objective):
        return {"objective": x.id, "target": x.target, "direction": x.direction, "deadline": x.deadline}
    if isinstance(x, Gap):
        return {"gap": [x.value, x.lower, x.upper], "polarity": x.polarity}
    if isinstance(x, stats.SPCResult):
        return {"variation": x.variation, "assurance": x.assurance}
    if isinstance(x, stats.FunnelPosition):
        return {
            "code": x.code,
            "value": x.value,
            "lower": x.lower,
            "upper": x.upper,
            "level": x.level,
            "limits_used": x.limits_used,
        }
    if isinstance(x, Currency):
        return {"period_end": str(x.period_end.date()), "out_of_date": x.out_of_date}
    if isinstance(x, (pd.Timestamp,)):
        return str(x.date())
    return x if isinstance(x, (str, type(None))) else str(x)


def _records(fn):
    """Record the function and its arguments in the Claim it returns (or a Gap's claim)."""
    names = fn.__code__.co_varnames[: fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        rec = {
            "function": fn.__name__,
            **{n: _plain(v) for n, v in zip(names, args)},
            **{k: _plain(v) for k, v in kwargs.items()},
        }
        if isinstance(out, Claim):
            return replace(out, inputs=rec)
        if isinstance(out, Gap):
            return replace(out, claim=replace(out.claim, inputs=rec))
        return out

    return wrapper


# ----------------------------------------------------------------------------- input checks


def _finite(x: object, name: str) -> float:
    # text such as "12" or "*" means an unparsed or suppressed cell upstream: refuse, don't convert
    if isinstance(x, (bool, np.bool_, str, bytes)) or x is None:
        raise ClaimInputError(f"{name} must be a number, got {x!r}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ClaimInputError(f"{name} must be a number, got {x!r}") from None
    if math.isnan(v):
        raise ClaimInputError(f"{name} is missing (NaN); no word can be given for a missing value")
    if math.isinf(v):
        raise ClaimInputError(f"{name} is infinite")
    return v


def estimate(x: object, name: str = "estimate") -> Estimate:
    """An :class:`Estimate` from an Estimate, a ``(value, lower, upper)`` tuple or a mapping /
    pandas row with ``value``, ``lower_ci`` and ``upper_ci``; checked (finite, and
    ``lower <= value <= upper`` up to rounding)."""
    if isinstance(x, Estimate):
        v, lo, hi = x
    elif isinstance(x, (Mapping, pd.Series)):
        missing = [k for k in ("value", "lower_ci", "upper_ci") if k not in x]
        if missing:
            raise ClaimInputError(f"{name} needs 'value', 'lower_ci' and 'upper_ci'; missing {missing}")
        v, lo, hi = x["value"], x["lower_ci"], x["upper_ci"]
    elif isinstance(x, (tuple, list)) and len(x) == 3:
        v, lo, hi = x
    else:
        raise ClaimInputError(f"{name} must be (value, lower, upper) or have value/lower_ci/upper_ci; got {x!r}")
    v = _finite(v, f"{name} value")
    lo = _finite(lo, f"{name} lower confidence limit")
    hi = _finite(hi, f"{name} upper confidence limit")
    tol = 1e-9 * max(1.0, abs(v))
    if lo - hi > tol:
        raise ClaimInputError(f"{name}: the lower confidence limit ({lo:g}) is above the upper ({hi:g})")
    if lo - v > tol or v - hi > tol:
        raise ClaimInputError(
            f"{name}: the value ({v:g}) lies outside its own confidence interval "
            f"({lo:g} to {hi:g}); check the columns are not swapped"
        )
    return Estimate(v, lo, hi)


_POLARITY_ALIASES = {
    "higher_is_better": "higher_is_better",
    "increase": "higher_is_better",
    "lower_is_better": "lower_is_better",
    "decrease": "lower_is_better",
    "neither": "neither",
}


def normalise_polarity(p: object) -> str:
    """Normalise a polarity: 'higher_is_better', 'lower_is_better' or 'neither' (SPC's
    'increase' / 'decrease' are accepted)."""
    if p not in _POLARITY_ALIASES:
        raise ClaimInputError(
            "polarity must be 'higher_is_better' (or 'increase'), 'lower_is_better' "
            f"(or 'decrease') or 'neither'; got {p!r}"
        )
    return _POLARITY_ALIASES[p]


SII_SIGNS = {
    "least_minus_most": "least minus most deprived (phe_sii's own sign: positive = higher in the least deprived)",
    "most_minus_least": "most minus least deprived (phe_sii with multiplier=-1: positive = higher in the most deprived)",
}


def _sign(sign: object) -> str:
    if sign not in SII_SIGNS:
        raise ClaimInputError(
            f"sign must be 'least_minus_most' or 'most_minus_least' (which end the SII "
            f"subtracts from which); got {sign!r}"
        )
    return sign


def _level(confidence: object) -> float:
    c = _finite(confidence, "confidence")
    if not 0.5 < c < 1:
        raise ClaimInputError(f"confidence must be a proportion such as 0.95, got {confidence!r}")
    return c


def _pct(confidence: float) -> str:
    return f"{confidence * 100:.10g}%"


def _null_words(null: float) -> str:
    return {0.0: "zero", 1.0: "one"}.get(null, f"{null:g}")


def _side(e: Estimate, null: float) -> int:
    """+1 if the interval lies wholly above ``null``, -1 wholly below, 0 if it includes it."""
    if e.lower > null:
        return 1
    if e.upper < null:
        return -1
    return 0


def _interval_words(side: int, confidence: float, null: float, what: str = "its") -> str:
    where = {1: "lies wholly above", -1: "lies wholly below", 0: "includes"}[side]
    return f"{what} {_pct(confidence)} confidence interval {where} {_null_words(null)}"


# ----------------------------------------------------------------------------- significance


@_records
def significance(est: object, *, null: float = 0.0, confidence: float = 0.95) -> Claim:
    """'statistically significant' when the interval lies wholly on one side of ``null`` (0 for
    a difference or SII, 1 for a ratio or RII), else 'not statistically significant'.

    codes: ``significant``, ``not_significant``.
    """
    e = estimate(est)
    null = _finite(null, "null")
    c = _level(confidence)
    side = _side(e, null)
    reason = _interval_words(side, c, null)
    if side:
        return Claim("significant", "statistically significant", reason)
    return Claim("not_significant", "not statistically significant", reason)


# ----------------------------------------------------------------------------- gradient


@_records
def gradient(sii: object, *, sign: str, confidence: float = 0.95) -> Claim:
    """Direction of a gradient with deprivation from a slope index of inequality and its interval.

    ``sign`` says which end the SII subtracts from which (see :data:`SII_SIGNS`): "rises with
    deprivation" (higher among the more deprived) only when the whole interval is on the side
    that means that; "falls with deprivation" only when it is wholly on the other side; else
    "shows no clear gradient with deprivation".

    codes: ``rises``, ``falls``, ``no_clear_gradient``.
    """
    e = estimate(sii, "sii")
    s = _sign(sign)
    c = _level(confidence)
    side = _side(e, 0.0)
    # +1 = the interval says "higher among the most deprived"
    towards_most = side if s == "most_minus_least" else -side
    reason = (
        _interval_words(side, c, 0.0, "the slope index of inequality's")
        + f", with the SII measured as {s.replace('_', ' ')} deprived"
    )
    if towards_most > 0:
        return Claim("rises", "rises with deprivation", reason)
    if towards_most < 0:
        return Claim("falls", "falls with deprivation", reason)
    return Claim("no_clear_gradient", "shows no clear gradient with deprivation", reason)


# ----------------------------------------------------------------------------- comparisons


def _difference(a: Estimate, b: Estimate) -> Estimate:
    d, lo, hi = stats.difference_ci(a.value, a.lower, a.upper, b.value, b.lower, b.upper)
    return Estimate(float(d), float(lo), float(hi))


def _direction(value: object, comparator: object, confidence: float, comparator_name: str) -> tuple[int, str]:
    """+1 / -1 / 0 (higher / lower / similar) and the reason."""
    e = estimate(value, "value")
    c = _level(confidence)
    if isinstance(comparator, (int, float, np.integer, np.floating)) and not isinstance(comparator, (bool, np.bool_)):
        ref = _finite(comparator, "comparator")
        side = _side(e, ref)
        where = {1: "lies wholly above", -1: "lies wholly below", 0: "includes"}[side]
        return side, f"the {_pct(c)} confidence interval {where} {comparator_name}'s value"
    other = estimate(comparator, "comparator")
    side = _side(_difference(e, other), 0.0)
    where = {1: "lies wholly above", -1: "lies wholly below", 0: "includes"}[side]
    return side, f"the {_pct(c)} confidence interval of the difference from {comparator_name} {where} zero"


@_records
def compare(
    value: object, comparator: object, *, confidence: float = 0.95, comparator_name: str = "the comparator"
) -> Claim:
    """'higher', 'lower' or 'similar': a value with its interval against a comparator.

    ``comparator`` a number (a benchmark such as England's value): the Fingertips rule, the
    value's interval against the benchmark. ``comparator`` an estimate with its own interval:
    the MOVER interval of the difference (:func:`analysis.stats.difference_ci`) against zero.
    'similar' whenever the interval says the difference could be nothing.

    codes: ``higher``, ``lower``, ``similar``.
    """
    side, reason = _direction(value, comparator, confidence, comparator_name)
    if side > 0:
        return Claim("higher", "higher", reason)
    if side < 0:
        return Claim("lower", "lower", reason)
    return Claim("similar", "similar", reason)


@_records
def judge(
    value: object,
    comparator: object,
    *,
    polarity: str,
    confidence: float = 0.95,
    comparator_name: str = "the comparator",
) -> Claim:
    """'better', 'worse' or 'similar': :func:`compare` read through the measure's polarity.

    codes: ``better``, ``worse``, ``similar``. A measure with no better direction
    (``polarity="neither"``) cannot be judged: use :func:`compare`.
    """
    pol = normalise_polarity(polarity)
    if pol == "neither":
        raise ClaimInputError(
            "judge: this measure has no better direction (polarity 'neither'); "
            "use compare() for 'higher' / 'lower' / 'similar'"
        )
    side, reason = _direction(value, comparator, confidence, comparator_name)
    good = side if pol == "higher_is_better" else -side
    if good > 0:
        return Claim("better", "better", reason)
    if good < 0:
        return Claim("worse", "worse", reason)
    return Claim("similar", "similar", reason)


# ----------------------------------------------------------------------------- the gap

GAP_SIGN_RULE = (
    "The gap between the most and least deprived groups is signed so that a positive gap "
    "means worse for the most deprived: least minus most deprived where a higher value is "
    "better, most minus least deprived where a lower value is better. Where neither direction "
    "is better (recorded prevalence, for example) the gap is most minus least deprived, so a "
    "positive gap means higher among the most deprived."
)


@dataclass(frozen=True)
class Gap:
    """The gap between the most and least deprived groups, on the book's one sign (see
    :data:`GAP_SIGN_RULE`), with its interval and the words."""

    value: float
    lower: float
    upper: float
    polarity: str
    confidence: float
    claim: Claim  # worse_for_most_deprived / better_for_most_deprived / higher_... / lower_... / no_clear_gap

    @property
    def estimate(self) -> Estimate:
        return Estimate(self.value, self.lower, self.upper)

    @property
    def significance(self) -> Claim:
        return significance(self.estimate, confidence=self.confidence)

    @property
    def sign_rule(self) -> str:
        if self.polarity == "higher_is_better":
            return "least minus most deprived (positive = worse for the most deprived)"
        if self.polarity == "lower_is_better":
            return "most minus least deprived (positive = worse for the most deprived)"
        return "most minus least deprived (positive = higher among the most deprived)"

    def __str__(self) -> str:
        return str(self.claim)


@_records
def gap(most_deprived: object, least_deprived: object, *, polarity: str, confidence: float = 0.95) -> Gap:
    """The gap between the most and least deprived groups with its confidence interval.

    ``most_deprived`` / ``least_deprived``: each group's estimate with its own interval (e.g.
    rows of :func:`analysis.stats.proportion`, Wilson intervals, which makes the gap's interval
    Newcombe's). Signed by :data:`GAP_SIGN_RULE`. The words (``gap.claim``):

    * with a better direction: "worse for the most deprived" / "better for the most deprived"
      when the interval excludes zero, else "no clear difference between the most and least
      deprived" (codes ``worse_for_most_deprived``, ``better_for_most_deprived``,
      ``no_clear_gap``);
    * with ``polarity="neither"``: "higher among the most deprived" / "lower among the most
      deprived" / the same "no clear difference" (codes ``higher_among_most_deprived``,
      ``lower_among_most_deprived``, ``no_clear_gap``).
    """
    pol = normalise_polarity(polarity)
    c = _level(confidence)
    most = estimate(most_deprived, "most_deprived")
    least = estimate(least_deprived, "least_deprived")
    d = _difference(least, most) if pol == "higher_is_better" else _difference(most, least)
    side = _side(d, 0.0)
    reason = _interval_words(side, c, 0.0, "the gap's")
    if side == 0:
        claim = Claim("no_clear_gap", "no clear difference between the most and least deprived", reason)
    elif pol == "neither":
        claim = (
            Claim("higher_among_most_deprived", "higher among the most deprived", reason)
            if side > 0
            else Claim("lower_among_most_deprived", "lower among the most deprived", reason)
        )
    else:
        claim = (
            Claim("worse_for_most_deprived", "worse for the most deprived", reason)
            if side > 0
            else Claim("better_for_most_deprived", "better for the most deprived", reason)
        )
    return Gap(d.value, d.lower, d.upper, pol, c, claim)


def sii_as_gap(sii: object, *, sign: str, polarity: str) -> Estimate:
    """An SII (with its interval) turned to the gap's sign (:data:`GAP_SIGN_RULE`), so the two
    can be set side by side: positive = worse for (or, with no better direction, higher among)
    the most deprived."""
    e = estimate(sii, "sii")
    s = _sign(sign)
    pol = normalise_polarity(polarity)
    gap_is_least_minus_most = pol == "higher_is_better"
    same = (s == "least_minus_most") == gap_is_least_minus_most
    return e if same else Estimate(-e.value, -e.upper, -e.lower)


_GROUPS = {"deciles": "decile", "quintiles": "quintile"}


@_records
def gap_and_sii(the_gap: Gap, sii: object, *, sign: str, groups: str = "deciles") -> Claim:
    """What the gap between the two ends and the SII across all groups say together, and, when
    they disagree in significance, why, in words a board member can follow.

    codes: ``both_significant``, ``neither_significant``, ``gap_only`` (the two ends differ but
    the SII's interval includes zero), ``sii_only``, ``opposite_directions`` (both significant,
    pointing opposite ways).
    """
    if not isinstance(the_gap, Gap):
        raise ClaimInputError(f"the_gap must be the Gap returned by claims.gap(), got {type(the_gap).__name__}")
    if groups not in _GROUPS:
        raise ClaimInputError(f"groups must be 'deciles' or 'quintiles', got {groups!r}")
    one = _GROUPS[groups]
    s = sii_as_gap(sii, sign=sign, polarity=the_gap.polarity)
    c = the_gap.confidence
    g_side = _side(the_gap.estimate, 0.0)
    s_side = _side(s, 0.0)
    ends = f"the gap between the most and least deprived {groups}"
    slope = f"the slope index of inequality (SII) across all {groups}"
    if g_side and s_side and g_side != s_side:
        return Claim(
            "opposite_directions",
            f"{ends[0].upper()}{ends[1:]} and {slope} are both statistically significant but point in "
            f"opposite directions: the {groups} in between pull the fitted line the other way, so neither "
            f"figure describes the pattern on its own; look at every {one}.",
            "both intervals exclude zero, on opposite sides",
        )
    if g_side and s_side:
        return Claim(
            "both_significant",
            f"{ends[0].upper()}{ends[1:]} and {slope} are both statistically significant and point the same way.",
            "both intervals exclude zero, on the same side",
        )
    if not g_side and not s_side:
        return Claim(
            "neither_significant",
            f"Neither {ends} nor {slope} is statistically significant.",
            "both intervals include zero",
        )
    if g_side:
        if abs(s.value) < abs(the_gap.value):
            why = (
                f"here the middle {groups} do not fall steadily between the two ends, so the line fitted "
                f"through all of them is flatter than the gap between the ends"
            )
        else:
            why = (
                f"here the fitted line is as steep as the gap, but its interval is wider because it carries "
                f"the uncertainty of every {one}"
            )
        return Claim(
            "gap_only",
            f"{ends[0].upper()}{ends[1:]} is statistically significant (its {_pct(c)} confidence interval "
            f"excludes zero), but {slope} is not (its interval includes zero). The two measure different "
            f"things: the gap compares only the two ends, while the SII fits one line through every "
            f"{one}, weighted by its size; {why}. So the two ends differ, but a steady gradient across the "
            f"whole range is not shown.",
            "the gap's interval excludes zero; the SII's includes zero",
        )
    return Claim(
        "sii_only",
        f"{slope[0].upper()}{slope[1:]} is statistically significant (its {_pct(c)} confidence interval "
        f"excludes zero), but {ends} alone is not (its interval includes zero). The SII draws on every "
        f"{one} and its population, so it can show a steady gradient that the two end {groups}, each with "
        f"a wider interval, cannot show on their own.",
        "the SII's interval excludes zero; the gap's includes zero",
    )


# ----------------------------------------------------------------------------- funnel plots

_FUNNEL_CODES = {"high": "well_above", "low": "well_below", "within": "within_expected"}


@_records
def funnel(position: stats.FunnelPosition, *, polarity: str = "neither", average: str = "the average") -> Claim:
    """Where a unit sits on a funnel plot with limits adjusted for overdispersion
    (:func:`analysis.stats.funnel_position`), in words a board can use: "well above the
    average" or "well below the average" only outside the 99.8% (or 95%) limits, otherwise
    "within the range expected around the average"; with a polarity, "better"/"worse" is added.

    codes: ``well_above``, ``well_below``, ``within_expected``.
    """
    if not isinstance(position, stats.FunnelPosition):
        raise ClaimInputError(
            f"position must be the FunnelPosition of stats.funnel_position, got {type(position).__name__}"
        )
    pol = normalise_polarity(polarity)
    code = _FUNNEL_CODES[position.code]
    if code == "within_expected":
        return Claim(code, f"within the range expected around {average}", position.words)
    above = code == "well_above"
    judged = "" if pol == "neither" else (" (better)" if above == (pol == "higher_is_better") else " (worse)")
    return Claim(code, f"well {'above' if above else 'below'} {average}{judged}", position.words)


# ----------------------------------------------------------------------------- targets


@_records
def target_status(
    value: object, target: Objective | float | None, *, polarity: str | None = None, period_end: object = None
) -> Claim:
    """'met', 'missed', 'not yet met' or 'no target' for a value against a target.

    ``target`` an :class:`~analysis.objectives.Objective` (its number, direction, deadline and
    generated target text are used) or a plain number with ``polarity`` (met = at least the
    target when higher is better, at most when lower is better), or None. With ``period_end``
    before an objective's deadline, a value short of the target is 'not yet met', not
    'missed'. Judged on the value itself, as NHS England reports operational standards.

    codes: ``met``, ``missed``, ``not_yet_met``, ``no_target``.
    """
    v = _finite(value, "value")
    if target is None:
        return Claim("no_target", "no target", "no target applies")
    if isinstance(target, Objective):
        if not target.has_target:
            return Claim("no_target", "no target", target.no_target_reason)
        ok = target.passes(v)
        text = f"the target ({target.target_text})"
        due = target.deadline_end
        early = period_end is not None and due is not None and _date(period_end, "period_end") < due
    else:
        t = _finite(target, "target")
        if polarity is None:
            raise ClaimInputError("target_status: give polarity with a numeric target (or pass an Objective)")
        pol = normalise_polarity(polarity)
        if pol == "neither":
            raise ClaimInputError("target_status: a target needs a better direction, not polarity 'neither'")
        ok = v >= t if pol == "higher_is_better" else v <= t
        text = f"the target ({t:g})"
        early = False
    if ok:
        return Claim("met", "met", f"the value meets {text}")
    if early:
        return Claim("not_yet_met", "not yet met", f"the value falls short of {text}, and the deadline has not passed")
    return Claim("missed", "missed", f"the value falls short of {text}")


# ----------------------------------------------------------------------------- change over time


@_records
def change_from_spc(reading: stats.SPCResult | str) -> Claim:
    """'improving', 'deteriorating' or 'no significant change' from a Making Data Count reading
    (an :class:`analysis.stats.SPCResult`, or its ``variation_type``: the latest point's type).

    Special cause on a measure with no better direction reads 'rising' or 'falling' (the side
    of the mean or the trend's direction, from the point type ``special_cause_neutral_high`` /
    ``_low``).

    codes: ``improving``, ``deteriorating``, ``no_significant_change``, ``rising``, ``falling``.
    """
    if isinstance(reading, stats.SPCResult):
        variation = reading.variation_type
        label = str(reading.latest["special_cause_type"])
    elif isinstance(reading, str):
        variation, label = reading, ""
    else:
        raise ClaimInputError(f"reading must be an SPCResult or a variation type, got {type(reading).__name__}")
    known = (
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
        "common_cause",
    )
    if variation not in known:
        raise ClaimInputError(f"unknown SPC variation {variation!r}; expected one of {', '.join(known)}")
    if variation == "common_cause":
        return Claim(
            "no_significant_change",
            "no significant change",
            "the latest point shows only common-cause variation (no Making Data Count rule is met)",
        )
    from .stats.spc import RULE_WORDS

    because = "special-cause variation" + (
        f": the latest point is {RULE_WORDS[label]}" if label in RULE_WORDS else " at the latest point"
    )
    if variation == "special_cause_improvement":
        return Claim("improving", "improving", because + ", in the direction of improvement")
    if variation == "special_cause_concern":
        return Claim("deteriorating", "deteriorating", because + ", in the direction of concern")
    if variation == "special_cause_neutral_high":
        return Claim("rising", "rising", because + "; the measure has no better direction")
    return Claim("falling", "falling", because + "; the measure has no better direction")


@_records
def change_between(before: object, after: object, *, polarity: str, confidence: float = 0.95) -> Claim:
    """Change between two periods, each with its interval: the MOVER interval of ``after -
    before`` against zero, read through the polarity.

    codes: ``improving``, ``deteriorating``, ``no_significant_change``; with
    ``polarity="neither"``: ``rising``, ``falling``, ``no_significant_change``.
    """
    pol = normalise_polarity(polarity)
    c = _level(confidence)
    d = _difference(estimate(after, "after"), estimate(before, "before"))
    side = _side(d, 0.0)
    reason = _interval_words(side, c, 0.0, "the change's")
    if side == 0:
        return Claim("no_significant_change", "no significant change", reason)
    if pol == "neither":
        return Claim("rising", "rising", reason) if side > 0 else Claim("falling", "falling", reason)
    good = side if pol == "higher_is_better" else -side
    return Claim("improving", "improving", reason) if good > 0 else Claim("deteriorating", "deteriorating", reason)


# ----------------------------------------------------------------------------- out-of-date data

#: Months after the end of a data period beyond which the data are out of date, by how often
#: the dataset is published: one publication cycle, plus the usual publication lag of NHS
#: England and OHID statistics (monthly performance statistics appear about six weeks after the
#: month; QOF and most annual Fingertips indicators 6-12 months after the year), plus one
#: missed edition's grace. A one-off dataset (a census) has no newer edition to fall behind.
MAX_AGE_MONTHS: dict[str, int | None] = {"weekly": 2, "monthly": 4, "quarterly": 9, "annual": 24, "one-off": None}


@dataclass(frozen=True)
class Currency:
    """Whether data are out of date at the build's reference date, with a label for the page."""

    period_end: pd.Timestamp
    frequency: str
    reference_date: pd.Timestamp
    months_old: int
    max_age_months: int | None
    out_of_date: bool
    claim: Claim  # code current / out_of_date / one_off

    @property
    def label(self) -> str:
        """'data end January 2021: out of date', 'data end April 2026', 'data end March 2021
        (one-off dataset)'."""
        return self.claim.words

    def __str__(self) -> str:
        return self.label


def _date(x: object, name: str) -> pd.Timestamp:
    return as_date(x, name, ClaimInputError)


def currency(
    period_end: object, frequency: str, reference_date: object, *, max_age_months: int | None = None
) -> Currency:
    """Is a dataset out of date at the build's ``reference_date``?

    ``period_end``: the end of the latest period in the data (any day of the last month will
    do: age is counted in calendar months). ``frequency``: "weekly", "monthly", "quarterly",
    "annual" or "one-off". Out of date when the period ended more than
    :data:`MAX_AGE_MONTHS` ``[frequency]`` months before the reference month
    (``max_age_months`` overrides that for a dataset with a known longer lag, say why where you
    call it). ``reference_date`` is the date the build describes itself as of; it is required
    so that a rebuild of an old edition gives the same words.

    codes: ``current``, ``out_of_date``, ``one_off``.
    """
    pe = _date(period_end, "period_end")
    ref = _date(reference_date, "reference_date")
    if frequency not in MAX_AGE_MONTHS:
        raise ClaimInputError(f"frequency must be one of {', '.join(MAX_AGE_MONTHS)}; got {frequency!r}")
    if pe.normalize() > ref.normalize():
        raise ClaimInputError(f"period_end ({pe:%d %B %Y}) is after the reference date ({ref:%d %B %Y})")
    limit = MAX_AGE_MONTHS[frequency] if max_age_months is None else max_age_months
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1):
        raise ClaimInputError(f"max_age_months must be a whole number of at least 1, got {limit!r}")
    months = (ref.year - pe.year) * 12 + (ref.month - pe.month)
    month = f"{pe:%B %Y}"
    if limit is None:
        claim = Claim(
            "one_off", f"data end {month} (one-off dataset)", "a one-off dataset has no newer edition to fall behind"
        )
        return Currency(pe, frequency, ref, months, None, False, claim)
    if months > limit:
        claim = Claim(
            "out_of_date",
            f"data end {month}: out of date",
            f"{frequency} data should be no more than {limit} months old at the reference date "
            f"({ref:%B %Y}); these are {months} months old",
        )
        return Currency(pe, frequency, ref, months, int(limit), True, claim)
    claim = Claim(
        "current", f"data end {month}", f"{frequency} data within {limit} months of the reference date ({ref:%B %Y})"
    )
    return Currency(pe, frequency, ref, months, int(limit), False, claim)


_ASSURANCE_WORDS = {
    "consistent_pass": "consistently meets the target",
    "consistent_fail": "consistently misses the target",
    "inconsistent": "hit and miss against the target",
}


@_records
def spc_assurance(reading: stats.SPCResult, data_currency: Currency, objective: Objective | None = None) -> Claim:
    """The Making Data Count assurance reading, withheld where it would mislead.

    No assurance reading (code ``not_assessed``) when the data are out of date (the rule: an
    assurance icon on old data says nothing about today's process), when the reading has no
    target, or when ``objective`` is given and its planning year does not cover the data's
    period end (the target was not in force for those data). Otherwise the Making Data Count
    assurance: ``consistent_pass``, ``consistent_fail`` or ``inconsistent`` (hit and miss).
    """
    if not isinstance(reading, stats.SPCResult):
        raise ClaimInputError(f"reading must be an SPCResult, got {type(reading).__name__}")
    if not isinstance(data_currency, Currency):
        raise ClaimInputError("data_currency must be the Currency returned by claims.currency()")
    if data_currency.out_of_date:
        return Claim(
            "not_assessed",
            "no assurance reading",
            f"the data are out of date (data end {data_currency.period_end:%B %Y})",
        )
    if objective is not None and not objective.covers(data_currency.period_end):
        return Claim(
            "not_assessed",
            "no assurance reading",
            f"the {objective.planning_year} objective was not in force for data ending "
            f"{data_currency.period_end:%B %Y}",
        )
    if reading.assurance is None:
        return Claim("not_assessed", "no assurance reading", "no target (or no better direction) to assess against")
    return Claim(
        reading.assurance,
        _ASSURANCE_WORDS[reading.assurance],
        "where the process limits lie against the target (Making Data Count)",
    )


# ----------------------------------------------------------------------------- methods page


def conventions_markdown() -> str:
    """The methods-page paragraphs for the gap's sign, the practice deprivation quintile and
    out-of-date data, written from the constants the code uses."""
    from .deprivation import PRACTICE_QUINTILE_DEFINITION

    ages = ", ".join(f"{k} {v} months" for k, v in MAX_AGE_MONTHS.items() if v is not None)
    return "\n\n".join(
        [
            f"**The gap.** {GAP_SIGN_RULE} Its 95% confidence interval combines the two groups' own "
            "intervals (the method of variance estimates recovery; for two proportions this is Newcombe's "
            "hybrid score interval). The slope index of inequality (SII) uses every decile or quintile, so "
            "the gap and the SII can disagree about whether a difference is statistically significant; where "
            "they do, the chapter says both and why.",
            f"**Practice deprivation quintile.** {PRACTICE_QUINTILE_DEFINITION}",
            "**Words from numbers.** Words such as *higher*, *worse*, *rises with deprivation* or *statistically "
            "significant* are computed from each figure's 95% confidence interval, never typed: a difference is "
            "called significant only when its whole interval lies on one side of zero.",
            f"**Out-of-date data.** A figure is marked out of date when its data end more than a set number of "
            f"months before the edition's reference date ({ages}, by how often the data are published); "
            "out-of-date series get no statistical process control assurance reading.",
        ]
    )


__all__ = [
    "Claim",
    "ClaimInputError",
    "Currency",
    "Estimate",
    "GAP_SIGN_RULE",
    "Gap",
    "MAX_AGE_MONTHS",
    "SII_SIGNS",
    "change_between",
    "change_from_spc",
    "compare",
    "conventions_markdown",
    "currency",
    "estimate",
    "funnel",
    "gap",
    "gap_and_sii",
    "gradient",
    "judge",
    "normalise_polarity",
    "significance",
    "sii_as_gap",
    "spc_assurance",
    "target_status",
]
