# %% [markdown]
# # Statement on health inequalities: the annual report evidence

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/statutory"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import statutory

ch = statutory.build(icb_code, imd_version, data_dir, reference_date)

# %% [markdown]
# Under section 13SA of the National Health Service Act 2006, NHS England publishes a
# [Statement on information on health inequalities](https://www.england.nhs.uk/long-read/nhs-englands-statement-on-information-on-health-inequalities-duty/).
# It asks every integrated care board (ICB) to describe in its annual report what the data show about
# health inequalities in ten areas, to break the data down at least by deprivation, ethnicity, age and
# sex, and to say how complete the recording is: how many records have ethnicity or deprivation "not
# stated" or "not known". ICBs must review in their annual report how far they have acted in line with
# the Statement.
#
# This chapter gathers that evidence for {glue:text}`icb_name` from the published national data in
# this book, area by area in the Statement's order. Each section says what the Statement asks for,
# what the published data show for the ICB (by deprivation, ethnicity, age and sex wherever they are
# published), how the ICB compares with England and with the other 41 ICBs, how complete the recording
# is, and what the published data cannot answer, with the dataset that would. Deprivation is measured
# by the Index of Multiple Deprivation (IMD), England's official measure of how deprived small areas
# are. The descriptions of what the Statement asks are this book's summary; read the Statement for its
# exact wording.

# %%
ch.show("edition")

# %% [markdown]
# ## The annual report table
#
# One row per indicator: the ICB's value with England's, the gap between the most and least deprived
# groups with its 95% confidence interval, the ethnic group furthest from the White group where the
# data are published by ethnicity, the period and how complete the recording is. The CSV and the
# spreadsheet have every number separately (values, confidence limits, the rank among the 42 ICBs, the
# slope index of inequality, sources and licences), ready to paste into an annual report.

# %%
ch.show("annual_report_table")
ch.show("annual_report_downloads")
ch.show("how_to_read")

# %% [markdown]
# ## Elective recovery
#
# **What the Statement asks.** The size and shape of the elective (planned care) waiting list and how
# long people wait, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** NHS England's Waiting List Minimum Data Set (WLMDS) gives the waiting list of
# NHS acute trusts by the patient's IMD decile, ethnic group, age and sex, for one week
# ({glue:text}`elective_period`; {glue:md}`elective_currency`). Its figures for an ICB are those of the
# acute trusts located in the ICB, whoever their patients are. At those trusts
# **{glue:md}`elective_icb`** of pathways had waited under 18 weeks, {glue:md}`elective_vs_england`
# England's {glue:md}`elective_eng`: {glue:text}`elective_rank`. {glue:md}`elective_deprivation`

# %%
ch.show("elective_gradient")
ch.show("elective_icbs")
ch.show("elective_groups")

# %% [markdown]
# **Ethnicity, age and sex.** {glue:md}`elective_ethnicity_sentence` By age and sex, the share waiting
# under 18 weeks was: {glue:md}`elective_age_sex_sentence`. Measured against the residents of each
# ethnic group (Census 2021), the size of the waiting list differs between groups, as the next table
# shows. {glue:md}`elective_completeness`

# %%
ch.show("elective_ethnicity_rates")

# %% [markdown]
# The [waiting lists chapter](waiting_lists.ipynb) follows the Referral to Treatment (RTT) waiting list
# over time, for the ICB as commissioner and for each of its trusts.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# The waiting list of the ICB's *residents* by deprivation, ethnicity, age and sex, and the rates of
# elective activity (operations and outpatient appointments) in each group: the WLMDS figures here are
# those of trusts located in the ICB. The ICB's own Secondary Uses Service (SUS) extract, or its
# patient-level WLMDS data, linked to the patient's neighbourhood, would answer it.
# :::
#
# ## Urgent and emergency care
#
# **What the Statement asks.** Use of urgent and emergency care, including emergency admissions and
# A&E attendances of children and young people, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** In {glue:text}`ae_4h_period` ({glue:md}`ae_4h_currency`),
# {glue:md}`ae_4h_icb` of A&E attendances at the providers located in the ICB were completed within
# four hours, {glue:md}`ae_4h_vs_england` England's {glue:md}`ae_4h_eng`: {glue:text}`ae_4h_rank`.
# NHS England publishes these figures by provider, with no breakdown by who the patients are.
#
# For children aged 0 to 4, the Office for Health Improvement and Disparities (OHID) publishes A&E
# attendances for the registered patients of each GP practice. Summed over the ICB's practices, the
# attendance rate was **{glue:md}`ae_u5_icb`** children ({glue:text}`ae_u5_period`; {glue:md}`ae_u5_currency`),
# {glue:md}`ae_u5_vs_england` England's {glue:md}`ae_u5_eng`: {glue:text}`ae_u5_rank`. The practices
# are grouped by national practice deprivation quintile (practices ordered by the deprivation of their
# patients' neighbourhoods and cut into fifths of England's patients). {glue:md}`ae_u5_deprivation`
# {glue:md}`ae_u5_completeness` {glue:md}`ae_u5_deciles_sentence`

