"""Chapter 3, waiting lists by deprivation: how long the ICB's patients wait for planned hospital
care, and whether patients from more deprived neighbourhoods wait longer.

:func:`build` makes everything the notebook shows (figures, tables, boxes, and the words and
numbers its Markdown glues in) and returns the :class:`analysis.report.Chapter`; :func:`claims`
gives every data-dependent word (for the claims audit); :func:`headline_figures` the key numbers
(for ``python -m analysis check``), declared in ``registry/headlines/waiting_lists.yml``.

Two NHS England sources:

* RTT (referral to treatment, monthly): the ICB *as commissioner* (its patients, wherever they
  are treated), its acute trusts and England, as Making Data Count SPC charts rebased at the RTT
  definition change (:func:`analysis.load.waiting.rtt_series_break`: the manifest records that
  date, once), judged against the NHS Constitution standard and the planning objective in force
  for the period the data describe (:mod:`analysis.objectives`);
* WLMDS (Waiting List Minimum Data Set, one week per edition): the waiting list by patient IMD
  2019 decile, ethnic group, age band and sex, with Wilson intervals; the gap between the most
  and least deprived deciles (:func:`analysis.claims.gap`, Newcombe interval) beside the slope
  and relative index of inequality across all ten; the 42 ICBs side by side; the list per 1,000
  residents by national decile (England).

Definitions used throughout
* "% within 18 weeks" = pathways waiting up to 18 weeks / all pathways on the list (NHS England's
  definition; WLMDS includes pathways with an unknown clock start in the denominator, as published).
* WLMDS ICB rows are provider-based: the NHS acute trusts located in the ICB, whoever their
  patients are. RTT ICB rows are the ICB *as commissioner* (its patients, wherever treated).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import claims as C
from .. import geography, stats
from .. import objectives as ob
from ..load import waiting
from ..load._base import cached_table
from ..report import Chapter, esc, fmt, ordinal, org_name, plural

CHAPTER = "waiting_lists"
RTT_SOURCE = "NHS England, Consultant-led Referral to Treatment Waiting Times, incomplete pathways"

#: SPC measures of the RTT series: label and which way is better.
SPC_MEASURES = {
    "pct_within_18_weeks": ("% within 18 weeks", "increase"),
    "total_waiting": ("Total waiting", "decrease"),
    "over_52_weeks": ("Waiting over 52 weeks", "decrease"),
    "over_65_weeks": ("Waiting over 65 weeks", "decrease"),
}

#: Measures of the objectives registry this chapter judges: the RTT column that measures each,
#: how its value is formatted, what it is (for "sets <what> at <target>") and how a value reads.
OBJECTIVE_MEASURES = {
    "rtt_18w": (
        "pct_within_18_weeks",
        "pct",
        "the share waiting under 18 weeks in England",
        "of the ICB's patients waiting under 18 weeks",
    ),
    "rtt_52w_share": (
        "pct_over_52_weeks",
        "pct",
        "the share of England's list waiting over 52 weeks",
        "of the ICB's waiting list waiting over 52 weeks",
    ),
    "rtt_65w": ("over_65_weeks", "count", "waits over 65 weeks", "pathways waiting over 65 weeks"),
}

#: Acute trusts charted one by one (largest lists first); the rest are in the tables.
TRUSTS_CHARTED = 4
#: Distinct colours and markers for the trusts on one chart (NHS identity colours, none of them
#: the ICB's dark blue, England's grey or the region's aqua green), so no two trusts look alike.
TRUST_STYLES = [("#ED8B00", "^"), ("#330072", "v"), ("#AE2573", "P"), ("#41B6E6", "X")]

#: NHS ethnic category letters (NHS Data Model and Dictionary, 2001 Census groups) -> broad group,
#: so that "A: British" reads "White: British" on a chart.
ETHNIC_GROUPS = {
    **dict.fromkeys("ABC", "White"),
    **dict.fromkeys("DEFG", "Mixed"),
    **dict.fromkeys("HJKL", "Asian"),
    **dict.fromkeys("MNP", "Black"),
    **dict.fromkeys("RS", "Other"),
}


def _icb(icb: geography.ICB | str) -> geography.ICB:
    return icb if isinstance(icb, geography.ICB) else geography.find_icb(icb)


def _month(t: object) -> str:
    return f"{pd.Timestamp(t):%B %Y}"


def _month_end(t: object) -> pd.Timestamp:
    return pd.Timestamp(t) + pd.offsets.MonthEnd(0)


def series_break_label() -> str:
    """The month of the RTT definition change (month and year), as the manifest records it."""
    return _month(waiting.rtt_series_break())


def wlmds_week_label(edition: str | None = None) -> str:
    """ "week ending <day> <Month> <year>": the week of the WLMDS edition (the latest by default),
    from the manifest's record of the workbook's Period cell."""
    week = waiting.wlmds_week_ending(edition)
    return f"week ending {week.day} {week:%B %Y}"


def wlmds_source(edition: str | None = None) -> str:
    return (
        "NHS England, Waiting List Minimum Data Set (WLMDS) Demographics Summary, "
        f"{wlmds_week_label(edition)} (management information)"
    )


def __getattr__(name: str):
    # ``WLMDS_SOURCE`` names the latest WLMDS edition, so it is computed when asked for (the
    # manifest may gain an edition after import), not fixed when the module is imported.
    if name == "WLMDS_SOURCE":
        return wlmds_source()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ethnic_label(category: str) -> str:
    """A WLMDS ethnic category for a chart: "A: British" -> "White: British", "99: Not known" ->
    "Not known"."""
    code, _, name = str(category).partition(": ")
    if not name:
        return str(category)
    group = ETHNIC_GROUPS.get(code)
    return f"{group}: {name}" if group else name


def _short_icb_name(name: str) -> str:
    """ "NHS SURREY AND SUSSEX INTEGRATED CARE BOARD" -> "Surrey and Sussex"."""
    text = org_name(name)
    text = text[4:] if text.startswith("NHS ") else text
    return text.removesuffix(" Integrated Care Board").removesuffix(" ICB")


# =========================================================================== RTT over time


def icb_acute_trusts(icb_code: str) -> pd.DataFrame:
    """The NHS acute trusts located in the ICB (as WLMDS groups them), largest RTT list first.

    Columns: trust_code, trust_name, latest_month, latest_total_waiting.
    """
    icb = _icb(icb_code)
    t = waiting.wlmds_trust_icb()
    t = t[t["icb_code"] == icb.ods_code][["trust_code", "trust_name"]].copy()
    rtt = waiting.rtt_provider_series(tuple(t["trust_code"]))
    last = rtt.sort_values("month").groupby("org_code").tail(1).set_index("org_code")
    t["trust_name"] = t["trust_name"].map(org_name)
    t["latest_month"] = t["trust_code"].map(last["month"])
    t["latest_total_waiting"] = t["trust_code"].map(last["total_waiting"])
    return t.sort_values("latest_total_waiting", ascending=False).reset_index(drop=True)


def rtt_series(icb_code: str) -> pd.DataFrame:
    """RTT monthly series, from the first month of the data to the ICB's last month, for the ICB
    as commissioner, its acute trusts and England.

    Columns: role ("ICB (commissioner)", "Acute trust", "England"), org_code, org_name, month,
    the RTT counts, pct_within_18_weeks, pct_over_52_weeks (0-100), after_series_break.
    """
    icb = _icb(icb_code)
    c = waiting.rtt_commissioner_series(icb.ods_code).assign(role="ICB (commissioner)", org_name=icb.short_name)
    trusts = icb_acute_trusts(icb.ods_code)
    p = waiting.rtt_provider_series(tuple(trusts["trust_code"])).assign(role="Acute trust")
    p["org_name"] = p["org_name"].map(org_name)
    out = pd.concat([c, p, waiting.rtt_england().assign(role="England", org_name="England")], ignore_index=True)
    # everything over the ICB's own months: an ICB that closed at the April 2026 mergers is
    # compared with England and its trusts up to its last month
    out = out[out["month"] <= c["month"].max()]
    cols = [
        "role",
        "org_code",
        "org_name",
        "month",
        *waiting.RTT_COUNT_COLUMNS,
        "pct_within_18_weeks",
        "pct_over_52_weeks",
        "after_series_break",
    ]
    return out[cols].reset_index(drop=True)


def rtt_spc(series: pd.DataFrame, measure: str, *, target: float | None = None) -> stats.SPCResult:
    """Making Data Count XmR chart of one measure of one organisation's monthly series.

    The RTT definition change (:func:`analysis.load.waiting.rtt_series_break`) changes what is
    counted, so the mean and limits are recalculated from it (a rebase point of
    :func:`analysis.stats.spc`) when the series has months on both sides; ``result.groups`` holds
    the two periods' means, limits and readings, and the series' variation and assurance are
    those of the period since the change.
    """
    if series["org_code"].nunique() != 1:
        raise ValueError("rtt_spc takes the series of one organisation")
    _, improvement = SPC_MEASURES[measure]
    s = series.sort_values("month")
    after = s["after_series_break"].to_numpy(dtype=bool)
    rebase = s.loc[after, "month"].iloc[0] if after.any() and not after.all() else None
    return stats.spc(
        s[measure].astype(float).to_numpy(), s["month"], improvement_direction=improvement, target=target, rebase=rebase
    )


def rtt_latest(series: pd.DataFrame) -> pd.DataFrame:
    """Latest month for each organisation in :func:`rtt_series`, with the value a year earlier."""
    rows = []
    for (role, code), g in series.groupby(["role", "org_code"], sort=False):
        g = g.sort_values("month")
        last = g.iloc[-1]
        year_before = g[g["month"] == last["month"] - pd.DateOffset(years=1)]
        rows.append(
            {
                "role": role,
                "org_code": code,
                "org_name": last["org_name"],
                "month": last["month"].strftime("%b %Y"),
                "total_waiting": int(last["total_waiting"]),
                "pct_within_18_weeks": float(last["pct_within_18_weeks"]),
                "pct_within_18_weeks_year_before": (
                    float(year_before["pct_within_18_weeks"].iloc[0]) if len(year_before) else np.nan
                ),
                "over_52_weeks": int(last["over_52_weeks"]),
                "pct_over_52_weeks": float(last["pct_over_52_weeks"]),
                "over_65_weeks": int(last["over_65_weeks"]),
                "over_78_weeks": int(last["over_78_weeks"]),
                "over_104_weeks": int(last["over_104_weeks"]),
            }
        )
    return pd.DataFrame(rows)


def icb_code_statement(icb_code: str) -> str:
    """Plain-English statement of how the ICB's code behaves in the RTT data (the ICB mergers of
    April 2026, read from the data)."""
    icb = _icb(icb_code)
    merged = waiting.merged_icbs_2026()
    status = waiting.rtt_icb_status(icb.ods_code)
    rtt = waiting.rtt_incomplete()
    icb_rows = rtt[rtt["level"] == "icb"]
    names = icb_rows.drop_duplicates("org_code").set_index("org_code")["org_name"].map(_short_icb_name)
    first_merged = icb_rows.loc[icb_rows["org_code"].isin(list(merged)), "month"].min()
    n_old = len({c for old in merged.values() for c in old})
    new = "; ".join(f"{names[code]} ({code})" for code in merged)
    merged_text = (
        f"From {_month(first_merged)} the RTT data carry {plural(len(merged), 'merged ICB')} ({new}), "
        f"formed from all or part of {n_old} earlier ICBs."
    )
    if status["closed"]:
        succ = " and ".join(f"NHS {names[c]} ICB ({c})" for c in status["successor_codes"])
        closed = pd.Timestamp(status["closed_date"]) if status["closed_date"] else first_merged
        return (
            f"{esc(merged_text)} {esc(icb.short_name)} ICB ({icb.ods_code}) closed on {closed.day} {_month(closed)} "
            f"and its population passed to {esc(succ)}. Its series ends in {_month(status['last_month'])}: the "
            "merged ICB covers a different population, so the book does not join its figures on."
        )
    return (
        f"{esc(merged_text)} {esc(icb.short_name)} ICB ({icb.ods_code}) is unchanged by these mergers, so its "
        f"series runs to {_month(status['last_month'])}; the merged ICBs are not used here."
    )


# =========================================================================== WLMDS


def _with_proportions(df: pd.DataFrame) -> pd.DataFrame:
    """Add % within 18 weeks and % over 52 weeks (0-100) with 95% Wilson CIs where the counts are
    published; rows with a suppressed (or zero) count get missing values and a status saying why."""
    out = df.copy()
    for count_col, prefix in (("within_18_weeks", "pct_within_18_weeks"), ("over_52_weeks", "pct_over_52_weeks")):
        ok = (
            out[count_col].notna()
            & out["total_waiting"].notna()
            & (out["total_waiting"] > 0)
            & (out[count_col] <= out["total_waiting"])
        )
        out[prefix] = np.nan
        out[f"{prefix}_lower_ci"] = np.nan
        out[f"{prefix}_upper_ci"] = np.nan
        if ok.any():
            res = stats.proportion(out.loc[ok, [count_col, "total_waiting"]].astype(float), count_col, "total_waiting")
            out.loc[ok, prefix] = res["value"].to_numpy()
            out.loc[ok, f"{prefix}_lower_ci"] = res["lower_ci"].to_numpy()
            out.loc[ok, f"{prefix}_upper_ci"] = res["upper_ci"].to_numpy()
        status = np.where(
            ok,
            "published",
            np.where(out[f"{count_col}_suppressed"] | out["total_waiting_suppressed"], "suppressed", "not available"),
        )
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
    icb = _icb(icb_code)
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
    out["org_name"] = out["org_name"].map(org_name)
    out.loc[out["level"] == "England", "org_name"] = "England"
    return _with_proportions(out)


def _decile_gaps(v: pd.DataFrame) -> pd.DataFrame:
    """Decile 1 and 10 values, gaps (with their MOVER interval: Newcombe's for two Wilson
    intervals) and ratios of each organisation (see :func:`deprivation_gaps`)."""
    rows = []
    for (level, code), g in v.groupby(["level", "org_code"], sort=False):
        g = g.set_index("imd_decile")
        r = {"level": level, "org_code": code, "org_name": g["org_name"].iloc[0]}
        for m, key in (("pct_within_18_weeks", "pct18"), ("pct_over_52_weeks", "pct52")):
            ends = {
                d: [g.at[d, c] if d in g.index else np.nan for c in (m, f"{m}_lower_ci", f"{m}_upper_ci")]
                for d in (1, 10)
            }
            d1, d10 = ends[1][0], ends[10][0]
            r[f"{key}_d1"], r[f"{key}_d10"] = d1, d10
            # the book's gap sign (analysis.claims.GAP_SIGN_RULE): positive = worse for the most
            # deprived, i.e. decile 10 minus 1 for % within 18 weeks, 1 minus 10 for % over 52 weeks
            a, b = (ends[10], ends[1]) if key == "pct18" else (ends[1], ends[10])
            # a suppressed (missing) end leaves the gap missing, never computed from a stand-in
            gap, lo, hi = stats.difference_ci(*a, *b) if not np.isnan([*a, *b]).any() else (np.nan,) * 3
            r[f"{key}_gap_pp"] = float(gap)
            r[f"{key}_gap_lower_ci"], r[f"{key}_gap_upper_ci"] = float(lo), float(hi)
            r[f"{key}_ratio"] = d1 / d10 if d10 and not np.isnan(d10) and d10 > 0 else np.nan
        rows.append(r)
    return pd.DataFrame(rows)


def deprivation_gaps(view: pd.DataFrame, reps: int = 100_000) -> pd.DataFrame:
    """Gap between IMD decile 1 (most deprived) and decile 10 (least) for each organisation in an
    IMD-decile :func:`wlmds_view`, and the slope / relative index of inequality across all ten.

    Columns: level, org_code, org_name, pct18_d1, pct18_d10, pct18_gap_pp (decile 10 minus 1:
    positive = the most deprived are less often seen within 18 weeks) with pct18_gap_lower_ci /
    pct18_gap_upper_ci (95%, Newcombe), pct18_ratio (d1 / d10), pct52_d1, pct52_d10, pct52_gap_pp
    (decile 1 minus 10: positive = the most deprived more often wait over a year) with its
    interval, pct52_ratio, and for % within 18 weeks the SII in percentage points (least minus
    most deprived end of the fitted line; weights = the number waiting in each decile) with 95%
    CIs (``sii``, ``sii_lower_ci``, ``sii_upper_ci``), the RII (fitted least / most deprived) with
    CIs, and ``sii_status`` ("computed" or why not).
    """
    v = view[view["imd_decile"].notna()].copy()
    v["imd_decile"] = v["imd_decile"].astype(int)
    gaps = _decile_gaps(v)

    # SII / RII of % within 18 weeks, every decile published and strictly between 0 and 100
    complete = v.groupby("org_code").filter(
        lambda g: (
            len(g) == 10
            and g["pct_within_18_weeks"].notna().all()
            and g["pct_within_18_weeks"].between(0, 100, inclusive="neither").all()
        )
    )
    gaps["sii_status"] = np.where(
        gaps["org_code"].isin(complete["org_code"]), "computed", "not computed: a decile's count is suppressed or zero"
    )
    for c in ("sii", "sii_lower_ci", "sii_upper_ci", "rii", "rii_lower_ci", "rii_upper_ci"):
        gaps[c] = np.nan
    if not complete.empty:
        work = complete[["org_code", "imd_decile", "total_waiting"]].copy()
        work["p"] = complete["pct_within_18_weeks"] / 100
        work["lo"] = complete["pct_within_18_weeks_lower_ci"] / 100
        work["hi"] = complete["pct_within_18_weeks_upper_ci"] / 100
        # one call per organisation with the same seed, so an organisation's confidence interval is
        # the same whichever other organisations are in the table
        res = pd.concat(
            [
                stats.sii(
                    g.drop(columns="org_code"),
                    "p",
                    "total_waiting",
                    "imd_decile",
                    lower_cl="lo",
                    upper_cl="hi",
                    value_type=2,
                    rii=True,
                    multiplier=100,
                    reps=reps,
                    seed=1,
                ).assign(org_code=code)
                for code, g in work.groupby("org_code", sort=False)
            ],
            ignore_index=True,
        )
        res = res.set_index("org_code")
        for c_out, c_in in (
            ("sii", "value"),
            ("sii_lower_ci", "lower_ci"),
            ("sii_upper_ci", "upper_ci"),
            ("rii", "rii"),
            ("rii_lower_ci", "rii_lower_ci"),
            ("rii_upper_ci", "rii_upper_ci"),
        ):
            gaps[c_out] = gaps["org_code"].map(res[c_in]).astype(float)
    return gaps


@cached_table(
    "waiting_lists_icb_comparison",
    inputs=[(waiting.WLMDS_DATASET, "*"), ("lookup_lsoa21_icb", "ICB24_NHSER24_derived.csv")],
)
def icb_comparison(reps: int = 100_000) -> pd.DataFrame:
    """All 42 ICBs (WLMDS, provider basis): % within 18 weeks in decile 1 and 10, the gap with its
    interval, and the SII with 95% CIs, ranked by the SII (largest gap against the most deprived
    first). Cached as a table (the simulation for 42 ICBs takes a few seconds); call with
    keywords only.
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
    """The deprivation gap in % within 18 weeks (decile 10 minus decile 1, with its 95% interval)
    for England and the ICB's acute trusts (provider basis) in every WLMDS edition of the build,
    oldest week first.

    Columns: edition, week_ending, level, org_code, pct18_d1, pct18_d10, pct18_gap_pp,
    pct18_gap_lower_ci, pct18_gap_upper_ci.
    """
    rows = []
    for e in waiting.wlmds_editions():
        view = wlmds_view(icb_code, "imd_decile", edition=e)
        view = view[view["level"].isin(["England", "ICB (providers)"]) & view["imd_decile"].notna()].copy()
        view["imd_decile"] = view["imd_decile"].astype(int)
        g = _decile_gaps(view)[
            ["level", "org_code", "pct18_d1", "pct18_d10", "pct18_gap_pp", "pct18_gap_lower_ci", "pct18_gap_upper_ci"]
        ]
        g.insert(0, "week_ending", waiting.wlmds_week_ending(e))
        g.insert(0, "edition", e)
        rows.append(g)
    return pd.concat(rows, ignore_index=True)


