# %% [markdown]
# # Population and deprivation

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/population"
reference_date = ""  # set by the build (the first day of the month the book is as of); "" = this month

# %%
from analysis import deprivation as dep
from analysis import figures, geography
from analysis.chapters import population as pop
from analysis.report import Chapter, count, esc, num, ordinal, pct

icb = geography.find_icb(icb_code)
ch = Chapter("population", data_dir, icb=icb)
figures.style()

v = int(imd_version)
other = 2025 if v == 2019 else 2019
IMD, OTHER = dep.imd_label(v), dep.imd_label(other)
SRC = pop.source(v)
period = dep.POPULATION_PERIOD[v]
P = "mid-2020" if v == 2019 else "Census 2021"  # the population count, for column headers
name = esc(icb.short_name)

head = pop.headline_figures(icb.ods_code, v)
eng = dep.england_summary(v)
ages = pop.age_summary(icb, v)
places = pop.by_place(icb, v, "lad")
subicb = pop.by_place(icb, v, "sicbl")
deciles = pop.decile_profile(icb, v, 10)
quintiles = pop.decile_profile(icb, v, 5)
ranking = pop.icb_ranking(v)
domains = pop.domain_profile(icb, v)
rural = pop.rurality_profile(icb, v)
worst = pop.most_deprived_lsoas(icb, v)
local = pop.local_deciles(icb, v)
compare = pop.vintage_comparison(icb)
other_row = compare["summary"].set_index("imd").loc[OTHER]

# %%
ch.note(
    dep.imd_note(v) + f" Under {OTHER} ({other_row['lsoa_boundaries']} neighbourhoods, "
    f"{esc(other_row['population_vintage'])}), {count(other_row['core20_population'])} people "
    f"({pct(other_row['core20_share'])}) in {name} would be counted in the Core20, "
    f"{ordinal(other_row['rank'])} of the 42 ICBs; under {IMD} it is "
    f"{count(head['core20_population'])} ({pct(head['core20_share'])}), {ordinal(head['core20_rank'])}.",
    title=f"This edition uses {IMD}", kind="important",
)

# %%
with_d1 = places[places["decile1_lsoas"] > 0].sort_values("decile1_lsoas", ascending=False)
if head["decile1_lsoas"] > 0:
    top_la = with_d1.iloc[0]
    d1_text = (f"{count(head['decile1_lsoas'])} of the ICB's {count(head['n_lsoas'])} neighbourhoods "
               f"({pct(head['decile1_lsoa_share'])}) are among the most deprived 10% in England; the most "
               f"({count(top_la['decile1_lsoas'])}) are in {esc(top_la['name'])}.")
else:
    d1_text = (f"No neighbourhood of the {count(head['n_lsoas'])} in the ICB is among the most deprived 10% "
               f"in England.")
avail = domains[domains["available"]].sort_values("share", ascending=False)
top_dom = avail.iloc[0]
urban_all = rural.set_index("ruc_name").loc["All urban"] if "All urban" in set(rural["ruc_name"]) else None
rural_all = rural.set_index("ruc_name").loc["All rural"] if "All rural" in set(rural["ruc_name"]) else None
side = "more" if head["core20_share"] > eng["core20_share"] else "less"
findings = [
    f"**{count(head['population'])} people** live in {name} ({esc(dep.population_label(v))}).",
    f"**{count(head['core20_population'])} people ({pct(head['core20_share'])})** live in Core20 "
    f"neighbourhoods, the most deprived 20% in England by {IMD}: {side} than England's "
    f"{pct(eng['core20_share'])}. That ranks {name} **{ordinal(head['core20_rank'])} of the 42 ICBs** "
    f"(1st = highest share).",
    d1_text,
    f"The most common kind of deprivation is **{esc(top_dom['domain_name'].lower())}**: "
    f"{pct(top_dom['share'])} of neighbourhoods are in England's most deprived 10% for it (England: 10%).",
]
if rural_all is not None and urban_all is not None:
    findings.append(
        f"{pct(rural_all['population_share'])} of residents live in rural neighbourhoods, where "
        f"{pct(rural_all['core20_share'])} live in the Core20, against {pct(urban_all['core20_share'])} in "
        f"urban neighbourhoods.")
