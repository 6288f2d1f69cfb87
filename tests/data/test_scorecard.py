"""National objectives scorecard: loaders on the real files, values against the raw source files,
SPC readings on hand-checked series, the notebook for three ICBs, headline figures for all 42."""
from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis import geography, stats
from analysis.chapters import scorecard as S
from analysis.load import performance as P


def _raw(mirror, dataset, filename):
    """The raw file read with the csv module only (independent of the loaders)."""
    path = mirror / dataset / filename
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- loaders

@pytest.mark.parametrize("loader, rows, cols", [
    (P.cancer_waiting_times, 27455, ["level", "org_code", "standard", "month", "within_standard", "total", "performance"]),
    (lambda: P.ae_attendances("icb"), 1680, ["icb22_code", "month", "total_attendances", "pct_within_4h"]),
    (lambda: P.ae_attendances("trust"), 7895, ["nhs_trust22_code", "month", "attendances_over_4hours"]),
    (P.bed_occupancy, 5557, ["nhs_trust22_code", "month", "adult_general_acute_beds_occupied"]),
    (lambda: P.talking_therapies("sicbl"), 12826, ["sicbl22_code", "month", "measure", "value", "suppressed"]),
    (lambda: P.talking_therapies("trust"), 5016, ["nhs_trust22_code", "month", "measure", "value", "suppressed"]),
    (P.dementia_diagnosis_rate, 7722, ["month", "org_type", "ods_code", "recorded", "estimated", "diagnosis_rate"]),
    (P.ambsys_response_times_2017_2021, 3780, ["month", "org_code", "level", "category", "incidents"]),
])
def test_loaders_read_the_real_files(loader, rows, cols):
    df = loader()
    assert len(df) == rows
    assert set(cols) <= set(df.columns)


def test_loader_value_ranges_and_flags():
    cwt = P.cancer_waiting_times()
    assert cwt["performance"].dropna().between(0, 1).all()
    assert cwt.loc[cwt["total"] == 0, "performance"].isna().all()  # no patients -> no rate, never 0/1
    assert set(cwt.loc[cwt["level"] == "icb", "org_code"]) >= {i.ods_code for i in geography.all_icbs()}
    tt = P.talking_therapies("sicbl")
    assert tt.loc[tt["suppressed"], "value"].isna().all()
    amb = P.ambsys_response_times_2017_2021()
    assert amb["month"].max() == "2021-01"
    assert set(amb.loc[amb["level"] == "region", "org_code"]) == {f"Y{n}" for n in (56, 58, 59, 60, 61, 62, 63)}


@pytest.fixture(scope="module")
def gpad_raw(mirror):
    """The raw GPAD file read with plain pandas (all text but the count), not the loader."""
    return pd.read_csv(mirror / "gp_appointments" / "gpad_subicb_month.csv.gz", dtype=str,
                       usecols=["ICB_ONS_CODE", "APPOINTMENT_MONTH", "TIME_BETWEEN_BOOK_AND_APPT",
                                "COUNT_OF_APPOINTMENTS"]).astype({"COUNT_OF_APPOINTMENTS": "int64"})


def test_gp_appointments_aggregate_keeps_every_appointment(gpad_raw):
    total = int(gpad_raw["COUNT_OF_APPOINTMENTS"].sum())
    g = P.gp_appointments()
    assert int(g["appointments"].sum()) == total
    assert set(g["lead_time"]) == set(P.GPAD_LEAD_TIMES)


# --------------------------------------------------------------------------- values vs raw files

@pytest.fixture(scope="module")
def qgh():
    return S.scorecard("QGH")


def _value(series, month):
    d = series.data
    return float(d.loc[d["month"] == pd.Timestamp(month + "-01"), "value"].iloc[0])


