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
import yaml

from conftest import ROOT

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


@pytest.mark.slow
def test_three_contrasting_books_and_the_landing_page(tmp_path, session_cache):
    env = dict(os.environ)
    env["ANALYSIS_BUILD_DIR"] = str(tmp_path / "build")
    env["ANALYSIS_CACHE_DIR"] = str(session_cache)
    env.pop("ANALYSIS_INPUTS_LOG", None)
    proc = subprocess.run([sys.executable, "-m", "analysis", "build", "--all", "--icbs", "QGH,QHL,QXU",
                           "--jobs", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    root = tmp_path / "build" / "all"
    chapters = [c["id"] for c in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())["chapters"]]
    for slug in ("qgh", "qhl", "qxu"):
        for ch in chapters:
            assert (root / slug / f"{ch}.html").exists(), (slug, ch)
    landing = (root / "index.html").read_text()
    parser = _Links()
    parser.feed(landing)
    local = [h for h in parser.hrefs if not h.startswith(("http", "#"))]
    assert {"qgh/index.html", "qhl/index.html", "qxu/index.html"} <= set(local)
    for href in local:
        assert (root / href).exists(), f"broken link on the landing page: {href}"
    # The landing page shows exactly the books' own headline figures.
    data = json.loads((root / "data" / "compare.json").read_text())
    head = json.loads((root / "qgh" / "data" / "population" / "headline.json").read_text())
    assert data["QGH"]["population.core20_share"] == head["headlines"]["core20_share"]["value"]
    shown = f"{head['headlines']['core20_share']['value']:,.1f}%"
    assert shown in landing
