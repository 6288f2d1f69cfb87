"""Waiting lists: RTT incomplete pathways (monthly), NHS England's national RTT series, WLMDS.

Three published sources, each read once and returned as a tidy, validated table:

* :func:`rtt_incomplete` - the RTT waiting list (incomplete pathways, all treatment functions)
  for England, every ICB *as commissioner* (ODS codes) and every provider, monthly April 2022 to
  April 2026 (``rtt_incomplete/rtt_incomplete_org_month.csv``). Percentages are recomputed from
  the counts on the 0-100 scale. The series breaks when community-service pathways left RTT:
  see :func:`rtt_series_break` (the date is the manifest's). ICB rows sum to 93-98% of England
  because pathways commissioned by NHS England specialised-commissioning hubs have no ICB.
* :func:`rtt_national_timeseries` - NHS England's *RTT Overview Timeseries* (England), used to
  check the England rows of :func:`rtt_incomplete` month by month.
* :func:`wlmds` - the Waiting List Minimum Data Set (WLMDS) *Demographics Summary* workbook, read
  as published (:func:`parse_wlmds_summary`): the waiting list by patient IMD decile (IMD 2019,
  1 = most deprived), ethnic category, age band and sex, for England, NHS regions, ICBs and acute
  trusts, for one week (a snapshot: the latest edition; :func:`wlmds_week_ending` gives its week,
  read from the workbook's ``Period:`` cell, never from the file name, which in the mirror says
  2025 for a 2026 snapshot). Management information. ICB rows are **provider-based** (the NHS
  acute trusts located in the ICB), not the ICB's residents. Counts are rounded to 5; ``*``
  (suppressed) stays missing with a flag.

:func:`wlmds_trust_icb` reconstructs which acute trusts WLMDS adds up into each ICB row (the
publisher gives no lookup); :func:`merged_icbs_2026` reads the April 2026 ICB mergers from the RTT
file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import sources
from ..sources import Period
from ._base import (
    LoaderError,
    cached_table,
    check_codes,
    check_unique,
    read_csv,
    read_excel,
    snake,
    to_number,
    validate,
)
from .readers import EditionReader, Recognition, register, title_cells

RTT_DATASET = "rtt_incomplete"
RTT_FILE = "rtt_incomplete_org_month.csv"
NAT_DATASET = "rtt_national_timeseries"
NAT_FILE = "rtt_overview_timeseries_england.csv"
WLMDS_DATASET = "wlmds_deprivation"

#: The RTT series break (community-service pathways left RTT), as the manifest records it on
#: the dataset (``breaks:``, in NHS England's words): see :func:`rtt_series_break`.
RTT_BREAK_ID = "community_services"

#: WLMDS assigns each pathway the IMD 2019 decile of the patient's LSOA (1 = most deprived). The
#: deciles are fixed by the publisher: the book's ``imd_version`` parameter does not change them.
WLMDS_IMD_VERSION = 2019

RTT_COUNT_COLUMNS = [
    "total_waiting",
    "within_18_weeks",
    "over_52_weeks",
    "over_65_weeks",
    "over_78_weeks",
    "over_104_weeks",
]

_RTT_SCHEMA = pa.DataFrameSchema(
    {
        "level": pa.Column(str, pa.Check.isin(["national", "icb", "provider"])),
        "org_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]{3,5}$")),
        "org_name": pa.Column(str),
        "month": pa.Column(str, pa.Check.str_matches(r"^20\d\d-(0[1-9]|1[0-2])$")),
        **{c: pa.Column("int64", pa.Check.ge(0)) for c in RTT_COUNT_COLUMNS},
        "pct_within_18_weeks": pa.Column(float, pa.Check.in_range(0, 1)),
        "former_org": pa.Column("int64", pa.Check.isin([0, 1])),
    },
    strict=False,
    checks=[
        pa.Check(lambda d: (d["within_18_weeks"] <= d["total_waiting"]).all(), error="within 18 weeks > total"),
        pa.Check(
            lambda d: (
                (d["over_104_weeks"] <= d["over_78_weeks"])
                & (d["over_78_weeks"] <= d["over_65_weeks"])
                & (d["over_65_weeks"] <= d["over_52_weeks"])
            ).all(),
            error="wait bands not nested",
        ),
    ],
)


def rtt_series_break() -> pd.Timestamp:
    """First month counted without community-service pathways (NHS England's RTT series break,
    recorded in the manifest): levels either side of it are not comparable."""
    return sources.series_break(RTT_DATASET, RTT_BREAK_ID)


@sources.remembered(maxsize=1, national=True)
def _rtt_raw() -> pd.DataFrame:
    df = read_csv(
        RTT_DATASET,
        RTT_FILE,
        required=[
            "level",
            "org_code",
            "org_name",
            "region",
            "month",
            *RTT_COUNT_COLUMNS,
            "pct_within_18_weeks",
            "former_org",
            "closed_date",
            "successor_codes",
        ],
        schema=_RTT_SCHEMA,
        dtype={"closed_date": str, "successor_codes": str},
    )
    check_unique(df, ["level", "org_code", "month"], RTT_DATASET, RTT_FILE)
    return df


def rtt_incomplete() -> pd.DataFrame:
    """The RTT waiting list for England, ICBs (as commissioner) and providers, one row per month.

    Columns: ``level`` (national | icb | provider), ``org_code`` (ODS), ``org_name``, ``region``
    (NHS region for providers; "England" otherwise, as published), ``month`` (Timestamp, first day
    of the month of the month-end snapshot), ``total_waiting``, ``within_18_weeks``,
    ``pct_within_18_weeks`` (0-100, recomputed from the counts), ``over_52_weeks``,
    ``over_65_weeks``, ``over_78_weeks``, ``over_104_weeks``, ``pct_over_52_weeks`` (0-100),
    ``after_series_break`` (True from February 2024), ``former_org`` (True for the ICBs that closed
    on 1 April 2026), ``closed_date``, ``successor_codes`` (";"-separated ODS codes).
    """
    return _rtt_tidy().copy()


@sources.remembered(maxsize=1, national=True)
def _rtt_tidy() -> pd.DataFrame:
    df = _rtt_raw().copy()
    pct = 100 * df["within_18_weeks"] / df["total_waiting"].where(df["total_waiting"] > 0)
    # the conversion recomputed the fraction to 6 dp; check it agrees with the counts
    gap = (pct - 100 * df["pct_within_18_weeks"]).abs()
    if (gap > 1e-3).any():
        raise LoaderError(
            f"dataset {RTT_DATASET!r}, file {RTT_FILE!r}: pct_within_18_weeks disagrees with "
            f"within_18_weeks / total_waiting in {int((gap > 1e-3).sum())} rows."
        )
    out = df[["level", "org_code", "org_name", "region"]].copy()
    out["region"] = out["region"].str.replace(r"\bAnd\b", "and", regex=True).str.replace(r"\bOf\b", "of", regex=True)
    out["month"] = pd.to_datetime(df["month"] + "-01")
    for c in RTT_COUNT_COLUMNS:
        out[c] = df[c].astype("int64")
    out["pct_within_18_weeks"] = pct
    out["pct_over_52_weeks"] = 100 * df["over_52_weeks"] / df["total_waiting"].where(df["total_waiting"] > 0)
    out["after_series_break"] = out["month"] >= rtt_series_break()
    out["former_org"] = df["former_org"].astype(bool)
    out["closed_date"] = df["closed_date"]
    out["successor_codes"] = df["successor_codes"]
    return out.sort_values(["level", "org_code", "month"]).reset_index(drop=True)


def rtt_england() -> pd.DataFrame:
    """England rows of :func:`rtt_incomplete` (all providers, all English commissioners)."""
    df = rtt_incomplete()
    return df[df["level"] == "national"].reset_index(drop=True)


def rtt_commissioner_series(icb_code: str) -> pd.DataFrame:
    """The RTT series of one ICB as commissioner (ODS code), April 2022 to its last month.

    An ICB that closed on 1 April 2026 (see :func:`merged_icbs_2026`) ends in March 2026; its
    merged successor is a different population and is not joined on. A merged ICB code itself
    (e.g. S9B9J) has only April 2026.
    """
    df = rtt_incomplete()
    out = df[(df["level"] == "icb") & (df["org_code"] == icb_code)].reset_index(drop=True)
    if out.empty:
        raise LoaderError(
            f"dataset {RTT_DATASET!r}: no ICB (commissioner) rows for code {icb_code!r}. "
            "RTT uses ICB ODS codes (e.g. QGH), not ONS codes (E54...)."
        )
    return out


def rtt_provider_series(provider_codes: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """RTT series of providers (all commissioners together), for the given ODS codes."""
    df = rtt_incomplete()
    out = df[(df["level"] == "provider") & df["org_code"].isin(list(provider_codes))].reset_index(drop=True)
    missing = sorted(set(provider_codes) - set(out["org_code"]))
    if missing:
        raise LoaderError(f"dataset {RTT_DATASET!r}: no provider rows for {missing}.")
    return out


def rtt_icb_status(icb_code: str) -> dict:
    """How an ICB's code behaves in the RTT data: first/last month, closed, successors."""
    s = rtt_commissioner_series(icb_code)
    last = s.iloc[-1]
    succ = str(last["successor_codes"]) if pd.notna(last["successor_codes"]) else ""
    return {
        "first_month": s["month"].min(),
        "last_month": s["month"].max(),
        "closed": bool(s["former_org"].any()),
        "closed_date": last["closed_date"] if pd.notna(last["closed_date"]) else None,
        "successor_codes": tuple(c for c in succ.split(";") if c),
    }


