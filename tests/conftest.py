"""Shared test fixtures, for the three folders of tests:

* ``tests/unit/``: no data files (the data mirror is made unreachable for them, see
  ``_unit_tests_read_no_data``); seconds. ``pytest tests/unit``.
* ``tests/data/``: the real published files: loaders, chapter computations, statistics against
  their reference fixtures and published figures, fault injection into files.
* ``tests/book/``: whole builds: the execution cache, build faults, the default book checked
  statically and in headless Chromium, every ICB's headline figures.

A new test file goes in the first folder whose description fits it. Test file names must be
unique across the folders (the folders are not packages).

Tests use the real data mirror (ANALYSIS_DATA_MIRROR, default ../shared/data) and an isolated
cache per session so they never disturb an analyst's build cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("ANALYSIS_DATA_MIRROR", ROOT.parent / "shared" / "data"))

#: The generated pages around the chapters.
FRONT_PAGES = ["index", "summary", "methods", "data_sources", "glossary"]


def chapter_ids() -> list[str]:
    import yaml

    return [c["id"] for c in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())["chapters"]]


def all_pages() -> list[str]:
    """Every page of a book: the front matter and each chapter (reader checks run on all)."""
    return [*FRONT_PAGES, *chapter_ids()]


UNIT_DIR = Path(__file__).resolve().parent / "unit"


@pytest.fixture(autouse=True)
def _unit_tests_read_no_data(request, monkeypatch, tmp_path_factory):
    """Tests under tests/unit/ must not need the data: any attempt to resolve a data file fails
    the test (move it to tests/data/), and child processes see no mirror and no downloads."""
    if UNIT_DIR not in Path(str(request.node.path)).parents:
        return
    from analysis import sources

    def refuse(dataset, filename, **kwargs):
        raise AssertionError(
            f"a unit test tried to read {dataset}/{filename}: unit tests use no data files "
            "(move the test to tests/data/)"
        )

    monkeypatch.setattr(sources, "resolve", refuse)
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(tmp_path_factory.mktemp("no-mirror")))
    monkeypatch.setenv("ANALYSIS_RAW_DIR", str(tmp_path_factory.mktemp("no-raw")))


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not MIRROR.is_dir():
        pytest.fail(f"The data mirror {MIRROR} is missing: set ANALYSIS_DATA_MIRROR or place ../shared/data.")
    return MIRROR


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    """A cache folder shared by the tests of one session (derived tables, executed notebooks)."""
    # Shared by the xdist workers of one run: the execution and table caches are safe for
    # concurrent use (atomic renames, file locks), so a notebook executed by one test is reused.
    return _shared_dir(tmp_path_factory, "cache")


@pytest.fixture(scope="session")
def run_chapter(session_cache):
    """Execute one chapter notebook for one ICB with papermill; return (entry_dir, headline dict).

    Usage: entry, head = run_chapter("population", "QGH")
    """
    from analysis import build

    os.environ["ANALYSIS_CACHE_DIR"] = str(session_cache)
    book = build.load_book_spec()
    specs = {c.id: c for c in book.chapters}
    done: dict = {}

    def _run(chapter_id: str, icb: str = "QGH", imd_version: int = 2019):
        key = (chapter_id, icb, imd_version)
        if key not in done:
            params = build.validate_params(icb, imd_version)
            res = build.execute_chapter(specs[chapter_id], params)
            head_path = res.entry / "data" / chapter_id / "headline.json"
            head = json.loads(head_path.read_text()) if head_path.exists() else {}
            done[key] = (res.entry, head)
        return done[key]

    return _run


def _shared_dir(tmp_path_factory, name: str) -> Path:
    """A folder shared by every xdist worker of one test run (or private without xdist)."""
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if uid:
        import tempfile

        d = Path(tempfile.gettempdir()) / f"analysis-test-{name}-{uid}"
        d.mkdir(exist_ok=True)
        return d
    return tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def book_lock(tmp_path_factory):
    """A lock shared by the workers: hold it while building or rebuilding the shared book."""
    from filelock import FileLock

    return FileLock(str(_shared_dir(tmp_path_factory, "book-lock") / "lock"))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, session_cache, book_lock):
    """Build the default ICB's book once per test run (real data, real build command).

    Shared across xdist workers through a file lock: the first worker to ask builds it, the
    others wait and reuse it (pytest-xdist's ``xdist_group`` is not honoured with pytest 9).
    Returns a dict with html (the published site folder), stdout, base and env.
    """
    import subprocess
    import sys

    base = _shared_dir(tmp_path_factory, "book")
    env = dict(os.environ)
    env["ANALYSIS_BUILD_DIR"] = str(base / "build")
    env["ANALYSIS_CACHE_DIR"] = str(session_cache)
    env.pop("ANALYSIS_INPUTS_LOG", None)
    done = base / "stdout.txt"
    with book_lock:
        if not done.exists():
            proc = subprocess.run(
                [sys.executable, "-m", "analysis", "build", "--icb", "QGH", "--jobs", "2"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            if proc.returncode != 0:
                pytest.fail(f"the default book did not build:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
            done.write_text(proc.stdout)
    return {"html": base / "build" / "html", "stdout": done.read_text(), "base": base, "env": env}
