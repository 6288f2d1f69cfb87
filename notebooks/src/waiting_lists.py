# %% [markdown]
# # Waiting lists by deprivation

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/waiting_lists"
reference_date = ""  # set by the build (the first day of the month the book is as of); "" = this month

# %%
import pandas as pd

from analysis import figures, geography
from analysis.chapters import waiting_lists as wl
from analysis.load import waiting
from analysis.report import Chapter, count, esc, num, ordinal, pct

icb = geography.find_icb(icb_code)
ch = Chapter("waiting_lists", data_dir, icb=icb)
figures.style()
T = wl.TARGETS

# RTT: the ICB as commissioner, its acute trusts and England, April 2022 onwards
series = wl.rtt_series(icb.ods_code)
latest = wl.rtt_latest(series)
trusts = wl.icb_acute_trusts(icb.ods_code)
icb_rtt = series[series["role"] == "ICB (commissioner)"]
eng_rtt = series[series["role"] == "England"]
L = latest.set_index("org_code")
li, le = L.loc[icb.ods_code], L.loc["ENG"]
status = waiting.rtt_icb_status(icb.ods_code)
first_month = icb_rtt["month"].min()
peak = icb_rtt.loc[icb_rtt["over_65_weeks"].idxmax()]
mar24 = icb_rtt[icb_rtt["month"] == "2024-03-01"].iloc[0]

# WLMDS: by IMD decile, with gaps, SII/RII; all ICBs; per 1,000 by decile; other groups
dec = wl.wlmds_view(icb.ods_code, "imd_decile")
gaps = wl.deprivation_gaps(dec)
G = gaps.set_index("org_code")
gi, ge = G.loc[icb.ods_code], G.loc["ENG"]
comp = wl.icb_comparison()
ci = comp.set_index("org_code").loc[icb.ods_code]
rates = wl.waiting_per_1000_by_decile(imd_version)
R = rates.set_index("imd_decile")
groups = {d: wl.wlmds_view(icb.ods_code, d) for d in ("ethnicity", "age", "sex")}

hf = wl.headline_figures(icb.ods_code, imd_version)
period_rtt = f"{status['last_month']:%B %Y}"
STD = pct(T["rtt_18_weeks_standard"], dp=0)  # the 18-week standard, from the targets table
WEEK = wl.wlmds_week_label()  # the latest WLMDS snapshot, from the edition
for key, label, unit, period, source, evidence in (
    ("rtt_total_waiting", "Waiting list for planned hospital care (RTT pathways, ICB's patients)", "count", period_rtt,
     wl.RTT_SOURCE, "table-rtt_latest"),
    ("rtt_pct_within_18_weeks", "Share of the ICB's waiting list waiting under 18 weeks", "%", period_rtt, wl.RTT_SOURCE,
     "figure-rtt_icb_spc"),
    ("rtt_over_52_weeks", "Pathways waiting over 52 weeks (ICB's patients)", "count", period_rtt, wl.RTT_SOURCE,
     "figure-rtt_icb_long_waits_spc"),
    ("rtt_over_65_weeks", "Pathways waiting over 65 weeks (ICB's patients)", "count", period_rtt, wl.RTT_SOURCE,
     "figure-rtt_icb_long_waits_spc"),
    ("wlmds_pct18_decile1", "Share waiting under 18 weeks, patients from the most deprived 10% of neighbourhoods "
     "(ICB's acute trusts)", "%", WEEK, wl.WLMDS_SOURCE, "figure-wlmds_decile_gradient"),
    ("wlmds_pct18_decile10", "Share waiting under 18 weeks, patients from the least deprived 10% of neighbourhoods "
     "(ICB's acute trusts)", "%", WEEK, wl.WLMDS_SOURCE, "figure-wlmds_decile_gradient"),
    ("wlmds_pct18_gap_pp", "Gap in the share waiting under 18 weeks, least minus most deprived 10% (ICB's acute trusts)",
     "percentage points", WEEK, wl.WLMDS_SOURCE, "table-wlmds_deprivation_gaps"),
    ("wlmds_pct18_sii_pp", "Slope index of inequality in the share waiting under 18 weeks, across all ten deprivation "
     "deciles (ICB's acute trusts)", "percentage points", WEEK, wl.WLMDS_SOURCE, "figure-wlmds_icb_comparison"),
):
    lo, hi = wl.HEADLINE_RANGES[key]
    ch.headline(key, hf[key], label=label, unit=unit, period=period, source=source, lo=lo, hi=hi, evidence=evidence)


