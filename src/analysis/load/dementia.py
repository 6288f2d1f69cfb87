"""NHS England's monthly "Primary Care Dementia Data ... Summary" workbooks, read as published.

One workbook a month (``Primary Care Dementia Data, January 2025- Summary.xlsx``). The book reads
``Table 4`` ("Dementia: 65+ estimated diagnosis rate, by organisation of responsibility, England,
<Month Year>"): a title row that states the month, a two-row header (``Number of patients with
dementia, ages 65+`` over ``Recorded`` / ``Estimated``; ``95% confidence limits`` over
``Lower`` / ``Upper``), one row per organisation (England twice: ODS ``ENG`` and ONS
``E92000001``; NHS regions; ICBs; sub-ICB locations; local authorities) and footer rows. The
month is read from the title row, never from the file name.

The converted CSV in the same mirror folder (``pcdd_ddr65_by_org_month.csv``, all months stacked)
is a cross-check in the tests, not an input.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import sources
from ..sources import Period
from ._base import (
    LoaderError,
    cached_table,
    check_codes,
    check_member,
    check_unique,
    one_name_per_code,
    read_excel,
    require_columns,
    validate,
)
from .readers import EditionReader, Recognition, find_repeated_periods, month_period, register

DEMENTIA = "dementia_diagnosis_rate"
SHEET = "Table 4"
#: Published header cells (the lower header row, the upper row's group names filled in) -> columns.
COLUMNS = {
    "Type": "org_type",
    "ODS Code": "ods_code",
    "ONS Code": "ons_code",
    "Name": "name",
    "Recorded": "recorded",
    "Estimated": "estimated",
    "Diagnosis rate (%)": "diagnosis_rate",
    "Lower": "lower_ci",
    "Upper": "upper_ci",
}
_TITLE = re.compile(
    r"^Table 4: Dementia: 65\+ estimated diagnosis rate, by organisation of responsibility, "
    r"England, ([A-Z][a-z]+ \d{4})\s*$"
)

_SCHEMA = pa.DataFrameSchema(
    {
        "org_type": pa.Column(str),
        "recorded": pa.Column(float, pa.Check.ge(0)),
        "estimated": pa.Column(float, pa.Check.gt(0)),
        # a modelled denominator: small areas can exceed 100%
        "diagnosis_rate": pa.Column(float, pa.Check.in_range(0, 200)),
        "lower_ci": pa.Column(float, pa.Check.in_range(0, 200)),
        "upper_ci": pa.Column(float, pa.Check.in_range(0, 200)),
    },
    checks=pa.Check(
        lambda d: (d["lower_ci"] <= d["diagnosis_rate"]) & (d["diagnosis_rate"] <= d["upper_ci"]),
        error="CI brackets the rate",
    ),
    strict=False,
    coerce=True,
)


def _month_from_title(rows: list[list], fn: str) -> pd.Timestamp:
    for row in rows:
        for cell in row:
            m = _TITLE.match(str(cell or "").strip())
            if m:
                return pd.Timestamp(pd.to_datetime(m.group(1), format="%B %Y"))
    raise LoaderError(
        f"dataset {DEMENTIA!r}, file {fn!r}, sheet {SHEET!r}: no title row of the form 'Table 4: "
        "Dementia: 65+ estimated diagnosis rate, by organisation of responsibility, England, "
        "<Month Year>' (the month of the edition is read from it)."
    )


def parse_dementia_summary(path: Path, *, filename: str | None = None) -> pd.DataFrame:
    """Table 4 of one monthly summary workbook, one row per organisation.

    Columns: ``month`` (YYYY-MM, from the title row), ``org_type`` (National, Region, Government
    Office Region, ICB, SUB_ICB_LOC, Upper / Lower Tier Local Authority), ``ods_code``,
    ``ons_code``, ``name``, ``recorded``, ``estimated``, ``diagnosis_rate`` (percent 0-100 as
    published), ``lower_ci``, ``upper_ci``. Footer rows (source, copyright) are dropped.
    """
    fn = filename or path.name
    raw = read_excel(DEMENTIA, fn, path=path, sheet_name=SHEET, header=None, engine="calamine", dtype=object)
    month = _month_from_title(raw.head(12).values.tolist(), fn)
    first = raw.iloc[:, 0].astype("string").str.strip()
    at = first.index[first.eq("Type")]
    if len(at) != 1:
        raise LoaderError(
            f"dataset {DEMENTIA!r}, file {fn!r}, sheet {SHEET!r}: expected one header row starting "
            f"'Type', found {len(at)}."
        )
    h = int(at[0])
    header = [str(c).split("\n")[0].replace("[note 3]", "").strip() if pd.notna(c) else "" for c in raw.iloc[h]]
    upper = [str(c).split("\n")[0].strip() if pd.notna(c) else "" for c in raw.iloc[h - 1]]
    # "Diagnosis rate (%)" sits in the upper header row over an empty lower cell.
    header = [hd or up for hd, up in zip(header, upper)]
    body = raw.iloc[h + 1 :].copy()
    body.columns = header
    body = body[body["Type"].notna() & body["Name"].notna()] if "Name" in body.columns else body
    df = _finish_table(body, fn)
    df.insert(0, "month", f"{month:%Y-%m}")
    return df


def _finish_table(body: pd.DataFrame, fn: str) -> pd.DataFrame:
    if body.empty:
        raise LoaderError(f"dataset {DEMENTIA!r}, file {fn!r}, sheet {SHEET!r} has no data rows.")
    require_columns(body, list(COLUMNS), DEMENTIA, fn)
    df = body[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)
    for c in ("ods_code", "ons_code"):
        # object, not the string dtype: a missing code must compare unequal, not as <NA>
        df[c] = df[c].map(lambda v: None if pd.isna(v) or str(v).strip() == "" else str(v).strip()).astype(object)
    df["org_type"], df["name"] = df["org_type"].astype(str).str.strip(), df["name"].astype(str).str.strip()
    df = validate(df, _SCHEMA, DEMENTIA, fn)
    check_unique(df, ["org_type", "ods_code", "ons_code"], DEMENTIA, fn)
    return df


#: Dementia organisation types whose ONS codes are checked against the April 2024 LSOA21 lookup.
_LOOKUP_COLUMNS = {
    "ICB": "icb_ons_code",
    "SUB_ICB_LOC": "sicbl_code",
    "Lower Tier Local Authority": "lad_code",
    "Upper Tier Local Authority": "utla_code",
    "Government Office Region": "region_code",
}


def _check_codes(df: pd.DataFrame, fn: str) -> None:
    """ONS codes: England is E92000001 (or ENG), NHS regions have the E40 form (the file carries
    both the 2020 and the current codes of two regions), and ICBs, sub-ICB locations, local
    authorities and regions must be in the April 2024 LSOA21 -> ICB lookup."""
    from .geography import lsoa_lookup

    ds = DEMENTIA
    known = set(_LOOKUP_COLUMNS) | {"National", "Region"}
    bad_type = sorted(set(df["org_type"]) - known)
    if bad_type:
        raise LoaderError(f"dataset {ds!r}, file {fn!r}, column 'Type': unknown organisation types {bad_type}.")
    nat = df["org_type"] == "National"
    check_member(
        df.loc[nat, "ons_code"],
        ["E92000001", "ENG"],
        dataset=ds,
        filename=fn,
        column="ONS Code",
        reference_name="England",
    )
    check_codes(df.loc[df["org_type"] == "Region", "ons_code"], r"E40\d{6}", dataset=ds, filename=fn, column="ONS Code")
    lookup = lsoa_lookup(2021)
    for org_type, col in _LOOKUP_COLUMNS.items():
        check_member(
            df.loc[df["org_type"] == org_type, "ons_code"],
            lookup[col],
            dataset=ds,
            filename=fn,
            column="ONS Code",
            reference_name=f"{col} of lookup_lsoa21_icb (for Type {org_type!r})",
        )
    one_name_per_code(df, "ons_code", "name", ds, fn, by=["org_type"])


@register
class DementiaSummaryReader(EditionReader):
    dataset = DEMENTIA
    frequency = "monthly"
    kind = "series"
    describes = "NHS England Primary Care Dementia Data monthly summary workbook (xlsx)"
    suffixes = (".xlsx",)

    def recognise(self, path: Path) -> Recognition:
        rows, why = self.sheet_head(path, SHEET, 12)
        if rows is None:
            return why
        if not any(_TITLE.match(str(c or "").strip()) for r in rows for c in r):
            return Recognition(False, f"its sheet {SHEET!r} has no 'Dementia: 65+ estimated diagnosis rate' title")
        return Recognition(True)

    def read(self, path: Path) -> pd.DataFrame:
        return parse_dementia_summary(path)

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        return month_period(f"{table['month'].iloc[0]}-01")

    def org_codes(self, table: pd.DataFrame) -> pd.Series:
        return table["ons_code"].dropna()

    def values(self, table: pd.DataFrame) -> pd.DataFrame:
        t = table.dropna(subset=["ons_code"]).drop_duplicates(["org_type", "ons_code"])
        return t.set_index(t["org_type"] + "|" + t["ons_code"])[["recorded", "estimated"]]


@cached_table("dementia_diagnosis_rate", inputs=[(DEMENTIA, "*")])
def dementia_diagnosis_rate() -> pd.DataFrame:
    """Estimated dementia diagnosis rate, people aged 65+ (percent 0-100 as published), one row per
    month and organisation, from every selected monthly summary workbook (a revised workbook for a
    month already present replaces it: the later edition wins).

    Columns as :func:`parse_dementia_summary`. England appears twice a month (ODS ``ENG`` and ONS
    ``E92000001``, identical values): keep ``ods_code == 'ENG'``. A month whose values repeat
    another month's for every organisation is refused (an upstream copy error).
    """
    frames: dict[str, pd.DataFrame] = {}
    for e in sources.editions(DEMENTIA):
        spec = e.file()
        t = parse_dementia_summary(sources.resolve_spec(spec), filename=spec.filename)
        _check_codes(t, spec.filename)
        frames[str(t["month"].iloc[0])] = t
    reader = DementiaSummaryReader()
    repeats = find_repeated_periods({k: reader.values(v) for k, v in sorted(frames.items())})
    if repeats:
        later, earlier = repeats[0]
        raise LoaderError(
            f"dataset {DEMENTIA!r}: the edition for {later} repeats {earlier} for every organisation "
            "(an upstream copy error); remove it with `python -m analysis data remove`."
        )
    out = pd.concat([frames[k] for k in sorted(frames)], ignore_index=True)
    return out


__all__ = ["DEMENTIA", "DementiaSummaryReader", "dementia_diagnosis_rate", "parse_dementia_summary"]
