"""book/chapters.yml: a key the build does not read is refused with the file and the key named."""

from __future__ import annotations

import pytest
import yaml

from analysis import build


def _spec(tmp_path, doc):
    path = tmp_path / "chapters.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture
def notebook(tmp_path):
    nb = tmp_path / "tiny.ipynb"
    nb.write_text("{}")
    return str(nb)


def test_the_book_spec_loads():
    spec = build.load_book_spec()
    assert [c.id for c in spec.chapters][:1] == ["population"]
    assert all(c.notebook.exists() for c in spec.chapters)


def test_a_valid_spec_loads(tmp_path, notebook):
    spec = build.load_book_spec(_spec(tmp_path, {"chapters": [{"id": "tiny", "title": "Tiny", "notebook": notebook}]}))
    assert [(c.id, c.title) for c in spec.chapters] == [("tiny", "Tiny")]
    assert spec.prepare == []


def test_an_unread_chapter_key_is_refused(tmp_path, notebook):
    chapter = {"id": "tiny", "title": "Tiny", "notebook": notebook, "imd_dependent": False}
    path = _spec(tmp_path, {"chapters": [chapter]})
    with pytest.raises(build.BuildError, match=r"chapters\.yml: chapter 'tiny' has key\(s\) imd_dependent"):
        build.load_book_spec(path)


def test_an_unread_book_key_is_refused(tmp_path, notebook):
    path = _spec(
        tmp_path, {"prepare": [], "compare": [], "chapters": [{"id": "t", "title": "T", "notebook": notebook}]}
    )
    with pytest.raises(build.BuildError, match=r"the book has key\(s\) compare"):
        build.load_book_spec(path)


def test_a_missing_key_is_named(tmp_path, notebook):
    path = _spec(tmp_path, {"chapters": [{"id": "tiny", "notebook": notebook}]})
    with pytest.raises(build.BuildError, match=r"chapter 'tiny' lacks key\(s\) title"):
        build.load_book_spec(path)


def test_no_chapters_is_refused(tmp_path):
    with pytest.raises(build.BuildError, match="non-empty list under 'chapters'"):
        build.load_book_spec(_spec(tmp_path, {"chapters": []}))
