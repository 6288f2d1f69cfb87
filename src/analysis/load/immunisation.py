"""Childhood immunisation coverage (UKHSA COVER, quarterly) by upper-tier local authority, and how
those authorities overlap the ICBs.

Read from the published quarterly workbooks (``.ods``) themselves, every ``.ods`` file of the
dataset in the manifest, so that a new quarter's workbook drops in: the "all data items" table
(numerators and denominators) and, from the same workbook, the 12-month UTLA table for the ONS
code of each UTLA. The mirror's flattened CSV is used only by the tests, as a cross-check.

Traps handled here:

* **Period from the file**: the financial year and quarter are the workbook's own
  ``Financial Year`` and ``Financial Year Quarter`` columns, not its file name.
* **Markers** (``[x]`` not available, ``[c]`` suppressed, ``[z]`` not applicable) become missing
  values, flagged in ``marker``; never zero. In 2024-25 Q3 fourteen London UTLAs are ``[x]``:
  :func:`cover_england` leaves England missing for any quarter and item where a UTLA is missing
  rather than summing a partial England.
* **Code vintages**: workbooks up to 2024-25 Q1 give the pre-2019/2023 county codes for Dorset
  (E10000009), Somerset (E10000027) and North Yorkshire (E10000023); some leave the ONS code blank
  (Buckinghamshire, the Northamptonshires). Quarters are linked on the ODS code (stable); the ONS
  code as given is kept (``utla_ons_code``) and ``utla_code_2024`` is the April 2024 UTLA code.
* **COVER areas are not all UTLAs**: City of London is counted in Hackney, and Cumbria is one area
  (the pre-2023 county, now Cumberland and Westmorland and Furness). :func:`cover_area_utlas`
  lists the 2024 UTLAs each COVER area covers.
* **UTLAs do not nest in ICBs**: :func:`cover_icb_overlap` gives, from Census 2021 LSOA
  populations, the share of each ICB's population living in each COVER area and the share of
  each COVER area's population living in the ICB, so a chapter can name the areas and say how
  each is shown or apportioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import sources
from ._base import LoaderError, cached_table, check_codes, read_excel

COVER = "childhood_immunisation_cover"

#: ONS county codes that some COVER workbooks still give -> the April 2024 UTLA code.
UTLA_CODE_CHANGES = {"E10000009": "E06000059", "E10000027": "E06000066", "E10000023": "E06000065"}
#: COVER areas that cover more than one April 2024 UTLA (ONS code -> UTLA 2024 codes).
COVER_AREA_UTLAS = {
    "E09000012": ("E09000012", "E09000001"),  # Hackney includes City of London
    "E10000006": ("E06000063", "E06000064"),
}  # Cumbria = Cumberland + Westmorland and Furness
_MARKER = re.compile(r"^\[[a-z]\]$")
_ITEM = re.compile(r"^(12m|24m|5y)_(.+)_(Num|Denom)$")


def _workbooks() -> list[str]:
    # Every quarterly workbook of every edition the build selects: a new quarter drops in.
    return sorted(spec.filename for e in sources.editions(COVER) for spec in e.files if spec.filename.endswith(".ods"))


def _sheet(filename: str, names: set[str]) -> pd.DataFrame:
    """The sheet of ``filename`` whose name, without underscores, is one of ``names`` (the workbooks
    call the same table ``Data_file``, ``Table10`` or ``Table_10``)."""
    path = sources.resolve(COVER, filename)
    try:
        sheets = pd.ExcelFile(path, engine="calamine").sheet_names
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise LoaderError(f"dataset {COVER!r}, file {filename!r} could not be read as a workbook: {exc}") from exc
    for name in sheets:
        if name.replace("_", "").lower() in names:
            return read_excel(COVER, filename, sheet_name=name, header=None, dtype=str, engine="calamine")
    raise LoaderError(f"dataset {COVER!r}, file {filename!r}: no sheet named like {sorted(names)}; sheets: {sheets}.")


def _table(sheet: pd.DataFrame, first: set[str], filename: str) -> pd.DataFrame:
    """The table whose header row starts with one of ``first`` (case-insensitive)."""
    col0 = sheet.iloc[:, 0].astype("string").str.strip().str.lower()
    hdr = col0[col0.isin(first)].index
    if len(hdr) != 1:
        raise LoaderError(
            f"dataset {COVER!r}, file {filename!r}: expected one header row starting with "
            f"{sorted(first)}, found {len(hdr)}."
        )
    body = sheet.iloc[hdr[0] + 1 :].copy()
    body.columns = [str(c).strip() for c in sheet.iloc[hdr[0]]]
    return body


def _col(df: pd.DataFrame, filename: str, *names: str) -> str:
    low = {c.lower(): c for c in df.columns}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    raise LoaderError(
        f"dataset {COVER!r}, file {filename!r} is missing required column {names[0]!r}. "
        f"Columns present: {', '.join(df.columns[:40])}."
    )


def _number(raw: pd.Series, filename: str, column: str) -> tuple[pd.Series, pd.Series]:
    s = raw.astype("string").str.strip()
    marker = s.str.fullmatch(_MARKER.pattern).fillna(False).astype(bool)
    num = pd.to_numeric(s.mask(marker), errors="coerce")
    bad = num.isna() & s.notna() & ~marker
    if bad.any():
        raise LoaderError(
            f"dataset {COVER!r}, file {filename!r}, column {column!r}: expected whole numbers or "
            f"markers such as [x], [c], [z]; found {s[bad].unique()[:5].tolist()}."
        )
    if ((num % 1).fillna(0) != 0).any() or (num < 0).any():
        raise LoaderError(
            f"dataset {COVER!r}, file {filename!r}, column {column!r}: counts must be whole numbers >= 0."
        )
    return num, s.where(marker)


def _read_workbook(filename: str) -> tuple[pd.DataFrame, dict[str, str]]:
    data = _table(_sheet(filename, {"datafile", "table10"}), {"country"}, filename)
    data = data[data["Country"].notna()]
    if not (data["Country"] == "England").all() or len(data) == 0:
        raise LoaderError(f"dataset {COVER!r}, file {filename!r}, column 'Country': expected England UTLA rows.")
    ods_c = _col(data, filename, "Upper Tier Local Authority ODS Code")
    name_c = _col(data, filename, "Upper Tier Local Authority Name")
    fy_c = _col(data, filename, "Financial Year")
    q_c = _col(data, filename, "Financial Year Quarter")
    fy = data[fy_c].astype("string").str.strip().unique()
    q = data[q_c].astype("string").str.strip().str.extract(r"Q([1-4])$")[0].unique()
    if len(fy) != 1 or not re.fullmatch(r"\d{4}-\d{2}", str(fy[0])) or len(q) != 1 or pd.isna(q[0]):
        raise LoaderError(
            f"dataset {COVER!r}, file {filename!r}, columns {fy_c!r}/{q_c!r}: expected one financial year "
            f"(e.g. 2024-25) and one quarter (Q1-Q4); found {list(fy)} / {list(q)}."
        )
    t12 = _sheet(filename, {"12mutlagor", "table5"})
    t = _table(t12, {"code", "ons government office region code"}, filename)
    ods_k = _col(t, filename, "ODS UTLA code", "Organisation data service code")
    ons_k = _col(t, filename, "ONS UTLA code", "Code")
    ons = {
        str(k).strip(): str(v).strip()
        for k, v in zip(t[ods_k], t[ons_k])
        if isinstance(v, str) and re.fullmatch(r"E(06|08|09|10)\d{6}", v.strip())
    }
    pairs = []
    for col in data.columns:
        m = _ITEM.match(col)
        if not m or m.group(3) != "Num":
            continue
        den_col = f"{m.group(1)}_{m.group(2)}_Denom"
        if den_col not in data.columns:
            raise LoaderError(f"dataset {COVER!r}, file {filename!r}: column {col!r} has no {den_col!r}.")
        if data[col].isna().all() and data[den_col].isna().all():
            continue  # item not collected that quarter (12m PCV2 after the schedule change)
        pairs.append((f"{m.group(1)}_{m.group(2)}", col, den_col))
    if not pairs:
        raise LoaderError(f"dataset {COVER!r}, file {filename!r}: no '<cohort>_<item>_Num' columns found.")
    n = len(data)
    long = pd.DataFrame(
        {
            "item": np.repeat([p[0] for p in pairs], n),
            "num_raw": np.concatenate([data[p[1]].to_numpy(dtype=object) for p in pairs]),
            "den_raw": np.concatenate([data[p[2]].to_numpy(dtype=object) for p in pairs]),
            "utla_ods_code": np.tile(data[ods_c].astype("string").str.strip().to_numpy(dtype=object), len(pairs)),
            "utla_name": np.tile(data[name_c].astype("string").str.strip().to_numpy(dtype=object), len(pairs)),
        }
    )
    num, num_mark = _number(long["num_raw"], filename, "<item>_Num")
    den, den_mark = _number(long["den_raw"], filename, "<item>_Denom")
    return pd.DataFrame(
        {
            "financial_year": fy[0],
            "quarter": f"Q{q[0]}",
            "utla_ods_code": long["utla_ods_code"],
            "utla_name": long["utla_name"],
            "cohort": long["item"].str.split("_").str[0],
            "item": long["item"],
            "numerator": num,
            "denominator": den,
            "marker": num_mark.fillna(den_mark),
            "source_file": filename,
        }
    ), ons


_COVER_TABLES: dict[tuple[str, ...], Callable[..., pd.DataFrame]] = {}


def _cover_all() -> pd.DataFrame:
    """Every quarterly COVER workbook of the selected editions as one long table, parsed once per
    build (the same national workbooks serve every ICB) and kept in the table cache, keyed on
    those workbooks and the code."""
    books = tuple(_workbooks())
    table = _COVER_TABLES.get(books)
    if table is None:
        table = cached_table("cover_all", [(COVER, f) for f in books])(_parse_cover_all)
        _COVER_TABLES[books] = table
    return table()


_cover_all.cache_clear = _COVER_TABLES.clear  # type: ignore[attr-defined]  # as tests clear lru_caches


def _parse_cover_all() -> pd.DataFrame:
    parts, ons_all = [], {}
    for f in _workbooks():
        df, ons = _read_workbook(f)
        df["utla_ons_code"] = df["utla_ods_code"].map(ons)
        df["ons_code_from"] = np.where(df["utla_ons_code"].notna(), "same workbook", "other COVER workbook")
        parts.append(df)
        ons_all.update(ons)  # later quarters overwrite earlier ones
    out = pd.concat(parts, ignore_index=True)
    blank = out["utla_ons_code"].isna()
    out.loc[blank, "utla_ons_code"] = out.loc[blank, "utla_ods_code"].map(ons_all)
    if out["utla_ons_code"].isna().any():
        ex = out.loc[out["utla_ons_code"].isna(), ["source_file", "utla_ods_code"]].drop_duplicates().head(3)
        raise LoaderError(f"dataset {COVER!r}: no COVER workbook gives an ONS code for {ex.to_dict('records')}.")
    return out


def cover_utla() -> pd.DataFrame:
    """COVER coverage by COVER area (UTLA; City of London in Hackney), item and quarter.

    Columns: financial_year (e.g. ``2024-25``), quarter (``Q1`` April-June ... ``Q4`` January-March),
    utla_ods_code (stable across quarters: join on it), utla_ons_code (as the workbook gives it;
    blanks filled from another COVER workbook, see ons_code_from), utla_code_2024 (April 2024 UTLA
    code; Cumbria keeps E10000006, see :func:`cover_area_utlas`), utla_name, cohort (12m, 24m,
    5y), item (e.g. ``24m_MMR1``), numerator, denominator (children), coverage (percent 0-100,
    numerator / denominator), marker (published ``[x]``/``[c]``/``[z]``, values missing),
    source_file, ons_code_from.
    """
    df = _cover_all()
    check_codes(
        df["utla_ons_code"],
        r"E(06|08|09|10)\d{6}",
        dataset=COVER,
        filename=", ".join(_workbooks()),
        column="ONS UTLA code",
    )
    df["utla_code_2024"] = df["utla_ons_code"].replace(UTLA_CODE_CHANGES)
    bad = df["numerator"] > df["denominator"]
    if bad.any():
        ex = df.loc[bad, ["source_file", "utla_ods_code", "item"]].head(3).to_dict("records")
        raise LoaderError(f"dataset {COVER!r}: numerator above denominator in {int(bad.sum())} row(s); e.g. {ex}.")
    df["coverage"] = 100 * df["numerator"] / df["denominator"].where(df["denominator"] > 0)
    cols = [
        "financial_year",
        "quarter",
        "utla_ods_code",
        "utla_ons_code",
        "utla_code_2024",
        "utla_name",
        "cohort",
        "item",
        "numerator",
        "denominator",
        "coverage",
        "marker",
        "source_file",
        "ons_code_from",
    ]
    dup = df.duplicated(["financial_year", "quarter", "utla_ods_code", "item"])
    if dup.any():
        raise LoaderError(
            f"dataset {COVER!r}: duplicated UTLA x item rows within a quarter; e.g. "
            f"{df.loc[dup, ['source_file', 'utla_ods_code', 'item']].head(3).to_dict('records')}."
        )
    return df[cols].sort_values(["financial_year", "quarter", "utla_ods_code", "item"]).reset_index(drop=True)


def cover_england() -> pd.DataFrame:
    """England coverage recomputed from the UTLA numerators and denominators, per quarter and item.

    Columns: financial_year, quarter, cohort, item, numerator, denominator (sums over the areas
    with published numbers), coverage (percent), n_utlas, n_missing (areas with a marker),
    missing_markers (e.g. ``[c]``), complete (no area missing). Where an area is ``[x]`` (not
    available, e.g. fourteen London UTLAs in 2024-25 Q3) numerator, denominator and coverage are
    left missing, as UKHSA leaves England; where only ``[c]`` small cells are suppressed the sum of
    the other areas is given and ``complete`` is False.
    """
    df = cover_utla()
    g = df.groupby(["financial_year", "quarter", "cohort", "item"], as_index=False).agg(
        numerator=("numerator", lambda s: s.sum(min_count=1)),
        denominator=("denominator", lambda s: s.sum(min_count=1)),
        n_utlas=("utla_ods_code", "nunique"),
        n_missing=("numerator", lambda s: int(s.isna().sum())),
        missing_markers=("marker", lambda s: ", ".join(sorted(s.dropna().unique()))),
    )
    g["complete"] = g["n_missing"] == 0
    unavailable = g["missing_markers"].str.contains(r"\[x\]", regex=True)
    for c in ("numerator", "denominator"):
        g[c] = g[c].where(~unavailable)
    g["coverage"] = 100 * g["numerator"] / g["denominator"]
    return g


def cover_area_utlas() -> pd.DataFrame:
    """The April 2024 UTLAs each COVER area of the latest workbook covers.

    Columns: utla_ods_code, utla_name (COVER's), cover_code (ONS code, 2024 vintage where it
    changed), utla_code_2024 (one row per 2024 UTLA), utla_name_2024.
    """
    from .geography import lsoa_lookup

    df = cover_utla()
    latest = df[df["source_file"] == _workbooks()[-1]].drop_duplicates("utla_ods_code")
    rows = []
    for r in latest.itertuples():
        for code in COVER_AREA_UTLAS.get(r.utla_code_2024, (r.utla_code_2024,)):
            rows.append(
                {
                    "utla_ods_code": r.utla_ods_code,
                    "utla_name": r.utla_name,
                    "cover_code": r.utla_code_2024,
                    "utla_code_2024": code,
                }
            )
    out = pd.DataFrame(rows)
    lk = lsoa_lookup(2021)[["utla_code", "utla_name"]].drop_duplicates()
    names = dict(zip(lk["utla_code"], lk["utla_name"]))
    out["utla_name_2024"] = out["utla_code_2024"].map(names)
    unknown = out["utla_name_2024"].isna()
    uncovered = sorted(set(names) - set(out["utla_code_2024"]))
    if unknown.any() or uncovered or out["utla_code_2024"].duplicated().any():
        raise LoaderError(
            f"dataset {COVER!r}, file {_workbooks()[-1]!r}: COVER areas do not match the April 2024 UTLAs "
            f"one to one: not in the lookup {out.loc[unknown, 'utla_code_2024'].tolist()[:5]}, "
            f"UTLAs without an area {uncovered[:5]}."
        )
    return out


def _overlap() -> pd.DataFrame:
    from .deprivation import census2021_lsoa21
    from .geography import icb_table, lsoa_lookup

    areas = cover_area_utlas()
    lk = lsoa_lookup(2021)[["lsoa_code", "utla_code", "icb_ods_code", "icb_ons_code"]]
    pop = census2021_lsoa21()[["lsoa_code", "population", "0-15"]]
    x = lk.merge(pop, on="lsoa_code", how="inner", validate="one_to_one").merge(
        areas[["utla_ods_code", "utla_name", "utla_code_2024"]],
        left_on="utla_code",
        right_on="utla_code_2024",
        how="left",
    )
    g = (
        x.groupby(["icb_ods_code", "icb_ons_code", "utla_ods_code", "utla_name"], as_index=False)[
            ["population", "0-15"]
        ]
        .sum()
        .rename(columns={"0-15": "population_0_15"})
    )
    icb_pop = x.groupby("icb_ods_code")["population"].sum()
    area_pop = x.groupby("utla_ods_code")["population"].sum()
    g["share_of_icb"] = g["population"] / g["icb_ods_code"].map(icb_pop)
    g["share_of_area"] = g["population"] / g["utla_ods_code"].map(area_pop)
    g["icb_name"] = g["icb_ods_code"].map(icb_table().set_index("ICB24CDH")["ICB24NM"])
    return g


def cover_icb_overlap() -> pd.DataFrame:
    """For every ICB, the COVER areas (UTLAs) its population lives in, from Census 2021 LSOAs.

    Columns: icb_ods_code, icb_ons_code, icb_name, utla_ods_code, utla_name (COVER's), population
    (usual residents of the ICB living in the area), population_0_15, share_of_icb (0-1; sums to 1
    per ICB), share_of_area (0-1: the part of the area's population in this ICB, e.g. to apportion
    the area's counts, or to say that the area lies wholly in the ICB when it is 1).
    """
    g = _overlap()
    cols = [
        "icb_ods_code",
        "icb_ons_code",
        "icb_name",
        "utla_ods_code",
        "utla_name",
        "population",
        "population_0_15",
        "share_of_icb",
        "share_of_area",
    ]
    return g[cols].sort_values(["icb_ods_code", "share_of_icb"], ascending=[True, False]).reset_index(drop=True)


__all__ = [
    "COVER",
    "COVER_AREA_UTLAS",
    "UTLA_CODE_CHANGES",
    "cover_area_utlas",
    "cover_england",
    "cover_icb_overlap",
    "cover_utla",
]
