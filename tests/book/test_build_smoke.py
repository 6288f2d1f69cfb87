"""Build smoke test: the default ICB's book from the real data, end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("book")


def _chapters():
    return [c["id"] for c in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())["chapters"]]


def test_default_book_builds_with_every_page_and_download(built_book):
    html = built_book["html"]
    assert html.is_symlink(), "the site is published by swapping a symlink"
    assert (html / "index.html").exists()
    for page in ["summary", "methods", "data_sources", "glossary", *_chapters()]:
        assert (html / f"{page}.html").exists(), page
    for ch in _chapters():
        head = json.loads((html / "data" / ch / "headline.json").read_text())
        assert head["chapter"] == ch and head["icb"] == "QGH"
        for out in head["outputs"]:
            assert (html / "data" / ch / out["file"]).exists(), out
    assert "The book is at" in built_book["stdout"]


def test_readers_see_no_code_parameters_warnings_or_missing_numbers(built_book):
    html = built_book["html"]
    for ch in _chapters():
        text = (html / f"{ch}.html").read_text()
        assert "cell_input" not in text, f"{ch}: code is visible"
        assert "injected-parameters" not in text and "icb_code =" not in text, f"{ch}: parameters visible"
        assert "Traceback" not in text and "Warning:" not in text, f"{ch}: warnings or errors visible"
        body = re.sub(r"<script.*?</script>|<style.*?</style>", "", text, flags=re.S)
        assert not re.search(r">[^<]*\bnan\b[^<]*<", body, re.I), f"{ch}: 'nan' in the page"
        assert len(text.encode()) < 5_000_000
    assert not (html / "_sources").exists(), "notebook sources (with code) must not be published"


def test_noop_rebuild_runs_nothing_and_keeps_the_site(built_book, book_lock):
    """With nothing changed, the quick check answers before the package loads; with the quick
    check not applicable (here: a new ANALYSIS_ setting, part of its stamp), the ordinary build
    finds every chapter in its cache and the published book current."""
    runs = {}
    with book_lock:  # other workers may be reading the shared site
        before = built_book["html"].resolve()
        for name, extra in (("quick", {}), ("ordinary", {"ANALYSIS_TEST_BYPASS_QUICKCHECK": "1"})):
            runs[name] = subprocess.run(
                [sys.executable, "-m", "analysis", "build", "--icb", "QGH"],
                cwd=ROOT,
                env={**built_book["env"], **extra},
                capture_output=True,
                text=True,
                timeout=600,
            )
    for proc in runs.values():
        assert proc.returncode == 0, proc.stderr
    assert "Nothing changed since the last build of this book: it is up to date." in runs["quick"].stdout
    assert "0 chapter(s) executed" in runs["ordinary"].stdout
    assert "the book is up to date" in runs["ordinary"].stdout, runs["ordinary"].stdout
    assert built_book["html"].resolve() == before
