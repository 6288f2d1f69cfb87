"""The 42 ICBs and their code systems; LSOA -> sub-ICB -> ICB -> region lookups.

ICBs carry two codes: the ODS code (``QGH``; used by RTT, cancer waiting times, WLMDS, QOF) and
the ONS code (``E54000019``; used by the A&E ICB file, GPAD, IoD2025 summaries). Two ONS codes
changed in April 2024 (Surrey Heartlands E54000052 -> E54000063, Sussex E54000053 -> E54000064;
ODS codes unchanged). From April 2026 the RTT and cancer files carry six merged ICBs; see
:func:`analysis.load.waiting.merged_icbs_2026`. The lookup files themselves are read by
:mod:`analysis.load.geography`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .load._base import LoaderError

# The lookup tables are loaders (the other loaders check area codes against them); they are
# re-exported here, where chapters look for them.
from .load.geography import ICB_SCHEMA, ONS_CODE_CHANGES_2024, icb_table, lsoa_lookup  # noqa: F401

DEFAULT_ICB = "QGH"


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
    out = sub.groupby(["lad_code", "lad_name", "utla_code", "utla_name"]).size().rename("n_lsoas").reset_index()
    out["share_of_la"] = out["n_lsoas"] / out["lad_code"].map(la_total)
    return out.sort_values(["utla_name", "lad_name"]).reset_index(drop=True)


#: Readable type of an area, by the first three characters of its ONS code.
AREA_TYPES = {
    "E92": "England",
    "E10": "County",
    "E06": "Unitary authority",
    "E07": "District",
    "E08": "Metropolitan district",
    "E09": "London borough",
    "E47": "Combined authority",
    "E67": "Two councils combined",
}


def area_type(code: str) -> str:
    """The readable type of an area from its ONS code (publishers' own labels differ: Fingertips
    calls a metropolitan district such as Birmingham, E08, a "UA")."""
    return AREA_TYPES.get(str(code)[:3], "Local authority")


def place_name(name: str) -> str:
    """A local authority name for a sentence: ONS's "Herefordshire, County of" reads "Herefordshire"
    ("Bristol, City of" -> "Bristol"); other names are unchanged."""
    return re.sub(r", (County|City) of$", "", str(name))
