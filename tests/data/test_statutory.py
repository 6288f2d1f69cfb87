"""The Statement on health inequalities chapter: its numbers against the published figures, the
direction of deprivation in every dataset, the damaged Mental Health Act rows kept out of every
output, words that agree with their numbers for all 42 ICBs, headline figures declared and
plausible, the annual report table and its spreadsheet, the notebook as a document, and the
chapter built from the real data for three contrasting ICBs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import chapter_document as doc
import numpy as np
import pandas as pd
import pytest

from analysis import claims as C
from analysis import geography, headlines, stats
from analysis.chapters import statutory as st
from analysis.load import cardiovascular, mental_health, waiting
from analysis.report import Chapter

ROOT = Path(__file__).resolve().parents[2]
REF = Path(os.environ.get("ANALYSIS_DATA_MIRROR", ROOT.parent / "shared" / "data")) / "reference_phe_methods"


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory, mirror):
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("statutory-cache"))
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def qgh(tmp_path_factory):
    """The chapter built in-process for QGH (no kernel: nothing is displayed)."""
    return st.build("QGH", 2019, str(tmp_path_factory.mktemp("statutory-qgh")), "2026-11-01")


def _row(key: str, area: str) -> pd.Series:
    return st.inequality(key).set_index("area_code").loc[area]


# --------------------------------------------------------------------------- statistics


def test_rate_ci_from_count_reproduces_phe_rate_from_its_own_count_and_rate():
    """Given the count and the rate phe_rate returns, the interval is phe_rate's (exact below 10,
    Byar's from 10), at both confidence levels of the PHEindicatormethods fixture."""
    rate = pd.read_excel(REF / "testdata_Rate.xlsx", sheet_name="testdata_Rate", engine="openpyxl")
    data = rate.dropna(subset=["Numerator", "Denominator"]).query("Numerator > 0")
    assert len(data) >= 10 and (data["Numerator"] < 10).any()
    got = stats.rate_ci_from_count(data, "Numerator", "value", confidence=(0.95, 0.998))
    for ours, theirs in [
        ("lower_ci", "lower95_0cl"),
        ("upper_ci", "upper95_0cl"),
        ("lower_99_8_ci", "lower99_8cl"),
        ("upper_99_8_ci", "upper99_8cl"),
    ]:
        np.testing.assert_allclose(got[ours], data[theirs], rtol=1e-6, err_msg=ours)
    assert got["method"].tolist() == data["method"].tolist()


def test_rate_ci_from_count_refuses_a_zero_or_missing_count():
    with pytest.raises(stats.StatsInputError, match="event count"):
        stats.rate_ci_from_count(pd.DataFrame({"n": [0.0], "r": [0.0]}), "n", "r")
    with pytest.raises(stats.StatsInputError, match="missing"):
        stats.rate_ci_from_count(pd.DataFrame({"n": [np.nan], "r": [1.0]}), "n", "r")


# --------------------------------------------------------------------------- deprivation direction


def test_every_dataset_runs_from_the_most_deprived_group():
    """Group 1 is the most deprived in every measure; each check fails if a source were turned the
    wrong way round."""
    # WLMDS: the waiting list of Surrey Heartlands' trusts (few deprived neighbourhoods) sits in
    # the least deprived deciles, Birmingham and Solihull's in the most deprived.
    wl = st.long_table("elective").set_index(["area_code", "group"])["denominator"]
    assert wl[("QXU", 10)] > 5 * wl[("QXU", 1)]
    assert wl[("QHL", 1)] > 3 * wl[("QHL", 10)]
    # MHA: the file's "10 Most deprived" (151.3 per 100,000 in England) is group 1.
    mha = st.long_table("mha").set_index(["area_code", "group"])["value"]
    assert mha[("ENG", 1)] == pytest.approx(151.3) and mha[("ENG", 8)] == pytest.approx(54.9)
    # CVDPREVENT: lipid therapy is higher in the most deprived quintile (PROVENANCE, December 2023).
    lipid = st.long_table("lipid").set_index(["area_code", "group"])["value"]
    assert lipid[("ENG", 1)] == pytest.approx(66.48) and lipid[("ENG", 5)] == pytest.approx(57.15)
    # Practice quintiles: the most deprived practice in England is in quintile 1; Surrey
    # Heartlands has no practice there; QOF-recorded smoking is far higher in quintile 1.
    pq = st.practice_quintiles()
    assert pq.loc[pq["imd_score"].idxmax(), "practice_quintile"] == 1
    assert pq.loc[pq["imd_score"].idxmin(), "practice_quintile"] == 5
    assert not (pq.loc[pq["icb_ods_code"] == "QXU", "practice_quintile"] == 1).any()
    smoking = st.long_table("smoking").set_index(["area_code", "group"])["value"]
    assert smoking[("ENG", 1)] > smoking[("ENG", 5)] + 5
    # Fingertips A&E 0-4 by area decile: decile 1 is the "Most deprived decile" row.
    d = st.ae_u5_england_deciles()["table"].set_index("imd_decile")
    assert d.loc[1, "category"].startswith("Most deprived") and d.loc[10, "category"].startswith("Least deprived")