def sig_words(lo_ci, hi_ci):
    """Whether a 95% CI of a gap excludes zero, in words."""
    if lo_ci > 0 or hi_ci < 0:
        return "statistically significant"
    return "not statistically significant (the 95% confidence interval includes zero)"


def gap_words(gap):
    return "lower" if gap > 0 else "higher" if gap < 0 else "the same"


n_icbs = int(comp["sii"].notna().sum())

# %%
ch.findings([
    f"In {esc(li['month'])}, {count(li['total_waiting'])} pathways of patients of {esc(icb.short_name)} ICB were on the "
    f"elective (RTT) waiting list. {pct(li['pct_within_18_weeks'])} had waited under 18 weeks (England "
    f"{pct(le['pct_within_18_weeks'])}), against the {STD} constitutional standard and the national ambition of "
    f"{pct(T['rtt_18_weeks_march_2026'], dp=0)} by March 2026.",
    f"{count(li['over_52_weeks'])} pathways had waited over 52 weeks ({pct(li['pct_over_52_weeks'])} of the list; the "
    f"March 2026 ambition was under {pct(T['rtt_over_52_share_march_2026'], dp=0)}) and {count(li['over_65_weeks'])} over "
    f"65 weeks. Waits over 65 weeks were meant to be eliminated by March 2024; in March 2024 there were "
    f"{count(mar24['over_65_weeks'])}.",
    f"In England, patients from the most deprived tenth of neighbourhoods are less often seen within 18 weeks than "
    f"those from the least deprived tenth ({pct(ge['pct18_d1'])} against {pct(ge['pct18_d10'])}, {WEEK}). At the acute trusts located in the ICB the figures are {pct(gi['pct18_d1'])} and "
    f"{pct(gi['pct18_d10'])}, a gap of {num(abs(gi['pct18_gap_pp']))} percentage points "
    f"({gap_words(gi['pct18_gap_pp'])} for the most deprived)."
    if ge["pct18_gap_pp"] > 0 else
    f"In England, {pct(ge['pct18_d1'])} of patients from the most deprived tenth of neighbourhoods had waited under "
    f"18 weeks against {pct(ge['pct18_d10'])} from the least deprived tenth ({WEEK}). At the "
    f"acute trusts located in the ICB the figures are {pct(gi['pct18_d1'])} and {pct(gi['pct18_d10'])}.",
    f"Across all ten deprivation deciles the slope index of inequality for the ICB's trusts is "
    f"{num(gi['sii'])} percentage points (95% CI {num(gi['sii_lower_ci'])} to {num(gi['sii_upper_ci'])}), "
    f"{sig_words(gi['sii_lower_ci'], gi['sii_upper_ci'])}; it ranks {ordinal(int(ci['rank']))} of {n_icbs} ICBs "
    f"(1 = the steepest gradient against the most deprived). England: {num(ge['sii'])} points.",
    f"People from more deprived neighbourhoods are also more likely to be on the list at all: in England there are "
    f"{num(R.loc[1, 'value'], dp=0)} pathways per 1,000 residents in the most deprived decile against "
    f"{num(R.loc[10, 'value'], dp=0)} in the least deprived ({num(R.loc[1, 'ratio_to_least'], dp=2)} times as many).",
])

ch.note(
    "Two sources are used. **RTT** (monthly, April 2022 to "
    f"{esc(period_rtt)}) counts the ICB's own patients wherever they are treated (the ICB as commissioner). "
    f"**WLMDS** (one week, {WEEK}) splits the list by the patient's neighbourhood deprivation, ethnicity, "
    "age and sex, but its ICB rows are the **NHS acute trusts located in the ICB** (provider basis), whoever their "
    "patients are, not the ICB's residents; below England level it covers NHS acute trusts only. WLMDS is management "
    "information and its counts are rounded to 5; cells NHS England suppressed are shown as suppressed, never as zero. "
    "WLMDS uses **IMD 2019** deciles (1 = most deprived), fixed by the publisher: this edition's choice of "
    f"IMD {int(imd_version)} for the rest of the book does not change them.",
    title="Which data, and whose waiting list")

# %% [markdown]
# ## The waiting list over time