# %%
ch.show("ae_u5_gradient")
ch.show("ae_u5_icbs")
ch.show("ae_u5_groups")
ch.show("ae_u5_area_deciles")

# %% [markdown]
# The [national objectives scorecard](scorecard.ipynb) follows A&E four-hour performance month by month.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# A&E attendances and emergency admissions of the ICB's residents by deprivation, ethnicity, age and
# sex, and emergency admissions of children and young people: the Emergency Care Data Set (ECDS) and
# the admitted patient care data in the ICB's SUS extract would answer it. The practice data here end
# years ago and count children by their GP practice, not where they live.
# :::
#
# ## Respiratory
#
# **What the Statement asks.** Uptake of vaccines (COVID-19, flu and pneumococcal) among people with
# chronic obstructive pulmonary disease (COPD), and emergency admissions for COPD and for asthma in
# children and young people, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** The Quality and Outcomes Framework (QOF) counts the patients on each GP
# practice's COPD register. Recorded prevalence was **{glue:md}`copd_icb`**
# ({glue:text}`copd_period`; {glue:md}`copd_currency`), {glue:md}`copd_vs_england` England's
# {glue:md}`copd_eng`: {glue:text}`copd_rank`. Recorded prevalence reflects both how common the disease
# is and how well it is diagnosed, so it has no better direction. The practices are grouped by
# national practice deprivation quintile. {glue:md}`copd_deprivation` {glue:md}`copd_completeness`

# %%
ch.show("copd_gradient")
ch.show("copd_icbs")
ch.show("copd_groups")

# %% [markdown]
# No vaccine uptake of people with COPD is published in this book's data. The nearest published measure
# is the pneumococcal vaccination of young children, from the UK Health Security Agency's Cover of
# Vaccination Evaluated Rapidly (COVER) programme. {glue:md}`pcv_sentence` On that basis, an estimated
# **{glue:md}`pcv_icb`** of children had their pneumococcal booster by 24 months
# ({glue:text}`pcv_period`; {glue:md}`pcv_currency`), {glue:md}`pcv_vs_england` England's
# {glue:md}`pcv_eng`: {glue:text}`pcv_rank`.

# %%
ch.show("pcv_areas")

# %% [markdown]
# :::{admonition} What the published data here cannot answer
# :class: warning
# Flu, COVID-19 and pneumococcal vaccination of people on the COPD register, and emergency admissions
# for COPD and for asthma in children and young people, by deprivation, ethnicity, age and sex: a GP
# data extract (for vaccination) and the ICB's SUS admitted patient care data (for admissions) would
# answer it. COVER counts children by local authority, not by ICB or by deprivation.
# :::
#
# ## Mental health
#
# **What the Statement asks.** Detentions under the Mental Health Act, restrictive interventions,
# access to mental health services for children and young people, and physical health checks for people
# with severe mental illness, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** NHS England's Mental Health Act statistics count detentions by the patient's
# ICB, deprivation decile, ethnic group, age and sex. In {glue:text}`mha_period`
# ({glue:md}`mha_currency`) the ICB's detention rate was **{glue:md}`mha_icb`** residents,
# {glue:md}`mha_vs_england` England's {glue:md}`mha_eng`: {glue:text}`mha_rank`. {glue:md}`mha_deprivation`

# %%
ch.show("mha_damaged_rows")
ch.show("mha_gradient")
ch.show("mha_icbs")

# %% [markdown]
# **Ethnicity, age and sex.** Detentions per 100,000 residents of each ethnic group use Census 2021
# residents where the groups match (Black, Mixed, White); the statistics count Chinese people among
# other ethnic groups while the Census counts them as Asian, so for the Asian and Other groups the
# published rates are shown. {glue:md}`mha_ethnicity_sentence` By sex, the rate was
# {glue:md}`mha_age_sex_sentence`; the table gives the age bands. {glue:md}`mha_completeness`

# %%
ch.show("mha_groups")

