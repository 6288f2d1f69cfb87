"""NHS England's own files, read as published, edition by edition.

Each reader is checked on the real files of the mirror: the period comes from the file's content,
the figures agree with the conversions they replace (for the periods both get right) and with the
figures the publisher states, and ``data add`` takes one real file of each dataset as a new
edition (and a second time changes nothing).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import datacmd, manifest_io, sources
from analysis.load import cancer, dementia, readers, rtt_workbooks, urgent_care, waiting
from analysis.load._base import LoaderError

CWT_DIR = "cwt_provider_extract_official"
FINAL = "CWT-CRS-Apr-2024-to-Sep-2024-Data-Extract-Provider-Final.xlsx"
APR_JUL_2025 = "CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx"
WLMDS_BOOK = "WLMDS-Demographics-Summary-to-25-January-2025-v1.xlsx"
RTT_ADMITTED = "Admitted-Commissioner-Dec24-XLSX-2M-revised.xlsx"


@pytest.fixture(scope="module")
def cwt_final(mirror):
    return cancer.parse_cwt_extract(mirror / CWT_DIR / FINAL)


# ----------------------------------------------------------------------------- CWT provider extract


def test_cwt_extract_periods_come_from_the_period_column(mirror):
    r = readers.reader_for(cancer.CWT_EXTRACT)
    got = {}
    for e in sources.editions(cancer.CWT_EXTRACT):
        path = sources.resolve_spec(e.file())
        p = r.period(r.read(path), path)
        got[e.file().filename] = (p.start, p.end)
        assert (p.start, p.end, p.label) == (e.period.start, e.period.end, e.period.label)
    assert got[FINAL] == (dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    assert got[APR_JUL_2025] == (dt.date(2025, 4, 1), dt.date(2025, 7, 31))


def test_cwt_openpyxl_read_only_trap_is_avoided(mirror, cwt_final):
    # The sheet declares its dimension as A1:A1: openpyxl in read-only mode sees a single row.
    wb = openpyxl.load_workbook(mirror / CWT_DIR / FINAL, read_only=True)
    assert wb[cancer.SHEET].max_row == 1
    wb.close()
    assert len(cwt_final) == 61780  # the PROVENANCE row count


def test_cwt_each_route_is_counted_once(cwt_final):
    t = cancer.provider_month_totals(cwt_final).set_index(["org_code", "month", "standard"])
    # PROVENANCE: RWP FDS April 2024 2,185 within 28 days of 2,975
    rwp = t.loc[("RWP", pd.Timestamp("2024-04-01"), "FDS28")]
    assert (rwp["within_standard"], rwp["total"]) == (2185, 2975)
    # summing every 31/62-day row would double the totals: both breakdowns are published
    raw = cwt_final[
        (cwt_final["org_code"] == "RWP") & (cwt_final["month"] == "2024-07-01") & (cwt_final["standard"] == "CMB62")
    ]
    assert raw["total"].sum() == pytest.approx(2 * t.loc[("RWP", pd.Timestamp("2024-07-01"), "CMB62"), "total"])
    # England totals (sum of providers) equal the figures the PROVENANCE quotes for April 2024
    eng = t.groupby(level=["month", "standard"])[["within_standard", "total"]].sum()
    assert tuple(eng.loc[(pd.Timestamp("2024-04-01"), "FDS28")]) == (197882, 269798)
    assert tuple(eng.loc[(pd.Timestamp("2024-04-01"), "CMB31")]) == (49997, 55968)
    assert tuple(eng.loc[(pd.Timestamp("2024-04-01"), "CMB62")]) == (18236, 27199)


def _write(df: pd.DataFrame, path: Path) -> Path:
    df.to_excel(path, sheet_name=cancer.SHEET, index=False)
    return path


def test_cwt_breakdowns_that_disagree_are_refused(tmp_path, mirror):
    df = pd.read_excel(mirror / CWT_DIR / APR_JUL_2025, engine="calamine")
    df = df[df["ORG CODE"].isin(["RWP", "RLQ"])].reset_index(drop=True)  # whole providers: still consistent
    cancer.provider_month_totals(cancer.parse_cwt_extract(_write(df, tmp_path / "two_trusts.xlsx")))
    row = df.index[(df["TREATMENT MODALITY"] == "Surgery")][0]
    df.loc[row, ["TOTAL TREATED", "BREACHES"]] += 1  # one modality row no longer matches the cancer types
    bad = _write(df, tmp_path / "edited.xlsx")
    with pytest.raises(LoaderError, match=r"edited\.xlsx.*by cancer type .* and by modality"):
        cancer.parse_cwt_extract(bad)


def test_converted_cwt_provider_series_agrees_with_the_official_extract():
    """What agrees: the final Apr-Sep 2024 extract equals the conversion (NHS England's final
    Combined CSVs) within 0.5 for every provider, standard and month both hold (the conversion
    stores whole numbers; the extract halves shared pathways). The later, pre-final extracts are
    below the final figures (late submissions): England 0-4% lower, never higher."""
    from analysis.load.performance import cancer_waiting_times

    off = cancer.cwt_provider_official()
    conv = cancer_waiting_times()
    conv = conv[conv["level"] == "provider"].assign(month=lambda d: pd.to_datetime(d["month"] + "-01"))
    both = off.merge(conv, on=["month", "org_code", "standard"], suffixes=("", "_conv"))
    final = both[both["edition"] == "2024-09"]
    assert len(final) == 2497
    assert (final["total"] - final["total_conv"]).abs().max() <= 0.5
    assert (final["within_standard"] - final["within_standard_conv"]).abs().max() <= 0.5
    later = both[both["edition"] != "2024-09"]
    eng = later.groupby(["month", "standard"])[["total", "total_conv"]].sum()
    ratio = eng["total"] / eng["total_conv"]
    assert ratio.between(0.96, 1.0).all(), ratio[~ratio.between(0.96, 1.0)]
    # each month is read from exactly one edition
    assert not off.duplicated(["month", "org_code", "standard"]).any()
    assert off["month"].min() == pd.Timestamp("2024-04-01") and off["month"].max() == pd.Timestamp("2025-07-01")


def test_cwt_a_later_edition_of_the_same_months_wins(sandbox_manifest, monkeypatch):
    """A re-issue of the same half-year (NHS England re-publishes the last monthly issue as Final)
    replaces the earlier edition's figures month by month; the other months are untouched."""
    monkeypatch.setenv("ANALYSIS_NO_TABLE_CACHE", "1")
    doc = manifest_io.read()
    eds = doc[cancer.CWT_EXTRACT]["editions"]
    first = next(e for e in eds if e["id"] == "2024-09")
    eds.append({**first, "id": "2024-09-r2", "added": "2030-01-01"})
    manifest_io.write(doc)
    off = cancer.cwt_provider_official()
    by_month = off.groupby("month")["edition"].unique()
    assert all(list(v) == ["2024-09-r2"] for m, v in by_month.items() if m <= pd.Timestamp("2024-09-01"))
    assert all(
        list(v) == ["2025-03"]
        for m, v in by_month.items()
        if pd.Timestamp("2024-10-01") <= m <= pd.Timestamp("2025-03-01")
    )


