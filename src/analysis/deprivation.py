"""The book's deprivation API: one LSOA table per IMD vintage, the Core20, and ICB summaries.

Other chapters use this module; keep it stable. Everything here is 1 = most deprived.

Which IMD, which LSOAs, which population
----------------------------------------
=============  ================================  ==========================================
``imd_version``  geography                         population paired with it
=============  ================================  ==========================================
2019           32,844 LSOA 2011, ONS July-2022     ONS mid-2020 small-area population
               lookup (LAD22, sub-ICB and ICB      estimates (persons), the latest LSOA 2011
               of July 2022)                       estimates in the mirror
2025           33,755 LSOA 2021, ONS April-2024    Census 2021 usual residents (there are no
               lookup (LAD24, SICBL24, ICB24)      LSOA 2021 mid-year estimates in the mirror)
=============  ================================  ==========================================

* IMD 2019 score: derived from the published File 9 transformed domain scores with the official
  weights (see :mod:`analysis.load.deprivation`); rank and decile as published (File 1).
* IMD 2025 score, rank and decile: as published (File 7 via the mirror).
* National deciles are the **published** ones: MHCLG rank all LSOAs in England and cut the rank
  into ten groups of (almost) equal numbers of LSOAs, ``decile = ceil(rank / (N / 10))``.
* ``core20``: the LSOA is in the nationally most deprived 20% of LSOAs (decile 1 or 2), the
  Core20PLUS5 definition. ``core20_share`` is the share of *people* living in such LSOAs.
* ICB codes: ``icb_ods_code`` (QGH) is stable and is the key to join on. ``icb_ons_code`` is the
  code of the vintage's lookup: 2022 codes for IMD 2019 (Surrey Heartlands E54000052, Sussex
  E54000053), 2024 codes for IMD 2025 (E54000063, E54000064). ``region_code`` is the ONS region
  (E12...) of the LSOA's local authority.

Practice deprivation quintile (one definition, :data:`PRACTICE_QUINTILE_DEFINITION`)
--------------------------------------------------------------------------------------
"Practice deprivation quintile" in any table of the book means **national, patient-weighted
fifths**: practices in England ordered by their IMD 2019 score (the Fingertips practice score,
the only vintage published for practices), cut so that each fifth holds a fifth of England's
registered patients, 1 = most deprived (:func:`practice_deprivation_quintiles`). Why: the unit
of every practice indicator is the patient, and list sizes vary many-fold, so fifths of
*practices* (HEEC's ``ntile``) put very different numbers of patients in each group; national
cuts make ICBs comparable, as national LSOA deciles do. Two other groupings exist in the data
and keep their own names where shown: HEEC's published summaries (fifths of practices, its two
most deprived merged as "1-2", labelled as HEEC's), and *within-ICB* patient-weighted fifths
(``within=...``), used only for an ICB's slope index of inequality, where a national fifth can
hold none of the ICB's practices.

Public functions: :func:`imd_label`, :func:`imd_note`, :func:`population_label`, :func:`population_period`,
:func:`lsoa_vintage`, :func:`lsoa_deprivation`, :func:`icb_deprivation_summary`,
:func:`england_summary`, :func:`lsoa_deprivation_bridged`, :func:`warm`,
:func:`practice_deprivation_quintiles`.
"""

from __future__ import annotations

import pandas as pd

from . import geography, stats
from .load import deprivation as dl
from .load._base import LoaderError, cached_table
from .load.census import census_day

IMD_VERSIONS = (2019, 2025)

#: Columns every :func:`lsoa_deprivation` table has, in this order (extra columns follow).
LSOA_COLUMNS = [
    "lsoa_code",
    "lsoa_name",
    "lad_code",
    "lad_name",
    "utla_code",
    "utla_name",
    "sicbl_code",
    "sicbl_name",
    "icb_ods_code",
    "icb_ons_code",
    "region_code",
    "imd_score",
    "imd_rank",
    "imd_decile",
    "imd_quintile",
    "core20",
    "population",
    "population_vintage",
]

#: Population paired with each vintage (see the module docstring).
POPULATION_VINTAGE = {
    2019: "ONS mid-2020 LSOA population estimates",
    2025: "Census 2021 usual residents",
}
MID_YEAR_FOR_2019 = 2020


