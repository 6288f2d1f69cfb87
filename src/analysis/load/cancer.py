"""NHS England's Cancer Waiting Times provider data extract (CWT CRS), read as published.

A workbook per half financial year (``CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx``),
re-issued each month with one more month and re-published as ``...-Final`` once the half-year is
closed: one flat sheet of counts by provider x month x standard x route x treatment modality x
cancer type for the three standards in force since October 2023 (28-day Faster Diagnosis
Standard, 31-day and 62-day Combined). The months an edition covers are read from its ``PERIOD``
column, never from the file name.

Traps (see the folder's PROVENANCE.md):

* For the 31- and 62-day standards every route is given twice: by cancer type (``TREATMENT
  MODALITY = ALL MODALITIES``) and by modality (``CANCER TYPE = ALL CANCERS``). Summing every row
  doubles the totals; :func:`parse_cwt_extract` checks that the two breakdowns agree and
  :func:`provider_month_totals` sums the cancer-type breakdown only.
* The sheet's stored dimension is ``A1:A1``: openpyxl in read-only mode sees a single row. The
  workbook is read with calamine, which ignores the stored dimension.
* Counts are floats: a pathway shared between two providers counts 0.5 to each.
* Editions overlap (a monthly issue, then the Final of the same half-year; next month's issue
  repeats the earlier months): for each month the latest edition wins (later period end, then
  later added), so a later revision replaces an earlier figure. Monthly issues are 1-2% below
  the final figures (late submissions).

Provider basis only: there are no ICB (commissioner) or England rows. The book's ICB series of
the scorecard come from NHS England's Combined CSVs (``cancer_waiting_times``, a conversion);
:func:`cwt_provider_official` is the book's provider-level CWT.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import sources
from ..sources import Period
from ._base import LoaderError, cached_table, check_codes, check_unique, read_excel
from .readers import EditionReader, Recognition, register

CWT_EXTRACT = "cwt_provider_extract_official"
SHEET = "CWT CRS Provider Extract"
COLUMNS = [
    "PERIOD",
    "YEAR",
    "MONTH",
    "STANDARD",
    "ORG CODE",
    "STAGE/ROUTE",
    "TREATMENT MODALITY",
    "CANCER TYPE",
    "TOTAL TREATED",
    "WITHIN STANDARD",
    "BREACHES",
]
#: The extract's standards -> the codes the book (and the Combined CSV conversion) uses.
STANDARDS = {"28-day FDS": "FDS28", "31-day Combined": "CMB31", "62-day Combined": "CMB62"}
#: Operational standards (NHS England): FDS 75% (rising to 80% by March 2026), 31-day 96%, 62-day 85%.
ALL_MODALITIES = "ALL MODALITIES"
ALL_CANCERS = "ALL CANCERS"
_COUNTS = {"TOTAL TREATED": "total", "WITHIN STANDARD": "within_standard", "BREACHES": "breaches"}


def parse_cwt_extract(path: Path, *, filename: str | None = None) -> pd.DataFrame:
    """One CWT CRS provider extract as a tidy table, one row per published row.

    Columns: ``month`` (Timestamp, first day), ``org_code``, ``standard`` (FDS28 | CMB31 |
    CMB62), ``route``, ``modality`` (empty for FDS), ``cancer_type``, ``total``,
    ``within_standard``, ``breaches`` (floats: shared pathways count 0.5). Checks: every column,
    known standards, counts non-negative multiples of 0.5, ``total = within + breaches`` on every
    row, provider codes of ODS form, no repeated key, and for the 31/62-day standards the
    by-cancer-type and by-modality breakdowns add up to the same totals.
    """
    fn = filename or path.name
    df = read_excel(CWT_EXTRACT, fn, path=path, required=COLUMNS, sheet_name=SHEET, engine="calamine")
    where = f"dataset {CWT_EXTRACT!r}, file {fn!r}"
    month = pd.to_datetime(df["PERIOD"], errors="coerce")
    if month.isna().any() or (month.dt.day != 1).any():
        ex = df.loc[month.isna() | (month.dt.day != 1), "PERIOD"].astype(str).head(3).tolist()
        raise LoaderError(f"{where}, column 'PERIOD': expected the first day of a month on every row, found {ex}.")
    unknown = sorted(set(df["STANDARD"].astype(str)) - set(STANDARDS))
    if unknown:
        raise LoaderError(f"{where}, column 'STANDARD': unknown standard(s) {unknown[:5]}; expected {list(STANDARDS)}.")
    out = pd.DataFrame(
        {
            "month": month,
            "org_code": df["ORG CODE"].astype("string").str.strip(),
            "standard": df["STANDARD"].map(STANDARDS),
            "route": df["STAGE/ROUTE"].astype("string").str.strip(),
            "modality": df["TREATMENT MODALITY"].astype("string").str.strip().fillna(""),
            "cancer_type": df["CANCER TYPE"].astype("string").str.strip(),
        }
    )
    for src, col in _COUNTS.items():
        v = pd.to_numeric(df[src], errors="coerce")
        bad = v.isna() | (v < 0) | (v * 2 != np.floor(v * 2))
        if bad.any():
            raise LoaderError(
                f"{where}, column {src!r}: {int(bad.sum())} value(s) are not non-negative counts "
                f"(whole or half pathways); e.g. {df.loc[bad, src].astype(str).head(3).tolist()}."
            )
        out[col] = v.astype(float)
    off = (out["within_standard"] + out["breaches"] - out["total"]).abs() > 1e-6
    if off.any():
        raise LoaderError(
            f"{where}: {int(off.sum())} row(s) where 'WITHIN STANDARD' + 'BREACHES' differs from "
            f"'TOTAL TREATED'; e.g. rows {[int(i) + 2 for i in out.index[off][:3]]} of the sheet."
        )
    check_codes(out["org_code"], r"[A-Z0-9]{3}|[A-Z0-9]{5}", dataset=CWT_EXTRACT, filename=fn, column="ORG CODE")
    check_unique(out, ["month", "org_code", "standard", "route", "modality", "cancer_type"], CWT_EXTRACT, fn)
    _check_breakdowns(out, where)
    return out


def _check_breakdowns(df: pd.DataFrame, where: str) -> None:
    """31/62-day: the cancer-type breakdown (ALL MODALITIES) and the modality breakdown (ALL
    CANCERS) of each provider, month and route add up to the same counts."""
    t = df[df["standard"] != "FDS28"]
    keys = ["month", "org_code", "standard", "route"]
    by_type = t[t["modality"] == ALL_MODALITIES].groupby(keys)[["total", "within_standard"]].sum()
    by_mod = t[t["cancer_type"] == ALL_CANCERS].groupby(keys)[["total", "within_standard"]].sum()
    both = by_type.merge(
        by_mod, how="outer", left_index=True, right_index=True, suffixes=("_type", "_modality")
    ).fillna(0)
    bad = ((both["total_type"] - both["total_modality"]).abs() > 1e-6) | (
        (both["within_standard_type"] - both["within_standard_modality"]).abs() > 1e-6
    )
    if bad.any():
        ex = both[bad].head(3).reset_index()[keys + ["total_type", "total_modality"]].astype(str).to_dict("records")
        raise LoaderError(
            f"{where}: for {int(bad.sum())} provider-month-route(s) the 31/62-day rows by cancer type "
            f"('{ALL_MODALITIES}') and by modality ('{ALL_CANCERS}') do not add up to the same totals "
            f"(each route is published twice); e.g. {ex}."
        )


def provider_month_totals(detail: pd.DataFrame) -> pd.DataFrame:
    """All routes and cancer types of each provider, month and standard: FDS sums every row; the
    31/62-day standards sum the by-cancer-type rows only (the by-modality rows repeat them).

    Columns: ``month``, ``org_code``, ``standard``, ``within_standard``, ``total``, ``breaches``,
    ``performance`` (0-1; missing where ``total`` is 0)."""
    keep = (detail["standard"] == "FDS28") | (detail["modality"] == ALL_MODALITIES)
    out = (
        detail[keep]
        .groupby(["month", "org_code", "standard"], as_index=False)[["within_standard", "total", "breaches"]]
        .sum()
    )
    out["performance"] = out["within_standard"] / out["total"].where(out["total"] > 0)
    return out


def _period(months: pd.Series) -> Period:
    first, last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
    end = (last + pd.offsets.MonthEnd(0)).date()
    label = f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"
    return Period(first.date(), end, label)


@register
class CWTExtractReader(EditionReader):
    dataset = CWT_EXTRACT
    frequency = "monthly"
    kind = "series"
    describes = "NHS England Cancer Waiting Times CRS provider data extract (xlsx)"
    suffixes = (".xlsx",)

    def recognise(self, path: Path) -> Recognition:
        rows, why = self.sheet_head(path, SHEET, 1)
        if rows is None:
            return why
        header = [str(c).strip() for c in (rows[0] if rows else [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            return Recognition(False, f"its sheet {SHEET!r} lacks the column(s) {missing[:3]}")
        return Recognition(True)

    def read(self, path: Path) -> pd.DataFrame:
        return parse_cwt_extract(path)

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        return _period(table["month"])

    def org_codes(self, table: pd.DataFrame) -> pd.Series:
        return pd.Series(table["org_code"].unique())

    def values(self, table: pd.DataFrame) -> pd.DataFrame:
        """The edition's latest month, one row per provider, one column per standard and count:
        an issue whose newest month repeats another issue's newest month is a copy."""
        t = provider_month_totals(table)
        t = t[t["month"] == t["month"].max()]
        wide = t.pivot(index="org_code", columns="standard", values=["total", "within_standard"])
        wide.columns = [f"{a}_{b}" for a, b in wide.columns]
        return wide


