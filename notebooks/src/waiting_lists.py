# %% [markdown]
# # Waiting lists by deprivation

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/waiting_lists"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import waiting_lists

ch = waiting_lists.build(icb_code, imd_version, data_dir, reference_date)

# %% [markdown]
# This chapter looks at the waiting list for planned hospital treatment (elective care) of the
# patients of {glue:text}`icb_name` integrated care board (ICB): how long they wait, and whether
# patients from more deprived neighbourhoods wait longer than others. It uses two NHS England
# sources. The monthly **referral to treatment (RTT)** waiting times count the ICB's own patients
# wherever they are treated. The weekly **Waiting List Minimum Data Set (WLMDS)** splits the
# waiting list by the deprivation of the patient's neighbourhood (its national decile of the Index
# of Multiple Deprivation, IMD: decile 1 is the most deprived tenth of neighbourhoods in England),
# ethnic group, age and sex, but for the hospital trusts located in the ICB rather than for its
# residents. The list counts pathways: one person waiting for two treatments counts twice.
#
# :::{admonition} Key findings
# :class: tip
# - In {glue:text}`rtt_month`, **{glue:text}`rtt_total` pathways** of the ICB's patients were on
#   the RTT waiting list ({glue:md}`rtt_currency`). **{glue:text}`rtt_pct18`** had waited under 18
#   weeks (England {glue:text}`rtt_pct18_eng`): the NHS Constitution standard of
#   {glue:text}`std_18w` was **{glue:md}`std_18w_status`**. {glue:md}`objective_18w`
# - {glue:text}`rtt_over52` pathways had waited over 52 weeks ({glue:text}`rtt_pct52` of the
#   list) and {glue:text}`rtt_over65` over 65 weeks. {glue:md}`objective_52w`
#   {glue:md}`objective_65w`
# - At the NHS acute trusts located in the ICB, in the {glue:text}`wlmds_week`,
#   {glue:text}`icb_d1` of patients from the most deprived tenth of neighbourhoods had waited under
#   18 weeks, against {glue:text}`icb_d10` from the least deprived tenth: a gap of
#   {glue:md}`icb_gap_pp` (95% confidence interval {glue:md}`icb_gap_ci`),
#   **{glue:md}`icb_gap_words`**. {glue:md}`icb_gap_and_sii`
# - The slope index of inequality (SII), the gap between the two ends of a line fitted through all
#   ten deciles, is {glue:md}`icb_sii` for the ICB's trusts, {glue:md}`sii_vs_england` England's
#   {glue:md}`eng_sii`; it ranks **{glue:text}`icb_rank` of {glue:text}`n_icbs` ICBs** (1st has the
#   steepest gradient against the most deprived).
# - In England, {glue:text}`per1000_d1` pathways per 1,000 residents of the most deprived tenth of
#   neighbourhoods are on the list, {glue:md}`per1000_vs_least` the {glue:text}`per1000_d10` per
#   1,000 of the least deprived tenth ({glue:text}`per1000_ratio` times as many).
# :::

# %%
ch.show("which_data")

# %% [markdown]
# ## The waiting list over time
#
# For the ICB's patients, {glue:text}`rtt_pct18` were waiting under 18 weeks in
# {glue:text}`rtt_month`, against {glue:text}`rtt_pct18_year_before` a year earlier. The charts
# below, from {glue:text}`rtt_first_month`, are statistical process control (SPC) charts in the
# "Making Data Count" style NHS England uses: they separate ordinary variation from month to month
# from signals of real change. The RTT definition changed in {glue:text}`series_break` (see the
# warning below), so the mean and process limits are calculated afresh from that month; since
# then the share under 18 weeks has averaged {glue:text}`spc18_mean`.
#
# - Share waiting under 18 weeks: the latest month reads **{glue:md}`spc18_change`**; against the
#   {glue:text}`std_18w` standard, {glue:md}`spc18_assurance`.
# - Total waiting list: **{glue:md}`spc_total_change`**; {glue:md}`spc_total_assurance`.

# %%
ch.show("rtt_icb_spc")

# %% [markdown]
# In {glue:text}`rtt_month`, {glue:text}`rtt_over52` pathways had waited over 52 weeks,
# {glue:text}`rtt_over65` over 65 weeks, {glue:text}`rtt_over78` over 78 weeks and
# {glue:text}`rtt_over104` over 104 weeks. Waits over 65 weeks peaked at {glue:text}`peak65` in
# {glue:text}`peak65_month`. {glue:md}`objective_65w`
#
# - Over 52 weeks: the latest month reads **{glue:md}`spc52_change`**; {glue:md}`spc52_assurance`.
# - Over 65 weeks: **{glue:md}`spc65_change`**; {glue:md}`spc65_assurance`.

