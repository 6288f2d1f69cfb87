# %% [markdown]
# # Health inequalities: life expectancy, the gap and premature deaths

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/health_inequalities"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import health_inequalities

ch = health_inequalities.build(icb_code, imd_version, data_dir, reference_date)

# %% [markdown]
# This chapter covers the local authorities of {glue:text}`icb_name` (ICB): {glue:md}`area_list`.
# {glue:md}`partial_areas_sentence` {glue:md}`suppressed_sentence` Most figures are those published by the Office
# for Health Improvement and Disparities (OHID) on its Fingertips tool and by the Office for National Statistics
# (ONS).
#
# :::{admonition} Key findings
# :class: tip
# - Male life expectancy at birth {glue:md}`le_male_range` ({glue:text}`le_period`, the latest period, which may be
#   provisional); England: {glue:text}`le_male_england`.
# - The gap in male life expectancy between the most and least deprived ends of each local authority's social
#   gradient (the slope index of inequality, SII) {glue:md}`sii_male_widest` in {glue:text}`sii_period`, against
#   {glue:text}`sii_male_england` for England. {glue:md}`sii_male_above_england`
# - Under-75 mortality from preventable causes in {glue:text}`u75_period` was {glue:md}`u75_counts` (Fingertips'
#   comparison with England's {glue:text}`u75_england` per 100,000).
# - In {glue:text}`hle_period`, {glue:md}`hle_male_lowest`, {glue:md}`hle_male_lowest_vs_england` England's
#   {glue:text}`hle_male_england`; {glue:md}`hle_female_lowest`, {glue:md}`hle_female_lowest_vs_england` England's
#   {glue:text}`hle_female_england`.
# - Life expectancy of men registered with the ICB's general practitioner (GP) practices averages
#   {glue:text}`practice_le_male` (weighted by list size). Between practices in national practice deprivation
#   quintiles {glue:text}`practice_q_most_male` and {glue:text}`practice_q_least_male` (fifths of England's
#   registered patients, 1 = most deprived), the gap in male life expectancy is
#   {glue:text}`practice_gap_male_value`: {glue:md}`practice_gap_male` ({glue:text}`practice_currency`).
# :::

# %% [markdown]
# ## Life expectancy and healthy life expectancy
#
# Life expectancy at birth is the average number of years a newborn would live if the death rates of the period
# applied throughout life. In {glue:text}`le_period` ({glue:text}`le_currency`), male life expectancy across the
# ICB's districts and unitary authorities {glue:md}`le_male_range`, and female life expectancy
# {glue:md}`le_female_range`. For England it is {glue:text}`le_male_england` for men and
# {glue:text}`le_female_england` for women.

# %%
ch.show("le_trend")
ch.show("life_expectancy")
ch.show("le_notes")

# %% [markdown]
# Healthy life expectancy is the part of those years a newborn can expect to live in good health, from what people
# say about their own health. In {glue:text}`hle_period` ({glue:text}`hle_currency`), male healthy life expectancy
# in the ICB's areas that the Office for National Statistics (ONS) publishes {glue:md}`hle_male_range` (England
# {glue:text}`hle_male_england`), and female {glue:md}`hle_female_range` (England {glue:text}`hle_female_england`).
# Judged by each area's 95% confidence interval (CI) against England's value, male healthy life expectancy is
# {glue:md}`hle_male_counts`; female is {glue:md}`hle_female_counts`.
#
# The difference between life expectancy and healthy life expectancy is the years lived in less than good health:
# in England, {glue:text}`poor_health_male_england` for men and {glue:text}`poor_health_female_england` for women.
# {glue:md}`poor_health_sentence`

# %%
ch.show("hle_gap")
ch.show("le_hle_gap")
ch.show("hle_notes")

# %% [markdown]
# ## The gap in life expectancy across the social gradient
#
# The slope index of inequality (SII) in life expectancy (Fingertips indicator 92901) is the gap in years between
# the most and the least deprived ends of each area's own deprivation gradient: the area's neighbourhoods are ranked
# into tenths by deprivation, and a line fitted through the life expectancy of the ten groups, each weighted by its
# population, gives the gap from one end to the other. A larger SII means a steeper social gradient. For men in
# England it was {glue:text}`sii_male_england_plan_period` in {glue:text}`plan_period` (as first published) and
# {glue:text}`sii_male_england` in {glue:text}`sii_period` ({glue:text}`sii_currency`).
#
# Fingertips has re-published the whole series in later releases, with revised population estimates and a newer
# deprivation vintage: {glue:md}`sii_revision`. The chart therefore draws each release as its own line, and no line
# joins two releases.

# %%
ch.show("sii_trend")

