"""Access to a GP by deprivation and rurality, from the Indices of Deprivation underlying
indicators (MHCLG File 8): road distance to a GP surgery (IoD2019, LSOA 2011); connectivity score
and registered patients per GP (IoD2025, LSOA 2021).

File 8 reaches the mirror inside R data files (``.rda``) of the humaniverse/IMD package; the
loaders read the mirror's CSV conversions of those files (same rows and values; see
``convert.py`` beside them), which is the practical form.

Traps handled here:

* **Two vintages, two geographies, different indicators**: IoD2019 is on LSOA 2011 and joins the
  2011 lookups, IMD2019 and RUC2011; IoD2025 is on LSOA 2021 and joins the 2021 lookups, IMD2025
  and RUC2021. Never compare the two on LSOA code alone.
* **Direction differs by indicator**: a longer road distance or more patients per GP is worse
  access; a higher ``connectivity_score`` is better access.
* ``patient_to_gp_ratio`` has an extreme tail (389 to 33,000): summaries use medians.
* ``imd_decile`` is MHCLG's (1 = most deprived).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ._base import LoaderError, cached_table, check_unique, read_csv

IOD_F8 = "imd_underlying_indicators"
_FILES = {2019: "imd2019_england_lsoa11_indicators.csv", 2025: "imd2025_england_lsoa21_indicators.csv"}
#: Published column -> book column, per vintage, and whether higher means better access.
INDICATORS = {
    2019: {"road_distance_to_a_gp_surgery_indicator_km": ("road_distance_gp_km", False)},
    2025: {"connectivity_score": ("connectivity_score", True), "patient_to_gp_ratio": ("patients_per_gp", False)},
}
_RANGES = {"road_distance_gp_km": (0, 200), "connectivity_score": (0, 100), "patients_per_gp": (1, 1_000_000)}
_N = {2019: 32844, 2025: 33755}


def _check_vintage(vintage: int) -> None:
    if vintage not in _FILES:
        raise ValueError(f"IoD vintage must be 2019 or 2025, got {vintage!r}")


def _indicators(vintage: int) -> pd.DataFrame:
    f = _FILES[vintage]
    code = "lsoa11_code" if vintage == 2019 else "lsoa21_code"
    cols = {code: "lsoa_code", **{k: v[0] for k, v in INDICATORS[vintage].items()}}
    schema = pa.DataFrameSchema(
        {
            "lsoa_code": pa.Column(str, pa.Check.str_matches(r"^E01\d{6}$"), unique=True),
            **{v[0]: pa.Column(float, pa.Check.in_range(*_RANGES[v[0]])) for v in INDICATORS[vintage].values()},
        },
        strict=False,
    )
    df = read_csv(IOD_F8, f, required=list(cols), rename=cols, usecols=list(cols), schema=schema, dtype={code: str})
    check_unique(df, ["lsoa_code"], IOD_F8, f)
    if len(df) != _N[vintage]:
        raise LoaderError(f"dataset {IOD_F8!r}, file {f!r} has {len(df)} LSOAs; expected {_N[vintage]}.")
    return df


def _gp_access_loader(vintage: int):
    @cached_table(f"gp_access_lsoa_{vintage}", inputs=[(IOD_F8, _FILES[vintage])])
    def _load() -> pd.DataFrame:
        from . import deprivation as dep
        from .geography import lsoa_lookup

        df = _indicators(vintage)
        if vintage == 2019:
            imd = dep.imd2019_lsoa11()[["lsoa_code", "imd_decile"]]
            ruc = dep.ruc2011_lsoa11()
            pop = dep.population_lsoa11(2019)[["lsoa_code", "population"]]
            lk = lsoa_lookup(2011)
        else:
            imd = dep.imd2025_lsoa21()[["lsoa_code", "imd_decile"]]
            ruc = dep.ruc2021_lsoa21()
            pop = dep.census2021_lsoa21()[["lsoa_code", "population"]]
            lk = lsoa_lookup(2021)
        out = (
            df.merge(imd, on="lsoa_code", how="left", validate="one_to_one")
            .merge(ruc[["lsoa_code", "ruc_code", "ruc_broad"]], on="lsoa_code", how="left", validate="one_to_one")
            .merge(pop, on="lsoa_code", how="left", validate="one_to_one")
            .merge(
                lk[["lsoa_code", "lad_code", "icb_ods_code", "icb_ons_code"]],
                on="lsoa_code",
                how="left",
                validate="one_to_one",
            )
        )
        unmatched = out[["imd_decile", "ruc_broad", "population", "icb_ods_code"]].isna().any(axis=1)
        if unmatched.any():
            raise LoaderError(
                f"dataset {IOD_F8!r}, file {_FILES[vintage]!r}, column 'lsoa_code': "
                f"{int(unmatched.sum())} LSOA(s) missing from the IMD, rurality, population or ICB "
                f"lookups of the same vintage; e.g. {out.loc[unmatched, 'lsoa_code'].head(3).tolist()}."
            )
        out["imd_decile"] = out["imd_decile"].astype("int64")
        out["population"] = out["population"].astype("int64")
        out["iod_vintage"] = f"IoD{vintage}"
        return out

    return _load


def gp_access_lsoa(vintage: int = 2025) -> pd.DataFrame:
    """Access-to-GP indicators for every English LSOA of the IoD ``vintage`` (2019 or 2025).

    IoD2019 (LSOA 2011): road_distance_gp_km. IoD2025 (LSOA 2021): connectivity_score (higher =
    better connected), patients_per_gp. Both with imd_decile (same IoD, 1 = most deprived),
    ruc_code and ruc_broad (Urban/Rural; RUC2011 or RUC2021), population (ONS mid-2019 LSOA11
    estimate, or Census 2021 usual residents), lad_code, icb_ods_code, icb_ons_code, iod_vintage.
    """
    _check_vintage(vintage)
    return _gp_access_loader(vintage)()


def gp_access_by_decile(vintage: int = 2025, icb: str | None = None) -> pd.DataFrame:
    """Median access by IMD decile and rurality, England or one ICB (ODS or ONS code).

    One row per imd_decile x ruc_broad (``All`` included): n_lsoas, population, and for each
    indicator the median over LSOAs (``median_<indicator>``) and the population-weighted median
    (``wmedian_<indicator>``: the value below which half the residents live).
    """
    df = gp_access_lsoa(vintage)
    area = "England"
    if icb is not None:
        # Codes only: loaders sit below analysis.geography (for a name, pass
        # geography.find_icb(name).ods_code).
        from .geography import icb_table

        code = str(icb).strip().upper()
        table = icb_table()
        match = table[(table["ICB24CDH"] == code) | (table["ICB24CD"] == code) | (table["ICB22CD"] == code)]
        if match.empty:
            raise ValueError(f"icb must be an ICB's ODS or ONS code (e.g. 'QGH' or 'E54000019'), got {icb!r}.")
        df = df[df["icb_ods_code"] == match["ICB24CDH"].iloc[0]]
        area = match["ICB24CDH"].iloc[0]
    inds = [v[0] for v in INDICATORS[vintage].values()]
    rows = []
    for ruc, part in [("All", df)] + list(df.groupby("ruc_broad")):
        for dec, g in part.groupby("imd_decile"):
            row = {
                "area": area,
                "iod_vintage": f"IoD{vintage}",
                "imd_decile": int(dec),
                "ruc_broad": ruc,
                "n_lsoas": len(g),
                "population": int(g["population"].sum()),
            }
            for c in inds:
                row[f"median_{c}"] = float(g[c].median())
                row[f"wmedian_{c}"] = _weighted_median(g[c], g["population"])
            rows.append(row)
    return pd.DataFrame(rows).sort_values(["ruc_broad", "imd_decile"]).reset_index(drop=True)


def _weighted_median(values: pd.Series, weights: pd.Series) -> float:
    order = values.sort_values().index
    cum = weights.loc[order].cumsum()
    return float(values.loc[order][cum >= cum.iloc[-1] / 2].iloc[0])


__all__ = ["INDICATORS", "gp_access_by_decile", "gp_access_lsoa"]
