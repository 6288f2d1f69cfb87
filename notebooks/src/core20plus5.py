# %% [markdown]
# # Core20PLUS5: the clinical areas where inequalities are narrowed

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/core20plus5"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import core20plus5

ch = core20plus5.build(icb_code, imd_version, data_dir, reference_date)

# %% [markdown]
# Core20PLUS5 is NHS England's approach to narrowing health inequalities. Its name has three parts: the *Core20*,
# the most deprived 20% of England's population (people living in the most deprived fifth of neighbourhoods); the
# *PLUS* groups, populations each local system chooses for itself; and the *5*, five clinical areas for adults and
# five for children and young people. This chapter takes the ten clinical areas in turn for {glue:text}`icb_name`
# integrated care board (ICB): the national ambition and where it is stated, the latest figure for the ICB against
# England, the gap by deprivation where the data measure it and, where no dataset held here measures the ambition,
# the publication that would.
#
# Much of the evidence comes from the Quality and Outcomes Framework (QOF), NHS England's yearly record of the
# registers and care of every GP practice. QOF counts patients by the practice they are registered with, not by
# where they live. Figures come with 95% confidence intervals (CI), the range within which the true value probably
# lies; words such as *higher*, *lower* or *rises with deprivation* are used only where the interval supports
# them, and data older than their publication cycle allows are marked **out of date**.
#
# :::{admonition} Key findings
# :class: tip
# - **Hypertension:** {glue:text}`hyp_value` of {glue:text}`icb_possessive` patients with hypertension had their
#   blood pressure treated to target in {glue:text}`qof_period` (everyone on the register counted),
#   {glue:md}`hyp_vs_england`; among the 42 ICBs it is {glue:md}`hyp_funnel`. In England the national
#   cardiovascular disease prevention audit (CVDPREVENT) finds {glue:text}`cvd_hyp_q1` treated to target in the
#   most deprived fifth of neighbourhoods and {glue:text}`cvd_hyp_q5` in the least deprived:
#   {glue:md}`cvd_hyp_gap` ({glue:text}`cvd_period`{glue:md}`cvd_currency`).
# - **Maternity:** {glue:md}`maternity_finding`
# - **Severe mental illness:** {glue:text}`smi_value` of people on {glue:text}`icb_possessive` registers of severe
#   mental illness had all six physical health checks in the {glue:text}`smi_period`{glue:md}`smi_currency`,
#   {glue:md}`smi_vs_england`; the ambition of {glue:text}`smi_ambition` was {glue:md}`smi_target`.
# - **Early cancer diagnosis:** {glue:md}`cancer_finding`
# - **Children's oral health:** {glue:md}`oral_finding`
# - **What is not measured:** {glue:md}`unmeasured_finding`
# :::
#
# ## Summary: the ten areas at a glance
#
# For each of the ten clinical areas, the table gives the national ambition, the latest figure for
# {glue:text}`icb_name` and for England, what the data held here say about deprivation, and how well they measure
# the ambition. For {glue:text}`n_unmeasured` of the 10 areas no dataset held here measures the ambition itself:
# "Proxy" means only a related measure is held, "Gap" that nothing close is ({glue:text}`n_gap` of the 10).

# %%
ch.show("summary")

# %% [markdown]
# ## Adults: maternity
#
# **Ambition:** {glue:md}`ambition_maternity`
#
# {glue:md}`coc_sentence`
#
# The funnel plot puts each local maternity and neonatal system (LMNS; each covers the area of one ICB) against
# the number of women booked. {glue:md}`lmns_limits`

# %%
ch.show("maternity_coc_funnel")

# %% [markdown]
# In England, {glue:text}`coc_d1` of women living in the most deprived tenth of neighbourhoods on the Index of
# Multiple Deprivation (IMD decile 1) had a continuity-of-carer plan by 28 weeks, against {glue:text}`coc_d10` in
# the least deprived tenth: {glue:md}`coc_england_gap`. The table gives every decile and ethnic group, for England
# and, where the counts were published, for {glue:text}`icb_name`.

