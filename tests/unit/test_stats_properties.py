"""Property tests for analysis.stats (hypothesis): invariants any correct implementation keeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import stats as S

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.integers(min_value=0, max_value=50_000)
levels = st.sampled_from([0.9, 0.95, 0.99, 0.998])


@PROPS
@given(x=counts, extra=st.integers(min_value=0, max_value=50_000), level=levels)
def test_proportion_interval_contains_estimate_and_stays_in_range(x: int, extra: int, level: float) -> None:
    n = x + extra + 1
    got = S.proportion(pd.DataFrame({"x": [x], "n": [n]}), "x", "n", confidence=level, multiplier=100)
    lo, val, hi = got.loc[0, ["lower_ci", "value", "upper_ci"]]
    assert 0 <= lo <= val <= hi <= 100 + 1e-9


@PROPS
@given(x=counts, n=st.integers(min_value=1, max_value=10**7), level=levels)
def test_rate_interval_contains_estimate(x: int, n: int, level: float) -> None:
    got = S.crude_rate(pd.DataFrame({"x": [x], "n": [n]}), "x", "n", confidence=level)
    lo, val, hi = got.loc[0, ["lower_ci", "value", "upper_ci"]]
    assert 0 <= lo <= val < hi


@PROPS
@given(
    x=st.integers(min_value=1, max_value=2_000),
    extra=st.integers(min_value=0, max_value=2_000),
    k=st.integers(min_value=2, max_value=20),
)
def test_proportion_interval_narrows_as_counts_grow(x: int, extra: int, k: int) -> None:
    # the same proportion from k times the data must have a narrower interval
    n = x + extra
    small = S.proportion(pd.DataFrame({"x": [x], "n": [n]}), "x", "n")
    big = S.proportion(pd.DataFrame({"x": [k * x], "n": [k * n]}), "x", "n")

    def width(r):
        return r.loc[0, "upper_ci"] - r.loc[0, "lower_ci"]

    assert big.loc[0, "value"] == pytest.approx(small.loc[0, "value"])
    assert width(big) < width(small)


@PROPS
@given(
    x=st.integers(min_value=1, max_value=5_000),
    n=st.integers(min_value=100, max_value=10**6),
    k=st.integers(min_value=2, max_value=20),
)
def test_rate_interval_narrows_as_counts_grow(x: int, n: int, k: int) -> None:
    # includes the switch from exact (< 10 events) to Byar's (>= 10)
    small = S.crude_rate(pd.DataFrame({"x": [x], "n": [n]}), "x", "n")
    big = S.crude_rate(pd.DataFrame({"x": [k * x], "n": [k * n]}), "x", "n")

    def width(r):
        return r.loc[0, "upper_ci"] - r.loc[0, "lower_ci"]

    assert big.loc[0, "value"] == pytest.approx(small.loc[0, "value"])
    assert width(big) < width(small)


@st.composite
def gradients(draw: st.DrawFn) -> tuple[pd.DataFrame, int]:
    k = draw(st.integers(min_value=5, max_value=10))
    steps = draw(st.lists(st.floats(min_value=0.05, max_value=5), min_size=k - 1, max_size=k - 1))
    direction = draw(st.sampled_from([1, -1]))
    start = draw(st.floats(min_value=50, max_value=90))
    values = start + direction * np.concatenate([[0], np.cumsum(steps)])
    pops = draw(st.lists(st.integers(min_value=100, max_value=100_000), min_size=k, max_size=k))
    data = pd.DataFrame({"quantile": range(1, k + 1), "pop": pops, "value": values, "se": 0.5})
    return data, direction


@PROPS
@given(case=gradients())
def test_sii_sign_follows_the_gradient(case: tuple[pd.DataFrame, int]) -> None:
    # values strictly rising from quantile 1 (most deprived) give a positive SII, falling a
    # negative one, whatever the populations; the simulated interval contains the SII
    data, direction = case
    got = S.sii(data, "value", "pop", "quantile", se="se", reps=1000, seed=0)
    assert np.sign(got.loc[0, "value"]) == direction
    assert got.loc[0, "lower_ci"] <= got.loc[0, "value"] <= got.loc[0, "upper_ci"]


@PROPS
@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    n=st.integers(min_value=2, max_value=60),
    direction=st.sampled_from(["increase", "decrease", "neutral"]),
    screen=st.booleans(),
)
def test_spc_constant_series_flags_nothing(value: float, n: int, direction: str, screen: bool) -> None:
    # the mean of n equal values is the value itself (R's corrected mean), so no point is off
    # the mean and the limits sit on it
    res = S.spc([value] * n, improvement_direction=direction, screen_outliers=screen)
    assert not res.points["special_cause_flag"].any()
    assert (res.points["relative_to_mean"] == 0).all()
    assert res.variation == "common_cause"
    assert (res.points["upper_process_limit"] == res.points["mean"]).all()


@PROPS
@given(
    values=st.lists(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), min_size=2, max_size=40),
    screen=st.booleans(),
)
def test_spc_mirror_image_swaps_up_and_down(values: list[float], screen: bool) -> None:
    # negating the series mirrors every rule: above <-> below, increasing <-> decreasing, so with
    # the improvement direction reversed every point type and the variation reading are unchanged
    up = S.spc(values, improvement_direction="increase", screen_outliers=screen)
    down = S.spc([-v for v in values], improvement_direction="decrease", screen_outliers=screen)
    assert up.points["point_type"].tolist() == down.points["point_type"].tolist()
    assert up.variation.split("_")[0] == down.variation.split("_")[0]


LE_AGES = [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
LE_POPS = [
    7060,
    35059,
    46974,
    48489,
    43219,
    38561,
    46009,
    57208,
    61435,
    55601,
    50209,
    56416,
    46411,
    39820,
    37978,
    37039,
    33288,
    23306,
    11936,
    11936,
]
LE_DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]


@PROPS
@given(band=st.integers(min_value=0, max_value=19), extra=st.integers(min_value=1, max_value=2000))
def test_life_expectancy_falls_when_deaths_rise(band: int, extra: int) -> None:
    base = pd.DataFrame({"age": LE_AGES, "pop": LE_POPS, "deaths": LE_DEATHS})
    more = base.copy()
    more.loc[band, "deaths"] = min(more.loc[band, "deaths"] + extra, more.loc[band, "pop"])

    def le(d):
        return S.life_expectancy(d, "age", "deaths", "pop").loc[0]

    before, after = le(base), le(more)
    assert after["value"] < before["value"]
    assert after["lower_ci"] <= after["value"] <= after["upper_ci"]


def test_sii_interval_of_a_group_does_not_depend_on_the_other_groups():
    """Each group's simulation has its own seeded stream, so one ICB's SII interval is the same
    in a one-ICB call and in an all-ICB call."""
    import pandas as pd

    from analysis import stats

    rows = []
    for area, slope in (("A", 1.0), ("B", 2.0), ("C", -0.5)):
        for q in range(1, 11):
            rows.append({"area": area, "quantile": q, "value": 70 + slope * q, "population": 1000 + 10 * q, "se": 0.5})
    df = pd.DataFrame(rows)
    all_groups = stats.sii(df, "value", "population", "quantile", group_by=["area"], se="se", reps=2000)
    only_b = stats.sii(df[df["area"] == "B"], "value", "population", "quantile", group_by=["area"], se="se", reps=2000)
    b = all_groups[all_groups["area"] == "B"].iloc[0]
    assert b["lower_ci"] == only_b.iloc[0]["lower_ci"] and b["upper_ci"] == only_b.iloc[0]["upper_ci"]
