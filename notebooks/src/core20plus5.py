# %% [markdown]
# # Core20PLUS5: the clinical areas where inequalities are narrowed

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/core20plus5"
reference_date = ""  # set by the build (the first day of the month the book is as of); "" = this month

# %%
import math

import matplotlib.dates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import figures, geography
from analysis.chapters import core20plus5 as c5
from analysis.report import Chapter, count, esc, num, pct

icb = geography.find_icb(icb_code)
ch = Chapter("core20plus5", data_dir, icb=icb)
figures.style()
name = esc(icb.short_name)
S = c5.SOURCES

# --- every table and number of the chapter, computed once -------------------------------------
hyp = c5.qof_indicator(icb, c5.HYP_CODES, "Hypertension treated to target (HYP008 + HYP009)")
hyp_icb, hyp_eng = hyp.iloc[0], hyp.iloc[1]
hyp_all = c5.qof_indicator_all_icbs(c5.HYP_CODES)
hyp_lim = c5.qof_funnel_limits(c5.HYP_CODES)
hyp_sig = hyp_all.loc[hyp_all["org_code"] == icb.ods_code, "significance"].iloc[0]
chol = c5.qof_indicator(icb, ["CHOL003"], "CHD/PAD/stroke/CKD on lipid-lowering therapy (CHOL003)")
cvd, cvd_sii = c5.cvdprevent_gradient()
prevalence = c5.qof_prevalence(icb, ["HYP", "COPD", "MH", "AST", "DM", "EP"])
by_q = c5.prevalence_by_practice_quintile(icb, list(c5.QOF_GROUP_LABELS))
sii = c5.prevalence_sii(icb, list(c5.QOF_GROUP_LABELS))
cover = c5.practice_quintile_coverage(icb)
bp_heec = c5.heec_indicator_by_quintile(icb, c5.BP_HEEC)
smi = c5.smi_checks(icb)
smi_pts, smi_lim = c5.smi_subicb_funnel(icb)
mh021 = c5.qof_indicator(icb, ["MH021"], "SMI: all six physical health checks in QOF (MH021)")
copd_rev = c5.qof_indicator(icb, ["COPD010"], "COPD review (COPD010)")
ast_rev = c5.qof_indicator(icb, ["AST007"], "Asthma review (AST007)")
ast_cyp = c5.qof_indicator(icb, ["AST008"], "Asthma aged 19 or under: smoking / second-hand smoke recorded (AST008)")
dm_hba1c = c5.qof_indicator(icb, ["DM020"], "Diabetes without frailty: HbA1c 58 mmol/mol or less (DM020)")
cancer = c5.cancer_stage_areas(icb)
mat = c5.maternity_icb(icb)
coc_groups = c5.maternity_coc_groups(icb)
lmns_pts, lmns_lim = c5.maternity_lmns_funnel()
oral = c5.oral_health_areas(icb)
selfharm = c5.self_harm_areas(icb)
head = c5.headline_figures(icb_code, imd_version)


COND = c5.QOF_GROUP_LABELS  # QOF register group code -> condition name, for tables
CI = {"lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI"}


def suppressed(col):
    """A published value, or the word 'suppressed' where the publisher withheld it (never 0 or a blank)."""
    return col.astype(object).where(col.notna(), "suppressed")


def area_val(df, area, col="value"):
    return df.loc[df["area"] == area, col].iloc[0]


def prev_val(group, area):
    d = prevalence[(prevalence["group_code"] == group) & (prevalence["area"] == area)]
    return d["value"].iloc[0]


def sii_val(group, area):
    d = sii[(sii["group_code"] == group) & (sii["area"] == area)]
    return d["value"].iloc[0], d["lower_ci"].iloc[0], d["upper_ci"].iloc[0]


def sii_text(group):
    v, lo, hi = sii_val(group, icb.short_name)
    ve, loe, hie = sii_val(group, "England")
    return (f"{num(v, dp=2, lo=-30, hi=30)} percentage points (95% CI {num(lo, dp=2, lo=-30, hi=30)} to "
            f"{num(hi, dp=2, lo=-30, hi=30)}) across {name}'s practices, against {num(ve, dp=2, lo=-30, hi=30)} "
            f"in England")


def sig_word(lo, hi, ref):
    if hi < ref:
        return "lower than"
    if lo > ref:
        return "higher than"
    return "similar to"


smi_icb = smi[smi["area"] == icb.short_name].sort_values("quarter_end")
smi_eng = smi[smi["area"] == "England"].sort_values("quarter_end")
smi_last, smi_last_eng = smi_icb.iloc[-1], smi_eng.iloc[-1]
smi_period = f"12 months to {smi_last['quarter_end']:%B %Y}"

cs_latest = c5.latest_published(cancer, "year")
cs_year = int(cs_latest["year"].iloc[0])
cs_eng = cancer[(cancer["area_code"] == "E92000001") & (cancer["year"] == cs_year)].iloc[0]
cs_eng_last = cancer[cancer["area_code"] == "E92000001"].sort_values("year").iloc[-1]

coc = mat[mat["indicator"] == c5.COC]
has_coc = (coc["area"] == icb.short_name).any()
smk = mat[mat["indicator"] == "CQIMSmokingDelivery"]
has_smk = (smk["area"] == icb.short_name).any()

oral_latest = c5.latest_published(oral, "period")
oral_period = oral_latest["period"].iloc[0]
oral_eng = oral[(oral["area_code"] == "E92000001") & (oral["period"] == oral_period)]["value"].iloc[0]
oral_eng_last = oral[oral["area_code"] == "E92000001"].sort_values("period").iloc[-1]
cvd_hyp = cvd[cvd["indicator_code"] == "CVDP007HYP"].set_index("imd_quintile")
cvd_hyp_sii = cvd_sii[cvd_sii["indicator_code"] == "CVDP007HYP"].iloc[0]

# %%
# How well the data held here measure each area's ambition (shown in the summary table's
# 'Data status' column; 'Gap' and 'Proxy' mean the ambition itself is not measured).
#: Numeric ambitions, from the chapter's single table of ambitions (never typed twice).
TARGET = {a["key"]: a["target_pct"] for a in c5.AMBITIONS if a["target_pct"] is not None}
T_TXT = {k: pct(v, dp=0) for k, v in TARGET.items()}
coc_max = lmns_pts["value"].max()  # highest continuity-of-carer share of any local maternity system