def deprivation_gap_change(icb_code: str) -> C.Claim | None:
    """Whether the gap at the ICB's acute trusts has changed between the first and the latest
    WLMDS edition (:func:`analysis.claims.change_between` on the two gaps' intervals; a lower gap
    is better), or None while there is one edition."""
    icb = _icb(icb_code)
    t = deprivation_gap_by_edition(icb.ods_code)
    t = t[t["org_code"] == icb.ods_code].sort_values("week_ending")
    if len(t) < 2:
        return None
    est = [(r["pct18_gap_pp"], r["pct18_gap_lower_ci"], r["pct18_gap_upper_ci"]) for _, r in t.iloc[[0, -1]].iterrows()]
    return C.change_between(est[0], est[1], polarity="lower_is_better")


def deprivation_gap_change_text(icb_code: str, change: C.Claim | None = None) -> str:
    """One sentence on how the ICB's deprivation gap has moved between WLMDS editions, or that
    there is only one edition so far. ``change``: :func:`deprivation_gap_change`, if already
    computed."""
    icb = _icb(icb_code)
    t = deprivation_gap_by_edition(icb.ods_code)
    t = t[t["org_code"] == icb.ods_code].sort_values("week_ending")
    if len(t) < 2:
        return (
            f"This book has one WLMDS edition so far ({wlmds_week_label()}), so how the gap changes from "
            "one week's snapshot to the next cannot be shown yet."
        )
    change = change or deprivation_gap_change(icb.ods_code)
    first, last = t.iloc[0], t.iloc[-1]
    return (
        f"Across the {len(t)} WLMDS editions in this book, the gap at the ICB's acute trusts moved from "
        f"{fmt(first['pct18_gap_pp'], 'pp')} ({wlmds_week_label(first['edition'])}) to "
        f"{fmt(last['pct18_gap_pp'], 'pp')} ({wlmds_week_label(last['edition'])}): {change.words}."
    )


