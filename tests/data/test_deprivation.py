"""Deprivation loaders and the public deprivation API, checked against the published files.

* IMD 2019 score derived from File 9 with the official weights reproduces the published File 10
  local-authority average scores (population-weighted with the File 6 mid-2015 denominators).
* IMD 2025 LSOA data reproduce the official File 13 ICB summaries where both measure the same thing.
* England's Core20 share is 20% to rounding under each vintage; every ICB gets a share and a rank.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from analysis import deprivation as dep
from analysis import stats
from analysis.load import deprivation as dl


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory, mirror):
    import os

    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("dep-cache"))
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


def _raw_rows(mirror, folder, filename, key, code):
    with open(mirror / folder / filename, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row[key] == code:
                return row
    raise AssertionError(f"{code} not in {filename}")


# ----------------------------------------------------------------------------- loaders


def test_imd2019_files_schema():
    f1 = dl.imd2019_file1()
    assert len(f1) == dl.N_LSOA11 and f1["lsoa_code"].is_unique
    # ranks published with thousands separators ("29,199") parse as integers 1..N
    assert f1["imd_rank"].dtype == "int64" and f1["imd_rank"].min() == 1 and f1["imd_rank"].max() == dl.N_LSOA11
    counts = f1["imd_decile"].value_counts()
    assert set(counts.index) == set(range(1, 11)) and set(counts) <= {3284, 3285}
    f2, f3 = dl.imd2019_file2(), dl.imd2019_file3()
    for d in dl.DOMAINS:
        assert set(f2[f"{d}_decile"].value_counts()) <= {3284, 3285}
    for d in dl.SUPPLEMENTARY:
        assert set(f3[f"{d}_decile"].value_counts()) <= {3284, 3285}
    f9 = dl.imd2019_file9()
    assert f9.drop(columns="lsoa_code").notna().all().all()
    assert (dl.imd2019_file6()["pop_mid2015"] > 0).all()


def test_imd2019_lsoa_table_sample_cells(mirror):
    df = dl.imd2019_lsoa11().set_index("lsoa_code")
    code = "E01032332"  # Worcester 002D
    raw1 = _raw_rows(mirror, "imd2019_lsoa", dl.F1, "LSOA code (2011)", code)
    raw9 = _raw_rows(mirror, "imd2019_lsoa", dl.F9, "LSOA code (2011)", code)
    raw3 = _raw_rows(mirror, "imd2019_lsoa", dl.F3, "LSOA code (2011)", code)
    assert df.loc[code, "imd_rank"] == int(raw1["Index of Multiple Deprivation (IMD) Rank"].replace(",", ""))
    assert df.loc[code, "imd_decile"] == int(raw1["Index of Multiple Deprivation (IMD) Decile"])
    assert df.loc[code, "idaci_rank"] == int(
        float(raw3["Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)"])
    )
    expected = sum(
        w * float(raw9[f"{dl._F9_NAMES[d]} Score - exponentially transformed"]) for d, w in dl.IMD2019_WEIGHTS.items()
    )
    assert df.loc[code, "imd_score"] == pytest.approx(round(expected, 3), abs=1e-9)
    # the published score of the first LSOA (IoD2019 File 5/7) is 6.208
    assert df.loc["E01000001", "imd_score"] == pytest.approx(6.208, abs=1e-9)


def test_weights_are_the_official_ones():
    assert dl.IMD2019_WEIGHTS == {
        "income": 0.225,
        "employment": 0.225,
        "education": 0.135,
        "health": 0.135,
        "crime": 0.093,
        "barriers": 0.093,
        "living_env": 0.093,
    }


def test_derived_score_reproduces_file10_la_average_scores():
    """MHCLG's LA 'IMD - Average score' is the mid-2015-population-weighted mean LSOA score."""
    i = dl.imd2019_lsoa11()
    i["w"] = i["imd_score"] * i["pop_mid2015"]
    g = i.groupby("lad19_code")[["w", "pop_mid2015"]].sum()
    mine = (g["w"] / g["pop_mid2015"]).rename("mine")
    f10 = dl.imd2019_lad_summary("IMD").set_index("lad19_code")
    both = f10.join(mine, how="inner")
    assert len(both) == 317
    assert (both["mine"] - both["average_score"]).abs().max() < 0.001
    # and the share of LSOAs in the most deprived decile (File 10, 4 dp)
    prop = i.assign(d1=i["imd_decile"] == 1).groupby("lad19_code")["d1"].mean()
    assert (both["proportion_of_lsoas_in_most_deprived_10_nationally"] - prop).abs().max() < 0.00006


