"""Core20PLUS5: where an ICB stands on the ten clinical areas, and whether its more deprived
communities are worse served.

Everything the chapter says is computed here; the notebook is a document whose Markdown glues
in the words and numbers :func:`build` makes, and whose code cells only show the figures,
tables and boxes made here. Every data-dependent word comes from :mod:`analysis.claims`, through
:func:`claims`, which the claims audit runs for all 42 ICBs.

Data functions take an ICB (object or code) and return tidy tables with the dataset and period
named; statistics come from :mod:`analysis.stats` (Wilson intervals, SII, funnel limits adjusted
for overdispersion).

Deprivation conventions (one definition each, from :mod:`analysis.deprivation` and
:mod:`analysis.claims`):

* **quintile/decile 1 = most deprived** throughout (HEEC's opposite convention is converted in
  :mod:`analysis.load.primary_care`, and HEEC's groups are shown only under HEEC's own label);
* a *practice deprivation quintile* is a national fifth of England's registered patients
  (:func:`analysis.deprivation.practice_deprivation_quintiles`); the ICB's slope index of
  inequality needs all five groups, which national fifths do not give every ICB (Surrey
  Heartlands has no practice in the most deprived national fifth), so it is computed across the
  ICB's own fifths of patients, said so on the page, and never set against England's SII;
* gaps follow :func:`analysis.claims.gap` (positive = worse for the most deprived).

The practice-deprivation analyses use the Fingertips practice IMD 2019 score (93553), the only
practice deprivation vintage published; CVDPREVENT's quintiles are IMD 2019 too. So
``imd_version`` does not change these figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import cached_property

import numpy as np
import pandas as pd

from .. import claims as C
from .. import deprivation, geography, objectives, sources, stats
from ..geography import ICB
from ..load import cardiovascular, clinical, primary_care
from ..report import Chapter, esc, fmt, plural

CHAPTER_ID = "core20plus5"

# ----------------------------------------------------------------------------- ambitions

CORE20PLUS5_ADULT_URL = (
    "https://www.england.nhs.uk/about/equality/equality-hub/"
    "national-healthcare-inequalities-improvement-programme/core20plus5/"
)
CORE20PLUS5_CYP_URL = (
    "https://www.england.nhs.uk/about/equality/equality-hub/"
    "national-healthcare-inequalities-improvement-programme/core20plus5/core20plus5-cyp/"
)

#: The chapter's one table of ambitions. Where the objectives registry
#: (``registry/objectives.yml``) holds the ambition as a national objective, the entry names its
#: ``measures`` and the text, number and source come from there (:func:`ambitions_table`);
#: otherwise the ambition is quoted or closely paraphrased from NHS England's Core20PLUS5 pages
#: and the NHS Long Term Plan, with ``target_pct`` where it has a number.
AMBITIONS: list[dict] = [
    {
        "key": "maternity",
        "group": "Adults",
        "area": "Maternity",
        "ambition": "Continuity of care for 75% of women from Black, Asian and minority ethnic communities "
        "and from the most deprived groups.",
        "short": "Continuity of care for 75% of women from ethnic minority communities and the most deprived groups",
        "source": "NHS England, Core20PLUS5 (adults)",
        "url": CORE20PLUS5_ADULT_URL,
        "target_pct": 75.0,
    },
    {
        "key": "smi",
        "group": "Adults",
        "area": "Severe mental illness",
        "ambition": "Annual physical health checks for people with severe mental illness (60% in the NHS "
        "Long Term Plan; Core20PLUS5 aims to bring severe mental illness in line with learning "
        "disabilities).",
        "short": "Annual physical health checks for 60% of people with severe mental illness",
        "source": "NHS England, Core20PLUS5 (adults); NHS Long Term Plan (2019)",
        "url": CORE20PLUS5_ADULT_URL,
        "target_pct": 60.0,
    },
    {
        "key": "respiratory",
        "group": "Adults",
        "area": "Chronic respiratory disease",
        "ambition": "A clear focus on chronic obstructive pulmonary disease: drive up uptake of COVID-19, flu and "
        "pneumonia vaccines to reduce infective exacerbations and emergency admissions.",
        "short": "More COVID-19, flu and pneumonia vaccination in chronic obstructive pulmonary disease",
        "source": "NHS England, Core20PLUS5 (adults)",
        "url": CORE20PLUS5_ADULT_URL,
        "target_pct": None,
    },
    {"key": "cancer", "group": "Adults", "area": "Early cancer diagnosis", "measures": ["cancer_early_stage"]},
    {
        "key": "hypertension",
        "group": "Adults",
        "area": "Hypertension and lipids",
        "measures": ["hypertension", "lipids"],
    },
    {
        "key": "asthma",
        "group": "Children and young people",
        "area": "Asthma",
        "ambition": "Address over-reliance on reliever medications and decrease the number of asthma attacks.",
        "short": "Less over-reliance on reliever inhalers; fewer asthma attacks",
        "source": "NHS England, Core20PLUS5 (children and young people)",
        "url": CORE20PLUS5_CYP_URL,
        "target_pct": None,
    },
    {
        "key": "diabetes",
        "group": "Children and young people",
        "area": "Diabetes",
        "ambition": "Increase access to real-time continuous glucose monitors and insulin pumps in the most "
        "deprived quintiles and ethnic minority groups; more annual health checks for type 2 diabetes.",
        "short": "More glucose monitors and insulin pumps for the most deprived and ethnic minority groups",
        "source": "NHS England, Core20PLUS5 (children and young people)",
        "url": CORE20PLUS5_CYP_URL,
        "target_pct": None,
    },
    {
        "key": "epilepsy",
        "group": "Children and young people",
        "area": "Epilepsy",
        "ambition": "Increase access to epilepsy specialist nurses, including in the first year of care for "
        "those with a learning disability or autism.",
        "short": "More access to epilepsy specialist nurses",
        "source": "NHS England, Core20PLUS5 (children and young people)",
        "url": CORE20PLUS5_CYP_URL,
        "target_pct": None,
    },
    {
        "key": "oral_health",
        "group": "Children and young people",
        "area": "Oral health",
        "ambition": "Address the backlog of tooth extractions in hospital for under-10s.",
        "short": "Fewer hospital tooth extractions for under-10s",
        "source": "NHS England, Core20PLUS5 (children and young people)",
        "url": CORE20PLUS5_CYP_URL,
        "target_pct": None,
    },
    {
        "key": "cyp_mental_health",
        "group": "Children and young people",
        "area": "Mental health",
        "ambition": "Improve access rates to children and young people's mental health services for 0-17 year "
        "olds, for certain ethnic groups, age, gender and deprivation.",
        "short": "Better access to mental health services for 0-17 year olds",
        "source": "NHS England, Core20PLUS5 (children and young people)",
        "url": CORE20PLUS5_CYP_URL,
        "target_pct": None,
    },
]

#: Acronyms in the registry's objective texts, spelled out where they appear on the page.
_SPELL_OUT = {
    "NICE": "the National Institute for Health and Care Excellence (NICE)",
    "CVD": "cardiovascular disease (CVD)",
}

#: Short forms of the registry-backed ambitions for the summary table, from each objective's
#: number and deadline (``{target}`` is :attr:`analysis.objectives.Objective.target_text`).
_SHORT = {
    "cancer_early_stage": "Cancers diagnosed at stage 1 or 2: {target}",
    "hypertension": "Patients with hypertension treated to target: {target}",
    "lipids": "People aged 25-84 with a cardiovascular disease risk above 20% on lipid-lowering therapy: {target}",
}


def _spell_out(text: str) -> str:
    for short, long in _SPELL_OUT.items():
        text = re.sub(rf"\b(treated to )?{short}\b", lambda m, lg=long: (m.group(1) or "") + lg, text, count=1)
    return text


def _latest_objective(measure: str) -> objectives.Objective:
    found = [o for o in objectives.objectives(measure) if o.has_target]
    if not found:
        raise objectives.ObjectivesError(f"the objectives registry has no numeric objective for {measure!r}")
    return found[-1]


def ambitions_table() -> pd.DataFrame:
    """The ten ambitions: key, group, area, ambition, short, source, url, target_pct. Registry-backed
    areas (early diagnosis, hypertension, lipids) take their text and number from the latest
    objective of the registry for the measure."""
    rows = []
    for a in AMBITIONS:
        if "measures" not in a:
            rows.append({k: a[k] for k in ("key", "group", "area", "ambition", "short", "source", "url", "target_pct")})
            continue
        objs = [_latest_objective(m) for m in a["measures"]]
        rows.append(
            {
                "key": a["key"],
                "group": a["group"],
                "area": a["area"],
                "ambition": " ".join(f"{o.objective} (objective {o.no})." if o.no else f"{o.objective}." for o in objs),
                "short": "; ".join(_SHORT[o.measure].format(target=o.target_text) for o in objs),
                "source": "; ".join(dict.fromkeys(o.source.citation for o in objs)),
                "url": objs[0].source.url,
                "target_pct": objs[0].target,
            }
        )
    return pd.DataFrame(rows)


#: Where no dataset in the mirror covers an area's ambition: who publishes the one that would.
DATA_GAPS: dict[str, dict] = {
    "maternity": {
        "dataset": "Maternity Services Monthly Statistics, continuity of carer by ethnicity and "
        "deprivation, for a full year",
        "publisher": "NHS England",
        "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "maternity-services-monthly-statistics",
    },
    "respiratory": {
        "dataset": "Flu, COVID-19 and pneumococcal vaccine uptake in people with chronic obstructive "
        "pulmonary disease; emergency admissions for it (Fingertips Inhale / Respiratory "
        "disease profile)",
        "publisher": "UK Health Security Agency; Office for Health Improvement and Disparities (OHID) Fingertips",
        "url": "https://fingertips.phe.org.uk/profile/inhale",
    },
    "cancer": {
        "dataset": "Case-mix adjusted percentage of cancers diagnosed at stages 1 and 2, by sub-ICB, "
        "and stage at diagnosis by deprivation (Rapid Cancer Registration Data / Cancer "
        "Data Hub)",
        "publisher": "NHS England, National Disease Registration Service",
        "url": "https://digital.nhs.uk/ndrs/data/data-outputs/cancer-data-hub",
    },
    "hypertension": {
        "dataset": "CVDPREVENT audit results on hypertension for each ICB by deprivation quintile "
        "and ethnicity (for each ICB only lipid-lowering therapy is held here, for an "
        "older period); modelled hypertension prevalence estimates for a "
        "recorded-versus-expected case-finding gap",
        "publisher": "NHS England and OHID (CVDPREVENT)",
        "url": "https://www.cvdprevent.nhs.uk/data-explorer",
    },
    "asthma": {
        "dataset": "Hospital admissions for asthma, under 19 years (Fingertips 90810), and reliever "
        "inhaler prescribing for children (ePACT2 / OpenPrescribing)",
        "publisher": "OHID Fingertips; NHS Business Services Authority",
        "url": "https://fingertips.phe.org.uk/profile/child-health-profiles",
    },
    "diabetes": {
        "dataset": "National Paediatric Diabetes Audit (access to continuous glucose monitors and "
        "insulin pumps, care processes, by deprivation and ethnicity)",
        "publisher": "Royal College of Paediatrics and Child Health",
        "url": "https://www.rcpch.ac.uk/work-we-do/quality-improvement-patient-safety/"
        "national-paediatric-diabetes-audit",
    },
    "epilepsy": {
        "dataset": "Epilepsy12 national audit (access to epilepsy specialist nurses, by deprivation)",
        "publisher": "Royal College of Paediatrics and Child Health",
        "url": "https://www.rcpch.ac.uk/work-we-do/clinical-audits/epilepsy12",
    },
    "oral_health": {
        "dataset": "Hospital tooth extractions due to decay in children (Fingertips 93493) and "
        "the Hospital Episode Statistics extraction counts for under-10s",
        "publisher": "OHID Fingertips; NHS England",
        "url": "https://fingertips.phe.org.uk/profile/child-health-profiles",
    },
    "cyp_mental_health": {
        "dataset": "Mental Health Services Monthly Statistics: children and young people "
        "accessing NHS-funded services, by sub-ICB, age, sex, ethnicity and "
        "deprivation",
        "publisher": "NHS England",
        "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "mental-health-services-monthly-statistics",
    },
    "smi": {
        "dataset": "Physical health checks for people with severe mental illness after the series held "
        "here ends, and any split by deprivation or ethnicity (not published)",
        "publisher": "NHS England",
        "url": "https://www.england.nhs.uk/statistics/statistical-work-areas/serious-mental-illness-smi/",
    },
}

#: How well the data held here measure each ambition: (status, what is missing). 'Proxy' and
#: 'Gap' mean the ambition itself is not measured (counted in the summary).
DATA_STATUS: dict[str, tuple[str, str]] = {
    "maternity": ("Partial", "one month of provisional data, counts rounded to 5"),
    "smi": ("Measured", "no split by deprivation"),
    "respiratory": ("Proxy", "vaccine uptake in chronic obstructive pulmonary disease not held"),
    "cancer": ("Partial", "local authorities only; no ICB or deprivation split"),
    "hypertension": ("Measured", "hypertension by deprivation for England only"),
    "asthma": ("Proxy", "all ages; reliever use and attacks not held"),
    "diabetes": ("Gap", "no children's diabetes data held"),
    "epilepsy": ("Gap", "no children's epilepsy data held"),
    "oral_health": ("Proxy", "tooth decay, not hospital extractions"),
    "cyp_mental_health": ("Gap", "an old proxy only; access data not held"),
}
UNMEASURED = ("Proxy", "Gap")


def _icb(icb: ICB | str) -> ICB:
    return icb if isinstance(icb, ICB) else geography.find_icb(icb)


#: The national tables the chapter reads, by name. The loaders read their cached table from disk
#: and validate it on every call; the claims audit runs the chapter for all 42 ICBs, so each is
#: read once per process here. Callers filter or copy, never modify, what they get.
_NATIONAL = {
    "qof_icb": primary_care.qof_icb,
    "qof_icb_prevalence": primary_care.qof_icb_prevalence,
    "qof_practice_prevalence": primary_care.qof_practice_prevalence,
    "heec": primary_care.heec_practice_quintile_summaries,
    "subicb_map": primary_care.qof_subicb_map,
    "cancer_stage": clinical.cancer_stage,
    "smi": clinical.smi_health_checks,
    "msds_measures": clinical.msds_measures,
    "msds_proportions": lambda: clinical.msds_proportions([COC, "CQIMSmokingDelivery", "CQIMSmokingBooking"]),
    "oral": clinical.child_oral_health,
    "self_harm": clinical.self_harm_admissions_10_24,
    "cvd_icb": cardiovascular.cvdprevent_icb_quintiles,
}


@sources.remembered(maxsize=None, national=True)
def _national(name: str) -> pd.DataFrame:
    return _NATIONAL[name]()


# ----------------------------------------------------------------------------- periods and currency


def _year_end(label: str) -> pd.Timestamp:
    """End of an April-March year written '2024-25' or '2024/25': 31 March 2025."""
    m = re.fullmatch(r"(\d{4})[-/](\d{2})", str(label).strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"expected a financial year such as '2024-25', got {label!r}")
    return pd.Timestamp(f"{int(m.group(1)) + 1}-03-31")


def _to_month_end(label: str) -> pd.Timestamp:
    """'To March 2026' (CVDPREVENT's 12-month period) -> 31 March 2026."""
    m = re.fullmatch(r"To (\w+) (\d{4})", str(label).strip())
    if not m:
        raise ValueError(f"expected a CVDPREVENT period such as 'To March 2026', got {label!r}")
    start = dt.datetime.strptime(f"1 {m.group(1)} {m.group(2)}", "%d %B %Y")
    return pd.Timestamp(start) + pd.offsets.MonthEnd(0)


#: The dental survey of five-year-olds is every two years (2014/15 ... 2021/22, 2023/24; the
#: manifest says "annual", the closest frequency it knows) and is published about a year after its
#: school year ends: 36 months before it is out of date.
ORAL_MAX_AGE_MONTHS = 36


def _school_year_end(label: str) -> pd.Timestamp:
    """The oral health survey runs over a school year ('2023/24'), which ends in August 2024."""
    return _year_end(label) + pd.DateOffset(months=5)


def _month_text(ts: pd.Timestamp) -> str:
    return f"{pd.Timestamp(ts):%B %Y}"


def _currency_mark(cur: C.Currency) -> str:
    """' (**out of date**)' after a period for out-of-date data, '' otherwise (the page says what
    out of date means: older than the data's publication cycle allows)."""
    return " (**out of date**)" if cur.out_of_date else ""


def _currency_suffix(cur: C.Currency) -> str:
    """', **out of date**' after a period inside parentheses ('(QOF 2022-23, out of date)'), '' otherwise."""
    return ", **out of date**" if cur.out_of_date else ""


def _possessive(name: str) -> str:
    """'Birmingham and Solihull's', 'Surrey Heartlands''."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# ----------------------------------------------------------------------------- areas of an ICB


@sources.remembered(maxsize=64)
def icb_area_codes(icb_code: str, min_share: float = 0.5) -> dict[str, list[str]]:
    """Local authority codes (2022 and 2024 vintages) of which at least ``min_share`` of the
    LSOAs lie in the ICB: ``{"utla": [...], "lad": [...]}``. Both vintages are included so that
    series published on pre- and post-2023 codes (Cumbria, North Yorkshire, Somerset) both match.
    The single largest area is kept if none reaches the share."""
    icb = _icb(icb_code)
    out: dict[str, set[str]] = {"utla": set(), "lad": set()}
    for vintage in (2011, 2021):
        lk = geography.lsoa_lookup(vintage)
        for level, col in (("utla", "utla_code"), ("lad", "lad_code")):
            total = lk.groupby(col).size()
            inside = lk[lk["icb_ods_code"] == icb.ods_code].groupby(col).size()
            share = (inside / total.reindex(inside.index)).sort_values(ascending=False)
            chosen = share[share >= min_share].index.tolist() or share.index[:1].tolist()
            out[level].update(chosen)
    # Some OHID/ONS series publish Cornwall and the Isles of Scilly combined under E67000002.
    if {"E06000052", "E06000053"} & out["utla"]:
        out["utla"].add("E67000002")
    return {k: sorted(v) for k, v in out.items()}


# ----------------------------------------------------------------------------- QOF 2024-25 (ICB vs England)

#: QOF measures of the chapter: key -> (indicator codes pooled, plain name). Codes stay in the
#: CSVs next to the name; the page shows the name.
QOF_MEASURES: dict[str, tuple[tuple[str, ...], str]] = {
    "hyp": (
        ("HYP008", "HYP009"),
        "Patients with hypertension whose last blood pressure was at or below the "
        "target for their age (140/90 mmHg under 80, 150/90 mmHg at 80 or over)",
    ),
    "mh021": (
        ("MH021",),
        "People with schizophrenia, bipolar disorder or other psychoses who received all six "
        "elements of the physical health check",
    ),
    "copd010": (("COPD010",), "Patients with chronic obstructive pulmonary disease who had a review in the year"),
    "ast008": (
        ("AST008",),
        "Patients with asthma aged 19 or under whose own smoking or exposure to second-hand "
        "smoke was recorded in the year",
    ),
    "dm020": (
        ("DM020",),
        "Patients with diabetes without moderate or severe frailty whose last HbA1c (average "
        "blood sugar) was 58 mmol/mol or less",
    ),
    "chol003": (
        ("CHOL003",),
        "Patients with coronary heart disease, peripheral arterial disease, stroke or "
        "transient ischaemic attack, or chronic kidney disease on lipid-lowering therapy",
    ),
}
HYP_CODES = list(QOF_MEASURES["hyp"][0])


def qof_indicator(
    icb: ICB | str, codes: list[str] | tuple[str, ...], label: str, include_pcas: bool = True
) -> pd.DataFrame:
    """One QOF measure (indicators pooled, e.g. HYP008 + HYP009) for the ICB and England, with
    Wilson 95% CIs. ``include_pcas``: everyone on the register in the denominator (personalised
    care adjustments count as not achieved), as CVDPREVENT and NHS England's ambitions are stated."""
    icb = _icb(icb)
    q = _national("qof_icb")
    q = q[q["indicator_code"].isin(list(codes)) & q["org_code"].isin([icb.ods_code, "ENG"])]
    if q["org_code"].nunique() != 2:
        raise ValueError(f"QOF 2024-25 has no rows for {', '.join(codes)} in {icb.ods_code} and England")
    den = "denominator_incl_pcas" if include_pcas else "denominator"
    q = q.assign(area=np.where(q["org_code"] == "ENG", "England", icb.short_name), den=q[den])
    res = stats.proportion(q, "numerator", "den", group_by=["area", "period"]).rename(columns={"den": "denominator"})
    res["measure"] = label
    res["indicator_codes"] = " + ".join(codes)
    order = {icb.short_name: 0, "England": 1}
    return res.sort_values("area", key=lambda s: s.map(order)).reset_index(drop=True)


@sources.remembered(maxsize=8, national=True)
def _qof_all_icbs(codes: tuple[str, ...], include_pcas: bool = True) -> pd.DataFrame:
    q = _national("qof_icb")
    q = q[q["indicator_code"].isin(codes) & (q["org_type"] == "ICB")]
    den = "denominator_incl_pcas" if include_pcas else "denominator"
    g = q.groupby(["org_code", "period"], as_index=False)[["numerator", den]].sum().rename(columns={den: "denominator"})
    g["label"] = [geography.find_icb(c).short_name for c in g["org_code"]]
    return stats.funnel_overdispersed(g, "numerator", "denominator", data_type="proportion", multiplier=100)


def qof_indicator_all_icbs(codes: list[str] | tuple[str, ...], include_pcas: bool = True) -> pd.DataFrame:
    """The pooled QOF measure for each of the 42 ICBs on a funnel plot with limits adjusted for
    overdispersion (:func:`analysis.stats.funnel_overdispersed`, estimated from all 42)."""
    return _qof_all_icbs(tuple(codes), include_pcas).copy()


def qof_prevalence(icb: ICB | str, groups: list[str]) -> pd.DataFrame:
    """Recorded prevalence (QOF 2024-25 registers / list size of the register's age group) for the ICB
    and England, Wilson 95% CIs."""
    icb = _icb(icb)
    p = _national("qof_icb_prevalence")
    p = p[p["group_code"].isin(groups) & p["org_code"].isin([icb.ods_code, "ENG"])]
    p = p.assign(area=np.where(p["org_code"] == "ENG", "England", icb.short_name))
    return stats.proportion(p, "register", "list_size", group_by=["group_code", "area", "period"])


# ----------------------------------------------------------------------------- practice deprivation (QOF 2022-23)

#: QOF register groups of the chapter: code -> (name for tables, phrase for sentences).
CONDITIONS: dict[str, tuple[str, str]] = {
    "HYP": ("Hypertension", "hypertension"),
    "COPD": ("Chronic obstructive pulmonary disease", "chronic obstructive pulmonary disease"),
    "MH": ("Severe mental illness", "severe mental illness"),
    "AST": ("Asthma (aged 6 and over)", "asthma"),
    "DM": ("Diabetes (aged 17 and over)", "diabetes"),
    "EP": ("Epilepsy (aged 18 and over, on drug treatment)", "epilepsy"),
}
QOF_GROUPS = list(CONDITIONS)

#: The two groupings of practices by deprivation used here (see the module docstring).
NATIONAL_FIFTHS = "national practice deprivation quintiles"
ICB_FIFTHS = "the ICB's own fifths of patients"


@sources.remembered(maxsize=1, national=True)
def _practices_with_quintile() -> pd.DataFrame:
    """QOF 2022-23 practices with their IMD 2019 score, national practice deprivation quintile
    (:func:`analysis.deprivation.practice_deprivation_quintiles`) and the ICB's own fifth of
    patients (the same rule within each ICB)."""
    prev = _national("qof_practice_prevalence")
    total = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")][
        ["practice_code", "list_size", "icb_ods_code"]
    ]
    imd = primary_care.practice_imd(2019)[["practice_code", "imd_score"]]
    prac = total.merge(imd, on="practice_code", how="inner", validate="one_to_one")
    prac = prac[prac["list_size"] > 0].reset_index(drop=True)
    national = deprivation.practice_deprivation_quintiles(prac, score="imd_score", patients="list_size")
    local = deprivation.practice_deprivation_quintiles(
        prac, score="imd_score", patients="list_size", within="icb_ods_code"
    )
    out = national.rename(columns={"practice_quintile": "national_quintile"})
    out["icb_fifth"] = local["practice_quintile"].to_numpy()
    return out[["practice_code", "imd_score", "national_quintile", "icb_fifth"]]


