"""Chapter: waiting lists by deprivation (issue 6).

Everything the ``waiting_lists`` notebook shows is computed here: the RTT waiting list of the ICB
(as commissioner), of its acute trusts and of England over time, as Making Data Count SPC charts;
the WLMDS waiting list by patient IMD decile, ethnic group, age band and sex with Wilson
confidence intervals; the gap between the most and least deprived deciles with the slope and
relative index of inequality; the waiting list per 1,000 residents by national IMD decile; and
the 42 ICBs side by side. Statistics come from :mod:`analysis.stats`; nothing is computed by hand
in the notebook.

Definitions used throughout
* "% within 18 weeks" = pathways waiting up to 18 weeks / all pathways on the list (NHS England's
  definition; WLMDS includes pathways with an unknown clock start in the denominator, as published).
* WLMDS ICB rows are provider-based: the NHS acute trusts located in the ICB, whoever their
  patients are. RTT ICB rows are the ICB *as commissioner* (its patients, wherever treated).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import geography, stats
from ..load import waiting
from ..load._base import cached_table

# --------------------------------------------------------------------------- targets
#: Where each target comes from (quoted in the chapter text as well).
TARGETS = {
    # NHS Constitution: 92% of patients on incomplete pathways waiting under 18 weeks.
    "rtt_18_weeks_standard": 92.0,
    # NHS England, 2025/26 priorities and operational planning guidance (January 2025): nationally
    # 65% of patients waiting under 18 weeks by March 2026.
    "rtt_18_weeks_march_2026": 65.0,
    # NHS England, 2025/26 planning guidance: fewer than 1% of the waiting list waiting over
    # 52 weeks by March 2026.
    "rtt_over_52_share_march_2026": 1.0,
    # NHS England, 2023/24 priorities and operational planning guidance: eliminate waits of over
    # 65 weeks by March 2024.
    "rtt_over_65_weeks_march_2024": 0.0,
}
TARGET_SOURCES = {
    "rtt_18_weeks_standard": "NHS Constitution for England (92% within 18 weeks)",
    "rtt_18_weeks_march_2026": "NHS England 2025/26 priorities and operational planning guidance (65% by March 2026)",
    "rtt_over_52_share_march_2026": "NHS England 2025/26 priorities and operational planning guidance "
                                    "(under 1% waiting over 52 weeks by March 2026)",
    "rtt_over_65_weeks_march_2024": "NHS England 2023/24 priorities and operational planning guidance "
                                    "(no waits over 65 weeks by March 2024)",
}

START = pd.Timestamp("2022-04-01")
RTT_SOURCE = "NHS England, Consultant-led Referral to Treatment Waiting Times, incomplete pathways"


def wlmds_week_label(edition: str | None = None) -> str:
    """"week ending <day> <Month> <year>": the week of the WLMDS edition (the latest by default),
    from the manifest's record of the workbook's Period cell."""
    week = waiting.wlmds_week_ending(edition)
    return f"week ending {week.day} {week:%B %Y}"


def wlmds_source(edition: str | None = None) -> str:
    return ("NHS England, Waiting List Minimum Data Set (WLMDS) Demographics Summary, "
            f"{wlmds_week_label(edition)} (management information)")


def __getattr__(name: str):
    # ``WLMDS_SOURCE`` names the latest WLMDS edition, so it is computed when asked for (the
    # manifest may gain an edition after import), not fixed when the module is imported.
    if name == "WLMDS_SOURCE":
        return wlmds_source()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SPC_MEASURES = {
    "pct_within_18_weeks": ("% within 18 weeks", "increase"),
    "total_waiting": ("Total waiting", "decrease"),
    "over_52_weeks": ("Waiting over 52 weeks", "decrease"),
    "over_65_weeks": ("Waiting over 65 weeks", "decrease"),
}


def _title(name: str) -> str:
    """Publisher names are in capitals; make them readable without changing acronyms."""
    small = {"and", "of", "the", "for", "on", "in", "upon"}
    keep = {"NHS", "ICB", "UCLH"}
    words = []
    for i, w in enumerate(str(name).split()):
        if w in keep:
            words.append(w)
        elif w.lower() in small and i > 0:
            words.append(w.lower())
        else:
            words.append(w[:1].upper() + w[1:].lower())
    return " ".join(words)


# =========================================================================== RTT over time

def icb_acute_trusts(icb_code: str) -> pd.DataFrame:
    """The NHS acute trusts located in the ICB (as WLMDS groups them), largest RTT list first.

    Columns: trust_code, trust_name, latest_month, latest_total_waiting.
    """
    icb = geography.find_icb(icb_code)
    t = waiting.wlmds_trust_icb()
    t = t[t["icb_code"] == icb.ods_code][["trust_code", "trust_name"]].copy()
    rtt = waiting.rtt_provider_series(tuple(t["trust_code"]))
    last = rtt.sort_values("month").groupby("org_code").tail(1).set_index("org_code")
    t["trust_name"] = t["trust_name"].map(_title)
    t["latest_month"] = t["trust_code"].map(last["month"])
    t["latest_total_waiting"] = t["trust_code"].map(last["total_waiting"])
    return t.sort_values("latest_total_waiting", ascending=False).reset_index(drop=True)


def rtt_series(icb_code: str) -> pd.DataFrame:
    """RTT monthly series from April 2022 to the ICB's last month, for the ICB as commissioner, its
    acute trusts and England.

    Columns: role ("ICB (commissioner)", "Acute trust", "England"), org_code, org_name, month,
    the RTT counts, pct_within_18_weeks, pct_over_52_weeks (0-100), after_series_break.
    """
    icb = geography.find_icb(icb_code)
    parts = []
    c = waiting.rtt_commissioner_series(icb.ods_code).assign(role="ICB (commissioner)", org_name=icb.short_name)
    parts.append(c)
    trusts = icb_acute_trusts(icb.ods_code)
    p = waiting.rtt_provider_series(tuple(trusts["trust_code"])).assign(role="Acute trust")
    p["org_name"] = p["org_name"].map(_title)
    parts.append(p)
    parts.append(waiting.rtt_england().assign(role="England", org_name="England"))
    out = pd.concat(parts, ignore_index=True)
    # everything over the ICB's own months: an ICB that closed in March 2026 is compared with
    # England and its trusts up to March 2026
    out = out[(out["month"] >= START) & (out["month"] <= c["month"].max())]
    cols = ["role", "org_code", "org_name", "month", *waiting.RTT_COUNT_COLUMNS, "pct_within_18_weeks",
            "pct_over_52_weeks", "after_series_break"]
    return out[cols].reset_index(drop=True)


def rtt_spc(series: pd.DataFrame, measure: str, *, target: float | None = None) -> stats.SPCResult:
    """Making Data Count XmR chart of one measure of one organisation's monthly series.

    The February 2024 series break changes what is counted, so the mean and limits are
    recalculated from it (a rebase point of :func:`analysis.stats.spc`) when the series has months
    on both sides; ``result.groups`` holds the two periods' means, limits and readings, and the
    series' variation and assurance are those of the period from February 2024.
    """
    if series["org_code"].nunique() != 1:
        raise ValueError("rtt_spc takes the series of one organisation")
    _, improvement = SPC_MEASURES[measure]
    s = series.sort_values("month")
    after = s["after_series_break"].to_numpy(dtype=bool)
    rebase = s.loc[after, "month"].iloc[0] if after.any() and not after.all() else None
    return stats.spc(s[measure].astype(float).to_numpy(), s["month"], improvement_direction=improvement,
                     target=target, rebase=rebase)


def rtt_latest(series: pd.DataFrame) -> pd.DataFrame:
    """Latest month for each organisation in :func:`rtt_series`, with the change on a year earlier."""
    rows = []
    for (role, code), g in series.groupby(["role", "org_code"], sort=False):
        g = g.sort_values("month")
        last = g.iloc[-1]
        year_before = g[g["month"] == last["month"] - pd.DateOffset(years=1)]
        rows.append({
            "role": role, "org_code": code, "org_name": last["org_name"],
            "month": last["month"].strftime("%b %Y"),
            "total_waiting": int(last["total_waiting"]),
            "pct_within_18_weeks": float(last["pct_within_18_weeks"]),
            "pct_within_18_weeks_year_before": (float(year_before["pct_within_18_weeks"].iloc[0])
                                                if len(year_before) else np.nan),
            "over_52_weeks": int(last["over_52_weeks"]),
            "pct_over_52_weeks": float(last["pct_over_52_weeks"]),
            "over_65_weeks": int(last["over_65_weeks"]),
            "over_78_weeks": int(last["over_78_weeks"]),
            "over_104_weeks": int(last["over_104_weeks"]),
        })
    return pd.DataFrame(rows)


def icb_code_statement(icb_code: str) -> str:
    """Plain-English statement of how the ICB's code behaves in the RTT data (April 2026 mergers)."""
    icb = geography.find_icb(icb_code)
    merged = waiting.merged_icbs_2026()
    status = waiting.rtt_icb_status(icb.ods_code)
    listing = "; ".join(f"{code} replaces {', '.join(old)}" for code, old in merged.items())
    if status["closed"]:
        succ = ", ".join(status["successor_codes"])
        return (f"{icb.ods_code} closed on 1 April 2026 and its population passed to {succ}. Its series ends in "
                f"{status['last_month']:%B %Y}; the merged ICB covers a different population, so the book does not "
                f"join its figures on. From April 2026 the RTT data carry {len(merged)} merged ICBs ({listing}).")
    return (f"{icb.ods_code} is unchanged by the April 2026 ICB mergers, so its series runs to "
            f"{status['last_month']:%B %Y}. From April 2026 the RTT data carry {len(merged)} merged ICBs "
            f"({listing}); they are not used here.")