c = compare["counts"]
findings.append(
    f"Between IMD 2019 and IMD 2025 (same 2021 neighbourhoods and Census 2021 population), "
    f"{count(c['moved_in_lsoas'])} neighbourhoods ({count(c['moved_in_population'])} people) moved into "
    f"the Core20 and {count(c['moved_out_lsoas'])} ({count(c['moved_out_population'])} people) moved out.")
ch.findings(findings)

# %% [markdown]
# ## Who lives here

# %%
ch.md(
    f"{name} has **{count(head['population'])} residents** in {count(head['n_lsoas'])} neighbourhoods "
    f"(lower-layer super output areas, LSOAs; {count(head['population'] / head['n_lsoas'])} residents on "
    f"average), counted by the "
    f"{esc(dep.population_label(v))}. {pct(ages['icb_young'])} are aged "
    f"{ages['young_label']} (England {pct(ages['eng_young'])}) and {pct(ages['icb_65plus'])} are 65 or "
    f"over (England {pct(ages['eng_65plus'])}).")
age = pop.age_profile(icb, v)
big = age.loc[age["difference"].abs().idxmax()]
ch.figure(
    pop.figure_age(icb, v), "age_profile",
    alt=(f"Horizontal bar chart of the share of {icb.short_name} residents in each age band, with England "
         f"marked. The largest difference from England is in the {big['age_band']} band: "
         f"{big['icb_share']:.1f}% against {big['england_share']:.1f}%. {ages['icb_65plus']:.1f}% are 65 or "
         f"over (England {ages['eng_65plus']:.1f}%)."),
    caption=f"Residents by age band, {period}: {icb.short_name} (bars) against England (black marks). "
            f"Persons; estimates by sex are not available for neighbourhoods in this edition's data.",
    source=SRC)
ch.table(age.rename(columns={
    "age_band": "Age band (years)", "icb_population": f"ICB residents ({P})", "icb_share": "ICB share (%)",
    "england_population": f"England residents ({P})", "england_share": "England share (%)",
    "difference": "ICB minus England (percentage points)"}),
    "age_profile", f"Residents by age band, {period}", source=SRC,
    formats={f"ICB residents ({P})": "{:,.0f}", f"England residents ({P})": "{:,.0f}", "ICB share (%)": "{:.1f}",
             "England share (%)": "{:.1f}", "ICB minus England (percentage points)": "{:+.1f}"},
    notes="Shares are percentages of all residents of the ICB or of England.")

# %%
n_la, n_sub = len(places), len(subicb)
ch.md(f"The ICB covers {count(n_la)} local authority district{'s' if n_la > 1 else ''} and {count(n_sub)} "
      f"sub-ICB location{'s' if n_sub > 1 else ''}. The largest local authority population here is {esc(places.iloc[0]['name'])} "
      f"({count(places.iloc[0]['population'])}).")
part = places[~places["whole_la"]]
PLACE_COLS = {"n_lsoas": "Neighbourhoods (LSOAs)", "population": f"Residents ({P})",
              "population_share": "Share of ICB residents (%)", "core20_lsoas": "Core20 neighbourhoods",
              "core20_population": f"Core20 residents ({P})", "core20_share": "Core20 share of residents (%)",
              "decile1_lsoas": "Neighbourhoods in the most deprived 10%",
              "imd_average_score": f"Average {IMD} score (population-weighted)"}
PLACE_FMT = {f"Residents ({P})": "{:,.0f}", "Share of ICB residents (%)": "{:.1f}", f"Core20 residents ({P})": "{:,.0f}",
             "Core20 share of residents (%)": "{:.1f}", f"Average {IMD} score (population-weighted)": "{:.1f}",
             "Neighbourhoods (LSOAs)": "{:,.0f}", "Core20 neighbourhoods": "{:,.0f}",
             "Neighbourhoods in the most deprived 10%": "{:,.0f}"}
la_tab = places.drop(columns=["code"]).assign(whole_la=places["whole_la"].map({True: "Whole", False: "Part only"}))
ch.table(la_tab.rename(columns={"name": "Local authority", "whole_la": "Whole or part in the ICB", **PLACE_COLS}),
         "population_by_local_authority",
         f"Residents and Core20 population by local authority ({IMD}, {period})", source=SRC, formats=PLACE_FMT,
         notes=("'Part only': only part of the local authority lies in the ICB, and the figures cover that "
                "part only."))
