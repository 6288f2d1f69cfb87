"""Chapter: the ICB's annual-report evidence under NHS England's Statement on information on health
inequalities (section 13SA of the NHS Act 2006).

The Statement asks every ICB to publish, in its annual report, what the data show about health
inequalities in ten areas (elective recovery, urgent and emergency care, respiratory, mental
health, cancer, cardiovascular disease, diabetes, oral health, learning disability and autism,
smoking cessation), broken down at least by deprivation, ethnicity, age and sex, and how complete
the recording is. This module computes that evidence for one ICB from the published data the book
holds, through the loaders (:mod:`analysis.load`) and :mod:`analysis.stats`:

* **Deprivation, comparable across ICBs.** For each indicator published with a deprivation
  breakdown (:data:`MEASURES`), every ICB's level, its gap between the most and least deprived
  groups (:func:`analysis.claims.gap`: positive = worse for, or with no better direction higher
  among, the most deprived; MOVER interval) and the slope index of inequality on **national**
  deciles or quintiles (:func:`analysis.stats.sii`): :func:`inequality`. Groups are those the
  publisher assigns (the patient's neighbourhood for WLMDS, MHA and CVDPREVENT) or the book's
  national practice deprivation quintile (:func:`practice_quintiles`) for practice data.
* **Ethnicity, age and sex** where published: WLMDS (the waiting list) and the Mental Health Act
  statistics; rates by ethnic group use Census 2021 denominators (:func:`elective_by_ethnicity`,
  :func:`mha_by_ethnicity`).
* **Completeness**: the share of records whose ethnicity or deprivation is not stated or not known
  (:func:`completeness`).
* **The ICB against England and its place among the 42 ICBs** for every indicator (:func:`level`),
  and the one-page annual report table (:func:`annual_report_table`), written as CSV and as a
  formatted spreadsheet (:func:`write_spreadsheet`).

:func:`build` makes every figure, table and box and glues every word and number the notebook's
Markdown uses; :func:`claims` gives every data-dependent word (for the claims audit);
:func:`headline_figures` the key numbers declared in ``registry/headlines/statutory.yml``.

Deprivation direction: **1 = most deprived** everywhere here. The loaders turn each source round
where it runs the other way (the MHA file's "10 Most deprived" is decile 1; CVDPREVENT's and
Fingertips' labels are read for their words); the tests check each.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import claims as C
from .. import deprivation as dep
from .. import geography, sources, stats
from ..load import (
    ae_children,
    cardiovascular,
    census,
    clinical,
    immunisation,
    mental_health,
    practices,
    primary_care,
    waiting,
)
from ..load._base import cached_table
from ..report import Chapter, esc, fmt, ordinal, plural, save_workbook

CHAPTER = "statutory"
STATEMENT_URL = (
    "https://www.england.nhs.uk/long-read/nhs-englands-statement-on-information-on-health-inequalities-duty/"
)
ENGLAND = "ENG"
#: Simulation repetitions for the SII's confidence interval (PHEindicatormethods' default).
SII_REPS = 100_000

#: The ten areas of the Statement, in its order: key -> heading.
AREAS = {
    "elective": "Elective recovery",
    "uec": "Urgent and emergency care",
    "respiratory": "Respiratory",
    "mental_health": "Mental health",
    "cancer": "Cancer",
    "cvd": "Cardiovascular disease",
    "diabetes": "Diabetes",
    "oral_health": "Oral health",
    "learning_disability": "Learning disability and autism",
    "smoking": "Smoking cessation",
}

SOURCES = {
    "wlmds": "NHS England, Waiting List Minimum Data Set (WLMDS) Demographics Summary (management information)",
    "ae_u5": "OHID Fingertips 93930, A&E attendances (0 to 4 years), GP practices; practice deprivation "
    "from OHID Fingertips 93553 (IMD 2019)",
    "ae_monthly": "NHS England, Monthly A&E Attendances and Emergency Admissions (providers located in the ICB)",
    "qof2223": "NHS England, Quality and Outcomes Framework {period} practice registers; practice deprivation "
    "from OHID Fingertips 93553 (IMD 2019)",
    "qof2425": "NHS England, Quality and Outcomes Framework {period} (ICB aggregation of practice data)",
    "smoking": "OHID Fingertips 91547, smoking prevalence in adults (15+) recorded in QOF, GP practices; practice "
    "deprivation from OHID Fingertips 93553 (IMD 2019)",
    "mha": "NHS England, Mental Health Act Statistics, Annual Figures (third-party copy; damaged rows left out); "
    "ONS Census 2021 (TS021) for rates by ethnic group",
    "cvdprevent": "CVDPREVENT audit (NHS England, OHID and NHS Benchmarking Network), CVDP003CHOL by ICB and "
    "deprivation quintile",
    "cvdprevent_england": "CVDPREVENT audit, England by deprivation quintile",
    "cover": "UKHSA, Cover of Vaccination Evaluated Rapidly (COVER), upper-tier local authorities; ONS Census 2021 "
    "for the overlap with the ICB",
    "cancer_stage": "OHID Fingertips 93671 (National Disease Registration Service), cancers diagnosed at stage 1 "
    "or 2, local authorities",
    "oral": "OHID Fingertips 93563, National Dental Epidemiology Programme survey of 5-year-olds, local authorities",
    "msds": "NHS England, Maternity Services Monthly Statistics (provisional), local maternity systems",
    "census": "ONS Census 2021, table TS021 (ethnic group)",
}
#: Sources whose text names a period ({period}): the manifest's period of the edition the loader reads.
_SOURCE_PERIODS = {"qof2223": primary_care.QOF2223, "qof2425": primary_care.QOF2425}


def source_text(key: str) -> str:
    """The source line of :data:`SOURCES` ``key``, with its period filled from the manifest."""
    ds = _SOURCE_PERIODS.get(key)
    return SOURCES[key].format(period=sources.latest(ds).period.label) if ds else SOURCES[key]


# ============================================================================= measures


@dataclass(frozen=True)
class Measure:
    """An indicator the chapter shows for every ICB: its unit, better direction and, for the
    deprivation measures, the groups it is published by."""

    key: str
    area: str
    label: str  # for tables: "Waiting list: % waiting under 18 weeks"
    unit: str  # "%", "per 1,000" or "per 100,000"
    polarity: str  # higher_is_better | lower_is_better | neither
    source: str  # key of SOURCES
    kind: str = "proportion"  # proportion (Wilson) | rate (Byar)
    groups: str = ""  # "deciles" | "quintiles" (deprivation measures only)
    basis: str = ""  # what the groups are, in words
    practice_based: bool = False
    least: int = 0  # the least deprived group compared (the last one unless the data lack it)
    counts: str = ""  # what the ICB's count in a table is (the numerator), in words
    dp: int = 1

    @property
    def n_groups(self) -> int:
        return {"deciles": 10, "quintiles": 5}.get(self.groups, 0)

    @property
    def multiplier(self) -> float:
        return {"%": 100, "per 1,000": 1000, "per 100,000": 100_000}[self.unit]

    @property
    def least_group(self) -> int:
        return self.least or self.n_groups

    @property
    def one(self) -> str:
        """'tenth' or 'fifth'."""
        return {"deciles": "tenth", "quintiles": "fifth"}[self.groups]


_DECILE_BASIS = "national IMD 2019 decile of the patient's neighbourhood, as the publisher assigns it"
_PRACTICE_BASIS = "national practice deprivation quintile (IMD 2019, fifths of England's registered patients)"

#: The indicators published with a deprivation breakdown, one per area where the data have one.
MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "elective",
            "elective",
            "Waiting list: share waiting under 18 weeks",
            "%",
            "higher_is_better",
            "wlmds",
            groups="deciles",
            basis=_DECILE_BASIS,
            counts="pathways waiting under 18 weeks",
        ),
        Measure(
            "ae_u5",
            "uec",
            "A&E attendances, children aged 0 to 4 (per 1,000)",
            "per 1,000",
            "neither",
            "ae_u5",
            kind="rate",
            groups="quintiles",
            basis=_PRACTICE_BASIS,
            practice_based=True,
            dp=0,
            counts="attendances",
        ),
        Measure(
            "copd",
            "respiratory",
            "COPD, recorded prevalence (all ages)",
            "%",
            "neither",
            "qof2223",
            groups="quintiles",
            basis=_PRACTICE_BASIS,
            practice_based=True,
            dp=2,
            counts="patients on the register",
        ),
        # Deciles 9 and 10 of the MHA file lost their labels in the only copy: the gap compares
        # decile 1 with decile 8, the least deprived one whose label is intact (see the loader).
        Measure(
            "mha",
            "mental_health",
            "Mental Health Act detentions (per 100,000)",
            "per 100,000",
            "lower_is_better",
            "mha",
            kind="rate",
            groups="deciles",
            basis=_DECILE_BASIS,
            least=8,
            counts="detentions",
        ),
        Measure(
            "lipid",
            "cvd",
            "QRISK 20% or more: on lipid-lowering therapy",
            "%",
            "higher_is_better",
            "cvdprevent",
            groups="quintiles",
            basis="national IMD 2019 quintile of the patient's neighbourhood, as CVDPREVENT assigns it",
            counts="patients on lipid-lowering therapy",
        ),
        Measure(
            "diabetes",
            "diabetes",
            "Diabetes, recorded prevalence (aged 17 or over)",
            "%",
            "neither",
            "qof2223",
            groups="quintiles",
            basis=_PRACTICE_BASIS,
            practice_based=True,
            counts="patients on the register",
        ),
        Measure(
            "ld",
            "learning_disability",
            "Learning disability register: recorded prevalence by practice deprivation",
            "%",
            "neither",
            "qof2223",
            groups="quintiles",
            basis=_PRACTICE_BASIS,
            practice_based=True,
            dp=2,
            counts="patients on the register",
        ),
        Measure(
            "smoking",
            "smoking",
            "Smoking, recorded prevalence (aged 15 or over)",
            "%",
            "lower_is_better",
            "smoking",
            groups="quintiles",
            basis=_PRACTICE_BASIS,
            practice_based=True,
            counts="patients recorded as smokers",
        ),
    ]
}

#: Indicators the chapter shows for every ICB against England, without a deprivation breakdown.
LEVELS: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure("ae_4h", "uec", "A&E: share of attendances within 4 hours", "%", "higher_is_better", "ae_monthly"),
        Measure(
            "pcv",
            "respiratory",
            "Pneumococcal booster by 24 months (estimate for the ICB)",
            "%",
            "higher_is_better",
            "cover",
        ),
        Measure(
            "smi_checks",
            "mental_health",
            "Severe mental illness: all six physical health checks",
            "%",
            "higher_is_better",
            "qof2425",
        ),
        Measure("cervical", "cancer", "Cervical screening, women aged 25 to 64", "%", "higher_is_better", "qof2425"),
        Measure("hypertension", "cvd", "Hypertension treated to target", "%", "higher_is_better", "qof2425"),
        Measure(
            "hba1c",
            "diabetes",
            "Diabetes: HbA1c 58 mmol/mol or less (without frailty)",
            "%",
            "higher_is_better",
            "qof2425",
        ),
        Measure(
            "ld_register",
            "learning_disability",
            "Learning disability register: recorded prevalence (all ages)",
            "%",
            "neither",
            "qof2425",
            dp=2,
        ),
        Measure(
            "smoking_support",
            "smoking",
            "Smokers with a long-term condition offered support",
            "%",
            "higher_is_better",
            "qof2425",
        ),
        Measure("smoking_delivery", "smoking", "Smoking at the time of delivery", "%", "lower_is_better", "msds"),
    ]
}

#: QOF 2024-25 indicators behind the QOF level measures (pooled where more than one).
QOF_CODES = {
    "smi_checks": ["MH021"],
    "cervical": ["CS005", "CS006"],
    "hypertension": ["HYP008", "HYP009"],
    "hba1c": ["DM020"],
    "smoking_support": ["SMOK005"],
}
#: QOF 2022-23 register groups of the practice prevalence measures.
QOF_GROUPS = {"copd": "COPD", "diabetes": "DM", "ld": "LD"}


def measure(key: str) -> Measure:
    if key in MEASURES:
        return MEASURES[key]
    if key in LEVELS:
        return LEVELS[key]
    raise KeyError(f"unknown measure {key!r}; known: {', '.join([*MEASURES, *LEVELS])}")


def _icb(icb: geography.ICB | str) -> geography.ICB:
    return icb if isinstance(icb, geography.ICB) else geography.find_icb(icb)


def _names() -> dict[str, str]:
    out = {i.ods_code: i.short_name for i in geography.all_icbs()}
    out[ENGLAND] = "England"
    return out


# ============================================================================= periods


def financial_year_end(label: str) -> pd.Timestamp:
    """'2023-24' or '2023/24' -> 31 March 2024 (the end of the financial year)."""
    m = re.fullmatch(r"(\d{4})[-/](\d{2})", str(label).strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"not a financial year such as 2023-24: {label!r}")
    return pd.Timestamp(int(m.group(1)) + 1, 3, 31)


def _fy_label(label: str) -> str:
    """'2023/24' -> '2023-24' (one way of writing a financial year on the page)."""
    financial_year_end(label)
    return str(label).strip().replace("/", "-")


def _reference_date(reference_date: object) -> pd.Timestamp:
    """The build's reference date ("YYYY-MM-01"); "" or None (a run by hand) is the first day of
    this month."""
    if reference_date in ("", None):
        return pd.Timestamp(dt.date.today().replace(day=1))
    return pd.Timestamp(reference_date)


# ============================================================================= practice quintiles


@sources.remembered(maxsize=1, national=True)
def practice_quintiles() -> pd.DataFrame:
    """Every English practice with its national practice deprivation quintile, the book's one
    definition (:data:`analysis.deprivation.PRACTICE_QUINTILE_DEFINITION`): the Fingertips
    practice IMD 2019 score, cut into fifths of England's registered patients (QOF 2022-23 list
    sizes), 1 = most deprived. Columns: practice_code, icb_ods_code, list_size, imd_score,
    practice_quintile."""
    prev = primary_care.qof_practice_prevalence()
    total = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")][
        ["practice_code", "list_size", "icb_ods_code"]
    ]
    imd = primary_care.practice_imd(2019)[["practice_code", "imd_score"]]
    prac = total.merge(imd, on="practice_code", how="inner", validate="one_to_one")
    prac = prac[prac["list_size"] > 0]
    q = dep.practice_deprivation_quintiles(prac, score="imd_score", patients="list_size")
    return q[["practice_code", "icb_ods_code", "list_size", "imd_score", "practice_quintile"]].reset_index(drop=True)


# ============================================================================= long tables
# One row per area (ICB ODS code or "ENG") and group (0 = everyone; 1..n = deprivation group, 1 =
# most deprived), with numerator, denominator, value and 95% limits on the measure's scale.

LONG_COLUMNS = ["area_code", "group", "numerator", "denominator", "value", "lower_ci", "upper_ci", "period"]


def _with_values(long: pd.DataFrame, m: Measure) -> pd.DataFrame:
    """Add value and 95% limits: Wilson for proportions, Byar / exact Poisson for rates."""
    long = long[long["denominator"] > 0].reset_index(drop=True)
    if m.kind == "proportion":
        res = stats.proportion(long, "numerator", "denominator", multiplier=m.multiplier)
    else:
        res = stats.crude_rate(long, "numerator", "denominator", multiplier=m.multiplier)
    return res[LONG_COLUMNS]


def _practice_long(df: pd.DataFrame, m: Measure, period: str) -> pd.DataFrame:
    """Practice rows (practice_code, icb_ods_code, numerator, denominator) summed to each ICB and
    England, overall (group 0, every practice) and by national practice deprivation quintile
    (practices with a deprivation score)."""
    q = practice_quintiles()[["practice_code", "practice_quintile"]]
    d = df.merge(q, on="practice_code", how="left", validate="many_to_one")
    cols = ["numerator", "denominator"]
    icb = d.dropna(subset=["icb_ods_code"])
    parts = [
        icb.groupby("icb_ods_code", as_index=False)[cols].sum().assign(group=0),
        pd.DataFrame([d[cols].sum()]).assign(icb_ods_code=ENGLAND, group=0),
    ]
    withq = d.dropna(subset=["practice_quintile"])
    parts.append(
        withq.dropna(subset=["icb_ods_code"])
        .groupby(["icb_ods_code", "practice_quintile"], as_index=False)[cols]
        .sum()
        .rename(columns={"practice_quintile": "group"})
    )
    parts.append(
        withq.groupby("practice_quintile", as_index=False)[cols]
        .sum()
        .rename(columns={"practice_quintile": "group"})
        .assign(icb_ods_code=ENGLAND)
    )
    long = pd.concat(parts, ignore_index=True).rename(columns={"icb_ods_code": "area_code"})
    long["group"] = long["group"].astype(int)
    long["period"] = period
    return _with_values(long, m)


@sources.remembered(maxsize=1, national=True)
def _elective_long() -> pd.DataFrame:
    m = MEASURES["elective"]
    w = waiting.wlmds()
    w = w[((w["org_code"] == "ENG") & (w["org_type"] == "ALL")) | (w["org_type"] == "INTEGRATED CARE BOARD")]
    w = w.assign(area_code=w["org_code"])
    dec = w[(w["dimension"] == "imd_decile")].dropna(subset=["within_18_weeks", "total_waiting"])
    dec = dec.assign(group=dec["imd_decile"].astype(int))
    # Everyone on the list, whatever their decile: the age breakdown adds up to the whole list.
    age = (
        w[w["dimension"] == "age"]
        .groupby("area_code", as_index=False)[["within_18_weeks", "total_waiting"]]
        .sum(min_count=1)
        .assign(group=0)
    )
    long = pd.concat([age, dec[["area_code", "group", "within_18_weeks", "total_waiting"]]], ignore_index=True)
    long = long.rename(columns={"within_18_weeks": "numerator", "total_waiting": "denominator"}).dropna(
        subset=["numerator", "denominator"]
    )
    long["period"] = wlmds_period()
    return _with_values(long, m)


def wlmds_period() -> str:
    """'week ending <day> <Month> <year>', the week of the latest WLMDS edition (from the file)."""
    week = waiting.wlmds_week_ending()
    return f"week ending {week.day} {week:%B %Y}"


@sources.remembered(maxsize=1, national=True)
def _ae_u5_long() -> pd.DataFrame:
    p = ae_children.ae_under5_practices()
    p = p[~p["suppressed"]].rename(columns={"count": "numerator"})
    period = _one_period(p["period"], "A&E attendances aged 0 to 4")
    return _practice_long(
        p[["practice_code", "icb_ods_code", "numerator", "denominator"]], MEASURES["ae_u5"], _fy_label(period)
    )


def _one_period(s: pd.Series, what: str) -> str:
    values = s.dropna().unique()
    if len(values) != 1:
        raise ValueError(f"{what}: expected one period, found {sorted(map(str, values))}")
    return str(values[0])


@sources.remembered(maxsize=4, national=True)
def _prevalence_long(key: str) -> pd.DataFrame:
    prev = primary_care.qof_practice_prevalence()
    p = prev[prev["group_code"] == QOF_GROUPS[key]]
    # One published learning disability row has a register above its list size: it cannot be a
    # proportion, and it is left out (counted as a practice without a value).
    p = p[p["register"] <= p["list_size"]].rename(columns={"register": "numerator", "list_size": "denominator"})
    period = _one_period(p["period"], f"QOF {QOF_GROUPS[key]} prevalence")
    return _practice_long(
        p[["practice_code", "icb_ods_code", "numerator", "denominator"]], MEASURES[key], _fy_label(period)
    )


@sources.remembered(maxsize=1, national=True)
def _smoking_long() -> pd.DataFrame:
    s = primary_care.practice_smoking_qof()
    # The latest Fingertips release of practice rows (HEEC's appended later year is not a
    # Fingertips release and has no confidence intervals).
    gp = s[(s["area_type"] == "GPs") & ~s["heec_appended"] & ~s["suppressed"]]
    period = gp["period"].max()
    gp = gp[gp["period"] == period].rename(columns={"area_code": "practice_code", "count": "numerator"})
    gp = practices.attach_icb(gp[["practice_code", "numerator", "denominator"]])
    return _practice_long(
        gp[["practice_code", "icb_ods_code", "numerator", "denominator"]], MEASURES["smoking"], _fy_label(period)
    )


@sources.remembered(maxsize=1, national=True)
def _lipid_long() -> pd.DataFrame:
    c = cardiovascular.cvdprevent_icb_quintiles()
    c = c[c["period_end"] == c["period_end"].max()]
    c = c.assign(
        area_code=np.where(c["area_level"] == "England", ENGLAND, c["icb_ods_code"]),
        group=c["imd_quintile"].fillna(0).astype(int),
    )
    c["period"] = cvdprevent_period(_one_period(c["period"], "CVDPREVENT CVDP003CHOL"))
    # Published values and 95% limits (counts below England are rounded to 5: never recomputed).
    return c[LONG_COLUMNS].reset_index(drop=True)


def lipid_period_end() -> pd.Timestamp:
    c = cardiovascular.cvdprevent_icb_quintiles()
    return pd.Period(c["period_end"].max(), freq="M").end_time.normalize()


@sources.remembered(maxsize=1, national=True)
def _mha_long() -> pd.DataFrame:
    imd = mental_health.mha_detentions_by_imd()
    imd = imd[(imd["org_level"] == "England") | imd["icb_ods_code"].notna()]
    imd = imd.dropna(subset=["imd_decile"])
    d = mental_health.mha_detentions()
    allrow = d[
        (d["demographic"] == "All")
        & (d["measure"] == "All detentions")
        & (d["measure_subcategory"] == "All")
        & ((d["org_level"] == "England") | d["icb_ods_code"].notna())
    ]
    parts = [allrow.assign(group=0), imd.assign(group=imd["imd_decile"].astype(int))]
    x = pd.concat(
        [p[["org_level", "icb_ods_code", "group", "total_count", "crude_rate", "period"]] for p in parts],
        ignore_index=True,
    )
    x["area_code"] = np.where(x["org_level"] == "England", ENGLAND, x["icb_ods_code"])
    return _published_rates(x, "total_count", "crude_rate")


def _published_rates(x: pd.DataFrame, count: str, rate: str) -> pd.DataFrame:
    """Published counts and rates with the rate's 95% limits from its count
    (:func:`analysis.stats.rate_ci_from_count`); suppressed or zero counts get no value."""
    ok = x[count].notna() & (x[count] > 0) & x[rate].notna()
    x = x[ok].copy()
    res = stats.rate_ci_from_count(x, count, rate)
    res["numerator"] = res[count]
    res["denominator"] = np.nan  # the population behind the rate is not published with it
    return res[LONG_COLUMNS].reset_index(drop=True)


_LONG = {
    "elective": _elective_long,
    "ae_u5": _ae_u5_long,
    "lipid": _lipid_long,
    "smoking": _smoking_long,
    "mha": _mha_long,
    "copd": lambda: _prevalence_long("copd"),
    "diabetes": lambda: _prevalence_long("diabetes"),
    "ld": lambda: _prevalence_long("ld"),
}


def long_table(key: str) -> pd.DataFrame:
    """The measure ``key`` of :data:`MEASURES` for England and every ICB, overall (group 0) and by
    deprivation group (1 = most deprived). Columns: :data:`LONG_COLUMNS`."""
    if key not in _LONG:
        raise KeyError(f"{key!r} is not a deprivation measure; known: {', '.join(_LONG)}")
    return _LONG[key]().copy()


# ============================================================================= inequality


def _sii_sign(polarity: str) -> str:
    """The SII sign that matches the gap's (:data:`analysis.claims.GAP_SIGN_RULE`)."""
    return "least_minus_most" if C.normalise_polarity(polarity) == "higher_is_better" else "most_minus_least"


