# %% [markdown]
# # National objectives scorecard

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/scorecard"
reference_date = ""  # set by the build (the first day of the month the book is as of); "" = this month

# %%
from analysis import figures, geography
from analysis.chapters import scorecard as sc_mod
from analysis.report import Chapter, count, esc, num, ordinal, pct

icb = geography.find_icb(icb_code)
ch = Chapter("scorecard", data_dir, icb=icb)
figures.style()

sc = sc_mod.scorecard(icb.ods_code)


def target_text(key):
    """A measure's numeric target as written in the one table of objectives (scorecard.MEASURES)."""
    t = sc_mod.MEASURES[key].target
    return pct(t, dp=0 if float(t).is_integer() else 1)
T, S = sc.table, sc.series
comp = sc_mod.icb_comparison()
mine = comp[comp["icb_ods_code"] == icb.ods_code].set_index("measure")
SRC = sc_mod.OBJECTIVES.dropna(subset=["measure"]).set_index("measure")["source"].to_dict()


def value_text(key, value=None):
    s = S[key]
    v = s.latest if value is None else value
    if s.spec.unit == "%":
        return pct(v)
    if s.spec.unit == "minutes":
        return num(v, lo=0, hi=300, unit=" minutes")
    return count(v)


def objective_names(keys):
    return "; ".join(esc(sc_mod.MEASURES[k].label.replace(" (%)", "")) for k in keys)


measured = T[T["measured"]]
met = measured[measured["met"] == True]["measure"].tolist()  # noqa: E712
missed = measured[measured["met"] == False]["measure"].tolist()  # noqa: E712
current = measured[[not S[k].context_only for k in measured["measure"]]]  # ambulance data end in 2021
improving = current[current["variation_type"] == "special_cause_improvement"]["measure"].tolist()
concern = current[current["variation_type"] == "special_cause_concern"]["measure"].tolist()

hf = sc_mod.headline_figures(icb.ods_code, imd_version)
R = sc_mod.HEADLINE_RANGES
OBJ_PERIOD = "2023/24 objectives; latest data of each source"
ch.headline("n_measured", hf["n_measured"], label="National objectives (of 31) that the published data here can measure",
            unit="count", period=OBJ_PERIOD, lo=R["n_measured"][0], hi=R["n_measured"][1], source="this book",
            evidence="table-scorecard")
ch.headline("n_with_target", hf["n_with_target"],
            label="Objectives measured against a numeric target, with data from the objective period", unit="count",
            period=OBJ_PERIOD, lo=R["n_with_target"][0], hi=R["n_with_target"][1], source="this book",
            evidence="table-scorecard")
ch.headline("n_met", hf["n_met"], label="Of those, objectives met in the latest period", unit="count",
            period=OBJ_PERIOD, lo=R["n_met"][0], hi=R["n_met"][1], source="this book", evidence="table-scorecard")
SPC_FIG = {k: "figure-spc_uec_elective_cancer" for k in ("ae_4h", "ambulance_c2", "beds_ga", "rtt_65w", "cancer_fds",
                                                          "cancer_62")}
SPC_FIG |= {k: "figure-spc_primary_care_mental_health" for k in ("gp_2weeks", "gp_appointments", "iapt_access",
                                                                 "dementia")}
for key, hkey in sc_mod._HEADLINE_KEYS.items():
    s = S[key]
    ch.headline(hkey, hf[hkey], label=s.spec.label.replace(" (%)", "").replace(" (minutes)", ""), unit=s.spec.unit,
                period=s.period_label, source=SRC[key], lo=R[hkey][0], hi=R[hkey][1],
                evidence=SPC_FIG.get(key, "table-scorecard"))

