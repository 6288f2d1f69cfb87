"""Core20PLUS5 chapter: loaders on the real files, figures traced back to the source files,
suppression, quintile direction, all-ICB headline figures and a build for three ICBs."""
from __future__ import annotations

import csv
import gzip
import json
import math
import re

import pandas as pd
import pytest

from analysis import geography
from analysis.chapters import core20plus5 as c5
from analysis.load import clinical, primary_care

# ----------------------------------------------------------------------------- loaders: schema on real files


def test_qof_icb_schema_and_totals(mirror):
    q = primary_care.qof_icb()
    assert q["org_code"].nunique() == 43 and (q["org_code"] == "ENG").any()
    assert {"HYP008", "HYP009", "MH021", "COPD010", "AST008", "CHOL003"} <= set(q["indicator_code"])
    # ICB rows sum to England (provenance check), e.g. HYP008 numerator
    h = q[q["indicator_code"] == "HYP008"]
    assert h.loc[h.org_type == "ICB", "numerator"].sum() == h.loc[h.org_code == "ENG", "numerator"].iloc[0]
    assert (q["denominator_incl_pcas"] == q["denominator"] + q["pcas"]).all()


def test_qof_icb_matches_source_cells(mirror):
    q = primary_care.qof_icb().set_index(["org_code", "indicator_code"])
    with open(mirror / "qof_2425_icb" / "qof2425_indicators_icb.csv", encoding="utf-8") as fh:
        rows = {(r["org_code"], r["indicator_code"]): r for r in csv.DictReader(fh)}
    for key in [("QGH", "HYP008"), ("ENG", "MH021"), ("QHL", "COPD010"), ("QXU", "AST007")]:
        assert q.loc[key, "numerator"] == int(rows[key]["numerator"])
        assert q.loc[key, "pcas"] == int(rows[key]["pcas"])
    p = primary_care.qof_icb_prevalence().set_index(["org_code", "group_code"])
    assert p.loc[("QGH", "HYP"), "register"] == 155622 and p.loc[("QGH", "HYP"), "percent"] == 18.68


def test_qof_practice_prevalence_schema(mirror):
    d = primary_care.qof_practice_prevalence()
    assert d["practice_code"].nunique() == 6378
    assert d["register"].dtype == "int64"
    tot = d[(d.group_code == "HYP") & (d.list_type == "TOTAL")]
    assert tot["list_size"].sum() == 62378057  # PROVENANCE England list size
    assert abs(100 * tot["register"].sum() / tot["list_size"].sum() - 14.42) < 0.01
    assert int(d["register_exceeds_list"].sum()) == 1  # the one published LD row, kept and flagged


def test_heec_quintiles_converted_to_most_deprived_first(mirror):
    """HEEC quintile 1 = least deprived; the book's 1 = most deprived."""
    q = primary_care.heec_practice_imd_quintile()
    assert (q["practice_imd_quintile"] == 6 - q["heec_quintile"]).all()
    # the most deprived book quintile has the highest IMD scores
    med = q.groupby("practice_imd_quintile")["imd_score"].median()
    assert med.is_monotonic_decreasing
    h = primary_care.heec_practice_quintile_summaries()
    smi = h[(h.indicator == "Mental Health: QOF prevalence (all ages)") & (h.area_key == "england")
            & (h.year == 2023)].set_index("practice_quintile")["median_value"]
    # PROVENANCE: SMI prevalence rises from 0.72% (HEEC quin_1, least deprived) to 1.16% (quin_4_5)
    assert smi["5"] == pytest.approx(0.72, abs=0.01) and smi["1-2"] == pytest.approx(1.16, abs=0.01)
    with open(mirror / "heec_practice_deprivation_quintile_summaries" / "final_data.csv", encoding="utf-8") as fh:
        raw = [r for r in csv.DictReader(fh) if r["ICB.NAME"] == "Herefordshire and Worcestershire"
               and r["Indicator"].startswith("Last BP reading") and r["Year"] == "2023"][0]
    mine = h[(h.indicator == c5.BP_HEEC) & (h.area_key == "herefordshire and worcestershire") & (h.year == 2023)]
    mine = mine.set_index("practice_quintile")["median_value"]
    assert mine["5"] == pytest.approx(float(raw["quin_1"])) and mine["1-2"] == pytest.approx(float(raw["quin_4_5"]))


def test_cvdprevent_quintile_direction(mirror):
    c = clinical.cvdprevent_quintiles()
    hyp = c[c.indicator_code == "CVDP007HYP"].set_index("imd_quintile")
    # PROVENANCE: 71.9% treated in the most deprived quintile (1) vs 75.9% in the least (5)
    assert hyp.loc[1, "value"] == 71.86 and hyp.loc[5, "value"] == 75.86
    _, s = c5.cvdprevent_gradient(reps=2000)
    assert s.set_index("indicator_code").loc["CVDP007HYP", "value"] > 0  # least minus most deprived


def test_smi_checks_loader_and_icb_figure(mirror):
    s = clinical.smi_health_checks()
    assert s["org_code"].nunique() > 100 and len(s) == 23728 / 8
    # the 24 blank published cells (3 org-quarters) stay missing, never zero
    blank = s[s["suppressed"]]
    assert len(blank) == 3 and blank["SMIRegister"].isna().all()
    r = c5.smi_checks("QGH")
    last = r[r.area != "England"].sort_values("quarter_end").iloc[-1]
    assert (last["All6PHC"], last["SMIRegister"]) == (3962, 5171)  # PROVENANCE: QGH Q4 2023/24
    eng = r[r.area == "England"].sort_values("quarter_end").iloc[-1]
    assert (eng["All6PHC"], eng["SMIRegister"]) == (361210, 527556)


