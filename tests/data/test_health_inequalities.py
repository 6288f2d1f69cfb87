"""Health inequalities chapter: loaders on the real files, published figures reproduced, the SII
releases kept apart, the book's practice quintile with its gap and SII, suppression, the SII
method check for the methods page, the notebook as a document, and headlines for all 42 ICBs."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import deprivation, geography, headlines, stats
from analysis.chapters import health_inequalities as hi
from analysis.load import mortality as m
from analysis.load import primary_care

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_SRC = ROOT / "notebooks" / "src" / "health_inequalities.py"
REFERENCE_DATE = "2026-11-01"


def _raw(mirror, folder, name):
    with open(mirror / folder / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ----------------------------------------------------------------------------- loaders


def test_loader_shapes_and_schemas(mirror):
    assert len(m.life_expectancy()) == 5516
    assert len(m.sii_district_ua()) == 4752
    assert len(m.sii_district_ua_earlier()) == 5884
    assert len(m.sii_county_ua()) == 1848
    assert len(m.u75_preventable()) == 9801
    assert len(m.u75_cvd_preventable()) == 7150
    dec = m.le_by_decile()
    assert len(dec) == 7222 and set(dec["decile"]) == set(range(1, 11))
    hle = m.healthy_life_expectancy()
    assert hle["area_code"].str.startswith("E").all()
    assert not hle["area_code"].str.startswith("E07").any()  # ONS: no shire districts
    assert (hle["lower_ci"] <= hle["value"]).all() and (hle["value"] <= hle["upper_ci"]).all()
    assert m.period_label("2022-01-01/P3Y") == "2022-24"
    assert m.period_label("2015 - 17") == "2015-17"


def test_practice_loaders_handle_traps(mirror):
    le = m.practice_life_expectancy()
    assert not le.duplicated(["practice_code", "year"]).any()
    # the 8 split pairs are combined into one row with both sexes
    row = le[(le["practice_code"] == "A82019") & (le["year"] == 2020)].iloc[0]
    assert not math.isnan(row["le_female"]) and not math.isnan(row["le_male"])
    assert not le["practice_code"].str.match(r"E(38|92)\d{6}").any()
    imd = m.practice_imd_icb()
    # HEEC quintile 1 = least deprived: mean score rises with quintile (the chapter does not use it)
    assert imd.groupby("imd_quintile_heec")["imd_score"].mean().is_monotonic_increasing
    sizes = m.practice_list_sizes()
    assert sizes["practice_code"].is_unique and (sizes["list_size"] > 0).all()


# ----------------------------------------------------------------------------- practice quintile: the book's one definition


def test_practice_quintiles_are_the_books_national_fifths_of_patients():
    df, info = hi.practice_table("QGH")
    # the same cut as deprivation.practice_deprivation_quintiles over every QOF practice with a score
    sizes = m.practice_list_sizes()
    imd = primary_care.practice_imd(2019)[["practice_code", "imd_score"]]
    ref = deprivation.practice_deprivation_quintiles(sizes.merge(imd, on="practice_code"))
    got = df.set_index("practice_code")["practice_quintile"]
    assert got.equals(ref.set_index("practice_code")["practice_quintile"].reindex(got.index))
    # each fifth holds about a fifth of England's registered patients; 1 is the most deprived
    share = df.groupby("practice_quintile")["list_size"].sum() / df["list_size"].sum()
    assert list(share.index) == [1, 2, 3, 4, 5] and (share.sub(0.2).abs() < 0.01).all()
    assert df.groupby("practice_quintile")["imd_score"].mean().is_monotonic_decreasing
    assert info["qof_without_score"] == len(sizes) - len(df) == 19  # PROVENANCE: 19 lack a 2019 score


def test_practices_belong_to_their_icb_by_qof_code():
    # HEEC's ICB names put 28 West Birmingham practices in the Black Country; QOF registers them
    # with Birmingham and Solihull (code QHL), which is what the chapter uses.
    df, info = hi.practice_table("QHL")
    prev = primary_care.qof_practice_prevalence()
    qof = set(prev.loc[prev["icb_ods_code"] == "QHL", "practice_code"])
    assert set(df.loc[df["in_icb"], "practice_code"]) <= qof
    assert info["icb_practices"] == 182 and info["icb_with_le"] == 179


def test_weighted_mean_interval_is_the_ratio_estimator_sandwich():
    from scipy import stats as sps

    df = pd.DataFrame(
        {"g": [1, 1, 1, 2, 2, 3], "x": [78.0, 80.0, 81.0, 70.0, 72.0, 75.0], "w": [1000, 3000, 2000, 500, 1500, 800]}
    )
    res = stats.weighted_mean(df, "x", "w", "g").set_index("g")
    for g, part in df.groupby("g"):
        x, w = part["x"].to_numpy(), part["w"].to_numpy()
        mean = (w * x).sum() / w.sum()
        assert res.loc[g, "value"] == pytest.approx(mean)
        if len(x) > 1:
            n = len(x)
            se = math.sqrt(n / (n - 1) * (w**2 * (x - mean) ** 2).sum() / w.sum() ** 2)
            t = sps.t.ppf(0.975, n - 1)
            assert res.loc[g, "se"] == pytest.approx(se)
            assert res.loc[g, "lower_ci"] == pytest.approx(mean - t * se)
            assert res.loc[g, "upper_ci"] == pytest.approx(mean + t * se)
    assert math.isnan(res.loc[3, "lower_ci"])  # one unit: a mean, no interval
    with pytest.raises(stats.StatsInputError, match="weight"):
        stats.weighted_mean(df.assign(w=0), "x", "w")


def test_practice_quintile_means_and_the_gap_sign():
    summ = hi.practice_quintile_summary("QHL")
    df, _ = hi.practice_table("QHL")
    icb = df[df["in_icb"] & df["le_male"].notna()]
    q1 = icb[icb["practice_quintile"] == 1]
    row = summ[(summ["scope"] == "ICB") & (summ["sex"] == "Male") & (summ["quintile"] == 1)].iloc[0]
    assert row["value"] == pytest.approx(np.average(q1["le_male"], weights=q1["list_size"]))
    assert row["practices"] == len(q1) and row["registered_patients"] == q1["list_size"].sum()
    g = hi.practice_gradient("QHL").set_index(["scope", "sex"])
    q5 = summ[(summ["scope"] == "ICB") & (summ["sex"] == "Male") & (summ["quintile"] == 5)].iloc[0]
    # the book's gap sign: least minus most deprived where higher is better (positive = worse for the most deprived)
    assert g.loc[("ICB", "Male"), "gap"] == pytest.approx(q5["value"] - row["value"])
    assert g.loc[("ICB", "Male"), "gap"] > 0 and g.loc[("ICB", "Male"), "gap_words"] == "worse for the most deprived"
    # the SII on national fifths, with phe_sii's sign (positive = higher in the least deprived)
    assert g.loc[("ICB", "Male"), "sii"] > 0 and g.loc[("England", "Male"), "sii"] > 0


def test_practice_sii_only_where_every_national_fifth_is_filled():
    qgh = hi.practice_gradient("QGH").set_index(["scope", "sex"])
    # QGH has a single practice in national quintile 1: the gap compares quintiles 2 and 5, no SII
    assert (qgh.loc[("ICB", "Male"), ["most_deprived_quintile", "least_deprived_quintile"]] == [2, 5]).all()
    assert math.isnan(qgh.loc[("ICB", "Male"), "sii"]) and qgh.loc[("ICB", "Male"), "quintiles_too_thin_for_sii"] == "1"
    # England's gap between the same two quintiles is given for a like-for-like comparison
    eng = hi.practice_quintile_summary("QGH").query("scope == 'England' and sex == 'Male'").set_index("quintile")
    assert qgh.loc[("ICB", "Male"), "england_gap_same_quintiles"] == pytest.approx(
        eng.loc[5, "value"] - eng.loc[2, "value"]
    )
    words = hi.claims("QGH", 2019, REFERENCE_DATE)
    assert "practice_gap_and_sii_male" not in words and "practice_sii_vs_england_male" not in words
    qhl = hi.claims("QHL", 2019, REFERENCE_DATE)
    assert qhl["practice_gap_and_sii_male"].inputs["function"] == "gap_and_sii"
    assert qhl["practice_sii_vs_england_male"].words.endswith((" than", " to"))


# ----------------------------------------------------------------------------- suppression


def test_suppressed_values_stay_missing(mirror):
    u = m.u75_preventable()
    raw = _raw(mirror, "fingertips_mortality", "u75_preventable_mortality_district_ua.csv")
    n_blank = sum(1 for r in raw if r["value"] in ("", "NA"))
    assert n_blank > 0 and int(u["value"].isna().sum()) == n_blank == int(u["suppressed"].sum())
    assert u[u["area_code"] == "E06000053"]["value"].isna().all()
    assert not (u["value"] == 0).any()
    s = m.sii_county_ua()
    assert s["value"].isna().sum() == s["suppressed"].sum() > 0
    assert hi.u75_preventable_table("QGH")["value"].notna().all()


@pytest.mark.parametrize("icb, area", [("QMF", "City of London"), ("QT6", "Isles of Scilly")])
def test_suppressed_areas_are_named_and_left_out_of_ranges(icb, area):
    le = hi.le_series(icb)
    latest = le["period"].max()
    assert area in hi.suppressed_areas(le, latest)
    head = hi.headline_figures(icb)
    shown = le[(le["period"] == latest) & (le["sex"] == "Male") & le["kind"].isin(["unitary", "district"])]
    assert head["le_male_min_la"] == shown["value"].min() and not math.isnan(head["le_male_min_la"])
    assert area in hi._suppressed_note(geography.find_icb(icb).ods_code)
    assert hi._suppressed_note("QGH") == ""


# ----------------------------------------------------------------------------- published figures


def test_published_series_match_source_cells(mirror):
    ser = hi.sii_series("QGH")
    for src, name in (
        ("district_ua_2026", "inequality_life_expectancy_district_ua.csv"),
        ("district_ua_2024", "inequality_life_expectancy_district_ua_2010-12_to_2018-20.csv"),
    ):
        raw = {
            (r["area_code"], r["period"], r["inequality"]): float(r["value"])
            for r in _raw(mirror, "fingertips_inequality_life_expectancy", name)
            if r["value"] not in ("", "NA")
        }
        rows = ser[(ser["source"] == src) & ser["value"].notna()]
        assert len(rows) > 50
        for r in rows.itertuples():
            assert r.value == raw[(r.data_code, r.period.replace("-", " - "), r.sex)]
    le_raw = {
        (r["area_code"], r["period"], r["inequality"]): float(r["value"])
        for r in _raw(mirror, "fingertips_life_expectancy", "life_expectancy_district_ua.csv")
        if r["value"] not in ("", "NA")
    }
    for r in hi.le_series("QHL").itertuples():
        assert r.value == le_raw[(r.data_code, r.period.replace("-", " - "), r.sex)]
    cvd_raw = {
        (r["areacd"], r["period"]): (float(r["observation"]), float(r["lci_95"]), float(r["uci_95"]))
        for r in _raw(mirror, "fingertips_mortality", "preventable-cardiovascular-mortality-england.csv")
    }
    for r in hi.u75_cvd_table("QXU").itertuples():
        assert (r.value, r.lower_ci, r.upper_ci) == cvd_raw[(r.data_code, f"{r.period[:4]}-01-01/P3Y")]


def test_plan_figures_and_known_values():
    plan = hi.plan_comparison("QGH").set_index("area_name")
    assert plan.loc["Worcestershire", "sii_plan_period"] == 7.8
    assert plan.loc["Herefordshire, County of", "sii_plan_period"] == 4.9
    assert plan.loc["Herefordshire, County of", "sii_latest"] == 5.8
    assert plan.loc["Herefordshire, County of", "latest_period"] == "2022-24"
    assert plan.loc["England", "sii_latest"] == 10.4
    quotes = hi.plan_quotes()
    assert quotes.period == "2011-13" and quotes.quotes["QGH"].quoted == {"E10000034": 7.8, "E06000019": 4.9}
    le = hi.le_series("QGH")
    herefs = le[(le["area_code"] == "E06000019") & (le["period"] == "2022-24")].set_index("sex")["value"]
    assert herefs["Male"] == 80.2 and herefs["Female"] == 83.6
    hle = hi.hle_series("QGH")
    eng = hle[(hle["area_code"] == "E92000001") & (hle["period"] == "2022-24")].set_index("sex")["value"]
    assert eng["Male"] == 60.9 and eng["Female"] == 61.3
    # ONS HLE equals the Fingertips copy where both exist
    ft = m.healthy_life_expectancy_fingertips()
    ons = m.healthy_life_expectancy()
    j = ft.merge(ons, on=["area_code", "period", "sex"], suffixes=("_ft", "_ons"))
    assert len(j) > 1000 and (j["value_ft"] - j["value_ons"]).abs().max() < 0.051


def test_comparisons_with_england_come_from_the_published_intervals():
    cvd = hi.u75_cvd_table("QGH")
    w = cvd[(cvd["area_code"] == "E10000034") & (cvd["period"] == "2022-24")].iloc[0]
    assert round(w["value"], 1) == 26.8 and w["significance"] == "better"  # CI 24.5-29.3 < England 30.2
    for t, pol in ((cvd, "lower_is_better"), (hi.hle_table("QHL"), "higher_is_better")):
        t = t[t["kind"] != "england"]
        above, below = t["lower_ci"] > t["england"], t["upper_ci"] < t["england"]
        good = below if pol == "lower_is_better" else above
        bad = above if pol == "lower_is_better" else below
        expect = np.where(good, "better", np.where(bad, "worse", "similar"))
        assert (t["significance"].to_numpy() == expect).all()
        assert all(c.inputs["function"] == "judge" for c in t["claim"])
    birm = hi.hle_table("QHL").query("area_name == 'Birmingham' and period == '2022-24' and sex == 'Male'").iloc[0]
    assert birm["significance"] == "worse"  # 58.3 (56.2-60.4) against England's 60.9


# ----------------------------------------------------------------------------- SII releases never joined


def test_sii_releases_stay_separate_in_tables_and_figure():
    ser = hi.sii_series("QGH")
    assert not ser.duplicated(["area_code", "sex", "period", "source"]).any()
    both = ser.dropna(subset=["value"]).groupby(["area_code", "sex", "period"])["source"].nunique()
    assert (both > 1).any()  # the overlapping periods of two releases are both kept, each with its own row
    fig = hi.fig_sii_trend(ser)
    d = ser[ser["kind"].isin(["county", "unitary", "england"]) & ser["value"].notna()]
    for ax, sex in zip(fig.axes[:2], ("Male", "Female")):
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
        assert len(lines) == d[d["sex"] == sex].groupby(["area_code", "source"]).ngroups
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert "(since revised)" in hi._release_label("district_ua_2024")
    assert "county_ua" not in " ".join(hi._release_label(k) for k in m.SII_SOURCES)


# ----------------------------------------------------------------------------- SII method check (methods page)


def test_sii_backtest_reproduces_published_values():
    bt = hi.sii_backtest()
    first = bt[(bt["comparator"] == "first published") & bt["published"].notna()]
    assert len(first) > 250 and first["difference"].abs().median() < 0.15
    assert (first["agrees"]).mean() > 0.6
    res = bt.set_index(["area_code", "sex"])
    for code, sex, pub in [
        ("E92000001", "Male", 9.4),
        ("E92000001", "Female", 7.3),
        ("E10000034", "Male", 7.9),
        ("E10000034", "Female", 6.7),
        ("E06000019", "Male", 4.0),
        ("E06000019", "Female", 2.7),
    ]:
        assert res.loc[(code, sex), "published"] == pub
        assert abs(res.loc[(code, sex), "value"] - pub) <= hi.BACKTEST_TOLERANCE
    assert res.loc[("E92000001", "Male"), "value"] == pytest.approx(9.35, abs=0.01)  # PROVENANCE: 9.35
    assert bt.attrs["incomplete"] == ["Isles of Scilly"]


def test_validation_markdown_is_a_methods_section_with_caveats():
    md = hi.validation_markdown()
    assert md.startswith("## ") and "PHEindicatormethods" in md and "inferred" in md
    assert "not evidence about any area" in md and "Isles of Scilly" in md
    assert "9.35 years recomputed for men against 9.4 years published" in md
    # the period and geography of the test file are the manifest's (PROVENANCE: 2014-16, pre-April-2019 LAs)
    assert "its SIIs match the published 2014-16 values" in md and "as they were before April 2019" in md
    assert "`" not in md and not re.search(r"\bnan\b|LE_testdata|county_ua", md)


# ----------------------------------------------------------------------------- headlines, all ICBs


def test_headline_figures_all_icbs():
    ranges = headlines.ranges("health_inequalities")
    for icb in geography.all_icbs():
        h = hi.headline_figures(icb.ods_code)
        assert set(h) == set(ranges), icb.ods_code
        for k, v in h.items():
            lo, up = ranges[k]
            assert v == v and lo <= v <= up, (icb.ods_code, k, v)
        assert h["le_male_min_la"] <= h["le_male_max_la"]


def test_reorganised_areas_reported_not_failed():
    # Dorset ICB: BCP and Dorset councils (2019) are not in the county/UA release of the plan period
    dorset = [i for i in geography.all_icbs() if i.short_name == "Dorset"][0]
    areas = hi.icb_areas(dorset.ods_code)
    assert set(hi.missing_areas(m.sii_county_ua(), areas, ("unitary",))) >= {
        "Bournemouth, Christchurch and Poole",
        "Dorset",
    }
    plan = hi.plan_comparison(dorset.ods_code)
    assert plan.loc[plan["kind"] != "england", "sii_plan_period"].isna().all()
    # Barnsley / Sheffield: HLE only under the 2025 codes, found through the successor map
    sy = [i for i in geography.all_icbs() if i.short_name == "South Yorkshire"][0]
    assert {"Barnsley", "Sheffield"} <= set(hi.hle_series(sy.ods_code)["area_name"])


# ----------------------------------------------------------------------------- the notebook is a document


def _notebook_parts() -> tuple[str, list[str]]:
    text = NOTEBOOK_SRC.read_text(encoding="utf-8")
    cells = re.split(r"^# %%.*$", text, flags=re.M)
    code = [c for c in cells if c.strip() and not all(ln.startswith("#") for ln in c.strip().splitlines())]
    return text, code


def test_notebook_has_short_code_no_defs_and_no_typed_periods():
    text, code = _notebook_parts()
    lines = [ln for c in code for ln in c.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) < 40, lines
    assert not re.search(r"^\s*(def|class|for|while|if)\b", "\n".join(lines), flags=re.M)
    assert not re.search(
        r"20\d\d-\d\d|20\d\d/\d\d|(January|February|March|April|May|June|July|August|September|"
        r"October|November|December) 20\d\d",
        text,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The chapter built in-process for QGH (no kernel: nothing is displayed); its data folder."""
    tmp_path = tmp_path_factory.mktemp("hi-qgh")
    return hi.build("QGH", 2019, tmp_path / "data", REFERENCE_DATE), tmp_path


