# %% [markdown]
# # National objectives scorecard

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/scorecard"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import scorecard

ch = scorecard.build(icb_code, imd_version, data_dir, reference_date)

# %% [markdown]
# Each year NHS England's *priorities and operational planning guidance* sets national objectives
# for integrated care boards (ICBs). The local plans adopt the {glue:text}`n_objectives` objectives
# for {glue:text}`plan_year`; the published data in this book can measure {glue:text}`n_measured` of
# them for {glue:text}`icb_name`, through {glue:text}`n_measures` measures: accident and emergency
# (A&E) waits, ambulance response times, bed occupancy, waits for planned care (referral to
# treatment, RTT), cancer waiting times, GP appointments, NHS Talking Therapies, dementia diagnosis
# and blood pressure control in hypertension. Each measure's latest value is judged against the
# objective **in force for its period** (the planning year, April to March, that the value falls
# in), not against an earlier year's; each objective is also judged when it fell due. Each monthly
# series is also read
# as a statistical process control (SPC) chart, the NHS England "Making Data Count" way: the
# *variation* reading says whether the latest point is part of a real change or ordinary
# month-to-month noise, and the *assurance* reading whether, if nothing changes, the target will be
# met every month, missed every month, or sometimes met (hit and miss).
#
# :::{admonition} Key findings
# :class: tip
# - Judged against the objectives in force: {glue:md}`in_force_summary`.
# - {glue:md}`deadline_summary`.
# - **A&E**: {glue:text}`ae_4h_value` of attendances at the providers
#   located in the ICB were seen within 4 hours in {glue:text}`ae_4h_period`
#   ({glue:md}`ae_4h_currency`; England {glue:text}`ae_4h_england`). Objective in force:
#   {glue:md}`ae_4h_objective`; **{glue:md}`ae_4h_met`**.
# - **Cancer**: {glue:text}`cancer_fds_value` of patients were told their diagnosis (or that cancer
#   was ruled out) within 28 days in {glue:text}`cancer_fds_period` (England
#   {glue:text}`cancer_fds_england`), and {glue:text}`cancer_62_value` started treatment within 62
#   days (England {glue:text}`cancer_62_england`); {glue:md}`cancer_fds_currency`.{glue:md}`closure_sentence`
# - **Dementia**: the diagnosis rate was {glue:text}`dementia_value` in {glue:text}`dementia_period`
#   ({glue:md}`dementia_currency`; England {glue:text}`dementia_england`). Objective in force:
#   {glue:md}`dementia_objective`; **{glue:md}`dementia_met`**.
# - **Planned care**: {glue:text}`rtt_65w_value` of the ICB's patients had waited over 65 weeks in
#   {glue:text}`rtt_65w_period` (England {glue:text}`rtt_65w_england`); {glue:md}`rtt_65w_change`.
# - {glue:md}`spc_summary`
# - {glue:md}`out_of_date_summary`
# :::

# %% [markdown]
# ## The scorecard
#
# One row per measure. **Target in force** is the objective of the planning year of the latest
# value; where the book's record of national objectives has none for that year, the row says so and
# the value is not judged. **Met?** compares the latest value with that target ("not yet met" when
# its deadline is still ahead). **Variation** and **Assurance** are the Making Data Count readings
# of the SPC chart (▲ special-cause improvement, ▼ special-cause concern, ● common-cause
# variation). Data out of date at this edition's reference date ({glue:text}`reference_month`) get
# no assurance reading.

# %%
ch.show("scorecard")

