"""Chapter 5, the national objectives scorecard: NHS England's national objectives, for one ICB,
read as statistical process control (NHS England's "Making Data Count").

The objectives are data, in ``registry/objectives.yml`` (read through :mod:`analysis.objectives`):
the list the local plans adopt (numbered there), each objective's target by planning year, and the
publication that measures it. This module computes the measures it can from the data mirror
(:data:`MEASURES`) and, for each,

* judges the latest value against the objective **in force for that period**
  (:func:`analysis.objectives.objective_in_force`; :func:`analysis.claims.target_status`), and
  says plainly when the registry has no objective for that period;
* reads the series as an XmR chart (:func:`analysis.stats.spc`): the variation of the latest
  point (:func:`analysis.claims.change_from_spc`) and the assurance against the objective in force
  (:func:`analysis.claims.spc_assurance`);
* marks data older than their publication frequency allows as out of date at the build's
  reference date (:func:`analysis.claims.currency`); those get no assurance reading.

:func:`build` makes everything the notebook shows and glues its words and numbers;
:func:`claims` gives every data-dependent word (for the claims audit); :func:`headline_figures`
the key numbers (``registry/headlines/scorecard.yml``). :func:`scorecard` (one ICB) and
:func:`icb_comparison` (all 42 ICBs, one period each) are the tables behind them.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import claims as C
from .. import geography, objectives, sources, stats
from ..load import performance as perf
from ..load.urgent_care import ae_provider_locations
from ..report import Chapter, esc, fmt, ordinal, org_name, plural
from ..stats.spc import ASSURANCE_WORDS, VARIATION_WORDS

CHAPTER = "scorecard"

#: Making Data Count advises at least 12 (ideally 15-20) points before reading SPC limits.
MIN_SPC_POINTS = 12

# --------------------------------------------------------------------------- the measures


@dataclass(frozen=True)
class MeasureSpec:
    """A measure the book computes. Label, unit and better direction are the objectives registry's
    (one place); here: which dataset dates it, the publication and how it is computed."""

    key: str
    dataset: str  # the manifest dataset whose publication frequency says when the data are out of date
    source: str  # the publication, for captions and tables
    what: str  # how the value is computed, in words

    @property
    def info(self) -> objectives.MeasureInfo:
        return objectives.measure_info(self.key)

    @property
    def label(self) -> str:
        return self.info.label

    @property
    def unit(self) -> str:
        return self.info.unit

    @property
    def polarity(self) -> str:
        return self.info.polarity

    @property
    def improvement(self) -> str:
        """The better direction in :func:`analysis.stats.spc`'s words."""
        return {"higher_is_better": "increase", "lower_is_better": "decrease"}.get(self.polarity, "neutral")

    @property
    def frequency(self) -> str:
        return str(sources.dataset_meta(self.dataset)["frequency"])


MEASURES: dict[str, MeasureSpec] = {
    m.key: m
    for m in [
        MeasureSpec(
            "ae_4h",
            "ae_monthly_official",
            "NHS England, A&E Attendances and Emergency Admissions",
            "all A&E attendances at the providers located in the ICB, 100 x (1 - attendances over "
            "4 hours / attendances): summed from NHS England's monthly A&E files where they exist, "
            "NHS England's system-level ICB figures (a third-party conversion) for earlier months",
        ),
        MeasureSpec(
            "ambulance_c2",
            "ambsys_response_times_2017_2021",
            "NHS England, Ambulance Quality Indicators (AmbSYS)",
            "total category 2 response time / incidents for the ICB's NHS region (ambulance services "
            "are not split by ICB)",
        ),
        MeasureSpec(
            "beds_ga",
            "bed_occupancy",
            "NHS England, general and acute bed occupancy situation reports",
            "adult general and acute beds occupied / available, summed over the acute trusts located in the ICB",
        ),
        MeasureSpec(
            "rtt_65w",
            "rtt_incomplete",
            "NHS England, Referral to Treatment waiting times",
            "incomplete referral to treatment pathways waiting over 65 weeks, the ICB as commissioner",
        ),
        MeasureSpec(
            "cancer_fds",
            "cancer_waiting_times",
            "NHS England, Cancer Waiting Times",
            "share told their diagnosis (or that cancer was ruled out) within 28 days, the ICB as commissioner",
        ),
        MeasureSpec(
            "cancer_62",
            "cancer_waiting_times",
            "NHS England, Cancer Waiting Times",
            "share starting treatment within 62 days of referral (combined standard), the ICB as commissioner",
        ),
        MeasureSpec(
            "gp_2weeks",
            "gp_appointments",
            "NHS England, Appointments in General Practice",
            "appointments 0-14 days after booking / appointments with a known booking interval, practices in the ICB",
        ),
        MeasureSpec(
            "gp_appointments",
            "gp_appointments",
            "NHS England, Appointments in General Practice",
            "all appointments in general practice (all statuses, staff and modes), practices in the ICB",
        ),
        MeasureSpec(
            "iapt_access",
            "talking_therapies",
            "NHS England, NHS Talking Therapies monthly statistics",
            "referrals accessing services (first treatment) in the month, summed over the ICB's "
            "sub-ICB locations (counts rounded to 5)",
        ),
        MeasureSpec(
            "dementia",
            "dementia_diagnosis_rate",
            "NHS England, Primary Care Dementia Data",
            "recorded diagnoses / estimated prevalence, people aged 65 or over, GP practices in the ICB (as published)",
        ),
        MeasureSpec(
            "hypertension",
            "qof_2425_icb",
            "NHS England, Quality and Outcomes Framework",
            "patients on GP hypertension registers whose latest blood pressure is at or below the NICE "
            "threshold for their age (140/90 mmHg aged 79 or under, 150/90 mmHg aged 80 or over), "
            "patients with a personalised care adjustment counted as not treated to target",
        ),
    ]
}

#: The two groups of SPC charts, in page order.
SECTIONS = {
    "spc_uec_elective_cancer": ("ae_4h", "ambulance_c2", "beds_ga", "rtt_65w", "cancer_fds", "cancer_62"),
    "spc_primary_care_mental_health": ("gp_2weeks", "gp_appointments", "iapt_access", "dementia"),
}
#: Measures compared across the 42 ICBs (one value each for the same period).
COMPARED = ("ae_4h", "beds_ga", "rtt_65w", "cancer_fds", "cancer_62", "gp_2weeks", "dementia", "hypertension")

#: A text symbol per kind of variation, so the table never rests on colour: ▲ improvement,
#: ▼ concern, ◆ neither, ● common cause.
VARIATION_ICON = {
    "improvement_high": "▲",
    "improvement_low": "▲",
    "concern_high": "▼",
    "concern_low": "▼",
    "neutral_high": "◆",
    "neutral_low": "◆",
    "common_cause": "●",
}
#: Symbol and word for the status against the objective in force (claims.target_status codes).
MET_TEXT = {"met": "✔ Met", "missed": "✖ Missed", "not_yet_met": "✖ Not yet met", "no_target": "– Not judged"}
_MET_WORDS = {"met": "met", "missed": "missed", "not_yet_met": "not yet met", "no_target": "not judged"}


def _month_label(m: pd.Timestamp) -> str:
    return f"{pd.Timestamp(m):%B %Y}"


def _ts(month: pd.Series) -> pd.Series:
    return pd.to_datetime(month.astype(str).str[:7] + "-01")