def test_build_makes_and_glues_exactly_what_the_notebook_uses(built):
    text, _ = _notebook_parts()
    used = set(re.findall(r"\{glue:(?:text|md)\}`([a-z0-9_]+)`", text))
    shows = re.findall(r'ch\.show\("([a-z0-9_]+)"\)', text)
    ch, tmp_path = built
    assert used == set(ch.glued), used ^ set(ch.glued)
    for name in shows:
        ch.show(name)
    assert ch.not_shown() == []
    # every claim glued or shown is recorded for the audit and is one claims() gives
    words = hi.claims("QGH", 2019, REFERENCE_DATE)
    assert set(ch.claims) <= set(words)
    for key, claim in ch.claims.items():
        assert claim.inputs.get("function"), key
    doc = json.loads((tmp_path / "data" / "headline.json").read_text())
    assert set(doc["headlines"]) == set(headlines.registry("health_inequalities"))
    assert doc["headlines"]["sii_male_max_la"]["extra"]["evidence"] == "figure-sii_latest"
    assert "7.8 years in Worcestershire" in ch._blocks["plan_figures"][1]
    for name in ("le_trend", "hle_gap", "sii_trend", "sii_latest", "premature_mortality", "practice_le"):
        assert (tmp_path / "data" / f"{name}_data.csv").stat().st_size > 200