# =========================================================================== headline figures


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, without the notebook: exactly the keys of
    ``registry/headlines/waiting_lists.yml``.

    * ``rtt_total_waiting``, ``rtt_pct_within_18_weeks``, ``rtt_over_52_weeks``,
      ``rtt_over_65_weeks``: the ICB as commissioner in its latest RTT month (earlier for the
      ICBs that closed at the April 2026 mergers);
    * ``wlmds_pct18_decile1``, ``wlmds_pct18_decile10``, ``wlmds_pct18_gap_pp`` (decile 10 minus
      decile 1): the ICB's acute trusts (WLMDS provider basis), the latest WLMDS week;
    * ``wlmds_pct18_sii_pp``: slope index of inequality in % within 18 weeks across deciles.
    WLMDS deciles are IMD 2019 whatever ``imd_version`` is.
    """
    icb = _icb(icb_code)
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


# =========================================================================== targets


@dataclass(frozen=True)
class ObjectiveCheck:
    """A national objective for one RTT measure, set against the ICB's series.

    ``in_force``: the answer of :func:`analysis.objectives.objective_in_force` for the latest
    month. ``objective``: the objective judged: the one in force for the latest month if it has
    a number, else the most recent earlier one whose deadline the data reach (None if there is
    none). ``month``/``value``: the month judged (the latest, or the earlier objective's deadline
    month) and the ICB's value then; ``claim``: :func:`analysis.claims.target_status`.
    """

    measure: str
    latest_month: pd.Timestamp
    in_force: ob.InForce
    objective: ob.Objective | None
    month: pd.Timestamp | None
    value: float | None
    claim: C.Claim | None

    @property
    def sentence(self) -> str:
        """The objective and whether the ICB met it, in Markdown; says plainly when no objective
        in the registry covers the latest month."""
        _, kind, what, reads = OBJECTIVE_MEASURES[self.measure]
        latest = _month(self.latest_month)
        current = self.in_force.objective
        if current is not None and current == self.objective:
            head = f"The national objective in force for {latest}, from the {esc(current.source.title)}, sets"
        elif current is not None:
            head = (
                f"The national objective in force for {latest}, from the {esc(current.source.title)}, has no "
                f"numeric target ({esc(current.no_target_reason)})."
            )
            if self.objective is None:
                return head
            head += f" The most recent with one, from the {esc(self.objective.source.title)}, set"
        else:
            head = (
                f"No national objective in this book's register covers {latest} (planning year "
                f"{self.in_force.planning_year})."
            )
            if self.objective is None:
                return head
            head += f" The most recent, from the {esc(self.objective.source.title)}, set"
        value = (
            _pct_beside(self.value, self.objective.target)
            if kind == "pct"
            else fmt(self.value, kind, what=f"{CHAPTER}.{self.measure}")
        )
        return (
            f"{head} {what} at {esc(self.objective.target_text)}; with {value} {reads} in {_month(self.month)}, "
            f"for the ICB it was **{self.claim.words}**."
        )


def _pct_beside(value: float, target: float | None, dp: int = 1) -> str:
    """A percentage printed beside a target, with more decimal places where it would otherwise
    print as the target itself (is "1.0%" under 1%?)."""
    while target is not None and dp < 3 and round(value, dp) == target:
        dp += 1
    return fmt(value, "pct", dp=dp)


def objective_check(icb_series: pd.DataFrame, measure: str) -> ObjectiveCheck:
    """Judge the ICB's RTT series (commissioner rows of :func:`rtt_series`) against the national
    objective for ``measure`` (a key of :data:`OBJECTIVE_MEASURES`) in force for its latest
    month, or, when none is, against the most recent earlier objective at its deadline."""
    column = OBJECTIVE_MEASURES[measure][0]
    s = icb_series.sort_values("month").set_index("month")[column]
    latest = s.index.max()
    in_force = ob.objective_in_force(measure, _month_end(latest))
    if in_force.objective is not None and in_force.objective.has_target:
        obj, month = in_force.objective, latest
    else:
        earlier = [
            o
            for o in ob.objectives(measure)
            if o.has_target
            and o.deadline_end is not None
            and o.deadline_end <= _month_end(latest)
            and (s.index <= o.deadline_end).any()
        ]
        if not earlier:
            return ObjectiveCheck(measure, latest, in_force, None, None, None, None)
        obj = max(earlier, key=lambda o: o.deadline_end)
        month = s.index[s.index <= obj.deadline_end].max()
    value = float(s.loc[month])
    claim = C.target_status(value, obj, period_end=_month_end(month))
    return ObjectiveCheck(measure, latest, in_force, obj, month, value, claim)


# =========================================================================== words


def _reference_date(reference_date: object) -> pd.Timestamp:
    """The build's reference date ("YYYY-MM-01"); "" or None (a run by hand) means the first day of
    this month."""
    if reference_date in ("", None):
        return pd.Timestamp(dt.date.today().replace(day=1))
    return pd.Timestamp(reference_date)


_THAN = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}


def _than(claim: C.Claim) -> C.Claim:
    """A compare() claim as it reads before a comparator: "higher than", "similar to"."""
    return replace(claim, words=_THAN[claim.code])


def _assurance(reading: stats.SPCResult, currency: C.Currency, objective: ob.Objective | None) -> C.Claim:
    """:func:`analysis.claims.spc_assurance`, saying why when there is no reading."""
    claim = C.spc_assurance(reading, currency, objective)
    if claim.code == "not_assessed":
        return replace(claim, words=f"no assurance reading: {claim.reason}")
    return claim


def _estimate(row: pd.Series, prefix: str) -> C.Estimate:
    return C.Estimate(row[prefix], row[f"{prefix}_lower_ci"], row[f"{prefix}_upper_ci"])


def _pct18(row: pd.Series) -> C.Estimate:
    return _estimate(row, "pct_within_18_weeks")


@dataclass
class Facts:
    """Everything the chapter's words are computed from, for one ICB (see :func:`facts`)."""

    icb: geography.ICB
    reference_date: pd.Timestamp
    series: pd.DataFrame  # rtt_series
    icb_rtt: pd.DataFrame  # the ICB's commissioner rows
    latest: pd.DataFrame  # rtt_latest
    trusts: pd.DataFrame  # icb_acute_trusts
    standard: ob.Objective
    checks: dict[str, ObjectiveCheck]
    spc: dict[str, stats.SPCResult]  # "pct18", "total", "over52", "over65"
    trust_spc: dict[str, stats.SPCResult]  # charted trusts, by code
    rtt_currency: C.Currency
    wlmds_currency: C.Currency
    view: pd.DataFrame  # wlmds_view by IMD decile
    gaps: pd.DataFrame  # deprivation_gaps of the view
    comp: pd.DataFrame  # icb_comparison
    rates: pd.DataFrame  # waiting_per_1000_by_decile
    icb_gap: C.Gap
    eng_gap: C.Gap
    claims: dict[str, C.Claim]


def facts(icb_code: str, reference_date: object = "") -> Facts:
    """Compute the chapter's tables, SPC readings, objective checks and every data-dependent word
    (:attr:`Facts.claims`) for one ICB. Cheap: the national tables are cached."""
    icb = _icb(icb_code)
    ref = _reference_date(reference_date)
    series = rtt_series(icb.ods_code)
    icb_rtt = series[series["role"] == "ICB (commissioner)"].sort_values("month")
    trusts = icb_acute_trusts(icb.ods_code)
    std = ob.standard("rtt_18w")
    if std is None:
        raise ValueError(
            "objectives registry: no standing standard for measure 'rtt_18w' (the NHS Constitution's "
            "18 weeks); this chapter judges the waiting list against it"
        )
    checks = {m: objective_check(icb_rtt, m) for m in OBJECTIVE_MEASURES}
    c65 = checks["rtt_65w"].objective
    spc = {
        "pct18": rtt_spc(icb_rtt, "pct_within_18_weeks", target=std.target),
        "total": rtt_spc(icb_rtt, "total_waiting"),
        "over52": rtt_spc(icb_rtt, "over_52_weeks"),
        "over65": rtt_spc(icb_rtt, "over_65_weeks", target=c65.target if c65 is not None else None),
    }
    charted = list(trusts["trust_code"].head(TRUSTS_CHARTED))
    trust_spc = {
        code: rtt_spc(series[series["org_code"] == code], "pct_within_18_weeks", target=std.target) for code in charted
    }
    last_month = icb_rtt["month"].max()
    rtt_currency = C.currency(_month_end(last_month), "monthly", ref)
    wlmds_currency = C.currency(waiting.wlmds_week_ending(), "weekly", ref)

    view = wlmds_view(icb.ods_code, "imd_decile")
    gaps = deprivation_gaps(view)
    comp = icb_comparison()
    rates = waiting_per_1000_by_decile()
    dec = view[view["imd_decile"].notna()]
    by_level = {lvl: dec[dec["level"] == lvl].set_index("imd_decile") for lvl in ("England", "ICB (providers)")}
    icb_gap = C.gap(
        _pct18(by_level["ICB (providers)"].loc[1]),
        _pct18(by_level["ICB (providers)"].loc[10]),
        polarity="higher_is_better",
    )
    eng_gap = C.gap(
        _pct18(by_level["England"].loc[1]), _pct18(by_level["England"].loc[10]), polarity="higher_is_better"
    )
    g = gaps.set_index("org_code")
    icb_sii = C.Estimate(*g.loc[icb.ods_code, ["sii", "sii_lower_ci", "sii_upper_ci"]])
    eng_sii = C.Estimate(*g.loc["ENG", ["sii", "sii_lower_ci", "sii_upper_ci"]])
    r = rates.set_index("imd_decile")

    words: dict[str, C.Claim] = {
        "std_18w_status": C.target_status(
            float(icb_rtt["pct_within_18_weeks"].iloc[-1]), std, period_end=_month_end(last_month)
        ),
        "spc18_change": C.change_from_spc(spc["pct18"]),
        "spc18_assurance": _assurance(spc["pct18"], rtt_currency, std),
        "spc_total_change": C.change_from_spc(spc["total"]),
        "spc_total_assurance": _assurance(spc["total"], rtt_currency, None),
        "spc52_change": C.change_from_spc(spc["over52"]),
        "spc52_assurance": _assurance(spc["over52"], rtt_currency, None),
        "spc65_change": C.change_from_spc(spc["over65"]),
        "spc65_assurance": _assurance(spc["over65"], rtt_currency, c65),
        "icb_gap_words": icb_gap.claim,
        "icb_gap_and_sii": C.gap_and_sii(icb_gap, icb_sii, sign="least_minus_most"),
        "eng_gap_words": eng_gap.claim,
        "eng_gap_and_sii": C.gap_and_sii(eng_gap, eng_sii, sign="least_minus_most"),
        "sii_vs_england": _than(C.compare(icb_sii, eng_sii, comparator_name="England")),
        "per1000_vs_least": _than(C.compare(r.loc[1], r.loc[10], comparator_name="the least deprived decile")),
    }
    for m, key in (("rtt_18w", "objective_18w"), ("rtt_52w_share", "objective_52w"), ("rtt_65w", "objective_65w")):
        if checks[m].claim is not None:
            words[key] = replace(checks[m].claim, words=checks[m].sentence)
    change = deprivation_gap_change(icb.ods_code)
    if change is not None:
        words["gap_change"] = replace(change, words=deprivation_gap_change_text(icb.ods_code, change))
    # not glued one by one: the trusts' readings go into a table, the deciles' comparisons into a count
    for code, res in trust_spc.items():
        words[f"trust_{code.lower()}_change"] = C.change_from_spc(res)
        words[f"trust_{code.lower()}_assurance"] = _assurance(res, rtt_currency, std)
    for d in range(2, 10):
        words[f"per1000_d{d}_vs_d10"] = C.compare(r.loc[d], r.loc[10], comparator_name="the least deprived decile")
    return Facts(
        icb,
        ref,
        series,
        icb_rtt,
        rtt_latest(series),
        trusts,
        std,
        checks,
        spc,
        trust_spc,
        rtt_currency,
        wlmds_currency,
        view,
        gaps,
        comp,
        rates,
        icb_gap,
        eng_gap,
        words,
    )


