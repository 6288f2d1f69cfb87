"""The 42 ICBs and their code systems; LSOA -> sub-ICB -> ICB -> region lookups.

ICBs carry two codes: the ODS code (``QGH``; used by RTT, cancer waiting times, WLMDS, QOF) and
the ONS code (``E54000019``; used by the A&E ICB file, GPAD, IoD2025 summaries). Two ONS codes
changed in April 2024 (Surrey Heartlands E54000052 -> E54000063, Sussex E54000053 -> E54000064;
ODS codes unchanged). From April 2026 the RTT and cancer files carry six merged ICBs; see
:data:`MERGED_ICBS_2026`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from .load._base import LoaderError, check_unique, read_csv

DEFAULT_ICB = "QGH"

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


@dataclass(frozen=True)
class ICB:
    ods_code: str
    ons_code: str
    name: str
    region_code: str
    region_ods_code: str
    region_name: str
    ons_code_2022: str

    @property
    def short_name(self) -> str:
        """Name without the 'NHS ... Integrated Care Board' wrapper, for titles and tables."""
        n = re.sub(r"^NHS\s+", "", self.name)
        return re.sub(r"\s+Integrated Care Board$", "", n)

    @property
    def slug(self) -> str:
        return self.ods_code.lower()


class UnknownICBError(ValueError):
    """Raised for an ICB code or name that does not identify exactly one of the 42 ICBs."""


@lru_cache(maxsize=1)
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


def all_icbs() -> list[ICB]:
    return [
        ICB(r.ICB24CDH, r.ICB24CD, r.ICB24NM, r.NHSER24CD, r.NHSER24CDH, r.NHSER24NM, r.ICB22CD)
        for r in icb_table().itertuples()
    ]


def _norm(text: str) -> str:
    t = text.lower()
    t = re.sub(r"\bintegrated care board\b|\bicb\b|\bnhs\b", " ", t)
    t = t.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def find_icb(query: str) -> ICB:
    """Resolve an ODS code (QGH), ONS code (E54000019, or a pre-2024 code) or unambiguous name."""
    if not isinstance(query, str) or not query.strip():
        raise UnknownICBError(_unknown_message(repr(query)))
    q = query.strip()
    icbs = all_icbs()
    for icb in icbs:
        if q.upper() in (icb.ods_code, icb.ons_code, icb.ons_code_2022):
            return icb
    nq = _norm(q)
    if nq:
        exact = [i for i in icbs if _norm(i.name) == nq]
        if len(exact) == 1:
            return exact[0]
        partial = [i for i in icbs if nq in _norm(i.name)]
        if len(partial) == 1:
            return partial[0]
        if len(partial) > 1:
            names = "; ".join(f"{i.ods_code} {i.short_name}" for i in partial)
            raise UnknownICBError(f"ICB {query!r} is ambiguous: it matches {names}. Use the ODS code.")
    raise UnknownICBError(_unknown_message(repr(query)))


def _unknown_message(q: str) -> str:
    rows = "\n".join(f"  {i.ods_code}  {i.ons_code}  {i.short_name}" for i in all_icbs())
    return f"Unknown ICB {q}. Give an ODS code, ONS code or unambiguous name; the 42 ICBs are:\n{rows}"


#: Merged ICBs that appear in the RTT and cancer waiting times data from April 2026
#: (ODS code -> the ODS codes of the ICBs they replace, which end in March 2026). Filled in by
#: the waiting-list loaders from the data; kept here so that every chapter explains them alike.
MERGED_ICBS_2026: dict[str, tuple[str, ...]] = {}


# ----------------------------------------------------------------------------- LSOA lookups

_LSOA_COLS = {
    2011: ("lookup_lsoa11_icb", "lsoa11_geography_lookup_2022.csv", "11", "22"),
    2021: ("lookup_lsoa21_icb", "lsoa21_geography_lookup_2024.csv", "21", "24"),
}


def _lsoa_lookup_loader(vintage: int):
    from .load._base import cached_table

    ds, fname, lsoa_y, geo_y = _LSOA_COLS[vintage]

    @cached_table(f"lsoa{lsoa_y}_lookup", [(ds, fname)])
    def _load() -> pd.DataFrame:
        cols = {
            f"LSOA{lsoa_y}CD": "lsoa_code", f"LSOA{lsoa_y}NM": "lsoa_name",
            f"LAD{geo_y}CD": "lad_code", f"LAD{geo_y}NM": "lad_name",
            f"UTLA{geo_y}CD": "utla_code", f"UTLA{geo_y}NM": "utla_name",
            f"RGN{geo_y}CD": "region_code", f"RGN{geo_y}NM": "region_name",
            f"SICBL{geo_y}CD": "sicbl_code", f"SICBL{geo_y}CDH": "sicbl_ods_code", f"SICBL{geo_y}NM": "sicbl_name",
            f"ICB{geo_y}CD": "icb_ons_code", f"ICB{geo_y}CDH": "icb_ods_code", f"ICB{geo_y}NM": "icb_name",
            f"NHSER{geo_y}CD": "nhser_code", f"NHSER{geo_y}NM": "nhser_name",
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
        df = read_csv(ds, fname, required=list(cols), rename=cols, schema=schema, dtype=str,
                      usecols=list(cols))
        expected = 32844 if vintage == 2011 else 33755
        if len(df) != expected:
            raise LoaderError(f"dataset {ds!r}, file {fname!r} has {len(df)} LSOAs; expected {expected}.")
        return df

    return _load


def lsoa_lookup(vintage: int = 2011) -> pd.DataFrame:
    """LSOA -> LAD -> UTLA -> region -> sub-ICB -> ICB -> NHS region, for 2011 or 2021 LSOAs.

    2011 LSOAs use the July 2022 geography (LAD22, ICB22 codes); 2021 LSOAs the April 2024
    geography (LAD24, ICB24 codes). Never join the two on LSOA code alone.
    """
    if vintage not in _LSOA_COLS:
        raise ValueError(f"LSOA vintage must be 2011 or 2021, got {vintage!r}")
    return _lsoa_lookup_loader(vintage)()


def icb_lsoas(icb: ICB | str, vintage: int = 2011) -> pd.DataFrame:
    """The LSOAs of an ICB (by ODS code, which did not change in 2024)."""
    icb = icb if isinstance(icb, ICB) else find_icb(icb)
    df = lsoa_lookup(vintage)
    out = df[df["icb_ods_code"] == icb.ods_code]
    if out.empty:
        raise LoaderError(f"No {vintage} LSOAs found for ICB {icb.ods_code} in the lookup.")
    return out.reset_index(drop=True)


def icb_local_authorities(icb: ICB | str, vintage: int = 2021) -> pd.DataFrame:
    """Local authorities (lower and upper tier) overlapping an ICB, with the share of each LA's
    LSOAs that lie in the ICB. Columns: lad_code, lad_name, utla_code, utla_name, n_lsoas,
    share_of_la (0-1). LAs are 2024 (vintage 2021) or 2022 (vintage 2011) codes."""
    icb = icb if isinstance(icb, ICB) else find_icb(icb)
    df = lsoa_lookup(vintage)
    la_total = df.groupby("lad_code").size()
    sub = df[df["icb_ods_code"] == icb.ods_code]
    out = (sub.groupby(["lad_code", "lad_name", "utla_code", "utla_name"]).size()
           .rename("n_lsoas").reset_index())
    out["share_of_la"] = out["n_lsoas"] / out["lad_code"].map(la_total)
    return out.sort_values(["utla_name", "lad_name"]).reset_index(drop=True)


def load_merged_icbs_2026() -> dict[str, tuple[str, ...]]:
    """Fill :data:`MERGED_ICBS_2026` from the RTT data (merged ICB ODS code -> the ODS codes of the
    ICBs it replaces, which end in March 2026) and return a copy. Some replaced ICBs were split
    between successors, so a merged ICB may cover only part of an ICB it lists; see
    :func:`analysis.load.waiting.merged_icbs_2026`."""
    from .load.waiting import merged_icbs_2026

    mapping = merged_icbs_2026()
    MERGED_ICBS_2026.clear()
    MERGED_ICBS_2026.update(mapping)
    return dict(MERGED_ICBS_2026)