@pytest.mark.parametrize("icb", ["QGH", "QHL", "QXU"])
def test_notebook_builds(run_chapter, icb):
    entry, head = run_chapter("health_inequalities", icb)
    ranges = headlines.ranges("health_inequalities")
    assert set(head["headlines"]) == set(ranges)
    for k, h in head["headlines"].items():
        assert ranges[k][0] <= h["value"] <= ranges[k][1], (icb, k)
    nb = json.loads((entry / "notebook.ipynb").read_text())
    text = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            for v in out.get("data", {}).values():
                text.append("".join(v) if isinstance(v, list) else str(v))
            text.append("".join(out.get("text", "")))
    joined = "\n".join(text)
    assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", joined)
    assert ("What the plan said" in joined) == (icb == "QGH")
    out_dir = entry / "data" / "health_inequalities"
    for name in ["le_trend", "hle_gap", "sii_trend", "sii_latest", "premature_mortality", "practice_le"]:
        assert (out_dir / f"{name}.png").stat().st_size > 5000
    assert not (out_dir / "le_by_decile.csv").exists() and not (out_dir / "sii_backtest.csv").exists()
    assert set(head["claims"]) <= set(hi.claims(icb, 2019, REFERENCE_DATE))


# ----------------------------------------------------------------------------- what the key findings page shows


