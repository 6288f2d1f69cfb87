"""Health inequalities: life expectancy, healthy life expectancy, the gap across the social
gradient (slope index of inequality, Fingertips 92901) and premature mortality, for the local
authorities of an ICB, against England; and practice-population life expectancy by practice
deprivation quintile.

:func:`build` makes the chapter (every figure, table, box, glued word and headline figure); the
notebook ``notebooks/health_inequalities.ipynb`` puts them on the page. :func:`claims` gives
every data-dependent word the chapter uses, for the claims audit. :func:`headline_figures`
gives the registry's headline figures for ``python -m analysis check``.
:func:`validation_markdown` is the methods-page section on the SII backtest (not evidence about
any ICB, so not in the chapter).

The local authorities of an ICB are the 2024 lower-tier LAs with at least half of their LSOAs in
the ICB, plus their upper tier (counties). Each published dataset is matched on its own code
vintage; an LA that a dataset does not carry (for example a council created after the data's
geography was fixed) is reported as not available, never filled from another geography.
Suppressed values (City of London, Isles of Scilly: too few deaths) stay missing, are left out
of every range and count, and are named.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .. import claims as C
from .. import deprivation, geography, sources, stats
from ..load import mortality as mort
from ..load import primary_care
from ..report import Chapter, esc, fmt, org_name, plural

CHAPTER = "health_inequalities"
ENGLAND = mort.ENGLAND

#: LAs whose code changed without a change of council (boundary adjustment, April 2025):
#: some files carry only the new code. Used to find the same council under its newer code.
CODE_SUCCESSORS = {"E08000016": "E08000038", "E08000019": "E08000039"}

#: ONS publishes preventable CVD mortality for two pairs of councils combined (too few deaths in
#: the smaller one): these codes stand for the pair wherever either council is one of the ICB's.
COMBINED_AREAS = {
    "E67000001": ("Hackney and City of London", ("E09000012", "E09000001")),
    "E67000002": ("Cornwall and Isles of Scilly", ("E06000052", "E06000053")),
}

#: An LA counts as one of the ICB's places when at least this share of its LSOAs is in the ICB.
MAIN_SHARE = 0.5

#: What local plans say about the SII, word for word, and the period of the figures they quote
#: (facts about documents): see :func:`plan_quotes`.
PLAN_QUOTES_FILE = Path(__file__).resolve().parents[1] / "registry" / "plan_quotes.yml"


class PlanQuotesError(ValueError):
    """registry/plan_quotes.yml is unusable; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class PlanQuote:
    plan: str
    quote: str
    #: the figures the quote gives, by area code: checked against the published data at build
    quoted: dict


@dataclass(frozen=True)
class PlanQuotes:
    #: the period (Fingertips' three-year label) of the male SII that local plans of that time quote
    period: str
    #: ICB ODS code -> what that ICB's own plan says
    quotes: dict[str, PlanQuote]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanQuotesError(f"{where}: expected text, got {value!r}")
    return " ".join(value.split())


def _parse_plan_quotes(name: str, text: str) -> PlanQuotes:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanQuotesError(f"{name}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or set(doc) != {"period", "quotes"}:
        raise PlanQuotesError(
            f"{name}: expected exactly the keys 'period' and 'quotes', got "
            f"{sorted(doc) if isinstance(doc, dict) else type(doc).__name__}"
        )
    period = _text(doc["period"], f"{name}: period")
    m = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not m or (int(m.group(1)) + 2) % 100 != int(m.group(2)):
        raise PlanQuotesError(
            f"{name}: period {period!r} is not a three-year period as Fingertips labels it "
            "(first year, dash, the last two digits of the third year)"
        )
    if not isinstance(doc["quotes"], dict) or not doc["quotes"]:
        raise PlanQuotesError(f"{name}: quotes: expected a mapping of ICB ODS codes to plan, quote and quoted")
    quotes = {}
    for ods, raw in doc["quotes"].items():
        where = f"{name}: quotes.{ods}"
        if not re.fullmatch(r"Q[A-Z0-9]{2}", str(ods)):
            raise PlanQuotesError(f"{where}: {ods!r} is not an ICB ODS code (such as QGH)")
        if not isinstance(raw, dict) or set(raw) != {"plan", "quote", "quoted"}:
            raise PlanQuotesError(f"{where}: expected exactly the keys plan, quote and quoted")
        quoted = raw["quoted"]
        if not isinstance(quoted, dict) or not quoted:
            raise PlanQuotesError(f"{where}.quoted: expected area codes with the figure the quote gives for each")
        for code, value in quoted.items():
            if not re.fullmatch(r"E\d{8}", str(code)):
                raise PlanQuotesError(f"{where}.quoted: {code!r} is not an area code (such as E10000034)")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 30:
                raise PlanQuotesError(f"{where}.quoted.{code}: expected a gap in years (0 to 30), got {value!r}")
        quotes[str(ods)] = PlanQuote(
            _text(raw["plan"], f"{where}.plan"),
            _text(raw["quote"], f"{where}.quote"),
            {str(k): float(v) for k, v in quoted.items()},
        )
    return PlanQuotes(period, quotes)


def plan_quotes(path: Path | str | None = None) -> PlanQuotes:
    """The plan-quotes registry (default :data:`PLAN_QUOTES_FILE`), read and validated on each
    call (a few lines), so an edited file is always seen."""
    p = Path(path) if path is not None else PLAN_QUOTES_FILE
    if not p.is_file():
        raise PlanQuotesError(f"plan quotes file not found: {p}")
    return _parse_plan_quotes(p.name, p.read_text(encoding="utf-8"))


#: A national practice deprivation quintile enters the ICB's practice gap and SII only when it
#: holds at least this many of the ICB's practices: a mean of fewer says more about those few
#: practices than about deprivation.
MIN_PRACTICES = 5

#: Simulations for the confidence interval of the practice SII (analysis.stats.sii).
PRACTICE_SII_REPS = 20_000

#: Tolerance of the SII backtest on the methods page (years; published values have 1 dp).
BACKTEST_TOLERANCE = 0.15

SOURCES = {
    "le": "OHID Fingertips 90366 (life expectancy at birth), re-shaped by Trafford Data Lab",
    "hle": "ONS Health state life expectancies, UK (healthy life expectancy, 95% CIs)",
    "sii": "OHID Fingertips 92901 (inequality in life expectancy at birth, slope index of inequality)",
    "decile": "OHID/PHE life expectancy by local deprivation decile (test data of the PHEindicatormethods R package)",
    "u75": "OHID Fingertips 93721 (under-75 mortality from causes considered preventable)",
    "cvd": "OHID Fingertips 93722 (under-75 mortality from cardiovascular disease considered preventable), via ONS",
    "practice": (
        "OHID Fingertips 650 (practice life expectancy) via the Health Equity Evidence Centre; OHID "
        "Fingertips 93553 (practice IMD 2019 score); NHS England QOF list sizes"
    ),
}


SEXES = ("Male", "Female")


def _area_type(code: str) -> str:
    return geography.area_type(code)


def latest_sii_source() -> str:
    """The newest district and UA extraction of 92901 (the loader keys them by extraction year)."""
    return max(k for k in mort.SII_SOURCES if k.startswith("district_ua"))


def _release_role(source: str) -> str:
    if source.startswith("county_ua"):
        return "county"
    return "latest" if source == latest_sii_source() else "earlier"


def _release_label(source: str) -> str:
    """Reader's name of a 92901 extraction."""
    year = source.rsplit("_", 1)[-1]
    return {
        "county": f"County and unitary release, extracted {year}",
        "latest": f"Latest release, extracted {year}",
        "earlier": f"Earlier release, extracted {year} (since revised)",
    }[_release_role(source)]


def _and(items) -> str:
    items = [str(x) for x in items]
    if not items:
        raise ValueError("an empty list of names")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(names) -> str:
    return _and(esc(n) for n in names)


def _years(v, what: str, lo: float = -10, hi: float = 120) -> str:
    return fmt(v, "years", what=what, lo=lo, hi=hi)


def _period_end(period: str) -> pd.Timestamp:
    """'2022-24' (calendar years) -> 31 December 2024; '2024' -> 31 December 2024; '2022-23'
    as a financial year is handled by the caller."""
    s = str(period)
    year = int(s[:4]) if len(s) == 4 else int(s[:2] + s[-2:])
    return pd.Timestamp(year=year, month=12, day=31)


def _reference(reference_date):
    # "" = run by hand: the first day of this month, as the build would pass.
    if reference_date is None or (isinstance(reference_date, str) and not reference_date.strip()):
        return dt.date.today().replace(day=1)
    return reference_date


def _frequency(dataset: str) -> str:
    """How often ``dataset`` is published, as the manifest records it (for claims.currency; every
    dataset of the manifest has one, tests/test_sources.py)."""
    return sources.dataset_meta(dataset)["frequency"]


def _currency(period_end, reference_date, dataset: str) -> C.Currency:
    return C.currency(period_end, _frequency(dataset), _reference(reference_date))


# ----------------------------------------------------------------------------- geography


@sources.remembered(maxsize=64)
def _areas(ods_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    icb = geography.find_icb(ods_code)
    las = geography.icb_local_authorities(icb, vintage=2021)
    main = las[las["share_of_la"] >= MAIN_SHARE]
    partial = las[las["share_of_la"] < MAIN_SHARE].reset_index(drop=True)
    rows = []
    for r in main.itertuples():
        kind = "unitary" if r.lad_code == r.utla_code else "district"
        rows.append(
            {
                "area_code": r.lad_code,
                "area_name": r.lad_name,
                "kind": kind,
                "parent_code": r.utla_code,
                "parent_name": r.utla_name,
                "share_of_la": r.share_of_la,
            }
        )
    counties = main[main["lad_code"] != main["utla_code"]].groupby(["utla_code", "utla_name"]).size()
    for (code, name), _ in counties.items():
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "kind": "county",
                "parent_code": code,
                "parent_name": name,
                "share_of_la": np.nan,
            }
        )
    areas = pd.DataFrame(rows)
    order = {"county": 0, "unitary": 1, "district": 2}
    areas["_o"] = areas["kind"].map(order)
    areas = areas.sort_values(["parent_name", "_o", "area_name"]).drop(columns="_o").reset_index(drop=True)
    areas["area_type"] = areas["area_code"].map(_area_type)
    return areas, partial


def icb_areas(icb_code: str) -> pd.DataFrame:
    """The ICB's local authorities: area_code, area_name, kind (county/unitary/district),
    area_type (readable), parent_code, parent_name, share_of_la (share of its LSOAs in the ICB)."""
    return _areas(geography.find_icb(icb_code).ods_code)[0].copy()


def partial_areas(icb_code: str) -> pd.DataFrame:
    """LAs with fewer than half of their LSOAs in the ICB (left out of the LA comparisons)."""
    return _areas(geography.find_icb(icb_code).ods_code)[1].copy()


def _pick(df: pd.DataFrame, areas: pd.DataFrame, *, england: bool = True) -> pd.DataFrame:
    """Rows of ``df`` for the areas (matched on code, or on the code's successor), keyed on
    the ICB's 2024 codes, with the area's name and kind; England appended when asked."""
    codes = set(df["area_code"])
    found = {}
    for code in areas["area_code"]:
        if code in codes:
            found[code] = code
        elif CODE_SUCCESSORS.get(code) in codes:
            found[CODE_SUCCESSORS[code]] = code
    sub = df[df["area_code"].isin(found)].copy()
    sub["data_code"] = sub["area_code"]
    sub["area_code"] = sub["area_code"].map(found)
    sub = sub.drop(columns=[c for c in ("area_name",) if c in sub]).merge(
        areas[["area_code", "area_name", "kind"]], on="area_code", how="left"
    )
    if england:
        eng = df[df["area_code"] == ENGLAND].copy()
        eng["data_code"] = ENGLAND
        eng["area_name"] = "England"
        eng["kind"] = "england"
        sub = pd.concat([sub, eng], ignore_index=True)
    sub["area_type"] = sub["area_code"].map(_area_type)
    return sub


def missing_areas(df: pd.DataFrame, areas: pd.DataFrame, kinds: tuple[str, ...]) -> list[str]:
    """Names of the areas of the given kinds that ``df`` does not carry."""
    got = set(_pick(df, areas, england=False)["area_code"])
    want = areas[areas["kind"].isin(kinds)]
    return want.loc[~want["area_code"].isin(got), "area_name"].tolist()


def suppressed_areas(df: pd.DataFrame, period: str) -> list[str]:
    """Names of the ICB's areas (in ``df``, from :func:`_pick`) whose value for ``period`` is
    not published (suppressed): they are left out of ranges and counts and named."""
    s = df[(df["period"] == period) & (df["kind"] != "england")]
    return sorted(s.loc[s["value"].isna(), "area_name"].unique().tolist())


# ----------------------------------------------------------------------------- LE and HLE


@sources.remembered(maxsize=64)
def _le(ods_code: str) -> pd.DataFrame:
    le = mort.life_expectancy()
    latest = le["period"].max()
    out = _pick(le, _areas(ods_code)[0])
    # Fingertips' newest period may be provisional at extraction (see the PROVENANCE).
    out["provisional"] = out["period"] == latest
    return out.sort_values(["kind", "area_name", "sex", "period"]).reset_index(drop=True)