def test_practice_quintiles_hold_a_fifth_of_englands_patients_each():
    pq = st.practice_quintiles()
    share = pq.groupby("practice_quintile")["list_size"].sum() / pq["list_size"].sum()
    assert share.between(0.19, 0.21).all() and list(share.index) == [1, 2, 3, 4, 5]


# --------------------------------------------------------------------------- damaged MHA rows


def test_quarantined_mha_rows_never_reach_a_figure_or_table(qgh):
    """The 190 rows whose labels were overwritten are absent from every number the chapter uses:
    England's two least deprived deciles (damaged rows: 2,292 detentions at 43.4 and 2,637 at 49.9
    per 100,000) and England's "15 and under" (274 detentions) appear in no output."""
    raw = mental_health._raw()
    bad = raw[raw["label_suspect"]]
    eng_bad = bad[(bad["OrgID"] == "All prov") & (bad["Demographic"] == "IMD")]
    assert set(eng_bad["Total_Count"].dropna()) >= {2292, 2637}
    long = st.long_table("mha")
    assert set(long.loc[long["area_code"] == "ENG", "group"]) == {0, *range(1, 9)}
    # every MHA number the chapter shows is a row of the cleaned loader's output
    clean = mental_health.mha_detentions()
    assert set(long["numerator"]) <= set(clean["total_count"].dropna())
    texts = {p.name: p.read_text() for p in qgh.data_dir.glob("*.csv") if p.name.startswith(("mha", "annual"))}
    assert {"mha_groups.csv", "mha_gradient_data.csv", "mha_icbs_data.csv", "annual_report_table.csv"} <= set(texts)
    for name, text in texts.items():
        for n in ("2292", "2637", "43.4", "49.9"):
            assert not re.search(rf"(^|,){n}(\.0+)?(,|$)", text, re.M), (name, n)
    groups = pd.read_csv(qgh.data_dir / "mha_groups.csv")
    age = groups[groups["Breakdown"] == "Age"].set_index("Group")
    assert pd.isna(age.loc["15 and under", "England"])  # damaged in the copy: never shown


# --------------------------------------------------------------------------- published figures


def test_numbers_match_the_published_figures():
    # CVDPREVENT England totals and QGH (PROVENANCE, 12 months to December 2023)
    lip = st.level("lipid").set_index("area_code")
    assert (lip.loc["ENG", "numerator"], lip.loc["ENG", "denominator"]) == (1_691_343, 2_783_139)
    assert lip.loc["QGH", "value"] == pytest.approx(57.33) and _row("lipid", "QGH")["most"] == pytest.approx(62.03)
    # MHA: England and QGH detentions as published (Mind: 52,458; PROVENANCE: QGH 420, 52.6)
    mha = st.level("mha").set_index("area_code")
    assert mha.loc["ENG", "numerator"] == 52_458 and mha.loc["QGH", "numerator"] == 420
    assert mha.loc["QGH", "value"] == pytest.approx(52.6)
    # MHA by ethnicity: the Census-based rates reproduce the published crude rates where the groups
    # match; Black against White standardised 3.5 times (PROVENANCE) and crude 3.4 here.
    e = st.mha_by_ethnicity("QGH").set_index(["area_code", "group"])
    for g in ("Black", "Mixed", "White"):
        assert e.loc[("ENG", g), "rate"] == pytest.approx(e.loc[("ENG", g), "published_rate"], abs=0.25)
    assert e.loc[("QGH", "Black"), "rate"] == pytest.approx(211.8, abs=0.5)
    assert e.loc[("ENG", "Black"), "rate"] / e.loc[("ENG", "White"), "rate"] == pytest.approx(239.0 / 69.5, rel=0.01)
    # most against least deprived decile with an intact label: 151.3 / 54.9 in England
    r = _row("mha", "ENG")
    assert r["gap"] == pytest.approx(151.3 - 54.9) and r["gap_status"] == "computed"
    # A&E 0-4: QGH's 79 practices, 20,495 attendances / 36,373 children = 563.5 per 1,000
    ae = st.level("ae_u5").set_index("area_code")
    assert (ae.loc["QGH", "numerator"], ae.loc["QGH", "denominator"]) == (20_495, 36_373)
    assert ae.loc["QGH", "value"] == pytest.approx(563.5, abs=0.05)
    # QOF smoking prevalence, England 2022-23: 14.7% (PROVENANCE)
    assert st.level("smoking").set_index("area_code").loc["ENG", "value"] == pytest.approx(14.71, abs=0.005)
    # QOF 2024-25 learning disability register: the aggregation's published percentages
    ld = st.level("ld_register").set_index("area_code")
    assert round(ld.loc["ENG", "value"], 2) == 0.59 and round(ld.loc["QGH", "value"], 2) == 0.59
    # WLMDS: England's decile 1 share under 18 weeks equals the published percentage
    w = waiting.wlmds("imd_decile")
    pub = w[(w["org_code"] == "ENG") & (w["org_type"] == "ALL") & (w["imd_decile"] == 1)]
    assert _row("elective", "ENG")["most"] == pytest.approx(pub["published_pct_within_18_weeks"].iloc[0], abs=0.05)