def claims(icb_code: str, imd_version: int = 2019, reference_date: object = "") -> dict[str, C.Claim]:
    """Every data-dependent word of the chapter, computed from the numbers (for the claims audit):
    targets met or missed (the NHS Constitution standard, the objective in force or the most
    recent one), the SPC variation and assurance readings of each chart (the ICB and its charted
    trusts), the gap between the most and least deprived deciles and what it and the SII say
    together (the ICB's trusts and England), the ICB's SII against England's, the list per 1,000
    residents by decile against the least deprived decile, and the change of the gap over WLMDS
    editions (once there are two). ``imd_version`` is accepted for the common signature: WLMDS
    deciles are IMD 2019 whatever the edition."""
    del imd_version
    return facts(icb_code, reference_date).claims


# =========================================================================== the chapter


def _pp(value: float) -> str:
    return fmt(value, "pp")


def _ci(lo: float, hi: float) -> str:
    return f"{fmt(lo)} to {fmt(hi)}"


#: Claims glued into the Markdown one by one (the others fill a table or a count).
GLUED_CLAIMS = (
    "std_18w_status",
    "spc18_change",
    "spc18_assurance",
    "spc_total_change",
    "spc_total_assurance",
    "spc52_change",
    "spc52_assurance",
    "spc65_change",
    "spc65_assurance",
    "icb_gap_words",
    "icb_gap_and_sii",
    "eng_gap_words",
    "eng_gap_and_sii",
    "sii_vs_england",
    "per1000_vs_least",
)


def build(icb_code: str, imd_version: int, data_dir: str, reference_date: str = "") -> Chapter:
    """Compute every figure, table, box, word and number of the chapter for one ICB; save
    ``headline.json``; return the :class:`~analysis.report.Chapter` (the notebook calls
    ``ch.show(name)`` for each output and glues the words)."""
    from .. import figures

    icb = _icb(icb_code)
    figures.style()
    ch = Chapter(CHAPTER, data_dir, icb=icb)
    f = facts(icb.ods_code, reference_date)
    for key in GLUED_CLAIMS:
        ch.claim(key, f.claims[key])
    for m, key in (("rtt_18w", "objective_18w"), ("rtt_52w_share", "objective_52w"), ("rtt_65w", "objective_65w")):
        if key in f.claims:
            ch.claim(key, f.claims[key])
        else:
            ch.say(key, f.checks[m].sentence)
    if "gap_change" in f.claims:
        ch.claim("gap_change", f.claims["gap_change"])
    else:
        ch.say("gap_change", esc(deprivation_gap_change_text(icb.ods_code)))

    ch.text("icb_name", icb.short_name)
    ch.say("rtt_currency", esc(f.rtt_currency.label))
    ch.say("wlmds_currency", esc(f.wlmds_currency.label))
    ch.text("wlmds_week", wlmds_week_label())
    ch.text("series_break", series_break_label())
    _rtt_outputs(ch, f, int(imd_version))
    _trust_outputs(ch, f)
    _decile_outputs(ch, f)
    _per_1000_outputs(ch, f)
    _group_outputs(ch, f)
    _comparison_outputs(ch, f)
    _methods_box(ch)

    period_rtt = _month(f.icb_rtt["month"].max())
    for key, value in headline_figures(icb.ods_code, imd_version).items():
        rtt = key.startswith("rtt_")
        ch.headline(
            key, value, period=period_rtt if rtt else wlmds_week_label(), source=RTT_SOURCE if rtt else wlmds_source()
        )
    ch.save()
    return ch


def _rtt_outputs(ch: Chapter, f: Facts, imd_version: int) -> None:
    icb = f.icb
    L = f.latest.set_index("org_code")
    li, le = L.loc[icb.ods_code], L.loc["ENG"]
    rtt = f.icb_rtt
    last_month = rtt["month"].max()
    ch.text("rtt_month", _month(last_month))
    ch.text("rtt_first_month", _month(rtt["month"].min()))
    ch.number("rtt_total", li["total_waiting"], "count")
    ch.number("rtt_pct18", li["pct_within_18_weeks"], "pct")
    ch.number("rtt_pct18_eng", le["pct_within_18_weeks"], "pct")
    ch.number("rtt_pct18_year_before", li["pct_within_18_weeks_year_before"], "pct")
    ch.number("rtt_over52", li["over_52_weeks"], "count")
    o52 = f.checks["rtt_52w_share"].objective
    ch.say("rtt_pct52", _pct_beside(li["pct_over_52_weeks"], o52.target if o52 is not None else None))
    ch.number("rtt_over65", li["over_65_weeks"], "count")
    ch.number("rtt_over78", li["over_78_weeks"], "count")
    ch.number("rtt_over104", li["over_104_weeks"], "count")
    ch.text("std_18w", f.standard.target_text)
    post = f.spc["pct18"].groups.iloc[-1]
    ch.number("spc18_mean", post["mean"], "pct")
    peak = rtt.loc[rtt["over_65_weeks"].idxmax()]
    ch.number("peak65", peak["over_65_weeks"], "count")
    ch.text("peak65_month", _month(peak["month"]))

    ch.box(
        "which_data",
        (
            f"Two sources are used. **RTT** (monthly, {_month(rtt['month'].min())} to {_month(last_month)}) counts the "
            "ICB's own patients wherever they are treated (the ICB as commissioner). **WLMDS** (one week, the "
            f"{wlmds_week_label()}) splits the list by the patient's neighbourhood deprivation, ethnic group, age and "
            "sex, but its ICB rows are the **NHS acute trusts located in the ICB** (provider basis), whoever their "
            "patients are, not the ICB's residents; below England level it covers NHS acute trusts only. WLMDS is "
            "management information and its counts are rounded to 5; cells NHS England suppressed are shown as "
            "suppressed, never as zero. WLMDS uses **IMD 2019** deciles (1 = most deprived), fixed by the publisher: "
            f"this edition's choice of IMD {imd_version} for the rest of the book does not change them."
        ),
        kind="note",
        title="Which data, and whose waiting list",
    )

    targets = _target_lines([f.standard, *ob.objectives("rtt_18w")], rtt["month"])
    fig = plot_spc_panels(
        [
            dict(
                result=f.spc["pct18"],
                ylabel="% under 18 weeks",
                title="% waiting under 18 weeks",
                percent=True,
                targets=targets,
            ),
            dict(result=f.spc["total"], ylabel="Pathways", title="Total waiting"),
        ]
    )
    first, pct18 = rtt.iloc[0], rtt["pct_within_18_weeks"]
    ch.figure(
        fig,
        "rtt_icb_spc",
        defer=True,
        data=_spc_data({"% within 18 weeks": f.spc["pct18"], "Total waiting": f.spc["total"]}),
        alt=(
            f"Two statistical process control charts for {icb.short_name} ICB as commissioner, "
            f"{_month(first['month'])} to {_month(last_month)}. Left: the share waiting under 18 weeks, "
            f"{fmt(first['pct_within_18_weeks'], 'pct')} in {_month(first['month'])} and "
            f"{fmt(li['pct_within_18_weeks'], 'pct')} in {_month(last_month)}, "
            + (
                f"below the {f.standard.target_text} standard throughout. "
                if pct18.max() < f.standard.target
                else f"at or above the {f.standard.target_text} standard in some months. "
            )
            + f"Right: the total waiting, {fmt(first['total_waiting'], 'count')} then "
            f"{fmt(li['total_waiting'], 'count')}. Mean and limits are recalculated from {series_break_label()}, "
            "when the RTT definition changed."
        ),
        caption=(
            "The ICB's waiting list as commissioner: monthly values, mean (solid) and process limits (dashed), "
            f"calculated afresh from {series_break_label()}, when the RTT definition changed (dotted line; the "
            "values on either side are not joined). Triangles mark special-cause variation (up = improvement, "
            "down = concern), circles common-cause variation. Red lines: the NHS Constitution standard "
            "(dotted) and planning objectives (dash-dotted, over the months of their planning year). "
            f"Latest reading of the share: {f.claims['spc18_change'].reason}; of the total: "
            f"{f.claims['spc_total_change'].reason} ({f.rtt_currency.label})."
        ),
        source=RTT_SOURCE,
    )

    t65 = _target_lines(ob.objectives("rtt_65w"), rtt["month"])
    fig = plot_spc_panels(
        [
            dict(result=f.spc["over52"], ylabel="Pathways", title="Over 52 weeks"),
            dict(
                result=f.spc["over52"],
                ylabel="Pathways",
                title=f"Over 52 weeks, from {series_break_label()}",
                zoom=True,
            ),
            dict(result=f.spc["over65"], ylabel="Pathways", title="Over 65 weeks", targets=t65),
            dict(
                result=f.spc["over65"],
                ylabel="Pathways",
                title=f"Over 65 weeks, from {series_break_label()}",
                targets=t65,
                zoom=True,
            ),
        ],
        height=2.9,
    )
    ch.figure(
        fig,
        "rtt_icb_long_waits_spc",
        defer=True,
        data=_spc_data({"Waiting over 52 weeks": f.spc["over52"], "Waiting over 65 weeks": f.spc["over65"]}),
        alt=(
            f"Four statistical process control charts of long waits for {icb.short_name} ICB's patients. Top: "
            f"pathways waiting over 52 weeks, {fmt(first['over_52_weeks'], 'count')} in {_month(first['month'])} "
            f"and {fmt(li['over_52_weeks'], 'count')} in {_month(last_month)}, the whole series on the left and "
            f"from {series_break_label()} on its own scale on the right. Bottom: over 65 weeks, peaking at "
            f"{fmt(peak['over_65_weeks'], 'count')} in {_month(peak['month'])} and "
            f"{fmt(li['over_65_weeks'], 'count')} in {_month(last_month)}, likewise."
        ),
        caption=(
            "Long waits for the ICB's patients, with mean and process limits recalculated from "
            f"{series_break_label()} (the RTT definition change). The right-hand panels show the months since "
            "the change on their own scale, so that the much higher earlier counts do not flatten them. "
            f"Latest reading over 52 weeks: {f.claims['spc52_change'].reason}; over 65 weeks: "
            f"{f.claims['spc65_change'].reason} ({f.rtt_currency.label})."
        ),
        source=RTT_SOURCE,
    )

    tab = f.latest.rename(columns=RTT_COLUMNS | {"month": "Month"})
    ch.table(
        tab,
        "rtt_latest",
        f"Waiting list in {_month(last_month)}: the ICB as commissioner, its acute trusts "
        "(all their patients) and England",
        source=RTT_SOURCE,
        defer=True,
        show_columns=[
            "Name",
            "Total waiting",
            "% under 18 weeks",
            "% under 18 weeks a year earlier",
            "Over 52 weeks",
            "Over 65 weeks",
        ],
        formats=_formats(tab) | {"% over 52 weeks": "{:.2f}"},
        notes=f"{f.rtt_currency.label[:1].upper()}{f.rtt_currency.label[1:]}.",
    )
    monthly = f.series.assign(
        month=f.series["month"].dt.strftime("%Y-%m"),
        after_series_break=f.series["after_series_break"].map({True: "Yes", False: "No"}),
    )
    mtab = monthly.rename(
        columns=RTT_COLUMNS
        | {"month": "Month", "after_series_break": f"On the definition from {series_break_label()}?"}
    )
    ch.table(
        mtab,
        "rtt_monthly",
        f"Monthly RTT waiting list, {_month(rtt['month'].min())} to {_month(last_month)}",
        source=RTT_SOURCE,
        defer=True,
        max_rows=12,
        newest_first="Month",
        show_columns=["Name", "Month", "Total waiting", "% under 18 weeks", "Over 52 weeks", "Over 65 weeks"],
        formats=_formats(mtab) | {"% over 52 weeks": "{:.2f}"},
        notes="Counts are pathways (one person can wait on more than one).",
    )
    ch.box(
        "series_break_note",
        (
            f"From {series_break_label()} NHS England stopped counting community-service pathways in RTT, so the list "
            "shrank for a reason unrelated to waiting times; the charts break their lines there and compute the mean and "
            "process limits afresh from that month. RTT ICB rows are the ICB as commissioner; pathways commissioned by "
            "NHS England specialised-commissioning hubs belong to no ICB, so ICB figures sum to less than England. "
            + icb_code_statement(icb.ods_code)
        ),
        kind="warning",
        title="Definition change and ICB code changes",
    )


