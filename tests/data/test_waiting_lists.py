"""Waiting lists chapter: loaders on the real files, figures against the sources and NHS
England's published numbers, suppression; targets from the objectives registry; words that agree
with their numbers (the gap and the SII side by side); honest charts; the notebook is a document;
and builds for three contrasting ICBs (QGH, QHL half Core20, QXU closed at the April 2026
mergers)."""

from __future__ import annotations

import math
import re

import chapter_document as doc
import numpy as np
import pandas as pd
import pytest

from analysis import geography, headlines
from analysis import objectives as ob
from analysis.chapters import waiting_lists as wl
from analysis.load import waiting

ICBS_TO_BUILD = ["QGH", "QHL", "QXU"]
ROOT = doc.ROOT
TWIN = ROOT / "notebooks" / "src" / "waiting_lists.py"
REFERENCE = "2026-11-01"


@pytest.fixture(scope="module")
def qgh(tmp_path_factory):
    """The chapter built in-process for QGH (no kernel: nothing is displayed)."""
    return wl.build("QGH", 2019, str(tmp_path_factory.mktemp("wl-qgh")), REFERENCE)


# ----------------------------------------------------------------------------- loaders


def test_rtt_incomplete_schema_and_shape():
    df = waiting.rtt_incomplete()
    for c in [
        "level",
        "org_code",
        "org_name",
        "month",
        "total_waiting",
        "within_18_weeks",
        "pct_within_18_weeks",
        "over_52_weeks",
        "over_65_weeks",
        "over_78_weeks",
        "over_104_weeks",
        "after_series_break",
    ]:
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


def _icb_rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"level": "icb", "org_code": c, "month": pd.Timestamp(m), "former_org": f, "successor_codes": s}
            for c, m, f, s in rows
        ]
    )


def test_merged_icbs_are_the_late_successor_codes_and_a_late_code_without_predecessor_is_an_error(monkeypatch):
    rows = [
        ("QAA", "2030-01-01", False, None),
        ("QAA", "2030-02-01", True, "NEW1;QCC"),
        ("QBB", "2030-01-01", False, None),
        ("QBB", "2030-02-01", True, "NEW1"),
        ("QCC", "2030-01-01", False, None),
        ("QCC", "2030-03-01", False, None),
        ("NEW1", "2030-03-01", False, None),
    ]
    monkeypatch.setattr(waiting, "rtt_incomplete", lambda: _icb_rows(rows))
    # QCC took over part of QAA but was there from the start: not a merged ICB
    assert waiting.merged_icbs_2026() == {"NEW1": ("QAA", "QBB")}
    monkeypatch.setattr(waiting, "rtt_incomplete", lambda: _icb_rows(rows + [("ODD", "2030-03-01", False, None)]))
    with pytest.raises(waiting.LoaderError, match=r"\['ODD'\].*successor of no closed ICB"):
        waiting.merged_icbs_2026()


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

    wb = openpyxl.load_workbook(
        mirror / "wlmds_deprivation" / "WLMDS-Demographics-Summary-to-25-January-2025-v1.xlsx",
        read_only=True,
        data_only=True,
    )
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
    col = {
        "Total Waiting List": "total_waiting",
        "Up to 18 weeks": "within_18_weeks",
        "Over 18 and up to 52 weeks": "over_18_to_52_weeks",
        "Over 52 weeks": "over_52_weeks",
        "Unknown Clock Start Date": "unknown_clock_start",
    }
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


def test_spc_recalculated_at_the_definition_change():
    s = wl.rtt_series("QGH")
    c = s[s["role"] == "ICB (commissioner)"]
    brk = waiting.rtt_series_break()
    # NHS England, RTT Overview Timeseries note 11: "From Feb-24 data onwards, community service pathways..."
    assert brk == pd.Timestamp("2024-02-01")
    res = wl.rtt_spc(c, "pct_within_18_weeks", target=92)
    # one series, limits recalculated from the break (a rebase point), not two hand-made segments
    assert res.options["rebase"] == [brk]
    assert res.groups["start"].tolist() == [c["month"].min(), brk]
    p = res.points
    assert (p["rebase_group"] == (p["period"] >= brk)).all()
    assert p.groupby("rebase_group")["mean"].nunique().tolist() == [1, 1] and p["mean"].nunique() == 2
    post = c[c["after_series_break"]]["pct_within_18_weeks"]
    assert res.groups["mean"].iloc[-1] == pytest.approx(post.mean())
    assert res.assurance == "consistent_fail"  # 92% never reached
    # a series that starts after the break has nothing to recalculate
    assert wl.rtt_spc(c[c["after_series_break"]], "total_waiting").options["rebase"] == []
    assert wl.series_break_label() == f"{brk:%B %Y}"