# %% [markdown]
# ## Urgent and emergency care, planned care and cancer
#
# The latest reading of each measure, from its SPC chart:
#
# - **A&E, patients seen within 4 hours** ({glue:md}`ae_4h_for`): {glue:text}`ae_4h_value` in
#   {glue:text}`ae_4h_period` ({glue:md}`ae_4h_currency`; England {glue:text}`ae_4h_england`).
#   Objective in force: {glue:md}`ae_4h_objective`; **{glue:md}`ae_4h_met`**. Variation:
#   {glue:md}`ae_4h_change`. Assurance: {glue:md}`ae_4h_assurance`.
# - **Category 2 ambulance mean response time** ({glue:md}`ambulance_c2_for`):
#   {glue:text}`ambulance_c2_value` in {glue:text}`ambulance_c2_period`
#   ({glue:md}`ambulance_c2_currency`; England {glue:text}`ambulance_c2_england`). Objective in
#   force: {glue:md}`ambulance_c2_objective`; **{glue:md}`ambulance_c2_met`**. Variation:
#   {glue:md}`ambulance_c2_change`. Assurance: {glue:md}`ambulance_c2_assurance`.
# - **Adult general and acute bed occupancy** ({glue:md}`beds_ga_for`): {glue:text}`beds_ga_value`
#   in {glue:text}`beds_ga_period` ({glue:md}`beds_ga_currency`; England
#   {glue:text}`beds_ga_england`). Objective in force: {glue:md}`beds_ga_objective`;
#   **{glue:md}`beds_ga_met`**. Variation: {glue:md}`beds_ga_change`. Assurance:
#   {glue:md}`beds_ga_assurance`.
# - **Patients waiting over 65 weeks for planned care** ({glue:md}`rtt_65w_for`):
#   {glue:text}`rtt_65w_value` in {glue:text}`rtt_65w_period`
#   ({glue:md}`rtt_65w_currency`; England {glue:text}`rtt_65w_england`). Objective in force:
#   {glue:md}`rtt_65w_objective`; **{glue:md}`rtt_65w_met`**. Variation: {glue:md}`rtt_65w_change`.
#   Assurance: {glue:md}`rtt_65w_assurance`.
# - **Cancer 28-day Faster Diagnosis Standard** ({glue:md}`cancer_fds_for`):
#   {glue:text}`cancer_fds_value` in {glue:text}`cancer_fds_period` ({glue:md}`cancer_fds_currency`;
#   England {glue:text}`cancer_fds_england`). Objective in force: {glue:md}`cancer_fds_objective`;
#   **{glue:md}`cancer_fds_met`**. Variation: {glue:md}`cancer_fds_change`. Assurance:
#   {glue:md}`cancer_fds_assurance`.
# - **Cancer 62-day combined standard** ({glue:md}`cancer_62_for`): {glue:text}`cancer_62_value` in
#   {glue:text}`cancer_62_period` ({glue:md}`cancer_62_currency`; England
#   {glue:text}`cancer_62_england`). Objective in force: {glue:md}`cancer_62_objective`;
#   **{glue:md}`cancer_62_met`**. Variation: {glue:md}`cancer_62_change`. Assurance:
#   {glue:md}`cancer_62_assurance`.

# %%
ch.show("spc_uec_elective_cancer")

# %% [markdown]
# ### A&E from NHS England's monthly files
#
# The ICB's A&E figure is the sum of the providers located in it. NHS England's monthly A&E files
# give every provider's attendances; the {glue:md}`ae_n_official` in this book run from
# {glue:text}`ae_first_official` to {glue:text}`ae_last_official`. Earlier months come from NHS
# England's system-level figures for the ICB (through a third-party conversion), so the chart's
# line breaks where the source changes. In {glue:text}`ae_last_official` the providers located in
# {glue:text}`icb_name` saw {glue:text}`ae_latest_icb` of attendances within 4 hours (England
# {glue:text}`ae_latest_england`), {glue:md}`ae_month_change`. On their own, {glue:md}`ae_official_spc`.

# %%
ch.show("ae_4h_official_by_month")

# %% [markdown]
# ## Primary care, mental health and dementia
#
# - **GP appointments within 2 weeks of booking** ({glue:md}`gp_2weeks_for`):
#   {glue:text}`gp_2weeks_value` in {glue:text}`gp_2weeks_period` ({glue:md}`gp_2weeks_currency`;
#   England {glue:text}`gp_2weeks_england`). Objective in force: {glue:md}`gp_2weeks_objective`;
#   **{glue:md}`gp_2weeks_met`**. Variation: {glue:md}`gp_2weeks_change`. Assurance:
#   {glue:md}`gp_2weeks_assurance`.
# - **GP appointments a month** ({glue:md}`gp_appointments_for`): {glue:text}`gp_appointments_value`
#   in {glue:text}`gp_appointments_period` ({glue:md}`gp_appointments_currency`; England
#   {glue:text}`gp_appointments_england`). Objective in force: {glue:md}`gp_appointments_objective`;
#   **{glue:md}`gp_appointments_met`**. Variation: {glue:md}`gp_appointments_change`. Assurance:
#   {glue:md}`gp_appointments_assurance`.
# - **People starting NHS Talking Therapies treatment a month** (formerly Improving Access to
#   Psychological Therapies, IAPT; {glue:md}`iapt_access_for`):
#   {glue:text}`iapt_access_value` in {glue:text}`iapt_access_period`
#   ({glue:md}`iapt_access_currency`; England {glue:text}`iapt_access_england`). Objective in force:
#   {glue:md}`iapt_access_objective`; **{glue:md}`iapt_access_met`**. Variation:
#   {glue:md}`iapt_access_change`. Assurance: {glue:md}`iapt_access_assurance`.
# - **Dementia diagnosis rate, aged 65 or over** ({glue:md}`dementia_for`):
#   {glue:text}`dementia_value` in {glue:text}`dementia_period` ({glue:md}`dementia_currency`;
#   England {glue:text}`dementia_england`). Objective in force: {glue:md}`dementia_objective`;
#   **{glue:md}`dementia_met`**. Variation: {glue:md}`dementia_change`. Assurance:
#   {glue:md}`dementia_assurance`.

