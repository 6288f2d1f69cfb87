"""What readers get, checked in the built HTML without a browser (issue 10).

Parses the default ICB's built book with BeautifulSoup: alt text, captions, CSV downloads, page
weight, nothing a reader should not see (code, parameters, warnings, tracebacks), the
introduction's edition details, and the key-findings page against each chapter's
``headline.json``. The browser test (tests/book/test_browser.py) checks the same site in Chromium.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FRONT_PAGES, ROOT, all_pages
from reader_text import dataset_keys, page_problems

pytestmark = pytest.mark.xdist_group("book")

FRONT = FRONT_PAGES
TRIVIAL_ALT = {"", "chart", "a chart", "figure", "image", "graph", "map", "plot", "picture", "img"}
MAX_PAGE_BYTES = 5_000_000


def _chapters() -> list[str]:
    return [c["id"] for c in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())["chapters"]]


#: The chapters' words are being rewritten in parallel (issues "Chapters an analyst can edit" and
#: "Board-ready"): their pages fail the reader-text checks until the rewrite merges.


def _soup(html: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _article(soup: BeautifulSoup):
    art = soup.select_one("article.bd-article")
    assert art is not None, "the page has no article element (theme changed?)"
    return art


def _local_file(html: Path, page_dir: Path, href: str) -> Path | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page_dir / unquote(parts.path)).resolve()


@pytest.fixture(scope="module")
def site(built_book) -> Path:
    return built_book["html"]


@pytest.fixture(scope="module")
def pages(site) -> list[str]:
    return FRONT + _chapters()


def test_every_image_has_meaningful_alt_text_and_every_figure_a_caption(site, pages):
    problems = []
    for page in pages:
        soup = _soup(site, page)
        for img in soup.find_all("img"):
            alt = (img.get("alt") or "").strip()
            if alt.lower() in TRIVIAL_ALT or len(alt) < 15:
                problems.append(f"{page}: <img src={img.get('src')!r}> has alt {alt!r}")
            f = _local_file(site, site, img.get("src", ""))
            if f is not None and not f.exists():
                problems.append(f"{page}: image {img.get('src')!r} is missing from the site")
        for fig in _article(soup).find_all("figure"):
            cap = fig.find("figcaption")
            if cap is None or len(cap.get_text(strip=True)) < 10:
                problems.append(f"{page}: a figure ({fig.get('id')}) has no caption")
        for img in _article(soup).find_all("img"):
            if img.find_parent("figure") is None:
                problems.append(f"{page}: image {img.get('src')!r} is not in a captioned figure")
    assert not problems, "\n".join(problems)


def test_every_table_has_a_caption_and_chapter_tables_a_csv_download(site, pages):
    problems = []
    for page in pages:
        soup = _soup(site, page)
        for i, table in enumerate(_article(soup).find_all("table"), 1):
            cap = table.find("caption")
            described = [
                soup.find(id=x)
                for x in (table.get("aria-describedby", "") + " " + table.get("aria-labelledby", "")).split()
            ]
            name = " ".join(d.get_text(" ", strip=True) for d in described if d is not None)
            if not ((cap and cap.get_text(strip=True)) or name.strip()):
                problems.append(f"{page}: table {i} ({table.get('id')}) has no caption or description")
            if not table.find("th"):
                problems.append(f"{page}: table {i} has no header cells")
            if page in FRONT:
                continue
            wrap = table.find_parent("figure")
            links = [a["href"] for a in (wrap.find_all("a", href=True) if wrap else []) if a["href"].endswith(".csv")]
            if not links:
                problems.append(f"{page}: table {i} ({table.get('aria-describedby')}) has no CSV download link")
            for href in links:
                f = _local_file(site, site, href)
                if f is None or not f.exists() or f.stat().st_size == 0:
                    problems.append(f"{page}: table {i} links {href!r}, which is not in the site")
    assert not problems, "\n".join(problems)


def test_no_page_weighs_more_than_5_mb(site):
    heavy = []
    for f in site.glob("*.html"):
        soup = BeautifulSoup(f.read_text(encoding="utf-8"), "html.parser")
        total = f.stat().st_size
        for img in soup.find_all("img"):
            p = _local_file(site, site, img.get("src", ""))
            if p is not None and p.exists():
                total += p.stat().st_size
        if total > MAX_PAGE_BYTES:
            heavy.append(f"{f.name}: {total / 1e6:.1f} MB with its images")
    assert not heavy, "pages over 5 MB:\n" + "\n".join(heavy)


def test_readers_never_see_code_parameters_warnings_or_tracebacks(site, pages):
    bad_text = re.compile(
        r"Traceback \(most recent call last\)|\b\w*(Warning|Error): |<ipython-input|File \"/|"
        r"PosixPath\(|\bnan%|(^|\s):::|```\{|\{admonition\}|\{note\}"
    )
    problems = []
    for page in pages:
        soup = _soup(site, page)
        art = _article(soup)
        for sel in (
            "div.cell_input",
            "div.highlight-ipython3",
            ".output.stderr",
            ".output.traceback",
            ".tag_injected-parameters",
            ".tag_parameters",
            "div.highlight-python",
        ):
            if art.select(sel):
                problems.append(f"{page}: {sel} is visible")
        text = art.get_text(" ", strip=True)
        for m in bad_text.finditer(text):
            problems.append(f"{page}: {text[max(0, m.start() - 60) : m.end() + 40]!r}")
    assert not problems, "\n".join(problems)


def test_no_python_parameter_names_in_what_readers_read(site, pages):
    """Readers never need Python: the build's parameters are not named as code in the text."""
    names = re.compile(r"\b(icb_code|imd_version|data_dir)\s*=")
    problems = []
    for page in pages:
        text = _article(_soup(site, page)).get_text(" ", strip=True)
        problems += [f"{page}: {text[max(0, m.start() - 80) : m.end() + 30]!r}" for m in names.finditer(text)]
    assert not problems, "say 'the IMD 2025 edition' rather than naming the parameter:\n" + "\n".join(problems)