def test_ae_matches_raw(mirror, qgh):
    # Before the official monthly files: NHS England's system-level ICB rows (the conversion).
    rows = {r["month"]: r for r in _raw(mirror, "ae_attendances", "ae_icb_month_healthyr.csv")
            if r["icb22_code"] == "E54000019"}
    dec = rows["2024-12"]
    assert _value(qgh.series["ae_4h"], "2024-12") == pytest.approx(
        100 * (1 - float(dec["attendances_over_4hours"]) / float(dec["total_attendances"])), abs=1e-9)
    # From the official files: the ICB's two acute trusts (RWP, RLQ) summed from the raw CSV cells,
    # equal to the conversion in a month the conversion gets right (July 2025).
    raw = _raw(mirror, "ae_monthly_official", "September-2025-Csv-7hjr2.csv")
    att = [c for c in raw[0] if c.startswith("A&E attendances")]
    over = [c for c in raw[0] if c.startswith("Attendances over 4hrs")]
    mine = [r for r in raw if r["Org Code"] in ("RWP", "RLQ")]
    n, b = sum(float(r[c]) for r in mine for c in att), sum(float(r[c]) for r in mine for c in over)
    assert len(att) == len(over) == 6 and len(mine) == 2
    assert _value(qgh.series["ae_4h"], "2025-09") == pytest.approx(100 * (1 - b / n), abs=1e-9)
    jul = rows["2025-07"]
    assert _value(qgh.series["ae_4h"], "2025-07") == pytest.approx(
        100 * (1 - float(jul["attendances_over_4hours"]) / float(jul["total_attendances"])), abs=1e-9)


def test_cancer_matches_raw(mirror, qgh):
    rows = _raw(mirror, "cancer_waiting_times", "cwt_org_month.csv")
    pick = {(r["standard"], r["month"]): r for r in rows if r["level"] == "icb" and r["org_code"] == "QGH"}
    for std, key in (("FDS28", "cancer_fds"), ("CMB62", "cancer_62")):
        for month in ("2024-03", "2025-03", "2026-04"):
            assert _value(qgh.series[key], month) == pytest.approx(100 * float(pick[(std, month)]["performance"]))
    # PROVENANCE: QGH March 2024 FDS 77.8% (2571/3303)
    assert _value(qgh.series["cancer_fds"], "2024-03") == pytest.approx(77.8, abs=0.05)
    assert qgh.series["cancer_62"].data["month"].min() == pd.Timestamp("2023-10-01")  # redefined standard


def test_rtt_65_weeks_matches_raw(mirror, qgh):
    rows = {r["month"]: r for r in _raw(mirror, "rtt_incomplete", "rtt_incomplete_org_month.csv")
            if r["level"] == "icb" and r["org_code"] == "QGH"}
    for month in ("2023-03", "2024-03", "2026-04"):
        assert _value(qgh.series["rtt_65w"], month) == float(rows[month]["over_65_weeks"])


def test_beds_match_raw(mirror, qgh):
    rows = [r for r in _raw(mirror, "bed_occupancy", "ga_beds_trust_month_healthyr.csv")
            if r["nhs_trust22_code"] in ("RWP", "RLQ") and r["month"] == "2024-09"]
    assert len(rows) == 2
    occ = sum(float(r["adult_general_acute_beds_occupied"]) for r in rows)
    avail = sum(float(r["adult_general_acute_beds_available"]) for r in rows)
    assert _value(qgh.series["beds_ga"], "2024-09") == pytest.approx(100 * occ / avail)
    assert "Worcestershire Acute" in qgh.series["beds_ga"].measured_for and "Wye Valley" in qgh.series["beds_ga"].measured_for


def test_dementia_and_hypertension_match_raw(mirror, qgh):
    rows = {r["Month"]: r for r in _raw(mirror, "dementia_diagnosis_rate", "pcdd_ddr65_by_org_month.csv")
            if r["Type"] == "ICB" and r["ODS Code"] == "QGH"}
    assert _value(qgh.series["dementia"], "2025-01") == float(rows["2025-01"]["Diagnosis rate (%)"]) == 55.1
    assert _value(qgh.series["dementia"], "2024-01") == 53.7
    q = {r["indicator_code"]: r for r in _raw(mirror, "qof_2425_icb", "qof2425_indicators_icb.csv")
         if r["org_code"] == "QGH"}
    num = sum(float(q[c]["numerator"]) for c in ("HYP008", "HYP009"))
    den = sum(float(q[c]["denominator"]) + float(q[c]["pcas"]) for c in ("HYP008", "HYP009"))
    assert qgh.series["hypertension"].latest == pytest.approx(100 * num / den)