def _missing_reason(m: Measure, which: str) -> str:
    if m.practice_based:
        return f"none of the ICB's practices is in England's {which} deprived {m.one}"
    return f"no value is published for the {which} deprived {m.one} (a suppressed or empty count)"


#: What each deprivation measure reads (for the table cache's key; "*" = every file of the dataset).
_GEOGRAPHY = [("lookup_lsoa21_icb", "*")]
_PRACTICE = [("qof_2223", "*"), (primary_care.PRACTICE_IMD, "*")]
_INPUTS = {
    "elective": [(waiting.WLMDS_DATASET, "*")],
    "ae_u5": [(ae_children.AE_U5, "*"), *_PRACTICE],
    "copd": _PRACTICE,
    "diabetes": _PRACTICE,
    "ld": _PRACTICE,
    "smoking": [(primary_care.SMOKING, "*"), *_PRACTICE],
    "mha": [(mental_health.MHA, "*")],
    "lipid": [(cardiovascular.CVDP_ICB, "*")],
}


def _cached(key: str):
    # The SII's simulation for 43 areas takes seconds: the table is kept on disk, keyed on the
    # bytes of the files it reads and the code, like the loaders' tables.
    @cached_table(f"statutory_inequality_{key}", inputs=_INPUTS[key] + _GEOGRAPHY)
    def table() -> pd.DataFrame:
        return _inequality(key)

    return table


_CACHED = {k: _cached(k) for k in MEASURES}


@sources.remembered(maxsize=16, national=True)
def inequality(key: str) -> pd.DataFrame:
    """England and every ICB for the deprivation measure ``key``: level (everyone), the most and
    least deprived groups, the gap between them (:func:`analysis.claims.gap`; positive = worse
    for, or with no better direction higher among, the most deprived) and the slope index of
    inequality across all national groups (:func:`analysis.stats.sii`, on the gap's sign; RII as
    phe_sii gives it: fitted least / fitted most deprived), ranked among the 42 ICBs.

    Columns: area_code, area_name, period, level, level_lower, level_upper, level_rank (1 =
    highest of the 42 ICBs), most, most_lower, most_upper, least, least_lower, least_upper,
    least_group, gap, gap_lower, gap_upper, gap_code, gap_significant, gap_status (``computed``
    or why not), sii, sii_lower, sii_upper, rii, rii_lower, rii_upper, sii_status.
    """
    if key not in MEASURES:
        raise KeyError(f"{key!r} is not a deprivation measure; known: {', '.join(MEASURES)}")
    return _CACHED[key]()


def _inequality(key: str) -> pd.DataFrame:
    m = MEASURES[key]
    long = long_table(key)
    names = _names()
    rows = []
    for code, g in long.groupby("area_code", sort=False):
        g = g.set_index("group")
        r = {
            "area_code": code,
            "area_name": names.get(code, code),
            "period": g["period"].iloc[0],
            "least_group": m.least_group,
        }
        for name, grp in (("level", 0), ("most", 1), ("least", m.least_group)):
            ok = grp in g.index and pd.notna(g.at[grp, "value"])
            r[name] = g.at[grp, "value"] if ok else np.nan
            r[f"{name}_lower"] = g.at[grp, "lower_ci"] if ok else np.nan
            r[f"{name}_upper"] = g.at[grp, "upper_ci"] if ok else np.nan
        if pd.notna(r["most"]) and pd.notna(r["least"]):
            gp = C.gap(
                (r["most"], r["most_lower"], r["most_upper"]),
                (r["least"], r["least_lower"], r["least_upper"]),
                polarity=m.polarity,
            )
            r.update(
                gap=gp.value,
                gap_lower=gp.lower,
                gap_upper=gp.upper,
                gap_code=gp.claim.code,
                gap_significant=gp.claim.code != "no_clear_gap",
                gap_status="computed",
            )
        else:
            which = "most" if pd.isna(r["most"]) else "least"
            r.update(
                gap=np.nan,
                gap_lower=np.nan,
                gap_upper=np.nan,
                gap_code="",
                gap_significant=False,
                gap_status=f"not computed: {_missing_reason(m, which)}",
            )
        rows.append(r)
    out = pd.DataFrame(rows)
    out = out.merge(_sii(long, m), on="area_code", how="left")
    out["sii_status"] = out["sii_status"].fillna(_sii_missing(m))
    icb = out["area_code"] != ENGLAND
    out["level_rank"] = out.loc[icb, "level"].rank(ascending=False, method="min")
    order = [
        "area_code",
        "area_name",
        "period",
        "level",
        "level_lower",
        "level_upper",
        "level_rank",
        "most",
        "most_lower",
        "most_upper",
        "least",
        "least_lower",
        "least_upper",
        "least_group",
        "gap",
        "gap_lower",
        "gap_upper",
        "gap_code",
        "gap_significant",
        "gap_status",
        "sii",
        "sii_lower",
        "sii_upper",
        "rii",
        "rii_lower",
        "rii_upper",
        "sii_status",
    ]
    return out[order].sort_values("area_code").reset_index(drop=True)


def _sii_missing(m: Measure) -> str:
    if m.least:
        return (
            "not computed: the two least deprived deciles lost their labels in the only copy of the file, and "
            "the SII needs every decile"
        )
    return f"not computed: the SII needs a published value for every national {m.one}"


def _sii(long: pd.DataFrame, m: Measure) -> pd.DataFrame:
    """SII and RII on the national groups for each area with every group published (values
    strictly inside 0-100% for proportions, above zero for rates)."""
    cols = ["area_code", "sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper", "sii_status"]
    if m.least:  # the data lack the least deprived groups: no SII
        return pd.DataFrame(columns=cols)
    g = long[long["group"].between(1, m.n_groups)].dropna(subset=["value", "lower_ci", "upper_ci"])
    if m.kind == "proportion":
        inside = (g["lower_ci"] > 0) & (g["upper_ci"] < m.multiplier) & (g["value"] > 0) & (g["value"] < m.multiplier)
    else:
        inside = (g["lower_ci"] > 0) & (g["value"] > 0)
    complete = g[inside].groupby("area_code").filter(lambda x: len(x) == m.n_groups)
    if complete.empty:
        return pd.DataFrame(columns=cols)
    scale = m.multiplier if m.kind == "proportion" else 1.0
    work = pd.DataFrame(
        {
            "area_code": complete["area_code"],
            "group": complete["group"],
            "denominator": complete["denominator"] if complete["denominator"].notna().all() else complete["numerator"],
            "v": complete["value"] / scale,
            "lo": complete["lower_ci"] / scale,
            "hi": complete["upper_ci"] / scale,
        }
    )
    # phe_sii: proportions on the logit scale (value_type 2), rates on the log scale (1); the
    # SII in the measure's units (percentage points, or the rate's base) via the multiplier.
    res = stats.sii(
        work,
        "v",
        "denominator",
        "group",
        group_by="area_code",
        lower_cl="lo",
        upper_cl="hi",
        value_type=2 if m.kind == "proportion" else 1,
        multiplier=scale,
        rii=True,
        reps=SII_REPS,
        seed=1,
        n_quantiles=m.n_groups,
    )
    rows = []
    for r in res.itertuples():
        s = C.sii_as_gap((r.value, r.lower_ci, r.upper_ci), sign="least_minus_most", polarity=m.polarity)
        rows.append(
            {
                "area_code": r.area_code,
                "sii": s.value,
                "sii_lower": s.lower,
                "sii_upper": s.upper,
                "rii": r.rii,
                "rii_lower": r.rii_lower_ci,
                "rii_upper": r.rii_upper_ci,
                "sii_status": "computed",
            }
        )
    return pd.DataFrame(rows, columns=cols)


def groups_table(key: str, icb: geography.ICB | str) -> pd.DataFrame:
    """The ICB and England by deprivation group for measure ``key``. Columns: group (1 = most
    deprived), group_label, icb_numerator, icb_denominator, icb_value, icb_lower_ci, icb_upper_ci,
    england_value, england_lower_ci, england_upper_ci, period. Groups the data lack for the ICB
    keep a row with missing values."""
    icb = _icb(icb)
    m = MEASURES[key]
    long = long_table(key)
    idx = pd.Index(range(1, m.n_groups + 1), name="group")
    mine = long[long["area_code"] == icb.ods_code].set_index("group").reindex(idx)
    eng = long[long["area_code"] == ENGLAND].set_index("group").reindex(idx)
    out = pd.DataFrame(
        {
            "group_label": [_group_label(g, m.n_groups) for g in idx],
            "icb_numerator": mine["numerator"],
            "icb_denominator": mine["denominator"],
            "icb_value": mine["value"],
            "icb_lower_ci": mine["lower_ci"],
            "icb_upper_ci": mine["upper_ci"],
            "england_value": eng["value"],
            "england_lower_ci": eng["lower_ci"],
            "england_upper_ci": eng["upper_ci"],
        },
        index=idx,
    )
    out["period"] = long["period"].iloc[0]
    return out.reset_index()