# %% [markdown]
# Of the ICB's patients with severe mental illness, **{glue:md}`smi_checks_icb`** had all six physical
# health checks ({glue:text}`smi_checks_period`; {glue:md}`smi_checks_currency`),
# {glue:md}`smi_checks_vs_england` England's {glue:md}`smi_checks_eng`: {glue:text}`smi_checks_rank`.
# The [Core20PLUS5 chapter](core20plus5.ipynb) follows the checks quarter by quarter.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# Restrictive interventions, access of children and young people to mental health services, and the
# physical health checks of people with severe mental illness, each by deprivation, ethnicity, age and
# sex: the Mental Health Services Data Set (MHSDS), held by the ICB for its providers, and a GP data
# extract for the checks would answer it.
# :::
#
# ## Cancer
#
# **What the Statement asks.** The share of cancers diagnosed early (at stage 1 or 2), and uptake of
# cancer screening, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** Early diagnosis is published by local authority, not by ICB.
# {glue:md}`cancer_sentence`

# %%
ch.show("cancer_areas")

# %% [markdown]
# Of the women aged 25 to 64 registered with the ICB's practices, **{glue:md}`cervical_icb`** had been
# screened for cervical cancer within the recommended interval ({glue:text}`cervical_period`;
# {glue:md}`cervical_currency`), {glue:md}`cervical_vs_england` England's {glue:md}`cervical_eng`:
# {glue:text}`cervical_rank`.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# Stage at diagnosis for the ICB's residents by deprivation, ethnicity, age and sex, and screening
# uptake by the same groups: the National Disease Registration Service's Cancer Data Hub (rapid cancer
# registration data) and the screening programmes' data, or a GP data extract, would answer it.
# :::
#
# ## Cardiovascular disease
#
# **What the Statement asks.** Hypertension (high blood pressure) treated to target and lipid-lowering
# therapy for people at high risk of cardiovascular disease, broken down by deprivation, ethnicity, age
# and sex.
#
# **What the data show.** The CVDPREVENT audit publishes, for every ICB by the deprivation quintile of
# the patient's neighbourhood, the share of patients whose 10-year cardiovascular risk score (QRISK) is
# 20% or more who are treated with lipid-lowering therapy. For the ICB this was
# **{glue:md}`lipid_icb`** ({glue:text}`lipid_period`; {glue:md}`lipid_currency`),
# {glue:md}`lipid_vs_england` England's {glue:md}`lipid_eng`: {glue:text}`lipid_rank`.
# {glue:md}`lipid_deprivation` {glue:md}`lipid_completeness`

# %%
ch.show("lipid_gradient")
ch.show("lipid_icbs")
ch.show("lipid_groups")
ch.show("cvdprevent_attribution")

# %% [markdown]
# Of the patients with hypertension registered with the ICB's practices, **{glue:md}`hypertension_icb`**
# had their last blood pressure at or below the target for their age ({glue:text}`hypertension_period`;
# {glue:md}`hypertension_currency`), {glue:md}`hypertension_vs_england` England's
# {glue:md}`hypertension_eng`: {glue:text}`hypertension_rank`. No ICB figure by deprivation is published
# in this book's data. {glue:md}`hypertension_england_sentence`

# %%
ch.show("hypertension_england")

# %% [markdown]
# :::{admonition} What the published data here cannot answer
# :class: warning
# Hypertension treated to target for the ICB by deprivation, and both measures by ethnicity, age and
# sex: the CVDPREVENT Data Explorer publishes some of these for ICBs; a GP data extract would answer
# all of them.
# :::
#
# ## Diabetes
#
# **What the Statement asks.** The care of people with diabetes (the care processes, and control of
# blood sugar) and children's access to diabetes technology, broken down by deprivation, ethnicity, age
# and sex.
#
# **What the data show.** Recorded diabetes prevalence (people aged 17 or over) was
# **{glue:md}`diabetes_icb`** ({glue:text}`diabetes_period`; {glue:md}`diabetes_currency`),
# {glue:md}`diabetes_vs_england` England's {glue:md}`diabetes_eng`: {glue:text}`diabetes_rank`. The
# practices are grouped by national practice deprivation quintile. {glue:md}`diabetes_deprivation`
# {glue:md}`diabetes_completeness`

# %%
ch.show("diabetes_gradient")
ch.show("diabetes_icbs")
ch.show("diabetes_groups")

# %% [markdown]
# Of the ICB's patients with diabetes and without moderate or severe frailty,
# **{glue:md}`hba1c_icb`** had their last HbA1c (a measure of average blood sugar) at 58 mmol/mol or
# less ({glue:text}`hba1c_period`; {glue:md}`hba1c_currency`), {glue:md}`hba1c_vs_england` England's
# {glue:md}`hba1c_eng`: {glue:text}`hba1c_rank`.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# The eight care processes and treatment targets for the ICB's patients by deprivation, ethnicity, age
# and sex, and children's access to continuous glucose monitors and insulin pumps: the National
# Diabetes Audit and the National Paediatric Diabetes Audit would answer it.
# :::
#
# ## Oral health
#
# **What the Statement asks.** Tooth extractions due to decay in hospital for children aged 10 or
# under, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** The closest published measure is OHID's survey of five-year-olds' teeth,
# published by local authority. {glue:md}`oral_sentence`