def test_introduction_states_the_icb_imd_version_build_date_and_commit(site):
    info = json.loads((site / "build-info.json").read_text())
    text = _article(_soup(site, "index")).get_text(" ", strip=True)
    assert "NHS Herefordshire and Worcestershire" in text and "QGH" in text
    assert f"IMD {info['imd_version']}" in text
    built = dt.date.fromisoformat(info["built"][:10])
    assert f"{built.day} {built:%B %Y}" in text, "build date missing from the introduction"
    assert info["commit"].split("+")[0] in text, "commit missing from the introduction"
    assert "Data in this edition" in text


def _shown_number(text: str) -> tuple[float, int]:
    m = re.search(r"-?[\d,]*\.?\d+", text)
    assert m, f"no number in {text!r}"
    s = m.group(0).replace(",", "")
    return float(s), len(s.split(".")[1]) if "." in s else 0


def test_key_findings_match_each_chapters_headline_figures(site):
    soup = _soup(site, "summary")
    rows = soup.select("table.summary-table tr[data-key]")
    shown = {(r["data-chapter"], r["data-key"]): r for r in rows}
    expected = 0
    problems = []
    for ch in _chapters():
        doc = json.loads((site / "data" / ch / "headline.json").read_text())
        for key, h in doc["headlines"].items():
            if (h.get("extra") or {}).get("summary", True) is False:
                continue
            expected += 1
            row = shown.get((ch, key))
            if row is None:
                problems.append(f"{ch}.{key}: missing from the key findings page")
                continue
            if float(row["data-value"]) != float(h["value"]):
                problems.append(f"{ch}.{key}: summary has {row['data-value']}, chapter {h['value']}")
            value_cell = row.select_one("td.summary-value").get_text(strip=True)
            number, dp = _shown_number(value_cell)
            if abs(number - float(h["value"])) > 0.5 * 10**-dp + 1e-9:
                problems.append(f"{ch}.{key}: shows {value_cell!r} for {h['value']}")
            if h.get("unit") == "%" and not value_cell.endswith("%"):
                problems.append(f"{ch}.{key}: a percentage shown without its unit: {value_cell!r}")
            link = row.find("a", href=True)
            target = link["href"].split("#")[0] if link else ""
            if target != f"{ch}.html":
                problems.append(f"{ch}.{key}: links to {target!r}, not the chapter")
            if h.get("period") and h["period"] not in row.get_text(" ", strip=True):
                problems.append(f"{ch}.{key}: period {h['period']!r} not shown")
    assert not problems, "\n".join(problems)
    assert len(rows) == expected, f"the key findings page has {len(rows)} rows, chapters mark {expected}"


def test_methods_page_lists_every_public_statistics_function_with_references(site):
    from analysis import stats

    text = _article(_soup(site, "methods")).get_text(" ", strip=True)
    public = [n for n in stats.__all__ if inspect.isfunction(getattr(stats, n))]
    missing = [n for n in public if n not in text]
    assert not missing, f"methods page does not describe: {missing}"
    for ref in ("PHEindicatormethods", "Wilson", "Dobson", "Chiang", "Making Data Count", "Low"):
        assert ref in text, f"reference {ref!r} missing from the methods page"
    assert "Assumptions and caveats" in text