def test_derived_score_orders_like_the_published_rank():
    i = dl.imd2019_lsoa11()
    r = dl.derive_imd2019_score(i, decimals=None).rank(ascending=False, method="min")
    # File 9 is rounded to 3 dp, so near-equal LSOAs can swap: 29,650 ranks exact, all within 4 places
    assert (r - i["imd_rank"]).abs().max() <= 4
    assert (r == i["imd_rank"]).sum() >= 29_650


def test_cross_check_with_precombined_table():
    mine = dl.imd2019_lsoa11().set_index("lsoa_code")
    comb = dl.imd2019_combined_check().set_index("lsoa_code")
    assert (mine["imd_score"] - comb.loc[mine.index, "imd_score_derived"]).abs().max() < 0.0005
    assert (mine["imd_decile"] == comb.loc[mine.index, "imd_decile"]).all()


def test_imd2025_and_population_loaders(mirror):
    i = dl.imd2025_lsoa21()
    assert len(i) == dl.N_LSOA21 and i["lsoa_code"].is_unique
    assert set(i["imd_decile"].value_counts()) <= {3375, 3376}
    raw = _raw_rows(mirror, "imd2025_lsoa", dl.IMD25_FILE, "lsoa21_code", "E01000001")
    row = i.set_index("lsoa_code").loc["E01000001"]
    assert row["imd_score"] == pytest.approx(float(raw["IMD_score"]))
    assert row["barriers_rank"] == int(raw["Housing_and_Services_rank"])
    p20 = dl.population_lsoa11(2020)
    assert p20["population"].sum() == 56_550_138  # published ONS England mid-2020 total
    assert (p20[list(dl.MID_YEAR_BANDS)].sum(axis=1) == p20["population"]).all()
    assert dl.population_lsoa11(2019)["population"].sum() == 56_286_961
    c21 = dl.census2021_lsoa21()
    assert len(c21) == dl.N_LSOA21 and c21["population"].sum() == 56_489_608
    assert dl.ruc2011_lsoa11()["ruc_broad"].isin(["Urban", "Rural"]).all()
    assert len(dl.ruc2021_lsoa21()) == dl.N_LSOA21
    with pytest.raises(ValueError):
        dl.population_lsoa11(2021)


def test_boundaries_read_via_vsigzip():
    g = dl.lsoa_boundaries(2011, codes=["E01032332", "E01000001"])
    assert len(g) == 2 and g.crs.to_epsg() == 4326
    assert len(dl.icb_boundaries()) == 42


# ----------------------------------------------------------------------------- quantiles


@pytest.mark.parametrize("version", [2019, 2025])
def test_published_deciles_and_stats_quantiles(version):
    """Published national deciles are MHCLG's cut of the rank into ten equal-count groups.

    analysis.stats.assign_quantiles (the OHID phe_quantile rule) on the rank reproduces them for
    every LSOA except one at some decile boundaries, where N/10 is not a whole number and the two
    rules round the boundary differently: those LSOAs differ by exactly one decile. The book uses
    the published deciles."""
    df = dep.lsoa_deprivation(version)
    n = len(df)
    assert (np.ceil(df["imd_rank"] / (n / 10)).astype(int) == df["imd_decile"]).all()
    q = stats.assign_quantiles(df[["imd_rank"]], "imd_rank", 10, invert=False)["quantile"]
    diff = q.to_numpy() - df["imd_decile"].to_numpy()
    assert (diff == 0).mean() > 0.9995
    off = df.loc[diff != 0]
    assert (np.abs(diff[diff != 0]) == 1).all() and len(off) <= 9
    bounds = np.floor(np.arange(1, 10) * n / 10)
    assert off["imd_rank"].isin(bounds + 1).all()


def test_population_weighted_local_deciles_hold_a_tenth_each():
    df = dep.icb_lsoa_deprivation("QGH", 2019)
    q = stats.population_weighted_quantiles(df, "imd_score", "population", 10)
    share = q.groupby("quantile")["population"].sum() / df["population"].sum()
    assert len(share) == 10 and (share - 0.1).abs().max() < 0.02
    # local decile 1 holds the highest scores
    assert q.loc[q["quantile"] == 1, "imd_score"].min() >= q.loc[q["quantile"] == 2, "imd_score"].max()


# ----------------------------------------------------------------------------- public API