# %%
ch.show("spc_primary_care_mental_health")

# %% [markdown]
# In the latest monthly dementia workbook ({glue:text}`dementia_latest_month`) the diagnosis rate in
# {glue:text}`icb_name` is {glue:text}`dementia_latest_icb` (England
# {glue:text}`dementia_latest_england`), {glue:md}`dementia_edition_change`.
#
# **Hypertension** is measured once a year, by the Quality and Outcomes Framework (QOF): in
# {glue:text}`hypertension_period`, {glue:text}`hypertension_value` of patients on the GP
# hypertension registers of {glue:md}`hypertension_for` had their latest blood pressure at or below
# the threshold the National Institute for Health and Care Excellence (NICE) recommends for their age
# (England {glue:text}`hypertension_england`;
# {glue:md}`hypertension_currency`), counting patients with a personalised care adjustment as not
# treated to target. Objective in force: {glue:md}`hypertension_objective`;
# **{glue:md}`hypertension_met`**. Variation: {glue:md}`hypertension_change`. Assurance:
# {glue:md}`hypertension_assurance`.

# %% [markdown]
# ## How the ICB compares with England and the other ICBs
#
# For each measure, the latest period in which all 42 ICBs have data. Among the ICBs,
# {glue:text}`icb_name` ranks highest on {glue:md}`comparison_best` and lowest on
# {glue:md}`comparison_worst`. Ranks compare values only: a fraction of a point can separate
# several places.

# %%
ch.show("icb_comparison_chart")
ch.show("icb_comparison")

# %% [markdown]
# ## The objectives when they fell due
#
# Each national objective with a numeric target for the measures here, judged against its own
# target on the value when it fell due: the deadline month, the planning year's value for an
# objective "on average across" a year, or the last month of the planning year where the guidance
# gives no date. {glue:md}`deadline_summary`. The data here cover {glue:text}`n_deadlines_judged` of
# the {glue:text}`n_deadlines` objectives when they fell due; for the other
# {glue:text}`n_deadlines_outside`, the table says why.

# %%
ch.show("objectives_at_deadline")

# %% [markdown]
# ## The national objectives and what measures them
#
# The {glue:text}`n_objectives` objectives for {glue:text}`plan_year`, numbered as in the local
# plans, with the publication that measures each. {glue:text}`n_not_measured` of them cannot be
# measured from the data in this book (for example diagnostic waits, urgent community response,
# learning disability health checks, mental health services, workforce and finance): each row names
# the publication that would measure it.

# %%
ch.show("objectives")

# %% [markdown]
# ## About the data
#
# - **Periods differ by source**: each measure's latest period is in the scorecard.
#   {glue:md}`out_of_date_summary`
# - **Organisations**: waiting times and cancer figures are for the ICB as commissioner (its
#   patients, wherever treated); A&E and bed occupancy sum the providers located in the ICB; GP
#   appointments, dementia and hypertension are for the ICB's GP practices; ambulance response times
#   are for the NHS region.{glue:md}`closure_sentence`
# - **Objectives**: each value is judged against the objective of its planning year, as recorded in
#   the book's list of national objectives (with the guidance each comes from); a year the list does
#   not reach, or a target that could not be confirmed, is said plainly rather than filled with an
#   earlier year's.
# - **SPC**: XmR charts with the Making Data Count rules (a point beyond the process limits, a run of
#   7 on one side of the mean, a trend of 7, two of three points close to a limit), from this book's
#   statistics module; a series needs at least {glue:text}`min_spc_points` points.

# %%
ch.show("measure_notes")