# ----------------------------------------------------------------------------- dementia


def test_dementia_workbooks_are_the_books_series_and_match_the_conversion(mirror):
    d = dementia.dementia_diagnosis_rate()
    assert sorted(d["month"].unique()) == [f"{m:%Y-%m}" for m in pd.date_range("2024-01-01", "2025-01-01", freq="MS")]
    conv = pd.read_csv(
        mirror / "dementia_diagnosis_rate" / "pcdd_ddr65_by_org_month.csv", dtype={"ODS Code": str, "ONS Code": str}
    )
    key = ["Month", "Type", "ODS Code", "ONS Code"]
    conv = conv.rename(
        columns={
            "Number of patients with dementia, ages 65+: Recorded": "recorded_c",
            "Number of patients with dementia, ages 65+: Estimated": "estimated_c",
            "Diagnosis rate (%)": "rate_c",
        }
    )
    d = d.rename(columns={"month": "Month", "org_type": "Type", "ods_code": "ODS Code", "ons_code": "ONS Code"})
    j = d.merge(conv[key + ["recorded_c", "estimated_c", "rate_c"]], on=key, how="outer", indicator=True)
    assert (j["_merge"] == "both").all() and len(j) == 7722
    assert (j["recorded"] == j["recorded_c"]).all()
    assert (j["estimated"] - j["estimated_c"]).abs().max() < 1e-6
    assert (j["diagnosis_rate"] == j["rate_c"]).all()
    qgh = d[(d["Type"] == "ICB") & (d["ODS Code"] == "QGH")].set_index("Month")["diagnosis_rate"]
    assert (qgh["2024-01"], qgh["2025-01"]) == (53.7, 55.1)