DATA_STATUS = {
    "maternity": "Partial: one month, counts rounded to 5",
    "smi": "Good to March 2024",
    "respiratory": "Proxy: vaccine uptake in COPD not held",
    "cancer": "Local authority only; no ICB or deprivation split",
    "hypertension": "Good (QOF); deprivation split England only",
    "asthma": "Proxy: all ages; reliever use and attacks not held",
    "diabetes": "Gap: no children's diabetes data here",
    "epilepsy": "Gap: no children's epilepsy data here",
    "oral_health": "Proxy: decay, not hospital extractions",
    "cyp_mental_health": "Gap: old proxy only; access data not held",
}

findings = [
    f"**Hypertension:** {pct(hyp_icb['value'])} of {name}'s patients with hypertension had their blood pressure "
    f"treated to target in 2024-25 (everyone on the register counted), against {pct(hyp_eng['value'])} in England "
    f"and the {T_TXT['hypertension']} ambition. In England the share is {pct(cvd_hyp.loc[1, 'value'])} in the most deprived fifth of "
    f"neighbourhoods and {pct(cvd_hyp.loc[5, 'value'])} in the least deprived (CVDPREVENT, 12 months to March 2026).",
    f"**Severe mental illness:** {pct(smi_last['value'])} of people on {name}'s SMI registers had all six "
    f"physical health checks in the {smi_period}, against {pct(smi_last_eng['value'])} in England "
    f"(ambition {T_TXT['smi']}).",
    f"**Early cancer diagnosis:** in {cs_year} between {pct(cs_latest['value'].min())} and "
    f"{pct(cs_latest['value'].max())} of staged cancers in {name}'s local authorities were found at stage 1 or 2, "
    f"against {pct(cs_eng['value'])} in England and the {T_TXT['cancer']} ambition for 2028.",
    f"**Children's oral health:** in {esc(oral_period)}, up to {pct(oral_latest['value'].max())} of five-year-olds "
    f"in {name}'s local authorities had visible tooth decay, against {pct(oral_eng)} in England.",
]
if has_coc:
    findings.insert(1, f"**Maternity:** {pct(area_val(coc, icb.short_name))} of women booked in {name}'s local "
                    f"maternity system had a continuity-of-carer plan by 28 weeks in April 2025, against "
                    f"{pct(area_val(coc, 'England'))} in England"
                    + (f"; every local maternity system is below the {T_TXT['maternity']} ambition."
                       if coc_max < TARGET["maternity"] else f", against the {T_TXT['maternity']} ambition."))
_unmeasured = [a["area"].lower() + (" in children" if a["group"].startswith("Children") else "")
               for a in c5.AMBITIONS if DATA_STATUS[a["key"]].startswith(("Gap", "Proxy"))]
findings.append(f"For {count(len(_unmeasured))} of the ten areas ({', '.join(_unmeasured)}) no dataset here measures "
                "the ambition itself (only a proxy, or nothing): each section names the publication that would "
                "fill the gap.")
ch.findings(findings)

# %% [markdown]
# ## Summary: the ten areas at a glance

# %%
def fmt_pct(v, lo=0, hi=100):
    return pct(v, lo=lo, hi=hi) if v is not None and not (isinstance(v, float) and math.isnan(v)) else "not available"


def fmt_sii(group):
    v, lo, hi = sii_val(group, icb.short_name)
    return f"SII {num(v, dp=2, lo=-30, hi=30)} pp (95% CI {num(lo, dp=2, lo=-30, hi=30)} to {num(hi, dp=2, lo=-30, hi=30)})"


rows = []
amb = {a["key"]: a for a in c5.AMBITIONS}
rows.append(("maternity", f"{fmt_pct(area_val(coc, icb.short_name))} continuity-of-carer plan by 28 weeks" if has_coc
             else "not submitted for April 2025", "April 2025",
             f"{pct(area_val(coc, 'England'))}",
             "England: decile 1 {0} vs decile 10 {1}".format(
                 pct(coc_groups[(coc_groups['area'] == 'England') & (coc_groups['imd_decile'] == 1)]['value'].iloc[0]),
                 pct(coc_groups[(coc_groups['area'] == 'England') & (coc_groups['imd_decile'] == 10)]['value'].iloc[0])),
             DATA_STATUS["maternity"]))
rows.append(("smi", f"{pct(smi_last['value'])} all six checks", smi_period, pct(smi_last_eng["value"]),
             "Not published by deprivation", DATA_STATUS["smi"]))
rows.append(("respiratory", f"{pct(prev_val('COPD', icb.short_name), hi=20)} COPD recorded prevalence", "2024-25",
             pct(prev_val("COPD", "England"), hi=20), fmt_sii("COPD") + " (2022-23)",
             DATA_STATUS["respiratory"]))
rows.append(("cancer", f"{pct(cs_latest['value'].min())} to {pct(cs_latest['value'].max())} at stage 1-2 "
             f"(local authorities)", str(cs_year), pct(cs_eng["value"]), "Not held by deprivation",
             DATA_STATUS["cancer"]))
rows.append(("hypertension", f"{pct(hyp_icb['value'])} treated to target", "2024-25", pct(hyp_eng["value"]),
             "England: {0} in the most deprived quintile vs {1} in the least (CVDPREVENT)".format(
                 pct(cvd_hyp.loc[1, "value"]), pct(cvd_hyp.loc[5, "value"])),
             DATA_STATUS["hypertension"]))
rows.append(("asthma", f"{pct(prev_val('AST', icb.short_name), hi=20)} recorded prevalence (aged 6+)", "2024-25",
             pct(prev_val("AST", "England"), hi=20), fmt_sii("AST") + " (2022-23)",
             DATA_STATUS["asthma"]))
rows.append(("diabetes", f"{pct(prev_val('DM', icb.short_name), hi=20)} recorded prevalence (aged 17+)", "2024-25",
             pct(prev_val("DM", "England"), hi=20), fmt_sii("DM") + " (2022-23)",
             DATA_STATUS["diabetes"]))
rows.append(("epilepsy", f"{pct(prev_val('EP', icb.short_name), hi=20)} recorded prevalence (aged 18+)", "2024-25",
             pct(prev_val("EP", "England"), hi=20), fmt_sii("EP") + " (2022-23)",
             DATA_STATUS["epilepsy"]))
rows.append(("oral_health", f"up to {pct(oral_latest['value'].max())} of five-year-olds with decay",
             oral_period, pct(oral_eng), "Not held by deprivation",
             DATA_STATUS["oral_health"]))
sh_icb = selfharm[(selfharm["area_code"] != "E92000001")].dropna(subset=["value"])
sh_last = sh_icb[sh_icb["period"] == sh_icb["period"].max()] if len(sh_icb) else sh_icb
sh_eng = selfharm[(selfharm["area_code"] == "E92000001")].sort_values("period").iloc[-1]
rows.append(("cyp_mental_health",
             (f"{num(sh_last['value'].min(), dp=1, lo=0, hi=3000)} to {num(sh_last['value'].max(), dp=1, lo=0, hi=3000)} "
              "self-harm admissions per 100,000 aged 10-24") if len(sh_last) else "not available",
             sh_last["period"].iloc[0] if len(sh_last) else "-",
             num(sh_eng["value"], dp=1, lo=0, hi=3000), "Not held by deprivation",
             DATA_STATUS["cyp_mental_health"]))
