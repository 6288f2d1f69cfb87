"""The execution cache: one executed notebook per chapter, parameters and input files.

Layout, under ``<ANALYSIS_CACHE_DIR>/notebooks/``::

    <chapter>/<pre key>/inputs.json           labels of the files the chapter read last time
    <chapter>/<pre key>/<full key>/           one entry: notebook.ipynb, data/<chapter>/, meta.json
    .work/<chapter>-<id>/                     a chapter being executed (moved in when finished)

The key is computed in two steps because the input files are only known after a run:

* :func:`pre_key` covers everything known before execution: the notebook's code cells (not
  its Markdown, see :func:`notebook_source_hash`), its parameters, the package code and version;
* :func:`full_key` adds the sha256 of every input file the notebook read the last time it ran
  (recorded by :mod:`analysis.sources`), as given by :func:`current_input_shas`.

:func:`cache_lookup` recomputes both for the files as they are now; a chapter whose notebook,
parameters, code or any input file changed misses and runs again. :func:`store` moves a
finished work folder into place with one atomic rename, so an entry is whole or absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import __version__, sources
from ..load._base import code_fingerprint
from ..paths import CACHE_DIR
from .spec import ChapterSpec, Params

# ----------------------------------------------------------------------------- cache keys


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def notebook_source_hash(nb_path: Path) -> str:
    """Hash of what a notebook executes: its code cells' sources and tags, in order.

    Markdown (and raw) cells are left out: they do not change what runs, and the book takes
    them from the source notebook when it is assembled (:func:`analysis.build.assemble.chapter_page`),
    so editing a sentence re-uses the executed outputs. Outputs and cell ids are ignored.
    """
    nb = nbformat.read(nb_path, as_version=4)
    cells = [(c.source, sorted(c.get("metadata", {}).get("tags", []))) for c in nb.cells if c.cell_type == "code"]
    return _sha("code-cells", json.dumps(cells))


def pre_key(chapter: ChapterSpec, params: Params) -> str:
    """Key over everything known before execution: notebook, parameters, code, version."""
    return _sha(
        "v1",
        chapter.id,
        notebook_source_hash(chapter.notebook),
        json.dumps(params.for_chapter(chapter), sort_keys=True),
        __version__,
        code_fingerprint(chapter.id),
    )[:24]


def current_input_shas(labels: Iterable[str]) -> dict[str, str] | None:
    """What each recorded input stands for now (a file's sha256, a dataset's edition selection
    under the current as-of date), or None if one can no longer be resolved."""
    out = {}
    for label in labels:
        value = sources.current_sha(label)
        if value is None:
            return None
        out[label] = value
    return out


def full_key(pre: str, inputs: dict[str, str]) -> str:
    return _sha(pre, json.dumps(sorted(inputs.items())))[:24]


# ----------------------------------------------------------------------------- entries


def notebook_cache_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", CACHE_DIR)) / "notebooks"


@dataclass
class ChapterResult:
    chapter: ChapterSpec
    entry: Path  # cache entry folder: notebook.ipynb, data/, meta.json
    executed: bool
    seconds: float


def cache_lookup(chapter: ChapterSpec, params: Params) -> Path | None:
    pre = pre_key(chapter, params)
    folder = notebook_cache_dir() / chapter.id / pre
    meta_path = folder / "inputs.json"
    if not meta_path.exists():
        return None
    try:
        recorded = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    current = current_input_shas(recorded)
    if current is None:
        return None
    entry = folder / full_key(pre, current)
    if (entry / "meta.json").exists() and (entry / "notebook.ipynb").exists():
        return entry
    return None


OWNER_FILE = ".owner"
#: A work folder is removed once it is this old (seconds) whatever its owner file says (a
#: failed chapter's executed copy is kept this long for inspection).
STALE_WORK_AGE = 24 * 3600


def new_work_folder(chapter: ChapterSpec) -> Path:
    """A fresh folder in which ``chapter`` runs, owned by this process."""
    work = notebook_cache_dir() / ".work" / f"{chapter.id}-{uuid.uuid4().hex[:8]}"
    (work / "data" / chapter.id).mkdir(parents=True)
    # Who owns this folder: a build killed part-way leaves it behind, and the next build
    # removes it once its owner is gone (see clean_stale_work).
    (work / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
    return work


def store(work: Path, chapter: ChapterSpec, pre: str, inputs: dict[str, str]) -> Path:
    """Move a finished work folder into the cache under ``pre`` and the inputs' checksums;
    record the inputs' labels for the next lookup. Returns the entry folder."""
    root = notebook_cache_dir() / chapter.id / pre
    root.mkdir(parents=True, exist_ok=True)
    key = full_key(pre, inputs)
    entry = root / key
    (work / OWNER_FILE).unlink(missing_ok=True)
    if entry.exists():
        shutil.rmtree(work, ignore_errors=True)  # another build got there first; same key, same content
    else:
        os.replace(work, entry)  # atomic on one filesystem: the entry appears whole or not at all
    tmp = root / f"inputs.json.{uuid.uuid4().hex[:6]}"
    tmp.write_text(json.dumps(sorted(inputs)), encoding="utf-8")
    os.replace(tmp, root / "inputs.json")
    return entry


def last_seconds(chapter: ChapterSpec) -> float:
    """Seconds the chapter took the last time it ran (any parameters), or 0 if never."""
    best, newest = 0.0, 0.0
    for meta in (notebook_cache_dir() / chapter.id).glob("*/*/meta.json"):
        try:
            mtime = meta.stat().st_mtime
            if mtime > newest:
                newest, best = mtime, float(json.loads(meta.read_text(encoding="utf-8")).get("seconds", 0))
        except (OSError, ValueError):
            continue
    return best


# ----------------------------------------------------------------------------- clean-up


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie left by a killed parent is not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def clean_stale_work(log: Callable[[str], None] | None = None) -> list[Path]:
    """Remove work folders left by builds that were killed part-way (SIGKILL, power loss).

    A chapter runs in ``<cache>/notebooks/.work/<chapter>-<id>/`` and is moved into the cache
    with one atomic rename only when it has finished, so a leftover work folder is never read;
    this only reclaims the space. A folder is stale when the process that wrote its owner file
    is no longer running, or when it is older than STALE_WORK_AGE (a failed chapter's folder,
    whose owner file says "failed", is kept that long for inspection).
    """
    base = notebook_cache_dir() / ".work"
    removed: list[Path] = []
    if not base.is_dir():
        return removed
    now = time.time()
    for work in base.iterdir():
        if work.is_file():
            # a warm-engine job's outcome file, ".outcome-<build pid>-<job>.json": the build
            # reads and removes it; one is left only when that build was killed
            m = re.match(r"\.outcome-(\d+)-", work.name)
            if m and not _pid_alive(int(m.group(1))):
                work.unlink(missing_ok=True)
                removed.append(work)
            continue
        try:
            owner = work / OWNER_FILE
            text = owner.read_text(encoding="utf-8").strip() if owner.exists() else ""
            stale = now - work.stat().st_mtime > STALE_WORK_AGE
            if text.isdigit() and not _pid_alive(int(text)):
                stale = True  # its build was killed
        except (OSError, ValueError):
            continue
        if stale:
            shutil.rmtree(work, ignore_errors=True)
            removed.append(work)
    # Half-written inputs.json files from an interrupted rename.
    for tmp in notebook_cache_dir().glob("*/*/inputs.json.*"):
        try:
            if now - tmp.stat().st_mtime > 60:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass
    if removed and log:
        log(f"  removed {len(removed)} work folder(s) left by an interrupted build")
    return removed