def test_cancer_stage_suppressed_never_numbers(mirror):
    cs = clinical.cancer_stage()
    raw = pd.read_csv(mirror / "cancer_stage" / "cancer-diagnosis-at-stage-1-and-2.csv", dtype=str)
    u = raw["status"].fillna("").eq("u")
    assert cs["value"].isna().sum() >= u.sum() and cs.loc[u.to_numpy(), "value"].isna().all()
    areas = c5.cancer_stage_areas("QGH")
    w = areas[(areas.area_code == "E10000034") & (areas.year == 2022)].iloc[0]
    assert w["value"] == pytest.approx(56.3, abs=0.05) and w["lower_ci"] == pytest.approx(54.5, abs=0.05)


def test_oral_health_and_self_harm_suppression(mirror):
    o = clinical.child_oral_health()
    raw = pd.read_csv(mirror / "fingertips_child_oral_health" / "children_dental_decay_district_ua.csv",
                      dtype=str, keep_default_na=False)
    na = raw["value"].isin(["NA", ""])
    assert na.any() and o.loc[na.to_numpy(), "value"].isna().all() and o.loc[na.to_numpy(), "suppressed"].all()
    h = o[(o.area_code == "E06000019") & (o.period == "2023/24")].iloc[0]
    assert h["value"] == 31.3 and h["compared_to_england"] == "Worse"
    sh = clinical.self_harm_admissions_10_24()
    assert sh.loc[(sh.area_code == "E92000001") & (sh.period == "2017/18"), "value"].iloc[0] == 421.2


def test_msds_suppressed_and_dq_text_are_missing(mirror):
    m = clinical.msds_measures()
    with gzip.open(mirror / "maternity_msds_monthly" / "msds-apr2025Provisional-exp-measures.csv.gz", "rt") as fh:
        raw = pd.read_csv(fh, dtype=str)
    star = raw["Value"].eq("*").to_numpy()
    dq = raw["Value"].isin(["Pass", "Fail", "Low DQ", "DNS"]).to_numpy()
    assert star.any() and m.loc[star, "value"].isna().all() and m.loc[star, "suppressed"].all()
    assert m.loc[dq, "value"].isna().all() and m.loc[dq, "dq_text"].notna().all()
    mat = c5.maternity_icb("QGH").set_index(["area", "indicator"])
    assert mat.loc[("Herefordshire and Worcestershire", "COC_by_28weeks"), ["numerator", "denominator"]].tolist() == [70, 585]
    assert mat.loc[("England", "CQIMSmokingDelivery"), ["numerator", "denominator"]].tolist() == [2295, 40945]


def test_hypertension_pooled_with_pcas(mirror):
    q = primary_care.qof_icb()
    h = q[(q.org_code == "QGH") & q.indicator_code.isin(["HYP008", "HYP009"])]
    expected = 100 * h["numerator"].sum() / (h["denominator"].sum() + h["pcas"].sum())
    r = c5.qof_indicator("QGH", c5.HYP_CODES, "hyp")
    assert r.iloc[0]["value"] == pytest.approx(expected)
    assert r.iloc[0]["lower_ci"] < r.iloc[0]["value"] < r.iloc[0]["upper_ci"]


def test_practice_quintiles_most_deprived_first(mirror):
    q = c5._practices_with_quintile()
    med = q.groupby("national_quintile")["imd_score"].median()
    assert med.is_monotonic_decreasing  # 1 = most deprived
    by_q = c5.prevalence_by_practice_quintile("QGH", ["COPD"])
    eng = by_q[by_q.area == "England"].set_index("practice_quintile")["value"]
    assert eng[1] > eng[5]  # COPD recorded prevalence higher in the most deprived practices


# ----------------------------------------------------------------------------- all 42 ICBs


def test_headline_figures_all_icbs(mirror):
    for icb in geography.all_icbs():
        h = c5.headline_figures(icb.ods_code)
        assert set(c5.HEADLINE_RANGES) <= set(h), icb.ods_code
        for key, (lo, hi) in c5.HEADLINE_RANGES.items():
            v = h[key]
            if isinstance(v, float) and math.isnan(v):
                assert key in c5.NOT_AVAILABLE, (icb.ods_code, key)
                # documented gap is real: the source has no row for this LMNS
                assert c5.maternity_icb(icb).query("area != 'England' and indicator == @c5.COC").empty
                continue
            assert lo <= v <= hi, (icb.ods_code, key, v)


# ----------------------------------------------------------------------------- build


@pytest.mark.parametrize("icb_code", ["QGH", "QHL", "QXU"])
def test_build_chapter(run_chapter, icb_code):
    entry, head = run_chapter("core20plus5", icb_code)
    heads = head["headlines"]
    for key, (lo, hi) in c5.HEADLINE_RANGES.items():
        assert key in heads, key
        assert lo <= heads[key]["value"] <= hi
    nb = json.loads((entry / "notebook.ipynb").read_text())
    text = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            for v in (out.get("data") or {}).values():
                text.append(v if isinstance(v, str) else "".join(v))
            text.append("".join(out.get("text", "")))
    joined = "\n".join(text)
    assert not re.search(r"\bnan\b|\bNaN\b", joined)
    assert "Summary: the ten areas" in json.dumps(nb) or "summary" in joined
    summary = pd.read_csv(entry / "data" / "core20plus5" / "summary.csv")
    assert len(summary) == 10
