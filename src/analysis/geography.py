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