# %%
ch.show("maternity_coc_by_group")

# %% [markdown]
# {glue:md}`smoking_sentence`

# %%
ch.show("maternity_gap")

# %% [markdown]
# ## Adults: severe mental illness
#
# **Ambition:** {glue:md}`ambition_smi`
#
# In the {glue:text}`smi_period`{glue:md}`smi_currency`, {glue:text}`smi_value` (95% CI {glue:text}`smi_ci`) of
# the {glue:text}`smi_register` people on {glue:text}`icb_possessive` registers of severe mental illness had all
# six physical health checks, {glue:md}`smi_vs_england`; the ambition of {glue:text}`smi_ambition` was
# {glue:md}`smi_target`. In QOF {glue:text}`qof_period` (a related but different count, of patients with
# schizophrenia, bipolar disorder or other psychoses), {glue:text}`mh021_value` received all six elements of the
# check, {glue:md}`mh021_vs_england`.

# %%
ch.show("smi_checks_trend")

# %% [markdown]
# {glue:md}`smi_funnel_sentence` {glue:md}`smi_limits`

# %%
ch.show("smi_checks_funnel")

# %%
ch.show("smi_checks")

# %% [markdown]
# Recorded prevalence of severe mental illness is {glue:text}`mh_prev` in {glue:text}`icb_name`,
# {glue:md}`mh_prev_vs_england` (QOF {glue:text}`qof_period`).
#
# To see whether recorded illness is more common among the ICB's more deprived communities, its registered
# patients are ranked by the deprivation score of their GP practice and cut into five groups of equal size, the
# ICB's own fifths of patients. The slope index of inequality (SII) is the difference between the most and the
# least deprived ends of a line fitted through all five groups, each weighted by its size. Here it is most minus
# least deprived, so a positive SII means higher recorded prevalence among the more deprived. The ICB's own fifths
# are used because national fifths leave some ICBs with no practice in the most deprived fifth; the ICB's SII is
# therefore not set against England's, which uses national fifths.
#
# Within {glue:text}`icb_name`, recorded prevalence of severe mental illness {glue:md}`mh_gradient`: the SII is
# {glue:md}`mh_sii`. Across England's practices it {glue:md}`mh_gradient_england`.

# %%
ch.show("smi_gap")

# %% [markdown]
# ## Adults: chronic respiratory disease
#
# **Ambition:** {glue:md}`ambition_respiratory`
#
# Recorded prevalence of chronic obstructive pulmonary disease (COPD) is {glue:text}`copd_prev` in
# {glue:text}`icb_name`, {glue:md}`copd_prev_vs_england` (QOF {glue:text}`qof_period`). Within
# {glue:text}`icb_name`, across its own fifths of patients, recorded COPD prevalence {glue:md}`copd_gradient`: the
# SII is {glue:md}`copd_sii`. Across England's practices it {glue:md}`copd_gradient_england`.
# {glue:text}`copd010_value` of patients with COPD had a review in the year that recorded their flare-ups and
# breathlessness (everyone on the register counted), {glue:md}`copd010_vs_england`.

# %%
ch.show("copd_by_quintile")

# %%
ch.show("respiratory_gap")

# %% [markdown]
# ## Adults: early cancer diagnosis
#
# **Ambition:** {glue:md}`ambition_cancer`
#
# {glue:md}`cancer_sentence`

# %%
ch.show("cancer_stage_trend")

# %%
ch.show("cancer_stage")

# %%
ch.show("cancer_gap")

# %% [markdown]
# ## Adults: hypertension and lipids
#
# **Ambition:** {glue:md}`ambition_hypertension`
#
# In QOF {glue:text}`qof_period`, {glue:text}`hyp_value` (95% CI {glue:text}`hyp_ci`) of the
# {glue:text}`hyp_register` patients on {glue:text}`icb_possessive` hypertension registers had their last blood
# pressure at or below the target for their age (140/90 mmHg under 80, 150/90 mmHg at 80 or over),
# {glue:md}`hyp_vs_england`. Everyone on the register is counted: patients for whom the practice recorded a
# personalised care adjustment (for example, declining treatment) count as not treated to target.
# {glue:md}`hyp_objective`
#
# The funnel plot puts each of the 42 ICBs against the number of patients on its hypertension registers:
# {glue:text}`icb_name` is {glue:md}`hyp_funnel`. {glue:md}`hyp_limits`