def test_gp_iapt_ambulance_match_raw(mirror, qgh, gpad_raw):
    raw = gpad_raw[(gpad_raw["ICB_ONS_CODE"] == "E54000019") & (gpad_raw["APPOINTMENT_MONTH"] == "2025-11-01")]
    lead, n = raw["TIME_BETWEEN_BOOK_AND_APPT"], raw["COUNT_OF_APPOINTMENTS"]
    within = int(n[lead.isin(P.GPAD_WITHIN_2_WEEKS)].sum())
    known = int(n[lead != "Unknown / Data Quality"].sum())
    assert qgh.series["gp_2weeks"].latest == pytest.approx(100 * within / known)
    assert qgh.series["gp_appointments"].latest == int(n.sum())
    # PROVENANCE: E38000236 (18C, the ICB's only sub-ICB) July 2022: 920 accessing services
    assert _value(qgh.series["iapt_access"], "2022-07") == 920
    amb = [r for r in _raw(mirror, "ambsys_response_times_2017_2021", "ambsys_response_times_long.csv")
           if r["Org Code"] == "Y60" and r["category"] == "C2" and r["Year"] == "2021" and r["Month"] == "1"]
    assert qgh.series["ambulance_c2"].latest == pytest.approx(
        float(amb[0]["total_response_time_s"]) / float(amb[0]["incidents"]) / 60)
    assert qgh.series["ambulance_c2"].latest == pytest.approx(float(amb[0]["mean_response_time_s"]) / 60, abs=0.2)


def test_scorecard_table_shape_and_met(qgh):
    t = qgh.table
    assert len(t) == 31 and list(t["no"]) == list(range(1, 32))
    assert (t.loc[~t["measured"], "value_text"] == "Not measured in this edition").all()
    assert t.loc[~t["measured"], "source"].str.len().gt(10).all()
    ae = t.set_index("measure").loc["ae_4h"]
    assert ae["met"] == (qgh.series["ae_4h"].latest >= 76)
    # ambulance data end before 2023/24: shown but not counted
    assert t.set_index("measure").loc["ambulance_c2", "met"] is None
    assert qgh.n_met == int(sum(bool(m) for m in t["met"] if m is not None))


def test_closed_icb_series_stop_in_march_2026():
    s = S.measure_series("QJG", "cancer_fds")  # Suffolk and North East Essex: closed 1 April 2026
    assert s.latest_month == pd.Timestamp("2026-03-01")
    assert any("2026" in n for n in s.notes)
    q = S.measure_series("QGH", "cancer_fds")
    assert q.latest_month == pd.Timestamp("2026-04-01")


def test_icb_comparison_same_period_for_all():
    c = S.icb_comparison()
    for key, grp in c.groupby("measure"):
        assert grp["period"].nunique() == 1
        assert grp["is_england"].sum() == 1
        assert (~grp["is_england"]).sum() == 42, key
        assert grp.loc[~grp["is_england"], "rank"].min() == 1


# --------------------------------------------------------------------------- SPC readings

def test_spc_hand_checked_series():
    base = [74.0, 76.0] * 8  # mean 75, mean moving range 2 -> limits 75 +/- 5.32
    r = stats.spc(base, improvement_direction="increase", target=70)
    assert r.variation == "common_cause" and r.assurance == "inconsistent"
    assert r.summary["lower_process_limit"] == pytest.approx(75 - 2.66 * 2)
    assert stats.spc(base, improvement_direction="increase", target=60).assurance == "consistent_pass"
    assert stats.spc(base, improvement_direction="increase", target=90).assurance == "consistent_fail"
    # one point far above: mean 1295 / 17 = 76.18; moving ranges 2 (x 15) and 19, AMR 49 / 16 =
    # 3.0625; 19 >= 3.267 x 3.0625 is screened out, so the limits are 76.18 +/- 2.66 x 2 and 95
    # is above the upper limit
    spike = base + [95.0]
    assert stats.spc(spike, improvement_direction="increase", target=76).variation == "improvement_high"
    assert stats.spc(spike, improvement_direction="decrease", target=92).variation == "concern_high"
    assert S.VARIATION_WORDS["concern_high"].startswith("Special-cause concern")
    assert S.ASSURANCE_WORDS["inconsistent"] == "Hit and miss"


