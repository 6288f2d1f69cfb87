"""The first use of each glossary term on a page links to its glossary entry (and nothing else).

A tiny Sphinx project (MyST pages, the book's extension) is built in a temporary folder: fast,
and every rule of :mod:`analysis.sphinx_a11y.glossary_links` is checked on HTML Sphinx wrote.
The built QGH book is checked in tests/book/test_accessibility_static.py.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis import frontmatter
from analysis.sphinx_a11y.glossary_links import compile_terms

TERMS = {
    "SII": ["SII", "slope index of inequality"],
    "IMD": ["IMD"],
    "ICB": ["ICB", "Integrated Care Board"],
    "Sub-ICB location": ["Sub-ICB location"],
    "Core20": ["Core20"],
    "Core20PLUS5": ["Core20PLUS5"],
    "Funnel plot": ["Funnel plot"],
    "Decile": ["Decile"],
}

GLOSSARY = """# Glossary

```{glossary}
SII
  Slope index of inequality: the gap across the whole social gradient.

IMD
  Index of Multiple Deprivation.

ICB
  Integrated Care Board.

Sub-ICB location
  Part of an ICB's area.

Core20
  The most deprived 20%.

Core20PLUS5
  NHS England's approach.

Funnel plot
  A chart with control limits.

Decile
  One of ten groups.
```
"""

PAGE = """# The SII and IMD page

The slope index of inequality (SII) is shown here. The SII again, and once more: SII.
IMD deciles, and IMD again; imd in lower case is not the acronym.

## SII in a heading, with IMD