def _month_end(m: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(m) + pd.offsets.MonthEnd(0)


def _reference_date(reference_date: object) -> pd.Timestamp:
    """The build's reference date ("YYYY-MM-01"); "" or None (a run by hand) means the first day of
    this month."""
    if reference_date in ("", None):
        return pd.Timestamp(dt.date.today().replace(day=1))
    return objectives.as_date(reference_date, "reference_date", C.ClaimInputError)


# --------------------------------------------------------------------------- national tables (cached)


@sources.remembered(maxsize=1, national=True)
def _ae_icb() -> pd.DataFrame:
    df = perf.ae_attendances("icb")
    df["month"] = _ts(df["month"])
    return df


@sources.remembered(maxsize=1, national=True)
def _ae_providers() -> pd.DataFrame:
    """Every provider-month of NHS England's monthly A&E files (read once per process)."""
    from ..load.urgent_care import ae_monthly_providers

    return ae_monthly_providers()


@sources.remembered(maxsize=1, national=True)
def _ae_official_icb() -> pd.DataFrame:
    """Attendances and 4-hour waits summed over the providers located in each ICB (ODS code) and
    over every provider for England ("ENG"), for each month of the official monthly files."""
    prov = _ae_providers().merge(ae_provider_locations()[["org_code", "icb_code"]], on="org_code", how="left")
    sums = {
        "attendances": ("attendances", "sum"),
        "over_4h": ("over_4h", "sum"),
        "n_providers": ("org_code", "nunique"),
    }
    icb = prov.dropna(subset=["icb_code"]).groupby(["icb_code", "month"], as_index=False).agg(**sums)
    eng = prov.groupby("month", as_index=False).agg(**sums).assign(icb_code="ENG")
    out = pd.concat([icb, eng], ignore_index=True)
    out["source"] = "official"
    return out


@sources.remembered(maxsize=1, national=True)
def _ae_conversion_icb() -> pd.DataFrame:
    """The conversion's ICB rows with ODS codes, without the months that repeat earlier months."""
    conv = _ae_icb()
    ons_to_ods = {i.ons_code_2022: i.ods_code for i in geography.all_icbs()}
    copied = {pd.Timestamp(f"{m}-01") for m, _ in _copied_conversion_months()}
    c = conv[~conv["month"].isin(copied)]
    return pd.DataFrame(
        {
            "icb_code": c["icb22_code"].map(ons_to_ods),
            "month": c["month"],
            "attendances": c["total_attendances"],
            "over_4h": c["attendances_over_4hours"],
            "source": "conversion",
        }
    )


@sources.remembered(maxsize=1, national=True)
def _copied_conversion_months() -> tuple[tuple[str, str], ...]:
    """(month, the earlier month it repeats) for the conversion's copied ICB months."""
    from ..load.urgent_care import repeated_months_in_conversion

    return tuple(repeated_months_in_conversion("icb"))


@sources.remembered(maxsize=1, national=True)
def _ae_series_table() -> pd.DataFrame:
    """ICB x month 4-hour performance: the official monthly files' sums from their first month on,
    the conversion's system-level rows before (never its copied months). England before the official
    files is the sum of the 42 ICBs."""
    off = _ae_official_icb()
    conv = _ae_conversion_icb()
    conv = conv[conv["month"] < off["month"].min()]
    eng = (
        conv.groupby("month", as_index=False)[["attendances", "over_4h"]]
        .sum()
        .assign(icb_code="ENG", source="conversion")
    )
    out = pd.concat([conv, eng, off.drop(columns="n_providers")], ignore_index=True)
    out["value"] = 100 * (1 - out["over_4h"] / out["attendances"])
    return out.sort_values(["icb_code", "month"], ignore_index=True)


@sources.remembered(maxsize=1, national=True)
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
    return j[
        ["icb_code", "month", "attendances", "attendances_conversion", "value", "value_conversion", "difference_pp"]
    ].sort_values(["icb_code", "month"], ignore_index=True)


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
    t = pd.DataFrame(
        {
            "icb": mine["value"],
            "england": eng.reindex(mine.index),
            "attendances": mine["attendances"],
            "n_providers": mine["n_providers"],
        }
    ).reset_index()
    res = None
    if len(t) >= MIN_SPC_POINTS:
        last = objectives.objective_in_force("ae_4h", _month_end(t["month"].iloc[-1])).objective
        res = stats.spc(
            t["icb"],
            periods=list(t["month"]),
            improvement_direction=MEASURES["ae_4h"].improvement,
            target=last.target if last is not None and last.has_target else None,
        )
    return t, res


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
    return {
        "latest_month": pd.Timestamp(latest),
        "previous_month": pd.Timestamp(prev) if prev is not None else None,
        "icb_latest": float(mine[latest]),
        "icb_previous": float(mine[prev]) if prev is not None else None,
        "england_latest": float(eng[latest]),
        "england_previous": float(eng[prev]) if prev is not None else None,
    }


@sources.remembered(maxsize=1, national=True)
def _cwt() -> pd.DataFrame:
    df = perf.cancer_waiting_times()
    df["month"] = _ts(df["month"])
    return df


@sources.remembered(maxsize=1, national=True)
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
    grp = (
        beds.dropna(subset=["icb_code"])
        .groupby(["icb_code", "month"], as_index=False)
        .agg(
            occupied=("adult_general_acute_beds_occupied", "sum"),
            available=("adult_general_acute_beds_available", "sum"),
            n_trusts=("nhs_trust22_code", "nunique"),
        )
    )
    eng = beds.groupby("month", as_index=False).agg(
        occupied=("adult_general_acute_beds_occupied", "sum"), available=("adult_general_acute_beds_available", "sum")
    )
    eng["icb_code"] = "ENG"
    out = pd.concat([grp, eng], ignore_index=True)
    out["value"] = 100 * out["occupied"] / out["available"]
    return out, used.merge(
        trusts[["trust_code", "trust_name"]], left_on="nhs_trust22_code", right_on="trust_code", how="left"
    )


@sources.remembered(maxsize=1, national=True)
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


@sources.remembered(maxsize=1, national=True)
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
        value=("value", lambda s: s.sum() if s.notna().all() else np.nan), n_suppressed=("suppressed", "sum")
    )
    eng = tt.groupby("month", as_index=False).agg(value=("value", "sum"), n_suppressed=("suppressed", "sum"))
    eng["icb_ods_code"] = "ENG"
    out = pd.concat([out, eng], ignore_index=True)
    out["month"] = _ts(out["month"])
    return out


@sources.remembered(maxsize=1, national=True)
def _dementia() -> pd.DataFrame:
    d = perf.dementia_diagnosis_rate()
    d = d[(d["org_type"] == "ICB") | (d["ods_code"] == "ENG")].copy()
    d["month"] = _ts(d["month"])
    return d


@sources.remembered(maxsize=1, national=True)
def _ambulance() -> pd.DataFrame:
    a = perf.ambsys_response_times_2017_2021()
    a = a[a["category"] == "C2"].copy()
    a["month"] = _ts(a["month"])
    a["value"] = a["total_response_time_s"] / a["incidents"] / 60
    return a


@sources.remembered(maxsize=1, national=True)
def _qof_hyp() -> pd.DataFrame:
    """QOF blood pressure indicators for people with hypertension (HYP008: aged 79 or under, at or
    below 140/90 mmHg; HYP009: aged 80 or over, at or below 150/90 mmHg) summed, by ICB and England,
    with the QOF year ("2024-25")."""
    from ..load.primary_care import qof_icb

    q = qof_icb()
    q = q[q["indicator_code"].isin(["HYP008", "HYP009"])]
    out = q.groupby(["org_code", "org_name", "period"], as_index=False)[
        ["numerator", "denominator_incl_pcas", "denominator", "pcas"]
    ].sum()
    out["value"] = 100 * out["numerator"] / out["denominator_incl_pcas"]
    return out


def _financial_year_end(period: str) -> pd.Timestamp:
    """The first day of the last month of a financial year written "2024-25" or "2024/25" (March 2025)."""
    text = str(period).strip()
    if len(text) != 7 or not text[:4].isdigit() or text[4] not in "-/" or not text[5:].isdigit():
        raise ValueError(f"QOF period {period!r}: expected a financial year such as '2024-25'")
    return pd.Timestamp(f"{int(text[:4]) + 1}-03-01")


@sources.remembered(maxsize=1, national=True)
def _rtt() -> pd.DataFrame:
    from ..load.waiting import rtt_incomplete

    r = rtt_incomplete()
    return r[r["level"].isin(["icb", "national"])].copy()


# --------------------------------------------------------------------------- one measure, one ICB


@dataclass
class Series:
    """One measure for one ICB: its monthly (or annual) series, context, the objective in force for
    its latest period and the readings that do not depend on the build's date."""

    spec: MeasureSpec
    data: pd.DataFrame  # month (start of the period), value; numerator/denominator where they exist; source
    measured_for: str  # the organisation(s) the value is for, in words
    england: float  # England's value for the same period
    notes: list[str] = field(default_factory=list)
    #: months from which SPC limits are recalculated (a change in what the series counts)
    rebase: list[pd.Timestamp] = field(default_factory=list)
    #: the first month from a different source (drawn as a break in the chart's line)
    source_change: pd.Timestamp | None = None
    annual: bool = False
    in_force: objectives.InForce | None = None
    spc: stats.SPCResult | None = None
    met: C.Claim | None = None
    change: C.Claim | None = None

    @property
    def latest(self) -> float:
        return float(self.data["value"].iloc[-1])

    @property
    def latest_month(self) -> pd.Timestamp:
        return pd.Timestamp(self.data["month"].iloc[-1])

    @property
    def period_end(self) -> pd.Timestamp:
        return _month_end(self.latest_month)

    @property
    def period_label(self) -> str:
        if self.annual:
            return f"the year to {_month_label(self.latest_month)}"
        return _month_label(self.latest_month)

    @property
    def previous(self) -> tuple[float, str] | None:
        if len(self.data) < 2:
            return None
        return float(self.data["value"].iloc[-2]), _month_label(self.data["month"].iloc[-2])

    @property
    def objective(self) -> objectives.Objective | None:
        return self.in_force.objective if self.in_force else None

    @property
    def target(self) -> float | None:
        o = self.objective
        return o.target if o is not None and o.has_target else None


def _series_ae(icb: geography.ICB) -> Series:
    t = _ae_series_table()
    s = t[t["icb_code"] == icb.ods_code].sort_values("month")
    data = pd.DataFrame(
        {
            "month": s["month"],
            "value": s["value"],
            "numerator": s["attendances"] - s["over_4h"],
            "denominator": s["attendances"],
            "source": s["source"],
        }
    ).reset_index(drop=True)
    last = data["month"].max()
    eng = t[(t["icb_code"] == "ENG") & (t["month"] == last)]["value"].iloc[0]
    first_off = s.loc[s["source"] == "official", "month"].min()
    loc = ae_provider_locations()
    mine, lost = loc[loc["icb_code"] == icb.ods_code], loc[loc["icb_code"].isna()]
    prov = _ae_providers()
    latest = prov[prov["month"] == prov["month"].max()]
    lost_share = (
        latest.loc[latest["org_code"].isin(lost["org_code"]), "attendances"].sum() / latest["attendances"].sum()
    )
    copied = "; ".join(
        f"{pd.Timestamp(m + '-01'):%B %Y} repeats {pd.Timestamp(e + '-01'):%B %Y}"
        for m, e in _copied_conversion_months()
    )
    notes = [
        f"From {_month_label(first_off)} the value is the sum of the A&E providers located in the ICB in NHS "
        f"England's monthly A&E files: {_names(mine['org_name'])}. Earlier months are NHS England's "
        "system-level figures for the ICB, from a third-party conversion"
        + (f" (its copied months are not used: {copied})." if copied else "."),
        f"{plural(len(lost), 'provider')} in the monthly files cannot be located in an ICB and "
        f"{'is' if len(lost) == 1 else 'are'} in no ICB's figure ({_names(lost['org_name'])}; "
        f"{fmt(100 * lost_share, 'pct')} of England's attendances in {_month_label(latest['month'].iloc[0])}). "
        f"England from {_month_label(first_off)} counts every provider (NHS England's all-provider figure).",
    ]
    both = ae_official_vs_conversion()
    both = both[both["icb_code"] == icb.ods_code]
    if len(both):
        months = ", ".join(f"{m:%B}" for m in both["month"]) + f" {both['month'].iloc[-1]:%Y}"
        gap = float(both["difference_pp"].abs().max())
        notes.append(
            f"In the months both sources give correctly ({months}) the sum here "
            + (
                "equals NHS England's system-level figure for this ICB."
                if gap < 0.05
                else f"differs from NHS England's system-level figure for this ICB by up to "
                f"{fmt(gap, 'pp')}: NHS England assigns providers to ICBs itself, and here providers "
                "are placed as described above."
            )
        )
    change = first_off if (s["source"] == "conversion").any() else None
    return Series(
        MEASURES["ae_4h"],
        data,
        f"A&E providers located in the ICB: {_names(mine['org_name'])}",
        float(eng),
        notes,
        source_change=change,
    )