def test_gap_and_sii_follow_the_books_one_sign():
    # lipid therapy is higher in the most deprived quintile: the gap (higher is better) is negative,
    # "better for the most deprived", and the SII on the gap's sign agrees
    r = _row("lipid", "ENG")
    assert r["gap"] < 0 and r["gap_code"] == "better_for_most_deprived" and r["sii"] < 0
    # smoking (lower is better) is higher among the most deprived: positive, worse
    r = _row("smoking", "ENG")
    assert r["gap"] > 0 and r["gap_code"] == "worse_for_most_deprived" and r["sii"] > 0
    # prevalence has no better direction
    assert _row("copd", "ENG")["gap_code"] == "higher_among_most_deprived"


def test_sii_matches_a_direct_call_on_national_groups():
    m = st.MEASURES["smoking"]
    g = st.long_table("smoking")
    g = g[(g["area_code"] == "QHL") & (g["group"] > 0)]
    direct = stats.sii(
        g.assign(v=g["value"] / 100, lo=g["lower_ci"] / 100, hi=g["upper_ci"] / 100),
        "v",
        "denominator",
        "group",
        lower_cl="lo",
        upper_cl="hi",
        value_type=2,
        multiplier=100,
        reps=st.SII_REPS,
        seed=1,
        group_by="area_code",
    )
    s = C.sii_as_gap(
        (direct["value"][0], direct["lower_ci"][0], direct["upper_ci"][0]), sign="least_minus_most", polarity=m.polarity
    )
    r = _row("smoking", "QHL")
    assert (r["sii"], r["sii_lower"], r["sii_upper"]) == pytest.approx(tuple(s))


def test_missing_groups_give_no_gap_and_say_why():
    r = _row("copd", "QXU")
    assert r["gap_status"] == "not computed: none of the ICB's practices is in England's most deprived fifth"
    assert pd.isna(r["gap"]) and r["sii_status"].startswith("not computed")
    assert "cannot be computed for the ICB: none of the ICB's practices" in st.deprivation_sentence("copd", "QXU")
    assert _row("mha", "QXU")["gap_status"].startswith("not computed: no value is published")
    assert _row("mha", "QGH")["sii_status"].startswith("not computed: the two least deprived deciles")


def test_completeness_shares():
    c = st.completeness("QGH")
    # WLMDS: "Z: Not stated" and "99: Not known" share of the list; MHA: 20 of 420 unknown, 15 not known IMD
    assert c["mha_ethnicity"] == pytest.approx(100 * 20 / 420) and c["mha_imd"] == pytest.approx(100 * 15 / 420)
    e = st.elective_by_ethnicity("QGH")
    nr = e[(e["area_code"] == "QGH") & (e["group"] == st.NOT_RECORDED)]["total_waiting"].iloc[0]
    assert c["elective_ethnicity"] == pytest.approx(100 * nr / e.loc[e["area_code"] == "QGH", "total_waiting"].sum())
    assert 0 <= c["elective_imd"] < 10 and 0 <= c["lipid_imd"] < 10
    assert st.share_text(0.01) == "less than 0.1%" and st.share_text(11.14) == "11.1%"


