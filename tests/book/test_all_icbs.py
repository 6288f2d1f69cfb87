"""Every ICB: the fast all-42 headline check, and full books for three contrasting ICBs with
the comparison landing page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from conftest import ROOT, all_pages, chapter_ids

pytestmark = pytest.mark.xdist_group("all_icbs")


def test_fast_check_computes_every_headline_for_all_42_icbs(session_cache, monkeypatch):
    from analysis import compare

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(session_cache))
    lines: list[str] = []
    rc = compare.check_all(log=lines.append)
    out = "\n".join(lines)
    assert rc == 0, out
    n = int(re.search(r"Checked (\d+) headline values for 42 ICBs", out).group(1))
    assert n >= 42 * 5 * 5  # at least five figures per chapter per ICB


def test_fast_check_fails_on_a_missing_value(monkeypatch):
    from analysis import compare

    class Broken:
        HEADLINE_RANGES = {"x": (0, 100)}

        @staticmethod
        def headline_figures(code, v):
            return {"x": float("nan") if code == "QGH" else 50.0, "y": 101.0}

    monkeypatch.setattr(compare, "chapter_modules", lambda: [("broken", Broken)])
    lines: list[str] = []
    assert compare.check_all(log=lines.append, icbs=["QGH", "QHL"]) == 1
    assert "broken / QGH: x is missing" in "\n".join(lines)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


THREE = ("qgh", "qhl", "qxu")  # Herefordshire and Worcestershire; Birmingham and Solihull; Surrey Heartlands


@pytest.fixture(scope="module")
def three_books(tmp_path_factory, session_cache):
    """QGH, QHL and QXU built with the landing page, once for this module's tests."""
    tmp_path = tmp_path_factory.mktemp("three")
    env = dict(os.environ)
    env["ANALYSIS_BUILD_DIR"] = str(tmp_path / "build")
    env["ANALYSIS_CACHE_DIR"] = str(session_cache)
    env.pop("ANALYSIS_INPUTS_LOG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--all", "--icbs", "QGH,QHL,QXU", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp_path / "build" / "all"


@pytest.mark.slow
def test_three_contrasting_books_and_the_landing_page(three_books):
    root = three_books
    chapters = chapter_ids()
    for slug in THREE:
        for ch in chapters:
            assert (root / slug / f"{ch}.html").exists(), (slug, ch)
    landing = (root / "index.html").read_text()
    parser = _Links()
    parser.feed(landing)
    local = [h for h in parser.hrefs if not h.startswith(("http", "#"))]
    assert {"qgh/index.html", "qhl/index.html", "qxu/index.html"} <= set(local)
    for href in local:
        assert (root / href).exists(), f"broken link on the landing page: {href}"
    # The landing page shows exactly the books' own headline figures, for every compared figure
    # (from the chapters' headline registries, or book/chapters.yml for a chapter without one).
    from analysis import compare

    data = json.loads((root / "data" / "compare.json").read_text())
    spec = compare.compare_spec()
    assert spec, "the landing page compares no figures"
    for c in spec:
        head = json.loads((root / "qgh" / "data" / c["chapter"] / "headline.json").read_text())
        value = head["headlines"][c["key"]]["value"]
        assert data["QGH"][f"{c['chapter']}.{c['key']}"] == value
        assert f"{value:,.{int(c.get('dp', 1))}f}{c.get('unit', '')}" in landing, c


@pytest.mark.slow
@pytest.mark.parametrize("page", all_pages())
def test_readers_see_no_developer_text_in_any_of_three_books(three_books, page):
    from reader_text import dataset_keys, page_problems

    keys = dataset_keys()
    problems = [
        p for slug in THREE for p in page_problems(three_books / slug / f"{page}.html", f"{slug.upper()} {page}", keys)
    ]
    assert not problems, f"{len(problems)} pieces of developer text:\n" + "\n".join(problems)
