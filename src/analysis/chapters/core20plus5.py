"""Core20PLUS5: where an ICB stands on the ten clinical areas, and whether its more deprived
communities are worse served.

All logic of the chapter lives here; the notebook only writes it on the page. Every function
takes an ICB (object or code) and returns tidy tables with the dataset and period named.
Statistics come from :mod:`analysis.stats` (Wilson intervals, SII, funnel limits).

Deprivation convention: **quintile/decile 1 = most deprived** throughout (HEEC's opposite
convention is converted in :mod:`analysis.load.primary_care`).

The practice-deprivation analyses use the Fingertips practice IMD 2019 score (93553), the only
practice deprivation vintage published; CVDPREVENT's quintiles are IMD 2019 too. So
``imd_version`` does not change these figures (documented in :func:`headline_figures`).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import geography, stats
from ..geography import ICB
from ..load import clinical, primary_care

CHAPTER_ID = "core20plus5"

# ----------------------------------------------------------------------------- ambitions

#: The national ambition of each clinical area, with the document that states it. Text quoted
#: or closely paraphrased from NHS England's Core20PLUS5 pages and the 2023/24 priorities and
#: operational planning guidance (quoted by the seed plans in ../shared/docs/seeds/, e.g.
#: Staffordshire and Stoke-on-Trent 2023/24 operational plan, national objectives 12 and 27).
CORE20PLUS5_ADULT_URL = ("https://www.england.nhs.uk/about/equality/equality-hub/"
                         "national-healthcare-inequalities-improvement-programme/core20plus5/")
CORE20PLUS5_CYP_URL = ("https://www.england.nhs.uk/about/equality/equality-hub/"
                       "national-healthcare-inequalities-improvement-programme/core20plus5/core20plus5-cyp/")
PLANNING_2324_URL = "https://www.england.nhs.uk/publication/2023-24-priorities-and-operational-planning-guidance/"

AMBITIONS: list[dict] = [
    {"key": "maternity", "group": "Adults", "area": "Maternity",
     "ambition": "Continuity of care for 75% of women from Black, Asian and minority ethnic communities "
                 "and from the most deprived groups.",
     "source": "NHS England, Core20PLUS5 (adults)", "url": CORE20PLUS5_ADULT_URL, "target_pct": 75.0},
    {"key": "smi", "group": "Adults", "area": "Severe mental illness",
     "ambition": "Annual physical health checks for people with severe mental illness (60% in the NHS "
                 "Long Term Plan; Core20PLUS5 aims to bring SMI in line with learning disabilities).",
     "source": "NHS England, Core20PLUS5 (adults); NHS Long Term Plan (2019)", "url": CORE20PLUS5_ADULT_URL,
     "target_pct": 60.0},
    {"key": "respiratory", "group": "Adults", "area": "Chronic respiratory disease",
     "ambition": "A clear focus on COPD: drive up uptake of COVID-19, flu and pneumonia vaccines to reduce "
                 "infective exacerbations and emergency admissions.",
     "source": "NHS England, Core20PLUS5 (adults)", "url": CORE20PLUS5_ADULT_URL, "target_pct": None},
    {"key": "cancer", "group": "Adults", "area": "Early cancer diagnosis",
     "ambition": "75% of cancers diagnosed at stage 1 or 2 by 2028.",
     "source": "NHS Long Term Plan; 2023/24 priorities and operational planning guidance (objective 12)",
     "url": PLANNING_2324_URL, "target_pct": 75.0},
    {"key": "hypertension", "group": "Adults", "area": "Hypertension and lipids",
     "ambition": "77% of patients with hypertension treated to NICE guidance by March 2024; 60% of people "
                 "aged 25-84 with a CVD risk score above 20% on lipid-lowering therapy.",
     "source": "2023/24 priorities and operational planning guidance (objectives 27 and 28)",
     "url": PLANNING_2324_URL, "target_pct": 77.0},
    {"key": "asthma", "group": "Children and young people", "area": "Asthma",
     "ambition": "Address over-reliance on reliever medications and decrease the number of asthma attacks.",
     "source": "NHS England, Core20PLUS5 (children and young people)", "url": CORE20PLUS5_CYP_URL,
     "target_pct": None},
    {"key": "diabetes", "group": "Children and young people", "area": "Diabetes",
     "ambition": "Increase access to real-time continuous glucose monitors and insulin pumps in the most "
                 "deprived quintiles and ethnic minority groups; more annual health checks for type 2 diabetes.",
     "source": "NHS England, Core20PLUS5 (children and young people)", "url": CORE20PLUS5_CYP_URL,
     "target_pct": None},
    {"key": "epilepsy", "group": "Children and young people", "area": "Epilepsy",
     "ambition": "Increase access to epilepsy specialist nurses, including in the first year of care for "
                 "those with a learning disability or autism.",
     "source": "NHS England, Core20PLUS5 (children and young people)", "url": CORE20PLUS5_CYP_URL,
     "target_pct": None},
    {"key": "oral_health", "group": "Children and young people", "area": "Oral health",
     "ambition": "Address the backlog of tooth extractions in hospital for under-10s.",
     "source": "NHS England, Core20PLUS5 (children and young people)", "url": CORE20PLUS5_CYP_URL,
     "target_pct": None},
    {"key": "cyp_mental_health", "group": "Children and young people", "area": "Mental health",
     "ambition": "Improve access rates to children and young people's mental health services for 0-17 year "
                 "olds, for certain ethnic groups, age, gender and deprivation.",
     "source": "NHS England, Core20PLUS5 (children and young people)", "url": CORE20PLUS5_CYP_URL,
     "target_pct": None},
]

#: Where no dataset in the mirror covers an area's ambition: who publishes the one that would.
DATA_GAPS: dict[str, dict] = {
    "maternity": {"dataset": "Maternity Services Monthly Statistics, continuity of carer by ethnicity and "
                             "deprivation, a full year (only April 2025 is held here)",
                  "publisher": "NHS England",
                  "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
                         "maternity-services-monthly-statistics"},
    "respiratory": {"dataset": "Flu, COVID-19 and pneumococcal vaccine uptake in people with COPD; emergency "
                               "admissions for COPD (Fingertips Inhale / Respiratory disease profile)",
                    "publisher": "UKHSA; OHID Fingertips",
                    "url": "https://fingertips.phe.org.uk/profile/inhale"},
    "cancer": {"dataset": "Case-mix adjusted percentage of cancers diagnosed at stages 1 and 2, by sub-ICB, "
                          "and stage at diagnosis by deprivation (Rapid Cancer Registration Data / Cancer "
                          "Data Hub)",
               "publisher": "NHS England, National Disease Registration Service",
               "url": "https://digital.nhs.uk/ndrs/data/data-outputs/cancer-data-hub"},
    "hypertension": {"dataset": "CVDPREVENT audit results for each ICB by deprivation quintile and ethnicity "
                                "(only England by quintile is held here); modelled hypertension prevalence "
                                "estimates for a recorded-versus-expected case-finding gap",
                     "publisher": "NHS England / OHID (CVDPREVENT)",
                     "url": "https://www.cvdprevent.nhs.uk/data-explorer"},
    "asthma": {"dataset": "Hospital admissions for asthma, under 19 years (Fingertips 90810), and reliever "
                          "inhaler prescribing for children (ePACT2 / OpenPrescribing)",
               "publisher": "OHID Fingertips; NHS Business Services Authority",
               "url": "https://fingertips.phe.org.uk/profile/child-health-profiles"},
    "diabetes": {"dataset": "National Paediatric Diabetes Audit (access to continuous glucose monitors and "
                            "insulin pumps, care processes, by deprivation and ethnicity)",
                 "publisher": "Royal College of Paediatrics and Child Health (RCPCH)",
                 "url": "https://www.rcpch.ac.uk/work-we-do/quality-improvement-patient-safety/"
                        "national-paediatric-diabetes-audit"},
    "epilepsy": {"dataset": "Epilepsy12 national audit (access to epilepsy specialist nurses, by deprivation)",
                 "publisher": "Royal College of Paediatrics and Child Health (RCPCH)",
                 "url": "https://www.rcpch.ac.uk/work-we-do/clinical-audits/epilepsy12"},
    "oral_health": {"dataset": "Hospital tooth extractions due to decay in children (Fingertips 93493) and "
                               "the Hospital Episode Statistics extraction counts for under-10s",
                    "publisher": "OHID Fingertips; NHS England",
                    "url": "https://fingertips.phe.org.uk/profile/child-health-profiles"},
    "cyp_mental_health": {"dataset": "Mental Health Services Monthly Statistics (MHSDS): children and young "
                                     "people accessing NHS-funded services, by sub-ICB, age, sex, ethnicity and "
                                     "deprivation",
                          "publisher": "NHS England",
                          "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
                                 "mental-health-services-monthly-statistics"},
    "smi": {"dataset": "Physical health checks for people with SMI after March 2024, and any split by "
                       "deprivation or ethnicity (not published)",
            "publisher": "NHS England",
            "url": "https://www.england.nhs.uk/statistics/statistical-work-areas/serious-mental-illness-smi/"},
}

SOURCES = {
    "qof2425": "NHS England, Quality and Outcomes Framework 2024-25 (ICB aggregation of practice data, "
               "pelld/population-health-system-explorer)",
    "qof2223": "NHS England, Quality and Outcomes Framework 2022-23 practice registers; OHID Fingertips "
               "practice deprivation score (93553, IMD 2019)",
    "cvdprevent": "CVDPREVENT audit (NHS England / OHID), England by IMD 2019 quintile, 12 months to March 2026",
    "heec": "Health Equity Evidence Centre practice-deprivation summaries of QOF (medians of practices)",
    "cancer": "OHID Fingertips 93671 via ONS Explore Local Statistics (NDRS cancer registrations)",
    "smi": "NHS England, Physical Health Checks for people with Severe Mental Illness (quarterly)",
    "msds": "NHS England, Maternity Services Monthly Statistics, April 2025 (provisional)",
    "oral": "OHID Fingertips 93563, National Dental Epidemiology Programme survey of 5-year-olds",
    "self_harm": "OHID Fingertips 90813 (Trafford Data Lab extract)",
}


def ambitions_table() -> pd.DataFrame:
    return pd.DataFrame(AMBITIONS)


def _icb(icb: ICB | str) -> ICB:
    return icb if isinstance(icb, ICB) else geography.find_icb(icb)


# ----------------------------------------------------------------------------- areas of an ICB

@lru_cache(maxsize=64)
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

def qof_indicator(icb: ICB | str, codes: list[str], label: str, include_pcas: bool = True) -> pd.DataFrame:
    """One QOF 2024-25 measure (indicators pooled, e.g. HYP008 + HYP009) for the ICB and England, with
    Wilson 95% CIs. ``include_pcas``: everyone on the register in the denominator (PCAs count as not
    achieved), as CVDPREVENT and NHS England's ambitions are stated."""
    icb = _icb(icb)
    q = primary_care.qof_icb()
    q = q[q["indicator_code"].isin(codes) & q["org_code"].isin([icb.ods_code, "ENG"])]
    den = "denominator_incl_pcas" if include_pcas else "denominator"
    q = q.assign(area=np.where(q["org_code"] == "ENG", "England", icb.short_name), den=q[den])
    res = stats.proportion(q, "numerator", "den", group_by=["area"]).rename(columns={"den": "denominator"})
    res["measure"] = label
    res["period"] = "2024-25"
    order = {icb.short_name: 0, "England": 1}
    return res.sort_values("area", key=lambda s: s.map(order)).reset_index(drop=True)


