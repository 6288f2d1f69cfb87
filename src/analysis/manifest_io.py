"""Read and write ``data/sources.yml`` (the data manifest) safely and readably.

Writes are atomic (a temporary file renamed over the old one, under a lock), so a manifest is
never half-written, and stable: datasets in their order, one edition per block, a blank line
between datasets. A new edition appended by ``data add`` is therefore one added block in a diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml
from filelock import FileLock

from . import sources

HEADER = """\
# Every dataset the book reads, and every edition of it (data/sources.yml).
#
# A dataset has editions (a month, a quarter, a year, a week's snapshot). Each edition records the
# period it covers, read from its file when it was added ("period_from: file"; "documentation"
# where the file states no period and the publisher's documentation does), the date it was added,
# and its files pinned by sha256. A build uses each dataset's editions added by its --as-of date
# (default: all). New editions come in with `python -m analysis data add FILE` (or `data fetch`);
# new datasets with `python tools/make_sources.py add DATASET`.
#
# A file is resolved from data/raw/<dataset>/<edition>/ (the local store), then the mirror
# ($ANALYSIS_DATA_MIRROR, default ../shared/data), then downloaded from `url` where one is listed.
"""


def lock() -> FileLock:
    p = sources.manifest_path()
    return FileLock(str(p) + ".lock", timeout=120)


def read(path: Path | None = None) -> dict:
    """The ``datasets`` mapping as plain Python data (a fresh copy, safe to edit)."""
    p = Path(path) if path else sources.manifest_path()
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("datasets"), dict):
        raise sources.DataSourceError(f"The data manifest {p} must have a top-level 'datasets' mapping.")
    return doc["datasets"]


def dumps(datasets: dict) -> str:
    body = yaml.safe_dump(
        {"datasets": datasets}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    # A blank line before each dataset: easier to read, and a diff shows one dataset's change alone.
    body = re.sub(r"\n(  [A-Za-z0-9_]+:\n)", r"\n\n\1", body)
    return HEADER + "\n" + body


def write(datasets: dict, path: Path | None = None) -> Path:
    """Write the manifest atomically; the caller holds :func:`lock` when reading and writing."""
    p = Path(path) if path else sources.manifest_path()
    text = dumps(datasets)
    yaml.safe_load(text)  # never write something we cannot read back
    tmp = p.with_name(f".{p.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
    sources.clear_caches()
    return p


def edition_id(period: sources.Period, frequency: str, taken: list[str]) -> str:
    """A short, sortable edition id from the period it covers: ``2025-09`` for a month, the end
    date for a week, ``2025-Q3``-style end month for a quarter, the end year for a year; a
    suffix ``-r2``, ``-r3`` ... for a revised file of a period already present."""
    end = period.end or period.start
    if end is None:
        base = re.sub(r"[^a-z0-9]+", "-", period.label.lower()).strip("-")[:40] or "1"
    elif frequency == "weekly":
        base = end.isoformat()
    elif frequency == "annual":
        base = (
            f"{end.year}"
            if period.start is None or period.start.year == end.year
            else f"{period.start.year}-{end.year % 100:02d}"
        )
    else:
        base = f"{end:%Y-%m}"
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-r{n}"
    return out


def file_entry(datasets: dict, dataset: str, filename: str) -> dict:
    """The (mutable) manifest entry of ``filename`` in the newest edition of ``dataset`` that has
    it, in a mapping as returned by :func:`read`."""
    meta = datasets[dataset]
    blocks = [meta] if "files" in meta else list(reversed(meta.get("editions") or []))
    for block in blocks:
        if filename in (block.get("files") or {}):
            return block["files"][filename]
    raise KeyError(f"{dataset}/{filename} is not in the manifest")


def iter_files(datasets: dict, dataset: str):
    """(edition id, file name, entry) for every file of ``dataset``."""
    meta = datasets[dataset]
    for block in [meta] if "files" in meta else meta.get("editions") or []:
        for name, entry in (block.get("files") or {}).items():
            yield str(block.get("id", "")), name, entry


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


__all__ = ["HEADER", "dumps", "edition_id", "file_entry", "iter_files", "lock", "now_utc", "read", "write"]