#: Column headers of the RTT tables (the CSVs keep every column).
RTT_COLUMNS = {
    "role": "Organisation type",
    "org_code": "Code",
    "org_name": "Name",
    "total_waiting": "Total waiting",
    "within_18_weeks": "Under 18 weeks",
    "pct_within_18_weeks": "% under 18 weeks",
    "pct_within_18_weeks_year_before": "% under 18 weeks a year earlier",
    "over_52_weeks": "Over 52 weeks",
    "pct_over_52_weeks": "% over 52 weeks",
    "over_65_weeks": "Over 65 weeks",
    "over_78_weeks": "Over 78 weeks",
    "over_104_weeks": "Over 104 weeks",
}


def _formats(table: pd.DataFrame) -> dict[str, str]:
    """Display formats: counts with thousands separators, percentages to one decimal place."""
    out = {}
    for c in table.columns:
        if c.startswith("%") and pd.api.types.is_numeric_dtype(table[c]):
            out[c] = "{:.1f}"
        elif pd.api.types.is_integer_dtype(table[c]) or c in (
            "Total waiting",
            "Under 18 weeks",
            "Over 52 weeks",
            "Over 65 weeks",
            "Over 78 weeks",
            "Over 104 weeks",
        ):
            out[c] = "{:,.0f}"
    return out


def _spc_data(results: dict[str, stats.SPCResult]) -> pd.DataFrame:
    from .. import figures

    return pd.concat([figures.spc_chart_data(r).assign(measure=m) for m, r in results.items()], ignore_index=True)


def _trust_outputs(ch: Chapter, f: Facts) -> None:
    trusts, std = f.trusts, f.standard
    L = f.latest.set_index("org_code")
    charted = list(f.trust_spc)
    n, month = len(trusts), _month(f.icb_rtt["month"].max())
    ch.say("n_trusts", f"{plural(n, 'NHS acute trust')} {'is' if n == 1 else 'are'}")
    ch.say(
        "trusts_sentence",
        " ".join(
            f"{esc(L.loc[c, 'org_name'])} had {fmt(L.loc[c, 'total_waiting'], 'count')} pathways on its list in {month}, "
            f"{fmt(L.loc[c, 'pct_within_18_weeks'], 'pct')} under 18 weeks."
            for c in trusts["trust_code"]
        ),
    )
    ch.say(
        "trusts_charted",
        "It is charted below."
        if n == 1
        else "All are charted below."
        if n == len(charted)
        else f"The {len(charted)} with the largest lists are charted below; the other {n - len(charted)} are in the "
        "tables.",
    )
    panels = [
        dict(
            result=f.trust_spc[c],
            ylabel="% under 18 weeks",
            title=L.loc[c, "org_name"],
            percent=True,
            targets=_target_lines([std], f.icb_rtt["month"]),
        )
        for c in charted
    ]
    fig = plot_spc_panels(panels, ncols=1 if len(panels) == 1 else 2, height=2.9)
    ch.figure(
        fig,
        "rtt_trusts_spc",
        defer=True,
        data=_spc_data({L.loc[c, "org_name"]: f.trust_spc[c] for c in charted}),
        alt=(
            "Statistical process control charts of the share waiting under 18 weeks at the ICB's largest acute "
            "trusts: "
            + "; ".join(
                f"{L.loc[c, 'org_name']} {fmt(L.loc[c, 'pct_within_18_weeks'], 'pct')} in {month}" for c in charted
            )
            + (
                f". All are below the {std.target_text} standard."
                if all(L.loc[c, "pct_within_18_weeks"] < std.target for c in charted)
                else "."
            )
        ),
        caption=(
            f"% waiting under 18 weeks at the acute trusts located in the ICB (largest lists first, up to "
            f"{TRUSTS_CHARTED}), all their patients from any ICB; mean and process limits recalculated from "
            f"{series_break_label()} (the RTT definition change); red dotted line: the NHS Constitution "
            f"standard ({f.rtt_currency.label})."
        ),
        source=RTT_SOURCE,
    )
    rows = []
    for c in charted:
        change, assurance = f.claims[f"trust_{c.lower()}_change"], f.claims[f"trust_{c.lower()}_assurance"]
        rows.append(
            {
                "Trust": L.loc[c, "org_name"],
                "Code": c,
                "Month": month,
                "Total waiting": int(L.loc[c, "total_waiting"]),
                "% under 18 weeks": float(L.loc[c, "pct_within_18_weeks"]),
                "Latest reading": change.words,
                "Why": change.reason,
                f"Assurance against the {std.target_text} standard": assurance.words,
            }
        )
    table = pd.DataFrame(rows)
    ch.table(
        table,
        "rtt_trust_readings",
        f"Statistical process control readings of the share waiting under 18 weeks at the charted trusts, {month}",
        source=RTT_SOURCE,
        defer=True,
        show_columns=[c for c in table.columns if c not in ("Code", "Month", "Why")],
        formats={"Total waiting": "{:,.0f}", "% under 18 weeks": "{:.1f}"},
        notes="Latest reading: the Making Data Count variation of the latest month (improving, deteriorating or "
        "no significant change); the CSV says which rule gave it.",
    )


def _decile_outputs(ch: Chapter, f: Facts) -> None:
    icb = f.icb
    G = f.gaps.set_index("org_code")
    gi, ge = G.loc[icb.ods_code], G.loc["ENG"]
    ch.number("icb_d1", gi["pct18_d1"], "pct")
    ch.number("icb_d10", gi["pct18_d10"], "pct")
    ch.number("icb_ratio", gi["pct18_ratio"], dp=2)
    ch.say("icb_gap_pp", _pp(f.icb_gap.value))
    ch.say("icb_gap_ci", _ci(f.icb_gap.lower, f.icb_gap.upper))
    ch.say("icb_sii", _pp(gi["sii"]))
    ch.say("icb_sii_ci", _ci(gi["sii_lower_ci"], gi["sii_upper_ci"]))
    ch.number("icb_rii", gi["rii"], dp=3)
    ch.number("eng_d1", ge["pct18_d1"], "pct")
    ch.number("eng_d10", ge["pct18_d10"], "pct")
    ch.say("eng_gap_pp", _pp(f.eng_gap.value))
    ch.say("eng_gap_ci", _ci(f.eng_gap.lower, f.eng_gap.upper))
    ch.say("eng_sii", _pp(ge["sii"]))
    ch.say("eng_sii_ci", _ci(ge["sii_lower_ci"], ge["sii_upper_ci"]))
    ch.text("region_name", icb.region_name)

    dec = f.view[f.view["imd_decile"].notna()]
    shown_trusts = list(f.trusts["trust_code"].head(TRUSTS_CHARTED))
    fig, data = plot_decile_gradient(dec, icb.ods_code, shown_trusts)
    ch.figure(
        fig,
        "wlmds_decile_gradient",
        defer=True,
        data=data,
        alt=(
            f"Dot charts by IMD 2019 decile, 1 most deprived to 10 least deprived. Top row: England, the "
            f"{icb.region_name} region and {icb.short_name} ICB's acute trusts; bottom row: the ICB's trusts one by "
            f"one. Share waiting under 18 weeks: England {fmt(ge['pct18_d1'], 'pct')} in decile 1 and "
            f"{fmt(ge['pct18_d10'], 'pct')} in decile 10; the ICB's trusts {fmt(gi['pct18_d1'], 'pct')} and "
            f"{fmt(gi['pct18_d10'], 'pct')}. Right-hand panels: the share waiting over 52 weeks."
        ),
        caption=(
            f"Waiting list by patient IMD 2019 decile, {wlmds_week_label()} ({f.wlmds_currency.label}), with "
            "95% Wilson confidence intervals. ICB and trust rows are the acute trusts located in the ICB "
            "(provider basis); each trust has its own colour and marker. A missing point is a suppressed count."
        ),
        source=wlmds_source(),
    )
    cols = {
        "level": "Level",
        "org_code": "Code",
        "org_name": "Name",
        "pct18_d1": "% <18 wks, decile 1",
        "pct18_d10": "% <18 wks, decile 10",
        "pct18_gap_pp": "Gap (10 minus 1), points",
        "pct18_gap_lower_ci": "Gap lower 95% CI",
        "pct18_gap_upper_ci": "Gap upper 95% CI",
        "pct18_ratio": "Ratio 1 / 10",
        "sii": "SII, points",
        "sii_lower_ci": "SII lower 95% CI",
        "sii_upper_ci": "SII upper 95% CI",
        "rii": "RII",
        "rii_lower_ci": "RII lower 95% CI",
        "rii_upper_ci": "RII upper 95% CI",
        "sii_status": "SII status",
        "pct52_d1": "% >52 wks, decile 1",
        "pct52_d10": "% >52 wks, decile 10",
        "pct52_gap_pp": "Gap >52 wks (1 minus 10), points",
        "pct52_gap_lower_ci": "Gap >52 wks lower 95% CI",
        "pct52_gap_upper_ci": "Gap >52 wks upper 95% CI",
        "pct52_ratio": ">52 wks ratio 1 / 10",
    }
    gtab = f.gaps[list(cols)].rename(columns=cols)
    gtab.insert(
        6,
        "Gap, points (95% CI)",
        [_ci_cell(*r) for r in f.gaps[["pct18_gap_pp", "pct18_gap_lower_ci", "pct18_gap_upper_ci"]].to_numpy()],
    )
    gtab.insert(
        11, "SII, points (95% CI)", [_ci_cell(*r) for r in f.gaps[["sii", "sii_lower_ci", "sii_upper_ci"]].to_numpy()]
    )
    ch.table(
        gtab,
        "wlmds_deprivation_gaps",
        "Deprivation gap in waiting times: most (decile 1) against least (decile 10) deprived, with the slope "
        "(SII) and relative (RII) index of inequality across all ten deciles",
        source=wlmds_source(),
        defer=True,
        show_columns=[
            "Name",
            "% <18 wks, decile 1",
            "% <18 wks, decile 10",
            "Gap, points (95% CI)",
            "SII, points (95% CI)",
            "RII",
        ],
        formats={
            c: "{:.1f}"
            for c in gtab.columns
            if c.startswith(("%", "Gap", "SII")) and c != "SII status" and "(95% CI)" not in c
        }
        | {c: "{:.3f}" for c in ("Ratio 1 / 10", "RII", "RII lower 95% CI", "RII upper 95% CI")}
        | {">52 wks ratio 1 / 10": "{:.2f}"},
        notes="Gap: decile 10 minus decile 1, so positive means the most deprived are less often seen within "
        "18 weeks. A dash means the value cannot be computed because a count is suppressed or zero.",
    )
    dtab = dec[
        [
            "level",
            "org_code",
            "org_name",
            "imd_decile",
            "total_waiting",
            "within_18_weeks",
            "over_52_weeks",
            "pct_within_18_weeks",
            "pct_within_18_weeks_lower_ci",
            "pct_within_18_weeks_upper_ci",
            "pct_over_52_weeks",
            "pct_over_52_weeks_lower_ci",
            "pct_over_52_weeks_upper_ci",
            "pct_over_52_weeks_status",
        ]
    ].copy()
    # the ICB and its trusts first: the page shows the first rows
    dtab = dtab.sort_values("level", key=lambda c: c.map(LEVEL_ORDER), kind="stable")
    dtab = _suppressed_as_words(dtab).rename(columns=WLMDS_COLUMNS)
    ch.table(
        dtab,
        "wlmds_by_decile",
        "Waiting list by IMD 2019 decile (1 = most deprived): counts, % under 18 weeks "
        "and % over 52 weeks with 95% confidence intervals",
        source=wlmds_source(),
        defer=True,
        max_rows=40,
        show_columns=[
            WLMDS_COLUMNS[c]
            for c in ("org_name", "imd_decile", "total_waiting", "pct_within_18_weeks", "pct_over_52_weeks")
        ],
        formats=WLMDS_FORMATS,
        notes="Counts are pathways, rounded to 5 by NHS England; 'suppressed' marks counts NHS England withheld.",
    )


