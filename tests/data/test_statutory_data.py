"""Loaders of the datasets behind the statutory health inequalities chapter, on the real files.

Each dataset is checked for: its schema on the real file; the direction of deprivation (a test
that fails if the loader's decile or quintile were reversed); cross-checks against published
figures quoted in its PROVENANCE.md; and every ICB present where it should be.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.load import access, ae_children, cardiovascular, census, immunisation, mental_health
from analysis.load._base import LoaderError

pytestmark = pytest.mark.usefixtures("mirror")


def _icbs() -> set[str]:
    from analysis.geography import icb_table

    return set(icb_table()["ICB24CDH"])


# ----------------------------------------------------------------------------- MHA detentions


@pytest.fixture(scope="module")
def mha():
    return mental_health.mha_detentions()


def test_mha_quarantined_rows_are_the_damaged_ones_and_never_returned(mha, mirror):
    q = mental_health.mha_quarantined_rows()
    assert len(q) == 190  # PROVENANCE: 190 rows whose labels the uploader overwrote
    # The loader's own rule finds exactly the rows the mirror's conversion flagged.
    csv = pd.read_csv(
        mirror / "mha_detentions_2023_24" / "mha_annual_2023_24_long.csv", usecols=["sheet_row", "label_suspect"]
    )
    assert set(q["sheet_row"]) == set(csv.loc[csv["label_suspect"] == 1, "sheet_row"])
    assert not set(q["sheet_row"]) & set(mha["sheet_row"])
    assert len(mha) + len(q) == len(csv)
    # No value leaves with a quarantined row.
    assert not {"total_count", "crude_rate", "mhsds_count"} & set(q.columns)
    # Gender labels appear only in the Gender demographic; no row has the damaged org level "h".
    gender = {"Male", "Female", "Non-binary", "Other", "Not stated", "All genders", "Missing"}
    assert not mha.loc[mha["demographic"] != "Gender", "breakdown"].isin(gender).any()
    assert mha["org_level"].notna().all()
    imd = mental_health.mha_detentions_by_imd()
    assert not imd["breakdown"].isin(gender).any()


def test_mha_imd_deciles_run_from_most_deprived(mha):
    imd = mental_health.mha_detentions_by_imd()
    eng = imd[(imd["org_level"] == "England") & imd["imd_decile"].notna()].set_index("imd_decile")
    # File label "10 Most deprived" (151.3 per 100,000, quoted by Mind) is the book's decile 1.
    assert eng.loc[1, "breakdown"] == "10 Most deprived"
    assert eng.loc[1, "crude_rate"] == pytest.approx(151.3)
    assert eng.loc[1, "total_count"] == 8254
    # Nationally the detention rate falls steadily from most to least deprived (deciles 1-8).
    rates = eng["crude_rate"].sort_index()
    assert rates.idxmax() == 1 and rates.is_monotonic_decreasing
    # The two least-deprived deciles lost their labels: absent, never stood in for.
    assert set(eng.index) == set(range(1, 9))
    assert eng.loc[8, "breakdown"] == "03 Less deprived" and eng.loc[8, "crude_rate"] == pytest.approx(54.9)


def test_mha_published_figures(mha):
    eng = mha[(mha["org_level"] == "England") & (mha["demographic"] == "All") & (mha["measure_subcategory"] == "All")]
    total = eng.set_index("measure")["total_count"]
    assert total["All detentions"] == 52458  # Mind: "risen to 52,458"
    assert total["Uses of CTOs"] == 5618  # Mind: "5,618 CTOs"
    eth = mental_health.mha_detentions_by_ethnicity()
    n = eth[(eth["org_level"] == "England") & (eth["measure_subcategory"] == "All")].set_index("ethnic_group")
    # "Black people are still more than 3.5 times more likely to be detained than white people".
    ratio = n.loc["Black or Black British", "std_rate"] / n.loc["White", "std_rate"]
    assert ratio == pytest.approx(242.3 / 68.4) and ratio > 3.5
    # ICB Black counts sum to the national count within rounding to 5 (5,690 vs 5,693).
    icb = eth[(eth["org_level"] == "ICB") & (eth["measure_subcategory"] == "All")]
    black = icb.loc[icb["ethnic_group"] == "Black or Black British", "total_count"].sum()
    assert black == 5690 and abs(black - n.loc["Black or Black British", "total_count"]) <= 5


def test_mha_icbs_and_example(mha):
    imd = mental_health.mha_detentions_by_imd()
    icb = imd[imd["org_level"] == "ICB"]
    assert _icbs() <= set(icb["icb_ods_code"].dropna())
    assert icb.loc[icb["icb_ods_code"].notna(), "icb_ons_code"].str.fullmatch(r"E54\d{6}").all()
    qgh = icb[icb["org_code"] == "QGH"].set_index("imd_decile")
    assert (qgh.loc[1, "total_count"], qgh.loc[1, "crude_rate"]) == (30, pytest.approx(100.4))
    assert (qgh.loc[8, "total_count"], qgh.loc[8, "crude_rate"]) == (45, pytest.approx(45.9))
    assert qgh["icb_ons_code"].iloc[0] == "E54000019"
    all_det = mha[
        (mha["org_code"] == "QGH")
        & (mha["demographic"] == "All")
        & (mha["measure"] == "All detentions")
        & (mha["measure_subcategory"] == "All")
    ]
    assert all_det["total_count"].tolist() == [420] and all_det["crude_rate"].tolist() == [pytest.approx(52.6)]
    # Suppressed counts stay missing, never zero.
    assert mha.loc[mha["suppressed"], "total_count"].isna().all()


# ----------------------------------------------------------------------------- CVDPREVENT


@pytest.fixture(scope="module")
def cvd():
    return cardiovascular.cvdprevent_icb_quintiles()


def test_cvd_quintile_direction_and_gradient(cvd):
    eng = cvd[(cvd["area_level"] == "England") & (cvd["period_end"] == "2023-12") & cvd["imd_quintile"].notna()]
    v = eng.set_index("imd_quintile")["value"]
    # PROVENANCE: lipid therapy is HIGHER in the most deprived quintile (66.5% vs 57.2%, Dec 2023).
    assert v[1] == pytest.approx(66.48) and v[5] == pytest.approx(57.15)
    qgh = cvd[(cvd["icb_ods_code"] == "QGH") & (cvd["period_end"] == "2023-12")].set_index("imd_quintile", drop=False)
    q1 = qgh[qgh["imd_quintile"] == 1].iloc[0]
    assert (q1["value"], q1["numerator"], q1["denominator"]) == (pytest.approx(62.03), 2785, 4490)
    persons = qgh[qgh["breakdown"] == "Persons"].iloc[0]
    assert (persons["value"], persons["numerator"], persons["denominator"]) == (pytest.approx(57.33), 27675, 48270)


def test_cvd_quintile_labels_reversed_are_turned_round():
    labels = pd.Series(["1 - least deprived", "2", "3", "4", "5 - most deprived"])
    assert cardiovascular._quintile(labels, "x.xlsx").tolist() == [5, 4, 3, 2, 1]
    with pytest.raises(LoaderError, match="direction"):
        cardiovascular._quintile(pd.Series(["1", "2", "3", "4", "5"]), "x.xlsx")


def test_cvd_england_totals_and_icbs(cvd):
    assert cvd["period"].nunique() == 4 and set(cvd["period_end"]) == {"2023-03", "2023-06", "2023-09", "2023-12"}
    for period, (num, den) in {"2023-03": (1_559_996, 2_601_523), "2023-12": (1_691_343, 2_783_139)}.items():
        p = cvd[(cvd["period_end"] == period) & (cvd["breakdown"] == "Persons")]
        eng = p[p["area_level"] == "England"].iloc[0]
        assert (eng["numerator"], eng["denominator"]) == (num, den)
        icb = p[p["area_level"] == "ICB"]
        assert set(icb["icb_ods_code"]) == _icbs()
        # ICB rows are rounded to 5: their sums differ from England by a few patients only.
        assert abs(icb["numerator"].sum() - num) < 50 and abs(icb["denominator"].sum() - den) < 50
    # 2023 ONS codes of Surrey Heartlands and Sussex map to the 2024 registry codes.
    m = cvd.drop_duplicates("area_code").set_index("area_code")
    assert m.loc["E54000052", "icb_ons_code"] == "E54000063" and m.loc["E54000052", "icb_ods_code"] == "QXU"
    assert m.loc["E54000053", "icb_ons_code"] == "E54000064" and m.loc["E54000053", "icb_ods_code"] == "QNX"


def test_cvd_practices_and_attribution():
    p = cardiovascular.cvdprevent_practices()
    assert len(p) == 6193 and p["suppressed"].sum() == 23
    assert p.loc[p["suppressed"], "value"].isna().all()
    assert p["numerator"].sum() == 1_691_260 and p["denominator"].sum() == 2_782_650
    assert set(p["icb_ods_code"].dropna()) == _icbs()
    text = cardiovascular.attribution("cvdprevent_icb_deprivation")
    assert "Office for Health Improvement and Disparities" in text and "NHS Benchmarking Network" in text
    assert "Copyright NHS England" in text


# ----------------------------------------------------------------------------- A&E 0-4


def test_ae_under5_deciles_from_labels():
    assert ae_children.imd_decile_from_label("Most deprived decile (IMD2019)") == 1
    assert ae_children.imd_decile_from_label("Fifth more deprived decile (IMD2019)") == 5
    assert ae_children.imd_decile_from_label("Fifth less deprived decile (IMD2019)") == 6
    assert ae_children.imd_decile_from_label("Second least deprived decile (IMD2019)") == 9
    assert ae_children.imd_decile_from_label("Least deprived decile (IMD2019)") == 10
    e = ae_children.ae_under5_england()
    d = e[
        (e["period"] == "2021-22") & e["breakdown"].str.startswith("County & UA") & e["breakdown"].str.contains("4/21")
    ]
    d = d.set_index("imd_decile")["value"]
    assert d[1] == pytest.approx(887.590462) and d[10] == pytest.approx(642.002719)
    d2 = e[
        (e["period"] == "2021-22")
        & e["breakdown"].str.startswith("District & UA")
        & e["breakdown"].str.contains("4/21")
    ]
    d2 = d2.set_index("imd_decile")["value"]
    assert d2[1] == pytest.approx(919.449080) and d2[10] == pytest.approx(624.957860)
    eng = e[(e["breakdown"] == "All") & (e["sex"] == "Persons")].set_index("period")
    assert (eng.loc["2021-22", "count"], eng.loc["2021-22", "denominator"]) == (2_332_838, 3_059_096)


def test_ae_under5_practices_to_icbs():
    p = ae_children.ae_under5_practices()
    assert len(p) == 6343 and p["suppressed"].sum() == 1
    assert (~p["icb_mapped"]).sum() == 5  # closed/merged practices absent from the 2022-23 mapping
    assert set(p["icb_ods_code"].dropna()) == _icbs()
    assert p["count"].sum() == 2_278_160 and p["denominator"].sum() == 3_036_228
    qgh = p[p["icb_ods_code"] == "QGH"]
    assert len(qgh) == 79 and qgh["count"].sum() == 20_495 and qgh["denominator"].sum() == 36_373
    assert 1000 * qgh["count"].sum() / qgh["denominator"].sum() == pytest.approx(563.5, abs=0.05)
    assert len(ae_children.ae_under5_pcns()) == 1191


# ----------------------------------------------------------------------------- Census 2021


def test_census_ethnicity_england_and_icbs():
    lsoa = census.census_ethnicity_lsoa()
    assert lsoa["lsoa_code"].nunique() == 33755
    per = lsoa.groupby("lsoa_code").agg(n=("n", "sum"), t=("total_residents", "first"))
    assert (per["n"] == per["t"]).all()
    assert per["t"].sum() == 56_490_108  # PROVENANCE: England, perturbed small-area total
    icb = census.census_ethnicity_icb()
    assert set(icb["icb_ods_code"]) == _icbs() and len(icb) == 42 * 5
    eng = icb.groupby("group")["n"].sum() / per["t"].sum()
    assert round(100 * eng["White"], 2) == 81.05 and round(100 * eng["Asian"], 2) == 9.61
    assert round(100 * eng["Black"], 2) == 4.22
    assert icb.groupby("icb_ods_code")["share"].sum().round(12).eq(1).all()


def test_census_ethnicity_ltla_19_groups():
    lt = census.census_ethnicity_ltla()
    assert lt["ltla_code"].str.startswith("E").all() and lt["ltla_code"].nunique() == 309
    assert (lt.groupby("ltla_code").size() == 19).all()
    assert lt["n"].sum() == lt.drop_duplicates("ltla_code")["ltla_total"].sum()


def test_census_disability_england():
    d = census.census_disability_lsoa()
    assert len(d) == 33755
    assert d["total_residents"].sum() == 56_490_046 and d["disabled"].sum() == 9_774_486  # 17.3% crude
    icb = census.census_disability_icb()
    assert set(icb["icb_ods_code"]) == _icbs()
    assert icb["disabled"].sum() == 9_774_486
    assert round(100 * icb["disabled"].sum() / icb["total_residents"].sum(), 1) == 17.3


# ----------------------------------------------------------------------------- access to a GP


@pytest.mark.parametrize("vintage,n,col", [(2019, 32844, "road_distance_gp_km"), (2025, 33755, "connectivity_score")])
def test_gp_access_lsoa(vintage, n, col):
    d = access.gp_access_lsoa(vintage)
    assert len(d) == n and d[col].notna().all()
    assert set(d["icb_ods_code"]) == _icbs()
    assert set(d["imd_decile"]) == set(range(1, 11))


def test_gp_access_direction():
    # PROVENANCE: median road distance 0.96 km. The most deprived decile (1, MHCLG) lives nearest a GP
    # and has the most patients per GP; if the deciles were reversed these would fail.
    d19 = access.gp_access_lsoa(2019)
    assert d19["road_distance_gp_km"].median() == pytest.approx(0.96, abs=0.005)
    s19 = access.gp_access_by_decile(2019).query("ruc_broad == 'All'").set_index("imd_decile")
    assert s19.loc[1, "median_road_distance_gp_km"] < s19.loc[10, "median_road_distance_gp_km"]
    s25 = access.gp_access_by_decile(2025).query("ruc_broad == 'All'").set_index("imd_decile")
    assert s25.loc[1, "median_patients_per_gp"] > s25.loc[10, "median_patients_per_gp"]
    assert s25["population"].sum() == access.gp_access_lsoa(2025)["population"].sum()
    rural = access.gp_access_by_decile(2019).query("ruc_broad != 'All'").groupby("ruc_broad")
    assert rural["median_road_distance_gp_km"].median()["Rural"] > rural["median_road_distance_gp_km"].median()["Urban"]


# ----------------------------------------------------------------------------- COVER


@pytest.fixture(scope="module")
def cover():
    return immunisation.cover_utla()


def test_cover_matches_published_england(cover):
    e = immunisation.cover_england()
    mmr = e[e["item"] == "24m_MMR1"].set_index(["financial_year", "quarter"])
    published = {
        ("2023-24", "Q1"): (89.460, 151_846),
        ("2023-24", "Q2"): (89.366, 163_654),
        ("2023-24", "Q3"): (88.580, 157_650),
        ("2023-24", "Q4"): (88.710, 145_584),
        ("2024-25", "Q1"): (89.235, 147_569),
        ("2024-25", "Q2"): (88.755, 154_848),
    }
    for key, (pct, den) in published.items():
        assert mmr.loc[key, "coverage"] == pytest.approx(pct, abs=0.0005) and mmr.loc[key, "denominator"] == den
    # 2024-25 Q3: fourteen London UTLAs [x]; England is not summed from the rest.
    q3 = mmr.loc[("2024-25", "Q3")]
    assert q3["n_missing"] == 14 and pd.isna(q3["coverage"])
    # 2024-25 Q4: only the Isles of Scilly suppressed; 88.8% published (140,203 children).
    q4 = mmr.loc[("2024-25", "Q4")]
    assert round(q4["coverage"], 1) == 88.8 and q4["denominator"] == 140_200 and not q4["complete"]
    q4all = e[(e["financial_year"] == "2024-25") & (e["quarter"] == "Q4")].set_index("item")["coverage"]
    for item, pct in {
        "12m_DTaPIPVHib3": 91.5,
        "12m_MenB": 91.4,
        "5y_MMR1": 92.4,
        "5y_MMR2_Boo": 84.5,
        "5y_DTaPIPV_Boo": 82.7,
    }.items():
        assert round(q4all[item], 1) == pct


def test_cover_markers_and_codes(cover, mirror):
    assert cover.groupby(["financial_year", "quarter"])["utla_ods_code"].nunique().eq(151).all()
    marked = cover[cover["marker"].notna()]
    assert marked["numerator"].isna().all()
    london_x = marked[(marked["marker"] == "[x]") & (marked["quarter"] == "Q3")]["utla_ods_code"].nunique()
    assert london_x == 14
    # Linked on ODS codes, one 2024 code per area in every quarter (Dorset, Somerset, N Yorkshire).
    assert cover.groupby("utla_ods_code")["utla_code_2024"].nunique().eq(1).all()
    assert set(cover.loc[cover["utla_ods_code"] == "218", "utla_ons_code"]) == {"E10000023", "E06000065"}
    # The same numbers as the mirror's independent flattening of the workbooks.
    csv = pd.read_csv(
        mirror / "childhood_immunisation_cover" / "cover_utla_quarterly_2023_24_to_2024_25.csv",
        dtype={"utla_ods_code": str},
    )
    csv = csv[~csv["item"].str.fullmatch(r"(12m|24m|5y)_Denom")]
    m = cover.merge(csv, on=["financial_year", "quarter", "utla_ods_code", "item"], suffixes=("", "_csv"))
    assert len(m) == len(cover) == len(csv)
    assert (m["numerator"].astype("Float64").fillna(-1) == m["numerator_csv"].fillna(-1)).all()
    assert (m["denominator"].astype("Float64").fillna(-1) == m["denominator_csv"].fillna(-1)).all()


def test_cover_icb_overlap():
    o = immunisation.cover_icb_overlap()
    assert set(o["icb_ods_code"]) == _icbs()
    assert o.groupby("icb_ods_code")["share_of_icb"].sum().round(9).eq(1).all()
    assert o.groupby("utla_ods_code")["share_of_area"].sum().round(9).eq(1).all()
    qgh = o[o["icb_ods_code"] == "QGH"].set_index("utla_name")
    assert set(qgh.index) == {"Worcestershire", "Herefordshire"} and (qgh["share_of_area"] == 1).all()
    cumbria = o[o["utla_name"] == "Cumbria"]
    assert set(cumbria["icb_ods_code"]) == {"QE1", "QHM"}  # split between two ICBs
    areas = immunisation.cover_area_utlas()
    assert set(areas.loc[areas["utla_name"] == "Hackney", "utla_code_2024"]) == {"E09000012", "E09000001"}
