# %% [markdown]
# # Health inequalities: life expectancy, the gap and premature deaths

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/health_inequalities"
reference_date = ""  # set by the build (the first day of the month the book is as of); "" = this month

# %%
import pandas as pd

from analysis import figures, geography
from analysis.chapters import health_inequalities as hi
from analysis.report import Chapter, count, esc, num, years

icb = geography.find_icb(icb_code)
ch = Chapter("health_inequalities", data_dir, icb=icb)
figures.style()
S = hi.SOURCES

areas = hi.icb_areas(icb.ods_code)
partial = hi.partial_areas(icb.ods_code)
le = hi.le_series(icb.ods_code)
hle = hi.hle_series(icb.ods_code)
gap = hi.le_hle_gap(icb.ods_code)
sii = hi.sii_series(icb.ods_code)
plan = hi.plan_comparison(icb.ods_code)
dec = hi.decile_data(icb.ods_code)
dsii = hi.decile_sii(icb.ods_code)
u75 = hi.u75_preventable_table(icb.ods_code)
cvd = hi.u75_cvd_table(icb.ods_code)
prac, prac_info = hi.practice_table(icb.ods_code)
qsum = hi.practice_quintile_summary(icb.ods_code)
head = hi.headline_figures(icb.ods_code, imd_version)


KIND = {"england": "England", "county": "County", "unitary": "Unitary authority", "district": "District"}
AREA_COLS = {"area_code": "Area code", "area_name": "Area", "kind": "Type of area", "sex": "Sex", "period": "Period"}


def readable(df):
    """Plain-English type of area and headers for display (values unchanged)."""
    out = df.rename_axis(columns=None)
    if "kind" in out:
        out = out.assign(kind=out["kind"].map(KIND).fillna(out["kind"]))
    return out.rename(columns=AREA_COLS)


def names(xs):
    xs = [esc(x) for x in xs]
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


le_latest_period = le["period"].max()
le_lat = le[(le["period"] == le_latest_period)]
le_eng = le_lat[le_lat["kind"] == "england"].set_index("sex")["value"]
# Suppressed values (e.g. City of London, Isles of Scilly: too few deaths) stay missing and are
# left out of rankings; the tables still list them as suppressed.
le_la = le_lat[(le_lat["kind"] != "england") & le_lat["value"].notna()]
sii_lat_period = sii[sii["source"] == "district_ua_2026"]["period"].max()
sii_lat = sii[(sii["period"] == sii_lat_period) & (sii["kind"].isin(["unitary", "district"])) & sii["value"].notna()]
sii_eng = sii[(sii["period"] == sii_lat_period) & (sii["kind"] == "england")].set_index("sex")["value"]
hle_period = hle["period"].max()
hle_lat = hle[hle["period"] == hle_period]
u75_year = u75["period"].max()
u75_lat = u75[(u75["period"] == u75_year) & u75["value"].notna()]
cvd_period = cvd["period"].max()
cvd_lat = cvd[cvd["period"] == cvd_period]

# %%
worst_le = le_la[le_la["sex"] == "Male"].sort_values("value").iloc[0]
best_le = le_la[le_la["sex"] == "Male"].sort_values("value").iloc[-1]
sii_m = sii_lat[sii_lat["sex"] == "Male"].sort_values("value")
sii_top = sii_m.iloc[-1]
n_sii_above = int((sii_m["value"] > sii_eng["Male"]).sum())
u_la = u75_lat[u75_lat["kind"] != "england"]
n_u75_worse = int((u_la["significance"] == "worse").sum())
n_u75_better = int((u_la["significance"] == "better").sum())
u_eng = float(u75_lat.loc[u75_lat["kind"] == "england", "value"].iloc[0])