def practice_quintile_coverage(icb: ICB | str) -> dict[str, float]:
    """How many QOF 2022-23 practices have a deprivation score (the rest are left out)."""
    icb = _icb(icb)
    prev = _national("qof_practice_prevalence")
    tot = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")]
    q = _practices_with_quintile()
    icb_pr = tot[tot["icb_ods_code"] == icb.ods_code]
    return {
        "practices": float(len(icb_pr)),
        "practices_with_score": float(icb_pr["practice_code"].isin(q["practice_code"]).sum()),
        "england_practices": float(len(tot)),
        "england_with_score": float(tot["practice_code"].isin(q["practice_code"]).sum()),
    }


def _practice_registers(groups: list[str]) -> pd.DataFrame:
    prev = _national("qof_practice_prevalence")
    return prev[prev["group_code"].isin(groups)].merge(_practices_with_quintile(), on="practice_code", how="inner")


def prevalence_by_practice_quintile(icb: ICB | str, groups: list[str]) -> pd.DataFrame:
    """Recorded prevalence by national practice deprivation quintile (1 = most deprived), ICB and
    England, pooled registers / list sizes with Wilson 95% CIs. QOF 2022-23, IMD 2019. A quintile
    holding none of the ICB's practices has no ICB row."""
    icb = _icb(icb)
    d = _practice_registers(groups)
    both = pd.concat(
        [d[d["icb_ods_code"] == icb.ods_code].assign(area=icb.short_name), d.assign(area="England")], ignore_index=True
    )
    res = stats.proportion(
        both, "register", "list_size", group_by=["group_code", "area", "national_quintile", "period"]
    )
    return res.rename(columns={"national_quintile": "practice_quintile"})


def prevalence_by_icb_fifth(icb: ICB | str, groups: list[str]) -> pd.DataFrame:
    """Recorded prevalence across the ICB's own fifths of patients, ranked by their practice's
    deprivation score (1 = most deprived), Wilson 95% CIs; the groups behind the ICB's SII."""
    icb = _icb(icb)
    d = _practice_registers(groups)
    d = d[d["icb_ods_code"] == icb.ods_code].assign(area=icb.short_name)
    return stats.proportion(d, "register", "list_size", group_by=["group_code", "area", "icb_fifth", "period"])


def _sii(df: pd.DataFrame, quintile: str, reps: int) -> pd.DataFrame:
    # phe_sii with multiplier -1: most minus least deprived, positive = higher among the most deprived
    # The simulation's random stream is seeded by the group key (group_code, area): keep it so.
    out = stats.sii(
        df,
        "value",
        "list_size",
        quintile,
        group_by=["group_code", "area"],
        lower_cl="lower_ci",
        upper_cl="upper_ci",
        multiplier=-1,
        reps=reps,
        seed=1,
        n_quantiles=5,
    )
    return out.merge(df[["group_code", "area", "period"]].drop_duplicates(), on=["group_code", "area"], how="left")


@sources.remembered(maxsize=4, national=True)
def _england_prevalence_sii(groups: tuple[str, ...], reps: int) -> pd.DataFrame:
    d = _practice_registers(list(groups)).assign(area="England")
    by_q = stats.proportion(d, "register", "list_size", group_by=["group_code", "area", "national_quintile", "period"])
    return _sii(by_q, "national_quintile", reps).assign(fifths=NATIONAL_FIFTHS)


def prevalence_sii(icb: ICB | str, groups: list[str], reps: int = 10_000) -> pd.DataFrame:
    """Slope index of inequality in recorded prevalence, **most deprived minus least deprived**
    (percentage points; positive = higher recorded prevalence among the patients of the more
    deprived practices). The ICB across its own fifths of patients; England across national
    practice deprivation quintiles (column ``fifths`` says which). The two are not comparable
    with each other and are never set side by side on the page."""
    icb = _icb(icb)
    loc = _sii(prevalence_by_icb_fifth(icb, groups), "icb_fifth", reps).assign(fifths=ICB_FIFTHS)
    eng = _england_prevalence_sii(tuple(groups), reps)
    return pd.concat([loc, eng], ignore_index=True)


def heec_indicator_by_group(icb: ICB | str, indicator: str) -> pd.DataFrame:
    """HEEC's medians of practice values by HEEC's own practice groups (fifths of *practices*,
    not of patients; HEEC merges its two most deprived, shown as ``"1-2"``; converted so that 1 is
    the most deprived), the ICB and England, latest year. Not the book's practice deprivation
    quintile: shown under HEEC's label only."""
    icb = _icb(icb)
    h = _national("heec")
    h = h[h["indicator"] == indicator]
    key = primary_care.normalise_icb_name(icb.short_name)
    h = h[h["area_key"].isin([key, "england"])]
    latest = int(h["year"].max())
    h = h[h["year"] == latest].copy()
    h["area"] = np.where(h["area_key"] == "england", "England", icb.short_name)
    return h.rename(columns={"practice_quintile": "heec_group"})


BP_HEEC = (
    "Last BP reading of patients (<80 yrs, with hypertension), in the last 12 months is <= 140/90 mmHg "
    "(denominator incl. PCAs)"
)


# ----------------------------------------------------------------------------- CVDPREVENT (England)

#: CVDPREVENT indicators: code -> plain name (the CSV keeps the code).
CVD_NAMES = {
    "CVDP002AF": "Atrial fibrillation treated with anticoagulants",
    "CVDP003CHOL": "Cardiovascular risk (QRISK) of 20% or more, on lipid-lowering therapy",
    "CVDP005HYP": "A high blood pressure reading but no hypertension diagnosis",
    "CVDP007HYP": "Hypertension treated to the appropriate threshold",
}


