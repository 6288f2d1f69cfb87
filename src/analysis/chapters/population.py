"""Chapter 1, population and deprivation: who lives in the ICB, and where the most deprived
neighbourhoods are.

Every function takes the ICB (code or :class:`analysis.geography.ICB`) and the IMD version and
returns a tidy table or a matplotlib figure; the notebook only puts them on the page.
Deprivation comes from :mod:`analysis.deprivation` (one LSOA table per IMD vintage, with its
paired population); quantiles from :mod:`analysis.stats`.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .. import deprivation as dep
from .. import geography, stats
from ..load import deprivation as dl

CHAPTER = "population"

SOURCE_IMD = {
    2019: "MHCLG English Indices of Deprivation 2019 (Files 1, 2, 3, 9); ONS mid-2020 LSOA population "
          "estimates; ONS LSOA (2011) to sub-ICB to ICB lookup (July 2022)",
    2025: "MHCLG English Indices of Deprivation 2025 (File 7); ONS Census 2021 usual residents; "
          "ONS LSOA (2021) to sub-ICB to ICB lookup (April 2024)",
}


def _icb(icb: geography.ICB | str) -> geography.ICB:
    return icb if isinstance(icb, geography.ICB) else geography.find_icb(icb)


def source(imd_version: int) -> str:
    return SOURCE_IMD[int(imd_version)]


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
    out = pd.DataFrame({"age_band": bands, "icb_population": icb_pop.to_numpy(),
                        "england_population": eng_pop.to_numpy()})
    out["icb_share"] = 100 * out["icb_population"] / out["icb_population"].sum()
    out["england_share"] = 100 * out["england_population"] / out["england_population"].sum()
    out["difference"] = out["icb_share"] - out["england_share"]
    return out[["age_band", "icb_population", "icb_share", "england_population", "england_share", "difference"]]


def age_summary(icb: geography.ICB | str, imd_version: int) -> dict[str, float]:
    """Shares (0-100) of children (0-15 for Census bands, 0-14 for 5-year bands) and of people
    aged 65+, in the ICB and England."""
    a = age_profile(icb, imd_version)
    if int(imd_version) == 2019:
        young = ["0-4", "5-9", "10-14"]
        old = [b for b in a["age_band"] if b == "90+" or int(b.split("-")[0]) >= 65]
        young_label = "under 15"
    else:
        young, old, young_label = ["0-15"], ["65+"], "15 and under"
    sel = lambda bands, col: float(a.loc[a["age_band"].isin(bands), col].sum())  # noqa: E731
    return {"young_label": young_label,
            "icb_young": sel(young, "icb_share"), "eng_young": sel(young, "england_share"),
            "icb_65plus": sel(old, "icb_share"), "eng_65plus": sel(old, "england_share")}


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
    cols = ["code", "name", "n_lsoas", "population", "population_share", "core20_lsoas", "core20_population",
            "core20_share", "decile1_lsoas", "imd_average_score"] + (["whole_la"] if level == "lad" else [])
    return out[cols].sort_values("population", ascending=False).reset_index(drop=True)


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
    out = pd.DataFrame({
        "lsoas": g.size(), "population": g["population"].sum(),
        "score_min": g["imd_score"].min(), "score_max": g["imd_score"].max(),
        "national_decile_min": g["imd_decile"].min(), "national_decile_max": g["imd_decile"].max(),
        "core20_lsoas": g["core20"].sum().astype("int64"),
    })
    out["share"] = 100 * out["population"] / out["population"].sum()
    out.index.name = "local_decile"
    return out.reset_index()[["local_decile", "lsoas", "population", "share", "score_min", "score_max",
                              "national_decile_min", "national_decile_max", "core20_lsoas"]]


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
        rows.append({
            "domain": d, "domain_name": dl.DOMAIN_NAMES[d], "lsoas": int(m.sum()),
            "share": 100 * m.mean(), "population": int(df.loc[m, "population"].sum()),
            "population_share": 100 * df.loc[m, "population"].sum() / df["population"].sum(),
            "england_share": 100 * (eng[col] == 1).mean(), "available": True,
        })
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- rurality

def rurality_profile(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """Deprivation by rural-urban classification (RUC2011 on LSOA11 for IMD 2019, RUC2021 on
    LSOA21 for IMD 2025). One row per class present in the ICB, then 'All urban', 'All rural'.
    Columns: ruc_broad, ruc_name, lsoas, population, population_share (0-100 of the ICB),
    core20_population, core20_share (0-100 of the class), imd_average_score
    (population-weighted), england_core20_share (0-100, same class in England)."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    eng = dep.lsoa_deprivation(imd_version)
    det = dep.summarise(df, ["ruc_broad", "ruc_code", "ruc_name"]).sort_values(["ruc_broad", "ruc_code"],
                                                                                 ascending=[False, True])
    broad = dep.summarise(df, ["ruc_broad"]).assign(ruc_code="", ruc_name=lambda x: "All " + x["ruc_broad"].str.lower())
    out = pd.concat([det, broad.sort_values("ruc_broad", ascending=False)], ignore_index=True)
    e_det = dep.summarise(eng, ["ruc_code"]).set_index("ruc_code")["core20_share"]
    e_broad = dep.summarise(eng, ["ruc_broad"]).set_index("ruc_broad")["core20_share"]
    out["england_core20_share"] = np.where(out["ruc_code"] == "", out["ruc_broad"].map(e_broad),
                                           out["ruc_code"].map(e_det))
    out["population_share"] = 100 * out["population"] / df["population"].sum()
    return out.rename(columns={"n_lsoas": "lsoas"})[
        ["ruc_broad", "ruc_name", "lsoas", "population", "population_share", "core20_population",
         "core20_share", "imd_average_score", "england_core20_share"]]


