"""Health inequalities: life expectancy, healthy life expectancy, the gap across the social
gradient (slope index of inequality, Fingertips 92901) and premature mortality, for the local
authorities of an ICB, against England; and practice-population life expectancy by practice
deprivation.

Everything here returns tidy tables; the notebook only puts them on the page. The local
authorities of an ICB are the 2024 lower-tier LAs with at least half of their LSOAs in the ICB,
plus their upper tier (counties). Each published dataset is matched on its own code vintage;
an LA that a dataset does not carry (for example a council created after the data's geography
was fixed) is reported as not available, never filled from another geography.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import geography, stats
from ..load import mortality as mort

ENGLAND = mort.ENGLAND

#: LAs whose code changed without a change of council (boundary adjustment, April 2025):
#: some files carry only the new code. Used to find the same council under its newer code.
CODE_SUCCESSORS = {"E08000016": "E08000038", "E08000019": "E08000039"}

#: An LA counts as one of the ICB's places when at least this share of its LSOAs is in the ICB.
MAIN_SHARE = 0.5

#: Period of the LE-by-decile data (inferred; see the dataset's PROVENANCE).
DECILE_PERIOD = "2014-16"

#: The plan quotes male SII for this period (Herefordshire and Worcestershire STP, 2016).
PLAN_PERIOD = "2011-13"

#: Tolerance of the SII backtest (years).
BACKTEST_TOLERANCE = 0.15

SOURCES = {
    "le": "OHID Fingertips 90366 (life expectancy at birth), re-shaped by Trafford Data Lab",
    "hle": "ONS Health state life expectancies, UK (healthy life expectancy, 95% CIs)",
    "sii": "OHID Fingertips 92901 (inequality in life expectancy at birth, slope index of inequality)",
    "decile": "OHID/PHE life expectancy by local deprivation decile (PHOF 0.2iii input, PHEindicatormethods LE_data)",
    "u75": "OHID Fingertips 93721 (under-75 mortality from causes considered preventable)",
    "cvd": "OHID Fingertips 93722 (under-75 mortality from cardiovascular disease considered preventable), via ONS",
    "practice": "OHID Fingertips 650 and 93553 via Health Equity Evidence Centre; QOF 2022-23 list sizes (NHS England)",
}


# ----------------------------------------------------------------------------- geography

@lru_cache(maxsize=64)
def _areas(ods_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    icb = geography.find_icb(ods_code)
    las = geography.icb_local_authorities(icb, vintage=2021)
    main = las[las["share_of_la"] >= MAIN_SHARE]
    partial = las[las["share_of_la"] < MAIN_SHARE].reset_index(drop=True)
    rows = []
    for r in main.itertuples():
        kind = "unitary" if r.lad_code == r.utla_code else "district"
        rows.append({"area_code": r.lad_code, "area_name": r.lad_name, "kind": kind,
                     "parent_code": r.utla_code, "parent_name": r.utla_name, "share_of_la": r.share_of_la})
    counties = main[main["lad_code"] != main["utla_code"]].groupby(["utla_code", "utla_name"]).size()
    for (code, name), _ in counties.items():
        rows.append({"area_code": code, "area_name": name, "kind": "county", "parent_code": code,
                     "parent_name": name, "share_of_la": np.nan})
    areas = pd.DataFrame(rows)
    order = {"county": 0, "unitary": 1, "district": 2}
    areas["_o"] = areas["kind"].map(order)
    areas = areas.sort_values(["parent_name", "_o", "area_name"]).drop(columns="_o").reset_index(drop=True)
    return areas, partial


def icb_areas(icb_code: str) -> pd.DataFrame:
    """The ICB's local authorities: area_code, area_name, kind (county/unitary/district),
    parent_code, parent_name, share_of_la (share of the LA's LSOAs in the ICB)."""
    return _areas(geography.find_icb(icb_code).ods_code)[0].copy()


def partial_areas(icb_code: str) -> pd.DataFrame:
    """LAs with fewer than half of their LSOAs in the ICB (left out of the LA comparisons)."""
    return _areas(geography.find_icb(icb_code).ods_code)[1].copy()


def _pick(df: pd.DataFrame, areas: pd.DataFrame, *, england: bool = True) -> pd.DataFrame:
    """Rows of ``df`` for the areas (matched on code, or on the code's successor), keyed on
    the ICB's 2024 codes, with the area's name and kind; England appended when asked."""
    codes = set(df["area_code"])
    found = {}
    for code in areas["area_code"]:
        if code in codes:
            found[code] = code
        elif CODE_SUCCESSORS.get(code) in codes:
            found[CODE_SUCCESSORS[code]] = code
    sub = df[df["area_code"].isin(found)].copy()
    sub["data_code"] = sub["area_code"]
    sub["area_code"] = sub["area_code"].map(found)
    sub = sub.drop(columns=[c for c in ("area_name",) if c in sub]).merge(
        areas[["area_code", "area_name", "kind"]], on="area_code", how="left")
    if england:
        eng = df[df["area_code"] == ENGLAND].copy()
        eng["data_code"] = ENGLAND
        eng["area_name"] = "England"
        eng["kind"] = "england"
        sub = pd.concat([sub, eng], ignore_index=True)
    return sub


def missing_areas(df: pd.DataFrame, areas: pd.DataFrame, kinds: tuple[str, ...]) -> list[str]:
    """Names of the areas of the given kinds that ``df`` does not carry."""
    got = set(_pick(df, areas, england=False)["area_code"])
    want = areas[areas["kind"].isin(kinds)]
    return want.loc[~want["area_code"].isin(got), "area_name"].tolist()


# ----------------------------------------------------------------------------- LE and HLE

def le_series(icb_code: str) -> pd.DataFrame:
    """Fingertips life expectancy for the ICB's districts/UAs and England, every period.
    ``provisional`` marks the latest period, which may be provisional at extraction."""
    areas = icb_areas(icb_code)
    le = mort.life_expectancy()
    latest = le["period"].max()
    out = _pick(le, areas)
    out["provisional"] = out["period"] == latest
    return out.sort_values(["kind", "area_name", "sex", "period"]).reset_index(drop=True)


def hle_series(icb_code: str) -> pd.DataFrame:
    """ONS healthy life expectancy (with 95% CIs) for the ICB's areas that ONS publishes
    (counties, UAs, metropolitan districts, London boroughs) and England."""
    areas = icb_areas(icb_code)
    return _pick(mort.healthy_life_expectancy(), areas).sort_values(
        ["kind", "area_name", "sex", "period"]).reset_index(drop=True)


def le_hle_gap(icb_code: str) -> pd.DataFrame:
    """LE, HLE and years lived in poor health (LE - HLE) where both are published for the same
    area and period. Columns: area_code, area_name, kind, sex, period, le, hle, hle_lower_ci,
    hle_upper_ci, poor_health_years, le_provisional."""
    le = le_series(icb_code)
    hle = hle_series(icb_code)
    m = le.merge(hle[["area_code", "sex", "period", "value", "lower_ci", "upper_ci"]],
                 on=["area_code", "sex", "period"], suffixes=("_le", "_hle"))
    m = m.dropna(subset=["value_le", "value_hle"])
    out = pd.DataFrame({
        "area_code": m["area_code"], "area_name": m["area_name"], "kind": m["kind"], "sex": m["sex"],
        "period": m["period"], "le": m["value_le"], "hle": m["value_hle"],
        "hle_lower_ci": m["lower_ci"], "hle_upper_ci": m["upper_ci"],
        "poor_health_years": (m["value_le"] - m["value_hle"]).round(1),
        "le_provisional": m["provisional"],
    })
    return out.sort_values(["kind", "area_name", "sex", "period"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- SII 92901

def sii_series(icb_code: str) -> pd.DataFrame:
    """Published SII in life expectancy (92901) over time for the ICB's areas and England.

    Districts, UAs and England: the 2024 extraction for 2010-12 to 2014-16 and the latest (2026)
    extraction from 2015-17 (the later one revised the whole series). Counties: the only county
    series here (extracted 2020, 2010-12 to 2015-17). ``source`` names the extraction.
    """
    areas = icb_areas(icb_code)
    latest = mort.sii_district_ua()
    earlier = mort.sii_district_ua_earlier()
    earlier = earlier[earlier["period_start"] < latest["period_start"].min()]
    lower = _pick(pd.concat([earlier, latest], ignore_index=True), areas[areas["kind"] != "county"])
    county = _pick(mort.sii_county_ua(), areas[areas["kind"] == "county"], england=False)
    out = pd.concat([lower, county], ignore_index=True).dropna(subset=["value"])
    return out.sort_values(["kind", "area_name", "sex", "period"]).reset_index(drop=True)


def plan_comparison(icb_code: str) -> pd.DataFrame:
    """Male SII in 2011-13 (as published at the time, county/UA extraction) and the latest
    published value, for the ICB's upper-tier authorities and unitaries, and England.

    Columns: area_code, area_name, kind, sii_2011_13, latest_period, sii_latest, latest_source.
    """
    areas = icb_areas(icb_code)
    upper = areas[areas["kind"].isin(["county", "unitary"])]
    old = mort.sii_county_ua()
    old = _pick(old[(old["period"] == PLAN_PERIOD) & (old["sex"] == "Male")], upper)
    ser = sii_series(icb_code)
    ser = ser[(ser["sex"] == "Male") & ser["area_code"].isin(list(upper["area_code"]) + [ENGLAND])]
    last = ser.sort_values("period_start").groupby("area_code").tail(1)
    out = old[["area_code", "area_name", "kind", "value"]].rename(columns={"value": "sii_2011_13"}).merge(
        last[["area_code", "period", "value", "source"]].rename(
            columns={"period": "latest_period", "value": "sii_latest", "source": "latest_source"}),
        on="area_code", how="outer")
    names = pd.concat([upper[["area_code", "area_name", "kind"]],
                       pd.DataFrame([{"area_code": ENGLAND, "area_name": "England", "kind": "england"}])])
    out = out.drop(columns=["area_name", "kind"]).merge(names, on="area_code", how="left")
    out["change"] = (out["sii_latest"] - out["sii_2011_13"]).round(1)
    order = {"county": 0, "unitary": 1, "england": 2}
    out["_o"] = out["kind"].map(order)
    return out.sort_values(["_o", "area_name"]).drop(columns="_o")[
        ["area_code", "area_name", "kind", "sii_2011_13", "latest_period", "sii_latest", "change",
         "latest_source"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- LE by decile

def decile_data(icb_code: str) -> pd.DataFrame:
    """LE by local deprivation decile (2014-16) for the ICB's areas and England, with each
    decile's relative rank (mid-point of its cumulative population share, 0 = most deprived
    end), which is where the SII regression places it."""
    areas = icb_areas(icb_code)
    d = _pick(mort.le_by_decile(), areas)
    # The SII needs all ten local deciles; an area too small to form them (the Isles of
    # Scilly has one) is left out here and named by decile_incomplete_areas().
    complete = d.groupby(["area_code", "sex"])["decile"].transform("nunique") == 10
    d = d[complete]
    d = d.sort_values(["area_code", "sex", "decile"]).reset_index(drop=True)
    share = d["population"] / d.groupby(["area_code", "sex"])["population"].transform("sum")
    d["rank_mid"] = d.groupby(["area_code", "sex"])["population"].cumsum() / \
        d.groupby(["area_code", "sex"])["population"].transform("sum") - share / 2
    return d


def decile_incomplete_areas(icb_code: str) -> list[str]:
    """Names of the ICB's areas whose decile data lack some of the ten deciles (no SII)."""
    d = _pick(mort.le_by_decile(), icb_areas(icb_code))
    n = d.groupby(["area_code", "area_name"])["decile"].nunique()
    return sorted(n[n < 10].index.get_level_values("area_name").unique().tolist())


def decile_sii(icb_code: str, reps: int = 100_000) -> pd.DataFrame:
    """SII (with 95% CI and intercept) computed by :func:`analysis.stats.sii` from the decile
    data, next to the published 2014-16 SII of the same area.

    Published comparator: counties, UAs and England from the county/UA extraction (2020, the
    series as first published); districts from the 2024 district extraction (revised since
    first publication, so agreement is looser). Columns: area_code, area_name, kind, sex,
    value, lower_ci, upper_ci, intercept, published, published_source, difference, agrees.
    """
    d = decile_data(icb_code)
    if d.empty:
        return pd.DataFrame(columns=["area_code", "area_name", "kind", "sex", "value", "lower_ci",
                                     "upper_ci", "intercept", "published", "published_source",
                                     "difference", "agrees"])
    res = stats.sii(d, "value", "population", "decile", group_by=["area_code", "sex"], se="se",
                    reps=reps, seed=1, intercept=True)
    names = d.drop_duplicates("area_code")[["area_code", "area_name", "kind"]]
    res = res.merge(names, on="area_code")
    cu = mort.sii_county_ua()
    cu = cu[cu["period"] == DECILE_PERIOD]
    du = mort.sii_district_ua_earlier()
    du = du[du["period"] == DECILE_PERIOD]
    pub = pd.concat([cu[["area_code", "sex", "value", "source"]],
                     du[~du["area_code"].isin(cu["area_code"])][["area_code", "sex", "value", "source"]]])
    pub = pub.rename(columns={"value": "published", "source": "published_source"})
    res = res.merge(pub, on=["area_code", "sex"], how="left")
    res["difference"] = res["value"] - res["published"]
    res["agrees"] = res["difference"].abs() <= BACKTEST_TOLERANCE
    order = {"england": 0, "county": 1, "unitary": 2, "district": 3}
    res["_o"] = res["kind"].map(order)
    return res.sort_values(["_o", "area_name", "sex"]).drop(columns="_o").reset_index(drop=True)[
        ["area_code", "area_name", "kind", "sex", "value", "lower_ci", "upper_ci", "intercept",
         "published", "published_source", "difference", "agrees"]]


# ----------------------------------------------------------------------------- premature mortality

def compare_with_england(lower: pd.Series, upper: pd.Series, england: float | pd.Series) -> pd.Series:
    """Fingertips' comparison for an indicator where lower is better: 'better' when the whole
    95% CI lies below England's value, 'worse' when it lies above, otherwise 'similar'."""
    out = pd.Series("similar", index=lower.index, dtype="object")
    out[upper < england] = "better"
    out[lower > england] = "worse"
    out[lower.isna() | upper.isna()] = "not compared"
    return out


def u75_preventable_table(icb_code: str) -> pd.DataFrame:
    """Under-75 preventable mortality (93721), persons, every year, for the ICB's
    districts/UAs and England, with Fingertips' own comparison with England (lower case)."""
    areas = icb_areas(icb_code)
    d = mort.u75_preventable()
    d = _pick(d[d["sex"] == "Persons"], areas)
    d["significance"] = d["compared_to_england"].str.lower()
    return d.sort_values(["kind", "area_name", "period"]).reset_index(drop=True)


def u75_cvd_table(icb_code: str) -> pd.DataFrame:
    """Under-75 preventable CVD mortality (93722), persons, 3-year periods, with 95% CIs, for
    the ICB's counties, UAs and districts and England; significance against England by CI."""
    areas = icb_areas(icb_code)
    d = _pick(mort.u75_cvd_preventable(), areas)
    eng = d[d["kind"] == "england"].set_index("period")["value"]
    d["england"] = d["period"].map(eng)
    d["significance"] = compare_with_england(d["lower_ci"], d["upper_ci"], d["england"])
    d.loc[d["kind"] == "england", "significance"] = "not compared"
    return d.sort_values(["kind", "area_name", "period"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- GP practices

def icb_practice_name(icb_code: str) -> str:
    """The HEEC short ICB name used in the practice files (they carry names, not codes)."""
    icb = geography.find_icb(icb_code)
    names = set(mort.practice_imd_icb()["icb_name"].dropna())

    def norm(s: str) -> str:
        return " ".join(s.lower().replace("&", "and").split())

    hit = [n for n in names if norm(n) == norm(icb.short_name)]
    if len(hit) != 1:
        raise mort.LoaderError(f"ICB {icb.ods_code} ({icb.short_name}) is not named in the practice files.")
    return hit[0]


@lru_cache(maxsize=1)
def _practice_base() -> pd.DataFrame:
    le = mort.practice_life_expectancy()
    year = int(le.groupby("year").size().loc[lambda s: s > 1000].index.max())
    le = le[le["year"] == year]
    imd = mort.practice_imd()
    imd = imd[imd["imd_year"] == 2019][["practice_code", "practice_name", "imd_score"]]
    df = le.merge(imd, on="practice_code", how="inner").merge(mort.practice_list_sizes(), on="practice_code",
                                                               how="left")
    # Most deprived first, as everywhere else in the book (HEEC: 1 = least deprived).
    df["practice_quintile"] = 6 - df["imd_quintile_heec"]
    df.attrs["year"] = year
    return df


def practice_table(icb_code: str) -> tuple[pd.DataFrame, dict]:
    """Practices (latest practice-LE period) with LE, IMD 2019 score, list size and whether
    they belong to the ICB. Also returns counts of practices dropped and why."""
    base = _practice_base()
    name = icb_practice_name(icb_code)
    df = base.copy()
    df["in_icb"] = df["icb_name"] == name
    info = {
        "year": base.attrs.get("year", int(df["year"].max())),
        "icb_practices": int(df["in_icb"].sum()),
        "icb_no_list_size": int((df["in_icb"] & df["list_size"].isna()).sum()),
        "england_practices": int(len(df)),
        "england_no_list_size": int(df["list_size"].isna().sum()),
    }
    return df, info


def _wmean(v: pd.Series, w: pd.Series) -> float:
    ok = v.notna() & w.notna()
    return float(np.average(v[ok], weights=w[ok])) if ok.any() else float("nan")


def practice_quintile_summary(icb_code: str) -> pd.DataFrame:
    """List-size-weighted mean practice LE by national practice deprivation quintile
    (1 = most deprived), for the ICB's practices and all English practices."""
    df, _ = practice_table(icb_code)
    df = df[df["list_size"].notna() & df["practice_quintile"].notna()]
    rows = []
    for scope, sub in (("ICB", df[df["in_icb"]]), ("England", df)):
        for q in range(1, 6):
            s = sub[sub["practice_quintile"] == q]
            rows.append({"scope": scope, "quintile": q, "practices": len(s),
                         "registered_patients": float(s["list_size"].sum()),
                         "le_male": _wmean(s["le_male"], s["list_size"]),
                         "le_female": _wmean(s["le_female"], s["list_size"])})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- headlines

def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for any ICB (no notebook). All are available for every ICB.

    - le_male_min_la / le_male_max_la, le_female_min_la / le_female_max_la: range of life
      expectancy across the ICB's districts/UAs, latest Fingertips period.
    - sii_male_max_la, sii_female_max_la: largest published SII (92901) among the ICB's
      districts/UAs, latest period; sii_male_england, sii_female_england.
    - u75_preventable_max_la: highest under-75 preventable mortality (persons, latest year).
    - practice_le_male, practice_le_female: list-size-weighted mean practice LE of the ICB.
    ``imd_version`` is accepted for the common interface; these figures do not depend on it.
    """
    areas = icb_areas(icb_code)
    lower = areas[areas["kind"] != "county"]
    out: dict[str, float] = {}
    le = _pick(mort.life_expectancy(), lower)
    latest = le["period"].max()
    for sex in ("Male", "Female"):
        v = le[(le["period"] == latest) & (le["sex"] == sex) & (le["kind"] != "england")]["value"]
        out[f"le_{sex.lower()}_min_la"] = float(v.min())
        out[f"le_{sex.lower()}_max_la"] = float(v.max())
    sii = _pick(mort.sii_district_ua(), lower)
    lp = sii["period"].max()
    for sex in ("Male", "Female"):
        s = sii[(sii["period"] == lp) & (sii["sex"] == sex)]
        out[f"sii_{sex.lower()}_max_la"] = float(s[s["kind"] != "england"]["value"].max())
        out[f"sii_{sex.lower()}_england"] = float(s[s["kind"] == "england"]["value"].iloc[0])
    u = u75_preventable_table(icb_code)
    ly = u["period"].max()
    out["u75_preventable_max_la"] = float(u[(u["period"] == ly) & (u["kind"] != "england")]["value"].max())
    df, _ = practice_table(icb_code)
    icb = df[df["in_icb"]]
    out["practice_le_male"] = _wmean(icb["le_male"], icb["list_size"])
    out["practice_le_female"] = _wmean(icb["le_female"], icb["list_size"])
    return out


#: Plausible ranges for each headline (used by tests and the all-ICB check).
HEADLINE_RANGES = {
    "le_male_min_la": (70, 90), "le_male_max_la": (70, 90),
    "le_female_min_la": (75, 95), "le_female_max_la": (75, 95),
    "sii_male_max_la": (0, 20), "sii_female_max_la": (0, 20),
    "sii_male_england": (5, 15), "sii_female_england": (4, 12),
    "u75_preventable_max_la": (50, 500),
    "practice_le_male": (70, 90), "practice_le_female": (75, 95),
}


# ----------------------------------------------------------------------------- figures

def _fig_imports():
    import matplotlib.pyplot as plt

    from .. import figures as F
    return plt, F


_LINE_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "<", ">", "h", "*", "p"]
_LINE_STYLES = ["-", "--", "-.", ":"]


def _area_style(i: int, F) -> dict:
    palette = [F.NHS_BLUE, F.NHS_AQUA_GREEN, F.NHS_ORANGE, "#8A1538", F.NHS_WARM_YELLOW,
               F.NHS_LIGHT_BLUE, "#330072", "#78BE20"]
    return {"color": palette[i % len(palette)], "marker": _LINE_MARKERS[i % len(_LINE_MARKERS)],
            "linestyle": _LINE_STYLES[(i // len(palette)) % len(_LINE_STYLES)]}


def fig_le_trend(le: pd.DataFrame):
    """Life expectancy over time, one panel per sex, each LA a line, England dashed black."""
    plt, F = _fig_imports()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.8), sharey=False)
    periods = sorted(le["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    areas = [a for a in le.loc[le["kind"] != "england", "area_name"].drop_duplicates()]
    for ax, sex in zip(axes, ["Male", "Female"]):
        d = le[le["sex"] == sex]
        for i, a in enumerate(areas):
            s = d[d["area_name"] == a].sort_values("period")
            ax.plot(s["period"].map(x), s["value"], lw=1.4, ms=4, label=a, **_area_style(i, F))
        e = d[d["kind"] == "england"].sort_values("period")
        ax.plot(e["period"].map(x), e["value"], color=F.NHS_BLACK, lw=2.4, ls="--", marker="o", ms=5,
                label="England")
        prov = d.loc[d["provisional"], "period"].unique()
        for p in prov:
            ax.axvspan(x[p] - 0.4, x[p] + 0.4, color=F.NHS_PALE_GREY, zorder=0)
            # above the plot area (right of the title), never over the latest points
            ax.annotate("shaded: latest, may be provisional", (x[p] + 0.4, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3), textcoords="offset points", ha="right", va="bottom", fontsize=7.5,
                        color=F.NHS_DARK_GREY)
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8.5)
        ax.set_title(sex)
        ax.set_ylabel("Life expectancy at birth (years)")
    h, lab = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(h, lab, loc="upper center", ncol=min(4, len(lab)), fontsize=8, bbox_to_anchor=(0.5, 0.0))
    return fig


def fig_hle(hle_latest: pd.DataFrame, le_latest: pd.DataFrame):
    """Latest HLE (dot with 95% CI) and LE (diamond, where published) per area and England."""
    plt, F = _fig_imports()
    names = list(hle_latest.drop_duplicates("area_name").sort_values(
        ["kind"], key=lambda s: s.map({"england": 0, "county": 1, "unitary": 2, "district": 3}))["area_name"])
    fig, axes = plt.subplots(1, 2, figsize=(9, 1.4 + 0.5 * max(len(names), 3)), sharey=True)
    y = {n: i for i, n in enumerate(reversed(names))}
    for ax, sex in zip(axes, ["Male", "Female"]):
        h = hle_latest[hle_latest["sex"] == sex]
        ax.errorbar(h["value"], h["area_name"].map(y),
                    xerr=[h["value"] - h["lower_ci"], h["upper_ci"] - h["value"]],
                    fmt="o", color=F.NHS_BLUE, ecolor=F.NHS_BLUE, capsize=3, label="Healthy life expectancy (95% CI)")
        l = le_latest[le_latest["sex"] == sex]
        l = l[l["area_name"].isin(y)]
        ax.plot(l["value"], l["area_name"].map(y), "D", color=F.NHS_ORANGE, ms=7, label="Life expectancy")
        for r in l.itertuples():
            hv = h.loc[h["area_name"] == r.area_name, "value"]
            if len(hv):
                ax.plot([hv.iloc[0], r.value], [y[r.area_name]] * 2, color=F.NHS_MID_GREY, lw=1, zorder=0)
                ax.annotate(f"{r.value - hv.iloc[0]:.1f} yrs", ((hv.iloc[0] + r.value) / 2, y[r.area_name] + 0.18),
                            ha="center", fontsize=7.5, color=F.NHS_DARK_GREY)
        ax.set_yticks(list(y.values()), list(y.keys()))
        ax.set_title(sex)
        ax.set_xlabel("Years")
    h, lab = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(h, lab, loc="upper center", ncol=2, fontsize=8.5, bbox_to_anchor=(0.5, 0.0))
    return fig


def fig_sii_trend(sii: pd.DataFrame):
    """Published SII over time for counties/UAs and England; hollow markers = earlier extraction."""
    plt, F = _fig_imports()
    d = sii[sii["kind"].isin(["county", "unitary", "england"])]
    periods = sorted(d["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6), sharey=True)
    areas = [a for a in d.loc[d["kind"] != "england", "area_name"].drop_duplicates()]
    for ax, sex in zip(axes, ["Male", "Female"]):
        s = d[d["sex"] == sex]
        for i, a in enumerate(areas + ["England"]):
            st = _area_style(i, F) if a != "England" else {"color": F.NHS_BLACK, "marker": "o", "linestyle": "--"}
            t = s[s["area_name"] == a].sort_values("period")
            ax.plot(t["period"].map(x), t["value"], color=st["color"], ls=st["linestyle"], lw=1.6, label=a)
            for src, filled in (("district_ua_2026", True), ("district_ua_2024", False), ("county_ua_2020", False)):
                u = t[t["source"] == src]
                ax.plot(u["period"].map(x), u["value"], ls="none", marker=st["marker"], ms=5, color=st["color"],
                        markerfacecolor=st["color"] if filled else "white")
        if PLAN_PERIOD in x:
            ax.axvline(x[PLAN_PERIOD], color=F.NHS_MID_GREY, lw=0.8, ls=":")
            ax.annotate(PLAN_PERIOD, (x[PLAN_PERIOD], 0.02), xycoords=("data", "axes fraction"), fontsize=7.5,
                        color=F.NHS_DARK_GREY, ha="left")
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8.5)
        ax.set_title(sex)
        ax.set_ylabel("Slope index of inequality (years)")
        ax.set_ylim(bottom=0)
    h, lab = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(h, lab, loc="upper center", ncol=min(4, len(lab)), fontsize=8.5, bbox_to_anchor=(0.5, 0.0))
    return fig


def fig_sii_latest(latest: pd.DataFrame, england: dict[str, float]):
    """Latest published SII per district/UA (dot plot), with England as a vertical line."""
    plt, F = _fig_imports()
    names = list(latest.drop_duplicates("area_name").sort_values("area_name")["area_name"])
    y = {n: i for i, n in enumerate(reversed(names))}
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.42 * max(len(names), 3)))
    for sex, mk, col, off in (("Male", "o", F.NHS_DARK_BLUE, 0.12), ("Female", "^", F.NHS_AQUA_GREEN, -0.12)):
        s = latest[latest["sex"] == sex]
        ax.plot(s["value"], s["area_name"].map(y) + off, ls="none", marker=mk, ms=7, color=col, label=sex)
        ax.axvline(england[sex], color=col, ls="--", lw=1.2, label=f"England, {sex.lower()}")
    ax.set_yticks(list(y.values()), list(y.keys()))
    ax.set_xlabel("Slope index of inequality in life expectancy (years)")
    ax.set_xlim(left=min(0, float(latest["value"].min()) - 0.5))
    fig.tight_layout()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8.5)
    return fig


def fig_deciles(dec: pd.DataFrame, sii: pd.DataFrame, max_panels: int = 9):
    """LE by local deprivation decile (points at the decile's population mid-rank) with the
    fitted SII line (intercept + SII x rank), per area, male circles and female triangles."""
    plt, F = _fig_imports()
    order = sii.drop_duplicates("area_code")[["area_code", "area_name", "kind"]]
    order = order[order["kind"].isin(["england", "county", "unitary"])].head(max_panels)
    n = len(order)
    ncol = min(3, n)
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(9, 3.4 * nrow + 0.4), sharey=True, squeeze=False)
    for ax, r in zip(axes.flat, order.itertuples()):
        for sex, mk, col in (("Male", "o", F.NHS_DARK_BLUE), ("Female", "^", F.NHS_AQUA_GREEN)):
            p = dec[(dec["area_code"] == r.area_code) & (dec["sex"] == sex)]
            s = sii[(sii["area_code"] == r.area_code) & (sii["sex"] == sex)].iloc[0]
            ax.plot(p["rank_mid"], p["value"], ls="none", marker=mk, ms=5, color=col)
            xs = np.array([0.0, 1.0])
            ax.plot(xs, s["intercept"] + s["value"] * xs, color=col, lw=1.5,
                    label=f"{sex}: SII {s['value']:.1f} ({s['lower_ci']:.1f} to {s['upper_ci']:.1f})")
        ax.set_title(r.area_name if len(r.area_name) < 28 else r.area_name[:26] + "…", fontsize=10)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xticks([0, 0.5, 1], ["most\ndeprived", "", "least\ndeprived"], fontsize=8)
        # under the panel, not inside it: the points can fall anywhere in the panel
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), handlelength=1.5)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("Life expectancy (years)")
    fig.tight_layout()
    return fig


def fig_premature(u75: pd.DataFrame, cvd: pd.DataFrame):
    """Latest under-75 preventable and preventable CVD mortality per area, England line, marker
    and colour by comparison with England (words in the legend)."""
    plt, F = _fig_imports()
    names = sorted((set(u75["area_name"]) | set(cvd["area_name"])) - {"England"})
    y = {n: i for i, n in enumerate(reversed(names))}
    fig, axes = plt.subplots(1, 2, figsize=(9, 1.4 + 0.42 * max(len(names), 3)), sharey=True)
    for ax, d, title in ((axes[0], u75, "All preventable causes"), (axes[1], cvd, "Preventable cardiovascular disease")):
        a = d[d["kind"] != "england"]
        eng = float(d.loc[d["kind"] == "england", "value"].iloc[0])
        if "lower_ci" in a and a["lower_ci"].notna().any():
            ax.errorbar(a["value"], a["area_name"].map(y), xerr=[a["value"] - a["lower_ci"], a["upper_ci"] - a["value"]],
                        fmt="none", ecolor=F.NHS_MID_GREY, capsize=2, lw=1)
        for sig, st in F.SIGNIFICANCE.items():
            s = a[a["significance"] == sig]
            if len(s):
                ax.plot(s["value"], s["area_name"].map(y), ls="none", marker=st["marker"], ms=8,
                        color=st["colour"], markeredgecolor=F.NHS_DARK_GREY, label=st["label"])
        ax.axvline(eng, color=F.NHS_BLACK, ls="--", lw=1.2, label="England")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("Deaths under 75 per 100,000\n(age-standardised)")
        ax.set_yticks(list(y.values()), list(y.keys()))
    hs, ls = {}, {}
    for ax in axes:
        for h, l in zip(*ax.get_legend_handles_labels()):
            hs.setdefault(l, h)
    fig.tight_layout()
    fig.legend(list(hs.values()), list(hs.keys()), loc="upper center", ncol=4, fontsize=8.5,
               bbox_to_anchor=(0.5, 0.0))
    return fig


def fig_practices(df: pd.DataFrame, summary: pd.DataFrame, icb_label: str):
    """Practice LE against practice IMD score: England's practices grey, the ICB's practices
    blue (area ~ list size); lines: list-size-weighted mean LE by national practice quintile."""
    plt, F = _fig_imports()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4), sharex=True)
    eng = df[df["list_size"].notna()]
    icb = eng[eng["in_icb"]]
    qmid = eng.groupby("practice_quintile")["imd_score"].median()
    for ax, col, sex in zip(axes, ["le_male", "le_female"], ["Male", "Female"]):
        ax.scatter(eng["imd_score"], eng[col], s=4, color=F.CONTEXT, alpha=0.5, label="Practices in England",
                   rasterized=True)
        ax.scatter(icb["imd_score"], icb[col], s=np.clip(icb["list_size"] / 600, 6, 80), color=F.NHS_BLUE,
                   edgecolor="white", linewidth=0.5, label=f"Practices in {icb_label}")
        for scope, st in (("England", {"color": F.NHS_BLACK, "marker": "s", "ls": "--"}),
                          ("ICB", {"color": F.NHS_ORANGE, "marker": "D", "ls": "-"})):
            s = summary[(summary["scope"] == scope) & summary[col].notna()]
            ax.plot(s["quintile"].map(qmid), s[col], lw=2, ms=6, markeredgecolor="white",
                    label=f"{'England' if scope == 'England' else icb_label}: weighted mean by quintile", **st)
        ax.set_title(sex)
        ax.set_xlabel("Practice IMD 2019 score\n(higher = more deprived)")
        ax.set_ylabel("Practice-population life expectancy (years)")
    h, lab = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(h, lab, loc="upper center", ncol=2, fontsize=8.5, bbox_to_anchor=(0.5, 0.0))
    return fig


def sii_revision_summary() -> dict[str, float]:
    """How much the latest 92901 extraction revised the earlier one, over every (area, period,
    sex) in both: median and maximum absolute difference (years), and the number compared."""
    a = mort.sii_district_ua_earlier()
    b = mort.sii_district_ua()
    j = a.merge(b, on=["area_code", "period", "sex"], suffixes=("_a", "_b")).dropna(subset=["value_a", "value_b"])
    d = (j["value_a"] - j["value_b"]).abs()
    return {"median": float(d.median()), "max": float(d.max()), "n": float(len(d))}
