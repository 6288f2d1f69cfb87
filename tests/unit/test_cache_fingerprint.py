"""A chapter's cache key covers the package code that chapter can run: editing one chapter's
module re-runs that chapter only (chapters never import each other: the layer contract in
pyproject.toml, checked by tests/unit/test_architecture.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.load import _base


@pytest.mark.parametrize(
    "rel, chapter, other",
    [
        ("chapters/waiting_lists.py", "population", True),
        ("chapters/population.py", "population", False),
        ("chapters/__init__.py", "population", False),
        ("registry/headlines/scorecard.yml", "population", True),
        ("registry/headlines/population.yml", "population", False),
        ("registry/objectives.yml", "population", False),
        ("load/waiting.py", "population", False),
        ("report.py", "population", False),
    ],
)
def test_which_files_belong_to_other_chapters(rel, chapter, other):
    assert _base._other_chapters_file(Path(rel), chapter) is other


def test_each_chapter_has_its_own_fingerprint_and_the_tables_the_whole_package():
    prints = {ch: _base._code_fingerprint(ch) for ch in ("population", "waiting_lists", "scorecard")}
    assert len(set(prints.values())) == 3
    assert _base._code_fingerprint() not in prints.values()
    assert _base.code_fingerprint("population") == prints["population"]  # memoised per chapter
