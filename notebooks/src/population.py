# %% [markdown]
# # Population and deprivation

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/population"
reference_date = ""  # set by the build: the first day of the month the book is as of (empty means this month)

# %%
from analysis.chapters import population

ch = population.build(icb_code, imd_version, data_dir, reference_date)

# %%
ch.show("edition")

# %% [markdown]
# This chapter describes who lives in the area of the integrated care board (ICB) and how deprived
# their neighbourhoods are by the Index of Multiple Deprivation (IMD), the official measure of
# relative deprivation of small areas in England. Neighbourhoods are lower-layer super output areas
# (LSOAs), of about 1,500 residents each. The **Core20** is the most deprived 20% of neighbourhoods
# in England, the "Core20" of NHS England's Core20PLUS5 approach to reducing health inequalities.
#
# :::{admonition} Key findings
# :class: tip
# - **{glue:text}`population` people** live in {glue:text}`icb_name` ({glue:text}`population_source`;
#   {glue:md}`population_currency`).
# - **{glue:text}`core20_population` people ({glue:text}`core20_share`)** live in Core20
#   neighbourhoods by {glue:text}`imd`: {glue:md}`core20_vs_england` England's
#   {glue:text}`core20_share_eng`. That ranks {glue:text}`icb_name` **{glue:text}`core20_rank` of
#   the 42 ICBs** (1st has the highest share).
# - {glue:md}`decile1_sentence`
# - The most common kind of deprivation is **{glue:text}`top_domain`**: {glue:text}`top_domain_share`
#   of neighbourhoods are in England's most deprived 10% for it, {glue:md}`top_domain_vs_england`
#   England's {glue:text}`top_domain_share_eng`.
# - {glue:text}`rural_share` of residents live in rural neighbourhoods. {glue:md}`rurality_sentence`
# - {glue:text}`non_white_share` of residents are in Asian, Black, Mixed or Other ethnic groups
#   ({glue:md}`non_white_vs_england` England's {glue:text}`non_white_share_eng`) and
#   {glue:text}`disabled_share` are disabled under the Equality Act ({glue:md}`disabled_vs_england`
#   England's {glue:text}`disabled_share_eng`, not adjusted for age), at the Census of 2021.
# - Between IMD 2019 and IMD 2025 (on the same 2021 neighbourhoods and Census 2021 population),
#   {glue:md}`moved_in` moved into the Core20 and {glue:md}`moved_out` moved out.
# :::

# %% [markdown]
# ## Who lives here
#
# {glue:text}`icb_name` has **{glue:text}`population` residents** in {glue:text}`n_lsoas`
# neighbourhoods ({glue:text}`residents_per_lsoa` residents on average), counted by the
# {glue:text}`population_source` ({glue:md}`population_currency`). {glue:text}`young_share` are aged
# {glue:text}`young_label` (England {glue:text}`young_share_eng`) and {glue:text}`older_share` are 65
# or over, {glue:md}`older_vs_england` England's {glue:text}`older_share_eng`.

# %%
ch.show("age_chart")
ch.show("age_profile")

# %% [markdown]
# The ICB covers {glue:text}`n_la` and {glue:text}`n_sub`. The largest local authority population
# here is {glue:text}`largest_la` ({glue:text}`largest_la_population`).{glue:md}`la_part_sentence`

# %%
ch.show("population_by_local_authority")
ch.show("population_by_sub_icb")

# %% [markdown]
# ## Ethnicity and disability
#
# In {glue:text}`census_period`, {glue:text}`non_white_share` of the residents of
# {glue:text}`icb_name` ({glue:text}`non_white_residents` people) were in the Asian, Black, Mixed or
# Other ethnic groups, {glue:md}`non_white_vs_england` England's {glue:text}`non_white_share_eng`.
# The largest of these groups here is {glue:text}`largest_group` ({glue:text}`largest_group_share`;
# England {glue:text}`largest_group_share_eng`).
#
# {glue:text}`disabled_share` of residents ({glue:text}`disabled_residents` people) were disabled
# under the Equality Act 2010, {glue:md}`disabled_vs_england` England's
# {glue:text}`disabled_share_eng`. This is a crude share, not adjusted for age: disability is far
# more common at older ages, and {glue:text}`older_share` of the ICB's residents are 65 or over
# (England {glue:text}`older_share_eng`).

# %%
ch.show("ethnicity_chart")
ch.show("ethnicity")
ch.show("disability")
ch.show("census_caveats")

# %% [markdown]
# ## How deprived the ICB is
#
# By {glue:text}`imd`, {glue:text}`core20_share` of the residents of {glue:text}`icb_name`
# ({glue:text}`core20_population` people) live in the most deprived fifth of neighbourhoods in England
# (the **Core20**), {glue:md}`core20_vs_england` England's {glue:text}`core20_share_eng`.
# {glue:text}`d1_share` live in the most deprived tenth (England {glue:text}`d1_share_eng`) and
# {glue:text}`d10_share` in the least deprived tenth (England {glue:text}`d10_share_eng`).
# {glue:md}`decile1_sentence`

