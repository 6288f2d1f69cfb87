"""A&E attendances of children aged 0-4 per 1,000 (OHID Fingertips 93930): tidy, validated tables.

The file is the Fingertips ``all_data`` CSV export as published. Traps handled here:

* **Registered-practice geography**: practice rows count the attendances of children registered
  with the practice; practices are mapped to ICBs with the book's practice mapping
  (:func:`analysis.load.practices.attach_icb`). A few 2021/22 practices closed before March 2023
  and stay unmapped (``icb_mapped`` False); never guessed.
* **Deprivation deciles are labels** ("Most deprived decile (IMD2019)" ... "Least deprived decile
  (IMD2019)"), of the area of residence (county/UA or district/UA deciles): turned into
  ``imd_decile`` with 1 = most deprived from the words, not from their order in the file.
* The 4/21 and 4/23 geography versions of a decile type repeat some deciles; both are kept, keyed
  by ``category_type``.
* Counts below England are rounded to 5; a suppressed value stays missing (``suppressed``).
  Aggregate by summing ``count`` and ``denominator``, never by averaging rates.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from ._base import LoaderError, check_codes, check_unique, read_csv, to_number

AE_U5 = "fingertips_ae_attendances_under5_practice"
_FILE = "ed_under5.csv"
ENGLAND = "E92000001"

_ORDINALS = {"": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_DECILE = re.compile(
    r"^(?:(Second|Third|Fourth|Fifth) )?(most|more|less|least) deprived decile(?: \(IMD\d{4}\))?$", re.IGNORECASE
)

_SCHEMA = pa.DataFrameSchema(
    {
        "Indicator ID": pa.Column("int64", pa.Check.eq(93930)),
        "Area Code": pa.Column(str),
        "Area Type": pa.Column(str, pa.Check.isin(["England", "GPs", "PCNs (v. 27/10/23)"])),
        "Sex": pa.Column(str, pa.Check.isin(["Persons", "Male", "Female"])),
        "Time period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
    },
    strict=False,
)


def imd_decile_from_label(label: str) -> int:
    """Fingertips decile label -> decile with 1 = most deprived ("Second least deprived" -> 9)."""
    m = _DECILE.match(str(label).strip())
    if not m:
        raise ValueError(f"not a Fingertips deprivation decile label: {label!r}")
    nth = _ORDINALS[(m.group(1) or "").lower()]
    word = m.group(2).lower()
    if word in ("most", "more"):
        return nth  # "Most" = 1st most deprived, "Fifth more deprived" = 5
    return 11 - nth  # "Least" = 10, "Fifth less deprived" = 6


def _load() -> tuple[pd.DataFrame, pd.DataFrame]:
    req = [
        "Indicator ID",
        "Area Code",
        "Area Name",
        "Area Type",
        "Parent Code",
        "Sex",
        "Age",
        "Category Type",
        "Category",
        "Time period",
        "Value",
        "Lower CI 95.0 limit",
        "Upper CI 95.0 limit",
        "Count",
        "Denominator",
        "Value note",
    ]
    df = read_csv(
        AE_U5,
        _FILE,
        required=req,
        schema=_SCHEMA,
        dtype={
            "Area Code": str,
            "Parent Code": str,
            "Time period": str,
            "Value": str,
            "Count": str,
            "Denominator": str,
            "Lower CI 95.0 limit": str,
            "Upper CI 95.0 limit": str,
        },
    )
    key = ["Area Code", "Area Type", "Sex", "Category Type", "Category", "Time period"]
    check_unique(df, key, AE_U5, _FILE)
    nums = {}
    for src, out in (
        ("Value", "value"),
        ("Count", "count"),
        ("Denominator", "denominator"),
        ("Lower CI 95.0 limit", "lower_ci"),
        ("Upper CI 95.0 limit", "upper_ci"),
    ):
        nums[out], supp = to_number(df[src], dataset=AE_U5, filename=_FILE, column=src)
        if out == "value":
            nums["suppressed"] = supp
    for c in ("value", "count", "denominator", "lower_ci", "upper_ci"):
        if (nums[c] < 0).any():
            raise LoaderError(
                f"dataset {AE_U5!r}, file {_FILE!r}: negative {c} values {nums[c][nums[c] < 0].head(3).tolist()}."
            )
    over = nums["count"] > 10 * nums["denominator"]  # more than 10 attendances per child a year
    if over.any():
        raise LoaderError(
            f"dataset {AE_U5!r}, file {_FILE!r}, column 'Count': implausible counts above ten "
            f"attendances per child at row(s) {[int(i) + 2 for i in df.index[over][:3]]}."
        )
    tidy = pd.DataFrame(
        {
            "area_type": df["Area Type"],
            "area_code": df["Area Code"],
            "area_name": df["Area Name"],
            "parent_code": df["Parent Code"],
            "sex": df["Sex"],
            "category_type": df["Category Type"],
            "category": df["Category"],
            "period": df["Time period"].str.replace("/", "-", regex=False),
            **{k: v.to_numpy() for k, v in nums.items()},
        }
    )
    return tidy, df


def ae_under5_practices() -> pd.DataFrame:
    """A&E attendances aged 0-4 per 1,000 registered children, by GP practice.

    Columns: period (financial year, e.g. ``2021-22``, from the file), practice_code,
    practice_name, pcn_code, count (attendances; rounded to 5), denominator (registered children
    aged 0-4), value (per 1,000, as published), lower_ci, upper_ci (95%), suppressed,
    icb_ods_code, icb_ons_code, icb_mapped.
    """
    from .practices import attach_icb

    tidy, _ = _load()
    gp = tidy[tidy["area_type"] == "GPs"]
    check_codes(gp["area_code"], r"[A-Z]\d{5}", dataset=AE_U5, filename=_FILE, column="Area Code")
    out = pd.DataFrame(
        {
            "period": gp["period"],
            "practice_code": gp["area_code"],
            "practice_name": gp["area_name"],
            "pcn_code": gp["parent_code"],
            "count": gp["count"],
            "denominator": gp["denominator"],
            "value": gp["value"],
            "lower_ci": gp["lower_ci"],
            "upper_ci": gp["upper_ci"],
            "suppressed": gp["suppressed"].astype(bool),
        }
    )
    return attach_icb(out).reset_index(drop=True)


def ae_under5_pcns() -> pd.DataFrame:
    """The same indicator by primary care network. Columns: period, pcn_code, pcn_name, count,
    denominator, value (per 1,000), lower_ci, upper_ci, suppressed."""
    tidy, _ = _load()
    p = tidy[tidy["area_type"] == "PCNs (v. 27/10/23)"]
    check_codes(p["area_code"], r"U\d{5}", dataset=AE_U5, filename=_FILE, column="Area Code")
    return pd.DataFrame(
        {
            "period": p["period"],
            "pcn_code": p["area_code"],
            "pcn_name": p["area_name"],
            "count": p["count"],
            "denominator": p["denominator"],
            "value": p["value"],
            "lower_ci": p["lower_ci"],
            "upper_ci": p["upper_ci"],
            "suppressed": p["suppressed"].astype(bool),
        }
    ).reset_index(drop=True)


def ae_under5_england() -> pd.DataFrame:
    """England: persons, males, females and persons by deprivation decile of the area of residence.

    Columns: period, sex, breakdown (``All`` or the Fingertips category type, e.g. ``District & UA
    deprivation deciles in England (IMD2019, 4/23 geography)``), category (as published),
    imd_decile (Int64, **1 = most deprived**, from the label's words), count, denominator, value
    (per 1,000), lower_ci, upper_ci.
    """
    tidy, _ = _load()
    e = tidy[tidy["area_type"] == "England"].copy()
    check_codes(e["area_code"], ENGLAND, dataset=AE_U5, filename=_FILE, column="Area Code")
    has_cat = e["category"].notna()
    try:
        dec = e.loc[has_cat, "category"].map(imd_decile_from_label)
    except ValueError as exc:
        raise LoaderError(f"dataset {AE_U5!r}, file {_FILE!r}, column 'Category': {exc}") from exc
    e["imd_decile"] = pd.Series(pd.NA, index=e.index, dtype="Int64")
    e.loc[has_cat, "imd_decile"] = dec.astype("int64")
    for (ctype, period), grp in e[has_cat].groupby(["category_type", "period"]):
        if sorted(grp["imd_decile"]) != list(range(1, 11)):
            raise LoaderError(
                f"dataset {AE_U5!r}, file {_FILE!r}, column 'Category': {ctype} {period} does not have "
                f"each of deciles 1-10 once."
            )
    return (
        pd.DataFrame(
            {
                "period": e["period"],
                "sex": e["sex"],
                "breakdown": e["category_type"].fillna("All"),
                "category": e["category"],
                "imd_decile": e["imd_decile"],
                "count": e["count"],
                "denominator": e["denominator"],
                "value": e["value"],
                "lower_ci": e["lower_ci"],
                "upper_ci": e["upper_ci"],
            }
        )
        .sort_values(["period", "breakdown", "sex", "imd_decile"])
        .reset_index(drop=True)
    )


__all__ = ["AE_U5", "ae_under5_england", "ae_under5_pcns", "ae_under5_practices", "imd_decile_from_label"]