def test_data_sources_page_gives_every_dataset_with_publisher_licence_period_and_checksums(site):
    from analysis import sources

    page = _soup(site, "data_sources")
    # the text as read (glossary links inside a publisher's name must not split it)
    text = " ".join(_article(page).get_text().split())
    analysts = " ".join(e.get_text(" ", strip=True) for e in _article(page).select(".for-analysts"))
    for ds, meta in sources.manifest().items():
        assert meta.get("publisher", "")[:30] in text, ds
        assert ds in analysts, f"dataset {ds} missing from its 'for analysts' line"
        for spec in (spec for e in sources.editions(ds) for spec in e.files):
            assert spec.sha256 in text, f"{ds}/{spec.filename}: checksum missing"
            if spec.url:
                assert page.find("a", href=spec.url), f"{ds}/{spec.filename}: exact-bytes link missing"
    assert text.count("Licence:") == len(sources.manifest())
    assert text.count("Edition used:") == len(sources.manifest())
    assert text.count("For analysts:") == len(sources.manifest())
    # a file a reader can download is named as its link names it (the project's own file names,
    # with sub-folders and period suffixes, are developer text)
    from pathlib import PurePosixPath
    from urllib.parse import unquote, urlparse

    rows = [r for t in _article(page).select("table") if t.select_one("code.checksum") for r in t.select("tbody tr")]
    assert rows, "no tables of files on the data sources page"
    for row in rows:
        link = row.find("a", href=True)
        if link is not None:
            shown = row.find_all("td")[1].get_text(strip=True)
            assert shown == unquote(PurePosixPath(urlparse(link["href"]).path).name), shown


def test_glossary_explains_the_books_terms(site):
    soup = _soup(site, "glossary")
    terms = {
        dt_.get_text(" ", strip=True).rstrip("¶#").strip().lower() for dt_ in _article(soup).select("dl.glossary dt")
    }
    needed = [
        "IMD",
        "LSOA",
        "Core20",
        "Core20PLUS5",
        "SII",
        "RII",
        "RTT",
        "WLMDS",
        "SPC",
        "ICB",
        "Sub-ICB location",
        "DSR",
        "Wilson interval",
        "Funnel plot",
        "QOF",
        "CVDPREVENT",
        "HLE",
        "Life expectancy",
        "Decile",
        "Quintile",
        "Confidence interval",
    ]
    missing = [t for t in needed if t.lower() not in terms]
    assert not missing, f"glossary lacks {missing}; has {sorted(terms)}"
    for dd in _article(soup).select("dl.glossary dd"):
        assert len(dd.get_text(strip=True)) > 40, dd


def test_headline_values_are_formatted_with_units():
    from analysis.frontmatter import _fmt_value

    assert _fmt_value({"value": 11.4223, "unit": "%"}) == "11.4%"
    assert _fmt_value({"value": 791685.0, "unit": "people"}) == "791,685 people"
    assert _fmt_value({"value": 93850.0, "unit": "count"}) == "93,850"
    assert _fmt_value({"value": 30.0, "unit": "rank", "hi": 42}) == "30 of 42"
    assert _fmt_value({"value": 4.32, "unit": "percentage points"}) == "4.3 percentage points"
    assert _fmt_value({"value": 164.71, "unit": "per 100,000"}) == "164.7 per 100,000"
    assert _fmt_value({"key": "survey_year", "value": 2022.0, "unit": ""}) == "2022"
    assert _fmt_value({"value": 79.855, "unit": "years"}) == "79.9 years"


@pytest.mark.parametrize("page", all_pages())
def test_readers_see_no_developer_text(site, page):
    """Code formatting, file names, identifiers, dataset keys, "(s)", "Women'S", developer notes
    and Python values (tests/reader_text.py); every problem of the page is listed."""
    problems = page_problems(site / f"{page}.html", page, dataset_keys())
    assert not problems, f"{len(problems)} pieces of developer text:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", FRONT + _chapters())
def test_glossary_terms_are_linked_once_per_page_and_never_in_headings(site, page):
    if page == "glossary":
        assert not _article(_soup(site, page)).select('a[href^="glossary.html#"]')
        return
    art = _article(_soup(site, page))
    glossary = _article(_soup(site, "glossary"))
    anchors = [a["href"].split("#", 1)[1] for a in art.select('a[href^="glossary.html#"]')]
    twice = sorted({a for a in anchors if anchors.count(a) > 1})
    assert not twice, f"{page}: glossary terms linked more than once: {twice}"
    missing = [a for a in anchors if glossary.find(id=a) is None]
    assert not missing, f"{page}: links to glossary entries that do not exist: {missing}"
    in_headings = [h.get_text(" ", strip=True) for h in art.select("h1, h2, h3, h4") if h.select('a[href^="glossary"]')]
    assert not in_headings, f"{page}: glossary links in headings: {in_headings}"
    if page in ("methods", "index"):
        assert len(anchors) >= 5, f"{page}: only {anchors} linked to the glossary"