def test_the_break_date_is_written_once_in_the_loader():
    for f in (
        ROOT / "src" / "analysis" / "chapters" / "waiting_lists.py",
        TWIN,
        ROOT / "notebooks" / "waiting_lists.ipynb",
    ):
        text = f.read_text(encoding="utf-8")
        assert "2024-02" not in text and "February 2024" not in text and "Feb 2024" not in text, f.name


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
    q = g.loc["QGH"]
    assert q["pct18_d1"] == pytest.approx(100 * 1555 / 2915)
    # the gap's interval is Newcombe's (MOVER on the two Wilson intervals), as claims.gap computes it
    assert q["pct18_gap_lower_ci"] < q["pct18_gap_pp"] < q["pct18_gap_upper_ci"]
    assert q["pct18_gap_lower_ci"] > 0 and q["sii_lower_ci"] < 0 < q["sii_upper_ci"]


def test_per_1000_by_decile():
    r = wl.waiting_per_1000_by_decile(2019).set_index("imd_decile")
    assert len(r) == 10
    assert 50_000_000 < r["population"].sum() < 60_000_000  # England, mid-2020
    assert r.loc[1, "total_waiting"] == 708780
    assert (r["lower_ci"] < r["value"]).all() and (r["value"] < r["upper_ci"]).all()


def test_headline_figures_all_42_icbs_are_declared_and_plausible():
    ranges = headlines.ranges("waiting_lists")
    assert not hasattr(wl, "HEADLINE_RANGES") and not hasattr(wl, "TARGETS")
    for icb in geography.all_icbs():
        hf = wl.headline_figures(icb.ods_code)
        assert set(hf) == set(ranges), icb.ods_code
        for k, v in hf.items():
            lo, hi = ranges[k]
            assert v is not None and not math.isnan(v) and lo <= v <= hi, (icb.ods_code, k, v)


def test_registry_carries_the_comparison_entries_moved_from_the_book_spec():
    reg = headlines.registry("waiting_lists")
    assert reg["wlmds_pct18_gap_pp"].compare and reg["wlmds_pct18_sii_pp"].compare
    assert "chapter: waiting_lists" not in (ROOT / "book" / "chapters.yml").read_text()


def test_ethnic_categories_read_with_their_group():
    assert wl.ethnic_label("A: British") == "White: British"
    assert wl.ethnic_label("K: Bangladeshi") == "Asian: Bangladeshi"
    assert wl.ethnic_label("R: Chinese") == "Other: Chinese"
    assert wl.ethnic_label("99: Not known") == "Not known" and wl.ethnic_label("Female") == "Female"


# ----------------------------------------------------------------------------- targets


def _icb_rtt(code):
    s = wl.rtt_series(code)
    return s[s["role"] == "ICB (commissioner)"]


def test_no_objective_covers_april_2026_and_the_latest_one_is_judged_at_its_deadline():
    c = wl.objective_check(_icb_rtt("QGH"), "rtt_18w")
    assert c.latest_month == pd.Timestamp("2026-04-01") and c.in_force.objective is None
    assert c.objective == ob.objective_in_force("rtt_18w", "2026-03-31").objective
    assert c.month == pd.Timestamp("2026-03-01")
    assert c.value == pytest.approx(100 * 59428 / 91620)  # March 2026, from the RTT file
    assert c.claim.code == "missed"
    assert c.sentence.startswith(
        "No national objective in this book's register covers April 2026 (planning year 2026/27)."
    )
    assert "65% by March 2026" in c.sentence and "**missed**" in c.sentence
    h = wl.objective_check(_icb_rtt("QHL"), "rtt_18w")
    assert h.claim.code == "met" and "**met**" in h.sentence