# %%
findings = [
    f"Of the 31 national objectives for 2023/24, {count(sc.n_measured)} can be measured for "
    f"**{esc(icb.short_name)}** from the published data in this edition; {count(sc.n_with_target)} of those "
    f"have a numeric target and data from the objective period, and {count(sc.n_met)} of them met it in the "
    "latest period"
    + (f" ({objective_names(met)})." if met else "."),
    f"A&E: {value_text('ae_4h')} of attendances were seen within 4 hours in {esc(S['ae_4h'].period_label)} "
    f"(target {target_text('ae_4h')}; England {pct(S['ae_4h'].england)}).",
    f"Cancer: {value_text('cancer_fds')} were diagnosed or had cancer ruled out within 28 days in "
    f"{esc(S['cancer_fds'].period_label)} (target {target_text('cancer_fds')}), and {value_text('cancer_62')} started treatment within "
    f"62 days (standard {target_text('cancer_62')}; England {pct(S['cancer_62'].england)}).",
    f"Dementia diagnosis rate: {value_text('dementia')} in {esc(S['dementia'].period_label)}, against the "
    f"{target_text('dementia')} ambition (England {pct(S['dementia'].england)}); {count(S['rtt_65w'].latest)} patients were waiting "
    f"over 65 weeks for planned care in {esc(S['rtt_65w'].period_label)} (objective: none).",
]
if improving or concern:
    findings.append(
        "Statistical process control shows "
        + ("; ".join(x for x in [
            f"real improvement (special cause) in {objective_names(improving)}" if improving else "",
            f"real deterioration (special cause for concern) in {objective_names(concern)}" if concern else "",
        ] if x))
        + "; the other charted measures show only common-cause variation.")
else:
    findings.append("Statistical process control shows only common-cause variation in the latest month of every "
                    "charted measure: no sign of real change either way.")
ch.findings(findings)
ended = sorted({n for s in S.values() for n in s.notes if "April 2026" in n})
if ended:
    ch.note(f"{esc(icb.short_name)} ICB closed on 1 April 2026, when NHS England merged ICBs: its waiting-list "
            "and cancer series stop in March 2026 and are not joined to the merged ICB, which covers a "
            "different population.", kind="warning")
ch.note("Ambulance response times in this edition end in January 2021, before the objective period; they are "
        "shown for context and are not counted as met or missed.")

# %% [markdown]
# ## The scorecard
#
# One row per national objective of NHS England's *2023/24 priorities and operational planning
# guidance*, as the local plans list them. **Met** compares the latest value with the target.
# The two **Making Data Count** readings come from a statistical process control (XmR) chart of the
# monthly series: *variation* says whether the latest month is part of a real change
# (▲ improvement, ▼ concern) or ordinary month-to-month noise (● common cause); *assurance* says
# whether, if nothing changes, the target will be met every month, missed every month, or
# sometimes met (hit and miss).

# %%
ch.md(f"{count(sc.n_met)} of the {count(sc.n_with_target)} objectives that can be measured against a numeric target "
      f"with current data were met in the latest period; {count(int((~T['measured']).sum()))} of the 31 cannot be "
      "measured from the data in this edition.")
shown = T.rename(columns={
    "no": "No.", "objective": "Objective", "target": "Target", "measured_for": "Measured for",
    "period": "Latest period", "value_text": "Latest value", "england_text": "England",
    "met_text": "Met?", "variation_text": "Variation (SPC)", "assurance_text": "Assurance (SPC)",
    "source": "Source"})
cols = ["No.", "Objective", "Target", "Measured for", "Latest period", "Latest value", "England", "Met?",
        "Variation (SPC)", "Assurance (SPC)", "Source"]
ch.table(shown[cols], "scorecard",
         f"National objectives 2023/24: {icb.short_name}, latest value, target met or not, and SPC reading",
         source="NHS England statistics listed in the Source column; objectives from NHS England 2023/24 "
                "priorities and operational planning guidance",
         notes="Latest period differs by source. England is the same measure for the same period. "
               "'Not measured in this edition' names the publication that would measure the objective.",
         max_rows=31)