ch.table(subicb.drop(columns=["code"]).rename(columns={"name": "Sub-ICB location", **PLACE_COLS}),
         "population_by_sub_icb",
         f"Residents and Core20 population by sub-ICB location ({IMD}, {period})", source=SRC, formats=PLACE_FMT)
if len(part):
    ch.note(f"{count(len(part))} local authorities lie only partly in {name}; their rows describe the part "
            f"inside the ICB.")

# %% [markdown]
# ## How deprived the ICB is

# %%
q1 = quintiles.iloc[0]
ch.md(
    f"By {IMD}, {pct(q1['share'])} of the residents of {name} live in the most deprived fifth of neighbourhoods "
    f"in England (the **Core20**), against {pct(eng['core20_share'])} of England's residents. "
    f"{pct(deciles.iloc[0]['share'])} live in the most deprived tenth (England {pct(deciles.iloc[0]['england_share'])}) "
    f"and {pct(deciles.iloc[-1]['share'])} in the least deprived tenth (England {pct(deciles.iloc[-1]['england_share'])}).")
ch.figure(
    pop.figure_deciles(icb, v), "imd_deciles",
    alt=(f"Bar chart of the share of {icb.short_name} residents living in each national {IMD} decile, with "
         f"England marked. Decile 1 (most deprived): {deciles.iloc[0]['share']:.1f}% against England "
         f"{deciles.iloc[0]['england_share']:.1f}%; decile 10 (least deprived): {deciles.iloc[-1]['share']:.1f}% "
         f"against {deciles.iloc[-1]['england_share']:.1f}%."),
    caption=(f"Residents by national {IMD} decile (1 = most deprived 10% of neighbourhoods in England), "
             f"{period}. England's deciles each hold 10% of neighbourhoods; their share of residents varies "
             f"a little because neighbourhoods differ in size."),
    source=SRC)
QCOLS = {"lsoas": "ICB neighbourhoods (LSOAs)", "population": f"ICB residents ({P})",
         "share": "Share of ICB residents (%)", "england_population": f"England residents ({P})",
         "england_share": "Share of England's residents (%)",
         "england_lsoa_share": "Share of England's neighbourhoods (%)"}
QFMT = {"ICB neighbourhoods (LSOAs)": "{:,.0f}", f"ICB residents ({P})": "{:,.0f}", "Share of ICB residents (%)": "{:.1f}",
        f"England residents ({P})": "{:,.0f}", "Share of England's residents (%)": "{:.1f}",
        "Share of England's neighbourhoods (%)": "{:.1f}"}
ch.table(deciles.rename(columns={"quantile": f"National {IMD} decile (1 = most deprived)", **QCOLS}), "imd_deciles",
         f"Residents by national {IMD} decile", source=SRC, formats=QFMT)
ch.table(quintiles.rename(columns={"quantile": f"National {IMD} quintile (1 = most deprived)", **QCOLS}),
         "imd_quintiles", f"Residents by national {IMD} quintile", source=SRC, formats=QFMT,
         notes="Quintile 1 is the Core20.")

# %%
me = ranking.set_index("icb_ods_code").loc[icb.ods_code]
short = lambda n: geography.find_icb(n).short_name  # noqa: E731
ch.md(f"By Core20 share, {name} ranks {ordinal(me['rank'])} of the 42 ICBs (1st = highest share: "
      f"{pct(me['core20_share'])}). The highest is {esc(short(ranking.iloc[0]['icb_ods_code']))} "
      f"({pct(ranking.iloc[0]['core20_share'])}) and the lowest {esc(short(ranking.iloc[-1]['icb_ods_code']))} "
      f"({pct(ranking.iloc[-1]['core20_share'])}).")
ch.figure(
    pop.figure_icb_ranking(icb, v), "icb_core20_ranking",
    alt=(f"Horizontal bar chart of the Core20 share of all 42 ICBs. {icb.short_name} is highlighted at "
         f"{me['core20_share']:.1f}%, rank {int(me['rank'])} of 42; England is {eng['core20_share']:.1f}%; the "
         f"range is {ranking['core20_share'].min():.1f}% to {ranking['core20_share'].max():.1f}%."),
    caption=f"Share of residents living in Core20 neighbourhoods ({IMD}), every ICB in England, {period}.",
    source=SRC)