# =========================================================================== WLMDS

def _with_proportions(df: pd.DataFrame) -> pd.DataFrame:
    """Add % within 18 weeks and % over 52 weeks (0-100) with 95% Wilson CIs where the counts are
    published; rows with a suppressed (or zero) count get missing values and a status saying why."""
    out = df.copy()
    for num, prefix in (("within_18_weeks", "pct_within_18_weeks"), ("over_52_weeks", "pct_over_52_weeks")):
        ok = out[num].notna() & out["total_waiting"].notna() & (out["total_waiting"] > 0) \
            & (out[num] <= out["total_waiting"])
        out[prefix] = np.nan
        out[f"{prefix}_lower_ci"] = np.nan
        out[f"{prefix}_upper_ci"] = np.nan
        if ok.any():
            res = stats.proportion(out.loc[ok, [num, "total_waiting"]].astype(float), num, "total_waiting")
            out.loc[ok, prefix] = res["value"].to_numpy()
            out.loc[ok, f"{prefix}_lower_ci"] = res["lower_ci"].to_numpy()
            out.loc[ok, f"{prefix}_upper_ci"] = res["upper_ci"].to_numpy()
        status = np.where(ok, "published",
                          np.where(out[f"{num}_suppressed"] | out["total_waiting_suppressed"], "suppressed",
                                   "not available"))
        out[f"{prefix}_status"] = status
    return out


