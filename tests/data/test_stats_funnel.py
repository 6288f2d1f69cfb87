"""Overdispersed funnel plots against NHS-R FunnelPlotR 0.6.0, plus input checks, words and chart.

Fixtures: ``reference_funnel`` (resolved through :mod:`analysis.sources`, pinned by sha256 in
``data/sources.yml``): what FunnelPlotR returned for 10 real NHS datasets, 90 runs (dataset x
setting). Its PROVENANCE.md lists the package's quirks. Three are not copied, and the cases they
touch are compared differently or left out, each listed below and each checked to be exactly
what PROVENANCE says:

1. ``phi`` and ``tau2`` are reported as 0 when ``draw_adjusted = FALSE`` (surprise 1). We report
   the estimates: in the ``unadj_*`` runs phi is compared with ``phi_from_z_winsorised_derived``
   and tau2, the adjusted limits and ``z_adjusted`` with the same dataset's ``adj_trim0.10`` run.
2. CQC limits are not squared back from the square-root scale (surprise 3). Ours are: our CQC
   adjusted limits are compared with the square of the package's, and our CQC adjusted flags
   with ``|z_adjusted_derived| > z``; the flags then differ from the package's for exactly the
   numbers of units ``checks.txt`` reports (``CQC_FLAG_DIFFERENCES``).
3. Arcsine limits that pass 0 are set to 0 (surprise 4); the package's neighbour rule misses
   the largest denominator. The 8 limit values and 2 flags in ``FOLD_LIMITS`` / ``FOLD_FLAGS``
   are left out of the comparison, and checked to be 0 here and above 0 in the package.

Tolerance: values are compared to a relative 1e-10 (absolute 1e-12 for values near 0). The
fixtures carry 15 significant digits (rounding <= 5e-16 relative) and this implementation
agrees to about 5e-15; 1e-10 leaves room for another libm or scipy quantile routine, while any
change of formula moves values by far more (no winsorisation changes phi by a factor of 2-50;
1.96 for 1.959964 moves limits by about 1e-5). ``test_changed_formula_fails_the_comparison``
shows that such changes fail.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import figures, sources
from analysis import stats as S
from analysis.sources import DataSourceError
from analysis.stats import StatsInputError
from analysis.stats import funnel as funnel_module

DATASET = "reference_funnel"
RTOL, ATOL = 1e-10, 1e-12
ZCRIT = {95: 1.959964, 99: 3.090232}  # FunnelPlotR's constants; its limit 99 means 99.8%
TAG = {95: "95", 99: "99_8"}
LIMIT_COLS = {
    f"{side}_{tag}": f"{fix}{lev}"
    for side, fix in (("lower", "lcl"), ("upper", "ucl"))
    for tag, lev in (("95", "95"), ("99_8", "998"))
}
COC, SMOKING_PROVIDER = "msds_coc_by_28weeks_lmns_202504", "msds_smoking_delivery_provider_202504"

#: Surprise 4: (dataset, run whose package value is compared, unit or grid denominator, column).
FOLD_LIMITS = {
    (COC, "adj_trim0.10_lim95", "QOP", "lcl998_adj"),
    (COC, "adj_trim0.10_lim99.8", "QOP", "lcl998_adj"),
    (COC, "adj_trim0.05_lim95", "QOP", "lcl998_adj"),
    (COC, "adj_trim0.05_lim99.8", "QOP", "lcl998_adj"),
    (COC, "adj_trim0.20_lim95", "QOP", "lcl998_adj"),
    (COC, "adj_trim0.20_lim99.8", "QOP", "lcl998_adj"),
    (SMOKING_PROVIDER, "adj_trim0.10_lim95", 17.7, "lcl95_adj"),
    (SMOKING_PROVIDER, "adj_trim0.10_lim99.8", 17.7, "lcl95_adj"),
}
#: Surprise 4: QOP (rate 0.031, z_adjusted -1.28) is a low outlier only through the folded limit.
FOLD_FLAGS = {(COC, "adj_trim0.10_lim99.8", "QOP"), (COC, "adj_trim0.05_lim99.8", "QOP")}
#: Surprise 3: units whose package CQC flag disagrees with its own z-score (checks.txt).
CQC_FLAG_DIFFERENCES = {
    "cqc_adj_trim0.10_lim95": 38,
    "cqc_adj_trim0.10_lim99.8": 24,
    "cqc_adj_trim0.05_lim95": 39,
    "cqc_adj_trim0.05_lim99.8": 17,
    "cqc_adj_trim0.20_lim95": 39,
    "cqc_adj_trim0.20_lim99.8": 35,
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(sources.resolve(DATASET, name, download=False))


def _runs() -> list:
    # collected at import so that each run is its own test; a missing fixture fails (never skips)
    try:
        summary = _read("outputs_summary.csv")
    except DataSourceError:
        return [pytest.param(None, None, id="fixtures-missing")]  # the ref fixture then fails
    return [pytest.param(d, s, id=f"{d}/{s}") for d, s in zip(summary["dataset_id"], summary["setting_id"])]


RUNS = _runs()


@pytest.fixture(scope="module")
def ref() -> dict[str, pd.DataFrame]:
    try:
        frames = {
            n: _read(f"{n}.csv")
            for n in ("inputs", "datasets_meta", "outputs_summary", "outputs_units", "outputs_limits")
        }
    except DataSourceError as exc:
        pytest.fail(f"reference_funnel fixtures not found: {exc}")
    frames["datasets_meta"] = frames["datasets_meta"].set_index("dataset_id")
    frames["outputs_summary"] = frames["outputs_summary"].set_index(["dataset_id", "setting_id"])
    return frames


def test_fixtures_hold_90_runs_and_744_units(ref) -> None:
    assert len(RUNS) == 90 and len(ref["outputs_summary"]) == 90
    assert len(ref["inputs"]) == 744 and len(ref["outputs_units"]) == 6884


def run_funnel(ref, dataset: str, setting: str) -> pd.DataFrame:
    run = ref["outputs_summary"].loc[(dataset, setting)]
    data = ref["inputs"][ref["inputs"]["dataset_id"] == dataset]
    return S.funnel_overdispersed(
        data,
        "numerator",
        ref["datasets_meta"].loc[dataset, "funnel_denominator_column"],
        data_type="proportion" if run["data_type"] == "PR" else "ratio",
        sr_method=run["sr_method"] if isinstance(run["sr_method"], str) else "SHMI",
        trim_by=float(run["trim_by"]),
        adjust=bool(run["draw_adjusted_arg"]),
        multiplier=float(run["multiplier"]),
    )


def _companion(ref, dataset: str, setting: str) -> str:
    """The run whose tau2 we report: itself, or for an unadjusted run (where the package returns
    tau2 = 0) the adjusted run with the same method, trim_by 0.10 and multiplier."""
    summary = ref["outputs_summary"]
    run = summary.loc[(dataset, setting)]
    if run["draw_adjusted_arg"]:
        return setting
    part = summary.loc[dataset]
    same = part[
        part["draw_adjusted_arg"]
        & (part["trim_by"] == 0.1)
        & (part["multiplier"] == run["multiplier"])
        & (part["sr_method"].fillna("") == ("" if pd.isna(run["sr_method"]) else run["sr_method"]))
    ]
    return same.index[0]


def _close(actual, expected, what: str) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype="float64"),
        np.asarray(expected, dtype="float64"),
        rtol=RTOL,
        atol=ATOL,
        equal_nan=True,
        err_msg=what,
    )


def _compare_limits(
    mine: pd.DataFrame,
    theirs: pd.DataFrame,
    key: list,
    dataset: str,
    setting: str,
    kind: str,
    cqc: bool,
    mult: float,
    where: str,
) -> None:
    """Compare our limits with the package's rows ``theirs`` (aligned), leaving out FOLD_LIMITS."""
    for ours, col in LIMIT_COLS.items():
        fcol = f"{col}_{'adj' if kind == 'adjusted' else 'unadj'}"
        expected = theirs[fcol].to_numpy(dtype="float64")
        if cqc and kind == "adjusted":
            expected = np.maximum(expected / mult, 0.0) ** 2 * mult  # surprise 3: squared back
        got = mine[f"{ours}_{kind}"].to_numpy(dtype="float64")
        folded = np.array([(dataset, setting, k, fcol) in FOLD_LIMITS for k in key])
        for k, g, e in zip(np.asarray(key)[folded], got[folded], expected[folded]):
            assert g == 0.0 and e > 0, f"{where} {k} {fcol}: listed fold quirk, expected 0 here and >0 in the package"
        _close(got[~folded], expected[~folded], f"{where} {ours}_{kind}")