ch.table(ranking[["rank", "icb_name", "region_name", "population", "core20_population", "core20_share",
                  "decile1_lsoa_share", "imd_average_score"]].rename(columns={
    "rank": "Rank (1 = highest Core20 share)", "icb_name": "ICB", "region_name": "NHS region",
    "population": f"Residents ({P})", "core20_population": f"Core20 residents ({P})",
    "core20_share": "Core20 share of residents (%)",
    "decile1_lsoa_share": "Neighbourhoods in the most deprived 10% (%)",
    "imd_average_score": f"Average {IMD} score (population-weighted)"}),
    "icb_core20_ranking", f"Core20 population of the 42 ICBs ({IMD}, {period})", source=SRC,
    formats={f"Residents ({P})": "{:,.0f}", f"Core20 residents ({P})": "{:,.0f}",
             "Core20 share of residents (%)": "{:.1f}", "Neighbourhoods in the most deprived 10% (%)": "{:.1f}",
             f"Average {IMD} score (population-weighted)": "{:.1f}"})

# %% [markdown]
# ## Map of neighbourhood deprivation

# %%
ch.md(f"Each of the {count(head['n_lsoas'])} neighbourhoods of {name} shaded by its national {IMD} decile: "
      f"the darker, the more deprived.")
d1, d10 = deciles.iloc[0], deciles.iloc[-1]
ch.figure(
    pop.figure_map(icb, v), "imd_map",
    alt=(f"Map of the {int(head['n_lsoas'])} neighbourhoods (LSOAs) of {icb.short_name}, each shaded by national "
         f"{IMD} decile from darkest (1, most deprived) to palest (10, least deprived), with local authority "
         f"outlines and names and a thick ICB boundary. {int(d1['lsoas'])} neighbourhoods are in decile 1 and "
         f"{int(d10['lsoas'])} in decile 10."
         + (f" The most deprived-decile neighbourhoods are concentrated in {with_d1.iloc[0]['name']}"
            f" ({int(with_d1.iloc[0]['decile1_lsoas'])})." if len(with_d1) else "")),
    caption=(f"Neighbourhoods (LSOA {dep.lsoa_vintage(v)}) by national {IMD} decile; thin lines: local "
             f"authorities; thick line: the ICB. The decile table above gives the same information as text."),
    source=SRC + "; ONS LSOA and local authority boundaries (super/ultra generalised); OS data © Crown "
                 "copyright and database right")

# %% [markdown]
# ## Deprivation within the ICB: local deciles

# %%
ch.md(f"National deciles compare {name} with England. To compare neighbourhoods within the ICB, they are "
      f"also split into **local** tenths of the ICB's population by {IMD} score. The most deprived local "
      f"tenth ({count(local.iloc[0]['population'])} people) "
      + (f"spans national deciles {int(local.iloc[0]['national_decile_min'])} to "
         f"{int(local.iloc[0]['national_decile_max'])}."
         if local.iloc[0]['national_decile_min'] != local.iloc[0]['national_decile_max']
         else f"is all in national decile {int(local.iloc[0]['national_decile_min'])}."))
ch.table(local.rename(columns={
    "local_decile": "Local decile (1 = most deprived in the ICB)", "lsoas": "Neighbourhoods (LSOAs)",
    "population": f"Residents ({P})", "share": "Share of ICB residents (%)", "score_min": f"Lowest {IMD} score",
    "score_max": f"Highest {IMD} score", "national_decile_min": "Most deprived national decile",
    "national_decile_max": "Least deprived national decile", "core20_lsoas": "Core20 neighbourhoods"}),
    "local_deciles", f"Local population-weighted {IMD} deciles of {icb.short_name}", source=SRC,
    formats={f"Residents ({P})": "{:,.0f}", "Share of ICB residents (%)": "{:.1f}", f"Lowest {IMD} score": "{:.1f}",
             f"Highest {IMD} score": "{:.1f}"},
    notes=("Local decile 1 = the most deprived tenth of the ICB's residents (population-weighted); "
           "neighbourhoods are not split, so each tenth holds about, not exactly, 10%. The national decile "
           "columns give the range of national deciles (1 = most deprived) of the neighbourhoods in each."))