def _la_rows(tab: pd.DataFrame, period: str, value: str) -> pd.DataFrame:
    """Published values of the ICB's districts and unitary authorities in one period of a chapter table."""
    rows = tab[(tab["Period"].astype(str) == period) & ~tab["Type of area"].isin(["England", "County"])]
    return rows.dropna(subset=[value])


def _check_extreme(extra: dict, value: float, tab: pd.DataFrame, col: str, highest: bool) -> bool:
    """The headline's place, England and change agree with the chapter table ``tab``; True when a
    change is given."""
    periods = sorted(tab["Period"].astype(str).unique())
    now = _la_rows(tab, periods[-1], col)
    best = now[col].max() if highest else now[col].min()
    assert value == pytest.approx(best)
    assert extra["place"] == hi._and(sorted(now.loc[now[col] == best, "Area"]))
    eng = tab[(tab["Period"].astype(str) == periods[-1]) & (tab["Type of area"] == "England")]
    assert extra["england"] == pytest.approx(eng[col].item())
    assert extra["period_end"] == f"20{periods[-1][-2:]}-12-31" and extra["frequency"] == "annual"
    before = _la_rows(tab, periods[-2], col)
    best_before = before[col].max() if highest else before[col].min()
    same = set(before["Area"]) == set(now["Area"]) and set(before.loc[before[col] == best_before, "Area"]) == set(
        now.loc[now[col] == best, "Area"]
    )
    if same:
        assert extra["previous"] == pytest.approx(best_before) and extra["previous_period"] == periods[-2]
    else:
        assert "previous" not in extra and "previous_period" not in extra
    return same


