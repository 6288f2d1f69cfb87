"""Chapter 1, population and deprivation: who lives in the ICB, and where the most deprived
neighbourhoods are.

:func:`build` makes everything the notebook shows (figures, tables, boxes, and the words and
numbers its Markdown glues in) and returns the :class:`analysis.report.Chapter`; :func:`claims`
gives every data-dependent word (for the claims audit); :func:`headline_figures` the key numbers
(for ``python -m analysis check``), declared in ``registry/headlines/population.yml``.

The table functions take the ICB (code or :class:`analysis.geography.ICB`) and the IMD version
and return tidy tables. Deprivation comes from :mod:`analysis.deprivation` (one LSOA table per
IMD vintage, with its paired population); Census 2021 ethnicity and disability from
:mod:`analysis.load.census`; access to a GP from :mod:`analysis.load.access`.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import claims as C
from .. import deprivation as dep
from .. import geography, sources, stats
from ..load import access, census
from ..load import deprivation as dl

# The loader's population-weighted median, so that the ICB-wide figures are computed exactly as
# its figures by decile are.
from ..load.access import _weighted_median as weighted_median
from ..load.deprivation import imd2019_data_years
from ..load.geography import lookup_vintage
from ..report import Chapter, esc, fmt, ordinal, plural

CHAPTER = "population"

#: The publications behind each IMD edition's figures; the lookup's boundaries (a month) are the
#: manifest's period of the lookup (:func:`source`).
SOURCE_IMD = {
    2019: "MHCLG English Indices of Deprivation 2019 (Files 1, 2, 3, 9); "
    f"{dep.population_label(2019)}; ONS LSOA (2011) to sub-ICB to ICB lookup",
    2025: "MHCLG English Indices of Deprivation 2025 (File 7); "
    f"ONS {dep.population_label(2025)}; ONS LSOA (2021) to sub-ICB to ICB lookup",
}
SOURCE_ACCESS = {
    2019: "MHCLG English Indices of Deprivation 2019, File 8 (underlying indicators); ONS mid-2019 LSOA "
    "population estimates; ONS rural-urban classification 2011",
    2025: "MHCLG English Indices of Deprivation 2025, File 8 (underlying indicators); ONS Census 2021 usual "
    "residents; ONS rural-urban classification 2021",
}
SOURCE_BOUNDARIES = (
    "ONS LSOA and local authority boundaries (super and ultra generalised); OS data © Crown "
    "copyright and database right"
)

#: Access-to-GP indicators of IoD File 8 (:data:`analysis.load.access.INDICATORS`), in words.
GP_INDICATORS = {
    "road_distance_gp_km": {
        "label": "Road distance to a GP surgery (km)",
        "kind": "num",
        "dp": 1,
        "unit": " km",
        "what": "average road distance from the neighbourhood to the nearest GP surgery",
    },
    "connectivity_score": {
        "label": "Connectivity score (higher = better connected)",
        "kind": "num",
        "dp": 1,
        "unit": "",
        "what": "connectivity score (0 to 100; higher means better connected)",
    },
    "patients_per_gp": {
        "label": "Registered patients per GP",
        "kind": "count",
        "dp": 0,
        "unit": "",
        "what": "registered patients per GP",
    },
}

#: A zoom panel is drawn only where its window covers at most this share of the ICB's area (a
#: zoom of about four times or more); a larger area is already legible on the main map.
ZOOM_MAX_AREA_SHARE = 0.05
#: Half the width of the smallest zoom window (metres): a town's centre with its surroundings.
ZOOM_MIN_HALF_WIDTH_M = 2500.0
ZOOM_LETTERS = "AB"


def _icb(icb: geography.ICB | str) -> geography.ICB:
    return icb if isinstance(icb, geography.ICB) else geography.find_icb(icb)


def source(imd_version: int) -> str:
    """The sources line of the IMD edition's figures, with the month of the lookup's boundaries."""
    v = int(imd_version)
    return f"{SOURCE_IMD[v]} ({lookup_vintage(dep.lsoa_vintage(v))})"


def source_census() -> str:
    """The sources line of the Census 2021 figures (2021 neighbourhoods, the 2021 LSOA lookup)."""
    return (
        "ONS Census 2021, tables TS021 (ethnic group) and TS038 (disability) for 2021 neighbourhoods; "
        f"ONS LSOA (2021) to sub-ICB to ICB lookup ({lookup_vintage(2021)})"
    )


# ----------------------------------------------------------------------------- population


def age_profile(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Population by age band in the ICB and England (persons; no sex split is available for LSOAs).

    IMD 2019 editions use ONS mid-2020 LSOA11 estimates in 5-year bands; IMD 2025 editions use
    Census 2021 usual residents in the six published bands. Columns: age_band, icb_population,
    icb_share (0-100), england_population, england_share (0-100), difference (points).
    """
    icb = _icb(icb)
    v = int(imd_version)
    if v == 2019:
        pop, bands = dl.population_lsoa11(dep.MID_YEAR_FOR_2019), list(dl.MID_YEAR_BANDS)
    else:
        pop, bands = dl.census2021_lsoa21(), list(dl.CENSUS_BANDS.values())
    codes = set(dep.icb_lsoa_deprivation(icb, v)["lsoa_code"])
    icb_pop = pop.loc[pop["lsoa_code"].isin(codes), bands].sum()
    eng_pop = pop[bands].sum()
    out = pd.DataFrame(
        {"age_band": bands, "icb_population": icb_pop.to_numpy(), "england_population": eng_pop.to_numpy()}
    )
    out["icb_share"] = 100 * out["icb_population"] / out["icb_population"].sum()
    out["england_share"] = 100 * out["england_population"] / out["england_population"].sum()
    out["difference"] = out["icb_share"] - out["england_share"]
    return out[["age_band", "icb_population", "icb_share", "england_population", "england_share", "difference"]]


def age_summary(icb: geography.ICB | str, imd_version: int) -> dict[str, float | str]:
    """Shares (0-100) of children (0-15 for Census bands, 0-14 for 5-year bands) and of people
    aged 65+, in the ICB and England."""
    a = age_profile(icb, imd_version)
    if int(imd_version) == 2019:
        young = ["0-4", "5-9", "10-14"]
        old = [b for b in a["age_band"] if b == "90+" or int(b.split("-")[0]) >= 65]
        young_label = "under 15"
    else:
        young, old, young_label = ["0-15"], ["65+"], "15 or under"

    def share(bands: list[str], col: str) -> float:
        return float(a.loc[a["age_band"].isin(bands), col].sum())

    return {
        "young_label": young_label,
        "icb_young": share(young, "icb_share"),
        "eng_young": share(young, "england_share"),
        "icb_65plus": share(old, "icb_share"),
        "eng_65plus": share(old, "england_share"),
    }


def by_place(icb: geography.ICB | str, imd_version: int, level: str = "lad") -> pd.DataFrame:
    """Population and Core20 by local authority (``level='lad'``) or sub-ICB location
    (``level='sicbl'``) within the ICB. Columns: code, name, n_lsoas, population,
    population_share (0-100 of the ICB), core20_lsoas, core20_population, core20_share (0-100),
    decile1_lsoas, imd_average_score; plus ``whole_la`` (bool) for LAs (False where only part of
    the LA lies in the ICB)."""
    icb = _icb(icb)
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    code, name = {"lad": ("lad_code", "lad_name"), "sicbl": ("sicbl_code", "sicbl_name")}[level]
    out = dep.summarise(df, [code, name]).rename(columns={code: "code", name: "name"})
    out["population_share"] = 100 * out["population"] / out["population"].sum()
    if level == "lad":
        all_lsoas = dep.lsoa_deprivation(imd_version).groupby("lad_code").size()
        out["whole_la"] = out["n_lsoas"].to_numpy() == out["code"].map(all_lsoas).to_numpy()
    cols = [
        "code",
        "name",
        "n_lsoas",
        "population",
        "population_share",
        "core20_lsoas",
        "core20_population",
        "core20_share",
        "decile1_lsoas",
        "imd_average_score",
    ] + (["whole_la"] if level == "lad" else [])
    return out[cols].sort_values("population", ascending=False).reset_index(drop=True)


# ----------------------------------------------------------------------------- Census 2021


def ethnicity_profile(icb: geography.ICB | str) -> pd.DataFrame:
    """Census 2021 residents by the 5 high-level ethnic groups (TS021), the ICB against England.

    England is the sum over the 42 ICBs (every English LSOA lies in one). Shares use TS021's own
    totals (Census tables are perturbed separately). Columns: group (short name), ethnic_group
    (TS021 label), icb_residents, icb_total, icb_share (0-100), england_residents,
    england_total, england_share (0-100), difference (points), period.
    """
    icb = _icb(icb)
    e = census.census_ethnicity_icb()
    mine = e[e["icb_ods_code"] == icb.ods_code].set_index("ethnic_group")
    eng = e.groupby("ethnic_group")[["n", "total_residents"]].sum()
    order = list(census.ETHNIC_GROUPS_5)
    out = pd.DataFrame(
        {
            "group": [census.ETHNIC_GROUPS_5[g] for g in order],
            "ethnic_group": order,
            "icb_residents": mine.loc[order, "n"].to_numpy(),
            "icb_total": mine.loc[order, "total_residents"].to_numpy(),
            "england_residents": eng.loc[order, "n"].to_numpy(),
            "england_total": eng.loc[order, "total_residents"].to_numpy(),
        }
    )
    out["icb_share"] = 100 * out["icb_residents"] / out["icb_total"]
    out["england_share"] = 100 * out["england_residents"] / out["england_total"]
    out["difference"] = out["icb_share"] - out["england_share"]
    out["period"] = str(mine["period"].iloc[0])
    return out[
        [
            "group",
            "ethnic_group",
            "icb_residents",
            "icb_total",
            "icb_share",
            "england_residents",
            "england_total",
            "england_share",
            "difference",
            "period",
        ]
    ]


def disability_profile(icb: geography.ICB | str) -> pd.DataFrame:
    """Census 2021 residents disabled under the Equality Act (TS038, crude: not age-standardised),
    the ICB and England. Columns: area, disabled, total_residents, share_disabled (0-100), period."""
    icb = _icb(icb)
    d = census.census_disability_icb()
    mine = d[d["icb_ods_code"] == icb.ods_code].iloc[0]
    rows = [
        {"area": icb.short_name, "disabled": int(mine["disabled"]), "total_residents": int(mine["total_residents"])},
        {"area": "England", "disabled": int(d["disabled"].sum()), "total_residents": int(d["total_residents"].sum())},
    ]
    out = pd.DataFrame(rows)
    out["share_disabled"] = 100 * out["disabled"] / out["total_residents"]
    out["period"] = str(mine["period"])
    return out


# ----------------------------------------------------------------------------- IMD profile


def decile_profile(icb: geography.ICB | str, imd_version: int, n: int = 10) -> pd.DataFrame:
    """Share of the ICB's and England's population living in each national IMD decile
    (``n=10``) or quintile (``n=5``); 1 = most deprived. Columns: quantile, lsoas,
    population, share (0-100), england_population, england_share (0-100),
    england_lsoa_share (0-100: 10 or 20 by construction)."""
    icb = _icb(icb)
    col = {10: "imd_decile", 5: "imd_quintile"}[n]
    eng = dep.lsoa_deprivation(imd_version)
    loc = eng[eng["icb_ods_code"] == icb.ods_code]
    q = pd.Index(range(1, n + 1), name="quantile")
    out = pd.DataFrame(index=q)
    out["lsoas"] = loc.groupby(col).size().reindex(q, fill_value=0)
    out["population"] = loc.groupby(col)["population"].sum().reindex(q, fill_value=0)
    out["share"] = 100 * out["population"] / out["population"].sum()
    out["england_population"] = eng.groupby(col)["population"].sum().reindex(q, fill_value=0)
    out["england_share"] = 100 * out["england_population"] / out["england_population"].sum()
    out["england_lsoa_share"] = 100 * eng.groupby(col).size().reindex(q, fill_value=0) / len(eng)
    return out.reset_index()