findings = [
    f"Male life expectancy at birth ranges from {years(worst_le['value'], what='male LE')} in "
    f"{esc(worst_le['area_name'])} to {years(best_le['value'], what='male LE')} in {esc(best_le['area_name'])} "
    f"({esc(le_latest_period)}, the latest period, which may be provisional); England: "
    f"{years(le_eng['Male'], what='England male LE')}.",
    f"The gap in male life expectancy between the most and least deprived ends of the local social gradient "
    f"(slope index of inequality) is widest in {esc(sii_top['area_name'])}: {years(sii_top['value'], what='SII')} "
    f"in {esc(sii_lat_period)}, against {years(sii_eng['Male'], what='England SII')} for England; "
    f"{count(n_sii_above)} of the {count(len(sii_m))} local authorities have a wider gap than England's.",
    f"In {esc(u75_year)}, {count(n_u75_worse)} of the {count(len(u_la))} local authorities had significantly higher "
    f"under-75 mortality from preventable causes than England ({num(u_eng, what='England U75 rate')} per 100,000) "
    f"and {count(n_u75_better)} significantly lower.",
]
g_lat = gap[(gap["period"] == gap["period"].max()) & (gap["kind"] != "england")]
if len(g_lat):
    gm = g_lat[g_lat["sex"] == "Male"].sort_values("poor_health_years").iloc[-1]
    ge = gap[(gap["period"] == gm["period"]) & (gap["kind"] == "england") & (gap["sex"] == "Male")].iloc[0]
    findings.append(
        f"Men in {esc(gm['area_name'])} can expect to live {years(gm['poor_health_years'], what='poor health', lo=0, hi=40)} "
        f"of their lives in less than good health ({esc(gm['period'])}; England {years(ge['poor_health_years'], what='poor health', lo=0, hi=40)}).")
_iq = qsum[(qsum["scope"] == "ICB") & qsum["le_male"].notna()]
_trend = ("lower" if _iq["le_male"].iloc[0] < _iq["le_male"].iloc[-1] else "not lower") if len(_iq) > 1 else "not comparable"
findings.append(
    f"Across the ICB's GP practices, life expectancy of the registered population averages "
    f"{years(head['practice_le_male'], what='practice LE male')} for men and {years(head['practice_le_female'], what='practice LE female')} "
    f"for women (weighted by list size); for men it is {_trend} in the ICB's most deprived practice quintile "
    f"({years(_iq['le_male'].iloc[0])}) than in its least deprived ({years(_iq['le_male'].iloc[-1])}).")
ch.findings(findings)

# %%
if len(partial):
    ch.note(f"Local authorities with fewer than half of their neighbourhoods in {esc(icb.short_name)} are left out of the "
            f"comparisons below: {names(partial['lad_name'])}.")
ch.md(f"The local authorities of {esc(icb.short_name)} in this chapter: "
      + "; ".join(f"{esc(r.area_name)} ({r.kind})" for r in areas.itertuples()) + ".")

# %% [markdown]
# ## Life expectancy and healthy life expectancy

# %%
ch.md(f"Life expectancy at birth in {esc(le_latest_period)} for each district and unitary authority, "
      f"against England ({years(le_eng['Male'], what='LE')} for men, {years(le_eng['Female'], what='LE')} for women). "
      f"Men in {esc(worst_le['area_name'])} live on average {years(best_le['value'] - worst_le['value'], what='LE range', lo=0, hi=20)} "
      f"less than men in {esc(best_le['area_name'])}.")
ch.figure(hi.fig_le_trend(le), "le_trend",
          alt=(f"Two line charts of life expectancy at birth by period from {esc(le['period'].min())} to {esc(le_latest_period)}, "
               f"men and women, for each local authority and England. In {esc(le_latest_period)} male life expectancy ranges from "
               f"{years(worst_le['value'], what='LE')} ({esc(worst_le['area_name'])}) to {years(best_le['value'], what='LE')} "
               f"({esc(best_le['area_name'])}); England {years(le_eng['Male'], what='LE')}."),
          caption="Life expectancy at birth by local authority and sex, 3-year periods. The shaded latest period may be provisional.",
          source=S["le"])
tab = le.pivot_table(index=["area_name", "kind", "sex"], columns="period", values="value").reset_index()
ch.table(readable(tab), "life_expectancy", "Life expectancy at birth (years) by local authority, sex and 3-year period",
         source=S["le"], formats={p: "{:.1f}" for p in tab.columns if "-" in str(p)},
         notes="Each period column gives life expectancy in years.")