def test_the_objective_in_force_is_used_when_there_is_one():
    c = wl.objective_check(_icb_rtt("QXU"), "rtt_52w_share")  # QXU's series ends in March 2026
    assert c.in_force.objective is c.objective and c.month == c.latest_month == pd.Timestamp("2026-03-01")
    assert c.value == pytest.approx(100 * 1450 / 145248)
    assert c.claim.code == "met"  # 0.998% is under 1%
    assert c.sentence.startswith("The national objective in force for March 2026") and "0.998%" in c.sentence


def test_the_65_week_objective_is_judged_in_march_2024():
    for code, n in (("QGH", 688), ("QHL", 338), ("QXU", 480)):
        c = wl.objective_check(_icb_rtt(code), "rtt_65w")
        assert c.objective.planning_year == "2023/24" and c.month == pd.Timestamp("2024-03-01")
        assert c.value == n and c.claim.code == "missed"
        assert "none by March 2024" in c.sentence


def test_a_month_before_the_deadline_is_not_yet_met():
    s = _icb_rtt("QGH")
    s = s[s["month"] <= pd.Timestamp("2025-10-01")]
    c = wl.objective_check(s, "rtt_18w")
    assert c.in_force.objective is c.objective and c.objective.planning_year == "2025/26"
    assert c.claim.code == "not_yet_met" and "**not yet met**" in c.sentence


# ----------------------------------------------------------------------------- words


def test_qgh_says_the_gap_is_significant_and_why_the_sii_is_not():
    c = wl.claims("QGH", 2019, REFERENCE)
    assert c["icb_gap_words"].code == "worse_for_most_deprived"
    assert c["icb_gap_and_sii"].code == "gap_only"
    words = c["icb_gap_and_sii"].words
    assert "is statistically significant" in words and "is not (its interval includes zero)" in words
    assert "The two measure different things" in words
    assert c["eng_gap_and_sii"].code == "both_significant"


@pytest.mark.parametrize("icb", ICBS_TO_BUILD)
def test_every_claim_agrees_with_its_numbers(icb):
    from claims_check import check_claim

    found = wl.claims(icb, 2019, REFERENCE)
    problems = [p for k, v in found.items() for p in check_claim(k, v)]
    assert not problems, problems
    assert set(wl.GLUED_CLAIMS) <= set(found)


def test_out_of_date_data_get_no_assurance_reading_and_current_data_do():
    old = wl.claims("QGH", 2019, REFERENCE)
    assert old["spc18_assurance"].code == "not_assessed" and "out of date" in old["spc18_assurance"].words
    fresh = wl.claims("QGH", 2019, "2026-06-01")
    assert fresh["spc18_assurance"].code == "consistent_fail"
    # the 65-week objective was not in force for these months: no reading either way
    assert fresh["spc65_assurance"].code == "not_assessed" and "2023/24 objective" in fresh["spc65_assurance"].words


# ----------------------------------------------------------------------------- charts


def test_long_waits_since_the_change_have_their_own_scale():
    import matplotlib.pyplot as plt

    s = _icb_rtt("QHL")
    res = wl.rtt_spc(s, "over_65_weeks")
    fig = wl.plot_spc_panels([dict(result=res, title="whole"), dict(result=res, title="since", zoom=True)])
    whole, since = fig.axes[0], fig.axes[1]
    post = s.loc[s["after_series_break"], "over_65_weeks"]
    assert whole.get_ylim()[1] > s["over_65_weeks"].max()
    assert since.get_ylim()[1] < 0.2 * whole.get_ylim()[1]  # not flattened by the earlier peak
    assert since.get_ylim()[1] >= post.max() and since.get_xlim()[0] > whole.get_xlim()[0]
    plt.close(fig)


def test_trusts_have_distinct_colours_and_bars_start_at_zero():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    v = wl.wlmds_view("QHL", "imd_decile")
    codes = list(wl.icb_acute_trusts("QHL")["trust_code"])
    fig, data = wl.plot_decile_gradient(v, "QHL", codes)
    trust_ax = fig.axes[2]
    colours = {to_hex(c.lines[0].get_color()) for c in trust_ax.containers}
    assert len(codes) == 3 and len(colours) == 3
    assert set(data["org_code"]) == {"ENG", "Y60", "QHL", *codes}
    assert len(trust_ax.get_legend().get_texts()) == 3
    plt.close(fig)
    fig = wl.plot_per_1000(wl.waiting_per_1000_by_decile())
    assert fig.axes[0].get_ylim()[0] == 0
    plt.close(fig)


