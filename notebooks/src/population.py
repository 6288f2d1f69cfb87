# %% [markdown]
# # Population and deprivation

# %% tags=["parameters"]
icb_code = "QGH"
imd_version = 2019
data_dir = "data/population"

# %%
from analysis import geography
from analysis.report import Chapter, count, esc

icb = geography.find_icb(icb_code)
ch = Chapter("population", data_dir, icb=icb)
ch.md(f"This chapter describes who lives in **{esc(icb.name)}** ({icb.ods_code}).")

# %%
ch.headline("n_icbs", len(geography.all_icbs()), label="ICBs in England", unit="count", lo=42, hi=42)
ch.save()