missing_le = hi.missing_areas(le, areas, ("county",))
if missing_le:
    ch.note(f"Life expectancy is published here for districts and unitary authorities only: no figure for "
            f"{names(missing_le)} as a whole is in this file, and averaging its districts would not reproduce it.")
ch.note(f"The {esc(le_latest_period)} figures are the newest in the extract and may be provisional; values for earlier "
        f"periods are revised when ONS revises population estimates. Figures are rounded to one decimal place and the extract has no confidence intervals.",
        kind="warning")

# %%
hle_tab_lat = hle_lat.copy()
le_for_hle = le[(le["period"] == hle_period)]
ch.md(f"Healthy life expectancy (years expected in good health) in {esc(hle_period)}, with its 95% confidence interval, "
      f"and life expectancy where both are published for the same place; the distance between them is the years lived "
      f"in less than good health. In England that is {years(gap[(gap['kind'] == 'england') & (gap['period'] == hle_period) & (gap['sex'] == 'Male')]['poor_health_years'].iloc[0], what='gap', lo=0, hi=40)} "
      f"for men and {years(gap[(gap['kind'] == 'england') & (gap['period'] == hle_period) & (gap['sex'] == 'Female')]['poor_health_years'].iloc[0], what='gap', lo=0, hi=40)} for women.")
hm = hle_lat[(hle_lat["sex"] == "Male") & (hle_lat["kind"] != "england")]
ch.figure(hi.fig_hle(hle_lat, le_for_hle), "hle_gap",
          alt=(f"Dot charts of healthy life expectancy with 95% confidence intervals and life expectancy in {esc(hle_period)} "
               f"for men and women in " + names(hle_lat['area_name'].unique()) + ". Male healthy life expectancy ranges from "
               f"{years(hm['value'].min(), what='HLE')} to {years(hm['value'].max(), what='HLE')}; England "
               f"{years(hle_lat[(hle_lat['kind'] == 'england') & (hle_lat['sex'] == 'Male')]['value'].iloc[0], what='HLE')}."),
          caption=f"Healthy life expectancy (dots, 95% CI) and life expectancy (diamonds) at birth, {hle_period}; labels give years lived in less than good health.",
          source=f"{S['hle']}; {S['le']}")
GAP_COLS = {"le": "Life expectancy (years)", "hle": "Healthy life expectancy (years)",
            "hle_lower_ci": "Healthy life expectancy, lower 95% CI", "hle_upper_ci": "Healthy life expectancy, upper 95% CI",
            "poor_health_years": "Years in less than good health", "le_provisional": "Life expectancy provisional?"}
ch.table(readable(gap.assign(le_provisional=gap["le_provisional"].map({True: "Yes", False: "No"}))).rename(columns=GAP_COLS),
         "le_hle_gap", "Life expectancy, healthy life expectancy (95% CI) and years in less than good health, by place, sex and period",
         source=f"{S['hle']}; {S['le']}",
         formats={c: "{:.1f}" for c in list(GAP_COLS.values())[:5]},
         notes="A dash means the value is not published for that place and period.")
no_hle = hi.missing_areas(hle, areas, ("district",))
if no_hle:
    ch.note(f"ONS does not publish healthy life expectancy for shire districts ({names(no_hle)}): healthy life expectancy is "
            f"shown for their county instead, for which this data has no life expectancy, so the years in poor health cannot be "
            f"computed there.")
ch.note("Healthy life expectancy comes from a survey question on general health (Annual Population Survey) and is an official "
        "statistic in development; ONS used an interim modelling method for recent periods. Local intervals are wide: "
        "differences between neighbouring periods are often within them.", kind="warning")

# %% [markdown]
# ## The gap in life expectancy across the social gradient

# %%
pe = plan[plan["kind"] == "england"].iloc[0]
ch.md("The slope index of inequality (SII) is the modelled gap in life expectancy between the most and the least deprived "
      "ends of each area's own deprivation gradient. A larger SII means a steeper social gradient. "
      f"For men in England it was {years(pe['sii_2011_13'], what='SII')} in {esc(hi.PLAN_PERIOD)} (as first published) "
      f"and {years(pe['sii_latest'], what='SII')} in {esc(pe['latest_period'])}.")