def check_run(ref, dataset: str, setting: str) -> None:
    """Every returned value of one FunnelPlotR run, reproduced (quirks as the module docstring says)."""
    run = ref["outputs_summary"].loc[(dataset, setting)]
    comp = _companion(ref, dataset, setting)
    comp_run = ref["outputs_summary"].loc[(dataset, comp)]
    units = ref["outputs_units"]
    mult = float(run["multiplier"])
    cqc = run["sr_method"] == "CQC"
    res = run_funnel(ref, dataset, setting)
    codes = res["unit_code"].tolist()

    def rows(s: str) -> pd.DataFrame:
        u = units[(units["dataset_id"] == dataset) & (units["setting_id"] == s)].set_index("unit_code")
        assert len(u) == len(codes)
        return u.loc[codes]

    u, uc = rows(setting), rows(comp)
    where = f"{dataset}/{setting}"

    # target, transformed scores, damping
    _close(res.attrs["target_unscaled"], run["target"], f"{where} target")
    _close(res["value"], u["value_scaled"], f"{where} value")
    _close(res["z"], u["z"], f"{where} z")
    assert (res["trimmed"].astype(int).to_numpy() == u["trimmed"].to_numpy()).all(), f"{where} trimmed"
    _close(res["z_winsorised"], u["z_winsorised"], f"{where} z_winsorised")
    assert res["trimmed"].sum() == run["n_trimmed"] and res.attrs["n_used"] == run["n_used_for_phi"]

    # phi and tau2 (surprise 1: the package reports 0 for both in unadjusted runs)
    _close(res.attrs["phi"], run["phi_from_z_winsorised_derived"], f"{where} phi")
    _close(res["phi"], run["phi_from_z_winsorised_derived"], f"{where} phi column")
    if run["draw_adjusted_arg"]:
        _close(res.attrs["phi"], run["phi"], f"{where} phi as returned")
    else:
        assert run["phi"] == 0 and run["tau2"] == 0, f"{where}: surprise 1 is not as listed"
    _close(res.attrs["tau2"], comp_run["tau2"], f"{where} tau2")
    _close(res["z_adjusted"], uc["z_adjusted_derived"], f"{where} z_adjusted")

    # limits at each unit's denominator
    _compare_limits(res, u, codes, dataset, setting, "unadjusted", cqc, mult, where)
    _compare_limits(res, uc, codes, dataset, comp, "adjusted", cqc, mult, where)

    # which limits, and the outlier flags at this run's level
    adjusted_used = bool(run["draw_adjusted_returned"])
    assert (res["limits_used"] == ("adjusted" if adjusted_used else "unadjusted")).all(), f"{where} limits_used"
    assert res.attrs["limits_used"] == res["limits_used"].iloc[0]
    level = int(run["limit_arg"])
    mine = res[f"outlier_{TAG[level]}"].to_numpy()
    package = u["outlier"].to_numpy() == 1
    differ = {(dataset, setting, c) for c, m, p in zip(codes, mine, package) if m != p}
    if cqc and adjusted_used:
        by_z = np.abs(u["z_adjusted_derived"].to_numpy()) > ZCRIT[level]
        assert (mine == by_z).all(), f"{where}: CQC flags should follow |z_adjusted| > z"
        assert len(differ) == CQC_FLAG_DIFFERENCES[setting], f"{where}: CQC flag differences"
    else:
        assert differ == {f for f in FOLD_FLAGS if f[1] == setting and f[0] == dataset}, (
            f"{where}: flags differ from the package for {sorted(differ)}"
        )
    assert int(run["n_outliers"]) == int(package.sum())

    # limit curves over the package's grid of denominators
    grid = ref["outputs_limits"]
    g = grid[(grid["dataset_id"] == dataset) & (grid["setting_id"] == setting)].reset_index(drop=True)
    gc = grid[(grid["dataset_id"] == dataset) & (grid["setting_id"] == comp)].set_index("denominator")
    gc = gc.loc[g["denominator"]].reset_index()
    curves = S.funnel_limit_curves(res, g["denominator"].to_numpy())
    _close(curves["target"], g["target_scaled"], f"{where} curve target")
    _close(curves["denominator"], g["denominator"], f"{where} curve denominators")
    _compare_limits(curves, g, g["denominator"].tolist(), dataset, setting, "unadjusted", cqc, mult, f"{where} curve")
    _compare_limits(curves, gc, gc["denominator"].tolist(), dataset, comp, "adjusted", cqc, mult, f"{where} curve")
    kind = res.attrs["limits_used"]
    for ours in LIMIT_COLS:
        _close(curves[f"{ours}_limit"], curves[f"{ours}_{kind}"], f"{where} curve {ours}_limit")


