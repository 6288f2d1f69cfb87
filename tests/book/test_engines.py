"""The warm engine (chapters run in forks of one process that imported everything once, and for
later ICBs computed the chapters' national tables once) gives
exactly what a fresh Jupyter kernel gives, and a chapter that fails or changes process state for
one ICB cannot change another ICB's book.

Every chapter is run for three contrasting ICBs (QGH; QHL, half Core20; QXU, almost none) under
both engines, each in its own empty cache; every file the chapter writes (figure data, tables,
headline JSON, figures) must be byte-identical, and every output the notebook shows (the glued
words and numbers, the Markdown, tables and figures) equal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from analysis import build

pytestmark = pytest.mark.xdist_group("build")

ICBS = ("QGH", "QHL", "QXU")
#: Files of a cache entry that describe the run, not the chapter's outputs.
RUN_RECORDS = {"notebook.ipynb", "meta.json", "inputs.log", "warnings.log", build.OWNER_FILE}


def _run(book, params: list, engine: str, cache: Path, n_jobs: int = 2) -> tuple[dict, list[str], Exception | None]:
    saved = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(cache)
    lines: list[str] = []
    error = None
    try:
        results = build.run_chapters(book, params, n_jobs, lines.append, engine=engine)
    except build.BuildError as exc:
        results, error = {}, exc
    finally:
        if saved is None:
            os.environ.pop("ANALYSIS_CACHE_DIR", None)
        else:
            os.environ["ANALYSIS_CACHE_DIR"] = saved
    return {k: r.entry for k, r in results.items()}, lines, error


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory, mirror):
    book = build.load_book_spec()
    params = [build.validate_params(code) for code in ICBS]
    out = {}
    for engine in build.ENGINES:
        entries, lines, error = _run(book, params, engine, tmp_path_factory.mktemp(f"cache-{engine}"))
        assert error is None, f"{engine}: {error}"
        out[engine] = (entries, lines)
    return book, out


def _outputs(nb_path: Path) -> list:
    """Every code cell's outputs; a warning's location (the kernel names its cell file
    differently) is dropped from stderr, the message kept."""
    nb = nbformat.read(nb_path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            o = json.loads(json.dumps(o))
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                o["text"] = re.sub(r"^\S+:\d+: ", "", o["text"], flags=re.M)
            outs.append(o)
        cells.append(outs)
    return cells


def _files(entry: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(entry)): p.read_bytes()
        for p in sorted(entry.rglob("*"))
        if p.is_file() and p.name not in RUN_RECORDS
    }


def test_the_warm_engine_forks_and_starts_no_kernel(both_engines):
    _, out = both_engines
    warm, kernel = out["warm"][1], out["kernel"][1]
    n = 3 * len(build.load_book_spec().chapters)
    assert any(f"Engine warm: {n} chapter run(s) forked" in ln and "0 kernels started" in ln for ln in warm), warm
    assert any(f"Engine kernel: {n} fresh Jupyter kernel(s) started" in ln for ln in kernel), kernel
    # The later ICBs' runs were forked after the zygote computed the chapters' national tables,
    # so the comparisons below cover that path too (QXU's runs come after QGH's).
    prepared = [ln for ln in warm if "National tables computed once for the later ICBs of" in ln]
    assert prepared and "of 0 chapter" not in prepared[0], warm


@pytest.mark.parametrize("icb", ICBS)
def test_every_chapter_is_identical_under_both_engines(both_engines, icb):
    book, out = both_engines
    problems = []
    for ch in book.chapters:
        warm, kernel = out["warm"][0][(icb, ch.id)], out["kernel"][0][(icb, ch.id)]
        fw, fk = _files(warm), _files(kernel)
        assert any(name.endswith("headline.json") for name in fw), ch.id
        if sorted(fw) != sorted(fk):
            problems.append(f"{ch.id}: different files {sorted(set(fw) ^ set(fk))}")
        different = sorted(name for name in set(fw) & set(fk) if fw[name] != fk[name])
        if different:
            problems.append(f"{ch.id}: files differ: {different}")
        ow, ok = _outputs(warm / "notebook.ipynb"), _outputs(kernel / "notebook.ipynb")
        if len(ow) != len(ok):
            problems.append(f"{ch.id}: {len(ow)} code cells against {len(ok)}")
        cells = [i for i, (a, b) in enumerate(zip(ow, ok), 1) if a != b]
        if cells:
            problems.append(f"{ch.id}: code cells {cells} show different outputs")
        inputs_w = json.loads((warm / "meta.json").read_text())["inputs"]
        inputs_k = json.loads((kernel / "meta.json").read_text())["inputs"]
        if inputs_w != inputs_k:
            problems.append(f"{ch.id}: different inputs recorded")
    assert not problems, f"{icb}: the engines differ:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------- isolation

PROBE = """import os
import matplotlib as mpl
import pandas as pd
import analysis.report as report
state = (getattr(report, "_left_by_another_run", None), pd.get_option("display.max_rows"),
         mpl.rcParams["lines.linewidth"], os.environ.get("LEFT_BY_ANOTHER_RUN"), os.getcwd().endswith("data"))