up = sii[sii["kind"].isin(["county", "unitary", "england"])]
ch.figure(hi.fig_sii_trend(sii), "sii_trend",
          alt=(f"Two line charts of the slope index of inequality in life expectancy over time for men and women in "
               + names(up['area_name'].unique()) + f". England's male SII is {years(sii_eng['Male'], what='SII')} in "
               f"{esc(sii_lat_period)}."),
          caption="Slope index of inequality in life expectancy at birth, counties, unitary authorities and England. Filled markers: latest "
                  "Fingertips extraction; hollow markers: earlier extractions (since revised).",
          source=S["sii"])
pl = plan.dropna(subset=["change"])
ch.md(f"Against the male SII first published for {esc(hi.PLAN_PERIOD)}, the period local plans often quote, the latest "
      f"published value is wider in {count(int((pl['change'] > 0).sum()))} of the {count(len(pl))} areas in the table "
      f"(England included).")
ch.table(readable(plan).rename(columns={
    "sii_2011_13": f"Male SII {hi.PLAN_PERIOD}, as first published (years)", "latest_period": "Latest period",
    "sii_latest": "Male SII, latest (years)", "change": "Change (years)",
    "latest_source": "Fingertips extraction of the latest value"}),
    "sii_plan_period", f"Male slope index of inequality in life expectancy (years): {hi.PLAN_PERIOD} as first published, and latest",
    source=S["sii"], formats={f"Male SII {hi.PLAN_PERIOD}, as first published (years)": "{:.1f}",
                              "Male SII, latest (years)": "{:.1f}", "Change (years)": "{:+.1f}"})
if icb.ods_code == "QGH":
    w = plan[plan["area_name"] == "Worcestershire"].iloc[0]
    h = plan[plan["area_code"] == "E06000019"].iloc[0]
    ch.note(f"The Herefordshire and Worcestershire plan: \"the range of years of life expectancy across the social gradient at "
            f"birth is {num(w['sii_2011_13'], what='SII')} years in Worcestershire and {num(h['sii_2011_13'], what='SII')} in "
            f"Herefordshire\". These are the published male slope indices of inequality for {esc(hi.PLAN_PERIOD)}. The latest published values are "
            f"{years(h['sii_latest'], what='SII')} in Herefordshire ({esc(h['latest_period'])}) and, for Worcestershire as a "
            f"whole, {years(w['sii_latest'], what='SII')} in {esc(w['latest_period'])}, the last period published for the county "
            f"in this data (later values exist only for its {count(int((areas['kind'] == 'district').sum()))} districts).", title="What the plan said")
ch.md(f"In {esc(sii_lat_period)} the male SII of the districts and unitary authorities ranges from "
      f"{years(sii_m['value'].min(), what='SII', lo=-10)} ({esc(sii_m.iloc[0]['area_name'])}) to "
      f"{years(sii_m['value'].max(), what='SII', lo=-10)} ({esc(sii_m.iloc[-1]['area_name'])}).")
ch.figure(hi.fig_sii_latest(sii_lat, {"Male": float(sii_eng["Male"]), "Female": float(sii_eng["Female"])}), "sii_latest",
          alt=(f"Dot chart of the slope index of inequality in life expectancy in {esc(sii_lat_period)} for men (circles) and women "
               f"(triangles) in each district and unitary authority, with England's values as dashed lines "
               f"({years(sii_eng['Male'], what='SII')} men, {years(sii_eng['Female'], what='SII')} women)."),
          caption=f"Slope index of inequality in life expectancy at birth, {sii_lat_period}, districts and unitary authorities.",
          source=S["sii"])
stab = sii.pivot_table(index=["area_name", "kind", "sex"], columns="period", values="value").reset_index()
ch.table(readable(stab), "sii_series", "Slope index of inequality in life expectancy (years) by place, sex and 3-year period",
         source=S["sii"], formats={p: "{:.1f}" for p in stab.columns if "-" in str(p)},
         notes="Each period column gives the SII in years.")