def le_series(icb_code: str) -> pd.DataFrame:
    """Fingertips life expectancy for the ICB's districts/UAs and England, every period.
    ``provisional`` marks the latest period, which may be provisional at extraction."""
    return _le(geography.find_icb(icb_code).ods_code).copy()


@sources.remembered(maxsize=64)
def _hle(ods_code: str) -> pd.DataFrame:
    return (
        _pick(mort.healthy_life_expectancy(), _areas(ods_code)[0])
        .sort_values(["kind", "area_name", "sex", "period"])
        .reset_index(drop=True)
    )


def hle_series(icb_code: str) -> pd.DataFrame:
    """ONS healthy life expectancy (with 95% CIs) for the ICB's areas that ONS publishes
    (counties, UAs, metropolitan districts, London boroughs) and England."""
    return _hle(geography.find_icb(icb_code).ods_code).copy()


def _judge_against_england(df: pd.DataFrame, keys: list[str], polarity: str) -> pd.DataFrame:
    """Add England's value for the same ``keys`` (``england``) and, for every area, the Fingertips
    comparison of the area's 95% CI with it (``claim`` from :func:`analysis.claims.judge`,
    ``significance`` its code; England itself: "not compared")."""
    eng = df[df["kind"] == "england"].set_index(keys)["value"]
    df = df.copy()
    df["england"] = (
        [eng.get(k, np.nan) for k in df[keys].itertuples(index=False, name=None)]
        if len(keys) > 1
        else df[keys[0]].map(eng)
    )
    verdicts = [
        None
        if r.kind == "england" or pd.isna(r.england)
        else C.judge((r.value, r.lower_ci, r.upper_ci), float(r.england), polarity=polarity, comparator_name="England")
        for r in df.itertuples()
    ]
    df["claim"] = verdicts
    df["significance"] = [v.code if v is not None else "not compared" for v in verdicts]
    return df


@sources.remembered(maxsize=64)
def _hle_table(ods_code: str) -> pd.DataFrame:
    hle = _hle(ods_code)
    le = _le(ods_code)
    m = hle.merge(
        le[["area_code", "sex", "period", "value", "provisional"]].rename(
            columns={"value": "le", "provisional": "le_provisional"}
        ),
        on=["area_code", "sex", "period"],
        how="left",
    )
    m["poor_health_years"] = (m["le"] - m["value"]).round(1)
    m = _judge_against_england(m, ["sex", "period"], "higher_is_better")
    return m.sort_values(["kind", "area_name", "sex", "period"]).reset_index(drop=True)


def hle_table(icb_code: str) -> pd.DataFrame:
    """HLE with 95% CI for each of the ICB's areas ONS publishes and England, every period, with
    life expectancy where it is published for the same place (``le``), the years lived in less
    than good health (``poor_health_years`` = LE - HLE) and the comparison with England's HLE
    (``significance``: better/similar/worse by the area's 95% CI, from :func:`analysis.claims.judge`;
    the Claim itself in ``claim``)."""
    return _hle_table(geography.find_icb(icb_code).ods_code).copy()


