"""The execution cache: unchanged chapters are not re-run; a changed notebook, parameter or
input file re-runs exactly the chapters concerned."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis import build, manifest_io, sources

pytestmark = pytest.mark.xdist_group("build")

DS = "lookup_lad_utla_region"
FILE_A = "lookup_ltla21_region21.csv"
FILE_B = "lookup_ltla21_utla21.csv"


def _notebook(path: Path, reads: str, extra: str = "") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/x"')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "from analysis import sources\n"
        f"p = sources.resolve({DS!r}, {reads!r})\n"
        f"print(len(p.read_text().splitlines())){extra}"
    )
    nb.cells = [nbformat.v4.new_markdown_cell("# Test"), params, body]
    nbformat.write(nb, path)


@pytest.fixture
def env(tmp_path, monkeypatch, mirror):
    """Two tiny chapters reading different real files, with an isolated cache."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.delenv("ANALYSIS_SOURCES", raising=False)
    sources._load_manifest.cache_clear()
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    _notebook(a, FILE_A)
    _notebook(b, FILE_B)
    spec = build.BookSpec([build.ChapterSpec("chap_a", "A", a), build.ChapterSpec("chap_b", "B", b)])
    return {"spec": spec, "a": a, "b": b, "tmp": tmp_path, "mirror": mirror}


def _run(spec, params, log=None):
    lines = []
    res = build.run_chapters(spec, [params], n_jobs=2, log=lines.append)
    executed = sorted(cid for (_, cid), r in res.items() if r.executed)
    return executed, res


def test_cache_hits_and_misses(env, monkeypatch):
    spec = env["spec"]
    p2019 = build.validate_params("QGH", 2019)

    executed, res = _run(spec, p2019)
    assert executed == ["chap_a", "chap_b"]
    # Inputs were recorded from what the notebook actually read.
    meta = (res[("QGH", "chap_a")].entry / "meta.json").read_text()
    assert f"{DS}@1/{FILE_A}" in meta and f"{DS}#editions" in meta and FILE_B not in meta

    # Nothing changed: nothing runs.
    assert _run(spec, p2019)[0] == []

    # A parameter changes: both run again (each has the parameter).
    assert _run(spec, build.validate_params("QGH", 2025))[0] == ["chap_a", "chap_b"]
    assert _run(spec, p2019)[0] == []  # and the old entries are still there

    # A notebook is edited: only that chapter runs.
    _notebook(env["a"], FILE_A, extra="\nprint('edited')")
    assert _run(spec, p2019)[0] == ["chap_a"]
    assert _run(spec, p2019)[0] == []

    # An input's bytes (and so its checksum) change: only the chapter that read it runs.
    mirror2 = env["tmp"] / "mirror2"
    (mirror2 / DS).mkdir(parents=True)
    for f in (env["mirror"] / DS).iterdir():
        (mirror2 / DS / f.name).symlink_to(f)
    changed = mirror2 / DS / FILE_B
    changed.unlink()
    data = (env["mirror"] / DS / FILE_B).read_bytes() + b"\n"
    changed.write_bytes(data)
    manifest = yaml.safe_load((build.ROOT / "data" / "sources.yml").read_text())
    manifest_io.file_entry(manifest["datasets"], DS, FILE_B)["sha256"] = hashlib.sha256(data).hexdigest()
    mpath = env["tmp"] / "sources.yml"
    mpath.write_text(yaml.safe_dump(manifest))
    monkeypatch.setenv("ANALYSIS_SOURCES", str(mpath))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror2))
    sources._load_manifest.cache_clear()
    assert _run(spec, p2019)[0] == ["chap_b"]
    assert _run(spec, p2019)[0] == []


def test_failed_chapter_names_notebook_and_cell(env):
    bad = env["tmp"] / "bad.ipynb"
    _notebook(bad, FILE_A, extra="\nraise ValueError('the data say no')")
    spec = build.BookSpec([build.ChapterSpec("bad", "Bad", bad)])
    with pytest.raises(build.BuildError) as exc:
        build.run_chapters(spec, [build.validate_params("QGH", 2019)], n_jobs=1, log=lambda m: None)
    msg = str(exc.value)
    assert "'bad'" in msg and "code cell 2" in msg and "ValueError: the data say no" in msg
    # Nothing was cached for the failed chapter.
    assert build.cache_lookup(spec.chapters[0], build.validate_params("QGH", 2019)) is None


def test_postprocess_hides_code_and_parameters():
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("x = 1")
    p.metadata["tags"] = ["parameters"]
    inj = nbformat.v4.new_code_cell("x = 2")
    inj.metadata["tags"] = ["injected-parameters"]
    code = nbformat.v4.new_code_cell("print(x)")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="2"),
        nbformat.v4.new_output("stream", name="stderr", text="Warning: x"),
    ]
    quiet = nbformat.v4.new_code_cell("y = 3")
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), p, inj, code, quiet]
    out = build._postprocess(nb)
    assert [c.cell_type for c in out.cells] == ["markdown", "code", "code"]
    assert "remove-input" in out.cells[1].metadata["tags"]
    assert [o["name"] for o in out.cells[1].outputs] == ["stdout"]
    assert "remove-cell" in out.cells[2].metadata["tags"]


def test_parameters_are_validated_before_anything_runs():
    with pytest.raises(build.ParameterError, match="QGH"):
        build.validate_params("'; import os; os.system('echo pwned') #", 2019)
    with pytest.raises(build.ParameterError, match="2019, 2025"):
        build.validate_params("QGH", "2019; import os")
    p = build.validate_params("e54000019", "2025")
    got = p.for_chapter(build.ChapterSpec("x", "X", Path("x")))
    assert got == {
        "icb_code": "QGH",
        "imd_version": 2025,
        "data_dir": "data/x",
        "reference_date": build.reference_date().isoformat(),
    }
    assert got["reference_date"].endswith("-01")  # a month: chapters re-run monthly, not daily