def local_deciles(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Local (within-ICB) population-weighted IMD deciles: each holds about a tenth of the ICB's
    people, ordered by IMD score (1 = most deprived in the ICB), via
    :func:`analysis.stats.population_weighted_quantiles`. Columns: local_decile, lsoas,
    population, share (0-100), score_min, score_max, national_decile_min, national_decile_max,
    core20_lsoas."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    q = stats.population_weighted_quantiles(df, "imd_score", "population", 10, higher_is_more_deprived=True)
    g = q.groupby("quantile")
    out = pd.DataFrame(
        {
            "lsoas": g.size(),
            "population": g["population"].sum(),
            "score_min": g["imd_score"].min(),
            "score_max": g["imd_score"].max(),
            "national_decile_min": g["imd_decile"].min(),
            "national_decile_max": g["imd_decile"].max(),
            "core20_lsoas": g["core20"].sum().astype("int64"),
        }
    )
    out["share"] = 100 * out["population"] / out["population"].sum()
    out.index.name = "local_decile"
    return out.reset_index()[
        [
            "local_decile",
            "lsoas",
            "population",
            "share",
            "score_min",
            "score_max",
            "national_decile_min",
            "national_decile_max",
            "core20_lsoas",
        ]
    ]


def icb_ranking(imd_version: int) -> pd.DataFrame:
    """All 42 ICBs with their Core20 population and share and rank (1 = highest share)."""
    return dep.icb_deprivation_summary(imd_version)


# ----------------------------------------------------------------------------- domains


def domain_profile(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """For each domain (and IDACI / IDAOPI where available): LSOAs of the ICB in the domain's
    national most deprived decile, their share of the ICB's LSOAs (0-100; England: 10 by
    construction), and the population living in them. Columns: domain, domain_name, lsoas,
    share, population, population_share, england_share, available (False: not in the mirror
    for this vintage)."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    eng = dep.lsoa_deprivation(imd_version)
    rows = []
    for d in dl.DOMAINS + dl.SUPPLEMENTARY:
        col = f"{d}_decile"
        if col not in df:
            rows.append({"domain": d, "domain_name": dl.DOMAIN_NAMES[d], "available": False})
            continue
        m = df[col] == 1
        rows.append(
            {
                "domain": d,
                "domain_name": dl.DOMAIN_NAMES[d],
                "lsoas": int(m.sum()),
                "share": 100 * m.mean(),
                "population": int(df.loc[m, "population"].sum()),
                "population_share": 100 * df.loc[m, "population"].sum() / df["population"].sum(),
                "england_share": 100 * (eng[col] == 1).mean(),
                "available": True,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- rurality


def rurality_profile(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Deprivation by rural-urban classification (RUC2011 on LSOA11 for IMD 2019, RUC2021 on
    LSOA21 for IMD 2025). One row per class present in the ICB, then 'All urban', 'All rural'
    (where present). Columns: ruc_broad, ruc_name, lsoas, population, population_share (0-100 of
    the ICB), core20_population, core20_share (0-100 of the class), imd_average_score
    (population-weighted), england_core20_share (0-100, same class in England)."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    eng = dep.lsoa_deprivation(imd_version)
    det = dep.summarise(df, ["ruc_broad", "ruc_code", "ruc_name"]).sort_values(
        ["ruc_broad", "ruc_code"], ascending=[False, True]
    )
    broad = dep.summarise(df, ["ruc_broad"]).assign(ruc_code="", ruc_name=lambda x: "All " + x["ruc_broad"].str.lower())
    out = pd.concat([det, broad.sort_values("ruc_broad", ascending=False)], ignore_index=True)
    e_det = dep.summarise(eng, ["ruc_code"]).set_index("ruc_code")["core20_share"]
    e_broad = dep.summarise(eng, ["ruc_broad"]).set_index("ruc_broad")["core20_share"]
    out["england_core20_share"] = np.where(
        out["ruc_code"] == "", out["ruc_broad"].map(e_broad), out["ruc_code"].map(e_det)
    )
    out["population_share"] = 100 * out["population"] / df["population"].sum()
    return out.rename(columns={"n_lsoas": "lsoas"})[
        [
            "ruc_broad",
            "ruc_name",
            "lsoas",
            "population",
            "population_share",
            "core20_population",
            "core20_share",
            "imd_average_score",
            "england_core20_share",
        ]
    ]


# ----------------------------------------------------------------------------- access to a GP


def gp_indicators(imd_version: int) -> list[str]:
    """The access-to-GP indicators of the IoD File 8 of the edition's vintage (book column names)."""
    return [v[0] for v in access.INDICATORS[int(imd_version)].values()]


def gp_access(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Access to a GP by national IMD decile and rurality, the ICB against England, from the IoD
    File 8 of the edition's vintage (:func:`analysis.load.access.gp_access_by_decile`).

    One row per decile (1-10) x area type (All, Urban, Rural), including combinations with no
    neighbourhood in the ICB (n_lsoas 0, medians missing). Columns: imd_decile, ruc_broad,
    n_lsoas, population, then for each indicator ``<ind>`` (see :func:`gp_indicators`):
    ``<ind>`` (population-weighted median in the ICB: half the residents live in neighbourhoods
    at or below it), ``<ind>_median`` (median over the ICB's neighbourhoods), ``<ind>_england``
    (population-weighted median in England); then england_n_lsoas, iod_vintage.
    """
    icb = _icb(icb)
    v = int(imd_version)
    inds = gp_indicators(v)
    mine = access.gp_access_by_decile(v, icb.ods_code)
    eng = access.gp_access_by_decile(v)
    grid = pd.MultiIndex.from_product([range(1, 11), ["All", "Urban", "Rural"]], names=["imd_decile", "ruc_broad"])
    m = mine.set_index(["imd_decile", "ruc_broad"]).reindex(grid)
    e = eng.set_index(["imd_decile", "ruc_broad"]).reindex(grid)
    out = pd.DataFrame(index=grid)
    out["n_lsoas"] = m["n_lsoas"].fillna(0).astype("int64")
    out["population"] = m["population"].fillna(0).astype("int64")
    for c in inds:
        out[c] = m[f"wmedian_{c}"]
        out[f"{c}_median"] = m[f"median_{c}"]
        out[f"{c}_england"] = e[f"wmedian_{c}"]
    out["england_n_lsoas"] = e["n_lsoas"].fillna(0).astype("int64")
    out["iod_vintage"] = f"IoD{v}"
    return out.reset_index()


def gp_access_summary(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Population-weighted median of each access indicator over all the ICB's neighbourhoods and
    over its urban and its rural ones, with England's. Columns: ruc_broad (All, Urban, Rural),
    n_lsoas, population, ``<ind>``, ``<ind>_england`` for each indicator."""
    icb = _icb(icb)
    v = int(imd_version)
    df = access.gp_access_lsoa(v)
    rows = []
    for ruc in ("All", "Urban", "Rural"):
        eng = df if ruc == "All" else df[df["ruc_broad"] == ruc]
        mine = eng[eng["icb_ods_code"] == icb.ods_code]
        row = {"ruc_broad": ruc, "n_lsoas": len(mine), "population": int(mine["population"].sum())}
        for c in gp_indicators(v):
            row[c] = weighted_median(mine[c], mine["population"]) if len(mine) else np.nan
            row[f"{c}_england"] = weighted_median(eng[c], eng["population"])
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- neighbourhoods


def most_deprived_lsoas(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """The ICB's LSOAs in the national most deprived IMD decile, most deprived first, with the
    domains (and IDACI / IDAOPI for IMD 2019) in whose national most deprived decile each lies.
    Columns: lsoa_code, lsoa_name, lad_name, sicbl_name, population, imd_rank, imd_score,
    ruc_broad, decile1_domains (text), n_decile1_domains."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    top = df[df["imd_decile"] == 1].sort_values("imd_rank").copy()
    doms = [d for d in dl.DOMAINS + dl.SUPPLEMENTARY if f"{d}_decile" in df]
    short = {
        "income": "Income",
        "employment": "Employment",
        "education": "Education",
        "health": "Health",
        "crime": "Crime",
        "barriers": "Barriers",
        "living_env": "Living environment",
        "idaci": "IDACI",
        "idaopi": "IDAOPI",
    }
    top["decile1_domains"] = (
        top.apply(
            lambda r: ", ".join(short[d] for d in doms if r[f"{d}_decile"] == 1) or "none (deprived across domains)",
            axis=1,
        )
        if len(top)
        else pd.Series(dtype=str)
    )
    top["n_decile1_domains"] = sum((top[f"{d}_decile"] == 1).astype(int) for d in doms) if len(top) else 0
    return top[
        [
            "lsoa_code",
            "lsoa_name",
            "lad_name",
            "sicbl_name",
            "population",
            "imd_rank",
            "imd_score",
            "ruc_broad",
            "decile1_domains",
            "n_decile1_domains",
        ]
    ].reset_index(drop=True)


def least_ranked_lsoas(icb: geography.ICB | str, imd_version: int, n: int = 10) -> pd.DataFrame:
    """The ``n`` most deprived LSOAs of the ICB whatever their decile (for ICBs with none in decile 1)."""
    df = dep.icb_lsoa_deprivation(icb, imd_version).sort_values("imd_rank").head(n)
    return df[["lsoa_code", "lsoa_name", "lad_name", "population", "imd_rank", "imd_decile", "imd_score"]].reset_index(
        drop=True
    )


# ----------------------------------------------------------------------------- 2019 vs 2025

MOVEMENT_GROUPS = (
    "In the Core20 under both",
    "Moved into the Core20 (IMD 2025 only)",
    "Moved out of the Core20 (IMD 2019 only)",
    "In neither",
)


def vintage_comparison(icb: geography.ICB | str) -> dict[str, pd.DataFrame | dict]:
    """IMD 2019 against IMD 2025 for the ICB.

    ``summary``: one row per vintage as each is used in the book (its own LSOAs and population):
    lsoas, core20_lsoas, population, core20_population, core20_share, rank among 42 ICBs.

    ``movement``: both vintages on the same 2021 LSOAs and Census 2021 population (IMD 2019
    carried to LSOA21 by :func:`analysis.deprivation.lsoa_deprivation_bridged`), so the change
    is the index, not the population or boundaries: rows :data:`MOVEMENT_GROUPS`, with lsoas,
    population and population_share.

    ``counts``: moved_in_lsoas, moved_in_population, moved_out_lsoas, moved_out_population,
    core20_2019_on_2021_population, core20_2025_population, their shares, mixed_lsoas (LSOA21s
    made from 2011 LSOAs of differing IMD 2019 status), lsoas.
    """
    icb = _icb(icb)
    rows = []
    for v in dep.IMD_VERSIONS:
        s = dep.icb_deprivation_summary(v).set_index("icb_ods_code").loc[icb.ods_code]
        rows.append(
            {
                "imd": dep.imd_label(v),
                "lsoa_boundaries": str(dep.lsoa_vintage(v)),
                "population_vintage": dep.population_label(v),
                "lsoas": int(s["n_lsoas"]),
                "core20_lsoas": int(s["core20_lsoas"]),
                "population": int(s["population"]),
                "core20_population": int(s["core20_population"]),
                "core20_share": float(s["core20_share"]),
                "rank": int(s["rank"]),
            }
        )
    summary = pd.DataFrame(rows)
    b = dep.lsoa_deprivation_bridged()
    b = b[b["icb_ods_code"] == icb.ods_code]
    c19, c25 = b["imd2019_core20"], b["core20"]
    both, moved_in, moved_out, neither = MOVEMENT_GROUPS
    groups = {both: c19 & c25, moved_in: ~c19 & c25, moved_out: c19 & ~c25, neither: ~c19 & ~c25}
    movement = pd.DataFrame(
        [
            {"group": k, "lsoas": int(m.sum()), "population": int(b.loc[m, "population"].sum())}
            for k, m in groups.items()
        ]
    )
    movement["population_share"] = 100 * movement["population"] / b["population"].sum()
    total = float(b["population"].sum())
    counts = {
        "moved_in_lsoas": int(groups[moved_in].sum()),
        "moved_in_population": int(b.loc[groups[moved_in], "population"].sum()),
        "moved_out_lsoas": int(groups[moved_out].sum()),
        "moved_out_population": int(b.loc[groups[moved_out], "population"].sum()),
        "core20_2019_on_2021_population": int(b.loc[c19, "population"].sum()),
        "core20_2025_population": int(b.loc[c25, "population"].sum()),
        "core20_2019_on_2021_share": 100 * float(b.loc[c19, "population"].sum()) / total,
        "core20_2025_share": 100 * float(b.loc[c25, "population"].sum()) / total,
        "mixed_lsoas": int(b["imd2019_mixed"].sum()),
        "lsoas": int(len(b)),
    }
    return {"summary": summary, "movement": movement, "counts": counts}


# ----------------------------------------------------------------------------- headlines


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, quickly (cached tables; no figures), exactly the keys
    of ``registry/headlines/population.yml``.

    population; n_lsoas; core20_population; core20_share (0-100); core20_rank (1-42, 1 = highest
    Core20 share); decile1_lsoas; decile1_lsoa_share (0-100); imd_average_score
    (population-weighted); england_core20_share (0-100); non_white_share (0-100, Census 2021:
    Asian, Black, Mixed or Other ethnic groups); disabled_share (0-100, Census 2021, crude).
    Every value exists for every ICB (decile1_lsoas may be 0)."""
    icb = _icb(icb_code)
    s = dep.icb_deprivation_summary(imd_version).set_index("icb_ods_code").loc[icb.ods_code]
    e = dep.england_summary(imd_version)
    eth = ethnicity_profile(icb).set_index("group")
    return {
        "population": float(s["population"]),
        "n_lsoas": float(s["n_lsoas"]),
        "core20_population": float(s["core20_population"]),
        "core20_share": float(s["core20_share"]),
        "core20_rank": float(s["rank"]),
        "decile1_lsoas": float(s["decile1_lsoas"]),
        "decile1_lsoa_share": float(s["decile1_lsoa_share"]),
        "imd_average_score": float(s["imd_average_score"]),
        "england_core20_share": float(e["core20_share"]),
        "non_white_share": float(100 - eth.loc["White", "icb_share"]),
        "disabled_share": float(disability_profile(icb).iloc[0]["share_disabled"]),
    }


# ----------------------------------------------------------------------------- words

_THAN = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}


def _against(value: float, comparator: float, comparator_name: str, dp: int = 1) -> C.Claim:
    """ "higher than", "lower than" or "similar to" (equal as printed): a whole-population figure against England's.

    These figures count every resident (Census, population estimates, every neighbourhood's
    deprivation decile): there is no sampling interval, so the value is compared as an exact
    number (a zero-width interval) at the precision the sentence prints, and the word never
    contradicts the two numbers beside it ("higher than 20.0%" for 20.0% cannot happen).
    """
    v, ref = round(float(value), dp), round(float(comparator), dp)
    claim = C.compare(C.Estimate(v, v, v), ref, comparator_name=comparator_name)
    return replace(claim, words=_THAN[claim.code])


def _reference_date(reference_date: object) -> pd.Timestamp:
    """The build's reference date ("YYYY-MM-01"); "" or None (a run by hand) means the first day of
    this month."""
    if reference_date in ("", None):
        return pd.Timestamp(dt.date.today().replace(day=1))
    return pd.Timestamp(reference_date)


def claims(icb_code: str, imd_version: int, reference_date: object = "") -> dict[str, C.Claim]:
    """Every data-dependent word the chapter glues, computed from the numbers (for the claims
    audit): the ICB against England for the Core20 share, the share aged 65 or over, the
    commonest domain's share in its most deprived decile, the share in ethnic groups other than
    White and the share disabled. ``reference_date`` is accepted for the common signature: no
    word here depends on the date."""
    icb = _icb(icb_code)
    v = int(imd_version)
    _reference_date(reference_date)
    head = headline_figures(icb.ods_code, v)
    ages = age_summary(icb, v)
    eth = ethnicity_profile(icb).set_index("group")
    dis = disability_profile(icb).set_index("area")["share_disabled"]
    top = top_domain(icb, v)
    return {
        "core20_vs_england": _against(head["core20_share"], head["england_core20_share"], "England"),
        "older_vs_england": _against(ages["icb_65plus"], ages["eng_65plus"], "England"),
        "top_domain_vs_england": _against(top["share"], top["england_share"], "England"),
        "non_white_vs_england": _against(
            100 - eth.loc["White", "icb_share"], 100 - eth.loc["White", "england_share"], "England"
        ),
        "disabled_vs_england": _against(dis.loc[icb.short_name], dis.loc["England"], "England"),
    }


def top_domain(icb: geography.ICB | str, imd_version: int) -> pd.Series:
    """The domain (of those available) with the largest share of the ICB's neighbourhoods in its
    national most deprived decile; ties go to the domain listed first by MHCLG."""
    d = domain_profile(icb, imd_version)
    d = d[d["available"]]
    return d.loc[d["share"].idxmax()]


def _frequency(dataset: str) -> str:
    """How often ``dataset`` is published, as the manifest records it (every dataset has one)."""
    return sources.dataset_meta(dataset)["frequency"]


def population_dating(imd_version: int) -> tuple[pd.Timestamp, str]:
    """When the edition's population was counted and how often such a count is published: ONS
    mid-year estimates (as at 30 June; the manifest's frequency of the population dataset) for IMD
    2019, Census day for IMD 2025. The Census usual residents come in the population dataset's
    files, but a Census is a one-off count: its frequency is that of the Census tables."""
    if int(imd_version) == 2019:
        return pd.Timestamp(year=dep.MID_YEAR_FOR_2019, month=6, day=30), _frequency(dl.POP)
    return census.census_day(), _frequency(census.ETH)


def imd_dating(imd_version: int) -> tuple[pd.Timestamp, str] | None:
    """When the edition's IMD data end and how often it is published, where the manifest says:
    IoD2019's indicators mostly describe the financial year it names ("2015/16": the year ends
    in March 2016); the manifest's period of IoD2025 names no years (None)."""
    if int(imd_version) != 2019:
        return None
    m = re.fullmatch(r"(\d{4})/(\d{2})", imd2019_data_years())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(
            f"dataset {dl.IMD19!r}: the data years {imd2019_data_years()!r} are not a financial year such as 2015/16"
        )
    return pd.Timestamp(year=int(m.group(1)) + 1, month=3, day=31), _frequency(dl.IMD19)


def _currency(imd_version: int, reference_date: object) -> C.Currency:
    """Is the population count out of date (:func:`population_dating`)?"""
    return C.currency(*population_dating(imd_version), _reference_date(reference_date))


def previous_population(icb: geography.ICB | str, imd_version: int) -> dict | None:
    """The ICB's residents, and those in its Core20 neighbourhoods, in the year before the
    edition's population in the same series (ONS mid-year estimates, the same 2011 neighbourhoods
    and Core20): {"period": "mid-2019", "population", "core20_population"}. None for IMD 2025
    (Census 2021: the data hold no earlier count on 2021 neighbourhoods), or when the data hold
    no earlier year."""
    if int(imd_version) != 2019:
        return None
    earlier = [y for y in dl.POP_FILES if y < dep.MID_YEAR_FOR_2019]
    if not earlier:
        return None
    year = max(earlier)
    mine = dep.icb_lsoa_deprivation(icb, 2019)[["lsoa_code", "core20"]]
    df = mine.merge(
        dl.population_lsoa11(year)[["lsoa_code", "population"]], on="lsoa_code", how="left", validate="one_to_one"
    )
    if df["population"].isna().any():
        raise ValueError(
            f"dataset {dl.POP!r}, file {dl.POP_FILES[year]!r}: no mid-{year} estimate for "
            f"{int(df['population'].isna().sum())} of the ICB's neighbourhoods"
        )
    return {
        "period": f"mid-{year}",
        "population": float(df["population"].sum()),
        "core20_population": float(df.loc[df["core20"], "population"].sum()),
    }


def _dated(dating: tuple[pd.Timestamp, str] | None) -> dict:
    return {} if dating is None else {"period_end": dating[0].date().isoformat(), "frequency": dating[1]}


def headline_fields(icb_code: str, imd_version: int) -> dict[str, dict]:
    """For each headline figure (:func:`headline_figures`), what the key findings page shows
    beside it (the optional arguments of :meth:`analysis.report.Chapter.headline`):

    * England's value for the shares and the average score (counts have no England value on the
      same scale; the rank is among ICBs);
    * the previous year's count of residents and Core20 residents (:func:`previous_population`).
      Shares, the average score and the rank are given no change: the deprivation index is the
      same, so their change would be the drift of the population estimates alone, read as a
      change in deprivation;
    * the data's period end and frequency: figures that count or weight by residents by the
      population (:func:`population_dating`), neighbourhood counts by the IMD
      (:func:`imd_dating`), Census shares by Census day.

    No national objective covers these measures and no figure is about one place. England's own
    Core20 share is kept off the page (``summary``: False): it is the England column of the
    ICB's Core20 share.
    """
    icb = _icb(icb_code)
    v = int(imd_version)
    eng = dep.england_summary(v)
    eth = ethnicity_profile(icb).set_index("group")
    dis = disability_profile(icb).set_index("area")
    people, hoods = _dated(population_dating(v)), _dated(imd_dating(v))
    census_dated = _dated((census.census_day(), _frequency(census.ETH)))
    out = {
        "population": dict(people),
        "n_lsoas": dict(hoods),
        "core20_population": dict(people),
        "core20_share": {"england": eng["core20_share"], **people},
        "core20_rank": dict(people),
        "decile1_lsoas": dict(hoods),
        "decile1_lsoa_share": {"england": eng["decile1_lsoa_share"], **hoods},
        "imd_average_score": {"england": eng["imd_average_score"], **people},
        "england_core20_share": {"summary": False, **people},
        "non_white_share": {"england": float(100 - eth.loc["White", "england_share"]), **census_dated},
        "disabled_share": {
            "england": float(dis.loc["England", "share_disabled"]),
            **_dated((census.census_day(), _frequency(census.DIS))),
        },
    }
    before = previous_population(icb, v)
    if before is not None:
        for key in ("population", "core20_population"):
            out[key].update(previous=before[key], previous_period=before["period"])
    return out


# ----------------------------------------------------------------------------- figures


def _bar_labels(ax, bars, values, fmt_spec="{:.1f}%"):
    for b, v in zip(bars, values):
        ax.annotate(
            fmt_spec.format(v),
            (b.get_width(), b.get_y() + b.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )


def figure_age(icb: geography.ICB | str, imd_version: int):
    """Horizontal bars: share of the ICB's population in each age band, with England as markers."""
    import matplotlib.pyplot as plt

    from .. import figures
    from ..figures import HIGHLIGHT, NHS_BLACK

    icb = _icb(icb)
    a = age_profile(icb, imd_version)
    fig, ax = plt.subplots(figsize=(8, 5.6 if len(a) > 8 else 3.6))
    y = np.arange(len(a))
    ax.barh(y, a["icb_share"], color=HIGHLIGHT, height=0.7, label=icb.short_name)
    ax.scatter(a["england_share"], y, marker="|", s=260, color=NHS_BLACK, linewidths=2.2, zorder=3, label="England")
    ax.set_yticks(y, a["age_band"])  # youngest at the bottom, as in a population pyramid
    ax.set_xlabel("Share of all residents")
    ax.set_ylabel("Age (years)")
    ax.set_xlim(0, None)
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    figures.percent_axis(ax, "x")
    # Legend above the bars, under the title: the bars reach the right edge in every age band,
    # so inside the axes it would cover data.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.3)
    ax.set_title(f"Age profile: {icb.short_name} against England", pad=26)
    return fig


def figure_deciles(icb: geography.ICB | str, imd_version: int):
    """Bars: share of the ICB's population in each national IMD decile (coloured as on the map);
    England as markers."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .. import figures
    from ..figures import IMD_DECILE_CLASSES, NHS_BLACK, NHS_DARK_GREY

    icb = _icb(icb)
    d = decile_profile(icb, imd_version)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    x = d["quantile"].to_numpy()
    bars = ax.bar(x, d["share"], color=IMD_DECILE_CLASSES, edgecolor=NHS_DARK_GREY, linewidth=0.6)
    ax.plot(x, d["england_share"], linestyle="none", marker="D", color=NHS_BLACK)
    for b, v, e in zip(bars, d["share"], d["england_share"]):
        ax.annotate(
            f"{v:.1f}%",
            (b.get_x() + b.get_width() / 2, max(v, e)),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_ylim(0, float(max(d["share"].max(), d["england_share"].max())) * 1.3)
    ax.set_xticks(
        x, [f"{i}\nmost\ndeprived" if i == 1 else (f"{i}\nleast\ndeprived" if i == 10 else str(i)) for i in x]
    )
    ax.set_xlabel(f"National {dep.imd_label(imd_version)} decile")
    ax.set_ylabel("Share of residents")
    figures.percent_axis(ax, "y")
    ax.grid(axis="x", visible=False)
    ax.set_axisbelow(True)
    handles = [
        Patch(
            facecolor=IMD_DECILE_CLASSES[0],
            edgecolor=NHS_DARK_GREY,
            label=f"{icb.short_name} (bar colour = decile, as on the map)",
        ),
        Line2D([], [], linestyle="none", marker="D", color=NHS_BLACK, label="England"),
    ]
    ax.legend(handles=handles, loc="upper center", ncols=2)
    ax.set_title("Residents by national deprivation decile")
    return fig


def figure_icb_ranking(icb: geography.ICB | str, imd_version: int):
    """All 42 ICBs by Core20 share, the chosen ICB highlighted and labelled, England as a line."""
    import matplotlib.pyplot as plt

    from ..figures import CONTEXT, HIGHLIGHT, NHS_BLACK

    icb = _icb(icb)
    r = icb_ranking(imd_version).sort_values("core20_share", ascending=True).reset_index(drop=True)
    eng = dep.england_summary(imd_version)["core20_share"]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    is_me = r["icb_ods_code"] == icb.ods_code
    colours = [HIGHLIGHT if m else CONTEXT for m in is_me]
    ax.barh(np.arange(len(r)), r["core20_share"], color=colours, height=0.8)
    ax.axvline(eng, color=NHS_BLACK, linestyle="--", linewidth=1)
    ax.annotate(f"England {eng:.1f}%", (eng, 0), xytext=(4, 0), textcoords="offset points", fontsize=8.5, va="center")
    i = int(np.flatnonzero(is_me)[0])
    row = r.iloc[i]
    # The label goes to the right of the bar, or inside it (in white) when the bar is long.
    right = row["core20_share"] < 0.55 * float(r["core20_share"].max())
    ax.annotate(
        f"{icb.short_name}: {row['core20_share']:.1f}% (rank {int(row['rank'])} of 42)",
        (row["core20_share"] if right else 0, i),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=HIGHLIGHT if right else "white",
    )
    ax.set_yticks([])
    ax.set_ylabel("The 42 ICBs, lowest to highest share")
    ax.set_xlabel("Share of residents living in Core20 neighbourhoods (%)")
    ax.set_xlim(0, None)
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.set_title("Core20 share of every ICB in England")
    return fig


def figure_domains(icb: geography.ICB | str, imd_version: int):
    """Share of the ICB's LSOAs in each domain's national most deprived decile; 10% reference line."""
    import matplotlib.pyplot as plt

    from ..figures import HIGHLIGHT, NHS_BLACK

    icb = _icb(icb)
    d = domain_profile(icb, imd_version)
    d = d[d["available"]].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.4))
    y = np.arange(len(d))
    bars = ax.barh(y, d["share"], color=HIGHLIGHT, height=0.65)
    _bar_labels(ax, bars, d["share"])
    ax.axvline(10, color=NHS_BLACK, linestyle="--", linewidth=1)
    ax.set_yticks(y, d["domain_name"])
    ax.set_ylim(len(d) - 0.5, -1.1)  # inverted (first domain at the top), with room for the label
    ax.annotate("England: 10%", (10, -0.75), xytext=(4, 0), textcoords="offset points", fontsize=8.5, va="center")
    ax.set_xlim(0, max(15.0, float(d["share"].max()) * 1.2))
    ax.set_xlabel("Share of the ICB's neighbourhoods in the most deprived 10% in England (%)")
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.set_title("Which kinds of deprivation are most common here")
    return fig


def figure_ethnicity(icb: geography.ICB | str):
    """Horizontal bars: share of the ICB's residents in each of the 5 high-level ethnic groups,
    England as markers; values labelled."""
    import matplotlib.pyplot as plt

    from .. import figures
    from ..figures import HIGHLIGHT, NHS_BLACK

    icb = _icb(icb)
    e = ethnicity_profile(icb)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    y = np.arange(len(e))
    bars = ax.barh(y, e["icb_share"], color=HIGHLIGHT, height=0.65, label=icb.short_name)
    ax.scatter(e["england_share"], y, marker="|", s=300, color=NHS_BLACK, linewidths=2.4, zorder=3, label="England")
    for b, v, eng in zip(bars, e["icb_share"], e["england_share"]):
        ax.annotate(
            f"{v:.1f}% (England {eng:.1f}%)",
            (max(v, eng), b.get_y() + b.get_height() / 2),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax.set_yticks(y, e["group"])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    figures.percent_axis(ax, "x")
    ax.set_xlabel("Share of residents (Census 2021)")
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.3)
    ax.set_title(f"Ethnic group: {icb.short_name} against England", pad=26)
    return fig


def figure_gp_access(icb: geography.ICB | str, imd_version: int):
    """Access to a GP by national IMD decile, urban and rural neighbourhoods of the ICB side by
    side (bars from zero), England's value for the same decile and area type as a marker; one
    panel per indicator of the edition's IoD File 8."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .. import figures
    from ..figures import NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW

    icb = _icb(icb)
    v = int(imd_version)
    g = gp_access(icb, v)
    inds = gp_indicators(v)
    fig, axes = plt.subplots(len(inds), 1, figsize=(8, 3.6 * len(inds)), squeeze=False)
    colours = {"Urban": NHS_BLUE, "Rural": NHS_WARM_YELLOW}
    markers = {"Urban": "_", "Rural": "_"}
    w = 0.38
    for ax, c in zip(axes[:, 0], inds):
        for _k, (ruc, off) in enumerate((("Urban", -w / 2), ("Rural", w / 2))):
            part = g[g["ruc_broad"] == ruc].set_index("imd_decile").reindex(range(1, 11))
            x = np.arange(1, 11) + off
            ax.bar(x, part[c].fillna(0), width=w, color=colours[ruc], edgecolor=NHS_DARK_GREY, linewidth=0.6)
            ax.scatter(x, part[f"{c}_england"], marker=markers[ruc], s=220, linewidths=2.4, color=NHS_BLACK, zorder=3)
            for xi, _val, n in zip(x, part[c], part["n_lsoas"]):
                if n == 0:
                    ax.annotate(
                        "none",
                        (xi, 0),
                        xytext=(0, 2),
                        textcoords="offset points",
                        ha="center",
                        va="bottom",
                        fontsize=7,
                        rotation=90,
                        color=NHS_DARK_GREY,
                    )
        ax.set_xticks(
            range(1, 11),
            ["1\nmost\ndeprived" if i == 1 else ("10\nleast\ndeprived" if i == 10 else str(i)) for i in range(1, 11)],
        )
        ax.set_ylim(0, None)
        figures.count_axis(ax, "y")
        ax.set_ylabel(GP_INDICATORS[c]["label"])
        ax.grid(axis="x", visible=False)
        ax.set_axisbelow(True)
    axes[-1, 0].set_xlabel(f"National {dep.imd_label(v)} decile of the neighbourhood")
    handles = [
        Patch(facecolor=colours["Urban"], edgecolor=NHS_DARK_GREY, label="Urban, this ICB"),
        Patch(facecolor=colours["Rural"], edgecolor=NHS_DARK_GREY, label="Rural, this ICB"),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="_",
            markersize=14,
            markeredgewidth=2.4,
            color=NHS_BLACK,
            label="England, same decile and type",
        ),
    ]
    axes[0, 0].legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, borderaxespad=0.3, fontsize=8.5
    )
    axes[0, 0].set_title(f"Access to a GP by deprivation, urban and rural (IoD{v})", pad=26)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- the map


def map_data(icb: geography.ICB | str, imd_version: int):
    """GeoDataFrames for the map, in British National Grid (EPSG:27700): (lsoas with imd_decile,
    lad_code, lad_name, lsoa_name, population, core20; local authorities clipped to the ICB; ICB
    outline)."""
    import geopandas as gpd

    icb = _icb(icb)
    v = int(imd_version)
    vint = dep.lsoa_vintage(v)
    df = dep.icb_lsoa_deprivation(icb, v)
    g = dl.lsoa_boundaries(vint, codes=df["lsoa_code"].tolist())
    g = g.merge(
        df[["lsoa_code", "lsoa_name", "imd_decile", "core20", "population", "lad_code", "lad_name"]],
        on="lsoa_code",
        validate="one_to_one",
    )
    g = g.to_crs(27700)
    # The ICB outline is the union of its LSOAs (matches the LSOAs shown for either vintage).
    outline = gpd.GeoDataFrame({"icb": [icb.ods_code]}, geometry=[g.geometry.buffer(1).union_all()], crs=27700)
    lads = dl.lad_boundaries(vint)
    lads = lads[lads["lad_code"].isin(df["lad_code"].unique())].to_crs(27700)
    lads = gpd.clip(lads, outline)
    return g, lads, outline


def zoom_areas(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """The zoom panels of the map: the local authorities with the most neighbourhoods in the most
    deprived decile (or, where the ICB has none, in the Core20), up to two, each shown in a square
    window around those neighbourhoods (at least :data:`ZOOM_MIN_HALF_WIDTH_M` metres each side of
    their centre). A window covering more than :data:`ZOOM_MAX_AREA_SHARE` of the ICB's area gets
    no panel: the main map already shows it at a legible scale.
    Columns: letter, lad_code, name, decile1_lsoas, core20_lsoas, basis ('decile1' or 'core20'),
    x0, y0, x1, y1 (window, British National Grid metres), area_share (window / ICB area)."""
    g, _, outline = map_data(icb, imd_version)
    places = by_place(icb, imd_version, "lad").rename(columns={"code": "lad_code"})
    basis = "decile1" if places["decile1_lsoas"].sum() > 0 else "core20"
    key = f"{basis}_lsoas"
    flag = g["imd_decile"] == 1 if basis == "decile1" else g["core20"]
    rows = []
    for r in places[places[key] > 0].sort_values([key, "imd_average_score"], ascending=False).itertuples():
        bx0, by0, bx1, by1 = g[flag & (g["lad_code"] == r.lad_code)].total_bounds
        cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        half = max(0.6 * max(bx1 - bx0, by1 - by0), ZOOM_MIN_HALF_WIDTH_M)
        rows.append(
            {
                "lad_code": r.lad_code,
                "name": r.name,
                "decile1_lsoas": r.decile1_lsoas,
                "core20_lsoas": r.core20_lsoas,
                "basis": basis,
                "x0": cx - half,
                "y0": cy - half,
                "x1": cx + half,
                "y1": cy + half,
                "area_share": (2 * half) ** 2 / float(outline.area.iloc[0]),
            }
        )
    cols = [
        "letter",
        "lad_code",
        "name",
        "decile1_lsoas",
        "core20_lsoas",
        "basis",
        "x0",
        "y0",
        "x1",
        "y1",
        "area_share",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows)
    out = out[out["area_share"] <= ZOOM_MAX_AREA_SHARE].head(len(ZOOM_LETTERS)).reset_index(drop=True)
    out.insert(0, "letter", list(ZOOM_LETTERS[: len(out)]))
    return out[cols]


def map_table(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """The map's data: one row per neighbourhood with its national decile and population, and the
    zoom panel (letter) it appears in. Columns: lsoa_code, lsoa_name, local_authority,
    imd_decile, core20, population, zoom_panel."""
    g, _, _ = map_data(icb, imd_version)
    z = zoom_areas(icb, imd_version).set_index("lad_code")["letter"].to_dict()
    out = pd.DataFrame(
        {
            "lsoa_code": g["lsoa_code"],
            "lsoa_name": g["lsoa_name"],
            "local_authority": g["lad_name"],
            "imd_decile": g["imd_decile"],
            "core20": g["core20"],
            "population": g["population"],
            "zoom_panel": [z.get(c, "") for c in g["lad_code"]],
        }
    )
    return out.sort_values(["imd_decile", "lsoa_code"]).reset_index(drop=True)


def _label_places(ax, lads, fontsize: float) -> None:
    import matplotlib.patheffects as pe

    from ..figures import NHS_BLACK

    for r in lads.itertuples():
        if r.geometry.is_empty:
            continue
        p = r.geometry.representative_point()
        ax.annotate(
            textwrap.fill(geography.place_name(r.lad_name), 16),
            (p.x, p.y),
            ha="center",
            va="center",
            fontsize=fontsize,
            color=NHS_BLACK,
            linespacing=0.95,
            fontweight="bold",
            path_effects=[pe.withStroke(linewidth=2.6, foreground="white")],
        )


def figure_map(icb: geography.ICB | str, imd_version: int):
    """Map of every LSOA in the ICB in ten colour-blind-safe decile classes
    (:data:`analysis.figures.IMD_DECILE_CLASSES`), local authorities outlined and named, a thick
    ICB outline, and up to two zoom panels on the small local authorities where the most deprived
    neighbourhoods are (:func:`zoom_areas`)."""
    import matplotlib.patheffects
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from ..figures import IMD_DECILE_CLASSES, NHS_BLACK

    icb = _icb(icb)
    g, lads, outline = map_data(icb, imd_version)
    zooms = zoom_areas(icb, imd_version)
    colours = [IMD_DECILE_CLASSES[d - 1] for d in g["imd_decile"]]
    x0, y0, x1, y1 = outline.total_bounds
    aspect = (y1 - y0) / max(x1 - x0, 1)
    n = len(zooms)
    main_w = 0.64 if n else 1.0  # share of the figure's width for the main map
    width = 11.0
    height = min(10.0, max(6.5, width * main_w * aspect / 0.8 + 1.0))
    fig = plt.figure(figsize=(width, height))
    legend_h = 1.0 / height  # one inch for the legend under the map
    ax = fig.add_axes((0.0, legend_h + 0.02, main_w, 0.93 - legend_h - 0.02))
    g.plot(ax=ax, color=colours, edgecolor="#ffffff", linewidth=0.08)
    lads.boundary.plot(ax=ax, color="#4d4d4d", linewidth=0.8)
    outline.boundary.plot(ax=ax, color=NHS_BLACK, linewidth=2.0)
    _label_places(ax, lads, 8.5 if len(lads) <= 10 else 7)
    ax.set_axis_off()
    ax.set_aspect("equal")
    handles = [
        Patch(
            facecolor=IMD_DECILE_CLASSES[i],
            edgecolor="#999999",
            label=("1 most deprived" if i == 0 else ("10 least deprived" if i == 9 else str(i + 1))),
        )
        for i in range(10)
    ]
    handles += [
        Patch(facecolor="none", edgecolor="#4d4d4d", label="Local authority"),
        Patch(facecolor="none", edgecolor=NHS_BLACK, linewidth=2, label="ICB boundary"),
    ]
    leg_ax = fig.add_axes((0.0, 0.0, main_w if n else 1.0, legend_h))
    leg_ax.set_axis_off()
    leg_ax.legend(
        handles=handles,
        title=f"National {dep.imd_label(imd_version)} decile of the neighbourhood",
        loc="center left",
        fontsize=8.5,
        title_fontsize=9,
        frameon=False,
        ncols=6,
        columnspacing=1.0,
        handlelength=1.6,
    )
    by_d1 = bool(n) and zooms["basis"].iloc[0] == "decile1"
    for k, z in enumerate(zooms.itertuples()):
        bx0, by0, bx1, by1 = z.x0, z.y0, z.x1, z.y1
        ax.add_patch(
            Rectangle((bx0, by0), bx1 - bx0, by1 - by0, fill=False, edgecolor=NHS_BLACK, linewidth=1.2, linestyle="--")
        )
        ax.annotate(
            z.letter,
            (bx0, by1),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=11,
            fontweight="bold",
            ha="left",
            va="bottom",
            color=NHS_BLACK,
            path_effects=[matplotlib.patheffects.withStroke(linewidth=2.6, foreground="white")],
        )
        slot = 0.93 / n
        zax = fig.add_axes((main_w + 0.02, 0.93 - (k + 1) * slot + 0.01, 1 - main_w - 0.03, slot - 0.06))
        g.plot(ax=zax, color=colours, edgecolor="#ffffff", linewidth=0.3)
        lads.boundary.plot(ax=zax, color="#4d4d4d", linewidth=1.0)
        outline.boundary.plot(ax=zax, color=NHS_BLACK, linewidth=2.0)
        zax.set_xlim(bx0, bx1)
        zax.set_ylim(by0, by1)
        zax.set_aspect("equal")
        zax.set_xticks([])
        zax.set_yticks([])
        zax.set_xlabel("")
        zax.set_ylabel("")
        zax.grid(False)
        for s in zax.spines.values():
            s.set_visible(True)
            s.set_edgecolor(NHS_BLACK)
            s.set_linestyle("--")
        count = z.decile1_lsoas if by_d1 else z.core20_lsoas
        what = "in decile 1" if by_d1 else "in the Core20"
        zax.set_title(f"{z.letter}. {geography.place_name(z.name)} ({count} {what})", fontsize=10, loc="left")
    fig.suptitle(
        f"Neighbourhoods (LSOAs) of {icb.short_name} by national deprivation decile",
        x=0.01,
        y=0.995,
        ha="left",
        fontsize=12,
        fontweight="bold",
    )
    return fig


# ----------------------------------------------------------------------------- the chapter


def _pct(value: float) -> str:
    return fmt(value, "pct")


def _n(value: float) -> str:
    return fmt(value, "count")


def build(icb_code: str, imd_version: int, data_dir: str, reference_date: str = "") -> Chapter:
    """Compute every figure, table, box, word and number of the chapter for one ICB and edition;
    save ``headline.json``; return the :class:`~analysis.report.Chapter` (the notebook calls
    ``ch.show(name)`` for each output and glues the words)."""
    from .. import figures

    icb = _icb(icb_code)
    v = int(imd_version)
    figures.style()
    ch = Chapter(CHAPTER, data_dir, icb=icb)
    words = claims(icb.ods_code, v, reference_date)
    for key, claim in words.items():
        ch.claim(key, claim)

    imd = dep.imd_label(v)
    src = source(v)
    period = dep.population_period(v)
    # Short population label for column headers: the mid-year of the estimates paired with IMD 2019
    # (deprivation's registry), or the Census itself ("Census day, ..." is too long for a header).
    col_pop = period if v == 2019 else "Census 2021"
    name = icb.short_name
    head = headline_figures(icb.ods_code, v)
    eng = dep.england_summary(v)

    ch.text("icb_name", name)
    ch.text("imd", imd)
    ch.text("population_source", dep.population_label(v))
    ch.say("population_currency", esc(_currency(v, reference_date).label))
    _edition(ch, icb, v, head)

    # ---- who lives here
    ages = age_summary(icb, v)
    ch.number("population", head["population"], "count")
    ch.number("n_lsoas", head["n_lsoas"], "count")
    ch.number("residents_per_lsoa", head["population"] / head["n_lsoas"], "count")
    ch.text("young_label", ages["young_label"])
    ch.number("young_share", ages["icb_young"], "pct")
    ch.number("young_share_eng", ages["eng_young"], "pct")
    ch.number("older_share", ages["icb_65plus"], "pct")
    ch.number("older_share_eng", ages["eng_65plus"], "pct")
    _age_outputs(ch, icb, v, src, period, col_pop, ages)
    _place_outputs(ch, icb, v, src, period, col_pop, imd)

    # ---- Census 2021
    _census_outputs(ch, icb, v)

    # ---- how deprived
    _deprivation_outputs(ch, icb, v, src, period, col_pop, imd, head, eng)
    _map_outputs(ch, icb, v, src, head)
    _local_decile_outputs(ch, icb, v, src, col_pop, imd)
    _domain_outputs(ch, icb, v, src, col_pop, imd)
    _rurality_outputs(ch, icb, v, src, col_pop, imd)
    _gp_access_outputs(ch, icb, v)
    _worst_outputs(ch, icb, v, src, col_pop, imd, eng)
    _vintage_outputs(ch, icb)
    _methods_box(ch)

    fields = headline_fields(icb.ods_code, v)
    for key, value in head.items():
        ch.headline(
            key,
            value,
            period=_headline_period(key, v),
            source=source_census() if key in ("non_white_share", "disabled_share") else src,
            **fields[key],
        )
    ch.save()
    return ch


def _headline_period(key: str, v: int) -> str:
    if key in ("non_white_share", "disabled_share"):
        return census.census_ethnicity_icb()["period"].iloc[0]
    return f"{dep.imd_label(v)}; {dep.population_period(v)}"


def _edition(ch: Chapter, icb: geography.ICB, v: int, head: dict) -> None:
    """The box at the top: which IMD this edition uses, and what the other would say."""
    other = 2025 if v == 2019 else 2019
    row = vintage_comparison(icb)["summary"].set_index("imd").loc[dep.imd_label(other)]
    text = (
        f"{dep.imd_note(v)} Under {dep.imd_label(other)} ({row['lsoa_boundaries']} neighbourhoods, "
        f"{esc(row['population_vintage'])}), {_n(row['core20_population'])} people ({_pct(row['core20_share'])}) "
        f"in {esc(icb.short_name)} would be counted in the Core20, {ordinal(row['rank'])} of the 42 ICBs; under "
        f"{dep.imd_label(v)} it is {_n(head['core20_population'])} ({_pct(head['core20_share'])}), "
        f"{ordinal(head['core20_rank'])}."
    )
    ch.box("edition", text, kind="important", title=f"This edition uses {dep.imd_label(v)}")


def _age_outputs(ch, icb, v, src, period, col_pop, ages) -> None:
    age = age_profile(icb, v)
    big = age.loc[age["difference"].abs().idxmax()]
    ch.figure(
        figure_age(icb, v),
        "age_chart",
        data=age,
        defer=True,
        alt=(
            f"Horizontal bar chart of the share of {icb.short_name} residents in each age band, with England "
            f"marked. The largest difference from England is in the {big['age_band']} band: "
            f"{big['icb_share']:.1f}% against {big['england_share']:.1f}%. {ages['icb_65plus']:.1f}% are 65 or "
            f"over (England {ages['eng_65plus']:.1f}%)."
        ),
        caption=f"Residents by age band, {period}: {icb.short_name} (bars) against England (black marks). "
        f"Persons; estimates by sex are not available for neighbourhoods in this edition's data.",
        source=src,
    )
    cols = {
        "age_band": "Age band (years)",
        "icb_population": f"ICB residents ({col_pop})",
        "icb_share": "ICB share (%)",
        "england_population": f"England residents ({col_pop})",
        "england_share": "England share (%)",
        "difference": "ICB minus England (percentage points)",
    }
    tab = age.rename(columns=cols)
    ch.table(
        tab,
        "age_profile",
        f"Residents by age band, {period}",
        source=src,
        defer=True,
        show_columns=[cols[c] for c in ("age_band", "icb_population", "icb_share", "england_share")],
        formats={
            cols["icb_population"]: "{:,.0f}",
            cols["england_population"]: "{:,.0f}",
            cols["icb_share"]: "{:.1f}",
            cols["england_share"]: "{:.1f}",
            cols["difference"]: "{:+.1f}",
        },
        notes="Shares are percentages of all residents of the ICB or of England.",
    )


def _place_columns(col_pop: str, imd: str) -> tuple[dict, dict]:
    cols = {
        "n_lsoas": "Neighbourhoods (LSOAs)",
        "population": f"Residents ({col_pop})",
        "population_share": "Share of ICB residents (%)",
        "core20_lsoas": "Core20 neighbourhoods",
        "core20_population": f"Core20 residents ({col_pop})",
        "core20_share": "Core20 share of residents (%)",
        "decile1_lsoas": "Neighbourhoods in the most deprived 10%",
        "imd_average_score": f"Average {imd} score (population-weighted)",
    }
    fmts = {
        cols["population"]: "{:,.0f}",
        cols["population_share"]: "{:.1f}",
        cols["core20_population"]: "{:,.0f}",
        cols["core20_share"]: "{:.1f}",
        cols["imd_average_score"]: "{:.1f}",
        cols["n_lsoas"]: "{:,.0f}",
        cols["core20_lsoas"]: "{:,.0f}",
        cols["decile1_lsoas"]: "{:,.0f}",
    }
    return cols, fmts


def _place_outputs(ch, icb, v, src, period, col_pop, imd) -> None:
    places = by_place(icb, v, "lad")
    subicb = by_place(icb, v, "sicbl")
    ch.text("n_la", plural(len(places), "local authority district"))
    ch.text("n_sub", plural(len(subicb), "sub-ICB location"))
    ch.text("largest_la", geography.place_name(places.iloc[0]["name"]))
    ch.number("largest_la_population", places.iloc[0]["population"], "count")
    part = places[~places["whole_la"]]
    ch.say(
        "la_part_sentence",
        ""
        if part.empty
        else (
            f" {plural(len(part), 'local authority', 'local authorities')} "
            f"{'lies' if len(part) == 1 else 'lie'} only partly in the ICB; "
            f"{'its row describes' if len(part) == 1 else 'their rows describe'} the part inside it."
        ),
    )
    cols, fmts = _place_columns(col_pop, imd)
    la = places.drop(columns=["code"]).assign(whole_la=places["whole_la"].map({True: "Whole", False: "Part only"}))
    la = la.rename(columns={"name": "Local authority", "whole_la": "Whole or part in the ICB", **cols})
    show = [
        "Local authority",
        cols["population"],
        cols["core20_population"],
        cols["core20_share"],
        cols["decile1_lsoas"],
        cols["imd_average_score"],
    ]
    ch.table(
        la,
        "population_by_local_authority",
        f"Residents and Core20 population by local authority ({imd}, {period})",
        source=src,
        formats=fmts,
        show_columns=show,
        defer=True,
        notes=(
            "'Part only' (in the CSV): only part of the local authority lies in the ICB, and the figures "
            "cover that part only."
        ),
    )
    sub = subicb.drop(columns=["code"]).rename(columns={"name": "Sub-ICB location", **cols})
    ch.table(
        sub,
        "population_by_sub_icb",
        f"Residents and Core20 population by sub-ICB location ({imd}, {period})",
        source=src,
        formats=fmts,
        defer=True,
        show_columns=["Sub-ICB location"] + show[1:],
    )


def _census_outputs(ch, icb, v) -> None:
    eth = ethnicity_profile(icb)
    e = eth.set_index("group")
    dis = disability_profile(icb).set_index("area")
    period = str(eth["period"].iloc[0])
    minority = eth[eth["group"] != "White"].sort_values("icb_share", ascending=False).iloc[0]
    ch.text("census_period", period)
    ch.number("non_white_share", 100 - e.loc["White", "icb_share"], "pct")
    ch.number("non_white_share_eng", 100 - e.loc["White", "england_share"], "pct")
    ch.number("non_white_residents", e.loc[[g for g in e.index if g != "White"], "icb_residents"].sum(), "count")
    ch.text("largest_group", minority["group"])
    ch.number("largest_group_share", minority["icb_share"], "pct")
    ch.number("largest_group_share_eng", minority["england_share"], "pct")
    ch.number("disabled_share", dis.loc[icb.short_name, "share_disabled"], "pct")
    ch.number("disabled_share_eng", dis.loc["England", "share_disabled"], "pct")
    ch.number("disabled_residents", dis.loc[icb.short_name, "disabled"], "count")
    ch.figure(
        figure_ethnicity(icb),
        "ethnicity_chart",
        data=eth,
        defer=True,
        alt=(
            f"Horizontal bar chart of the share of {icb.short_name} residents in each of five ethnic groups at the "
            f"2021 Census, with England marked: "
            + "; ".join(f"{r.group} {r.icb_share:.1f}% (England {r.england_share:.1f}%)" for r in eth.itertuples())
            + "."
        ),
        caption=(
            f"Residents by ethnic group (five high-level groups), {period}: {icb.short_name} (bars) against "
            "England (black marks). White includes White British, Irish, Gypsy or Irish Traveller, Roma and "
            "Other White."
        ),
        source=source_census(),
    )
    cols = {
        "group": "Ethnic group",
        "ethnic_group": "Census 2021 category",
        "icb_residents": "ICB residents",
        "icb_total": "ICB residents, all groups",
        "icb_share": "ICB share (%)",
        "england_residents": "England residents",
        "england_total": "England residents, all groups",
        "england_share": "England share (%)",
        "difference": "ICB minus England (percentage points)",
        "period": "Period",
    }
    ch.table(
        eth.rename(columns=cols),
        "ethnicity",
        f"Residents by ethnic group, {period}",
        source=source_census(),
        defer=True,
        show_columns=[cols[c] for c in ("group", "icb_residents", "icb_share", "england_share")],
        formats={
            cols["icb_residents"]: "{:,.0f}",
            cols["icb_total"]: "{:,.0f}",
            cols["icb_share"]: "{:.1f}",
            cols["england_residents"]: "{:,.0f}",
            cols["england_total"]: "{:,.0f}",
            cols["england_share"]: "{:.1f}",
            cols["difference"]: "{:+.1f}",
        },
        notes="Shares use the ethnic group table's own totals.",
    )
    dcols = {
        "area": "Area",
        "disabled": "Disabled under the Equality Act",
        "total_residents": "All residents",
        "share_disabled": "Share disabled (%, crude)",
        "period": "Period",
    }
    ch.table(
        dis.reset_index().rename(columns=dcols),
        "disability",
        f"Residents disabled under the Equality Act 2010, {period}",
        source=source_census(),
        defer=True,
        show_columns=[dcols[c] for c in ("area", "disabled", "total_residents", "share_disabled")],
        formats={dcols["disabled"]: "{:,.0f}", dcols["total_residents"]: "{:,.0f}", dcols["share_disabled"]: "{:.1f}"},
        notes="Crude shares, not age-standardised; shares use the disability table's own totals.",
    )
    ch.box(
        "census_caveats",
        (
            "Census figures count every usual resident on Census day, so they carry no sampling error, but ONS "
            "perturbs each Census table slightly to protect confidentiality: the totals of the ethnic group and "
            "disability tables differ from each other, and from the population used elsewhere in this chapter, by a "
            "few people per neighbourhood, and each share here uses its own table's total. The disability share is "
            "crude, not age-standardised: disability is far more common at older ages, so an ICB with an older "
            "population has a higher crude share without its residents being less healthy age for age (ONS's "
            "published age-standardised rates are not comparable with these). 'White' includes White minority "
            "groups (Irish, Gypsy or Irish Traveller, Roma, Other White): the detailed groups are not published for "
            "neighbourhoods in this book's data, so the share in ethnic groups other than White understates the share "
            "in ethnic minority groups as usually defined (all groups except White British). Census figures are for "
            f"2021 neighbourhoods within the ICB boundaries of {lookup_vintage(2021)}, whichever IMD edition this is."
        ),
        kind="note",
        title="About the Census figures",
    )


def _deprivation_outputs(ch, icb, v, src, period, col_pop, imd, head, eng) -> None:
    deciles = decile_profile(icb, v, 10)
    quintiles = decile_profile(icb, v, 5)
    ranking = icb_ranking(v)
    ch.number("core20_population", head["core20_population"], "count")
    ch.number("core20_share", head["core20_share"], "pct")
    ch.number("core20_share_eng", eng["core20_share"], "pct")
    ch.text("core20_rank", ordinal(head["core20_rank"]))
    ch.number("d1_share", deciles.iloc[0]["share"], "pct")
    ch.number("d1_share_eng", deciles.iloc[0]["england_share"], "pct")
    ch.number("d10_share", deciles.iloc[-1]["share"], "pct")
    ch.number("d10_share_eng", deciles.iloc[-1]["england_share"], "pct")
    ch.say("decile1_sentence", _decile1_sentence(icb, v, head))
    first, last = ranking.iloc[0], ranking.iloc[-1]
    ch.text("highest_icb", geography.find_icb(first["icb_ods_code"]).short_name)
    ch.number("highest_icb_share", first["core20_share"], "pct")
    ch.text("lowest_icb", geography.find_icb(last["icb_ods_code"]).short_name)
    ch.number("lowest_icb_share", last["core20_share"], "pct")

    d1, d10 = deciles.iloc[0], deciles.iloc[-1]
    ch.figure(
        figure_deciles(icb, v),
        "deciles_chart",
        data=deciles,
        defer=True,
        alt=(
            f"Bar chart of the share of {icb.short_name} residents living in each national {imd} decile, with "
            f"England marked. Decile 1 (most deprived): {d1['share']:.1f}% against England "
            f"{d1['england_share']:.1f}%; decile 10 (least deprived): {d10['share']:.1f}% against "
            f"{d10['england_share']:.1f}%."
        ),
        caption=(
            f"Residents by national {imd} decile (1 = most deprived 10% of neighbourhoods in England), "
            f"{period}. England's deciles each hold 10% of neighbourhoods; their share of residents varies "
            f"a little because neighbourhoods differ in size."
        ),
        source=src,
    )
    qcols = {
        "lsoas": "ICB neighbourhoods (LSOAs)",
        "population": f"ICB residents ({col_pop})",
        "share": "Share of ICB residents (%)",
        "england_population": f"England residents ({col_pop})",
        "england_share": "Share of England's residents (%)",
        "england_lsoa_share": "Share of England's neighbourhoods (%)",
    }
    qfmt = {
        qcols["lsoas"]: "{:,.0f}",
        qcols["population"]: "{:,.0f}",
        qcols["share"]: "{:.1f}",
        qcols["england_population"]: "{:,.0f}",
        qcols["england_share"]: "{:.1f}",
        qcols["england_lsoa_share"]: "{:.1f}",
    }
    qshow = [qcols[c] for c in ("lsoas", "population", "share", "england_share")]
    dec_col = f"National {imd} decile (1 = most deprived)"
    ch.table(
        deciles.rename(columns={"quantile": dec_col, **qcols}),
        "imd_deciles",
        f"Residents by national {imd} decile",
        source=src,
        formats=qfmt,
        defer=True,
        show_columns=[dec_col] + qshow,
    )
    qui_col = f"National {imd} quintile (1 = most deprived)"
    ch.table(
        quintiles.rename(columns={"quantile": qui_col, **qcols}),
        "imd_quintiles",
        f"Residents by national {imd} quintile",
        source=src,
        formats=qfmt,
        defer=True,
        show_columns=[qui_col] + qshow,
        notes="Quintile 1 is the Core20.",
    )

    me = ranking.set_index("icb_ods_code").loc[icb.ods_code]
    ch.figure(
        figure_icb_ranking(icb, v),
        "core20_ranking_chart",
        data=ranking,
        defer=True,
        alt=(
            f"Horizontal bar chart of the Core20 share of all 42 ICBs. {icb.short_name} is highlighted at "
            f"{me['core20_share']:.1f}%, rank {int(me['rank'])} of 42; England is {eng['core20_share']:.1f}%; the "
            f"range is {ranking['core20_share'].min():.1f}% to {ranking['core20_share'].max():.1f}%."
        ),
        caption=f"Share of residents living in Core20 neighbourhoods ({imd}), every ICB in England, {period}.",
        source=src,
    )
    rcols = {
        "rank": "Rank (1 = highest Core20 share)",
        "icb_name": "ICB",
        "region_name": "NHS region",
        "population": f"Residents ({col_pop})",
        "core20_population": f"Core20 residents ({col_pop})",
        "core20_share": "Core20 share of residents (%)",
        "decile1_lsoa_share": "Neighbourhoods in the most deprived 10% (%)",
        "imd_average_score": f"Average {imd} score (population-weighted)",
    }
    rtab = ranking[list(rcols)].rename(columns=rcols)
    rtab["ICB (short name)"] = ranking["icb_ods_code"].map(lambda c: geography.find_icb(c).short_name)
    ch.table(
        rtab,
        "icb_core20_ranking",
        f"Core20 population of the 42 ICBs ({imd}, {period})",
        source=src,
        defer=True,
        show_columns=[rcols["rank"], "ICB (short name)", rcols["core20_share"], rcols["imd_average_score"]],
        formats={
            rcols["population"]: "{:,.0f}",
            rcols["core20_population"]: "{:,.0f}",
            rcols["core20_share"]: "{:.1f}",
            rcols["decile1_lsoa_share"]: "{:.1f}",
            rcols["imd_average_score"]: "{:.1f}",
        },
    )


def _decile1_sentence(icb, v, head) -> str:
    """The sentence on neighbourhoods in the most deprived 10%, right whether there are none, one or many."""
    n, total = int(head["decile1_lsoas"]), int(head["n_lsoas"])
    if n == 0:
        return f"None of the ICB's {_n(total)} neighbourhoods is among the most deprived 10% in England."
    places = by_place(icb, v, "lad").sort_values(["decile1_lsoas", "population"], ascending=False)
    top = places.iloc[0]
    where = (
        f"it is in {esc(geography.place_name(top['name']))}"
        if n == 1
        else f"all are in {esc(geography.place_name(top['name']))}"
        if top["decile1_lsoas"] == n
        else f"the most ({_n(top['decile1_lsoas'])}) are in {esc(geography.place_name(top['name']))}"
    )
    verb = "is" if n == 1 else "are"
    return (
        f"{_n(n)} of the ICB's {_n(total)} neighbourhoods ({_pct(head['decile1_lsoa_share'])}) {verb} among the "
        f"most deprived 10% in England; {where}."
    )


def _map_outputs(ch, icb, v, src, head) -> None:
    imd = dep.imd_label(v)
    zooms = zoom_areas(icb, v)
    table = map_table(icb, v)
    d1 = int((table["imd_decile"] == 1).sum())
    d10 = int((table["imd_decile"] == 10).sum())
    places = by_place(icb, v, "lad")
    by_d1 = places["decile1_lsoas"].sum() > 0
    key, basis = ("decile1_lsoas", "the most deprived 10%") if by_d1 else ("core20_lsoas", "the Core20")
    if len(zooms):
        where = " and ".join(
            f"{z.letter}, {geography.place_name(z.name)} ({_n(getattr(z, key))})" for z in zooms.itertuples()
        )
        zoom_text = (
            f"The {'panel' if len(zooms) == 1 else 'panels'} on the right "
            f"{'enlarges' if len(zooms) == 1 else 'enlarge'} {where}, holding {_n(zooms[key].sum())} of "
            f"the ICB's {_n(places[key].sum())} neighbourhoods in {basis}, too small to see on the main map."
        )
    else:
        top = places.sort_values([key, "population"], ascending=False).iloc[0]
        zoom_text = (
            f"No zoom panel: the neighbourhoods in {basis} of {geography.place_name(top['name'])}, the local authority "
            f"with the most of them, spread over a large part of the map and are legible at this scale."
        )
    ch.say("map_zoom_sentence", esc(zoom_text))
    alt = (
        f"Map of the {int(head['n_lsoas'])} neighbourhoods (LSOAs) of {icb.short_name}, each coloured by national "
        f"{imd} decile from dark red (1, most deprived) through pale yellow and pale blue to dark blue (10, least "
        f"deprived), with local authority outlines and names and a thick ICB boundary. {d1} neighbourhoods are in "
        f"decile 1 and {d10} in decile 10. " + zoom_text
    )
    ch.figure(
        figure_map(icb, v),
        "imd_map",
        data=table,
        defer=True,
        alt=alt,
        caption=(
            f"Neighbourhoods (LSOA {dep.lsoa_vintage(v)}) by national {imd} decile; thin lines: local "
            f"authorities; thick line: the ICB. {zoom_text} The decile table above gives the same information "
            f"as text, and the data download lists every neighbourhood."
        ),
        source=src + "; " + SOURCE_BOUNDARIES,
    )


def _local_decile_outputs(ch, icb, v, src, col_pop, imd) -> None:
    local = local_deciles(icb, v)
    first = local.iloc[0]
    ch.number("local1_population", first["population"], "count")
    lo, hi = int(first["national_decile_min"]), int(first["national_decile_max"])
    ch.text(
        "local1_span", f"spans national deciles {lo} to {hi}" if lo != hi else f"lies wholly in national decile {lo}"
    )
    cols = {
        "local_decile": "Local decile (1 = most deprived in the ICB)",
        "lsoas": "Neighbourhoods (LSOAs)",
        "population": f"Residents ({col_pop})",
        "share": "Share of ICB residents (%)",
        "score_min": f"Lowest {imd} score",
        "score_max": f"Highest {imd} score",
        "national_decile_min": "Most deprived national decile",
        "national_decile_max": "Least deprived national decile",
        "core20_lsoas": "Core20 neighbourhoods",
    }
    ch.table(
        local.rename(columns=cols),
        "local_deciles",
        f"Local population-weighted {imd} deciles of {icb.short_name}",
        source=src,
        defer=True,
        show_columns=[
            cols[c]
            for c in ("local_decile", "population", "national_decile_min", "national_decile_max", "core20_lsoas")
        ],
        formats={
            cols["population"]: "{:,.0f}",
            cols["share"]: "{:.1f}",
            cols["score_min"]: "{:.1f}",
            cols["score_max"]: "{:.1f}",
        },
        notes=(
            "Local decile 1 = the most deprived tenth of the ICB's residents (population-weighted); "
            "neighbourhoods are not split, so each tenth holds about, not exactly, 10%. The national decile "
            "columns give the range of national deciles (1 = most deprived) of the neighbourhoods in each."
        ),
    )


def _domain_outputs(ch, icb, v, src, col_pop, imd) -> None:
    domains = domain_profile(icb, v)
    avail = domains[domains["available"]]
    top = top_domain(icb, v)
    ch.text("top_domain", str(top["domain_name"]).lower())
    ch.number("top_domain_share", top["share"], "pct")
    ch.number("top_domain_share_eng", top["england_share"], "pct")
    ch.say("top_domain_lsoas", plural(top["lsoas"], "neighbourhood"))
    ch.say(
        "domain_note",
        (
            "IDACI and IDAOPI are the income domain's supplementary indices for children (0-15) and older people (60+)."
            if domains["available"].all()
            else "The supplementary indices of income deprivation affecting children (IDACI) and older people (IDAOPI) "
            f"of {imd}, and the IoD2025 population denominators, are not in this book's data; they are shown in the "
            "IMD 2019 edition."
        ),
    )
    low = avail.loc[avail["share"].idxmin()]
    ch.figure(
        figure_domains(icb, v),
        "domains_chart",
        data=avail.drop(columns=["available"]),
        defer=True,
        alt=(
            f"Horizontal bar chart of the share of {icb.short_name} neighbourhoods in the national most deprived "
            f"decile of each deprivation domain, with a 10% England reference line. Highest: "
            f"{top['domain_name']} at {top['share']:.1f}%; lowest: {low['domain_name']} at {low['share']:.1f}%."
        ),
        caption=f"Share of neighbourhoods in each {imd} domain's most deprived 10% in England (dashed line: 10%).",
        source=src,
    )
    cols = {
        "domain_name": "Domain",
        "lsoas": "Neighbourhoods in the most deprived 10%",
        "share": "Share of ICB neighbourhoods (%)",
        "population": f"Residents of those neighbourhoods ({col_pop})",
        "population_share": "Share of ICB residents (%)",
        "england_share": "England: share of neighbourhoods (%)",
    }
    ch.table(
        avail.drop(columns=["domain", "available"]).rename(columns=cols),
        "imd_domains",
        f"Neighbourhoods in each domain's national most deprived decile ({imd})",
        source=src,
        defer=True,
        show_columns=[cols[c] for c in ("domain_name", "lsoas", "share", "population_share")],
        formats={
            cols["lsoas"]: "{:,.0f}",
            cols["share"]: "{:.1f}",
            cols["population"]: "{:,.0f}",
            cols["population_share"]: "{:.1f}",
            cols["england_share"]: "{:.1f}",
        },
    )


def _rurality_outputs(ch, icb, v, src, col_pop, imd) -> None:
    rural = rurality_profile(icb, v)
    cls = "2011" if v == 2019 else "2021"
    ch.text("ruc_year", cls)
    by = rural.set_index("ruc_name")
    rural_share = float(by.loc["All rural", "population_share"]) if "All rural" in by.index else 0.0
    ch.number("rural_share", rural_share, "pct")
    if "All rural" in by.index and "All urban" in by.index:
        r, u = by.loc["All rural"], by.loc["All urban"]
        sentence = (
            f"{_pct(r['core20_share'])} of rural residents and {_pct(u['core20_share'])} of urban residents "
            f"live in the Core20; the average {imd} score is {fmt(r['imd_average_score'])} in rural and "
            f"{fmt(u['imd_average_score'])} in urban neighbourhoods."
        )
    else:
        only = rural.iloc[-1]
        sentence = f"Every neighbourhood of the ICB is classed as {esc(str(only['ruc_broad']).lower())}."
    ch.say("rurality_sentence", sentence)
    cols = {
        "ruc_broad": "Urban or rural",
        "ruc_name": "Rural-urban class",
        "lsoas": "Neighbourhoods (LSOAs)",
        "population": f"Residents ({col_pop})",
        "population_share": "Share of ICB residents (%)",
        "core20_population": f"Core20 residents ({col_pop})",
        "core20_share": "Core20 share of the class's residents (%)",
        "imd_average_score": f"Average {imd} score (population-weighted)",
        "england_core20_share": "England: Core20 share of the class (%)",
    }
    ch.table(
        rural.rename(columns=cols),
        "rurality",
        f"Deprivation by rural-urban classification ({cls}, {imd})",
        source=src + f"; ONS rural-urban classification {cls} of LSOAs",
        defer=True,
        show_columns=[
            cols[c] for c in ("ruc_name", "population", "population_share", "core20_share", "england_core20_share")
        ],
        formats={
            cols["lsoas"]: "{:,.0f}",
            cols["population"]: "{:,.0f}",
            cols["population_share"]: "{:.1f}",
            cols["core20_population"]: "{:,.0f}",
            cols["core20_share"]: "{:.1f}",
            cols["imd_average_score"]: "{:.1f}",
            cols["england_core20_share"]: "{:.1f}",
        },
    )


def _gp_value(ind: str, value: float) -> str:
    spec = GP_INDICATORS[ind]
    return fmt(value, spec["kind"], dp=spec["dp"], what=ind) + spec["unit"]


def _gp_access_outputs(ch, icb, v) -> None:
    iod = f"IoD{v}"
    inds = gp_indicators(v)
    main = inds[0]
    g = gp_access(icb, v)
    summ = gp_access_summary(icb, v).set_index("ruc_broad")
    allg = g[(g["ruc_broad"] == "All") & (g["n_lsoas"] > 0)]
    lo, hi = allg.iloc[0], allg.iloc[-1]
    ch.text("gp_iod", iod)
    ch.text("gp_measure", GP_INDICATORS[main]["what"])
    ch.text("gp_low_decile", str(int(lo["imd_decile"])))
    ch.text("gp_high_decile", str(int(hi["imd_decile"])))
    ch.say("gp_low", _gp_value(main, lo[main]))
    ch.say("gp_high", _gp_value(main, hi[main]))
    ch.say("gp_all", _gp_value(main, summ.loc["All", main]))
    ch.say("gp_all_eng", _gp_value(main, summ.loc["All", f"{main}_england"]))
    if summ.loc["Rural", "n_lsoas"] and summ.loc["Urban", "n_lsoas"]:
        ruc = (
            f"In its rural neighbourhoods the figure is {_gp_value(main, summ.loc['Rural', main])} (England's rural "
            f"neighbourhoods: {_gp_value(main, summ.loc['Rural', f'{main}_england'])}); in its urban ones, "
            f"{_gp_value(main, summ.loc['Urban', main])} (England: "
            f"{_gp_value(main, summ.loc['Urban', f'{main}_england'])})."
        )
    else:
        ruc = "Every neighbourhood of the ICB is classed as urban in this vintage."
    others = [c for c in inds if c != main]
    more = " ".join(
        f"The same data give the {GP_INDICATORS[c]['what']}: {_gp_value(c, summ.loc['All', c])} for the ICB's middle "
        f"resident (England: {_gp_value(c, summ.loc['All', f'{c}_england'])})."
        for c in others
    )
    ch.say("gp_rurality_sentence", ruc + (" " + more if more else ""))
    note = (
        "IoD2019 measured road distances to a GP surgery, a post office, a primary school and a shop; IoD2025 "
        "replaced them with a connectivity score (the indicator behind its geographical barriers sub-domain) "
        "and added registered patients per GP. The two editions' figures are not comparable with each other."
    )
    ch.box(
        "gp_access_note",
        note + " No published measure of travel time to a GP (such as the Department for "
        "Transport's journey time statistics) is in this book's data: these indicators are the closest "
        "published measures of how far residents are from services.",
        kind="note",
        title="Which measure",
    )
    alt_parts = [f"decile {int(r.imd_decile)}: {_gp_value(main, getattr(r, main))}" for r in allg.itertuples()]
    ch.figure(
        figure_gp_access(icb, v),
        "gp_access_chart",
        data=g,
        defer=True,
        alt=(
            f"Bar chart of the {GP_INDICATORS[main]['what']} by national deprivation decile, urban and rural "
            f"neighbourhoods of {icb.short_name} side by side, England marked; the middle resident's value by "
            f"decile, all neighbourhoods: " + "; ".join(alt_parts) + "."
        ),
        caption=(
            f"Access to a GP by national {dep.imd_label(v)} decile and rural-urban class ({iod} underlying "
            "indicators): the value below which half the residents of each group live (population-weighted "
            "median), urban and rural neighbourhoods of the ICB (bars) and England (black marks). 'none': no "
            "neighbourhood of that kind in that decile here."
        ),
        source=SOURCE_ACCESS[v],
    )
    cols = {
        "imd_decile": f"National {dep.imd_label(v)} decile",
        "ruc_broad": "Area type",
        "n_lsoas": "Neighbourhoods (LSOAs)",
        "population": "Residents",
        "england_n_lsoas": "England neighbourhoods",
        "iod_vintage": "Indices of Deprivation",
    }
    for c in inds:
        cols[c] = f"{GP_INDICATORS[c]['label']}: ICB"
        cols[f"{c}_median"] = f"{GP_INDICATORS[c]['label']}: ICB, median of neighbourhoods"
        cols[f"{c}_england"] = f"{GP_INDICATORS[c]['label']}: England"
    fmts = {cols["population"]: "{:,.0f}"}
    for c in inds:
        spec = "{:,.0f}" if GP_INDICATORS[c]["dp"] == 0 else "{:,.1f}"
        fmts.update({cols[c]: spec, cols[f"{c}_median"]: spec, cols[f"{c}_england"]: spec})
    # All neighbourhoods of each decile first: the page shows those ten rows, the CSV all thirty.
    order = g.assign(_o=g["ruc_broad"].map({"All": 0, "Urban": 1, "Rural": 2})).sort_values(["_o", "imd_decile"])
    table = order.drop(columns="_o").rename(columns=cols)
    show = [cols["imd_decile"], cols["n_lsoas"]] + [x for c in inds for x in (cols[c], cols[f"{c}_england"])]
    ch.table(
        table,
        "gp_access",
        f"Access to a GP by national {dep.imd_label(v)} decile and rural-urban class ({iod})",
        source=SOURCE_ACCESS[v],
        defer=True,
        show_columns=show,
        formats=fmts,
        max_rows=10,
        notes=(
            "Population-weighted medians: half the group's residents live in neighbourhoods at or below the "
            "value. The page shows all neighbourhoods of each decile; the CSV adds urban and rural rows."
        ),
    )


def _worst_outputs(ch, icb, v, src, col_pop, imd, eng) -> None:
    worst = most_deprived_lsoas(icb, v)
    rank_col = f"{imd} rank in England (1 = most deprived)"
    if len(worst):
        first = worst.iloc[0]
        ch.say(
            "worst_sentence",
            (
                f"{plural(len(worst), 'neighbourhood')} of {esc(icb.short_name)}, home to {_n(worst['population'].sum())} "
                f"people, {'is' if len(worst) == 1 else 'are'} in the most deprived 10% in England. The most deprived, "
                f"{esc(first['lsoa_name'])}, ranks {_n(first['imd_rank'])} of {_n(eng['n_lsoas'])} in England "
                f"(1 = most deprived)."
            ),
        )
        cols = {
            "lsoa_code": "LSOA code",
            "lsoa_name": "LSOA name",
            "lad_name": "Local authority",
            "sicbl_name": "Sub-ICB location",
            "population": f"Residents ({col_pop})",
            "imd_rank": rank_col,
            "imd_score": f"{imd} score",
            "ruc_broad": "Urban or rural",
            "decile1_domains": "Domains in which it is in the most deprived 10%",
            "n_decile1_domains": "Number of such domains",
        }
        ch.table(
            worst.rename(columns=cols),
            "most_deprived_neighbourhoods",
            f"Neighbourhoods in the national most deprived {imd} decile, most deprived first",
            source=src,
            defer=True,
            show_columns=[cols[c] for c in ("lsoa_name", "population", "imd_rank", "decile1_domains")],
            formats={cols["population"]: "{:,.0f}", rank_col: "{:,.0f}", cols["imd_score"]: "{:.1f}"},
            notes="LSOA names are ONS's (local authority and a number), not local place names.",
        )
    else:
        nearest = least_ranked_lsoas(icb, v)
        first = nearest.iloc[0]
        ch.say(
            "worst_sentence",
            (
                f"No neighbourhood of {esc(icb.short_name)} is in the most deprived 10% in England. The ten most "
                f"deprived are listed instead; the most deprived, {esc(first['lsoa_name'])}, ranks "
                f"{_n(first['imd_rank'])} of {_n(eng['n_lsoas'])} in England and is in national decile "
                f"{int(first['imd_decile'])}."
            ),
        )
        cols = {
            "lsoa_code": "LSOA code",
            "lsoa_name": "LSOA name",
            "lad_name": "Local authority",
            "population": f"Residents ({col_pop})",
            "imd_rank": rank_col,
            "imd_decile": f"National {imd} decile",
            "imd_score": f"{imd} score",
        }
        ch.table(
            nearest.rename(columns=cols),
            "most_deprived_neighbourhoods",
            f"The ten most deprived neighbourhoods ({imd})",
            source=src,
            defer=True,
            show_columns=[cols[c] for c in ("lsoa_name", "lad_name", "population", "imd_rank", "imd_decile")],
            formats={cols["population"]: "{:,.0f}", rank_col: "{:,.0f}", cols["imd_score"]: "{:.1f}"},
            notes="LSOA names are ONS's (local authority and a number), not local place names.",
        )


def _vintage_outputs(ch, icb) -> None:
    comp = vintage_comparison(icb)
    s = comp["summary"].set_index("imd")
    c = comp["counts"]
    for v in dep.IMD_VERSIONS:
        k = f"imd{v}"
        row = s.loc[dep.imd_label(v)]
        ch.number(f"{k}_core20_population", row["core20_population"], "count")
        ch.number(f"{k}_core20_share", row["core20_share"], "pct")
    ch.number("core20_2019_on_2021_share", c["core20_2019_on_2021_share"], "pct")
    ch.number("core20_2025_share_2021", c["core20_2025_share"], "pct")
    ch.say("moved_in", f"{plural(c['moved_in_lsoas'], 'neighbourhood')} ({_n(c['moved_in_population'])} people)")
    ch.say("moved_out", f"{plural(c['moved_out_lsoas'], 'neighbourhood')} ({_n(c['moved_out_population'])} people)")
    mixed = c["mixed_lsoas"]
    ch.text("imd2019_data_years", imd2019_data_years())
    ch.say(
        "mixed_phrase",
        "no neighbourhood here had 2011 parts of differing status"
        if mixed == 0
        else f"{plural(mixed, 'neighbourhood')} here had 2011 parts of differing status",
    )
    both = "; ".join(source(v) for v in dep.IMD_VERSIONS)
    cols = {
        "imd": "Index",
        "lsoa_boundaries": "LSOA boundaries",
        "population_vintage": "Population count",
        "lsoas": "Neighbourhoods (LSOAs)",
        "core20_lsoas": "Core20 neighbourhoods",
        "population": "Residents",
        "core20_population": "Core20 residents",
        "core20_share": "Core20 share of residents (%)",
        "rank": "Rank among 42 ICBs (1 = highest Core20 share)",
    }
    ch.table(
        comp["summary"].rename(columns=cols),
        "imd_versions_core20",
        "The Core20 under IMD 2019 and IMD 2025, each with its own neighbourhoods and population",
        source=both,
        defer=True,
        show_columns=[
            cols[k] for k in ("imd", "lsoa_boundaries", "population", "core20_population", "core20_share", "rank")
        ],
        formats={
            cols["lsoas"]: "{:,.0f}",
            cols["core20_lsoas"]: "{:,.0f}",
            cols["population"]: "{:,.0f}",
            cols["core20_population"]: "{:,.0f}",
            cols["core20_share"]: "{:.1f}",
        },
    )
    mcols = {
        "group": "Core20 status",
        "lsoas": "Neighbourhoods (2021 LSOAs)",
        "population": "Residents (Census 2021)",
        "population_share": "Share of ICB residents (%)",
    }
    ch.table(
        comp["movement"].rename(columns=mcols),
        "imd_versions_movement",
        "Neighbourhoods moving in and out of the Core20 between IMD 2019 and IMD 2025 (2021 neighbourhoods, "
        "Census 2021 residents)",
        source=both + "; ONS LSOA (2011) to LSOA (2021) lookup",
        defer=True,
        formats={mcols["lsoas"]: "{:,.0f}", mcols["population"]: "{:,.0f}", mcols["population_share"]: "{:.1f}"},
    )


def _methods_box(ch: Chapter) -> None:
    ch.box(
        "methods",
        (
            "The IMD 2019 score is derived from MHCLG's published exponentially transformed domain scores "
            "(File 9) with the official weights (income and employment 22.5% each, education and health 13.5% each, "
            "crime, barriers and living environment 9.3% each); ranks and deciles are MHCLG's published ones. "
            "National deciles split England's neighbourhoods, not its people, into ten equal groups, so the Core20 "
            "holds about, not exactly, 20% of England's residents. IMD 2019 is paired with ONS mid-2020 small-area "
            "estimates (the latest on 2011 neighbourhoods in this book's data; ONS has since published estimates for "
            "later years on 2021 neighbourhoods, which is why they are marked out of date); IMD 2025 with Census 2021 "
            "usual residents (there are no mid-year estimates for 2021 neighbourhoods in this book's data). "
            "Neighbourhood populations are for persons only: no split by sex is available, so the age chart is not a "
            f"sex pyramid. ICB boundaries: {lookup_vintage(2011)} for the IMD 2019 edition, {lookup_vintage(2021)} for "
            "IMD 2025 and for the Census figures (only Surrey Heartlands and Sussex differ, by 4 neighbourhoods). Words "
            "such as higher, "
            "lower or similar to compare whole-population figures as printed (to one decimal place): they count every "
            "resident or neighbourhood, so there is no sampling interval to test."
        ),
        kind="note",
        title="Methods and caveats",
    )


__all__ = [
    "GP_INDICATORS",
    "age_profile",
    "age_summary",
    "build",
    "by_place",
    "claims",
    "decile_profile",
    "disability_profile",
    "domain_profile",
    "ethnicity_profile",
    "figure_age",
    "figure_deciles",
    "figure_domains",
    "figure_ethnicity",
    "figure_gp_access",
    "figure_icb_ranking",
    "figure_map",
    "gp_access",
    "gp_access_summary",
    "gp_indicators",
    "headline_fields",
    "headline_figures",
    "icb_ranking",
    "imd_dating",
    "least_ranked_lsoas",
    "local_deciles",
    "map_data",
    "map_table",
    "most_deprived_lsoas",
    "population_dating",
    "previous_population",
    "rurality_profile",
    "source",
    "source_census",
    "top_domain",
    "vintage_comparison",
    "zoom_areas",
]