# %% [markdown]
# Older local plans quote the male SII first published for {glue:text}`plan_period`. The table sets it
# beside the latest published value.

# %%
ch.show("sii_plan_period")
ch.show("plan_figures")

# %% [markdown]
# In {glue:text}`sii_period` the male SII of the ICB's districts and unitary authorities {glue:md}`sii_male_range`,
# and the female SII {glue:md}`sii_female_range`; England's are {glue:text}`sii_male_england` and
# {glue:text}`sii_female_england`. {glue:md}`sii_male_above_england` {glue:md}`sii_female_above_england`

# %%
ch.show("sii_latest")
ch.show("sii_series")
ch.show("sii_notes")

# %% [markdown]
# ## Premature mortality
#
# Under-75 mortality from causes considered preventable (Fingertips indicator 93721) in {glue:text}`u75_period`
# ({glue:text}`u75_currency`) was {glue:md}`u75_counts`, by Fingertips' own comparison with England's
# {glue:text}`u75_england` deaths per 100,000.
#
# Under-75 mortality from cardiovascular disease considered preventable (indicator 93722) in {glue:text}`cvd_period`
# ({glue:text}`cvd_currency`), judged here from its published 95% confidence intervals, was
# {glue:md}`cvd_counts`, against England's {glue:text}`cvd_england` deaths per 100,000.

# %%
ch.show("premature_mortality")
ch.show("u75_preventable")
ch.show("u75_cvd_preventable")
ch.show("premature_notes")

# %% [markdown]
# ## GP practices: life expectancy and deprivation
#
# Each practice's life expectancy is the Office for Health Improvement and Disparities' (OHID) estimate for its
# registered patients, from where they live (period labelled {glue:text}`practice_year`;
# {glue:text}`practice_currency`). Practices are grouped into national practice deprivation quintiles: every practice
# in England is ordered by the Index of Multiple Deprivation (IMD) 2019 score of its patients' neighbourhoods, and
# the list is cut into five groups that each hold a fifth of England's registered patients; quintile 1 is the most deprived.
# {glue:text}`icb_practices_with_le` of the {glue:text}`icb_practices` practices of the ICB in the Quality and
# Outcomes Framework (QOF) {glue:text}`list_period` ({glue:text}`list_currency`) have a published life expectancy. Across them, weighted by list
# size, life expectancy averages {glue:text}`practice_le_male` for men and {glue:text}`practice_le_female` for women.

# %%
ch.show("practice_le")

# %% [markdown]
# Men registered with the ICB's practices in national quintile {glue:text}`practice_q_most_male` have a life
# expectancy of {glue:md}`practice_le_q_most_male`, against {glue:md}`practice_le_q_least_male` in quintile
# {glue:text}`practice_q_least_male`{glue:md}`practice_ends_note_male`. The gap between the two, least minus most
# deprived (so a positive gap means worse for the most deprived), is {glue:text}`practice_gap_male_value` (95%
# confidence interval {glue:text}`practice_gap_male_ci`): {glue:md}`practice_gap_male`. It is
# {glue:md}`practice_gap_vs_england_male` England's {glue:text}`england_practice_gap_same_male_value` between the same
# two quintiles. {glue:md}`practice_sii_sentence_male`
#
# For women the life expectancy is {glue:md}`practice_le_q_most_female` in quintile
# {glue:text}`practice_q_most_female` and {glue:md}`practice_le_q_least_female` in quintile
# {glue:text}`practice_q_least_female`{glue:md}`practice_ends_note_female`; the gap is {glue:text}`practice_gap_female_value`
# ({glue:text}`practice_gap_female_ci`), {glue:md}`practice_gap_female`, and {glue:md}`practice_gap_vs_england_female`
# England's {glue:text}`england_practice_gap_same_female_value` between the same quintiles.
# {glue:md}`practice_sii_sentence_female`
#
# For all practices in England, the gap between quintiles 1 and 5 is {glue:text}`england_practice_gap_male_value`
# ({glue:text}`england_practice_gap_male_ci`) for men and {glue:text}`england_practice_gap_female_value`
# ({glue:text}`england_practice_gap_female_ci`) for women, {glue:md}`england_practice_gap_male` for men and
# {glue:md}`england_practice_gap_female` for women; the SII is {glue:text}`england_practice_sii_male_value`
# ({glue:text}`england_practice_sii_male_ci`) and {glue:text}`england_practice_sii_female_value`
# ({glue:text}`england_practice_sii_female_ci`). For men, {glue:md}`england_practice_gap_and_sii_male`; for women,
# {glue:md}`england_practice_gap_and_sii_female`.

# %%
ch.show("practice_le_by_quintile")
ch.show("practice_gradient")
ch.show("gp_practices")
ch.show("practice_notes")
