"""Clinical-area loaders for the Core20PLUS5 chapter: CVDPREVENT, cancer stage, SMI physical
health checks, maternity (MSDS), children's oral health and older Fingertips mental-health series.

Traps handled here:

* CVDPREVENT quintile 1 = MOST deprived (IMD 2019 quintile of the patient's LSOA) - already this
  book's convention; checked, not converted.
* Fingertips / ONS Explore Local Statistics ``status == "u"`` and re-shaped Fingertips ``NA`` are
  suppressed values: missing and flagged, never zero.
* SMI physical health checks: 24 blank ``Answer`` cells (07M and 15A in 2018/19) stay missing;
  ``Period`` labels (``SMI-Q4-2023-2024``) are the compiler's and are parsed to a financial year,
  quarter and quarter-end date here.
* MSDS: counts rounded to the nearest 5; ``Value`` holds numbers, ``*`` (suppressed) and data
  quality text ("Pass", "Fail", "Low DQ", "DNS"); LMNS codes are ICB ODS codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ._base import LoaderError, cached_table, check_unique, read_csv, read_excel, to_number, validate

# ----------------------------------------------------------------------------- CVDPREVENT

CVDPREVENT = "cvdprevent"
_CVD_FILE = "cvdprevent_by_deprivation_quintile_england_to_march_2026.csv"


def cvdprevent_quintiles() -> pd.DataFrame:
    """CVDPREVENT England results by IMD 2019 quintile (1 = most deprived), to March 2026.

    Columns: indicator_code, indicator, period, imd_quintile, numerator, denominator, value
    (0-100), lower_ci, upper_ci.
    """
    schema = pa.DataFrameSchema(
        {
            "indicator_code": pa.Column(str, pa.Check.str_matches(r"^CVDP\d{3}[A-Z]+$")),
            "quintile": pa.Column("int64", pa.Check.isin([1, 2, 3, 4, 5])),
            "numerator": pa.Column("int64", pa.Check.ge(0)),
            "denominator": pa.Column("int64", pa.Check.gt(0)),
            "value": pa.Column(float, pa.Check.in_range(0, 100)),
            "lower_ci": pa.Column(float, pa.Check.in_range(0, 100)),
            "upper_ci": pa.Column(float, pa.Check.in_range(0, 100)),
        },
        checks=[
            pa.Check(lambda d: ((d.lower_ci <= d.value) & (d.value <= d.upper_ci)).all(), error="CI brackets value")
        ],
        strict=False,
    )
    df = read_csv(CVDPREVENT, _CVD_FILE, required=list(schema.columns) + ["indicator", "period"], schema=schema)
    check_unique(df, ["indicator_code", "quintile"], CVDPREVENT, _CVD_FILE)
    # Source convention (PROVENANCE): quintile 1 = most deprived, the book's convention: kept.
    return df.rename(columns={"quintile": "imd_quintile"})[
        [
            "indicator_code",
            "indicator",
            "period",
            "imd_quintile",
            "numerator",
            "denominator",
            "value",
            "lower_ci",
            "upper_ci",
        ]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------- cancer stage

CANCER_STAGE = "cancer_stage"
_STAGE_FILE = "cancer-diagnosis-at-stage-1-and-2.csv"


def cancer_stage() -> pd.DataFrame:
    """Fingertips 93671: % of staged cancers diagnosed at stage 1 or 2, England to LAD, 2013-2022.

    Columns: area_code, area_name, geography, year (int), value, lower_ci, upper_ci (0-100),
    suppressed (status ``u``: value missing). Persons, single calendar years.
    """
    req = ["areacd", "areanm", "geography", "period", "observation", "lci_95", "uci_95", "status"]
    df = read_csv(
        CANCER_STAGE, _STAGE_FILE, required=req, dtype={"status": str, "observation": str, "lci_95": str, "uci_95": str}
    )
    check_unique(df, ["areacd", "period"], CANCER_STAGE, _STAGE_FILE)
    m = df["period"].astype(str).str.fullmatch(r"(\d{4})-01-01/P1Y")
    if not m.all():
        raise LoaderError(
            f"dataset {CANCER_STAGE!r}, file {_STAGE_FILE!r}: unexpected period codes "
            f"{df.loc[~m, 'period'].unique()[:3].tolist()}."
        )
    val, _ = to_number(df["observation"], dataset=CANCER_STAGE, filename=_STAGE_FILE, column="observation")
    lo, _ = to_number(df["lci_95"], dataset=CANCER_STAGE, filename=_STAGE_FILE, column="lci_95")
    hi, _ = to_number(df["uci_95"], dataset=CANCER_STAGE, filename=_STAGE_FILE, column="uci_95")
    suppressed = df["status"].fillna("").str.strip().eq("u")
    out = pd.DataFrame(
        {
            "area_code": df["areacd"].astype(str),
            "area_name": df["areanm"].astype(str).str.strip(),
            "geography": df["geography"].astype(str),
            "year": df["period"].str.slice(0, 4).astype("int64"),
            "value": val.where(~suppressed),
            "lower_ci": lo.where(~suppressed),
            "upper_ci": hi.where(~suppressed),
            "suppressed": suppressed | val.isna(),
        }
    )
    for c, src in (("value", "observation"), ("lower_ci", "lci_95"), ("upper_ci", "uci_95")):
        bad = (out[c] < 0) | (out[c] > 100)
        if bad.any():
            raise LoaderError(
                f"dataset {CANCER_STAGE!r}, file {_STAGE_FILE!r}, column {src!r}: percentages must be "
                f"0-100, found {out.loc[bad, c].head(3).tolist()} at row(s) "
                f"{[int(i) + 2 for i in out.index[bad][:3]]} of the file."
            )
    ok = out.dropna(subset=["value"])
    if ((ok.lower_ci > ok.value) | (ok.upper_ci < ok.value)).any():
        raise LoaderError(
            f"dataset {CANCER_STAGE!r}, file {_STAGE_FILE!r}: confidence intervals (lci_95, uci_95) "
            "do not bracket the value."
        )
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- SMI physical health checks

SMI_PHC = "smi_physical_health_checks"
#: The compiled workbook of NHS England's quarterly extracts (one long sheet under a title row; the
#: Period labels are the compiler's, the counts NHS England's). The mirror's CSV conversion of it
#: (``smi_phc_ccg_subicb_quarter_long.csv``) is a cross-check in the tests, not an input.
_SMI_FILE = "source/Physical-Health-Checks-SMI Raw Data.xlsx"
_SMI_SHEET = "Sheet 1 - Physical-Health-Check"
SMI_QUESTIONS = [
    "SMIRegister",
    "All6PHC",
    "Alcohol",
    "BMIWeight",
    "BloodGlucose",
    "BloodLipid",
    "BloodPressure",
    "Smoking",
]


def smi_health_checks() -> pd.DataFrame:
    """NHS England SMI physical health checks, CCG / sub-ICB location x quarter, wide, read from the
    compiled workbook of NHS England's quarterly extracts.

    Columns: period_label, fin_year ("2023/24"), quarter (1-4), quarter_end (Timestamp),
    org_code (CCG or sub-ICB ODS code), one column per question (SMIRegister, All6PHC, ...) as
    float, with the 24 blank published cells left missing, and ``suppressed`` (any blank).
    Counts are rolling 12 months to the quarter end.
    """
    schema = pa.DataFrameSchema(
        {
            "Period": pa.Column(str, pa.Check.str_matches(r"^SMI-Q[1-4]-\d{4}-\d{4}$")),
            "Question": pa.Column(str, pa.Check.isin(SMI_QUESTIONS)),
        },
        strict=False,
    )
    df = read_excel(
        SMI_PHC,
        _SMI_FILE,
        required=["Period", "CCG Code", "Question", "Answer"],
        sheet_name=_SMI_SHEET,
        header=1,
        engine="calamine",
        dtype=object,
    )
    for c in ("Period", "CCG Code", "Question"):
        df[c] = df[c].astype("string").str.strip().astype(str)
    df["Answer"] = df["Answer"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    df = validate(df, schema, SMI_PHC, _SMI_FILE)
    check_unique(df, ["Period", "CCG Code", "Question"], SMI_PHC, _SMI_FILE)
    df["count"], df["blank"] = to_number(
        df["Answer"], dataset=SMI_PHC, filename=_SMI_FILE, column="Answer", markers=[""]
    )
    wide = df.pivot(index=["Period", "CCG Code"], columns="Question", values="count").reset_index()
    blank = df.groupby(["Period", "CCG Code"], as_index=False)["blank"].any()
    wide = wide.merge(blank, on=["Period", "CCG Code"], how="left", validate="one_to_one")
    missing_q = [q for q in SMI_QUESTIONS if q not in wide.columns]
    if missing_q:
        raise LoaderError(f"dataset {SMI_PHC!r}, file {_SMI_FILE!r}: questions missing: {missing_q}.")
    parts = wide["Period"].str.extract(r"^SMI-Q(?P<q>[1-4])-(?P<y1>\d{4})-(?P<y2>\d{4})$")
    y1 = parts["y1"].astype(int)
    q = parts["q"].astype(int)
    end_year = np.where(q == 4, y1 + 1, y1)
    end_month = np.select([q == 1, q == 2, q == 3, q == 4], [6, 9, 12, 3])
    out = pd.DataFrame(
        {
            "period_label": wide["Period"],
            "fin_year": y1.astype(str) + "/" + (y1 + 1).astype(str).str[-2:],
            "quarter": q,
            "quarter_end": pd.to_datetime(pd.DataFrame({"year": end_year, "month": end_month, "day": 1}))
            + pd.offsets.MonthEnd(0),
            "org_code": wide["CCG Code"],
        }
    )
    for c in SMI_QUESTIONS:
        out[c] = wide[c].astype("float64")
    out["suppressed"] = wide["blank"].to_numpy(dtype=bool)
    ok = out.dropna(subset=SMI_QUESTIONS)
    if (ok[SMI_QUESTIONS[1:]].gt(ok["SMIRegister"], axis=0)).any().any():
        raise LoaderError(f"dataset {SMI_PHC!r}, file {_SMI_FILE!r}: a check count exceeds the SMI register.")
    return out.sort_values(["quarter_end", "org_code"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- maternity (MSDS)

MSDS_MONTHLY = "maternity_msds_monthly"
_MSDS_MEASURES = "msds-apr2025Provisional-exp-measures.csv.gz"
_DQ_TEXT = ["Pass", "Fail", "Low DQ", "DNS"]


@cached_table("msds_monthly_measures", inputs=[(MSDS_MONTHLY, _MSDS_MEASURES)])
def msds_measures() -> pd.DataFrame:
    """MSDS monthly "exp-measures", April 2025 (provisional), long format.

    Columns: org_code, org_name, org_level (National, NHS England (Region), MBRRACE Grouping,
    Local Maternity System (code = ICB ODS code), Provider), period_start, period_end,
    indicator_family, indicator, currency (Numerator, Denominator, Rate, ...), value (float;
    missing when suppressed ``*`` or a data-quality word), suppressed, dq_text.
    Counts are rounded to the nearest 5 by the publisher.
    """
    req = [
        "Org_Code",
        "Org_Name",
        "Org_Level",
        "RPStartDate",
        "RPEndDate",
        "IndicatorFamily",
        "Indicator",
        "Currency",
        "Value",
    ]
    df = read_csv(MSDS_MONTHLY, _MSDS_MEASURES, required=req, dtype=str, compression="gzip")
    check_unique(df, ["Org_Code", "Org_Level", "Indicator", "Currency"], MSDS_MONTHLY, _MSDS_MEASURES)
    raw = df["Value"].fillna("").str.strip()
    is_dq = raw.isin(_DQ_TEXT)
    val, supp = to_number(
        raw.where(~is_dq, "*"), dataset=MSDS_MONTHLY, filename=_MSDS_MEASURES, column="Value", markers=["*", ""]
    )
    return pd.DataFrame(
        {
            "org_code": df["Org_Code"],
            "org_name": df["Org_Name"],
            "org_level": df["Org_Level"],
            "period_start": pd.to_datetime(df["RPStartDate"], format="%d/%m/%Y"),
            "period_end": pd.to_datetime(df["RPEndDate"], format="%d/%m/%Y"),
            "indicator_family": df["IndicatorFamily"],
            "indicator": df["Indicator"],
            "currency": df["Currency"],
            "value": val,
            "suppressed": supp & ~is_dq,
            "dq_text": raw.where(is_dq),
        }
    )


def msds_proportions(
    indicators: list[str], org_levels: tuple[str, ...] = ("National", "Local Maternity System")
) -> pd.DataFrame:
    """Numerator and denominator of MSDS measures side by side (one row per org x indicator).

    Columns: org_level, org_code, org_name, indicator, numerator, denominator, published_rate,
    period_start. Rows whose numerator or denominator is suppressed keep NaN.
    """
    m = msds_measures()
    m = m[m["indicator"].isin(indicators) & m["org_level"].isin(org_levels)]
    wide = (
        m.set_index(["org_level", "org_code", "org_name", "indicator", "period_start", "currency"])["value"]
        .unstack("currency")
        .reset_index()
    )
    wide.columns.name = None
    for c in ("Numerator", "Denominator", "Rate"):
        if c not in wide:
            wide[c] = np.nan
    return wide.rename(columns={"Numerator": "numerator", "Denominator": "denominator", "Rate": "published_rate"})[
        ["org_level", "org_code", "org_name", "indicator", "period_start", "numerator", "denominator", "published_rate"]
    ]


# ----------------------------------------------------------------------------- children's oral health

ORAL = "fingertips_child_oral_health"
_ORAL_FILE = "children_dental_decay_district_ua.csv"


def child_oral_health() -> pd.DataFrame:
    """Fingertips 93563: % of 5-year-olds with visually obvious dental decay, England, districts,
    UAs and 25 counties, survey years 2014/15 to 2023/24.

    Columns: area_code, area_name, area_type, period, value (0-100, 1 dp; missing = suppressed),
    compared_to_england (Fingertips' own comparison: Better/Similar/Worse/Not compared),
    suppressed.
    """
    schema = pa.DataFrameSchema(
        {
            "area_type": pa.Column(str, pa.Check.isin(["Country", "District", "UA", "County"])),
            "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        },
        strict=False,
    )
    req = ["area_code", "area_name", "area_type", "period", "value", "compared_to_England"]
    df = read_csv(ORAL, _ORAL_FILE, required=req, schema=schema, dtype={"value": str}, keep_default_na=False)
    check_unique(df, ["area_code", "period"], ORAL, _ORAL_FILE)
    val, supp = to_number(df["value"], dataset=ORAL, filename=_ORAL_FILE, column="value", markers=["NA", ""])
    if ((val < 0) | (val > 100)).any():
        raise LoaderError(f"dataset {ORAL!r}, file {_ORAL_FILE!r}: a percentage is outside 0-100.")
    return pd.DataFrame(
        {
            "area_code": df["area_code"],
            "area_name": df["area_name"],
            "area_type": df["area_type"],
            "period": df["period"],
            "value": val,
            "compared_to_england": df["compared_to_England"],
            "suppressed": supp,
        }
    )


# ----------------------------------------------------------------------------- older Fingertips MH series

MH_OLD = "fingertips_smi_cyp_mental_health"


def _fingertips_reshaped(filename: str, value_range: tuple[float, float]) -> pd.DataFrame:
    req = ["area_code", "area_name", "period", "value", "indicator", "measure", "significance"]
    df = read_csv(MH_OLD, filename, required=req, dtype={"value": str}, keep_default_na=False)
    check_unique(df, ["area_code", "period"], MH_OLD, filename)
    val, supp = to_number(df["value"], dataset=MH_OLD, filename=filename, column="value", markers=["NA", ""])
    lo, hi = value_range
    bad = (val < lo) | (val > hi)
    if bad.any():
        raise LoaderError(
            f"dataset {MH_OLD!r}, file {filename!r}, column 'value': expected {lo:g}-{hi:g}, found "
            f"{val[bad].head(3).tolist()} at row(s) {[int(i) + 2 for i in val.index[bad][:3]]} of the file."
        )
    return pd.DataFrame(
        {
            "area_code": df["area_code"],
            "area_name": df["area_name"],
            "period": df["period"],
            "value": val,
            "indicator": df["indicator"],
            "measure": df["measure"],
            "compared_to_england": df["significance"],
            "suppressed": supp,
        }
    )


def self_harm_admissions_10_24() -> pd.DataFrame:
    """Fingertips 90813: hospital admissions for self-harm, ages 10-24, directly standardised rate
    per 100,000; England and counties/UAs (pre-2019 codes), 2011/12-2017/18. Old series."""
    return _fingertips_reshaped("admissions_self_harm_10_24_county_ua.csv", (0, 100_000))  # per 100,000


def smi_excess_mortality() -> pd.DataFrame:
    """Fingertips 91096: excess under-75 mortality in adults with SMI (ratio x 100), England and
    counties/UAs, 2009/10-2014/15. Old series."""
    # a ratio x 100: 100 = no excess; the published range is about 120-600
    return _fingertips_reshaped("mortality_serious_mental_illness_county_ua.csv", (0, 10_000))


__all__ = [
    "SMI_QUESTIONS",
    "cancer_stage",
    "child_oral_health",
    "cvdprevent_quintiles",
    "msds_measures",
    "msds_proportions",
    "self_harm_admissions_10_24",
    "smi_excess_mortality",
    "smi_health_checks",
]