def _group_label(g: int, n: int) -> str:
    """'1 (most deprived)', '5', '10 (least deprived)' for group ``g`` of ``n``."""
    if g == 1:
        return "1 (most deprived)"
    if g == n:
        return f"{g} (least deprived)"
    return str(g)


def deprivation_completeness(key: str, icb: geography.ICB | str) -> float:
    """Share (0-100) of the ICB's measured population (the measure's denominator) that no
    deprivation group covers: CVDPREVENT patients without a quintile, patients of practices
    without a deprivation score, WLMDS pathways without an IMD decile. Counts rounded to 5 can
    make the sum of the groups exceed the total by a little: the share is then 0."""
    icb = _icb(icb)
    if MEASURES[key].kind != "proportion" and not MEASURES[key].practice_based:
        raise ValueError(f"{key!r}: the groups of a published rate have no denominator to compare")
    long = long_table(key)
    mine = long[long["area_code"] == icb.ods_code]
    total = mine.loc[mine["group"] == 0, "denominator"].sum()
    grouped = mine.loc[mine["group"] > 0, "denominator"].sum()
    return float(max(0.0, 100 * (1 - grouped / total)))


# ============================================================================= ethnicity, age and sex

#: NHS ethnic categories (the letters WLMDS publishes) -> the Census 2021 high-level groups, so that
#: each group has its Census denominator. Chinese (R) is an "other ethnic group" in the NHS's 2001
#: categories but Asian in the Census 2021 groups: it is counted with Asian here.
NHS_ETHNIC_TO_CENSUS = {
    "A": "White",
    "B": "White",
    "C": "White",
    "D": "Mixed",
    "E": "Mixed",
    "F": "Mixed",
    "G": "Mixed",
    "H": "Asian",
    "J": "Asian",
    "K": "Asian",
    "L": "Asian",
    "R": "Asian",
    "M": "Black",
    "N": "Black",
    "P": "Black",
    "S": "Other",
}
#: The MHA statistics' six broad groups -> the Census 2021 groups. They follow the NHS categories,
#: so Chinese people are in "Other Ethnic Groups" there and in "Asian" in the Census: the rates of
#: those two groups are approximate (said on the page).
MHA_ETHNIC_TO_CENSUS = {
    "Asian or Asian British": "Asian",
    "Black or Black British": "Black",
    "Mixed": "Mixed",
    "White": "White",
    "Other Ethnic Groups": "Other",
}
ETHNIC_GROUPS = ["Asian", "Black", "Mixed", "White", "Other"]
NOT_RECORDED = "Not stated or not known"


@sources.remembered(maxsize=1, national=True)
def census_ethnicity() -> pd.DataFrame:
    """Census 2021 usual residents by the five high-level ethnic groups, each ICB (ODS code) and
    England (the sum of the 42). Columns: area_code, group, residents."""
    e = census.census_ethnicity_icb()
    icb = e.groupby(["icb_ods_code", "group"], as_index=False)["n"].sum().rename(columns={"icb_ods_code": "area_code"})
    eng = e.groupby("group", as_index=False)["n"].sum().assign(area_code=ENGLAND)
    return pd.concat([icb, eng], ignore_index=True).rename(columns={"n": "residents"})


def _areas(w: pd.DataFrame, icb: geography.ICB) -> pd.DataFrame:
    """WLMDS rows of England (all providers) and the ICB (its acute trusts), with area_code."""
    w = w[
        ((w["org_code"] == "ENG") & (w["org_type"] == "ALL"))
        | ((w["org_code"] == icb.ods_code) & (w["org_type"] == "INTEGRATED CARE BOARD"))
    ]
    return w.assign(area_code=w["org_code"])


def elective_by_ethnicity(icb: geography.ICB | str) -> pd.DataFrame:
    """The waiting list (WLMDS) by Census 2021 ethnic group for the ICB's acute trusts and England:
    pathways, share of the list, % waiting under 18 weeks (Wilson 95% limits) and pathways per
    1,000 residents of the group (Census 2021; Byar 95% limits). A category whose count is
    suppressed is left out of its group (``suppressed_categories`` counts them).

    Columns: area_code, group, total_waiting, within_18_weeks, suppressed_categories, share_of_list
    (0-100, of all pathways including those with ethnicity not recorded), pct18, pct18_lower,
    pct18_upper, residents, per_1000, per_1000_lower, per_1000_upper.
    """
    icb = _icb(icb)
    w = _areas(waiting.wlmds("ethnicity"), icb)
    code = w["category"].str.extract(r"^([A-Z0-9]+):")[0]
    w = w.assign(group=code.map(NHS_ETHNIC_TO_CENSUS).fillna(NOT_RECORDED))
    unknown = ~code.isin(list(NHS_ETHNIC_TO_CENSUS) + ["Z", "99"])
    if unknown.any():
        raise ValueError(f"WLMDS ethnicity: unexpected categories {sorted(w.loc[unknown, 'category'].unique())}")
    ok = w["total_waiting"].notna() & w["within_18_weeks"].notna()
    g = w[ok].groupby(["area_code", "group"], as_index=False)[["total_waiting", "within_18_weeks"]].sum()
    g = g.merge(
        w[~ok].groupby(["area_code", "group"]).size().rename("suppressed_categories").reset_index(),
        on=["area_code", "group"],
        how="left",
    )
    g["suppressed_categories"] = g["suppressed_categories"].fillna(0).astype(int)
    g["share_of_list"] = 100 * g["total_waiting"] / g.groupby("area_code")["total_waiting"].transform("sum")
    p = stats.proportion(g, "within_18_weeks", "total_waiting")
    g["pct18"], g["pct18_lower"], g["pct18_upper"] = p["value"], p["lower_ci"], p["upper_ci"]
    g = g.merge(census_ethnicity(), on=["area_code", "group"], how="left")
    known = g["residents"].notna()
    r = stats.crude_rate(g[known], "total_waiting", "residents", multiplier=1000)
    for c_out, c_in in (("per_1000", "value"), ("per_1000_lower", "lower_ci"), ("per_1000_upper", "upper_ci")):
        g.loc[known, c_out] = r[c_in].to_numpy()
    return _order_groups(g)


def _order_groups(g: pd.DataFrame) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(ETHNIC_GROUPS + [NOT_RECORDED])}
    area = g["area_code"].eq(ENGLAND).astype(int)
    return (
        g.assign(_a=area, _o=g["group"].map(order))
        .sort_values(["_a", "_o"])
        .drop(columns=["_a", "_o"])
        .reset_index(drop=True)
    )


def mha_by_ethnicity(icb: geography.ICB | str) -> pd.DataFrame:
    """Mental Health Act detentions by ethnic group, the ICB and England: detentions, share of all
    detentions and detentions per 100,000 residents of the group with 95% limits.

    Where the MHA groups match the Census 2021 groups (Black, Mixed, White) the rate uses the
    Census 2021 residents of the group (Byar's limits). The MHA statistics count Chinese people
    among "Other Ethnic Groups" (the NHS categories) while the Census counts them as Asian, so
    for Asian and Other the published crude rate is shown (limits from its count,
    :func:`analysis.stats.rate_ci_from_count`), and ``rate_basis`` says which.

    Columns: area_code, group, detentions, share (0-100 of all the area's detentions), residents,
    rate, rate_lower, rate_upper, rate_basis, published_rate, period.
    """
    icb = _icb(icb)
    e = mental_health.mha_detentions_by_ethnicity()
    e = e[
        (e["measure_subcategory"] == "All")
        & e["broad_group"]
        & ((e["org_level"] == "England") | (e["icb_ods_code"] == icb.ods_code))
    ]
    e = e.assign(
        area_code=np.where(e["org_level"] == "England", ENGLAND, e["icb_ods_code"]),
        group=e["ethnic_group"].map(MHA_ETHNIC_TO_CENSUS).fillna(NOT_RECORDED),
    )
    out = e.rename(columns={"total_count": "detentions", "crude_rate": "published_rate"})[
        ["area_code", "group", "detentions", "published_rate", "period"]
    ].reset_index(drop=True)
    # Share of all the area's detentions (the published total, not the sum of rounded groups).
    out["share"] = 100 * out["detentions"] / out["area_code"].map(level("mha").set_index("area_code")["numerator"])
    out = out.merge(census_ethnicity(), on=["area_code", "group"], how="left")
    counted = out["detentions"].notna() & (out["detentions"] > 0)
    census_based = counted & out["group"].isin(MHA_CENSUS_MATCH) & out["residents"].notna()
    published = counted & out["group"].isin(set(ETHNIC_GROUPS) - MHA_CENSUS_MATCH) & out["published_rate"].notna()
    out["rate_basis"] = np.select(
        [census_based, published],
        ["Census 2021 residents of the group", "as published (groups differ from the Census's)"],
        "",
    )
    if census_based.any():
        r = stats.crude_rate(out[census_based], "detentions", "residents", multiplier=100_000)
        for c_out, c_in in (("rate", "value"), ("rate_lower", "lower_ci"), ("rate_upper", "upper_ci")):
            out.loc[census_based, c_out] = r[c_in].to_numpy()
    if published.any():
        r = stats.rate_ci_from_count(out[published], "detentions", "published_rate")
        for c_out, c_in in (("rate", "value"), ("rate_lower", "lower_ci"), ("rate_upper", "upper_ci")):
            out.loc[published, c_out] = r[c_in].to_numpy()
    cols = [
        "area_code",
        "group",
        "detentions",
        "share",
        "residents",
        "rate",
        "rate_lower",
        "rate_upper",
        "rate_basis",
        "published_rate",
        "period",
    ]
    return _order_groups(out.reindex(columns=cols))


#: MHA groups whose members are the Census 2021 group's (see :func:`mha_by_ethnicity`).
MHA_CENSUS_MATCH = {"Black", "Mixed", "White"}


@dataclass(frozen=True)
class EthnicGap:
    """The ethnic group furthest from the White group on one measure, and the comparison."""

    group: str
    value: float
    lower: float
    upper: float
    white: float
    white_lower: float
    white_upper: float
    claim: C.Claim  # higher / lower / similar than the White group


def ethnicity_gap(table: pd.DataFrame, area_code: str, value: str, lower: str, upper: str) -> EthnicGap | None:
    """Of the groups other than White with a value, the one furthest from the White group, compared
    with it (:func:`analysis.claims.compare`: the MOVER interval of the difference). None when the
    White group or every other group lacks a value."""
    t = table[(table["area_code"] == area_code) & table[value].notna() & table["group"].isin(ETHNIC_GROUPS)]
    t = t.set_index("group")
    if "White" not in t.index or len(t) < 2:
        return None
    w = t.loc["White"]
    others = t.drop(index="White")
    far = (others[value] - w[value]).abs().idxmax()
    o = others.loc[far]
    claim = C.compare((o[value], o[lower], o[upper]), (w[value], w[lower], w[upper]), comparator_name="the White group")
    return EthnicGap(
        far, float(o[value]), float(o[lower]), float(o[upper]), float(w[value]), float(w[lower]), float(w[upper]), claim
    )


def elective_by_age_sex(icb: geography.ICB | str) -> pd.DataFrame:
    """The waiting list (WLMDS) by age band and sex, the ICB's acute trusts and England: pathways
    and % waiting under 18 weeks with Wilson 95% limits. Columns: area_code, breakdown (Age, Sex),
    group, total_waiting, within_18_weeks, pct18, pct18_lower, pct18_upper."""
    icb = _icb(icb)
    w = waiting.wlmds()
    w = _areas(w[w["dimension"].isin(["age", "sex"])], icb).dropna(subset=["total_waiting", "within_18_weeks"])
    p = stats.proportion(w, "within_18_weeks", "total_waiting")
    out = pd.DataFrame(
        {
            "area_code": w["area_code"],
            "breakdown": w["dimension"].map({"age": "Age", "sex": "Sex"}),
            "group": w["category"],
            "total_waiting": w["total_waiting"],
            "within_18_weeks": w["within_18_weeks"],
            "pct18": p["value"],
            "pct18_lower": p["lower_ci"],
            "pct18_upper": p["upper_ci"],
        }
    )
    return out.reset_index(drop=True)


#: The MHA statistics' age bands in order, and the gender groups the page shows.
MHA_AGES = ["15 and under", "16 to 17", "18 to 34", "35 to 49", "50 to 64", "65 and over"]
MHA_SEXES = ["Female", "Male"]


def mha_by_age_sex(icb: geography.ICB | str) -> pd.DataFrame:
    """Mental Health Act detentions by age band and gender, the ICB and England: published counts
    and crude rates per 100,000, with 95% limits from the count
    (:func:`analysis.stats.rate_ci_from_count`). Bands with a suppressed count, or whose label was
    damaged in the only copy of the file (England's "15 and under"), have no value.

    Columns: area_code, breakdown (Age, Sex), group, detentions, rate, rate_lower, rate_upper,
    period."""
    icb = _icb(icb)
    d = mental_health.mha_detentions()
    d = d[
        (d["measure"] == "All detentions")
        & (d["measure_subcategory"] == "All")
        & d["demographic"].isin(["Age", "Gender"])
        & ((d["org_level"] == "England") | (d["icb_ods_code"] == icb.ods_code))
    ]
    d = d.assign(area_code=np.where(d["org_level"] == "England", ENGLAND, d["icb_ods_code"]))
    rows = []
    period = d["period"].iloc[0]
    for area in (icb.ods_code, ENGLAND):
        for breakdown, demographic, groups in (("Age", "Age", MHA_AGES), ("Sex", "Gender", MHA_SEXES)):
            part = d[(d["area_code"] == area) & (d["demographic"] == demographic)].set_index("breakdown")
            for g in groups:
                r = part.loc[g] if g in part.index else None
                rows.append(
                    {
                        "area_code": area,
                        "breakdown": breakdown,
                        "group": g,
                        "detentions": np.nan if r is None else r["total_count"],
                        "published_rate": np.nan if r is None else r["crude_rate"],
                        "period": period,
                    }
                )
    out = pd.DataFrame(rows)
    ok = out["detentions"].notna() & (out["detentions"] > 0) & out["published_rate"].notna()
    res = stats.rate_ci_from_count(out[ok], "detentions", "published_rate")
    for c_out, c_in in (("rate", "value"), ("rate_lower", "lower_ci"), ("rate_upper", "upper_ci")):
        out.loc[ok, c_out] = res[c_in].to_numpy()
    return out[["area_code", "breakdown", "group", "detentions", "rate", "rate_lower", "rate_upper", "period"]]


# ============================================================================= completeness


def completeness(icb: geography.ICB | str) -> dict[str, float]:
    """How complete the recording is, shares 0-100 (publishers round counts to 5, so a share of a
    fraction of a percent is approximate), for the ICB and, with the suffix ``_eng``, England:

    * ``elective_ethnicity`` (WLMDS pathways with ethnicity not stated or not known),
      ``elective_imd`` (pathways without an IMD decile: the whole list minus the deciles' sum),
      ``elective_sex`` (pathways recorded as neither female nor male, the same way);
    * ``mha_ethnicity`` (detentions with ethnicity unknown), ``mha_imd`` (decile not known);
    * ICB only: ``lipid_imd`` (CVDPREVENT patients without a quintile) and, for each
      practice-based measure, ``<key>_imd`` (registered patients of practices without a
      deprivation score).
    """
    icb = _icb(icb)
    out: dict[str, float] = {}
    eth = elective_by_ethnicity(icb)
    mha = mha_by_ethnicity(icb)
    w = _areas(waiting.wlmds(), icb)
    imd = mental_health.mha_detentions_by_imd()
    for area, suffix in ((icb.ods_code, ""), (ENGLAND, "_eng")):
        e = eth[eth["area_code"] == area]
        out[f"elective_ethnicity{suffix}"] = float(e.loc[e["group"] == NOT_RECORDED, "share_of_list"].sum())
        mine = w[w["area_code"] == area]
        total = mine.loc[mine["dimension"] == "age", "total_waiting"].sum()
        for key, dim in (("elective_imd", "imd_decile"), ("elective_sex", "sex")):
            share = 100 * (1 - mine.loc[mine["dimension"] == dim, "total_waiting"].sum() / total)
            out[f"{key}{suffix}"] = max(0.0, float(share))
        m = mha[mha["area_code"] == area]
        out[f"mha_ethnicity{suffix}"] = float(m.loc[m["group"] == NOT_RECORDED, "share"].sum())
        rows = imd[(imd["org_level"] == "England") if area == ENGLAND else (imd["icb_ods_code"] == area)]
        all_det = level("mha").set_index("area_code").loc[area, "numerator"]
        out[f"mha_imd{suffix}"] = float(100 * rows.loc[rows["imd_decile"].isna(), "total_count"].sum() / all_det)
    for key in ("lipid", *[k for k, v in MEASURES.items() if v.practice_based]):
        out[f"{key}_imd"] = deprivation_completeness(key, icb)
    return out


