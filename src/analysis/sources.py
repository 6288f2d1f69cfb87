"""Resolve a dataset file named in ``data/sources.yml``: cache, then mirror, then download.

Every path is verified against the sha256 pinned in the manifest. A file that cannot be found,
or whose bytes differ, raises one :class:`DataSourceError` that names the dataset, the file, every
place looked and the checksum expected, so a CI log says exactly what to fix.

Order of places:
1. the local cache ``data/raw/<dataset>/<file>`` (where downloads land; git-ignored);
2. the read-only mirror ``$ANALYSIS_DATA_MIRROR/<dataset>/<file>`` (default ``../shared/data``
   beside the repository, when that folder exists) - read in place, never copied;
3. the file's ``url`` in the manifest, fetched with pooch into the cache (https only).

Each resolved file is recorded (dataset, file, sha256) so that the build can key a chapter's
cache on the exact bytes it read; see :func:`inputs_read` and ``ANALYSIS_INPUTS_LOG``.
"""
from __future__ import annotations

import hashlib
import ipaddress
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import yaml

from .paths import CACHE_DIR, RAW_DIR, ROOT


class DataSourceError(RuntimeError):
    """A dataset file is unknown, missing, or its bytes do not match the manifest."""


@dataclass(frozen=True)
class FileSpec:
    dataset: str
    filename: str
    sha256: str
    bytes: int | None
    url: str | None

    @property
    def label(self) -> str:
        return f"{self.dataset}/{self.filename}"


def manifest_path() -> Path:
    return Path(os.environ.get("ANALYSIS_SOURCES", ROOT / "data" / "sources.yml"))