def _read_edition(e: sources.Edition) -> pd.DataFrame:
    spec = e.file()
    t = provider_month_totals(parse_cwt_extract(sources.resolve_spec(spec), filename=spec.filename))
    t.insert(0, "edition", e.id)
    return t


@cached_table("cwt_provider_official", inputs=[(CWT_EXTRACT, "*")])
def cwt_provider_official() -> pd.DataFrame:
    """Provider-level Cancer Waiting Times from every selected edition of the CWT CRS extract,
    one row per (month, provider, standard); for a month in several editions the latest edition's
    figures are used (later period end, then later added: sources.editions' order).

    Columns: ``month`` (Timestamp), ``org_code``, ``standard`` (FDS28 | CMB31 | CMB62),
    ``within_standard``, ``total``, ``breaches``, ``performance`` (0-1), ``edition`` (the edition
    the month was read from).
    """
    frames: dict[pd.Timestamp, pd.DataFrame] = {}
    for e in sources.editions(CWT_EXTRACT):
        t = _read_edition(e)
        for m, g in t.groupby("month"):
            frames[m] = g  # later editions replace earlier figures for the same month
    if not frames:
        raise LoaderError(f"dataset {CWT_EXTRACT!r}: no edition holds any month.")
    out = pd.concat(frames.values(), ignore_index=True)
    return out.sort_values(["month", "org_code", "standard"], ignore_index=True)


__all__ = [
    "CWT_EXTRACT",
    "CWTExtractReader",
    "STANDARDS",
    "cwt_provider_official",
    "parse_cwt_extract",
    "provider_month_totals",
]
