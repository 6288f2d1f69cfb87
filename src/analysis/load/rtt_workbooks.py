"""NHS England's monthly RTT commissioner workbooks (``<Part>-Commissioner-<Mon><YY>-XLSX-...xlsx``),
read as published.

NHS England publishes each month, per part of the RTT collection (incomplete pathways = the
waiting list; completed admitted; completed non-admitted), a commissioner workbook with the same
template: a title block (``Title:``, ``Summary:``, ``Period:``, ``Basis:``, ``Published:`` ...;
label in column B, value in column C), a group header in row 13, **the column header in row 14**,
data from row 15, sheets ``National``, ``Region``, ``ICB`` and ``Sub-ICB``. Each row is an
organisation x treatment function (``C_999`` = all), with 104 one-week wait bands (``>0-1`` ...
``>103-104``, ``104 plus``), pathways with an unknown clock start, totals, the median and a
percentile wait, and the numbers over 52, 78 and 65 weeks (in that order). ``-`` marks a median
or percentile that cannot be computed (no pathways): it stays missing.

The period is read from the ``Period:`` cell and the part from the ``Summary:`` cell, never from
the file name. The mirror holds one such workbook, *Admitted* Commissioner December 2024
(``rtt_commissioner_official``): completed admitted pathways, **not** the waiting list. The
*Incomplete* Commissioner workbook of a month (the waiting list by ICB as commissioner) has the same
template; :class:`RTTIncompleteCommissionerReader` lets ``python -m analysis data add`` take one
as the first edition of ``rtt_incomplete_commissioner_official``. Until such files are added the
book's RTT series by ICB and provider come from the conversion in ``rtt_incomplete`` (see
:mod:`analysis.load.waiting`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..sources import Period
from ._base import LoaderError, check_codes, check_unique, read_excel, to_number
from .readers import EditionReader, Recognition, month_period, register, title_cells

ADMITTED = "rtt_commissioner_official"
INCOMPLETE = "rtt_incomplete_commissioner_official"
#: The Summary cell of each part -> the part's key.
PARTS = {
    "completed admitted pathways": "admitted",
    "completed non-admitted pathways": "non-admitted",
    "incomplete pathways": "incomplete",
}
HEADER_ROW = 14  # 1-based, as in Excel: the column header; data start in the row below
#: Identifying columns of each sheet.
KEYS = {
    "National": ["Treatment Function Code", "Treatment Function"],
    "Region": ["Region Code", "Region Name", "Treatment Function Code", "Treatment Function"],
    "ICB": ["ICB Code", "ICB Name", "Treatment Function Code", "Treatment Function"],
    "Sub-ICB": ["Region Code", "Org Code", "Org Name", "Treatment Function Code", "Treatment Function"],
}
_BAND = re.compile(r"^>(\d+)-(\d+)$")
_TITLE_LABELS = ("Title", "Summary", "Period", "Source", "Basis", "Published", "Revised", "Status")


def _part_of(summary: str) -> str | None:
    text = summary.lower()
    # "completed admitted" and "non-admitted" both contain "admitted pathways": test the longer first
    for words in sorted(PARTS, key=len, reverse=True):
        if words in text:
            return PARTS[words]
    return None


def parse_rtt_commissioner_workbook(
    path: Path, *, sheet: str = "ICB", dataset: str = ADMITTED, filename: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """One sheet of a commissioner workbook, one row per organisation x treatment function, and the
    title block ({"part", "period" (first day of the month), "basis", "published", ...}).

    Table columns: the sheet's identifying columns renamed to snake case (``icb_code``,
    ``icb_name``, ``treatment_function_code``, ``treatment_function`` for the ICB sheet), every
    published measure column as published (the 105 wait bands, the totals, median, percentile
    and ``Total NN plus weeks`` columns; numbers, ``-`` missing), and ``total`` (the sheet's
    ``Total number of ... (all)`` column). Checks: the template (title block, header in row 14,
    the identifying columns, the week bands in order), numbers non-negative, the bands adding up
    to the known-clock-start total, and one row per organisation and treatment function.
    """
    fn = filename or path.name
    where = f"dataset {dataset!r}, file {fn!r}, sheet {sheet!r}"
    if sheet not in KEYS:
        raise ValueError(f"sheet must be one of {list(KEYS)}, got {sheet!r}")
    raw = read_excel(dataset, fn, path=path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    title = title_cells(raw.head(HEADER_ROW - 2).values.tolist(), _TITLE_LABELS)
    part = _part_of(title.get("Summary", ""))
    if part is None:
        raise LoaderError(
            f"{where}: the title block's 'Summary:' cell names no RTT part (incomplete, completed "
            f"admitted or non-admitted pathways): {title.get('Summary')!r}."
        )
    try:
        period = pd.Timestamp(pd.to_datetime(title.get("Period", ""), format="%B %Y"))
    except ValueError:
        raise LoaderError(
            f"{where}: the title block's 'Period:' cell should be a month ('December 2024'), found "
            f"{title.get('Period')!r}."
        ) from None
    if len(raw) <= HEADER_ROW:
        raise LoaderError(f"{where} has no rows below the header row {HEADER_ROW}.")
    header = [str(c).strip() if pd.notna(c) else "" for c in raw.iloc[HEADER_ROW - 1]]
    keys = KEYS[sheet]
    first = next((i for i, h in enumerate(header) if h), None)
    if first is None or header[first : first + len(keys)] != keys:
        raise LoaderError(
            f"{where}: row {HEADER_ROW} should start with the columns {keys}, found "
            f"{header[first : first + len(keys)] if first is not None else []}."
        )
    bands = [h for h in header if _BAND.match(h)]
    expected = [f">{i}-{i + 1}" for i in range(len(bands))]
    if bands != expected or len(bands) < 52 or "104 plus" not in header:
        raise LoaderError(
            f"{where}: the one-week wait bands in row {HEADER_ROW} should run '>0-1', '>1-2', ... "
            "'>103-104' then '104 plus'."
        )
    totals = [h for h in header if h.startswith("Total number of") and h.endswith("(all)")]
    known = [h for h in header if h.startswith("Total number of") and "known clock start" in h]
    if len(totals) != 1:
        raise LoaderError(
            f"{where}: expected one 'Total number of ... (all)' column in row {HEADER_ROW}, found {totals}."
        )
    cols = [j for j, h in enumerate(header) if h and j >= first]
    body = raw.iloc[HEADER_ROW:, cols]
    body.columns = [header[j] for j in cols]
    body = body[body[keys[-2]].notna()].reset_index(drop=True)  # rows with a treatment function code
    if body.empty:
        raise LoaderError(f"{where} has no data rows.")
    cols_out = {k.lower().replace(" ", "_").replace("-", "_"): body[k].astype(str).str.strip() for k in keys}
    for m in (h for h in body.columns if h not in keys):
        cols_out[m], _ = to_number(body[m], dataset=dataset, filename=fn, column=m)
        if (cols_out[m] < 0).any():
            raise LoaderError(
                f"{where}, column {m!r}: negative values {cols_out[m][cols_out[m] < 0].head(3).tolist()}."
            )
    cols_out["total"] = cols_out[totals[0]]
    out = pd.DataFrame(cols_out)
    band_cols = bands + ["104 plus"]
    if known:
        off = (out[band_cols].sum(axis=1) - out[known[0]]).abs() > 0.5
        if off.any():
            ex = out.loc[off, out.columns[: len(keys)]].head(3).to_dict("records")
            raise LoaderError(
                f"{where}: the one-week bands do not add up to {known[0]!r} in {int(off.sum())} row(s); e.g. {ex}."
            )
    code_col = out.columns[len(keys) - 2]
    check_codes(
        out[code_col], r"C_\d{3}|[A-Z]\d{2}|X\d{2}|[A-Z]_[A-Z0-9]+", dataset=dataset, filename=fn, column=keys[-2]
    )
    if sheet == "ICB":
        check_codes(out["icb_code"], r"Q[A-Z0-9]{2}|-", dataset=dataset, filename=fn, column="ICB Code")
    check_unique(out, list(out.columns[: len(keys) - 1]), dataset, fn)
    info = {**{k.lower(): v for k, v in title.items()}, "part": part, "period": period}
    return out, info


class _CommissionerReader(EditionReader):
    frequency = "monthly"
    kind = "series"
    suffixes = (".xlsx",)
    part = ""

    def recognise(self, path: Path) -> Recognition:
        rows, why = self.sheet_head(path, "ICB", HEADER_ROW)
        if rows is None:
            return why
        title = title_cells(rows, _TITLE_LABELS)
        if "Referral to Treatment" not in title.get("Title", "") or title.get("Basis") != "Commissioner":
            return Recognition(
                False, "its title block is not 'Referral to Treatment (RTT) Waiting Times' on a commissioner basis"
            )
        part = _part_of(title.get("Summary", ""))
        if part != self.part:
            return Recognition(False, f"it is the RTT {part or 'unknown'} part, not {self.part} pathways")
        return Recognition(True)

    def read(self, path: Path) -> pd.DataFrame:
        table, info = parse_rtt_commissioner_workbook(path, dataset=self.dataset)
        if info["part"] != self.part:
            raise LoaderError(
                f"dataset {self.dataset!r}, file {path.name!r}: the workbook is the RTT {info['part']} "
                f"part, not {self.part} pathways."
            )
        return table.assign(month=info["period"])

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        return month_period(table["month"].iloc[0])

    def org_codes(self, table: pd.DataFrame) -> pd.Series:
        return pd.Series(table["icb_code"].unique())

    def values(self, table: pd.DataFrame) -> pd.DataFrame:
        t = table[table["treatment_function_code"] == "C_999"]
        return t.set_index("icb_code")[["total"]]


@register
class RTTAdmittedCommissionerReader(_CommissionerReader):
    dataset = ADMITTED
    part = "admitted"
    describes = "NHS England RTT Admitted Commissioner workbook (xlsx)"


@register
class RTTIncompleteCommissionerReader(_CommissionerReader):
    dataset = INCOMPLETE
    part = "incomplete"
    describes = "NHS England RTT Incomplete Commissioner workbook (xlsx)"
    #: Manifest entry for the dataset when ``data add`` brings in its first edition.
    new_dataset = {
        "title": "NHS England RTT monthly Incomplete Commissioner workbooks (the waiting list by ICB as "
        "commissioner), as published",
        "publisher": "NHS England (Consultant-led Referral to Treatment Waiting Times)",
        "official_page": "https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/",
        "licence": "OGL v3.0",
        "frequency": "monthly",
        "kind": "series",
        "geography": "England, NHS regions, ICBs, sub-ICB locations (commissioner basis)",
        "caveat": "sheet ICB, header row 14; same template as the Admitted Commissioner workbook",
    }


def rtt_admitted_commissioner() -> pd.DataFrame:
    """Completed admitted RTT pathways by ICB (as commissioner) and treatment function, from every
    selected edition of ``rtt_commissioner_official`` (one row per month, ICB and function;
    ``icb_code`` ``-`` = NHS England direct commissioning). Not the waiting list."""
    from .. import sources

    frames = {}
    for e in sources.editions(ADMITTED):
        spec = e.file()
        table, info = parse_rtt_commissioner_workbook(sources.resolve_spec(spec), filename=spec.filename)
        frames[info["period"]] = table.assign(month=info["period"], edition=e.id)
    return pd.concat(frames.values(), ignore_index=True)


__all__ = [
    "ADMITTED",
    "HEADER_ROW",
    "INCOMPLETE",
    "PARTS",
    "RTTAdmittedCommissionerReader",
    "RTTIncompleteCommissionerReader",
    "parse_rtt_commissioner_workbook",
    "rtt_admitted_commissioner",
]