@lru_cache(maxsize=8)
def _load_manifest(path: str, mtime_ns: int) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            # The C loader when available: same safe subset of YAML, several times faster.
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError as exc:
        raise DataSourceError(f"The data manifest {path} does not exist.") from exc
    except yaml.YAMLError as exc:
        raise DataSourceError(f"The data manifest {path} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("datasets"), dict):
        raise DataSourceError(f"The data manifest {path} must have a top-level 'datasets' mapping.")
    return doc["datasets"]


def manifest() -> dict:
    """The ``datasets`` mapping of the manifest (re-read when the file changes)."""
    p = manifest_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return _load_manifest(str(p), mtime)


def _safe_name(kind: str, name: str, *, subfolders: bool = False) -> None:
    """Dataset and file names become paths under the mirror and the cache: refuse anything that
    could leave them (``..``, absolute paths, backslashes). Files may sit in sub-folders."""
    parts = name.split("/") if isinstance(name, str) and subfolders else [name]
    if (not isinstance(name, str) or "\\" in name or "\0" in name or name.startswith("~")
            or any(p in ("", ".", "..") or "/" in p for p in parts)):
        raise DataSourceError(f"Refusing {kind} name {name!r}: it must be a plain file name "
                              f"(relative, no '..'), not a path that leaves the data folder.")


def file_spec(dataset: str, filename: str) -> FileSpec:
    _safe_name("dataset", dataset)
    _safe_name("file", filename, subfolders=True)
    datasets = manifest()
    if dataset not in datasets:
        raise DataSourceError(
            f"Unknown dataset {dataset!r}: it is not listed in {manifest_path()}. "
            f"Known datasets: {', '.join(sorted(datasets))}."
        )
    files = datasets[dataset].get("files") or {}
    if filename not in files:
        raise DataSourceError(
            f"Dataset {dataset!r} has no file {filename!r} in {manifest_path()}. "
            f"Its files: {', '.join(sorted(files))}."
        )
    f = files[filename]
    sha = str(f.get("sha256", "")).lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise DataSourceError(f"{dataset}/{filename}: the manifest's sha256 {sha!r} is not 64 hex digits.")
    return FileSpec(dataset, filename, sha, f.get("bytes"), f.get("url"))


def mirror_dir() -> Path | None:
    env = os.environ.get("ANALYSIS_DATA_MIRROR")
    if env:
        return Path(env)
    default = ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None


def raw_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_RAW_DIR", RAW_DIR))


_hash_lock = threading.Lock()
_hash_memo: dict[tuple[str, int, int], str] = {}


def sha256_file(path: Path) -> str:
    """sha256 of a file, memoised per process on (path, size, mtime)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        if key in _hash_memo:
            return _hash_memo[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    with _hash_lock:
        _hash_memo[key] = digest
    return digest


_read: dict[str, str] = {}


def _record(spec: FileSpec) -> None:
    _read[spec.label] = spec.sha256
    log = os.environ.get("ANALYSIS_INPUTS_LOG")
    if log:
        # One line per read; appends of a short line are atomic enough for one kernel per log.
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{spec.label}\t{spec.sha256}\n")


def inputs_read() -> dict[str, str]:
    """Every dataset file resolved in this process so far, as {"dataset/file": sha256}."""
    return dict(_read)


def _check_url(url: str) -> None:
    """Only https URLs are fetched; plain http only to loopback when tests allow it."""
    parsed = urlparse(url)
    if parsed.scheme == "https":
        return
    if parsed.scheme == "http" and os.environ.get("ANALYSIS_ALLOW_LOOPBACK_HTTP") == "1":
        try:
            if ipaddress.ip_address(parsed.hostname or "").is_loopback:
                return
        except ValueError:
            if parsed.hostname == "localhost":
                return
    raise DataSourceError(f"Refusing to download {url!r}: only https URLs listed in the manifest are fetched.")


def _download(spec: FileSpec, dest: Path) -> None:
    import pooch  # imported lazily: most builds never download

    _check_url(spec.url or "")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        # pooch writes to a temporary file in the same folder, checks the hash, then renames:
        # an interrupted or wrong download never leaves a file under the final name.
        pooch.retrieve(
            url=spec.url,
            known_hash=f"sha256:{spec.sha256}",
            fname=dest.name,
            path=dest.parent,
            progressbar=False,
        )
    except Exception as exc:  # pooch raises requests / ValueError subclasses
        for leftover in dest.parent.glob(f"tmp*"):
            leftover.unlink(missing_ok=True)
        if dest.exists() and sha256_file(dest) != spec.sha256:
            dest.unlink()
        raise DataSourceError(f"download of {spec.url} failed: {type(exc).__name__}: {exc}") from exc


def resolve(dataset: str, filename: str, *, download: bool = True) -> Path:
    """Path to a verified copy of ``dataset/filename``; raises DataSourceError otherwise."""
    spec = file_spec(dataset, filename)
    looked: list[str] = []
    candidates = [raw_dir() / dataset / filename]
    mirror = mirror_dir()
    if mirror is not None:
        candidates.append(mirror / dataset / filename)
    else:
        looked.append("mirror: none (set ANALYSIS_DATA_MIRROR, or place the data at ../shared/data)")
    for path in candidates:
        if not path.exists():
            looked.append(f"{path} (not found)")
            continue
        actual = sha256_file(path)
        if actual == spec.sha256:
            _record(spec)
            return path
        looked.append(f"{path} (sha256 {actual} does not match)")
    if spec.url and download:
        dest = raw_dir() / dataset / filename
        try:
            _download(spec, dest)
        except DataSourceError as exc:
            looked.append(f"{spec.url} ({exc})")
        else:
            _record(spec)
            return dest
    elif not spec.url:
        looked.append("download: no public URL for these exact bytes is listed")
    raise DataSourceError(
        f"Cannot find a verified copy of dataset {dataset!r}, file {filename!r}.\n"
        f"  expected sha256: {spec.sha256}\n  looked in:\n    - " + "\n    - ".join(looked)
    )


def dataset_meta(dataset: str) -> dict:
    datasets = manifest()
    if dataset not in datasets:
        raise DataSourceError(f"Unknown dataset {dataset!r} (not in {manifest_path()}).")
    return {k: v for k, v in datasets[dataset].items() if k != "files"}


__all__ = [
    "CACHE_DIR",
    "DataSourceError",
    "FileSpec",
    "dataset_meta",
    "file_spec",
    "inputs_read",
    "manifest",
    "mirror_dir",
    "resolve",
    "sha256_file",
]