def wlmds_view(icb_code: str, dimension: str, edition: str | None = None) -> pd.DataFrame:
    """WLMDS for England (all providers), the ICB's NHS region, the ICB (provider basis) and each of
    its acute trusts, for one dimension, with % within 18 weeks and % over 52 weeks and CIs.

    Columns: level ("England", "Region", "ICB (providers)", "Acute trust"), org_code, org_name,
    category, imd_decile, counts, suppression flags, the two percentages with lower_ci/upper_ci
    and ``*_status`` ("published" | "suppressed" | "not available"). ``edition``: a WLMDS edition
    (default the latest); trusts are grouped into ICBs as in the latest edition.
    """
    icb = geography.find_icb(icb_code)
    w = waiting.wlmds(dimension, edition=edition)
    trusts = waiting.wlmds_trust_icb()
    trust_codes = list(trusts.loc[trusts["icb_code"] == icb.ods_code, "trust_code"])
    pieces = [
        w[(w["org_code"] == "ENG") & (w["org_type"] == "ALL")].assign(level="England"),
        w[(w["org_code"] == icb.region_ods_code) & (w["org_type"] == "REGION")].assign(level="Region"),
        w[(w["org_code"] == icb.ods_code) & (w["org_type"] == "INTEGRATED CARE BOARD")].assign(level="ICB (providers)"),
        w[w["org_code"].isin(trust_codes) & (w["org_type"] == "ACUTE TRUST")].assign(level="Acute trust"),
    ]
    for lvl, p in zip(("England", "Region", "ICB"), pieces[:3]):
        if p.empty:
            raise ValueError(f"WLMDS has no {lvl} rows for {icb.ods_code} ({dimension})")
    out = pd.concat(pieces, ignore_index=True)
    out["org_name"] = out["org_name"].map(_title)
    out.loc[out["level"] == "England", "org_name"] = "England"
    return _with_proportions(out)