missing_sii = hi.missing_areas(sii, areas, ("county", "unitary", "district"))
if missing_sii:
    ch.note(f"No published SII in these files for {names(missing_sii)} (the area did not exist in the geography of the "
            f"extraction that covers it).")
counties = areas[areas["kind"] == "county"]
if len(counties):
    ch.note(f"For {names(counties['area_name'])} the county-wide SII is available here only to 2015-17 (county and unitary "
            f"extraction); later periods are published for its districts, and a county SII cannot be derived from district SIIs.")
rev = hi.sii_revision_summary()
ch.note(f"Fingertips re-published the whole SII series in later releases (revised population estimates and a newer deprivation "
        f"vintage for the deciles): over the {count(rev['n'])} values in both extractions, the later one differs by a median "
        f"of {years(rev['median'], what='revision', lo=0, hi=10)} and by up to {years(rev['max'], what='revision', lo=0, hi=20)} "
        f"for small districts. The series above joins the 2024 extraction (to 2014-16) to the latest one "
        "(from 2015-17); compare trends across the join with care. District SIIs have wide uncertainty.", kind="warning")

# %% [markdown]
# ## Life expectancy by local deprivation decile (2014-16)

# %%
eng_d = dsii[dsii["kind"] == "england"].set_index("sex")
n_checked = int(dsii["published"].notna().sum())
n_agree = int(dsii["agrees"].sum())
up_d = dsii[dsii["kind"].isin(["england", "county", "unitary"]) & dsii["published"].notna()]
ch.md(f"Each area's neighbourhoods are split into ten groups from most to least deprived (local deciles, IMD 2015). Fitting "
      f"a line through life expectancy in the ten groups, weighted by population, gives the SII. Recomputed here from the "
      f"published decile data, England's male SII for {esc(hi.DECILE_PERIOD)} is {years(eng_d.loc['Male', 'value'], what='SII')} "
      f"(95% CI {num(eng_d.loc['Male', 'lower_ci'])} to {num(eng_d.loc['Male', 'upper_ci'])}), against "
      f"{years(eng_d.loc['Male', 'published'], what='SII')} published. {count(int(up_d['agrees'].sum()))} of "
      f"{count(len(up_d))} values for England, counties and unitary authorities agree with the published figure within "
      f"{num(hi.BACKTEST_TOLERANCE, dp=2)} years; for all areas, {count(n_agree)} of {count(n_checked)}.")
incomplete = hi.decile_incomplete_areas(icb.ods_code)
if incomplete:
    ch.note(f"Left out of this section: {names(incomplete)}, whose published decile data do not cover all ten "
            "deciles (too few neighbourhoods to form local deciles), so no SII can be fitted.")
shown = dsii[dsii["kind"].isin(["england", "county", "unitary"])]
fm = shown[shown["sex"] == "Male"]
ch.figure(hi.fig_deciles(dec, dsii), "le_by_decile",
          alt=(f"Panels of life expectancy by local deprivation decile in {esc(hi.DECILE_PERIOD)} for "
               + names(fm['area_name'].head(9)) + ", men (circles) and women (triangles), each with its fitted slope "
               f"index of inequality line. England's male SII is {years(eng_d.loc['Male', 'value'], what='SII')}."),
          caption=f"Life expectancy at birth by local deprivation decile, {hi.DECILE_PERIOD}, with the fitted SII line (statistics module, "
                  "PHOF method); each point sits at the middle of its decile's share of the population. The legend gives the SII and "
                  "its 95% confidence interval.",
          source=S["decile"])
BT = {"value": "SII recomputed here (years)", "lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI",
      "published": "SII published (years)", "published_source": "Published in (Fingertips extraction)",
      "difference": "Recomputed minus published (years)",
      "agrees": f"Agrees within {hi.BACKTEST_TOLERANCE:.2f} years?"}
