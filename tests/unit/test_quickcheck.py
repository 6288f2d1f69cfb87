"""The no-op shortcut (analysis.quickcheck) answers "up to date" only when nothing a book depends
on has changed, and never for a command it does not understand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import quickcheck as qc


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A tiny project tree, data mirror and build folder; the stamp reads only these."""
    root = tmp_path / "root"
    for rel in (
        "src/analysis/a.py",
        "notebooks/x.ipynb",
        "book/chapters.yml",
        "_config.yml",
        "data/sources.yml",
        "pyproject.toml",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    mirror = tmp_path / "mirror"
    (mirror / "ds").mkdir(parents=True)
    (mirror / "ds" / "f.csv").write_text("a,b\n1,2\n")
    monkeypatch.setattr(qc, "ROOT", root)
    monkeypatch.setattr(qc, "RAW_DIR", root / "data" / "raw")
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.delenv("ANALYSIS_AS_OF", raising=False)
    return root, mirror, tmp_path / "build" / "html"


def _published(argv, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text("<html></html>")
    qc.record(argv, qc.begin(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["build", "--icb", "QHL"],
        ["build", "--icb=QHL", "--imd-version", "2025", "--jobs", "2"],
        ["build", "--engine", "kernel", "--out", "site"],
    ],
)
def test_commands_the_shortcut_understands(argv):
    assert qc._command(argv) is not None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check"],
        ["build", "--all"],
        ["build", "--force"],
        ["build", "--as-of", "2026-01-01"],
        ["build", "--debug"],
        ["build", "--icb"],
        ["data", "status"],
    ],
)
def test_commands_that_always_run_the_build(argv):
    assert qc._command(argv) is None and qc.up_to_date(argv) is None


def test_up_to_date_only_after_a_recorded_build_with_its_book(project):
    _, _, target = project
    assert qc.up_to_date(["build"]) is None  # nothing recorded
    _published(["build"], target)
    assert qc.up_to_date(["build"]) == target
    assert qc.up_to_date(["build", "--jobs", "1", "--engine", "kernel"]) == target  # how, not what
    assert qc.up_to_date(["build", "--icb", "QHL"]) is None  # another book
    (target / "index.html").unlink()
    assert qc.up_to_date(["build"]) is None


@pytest.mark.parametrize("change", ["code", "notebook", "manifest", "mirror file", "new mirror file", "setting"])
def test_any_change_a_book_depends_on_runs_the_build(project, change, monkeypatch):
    root, mirror, target = project
    _published(["build"], target)
    path = {
        "code": root / "src/analysis/a.py",
        "notebook": root / "notebooks/x.ipynb",
        "manifest": root / "data/sources.yml",
        "mirror file": mirror / "ds" / "f.csv",
    }.get(change)
    if path is not None:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    elif change == "new mirror file":
        (mirror / "ds" / "g.csv").write_text("x\n")
    else:
        monkeypatch.setenv("ANALYSIS_SOURCES", str(root / "data" / "sources.yml"))
    assert qc.up_to_date(["build"]) is None


def test_a_no_op_is_answered_without_importing_pandas(project, monkeypatch):
    """The shortcut's point: ``python -m analysis build`` with nothing changed says so before the
    package's heavy imports."""
    root, _, target = project
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    _published(["build"], target)
    env = dict(os.environ)
    code = (
        "import sys; from analysis.__main__ import run; rc = run(['build']); "
        "print('pandas imported:', 'pandas' in sys.modules, 'rc:', rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert "it is up to date" in out and "pandas imported: False rc: 0" in out, out