def qof_indicator_all_icbs(codes: list[str], include_pcas: bool = True) -> pd.DataFrame:
    """The pooled QOF measure for each of the 42 ICBs with funnel-plot significance against the
    average of all ICBs (95% and 99.8% limits)."""
    q = primary_care.qof_icb()
    q = q[q["indicator_code"].isin(codes) & (q["org_type"] == "ICB")]
    den = "denominator_incl_pcas" if include_pcas else "denominator"
    g = q.groupby(["org_code", "org_name"], as_index=False)[["numerator", den]].sum().rename(columns={den: "denominator"})
    g = stats.funnel_significance(g, "numerator", "denominator", statistic="proportion")
    g["value"] = stats.proportion(g, "numerator", "denominator")["value"]
    return g


def qof_funnel_limits(codes: list[str], include_pcas: bool = True) -> pd.DataFrame:
    g = qof_indicator_all_icbs(codes, include_pcas)
    return stats.funnel_limits(g, "numerator", "denominator", statistic="proportion", multiplier=100)


def qof_prevalence(icb: ICB | str, groups: list[str]) -> pd.DataFrame:
    """Recorded prevalence (QOF 2024-25 registers / list size of the register's age group) for the ICB
    and England, Wilson 95% CIs."""
    icb = _icb(icb)
    p = primary_care.qof_icb_prevalence()
    p = p[p["group_code"].isin(groups) & p["org_code"].isin([icb.ods_code, "ENG"])]
    p = p.assign(area=np.where(p["org_code"] == "ENG", "England", icb.short_name))
    res = stats.proportion(p, "register", "list_size", group_by=["group_code", "area"])
    res["period"] = "2024-25"
    return res