def merged_icbs_2026() -> dict[str, tuple[str, ...]]:
    """Merged ICBs that first appear in April 2026 -> the ODS codes of the closed ICBs they absorb.

    Derived from the RTT file: ``successor_codes`` of each ICB that closed on 1 April 2026,
    inverted, keeping only successor codes that are new in April 2026. Some closed ICBs were split
    between successors (e.g. QJG between D7T5G and T6Y0W; QNQ Frimley between S0E4D, S9B9J and the
    continuing QRL), so a merged ICB covers *parts* of some of the ICBs it lists.
    """
    df = rtt_incomplete()
    icb = df[df["level"] == "icb"]
    first = icb.groupby("org_code")["month"].min()
    closed = icb[icb["former_org"]].drop_duplicates("org_code")
    successors = {s for v in closed["successor_codes"].dropna() for s in str(v).split(";") if s}
    # A merged ICB is a code the series did not carry from its first month and that succeeds a
    # closed ICB (a continuing ICB that took over part of a closed one, such as QRL, was there
    # from the start). A late code that succeeds nothing is not guessed at.
    late = set(first[first > icb["month"].min()].index)
    unexplained = sorted(late - successors)
    if unexplained:
        raise LoaderError(
            f"dataset {RTT_DATASET!r}, file {RTT_FILE!r}: ICB code(s) {unexplained} first appear after "
            f"the series' first month ({icb['month'].min():%Y-%m}) but are the successor of no closed "
            "ICB (successor_codes)."
        )
    out: dict[str, list[str]] = {c: [] for c in sorted(late)}
    for r in closed.itertuples():
        for s in str(r.successor_codes).split(";"):
            if s in out:
                out[s].append(r.org_code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


# ------------------------------------------------------------------------- national series

_NAT_COLS = {
    "Month": "month",
    "Incomplete RTT pathways | Total waiting (mil)": "total_waiting",  # holds counts, not millions
    "Incomplete RTT pathways | No. within 18 weeks": "within_18_weeks",
    "Incomplete RTT pathways | % within 18 weeks": "pct_within_18_weeks_published",
    "Incomplete RTT pathways | No. > 52 weeks": "over_52_weeks",
    "Incomplete RTT pathways | No. > 65 weeks": "over_65_weeks",
    "Incomplete RTT pathways | No. > 78 weeks": "over_78_weeks",
    "Incomplete RTT pathways | No. > 104 weeks": "over_104_weeks",
    "Incomplete RTT pathways | Median wait (weeks)": "median_wait_weeks",
}


#: Plausible ranges of the national series: counts of pathways, a percentage, a median in weeks.
_NAT_RANGES = {
    **{
        c: (0, np.inf)
        for c in (
            "total_waiting",
            "within_18_weeks",
            "over_52_weeks",
            "over_65_weeks",
            "over_78_weeks",
            "over_104_weeks",
        )
    },
    "pct_within_18_weeks_published": (0, 100),
    "median_wait_weeks": (0, 104),
}


def rtt_national_timeseries() -> pd.DataFrame:
    """NHS England's RTT Overview Timeseries for England (incomplete pathways, without estimates
    for missing trusts), April 2007 onwards; months not yet published (trailing empty rows) and
    measures not collected at the time (``-``, e.g. 65+ weeks before 2021) stay missing.

    Columns: ``month`` (Timestamp), ``total_waiting``, ``within_18_weeks``, ``over_52_weeks``,
    ``over_65_weeks``, ``over_78_weeks``, ``over_104_weeks``, ``median_wait_weeks``,
    ``pct_within_18_weeks_published`` (0-100 as published: the workbook holds fractions).
    """
    df = read_csv(NAT_DATASET, NAT_FILE, required=list(_NAT_COLS), dtype=str)
    df = df[list(_NAT_COLS)].rename(columns=_NAT_COLS)
    check_codes(df["month"], r"20\d\d-(0[1-9]|1[0-2])", dataset=NAT_DATASET, filename=NAT_FILE, column="Month")
    out = pd.DataFrame({"month": pd.to_datetime(df["month"] + "-01")})
    for c in _NAT_COLS.values():
        if c == "month":
            continue
        out[c], _ = to_number(df[c], dataset=NAT_DATASET, filename=NAT_FILE, column=c)
    out["pct_within_18_weeks_published"] = 100 * out["pct_within_18_weeks_published"]
    for c, (lo, hi) in _NAT_RANGES.items():
        bad = (out[c] < lo) | (out[c] > hi)
        if bad.any():
            src = next(k for k, v in _NAT_COLS.items() if v == c)
            raise LoaderError(
                f"dataset {NAT_DATASET!r}, file {NAT_FILE!r}, column {src!r}: expected {lo:g} to {hi:g}, "
                f"found {out.loc[bad, c].head(3).tolist()} in month(s) "
                f"{df.loc[bad, 'month'].head(3).tolist()}."
            )
    over = out["within_18_weeks"] > out["total_waiting"]
    if over.any():
        raise LoaderError(
            f"dataset {NAT_DATASET!r}, file {NAT_FILE!r}: 'No. within 18 weeks' exceeds 'Total waiting' "
            f"in month(s) {df.loc[over, 'month'].head(3).tolist()}."
        )
    out = out[out["total_waiting"].notna()].reset_index(drop=True)
    check_unique(out, ["month"], NAT_DATASET, NAT_FILE)
    return out


# ------------------------------------------------------------------------------------ WLMDS

_WLMDS_MEASURES = {
    "Total Waiting List": "total_waiting",
    "Up to 18 weeks": "within_18_weeks",
    "Over 18 and up to 52 weeks": "over_18_to_52_weeks",
    "Over 52 weeks": "over_52_weeks",
    "Unknown Clock Start Date": "unknown_clock_start",
    "% within 18 weeks*": "published_pct_within_18_weeks",
    "% > 52 weeks*": "published_pct_over_52_weeks",
}
WLMDS_COUNTS = ["total_waiting", "within_18_weeks", "over_18_to_52_weeks", "over_52_weeks", "unknown_clock_start"]
_ORG_TYPES = ["ALL", "NHS ACUTE", "INDEPENDENT SECTOR", "OTHER", "REGION", "INTEGRATED CARE BOARD", "ACUTE TRUST"]
_DIMENSIONS = {"IMD decile": "imd_decile", "Ethnicity": "ethnicity", "Age": "age", "Sex": "sex"}

_WLMDS_SCHEMA = pa.DataFrameSchema(
    {
        "dimension": pa.Column(str, pa.Check.isin(list(_DIMENSIONS))),
        "Organisation Code": pa.Column(str, pa.Check.str_matches(r"^(ENG|Y\d\d|[A-Z0-9]{3})$")),
        "Organisation Type": pa.Column(str, pa.Check.isin(_ORG_TYPES)),
        "category": pa.Column(str),
        "measure": pa.Column(str, pa.Check.isin(list(_WLMDS_MEASURES))),
        "suppressed": pa.Column("int64", pa.Check.isin([0, 1])),
    },
    strict=False,
)


#: WLMDS organisation types that belong to England (ENG) and the code form of the others.
_ENGLAND_TYPES = {"ALL", "NHS ACUTE", "INDEPENDENT SECTOR", "OTHER"}
_WLMDS_CODE_FORMS = {"REGION": r"Y\d\d", "INTEGRATED CARE BOARD": r"Q[A-Z0-9]{2}", "ACUTE TRUST": r"[A-Z0-9]{3}"}


def _check_wlmds_organisations(df: pd.DataFrame, filename: str) -> None:
    """Every organisation is named once and has the full grid of cells; codes have their type's form.

    A code that is unknown or mistyped in some rows shows up as a code with several names or
    types, or as organisations with missing cells (the published file has all 187 cells for
    each). ICB codes must be among the 42 ICBs; trust codes are checked for their form only (the
    mirror has no acute-trust list: :func:`wlmds_trust_icb` checks them against the RTT providers).
    """
    from .geography import icb_table

    where = f"dataset {WLMDS_DATASET!r}, file {filename!r}"
    code = "Organisation Code"
    names = df.groupby(code)["Organisation Name"].nunique()
    types = df.groupby(code)["Organisation Type"].agg(lambda t: frozenset(t))
    bad = sorted(
        set(names.index[names > 1])
        | {c for c, t in types.items() if len(t) > 1 and not (c == "ENG" and t <= _ENGLAND_TYPES)}
    )
    if bad:
        ex = {c: sorted(df.loc[df[code] == c, "Organisation Name"].unique())[:3] for c in bad[:3]}
        raise LoaderError(
            f"{where}, column {code!r}: code(s) {bad[:10]} carry several organisation names or types "
            f"(unknown or mistyped codes?); e.g. {ex}."
        )
    eng = df[df["Organisation Type"].isin(_ENGLAND_TYPES)]
    if not (eng[code] == "ENG").all():
        raise LoaderError(
            f"{where}, column {code!r}: England rows (types {sorted(_ENGLAND_TYPES)}) must have code 'ENG', "
            f"found {sorted(eng.loc[eng[code] != 'ENG', code].unique())[:5]}."
        )
    for org_type, form in _WLMDS_CODE_FORMS.items():
        check_codes(
            df.loc[df["Organisation Type"] == org_type, code],
            form,
            dataset=WLMDS_DATASET,
            filename=filename,
            column=code,
        )
    icbs = df.loc[df["Organisation Type"] == "INTEGRATED CARE BOARD", code]
    unknown = sorted(set(icbs) - set(icb_table()["ICB24CDH"]))
    if unknown:
        raise LoaderError(
            f"{where}, column {code!r}: ICB code(s) {unknown[:10]} are not among the 42 ICBs "
            "(ODS codes) of lookup_lsoa21_icb."
        )
    cells = ["dimension", "category", "measure"]
    grid = df.loc[(df[code] == "ENG") & (df["Organisation Type"] == "ALL"), cells].drop_duplicates()
    per_org = df.groupby([code, "Organisation Type"]).size()
    short = per_org[per_org != len(grid)]
    if len(short):
        ex = [f"{c} ({t}): {n} of {len(grid)}" for (c, t), n in short.head(5).items()]
        raise LoaderError(
            f"{where}, column {code!r}: {len(short)} organisation(s) do not have one row for each of the "
            f"{len(grid)} (dimension, category, measure) cells of England; e.g. {ex}."
        )
    cross = df[cells].merge(grid, how="left", indicator=True)["_merge"].eq("left_only")
    if cross.any():
        raise LoaderError(
            f"{where}: {int(cross.sum())} rows have a (dimension, category, measure) cell that England "
            f"does not have; e.g. {df.loc[cross.to_numpy(), cells].head(3).to_dict('records')}."
        )


#: The Demographics Summary's provider sheets and the breakdown each holds.
WLMDS_SHEETS = {
    "Provider-Deprivation": "IMD decile",
    "Provider-Ethnicity": "Ethnicity",
    "Provider-Age": "Age",
    "Provider-Sex": "Sex",
}
_GROUP_PREFIX = "Incomplete Pathways - "


def _wlmds_week(rows: list[list], fn: str, sheet: str) -> pd.Timestamp:
    period = title_cells(rows, ("Period",)).get("Period", "")
    try:
        return pd.Timestamp(pd.to_datetime(period.removeprefix("Week ending").strip(), format="%d %B %Y"))
    except ValueError:
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}, file {fn!r}, sheet {sheet!r}: the title block's 'Period:' "
            f"cell should read 'Week ending <day> <Month> <year>', found {period!r}."
        ) from None


