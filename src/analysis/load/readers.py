"""Edition readers: how to recognise, read and date one edition of a dataset from its file(s).

A dataset whose publisher releases new editions (a monthly CSV, a quarterly workbook, a weekly
snapshot) has one :class:`EditionReader`, registered with :func:`register`. ``python -m
analysis data add FILE`` uses it to tell which dataset a downloaded file belongs to
(:meth:`~EditionReader.recognise`), to validate it with the same code the book's loaders use
(:meth:`~EditionReader.read`), to read its period from the file itself
(:meth:`~EditionReader.period`) and to guard against upstream errors: unknown organisation codes
(:meth:`~EditionReader.org_codes`) and an edition whose values repeat another period's
(:meth:`~EditionReader.values`). ``tools/make_sources.py`` uses the same readers to date the
editions already in the manifest, so no period is typed anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..sources import Period
from ._base import LoaderError


@dataclass(frozen=True)
class Recognition:
    """Whether a file looks like a dataset's edition, and if not, why (for the error message)."""

    ok: bool
    why: str = ""


class EditionReader:
    """Base class: override the methods; keep them pure (a path in, a table or a period out)."""

    #: the manifest's dataset key
    dataset: str = ""
    #: monthly, quarterly, annual, weekly or one-off (see ``analysis.sources.FREQUENCIES``)
    frequency: str = "monthly"
    #: series (each edition adds periods) or snapshot (each edition replaces the last)
    kind: str = "series"
    #: a short description of the file for messages ("NHS England monthly A&E CSV")
    describes: str = ""
    #: file suffixes this reader accepts
    suffixes: tuple[str, ...] = (".csv",)
    #: manifest fields (title, publisher, official_page, licence, frequency, kind, geography,
    #: caveat) for a dataset that ``data add`` may create with its first edition; None when the
    #: dataset must already be in the manifest
    new_dataset: dict | None = None

    def recognise(self, path: Path) -> Recognition:
        raise NotImplementedError

    def read(self, path: Path) -> pd.DataFrame:
        """The edition's tidy, validated table; LoaderError (naming file and column) if damaged."""
        raise NotImplementedError

    def period(self, table: pd.DataFrame, path: Path) -> Period:
        """The period the edition covers, read from its content."""
        raise NotImplementedError

    def sheet_head(self, path: Path, sheet: str, nrows: int) -> tuple[list[list] | None, Recognition]:
        """For workbook readers: the first rows of ``sheet``, or None and why the file is refused
        (wrong suffix, not a workbook, no such sheet)."""
        if path.suffix.lower() not in self.suffixes:
            return None, Recognition(
                False, f"it is a {path.suffix or 'file without a suffix'}, not one of {', '.join(self.suffixes)}"
            )
        rows = sniff_xlsx(path, sheet, nrows=nrows).get(sheet)
        if rows is None:
            return None, Recognition(False, f"it has no sheet {sheet!r}")
        return rows, Recognition(True)

    def org_codes(self, table: pd.DataFrame) -> pd.Series | None:
        """Organisation codes in the edition (checked against earlier editions), or None."""
        return None

    def values(self, table: pd.DataFrame) -> pd.DataFrame | None:
        """A table indexed by organisation with one column per measure, used to detect an edition
        that repeats another period's values organisation by organisation; or None."""
        return None


READERS: dict[str, EditionReader] = {}


def register(cls: type[EditionReader]) -> type[EditionReader]:
    """Class decorator: register one reader per dataset."""
    reader = cls()
    if not reader.dataset:
        raise TypeError(f"{cls.__name__} must set `dataset`")
    if reader.dataset in READERS and type(READERS[reader.dataset]) is not cls:
        raise TypeError(
            f"two readers for dataset {reader.dataset!r}: {type(READERS[reader.dataset]).__name__} and {cls.__name__}"
        )
    READERS[reader.dataset] = reader
    return cls