def _ci_cell(value: float, lo: float, hi: float) -> str:
    """ "4.3 (1.2 to 7.4)" for a table cell; a dash where the value could not be computed."""
    if any(pd.isna(x) for x in (value, lo, hi)):
        return "–"
    return f"{value:.1f} ({lo:.1f} to {hi:.1f})"


#: Column headers of the WLMDS tables.
WLMDS_COLUMNS = {
    "dimension": "Breakdown",
    "level": "Level",
    "org_code": "Code",
    "org_name": "Name",
    "category": "Group",
    "group_label": "Group (as charted)",
    "imd_decile": "IMD 2019 decile (1 = most deprived)",
    "total_waiting": "Total waiting",
    "within_18_weeks": "Under 18 weeks",
    "over_52_weeks": "Over 52 weeks",
    "pct_within_18_weeks": "% under 18 weeks",
    "pct_within_18_weeks_lower_ci": "% under 18 weeks, lower 95% CI",
    "pct_within_18_weeks_upper_ci": "% under 18 weeks, upper 95% CI",
    "pct_within_18_weeks_status": "% under 18 weeks: status",
    "pct_over_52_weeks": "% over 52 weeks",
    "pct_over_52_weeks_lower_ci": "% over 52 weeks, lower 95% CI",
    "pct_over_52_weeks_upper_ci": "% over 52 weeks, upper 95% CI",
    "pct_over_52_weeks_status": "% over 52 weeks: status",
}
WLMDS_FORMATS = {WLMDS_COLUMNS[c]: "{:,.0f}" for c in ("total_waiting", "within_18_weeks", "over_52_weeks")} | {
    WLMDS_COLUMNS[c]: "{:.1f}" for c in WLMDS_COLUMNS if c.startswith("pct_") and not c.endswith("status")
}


#: Order of the WLMDS levels in the page tables: the ICB first.
LEVEL_ORDER = {"ICB (providers)": 0, "Acute trust": 1, "England": 2, "Region": 3}


def _suppressed_as_words(table: pd.DataFrame) -> pd.DataFrame:
    """Counts NHS England withheld read "suppressed" in the tables, never blank or 0."""
    out = table.copy()
    for c in ("total_waiting", "within_18_weeks", "over_52_weeks"):
        out[c] = out[c].astype(object).where(out[c].notna(), "suppressed")
    return out


def _per_1000_outputs(ch: Chapter, f: Facts) -> None:
    r = f.rates.set_index("imd_decile")
    ch.number("per1000_d1", r.loc[1, "value"], "rate", dp=0)
    ch.number("per1000_d10", r.loc[10, "value"], "rate", dp=0)
    ch.number("per1000_ratio", r.loc[1, "ratio_to_least"], dp=2)
    higher = sum(f.claims[f"per1000_d{d}_vs_d10"].code == "higher" for d in range(2, 10))
    ch.say(
        "per1000_between",
        "Every one of the eight deciles in between has a rate higher than the least deprived decile's"
        if higher == 8
        else "None of the eight deciles in between has a rate higher than the least deprived decile's"
        if higher == 0
        else f"{higher} of the eight deciles in between have a rate higher than the least deprived decile's",
    )
    ch.text("population_year", population_year_label())
    fig = plot_per_1000(f.rates)
    ch.figure(
        fig,
        "wlmds_per_1000_by_decile",
        defer=True,
        data=f.rates,
        alt=(
            f"Bar chart of pathways on the waiting list per 1,000 residents in England by national IMD 2019 decile: "
            f"{fmt(r.loc[1, 'value'], dp=0)} in decile 1 (most deprived), {fmt(r.loc[5, 'value'], dp=0)} in decile 5 "
            f"and {fmt(r.loc[10, 'value'], dp=0)} in decile 10 (least deprived)."
        ),
        caption=(
            f"Waiting list pathways (WLMDS, England, all providers, {wlmds_week_label()}) per 1,000 residents "
            f"by national IMD 2019 decile; population: {population_year_label()}. Bars start at zero; 95% "
            "confidence intervals (Byar's method)."
        ),
        source=f"{wlmds_source()}; ONS small-area population estimates; MHCLG English Indices of Deprivation 2019",
    )
    table = f.rates.rename(
        columns={
            "imd_decile": "IMD 2019 decile",
            "total_waiting": "Pathways waiting",
            "population": "Residents",
            "value": "Per 1,000 residents",
            "lower_ci": "Lower 95% CI",
            "upper_ci": "Upper 95% CI",
            "ratio_to_least": "Ratio to decile 10",
        }
    )
    ch.table(
        table,
        "wlmds_per_1000",
        "Waiting list per 1,000 residents by national IMD 2019 decile, England",
        source=wlmds_source(),
        defer=True,
        formats={
            "Pathways waiting": "{:,.0f}",
            "Residents": "{:,.0f}",
            "Per 1,000 residents": "{:.1f}",
            "Lower 95% CI": "{:.1f}",
            "Upper 95% CI": "{:.1f}",
            "Ratio to decile 10": "{:.3f}",
        },
        show_columns=["IMD 2019 decile", "Pathways waiting", "Residents", "Per 1,000 residents", "Ratio to decile 10"],
    )
    ch.box(
        "per_1000_note",
        (
            f"The waiting list counts pathways, not people (one person can wait for more than one treatment), and the "
            f"population is the {esc(population_year_label())}, some years before the waiting-list week. Rates are not "
            "age-standardised: deciles with older populations would be expected to have more people waiting. This "
            "England-only view is not shown for the ICB because WLMDS ICB rows are providers, not residents."
        ),
        kind="note",
        title="Reading these rates",
    )


def _group_outputs(ch: Chapter, f: Facts) -> None:
    icb = f.icb
    views = {d: wlmds_view(icb.ods_code, d) for d in ("ethnicity", "age", "sex")}
    age = views["age"].set_index(["level", "category"]).loc["ICB (providers)"]
    sex = views["sex"].set_index(["level", "category"]).loc["ICB (providers)"]
    ch.number("age_0_18", age.loc["0 to 18 years", "pct_within_18_weeks"], "pct")
    ch.number("age_19_64", age.loc["19 to 64 years", "pct_within_18_weeks"], "pct")
    ch.number("age_65", age.loc["Over 65 years", "pct_within_18_weeks"], "pct")
    ch.number("sex_female", sex.loc["Female", "pct_within_18_weeks"], "pct")
    ch.number("sex_male", sex.loc["Male", "pct_within_18_weeks"], "pct")
    n_supp = int(
        sum(
            int(
                (v["pct_within_18_weeks_status"] != "published").sum()
                + (v["pct_over_52_weeks_status"] != "published").sum()
            )
            for v in views.values()
        )
    )
    ch.say(
        "n_suppressed",
        "No percentage in these breakdowns is withheld."
        if n_supp == 0
        else f"{plural(n_supp, 'percentage')} in these breakdowns cannot be shown because NHS England suppressed a "
        "small count.",
    )
    eth = views["ethnicity"]
    eth_icb = eth[
        (eth["level"] == "ICB (providers)")
        & eth["pct_within_18_weeks"].notna()
        & ~eth["category"].str.startswith(("Z:", "99:"))
    ]
    lo_e = eth_icb.loc[eth_icb["pct_within_18_weeks"].idxmin()]
    hi_e = eth_icb.loc[eth_icb["pct_within_18_weeks"].idxmax()]
    fig, data = plot_groups(views, f"{icb.short_name} (acute trusts)")
    ch.figure(
        fig,
        "wlmds_groups",
        defer=True,
        data=data,
        alt=(
            f"Dot chart of the share waiting under 18 weeks by ethnic group, age band and sex, for {icb.short_name} "
            f"ICB's acute trusts and England. Among ethnic groups at the ICB's trusts it ranges from "
            f"{fmt(lo_e['pct_within_18_weeks'], 'pct')} ({ethnic_label(lo_e['category'])}) to "
            f"{fmt(hi_e['pct_within_18_weeks'], 'pct')} ({ethnic_label(hi_e['category'])}); suppressed groups are "
            "labelled, not plotted."
        ),
        caption=(
            f"% waiting under 18 weeks by ethnic category, age band and sex, {wlmds_week_label()}, with 95% "
            "Wilson confidence intervals. Small groups have wide intervals; 'suppressed' marks cells NHS England "
            "withheld."
        ),
        source=wlmds_source(),
    )
    table = pd.concat(views.values(), ignore_index=True)
    table = table[table["level"].isin(["England", "Region", "ICB (providers)"])][
        [
            "dimension",
            "level",
            "org_name",
            "category",
            "total_waiting",
            "within_18_weeks",
            "over_52_weeks",
            "pct_within_18_weeks",
            "pct_within_18_weeks_lower_ci",
            "pct_within_18_weeks_upper_ci",
            "pct_within_18_weeks_status",
            "pct_over_52_weeks",
            "pct_over_52_weeks_lower_ci",
            "pct_over_52_weeks_upper_ci",
            "pct_over_52_weeks_status",
        ]
    ].copy()
    table.insert(4, "group_label", table["category"].map(ethnic_label))
    table["dimension"] = table["dimension"].map({"ethnicity": "Ethnic group", "age": "Age band", "sex": "Sex"})
    # the ICB's rows first: the page shows the first rows
    table = table.sort_values("level", key=lambda c: c.map(LEVEL_ORDER), kind="stable")
    table = _suppressed_as_words(table).rename(columns=WLMDS_COLUMNS)
    ch.table(
        table,
        "wlmds_by_group",
        "Waiting list by ethnic category, age band and sex: the ICB's acute trusts, England and the region",
        source=wlmds_source(),
        defer=True,
        max_rows=23,
        show_columns=[
            WLMDS_COLUMNS[c]
            for c in ("dimension", "level", "group_label", "total_waiting", "pct_within_18_weeks", "pct_over_52_weeks")
        ],
        formats=WLMDS_FORMATS,
        notes="Counts are pathways, rounded to 5 by NHS England; 'suppressed' marks counts NHS England withheld.",
    )
    ch.box(
        "groups_note",
        "Ethnic category is as recorded by the provider; 'Not stated' and 'Not known' are recording "
        "gaps, not groups. Differences by age partly reflect the specialties each age group waits for.",
        kind="note",
        title="Reading these groups",
    )


