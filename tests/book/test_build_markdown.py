"""The execution cache is keyed on code cells: a Markdown-only edit re-uses the executed outputs
and the page shows the new text; a code edit runs the notebook again. Through the real build
(build_books: cache, papermill, assembly, Jupyter Book, publish) on a tiny book."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis import build
from analysis.geography import ICB

pytestmark = pytest.mark.xdist_group("build")

QGH = ICB(
    "QGH",
    "E54000019",
    "NHS Herefordshire and Worcestershire Integrated Care Board",
    "E40000011",
    "Y60",
    "Midlands",
    "E54000019",
)


def _notebook(path: Path, sentence: str, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/tiny"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Tiny chapter\n\n{sentence}"),
        params,
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_markdown_cell("## After the code\n\nClosing text."),
    ]
    nbformat.write(nb, path)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYSIS_INPUTS_LOG", raising=False)
    nb = tmp_path / "tiny.ipynb"
    spec = build.BookSpec([build.ChapterSpec("tiny", "Tiny chapter", nb)])
    target = tmp_path / "build" / "html"

    def run():
        report = build.build_books(
            [build.Params(QGH, 2019)], targets={"QGH": target}, n_jobs=1, log=lambda m: None, book=spec
        )[0]
        return report, (target / "tiny.html").read_text(encoding="utf-8")

    return nb, run


def test_markdown_edit_reuses_outputs_and_shows_new_text(tiny):
    nb, run = tiny
    _notebook(nb, "The first version of this sentence.", "import random\nprint('draw', random.random())")
    report, page = run()
    assert report.executed == 1 and "The first version of this sentence." in page
    draw = next(line for line in page.splitlines() if "draw 0." in line)

    # One sentence edited in a Markdown cell: not re-executed (the random draw is the same
    # output), recompiled, and the page has the new sentence and not the old one.
    _notebook(nb, "The second version of this sentence.", "import random\nprint('draw', random.random())")
    report, page = run()
    assert (report.executed, report.cached, report.compiled) == (0, 1, True)
    assert "The second version of this sentence." in page and "first version" not in page
    assert draw in page and "Closing text." in page

    # A code edit runs the notebook again.
    _notebook(nb, "The second version of this sentence.", "import random\nprint('draw', random.random(), 'v2')")
    report, page = run()
    assert report.executed == 1 and "v2" in page and draw not in page


def test_a_cache_entry_whose_code_differs_from_the_notebook_is_refused(tmp_path):
    src, ran = tmp_path / "src.ipynb", tmp_path / "ran.ipynb"
    _notebook(src, "Text.", "print(1)")
    _notebook(ran, "Text.", "print(2)")
    with pytest.raises(build.BuildError, match="does not have the notebook's code cells"):
        build.chapter_page(src, ran)
    executed = tmp_path / "executed.ipynb"  # as the cache holds it: parameter cells dropped
    nbformat.write(build._postprocess(nbformat.read(src, as_version=4)), executed)
    page = json.loads(build.chapter_page(src, executed))
    assert [c["cell_type"] for c in page["cells"]] == ["markdown", "code", "markdown"]  # parameters left out
