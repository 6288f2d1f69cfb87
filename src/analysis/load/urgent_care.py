"""NHS England's monthly A&E Attendances and Emergency Admissions CSV, read as published.

One file a month (``Monthly-AE-<Month>-<Year>.csv`` up to June 2025, ``<Month>-<Year>-CSV-<id>.csv``
after), one row per reporting provider (NHS trusts, independent providers, urgent treatment
centres, walk-in centres) and a last national ``TOTAL`` row (``Total`` in September 2025). The
month is read from the ``Period`` column (``MSitAE-JANUARY-2025``), never from the file name.
There is no ICB column: an ICB's figure is built from the providers located in it (see the
scorecard chapter).

This replaces the third-party conversion in ``ae_attendances`` for 2025 onwards: that conversion
repeats February and March 2024 as February and March 2025 for every trust and ICB
(:func:`repeated_months_in_conversion` finds them); NHS England's own files carry their own values
(e.g. RWP, February 2025: 16,264 attendances).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import sources
from ..sources import Period
from ._base import LoaderError, check_codes, check_member, check_unique, read_csv
from .readers import EditionReader, Recognition, find_repeated_periods, register, sniff_csv_header

AE_MONTHLY = "ae_monthly_official"

_TYPES = ("Type 1", "Type 2", "Other A&E Department")
ATTENDANCE_COLS = [f"A&E attendances {t}" for t in _TYPES] + [
    "A&E attendances Booked Appointments Type 1",
    "A&E attendances Booked Appointments Type 2",
    "A&E attendances Booked Appointments Other Department",
]
OVER_4H_COLS = [
    "Attendances over 4hrs Type 1",
    "Attendances over 4hrs Type 2",
    "Attendances over 4hrs Other Department",
    "Attendances over 4hrs Booked Appointments Type 1",
    "Attendances over 4hrs Booked Appointments Type 2",
    "Attendances over 4hrs Booked Appointments Other Department",
]
DTA_COLS = [
    "Patients who have waited 4-12 hs from DTA to admission",
    "Patients who have waited 12+ hrs from DTA to admission",
]
ADMISSION_COLS = [
    "Emergency admissions via A&E - Type 1",
    "Emergency admissions via A&E - Type 2",
    "Emergency admissions via A&E - Other A&E department",
    "Other emergency admissions",
]
TEXT_COLS = ["Period", "Org Code", "Parent Org", "Org name"]
COUNT_COLS = ATTENDANCE_COLS + OVER_4H_COLS + DTA_COLS + ADMISSION_COLS
REQUIRED = TEXT_COLS + COUNT_COLS

_MONTHS = {
    m.upper(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_PERIOD = re.compile(r"^MSITAE-([A-Z]+)-(\d{4})$")  # matched on the upper-cased value


def _month_of(value: str, filename: str) -> dt.date:
    m = _PERIOD.match(str(value).strip().upper())
    if not m or m.group(1) not in _MONTHS:
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}, file {filename!r}, column 'Period': {value!r} is not a "
            "period of the form MSitAE-<MONTH>-<YEAR> (e.g. MSitAE-JANUARY-2025)."
        )
    return dt.date(int(m.group(2)), _MONTHS[m.group(1)], 1)


def parse_ae_monthly(path: Path, *, filename: str | None = None, edition: str | None = None) -> pd.DataFrame:
    """One monthly A&E CSV as a tidy table, one row per provider.

    Columns: ``month`` (first day), ``org_code``, ``org_name``, ``region`` (NHS England region,
    trailing spaces removed), ``attendances`` (all six attendance columns: types 1, 2 and other,
    booked appointments included, as NHS England's headline), ``over_4h`` (the six over-4-hours
    columns), ``type1_attendances``, ``type1_over_4h``, ``emergency_admissions`` (the four
    admission columns), ``dta_4_12h``, ``dta_12h`` (waits from decision to admit). Checks: every
    column present, one period in the file, counts whole and non-negative, no more breaches than
    attendances, codes like ODS codes and unique, and the provider rows add up to the TOTAL row in
    every column (a truncated or edited file fails here).
    """
    fn = filename or path.name
    df = read_csv(AE_MONTHLY, fn, path=path, required=REQUIRED, dtype=str, keep_default_na=False)
    df = df[REQUIRED].copy()
    for c in TEXT_COLS:
        df[c] = df[c].str.strip()
    is_total = df["Org Code"].str.upper().eq("TOTAL")
    if int(is_total.sum()) != 1:
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}, file {fn!r}: expected one national TOTAL row (column 'Org "
            f"Code'), found {int(is_total.sum())}; the file may be truncated or edited."
        )
    periods = df.loc[~is_total, "Period"].unique()
    if len(periods) != 1:
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}, file {fn!r}, column 'Period': the file holds "
            f"{len(periods)} periods ({', '.join(map(str, periods[:4]))}); a monthly file has one."
        )
    month = _month_of(periods[0], fn)
    counts = pd.DataFrame(index=df.index)
    for c in COUNT_COLS:
        v = pd.to_numeric(df[c].str.replace(",", "", regex=False), errors="coerce")
        bad = v.isna() | (v < 0) | (v != np.floor(v))
        if bad.any():
            ex = df.loc[bad, ["Org Code", c]].head(3).to_dict("records")
            raise LoaderError(
                f"dataset {AE_MONTHLY!r}, file {fn!r}, column {c!r}: {int(bad.sum())} value(s) are "
                f"not whole non-negative counts; e.g. {ex}."
            )
        counts[c] = v.astype("int64")
    total, providers = counts[is_total].iloc[0], counts[~is_total]
    off = [c for c in COUNT_COLS if int(providers[c].sum()) != int(total[c])]
    if off:
        c = off[0]
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}, file {fn!r}, column {c!r}: the provider rows add up to "
            f"{int(providers[c].sum()):,} but the TOTAL row says {int(total[c]):,} "
            f"({len(off)} column(s) disagree); the file may be truncated or edited."
        )
    out = pd.DataFrame(
        {
            "month": pd.Timestamp(month),
            "org_code": df.loc[~is_total, "Org Code"].to_numpy(),
            "org_name": df.loc[~is_total, "Org name"].to_numpy(),
            "region": df.loc[~is_total, "Parent Org"].to_numpy(),
            "attendances": providers[ATTENDANCE_COLS].sum(axis=1).to_numpy(),
            "over_4h": providers[OVER_4H_COLS].sum(axis=1).to_numpy(),
            "type1_attendances": providers[["A&E attendances Type 1", "A&E attendances Booked Appointments Type 1"]]
            .sum(axis=1)
            .to_numpy(),
            "type1_over_4h": providers[
                ["Attendances over 4hrs Type 1", "Attendances over 4hrs Booked Appointments Type 1"]
            ]
            .sum(axis=1)
            .to_numpy(),
            "emergency_admissions": providers[ADMISSION_COLS].sum(axis=1).to_numpy(),
            "dta_4_12h": providers[DTA_COLS[0]].to_numpy(),
            "dta_12h": providers[DTA_COLS[1]].to_numpy(),
        }
    )
    check_codes(out["org_code"], r"[A-Z0-9]{3,6}", dataset=AE_MONTHLY, filename=fn, column="Org Code")
    check_unique(out, ["org_code"], AE_MONTHLY, fn)
    bad = out["over_4h"] > out["attendances"]
    if bad.any():
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}, file {fn!r}: {int(bad.sum())} provider(s) report more waits "
            f"over 4 hours than attendances; e.g. {out.loc[bad, 'org_code'].head(3).tolist()}."
        )
    if edition is not None:
        out.insert(0, "edition", edition)
    return out


def _period_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


@register
class AEMonthlyReader(EditionReader):
    dataset = AE_MONTHLY
    frequency = "monthly"
    kind = "series"
    describes = "NHS England Monthly A&E Attendances and Emergency Admissions CSV (by provider)"

    def recognise(self, path: Path) -> Recognition:
        if path.suffix.lower() != ".csv":
            return Recognition(False, f"it is a {path.suffix or 'file without a suffix'}, not a .csv")
        header = sniff_csv_header(path)
        missing = [c for c in REQUIRED if c not in header]
        if not header:
            return Recognition(False, "it has no readable CSV header")
        if len(missing) > len(REQUIRED) // 2:
            return Recognition(
                False,
                f"its header lacks {len(missing)} of the {len(REQUIRED)} columns of the A&E "
                f"monthly CSV (e.g. {missing[0]!r})",
            )
        return Recognition(True, "")

    def read(self, path: Path) -> pd.DataFrame:
        return parse_ae_monthly(path)

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        month = table["month"].iloc[0].date()
        end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        return Period(month, end, _period_label(month))

    def org_codes(self, table: pd.DataFrame) -> pd.Series:
        return table["org_code"]

    def values(self, table: pd.DataFrame) -> pd.DataFrame:
        return table.set_index("org_code")[["attendances", "over_4h", "emergency_admissions", "dta_4_12h", "dta_12h"]]


def ae_monthly_providers() -> pd.DataFrame:
    """Every selected edition of the monthly A&E CSV, one row per provider and month (columns as
    :func:`parse_ae_monthly`, plus ``edition``), oldest month first. Where an edition was revised
    (two editions for one month), the one added last is used. Months whose values repeat another
    month's for every provider are refused: that is an upstream copy error, not data."""
    frames: dict[str, pd.DataFrame] = {}
    for e in sources.editions(AE_MONTHLY):
        spec = e.file()
        t = parse_ae_monthly(sources.resolve_spec(spec), filename=spec.filename, edition=e.id)
        frames[_period_label(t["month"].iloc[0].date())] = t  # later-added revision wins
    repeats = find_repeated_periods({k: AEMonthlyReader().values(v) for k, v in frames.items()})
    if repeats:
        later, earlier = repeats[0]
        raise LoaderError(
            f"dataset {AE_MONTHLY!r}: the edition for {later} repeats {earlier} for every provider "
            "(an upstream copy error); remove it with `python -m analysis data remove`."
        )
    return pd.concat(frames.values(), ignore_index=True).sort_values(["month", "org_code"], ignore_index=True)