print(state)
report._left_by_another_run = icb_code
pd.set_option("display.max_rows", 3)
mpl.rcParams["lines.linewidth"] = 9
os.environ["LEFT_BY_ANOTHER_RUN"] = icb_code
os.chdir(data_dir)
assert icb_code != "QHL", "deliberate failure for QHL"
"""


def _probe_book(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        'icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/probe"\nreference_date = ""'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Probe"), params, nbformat.v4.new_code_cell(PROBE)]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return build.BookSpec(chapters=[build.ChapterSpec("probe", "Probe", path)])


def _printed(nb_path: Path) -> str:
    """What a notebook printed (stdout)."""
    nb = nbformat.read(nb_path, as_version=4)
    return "".join(
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("name") == "stdout"
    )


def test_a_chapter_that_fails_or_changes_state_for_one_icb_changes_nothing_for_the_next(tmp_path):
    book = _probe_book(tmp_path)
    qgh, qhl, qxu = (build.validate_params(c) for c in ("QGH", "QHL", "QXU"))
    # one job at a time, QHL (changes module state, options, environment and folder, then fails)
    # before the others, all forked from the same warm process
    _, lines, error = _run(book, [qhl, qgh, qxu], "warm", tmp_path / "cache-warm", n_jobs=1)
    assert error is not None and "deliberate failure for QHL" in str(error)
    assert any("QHL probe: FAILED" in ln for ln in lines)
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path / "cache-warm")
    try:
        after_failure = {
            p.icb.ods_code: _printed(build.cache_lookup(book.chapters[0], p) / "notebook.ipynb") for p in (qgh, qxu)
        }
    finally:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    # the same chapter for QGH alone, in a fresh kernel: the state every run must start from
    entries, _, error = _run(book, [qgh], "kernel", tmp_path / "cache-kernel", n_jobs=1)
    assert error is None
    fresh = _printed(entries[("QGH", "probe")] / "notebook.ipynb")
    assert fresh.startswith("(None, ")
    assert after_failure == {"QGH": fresh, "QXU": fresh}


def test_the_probe_sees_state_left_by_an_earlier_run_in_the_same_process(tmp_path):
    """Without a fork per run the probe above would see the earlier run's state: it can fail."""
    import subprocess
    import sys

    book = _probe_book(tmp_path)
    script = f"""
import os
from pathlib import Path
from analysis.build.inprocess import execute_notebook
for code in ("QHL", "QGH"):
    work = Path({str(tmp_path)!r}) / code
    (work / "data" / "probe").mkdir(parents=True)
    try:
        execute_notebook(Path({str(book.chapters[0].notebook)!r}), work / "out.ipynb",
                         {{"icb_code": code, "imd_version": 2019, "data_dir": "data/probe", "reference_date": ""}}, work)
    except Exception:
        pass  # QHL fails on purpose
"""
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    first = _printed(tmp_path / "QHL" / "out.ipynb")
    second = _printed(tmp_path / "QGH" / "out.ipynb")
    assert first.startswith("(None, ") and second.startswith("('QHL', 3, 9")