def le_hle_gap(icb_code: str) -> pd.DataFrame:
    """LE, HLE and years lived in poor health where both are published for the same area and
    period. Columns: area_code, area_name, kind, sex, period, le, hle, hle_lower_ci,
    hle_upper_ci, poor_health_years, le_provisional."""
    t = hle_table(icb_code).dropna(subset=["le"])
    return t.rename(columns={"value": "hle", "lower_ci": "hle_lower_ci", "upper_ci": "hle_upper_ci"})[
        [
            "area_code",
            "area_name",
            "kind",
            "sex",
            "period",
            "le",
            "hle",
            "hle_lower_ci",
            "hle_upper_ci",
            "poor_health_years",
            "le_provisional",
        ]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------- SII 92901


@sources.remembered(maxsize=64)
def _sii(ods_code: str) -> pd.DataFrame:
    areas = _areas(ods_code)[0]
    # Every extraction is kept whole, with its source: Fingertips re-published the series with
    # revised populations and a newer IMD for the deciles, so values of two extractions for the
    # same period differ and must never be joined into one line.
    lower = _pick(
        pd.concat([mort.sii_district_ua_earlier(), mort.sii_district_ua()], ignore_index=True),
        areas[areas["kind"] != "county"],
    )
    county = _pick(mort.sii_county_ua(), areas[areas["kind"] == "county"], england=False)
    out = pd.concat([lower, county], ignore_index=True)
    out["release"] = out["source"].map(_release_label)
    return out.sort_values(["kind", "area_name", "sex", "source", "period"]).reset_index(drop=True)


def sii_series(icb_code: str) -> pd.DataFrame:
    """Published SII in life expectancy (92901) for the ICB's areas and England, one row per
    area, sex, period and extraction (``source``; ``release`` is its reader's name).

    Districts, UAs and England: the 2024 extraction (2010-12 to 2018-20) and the latest one
    (from 2015-17); counties: the only county series here (county and UA extraction, 2010-12 to
    2015-17). Suppressed values stay missing (``value`` NaN, ``suppressed``).
    """
    return _sii(geography.find_icb(icb_code).ods_code).copy()


def plan_comparison(icb_code: str) -> pd.DataFrame:
    """Male SII in the plan period as first published (county/UA extraction) and the latest
    published value, for the ICB's counties and unitaries, and England.

    Columns: area_code, area_name, kind, area_type, sii_plan_period, latest_period, sii_latest,
    change, latest_source, latest_release.
    """
    ods = geography.find_icb(icb_code).ods_code
    areas = _areas(ods)[0]
    upper = areas[areas["kind"].isin(["county", "unitary"])]
    old = mort.sii_county_ua()
    old = _pick(old[(old["period"] == plan_quotes().period) & (old["sex"] == "Male")], upper)
    ser = _sii(ods)
    ser = ser[
        (ser["sex"] == "Male") & ser["value"].notna() & ser["area_code"].isin(list(upper["area_code"]) + [ENGLAND])
    ]
    last = ser.sort_values(["period_start", "source"]).groupby("area_code").tail(1)
    out = (
        old[["area_code", "value"]]
        .rename(columns={"value": "sii_plan_period"})
        .merge(
            last[["area_code", "period", "value", "source", "release"]].rename(
                columns={
                    "period": "latest_period",
                    "value": "sii_latest",
                    "source": "latest_source",
                    "release": "latest_release",
                }
            ),
            on="area_code",
            how="outer",
        )
    )
    names = pd.concat(
        [
            upper[["area_code", "area_name", "kind"]],
            pd.DataFrame([{"area_code": ENGLAND, "area_name": "England", "kind": "england"}]),
        ]
    )
    out = out.merge(names, on="area_code", how="left")
    out["area_type"] = out["area_code"].map(_area_type)
    out["change"] = (out["sii_latest"] - out["sii_plan_period"]).round(1)
    out["_o"] = out["kind"].map({"county": 0, "unitary": 1, "england": 2})
    return (
        out.sort_values(["_o", "area_name"])
        .drop(columns="_o")[
            [
                "area_code",
                "area_name",
                "kind",
                "area_type",
                "sii_plan_period",
                "latest_period",
                "sii_latest",
                "change",
                "latest_source",
                "latest_release",
            ]
        ]
        .reset_index(drop=True)
    )


@sources.remembered(maxsize=1, national=True)
def sii_revision_summary() -> dict[str, float]:
    """How much the latest 92901 extraction revised the earlier one, over every (area, period,
    sex) in both: median and maximum absolute difference (years), and the number compared."""
    a = mort.sii_district_ua_earlier()
    b = mort.sii_district_ua()
    j = a.merge(b, on=["area_code", "period", "sex"], suffixes=("_a", "_b")).dropna(subset=["value_a", "value_b"])
    d = (j["value_a"] - j["value_b"]).abs()
    return {
        "median": float(d.median()),
        "max": float(d.max()),
        "n": float(len(d)),
        "periods": sorted(j["period"].unique().tolist()),
    }


# ----------------------------------------------------------------------------- premature mortality


@sources.remembered(maxsize=64)
def _u75(ods_code: str) -> pd.DataFrame:
    d = mort.u75_preventable()
    d = _pick(d[d["sex"] == "Persons"], _areas(ods_code)[0])
    d["significance"] = d["compared_to_england"].str.lower()
    return d.sort_values(["kind", "area_name", "period"]).reset_index(drop=True)


def u75_preventable_table(icb_code: str) -> pd.DataFrame:
    """Under-75 preventable mortality (93721), persons, every year, for the ICB's
    districts/UAs and England. ``significance`` is Fingertips' own comparison with England
    (lower case; from its 95% confidence intervals, which this extract does not carry)."""
    return _u75(geography.find_icb(icb_code).ods_code).copy()


@sources.remembered(maxsize=64)
def _cvd(ods_code: str) -> pd.DataFrame:
    areas = _areas(ods_code)[0]
    extra = [
        {"area_code": code, "area_name": name, "kind": "unitary"}
        for code, (name, members) in COMBINED_AREAS.items()
        if set(members) & set(areas["area_code"])
    ]
    if extra:
        areas = pd.concat([areas, pd.DataFrame(extra)], ignore_index=True)
    d = _judge_against_england(_pick(mort.u75_cvd_preventable(), areas), ["period"], "lower_is_better")
    return d.sort_values(["kind", "area_name", "period"]).reset_index(drop=True)


def u75_cvd_table(icb_code: str) -> pd.DataFrame:
    """Under-75 preventable CVD mortality (93722), persons, 3-year periods, with 95% CIs, for
    the ICB's counties, UAs and districts and England. ``significance``: better/similar/worse
    than England by the area's 95% CI (:func:`analysis.claims.judge`; the Claim in ``claim``)."""
    return _cvd(geography.find_icb(icb_code).ods_code).copy()


# ----------------------------------------------------------------------------- GP practices


@sources.remembered(maxsize=1, national=True)
def _practice_base() -> pd.DataFrame:
    """Every practice in the QOF list-size file with its ICB (ODS code, as QOF registers it),
    list size, IMD 2019 score, the book's national practice deprivation quintile, and the latest
    practice life expectancy (NaN where none is published)."""
    sizes = mort.practice_list_sizes()
    prev = primary_care.qof_practice_prevalence()
    total = prev[prev["list_type"] == "TOTAL"]
    icbs = total.drop_duplicates("practice_code")[["practice_code", "icb_ods_code", "period"]]
    if total.groupby("practice_code")["icb_ods_code"].nunique().max() > 1:
        raise mort.LoaderError("QOF practice prevalence: a practice is registered to more than one ICB.")
    imd = primary_care.practice_imd(2019)[["practice_code", "practice_name", "imd_score"]]
    prac = sizes.merge(icbs, on="practice_code", how="left", validate="one_to_one").merge(
        imd, on="practice_code", how="inner", validate="one_to_one"
    )
    # The book's one definition: national fifths of registered patients (deprivation module).
    prac = deprivation.practice_deprivation_quintiles(prac, score="imd_score", patients="list_size")
    le = mort.practice_life_expectancy()
    # The latest period that covers the country (the file has stray single-practice years).
    year = int(le.groupby("year").size().loc[lambda s: s > 1000].index.max())
    le = le[le["year"] == year][["practice_code", "le_male", "le_female"]]
    df = prac.merge(le, on="practice_code", how="left", validate="one_to_one")
    df["practice_name"] = df["practice_name"].map(org_name)
    df = df.rename(columns={"period": "list_period"})
    df.attrs["year"] = year
    df.attrs["list_period"] = str(df["list_period"].dropna().iloc[0])
    df.attrs["qof_practices"] = int(len(sizes))
    df.attrs["qof_without_score"] = int(len(sizes) - len(prac))
    return df


def practice_table(icb_code: str) -> tuple[pd.DataFrame, dict]:
    """English practices (QOF list-size file, with an IMD 2019 score) with their national
    practice deprivation quintile, list size, latest practice life expectancy and whether they
    belong to the ICB (``in_icb``, by the ICB code QOF gives). Also returns counts for notes."""
    icb = geography.find_icb(icb_code)
    base = _practice_base()
    df = base.copy()
    df["in_icb"] = df["icb_ods_code"] == icb.ods_code
    if not df["in_icb"].any():
        raise mort.LoaderError(f"ICB {icb.ods_code} has no practice in the QOF list-size file.")
    has_le = df["le_male"].notna() | df["le_female"].notna()
    info = {
        "year": base.attrs["year"],
        "list_period": base.attrs["list_period"],
        "icb_practices": int(df["in_icb"].sum()),
        "icb_with_le": int((df["in_icb"] & has_le).sum()),
        "england_practices": int(len(df)),
        "england_with_le": int(has_le.sum()),
        "qof_without_score": base.attrs["qof_without_score"],
    }
    return df, info


def _le_col(sex: str) -> str:
    return f"le_{sex.lower()}"


@sources.remembered(maxsize=64)
def _quintiles(ods_code: str) -> pd.DataFrame:
    df, _ = practice_table(ods_code)
    rows = []
    for scope, sub in (("ICB", df[df["in_icb"]]), ("England", df)):
        for sex in SEXES:
            col = _le_col(sex)
            s = sub[sub[col].notna()]
            res = stats.weighted_mean(s, col, "list_size", "practice_quintile") if len(s) else pd.DataFrame()
            res = res.set_index("practice_quintile") if len(res) else res
            for q in range(1, 6):
                r = res.loc[q] if len(res) and q in res.index else None
                rows.append(
                    {
                        "scope": scope,
                        "sex": sex,
                        "quintile": q,
                        "practices": int(r["n"]) if r is not None else 0,
                        "registered_patients": float(r["weight"]) if r is not None else 0.0,
                        "value": float(r["value"]) if r is not None else np.nan,
                        "se": float(r["se"]) if r is not None else np.nan,
                        "lower_ci": float(r["lower_ci"]) if r is not None else np.nan,
                        "upper_ci": float(r["upper_ci"]) if r is not None else np.nan,
                    }
                )
    out = pd.DataFrame(rows)
    out["used"] = out["practices"] >= MIN_PRACTICES
    return out


def practice_quintile_summary(icb_code: str) -> pd.DataFrame:
    """List-size-weighted mean practice life expectancy by national practice deprivation
    quintile (the book's definition; 1 = most deprived), for the ICB's practices and England,
    by sex, with a 95% CI from the spread between practices (:func:`analysis.stats.weighted_mean`).

    Columns: scope (ICB/England), sex, quintile, practices (with a published LE),
    registered_patients, value, se, lower_ci, upper_ci, used (the quintile holds at least
    :data:`MIN_PRACTICES` practices, so it enters the gap and the SII).
    """
    return _quintiles(geography.find_icb(icb_code).ods_code).copy()


@dataclass(frozen=True)
class PracticeGradient:
    """The gap and (where every fifth is filled) the SII in practice life expectancy across
    national practice deprivation quintiles, for one scope (ICB or England) and sex."""

    scope: str
    sex: str
    most: int  # the most deprived national quintile used (1 for England)
    least: int  # the least deprived national quintile used (5 for England)
    gap: C.Gap  # least minus most deprived: positive = worse for the most deprived
    #: England's gap between the same two quintiles (for the ICB: a like-for-like comparison)
    england_gap: C.Gap
    #: SII across all five national fifths, least minus most deprived (phe_sii's own sign:
    #: positive = higher life expectancy in the least deprived); None when a fifth holds fewer
    #: than MIN_PRACTICES of the scope's practices (the SII needs every fifth)
    sii: C.Estimate | None
    #: the national fifths holding fewer than MIN_PRACTICES of the scope's practices
    thin: tuple[int, ...]


def _sii_estimate(rows: pd.DataFrame) -> C.Estimate:
    # PHOF method (Low & Low 2004; PHEindicatormethods phe_sii), which needs all five fifths.
    r = stats.sii(rows, "value", "registered_patients", "quintile", se="se", reps=PRACTICE_SII_REPS, seed=1).iloc[0]
    return C.Estimate(float(r["value"]), float(r["lower_ci"]), float(r["upper_ci"]))


@sources.remembered(maxsize=64)
def _gradients(ods_code: str) -> dict[tuple[str, str], PracticeGradient]:
    q = _quintiles(ods_code)
    out = {}
    for sex in SEXES:
        eng = q[(q["scope"] == "England") & (q["sex"] == sex)].set_index("quintile")
        for scope in ("ICB", "England"):
            g = q[(q["scope"] == scope) & (q["sex"] == sex)].sort_values("quintile")
            used = g[g["used"] & g["lower_ci"].notna()]
            if len(used) < 2:
                raise ValueError(
                    f"ICB {ods_code}: fewer than two national practice quintiles hold at least "
                    f"{MIN_PRACTICES} of its practices with a published {sex.lower()} life expectancy; "
                    "no gap between the most and least deprived can be given"
                )
            most, least = int(used["quintile"].iloc[0]), int(used["quintile"].iloc[-1])
            gap = C.gap(used.iloc[0], used.iloc[-1], polarity="higher_is_better")
            same = C.gap(eng.loc[most], eng.loc[least], polarity="higher_is_better")
            thin = tuple(int(x) for x in g.loc[~g["quintile"].isin(used["quintile"]), "quintile"])
            sii = _sii_estimate(used) if not thin else None
            out[(scope, sex)] = PracticeGradient(scope, sex, most, least, gap, same, sii, thin)
    return out


def practice_gradient(icb_code: str) -> pd.DataFrame:
    """The gap (:func:`analysis.claims.gap`: least minus most deprived, positive = worse for
    the most deprived) and the SII (phe_sii's sign, the same here: positive = higher life
    expectancy in the least deprived) in practice life expectancy across national practice
    deprivation quintiles, for the ICB and England, by sex. The ICB's gap is between the most
    and least deprived quintiles holding at least :data:`MIN_PRACTICES` of its practices, set
    beside England's gap between the same two quintiles; its SII is given only when all five
    quintiles do (NaN otherwise)."""
    rows = []
    for g in _gradients(geography.find_icb(icb_code).ods_code).values():
        s = g.sii or C.Estimate(np.nan, np.nan, np.nan)
        rows.append(
            {
                "scope": g.scope,
                "sex": g.sex,
                "most_deprived_quintile": g.most,
                "least_deprived_quintile": g.least,
                "gap": g.gap.value,
                "gap_lower_ci": g.gap.lower,
                "gap_upper_ci": g.gap.upper,
                "gap_words": g.gap.claim.words,
                "england_gap_same_quintiles": g.england_gap.value,
                "england_gap_same_quintiles_lower_ci": g.england_gap.lower,
                "england_gap_same_quintiles_upper_ci": g.england_gap.upper,
                "sii": s.value,
                "sii_lower_ci": s.lower,
                "sii_upper_ci": s.upper,
                "quintiles_too_thin_for_sii": ", ".join(map(str, g.thin)),
            }
        )
    return pd.DataFrame(rows)


def _wmean(v: pd.Series, w: pd.Series) -> float:
    ok = v.notna() & w.notna()
    return float(np.average(v[ok], weights=w[ok])) if ok.any() else float("nan")


# ----------------------------------------------------------------------------- claims


def _with_preposition(claim: C.Claim) -> C.Claim:
    """'higher' -> 'higher than', 'similar' -> 'similar to': the same claim, words ready for
    "... {claim} England's value"."""
    from dataclasses import replace

    word = "to" if claim.code == "similar" else "than"
    return replace(claim, words=f"{claim.words} {word}")


def _clause(claim: C.Claim) -> C.Claim:
    """A claim whose words are a sentence, as a clause: "For men, {clause}; for women, ..."."""
    from dataclasses import replace

    w = claim.words.rstrip(".")
    return replace(claim, words=w[:1].lower() + w[1:])


def claims(icb_code: str, imd_version: int = 2019, reference_date=None) -> dict[str, C.Claim]:
    """Every data-dependent word of the chapter, as :class:`analysis.claims.Claim` with the
    numbers behind it: the comparison with England of every HLE and preventable CVD mortality
    value shown (tables and figures), the HLE sentence's comparison, and the gap and SII in
    practice life expectancy (gap words; the ICB's gap against England's between the same
    national quintiles; where the SII can be given, what gap and SII say together and the ICB's
    SII against England's on the same national fifths). ``imd_version`` and ``reference_date``
    are accepted for the common interface: none of these words depends on them.
    """
    ods = geography.find_icb(icb_code).ods_code
    out: dict[str, C.Claim] = {}
    hle = _hle_table(ods)
    for r in hle[hle["claim"].notna()].itertuples():
        out[f"hle_vs_england_{r.area_code.lower()}_{r.sex.lower()}_{r.period.replace('-', '_')}"] = r.claim
    low = _hle_lowest(ods)
    for sex, r in low.items():
        out[f"hle_{sex.lower()}_lowest_vs_england"] = _with_preposition(r.claim)
    cvd = _cvd(ods)
    for r in cvd[cvd["claim"].notna()].itertuples():
        out[f"cvd_vs_england_{r.area_code.lower()}_{r.period.replace('-', '_')}"] = r.claim
    out.update(_practice_claims(ods))
    return out


def _practice_claims(ods: str) -> dict[str, C.Claim]:
    out = {}
    grads = _gradients(ods)
    for sex in SEXES:
        s = sex.lower()
        icb, eng = grads[("ICB", sex)], grads[("England", sex)]
        out[f"practice_gap_{s}"] = icb.gap.claim
        out[f"practice_gap_vs_england_{s}"] = _with_preposition(
            C.compare(icb.gap.estimate, icb.england_gap.estimate, comparator_name="England")
        )
        if icb.sii is not None:
            out[f"practice_gap_and_sii_{s}"] = C.gap_and_sii(
                icb.gap, icb.sii, sign="least_minus_most", groups="quintiles"
            )
            out[f"practice_sii_vs_england_{s}"] = _with_preposition(
                C.compare(icb.sii, eng.sii, comparator_name="England")
            )
        out[f"england_practice_gap_{s}"] = eng.gap.claim
        out[f"england_practice_gap_and_sii_{s}"] = _clause(
            C.gap_and_sii(eng.gap, eng.sii, sign="least_minus_most", groups="quintiles")
        )
    return out


def _hle_latest(ods: str) -> pd.DataFrame:
    t = _hle_table(ods)
    return t[t["period"] == t["period"].max()]


def _hle_lowest(ods: str) -> dict[str, object]:
    """The row of the ICB's area with the lowest HLE in the latest period, by sex."""
    lat = _hle_latest(ods)
    out = {}
    for sex in SEXES:
        a = lat[(lat["sex"] == sex) & (lat["kind"] != "england")]
        if a.empty:
            raise ValueError(f"ICB {ods}: ONS publishes no healthy life expectancy for any of its areas")
        out[sex] = a.sort_values(["value", "area_name"]).iloc[0]
    return out


# ----------------------------------------------------------------------------- headlines


def _latest_la(df: pd.DataFrame, sex: str | None = None) -> pd.DataFrame:
    """Published values of the ICB's districts/UAs (not counties, not England) in the latest
    period of ``df``; suppressed values are left out."""
    lat = df[df["period"] == df["period"].max()]
    if sex is not None:
        lat = lat[lat["sex"] == sex]
    return lat[lat["kind"].isin(["unitary", "district"]) & lat["value"].notna()]


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's headline figures (registry ``health_inequalities.yml``) for any ICB.

    Life expectancy range across the ICB's districts/UAs (latest Fingertips period); the widest
    published SII (92901, latest extraction and period) among them and England's; the highest
    under-75 preventable mortality (persons, latest year); the list-size-weighted mean
    practice life expectancy of the ICB's practices. Suppressed values are left out.
    ``imd_version`` is accepted for the common interface; these figures do not depend on it.
    """
    ods = geography.find_icb(icb_code).ods_code
    out: dict[str, float] = {}
    le = _le(ods)
    for sex in SEXES:
        v = _latest_la(le, sex)["value"]
        out[f"le_{sex.lower()}_min_la"] = float(v.min())
        out[f"le_{sex.lower()}_max_la"] = float(v.max())
    sii = _sii(ods)
    sii = sii[sii["source"] == latest_sii_source()]
    for sex in SEXES:
        out[f"sii_{sex.lower()}_max_la"] = float(_latest_la(sii, sex)["value"].max())
        s = sii[(sii["period"] == sii["period"].max()) & (sii["sex"] == sex) & (sii["kind"] == "england")]
        out[f"sii_{sex.lower()}_england"] = float(s["value"].iloc[0])
    out["u75_preventable_max_la"] = float(_latest_la(u75_preventable_table(ods))["value"].max())
    df, _ = practice_table(ods)
    icb = df[df["in_icb"]]
    out["practice_le_male"] = _wmean(icb["le_male"], icb["list_size"])
    out["practice_le_female"] = _wmean(icb["le_female"], icb["list_size"])
    return out


# ----------------------------------------------------------------------------- SII method check (methods page)


@sources.remembered(maxsize=4, national=True)
def sii_backtest(reps: int = 1000) -> pd.DataFrame:
    """The book's SII (:func:`analysis.stats.sii`) recomputed from life expectancy by local
    deprivation decile for England and every local authority (the test data of
    PHEindicatormethods; its period is inferred, as the manifest records), against the published
    92901 value of that period.

    Published comparator: England, counties and UAs from the county/UA extraction (values as
    first published); districts from the 2024 district extraction (revised since first
    publication, so agreement is looser). Areas without all ten deciles are left out (named
    in ``attrs["incomplete"]``). Columns: area_code, area_name, area_type, sex, value,
    lower_ci, upper_ci, published, published_source, comparator (first published / revised),
    difference, agrees.
    """
    dec = mort.le_by_decile()
    complete = dec.groupby(["area_code", "sex"])["decile"].transform("nunique") == 10
    res = stats.sii(
        dec[complete], "value", "population", "decile", group_by=["area_code", "sex"], se="se", reps=reps, seed=1
    )
    period = mort.le_by_decile_period()
    cu = mort.sii_county_ua()
    cu = cu[cu["period"] == period]
    du = mort.sii_district_ua_earlier()
    du = du[du["period"] == period]
    pub = pd.concat(
        [
            cu.assign(comparator="first published"),
            du[~du["area_code"].isin(cu["area_code"])].assign(comparator="revised"),
        ]
    )
    names = pd.concat([cu, du, mort.sii_district_ua()]).drop_duplicates("area_code").set_index("area_code")["area_name"]
    pub = pub[["area_code", "sex", "value", "source", "comparator"]].rename(
        columns={"value": "published", "source": "published_source"}
    )
    res = res.merge(pub, on=["area_code", "sex"], how="left")
    res["area_name"] = res["area_code"].map(names).fillna(res["area_code"])
    res["area_type"] = res["area_code"].map(_area_type)
    res["difference"] = res["value"] - res["published"]
    res["agrees"] = res["difference"].abs() <= BACKTEST_TOLERANCE
    incomplete = sorted(set(dec.loc[~complete, "area_code"]))
    res.attrs["incomplete"] = [str(names.get(c, c)) for c in incomplete]
    return res[
        [
            "area_code",
            "area_name",
            "area_type",
            "sex",
            "value",
            "lower_ci",
            "upper_ci",
            "published",
            "published_source",
            "comparator",
            "difference",
            "agrees",
        ]
    ]


def validation_markdown() -> str:
    """A short section for the methods page: the SII method checked against published 92901
    values (a validation of the method, with its caveats; not evidence about any ICB)."""
    bt = sii_backtest()
    eng = bt[bt["area_code"] == ENGLAND].set_index("sex")
    first = bt[(bt["comparator"] == "first published") & bt["published"].notna()]
    rev = bt[(bt["comparator"] == "revised") & bt["published"].notna()]
    worst = first.loc[first["difference"].abs().idxmax()]

    def y(v, what, dp=1):
        return fmt(v, "years", dp=dp, what=what, lo=-20, hi=25)

    return "\n".join(
        [
            "## Checking the slope index of inequality method",
            "",
            "The health inequalities chapter quotes the slope index of inequality (SII) in life expectancy as OHID "
            "publishes it (Fingertips indicator 92901). The book's own SII, used wherever the book computes one, "
            "follows OHID's method as implemented in the PHEindicatormethods R package. To check it on real data, it "
            "was applied to life expectancy by local deprivation decile for England and every local authority (the "
            "test data that come with PHEindicatormethods) and set against the published values:",
            "",
            f"- England: {y(eng.loc['Male', 'value'], 'England male SII', 2)} recomputed for men against "
            f"{y(eng.loc['Male', 'published'], 'England male SII published')} published; "
            f"{y(eng.loc['Female', 'value'], 'England female SII', 2)} for women against "
            f"{y(eng.loc['Female', 'published'], 'England female SII published')}.",
            f"- England, counties and unitary authorities, against the values as first published: "
            f"{fmt(int(first['agrees'].sum()), 'count')} of {fmt(len(first), 'count')} agree within "
            f"{fmt(BACKTEST_TOLERANCE, dp=2)} years and {fmt(int((first['difference'].abs() <= 0.5).sum()), 'count')} "
            "within half a year; the median difference is "
            f"{y(first['difference'].abs().median(), 'median difference')} and the largest "
            f"{y(abs(worst['difference']), 'largest difference')} ({esc(worst['area_name'])}, "
            f"{esc(worst['sex'].lower())}).",
            f"- Districts, against a later release that revised the series: {fmt(int(rev['agrees'].sum()), 'count')} "
            f"of {fmt(len(rev), 'count')} agree within {fmt(BACKTEST_TOLERANCE, dp=2)} years, as expected when "
            "the published values themselves have moved.",
            "",
            "This is a check of the method, not evidence about any area today. The test file does not state its "
            f"period: its SIIs match the published {mort.le_by_decile_period()} values, so that period is inferred. It "
            "uses deprivation deciles from the English Indices of Deprivation 2015 and covers "
            f"{esc(sources.dataset_meta(mort.DECILE_DS)['geography'])}, and the published values it is compared with "
            "are rounded to one decimal place. "
            f"{_names(bt.attrs['incomplete'])} {'has' if len(bt.attrs['incomplete']) == 1 else 'have'} too few "
            "neighbourhoods to form ten deciles and "
            f"{'is' if len(bt.attrs['incomplete']) == 1 else 'are'} left out.",
        ]
    )


# ----------------------------------------------------------------------------- figures


def _fig_imports():
    import matplotlib.pyplot as plt

    from .. import figures as F

    return plt, F


_LINE_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "<", ">", "h", "*", "p"]
_LINE_STYLES = ["-", "--", "-.", ":"]


def _area_style(i: int, F) -> dict:
    palette = [
        F.NHS_BLUE,
        F.NHS_AQUA_GREEN,
        F.NHS_ORANGE,
        "#8A1538",
        F.NHS_WARM_YELLOW,
        F.NHS_LIGHT_BLUE,
        "#330072",
        "#78BE20",
    ]
    return {
        "color": palette[i % len(palette)],
        "marker": _LINE_MARKERS[i % len(_LINE_MARKERS)],
        "linestyle": _LINE_STYLES[(i // len(palette)) % len(_LINE_STYLES)],
    }


def _legend_below(fig, axes, ncol: int = 4) -> None:
    handles, labels = {}, []
    for ax in np.atleast_1d(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    fig.tight_layout()
    fig.legend(
        [handles[lab] for lab in labels],
        labels,
        loc="upper center",
        ncol=min(ncol, len(labels)),
        fontsize=8.5,
        bbox_to_anchor=(0.5, 0.0),
    )


def fig_le_trend(le: pd.DataFrame):
    """Life expectancy over time, one panel per sex, each LA a line, England dashed black; the
    latest (possibly provisional) period shaded."""
    plt, F = _fig_imports()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.8))
    periods = sorted(le["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    areas = [a for a in le.loc[le["kind"] != "england", "area_name"].drop_duplicates()]
    for ax, sex in zip(axes, SEXES):
        d = le[le["sex"] == sex]
        for i, a in enumerate(areas):
            s = d[(d["area_name"] == a) & d["value"].notna()].sort_values("period")
            if len(s):
                ax.plot(s["period"].map(x), s["value"], lw=1.4, ms=4, label=a, **_area_style(i, F))
        e = d[d["kind"] == "england"].sort_values("period")
        ax.plot(e["period"].map(x), e["value"], color=F.NHS_BLACK, lw=2.4, ls="--", marker="o", ms=5, label="England")
        for p in d.loc[d["provisional"], "period"].unique():
            ax.axvspan(x[p] - 0.4, x[p] + 0.4, color=F.NHS_PALE_GREY, zorder=0)
            # above the plot area (right of the title), never over the latest points
            ax.annotate(
                "shaded: latest, may be provisional",
                (x[p] + 0.4, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=7.5,
                color=F.NHS_DARK_GREY,
            )
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8.5)
        ax.set_title(sex)
        ax.set_ylabel("Life expectancy at birth (years)")
    _legend_below(fig, axes)
    return fig


def fig_hle(hle_latest: pd.DataFrame):
    """Latest HLE (dot with 95% CI; colour and marker by comparison with England) and LE
    (hollow diamond, where published) per area, England in black."""
    plt, F = _fig_imports()
    order = {"england": 0, "county": 1, "unitary": 2, "district": 3}
    names = list(
        hle_latest.assign(_o=hle_latest["kind"].map(order))
        .sort_values(["_o", "area_name"])
        .drop_duplicates("area_name")["area_name"]
    )
    fig, axes = plt.subplots(1, 2, figsize=(9, 1.6 + 0.5 * max(len(names), 3)), sharey=True)
    y = {n: i for i, n in enumerate(reversed(names))}
    for ax, sex in zip(axes, SEXES):
        h = hle_latest[hle_latest["sex"] == sex]
        ax.errorbar(
            h["value"],
            h["area_name"].map(y),
            xerr=[h["value"] - h["lower_ci"], h["upper_ci"] - h["value"]],
            fmt="none",
            ecolor=F.NHS_MID_GREY,
            capsize=3,
            lw=1,
        )
        e = h[h["kind"] == "england"]
        ax.plot(e["value"], e["area_name"].map(y), "o", color=F.NHS_BLACK, ms=7, label="England")
        for sig in ("better", "similar", "worse"):
            s = h[h["significance"] == sig]
            if len(s):
                st = F.SIGNIFICANCE[sig]
                ax.plot(
                    s["value"],
                    s["area_name"].map(y),
                    ls="none",
                    marker=st["marker"],
                    ms=8,
                    color=st["colour"],
                    markeredgecolor=F.NHS_DARK_GREY,
                    label=f"Healthy life expectancy: {st['label'][:1].lower()}{st['label'][1:]}",
                )
        lv = h[h["le"].notna()]
        ax.plot(
            lv["le"],
            lv["area_name"].map(y),
            "D",
            color=F.NHS_DARK_BLUE,
            markerfacecolor="white",
            ms=7,
            label="Life expectancy",
        )
        for r in lv.itertuples():
            ax.plot([r.value, r.le], [y[r.area_name]] * 2, color=F.NHS_MID_GREY, lw=1, zorder=0, ls=":")
            ax.annotate(
                f"{r.le - r.value:.1f} yrs",
                ((r.value + r.le) / 2, y[r.area_name] + 0.18),
                ha="center",
                fontsize=7.5,
                color=F.NHS_DARK_GREY,
            )
        ax.set_yticks(list(y.values()), list(y.keys()))
        ax.set_ylim(-0.6, len(names) - 0.3)  # room for the label above the top row
        ax.set_title(sex)
        ax.set_xlabel("Years")
    _legend_below(fig, axes, ncol=3)
    return fig


#: How each release is drawn: line style, filled markers, and the words for the caption.
_RELEASE_STYLE = {
    "latest": ("-", True, "solid lines, filled markers: latest release"),
    "earlier": ("--", False, "dashed lines, hollow markers: earlier release"),
    "county": (":", False, "dotted lines, hollow markers: the county and unitary release"),
}


def _releases_drawn(sii: pd.DataFrame) -> list[str]:
    """The extractions with values in ``sii``, latest first."""
    order = list(_RELEASE_STYLE)
    return sorted(set(sii.loc[sii["value"].notna(), "source"]), key=lambda s: (order.index(_release_role(s)), s))


def fig_sii_trend(sii: pd.DataFrame):
    """Published SII over time for counties/UAs and England: each Fingertips release is its own
    line (solid filled = latest, dashed hollow = earlier release, dotted hollow = county and UA
    release); lines never join two releases."""
    plt, F = _fig_imports()
    from matplotlib.lines import Line2D

    d = sii[sii["kind"].isin(["county", "unitary", "england"]) & sii["value"].notna()]
    periods = sorted(d["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.8), sharey=True)
    areas = [a for a in d.loc[d["kind"] != "england", "area_name"].drop_duplicates()] + ["England"]
    colours = {a: (_area_style(i, F)["color"] if a != "England" else F.NHS_BLACK) for i, a in enumerate(areas)}
    markers = {a: (_area_style(i, F)["marker"] if a != "England" else "o") for i, a in enumerate(areas)}
    for ax, sex in zip(axes, SEXES):
        s = d[d["sex"] == sex]
        for a in areas:
            for src, t in s[s["area_name"] == a].groupby("source"):
                ls, filled, _ = _RELEASE_STYLE[_release_role(src)]
                t = t.sort_values("period")
                ax.plot(
                    t["period"].map(x),
                    t["value"],
                    color=colours[a],
                    ls=ls,
                    lw=1.6,
                    marker=markers[a],
                    ms=5,
                    markerfacecolor=colours[a] if filled else "white",
                )
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8.5)
        ax.set_title(sex)
        ax.set_ylabel("Slope index of inequality (years)")
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    area_handles = [Line2D([], [], color=colours[a], marker=markers[a], lw=1.6, label=a) for a in areas]
    rel_handles = [
        Line2D(
            [],
            [],
            color=F.NHS_DARK_GREY,
            ls=_RELEASE_STYLE[_release_role(k)][0],
            marker="o",
            markerfacecolor=F.NHS_DARK_GREY if _RELEASE_STYLE[_release_role(k)][1] else "white",
            label=_release_label(k),
        )
        for k in _releases_drawn(d)
    ]
    fig.legend(
        handles=area_handles,
        loc="upper center",
        ncol=min(4, len(area_handles)),
        fontsize=8.5,
        bbox_to_anchor=(0.5, 0.0),
    )
    fig.legend(
        handles=rel_handles,
        loc="upper center",
        ncol=1,
        fontsize=8.5,
        bbox_to_anchor=(0.5, -0.06 - 0.05 * int(np.ceil(len(area_handles) / 4))),
    )
    return fig


def fig_sii_latest(latest: pd.DataFrame, england: dict[str, float]):
    """Latest published SII per district/UA (dot plot), with England as a vertical line."""
    plt, F = _fig_imports()
    names = list(latest.drop_duplicates("area_name").sort_values("area_name")["area_name"])
    y = {n: i for i, n in enumerate(reversed(names))}
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.42 * max(len(names), 3)))
    for sex, mk, col, off in (("Male", "o", F.NHS_DARK_BLUE, 0.12), ("Female", "^", F.NHS_AQUA_GREEN, -0.12)):
        s = latest[latest["sex"] == sex]
        ax.plot(s["value"], s["area_name"].map(y) + off, ls="none", marker=mk, ms=7, color=col, label=sex)
        ax.axvline(england[sex], color=col, ls="--", lw=1.2, label=f"England, {sex.lower()}")
    ax.set_yticks(list(y.values()), list(y.keys()))
    ax.set_xlabel("Slope index of inequality in life expectancy (years)")
    ax.set_xlim(left=min(0, float(latest["value"].min()) - 0.5))
    fig.tight_layout()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8.5)
    return fig


def fig_premature(u75: pd.DataFrame, cvd: pd.DataFrame):
    """Latest under-75 preventable and preventable CVD mortality per area, England line, marker
    and colour by comparison with England (words in the legend)."""
    plt, F = _fig_imports()
    names = sorted((set(u75["area_name"]) | set(cvd["area_name"])) - {"England"})
    y = {n: i for i, n in enumerate(reversed(names))}
    fig, axes = plt.subplots(1, 2, figsize=(9, 1.4 + 0.42 * max(len(names), 3)), sharey=True)
    for ax, d, title in (
        (axes[0], u75, "All preventable causes"),
        (axes[1], cvd, "Preventable cardiovascular disease"),
    ):
        a = d[d["kind"] != "england"]
        eng = float(d.loc[d["kind"] == "england", "value"].iloc[0])
        if "lower_ci" in a and a["lower_ci"].notna().any():
            ax.errorbar(
                a["value"],
                a["area_name"].map(y),
                xerr=[a["value"] - a["lower_ci"], a["upper_ci"] - a["value"]],
                fmt="none",
                ecolor=F.NHS_MID_GREY,
                capsize=2,
                lw=1,
            )
        for sig, st in F.SIGNIFICANCE.items():
            s = a[a["significance"] == sig]
            if len(s):
                ax.plot(
                    s["value"],
                    s["area_name"].map(y),
                    ls="none",
                    marker=st["marker"],
                    ms=8,
                    color=st["colour"],
                    markeredgecolor=F.NHS_DARK_GREY,
                    label=st["label"],
                )
        ax.axvline(eng, color=F.NHS_BLACK, ls="--", lw=1.2, label="England")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("Deaths under 75 per 100,000\n(age-standardised)")
        ax.set_xlim(left=0)
        ax.set_yticks(list(y.values()), list(y.keys()))
    _legend_below(fig, axes)
    return fig


def fig_practices(df: pd.DataFrame, summary: pd.DataFrame, icb_label: str):
    """Practice LE against practice IMD score: England's practices grey, the ICB's practices
    blue (area ~ list size); lines: list-size-weighted mean LE by national practice quintile
    (ICB: quintiles with at least MIN_PRACTICES practices, with 95% CIs)."""
    plt, F = _fig_imports()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6), sharex=True)
    for ax, sex in zip(axes, SEXES):
        col = _le_col(sex)
        eng = df[df[col].notna()]
        icb = eng[eng["in_icb"]]
        # each mean sits at the median score of the practices it averages (the ICB's practices in a
        # national fifth can sit at one end of it)
        qmid = {
            "England": eng.groupby("practice_quintile")["imd_score"].median(),
            "ICB": icb.groupby("practice_quintile")["imd_score"].median(),
        }
        ax.scatter(
            eng["imd_score"], eng[col], s=4, color=F.CONTEXT, alpha=0.5, label="Practices in England", rasterized=True
        )
        ax.scatter(
            icb["imd_score"],
            icb[col],
            s=np.clip(icb["list_size"] / 600, 6, 80),
            color=F.NHS_BLUE,
            edgecolor="white",
            linewidth=0.5,
            label=f"Practices in {icb_label}",
        )
        for scope, st in (
            ("England", {"color": F.NHS_BLACK, "marker": "s", "ls": "--"}),
            ("ICB", {"color": F.NHS_ORANGE, "marker": "D", "ls": "-"}),
        ):
            s = summary[(summary["scope"] == scope) & (summary["sex"] == sex) & summary["used"]]
            label = "England" if scope == "England" else icb_label
            ax.errorbar(
                s["quintile"].map(qmid[scope]),
                s["value"],
                yerr=[s["value"] - s["lower_ci"], s["upper_ci"] - s["value"]],
                lw=2,
                ms=6,
                markeredgecolor="white",
                capsize=3,
                label=f"{label}: weighted mean by national quintile (95% CI)",
                **st,
            )
        ax.set_title(sex)
        ax.set_xlabel("Practice IMD 2019 score\n(higher = more deprived)")
        ax.set_ylabel("Practice-population life expectancy (years)")
    _legend_below(fig, axes, ncol=2)
    return fig


# ----------------------------------------------------------------------------- the chapter


def _range_phrase(rows: pd.DataFrame, what: str, *, hi: float = 120) -> str:
    """'ranges from 78.6 years in Worcester to 81.4 years in Bromsgrove', or, with one area,
    'is 81.0 years in Cornwall, the only one with a published figure'."""
    rows = rows.sort_values(["value", "area_name"])
    lo_r, hi_r = rows.iloc[0], rows.iloc[-1]
    if len(rows) == 1:
        return (
            f"is {_years(lo_r['value'], what, hi=hi)} in {esc(lo_r['area_name'])}, the only one with a published figure"
        )
    return (
        f"ranges from {_years(lo_r['value'], what, hi=hi)} in {esc(lo_r['area_name'])} to "
        f"{_years(hi_r['value'], what, hi=hi)} in {esc(hi_r['area_name'])}"
    )


def _ci_text(lo: float, hi: float, what: str) -> str:
    return f"{_years(lo, what, lo=-40)} to {_years(hi, what, lo=-40)}".replace(" years to", " to")


#: The comparison with England of a single area, in full.
_VERSUS_ENGLAND = {
    "worse": "significantly worse than England",
    "better": "significantly better than England",
    "similar": "similar to England",
}


def _counts_phrase(codes: pd.Series, words: dict[str, str], of_what: str, names: pd.Series | None = None) -> str:
    """'worse than England in 0 of the 7 local authorities, better in 4 and similar in 3'
    (``words``: claim code -> words, in the order said); for a single area (``names`` given),
    'significantly better than England in Surrey'."""
    if codes.empty:
        return "not published for any of the ICB's areas"
    if len(codes) == 1 and names is not None:
        return f"{_VERSUS_ENGLAND[codes.iloc[0]]} in {esc(names.iloc[0])}"
    n = {k: int((codes == k).sum()) for k in words}
    first, *rest = list(words)
    parts = [f"{words[first]} in {fmt(n[first], 'count')} of the {of_what}"]
    parts += [f"{words[k]} in {fmt(n[k], 'count')}" for k in rest]
    return _and(parts)


def _lower_type(area_type: str) -> str:
    """'Unitary authority' -> 'unitary authority'; 'London borough' keeps its capital."""
    return area_type if area_type.startswith("London") else area_type[:1].lower() + area_type[1:]


def _table_headers(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(
        columns={
            "area_code": "Area code",
            "area_name": "Area",
            "area_type": "Type of area",
            "sex": "Sex",
            "period": "Period",
        }
    )


def _suppressed_note(ods: str) -> str:
    le, sii, u75 = _le(ods), _sii(ods), u75_preventable_table(ods)
    sii = sii[sii["source"] == latest_sii_source()]
    named = {}
    for what, df in (
        ("life expectancy", le),
        ("the slope index of inequality", sii),
        ("under-75 mortality from preventable causes", u75),
    ):
        for name in suppressed_areas(df, df["period"].max()):
            named.setdefault(name, []).append(what)
    if not named:
        return ""
    return " ".join(
        f"No figure is published for {esc(a)} for {_and(w)} in the latest period (too few deaths, "
        "so Fingertips suppresses it); it is left out of every range and count below."
        for a, w in named.items()
    )


def build(icb_code: str, imd_version: int = 2019, data_dir=None, reference_date="") -> Chapter:
    """Make the chapter for one ICB: every figure, table and box (shown by the notebook with
    ``ch.show(name)``), every glued word and number, the headline figures; saves and returns it."""
    from .. import figures as F

    icb = geography.find_icb(icb_code)
    ods = icb.ods_code
    ref = _reference(reference_date)
    F.style()
    ch = Chapter(CHAPTER, data_dir, icb=icb)
    words = claims(ods, imd_version, ref)
    ctx = {"icb": icb, "ods": ods, "ref": ref, "claims": words}
    # Words shown in tables and figures (one per area and period) are kept for the audit; the
    # ones in sentences are glued where the notebook uses them.
    for key, claim in words.items():
        if key.startswith(("hle_vs_england_", "cvd_vs_england_")):
            ch.claims[key] = claim
    _build_intro(ch, ctx)
    _build_le(ch, ctx)
    _build_hle(ch, ctx)
    _build_sii(ch, ctx)
    _build_premature(ch, ctx)
    _build_practices(ch, ctx, imd_version)
    _build_headlines(ch, ctx)
    ch.save()
    return ch


def _build_intro(ch: Chapter, ctx: dict) -> None:
    icb, ods = ctx["icb"], ctx["ods"]
    areas, partial = _areas(ods)
    ch.text("icb_name", icb.name)
    ch.say("area_list", "; ".join(f"{esc(r.area_name)} ({_lower_type(r.area_type)})" for r in areas.itertuples()))
    ch.say(
        "partial_areas_sentence",
        ""
        if partial.empty
        else (
            f"Local authorities with fewer than half of their neighbourhoods in the ICB are left out of the "
            f"comparisons: {_names(partial['lad_name'])}."
        ),
    )
    ch.say("suppressed_sentence", _suppressed_note(ods))


def _build_le(ch: Chapter, ctx: dict) -> None:
    ods, ref = ctx["ods"], ctx["ref"]
    le = _le(ods)
    period = le["period"].max()
    ch.text("le_period", period)
    ch.text("le_currency", _currency(_period_end(period), ref, mort.LE_DS).label)
    eng = le[(le["period"] == period) & (le["kind"] == "england")].set_index("sex")["value"]
    for sex in SEXES:
        s = sex.lower()
        ch.say(f"le_{s}_range", _range_phrase(_latest_la(le, sex), f"{s} life expectancy"))
        ch.text(f"le_{s}_england", _years(eng[sex], f"England {s} life expectancy"))
    ch.figure(
        fig_le_trend(le),
        "le_trend",
        alt=(
            f"Two line charts of life expectancy at birth from {esc(le['period'].min())} to {esc(period)}, men and "
            f"women, for each district and unitary authority of the ICB and England. In {esc(period)} male life "
            f"expectancy {_range_phrase(_latest_la(le, 'Male'), 'male life expectancy')}; England "
            f"{_years(eng['Male'], 'England male LE')}."
        ),
        caption=(
            f"Life expectancy at birth by local authority and sex, 3-year periods. The shaded latest period, "
            f"{period}, may be provisional."
        ),
        source=SOURCES["le"],
        data=_table_headers(
            le[["area_code", "area_name", "area_type", "sex", "period", "value", "provisional"]]
        ).rename(columns={"value": "Life expectancy (years)", "provisional": "Latest period, may be provisional"}),
        defer=True,
    )
    tab = le.pivot_table(index=["area_name", "area_type", "sex"], columns="period", values="value").reset_index()
    tab = _table_headers(tab.rename_axis(columns=None))
    periods = sorted(c for c in tab.columns if str(c)[:2] == "20")
    ch.table(
        tab,
        "life_expectancy",
        f"Life expectancy at birth (years) by local authority and sex, 3-year periods; {period} may be provisional",
        source=SOURCES["le"],
        formats={p: "{:.1f}" for p in periods},
        show_columns=["Area", "Sex", *periods[-4:]],
        notes="A dash means no value is published.",
        defer=True,
    )
    notes = [
        f"The {esc(period)} figures are the newest in the extract and may be provisional; values for earlier "
        "periods are revised when ONS revises population estimates. Figures are rounded to one decimal place "
        "and the extract has no confidence intervals, so differences between areas are not tested here."
    ]
    missing = missing_areas(le, _areas(ods)[0], ("county",))
    if missing:
        notes.append(
            f"Life expectancy is published here for districts and unitary authorities only: no figure for "
            f"{_names(missing)} as a whole is in this file, and averaging its districts would not "
            "reproduce it."
        )
    ch.box("le_notes", " ".join(notes), kind="warning")


def _build_hle(ch: Chapter, ctx: dict) -> None:
    ods, ref = ctx["ods"], ctx["ref"]
    t = _hle_table(ods)
    lat = _hle_latest(ods)
    period = lat["period"].iloc[0]
    ch.text("hle_period", period)
    ch.text("hle_currency", _currency(_period_end(period), ref, mort.HLE_DS).label)
    low = _hle_lowest(ods)
    for sex in SEXES:
        s = sex.lower()
        a = lat[(lat["sex"] == sex) & (lat["kind"] != "england")]
        e = lat[(lat["sex"] == sex) & (lat["kind"] == "england")].iloc[0]
        ch.say(f"hle_{s}_range", _range_phrase(a, f"{s} HLE", hi=90))
        ch.text(f"hle_{s}_england", _years(e["value"], f"England {s} HLE"))
        r = low[sex]
        ci = f"(95% confidence interval {_ci_text(r['lower_ci'], r['upper_ci'], 'HLE CI')})"
        ch.say(
            f"hle_{s}_lowest",
            (
                f"the lowest {s} healthy life expectancy among the ICB's areas is {_years(r['value'], 'lowest HLE')} in "
                f"{esc(r['area_name'])} {ci}"
                if len(a) > 1
                else f"{s} healthy life expectancy in {esc(r['area_name'])}, the only one of the ICB's areas that ONS "
                f"publishes, is {_years(r['value'], 'HLE')} {ci}"
            ),
        )
        ch.claim(f"hle_{s}_lowest_vs_england", ctx["claims"][f"hle_{s}_lowest_vs_england"])
        ch.say(
            f"hle_{s}_counts",
            _counts_phrase(
                a["significance"],
                {"worse": "significantly worse than England", "similar": "similar", "better": "significantly better"},
                plural(len(a), "area"),
                a["area_name"],
            ),
        )
        ge = e["le"] - e["value"]
        ch.text(f"poor_health_{s}_england", _years(ge, "England years in poor health", lo=0, hi=40))
    both = lat[lat["le"].notna() & (lat["kind"] != "england") & (lat["sex"] == "Male")]
    if both.empty:
        sentence = (
            "Life expectancy here is published for districts and unitary authorities and healthy life "
            "expectancy for counties and unitary authorities, so none of the ICB's areas has both for the "
            "same place and the years lived in less than good health are shown for England only."
        )
    else:
        w = both.sort_values(["poor_health_years", "area_name"]).iloc[-1]
        most = f", the most of the ICB's {fmt(len(both), 'count')} such areas" if len(both) > 1 else ""
        sentence = (
            f"Where both are published for the same place, men in {esc(w['area_name'])} can expect to live "
            f"{_years(w['poor_health_years'], 'poor health years', lo=0, hi=40)} of their lives in less than "
            f"good health{most}."
        )
    ch.say("poor_health_sentence", sentence)
    ch.figure(
        fig_hle(lat),
        "hle_gap",
        alt=(
            f"Dot charts of healthy life expectancy with 95% confidence intervals in {esc(period)} for men and "
            f"women in {_names(lat['area_name'].unique())}, coloured and shaped by comparison with England, "
            f"with life expectancy as hollow diamonds where published for the same place. Male healthy life "
            f"expectancy {_range_phrase(lat[(lat['sex'] == 'Male') & (lat['kind'] != 'england')], 'HLE', hi=90)}."
        ),
        caption=(
            f"Healthy life expectancy at birth (95% confidence interval), {period}: better, similar or worse "
            "than England by whether its interval lies wholly above, includes or lies wholly below England's "
            "value; hollow diamonds: life expectancy where published for the same place, with the years "
            "lived in less than good health."
        ),
        source=f"{SOURCES['hle']}; {SOURCES['le']}",
        data=_hle_csv(lat),
        defer=True,
    )
    ch.table(
        _hle_csv(t),
        "le_hle_gap",
        "Healthy life expectancy at birth (years, 95% confidence interval), compared with England, with life "
        "expectancy and the years lived in less than good health where both are published for the same place",
        source=f"{SOURCES['hle']}; {SOURCES['le']}",
        formats={"Healthy life expectancy (years, 95% CI)": "{}", "Years in less than good health": "{:.1f}"},
        show_columns=[
            "Area",
            "Sex",
            "Period",
            "Healthy life expectancy (years, 95% CI)",
            "Compared with England",
            "Years in less than good health",
        ],
        newest_first="Period",
        notes="A dash means the value is not published for that place and period.",
        defer=True,
    )
    notes = []
    no_hle = missing_areas(_hle(ods), _areas(ods)[0], ("district",))
    if no_hle:
        notes.append(
            f"ONS does not publish healthy life expectancy for shire districts ({_names(no_hle)}): it is "
            "shown for their county instead, for which these files have no life expectancy, so the years "
            "in less than good health cannot be computed there."
        )
    notes.append(
        "Healthy life expectancy comes from a survey question on general health (Annual Population Survey) "
        "and is an official statistic in development; ONS used an interim modelling method for recent "
        "periods. Local intervals are wide: differences between neighbouring periods are often within them."
    )
    ch.box("hle_notes", " ".join(notes), kind="warning")


def _hle_csv(t: pd.DataFrame) -> pd.DataFrame:
    out = t[
        [
            "area_code",
            "area_name",
            "area_type",
            "sex",
            "period",
            "value",
            "lower_ci",
            "upper_ci",
            "significance",
            "le",
            "le_provisional",
            "poor_health_years",
        ]
    ].copy()
    out["significance"] = out["significance"].str.capitalize()
    out["le_provisional"] = out["le_provisional"].map({True: "Yes", False: "No"})
    out.insert(5, "hle_ci", out.apply(_ci_cell, axis=1))
    return _table_headers(out).rename(
        columns={
            "hle_ci": "Healthy life expectancy (years, 95% CI)",
            "value": "Healthy life expectancy (years)",
            "lower_ci": "Lower 95% CI",
            "upper_ci": "Upper 95% CI",
            "significance": "Compared with England",
            "le": "Life expectancy (years)",
            "le_provisional": "Life expectancy may be provisional",
            "poor_health_years": "Years in less than good health",
        }
    )


def _build_sii(ch: Chapter, ctx: dict) -> None:
    ods, ref = ctx["ods"], ctx["ref"]
    areas = _areas(ods)[0]
    sii = _sii(ods)
    latest = sii[sii["source"] == latest_sii_source()]
    period = latest["period"].max()
    lat_la = _latest_la(latest)
    eng = latest[(latest["period"] == period) & (latest["kind"] == "england")].set_index("sex")["value"]
    plan = plan_comparison(ods)
    pe = plan[plan["kind"] == "england"].iloc[0]
    plan_period = plan_quotes().period
    ch.text("sii_period", period)
    ch.text("sii_currency", _currency(_period_end(period), ref, mort.SII_DS).label)
    ch.text("plan_period", plan_period)
    ch.text("sii_male_england_plan_period", _years(pe["sii_plan_period"], "England SII plan period"))
    for sex in SEXES:
        s = sex.lower()
        a = lat_la[lat_la["sex"] == sex]
        ch.text(f"sii_{s}_england", _years(eng[sex], f"England {s} SII"))
        ch.say(f"sii_{s}_range", _range_phrase(a, f"{s} SII"))
        widest = a.sort_values(["value", "area_name"]).iloc[-1]
        if sex == "Male":
            ch.say(
                "sii_male_widest",
                (
                    f"is widest in {esc(widest['area_name'])}: {_years(widest['value'], 'SII')}"
                    if len(a) > 1
                    else f"is {_years(widest['value'], 'SII')} in "
                    f"{esc(widest['area_name'])}, the only one of the ICB's areas with a published value"
                ),
            )
        n_above = int((a["value"] > eng[sex]).sum())
        ch.say(
            f"sii_{s}_above_england",
            f"The published {s} SII is above England's in {fmt(n_above, 'count')} of the "
            f"{plural(len(a), 'local authority', 'local authorities')} with a published value.",
        )
    rev = sii_revision_summary()
    ch.say(
        "sii_revision",
        (
            f"over the {fmt(rev['n'], 'count')} values published in both the earlier and the latest "
            f"release ({esc(rev['periods'][0])} to {esc(rev['periods'][-1])}), the latest differs by a "
            f"median of {_years(rev['median'], 'revision', lo=0, hi=10)} and by up to "
            f"{_years(rev['max'], 'revision', lo=0, hi=20)}"
        ),
    )
    trend = sii[sii["kind"].isin(["county", "unitary", "england"])]
    drawn = _releases_drawn(trend)
    releases = [_release_label(k) for k in drawn]
    ch.figure(
        fig_sii_trend(sii),
        "sii_trend",
        alt=(
            f"Two line charts of the published slope index of inequality in life expectancy over time for men "
            f"and women in {_names(trend.loc[trend['kind'] != 'england', 'area_name'].unique())} and England, "
            f"one line per area and Fingertips release ({_and(r.lower() for r in releases)}). England's male "
            f"SII is {_years(eng['Male'], 'SII')} in {esc(period)} in the latest release."
        ),
        caption=(
            "Slope index of inequality in life expectancy at birth, counties, unitary authorities and England. "
            "Each Fingertips release is drawn as its own line and lines never join two releases: Fingertips "
            "revised the whole series between releases, so where two releases overlap their values for the "
            f"same period differ ({'; '.join(_RELEASE_STYLE[_release_role(k)][2] for k in drawn)})."
        ),
        source=SOURCES["sii"],
        data=_sii_csv(trend),
        defer=True,
    )
    plan_col = f"Male SII {plan_period}, first published (years)"
    ch.table(
        _table_headers(plan.drop(columns=["kind", "latest_source"])).rename(
            columns={
                "sii_plan_period": plan_col,
                "latest_period": "Latest period",
                "sii_latest": "Male SII, latest (years)",
                "change": "Change (years)",
                "latest_release": "Release of the latest value",
            }
        ),
        "sii_plan_period",
        f"Male slope index of inequality in life expectancy (years): {plan_period} as first "
        "published, and the latest published value",
        source=SOURCES["sii"],
        formats={plan_col: "{:.1f}", "Male SII, latest (years)": "{:.1f}", "Change (years)": "{:+.1f}"},
        show_columns=["Area", plan_col, "Latest period", "Male SII, latest (years)", "Change (years)"],
        notes="The change spans two releases, so it mixes real change with Fingertips' revisions.",
        defer=True,
    )
    _plan_box(ch, ctx, plan)
    ch.figure(
        fig_sii_latest(lat_la, {s: float(eng[s]) for s in SEXES}),
        "sii_latest",
        alt=(
            f"Dot chart of the slope index of inequality in life expectancy in {esc(period)} for men (circles) and "
            f"women (triangles) in each district and unitary authority of the ICB, with England's values as "
            f"dashed lines ({_years(eng['Male'], 'SII')} men, {_years(eng['Female'], 'SII')} women). Male SII "
            f"{_range_phrase(lat_la[lat_la['sex'] == 'Male'], 'SII')}."
        ),
        caption=f"Slope index of inequality in life expectancy at birth, {period}, districts and unitary "
        "authorities, latest Fingertips release; dashed lines: England.",
        source=SOURCES["sii"],
        data=_sii_csv(latest[latest["period"] == period]),
        defer=True,
    )
    ch.table(
        _sii_csv(sii),
        "sii_series",
        "Published slope index of inequality in life expectancy (years) by place, "
        "sex, 3-year period and Fingertips release (one row per release: values of two releases are never mixed)",
        source=SOURCES["sii"],
        formats={"Slope index of inequality (years)": "{:.1f}"},
        show_columns=["Area", "Sex", "Period", "Slope index of inequality (years)", "Release"],
        newest_first="Period",
        notes="A dash means the value is suppressed.",
        defer=True,
    )
    notes = [
        "Fingertips publishes no confidence intervals with these values, so whether an area's SII differs from "
        "England's by more than chance cannot be judged here; SIIs of small districts are uncertain."
    ]
    counties = areas[areas["kind"] == "county"]
    if len(counties):
        notes.append(
            f"For {_names(counties['area_name'])} the county-wide SII is available here only to the last "
            f"period of the county and unitary release ({esc(sii.loc[sii['kind'] == 'county', 'period'].max())}); "
            "later periods are published for its districts, and a county SII cannot be derived from "
            "district SIIs."
        )
    missing = missing_areas(sii, areas, ("county", "unitary", "district"))
    if missing:
        notes.append(
            f"No published SII in these files for {_names(missing)} (the area did not exist in the "
            "geography of the extraction that covers it)."
        )
    ch.box("sii_notes", " ".join(notes), kind="warning")


def _sii_csv(sii: pd.DataFrame) -> pd.DataFrame:
    return _table_headers(sii[["area_code", "area_name", "area_type", "sex", "period", "value", "release"]]).rename(
        columns={"value": "Slope index of inequality (years)", "release": "Release"}
    )


def _plan_box(ch: Chapter, ctx: dict, plan: pd.DataFrame) -> None:
    """What the ICB's plan (or, for any ICB, plans of that time) quote, looked up in the data."""
    ref = ctx["ref"]
    registry = plan_quotes()
    period = registry.period
    rows = plan[plan["kind"] != "england"]
    known = rows[rows["sii_plan_period"].notna()]
    if known.empty:
        first = (
            f"No male slope index of inequality for {period}, the period older local plans quote, "
            "is published for the ICB's current counties and unitary authorities: they were formed later."
        )
    else:
        first = (
            f"The male slope index of inequality first published for {period}, the period older local "
            "plans quote, is "
            + _and(f"{_years(r.sii_plan_period, 'plan SII')} in {esc(r.area_name)}" for r in known.itertuples())
            + "."
        )
    latest = []
    for r in rows[rows["sii_latest"].notna()].itertuples():
        cur = _currency(_period_end(r.latest_period), ref, mort.SII_DS)
        when = esc(r.latest_period) + (f"; {esc(cur.label)}" if cur.out_of_date else "")
        extra = (
            "; the last period published for the county here, later values exist only for its districts"
            if r.kind == "county"
            else ""
        )
        latest.append(f"{_years(r.sii_latest, 'latest SII')} in {esc(r.area_name)} ({when}{extra})")
    text = first + (
        (" The latest published values are " if len(latest) > 1 else " The latest published value is ")
        + _and(latest)
        + "."
        if latest
        else ""
    )
    quote = registry.quotes.get(ctx["ods"])
    if quote is not None:
        got = plan.set_index("area_code")["sii_plan_period"]
        wrong = {c: v for c, v in quote.quoted.items() if got.get(c) != v}
        if wrong:
            raise ValueError(
                f"the plan's SII figures {wrong} are not the published male SII for {period} "
                f"({got.to_dict()}): check {PLAN_QUOTES_FILE.name}"
            )
        text = (
            f"{esc(quote.plan)}: \u201c{esc(quote.quote)}\u201d. These are the published male slope indices of "
            f"inequality for {period}, as first published." + text[len(first) :]
        )
    ch.box(
        "plan_figures", text, title="What the plan said" if quote is not None else "What local plans quote", kind="note"
    )


_JUDGED = {"worse": "significantly worse than England", "better": "significantly better", "similar": "similar"}


def _glue_latest_rates(ch: Chapter, prefix: str, df: pd.DataFrame, ref, areas_word: tuple[str, str]):
    """Glue the latest period, its currency, England's rate and the counts by comparison with
    England of one mortality series; return (latest rows, the ICB's rows, England's rate, period)."""
    period = df["period"].max()
    lat = df[(df["period"] == period) & df["value"].notna()]
    la = lat[lat["kind"] != "england"]
    eng = float(lat.loc[lat["kind"] == "england", "value"].iloc[0])
    ch.text(f"{prefix}_period", period)
    ch.text(f"{prefix}_currency", _currency(_period_end(period), ref, mort.MORT_DS).label)
    ch.text(f"{prefix}_england", fmt(eng, "rate", what=f"England {prefix} rate"))
    ch.say(
        f"{prefix}_counts", _counts_phrase(la["significance"], _JUDGED, plural(len(la), *areas_word), la["area_name"])
    )
    return lat, la, eng, period


def _build_premature(ch: Chapter, ctx: dict) -> None:
    ods, ref = ctx["ods"], ctx["ref"]
    u75 = u75_preventable_table(ods)
    u_lat, u_la, u_eng, year = _glue_latest_rates(ch, "u75", u75, ref, ("local authority", "local authorities"))
    cvd = _cvd(ods)
    c_lat, c_la, c_eng, period = _glue_latest_rates(ch, "cvd", cvd, ref, ("area", "areas"))
    ch.figure(
        fig_premature(u_lat, c_lat),
        "premature_mortality",
        alt=(
            f"Two dot charts of under-75 mortality per 100,000 by local authority against England: preventable "
            f"causes in {esc(year)} (England {fmt(u_eng, 'rate')}) and preventable cardiovascular disease in "
            f"{esc(period)} with 95% confidence intervals (England {fmt(c_eng, 'rate')}). Marker shape and "
            f"colour show better (triangle up), similar (circle) or worse (triangle down) than England: "
            f"{_counts_phrase(u_la['significance'], {'worse': 'worse', 'better': 'better', 'similar': 'similar'}, plural(len(u_la), 'local authority', 'local authorities'))} "
            "for preventable causes."
        ),
        caption=(
            f"Under-75 mortality from preventable causes ({year}, left) and preventable cardiovascular "
            f"disease ({period}, right), directly age-standardised rates per 100,000. Better, similar or "
            "worse than England by 95% confidence interval: Fingertips' own comparison for preventable "
            "causes, computed here from the published intervals for cardiovascular disease."
        ),
        source=f"{SOURCES['u75']}; {SOURCES['cvd']}",
        data=_premature_csv(u_lat, c_lat, year, period),
        defer=True,
    )
    u_tab = u75.pivot_table(index=["area_name", "area_type"], columns="period", values="value").reset_index()
    u_tab = u_tab.rename_axis(columns=None).merge(
        u75.loc[u75["period"] == year, ["area_name", "compared_to_england"]].rename(
            columns={"compared_to_england": f"Compared with England, {year}"}
        ),
        on="area_name",
        how="left",
    )
    years_ = sorted(c for c in u_tab.columns if str(c).isdigit())
    ch.table(
        _table_headers(u_tab),
        "u75_preventable",
        "Under-75 mortality from causes considered preventable, persons, per 100,000 (age-standardised), by year",
        source=SOURCES["u75"],
        formats={p: "{:.1f}" for p in years_},
        show_columns=["Area", *years_[-4:], f"Compared with England, {year}"],
        notes="Each year column gives deaths under 75 per 100,000, directly age-standardised; the comparison is "
        "Fingertips' own. A dash means the rate is not published.",
        defer=True,
    )
    c_tab = cvd[["area_code", "area_name", "area_type", "period", "value", "lower_ci", "upper_ci", "significance"]]
    cv = {
        "value": "Deaths under 75 per 100,000",
        "lower_ci": "Lower 95% CI",
        "upper_ci": "Upper 95% CI",
        "significance": "Compared with England",
    }
    ch.table(
        _table_headers(c_tab.assign(significance=c_tab["significance"].str.capitalize())).rename(columns=cv),
        "u75_cvd_preventable",
        "Under-75 mortality from cardiovascular disease considered preventable, persons, "
        "per 100,000 (age-standardised), with 95% confidence interval and comparison with England",
        source=SOURCES["cvd"],
        formats={cv["value"]: "{:.1f}", cv["lower_ci"]: "{:.1f}", cv["upper_ci"]: "{:.1f}"},
        show_columns=["Area", "Period", *cv.values()],
        newest_first="Period",
        defer=True,
    )
    notes = []
    miss = missing_areas(u75, _areas(ods)[0], ("county",))
    if miss:
        notes.append(
            f"The all-preventable-causes series is published here for districts and unitary authorities only "
            f"(not for {_names(miss)} as a whole). "
        )
    combined = [COMBINED_AREAS[c][0] for c in COMBINED_AREAS if c in set(cvd["area_code"])]
    if combined:
        notes.append(
            f"Cardiovascular mortality is published for {_names(combined)} together (too few deaths in the "
            "smaller council to publish it alone). "
        )
    notes.append(
        "The comparison of preventable causes with England is Fingertips' own (this extract has no "
        "confidence intervals); the "
        "cardiovascular series has published 95% confidence intervals, and its comparison is made here from "
        "them. Single-year rates for small districts rest on few deaths and move from year to year. "
        "\u2018Similar\u2019 means the 95% confidence interval includes England's value."
    )
    ch.box("premature_notes", "".join(notes), kind="warning")


def _premature_csv(u: pd.DataFrame, c: pd.DataFrame, year: str, period: str) -> pd.DataFrame:
    a = u.assign(measure="All preventable causes", lower_ci=np.nan, upper_ci=np.nan)
    b = c.assign(measure="Preventable cardiovascular disease")
    out = pd.concat([a, b], ignore_index=True)[
        ["measure", "area_code", "area_name", "area_type", "period", "value", "lower_ci", "upper_ci", "significance"]
    ]
    return _table_headers(out.assign(significance=out["significance"].str.capitalize())).rename(
        columns={
            "measure": "Measure",
            "value": "Deaths under 75 per 100,000",
            "lower_ci": "Lower 95% CI",
            "upper_ci": "Upper 95% CI",
            "significance": "Compared with England",
        }
    )


def _build_practices(ch: Chapter, ctx: dict, imd_version: int) -> None:
    icb, ods, ref, words = ctx["icb"], ctx["ods"], ctx["ref"], ctx["claims"]
    df, info = practice_table(ods)
    summ = _quintiles(ods)
    grads = _gradients(ods)
    head = headline_figures(ods)
    practice_cur = _currency(_period_end(str(info["year"])), ref, mort.PRAC_LE_DS)
    ch.text("practice_year", str(info["year"]))
    ch.text("practice_currency", practice_cur.label)
    lp = info["list_period"]
    ch.text("list_period", lp)
    # QOF years are financial years: 2022-23 ends on 31 March 2023.
    list_cur = _currency(pd.Timestamp(year=int(lp[:2] + lp[-2:]), month=3, day=31), ref, mort.QOF_DS)
    ch.text("list_currency", list_cur.label)
    ch.text("icb_practices", fmt(info["icb_practices"], "count"))
    ch.text("icb_practices_with_le", fmt(info["icb_with_le"], "count"))
    male_sii_sentence = None
    for sex in SEXES:
        s = sex.lower()
        g, e = grads[("ICB", sex)], grads[("England", sex)]
        ch.text(f"practice_le_{s}", _years(head[f"practice_le_{s}"], f"practice LE {s}"))
        q = summ[(summ["scope"] == "ICB") & (summ["sex"] == sex)].set_index("quintile")
        ch.text(f"practice_q_most_{s}", fmt(g.most, "count"))
        ch.text(f"practice_q_least_{s}", fmt(g.least, "count"))
        for end, qn in (("most", g.most), ("least", g.least)):
            ch.say(
                f"practice_le_q_{end}_{s}",
                f"{_years(q.loc[qn, 'value'], 'quintile LE')} (95% confidence interval "
                f"{_ci_text(q.loc[qn, 'lower_ci'], q.loc[qn, 'upper_ci'], 'CI')})",
            )
        ends = (g.most, g.least) == (1, 5)
        ch.say(
            f"practice_ends_note_{s}",
            ""
            if ends
            else (
                f" (the most and least deprived national quintiles holding at least {fmt(MIN_PRACTICES, 'count')} of "
                "its practices)"
            ),
        )
        ch.text(f"practice_gap_{s}_value", _years(g.gap.value, "practice gap", lo=-40))
        ch.text(f"practice_gap_{s}_ci", _ci_text(g.gap.lower, g.gap.upper, "practice gap CI"))
        ch.text(
            f"england_practice_gap_same_{s}_value", _years(g.england_gap.value, "England same-quintile gap", lo=-40)
        )
        ch.text(f"england_practice_gap_{s}_value", _years(e.gap.value, "England practice gap", lo=-40))
        ch.text(f"england_practice_gap_{s}_ci", _ci_text(e.gap.lower, e.gap.upper, "England gap CI"))
        ch.text(f"england_practice_sii_{s}_value", _years(e.sii.value, "England practice SII", lo=-40))
        ch.text(f"england_practice_sii_{s}_ci", _ci_text(e.sii.lower, e.sii.upper, "England SII CI"))
        for key in (
            f"practice_gap_{s}",
            f"practice_gap_vs_england_{s}",
            f"england_practice_gap_{s}",
            f"england_practice_gap_and_sii_{s}",
        ):
            ch.claim(key, words[key])
        if g.sii is not None:
            # The SII sentence exists only where the ICB fills all five national fifths; its words
            # are kept for the audit like every glued claim.
            for key in (f"practice_gap_and_sii_{s}", f"practice_sii_vs_england_{s}"):
                ch.claims[key] = words[key]
            sentence = (
                f"Across all five national quintiles the slope index of inequality (SII), which uses every "
                f"quintile and its patients, is {_years(g.sii.value, 'practice SII', lo=-40)} (95% confidence "
                f"interval {_ci_text(g.sii.lower, g.sii.upper, 'practice SII CI')}), "
                f"{words[f'practice_sii_vs_england_{s}'].words} England's "
                f"{_years(e.sii.value, 'England practice SII', lo=-40)} on the same national fifths. "
                f"{words[f'practice_gap_and_sii_{s}'].words}"
            )
        else:
            thin = _and(str(x) for x in g.thin)
            sentence = (
                f"No slope index of inequality (SII) is given for the ICB's practices: national "
                f"{'quintile' if len(g.thin) == 1 else 'quintiles'} {thin} "
                f"{'holds' if len(g.thin) == 1 else 'hold'} fewer than {fmt(MIN_PRACTICES, 'count')} of them, "
                "and the SII needs every fifth (cutting the ICB's own patients into fifths instead would "
                "not be comparable with England's)."
            )
        # Said once when it is the same for women as for men.
        ch.say(f"practice_sii_sentence_{s}", "" if sex == "Female" and sentence == male_sii_sentence else sentence)
        male_sii_sentence = sentence
    ch.figure(
        fig_practices(df, summ, icb.short_name),
        "practice_le",
        alt=(
            f"Two scatter charts of practice-population life expectancy (men, women) against practice deprivation "
            f"score for all English practices (grey) and the {fmt(info['icb_with_le'], 'count')} practices of "
            f"{esc(icb.short_name)} with a published figure (blue, sized by list size), with the list-size-weighted "
            f"mean life expectancy and its 95% confidence interval by national practice deprivation quintile for "
            f"England (black squares) and the ICB (orange diamonds)."
        ),
        caption=(
            f"Practice-population life expectancy (period labelled {info['year']}) against practice "
            "deprivation (IMD 2019 score). Lines: list-size-weighted mean by national practice deprivation "
            "quintile (fifths of England's registered patients), plotted at the median score of the "
            "practices it averages, with "
            f"95% confidence intervals from the spread between practices; for the ICB, quintiles holding at "
            f"least {MIN_PRACTICES} of its practices."
        ),
        source=SOURCES["practice"],
        data=_practice_csv(df),
        defer=True,
    )
    ch.table(
        _quintile_table(summ, icb.short_name),
        "practice_le_by_quintile",
        "Practice-population life expectancy by national practice deprivation quintile (1 = most deprived), "
        "weighted by list size, with 95% confidence intervals",
        source=SOURCES["practice"],
        formats={
            "Practices": "{:,.0f}",
            "Registered patients": "{:,.0f}",
            "Men (years, 95% CI)": "{}",
            "Women (years, 95% CI)": "{}",
        },
        show_columns=[
            "Practices in",
            "Quintile",
            "Practices",
            "Registered patients",
            "Men (years, 95% CI)",
            "Women (years, 95% CI)",
        ],
        notes="A dash means the ICB has no practice with a published figure in that quintile.",
        defer=True,
    )
    ch.table(
        _gradient_table(grads, icb.short_name),
        "practice_gradient",
        "The gap and the slope index of inequality in practice-population life expectancy across national "
        "practice deprivation quintiles (years; positive = lower life expectancy among the most deprived)",
        source=SOURCES["practice"],
        formats={"Gap (years, 95% CI)": "{}", "SII (years, 95% CI)": "{}"},
        show_columns=[
            "Practices in",
            "Sex",
            "Quintiles compared",
            "Gap (years, 95% CI)",
            "Gap says",
            "SII (years, 95% CI)",
        ],
        notes="Gap: least minus most deprived of the quintiles compared. A dash means no SII: for the ICB, a "
        f"national quintile holds fewer than {MIN_PRACTICES} of its practices; for England between the "
        "ICB's quintiles, the row gives the gap only.",
        defer=True,
    )
    ptab = df[df["in_icb"]][
        ["practice_code", "practice_name", "imd_score", "practice_quintile", "list_size", "le_male", "le_female"]
    ]
    pl = {
        "practice_code": "Practice code",
        "practice_name": "Practice",
        "imd_score": "IMD 2019 score",
        "practice_quintile": "Quintile (1 = most deprived)",
        "list_size": f"List size ({lp})",
        "le_male": "Men (years)",
        "le_female": "Women (years)",
    }
    ch.table(
        ptab.sort_values("imd_score", ascending=False).rename(columns=pl),
        "gp_practices",
        f"Practices of {icb.short_name}: deprivation score, national practice deprivation quintile, list size and "
        "life expectancy of the registered population",
        source=SOURCES["practice"],
        formats={
            pl["imd_score"]: "{:.1f}",
            pl["list_size"]: "{:,.0f}",
            pl["le_male"]: "{:.1f}",
            pl["le_female"]: "{:.1f}",
        },
        show_columns=[
            pl[k] for k in ("practice_name", "imd_score", "practice_quintile", "list_size", "le_male", "le_female")
        ],
        notes="A dash means no life expectancy is published for the practice.",
        defer=True,
    )
    notes = [
        f"Practice life expectancy is OHID's estimate for each practice's registered patients from the life "
        f"expectancy of the neighbourhoods (middle layer super output areas) where they live, pooled over several "
        f"years; the file labels its latest period {esc(info['year'])} ({esc(practice_cur.label)}). "
        f"Practices, their ICB and list sizes are those of the Quality and Outcomes Framework (QOF) {esc(lp)} "
        f"({esc(list_cur.label)}); practice "
        "deprivation is the IMD 2019 score of where the patients live. "
        + (
            f"{fmt(info['icb_practices'] - info['icb_with_le'], 'count')} of the ICB's "
            f"{fmt(info['icb_practices'], 'count')} practices have no published life expectancy (practices that "
            "opened or merged after the estimates were made) and are left out of the means; "
            if info["icb_practices"] > info["icb_with_le"]
            else ""
        )
        + f"{fmt(info['qof_without_score'], 'count')} practices in England have no deprivation score and no quintile.",
        "The confidence intervals reflect how much life expectancy varies between the practices in a quintile, not the "
        "uncertainty of each practice's own estimate, which the file does not give.",
    ]
    if int(imd_version) != 2019:
        notes.append(
            f"Practice deprivation scores exist for IMD 2019 only; this section uses IMD 2019 although the "
            f"book was built with IMD {fmt(imd_version, 'count')}."
        )
    ch.box("practice_notes", " ".join(notes), kind="warning")


def _ci_cell(r) -> str:
    if pd.isna(r["value"]):
        return "\u2013"
    if pd.isna(r["lower_ci"]):
        return f"{r['value']:.1f}"
    return f"{r['value']:.1f} ({r['lower_ci']:.1f} to {r['upper_ci']:.1f})"


def _quintile_table(summ: pd.DataFrame, icb_label: str) -> pd.DataFrame:
    w = summ.assign(cell=summ.apply(_ci_cell, axis=1))
    cells = w.pivot_table(index=["scope", "quintile"], columns="sex", values="cell", aggfunc="first")
    base = w[w["sex"] == "Male"].set_index(["scope", "quintile"])
    out = pd.DataFrame(
        {
            "Practices in": [s if s == "England" else icb_label for s, _ in base.index],
            "Quintile": [
                f"{q} (most deprived)" if q == 1 else (f"{q} (least deprived)" if q == 5 else str(q))
                for _, q in base.index
            ],
            "Practices": base["practices"].to_numpy(),
            "Registered patients": base["registered_patients"].to_numpy(),
            "Men (years, 95% CI)": cells["Male"].reindex(base.index).to_numpy(),
            "Women (years, 95% CI)": cells["Female"].reindex(base.index).to_numpy(),
            "Used in the gap and SII": np.where(base["used"], "Yes", "No"),
        }
    )
    for sex in SEXES:
        s = w[w["sex"] == sex].set_index(["scope", "quintile"]).reindex(base.index)
        for c in ("value", "lower_ci", "upper_ci"):
            out[f"{sex} {c.replace('_', ' ')}"] = s[c].to_numpy()
    return out


_GAP_AND_SII_SHORT = {
    "both_significant": "Both significant, same direction",
    "neither_significant": "Neither significant",
    "gap_only": "Gap significant, SII not",
    "sii_only": "SII significant, gap not",
    "opposite_directions": "Both significant, opposite directions",
}


def _gradient_table(grads: dict, icb_label: str) -> pd.DataFrame:
    rows = []

    def row(who: str, sex: str, most: int, least: int, gap: C.Gap, sii: C.Estimate | None) -> dict:
        both = C.gap_and_sii(gap, sii, sign="least_minus_most", groups="quintiles") if sii is not None else None
        return {
            "Practices in": who,
            "Sex": sex,
            "Quintiles compared": f"{most} and {least}",
            "Gap (years, 95% CI)": f"{gap.value:.1f} ({gap.lower:.1f} to {gap.upper:.1f})",
            "Gap says": gap.claim.words[:1].upper() + gap.claim.words[1:],
            "SII (years, 95% CI)": (
                f"{sii.value:.1f} ({sii.lower:.1f} to {sii.upper:.1f})" if sii is not None else "\u2013"
            ),
            "Gap (years)": gap.value,
            "Gap lower 95% CI": gap.lower,
            "Gap upper 95% CI": gap.upper,
            "SII (years)": sii.value if sii is not None else np.nan,
            "SII lower 95% CI": sii.lower if sii is not None else np.nan,
            "SII upper 95% CI": sii.upper if sii is not None else np.nan,
            "Gap and SII together": _GAP_AND_SII_SHORT[both.code]
            if both is not None
            else "No SII: a national quintile holds too few practices",
        }

    for sex in SEXES:
        g, e = grads[("ICB", sex)], grads[("England", sex)]
        rows.append(row(icb_label, sex, g.most, g.least, g.gap, g.sii))
        if (g.most, g.least) != (e.most, e.least):
            rows.append(row("England, the same quintiles", sex, g.most, g.least, g.england_gap, None))
        rows.append(row("England", sex, e.most, e.least, e.gap, e.sii))
    out = pd.DataFrame(rows)
    out.loc[out["Practices in"] == "England, the same quintiles", "Gap and SII together"] = "Gap only"
    return out


def _practice_csv(df: pd.DataFrame) -> pd.DataFrame:
    out = df[
        [
            "practice_code",
            "practice_name",
            "icb_ods_code",
            "in_icb",
            "imd_score",
            "practice_quintile",
            "list_size",
            "le_male",
            "le_female",
        ]
    ]
    return out.rename(
        columns={
            "practice_code": "Practice code",
            "practice_name": "Practice",
            "icb_ods_code": "ICB code",
            "in_icb": "In this ICB",
            "imd_score": "IMD 2019 score",
            "practice_quintile": "National practice deprivation quintile (1 = most deprived)",
            "list_size": "List size",
            "le_male": "Male life expectancy (years)",
            "le_female": "Female life expectancy (years)",
        }
    )


def _dated(period: str, dataset: str) -> dict:
    """The key findings page's date fields for data of ``period`` from ``dataset``: the period's
    end (as the chapter's own currency words use it) and the manifest's publication frequency."""
    return {"period_end": _period_end(period).date().isoformat(), "frequency": _frequency(dataset)}


def _la_values(df: pd.DataFrame, period: str, sex: str | None) -> pd.DataFrame:
    """Published values of the ICB's districts/UAs in ``period`` (by area code)."""
    rows = df[(df["period"] == period) & df["kind"].isin(["unitary", "district"]) & df["value"].notna()]
    return (rows if sex is None else rows[rows["sex"] == sex]).set_index("area_code")


def _extreme(rows: pd.DataFrame, highest: bool) -> tuple[float, pd.DataFrame]:
    value = float(rows["value"].max() if highest else rows["value"].min())
    return value, rows[rows["value"] == value].sort_values("area_name")


def extreme_la_fields(df: pd.DataFrame, sex: str | None, *, highest: bool, dataset: str) -> dict:
    """What the key findings page shows beside a "lowest (or highest) of the ICB's local
    authorities" headline drawn from ``df`` (one series and release, as :func:`_pick` gives it,
    with England), for its latest period:

    * ``place``: the authority at that value (authorities tied at it are all named);
    * ``england``: England's value for the same period and sex;
    * ``previous`` and ``previous_period``: the value in the series' previous period, only where
      the same authorities are published in both periods and the same one(s) are at the extreme,
      so that the change reads true both as the named place's change and as the change in the
      lowest (highest) of the ICB's authorities; otherwise no change is given;
    * ``period_end`` and ``frequency`` (:func:`_dated`).
    """
    periods = sorted(df["period"].dropna().unique())
    latest = periods[-1]
    now = _la_values(df, latest, sex)
    if now.empty:
        raise ValueError(f"no published value for any of the ICB's local authorities in {latest}")
    _, at = _extreme(now, highest)
    out = {"place": _and(at["area_name"]), **_dated(latest, dataset)}
    eng = df[(df["period"] == latest) & (df["kind"] == "england") & df["value"].notna()]
    eng = eng if sex is None else eng[eng["sex"] == sex]
    if len(eng) == 1:
        out["england"] = float(eng["value"].iloc[0])
    if len(periods) > 1:
        before = _la_values(df, periods[-2], sex)
        if set(before.index) == set(now.index):
            value_before, at_before = _extreme(before, highest)
            if list(at_before.index) == list(at.index):
                out.update(previous=value_before, previous_period=periods[-2])
    return out


def headline_fields(icb_code: str) -> dict[str, dict]:
    """For each headline figure (:func:`headline_figures`), what the key findings page shows
    beside it (the optional arguments of :meth:`analysis.report.Chapter.headline`): England's
    value, the named place and the previous period's value for the extremes among the ICB's
    local authorities (:func:`extreme_la_fields`), England's list-size-weighted practice life
    expectancy, and the data's period end and publication frequency for every figure. No
    national objective covers these measures, so no target is given. England's own SII
    headlines are kept off the page (``summary``: False): their value is the England column of
    the widest gap's row."""
    ods = geography.find_icb(icb_code).ods_code
    le = _le(ods)
    sii = _sii(ods)
    sii = sii[sii["source"] == latest_sii_source()]
    df, info = practice_table(ods)
    out: dict[str, dict] = {}
    for sex in SEXES:
        s = sex.lower()
        out[f"le_{s}_min_la"] = extreme_la_fields(le, sex, highest=False, dataset=mort.LE_DS)
        out[f"le_{s}_max_la"] = extreme_la_fields(le, sex, highest=True, dataset=mort.LE_DS)
        out[f"sii_{s}_max_la"] = extreme_la_fields(sii, sex, highest=True, dataset=mort.SII_DS)
        out[f"sii_{s}_england"] = {"summary": False, **_dated(sii["period"].max(), mort.SII_DS)}
        out[f"practice_le_{s}"] = {
            "england": _wmean(df[_le_col(sex)], df["list_size"]),
            **_dated(str(info["year"]), mort.PRAC_LE_DS),
        }
    out["u75_preventable_max_la"] = extreme_la_fields(
        u75_preventable_table(ods), None, highest=True, dataset=mort.MORT_DS
    )
    return out


def _build_headlines(ch: Chapter, ctx: dict) -> None:
    ods = ctx["ods"]
    head = headline_figures(ods)
    le_p = _le(ods)["period"].max()
    sii = _sii(ods)
    sii_p = sii.loc[sii["source"] == latest_sii_source(), "period"].max()
    u75_p = u75_preventable_table(ods)["period"].max()
    _, info = practice_table(ods)
    where = {
        "le": (le_p, SOURCES["le"]),
        "sii": (sii_p, SOURCES["sii"]),
        "u75": (u75_p, SOURCES["u75"]),
        "practice": (str(info["year"]), SOURCES["practice"]),
    }
    fields = headline_fields(ods)
    for key, value in head.items():
        period, source = where[key.split("_")[0]]
        ch.headline(key, value, period=period, source=source, **fields[key])


__all__ = [
    "CODE_SUCCESSORS",
    "MAIN_SHARE",
    "MIN_PRACTICES",
    "PLAN_QUOTES_FILE",
    "PlanQuote",
    "PlanQuotes",
    "PlanQuotesError",
    "SOURCES",
    "build",
    "claims",
    "plan_quotes",
    "extreme_la_fields",
    "headline_fields",
    "headline_figures",
    "hle_series",
    "hle_table",
    "icb_areas",
    "le_hle_gap",
    "le_series",
    "missing_areas",
    "partial_areas",
    "plan_comparison",
    "practice_gradient",
    "practice_quintile_summary",
    "practice_table",
    "sii_backtest",
    "sii_revision_summary",
    "sii_series",
    "suppressed_areas",
    "u75_cvd_table",
    "u75_preventable_table",
    "validation_markdown",
]