# %%
ch.show("oral_areas")

# %% [markdown]
# :::{admonition} What the published data here cannot answer
# :class: warning
# Hospital tooth extractions of the ICB's children by deprivation, ethnicity, age and sex: Hospital
# Episode Statistics, or the ICB's SUS admitted patient care data, would answer it.
# :::
#
# ## Learning disability and autism
#
# **What the Statement asks.** Annual health checks for people with a learning disability, and the
# numbers of people with a learning disability or autism cared for in mental health inpatient
# settings, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** The QOF learning disability register held
# **{glue:md}`ld_register_icb`** of the ICB's registered patients ({glue:text}`ld_register_period`;
# {glue:md}`ld_register_currency`), {glue:md}`ld_register_vs_england` England's
# {glue:md}`ld_register_eng`: {glue:text}`ld_register_rank`. Practice figures by deprivation are
# published for an earlier year ({glue:text}`ld_period`; {glue:md}`ld_currency`), when the register
# held {glue:md}`ld_icb`, {glue:md}`ld_vs_england` England's {glue:md}`ld_eng`
# ({glue:text}`ld_rank`). The practices are grouped by national practice deprivation quintile.
# {glue:md}`ld_deprivation`
# {glue:md}`ld_completeness` A register tells how many people a practice has recorded, not how many
# have a learning disability. For context, on Census day ({glue:text}`census_day`),
# {glue:text}`disabled_icb` of the ICB's residents were disabled under the Equality Act (England
# {glue:text}`disabled_eng`; not age-standardised); disability in that sense is much wider than
# learning disability.

# %%
ch.show("ld_gradient")
ch.show("ld_icbs")
ch.show("ld_groups")

# %% [markdown]
# :::{admonition} What the published data here cannot answer
# :class: warning
# Annual health checks for people with a learning disability, anything about autism (QOF keeps no
# autism register), and inpatient care, by deprivation, ethnicity, age and sex: a GP data extract (for
# the health checks) and the Mental Health Services Data Set and NHS England's Assuring Transformation
# collection (for inpatients) would answer it.
# :::
#
# ## Smoking cessation
#
# **What the Statement asks.** Tobacco dependence treatment offered to adults admitted to hospital and
# in maternity services, broken down by deprivation, ethnicity, age and sex.
#
# **What the data show.** Recorded smoking prevalence among the ICB's registered patients aged 15 or
# over was **{glue:md}`smoking_icb`** ({glue:text}`smoking_period`; {glue:md}`smoking_currency`),
# {glue:md}`smoking_vs_england` England's {glue:md}`smoking_eng`: {glue:text}`smoking_rank`. The
# practices are grouped by national practice deprivation quintile. {glue:md}`smoking_deprivation`
# {glue:md}`smoking_completeness`

# %%
ch.show("smoking_gradient")
ch.show("smoking_icbs")
ch.show("smoking_groups")

# %% [markdown]
# Of the ICB's smokers with a long-term condition, **{glue:md}`smoking_support_icb`** had a record of an
# offer of support and treatment ({glue:text}`smoking_support_period`;
# {glue:md}`smoking_support_currency`), {glue:md}`smoking_support_vs_england` England's
# {glue:md}`smoking_support_eng`: {glue:text}`smoking_support_rank`. In maternity services,
# **{glue:md}`smoking_delivery_icb`** of women giving birth were smokers at the time of delivery
# ({glue:text}`smoking_delivery_period`; {glue:md}`smoking_delivery_currency`),
# {glue:md}`smoking_delivery_vs_england` England's {glue:md}`smoking_delivery_eng`:
# {glue:text}`smoking_delivery_rank`.
#
# :::{admonition} What the published data here cannot answer
# :class: warning
# Tobacco dependence treatment in hospital and maternity services, by deprivation, ethnicity, age and
# sex: NHS England's tobacco dependence treatment data collection, held by providers, would answer it;
# a GP data extract would break recorded smoking down by ethnicity, age and sex.
# :::
#
# ## About the data
#
# The [population chapter](population.ipynb) describes the ICB's neighbourhoods by deprivation,
# ethnicity and disability, and the [health inequalities chapter](health_inequalities.ipynb) life
# expectancy and premature mortality by deprivation.

# %%
ch.show("methods")