def test_ethnic_groups_match_their_census_denominators():
    e = st.elective_by_ethnicity("QHL")
    eng = e[e["area_code"] == "ENG"].set_index("group")
    w = waiting.wlmds("ethnicity")
    w = w[(w["org_code"] == "ENG") & (w["org_type"] == "ALL")]
    assert eng["total_waiting"].sum() == w["total_waiting"].sum()  # every category in one group
    asian = w[w["category"].str.match(r"^[HJKLR]:")]["total_waiting"].sum()  # Chinese (R) with Asian
    assert eng.loc["Asian", "total_waiting"] == asian
    census = st.census_ethnicity().set_index(["area_code", "group"])["residents"]
    assert eng.loc["Black", "residents"] == census[("ENG", "Black")]
    m = st.mha_by_ethnicity("QHL").set_index(["area_code", "group"])
    assert m.loc[("ENG", "Asian"), "rate_basis"].startswith("as published")
    assert m.loc[("ENG", "Black"), "rate_basis"].startswith("Census 2021")


# --------------------------------------------------------------------------- words


def test_every_word_agrees_with_its_numbers_for_all_42_icbs():
    from claims_check import check_claim

    problems = []
    for icb in geography.all_icbs():
        for key, claim in st.claims(icb.ods_code, 2019, "2026-11-01").items():
            problems += [f"{icb.ods_code} {p}" for p in check_claim(key, claim)]
    assert not problems, "\n".join(problems[:20])


def test_comparisons_read_with_than_or_to():
    words = st.claims("QGH", 2019, "2026-11-01")
    assert words["mha_vs_england"].words == "better than"  # 52.6 against 90.9 per 100,000
    assert words["copd_vs_england"].code == "higher" and words["copd_vs_england"].words == "higher than"
    assert all(w.words.endswith((" than", " to")) for k, w in words.items() if k.endswith("_vs_england"))


# --------------------------------------------------------------------------- headline figures


def test_headline_figures_all_icbs_are_declared_and_plausible():
    ranges = headlines.ranges("statutory")
    assert set(ranges) == set(st.HEADLINES)
    for icb in geography.all_icbs():
        h = st.headline_figures(icb.ods_code, 2019)
        assert set(h) == set(ranges), icb.ods_code
        for k, (lo, hi) in ranges.items():
            assert h[k] == h[k] and lo <= h[k] <= hi, (icb.ods_code, k, h[k])
    assert st.headline_figures("QGH", 2025) == st.headline_figures("QGH", 2019)


# --------------------------------------------------------------------------- the annual report table


def test_annual_report_table_covers_the_ten_areas_in_order(qgh):
    t = pd.read_csv(qgh.data_dir / "annual_report_table.csv")
    assert list(dict.fromkeys(t["Area"])) == list(st.AREAS.values())
    assert t["Period; completeness"].notna().all() and t["ICB (England)"].notna().all()
    wl = t[t["Indicator"] == st.MEASURES["elective"].label].iloc[0]
    assert wl["icb_value"] == pytest.approx(_row("elective", "QGH")["level"])
    assert "worse for the most deprived" in wl["Most vs least deprived"]
    assert "ethnicity not stated or not known" in wl["Period; completeness"]
    mha = t[t["Indicator"] == st.MEASURES["mha"].label].iloc[0]
    assert mha["Ethnic groups"].startswith("Black 212.1 per 100,000, higher than White")
    assert (t["out_of_date"].dropna().isin([True, False])).all()


def test_spreadsheet_is_formatted_with_notes_and_attribution(qgh):
    from openpyxl import load_workbook

    wb = load_workbook(qgh.data_dir / "annual_report_table.xlsx")
    ws = wb["Annual report table"]
    assert ws["A1"].value.startswith("Health inequalities evidence for NHS Herefordshire and Worcestershire")
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Area", "Indicator", "Unit", "ICB"]
    assert ws["A4"].font.bold and ws["A4"].fill.fgColor.rgb.endswith("005EB8")
    assert ws.column_dimensions["B"].width == 44 and ws.freeze_panes == "C5"
    rows = {ws.cell(row=r, column=2).value: r for r in range(5, ws.max_row + 1)}
    assert ws.cell(row=rows[st.MEASURES["ae_u5"].label], column=4).number_format == "0"
    assert ws.cell(row=rows[st.MEASURES["copd"].label], column=4).number_format == "0.00"
    notes = {r[0].value: r[1].value for r in wb["Notes"].iter_rows()}
    assert "Open Government Licence v3.0" in notes["Licence"]
    assert notes["CVDPREVENT attribution"] == cardiovascular.attribution(cardiovascular.CVDP_ICB)
    assert notes["The gap"].startswith(C.GAP_SIGN_RULE)