def _names(names: pd.Series) -> str:
    """Organisation names as published (often in capitals), in reading case, sorted, joined."""
    return "; ".join(sorted({org_name(n) for n in names}))


def _series_ambulance(icb: geography.ICB) -> Series:
    a = _ambulance()
    s = a[(a["level"] == "region") & (a["org_code"] == icb.region_ods_code)].sort_values("month")
    services = a[(a["level"] == "service") & (a["region"] == icb.region_ods_code)]
    data = pd.DataFrame(
        {
            "month": s["month"],
            "value": s["value"],
            "numerator": s["total_response_time_s"],
            "denominator": s["incidents"],
        }
    ).reset_index(drop=True)
    last = data["month"].max()
    e = a[(a["level"] == "national") & (a["month"] == last)]
    note = (
        f"Ambulance services are not split by ICB: the value is for the {icb.region_name} region "
        f"({_names(services['org_name'])}). The ambulance data in this book end in {_month_label(last)}."
    )
    return Series(
        MEASURES["ambulance_c2"],
        data,
        f"{icb.region_name} region ambulance services",
        float(e["value"].iloc[0]),
        [note],
    )


def _series_beds(icb: geography.ICB) -> Series:
    grp, used = _beds_icb()
    s = grp[grp["icb_code"] == icb.ods_code].sort_values("month")
    trusts = used[used["icb_code"] == icb.ods_code]
    names = _names(trusts["trust_name"].fillna(trusts["nhs_trust22_code"]))
    data = pd.DataFrame(
        {"month": s["month"], "value": s["value"], "numerator": s["occupied"], "denominator": s["available"]}
    ).reset_index(drop=True)
    last = data["month"].max()
    eng = grp[(grp["icb_code"] == "ENG") & (grp["month"] == last)]["value"].iloc[0]
    return Series(
        MEASURES["beds_ga"],
        data,
        f"acute trusts located in the ICB: {names}",
        float(eng),
        [
            "Trusts are grouped by the ICB they are located in, reconstructed from the waiting list "
            "minimum data set's provider rows; occupancy is recomputed from summed beds, so it can differ "
            "from a trust's published rate."
        ],
    )


def _closure(r: pd.DataFrame, icb: geography.ICB) -> pd.Timestamp | None:
    """The date the ICB closed (its successor ICBs take over its codes), from the RTT data."""
    mine = r[(r["level"] == "icb") & (r["org_code"] == icb.ods_code)]
    closed = mine["closed_date"].dropna().unique() if "closed_date" in mine else []
    return pd.Timestamp(closed[0]) if len(closed) else None


