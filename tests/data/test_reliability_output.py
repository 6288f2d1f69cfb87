"""Output safety and hostile parameters.

* Text from data (area and organisation names) is shown as text: escaped in sentences, table
  cells, captions, alt text and the all-ICB landing page. (The end-to-end check, through a real
  Jupyter Book compile, is ``test_reliability_build.py::test_names_with_markup_are_text_in_the_built_book``.)
* Build parameters are validated before anything runs, against closed lists; nothing a user
  types reaches papermill except a code from the ICB list and an IMD year from (2019, 2025).
* No code path extracts archives (so there is no path-traversal surface).
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import build, geography, report

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script> & <b>Trust</b> \"quoted\" 'single' *em* [link](x) `code`"
RAW_TAGS = ("<script>alert(1)</script>", "<b>Trust</b>")


def _no_raw_markup(html: str) -> None:
    for tag in RAW_TAGS:
        assert tag not in html, f"raw markup from data in output: {tag}"


# ----------------------------------------------------------------------------- report helpers


def test_esc_makes_markup_and_markdown_literal():
    from markdown_it import MarkdownIt

    out = report.esc(HOSTILE)
    _no_raw_markup(out)
    assert "\\*em\\*" in out and "\\[link\\]" in out and "\\`code\\`" in out
    # rendered as Markdown, the reader sees the text exactly as the data had it, and no markup
    rendered = MarkdownIt("commonmark").render(out)
    _no_raw_markup(rendered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Trust&lt;/b&gt;" in rendered
    assert "*em* [link](x) `code`" in rendered and "<em>" not in rendered and "<a " not in rendered
    assert report.esc_html('"') == "&quot;"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_esc_html_output_never_contains_markup_characters(text):
    out = report.esc_html(text)
    assert "<" not in out and ">" not in out and '"' not in out
    import html as html_mod

    assert html_mod.unescape(out) == text  # and nothing is lost


def _capture(monkeypatch) -> list[tuple[str | None, str | None]]:
    shown: list[tuple[str | None, str | None]] = []
    monkeypatch.setattr(report, "_display", lambda obj_html=None, markdown=None: shown.append((obj_html, markdown)))
    return shown


def test_chapter_table_escapes_cells_caption_source_and_notes(tmp_path, monkeypatch):
    shown = _capture(monkeypatch)
    ch = report.Chapter("demo", tmp_path / "data" / "demo")
    df = pd.DataFrame({"Organisation": [HOSTILE], HOSTILE: [1.5]})
    ch.table(df, "orgs", caption=f"Values for {HOSTILE}", source=HOSTILE, notes=HOSTILE)
    html = shown[-1][0]
    _no_raw_markup(html)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # cell, header, caption, source, notes
    assert 'aria-label="Values for &lt;script&gt;' in html  # attribute context: quotes escaped too
    assert '"quoted"' not in html.split("<table", 1)[0].split("aria-label=", 1)[1]
    # The CSV keeps the exact published text.
    assert pd.read_csv(tmp_path / "data" / "demo" / "orgs.csv").iloc[0, 0] == HOSTILE


def test_chapter_figure_escapes_alt_and_caption(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = _capture(monkeypatch)
    ch = report.Chapter("demo", tmp_path / "data" / "demo")
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    ch.figure(fig, "fig", alt=f"A line chart of values for {HOSTILE}", caption=f"Values for {HOSTILE}", source=HOSTILE)
    html = shown[-1][0]
    _no_raw_markup(html)
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert "&lt;script&gt;" in alt and "&quot;quoted&quot;" in alt


def test_chapter_md_with_esc_shows_names_as_text(tmp_path, monkeypatch):
    shown = _capture(monkeypatch)
    ch = report.Chapter("demo", tmp_path / "data" / "demo")
    ch.md(f"The trust is {report.esc(HOSTILE)}.")
    md = shown[-1][1]
    _no_raw_markup(md)


def test_landing_page_escapes_icb_and_region_names(tmp_path):
    from analysis import compare

    params = build.validate_params("QGH", 2019)
    icb = dataclasses.replace(params.icb, name=f"NHS {HOSTILE} ICB", region_name=HOSTILE)
    hostile = build.Params(icb, 2019)
    out = compare.write_landing([hostile], tmp_path)
    html = out.read_text(encoding="utf-8")
    _no_raw_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Attribute values (data-sort) cannot be closed early by a quote in a name.
    for m in re.finditer(r'data-sort="([^"]*)"', html):
        assert "<" not in m.group(1)


def test_book_titles_get_markup_free_names():
    """Page titles go through the theme unescaped: names there lose their markup characters."""
    params = build.validate_params("QGH", 2019)
    icb = dataclasses.replace(params.icb, name=f"NHS {HOSTILE} ICB", region_name=HOSTILE)
    safe = build.display_params(build.Params(icb, 2019))
    for text in (safe.icb.name, safe.icb.short_name, safe.icb.region_name):
        assert not set(text) & set('<>"`'), text
    assert safe.icb.ods_code == "QGH"
    assert build.display_params(params) == params  # real names are unchanged


# ----------------------------------------------------------------------------- parameters

VALID_ODS = None


def _valid_ods() -> set[str]:
    global VALID_ODS
    if VALID_ODS is None:
        VALID_ODS = {i.ods_code for i in geography.all_icbs()}
    return VALID_ODS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    icb=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["QGH", "e54000019", "Surrey Heartlands", "'; import os #", "QGH\nimport os", "{{7*7}}"]),
    ),
    imd=st.one_of(st.text(max_size=8), st.integers(-5000, 5000), st.sampled_from(["2019", " 2025 "])),
)
def test_parameters_reach_papermill_only_from_closed_lists(icb, imd):
    try:
        p = build.validate_params(icb, imd)
    except build.ParameterError as exc:
        msg = str(exc)
        assert "QGH" in msg or "2019, 2025" in msg or "ambiguous: it matches" in msg  # lists what is valid
        return
    values = p.for_chapter(build.ChapterSpec("demo", "Demo", Path("demo.ipynb")))
    assert values["icb_code"] in _valid_ods()
    assert values["imd_version"] in build.IMD_VERSIONS and type(values["imd_version"]) is int
    assert values["data_dir"] == "data/demo"


@pytest.mark.parametrize(
    "args,expect",
    [
        (["--icb", "Narnia"], "the 42 ICBs are"),
        (["--icb", "'); import os; os.system('touch PWNED') #"], "Unknown ICB"),
        (["--icb", "Lincolnshire\"; open('PWNED','w') #"], "Unknown ICB"),
        (["--icb", "NHS"], "ambiguous"),
        (["--imd-version", "2015"], "choose one of 2019, 2025"),
        (["--imd-version", "2019); import os; os.system('touch PWNED'"], "choose one of 2019, 2025"),
    ],
)
def test_bad_parameters_stop_before_anything_runs(tmp_path, args, expect):
    env = dict(os.environ, ANALYSIS_BUILD_DIR=str(tmp_path / "build"), ANALYSIS_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("ANALYSIS_BOOK_SPEC", None)
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "build", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert expect in out.stderr and "Traceback" not in out.stderr
    # Nothing was started: no build folder, no cache, no notebook, nothing written.
    assert not (tmp_path / "build").exists() and not (tmp_path / "cache").exists()
    assert not (tmp_path / "PWNED").exists() and not (ROOT / "PWNED").exists()


# ----------------------------------------------------------------------------- archives


#: Modules allowed to import zipfile, and why: none of them extracts anything to disk.
ZIP_WRITERS = {
    "src/analysis/report.py": "save_workbook rewrites, in memory, the workbook it has just written (to fix its "
    "timestamps); nothing is extracted",
}


def test_no_code_path_extracts_archives():
    """The book reads CSV (plain or gzip-compressed), GeoJSON and XLSX (through openpyxl or
    calamine); it never unpacks zip or tar archives to disk, so there is no path-traversal
    surface. If extraction is ever added, it must go through a helper that refuses members outside
    the target folder, with a test."""
    offenders = []
    importers = set()
    for py in (ROOT / "src").rglob("*.py"):
        rel = py.relative_to(ROOT).as_posix()
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in ("extractall", "unpack_archive"):
                name = node.attr
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if any(m and m.split(".")[0] == "tarfile" for m in mods):
                    name = "import tarfile"
                elif any(m and m.split(".")[0] == "zipfile" for m in mods):
                    importers.add(rel)
                    if rel not in ZIP_WRITERS:
                        name = "import zipfile"
            if name:
                offenders.append(f"{rel}:{node.lineno}: {name}")
    assert offenders == [], offenders
    assert importers == set(ZIP_WRITERS), f"stale entries in ZIP_WRITERS: {set(ZIP_WRITERS) - importers}"


def test_manifest_urls_are_https_and_downloads_use_only_manifest_urls():
    """The resolver fetches ``spec.url`` from the manifest and nothing else."""
    import yaml

    from analysis import manifest_io

    doc = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    n_urls = 0
    for ds in doc["datasets"]:
        for _edition, fname, f in manifest_io.iter_files(doc["datasets"], ds):
            assert ".." not in fname.split("/") and not fname.startswith("/"), (ds, fname)
            if f.get("url"):
                n_urls += 1
                assert f["url"].startswith("https://"), (ds, fname, f["url"])
    assert n_urls > 10
    src = (ROOT / "src" / "analysis" / "sources.py").read_text(encoding="utf-8")
    assert src.count("pooch.retrieve(") == 1 and re.search(r"pooch\.retrieve\(\s*url=url,", src)
    # the one download function is called with the manifest's url, and from nowhere else
    calls = [
        (p.name, ln.strip())
        for p in (ROOT / "src" / "analysis").rglob("*.py")
        for ln in p.read_text(encoding="utf-8").splitlines()
        if "fetch_url(" in ln and "def fetch_url" not in ln
    ]
    assert calls and all(c == ("sources.py", "fetch_url(spec.url, dest, spec.sha256)") for c in calls), calls


@pytest.mark.parametrize(
    "dataset,filename",
    [
        ("demo", "../../etc/passwd"),
        ("..", "a.csv"),
        ("demo", "/etc/passwd"),
        ("demo", "sub/../../a.csv"),
        ("demo", "..\\a.csv"),
        ("demo", ".."),
        ("a/b", "a.csv"),
    ],
)
def test_resolver_refuses_path_like_names(tmp_path, monkeypatch, dataset, filename):
    import yaml

    from analysis import sources

    manifest = tmp_path / "sources.yml"
    manifest.write_text(yaml.safe_dump({"datasets": {dataset: {"files": {filename: {"sha256": "0" * 64}}}}}))
    monkeypatch.setenv("ANALYSIS_SOURCES", str(manifest))
    sources._load_manifest.cache_clear()
    with pytest.raises(sources.DataSourceError, match="plain file name"):
        sources.resolve(dataset, filename)