def all_readers() -> dict[str, EditionReader]:
    """Every registered reader (importing every loader module once so that they register)."""
    from .. import load

    for mod in pkgutil.iter_modules(load.__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{load.__name__}.{mod.name}")
    return dict(sorted(READERS.items()))


def reader_for(dataset: str) -> EditionReader | None:
    return all_readers().get(dataset)


def sniff_csv_header(path: Path, n_bytes: int = 65536) -> list[str]:
    """The header fields of a CSV (BOM and surrounding spaces removed), or [] if unreadable."""
    import csv

    try:
        with open(path, "rb") as fh:
            head = fh.read(n_bytes)
        text = head.decode("utf-8-sig", errors="replace")
        first = next(csv.reader(text.splitlines()[:1]), [])
    except (OSError, csv.Error, StopIteration):
        return []
    return [c.strip() for c in first]


def month_period(month) -> Period:
    """The Period of one calendar month (a date or Timestamp in it), labelled "January 2025"."""
    start = pd.Timestamp(month).to_period("M").to_timestamp()
    return Period(start.date(), (start + pd.offsets.MonthEnd(0)).date(), f"{start:%B %Y}")


def sniff_xlsx(path: Path, sheet: str | None = None, nrows: int = 20) -> dict[str, list[list]]:
    """The first ``nrows`` rows of a workbook's sheets (all sheets, or only ``sheet``), as lists of
    cell values, without reading the whole workbook; {} if it is not a readable workbook. Read with
    calamine, which ignores the stored sheet dimension (some NHS England workbooks declare A1:A1,
    so openpyxl in read-only mode sees one cell)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = [sheet] if sheet is not None else list(wb.sheet_names)
        return {
            n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False, nrows=nrows)
            for n in names
            if n in wb.sheet_names
        }
    except Exception:  # calamine raises its own error types for anything that is not a workbook
        return {}


def title_cells(rows: list[list], labels: tuple[str, ...]) -> dict[str, str]:
    """NHS England workbooks open with a title block: a label cell (``Period:``) and its value in
    the next non-empty cell of the row. Returns {label without colon: value} for ``labels``."""
    out: dict[str, str] = {}
    for row in rows:
        cells = [str(c).strip() for c in row if c not in (None, "") and str(c).strip()]
        for i, c in enumerate(cells[:-1]):
            key = c.rstrip(":").strip()
            if c.endswith(":") and key in labels and key not in out:
                out[key] = cells[i + 1]
    return out


def find_repeated_periods(
    values_by_period: dict[str, pd.DataFrame], *, min_orgs: int = 10, min_share: float = 0.9
) -> list[tuple[str, str]]:
    """Pairs (period, earlier period) whose values are identical organisation by organisation.

    ``values_by_period`` maps a period label to a table indexed by organisation with one column
    per measure (as :meth:`EditionReader.values`). Two periods are the same publication copied
    twice when at least ``min_orgs`` organisations (and ``min_share`` of each period's
    organisations) appear in both and every one of them has exactly the same values. Genuine
    months never do this for a dataset of hundreds of organisations; an upstream copy error
    (the A&E conversion in the mirror repeats February and March 2024 as 2025) does.
    """
    labels = list(values_by_period)
    # Each period's rows as {organisation: values}, to reject a pair at its first differing
    # organisation (almost every pair) without building the aligned tables; a pair that passes
    # is confirmed with the exact comparison below.
    rows = {
        label: dict(zip(t.index, map(tuple, t.fillna(-1).to_numpy().tolist()))) if t.index.is_unique else None
        for label, t in values_by_period.items()
    }
    found = []
    for i, later in enumerate(labels):
        b = values_by_period[later]
        for earlier in labels[:i]:
            a = values_by_period[earlier]
            ra, rb = rows[earlier], rows[later]
            if ra is not None and rb is not None and list(a.columns) == list(b.columns):
                common_keys = ra.keys() & rb.keys()
                if len(common_keys) < min_orgs or len(common_keys) < min_share * min(len(a), len(b)):
                    continue
                if any(ra[k] != rb[k] for k in common_keys):
                    continue
            common = a.index.intersection(b.index)
            if len(common) < min_orgs or len(common) < min_share * min(len(a), len(b)):
                continue
            cols = [c for c in a.columns if c in b.columns]
            if not cols:
                continue
            x = a.loc[common, cols].sort_index()
            y = b.loc[common, cols].sort_index()
            if x.shape == y.shape and x.fillna(-1).equals(y.fillna(-1)):
                found.append((later, earlier))
    return found


__all__ = [
    "EditionReader",
    "LoaderError",
    "READERS",
    "Recognition",
    "all_readers",
    "find_repeated_periods",
    "month_period",
    "reader_for",
    "register",
    "sniff_csv_header",
    "sniff_xlsx",
    "title_cells",
]