def test_dementia_month_comes_from_the_title_not_the_file_name(tmp_path, mirror):
    src = mirror / "dementia_diagnosis_rate" / "source" / "Primary Care Dementia Data, March 2024- Summary.xlsx"
    renamed = tmp_path / "Primary Care Dementia Data, June 2030- Summary.xlsx"
    shutil.copyfile(src, renamed)
    r = readers.reader_for(dementia.DEMENTIA)
    assert r.recognise(renamed).ok
    assert r.period(r.read(renamed), renamed).label == "March 2024"
    wb = openpyxl.load_workbook(src)
    wb["Table 4"]["A7"] = "Table 4: Dementia diagnoses"  # the title without its month
    untitled = tmp_path / "untitled.xlsx"
    wb.save(untitled)
    with pytest.raises(LoaderError, match="untitled.xlsx.*title row"):
        dementia.parse_dementia_summary(untitled)


# ----------------------------------------------------------------------------- WLMDS


def test_wlmds_week_is_read_from_the_workbook(mirror):
    table, week = waiting.parse_wlmds_summary(mirror / "wlmds_deprivation" / WLMDS_BOOK)
    assert week == pd.Timestamp("2026-01-25")  # the file name says 2025
    assert waiting.wlmds_week_ending() == week
    assert "2025" in WLMDS_BOOK
    assert not hasattr(waiting, "WLMDS_WEEK_ENDING")
    conv = pd.read_csv(mirror / "wlmds_deprivation" / "wlmds_provider_long.csv", dtype={"value_raw": str})
    assert len(table) == len(conv) == 43197


def test_no_typed_copy_of_the_wlmds_week():
    root = Path(__file__).resolve().parents[2]
    files = [
        root / "book" / "chapters.yml",
        root / "src" / "analysis" / "chapters" / "waiting_lists.py",
        root / "src" / "analysis" / "load" / "waiting.py",
        root / "notebooks" / "src" / "waiting_lists.py",
    ]
    for f in files:
        text = f.read_text(encoding="utf-8")
        for typed in ("25 January 2026", "2026-01-25", "January 2026"):
            assert typed not in text, f"{f.name} types the WLMDS week ({typed!r})"


def test_wlmds_gap_by_edition_and_the_one_edition_sentence():
    from analysis.chapters import waiting_lists as wl

    t = wl.deprivation_gap_by_edition("QGH")
    assert list(t["edition"].unique()) == waiting.wlmds_editions()
    icb = t[t["org_code"] == "QGH"].iloc[-1]
    g = wl.deprivation_gaps(wl.wlmds_view("QGH", "imd_decile"), reps=1000).set_index("org_code").loc["QGH"]
    assert icb["pct18_gap_pp"] == pytest.approx(g["pct18_gap_pp"])
    text = wl.deprivation_gap_change_text("QGH")
    if len(waiting.wlmds_editions()) == 1:
        assert text.startswith("This book has one WLMDS edition so far (week ending 25 January 2026)")