def _decile_gaps(v: pd.DataFrame) -> pd.DataFrame:
    """Decile 1 and 10 values, gaps and ratios of each organisation (see :func:`deprivation_gaps`)."""
    rows = []
    for (level, code), g in v.groupby(["level", "org_code"], sort=False):
        g = g.set_index("imd_decile")
        r = {"level": level, "org_code": code, "org_name": g["org_name"].iloc[0]}
        for m, key in (("pct_within_18_weeks", "pct18"), ("pct_over_52_weeks", "pct52")):
            d1 = g.at[1, m] if 1 in g.index else np.nan
            d10 = g.at[10, m] if 10 in g.index else np.nan
            r[f"{key}_d1"], r[f"{key}_d10"] = d1, d10
            r[f"{key}_gap_pp"] = (d10 - d1) if key == "pct18" else (d1 - d10)
            r[f"{key}_ratio"] = d1 / d10 if d10 and not np.isnan(d10) and d10 > 0 else np.nan
        rows.append(r)
    return pd.DataFrame(rows)


def deprivation_gaps(view: pd.DataFrame, reps: int = 100_000) -> pd.DataFrame:
    """Gap between IMD decile 1 (most deprived) and decile 10 (least) for each organisation in an
    IMD-decile :func:`wlmds_view`, and the slope / relative index of inequality across all ten.

    Columns: level, org_code, org_name, pct18_d1, pct18_d10, pct18_gap_pp (decile 10 minus 1:
    positive = the most deprived are less often seen within 18 weeks), pct18_ratio (d1 / d10),
    pct52_d1, pct52_d10, pct52_gap_pp (decile 1 minus 10: positive = the most deprived more often wait over a
    year), pct52_ratio, and for % within 18 weeks the SII in percentage points (least minus most
    deprived end of the fitted line; weights = the number waiting in each decile) with 95% CIs
    (``sii``, ``sii_lower_ci``, ``sii_upper_ci``), the RII (fitted least / most deprived) with CIs,
    and ``sii_status`` ("computed" or why not).
    """
    v = view[view["imd_decile"].notna()].copy()
    v["imd_decile"] = v["imd_decile"].astype(int)
    gaps = _decile_gaps(v)

    # SII / RII of % within 18 weeks, every decile published and strictly between 0 and 100
    complete = v.groupby("org_code").filter(
        lambda g: len(g) == 10 and g["pct_within_18_weeks"].notna().all()
        and g["pct_within_18_weeks"].between(0, 100, inclusive="neither").all())
    gaps["sii_status"] = np.where(gaps["org_code"].isin(complete["org_code"]), "computed",
                                  "not computed: a decile's count is suppressed or zero")
    for c in ("sii", "sii_lower_ci", "sii_upper_ci", "rii", "rii_lower_ci", "rii_upper_ci"):
        gaps[c] = np.nan
    if not complete.empty:
        work = complete[["org_code", "imd_decile", "total_waiting"]].copy()
        work["p"] = complete["pct_within_18_weeks"] / 100
        work["lo"] = complete["pct_within_18_weeks_lower_ci"] / 100
        work["hi"] = complete["pct_within_18_weeks_upper_ci"] / 100
        # one call per organisation with the same seed, so an organisation's confidence interval is
        # the same whichever other organisations are in the table
        res = pd.concat([
            stats.sii(g.drop(columns="org_code"), "p", "total_waiting", "imd_decile", lower_cl="lo", upper_cl="hi",
                      value_type=2, rii=True, multiplier=100, reps=reps, seed=1).assign(org_code=code)
            for code, g in work.groupby("org_code", sort=False)], ignore_index=True)
        res = res.set_index("org_code")
        for c_out, c_in in (("sii", "value"), ("sii_lower_ci", "lower_ci"), ("sii_upper_ci", "upper_ci"),
                            ("rii", "rii"), ("rii_lower_ci", "rii_lower_ci"), ("rii_upper_ci", "rii_upper_ci")):
            gaps[c_out] = gaps["org_code"].map(res[c_in]).astype(float)
    return gaps


@cached_table("waiting_lists_icb_comparison", inputs=[
    (waiting.WLMDS_DATASET, "*"), ("lookup_lsoa21_icb", "ICB24_NHSER24_derived.csv")])
