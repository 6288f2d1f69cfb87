"""GP practice -> PCN -> sub-ICB -> ICB, for loaders of practice-level data.

The book maps practices to ICBs the way the QOF loaders do (:mod:`analysis.load.primary_care`):
with NHS England's QOF 2022-23 practice mapping (``qof_2223/MAPPING_NHS_GEOGRAPHIES_2223.csv``,
practices open at 31 March 2023, registered-practice geography). Practices that closed or merged
before then are absent and stay unmapped (flagged), never guessed.
"""

from __future__ import annotations

import pandas as pd

from ._base import check_unique, read_csv

QOF2223 = "qof_2223"
_MAP_FILE = "MAPPING_NHS_GEOGRAPHIES_2223.csv"


def practice_icb_map() -> pd.DataFrame:
    """One row per practice of the QOF 2022-23 mapping (as at 31 March 2023).

    Columns: practice_code, pcn_code, sub_icb_ods_code, sub_icb_ons_code, icb_ods_code,
    icb_ons_code (ONS codes of the 2022 vintage, as published; see ``geography.ONS_CODE_CHANGES_2024``).
    """
    from .primary_care import _check_qof_geography

    cols = {
        "PRACTICE_CODE": "practice_code",
        "PCN_ODS_CODE": "pcn_code",
        "SUB_ICB_ODS_CODE": "sub_icb_ods_code",
        "SUB_ICB_ONS_CODE": "sub_icb_ons_code",
        "ICB_ODS_CODE": "icb_ods_code",
        "ICB_ONS_CODE": "icb_ons_code",
    }
    geo = read_csv(QOF2223, _MAP_FILE, required=list(cols), rename=cols, dtype=str)
    check_unique(geo, ["practice_code"], QOF2223, _MAP_FILE)
    _check_qof_geography(geo)
    return geo[list(cols.values())].reset_index(drop=True)


def attach_icb(df: pd.DataFrame, code_col: str = "practice_code") -> pd.DataFrame:
    """``df`` with icb_ods_code, icb_ons_code (2024 codes, from the book's ICB registry) and
    ``icb_mapped`` (False for practices absent from the mapping) added by practice code."""
    from .geography import ONS_CODE_CHANGES_2024

    geo = practice_icb_map()[["practice_code", "icb_ods_code", "icb_ons_code"]]
    out = df.merge(geo.rename(columns={"practice_code": code_col}), on=code_col, how="left", validate="many_to_one")
    out["icb_ons_code"] = out["icb_ons_code"].replace(ONS_CODE_CHANGES_2024)
    out["icb_mapped"] = out["icb_ods_code"].notna()
    return out


__all__ = ["attach_icb", "practice_icb_map"]