# %%
ch.show("hypertension_funnel")

# %% [markdown]
# Across England, CVDPREVENT finds {glue:text}`cvd_hyp_q1` of patients in the most deprived fifth of
# neighbourhoods treated to the appropriate threshold, against {glue:text}`cvd_hyp_q5` in the least deprived:
# {glue:md}`cvd_hyp_gap`, a gap of {glue:text}`cvd_hyp_gap_pp` (least minus most deprived, so a positive gap is
# worse for the most deprived). {glue:md}`cvd_hyp_gap_and_sii` People with a high blood pressure reading but no
# diagnosis of hypertension, a sign of cases not yet found, make up {glue:text}`cvd_undiag_q1` of patients in the
# most deprived fifth and {glue:text}`cvd_undiag_q5` in the least deprived: {glue:md}`cvd_undiagnosed_gap`
# ({glue:text}`cvd_period`{glue:md}`cvd_currency`).

# %%
ch.show("cvdprevent_quintiles")

# %%
ch.show("cvdprevent_sii")

# %% [markdown]
# {glue:md}`heec_sentence`

# %%
ch.show("bp_control_by_practice_quintile")

# %% [markdown]
# Recorded hypertension prevalence is {glue:text}`hyp_prev` in {glue:text}`icb_name`,
# {glue:md}`hyp_prev_vs_england` (QOF {glue:text}`qof_period`). Within {glue:text}`icb_name`, across its own
# fifths of patients, it {glue:md}`hyp_gradient`: the SII is {glue:md}`hyp_sii`. Across England's practices it
# {glue:md}`hyp_gradient_england`. Recorded prevalence also reflects the age of the population and how actively
# practices find cases.

# %%
ch.show("hyp_prevalence_by_quintile")

# %% [markdown]
# On lipids, {glue:text}`chol003_value` of patients with coronary heart disease, peripheral arterial disease,
# stroke or transient ischaemic attack, or chronic kidney disease were on lipid-lowering therapy (everyone on the
# register counted), {glue:md}`chol003_vs_england`. In England, {glue:text}`cvd_chol_q1` of people with a 10-year
# cardiovascular risk (QRISK score) of 20% or more in the most deprived fifth of neighbourhoods were on
# lipid-lowering therapy, against {glue:text}`cvd_chol_q5` in the least deprived: {glue:md}`cvd_chol_gap`
# ({glue:text}`cvd_period`{glue:md}`cvd_currency`). {glue:md}`lipids_icb_sentence`

# %%
ch.show("lipids_by_quintile")

# %%
ch.show("hypertension_gap")

# %% [markdown]
# ## Children and young people: asthma
#
# **Ambition:** {glue:md}`ambition_asthma`
#
# QOF counts asthma from age 6, at every age: recorded prevalence is {glue:text}`ast_prev` in
# {glue:text}`icb_name`, {glue:md}`ast_prev_vs_england` (QOF {glue:text}`qof_period`). Within
# {glue:text}`icb_name`, across its own fifths of patients, it {glue:md}`ast_gradient`: the SII is
# {glue:md}`ast_sii`. Across England's practices it {glue:md}`ast_gradient_england`. For young people aged 19 or
# under with asthma, {glue:text}`ast008_value` had their own smoking or exposure to second-hand smoke recorded,
# {glue:md}`ast008_vs_england`.

# %%
ch.show("asthma_by_quintile")

# %%
ch.show("asthma_gap")

