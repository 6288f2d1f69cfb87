"""Life expectancy, healthy life expectancy, inequality in life expectancy and premature mortality.

One loader per published file, each returning a tidy, validated table:

* :func:`life_expectancy` - Fingertips 90366, districts and UAs (re-shaped copy, 1 dp, no CIs).
* :func:`healthy_life_expectancy` - ONS healthy life expectancy with 95% CIs (counties, UAs,
  metropolitan districts, London boroughs; **no shire districts**); the series behind
  Fingertips 90362. :func:`healthy_life_expectancy_fingertips` is the Fingertips copy (UAs),
  used only to check that the two agree.
* :func:`sii_county_ua`, :func:`sii_district_ua`, :func:`sii_district_ua_earlier` - Fingertips
  92901 (slope index of inequality in life expectancy) from three extractions. Later
  extractions revise earlier values, so each row keeps its ``source``.
* :func:`le_by_decile` - life expectancy by local deprivation decile (2014-16, inferred; see
  the PROVENANCE), the input of the 92901 SII. Pre-April-2019 geography.
* :func:`u75_preventable` - Fingertips 93721 (single years, districts/UAs, with Fingertips'
  own comparison with England). :func:`u75_cvd_preventable` - Fingertips 93722 via ONS with
  95% CIs (counties, UAs, districts).
* :func:`practice_life_expectancy`, :func:`practice_imd`, :func:`practice_imd_icb`,
  :func:`practice_list_sizes` - GP practice files. HEEC practice quintiles run **1 = least
  deprived to 5 = most deprived** (the opposite of IMD deciles); the loaders keep the HEEC
  column under an explicit name (``imd_quintile_heec``).

Periods are normalised to labels like ``"2022-24"`` with ``period_start`` (first year).
Suppressed / not published values stay missing (NaN) with ``suppressed`` = True, never 0.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, check_codes, check_unique, read_csv, to_number, validate

LE_DS = "fingertips_life_expectancy"
HLE_DS = "ons_healthy_life_expectancy"
SII_DS = "fingertips_inequality_life_expectancy"
DECILE_DS = "fingertips_le_by_deprivation_decile"
MORT_DS = "fingertips_mortality"
PRAC_LE_DS = "fingertips_practice_life_expectancy"
PRAC_IMD_DS = "fingertips_practice_imd"
QOF_DS = "qof_2223"

ENGLAND = "E92000001"

_AREA_CODE = r"^(E92000001|E1[02]\d{6}|E0[6789]\d{6}|E47\d{6})$"


# --------------------------------------------------------------------------- helpers


def period_label(raw: object) -> str:
    """'2015 - 17', '2015-17' or ONS '2015-01-01/P3Y' -> '2015-17'; '2014' -> '2014'."""
    s = str(raw).strip()
    m = re.fullmatch(r"(\d{4})-01-01/P(\d)Y", s)
    if m:
        start, n = int(m.group(1)), int(m.group(2))
        return f"{start}-{(start + n - 1) % 100:02d}"
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{2})", s)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    if re.fullmatch(r"\d{4}", s):
        return s
    raise ValueError(f"unrecognised period {raw!r}")


def _periods(df: pd.DataFrame, col: str, dataset: str, filename: str) -> pd.DataFrame:
    try:
        df["period"] = df[col].map(period_label)
    except ValueError as exc:
        raise LoaderError(f"dataset {dataset!r}, file {filename!r}: {exc}") from exc
    df["period_start"] = df["period"].str[:4].astype(int)
    return df


def _values(df: pd.DataFrame, col: str, dataset: str, filename: str, out: str = "value") -> pd.DataFrame:
    v, flag = to_number(df[col], dataset=dataset, filename=filename, column=col)
    df[out] = v
    if out == "value":
        df["suppressed"] = flag.to_numpy()
    return df


_SEX = pa.Column(str, pa.Check.isin(["Male", "Female", "Persons"]))
_YEARS = pa.Column(float, pa.Check.in_range(40, 110), nullable=True)


# --------------------------------------------------------------------------- life expectancy

LE_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "area_name": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "sex": _SEX,
        "value": pa.Column(float, pa.Check.in_range(65, 95), nullable=True),
    },
    strict=False,
)


def life_expectancy() -> pd.DataFrame:
    """Fingertips 90366 life expectancy at birth, England + districts/UAs, 2015-17 onwards.

    Columns: area_code, area_name, area_type, period, period_start, sex, value (years, 1 dp),
    suppressed, compared_to_england (Fingertips' own comparison; 'Not compared' for England).
    The latest period may be provisional (see PROVENANCE).
    """
    f = "life_expectancy_district_ua.csv"
    cols = ["area_code", "area_name", "area_type", "period", "value", "compared_to_England", "inequality"]
    df = read_csv(LE_DS, f, required=cols, dtype=str, usecols=cols)
    df = df.rename(columns={"inequality": "sex", "compared_to_England": "compared_to_england"})
    df = _values(_periods(df, "period", LE_DS, f), "value", LE_DS, f)
    df = validate(df, LE_SCHEMA, LE_DS, f)
    check_unique(df, ["area_code", "period", "sex"], LE_DS, f)
    return df.reset_index(drop=True)


HLE_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "sex": pa.Column(str, pa.Check.isin(["Male", "Female"])),
        "value": pa.Column(float, pa.Check.in_range(40, 80)),
        "lower_ci": pa.Column(float, pa.Check.in_range(30, 80)),
        "upper_ci": pa.Column(float, pa.Check.in_range(40, 90)),
    },
    checks=[
        pa.Check(
            lambda d: (d["lower_ci"] <= d["value"]) & (d["value"] <= d["upper_ci"]),
            error="HLE outside its confidence interval",
        )
    ],
    strict=False,
)


def healthy_life_expectancy() -> pd.DataFrame:
    """ONS healthy life expectancy at birth with 95% CIs, English areas only, 2011-13 to 2022-24.

    Columns: area_code, area_name, geography, period, period_start, sex, value, lower_ci,
    upper_ci. Geography: England, regions, counties/UAs (e.g. Worcestershire E10000034),
    metropolitan districts and London boroughs; shire districts are not published. Barnsley and
    Sheffield carry their 2025 codes (E08000038, E08000039).
    """
    f = "healthy-life-expectancy.csv"
    cols = ["areacd", "areanm", "geography", "indicator", "period", "observation", "lci_95", "uci_95", "status"]
    df = read_csv(HLE_DS, f, required=cols, dtype=str, usecols=cols)
    df = df[df["areacd"].str.startswith("E")].copy()
    sex = df["indicator"].str.extract(r"^(Male|Female) healthy life expectancy$")[0]
    if sex.isna().any():
        raise LoaderError(
            f"dataset {HLE_DS!r}, file {f!r}: unexpected indicator(s) "
            f"{df.loc[sex.isna(), 'indicator'].unique()[:3].tolist()}."
        )
    df["sex"] = sex
    df = df.rename(columns={"areacd": "area_code", "areanm": "area_name"})
    df = _periods(df, "period", HLE_DS, f)
    df = _values(df, "observation", HLE_DS, f)
    df = _values(df, "lci_95", HLE_DS, f, out="lower_ci")
    df = _values(df, "uci_95", HLE_DS, f, out="upper_ci")
    df = validate(df, HLE_SCHEMA, HLE_DS, f)
    check_unique(df, ["area_code", "period", "sex"], HLE_DS, f)
    return df[
        [
            "area_code",
            "area_name",
            "geography",
            "period",
            "period_start",
            "sex",
            "value",
            "lower_ci",
            "upper_ci",
            "suppressed",
        ]
    ].reset_index(drop=True)


HLE_FINGERTIPS_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "sex": pa.Column(str, pa.Check.isin(["Male", "Female"])),
        "value": pa.Column(float, pa.Check.in_range(40, 80), nullable=True),  # suppressed: missing
    },
    strict=False,
)


def healthy_life_expectancy_fingertips() -> pd.DataFrame:
    """Fingertips 90362 HLE (England + UAs, 2015-17 onwards, 1 dp): the same series as ONS."""
    f = "healthy_life_expectancy_district_ua.csv"
    cols = ["area_code", "area_name", "area_type", "period", "value", "inequality"]
    df = read_csv(LE_DS, f, required=cols, dtype=str, usecols=cols).rename(columns={"inequality": "sex"})
    df = _values(_periods(df, "period", LE_DS, f), "value", LE_DS, f)
    df = validate(df, HLE_FINGERTIPS_SCHEMA, LE_DS, f)
    check_unique(df, ["area_code", "period", "sex"], LE_DS, f)
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- SII 92901

SII_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$")),
        "sex": pa.Column(str, pa.Check.isin(["Male", "Female"])),
        "value": pa.Column(float, pa.Check.in_range(-10, 25), nullable=True),
    },
    strict=False,
)

#: Where each 92901 extraction came from (for tables and captions).
SII_SOURCES = {
    "county_ua_2020": "Fingertips 92901, County & UA (pre-4/2019), extracted 2020",
    "district_ua_2024": "Fingertips 92901, District & UA, extracted 2024",
    "district_ua_2026": "Fingertips 92901, District & UA, extracted 2026",
}


def _sii(filename: str, source: str, sex_col: str, sig_col: str) -> pd.DataFrame:
    cols = ["area_code", "area_name", "period", "value", sex_col, sig_col]
    df = read_csv(SII_DS, filename, required=cols, dtype=str, usecols=cols)
    df = df.rename(columns={sex_col: "sex", sig_col: "compared_to_england"})
    df = _values(_periods(df, "period", SII_DS, filename), "value", SII_DS, filename)
    df = validate_sii(df, filename)
    df["source"] = source
    return df[
        [
            "area_code",
            "area_name",
            "period",
            "period_start",
            "sex",
            "value",
            "suppressed",
            "compared_to_england",
            "source",
        ]
    ].reset_index(drop=True)


def validate_sii(df: pd.DataFrame, filename: str) -> pd.DataFrame:
    from ._base import validate

    df = validate(df, SII_SCHEMA, SII_DS, filename)
    check_unique(df, ["area_code", "period", "sex"], SII_DS, filename)
    return df


def sii_county_ua() -> pd.DataFrame:
    """92901 for England and counties/UAs (pre-4/2019 codes), 2010-12 to 2015-17 (extracted 2020)."""
    return _sii("slope_index_of_inequality_county_ua_2010-12_to_2015-17.csv", "county_ua_2020", "group", "significance")


def sii_district_ua() -> pd.DataFrame:
    """92901 for England and districts/UAs, 2015-17 to 2022-24 (extracted 2026: the latest values)."""
    return _sii("inequality_life_expectancy_district_ua.csv", "district_ua_2026", "inequality", "compared_to_England")


def sii_district_ua_earlier() -> pd.DataFrame:
    """92901 for England and districts/UAs, 2010-12 to 2018-20 (extracted 2024; since revised)."""
    return _sii(
        "inequality_life_expectancy_district_ua_2010-12_to_2018-20.csv",
        "district_ua_2024",
        "inequality",
        "compared_to_England",
    )


# --------------------------------------------------------------------------- LE by decile

DECILE_SCHEMA = pa.DataFrameSchema(
    {
        "sex": pa.Column(str, pa.Check.isin(["Male", "Female"])),
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "decile": pa.Column(int, pa.Check.in_range(1, 10)),
        "population": pa.Column(float, pa.Check.gt(0)),
        "deaths": pa.Column(float, pa.Check.ge(0)),
        "value": pa.Column(float, pa.Check.in_range(50, 115)),
        "se": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True,
)


def le_by_decile_period(edition: str | None = None) -> str:
    """The period of the decile test data as Fingertips labels a three-year period (``2014-16``),
    from the manifest's edition (its ``period_start`` and ``period_end``): the file does not state
    it, so the manifest records the inferred one (see its PROVENANCE)."""
    e = sources.select_edition(DECILE_DS, edition)
    start, end = e.period.start, e.period.end
    if start is None or end is None or end.year - start.year != 2:
        raise LoaderError(
            f"dataset {DECILE_DS!r}, edition {e.id!r}: the manifest must give period_start and "
            f"period_end spanning three calendar years (the period the file's values are for); "
            f"got {start} to {end}."
        )
    return f"{start.year}-{end.year % 100:02d}"


def le_by_decile() -> pd.DataFrame:
    """Life expectancy by local deprivation decile (1 = most deprived), for the inferred period
    :func:`le_by_decile_period`.

    Columns: sex, area_code (England as E92000001; pre-April-2019 LA codes), decile,
    population (3-year person-years), deaths, value (LE, years), se.
    """
    f = "LE_testdata.csv"
    cols = ["Sex", "GeoCode", "Decile", "Pop", "Deaths", "LifeExp", "SE"]
    df = read_csv(DECILE_DS, f, required=cols, dtype={"GeoCode": str})
    df = df.rename(
        columns={
            "Sex": "sex",
            "GeoCode": "area_code",
            "Decile": "decile",
            "Pop": "population",
            "Deaths": "deaths",
            "LifeExp": "value",
            "SE": "se",
        }
    )
    bad = ~df["sex"].isin([1, 2])
    if bad.any():
        raise LoaderError(
            f"dataset {DECILE_DS!r}, file {f!r}: Sex must be 1 or 2, found {df.loc[bad, 'sex'].unique()[:5]}"
        )
    df["sex"] = df["sex"].map({1: "Male", 2: "Female"})
    df["area_code"] = df["area_code"].replace({"England": ENGLAND})
    src = {"population": "Pop", "deaths": "Deaths", "value": "LifeExp", "se": "SE"}
    for c in ["population", "deaths", "value", "se"]:
        # Suppressed cells become missing and then fail the schema (every decile is needed for the SII).
        df[c], _ = to_number(df[c], dataset=DECILE_DS, filename=f, column=src[c])
    df = validate(df, DECILE_SCHEMA, DECILE_DS, f)
    check_unique(df, ["sex", "area_code", "decile"], DECILE_DS, f)
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- premature mortality


def u75_preventable() -> pd.DataFrame:
    """Fingertips 93721 under-75 mortality from causes considered preventable (2019 definition).

    Directly age-standardised rate per 100,000, single years 2014 onwards, England +
    districts/UAs, by sex (Male/Female/Persons; the source file holds sex in ``unit``).
    Columns: area_code, area_name, area_type, period, period_start, sex, value, suppressed,
    compared_to_england (Fingertips' comparison of the area's 95% CI with England).
    """
    f = "u75_preventable_mortality_district_ua.csv"
    cols = ["area_code", "area_name", "area_type", "period", "unit", "value", "compared_to_England"]
    df = read_csv(MORT_DS, f, required=cols, dtype=str, usecols=cols)
    df = df.rename(columns={"unit": "sex", "compared_to_England": "compared_to_england"})
    df = _values(_periods(df, "period", MORT_DS, f), "value", MORT_DS, f)
    schema = pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
            "sex": _SEX,
            "value": pa.Column(float, pa.Check.in_range(10, 1000), nullable=True),
            "compared_to_england": pa.Column(str, pa.Check.isin(["Better", "Similar", "Worse", "Not compared"])),
        },
        strict=False,
    )
    from ._base import validate

    df = validate(df, schema, MORT_DS, f)
    check_unique(df, ["area_code", "period", "sex"], MORT_DS, f)
    return df.reset_index(drop=True)


def u75_cvd_preventable() -> pd.DataFrame:
    """Fingertips 93722 under-75 mortality from CVD considered preventable, persons, with 95% CIs.

    3-year periods 2001-03 to 2022-24; England, regions, counties/UAs and districts (both the
    old and 2025 codes of Barnsley and Sheffield). Columns: area_code, area_name, geography,
    period, period_start, value, lower_ci, upper_ci, suppressed, status.
    """
    f = "preventable-cardiovascular-mortality-england.csv"
    cols = ["areacd", "areanm", "geography", "period", "observation", "lci_95", "uci_95", "status"]
    df = read_csv(MORT_DS, f, required=cols, dtype=str, usecols=cols)
    df = df.rename(columns={"areacd": "area_code", "areanm": "area_name"})
    df = _periods(df, "period", MORT_DS, f)
    df = _values(df, "observation", MORT_DS, f)
    df = _values(df, "lci_95", MORT_DS, f, out="lower_ci")
    df = _values(df, "uci_95", MORT_DS, f, out="upper_ci")
    schema = pa.DataFrameSchema(
        {
            "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
            "value": pa.Column(float, pa.Check.in_range(1, 300)),
            "lower_ci": pa.Column(float, pa.Check.ge(0)),
            "upper_ci": pa.Column(float, pa.Check.in_range(1, 400)),
        },
        checks=[
            pa.Check(
                lambda d: (d["lower_ci"] <= d["value"]) & (d["value"] <= d["upper_ci"]),
                error="rate outside its confidence interval",
            )
        ],
        strict=False,
    )
    from ._base import validate

    df = validate(df, schema, MORT_DS, f)
    check_unique(df, ["area_code", "period"], MORT_DS, f)
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- GP practices


def practice_life_expectancy() -> pd.DataFrame:
    """Practice-population life expectancy (Fingertips 650, via HEEC), one row per practice x year.

    Columns: practice_code, year (a period label, not a calendar year), imd_quintile_heec
    (**1 = least deprived, 5 = most**), icb_name (HEEC short name), le_female, le_male.
    Rows for England and CCGs (E92/E38 codes) that the file also holds are dropped. The source has 8 (practice, year) pairs split over two rows, one holding the female and the
    other the male value; they are combined (a conflict between two non-missing values is an
    error). The stray single-practice years 2011 and 2013 are kept (callers choose a year).
    """
    f = "life_expectancy.csv"
    cols = ["Practice.Code", "Year", "IMD_quintile", "ICB.NAME", "Life_Expectancy_Female", "Life_Expectancy_Male"]
    df = read_csv(PRAC_LE_DS, f, required=cols, dtype={"Practice.Code": str, "ICB.NAME": str})
    df = df.rename(
        columns={
            "Practice.Code": "practice_code",
            "Year": "year",
            "IMD_quintile": "imd_quintile_heec",
            "ICB.NAME": "icb_name",
            "Life_Expectancy_Female": "le_female",
            "Life_Expectancy_Male": "le_male",
        }
    )
    # The file also carries England (E92) and CCG (E38) rows with no ICB: not practices, dropped.
    ccg = df["practice_code"].str.fullmatch(r"E(38|92)\d{6}")
    if ccg.any() and df.loc[ccg, "icb_name"].notna().any():
        raise LoaderError(f"dataset {PRAC_LE_DS!r}, file {f!r}: England/CCG rows unexpectedly carry an ICB name.")
    df = df[~ccg].copy()
    check_codes(
        df["practice_code"],
        r"[A-Z]\d{5}|[A-Z]\d{4}[A-Z0-9]|[A-Z0-9]{6}",
        dataset=PRAC_LE_DS,
        filename=f,
        column="Practice.Code",
    )
    key = ["practice_code", "year"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        d = df[dup]
        g = d.groupby(key)
        conflict = (g["le_female"].nunique() > 1) | (g["le_male"].nunique() > 1)
        if conflict.any():
            raise LoaderError(
                f"dataset {PRAC_LE_DS!r}, file {f!r}: duplicated practice-year rows with "
                f"different values: {conflict[conflict].index[:3].tolist()}"
            )
        merged = g.agg(
            {"imd_quintile_heec": "first", "icb_name": "first", "le_female": "first", "le_male": "first"}
        ).reset_index()
        df = pd.concat([df[~dup], merged], ignore_index=True)
    schema = pa.DataFrameSchema(
        {
            "year": pa.Column(int, pa.Check.in_range(2010, 2020)),
            "imd_quintile_heec": pa.Column(float, pa.Check.isin([1, 2, 3, 4, 5]), nullable=True, coerce=True),
            "le_female": pa.Column(float, pa.Check.in_range(65, 100), nullable=True),
            "le_male": pa.Column(float, pa.Check.in_range(60, 100), nullable=True),
        },
        strict=False,
    )
    from ._base import validate

    df = validate(df, schema, PRAC_LE_DS, f)
    check_unique(df, key, PRAC_LE_DS, f)
    return df.sort_values(key).reset_index(drop=True)


def practice_imd() -> pd.DataFrame:
    """Fingertips 93553 practice deprivation (IMD) score, vintages 2010, 2015, 2019.

    Columns: practice_code, practice_name, imd_year, imd_score (higher = more deprived),
    is_current (practice open when extracted). One loader reads this file:
    :func:`analysis.load.primary_care.practice_imd`; this stacks its three vintages.
    """
    from . import primary_care

    df = pd.concat([primary_care.practice_imd(y) for y in (2010, 2015, 2019)], ignore_index=True)
    return df[["practice_code", "practice_name", "imd_year", "imd_score", "is_current"]]


def practice_imd_icb() -> pd.DataFrame:
    """HEEC practice -> ICB (short name) with IMD 2019 score and national practice quintile.

    Columns: practice_code, icb_name, imd_score, imd_quintile_heec (**1 = least deprived**;
    unweighted ntile over practices). Read by :func:`analysis.load.primary_care.heec_practice_imd_quintile`
    (which also gives the book's 1 = most deprived quintile); this keeps HEEC's own column.
    """
    from . import primary_care

    df = primary_care.heec_practice_imd_quintile()
    return df.rename(columns={"heec_quintile": "imd_quintile_heec"})[
        ["practice_code", "icb_name", "imd_score", "imd_quintile_heec"]
    ].reset_index(drop=True)


def practice_list_sizes() -> pd.DataFrame:
    """Registered list size of each practice (QOF 2022-23, total list, patients at 31 March 2023).

    Columns: practice_code, list_size. Used only to weight practices by their population. Taken
    from the QOF practice table that the Core20PLUS5 chapter reads
    (:func:`analysis.load.primary_care.qof_practice_prevalence`), so the file is parsed once.
    """
    from . import primary_care

    f = "PREVALENCE_2223.csv"
    df = primary_care.qof_practice_prevalence()
    df = df[df["list_type"] == "TOTAL"]
    sizes = df.groupby("practice_code")["list_size"].agg(["min", "max"])
    if (sizes["min"] != sizes["max"]).any():
        raise LoaderError(f"dataset {QOF_DS!r}, file {f!r}: a practice has different TOTAL list sizes.")
    out = sizes["max"].rename("list_size").reset_index()
    if (out["list_size"] <= 0).any() or len(out) < 6000:
        raise LoaderError(f"dataset {QOF_DS!r}, file {f!r}: implausible list sizes ({len(out)} practices).")
    out["list_size"] = out["list_size"].astype(float)
    return out


__all__ = [
    "ENGLAND",
    "SII_SOURCES",
    "healthy_life_expectancy",
    "healthy_life_expectancy_fingertips",
    "le_by_decile",
    "le_by_decile_period",
    "life_expectancy",
    "period_label",
    "practice_imd",
    "practice_imd_icb",
    "practice_life_expectancy",
    "practice_list_sizes",
    "sii_county_ua",
    "sii_district_ua",
    "sii_district_ua_earlier",
    "u75_cvd_preventable",
    "u75_preventable",
]