# %%
spc18 = wl.rtt_spc(icb_rtt, "pct_within_18_weeks", target=T["rtt_18_weeks_standard"])
spc_tot = wl.rtt_spc(icb_rtt, "total_waiting")
spc52 = wl.rtt_spc(icb_rtt, "over_52_weeks")
spc65 = wl.rtt_spc(icb_rtt, "over_65_weeks", target=T["rtt_over_65_weeks_march_2024"])
post18 = spc18.groups.iloc[-1]  # the limits recalculated from the February 2024 series break
variation_words = {"special_cause_improvement": "a signal of improvement", "special_cause_concern": "a signal of concern",
                   "common_cause": "no signal of change (common-cause variation)"}
yr = li["pct_within_18_weeks_year_before"]
ch.md(
    f"For the ICB's patients, the share waiting under 18 weeks was {pct(li['pct_within_18_weeks'])} in "
    f"{esc(li['month'])}, against {pct(yr)} a year earlier. Since the February 2024 series break the monthly "
    f"share has averaged {pct(post18['mean'])}, and the latest month shows "
    f"{variation_words[post18['variation_type']]}. The whole process range since then is below the {STD} standard, "
    "so the standard will not be met unless the process changes." if post18["assurance"] == "consistent_fail" else
    f"For the ICB's patients, the share waiting under 18 weeks was {pct(li['pct_within_18_weeks'])} in "
    f"{esc(li['month'])}, against {pct(yr)} a year earlier. Since the February 2024 series break the monthly share "
    f"has averaged {pct(post18['mean'])}, and the latest month shows "
    f"{variation_words[post18['variation_type']]}.")
fig = wl.plot_spc_panels([
    dict(result=spc18, ylabel="% under 18 weeks", title="% waiting under 18 weeks", percent=True,
         targets={f"{STD} standard": T["rtt_18_weeks_standard"],
                  f"{pct(T['rtt_18_weeks_march_2026'], dp=0)} ambition, Mar 2026": T["rtt_18_weeks_march_2026"]}),
    dict(result=spc_tot, ylabel="Pathways", title="Total waiting"),
])
ch.figure(
    fig, "rtt_icb_spc",
    alt=(f"Two statistical process control charts for {icb.short_name} ICB as commissioner, April 2022 to "
         f"{period_rtt}. Left: the share waiting under 18 weeks, {pct(icb_rtt['pct_within_18_weeks'].iloc[0])} in "
         f"{first_month:%B %Y} and {pct(li['pct_within_18_weeks'])} in {li['month']}, "
         + (f"below the {STD} standard throughout. " if icb_rtt["pct_within_18_weeks"].max() < T["rtt_18_weeks_standard"]
            else f"at or above the {STD} standard in some months. ")
         + f"Right: the total waiting, {count(icb_rtt['total_waiting'].iloc[0])} then "
         f"{count(li['total_waiting'])}. Limits are recalculated from February 2024, the series break."),
    caption=("The ICB's waiting list as commissioner: monthly values, mean (solid) and process limits (dashed), "
             "calculated separately before and after the February 2024 series break. Triangles mark special-cause "
             f"variation (up = improvement, down = concern), circles common-cause variation. Targets: {STD} NHS "
             f"Constitution standard; {pct(T['rtt_18_weeks_march_2026'], dp=0)} nationally by March 2026 "
             "(2025/26 planning guidance)."),
    source=wl.RTT_SOURCE)

ch.md(
    f"Long waits: {count(li['over_52_weeks'])} pathways had waited over 52 weeks in {esc(li['month'])}, "
    f"{count(li['over_65_weeks'])} over 65 weeks, {count(li['over_78_weeks'])} over 78 weeks and "
    f"{count(li['over_104_weeks'])} over 104 weeks. Over-65-week waits peaked at {count(peak['over_65_weeks'])} in "
    f"{peak['month']:%B %Y}; the 2023/24 planning guidance asked for none by March 2024, when there were "
    f"{count(mar24['over_65_weeks'])}.")
fig = wl.plot_spc_panels([
    dict(result=spc52, ylabel="Pathways", title="Waiting over 52 weeks"),
    dict(result=spc65, ylabel="Pathways", title="Waiting over 65 weeks", targets={"Target: none (Mar 2024)": 0}),
])
ch.figure(
    fig, "rtt_icb_long_waits_spc",
    alt=(f"Two statistical process control charts for {icb.short_name} ICB as commissioner. Left: pathways waiting "
         f"over 52 weeks, {count(icb_rtt['over_52_weeks'].iloc[0])} in {first_month:%B %Y} and "
         f"{count(li['over_52_weeks'])} in {li['month']}. Right: over 65 weeks, peaking at "
         f"{count(peak['over_65_weeks'])} in {peak['month']:%B %Y} and {count(li['over_65_weeks'])} in {li['month']}."),
    caption=("Long waits for the ICB's patients, with SPC limits recalculated from the February 2024 series break. "
             "Target: no waits over 65 weeks by March 2024 (2023/24 planning guidance)."),
    source=wl.RTT_SOURCE)