n_gap = sum(1 for r in rows if str(r[5]).startswith("Gap"))
ch.md(f"For each of the ten clinical areas, the table gives the national ambition, the latest value for {name} "
      f"against England and, in the 'Data status' column, how well the data held here measure it: for "
      f"{count(n_gap)} of the ten ('Gap') no dataset here comes close, and for others only a proxy is held.")
summary = pd.DataFrame([{"Clinical area": amb[k]["area"], "Group": amb[k]["group"], "National ambition": amb[k]["ambition"],
                         f"{icb.short_name}": v, "Period": p, "England": e, "Deprivation gap": g, "Data status": st}
                        for k, v, p, e, g, st in rows])
ch.table(summary, "summary", f"The Core20PLUS5 clinical areas: national ambition, latest value for {icb.short_name} "
         "and England, the gap by deprivation where the data measure it, and the status of the data.",
         source="See each section below",
         notes="pp = percentage points. SII = slope index of inequality across practice-deprivation quintiles, "
               "most minus least deprived (positive = higher among the most deprived).")

# %% [markdown]
# ## Adults: maternity

# %%
a = amb["maternity"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
if has_coc:
    ci = coc[coc["area"] == icb.short_name].iloc[0]
    ch.md(f"In April 2025, {pct(ci['value'])} (95% CI {pct(ci['lower_ci'])} to {pct(ci['upper_ci'])}) of women "
          f"booked by {name}'s local maternity and neonatal system had a continuity-of-carer plan by 28 weeks of "
          f"pregnancy, {sig_word(ci['lower_ci'], ci['upper_ci'], area_val(coc, 'England'))} England's "
          f"{pct(area_val(coc, 'England'))}.")
else:
    ch.note(f"{name}'s local maternity and neonatal system submitted no continuity-of-carer figures for April 2025.",
            kind="warning", title="Not submitted")
lsig = lmns_pts["org_code"] == icb.ods_code
fig = c5.plot_funnel(lmns_pts, lmns_lim, lsig, xlabel="Women booked (April 2025, log scale)",
                     ylabel="Continuity-of-carer plan by 28 weeks (%)",
                     title="Continuity of carer by local maternity system", label_highlight=icb.short_name)
n_low = int(lmns_pts["significance"].astype(str).str.startswith("Low (0.001)").sum())
ch.figure(fig, "maternity_coc_funnel",
          alt=(f"Funnel plot of the {count(len(lmns_pts))} local maternity systems: share of women with a "
               f"continuity-of-carer plan by 28 weeks against number booked in April 2025. "
               + (f"{name} is at {pct(area_val(coc, icb.short_name))}; " if has_coc else "")
               + f"{count(n_low)} systems are below the 99.8% limit."),
          caption="Continuity of carer by 28 weeks, each local maternity and neonatal system (LMNS, the ICB "
                  "footprint) against the number of women booked; dashed and dotted lines are 95% and 99.8% "
                  "funnel limits around the all-LMNS average.",
          source=S["msds"])
eng_groups = coc_groups[coc_groups["area"] == "England"]
tab = coc_groups[["area", "breakdown", "label", "numerator", "denominator", "value", "lower_ci", "upper_ci"]].rename(
    columns={"area": "Area", "breakdown": "Breakdown", "label": "Group", "numerator": "Women with a plan by 28 weeks",
             "denominator": "Women booked", "value": "% with a plan by 28 weeks", **CI})
ch.table(tab, "maternity_coc_by_group",
         "Continuity-of-carer plan by 28 weeks by the mother's IMD decile (1 = most deprived) and ethnic group, "
         f"England and {icb.short_name}, April 2025.",
         source=S["msds"], formats={c: "{:.1f}" for c in ["% with a plan by 28 weeks", *CI.values()]} |
         {"Women with a plan by 28 weeks": "{:,.0f}", "Women booked": "{:,.0f}"},
         notes="Counts rounded to the nearest 5 by the publisher; groups with suppressed counts are left out. "
               "Missing/unknown groups are not shown.")
sm_i = smk[smk["area"] == icb.short_name]
if has_smk:
    ch.md(f"Smoking at the time of delivery, a Saving Babies' Lives measure: {pct(sm_i['value'].iloc[0])} in {name} "
          f"against {pct(area_val(smk, 'England'))} in England (April 2025).")
ch.note("One month of provisional data, with counts rounded to 5: local figures by decile rest on a handful of "
        "women and are shown for completeness, not to rank deciles. The annual MSDS publication does not "
        "cross-tabulate outcomes by deprivation. Would add: "
        f"{c5.DATA_GAPS['maternity']['dataset']} ({c5.DATA_GAPS['maternity']['publisher']}, "
        f"{c5.DATA_GAPS['maternity']['url']}).", title="Caveat and data gap", kind="warning")

# %% [markdown]
# ## Adults: severe mental illness

# %%
a = amb["smi"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
ch.md(f"In the {smi_period}, {pct(smi_last['value'])} (95% CI {pct(smi_last['lower_ci'])} to "
      f"{pct(smi_last['upper_ci'])}) of the {count(smi_last['SMIRegister'])} people on {name}'s SMI registers had "
      f"all six physical health checks, {sig_word(smi_last['lower_ci'], smi_last['upper_ci'], smi_last_eng['value'])} "
      f"England's {pct(smi_last_eng['value'])}. In QOF 2024-25 (a related but different count), "
      f"{pct(area_val(mh021, icb.short_name))} received all six elements, against {pct(area_val(mh021, 'England'))} "
      "in England.")
fig, ax = plt.subplots(figsize=(8, 4.2))
for d, col, mk, lab in [(smi_icb, figures.HIGHLIGHT, "D", icb.short_name), (smi_eng, figures.NHS_MID_GREY, "o", "England")]:
    ax.plot(d["quarter_end"], d["value"], marker=mk, color=col, label=lab)
    ax.fill_between(d["quarter_end"], d["lower_ci"], d["upper_ci"], color=col, alpha=0.15)
ax.axhline(TARGET["smi"], color=figures.NHS_BLACK, ls="-.", lw=1, label=f"Ambition {T_TXT['smi']}")
ax.set_ylabel("All six checks (%)")
ax.set_xlabel("12 months to the end of each quarter")
ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b\n%Y"))
ax.set_title("People with SMI receiving all six physical health checks")
ax.set_ylim(0, 100)
ax.legend(fontsize=9)
ch.figure(fig, "smi_checks_trend",
          alt=(f"Line chart of the share of people with SMI receiving all six checks, each quarter from "
               f"{smi_icb['quarter_end'].iloc[0]:%B %Y} to {smi_last['quarter_end']:%B %Y}: {name} ends at "
               f"{pct(smi_last['value'])} and England at {pct(smi_last_eng['value'])}, against a {T_TXT['smi']} ambition."),
          caption="Rolling 12-month share of people on GP SMI registers who received all six physical health "
                  "checks, with 95% confidence bands.", source=S["smi"])
fig = c5.plot_funnel(smi_pts, smi_lim, smi_pts["in_icb"], xlabel="People on SMI register (log scale)",
                     ylabel="All six checks (%)", title="SMI health checks by sub-ICB location",
                     target=TARGET["smi"], label_highlight=icb.short_name)
ch.figure(fig, "smi_checks_funnel",
          alt=(f"Funnel plot of {count(len(smi_pts))} sub-ICB locations for the {smi_period}; "
               f"{name}'s sub-ICB locations are drawn as diamonds."),
          caption="All six SMI checks in each sub-ICB location, with 95% and 99.8% funnel limits around the "
                  "England average.", source=S["smi"])
smi_tab = smi[["area", "fin_year", "quarter", "quarter_end", "All6PHC", "SMIRegister", "value", "lower_ci", "upper_ci"]]
smi_tab = smi_tab.assign(quarter_end=smi_tab["quarter_end"].dt.strftime("%d %b %Y")).rename(columns={
    "area": "Area", "fin_year": "Financial year", "quarter": "Quarter", "quarter_end": "12 months to",
    "All6PHC": "People with all six checks", "SMIRegister": "People on the SMI register",
    "value": "% with all six checks", **CI})
ch.table(smi_tab, "smi_checks", f"SMI physical health checks, {icb.short_name} and England, by quarter (rolling 12 months).",
         source=S["smi"], formats={"% with all six checks": "{:.1f}", "Lower 95% CI": "{:.1f}", "Upper 95% CI": "{:.1f}",
                                   "People with all six checks": "{:,.0f}", "People on the SMI register": "{:,.0f}"})
ch.md(f"Recorded SMI prevalence (QOF 2024-25) is {pct(prev_val('MH', icb.short_name), dp=2, hi=5)} in {name} "
      f"against {pct(prev_val('MH', 'England'), dp=2, hi=5)} in England; across practices the SII is "
      f"{sii_text('MH')} (QOF 2022-23, most minus least deprived).")
g = c5.DATA_GAPS["smi"]
ch.note(f"No split of the checks by deprivation or ethnicity is published; the series here ends in March 2024. "
        f"Would add: {g['dataset']} ({g['publisher']}, {g['url']}).", title="Caveat and data gap", kind="warning")

# %% [markdown]
# ## Adults: chronic respiratory disease

# %%
a = amb["respiratory"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
ch.md(f"Recorded COPD prevalence is {pct(prev_val('COPD', icb.short_name), dp=2, hi=20)} in {name} against "
      f"{pct(prev_val('COPD', 'England'), dp=2, hi=20)} in England (QOF 2024-25). Across practices, recorded "
      f"prevalence rises with deprivation: the SII is {sii_text('COPD')}. "
      f"{pct(area_val(copd_rev, icb.short_name))} of patients with COPD had an annual review (COPD010, everyone on "
      f"the register counted) against {pct(area_val(copd_rev, 'England'))} in England.")
fig = c5.plot_quintile_prevalence(by_q, "COPD", icb.short_name, "COPD: recorded prevalence by practice deprivation")
ch.figure(fig, "copd_by_quintile",
          alt=(f"Recorded COPD prevalence by national practice deprivation quintile for {name} and England, "
               f"2022-23; SII {num(sii_val('COPD', icb.short_name)[0], dp=2, lo=-30, hi=30)} percentage points "
               "in the ICB."),
          caption="Recorded COPD prevalence by practice deprivation quintile (1 = most deprived), pooled "
                  "registers over list sizes, with 95% confidence intervals. A quintile without any of the ICB's "
                  "practices has no point.", source=S["qof2223"])
g = c5.DATA_GAPS["respiratory"]
ch.note(f"Recorded prevalence mixes true prevalence and case-finding, so a higher figure is not simply worse. The "
        f"ambition itself (vaccine uptake, exacerbations) is not measured by any dataset here. Would add: "
        f"{g['dataset']} ({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Adults: early cancer diagnosis

# %%
a = amb["cancer"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
la = cancer[cancer["area_code"] != "E92000001"]
ch.md(f"In {cs_year}, the share of staged cancers diagnosed at stage 1 or 2 ranged from "
      f"{pct(cs_latest['value'].min())} ({esc(cs_latest.loc[cs_latest['value'].idxmin(), 'area_name'])}) to "
      f"{pct(cs_latest['value'].max())} ({esc(cs_latest.loc[cs_latest['value'].idxmax(), 'area_name'])}) across "
      f"{name}'s local authorities, against {pct(cs_eng['value'])} in England; "
      + (f"every area remains short of the {T_TXT['cancer']} ambition." if cs_latest["value"].max() < TARGET["cancer"]
         else f"{count(int((cs_latest['value'] >= TARGET['cancer']).sum()))} area(s) reach the {T_TXT['cancer']} ambition."))
fig, ax = plt.subplots(figsize=(8, 4.5))
markers = ["D", "s", "^", "v", "P", "X", "<", ">", "h", "*"]
for i, (code, d) in enumerate(la.groupby("area_code")):
    d = d.sort_values("year")
    ax.plot(d["year"], d["value"], marker=markers[i % len(markers)], color=figures.DECILE_COLOURS[min(i, 7)],
            label=d["area_name"].iloc[0], lw=1.2, ms=5)
e = cancer[cancer["area_code"] == "E92000001"].sort_values("year")
ax.plot(e["year"], e["value"], color=figures.NHS_BLACK, lw=2.2, label="England")
ax.axhline(TARGET["cancer"], color=figures.NHS_BLACK, ls="-.", lw=1, label=f"Ambition {T_TXT['cancer']} by 2028")
ax.set_ylabel("Diagnosed at stage 1 or 2 (%)")
ax.set_title("Cancers diagnosed at an early stage")
# Fixed 40-80% frame for comparability between books, widened if an area's data fall outside it.
ax.set_ylim(min(40, la["value"].min() - 2), max(80, la["value"].max() + 2))
ax.legend(fontsize=8, ncol=2)
ch.figure(fig, "cancer_stage_trend",
          alt=(f"Line chart of the share of cancers diagnosed at stage 1 or 2 from {int(e['year'].min())} to "
               f"{int(e['year'].max())} for {name}'s local authorities and England; England was "
               f"{pct(cs_eng_last['value'])} in {int(cs_eng_last['year'])}, "
               + ("all areas below" if la["value"].max() < TARGET["cancer"] else "some areas at or above")
               + f" the {T_TXT['cancer']} ambition."),
          caption="Percentage of staged cancers diagnosed at stage 1 or 2, each upper-tier local authority of the "
                  "ICB and England (the 2020 dip reflects the pandemic).", source=S["cancer"])
ch.table(cancer[["area_code", "area_name", "year", "value", "lower_ci", "upper_ci", "compared_to_england"]].assign(
    value=lambda d: suppressed(d["value"])).rename(columns={
        "area_code": "Area code", "area_name": "Area", "year": "Year", "value": "% diagnosed at stage 1 or 2", **CI,
        "compared_to_england": "Compared with England"}),
    "cancer_stage", "Cancers diagnosed at stage 1 or 2 (%), with 95% confidence intervals.", source=S["cancer"],
    formats={"% diagnosed at stage 1 or 2": "{:.1f}", "Lower 95% CI": "{:.1f}", "Upper 95% CI": "{:.1f}"},
    notes="Compared with England: the area's 95% CI lies wholly above or below England's value. 'suppressed': "
          "withheld by the publisher.")
g = c5.DATA_GAPS["cancer"]
ch.note(f"No ICB-level figure and no split by deprivation is held here. Would add: {g['dataset']} "
        f"({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Adults: hypertension and lipids

# %%
a = amb["hypertension"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
sig_txt = {"High (0.001)": "well above", "High (0.025)": "above", "Low (0.001)": "well below",
           "Low (0.025)": "below"}.get(str(hyp_sig), "within the range expected around")
ch.md(f"In 2024-25, {pct(hyp_icb['value'])} (95% CI {pct(hyp_icb['lower_ci'])} to {pct(hyp_icb['upper_ci'])}) of "
      f"{count(hyp_icb['denominator'])} patients on {name}'s hypertension registers had a last blood pressure at or "
      f"below target, {sig_txt} the average of all ICBs ({pct(hyp_eng['value'])} in England).")
fig = c5.plot_funnel(hyp_all, hyp_lim, hyp_all["org_code"] == icb.ods_code,
                     xlabel="Patients on hypertension registers (log scale)", ylabel="Treated to target (%)",
                     title="Hypertension treated to target, 42 ICBs, 2024-25", target=TARGET["hypertension"],
                     label_highlight=icb.short_name)
ch.figure(fig, "hypertension_funnel",
          alt=(f"Funnel plot of the 42 ICBs: share of hypertension patients treated to target against register "
               f"size; {name} is at {pct(hyp_icb['value'])} against an England average of {pct(hyp_eng['value'])} "
               f"and the {T_TXT['hypertension']} ambition."),
          caption="QOF HYP008 (under 80, 140/90 mmHg) and HYP009 (80 and over, 150/90 mmHg) combined, every "
                  "patient on the register in the denominator (personalised care adjustments count as not "
                  "treated to target), with 95% and 99.8% funnel limits.", source=S["qof2425"])
ch.md(f"Across England, the gap by deprivation is clear: {pct(cvd_hyp.loc[1, 'value'])} treated to the "
      f"appropriate threshold in the most deprived fifth of neighbourhoods against {pct(cvd_hyp.loc[5, 'value'])} "
      f"in the least deprived, a slope index of inequality (least minus most deprived) of "
      f"{num(cvd_hyp_sii['value'], dp=2, lo=-30, hi=30)} percentage points (95% CI {num(cvd_hyp_sii['lower_ci'], dp=2, lo=-30, hi=30)} to "
      f"{num(cvd_hyp_sii['upper_ci'], dp=2, lo=-30, hi=30)}).")
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, code, title in [(axes[0], "CVDP007HYP", "Hypertension treated to threshold"),
                        (axes[1], "CVDP005HYP", "One high BP reading, no diagnosis")]:
    d = cvd[cvd["indicator_code"] == code].sort_values("imd_quintile")
    ax.bar(d["imd_quintile"], d["value"], color=figures.QUINTILE_COLOURS, edgecolor=figures.NHS_DARK_GREY)
    ax.errorbar(d["imd_quintile"], d["value"], yerr=[d["value"] - d["lower_ci"], d["upper_ci"] - d["value"]],
                fmt="none", color=figures.NHS_BLACK, capsize=3)
    for x, v in zip(d["imd_quintile"], d["value"]):
        ax.annotate(f"{v:.1f}%", (x, v), ha="center", va="bottom", fontsize=8, xytext=(0, 3), textcoords="offset points")
    ax.set_xticks([1, 2, 3, 4, 5], ["1\nmost", "2", "3", "4", "5\nleast"])
    ax.set_title(title, fontsize=10.5)
    ax.set_xlabel("IMD 2019 quintile")
    ax.set_axisbelow(True)
    ax.grid(axis="x", visible=False)
    figures.percent_axis(ax)
    lo_ = float(d["value"].min())
    ax.set_ylim(lo_ * 0.9 if lo_ > 10 else 0, float(d["value"].max()) * 1.06)
axes[0].set_ylabel("Share of patients")
cvd5 = cvd[cvd["indicator_code"] == "CVDP005HYP"].set_index("imd_quintile")
ch.figure(fig, "cvdprevent_quintiles",
          alt=(f"Two bar charts by IMD quintile for England: hypertension treated to threshold rises from "
               f"{pct(cvd_hyp.loc[1, 'value'])} in the most deprived to {pct(cvd_hyp.loc[5, 'value'])} in the least; "
               f"people with one high blood pressure reading but no diagnosis fall from {pct(cvd5.loc[1, 'value'], dp=2)} "
               f"to {pct(cvd5.loc[5, 'value'], dp=2)}."),
          caption="CVDPREVENT, England, by IMD 2019 quintile of the patient's neighbourhood (1 = most deprived), "
                  "with 95% confidence intervals; the right panel is a case-finding signal.", source=S["cvdprevent"])
ch.table(cvd_sii[["indicator_code", "indicator", "value", "lower_ci", "upper_ci"]].rename(
    columns={"indicator_code": "Indicator code", "indicator": "Indicator", "value": "SII (percentage points)", **CI}),
    "cvdprevent_sii",
    "Slope index of inequality across IMD quintiles, England, CVDPREVENT to March 2026 (least minus most deprived, "
    "percentage points).", source=S["cvdprevent"],
    formats={"SII (percentage points)": "{:.2f}", "Lower 95% CI": "{:.2f}", "Upper 95% CI": "{:.2f}"})
if bp_heec["median_value"].notna().any():
    yr = int(bp_heec["year"].iloc[0])
    b_icb = bp_heec[bp_heec["area"] == icb.short_name].dropna(subset=["median_value"])
    b_eng = bp_heec[bp_heec["area"] == "England"].dropna(subset=["median_value"])
    ch.md(f"Within {name}, the typical (median) practice controlled blood pressure (under 80s, 140/90 mmHg) for "
          f"between {pct(b_icb['median_value'].min())} and {pct(b_icb['median_value'].max())} of its patients "
          f"across the practice-deprivation quintiles in {yr - 1}/{str(yr)[-2:]}, against "
          f"{pct(b_eng['median_value'].min())} to {pct(b_eng['median_value'].max())} in England.")
    ch.table(bp_heec[["area", "year", "practice_quintile", "median_value", "england_median"]].rename(columns={
        "area": "Area", "year": "Year", "practice_quintile": "Practice deprivation quintile",
        "median_value": "Median practice blood pressure control (%)",
        "england_median": "England: median of all practices (%)"}),
             "bp_control_by_practice_quintile",
             "Median practice blood pressure control (HYP008 family, PCAs in the denominator) by national practice "
             "deprivation quintile ('1-2' = the two most deprived, merged by the source; 5 = least deprived).",
             source=S["heec"], formats={"Median practice blood pressure control (%)": "{:.1f}",
                                        "England: median of all practices (%)": "{:.1f}"},
             notes="Medians of practice percentages, unweighted by list size: a gradient descriptor, not a pooled rate.")
ch.md(f"Recorded hypertension prevalence is {pct(prev_val('HYP', icb.short_name), hi=40)} in {name} against "
      f"{pct(prev_val('HYP', 'England'), hi=40)} in England; the SII across practices is {sii_text('HYP')}. On lipids, "
      f"{pct(area_val(chol, icb.short_name))} of patients with CHD, PAD, stroke/TIA or CKD were on lipid-lowering "
      f"therapy (CHOL003, everyone counted) against {pct(area_val(chol, 'England'))} in England; in England, "
      f"{pct(cvd[(cvd['indicator_code'] == 'CVDP003CHOL') & (cvd['imd_quintile'] == 1)]['value'].iloc[0])} of people "
      "with a QRISK score of 20% or more in the most deprived quintile were on lipid-lowering therapy.")
fig = c5.plot_quintile_prevalence(by_q, "HYP", icb.short_name, "Hypertension: recorded prevalence by practice deprivation")
ch.figure(fig, "hyp_prevalence_by_quintile",
          alt=(f"Recorded hypertension prevalence by national practice deprivation quintile for {name} and England, "
               f"2022-23; SII in the ICB {num(sii_val('HYP', icb.short_name)[0], dp=2, lo=-30, hi=30)} percentage points."),
          caption="Recorded hypertension prevalence by practice deprivation quintile (1 = most deprived), with 95% "
                  "confidence intervals. Recorded prevalence also reflects the age of the population.",
          source=S["qof2223"])
g = c5.DATA_GAPS["hypertension"]
ch.note(f"CVDPREVENT's deprivation split is for England only, and no modelled (expected) prevalence is held, so a "
        f"recorded-versus-expected case-finding gap cannot be shown for {name}. Would add: {g['dataset']} "
        f"({g['publisher']}, {g['url']}).", title="Caveat and data gap", kind="warning")

# %% [markdown]
# ## Children and young people: asthma

# %%
a = amb["asthma"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
ch.md(f"QOF counts asthma from age 6 at every age: recorded prevalence is {pct(prev_val('AST', icb.short_name), hi=20)} "
      f"in {name} against {pct(prev_val('AST', 'England'), hi=20)} in England (2024-25), with an SII across "
      f"practices of {sii_text('AST')}. For young people aged 19 or under, {pct(area_val(ast_cyp, icb.short_name))} "
      f"had their own smoking or second-hand smoke exposure recorded (AST008) against "
      f"{pct(area_val(ast_cyp, 'England'))} in England.")
fig = c5.plot_quintile_prevalence(by_q, "AST", icb.short_name, "Asthma (aged 6+): recorded prevalence by practice deprivation")
ch.figure(fig, "asthma_by_quintile",
          alt=(f"Recorded asthma prevalence (aged 6 and over) by practice deprivation quintile for {name} and England, "
               f"2022-23; SII {num(sii_val('AST', icb.short_name)[0], dp=2, lo=-30, hi=30)} percentage points in the ICB."),
          caption="Recorded asthma prevalence (aged 6 and over) by practice deprivation quintile, 95% CIs.",
          source=S["qof2223"])
g = c5.DATA_GAPS["asthma"]
ch.note(f"No children's asthma measure of the ambition (reliever over-use, attacks, admissions) is held here. "
        f"Would add: {g['dataset']} ({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Children and young people: diabetes

# %%
a = amb["diabetes"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
ch.md(f"Only adult data are held: recorded diabetes prevalence (aged 17+) is {pct(prev_val('DM', icb.short_name), hi=20)} "
      f"in {name} against {pct(prev_val('DM', 'England'), hi=20)} in England, with an SII across practices of "
      f"{sii_text('DM')}; {pct(area_val(dm_hba1c, icb.short_name))} of adults without frailty had HbA1c at or "
      f"below 58 mmol/mol (DM020, everyone counted) against {pct(area_val(dm_hba1c, 'England'))} in England.")
fig = c5.plot_quintile_prevalence(by_q, "DM", icb.short_name, "Diabetes (aged 17+): recorded prevalence by practice deprivation")
ch.figure(fig, "diabetes_by_quintile",
          alt=(f"Recorded diabetes prevalence (aged 17 and over) by practice deprivation quintile for {name} and "
               f"England, 2022-23; SII {num(sii_val('DM', icb.short_name)[0], dp=2, lo=-30, hi=30)} percentage points."),
          caption="Recorded diabetes prevalence (aged 17 and over) by practice deprivation quintile, 95% CIs.",
          source=S["qof2223"])
g = c5.DATA_GAPS["diabetes"]
ch.note(f"No dataset here describes children and young people with diabetes. Would add: {g['dataset']} "
        f"({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Children and young people: epilepsy

# %%
a = amb["epilepsy"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
ch.md(f"Only adults (aged 18+, on drug treatment) are counted in QOF: recorded epilepsy prevalence is "
      f"{pct(prev_val('EP', icb.short_name), dp=2, hi=5)} in {name} against {pct(prev_val('EP', 'England'), dp=2, hi=5)} "
      f"in England, with an SII across practices of {sii_text('EP')}.")
fig = c5.plot_quintile_prevalence(by_q, "EP", icb.short_name, "Epilepsy (aged 18+): recorded prevalence by practice deprivation")
ch.figure(fig, "epilepsy_by_quintile",
          alt=(f"Recorded epilepsy prevalence (aged 18 and over) by practice deprivation quintile for {name} and "
               f"England, 2022-23; SII {num(sii_val('EP', icb.short_name)[0], dp=2, lo=-30, hi=30)} percentage points."),
          caption="Recorded epilepsy prevalence (aged 18 and over) by practice deprivation quintile, 95% CIs.",
          source=S["qof2223"])
g = c5.DATA_GAPS["epilepsy"]
ch.note(f"No dataset here describes children with epilepsy or access to specialist nurses. Would add: "
        f"{g['dataset']} ({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Children and young people: oral health

# %%
a = amb["oral_health"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
worst = oral_latest.loc[oral_latest["value"].idxmax()]
ch.md(f"In the {esc(oral_period)} survey, {pct(worst['value'])} of five-year-olds in {esc(worst['area_name'])} had "
      f"visible tooth decay (Fingertips: {esc(worst['compared_to_england']).lower()} compared with England), against "
      f"{pct(oral_eng)} in England. This is the latest survey with a published value for {name}'s areas.")
fig, ax = plt.subplots(figsize=(8, 4.2))
ol = oral_latest.sort_values("value")
marks = {"Better": "^", "Similar": "o", "Worse": "v", "Not compared": "s"}
cols = {"Better": figures.SIGNIFICANCE["better"]["colour"], "Similar": figures.SIGNIFICANCE["similar"]["colour"],
        "Worse": figures.SIGNIFICANCE["worse"]["colour"], "Not compared": figures.CONTEXT}
ax.barh(ol["area_name"], ol["value"], color=[cols.get(v, figures.CONTEXT) for v in ol["compared_to_england"]],
        edgecolor=figures.NHS_DARK_GREY)
for y, (v, cmp) in enumerate(zip(ol["value"], ol["compared_to_england"])):
    ax.annotate(f"{v:.1f}% ({cmp.lower()})", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8,
                bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.9), zorder=4)
ax.axvline(oral_eng, color=figures.NHS_BLACK, ls="--", lw=1.2, label=f"England {oral_eng:.1f}%")
ax.set_xlabel("Five-year-olds with visible tooth decay (%)")
ax.set_title(f"Tooth decay in five-year-olds, {oral_period}")
ax.set_xlim(0, max(float(ol["value"].max()), float(oral_eng)) * 1.35)
ax.set_axisbelow(True)
ax.grid(axis="y", visible=False)
ax.legend(fontsize=9, loc="lower right")
ch.figure(fig, "oral_health",
          alt=(f"Bar chart of the share of five-year-olds with visible decay in {count(len(ol))} local authorities of "
               f"{name} in {oral_period}, from {pct(ol['value'].min())} to {pct(ol['value'].max())}, against "
               f"{pct(oral_eng)} in England; each bar is labelled better, similar or worse than England."),
          caption="Percentage of five-year-olds with visually obvious dental decay; the comparison with England is "
                  "Fingertips' own (shown in words as well as colour).", source=S["oral"])
ch.table(oral[["area_code", "area_name", "area_type", "period", "value", "compared_to_england"]].assign(
    value=lambda d: suppressed(d["value"])).rename(columns={
        "area_code": "Area code", "area_name": "Area", "area_type": "Type of area", "period": "Survey year",
        "value": "% of five-year-olds with visible decay", "compared_to_england": "Compared with England"}),
    "oral_health", "Five-year-olds with visible tooth decay (%), every survey year.", source=S["oral"],
    formats={"% of five-year-olds with visible decay": "{:.1f}"},
    notes="'suppressed': withheld by the publisher (too few children examined).")
g = c5.DATA_GAPS["oral_health"]
ch.note(f"The ambition is about hospital tooth extractions, which are not held here; decay in five-year-olds is the "
        f"closest measure. Would add: {g['dataset']} ({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## Children and young people: mental health

# %%
a = amb["cyp_mental_health"]
ch.md(f"**Ambition:** {a['ambition']} ({a['source']}).")
if len(sh_last):
    ch.md(f"The only related series held is old: in {esc(sh_last['period'].iloc[0])}, hospital admissions for "
          f"self-harm among 10 to 24 year olds ranged from {num(sh_last['value'].min(), dp=1, lo=0, hi=3000)} to "
          f"{num(sh_last['value'].max(), dp=1, lo=0, hi=3000)} per 100,000 in {name}'s upper-tier local authorities, "
          f"against {num(sh_eng['value'], dp=1, lo=0, hi=3000)} in England.")
    ch.table(selfharm[["area_code", "area_name", "period", "value", "compared_to_england"]].assign(
        value=lambda d: suppressed(d["value"])).rename(columns={
            "area_code": "Area code", "area_name": "Area", "period": "Period",
            "value": "Admissions per 100,000 aged 10-24 (age-standardised)", "compared_to_england": "Compared with England"}),
        "self_harm_10_24", "Hospital admissions for self-harm, aged 10-24, directly standardised rate per 100,000.",
        source=S["self_harm"], formats={"Admissions per 100,000 aged 10-24 (age-standardised)": "{:.1f}"},
        notes="Local authority codes from before 2019; published to one decimal place without confidence intervals.")
g = c5.DATA_GAPS["cyp_mental_health"]
ch.note(f"Access to children and young people's mental health services, the ambition's measure, is not held here. "
        f"Would add: {g['dataset']} ({g['publisher']}, {g['url']}).", title="Data gap", kind="warning")

# %% [markdown]
# ## PLUS groups: ethnicity, age, sex and rurality

# %%
bame = coc_groups[(coc_groups["label"] == "Black, Asian and minority ethnic")]
if len(bame[bame["area"] == "England"]):
    be = bame[bame["area"] == "England"].iloc[0]
    we = coc_groups[(coc_groups["area"] == "England") & (coc_groups["label"] == "White")].iloc[0]
    ch.md(f"The only PLUS-group split in the clinical data held here is maternity: in England, "
          f"{pct(be['value'])} of Black, Asian and minority ethnic women had a continuity-of-carer plan by 28 weeks "
          f"against {pct(we['value'])} of White women (April 2025; the local split is in the maternity table above).")
ch.note("Waiting lists by ethnicity, age and sex are in the waiting-lists chapter; rurality and the Core20 "
        "population are in the population chapter. No Core20PLUS5 clinical dataset held here is split by "
        "ethnicity, age, sex or rurality for the ICB. A system would add its own linked primary-care records "
        "(ethnicity and deprivation on the QOF registers), CVDPREVENT's ICB breakdowns by ethnicity and the local "
        "PLUS groups it has chosen (for example people experiencing homelessness, Gypsy, Roma and Traveller "
        "communities, or coastal and rural communities).", title="What local data would add")

# %% [markdown]
# ## Data and methods

# %%
ch.md(f"Practice deprivation: each practice's Fingertips deprivation score (IMD 2019, the population-weighted IMD "
      f"score of its registered patients) places it in a national quintile holding a fifth of England's registered "
      f"patients (1 = most deprived). {count(cover['practices_with_score'])} of {name}'s "
      f"{count(cover['practices'])} QOF 2022-23 practices have a score. The slope index of inequality for {name} uses "
      "quintiles within the ICB (each a fifth of its patients); England's uses national quintiles. Confidence "
      "intervals are Wilson score intervals; funnel limits are exact binomial limits at 95% and 99.8% around the "
      "average of all areas; the SII follows the OHID method (PHEindicatormethods phe_sii). "
      "Where a source ranks quintiles the other way (HEEC: 1 = least deprived) it is converted so that 1 is always "
      "the most deprived. QOF uses registered-practice geography, not residence.")
ch.md("The tables below give the recorded prevalence and its gradient by practice deprivation behind the sections "
      f"above: for example, recorded hypertension prevalence is {pct(prev_val('HYP', icb.short_name), hi=40)} in {name} "
      f"and the SII across its practices is {sii_text('HYP')}.")
PREV = {"group_code": "Condition", "area": "Area", "register": "Patients on the register",
        "list_size": "Registered patients", "value": "Recorded prevalence (%)", **CI, "period": "QOF year",
        "practice_quintile": "Practice deprivation quintile (1 = most deprived)", "quintiles": "Quintiles used"}
PREV_FMT = {"Recorded prevalence (%)": "{:.2f}", "Lower 95% CI": "{:.2f}", "Upper 95% CI": "{:.2f}",
            "Patients on the register": "{:,.0f}", "Registered patients": "{:,.0f}"}


def conditions(df):
    return df.assign(group_code=df["group_code"].map(COND).fillna(df["group_code"]))


ch.table(conditions(prevalence).rename(columns=PREV), "qof_prevalence",
         f"Recorded prevalence, {icb.short_name} and England, QOF 2024-25.", source=S["qof2425"], formats=PREV_FMT)
ch.table(conditions(sii[["group_code", "area", "quintiles", "value", "lower_ci", "upper_ci"]]).rename(
    columns={**PREV, "value": "SII (percentage points)"}), "prevalence_sii",
    "Slope index of inequality in recorded prevalence across practice-deprivation quintiles (most minus least "
    "deprived, percentage points), QOF 2022-23.", source=S["qof2223"],
    formats={"SII (percentage points)": "{:.2f}", "Lower 95% CI": "{:.2f}", "Upper 95% CI": "{:.2f}"})
ch.table(conditions(by_q).rename(columns=PREV), "prevalence_by_practice_quintile",
         "Recorded prevalence by national practice-deprivation quintile (1 = most deprived), QOF 2022-23.",
         source=S["qof2223"], formats=PREV_FMT)
ch.table(c5.ambitions_table()[["group", "area", "ambition", "source", "url"]].rename(columns={
    "group": "Group", "area": "Clinical area", "ambition": "National ambition", "source": "Stated in", "url": "Link"}),
    "ambitions", "The national ambitions used in this chapter and the documents that state them.")

# %%
QOF_NOW, QOF_THEN = str(prevalence["period"].iloc[0]), str(by_q["period"].iloc[0])
HEAD = {  # key: (label, unit, period, source, evidence); summary=False: context for the tests, not a finding
    "hyp_treated_to_target_pct": ("Patients with hypertension whose blood pressure is treated to target", "%",
                                  str(hyp_icb["period"]), S["qof2425"], "figure-hypertension_funnel"),
    "smi_all_six_checks_pct": ("People with severe mental illness who had all six physical health checks", "%",
                               smi_period, S["smi"], "figure-smi_checks_trend"),
    "copd_prevalence_pct": ("Recorded COPD prevalence", "%", QOF_NOW, S["qof2425"], "table-qof_prevalence"),
    "asthma_prevalence_pct": ("Recorded asthma prevalence (aged 6 and over)", "%", QOF_NOW, S["qof2425"],
                              "table-qof_prevalence"),
    "diabetes_prevalence_pct": ("Recorded diabetes prevalence (aged 17 and over)", "%", QOF_NOW, S["qof2425"],
                                "table-qof_prevalence"),
    "epilepsy_prevalence_pct": ("Recorded epilepsy prevalence (aged 18 and over)", "%", QOF_NOW, S["qof2425"],
                                "table-qof_prevalence"),
    "smi_register_prevalence_pct": ("Recorded prevalence of severe mental illness", "%", QOF_NOW, S["qof2425"],
                                    "table-qof_prevalence"),
    "continuity_of_carer_pct": ("Women with a continuity-of-carer plan by 28 weeks of pregnancy", "%", "April 2025",
                                S["msds"], "figure-maternity_coc_funnel"),
    "cancer_early_stage_lowest_la_pct": ("Cancers diagnosed at stage 1 or 2: lowest of the ICB's local authorities",
                                         "%", str(cs_year), S["cancer"], "figure-cancer_stage_trend"),
    "cancer_early_stage_year": ("Year of the latest early-stage cancer figures", "", str(cs_year), S["cancer"],
                                "figure-cancer_stage_trend"),
    "dental_decay_highest_la_pct": ("Five-year-olds with visible tooth decay: highest of the ICB's local authorities",
                                    "%", str(oral_period), S["oral"], "figure-oral_health"),
    "dental_decay_survey_end_year": ("Year the latest dental survey ended", "", str(oral_period), S["oral"],
                                     "figure-oral_health"),
    "hyp_prevalence_sii_pp": ("Gap in recorded hypertension prevalence between the ICB's most and least deprived "
                              "practices (slope index of inequality)", "percentage points", QOF_THEN, S["qof2223"],
                              "figure-hyp_prevalence_by_quintile"),
}
for key, value in head.items():
    lo, hi = c5.HEADLINE_RANGES[key]
    if isinstance(value, float) and math.isnan(value):
        continue  # documented as not available (c5.NOT_AVAILABLE)
    label, unit, period, source, evidence = HEAD[key]
    ch.headline(key, value, label=label, unit=unit, period=period, lo=lo, hi=hi, source=source, evidence=evidence,
                summary=not key.endswith("_year"))
ch.save()