bt = dsii.drop(columns=["intercept"])
bt = bt.assign(agrees=bt["agrees"].map({True: "Yes", False: "No"}).where(bt["published"].notna(), "No published value"))
ch.table(readable(bt).rename(columns=BT), "sii_backtest",
         f"Slope index of inequality ({hi.DECILE_PERIOD}) recomputed from the decile data, with 95% CI, against the published value",
         source=f"{S['decile']}; {S['sii']}",
         formats={BT["value"]: "{:.2f}", BT["lower_ci"]: "{:.2f}", BT["upper_ci"]: "{:.2f}", BT["published"]: "{:.1f}",
                  BT["difference"]: "{:+.2f}"})
ch.table(readable(dec[["area_name", "sex", "decile", "population", "deaths", "value", "se"]]).rename(columns={
    "decile": "Local deprivation decile (1 = most deprived)", "population": "Population", "deaths": "Deaths",
    "value": "Life expectancy (years)", "se": "Standard error (years)"}), "le_by_decile",
    f"Life expectancy by local deprivation decile (1 = most deprived), {hi.DECILE_PERIOD}",
    source=S["decile"], formats={"Population": "{:,.0f}", "Deaths": "{:,.0f}", "Life expectancy (years)": "{:.1f}",
                                 "Standard error (years)": "{:.2f}"})
missing_dec = hi.missing_areas(dec, areas, ("county", "unitary", "district"))
if missing_dec:
    ch.note(f"The decile data use the local authorities of before April 2019; no decile data for {names(missing_dec)}.")
ch.note("The period of the decile data (2014-16) is inferred: the file does not state it, but the recomputed SIIs match "
        "the published 2014-16 values. Published values for counties, unitary authorities and England are from the series as "
        "first published; for districts only a later, revised extraction is available here, so differences of a few tenths of a "
        "year there reflect revisions, not an error in the method. Published values are rounded to one decimal place.",
        kind="warning")

# %% [markdown]
# ## Premature mortality

# %%
c_la = cvd_lat[cvd_lat["kind"] != "england"]
c_eng = float(cvd_lat.loc[cvd_lat["kind"] == "england", "value"].iloc[0])
ch.md(f"Under-75 deaths from causes considered preventable, {esc(u75_year)}: {count(n_u75_worse)} of {count(len(u_la))} "
      f"local authorities are significantly worse than England ({num(u_eng)} per 100,000), {count(n_u75_better)} significantly "
      f"better and {count(int((u_la['significance'] == 'similar').sum()))} similar. From cardiovascular disease considered "
      f"preventable, {esc(cvd_period)}: {count(int((c_la['significance'] == 'worse').sum()))} worse, "
      f"{count(int((c_la['significance'] == 'better').sum()))} better and {count(int((c_la['significance'] == 'similar').sum()))} "
      f"similar to England ({num(c_eng)} per 100,000).")
ch.figure(hi.fig_premature(u75_lat, cvd_lat), "premature_mortality",
          alt=(f"Two dot charts of under-75 mortality per 100,000 by local authority against England: preventable causes in "
               f"{esc(u75_year)} (England {num(u_eng)}) and preventable cardiovascular disease in {esc(cvd_period)} with 95% "
               f"confidence intervals (England {num(c_eng)}). Marker shape and colour show better (triangle up), similar (circle) "
               f"or worse (triangle down) than England; {count(n_u75_worse)} areas are worse for preventable causes."),
          caption="Under-75 mortality from preventable causes (left) and preventable cardiovascular disease (right), directly "
                  "age-standardised rates per 100,000. Better / similar / worse than England by 95% confidence interval.",
          source=f"{S['u75']}; {S['cvd']}")
u_tab = u75.pivot_table(index=["area_name", "kind"], columns="period", values="value").reset_index()
u_tab = u_tab.merge(u75_lat[["area_name", "compared_to_england"]].rename(
    columns={"compared_to_england": f"Compared with England, {u75_year}"}), on="area_name", how="left")
ch.table(readable(u_tab), "u75_preventable", "Under-75 mortality from causes considered preventable, persons, per 100,000 (age-standardised), by year",
         source=S["u75"], formats={p: "{:.1f}" for p in u_tab.columns if str(p).isdigit()},
         notes="Each year column gives deaths under 75 per 100,000, directly age-standardised.")
c_tab = cvd[["area_name", "kind", "period", "value", "lower_ci", "upper_ci", "significance"]]
CV = {"value": "Deaths under 75 per 100,000 (age-standardised)", "lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI",
      "significance": "Compared with England"}