@pytest.mark.parametrize("dataset, setting", RUNS)
def test_reproduces_funnelplotr_run(ref, dataset: str, setting: str) -> None:
    check_run(ref, dataset, setting)


def test_every_listed_quirk_occurs(ref) -> None:
    """The exclusion lists name real runs, units and grid points (none is stale or a typo)."""
    units, grid = ref["outputs_units"], ref["outputs_limits"]
    for ds, st, key, col in FOLD_LIMITS:
        if isinstance(key, str):
            hit = units[(units["dataset_id"] == ds) & (units["setting_id"] == st) & (units["unit_code"] == key)]
        else:
            hit = grid[(grid["dataset_id"] == ds) & (grid["setting_id"] == st) & (grid["denominator"] == key)]
        assert len(hit) == 1 and float(hit[col].iloc[0]) > 0, (ds, st, key, col)
    for ds, st, code in FOLD_FLAGS:
        hit = units[(units["dataset_id"] == ds) & (units["setting_id"] == st) & (units["unit_code"] == code)]
        assert hit["outlier"].tolist() == [1] and hit["outlier_direction"].tolist() == ["low"]
    summary = ref["outputs_summary"]
    assert set(CQC_FLAG_DIFFERENCES) == set(
        summary.loc["dementia_ddr65_subicb_202501_sr"].query("sr_method == 'CQC' and draw_adjusted_arg").index
    )