def _check_version(imd_version: int) -> int:
    try:
        v = int(imd_version)
    except (TypeError, ValueError):
        v = -1
    if v not in IMD_VERSIONS:
        raise ValueError(f"imd_version must be one of {IMD_VERSIONS}, got {imd_version!r}")
    return v


def imd_label(imd_version: int) -> str:
    """'IMD 2019' or 'IMD 2025'."""
    return f"IMD {_check_version(imd_version)}"


def lsoa_vintage(imd_version: int) -> int:
    """LSOA boundaries the vintage is published on: 2011 for IMD 2019, 2021 for IMD 2025."""
    return 2011 if _check_version(imd_version) == 2019 else 2021


def population_label(imd_version: int) -> str:
    """The population estimate paired with the vintage, e.g. 'ONS mid-2020 LSOA population estimates'."""
    return POPULATION_VINTAGE[_check_version(imd_version)]


def population_period(imd_version: int) -> str:
    """When the population paired with the vintage was counted: 'mid-2020' for IMD 2019; for
    IMD 2025, Census day as the manifest records the Census tables' period."""
    if _check_version(imd_version) == 2019:
        return f"mid-{MID_YEAR_FOR_2019}"
    day = census_day()
    return f"Census day, {day.day} {day:%B %Y}"


def imd_note(imd_version: int) -> str:
    """One sentence for the top of every page that depends on deprivation: which IMD, which
    neighbourhoods, which population. Plain Markdown, no numbers."""
    v = _check_version(imd_version)
    other = 2025 if v == 2019 else 2019
    if v == 2019:
        what = (
            f"the English Indices of Deprivation 2019 (**IMD 2019**, MHCLG; most indicators "
            f"{dl.imd2019_data_years()}) on 2011 neighbourhoods (LSOAs), with ONS "
            f"{population_period(2019)} population estimates"
        )
    else:
        what = (
            "the English Indices of Deprivation 2025 (**IMD 2025**, MHCLG) on 2021 neighbourhoods "
            "(LSOAs), with Census 2021 usual residents as the population"
        )
    return (
        f"Deprivation in this edition uses {what}. Deprivation deciles and the Core20 (the most "
        f"deprived 20% of neighbourhoods in England) follow that choice; an edition built on IMD "
        f"{other} uses IMD {other} instead."
    )


# ----------------------------------------------------------------------------- LSOA tables

_LOOKUP_FILES = {
    2011: ("lookup_lsoa11_icb", "lsoa11_geography_lookup_2022.csv"),
    2021: ("lookup_lsoa21_icb", "lsoa21_geography_lookup_2024.csv"),
}
_DOMAIN_DECILES_2019 = [f"{d}_decile" for d in dl.DOMAINS + dl.SUPPLEMENTARY]
_DOMAIN_DECILES_2025 = [f"{d}_decile" for d in dl.DOMAINS]


