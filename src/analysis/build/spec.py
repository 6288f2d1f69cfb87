"""What a build is asked to do: the chapters of the book and the parameters of one edition.

The chapters are data (``book/chapters.yml``); the parameters (ICB, IMD version) are validated
here against closed lists before anything runs, so papermill only ever receives values from
those lists and no parameter can inject code into a notebook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import geography
from ..paths import BOOK_DIR, ROOT
from ..sources import reference_date  # re-exported: analysis.build.reference_date

IMD_VERSIONS = (2019, 2025)
DEFAULT_IMD_VERSION = 2019


class BuildError(RuntimeError):
    """The build stopped; the message says which chapter, cell or step, and why."""


class ParameterError(ValueError):
    """A build parameter is not valid; the message lists what is."""


# ----------------------------------------------------------------------------- chapters


@dataclass(frozen=True)
class ChapterSpec:
    id: str
    title: str
    notebook: Path


@dataclass
class BookSpec:
    chapters: list[ChapterSpec]
    prepare: list[str] = field(default_factory=list)


def load_book_spec(path: Path | None = None) -> BookSpec:
    """The chapters of the book: ``book/chapters.yml``, or the file named by ANALYSIS_BOOK_SPEC
    (tests use it to build a tiny book through the real command line)."""
    env = os.environ.get("ANALYSIS_BOOK_SPEC")
    path = path or (Path(env) if env else BOOK_DIR / "chapters.yml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("chapters"), list) or not doc["chapters"]:
        raise BuildError(f"{path}: expected a mapping with a non-empty list under 'chapters'.")
    _only_keys(path, "the book", doc, _BOOK_KEYS)
    chapters = []
    for i, c in enumerate(doc["chapters"], 1):
        if not isinstance(c, dict):
            raise BuildError(f"{path}: chapter {i} must be a mapping with keys {', '.join(_CHAPTER_KEYS)}.")
        _only_keys(path, f"chapter {c.get('id', i)!r}", c, _CHAPTER_KEYS, required=True)
        nb = ROOT / c["notebook"]
        if not nb.exists():
            raise BuildError(f"{path}: chapter {c['id']!r} names notebook {nb}, which does not exist.")
        chapters.append(ChapterSpec(c["id"], c["title"], nb))
    return BookSpec(chapters, list(doc.get("prepare") or []))


_BOOK_KEYS = ("prepare", "chapters")
_CHAPTER_KEYS = ("id", "title", "notebook")


def _only_keys(path: Path, what: str, doc: dict, allowed: tuple[str, ...], required: bool = False) -> None:
    """A key the build does not read is refused, not ignored: a misspelt or retired setting would
    otherwise change nothing without a word."""
    unknown = sorted(set(doc) - set(allowed))
    if unknown:
        raise BuildError(f"{path}: {what} has key(s) {', '.join(unknown)}; the keys read are {', '.join(allowed)}.")
    missing = [k for k in allowed if k not in doc] if required else []
    if missing:
        raise BuildError(f"{path}: {what} lacks key(s) {', '.join(missing)}.")


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Params:
    icb: geography.ICB
    imd_version: int

    def for_chapter(self, chapter: ChapterSpec) -> dict:
        # Only validated values from closed lists reach papermill.
        return {
            "icb_code": self.icb.ods_code,
            "imd_version": int(self.imd_version),
            "data_dir": f"data/{chapter.id}",
            "reference_date": reference_date().isoformat(),
        }


def validate_params(icb: str, imd_version: int | str = DEFAULT_IMD_VERSION) -> Params:
    try:
        found = geography.find_icb(icb)
    except geography.UnknownICBError as exc:
        raise ParameterError(str(exc)) from exc
    try:
        v = int(str(imd_version).strip())
    except ValueError:
        v = -1
    if v not in IMD_VERSIONS:
        raise ParameterError(f"Invalid IMD version {imd_version!r}: choose one of {', '.join(map(str, IMD_VERSIONS))}.")
    return Params(found, v)