AE_ATTRIBUTION = ("ae_attendances", "ae_acute_trust_attribution_healthyr.csv")
AE_TRUST_FILE = "ae_trust_month_healthyr.csv"


def ae_provider_attribution() -> pd.DataFrame:
    """Which acute trust(s) each A&E provider's attendances are attributed to: a modelling table
    of the healthyr package (not an NHS England product), used only to place non-acute providers
    (urgent treatment centres, community trusts) in the ICB of their acute trust(s).

    Columns: ``provider_code``, ``acute_trust_code``, ``share`` (0-1; the shares of a provider
    add up to 1)."""
    ds, fn = AE_ATTRIBUTION
    df = read_csv(
        ds,
        fn,
        required=["nhs_trust22_code_all", "nhs_trust22_code_acute", "proportion_attendances_attributed_to_acute_trust"],
        dtype={"nhs_trust22_code_all": str, "nhs_trust22_code_acute": str},
    )
    df = df.rename(
        columns={
            "nhs_trust22_code_all": "provider_code",
            "nhs_trust22_code_acute": "acute_trust_code",
            "proportion_attendances_attributed_to_acute_trust": "share",
        }
    )
    for c in ("provider_code", "acute_trust_code"):
        check_codes(df[c], r"[A-Z0-9]{3,6}", dataset=ds, filename=fn, column=c)
    check_unique(df, ["provider_code", "acute_trust_code"], ds, fn)
    # Attendances can only be attributed to an NHS trust that reports A&E: the same package's trust
    # table lists them (a mistyped code would otherwise silently drop a provider from every ICB).
    from .performance import ae_attendances

    check_member(
        df["acute_trust_code"],
        set(ae_attendances("trust")["nhs_trust22_code"]),
        dataset=ds,
        filename=fn,
        column="nhs_trust22_code_acute",
        reference_name=f"the trusts of {AE_TRUST_FILE}",
    )
    share = pd.to_numeric(df["share"], errors="coerce")
    if share.isna().any() or ((share <= 0) | (share > 1)).any():
        raise LoaderError(
            f"dataset {ds!r}, file {fn!r}, column 'proportion_attendances_attributed_to_acute_trust': "
            f"expected shares in (0, 1], found {df.loc[share.isna() | (share <= 0) | (share > 1), 'share'].head(3).tolist()}."
        )
    total = share.groupby(df["provider_code"]).sum()
    off = total[(total - 1).abs() > 0.011]  # shares are published to 2 dp
    if len(off):
        raise LoaderError(
            f"dataset {ds!r}, file {fn!r}: the shares of {len(off)} provider(s) do not add up to 1; "
            f"e.g. {off.head(3).round(3).to_dict()}."
        )
    return df.assign(share=share)[["provider_code", "acute_trust_code", "share"]]


