"""Words computed from numbers (analysis.claims), the gap's sign, the practice quintile, the
MOVER difference interval (analysis.stats.difference_ci) and out-of-date data.

Fast: synthetic numbers, except the two regression cases, which are also checked on the real
published data they came from (COPD in Birmingham and Solihull; waiting lists in Herefordshire
and Worcestershire).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import claims, deprivation, stats
from analysis.claims import ClaimInputError, Estimate

# ----------------------------------------------------------------------------- strategies

_num = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def estimates(draw, lo=-1e3, hi=1e3):
    a, b, c = sorted(draw(st.lists(st.floats(min_value=lo, max_value=hi, allow_nan=False), min_size=3, max_size=3)))
    return Estimate(b, a, c)


SIGNS = ["least_minus_most", "most_minus_least"]
POLARITIES = ["higher_is_better", "lower_is_better", "neither"]


# ----------------------------------------------------------------------------- regression cases


def test_copd_qhl_sii_that_is_negative_does_not_rise():
    """QHL COPD: SII -0.07 (95% CI -0.13 to -0.00), most minus least deprived (prevalence_sii uses
    multiplier=-1). The chapter said 'rises with deprivation'; the numbers say it falls."""
    g = claims.gradient((-0.0657, -0.1269, -0.0037), sign="most_minus_least")
    assert g.code == "falls" and str(g) == "falls with deprivation"
    # printed to two decimals the upper limit reads -0.00; an interval that really touches zero
    # is not a gradient either way
    g0 = claims.gradient((-0.07, -0.13, 0.0), sign="most_minus_least")
    assert g0.code == "no_clear_gradient" and "includes zero" in g0.reason
    for e in [(-0.0657, -0.1269, -0.0037), (-0.07, -0.13, 0.0)]:
        assert claims.gradient(e, sign="most_minus_least").code != "rises"


def test_copd_qhl_real_data(mirror):
    from analysis.chapters import core20plus5 as c5

    s = c5.prevalence_sii("QHL", ["COPD"], reps=10_000)
    row = s[s["area"] != "England"].iloc[0]
    g = claims.gradient(row, sign="most_minus_least")
    assert row["upper_ci"] < 0  # the published-data fact the regression is about
    assert g.code == "falls"


def _decile_rows(d1, d10):
    return {"value": d1[0], "lower_ci": d1[1], "upper_ci": d1[2]}, {
        "value": d10[0],
        "lower_ci": d10[1],
        "upper_ci": d10[2],
    }


def test_waiting_list_gap_significant_sii_not_says_both_and_why():
    """QGH: % within 18 weeks, decile 1 53.3% (upper limit 55.2) against decile 10 57.7% (lower
    limit 56.4): the intervals do not overlap, yet the SII, 0.58 points (-0.67 to 1.80), includes
    zero. 'Not statistically significant' alone gives false comfort."""
    d1, d10 = _decile_rows((53.34, 51.51, 55.15), (57.67, 56.39, 58.92))
    assert d1["upper_ci"] < d10["lower_ci"]
    g = claims.gap(d1, d10, polarity="higher_is_better")
    assert g.claim.code == "worse_for_most_deprived" and g.lower > 0
    assert g.value == pytest.approx(57.67 - 53.34)
    both = claims.gap_and_sii(g, (0.575, -0.666, 1.804), sign="least_minus_most", groups="deciles")
    assert both.code == "gap_only"
    words = str(both)
    assert "gap between the most and least deprived deciles is statistically significant" in words
    assert "slope index of inequality (SII) across all deciles is not" in words
    # why: here the fitted line is much flatter than the gap between the ends
    assert "middle deciles do not fall steadily" in words
    assert claims.significance((0.575, -0.666, 1.804)).code == "not_significant"


def test_waiting_list_qgh_real_data(mirror):
    from analysis.chapters import waiting_lists as wl

    v = wl.wlmds_view("QGH", "imd_decile")
    icb = v[v["level"] == "ICB (providers)"].set_index("imd_decile")
    cols = {
        "pct_within_18_weeks": "value",
        "pct_within_18_weeks_lower_ci": "lower_ci",
        "pct_within_18_weeks_upper_ci": "upper_ci",
    }
    d1, d10 = icb.loc[1, list(cols)].rename(cols), icb.loc[10, list(cols)].rename(cols)
    sii = wl.deprivation_gaps(icb.reset_index(), reps=100_000).iloc[0]
    g = claims.gap(d1, d10, polarity="higher_is_better")
    verdict = claims.gap_and_sii(g, (sii["sii"], sii["sii_lower_ci"], sii["sii_upper_ci"]), sign="least_minus_most")
    # the code follows the data: whichever way they fall, the words match both significances
    expected = {
        (True, False): "gap_only",
        (False, True): "sii_only",
        (True, True): "both_significant",
        (False, False): "neither_significant",
    }
    gap_sig = claims.significance(g.estimate).code == "significant"
    sii_sig = claims.significance((sii["sii"], sii["sii_lower_ci"], sii["sii_upper_ci"])).code == "significant"
    assert verdict.code in (expected[(gap_sig, sii_sig)], "opposite_directions")
    assert g.value == pytest.approx(sii["pct18_gap_pp"])  # the chapter's gap has the same sign
    if d1["upper_ci"] < d10["lower_ci"]:
        assert gap_sig  # non-overlapping decile intervals always give a significant gap


# ----------------------------------------------------------------------------- gradient


@given(estimates(), st.sampled_from(SIGNS))
def test_gradient_word_agrees_with_interval(e, sign):
    g = claims.gradient(e, sign=sign)
    # +1 when the whole interval means "higher among the most deprived"
    rising_side = (e.lower > 0) if sign == "most_minus_least" else (e.upper < 0)
    falling_side = (e.upper < 0) if sign == "most_minus_least" else (e.lower > 0)
    assert (g.code == "rises") == rising_side
    assert (g.code == "falls") == falling_side
    assert (g.code == "no_clear_gradient") == (e.lower <= 0 <= e.upper)
    assert str(g) in ("rises with deprivation", "falls with deprivation", "shows no clear gradient with deprivation")


@given(estimates())
def test_gradient_same_whichever_sign_convention_it_is_written_in(e):
    flipped = Estimate(-e.value, -e.upper, -e.lower)
    assert claims.gradient(e, sign="most_minus_least").code == claims.gradient(flipped, sign="least_minus_most").code


def test_gradient_needs_the_sign_stated():
    with pytest.raises(TypeError):
        claims.gradient((1, 0.5, 1.5))  # no default: a chapter must say which way its SII runs
    with pytest.raises(ClaimInputError, match="sign must be"):
        claims.gradient((1, 0.5, 1.5), sign="positive")


# ----------------------------------------------------------------------------- significance


@given(estimates(), st.sampled_from([0.0, 1.0]))
def test_significance_agrees_with_interval(e, null):
    s = claims.significance(e, null=null)
    assert (s.code == "significant") == (e.lower > null or e.upper < null)
    assert s.words == ("statistically significant" if s.code == "significant" else "not statistically significant")


def test_significance_reason_in_words():
    s = claims.significance((1.2, -0.5, 2.9))
    assert s.words_with_reason == "not statistically significant (its 95% confidence interval includes zero)"
    assert claims.significance((1.3, 1.1, 1.5), null=1).reason == "its 95% confidence interval lies wholly above one"
    assert "99.8% confidence interval" in claims.significance((2, 1, 3), confidence=0.998).reason


# ----------------------------------------------------------------------------- compare / judge


@given(estimates(), _num)
def test_compare_with_a_benchmark_value_is_the_fingertips_rule(e, ref):
    c = claims.compare(e, ref, comparator_name="England")
    assert (c.code == "higher") == (e.lower > ref)
    assert (c.code == "lower") == (e.upper < ref)
    assert (c.code == "similar") == (e.lower <= ref <= e.upper)


@given(estimates(), estimates())
def test_compare_two_intervals(a, b):
    c = claims.compare(a, b)
    if a.lower - b.upper > 1e-6:  # intervals that do not overlap: never "similar"
        assert c.code == "higher"
    if b.lower - a.upper > 1e-6:
        assert c.code == "lower"
    if c.code == "higher":
        assert a.value > b.value
    if c.code == "lower":
        assert a.value < b.value


@given(estimates(), estimates(), st.sampled_from(["higher_is_better", "lower_is_better", "increase", "decrease"]))
def test_judge_is_compare_through_polarity(a, b, pol):
    c, j = claims.compare(a, b), claims.judge(a, b, polarity=pol)
    better_when = "higher" if pol in ("higher_is_better", "increase") else "lower"
    assert (j.code == "better") == (c.code == better_when)
    assert (j.code == "similar") == (c.code == "similar")


def test_judge_refuses_a_measure_with_no_better_direction():
    with pytest.raises(ClaimInputError, match="no better direction"):
        claims.judge((1, 0, 2), 3.0, polarity="neither")


# ----------------------------------------------------------------------------- the gap


@given(estimates(0, 100), estimates(0, 100), st.sampled_from(POLARITIES))
def test_gap_sign_convention(most, least, pol):
    g = claims.gap(most, least, polarity=pol)
    expected = least.value - most.value if pol == "higher_is_better" else most.value - least.value
    assert g.value == pytest.approx(expected, abs=1e-9)
    assert g.lower <= g.value <= g.upper
    if g.claim.code in ("worse_for_most_deprived", "higher_among_most_deprived"):
        assert g.lower > 0
    if g.claim.code in ("better_for_most_deprived", "lower_among_most_deprived"):
        assert g.upper < 0
    if g.claim.code == "no_clear_gap":
        assert g.lower <= 0 <= g.upper
    # worse for the most deprived means: lower where higher is better, higher where lower is better
    if g.claim.code == "worse_for_most_deprived":
        assert most.value < least.value if pol == "higher_is_better" else most.value > least.value
    allowed = (
        {"higher_among_most_deprived", "lower_among_most_deprived", "no_clear_gap"}
        if pol == "neither"
        else {"worse_for_most_deprived", "better_for_most_deprived", "no_clear_gap"}
    )
    assert g.claim.code in allowed


def test_gap_sign_rule_matches_the_waiting_list_tables():
    # deprivation_gaps: pct18_gap_pp = decile 10 minus 1 (higher is better), pct52_gap_pp = decile 1
    # minus 10 (lower is better): both "positive = worse for the most deprived"
    d1, d10 = (50.0, 49.0, 51.0), (60.0, 59.0, 61.0)
    assert claims.gap(d1, d10, polarity="higher_is_better").value == pytest.approx(10.0)
    assert claims.gap(d1, d10, polarity="lower_is_better").value == pytest.approx(-10.0)
    assert "positive = worse for the most deprived" in claims.gap(d1, d10, polarity="increase").sign_rule


def test_gap_of_two_proportions_is_newcombe():
    # two Wilson intervals from stats.proportion: the gap's interval is Newcombe's (1998) method 10
    df = pd.DataFrame({"group": ["most", "least"], "x": [48, 56], "n": [80, 70]})
    p = stats.proportion(df, "x", "n", multiplier=1).set_index("group")
    g = claims.gap(p.loc["most"], p.loc["least"], polarity="higher_is_better")
    assert (round(g.lower, 4), round(g.upper, 4)) == (0.0524, 0.3339)


@given(estimates(), st.sampled_from(SIGNS), st.sampled_from(POLARITIES))
def test_sii_as_gap_puts_worse_for_most_deprived_positive(e, sign, pol):
    s = claims.sii_as_gap(e, sign=sign, polarity=pol)
    assert s.lower <= s.value <= s.upper
    # a positive SII on the gap's sign means higher among the most deprived unless higher is better
    towards_most = e.value if sign == "most_minus_least" else -e.value
    assert s.value == pytest.approx(-towards_most if pol == "higher_is_better" else towards_most)


@given(
    estimates(0, 100),
    estimates(0, 100),
    estimates(),
    st.sampled_from(SIGNS),
    st.sampled_from(["higher_is_better", "lower_is_better"]),
)
def test_gap_and_sii_code_agrees_with_both_intervals(most, least, sii, sign, pol):
    g = claims.gap(most, least, polarity=pol)
    c = claims.gap_and_sii(g, sii, sign=sign)
    s = claims.sii_as_gap(sii, sign=sign, polarity=pol)
    g_sig, s_sig = not (g.lower <= 0 <= g.upper), not (s.lower <= 0 <= s.upper)
    if g_sig and s_sig:
        same = (g.value > 0) == (s.value > 0)
        assert c.code == ("both_significant" if same else "opposite_directions")
    else:
        assert (
            c.code
            == {(True, False): "gap_only", (False, True): "sii_only", (False, False): "neither_significant"}[
                (g_sig, s_sig)
            ]
        )


def test_gap_and_sii_other_disagreement_and_quintiles():
    g = claims.gap((40.0, 30.0, 50.0), (45.0, 35.0, 55.0), polarity="higher_is_better")
    c = claims.gap_and_sii(g, (4.0, 1.0, 7.0), sign="least_minus_most", groups="quintiles")
    assert c.code == "sii_only"
    assert "every quintile" in str(c) and "gap between the most and least deprived quintiles alone is not" in str(c)
    with pytest.raises(ClaimInputError, match="deciles' or 'quintiles"):
        claims.gap_and_sii(g, (4.0, 1.0, 7.0), sign="least_minus_most", groups="tertiles")


# ----------------------------------------------------------------------------- targets


def test_target_status_with_objectives():
    from analysis import objectives

    ae = objectives.objective_in_force("ae_4h", "2024-03-31").objective
    assert claims.target_status(76.0, ae).code == "met"
    assert claims.target_status(74.2, ae).code == "missed"
    assert claims.target_status(74.2, ae).reason == "the value falls short of the target (76% by March 2024)"
    ae25 = objectives.objective_in_force("ae_4h", "2024-12-31").objective
    assert claims.target_status(74.2, ae25, period_end="2024-12-31").code == "not_yet_met"
    assert claims.target_status(74.2, ae25, period_end="2025-03-31").code == "missed"
    beds = objectives.objective_in_force("beds_ga", "2023-06-30").objective
    assert claims.target_status(92.0, beds).code == "met" and claims.target_status(92.1, beds).code == "missed"
    w52 = objectives.objective_in_force("rtt_52w_share", "2026-03-31").objective
    assert claims.target_status(1.0, w52).code == "missed"  # "less than 1%": exactly 1% misses
    gp = objectives.objective_in_force("gp_2weeks", "2023-06-30").objective
    assert claims.target_status(85.0, gp).code == "no_target"
    assert claims.target_status(85.0, None).words == "no target"


def test_target_status_plain_number_needs_polarity():
    assert claims.target_status(31.0, 30.0, polarity="decrease").code == "missed"
    assert claims.target_status(29.0, 30.0, polarity="lower_is_better").code == "met"
    with pytest.raises(ClaimInputError, match="give polarity"):
        claims.target_status(29.0, 30.0)


# ----------------------------------------------------------------------------- change over time


def test_change_from_spc_readings():
    up = stats.spc(list(np.linspace(60, 80, 20)), improvement_direction="increase")
    down = stats.spc(list(np.linspace(60, 80, 20)), improvement_direction="decrease")
    flat = stats.spc([70, 71, 70, 69, 70, 71, 70, 69, 70, 71, 70, 69], improvement_direction="increase")
    neither = stats.spc(list(np.linspace(60, 80, 20)), improvement_direction="neutral")
    assert claims.change_from_spc(up).code == "improving"
    assert claims.change_from_spc(down).code == "deteriorating"
    assert claims.change_from_spc(flat).words == "no significant change"
    assert claims.change_from_spc(neither).code == "rising"
    assert claims.change_from_spc("special_cause_neutral_low").code == "falling"
    assert "7 Point" not in claims.change_from_spc(up).reason  # rule names are in words
    with pytest.raises(ClaimInputError, match="unknown SPC variation"):
        claims.change_from_spc("special cause")


@given(estimates(), estimates(), st.sampled_from(POLARITIES))
def test_change_between_two_periods(before, after, pol):
    c = claims.change_between(before, after, polarity=pol)
    d, lo, hi = stats.difference_ci(after.value, after.lower, after.upper, before.value, before.lower, before.upper)
    if lo <= 0 <= hi:
        assert c.code == "no_significant_change"
    elif pol == "neither":
        assert c.code == ("rising" if lo > 0 else "falling")
    else:
        up_is_good = pol == "higher_is_better"
        assert c.code == ("improving" if (lo > 0) == up_is_good else "deteriorating")


# ----------------------------------------------------------------------------- refusing bad input

BAD = [math.nan, float("inf"), None, "12", True]


@pytest.mark.parametrize("bad", BAD)
def test_no_word_for_missing_or_implausible_numbers(bad):
    with pytest.raises(ClaimInputError):
        claims.gradient((bad, 0, 1), sign="least_minus_most")
    with pytest.raises(ClaimInputError):
        claims.significance((0.5, bad, 1))
    with pytest.raises(ClaimInputError):
        claims.compare((0.5, 0, 1), bad)
    with pytest.raises(ClaimInputError):
        claims.gap((0.5, 0, 1), (0.5, 0, bad), polarity="neither")
    with pytest.raises(ClaimInputError):
        claims.target_status(bad, 76.0, polarity="increase")


def test_implausible_intervals_are_refused_with_the_parameter_named():
    with pytest.raises(ClaimInputError, match="sii: the value .* outside its own confidence interval"):
        claims.gradient((2.0, -1.0, 1.0), sign="least_minus_most")
    with pytest.raises(ClaimInputError, match="lower confidence limit .* above the upper"):
        claims.significance((0.0, 1.0, -1.0))
    with pytest.raises(ClaimInputError, match="needs 'value', 'lower_ci' and 'upper_ci'"):
        claims.significance({"value": 1, "lower": 0, "upper": 2})
    with pytest.raises(ClaimInputError, match="polarity must be"):
        claims.gap((1, 0, 2), (1, 0, 2), polarity="up")
    with pytest.raises(ClaimInputError, match="confidence must be"):
        claims.significance((1, 0, 2), confidence=95)


def test_claim_is_a_string_in_sentences_and_glue():
    g = claims.gradient((0.5, 0.2, 0.8), sign="most_minus_least")
    assert f"Recorded prevalence {g}." == "Recorded prevalence rises with deprivation."
    assert {k: v for k, v in g.as_dict().items() if k != "inputs"} == {
        "code": "rises",
        "words": "rises with deprivation",
        "reason": g.reason,
    }
    assert g.as_dict()["inputs"]["function"] == "gradient"


# ----------------------------------------------------------------------------- out-of-date data


def test_currency_labels_and_thresholds():
    old = claims.currency("2021-01-01", "monthly", "2026-05-20")
    assert old.out_of_date and old.label == "data end January 2021: out of date"
    assert claims.currency("2023-05-01", "monthly", "2026-05-20").label == "data end May 2023: out of date"
    now = claims.currency(pd.Timestamp("2026-04-01"), "monthly", "2026-05-20")
    assert not now.out_of_date and now.label == "data end April 2026"
    # the threshold, exactly: monthly data 4 months old are current, 5 are out of date
    assert not claims.currency("2026-01-31", "monthly", "2026-05-01").out_of_date
    assert claims.currency("2025-12-31", "monthly", "2026-05-01").out_of_date
    assert not claims.currency("2025-03-31", "annual", "2027-03-31").out_of_date
    assert claims.currency("2025-03-31", "annual", "2027-04-01").out_of_date
    assert claims.currency("2025-06-30", "quarterly", "2026-04-01").out_of_date
    assert not claims.currency("2025-06-30", "quarterly", "2026-03-01").out_of_date
    census = claims.currency("2021-03-21", "one-off", "2026-05-20")
    assert not census.out_of_date and census.claim.code == "one_off"
    assert claims.currency("2025-01-31", "annual", "2027-12-01", max_age_months=36).out_of_date is False


@given(
    st.dates(min_value=pd.Timestamp("2000-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()),
    st.integers(0, 400),
    st.integers(0, 400),
    st.sampled_from(["weekly", "monthly", "quarterly", "annual"]),
)
def test_currency_never_becomes_current_again_as_time_passes(end, later1, later2, freq):
    ref1 = pd.Timestamp(end) + pd.Timedelta(days=min(later1, later2))
    ref2 = pd.Timestamp(end) + pd.Timedelta(days=max(later1, later2))
    a, b = claims.currency(end, freq, ref1), claims.currency(end, freq, ref2)
    assert not (a.out_of_date and not b.out_of_date)
    assert a.out_of_date == (a.months_old > claims.MAX_AGE_MONTHS[freq])


def test_currency_refuses_bad_input():
    with pytest.raises(ClaimInputError, match="frequency must be one of"):
        claims.currency("2026-01-01", "fortnightly", "2026-05-01")
    with pytest.raises(ClaimInputError, match="after the reference date"):
        claims.currency("2026-06-01", "monthly", "2026-05-01")
    with pytest.raises(ClaimInputError, match="period_end is missing"):
        claims.currency(pd.NaT, "monthly", "2026-05-01")
    with pytest.raises(ClaimInputError, match="reference_date must be a date"):
        claims.currency("2026-01-01", "monthly", "May")  # pandas alone would read this year's May


def test_out_of_date_data_get_no_spc_assurance():
    from analysis import objectives

    series = stats.spc(list(np.linspace(20, 40, 24)), improvement_direction="decrease", target=30)
    assert series.assurance is not None  # the icon the scorecard showed on 2018-21 data
    old = claims.currency("2021-01-01", "monthly", "2026-05-20")
    a = claims.spc_assurance(series, old)
    assert a.code == "not_assessed" and a.reason == "the data are out of date (data end January 2021)"
    current = claims.currency("2026-03-01", "monthly", "2026-05-20")
    assert claims.spc_assurance(series, current).code == series.assurance
    # a target from a planning year that does not cover the data is not assessed either
    obj = objectives.objective_in_force("ambulance_c2", "2024-03-31").objective
    assert claims.spc_assurance(series, current, obj).code == "not_assessed"
    no_target = stats.spc(list(np.linspace(20, 40, 24)), improvement_direction="decrease")
    assert claims.spc_assurance(no_target, current).code == "not_assessed"


# ----------------------------------------------------------------------------- MOVER difference

#: Newcombe RG (1998) Stat Med 17:873-90, table II, method 10 (hybrid score, no continuity
#: correction): (x1, n1, x2, n2) -> 95% limits of p1 - p2.
NEWCOMBE_1998 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize("counts,expected", NEWCOMBE_1998)
def test_difference_ci_reproduces_newcombe_1998(counts, expected):
    x1, n1, x2, n2 = counts
    l1, u1 = stats.wilson_ci(x1, n1)
    l2, u2 = stats.wilson_ci(x2, n2)
    d, lo, hi = stats.difference_ci(x1 / n1, l1, u1, x2 / n2, l2, u2)
    assert (round(float(lo), 4), round(float(hi), 4)) == expected


@settings(max_examples=60)
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_difference_ci_matches_statsmodels_newcombe(n1, n2, data):
    from statsmodels.stats.proportion import confint_proportions_2indep

    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    l1, u1 = stats.wilson_ci(x1, n1)
    l2, u2 = stats.wilson_ci(x2, n2)
    _, lo, hi = stats.difference_ci(x1 / n1, l1, u1, x2 / n2, l2, u2)
    ref = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert float(lo) == pytest.approx(ref[0], abs=1e-9) and float(hi) == pytest.approx(ref[1], abs=1e-9)


@given(estimates(), estimates())
def test_difference_ci_properties(a, b):
    d, lo, hi = (float(x) for x in stats.difference_ci(*a, *b))
    assert lo <= d <= hi
    d2, lo2, hi2 = (float(x) for x in stats.difference_ci(*b, *a))
    assert (d2, lo2, hi2) == pytest.approx((-d, -hi, -lo))
    if a.lower - b.upper > 1e-6 or b.lower - a.upper > 1e-6:
        assert lo > 0 or hi < 0  # intervals that do not overlap: the difference excludes zero


def test_difference_ci_refuses_bad_input():
    with pytest.raises(stats.StatsInputError, match="a has missing"):
        stats.difference_ci(np.nan, 0, 1, 0.5, 0, 1)
    with pytest.raises(stats.StatsInputError, match="b's confidence interval must contain b"):
        stats.difference_ci(0.5, 0, 1, 2.0, 0, 1)
    with pytest.raises(stats.StatsInputError, match="same length"):
        stats.difference_ci([0.5, 0.6], 0, 1, [0.5, 0.5, 0.5], 0, 1)


# ----------------------------------------------------------------------------- practice quintiles


def test_practice_quintile_definition_pinned():
    d = deprivation.PRACTICE_QUINTILE_DEFINITION
    for phrase in (
        "national",
        "weighted by patients",
        "IMD 2019",
        "a fifth of England's registered patients",
        "quintile 1 is the most deprived",
    ):
        assert phrase in d


def test_practice_quintiles_are_fifths_of_patients_most_deprived_first():
    rng = np.random.default_rng(3)
    n = 2000
    df = pd.DataFrame(
        {
            "practice_code": [f"P{i}" for i in range(n)],
            "imd_score": rng.uniform(2, 70, n),
            "list_size": rng.integers(800, 40_000, n),
            "icb": rng.choice(["A", "B"], n),
        }
    )
    q = deprivation.practice_deprivation_quintiles(df)
    share = q.groupby("practice_quintile")["list_size"].sum() / q["list_size"].sum()
    assert list(share.index) == [1, 2, 3, 4, 5]
    assert (share - 0.2).abs().max() < 0.01
    # 1 = most deprived: every practice in quintile 1 scores at least as high as any in quintile 2
    assert (
        q.loc[q["practice_quintile"] == 1, "imd_score"].min() >= q.loc[q["practice_quintile"] == 2, "imd_score"].max()
    )
    # fifths of practices would not hold a fifth of patients each
    by_count = pd.qcut(-df["imd_score"], 5, labels=False)
    assert (df.groupby(by_count)["list_size"].sum() / df["list_size"].sum()).sub(0.2).abs().max() > (
        share - 0.2
    ).abs().max()
    local = deprivation.practice_deprivation_quintiles(df, within="icb")
    for _, g in local.groupby("icb"):
        s = g.groupby("practice_quintile")["list_size"].sum() / g["list_size"].sum()
        assert (s - 0.2).abs().max() < 0.02


def test_core20plus5_national_quintile_is_the_book_definition(mirror):
    from analysis.chapters import core20plus5 as c5
    from analysis.load import primary_care

    prev = primary_care.qof_practice_prevalence()
    total = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")][["practice_code", "list_size"]]
    prac = total.merge(primary_care.practice_imd(2019)[["practice_code", "imd_score"]], on="practice_code")
    prac = prac[prac["list_size"] > 0]
    ours = deprivation.practice_deprivation_quintiles(prac).set_index("practice_code")["practice_quintile"]
    theirs = c5._practices_with_quintile().set_index("practice_code")["national_quintile"]
    assert ours.sort_index().equals(theirs.sort_index().astype(ours.dtype))
    share = prac.assign(q=prac["practice_code"].map(ours)).groupby("q")["list_size"].sum() / prac["list_size"].sum()
    assert (share - 0.2).abs().max() < 0.01


# ----------------------------------------------------------------------------- methods page


def test_methods_page_can_include_the_conventions(tmp_path, monkeypatch):
    """frontmatter.render_methods replaces {{conventions}} in book/methods.md with
    claims.conventions_markdown(); the placeholder goes into methods.md once the chapters follow
    the conventions (until then the page would state rules the chapters do not yet keep)."""
    from analysis import frontmatter

    class P:
        imd_version = 2019

    (tmp_path / "methods.md").write_text("# Methods\n\n## Conventions\n\n{{conventions}}\n", encoding="utf-8")
    monkeypatch.setattr(frontmatter, "BOOK_DIR", tmp_path)
    text = frontmatter.render_methods(P())
    assert "{{conventions}}" not in text
    assert text.count(claims.GAP_SIGN_RULE) == 1
    assert text.count(deprivation.PRACTICE_QUINTILE_DEFINITION) == 1
    assert "monthly 4 months" in text and "annual 24 months" in text
