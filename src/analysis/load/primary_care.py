"""Primary care (QOF and GP-practice) loaders: tidy, validated tables.

Traps handled here, once, so that no chapter meets them:

* QOF uses **registered-practice** geography (the practice's ICB), not residence.
* ``qof_2425_icb`` is a third-party aggregation (by the repository author) of NHS England's
  practice-level QOF 2024-25 to England and the 42 ICBs; its ICB rows sum exactly to England.
  Percentages there are on the 0-100 scale. PCAs (personalised care adjustments) are excluded
  from QOF's ``denominator``; :func:`qof_icb` adds ``denominator_incl_pcas`` so that
  "treated to target" can be stated with everyone on the register in the denominator, as
  CVDPREVENT and NHS England's hypertension ambition do.
* ``qof_2223`` stores ``REGISTER`` as a float ("12.0"): converted to whole numbers here. Its two
  files are NHS Digital's QOF 2022-23 raw-data CSVs as a repository kept them (no conversion), so
  they are read as they are. The 2020-21 raw files (``qof_2021``) are NHS Digital's own and are
  not read by any chapter (COVID year, CCG/STP geography).
* Practice deprivation quintiles run in **opposite directions** by source: HEEC
  (``fingertips_practice_imd/imd_icb.csv``, ``heec_practice_deprivation_quintile_summaries``)
  uses 1 = LEAST deprived and 5 = most; this book uses **1 = most deprived** everywhere. The
  conversion is done here (``6 - q``), and ``final_data.csv``'s merged ``quin_4_5`` (HEEC's two
  most deprived quintiles) becomes the book's ``"1-2"``.
* HEEC ICB names differ in case between years ("Isle Of Wight"/"Isle of Wight"): normalised.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, cached_table, check_codes, check_member, check_unique, read_csv, to_number

# ----------------------------------------------------------------------------- QOF (ICB)

QOF2425 = "qof_2425_icb"
_QOF_IND_FILE = "qof2425_indicators_icb.csv"
_QOF_PREV_FILE = "qof2425_prevalence_icb.csv"


def _qof_period(dataset: str, edition: str | None = None) -> str:
    """The QOF year of the edition read, as the manifest records its period ("2024-25"): the files
    name no year of their own."""
    return sources.select_edition(dataset, edition).period.label


_QOF_IND_SCHEMA = pa.DataFrameSchema(
    {
        "org_type": pa.Column(str, pa.Check.isin(["National", "ICB"])),
        "org_code": pa.Column(str, pa.Check.str_matches(r"^(ENG|Q[A-Z0-9]{2})$")),
        "org_name": pa.Column(str),
        "practice_count": pa.Column("int64", pa.Check.gt(0)),
        "indicator_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]+\d{3}$")),
        "group_code": pa.Column(str),
        "numerator": pa.Column("int64", pa.Check.ge(0)),
        "denominator": pa.Column("int64", pa.Check.ge(0)),
        "pcas": pa.Column("int64", pa.Check.ge(0)),
        "register": pa.Column("int64", pa.Check.ge(0)),
        "underlying_achievement_percent": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "intervention_percent": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    },
    checks=[pa.Check(lambda d: (d["numerator"] <= d["denominator"]).all(), error="numerator <= denominator")],
    strict=False,
)


def qof_icb(edition: str | None = None) -> pd.DataFrame:
    """QOF indicator achievement for England (org_code ``ENG``) and the 42 ICBs (ODS), from an
    edition of ``qof_2425_icb`` (default: the latest).

    One row per organisation x indicator, columns: org_type, org_code, org_name, practice_count,
    indicator_code, group_code, description, patient_list_type, numerator, denominator (after
    PCAs), pcas, denominator_incl_pcas, register (for register indicators such as HYP001),
    underlying_achievement_percent (numerator / denominator, 0-100), intervention_percent
    (numerator / denominator_incl_pcas, 0-100), period (the QOF year, April to March, as the
    manifest records the edition's period).
    """
    cols = list(_QOF_IND_SCHEMA.columns) + ["description", "patient_list_type"]
    df = read_csv(QOF2425, _QOF_IND_FILE, required=cols, schema=_QOF_IND_SCHEMA, edition=edition)
    check_unique(df, ["org_code", "indicator_code"], QOF2425, _QOF_IND_FILE)
    if df.loc[df.org_type == "ICB", "org_code"].nunique() != 42:
        raise LoaderError(f"dataset {QOF2425!r}, file {_QOF_IND_FILE!r}: expected 42 ICBs.")
    df["denominator_incl_pcas"] = df["denominator"] + df["pcas"]
    df["period"] = _qof_period(QOF2425, edition)
    keep = [
        "org_type",
        "org_code",
        "org_name",
        "practice_count",
        "indicator_code",
        "group_code",
        "description",
        "patient_list_type",
        "numerator",
        "denominator",
        "pcas",
        "denominator_incl_pcas",
        "register",
        "underlying_achievement_percent",
        "intervention_percent",
        "period",
    ]
    return df[keep].reset_index(drop=True)


_QOF_PREV_SCHEMA = pa.DataFrameSchema(
    {
        "org_type": pa.Column(str, pa.Check.isin(["National", "ICB"])),
        "org_code": pa.Column(str, pa.Check.str_matches(r"^(ENG|Q[A-Z0-9]{2})$")),
        "group_code": pa.Column(str),
        "register": pa.Column("int64", pa.Check.ge(0)),
        "denominator": pa.Column("int64", pa.Check.gt(0)),
        "percent": pa.Column(float, pa.Check.in_range(0, 100)),
    },
    checks=[pa.Check(lambda d: (d["register"] <= d["denominator"]).all(), error="register <= list size")],
    strict=False,
)


def qof_icb_prevalence(edition: str | None = None) -> pd.DataFrame:
    """QOF recorded prevalence (register / list size of the register's age group), England and 42
    ICBs, from an edition of ``qof_2425_icb`` (default: the latest). Columns: org_type, org_code,
    org_name, practice_count, group_code, register, list_size, percent (0-100, as published in the
    aggregation), period (the manifest's period of the edition)."""
    df = read_csv(
        QOF2425,
        _QOF_PREV_FILE,
        required=list(_QOF_PREV_SCHEMA.columns) + ["org_name", "practice_count"],
        schema=_QOF_PREV_SCHEMA,
        edition=edition,
    )
    check_unique(df, ["org_code", "group_code"], QOF2425, _QOF_PREV_FILE)
    df = df.rename(columns={"denominator": "list_size"})
    df["period"] = _qof_period(QOF2425, edition)
    return df[
        [
            "org_type",
            "org_code",
            "org_name",
            "practice_count",
            "group_code",
            "register",
            "list_size",
            "percent",
            "period",
        ]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------- QOF (practice)

QOF2223 = "qof_2223"


def qof_practice_prevalence() -> pd.DataFrame:
    """QOF practice registers (the latest edition of ``qof_2223``) with the practice's sub-ICB and
    ICB (registered geography).

    Columns: practice_code, group_code, register (int), list_type, list_size, register_exceeds_list
    (one published LD row), sub_icb_ods_code, sub_icb_ons_code, icb_ods_code, icb_ons_code, period
    (the QOF year as the manifest records it). Registers at the end of the QOF year (31 March).
    """
    # The period is the manifest's, added after the cached table: a corrected label needs no re-read.
    return _qof_practice_registers().assign(period=_qof_period(QOF2223))


@cached_table(
    "qof_2223_practice_prevalence",
    inputs=[(QOF2223, "PREVALENCE_2223.csv"), (QOF2223, "MAPPING_NHS_GEOGRAPHIES_2223.csv")],
)
def _qof_practice_registers() -> pd.DataFrame:
    schema = pa.DataFrameSchema(
        {
            "practice_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]\d{5}$")),
            "group_code": pa.Column(str),
            "list_type": pa.Column(str),
            "list_size": pa.Column("int64", pa.Check.ge(0)),
        },
        strict=False,
    )
    prev = read_csv(
        QOF2223,
        "PREVALENCE_2223.csv",
        required=["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"],
        rename={
            "PRACTICE_CODE": "practice_code",
            "GROUP_CODE": "group_code",
            "REGISTER": "register_raw",
            "PATIENT_LIST_TYPE": "list_type",
            "PRACTICE_LIST_SIZE": "list_size",
        },
        schema=schema,
        dtype={"PRACTICE_CODE": str, "REGISTER": str},
    )
    reg, supp = to_number(
        prev["register_raw"], dataset=QOF2223, filename="PREVALENCE_2223.csv", column="REGISTER", markers=[]
    )
    if (reg % 1 != 0).any():
        raise LoaderError("dataset 'qof_2223', file 'PREVALENCE_2223.csv': REGISTER holds non-whole numbers.")
    prev["register"] = reg.astype("int64")
    # One published row (practice Y05750, learning-disability register 121 on a list of 118) has
    # a register above its list size: kept as published and flagged, never altered.
    prev["register_exceeds_list"] = prev["register"] > prev["list_size"]
    check_unique(prev, ["practice_code", "group_code", "list_type"], QOF2223, "PREVALENCE_2223.csv")
    geo = read_csv(
        QOF2223,
        "MAPPING_NHS_GEOGRAPHIES_2223.csv",
        required=["PRACTICE_CODE", "SUB_ICB_ODS_CODE", "SUB_ICB_ONS_CODE", "ICB_ODS_CODE", "ICB_ONS_CODE"],
        rename={
            "PRACTICE_CODE": "practice_code",
            "SUB_ICB_ODS_CODE": "sub_icb_ods_code",
            "SUB_ICB_ONS_CODE": "sub_icb_ons_code",
            "ICB_ODS_CODE": "icb_ods_code",
            "ICB_ONS_CODE": "icb_ons_code",
        },
        dtype=str,
    )
    check_unique(geo, ["practice_code"], QOF2223, "MAPPING_NHS_GEOGRAPHIES_2223.csv")
    _check_qof_geography(geo)
    out = prev.merge(
        geo[["practice_code", "sub_icb_ods_code", "sub_icb_ons_code", "icb_ods_code", "icb_ons_code"]],
        on="practice_code",
        how="left",
        validate="many_to_one",
    )
    if out["icb_ods_code"].isna().any():
        raise LoaderError("dataset 'qof_2223': some practices in PREVALENCE_2223.csv are not in the mapping file.")
    return out[
        [
            "practice_code",
            "group_code",
            "register",
            "list_type",
            "list_size",
            "register_exceeds_list",
            "sub_icb_ods_code",
            "sub_icb_ons_code",
            "icb_ods_code",
            "icb_ons_code",
        ]
    ]


def _check_qof_geography(geo: pd.DataFrame) -> None:
    """Sub-ICB and ICB codes of the QOF mapping: ODS/ONS code forms, one ONS code per ODS code,
    and the ONS codes among the LSOA11 -> sub-ICB -> ICB lookup (the geography of the QOF year)."""
    from .geography import lookup_vintage, lsoa_lookup

    f = "MAPPING_NHS_GEOGRAPHIES_2223.csv"
    published = {
        "sub_icb_ods_code": "SUB_ICB_ODS_CODE",
        "sub_icb_ons_code": "SUB_ICB_ONS_CODE",
        "icb_ods_code": "ICB_ODS_CODE",
        "icb_ons_code": "ICB_ONS_CODE",
    }
    forms = {
        "sub_icb_ods_code": r"[0-9A-Z]{3,5}",
        "sub_icb_ons_code": r"E38\d{6}",
        "icb_ods_code": r"Q[A-Z0-9]{2}",
        "icb_ons_code": r"E54\d{6}",
    }
    for col, pattern in forms.items():
        check_codes(geo[col], pattern, dataset=QOF2223, filename=f, column=published[col])
    lookup = lsoa_lookup(2011)
    vintage = lookup_vintage(2011)
    check_member(
        geo["sub_icb_ons_code"],
        lookup["sicbl_code"],
        dataset=QOF2223,
        filename=f,
        column="SUB_ICB_ONS_CODE",
        reference_name=f"the sub-ICB locations of lookup_lsoa11_icb ({vintage})",
    )
    check_member(
        geo["icb_ons_code"],
        lookup["icb_ons_code"],
        dataset=QOF2223,
        filename=f,
        column="ICB_ONS_CODE",
        reference_name=f"the ICBs of lookup_lsoa11_icb ({vintage})",
    )
    for ods, ons in (("sub_icb_ods_code", "sub_icb_ons_code"), ("icb_ods_code", "icb_ons_code")):
        pairs = geo[[ods, ons]].drop_duplicates()
        for a, b in ((ods, ons), (ons, ods)):
            n = pairs.groupby(a)[b].nunique()
            if (n > 1).any():
                raise LoaderError(
                    f"dataset {QOF2223!r}, file {f!r}, column {published[a]!r}: code(s) "
                    f"{n[n > 1].index[:5].tolist()} map to several {published[b]} values."
                )


def qof_subicb_map() -> pd.DataFrame:
    """Sub-ICB location (ODS) -> ICB (ODS, ONS) from the QOF 2022-23 practice mapping (106 rows)."""
    geo = read_csv(
        QOF2223,
        "MAPPING_NHS_GEOGRAPHIES_2223.csv",
        required=["SUB_ICB_ODS_CODE", "SUB_ICB_NAME", "ICB_ODS_CODE", "ICB_ONS_CODE"],
        dtype=str,
    )
    out = (
        geo[["SUB_ICB_ODS_CODE", "SUB_ICB_NAME", "ICB_ODS_CODE", "ICB_ONS_CODE"]]
        .drop_duplicates()
        .rename(
            columns={
                "SUB_ICB_ODS_CODE": "sub_icb_ods_code",
                "SUB_ICB_NAME": "sub_icb_name",
                "ICB_ODS_CODE": "icb_ods_code",
                "ICB_ONS_CODE": "icb_ons_code",
            }
        )
    )
    check_unique(out, ["sub_icb_ods_code"], QOF2223, "MAPPING_NHS_GEOGRAPHIES_2223.csv")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- practice deprivation

PRACTICE_IMD = "fingertips_practice_imd"


def practice_imd(year: int = 2019) -> pd.DataFrame:
    """Fingertips 93553 practice deprivation score (population-weighted IMD of the practice's
    registered patients; higher = more deprived) for one IMD vintage (2010, 2015, 2019).

    Columns: practice_code, practice_name, is_current (bool), imd_score, imd_year.
    """
    if year not in (2010, 2015, 2019):
        raise ValueError(f"practice IMD year must be 2010, 2015 or 2019, got {year!r}")
    schema = pa.DataFrameSchema(
        {
            "IndicatorID": pa.Column("int64", pa.Check.eq(93553)),
            "Year": pa.Column("int64", pa.Check.isin([2010, 2015, 2019])),
            "AreaCode": pa.Column(str),
            "Value": pa.Column(float, pa.Check.in_range(0, 100)),
        },
        strict=False,
    )
    df = read_csv(
        PRACTICE_IMD,
        "IMD_raw.csv",
        required=["IndicatorID", "Year", "AreaCode", "AreaName", "IsAreaCurrent", "Value"],
        schema=schema,
        dtype={"AreaCode": str, "AreaName": str},
    )
    check_unique(df, ["AreaCode", "Year"], PRACTICE_IMD, "IMD_raw.csv")
    df = df[df["Year"] == year]
    return pd.DataFrame(
        {
            "practice_code": df["AreaCode"].to_numpy(),
            "practice_name": df["AreaName"].to_numpy(),
            "is_current": df["IsAreaCurrent"].astype(int).eq(1).to_numpy(),
            "imd_score": df["Value"].to_numpy(dtype="float64"),
            "imd_year": year,
        }
    )


def heec_practice_imd_quintile() -> pd.DataFrame:
    """HEEC's national practice-IMD quintiles (unweighted ``ntile`` of the IMD 2019 score),
    converted to this book's convention: ``practice_imd_quintile`` 1 = MOST deprived.

    Columns: practice_code, icb_name, imd_score, practice_imd_quintile, heec_quintile (original,
    1 = least deprived, kept for traceability), suppressed (IMD score published as a suppression
    marker: ``imd_score`` missing).
    """
    schema = pa.DataFrameSchema({"IMD_quintile": pa.Column("int64", pa.Check.isin([1, 2, 3, 4, 5]))}, strict=False)
    df = read_csv(
        PRACTICE_IMD,
        "imd_icb.csv",
        required=["Practice.Code", "ICB.NAME", "IMD", "IMD_quintile"],
        schema=schema,
        dtype={"Practice.Code": str},
    )
    check_unique(df, ["Practice.Code"], PRACTICE_IMD, "imd_icb.csv")
    imd, supp = to_number(df["IMD"], dataset=PRACTICE_IMD, filename="imd_icb.csv", column="IMD")
    out_of_range = (imd < 0) | (imd > 100)
    if out_of_range.any():
        raise LoaderError(
            f"dataset {PRACTICE_IMD!r}, file 'imd_icb.csv', column 'IMD': IMD scores must be 0-100, "
            f"found {imd[out_of_range].head(3).tolist()} at row(s) "
            f"{[int(i) + 2 for i in imd.index[out_of_range][:3]]} of the file."
        )
    return pd.DataFrame(
        {
            "practice_code": df["Practice.Code"],
            "icb_name": df["ICB.NAME"],
            "imd_score": imd,  # suppressed: missing, flagged in ``suppressed``
            "practice_imd_quintile": 6 - df["IMD_quintile"],  # HEEC 1 = least deprived -> book 1 = most
            "heec_quintile": df["IMD_quintile"],
            "suppressed": supp.to_numpy(dtype=bool),
        }
    )


HEEC = "heec_practice_deprivation_quintile_summaries"

#: HEEC column -> this book's practice quintile label (1 = most deprived). HEEC quin_1 is the
#: least deprived; its merged quin_4_5 holds the two most deprived national quintiles.
HEEC_QUINTILE_MAP = {"quin_4_5": "1-2", "quin_3": "3", "quin_2": "4", "quin_1": "5"}


def normalise_icb_name(name: str) -> str:
    """ICB short name in a join-safe form (HEEC spells two ICBs with different case)."""
    n = re.sub(r"^NHS\s+", "", str(name))
    n = re.sub(r"\s+Integrated Care Board$", "", n)
    return re.sub(r"\s+", " ", n.replace("&", "and")).strip().lower()


@cached_table("heec_practice_quintile_summaries", inputs=[(HEEC, "final_data.csv")])
def heec_practice_quintile_summaries() -> pd.DataFrame:
    """HEEC medians of practice indicators by national practice-IMD quintile, long format.

    Columns: year, indicator, area_name (HEEC's name), area_key (normalised, see
    :func:`normalise_icb_name`; ``england`` for England), practice_quintile (``"1-2"`` = the two
    most deprived national quintiles merged, ``"3"``, ``"4"``, ``"5"`` = least deprived),
    median_value, england_median (``avg``: England median over all practices).
    Empty cells (no practice of the ICB in that quintile) stay missing; suppression markers
    (``*``, ``[c]``, ...) also become missing, with ``suppressed`` True.
    Medians are **unweighted** practice medians, not pooled rates.
    """
    schema = pa.DataFrameSchema({"Year": pa.Column("int64", pa.Check.in_range(2010, 2030))}, strict=False)
    cols = ["Year", "Indicator", "ICB.NAME", "quin_1", "quin_2", "quin_3", "quin_4_5", "avg"]
    df = read_csv(HEEC, "final_data.csv", required=cols, schema=schema)
    check_unique(df, ["Year", "Indicator", "ICB.NAME"], HEEC, "final_data.csv")
    long = df.melt(
        id_vars=["Year", "Indicator", "ICB.NAME", "avg"],
        value_vars=list(HEEC_QUINTILE_MAP),
        var_name="heec_col",
        value_name="median_value",
    )
    long["practice_quintile"] = long["heec_col"].map(HEEC_QUINTILE_MAP)
    f = "final_data.csv"
    for c in HEEC_QUINTILE_MAP:
        to_number(df[c], dataset=HEEC, filename=f, column=c)  # text other than a marker: error naming the column
    median, supp = to_number(long["median_value"], dataset=HEEC, filename=f, column="quin_*")
    england, _ = to_number(long["avg"], dataset=HEEC, filename=f, column="avg")
    out = pd.DataFrame(
        {
            "year": long["Year"].astype("int64"),
            "indicator": long["Indicator"].astype(str),
            "area_name": long["ICB.NAME"].astype(str),
            "area_key": long["ICB.NAME"].map(normalise_icb_name),
            "practice_quintile": long["practice_quintile"],
            "median_value": median,
            "england_median": england,
            # a suppression marker (not an empty cell, which means no practice in that quintile)
            "suppressed": (supp & long["median_value"].astype("string").str.strip().ne("").fillna(False)).to_numpy(
                bool
            ),
        }
    )
    _check_heec_ranges(out, f, long["heec_col"])
    check_unique(out, ["year", "indicator", "area_key", "practice_quintile"], HEEC, "final_data.csv")
    return out.sort_values(["indicator", "area_key", "year", "practice_quintile"]).reset_index(drop=True)


def _heec_range(indicator: str) -> tuple[float, float]:
    """Plausible range of a HEEC indicator's practice medians, from its name."""
    low = indicator.lower()
    if low.startswith("life_expectancy"):
        return 40, 110
    if low.endswith("_pct") or low == "cqc_rating":
        return 0, 1
    if (
        "prevalence" in low
        or low.startswith("%")
        or "screening" in low
        or "ifcc" in low
        or low.startswith("last bp")
        or low == "child_imms"
    ):
        return 0, 100
    return 0, np.inf  # counts, rates per population, FTE, payments


def _check_heec_ranges(out: pd.DataFrame, filename: str, heec_col: pd.Series) -> None:
    """``heec_col``: the published column (quin_1 ...) of each row of ``out`` (long format)."""
    rng = out["indicator"].map(_heec_range)
    lo = rng.str[0].astype(float)
    hi = rng.str[1].astype(float)
    for col in ("median_value", "england_median"):
        bad = (out[col] < lo) | (out[col] > hi)
        if bad.any():
            src = sorted(heec_col[bad].unique()) if col == "median_value" else ["avg"]
            ex = out.loc[bad, ["year", "indicator", "area_name", col]].head(3).to_dict("records")
            raise LoaderError(
                f"dataset {HEEC!r}, file {filename!r}, column(s) {src}: {int(bad.sum())} value(s) outside "
                f"the plausible range of their indicator (percentages 0-100, fractions 0-1, counts "
                f">= 0, life expectancy 40-110); e.g. {ex}."
            )


# ----------------------------------------------------------------------------- smoking (QOF, Fingertips 91547)

SMOKING = "fingertips_practice_smoking_qof"


@cached_table("practice_smoking_qof", inputs=[(SMOKING, "smok_qof_prev.csv")])
def practice_smoking_qof() -> pd.DataFrame:
    """QOF-recorded smoking prevalence, adults 15+ (Fingertips 91547), practices and areas.

    Columns: area_code, area_name, area_type, period, value (0-100), count, denominator,
    lower_ci, upper_ci, heec_appended (True for the 2023/24 practice rows HEEC added, which have
    no CIs), suppressed. The duplicated 2015/16 area block is dropped.
    """
    f = "smok_qof_prev.csv"
    req = [
        "Indicator ID",
        "Area Code",
        "Area Name",
        "Area Type",
        "Parent Code",
        "Time period",
        "Value",
        "Lower CI 95.0 limit",
        "Upper CI 95.0 limit",
        "Count",
        "Denominator",
        "Category Type",
        "Category",
    ]
    df = read_csv(SMOKING, f, required=req, dtype={"Area Code": str, "Parent Code": str})
    # Every area of this extract has England as its parent (practices of 2023/24, appended by
    # HEEC, have none): any other parent code is an error, not a new grouping.
    check_member(
        df["Parent Code"].dropna(),
        ["E92000001"],
        dataset=SMOKING,
        filename=f,
        column="Parent Code",
        reference_name="England (the only parent in this extract)",
    )
    key = ["Area Code", "Area Type", "Parent Code", "Time period", "Category Type", "Category"]
    df = df.drop_duplicates(subset=key + ["Value"])
    check_unique(df, key, SMOKING, f)
    val, supp = to_number(df["Value"], dataset=SMOKING, filename=f, column="Value")
    out = pd.DataFrame(
        {
            "area_code": df["Area Code"].to_numpy(),
            "area_name": df["Area Name"].to_numpy(),
            "area_type": df["Area Type"].to_numpy(),
            "period": df["Time period"].astype(str).to_numpy(),
            "value": val.to_numpy(),
            "count": to_number(df["Count"], dataset=SMOKING, filename=f, column="Count")[0].to_numpy(),
            "denominator": to_number(df["Denominator"], dataset=SMOKING, filename=f, column="Denominator")[
                0
            ].to_numpy(),
            "lower_ci": to_number(df["Lower CI 95.0 limit"], dataset=SMOKING, filename=f, column="Lower CI")[
                0
            ].to_numpy(),
            "upper_ci": to_number(df["Upper CI 95.0 limit"], dataset=SMOKING, filename=f, column="Upper CI")[
                0
            ].to_numpy(),
            "heec_appended": df["Indicator ID"].isna().to_numpy(),
            "suppressed": supp.to_numpy(),
        }
    )
    if ((out["value"] < 0) | (out["value"] > 100)).any():
        raise LoaderError(f"dataset {SMOKING!r}, file {f!r}: a smoking prevalence is outside 0-100.")
    return out


__all__ = [
    "HEEC_QUINTILE_MAP",
    "heec_practice_imd_quintile",
    "heec_practice_quintile_summaries",
    "normalise_icb_name",
    "practice_imd",
    "practice_smoking_qof",
    "qof_icb",
    "qof_icb_prevalence",
    "qof_practice_prevalence",
    "qof_subicb_map",
]
