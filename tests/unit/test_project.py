"""The project's own promises: two commands, pinned and agreeing environments, notebooks in step."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _pins(lines):
    out = {}
    for line in lines:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)\s*", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_environment_yml_agrees_with_pyproject():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = proj["dependencies"] + proj["optional-dependencies"]["test"]
    for d in deps:
        assert "==" in d, f"pyproject dependency {d!r} is not pinned"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_deps = next(x["pip"] for x in env["dependencies"] if isinstance(x, dict))
    assert "python=3.11" in env["dependencies"]
    assert _pins(pip_deps) == _pins(deps), "environment.yml differs: run tools/sync_environment.py"


def test_constraints_pin_the_direct_dependencies_identically():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = _pins(proj["dependencies"] + proj["optional-dependencies"]["test"])
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in direct.items():
        assert constraints.get(name) == version, (
            f"constraints.txt pins {name}=={constraints.get(name)}, pyproject {version}"
        )


def test_jupyter_book_is_v1():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    jb = next(d for d in proj["dependencies"] if d.startswith("jupyter-book"))
    assert jb.split("==")[1].startswith("1.")


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).strip().splitlines()
    commands = [l.split("#")[0].strip() for l in block]
    assert commands == ["make book", "make test"]
    assert text.index("```bash") < 200  # at the top
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_layout():
    for p in [
        "book",
        "notebooks",
        "data",
        "src/analysis",
        "tests",
        "_config.yml",
        "environment.yml",
        "README.md",
        "pyproject.toml",
        "Makefile",
        ".ci/run",
        "data/sources.yml",
    ]:
        assert (ROOT / p).exists(), p
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["execute"]["execute_notebooks"] == "off"


def test_no_data_files_committed():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    bad = [f for f in files if re.search(r"\.(csv|xlsx|parquet|geojson|gz|zip)$", f)]
    assert not bad, f"data files are committed: {bad}"


def _chapter_ids():
    doc = yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())
    return [c["id"] for c in doc["chapters"]]


@pytest.mark.parametrize("chapter", _chapter_ids())
def test_notebook_matches_its_text_twin_and_has_the_parameter_contract(chapter):
    ipynb = ROOT / "notebooks" / f"{chapter}.ipynb"
    nb = nbformat.read(ipynb, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{ipynb}: exactly one cell must be tagged 'parameters'"
    names = re.findall(r"^(\w+)\s*=", params[0].source, re.M)
    assert names == ["icb_code", "imd_version", "data_dir", "reference_date"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.get("outputs"), f"{ipynb}: commit notebooks without outputs"
    # The twin is the one jupytext.toml pairs the notebook with (what Jupyter and `jupytext --sync`
    # keep in step); a notebook edited outside Jupyter without syncing is caught here.
    twin_rel, fmt = _paired_text_twin(ipynb)
    assert (twin_rel, fmt["format_name"]) == (f"notebooks/src/{chapter}.py", "percent")
    twin = ROOT / twin_rel
    assert twin.exists(), f"{ipynb} has no text twin: run `jupytext --sync notebooks/{chapter}.ipynb`"
    src = jupytext.read(twin, fmt="py:percent")
    assert [(c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in src.cells] == [
        (c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in nb.cells
    ], f"{ipynb} and {twin} differ: run `jupytext --sync {twin.relative_to(ROOT)}` (or save it in Jupyter)"


def _paired_text_twin(ipynb: Path) -> tuple[str, dict]:
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file
    from jupytext.paired_paths import paired_paths

    config = load_jupytext_configuration_file(find_jupytext_configuration_file(str(ipynb.parent)))
    rel = ipynb.relative_to(ROOT).as_posix()
    pairs = [(path, fmt) for path, fmt in paired_paths(rel, "ipynb", config.default_formats(rel)) if path != rel]
    assert len(pairs) == 1, f"jupytext.toml should pair {rel} with one text file, found {pairs}"
    return pairs[0]


def test_notebooks_do_not_read_raw_files():
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert not re.search(r"read_csv|read_excel|read_file|open\(|shared/data", code), nb_path
