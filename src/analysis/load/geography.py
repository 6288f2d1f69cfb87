"""Geography lookups: the 42 ICBs with their NHS England region, and LSOA -> LAD -> UTLA ->
region -> sub-ICB -> ICB -> NHS region for 2011 and 2021 LSOAs (ONS Open Geography files).

These are loaders like the others, and the other loaders use them to check area codes; the
ICB objects, name resolution and per-ICB selections built on them are in
:mod:`analysis.geography`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, cached_table, check_unique, read_csv

#: ONS codes that changed in April 2024 (old 2022 code -> current code); ODS codes unchanged.
ONS_CODE_CHANGES_2024 = {"E54000052": "E54000063", "E54000053": "E54000064"}


ICB_SCHEMA = pa.DataFrameSchema(
    {
        "ICB24CD": pa.Column(str, pa.Check.str_matches(r"^E54\d{6}$")),
        "ICB24CDH": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]{3}$")),
        "ICB24NM": pa.Column(str, pa.Check.str_length(min_value=5)),
        "NHSER24CD": pa.Column(str, pa.Check.str_matches(r"^E40\d{6}$")),
        "NHSER24CDH": pa.Column(str),
        "NHSER24NM": pa.Column(str),
    },
    strict=False,
)


@sources.remembered(maxsize=1, national=True)
def icb_table() -> pd.DataFrame:
    """The 42 ICBs (April 2024 codes) with their NHS England region."""
    df = read_csv(
        "lookup_lsoa21_icb",
        "ICB24_NHSER24_derived.csv",
        required=list(ICB_SCHEMA.columns),
        schema=ICB_SCHEMA,
        dtype=str,
    )
    check_unique(df, ["ICB24CD"], "lookup_lsoa21_icb", "ICB24_NHSER24_derived.csv")
    check_unique(df, ["ICB24CDH"], "lookup_lsoa21_icb", "ICB24_NHSER24_derived.csv")
    if len(df) != 42:
        raise LoaderError(
            f"dataset 'lookup_lsoa21_icb', file 'ICB24_NHSER24_derived.csv' lists {len(df)} ICBs; expected 42."
        )
    back = {v: k for k, v in ONS_CODE_CHANGES_2024.items()}
    df["ICB22CD"] = df["ICB24CD"].map(lambda c: back.get(c, c))
    return df.sort_values("ICB24NM").reset_index(drop=True)


# ----------------------------------------------------------------------------- LSOA lookups

_LSOA_COLS = {
    2011: ("lookup_lsoa11_icb", "lsoa11_geography_lookup_2022.csv", "11", "22"),
    2021: ("lookup_lsoa21_icb", "lsoa21_geography_lookup_2024.csv", "21", "24"),
}


def _lsoa_lookup_loader(vintage: int):
    ds, fname, lsoa_y, geo_y = _LSOA_COLS[vintage]

    @cached_table(f"lsoa{lsoa_y}_lookup", [(ds, fname)])
    def _load() -> pd.DataFrame:
        cols = {
            f"LSOA{lsoa_y}CD": "lsoa_code",
            f"LSOA{lsoa_y}NM": "lsoa_name",
            f"LAD{geo_y}CD": "lad_code",
            f"LAD{geo_y}NM": "lad_name",
            f"UTLA{geo_y}CD": "utla_code",
            f"UTLA{geo_y}NM": "utla_name",
            f"RGN{geo_y}CD": "region_code",
            f"RGN{geo_y}NM": "region_name",
            f"SICBL{geo_y}CD": "sicbl_code",
            f"SICBL{geo_y}CDH": "sicbl_ods_code",
            f"SICBL{geo_y}NM": "sicbl_name",
            f"ICB{geo_y}CD": "icb_ons_code",
            f"ICB{geo_y}CDH": "icb_ods_code",
            f"ICB{geo_y}NM": "icb_name",
            f"NHSER{geo_y}CD": "nhser_code",
            f"NHSER{geo_y}NM": "nhser_name",
        }
        schema = pa.DataFrameSchema(
            {
                "lsoa_code": pa.Column(str, pa.Check.str_matches(r"^E01\d{6}$"), unique=True),
                "lad_code": pa.Column(str, pa.Check.str_matches(r"^E0[6789]\d{6}$")),
                "utla_code": pa.Column(str, pa.Check.str_matches(r"^E(06|08|09|10|11)\d{6}$")),
                "sicbl_code": pa.Column(str, pa.Check.str_matches(r"^E38\d{6}$")),
                "icb_ons_code": pa.Column(str, pa.Check.str_matches(r"^E54\d{6}$")),
                "icb_ods_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]{3}$")),
            },
            strict=False,
        )
        df = read_csv(ds, fname, required=list(cols), rename=cols, schema=schema, dtype=str, usecols=list(cols))
        expected = 32844 if vintage == 2011 else 33755
        if len(df) != expected:
            raise LoaderError(f"dataset {ds!r}, file {fname!r} has {len(df)} LSOAs; expected {expected}.")
        return df

    return _load


def lookup_vintage(vintage: int = 2011) -> str:
    """The month of the ONS boundaries of the LSOA lookup for 2011 or 2021 LSOAs, as the manifest
    records the lookup's period (the lookup files name no date of their own)."""
    if vintage not in _LSOA_COLS:
        raise ValueError(f"LSOA vintage must be 2011 or 2021, got {vintage!r}")
    return sources.latest(_LSOA_COLS[vintage][0]).period.label


def lsoa_lookup(vintage: int = 2011) -> pd.DataFrame:
    """LSOA -> LAD -> UTLA -> region -> sub-ICB -> ICB -> NHS region, for 2011 or 2021 LSOAs.

    2011 LSOAs use the July 2022 geography (LAD22, ICB22 codes); 2021 LSOAs the April 2024
    geography (LAD24, ICB24 codes). Never join the two on LSOA code alone.
    """
    if vintage not in _LSOA_COLS:
        raise ValueError(f"LSOA vintage must be 2011 or 2021, got {vintage!r}")
    return _lsoa_lookup_loader(vintage)()


__all__ = ["ICB_SCHEMA", "ONS_CODE_CHANGES_2024", "icb_table", "lookup_vintage", "lsoa_lookup"]