tab = latest.rename(columns={
    "role": "Organisation type", "org_code": "Code", "org_name": "Name", "month": "Month",
    "total_waiting": "Total waiting", "pct_within_18_weeks": "% under 18 weeks",
    "pct_within_18_weeks_year_before": "% under 18 weeks a year earlier", "over_52_weeks": "Over 52 weeks",
    "pct_over_52_weeks": "% over 52 weeks", "over_65_weeks": "Over 65 weeks", "over_78_weeks": "Over 78 weeks",
    "over_104_weeks": "Over 104 weeks"})
ch.table(tab, "rtt_latest", "Waiting list in the latest month: the ICB as commissioner, its acute trusts (all "
         "their patients) and England", source=wl.RTT_SOURCE,
         formats={"Total waiting": "{:,.0f}", "% under 18 weeks": "{:.1f}", "% under 18 weeks a year earlier": "{:.1f}",
                  "Over 52 weeks": "{:,.0f}", "% over 52 weeks": "{:.2f}", "Over 65 weeks": "{:,.0f}",
                  "Over 78 weeks": "{:,.0f}", "Over 104 weeks": "{:,.0f}"})
RTT_M = {"role": "Organisation type", "org_code": "Code", "org_name": "Name", "month": "Month",
         "total_waiting": "Total waiting", "within_18_weeks": "Under 18 weeks", "over_52_weeks": "Over 52 weeks",
         "over_65_weeks": "Over 65 weeks", "over_78_weeks": "Over 78 weeks", "over_104_weeks": "Over 104 weeks",
         "pct_within_18_weeks": "% under 18 weeks", "pct_over_52_weeks": "% over 52 weeks",
         "after_series_break": "After the February 2024 series break?"}
monthly = series.assign(month=series["month"].dt.strftime("%Y-%m"),
                        after_series_break=series["after_series_break"].map({True: "Yes", False: "No"}))
ch.table(monthly.rename(columns=RTT_M), "rtt_monthly",
         "Monthly RTT waiting list, April 2022 onwards (all rows in the CSV)", source=wl.RTT_SOURCE,
         formats={c: "{:,.0f}" for c in ("Total waiting", "Under 18 weeks", "Over 52 weeks", "Over 65 weeks",
                                          "Over 78 weeks", "Over 104 weeks")}
         | {"% under 18 weeks": "{:.1f}", "% over 52 weeks": "{:.2f}"}, max_rows=12,
         notes="Counts are pathways (one person can wait on more than one).")
ch.note(
    "From February 2024 NHS England stopped counting community-service pathways in RTT, so the list shrank for a "
    "reason unrelated to waiting times; charts show the break and compute SPC limits separately on each side. "
    "RTT ICB rows are the ICB as commissioner; pathways commissioned by NHS England specialised-commissioning hubs "
    "belong to no ICB, so ICB figures sum to less than England. " + esc(wl.icb_code_statement(icb.ods_code)),
    kind="warning", title="Series break and ICB code changes")

# %% [markdown]
# ## The ICB's acute trusts

# %%
shown = trusts.head(4)
panels = []
for t in shown.itertuples():
    res = wl.rtt_spc(series[series["org_code"] == t.trust_code], "pct_within_18_weeks",
                     target=T["rtt_18_weeks_standard"])
    panels.append(dict(result=res, ylabel="% under 18 weeks", title=t.trust_name, percent=True,
                       targets={f"{STD}": T["rtt_18_weeks_standard"]}))
tl = L.loc[list(shown["trust_code"])]
ch.md(
    f"{count(len(trusts))} NHS acute trust(s) are located in the ICB. "
    + " ".join(f"{esc(r.org_name)} had {count(r.total_waiting)} pathways on its list in {esc(r.month)}, "
               f"{pct(r.pct_within_18_weeks)} under 18 weeks." for r in tl.itertuples())
    + " Trust figures include every patient the trust treats, from any ICB.")