def repeated_months_in_conversion(level: str = "trust") -> list[tuple[str, str]]:
    """Months of the third-party A&E conversion (``ae_attendances``) that repeat an earlier month
    for every organisation: [(month, month it copies)]. On the mirror's copy: 2025-02 and 2025-03
    repeat 2024-02 and 2024-03."""
    from .performance import ae_attendances

    df = ae_attendances(level=level)
    key = "icb22_code" if level == "icb" else "nhs_trust22_code"
    by_month = {
        m: g.set_index(key)[["total_attendances", "attendances_over_4hours"]] for m, g in df.groupby("month", sort=True)
    }
    return find_repeated_periods(by_month)


@sources.remembered(maxsize=1, national=True)
def ae_provider_locations() -> pd.DataFrame:
    """Every provider in NHS England's monthly A&E files and the ICB it is located in (ODS code),
    as the scorecard sums them: an NHS acute trust is in the ICB WLMDS groups it into (as for bed
    occupancy; trusts that merged since are placed with their successor); another provider (an
    urgent treatment centre, a community trust) is in the ICB of the acute trust(s) its
    attendances are attributed to (healthyr's attribution table) when they are all in one ICB.
    Anything else cannot be located and is in no ICB's figure.

    Columns: org_code, org_name, icb_code (None when not located), how (in words).
    """
    from .performance import TRUST_MERGERS
    from .waiting import wlmds_trust_icb

    prov = ae_monthly_providers()
    trusts = wlmds_trust_icb()
    to_icb = dict(zip(trusts["trust_code"], trusts["icb_code"]))
    for old, new in TRUST_MERGERS.items():
        to_icb.setdefault(old, to_icb[new])
    att = ae_provider_attribution()
    att["icb_code"] = att["acute_trust_code"].map(to_icb)
    one_icb = att.groupby("provider_code")["icb_code"].agg(
        lambda c: c.iloc[0] if c.notna().all() and c.nunique() == 1 else None
    )
    names = prov.sort_values("month").drop_duplicates("org_code", keep="last").set_index("org_code")["org_name"]
    rows = []
    for code, name in names.items():
        if code in to_icb:
            rows.append((code, name, to_icb[code], "acute trust located in the ICB"))
        elif one_icb.get(code):
            rows.append((code, name, one_icb[code], "attendances attributed to acute trusts in the ICB"))
        elif code in one_icb.index:
            rows.append((code, name, None, "attributed to acute trusts in more than one ICB, or to one not grouped"))
        else:
            rows.append((code, name, None, "not an acute trust and not in the attribution table"))
    return pd.DataFrame(rows, columns=["org_code", "org_name", "icb_code", "how"])


__all__ = [
    "AE_MONTHLY",
    "AEMonthlyReader",
    "ae_monthly_providers",
    "ae_provider_attribution",
    "ae_provider_locations",
    "parse_ae_monthly",
    "repeated_months_in_conversion",
]