def _mutate_no_winsorisation(z, trim_by):
    return np.zeros(len(z), dtype=bool), z


def _mutate_winsorise_shmi(z, trim_by):
    return funnel_module._winsorise(z, trim_by)


def _mutate_tau2_plain_weights(z_used, s_used):
    n, phi, w = len(z_used), float(np.mean(z_used**2)), 1 / s_used**2
    return phi, max(0.0, (n * phi - (n - 1)) / w.sum())


_od_limits = funnel_module._od_limits


def _mutate_cqc_unsquared(den, target, tau2, data_type, sr_method, multiplier):
    """FunnelPlotR 0.6.0's CQC limits: left on the square-root scale (surprise 3)."""
    out = _od_limits(den, target, tau2, data_type, sr_method, multiplier)
    if data_type == "ratio" and sr_method == "CQC":
        for k in [k for k in out if k.endswith("_adjusted")]:
            out[k] = np.sqrt(out[k] / multiplier) * multiplier
    return out


@pytest.mark.parametrize(
    "attribute, replacement, dataset, setting",
    [
        ("_winsorise", _mutate_no_winsorisation, "qof_hyp008_icb_2425", "adj_trim0.10_lim95"),
        ("_winsorise", _mutate_no_winsorisation, "dementia_ddr65_subicb_202501_sr", "cqc_adj_trim0.10_lim95"),
        ("_truncate", _mutate_winsorise_shmi, "dementia_ddr65_subicb_202501_sr", "shmi_adj_trim0.10_lim95"),
        ("_dispersion", _mutate_tau2_plain_weights, "cwt_fds28_icb_202603", "adj_trim0.10_lim99.8"),
        ("FUNNEL_LEVELS", {0.95: 1.96, 0.998: 3.09}, "qof_hyp008_icb_2425", "unadj_lim95"),
        ("_od_limits", _mutate_cqc_unsquared, "dementia_ddr65_subicb_202501_sr", "cqc_adj_trim0.10_lim95"),
    ],
    ids=[
        "no-winsorisation",
        "no-winsorisation-cqc",
        "shmi-winsorised-not-truncated",
        "tau2-weights",
        "rounded-z",
        "cqc-limits-not-squared",
    ],
)
def test_changed_formula_fails_the_comparison(ref, monkeypatch, attribute, replacement, dataset, setting) -> None:
    check_run(ref, dataset, setting)  # passes as written
    monkeypatch.setattr(funnel_module, attribute, replacement)
    with pytest.raises(AssertionError):
        check_run(ref, dataset, setting)