# ----------------------------------------------------------------------------- neighbourhoods

def most_deprived_lsoas(icb: geography.ICB | str, imd_version: int) -> pd.DataFrame:
    """The ICB's LSOAs in the national most deprived IMD decile, most deprived first, with the
    domains (and IDACI / IDAOPI for IMD 2019) in whose national most deprived decile each lies.
    Columns: lsoa_code, lsoa_name, lad_name, sicbl_name, population, imd_rank, imd_score,
    ruc_broad, decile1_domains (text), n_decile1_domains."""
    df = dep.icb_lsoa_deprivation(icb, imd_version)
    top = df[df["imd_decile"] == 1].sort_values("imd_rank").copy()
    doms = [d for d in dl.DOMAINS + dl.SUPPLEMENTARY if f"{d}_decile" in df]
    short = {"income": "Income", "employment": "Employment", "education": "Education", "health": "Health",
             "crime": "Crime", "barriers": "Barriers", "living_env": "Living environment", "idaci": "IDACI",
             "idaopi": "IDAOPI"}
    top["decile1_domains"] = top.apply(
        lambda r: ", ".join(short[d] for d in doms if r[f"{d}_decile"] == 1) or "none (deprived across domains)",
        axis=1) if len(top) else pd.Series(dtype=str)
    top["n_decile1_domains"] = sum((top[f"{d}_decile"] == 1).astype(int) for d in doms) if len(top) else 0
    return top[["lsoa_code", "lsoa_name", "lad_name", "sicbl_name", "population", "imd_rank", "imd_score",
                "ruc_broad", "decile1_domains", "n_decile1_domains"]].reset_index(drop=True)