def test_key_findings_fields_agree_with_the_chapters_tables(built):
    ch, tmp_path = built
    data = tmp_path / "data"
    head = ch.headlines
    changes = 0
    le = pd.read_csv(data / "le_trend_data.csv")
    sii = pd.read_csv(data / "sii_series.csv")
    sii = sii[sii["Release"].str.startswith("Latest release")]  # never a value of the earlier release
    for sex in hi.SEXES:
        s = sex.lower()
        t = le[le["Sex"] == sex]
        for key, highest in ((f"le_{s}_min_la", False), (f"le_{s}_max_la", True)):
            changes += _check_extreme(head[key].extra, head[key].value, t, "Life expectancy (years)", highest)
        t = sii[sii["Sex"] == sex]
        key = f"sii_{s}_max_la"
        changes += _check_extreme(head[key].extra, head[key].value, t, "Slope index of inequality (years)", True)
        # England's own SII row is the England column of the widest gap's row, so it is not shown twice
        assert head[f"sii_{s}_england"].extra["summary"] is False
        assert head[f"sii_{s}_england"].value == head[key].extra["england"]
    u75 = pd.read_csv(data / "u75_preventable.csv")
    years = sorted(c for c in u75.columns if c.isdigit())
    u75 = u75.melt(id_vars=["Area", "Type of area"], value_vars=years, var_name="Period", value_name="rate")
    changes += _check_extreme(
        head["u75_preventable_max_la"].extra, head["u75_preventable_max_la"].value, u75, "rate", True
    )
    assert changes >= 2, "QGH has extremes held by the same place in both periods: some change must be given"
    prac = pd.read_csv(data / "practice_le_data.csv")
    for sex in hi.SEXES:
        col = f"{sex} life expectancy (years)"
        ok = prac[col].notna()
        extra = head[f"practice_le_{sex.lower()}"].extra
        assert extra["england"] == pytest.approx(np.average(prac.loc[ok, col], weights=prac.loc[ok, "List size"]))
        assert "previous" not in extra and "place" not in extra
    # no national objective covers these measures
    assert not any("target_text" in h.extra for h in head.values())