def _wlmds_sheet(raw: pd.DataFrame, sheet: str, fn: str) -> pd.DataFrame:
    """One Provider-* sheet (title block, a group header row "Incomplete Pathways - <category>"
    over merged cells, a measure header row, one row per organisation, footnotes) -> long rows."""
    where = f"dataset {WLMDS_DATASET!r}, file {fn!r}, sheet {sheet!r}"
    col1 = raw.iloc[:, 1].astype("string").str.strip()
    at = col1.index[col1.eq("Organisation Code")]
    if len(at) != 1:
        raise LoaderError(f"{where}: expected one header row with 'Organisation Code' in column B, found {len(at)}.")
    h = int(at[0])
    groups = raw.iloc[h].ffill()
    measures = raw.iloc[h + 1]
    ids = {"Organisation Code": 1, "Organisation Name": 2, "Organisation Type": 3}
    for name, j in ids.items():
        if str(raw.iat[h, j]).strip() != name:
            raise LoaderError(
                f"{where}: column {name!r} expected in header cell {chr(65 + j)}{h + 1}, found {raw.iat[h, j]!r}."
            )
    cols = [
        j
        for j in range(4, raw.shape[1])
        if str(groups.iat[j]).startswith(_GROUP_PREFIX) and str(measures.iat[j]).strip() in _WLMDS_MEASURES
    ]
    if not cols:
        raise LoaderError(
            f"{where}: no '{_GROUP_PREFIX}<category>' columns with the published measures "
            f"({', '.join(_WLMDS_MEASURES)})."
        )
    body = raw.iloc[h + 2 :]
    body = body[body.iloc[:, 1].notna() & body.iloc[:, 3].notna()]  # organisation rows; footnotes have no type
    frames = []
    for j in cols:
        frames.append(
            pd.DataFrame(
                {
                    "Organisation Code": body.iloc[:, 1].astype(str).str.strip().to_numpy(),
                    "Organisation Name": body.iloc[:, 2].astype(str).str.strip().to_numpy(),
                    "Organisation Type": body.iloc[:, 3].astype(str).str.strip().to_numpy(),
                    "category": str(groups.iat[j]).removeprefix(_GROUP_PREFIX).strip(),
                    "measure": str(measures.iat[j]).strip(),
                    "value_raw": body.iloc[:, j].map(lambda v: "" if pd.isna(v) else str(v).strip()).to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "dimension", WLMDS_SHEETS[sheet])
    return out


def parse_wlmds_summary(path: Path, *, filename: str | None = None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The four provider sheets of a WLMDS Demographics Summary workbook as one long table, and
    the week it describes (the ``Period:`` cell; every sheet must state the same week).

    Columns: ``dimension`` (IMD decile | Ethnicity | Age | Sex), ``Organisation Code``,
    ``Organisation Name``, ``Organisation Type``, ``category`` (the group header without
    "Incomplete Pathways - "), ``measure`` (one of the seven published measures; a stray helper
    column that is not one of them is left out), ``value_raw`` (the cell as published, ``*`` =
    suppressed, empty = not published).
    """
    fn = filename or path.name
    book = read_excel(
        WLMDS_DATASET, fn, path=path, sheet_name=list(WLMDS_SHEETS), header=None, dtype=object, engine="calamine"
    )
    weeks, frames = {}, []
    for sheet in WLMDS_SHEETS:
        raw = book[sheet]
        weeks[sheet] = _wlmds_week(raw.head(12).values.tolist(), fn, sheet)
        frames.append(_wlmds_sheet(raw, sheet, fn))
    if len(set(weeks.values())) != 1:
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}, file {fn!r}: the sheets state different weeks: "
            f"{ {k: f'{v:%Y-%m-%d}' for k, v in weeks.items()} }."
        )
    return pd.concat(frames, ignore_index=True), next(iter(weeks.values()))


def _wlmds_edition(edition: str | None) -> sources.Edition:
    if edition is None:
        return sources.latest(WLMDS_DATASET)
    for e in sources.editions(WLMDS_DATASET):
        if e.id == edition:
            return e
    raise LoaderError(
        f"dataset {WLMDS_DATASET!r} has no edition {edition!r} in this build; editions: "
        f"{', '.join(e.id for e in sources.editions(WLMDS_DATASET))}."
    )


def wlmds_editions() -> list[str]:
    """The WLMDS editions selected for this build, oldest week first."""
    return [e.id for e in sources.editions(WLMDS_DATASET)]


def wlmds_week_ending(edition: str | None = None) -> pd.Timestamp:
    """The week the WLMDS snapshot describes (the latest edition by default), as recorded in the
    manifest from the workbook's ``Period:`` cell when the edition was added."""
    e = _wlmds_edition(edition)
    if e.period.end is None:
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}, edition {e.id!r}: the manifest records no period end; "
            "run `python tools/make_sources.py refresh-periods wlmds_deprivation`."
        )
    return pd.Timestamp(e.period.end)


_WLMDS_TABLES: dict[str, Callable[..., pd.DataFrame]] = {}


def _wlmds_wide(edition: str | None = None) -> pd.DataFrame:
    """One WLMDS edition as a wide table, parsed once per build (a national workbook that every
    ICB's chapters read) and kept in the table cache, keyed on the edition's file and the code."""
    e = _wlmds_edition(edition)
    table = _WLMDS_TABLES.get(e.id)
    if table is None:
        inputs = [(f"{WLMDS_DATASET}@{e.id}", e.file().filename)]
        table = cached_table(f"wlmds_wide_{snake(e.id)}", inputs)(_parse_wlmds_wide)
        _WLMDS_TABLES[e.id] = table
    return table(edition=e.id)


_wlmds_wide.cache_clear = _WLMDS_TABLES.clear  # type: ignore[attr-defined]  # as tests clear lru_caches


def _parse_wlmds_wide(edition: str) -> pd.DataFrame:
    e = _wlmds_edition(edition)
    spec = e.file()
    fn = spec.filename
    df, week = parse_wlmds_summary(sources.resolve_spec(spec), filename=fn)
    df = validate(df.assign(suppressed=df["value_raw"].eq("*").astype("int64")), _WLMDS_SCHEMA, WLMDS_DATASET, fn)
    check_unique(df, ["dimension", "Organisation Code", "Organisation Type", "category", "measure"], WLMDS_DATASET, fn)
    _check_wlmds_organisations(df, fn)
    if e.period.end is not None and pd.Timestamp(e.period.end) != week:
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}, file {fn!r}: the workbook is for the week ending "
            f"{week:%d %B %Y}, but edition {e.id!r} of the manifest says {e.period.label}."
        )
    # '*' = suppressed small count; an empty cell is a percentage that was not published (its
    # count was suppressed or zero). Both stay missing; only '*' sets the suppressed flag.
    raw = df["value_raw"].astype("string").str.strip()
    value, _ = to_number(raw.fillna(""), dataset=WLMDS_DATASET, filename=fn, column="value_raw")
    star = raw.eq("*").fillna(False)
    df = df.assign(value=value, suppressed=star, measure=df["measure"].map(_WLMDS_MEASURES))
    keys = ["dimension", "Organisation Code", "Organisation Name", "Organisation Type", "category"]
    vals = df.pivot(index=keys, columns="measure", values="value")
    flags = df.pivot(index=keys, columns="measure", values="suppressed").astype(bool)
    flags = flags[WLMDS_COUNTS].add_suffix("_suppressed")
    wide = vals.join(flags).reset_index()
    wide.columns.name = None
    return wide