# ----------------------------------------------------------------------------- practice deprivation (QOF 2022-23)

QOF_GROUP_LABELS = {"HYP": "Hypertension", "COPD": "COPD", "MH": "Severe mental illness", "AST": "Asthma (6+)",
                    "DM": "Diabetes (17+)", "EP": "Epilepsy (18+)"}


@lru_cache(maxsize=1)
def _practices_with_quintile() -> pd.DataFrame:
    """QOF 2022-23 practices with their IMD 2019 score and national population-weighted quintile
    (1 = most deprived; each quintile holds about a fifth of England's registered patients)."""
    prev = primary_care.qof_practice_prevalence()
    total = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")][
        ["practice_code", "list_size", "icb_ods_code"]]
    imd = primary_care.practice_imd(2019)[["practice_code", "imd_score"]]
    prac = total.merge(imd, on="practice_code", how="inner", validate="one_to_one")
    prac = prac[prac["list_size"] > 0]
    q = stats.population_weighted_quantiles(prac, "imd_score", "list_size", n=5)
    q = q.rename(columns={"quantile": "national_quintile"})
    local = stats.population_weighted_quantiles(prac, "imd_score", "list_size", n=5, group_by="icb_ods_code")
    q["local_quintile"] = local["quantile"].to_numpy()
    return q[["practice_code", "imd_score", "national_quintile", "local_quintile"]]