ch.table(readable(c_tab.assign(significance=c_tab["significance"].str.capitalize())).rename(columns=CV),
         "u75_cvd_preventable", "Under-75 mortality from cardiovascular disease considered preventable, persons, per 100,000, with 95% CI",
         source=S["cvd"], formats={CV["value"]: "{:.1f}", CV["lower_ci"]: "{:.1f}", CV["upper_ci"]: "{:.1f}"})
miss_u = hi.missing_areas(u75, areas, ("county",))
if miss_u:
    ch.note(f"The all-preventable-causes series is published here for districts and unitary authorities only (not for "
            f"{names(miss_u)} as a whole); its comparison with England is Fingertips' own. The cardiovascular series includes "
            f"counties, and its comparison is made here from the published 95% confidence intervals.")
ch.note("Single-year rates for small districts rest on few deaths and move from year to year; rates for the City of London and "
        "the Isles of Scilly are not published. 'Similar' means the 95% confidence interval includes England's value.",
        kind="warning")

# %% [markdown]
# ## GP practices: life expectancy and deprivation

# %%
iq = qsum[(qsum["scope"] == "ICB") & qsum["le_male"].notna()]
eq = qsum[qsum["scope"] == "England"].set_index("quintile")
lo_q, hi_q = iq.iloc[0], iq.iloc[-1]
ch.md(f"Life expectancy of each practice's registered population (from where its patients live) against the practice's "
      f"deprivation score, {count(prac_info['icb_practices'])} practices in {esc(icb.short_name)}. Weighted by list size, men "
      f"registered with the ICB's practices in the most deprived quintile it has (national quintile {count(lo_q['quintile'])}) "
      f"have a life expectancy of {years(lo_q['le_male'])}, against {years(hi_q['le_male'])} in quintile "
      f"{count(hi_q['quintile'])}; nationally the range from most to least deprived quintile is "
      f"{years(eq.loc[1, 'le_male'])} to {years(eq.loc[5, 'le_male'])}.")
ch.figure(hi.fig_practices(prac, qsum, icb.short_name), "practice_le",
          alt=(f"Two scatter charts of practice-population life expectancy (men, women) against practice deprivation score for "
               f"all English practices (grey) and the {count(prac_info['icb_practices'])} practices of {esc(icb.short_name)} (blue, "
               f"sized by list size), with list-size-weighted mean life expectancy by national practice deprivation quintile for "
               f"England ({years(eq.loc[1, 'le_male'])} to {years(eq.loc[5, 'le_male'])} for men) and the ICB."),
          caption="Practice-population life expectancy against practice deprivation (IMD 2019 score). Lines: list-size-weighted "
                  "mean by national practice quintile, plotted at the quintile's median score.",
          source=S["practice"])
qtab = qsum.copy()
qtab["quintile"] = qtab["quintile"].map(lambda q: f"{q} (most deprived)" if q == 1 else (f"{q} (least deprived)" if q == 5 else str(q)))
PQ = {"scope": "Practices in", "quintile": "National practice deprivation quintile", "practices": "Practices",
      "registered_patients": "Registered patients", "le_male": "Male life expectancy (years)",
      "le_female": "Female life expectancy (years)"}
ch.table(qtab.rename(columns=PQ), "practice_le_by_quintile",
         "Practice-population life expectancy by national practice deprivation quintile (1 = most deprived), weighted by list size",
         source=S["practice"], formats={"Practices": "{:,.0f}", "Registered patients": "{:,.0f}",
                                        "Male life expectancy (years)": "{:.1f}", "Female life expectancy (years)": "{:.1f}"},
         notes="A dash means the ICB has no practice in that quintile.")
ptab = prac[prac["in_icb"]][["practice_code", "practice_name", "imd_score", "practice_quintile", "list_size", "le_male", "le_female"]]
PL = {"practice_code": "Practice code", "practice_name": "Practice", "imd_score": "Practice IMD 2019 score",
      "practice_quintile": "National practice deprivation quintile (1 = most deprived)",
      "list_size": "List size (QOF 2022-23)", "le_male": "Male life expectancy (years)",
      "le_female": "Female life expectancy (years)"}
