"""docs/reliability.md matches the tests: every test it names exists, every reliability test is
named in it, and its known-gaps table is exactly KNOWN_GAPS of the loader fault tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([^\]]*)\])?`")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def test_reliability_table_matches_the_tests():
    text = DOC.read_text(encoding="utf-8")
    refs = REF.findall(text)
    assert refs, "docs/reliability.md names no tests"
    named: set[tuple[str, str]] = set()
    from test_reliability_loaders import FAULT_BY_NAME, KNOWN_GAPS

    for file, name, param in refs:
        path = ROOT / file
        assert path.exists(), f"docs/reliability.md names {file}, which does not exist"
        assert name in _test_functions(path), f"docs/reliability.md names {file}::{name}, which does not exist"
        if file.endswith("test_reliability_loaders.py") and name == "test_loader_fault" and param:
            assert param in FAULT_BY_NAME, f"docs/reliability.md names an unknown fault {param!r}"
        named.add((file, name))
    # Every reliability test is in the table.
    for path in sorted((ROOT / "tests").rglob("test_reliability_*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for fn in sorted(_test_functions(path)):
            assert (rel, fn) in named, f"{rel}::{fn} is not listed in docs/reliability.md"
    # Every fault the loader harness injects has a row.
    faults = {p for f, n, p in refs if n == "test_loader_fault" and p}
    assert faults == set(FAULT_BY_NAME), f"faults without a row: {set(FAULT_BY_NAME) - faults}"
    # The known-gaps table is exactly KNOWN_GAPS.
    gaps_section = text.split("## Known gaps", 1)[1]
    rows = set(re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", gaps_section, re.M))
    assert rows == set(KNOWN_GAPS), (
        f"known gaps in the docs but not in KNOWN_GAPS: {sorted(rows - set(KNOWN_GAPS))}; "
        f"in KNOWN_GAPS but not in the docs: {sorted(set(KNOWN_GAPS) - rows)}"
    )