def _assemble(imd: pd.DataFrame, pop: pd.DataFrame, ruc: pd.DataFrame, vintage: int, imd_version: int) -> pd.DataFrame:
    look = geography.lsoa_lookup(vintage)
    n = dl.N_LSOA11 if vintage == 2011 else dl.N_LSOA21
    df = look.merge(imd, on="lsoa_code", how="inner", validate="one_to_one", suffixes=("", "_imd"))
    df = df.merge(pop[["lsoa_code", "population"]], on="lsoa_code", how="inner", validate="one_to_one")
    df = df.merge(
        ruc[["lsoa_code", "ruc_code", "ruc_name", "ruc_broad"]], on="lsoa_code", how="inner", validate="one_to_one"
    )
    if len(df) != n:
        raise LoaderError(
            f"IMD {imd_version}: joining the IMD, population, rurality and lookup tables kept "
            f"{len(df):,} LSOAs; expected {n:,} (codes do not match across files)."
        )
    df["imd_quintile"] = ((df["imd_decile"] + 1) // 2).astype("int64")
    df["core20"] = df["imd_decile"] <= 2
    df["population"] = df["population"].astype("int64")
    df["population_vintage"] = POPULATION_VINTAGE[imd_version]
    df["imd_version"] = imd_version
    extra_cols = [
        "imd_version",
        "utla_code",
        "sicbl_ods_code",
        "icb_name",
        "region_name",
        "nhser_code",
        "nhser_name",
        "ruc_code",
        "ruc_name",
        "ruc_broad",
    ]
    deciles = _DOMAIN_DECILES_2019 if imd_version == 2019 else _DOMAIN_DECILES_2025
    ranks = [c.replace("_decile", "_rank") for c in deciles]
    extra = [c for c in extra_cols if c not in LSOA_COLUMNS] + deciles + ranks
    return df[LSOA_COLUMNS + extra].sort_values("lsoa_code").reset_index(drop=True)


@cached_table(
    "lsoa_deprivation_2019",
    inputs=[
        (dl.IMD19, dl.F1),
        (dl.IMD19, dl.F2),
        (dl.IMD19, dl.F3),
        (dl.IMD19, dl.F6),
        (dl.IMD19, dl.F9),
        _LOOKUP_FILES[2011],
        (dl.POP, dl.POP_FILES[MID_YEAR_FOR_2019]),
        (dl.RUC, dl.RUC11_FILE),
    ],
)
def _lsoa_2019() -> pd.DataFrame:
    imd = dl.imd2019_lsoa11().drop(columns=["lsoa_name"])
    return _assemble(imd, dl.population_lsoa11(MID_YEAR_FOR_2019), dl.ruc2011_lsoa11(), 2011, 2019)


@cached_table(
    "lsoa_deprivation_2025",
    inputs=[(dl.IMD25, dl.IMD25_FILE), _LOOKUP_FILES[2021], (dl.POP, dl.CENSUS_FILE), (dl.RUC, dl.RUC21_FILE)],
)
def _lsoa_2025() -> pd.DataFrame:
    return _assemble(dl.imd2025_lsoa21(), dl.census2021_lsoa21(), dl.ruc2021_lsoa21(), 2021, 2025)


def lsoa_deprivation(imd_version: int) -> pd.DataFrame:
    """One row per LSOA of the vintage's geography (2019: 32,844 LSOA11; 2025: 33,755 LSOA21).

    Columns (:data:`LSOA_COLUMNS`, always): lsoa_code, lsoa_name, lad_code, lad_name, utla_code,
    utla_name, sicbl_code, sicbl_name, icb_ods_code, icb_ons_code, region_code, imd_score,
    imd_rank, imd_decile, imd_quintile (1 = most deprived), core20 (bool), population (int),
    population_vintage (str). Then: imd_version, sicbl_ods_code, icb_name, region_name,
    nhser_code, nhser_name, ruc_code, ruc_name, ruc_broad ('Urban'/'Rural'), and the published
    ``<domain>_decile`` / ``<domain>_rank`` for income, employment, education, health, crime,
    barriers, living_env (+ idaci, idaopi for IMD 2019 only: IoD2025 File 3 is not in the mirror).
    """
    v = _check_version(imd_version)
    return _lsoa_2019() if v == 2019 else _lsoa_2025()


def icb_lsoa_deprivation(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """The rows of :func:`lsoa_deprivation` for one ICB (matched on the stable ODS code)."""
    icb = icb if isinstance(icb, geography.ICB) else geography.find_icb(icb)
    df = lsoa_deprivation(imd_version)
    out = df[df["icb_ods_code"] == icb.ods_code].reset_index(drop=True)
    if out.empty:
        raise LoaderError(f"No LSOAs for ICB {icb.ods_code} in the IMD {imd_version} table.")
    return out


def summarise(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Aggregate rows of an LSOA table by ``by``: n_lsoas, core20_lsoas, decile1_lsoas, population,
    core20_population, core20_share (0-100), decile1_lsoa_share (0-100), imd_average_score
    (population-weighted)."""
    g = df.assign(
        core20_population=df["population"].where(df["core20"], 0),
        decile1_lsoas=(df["imd_decile"] == 1).astype("int64"),
        _wscore=df["imd_score"] * df["population"],
    ).groupby(by, sort=False)
    out = g.agg(
        n_lsoas=("lsoa_code", "size"),
        core20_lsoas=("core20", "sum"),
        decile1_lsoas=("decile1_lsoas", "sum"),
        population=("population", "sum"),
        core20_population=("core20_population", "sum"),
        _wscore=("_wscore", "sum"),
    ).reset_index()
    out["core20_share"] = 100 * out["core20_population"] / out["population"]
    out["decile1_lsoa_share"] = 100 * out["decile1_lsoas"] / out["n_lsoas"]
    out["imd_average_score"] = out.pop("_wscore") / out["population"]
    for c in ("n_lsoas", "core20_lsoas", "decile1_lsoas", "population", "core20_population"):
        out[c] = out[c].astype("int64")
    return out


def icb_deprivation_summary(imd_version: int) -> pd.DataFrame:
    """One row per ICB (42), sorted by ``rank``.

    Columns: icb_ods_code, icb_ons_code (current, April 2024 code), icb_name, region_name
    (NHS England region), n_lsoas, core20_lsoas, decile1_lsoas, population, core20_population,
    core20_share (0-100, share of the population living in Core20 LSOAs), decile1_lsoa_share
    (0-100, share of the ICB's LSOAs in the national most deprived decile: File 13's
    'proportion of LSOAs in most deprived 10%' x 100), imd_average_score (population-weighted
    with the paired population), rank (1 = highest Core20 share; ties share the lower rank),
    imd_version, population_vintage.
    """
    v = _check_version(imd_version)
    df = lsoa_deprivation(v)
    out = summarise(df, ["icb_ods_code"])
    icbs = geography.icb_table()[["ICB24CDH", "ICB24CD", "ICB24NM", "NHSER24NM"]]
    icbs.columns = ["icb_ods_code", "icb_ons_code", "icb_name", "region_name"]
    out = icbs.merge(out, on="icb_ods_code", how="left", validate="one_to_one")
    if len(out) != 42 or out["population"].isna().any():
        raise LoaderError(f"IMD {v}: the LSOA table does not cover all 42 ICBs.")
    out["rank"] = out["core20_share"].rank(method="min", ascending=False).astype("int64")
    out["imd_version"] = v
    out["population_vintage"] = POPULATION_VINTAGE[v]
    return out.sort_values(["rank", "icb_name"]).reset_index(drop=True)


def england_summary(imd_version: int) -> dict[str, float]:
    """England totals: n_lsoas, population, core20_population, core20_share (0-100),
    imd_average_score (population-weighted)."""
    df = lsoa_deprivation(imd_version)
    row = summarise(df.assign(_all="England"), ["_all"]).iloc[0]
    return {
        k: float(row[k])
        for k in (
            "n_lsoas",
            "population",
            "core20_population",
            "core20_share",
            "imd_average_score",
            "decile1_lsoa_share",
        )
    }


# ----------------------------------------------------------------------------- 2019 on LSOA21


@cached_table(
    "imd2019_on_lsoa21",
    inputs=[
        (dl.BRIDGE, dl.BRIDGE_FILE),
        (dl.IMD19, dl.F1),
        (dl.IMD19, dl.F2),
        (dl.IMD19, dl.F3),
        (dl.IMD19, dl.F6),
        (dl.IMD19, dl.F9),
        _LOOKUP_FILES[2011],
        (dl.POP, dl.POP_FILES[MID_YEAR_FOR_2019]),
        (dl.RUC, dl.RUC11_FILE),
    ],
)
def _imd2019_on_lsoa21() -> pd.DataFrame:
    bridge = dl.lsoa11_to_lsoa21()
    i19 = _lsoa_2019()[["lsoa_code", "imd_decile", "core20", "population"]].rename(
        columns={
            "lsoa_code": "lsoa11_code",
            "imd_decile": "imd2019_decile",
            "core20": "imd2019_core20",
            "population": "pop11",
        }
    )
    m = bridge.merge(i19, on="lsoa11_code", how="left", validate="many_to_one")
    if m["imd2019_decile"].isna().any():
        raise LoaderError("IMD 2019 -> LSOA21 bridge: some LSOA11 codes of the ONS lookup are not in IoD2019.")
    # A split LSOA11 gives its population to several LSOA21s; for a merged LSOA21 (several
    # parents) the status is taken from the parents holding most of the mid-2020 population.
    m["core_pop"] = m["pop11"].where(m["imd2019_core20"], 0)
    g = (
        m.groupby("lsoa21_code")
        .agg(
            n_parents=("lsoa11_code", "nunique"),
            chgind=("chgind", lambda s: "".join(sorted(set(s)))),
            parent_pop=("pop11", "sum"),
            parent_core_pop=("core_pop", "sum"),
            imd2019_decile_min=("imd2019_decile", "min"),
            imd2019_decile_max=("imd2019_decile", "max"),
            any_core=("imd2019_core20", "any"),
            all_core=("imd2019_core20", "all"),
        )
        .reset_index()
    )
    g["imd2019_core20"] = g["parent_core_pop"] * 2 > g["parent_pop"]
    g["imd2019_mixed"] = g["any_core"] & ~g["all_core"]
    return g.drop(columns=["any_core", "all_core", "parent_pop", "parent_core_pop"])


def lsoa_deprivation_bridged() -> pd.DataFrame:
    """IMD 2025 LSOA21 table (:func:`lsoa_deprivation` 2025) with the IMD 2019 Core20 status carried
    to 2021 LSOAs through the ONS LSOA11 -> LSOA21 lookup (CHGIND).

    Unchanged and split LSOAs inherit their 2011 parent's decile; an LSOA21 formed by merging
    (or irregularly re-drawing) 2011 LSOAs is Core20 under IMD 2019 if parents holding more than
    half of their mid-2020 population were; ``imd2019_mixed`` flags those whose parents differed.
    Extra columns: imd2019_core20, imd2019_mixed, imd2019_decile_min, imd2019_decile_max,
    n_parents, chgind.
    """
    df = lsoa_deprivation(2025)
    b = _imd2019_on_lsoa21()
    out = df.merge(b, left_on="lsoa_code", right_on="lsoa21_code", how="left", validate="one_to_one")
    if out["imd2019_core20"].isna().any():
        raise LoaderError("IMD 2019 -> LSOA21 bridge: some LSOA21s have no 2011 parent.")
    out["imd2019_core20"] = out["imd2019_core20"].astype(bool)
    out["imd2019_mixed"] = out["imd2019_mixed"].astype(bool)
    return out.drop(columns=["lsoa21_code"])


def warm() -> None:
    """Compute and cache the shared LSOA tables for both IMD versions (build ``prepare`` step)."""
    for v in IMD_VERSIONS:
        lsoa_deprivation(v)
    _imd2019_on_lsoa21()
    geography.lsoa_lookup(2011)
    geography.lsoa_lookup(2021)


# ----------------------------------------------------------------------------- practice quintiles

#: The book's one meaning of "practice deprivation quintile" (methods page; see the docstring).
PRACTICE_QUINTILE_DEFINITION = (
    "A GP practice's deprivation quintile is national and weighted by patients: all practices in "
    "England are ordered by their IMD 2019 score (published by OHID for each practice from where its "
    "registered patients live) and cut into five groups that each hold a fifth of England's registered "
    "patients; quintile 1 is the most deprived. Because list sizes vary many-fold between practices, "
    "fifths of practices would put very different numbers of patients in each group. Where an ICB's "
    "slope index of inequality needs every quintile, the ICB's own patients are cut into fifths "
    "instead, and the chapter says so; HEEC's published summaries, which use fifths of practices, "
    "are labelled as HEEC's."
)


def practice_deprivation_quintiles(
    practices: pd.DataFrame, *, score: str = "imd_score", patients: str = "list_size", within: str | None = None
) -> pd.DataFrame:
    """The practice deprivation quintile of :data:`PRACTICE_QUINTILE_DEFINITION` for each practice.

    ``practices``: one row per practice with its IMD ``score`` (higher = more deprived) and its
    registered ``patients``. Default: national quintiles (pass all English practices); with
    ``within`` (e.g. ``"icb_ods_code"``) each group is cut into its own fifths of patients.
    Returns the rows with ``practice_quintile`` (1 = most deprived). Tied scores share a
    quintile (:func:`analysis.stats.population_weighted_quantiles`).
    """
    out = stats.population_weighted_quantiles(
        practices, score, patients, n=5, group_by=within, higher_is_more_deprived=True
    )
    return out.rename(columns={"quantile": "practice_quintile"})


__all__ = [
    "IMD_VERSIONS",
    "PRACTICE_QUINTILE_DEFINITION",
    "practice_deprivation_quintiles",
    "LSOA_COLUMNS",
    "POPULATION_VINTAGE",
    "england_summary",
    "icb_deprivation_summary",
    "icb_lsoa_deprivation",
    "imd_label",
    "summarise",
    "imd_note",
    "lsoa_deprivation",
    "lsoa_deprivation_bridged",
    "lsoa_vintage",
    "population_label",
    "population_period",
    "warm",
]