ch.table(ptab.sort_values("imd_score", ascending=False).rename(columns=PL), "practice_le",
         f"Practices of {icb.short_name}: deprivation score, national quintile (1 = most deprived), list size and life expectancy",
         source=S["practice"], formats={PL["imd_score"]: "{:.1f}", PL["practice_quintile"]: "{:.0f}", PL["list_size"]: "{:,.0f}",
                                        PL["le_male"]: "{:.1f}", PL["le_female"]: "{:.1f}"},
         notes="A dash means the value is not published for the practice (or, for list size, that it had closed by 2023).")
ch.note(f"Practice life expectancy is the practice-level Fingertips estimate (MSOA-based, pooled over several years; the file "
        f"labels the latest period {esc(prac_info['year'])}); practice deprivation is the IMD 2019 score of where patients "
        f"live; list sizes are from QOF 2022-23. Practices that had closed by 2023 have no list size and are left out of the "
        f"weighted means ({count(prac_info['england_no_list_size'])} in England, {count(prac_info['icb_no_list_size'])} "
        f"in this ICB). The ICB a practice belongs to is the Health Equity Evidence Centre's assignment by ICB name. Quintiles "
        f"are national fifths of practices (not of patients), re-ordered here so that 1 is the most deprived.", kind="warning")
if imd_version != 2019:
    ch.note(f"Practice deprivation scores exist for IMD 2019 only; this section uses IMD 2019 although the book was built "
            f"with IMD {count(imd_version)}.")

# %%
LE_P, SII_P, U75_P, PRAC_P = str(le_latest_period), str(sii_lat_period), str(u75_year), str(prac_info["year"])
HEAD = {  # key: (label, unit, period, source, evidence)
    "le_male_min_la": ("Male life expectancy at birth: lowest of the ICB's local authorities", "years", LE_P, S["le"],
                       "figure-le_trend"),
    "le_male_max_la": ("Male life expectancy at birth: highest of the ICB's local authorities", "years", LE_P, S["le"],
                       "figure-le_trend"),
    "le_female_min_la": ("Female life expectancy at birth: lowest of the ICB's local authorities", "years", LE_P, S["le"],
                         "figure-le_trend"),
    "le_female_max_la": ("Female life expectancy at birth: highest of the ICB's local authorities", "years", LE_P,
                         S["le"], "figure-le_trend"),
    "sii_male_max_la": ("Gap in male life expectancy between most and least deprived (slope index of inequality): "
                        "widest of the ICB's local authorities", "years", SII_P, S["sii"], "figure-sii_latest"),
    "sii_male_england": ("Gap in male life expectancy between most and least deprived (slope index of inequality): "
                         "England", "years", SII_P, S["sii"], "figure-sii_latest"),
    "sii_female_max_la": ("Gap in female life expectancy between most and least deprived (slope index of inequality): "
                          "widest of the ICB's local authorities", "years", SII_P, S["sii"], "figure-sii_latest"),
    "sii_female_england": ("Gap in female life expectancy between most and least deprived (slope index of inequality): "
                           "England", "years", SII_P, S["sii"], "figure-sii_latest"),
    "u75_preventable_max_la": ("Deaths under 75 from preventable causes (age-standardised): highest of the ICB's local "
                               "authorities", "per 100,000", U75_P, S["u75"], "figure-premature_mortality"),
    "practice_le_male": ("Male life expectancy of GP practice populations (ICB average, weighted by list size)", "years",
                         PRAC_P, S["practice"], "figure-practice_le"),
    "practice_le_female": ("Female life expectancy of GP practice populations (ICB average, weighted by list size)",
                           "years", PRAC_P, S["practice"], "figure-practice_le"),
}
for k, v in head.items():
    lo, hi_ = hi.HEADLINE_RANGES[k]
    label, unit, period, source, evidence = HEAD[k]
    ch.headline(k, v, label=label, unit=unit, period=period, lo=lo, hi=hi_, source=source, evidence=evidence)
ch.save()