@register
class WLMDSSummaryReader(EditionReader):
    dataset = WLMDS_DATASET
    frequency = "monthly"
    kind = "snapshot"
    describes = "NHS England WLMDS Demographics Summary workbook (xlsx)"
    suffixes = (".xlsx",)

    def recognise(self, path: Path) -> Recognition:
        rows, why = self.sheet_head(path, "Provider-Deprivation", 14)
        if rows is None:
            return why
        cells = title_cells(rows, ("Source", "Period"))
        if "Waiting List Minimum Data Set" not in cells.get("Source", "") or not cells.get("Period", "").startswith(
            "Week ending"
        ):
            return Recognition(
                False,
                "its title block does not say 'Source: Waiting List Minimum Data Set' and 'Period: Week ending ...'",
            )
        return Recognition(True)

    def read(self, path: Path) -> pd.DataFrame:
        df, week = parse_wlmds_summary(path)
        _check_wlmds_organisations(df.assign(suppressed=0), path.name)
        return df.assign(week_ending=week)

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        week = pd.Timestamp(table["week_ending"].iloc[0])
        start = week - pd.Timedelta(days=6)
        return Period(start.date(), week.date(), f"week ending {week.day} {week:%B %Y}")

    def org_codes(self, table: pd.DataFrame) -> pd.Series:
        return pd.Series(table["Organisation Code"].unique())

    def values(self, table: pd.DataFrame) -> pd.DataFrame:
        t = table[(table["dimension"] == "IMD decile") & (table["measure"] == "Total Waiting List")]
        t = t.assign(org=t["Organisation Code"] + "|" + t["Organisation Type"])
        return t.pivot(index="org", columns="category", values="value_raw")


