"""The pages around the chapters, as a board member, an analyst and a lay reader get them.

Fast unit tests (no book build): the citation metadata and the suggested citation, reader
English in the data sources' titles and caveats, the key findings page's columns and its
"out of date" marks, the optional headline fields behind them, the methods page's placeholders,
and the all-ICB comparison reading the headline registry. The built pages are checked in
tests/book/test_accessibility_static.py and tests/book/test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tomllib
import types
from dataclasses import dataclass

import jsonschema
import pytest
import yaml
from conftest import ROOT
from reader_text import _DEVELOPER, _PLURAL_S, _SNAKE

from analysis import compare, frontmatter, headlines, sources
from analysis.report import Chapter, ImplausibleValueError

# ----------------------------------------------------------------------------- citation


def test_citation_cff_is_valid_cff_1_2_and_agrees_with_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # The official Citation File Format 1.2.0 schema (shipped in cffconvert 2.0.0 on PyPI).
    schema = json.loads((ROOT / "tests" / "data" / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(cff)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(cff["version"]) == project["version"]
    assert cff["license"] == project["license"]


def test_cff_schema_refuses_a_citation_without_authors():
    schema = json.loads((ROOT / "tests" / "data" / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.Draft7Validator(schema).validate({"cff-version": "1.2.0", "message": "m", "title": "t"})


def test_suggested_citation_names_the_book_edition_date_commit_and_no_address_the_project_lacks():
    text = frontmatter.suggested_citation(
        "NHS Herefordshire and Worcestershire Integrated Care Board", 2019, dt.date(2026, 11, 25), "6dc5e09"
    )
    cff = frontmatter.citation_metadata()
    assert text.startswith(f"{cff['authors'][0]['name']} (2026).")
    for part in (
        "*Health inequalities evidence book: NHS Herefordshire and Worcestershire Integrated Care Board*",
        "(IMD 2019 edition)",
        "Built 25 November 2026",
        "commit 6dc5e09",
        cff["title"],
        f"version {cff['version']}",
    ):
        assert part in text, part
    assert ("repository-code" in cff or "url" in cff) == ("Available from" in text)
    with_url = dict(cff, **{"repository-code": "https://example.org/project"})
    assert (
        'Available from <a href="https://example.org/project">https://example.org/project</a>.'
        in frontmatter.suggested_citation("X", 2025, dt.date(2026, 1, 1), "abc", cff=with_url)
    )


# ----------------------------------------------------------------------------- reader English

#: A month with its year, or a range of years: the period a title must not carry (years that name
#: a product, such as "Census 2021" or "Quality and Outcomes Framework 2022-23", are allowed).
_PERIOD_IN_TITLE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b|"
    r"\b\d{4} ?[-\u2013] ?\d{4}\b"
)


@pytest.mark.parametrize("ds", list(sources.manifest()))
def test_dataset_titles_caveats_and_geographies_read_as_plain_english(ds):
    meta = sources.manifest()[ds]
    problems = []
    for field in ("title", "caveat", "geography"):
        text = str(meta.get(field) or "")
        for what, rx in (
            ("identifier", _SNAKE),
            ("developer note", _DEVELOPER),
            ("'(s)'", _PLURAL_S),
            ("code or markup", re.compile(r"[`\[\]{}<>]|\s->\s|\u2260")),
        ):
            problems += [f"{field}: {what}: {m.group(0)!r} in {text!r}" for m in rx.finditer(text)]
    problems += [
        f"title: a period ({m.group(0)!r}): the page shows it from the edition"
        for m in _PERIOD_IN_TITLE.finditer(str(meta.get("title", "")))
    ]
    assert ds not in str(meta.get("title", "")), "the dataset key is not a title"
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- key findings


@dataclass
class _Spec:
    id: str
    title: str


@dataclass
class _Book:
    chapters: list


@dataclass
class _ICB:
    short_name: str = "Herefordshire and Worcestershire"
    name: str = "NHS Herefordshire and Worcestershire Integrated Care Board"


@dataclass
class _Params:
    icb: _ICB
    imd_version: int = 2019


def _headline_doc(tmp_path, **extras) -> dict:
    ch = Chapter("scorecard", tmp_path / "data" / "scorecard")
    ch.headline(
        "rtt_pct18",
        58.2,
        label="Waiting under 18 weeks",
        unit="%",
        period="March 2024",
        lo=0,
        hi=100,
        evidence="figure-rtt",
        **extras,
    )
    ch.headline("plain", 12.0, label="A figure with nothing else", unit="count", lo=0, hi=100)
    ch.save()
    return json.loads((tmp_path / "data" / "scorecard" / "headline.json").read_text())


def test_a_registry_figure_marked_not_a_key_finding_stays_off_the_page(tmp_path, monkeypatch):
    reg = tmp_path / "reg"
    reg.mkdir()
    entry = {
        "label": "Waiting under 18 weeks",
        "unit": "%",
        "range": [0, 100],
        "evidence": "figure-rtt",
        "higher_is_better": True,
    }
    (reg / "scorecard.yml").write_text(
        yaml.safe_dump({"headlines": {"shown": entry, "context": {**entry, "key_finding": False}}})
    )
    monkeypatch.setattr(headlines, "REGISTRY_DIR", reg)
    headlines.registry.cache_clear()
    try:
        ch = Chapter("scorecard", tmp_path / "data")
        ch.headline("shown", 58.2, period="March 2024")
        ch.headline("context", 61.0, period="March 2024")
        ch.save()
        doc = json.loads((tmp_path / "data" / "headline.json").read_text())
        book = types.SimpleNamespace(chapters=[types.SimpleNamespace(id="scorecard", title="Scorecard")])
        rows = frontmatter.summary_rows(book, {"scorecard": doc}, dt.date(2026, 11, 1))
        assert [r["key"] for r in rows] == ["shown"] and set(doc["headlines"]) == {"shown", "context"}
        (reg / "scorecard.yml").write_text(yaml.safe_dump({"headlines": {"x": {**entry, "key_finding": "no"}}}))
        headlines.registry.cache_clear()
        with pytest.raises(headlines.RegistryError, match="key_finding must be true or false"):
            headlines.registry("scorecard")
    finally:
        headlines.registry.cache_clear()


def test_headline_records_england_target_change_place_and_currency_only_when_given(tmp_path):
    doc = _headline_doc(
        tmp_path,
        england=59.1,
        target_text="92% within 18 weeks (constitutional standard)",
        previous=57.0,
        previous_period="March 2023",
        place="Worcester",
        period_end="2024-03-31",
        frequency="monthly",
    )
    extra = doc["headlines"]["rtt_pct18"]["extra"]
    assert (
        extra.items()
        >= {
            "england": 59.1,
            "previous": 57.0,
            "previous_period": "March 2023",
            "place": "Worcester",
            "period_end": "2024-03-31",
            "frequency": "monthly",
            "target_text": "92% within 18 weeks (constitutional standard)",
        }.items()
    )
    assert not set(frontmatter.SUMMARY_FIELDS) & set(doc["headlines"]["plain"]["extra"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"previous": 50.0}, "previous_period"),
        ({"previous_period": "2023"}, "without previous"),
        ({"period_end": "2024-03-31"}, "together"),
        ({"period_end": "2024-03-31", "frequency": "fortnightly"}, "frequency must be one of"),
        ({"period_end": "March 2024", "frequency": "monthly"}, "YYYY-MM-DD"),
        ({"england": 140.0}, "above the plausible maximum"),
        ({"place": "  "}, "place is empty"),
    ],
)
def test_headline_refuses_incomplete_or_implausible_summary_fields(tmp_path, kwargs, message):
    with pytest.raises((ValueError, ImplausibleValueError), match=message):
        Chapter("scorecard", tmp_path).headline("x", 50.0, label="X", unit="%", lo=0, hi=100, **kwargs)


def test_england_count_is_checked_against_the_icbs_count_not_the_icb_range(tmp_path):
    ch = Chapter("scorecard", tmp_path)
    ch.headline("appts", 400_000.0, label="Appointments", unit="count", lo=50_000, hi=5_000_000, england=31_000_000.0)
    with pytest.raises(ImplausibleValueError, match="at least the ICB's"):
        ch.headline("appts2", 400_000.0, label="Appointments", unit="count", lo=50_000, hi=5_000_000, england=300_000.0)


def test_key_findings_show_england_target_change_place_and_mark_old_data_out_of_date(tmp_path):
    doc = _headline_doc(
        tmp_path,
        england=59.1,
        target_text="92% within 18 weeks",
        previous=57.0,
        previous_period="March 2023",
        place="Worcester",
        period_end="2024-03-31",
        frequency="monthly",
    )
    book = _Book([_Spec("scorecard", "National objectives scorecard")])
    page = frontmatter.render_summary(book, _Params(_ICB()), {"scorecard": doc}, reference_date=dt.date(2026, 11, 1))
    row = re.search(r'<tr[^>]*data-key="rtt_pct18".*?</tr>', page).group(0)
    assert 'data-out-of-date="true"' in row and "Out of date" in row and "data end March 2024" in row
    assert ">58.2%<" in row and ">59.1%<" in row and "92% within 18 weeks" in row and "(Worcester)" in row
    assert "+1.2 percentage points" in row and "since March 2023" in row
    plain = re.search(r'<tr[^>]*data-key="plain".*?</tr>', page).group(0)
    assert plain.count("not given") == 4, "England, target, change and period are marked blank"
    assert "data-out-of-date" not in plain
    assert "1 of the 2 figures are marked **out of date**" in page and "different dates" in page
    # data ending later in the build's month are current, not "after the reference date"
    same_month = _headline_doc(tmp_path / "m", period_end="2026-11-20", frequency="weekly")
    page = frontmatter.render_summary(
        book, _Params(_ICB()), {"scorecard": same_month}, reference_date=dt.date(2026, 11, 1)
    )
    assert 'data-out-of-date="false"' in page
    later = _headline_doc(tmp_path / "l", period_end="2026-12-20", frequency="weekly")
    with pytest.raises(ValueError, match="scorecard.rtt_pct18.*after the reference date"):
        frontmatter.render_summary(book, _Params(_ICB()), {"scorecard": later}, reference_date=dt.date(2026, 11, 1))
    # the same figure, current at a reference date two months after its data end
    page = frontmatter.render_summary(book, _Params(_ICB()), {"scorecard": doc}, reference_date=dt.date(2024, 5, 1))
    assert 'data-out-of-date="false"' in page and "Out of date" not in page


# ----------------------------------------------------------------------------- methods page


def test_methods_page_places_the_conventions_and_each_chapters_validation_in_chapter_order(monkeypatch):
    for name, text in (("zz_second", "Second chapter's checks."), ("zz_first", "First chapter's checks.")):
        mod = types.ModuleType(f"analysis.chapters.{name}")
        mod.validation_markdown = lambda text=text: text
        monkeypatch.setitem(sys.modules, f"analysis.chapters.{name}", mod)
    book = _Book([_Spec("zz_first", "First"), _Spec("population", "Population"), _Spec("zz_second", "Second")])
    page = frontmatter.render_methods(_Params(_ICB()), {}, book)
    assert "{{" not in page, "a placeholder was left in the methods page"
    assert "**The gap.**" in page and "**Out-of-date data.**" in page
    assert page.index("### First") < page.index("First chapter's checks.") < page.index("### Second")
    assert "Checks against published figures" in page
    none = frontmatter.render_methods(_Params(_ICB()), {}, _Book([_Spec("population", "Population")]))
    assert "Checks against published figures" not in none and "{{" not in none
    # the lookups' boundaries are the manifest's periods, never typed in the page
    for ds in ("lookup_lsoa11_icb", "lookup_lsoa21_icb"):
        label = sources.latest(ds).period.label
        assert f"{label} for IMD {2019 if '11' in ds else 2025}" in re.sub(r"\s+", " ", page), ds


def test_period_placeholders_are_filled_from_the_manifest_and_unknown_datasets_named():
    label = sources.latest("lookup_lsoa21_icb").period.label
    assert frontmatter.fill_periods("boundaries of {{period: lookup_lsoa21_icb }}.") == f"boundaries of {label}."
    assert frontmatter.fill_periods("no placeholder {{imd_version}}") == "no placeholder {{imd_version}}"
    with pytest.raises(sources.DataSourceError, match=r"book/x.md: placeholder '\{\{period:nope\}\}' names no dataset"):
        frontmatter.fill_periods("{{period:nope}}", "book/x.md")


# ----------------------------------------------------------------------------- all-ICB comparison


def test_comparison_reads_only_the_headline_registries(tmp_path, monkeypatch):
    (tmp_path / "waiting_lists.yml").write_text(
        yaml.safe_dump(
            {
                "headlines": {
                    "rtt_pct18": {
                        "label": "Waiting under 18 weeks",
                        "unit": "%",
                        "range": [0, 100],
                        "evidence": "figure-rtt",
                        "higher_is_better": True,
                        "compare": "Under 18 weeks (%)",
                        "compare_note": "RTT, latest month",
                        "dp": 1,
                    },
                    "rtt_total": {
                        "label": "Waiting list",
                        "unit": "count",
                        "range": [0, 2000000],
                        "evidence": "table-rtt",
                        "higher_is_better": None,
                    },
                }
            }
        )
    )
    monkeypatch.setattr(headlines, "REGISTRY_DIR", tmp_path)
    headlines.registry.cache_clear()
    try:
        spec = compare.compare_spec(["population", "waiting_lists", "scorecard"])
    finally:
        headlines.registry.cache_clear()
    # population and scorecard have no registry in tmp_path: nothing of theirs is compared
    assert spec == [
        {
            "chapter": "waiting_lists",
            "key": "rtt_pct18",
            "label": "Under 18 weeks (%)",
            "unit": "%",
            "note": "RTT, latest month",
            "dp": 1,
        }
    ]
    assert "compare" not in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text()), (
        "compared figures are declared in the headline registries, not book/chapters.yml"
    )


def test_landing_page_shows_the_registrys_compared_figure(tmp_path, monkeypatch):
    from analysis import build, geography

    monkeypatch.setattr(
        compare,
        "compare_spec",
        lambda: [
            {
                "chapter": "waiting_lists",
                "key": "rtt_pct18",
                "label": "Under 18 weeks (%)",
                "unit": "%",
                "dp": 1,
                "note": "RTT",
            }
        ],
    )
    params = [build.validate_params("QGH", 2019)]
    d = tmp_path / params[0].icb.slug / "data" / "waiting_lists"
    d.mkdir(parents=True)
    (d / "headline.json").write_text(json.dumps({"headlines": {"rtt_pct18": {"value": 58.24}}}))
    page = compare.write_landing(params, tmp_path).read_text()
    assert "Under 18 weeks (%)" in page and ">58.2%<" in page
    assert json.loads((tmp_path / "data" / "compare.json").read_text())["QGH"]["waiting_lists.rtt_pct18"] == 58.24
    assert geography.find_icb("QGH").short_name in page


def test_sources_page_gives_each_series_break_with_its_date_and_the_publishers_words():
    with_breaks = [ds for ds in sources.manifest() if sources.series_breaks(ds)]
    assert {"rtt_incomplete", "cancer_waiting_times"} <= set(with_breaks)
    for ds in with_breaks:
        lines = frontmatter._dataset_section(ds, sources.manifest()[ds], [])
        shown = [line for line in lines if line.startswith("- **Series break:**")]
        assert len(shown) == len(sources.series_breaks(ds)), ds
        for b, line in zip(sources.series_breaks(ds), shown):
            start = sources.series_break(ds, b.id)
            assert f"counted a new way from {start.day} {start:%B %Y}" in line, line
            assert f"\u201c{b.what}\u201d" in line, line  # the publisher's words, quoted, unescaped here
    rtt = next(
        line
        for line in frontmatter._dataset_section("rtt_incomplete", sources.manifest()["rtt_incomplete"], [])
        if line.startswith("- **Series break:**")
    )
    assert "counted a new way from 1 February 2024" in rtt  # NHS England: from Feb-24 data onwards
    assert '<a class="reference external" href="https://www.england.nhs.uk/' in rtt
    without = next(ds for ds in sources.manifest() if not sources.series_breaks(ds))
    assert not any(
        "Series break" in line for line in frontmatter._dataset_section(without, sources.manifest()[without], [])
    )