# %% [markdown]
# ## Which kinds of deprivation drive it

# %%
ch.md(f"The IMD combines seven domains. In {name}, the domain with most neighbourhoods in England's most "
      f"deprived 10% is {esc(top_dom['domain_name'].lower())} ({pct(top_dom['share'])}, "
      f"{count(top_dom['lsoas'])} neighbourhoods); if deprivation were spread as in England each would be 10%.")
ch.figure(
    pop.figure_domains(icb, v), "imd_domains",
    alt=(f"Horizontal bar chart of the share of {icb.short_name} neighbourhoods in the national most deprived "
         f"decile of each deprivation domain, with a 10% England reference line. Highest: "
         f"{top_dom['domain_name']} at {top_dom['share']:.1f}%; lowest: {avail.iloc[-1]['domain_name']} at "
         f"{avail.iloc[-1]['share']:.1f}%."),
    caption=f"Share of neighbourhoods in each {IMD} domain's most deprived 10% in England (dashed line: 10%).",
    source=SRC)
ch.table(domains[domains["available"]].drop(columns=["domain", "available"]).rename(columns={
    "domain_name": "Domain", "lsoas": "Neighbourhoods in the most deprived 10%",
    "share": "Share of ICB neighbourhoods (%)", "population": f"Residents of those neighbourhoods ({P})",
    "population_share": "Share of ICB residents (%)", "england_share": "England: share of neighbourhoods (%)"}),
    "imd_domains", f"Neighbourhoods in each domain's national most deprived decile ({IMD})", source=SRC,
    formats={"Neighbourhoods in the most deprived 10%": "{:,.0f}", "Share of ICB neighbourhoods (%)": "{:.1f}",
             f"Residents of those neighbourhoods ({P})": "{:,.0f}", "Share of ICB residents (%)": "{:.1f}",
             "England: share of neighbourhoods (%)": "{:.1f}"})
if not domains["available"].all():
    ch.note("The supplementary indices of income deprivation affecting children (IDACI) and older people "
            "(IDAOPI) of IMD 2025, and the IoD2025 population denominators, are not in this book's data; "
            "they are shown in the IMD 2019 edition.", kind="note")
else:
    ch.md("IDACI and IDAOPI are the income domain's supplementary indices for children (0-15) and older "
          "people (60+).")

# %% [markdown]
# ## Rural and urban neighbourhoods

# %%
cls = "2011" if v == 2019 else "2021"
if rural_all is not None and urban_all is not None:
    ch.md(f"By the ONS rural-urban classification ({cls}), {pct(rural_all['population_share'])} of residents "
          f"live in rural neighbourhoods. {pct(rural_all['core20_share'])} of rural residents and "
          f"{pct(urban_all['core20_share'])} of urban residents live in the Core20; the average {IMD} score is "
          f"{num(rural_all['imd_average_score'])} in rural and {num(urban_all['imd_average_score'])} in urban "
          f"neighbourhoods. Rural deprivation is often missed by area measures because deprived households "
          f"are spread among less deprived ones.")
else:
    only = rural.iloc[-1]
    ch.md(f"By the ONS rural-urban classification ({cls}), all neighbourhoods of {name} are "
          f"{esc(only['ruc_broad'].lower())}.")
ch.table(rural.rename(columns={
    "ruc_broad": "Urban or rural", "ruc_name": "Rural-urban class", "lsoas": "Neighbourhoods (LSOAs)",
    "population": f"Residents ({P})", "population_share": "Share of ICB residents (%)",
    "core20_population": f"Core20 residents ({P})", "core20_share": "Core20 share of the class's residents (%)",
    "imd_average_score": f"Average {IMD} score (population-weighted)",
    "england_core20_share": "England: Core20 share of the class (%)"}),
    "rurality", f"Deprivation by rural-urban classification ({cls}, {IMD})",
    source=SRC + f"; ONS rural-urban classification {cls} of LSOAs",
    formats={"Neighbourhoods (LSOAs)": "{:,.0f}", f"Residents ({P})": "{:,.0f}", "Share of ICB residents (%)": "{:.1f}",
             f"Core20 residents ({P})": "{:,.0f}", "Core20 share of the class's residents (%)": "{:.1f}",
             f"Average {IMD} score (population-weighted)": "{:.1f}", "England: Core20 share of the class (%)": "{:.1f}"})