def test_change_since_the_previous_release_period_not_the_earlier_release():
    """QGH: Redditch has the widest female SII in both of the latest release's last two periods;
    the change is against that release's own previous period (the earlier release was revised)."""
    extra = hi.headline_fields("QGH")["sii_female_max_la"]
    raw = m.sii_district_ua()
    prev = raw[
        (raw["area_code"] == "E07000236") & (raw["sex"] == "Female") & (raw["period"] == extra["previous_period"])
    ]
    assert extra["place"] == "Redditch" and extra["previous"] == prev["value"].item()


def _series(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["area_code", "area_name", "period", "value"])
    df["kind"] = np.where(df["area_code"] == hi.ENGLAND, "england", "district")
    return df.assign(sex="Male")


@pytest.mark.parametrize(
    "before, place, previous",
    [
        ({"A": 70.0, "B": 72.0}, "Ashby", 70.0),  # the same authority was lowest: its change is given
        ({"A": 73.0, "B": 72.0}, "Ashby", None),  # another was lowest then: no change
        ({"A": 70.0, "B": None}, "Ashby", None),  # one was not published then: not the same comparison
    ],
)
def test_a_change_is_given_only_when_the_same_place_was_at_the_extreme(before, place, previous):
    names = {"A": ("E07000001", "Ashby"), "B": ("E07000002", "Barton")}
    rows = [(hi.ENGLAND, "England", p, v) for p, v in (("2020-22", 79.0), ("2021-23", 79.5))]
    rows += [(*names[k], "2021-23", v) for k, v in {"A": 71.0, "B": 72.5}.items()]
    rows += [(*names[k], "2020-22", v) for k, v in before.items()]
    out = hi.extreme_la_fields(_series(rows), "Male", highest=False, dataset=m.LE_DS)
    assert out["place"] == place and out["england"] == 79.5 and out["period_end"] == "2023-12-31"
    assert out.get("previous") == previous and ("previous_period" in out) == (previous is not None)