# ----------------------------------------------------------------------------- RTT commissioner workbook


def test_rtt_commissioner_workbook_template(mirror):
    path = mirror / "rtt_commissioner_official" / RTT_ADMITTED
    nat, info = rtt_workbooks.parse_rtt_commissioner_workbook(path, sheet="National")
    assert (
        info["part"] == "admitted" and info["period"] == pd.Timestamp("2024-12-01") and info["basis"] == "Commissioner"
    )
    total = nat[nat["treatment_function_code"] == "C_999"].iloc[0]
    # equal to NHS England's RTT Overview Timeseries for December 2024 (PROVENANCE)
    assert total["total"] == 275133 and total["Total 52 plus weeks"] == 29397
    assert total["Average (median) waiting time (in weeks)"] == pytest.approx(10.8102600697748)
    icb, _ = rtt_workbooks.parse_rtt_commissioner_workbook(path, sheet="ICB")
    qgh = icb[(icb["icb_code"] == "QGH") & (icb["treatment_function_code"] == "C_999")].iloc[0]
    assert qgh["Total 52 plus weeks"] == 403 and round(qgh["Average (median) waiting time (in weeks)"], 1) == 11.9
    assert icb["icb_code"].nunique() == 43  # 42 ICBs and '-' (NHS England direct commissioning)
    by_icb = icb[icb["treatment_function_code"] == "C_999"]["total"].sum()
    assert by_icb == total["total"]  # commissioner basis: every pathway has one commissioner row
    for sheet, n in (("Region", 192), ("Sub-ICB", 3072)):
        assert len(rtt_workbooks.parse_rtt_commissioner_workbook(path, sheet=sheet)[0]) == n


def test_rtt_incomplete_commissioner_reader_takes_the_same_template(tmp_path, mirror, sandbox_manifest):
    """No Incomplete Commissioner workbook is in the mirror: the Admitted one with its Summary cell
    and total column relabelled stands in for the template (same frame, as the PROVENANCE says)."""
    icb = pd.read_excel(
        mirror / "rtt_commissioner_official" / RTT_ADMITTED,
        sheet_name="ICB",
        header=None,
        dtype=object,
        engine="calamine",
    )
    icb.iloc[:14] = icb.iloc[:14].map(
        lambda v: (
            v.replace("completed admitted pathways", "incomplete pathways").replace(
                "completed pathways", "incomplete pathways"
            )
            if isinstance(v, str)
            else v
        )
    )
    fake = tmp_path / "Incomplete-Commissioner-template.xlsx"
    icb.to_excel(fake, sheet_name="ICB", header=False, index=False)  # same cells, same places
    inc, adm = readers.reader_for(rtt_workbooks.INCOMPLETE), readers.reader_for(rtt_workbooks.ADMITTED)
    assert inc.recognise(fake).ok and not adm.recognise(fake).ok
    assert not inc.recognise(mirror / "rtt_commissioner_official" / RTT_ADMITTED).ok
    t = inc.read(fake)
    assert inc.period(t, fake).label == "December 2024"
    assert "Total number of incomplete pathways (all)" in t.columns
    # its first file creates the dataset in the manifest, with one edition dated from the file
    assert rtt_workbooks.INCOMPLETE not in sources.manifest()
    added = datacmd.add(fake, log=lambda *_: None)
    assert (added.dataset, added.edition, added.unchanged) == (rtt_workbooks.INCOMPLETE, "2024-12", False)
    (e,) = sources.editions(rtt_workbooks.INCOMPLETE, all_editions=True)
    assert e.period_from == "file" and e.period.label == "December 2024"
    assert sources.manifest()[rtt_workbooks.INCOMPLETE]["kind"] == "series"


# ----------------------------------------------------------------------------- A&E


def test_ae_official_rwp_february_2025_and_the_copied_conversion_months():
    a = urgent_care.ae_monthly_providers().set_index(["org_code", "month"])
    assert a.loc[("RWP", pd.Timestamp("2025-02-01")), "attendances"] == 16264
    assert sorted(urgent_care.repeated_months_in_conversion("icb")) == [("2025-02", "2024-02"), ("2025-03", "2024-03")]


