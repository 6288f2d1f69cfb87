"""Each chapter's headline figures, declared once.

``src/analysis/registry/headlines/<chapter>.yml`` lists a chapter's headline figures: key, label,
unit, plausible range, the evidence on the page that supports it, whether higher is better, and
(optionally) how the all-ICB comparison page shows it. The chapter (:meth:`analysis.report.Chapter.
headline`), the key findings page, the all-ICB comparison, ``python -m analysis check`` and the
tests all read it from here, so a label or range is changed in one place.

The file ships with the package: it is part of the code fingerprint that keys the chapter cache,
so editing a label re-runs the chapter that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REGISTRY_DIR = Path(__file__).resolve().parent / "registry" / "headlines"
UNITS = (
    "count",
    "%",
    "percentage points",
    "years",
    "per 1,000",
    "per 100,000",
    "minutes",
    "ratio",
    "score",
    "rank",
    "number",
)


class RegistryError(ValueError):
    """A headline registry entry is unusable; the message names the file, the key and why."""


@dataclass(frozen=True)
class HeadlineSpec:
    chapter: str
    key: str
    label: str
    unit: str
    lo: float
    hi: float
    evidence: str
    higher_is_better: bool | None
    compare: str | None = None  # label on the all-ICB landing page; None: not compared
    compare_note: str = ""
    dp: int = 1
    #: shown on the key findings page (false: kept in headline.json, the check and the comparison,
    #: but left off the page a board prints, which must fit two A4 pages)
    key_finding: bool = True


def _fail(path: Path, key: str, why: str) -> RegistryError:
    return RegistryError(f"{path.name}, headline {key!r}: {why}")


@cache
def registry(chapter: str) -> dict[str, HeadlineSpec]:
    """The headline figures declared for ``chapter`` (empty if it has no registry file)."""
    path = REGISTRY_DIR / f"{chapter}.yml"
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = doc.get("headlines")
    if not isinstance(entries, dict) or not entries:
        raise RegistryError(f"{path}: expected a 'headlines' mapping of key -> entry")
    out = {}
    for key, e in entries.items():
        if not isinstance(e, dict):
            raise _fail(path, key, "the entry must be a mapping")
        for field in ("label", "unit", "range", "evidence"):
            if not e.get(field) and e.get(field) != 0:
                raise _fail(path, key, f"'{field}' is missing")
        if e["unit"] not in UNITS:
            raise _fail(path, key, f"unit {e['unit']!r} is not one of {', '.join(UNITS)}")
        rng = e["range"]
        if not (
            isinstance(rng, list)
            and len(rng) == 2
            and all(isinstance(x, (int, float)) for x in rng)
            and rng[0] < rng[1]
        ):
            raise _fail(path, key, f"range must be [low, high] with low < high, got {rng!r}")
        hib = e.get("higher_is_better")
        if hib not in (True, False, None):
            raise _fail(path, key, "higher_is_better must be true, false or null (neither)")
        if e.get("key_finding", True) not in (True, False):
            raise _fail(path, key, "key_finding must be true or false")
        if not str(e["evidence"]).startswith(("figure-", "table-", "section-")):
            raise _fail(
                path, key, "evidence must be an anchor on the page: figure-<name>, table-<name> or section-<name>"
            )
        out[key] = HeadlineSpec(
            chapter,
            key,
            str(e["label"]),
            str(e["unit"]),
            float(rng[0]),
            float(rng[1]),
            str(e["evidence"]),
            hib,
            e.get("compare"),
            str(e.get("compare_note", "")),
            int(e.get("dp", 1)),
            bool(e.get("key_finding", True)),
        )
    return out


def spec(chapter: str, key: str, *, required: bool = True) -> HeadlineSpec | None:
    """The declared headline ``key`` of ``chapter``; with ``required``, an error if undeclared."""
    found = registry(chapter).get(key)
    if found is None and required:
        path = REGISTRY_DIR / f"{chapter}.yml"
        known = ", ".join(registry(chapter)) or "none"
        raise RegistryError(f"headline {key!r} of chapter {chapter!r} is not declared in {path} (declared: {known})")
    return found


def ranges(chapter: str) -> dict[str, tuple[float, float]]:
    """{key: (low, high)} plausible ranges of a chapter's headline figures."""
    return {k: (s.lo, s.hi) for k, s in registry(chapter).items()}


def compared(chapters: list[str]) -> list[HeadlineSpec]:
    """The headline figures shown on the all-ICB comparison page, in chapter order."""
    return [s for ch in chapters for s in registry(ch).values() if s.compare]


__all__ = ["HeadlineSpec", "REGISTRY_DIR", "RegistryError", "UNITS", "compared", "ranges", "registry", "spec"]
