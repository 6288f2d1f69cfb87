"""Where the project keeps things. Override the root with ANALYSIS_ROOT (tests do)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("ANALYSIS_ROOT", Path(__file__).resolve().parents[2]))
CACHE_DIR = Path(os.environ.get("ANALYSIS_CACHE_DIR", ROOT / "data" / "cache"))
RAW_DIR = ROOT / "data" / "raw"
BUILD_DIR = Path(os.environ.get("ANALYSIS_BUILD_DIR", ROOT / "_build"))
NOTEBOOKS_DIR = ROOT / "notebooks"
BOOK_DIR = ROOT / "book"