# --------------------------------------------------------------------------------------------
# fall-back and settings, on the real datasets
# --------------------------------------------------------------------------------------------


def test_fallback_to_unadjusted_limits_is_visible(ref) -> None:
    res = run_funnel(ref, "msds_vbac_provider_202504", "adj_trim0.10_lim95")
    assert res.attrs["phi"] < 1 and (res["limits_used"] == "unadjusted").all()
    assert "no overdispersion" in res.attrs["limits_note"]
    _close(res["lower_95_limit"], res["lower_95_unadjusted"], "fall-back limits")
    overdispersed = run_funnel(ref, "msds_vbac_provider_202504", "adj_trim0.05_lim95")
    assert overdispersed.attrs["phi"] > 1 and (overdispersed["limits_used"] == "adjusted").all()
    _close(overdispersed["upper_99_8_limit"], overdispersed["upper_99_8_adjusted"], "adjusted limits")


def test_adjusted_limits_contain_the_unadjusted_and_adjust_false_keeps_estimates(ref) -> None:
    res = run_funnel(ref, "qof_hyp008_icb_2425", "adj_trim0.10_lim95")
    assert (res["lower_99_8_adjusted"] < res["lower_99_8_unadjusted"]).all()
    assert (res["upper_99_8_adjusted"] > res["upper_99_8_unadjusted"]).all()
    assert (res["lower_99_8_limit"] <= res["lower_95_limit"]).all()
    plain = run_funnel(ref, "qof_hyp008_icb_2425", "unadj_lim95")
    assert plain.attrs["adjust"] is False and plain.attrs["limits_used"] == "unadjusted"
    assert plain.attrs["tau2"] == res.attrs["tau2"] > 0
    # the unadjusted funnel flags far more ICBs: the point of the adjustment
    assert plain["outlier_99_8"].sum() > 3 * res["outlier_99_8"].sum()


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _units(n: int = 12) -> pd.DataFrame:
    den = np.linspace(200, 2000, n)
    return pd.DataFrame({"unit": [f"u{i}" for i in range(n)], "num": np.round(den * 0.3), "den": den})


