"""The command line: invalid parameters give a clear error and exit 2 before anything runs
(the ICB list comes from the real lookup file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_errors_are_clear_and_fast():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--icb", "Narnia"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 2
    assert "Unknown ICB 'Narnia'" in out.stderr and "QGH" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--imd-version", "2015"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 2 and "2019, 2025" in out.stderr
    out = subprocess.run([sys.executable, "-m", "analysis", "list-icbs"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and len(out.stdout.strip().splitlines()) == 43