# %% [markdown]
# ## Children and young people: diabetes
#
# **Ambition:** {glue:md}`ambition_diabetes`
#
# Only adult data are held. Recorded diabetes prevalence (aged 17 and over) is {glue:text}`dm_prev` in
# {glue:text}`icb_name`, {glue:md}`dm_prev_vs_england` (QOF {glue:text}`qof_period`). Within
# {glue:text}`icb_name`, across its own fifths of patients, it {glue:md}`dm_gradient`: the SII is
# {glue:md}`dm_sii`. Across England's practices it {glue:md}`dm_gradient_england`. {glue:text}`dm020_value` of
# adults with diabetes and without moderate or severe frailty had a last HbA1c (average blood sugar) of 58
# mmol/mol or less (everyone on the register counted), {glue:md}`dm020_vs_england`.

# %%
ch.show("diabetes_by_quintile")

# %%
ch.show("diabetes_gap")

# %% [markdown]
# ## Children and young people: epilepsy
#
# **Ambition:** {glue:md}`ambition_epilepsy`
#
# QOF counts only adults (aged 18 and over) on drug treatment for epilepsy: recorded prevalence is
# {glue:text}`ep_prev` in {glue:text}`icb_name`, {glue:md}`ep_prev_vs_england` (QOF {glue:text}`qof_period`).
# Within {glue:text}`icb_name`, across its own fifths of patients, it {glue:md}`ep_gradient`: the SII is
# {glue:md}`ep_sii`. Across England's practices it {glue:md}`ep_gradient_england`.

# %%
ch.show("epilepsy_by_quintile")

# %%
ch.show("epilepsy_gap")

# %% [markdown]
# ## Children and young people: oral health
#
# **Ambition:** {glue:md}`ambition_oral_health`
#
# {glue:md}`oral_sentence`

# %%
ch.show("oral_health_decay")

# %%
ch.show("oral_health")

# %%
ch.show("oral_health_gap")

# %% [markdown]
# ## Children and young people: mental health
#
# **Ambition:** {glue:md}`ambition_cyp_mental_health`
#
# {glue:md}`self_harm_sentence`

# %%
ch.show("self_harm_10_24")

# %%
ch.show("cyp_mental_health_gap")

# %% [markdown]
# ## PLUS groups: ethnicity, age, sex and rurality
#
# The only split by a PLUS group in the clinical data held here is maternity, by ethnic group. In England,
# {glue:text}`coc_bame_england` of women from Black, Asian and minority ethnic groups had a continuity-of-carer
# plan by 28 weeks, {glue:md}`coc_ethnicity_england` ({glue:text}`msds_month`).
# {glue:md}`coc_ethnicity_icb_sentence`

# %%
ch.show("plus_groups")

# %% [markdown]
# ## Data and methods
#
# {glue:md}`practice_quintile_definition`
#
# {glue:text}`practices_with_score` of {glue:text}`icb_possessive` {glue:text}`practices` practices (QOF
# {glue:text}`qof_practice_period`{glue:md}`qof_practice_currency`) have a deprivation score; the rest are left
# out of the analyses by deprivation. The slope index of inequality follows the method of the Office for Health
# Improvement and Disparities (OHID), as its R package PHEindicatormethods computes it, with confidence intervals
# by simulation; for the ICB it is computed across the ICB's own fifths of patients, for England across national
# fifths. Confidence intervals of percentages are Wilson score intervals; a gap between two groups has the
# interval of a difference (Newcombe's method). Funnel-plot limits at 95% and 99.8% are widened for the real
# variation between areas (overdispersion: Spiegelhalter's method, as the NHS-R FunnelPlotR package); an area is
# called well above or well below the average only outside the 99.8% limits. Where a source ranks quintiles the
# other way (HEEC, the Health Equity Evidence Centre: 1 = least deprived) it is converted so that 1 is always the
# most deprived.
#
# The tables below give the recorded prevalence behind the sections above and its gradient by practice
# deprivation, and the ambitions with the documents that state them.

# %%
ch.show("qof_prevalence")

# %%
ch.show("prevalence_sii")

# %%
ch.show("prevalence_by_practice_quintile")

# %%
ch.show("ambitions")