# ============================================================================= levels: ICB against England

LEVEL_COLUMNS = [
    "area_code",
    "area_name",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "rank",
    "period",
    "period_end",
    "frequency",
]


def _qof_level(key: str) -> pd.DataFrame:
    """A QOF 2024-25 measure (indicators pooled) for England and the 42 ICBs, with everyone on
    the register in the denominator (personalised care adjustments counted as not achieved, as
    NHS England states its ambitions and CVDPREVENT reports)."""
    q = primary_care.qof_icb()
    q = q[q["indicator_code"].isin(QOF_CODES[key])]
    g = (
        q.groupby("org_code", as_index=False)[["numerator", "denominator_incl_pcas"]]
        .sum()
        .rename(columns={"org_code": "area_code", "denominator_incl_pcas": "denominator"})
    )
    period = _one_period(q["period"], f"QOF {key}")
    return g.assign(period=period, period_end=financial_year_end(period), frequency="annual")


def _ld_register_level() -> pd.DataFrame:
    p = primary_care.qof_icb_prevalence()
    p = p[p["group_code"] == "LD"].rename(
        columns={"org_code": "area_code", "register": "numerator", "list_size": "denominator"}
    )
    period = _one_period(p["period"], "QOF LD register")
    return p[["area_code", "numerator", "denominator"]].assign(
        period=period, period_end=financial_year_end(period), frequency="annual"
    )


def _smoking_delivery_level() -> pd.DataFrame:
    m = clinical.msds_proportions(["CQIMSmokingDelivery"])
    m = m.dropna(subset=["numerator", "denominator"])
    m = m[m["denominator"] > 0]
    month = pd.Timestamp(_one_period(m["period_start"], "MSDS smoking at delivery"))
    return pd.DataFrame(
        {
            "area_code": np.where(m["org_level"] == "National", ENGLAND, m["org_code"]),
            "numerator": m["numerator"],
            "denominator": m["denominator"],
            "period": f"{month:%B %Y}",
            "period_end": month + pd.offsets.MonthEnd(0),
            "frequency": "monthly",
        }
    )


def pcv_areas() -> pd.DataFrame:
    """COVER: the pneumococcal booster by 24 months (``24m_PCV_Boo``) for each COVER area (UTLA) in
    the latest financial year, the quarters with published numbers pooled. Columns: utla_ods_code,
    utla_name, numerator, denominator, quarters (how many were pooled), coverage (0-100),
    financial_year."""
    c = immunisation.cover_utla()
    c = c[c["item"] == "24m_PCV_Boo"]
    fy = c["financial_year"].max()
    c = c[(c["financial_year"] == fy) & c["numerator"].notna() & c["denominator"].notna()]
    g = c.groupby(["utla_ods_code", "utla_name"], as_index=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), quarters=("quarter", "nunique")
    )
    g["coverage"] = 100 * g["numerator"] / g["denominator"]
    g["financial_year"] = fy
    return g


def pcv_overlap(icb: geography.ICB | str) -> pd.DataFrame:
    """The COVER areas (upper-tier local authorities) the ICB's residents live in, and how each is
    apportioned to the ICB estimate: each area's counts are weighted by the share of its children
    aged 0-15 (Census 2021) who live in the ICB, i.e. coverage is taken to be the same across the
    area. Columns: utla_ods_code, utla_name, share_of_icb (0-100 of the ICB's residents),
    share_of_area_children (0-100 of the area's children living in the ICB), coverage, quarters,
    numerator, denominator, financial_year."""
    icb = _icb(icb)
    o = _pcv_weights()
    o = o[o["icb_ods_code"] == icb.ods_code]
    a = pcv_areas()
    out = o.merge(a.drop(columns="utla_name"), on="utla_ods_code", how="left")
    return pd.DataFrame(
        {
            "utla_ods_code": out["utla_ods_code"],
            "utla_name": out["utla_name"].str.strip(),
            "share_of_icb": 100 * out["share_of_icb"],
            "share_of_area_children": 100 * out["weight"],
            "coverage": out["coverage"],
            "quarters": out["quarters"],
            "numerator": out["numerator"],
            "denominator": out["denominator"],
            "financial_year": out["financial_year"],
        }
    )


@sources.remembered(maxsize=1, national=True)
def _pcv_weights() -> pd.DataFrame:
    o = immunisation.cover_icb_overlap()
    area_children = o.groupby("utla_ods_code")["population_0_15"].transform("sum")
    return o.assign(weight=o["population_0_15"] / area_children)


def _pcv_level() -> pd.DataFrame:
    a = pcv_areas()
    w = _pcv_weights().merge(a[["utla_ods_code", "numerator", "denominator"]], on="utla_ods_code", how="inner")
    w = w.assign(numerator=w["numerator"] * w["weight"], denominator=w["denominator"] * w["weight"])
    icb = (
        w.groupby("icb_ods_code", as_index=False)[["numerator", "denominator"]]
        .sum()
        .rename(columns={"icb_ods_code": "area_code"})
    )
    eng = pd.DataFrame(
        {"area_code": [ENGLAND], "numerator": [a["numerator"].sum()], "denominator": [a["denominator"].sum()]}
    )
    fy = a["financial_year"].iloc[0]
    return pd.concat([icb, eng], ignore_index=True).assign(
        period=fy, period_end=financial_year_end(fy), frequency="quarterly"
    )


def _ae_4h_level() -> pd.DataFrame:
    from ..load import urgent_care

    prov = urgent_care.ae_monthly_providers()
    month = prov["month"].max()
    prov = prov[prov["month"] == month].merge(
        urgent_care.ae_provider_locations()[["org_code", "icb_code"]], on="org_code", how="left"
    )
    prov = prov.assign(within=prov["attendances"] - prov["over_4h"])
    icb = prov.dropna(subset=["icb_code"]).groupby("icb_code", as_index=False)[["within", "attendances"]].sum()
    icb = icb.rename(columns={"icb_code": "area_code"})
    eng = pd.DataFrame(
        {"area_code": [ENGLAND], "within": [prov["within"].sum()], "attendances": [prov["attendances"].sum()]}
    )
    out = pd.concat([icb, eng], ignore_index=True).rename(columns={"within": "numerator", "attendances": "denominator"})
    return out.assign(period=f"{month:%B %Y}", period_end=month + pd.offsets.MonthEnd(0), frequency="monthly")


# The monthly A&E files and the COVER workbooks take seconds to read: their ICB tables are kept on
# disk, keyed on every file behind them (the A&E providers are placed in ICBs through the WLMDS
# trust grouping, which reads the RTT file, and healthyr's attribution table).
_ae_4h_cached = cached_table(
    "statutory_ae_4h",
    inputs=[
        ("ae_monthly_official", "*"),
        ("ae_attendances", "*"),
        (waiting.WLMDS_DATASET, "*"),
        (waiting.RTT_DATASET, "*"),
        *_GEOGRAPHY,
    ],
)(_ae_4h_level)
_pcv_cached = cached_table("statutory_pcv", inputs=[(immunisation.COVER, "*"), ("population_lsoa", "*"), *_GEOGRAPHY])(
    _pcv_level
)

_LEVEL_SOURCES = {
    "ae_4h": _ae_4h_cached,
    "pcv": _pcv_cached,
    "ld_register": _ld_register_level,
    "smoking_delivery": _smoking_delivery_level,
}
#: How often each deprivation measure's data are published (for "out of date").
FREQUENCY = {
    "elective": "monthly",
    "ae_u5": "annual",
    "copd": "annual",
    "mha": "annual",
    "lipid": "quarterly",
    "diabetes": "annual",
    "ld": "annual",
    "smoking": "annual",
}


@sources.remembered(maxsize=32, national=True)
def level(key: str) -> pd.DataFrame:
    """England and the 42 ICBs for one indicator (a deprivation measure's value for everyone, or
    one of :data:`LEVELS`), with 95% limits (Wilson; Byar for rates; limits from the count for a
    published rate) and the rank among the 42 ICBs (1 = highest value).

    Columns: area_code, area_name, numerator, denominator, value, lower_ci, upper_ci, rank,
    period, period_end (Timestamp), frequency (for :func:`analysis.claims.currency`)."""
    m = measure(key)
    if key in MEASURES:
        long = long_table(key)
        out = long[long["group"] == 0].copy()
        out["period_end"] = period_end(key)
        out["frequency"] = FREQUENCY[key]
    else:
        raw = _LEVEL_SOURCES[key]() if key in _LEVEL_SOURCES else _qof_level(key)
        out = stats.proportion(raw, "numerator", "denominator", multiplier=m.multiplier)
    names = _names()
    out["area_name"] = out["area_code"].map(names)
    missing = sorted(set(names) - set(out["area_code"]))
    if missing:
        raise ValueError(f"measure {key!r}: no value for {', '.join(missing)}")
    out = out[out["area_code"].isin(names)]
    icb = out["area_code"] != ENGLAND
    out["rank"] = out.loc[icb, "value"].rank(ascending=False, method="min")
    return out[LEVEL_COLUMNS].sort_values("area_code").reset_index(drop=True)


def period_end(key: str) -> pd.Timestamp:
    """The last day of the period the deprivation measure ``key`` describes (from the data)."""
    if key == "elective":
        return pd.Timestamp(waiting.wlmds_week_ending())
    if key == "lipid":
        return lipid_period_end()
    return financial_year_end(long_table(key)["period"].iloc[0])


# ============================================================================= local authorities (cancer, oral health)