fig = wl.plot_spc_panels(panels, ncols=2, height=2.9)
ch.figure(
    fig, "rtt_trusts_spc",
    alt=("Statistical process control charts of the share waiting under 18 weeks at the ICB's largest acute trusts: "
         + "; ".join(f"{r.org_name} {pct(r.pct_within_18_weeks)} in {r.month}" for r in tl.itertuples())
         + (f". All are below the {STD} standard." if (tl["pct_within_18_weeks"] < T["rtt_18_weeks_standard"]).all()
            else ".")),
    caption=("% waiting under 18 weeks at the acute trusts located in the ICB (largest lists first, up to four), "
             "SPC limits recalculated from February 2024."),
    source=wl.RTT_SOURCE)
if len(trusts) > len(shown):
    ch.note(f"{count(len(trusts) - len(shown))} smaller trust(s) are in the table above but not charted.")

# %% [markdown]
# ## Waiting times by deprivation

# %%
show_codes = ["ENG", icb.region_ods_code, icb.ods_code] + list(trusts["trust_code"].head(3))
ch.md(
    f"In the {WEEK}, {pct(gi['pct18_d1'])} of patients from the most deprived tenth of "
    f"neighbourhoods waiting at the ICB's acute trusts had waited under 18 weeks, against {pct(gi['pct18_d10'])} from "
    f"the least deprived tenth (ratio {num(gi['pct18_ratio'], dp=2)}). Across all ten deciles the slope index of "
    f"inequality is {num(gi['sii'])} percentage points (95% CI {num(gi['sii_lower_ci'])} to "
    f"{num(gi['sii_upper_ci'])}), {sig_words(gi['sii_lower_ci'], gi['sii_upper_ci'])}; the relative index is "
    f"{num(gi['rii'], dp=3)}. In England the most deprived decile is at {pct(ge['pct18_d1'])} and the least deprived "
    f"at {pct(ge['pct18_d10'])} (slope index {num(ge['sii'])} points, 95% CI {num(ge['sii_lower_ci'])} to "
    f"{num(ge['sii_upper_ci'])}).")
ch.md(wl.deprivation_gap_change_text(icb.ods_code))
fig = wl.plot_decile_gradient(dec, show_codes)
ch.figure(
    fig, "wlmds_decile_gradient",
    alt=(f"Dot charts by IMD 2019 decile, 1 most deprived to 10 least deprived, for England, the {icb.region_name} "
         f"region, {icb.short_name} ICB's acute trusts and its largest trusts. Share waiting under 18 weeks: England "
         f"{pct(ge['pct18_d1'])} in decile 1 and {pct(ge['pct18_d10'])} in decile 10; the ICB's trusts "
         f"{pct(gi['pct18_d1'])} and {pct(gi['pct18_d10'])}. Right panel: share waiting over 52 weeks."),
    caption=(f"Waiting list by patient IMD 2019 decile, {WEEK}, with 95% Wilson confidence "
             "intervals. ICB and trust rows are the acute trusts located in the ICB (provider basis)."),
    source=wl.WLMDS_SOURCE)
gtab = gaps[["level", "org_code", "org_name", "pct18_d1", "pct18_d10", "pct18_gap_pp", "pct18_ratio", "sii",
             "sii_lower_ci", "sii_upper_ci", "rii", "rii_lower_ci", "rii_upper_ci", "sii_status", "pct52_d1",
             "pct52_d10", "pct52_gap_pp", "pct52_ratio"]].rename(columns={
    "level": "Level", "org_code": "Code", "org_name": "Name", "pct18_d1": "% <18 wks, decile 1",
    "pct18_d10": "% <18 wks, decile 10", "pct18_gap_pp": "Gap (10 minus 1), points", "pct18_ratio": "Ratio 1 / 10",
    "sii": "SII, points", "sii_lower_ci": "SII lower 95% CI", "sii_upper_ci": "SII upper 95% CI", "rii": "RII",
    "rii_lower_ci": "RII lower 95% CI", "rii_upper_ci": "RII upper 95% CI", "sii_status": "SII status",
    "pct52_d1": "% >52 wks, decile 1", "pct52_d10": "% >52 wks, decile 10",
    "pct52_gap_pp": "Gap >52 wks (1 minus 10), points", "pct52_ratio": ">52 wks ratio 1 / 10"})