def practice_quintile_coverage(icb: ICB | str) -> dict[str, float]:
    """How many QOF 2022-23 practices have a deprivation score (the rest are left out)."""
    icb = _icb(icb)
    prev = primary_care.qof_practice_prevalence()
    tot = prev[(prev["group_code"] == "HYP") & (prev["list_type"] == "TOTAL")]
    q = _practices_with_quintile()
    icb_pr = tot[tot["icb_ods_code"] == icb.ods_code]
    return {"practices": float(len(icb_pr)),
            "practices_with_score": float(icb_pr["practice_code"].isin(q["practice_code"]).sum()),
            "england_practices": float(len(tot)),
            "england_with_score": float(tot["practice_code"].isin(q["practice_code"]).sum())}


def prevalence_by_practice_quintile(icb: ICB | str, groups: list[str]) -> pd.DataFrame:
    """Recorded prevalence by national practice-deprivation quintile (1 = most deprived), ICB and
    England, pooled registers / list sizes with Wilson 95% CIs. QOF 2022-23, IMD 2019."""
    icb = _icb(icb)
    prev = primary_care.qof_practice_prevalence()
    prev = prev[prev["group_code"].isin(groups)]
    q = _practices_with_quintile()
    d = prev.merge(q, on="practice_code", how="inner")
    eng = d.assign(area="England")
    loc = d[d["icb_ods_code"] == icb.ods_code].assign(area=icb.short_name)
    both = pd.concat([loc, eng], ignore_index=True)
    res = stats.proportion(both, "register", "list_size", group_by=["group_code", "area", "national_quintile"])
    res["period"] = "2022-23"
    return res.rename(columns={"national_quintile": "practice_quintile"})


def prevalence_sii(icb: ICB | str, groups: list[str], reps: int = 10_000) -> pd.DataFrame:
    """Slope index of inequality in recorded prevalence across practice-deprivation quintiles, as
    **most deprived minus least deprived** (percentage points; positive = higher recorded prevalence
    among patients of the most deprived practices). England on national quintiles; the ICB on its
    own (local) population-weighted quintiles, so every quintile holds a fifth of its patients."""
    icb = _icb(icb)
    prev = primary_care.qof_practice_prevalence()
    prev = prev[prev["group_code"].isin(groups)]
    q = _practices_with_quintile()
    d = prev.merge(q, on="practice_code", how="inner")
    eng = stats.proportion(d.assign(area="England"), "register", "list_size",
                           group_by=["group_code", "area", "national_quintile"]).rename(
        columns={"national_quintile": "quintile"})
    loc = stats.proportion(d[d["icb_ods_code"] == icb.ods_code].assign(area=icb.short_name), "register",
                           "list_size", group_by=["group_code", "area", "local_quintile"]).rename(
        columns={"local_quintile": "quintile"})
    both = pd.concat([loc, eng], ignore_index=True)
    out = stats.sii(both, "value", "list_size", "quintile", group_by=["group_code", "area"],
                    lower_cl="lower_ci", upper_cl="upper_ci", multiplier=-1, reps=reps, seed=1, n_quantiles=5)
    out["quintiles"] = np.where(out["area"] == "England", "national", "local (within ICB)")
    return out


