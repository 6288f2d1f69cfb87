"""Backtest: our SII reproduces OHID's published inequality in life expectancy (Fingertips 92901).

Input: life expectancy at birth by sex and local deprivation decile, 2014-16 (period inferred in
``fingertips_le_by_deprivation_decile/PROVENANCE.md``), with pooled populations and standard
errors -- the data PHE used for PHOF 0.2iii. Published: the SII for 2014-16 in
``fingertips_inequality_life_expectancy/slope_index_of_inequality_county_ua_2010-12_to_2015-17.csv``
(County & UA extraction, the one that holds Worcestershire county E10000034; values rounded to
1 dp). Agreement is required within 0.15 years.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import stats as S

DATA = Path(os.environ.get("ANALYSIS_DATA_MIRROR", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
LE_FILE = DATA / "fingertips_le_by_deprivation_decile" / "LE_testdata.csv"
PUBLISHED = DATA / "fingertips_inequality_life_expectancy"
COUNTY_UA = PUBLISHED / "slope_index_of_inequality_county_ua_2010-12_to_2015-17.csv"
DISTRICT_UA_EARLY = PUBLISHED / "inequality_life_expectancy_district_ua_2010-12_to_2018-20.csv"


@pytest.fixture(scope="module", autouse=True)
def _data_present() -> None:
    missing = [str(p) for p in (LE_FILE, COUNTY_UA, DISTRICT_UA_EARLY) if not p.is_file()]
    if missing:
        pytest.fail(f"backtest data missing: {missing}; set ANALYSIS_DATA_MIRROR")


AREAS = {"England": "E92000001", "E06000019": "E06000019", "E10000034": "E10000034"}
SEX = {1: "Male", 2: "Female"}
TOLERANCE = 0.15  # years; the published values are rounded to 0.1


@pytest.fixture(scope="module")
def computed() -> pd.DataFrame:
    le = pd.read_csv(LE_FILE)
    le = le[le["GeoCode"].isin(list(AREAS))]
    out = S.sii(le, "LifeExp", "Pop", "Decile", group_by=["GeoCode", "Sex"], se="SE", value_type=0, reps=20_000, seed=1)
    out["area_code"] = out["GeoCode"].map(AREAS)
    out["group"] = out["Sex"].map(SEX)
    return out


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    pub = pd.read_csv(COUNTY_UA)
    pub = pub[(pub["period"] == "2014-16") & pub["area_code"].isin(AREAS.values())]
    assert pub["indicator"].eq("Inequality in life expectancy at birth").all()
    return pub[["area_code", "area_name", "group", "value"]]


def test_sii_matches_published_fingertips_92901(computed: pd.DataFrame, published: pd.DataFrame) -> None:
    both = computed.merge(published, on=["area_code", "group"], validate="one_to_one")
    assert len(both) == 6  # England, Herefordshire, Worcestershire x male, female
    both["difference"] = both["value_x"] - both["value_y"]
    report = both[["area_name", "group", "value_x", "value_y", "difference"]].to_string()
    assert (both["difference"].abs() <= TOLERANCE).all(), report
    # sign convention: a positive gap, least minus most deprived, as Fingertips shows it
    assert (both["value_x"] > 0).all()
    # the published value also lies inside our 95% interval
    assert ((both["lower_ci"] <= both["value_y"]) & (both["value_y"] <= both["upper_ci"])).all(), report


def test_two_published_extractions_agree_for_2014_16(published: pd.DataFrame) -> None:
    # the district/UA extraction (file 3) is an independent download of the same indicator
    other = pd.read_csv(DISTRICT_UA_EARLY)
    other = other[(other["period"] == "2014 - 16") & other["area_code"].isin(AREAS.values())]
    merged = published.merge(
        other.rename(columns={"inequality": "group"}), on=["area_code", "group"], suffixes=("", "_other")
    )
    assert len(merged) == 4  # England and Herefordshire (Worcestershire county is upper tier)
    assert (merged["value"] == merged["value_other"]).all()
