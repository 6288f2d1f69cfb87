"""National objectives scorecard: the NHS 2023/24 objectives, for one ICB, read as statistical
process control (NHS England "Making Data Count").

:data:`OBJECTIVES` is the documented list of the 31 national objectives of NHS England's
*2023/24 priorities and operational planning guidance* (January 2023), as the local plans quote
them (Staffordshire and Stoke-on-Trent 2023/24 operational plan, appendix one; Healthwatch
Worcestershire 2023-25 business planning): target, direction of improvement, and either the
measure built here from the data mirror or the source that would measure it.

Everything a notebook shows comes from :func:`scorecard` (one ICB) and :func:`icb_comparison`
(all 42 ICBs, latest period); :func:`headline_figures` gives the key numbers without a notebook.
SPC readings are :func:`analysis.stats.spc`'s.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import geography, stats
from ..load import performance as perf
from ..stats.spc import ASSURANCE_WORDS, VARIATION_WORDS

# --------------------------------------------------------------------------- the 31 objectives

#: Columns: no (as numbered in the plans' appendix), area, objective (the guidance's words,
#: shortened), target (text), measure (key of a measure built below, or None), source (what the
#: row is measured from, or the publication that would measure it).
OBJECTIVES = pd.DataFrame(
    [
        (1, "Urgent and emergency care", "A&E: patients seen within 4 hours", "76% by March 2024", "ae_4h",
         "NHS England A&E Attendances and Emergency Admissions"),
        (2, "Urgent and emergency care", "Category 2 ambulance response, mean", "30 minutes across 2023/24",
         "ambulance_c2", "NHS England Ambulance Quality Indicators (AmbSYS)"),
        (3, "Urgent and emergency care", "Adult general and acute (G&A) bed occupancy", "92% or below",
         "beds_ga", "NHS England G&A beds sitrep"),
        (4, "Community health services", "2-hour urgent community response (UCR) standard", "70% or more",
         None, "NHS England Community Health Services SitRep (UCR) / Community Services Data Set"),
        (5, "Community health services", "Streamline direct access and local pathways for direct referrals",
         "no numeric target", None, "no single published measure (local pathway reporting)"),
        (6, "Elective care", "Patients waiting over 65 weeks for elective care", "none by March 2024",
         "rtt_65w", "NHS England Referral to Treatment waiting times"),
        (7, "Elective care", "System-specific elective activity target", "local target", None,
         "NHS England elective activity (Secondary Uses Service) against the ICB's operating plan"),
        (8, "Diagnostics", "Diagnostic test within 6 weeks", "95% by March 2025", None,
         "NHS England Diagnostics Waiting Times and Activity (DM01)"),
        (9, "Diagnostics", "Diagnostic activity levels", "local plan", None,
         "NHS England Diagnostics Waiting Times and Activity (DM01)"),
        (10, "Cancer", "Patients waiting over 62 days for cancer treatment", "continue to reduce", "cancer_62",
         "NHS England Cancer Waiting Times (62-day PTL backlog not in this edition; 62-day standard shown)"),
        (11, "Cancer", "Cancer Faster Diagnosis Standard: diagnosed or ruled out within 28 days",
         "75% by March 2024", "cancer_fds", "NHS England Cancer Waiting Times"),
        (12, "Cancer", "Cancers diagnosed at stage 1 or 2", "75% by 2028", None,
         "NHS Digital Rapid Cancer Registration Data / Cancer Survival by stage (ICB figures)"),
        (13, "Maternity", "Stillbirth, neonatal and maternal mortality, brain injury", "national safety ambition",
         None, "MBRRACE-UK perinatal surveillance; ONS births and deaths"),
        (14, "Maternity", "Fill rates against funded maternity staff establishment", "increase", None,
         "NHS England workforce statistics / provider workforce returns"),
        (15, "Primary care", "GP appointments within two weeks of booking", "everyone who needs one",
         "gp_2weeks", "NHS England Appointments in General Practice"),
        (16, "Primary care", "More appointments in general practice", "50 million more nationally by March 2024",
         "gp_appointments", "NHS England Appointments in General Practice"),
        (17, "Primary care", "Additional Roles Reimbursement Scheme (ARRS) staff", "26,000 nationally by March 2024",
         None, "NHS England Primary Care Network workforce (National Workforce Reporting Service)"),
        (18, "Primary care", "Units of dental activity (UDAs)", "towards pre-pandemic levels", None,
         "NHS Dental Statistics for England"),
        (19, "Mental health", "Children and young people accessing mental health support",
         "345,000 more nationally (vs 2019)", None, "NHS England Mental Health Services Data Set (MHSDS)"),
        (20, "Mental health", "Adults accessing NHS Talking Therapies (IAPT) treatment", "increase",
         "iapt_access", "NHS England NHS Talking Therapies monthly statistics"),
        (21, "Mental health", "Adults supported by community mental health services", "5% more each year",
         None, "NHS England Mental Health Services Data Set (MHSDS)"),
        (22, "Mental health", "Inappropriate adult acute out of area placements", "eliminate", None,
         "NHS England Out of Area Placements in Mental Health Services (MHSDS)"),
        (23, "Mental health", "Dementia diagnosis rate (aged 65+)", "66.7%", "dementia",
         "NHS England Primary Care Dementia Data"),
        (24, "Mental health", "Access to perinatal mental health services", "increase", None,
         "NHS England Mental Health Services Data Set (MHSDS)"),
        (25, "Learning disability and autism", "Annual health check and plan, GP learning disability register (14+)",
         "75% by March 2024", None, "NHS England Learning Disability Health Check Scheme statistics"),
        (26, "Learning disability and autism", "Adults and children with a learning disability or autism in inpatient units",
         "30 adults and 12-15 under-18s per million", None, "NHS England Assuring Transformation / MHSDS"),
        (27, "Prevention and health inequalities", "Hypertension treated to target (NICE)", "77% by March 2024",
         "hypertension", "Quality and Outcomes Framework 2024-25 (HYP008, HYP009)"),
        (28, "Prevention and health inequalities", "CVD risk 20%+ (aged 25-84) on lipid-lowering therapy", "60%",
         None, "CVDPREVENT audit (ICB figures not in this edition; England only)"),
        (29, "Prevention and health inequalities", "Health inequalities and the Core20PLUS5 approach",
         "no single target", None, "see the Core20PLUS5 chapter of this book"),
        (30, "Use of resources", "Balanced net system financial position", "balanced 2023/24", None,
         "ICB and NHS trust annual accounts"),
        (31, "Workforce", "Staff retention and attendance (NHS People Promise)", "improve", None,
         "NHS England workforce statistics (leavers) and NHS sickness absence rates"),
    ],
    columns=["no", "area", "objective", "target_text", "measure", "source"],
)


@dataclass(frozen=True)
class MeasureSpec:
    """A measured objective: numeric target, direction of improvement, unit and how to read it."""

    key: str
    label: str
    unit: str  # "%", "minutes" or "count"
    improvement: str  # "increase" / "decrease" / "neutral" (stats.spc's improvement_direction)
    target: float | None
    dataset: str
    what: str  # how it is computed, in words


MEASURES: dict[str, MeasureSpec] = {
    m.key: m
    for m in [
        MeasureSpec("ae_4h", "A&E: % seen within 4 hours", "%", "increase", 76.0, "ae_monthly_official",
                    "all A&E attendances at the providers located in the ICB, 100 x (1 - attendances over "
                    "4 hours / attendances): summed from NHS England's monthly A&E files where they exist, "
                    "NHS England's system-level ICB figures (a conversion) for earlier months"),
        MeasureSpec("ambulance_c2", "Category 2 ambulance mean response (minutes)", "minutes", "decrease", 30.0,
                    "ambulance_response_times_2017_2021",
                    "total category 2 response time / incidents for the ICB's NHS region (ambulance services "
                    "are not split by ICB)"),
        MeasureSpec("beds_ga", "Adult G&A bed occupancy (%)", "%", "decrease", 92.0, "bed_occupancy",
                    "adult G&A beds occupied / available, summed over the acute trusts located in the ICB"),
        MeasureSpec("rtt_65w", "Patients waiting over 65 weeks (RTT)", "count", "decrease", 0.0, "rtt_incomplete",
                    "incomplete RTT pathways over 65 weeks, the ICB as commissioner"),
        MeasureSpec("cancer_62", "Cancer 62-day combined standard (%)", "%", "increase", 85.0,
                    "cancer_waiting_times",
                    "share treated within 62 days of referral, the ICB as commissioner; combined standard "
                    "from October 2023 (operational standard 85%)"),
        MeasureSpec("cancer_fds", "Cancer 28-day Faster Diagnosis Standard (%)", "%", "increase", 75.0,
                    "cancer_waiting_times", "share told their diagnosis within 28 days, the ICB as commissioner"),
        MeasureSpec("gp_2weeks", "GP appointments within 2 weeks of booking (%)", "%", "increase", None,
                    "gp_appointments",
                    "appointments 0-14 days after booking / appointments with a known booking interval, "
                    "practices in the ICB"),
        MeasureSpec("gp_appointments", "GP appointments a month", "count", "increase", None, "gp_appointments",
                    "all appointments in general practice (all statuses, staff and modes), practices in the ICB"),
        MeasureSpec("iapt_access", "People starting NHS Talking Therapies treatment a month", "count", "increase",
                    None, "talking_therapies",
                    "referrals accessing services (first treatment) in the month, summed over the ICB's "
                    "sub-ICB locations (counts rounded to 5)"),
        MeasureSpec("dementia", "Dementia diagnosis rate, 65+ (%)", "%", "increase", 66.7, "dementia_diagnosis_rate",
                    "recorded diagnoses / estimated prevalence, GP practices in the ICB (as published)"),
        MeasureSpec("hypertension", "Hypertension treated to target (%)", "%", "increase", 77.0, "qof_2425_icb",
                    "QOF HYP008 + HYP009 (blood pressure at or below the NICE threshold for age), patients "
                    "with a personalised care adjustment counted as not treated to target"),
    ]
}

#: Making Data Count advises at least 12 (ideally 15-20) points before reading SPC limits.
MIN_SPC_POINTS = 12

# The Making Data Count readings in words (VARIATION_WORDS, ASSURANCE_WORDS) are stats.spc's,
# keyed by its variation and assurance icons.
#: A text symbol per kind of variation for the table: ▲ improvement, ▼ concern, ◆ neither, ● common.
VARIATION_ICON = {"improvement_high": "▲", "improvement_low": "▲", "concern_high": "▼", "concern_low": "▼",
                  "neutral_high": "◆", "neutral_low": "◆", "common_cause": "●"}


@dataclass
class Series:
    """One measured objective for one ICB: its monthly (or annual) series and context."""

    spec: MeasureSpec
    data: pd.DataFrame  # month (Timestamp), value, plus numerator/denominator where they exist
    measured_for: str  # the organisation(s) the value is for, in words
    period_label: str  # latest period, in words
    england: float | None  # England value for the same period
    notes: list[str] = field(default_factory=list)
    spc: stats.SPCResult | None = None
    #: months from which SPC limits are recalculated (a change in what the series counts)
    rebase: list[pd.Timestamp] = field(default_factory=list)
    #: data from before the objective period (ambulance): shown, but not counted as met / not met
    context_only: bool = False

    @property
    def latest(self) -> float:
        return float(self.data["value"].iloc[-1])

    @property
    def latest_month(self) -> pd.Timestamp:
        return pd.Timestamp(self.data["month"].iloc[-1])

    @property
    def met(self) -> bool | None:
        t = self.spec.target
        if t is None or self.context_only:
            return None
        return self.latest >= t if self.spec.improvement == "increase" else self.latest <= t


def _month_label(m: pd.Timestamp) -> str:
    return pd.Timestamp(m).strftime("%B %Y")


def _ts(month: pd.Series) -> pd.Series:
    return pd.to_datetime(month.astype(str).str[:7] + "-01")


# --------------------------------------------------------------------------- national tables (cached)

@lru_cache(maxsize=1)
def _ae_icb() -> pd.DataFrame:
    df = perf.ae_attendances("icb")
    df["month"] = _ts(df["month"])
    return df


@lru_cache(maxsize=1)
def ae_provider_locations() -> pd.DataFrame:
    """Every provider in NHS England's monthly A&E files and the ICB it is located in (ODS code),
    as the scorecard sums them: an NHS acute trust is in the ICB WLMDS groups it into (as for bed
    occupancy; trusts that merged since are placed with their successor); another provider (an
    urgent treatment centre, a community trust) is in the ICB of the acute trust(s) its
    attendances are attributed to (healthyr's attribution table) when they are all in one ICB.
    Anything else cannot be located and is in no ICB's figure.

    Columns: org_code, org_name, icb_code (None when not located), how (in words).
    """
    from ..load.urgent_care import ae_monthly_providers, ae_provider_attribution
    from ..load.waiting import wlmds_trust_icb

    prov = ae_monthly_providers()
    trusts = wlmds_trust_icb()
    to_icb = dict(zip(trusts["trust_code"], trusts["icb_code"]))
    for old, new in perf.TRUST_MERGERS.items():
        to_icb.setdefault(old, to_icb[new])
    att = ae_provider_attribution()
    att["icb_code"] = att["acute_trust_code"].map(to_icb)
    one_icb = att.groupby("provider_code")["icb_code"].agg(
        lambda c: c.iloc[0] if c.notna().all() and c.nunique() == 1 else None)
    names = prov.sort_values("month").drop_duplicates("org_code", keep="last").set_index("org_code")["org_name"]
    rows = []
    for code, name in names.items():
        if code in to_icb:
            rows.append((code, name, to_icb[code], "acute trust located in the ICB"))
        elif one_icb.get(code):
            rows.append((code, name, one_icb[code], "attendances attributed to acute trust(s) in the ICB"))
        elif code in one_icb.index:
            rows.append((code, name, None, "attributed to acute trusts in more than one ICB, or to one not grouped"))
        else:
            rows.append((code, name, None, "not an acute trust and not in the attribution table"))
    return pd.DataFrame(rows, columns=["org_code", "org_name", "icb_code", "how"])


@lru_cache(maxsize=1)
def _ae_official_icb() -> pd.DataFrame:
    """Attendances and 4-hour waits summed over the providers located in each ICB (ODS code) and
    over every provider for England ("ENG"), for each month of the official monthly files."""
    from ..load.urgent_care import ae_monthly_providers

    prov = ae_monthly_providers().merge(ae_provider_locations()[["org_code", "icb_code"]], on="org_code", how="left")
    sums = {"attendances": ("attendances", "sum"), "over_4h": ("over_4h", "sum"), "n_providers": ("org_code", "nunique")}
    icb = prov.dropna(subset=["icb_code"]).groupby(["icb_code", "month"], as_index=False).agg(**sums)
    eng = prov.groupby("month", as_index=False).agg(**sums).assign(icb_code="ENG")
    out = pd.concat([icb, eng], ignore_index=True)
    out["source"] = "official"
    return out


def _ae_conversion_icb() -> pd.DataFrame:
    """The conversion's ICB rows with ODS codes, without the months that repeat earlier months."""
    from ..load.urgent_care import repeated_months_in_conversion

    conv = _ae_icb()
    ons_to_ods = {i.ons_code_2022: i.ods_code for i in geography.all_icbs()}
    copied = {pd.Timestamp(f"{m}-01") for m, _ in repeated_months_in_conversion("icb")}
    c = conv[~conv["month"].isin(copied)]
    return pd.DataFrame({"icb_code": c["icb22_code"].map(ons_to_ods), "month": c["month"],
                         "attendances": c["total_attendances"], "over_4h": c["attendances_over_4hours"],
                         "source": "conversion"})


@lru_cache(maxsize=1)
def _ae_series_table() -> pd.DataFrame:
    """ICB x month 4-hour performance: the official monthly files' sums from their first month on,
    the conversion's system-level rows before (never its copied months). England before the official
    files is the sum of the 42 ICBs."""
    off = _ae_official_icb()
    conv = _ae_conversion_icb()
    conv = conv[conv["month"] < off["month"].min()]
    eng = conv.groupby("month", as_index=False)[["attendances", "over_4h"]].sum().assign(icb_code="ENG",
                                                                                          source="conversion")
    out = pd.concat([conv, eng, off.drop(columns="n_providers")], ignore_index=True)
    out["value"] = 100 * (1 - out["over_4h"] / out["attendances"])
    return out.sort_values(["icb_code", "month"], ignore_index=True)


def ae_official_vs_conversion() -> pd.DataFrame:
    """For the months both sources cover and the conversion gets right, each ICB's 4-hour
    performance summed from the official monthly files beside NHS England's system-level figure
    (via the conversion). Columns: icb_code, month, attendances, attendances_conversion,
    value (official sum, %), value_conversion (%), difference_pp."""
    off = _ae_official_icb()
    off = off[off["icb_code"] != "ENG"]
    conv = _ae_conversion_icb()
    j = off.merge(conv, on=["icb_code", "month"], suffixes=("", "_conversion"))
    j["value"] = 100 * (1 - j["over_4h"] / j["attendances"])
    j["value_conversion"] = 100 * (1 - j["over_4h_conversion"] / j["attendances_conversion"])
    j["difference_pp"] = j["value"] - j["value_conversion"]
    return j[["icb_code", "month", "attendances", "attendances_conversion", "value", "value_conversion",
              "difference_pp"]].sort_values(["icb_code", "month"], ignore_index=True)


def ae_by_month_official(icb_code: str) -> tuple[pd.DataFrame, stats.SPCResult | None]:
    """A&E 4-hour performance month by month from NHS England's monthly files alone (one edition a
    month), for the ICB (providers located in it) and England (every provider), with the SPC reading
    of the ICB's series (None when it has fewer than :data:`MIN_SPC_POINTS` months).

    Columns: month, icb (%), england (%), attendances (ICB), n_providers (ICB)."""
    icb = geography.find_icb(icb_code)
    off = _ae_official_icb()
    off = off.assign(value=100 * (1 - off["over_4h"] / off["attendances"]))
    mine = off[off["icb_code"] == icb.ods_code].set_index("month")
    eng = off[off["icb_code"] == "ENG"].set_index("month")["value"]
    t = pd.DataFrame({"icb": mine["value"], "england": eng.reindex(mine.index), "attendances": mine["attendances"],
                      "n_providers": mine["n_providers"]}).reset_index()
    res = None
    if len(t) >= MIN_SPC_POINTS:
        res = stats.spc(t["icb"], periods=list(t["month"]), improvement="increase", target=MEASURES["ae_4h"].target)
    return t, res


def ae_by_month_text(icb_code: str) -> str:
    """Sentences on the ICB's A&E 4-hour performance in NHS England's monthly files: the latest
    month against the one before, England beside it, and the SPC reading of the files alone (or
    why there is none yet)."""
    icb = geography.find_icb(icb_code)
    t, res = ae_by_month_official(icb.ods_code)
    if t.empty:
        return f"NHS England's monthly A&E files in this book locate no provider in {icb.short_name} ICB."
    last = t.iloc[-1]
    text = (f"NHS England's monthly A&E files in this book run from {_month_label(t['month'].iloc[0])} to "
            f"{_month_label(last['month'])} ({len(t)} files, one a month). In {_month_label(last['month'])} the "
            f"providers located in {icb.short_name} ICB saw {last['icb']:.1f}% of attendances within 4 hours "
            f"(England {last['england']:.1f}%)")
    if len(t) > 1:
        prev = t.iloc[-2]
        change = last["icb"] - prev["icb"]
        text += (f", against {prev['icb']:.1f}% in {_month_label(prev['month'])} "
                 + ("(no change)" if abs(change) < 0.05 else
                    f"({abs(change):.1f} percentage points {'higher' if change > 0 else 'lower'})"))
    text += ". "
    if res is None:
        text += (f"With {len(t)} monthly files there are too few points for a statistical process control reading "
                 f"of these files alone ({MIN_SPC_POINTS} are needed); the chart above joins them to the earlier "
                 "system-level figures.")
    else:
        text += f"Statistical process control over these files alone: {VARIATION_WORDS[res.variation].lower()}"
        text += f", {ASSURANCE_WORDS[res.assurance].lower()}." if res.assurance else "."
    return text


def dementia_edition_change(icb_code: str) -> dict:
    """The ICB's and England's dementia diagnosis rate in the latest monthly workbook and in the
    one before: {latest_month, previous_month, icb_latest, icb_previous, england_latest,
    england_previous} (months as Timestamps, rates in %); previous values None with one edition."""
    icb = geography.find_icb(icb_code)
    d = _dementia()
    months = sorted(d["month"].unique())
    mine = d[(d["org_type"] == "ICB") & (d["ods_code"] == icb.ods_code)].set_index("month")["diagnosis_rate"]
    eng = d[d["ods_code"] == "ENG"].set_index("month")["diagnosis_rate"]
    latest = months[-1]
    prev = months[-2] if len(months) > 1 else None
    return {"latest_month": pd.Timestamp(latest), "previous_month": pd.Timestamp(prev) if prev is not None else None,
            "icb_latest": float(mine[latest]), "icb_previous": float(mine[prev]) if prev is not None else None,
            "england_latest": float(eng[latest]), "england_previous": float(eng[prev]) if prev is not None else None}


def dementia_edition_text(icb_code: str) -> str:
    """One sentence: the latest monthly dementia workbook against the previous one."""
    icb = geography.find_icb(icb_code)
    c = dementia_edition_change(icb.ods_code)
    text = (f"In the latest monthly dementia workbook ({_month_label(c['latest_month'])}) the diagnosis rate in "
            f"{icb.short_name} ICB is {c['icb_latest']:.1f}% (England {c['england_latest']:.1f}%)")
    if c["previous_month"] is None:
        return text + "; it is the only monthly workbook in this book so far."
    change = c["icb_latest"] - c["icb_previous"]
    return (text + f", against {c['icb_previous']:.1f}% in the previous one ({_month_label(c['previous_month'])}; "
            f"England {c['england_previous']:.1f}%): "
            + ("no change." if abs(change) < 0.05 else
               f"{abs(change):.1f} percentage points {'higher' if change > 0 else 'lower'}."))


@lru_cache(maxsize=1)
def _cwt() -> pd.DataFrame:
    df = perf.cancer_waiting_times()
    df["month"] = _ts(df["month"])
    return df


@lru_cache(maxsize=1)
def _beds_icb() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adult G&A beds summed by ICB (trusts located in the ICB) and the trust -> ICB table used."""
    from ..load.waiting import wlmds_trust_icb

    beds = perf.bed_occupancy()
    beds["month"] = _ts(beds["month"])
    trusts = wlmds_trust_icb()[["trust_code", "trust_name", "icb_code"]]
    to_icb = dict(zip(trusts["trust_code"], trusts["icb_code"]))
    for old, new in perf.TRUST_MERGERS.items():
        to_icb[old] = to_icb[new]
    beds["icb_code"] = beds["nhs_trust22_code"].map(to_icb)
    used = beds[["nhs_trust22_code", "icb_code"]].drop_duplicates()
    grp = beds.dropna(subset=["icb_code"]).groupby(["icb_code", "month"], as_index=False).agg(
        occupied=("adult_general_acute_beds_occupied", "sum"),
        available=("adult_general_acute_beds_available", "sum"),
        n_trusts=("nhs_trust22_code", "nunique"))
    eng = beds.groupby("month", as_index=False).agg(occupied=("adult_general_acute_beds_occupied", "sum"),
                                                    available=("adult_general_acute_beds_available", "sum"))
    eng["icb_code"] = "ENG"
    out = pd.concat([grp, eng], ignore_index=True)
    out["value"] = 100 * out["occupied"] / out["available"]
    return out, used.merge(trusts[["trust_code", "trust_name"]], left_on="nhs_trust22_code",
                           right_on="trust_code", how="left")


@lru_cache(maxsize=1)
def _gpad_icb() -> pd.DataFrame:
    g = perf.gp_appointments()
    g["within_2w"] = g["lead_time"].isin(perf.GPAD_WITHIN_2_WEEKS)
    g["known"] = g["lead_time"] != "Unknown / Data Quality"
    g["a_within"] = g["appointments"].where(g["within_2w"], 0)
    g["a_known"] = g["appointments"].where(g["known"], 0)
    out = g.groupby(["icb_ons_code", "month"], as_index=False)[["appointments", "a_within", "a_known"]].sum()
    eng = out.groupby("month", as_index=False)[["appointments", "a_within", "a_known"]].sum()
    eng["icb_ons_code"] = "ENG"
    out = pd.concat([out, eng], ignore_index=True)
    out["month"] = _ts(out["month"])
    out["pct_within_2w"] = 100 * out["a_within"] / out["a_known"]
    return out


@lru_cache(maxsize=1)
def _iapt_icb() -> pd.DataFrame:
    tt = perf.talking_therapies("sicbl")
    tt = tt[tt["measure"] == "Count_AccessingServices"].copy()
    look = geography.lsoa_lookup(2011)[["sicbl_code", "icb_ods_code"]].drop_duplicates()
    tt = tt.merge(look, left_on="sicbl22_code", right_on="sicbl_code", how="left")
    if tt["icb_ods_code"].isna().any():
        bad = sorted(tt.loc[tt["icb_ods_code"].isna(), "sicbl22_code"].unique())
        raise ValueError(f"talking therapies sub-ICB codes not in the 2022 lookup: {bad[:5]}")
    # A month in which any of the ICB's sub-ICB counts is suppressed has no ICB total.
    out = tt.groupby(["icb_ods_code", "month"], as_index=False).agg(
        value=("value", lambda s: s.sum() if s.notna().all() else np.nan),
        n_suppressed=("suppressed", "sum"))
    eng = tt.groupby("month", as_index=False).agg(value=("value", "sum"), n_suppressed=("suppressed", "sum"))
    eng["icb_ods_code"] = "ENG"
    out = pd.concat([out, eng], ignore_index=True)
    out["month"] = _ts(out["month"])
    return out


@lru_cache(maxsize=1)
def _dementia() -> pd.DataFrame:
    d = perf.dementia_diagnosis_rate()
    d = d[(d["org_type"] == "ICB") | (d["ods_code"] == "ENG")].copy()
    d["month"] = _ts(d["month"])
    return d


@lru_cache(maxsize=1)
def _ambulance() -> pd.DataFrame:
    a = perf.ambsys_response_times_2017_2021()
    a = a[a["category"] == "C2"].copy()
    a["month"] = _ts(a["month"])
    a["value"] = a["total_response_time_s"] / a["incidents"] / 60
    return a


@lru_cache(maxsize=1)
def _qof_hyp() -> pd.DataFrame:
    from ..load.primary_care import qof_icb

    q = qof_icb()
    q = q[q["indicator_code"].isin(["HYP008", "HYP009"])]
    out = q.groupby(["org_code", "org_name"], as_index=False)[["numerator", "denominator_incl_pcas",
                                                                 "denominator", "pcas"]].sum()
    out["value"] = 100 * out["numerator"] / out["denominator_incl_pcas"]
    return out


@lru_cache(maxsize=1)
def _rtt() -> pd.DataFrame:
    from ..load.waiting import rtt_incomplete

    r = rtt_incomplete()
    return r[r["level"].isin(["icb", "national"])].copy()


# --------------------------------------------------------------------------- one ICB

#: Words kept in capitals when publisher names are title-cased.
_ACRONYMS = {"NHS", "UTC", "UCC", "MIU", "NEMS", "CBS", "WIC", "UCLH"}


def _names(names: pd.Series) -> str:
    def one(name: str) -> str:
        words = []
        for w in str(name).split():
            core = w.strip("()")
            if core.upper() in _ACRONYMS:
                words.append(w.upper())
            elif words and w.lower() in ("and", "of", "the"):
                words.append(w.lower())
            else:
                words.append(w[:1].upper() + w[1:].lower())
        return " ".join(words)

    return "; ".join(sorted({one(n) for n in names}))


def _series_ae(icb: geography.ICB) -> Series:
    t = _ae_series_table()
    s = t[t["icb_code"] == icb.ods_code].sort_values("month")
    data = pd.DataFrame({"month": s["month"], "value": s["value"], "numerator": s["attendances"] - s["over_4h"],
                         "denominator": s["attendances"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = t[(t["icb_code"] == "ENG") & (t["month"] == last)]["value"].iloc[0]
    first_off = s.loc[s["source"] == "official", "month"].min()
    loc = ae_provider_locations()
    mine, lost = loc[loc["icb_code"] == icb.ods_code], loc[loc["icb_code"].isna()]
    from ..load.urgent_care import ae_monthly_providers

    prov = ae_monthly_providers()
    latest = prov[prov["month"] == prov["month"].max()]
    lost_share = latest.loc[latest["org_code"].isin(lost["org_code"]), "attendances"].sum() / latest["attendances"].sum()
    notes = [f"From {_month_label(first_off)} the value is the sum of the A&E providers located in the ICB in NHS "
             f"England's monthly A&E files: {_names(mine['org_name'])}. Earlier months are NHS England's system-level "
             "figures for the ICB (a third-party conversion; its February and March 2025 rows repeat 2024 and are "
             "not used).",
             f"{len(lost)} provider(s) in the monthly files cannot be located in an ICB and are in no ICB's figure "
             f"({_names(lost['org_name'])}; {lost_share:.1%} of England's attendances in "
             f"{_month_label(latest['month'].iloc[0])}). England from {_month_label(first_off)} counts every "
             "provider (NHS England's all-provider figure)."]
    both = ae_official_vs_conversion()
    both = both[both["icb_code"] == icb.ods_code]
    if len(both):
        months = ", ".join(f"{m:%B}" for m in both["month"]) + f" {both['month'].iloc[-1]:%Y}"
        gap = float(both["difference_pp"].abs().max())
        notes.append(f"In the months both sources give correctly ({months}) the sum here "
                     + ("equals NHS England's system-level figure for this ICB." if gap < 0.05 else
                        f"differs from NHS England's system-level figure for this ICB by up to {gap:.1f} "
                        "percentage points: NHS England assigns providers to ICBs itself, and here providers "
                        "are placed as described above."))
    return Series(MEASURES["ae_4h"], data, f"{icb.short_name} ICB (A&E providers located in the ICB)",
                  _month_label(last), float(eng), notes)


def _series_ambulance(icb: geography.ICB) -> Series:
    a = _ambulance()
    s = a[(a["level"] == "region") & (a["org_code"] == icb.region_ods_code)].sort_values("month")
    services = a[(a["level"] == "service") & (a["region"] == icb.region_ods_code)]
    names = sorted(services["org_name"].str.title().str.replace("Nhs", "NHS").str.replace("Of", "of").unique())
    data = pd.DataFrame({"month": s["month"], "value": s["value"], "numerator": s["total_response_time_s"],
                         "denominator": s["incidents"]}).reset_index(drop=True)
    last = data["month"].max()
    e = a[(a["level"] == "national") & (a["month"] == last)]
    note = (f"Ambulance data in this edition end in {_month_label(last)}, before the 2023/24 objective "
            f"period; shown as context. Ambulance services are not split by ICB: the value is for the "
            f"{icb.region_name} region ({'; '.join(names)}).")
    return Series(MEASURES["ambulance_c2"], data, f"{icb.region_name} region ambulance services",
                  _month_label(last), float(e["value"].iloc[0]), [note], context_only=True)


def _series_beds(icb: geography.ICB) -> Series:
    grp, used = _beds_icb()
    s = grp[grp["icb_code"] == icb.ods_code].sort_values("month")
    trusts = used[used["icb_code"] == icb.ods_code]
    names = "; ".join(sorted(trusts["trust_name"].fillna(trusts["nhs_trust22_code"]).str.title()
                             .str.replace("Nhs", "NHS").unique()))
    data = pd.DataFrame({"month": s["month"], "value": s["value"], "numerator": s["occupied"],
                         "denominator": s["available"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = grp[(grp["icb_code"] == "ENG") & (grp["month"] == last)]["value"].iloc[0]
    return Series(MEASURES["beds_ga"], data, f"acute trusts in the ICB: {names}", _month_label(last), float(eng),
                  ["Trusts are grouped by the ICB they are located in, reconstructed from the WLMDS provider "
                   "rows; occupancy is recomputed from summed beds, so it can differ from a trust's published rate."])


def _series_rtt(icb: geography.ICB) -> Series:
    r = _rtt()
    s = r[(r["level"] == "icb") & (r["org_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame({"month": s["month"], "value": s["over_65_weeks"].astype(float)}).reset_index(drop=True)
    last = data["month"].max()
    eng = r[(r["level"] == "national") & (r["month"] == last)]["over_65_weeks"].iloc[0]
    notes = ["Community-service pathways left RTT in February 2024 (series break); SPC limits are recalculated "
             "from then.",
             "Where the number waiting fell steeply, process limits are wide: read the run of points as well as "
             "the limits."]
    if bool(s["former_org"].any()):
        notes.append(f"This ICB closed on 1 April 2026; its RTT series ends in {_month_label(last)}.")
    from ..load.waiting import RTT_SERIES_BREAK

    after = data["month"] >= RTT_SERIES_BREAK
    rebase = [data.loc[after, "month"].iloc[0]] if after.any() and not after.all() else []
    return Series(MEASURES["rtt_65w"], data, f"{icb.short_name} ICB (as commissioner)", _month_label(last),
                  float(eng), notes, rebase=rebase)


def _series_cwt(icb: geography.ICB, standard: str, key: str) -> Series:
    c = _cwt()
    c = c[c["standard"] == standard]
    if standard == "CMB62":
        c = c[c["month"] >= pd.Timestamp("2023-10-01")]  # standard redefined in October 2023
    s = c[(c["level"] == "icb") & (c["org_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame({"month": s["month"], "value": 100 * s["performance"], "numerator": s["within_standard"],
                         "denominator": s["total"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = 100 * c[(c["level"] == "national") & (c["month"] == last)]["performance"].iloc[0]
    notes = []
    if standard == "CMB62":
        notes.append("The 62-day standard was redefined in October 2023; the series starts then. The objective "
                     "is the number waiting over 62 days (the backlog), which is not in this edition.")
    if last < c["month"].max():
        notes.append(f"This ICB's code ends in {_month_label(last)} (ICBs merged in April 2026).")
    return Series(MEASURES[key], data, f"{icb.short_name} ICB (as commissioner)", _month_label(last), float(eng),
                  notes)


def _series_gp(icb: geography.ICB, key: str) -> Series:
    g = _gpad_icb()
    s = g[g["icb_ons_code"].isin([icb.ons_code, icb.ons_code_2022])].sort_values("month")
    col = "pct_within_2w" if key == "gp_2weeks" else "appointments"
    data = pd.DataFrame({"month": s["month"], "value": s[col].astype(float)}).reset_index(drop=True)
    if key == "gp_2weeks":
        data["numerator"], data["denominator"] = s["a_within"].to_numpy(), s["a_known"].to_numpy()
    last = data["month"].max()
    eng = g[(g["icb_ons_code"] == "ENG") & (g["month"] == last)][col].iloc[0]
    notes = ["No numeric national target for the ICB: read the SPC chart for change."]
    if key == "gp_2weeks":
        notes.append("Appointments with an unknown booking interval are left out of the denominator.")
    return Series(MEASURES[key], data, f"GP practices in {icb.short_name} ICB", _month_label(last), float(eng),
                  notes)


def _series_iapt(icb: geography.ICB) -> Series:
    t = _iapt_icb()
    s = t[t["icb_ods_code"] == icb.ods_code].sort_values("month")
    gaps = s[s["value"].isna()]
    s = s.dropna(subset=["value"])
    data = pd.DataFrame({"month": s["month"], "value": s["value"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = t[(t["icb_ods_code"] == "ENG") & (t["month"] == last)]["value"].iloc[0]
    notes = ["Data in this edition cover July 2022 to May 2023 only. No ICB-level numeric target here."]
    if len(gaps):
        notes.append(f"{len(gaps)} month(s) left out because a sub-ICB count was suppressed.")
    return Series(MEASURES["iapt_access"], data, f"{icb.short_name} ICB (sub-ICB locations summed)",
                  _month_label(last), float(eng), notes)


def _series_dementia(icb: geography.ICB) -> Series:
    d = _dementia()
    s = d[(d["org_type"] == "ICB") & (d["ods_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame({"month": s["month"], "value": s["diagnosis_rate"], "numerator": s["recorded"],
                         "denominator": s["estimated"], "lower_ci": s["lower_ci"],
                         "upper_ci": s["upper_ci"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = d[(d["ods_code"] == "ENG") & (d["month"] == last)]["diagnosis_rate"].iloc[0]
    return Series(MEASURES["dementia"], data, f"GP practices in {icb.short_name} ICB", _month_label(last),
                  float(eng), ["Estimated prevalence is modelled, so the published rate has a wide "
                               "confidence interval."])


def _series_hypertension(icb: geography.ICB) -> Series:
    q = _qof_hyp()
    s = q[q["org_code"] == icb.ods_code]
    data = pd.DataFrame({"month": [pd.Timestamp("2025-03-01")], "value": s["value"].to_numpy(),
                         "numerator": s["numerator"].to_numpy(), "denominator": s["denominator_incl_pcas"].to_numpy()})
    eng = q[q["org_code"] == "ENG"]["value"].iloc[0]
    return Series(MEASURES["hypertension"], data, f"GP practices in {icb.short_name} ICB", "2024-25 (year)",
                  float(eng), ["One annual value (QOF 2024-25): no SPC reading is possible. CVDPREVENT, the "
                               "audit behind the 77% ambition, counts slightly differently."])


def _build(icb: geography.ICB, key: str) -> Series:
    if key == "ae_4h":
        return _series_ae(icb)
    if key == "ambulance_c2":
        return _series_ambulance(icb)
    if key == "beds_ga":
        return _series_beds(icb)
    if key == "rtt_65w":
        return _series_rtt(icb)
    if key == "cancer_fds":
        return _series_cwt(icb, "FDS28", key)
    if key == "cancer_62":
        return _series_cwt(icb, "CMB62", key)
    if key in ("gp_2weeks", "gp_appointments"):
        return _series_gp(icb, key)
    if key == "iapt_access":
        return _series_iapt(icb)
    if key == "dementia":
        return _series_dementia(icb)
    if key == "hypertension":
        return _series_hypertension(icb)
    raise KeyError(key)


def measure_series(icb_code: str, key: str) -> Series:
    """One measured objective for one ICB, with its SPC reading (where the series allows one)."""
    icb = geography.find_icb(icb_code)
    s = _build(icb, key)
    if s.data.empty or s.data["value"].isna().any():
        raise ValueError(f"{key} for {icb.ods_code}: missing values in the series")
    if len(s.data) >= MIN_SPC_POINTS:
        s.spc = stats.spc(s.data["value"], periods=list(s.data["month"]),
                          improvement_direction=s.spec.improvement, target=s.spec.target, rebase=s.rebase or None)
    return s


@dataclass
class Scorecard:
    icb: geography.ICB
    table: pd.DataFrame  # one row per objective (31)
    series: dict[str, Series]

    @property
    def n_measured(self) -> int:
        return int(self.table["measured"].sum())

    @property
    def n_with_target(self) -> int:
        return int(self.table["met"].notna().sum())

    @property
    def n_met(self) -> int:
        return int((self.table["met"] == True).sum())  # noqa: E712


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "minutes":
        return f"{value:.1f} min"
    return f"{value:,.0f}"


def scorecard(icb_code: str) -> Scorecard:
    """The 31 objectives for one ICB: measured rows with latest value, England, met or not and the
    SPC reading; the rest as "not measured in this edition" with the source that would measure them."""
    icb = geography.find_icb(icb_code)
    series = {k: measure_series(icb.ods_code, k) for k in MEASURES}
    rows = []
    for o in OBJECTIVES.itertuples():
        base = {"no": o.no, "area": o.area, "objective": o.objective, "target": o.target_text}
        s = series.get(o.measure) if isinstance(o.measure, str) else None
        if s is None:
            rows.append(base | {"measure": None, "measured": False, "measured_for": "–", "period": "–",
                                "value": np.nan, "value_text": "Not measured in this edition",
                                "england": np.nan, "england_text": "–", "met": None, "met_text": "–",
                                "variation": None, "variation_type": None, "variation_text": "–", "assurance": None,
                                "assurance_text": "–", "source": o.source})
            continue
        met = s.met
        var = s.spc.variation if s.spc else None
        ass = s.spc.assurance if s.spc else None
        rows.append(base | {
            "measure": s.spec.key, "measured": True, "measured_for": s.measured_for, "period": s.period_label,
            "value": s.latest, "value_text": _fmt(s.latest, s.spec.unit),
            "england": s.england, "england_text": _fmt(s.england, s.spec.unit) if s.england is not None else "–",
            "met": met,
            "met_text": ("Not assessed: data end before 2023/24" if s.context_only else "No numeric target")
            if met is None else ("✔ Met" if met else "✖ Not met"),
            "variation": var,
            "variation_type": s.spc.variation_type if s.spc else None,
            "variation_text": f"{VARIATION_ICON[var]} {VARIATION_WORDS[var]}" if var else "Too few points for SPC",
            "assurance": ass,
            "assurance_text": ASSURANCE_WORDS[ass] if ass else "–",
            "source": o.source,
        })
    return Scorecard(icb, pd.DataFrame(rows), series)


# --------------------------------------------------------------------------- all ICBs

def icb_comparison() -> pd.DataFrame:
    """Latest value of each by-ICB measure for all 42 ICBs and England, same period for all.

    Columns: measure, label, unit, improvement, target, period, icb_ods_code, icb_name, value,
    rank (1 = best among the ICBs with a value), n_ranked, is_england.
    """
    icbs = geography.all_icbs()
    by_ons = {i.ons_code_2022: i for i in icbs} | {i.ons_code: i for i in icbs}
    by_ods = {i.ods_code: i for i in icbs}
    frames = []

    def add(key: str, df: pd.DataFrame, code_col: str, lookup: dict, period: str):
        df = df[[code_col, "value"]].rename(columns={code_col: "code"}).copy()
        df["icb_ods_code"] = df["code"].map(lambda c: "ENG" if c == "ENG" else getattr(lookup.get(c), "ods_code", None))
        df = df.dropna(subset=["icb_ods_code"])
        df["measure"], df["period"] = key, period
        frames.append(df.drop(columns="code"))

    ae = _ae_series_table()
    last = ae["month"].max()
    add("ae_4h", ae[ae["month"] == last], "icb_code", by_ods, _month_label(last))

    grp, _ = _beds_icb()
    last = grp["month"].max()
    add("beds_ga", grp[grp["month"] == last], "icb_code", by_ods, _month_label(last))

    r = _rtt()
    last = pd.Timestamp("2026-03-01") if (r["month"] == pd.Timestamp("2026-03-01")).any() else r["month"].max()
    rr = r[(r["month"] == last)].assign(value=lambda d: d["over_65_weeks"].astype(float))
    rr["code"] = np.where(rr["level"] == "national", "ENG", rr["org_code"])
    add("rtt_65w", rr, "code", by_ods, _month_label(last))

    c = _cwt()
    for std, key in (("FDS28", "cancer_fds"), ("CMB62", "cancer_62")):
        cc = c[c["standard"] == std]
        present = cc[(cc["level"] == "icb") & cc["org_code"].isin(list(by_ods))].groupby("month")["org_code"].nunique()
        last = present[present == len(by_ods)].index.max()  # latest month with all 42 ICBs (before the 2026 merger)
        cc = cc[cc["month"] == last].assign(value=lambda d: 100 * d["performance"])
        cc["code"] = np.where(cc["level"] == "national", "ENG", cc["org_code"])
        add(key, cc[cc["level"] != "provider"], "code", by_ods, _month_label(last))

    g = _gpad_icb()
    last = g["month"].max()
    add("gp_2weeks", g[g["month"] == last].assign(value=lambda d: d["pct_within_2w"]), "icb_ons_code", by_ons,
        _month_label(last))

    d = _dementia()
    last = d["month"].max()
    dd = d[d["month"] == last].assign(value=lambda x: x["diagnosis_rate"])
    dd["code"] = np.where(dd["ods_code"] == "ENG", "ENG", dd["ods_code"])
    add("dementia", dd, "code", by_ods, _month_label(last))

    q = _qof_hyp()
    add("hypertension", q, "org_code", by_ods, "2024-25")

    out = pd.concat(frames, ignore_index=True)
    out["is_england"] = out["icb_ods_code"] == "ENG"
    names = {i.ods_code: i.short_name for i in icbs} | {"ENG": "England"}
    out["icb_name"] = out["icb_ods_code"].map(names)
    for col in ("label", "unit", "improvement", "target"):
        out[col] = out["measure"].map(lambda k, c=col: getattr(MEASURES[k], c))
    icb_rows = ~out["is_england"]
    asc = out["improvement"].eq("decrease")
    out["rank"] = np.nan
    for key, idx in out[icb_rows].groupby("measure").groups.items():
        sub = out.loc[idx]
        out.loc[idx, "rank"] = sub["value"].rank(ascending=bool(asc.loc[idx].iloc[0]), method="min")
    out["n_ranked"] = out.groupby("measure")["rank"].transform("count")
    return out[["measure", "label", "unit", "improvement", "target", "period", "icb_ods_code", "icb_name",
                "value", "rank", "n_ranked", "is_england"]]


# --------------------------------------------------------------------------- headline figures

#: Plausible ranges of the headline figures (checked for every ICB in CI).
HEADLINE_RANGES = {
    "n_objectives": (31, 31), "n_measured": (5, 31), "n_with_target": (1, 31), "n_met": (0, 31),
    "ae_4h_pct": (40, 100), "ambulance_c2_minutes": (5, 120), "beds_ga_pct": (60, 110),
    "rtt_over_65_weeks": (0, 50_000), "cancer_62_pct": (30, 100), "cancer_fds_pct": (40, 100),
    "gp_within_2_weeks_pct": (50, 100), "gp_appointments": (50_000, 5_000_000),
    "iapt_access": (100, 20_000), "dementia_pct": (30, 100), "hypertension_pct": (40, 100),
}

_HEADLINE_KEYS = {
    "ae_4h": "ae_4h_pct", "ambulance_c2": "ambulance_c2_minutes", "beds_ga": "beds_ga_pct",
    "rtt_65w": "rtt_over_65_weeks", "cancer_62": "cancer_62_pct", "cancer_fds": "cancer_fds_pct",
    "gp_2weeks": "gp_within_2_weeks_pct", "gp_appointments": "gp_appointments", "iapt_access": "iapt_access",
    "dementia": "dementia_pct", "hypertension": "hypertension_pct",
}


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """Scorecard summary (objectives measured and met) and the latest value of each measured
    objective, for any of the 42 ICBs. ``imd_version`` is accepted for a uniform interface (the
    scorecard does not use deprivation)."""
    sc = scorecard(icb_code)
    out: dict[str, float] = {
        "n_objectives": float(len(sc.table)),
        "n_measured": float(sc.n_measured),
        "n_with_target": float(sc.n_with_target),
        "n_met": float(sc.n_met),
    }
    for key, s in sc.series.items():
        out[_HEADLINE_KEYS[key]] = s.latest
    return out


# --------------------------------------------------------------------------- figures

def _value_axis_label(spec: MeasureSpec) -> str:
    return {"%": "Per cent", "minutes": "Minutes", "count": "Number"}[spec.unit]


def spc_figure(series: list[Series], ncols: int = 2):
    """Small multiples of XmR charts (Making Data Count): points marked by special cause
    (improvement / concern / common cause, by colour *and* marker shape), mean, process limits
    and the target. A series too short for SPC is drawn as a plain line, labelled so."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from .. import figures

    n = len(series)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.9 * nrows), squeeze=False)
    for ax, s in zip(axes.ravel(), series):
        d = s.data
        if s.spc is not None:
            # the target is drawn with the chart; its value goes in the line above the chart,
            # where it can never cover a point
            figures.plot_spc(s.spc, ax=ax, label_targets=False, legend=False, marker_size=22)
            reading = VARIATION_WORDS[s.spc.variation]
            if s.spc.assurance:
                reading += "; " + ASSURANCE_WORDS[s.spc.assurance].lower()
        else:
            ax.plot(d["month"], d["value"], color=figures.NHS_BLUE, marker="o", ms=3, lw=1)
            reading = f"{len(d)} point(s): too few for SPC"
        if s.spec.target is not None:
            if s.spc is None:
                ax.axhline(s.spec.target, color=figures.NHS_RED, lw=1.2, ls=":", zorder=0)
            reading += f" (target {_fmt(s.spec.target, s.spec.unit)}, dotted line)"
        ax.text(0, 1.0, reading, transform=ax.transAxes, fontsize=7.5, va="bottom", color=figures.NHS_DARK_GREY)
        ax.set_title(s.spec.label + "\n", fontsize=10, loc="left")
        ax.set_ylabel(_value_axis_label(s.spec), fontsize=8.5)
        span = (d["month"].max() - d["month"].min()).days / 30.4
        step = next(m for m in (1, 3, 6, 12, 24) if span / m <= 6)
        loc = mdates.MonthLocator(bymonth=range(1, 13, min(step, 12))) if step <= 12 else mdates.YearLocator(2)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
        ax.tick_params(labelsize=8)
        if s.spec.unit == "%":
            figures.percent_axis(ax)
        else:
            figures.count_axis(ax)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    handles = figures.spc_legend_handles()
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    with warnings.catch_warnings():  # AutoDateLocator complains about short (11-month) ranges
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def comparison_figure(comp: pd.DataFrame, icb: geography.ICB, measures: list[str], ncols: int = 2):
    """For each measure, the 42 ICBs in rank order (best on the left), the chosen ICB highlighted
    (colour, larger marker and a label), England as a dashed line, the target as a dotted line."""
    import matplotlib.pyplot as plt

    from .. import figures

    n = len(measures)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.9 * nrows), squeeze=False)
    for ax, key in zip(axes.ravel(), measures):
        c = comp[comp["measure"] == key]
        spec = MEASURES[key]
        icbs = c[~c["is_england"]].sort_values("rank")
        ax.scatter(icbs["rank"], icbs["value"], color=figures.CONTEXT, s=14, label="Other ICBs")
        me = icbs[icbs["icb_ods_code"] == icb.ods_code]
        if not me.empty:
            ax.scatter(me["rank"], me["value"], color=figures.HIGHLIGHT, marker="D", s=46, zorder=3,
                       label=icb.short_name)
            rk, nr = int(me["rank"].iloc[0]), int(me["n_ranked"].iloc[0])
            # The label goes in the corner the ranked dots leave empty (top right when values fall
            # with rank, top left when they rise), with an arrow to the ICB, so it never sits on
            # the other ICBs' dots or the England line.
            falling = float(icbs["value"].iloc[0]) >= float(icbs["value"].iloc[-1])
            ax.annotate(f"{icb.short_name}: {_fmt(me['value'].iloc[0], spec.unit)} ({rk} of {nr})",
                        xy=(rk, me["value"].iloc[0]), xytext=(0.98 if falling else 0.02, 0.95),
                        textcoords="axes fraction", fontsize=8, ha="right" if falling else "left", va="top",
                        color=figures.HIGHLIGHT,
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9),
                        arrowprops=dict(arrowstyle="-", color=figures.HIGHLIGHT, lw=0.8, shrinkB=5))
        eng = c[c["is_england"]]
        if not eng.empty and spec.unit != "count":  # an England count is not comparable with an ICB's
            ax.axhline(eng["value"].iloc[0], color=figures.NHS_DARK_GREY, ls="--", lw=1, label="England")
        if spec.target is not None:
            ax.axhline(spec.target, color=figures.NHS_RED, ls=":", lw=1.2, label="Target")
        ax.set_title(f"{spec.label}\n{c['period'].iloc[0]}", fontsize=9.5, loc="left")
        ax.set_xlabel("ICBs in rank order (1 = best)", fontsize=8.5)
        ax.tick_params(labelsize=8)
        if spec.unit == "%":
            figures.percent_axis(ax)
        else:
            figures.count_axis(ax)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    h, lab = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


__all__ = [
    "MIN_SPC_POINTS",
    "ae_by_month_official",
    "ae_by_month_text",
    "dementia_edition_change",
    "dementia_edition_text",
    "ae_official_vs_conversion",
    "ae_provider_locations",
    "comparison_figure",
    "spc_figure",
    "ASSURANCE_WORDS",
    "HEADLINE_RANGES",
    "MEASURES",
    "OBJECTIVES",
    "VARIATION_WORDS",
    "Scorecard",
    "Series",
    "headline_figures",
    "icb_comparison",
    "measure_series",
    "scorecard",
]
