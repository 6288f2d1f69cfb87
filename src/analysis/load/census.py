"""Census 2021 ethnic group (TS021, 5 groups by LSOA; 19 groups by local authority) and disability
(TS038, Equality Act, by LSOA): denominators for rates by ethnic group and the population chapter.

The ONS tables reach the mirror only inside R data files (``.rda``) of the demographr package;
the loaders read the mirror's CSV conversions of those files (``convert.py`` beside them writes
the same rows and values), which is the practical form.

Traps handled here:

* **England only**: the files cover England and Wales; Wales is dropped.
* **Perturbed totals**: ONS perturbs each table and geography separately, so an LSOA's
  ``total_residents`` differs by a few people between tables and from the population file. Every
  share uses the **same table's own total** (``total_residents``), never another table's.
* **LSOA 2021** codes are joined to ICBs with the book's LSOA21 lookup
  (:func:`analysis.geography.lsoa_lookup`), which must match every English LSOA.
* "White" at LSOA includes White British, Irish, Gypsy or Irish Traveller, Roma and Other White.
* Disability is **crude** (not age-standardised): it rises steeply with age.
* The local-authority percent rows are rounded to 1 dp: shares are recomputed from the numbers.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, cached_table, check_unique, read_csv

ETH = "census21_ethnicity"
_ETH_LSOA = "census21_ethnicity5_lsoa21.csv.gz"
_ETH_LTLA = "census21_ethnicity19_ltla21.csv"
DIS = "census21_disability_lsoa"
_DIS_LSOA = "census21_disability_lsoa21.csv.gz"

#: TS021 high-level groups -> short names for tables and figures.
ETHNIC_GROUPS_5 = {
    "Asian, Asian British or Asian Welsh": "Asian",
    "Black, Black British, Black Welsh, Caribbean or African": "Black",
    "Mixed or Multiple ethnic groups": "Mixed",
    "White": "White",
    "Other ethnic group": "Other",
}
DISABILITY = {"Disabled under the Equality Act": "disabled", "Not disabled under the Equality Act": "not_disabled"}
N_LSOA21 = 33755


def _period(dataset: str) -> str:
    """The dataset's period as the manifest records it (these files carry no date of their own)."""
    return sources.latest(dataset).period.label


def _lsoa_table(dataset: str, filename: str, group_col: str, groups: dict[str, str]) -> pd.DataFrame:
    """Read a long LSOA x group table (n, total_residents, prop), England only, checked."""
    schema = pa.DataFrameSchema(
        {
            "lsoa21_code": pa.Column(str, pa.Check.str_matches(r"^[EW]01\d{6}$")),
            group_col: pa.Column(str, pa.Check.isin(list(groups))),
            "n": pa.Column("int64", pa.Check.ge(0)),
            "total_residents": pa.Column("int64", pa.Check.gt(0)),
            "prop": pa.Column(float, pa.Check.in_range(0, 1)),
        },
        strict=False,
    )
    df = read_csv(
        dataset,
        filename,
        required=["lsoa21_code", group_col, "n", "total_residents", "prop"],
        schema=schema,
        dtype={"lsoa21_code": str, group_col: str},
    )
    df = df[df["lsoa21_code"].str.startswith("E")].reset_index(drop=True)
    check_unique(df, ["lsoa21_code", group_col], dataset, filename)
    per = df.groupby("lsoa21_code").agg(
        k=(group_col, "size"), n=("n", "sum"), t=("total_residents", "first"), t_n=("total_residents", "nunique")
    )
    if len(per) != N_LSOA21:
        raise LoaderError(f"dataset {dataset!r}, file {filename!r}: {len(per)} English LSOAs; expected {N_LSOA21}.")
    bad = per[(per["k"] != len(groups)) | (per["t_n"] != 1) | (per["n"] != per["t"])]
    if len(bad):
        raise LoaderError(
            f"dataset {dataset!r}, file {filename!r}, column 'n': in {len(bad)} LSOA(s) the "
            f"{len(groups)} groups do not sum to total_residents (or a group is missing); e.g. "
            f"{bad.index[:3].tolist()}."
        )
    if ((df["prop"] - df["n"] / df["total_residents"]).abs() > 1e-9).any():
        raise LoaderError(f"dataset {dataset!r}, file {filename!r}, column 'prop': differs from n / total_residents.")
    return df


