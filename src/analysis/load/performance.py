"""NHS operational performance datasets used by the national objectives scorecard.

One loader per published dataset, each returning a tidy, validated table:

* :func:`cancer_waiting_times` - 28-day Faster Diagnosis Standard, 31- and 62-day combined
  standards by provider, ICB (ODS codes; commissioner basis) and England, monthly.
* :func:`ae_attendances` - A&E attendances and 4-hour waits by ICB (ONS 2022 codes) or trust.
* :func:`bed_occupancy` - general and acute (G&A) beds available / occupied by trust (sitrep).
* :func:`talking_therapies` - NHS Talking Therapies key measures by sub-ICB location or trust.
* :func:`gp_appointments` - GP appointments by sub-ICB location, month and booking lead time.
* :func:`dementia_diagnosis_rate` - estimated dementia diagnosis rate (65+) by organisation, from the
  monthly summary workbooks (:mod:`analysis.load.dementia`).
* :func:`ambsys_response_times_2017_2021` - ambulance response times (AmbSYS), Aug 2017 - Jan 2021.

Scales as published: CWT ``performance`` and bed occupancy rates are fractions 0-1; talking
therapies and dementia percentages are 0-100. Chapters convert to 0-100 for display.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import sources
from ._base import LoaderError, cached_table, check_codes, check_unique, one_name_per_code, read_csv, to_number

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"

# --------------------------------------------------------------------------- cancer waiting times

CWT = ("cancer_waiting_times", "cwt_org_month.csv")
#: The manifest's series break of the cancer standards (combined 31- and 62-day standards).
CWT_BREAK_ID = "combined_standards"

_CWT_SCHEMA = pa.DataFrameSchema(
    {
        "level": pa.Column(str, pa.Check.isin(["national", "icb", "provider"])),
        "org_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]{3,5}$")),
        "org_name": pa.Column(str),
        "standard": pa.Column(str, pa.Check.isin(["FDS28", "CMB31", "CMB62"])),
        "target": pa.Column(float, pa.Check.isin([0.75, 0.96, 0.85])),
        "month": pa.Column(str, pa.Check.str_matches(MONTH)),
        "within_standard": pa.Column(float, pa.Check.ge(0)),
        "total": pa.Column(float, pa.Check.ge(0)),
        "performance": pa.Column(float, pa.Check.in_range(0, 1)),
    },
    checks=pa.Check(lambda d: d["within_standard"] <= d["total"] + 1, error="within_standard <= total"),
    strict=False,
    coerce=True,
)


def cwt_combined_from() -> pd.Timestamp:
    """First month of the combined 31- and 62-day cancer standards (NHS England; the manifest's
    series break of ``cancer_waiting_times``): earlier 31- and 62-day months are not comparable."""
    return sources.series_break(CWT[0], CWT_BREAK_ID)


def cancer_waiting_times() -> pd.DataFrame:
    """Cancer Waiting Times, one row per (level, org_code, standard, month).

    ``performance`` (0-1) is NHS England's ratio from unrounded counts (counts can hold 0.5
    shared-pathway allocations). 31/62-day combined standards exist only from October 2023 in
    their current definition. ICB rows are commissioner-based (ODS codes); from April 2026 six
    merged ICBs replace some ICBs, whose series end in March 2026. Provider rows with no patients
    (``total`` 0) have a missing ``performance``.
    """
    ds, fn = CWT
    df = read_csv(
        ds, fn, required=list(_CWT_SCHEMA.columns) + ["data_status"], schema=_CWT_SCHEMA, dtype={"org_code": str}
    )
    check_unique(df, ["level", "org_code", "standard", "month"], ds, fn)
    # Provider and hub codes have no lookup in the mirror (RTT lacks 39 of the CWT providers), so
    # codes are checked for their form (schema) and for naming one organisation each.
    if not (df.loc[df["level"] == "national", "org_code"] == "ENG").all():
        raise LoaderError(f"dataset {ds!r}, file {fn!r}, column 'org_code': national rows must have code 'ENG'.")
    one_name_per_code(df, "org_code", "org_name", ds, fn, by=["level"])
    # 145 provider rows have no patients (total 0) yet a performance of 0 or 1: not a rate.
    df["performance"] = df["performance"].where(df["total"] > 0)
    if not (df.loc[df["level"] != "provider", "total"] > 0).all():
        raise LoaderError(f"dataset {ds!r}, file {fn!r}: an England or ICB row has no patients.")
    return df


# --------------------------------------------------------------------------- A&E

AE_ICB = ("ae_attendances", "ae_icb_month_healthyr.csv")
AE_TRUST = ("ae_attendances", "ae_trust_month_healthyr.csv")

_AE_COUNTS = [
    "total_attendances",
    "attendances_over_4hours",
    "total_emergency_admissions",
    "emergency_admissions_over_4hours",
]


def ae_attendances(level: str = "icb") -> pd.DataFrame:
    """A&E attendances and 4-hour waits, monthly.

    ``level="icb"``: 42 ICBs (ONS 2022 codes in ``icb22_code``), Apr 2022 - Jul 2025, from NHS
    England's "System Level Data" (all providers in the ICB, including non-trust sites).
    ``level="trust"``: NHS trusts (``nhs_trust22_code``), Apr 2021 - Jul 2025 (trusts only).
    Adds ``pct_within_4h`` (0-1) recomputed from the counts (the published fraction is rounded to
    2 dp). A trust that did not report 4-hour data has a missing count, never 0.
    """
    if level not in ("icb", "trust"):
        raise ValueError(f"level must be 'icb' or 'trust', got {level!r}")
    ds, fn = AE_ICB if level == "icb" else AE_TRUST
    key = "icb22_code" if level == "icb" else "nhs_trust22_code"
    schema = pa.DataFrameSchema(
        {
            key: pa.Column(str, pa.Check.str_matches(r"^E54\d{6}$" if level == "icb" else r"^[A-Z0-9]{3,5}$")),
            "month": pa.Column(str, pa.Check.str_matches(MONTH)),
            **{c: pa.Column(float, pa.Check.ge(0), nullable=True) for c in _AE_COUNTS},
        },
        strict=False,
        coerce=True,
    )
    df = read_csv(ds, fn, required=[key, "month", *_AE_COUNTS], schema=schema, dtype={key: str})
    check_unique(df, [key, "month"], ds, fn)
    bad = df["attendances_over_4hours"] > df["total_attendances"]
    if bad.any():
        raise LoaderError(
            f"dataset {ds!r}, file {fn!r}: {int(bad.sum())} rows have more 4-hour breaches than attendances."
        )
    ok = df["total_attendances"] > 0
    df["pct_within_4h"] = np.where(ok, 1 - df["attendances_over_4hours"] / df["total_attendances"].where(ok), np.nan)
    return df


# --------------------------------------------------------------------------- beds

BEDS = ("bed_occupancy", "ga_beds_trust_month_healthyr.csv")

_BED_COLS = [
    "general_acute_beds_available",
    "general_acute_beds_occupied",
    "adult_general_acute_beds_available",
    "adult_general_acute_beds_occupied",
]


def bed_occupancy() -> pd.DataFrame:
    """G&A beds available and occupied by trust and month (monthly average of daily sitreps).

    Counts as published; the published ``*_occupancy_rate`` columns (0-1) are kept, but rates
    for groups of trusts must be recomputed from the counts (summed occupied / summed available).
    """
    ds, fn = BEDS
    schema = pa.DataFrameSchema(
        {
            "nhs_trust22_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]{3,5}$")),
            "month": pa.Column(str, pa.Check.str_matches(MONTH)),
            **{c: pa.Column(float, pa.Check.ge(0), nullable=True) for c in _BED_COLS},
            "general_acute_beds_occupancy_rate": pa.Column(float, pa.Check.in_range(0, 1.5), nullable=True),
        },
        strict=False,
        coerce=True,
    )
    df = read_csv(
        ds,
        fn,
        required=["nhs_trust22_code", "month", *_BED_COLS, "general_acute_beds_occupancy_rate"],
        schema=schema,
        dtype={"nhs_trust22_code": str},
    )
    check_unique(df, ["nhs_trust22_code", "month"], ds, fn)
    return df


# --------------------------------------------------------------------------- talking therapies

TT_SICBL = ("talking_therapies", "iapt_sicb_month_healthyr.csv")
TT_TRUST = ("talking_therapies", "iapt_trust_month_healthyr.csv")

TT_MEASURES = [
    "Count_AccessingServices",
    "Count_Deterioration",
    "Count_EndedReferrals",
    "Count_FinishedCourseTreatment",
    "Count_ReferralsReceived",
    "Percentage_AccessingServices18WeeksFinishedCourseTreatment",
    "Percentage_AccessingServices6WeeksFinishedCourseTreatment",
    "Percentage_Deterioration",
    "Percentage_Improvement",
    "Percentage_Recovery",
    "Percentage_ReliableRecovery",
]


def talking_therapies(level: str = "sicbl") -> pd.DataFrame:
    """NHS Talking Therapies key measures, long: (org, month, measure, value, suppressed).

    ``level="sicbl"``: 106 sub-ICB locations (ONS 2022 codes ``sicbl22_code``), Jul 2022 - May
    2023; ``level="trust"``: providers, May 2022 - May 2023. Counts are rounded to 5 and small
    numbers suppressed by NHS England: suppressed cells are missing with ``suppressed`` True.
    """
    if level not in ("sicbl", "trust"):
        raise ValueError(f"level must be 'sicbl' or 'trust', got {level!r}")
    ds, fn = TT_SICBL if level == "sicbl" else TT_TRUST
    key = "sicbl22_code" if level == "sicbl" else "nhs_trust22_code"
    df = read_csv(ds, fn, required=[key, "month", "name", "value"], dtype=str, rename={"name": "measure"})
    check_codes(df[key], r"E38\d{6}" if level == "sicbl" else r"[A-Z0-9]{3,5}", dataset=ds, filename=fn, column=key)
    check_codes(df["month"], r"\d{4}-(0[1-9]|1[0-2])", dataset=ds, filename=fn, column="month")
    unknown = set(df["measure"]) - set(TT_MEASURES)
    if unknown:
        raise LoaderError(f"dataset {ds!r}, file {fn!r}: unknown measure(s) {sorted(unknown)}.")
    df["value"], df["suppressed"] = to_number(df["value"], dataset=ds, filename=fn, column="value")
    check_unique(df, [key, "month", "measure"], ds, fn)
    if (df["value"] < 0).any():
        raise LoaderError(f"dataset {ds!r}, file {fn!r}: negative values in column 'value'.")
    return df


# --------------------------------------------------------------------------- GP appointments

GPAD = ("gp_appointments", "gpad_subicb_month.csv.gz")

#: Booking lead-time bands as published (note the double spaces in NHS Digital's labels).
GPAD_LEAD_TIMES = [
    "Same Day",
    "1 Day",
    "2 to 7 Days",
    "8  to 14 Days",
    "15  to 21 Days",
    "22  to 28 Days",
    "More than 28 Days",
    "Unknown / Data Quality",
]
#: Bands that count as "within two weeks" of booking (0-14 days).
GPAD_WITHIN_2_WEEKS = ["Same Day", "1 Day", "2 to 7 Days", "8  to 14 Days"]


@cached_table("gpad_subicb_leadtime_month", inputs=[GPAD])
def gp_appointments() -> pd.DataFrame:
    """GP appointments by sub-ICB location, month and booking lead time (all statuses, staff
    types and modes summed). Columns: sicbl_code (ODS, e.g. 18C), sicbl_ons_code, icb_ons_code
    (2022 ONS codes as in the file), month (YYYY-MM), lead_time, appointments."""
    ds, fn = GPAD
    schema = pa.DataFrameSchema(
        {
            "SUB_ICB_LOCATION_CODE": pa.Column(str, pa.Check.str_matches(r"^[0-9A-Z]{3,5}$")),
            "SUB_ICB_LOCATION_ONS_CODE": pa.Column(str, pa.Check.str_matches(r"^E38\d{6}$")),
            "ICB_ONS_CODE": pa.Column(str, pa.Check.str_matches(r"^E54\d{6}$")),
            "APPOINTMENT_MONTH": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-01$")),
            "TIME_BETWEEN_BOOK_AND_APPT": pa.Column(str, pa.Check.isin(GPAD_LEAD_TIMES)),
            "COUNT_OF_APPOINTMENTS": pa.Column("int64", pa.Check.ge(0)),
        },
        strict=False,
    )
    cols = list(schema.columns)
    # The published key also has status, staff type and mode (summed over below): read them to
    # check that no row is repeated (a repeated row would otherwise be counted twice).
    detail = ["APPT_STATUS", "HCP_TYPE", "APPT_MODE"]
    df = read_csv(
        ds,
        fn,
        required=cols + detail,
        usecols=cols + detail,
        compression="gzip",
        dtype={c: str for c in cols[:-1] + detail} | {"COUNT_OF_APPOINTMENTS": "int64"},
        schema=schema,
    )
    check_unique(df, ["SUB_ICB_LOCATION_CODE", "APPOINTMENT_MONTH", *detail, "TIME_BETWEEN_BOOK_AND_APPT"], ds, fn)
    out = (
        df.groupby(cols[:-1], as_index=False, observed=True)["COUNT_OF_APPOINTMENTS"]
        .sum()
        .rename(
            columns={
                "SUB_ICB_LOCATION_CODE": "sicbl_code",
                "SUB_ICB_LOCATION_ONS_CODE": "sicbl_ons_code",
                "ICB_ONS_CODE": "icb_ons_code",
                "TIME_BETWEEN_BOOK_AND_APPT": "lead_time",
                "COUNT_OF_APPOINTMENTS": "appointments",
            }
        )
    )
    out["month"] = out.pop("APPOINTMENT_MONTH").str[:7]
    return out[["sicbl_code", "sicbl_ons_code", "icb_ons_code", "month", "lead_time", "appointments"]]


# --------------------------------------------------------------------------- dementia

# Read from NHS England's monthly summary workbooks, edition by edition (see .dementia); kept
# importable from here, where the scorecard's other performance loaders are.
from .dementia import dementia_diagnosis_rate  # noqa: E402

# --------------------------------------------------------------------------- ambulance

AMBSYS = ("ambsys_response_times_2017_2021", "ambsys_response_times_long.csv")


def ambsys_response_times_2017_2021() -> pd.DataFrame:
    """Ambulance response times by category (C1, C1T, C2, C3, C4), England, NHS regions and the
    11 ambulance services, monthly Aug 2017 - Jan 2021 (nothing later in this edition).

    Columns: month (YYYY-MM), region (region ODS code for services; the region's name for region
    rows; 'Eng' for England), org_code, org_name, level (national | region | service), category,
    incidents, total_response_time_s, mean_response_time_s (published), p90_response_time_s.
    """
    ds, fn = AMBSYS
    num = ["incidents", "total_response_time_s", "mean_response_time_s", "p90_response_time_s"]
    df = read_csv(
        ds,
        fn,
        required=["Year", "Month", "Region", "Org Code", "Org Name", "category", *num],
        dtype=str,
        rename={"Region": "region", "Org Code": "org_code", "Org Name": "org_name"},
    )
    for c in num:
        df[c], flag = to_number(df[c], dataset=ds, filename=fn, column=c)
        df[f"{c}_not_available"] = flag
        if (df[c] < 0).any():  # counts and durations (seconds)
            ex = df.loc[df[c] < 0, c].head(3).tolist()
            raise LoaderError(
                f"dataset {ds!r}, file {fn!r}, column {c!r}: negative values {ex} "
                "(counts and response times cannot be negative)."
            )
    df["month"] = df["Year"].str.strip() + "-" + df["Month"].str.strip().str.zfill(2)
    check_codes(df["month"], r"\d{4}-(0[1-9]|1[0-2])", dataset=ds, filename=fn, column="Year/Month")
    df = df.drop(columns=["Year", "Month"])
    df["level"] = np.select(
        [df["org_code"].eq("Eng"), df["org_code"].str.match(r"^Y\d{2}$")], ["national", "region"], default="service"
    )
    bad = ~df["category"].isin(["C1", "C1T", "C2", "C3", "C4"])
    if bad.any():
        raise LoaderError(
            f"dataset {ds!r}, file {fn!r}: unknown categories {sorted(df.loc[bad, 'category'].unique())}."
        )
    check_unique(df, ["month", "org_code", "category"], ds, fn)
    return df


# --------------------------------------------------------------------------- acute trust -> ICB

#: Acute trusts in the 2022-2025 bed data that later merged into a trust present in the WLMDS
#: trust -> ICB grouping (:func:`analysis.load.waiting.wlmds_trust_icb`, January 2026):
#: predecessor -> successor. Their beds are counted in the successor's ICB.
TRUST_MERGERS = {
    "RA4": "RH5",  # Yeovil District Hospital NHS FT -> Somerset NHS FT
    "RVY": "RBN",  # Southport and Ormskirk Hospital NHS Trust -> Mersey and West Lancashire Teaching Hospitals
    "RAP": "RAL",  # North Middlesex University Hospital NHS Trust -> Royal Free London NHS FT
}


__all__ = [
    "GPAD_LEAD_TIMES",
    "GPAD_WITHIN_2_WEEKS",
    "TRUST_MERGERS",
    "TT_MEASURES",
    "ae_attendances",
    "ambsys_response_times_2017_2021",
    "bed_occupancy",
    "cancer_waiting_times",
    "cwt_combined_from",
    "dementia_diagnosis_rate",
    "gp_appointments",
    "talking_therapies",
]