# %%
ch.show("deciles_chart")
ch.show("imd_deciles")
ch.show("imd_quintiles")

# %% [markdown]
# By Core20 share, {glue:text}`icb_name` ranks {glue:text}`core20_rank` of the 42 ICBs (1st has the
# highest share). The highest is {glue:text}`highest_icb` ({glue:text}`highest_icb_share`) and the
# lowest {glue:text}`lowest_icb` ({glue:text}`lowest_icb_share`).

# %%
ch.show("core20_ranking_chart")
ch.show("icb_core20_ranking")

# %% [markdown]
# ## Map of neighbourhood deprivation
#
# Each of the {glue:text}`n_lsoas` neighbourhoods of {glue:text}`icb_name` is coloured by its
# national {glue:text}`imd` decile: reds are the most deprived tenths of England's neighbourhoods,
# blues the least deprived. {glue:md}`map_zoom_sentence`

# %%
ch.show("imd_map")

# %% [markdown]
# ## Deprivation within the ICB: local deciles
#
# National deciles compare {glue:text}`icb_name` with England. To compare neighbourhoods within the
# ICB, they are also split into **local** tenths of the ICB's population by {glue:text}`imd` score.
# The most deprived local tenth ({glue:text}`local1_population` people) {glue:text}`local1_span`.

# %%
ch.show("local_deciles")

# %% [markdown]
# ## Which kinds of deprivation drive it
#
# The IMD combines seven domains. In {glue:text}`icb_name`, the domain with most neighbourhoods in
# England's most deprived 10% is {glue:text}`top_domain` ({glue:text}`top_domain_share`,
# {glue:md}`top_domain_lsoas`), {glue:md}`top_domain_vs_england` England's
# {glue:text}`top_domain_share_eng`. {glue:md}`domain_note`

# %%
ch.show("domains_chart")
ch.show("imd_domains")

# %% [markdown]
# ## Rural and urban neighbourhoods
#
# By the ONS rural-urban classification ({glue:text}`ruc_year`), {glue:text}`rural_share` of residents
# live in rural neighbourhoods. {glue:md}`rurality_sentence` Rural deprivation is often missed by
# area measures because deprived households are spread among less deprived ones.

# %%
ch.show("rurality")

# %% [markdown]
# ## Access to a GP by deprivation and rurality
#
# Access to a GP is measured here by the {glue:text}`gp_measure`, one of the underlying indicators
# published with the English Indices of Deprivation ({glue:text}`gp_iod`). For the ICB's middle
# resident (half its residents live in neighbourhoods at or below the figure) it is
# {glue:md}`gp_all`; for England's, {glue:md}`gp_all_eng`. In the ICB's most deprived neighbourhoods
# (national decile {glue:text}`gp_low_decile`) the figure for the middle resident is
# {glue:md}`gp_low`; in its least deprived (decile {glue:text}`gp_high_decile`), {glue:md}`gp_high`.
# {glue:md}`gp_rurality_sentence`

# %%
ch.show("gp_access_note")
ch.show("gp_access_chart")
ch.show("gp_access")

# %% [markdown]
# ## The most deprived neighbourhoods
#
# {glue:md}`worst_sentence`

# %%
ch.show("most_deprived_neighbourhoods")

# %% [markdown]
# ## IMD 2019 and IMD 2025
#
# As each is used in this book, IMD 2019 puts {glue:text}`imd2019_core20_population` people
# ({glue:text}`imd2019_core20_share`) of {glue:text}`icb_name` in the Core20 and IMD 2025 puts
# {glue:text}`imd2025_core20_population` ({glue:text}`imd2025_core20_share`). Part of that difference
# is the population count and the redrawn 2021 neighbourhoods. On the same 2021 neighbourhoods and
# Census 2021 residents, IMD 2019 gives {glue:text}`core20_2019_on_2021_share` and IMD 2025
# {glue:text}`core20_2025_share_2021`: {glue:md}`moved_in` move into the Core20 and
# {glue:md}`moved_out` move out.

# %%
ch.show("imd_versions_core20")
ch.show("imd_versions_movement")

# %% [markdown]
# IMD 2019 was published for 2011 neighbourhoods. To compare like with like it is carried to 2021
# neighbourhoods with the ONS LSOA 2011 to 2021 lookup: unchanged and split neighbourhoods keep their
# 2011 decile; a neighbourhood merged from several 2011 ones takes the status of those holding most
# of their residents ({glue:md}`mixed_phrase`). The two indices use different years of data (IMD 2019
# mostly {glue:text}`imd2019_data_years`; IMD 2025 more recent years), so a move can reflect real
# change here, change elsewhere in England (ranks are relative) or changes of method.
#
# ## About the data

# %%
ch.show("methods")
