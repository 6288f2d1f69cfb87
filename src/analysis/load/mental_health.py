"""Mental Health Act detentions 2023-24 (NHS England annual figures): tidy, validated tables.

Read from the workbook the mirror holds (``mha_annual_suppressed_2023_24_version1_dashboard.xlsx``,
sheet ``mha_annual_suppressed_2023_24``: the publication's long CSV saved as a workbook by a third
party), not from the mirror's CSV conversion of it; the conversion's ``label_suspect`` column is
used only by the tests, to check that this loader finds the same damaged rows.

Traps handled here, once, so that no chapter meets them:

* **Damaged labels.** The uploader of the workbook pasted gender labels over five blocks of rows
  (see PROVENANCE). A row whose ``DemographicBreakdown`` is a gender label outside the Gender
  demographic, or empty, or whose ``OrganisationBreakdown`` is not one of the publication's five
  values, is **quarantined**: it is never returned by :func:`mha_detentions` or the tables built on
  it, because its values belong to a breakdown we cannot name (e.g. the first IMD decile).
  :func:`mha_quarantined_rows` lists them, without their values, so a chapter can say what is
  missing. The rule is the one of the mirror's ``convert.py``.
* **IMD direction.** The file labels deciles ``01 ...`` to ``10 Most deprived`` (10 = most
  deprived). The book's ``imd_decile`` runs the other way (1 = most deprived, as MHCLG):
  ``imd_decile = 11 - file decile``. After quarantine, file deciles 01 (all) and 02 (for most
  ICBs) are missing, i.e. the book's deciles 10 and 9.
* **Suppression and rounding.** Below England, counts are rounded to 5 and small counts are left
  empty: they stay missing (``suppressed`` True), never zero.
* **ICB codes.** ICB rows carry ODS codes (QGH); the ONS code is added from the book's ICB
  registry. ``UNKNOWN`` (no derivable ICB) is kept as an organisation, not an ICB.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ._base import LoaderError, cached_table, check_member, check_unique, read_excel, validate

MHA = "mha_detentions_2023_24"
_BOOK = "mha_annual_suppressed_2023_24_version1_dashboard.xlsx"
_SHEET = "mha_annual_suppressed_2023_24"

#: The publication's organisation levels, and the book's name for each.
ORG_LEVELS = {
    "All submissions": "England",
    "ICB": "ICB",
    "Sub ICB": "Sub-ICB",
    "NHS Trust": "NHS trust",
    "Independent Health Provider": "Independent provider",
}
#: Labels the uploader pasted over other breakdowns (valid only in the Gender demographic).
_GENDER_LABELS = {"Male", "Female", "Non-binary", "Other", "Not stated", "All genders", "Missing"}
#: The six broad ethnic groups of the ICB tables (the national table also has 20 detailed groups).
BROAD_ETHNIC_GROUPS = [
    "Asian or Asian British",
    "Black or Black British",
    "Mixed",
    "Other Ethnic Groups",
    "White",
    "Unknown",
]
_IMD_LABEL = re.compile(r"^(\d{2}) (Most|More|Less|Least) deprived$")
IMD_NOT_KNOWN = "Not stated/Not known/Invalid"

_COUNT = pa.Column(float, pa.Check.ge(0), nullable=True)
_RATE = pa.Column(float, pa.Check.in_range(0, 100_000), nullable=True)
_SCHEMA = pa.DataFrameSchema(
    {
        "Year": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        "Measure": pa.Column(str),
        "measureSubcategory": pa.Column(str),
        "Demographic": pa.Column(str, pa.Check.isin(["All", "Age", "Gender", "Ethnicity", "IMD"])),
        "DemographicBreakdown": pa.Column(str, nullable=True),
        "OrganisationBreakdown": pa.Column(str, nullable=True),
        "Datasource": pa.Column(str, pa.Check.isin(["MHSDS", "ECDS", "Both"])),
        "OrgID": pa.Column(str),
        "OrgName": pa.Column(str),
        "MHSDS_Count": _COUNT,
        "Acute_Count": _COUNT,
        "Total_Count": _COUNT,
        "CrudeRate": _RATE,
        "StdRate": _RATE,
        "Confidence_interval": _RATE,
    },
    strict=False,
)


@cached_table("mha_detentions_2023_24_sheet", inputs=[(MHA, _BOOK)])
def _raw() -> pd.DataFrame:
    """The data sheet as published, with ``sheet_row`` (header = row 1) and ``label_suspect``."""
    df = read_excel(
        MHA,
        _BOOK,
        sheet_name=_SHEET,
        engine="calamine",
        required=list(_SCHEMA.columns),
        dtype={"measureSubcategory": str, "Year": str, "OrgID": str},
    )
    for c in ("MHSDS_Count", "Acute_Count", "Total_Count", "CrudeRate", "StdRate", "Confidence_interval"):
        df[c] = pd.to_numeric(df[c], errors="coerce") if df[c].dtype == object else df[c]
    df = validate(df, _SCHEMA, MHA, _BOOK)
    df.insert(0, "sheet_row", np.arange(2, len(df) + 2))
    counts = df[["MHSDS_Count", "Acute_Count", "Total_Count"]]
    if ((counts % 1).fillna(0) != 0).any().any():
        raise LoaderError(f"dataset {MHA!r}, file {_BOOK!r}: a count column holds a non-whole number.")
    bad_label = df["DemographicBreakdown"].isna() | (
        df["DemographicBreakdown"].isin(_GENDER_LABELS) & (df["Demographic"] != "Gender")
    )
    bad_org = ~df["OrganisationBreakdown"].isin(list(ORG_LEVELS))
    df["label_suspect"] = (bad_label | bad_org).to_numpy()
    df["quarantine_reason"] = np.select(
        [bad_org, df["DemographicBreakdown"].isna(), bad_label],
        [
            "OrganisationBreakdown is not a publication value",
            "DemographicBreakdown is empty",
            "DemographicBreakdown holds a gender label outside the Gender demographic",
        ],
        default="",
    )
    return df


def _icb_codes() -> pd.DataFrame:
    from .geography import icb_table

    t = icb_table()
    return pd.DataFrame({"org_code": t["ICB24CDH"], "icb_ons_code": t["ICB24CD"]})


def mha_detentions() -> pd.DataFrame:
    """Every row of the publication whose labels are intact (the quarantined rows removed).

    Columns: period (e.g. ``2023-24``, read from the file's Year), measure, measure_subcategory,
    demographic (All, Age, Gender, Ethnicity, IMD), breakdown (as published), org_level (England,
    ICB, Sub-ICB, NHS trust, Independent provider), org_code (ODS; ``All prov`` for England,
    ``UNKNOWN`` for no derivable ICB), org_name, icb_ods_code and icb_ons_code (ICB rows of the 42
    ICBs only), datasource (MHSDS, ECDS, Both), mhsds_count, acute_count, total_count (people or
    detentions; rounded to 5 below England), suppressed (total_count not published), crude_rate
    (per 100,000), std_rate (age-standardised per 100,000; national ethnicity rows only),
    std_rate_ci (95% CI half-width), sheet_row (row in the workbook, for checking).
    """
    df = _raw()
    df = df[~df["label_suspect"]].copy()
    icb_rows = df["OrganisationBreakdown"] == "ICB"
    codes = _icb_codes()
    check_member(
        df.loc[icb_rows, "OrgID"],
        list(codes["org_code"]) + ["UNKNOWN", "All prov"],
        dataset=MHA,
        filename=_BOOK,
        column="OrgID",
        reference_name="the 42 ICBs of the book's registry (plus UNKNOWN and All prov)",
    )
    present = set(df.loc[icb_rows, "OrgID"])
    missing = sorted(set(codes["org_code"]) - present)
    if missing:
        raise LoaderError(f"dataset {MHA!r}, file {_BOOK!r}, column 'OrgID': ICB(s) {missing} have no rows.")
    period = df["Year"].str.replace("/", "-", regex=False)
    out = pd.DataFrame(
        {
            "period": period,
            "measure": df["Measure"],
            "measure_subcategory": df["measureSubcategory"],
            "demographic": df["Demographic"],
            "breakdown": df["DemographicBreakdown"],
            "org_level": df["OrganisationBreakdown"].map(ORG_LEVELS),
            "org_code": df["OrgID"],
            "org_name": df["OrgName"],
            "datasource": df["Datasource"],
            "mhsds_count": df["MHSDS_Count"],
            "acute_count": df["Acute_Count"],
            "total_count": df["Total_Count"],
            "suppressed": df["Total_Count"].isna().to_numpy(),
            "crude_rate": df["CrudeRate"],
            "std_rate": df["StdRate"],
            "std_rate_ci": df["Confidence_interval"],
            "sheet_row": df["sheet_row"],
        }
    )
    is_icb = (out["org_level"] == "ICB") & out["org_code"].isin(codes["org_code"])
    out.insert(7, "icb_ods_code", out["org_code"].where(is_icb))
    out.insert(8, "icb_ons_code", out["icb_ods_code"].map(dict(zip(codes["org_code"], codes["icb_ons_code"]))))
    key = ["measure", "measure_subcategory", "demographic", "breakdown", "org_level", "org_code", "datasource"]
    check_unique(out, key, MHA, _BOOK)
    return out.reset_index(drop=True)


def mha_quarantined_rows() -> pd.DataFrame:
    """The rows :func:`mha_detentions` leaves out because their labels were overwritten.

    No values are returned (they belong to a breakdown that cannot be named). Columns: sheet_row,
    measure, measure_subcategory, demographic, org_level_as_found, org_code, damaged_label (the
    label as found: **not** the row's real breakdown), reason.
    """
    df = _raw()
    q = df[df["label_suspect"]]
    return pd.DataFrame(
        {
            "sheet_row": q["sheet_row"],
            "measure": q["Measure"],
            "measure_subcategory": q["measureSubcategory"],
            "demographic": q["Demographic"],
            "org_level_as_found": q["OrganisationBreakdown"],
            "org_code": q["OrgID"],
            "damaged_label": q["DemographicBreakdown"],
            "reason": q["quarantine_reason"],
        }
    ).reset_index(drop=True)


def mha_detentions_by_imd() -> pd.DataFrame:
    """All detentions by IMD decile of the patient's LSOA, England and the 42 ICBs (+ UNKNOWN).

    Columns: period, org_level (England, ICB), org_code, org_name, icb_ods_code, icb_ons_code,
    imd_decile (Int64, **1 = most deprived**; missing on the not-known row), breakdown (the label as
    published, e.g. ``10 Most deprived`` = imd_decile 1), total_count, suppressed, crude_rate (per
    100,000). Deciles 10 (all areas) and 9 (most areas) are absent: their labels were overwritten
    in the source copy (see :func:`mha_quarantined_rows`).
    """
    df = mha_detentions()
    df = df[
        (df["demographic"] == "IMD")
        & (df["measure"] == "All detentions")
        & (df["measure_subcategory"] == "All")
        & (df["breakdown"] != "All")
    ].copy()
    parsed = df["breakdown"].str.extract(_IMD_LABEL)
    unknown = parsed[0].isna() & (df["breakdown"] != IMD_NOT_KNOWN)
    if unknown.any():
        raise LoaderError(
            f"dataset {MHA!r}, file {_BOOK!r}, column 'DemographicBreakdown': unexpected IMD labels "
            f"{sorted(df.loc[unknown, 'breakdown'].unique())[:5]}."
        )
    file_decile = pd.to_numeric(parsed[0]).astype("Int64")
    # The label's word must agree with its number (10 "Most", 06-09 "More", 02-05 "Less"), so a
    # file whose numbering was reversed cannot pass unnoticed.
    expected_word = file_decile.map(
        lambda d: pd.NA if pd.isna(d) else "Most" if d == 10 else "More" if d >= 6 else "Less" if d >= 2 else "Least"
    )
    disagree = parsed[1].notna() & (parsed[1] != expected_word) & ~((file_decile == 1) & (parsed[1] == "Less"))
    if disagree.any():
        raise LoaderError(
            f"dataset {MHA!r}, file {_BOOK!r}, column 'DemographicBreakdown': IMD labels whose number "
            f"and direction disagree: {sorted(df.loc[disagree, 'breakdown'].unique())[:5]}."
        )
    df["imd_decile"] = (11 - file_decile).astype("Int64")  # file 10 = most deprived -> book 1
    cols = [
        "period",
        "org_level",
        "org_code",
        "org_name",
        "icb_ods_code",
        "icb_ons_code",
        "imd_decile",
        "breakdown",
        "total_count",
        "suppressed",
        "crude_rate",
    ]
    return df[cols].sort_values(["org_level", "org_code", "imd_decile"]).reset_index(drop=True)


def mha_detentions_by_ethnicity(measure: str = "All detentions") -> pd.DataFrame:
    """Detentions (or another measure) by ethnic group, England and the 42 ICBs (+ UNKNOWN).

    Columns: period, measure, measure_subcategory, org_level, org_code, org_name, icb_ods_code,
    icb_ons_code, ethnic_group (as published), broad_group (True for the six broad groups that the
    ICB rows use; England also has 20 detailed groups), total_count, suppressed, crude_rate,
    std_rate and std_rate_ci (England only). The ``All`` breakdown is the all-groups total.
    """
    df = mha_detentions()
    if measure not in set(df["measure"]):
        raise ValueError(f"unknown MHA measure {measure!r}; the file has {sorted(df['measure'].unique())}")
    df = df[
        (df["demographic"] == "Ethnicity") & (df["measure"] == measure) & df["org_level"].isin(["England", "ICB"])
    ].copy()
    df["broad_group"] = df["breakdown"].isin(BROAD_ETHNIC_GROUPS)
    df = df.rename(columns={"breakdown": "ethnic_group"})
    cols = [
        "period",
        "measure",
        "measure_subcategory",
        "org_level",
        "org_code",
        "org_name",
        "icb_ods_code",
        "icb_ons_code",
        "ethnic_group",
        "broad_group",
        "total_count",
        "suppressed",
        "crude_rate",
        "std_rate",
        "std_rate_ci",
    ]
    return df[cols].sort_values(["measure_subcategory", "org_level", "org_code", "ethnic_group"]).reset_index(drop=True)


__all__ = [
    "BROAD_ETHNIC_GROUPS",
    "IMD_NOT_KNOWN",
    "ORG_LEVELS",
    "mha_detentions",
    "mha_detentions_by_ethnicity",
    "mha_detentions_by_imd",
    "mha_quarantined_rows",
]