def test_dementia_spc_reading_is_a_run_hand_checked(qgh):
    s = qgh.series["dementia"]
    v = s.data["value"].to_numpy()
    # the last seven months are all above the series mean: a run of 7 -> special-cause improvement
    assert (v[-7:] > v.mean()).all()
    assert s.spc.variation == "improvement_high"
    assert s.spc.points["special_cause_type"].iloc[-1] in ("7 Points Above CL", "2 in 3 Above CL", "Above UCL",
                                                          "7 Point Trend (Increasing)")
    # every point's limits lie below the 66.7% target -> consistently fails
    assert s.spc.summary["upper_process_limit"] < 66.7 and s.spc.assurance == "consistent_fail"


def test_scorecard_spc_is_the_statistics_module(qgh):
    for key in ("ae_4h", "beds_ga", "rtt_65w", "cancer_fds"):
        s = qgh.series[key]
        rebase = ["2024-02-01"] if key == "rtt_65w" else None  # the RTT series break
        ref = stats.spc(s.data["value"].to_numpy(), s.data["month"], improvement_direction=s.spec.improvement,
                        target=s.spec.target, rebase=rebase)
        assert (s.spc.variation, s.spc.assurance) == (ref.variation, ref.assurance)
        row = qgh.table.set_index("measure").loc[key]
        assert row["variation"] == ref.variation and row["assurance"] == ref.assurance
        assert row["variation_type"] == ref.variation_type
        assert row["variation_text"].endswith(S.VARIATION_WORDS[ref.variation])
    assert qgh.series["rtt_65w"].spc.groups["start"].iloc[-1] == pd.Timestamp("2024-02-01")
    assert qgh.series["iapt_access"].spc is None  # 11 months: too few points
    assert qgh.series["hypertension"].spc is None  # one annual value


# --------------------------------------------------------------------------- headline figures, all ICBs

def test_headline_figures_all_icbs():
    for icb in geography.all_icbs():
        hf = S.headline_figures(icb.ods_code)
        for key, (lo, hi) in S.HEADLINE_RANGES.items():
            assert key in hf, (icb.ods_code, key)
            assert np.isfinite(hf[key]) and lo <= hf[key] <= hi, (icb.ods_code, key, hf[key])
        assert hf["n_met"] <= hf["n_with_target"] <= hf["n_measured"] <= hf["n_objectives"]


# --------------------------------------------------------------------------- the notebook

@pytest.mark.parametrize("icb_code", ["QGH", "QHL", "QXU"])
def test_notebook_builds(run_chapter, icb_code):
    entry, head = run_chapter("scorecard", icb_code)
    h = head["headlines"]
    expected = {"n_measured", "n_with_target", "n_met", *S._HEADLINE_KEYS.values()}
    assert expected <= set(h)
    for key in expected:
        v, lo, hi = h[key]["value"], h[key]["lo"], h[key]["hi"]
        assert v is not None and lo <= v <= hi, (icb_code, key, v)
    nb = json.loads((entry / "notebook.ipynb").read_text())
    text = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            for k, v in o.get("data", {}).items():
                if k.startswith("text/"):
                    text.append("".join(v) if isinstance(v, list) else v)
    joined = "\n".join(text)
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b", joined)
    assert geography.find_icb(icb_code).short_name.split()[0] in joined
    d = entry / "data" / "scorecard"
    for f in ("scorecard.csv", "icb_comparison.csv", "spc_uec_elective_cancer.png",
              "spc_primary_care_mental_health.png", "icb_comparison.png"):
        assert (d / f).exists(), f
    table = pd.read_csv(d / "scorecard.csv")
    assert len(table) == 31
