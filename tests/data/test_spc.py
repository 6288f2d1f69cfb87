"""analysis.stats.spc against NHSRplotthedots 0.2.2, point for point.

Fixtures: ``reference_spc`` (resolved through ``analysis.sources``, pinned in data/sources.yml):
the package's own ``ptd_spc()`` outputs for 21 series configurations, 857 points (real NHS England
RTT, A&E and cancer series, the package's examples and a hand-made edge-case vector; see that
folder's PROVENANCE.md). Every point's mean and limits are compared to 1e-9 relative (the
fixtures are written with 15 significant digits), every flag and label exactly, and every series'
variation icon and assurance. The mutation tests change one rule at a time and check that the
comparison then fails, so the comparison is known to be sensitive to each rule.

The MDC variant of the two-in-three rule (``two_in_three="beyond_2_sigma"``) is pinned by hand-
worked cases of the rule as the MDC team announced it (NHSRplotthedots issue #194) and by the
count PROVENANCE.md gives for these fixtures (25 of 857 points relabelled, 7 of them from common
cause to special cause).
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from analysis import sources

M = importlib.import_module("analysis.stats.spc")  # the module (``analysis.stats.spc`` is the function)

FILES = ("inputs.csv", "series_meta.csv", "outputs.csv", "outputs_summary.csv")


def _read(name: str) -> pd.DataFrame:
    # empty cells are NA in the fixtures; nothing else is ("NA" never occurs as a value)
    return pd.read_csv(sources.resolve("reference_spc", name, download=False), keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def ref() -> dict[str, pd.DataFrame]:
    return {name: _read(name) for name in FILES}


def _series_ids() -> list[str]:
    return list(_read("series_meta.csv")["series_id"])


def _options(meta: pd.Series) -> dict:
    """The ``ptd_spc()`` options of one fixture series, as keyword arguments of :func:`spc`."""
    return {
        "improvement_direction": meta["improvement_direction"],
        "target": None if pd.isna(meta["target"]) else float(meta["target"]),
        "rebase": None if pd.isna(meta["rebase_dates"]) else str(meta["rebase_dates"]).split(";"),
        "fix_after_n_points": None if pd.isna(meta["fix_after_n_points"]) else int(meta["fix_after_n_points"]),
        "screen_outliers": bool(meta["screen_outliers"]),
    }


def _run(ref: dict, series_id: str, **overrides) -> M.SPCResult:
    meta = ref["series_meta.csv"].set_index("series_id").loc[series_id]
    inp = ref["inputs.csv"][ref["inputs.csv"]["series_id"] == series_id]
    return M.spc(inp["value"].to_numpy(), pd.to_datetime(inp["date"]), **(_options(meta) | overrides))


def _mismatches(ref: dict, series_id: str, res: M.SPCResult) -> list[str]:
    """Every difference between our result and the reference for one series, in words."""
    out = ref["outputs.csv"]
    o = out[out["series_id"] == series_id].reset_index(drop=True)
    p = res.points
    problems = []
    if len(o) != len(p) or (pd.to_datetime(o["date"]).to_numpy() != p["period"].to_numpy()).any():
        return [f"{series_id}: periods differ"]
    for theirs, ours in (("mean", "mean"), ("lpl", "lower_process_limit"), ("upl", "upper_process_limit")):
        bad = ~np.isclose(p[ours], o[theirs], rtol=1e-9, atol=0)
        if bad.any():
            problems.append(f"{series_id}: {ours} differs at {list(o.loc[bad, 'date'][:3])}")
    for col in (
        "outside_limits",
        "close_to_limits",
        "special_cause_flag",
        "short_group_warning",
        "relative_to_mean",
        "rebase_group",
        "special_cause_type",
        "point_type",
    ):
        theirs = o[col].to_numpy()
        bad = p[col].to_numpy() != theirs
        if bad.any():
            i = np.flatnonzero(bad)[:3]
            problems.append(
                f"{series_id}: {col} differs at {list(o['date'].iloc[i])}: "
                f"ours {list(p[col].iloc[i])}, reference {list(theirs[i])}"
            )
    # fix_y: the value where the point is among the first fix_after_n_points of its group
    bad = p["used_for_limits"].to_numpy() != o["fix_y"].notna().to_numpy()
    if bad.any():
        problems.append(f"{series_id}: used_for_limits differs at {list(o.loc[bad, 'date'][:3])}")

    summ = ref["outputs_summary.csv"]
    s = summ[summ["series_id"] == series_id].reset_index(drop=True)
    g = res.groups
    expected_assurance = s["series_assurance_type"].iloc[0]
    expected_assurance = None if pd.isna(expected_assurance) else expected_assurance
    if res.assurance != expected_assurance:
        problems.append(f"{series_id}: assurance {res.assurance}, reference {expected_assurance}")
    if res.variation != s["series_variation_icon"].iloc[0]:
        problems.append(f"{series_id}: variation icon {res.variation}, reference {s['series_variation_icon'].iloc[0]}")
    if len(g) != len(s):
        return problems + [f"{series_id}: {len(g)} rebase groups, reference {len(s)}"]
    for col in ("n", "common_cause", "special_cause_improvement", "special_cause_concern", "variation_type"):
        if list(g[col]) != list(s[col]):
            problems.append(f"{series_id}: group {col} {list(g[col])}, reference {list(s[col])}")
    for theirs, ours in (("mean", "mean"), ("lpl", "lower_process_limit"), ("upl", "upper_process_limit")):
        if not np.allclose(g[ours], s[theirs], rtol=1e-9, atol=0):
            problems.append(f"{series_id}: group {ours} differs")
    if pd.to_datetime(s["group_start"]).tolist() != list(g["start"]) or pd.to_datetime(s["group_end"]).tolist() != list(
        g["end"]
    ):
        problems.append(f"{series_id}: group start/end differ")
    # summary() gives the assurance of the last group only
    last = s["assurance_type"].iloc[-1]
    if (None if pd.isna(last) else last) != g["assurance"].iloc[-1]:
        problems.append(f"{series_id}: last group's assurance {g['assurance'].iloc[-1]}, reference {last}")
    return problems


# --------------------------------------------------------------------------------------------
# every fixture series, every point
# --------------------------------------------------------------------------------------------


def test_fixtures_cover_what_provenance_says(ref) -> None:
    assert len(ref["series_meta.csv"]) == 21
    assert len(ref["inputs.csv"]) == len(ref["outputs.csv"]) == 857


@pytest.mark.parametrize("series_id", _series_ids())
def test_spc_matches_nhsrplotthedots(ref, series_id: str) -> None:
    res = _run(ref, series_id)
    assert _mismatches(ref, series_id, res) == []


def test_fixture_readings_include_every_kind(ref) -> None:
    # the comparison above means something only if the fixtures hold each kind of reading
    summ = ref["outputs_summary.csv"]
    assert {"consistent_pass", "consistent_fail", "inconsistent"} <= set(summ["series_assurance_type"].dropna())
    assert {"common_cause", "improvement_high", "improvement_low", "concern_low"} <= set(summ["series_variation_icon"])
    labels = set(ref["outputs.csv"]["special_cause_type"])
    assert labels == {
        M.ABOVE_UCL,
        M.BELOW_LCL,
        M.TREND_UP,
        M.TREND_DOWN,
        M.TWO_IN_THREE_UP,
        M.TWO_IN_THREE_DOWN,
        M.RUN_UP,
        M.RUN_DOWN,
        M.COMMON_CAUSE,
    }


# --------------------------------------------------------------------------------------------
# mutation checks: change one rule, the comparison must fail
# --------------------------------------------------------------------------------------------


def _all_mismatches(ref) -> list[str]:
    return [m for sid in _series_ids() for m in _mismatches(ref, sid, _run(ref, sid))]


@pytest.mark.parametrize(
    "attribute, value",
    [
        ("SCREEN_LIMIT", 3.0),  # screening constant
        ("LIMIT", 3 / 1.128),  # the unrounded sigma constant
        ("NEAR_LIMIT", 2.0),  # the 2-sigma line
        ("SIGNAL_POINTS", 6),  # runs and trends of 6
        ("SHORT_GROUP_POINTS", 12),  # the documented "n < 12" instead of the code's 13
    ],
)
def test_changing_a_constant_breaks_the_comparison(ref, monkeypatch, attribute: str, value: float) -> None:
    monkeypatch.setattr(M, attribute, value)
    assert _all_mismatches(ref)


def test_counting_points_beyond_3_sigma_in_two_in_three_breaks_the_comparison(ref) -> None:
    problems = [
        m for sid in _series_ids() for m in _mismatches(ref, sid, _run(ref, sid, two_in_three="beyond_2_sigma"))
    ]
    assert any("special_cause_type" in m for m in problems)


def test_a_point_on_the_mean_not_breaking_runs_breaks_the_comparison(ref, monkeypatch) -> None:
    real = M._shift
    monkeypatch.setattr(M, "_shift", lambda rtm: real(np.where(rtm == 0, 1, rtm)))
    assert any("synthetic_edge_cases" in m for m in _all_mismatches(ref))


def test_not_screening_by_default_breaks_the_comparison(ref) -> None:
    problems = [m for sid in _series_ids() for m in _mismatches(ref, sid, _run(ref, sid, screen_outliers=False))]
    assert any("cwt_qpm_fds28: assurance" in m for m in problems)  # consistent_pass only when screened


# --------------------------------------------------------------------------------------------
# the MDC (2023) two-in-three rule, by hand
# --------------------------------------------------------------------------------------------

# Limits fixed on a 12-point baseline 12, 10, 12, ..., 10 (fix_after_n_points=12): mean 11, moving
# ranges all 2 -> AMR 2 (none screened: 2 < 3.267 x 2); process limits 11 -/+ 2.66 x 2 = 5.68 and
# 16.32; 2-sigma lines 11 -/+ (2 x 2.66 / 3) x 2 = 7.453333 and 14.546667. The baseline alternates
# about the mean, so it holds no signal, and ends below the mean, so no window of three that
# reaches back into it is all on one side; the points after it are judged against those limits.
FIXED = dict(fix_after_n_points=12)
BASELINE = [12.0, 10.0] * 6


def test_fixed_baseline_limits_by_hand() -> None:
    p = M.spc(BASELINE + [15.0], **FIXED).points
    assert p["mean"].iloc[-1] == pytest.approx(11.0)
    assert p["upper_process_limit"].iloc[-1] == pytest.approx(16.32)
    assert p["lower_process_limit"].iloc[-1] == pytest.approx(5.68)
    assert p["upper_near_limit"].iloc[-1] == pytest.approx(14.546667, abs=1e-6)
    assert p["used_for_limits"].tolist() == [True] * 12 + [False]
    assert p["close_to_limits"].tolist() == [False] * 12 + [True]  # 15 is in the 2-3 sigma band
    assert (p["special_cause_type"] == M.COMMON_CAUSE).all()


@pytest.mark.parametrize("rule", ["band", "beyond_2_sigma"])
def test_two_in_three_needs_all_three_on_one_side_by_hand(rule: str) -> None:
    # 15 (band), 17 (beyond the UPL), 10.5 (below the mean): not all above the mean, so no
    # two in three whichever points count
    p = M.spc(BASELINE + [15.0, 17.0, 10.5], two_in_three=rule, **FIXED).points
    assert list(p["special_cause_type"].iloc[-3:]) == [M.COMMON_CAUSE, M.ABOVE_UCL, M.COMMON_CAUSE]


def test_two_in_three_beyond_2_sigma_counts_a_point_beyond_the_limit_by_hand() -> None:
    # 15 (band), 17 (beyond the UPL), 12 (above the mean, inside 2 sigma). The reference counts
    # only band points: one of three, no signal. MDC since late 2023 (issue #194) counts every
    # point beyond 2 sigma: 15 and 17 are two of three, all three above the mean; 15 is flagged
    # "2 in 3", 17 keeps "Above UCL" (it comes first), and 12, not beyond 2 sigma itself, is not
    values = BASELINE + [15.0, 17.0, 12.0]
    band = M.spc(values, **FIXED).points
    assert list(band["special_cause_type"].iloc[-3:]) == [M.COMMON_CAUSE, M.ABOVE_UCL, M.COMMON_CAUSE]
    mdc = M.spc(values, two_in_three="beyond_2_sigma", **FIXED).points
    assert list(mdc["special_cause_type"].iloc[-3:]) == [M.TWO_IN_THREE_UP, M.ABOVE_UCL, M.COMMON_CAUSE]
    assert list(mdc["point_type"].iloc[-3:]) == ["special_cause_improvement"] * 2 + ["common_cause"]


def test_two_in_three_beyond_2_sigma_relabels_what_provenance_counts(ref) -> None:
    relabelled = to_special = 0
    for sid in _series_ids():
        a = _run(ref, sid).points["special_cause_type"]
        b = _run(ref, sid, two_in_three="beyond_2_sigma").points["special_cause_type"]
        changed = a != b
        relabelled += int(changed.sum())
        to_special += int((changed & (a == M.COMMON_CAUSE)).sum())
        # the variant only ever adds "2 in 3" labels
        assert b[changed].isin([M.TWO_IN_THREE_UP, M.TWO_IN_THREE_DOWN]).all()
    assert (relabelled, to_special) == (25, 7)


# --------------------------------------------------------------------------------------------
# the chart (analysis.figures.plot_spc)
# --------------------------------------------------------------------------------------------


def test_plot_spc_draws_groups_points_target_and_readings() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from analysis import figures

    months = pd.date_range("2023-01-01", periods=30, freq="MS")
    # from the recalculation point: 8 points below the group's mean then 7 above it, two runs
    values = BASELINE + [15.0, 12.0, 15.0] + [30.0, 31.0] * 4 + [33.0, 34.0, 33.0, 34.0, 33.0, 34.0, 33.0]
    values[5] = np.nan  # a suppressed month: a gap in the chart
    res = M.spc(values, months, target=20.0, rebase=months[15], missing="drop")
    chart = figures.plot_spc(res, title="Test", ylabel="Value")
    try:
        assert chart.figure is chart.ax.figure
        assert chart.variation_text == res.variation_text and chart.assurance_text == res.assurance_text
        assert list(chart.data.columns) == [
            "date",
            "value",
            "rebase_group",
            "mean",
            "lower_process_limit",
            "upper_process_limit",
            "special_cause_type",
            "point_type",
            "marked_as",
            "target",
        ]
        assert len(chart.data) == 30 and chart.data.loc[5, "marked_as"] == "No value"
        counts = chart.data["marked_as"].value_counts()
        # one scatter per kind of point, in its house colour and with as many points as the table says
        scatters = {c.get_label(): c for c in chart.ax.collections}
        assert set(scatters) == set(counts.index) - {"No value"}
        for label, coll in scatters.items():
            assert len(coll.get_offsets()) == counts[label]
            kind = next(k for k, v in figures.SPC.items() if v["label"] == label)
            assert to_hex(coll.get_facecolor()[0]) == to_hex(figures.SPC[kind]["colour"])
        # mean and limits per rebase group (separate lines, so a break between groups), a dotted
        # line at the recalculation point, the target line
        lines = chart.ax.get_lines()
        means = [ln for ln in lines if ln.get_linestyle() == "-" and ln.get_color() == figures.NHS_BLACK]
        assert len(means) == 2 and [np.unique(ln.get_ydata()).size for ln in means] == [1, 1]
        vlines = [ln for ln in lines if len(set(ln.get_xdata())) == 1 and ln.get_linestyle() == ":"]
        assert len(vlines) == 1
        hlines = [ln for ln in lines if list(ln.get_ydata()) == [20.0, 20.0]]
        assert len(hlines) == 1 and hlines[0].get_color() == figures.NHS_RED
        legend = [t.get_text() for t in chart.ax.get_legend().get_texts()]
        assert "Mean" in legend and "Target" in legend and "Special cause: improvement" in legend
    finally:
        plt.close(chart.figure)


def test_plot_spc_marks_a_neutral_measure_with_purple_diamonds() -> None:
    import matplotlib.pyplot as plt

    from analysis import figures

    res = M.spc(BASELINE + [17.0], improvement_direction="neutral", **FIXED)
    fig, ax = plt.subplots()
    chart = figures.plot_spc(res, ax=ax)
    try:
        assert chart.ax is ax and ax.get_legend() is None  # on a given axes no legend unless asked
        labels = {c.get_label() for c in ax.collections}
        assert labels == {"Common cause", "Special cause: neither improvement nor concern"}
        assert chart.data["marked_as"].iloc[-1] == figures.SPC["neutral"]["label"]
        assert chart.assurance_text is None
    finally:
        plt.close(fig)