def test_scorecard_ae_uses_the_official_files_and_shows_their_latest_month():
    from analysis.chapters import scorecard as sc

    latest = urgent_care.ae_monthly_providers()["month"].max()
    s = sc.measure_series("QGH", "ae_4h")
    assert s.period_label == f"{latest:%B %Y}" and s.latest_month == latest
    feb = s.data.set_index("month").loc[pd.Timestamp("2025-02-01")]
    prov = urgent_care.ae_monthly_providers()
    qgh = prov[prov["org_code"].isin(["RWP", "RLQ"]) & (prov["month"] == "2025-02-01")]
    assert feb["denominator"] == qgh["attendances"].sum()  # not the conversion's copy of February 2024
    assert any("cannot be located" in n for n in s.notes)
    comp = sc.icb_comparison()
    assert set(comp.loc[comp["measure"] == "ae_4h", "period"]) == {f"{latest:%B %Y}"}
    assert sc.headline_figures("QGH")["ae_4h_pct"] == pytest.approx(s.latest)


def test_ae_icb_sum_against_the_conversion_where_both_are_right():
    from analysis.chapters import scorecard as sc

    both = sc.ae_official_vs_conversion()
    assert sorted(both["month"].dt.strftime("%Y-%m").unique()) == [
        "2025-01",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]
    qgh = both[both["icb_code"] == "QGH"]
    assert len(qgh) == 5 and (qgh["attendances"] == qgh["attendances_conversion"]).all()
    # Where providers are located differently from NHS England's own assignment the sums differ:
    # most ICB-months agree exactly, and the median difference is nil.
    assert (both["difference_pp"].abs() < 1e-9).mean() > 0.6
    assert both["difference_pp"].median() == pytest.approx(0, abs=1e-9)


# ----------------------------------------------------------------------------- data add, per reader

#: (dataset, file in the mirror, whether the file brings provider codes no earlier edition has)
ADD_CASES = [
    ("ae_monthly_official", "ae_monthly_official/September-2025-Csv-7hjr2.csv", False),
    # eight providers first report in April-July 2025 (e.g. RV3): the unknown-code guard stops them
    (cancer.CWT_EXTRACT, f"{CWT_DIR}/{APR_JUL_2025}", True),
    (dementia.DEMENTIA, "dementia_diagnosis_rate/source/Primary Care Dementia Data, January 2025- Summary.xlsx", False),
    (waiting.WLMDS_DATASET, f"wlmds_deprivation/{WLMDS_BOOK}", False),
    (rtt_workbooks.ADMITTED, f"rtt_commissioner_official/{RTT_ADMITTED}", False),
]


@pytest.fixture
def sandbox_manifest(tmp_path, monkeypatch):
    manifest = tmp_path / "sources.yml"
    shutil.copyfile(sources.manifest_path(), manifest)
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.delenv("ANALYSIS_AS_OF", raising=False)
    sources.clear_caches()
    yield manifest
    sources.clear_caches()


@pytest.mark.parametrize("dataset,relpath,new_codes", ADD_CASES, ids=[c[0] for c in ADD_CASES])
def test_data_add_takes_a_real_file_once(dataset, relpath, new_codes, mirror, sandbox_manifest):
    path = mirror / relpath
    doc = manifest_io.read()
    eds = doc[dataset]["editions"]
    held = next(e for e in eds if any(Path(n).name == path.name for n in e["files"]))
    doc[dataset]["editions"] = [e for e in eds if e is not held]  # a snapshot's only edition: none left
    manifest_io.write(doc)
    if new_codes:
        unchanged = sandbox_manifest.read_text(encoding="utf-8")
        with pytest.raises(datacmd.DataCommandError, match="organisation code"):
            datacmd.add(path, log=lambda *_: None)
        assert sandbox_manifest.read_text(encoding="utf-8") == unchanged
    added = datacmd.add(path, log=lambda *_: None, allow_new_codes=new_codes)
    assert (added.dataset, added.edition, added.unchanged) == (dataset, held["id"], False)
    assert added.period.label == held["period"]
    assert str(added.period.end) == str(held["period_end"])
    new = {e.id: e for e in sources.editions(dataset, all_editions=True)}[held["id"]]
    assert new.period_from == "file" and new.file().sha256 == next(iter(held["files"].values()))["sha256"]
    before = sandbox_manifest.read_text(encoding="utf-8")
    again = datacmd.add(path, log=lambda *_: None)
    assert again.unchanged and sandbox_manifest.read_text(encoding="utf-8") == before