f1 = "{:.1f}"  # display format only
ch.table(gtab, "wlmds_deprivation_gaps",
         "Deprivation gap in waiting times: most (decile 1) against least (decile 10) deprived, with the slope (SII) "
         "and relative (RII) index of inequality across all ten deciles", source=wl.WLMDS_SOURCE,
         formats={c: f1 for c in gtab.columns if c.startswith(("%", "Gap", "SII")) and c != "SII status"}
         | {"Ratio 1 / 10": "{:.3f}", "RII": "{:.3f}", "RII lower 95% CI": "{:.3f}", "RII upper 95% CI": "{:.3f}",
            ">52 wks ratio 1 / 10": "{:.2f}"},
         notes="A dash means the value cannot be computed because a count is suppressed or zero.")
dtab = dec[["level", "org_code", "org_name", "imd_decile", "total_waiting", "within_18_weeks", "over_52_weeks",
            "pct_within_18_weeks", "pct_within_18_weeks_lower_ci", "pct_within_18_weeks_upper_ci",
            "pct_over_52_weeks", "pct_over_52_weeks_lower_ci", "pct_over_52_weeks_upper_ci",
            "pct_over_52_weeks_status"]].copy()
for c in ("total_waiting", "within_18_weeks", "over_52_weeks"):
    dtab[c] = dtab[c].astype(object).where(dtab[c].notna(), "suppressed")
WL = {"dimension": "Breakdown", "level": "Level", "org_code": "Code", "org_name": "Name", "category": "Group",
      "imd_decile": "IMD 2019 decile (1 = most deprived)", "total_waiting": "Total waiting",
      "within_18_weeks": "Under 18 weeks", "over_52_weeks": "Over 52 weeks",
      "pct_within_18_weeks": "% under 18 weeks", "pct_within_18_weeks_lower_ci": "% under 18 weeks, lower 95% CI",
      "pct_within_18_weeks_upper_ci": "% under 18 weeks, upper 95% CI",
      "pct_within_18_weeks_status": "% under 18 weeks: status",
      "pct_over_52_weeks": "% over 52 weeks", "pct_over_52_weeks_lower_ci": "% over 52 weeks, lower 95% CI",
      "pct_over_52_weeks_upper_ci": "% over 52 weeks, upper 95% CI", "pct_over_52_weeks_status": "% over 52 weeks: status"}
WL_FMT = ({WL[c]: "{:,.0f}" for c in ("total_waiting", "within_18_weeks", "over_52_weeks")}
          | {WL[c]: "{:.1f}" for c in WL if c.startswith("pct_") and not c.endswith("status")})
ch.table(dtab.rename(columns=WL), "wlmds_by_decile", "Waiting list by IMD 2019 decile (1 = most deprived): counts, "
         "% under 18 weeks and % over 52 weeks with 95% confidence intervals", source=wl.WLMDS_SOURCE,
         formats=WL_FMT, max_rows=40,
         notes="Counts are pathways, rounded to 5 by NHS England; 'suppressed' marks counts NHS England withheld.")
ch.note(
    "The slope index of inequality (SII) is the difference in % waiting under 18 weeks between the least and the most "
    "deprived ends of a line fitted across all ten deciles, weighted by the number waiting in each (OHID method); "
    "positive means the most deprived are less often seen within 18 weeks. The relative index (RII) is the ratio of "
    "the two ends. WLMDS counts exclude pathways with no recorded neighbourhood, and the ICB rows are its acute "
    "trusts, not its residents.")

# %% [markdown]
# ## Who is on the waiting list at all

# %%
ch.md(
    f"In England, the waiting list holds {num(R.loc[1, 'value'], dp=0)} pathways per 1,000 residents of the most "
    f"deprived tenth of neighbourhoods and {num(R.loc[10, 'value'], dp=0)} per 1,000 in the least deprived tenth: "
    f"{num(R.loc[1, 'ratio_to_least'], dp=2)} times as many. The rate is above the least deprived decile's in every "
    "other decile." if (rates["ratio_to_least"].drop(rates.index[rates["imd_decile"] == 10]) > 1).all() else
    f"In England, the waiting list holds {num(R.loc[1, 'value'], dp=0)} pathways per 1,000 residents of the most "
    f"deprived tenth of neighbourhoods and {num(R.loc[10, 'value'], dp=0)} per 1,000 in the least deprived tenth.")