n_not = int((~T["measured"]).sum())
ch.note(f"{count(n_not)} of the 31 objectives are **not measured in this edition**: the data that would measure "
        "them (for example diagnostic waits, urgent community response, learning disability health checks, "
        "mental health services data, workforce and finance) are not among the published datasets this book "
        "draws on. Each row names the source that would measure it.")
notes = [f"**{esc(s.spec.label)}**: {esc(n)}" for s in S.values() for n in s.notes]
ch.note("\n".join(f"- {n}" for n in notes), title="How each measure is built and its caveats", kind="note")

# %% [markdown]
# ## Urgent and emergency care, planned care and cancer

# %%
uec = [S[k] for k in ("ae_4h", "ambulance_c2", "beds_ga", "rtt_65w", "cancer_fds", "cancer_62")]


def reading(s):
    if s.spc is None:
        return f"{esc(s.spec.label)}: {value_text(s.spec.key)} ({esc(s.period_label)}), too few points for SPC"
    text = f"{esc(s.spec.label)}: {value_text(s.spec.key)} in {esc(s.period_label)}, " + \
        sc_mod.VARIATION_WORDS[s.spc.variation].lower()
    if s.spc.assurance:
        text += ", " + sc_mod.ASSURANCE_WORDS[s.spc.assurance].lower()
    return text


ch.md("The latest reading of each measure, from its statistical process control chart:\n\n"
      + "\n".join(f"- {reading(s)}." for s in uec))
ch.figure(sc_mod.spc_figure(uec), "spc_uec_elective_cancer",
          alt="Statistical process control charts for " + esc(icb.short_name) + ". " + "; ".join(reading(s) for s in uec) + ".",
          caption=f"{icb.short_name}: A&E, ambulance, bed occupancy, 65-week waits and cancer standards as XmR "
                  "charts (Making Data Count). Triangles pointing up mark special-cause improvement, pointing "
                  "down special-cause concern, circles common-cause variation; dotted line: target. Ambulance "
                  "data are for the NHS region and end in January 2021.",
          source="NHS England A&E attendances; AmbSYS; G&A beds sitrep; RTT; Cancer Waiting Times", dpi=100)
ch.md(sc_mod.ae_by_month_text(icb.ods_code))
ae_m, _ = sc_mod.ae_by_month_official(icb.ods_code)
ch.table(ae_m.assign(month=ae_m["month"].dt.strftime("%B %Y")).rename(columns={
             "month": "Month", "icb": f"{icb.short_name} (%)", "england": "England (%)",
             "attendances": "Attendances", "n_providers": "Providers counted"}),
         "ae_4h_official_by_month",
         f"A&E attendances seen within 4 hours by month, {icb.short_name} (providers located in the ICB) and England "
         "(every provider), from NHS England's monthly A&E files",
         source="NHS England, A&E Attendances and Emergency Admissions, monthly CSV files",
         formats={f"{icb.short_name} (%)": "{:.1f}", "England (%)": "{:.1f}", "Attendances": "{:,.0f}",
                  "Providers counted": "{:.0f}"})

# %% [markdown]
# ## Primary care, mental health and dementia

# %%
pc = [S[k] for k in ("gp_2weeks", "gp_appointments", "iapt_access", "dementia")]
ch.md("The latest reading of each measure:\n\n" + "\n".join(f"- {reading(s)}." for s in pc))
ch.figure(sc_mod.spc_figure(pc), "spc_primary_care_mental_health",
          alt="Statistical process control charts for " + esc(icb.short_name) + ". " + "; ".join(reading(s) for s in pc) + ".",
          caption=f"{icb.short_name}: GP appointments, NHS Talking Therapies and dementia diagnosis as XmR charts. "
                  "Talking therapies data cover only 11 months (July 2022 to May 2023), too few for SPC limits, "
                  "so the series is shown as a line.",
          source="NHS England Appointments in General Practice; NHS Talking Therapies; Primary Care Dementia Data",
          dpi=100)
