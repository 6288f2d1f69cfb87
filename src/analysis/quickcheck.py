"""A no-op rebuild in well under a second: prove nothing changed, with the standard library only.

``python -m analysis build`` spends about a second importing pandas and the package before it can
ask its caches whether anything changed. This module answers first, without those imports: a
*stamp* of everything a book can depend on is taken when a build starts and stored beside the
published book when it succeeds; the next identical command takes the stamp again and, if it is
equal, reports the book up to date and stops. If anything differs, or anything is unreadable,
the ordinary build runs (and its own caches decide what to re-run), so the shortcut can only
ever skip a build whose every input is unchanged.

The stamp covers (by path, size and modification time, which change whenever a file is written):
every file of the package, notebooks, book and configuration, the manifest, the data mirror and
the downloaded files; the commit the book names; the Python and installed packages (the
site-packages folder changes when anything is installed); every ``ANALYSIS_*`` setting except the
engine (both engines give identical books: tests/book/test_engines.py); the command's own
arguments except ``--jobs``; and today's date (the book judges currency as of its month).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

from .paths import BUILD_DIR, RAW_DIR, ROOT

STAMP_FILE = ".quick-stamp.json"

#: Options of ``build`` the shortcut understands; anything else (``--all``, ``--force``,
#: ``--as-of``, ``--debug``, ...) always runs the ordinary build.
_VALUE_OPTIONS = {"--icb", "--imd-version", "--jobs", "--out", "--engine"}
_IGNORED = {"--jobs", "--engine"}  # change how, not what, is built


def _command(argv: list[str]) -> dict | None:
    """The build command's options, or None when the shortcut does not apply."""
    if not argv or argv[0] != "build":
        return None
    opts: dict[str, str] = {}
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=")
        if name not in _VALUE_OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(rest):
                return None
            value = rest[i + 1]
            i += 1
        opts[name] = value
        i += 1
    return {k: v for k, v in opts.items() if k not in _IGNORED}


def target_for(opts: dict) -> Path:
    """Where the book of this command is published (as :func:`analysis.build.default_target`)."""
    if "--out" in opts:
        return Path(opts["--out"])
    return Path(os.environ.get("ANALYSIS_BUILD_DIR", BUILD_DIR)) / "html"


def _tree(h, root: Path) -> None:
    if root.is_file():
        st = root.stat()
        h.update(f"{root}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return
    if not root.is_dir():
        h.update(f"{root}\0absent\n".encode())
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in {"__pycache__", ".ipynb_checkpoints"})
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def _git_head() -> str:
    """The commit checked out (the book names it), read from .git without running git."""
    git = ROOT / ".git"
    try:
        if git.is_file():  # a worktree's .git file: "gitdir: <path>"
            git = (ROOT / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        common = git / (git / "commondir").read_text().strip() if (git / "commondir").is_file() else git
        for base in (git, common):
            if (base / ref).is_file():
                return (base / ref).read_text().strip()
            packed = base / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split()[0]
        return head
    except OSError:
        return "no git"


def stamp(opts: dict) -> str:
    """The hash of everything the book of this command can depend on (see the module's doc)."""
    h = hashlib.sha256()
    h.update(json.dumps(sorted(opts.items())).encode())
    h.update(
        json.dumps(
            sorted((k, v) for k, v in os.environ.items() if k.startswith("ANALYSIS_") and k != "ANALYSIS_ENGINE")
        ).encode()
    )
    h.update(dt.date.today().isoformat().encode())
    h.update(f"{sys.version}\0{sys.executable}\0{_git_head()}\n".encode())
    for name in ("purelib", "platlib"):
        _tree_top(h, Path(sysconfig.get_paths()[name]))
    for rel in (
        "src/analysis",
        "notebooks",
        "book",
        "_config.yml",
        "data/sources.yml",
        "pyproject.toml",
        "constraints.txt",
        "CITATION.cff",
    ):
        _tree(h, ROOT / rel)
    mirror = os.environ.get("ANALYSIS_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    _tree(h, Path(mirror))
    _tree(h, Path(os.environ.get("ANALYSIS_RAW_DIR", RAW_DIR)))
    if os.environ.get("ANALYSIS_SOURCES"):
        _tree(h, Path(os.environ["ANALYSIS_SOURCES"]))
    return h.hexdigest()


def _tree_top(h, folder: Path) -> None:
    """An installed-packages folder: its own entries (an install adds or replaces one)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        h.update(f"{folder}\0absent\n".encode())
        return
    for e in entries:
        st = e.stat(follow_symlinks=False)
        h.update(f"{e.name}\0{st.st_mtime_ns}\n".encode())


def up_to_date(argv: list[str]) -> Path | None:
    """The published book's folder when this command would rebuild it identically; else None."""
    opts = _command(argv)
    if opts is None:
        return None
    target = target_for(opts)
    try:
        recorded = json.loads((target / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (target / "index.html").is_file() or recorded.get("stamp") != stamp(opts):
        return None
    return target


def record(argv: list[str], value: str) -> None:
    """After a successful build: store the stamp taken when it started beside the book."""
    opts = _command(argv)
    if opts is None:
        return
    target = target_for(opts)
    tmp = target / f"{STAMP_FILE}.tmp"
    tmp.write_text(json.dumps({"stamp": value}), encoding="utf-8")
    os.replace(tmp, target / STAMP_FILE)


def begin(argv: list[str]) -> str | None:
    """At the start of a build: the stamp to record if it succeeds (None: not applicable)."""
    opts = _command(argv)
    return stamp(opts) if opts is not None else None