@pytest.mark.parametrize(
    "data, kwargs, message",
    [
        (_units().assign(den=0.0), {}, "'den' .*greater than zero"),
        (_units().assign(den=-5.0), {}, "'den' .*greater than zero"),
        (_units().assign(num=-1.0), {}, "'num' .*must not be negative"),
        (_units().assign(num=np.nan), {}, "'num' .*missing"),
        (_units().assign(den=[np.nan] + [100.0] * 11), {}, "'den' .*1 missing"),
        (_units().assign(num=lambda d: d["den"] + 1), {}, "numerator 'num' exceeds denominator 'den' in 12"),
        (_units().assign(num="5"), {}, "'num' .*must be numeric"),
        (_units().drop(columns="den"), {}, "'den' not found"),
        (_units().iloc[0:0], {}, "empty"),
        (_units().iloc[0:1], {}, "only 1 of 1 unit"),
        (_units(2), {"data_type": "ratio", "trim_by": 0.45}, "only 1 of 2 unit.*smaller trim_by"),
        (_units().assign(num=0.0), {"data_type": "ratio"}, "is 0 in 12 row.*sr_method='CQC'"),
        (_units(), {"data_type": "rate"}, "data_type must be 'proportion'"),
        (_units(), {"data_type": "ratio", "sr_method": "shmi"}, "sr_method must be 'SHMI'"),
        (_units(), {"trim_by": 0}, "trim_by must be"),
        (_units(), {"trim_by": 0.5}, "trim_by must be"),
        (_units(), {"trim_by": "0.1"}, "trim_by must be"),
        (_units(), {"adjust": "yes"}, "adjust must be True or False"),
        (_units(), {"multiplier": -100}, "multiplier"),
    ],
)
def test_bad_input_gives_clear_errors(data: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(StatsInputError, match=message) as info:
        S.funnel_overdispersed(data, "num", "den", **kwargs)
    assert str(info.value).startswith("funnel_overdispersed: ")


def test_ratio_with_zero_observed_works_with_cqc() -> None:
    data = _units().assign(num=lambda d: np.round(d["den"] * (1 + 0.05 * np.sin(d.index))))
    data.loc[0, "num"] = 0.0  # observed 0 against 200 expected: far below
    res = S.funnel_overdispersed(data, "num", "den", data_type="ratio", sr_method="CQC")
    assert np.isfinite(res["z"]).all() and res.loc[0, "outlier_99_8"] and res["outlier_99_8"].sum() == 1
    assert res.loc[0, "lower_99_8_limit"] > 0 and res.loc[0, "value"] == 0


def test_limit_curves_need_the_result_and_positive_denominators(ref) -> None:
    res = run_funnel(ref, "cwt_fds28_icb_202603", "adj_trim0.10_lim95")
    curves = S.funnel_limit_curves(res)
    den = res["denominator"]
    assert len(curves) == 200 and curves["denominator"].min() < den.min() and curves["denominator"].max() > den.max()
    at_units = S.funnel_limit_curves(res, den.to_numpy())
    _close(at_units["upper_99_8_limit"], res["upper_99_8_limit"], "curves at the units' denominators")
    with pytest.raises(StatsInputError, match="returned by funnel_overdispersed"):
        S.funnel_limit_curves(pd.DataFrame(res))  # a plain copy has no attrs
    with pytest.raises(StatsInputError, match="greater than zero"):
        S.funnel_limit_curves(res, [0, 10])
    with pytest.raises(StatsInputError, match="n_points"):
        S.funnel_limit_curves(res, n_points=1)


# --------------------------------------------------------------------------------------------
# words for sentences
# --------------------------------------------------------------------------------------------


def test_funnel_position_words_name_the_limits(ref) -> None:
    res = run_funnel(ref, "qof_hyp008_icb_2425", "adj_trim0.10_lim95")
    within = S.funnel_position(res, "QGH", unit_column="unit_code")
    assert (within.code, within.words) == ("within", "within the 99.8% limits (adjusted for overdispersion)")
    assert not within.outside and within.lower < within.value < within.upper
    low_units = res.loc[res["value"] < res["lower_99_8_limit"], "unit_code"]
    assert len(low_units) == 2
    low = S.funnel_position(res, low_units.iloc[0], unit_column="unit_code")
    assert (low.code, low.words) == ("low", "below the lower 99.8% limit (adjusted for overdispersion)")
    assert low.outside and low.limits_used == "adjusted"
    high_unit = res.loc[res["value"].idxmax(), "unit_code"]
    high95 = S.funnel_position(res, high_unit, unit_column="unit_code", level=0.95)
    assert (high95.code, high95.words) == ("high", "above the upper 95% limit (adjusted for overdispersion)")
    by_index = S.funnel_position(res.set_index("unit_code"), "QGH")
    assert by_index == within


def test_funnel_position_says_when_no_overdispersion_was_found(ref) -> None:
    res = run_funnel(ref, "msds_vbac_provider_202504", "adj_trim0.10_lim95")
    pos = S.funnel_position(res, res["unit_code"].iloc[0], unit_column="unit_code")
    assert pos.limits_used == "unadjusted"
    assert pos.words.endswith("(not adjusted: no overdispersion found, phi = 0.96)")


def test_funnel_position_refuses_unadjusted_limits_on_overdispersed_data(ref) -> None:
    plain = run_funnel(ref, "qof_hyp008_icb_2425", "unadj_lim95")
    # QGH is outside the unadjusted limits: exactly the sentence this refusal prevents
    assert plain.set_index("unit_code").loc["QGH", "outlier_99_8"]
    with pytest.raises(StatsInputError, match="not adjusted although the data are overdispersed"):
        S.funnel_position(plain, "QGH", unit_column="unit_code")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"unit": "XXX", "unit_column": "unit_code"}, "'XXX' not found in column 'unit_code'"),
        ({"unit": "QGH", "unit_column": "nope"}, "'nope' not found"),
        ({"unit": "QGH"}, "not an index label"),
        ({"unit": "QGH", "unit_column": "unit_code", "level": 0.99}, "level must be 0.95 or 0.998"),
    ],
)
def test_funnel_position_errors(ref, kwargs: dict, message: str) -> None:
    res = run_funnel(ref, "qof_hyp008_icb_2425", "adj_trim0.10_lim95")
    with pytest.raises(StatsInputError, match=message):
        S.funnel_position(res, **kwargs)