ch.md(sc_mod.dementia_edition_text(icb.ods_code))
hyp = S["hypertension"]
ch.md(f"Hypertension is measured once a year: in 2024-25, {value_text('hypertension')} of patients on GP "
      f"hypertension registers in {esc(icb.short_name)} had blood pressure at or below the NICE threshold for "
      f"their age (England {pct(hyp.england)}; ambition 77%), counting patients with a personalised care "
      "adjustment as not treated to target.")

# %% [markdown]
# ## How the ICB compares with England and the other ICBs

# %%
keys = ["ae_4h", "beds_ga", "rtt_65w", "cancer_fds", "cancer_62", "gp_2weeks", "dementia", "hypertension"]
ctab = comp[comp["measure"].isin(keys)]
eng = ctab[ctab["is_england"]].set_index("measure")["value"]
me = ctab[ctab["icb_ods_code"] == icb.ods_code].set_index("measure")
out = me[["label", "period", "value", "rank", "n_ranked"]].copy()
out["england"] = eng.reindex(out.index)
out = out.reindex(keys).reset_index(drop=True)
out = out.rename(columns={"label": "Measure", "period": "Period", "value": f"{icb.short_name}",
                          "england": "England", "rank": "Rank among ICBs (1 = best)", "n_ranked": "ICBs ranked"})
best = out.loc[out["Rank among ICBs (1 = best)"].idxmin()]
worst = out.loc[out["Rank among ICBs (1 = best)"].idxmax()]
alt_parts = [f"{esc(r.Measure)}: rank {count(r._4)} of {count(r._5)}" for r in out.itertuples()]
ch.md(f"Among the ICBs, {esc(icb.short_name)} ranks highest on {esc(best['Measure'].replace(' (%)', ''))} "
      f"({ordinal(best['Rank among ICBs (1 = best)'])} of {count(best['ICBs ranked'])}) and lowest on "
      f"{esc(worst['Measure'].replace(' (%)', ''))} ({ordinal(worst['Rank among ICBs (1 = best)'])} of "
      f"{count(worst['ICBs ranked'])}). Ranks compare values only: a difference of a fraction of a point can "
      "separate several places.")
ch.figure(sc_mod.comparison_figure(comp, icb, keys), "icb_comparison",
          alt=f"Dot charts of the 42 ICBs in rank order for eight measures, {esc(icb.short_name)} highlighted. "
              + "; ".join(alt_parts) + ".",
          caption=f"{icb.short_name} (diamond) among the 42 ICBs (grey dots) in rank order, best on the left; "
                  "dashed line England (not drawn for counts), dotted line the target.",
          source="as in the scorecard", dpi=100)
ch.table(out, "icb_comparison",
         f"{icb.short_name} against England and the 42 ICBs, latest period in which every ICB has data",
         source="as in the scorecard",
         formats={f"{icb.short_name}": "{:,.1f}", "England": "{:,.1f}", "Rank among ICBs (1 = best)": "{:.0f}",
                  "ICBs ranked": "{:.0f}"},
         notes="Percentages on the 0-100 scale; 65-week waits are counts (best = fewest, not adjusted for "
               "population). Bed occupancy: lower is better.")

# %% [markdown]
# ## About the data
#
# - **Periods differ by source.** Each measure's latest period is in the scorecard's *Latest period*
#   column; ambulance response times end before the objective period.
# - **Organisations.** RTT and cancer figures are for the ICB as commissioner (its patients, wherever
#   treated); A&E is for the providers located in the ICB; bed occupancy sums the acute trusts located in the ICB;
#   GP appointments, dementia and hypertension are for the ICB's GP practices.
# - **ICB changes in April 2026.** Six merged ICBs replace several ICBs in the RTT and cancer data from
#   April 2026. A closed ICB's series stop in March 2026; the comparison across ICBs uses the latest month in
#   which all 42 ICBs report.
# - **SPC.** XmR charts with the Making Data Count rules (points beyond the limits, runs of 7, trends of 7,
#   two of three points near a limit), from this book's statistics module; a series needs at least 12 points.

# %%
ch.save()