def heec_indicator_by_quintile(icb: ICB | str, indicator: str) -> pd.DataFrame:
    """HEEC medians of practice values by national practice quintile (book convention: ``"1-2"``
    = the two most deprived merged ... ``"5"`` = least deprived), the ICB and England, latest year."""
    icb = _icb(icb)
    h = primary_care.heec_practice_quintile_summaries()
    h = h[h["indicator"] == indicator]
    key = primary_care.normalise_icb_name(icb.short_name)
    h = h[h["area_key"].isin([key, "england"])]
    latest = int(h["year"].max())
    h = h[h["year"] == latest].copy()
    h["area"] = np.where(h["area_key"] == "england", "England", icb.short_name)
    return h


BP_HEEC = ("Last BP reading of patients (<80 yrs, with hypertension), in the last 12 months is <= 140/90 mmHg "
           "(denominator incl. PCAs)")


# ----------------------------------------------------------------------------- CVDPREVENT (England)

def cvdprevent_gradient(reps: int = 10_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CVDPREVENT England by IMD quintile (1 = most deprived) and the SII for each indicator
    (least minus most deprived, percentage points, as ``phe_sii``)."""
    c = clinical.cvdprevent_quintiles()
    s = stats.sii(c, "value", "denominator", "imd_quintile", group_by=["indicator_code", "indicator"],
                  lower_cl="lower_ci", upper_cl="upper_ci", reps=reps, seed=1)
    return c, s


# ----------------------------------------------------------------------------- cancer stage

def cancer_stage_areas(icb: ICB | str) -> pd.DataFrame:
    """Early-stage diagnosis (% at stage 1-2) for the ICB's upper-tier local authorities, all years,
    plus England; with Fingertips-style comparison of each area's 95% CI with England's value."""
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    cs = clinical.cancer_stage()
    eng = cs[cs["area_code"] == "E92000001"][["year", "value"]].rename(columns={"value": "england"})
    la = cs[cs["area_code"].isin(codes["utla"])].merge(eng, on="year", how="left")
    la["compared_to_england"] = np.select(
        [la["value"].isna(), la["upper_ci"] < la["england"], la["lower_ci"] > la["england"]],
        ["Not compared", "Lower than England", "Higher than England"], default="Similar to England")
    allr = pd.concat([la, cs[cs["area_code"] == "E92000001"].assign(compared_to_england="England")],
                     ignore_index=True)
    return allr.sort_values(["area_code", "year"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- SMI physical health checks

def smi_checks(icb: ICB | str) -> pd.DataFrame:
    """All six SMI physical health checks, ICB (sum of its sub-ICB locations) and England (sum of all
    rows) per quarter from 2021/22 (sub-ICB geography), Wilson 95% CIs."""
    icb = _icb(icb)
    s = clinical.smi_health_checks()
    s = s[s["quarter_end"] >= "2021-06-30"].dropna(subset=["SMIRegister", "All6PHC"])
    sub = primary_care.qof_subicb_map()
    mine = set(sub.loc[sub["icb_ods_code"] == icb.ods_code, "sub_icb_ods_code"])
    loc = s[s["org_code"].isin(mine)].assign(area=icb.short_name)
    eng = s.assign(area="England")
    res = stats.proportion(pd.concat([loc, eng]), "All6PHC", "SMIRegister", group_by=["area", "quarter_end", "fin_year",
                                                                                    "quarter"])
    res["n_orgs"] = pd.concat([loc, eng]).groupby(["area", "quarter_end"]).size().reindex(
        pd.MultiIndex.from_frame(res[["area", "quarter_end"]])).to_numpy()
    return res.sort_values(["area", "quarter_end"]).reset_index(drop=True)


def smi_subicb_funnel(icb: ICB | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Latest quarter: each sub-ICB location's all-six-checks rate with funnel significance, and
    the funnel limits."""
    icb = _icb(icb)
    s = clinical.smi_health_checks()
    last = s["quarter_end"].max()
    s = s[(s["quarter_end"] == last)].dropna(subset=["SMIRegister", "All6PHC"]).copy()
    sub = primary_care.qof_subicb_map()
    s = s.merge(sub, left_on="org_code", right_on="sub_icb_ods_code", how="left")
    s["in_icb"] = s["icb_ods_code"] == icb.ods_code
    s = stats.funnel_significance(s, "All6PHC", "SMIRegister", statistic="proportion")
    s["value"] = stats.proportion(s, "All6PHC", "SMIRegister")["value"]
    s["denominator"] = s["SMIRegister"]
    lim = stats.funnel_limits(s, "All6PHC", "SMIRegister", statistic="proportion", multiplier=100)
    return s, lim


# ----------------------------------------------------------------------------- maternity (MSDS)

COC = "COC_by_28weeks"


def maternity_icb(icb: ICB | str) -> pd.DataFrame:
    """Continuity of carer plan by 28 weeks and smoking at delivery, LMNS (= ICB) and England,
    April 2025, Wilson 95% CIs on the published (rounded to 5) counts."""
    icb = _icb(icb)
    m = clinical.msds_proportions([COC, "CQIMSmokingDelivery", "CQIMSmokingBooking"])
    m = m[m["org_code"].isin([icb.ods_code, "National"])].dropna(subset=["numerator", "denominator"])
    m = m[m["denominator"] > 0]
    m["area"] = np.where(m["org_code"] == "National", "England", icb.short_name)
    res = stats.proportion(m, "numerator", "denominator")
    return res


def maternity_coc_groups(icb: ICB | str) -> pd.DataFrame:
    """Continuity of carer by 28 weeks by IMD decile of the mother (1 = most deprived) and ethnic
    group, England and the LMNS (= ICB), with Wilson 95% CIs; suppressed cells are dropped (and
    counted in ``attrs``)."""
    icb = _icb(icb)
    mm = clinical.msds_measures()
    mm = mm[mm["indicator"].str.startswith(COC + "_") & mm["org_code"].isin([icb.ods_code, "National"])
            & mm["org_level"].isin(["National", "Local Maternity System"])]
    wide = (mm.set_index(["org_code", "indicator", "currency"])["value"].unstack("currency").reset_index())
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
    wide["label"] = np.where(wide["breakdown"] == "IMD decile",
                             "Decile " + wide["imd_decile"].astype("Int64").astype(str),
                             wide["group"].str.replace("Ethnicity_", "", regex=False).replace(
                                 {"BAME": "Black, Asian and minority ethnic"}))
    res = stats.proportion(wide.rename(columns={"Numerator": "numerator", "Denominator": "denominator"}),
                           "numerator", "denominator")
    res.attrs["n_suppressed"] = n_supp
    return res


def maternity_lmns_funnel() -> tuple[pd.DataFrame, pd.DataFrame]:
    m = clinical.msds_proportions([COC])
    m = m[m["org_level"] == "Local Maternity System"].dropna(subset=["numerator", "denominator"])
    m = m[m["denominator"] > 0].copy()
    m = stats.funnel_significance(m, "numerator", "denominator", statistic="proportion")
    m["value"] = stats.proportion(m, "numerator", "denominator")["value"]
    return m, stats.funnel_limits(m, "numerator", "denominator", statistic="proportion", multiplier=100)


# ----------------------------------------------------------------------------- oral health, CYP mental health

def oral_health_areas(icb: ICB | str) -> pd.DataFrame:
    """% of 5-year-olds with visible decay: the ICB's lower-tier districts and unitary authorities
    (majority of LSOAs in the ICB), and England, every survey year. Comparison is Fingertips' own."""
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    o = clinical.child_oral_health()
    lad = o["area_code"].isin(codes["lad"]) & o["area_type"].isin(["District", "UA"])
    county = o["area_code"].isin(codes["utla"]) & (o["area_type"] == "County")
    out = o[lad | county | (o["area_code"] == "E92000001")]
    return out.sort_values(["area_code", "period"]).reset_index(drop=True)


def self_harm_areas(icb: ICB | str) -> pd.DataFrame:
    icb = _icb(icb)
    codes = icb_area_codes(icb.ods_code)
    s = clinical.self_harm_admissions_10_24()
    return s[s["area_code"].isin(codes["utla"]) | (s["area_code"] == "E92000001")].reset_index(drop=True)


# ----------------------------------------------------------------------------- headline figures

def latest_published(df: pd.DataFrame, period_col: str) -> pd.DataFrame:
    """Local-authority rows (England excluded) of the latest period in which at least one of the
    ICB's areas has a published (unsuppressed) value."""
    d = df[(df["area_code"] != "E92000001")].dropna(subset=["value"])
    if d.empty:
        return d
    return d[d[period_col] == d[period_col].max()]


HYP_CODES = ["HYP008", "HYP009"]


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for one ICB, without the notebook (called for all 42 ICBs in CI).

    * ``hyp_treated_to_target_pct``: QOF 2024-25 HYP008+HYP009, PCAs in the denominator.
    * ``smi_all_six_checks_pct``: SMI physical health checks, 12 months to March 2024.
    * ``copd_prevalence_pct``, ``asthma_prevalence_pct``, ``diabetes_prevalence_pct``,
      ``epilepsy_prevalence_pct``, ``smi_register_prevalence_pct``: QOF 2024-25 recorded prevalence.
    * ``continuity_of_carer_pct``: MSDS, April 2025 (LMNS = ICB footprint).
    * ``cancer_early_stage_lowest_la_pct``: the lowest % at stage 1-2 among the ICB's upper-tier
      local authorities, in ``cancer_early_stage_year``, the latest year (to 2022) in which one of
      them has a published value (Bristol, Camden, ... are suppressed in 2022).
    * ``dental_decay_highest_la_pct``: the highest % of 5-year-olds with decay among the ICB's
      districts, UAs and counties, in the latest survey with a published value for one of them
      (``dental_decay_survey_end_year``; all Surrey districts are suppressed in 2023/24).
    * ``continuity_of_carer_pct`` is NaN where the LMNS submitted no continuity-of-carer figure
      for April 2025 (QNC Staffordshire and Stoke-on-Trent, QOC Shropshire, Telford and Wrekin):
      see :data:`NOT_AVAILABLE`.
    * ``hyp_prevalence_sii_pp``: SII in recorded hypertension prevalence across the ICB's local
      practice-deprivation quintiles (most minus least deprived, QOF 2022-23).

    ``imd_version`` is accepted for a uniform interface; every deprivation measure used here is
    IMD 2019 (the only vintage of the Fingertips practice score and of CVDPREVENT's quintiles).
    """
    icb = geography.find_icb(icb_code)
    out: dict[str, float] = {}
    hyp = qof_indicator(icb, HYP_CODES, "hyp")
    out["hyp_treated_to_target_pct"] = float(hyp.loc[hyp["area"] != "England", "value"].iloc[0])
    smi = smi_checks(icb)
    smi_l = smi[smi["area"] != "England"]
    out["smi_all_six_checks_pct"] = float(smi_l.loc[smi_l["quarter_end"].idxmax(), "value"])
    prev = qof_prevalence(icb, ["COPD", "AST", "DM", "EP", "MH"])
    prev = prev[prev["area"] != "England"].set_index("group_code")["value"]
    out["copd_prevalence_pct"] = float(prev["COPD"])
    out["asthma_prevalence_pct"] = float(prev["AST"])
    out["diabetes_prevalence_pct"] = float(prev["DM"])
    out["epilepsy_prevalence_pct"] = float(prev["EP"])
    out["smi_register_prevalence_pct"] = float(prev["MH"])
    mat = maternity_icb(icb)
    coc = mat[(mat["indicator"] == COC) & (mat["area"] != "England")]
    # Two LMNS (QNC, QOC) submitted no continuity-of-carer rows for April 2025: not available.
    out["continuity_of_carer_pct"] = float(coc["value"].iloc[0]) if len(coc) else float("nan")
    cs = latest_published(cancer_stage_areas(icb), "year")
    out["cancer_early_stage_lowest_la_pct"] = float(cs["value"].min())
    out["cancer_early_stage_year"] = float(cs["year"].iloc[0])
    oh = latest_published(oral_health_areas(icb), "period")
    out["dental_decay_highest_la_pct"] = float(oh["value"].max())
    out["dental_decay_survey_end_year"] = float(2000 + int(oh["period"].iloc[0][-2:]))
    sii = prevalence_sii(icb, ["HYP"], reps=2_000)
    out["hyp_prevalence_sii_pp"] = float(sii.loc[sii["area"] != "England", "value"].iloc[0])
    return out


#: Headline figures that are legitimately missing for some ICBs, and why.
NOT_AVAILABLE = {
    "continuity_of_carer_pct": "The Local Maternity and Neonatal System submitted no continuity-of-carer "
                               "rows to MSDS for April 2025.",
}

#: Plausible ranges of the headline figures (used by the notebook and the tests).
HEADLINE_RANGES = {
    "hyp_treated_to_target_pct": (40, 95),
    "smi_all_six_checks_pct": (20, 100),
    "copd_prevalence_pct": (0.5, 5),
    "asthma_prevalence_pct": (3, 12),
    "diabetes_prevalence_pct": (3, 15),
    "epilepsy_prevalence_pct": (0.3, 2),
    "smi_register_prevalence_pct": (0.4, 2.5),
    "continuity_of_carer_pct": (0, 100),
    "cancer_early_stage_lowest_la_pct": (35, 80),
    "cancer_early_stage_year": (2013, 2022),
    "dental_decay_highest_la_pct": (5, 60),
    "dental_decay_survey_end_year": (2015, 2024),
    "hyp_prevalence_sii_pp": (-15, 15),
}

__all__ = [
    "AMBITIONS", "DATA_GAPS", "HEADLINE_RANGES", "NOT_AVAILABLE", "latest_published", "SOURCES", "ambitions_table", "cancer_stage_areas",
    "cvdprevent_gradient", "headline_figures", "heec_indicator_by_quintile", "icb_area_codes",
    "maternity_coc_groups", "maternity_icb", "maternity_lmns_funnel", "oral_health_areas",
    "prevalence_by_practice_quintile", "prevalence_sii", "qof_funnel_limits", "qof_indicator",
    "qof_indicator_all_icbs", "qof_prevalence", "self_harm_areas", "smi_checks", "smi_subicb_funnel",
]


# ----------------------------------------------------------------------------- figures

def _fig(figsize=(8, 4.5)):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)


def plot_funnel(points: pd.DataFrame, limits: pd.DataFrame, highlight: pd.Series, *, xlabel: str, ylabel: str,
                title: str, target: float | None = None, label_highlight: str = ""):
    """Funnel plot: points (value, denominator, significance), 95% and 99.8% limits, the
    highlighted organisation(s) drawn large with a label; significance by marker and colour."""
    from .. import figures

    fig, ax = _fig()
    # show the limits over the range of the data only (they start at a denominator of 1)
    limits = limits[limits["denominator"] >= float(points["denominator"].min()) * 0.7]
    ax.plot(limits["denominator"], limits["baseline"], color=figures.NHS_DARK_GREY, lw=1, label="Average of all")
    ax.plot(limits["denominator"], limits["lower_95_limit"], color=figures.NHS_MID_GREY, ls="--", lw=1,
            label="95% limits")
    ax.plot(limits["denominator"], limits["upper_95_limit"], color=figures.NHS_MID_GREY, ls="--", lw=1)
    ax.plot(limits["denominator"], limits["lower_99_8_limit"], color=figures.NHS_MID_GREY, ls=":", lw=1.2,
            label="99.8% limits")
    ax.plot(limits["denominator"], limits["upper_99_8_limit"], color=figures.NHS_MID_GREY, ls=":", lw=1.2)
    sig = points["significance"].astype(str)
    cats = {"High": ("^", figures.NHS_BRIGHT_BLUE, "Above the 99.8% limit"),
            "Low": ("v", figures.NHS_ORANGE, "Below the 99.8% limit"),
            "Not": ("o", figures.CONTEXT, "Within the limits (or 95% only)")}
    kind = np.where(sig.str.startswith("High (0.001)"), "High",
                    np.where(sig.str.startswith("Low (0.001)"), "Low", "Not"))
    for k, (mk, col, lab) in cats.items():
        sel = kind == k
        if sel.any():
            ax.scatter(points.loc[sel, "denominator"], points.loc[sel, "value"], marker=mk, color=col, s=28,
                       edgecolor="white", linewidth=0.4, label=lab, zorder=3)
    h = points[highlight.to_numpy()]
    ax.scatter(h["denominator"], h["value"], marker="D", s=70, facecolor=figures.HIGHLIGHT, edgecolor="white",
               zorder=4, label=label_highlight or "This ICB")
    if target is not None:
        ax.axhline(target, color=figures.NHS_BLACK, lw=1, ls="-.", label=f"Ambition {target:.0f}%")
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    lo = float(min(points["value"].min(), target or 100)) - 3
    hi = float(max(points["value"].max(), target or 0)) + 3
    ax.set_ylim(max(lo, 0), min(hi, 100))
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def plot_quintile_prevalence(df: pd.DataFrame, group_code: str, icb_name: str, title: str):
    """Recorded prevalence by national practice-deprivation quintile (1 = most deprived) for the ICB
    and England, with 95% CIs; quintiles with no ICB practice are absent (said in the caption)."""
    from .. import figures

    d = df[df["group_code"] == group_code]
    fig, ax = _fig((7.5, 4))
    styles = {icb_name: (figures.HIGHLIGHT, "D", -0.12), "England": (figures.NHS_MID_GREY, "o", 0.12)}
    for area, (col, mk, off) in styles.items():
        s = d[d["area"] == area].sort_values("practice_quintile")
        x = s["practice_quintile"].astype(float) + off
        ax.errorbar(x, s["value"], yerr=[s["value"] - s["lower_ci"], s["upper_ci"] - s["value"]], fmt=mk, color=col,
                    capsize=3, ms=7, label=area, lw=1.2)
    ax.set_xticks([1, 2, 3, 4, 5], ["1\nmost\ndeprived", "2", "3", "4", "5\nleast\ndeprived"])
    ax.set_xlabel("National practice deprivation quintile (IMD 2019, patient-weighted)")
    ax.set_ylabel("Recorded prevalence (%)")
    ax.set_title(title)
    ax.legend(fontsize=9)
    return fig