def least_ranked_lsoas(icb: geography.ICB | str, imd_version: int, n: int = 10) -> pd.DataFrame:
    """The ``n`` most deprived LSOAs of the ICB whatever their decile (for ICBs with none in decile 1)."""
    df = dep.icb_lsoa_deprivation(icb, imd_version).sort_values("imd_rank").head(n)
    return df[["lsoa_code", "lsoa_name", "lad_name", "population", "imd_rank", "imd_decile", "imd_score"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- 2019 vs 2025

def vintage_comparison(icb: geography.ICB | str) -> dict[str, pd.DataFrame | dict]:
    """IMD 2019 against IMD 2025 for the ICB.

    ``summary``: one row per vintage as each is used in the book (its own LSOAs and population):
    lsoas, core20_lsoas, population, core20_population, core20_share, rank among 42 ICBs.

    ``movement``: both vintages on the same 2021 LSOAs and Census 2021 population (IMD 2019
    carried to LSOA21 by :func:`analysis.deprivation.lsoa_deprivation_bridged`), so the change
    is the index, not the population or boundaries: rows 'In the Core20 under both',
    'Moved into the Core20 (IMD 2025 only)', 'Moved out of the Core20 (IMD 2019 only)',
    'In neither', with lsoas and population.

    ``counts``: moved_in_lsoas, moved_in_population, moved_out_lsoas, moved_out_population,
    core20_2019_on_2021_population, core20_2025_population, mixed_lsoas (LSOA21s made from
    2011 LSOAs of differing IMD 2019 status).
    """
    icb = _icb(icb)
    rows = []
    for v in dep.IMD_VERSIONS:
        s = dep.icb_deprivation_summary(v).set_index("icb_ods_code").loc[icb.ods_code]
        rows.append({"imd": dep.imd_label(v), "lsoa_boundaries": str(dep.lsoa_vintage(v)),
                     "population_vintage": dep.population_label(v), "lsoas": int(s["n_lsoas"]),
                     "core20_lsoas": int(s["core20_lsoas"]), "population": int(s["population"]),
                     "core20_population": int(s["core20_population"]), "core20_share": float(s["core20_share"]),
                     "rank": int(s["rank"])})
    summary = pd.DataFrame(rows)
    b = dep.lsoa_deprivation_bridged()
    b = b[b["icb_ods_code"] == icb.ods_code]
    c19, c25 = b["imd2019_core20"], b["core20"]
    groups = {
        "In the Core20 under both": c19 & c25,
        "Moved into the Core20 (IMD 2025 only)": ~c19 & c25,
        "Moved out of the Core20 (IMD 2019 only)": c19 & ~c25,
        "In neither": ~c19 & ~c25,
    }
    movement = pd.DataFrame([{"group": k, "lsoas": int(m.sum()), "population": int(b.loc[m, "population"].sum())}
                             for k, m in groups.items()])
    movement["population_share"] = 100 * movement["population"] / b["population"].sum()
    counts = {
        "moved_in_lsoas": int(groups["Moved into the Core20 (IMD 2025 only)"].sum()),
        "moved_in_population": int(b.loc[groups["Moved into the Core20 (IMD 2025 only)"], "population"].sum()),
        "moved_out_lsoas": int(groups["Moved out of the Core20 (IMD 2019 only)"].sum()),
        "moved_out_population": int(b.loc[groups["Moved out of the Core20 (IMD 2019 only)"], "population"].sum()),
        "core20_2019_on_2021_population": int(b.loc[c19, "population"].sum()),
        "core20_2025_population": int(b.loc[c25, "population"].sum()),
        "core20_2019_on_2021_share": 100 * float(b.loc[c19, "population"].sum()) / float(b["population"].sum()),
        "core20_2025_share": 100 * float(b.loc[c25, "population"].sum()) / float(b["population"].sum()),
        "mixed_lsoas": int(b["imd2019_mixed"].sum()),
        "lsoas": int(len(b)),
    }
    return {"summary": summary, "movement": movement, "counts": counts}


# ----------------------------------------------------------------------------- headlines

def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, quickly (cached LSOA tables; no figures).

    population; n_lsoas; core20_population; core20_share (0-100); core20_rank (1-42, 1 = highest
    Core20 share); decile1_lsoas; decile1_lsoa_share (0-100); imd_average_score
    (population-weighted); england_core20_share (0-100). Every value exists for every ICB
    (decile1_lsoas may be 0)."""
    icb = _icb(icb_code)
    s = dep.icb_deprivation_summary(imd_version).set_index("icb_ods_code").loc[icb.ods_code]
    e = dep.england_summary(imd_version)
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
    }


#: Plausible ranges of each headline (used by the notebook's ch.headline and by tests).
HEADLINE_RANGES: dict[str, tuple[float, float]] = {
    "population": (500_000, 4_000_000),
    "n_lsoas": (300, 2_500),
    "core20_population": (0, 2_000_000),
    "core20_share": (0, 100),
    "core20_rank": (1, 42),
    "decile1_lsoas": (0, 1_000),
    "decile1_lsoa_share": (0, 100),
    "imd_average_score": (5, 60),
    "england_core20_share": (19, 21),
}


# ----------------------------------------------------------------------------- figures

def _bar_labels(ax, bars, values, fmt="{:.1f}%", inside=False):
    for b, v in zip(bars, values):
        ax.annotate(fmt.format(v), (b.get_width(), b.get_y() + b.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8.5)


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
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    figures.percent_axis(ax, "x")
    # Legend above the bars, under the title: the bars reach the right edge in every age band,
    # so inside the axes it would cover data.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.3)
    ax.set_title(f"Age profile: {icb.short_name} against England", pad=26)
    return fig


def figure_deciles(icb: geography.ICB | str, imd_version: int):
    """Bars: share of the ICB's population in each national IMD decile; England as markers."""
    import matplotlib.pyplot as plt

    from ..figures import DECILE_COLOURS, NHS_BLACK, NHS_DARK_GREY

    icb = _icb(icb)
    d = decile_profile(icb, imd_version)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    x = d["quantile"].to_numpy()
    bars = ax.bar(x, d["share"], color=DECILE_COLOURS, edgecolor=NHS_DARK_GREY, linewidth=0.6,
                  label=f"{icb.short_name}")
    ax.plot(x, d["england_share"], linestyle="none", marker="D", color=NHS_BLACK, label="England")
    for b, v, e in zip(bars, d["share"], d["england_share"]):
        ax.annotate(f"{v:.1f}%", (b.get_x() + b.get_width() / 2, max(v, e)), xytext=(0, 5),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.set_ylim(0, float(max(d["share"].max(), d["england_share"].max())) * 1.3)
    ax.set_xticks(x, [f"{i}\nmost\ndeprived" if i == 1 else (f"{i}\nleast\ndeprived" if i == 10 else str(i)) for i in x])
    ax.set_xlabel(f"National {dep.imd_label(imd_version)} decile")
    ax.set_ylabel("Share of residents (%)")
    ax.grid(axis="x", visible=False)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", ncols=2)
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
    ax.annotate(f"England {eng:.1f}%", (eng, 0), xytext=(4, 0), textcoords="offset points", fontsize=8.5,
                va="center")
    i = int(np.flatnonzero(is_me)[0])
    row = r.iloc[i]
    ax.annotate(f"{icb.short_name}: {row['core20_share']:.1f}% (rank {int(row['rank'])} of 42)",
                (row["core20_share"], i), xytext=(6, 0), textcoords="offset points", va="center",
                fontsize=9, fontweight="bold", color=HIGHLIGHT)
    ax.set_yticks([])
    ax.set_ylabel("The 42 ICBs, lowest to highest share")
    ax.set_xlabel("Share of residents living in Core20 neighbourhoods (%)")
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
    ax.annotate("England: 10%", (10, -0.75), xytext=(4, 0), textcoords="offset points", fontsize=8.5,
                va="center")
    ax.set_xlim(0, max(15.0, float(d["share"].max()) * 1.2))
    ax.set_xlabel("Share of the ICB's neighbourhoods in the most deprived 10% in England (%)")
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.set_title("Which kinds of deprivation are most common here")
    return fig


def map_data(icb: geography.ICB | str, imd_version: int):
    """GeoDataFrames for the map, in British National Grid (EPSG:27700): (lsoas with imd_decile,
    local authorities clipped to the ICB, ICB outline)."""
    import geopandas as gpd

    icb = _icb(icb)
    v = int(imd_version)
    vint = dep.lsoa_vintage(v)
    df = dep.icb_lsoa_deprivation(icb, v)
    g = dl.lsoa_boundaries(vint, codes=df["lsoa_code"].tolist())
    g = g.merge(df[["lsoa_code", "imd_decile", "lad_code", "lad_name"]], on="lsoa_code", validate="one_to_one")
    g = g.to_crs(27700)
    # The ICB outline is the union of its LSOAs (matches the LSOAs shown for either vintage).
    outline = gpd.GeoDataFrame({"icb": [icb.ods_code]}, geometry=[g.geometry.buffer(1).union_all()], crs=27700)
    lads = dl.lad_boundaries(vint)
    lads = lads[lads["lad_code"].isin(df["lad_code"].unique())].to_crs(27700)
    lads = gpd.clip(lads, outline)
    return g, lads, outline


def figure_map(icb: geography.ICB | str, imd_version: int):
    """Map of every LSOA in the ICB shaded by national IMD decile (decile 1 darkest), thin local
    authority outlines (labelled) and a thick ICB outline."""
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from ..figures import DECILE_COLOURS, NHS_BLACK

    icb = _icb(icb)
    g, lads, outline = map_data(icb, imd_version)
    x0, y0, x1, y1 = outline.total_bounds
    aspect = (y1 - y0) / max(x1 - x0, 1)
    w = 8.2
    h = min(9.0, max(4.5, w * aspect * 0.85))
    fig, ax = plt.subplots(figsize=(w, h))
    g.plot(ax=ax, color=[DECILE_COLOURS[d - 1] for d in g["imd_decile"]], edgecolor="#ffffff", linewidth=0.08)
    lads.boundary.plot(ax=ax, color="#4d4d4d", linewidth=0.7)
    outline.boundary.plot(ax=ax, color=NHS_BLACK, linewidth=2.0)
    for r in lads.itertuples():
        if r.geometry.is_empty:
            continue
        p = r.geometry.representative_point()
        ax.annotate(textwrap.fill(r.lad_name.replace(", County of", ""), 16), (p.x, p.y), ha="center",
                    va="center", fontsize=8, color=NHS_BLACK, linespacing=0.95,
                    path_effects=[pe.withStroke(linewidth=2.5, foreground="white")])
    handles = [Patch(facecolor=DECILE_COLOURS[i], edgecolor="#999999",
                     label=("1 = most deprived" if i == 0 else ("10 = least deprived" if i == 9 else str(i + 1))))
               for i in range(10)]
    handles.append(Patch(facecolor="none", edgecolor="#4d4d4d", label="Local authority"))
    handles.append(Patch(facecolor="none", edgecolor=NHS_BLACK, linewidth=2, label="ICB boundary"))
    ax.legend(handles=handles, title=f"National {dep.imd_label(imd_version)} decile", loc="upper left",
              bbox_to_anchor=(1.01, 1), fontsize=8.5, title_fontsize=9, frameon=False)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(f"Neighbourhoods (LSOAs) of {icb.short_name} by national deprivation decile")
    return fig


__all__ = [
    "HEADLINE_RANGES", "age_profile", "age_summary", "by_place", "decile_profile", "domain_profile",
    "figure_age", "figure_deciles", "figure_domains", "figure_icb_ranking", "figure_map", "headline_figures",
    "icb_ranking", "least_ranked_lsoas", "local_deciles", "map_data", "most_deprived_lsoas",
    "rurality_profile", "source", "vintage_comparison",
]