fig = wl.plot_per_1000(rates)
ch.figure(
    fig, "wlmds_per_1000_by_decile",
    alt=(f"Bar chart of pathways on the waiting list per 1,000 residents in England by national IMD 2019 decile: "
         f"{num(R.loc[1, 'value'], dp=0)} in decile 1 (most deprived), {num(R.loc[5, 'value'], dp=0)} in decile 5 and "
         f"{num(R.loc[10, 'value'], dp=0)} in decile 10 (least deprived)."),
    caption=(f"Waiting list pathways (WLMDS, England, all providers, {WEEK}) per 1,000 residents "
             f"by national IMD 2019 decile; population: {wl.population_year_label()}. 95% confidence intervals "
             "(Byar's method)."),
    source=f"{wl.WLMDS_SOURCE}; ONS small-area population estimates; MHCLG English Indices of Deprivation 2019")
ch.table(rates.rename(columns={"imd_decile": "IMD 2019 decile", "total_waiting": "Pathways waiting",
                               "population": "Residents", "value": "Per 1,000 residents", "lower_ci": "Lower 95% CI",
                               "upper_ci": "Upper 95% CI", "ratio_to_least": "Ratio to decile 10"}),
         "wlmds_per_1000", "Waiting list per 1,000 residents by national IMD 2019 decile, England",
         source=wl.WLMDS_SOURCE, formats={"Pathways waiting": "{:,.0f}", "Residents": "{:,.0f}",
                                          "Per 1,000 residents": "{:.1f}", "Lower 95% CI": "{:.1f}",
                                          "Upper 95% CI": "{:.1f}", "Ratio to decile 10": "{:.3f}"})
ch.note(
    f"The waiting list counts pathways, not people (one person can wait for more than one treatment), and the "
    f"population is the {esc(wl.population_year_label())}, some years before the waiting-list week. Rates are "
    "not age-standardised: deciles with older populations would be expected to have more people waiting. This "
    "England-only view is not shown for the ICB because WLMDS ICB rows are providers, not residents.")

# %% [markdown]
# ## Ethnic group, age and sex

# %%
gv = {k: v for k, v in groups.items()}
age = gv["age"].set_index(["level", "category"])
sex = gv["sex"].set_index(["level", "category"])
n_supp = int(sum(int((v["pct_within_18_weeks_status"] != "published").sum() + (v["pct_over_52_weeks_status"] != "published").sum())
                 for v in gv.values()))
icb_age = age.loc["ICB (providers)"]
ch.md(
    f"At the ICB's acute trusts, {pct(icb_age.loc['0 to 18 years', 'pct_within_18_weeks'])} of children and young "
    f"people (0 to 18) had waited under 18 weeks, {pct(icb_age.loc['19 to 64 years', 'pct_within_18_weeks'])} of "
    f"adults aged 19 to 64 and {pct(icb_age.loc['Over 65 years', 'pct_within_18_weeks'])} of those over 65. "
    f"By sex: women {pct(sex.loc[('ICB (providers)', 'Female'), 'pct_within_18_weeks'])}, men "
    f"{pct(sex.loc[('ICB (providers)', 'Male'), 'pct_within_18_weeks'])}. "
    f"{count(n_supp)} percentage(s) in these breakdowns cannot be shown because NHS England suppressed a small count.")
fig = wl.plot_groups({"ethnicity": gv["ethnicity"], "age": gv["age"], "sex": gv["sex"]}, f"{icb.short_name} (acute trusts)")
eth = gv["ethnicity"]
eth_icb = eth[(eth["level"] == "ICB (providers)") & eth["pct_within_18_weeks"].notna()]
lo_e = eth_icb.loc[eth_icb["pct_within_18_weeks"].idxmin()]
hi_e = eth_icb.loc[eth_icb["pct_within_18_weeks"].idxmax()]
ch.figure(
    fig, "wlmds_groups",
    alt=(f"Dot chart of the share waiting under 18 weeks by ethnic group, age band and sex, for {icb.short_name} ICB's "
         f"acute trusts and England. Among ethnic groups at the ICB's trusts it ranges from "
         f"{pct(lo_e['pct_within_18_weeks'])} ({lo_e['category']}) to {pct(hi_e['pct_within_18_weeks'])} "
         f"({hi_e['category']}); suppressed groups are labelled, not plotted."),
    caption=(f"% waiting under 18 weeks by ethnic category, age band and sex, {WEEK}, with 95% "
             "Wilson confidence intervals. Small groups have wide intervals; 'suppressed' marks cells NHS England "
             "withheld."),
    source=wl.WLMDS_SOURCE)