def _series_rtt(icb: geography.ICB) -> Series:
    from ..load.waiting import rtt_series_break

    brk = rtt_series_break()
    r = _rtt()
    s = r[(r["level"] == "icb") & (r["org_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame({"month": s["month"], "value": s["over_65_weeks"].astype(float)}).reset_index(drop=True)
    last = data["month"].max()
    eng = r[(r["level"] == "national") & (r["month"] == last)]["over_65_weeks"].iloc[0]
    notes = [
        f"Community-service pathways left the referral to treatment (RTT) statistics in "
        f"{_month_label(brk)} (a series break); SPC limits are recalculated from then.",
        "Where the number waiting fell steeply, process limits are wide: read the run of points as well as the limits.",
    ]
    closed = _closure(r, icb)
    if closed is not None:
        notes.append(f"This ICB closed on {closed.day} {closed:%B %Y}; its RTT series ends in {_month_label(last)}.")
    after = data["month"] >= brk
    rebase = [data.loc[after, "month"].iloc[0]] if after.any() and not after.all() else []
    return Series(
        MEASURES["rtt_65w"],
        data,
        f"patients of {icb.short_name} ICB, wherever treated",
        float(eng),
        notes,
        rebase=rebase,
    )


def _series_cwt(icb: geography.ICB, standard: str, key: str) -> Series:
    c = _cwt()
    c = c[c["standard"] == standard]
    # The 62-day standard was redefined (combined): earlier months are not comparable, so the
    # series starts at the manifest's series break.
    combined_from = perf.cwt_combined_from()
    if standard == "CMB62":
        c = c[c["month"] >= combined_from]
    s = c[(c["level"] == "icb") & (c["org_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame(
        {
            "month": s["month"],
            "value": 100 * s["performance"],
            "numerator": s["within_standard"],
            "denominator": s["total"],
        }
    ).reset_index(drop=True)
    last = data["month"].max()
    eng = 100 * c[(c["level"] == "national") & (c["month"] == last)]["performance"].iloc[0]
    notes = []
    if standard == "CMB62":
        notes.append(
            f"The 62-day standard was redefined in {_month_label(combined_from)} (combined standard); "
            "the series starts then."
        )
        # Objectives on the subject that this measure does not measure, in planning years the chart covers.
        first = data["month"].min()
        notes += [
            f"The {o.planning_year} objective on {o.area.lower()} {o.related_note}."
            for o in objectives.related_objectives(key)
            if o.start <= last and o.end >= first
        ]
    if last < c["month"].max():
        notes.append(f"This ICB's code ends in {_month_label(last)} (ICBs merged the month after).")
    return Series(MEASURES[key], data, f"patients of {icb.short_name} ICB, wherever treated", float(eng), notes)


def _series_gp(icb: geography.ICB, key: str) -> Series:
    g = _gpad_icb()
    s = g[g["icb_ons_code"].isin([icb.ons_code, icb.ons_code_2022])].sort_values("month")
    col = "pct_within_2w" if key == "gp_2weeks" else "appointments"
    data = pd.DataFrame({"month": s["month"], "value": s[col].astype(float)}).reset_index(drop=True)
    if key == "gp_2weeks":
        data["numerator"], data["denominator"] = s["a_within"].to_numpy(), s["a_known"].to_numpy()
    last = data["month"].max()
    eng = g[(g["icb_ons_code"] == "ENG") & (g["month"] == last)][col].iloc[0]
    notes = [
        "The national objective sets no number an ICB's value can be judged against: read the SPC chart for change."
    ]
    if key == "gp_2weeks":
        notes.append("Appointments with an unknown booking interval are left out of the denominator.")
    return Series(MEASURES[key], data, f"GP practices in {icb.short_name} ICB", float(eng), notes)


def _series_iapt(icb: geography.ICB) -> Series:
    t = _iapt_icb()
    s = t[t["icb_ods_code"] == icb.ods_code].sort_values("month")
    gaps = s[s["value"].isna()]
    s = s.dropna(subset=["value"])
    data = pd.DataFrame({"month": s["month"], "value": s["value"]}).reset_index(drop=True)
    last = data["month"].max()
    eng = t[(t["icb_ods_code"] == "ENG") & (t["month"] == last)]["value"].iloc[0]
    notes = [
        f"The NHS Talking Therapies data in this book cover {_month_label(data['month'].min())} to "
        f"{_month_label(last)} ({plural(len(data), 'month')})."
    ]
    if len(gaps):
        notes.append(f"{plural(len(gaps), 'month')} left out because a sub-ICB count was suppressed.")
    return Series(
        MEASURES["iapt_access"], data, f"the sub-ICB locations of {icb.short_name} ICB, summed", float(eng), notes
    )


def _series_dementia(icb: geography.ICB) -> Series:
    d = _dementia()
    s = d[(d["org_type"] == "ICB") & (d["ods_code"] == icb.ods_code)].sort_values("month")
    data = pd.DataFrame(
        {
            "month": s["month"],
            "value": s["diagnosis_rate"],
            "numerator": s["recorded"],
            "denominator": s["estimated"],
            "lower_ci": s["lower_ci"],
            "upper_ci": s["upper_ci"],
        }
    ).reset_index(drop=True)
    last = data["month"].max()
    eng = d[(d["ods_code"] == "ENG") & (d["month"] == last)]["diagnosis_rate"].iloc[0]
    return Series(
        MEASURES["dementia"],
        data,
        f"GP practices in {icb.short_name} ICB",
        float(eng),
        ["Estimated prevalence is modelled, so the published rate has a wide confidence interval."],
    )


def _series_hypertension(icb: geography.ICB) -> Series:
    q = _qof_hyp()
    s = q[q["org_code"] == icb.ods_code]
    period = str(s["period"].iloc[0])
    data = pd.DataFrame(
        {
            "month": [_financial_year_end(period)],
            "value": s["value"].to_numpy(),
            "numerator": s["numerator"].to_numpy(),
            "denominator": s["denominator_incl_pcas"].to_numpy(),
        }
    )
    eng = q[q["org_code"] == "ENG"]["value"].iloc[0]
    return Series(
        MEASURES["hypertension"],
        data,
        f"GP practices in {icb.short_name} ICB",
        float(eng),
        [
            "One value a year (the Quality and Outcomes Framework year): no SPC reading is possible. The "
            "CVDPREVENT audit, behind the national ambition, counts slightly differently."
        ],
        annual=True,
    )


_BUILDERS = {
    "ae_4h": _series_ae,
    "ambulance_c2": _series_ambulance,
    "beds_ga": _series_beds,
    "rtt_65w": _series_rtt,
    "cancer_fds": lambda icb: _series_cwt(icb, "FDS28", "cancer_fds"),
    "cancer_62": lambda icb: _series_cwt(icb, "CMB62", "cancer_62"),
    "gp_2weeks": lambda icb: _series_gp(icb, "gp_2weeks"),
    "gp_appointments": lambda icb: _series_gp(icb, "gp_appointments"),
    "iapt_access": _series_iapt,
    "dementia": _series_dementia,
    "hypertension": _series_hypertension,
}


@sources.remembered(maxsize=64 * len(_BUILDERS))
def measure_series(icb_code: str, key: str) -> Series:
    """One measure for one ICB: the series, the objective in force for its latest period, whether
    the latest value meets it, and the SPC reading (where the series has at least
    :data:`MIN_SPC_POINTS` points) with that objective as the target. Cached: do not modify."""
    icb = geography.find_icb(icb_code)
    if key not in _BUILDERS:
        raise KeyError(f"unknown scorecard measure {key!r}; known: {', '.join(_BUILDERS)}")
    s = _BUILDERS[key](icb)
    if s.data.empty or s.data["value"].isna().any():
        raise ValueError(f"{key} for {icb.ods_code}: missing values in the series")
    s.in_force = objectives.objective_in_force(key, s.period_end)
    if len(s.data) >= MIN_SPC_POINTS:
        s.spc = stats.spc(
            s.data["value"],
            periods=list(s.data["month"]),
            improvement_direction=s.spec.improvement,
            target=s.target,
            rebase=s.rebase or None,
        )
        s.change = _change_words(C.change_from_spc(s.spc), s.spc)
    met = C.target_status(s.latest, s.objective, period_end=s.period_end)
    s.met = replace(met, words=_MET_WORDS[met.code])
    return s


def _change_words(claim: C.Claim, res: stats.SPCResult) -> C.Claim:
    """The claim's word with the Making Data Count rule behind it: 'improving (special-cause
    variation: the latest point is below the lower process limit)'."""
    from ..stats.spc import RULE_WORDS

    label = str(res.latest["special_cause_type"])
    why = (
        f"special-cause variation: the latest point is {RULE_WORDS[label]}"
        if label in RULE_WORDS
        else "common-cause variation only"
    )
    return replace(claim, words=f"{claim.words} ({why})")


def currency(s: Series, reference_date: object) -> C.Currency:
    """Whether the measure's data are out of date at the reference date, by its dataset's
    publication frequency (data/sources.yml)."""
    return C.currency(s.latest_month, s.spec.frequency, _reference_date(reference_date))


def assurance(s: Series, reference_date: object) -> C.Claim | None:
    """The assurance reading against the objective in force, withheld (code ``not_assessed``) for
    out-of-date data or when no numeric target is in force; None without an SPC chart."""
    if s.spc is None:
        return None
    return C.spc_assurance(s.spc, currency(s, reference_date), s.objective)


def in_force_text(s: Series, *, short: bool = False) -> str:
    """The objective in force for the latest period, in words: '78% in March 2026 (2025/26)', or
    why there is none ('none recorded for 2026/27; the latest recorded is ...')."""
    inf = s.in_force
    o = inf.objective
    if o is not None and o.has_target:
        return f"{o.target_text} ({o.planning_year})"
    if o is not None:
        return (
            f"No numeric target ({o.planning_year})"
            if short
            else f"the {o.planning_year} objective sets no numeric target: {o.no_target_reason}"
        )
    reg = objectives.load_registry()
    years = reg.planning_years
    year = inf.planning_year
    if (year, s.spec.key) in reg.not_entered:
        return (
            f"No target entered for {year}"
            if short
            else f"none entered for {year}: {reg.not_entered[(year, s.spec.key)]}"
        )
    if short:
        return f"No target recorded for {year}"
    if year < years[0]:
        return f"none recorded for {year}: the book's record of national objectives starts with {years[0]}"
    earlier = [x for x in objectives.objectives(s.spec.key) if x.planning_year < year and x.has_target]
    tail = (
        f"; the latest recorded is the {earlier[-1].planning_year} objective, {earlier[-1].target_text}"
        if earlier
        else ""
    )
    if year > years[-1]:
        return f"none recorded for {year}: the book's record of national objectives ends with {years[-1]}{tail}"
    return f"none recorded for {year}{tail}"


def value_text(s: Series, value: float | None = None) -> str:
    """A value of the measure for a sentence or table cell, with its unit."""
    v = s.latest if value is None else value
    unit = s.spec.unit
    what = f"{CHAPTER}.{s.spec.key}"
    if unit == "%":
        return fmt(v, "pct", what=what)
    if unit == "minutes":
        return fmt(v, "num", what=what) + " minutes"
    return fmt(v, "count", what=what)


# --------------------------------------------------------------------------- the list of objectives


def adopted_objectives() -> list[objectives.Objective]:
    """The national objectives the local plans adopt: the registry's numbered list, in order."""
    numbered = [o for o in objectives.load_registry().objectives if o.no is not None]
    return sorted(numbered, key=lambda o: o.no)


def objectives_table() -> pd.DataFrame:
    """The adopted objectives, one row each: number, planning year, area, objective, target text,
    the measure that measures it here (or ""), whether it is measured here, and the publication
    that measures it (or would). Columns: no, planning_year, area, objective, target, measure,
    measure_label, measured_here, measured_by, objective_id."""
    rows = []
    for o in adopted_objectives():
        here = o.measure in MEASURES
        rows.append(
            {
                "no": o.no,
                "planning_year": o.planning_year,
                "area": o.area,
                "objective": o.objective,
                "target": o.target_text,
                "measure": o.measure if here else "",
                "measure_label": MEASURES[o.measure].label if here else "",
                "measured_here": here,
                "measured_by": objectives.measured_by(o.id),
                "objective_id": o.id,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- objectives at their deadline


def _judged_months(o: objectives.Objective) -> list[pd.Timestamp] | None:
    """The months an objective is judged on: its deadline month (by / in the month), every month
    of its planning year (on average across the year), or, where the guidance gives no date, the
    last month of its planning year. None for a deadline given as a year only."""
    if o.timing == "across_year":
        return list(pd.date_range(o.start, o.end, freq="MS"))
    if o.timing in ("by", "in_month"):
        return [pd.Timestamp(f"{o.deadline}-01")] if len(o.deadline) == 7 else None
    return [pd.Timestamp(o.end).normalize().replace(day=1)]


def _judged_value(s: Series, months: list[pd.Timestamp]) -> float | None:
    """The value over ``months``: one month's value, or for a whole year the months' values
    weighted by their denominators (the year's own ratio); None unless every month is in the data."""
    d = s.data.set_index("month")
    if not all(m in d.index for m in months):
        return None
    rows = d.loc[months]
    if len(rows) == 1:
        return float(rows["value"].iloc[0])
    if "denominator" in rows:
        return float((rows["value"] * rows["denominator"]).sum() / rows["denominator"].sum())
    return float(rows["value"].mean())


def objectives_at_deadline(icb_code: str) -> tuple[pd.DataFrame, dict[str, C.Claim]]:
    """Every national objective with a numeric target for a measure computed here, judged when it
    fell due (see :func:`_judged_months`) against its own target, for one ICB.

    Returns the table (columns: objective_id, planning_year, measure, Objective, Target,
    Judged at, value, Value, met, Met?, note) and the claims (key ``deadline_<id>``) of the rows
    the data cover; a row the data do not cover says why and has no claim."""
    icb = geography.find_icb(icb_code)
    rows, found = [], {}
    for o in objectives.load_registry().objectives:
        if o.measure not in MEASURES or not o.has_target:
            continue
        months = _judged_months(o)
        if months is None:
            continue
        s = measure_series(icb.ods_code, o.measure)
        when = (
            f"{o.planning_year} (average)"
            if len(months) > 1
            else f"{_month_label(months[0])}" + ("" if o.timing else " (end of the planning year)")
        )
        value = _judged_value(s, months)
        row = {
            "objective_id": o.id,
            "planning_year": o.planning_year,
            "measure": o.measure,
            "Objective": f"{s.spec.label} ({o.planning_year})",
            "Target": o.target_text,
            "Judged at": when,
            "value": value,
        }
        if value is None:
            first, last = s.data["month"].min(), s.data["month"].max()
            why = (
                f"the data are for {s.period_label} only"
                if s.annual
                else f"data start {_month_label(first)}"
                if months[0] < first
                else f"data end {_month_label(last)}"
                if months[-1] > last
                else "a month is missing"
            )
            row |= {"Value": "–", "met": "no_data", "Met?": f"– No data ({why})", "note": why}
        else:
            claim = C.target_status(value, o, period_end=_month_end(months[-1]))
            found[f"deadline_{o.id.replace('-', '_')}"] = replace(claim, words=_MET_WORDS[claim.code])
            row |= {"Value": value_text(s, value), "met": claim.code, "Met?": MET_TEXT[claim.code], "note": ""}
        rows.append(row)
    order = {k: i for i, k in enumerate(MEASURES)}
    t = pd.DataFrame(rows)
    t = t.assign(_o=t["measure"].map(order)).sort_values(["planning_year", "_o"], kind="stable").drop(columns="_o")
    return t.reset_index(drop=True), found


# --------------------------------------------------------------------------- one ICB


@dataclass
class Scorecard:
    icb: geography.ICB
    reference_date: pd.Timestamp
    series: dict[str, Series]
    currency: dict[str, C.Currency]
    assurance: dict[str, C.Claim | None]

    def with_target(self) -> list[str]:
        """Measures with a numeric objective in force for their latest period."""
        return [k for k, s in self.series.items() if s.target is not None]

    def met(self) -> list[str]:
        return [k for k in self.with_target() if self.series[k].met.code == "met"]

    def out_of_date(self) -> list[str]:
        return [k for k, c in self.currency.items() if c.out_of_date]

    def table(self) -> pd.DataFrame:
        """One row per measure: latest value and period, whether the data are out of date, England,
        the objective in force, met or not, the SPC readings, what the value is for and its source."""
        rows = []
        for key, s in self.series.items():
            cur, ass = self.currency[key], self.assurance[key]
            var = s.spc.variation if s.spc is not None else None
            latest = f"{value_text(s)}, {s.period_label}" + (" (out of date)" if cur.out_of_date else "")
            rows.append(
                {
                    "measure": key,
                    "Measure": s.spec.label,
                    "Latest": latest,
                    "value": s.latest,
                    "period": s.period_label,
                    "period_end": s.period_end.date(),
                    "data_currency": cur.label,
                    "out_of_date": cur.out_of_date,
                    "england": s.england,
                    "Target in force": in_force_text(s, short=True),
                    "objective_in_force": in_force_text(s),
                    "objective_id": s.objective.id if s.objective is not None else "",
                    "Met?": MET_TEXT[s.met.code],
                    "met": s.met.code,
                    "Variation": f"{VARIATION_ICON[var]} {VARIATION_WORDS[var]}"
                    if var
                    else f"Too few points ({len(s.data)})",
                    "variation": var or "",
                    "Assurance": _assurance_cell(ass, cur, s),
                    "assurance": ass.code if ass is not None else "",
                    "measured_for": s.measured_for,
                    "source": s.spec.source,
                    "how": s.spec.what,
                }
            )
        return pd.DataFrame(rows)


def _assurance_cell(ass: C.Claim | None, cur: C.Currency, s: Series) -> str:
    if ass is None:
        return "–"
    if ass.code != "not_assessed":
        return ASSURANCE_WORDS[ass.code]
    return "None: data out of date" if cur.out_of_date else "None: no target in force"


def scorecard(icb_code: str, reference_date: object = "") -> Scorecard:
    """Every measure for one ICB, with the readings that depend on the build's reference date (is
    each out of date; the assurance readings)."""
    icb = geography.find_icb(icb_code)
    ref = _reference_date(reference_date)
    series = {k: measure_series(icb.ods_code, k) for k in MEASURES}
    return Scorecard(
        icb,
        ref,
        series,
        {k: currency(s, ref) for k, s in series.items()},
        {k: assurance(s, ref) for k, s in series.items()},
    )


# --------------------------------------------------------------------------- all ICBs


def _latest_complete_month(df: pd.DataFrame, codes: set[str], code_col: str = "org_code") -> pd.Timestamp:
    """The latest month in which every one of ``codes`` has a row (ICBs merged in later months)."""
    present = df[df[code_col].isin(codes)].groupby("month")[code_col].nunique()
    return present[present == len(codes)].index.max()


@sources.remembered(maxsize=1, national=True)
def icb_comparison() -> pd.DataFrame:
    """Latest value of each compared measure for all 42 ICBs and England, the same period for all
    (the latest in which every ICB has data).

    Columns: measure, label, unit, improvement, period, period_end, icb_ods_code, icb_name, value,
    rank (1 = best among the ICBs with a value), n_ranked, is_england, target (of the objective in
    force for the period, or NaN), objective (its text, or why there is none).
    """
    icbs = geography.all_icbs()
    by_ons = {i.ons_code_2022: i for i in icbs} | {i.ons_code: i for i in icbs}
    by_ods = {i.ods_code: i for i in icbs}
    frames = []

    def add(key: str, df: pd.DataFrame, code_col: str, lookup: dict, month: pd.Timestamp, annual: bool = False):
        df = df[[code_col, "value"]].rename(columns={code_col: "code"}).copy()
        df["icb_ods_code"] = df["code"].map(lambda c: "ENG" if c == "ENG" else getattr(lookup.get(c), "ods_code", None))
        df = df.dropna(subset=["icb_ods_code"])
        df["measure"] = key
        df["period"] = f"the year to {_month_label(month)}" if annual else _month_label(month)
        df["period_end"] = _month_end(month)
        frames.append(df.drop(columns="code"))

    ae = _ae_series_table()
    last = ae["month"].max()
    add("ae_4h", ae[ae["month"] == last], "icb_code", by_ods, last)

    grp, _ = _beds_icb()
    last = grp["month"].max()
    add("beds_ga", grp[grp["month"] == last], "icb_code", by_ods, last)

    r = _rtt()
    last = _latest_complete_month(r[r["level"] == "icb"], set(by_ods))
    rr = r[(r["month"] == last)].assign(value=lambda d: d["over_65_weeks"].astype(float))
    rr["code"] = np.where(rr["level"] == "national", "ENG", rr["org_code"])
    add("rtt_65w", rr, "code", by_ods, last)

    c = _cwt()
    for std, key in (("FDS28", "cancer_fds"), ("CMB62", "cancer_62")):
        cc = c[c["standard"] == std]
        last = _latest_complete_month(cc[cc["level"] == "icb"], set(by_ods))
        cc = cc[cc["month"] == last].assign(value=lambda d: 100 * d["performance"])
        cc["code"] = np.where(cc["level"] == "national", "ENG", cc["org_code"])
        add(key, cc[cc["level"] != "provider"], "code", by_ods, last)

    g = _gpad_icb()
    last = g["month"].max()
    add("gp_2weeks", g[g["month"] == last].assign(value=lambda d: d["pct_within_2w"]), "icb_ons_code", by_ons, last)

    d = _dementia()
    last = d["month"].max()
    dd = d[d["month"] == last].assign(value=lambda x: x["diagnosis_rate"])
    dd["code"] = np.where(dd["ods_code"] == "ENG", "ENG", dd["ods_code"])
    add("dementia", dd, "code", by_ods, last)

    q = _qof_hyp()
    add("hypertension", q, "org_code", by_ods, _financial_year_end(q["period"].iloc[0]), annual=True)

    out = pd.concat(frames, ignore_index=True)
    out["is_england"] = out["icb_ods_code"] == "ENG"
    names = {i.ods_code: i.short_name for i in icbs} | {"ENG": "England"}
    out["icb_name"] = out["icb_ods_code"].map(names)
    for col in ("label", "unit", "improvement"):
        out[col] = out["measure"].map(lambda k, c=col: getattr(MEASURES[k], c))
    inf = {k: objectives.objective_in_force(k, g["period_end"].iloc[0]) for k, g in out.groupby("measure")}
    out["target"] = out["measure"].map(
        lambda k: inf[k].objective.target if inf[k].objective is not None and inf[k].objective.has_target else np.nan
    )
    out["objective"] = out["measure"].map(
        lambda k: (
            f"{inf[k].objective.target_text} ({inf[k].objective.planning_year})"
            if inf[k].objective is not None and inf[k].objective.has_target
            else f"none recorded for {inf[k].planning_year}"
        )
    )
    icb_rows = ~out["is_england"]
    asc = out["improvement"].eq("decrease")
    out["rank"] = np.nan
    for _, idx in out[icb_rows].groupby("measure").groups.items():
        sub = out.loc[idx]
        out.loc[idx, "rank"] = sub["value"].rank(ascending=bool(asc.loc[idx].iloc[0]), method="min")
    out["n_ranked"] = out.groupby("measure")["rank"].transform("count")
    return out[
        [
            "measure",
            "label",
            "unit",
            "improvement",
            "period",
            "period_end",
            "icb_ods_code",
            "icb_name",
            "value",
            "rank",
            "n_ranked",
            "is_england",
            "target",
            "objective",
        ]
    ]


# --------------------------------------------------------------------------- headline figures

#: Headline key of each measure's latest value (registry/headlines/scorecard.yml).
HEADLINE_KEYS = {
    "ae_4h": "ae_4h_pct",
    "ambulance_c2": "ambulance_c2_minutes",
    "beds_ga": "beds_ga_pct",
    "rtt_65w": "rtt_over_65_weeks",
    "cancer_62": "cancer_62_pct",
    "cancer_fds": "cancer_fds_pct",
    "gp_2weeks": "gp_within_2_weeks_pct",
    "gp_appointments": "gp_appointments",
    "iapt_access": "iapt_access",
    "dementia": "dementia_pct",
    "hypertension": "hypertension_pct",
}


def headline_figures(icb_code: str, imd_version: int = 2019) -> dict[str, float]:
    """The chapter's key numbers for any of the 42 ICBs, exactly the keys of
    ``registry/headlines/scorecard.yml``: n_objectives (the objectives the local plans adopt),
    n_measured (of those, measured here), n_with_target (measures with a numeric objective in force
    for their latest period), n_met (of those, met), n_deadlines_judged (numeric objectives of the
    measures here that the data cover when they fell due, :func:`objectives_at_deadline`),
    n_deadlines_met (of those, met), and each measure's latest value.
    ``imd_version`` is accepted for the common interface (the scorecard does not use deprivation)."""
    icb = geography.find_icb(icb_code)
    series = {k: measure_series(icb.ods_code, k) for k in MEASURES}
    table = objectives_table()
    with_target = [s for s in series.values() if s.target is not None]
    due, _ = objectives_at_deadline(icb.ods_code)
    out: dict[str, float] = {
        "n_objectives": float(len(table)),
        "n_measured": float(table["measured_here"].sum()),
        "n_with_target": float(len(with_target)),
        "n_met": float(sum(s.met.code == "met" for s in with_target)),
        "n_deadlines_judged": float((due["met"] != "no_data").sum()),
        "n_deadlines_met": float((due["met"] == "met").sum()),
    }
    for key, s in series.items():
        out[HEADLINE_KEYS[key]] = s.latest
    return out


# --------------------------------------------------------------------------- words

_THAN = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}


def _against(value: float, comparator: float, comparator_name: str) -> C.Claim:
    """'higher than', 'lower than' or 'similar to' (equal as printed, to one decimal place): a
    value that counts every case (all attendances, all diagnoses recorded) against another, so there
    is no sampling interval; compared as exact numbers at the precision the sentence prints."""
    v, ref = round(float(value), 1), round(float(comparator), 1)
    claim = C.compare(C.Estimate(v, v, v), ref, comparator_name=comparator_name)
    return replace(claim, words=_THAN[claim.code])


def _claims(sc: Scorecard) -> dict[str, C.Claim]:
    out: dict[str, C.Claim] = {}
    for key, s in sc.series.items():
        out[f"{key}_met"] = s.met
        if s.spc is not None:
            out[f"{key}_change"] = s.change
            a = sc.assurance[key]
            out[f"{key}_assurance"] = replace(
                a, words=f"{a.words}: {a.reason}" if a.code == "not_assessed" else a.words
            )
    t, res = ae_by_month_official(sc.icb.ods_code)
    if len(t) > 1:
        last, prev = t.iloc[-1], t.iloc[-2]
        c = _against(last["icb"], prev["icb"], _month_label(prev["month"]))
        out["ae_month_change"] = replace(
            c,
            words=f"{c.words} the {fmt(prev['icb'], 'pct')} of "
            f"{_month_label(prev['month'])} (England {fmt(prev['england'], 'pct')})",
        )
    if res is not None:
        c = _change_words(C.change_from_spc(res), res)
        out["ae_official_spc"] = replace(c, words=f"statistical process control over these months reads {c.words}")
    d = dementia_edition_change(sc.icb.ods_code)
    if d["previous_month"] is not None:
        c = _against(d["icb_latest"], d["icb_previous"], "the previous workbook")
        out["dementia_edition_change"] = replace(
            c,
            words=f"{c.words} the {fmt(d['icb_previous'], 'pct')} of the previous workbook "
            f"({_month_label(d['previous_month'])}; England {fmt(d['england_previous'], 'pct')})",
        )
    return out


def claims(icb_code: str, imd_version: int = 2019, reference_date: object = "") -> dict[str, C.Claim]:
    """Every data-dependent word of the chapter, computed from the numbers (for the claims audit):
    the words its Markdown glues (for each measure, met or not against the objective in force,
    and with an SPC chart the variation and assurance readings; A&E's latest month against the one
    before; the dementia rate in the latest workbook against the previous one), and the met /
    missed words of the table of objectives at their deadline."""
    sc = scorecard(icb_code, reference_date)
    return _claims(sc) | objectives_at_deadline(sc.icb.ods_code)[1]


# --------------------------------------------------------------------------- figures


def _axis_label(unit: str) -> str:
    return {"%": "Per cent", "minutes": "Minutes", "count": "Number"}[unit]


def _objective_segments(key: str, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple]:
    """(from, to, target, objective) for each numeric objective of ``key`` whose planning year
    overlaps the months start..end (month starts), clipped to them."""
    out = []
    for o in objectives.objectives(key):
        if not o.has_target:
            continue
        a, b = max(o.start, start), min(o.end, end)
        if a <= b:
            out.append((a, pd.Timestamp(b).normalize(), o.target, o))
    return out


def _date_axis(ax, d: pd.DataFrame) -> None:
    import matplotlib.dates as mdates

    span = (d["month"].max() - d["month"].min()).days / 30.4
    step = next((m for m in (1, 3, 6, 12) if span / m <= 6), None)
    loc = mdates.MonthLocator(bymonth=range(1, 13, step)) if step else mdates.YearLocator(2)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def panel_reading(s: Series, sc: Scorecard) -> str:
    """The line above a chart: variation and assurance, short."""
    if s.spc is None:
        return f"{plural(len(s.data), 'point')}: too few for SPC limits"
    text = VARIATION_WORDS[s.spc.variation]
    a = sc.assurance[s.spec.key]
    if a.code != "not_assessed":
        text += "; " + a.words
    elif sc.currency[s.spec.key].out_of_date:
        text += "; no assurance reading (out of date)"
    else:
        text += "; no assurance reading (no target in force)"
    return text


def spc_figure(sc: Scorecard, keys: tuple[str, ...], ncols: int = 2):
    """Small multiples of XmR charts (Making Data Count): points marked by special cause
    (improvement / concern / common cause, by colour *and* marker shape), mean and process limits,
    a dotted red line for each planning year's objective over the months it was in force, and a
    break in the line where the source changes. A series too short for SPC is drawn as a plain
    line. Returns (figure, data): the tidy table of every point drawn."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from .. import figures

    series = [sc.series[k] for k in keys]
    n = len(series)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.4 * ncols, 3.1 * nrows), squeeze=False)
    frames, any_break, kinds_seen = [], False, set()
    for ax, s in zip(axes.ravel(), series):
        d = s.data
        breaks = [(s.source_change, "Source changes")] if s.source_change is not None else []
        any_break |= bool(breaks)
        if s.spc is not None:
            chart = figures.plot_spc(s.spc, ax=ax, targets={}, legend=False, marker_size=20, breaks=breaks)
            pts = chart.data
            kinds_seen |= set(pts["point_type"].map(figures.SPC_POINT_KIND).dropna())
        else:
            ax.plot(d["month"], d["value"], color=figures.NHS_MID_GREY, lw=1.1, zorder=2)
            ax.scatter(
                d["month"],
                d["value"],
                color=figures.SPC["common"]["colour"],
                marker="o",
                s=20,
                edgecolor=figures.NHS_DARK_GREY,
                linewidth=0.4,
                zorder=3,
            )
            pts = pd.DataFrame({"date": d["month"], "value": d["value"], "point_type": "too few points for SPC"})
            figures.count_axis(ax)
        for a, b, target, o in _objective_segments(s.spec.key, d["month"].min(), d["month"].max()):
            ax.hlines(target, a, b, color=figures.NHS_RED, lw=1.4, ls=":", zorder=1)
            ax.annotate(
                o.target_number_text,
                xy=(a, target),
                xytext=(1, 2),
                textcoords="offset points",
                fontsize=7,
                color=figures.NHS_RED,
                va="bottom",
                bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.7),
            )
        pts = pts.assign(measure=s.spec.key, label=s.spec.label)
        if "source" in d:
            pts["source"] = d["source"].to_numpy()
        pts["objective_in_force"] = [_objective_at(s.spec.key, m) for m in pts["date"]]
        frames.append(pts)
        reading = panel_reading(s, sc)
        if sc.currency[s.spec.key].out_of_date:
            reading += f"\nData end {_month_label(s.latest_month)}: out of date"
        ax.text(
            0,
            1.02,
            reading,
            transform=ax.transAxes,
            fontsize=7.2,
            va="bottom",
            linespacing=1.3,
            color=figures.NHS_DARK_GREY,
        )
        # the title sits above the reading lines (about 10 points each)
        ax.set_title(
            "\n".join(textwrap.wrap(s.spec.label, 48)), fontsize=9.5, loc="left", pad=6 + 10 * (reading.count("\n") + 1)
        )
        ax.set_ylabel(_axis_label(s.spec.unit), fontsize=8.5)
        _date_axis(ax, d)
        ax.tick_params(labelsize=7.5)
        (figures.percent_axis if s.spec.unit == "%" else figures.count_axis)(ax)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    kinds = [k for k in ("common", "improvement", "concern", "neutral") if k in kinds_seen] or ["common"]
    handles = figures.spc_legend_handles(kinds, target=False)
    handles.append(
        Line2D([], [], color=figures.NHS_RED, lw=1.4, ls=":", label="Objective in force (its planning year)")
    )
    if any_break:
        handles.append(Line2D([], [], color=figures.NHS_DARK_GREY, lw=1.1, ls=(0, (1, 2)), label="Source changes"))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    with warnings.catch_warnings():  # AutoDateLocator complains about short (11-month) ranges
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout(rect=(0, 0.06, 1, 1), h_pad=2.2)
    data = pd.concat(frames, ignore_index=True)
    front = ["measure", "label", "date", "value"]
    return fig, data[front + [c for c in data.columns if c not in front]]


def _objective_at(key: str, month: pd.Timestamp) -> str:
    inf = objectives.objective_in_force(key, _month_end(month))
    o = inf.objective
    if o is None:
        return ""
    return f"{o.target_text} ({o.planning_year})" if o.has_target else f"no numeric target ({o.planning_year})"


#: An ICB whose value is more than this many times the next highest is drawn at the top edge of its
#: panel with its value written beside it, so that one outlier does not flatten the other 41.
OUTLIER_RATIO = 2.5


def _clip_outlier(ax, icbs: pd.DataFrame, unit: str, highlighted: str) -> bool:
    """Cut the y axis below a single far-out highest value and mark it at the edge; True if cut.
    Not when the outlier is the highlighted ICB, whose own marker must stay on the scale."""
    from .. import figures

    v = icbs["value"].sort_values(ascending=False).to_numpy()
    out = icbs.loc[icbs["value"].idxmax()]
    if len(v) < 3 or v[1] <= 0 or v[0] <= OUTLIER_RATIO * v[1] or out["icb_ods_code"] == highlighted:
        return False
    top = v[1] * 1.3
    ax.set_ylim(top=top)
    text = fmt(out["value"], "pct") if unit == "%" else fmt(out["value"], "count")
    ax.scatter([out["rank"]], [top], marker="^", s=30, color=figures.CONTEXT, clip_on=False, zorder=3)
    # the note sits beside the marker, a line below the ICB's own label (which is at the top)
    ax.annotate(
        f"{out['icb_name']}: {text}, off the scale ▲",
        xy=(out["rank"], top),
        xytext=(-4, -14),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7.5,
        color=figures.NHS_DARK_GREY,
        bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8),
    )
    return True


def comparison_figure(comp: pd.DataFrame, icb: geography.ICB, measures: tuple[str, ...], ncols: int = 2):
    """For each measure, the 42 ICBs in rank order (best on the left), the chosen ICB highlighted
    (colour, larger marker and a label), England as a dashed line, the objective in force for the
    period as a dotted line."""
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
            ax.scatter(
                me["rank"], me["value"], color=figures.HIGHLIGHT, marker="D", s=46, zorder=3, label=icb.short_name
            )
            rk, nr = int(me["rank"].iloc[0]), int(me["n_ranked"].iloc[0])
            # The label goes in the corner the ranked dots leave empty (top right when values fall
            # with rank, top left when they rise), with an arrow to the ICB, so it never sits on
            # the other ICBs' dots or the England line.
            falling = float(icbs["value"].iloc[0]) >= float(icbs["value"].iloc[-1])
            v = float(me["value"].iloc[0])
            text = fmt(v, "pct") if spec.unit == "%" else fmt(v, "count")
            ax.annotate(
                f"{icb.short_name}: {text} ({rk} of {nr})",
                xy=(rk, v),
                xytext=(0.98 if falling else 0.02, 0.95),
                textcoords="axes fraction",
                fontsize=8,
                ha="right" if falling else "left",
                va="top",
                color=figures.HIGHLIGHT,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9),
                arrowprops=dict(arrowstyle="-", color=figures.HIGHLIGHT, lw=0.8, shrinkB=5),
            )
        eng = c[c["is_england"]]
        if not eng.empty and spec.unit != "count":  # an England count is not comparable with an ICB's
            ax.axhline(eng["value"].iloc[0], color=figures.NHS_DARK_GREY, ls="--", lw=1, label="England")
        target = c["target"].iloc[0]
        if target == target:
            ax.axhline(target, color=figures.NHS_RED, ls=":", lw=1.2, label="Objective in force")
        if spec.unit != "%":
            ax.set_ylim(bottom=0)  # counts start at zero
        _clip_outlier(ax, icbs, spec.unit, icb.ods_code)
        period = str(c["period"].iloc[0])
        ax.set_title(f"{spec.label}\n{period[:1].upper()}{period[1:]}", fontsize=9.5, loc="left")
        ax.set_xlabel("ICBs in rank order (1 = best)", fontsize=8.5)
        ax.tick_params(labelsize=8)
        (figures.percent_axis if spec.unit == "%" else figures.count_axis)(ax)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    seen: dict = {}  # one legend entry per label, from whichever panel drew it
    for ax in axes.ravel()[:n]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    fig.legend(list(seen.values()), list(seen), loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


# --------------------------------------------------------------------------- the chapter


def build(icb_code: str, imd_version: int, data_dir: str, reference_date: str = "") -> Chapter:
    """Compute every figure, table, box, word and number of the chapter for one ICB; save
    ``headline.json``; return the :class:`~analysis.report.Chapter` (the notebook calls
    ``ch.show(name)`` for each output and glues the words)."""
    from .. import figures

    icb = geography.find_icb(icb_code)
    figures.style()
    ch = Chapter(CHAPTER, data_dir, icb=icb)
    sc = scorecard(icb.ods_code, reference_date)
    words = _claims(sc)
    for key, claim in words.items():
        ch.claim(key, claim)
    _overview(ch, sc)
    for key in MEASURES:
        _measure_words(ch, sc, key)
    _scorecard_table(ch, sc)
    _objectives_list(ch)
    _deadline_outputs(ch, sc)
    for name, keys in SECTIONS.items():
        _spc_outputs(ch, sc, name, keys)
    _ae_outputs(ch, sc, words)
    _dementia_words(ch, sc, words)
    _comparison_outputs(ch, sc)
    _notes_box(ch, sc)
    _headlines(ch, sc)
    ch.save()
    return ch


def _overview(ch: Chapter, sc: Scorecard) -> None:
    icb = sc.icb
    table = objectives_table()
    measured = table[table["measured_here"]]
    ch.text("icb_name", icb.short_name)
    ch.text("plan_year", str(table["planning_year"].iloc[0]))
    ch.number("n_objectives", len(table), "count")
    ch.number("n_measured", len(measured), "count")
    ch.number("n_not_measured", len(table) - len(measured), "count")
    ch.number("n_measures", len(sc.series), "count")
    ch.text("reference_month", _month_label(sc.reference_date))
    ch.number("min_spc_points", MIN_SPC_POINTS, "count")

    with_target = sc.with_target()
    met = sc.met()
    names = "; ".join(esc(sc.series[k].spec.label) for k in with_target)
    n = len(with_target)
    if n:
        verdict = (
            ("it meets it" if met else "it does not meet it")
            if n == 1
            else "none of them meets it"
            if not met
            else f"{len(met)} of them {'meets' if len(met) == 1 else 'meet'} it"
        )
        ch.say(
            "in_force_summary",
            (
                f"{n} of the {len(sc.series)} measures {'has' if n == 1 else 'have'} a national objective with a "
                f"numeric target in force for {'its' if n == 1 else 'their'} latest period ({names}), and {verdict}; "
                "for the other measures' latest periods the book's record of national objectives has no numeric "
                "target, so they are not judged"
            ),
        )
    else:
        ch.say(
            "in_force_summary",
            (
                f"none of the {len(sc.series)} measures has a national objective with a numeric target in force for "
                "its latest period in the book's record of national objectives, so none is judged"
            ),
        )

    by_code: dict[str, list[str]] = {}
    for s in sc.series.values():
        if s.change is not None:
            by_code.setdefault(s.change.code, []).append(esc(s.spec.label))
    parts = [
        f"{what} in {'; '.join(by_code[code])}"
        for code, what in (
            ("improving", "special-cause improvement"),
            ("deteriorating", "special-cause concern"),
            ("rising", "special-cause variation upwards (no better direction)"),
            ("falling", "special-cause variation downwards (no better direction)"),
        )
        if code in by_code
    ]
    n_common = len(by_code.get("no_significant_change", []))
    charted = sum(len(v) for v in by_code.values())
    if parts:
        ch.say(
            "spc_summary",
            "Statistical process control shows "
            + "; ".join(parts)
            + (
                f"; the other {plural(n_common, 'charted measure')} show only common-cause variation."
                if n_common
                else "."
            ),
        )
    else:
        ch.say(
            "spc_summary",
            f"Statistical process control shows only common-cause variation at the latest point of "
            f"all {plural(charted, 'charted measure')}: no sign of real change either way.",
        )

    old = sc.out_of_date()
    if old:
        listed = "; ".join(f"{esc(sc.series[k].spec.label)}, {_month_label(sc.series[k].latest_month)}" for k in old)
        ch.say(
            "out_of_date_summary",
            (
                f"At this edition's reference date ({_month_label(sc.reference_date)}) the data of "
                f"{len(old)} of the {len(sc.series)} measures are **out of date** (older than their publication "
                f"frequency allows): {listed}. They keep their variation reading, but get no assurance reading."
            ),
        )
    else:
        ch.say(
            "out_of_date_summary",
            f"At this edition's reference date ({_month_label(sc.reference_date)}) the "
            "data of every measure are up to date for their publication frequency.",
        )

    closed = _closure(_rtt(), icb)
    ch.say(
        "closure_sentence",
        ""
        if closed is None
        else (
            f" {esc(icb.short_name)} ICB closed on {closed.day} {closed:%B %Y}, when NHS England merged ICBs: its "
            f"waiting-list and cancer series stop in {_month_label(closed - pd.offsets.MonthBegin(1))} and are not "
            "joined to the merged ICB, which covers a different population."
        ),
    )


def _measure_words(ch: Chapter, sc: Scorecard, key: str) -> None:
    """The words and numbers of one measure's reading: value, period, currency, England, what it is
    for, the objective in force, and (as claims) met or not, variation and assurance."""
    s = sc.series[key]
    ch.text(f"{key}_value", value_text(s))
    ch.text(f"{key}_period", s.period_label)
    ch.say(f"{key}_currency", esc(sc.currency[key].label))
    ch.text(f"{key}_england", value_text(s, s.england))
    ch.say(f"{key}_for", esc(s.measured_for))
    ch.say(f"{key}_objective", esc(in_force_text(s)))
    if s.spc is None:
        ch.say(
            f"{key}_change",
            f"no reading: {plural(len(s.data), 'point')}, too few for statistical process control "
            f"(at least {MIN_SPC_POINTS} are needed)",
        )
        ch.say(f"{key}_assurance", "no reading (no chart)")


def _scorecard_table(ch: Chapter, sc: Scorecard) -> None:
    t = sc.table()
    ch.table(
        t,
        "scorecard",
        f"The measures of the national objectives for {sc.icb.short_name}: latest value, the objective in force "
        "for that period, met or not, and the statistical process control readings",
        source="; ".join(sorted({s.spec.source for s in sc.series.values()})) + "; objectives from NHS England's "
        "priorities and operational planning guidance of each year",
        show_columns=["Measure", "Latest", "Target in force", "Met?", "Variation", "Assurance"],
        defer=True,
        notes="Latest period differs by source. 'Target in force' is the objective for the planning year "
        "(April to March) of the latest value; 'No target recorded' means the book's record of national "
        "objectives has no target for that measure and year. Variation: ▲ special-cause improvement, "
        "▼ special-cause concern, ● common-cause variation. The CSV adds England, the full objective "
        "text, what each value is for and how it is computed.",
    )


def _objectives_list(ch: Chapter) -> None:
    t = objectives_table()
    shown = t.assign(
        **{
            "No.": t["no"],
            "Objective": t["objective"],
            "Target": t["target"],
            "Measured here": t["measure_label"].where(t["measured_here"], "Not measured here"),
            "Measured by": t["measured_by"],
        }
    )
    year = str(t["planning_year"].iloc[0])
    ch.table(
        shown,
        "objectives",
        f"The {len(t)} national objectives for {year} the local plans adopt, and what measures each",
        source="NHS England, priorities and operational planning guidance; numbering as in the local plans",
        show_columns=["No.", "Objective", "Target", "Measured here", "Measured by"],
        max_rows=len(t),
        defer=True,
        notes="'Measured by' names the publication that measures the objective; where it is not measured here, "
        "that publication is not among the data this book draws on. The book shows the cancer 62-day "
        "standard (the share treated within 62 days), which is not the backlog objective 10 asks about; "
        "it is judged against the 62-day objectives of later years.",
    )


def _deadline_outputs(ch: Chapter, sc: Scorecard) -> None:
    t, _ = objectives_at_deadline(sc.icb.ods_code)
    judged = t[t["met"] != "no_data"]
    met = judged[judged["met"] == "met"]
    n, m = len(judged), len(met)
    ch.number("n_deadlines", len(t), "count")
    ch.number("n_deadlines_judged", n, "count")
    ch.number("n_deadlines_outside", len(t) - n, "count")
    listed = "; ".join(f"{esc(MEASURES[r.measure].label)}, {r.planning_year}" for r in met.itertuples())
    ch.say(
        "deadline_summary",
        (
            f"Of the {plural(n, 'national objective')} with a numeric target that the data here cover when "
            f"{'it' if n == 1 else 'they'} fell due, {'none was' if m == 0 else ('all ' if m == n else '') + str(m) + (' was' if m == 1 else ' were')} "
            "met" + (f" ({listed})" if m else "")
        ),
    )
    ch.table(
        t,
        "objectives_at_deadline",
        f"{sc.icb.short_name}: each national objective for the measures here, judged when it fell due against "
        "its own target",
        source="as in the scorecard; objectives from NHS England's priorities and operational planning guidance",
        show_columns=["Objective", "Target", "Judged at", "Value", "Met?"],
        max_rows=len(t),
        defer=True,
        notes="An objective 'by' a month is judged on that month's value, one 'in' a month on that month's; "
        "one 'on average across' a year on the year's value; one with no date on the last month of its "
        "planning year. 'No data' says why the value is missing.",
    )


def _spc_outputs(ch: Chapter, sc: Scorecard, name: str, keys: tuple[str, ...]) -> None:
    fig, data = spc_figure(sc, keys)
    readings = "; ".join(
        f"{sc.series[k].spec.label}: {value_text(sc.series[k])} in {sc.series[k].period_label}, "
        f"{panel_reading(sc.series[k], sc).lower()}"
        for k in keys
    )
    old = [
        f"{sc.series[k].spec.label}, {_month_label(sc.series[k].latest_month)}"
        for k in keys
        if sc.currency[k].out_of_date
    ]
    notes = (
        [
            f"Out of date at the reference date ({_month_label(sc.reference_date)}), with the month the data end: "
            + "; ".join(old)
        ]
        if old
        else []
    )
    change = [sc.series[k] for k in keys if sc.series[k].source_change is not None]
    breaks = " ".join(
        f"The line breaks in {_month_label(s.source_change)} in the chart of {s.spec.label}, where "
        "the source changes to NHS England's monthly files."
        for s in change
    )
    short = [sc.series[k].spec.label for k in keys if sc.series[k].spc is None]
    ch.figure(
        fig,
        name,
        data=data,
        defer=True,
        dpi=100,
        alt=f"Statistical process control charts for {sc.icb.short_name}. {readings}.",
        caption=(
            f"{sc.icb.short_name}: XmR charts (Making Data Count). Triangles pointing up mark special-cause "
            "improvement, pointing down special-cause concern, grey circles common-cause variation; the dotted "
            "red line is the objective in force in each planning year (none drawn where none is recorded). "
            + (breaks + " " if breaks else "")
            + (f"{'; '.join(short)}: too few points for SPC limits, drawn as a plain line. " if short else "")
            + ("; ".join(notes) + "." if notes else "")
        ).strip(),
        source="; ".join(sorted({sc.series[k].spec.source for k in keys})),
    )


def _ae_outputs(ch: Chapter, sc: Scorecard, words: dict[str, C.Claim]) -> None:
    icb = sc.icb
    t, res = ae_by_month_official(icb.ods_code)
    if t.empty:
        raise ValueError(f"NHS England's monthly A&E files locate no provider in {icb.short_name} ICB")
    last = t.iloc[-1]
    ch.text("ae_first_official", _month_label(t["month"].iloc[0]))
    ch.text("ae_last_official", _month_label(last["month"]))
    ch.say("ae_n_official", plural(len(t), "monthly file"))
    ch.text("ae_latest_icb", fmt(last["icb"], "pct"))
    ch.text("ae_latest_england", fmt(last["england"], "pct"))
    if "ae_month_change" not in words:
        ch.say("ae_month_change", "the only month in the files so far")
    if res is None:
        ch.say(
            "ae_official_spc",
            f"the {plural(len(t), 'month')} are too few for statistical process control limits "
            f"of their own (at least {MIN_SPC_POINTS} are needed), so the chart above joins them "
            "to the earlier system-level figures, with a break in the line where the source "
            "changes",
        )
    tab = t.assign(Month=t["month"].map(_month_label))
    cols = {
        "icb": f"{icb.short_name} (%)",
        "england": "England (%)",
        "attendances": "Attendances",
        "n_providers": "Providers counted",
    }
    ch.table(
        tab.rename(columns=cols),
        "ae_4h_official_by_month",
        f"A&E attendances seen within 4 hours by month, {icb.short_name} (providers located in the ICB) and "
        "England (every provider), from NHS England's monthly A&E files",
        source="NHS England, A&E Attendances and Emergency Admissions, monthly CSV files",
        show_columns=["Month", *cols.values()],
        newest_first="month",
        defer=True,
        formats={
            cols["icb"]: "{:.1f}",
            cols["england"]: "{:.1f}",
            cols["attendances"]: "{:,.0f}",
            cols["n_providers"]: "{:.0f}",
        },
    )


def _dementia_words(ch: Chapter, sc: Scorecard, words: dict[str, C.Claim]) -> None:
    d = dementia_edition_change(sc.icb.ods_code)
    ch.text("dementia_latest_month", _month_label(d["latest_month"]))
    ch.text("dementia_latest_icb", fmt(d["icb_latest"], "pct"))
    ch.text("dementia_latest_england", fmt(d["england_latest"], "pct"))
    if "dementia_edition_change" not in words:
        ch.say("dementia_edition_change", "the only monthly workbook in this book so far")


def _comparison_outputs(ch: Chapter, sc: Scorecard) -> None:
    icb = sc.icb
    comp = icb_comparison()
    ctab = comp[comp["measure"].isin(COMPARED)]
    eng = ctab[ctab["is_england"]].set_index("measure")["value"]
    me = ctab[ctab["icb_ods_code"] == icb.ods_code].set_index("measure").reindex(list(COMPARED))
    me["england"] = eng.reindex(me.index)
    best = me.loc[me["rank"].idxmin()]
    worst = me.loc[me["rank"].idxmax()]
    for key, row in (("comparison_best", best), ("comparison_worst", worst)):
        ch.say(key, f"{esc(row['label'])}: {ordinal(row['rank'])} of {int(row['n_ranked'])} ({esc(row['period'])})")
    fig = comparison_figure(comp, icb, COMPARED)
    alt = "; ".join(f"{r.label}: rank {int(r.rank)} of {int(r.n_ranked)}" for r in me.itertuples())
    ch.figure(
        fig,
        "icb_comparison_chart",
        data=ctab,
        defer=True,
        dpi=100,
        alt=f"Dot charts of the 42 ICBs in rank order for {len(COMPARED)} measures, {icb.short_name} "
        f"highlighted. {alt}.",
        caption=f"{icb.short_name} (diamond) among the 42 ICBs (grey dots) in rank order, best on the left; "
        "dashed line England (not drawn for counts), dotted red line the objective in force for the "
        "period (none drawn where none is recorded). Where one ICB is more than "
        f"{OUTLIER_RATIO:g} times the next highest, it is marked at the top edge with its value, off "
        "the scale, so that the other ICBs can be told apart.",
        source="as in the scorecard",
    )

    out = me.reset_index()
    kind = out["unit"].map({"%": "pct"}).fillna("count")
    out["ICB"] = [fmt(v, k) for v, k in zip(out["value"], kind)]
    out["England"] = [fmt(v, k) for v, k in zip(out["england"], kind)]
    out = out.rename(
        columns={
            "label": "Measure",
            "period": "Period",
            "rank": "Rank (1 = best)",
            "n_ranked": "ICBs ranked",
            "value": "icb_value",
            "england": "england_value",
        }
    )
    ch.table(
        out,
        "icb_comparison",
        f"{icb.short_name} against England and the 42 ICBs, latest period in which every ICB has data",
        source="as in the scorecard",
        defer=True,
        show_columns=["Measure", "Period", "ICB", "England", "Rank (1 = best)", "ICBs ranked"],
        formats={"Rank (1 = best)": "{:.0f}", "ICBs ranked": "{:.0f}"},
        notes="65-week waits are counts (best = fewest, not adjusted for population); bed occupancy: lower is "
        "better. Ranks compare values only: a fraction of a point can separate several places.",
    )


def _notes_box(ch: Chapter, sc: Scorecard) -> None:
    lines = []
    for s in sc.series.values():
        how = f"**{esc(s.spec.label)}** ({esc(s.spec.source)}): {esc(s.spec.what)}."
        lines.append("- " + " ".join([how, *(esc(n) for n in s.notes)]))
    ch.box("measure_notes", "\n".join(lines), kind="note", title="How each measure is built, and its caveats")


def _headlines(ch: Chapter, sc: Scorecard) -> None:
    head = headline_figures(sc.icb.ods_code)
    year = str(objectives_table()["planning_year"].iloc[0])
    ch.headline(
        "n_objectives",
        head["n_objectives"],
        period=f"{year} objectives",
        source="NHS England, priorities and operational planning guidance",
    )
    ch.headline("n_measured", head["n_measured"], period=f"{year} objectives", source="this book")
    for key in ("n_deadlines_judged", "n_deadlines_met"):
        ch.headline(key, head[key], period="each objective's deadline (or planning year)", source="this book")
    for key in ("n_with_target", "n_met"):
        ch.headline(
            key,
            head[key],
            period="the latest period of each measure",
            source="this book",
            reference_date=str(sc.reference_date.date()),
        )
    for key, hkey in HEADLINE_KEYS.items():
        s = sc.series[key]
        cur = sc.currency[key]
        extra = {
            "england": s.england,
            "period_end": str(s.period_end.date()),
            "frequency": s.spec.frequency,
            "currency": cur.label,
            "out_of_date": cur.out_of_date,
            "target_text": s.objective.target_text if s.target is not None else None,
            "objective_in_force": in_force_text(s),
            "met": s.met.code,
        }
        if s.previous is not None:
            extra["previous"], extra["previous_period"] = s.previous
        ch.headline(hkey, head[hkey], period=s.period_label, source=s.spec.source, **extra)


__all__ = [
    "COMPARED",
    "HEADLINE_KEYS",
    "MEASURES",
    "MIN_SPC_POINTS",
    "MeasureSpec",
    "SECTIONS",
    "Scorecard",
    "Series",
    "adopted_objectives",
    "ae_by_month_official",
    "ae_official_vs_conversion",
    "ae_provider_locations",
    "assurance",
    "build",
    "claims",
    "comparison_figure",
    "currency",
    "dementia_edition_change",
    "headline_figures",
    "icb_comparison",
    "in_force_text",
    "measure_series",
    "objectives_at_deadline",
    "objectives_table",
    "panel_reading",
    "scorecard",
    "spc_figure",
    "value_text",
]