# %%
ch.show("rtt_icb_long_waits_spc")
ch.show("rtt_latest")
ch.show("rtt_monthly")
ch.show("series_break_note")

# %% [markdown]
# ## The ICB's acute trusts
#
# {glue:md}`n_trusts` located in the ICB. {glue:md}`trusts_sentence` Trust figures include every
# patient the trust treats, from any ICB. {glue:md}`trusts_charted` The table under the charts gives
# each trust's latest SPC reading in words.

# %%
ch.show("rtt_trusts_spc")
ch.show("rtt_trust_readings")

# %% [markdown]
# ## Waiting times by deprivation
#
# In the {glue:text}`wlmds_week` ({glue:md}`wlmds_currency`), {glue:text}`icb_d1` of patients
# from the most deprived tenth of neighbourhoods waiting at the ICB's acute trusts had waited under
# 18 weeks, against {glue:text}`icb_d10` from the least deprived tenth (ratio
# {glue:text}`icb_ratio`). The gap of {glue:md}`icb_gap_pp` (95% confidence interval
# {glue:md}`icb_gap_ci`) is **{glue:md}`icb_gap_words`**. Across all ten deciles the slope index of
# inequality is {glue:md}`icb_sii` (95% confidence interval {glue:md}`icb_sii_ci`) and the relative
# index of inequality (RII), the ratio of the two ends of the fitted line, is {glue:text}`icb_rii`.
# {glue:md}`icb_gap_and_sii`
#
# In England, {glue:text}`eng_d1` of patients from the most deprived tenth had waited under 18
# weeks and {glue:text}`eng_d10` from the least deprived tenth: a gap of {glue:md}`eng_gap_pp`
# (95% confidence interval {glue:md}`eng_gap_ci`), **{glue:md}`eng_gap_words`**. The slope index is
# {glue:md}`eng_sii` (95% confidence interval {glue:md}`eng_sii_ci`). {glue:md}`eng_gap_and_sii`
#
# {glue:md}`gap_change`
#
# The chart shows England, the {glue:text}`region_name` region and the ICB's trusts together (top),
# then the largest trusts, each in its own colour and marker (bottom).

# %%
ch.show("wlmds_decile_gradient")
ch.show("wlmds_deprivation_gaps")
ch.show("wlmds_by_decile")

# %% [markdown]
# ## Who is on the waiting list at all
#
# In England, the waiting list holds {glue:text}`per1000_d1` pathways per 1,000 residents of the
# most deprived tenth of neighbourhoods and {glue:text}`per1000_d10` per 1,000 in the least
# deprived tenth ({glue:text}`per1000_ratio` times as many): the most deprived decile's rate is
# {glue:md}`per1000_vs_least` the least deprived decile's. {glue:md}`per1000_between` (higher
# meaning that the 95% confidence interval of the difference lies wholly above zero). Population:
# {glue:text}`population_year`.

# %%
ch.show("wlmds_per_1000_by_decile")
ch.show("wlmds_per_1000")
ch.show("per_1000_note")

# %% [markdown]
# ## Ethnic group, age and sex
#
# At the ICB's acute trusts, {glue:text}`age_0_18` of children and young people (0 to 18) had
# waited under 18 weeks, {glue:text}`age_19_64` of adults aged 19 to 64 and {glue:text}`age_65` of
# those over 65. By sex: women {glue:text}`sex_female`, men {glue:text}`sex_male`.
# {glue:md}`n_suppressed`

# %%
ch.show("wlmds_groups")
ch.show("wlmds_by_group")
ch.show("groups_note")

# %% [markdown]
# ## How the ICB compares with the other ICBs
#
# Ranked by the slope index of inequality in the share waiting under 18 weeks, the acute trusts of
# {glue:text}`icb_name` are **{glue:text}`icb_rank` of {glue:text}`n_icbs` ICBs** (1st has the
# steepest gradient against the most deprived), at {glue:md}`icb_sii` (95% confidence interval
# {glue:md}`icb_sii_ci`), {glue:md}`sii_vs_england` England's {glue:md}`eng_sii`. In
# {glue:text}`n_icbs_against_most_deprived` of the {glue:text}`n_icbs` ICBs the slope index is
# statistically significant and against the most deprived (its 95% confidence interval lies wholly
# above zero).

# %%
ch.show("wlmds_icb_comparison_chart")
ch.show("wlmds_icb_comparison")
ch.show("comparison_note")

# %% [markdown]
# ## About the data

# %%
ch.show("methods")