def test_data_add_refuses_a_month_that_repeats_another(tmp_path, mirror, sandbox_manifest):
    src = (mirror / "ae_monthly_official" / "September-2025-Csv-7hjr2.csv").read_text(encoding="utf-8")
    copy = tmp_path / "October-2025-CSV-copy.csv"
    copy.write_text(src.replace("MSitAE-SEPTEMBER-2025", "MSitAE-OCTOBER-2025"), encoding="utf-8")
    with pytest.raises(datacmd.DataCommandError, match="identical, organisation by organisation"):
        datacmd.add(copy, log=lambda *_: None)
    assert "2025-10" not in {e.id for e in sources.editions("ae_monthly_official", all_editions=True)}


def test_every_reader_gives_codes_and_values_for_the_guards(mirror):
    for dataset, relpath, _ in ADD_CASES:
        r = readers.reader_for(dataset)
        t = r.read(mirror / relpath)
        codes, values = r.org_codes(t), r.values(t)
        assert codes is not None and len(codes) >= 40, dataset
        assert values is not None and values.index.is_unique and len(values) >= 40, dataset


# ----------------------------------------------------------------------------- other official files


@pytest.mark.parametrize(
    "sheet", ["IMD", "Income", "Employment", "Education", "Health", "Crime", "Barriers", "Living", "IDACI", "IDAOPI"]
)
def test_iod2019_file10_read_from_the_workbook_equals_its_csv_conversion(sheet, mirror):
    from analysis.load import deprivation as dl

    got = dl.imd2019_lad_summary(sheet)
    conv = pd.read_csv(
        mirror / "imd2019_la_summaries" / f"File_10_IoD2019_LAD_summaries_sheet_{sheet}.csv",
        dtype={"Local Authority District code (2019)": str},
    )
    assert len(got) == len(conv) == 317
    assert list(got["lad19_code"]) == list(conv["Local Authority District code (2019)"])
    pd.testing.assert_frame_equal(
        got.iloc[:, 2:].reset_index(drop=True), conv.iloc[:, 2:].set_axis(got.columns[2:], axis=1), check_dtype=False
    )


def test_smi_health_checks_read_from_the_workbook_equal_the_csv_conversion(mirror):
    from analysis.load.clinical import SMI_QUESTIONS, smi_health_checks

    got = smi_health_checks()
    conv = pd.read_csv(
        mirror / "smi_physical_health_checks" / "smi_phc_ccg_subicb_quarter_long.csv", dtype={"CCG Code": str}
    )
    wide = conv.pivot(index=["Period", "CCG Code"], columns="Question", values="Answer")
    g = got.set_index(["period_label", "org_code"])[SMI_QUESTIONS]
    g.index.names = wide.index.names
    pd.testing.assert_frame_equal(g.sort_index(), wide[SMI_QUESTIONS].sort_index().astype(float), check_names=False)
    assert int(got["suppressed"].sum()) == 3  # 07M Q3 2018/19; 15A Q3 and Q4 2018/19 (PROVENANCE)
    q = got[(got["org_code"] == "18C") & (got["period_label"] == "SMI-Q4-2023-2024")].iloc[0]
    assert (q["All6PHC"], q["SMIRegister"]) == (3962, 5171)
