"""The GitHub Actions workflow that rebuilds and publishes the book on data change. It cannot run
here (no GitHub), so it is checked with actionlint (types, expressions, action versions, shell)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str:
    exe = Path(sys.executable).with_name("actionlint")
    found = str(exe) if exe.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: it is a test dependency (make test installs it)")
    return found


def test_there_is_a_workflow():
    assert WORKFLOWS, "no workflow in .github/workflows"


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(wf):
    proc = subprocess.run([_actionlint(), "-no-color", str(wf)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nonexistent_context_value }}\n        uses: actions/checkout@v5\n"
    )
    proc = subprocess.run([_actionlint(), "-no-color", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0


def test_the_workflow_runs_on_data_change_monthly_and_publishes():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert "data/sources.yml" in on["push"]["paths"]
    assert on["schedule"] and "workflow_dispatch" in on
    steps = " ".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in wf["jobs"]["build"]["steps"])
    for needed in ("data fetch", ".ci/run", "make book", "upload-pages-artifact"):
        assert needed in steps, needed
    assert any("deploy-pages" in str(s.get("uses", "")) for s in wf["jobs"]["deploy"]["steps"])
