"""The package's layers hold (import-linter contracts in pyproject.toml) and name every module."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "analysis"


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"import contracts broken (see pyproject.toml [tool.importlinter]):\n{out[-6000:]}"
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in out, out[-2000:]


def test_every_top_level_module_is_in_a_layer():
    """A new module must be placed in the layers (or the contract would silently not cover it)."""
    layers = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    named = {m.strip().removeprefix("analysis.") for layer in layers for m in layer.split("|")}
    standalone = {"sphinx_a11y"}  # checked by its own 'forbidden' contract
    modules = {p.stem for p in PKG.glob("*.py") if p.stem != "__init__"} | {
        p.parent.name for p in PKG.glob("*/__init__.py")
    }
    assert modules - standalone == named, (
        f"not in a layer: {sorted(modules - standalone - named)}; layers naming no module: {sorted(named - modules)}"
    )


def test_area_type_reads_the_ons_code():
    from analysis import geography

    assert geography.area_type("E08000025") == "Metropolitan district"  # Birmingham; Fingertips says "UA"
    assert geography.area_type("E06000019") == "Unitary authority"
    assert geography.area_type("E92000001") == "England"
    assert geography.area_type("E12000005") == "Local authority"


def test_data_reading_code_memoises_with_remembered_not_lru_cache():
    """Chapters and loaders memoise with ``sources.remembered``, never ``functools.lru_cache`` or
    ``functools.cache``: a plain cache answers without recording the files behind its result, so
    a chapter forked after the warm engine computed national tables (which fill such caches as a
    side effect) would record too few inputs, and its cache entry would not notice new data."""
    import re

    offenders = []
    for folder in ("chapters", "load"):
        for path in sorted((PKG / folder).glob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.match(r"\s*@(functools\.)?(lru_cache|cache)\b", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "use @sources.remembered(...) instead:\n" + "\n".join(offenders)