def _comparison_outputs(ch: Chapter, f: Facts) -> None:
    icb, comp = f.icb, f.comp
    ci = comp.set_index("org_code").loc[icb.ods_code]
    n_icbs = int(comp["sii"].notna().sum())
    sig = [
        C.significance(C.Estimate(*r))
        for r in comp.loc[comp["sii"].notna(), ["sii", "sii_lower_ci", "sii_upper_ci"]].to_numpy()
    ]
    n_against = sum(s.code == "significant" and v > 0 for s, v in zip(sig, comp.loc[comp["sii"].notna(), "sii"]))
    ch.text("icb_rank", ordinal(int(ci["rank"])))
    ch.number("n_icbs", n_icbs, "count")
    ch.number("n_icbs_against_most_deprived", n_against, "count")
    fig = plot_icb_comparison(comp, icb.ods_code, england=f.gaps.set_index("org_code").loc["ENG", "sii"])
    ch.figure(
        fig,
        "wlmds_icb_comparison_chart",
        defer=True,
        data=comp,
        alt=(
            f"Ranked dot plot of the slope index of inequality in the share waiting under 18 weeks for {n_icbs} ICBs "
            f"(provider basis) with 95% confidence intervals, from {fmt(comp['sii'].min())} to "
            f"{fmt(comp['sii'].max())} percentage points; {icb.short_name} is highlighted at {fmt(ci['sii'])} "
            f"points, ranked {ordinal(int(ci['rank']))}."
        ),
        caption=(
            "Slope index of inequality in % waiting under 18 weeks across IMD 2019 deciles, each ICB's acute "
            f"trusts, {wlmds_week_label()}, with 95% confidence intervals (simulation, OHID method). This ICB is "
            "the dark diamond; the dashed line is England."
        ),
        source=wlmds_source(),
    )
    cols = {
        "rank": "Rank",
        "org_code": "ICB code",
        "org_name": "ICB",
        "total_waiting": "Waiting (with a decile)",
        "pct18_d1": "% <18 wks, decile 1",
        "pct18_d10": "% <18 wks, decile 10",
        "pct18_gap_pp": "Gap (10 minus 1), points",
        "pct18_gap_lower_ci": "Gap lower 95% CI",
        "pct18_gap_upper_ci": "Gap upper 95% CI",
        "sii": "SII, points",
        "sii_lower_ci": "SII lower 95% CI",
        "sii_upper_ci": "SII upper 95% CI",
        "rii": "RII",
    }
    ctab = comp[list(cols)].rename(columns=cols)
    ctab.insert(
        9, "SII, points (95% CI)", [_ci_cell(*r) for r in comp[["sii", "sii_lower_ci", "sii_upper_ci"]].to_numpy()]
    )
    ch.table(
        ctab,
        "wlmds_icb_comparison",
        "All ICBs (acute trusts located in each ICB): deprivation gap in % waiting "
        "under 18 weeks, ranked by the slope index of inequality",
        source=wlmds_source(),
        defer=True,
        show_columns=[
            "Rank",
            "ICB",
            "% <18 wks, decile 1",
            "% <18 wks, decile 10",
            "Gap (10 minus 1), points",
            "SII, points (95% CI)",
        ],
        formats={"Waiting (with a decile)": "{:,.0f}", "RII": "{:.3f}"}
        | {c: "{:.1f}" for c in ctab.columns if c.startswith(("%", "Gap", "SII")) and "(95% CI)" not in c},
    )
    ch.box(
        "comparison_note",
        (
            "NHS England does not publish which trusts make up each WLMDS ICB row. The book reconstructs it from the data: "
            "the acute trusts whose published counts add up to the ICB row in every cell, within rounding. This ICB's "
            "trusts are those in the table of the latest RTT month above."
        ),
        kind="note",
        title="Which trusts",
    )


def _methods_box(ch: Chapter) -> None:
    ch.box(
        "methods",
        (
            "**Statistical process control.** Each chart is an XmR chart read with NHS England's Making Data Count rules "
            "(as the NHS-R Community's NHSRplotthedots computes them): a point beyond the process limits, a run of 7 "
            "points on one side of the mean, a trend of 7 rising or falling points, or 2 of 3 points close to a limit is "
            "special-cause variation. The assurance reading says where a target lies against the process limits; it is "
            "withheld when the data are out of date or when the target was not in force for the months charted. "
            "**Targets.** Standards and planning objectives come from the book's register of national objectives, each "
            "judged for the period it covered. The planning guidance's 18-week and 52-week ambitions are national figures; "
            "the ICB's figures are set against them for reference. The 65-week objective allowed for patients who chose "
            "to wait longer and for some specialties, which the RTT counts do not separate. "
            "**The gap and the slope index.** The gap is decile 10 minus decile 1 of the share waiting under 18 weeks, so "
            "a positive gap means the most deprived are less often seen within 18 weeks; its 95% confidence interval "
            "combines the two deciles' Wilson intervals (Newcombe's method). The slope index of inequality (SII) is the "
            "difference between the least and the most deprived ends of a line fitted across all ten deciles, weighted by "
            "the number waiting in each (OHID method, PHEindicatormethods); the relative index (RII) is the ratio of the "
            "two ends. Because the SII uses every decile, the gap and the SII can disagree about whether a difference is "
            "statistically significant; the chapter then says both and why. WLMDS counts exclude pathways with no "
            "recorded neighbourhood, and its ICB rows are the ICB's acute trusts, not its residents."
        ),
        kind="note",
        title="Methods and caveats",
    )


# =========================================================================== figures
# Drawing only: every value plotted comes from the tables above.

#: A target line on an SPC chart: label, value, and the months it applies to (None: the whole chart).
Target = tuple[str, float, "pd.Timestamp | None", "pd.Timestamp | None"]


def _target_lines(objectives: list[ob.Objective], months: pd.Series) -> list[Target]:
    """Target lines for an SPC chart: a standing standard across the whole chart, a planning
    objective only over the months of its planning year that the chart covers."""
    first, last = months.min(), months.max()
    out = []
    for o in objectives:
        if not o.has_target:
            continue
        if o.planning_year is None:
            out.append((f"NHS Constitution standard ({o.target_text})", o.target, None, None))
        elif o.start <= _month_end(last) and o.end >= first:
            out.append(
                (
                    f"{o.planning_year} objective ({o.target_text})",
                    o.target,
                    max(o.start, first),
                    min(o.end.normalize().replace(day=1), last),
                )
            )
    return out


def _spc_axis(
    ax,
    result: stats.SPCResult,
    *,
    ylabel: str,
    targets: list[Target] = (),
    percent: bool = False,
    title: str = "",
    zoom: bool = False,
) -> None:
    import matplotlib.dates as mdates

    from .. import figures

    chart = figures.plot_spc(
        result, ax=ax, ylabel=ylabel, targets={}, percent=percent, legend=False, rebase_label="RTT definition\nchanged"
    )
    if title:
        ax.set_title(textwrap.fill(title, 44), fontsize=10)
    for t in ax.texts:  # the definition-change label stays legible where a target line crosses it
        t.set_bbox(dict(boxstyle="square,pad=0.15", fc="white", ec="none", alpha=0.85))
    if zoom:
        # the months since the last recalculation on their own scale (limits included), so earlier,
        # much larger values do not flatten them; the title names the first month
        for t in list(ax.texts):
            t.remove()
        d = chart.data[chart.data["rebase_group"] == chart.data["rebase_group"].max()]
        span = pd.Timedelta(days=20)
        ax.set_xlim(d["date"].min() - span, d["date"].max() + span)
        lo = min(0.0, float(np.nanmin(d[["value", "lower_process_limit"]].to_numpy())))
        hi = float(np.nanmax(d[["value", "upper_process_limit"]].to_numpy()))
        ax.set_ylim(lo, hi + 0.12 * (hi - lo or 1.0))
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[4, 10]))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[4]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.tick_params(axis="x", labelsize=8)
    for _label, value, start, end in targets:
        # a standing standard dotted across the chart, an objective dash-dotted over its own months;
        # named in the figure's legend, not on the axes, where a label would hide points
        if start is None:
            ax.axhline(value, color=figures.NHS_RED, lw=1.4, ls=":", zorder=1)
        else:
            ax.hlines(value, start, end, color=figures.NHS_RED, lw=1.4, ls="-.", zorder=1)


def _target_handles(targets: list[Target]) -> list:
    from matplotlib.lines import Line2D

    from .. import figures

    return [
        Line2D([], [], color=figures.NHS_RED, lw=1.4, ls=":" if start is None else "-.", label=label)
        for label, _, start, _ in targets
    ]