@pytest.mark.parametrize("version,n", [(2019, dl.N_LSOA11), (2025, dl.N_LSOA21)])
def test_lsoa_deprivation_contract(version, n):
    df = dep.lsoa_deprivation(version)
    assert list(df.columns[: len(dep.LSOA_COLUMNS)]) == dep.LSOA_COLUMNS
    assert len(df) == n and df["lsoa_code"].is_unique
    assert df[dep.LSOA_COLUMNS].notna().all().all()
    assert (df["imd_quintile"] == np.ceil(df["imd_decile"] / 2)).all()
    assert (df["core20"] == (df["imd_decile"] <= 2)).all()
    assert df["core20"].dtype == bool and df["population"].dtype == "int64"
    assert (df["population"] > 0).all()
    assert df["population_vintage"].nunique() == 1
    assert df["population_vintage"].iloc[0] == dep.population_label(version)
    assert df["icb_ods_code"].nunique() == 42 and df["sicbl_code"].nunique() == 106
    assert dep.imd_label(version) == f"IMD {version}"
    assert "IDACI" not in dep.imd_note(version) and f"IMD {version}" in dep.imd_note(version)
    if version == 2025:
        assert "idaci_decile" not in df  # IoD2025 File 3 is not in the mirror
    else:
        assert "idaci_decile" in df and "idaopi_decile" in df


def test_imd_version_is_validated():
    with pytest.raises(ValueError):
        dep.lsoa_deprivation(2015)
    with pytest.raises(ValueError):
        dep.imd_label("x")


@pytest.mark.parametrize("version", [2019, 2025])
def test_england_core20_share_is_twenty_percent(version):
    e = dep.england_summary(version)
    assert round(e["core20_share"]) == 20
    assert abs(e["core20_share"] - 20) < 0.5


@pytest.mark.parametrize("version", [2019, 2025])
def test_icb_summary_every_icb(version):
    s = dep.icb_deprivation_summary(version)
    assert len(s) == 42 and s["icb_ods_code"].is_unique
    assert s["core20_share"].between(0, 100).all() and s["core20_share"].notna().all()
    assert sorted(s["rank"]) == list(range(1, 43))  # no ties in practice
    assert s["population"].sum() == dep.england_summary(version)["population"]
    assert s.iloc[0]["core20_share"] == s["core20_share"].max()
    assert s["icb_ons_code"].str.match(r"^E54\d{6}$").all()


def test_qgh_core20_matches_provenance_check():
    """PROVENANCE (imd2019_lsoa): H&W ICB has 480 LSOA11s, 55 in IMD deciles 1-2."""
    s = dep.icb_deprivation_summary(2019).set_index("icb_ods_code").loc["QGH"]
    assert s["n_lsoas"] == 480 and s["core20_lsoas"] == 55
    s25 = dep.icb_deprivation_summary(2025).set_index("icb_ods_code").loc["QGH"]
    assert s25["n_lsoas"] == 491


def test_imd2025_reproduces_official_icb_summaries():
    """File 13 'proportion of LSOAs in most deprived 10% nationally' is an LSOA count: reproduced
    exactly (4 dp), with its rank. 'Average score' is weighted by MHCLG's mid-2022 denominators,
    which are not in the mirror; with Census 2021 weights it agrees within 0.1."""
    mine = dep.icb_deprivation_summary(2025).set_index("icb_ons_code")
    off = dl.imd2025_icb_summary().set_index("icb_ons_code")
    assert set(mine.index) == set(off.index)
    off = off.loc[mine.index]
    prop = off["imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]
    assert (mine["decile1_lsoa_share"] / 100 - prop).abs().max() < 0.00006
    r = (mine["decile1_lsoa_share"].round(6)).rank(method="min", ascending=False)
    assert (r == off["imd_rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]).all()
    assert (mine["imd_average_score"] - off["imd_average_score"]).abs().max() < 0.1
    assert mine.loc["E54000019", "imd_average_score"] == pytest.approx(17.654, abs=0.1)


def test_bridge_to_lsoa21():
    b = dep.lsoa_deprivation_bridged()
    assert len(b) == dl.N_LSOA21
    i19 = dep.lsoa_deprivation(2019).set_index("lsoa_code")["core20"]
    unchanged = b[b["chgind"] == "U"]
    assert (unchanged["imd2019_core20"].to_numpy() == i19.loc[unchanged["lsoa_code"]].to_numpy()).all()
    assert b["imd2019_mixed"].sum() < 30
    # England Core20 under IMD 2019 carried to LSOA21, Census 2021 weights: still about 20%
    share = 100 * b.loc[b["imd2019_core20"], "population"].sum() / b["population"].sum()
    assert abs(share - 20) < 0.6


def test_warm_builds_tables():
    dep.warm()
    assert math.isfinite(dep.england_summary(2025)["imd_average_score"])