# ----------------------------------------------------------------------------- the notebook is a document


def test_notebook_code_is_short_calls():
    doc.assert_code_is_short_calls("waiting_lists", max_lines=40)


def test_notebook_has_no_literal_period():
    doc.assert_no_literal_period("waiting_lists")


def test_every_output_is_shown_and_every_glued_key_used(qgh):
    doc.assert_every_output_shown_and_every_key_used("waiting_lists", qgh, min_headings=7)


def test_tables_are_narrow_and_every_figure_has_its_data(qgh):
    for name, (_kind, content) in qgh._blocks.items():
        if 'class="table evidence-table"' in content:
            assert content.split("</thead>")[0].count("<th ") <= 6, name
    figs = [o for o in qgh.outputs if o["kind"] == "figure"]
    assert len(figs) == 7 and all(f["data"] for f in figs)
    for f in figs:
        assert (qgh.data_dir / f["data"]).stat().st_size > 200, f["name"]


def test_reader_text_is_clean(qgh):
    text = " ".join(qgh.glued.values()) + " ".join(c for _, c in qgh._blocks.values())
    text += " ".join(o.get("alt", "") + o["caption"] for o in qgh.outputs)
    assert "(s)" not in text and "'S " not in text and "Women'S" not in text
    assert "statistically significant" not in qgh.glued["icb_sii"]
    md = "\n".join(c.source for c in doc.twin("waiting_lists").cells if c.cell_type == "markdown")
    # acronyms spelled out at their first use
    for short, long in (
        ("RTT", "referral to treatment (RTT)"),
        ("WLMDS", "Waiting List Minimum Data Set (WLMDS)"),
        ("ICB", "integrated care board (ICB)"),
        ("SII", "slope index of inequality (SII)"),
    ):
        first = re.search(rf"\b{short}\b", md)
        assert first and long in md[: first.end() + 1], short


# ----------------------------------------------------------------------------- builds


@pytest.mark.parametrize("icb_code", ICBS_TO_BUILD)
def test_build_chapter(run_chapter, icb_code):
    entry, head = run_chapter("waiting_lists", icb_code)
    assert head, "headline.json was not written"
    hf = wl.headline_figures(icb_code)
    ranges = headlines.ranges("waiting_lists")
    assert set(head["headlines"]) == set(ranges)
    for k, (lo, hi) in ranges.items():
        v = head["headlines"][k]["value"]
        assert lo <= v <= hi
        assert v == pytest.approx(hf[k])
    text = doc.outputs_text(entry / "notebook.ipynb")
    assert "traceback" not in text.lower()
    assert not any(tok in text for tok in (" nan", "nan%", "NaN", "None%")), icb_code
    data = entry / "data" / "waiting_lists"
    for name in (
        "rtt_icb_spc",
        "rtt_icb_long_waits_spc",
        "rtt_trusts_spc",
        "wlmds_decile_gradient",
        "wlmds_icb_comparison_chart",
        "wlmds_per_1000_by_decile",
        "wlmds_groups",
    ):
        assert (data / f"{name}.png").stat().st_size > 5_000 and (data / f"{name}_data.csv").exists(), name
    glued = head["glued"]
    assert glued["series_break"] == f"{waiting.rtt_series_break():%B %Y}"
    assert glued["gap_change"].startswith("This book has one WLMDS edition so far") == (
        len(waiting.wlmds_editions()) == 1
    )
    if icb_code == "QHL":
        assert glued["n_trusts"] == "3 NHS acute trusts are"
        assert "Birmingham Women's and Children's" in glued["trusts_sentence"]
    if icb_code == "QXU":
        assert "closed on 1 April 2026" in doc.outputs_text(entry / "notebook.ipynb")
        assert glued["objective_18w"].startswith("The national objective in force for March 2026")
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