def plot_spc_panels(panels: list[dict], ncols: int = 2, height: float = 3.2):
    """Small multiples of SPC charts. Each panel: dict(result=, ylabel=, title=, targets=, percent=,
    zoom=), with ``result`` from :func:`rtt_spc`, ``targets`` from :func:`_target_lines`; ``zoom``
    shows the latest period (since the last recalculation) on its own scale."""
    import matplotlib.pyplot as plt

    from .. import figures

    n = len(panels)
    nrows = int(np.ceil(n / ncols))
    total = height * nrows + 0.8
    fig, axes = plt.subplots(nrows, ncols, figsize=(9 if ncols > 1 else 6, total), squeeze=False)
    kinds: set[str] = set()
    for ax, p in zip(axes.ravel(), panels):
        _spc_axis(
            ax,
            p["result"],
            ylabel=p.get("ylabel", ""),
            targets=p.get("targets", ()),
            percent=p.get("percent", False),
            title=p.get("title", ""),
            zoom=p.get("zoom", False),
        )
        kinds |= set(p["result"].points["point_type"].map(figures.SPC_POINT_KIND).dropna())
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    order = [k for k in ("common", "improvement", "concern", "neutral") if k in kinds]
    targets = list({t[0]: t for p in panels for t in p.get("targets", ())}.values())
    handles = figures.spc_legend_handles(order, target=False) + _target_handles(targets)
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, (0.2 + 0.17 * np.ceil(len(handles) / 3)) / total, 1, 1))
    return fig


def plot_decile_gradient(view: pd.DataFrame, icb_code: str, trust_codes: list[str]):
    """% within 18 weeks and % over 52 weeks by IMD decile with 95% CIs: England, the region and
    the ICB (top row), the ICB's trusts each in its own colour and marker (bottom row). Returns
    (figure, the rows drawn)."""
    import matplotlib.pyplot as plt

    from .. import figures

    v = view[view["imd_decile"].notna()].copy()
    top = {
        "England": (figures.NHS_MID_GREY, "s"),
        "Region": (figures.NHS_AQUA_GREEN, "D"),
        "ICB (providers)": (figures.HIGHLIGHT, "o"),
    }
    rows = [
        [(lvl, v[v["level"] == lvl]) for lvl in top],
        [(code, v[(v["level"] == "Acute trust") & (v["org_code"] == code)]) for code in trust_codes],
    ]
    fig, axes = plt.subplots(2, 2, figsize=(9, 7.6))
    drawn = []
    for r, (group, ax_row) in enumerate(zip(rows, axes)):
        n = len(group)
        offsets = np.linspace(-0.25, 0.25, n) if n > 1 else [0.0]
        for k, (off, (key, g)) in enumerate(zip(offsets, group)):
            if g.empty:
                continue
            colour, marker = top[key] if r == 0 else TRUST_STYLES[k % len(TRUST_STYLES)]
            name = g["org_name"].iloc[0]
            label = f"{name} region" if key == "Region" else name
            g = g.sort_values("imd_decile")
            drawn.append(g.assign(chart_row="England, region and ICB" if r == 0 else "Acute trusts"))
            for ax, m in zip(ax_row, ("pct_within_18_weeks", "pct_over_52_weeks")):
                ok = g[m].notna()
                x = g.loc[ok, "imd_decile"].astype(float) + off
                ax.errorbar(
                    x,
                    g.loc[ok, m],
                    yerr=[g.loc[ok, m] - g.loc[ok, f"{m}_lower_ci"], g.loc[ok, f"{m}_upper_ci"] - g.loc[ok, m]],
                    fmt=marker,
                    color=colour,
                    ms=5,
                    lw=0.9,
                    capsize=0,
                    label=textwrap.fill(label, 38),
                    mec=figures.NHS_DARK_GREY,
                    mew=0.4,
                )
        ax_row[0].set_title(
            "England, region and ICB: % under 18 weeks" if r == 0 else "Acute trusts: % under 18 weeks", fontsize=10
        )
        ax_row[1].set_title(
            "England, region and ICB: % over 52 weeks" if r == 0 else "Acute trusts: % over 52 weeks", fontsize=10
        )
        for ax in ax_row:
            ax.set_xticks(range(1, 11))
            ax.set_xlabel("IMD 2019 decile (1 = most deprived)", fontsize=9)
            figures.percent_axis(ax)  # distinct tick labels: never "62%" twice after rounding
        handles, labels = ax_row[0].get_legend_handles_labels()
        ax_row[0].legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.2),
            ncol=2 if r == 1 else 3,
            fontsize=7.5,
            handletextpad=0.3,
            columnspacing=1.0,
        )
    fig.tight_layout(h_pad=4.5)
    cols = [
        "chart_row",
        "level",
        "org_code",
        "org_name",
        "imd_decile",
        "pct_within_18_weeks",
        "pct_within_18_weeks_lower_ci",
        "pct_within_18_weeks_upper_ci",
        "pct_over_52_weeks",
        "pct_over_52_weeks_lower_ci",
        "pct_over_52_weeks_upper_ci",
        "pct_over_52_weeks_status",
    ]
    return fig, pd.concat(drawn, ignore_index=True)[cols]


def plot_icb_comparison(comp: pd.DataFrame, highlight: str, england: float | None = None):
    """Ranked dot plot of the SII in % within 18 weeks for the 42 ICBs, with 95% CIs; England's SII
    as a dashed line."""
    import matplotlib.pyplot as plt

    from .. import figures

    c = comp[comp["sii"].notna()].sort_values("sii").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.5, max(6.0, 0.17 * len(c) + 1.2)))
    y = np.arange(len(c))
    other = c["org_code"] != highlight
    ax.errorbar(
        c.loc[other, "sii"],
        y[other],
        xerr=[c.loc[other, "sii"] - c.loc[other, "sii_lower_ci"], c.loc[other, "sii_upper_ci"] - c.loc[other, "sii"]],
        fmt="o",
        color=figures.CONTEXT,
        ecolor=figures.CONTEXT,
        ms=4,
        lw=1,
        label="Other ICBs",
    )
    h = ~other
    ax.errorbar(
        c.loc[h, "sii"],
        y[h],
        xerr=[c.loc[h, "sii"] - c.loc[h, "sii_lower_ci"], c.loc[h, "sii_upper_ci"] - c.loc[h, "sii"]],
        fmt="D",
        color=figures.HIGHLIGHT,
        ms=7,
        lw=1.8,
        label="This ICB",
    )
    ax.axvline(0, color=figures.NHS_DARK_GREY, lw=0.8)
    if england is not None:
        ax.axvline(england, color=figures.NHS_ORANGE, lw=1.2, ls="--", label="England")
    ax.set_yticks(y)
    ax.set_yticklabels(c["org_name"], fontsize=7.5)
    ax.set_ylim(-0.8, len(c) - 0.2)
    for t, code in zip(ax.get_yticklabels(), c["org_code"]):
        if code == highlight:
            t.set_fontweight("bold")
            t.set_color(figures.HIGHLIGHT)
    ax.set_xlabel(
        "Slope index of inequality, percentage points\n(positive = less deprived patients more often "
        "seen within 18 weeks)"
    )
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_per_1000(rates: pd.DataFrame):
    """Waiting list per 1,000 residents by national IMD decile, England, with 95% CIs; bars from zero."""
    import matplotlib.pyplot as plt

    from .. import figures

    fig, ax = plt.subplots(figsize=(7.5, 4))
    r = rates.sort_values("imd_decile")
    ax.bar(
        r["imd_decile"],
        r["value"],
        color=[figures.DECILE_COLOURS[d - 1] for d in r["imd_decile"]],
        edgecolor=figures.NHS_DARK_GREY,
        linewidth=0.5,
    )
    ax.errorbar(
        r["imd_decile"],
        r["value"],
        yerr=[r["value"] - r["lower_ci"], r["upper_ci"] - r["value"]],
        fmt="none",
        ecolor=figures.NHS_BLACK,
        lw=1,
        capsize=3,
    )
    for d, v in zip(r["imd_decile"], r["value"]):
        ax.annotate(f"{v:.0f}", xy=(d, v), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8)
    ax.set_ylim(0, float(r["upper_ci"].max()) * 1.12)
    ax.set_xticks(range(1, 11))
    ax.grid(axis="x", visible=False)
    ax.set_xlabel("National IMD 2019 decile of the patient's neighbourhood (1 = most deprived)")
    ax.set_ylabel("Pathways on the list per 1,000 residents")
    figures.count_axis(ax)
    fig.tight_layout()
    return fig


def plot_groups(views: dict[str, pd.DataFrame], icb_label: str):
    """% within 18 weeks by ethnic group, age band and sex: the ICB (providers) against England,
    with 95% CIs; a category whose count is suppressed is labelled 'suppressed', never drawn at 0.
    Returns (figure, the rows drawn)."""
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
    drawn = []
    for (dim, cat), yy in zip(rows, y):
        if cat is None:
            if yy != y[0]:
                ax.axhline(yy + 0.5, color=figures.NHS_MID_GREY, lw=0.6)
            continue
        v = views[dim]
        for level, colour, marker, off in (
            ("England", figures.NHS_MID_GREY, "s", 0.18),
            ("ICB (providers)", figures.HIGHLIGHT, "o", -0.18),
        ):
            r = v[(v["level"] == level) & (v["category"] == cat)]
            if r.empty:
                continue
            r = r.iloc[0]
            drawn.append(r)
            if pd.isna(r["pct_within_18_weeks"]):
                ax.annotate(
                    r["pct_within_18_weeks_status"],
                    xy=(0.01, yy + off),
                    xycoords=("axes fraction", "data"),
                    fontsize=7.5,
                    va="center",
                    color=colour,
                    style="italic",
                )
                continue
            ax.errorbar(
                r["pct_within_18_weeks"],
                yy + off,
                xerr=[
                    [r["pct_within_18_weeks"] - r["pct_within_18_weeks_lower_ci"]],
                    [r["pct_within_18_weeks_upper_ci"] - r["pct_within_18_weeks"]],
                ],
                fmt=marker,
                color=colour,
                ms=4,
                lw=1,
                label=icb_label if level != "England" else "England",
            )
    ax.set_yticks(y)
    ax.set_yticklabels([headings.get(d, d) if c is None else ethnic_label(c) for d, c in rows], fontsize=8)
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
    data = pd.DataFrame(drawn)[
        [
            "dimension",
            "level",
            "org_name",
            "category",
            "pct_within_18_weeks",
            "pct_within_18_weeks_lower_ci",
            "pct_within_18_weeks_upper_ci",
            "pct_within_18_weeks_status",
        ]
    ]
    return fig, data.assign(label=data["category"].map(ethnic_label))


__all__ = [
    "CHAPTER",
    "Facts",
    "ObjectiveCheck",
    "OBJECTIVE_MEASURES",
    "RTT_SOURCE",
    "SPC_MEASURES",
    "TRUSTS_CHARTED",
    "build",
    "claims",
    "deprivation_gap_by_edition",
    "deprivation_gap_change",
    "deprivation_gap_change_text",
    "deprivation_gaps",
    "ethnic_label",
    "facts",
    "headline_figures",
    "icb_acute_trusts",
    "icb_code_statement",
    "icb_comparison",
    "objective_check",
    "plot_decile_gradient",
    "plot_groups",
    "plot_icb_comparison",
    "plot_per_1000",
    "plot_spc_panels",
    "population_year_label",
    "rtt_latest",
    "rtt_series",
    "rtt_spc",
    "series_break_label",
    "waiting_per_1000_by_decile",
    "wlmds_source",
    "wlmds_view",
    "wlmds_week_label",
]
