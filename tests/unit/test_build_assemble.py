"""Book assembly without the data: the front matter is written from what the build recorded
with each executed chapter (its cache entry's ``meta.json``), not from a second look at the cache."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from analysis import build, sources
from analysis.geography import ICB

# A real ICB's codes, built directly so that these tests need no data files.
QGH = ICB(
    "QGH",
    "E54000019",
    "NHS Herefordshire and Worcestershire Integrated Care Board",
    "E40000011",
    "Y60",
    "Midlands",
    "E54000019",
)


def _entry(folder: Path, chapter_id: str, inputs: dict[str, str]) -> Path:
    (folder / "data" / chapter_id).mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {chapter_id}")]
    nbformat.write(nb, folder / "notebook.ipynb")
    (folder / "meta.json").write_text(json.dumps({"chapter": chapter_id, "inputs": inputs}))
    return folder


def test_front_matter_lists_the_datasets_each_chapter_read(tmp_path):
    manifest = sources.manifest()
    read_a, read_b, unread = list(manifest)[:3]
    # Inputs-log labels as sources records them: dataset@edition/file.
    ed_a, ed_b = manifest[read_a]["editions"][-1], manifest[read_b]["editions"][-1]
    file_a = f"{read_a}@{ed_a['id']}/{next(iter(ed_a['files']))}"
    file_b = f"{read_b}@{ed_b['id']}/{next(iter(ed_b['files']))}"
    for name in ("chap_a", "chap_b"):  # the source notebooks (pages take their Markdown from them)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}")]
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    book = build.BookSpec(
        [
            build.ChapterSpec("chap_a", "Chapter A", tmp_path / "chap_a.ipynb"),
            build.ChapterSpec("chap_b", "Chapter B", tmp_path / "chap_b.ipynb"),
        ]
    )
    results = {
        ("QGH", "chap_a"): build.ChapterResult(
            book.chapters[0], _entry(tmp_path / "ea", "chap_a", {file_a: "0" * 64}), False, 0.0
        ),
        ("QGH", "chap_b"): build.ChapterResult(
            book.chapters[1], _entry(tmp_path / "eb", "chap_b", {file_b: "1" * 64}), False, 0.0
        ),
    }
    assert build.datasets_read(results[("QGH", "chap_a")].entry) == [read_a]
    stage = tmp_path / "stage"
    pages = build.assemble(book, build.Params(QGH, 2019), results, stage)
    assert {"chap_a", "chap_b", "index", "summary", "methods", "data_sources", "glossary"} <= set(pages)

    text = (stage / "data_sources.md").read_text()
    used, other = text.split("## Other datasets the code can read")
    assert "## Used in this edition" in used and "these 2 datasets" in used

    def dataset_id(section: str) -> str:  # from the section's one "for analysts" line
        return section.split('<span class="for-analysts">the dataset is ')[1].split(" ")[0]

    sections = {dataset_id(sec): sec for sec in used.split("\n### ")[1:]}
    assert set(sections) == {read_a, read_b}
    assert "**Used in:** [Chapter A](chap_a.ipynb)" in sections[read_a]
    assert "**Used in:** [Chapter B](chap_b.ipynb)" in sections[read_b]
    assert f'<span class="for-analysts">the dataset is {unread} ' in other
    # The introduction's table of the datasets in this edition has the two that were read.
    intro = (stage / "index.md").read_text()
    table = intro.split(":name: data-vintages")[1].split(":::")[0]
    assert table.count("\n| {ref}") == 2, table


def test_a_chapter_without_a_readable_record_lists_no_datasets(tmp_path):
    entry = tmp_path / "e"
    entry.mkdir()
    assert build.datasets_read(entry) == []
    (entry / "meta.json").write_text("{not json")
    assert build.datasets_read(entry) == []