def la_overlap(icb: geography.ICB | str, level_: str) -> pd.DataFrame:
    """Local authorities the ICB's neighbourhoods lie in: upper tier (``level_='utla'``) or lower
    tier (``'lad'``), on the April 2024 boundaries (LSOA 2021 lookup), plus, for data published on
    codes that no longer exist (the counties and districts replaced in 2023), the authorities of
    the 2011 lookup with such codes. Columns: code, name, share_of_icb (0-100 of the ICB's
    neighbourhoods), share_of_la (0-100 of the authority's neighbourhoods in the ICB)."""
    icb = _icb(icb)
    code, name = f"{level_}_code", f"{level_}_name"
    parts = []
    current = set(geography.lsoa_lookup(2021)[code])
    for vintage in (2021, 2011):
        lk = geography.lsoa_lookup(vintage)
        total = lk.groupby(code).size()
        n_icb = int((lk["icb_ods_code"] == icb.ods_code).sum())
        la = geography.icb_local_authorities(icb, vintage)
        g = la.groupby([code, name], as_index=False)["n_lsoas"].sum()
        if vintage == 2011:  # only codes the 2024 geography no longer has (2024 boundaries win)
            g = g[~g[code].isin(current)]
        if g.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "code": g[code],
                    "name": g[name],
                    "share_of_icb": 100 * g["n_lsoas"] / n_icb,
                    "share_of_la": 100 * g["n_lsoas"] / g[code].map(total),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).reset_index(drop=True)
    # Some OHID series publish Cornwall and the Isles of Scilly as one area (E67000002).
    both = out[out["code"].isin(CORNWALL_AND_SCILLY[1])]
    if level_ == "utla" and len(both):
        out = pd.concat(
            [
                out,
                pd.DataFrame(
                    [
                        {
                            "code": CORNWALL_AND_SCILLY[0],
                            "name": "Cornwall and the Isles of Scilly",
                            "share_of_icb": both["share_of_icb"].sum(),
                            "share_of_la": both["share_of_icb"].sum()
                            / (both["share_of_icb"] / both["share_of_la"]).sum(),
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    return out


#: The combined code some OHID series use for Cornwall (E06000052) with the Isles of Scilly (E06000053).
CORNWALL_AND_SCILLY = ("E67000002", ("E06000052", "E06000053"))


@sources.remembered(maxsize=1, national=True)
def _cancer_stage() -> pd.DataFrame:
    return clinical.cancer_stage().dropna(subset=["value"])


def cancer_stage_areas(icb: geography.ICB | str) -> pd.DataFrame:
    """Cancers diagnosed at stage 1 or 2 (% of staged cancers, Fingertips 93671) in the upper-tier
    local authorities the ICB covers, latest year with values, against England's value (the
    Fingertips rule, :func:`analysis.claims.compare`). Columns: code, name, share_of_icb,
    share_of_la, value, lower_ci, upper_ci, england, compared, year."""
    icb = _icb(icb)
    cs = _cancer_stage()
    over = la_overlap(icb, "utla")
    la = cs[cs["area_code"].isin(over["code"]) & (cs["area_code"] != "E92000001")]
    if la.empty:
        return pd.DataFrame(
            columns=[
                "code",
                "name",
                "share_of_icb",
                "share_of_la",
                "value",
                "lower_ci",
                "upper_ci",
                "england",
                "compared",
                "year",
            ]
        )
    year = la["year"].max()
    eng = cs[(cs["area_code"] == "E92000001") & (cs["year"] == year)]["value"].iloc[0]
    la = la[la["year"] == year].merge(over, left_on="area_code", right_on="code")
    out = la[["code", "name", "share_of_icb", "share_of_la", "value", "lower_ci", "upper_ci"]].copy()
    out["england"] = eng
    out["compared"] = [
        C.compare((r.value, r.lower_ci, r.upper_ci), float(eng), comparator_name="England").words
        for r in out.itertuples()
    ]
    out["year"] = year
    return out.sort_values("share_of_icb", ascending=False).reset_index(drop=True)


@sources.remembered(maxsize=1, national=True)
def _oral() -> pd.DataFrame:
    return clinical.child_oral_health()


def oral_health_areas(icb: geography.ICB | str) -> pd.DataFrame:
    """Five-year-olds with visible tooth decay (%, Fingertips 93563) in the districts and unitary
    authorities the ICB covers, in the latest survey in which any of them has a value, with
    Fingertips' own comparison with England (as published: the file has no confidence
    intervals). Columns: code, name, share_of_icb, share_of_la, value, england,
    compared_to_england, period, latest_survey (England's latest survey, which may be later when
    none of the ICB's authorities has a value in it)."""
    icb = _icb(icb)
    o = _oral()
    latest = o.loc[o["area_code"] == "E92000001", "period"].max()
    over = la_overlap(icb, "lad")
    la = o[o["area_code"].isin(over["code"]) & o["area_type"].isin(["District", "UA"])].dropna(subset=["value"])
    cols = [
        "code",
        "name",
        "share_of_icb",
        "share_of_la",
        "value",
        "england",
        "compared_to_england",
        "period",
        "latest_survey",
    ]
    if la.empty:
        return pd.DataFrame(columns=cols)
    period = la["period"].max()
    eng = o[(o["area_code"] == "E92000001") & (o["period"] == period)]["value"].iloc[0]
    la = la[la["period"] == period].merge(over, left_on="area_code", right_on="code")
    out = la[["code", "name", "share_of_icb", "share_of_la", "value", "compared_to_england"]].copy()
    out["england"] = eng
    out["period"] = _fy_label(period)
    out["latest_survey"] = _fy_label(latest)
    return out[cols].sort_values("share_of_icb", ascending=False).reset_index(drop=True)


#: OHID's survey of five-year-olds runs every two years: its data are out of date after two
#: cycles' worth of months plus the publication lag (about a year), not the annual rule's 24.
ORAL_MAX_AGE_MONTHS = 36


def la_currency(key: str, period: str, reference_date: object) -> C.Currency:
    """Currency of the local-authority data (``cancer_stage``: a calendar year, annual;
    ``oral_health``: a survey year, every two years)."""
    ref = _reference_date(reference_date)
    if key == "cancer_stage":
        return C.currency(pd.Timestamp(int(period), 12, 31), "annual", ref)
    return C.currency(financial_year_end(period), "annual", ref, max_age_months=ORAL_MAX_AGE_MONTHS)


# ============================================================================= words

_THAN = {
    "higher": "higher than",
    "lower": "lower than",
    "similar": "similar to",
    "better": "better than",
    "worse": "worse than",
}


def _estimate(row: pd.Series, prefix: str = "") -> tuple[float, float, float]:
    v = "value" if not prefix else prefix
    lo, hi = ("lower_ci", "upper_ci") if not prefix else (f"{prefix}_lower", f"{prefix}_upper")
    return float(row[v]), float(row[lo]), float(row[hi])


def vs_england(key: str, icb: geography.ICB | str) -> C.Claim:
    """The ICB against England's value (the Fingertips rule: the ICB's 95% interval against
    England's value), read through the measure's better direction where it has one: "better
    than", "worse than" or "similar to"; "higher than", "lower than" or "similar to" where it has
    none."""
    icb = _icb(icb)
    m = measure(key)
    t = level(key).set_index("area_code")
    mine, eng = t.loc[icb.ods_code], float(t.loc[ENGLAND, "value"])
    if m.polarity == "neither":
        claim = C.compare(_estimate(mine), eng, comparator_name="England")
    else:
        claim = C.judge(_estimate(mine), eng, polarity=m.polarity, comparator_name="England")
    return replace(claim, words=_THAN[claim.code])


def gap_claims(key: str, area_code: str) -> dict[str, C.Claim]:
    """The gap's words for an area (ICB ODS code or "ENG") and, when the SII was computed too, what
    the two say together: ``{"gap": Claim, "gap_and_sii": Claim}`` (empty when the gap cannot be
    computed)."""
    m = MEASURES[key]
    r = inequality(key).set_index("area_code").loc[area_code]
    if r["gap_status"] != "computed":
        return {}
    gp = C.gap(_estimate(r, "most"), _estimate(r, "least"), polarity=m.polarity)
    out = {"gap": gp.claim}
    if r["sii_status"] == "computed":
        out["gap_and_sii"] = C.gap_and_sii(gp, _estimate(r, "sii"), sign=_sii_sign(m.polarity), groups=m.groups)
    return out


def claims(icb_code: str, imd_version: int = 2019, reference_date: object = "") -> dict[str, C.Claim]:
    """Every data-dependent word the chapter writes, computed from the numbers: for each indicator
    the ICB against England (``<key>_vs_england``); for each deprivation measure the gap's words
    for the ICB and England (``<key>_gap``, ``<key>_gap_eng``) and, where the SII exists, what gap
    and SII say together (``<key>_gap_and_sii``); the ethnic group furthest from the White group
    against it (``elective_ethnicity``, ``mha_ethnicity`` and their ``_eng``); England's gaps in
    hypertension treated to target (CVDPREVENT) and in children's A&E attendances by area
    decile; each local authority's early cancer diagnosis against England.

    Keys of the gap and ethnicity words exist only where the data allow the comparison (e.g. no
    gap where none of an ICB's practices is in England's most deprived fifth). ``imd_version``
    and ``reference_date`` are accepted for the common signature: every deprivation group here is
    IMD 2019 as the publishers assign it, and no word depends on the date."""
    icb = _icb(icb_code)
    _reference_date(reference_date)
    out: dict[str, C.Claim] = {}
    for key in [*MEASURES, *LEVELS]:
        out[f"{key}_vs_england"] = vs_england(key, icb)
    for key in MEASURES:
        for area, suffix in ((icb.ods_code, ""), (ENGLAND, "_eng")):
            for name, claim in gap_claims(key, area).items():
                out[f"{key}_{name}{suffix}"] = claim
    for key, table, cols in (
        ("elective", elective_by_ethnicity(icb), ("pct18", "pct18_lower", "pct18_upper")),
        ("mha", mha_by_ethnicity(icb), ("rate", "rate_lower", "rate_upper")),
    ):
        for area, suffix in ((icb.ods_code, ""), (ENGLAND, "_eng")):
            g = ethnicity_gap(table, area, *cols)
            if g is not None:
                out[f"{key}_ethnicity{suffix}"] = g.claim
    out["hypertension_gap_eng"] = hypertension_england()["gap"].claim
    out["ae_u5_decile_gap_eng"] = ae_u5_england_deciles()["gap"].claim
    for r in cancer_stage_areas(icb).itertuples():
        out[f"cancer_{r.code.lower()}"] = C.compare(
            (r.value, r.lower_ci, r.upper_ci), float(r.england), comparator_name="England"
        )
    return out


@sources.remembered(maxsize=1, national=True)
def hypertension_england() -> dict:
    """CVDPREVENT, England by deprivation quintile: hypertension treated to the appropriate
    threshold (CVDP007HYP), the most against the least deprived quintile. Returns table (the
    five quintiles), gap (:class:`analysis.claims.Gap`) and period."""
    c = clinical.cvdprevent_quintiles()
    c = c[c["indicator_code"] == "CVDP007HYP"].sort_values("imd_quintile")
    q = c.set_index("imd_quintile")
    gap = C.gap(_estimate(q.loc[1]), _estimate(q.loc[5]), polarity="higher_is_better")
    return {
        "table": c.reset_index(drop=True),
        "gap": gap,
        "period": cvdprevent_period(_one_period(c["period"], "CVDPREVENT")),
    }


def cvdprevent_period(label: str) -> str:
    """CVDPREVENT's 'To December 2023' (a 12-month audit period) -> '12 months to December 2023'."""
    m = re.fullmatch(r"To (\w+ \d{4})", str(label).strip())
    if not m:
        raise ValueError(f"not a CVDPREVENT period such as 'To December 2023': {label!r}")
    return f"12 months to {m.group(1)}"


@sources.remembered(maxsize=1, national=True)
def ae_u5_england_deciles() -> dict:
    """Fingertips 93930, England by deprivation decile of the area of residence (county and
    unitary authority deciles, the latest geography and year): table, gap (decile 1 against 10,
    no better direction) and period."""
    e = ae_children.ae_under5_england()
    e = e[e["breakdown"].str.startswith("County & UA") & e["imd_decile"].notna()]
    period = e["period"].max()
    e = e[e["period"] == period]
    ctype = sorted(e["breakdown"].unique())[-1]  # the latest geography version (4/23 after 4/21)
    e = e[e["breakdown"] == ctype].sort_values("imd_decile")
    d = e.set_index("imd_decile")
    gap = C.gap(_estimate(d.loc[1]), _estimate(d.loc[10]), polarity="neither")
    return {"table": e.reset_index(drop=True), "gap": gap, "period": _fy_label(period)}


# ============================================================================= headline figures

#: Headline key -> (measure, column of :func:`level` or :func:`inequality`).
HEADLINES = {
    "elective_pct18": ("elective", "level"),
    "elective_gap_pp": ("elective", "gap"),
    "ae_u5_rate": ("ae_u5", "level"),
    "copd_prevalence": ("copd", "level"),
    "mha_rate": ("mha", "level"),
    "lipid_pct": ("lipid", "level"),
    "lipid_gap_pp": ("lipid", "gap"),
    "hypertension_pct": ("hypertension", "level"),
    "diabetes_prevalence": ("diabetes", "level"),
    "ld_prevalence": ("ld", "level"),
    "smoking_prevalence": ("smoking", "level"),
}


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB (cached national tables; no figures), exactly the keys
    of ``registry/headlines/statutory.yml``: elective_pct18 (% of WLMDS pathways at the ICB's acute
    trusts waiting under 18 weeks), elective_gap_pp (decile 10 minus decile 1, percentage points:
    positive = worse for the most deprived), ae_u5_rate (A&E attendances aged 0-4 per 1,000),
    copd_prevalence (%), mha_rate (detentions per 100,000), lipid_pct (% on lipid-lowering
    therapy, QRISK 20% or more), lipid_gap_pp (quintile 5 minus quintile 1), hypertension_pct
    (QOF, treated to target), diabetes_prevalence, ld_prevalence, smoking_prevalence (%). Every
    value exists for every ICB. ``imd_version`` does not change them (IMD 2019 as published)."""
    icb = _icb(icb_code)
    out = {}
    for key, (m, col) in HEADLINES.items():
        t = inequality(m) if col == "gap" else level(m)
        out[key] = float(t.set_index("area_code").loc[icb.ods_code, "value" if col == "level" else col])
    return out


def _headline_period(key: str) -> str:
    m, _ = HEADLINES[key]
    return str(level(m)["period"].iloc[0])


# ============================================================================= formatting


def value_text(key: str, value: float) -> str:
    """A value of measure ``key`` for a sentence or a table cell: '57.9%', '563 per 1,000'."""
    m = measure(key)
    if m.unit == "%":
        return fmt(value, "pct", dp=m.dp, what=key)
    return f"{fmt(value, 'rate', dp=m.dp, what=key)} {m.unit}"


def difference_text(key: str, value: float) -> str:
    """A signed difference of measure ``key``: '+4.3 percentage points', '−12.0 per 100,000'."""
    m = measure(key)
    if m.unit == "%":
        return fmt(value, "pp", dp=m.dp, signed=True, what=key)
    return f"{fmt(value, 'num', dp=m.dp, signed=True, what=key)} {m.unit}"


def _limits(key: str, lo: float, hi: float) -> str:
    dp = measure(key).dp
    return f"{fmt(lo, 'num', dp=dp)} to {fmt(hi, 'num', dp=dp)}"


def ci_text(key: str, lo: float, hi: float) -> str:
    """'95% confidence interval 2.1 to 6.5'."""
    return f"95% confidence interval {_limits(key, lo, hi)}"


def rank_text(rank: float) -> str:
    """'12th highest of the 42 ICBs'; 'the highest' and 'the lowest' at the ends."""
    r = int(rank)
    if r == 1:
        return "the highest of the 42 ICBs"
    if r == 42:
        return "the lowest of the 42 ICBs"
    return f"{ordinal(r)} highest of the 42 ICBs"


def share_text(value: float | None) -> str:
    """A completeness share: '11.1%', 'less than 0.1%'."""
    if value is None or pd.isna(value):
        return "not known"
    return "less than 0.1%" if value < 0.05 else fmt(value, "pct")


def currency(key: str, reference_date: object) -> C.Currency:
    """Is measure ``key`` out of date at the build's reference date (:func:`analysis.claims.currency`)?"""
    t = level(key)
    return C.currency(
        pd.Timestamp(t["period_end"].iloc[0]), str(t["frequency"].iloc[0]), _reference_date(reference_date)
    )


def deprivation_sentence(key: str, icb: geography.ICB | str) -> str:
    """Markdown: the ICB's most and least deprived groups, the gap with its interval and words,
    England's gap, and the SII with what gap and SII say together (or why any is missing)."""
    icb = _icb(icb)
    m = MEASURES[key]
    t = inequality(key).set_index("area_code")
    r, e = t.loc[icb.ods_code], t.loc[ENGLAND]
    words = gap_claims(key, icb.ods_code)
    eng_words = gap_claims(key, ENGLAND)
    most = f"the most deprived {m.one} ({m.groups[:-1]} 1)"
    least = (
        f"the least deprived {m.one} ({m.groups[:-1]} {m.least_group})"
        if not m.least
        else (f"{m.groups[:-1]} {m.least_group} (the least deprived {m.groups[:-1]} with a published value)")
    )
    eng = (
        f"England's gap is {difference_text(key, e['gap'])} ({ci_text(key, e['gap_lower'], e['gap_upper'])}), "
        f"{eng_words['gap'].words}."
    )
    if r["gap_status"] != "computed":
        why = str(r["gap_status"]).removeprefix("not computed: ")
        return f"The gap between {most} and {least} cannot be computed for the ICB: {esc(why)}. " + eng
    text = (
        f"In {most} the figure was {value_text(key, r['most'])}; in {least}, {value_text(key, r['least'])}: a "
        f"gap of {difference_text(key, r['gap'])} ({ci_text(key, r['gap_lower'], r['gap_upper'])}), "
        f"{words['gap'].words}. " + eng
    )
    if r["sii_status"] == "computed":
        text += f" Across all ten {m.groups}" if m.n_groups == 10 else f" Across all five {m.groups}"
        text += (
            f", the slope index of inequality is {difference_text(key, r['sii'])} "
            f"({ci_text(key, r['sii_lower'], r['sii_upper'])}; England {difference_text(key, e['sii'])}). "
            f"{words['gap_and_sii'].words}"
        )
    else:
        text += f" The slope index of inequality is {esc(str(r['sii_status']))}."
    return text


# ============================================================================= the annual report table

#: The rows of the annual report table, in the Statement's order of areas.
REPORT_ROWS = [
    "elective",
    "ae_4h",
    "ae_u5",
    "copd",
    "pcv",
    "mha",
    "smi_checks",
    "cervical",
    "cancer_stage",
    "lipid",
    "hypertension",
    "diabetes",
    "hba1c",
    "oral_health",
    "ld",
    "ld_register",
    "smoking",
    "smoking_support",
    "smoking_delivery",
]
#: Rows with no ICB figure: local authority data only.
LA_ROWS = {
    "cancer_stage": ("cancer", "Cancers diagnosed at stage 1 or 2 (local authorities)", "cancer_stage"),
    "oral_health": ("oral_health", "Five-year-olds with visible tooth decay (local authorities)", "oral"),
}

REPORT_COLUMNS = {
    "area": "Area",
    "indicator": "Indicator",
    "icb_and_england": "ICB (England)",
    "deprivation_text": "Most vs least deprived",
    "ethnicity_text": "Ethnic groups",
    "period_text": "Period; completeness",
}


def _completeness_text(key: str, comp: dict[str, float]) -> str:
    if key == "elective":
        return (
            f"ethnicity not stated or not known: {share_text(comp['elective_ethnicity'])}; no IMD decile: "
            f"{share_text(comp['elective_imd'])}"
        )
    if key == "mha":
        return (
            f"ethnicity unknown: {share_text(comp['mha_ethnicity'])}; IMD decile not known: "
            f"{share_text(comp['mha_imd'])}"
        )
    if key == "lipid":
        return f"patients without a deprivation quintile: {share_text(comp['lipid_imd'])}"
    if key in MEASURES and MEASURES[key].practice_based:
        return f"patients of practices without a deprivation score: {share_text(comp[f'{key}_imd'])}"
    return "no breakdown by deprivation, ethnicity, age or sex published"


def annual_report_table(
    icb: geography.ICB | str, reference_date: object = "", words: dict[str, C.Claim] | None = None
) -> pd.DataFrame:
    """One row per indicator of the chapter, in the Statement's order of areas: the ICB's value
    with its 95% limits, England, the ICB against England, its rank among the 42 ICBs, the gap
    between the most and least deprived groups (with limits, words and the SII), the ethnic group
    furthest from the White group where published, the period, whether it is out of date, and how
    complete the recording is; plus short text columns for the page (:data:`REPORT_COLUMNS`).
    ``words``: the chapter's :func:`claims` for this ICB and date, when the caller has them."""
    icb = _icb(icb)
    ref = _reference_date(reference_date)
    if words is None:
        words = claims(icb.ods_code, 2019, ref)
    comp = completeness(icb)
    eth = {
        "elective": ethnicity_gap(elective_by_ethnicity(icb), icb.ods_code, "pct18", "pct18_lower", "pct18_upper"),
        "mha": ethnicity_gap(mha_by_ethnicity(icb), icb.ods_code, "rate", "rate_lower", "rate_upper"),
    }
    rows = []
    for key in REPORT_ROWS:
        if key in LA_ROWS:
            rows.append(_la_row(key, icb, ref))
            continue
        m = measure(key)
        t = level(key).set_index("area_code")
        mine, e = t.loc[icb.ods_code], t.loc[ENGLAND]
        cur = currency(key, ref)
        row = {
            "area": AREAS[m.area],
            "indicator": m.label,
            "unit": m.unit,
            "icb_value": mine["value"],
            "icb_lower_ci": mine["lower_ci"],
            "icb_upper_ci": mine["upper_ci"],
            "england_value": e["value"],
            "compared_with_england": words[f"{key}_vs_england"].words,
            "rank_of_42": mine["rank"],
            "period": mine["period"],
            "out_of_date": cur.out_of_date,
            "completeness": _completeness_text(key, comp),
            "source": source_text(m.source),
        }
        row["icb_and_england"] = f"{value_text(key, mine['value'])} ({value_text(key, e['value'])})"
        row["deprivation_text"] = "No breakdown by deprivation published here"
        if key in MEASURES:
            r = inequality(key).set_index("area_code").loc[icb.ods_code]
            row.update(
                deprivation_groups=m.basis,
                most_deprived=r["most"],
                least_deprived=r["least"],
                least_deprived_group=int(r["least_group"]),
                gap=r["gap"],
                gap_lower_ci=r["gap_lower"],
                gap_upper_ci=r["gap_upper"],
                sii=r["sii"],
                sii_lower_ci=r["sii_lower"],
                sii_upper_ci=r["sii_upper"],
                gap_status=r["gap_status"],
                sii_status=r["sii_status"],
            )
            gw = gap_claims(key, icb.ods_code)
            row["gap_finding"] = gw["gap"].words if gw else ""
            row["deprivation_text"] = (
                f"{difference_text(key, r['gap'])} ({_limits(key, r['gap_lower'], r['gap_upper'])}), {gw['gap'].words}"
                if gw
                else "Not computed: " + str(r["gap_status"]).removeprefix("not computed: ")
            )
        g = eth.get(key)
        row["ethnicity_text"] = (
            "Not published"
            if key not in eth
            else "No comparison possible (counts suppressed)"
            if g is None
            else f"{g.group} {value_text(key, g.value)}, {_THAN[g.claim.code]} White {value_text(key, g.white)}"
        )
        if g is not None:
            row.update(
                ethnic_group_furthest_from_white=g.group,
                ethnic_group_value=g.value,
                white_value=g.white,
                ethnicity_finding=g.claim.words,
            )
        row["period_text"] = f"{mine['period']}{' (out of date)' if cur.out_of_date else ''}; {row['completeness']}"
        rows.append(row)
    out = pd.DataFrame(rows)
    cols = [
        "area",
        "indicator",
        "unit",
        "icb_value",
        "icb_lower_ci",
        "icb_upper_ci",
        "england_value",
        "compared_with_england",
        "rank_of_42",
        "deprivation_groups",
        "most_deprived",
        "least_deprived",
        "least_deprived_group",
        "gap",
        "gap_lower_ci",
        "gap_upper_ci",
        "gap_finding",
        "gap_status",
        "sii",
        "sii_lower_ci",
        "sii_upper_ci",
        "sii_status",
        "ethnic_group_furthest_from_white",
        "ethnic_group_value",
        "white_value",
        "ethnicity_finding",
        "period",
        "out_of_date",
        "completeness",
        "source",
        *REPORT_COLUMNS,
    ]
    return out.reindex(columns=list(dict.fromkeys(cols)))


def _la_row(key: str, icb: geography.ICB, ref: pd.Timestamp) -> dict:
    area, label, source = LA_ROWS[key]
    t = cancer_stage_areas(icb) if key == "cancer_stage" else oral_health_areas(icb)
    period = (
        str(t["year"].iloc[0]) if key == "cancer_stage" and len(t) else (str(t["period"].iloc[0]) if len(t) else "")
    )
    if len(t):
        lo, hi = t["value"].min(), t["value"].max()
        span = fmt(lo, "pct") if lo == hi else f"{fmt(lo, 'pct')} to {fmt(hi, 'pct')}"
        shown = (
            f"Not published for ICBs; {plural(len(t), 'local authority', 'local authorities')}: {span} "
            f"({fmt(t['england'].iloc[0], 'pct')})"
        )
    else:
        shown = "Not published for ICBs or for the local authorities here"
    return {
        "area": AREAS[area],
        "indicator": label,
        "unit": "%",
        "england_value": t["england"].iloc[0] if len(t) else np.nan,
        "period": period,
        "completeness": "published for local authorities only, without a breakdown",
        "source": source_text(source),
        "icb_and_england": shown,
        "deprivation_text": "No breakdown by deprivation published here",
        "ethnicity_text": "Not published",
        "out_of_date": la_currency(key, period, ref).out_of_date if period else np.nan,
        "period_text": f"{period}{' (out of date)' if period and la_currency(key, period, ref).out_of_date else ''}; "
        "published for local authorities only",
    }


# ============================================================================= the spreadsheet

#: Spreadsheet columns: table column -> (header, width, number format or None).
SHEET_COLUMNS = {
    "area": ("Area", 22, None),
    "indicator": ("Indicator", 44, None),
    "unit": ("Unit", 11, None),
    "icb_value": ("ICB", 10, "value"),
    "icb_lower_ci": ("ICB: lower 95% confidence limit", 12, "value"),
    "icb_upper_ci": ("ICB: upper 95% confidence limit", 12, "value"),
    "england_value": ("England", 10, "value"),
    "compared_with_england": ("ICB compared with England", 14, None),
    "rank_of_42": ("Rank among the 42 ICBs (1 = highest)", 12, "0"),
    "deprivation_groups": ("Deprivation groups", 36, None),
    "most_deprived": ("Most deprived group", 11, "value"),
    "least_deprived": ("Least deprived group", 11, "value"),
    "gap": (
        "Gap between most and least deprived (positive = worse for, or higher among, the most deprived)",
        16,
        "value",
    ),
    "gap_lower_ci": ("Gap: lower 95% confidence limit", 12, "value"),
    "gap_upper_ci": ("Gap: upper 95% confidence limit", 12, "value"),
    "gap_finding": ("Gap: finding", 24, None),
    "sii": ("Slope index of inequality (same sign as the gap)", 14, "value"),
    "sii_lower_ci": ("SII: lower 95% confidence limit", 12, "value"),
    "sii_upper_ci": ("SII: upper 95% confidence limit", 12, "value"),
    "ethnic_group_furthest_from_white": ("Ethnic group furthest from the White group", 14, None),
    "ethnic_group_value": ("That group", 10, "value"),
    "white_value": ("White group", 10, "value"),
    "ethnicity_finding": ("That group compared with the White group", 14, None),
    "period": ("Period", 22, None),
    "out_of_date": ("Out of date at the edition's date", 11, None),
    "completeness": ("Completeness of recording", 40, None),
    "source": ("Source", 60, None),
}


def write_spreadsheet(
    table: pd.DataFrame, path, *, title: str, notes: list[tuple[str, str]], as_of: pd.Timestamp
) -> None:
    """Write the annual report table as a formatted workbook an analyst can paste from: a table
    sheet (title, styled header, column widths, number formats by each row's decimal places,
    frozen header) and a notes sheet (definitions, sources, licences and attributions). Dated
    ``as_of`` (the book's reference date), so the same book gives the same file byte for byte."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Annual report table"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "Definitions, sources and licences: see the Notes sheet."
    header_row = 4
    cols = list(SHEET_COLUMNS)
    head_fill = PatternFill("solid", fgColor="005EB8")
    for j, col in enumerate(cols, start=1):
        header, width, _ = SHEET_COLUMNS[col]
        cell = ws.cell(row=header_row, column=j, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = width
    for i, (_, r) in enumerate(table.iterrows(), start=header_row + 1):
        dp = _row_dp(r)
        for j, col in enumerate(cols, start=1):
            v = r.get(col)
            if isinstance(v, (float, np.floating)) and np.isnan(v):
                v = None
            elif isinstance(v, (np.integer, np.floating, np.bool_)):
                v = v.item()
            cell = ws.cell(row=i, column=j, value=("yes" if v else "no") if isinstance(v, bool) else v)
            spec = SHEET_COLUMNS[col][2]
            if spec == "value" and v is not None:
                cell.number_format = "0" if dp == 0 else "0." + "0" * dp
            elif spec and v is not None:
                cell.number_format = spec
            cell.alignment = Alignment(wrap_text=spec is None, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ns = wb.create_sheet("Notes")
    ns.column_dimensions["A"].width = 28
    ns.column_dimensions["B"].width = 120
    for i, (k, v) in enumerate(notes, start=1):
        ns.cell(row=i, column=1, value=k).font = Font(bold=True)
        ns.cell(row=i, column=2, value=v).alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.creator = "Health inequalities evidence book"
    save_workbook(wb, path, as_of)


def _row_dp(r: pd.Series) -> int:
    """Decimal places of a table row: its measure's, found by the indicator label."""
    for m in [*MEASURES.values(), *LEVELS.values()]:
        if m.label == r.get("indicator"):
            return m.dp
    return 1


def spreadsheet_notes(table: pd.DataFrame, icb: geography.ICB) -> list[tuple[str, str]]:
    """The Notes sheet: what the table is, its definitions, each source and the licences."""
    notes = [
        ("ICB", icb.name),
        (
            "What this is",
            "Evidence for the areas of NHS England's Statement on information on health inequalities "
            "(section 13SA of the NHS Act 2006), from published national data, for the ICB's annual "
            f"report. Statement: {STATEMENT_URL}",
        ),
        (
            "The gap",
            C.GAP_SIGN_RULE + " Its 95% confidence interval combines the two groups' intervals (MOVER; "
            "Newcombe's method for two proportions).",
        ),
        (
            "Slope index of inequality",
            "The slope of the line fitted through every national deprivation group, "
            "weighted by its size (PHEindicatormethods phe_sii), shown on the gap's sign: "
            "the modelled difference between the most and least deprived ends.",
        ),
        ("Practice deprivation quintile", dep.PRACTICE_QUINTILE_DEFINITION),
        (
            "Confidence intervals",
            "Wilson score intervals for proportions; Byar's method (exact Poisson below 10) "
            "for rates; for a published rate without its population, the interval of its "
            "count. Counts below England are rounded to 5 by several publishers.",
        ),
        (
            "Out of date",
            "Data whose period ended more than one publication cycle plus the usual lag before the "
            "edition's date ("
            + ", ".join(f"{k} {v} months" for k, v in C.MAX_AGE_MONTHS.items() if v is not None)
            + ").",
        ),
    ]
    for src in dict.fromkeys(table["source"].dropna()):
        notes.append(("Source", str(src)))
    notes.append(("Licence", "Contains public sector information licensed under the Open Government Licence v3.0."))
    attribution = cardiovascular.attribution(cardiovascular.CVDP_ICB)
    if attribution:
        notes.append(("CVDPREVENT attribution", attribution))
    return notes


# ============================================================================= figures


def _group_ticks(m: Measure) -> list[str]:
    return [
        f"{g}\nmost\ndeprived" if g == 1 else (f"{g}\nleast\ndeprived" if g == m.n_groups else str(g))
        for g in range(1, m.n_groups + 1)
    ]


def figure_gradient(key: str, icb: geography.ICB | str):
    """The ICB (circles) and England (diamonds) in each national deprivation group, with 95%
    confidence intervals; groups with no value for the ICB are marked."""
    import matplotlib.pyplot as plt

    from .. import figures
    from ..figures import HIGHLIGHT, NHS_BLACK, NHS_DARK_GREY

    icb = _icb(icb)
    m = MEASURES[key]
    g = groups_table(key, icb)
    fig, ax = plt.subplots(figsize=(8, 4.4))
    x = g["group"].to_numpy(dtype=float)
    for offset, prefix, colour, marker, label in (
        (-0.13, "icb", HIGHLIGHT, "o", icb.short_name),
        (0.13, "england", NHS_BLACK, "D", "England"),
    ):
        v = g[f"{prefix}_value"].to_numpy(dtype=float)
        err = np.vstack(
            [v - g[f"{prefix}_lower_ci"].to_numpy(dtype=float), g[f"{prefix}_upper_ci"].to_numpy(dtype=float) - v]
        )
        ax.errorbar(
            x + offset,
            v,
            yerr=err,
            fmt=marker,
            color=colour,
            ecolor=colour,
            capsize=3,
            markersize=6,
            linewidth=1.2,
            label=f"{label} (95% confidence interval)",
        )
    lo = np.nanmin(g[["icb_lower_ci", "england_lower_ci"]].to_numpy(dtype=float))
    hi = np.nanmax(g[["icb_upper_ci", "england_upper_ci"]].to_numpy(dtype=float))
    pad = 0.08 * (hi - lo if hi > lo else max(hi, 1.0))
    ax.set_ylim(max(0.0, lo - 2 * pad), hi + pad)
    for xi, v in zip(x, g["icb_value"]):
        if pd.isna(v):
            ax.annotate(
                "no value\nfor the ICB",
                (xi - 0.13, ax.get_ylim()[0]),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=NHS_DARK_GREY,
            )
    ax.set_xticks(range(1, m.n_groups + 1), _group_ticks(m))
    ax.set_xlabel(
        f"National deprivation {m.groups[:-1]} ({'of the practice' if m.practice_based else 'of the neighbourhood'})"
    )
    ax.set_ylabel(m.unit if m.unit != "%" else "Per cent")
    if m.unit == "%":
        figures.percent_axis(ax, "y")
    else:
        figures.count_axis(ax, "y")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.3, fontsize=9)
    ax.set_title(m.label, pad=26)
    return fig


def _gap_axis_label(m: Measure) -> str:
    unit = "percentage points" if m.unit == "%" else m.unit
    side = (
        "positive = worse for the most deprived"
        if m.polarity != "neither"
        else "positive = higher among the most deprived"
    )
    return f"Gap, most vs least deprived ({unit};\n{side})"


def figure_icbs(key: str, icb: geography.ICB | str):
    """Every ICB's level against its gap between the most and least deprived groups
    (:func:`analysis.figures.level_gap_scatter`), the ICB highlighted, England's values as
    quadrant lines."""
    from .. import figures

    icb = _icb(icb)
    m = MEASURES[key]
    t = inequality(key)
    eng = t[t["area_code"] == ENGLAND].iloc[0]
    pts = t[(t["area_code"] != ENGLAND) & (t["gap_status"] == "computed")]
    unit = "%" if m.unit == "%" else ""
    return figures.level_gap_scatter(
        pts,
        level="level",
        gap="gap",
        significant="gap_significant",
        unit_column="area_code",
        highlight=icb.ods_code,
        label=icb.short_name,
        england_level=float(eng["level"]),
        england_gap=float(eng["gap"]),
        xlabel=f"ICB value (all groups together): {m.label}",
        ylabel=_gap_axis_label(m),
        title="The 42 ICBs: level against the gap between most and least deprived",
        unit=unit,
        gap_unit="",
    )


# ============================================================================= the chapter


def build(icb_code: str, imd_version: int, data_dir: str, reference_date: str = "") -> Chapter:
    """Compute every figure, table, box, word and number of the chapter for one ICB; save
    ``headline.json``; return the :class:`~analysis.report.Chapter` (the notebook shows each
    output with ``ch.show(name)`` and glues the words and numbers into its Markdown)."""
    from .. import figures

    icb = _icb(icb_code)
    v = int(imd_version)
    ref = _reference_date(reference_date)
    figures.style()
    ch = Chapter(CHAPTER, data_dir, icb=icb)
    words = claims(icb.ods_code, v, ref)
    ch.text("icb_name", icb.short_name)
    _edition_box(ch, v)
    _annual_outputs(ch, icb, ref, words)
    for key in [*MEASURES, *LEVELS]:
        _level_glue(ch, icb, key, words, ref)
    comp = completeness(icb)
    # Area by area, in the order the page shows them, so that figures and tables are numbered in
    # reading order.
    _deprivation_outputs(ch, icb, "elective", words, comp)
    _elective_outputs(ch, icb, words)
    _deprivation_outputs(ch, icb, "ae_u5", words, comp)
    _uec_outputs(ch, words)
    _deprivation_outputs(ch, icb, "copd", words, comp)
    _pcv_outputs(ch, icb)
    _deprivation_outputs(ch, icb, "mha", words, comp)
    _mha_outputs(ch, icb, words)
    _cancer_outputs(ch, icb, words, ref)
    _deprivation_outputs(ch, icb, "lipid", words, comp)
    _cvd_outputs(ch, words)
    _deprivation_outputs(ch, icb, "diabetes", words, comp)
    _oral_outputs(ch, icb, ref)
    _deprivation_outputs(ch, icb, "ld", words, comp)
    _ld_outputs(ch, icb)
    _deprivation_outputs(ch, icb, "smoking", words, comp)
    _methods_box(ch)
    for key, value in headline_figures(icb.ods_code, v).items():
        m = HEADLINES[key][0]
        ch.headline(key, value, period=_headline_period(key), source=source_text(measure(m).source))
    ch.save()
    return ch


def _record(ch: Chapter, words: dict[str, C.Claim], *keys: str) -> None:
    """Keep claims whose words are written inside a glued sentence (they exist only where the data
    allow them) on the chapter, with their numbers, for the claims audit."""
    for k in keys:
        if k in words:
            ch.claims[k] = words[k]


def _edition_box(ch: Chapter, v: int) -> None:
    other = (
        ""
        if v == 2019
        else (
            f" This edition of the book uses {dep.imd_label(v)} elsewhere; the publishers "
            "have not re-grouped these data by it."
        )
    )
    ch.box(
        "edition",
        (
            "Every deprivation group in this chapter is IMD 2019, as the publishers assign it: the deprivation decile "
            "or quintile of the patient's neighbourhood (waiting list, Mental Health Act detentions, lipid-lowering "
            "therapy), or the practice deprivation quintile of the patient's GP practice (practice data)." + other
        ),
        kind="important",
        title="Deprivation in this chapter",
    )


def _annual_outputs(ch: Chapter, icb: geography.ICB, ref: pd.Timestamp, words: dict[str, C.Claim]) -> None:
    table = annual_report_table(icb, ref, words)
    shown = [REPORT_COLUMNS[c] for c in REPORT_COLUMNS]
    ch.table(
        table.rename(columns=REPORT_COLUMNS),
        "annual_report_table",
        f"Annual report table: health inequalities evidence for {icb.short_name} from published data",
        source="see each row's source in the CSV",
        show_columns=shown,
        max_rows=len(table),
        defer=True,
        notes=(
            "ICB (England): the ICB's value with England's in brackets. Most vs least deprived: the gap "
            "with its 95% confidence interval (positive = worse for, or with no better direction higher "
            "among, the most deprived). Ethnic groups: the group furthest from the White group."
        ),
    )
    path = ch.data_dir / "annual_report_table.xlsx"
    write_spreadsheet(
        table,
        path,
        title=f"Health inequalities evidence for {icb.name}: NHS England's Statement on "
        "information on health inequalities",
        notes=spreadsheet_notes(table, icb),
        as_of=ref,
    )
    ch.downloads(
        "annual_report_downloads",
        "Download the annual report table:",
        [("annual_report_table.csv", "as CSV"), ("annual_report_table.xlsx", "as a formatted spreadsheet (XLSX)")],
    )
    ch.box(
        "how_to_read",
        (
            "**ICB against England** compares the ICB's 95% confidence interval with England's value, as OHID's "
            "Fingertips does: *better*, *worse*, *higher* or *lower* only when the whole interval lies on one side. "
            "**Rank**: 1st is the highest value of the 42 ICBs, whichever direction is better. **The gap** between "
            "the most and least deprived groups: " + C.GAP_SIGN_RULE + " **The slope index of inequality (SII)** fits "
            "one line through every national decile or quintile, weighted by its size, and gives the difference "
            "between its two ends on the same sign as the gap; it uses national groups, so ICBs can be compared. A "
            "gap or SII is *statistically significant* when its 95% confidence interval excludes zero. **Out of date**: "
            "data whose period ended more than a publication cycle and its usual lag before this edition's date."
        ),
        kind="note",
        title="How to read the figures",
    )


def _level_glue(ch: Chapter, icb: geography.ICB, key: str, words: dict[str, C.Claim], ref) -> None:
    t = level(key).set_index("area_code")
    ch.say(f"{key}_icb", value_text(key, t.loc[icb.ods_code, "value"]))
    ch.say(f"{key}_eng", value_text(key, t.loc[ENGLAND, "value"]))
    ch.claim(f"{key}_vs_england", words[f"{key}_vs_england"])
    ch.text(f"{key}_rank", rank_text(t.loc[icb.ods_code, "rank"]))
    ch.text(f"{key}_period", t.loc[icb.ods_code, "period"])
    ch.say(f"{key}_currency", esc(currency(key, ref).label))


def _fmt_cols(key: str) -> str:
    return "{:,." + str(measure(key).dp) + "f}"


def _deprivation_outputs(
    ch: Chapter, icb: geography.ICB, key: str, words: dict[str, C.Claim], comp: dict[str, float]
) -> None:
    m = MEASURES[key]
    _record(ch, words, f"{key}_gap", f"{key}_gap_and_sii", f"{key}_gap_eng", f"{key}_gap_and_sii_eng")
    ch.say(f"{key}_deprivation", deprivation_sentence(key, icb))
    ch.say(f"{key}_completeness", completeness_sentence(key, comp))
    rows = _groups_rows(key, icb)
    ch.table(
        rows,
        f"{key}_groups",
        f"{m.label}: {icb.short_name} and England by group ({rows['Period'].iloc[0]})",
        source=source_text(m.source),
        defer=True,
        max_rows=len(rows),
        show_columns=["Breakdown", "Group", "ICB", "ICB 95% confidence interval", "England", "ICB count"],
        formats={"ICB": _fmt_cols(key), "England": _fmt_cols(key), "ICB count": "{:,.0f}"},
        notes=f"Values in {'per cent' if m.unit == '%' else m.unit}; ICB count: {m.counts}. Deprivation groups: "
        f"{m.basis}. A dash: no published value (suppressed, or no one in the group).",
    )
    g = groups_table(key, icb)
    r = inequality(key).set_index("area_code").loc[icb.ods_code]
    alt_gap = (
        f"a gap of {difference_text(key, r['gap'])}, {words[f'{key}_gap'].words}"
        if f"{key}_gap" in words
        else "no gap can be computed for the ICB"
    )
    ch.figure(
        figure_gradient(key, icb),
        f"{key}_gradient",
        data=g,
        defer=True,
        source=source_text(m.source),
        alt=(
            f"Dot chart of {m.label.lower()} in {icb.short_name} and England by national deprivation "
            f"{m.groups[:-1]}, with 95% confidence intervals: "
            + "; ".join(
                f"{m.groups[:-1]} {int(x.group)} "
                + ("no value" if pd.isna(x.icb_value) else value_text(key, x.icb_value))
                for x in g.itertuples()
            )
            + f". Between the most and least deprived there is {alt_gap}."
        ),
        caption=(
            f"{m.label} by national deprivation {m.groups[:-1]} (1 = most deprived), {g['period'].iloc[0]}: "
            f"{icb.short_name} (circles) and England (diamonds), with 95% confidence intervals. Groups: "
            f"{m.basis}."
            + (" Deciles 9 and 10 lost their labels in the only copy of the file and are not shown." if m.least else "")
        ),
    )
    t = inequality(key)
    pts = t[(t["area_code"] != ENGLAND) & (t["gap_status"] == "computed")]
    left_out = t[(t["area_code"] != ENGLAND) & (t["gap_status"] != "computed")]
    where = (
        ""
        if icb.ods_code in set(pts["area_code"])
        else f" {icb.short_name} is not shown: {str(r['gap_status']).removeprefix('not computed: ')}."
    )
    missing = (
        ""
        if left_out.empty
        else (f" Not shown ({plural(len(left_out), 'ICB')} with no gap): " + ", ".join(left_out["area_name"]) + ".")
    )
    ch.figure(
        figure_icbs(key, icb),
        f"{key}_icbs",
        data=t,
        defer=True,
        source=source_text(m.source),
        alt=(
            f"Scatter chart of the {len(pts)} ICBs with a gap: each ICB's {m.label.lower()} against its gap "
            f"between the most and least deprived, with England's values as dashed lines."
            + (
                f" {icb.short_name} is marked: {value_text(key, r['level'])} with a gap of "
                f"{difference_text(key, r['gap'])}."
                if not where
                else where
            )
        ),
        caption=(
            f"{m.label}: each ICB's value (all groups together) against its gap between the most and "
            f"least deprived {m.groups}, {t['period'].iloc[0]}. Filled markers: the gap is statistically "
            "significant; hollow: it is not. Dashed lines: England's value and gap, which divide the "
            f"chart into four quadrants.{where}{missing}"
        ),
    )


def _groups_rows(key: str, icb: geography.ICB) -> pd.DataFrame:
    """The rows of a measure's table by group: deprivation groups, then (for the waiting list and
    the Mental Health Act) ethnic group, age and sex."""
    m = MEASURES[key]
    g = groups_table(key, icb)
    label = f"Deprivation {m.groups[:-1]}"
    rows = [
        {
            "Breakdown": label,
            "Group": x.group_label,
            "value": x.icb_value,
            "lower": x.icb_lower_ci,
            "upper": x.icb_upper_ci,
            "England": x.england_value,
            "ICB count": x.icb_numerator,
            "ICB denominator": x.icb_denominator,
        }
        for x in g.itertuples()
    ]
    if key == "elective":
        e = elective_by_ethnicity(icb)
        a = elective_by_age_sex(icb)
        for tab, breakdown_col, v, lo, hi, n in (
            (e, None, "pct18", "pct18_lower", "pct18_upper", "total_waiting"),
            (a, "breakdown", "pct18", "pct18_lower", "pct18_upper", "total_waiting"),
        ):
            rows += _demographic_rows(tab, icb, breakdown_col, v, lo, hi, n, count_is="within_18_weeks")
    if key == "mha":
        e = mha_by_ethnicity(icb)
        a = mha_by_age_sex(icb)
        rows += _demographic_rows(e, icb, None, "rate", "rate_lower", "rate_upper", "detentions")
        rows += _demographic_rows(a, icb, "breakdown", "rate", "rate_lower", "rate_upper", "detentions")
    out = pd.DataFrame(rows)
    out["ICB"] = out["value"]
    out["ICB 95% confidence interval"] = [
        "–" if pd.isna(lo) else _limits(key, lo, hi) for lo, hi in zip(out["lower"], out["upper"])
    ]
    out["Period"] = g["period"].iloc[0]
    return out[
        [
            "Breakdown",
            "Group",
            "ICB",
            "ICB 95% confidence interval",
            "England",
            "ICB count",
            "ICB denominator",
            "lower",
            "upper",
            "Period",
        ]
    ].rename(columns={"lower": "ICB lower 95% limit", "upper": "ICB upper 95% limit"})


def _demographic_rows(
    tab: pd.DataFrame,
    icb: geography.ICB,
    breakdown_col: str | None,
    v: str,
    lo: str,
    hi: str,
    n: str,
    count_is: str | None = None,
) -> list[dict]:
    mine = tab[tab["area_code"] == icb.ods_code].set_index(
        ["group"] if breakdown_col is None else [breakdown_col, "group"]
    )
    eng = tab[tab["area_code"] == ENGLAND].set_index(mine.index.names)
    out = []
    for idx, r in mine.iterrows():
        e = eng.loc[idx] if idx in eng.index else None
        out.append(
            {
                "Breakdown": "Ethnic group" if breakdown_col is None else idx[0],
                "Group": idx if breakdown_col is None else idx[1],
                "value": r[v],
                "lower": r[lo],
                "upper": r[hi],
                "England": np.nan if e is None else e[v],
                "ICB count": r[count_is] if count_is else r[n],
                "ICB denominator": r[n] if count_is else np.nan,
            }
        )
    return out


def completeness_sentence(key: str, comp: dict[str, float]) -> str:
    """Markdown: how complete the recording behind measure ``key`` is, with England where known."""
    if key == "elective":
        return (
            f"Ethnicity was not stated or not known for {share_text(comp['elective_ethnicity'])} of the pathways "
            f"at the ICB's trusts (England {share_text(comp['elective_ethnicity_eng'])}); "
            f"{share_text(comp['elective_imd'])} had no IMD decile (England {share_text(comp['elective_imd_eng'])}); "
            f"and {share_text(comp['elective_sex'])} were not counted as female or male in the published figures "
            f"(England {share_text(comp['elective_sex_eng'])})."
        )
    if key == "mha":
        return (
            f"Ethnicity was unknown for {share_text(comp['mha_ethnicity'])} of the ICB's detentions (England "
            f"{share_text(comp['mha_ethnicity_eng'])}), and the deprivation decile was not known for "
            f"{share_text(comp['mha_imd'])} (England {share_text(comp['mha_imd_eng'])})."
        )
    if key == "lipid":
        return (
            f"CVDPREVENT could not assign a deprivation quintile to {share_text(comp['lipid_imd'])} of the ICB's "
            "patients in this group."
        )
    return (
        f"Patients of practices without a published deprivation score: {share_text(comp[f'{key}_imd'])} of the "
        "ICB's registered patients in this measure."
    )


def _words_vs(claim: C.Claim) -> str:
    """The comparison in words, with what the interval says: 'lower than ... (the 95% confidence
    interval of the difference excludes zero)'."""
    where = "includes" if claim.code == "similar" else "excludes"
    return _THAN[claim.code], f"the 95% confidence interval of the difference {where} zero"


def _ethnicity_sentence(
    key: str, table: pd.DataFrame, icb: geography.ICB, cols: tuple[str, str, str], what: str
) -> str:
    parts = []
    for area, name in ((icb.ods_code, "At the ICB"), (ENGLAND, "In England")):
        g = ethnicity_gap(table, area, *cols)
        if g is None:
            parts.append(f"{name}, no ethnic group can be compared with the White group: their counts are suppressed.")
            continue
        than, why = _words_vs(g.claim)
        parts.append(
            f"{name}, of the five ethnic groups, {g.group} was furthest from the White group: "
            f"{value_text(key, g.value)}{' ' + what if what else ''}, {than} the White group's "
            f"{value_text(key, g.white)} "
            f"({why})."
        )
    return " ".join(parts)


def _elective_outputs(ch: Chapter, icb: geography.ICB, words: dict[str, C.Claim]) -> None:
    _record(ch, words, "elective_ethnicity", "elective_ethnicity_eng")
    e = elective_by_ethnicity(icb)
    ch.say(
        "elective_ethnicity_sentence",
        _ethnicity_sentence(
            "elective", e, icb, ("pct18", "pct18_lower", "pct18_upper"), "of its pathways had waited under 18 weeks"
        ),
    )
    a = elective_by_age_sex(icb)
    mine = a[a["area_code"] == icb.ods_code]
    eng = a[a["area_code"] == ENGLAND].set_index(["breakdown", "group"])["pct18"]
    ch.say(
        "elective_age_sex_sentence",
        "; ".join(
            f"{esc(str(r.group).lower())}, {value_text('elective', r.pct18)} (England "
            f"{value_text('elective', eng.loc[(r.breakdown, r.group)])})"
            for r in mine.itertuples()
        ),
    )
    mine_e = e[e["area_code"] == icb.ods_code].set_index("group")
    eng_e = e[e["area_code"] == ENGLAND].set_index("group")
    rows = []
    for grp in ETHNIC_GROUPS + [NOT_RECORDED]:
        r = mine_e.loc[grp] if grp in mine_e.index else None
        rows.append(
            {
                "Ethnic group": grp,
                "ICB pathways": np.nan if r is None else r["total_waiting"],
                "Share of the ICB's list (%)": np.nan if r is None else r["share_of_list"],
                "ICB per 1,000 residents": np.nan if r is None else r["per_1000"],
                "95% confidence interval": "–"
                if r is None or pd.isna(r["per_1000"])
                else f"{fmt(r['per_1000_lower'], 'num')} to {fmt(r['per_1000_upper'], 'num')}",
                "England per 1,000 residents": eng_e.loc[grp, "per_1000"] if grp in eng_e.index else np.nan,
                "ICB residents (Census 2021)": np.nan if r is None else r["residents"],
                "Categories with suppressed counts": np.nan if r is None else r["suppressed_categories"],
            }
        )
    ch.table(
        pd.DataFrame(rows),
        "elective_ethnicity_rates",
        f"Waiting list per 1,000 residents by ethnic group, {icb.short_name}'s acute trusts and England "
        f"({wlmds_period()})",
        source=source_text("wlmds") + "; " + source_text("census"),
        defer=True,
        show_columns=[
            "Ethnic group",
            "ICB pathways",
            "Share of the ICB's list (%)",
            "ICB per 1,000 residents",
            "95% confidence interval",
            "England per 1,000 residents",
        ],
        formats={
            "ICB pathways": "{:,.0f}",
            "Share of the ICB's list (%)": "{:.1f}",
            "ICB per 1,000 residents": "{:,.1f}",
            "England per 1,000 residents": "{:,.1f}",
            "ICB residents (Census 2021)": "{:,.0f}",
        },
        notes=(
            "Pathways per 1,000 residents of each Census 2021 ethnic group. The ICB's figures count the "
            "patients of its acute trusts, wherever they live, against the ICB's residents: approximate. "
            "Chinese (an 'other ethnic group' in the NHS categories) is counted with Asian, as in the "
            "Census 2021 groups."
        ),
    )


def _uec_outputs(ch: Chapter, words: dict[str, C.Claim]) -> None:
    d = ae_u5_england_deciles()
    _record(ch, words, "ae_u5_decile_gap_eng")
    t = d["table"].set_index("imd_decile")
    gp = d["gap"]
    ch.say(
        "ae_u5_deciles_sentence",
        (
            f"Nationally, by the deprivation decile of the county or unitary authority where children live, the rate "
            f"in {d['period']} was {value_text('ae_u5', t.loc[1, 'value'])} in the most deprived tenth of areas and "
            f"{value_text('ae_u5', t.loc[10, 'value'])} in the least deprived: a difference of "
            f"{difference_text('ae_u5', gp.value)} ({ci_text('ae_u5', gp.lower, gp.upper)}), {gp.claim.words}."
        ),
    )
    tab = pd.DataFrame(
        {
            "Deprivation decile of the area": [_group_label(g, 10) for g in t.index],
            "Attendances": t["count"].to_numpy(),
            "Children aged 0 to 4": t["denominator"].to_numpy(),
            "Per 1,000": t["value"].to_numpy(),
            "Lower 95% limit": t["lower_ci"].to_numpy(),
            "Upper 95% limit": t["upper_ci"].to_numpy(),
        }
    )
    ch.table(
        tab,
        "ae_u5_area_deciles",
        f"A&E attendances of children aged 0 to 4 per 1,000, England by deprivation decile of the area of "
        f"residence ({d['period']})",
        source="OHID Fingertips 93930 (" + str(d["table"]["breakdown"].iloc[0]) + ")",
        defer=True,
        formats={
            "Attendances": "{:,.0f}",
            "Children aged 0 to 4": "{:,.0f}",
            "Per 1,000": "{:,.0f}",
            "Lower 95% limit": "{:,.0f}",
            "Upper 95% limit": "{:,.0f}",
        },
        show_columns=["Deprivation decile of the area", "Attendances", "Children aged 0 to 4", "Per 1,000"],
    )


def _pcv_outputs(ch: Chapter, icb: geography.ICB) -> None:
    o = pcv_overlap(icb)
    whole = o[o["share_of_area_children"] >= 99.95]
    part = o[o["share_of_area_children"] < 99.95]
    named = "; ".join(
        f"{esc(r.utla_name)} ({fmt(r.share_of_icb, 'pct')} of the ICB's residents)" for r in o.itertuples()
    )
    how = []
    if len(whole):
        how.append(
            f"{plural(len(whole), 'area lies', 'areas lie')} wholly in the ICB and "
            f"{'is' if len(whole) == 1 else 'are'} counted in full"
        )
    if len(part):
        how.append(
            f"{plural(len(part), 'area lies', 'areas lie')} partly in it: "
            + "; ".join(
                f"{fmt(r.share_of_area_children, 'pct')} of {esc(r.utla_name)}'s children live in the "
                "ICB, and that share of its counts is added"
                for r in part.itertuples()
            )
        )
    ch.say(
        "pcv_sentence",
        (
            f"COVER publishes coverage for upper-tier local authorities, not ICBs. The ICB's residents live in "
            f"{plural(len(o), 'COVER area')}: {named}. The ICB estimate adds up each area's counts weighted by the "
            f"share of the area's children (aged 0 to 15, Census 2021) who live in the ICB, taking coverage to be the "
            f"same across each area: {'; '.join(how)}."
        ),
    )
    t = pd.DataFrame(
        {
            "COVER area (upper-tier local authority)": o["utla_name"],
            "Share of the ICB's residents (%)": o["share_of_icb"],
            "Share of the area's children in the ICB (%)": o["share_of_area_children"],
            "Coverage (%)": o["coverage"],
            "Quarters pooled": o["quarters"],
            "Children vaccinated": o["numerator"],
            "Children in the cohort": o["denominator"],
            "Financial year": o["financial_year"],
        }
    )
    ch.table(
        t,
        "pcv_areas",
        f"Pneumococcal booster by 24 months in the COVER areas where {icb.short_name}'s residents "
        f"live ({o['financial_year'].iloc[0]})",
        source=source_text("cover"),
        defer=True,
        show_columns=[
            "COVER area (upper-tier local authority)",
            "Share of the ICB's residents (%)",
            "Share of the area's children in the ICB (%)",
            "Coverage (%)",
            "Quarters pooled",
        ],
        formats={
            "Share of the ICB's residents (%)": "{:.1f}",
            "Share of the area's children in the ICB (%)": "{:.1f}",
            "Coverage (%)": "{:.1f}",
            "Children vaccinated": "{:,.0f}",
            "Children in the cohort": "{:,.0f}",
            "Quarters pooled": "{:.0f}",
        },
        notes="Quarters with published numbers pooled (numerators and denominators summed).",
    )


def _mha_outputs(ch: Chapter, icb: geography.ICB, words: dict[str, C.Claim]) -> None:
    _record(ch, words, "mha_ethnicity", "mha_ethnicity_eng")
    e = mha_by_ethnicity(icb)
    ch.say("mha_ethnicity_sentence", _ethnicity_sentence("mha", e, icb, ("rate", "rate_lower", "rate_upper"), ""))
    a = mha_by_age_sex(icb)
    sex = a[a["breakdown"] == "Sex"].set_index(["area_code", "group"])["rate"]
    parts = []
    for g, who in (("Female", "women"), ("Male", "men")):
        mine, eng = sex.get((icb.ods_code, g)), sex.get((ENGLAND, g))
        parts.append(
            f"{'suppressed' if pd.isna(mine) else value_text('mha', mine)} for {who} (England {value_text('mha', eng)})"
        )
    ch.say("mha_age_sex_sentence", "; ".join(parts))
    q = mental_health.mha_quarantined_rows()
    ch.box(
        "mha_damaged_rows",
        (
            f"The only copy of these statistics in this book's data is a workbook in which a third party pasted gender "
            f"labels over {plural(len(q), 'row')}. Those rows are left out, never read under the label they carry: they "
            "include every row of the least deprived decile and most rows of the next one, and England's detentions "
            "of children aged 15 and under. So the gap here compares the most deprived decile with decile 8, the "
            "least deprived one with an intact label, and no slope index of inequality is computed. NHS England's "
            "own publication has the full table."
        ),
        kind="warning",
        title="Damaged rows in the source copy",
    )


def _cancer_outputs(ch: Chapter, icb: geography.ICB, words: dict[str, C.Claim], ref: pd.Timestamp) -> None:
    t = cancer_stage_areas(icb)
    _record(ch, words, *[f"cancer_{c.lower()}" for c in t["code"]])
    if t.empty:
        ch.say("cancer_sentence", "No local authority the ICB covers has a published value.")
    else:
        ch.say(
            "cancer_sentence",
            (
                f"In {t['year'].iloc[0]} ({esc(la_currency('cancer_stage', t['year'].iloc[0], ref).label)}), in the "
                f"upper-tier local authorities where the ICB's residents live, the share "
                "of staged cancers diagnosed at stage 1 or 2 was: "
                + "; ".join(
                    f"{esc(_place(r.name))} {fmt(r.value, 'pct')}, {_THAN[words[f'cancer_{r.code.lower()}'].code]} England"
                    for r in t.itertuples()
                )
                + f" (England {fmt(t['england'].iloc[0], 'pct')})."
            ),
        )
    tab = pd.DataFrame(
        {
            "Local authority": [_place(n) for n in t["name"]],
            "Share of the ICB's neighbourhoods (%)": t["share_of_icb"],
            "Share of the authority in the ICB (%)": t["share_of_la"],
            "Stage 1 or 2 (%)": t["value"],
            "95% confidence interval": [
                f"{fmt(a, 'num')} to {fmt(b, 'num')}" for a, b in zip(t["lower_ci"], t["upper_ci"])
            ],
            "Compared with England": t["compared"],
            "England (%)": t["england"],
            "Year": t["year"],
        }
    )
    ch.table(
        tab,
        "cancer_areas",
        f"Cancers diagnosed at stage 1 or 2, local authorities where {icb.short_name}'s residents live",
        source=source_text("cancer_stage"),
        defer=True,
        show_columns=[
            "Local authority",
            "Share of the ICB's neighbourhoods (%)",
            "Stage 1 or 2 (%)",
            "95% confidence interval",
            "Compared with England",
        ],
        formats={
            "Share of the ICB's neighbourhoods (%)": "{:.1f}",
            "Share of the authority in the ICB (%)": "{:.1f}",
            "Stage 1 or 2 (%)": "{:.1f}",
            "England (%)": "{:.1f}",
        },
        notes="Compared with England: the authority's 95% confidence interval against England's value.",
    )


def _cvd_outputs(ch: Chapter, words: dict[str, C.Claim]) -> None:
    h = hypertension_england()
    _record(ch, words, "hypertension_gap_eng")
    t = h["table"].set_index("imd_quintile")
    gp = h["gap"]
    ch.say(
        "hypertension_england_sentence",
        (
            f"In England ({esc(h['period'])}), {fmt(t.loc[1, 'value'], 'pct')} of patients with hypertension in "
            f"the most deprived fifth of neighbourhoods were treated to the appropriate threshold, against "
            f"{fmt(t.loc[5, 'value'], 'pct')} in the least deprived: a gap of {fmt(gp.value, 'pp', signed=True)} "
            f"({ci_text('lipid', gp.lower, gp.upper)}), {gp.claim.words}."
        ),
    )
    tab = pd.DataFrame(
        {
            "Deprivation quintile": [_group_label(int(q), 5) for q in t.index],
            "Patients treated to threshold": t["numerator"].to_numpy(),
            "Patients with hypertension": t["denominator"].to_numpy(),
            "Per cent": t["value"].to_numpy(),
            "Lower 95% limit": t["lower_ci"].to_numpy(),
            "Upper 95% limit": t["upper_ci"].to_numpy(),
        }
    )
    ch.table(
        tab,
        "hypertension_england",
        f"Hypertension treated to the appropriate threshold, England by deprivation "
        f"quintile of the patient's neighbourhood ({h['period']})",
        source=source_text("cvdprevent_england"),
        defer=True,
        show_columns=[
            "Deprivation quintile",
            "Patients treated to threshold",
            "Patients with hypertension",
            "Per cent",
        ],
        formats={
            "Patients treated to threshold": "{:,.0f}",
            "Patients with hypertension": "{:,.0f}",
            "Per cent": "{:.1f}",
            "Lower 95% limit": "{:.1f}",
            "Upper 95% limit": "{:.1f}",
        },
    )
    ch.box(
        "cvdprevent_attribution",
        (
            "Lipid-lowering therapy by ICB and deprivation quintile is from the CVDPREVENT audit: "
            + esc(cardiovascular.attribution(cardiovascular.CVDP_ICB))
            + " Its ICB figures count the patients of the "
            "ICB's practices; counts below England are rounded to 5, so the published percentages and intervals are "
            "used as they are."
        ),
        kind="note",
        title="CVDPREVENT",
    )


def _oral_outputs(ch: Chapter, icb: geography.ICB, ref: pd.Timestamp) -> None:
    t = oral_health_areas(icb)
    if t.empty:
        ch.say("oral_sentence", "None of the local authorities where the ICB's residents live has a published value.")
    else:
        lo, hi = t.loc[t["value"].idxmin()], t.loc[t["value"].idxmax()]
        period, latest = t["period"].iloc[0], t["latest_survey"].iloc[0]
        span = (
            f"{fmt(lo['value'], 'pct')} in {esc(_place(lo['name']))}"
            if len(t) == 1
            else f"from {fmt(lo['value'], 'pct')} in {esc(_place(lo['name']))} to {fmt(hi['value'], 'pct')} in "
            f"{esc(_place(hi['name']))}"
        )
        older = (
            ""
            if period == latest
            else f"None of the local authorities where the ICB's residents live has a value in the latest survey "
            f"({latest}). "
        )
        ch.say(
            "oral_sentence",
            (
                f"{older}In the {period} survey ({esc(la_currency('oral_health', period, ref).label)}), the share of "
                f"five-year-olds with visible tooth decay in the "
                f"{plural(len(t), 'district or unitary authority', 'districts and unitary authorities')} where the ICB's "
                f"residents live ran {span} (England {fmt(t['england'].iloc[0], 'pct')})."
            ),
        )
    tab = pd.DataFrame(
        {
            "Local authority": [_place(n) for n in t["name"]],
            "Share of the ICB's neighbourhoods (%)": t["share_of_icb"],
            "Share of the authority in the ICB (%)": t["share_of_la"],
            "Five-year-olds with visible decay (%)": t["value"],
            "Compared with England (as Fingertips publishes it)": t["compared_to_england"],
            "England (%)": t["england"],
            "Survey": t["period"],
        }
    )
    ch.table(
        tab,
        "oral_areas",
        f"Five-year-olds with visible tooth decay, local authorities where {icb.short_name}'s residents live",
        source=source_text("oral"),
        defer=True,
        show_columns=[
            "Local authority",
            "Share of the ICB's neighbourhoods (%)",
            "Five-year-olds with visible decay (%)",
            "Compared with England (as Fingertips publishes it)",
        ],
        formats={
            "Share of the ICB's neighbourhoods (%)": "{:.1f}",
            "Share of the authority in the ICB (%)": "{:.1f}",
            "Five-year-olds with visible decay (%)": "{:.1f}",
            "England (%)": "{:.1f}",
        },
        notes="The survey file has no confidence intervals; the comparison is Fingertips' own.",
    )


def _place(name: str) -> str:
    return geography.place_name(name)


def _ld_outputs(ch: Chapter, icb: geography.ICB) -> None:
    d = census.census_disability_icb()
    mine = d[d["icb_ods_code"] == icb.ods_code].iloc[0]
    ch.number("disabled_icb", 100 * mine["share_disabled"], "pct")
    ch.number("disabled_eng", 100 * d["disabled"].sum() / d["total_residents"].sum(), "pct")
    day = census.census_day()
    ch.text("census_day", f"{day.day} {day:%B %Y}")


def _methods_box(ch: Chapter) -> None:
    ch.box(
        "methods",
        (
            "Proportions have Wilson score 95% confidence intervals and rates Byar's (exact Poisson below 10 events), "
            "as OHID computes them (PHEindicatormethods); a rate published without its population (the Mental "
            "Health Act statistics) has the interval of its count. The gap's interval combines the two groups' "
            "intervals (the method of variance estimates recovery). The slope index of inequality follows "
            "PHEindicatormethods (its slope index function, with 100,000 simulations), on national deciles or quintiles so that ICBs can be "
            "compared. Practice data are summed over the practices of each national practice deprivation quintile "
            "(patient-weighted fifths of England by the practice's IMD 2019 score) before any rate is computed. "
            "Waiting list figures for an ICB are those of the NHS acute trusts located in it (WLMDS groups trusts so), "
            "not of its residents. QOF figures put everyone on the register in the denominator, including patients "
            "with a personalised care adjustment. A&E four-hour figures add up the providers located in the ICB in "
            "NHS England's monthly files. Counts below England are rounded to 5 by most publishers: suppressed counts "
            "stay missing and are never filled in."
        ),
        kind="note",
        title="Methods and caveats",
    )