A funnel plot, and Funnel plots. `SII in code`. [IMD in a link](https://example.org/).
The sub-ICB areas of the ICB. Core20PLUS5 and Core20.

| SII | IMD |
|---|---|
| 1.5 | 2 |
"""

EXPLICIT = """# Explicit

The Funnel plot first, then {term}`deciles <Decile>` explicitly; deciles again.
"""


def _build(tmp_path: Path, pages: dict[str, str], terms: dict | None = TERMS) -> Path:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(f"""
        extensions = ["myst_parser", "analysis.sphinx_a11y"]
        # Explicit: Sphinx merges extensions' suffixes into its default dict in place, so after a
        # Jupyter Book build in the same test process (the preview tests) ".md" would still map
        # to MyST-NB's parser, which this project does not load.
        source_suffix = {{".rst": "restructuredtext", ".md": "markdown"}}
        glossary_links = {{"page": "glossary", "terms": {terms!r}}}
        exclude_patterns = ["_build"]
        """)
    )
    index = "# Home\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n"
    (src / "index.md").write_text(index)
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text)
    out = tmp_path / "html"
    warnings = io.StringIO()
    with docutils_namespace():  # a second project in this process registers its nodes afresh
        app = Sphinx(
            str(src),
            str(src),
            str(out),
            str(tmp_path / "doctrees"),
            "html",
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    assert "WARNING" not in warnings.getvalue() and "ERROR" not in warnings.getvalue(), warnings.getvalue()
    return out


def _links(html: Path, page: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("div.body") or soup
    return [
        (a["href"].split("#")[1], a.get_text())
        for a in body.find_all("a", href=True)
        if a["href"].startswith("glossary.html#")
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("gloss"), {"glossary": GLOSSARY, "page": PAGE, "explicit": EXPLICIT})


def test_each_term_is_linked_once_at_its_first_use_in_prose(site):
    links = _links(site, "page")
    anchors = [a for a, _ in links]
    assert sorted(anchors) == sorted(set(anchors)), f"a term is linked twice: {links}"
    found = dict(links)
    # the spelled-out form comes first, so it carries the link; "(SII)" after it does not
    assert found["term-SII"] == "slope index of inequality"
    assert found["term-IMD"] == "IMD"
    assert found["term-Funnel-plot"] == "funnel plot"
    assert found["term-ICB"] == "ICB"  # not the "ICB" of "sub-ICB"
    assert found["term-Core20PLUS5"] == "Core20PLUS5" and found["term-Core20"] == "Core20"
    assert "term-Decile" in found and found["term-Decile"] == "deciles"  # plural, lower case


def test_headings_tables_code_and_other_links_are_untouched(site):
    soup = BeautifulSoup((site / "page.html").read_text(encoding="utf-8"), "html.parser")
    for h in soup.select("h1, h2"):
        assert not h.select('a[href^="glossary.html"]'), f"a heading got a glossary link: {h}"
    for cell in soup.select("table"):
        assert not cell.select('a[href^="glossary.html"]'), "a table got a glossary link"
    assert not soup.select('code a[href^="glossary.html"]')
    assert soup.find("a", href="https://example.org/").get_text() == "IMD in a link"
    # the text is unchanged apart from the links
    assert "The slope index of inequality (SII) is shown here." in " ".join(soup.get_text().split())


def test_a_term_linked_by_hand_is_not_linked_again_and_the_glossary_page_is_left_alone(site):
    links = _links(site, "explicit")
    assert [a for a, _ in links].count("term-Decile") == 1, links
    assert ("term-Decile", "deciles") in links and ("term-Funnel-plot", "Funnel plot") in links
    assert _links(site, "glossary") == []


def test_no_configuration_or_no_glossary_page_means_no_links(tmp_path):
    html = _build(tmp_path, {"page": PAGE}, terms=TERMS)  # the glossary page is not in the project
    assert _links(html, "page") == []


def test_forms_match_whole_words_first_letter_in_either_case_and_acronyms_in_capitals():
    pattern, groups = compile_terms(
        {
            "IMD": ["IMD"],
            "Funnel plot": ["Funnel plot"],
            "ICB": ["ICB"],
            "Core20": ["Core20"],
            "Core20PLUS5": ["Core20PLUS5"],
        }
    )

    def terms(text):
        return [groups[m.lastgroup] for m in pattern.finditer(text)]

    assert terms("imd and Imd") == []
    assert terms("IMD2019 but IMD 2019") == ["IMD"]
    assert terms("funnel plots; Funnel plot") == ["Funnel plot", "Funnel plot"]
    assert terms("sub-ICB, ICB's, ICBs") == ["ICB", "ICB"]
    assert terms("Core20PLUS5 then Core20") == ["Core20PLUS5", "Core20"]


def test_the_books_glossary_gives_every_term_its_forms_and_refuses_an_entry_without_a_definition(tmp_path, monkeypatch):
    forms = frontmatter.glossary_forms()
    assert forms["SII"][:2] == ["SII", "slope index of inequality"]
    for needed in (
        "Core20PLUS5",
        "QOF",
        "RTT",
        "WLMDS",
        "SII",
        "RII",
        "LSOA",
        "IMD",
        "SPC",
        "Funnel plot",
        "Overdispersion",
        "Special-cause variation",
        "Assurance",
    ):
        assert needed in forms, needed
    assert frontmatter.glossary_link_config()["page"] == "glossary"
    (tmp_path / "glossary.yml").write_text("SII:\n  also: [slope index]\n")
    monkeypatch.setattr(frontmatter, "BOOK_DIR", tmp_path)
    with pytest.raises(frontmatter.GlossaryError, match="'SII' needs a definition"):
        frontmatter.glossary_terms()


def test_exact_forms_leave_names_alone_and_unlinked_entries_are_not_linked():
    pattern, groups = compile_terms({"NHS trust": {"forms": ["NHS trust", "trust"], "exact": True}})
    found = [groups[m.lastgroup] for m in pattern.finditer("Worcestershire Acute Hospitals NHS Trust; two trusts")]
    assert found == ["NHS trust"]  # the lower-case "trusts", not the name's "Trust"
    terms = frontmatter.glossary_link_config()["terms"]
    assert "Indicator" not in terms and "Indicator" in frontmatter.glossary_terms()
    assert terms["NHS trust"]["exact"] is True and "trust" in terms["NHS trust"]["forms"]