def icb_comparison(reps: int = 100_000) -> pd.DataFrame:
    """All 42 ICBs (WLMDS, provider basis): % within 18 weeks in decile 1 and 10, the gap, and
    the SII with 95% CIs, ranked by the SII (largest gap against the most deprived first).
    Cached as a table (the simulation for 42 ICBs takes a few seconds); call with keywords only.
    """
    w = waiting.wlmds("imd_decile")
    icbs = w[w["org_type"] == "INTEGRATED CARE BOARD"].assign(level="ICB (providers)")
    view = _with_proportions(icbs)
    gaps = deprivation_gaps(view, reps=reps)
    names = {i.ods_code: i.short_name for i in geography.all_icbs()}
    gaps["org_name"] = gaps["org_code"].map(names)
    gaps["total_waiting"] = gaps["org_code"].map(view.groupby("org_code")["total_waiting"].sum())
    gaps = gaps.sort_values("sii", ascending=False).reset_index(drop=True)
    gaps["rank"] = np.arange(1, len(gaps) + 1)
    return gaps


def waiting_per_1000_by_decile(imd_version: int = 2019) -> pd.DataFrame:
    """England: people on the WLMDS waiting list (pathways) per 1,000 residents by national IMD 2019
    decile, with Byar 95% CIs (``stats.crude_rate``).

    WLMDS assigns IMD 2019 deciles; the population by decile therefore always comes from IMD 2019
    LSOAs (``analysis.deprivation.lsoa_deprivation(2019)``) whatever ``imd_version`` the book uses.
    Columns: imd_decile, total_waiting, population, value, lower_ci, upper_ci, ratio_to_least.
    """
    from .. import deprivation

    del imd_version  # WLMDS deciles are IMD 2019; see docstring
    lsoa = deprivation.lsoa_deprivation(waiting.WLMDS_IMD_VERSION)
    lsoa = lsoa[lsoa["lsoa_code"].str.startswith("E")] if "lsoa_code" in lsoa else lsoa
    pop = lsoa.groupby("imd_decile")["population"].sum().rename("population").reset_index()
    pop["imd_decile"] = pop["imd_decile"].astype(int)
    w = waiting.wlmds("imd_decile")
    eng = w[(w["org_code"] == "ENG") & (w["org_type"] == "ALL")][["imd_decile", "total_waiting"]].copy()
    eng["imd_decile"] = eng["imd_decile"].astype(int)
    df = eng.merge(pop, on="imd_decile", how="inner", validate="one_to_one")
    if len(df) != 10:
        raise ValueError("population or waiting list missing for some IMD deciles")
    res = stats.crude_rate(df, "total_waiting", "population", multiplier=1000)
    res = res.sort_values("imd_decile").reset_index(drop=True)
    res["ratio_to_least"] = res["value"] / res.loc[res["imd_decile"] == 10, "value"].iloc[0]
    return res[["imd_decile", "total_waiting", "population", "value", "lower_ci", "upper_ci", "ratio_to_least"]]


def population_year_label() -> str:
    """Which population estimate the per-1,000 rates use (from analysis.deprivation)."""
    from .. import deprivation

    return deprivation.population_label(waiting.WLMDS_IMD_VERSION)


# =========================================================================== change over editions

def deprivation_gap_by_edition(icb_code: str) -> pd.DataFrame:
    """The deprivation gap in % within 18 weeks (decile 10 minus decile 1) for England and the
    ICB's acute trusts (provider basis) in every WLMDS edition of the build, oldest week first.

    Columns: edition, week_ending, level, org_code, pct18_d1, pct18_d10, pct18_gap_pp.
    """
    rows = []
    for e in waiting.wlmds_editions():
        view = wlmds_view(icb_code, "imd_decile", edition=e)
        view = view[view["level"].isin(["England", "ICB (providers)"]) & view["imd_decile"].notna()].copy()
        view["imd_decile"] = view["imd_decile"].astype(int)
        g = _decile_gaps(view)[["level", "org_code", "pct18_d1", "pct18_d10", "pct18_gap_pp"]]
        g.insert(0, "week_ending", waiting.wlmds_week_ending(e))
        g.insert(0, "edition", e)
        rows.append(g)
    return pd.concat(rows, ignore_index=True)