# %% [markdown]
# ## The most deprived neighbourhoods

# %%
if len(worst):
    ch.md(f"{count(len(worst))} neighbourhoods of {name}, home to {count(worst['population'].sum())} people, are "
          f"in the most deprived 10% in England. The most deprived, {esc(worst.iloc[0]['lsoa_name'])}, ranks "
          f"{count(worst.iloc[0]['imd_rank'])} of {count(eng['n_lsoas'])} in England (1 = most deprived).")
    ch.table(worst.rename(columns={
        "lsoa_code": "LSOA code", "lsoa_name": "LSOA name", "lad_name": "Local authority",
        "sicbl_name": "Sub-ICB location", "population": f"Residents ({P})",
        "imd_rank": f"{IMD} rank in England (1 = most deprived)", "imd_score": f"{IMD} score",
        "ruc_broad": "Urban or rural", "decile1_domains": "Domains in which it is in the most deprived 10%",
        "n_decile1_domains": "Number of such domains"}),
        "most_deprived_neighbourhoods",
        f"Neighbourhoods in the national most deprived {IMD} decile, most deprived first", source=SRC,
        formats={f"Residents ({P})": "{:,.0f}", f"{IMD} rank in England (1 = most deprived)": "{:,.0f}",
                 f"{IMD} score": "{:.1f}"},
        notes="LSOA names are ONS's (local authority and a number), not local place names.")
else:
    nearest = pop.least_ranked_lsoas(icb, v)
    ch.md(f"No neighbourhood of {name} is in the most deprived 10% in England. The ten most deprived are "
          f"listed instead; the most deprived, {esc(nearest.iloc[0]['lsoa_name'])}, is in national decile "
          f"{int(nearest.iloc[0]['imd_decile'])}.")
    ch.table(nearest.rename(columns={
        "lsoa_code": "LSOA code", "lsoa_name": "LSOA name", "lad_name": "Local authority",
        "population": f"Residents ({P})", "imd_rank": f"{IMD} rank in England (1 = most deprived)",
        "imd_decile": f"National {IMD} decile", "imd_score": f"{IMD} score"}),
        "most_deprived_neighbourhoods", f"The ten most deprived neighbourhoods ({IMD})", source=SRC,
        formats={f"Residents ({P})": "{:,.0f}", f"{IMD} rank in England (1 = most deprived)": "{:,.0f}",
                 f"{IMD} score": "{:.1f}"})

# %% [markdown]
# ## IMD 2019 and IMD 2025

# %%
s = compare["summary"]
s19, s25 = s.iloc[0], s.iloc[1]
BOTH_SRC = pop.source(2019) + "; " + pop.source(2025)
ch.md(
    f"As each is used in this book, IMD 2019 puts {count(s19['core20_population'])} people "
    f"({pct(s19['core20_share'])}) of {name} in the Core20 and IMD 2025 puts {count(s25['core20_population'])} "
    f"({pct(s25['core20_share'])}). Part of that difference is the population count and the redrawn 2021 "
    f"neighbourhoods. On the same 2021 neighbourhoods and Census 2021 residents, IMD 2019 gives "
    f"{pct(c['core20_2019_on_2021_share'])} and IMD 2025 {pct(c['core20_2025_share'])}: "
    f"{count(c['moved_in_lsoas'])} neighbourhoods ({count(c['moved_in_population'])} people) move into the "
    f"Core20 and {count(c['moved_out_lsoas'])} ({count(c['moved_out_population'])} people) move out.")
ch.table(s.rename(columns={
    "imd": "Index", "lsoa_boundaries": "LSOA boundaries", "population_vintage": "Population count",
    "lsoas": "Neighbourhoods (LSOAs)", "core20_lsoas": "Core20 neighbourhoods", "population": "Residents",
    "core20_population": "Core20 residents", "core20_share": "Core20 share of residents (%)",
    "rank": "Rank among 42 ICBs (1 = highest Core20 share)"}),
    "imd_versions_core20", "The Core20 under IMD 2019 and IMD 2025, each with its own neighbourhoods and "
    "population", source=BOTH_SRC,
    formats={"Neighbourhoods (LSOAs)": "{:,.0f}", "Core20 neighbourhoods": "{:,.0f}", "Residents": "{:,.0f}",
             "Core20 residents": "{:,.0f}", "Core20 share of residents (%)": "{:.1f}"})
