"""Loaders for deprivation, small-area population, rurality and boundaries.

Every function reads a published file through :func:`analysis.load._base.read_csv` (so through
``analysis.sources.resolve``, which verifies the sha256) and returns a tidy table with snake_case
columns. Heavy LSOA tables are cached as parquet with ``@cached_table``.

IoD2019 (English Indices of Deprivation 2019, MHCLG), 32,844 LSOAs (2011 boundaries):

* File 1 (IMD rank and decile), File 2 (IMD and domain ranks and deciles), File 3 (IDACI and
  IDAOPI ranks and deciles), File 6 (mid-2015 population denominators) and File 9
  (exponentially transformed domain scores) are read **as published**.
* The IMD 2019 **score** is not in any of those files. It is derived here exactly as MHCLG define
  it (IoD2019 Technical Report, section 3): the weighted sum of the seven exponentially
  transformed domain scores of File 9 with the official weights :data:`IMD2019_WEIGHTS`, rounded
  to 3 dp like the published score. Ranks and deciles are always the *published* ones.
* ``imd2019_lsoa11_combined.csv`` (a table a data-gathering step joined) is read only by
  :func:`imd2019_combined_check`, for tests.
* How "as published" each file is (the catalogue's ``origin``): Files 3, 6 and 9 are CSV exports
  of MHCLG's files kept unchanged; Files 1 and 2 are CSV exports a third party made of MHCLG's
  files (the mirror has no official workbook of them, so they stay: the ranks and deciles they
  carry are checked against Files 3 and 9 in the tests). File 10 is read from MHCLG's workbook
  itself; its per-sheet CSV conversions are cross-checks. The LSOA 2011 -> 2021 lookup and the
  2011 rural-urban classification are ONS's own CSVs. The 2021 rural-urban classification exists
  in the mirror only as a conversion (from an R package): it is read as such until ONS's file is
  added.

IoD2025: 33,755 LSOAs (2021 boundaries), IMD and 7 domains (score, rank, decile); no IDACI or
IDAOPI and no population denominators in the mirror. The ICB (File 13) and LAD (File 10)
summaries are read as published (column names snake_cased by the source package).

Population: ONS small-area estimates mid-2019 and mid-2020 on LSOA11 (persons, single year of
age) and Census 2021 usual residents on LSOA21 (6 age bands). There are no LSOA21 mid-year
estimates and no LSOA estimates by sex in the mirror.

Ranks, deciles and quintiles: 1 = most deprived, always.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import (
    LoaderError,
    cached_table,
    check_codes,
    check_member,
    check_unique,
    read_csv,
    read_excel,
    snake,
    validate,
)

# --------------------------------------------------------------------------- constants

#: Official IMD 2019 domain weights (IoD2019 Technical Report, table 3.1).
IMD2019_WEIGHTS: dict[str, float] = {
    "income": 0.225,
    "employment": 0.225,
    "education": 0.135,
    "health": 0.135,
    "crime": 0.093,
    "barriers": 0.093,
    "living_env": 0.093,
}

#: Short keys of the seven IMD domains, in the published order.
DOMAINS: tuple[str, ...] = tuple(IMD2019_WEIGHTS)

#: Supplementary indices (IoD2019 only in this mirror).
SUPPLEMENTARY: tuple[str, ...] = ("idaci", "idaopi")

#: Plain-English names of the domains and supplementary indices.
DOMAIN_NAMES: dict[str, str] = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "barriers": "Barriers to housing and services",
    "living_env": "Living environment",
    "idaci": "Income deprivation affecting children (IDACI)",
    "idaopi": "Income deprivation affecting older people (IDAOPI)",
}

N_LSOA11 = 32844
N_LSOA21 = 33755

IMD19 = "imd2019_lsoa"
F1 = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
F2 = "File_2_-_IoD2019_Domains_of_Deprivation.csv"
F3 = "File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.csv"
F6 = "File_6_-_IoD2019_Population_Denominators.csv"
F9 = "File_9_-_IoD2019_Transformed_Scores.csv"
COMBINED = "imd2019_lsoa11_combined.csv"

IMD19_LA = "imd2019_la_summaries"
IMD25 = "imd2025_lsoa"
IMD25_FILE = "imd2025_england_lsoa21.csv"
IMD25_AREAS = "imd2025_area_summaries"
IMD25_ICB = "imd2025_england_icb24.csv"
IMD25_LAD = "imd2025_england_ltla24.csv"

POP = "population_lsoa"
POP_FILES = {2019: "population19_lsoa11.csv", 2020: "population20_lsoa11.csv"}
CENSUS_FILE = "census21_lsoa21_usual_residents_age6.csv"


def imd2019_data_years() -> str:
    """The years most IMD 2019 indicators describe, from the manifest's period of the IoD2019
    files ("IoD2019 (data mostly from 2015/16)" -> "2015/16"; the older wording without "from" is
    read too)."""
    label = sources.latest(IMD19).period.label
    m = re.search(r"data mostly (?:from )?(\S+?)\)", label)
    if not m:
        raise LoaderError(
            f"dataset {IMD19!r}: the manifest's period {label!r} does not say '(data mostly [from] <years>)'"
        )
    return m.group(1)


RUC = "lookup_lsoa_ruc"
RUC11_FILE = "Rural_Urban_Classification_2011_of_Lower_Layer_Super_Output_Areas_in_England_and_Wales.csv"
RUC21_FILE = "ruc21_lsoa21.csv"

BRIDGE = "lookup_lsoa11_lsoa21"
BRIDGE_FILE = "LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)_Lookup_for_England_and_Wales.csv"

#: 5-year age bands of the mid-year estimates (single years 0..89 and 90+).
MID_YEAR_BANDS: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 90, 5)) + ("90+",)

#: Census 2021 bands as published (label in the file -> short label).
CENSUS_BANDS: dict[str, str] = {
    "Aged 15 years and under": "0-15",
    "Aged 16 to 24 years": "16-24",
    "Aged 25 to 34 years": "25-34",
    "Aged 35 to 49 years": "35-49",
    "Aged 50 to 64 years": "50-64",
    "Aged 65 years and over": "65+",
}

_LSOA = r"^E01\d{6}$"
_LAD = r"^E0[6789]\d{6}$"


def _check_rows(df: pd.DataFrame, expected: int, dataset: str, filename: str, what: str = "LSOAs") -> None:
    if len(df) != expected:
        raise LoaderError(f"dataset {dataset!r}, file {filename!r} has {len(df):,} {what}; expected {expected:,}.")


def _rank_decile_schema(cols: list[str], n: int) -> pa.DataFrameSchema:
    spec = {}
    for c in cols:
        if c.endswith(("_rank", "_rank_f3")):
            spec[c] = pa.Column("int64", pa.Check.in_range(1, n))
        elif c.endswith("_decile"):
            spec[c] = pa.Column("int64", pa.Check.isin(list(range(1, 11))))
    return pa.DataFrameSchema(spec, strict=False)


# --------------------------------------------------------------------------- IoD2019

_F1_COLS = {
    "LSOA code (2011)": "lsoa_code",
    "LSOA name (2011)": "lsoa_name",
    "Local Authority District code (2019)": "lad19_code",
    "Local Authority District name (2019)": "lad19_name",
    "Index of Multiple Deprivation (IMD) Rank": "imd_rank",
    "Index of Multiple Deprivation (IMD) Decile": "imd_decile",
}

_F2_NAMES = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "barriers": "Barriers to Housing and Services",
    "living_env": "Living Environment",
}
_F2_COLS = {"LSOA code (2011)": "lsoa_code"}
for _k, _v in _F2_NAMES.items():
    _F2_COLS[f"{_v} Rank (where 1 is most deprived)"] = f"{_k}_rank"
    _F2_COLS[f"{_v} Decile (where 1 is most deprived 10% of LSOAs)"] = f"{_k}_decile"

_F3_COLS = {
    "LSOA code (2011)": "lsoa_code",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": "imd_rank_f3",
    "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)": "idaci_rank",
    "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)": "idaci_decile",
    "Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)": "idaopi_rank",
    "Income Deprivation Affecting Older People (IDAOPI) Decile (where 1 is most deprived 10% of LSOAs)": "idaopi_decile",
}

_F6_COLS = {
    "LSOA code (2011)": "lsoa_code",
    "Total population: mid 2015 (excluding prisoners)": "pop_mid2015",
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners)": "pop_mid2015_0_15",
    "Population aged 16-59: mid 2015 (excluding prisoners)": "pop_mid2015_16_59",
    "Older population aged 60 and over: mid 2015 (excluding prisoners)": "pop_mid2015_60plus",
    "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)": "pop_mid2015_working_age",
}

_F9_NAMES = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education",
    "health": "Health",
    "crime": "Crime",
    "barriers": "Barriers",
    "living_env": "Living Environment",
}
_F9_COLS = {"LSOA code (2011)": "lsoa_code"}
_F9_COLS.update({f"{v} Score - exponentially transformed": f"{k}_score_exp" for k, v in _F9_NAMES.items()})


def _read_imd19(filename: str, cols: dict[str, str], **kw) -> pd.DataFrame:
    df = read_csv(IMD19, filename, required=list(cols), rename=cols, usecols=list(cols), **kw)
    _check_rows(df, N_LSOA11, IMD19, filename)
    check_codes(df["lsoa_code"], _LSOA, dataset=IMD19, filename=filename, column="LSOA code (2011)")
    check_unique(df, ["lsoa_code"], IMD19, filename)
    return df


def _as_int(df: pd.DataFrame, cols: list[str], dataset: str, filename: str) -> pd.DataFrame:
    for c in cols:
        v = pd.to_numeric(df[c], errors="coerce")
        if v.isna().any() or (v != v.round()).any():
            ex = df.loc[v.isna() | (v != v.round()), c].head(3).tolist()
            raise LoaderError(
                f"dataset {dataset!r}, file {filename!r}, column {c!r}: expected whole numbers, found {ex}."
            )
        df[c] = v.astype("int64")
    return df


def imd2019_file1() -> pd.DataFrame:
    """IoD2019 File 1 as published: lsoa_code, lsoa_name, lad19_code, lad19_name, imd_rank, imd_decile."""
    df = _read_imd19(F1, _F1_COLS, thousands=",", dtype={k: str for k in list(_F1_COLS)[:4]})
    df = _as_int(df, ["imd_rank", "imd_decile"], IMD19, F1)
    return validate(df, _rank_decile_schema(["imd_rank", "imd_decile"], N_LSOA11), IMD19, F1)


def imd2019_file2() -> pd.DataFrame:
    """IoD2019 File 2: IMD and the seven domain ranks and deciles (``<domain>_rank``, ``<domain>_decile``)."""
    df = _read_imd19(F2, _F2_COLS, dtype={"LSOA code (2011)": str})
    df = _as_int(df, [c for c in df.columns if c != "lsoa_code"], IMD19, F2)
    return validate(df, _rank_decile_schema(list(df.columns), N_LSOA11), IMD19, F2)


def imd2019_file3() -> pd.DataFrame:
    """IoD2019 File 3: IDACI and IDAOPI ranks and deciles (published as '29199.00')."""
    df = _read_imd19(F3, _F3_COLS, dtype={"LSOA code (2011)": str})
    df = _as_int(df, [c for c in df.columns if c != "lsoa_code"], IMD19, F3)
    return validate(df, _rank_decile_schema(list(df.columns), N_LSOA11), IMD19, F3)


def imd2019_file6() -> pd.DataFrame:
    """IoD2019 File 6: mid-2015 population denominators (excluding prisoners) used by MHCLG."""
    df = _read_imd19(F6, _F6_COLS, dtype={"LSOA code (2011)": str})
    df = _as_int(df, [c for c in df.columns if c != "lsoa_code"], IMD19, F6)
    if (df["pop_mid2015"] <= 0).any():
        raise LoaderError(f"dataset {IMD19!r}, file {F6!r}: LSOAs with no population.")
    return df


def imd2019_file9() -> pd.DataFrame:
    """IoD2019 File 9: the seven exponentially transformed domain scores (0-100, higher = more deprived)."""
    df = _read_imd19(F9, _F9_COLS, dtype={"LSOA code (2011)": str})
    spec = {c: pa.Column(float, pa.Check.in_range(0, 100), coerce=True) for c in df.columns if c != "lsoa_code"}
    return validate(df, pa.DataFrameSchema(spec, strict=False), IMD19, F9)


def derive_imd2019_score(file9: pd.DataFrame, decimals: int | None = 3) -> pd.Series:
    """IMD 2019 score = sum over domains of weight x exponentially transformed domain score.

    ``file9`` holds ``<domain>_score_exp`` columns (see :func:`imd2019_file9`). Rounded to 3 dp
    like the published score unless ``decimals`` is None.
    """
    score = sum(w * file9[f"{d}_score_exp"] for d, w in IMD2019_WEIGHTS.items())
    return score.round(decimals) if decimals is not None else score


@cached_table("imd2019_lsoa11", inputs=[(IMD19, F1), (IMD19, F2), (IMD19, F3), (IMD19, F6), (IMD19, F9)])
def imd2019_lsoa11() -> pd.DataFrame:
    """One row per LSOA11 (32,844): IoD2019 as published plus the derived IMD score.

    Columns: lsoa_code, lsoa_name, lad19_code, lad19_name, imd_score (derived from File 9),
    imd_rank, imd_decile (File 1), <domain>_rank/_decile for the seven domains (File 2),
    idaci_/idaopi_rank/_decile (File 3), <domain>_score_exp (File 9), pop_mid2015* (File 6).
    The IMD rank of Files 1, 2 and 3 is checked to be identical.
    """
    f1 = imd2019_file1()
    f2 = imd2019_file2()
    f3 = imd2019_file3()
    f6 = imd2019_file6()
    f9 = imd2019_file9()
    df = f1.merge(f2, on="lsoa_code", how="inner", validate="one_to_one", suffixes=("", "_f2"))
    df = df.merge(f3, on="lsoa_code", how="inner", validate="one_to_one")
    df = df.merge(f6, on="lsoa_code", how="inner", validate="one_to_one")
    df = df.merge(f9, on="lsoa_code", how="inner", validate="one_to_one")
    _check_rows(df, N_LSOA11, IMD19, "Files 1/2/3/6/9 joined on LSOA code")
    for other, fname in (("imd_rank_f2", F2), ("imd_rank_f3", F3)):
        if not (df["imd_rank"] == df[other]).all():
            n = int((df["imd_rank"] != df[other]).sum())
            raise LoaderError(f"dataset {IMD19!r}: the IMD rank of {fname} differs from File 1 for {n} LSOAs.")
    if not (df["imd_decile"] == df["imd_decile_f2"]).all():
        raise LoaderError(f"dataset {IMD19!r}: the IMD decile of File 2 differs from File 1.")
    df = df.drop(columns=["imd_rank_f2", "imd_decile_f2", "imd_rank_f3"])
    df.insert(4, "imd_score", derive_imd2019_score(df))
    return df.reset_index(drop=True)


def imd2019_combined_check() -> pd.DataFrame:
    """The pre-combined IoD2019 table of the mirror (``imd2019_lsoa11_combined.csv``).

    **For cross-checks in tests only**: the book derives everything from Files 1/2/3/6/9.
    """
    df = read_csv(
        IMD19, COMBINED, required=["lsoa11cd", "imd_score_derived", "imd_rank", "imd_decile"], dtype={"lsoa11cd": str}
    )
    _check_rows(df, N_LSOA11, IMD19, COMBINED)
    check_codes(df["lsoa11cd"], _LSOA, dataset=IMD19, filename=COMBINED, column="lsoa11cd")
    check_unique(df, ["lsoa11cd"], IMD19, COMBINED)
    df = validate(df, _combined_schema(df.columns), IMD19, COMBINED)
    return df.rename(columns={"lsoa11cd": "lsoa_code", "lsoa11nm": "lsoa_name"})


def _combined_schema(columns) -> pa.DataFrameSchema:
    """Types and ranges of the numeric columns of the combined IoD2019 table (whatever it holds)."""
    spec = {}
    for c in columns:
        if c.endswith("_rank"):
            spec[c] = pa.Column("int64", pa.Check.in_range(1, N_LSOA11))
        elif c.endswith("_decile"):
            spec[c] = pa.Column("int64", pa.Check.in_range(1, 10))
        elif c.endswith("_quintile"):
            spec[c] = pa.Column("int64", pa.Check.in_range(1, 5))
        elif c.endswith("_score_exp") or c == "imd_score_derived":
            spec[c] = pa.Column(float, pa.Check.in_range(0, 100))
        elif c.endswith("_score"):  # income, IDACI, IDAOPI: rates 0-1
            spec[c] = pa.Column(float, pa.Check.in_range(0, 1))
        elif c.startswith("pop_"):
            spec[c] = pa.Column("int64", pa.Check.ge(0))
    return pa.DataFrameSchema(spec, strict=False)


#: File 10 sheets (lower-tier LA summaries).
FILE10_SHEETS = ("IMD", "Income", "Employment", "Education", "Health", "Crime", "Barriers", "Living", "IDACI", "IDAOPI")
#: MHCLG's File 10 workbook as published (one sheet per index or domain). The mirror's per-sheet
#: CSVs of it are identical conversions (checked in the tests) and are not read.
FILE10_XLSX = "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx"


def imd2019_lad_summary(sheet: str = "IMD") -> pd.DataFrame:
    """IoD2019 File 10 (317 LAD19s), one sheet of MHCLG's workbook as published, with the measure
    prefix dropped from column names.

    E.g. sheet "IMD" -> lad19_code, lad19_name, average_rank, rank_of_average_rank, average_score,
    rank_of_average_score, proportion_of_lsoas_in_most_deprived_10_nationally, ..., extent,
    local_concentration. Population-weighted by MHCLG with the File 6 mid-2015 denominators.
    """
    if sheet not in FILE10_SHEETS:
        raise ValueError(f"File 10 sheet must be one of {FILE10_SHEETS}, got {sheet!r}")
    fname = FILE10_XLSX
    df = read_excel(
        IMD19_LA,
        fname,
        required=["Local Authority District code (2019)"],
        sheet_name=sheet,
        engine="calamine",
        dtype={"Local Authority District code (2019)": str},
    )
    cols = {}
    for c in df.columns:
        if c == "Local Authority District code (2019)":
            cols[c] = "lad19_code"
        elif c == "Local Authority District name (2019)":
            cols[c] = "lad19_name"
        else:
            # "IMD - Average score" -> "average_score"; "IMD 2019 - Extent" -> "extent"
            cols[c] = snake(c.split(" - ", 1)[1] if " - " in c else c)
    df = df.rename(columns=cols)
    if "average_score" not in df:
        raise LoaderError(f"dataset {IMD19_LA!r}, file {fname!r} has no 'Average score' column.")
    _check_rows(df, 317, IMD19_LA, fname, "LADs")
    check_codes(df["lad19_code"], _LAD, dataset=IMD19_LA, filename=fname, column="lad19_code")
    check_unique(df, ["lad19_code"], IMD19_LA, fname)
    return df


# --------------------------------------------------------------------------- IoD2025

_IMD25_KEYS = {
    "IMD": "imd",
    "Income": "income",
    "Employment": "employment",
    "Education": "education",
    "Health": "health",
    "Crime": "crime",
    "Housing_and_Services": "barriers",
    "Environment": "living_env",
}


@cached_table("imd2025_lsoa21", inputs=[(IMD25, IMD25_FILE)])
def imd2025_lsoa21() -> pd.DataFrame:
    """IoD2025, one row per LSOA21 (33,755): imd_score/rank/decile and the seven domains'
    ``<domain>_score``, ``_rank``, ``_decile`` (Housing_and_Services -> barriers,
    Environment -> living_env). Income and Employment scores are rates (0-1)."""
    cols = {"lsoa21_code": "lsoa_code"}
    for src, key in _IMD25_KEYS.items():
        for part in ("score", "rank", "decile"):
            cols[f"{src}_{part}"] = f"{key}_{part}"
    df = read_csv(IMD25, IMD25_FILE, required=list(cols), rename=cols, usecols=list(cols), dtype={"lsoa21_code": str})
    _check_rows(df, N_LSOA21, IMD25, IMD25_FILE)
    check_codes(df["lsoa_code"], _LSOA, dataset=IMD25, filename=IMD25_FILE, column="lsoa21_code")
    check_unique(df, ["lsoa_code"], IMD25, IMD25_FILE)
    df = _as_int(df, [c for c in df.columns if c.endswith(("_rank", "_decile"))], IMD25, IMD25_FILE)
    df = validate(df, _rank_decile_schema(list(df.columns), N_LSOA21), IMD25, IMD25_FILE)
    score_cols = [c for c in df.columns if c.endswith("_score")]
    if df[score_cols].isna().any().any():
        raise LoaderError(f"dataset {IMD25!r}, file {IMD25_FILE!r}: missing scores.")
    return df[["lsoa_code"] + [c for c in cols.values() if c != "lsoa_code"]]


#: Domain prefixes of the IoD2025 summaries whose average score is a rate (0-1) or a
#: standardised score centred on 0 (health, crime); the others are 0-100 scores.
_RATE_DOMAINS = ("income", "employment")
_Z_DOMAINS = ("health_deprivation_and_disability", "crime")


def _area_summary_schema(columns, n_areas: int) -> pa.DataFrameSchema:
    """Types and plausible ranges of the IoD2025 area-summary measures (File 10 / File 13).

    Average ranks and local concentration are LSOA ranks (1..33,755); "rank of ..." columns rank
    the areas (1..``n_areas``); proportions and extent are fractions; scales are counts of people.
    """
    spec = {}
    for c in columns:
        if c.endswith(("_code", "_name")):
            continue
        if "rank_of" in c:
            chk = pa.Check.in_range(1, n_areas)
        elif c.endswith(("_average_rank", "_local_concentration")):
            chk = pa.Check.in_range(1, N_LSOA21)
        elif "proportion_of" in c or c.endswith("_extent"):
            chk = pa.Check.in_range(0, 1)
        elif c.endswith("_scale"):
            chk = pa.Check.ge(0)
        elif c.endswith("_average_score"):
            if c.startswith(_RATE_DOMAINS):
                chk = pa.Check.in_range(0, 1)
            elif c.startswith(_Z_DOMAINS):
                chk = pa.Check.in_range(-10, 10)
            else:
                chk = pa.Check.in_range(0, 100)
        else:
            chk = None
        spec[c] = pa.Column(float, [chk] if chk is not None else [], coerce=True)
    return pa.DataFrameSchema(spec, strict=False)


def imd2025_icb_summary() -> pd.DataFrame:
    """IoD2025 File 13: the official ICB summaries (42 ICBs, 2024 ONS codes), columns as in the
    mirror (janitor snake_case) with ``icb24_code`` -> ``icb_ons_code``, ``icb24_name`` -> ``icb_name``."""
    req = [
        "icb24_code",
        "icb24_name",
        "imd_average_score",
        "imd_rank_of_average_score",
        "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally",
    ]
    df = read_csv(
        IMD25_AREAS,
        IMD25_ICB,
        required=req,
        dtype={"icb24_code": str},
        rename={"icb24_code": "icb_ons_code", "icb24_name": "icb_name"},
    )
    _check_rows(df, 42, IMD25_AREAS, IMD25_ICB, "ICBs")
    check_codes(df["icb_ons_code"], r"^E54\d{6}$", dataset=IMD25_AREAS, filename=IMD25_ICB, column="icb24_code")
    check_unique(df, ["icb_ons_code"], IMD25_AREAS, IMD25_ICB)
    from .geography import icb_table

    check_member(
        df["icb_ons_code"],
        icb_table()["ICB24CD"],
        dataset=IMD25_AREAS,
        filename=IMD25_ICB,
        column="icb24_code",
        reference_name="the 42 ICBs (2024 ONS codes) of lookup_lsoa21_icb",
    )
    return validate(df, _area_summary_schema(df.columns, 42), IMD25_AREAS, IMD25_ICB)


def imd2025_lad_summary() -> pd.DataFrame:
    """IoD2025 File 10 v2: the official LAD summaries (296 LAD24s); ``ltla24_code`` -> ``lad_code``."""
    df = read_csv(
        IMD25_AREAS,
        IMD25_LAD,
        required=["ltla24_code", "imd_average_score"],
        dtype={"ltla24_code": str},
        rename={"ltla24_code": "lad_code", "ltla24_name": "lad_name"},
    )
    _check_rows(df, 296, IMD25_AREAS, IMD25_LAD, "LADs")
    check_codes(df["lad_code"], _LAD, dataset=IMD25_AREAS, filename=IMD25_LAD, column="ltla24_code")
    check_unique(df, ["lad_code"], IMD25_AREAS, IMD25_LAD)
    return validate(df, _area_summary_schema(df.columns, 296), IMD25_AREAS, IMD25_LAD)


# --------------------------------------------------------------------------- population


def _population_loader(year: int):
    fname = POP_FILES[year]

    @cached_table(f"population{year}_lsoa11", inputs=[(POP, fname)])
    def _load() -> pd.DataFrame:
        single = [str(a) for a in range(90)] + ["90+"]
        cols = ["lsoa11_code", "lsoa11_name", "total_population"] + single
        df = read_csv(POP, fname, required=cols, usecols=cols, dtype={"lsoa11_code": str, "lsoa11_name": str})
        df = df[df["lsoa11_code"].str.startswith("E")].reset_index(drop=True)  # England only (file has Wales)
        _check_rows(df, N_LSOA11, POP, fname, "English LSOAs")
        check_codes(df["lsoa11_code"], _LSOA, dataset=POP, filename=fname, column="lsoa11_code")
        check_unique(df, ["lsoa11_code"], POP, fname)
        df = _as_int(df, ["total_population"] + single, POP, fname)
        if (df[single].sum(axis=1) != df["total_population"]).any():
            raise LoaderError(f"dataset {POP!r}, file {fname!r}: single years of age do not sum to the total.")
        out = pd.DataFrame(
            {"lsoa_code": df["lsoa11_code"], "lsoa_name": df["lsoa11_name"], "population": df["total_population"]}
        )
        for band in MID_YEAR_BANDS:
            if band == "90+":
                out[band] = df["90+"]
            else:
                a, b = (int(x) for x in band.split("-"))
                out[band] = df[[str(x) for x in range(a, b + 1)]].sum(axis=1)
        return out

    return _load


def population_lsoa11(year: int = 2020) -> pd.DataFrame:
    """ONS mid-``year`` (2019 or 2020) small-area population estimates for the 32,844 English LSOA11s,
    persons: lsoa_code, lsoa_name, population and one column per 5-year band (:data:`MID_YEAR_BANDS`)."""
    if year not in POP_FILES:
        raise ValueError(f"LSOA11 population year must be one of {sorted(POP_FILES)}, got {year!r}")
    return _population_loader(year)()


@cached_table("census2021_lsoa21", inputs=[(POP, CENSUS_FILE)])
def census2021_lsoa21() -> pd.DataFrame:
    """Census 2021 usual residents for the 33,755 English LSOA21s, persons: lsoa_code, lsoa_name,
    population and one column per published band (:data:`CENSUS_BANDS` values)."""
    cols = ["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"]
    df = read_csv(POP, CENSUS_FILE, required=cols, usecols=cols, dtype={"lsoa21_code": str, "age_group": str})
    df = df[df["lsoa21_code"].str.startswith("E")]
    unknown = set(df["age_group"]) - set(CENSUS_BANDS)
    if unknown:
        raise LoaderError(f"dataset {POP!r}, file {CENSUS_FILE!r}: unexpected age groups {sorted(unknown)}.")
    check_unique(df, ["lsoa21_code", "age_group"], POP, CENSUS_FILE)
    df = _as_int(df.copy(), ["usual_residents"], POP, CENSUS_FILE)
    df = validate(
        df, pa.DataFrameSchema({"usual_residents": pa.Column("int64", pa.Check.ge(0))}, strict=False), POP, CENSUS_FILE
    )
    wide = df.pivot(index=["lsoa21_code", "lsoa21_name"], columns="age_group", values="usual_residents")
    if wide.isna().any().any():
        raise LoaderError(f"dataset {POP!r}, file {CENSUS_FILE!r}: some LSOAs lack an age group.")
    wide = wide.rename(columns=CENSUS_BANDS)[list(CENSUS_BANDS.values())].astype("int64")
    wide.columns.name = None
    wide = wide.reset_index().rename(columns={"lsoa21_code": "lsoa_code", "lsoa21_name": "lsoa_name"})
    wide.insert(2, "population", wide[list(CENSUS_BANDS.values())].sum(axis=1))
    _check_rows(wide, N_LSOA21, POP, CENSUS_FILE, "English LSOAs")
    check_codes(wide["lsoa_code"], _LSOA, dataset=POP, filename=CENSUS_FILE, column="lsoa21_code")
    return wide


# --------------------------------------------------------------------------- rurality

#: RUC2011 codes A-C are urban, D-E rural (ONS / Defra).
RUC11_BROAD = {
    "A1": "Urban",
    "B1": "Urban",
    "C1": "Urban",
    "C2": "Urban",
    "D1": "Rural",
    "D2": "Rural",
    "E1": "Rural",
    "E2": "Rural",
}


def ruc2011_lsoa11() -> pd.DataFrame:
    """Rural-urban classification 2011 of the English LSOA11s: lsoa_code, ruc_code, ruc_name, ruc_broad."""
    cols = {"LSOA11CD": "lsoa_code", "RUC11CD": "ruc_code", "RUC11": "ruc_name"}
    df = read_csv(RUC, RUC11_FILE, required=list(cols), rename=cols, usecols=list(cols), dtype=str)
    df = df[df["lsoa_code"].str.startswith("E")].reset_index(drop=True)
    _check_rows(df, N_LSOA11, RUC, RUC11_FILE, "English LSOAs")
    check_unique(df, ["lsoa_code"], RUC, RUC11_FILE)
    bad = set(df["ruc_code"]) - set(RUC11_BROAD)
    if bad:
        raise LoaderError(f"dataset {RUC!r}, file {RUC11_FILE!r}: unknown RUC11 codes {sorted(bad)}.")
    df["ruc_broad"] = df["ruc_code"].map(RUC11_BROAD)
    return df


def ruc2021_lsoa21() -> pd.DataFrame:
    """Rural-urban classification 2021 of the English LSOA21s: lsoa_code, ruc_code, ruc_name, ruc_broad."""
    cols = {"lsoa21_code": "lsoa_code", "ruc21_code": "ruc_code", "classification": "ruc_name", "ruc": "ruc_broad"}
    df = read_csv(RUC, RUC21_FILE, required=list(cols), rename=cols, usecols=list(cols), dtype=str)
    df = df[df["lsoa_code"].str.startswith("E")].reset_index(drop=True)
    _check_rows(df, N_LSOA21, RUC, RUC21_FILE, "English LSOAs")
    check_unique(df, ["lsoa_code"], RUC, RUC21_FILE)
    if not set(df["ruc_broad"]) <= {"Urban", "Rural"}:
        raise LoaderError(f"dataset {RUC!r}, file {RUC21_FILE!r}: broad class must be Urban or Rural.")
    return df


# --------------------------------------------------------------------------- LSOA11 -> LSOA21


def lsoa11_to_lsoa21() -> pd.DataFrame:
    """ONS LSOA11 -> LSOA21 lookup (full, many-to-many), England only: lsoa11_code, lsoa21_code,
    chgind (U unchanged, S split, M merged, X irregular)."""
    cols = {"F_LSOA11CD": "lsoa11_code", "LSOA21CD": "lsoa21_code", "CHGIND": "chgind"}
    df = read_csv(BRIDGE, BRIDGE_FILE, required=list(cols), rename=cols, usecols=list(cols), dtype=str)
    df = df[df["lsoa21_code"].str.startswith("E")].reset_index(drop=True)
    check_unique(df, ["lsoa11_code", "lsoa21_code"], BRIDGE, BRIDGE_FILE)
    if not set(df["chgind"]) <= {"U", "S", "M", "X"}:
        raise LoaderError(f"dataset {BRIDGE!r}, file {BRIDGE_FILE!r}: unknown CHGIND values.")
    if df["lsoa11_code"].nunique() != N_LSOA11 or df["lsoa21_code"].nunique() != N_LSOA21:
        raise LoaderError(f"dataset {BRIDGE!r}, file {BRIDGE_FILE!r}: does not cover every English LSOA.")
    return df


# --------------------------------------------------------------------------- boundaries

_LSOA_BOUNDARIES = {
    2011: ("boundaries_lsoa11", "lsoa11_en_bsc_wgs84.geojson.gz", "LSOA11CD"),
    2021: ("boundaries_lsoa21", "lsoa21_en_bsc_wgs84.geojson.gz", "LSOA21CD"),
}
_LAD_BOUNDARIES = {
    2011: ("boundaries_lad", "lad21_en_buc_wgs84.geojson", "LAD21CD", "LAD21NM"),  # LAD21 = LAD22 codes
    2021: ("boundaries_lad", "lad24_en_buc_wgs84.geojson", "LAD24CD", "LAD24NM"),
}


_GEO_TABLES: dict[tuple[str, str], Callable[..., pd.DataFrame]] = {}


def _read_geo(dataset: str, filename: str):
    """A boundary file as a GeoDataFrame. Parsing GeoJSON of every LSOA in England takes seconds,
    so the parsed table is kept in the table cache (as GeoParquet, keyed on the file and the code)."""
    table = _GEO_TABLES.get((dataset, filename))
    if table is None:
        table = cached_table(f"geo_{snake(filename)}", [(dataset, filename)], geo=True)(_parse_geo)
        _GEO_TABLES[(dataset, filename)] = table
    return table(dataset=dataset, filename=filename)


_read_geo.cache_clear = _GEO_TABLES.clear  # type: ignore[attr-defined]  # as tests clear lru_caches


def _parse_geo(dataset: str, filename: str):
    import geopandas as gpd

    path = sources.resolve(dataset, filename)
    target = "/vsigzip/" + str(path) if filename.endswith(".gz") else str(path)
    try:
        return gpd.read_file(target)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise LoaderError(f"dataset {dataset!r}, file {filename!r} could not be read as GeoJSON: {exc}") from exc


def lsoa_boundaries(vintage: int, codes: list[str] | None = None):
    """LSOA polygons (super generalised, WGS84) for 2011 or 2021 LSOAs: GeoDataFrame with lsoa_code,
    geometry; restricted to ``codes`` when given (every code must be found)."""
    if vintage not in _LSOA_BOUNDARIES:
        raise ValueError(f"LSOA vintage must be 2011 or 2021, got {vintage!r}")
    ds, fname, col = _LSOA_BOUNDARIES[vintage]
    g = _read_geo(ds, fname)
    if col not in g:
        raise LoaderError(f"dataset {ds!r}, file {fname!r} has no {col} attribute.")
    g = g[[col, "geometry"]].rename(columns={col: "lsoa_code"})
    expected = N_LSOA11 if vintage == 2011 else N_LSOA21
    _check_rows(g, expected, ds, fname, "LSOA polygons")
    if codes is not None:
        want = set(codes)
        g = g[g["lsoa_code"].isin(want)]
        missing = want - set(g["lsoa_code"])
        if missing:
            raise LoaderError(
                f"dataset {ds!r}, file {fname!r}: no polygon for {len(missing)} LSOAs, e.g. {sorted(missing)[:3]}."
            )
    return g.reset_index(drop=True)


def lad_boundaries(vintage: int):
    """Local authority district polygons matching the LSOA lookup of ``vintage``: 2011 -> LAD21
    (= the LAD22 codes of the July 2022 lookup); 2021 -> LAD24. Columns lad_code, lad_name, geometry."""
    ds, fname, code, name = _LAD_BOUNDARIES[vintage]
    g = _read_geo(ds, fname)
    return g[[code, name, "geometry"]].rename(columns={code: "lad_code", name: "lad_name"})


def icb_boundaries():
    """ICB polygons (July 2022, dissolved from ONS sub-ICB boundaries): icb_ons_code (2022 code),
    icb_ods_code, icb_name, geometry. ODS codes did not change in 2024."""
    g = _read_geo("boundaries_icb", "icb22_en_from_sicbl22_bsc_wgs84.geojson")
    g = g[["ICB22CD", "ICB22CDH", "ICB22NM", "geometry"]].rename(
        columns={"ICB22CD": "icb_ons_code", "ICB22CDH": "icb_ods_code", "ICB22NM": "icb_name"}
    )
    _check_rows(g, 42, "boundaries_icb", "icb22_en_from_sicbl22_bsc_wgs84.geojson", "ICBs")
    return g


__all__ = [
    "CENSUS_BANDS",
    "DOMAINS",
    "DOMAIN_NAMES",
    "FILE10_SHEETS",
    "IMD2019_WEIGHTS",
    "MID_YEAR_BANDS",
    "SUPPLEMENTARY",
    "census2021_lsoa21",
    "derive_imd2019_score",
    "icb_boundaries",
    "imd2019_combined_check",
    "imd2019_data_years",
    "imd2019_file1",
    "imd2019_file2",
    "imd2019_file3",
    "imd2019_file6",
    "imd2019_file9",
    "imd2019_lad_summary",
    "imd2019_lsoa11",
    "imd2025_icb_summary",
    "imd2025_lad_summary",
    "imd2025_lsoa21",
    "lad_boundaries",
    "lsoa11_to_lsoa21",
    "lsoa_boundaries",
    "population_lsoa11",
    "ruc2011_lsoa11",
    "ruc2021_lsoa21",
]