def test_downloads_refuse_a_file_that_is_not_there(tmp_path):
    ch = Chapter("statutory", tmp_path)
    with pytest.raises(FileNotFoundError, match="nothing.xlsx"):
        ch.downloads("x", "Download:", [("nothing.xlsx", "XLSX")])


# --------------------------------------------------------------------------- the notebook is a document


def _twin():
    return doc.twin("statutory")


def test_notebook_code_is_short_calls():
    doc.assert_code_is_short_calls("statutory", max_lines=80)


def test_notebook_has_no_literal_period():
    doc.assert_no_literal_period("statutory")


def test_one_section_per_area_in_the_statements_order_each_saying_what_the_data_cannot_answer():
    md = "\n".join(c.source for c in _twin().cells if c.cell_type == "markdown")
    headings = [ln[3:] for ln in md.splitlines() if ln.startswith("## ")]
    areas = [h for h in headings if h in st.AREAS.values()]
    assert areas == list(st.AREAS.values())
    sections = re.split(r"^## ", md, flags=re.M)
    for area in st.AREAS.values():
        body = " ".join(next(s for s in sections if s.startswith(area)).split())
        assert "**What the Statement asks.**" in body and "**What the data show.**" in body, area
        assert "What the published data here cannot answer" in body, area
        assert "ethnicity, age and sex" in body, area


def test_every_output_is_shown_and_every_glued_key_used(qgh):
    doc.assert_every_output_shown_and_every_key_used("statutory", qgh, min_headings=10, claims_glued=False)
    # every claim the chapter keeps is one claims() gives, with the same words
    words = st.claims("QGH", 2019, "2026-11-01")
    assert set(qgh.claims) <= set(words)
    assert all(qgh.claims[k].words == words[k].words for k in qgh.claims)


def test_tables_are_narrow_on_the_page(qgh):
    doc.assert_tables_are_narrow(qgh)


def test_every_figure_has_its_data(qgh):
    figs = [o for o in qgh.outputs if o["kind"] == "figure"]
    assert {f["name"] for f in figs} == {f"{k}_{s}" for k in st.MEASURES for s in ("gradient", "icbs")}
    assert all(f["data"] for f in figs)
    icbs = pd.read_csv(qgh.data_dir / "elective_icbs_data.csv")
    assert len(icbs) == 43 and {"level", "gap", "gap_significant", "sii"} <= set(icbs.columns)


# --------------------------------------------------------------------------- the executed chapter


def _outputs_text(nb_path):
    nb = json.loads(nb_path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for v in out.get("data", {}).values():
                parts.append(v if isinstance(v, str) else "".join(v))
            if "text" in out:
                parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
    return "\n".join(parts)


@pytest.mark.parametrize("icb", ["QGH", "QHL", "QXU"])
def test_chapter_builds(run_chapter, icb):
    entry, head = run_chapter("statutory", icb, 2019)
    assert head["icb"] == icb
    hl = head["headlines"]
    ranges = headlines.ranges("statutory")
    assert set(hl) == set(ranges)
    expected = st.headline_figures(icb, 2019)
    for k, (lo, hi) in ranges.items():
        assert lo <= hl[k]["value"] <= hi and hl[k]["value"] == pytest.approx(expected[k])
    text = _outputs_text(entry / "notebook.ipynb")
    low = text.lower()
    assert " nan" not in low and "nan%" not in low and ">nan<" not in low and "traceback" not in low
    out = entry / "data" / "statutory"
    assert (out / "annual_report_table.xlsx").stat().st_size > 5_000
    for k in st.MEASURES:
        assert (out / f"{k}_icbs.png").stat().st_size > 5_000
    glued = head["glued"]
    if icb == "QXU":
        assert "none of the ICB's practices is in England's most deprived fifth" in glued["copd_deprivation"]
    else:
        assert glued["copd_deprivation"].startswith("In the most deprived fifth")