def test_authorities_tied_at_the_extreme_are_all_named():
    rows = [
        (hi.ENGLAND, "England", "2021-23", 79.5),
        ("E07000001", "Ashby", "2021-23", 71.0),
        ("E07000002", "Barton", "2021-23", 71.0),
        ("E07000003", "Cole", "2021-23", 74.0),
    ]
    out = hi.extreme_la_fields(_series(rows), "Male", highest=False, dataset=m.LE_DS)
    assert out["place"] == "Ashby and Barton" and "previous" not in out


def test_key_findings_page_shows_the_places_england_and_the_changes(built):
    from types import SimpleNamespace

    from analysis import frontmatter

    ch, tmp_path = built
    doc = json.loads((tmp_path / "data" / "headline.json").read_text())
    book = SimpleNamespace(chapters=[SimpleNamespace(id="health_inequalities", title="Health inequalities")])
    params = SimpleNamespace(icb=geography.find_icb("QGH"), imd_version=2019)
    page = frontmatter.render_summary(
        book, params, {"health_inequalities": doc}, reference_date=pd.Timestamp(REFERENCE_DATE).date()
    )
    rows = {r.group(1): r.group(0) for r in re.finditer(r'<tr[^>]*data-key="([a-z0-9_]+)".*?</tr>', page, re.S)}
    assert not {"sii_male_england", "sii_female_england"} & set(rows)
    sii = rows["sii_female_max_la"]
    assert "(Redditch)" in sii and ">8.0 years<" in sii and "since 2021-23" in sii
    assert re.search(r">\+0\.8 years<", sii)  # 11.1 in 2022-24 against 10.3 in 2021-23
    # practice life expectancy is labelled 2020: out of date; the latest life expectancy is not
    assert 'data-out-of-date="true"' in rows["practice_le_male"]
    assert 'data-out-of-date="false"' in rows["le_male_min_la"]
    assert "does not yet give the date" not in page