ch.table(compare["movement"].rename(columns={
    "group": "Core20 status", "lsoas": "Neighbourhoods (2021 LSOAs)", "population": "Residents (Census 2021)",
    "population_share": "Share of ICB residents (%)"}), "imd_versions_movement",
    "Neighbourhoods moving in and out of the Core20 between IMD 2019 and IMD 2025 (2021 neighbourhoods, "
    "Census 2021 residents)", source=BOTH_SRC + "; ONS LSOA (2011) to LSOA (2021) lookup",
    formats={"Neighbourhoods (2021 LSOAs)": "{:,.0f}", "Residents (Census 2021)": "{:,.0f}",
             "Share of ICB residents (%)": "{:.1f}"})
ch.note(
    "IMD 2019 was published for 2011 neighbourhoods. To compare like with like it is carried to 2021 "
    "neighbourhoods with the ONS LSOA 2011 to 2021 lookup: unchanged and split neighbourhoods keep their "
    "2011 decile; a neighbourhood merged from several 2011 ones takes the status of those holding most of "
    f"their residents ({count(c['mixed_lsoas'])} neighbourhood{'' if c['mixed_lsoas'] == 1 else 's'} here "
    f"had 2011 parts of differing status). "
    "The two indices use different years of data (IMD 2019 mostly 2015/16; IMD 2025 more recent years), so a "
    "move can reflect real change here, change elsewhere in England (ranks are relative) or changes of method.")

# %% [markdown]
# ## About the data

# %%
ch.note(
    "The IMD 2019 score is derived from MHCLG's published exponentially transformed domain scores "
    "(File 9) with the official weights (income and employment 22.5% each, education and health 13.5% each, "
    "crime, barriers and living environment 9.3% each); ranks and deciles are MHCLG's published ones. "
    "National deciles split England's neighbourhoods, not its people, into ten equal groups, so the Core20 "
    "holds about, not exactly, 20% of England's residents. "
    "IMD 2019 is paired with ONS mid-2020 small-area estimates (the latest on 2011 neighbourhoods); IMD 2025 "
    "with Census 2021 usual residents (there are no mid-year estimates for 2021 neighbourhoods in this "
    "book's data). Neighbourhood populations are for persons only: no split by sex is available, so the age "
    "chart is not a sex pyramid. ICB boundaries: July 2022 for the IMD 2019 edition, April 2024 for IMD 2025 "
    "(only Surrey Heartlands and Sussex differ, by 4 neighbourhoods).",
    title="Methods and caveats", kind="note")

# %%
R = pop.HEADLINE_RANGES
labels = {  # key: (label, unit, the table or figure that gives the evidence)
    "population": ("Residents", "people", "table-age_profile"),
    "n_lsoas": ("Neighbourhoods (LSOAs)", "count", "table-imd_deciles"),
    "core20_population": ("Residents in Core20 neighbourhoods (most deprived 20% in England)", "people",
                          "table-imd_quintiles"),
    "core20_share": ("Share of residents in Core20 neighbourhoods", "%", "table-imd_quintiles"),
    "core20_rank": ("Rank of the Core20 share among the 42 ICBs (1 = highest)", "rank", "figure-icb_core20_ranking"),
    "decile1_lsoas": ("Neighbourhoods in the most deprived 10% in England", "count", "table-most_deprived_neighbourhoods"),
    "decile1_lsoa_share": ("Share of neighbourhoods in the most deprived 10% in England", "%", "table-imd_deciles"),
    "imd_average_score": (f"Average {IMD} score (population-weighted; higher = more deprived)", "score",
                          "table-icb_core20_ranking"),
    "england_core20_share": ("England: share of residents in Core20 neighbourhoods", "%", "table-imd_quintiles"),
}
for key, (label, unit, evidence) in labels.items():
    ch.headline(key, head[key], label=label, unit=unit, period=f"{IMD}; {period}", source=SRC,
                lo=R[key][0], hi=R[key][1], evidence=evidence)
ch.save()