@sources.remembered(maxsize=2, national=True)
def cvdprevent_gradient(reps: int = 10_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CVDPREVENT England by IMD quintile (1 = most deprived) and the SII for each indicator
    (**least minus most deprived**, percentage points: ``phe_sii``'s own sign)."""
    c = clinical.cvdprevent_quintiles()
    s = stats.sii(
        c,
        "value",
        "denominator",
        "imd_quintile",
        group_by=["indicator_code", "indicator"],
        lower_cl="lower_ci",
        upper_cl="upper_ci",
        reps=reps,
        seed=1,
    )
    s = s.merge(c[["indicator_code", "period"]].drop_duplicates(), on="indicator_code", how="left")
    return c, s


def cvdprevent_icb_lipids(icb: ICB | str) -> pd.DataFrame:
    """CVDPREVENT's one split by deprivation for each ICB: people with a cardiovascular risk (QRISK)
    of 20% or more on lipid-lowering therapy (CVDP003CHOL), overall and by IMD quintile of the
    patient's neighbourhood (1 = most deprived), the ICB and England, latest 12-month period held.
    Published values and 95% CIs (counts rounded to 5 below England, so not recomputed)."""
    icb = _icb(icb)
    c = _national("cvd_icb")
    c = c[c["period_end"] == c["period_end"].max()]
    c = c[(c["icb_ods_code"] == icb.ods_code) | (c["area_level"] == "England")]
    return c.assign(area=np.where(c["area_level"] == "England", "England", icb.short_name)).reset_index(drop=True)


# ----------------------------------------------------------------------------- cancer stage


def cancer_stage_areas(icb: ICB | str) -> pd.DataFrame:
    """Early-stage diagnosis (% at stage 1-2) for the ICB's upper-tier local authorities, all years,
    plus England; each area compared with England's value by its 95% CI (the Fingertips rule,
    :func:`analysis.claims.compare`)."""
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    cs = _national("cancer_stage")
    eng = cs[cs["area_code"] == "E92000001"][["year", "value"]].rename(columns={"value": "england"})
    la = cs[cs["area_code"].isin(codes["utla"])].merge(eng, on="year", how="left")
    words = []
    for _, r in la.iterrows():
        if pd.isna(r["value"]) or pd.isna(r["england"]):
            words.append("Not compared")
        else:
            c = C.compare(r, float(r["england"]), comparator_name="England")
            words.append({"similar": "Similar to England"}.get(c.code, f"{c.words.capitalize()} than England"))
    la["compared_to_england"] = words
    allr = pd.concat([la, cs[cs["area_code"] == "E92000001"].assign(compared_to_england="England")], ignore_index=True)
    return allr.sort_values(["area_code", "year"]).reset_index(drop=True)


def latest_published(df: pd.DataFrame, period_col: str) -> pd.DataFrame:
    """Local-authority rows (England excluded) of the latest period in which at least one of the
    ICB's areas has a published (unsuppressed) value."""
    d = df[(df["area_code"] != "E92000001")].dropna(subset=["value"])
    if d.empty:
        return d
    return d[d[period_col] == d[period_col].max()]


# ----------------------------------------------------------------------------- SMI physical health checks


def smi_subicb_start(smi: pd.DataFrame, subicb_codes) -> pd.Timestamp:
    """The first quarter from which every organisation in the SMI series is a sub-ICB location
    (``subicb_codes``): earlier quarters count clinical commissioning groups, whose areas do not add
    up to ICBs. Read from the data, so a later re-issue on other geography moves it."""
    codes = set(subicb_codes)
    on_subicb = smi.groupby("quarter_end")["org_code"].agg(lambda c: set(c) <= codes).sort_index()
    quarters = on_subicb.index
    off = quarters[~on_subicb.to_numpy(dtype=bool)]
    after = quarters[quarters > off.max()] if len(off) else quarters
    if after.empty:
        raise ValueError(
            "SMI physical health checks: no quarter after which every organisation is a sub-ICB "
            f"location of the QOF mapping (quarters {quarters.min()} to {quarters.max()})"
        )
    return after[0]


def smi_checks(icb: ICB | str) -> pd.DataFrame:
    """All six SMI physical health checks, ICB (sum of its sub-ICB locations) and England (sum of all
    rows) per quarter from the first quarter on sub-ICB geography (:func:`smi_subicb_start`),
    Wilson 95% CIs."""
    icb = _icb(icb)
    s = _national("smi")
    sub = _national("subicb_map")
    s = s[s["quarter_end"] >= smi_subicb_start(s, sub["sub_icb_ods_code"])].dropna(subset=["SMIRegister", "All6PHC"])
    mine = set(sub.loc[sub["icb_ods_code"] == icb.ods_code, "sub_icb_ods_code"])
    loc = s[s["org_code"].isin(mine)].assign(area=icb.short_name)
    eng = s.assign(area="England")
    both = pd.concat([loc, eng])
    res = stats.proportion(both, "All6PHC", "SMIRegister", group_by=["area", "quarter_end", "fin_year", "quarter"])
    res["n_orgs"] = (
        both.groupby(["area", "quarter_end"])
        .size()
        .reindex(pd.MultiIndex.from_frame(res[["area", "quarter_end"]]))
        .to_numpy()
    )
    return res.sort_values(["area", "quarter_end"]).reset_index(drop=True)


@sources.remembered(maxsize=1, national=True)
def _smi_funnel() -> pd.DataFrame:
    s = _national("smi")
    s = s[s["quarter_end"] == s["quarter_end"].max()].dropna(subset=["SMIRegister", "All6PHC"])
    s = s.merge(_national("subicb_map"), left_on="org_code", right_on="sub_icb_ods_code", how="left")
    # "NHS Birmingham and Solihull ICB - 15E" reads as the sub-ICB location it is
    s["label"] = (
        s["sub_icb_name"]
        .fillna(s["org_code"])
        .str.replace(r"^NHS\s+", "", regex=True)
        .str.replace(r"\s+ICB\s+-\s+(\w+)$", r" (\1)", regex=True)
    )
    return stats.funnel_overdispersed(
        s.reset_index(drop=True), "All6PHC", "SMIRegister", data_type="proportion", multiplier=100
    )


def smi_subicb_funnel(icb: ICB | str) -> pd.DataFrame:
    """Latest quarter: each sub-ICB location's all-six-checks rate on a funnel plot with limits
    adjusted for overdispersion (estimated from all sub-ICB locations); ``in_icb`` marks the ICB's."""
    icb = _icb(icb)
    s = _smi_funnel().copy()
    s["in_icb"] = s["icb_ods_code"] == icb.ods_code
    return s


# ----------------------------------------------------------------------------- maternity (MSDS)

COC = "COC_by_28weeks"


def maternity_icb(icb: ICB | str) -> pd.DataFrame:
    """Continuity of carer plan by 28 weeks and smoking at delivery, LMNS (= ICB) and England,
    for the month published, Wilson 95% CIs on the published (rounded to 5) counts."""
    icb = _icb(icb)
    m = _national("msds_proportions")
    m = m[m["org_code"].isin([icb.ods_code, "National"])].dropna(subset=["numerator", "denominator"])
    m = m[m["denominator"] > 0]
    m["area"] = np.where(m["org_code"] == "National", "England", icb.short_name)
    return stats.proportion(m, "numerator", "denominator")


def maternity_coc_groups(icb: ICB | str) -> pd.DataFrame:
    """Continuity of carer by 28 weeks by IMD decile of the mother (1 = most deprived) and ethnic
    group, England and the LMNS (= ICB), with Wilson 95% CIs; suppressed cells are dropped (and
    counted in ``attrs``)."""
    icb = _icb(icb)
    mm = _national("msds_measures")
    mm = mm[
        mm["indicator"].str.startswith(COC + "_")
        & mm["org_code"].isin([icb.ods_code, "National"])
        & mm["org_level"].isin(["National", "Local Maternity System"])
    ]
    wide = (
        mm.set_index(["org_code", "indicator", "period_start", "currency"])["value"].unstack("currency").reset_index()
    )
    wide.columns.name = None
    wide["group"] = wide["indicator"].str.replace(COC + "_", "", regex=False)
    wide["breakdown"] = np.where(wide["group"].str.startswith("IMD"), "IMD decile", "Ethnicity")
    wide = wide[~wide["group"].str.contains("Missing_Unknown")]
    n_supp = int(wide[["Numerator", "Denominator"]].isna().any(axis=1).sum())
    wide = wide.dropna(subset=["Numerator", "Denominator"])
    wide = wide[wide["Denominator"] > 0]
    wide["area"] = np.where(wide["org_code"] == "National", "England", icb.short_name)
    lab = wide["group"].str.extract(r"IMD_(\d{2})")[0]
    wide["imd_decile"] = pd.to_numeric(lab, errors="coerce")
    wide["label"] = np.where(
        wide["breakdown"] == "IMD decile",
        "Decile " + wide["imd_decile"].astype("Int64").astype(str),
        wide["group"].str.replace("Ethnicity_", "", regex=False).replace({"BAME": "Black, Asian and minority ethnic"}),
    )
    res = stats.proportion(
        wide.rename(columns={"Numerator": "numerator", "Denominator": "denominator"}), "numerator", "denominator"
    )
    res.attrs["n_suppressed"] = n_supp
    return res


@sources.remembered(maxsize=1, national=True)
def _lmns_funnel() -> pd.DataFrame:
    m = _national("msds_proportions")
    m = m[m["indicator"] == COC]
    m = m[m["org_level"] == "Local Maternity System"].dropna(subset=["numerator", "denominator"])
    m = m[m["denominator"] > 0].reset_index(drop=True)
    m["label"] = [geography.find_icb(c).short_name for c in m["org_code"]]
    return stats.funnel_overdispersed(m, "numerator", "denominator", data_type="proportion", multiplier=100)


def maternity_lmns_funnel() -> pd.DataFrame:
    """Continuity of carer by 28 weeks for each local maternity and neonatal system that submitted
    it, on a funnel plot with limits adjusted for overdispersion."""
    return _lmns_funnel().copy()


# ----------------------------------------------------------------------------- oral health, CYP mental health


def oral_health_areas(icb: ICB | str) -> pd.DataFrame:
    """% of 5-year-olds with visible decay: the ICB's lower-tier districts and unitary authorities
    (majority of LSOAs in the ICB), and England, every survey year. Comparison is Fingertips' own."""
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    o = _national("oral")
    lad = o["area_code"].isin(codes["lad"]) & o["area_type"].isin(["District", "UA"])
    county = o["area_code"].isin(codes["utla"]) & (o["area_type"] == "County")
    out = o[lad | county | (o["area_code"] == "E92000001")]
    return out.sort_values(["area_code", "period"]).reset_index(drop=True)


def self_harm_areas(icb: ICB | str) -> pd.DataFrame:
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    s = _national("self_harm")
    return s[s["area_code"].isin(codes["utla"]) | (s["area_code"] == "E92000001")].reset_index(drop=True)


# ----------------------------------------------------------------------------- everything, once per ICB


class Facts:
    """Every table of the chapter for one ICB, each computed on first use and kept (one object per
    ICB from :func:`facts`, shared by :func:`claims`, :func:`build` and :func:`headline_figures`)."""

    def __init__(self, icb: ICB, reps: int = 10_000):
        self.icb, self.reps = icb, reps

    @cached_property
    def qof(self) -> dict[str, pd.DataFrame]:
        """QOF_MEASURES key -> ICB and England rows (QOF 2024-25)."""
        return {k: qof_indicator(self.icb, codes, label) for k, (codes, label) in QOF_MEASURES.items()}

    @cached_property
    def hyp_funnel(self) -> pd.DataFrame:
        return qof_indicator_all_icbs(HYP_CODES)

    @cached_property
    def prevalence(self) -> pd.DataFrame:
        return qof_prevalence(self.icb, QOF_GROUPS)

    @cached_property
    def by_quintile(self) -> pd.DataFrame:
        return prevalence_by_practice_quintile(self.icb, QOF_GROUPS)

    @cached_property
    def by_fifth(self) -> pd.DataFrame:
        return prevalence_by_icb_fifth(self.icb, QOF_GROUPS)

    @cached_property
    def sii(self) -> pd.DataFrame:
        return prevalence_sii(self.icb, QOF_GROUPS, reps=self.reps)

    @cached_property
    def coverage(self) -> dict[str, float]:
        return practice_quintile_coverage(self.icb)

    @cached_property
    def heec(self) -> pd.DataFrame:
        return heec_indicator_by_group(self.icb, BP_HEEC)

    @cached_property
    def cvd(self) -> pd.DataFrame:
        return cvdprevent_gradient(self.reps)[0]

    @cached_property
    def cvd_sii(self) -> pd.DataFrame:
        return cvdprevent_gradient(self.reps)[1]

    @cached_property
    def lipids(self) -> pd.DataFrame:
        return cvdprevent_icb_lipids(self.icb)

    def lipid_row(self, area: str, quintile: int) -> pd.Series | None:
        d = self.lipids[(self.lipids["area"] == area) & (self.lipids["imd_quintile"] == quintile)]
        d = d.dropna(subset=["value", "lower_ci", "upper_ci"])
        return d.iloc[0] if len(d) == 1 else None

    @cached_property
    def cancer(self) -> pd.DataFrame:
        return cancer_stage_areas(self.icb)

    @cached_property
    def smi(self) -> pd.DataFrame:
        return smi_checks(self.icb)

    @cached_property
    def smi_funnel(self) -> pd.DataFrame:
        return smi_subicb_funnel(self.icb)

    @cached_property
    def maternity(self) -> pd.DataFrame:
        return maternity_icb(self.icb)

    @cached_property
    def coc_groups(self) -> pd.DataFrame:
        return maternity_coc_groups(self.icb)

    @cached_property
    def lmns_funnel(self) -> pd.DataFrame:
        return maternity_lmns_funnel()

    @cached_property
    def oral(self) -> pd.DataFrame:
        return oral_health_areas(self.icb)

    @cached_property
    def self_harm(self) -> pd.DataFrame:
        return self_harm_areas(self.icb)

    # ---- convenience views
    def area_row(self, df: pd.DataFrame, area: str, **eq) -> pd.Series:
        sel = df["area"] == area
        for k, v in eq.items():
            sel &= df[k] == v
        rows = df[sel]
        if len(rows) != 1:
            raise ValueError(f"expected one row for {area} {eq}, found {len(rows)}")
        return rows.iloc[0]

    @property
    def name(self) -> str:
        return self.icb.short_name

    def prev(self, group: str, area: str | None = None) -> pd.Series:
        return self.area_row(self.prevalence, area or self.name, group_code=group)

    def sii_row(self, group: str, area: str | None = None) -> pd.Series:
        return self.area_row(self.sii, area or self.name, group_code=group)

    @property
    def coc(self) -> pd.DataFrame:
        return self.maternity[self.maternity["indicator"] == COC]

    @property
    def has_coc(self) -> bool:
        return bool((self.coc["area"] == self.name).any())

    @property
    def smoking(self) -> pd.DataFrame:
        return self.maternity[self.maternity["indicator"] == "CQIMSmokingDelivery"]

    @property
    def smi_icb(self) -> pd.DataFrame:
        return self.smi[self.smi["area"] == self.name].sort_values("quarter_end")

    @property
    def smi_eng(self) -> pd.DataFrame:
        return self.smi[self.smi["area"] == "England"].sort_values("quarter_end")

    @property
    def cancer_latest(self) -> pd.DataFrame:
        return latest_published(self.cancer, "year")

    @property
    def oral_latest(self) -> pd.DataFrame:
        return latest_published(self.oral, "period")

    @property
    def self_harm_latest(self) -> pd.DataFrame:
        return latest_published(self.self_harm, "period")

    def cvd_row(self, code: str, quintile: int) -> pd.Series:
        d = self.cvd[(self.cvd["indicator_code"] == code) & (self.cvd["imd_quintile"] == quintile)]
        return d.iloc[0]

    def cvd_sii_row(self, code: str) -> pd.Series:
        return self.cvd_sii[self.cvd_sii["indicator_code"] == code].iloc[0]


@sources.remembered(maxsize=4)
def facts(icb_code: str, reps: int = 10_000) -> Facts:
    """The chapter's tables for one ICB (cached: :func:`claims`, :func:`build` and
    :func:`headline_figures` share them)."""
    return Facts(geography.find_icb(icb_code), reps)


# ----------------------------------------------------------------------------- claims


def _versus(claim: C.Claim, other: str) -> C.Claim:
    """The claim's words made a phrase: 'lower than England's 17.1%', 'similar to England's 17.1%'
    (the code and recorded numbers are kept, for the audit)."""
    joiner = "to" if claim.code == "similar" else "than"
    return replace(claim, words=f"{claim.words} {joiner} {other}")


def _pct(v: float, dp: int = 1) -> str:
    return fmt(v, "pct", dp=dp)


def _prev_dp(group: str) -> int:
    return 2 if group in ("MH", "EP", "COPD") else 1


def _england(value: float, dp: int = 1) -> str:
    return f"England's {_pct(value, dp)}"


def claims(icb_code: str, imd_version: int = 2019, reference_date: object = None) -> dict[str, C.Claim]:
    """Every data-dependent word the chapter glues, from :mod:`analysis.claims`, keyed by glue key.

    Cheap enough to run for all 42 ICBs (the national tables are cached). ``reference_date`` and
    ``imd_version`` do not change any word here (data currency is marked separately, and every
    deprivation measure of the chapter is IMD 2019); they are accepted for the common interface.
    """
    f = facts(geography.find_icb(icb_code).ods_code)
    out: dict[str, C.Claim] = {}
    name = f.name

    # maternity
    if f.has_coc:
        coc_i, coc_e = f.area_row(f.coc, name), f.area_row(f.coc, "England")
        out["coc_vs_england"] = _versus(
            C.compare(coc_i, float(coc_e["value"]), comparator_name="England"), _england(coc_e["value"])
        )
        pos = stats.funnel_position(f.lmns_funnel, f.icb.ods_code, "org_code")
        out["coc_funnel"] = C.funnel(pos, polarity="higher_is_better", average="the average")
    eng_dec = f.coc_groups[(f.coc_groups["area"] == "England") & (f.coc_groups["breakdown"] == "IMD decile")]
    d1, d10 = eng_dec[eng_dec["imd_decile"] == 1], eng_dec[eng_dec["imd_decile"] == 10]
    if len(d1) and len(d10):
        out["coc_england_gap"] = C.gap(d1.iloc[0], d10.iloc[0], polarity="higher_is_better").claim
    for area, key in (("England", "coc_ethnicity_england"), (name, "coc_ethnicity_icb")):
        eth = f.coc_groups[(f.coc_groups["area"] == area) & (f.coc_groups["breakdown"] == "Ethnicity")]
        bame, white = eth[eth["label"] == "Black, Asian and minority ethnic"], eth[eth["label"] == "White"]
        if len(bame) and len(white):
            out[key] = _versus(
                C.compare(bame.iloc[0], white.iloc[0], comparator_name="White women"),
                f"the {_pct(white.iloc[0]['value'])} among White women",
            )
    smk = f.smoking
    if (smk["area"] == name).any():
        s_i, s_e = f.area_row(smk, name), f.area_row(smk, "England")
        out["smoking_vs_england"] = _versus(
            C.compare(s_i, float(s_e["value"]), comparator_name="England"), _england(s_e["value"])
        )

    # severe mental illness
    last, last_e = f.smi_icb.iloc[-1], f.smi_eng.iloc[-1]
    out["smi_vs_england"] = _versus(
        C.compare(last, float(last_e["value"]), comparator_name="England"), _england(last_e["value"])
    )
    out["smi_target"] = C.target_status(float(last["value"]), _ambition_pct("smi"), polarity="higher_is_better")
    for _, r in f.smi_funnel[f.smi_funnel["in_icb"]].iterrows():
        pos = stats.funnel_position(f.smi_funnel, r["org_code"], "org_code")
        out[f"smi_funnel_{r['org_code'].lower()}"] = C.funnel(pos, polarity="higher_is_better", average="the average")

    # QOF measures against England
    for key in QOF_MEASURES:
        if key == "hyp":
            continue
        i, e = f.qof[key].iloc[0], f.qof[key].iloc[1]
        out[f"{key}_vs_england"] = _versus(
            C.compare(i, float(e["value"]), comparator_name="England"), _england(e["value"])
        )

    # hypertension
    pos = stats.funnel_position(f.hyp_funnel, f.icb.ods_code, "org_code")
    out["hyp_funnel"] = C.funnel(pos, polarity="higher_is_better", average="the average")
    hyp_i, hyp_e = f.qof["hyp"].iloc[0], f.qof["hyp"].iloc[1]
    out["hyp_vs_england"] = _versus(
        C.compare(hyp_i, float(hyp_e["value"]), comparator_name="England"), _england(hyp_e["value"])
    )
    in_force = objectives.objective_in_force("hypertension", _year_end(hyp_i["period"]))
    if in_force and in_force.objective.has_target:
        out["hyp_target"] = C.target_status(
            float(hyp_i["value"]), in_force.objective, period_end=_year_end(hyp_i["period"])
        )
    hyp_gap = C.gap(f.cvd_row("CVDP007HYP", 1), f.cvd_row("CVDP007HYP", 5), polarity="higher_is_better")
    out["cvd_hyp_gap"] = hyp_gap.claim
    out["cvd_hyp_gap_and_sii"] = C.gap_and_sii(
        hyp_gap, f.cvd_sii_row("CVDP007HYP"), sign="least_minus_most", groups="quintiles"
    )
    out["cvd_chol_gap"] = C.gap(
        f.cvd_row("CVDP003CHOL", 1), f.cvd_row("CVDP003CHOL", 5), polarity="higher_is_better"
    ).claim
    q1, q5 = f.lipid_row(name, 1), f.lipid_row(name, 5)
    if q1 is not None and q5 is not None:
        out["lipids_icb_gap"] = C.gap(q1, q5, polarity="higher_is_better").claim
    out["cvd_undiagnosed_gap"] = C.gap(
        f.cvd_row("CVDP005HYP", 1), f.cvd_row("CVDP005HYP", 5), polarity="lower_is_better"
    ).claim

    # recorded prevalence and its gradient with deprivation
    for g in QOF_GROUPS:
        k = g.lower()
        p_i, p_e = f.prev(g), f.prev(g, "England")
        out[f"{k}_prev_vs_england"] = _versus(
            C.compare(p_i, float(p_e["value"]), comparator_name="England"), _england(p_e["value"], _prev_dp(g))
        )
        out[f"{k}_gradient"] = C.gradient(f.sii_row(g), sign="most_minus_least")
        out[f"{k}_gradient_england"] = C.gradient(f.sii_row(g, "England"), sign="most_minus_least")

    # cancer: the highest of the ICB's areas against the ambition (deadline 2028)
    cs = f.cancer_latest
    if len(cs):
        obj = _latest_objective("cancer_early_stage")
        out["cancer_target"] = C.target_status(
            float(cs["value"].max()), obj, period_end=pd.Timestamp(f"{int(cs['year'].iloc[0])}-12-31")
        )
    return out


def _ambition_pct(key: str) -> float:
    t = ambitions_table().set_index("key").loc[key, "target_pct"]
    if t is None or pd.isna(t):
        raise ValueError(f"the ambition for {key!r} has no number")
    return float(t)


# ----------------------------------------------------------------------------- headline figures


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, without the notebook (``python -m analysis check``
    runs it for all 42 ICBs); exactly the keys of ``registry/headlines/core20plus5.yml``.

    * ``hyp_treated_to_target_pct``: QOF 2024-25 HYP008+HYP009, PCAs in the denominator.
    * ``smi_all_six_checks_pct``: SMI physical health checks, the latest 12 months held.
    * ``copd_prevalence_pct``, ``asthma_prevalence_pct``, ``diabetes_prevalence_pct``,
      ``epilepsy_prevalence_pct``, ``smi_register_prevalence_pct``: QOF 2024-25 recorded prevalence.
    * ``continuity_of_carer_pct``: MSDS, the month held (LMNS = ICB footprint); NaN where the LMNS
      submitted no continuity-of-carer figure (QNC, QOC): see :data:`NOT_AVAILABLE`.
    * ``cancer_early_stage_lowest_la_pct``: the lowest % at stage 1-2 among the ICB's upper-tier
      local authorities, in ``cancer_early_stage_year``, the latest year in which one of them has a
      published value (Bristol, Camden, ... are suppressed in 2022).
    * ``dental_decay_highest_la_pct``: the highest % of 5-year-olds with decay among the ICB's
      districts, UAs and counties, in the latest survey with a published value for one of them
      (``dental_decay_survey_end_year``; all Surrey districts are suppressed in 2023/24).
    * ``hyp_prevalence_sii_pp``: SII in recorded hypertension prevalence across the ICB's own
      fifths of patients by practice deprivation (most minus least deprived, QOF 2022-23).

    ``imd_version`` is accepted for a uniform interface; every deprivation measure used here is
    IMD 2019 (the only vintage of the Fingertips practice score and of CVDPREVENT's quintiles).
    """
    f = facts(geography.find_icb(icb_code).ods_code)
    name = f.name
    out: dict[str, float] = {
        "hyp_treated_to_target_pct": float(f.qof["hyp"].iloc[0]["value"]),
        "smi_all_six_checks_pct": float(f.smi_icb.iloc[-1]["value"]),
    }
    for key, g in (("copd", "COPD"), ("asthma", "AST"), ("diabetes", "DM"), ("epilepsy", "EP"), ("smi_register", "MH")):
        out[f"{key}_prevalence_pct"] = float(f.prev(g)["value"])
    out["continuity_of_carer_pct"] = float(f.area_row(f.coc, name)["value"]) if f.has_coc else float("nan")
    cs = f.cancer_latest
    out["cancer_early_stage_lowest_la_pct"] = float(cs["value"].min())
    out["cancer_early_stage_year"] = float(cs["year"].iloc[0])
    oh = f.oral_latest
    out["dental_decay_highest_la_pct"] = float(oh["value"].max())
    out["dental_decay_survey_end_year"] = float(_school_year_end(oh["period"].iloc[0]).year)
    out["hyp_prevalence_sii_pp"] = float(f.sii_row("HYP")["value"])
    return out


def _dated(period_end: object, dataset: str, max_age_months: int | None = None) -> dict:
    """The key findings page's date fields: the period's end and the manifest's publication
    frequency of ``dataset`` (``max_age_months`` where the chapter overrides it, as for the
    biennial dental survey, so that the page and the chapter judge the data alike)."""
    out = {
        "period_end": pd.Timestamp(period_end).date().isoformat(),
        "frequency": sources.dataset_meta(dataset)["frequency"],
    }
    if max_age_months is not None:
        out["max_age_months"] = max_age_months
    return out


def _target(measure: str, period_end: object) -> dict:
    """The national objective in force for the data's period, in the registry's words; nothing
    where none is recorded for that planning year."""
    in_force = objectives.objective_in_force(measure, period_end)
    return {"target_text": in_force.objective.target_text} if in_force else {}


def extreme_area_fields(df: pd.DataFrame, period_col: str, period: object, *, highest: bool) -> dict:
    """For a "lowest (or highest) of the ICB's local authorities" headline in ``period``, from
    ``df`` (every period of the series for the ICB's areas and England, ``E92000001``): the
    authority at that value (every one tied at it, named), England's value, and the series'
    previous period's value. The change is given only where the same authorities are published in
    both periods and the same one(s) are at the extreme, so that it reads true both as the named
    place's change and as the change in the lowest (highest) of the ICB's authorities."""
    periods = sorted(df[period_col].dropna().unique())
    areas = df[df["area_code"] != "E92000001"].dropna(subset=["value"])

    def at(p: object) -> tuple[pd.DataFrame, float, pd.DataFrame]:
        rows = areas[areas[period_col] == p].set_index("area_code")
        value = float(rows["value"].max() if highest else rows["value"].min())
        return rows, value, rows[rows["value"] == value].sort_values("area_name")

    now, _, top = at(period)
    out = {"place": _and_list(list(top["area_name"]))}
    eng = df[(df["area_code"] == "E92000001") & (df[period_col] == period)].dropna(subset=["value"])
    if len(eng) == 1:
        out["england"] = float(eng["value"].iloc[0])
    i = periods.index(period)
    if i > 0:
        before, value, top_before = at(periods[i - 1])
        if set(before.index) == set(now.index) and list(top_before.index) == list(top.index):
            out.update(previous=value, previous_period=str(periods[i - 1]))
    return out


def headline_fields(icb_code: str) -> dict[str, dict]:
    """For each headline figure (:func:`headline_figures`), what the key findings page shows
    beside it (the optional arguments of :meth:`analysis.report.Chapter.headline`).

    * England's value of the same measure and period, except for the SII in hypertension
      prevalence: the ICB's is across its own fifths of patients and England's across national
      fifths, which the chapter never sets side by side;
    * the national objective in force for the data's planning year
      (:func:`analysis.objectives.objective_in_force`): hypertension treated to target and
      early-stage cancer are the measures the registry holds; the ambitions for severe mental
      illness and continuity of carer are not national objectives there, so no target is given;
    * the previous period for the rolling 12-month severe mental illness checks: the same
      quarter a year earlier, not the quarter before (the checks are counted most at the year
      end, so a quarter-on-quarter change mixes the season with progress), where the ICB is
      made of the same number of sub-ICB locations in both; and for the extremes among the ICB's
      local authorities (:func:`extreme_area_fields`). QOF prevalence has no earlier ICB figure
      in the data held (QOF 2022-23 is practice data on other footprints);
    * the named place and the data's period end and publication frequency.
    """
    f = facts(geography.find_icb(icb_code).ods_code)
    out: dict[str, dict] = {}
    hyp_i, hyp_e = f.qof["hyp"].iloc[0], f.qof["hyp"].iloc[1]
    end = _year_end(hyp_i["period"])
    out["hyp_treated_to_target_pct"] = {
        "england": float(hyp_e["value"]),
        **_target("hypertension", end),
        **_dated(end, primary_care.QOF2425),
    }
    last, last_e = f.smi_icb.iloc[-1], f.smi_eng.iloc[-1]
    smi = {"england": float(last_e["value"]), **_dated(last["quarter_end"], clinical.SMI_PHC)}
    year_before = f.smi_icb[f.smi_icb["quarter_end"] == last["quarter_end"] - pd.DateOffset(years=1)]
    if len(year_before) == 1 and year_before["n_orgs"].iloc[0] == last["n_orgs"]:
        smi.update(
            previous=float(year_before["value"].iloc[0]),
            previous_period=f"12 months to {_month_text(year_before['quarter_end'].iloc[0])}",
        )
    out["smi_all_six_checks_pct"] = smi
    for key, g in (("copd", "COPD"), ("asthma", "AST"), ("diabetes", "DM"), ("epilepsy", "EP"), ("smi_register", "MH")):
        p = f.prev(g, "England")
        out[f"{key}_prevalence_pct"] = {
            "england": float(p["value"]),
            **_dated(_year_end(p["period"]), primary_care.QOF2425),
        }
    msds_end = pd.Timestamp(f.maternity["period_start"].iloc[0]) + pd.offsets.MonthEnd(0)
    out["continuity_of_carer_pct"] = {
        "england": float(f.area_row(f.coc, "England")["value"]),
        **_dated(msds_end, clinical.MSDS_MONTHLY),
    }
    cs = f.cancer_latest
    if len(cs):
        year = cs["year"].iloc[0]
        end = pd.Timestamp(f"{int(year)}-12-31")
        out["cancer_early_stage_lowest_la_pct"] = {
            **extreme_area_fields(f.cancer, "year", year, highest=False),
            **_target("cancer_early_stage", end),
            **_dated(end, clinical.CANCER_STAGE),
        }
        out["cancer_early_stage_year"] = _dated(end, clinical.CANCER_STAGE)
    oh = f.oral_latest
    period = oh["period"].iloc[0]
    oral = _dated(_school_year_end(period), clinical.ORAL, ORAL_MAX_AGE_MONTHS)
    out["dental_decay_highest_la_pct"] = {**extreme_area_fields(f.oral, "period", period, highest=True), **oral}
    out["dental_decay_survey_end_year"] = oral
    out["hyp_prevalence_sii_pp"] = _dated(_year_end(f.by_quintile["period"].iloc[0]), primary_care.QOF2223)
    return out


#: Headline figures that are legitimately missing for some ICBs, and why.
NOT_AVAILABLE = {
    "continuity_of_carer_pct": "The Local Maternity and Neonatal System submitted no continuity-of-carer "
    "rows to the Maternity Services Data Set for the month held.",
}


# ----------------------------------------------------------------------------- the chapter


def _reference(reference_date: object) -> pd.Timestamp:
    """The build's reference date; "" (run by hand) is the first day of this month."""
    if reference_date in (None, ""):
        return pd.Timestamp(dt.date.today().replace(day=1))
    return objectives.as_date(reference_date, "reference_date")


def build(icb_code: str, imd_version: int = 2019, data_dir: str | None = None, reference_date: object = "") -> Chapter:
    """Compute, glue and save everything the chapter notebook shows for one ICB."""
    f = facts(geography.find_icb(icb_code).ods_code)
    return _Page(f, claims(f.icb.ods_code, imd_version, reference_date), _reference(reference_date), data_dir).write()


# ----------------------------------------------------------------------------- the page

#: Every figure, table and box of the page, in the order the notebook shows them (figures and
#: tables are numbered in this order; a test checks the notebook agrees).
OUTPUT_ORDER = (
    "summary",
    "maternity_coc_funnel",
    "maternity_coc_by_group",
    "maternity_gap",
    "smi_checks_trend",
    "smi_checks_funnel",
    "smi_checks",
    "smi_gap",
    "copd_by_quintile",
    "respiratory_gap",
    "cancer_stage_trend",
    "cancer_stage",
    "cancer_gap",
    "hypertension_funnel",
    "cvdprevent_quintiles",
    "cvdprevent_sii",
    "bp_control_by_practice_quintile",
    "hyp_prevalence_by_quintile",
    "lipids_by_quintile",
    "hypertension_gap",
    "asthma_by_quintile",
    "asthma_gap",
    "diabetes_by_quintile",
    "diabetes_gap",
    "epilepsy_by_quintile",
    "epilepsy_gap",
    "oral_health_decay",
    "oral_health",
    "oral_health_gap",
    "self_harm_10_24",
    "cyp_mental_health_gap",
    "plus_groups",
    "qof_prevalence",
    "prevalence_sii",
    "prevalence_by_practice_quintile",
    "ambitions",
)


def _sources(f: Facts) -> dict[str, str]:
    """Sources, with the period read from the data where it has one."""
    qof_now = f.prevalence["period"].iloc[0]
    qof_then = f.by_quintile["period"].iloc[0]
    month = _month_text(f.maternity["period_start"].iloc[0])
    return {
        "qof_now": f"NHS England, Quality and Outcomes Framework {qof_now} (ICB aggregation of practice data, "
        "pelld/population-health-system-explorer)",
        "qof_then": f"NHS England, Quality and Outcomes Framework {qof_then} practice registers; Office for Health "
        "Improvement and Disparities (OHID) Fingertips practice deprivation score (indicator 93553, "
        "IMD 2019)",
        "cvdprevent": "CVDPREVENT audit (NHS England and OHID), England by IMD 2019 quintile, "
        f"12 months {f.cvd['period'].iloc[0][0].lower()}{f.cvd['period'].iloc[0][1:]}",
        "heec": "Health Equity Evidence Centre practice-deprivation summaries of QOF (medians of practices)",
        "cancer": "OHID Fingertips indicator 93671, via the Office for National Statistics' Explore Local "
        "Statistics (National Disease Registration Service cancer registrations)",
        "smi": "NHS England, Physical Health Checks for people with Severe Mental Illness (quarterly)",
        "msds": f"NHS England, Maternity Services Monthly Statistics, {month} (provisional)",
        "oral": "OHID Fingertips indicator 93563, National Dental Epidemiology Programme survey of 5-year-olds",
        "self_harm": "OHID Fingertips indicator 90813 (Trafford Data Lab extract)",
        "objectives": "NHS England planning guidance and Core20PLUS5 pages (see the ambitions table)",
    }


def _ci_text(row: pd.Series, dp: int = 1, pct: bool = True) -> str:
    kind = "pct" if pct else "num"
    return f"{fmt(row['lower_ci'], kind, dp=dp)} to {fmt(row['upper_ci'], kind, dp=dp)}"


def _pp(value: float, dp: int = 2) -> str:
    return fmt(value, "pp", dp=dp, lo=-50, hi=50)


def _sii_dp(row: pd.Series) -> int:
    """Decimals for an SII and its interval: 2, or more where a limit would round to zero, so that
    an interval wholly below zero (−0.127 to −0.004) never reads as touching it (−0.13 to 0.00)."""
    for dp in (2, 3, 4):
        if all(round(float(row[c]), dp) != 0 or float(row[c]) == 0 for c in ("lower_ci", "upper_ci")):
            return dp
    return 4


def _sii_text(row: pd.Series, tail: str = "") -> str:
    """'−0.066 percentage points (95% CI −0.127 to −0.004; QOF 2022-23)' (``tail`` after the interval)."""
    dp = _sii_dp(row)
    return (
        f"{_pp(row['value'], dp)} (95% CI {fmt(row['lower_ci'], 'num', dp=dp, lo=-50, hi=50)} to "
        f"{fmt(row['upper_ci'], 'num', dp=dp, lo=-50, hi=50)}{tail})"
    )


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _limits_text(result: pd.DataFrame, units: str, unit: str) -> str:
    """What the funnel's limits are, from the result's own settings: adjusted for overdispersion
    or not, at which levels, and when a unit is called well above or below the average."""
    n = int(result.attrs["n_units"])
    if result.attrs["limits_used"] == "adjusted":
        how = (
            f"The limits allow for real variation between {units} (overdispersion): they are widened by the "
            f"variation found among all {n} {units}"
        )
    else:
        how = (
            f"No more variation was found between the {n} {units} than chance would give (no "
            "overdispersion), so the limits are not widened"
        )
    article = "an" if unit[0] in "AEIOUaeiou" else "a"
    return (
        f"{how}. They are drawn at 95% (dashed) and 99.8% (solid) around the average of all {units}; "
        f"{article} {unit} is called well above or well below the average only outside the 99.8% limits."
    )


def _gap_box_text(key: str, lead: str) -> str:
    g = DATA_GAPS[key]
    return f"{lead} Would add: {g['dataset']} ({g['publisher']}, <{g['url']}>)."


class _Page:
    """Writes the chapter for one ICB: glued words and numbers, figures, tables and boxes."""

    def __init__(self, f: Facts, cl: dict[str, C.Claim], reference: pd.Timestamp, data_dir: str | None):
        from .. import figures

        figures.style()
        self.f, self.cl, self.ref = f, cl, reference
        self.ch = Chapter(CHAPTER_ID, data_dir, icb=f.icb)
        self.S = _sources(f)
        self.amb = ambitions_table().set_index("key")
        self.name = f.name
        self.n = esc(f.name)
        self.pos = esc(_possessive(f.name))
        self.rows: dict[str, dict] = {}  # summary table rows, by ambition key
        self.pending: dict[str, tuple] = {}

    # ---------------------------------------------------------------- helpers
    def figure(self, fig, name: str, **kw) -> None:
        self._later(name, self.ch.figure, fig, name, **kw)

    def table(self, df: pd.DataFrame, name: str, caption: str, **kw) -> None:
        self._later(name, self.ch.table, df, name, caption, **kw)

    def box(self, name: str, text: str, **kw) -> None:
        self._later(name, self.ch.box, name, text, **kw)

    def _later(self, name: str, make, *args, **kw) -> None:
        # Figures and tables are numbered as they are made, so they are made in page order
        # (OUTPUT_ORDER) once every section has been computed.
        if name not in OUTPUT_ORDER:
            raise ValueError(f"output {name!r} is not in OUTPUT_ORDER (the order the notebook shows outputs)")
        if name in self.pending:
            raise ValueError(f"output {name!r} is made twice")
        self.pending[name] = (make, args, kw)

    def _make_outputs(self) -> None:
        missing = [n for n in OUTPUT_ORDER if n not in self.pending]
        if missing:
            raise ValueError(f"outputs in OUTPUT_ORDER that no section made: {missing}")
        for name in OUTPUT_ORDER:
            make, args, kw = self.pending.pop(name)
            make(*args, **kw)

    def cur(self, period_end: object, dataset: str, max_age_months: int | None = None) -> C.Currency:
        """Are ``dataset``'s data ending ``period_end`` out of date? By the publication frequency the
        manifest records for it (``max_age_months`` overrides, for a known longer cycle)."""
        return C.currency(
            period_end, sources.dataset_meta(dataset)["frequency"], self.ref, max_age_months=max_age_months
        )

    def write(self) -> Chapter:
        ch = self.ch
        for key, claim in self.cl.items():
            ch.claim(key, claim)
        ch.text("icb_name", self.name)
        ch.text("icb_possessive", _possessive(self.name))
        self.periods()
        self.ambitions()
        self.maternity()
        self.smi()
        self.prevalence()
        self.respiratory()
        self.cancer()
        self.hypertension()
        self.children()
        self.oral()
        self.cyp_mental_health()
        self.plus_groups()
        self.methods()
        self.summary()
        self._make_outputs()
        self.headlines()
        ch.save()
        return ch

    def periods(self) -> None:
        f, ch = self.f, self.ch
        self.qof_now = str(f.prevalence["period"].iloc[0])
        self.qof_then = str(f.by_quintile["period"].iloc[0])
        self.cur_qof_now = self.cur(_year_end(self.qof_now), primary_care.QOF2425)
        self.cur_qof_then = self.cur(_year_end(self.qof_then), primary_care.QOF2223)
        ch.text("qof_period", self.qof_now)
        ch.text("qof_practice_period", self.qof_then)
        ch.say("qof_practice_currency", _currency_suffix(self.cur_qof_then))
        cvd_period = str(f.cvd["period"].iloc[0])
        self.cvd_period = "12 months " + cvd_period[0].lower() + cvd_period[1:]
        self.cur_cvd = self.cur(_to_month_end(cvd_period), clinical.CVDPREVENT)
        ch.text("cvd_period", self.cvd_period)
        ch.say("cvd_currency", _currency_suffix(self.cur_cvd))
        self.msds_month = _month_text(f.maternity["period_start"].iloc[0])
        self.msds_end = pd.Timestamp(f.maternity["period_start"].iloc[0]) + pd.offsets.MonthEnd(0)
        self.cur_msds = self.cur(self.msds_end, clinical.MSDS_MONTHLY)
        ch.text("msds_month", self.msds_month)

    def ambitions(self) -> None:
        for key, row in self.amb.iterrows():
            self.ch.say(f"ambition_{key}", f"{esc(_spell_out(row['ambition']))} Stated in: {esc(row['source'])}.")

    def box_gap(self, key: str, lead: str, title: str = "Data gap") -> None:
        self.box(f"{key}_gap", _gap_box_text(key, lead), kind="warning", title=title)

    def summary_row(
        self,
        key: str,
        value: str,
        england: str,
        deprivation_text: str,
        period: str,
        period_end: object,
        out_of_date: bool,
    ) -> None:
        status, note = DATA_STATUS[key]
        self.rows[key] = {
            "key": key,
            "value": value,
            "england": england,
            "deprivation": deprivation_text,
            "period": period,
            "period_end": pd.Timestamp(period_end).date(),
            "out_of_date": out_of_date,
            "data_status": status,
            "data_note": note,
        }

    # ---------------------------------------------------------------- maternity
    def maternity(self) -> None:
        from .. import figures

        f, ch, n, cl = self.f, self.ch, self.n, self.cl
        ood = _currency_mark(self.cur_msds)
        eng = f.area_row(f.coc, "England")
        lm = f.lmns_funnel
        ch.say("lmns_limits", _limits_text(lm, "local maternity and neonatal systems", "system"))
        if f.has_coc:
            i = f.area_row(f.coc, self.name)
            ch.say(
                "coc_sentence",
                f"In {self.msds_month}{ood}, {_pct(i['value'])} (95% CI {_ci_text(i)}) of women booked by {self.pos} "
                f"local maternity and neonatal system had a continuity-of-carer plan by 28 weeks of pregnancy, "
                f"{cl['coc_vs_england'].words}. Among all local maternity and neonatal systems it is "
                f"{cl['coc_funnel'].words}.",
            )
            ch.say(
                "maternity_finding",
                f"{_pct(i['value'])} of women booked by {self.pos} local maternity and neonatal system had a "
                f"continuity-of-carer plan by 28 weeks in {self.msds_month}{ood}, {cl['coc_vs_england'].words}; "
                f"the highest share of any system is {_pct(lm['value'].max())}, against an ambition of "
                f"{fmt(self.amb.loc['maternity', 'target_pct'], 'pct', dp=0)} for the women it names.",
            )
            value = f"{_pct(i['value'])} with a continuity-of-carer plan by 28 weeks"
        else:
            ch.say(
                "coc_sentence",
                f"{self.pos} local maternity and neonatal system submitted no continuity-of-carer "
                f"figures for {self.msds_month}, so it is not on the funnel plot.",
            )
            ch.say(
                "maternity_finding",
                f"{self.pos} local maternity and neonatal system submitted no "
                f"continuity-of-carer figures for {self.msds_month}.",
            )
            value = "No continuity-of-carer figures submitted"
        fig, data = figures.funnel_chart(
            lm,
            unit_column="org_code",
            highlight=[f.icb.ods_code] if f.has_coc else [],
            label_column="label",
            title="Continuity-of-carer plan by 28 weeks, by local maternity system",
            xlabel="Women booked in the month (log scale)",
            ylabel="Women with a plan by 28 weeks",
        )
        n_low = int((lm["value"] < lm["lower_99_8_limit"]).sum())
        n_high = int((lm["value"] > lm["upper_99_8_limit"]).sum())
        self.figure(
            fig,
            "maternity_coc_funnel",
            data=data,
            defer=True,
            source=self.S["msds"],
            alt=(
                f"Funnel plot of {plural(len(lm), 'local maternity and neonatal system')}: the share of women "
                f"with a continuity-of-carer plan by 28 weeks against the number booked in {self.msds_month}. "
                + (f"{self.name} is at {_pct(f.area_row(f.coc, self.name)['value'])}. " if f.has_coc else "")
                + f"{plural(n_low, 'system')} below and {plural(n_high, 'system')} above the 99.8% limits."
            ),
            caption=(
                f"Continuity-of-carer plan by 28 weeks of pregnancy in {self.msds_month}, each local "
                "maternity and neonatal system against the number of women booked; limits at 95% and "
                "99.8% around the average of all systems, widened for overdispersion where found "
                "(the lighter dotted lines are the 99.8% limits without that widening)."
            ),
        )
        groups = f.coc_groups
        d = groups[(groups["area"] == "England") & (groups["breakdown"] == "IMD decile")].set_index("imd_decile")
        ch.number("coc_d1", d.loc[1, "value"], "pct")
        ch.number("coc_d10", d.loc[10, "value"], "pct")
        tab = groups.assign(month=self.msds_month)[
            ["area", "breakdown", "label", "month", "numerator", "denominator", "value", "lower_ci", "upper_ci"]
        ].rename(
            columns={
                "area": "Area",
                "breakdown": "Breakdown",
                "label": "Group",
                "month": "Month",
                "numerator": "Women with a plan by 28 weeks",
                "denominator": "Women booked",
                "value": "With a plan (%)",
                "lower_ci": "Lower 95% CI",
                "upper_ci": "Upper 95% CI",
            }
        )
        self.table(
            tab,
            "maternity_coc_by_group",
            f"Continuity-of-carer plan by 28 weeks by the mother's IMD decile (1 = most deprived) and ethnic "
            f"group, England and {self.name}, {self.msds_month}.",
            source=self.S["msds"],
            show_columns=["Area", "Group", "Women booked", "With a plan (%)", "Lower 95% CI", "Upper 95% CI"],
            formats={
                "With a plan (%)": "{:.1f}",
                "Lower 95% CI": "{:.1f}",
                "Upper 95% CI": "{:.1f}",
                "Women with a plan by 28 weeks": "{:,.0f}",
                "Women booked": "{:,.0f}",
            },
            notes="Counts rounded to the nearest 5 by the publisher; groups with suppressed counts and "
            "missing or unknown groups are left out.",
            defer=True,
        )
        if "smoking_vs_england" in cl:
            s = f.area_row(f.smoking, self.name)
            ch.say(
                "smoking_sentence",
                f"Smoking at the time of delivery, a measure of the Saving Babies' Lives care bundle, was "
                f"{_pct(s['value'])} in {n} in {self.msds_month}, {cl['smoking_vs_england'].words}.",
            )
        else:
            ch.say(
                "smoking_sentence",
                f"No figure for smoking at the time of delivery was published for {n} for {self.msds_month}.",
            )
        self.box_gap(
            "maternity",
            f"One month of provisional data ({self.msds_month}), with counts rounded to 5: local figures "
            "by decile rest on a handful of women and are shown for completeness, not to rank deciles. "
            "The annual maternity statistics do not cross-tabulate outcomes by deprivation.",
            title="Caveat and data gap",
        )
        gap = C.gap(d.loc[1], d.loc[10], polarity="higher_is_better")
        self.summary_row(
            "maternity",
            value,
            _pct(eng["value"]),
            f"England: {gap.claim.words} ({_pct(d.loc[1, 'value'])} in the most deprived tenth, "
            f"{_pct(d.loc[10, 'value'])} in the least)",
            self.msds_month,
            self.msds_end,
            self.cur_msds.out_of_date,
        )

    # ---------------------------------------------------------------- severe mental illness
    def smi(self) -> None:
        from .. import figures

        f, ch, n, cl = self.f, self.ch, self.n, self.cl
        import matplotlib.dates
        import matplotlib.pyplot as plt

        last, last_e = f.smi_icb.iloc[-1], f.smi_eng.iloc[-1]
        end = last["quarter_end"]
        self.cur_smi = self.cur(end, clinical.SMI_PHC)
        period = f"12 months to {_month_text(end)}"
        target = float(self.amb.loc["smi", "target_pct"])
        ch.text("smi_period", period)
        ch.say("smi_currency", _currency_mark(self.cur_smi))
        ch.number("smi_value", last["value"], "pct")
        ch.text("smi_ci", _ci_text(last))
        ch.number("smi_register", last["SMIRegister"], "count")
        ch.number("smi_ambition", target, "pct", dp=0)
        ch.number("mh021_value", f.qof["mh021"].iloc[0]["value"], "pct")

        fig, ax = plt.subplots(figsize=(8, 4.2))
        for d, col, mk, lab in [
            (f.smi_icb, figures.HIGHLIGHT, "D", self.name),
            (f.smi_eng, figures.NHS_ORANGE, "o", "England"),
        ]:
            ax.plot(d["quarter_end"], d["value"], marker=mk, color=col, label=lab)
            ax.fill_between(d["quarter_end"], d["lower_ci"], d["upper_ci"], color=col, alpha=0.15, lw=0)
        ax.axhline(target, color=figures.NHS_BLACK, ls="-.", lw=1, label=f"Ambition {target:.0f}%")
        ax.set_ylabel("People with all six checks")
        ax.set_xlabel("12 months to the end of each quarter")
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b\n%Y"))
        ax.set_title("People with severe mental illness who had all six physical health checks")
        ax.set_ylim(0, 100)
        figures.percent_axis(ax)
        ax.legend(fontsize=9, loc="lower right")
        tab = f.smi[
            ["area", "fin_year", "quarter", "quarter_end", "All6PHC", "SMIRegister", "value", "lower_ci", "upper_ci"]
        ].rename(
            columns={
                "area": "Area",
                "fin_year": "Financial year",
                "quarter": "Quarter",
                "quarter_end": "12 months to",
                "All6PHC": "People with all six checks",
                "SMIRegister": "People on the register",
                "value": "With all six checks (%)",
                "lower_ci": "Lower 95% CI",
                "upper_ci": "Upper 95% CI",
            }
        )
        self.figure(
            fig,
            "smi_checks_trend",
            data=tab,
            defer=True,
            source=self.S["smi"],
            alt=(
                f"Line chart of the share of people with severe mental illness who had all six physical health "
                f"checks, each quarter from {_month_text(f.smi_icb['quarter_end'].iloc[0])} to "
                f"{_month_text(end)}: {self.name} ends at {_pct(last['value'])} and England at "
                f"{_pct(last_e['value'])}, against an ambition of {target:.0f}%."
            ),
            caption=(
                "Rolling 12-month share of people on GP registers of severe mental illness who received "
                "all six physical health checks, with 95% confidence bands; the dash-dotted line is the "
                "ambition."
            ),
        )
        self.table(
            tab,
            "smi_checks",
            f"Physical health checks for people with severe mental illness, {self.name} and "
            "England, by quarter (rolling 12 months).",
            source=self.S["smi"],
            show_columns=[
                "Area",
                "12 months to",
                "People on the register",
                "With all six checks (%)",
                "Lower 95% CI",
                "Upper 95% CI",
            ],
            newest_first="12 months to",
            formats={
                "With all six checks (%)": "{:.1f}",
                "Lower 95% CI": "{:.1f}",
                "Upper 95% CI": "{:.1f}",
                "People with all six checks": "{:,.0f}",
                "People on the register": "{:,.0f}",
                "12 months to": "{:%d %b %Y}",
            },
            defer=True,
        )

        sf = f.smi_funnel
        mine = sf[sf["in_icb"]]
        found = [(r.label, cl[f"smi_funnel_{r.org_code.lower()}"]) for r in mine.itertuples()]
        lead = (
            f"The funnel plot puts each of the {len(sf)} sub-ICB locations (the areas into which ICBs are divided) "
            f"against the number of people on its registers, for the {period}. "
        )
        if len(found) == 1:
            text = lead + f"{n} has one sub-ICB location, {esc(found[0][0])}: it is {found[0][1].words}."
        elif found:
            # Locations within the limits are counted; those outside are named, with the words of each.
            within = [c for _, c in found if c.code == "within_expected"]
            parts = [f"{esc(lab)} is {c.words}" for lab, c in found if c.code != "within_expected"]
            if within:
                k = len(within)
                parts.insert(0, f"{'all' if k == len(found) else k} {'is' if k == 1 else 'are'} {within[0].words}")
            text = lead + f"Of {self.pos} {len(found)} sub-ICB locations, " + "; ".join(parts) + "."
        else:
            text = lead + f"No sub-ICB location of {n} has figures for this period."
        ch.say("smi_funnel_sentence", text)
        ch.say("smi_limits", _limits_text(sf, "sub-ICB locations", "location"))
        fig, data = figures.funnel_chart(
            sf,
            unit_column="org_code",
            highlight=mine["org_code"].tolist(),
            label_column="label",
            title="All six health checks in severe mental illness, by sub-ICB location",
            xlabel="People on the registers (log scale)",
            ylabel="People with all six checks",
        )
        self.figure(
            fig,
            "smi_checks_funnel",
            data=data,
            defer=True,
            source=self.S["smi"],
            alt=(
                f"Funnel plot of {len(sf)} sub-ICB locations for the {period}: the share of people with severe "
                f"mental illness who had all six checks against the number on the registers; {_possessive(self.name)} "
                f"{plural(len(mine), 'sub-ICB location')} drawn as large diamonds."
            ),
            caption=(
                "All six physical health checks in severe mental illness, each sub-ICB location against the "
                "number of people on its registers, with 95% and 99.8% limits around the England average, "
                "widened for overdispersion where found."
            ),
        )
        ch.number("mh_prev", f.prev("MH")["value"], "pct", dp=2)
        self.box_gap(
            "smi",
            f"No split of the checks by deprivation or ethnicity is published; the series held here ends "
            f"in {_month_text(end)}.",
            title="Caveat and data gap",
        )
        self.summary_row(
            "smi",
            f"{_pct(last['value'])} had all six physical health checks",
            _pct(last_e["value"]),
            "Not published by deprivation",
            period,
            end,
            self.cur_smi.out_of_date,
        )

    # ---------------------------------------------------------------- recorded prevalence, every condition
    def prevalence(self) -> None:
        f, ch = self.f, self.ch
        for g in QOF_GROUPS:
            k = g.lower()
            if g != "MH":
                ch.number(f"{k}_prev", f.prev(g)["value"], "pct", dp=_prev_dp(g))
            ch.say(f"{k}_sii", _sii_text(f.sii_row(g), f"; QOF {self.qof_then}{_currency_suffix(self.cur_qof_then)}"))
        for key in ("copd010", "ast008", "dm020", "chol003"):
            ch.number(f"{key}_value", f.qof[key].iloc[0]["value"], "pct")
        for g, fig_name in (
            ("COPD", "copd_by_quintile"),
            ("HYP", "hyp_prevalence_by_quintile"),
            ("AST", "asthma_by_quintile"),
            ("DM", "diabetes_by_quintile"),
            ("EP", "epilepsy_by_quintile"),
        ):
            self.prevalence_figure(g, fig_name)

    def prevalence_figure(self, group: str, fig_name: str) -> None:
        import matplotlib.pyplot as plt

        from .. import figures

        f = self.f
        cond, phrase = CONDITIONS[group]
        own = f.by_fifth[f.by_fifth["group_code"] == group].sort_values("icb_fifth")
        nat = f.by_quintile[f.by_quintile["group_code"] == group]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 4.2), sharey=True)
        ticks = ["1\nmost\ndeprived", "2", "3", "4", "5\nleast\ndeprived"]

        def draw(ax, d, x, col, mk, lab, off=0.0):
            ax.errorbar(
                d[x].astype(float) + off,
                d["value"],
                yerr=[d["value"] - d["lower_ci"], d["upper_ci"] - d["value"]],
                fmt=mk,
                color=col,
                capsize=3,
                ms=7,
                lw=1.2,
                label=lab,
            )

        draw(ax1, own, "icb_fifth", figures.HIGHLIGHT, "D", self.name)
        ax1.set_title("Within the ICB: its own fifths of patients", fontsize=10.5)
        ax1.set_xlabel("Fifth of the ICB's patients by practice deprivation")
        draw(
            ax2,
            nat[nat["area"] == self.name].sort_values("practice_quintile"),
            "practice_quintile",
            figures.HIGHLIGHT,
            "D",
            self.name,
            -0.12,
        )
        draw(
            ax2,
            nat[nat["area"] == "England"].sort_values("practice_quintile"),
            "practice_quintile",
            figures.NHS_ORANGE,
            "o",
            "England",
            0.12,
        )
        ax2.set_title("National practice deprivation quintiles", fontsize=10.5)
        ax2.set_xlabel("National quintile (fifths of England's patients)")
        for ax in (ax1, ax2):
            ax.set_xticks([1, 2, 3, 4, 5], ticks)
            ax.set_xlim(0.5, 5.5)
            figures.percent_axis(ax)
        ax1.set_ylabel("Recorded prevalence")
        ax2.legend(fontsize=9, loc="best")
        fig.suptitle(f"{cond}: recorded prevalence by practice deprivation", fontsize=12)
        fig.tight_layout()
        data = pd.concat(
            [
                own.assign(grouping=ICB_FIFTHS).rename(columns={"icb_fifth": "group"}),
                nat.assign(grouping=NATIONAL_FIFTHS).rename(columns={"practice_quintile": "group"}),
            ],
            ignore_index=True,
        )[["grouping", "area", "group", "period", "register", "list_size", "value", "lower_ci", "upper_ci"]].assign(
            condition=cond
        )
        sii = f.sii_row(group)
        missing = sorted(set(range(1, 6)) - set(nat.loc[nat["area"] == self.name, "practice_quintile"]))
        gap_note = (
            f" {self.name} has no practice in national {'quintile' if len(missing) == 1 else 'quintiles'} "
            f"{_and_list([str(m) for m in missing])}, so those points are missing."
            if missing
            else ""
        )
        self.figure(
            fig,
            fig_name,
            data=data,
            defer=True,
            source=self.S["qof_then"],
            alt=(
                f"Two panels of recorded {phrase} prevalence by practice deprivation, QOF {self.qof_then}. Left: "
                f"{_possessive(self.name)} own fifths of patients, from {_pct(own['value'].iloc[0], 2)} in the most deprived "
                f"fifth to {_pct(own['value'].iloc[-1], 2)} in the least; the slope index of inequality is "
                f"{_sii_text(sii)}. Right: {self.name} and England by national quintile.{gap_note}"
            ),
            caption=(
                f"Recorded {phrase} prevalence (registers over list sizes) by practice deprivation, with 95% "
                f"confidence intervals: left, across {_possessive(self.name)} own fifths of patients (the groups behind its "
                "slope index of inequality); right, the ICB and England on national practice deprivation "
                f"quintiles (1 = most deprived).{gap_note}"
            ),
        )

    # ---------------------------------------------------------------- respiratory
    def respiratory(self) -> None:
        self.box_gap(
            "respiratory",
            "Recorded prevalence mixes true prevalence and case-finding, so a higher figure "
            "is not simply worse. The ambition itself (vaccine uptake, flare-ups) is not "
            "measured by any dataset held here.",
        )
        self.prevalence_row("respiratory", "COPD", "recorded prevalence of chronic obstructive pulmonary disease")

    def prevalence_row(self, key: str, group: str, what: str) -> None:
        f = self.f
        dp = _prev_dp(group)
        self.summary_row(
            key,
            f"{_pct(f.prev(group)['value'], dp)} {what}",
            _pct(f.prev(group, "England")["value"], dp),
            f"Within the ICB: {self.cl[group.lower() + '_gradient'].words} (slope index of inequality "
            f"{_pp(f.sii_row(group)['value'], _sii_dp(f.sii_row(group)))}, QOF {self.qof_then}"
            f"{', out of date' if self.cur_qof_then.out_of_date else ''})",
            self.qof_now,
            _year_end(self.qof_now),
            self.cur_qof_now.out_of_date,
        )

    # ---------------------------------------------------------------- cancer
    def cancer(self) -> None:
        import matplotlib.pyplot as plt

        from .. import figures

        f, ch = self.f, self.ch
        cs = f.cancer_latest
        obj = _latest_objective("cancer_early_stage")
        eng_all = f.cancer[f.cancer["area_code"] == "E92000001"].sort_values("year")
        if len(cs):
            year = int(cs["year"].iloc[0])
            cur = self.cur(pd.Timestamp(f"{year}-12-31"), clinical.CANCER_STAGE)
            ood = _currency_mark(cur)
            eng = float(eng_all.loc[eng_all["year"] == year, "value"].iloc[0])
            lo, hi = cs.loc[cs["value"].idxmin()], cs.loc[cs["value"].idxmax()]
            status = self.cl["cancer_target"].words
            if len(cs) == 1:
                text = (
                    f"In {year}{ood}, {_pct(lo['value'])} of staged cancers in {esc(lo['area_name'])}, the only "
                    f"one of {self.pos} local authorities with a published figure, were diagnosed at stage 1 or 2, against "
                    f"{_pct(eng)} in England; it has {status} the ambition of {obj.target_text}."
                )
                value = f"{_pct(lo['value'])} at stage 1 or 2 ({esc(lo['area_name'])})"
            else:
                text = (
                    f"In {year}{ood}, the share of staged cancers diagnosed at stage 1 or 2 ranged from "
                    f"{_pct(lo['value'])} ({esc(lo['area_name'])}) to {_pct(hi['value'])} ({esc(hi['area_name'])}) "
                    f"across {self.pos} {len(cs)} local authorities, against {_pct(eng)} in England; the highest has "
                    f"{status} the ambition of {obj.target_text}."
                )
                value = f"{_pct(lo['value'])} to {_pct(hi['value'])} at stage 1 or 2 across its local authorities"
            ch.say("cancer_sentence", text)
            where = (
                f"{_pct(lo['value'])} of staged cancers in {esc(lo['area_name'])}, the only one of {self.pos} "
                "local authorities with a published figure,"
                if len(cs) == 1
                else f"between {_pct(lo['value'])} and {_pct(hi['value'])} of staged cancers in {self.pos} local "
                "authorities"
            )
            ch.say(
                "cancer_finding",
                f"in {year}{ood}, {where} were diagnosed at stage 1 or 2, against {_pct(eng)} in "
                f"England and the ambition of {obj.target_text}.",
            )
            self.summary_row(
                "cancer",
                value,
                _pct(eng),
                "Not held by deprivation",
                str(year),
                pd.Timestamp(f"{year}-12-31"),
                cur.out_of_date,
            )
        else:
            ch.say("cancer_sentence", f"No figure is published for {self.pos} local authorities.")
            ch.say("cancer_finding", f"no figure is published for {self.pos} local authorities.")
            last = int(eng_all["year"].max())
            self.summary_row(
                "cancer",
                "Not published",
                _pct(eng_all["value"].iloc[-1]),
                "Not held by deprivation",
                str(last),
                pd.Timestamp(f"{last}-12-31"),
                self.cur(pd.Timestamp(f"{last}-12-31"), clinical.CANCER_STAGE).out_of_date,
            )
        la = f.cancer[f.cancer["area_code"] != "E92000001"]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        palette = [
            figures.NHS_BLUE,
            figures.NHS_ORANGE,
            figures.NHS_AQUA_GREEN,
            figures.NHS_PURPLE,
            figures.NHS_RED,
            figures.NHS_WARM_YELLOW,
            figures.NHS_LIGHT_BLUE,
            figures.NHS_DARK_GREY,
        ]
        markers = ["D", "s", "^", "v", "P", "X", "<", ">"]
        for i, (_, d) in enumerate(la.groupby("area_code")):
            d = d.sort_values("year")
            ax.plot(
                d["year"],
                d["value"],
                marker=markers[i % 8],
                color=palette[i % 8],
                label=d["area_name"].iloc[0],
                lw=1.4,
                ms=5,
            )
        ax.plot(eng_all["year"], eng_all["value"], color=figures.NHS_BLACK, lw=2.2, label="England")
        target = float(obj.target)
        ax.axhline(target, color=figures.NHS_BLACK, ls="-.", lw=1, label=f"Ambition: {obj.target_text}")
        ax.set_ylabel("Diagnosed at stage 1 or 2")
        ax.set_title("Cancers diagnosed at an early stage (stage 1 or 2)")
        # A fixed 40-80% frame keeps books comparable; widened if an area's data fall outside it.
        ax.set_ylim(
            min(40, float(la["value"].min()) - 2 if la["value"].notna().any() else 40),
            max(80, float(la["value"].max()) + 2 if la["value"].notna().any() else 80),
        )
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        figures.percent_axis(ax)
        ax.legend(fontsize=8, ncol=2, loc="lower left")
        tab = f.cancer[["area_code", "area_name", "year", "value", "lower_ci", "upper_ci", "compared_to_england"]]
        tab = tab.assign(value=tab["value"].astype(object).where(tab["value"].notna(), "suppressed")).rename(
            columns={
                "area_code": "Area code",
                "area_name": "Area",
                "year": "Year",
                "value": "At stage 1 or 2 (%)",
                "lower_ci": "Lower 95% CI",
                "upper_ci": "Upper 95% CI",
                "compared_to_england": "Compared with England",
            }
        )
        self.figure(
            fig,
            "cancer_stage_trend",
            data=tab,
            defer=True,
            source=self.S["cancer"],
            alt=(
                f"Line chart of the share of cancers diagnosed at stage 1 or 2 from {int(eng_all['year'].min())} "
                f"to {int(eng_all['year'].max())} for {_possessive(self.name)} local authorities and England; England was "
                f"{_pct(eng_all['value'].iloc[-1])} in {int(eng_all['year'].iloc[-1])}, against an ambition of "
                f"{obj.target_text}."
            ),
            caption=(
                "Percentage of staged cancers diagnosed at stage 1 or 2, each upper-tier local authority of "
                "the ICB and England (the 2020 dip reflects the pandemic); the vertical axis starts at 40%."
            ),
        )
        self.table(
            tab,
            "cancer_stage",
            "Cancers diagnosed at stage 1 or 2 (%), with 95% confidence intervals.",
            source=self.S["cancer"],
            newest_first="Year",
            show_columns=[
                "Area",
                "Year",
                "At stage 1 or 2 (%)",
                "Lower 95% CI",
                "Upper 95% CI",
                "Compared with England",
            ],
            formats={"At stage 1 or 2 (%)": "{:.1f}", "Lower 95% CI": "{:.1f}", "Upper 95% CI": "{:.1f}"},
            notes="Compared with England: higher or lower only where the area's 95% confidence interval lies "
            "wholly above or below England's value. 'suppressed': withheld by the publisher.",
            defer=True,
        )
        self.box_gap("cancer", "No ICB-level figure and no split by deprivation is held here.")

    # ---------------------------------------------------------------- hypertension and lipids
    def hypertension(self) -> None:
        import matplotlib.pyplot as plt

        from .. import figures

        f, ch, n, cl = self.f, self.ch, self.n, self.cl
        hyp_i, hyp_e = f.qof["hyp"].iloc[0], f.qof["hyp"].iloc[1]
        ch.number("hyp_value", hyp_i["value"], "pct")
        ch.text("hyp_ci", _ci_text(hyp_i))
        ch.number("hyp_register", hyp_i["denominator"], "count")
        end = _year_end(hyp_i["period"])
        in_force = objectives.objective_in_force("hypertension", end)
        if "hyp_target" in cl:
            text = (
                f"Against the {in_force.planning_year} objective of {in_force.objective.target_text}, the "
                f"target is {cl['hyp_target'].words}."
            )
        else:
            latest = _latest_objective("hypertension")
            text = (
                f"No national objective for blood pressure control is recorded for "
                f"{objectives.planning_year_of(end)}, the year of these data, so they are not judged against a "
                f"target; the last recorded objective was {latest.target_text} ({latest.planning_year})."
            )
        ch.say("hyp_objective", text)
        hf = f.hyp_funnel
        ch.say("hyp_limits", _limits_text(hf, "ICBs", "ICB"))
        fig, data = figures.funnel_chart(
            hf,
            unit_column="org_code",
            highlight=[f.icb.ods_code],
            label_column="label",
            title=f"Hypertension treated to target, 42 ICBs, QOF {self.qof_now}",
            xlabel="Patients on the hypertension registers (log scale)",
            ylabel="Treated to target",
        )
        self.figure(
            fig,
            "hypertension_funnel",
            data=data,
            defer=True,
            source=self.S["qof_now"],
            alt=(
                f"Funnel plot of the 42 ICBs: share of patients with hypertension treated to target against the "
                f"number on the registers; {self.name} is at {_pct(hyp_i['value'])}, "
                f"{cl['hyp_funnel'].words}, against {_pct(hyp_e['value'])} in England."
            ),
            caption=(
                "Blood pressure at or below target (140/90 mmHg under 80, 150/90 mmHg at 80 or over), every "
                "patient on the register counted, each ICB against the size of its registers; limits at "
                "95% and 99.8% around the average of all ICBs, widened for overdispersion where found (the "
                "lighter dotted lines are the 99.8% limits without that widening)."
            ),
        )
        # CVDPREVENT, England by quintile
        for code, key in (("CVDP007HYP", "cvd_hyp"), ("CVDP003CHOL", "cvd_chol"), ("CVDP005HYP", "cvd_undiag")):
            dp = 2 if code == "CVDP005HYP" else 1
            ch.number(f"{key}_q1", f.cvd_row(code, 1)["value"], "pct", dp=dp)
            ch.number(f"{key}_q5", f.cvd_row(code, 5)["value"], "pct", dp=dp)
        g = C.gap(f.cvd_row("CVDP007HYP", 1), f.cvd_row("CVDP007HYP", 5), polarity="higher_is_better")
        ch.text(
            "cvd_hyp_gap_pp",
            f"{_pp(g.value, 1)} (95% CI {fmt(g.lower, 'num', dp=1, lo=-50, hi=50)} to "
            f"{fmt(g.upper, 'num', dp=1, lo=-50, hi=50)})",
        )
        fig, axes = plt.subplots(1, 2, figsize=(9, 4))
        for ax, code in ((axes[0], "CVDP007HYP"), (axes[1], "CVDP005HYP")):
            d = f.cvd[f.cvd["indicator_code"] == code].sort_values("imd_quintile")
            ax.bar(d["imd_quintile"], d["value"], color=figures.QUINTILE_COLOURS, edgecolor=figures.NHS_DARK_GREY)
            ax.errorbar(
                d["imd_quintile"],
                d["value"],
                yerr=[d["value"] - d["lower_ci"], d["upper_ci"] - d["value"]],
                fmt="none",
                color=figures.NHS_BLACK,
                capsize=3,
            )
            dp = 2 if code == "CVDP005HYP" else 1
            for x, v in zip(d["imd_quintile"], d["value"]):
                ax.annotate(
                    f"{v:.{dp}f}%",
                    (x, v),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    xytext=(0, 4),
                    textcoords="offset points",
                )
            ax.set_xticks([1, 2, 3, 4, 5], ["1\nmost\ndeprived", "2", "3", "4", "5\nleast\ndeprived"])
            ax.set_title(CVD_NAMES[code], fontsize=10)
            ax.set_xlabel("IMD 2019 quintile of the patient's neighbourhood")
            ax.set_axisbelow(True)
            ax.grid(axis="x", visible=False)
            ax.set_ylim(0, float(d["upper_ci"].max()) * 1.12)
            figures.percent_axis(ax)
        axes[0].set_ylabel("Share of patients")
        fig.tight_layout()
        cvd_tab = f.cvd.assign(indicator_name=f.cvd["indicator_code"].map(CVD_NAMES))
        self.figure(
            fig,
            "cvdprevent_quintiles",
            data=cvd_tab,
            defer=True,
            source=self.S["cvdprevent"],
            alt=(
                f"Two bar charts by IMD quintile for England: hypertension treated to threshold is "
                f"{_pct(f.cvd_row('CVDP007HYP', 1)['value'])} in the most deprived fifth and "
                f"{_pct(f.cvd_row('CVDP007HYP', 5)['value'])} in the least; people with a high blood pressure "
                f"reading but no diagnosis are {_pct(f.cvd_row('CVDP005HYP', 1)['value'], 2)} and "
                f"{_pct(f.cvd_row('CVDP005HYP', 5)['value'], 2)}."
            ),
            caption=(
                "CVDPREVENT, England, by IMD 2019 quintile of the patient's neighbourhood (1 = most "
                "deprived), with 95% confidence intervals; the right panel is a sign of undiagnosed "
                "hypertension. Bars start at zero."
            ),
        )
        sii_tab = f.cvd_sii.assign(
            indicator_name=f.cvd_sii["indicator_code"].map(CVD_NAMES),
            gradient=[C.gradient(r, sign="least_minus_most").words for _, r in f.cvd_sii.iterrows()],
        )
        sii_tab = sii_tab[
            ["indicator_code", "indicator_name", "indicator", "period", "value", "lower_ci", "upper_ci", "gradient"]
        ].rename(
            columns={
                "indicator_code": "Indicator code",
                "indicator_name": "Indicator",
                "indicator": "Indicator (CVDPREVENT)",
                "period": "Period",
                "value": "SII (percentage points)",
                "lower_ci": "Lower 95% CI",
                "upper_ci": "Upper 95% CI",
                "gradient": "With deprivation",
            }
        )
        self.table(
            sii_tab,
            "cvdprevent_sii",
            f"Slope index of inequality across IMD quintiles, England, CVDPREVENT, {self.cvd_period} (least "
            "minus most deprived, percentage points: positive means higher in the less deprived).",
            source=self.S["cvdprevent"],
            show_columns=["Indicator", "SII (percentage points)", "Lower 95% CI", "Upper 95% CI", "With deprivation"],
            formats={"SII (percentage points)": "{:.2f}", "Lower 95% CI": "{:.2f}", "Upper 95% CI": "{:.2f}"},
            defer=True,
        )
        self.heec()
        self.lipids()
        lipid = _latest_objective("lipids")
        self.box_gap(
            "hypertension",
            "CVDPREVENT's split of hypertension by deprivation is for England only, and no modelled (expected) prevalence is "
            f"held, so a gap between recorded and expected hypertension cannot be shown for {n}. The lipid "
            f"objective ({lipid.target_text} of people aged 25-84 with a cardiovascular disease risk above "
            "20%) is not measured by the data held here.",
            title="Caveat and data gap",
        )
        self.summary_row(
            "hypertension",
            f"{_pct(hyp_i['value'])} treated to target",
            _pct(hyp_e["value"]),
            f"England: {cl['cvd_hyp_gap'].words} ({_pct(f.cvd_row('CVDP007HYP', 1)['value'])} in the "
            f"most deprived fifth, {_pct(f.cvd_row('CVDP007HYP', 5)['value'])} in the least)",
            self.qof_now,
            end,
            self.cur_qof_now.out_of_date,
        )

    def lipids(self) -> None:
        f, ch, cl = self.f, self.ch, self.cl
        lp = f.lipids
        period = str(lp["period"].iloc[0])
        period_text = "12 months " + period[0].lower() + period[1:]
        end = pd.Period(str(lp["period_end"].iloc[0]), freq="M").end_time.normalize()
        cur = self.cur(end, cardiovascular.CVDP_ICB)
        q1, q5 = f.lipid_row(self.name, 1), f.lipid_row(self.name, 5)
        if "lipids_icb_gap" in cl:
            ch.say(
                "lipids_icb_sentence",
                f"For each ICB, CVDPREVENT splits only this measure by deprivation: in {self.n}, in the "
                f"{period_text}{_currency_mark(cur)}, {_pct(q1['value'])} of such people in the most deprived fifth "
                f"of neighbourhoods were on lipid-lowering therapy, against {_pct(q5['value'])} in the least "
                f"deprived: {cl['lipids_icb_gap'].words}.",
            )
        else:
            ch.say(
                "lipids_icb_sentence",
                f"CVDPREVENT publishes no split of this measure by deprivation for {self.n} for the {period_text}.",
            )
        tab = lp[lp["breakdown"] == "Deprivation quintile"].sort_values(["area_level", "imd_quintile"])
        tab = tab.assign(period_text=period_text)[
            [
                "area",
                "area_code",
                "period_text",
                "imd_quintile",
                "numerator",
                "denominator",
                "value",
                "lower_ci",
                "upper_ci",
            ]
        ].rename(
            columns={
                "area": "Area",
                "area_code": "Area code",
                "period_text": "Period",
                "imd_quintile": "IMD quintile (1 = most deprived)",
                "numerator": "On lipid-lowering therapy",
                "denominator": "Cardiovascular risk 20% or more",
                "value": "On therapy (%)",
                "lower_ci": "Lower 95% CI",
                "upper_ci": "Upper 95% CI",
            }
        )
        self.table(
            tab,
            "lipids_by_quintile",
            f"People with a cardiovascular risk (QRISK) of 20% or more on lipid-lowering therapy, by IMD "
            f"quintile of the patient's neighbourhood, {self.name} and England, {period_text}.",
            source=f"CVDPREVENT audit (NHS England and OHID), ICBs by deprivation quintile, {period_text}",
            show_columns=[
                "Area",
                "IMD quintile (1 = most deprived)",
                "Cardiovascular risk 20% or more",
                "On therapy (%)",
                "Lower 95% CI",
                "Upper 95% CI",
            ],
            formats={
                "On therapy (%)": "{:.1f}",
                "Lower 95% CI": "{:.1f}",
                "Upper 95% CI": "{:.1f}",
                "On lipid-lowering therapy": "{:,.0f}",
                "Cardiovascular risk 20% or more": "{:,.0f}",
            },
            notes="Counts below England rounded to 5 by the publisher; values and intervals as published."
            + (" Out of date." if cur.out_of_date else ""),
            defer=True,
        )

    def heec(self) -> None:
        f, ch, n = self.f, self.ch, self.n
        h = f.heec
        year = int(h["year"].iloc[0])
        label = f"{year - 1}/{str(year)[-2:]}"
        cur = self.cur(_year_end(label), primary_care.HEEC)
        mine = h[h["area"] == self.name].dropna(subset=["median_value"])
        eng = h[h["area"] == "England"].dropna(subset=["median_value"])
        lead = (
            "The Health Equity Evidence Centre (HEEC) publishes, for each ICB, the median blood pressure control "
            "of practices (patients under 80, target 140/90 mmHg, everyone on the register counted) in each of "
            "its own deprivation groups, which are fifths of practices rather than of patients, with its two "
            "most deprived fifths merged."
        )
        if len(mine):
            text = (
                f"{lead} In {n}, the typical (median) practice controlled blood pressure for between "
                f"{_pct(mine['median_value'].min())} and {_pct(mine['median_value'].max())} of its patients "
                f"across HEEC's groups in {label}{_currency_mark(cur)}, against {_pct(eng['median_value'].min())} "
                f"to {_pct(eng['median_value'].max())} in England."
            )
        else:
            text = f"{lead} It publishes no figures for {self.pos} practices."
        ch.say("heec_sentence", text)
        tab = h[["area", "year", "heec_group", "median_value", "england_median"]].rename(
            columns={
                "area": "Area",
                "year": "HEEC year",
                "heec_group": "HEEC practice group (1 = most deprived)",
                "median_value": "Median practice blood pressure control (%)",
                "england_median": "England: median of all practices (%)",
            }
        )
        self.table(
            tab,
            "bp_control_by_practice_quintile",
            f"Median practice blood pressure control (patients under 80, 140/90 mmHg, everyone on the register "
            f"counted), {label}, by HEEC's practice groups: fifths of practices ranked by deprivation, 1-2 the "
            "two most deprived merged by HEEC, 5 the least deprived.",
            source=self.S["heec"],
            formats={
                "Median practice blood pressure control (%)": "{:.1f}",
                "England: median of all practices (%)": "{:.1f}",
            },
            notes="Medians of practice percentages, unweighted by list size: a description of the gradient, not "
            "a pooled rate; HEEC's groups are not the book's practice deprivation quintiles.",
            defer=True,
        )

    # ---------------------------------------------------------------- children and young people
    def children(self) -> None:
        self.box_gap(
            "asthma",
            "No measure of the children's asthma ambition (reliever over-use, attacks, admissions) is held here.",
        )
        self.box_gap("diabetes", "No dataset held here describes children and young people with diabetes.")
        self.box_gap(
            "epilepsy", "No dataset held here describes children with epilepsy or their access to specialist nurses."
        )
        self.prevalence_row("asthma", "AST", "recorded asthma prevalence (aged 6 and over)")
        self.prevalence_row("diabetes", "DM", "recorded diabetes prevalence (aged 17 and over)")
        self.prevalence_row("epilepsy", "EP", "recorded epilepsy prevalence (aged 18 and over)")

    def oral(self) -> None:
        import matplotlib.pyplot as plt

        from .. import figures

        f, ch = self.f, self.ch
        ol = f.oral_latest.sort_values("value")
        period = str(ol["period"].iloc[0])
        cur = self.cur(_school_year_end(period), clinical.ORAL, max_age_months=ORAL_MAX_AGE_MONTHS)
        ood = _currency_mark(cur)
        eng = float(f.oral.loc[(f.oral["area_code"] == "E92000001") & (f.oral["period"] == period), "value"].iloc[0])
        worst = ol.iloc[-1]
        label = str(worst["compared_to_england"]).lower()
        # Fingertips' own comparison, quoted as the publisher's (the extract has no intervals to recompute it)
        rated = {"similar": "similar to England", "better": "better than England", "worse": "worse than England"}.get(
            label, "not compared with England"
        )
        ch.say(
            "oral_sentence",
            f"In the {esc(period)} survey{ood}, {_pct(worst['value'])} of five-year-olds in "
            f"{esc(worst['area_name'])} had visible tooth decay, the highest of {self.pos} "
            f"{plural(len(ol), 'local authority', 'local authorities')} with a published figure, against "
            f"{_pct(eng)} in England (Fingertips, the publisher, rates it *{rated}*). "
            "This is the latest survey with a published value for the ICB's areas.",
        )
        ch.say(
            "oral_finding",
            f"in the {esc(period)} survey{ood}, up to {_pct(worst['value'])} of five-year-olds in {self.pos} local "
            f"authorities had visible tooth decay, against {_pct(eng)} in England.",
        )
        fig, ax = plt.subplots(figsize=(8, 0.9 + 0.45 * max(len(ol), 3)))
        colours = {
            "Better": figures.SIGNIFICANCE["better"]["colour"],
            "Similar": figures.SIGNIFICANCE["similar"]["colour"],
            "Worse": figures.SIGNIFICANCE["worse"]["colour"],
        }
        ax.barh(
            ol["area_name"],
            ol["value"],
            color=[colours.get(v, figures.CONTEXT) for v in ol["compared_to_england"]],
            edgecolor=figures.NHS_DARK_GREY,
        )
        for y, (v, cmp) in enumerate(zip(ol["value"], ol["compared_to_england"])):
            ax.annotate(
                f"{v:.1f}% ({str(cmp).lower()})",
                (v, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                zorder=4,
            )
        ax.axvline(eng, color=figures.NHS_BLACK, ls="--", lw=1.2, label=f"England {eng:.1f}%")
        ax.set_xlabel("Five-year-olds with visible tooth decay")
        ax.set_title(f"Tooth decay in five-year-olds, {period} survey")
        ax.set_xlim(0, max(float(ol["value"].max()), eng) * 1.35)
        figures.percent_axis(ax, "x")
        ax.set_axisbelow(True)
        ax.grid(axis="y", visible=False)
        ax.legend(fontsize=9, loc="lower right")
        tab = f.oral[["area_code", "area_name", "area_type", "period", "value", "compared_to_england"]]
        tab = tab.assign(
            area_type=tab["area_code"].map(geography.area_type),
            value=tab["value"].astype(object).where(tab["value"].notna(), "suppressed"),
        ).rename(
            columns={
                "area_code": "Area code",
                "area_name": "Area",
                "area_type": "Type of area",
                "period": "Survey year",
                "value": "Five-year-olds with visible decay (%)",
                "compared_to_england": "Compared with England (Fingertips)",
            }
        )
        self.figure(
            fig,
            "oral_health_decay",
            data=ol,
            defer=True,
            source=self.S["oral"],
            alt=(
                f"Bar chart of the share of five-year-olds with visible tooth decay in "
                f"{plural(len(ol), 'local authority', 'local authorities')} of {self.name} in the {period} "
                f"survey, from {_pct(ol['value'].min())} to {_pct(ol['value'].max())}, against {_pct(eng)} in "
                "England; each bar is labelled better, similar or worse than England as Fingertips rates it."
            ),
            caption=(
                "Percentage of five-year-olds with visually obvious tooth decay; the comparison with England "
                "is Fingertips' own (shown in words as well as colour). Bars start at zero."
            ),
        )
        self.table(
            tab,
            "oral_health",
            "Five-year-olds with visible tooth decay (%), every survey year.",
            source=self.S["oral"],
            newest_first="Survey year",
            show_columns=[
                "Area",
                "Type of area",
                "Survey year",
                "Five-year-olds with visible decay (%)",
                "Compared with England (Fingertips)",
            ],
            formats={"Five-year-olds with visible decay (%)": "{:.1f}"},
            notes="'suppressed': withheld by the publisher (too few children examined).",
            defer=True,
        )
        self.box_gap(
            "oral_health",
            "The ambition is about hospital tooth extractions, which are not held here; tooth "
            "decay in five-year-olds is the closest measure.",
        )
        self.summary_row(
            "oral_health",
            f"Up to {_pct(worst['value'])} of five-year-olds with tooth decay",
            _pct(eng),
            "Not held by deprivation",
            f"{period} survey",
            _school_year_end(period),
            cur.out_of_date,
        )

    def cyp_mental_health(self) -> None:
        f, ch = self.f, self.ch
        sh = f.self_harm_latest
        if len(sh):
            period = str(sh["period"].iloc[0])
            cur = self.cur(_year_end(period), clinical.MH_OLD)
            eng = float(
                f.self_harm.loc[
                    (f.self_harm["area_code"] == "E92000001") & (f.self_harm["period"] == period), "value"
                ].iloc[0]
            )
            rate = lambda v: fmt(v, "rate", dp=1)  # noqa: E731
            where = (
                f"from {rate(sh['value'].min())} to {rate(sh['value'].max())} per 100,000 across {self.pos} "
                f"{len(sh)} upper-tier local authorities"
                if len(sh) > 1
                else f"{rate(sh['value'].iloc[0])} per 100,000 in {esc(sh['area_name'].iloc[0])}"
            )
            ch.say(
                "self_harm_sentence",
                f"The only related series held is old: in {esc(period)}{_currency_mark(cur)}, hospital admissions "
                f"for self-harm among 10 to 24 year olds (age-standardised) were {where}, against {rate(eng)} in "
                "England.",
            )
            value = (
                f"{rate(sh['value'].min())} to {rate(sh['value'].max())}" if len(sh) > 1 else rate(sh["value"].iloc[0])
            ) + " self-harm admissions per 100,000 aged 10-24"
            self.summary_row(
                "cyp_mental_health",
                value,
                rate(eng),
                "Not held by deprivation",
                period,
                _year_end(period),
                cur.out_of_date,
            )
        else:
            last = f.self_harm.sort_values("period").iloc[-1]
            ch.say("self_harm_sentence", f"No related series is published for {self.pos} local authorities.")
            self.summary_row(
                "cyp_mental_health",
                "Not available",
                fmt(last["value"], "rate", dp=1),
                "Not held by deprivation",
                str(last["period"]),
                _year_end(last["period"]),
                self.cur(_year_end(last["period"]), clinical.MH_OLD).out_of_date,
            )
        tab = f.self_harm[["area_code", "area_name", "period", "value", "compared_to_england"]]
        tab = tab.assign(value=tab["value"].astype(object).where(tab["value"].notna(), "suppressed")).rename(
            columns={
                "area_code": "Area code",
                "area_name": "Area",
                "period": "Period",
                "value": "Admissions per 100,000 aged 10-24 (age-standardised)",
                "compared_to_england": "Compared with England (Fingertips)",
            }
        )
        self.table(
            tab,
            "self_harm_10_24",
            "Hospital admissions for self-harm, aged 10-24, directly age-standardised rate per 100,000.",
            source=self.S["self_harm"],
            newest_first="Period",
            show_columns=[
                "Area",
                "Period",
                "Admissions per 100,000 aged 10-24 (age-standardised)",
                "Compared with England (Fingertips)",
            ],
            formats={"Admissions per 100,000 aged 10-24 (age-standardised)": "{:.1f}"},
            notes="Local authority codes from before 2019; published to one decimal place without confidence "
            "intervals.",
            defer=True,
        )
        self.box_gap(
            "cyp_mental_health",
            "Access to children and young people's mental health services, the ambition's measure, is not held here.",
        )

    # ---------------------------------------------------------------- PLUS groups
    def plus_groups(self) -> None:
        f, ch, n, cl = self.f, self.ch, self.n, self.cl
        eth = f.coc_groups[f.coc_groups["breakdown"] == "Ethnicity"]
        bame = eth[eth["label"] == "Black, Asian and minority ethnic"].set_index("area")
        ch.number("coc_bame_england", bame.loc["England", "value"], "pct")
        if "coc_ethnicity_icb" in cl:
            ch.say(
                "coc_ethnicity_icb_sentence",
                f"In {n}, {_pct(bame.loc[self.name, 'value'])} of women from Black, Asian and minority ethnic "
                f"groups had a plan, {cl['coc_ethnicity_icb'].words}; the maternity table above has the counts.",
            )
        else:
            ch.say(
                "coc_ethnicity_icb_sentence",
                f"For {n}, the counts by ethnic group were not published (too few women, or none submitted).",
            )
        self.box(
            "plus_groups",
            "Waiting lists by ethnicity, age and sex are in the waiting-lists chapter; rurality and the Core20 "
            "population are in the population chapter. No Core20PLUS5 clinical dataset held here is split by "
            "ethnicity, age, sex or rurality for the ICB. A system would add its own linked primary care records "
            "(ethnicity and deprivation on the QOF registers), CVDPREVENT's ICB breakdowns by ethnicity and the "
            "local PLUS groups it has chosen (for example people experiencing homelessness, Gypsy, Roma and "
            "Traveller communities, or coastal and rural communities).",
            kind="note",
            title="What local data would add",
        )

    # ---------------------------------------------------------------- methods and reference tables
    def methods(self) -> None:
        f, ch = self.f, self.ch
        ch.say("practice_quintile_definition", esc(deprivation.PRACTICE_QUINTILE_DEFINITION))
        ch.number("practices_with_score", f.coverage["practices_with_score"], "count")
        ch.number("practices", f.coverage["practices"], "count")
        names = {g: c for g, (c, _) in CONDITIONS.items()}
        prev = f.prevalence.assign(condition=f.prevalence["group_code"].map(names))[
            ["group_code", "condition", "area", "period", "register", "list_size", "value", "lower_ci", "upper_ci"]
        ]
        fmts = {
            "Recorded prevalence (%)": "{:.2f}",
            "Lower 95% CI": "{:.2f}",
            "Upper 95% CI": "{:.2f}",
            "On the register": "{:,.0f}",
            "Registered patients": "{:,.0f}",
        }
        cols = {
            "group_code": "QOF group code",
            "condition": "Condition",
            "area": "Area",
            "period": "QOF year",
            "register": "On the register",
            "list_size": "Registered patients",
            "value": "Recorded prevalence (%)",
            "lower_ci": "Lower 95% CI",
            "upper_ci": "Upper 95% CI",
        }
        self.table(
            prev.rename(columns=cols),
            "qof_prevalence",
            f"Recorded prevalence, {self.name} and England, QOF {self.qof_now}.",
            source=self.S["qof_now"],
            show_columns=[
                "Condition",
                "Area",
                "On the register",
                "Recorded prevalence (%)",
                "Lower 95% CI",
                "Upper 95% CI",
            ],
            formats=fmts,
            defer=True,
        )
        sii = f.sii.assign(
            condition=f.sii["group_code"].map(names),
            gradient=[
                self.cl[f"{r.group_code.lower()}_gradient" + ("_england" if r.area == "England" else "")].words
                for r in f.sii.itertuples()
            ],
        )[["group_code", "condition", "area", "fifths", "period", "value", "lower_ci", "upper_ci", "gradient"]]
        self.table(
            sii.rename(
                columns={
                    **cols,
                    "fifths": "Groups of practices",
                    "value": "SII (percentage points)",
                    "gradient": "Recorded prevalence",
                }
            ),
            "prevalence_sii",
            f"Slope index of inequality in recorded prevalence by practice deprivation, most minus least deprived "
            f"(percentage points; positive means higher among the more deprived), QOF {self.qof_then}. The ICB's "
            "is across its own fifths of patients and England's across national fifths, so the two are not "
            "comparable with each other.",
            source=self.S["qof_then"],
            show_columns=[
                "Condition",
                "Area",
                "SII (percentage points)",
                "Lower 95% CI",
                "Upper 95% CI",
                "Recorded prevalence",
            ],
            formats={"SII (percentage points)": "{:.3f}", "Lower 95% CI": "{:.3f}", "Upper 95% CI": "{:.3f}"},
            defer=True,
        )
        byq = f.by_quintile.assign(condition=f.by_quintile["group_code"].map(names))[
            [
                "group_code",
                "condition",
                "area",
                "practice_quintile",
                "period",
                "register",
                "list_size",
                "value",
                "lower_ci",
                "upper_ci",
            ]
        ]
        self.table(
            byq.rename(columns={**cols, "practice_quintile": "Practice deprivation quintile"}),
            "prevalence_by_practice_quintile",
            f"Recorded prevalence by national practice deprivation quintile (1 = most deprived), QOF {self.qof_then}.",
            source=self.S["qof_then"],
            show_columns=[
                "Condition",
                "Area",
                "Practice deprivation quintile",
                "Recorded prevalence (%)",
                "Lower 95% CI",
                "Upper 95% CI",
            ],
            formats=fmts,
            defer=True,
        )
        amb = ambitions_table()[["group", "area", "ambition", "source", "url"]].rename(
            columns={
                "group": "Group",
                "area": "Clinical area",
                "ambition": "National ambition",
                "source": "Stated in",
                "url": "Link",
            }
        )
        self.table(
            amb,
            "ambitions",
            "The national ambitions used in this chapter and the documents that state them.",
            source=self.S["objectives"],
            defer=True,
        )

    # ---------------------------------------------------------------- summary
    def summary(self) -> None:
        ch = self.ch
        amb = self.amb
        rows = []
        for key in amb.index:
            r = self.rows[key]
            status, note = r["data_status"], r["data_note"]
            area = f"{amb.loc[key, 'area']} ({amb.loc[key, 'group'].lower()})"
            rows.append(
                {
                    "Key": key,
                    "Clinical area": area,
                    "National ambition": amb.loc[key, "short"],
                    self.name: f"{r['value']} ({r['period']}{', out of date' if r['out_of_date'] else ''})",
                    "England": r["england"],
                    "By deprivation": r["deprivation"],
                    "How well the data measure it": f"{status}: {note}",
                    "Period": r["period"],
                    "Period end": r["period_end"],
                    "Out of date": r["out_of_date"],
                    "Status": status,
                }
            )
        table = pd.DataFrame(rows)
        unmeasured = table[table["Status"].isin(UNMEASURED)]
        ch.number("n_unmeasured", len(unmeasured), "count")
        ch.number("n_gap", int((table["Status"] == "Gap").sum()), "count")
        names = [
            amb.loc[k, "area"].lower() + (" in children" if amb.loc[k, "group"].startswith("Children") else "")
            for k in unmeasured["Key"]
        ]
        ch.say(
            "unmeasured_finding",
            f"for {len(names)} of the 10 areas ({esc(_and_list(names))}) no dataset held here measures the ambition "
            "itself, only a related measure or nothing: each section names the publication that would fill the "
            "gap.",
        )
        self.table(
            table,
            "summary",
            f"The Core20PLUS5 clinical areas: national ambition, latest figure for {self.name} and England, what "
            "the data say about deprivation, and how well the data held here measure the ambition.",
            source="see each section below",
            show_columns=[
                "Clinical area",
                "National ambition",
                self.name,
                "England",
                "By deprivation",
                "How well the data measure it",
            ],
            notes="The slope index of inequality compares the most and least deprived ends of the ICB's own "
            "fifths of patients, ranked by practice deprivation.",
            defer=True,
        )

    # ---------------------------------------------------------------- headline figures
    def headlines(self) -> None:
        f, ch = self.f, self.ch
        head = headline_figures(f.icb.ods_code)
        cs, oh = f.cancer_latest, f.oral_latest
        period = {
            "hyp_treated_to_target_pct": (self.qof_now, "qof_now"),
            "smi_all_six_checks_pct": (f"12 months to {_month_text(f.smi_icb['quarter_end'].iloc[-1])}", "smi"),
            "continuity_of_carer_pct": (self.msds_month, "msds"),
            "cancer_early_stage_lowest_la_pct": (str(cs["year"].iloc[0]) if len(cs) else "", "cancer"),
            "cancer_early_stage_year": (str(cs["year"].iloc[0]) if len(cs) else "", "cancer"),
            "dental_decay_highest_la_pct": (str(oh["period"].iloc[0]), "oral"),
            "dental_decay_survey_end_year": (str(oh["period"].iloc[0]), "oral"),
            "hyp_prevalence_sii_pp": (self.qof_then, "qof_then"),
        }
        fields = headline_fields(f.icb.ods_code)
        for key, value in head.items():
            if isinstance(value, float) and np.isnan(value):
                continue  # documented as not available (NOT_AVAILABLE)
            per, src = period.get(key, (self.qof_now, "qof_now"))
            ch.headline(key, value, period=per, source=self.S[src], summary=not key.endswith("_year"), **fields[key])


__all__ = [
    "AMBITIONS",
    "BP_HEEC",
    "COC",
    "CONDITIONS",
    "CVD_NAMES",
    "DATA_GAPS",
    "DATA_STATUS",
    "Facts",
    "HYP_CODES",
    "ICB_FIFTHS",
    "NATIONAL_FIFTHS",
    "NOT_AVAILABLE",
    "ORAL_MAX_AGE_MONTHS",
    "OUTPUT_ORDER",
    "QOF_GROUPS",
    "QOF_MEASURES",
    "UNMEASURED",
    "ambitions_table",
    "build",
    "cancer_stage_areas",
    "claims",
    "cvdprevent_gradient",
    "cvdprevent_icb_lipids",
    "extreme_area_fields",
    "facts",
    "headline_fields",
    "headline_figures",
    "heec_indicator_by_group",
    "icb_area_codes",
    "latest_published",
    "maternity_coc_groups",
    "maternity_icb",
    "maternity_lmns_funnel",
    "oral_health_areas",
    "practice_quintile_coverage",
    "prevalence_by_icb_fifth",
    "prevalence_by_practice_quintile",
    "prevalence_sii",
    "qof_indicator",
    "qof_indicator_all_icbs",
    "qof_prevalence",
    "self_harm_areas",
    "smi_checks",
    "smi_subicb_funnel",
    "smi_subicb_start",
]