gtab2 = pd.concat(gv.values(), ignore_index=True)
gtab2 = gtab2[gtab2["level"].isin(["England", "Region", "ICB (providers)"])][
    ["dimension", "level", "org_name", "category", "total_waiting", "within_18_weeks", "over_52_weeks",
     "pct_within_18_weeks", "pct_within_18_weeks_lower_ci", "pct_within_18_weeks_upper_ci", "pct_within_18_weeks_status",
     "pct_over_52_weeks", "pct_over_52_weeks_lower_ci", "pct_over_52_weeks_upper_ci", "pct_over_52_weeks_status"]].copy()
for c in ("total_waiting", "within_18_weeks", "over_52_weeks"):
    gtab2[c] = gtab2[c].astype(object).where(gtab2[c].notna(), "suppressed")
gtab2 = gtab2.assign(dimension=gtab2["dimension"].map({"ethnicity": "Ethnic group", "age": "Age band", "sex": "Sex"})
                     .fillna(gtab2["dimension"]))
ch.table(gtab2.rename(columns=WL), "wlmds_by_group", "Waiting list by ethnic category, age band and sex: England, "
         "the region and the ICB's acute trusts", source=wl.WLMDS_SOURCE, formats=WL_FMT, max_rows=30,
         notes="Counts are pathways, rounded to 5 by NHS England; 'suppressed' marks counts NHS England withheld.")
ch.note("Ethnic category is as recorded by the provider; 'Z: Not stated' and '99: Not known' are recording gaps, "
        "not groups. Differences by age partly reflect the specialties each age group waits for.")

# %% [markdown]
# ## How the ICB compares with the other ICBs

# %%
n_sig_pos = int((comp["sii_lower_ci"] > 0).sum())
ch.md(
    f"Ranked by the slope index of inequality in % waiting under 18 weeks, {esc(icb.short_name)} ICB's acute trusts are "
    f"{ordinal(int(ci['rank']))} of {n_icbs} ICBs (1 = steepest gradient against the most deprived), at "
    f"{num(ci['sii'])} percentage points (95% CI {num(ci['sii_lower_ci'])} to {num(ci['sii_upper_ci'])}). In "
    f"{count(n_sig_pos)} of the {n_icbs} ICBs the most deprived are significantly less often seen within 18 weeks.")
fig = wl.plot_icb_comparison(comp, icb.ods_code)
ch.figure(
    fig, "wlmds_icb_comparison",
    alt=(f"Ranked dot plot of the slope index of inequality in the share waiting under 18 weeks for {n_icbs} ICBs "
         f"(provider basis) with 95% confidence intervals, from {num(comp['sii'].min())} to {num(comp['sii'].max())} "
         f"percentage points; {icb.short_name} is highlighted at {num(ci['sii'])} points, ranked "
         f"{ordinal(int(ci['rank']))}."),
    caption=("Slope index of inequality in % waiting under 18 weeks across IMD 2019 deciles, each ICB's acute trusts, "
             f"{WEEK}, with 95% confidence intervals (simulation, OHID method). This ICB is "
             "the dark diamond."),
    source=wl.WLMDS_SOURCE)
ctab = comp[["rank", "org_code", "org_name", "total_waiting", "pct18_d1", "pct18_d10", "pct18_gap_pp", "sii",
             "sii_lower_ci", "sii_upper_ci", "rii"]].rename(columns={
    "rank": "Rank", "org_code": "ICB code", "org_name": "ICB", "total_waiting": "Waiting (with a decile)",
    "pct18_d1": "% <18 wks, decile 1", "pct18_d10": "% <18 wks, decile 10", "pct18_gap_pp": "Gap (10 minus 1), points",
    "sii": "SII, points", "sii_lower_ci": "SII lower 95% CI", "sii_upper_ci": "SII upper 95% CI", "rii": "RII"})
ch.table(ctab, "wlmds_icb_comparison", "All ICBs (acute trusts located in each ICB): deprivation gap in % waiting "
         "under 18 weeks", source=wl.WLMDS_SOURCE,
         formats={"Waiting (with a decile)": "{:,.0f}", "% <18 wks, decile 1": "{:.1f}", "% <18 wks, decile 10": "{:.1f}",
                  "Gap (10 minus 1), points": "{:.1f}", "SII, points": "{:.1f}", "SII lower 95% CI": "{:.1f}",
                  "SII upper 95% CI": "{:.1f}", "RII": "{:.3f}"})
ch.note(
    "NHS England does not publish which trusts make up each WLMDS ICB row. The book reconstructs it from the data: "
    "the acute trusts whose published counts add up to the ICB row in every cell, within rounding. This ICB's "
    "trusts are those in the table of the latest RTT month above.")

# %%
ch.save()
