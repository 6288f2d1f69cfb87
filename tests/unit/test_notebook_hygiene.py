"""Running a chapter notebook by hand in Jupyter leaves nothing git cares about: the nbstripout
filter (.gitattributes, tools/notebook_filter.sh) drops outputs and run metadata, and
.gitignore covers the files the notebook writes (notebooks/data/)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def _clone_like(tmp: Path) -> Path:
    """A git repository with the project's notebook set-up (filter configured), committed."""
    repo = tmp / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "tools").mkdir()
    for rel in (".gitattributes", ".gitignore", "tools/notebook_filter.sh"):
        shutil.copy(ROOT / rel, repo / rel)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.org")
    _git(repo, "config", "user.name", "test")
    subprocess.run(
        ["bash", "tools/notebook_filter.sh"], cwd=repo, check=True, env={"PATH": "/usr/bin:/bin", "PY": sys.executable}
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start")
    return repo


def _run_like_jupyter(path: Path) -> None:
    """Execute and save a notebook as Jupyter does: outputs, counts, timings, the kernel's
    language details and kernelspec, and jupytext's pairing metadata."""
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", record_timing=True, timeout=120, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    spec = KernelSpecManager().get_kernel_spec("python3")
    nb.metadata["kernelspec"] = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    nb.metadata["jupytext"] = {"formats": "ipynb,src//py:percent"}
    nbformat.write(nb, path)


def test_committed_notebooks_are_already_clean(tmp_path):
    """The filter, as configured, leaves the committed chapter notebooks byte for byte, so
    installing it shows no change (in-process: one nbstripout run per notebook is slow)."""
    from nbstripout import strip_output

    repo = _clone_like(tmp_path)
    extra = _git(repo, "config", "filter.nbstripout.extrakeys").split()
    assert "--keep-id" in _git(repo, "config", "filter.nbstripout.clean")
    defaults = [
        "metadata.signature",
        "metadata.widgets",
        "cell.metadata.collapsed",
        "cell.metadata.ExecuteTime",
        "cell.metadata.execution",
        "cell.metadata.heading_collapsed",
        "cell.metadata.hidden",
        "cell.metadata.scrolled",
    ]  # nbstripout's own, as in its command line
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        clean = strip_output(nb, keep_output=False, keep_count=False, keep_id=True, extra_keys=defaults + extra)
        assert nbformat.writes(clean) + "\n" == path.read_text(encoding="utf-8"), path.name


def test_a_notebook_run_in_jupyter_shows_no_change_but_an_edit_does(tmp_path):
    repo = _clone_like(tmp_path)
    nb_path = repo / "notebooks" / "tiny.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nimd_version = 2019\ndata_dir = "data/tiny"')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import json, pathlib\n"
        "out = pathlib.Path(data_dir); out.mkdir(parents=True, exist_ok=True)\n"
        "(out / 'headline.json').write_text(json.dumps({'icb': icb_code}))\n"
        "print('written', out)"
    )
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), params, body]
    nbformat.write(nb, nb_path)
    _git(repo, "add", "notebooks/tiny.ipynb")
    _git(repo, "commit", "-q", "-m", "tiny")

    before = nb_path.read_bytes()
    _run_like_jupyter(nb_path)
    ran = json.loads(nb_path.read_text())
    assert nb_path.read_bytes() != before and ran["cells"][2]["outputs"], "the notebook did not run"
    assert (repo / "notebooks" / "data" / "tiny" / "headline.json").exists()
    # git lists a file whose size changed as modified without running the filter, but its
    # content (what git diff compares and git add stages) is unchanged: nothing to commit.
    assert _git(repo, "diff", "--no-textconv") == "", "running the notebook left changes git sees"
    _git(repo, "add", "-A")
    assert _git(repo, "status", "--porcelain") == "", "running the notebook left changes git sees"

    ran["cells"][0]["source"] = "# Tiny, edited"
    nb_path.write_text(json.dumps(ran, indent=1))
    diff = _git(repo, "diff", "--no-textconv")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['-    "# Tiny"', '+    "# Tiny, edited"'], diff


def test_papermill_reads_every_chapter_parameter_without_a_warning(caplog):
    """papermill parses the parameters cell (its line parser gives up on a line with two ``=``,
    for example in a comment, and then warns "Passed unknown parameter" on every build)."""
    import logging

    import papermill

    chapters = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert chapters, "no chapter notebooks found"
    for nb in chapters:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="papermill"):
            params = papermill.inspect_notebook(str(nb))
        assert set(params) == {"icb_code", "imd_version", "data_dir", "reference_date"}, nb.name
        assert not caplog.records, f"{nb.name}: papermill warned: {caplog.records[0].getMessage()}"


def test_the_parameter_check_fails_on_a_line_papermill_cannot_parse(tmp_path, caplog):
    import logging

    import papermill

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('icb_code = "QGH"\nreference_date = ""  # "" = this month')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = papermill.inspect_notebook(str(path))
    assert "reference_date" not in found and caplog.records
