"""Write environment.yml from pyproject.toml so conda users get the same pinned packages.

    python tools/sync_environment.py
A test (tests/unit/test_project.py) fails if the two disagree.
"""

from pathlib import Path

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
deps = proj["dependencies"] + proj["optional-dependencies"]["test"]
lines = [
    "# Conda environment for the evidence book. Generated from pyproject.toml by",
    "# tools/sync_environment.py; tests/unit/test_project.py checks that the two agree.",
    "name: icb-inequalities-book",
    "channels:",
    "  - conda-forge",
    "dependencies:",
    "  - python=3.11",
    "  - pip",
    "  - pip:",
    *[f"      - {d}" for d in deps],
    "      - -e .",
    "",
]
(ROOT / "environment.yml").write_text("\n".join(lines))
print("wrote environment.yml")