def _with_icb(df: pd.DataFrame, dataset: str, filename: str) -> pd.DataFrame:
    from .geography import lsoa_lookup

    lk = lsoa_lookup(2021)[["lsoa_code", "lad_code", "utla_code", "icb_ods_code", "icb_ons_code"]]
    out = df.merge(lk, on="lsoa_code", how="left", validate="many_to_one")
    if out["icb_ods_code"].isna().any():
        ex = out.loc[out["icb_ods_code"].isna(), "lsoa_code"].unique()[:5].tolist()
        raise LoaderError(
            f"dataset {dataset!r}, file {filename!r}, column 'lsoa21_code': LSOAs not in the LSOA 2021 "
            f"-> ICB lookup; e.g. {ex}."
        )
    return out


def _icb_sum(df: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """Sum LSOA counts and the table's own totals to ICBs; share = n / total (same table)."""
    from .geography import icb_table

    g = df.groupby(["icb_ods_code", "icb_ons_code", group_col], as_index=False)[["n", "total_residents"]].sum()
    g["share"] = g["n"] / g["total_residents"]
    names = icb_table().set_index("ICB24CDH")["ICB24NM"]
    g.insert(2, "icb_name", g["icb_ods_code"].map(names))
    if g["icb_ods_code"].nunique() != 42:
        raise LoaderError(
            f"LSOA 2021 lookup gives {g['icb_ods_code'].nunique()} ICBs for the Census tables; expected 42."
        )
    return g


@cached_table("census21_ethnicity_lsoa21", inputs=[(ETH, _ETH_LSOA)])
def census_ethnicity_lsoa() -> pd.DataFrame:
    """Census 2021 usual residents by 5 high-level ethnic groups (TS021), English LSOA 2021.

    Columns: lsoa_code, ethnic_group (TS021 label), group (short: Asian, Black, Mixed, White,
    Other), n, total_residents (TS021's own LSOA total: use it as the denominator), share
    (n / total_residents), lad_code, utla_code, icb_ods_code, icb_ons_code, period.
    """
    df = _lsoa_table(ETH, _ETH_LSOA, "ethnic_group", ETHNIC_GROUPS_5)
    out = pd.DataFrame(
        {
            "lsoa_code": df["lsoa21_code"],
            "ethnic_group": df["ethnic_group"],
            "group": df["ethnic_group"].map(ETHNIC_GROUPS_5),
            "n": df["n"],
            "total_residents": df["total_residents"],
            "share": df["prop"],
        }
    )
    out = _with_icb(out, ETH, _ETH_LSOA)
    out["period"] = _period(ETH)
    return out


def census_ethnicity_icb() -> pd.DataFrame:
    """The 5 high-level ethnic groups summed to the 42 ICBs (residents of the ICB's LSOAs).

    Columns: icb_ods_code, icb_ons_code, icb_name, ethnic_group, group, n, total_residents (sum of
    TS021 LSOA totals), share (0-1), period.
    """
    df = census_ethnicity_lsoa()
    g = _icb_sum(df, "ethnic_group")
    g.insert(4, "group", g["ethnic_group"].map(ETHNIC_GROUPS_5))
    g["period"] = _period(ETH)
    return g


def census_ethnicity_ltla() -> pd.DataFrame:
    """Census 2021 usual residents by the 19 ethnic groups, English lower-tier local authorities
    (LTLA 2021 codes, before the April 2023 reorganisations).

    Columns: ltla_code, ltla_name, broad_group (e.g. ``White``), ethnic_group (e.g. ``English,
    Welsh, Scottish, Northern Irish or British``), n, ltla_total (sum of the 19 groups), share
    (n / ltla_total, recomputed), published_percent (as published, 1 dp), period.
    """
    schema = pa.DataFrameSchema(
        {
            "ltla21_code": pa.Column(str, pa.Check.str_matches(r"^[EW]0[6789]\d{6}$")),
            "value": pa.Column(float, pa.Check.ge(0)),
        },
        strict=False,
    )
    df = read_csv(
        ETH,
        _ETH_LTLA,
        required=["ltla21_code", "ltla21_name", "ethnic_group", "value"],
        schema=schema,
        dtype={"ltla21_code": str, "ethnic_group": str},
    )
    df = df[df["ltla21_code"].str.startswith("E")].copy()
    parts = df["ethnic_group"].str.replace(r"\s+", " ", regex=True).str.extract(r"^(.+?): (.+) \((number|percent)\)$")
    if parts[0].isna().any():
        raise LoaderError(
            f"dataset {ETH!r}, file {_ETH_LTLA!r}, column 'ethnic_group': labels not of the form "
            f"'<group>: <detail> (number|percent)': {df.loc[parts[0].isna(), 'ethnic_group'].head(3).tolist()}."
        )
    df["broad"], df["detail"], df["kind"] = parts[0].map(ETHNIC_GROUPS_5), parts[1], parts[2]
    if df["broad"].isna().any():
        raise LoaderError(
            f"dataset {ETH!r}, file {_ETH_LTLA!r}, column 'ethnic_group': unknown high-level groups "
            f"{sorted(parts.loc[df['broad'].isna(), 0].unique())[:5]}."
        )
    check_unique(df, ["ltla21_code", "broad", "detail", "kind"], ETH, _ETH_LTLA)
    wide = df.pivot(
        index=["ltla21_code", "ltla21_name", "broad", "detail"], columns="kind", values="value"
    ).reset_index()
    if wide[["number", "percent"]].isna().any().any() or (wide.groupby("ltla21_code").size() != 19).any():
        raise LoaderError(
            f"dataset {ETH!r}, file {_ETH_LTLA!r}: every local authority needs a number and a percent "
            f"row for each of the 19 groups."
        )
    if ((wide["number"] % 1) != 0).any():
        raise LoaderError(f"dataset {ETH!r}, file {_ETH_LTLA!r}, column 'value': a count is not a whole number.")
    total = wide.groupby("ltla21_code")["number"].transform("sum")
    out = pd.DataFrame(
        {
            "ltla_code": wide["ltla21_code"],
            "ltla_name": wide["ltla21_name"],
            "broad_group": wide["broad"],
            "ethnic_group": wide["detail"],
            "n": wide["number"].astype("int64"),
            "ltla_total": total.astype("int64"),
            "share": wide["number"] / total,
            "published_percent": wide["percent"],
        }
    )
    # A percent that disagrees with its own number by more than rounding means shifted rows.
    off = (100 * out["share"] - out["published_percent"]).abs() > 0.051
    if off.any():
        raise LoaderError(
            f"dataset {ETH!r}, file {_ETH_LTLA!r}, column 'value': {int(off.sum())} percent row(s) do not "
            f"match their number row; e.g. {out.loc[off, ['ltla_code', 'ethnic_group']].head(3).to_dict('records')}."
        )
    out["period"] = _period(ETH)
    return out.reset_index(drop=True)


@cached_table("census21_disability_lsoa21", inputs=[(DIS, _DIS_LSOA)])
def census_disability_lsoa() -> pd.DataFrame:
    """Census 2021 usual residents disabled under the Equality Act (TS038), English LSOA 2021.

    Columns: lsoa_code, disabled, not_disabled, total_residents (TS038's own total), share_disabled
    (crude, 0-1), lad_code, utla_code, icb_ods_code, icb_ons_code, period.
    """
    df = _lsoa_table(DIS, _DIS_LSOA, "disability", DISABILITY)
    wide = (
        df.pivot(index=["lsoa21_code", "total_residents"], columns="disability", values="n")
        .rename(columns=DISABILITY)
        .reset_index()
    )
    wide.columns.name = None
    out = pd.DataFrame(
        {
            "lsoa_code": wide["lsoa21_code"],
            "disabled": wide["disabled"].astype("int64"),
            "not_disabled": wide["not_disabled"].astype("int64"),
            "total_residents": wide["total_residents"].astype("int64"),
        }
    )
    out["share_disabled"] = out["disabled"] / out["total_residents"]
    out = _with_icb(out, DIS, _DIS_LSOA)
    out["period"] = _period(DIS)
    return out


def census_disability_icb() -> pd.DataFrame:
    """Disability (Equality Act) summed to the 42 ICBs. Columns: icb_ods_code, icb_ons_code,
    icb_name, disabled, total_residents, share_disabled (crude, 0-1), period."""
    df = census_disability_lsoa()
    long = df.rename(columns={"disabled": "n"}).assign(status="disabled")
    g = _icb_sum(long, "status").rename(columns={"n": "disabled", "share": "share_disabled"}).drop(columns="status")
    g["period"] = _period(DIS)
    return g


def census_day() -> pd.Timestamp:
    """Census day, read from the manifest's period of the Census tables ("Census 2021 (21 March 2021)")."""
    label = sources.latest(ETH).period.label
    m = re.search(r"\((\d{1,2} \w+ \d{4})\)", label)
    if not m:
        raise LoaderError(
            f"dataset {ETH!r}: the manifest's period {label!r} does not give Census day as '(<day> <month> <year>)'"
        )
    return pd.Timestamp(dt.datetime.strptime(m.group(1), "%d %B %Y"))


__all__ = [
    "DISABILITY",
    "ETHNIC_GROUPS_5",
    "census_day",
    "census_disability_icb",
    "census_disability_lsoa",
    "census_ethnicity_icb",
    "census_ethnicity_lsoa",
    "census_ethnicity_ltla",
]