def wlmds(dimension: str | None = None, edition: str | None = None) -> pd.DataFrame:
    """The WLMDS waiting list for one week (the latest edition, or ``edition``; the week is
    :func:`wlmds_week_ending`), one row per organisation and category, for ``dimension`` in
    {"imd_decile", "ethnicity", "age", "sex"} (all when None).

    Columns: ``dimension``, ``org_code`` (ENG, NHS region Y.., ICB or trust ODS code),
    ``org_name``, ``org_type`` (ALL | NHS ACUTE | INDEPENDENT SECTOR | OTHER for England; REGION;
    INTEGRATED CARE BOARD; ACUTE TRUST), ``category`` (as published, e.g. "IMD 1", "H: Indian",
    "0 to 18 years", "Female"), ``imd_decile`` (1-10, 1 = most deprived; IMD decile rows only),
    counts ``total_waiting``, ``within_18_weeks``, ``over_18_to_52_weeks``, ``over_52_weeks``,
    ``unknown_clock_start`` (rounded to 5 by the publisher; missing where suppressed) each with a
    ``*_suppressed`` flag, and the published fractions ``published_pct_within_18_weeks`` /
    ``published_pct_over_52_weeks`` converted to 0-100.
    """
    w = _wlmds_wide(edition).copy()
    w["dimension"] = w["dimension"].map(_DIMENSIONS)
    w = w.rename(
        columns={"Organisation Code": "org_code", "Organisation Name": "org_name", "Organisation Type": "org_type"}
    )
    for c in ("published_pct_within_18_weeks", "published_pct_over_52_weeks"):
        w[c] = 100 * w[c]
    dec = w["category"].str.extract(r"^IMD (\d{1,2})$")[0]
    w["imd_decile"] = pd.to_numeric(dec).astype("Int64")
    bad = (w["dimension"] == "imd_decile") & ~w["imd_decile"].between(1, 10).fillna(False)
    if bad.any():
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}: unexpected IMD categories {w.loc[bad, 'category'].unique()[:5]}."
        )
    cols = [
        "dimension",
        "org_code",
        "org_name",
        "org_type",
        "category",
        "imd_decile",
        *WLMDS_COUNTS,
        *[f"{c}_suppressed" for c in WLMDS_COUNTS],
        "published_pct_within_18_weeks",
        "published_pct_over_52_weeks",
    ]
    w = w[cols]
    if dimension is not None:
        if dimension not in _DIMENSIONS.values():
            raise ValueError(f"dimension must be one of {sorted(_DIMENSIONS.values())}, got {dimension!r}")
        w = w[w["dimension"] == dimension]
    return w.sort_values(["dimension", "org_type", "org_code", "imd_decile", "category"]).reset_index(drop=True)