def deprivation_gap_change_text(icb_code: str) -> str:
    """One sentence on how the ICB's deprivation gap has moved between WLMDS editions, or that
    there is only one edition so far."""
    from ..report import num

    icb = geography.find_icb(icb_code)
    t = deprivation_gap_by_edition(icb.ods_code)
    t = t[t["org_code"] == icb.ods_code].sort_values("week_ending")
    if len(t) < 2:
        return (f"This book has one WLMDS edition so far ({wlmds_week_label()}), so how the gap changes from "
                "one week's snapshot to the next cannot be shown yet.")
    first, last = t.iloc[0], t.iloc[-1]
    return (f"Across the {len(t)} WLMDS editions in this book, the gap at the ICB's acute trusts moved from "
            f"{num(first['pct18_gap_pp'], dp=1)} percentage points ({wlmds_week_label(first['edition'])}) to "
            f"{num(last['pct18_gap_pp'], dp=1)} points ({wlmds_week_label(last['edition'])}).")


# =========================================================================== headline figures

def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, without the notebook.

    * ``rtt_total_waiting``, ``rtt_pct_within_18_weeks``, ``rtt_over_52_weeks``,
      ``rtt_over_65_weeks``: the ICB as commissioner in its latest RTT month (April 2026, or
      March 2026 for the ICBs that closed on 1 April 2026);
    * ``wlmds_pct18_decile1``, ``wlmds_pct18_decile10``, ``wlmds_pct18_gap_pp`` (decile 10 minus
      decile 1): the ICB's acute trusts (WLMDS provider basis), the latest WLMDS week;
    * ``wlmds_pct18_sii_pp``: slope index of inequality in % within 18 weeks across deciles.
    WLMDS deciles are IMD 2019 whatever ``imd_version`` is.
    """
    icb = geography.find_icb(icb_code)
    s = waiting.rtt_commissioner_series(icb.ods_code).sort_values("month")
    last = s.iloc[-1]
    # the WLMDS figures come from the all-ICB comparison table, so they are identical to the
    # chapter's (same simulation for the SII confidence limits)
    comp = icb_comparison().set_index("org_code")
    if icb.ods_code not in comp.index:
        raise ValueError(f"WLMDS has no ICB row for {icb.ods_code}")
    gaps = comp.loc[icb.ods_code]
    return {
        "rtt_total_waiting": float(last["total_waiting"]),
        "rtt_pct_within_18_weeks": float(last["pct_within_18_weeks"]),
        "rtt_over_52_weeks": float(last["over_52_weeks"]),
        "rtt_over_65_weeks": float(last["over_65_weeks"]),
        "wlmds_pct18_decile1": float(gaps["pct18_d1"]),
        "wlmds_pct18_decile10": float(gaps["pct18_d10"]),
        "wlmds_pct18_gap_pp": float(gaps["pct18_gap_pp"]),
        "wlmds_pct18_sii_pp": float(gaps["sii"]),
    }


#: Plausible ranges for :func:`headline_figures` (used by the notebook and the tests).
HEADLINE_RANGES = {
    "rtt_total_waiting": (1_000, 1_500_000),
    "rtt_pct_within_18_weeks": (30, 100),
    "rtt_over_52_weeks": (0, 100_000),
    "rtt_over_65_weeks": (0, 50_000),
    "wlmds_pct18_decile1": (20, 100),
    "wlmds_pct18_decile10": (20, 100),
    "wlmds_pct18_gap_pp": (-40, 40),
    "wlmds_pct18_sii_pp": (-40, 40),
}


# =========================================================================== figures
# Drawing only: every value plotted comes from the tables above.

def _spc_axis(ax, result: stats.SPCResult, *, ylabel: str, targets: dict[str, float] | None = None,
              percent: bool = False, title: str = "") -> None:
    import matplotlib.dates as mdates

    from .. import figures

    figures.plot_spc(result, ax=ax, ylabel=ylabel, targets=targets or {}, percent=percent, legend=False,
                     rebase_label="Series break")
    if title:
        ax.set_title(title, fontsize=10.5)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[4]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("Apr\n%Y"))
    ax.tick_params(axis="x", labelsize=8)


def plot_spc_panels(panels: list[dict], ncols: int = 2, height: float = 3.2):
    """Small multiples of SPC charts. Each panel: dict(result=, ylabel=, title=, targets=, percent=), with
    ``result`` from :func:`rtt_spc`."""
    import matplotlib.pyplot as plt

    n = len(panels)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(9, min(6, height * nrows + 0.6)), squeeze=False)
    for ax, p in zip(axes.ravel(), panels):
        _spc_axis(ax, p["result"], ylabel=p.get("ylabel", ""), targets=p.get("targets"),
                  percent=p.get("percent", False), title=p.get("title", ""))
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    handles, labels = {}, {}
    for ax in axes.ravel()[:n]:
        for h, l in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(l, h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=3, fontsize=8,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_decile_gradient(view: pd.DataFrame, org_codes: list[str] | None = None):
    """% within 18 weeks and % over 52 weeks by IMD decile with 95% CIs, one marker per organisation."""
    import matplotlib.pyplot as plt

    from .. import figures

    v = view[view["imd_decile"].notna()].copy()
    orgs = v.drop_duplicates("org_code")[["level", "org_code", "org_name"]]
    if org_codes:
        orgs = orgs[orgs["org_code"].isin(org_codes)]
    styles = {"England": (figures.NHS_MID_GREY, "s"), "Region": (figures.NHS_AQUA_GREEN, "D"),
              "ICB (providers)": (figures.HIGHLIGHT, "o")}
    trust_markers = ["^", "v", "P", "X", "<", ">", "h", "*"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4))
    n = len(orgs)
    offsets = np.linspace(-0.3, 0.3, n) if n > 1 else [0]
    for k, (off, org) in enumerate(zip(offsets, orgs.itertuples())):
        g = v[v["org_code"] == org.org_code].sort_values("imd_decile")
        if org.level in styles:
            colour, marker = styles[org.level]
        else:
            colour, marker = figures.NHS_ORANGE, trust_markers[k % len(trust_markers)]
        label = org.org_name if org.level != "Region" else f"{org.org_name} region"
        for ax, m in zip(axes, ("pct_within_18_weeks", "pct_over_52_weeks")):
            ok = g[m].notna()
            x = g.loc[ok, "imd_decile"].astype(float) + off
            ax.errorbar(x, g.loc[ok, m], yerr=[g.loc[ok, m] - g.loc[ok, f"{m}_lower_ci"],
                                               g.loc[ok, f"{m}_upper_ci"] - g.loc[ok, m]],
                        fmt=marker, color=colour, ms=5, lw=0.9, capsize=0, label=label,
                        mec=figures.NHS_DARK_GREY, mew=0.4)
    axes[0].set_title("% waiting under 18 weeks")
    axes[1].set_title("% waiting over 52 weeks")
    for ax in axes:
        ax.set_xticks(range(1, 11))
        ax.set_xlabel("IMD 2019 decile (1 = most deprived)")
        figures.percent_axis(ax)  # distinct tick labels: never "62%" twice after rounding
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(3, len(labels)), fontsize=8, bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def plot_icb_comparison(comp: pd.DataFrame, highlight: str):
    """Ranked dot plot of the SII in % within 18 weeks for the 42 ICBs, with 95% CIs."""
    import matplotlib.pyplot as plt

    from .. import figures

    c = comp[comp["sii"].notna()].sort_values("sii").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.5, max(6.0, 0.17 * len(c) + 1.2)))
    y = np.arange(len(c))
    other = c["org_code"] != highlight
    ax.errorbar(c.loc[other, "sii"], y[other], xerr=[c.loc[other, "sii"] - c.loc[other, "sii_lower_ci"],
                                                      c.loc[other, "sii_upper_ci"] - c.loc[other, "sii"]],
                fmt="o", color=figures.CONTEXT, ecolor=figures.CONTEXT, ms=4, lw=1, label="Other ICBs")
    h = ~other
    ax.errorbar(c.loc[h, "sii"], y[h], xerr=[c.loc[h, "sii"] - c.loc[h, "sii_lower_ci"],
                                              c.loc[h, "sii_upper_ci"] - c.loc[h, "sii"]],
                fmt="D", color=figures.HIGHLIGHT, ms=7, lw=1.8, label="This ICB")
    ax.axvline(0, color=figures.NHS_DARK_GREY, lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(c["org_name"], fontsize=7.5)
    ax.set_ylim(-0.8, len(c) - 0.2)
    for t, code in zip(ax.get_yticklabels(), c["org_code"]):
        if code == highlight:
            t.set_fontweight("bold")
            t.set_color(figures.HIGHLIGHT)
    ax.set_xlabel("Slope index of inequality, percentage points\n(positive = less deprived patients more often "
                  "seen within 18 weeks)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_per_1000(rates: pd.DataFrame):
    """Waiting list per 1,000 residents by national IMD decile, England, with 95% CIs."""
    import matplotlib.pyplot as plt

    from .. import figures

    fig, ax = plt.subplots(figsize=(7.5, 4))
    r = rates.sort_values("imd_decile")
    ax.bar(r["imd_decile"], r["value"], color=[figures.DECILE_COLOURS[d - 1] for d in r["imd_decile"]],
           edgecolor=figures.NHS_DARK_GREY, linewidth=0.5)
    ax.errorbar(r["imd_decile"], r["value"], yerr=[r["value"] - r["lower_ci"], r["upper_ci"] - r["value"]],
                fmt="none", ecolor=figures.NHS_BLACK, lw=1, capsize=3)
    for d, v in zip(r["imd_decile"], r["value"]):
        ax.annotate(f"{v:.0f}", xy=(d, v), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(range(1, 11))
    ax.set_xlabel("National IMD 2019 decile of the patient's neighbourhood (1 = most deprived)")
    ax.set_ylabel("Pathways on the list per 1,000 residents")
    fig.tight_layout()
    return fig


def plot_groups(views: dict[str, pd.DataFrame], icb_label: str):
    """% within 18 weeks by ethnic group, age band and sex: the ICB (providers) against England,
    with 95% CIs; a category whose count is suppressed is labelled 'suppressed', never drawn at 0."""
    import matplotlib.pyplot as plt

    from .. import figures

    headings = {"ethnicity": "Ethnic group", "age": "Age band", "sex": "Sex"}
    rows = []  # (dimension, category); category None = the block's heading row
    for dim, v in views.items():
        cats = list(v["category"].drop_duplicates())
        # recording gaps ("Z: Not stated", "99: Not known") after the groups
        cats = [c for c in cats if not c.startswith(("Z:", "99:"))] + [c for c in cats if c.startswith(("Z:", "99:"))]
        rows.append((dim, None))
        for cat in cats:
            rows.append((dim, cat))
    fig, ax = plt.subplots(figsize=(8.5, max(6.0, 0.24 * len(rows) + 1.0)))
    y = np.arange(len(rows))[::-1]
    for (dim, cat), yy in zip(rows, y):
        if cat is None:
            if yy != y[0]:
                ax.axhline(yy + 0.5, color=figures.NHS_MID_GREY, lw=0.6)
            continue
        v = views[dim]
        for level, colour, marker, off in (("England", figures.NHS_MID_GREY, "s", 0.18),
                                           ("ICB (providers)", figures.HIGHLIGHT, "o", -0.18)):
            r = v[(v["level"] == level) & (v["category"] == cat)]
            if r.empty:
                continue
            r = r.iloc[0]
            if pd.isna(r["pct_within_18_weeks"]):
                ax.annotate(r["pct_within_18_weeks_status"], xy=(0.01, yy + off), xycoords=("axes fraction", "data"),
                            fontsize=7.5, va="center", color=colour, style="italic")
                continue
            ax.errorbar(r["pct_within_18_weeks"], yy + off,
                        xerr=[[r["pct_within_18_weeks"] - r["pct_within_18_weeks_lower_ci"]],
                              [r["pct_within_18_weeks_upper_ci"] - r["pct_within_18_weeks"]]],
                        fmt=marker, color=colour, ms=4, lw=1,
                        label=icb_label if level != "England" else "England")
    ax.set_yticks(y)
    ax.set_yticklabels([headings.get(d, d) if c is None else c for d, c in rows], fontsize=8)
    for t, (_, c) in zip(ax.get_yticklabels(), rows):
        if c is None:
            t.set_fontweight("bold")
            t.set_color(figures.NHS_BLACK)
    ax.set_ylim(y[-1] - 0.7, y[0] + 0.5)
    figures.percent_axis(ax, "x")
    ax.set_xlabel("% of the waiting list waiting under 18 weeks (95% confidence interval)")
    ax.grid(axis="y", visible=False)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2, fontsize=8)
    fig.tight_layout()
    return fig