# --------------------------------------------------------------------------------------------
# chart
# --------------------------------------------------------------------------------------------


def test_funnel_chart_draws_readable_axes_and_returns_what_is_drawn(ref) -> None:
    res = run_funnel(ref, "qof_hyp_prevalence_icb_2425", "adj_trim0.10_lim99.8")
    fig, data = figures.funnel_chart(
        res,
        unit_column="unit_code",
        highlight="QGH",
        label_column="unit_name",
        title="Hypertension prevalence",
        ylabel="Prevalence",
    )
    ax = fig.axes[0]
    fig.canvas.draw()
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(xlabels) >= 3 and all(lab[-1] in "km" or lab.replace(",", "").isdigit() for lab in xlabels), xlabels
    assert not any("10^" in lab or "\\times" in lab or "e+" in lab for lab in xlabels)
    assert "Herefordshire and Worcestershire" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "99.8% limits (adjusted for overdispersion)" in legend
    assert "99.8% limits without the adjustment" in legend
    points = data[data["series"].isin(["unit", "highlighted unit"])]
    assert len(points) == 42 and points.loc[points["series"] == "highlighted unit", "unit"].tolist() == ["QGH"]
    assert set(points["position"]) <= {"high", "low", "within"}
    upper = data[data["series"] == "99.8% upper limit (adjusted for overdispersion)"]
    assert len(upper) == 200 and (upper["value"] > res.attrs["target"]).all()
    plt.close(fig)


def test_funnel_chart_percent_axis_and_bad_highlight(ref) -> None:
    res = run_funnel(ref, "qof_hyp008_icb_2425", "adj_trim0.10_lim99.8_mult100")
    fig, _ = figures.funnel_chart(res, unit_column="unit_code", highlight=["QGH", "QHL"])
    fig.canvas.draw()
    assert all(t.get_text().endswith("%") for t in fig.axes[0].get_yticklabels() if t.get_text())
    plt.close(fig)
    with pytest.raises(ValueError, match=r"highlight \['ZZZ'\] not found"):
        figures.funnel_chart(res, unit_column="unit_code", highlight="ZZZ")


@pytest.mark.parametrize(
    "x, text", [(950, "950"), (1500, "1.5k"), (20_000, "20k"), (2_500_000, "2.5m"), (1_000_000, "1m"), (0.5, "0.5")]
)
def test_compact_number(x: float, text: str) -> None:
    assert figures.compact_number(x) == text