@cached_table(
    "wlmds_trust_icb",
    inputs=[(WLMDS_DATASET, "*"), (RTT_DATASET, RTT_FILE), ("lookup_lsoa21_icb", "ICB24_NHSER24_derived.csv")],
)
def wlmds_trust_icb() -> pd.DataFrame:
    """Which NHS acute trusts WLMDS adds up into each ICB row (the trusts located in the ICB).

    NHS England publishes no lookup with the file, so it is reconstructed from the data: within
    each NHS region (trust region from the RTT file, ICB region from the ICB lookup) every acute
    trust is assigned to exactly one ICB so that, over every unsuppressed count cell of the
    IMD/ethnicity/age/sex breakdowns (80-100 cells per region), the trusts' sums match the ICB rows
    with the least total absolute difference (a small integer programme, scipy ``milp``). Counts
    are rounded to 5, so a perfect reconstruction differs from an ICB row by at most
    2.5 x (trusts + 1) in any cell; ``max_abs_difference`` and ``tolerance`` record that check.

    Columns: ``trust_code``, ``trust_name``, ``icb_code``, ``region``, ``n_trusts`` (in the ICB),
    ``n_cells``, ``max_abs_difference``, ``tolerance``. From the latest WLMDS edition.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    from .geography import icb_table

    w = _wlmds_wide()
    fn = _wlmds_edition(None).file().filename
    counts = ["total_waiting", "within_18_weeks", "over_18_to_52_weeks", "over_52_weeks"]
    long = w.melt(
        id_vars=["dimension", "Organisation Code", "Organisation Name", "Organisation Type", "category"],
        value_vars=counts,
        var_name="measure",
        value_name="value",
    )
    long["cell"] = long["dimension"] + "|" + long["category"] + "|" + long["measure"]
    mat = long.pivot_table(
        index=["Organisation Code", "Organisation Type"], columns="cell", values="value", aggfunc="first"
    )
    trusts = mat.xs("ACUTE TRUST", level=1)
    icbs = mat.xs("INTEGRATED CARE BOARD", level=1)
    names = w.drop_duplicates("Organisation Code").set_index("Organisation Code")["Organisation Name"]

    rtt = _rtt_raw()
    prov = rtt[rtt["level"] == "provider"].sort_values("month").drop_duplicates("org_code", keep="last")
    trust_region = prov.set_index("org_code")["region"].str.lower()
    icb_region = icb_table().set_index("ICB24CDH")["NHSER24NM"].str.lower()
    missing = sorted(set(trusts.index) - set(trust_region.index))
    if missing:
        raise LoaderError(
            f"dataset {WLMDS_DATASET!r}, file {fn!r}: acute trusts {missing} have no provider "
            f"rows in dataset {RTT_DATASET!r}, file {RTT_FILE!r} (needed for their region)."
        )
    unknown = sorted(set(icbs.index) - set(icb_region.index))
    if unknown:
        raise LoaderError(f"dataset {WLMDS_DATASET!r}, file {fn!r}: ICB codes {unknown} are not among the 42 ICBs.")

    rows = []
    for region in sorted(icb_region.unique()):
        I = [i for i in icbs.index if icb_region[i] == region]
        T = [t for t in trusts.index if trust_region.get(t) == region]
        if not I:
            continue
        sub = pd.concat([trusts.loc[T], icbs.loc[I]])
        cells = [c for c in mat.columns if sub[c].notna().all()]
        V = trusts.loc[T, cells].to_numpy(dtype=float)
        G = icbs.loc[I, cells].to_numpy(dtype=float)
        nt, ni, nc = len(T), len(I), len(cells)
        nx, nd = nt * ni, ni * nc
        cost = np.concatenate([np.zeros(nx), np.ones(2 * nd)])
        A = np.zeros((nt + nd, nx + 2 * nd))
        for t in range(nt):
            A[t, t * ni : (t + 1) * ni] = 1  # each trust in exactly one ICB
        for i in range(ni):
            for k in range(nc):
                r = nt + i * nc + k
                A[r, [t * ni + i for t in range(nt)]] = V[:, k]
                A[r, nx + i * nc + k] = -1
                A[r, nx + nd + i * nc + k] = 1
        b = np.concatenate([np.ones(nt), G.ravel()])
        res = milp(
            cost,
            constraints=LinearConstraint(A, b, b),
            integrality=np.concatenate([np.ones(nx), np.zeros(2 * nd)]),
            bounds=Bounds(0, np.concatenate([np.ones(nx), np.full(2 * nd, np.inf)])),
        )
        if not res.success:
            raise LoaderError(
                f"dataset {WLMDS_DATASET!r}, file {fn!r}: could not reconstruct the trust -> "
                f"ICB grouping in {region}: {res.message}"
            )
        x = res.x[:nx].round().reshape(nt, ni)
        for i, icb in enumerate(I):
            members = [T[t] for t in range(nt) if x[t, i] == 1]
            dev = np.abs(x[:, i] @ V - G[i]).max() if members else np.abs(G[i]).max()
            tol = 2.5 * (len(members) + 1)
            if not members or dev > tol:
                raise LoaderError(
                    f"dataset {WLMDS_DATASET!r}, file {fn!r}: ICB row {icb}: no set of acute "
                    f"trusts reproduces it within rounding "
                    f"(best difference {dev:.0f} > {tol})."
                )
            for m in members:
                rows.append(
                    {
                        "trust_code": m,
                        "trust_name": names[m],
                        "icb_code": icb,
                        "region": region,
                        "n_trusts": len(members),
                        "n_cells": nc,
                        "max_abs_difference": float(dev),
                        "tolerance": tol,
                    }
                )
    out = pd.DataFrame(rows).sort_values(["icb_code", "trust_code"]).reset_index(drop=True)
    check_unique(out, ["trust_code"], WLMDS_DATASET, fn)
    return out


__all__ = [
    "RTT_BREAK_ID",
    "WLMDS_IMD_VERSION",
    "WLMDSSummaryReader",
    "merged_icbs_2026",
    "rtt_commissioner_series",
    "rtt_england",
    "rtt_icb_status",
    "rtt_incomplete",
    "rtt_national_timeseries",
    "rtt_provider_series",
    "rtt_series_break",
    "parse_wlmds_summary",
    "wlmds",
    "wlmds_editions",
    "wlmds_trust_icb",
    "wlmds_week_ending",
]
