"""CVDPREVENT CVDP003CHOL (QRISK >= 20% on lipid-lowering therapy) by ICB x deprivation quintile
and by GP practice: tidy, validated tables.

Read from the CVDPREVENT exports as the mirror holds them (``CVDP003CHOL.xlsx``, sheet ``Sheet1``;
``CVDP003CHOL_Dec23_GP.xlsx``, sheet ``Practice``), not from the mirror's CSV conversions.

Traps handled here:

* **Quintile direction.** CVDPREVENT labels ``1 - most deprived`` ... ``5 - least deprived``; the
  loader reads the direction from the labels (``most``/``least`` beside 1 and 5) and returns
  ``imd_quintile`` with 1 = most deprived whichever way a file numbers them.
* **ICB codes** are ONS codes of the 2023 vintage (Surrey Heartlands E54000052, Sussex E54000053):
  mapped to the April 2024 codes (E54000063, E54000064) and to ODS codes through the book's ICB
  registry (:mod:`analysis.geography`); ``area_code`` keeps the code as published.
* **Rounding.** Below England, counts are rounded to 5: use the published ``value`` and CIs;
  ``100 * numerator / denominator`` differs by up to a point in small cells.
* **Licence.** The audit's metadata reads "Produced by Office for Health Improvement and
  Disparities, and NHS Benchmarking Network. (c) Copyright NHS England. All rights reserved."; the
  manifest entry carries it as ``attribution`` (see :func:`attribution`) for the chapter and the
  sources page to show.
* **Practices**: the ICB columns appended by the NHS England North East and Yorkshire team are not
  audit fields; the book maps practices with its own practice mapping
  (:func:`analysis.load.practices.attach_icb`) and keeps the NEY join only as ``ney_icb_ods_code``.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, check_codes, check_member, check_unique, read_excel, validate

CVDP_ICB = "cvdprevent_icb_deprivation"
_ICB_BOOK = "CVDP003CHOL.xlsx"
_GP_BOOK = "CVDP003CHOL_Dec23_GP.xlsx"
ENGLAND = "E92000001"

_PERIOD = re.compile(
    r"^To (January|February|March|April|May|June|July|August|September|October|November|December) "
    r"(\d{4})$"
)
_QUINTILE = re.compile(r"^([1-5])(?:\s*-\s*(most|least) deprived)?$", re.IGNORECASE)

_COMMON = {
    "AreaCode": pa.Column(str),
    "AreaName": pa.Column(str),
    "CategoryAttribute": pa.Column(str, pa.Check.eq("Persons")),
    "IndicatorCode": pa.Column(str, pa.Check.str_matches(r"^CVDP\d{3}[A-Z]+$")),
    "IndicatorShortName": pa.Column(str),
    "MetricCategoryTypeName": pa.Column(str, pa.Check.isin(["Sex", "Deprivation quintile"])),
    "TimePeriodName": pa.Column(str, pa.Check.str_matches(_PERIOD.pattern)),
    "Numerator": pa.Column(float, pa.Check.ge(0), nullable=True),
    "Denominator": pa.Column(float, pa.Check.ge(0), nullable=True),
    "Value": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    "LowerConfidenceLimit": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    "UpperConfidenceLimit": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
}
_CHECKS = [
    pa.Check(lambda d: (d["Numerator"] <= d["Denominator"]) | d["Numerator"].isna(), error="Numerator <= Denominator")
]


def _read(filename: str, sheet: str, extra: list[str]) -> pd.DataFrame:
    schema = pa.DataFrameSchema(_COMMON, checks=_CHECKS, strict=False, coerce=False)
    df = read_excel(
        CVDP_ICB,
        filename,
        sheet_name=sheet,
        engine="calamine",
        required=list(_COMMON) + extra,
        dtype={"AreaCode": str, "MetricCategoryName": str},
    )
    for c in ("Numerator", "Denominator"):
        df[c] = df[c].astype("float64")
    return validate(df, schema, CVDP_ICB, filename)


def _period_end(period: pd.Series) -> pd.Series:
    """'To December 2023' -> the last month of the 12-month audit period, as a monthly Period."""
    parts = period.str.extract(_PERIOD)
    return pd.PeriodIndex(pd.to_datetime(parts[0] + " " + parts[1], format="%B %Y"), freq="M").astype(str)


def _quintile(labels: pd.Series, filename: str) -> pd.Series:
    """imd_quintile (1 = most deprived) from CVDPREVENT quintile labels, checking their direction."""
    parsed = labels.str.strip().str.extract(_QUINTILE)
    if parsed[0].isna().any():
        bad = sorted(labels[parsed[0].isna()].unique())[:5]
        raise LoaderError(
            f"dataset {CVDP_ICB!r}, file {filename!r}, column 'MetricCategoryName': unexpected "
            f"deprivation quintile labels {bad}."
        )
    q = parsed[0].astype(int)
    word = parsed[1].str.lower()
    ends = dict(zip(q[word.notna()], word[word.notna()]))
    if ends == {1: "most", 5: "least"}:
        return q.astype("Int64")
    if ends == {1: "least", 5: "most"}:
        return (6 - q).astype("Int64")
    raise LoaderError(
        f"dataset {CVDP_ICB!r}, file {filename!r}, column 'MetricCategoryName': cannot tell the "
        f"quintile direction from the labels (expected '1 - most deprived' and '5 - least "
        f"deprived', or the reverse); found {sorted(labels.unique())}."
    )


def _icb_registry() -> pd.DataFrame:
    from .geography import icb_table

    t = icb_table()
    return pd.DataFrame({"icb22": t["ICB22CD"], "icb_ons_code": t["ICB24CD"], "icb_ods_code": t["ICB24CDH"]})


def cvdprevent_icb_quintiles() -> pd.DataFrame:
    """CVDP003CHOL for England and the 42 ICBs, overall and by deprivation quintile, four periods.

    Columns: indicator_code, indicator (short name), period (as published, e.g. ``To December
    2023``), period_end (``YYYY-MM``, last month of the 12-month period), area_level (England, ICB),
    area_code (ONS code as published, 2023 vintage), area_name, icb_ons_code (April 2024 code),
    icb_ods_code, breakdown (``Persons`` or ``Deprivation quintile``), imd_quintile (Int64,
    **1 = most deprived**; missing on Persons rows), numerator, denominator (patients; rounded to 5
    below England), value (percent 0-100, as published), lower_ci, upper_ci (95%).
    """
    f = _ICB_BOOK
    df = _read(f, "Sheet1", ["MetricCategoryName"])
    check_codes(df["AreaCode"], r"E92000001|E54\d{6}", dataset=CVDP_ICB, filename=f, column="AreaCode")
    reg = _icb_registry()
    icb = df["AreaCode"] != ENGLAND
    check_member(
        df.loc[icb, "AreaCode"],
        reg["icb22"],
        dataset=CVDP_ICB,
        filename=f,
        column="AreaCode",
        reference_name="the 42 ICBs of the book's registry (2023 ONS codes)",
    )
    quint = df["MetricCategoryTypeName"] == "Deprivation quintile"
    persons = (df["MetricCategoryTypeName"] == "Sex") & (df["MetricCategoryName"] == "Persons")
    if not (quint | persons).all():
        raise LoaderError(
            f"dataset {CVDP_ICB!r}, file {f!r}, column 'MetricCategoryName': rows other than Persons "
            f"and deprivation quintiles: {sorted(df.loc[~(quint | persons), 'MetricCategoryName'].unique())[:5]}."
        )
    q = pd.Series(pd.NA, index=df.index, dtype="Int64")
    q[quint] = _quintile(df.loc[quint, "MetricCategoryName"], f)
    out = pd.DataFrame(
        {
            "indicator_code": df["IndicatorCode"],
            "indicator": df["IndicatorShortName"],
            "period": df["TimePeriodName"],
            "period_end": _period_end(df["TimePeriodName"]),
            "area_level": icb.map({True: "ICB", False: "England"}),
            "area_code": df["AreaCode"],
            "area_name": df["AreaName"],
            "breakdown": quint.map({True: "Deprivation quintile", False: "Persons"}),
            "imd_quintile": q,
            "numerator": df["Numerator"],
            "denominator": df["Denominator"],
            "value": df["Value"],
            "lower_ci": df["LowerConfidenceLimit"],
            "upper_ci": df["UpperConfidenceLimit"],
        }
    )
    out = out.merge(reg.rename(columns={"icb22": "area_code"}), on="area_code", how="left")
    check_unique(out, ["indicator_code", "period", "area_code", "breakdown", "imd_quintile"], CVDP_ICB, f)
    per_period = out[out["area_level"] == "ICB"].groupby("period")["area_code"].nunique()
    if (per_period != 42).any():
        raise LoaderError(
            f"dataset {CVDP_ICB!r}, file {f!r}: expected the 42 ICBs in every period, found {per_period.to_dict()}."
        )
    cols = [
        "indicator_code",
        "indicator",
        "period",
        "period_end",
        "area_level",
        "area_code",
        "area_name",
        "icb_ons_code",
        "icb_ods_code",
        "breakdown",
        "imd_quintile",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
    ]
    return (
        out[cols]
        .sort_values(["period_end", "area_level", "area_code", "breakdown", "imd_quintile"], na_position="first")
        .reset_index(drop=True)
    )


def cvdprevent_practices() -> pd.DataFrame:
    """CVDP003CHOL by GP practice (persons), with the practice's ICB from the book's mapping.

    Columns: indicator_code, period, period_end, practice_code, practice_name, numerator,
    denominator, value (percent 0-100), lower_ci, upper_ci, suppressed (value withheld for
    disclosure control: value, numerator and denominator missing), icb_ods_code, icb_ons_code,
    icb_mapped (False where the practice is not in the QOF 2022-23 mapping), ney_icb_ods_code (the
    ICB that the NEY team appended; third-party, for comparison only).
    """
    f = _GP_BOOK
    df = _read(f, "Practice", ["AreaName", "ValueNote", "ICB"])
    check_codes(df["AreaCode"], r"[A-Z]\d{5}", dataset=CVDP_ICB, filename=f, column="AreaCode")
    check_unique(df, ["AreaCode", "TimePeriodName"], CVDP_ICB, f)
    note = df["ValueNote"].astype("string").str.strip()
    suppressed = note.str.contains("suppressed", case=False).fillna(False).astype(bool)
    if (df.loc[~suppressed, "Value"].isna()).any():
        raise LoaderError(f"dataset {CVDP_ICB!r}, file {f!r}, column 'Value': empty without a suppression note.")
    out = pd.DataFrame(
        {
            "indicator_code": df["IndicatorCode"],
            "period": df["TimePeriodName"],
            "period_end": _period_end(df["TimePeriodName"]),
            "practice_code": df["AreaCode"],
            "practice_name": df["AreaName"],
            "numerator": df["Numerator"],
            "denominator": df["Denominator"],
            "value": df["Value"],
            "lower_ci": df["LowerConfidenceLimit"],
            "upper_ci": df["UpperConfidenceLimit"],
            "suppressed": suppressed.to_numpy(),
            "ney_icb_ods_code": df["ICB"].astype("string"),
        }
    )
    from .practices import attach_icb

    out = attach_icb(out)
    return out[
        [
            "indicator_code",
            "period",
            "period_end",
            "practice_code",
            "practice_name",
            "numerator",
            "denominator",
            "value",
            "lower_ci",
            "upper_ci",
            "suppressed",
            "icb_ods_code",
            "icb_ons_code",
            "icb_mapped",
            "ney_icb_ods_code",
        ]
    ]


def attribution(dataset: str) -> str | None:
    """The attribution text the manifest records for ``dataset`` (None where none is required)."""
    meta = sources.manifest().get(dataset)
    if meta is None:
        raise sources.DataSourceError(f"Unknown dataset {dataset!r}: it is not listed in {sources.manifest_path()}.")
    return meta.get("attribution")


__all__ = ["CVDP_ICB", "attribution", "cvdprevent_icb_quintiles", "cvdprevent_practices"]
