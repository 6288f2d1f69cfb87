"""Waiting lists chapter (issue 6): loaders on the real files, figures against the sources and
NHS England's published numbers, suppression, and builds for three contrasting ICBs."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import geography
from analysis.chapters import waiting_lists as wl
from analysis.load import waiting

ICBS_TO_BUILD = ["QGH", "QHL", "QXU"]


# ----------------------------------------------------------------------------- loaders

def test_rtt_incomplete_schema_and_shape():
    df = waiting.rtt_incomplete()
    for c in ["level", "org_code", "org_name", "month", "total_waiting", "within_18_weeks", "pct_within_18_weeks",
              "over_52_weeks", "over_65_weeks", "over_78_weeks", "over_104_weeks", "after_series_break"]:
        assert c in df.columns
    assert set(df["level"]) == {"national", "icb", "provider"}
    assert df["month"].min() == pd.Timestamp("2022-04-01") and df["month"].max() == pd.Timestamp("2026-04-01")
    assert df.loc[df["level"] == "national", "month"].nunique() == 49
    assert df["pct_within_18_weeks"].between(0, 100).all()  # 0-100 scale, recomputed from counts
    assert not df.duplicated(["level", "org_code", "month"]).any()
    assert (df["after_series_break"] == (df["month"] >= pd.Timestamp("2024-02-01"))).all()


def test_rtt_values_match_provenance_sample():
    df = waiting.rtt_incomplete().set_index(["level", "org_code", "month"])
    qgh = df.loc[("icb", "QGH", pd.Timestamp("2025-03-01"))]
    assert qgh["total_waiting"] == 93252 and qgh["over_52_weeks"] == 1708
    assert round(qgh["pct_within_18_weeks"], 1) == 59.0
    assert df.loc[("provider", "RWP", pd.Timestamp("2025-03-01")), "total_waiting"] == 55410
    assert df.loc[("provider", "RLQ", pd.Timestamp("2025-03-01")), "total_waiting"] == 23209
    eng = df.loc[("national", "ENG", pd.Timestamp("2023-04-01"))]
    assert eng["total_waiting"] == 7415352 and round(eng["pct_within_18_weeks"], 1) == 58.3


def test_rtt_england_matches_nhs_england_national_series_every_month():
    ours = waiting.rtt_england()
    nat = waiting.rtt_national_timeseries()
    m = ours.merge(nat, on="month", suffixes=("", "_nat"), validate="one_to_one")
    assert len(m) == 45 - 1  # April 2022 to December 2025
    for c in ["total_waiting", "within_18_weeks", "over_52_weeks", "over_65_weeks", "over_78_weeks", "over_104_weeks"]:
        assert (m[c] == m[f"{c}_nat"]).all(), c
    assert np.allclose(m["pct_within_18_weeks"], m["pct_within_18_weeks_published"], atol=1e-6)


def test_merged_icbs_2026():
    merged = waiting.merged_icbs_2026()
    assert set(merged) == {"D7T5G", "S0E4D", "S1Y5D", "S9B9J", "T6Y0W", "Z9B2Z"}
    assert "QXU" in merged["S9B9J"] and all("QGH" not in v for v in merged.values())
    st = waiting.rtt_icb_status("QXU")
    assert st["closed"] and st["last_month"] == pd.Timestamp("2026-03-01") and st["successor_codes"] == ("S9B9J",)
    assert not waiting.rtt_icb_status("QGH")["closed"]


def test_wlmds_schema_and_published_england_figures():
    w = waiting.wlmds("imd_decile")
    eng = w[(w["org_code"] == "ENG") & (w["org_type"] == "ALL")].set_index("imd_decile")
    assert list(eng.index) == list(range(1, 11))
    # the check: England, week ending 25 January 2026, decile 1 59.1%, decile 10 61.0%
    assert round(eng.loc[1, "published_pct_within_18_weeks"], 1) == 59.1
    assert round(eng.loc[10, "published_pct_within_18_weeks"], 1) == 61.0
    view = wl.wlmds_view("QGH", "imd_decile")
    e = view[view["level"] == "England"].set_index("imd_decile")
    assert round(e.loc[1, "pct_within_18_weeks"], 1) == 59.1 and round(e.loc[10, "pct_within_18_weeks"], 1) == 61.0
    # computed percentages equal the published ones wherever both exist
    full = waiting.wlmds()
    ok = full["published_pct_within_18_weeks"].notna() & full["within_18_weeks"].notna()
    calc = 100 * full.loc[ok, "within_18_weeks"] / full.loc[ok, "total_waiting"]
    assert np.allclose(calc, full.loc[ok, "published_pct_within_18_weeks"], atol=1e-9)
    per_dim = full.groupby("dimension")["org_code"].nunique()
    assert (per_dim == 184).all()  # ENG + 7 regions + 42 ICBs + 134 acute trusts


def test_wlmds_matches_raw_workbook_cells(mirror):
    import openpyxl

    wb = openpyxl.load_workbook(mirror / "wlmds_deprivation" / "WLMDS-Demographics-Summary-to-25-January-2025-v1.xlsx",
                                read_only=True, data_only=True)
    ws = wb["Provider-Deprivation"]
    raw = {}
    for row in ws.iter_rows(min_row=15, values_only=True):
        if row[1] and row[3]:
            raw[(row[1], row[3])] = row
    w = waiting.wlmds("imd_decile").set_index(["org_code", "org_type", "imd_decile"])
    for code, typ in [("ENG", "ALL"), ("QGH", "INTEGRATED CARE BOARD"), ("RWP", "ACUTE TRUST"), ("RLQ", "ACUTE TRUST")]:
        r = raw[(code, typ)]
        for d in (1, 10):
            total, within18, over52 = r[4 + 7 * (d - 1)], r[5 + 7 * (d - 1)], r[7 + 7 * (d - 1)]
            ours = w.loc[(code, typ, d)]
            assert ours["total_waiting"] == total and ours["within_18_weeks"] == within18
            if over52 == "*":
                assert math.isnan(ours["over_52_weeks"]) and ours["over_52_weeks_suppressed"]
            else:
                assert ours["over_52_weeks"] == over52
    # PROVENANCE sample: QGH IMD 1 2,915 waiting, 53.3% under 18 weeks; IMD 10 57.7%
    assert w.loc[("QGH", "INTEGRATED CARE BOARD", 1), "total_waiting"] == 2915


def test_suppressed_cells_stay_missing(mirror):
    raw = pd.read_csv(mirror / "wlmds_deprivation" / "wlmds_provider_long.csv", dtype={"value_raw": str})
    stars = raw[raw["value_raw"] == "*"]
    assert len(stars) == 2001
    full = waiting.wlmds().set_index(["org_code", "org_type", "category"])
    col = {"Total Waiting List": "total_waiting", "Up to 18 weeks": "within_18_weeks",
           "Over 18 and up to 52 weeks": "over_18_to_52_weeks", "Over 52 weeks": "over_52_weeks",
           "Unknown Clock Start Date": "unknown_clock_start"}
    for r in stars.itertuples():
        row = full.loc[(r._4, r._6, r.category)]
        assert math.isnan(row[col[r.measure]]) and bool(row[f"{col[r.measure]}_suppressed"])
    # and the chapter's proportions are missing (not 0) wherever a count behind them is suppressed
    for dim in ("imd_decile", "ethnicity", "age", "sex"):
        v = wl.wlmds_view("QHL", dim)
        sup = v["over_52_weeks_suppressed"] | v["total_waiting_suppressed"]
        assert v.loc[sup, "pct_over_52_weeks"].isna().all()
        assert (v.loc[sup, "pct_over_52_weeks_status"] == "suppressed").all()


def test_trust_icb_reconstruction():
    t = waiting.wlmds_trust_icb()
    assert len(t) == 134 and t["icb_code"].nunique() == 42
    assert (t["max_abs_difference"] <= t["tolerance"]).all()
    by = t.groupby("icb_code")["trust_code"].apply(set)
    assert by["QGH"] == {"RWP", "RLQ"}
    assert by["QHL"] == {"RRK", "RQ3", "RRJ"}
    assert by["QXU"] == {"RA2", "RTK", "RTP"}
    assert by["QNC"] == {"RJE"}
    # the trusts of an ICB add up to its WLMDS row (within rounding to 5 per published count)
    w = waiting.wlmds("imd_decile")
    icb_tot = w[(w["org_code"] == "QGH") & (w["org_type"] == "INTEGRATED CARE BOARD")]["total_waiting"].sum()
    tr_tot = w[w["org_code"].isin(["RWP", "RLQ"]) & (w["org_type"] == "ACUTE TRUST")]["total_waiting"].sum()
    assert abs(icb_tot - tr_tot) <= 2.5 * 3 * 10


# ----------------------------------------------------------------------------- chapter logic

def test_spc_recalculated_at_series_break():
    s = wl.rtt_series("QGH")
    c = s[s["role"] == "ICB (commissioner)"]
    res = wl.rtt_spc(c, "pct_within_18_weeks", target=92)
    # one series, limits recalculated from the break (a rebase point), not two hand-made segments
    assert res.options["rebase"] == [pd.Timestamp("2024-02-01")]
    assert res.groups["start"].tolist() == [pd.Timestamp("2022-04-01"), pd.Timestamp("2024-02-01")]
    p = res.points
    assert (p["rebase_group"] == (p["period"] >= pd.Timestamp("2024-02-01"))).all()
    assert p.groupby("rebase_group")["mean"].nunique().tolist() == [1, 1] and p["mean"].nunique() == 2
    post = c[c["after_series_break"]]["pct_within_18_weeks"]
    assert res.groups["mean"].iloc[-1] == pytest.approx(post.mean())
    assert res.assurance == "consistent_fail"  # 92% never reached
    # a series that starts after the break has nothing to recalculate
    assert wl.rtt_spc(c[c["after_series_break"]], "total_waiting").options["rebase"] == []


def test_rtt_series_stops_at_closed_icb_last_month():
    s = wl.rtt_series("QXU")
    assert s["month"].max() == pd.Timestamp("2026-03-01")
    assert set(s["role"]) == {"ICB (commissioner)", "Acute trust", "England"}


def test_deprivation_gaps_and_sii():
    g = wl.deprivation_gaps(wl.wlmds_view("QGH", "imd_decile")).set_index("org_code")
    eng = g.loc["ENG"]
    assert round(eng["pct18_gap_pp"], 1) == round(61.014262 - 59.142470, 1)
    assert eng["sii_lower_ci"] < eng["sii"] < eng["sii_upper_ci"]
    assert eng["sii_lower_ci"] > 0  # England: the most deprived are less often within 18 weeks
    assert g.loc["QGH", "pct18_d1"] == pytest.approx(100 * 1555 / 2915)


def test_per_1000_by_decile():
    r = wl.waiting_per_1000_by_decile(2019).set_index("imd_decile")
    assert len(r) == 10
    assert 50_000_000 < r["population"].sum() < 60_000_000  # England, mid-2020
    assert r.loc[1, "total_waiting"] == 708780
    assert (r["lower_ci"] < r["value"]).all() and (r["value"] < r["upper_ci"]).all()


def test_headline_figures_all_42_icbs():
    for icb in geography.all_icbs():
        hf = wl.headline_figures(icb.ods_code)
        assert set(hf) == set(wl.HEADLINE_RANGES)
        for k, v in hf.items():
            lo, hi = wl.HEADLINE_RANGES[k]
            assert v is not None and not math.isnan(v) and lo <= v <= hi, (icb.ods_code, k, v)


# ----------------------------------------------------------------------------- builds

@pytest.mark.parametrize("icb_code", ICBS_TO_BUILD)
def test_build_chapter(run_chapter, icb_code):
    entry, head = run_chapter("waiting_lists", icb_code)
    assert head, "headline.json was not written"
    hf = wl.headline_figures(icb_code)
    for k, (lo, hi) in wl.HEADLINE_RANGES.items():
        v = head["headlines"][k]["value"]
        assert lo <= v <= hi
        assert v == pytest.approx(hf[k])
    nb = json.loads((entry / "notebook.ipynb").read_text())
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            text = json.dumps(out.get("data", {})) + json.dumps(out.get("text", ""))
            assert not any(tok in text for tok in (" nan", "nan%", "NaN", "None%")), (icb_code, text[:300])
    data = entry / "data" / "waiting_lists"
    for name in ("rtt_icb_spc.png", "wlmds_decile_gradient.png", "wlmds_icb_comparison.png", "wlmds_by_decile.csv"):
        assert (data / name).exists(), name
    # suppressed counts appear as "suppressed" in the downloadable tables, never as 0
    by_group = pd.read_csv(data / "wlmds_by_group.csv", dtype=str)
    raw = waiting.wlmds()
    icb = geography.find_icb(icb_code)
    sup = raw[(raw["org_code"] == icb.ods_code) & raw["over_52_weeks_suppressed"]]
    for r in sup.itertuples():
        if r.dimension == "imd_decile":
            continue
        row = by_group[(by_group["Level"] == "ICB (providers)") & (by_group["Group"] == r.category)]
        assert (row["Over 52 weeks"] == "suppressed").all()
