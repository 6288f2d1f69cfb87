"""National NHS objectives as data: which target is in force for a period, and its words.

The objectives live in one file, ``registry/objectives.yml`` beside this module (why there is
said at the top of that file). :func:`load_registry` reads and validates it; a bad entry is an
:class:`ObjectivesError` naming the file, the entry and what was expected.

A planning year runs from 1 April to 31 March: "2023/24" covers April 2023 to March 2024.
:func:`objective_in_force` returns the objective whose planning year covers a data period's
end, or says plainly why there is none (no objective for that measure that year, a number that
could not be confirmed, or a year the file does not reach). Target text ("76% by March 2024",
"92% or below", "30 minutes or less on average across 2023/24") is generated from the numbers
by :attr:`Objective.target_text`; no chapter types it.

Public: :class:`Objective`, :class:`InForce`, :class:`MeasureInfo`, :class:`Source`,
:class:`Registry`, :class:`ObjectivesError`, :func:`load_registry`, :func:`objectives`,
:func:`objective_in_force`, :func:`standard`, :func:`measure_info`, :func:`measured_by`,
:func:`related_objectives`, :func:`planning_year_of`,
:func:`as_date`, :data:`REGISTRY_FILE`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

REGISTRY_FILE = Path(__file__).resolve().parent / "registry" / "objectives.yml"

POLARITIES = ("higher_is_better", "lower_is_better", "neither")
#: at_least: value >= target; at_most: value <= target; below: value < target (strictly).
DIRECTIONS = ("at_least", "at_most", "below")
#: by: by the deadline; in_month: in the deadline month; across_year: the planning year's average.
TIMINGS = ("by", "in_month", "across_year")


class ObjectivesError(ValueError):
    """The objectives file is unusable; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    date: dt.date | None
    url: str
    date_note: str = ""
    checked_against: str = ""

    @property
    def citation(self) -> str:
        """'NHS England, 2023/24 priorities and operational planning guidance (23 December 2022)'."""
        when = f" ({self.date.day} {self.date:%B %Y})" if self.date else ""
        return f"{self.publisher}, {self.title}{when}"


@dataclass(frozen=True)
class MeasureInfo:
    key: str
    label: str
    unit: str
    polarity: str


@dataclass(frozen=True)
class Objective:
    """One national objective (or standing standard) of the registry."""

    id: str
    planning_year: str | None  # "2023/24"; None for a standing standard
    area: str
    objective: str
    measure: str | None
    target: float | None
    unit: str | None
    direction: str | None
    deadline: str | None  # "2024-03" or "2028"
    timing: str | None
    no_target_reason: str
    source: Source
    no: int | None = None
    #: a measure the book computes on the same subject that does not measure this objective, and
    #: why (``related:`` in the file), so a chapter can say what that measure's chart leaves out
    related_measure: str | None = None
    related_note: str = ""

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @property
    def start(self) -> pd.Timestamp | None:
        return None if self.planning_year is None else _year_bounds(self.planning_year)[0]

    @property
    def end(self) -> pd.Timestamp | None:
        return None if self.planning_year is None else _year_bounds(self.planning_year)[1]

    def covers(self, when: object) -> bool:
        """Whether the planning year covers the date ``when`` (a standard covers every date)."""
        if self.planning_year is None:
            return True
        t = as_date(when, "when")
        return bool(self.start <= t <= self.end)

    @property
    def deadline_end(self) -> pd.Timestamp | None:
        """Last day of the deadline month (or year)."""
        if self.deadline is None:
            return None
        if len(self.deadline) == 4:
            return pd.Timestamp(f"{self.deadline}-12-31")
        return pd.Period(self.deadline, freq="M").end_time.normalize()

    @property
    def deadline_text(self) -> str:
        if self.deadline is None:
            return ""
        if len(self.deadline) == 4:
            return self.deadline
        return f"{pd.Period(self.deadline, freq='M'):%B %Y}"

    @property
    def target_number_text(self) -> str:
        """The number with its unit and the side that passes: '76%', '92% or below', 'none'."""
        if self.target is None:
            return "no numeric target"
        t = self.target
        if self.unit == "%":
            num = f"{t:g}%"
        elif self.unit == "count":
            num = f"{t:,.0f}"
        else:
            num = f"{t:g} {self.unit}"
        if self.direction == "at_least":
            return num
        if self.direction == "below":
            return f"under {num}"
        if t == 0:
            return "none"
        return f"{num} or {'below' if self.unit == '%' else 'fewer' if self.unit == 'count' else 'less'}"

    @property
    def target_text(self) -> str:
        """The target in words, generated from the numbers: '76% by March 2024', '92% or below',
        '30 minutes or less on average across 2023/24', 'none by March 2024',
        'no numeric target'."""
        text = self.target_number_text
        if self.target is None:
            return text
        if self.timing == "by":
            return f"{text} by {self.deadline_text}"
        if self.timing == "in_month":
            return f"{text} in {self.deadline_text}"
        if self.timing == "across_year":
            return f"{text} on average across {self.planning_year}"
        return text

    def passes(self, value: float) -> bool:
        """Whether ``value`` meets the numeric target (raises if there is none)."""
        if self.target is None:
            raise ObjectivesError(f"objective {self.id!r} has no numeric target ({self.no_target_reason})")
        if self.direction == "at_least":
            return value >= self.target
        if self.direction == "at_most":
            return value <= self.target
        return value < self.target


@dataclass(frozen=True)
class InForce:
    """Answer of :func:`objective_in_force`: the objective, or ``None`` and why."""

    measure: str
    period_end: pd.Timestamp
    planning_year: str
    objective: Objective | None
    reason: str

    def __bool__(self) -> bool:
        return self.objective is not None

    @property
    def target_text(self) -> str:
        return self.objective.target_text if self.objective is not None else "no objective in force"


@dataclass(frozen=True)
class Registry:
    path: Path
    measures: dict[str, MeasureInfo]
    sources: dict[str, Source]
    objectives: tuple[Objective, ...]
    standards: tuple[Objective, ...]
    not_entered: dict[tuple[str, str], str]  # (planning_year, measure) -> reason
    #: objective id -> the publication that measures it (or would, where the book does not)
    measured_by: dict[str, str] = field(default_factory=dict)

    @property
    def planning_years(self) -> list[str]:
        return sorted({o.planning_year for o in self.objectives if o.planning_year})


# ----------------------------------------------------------------------------- helpers


def as_date(when: object, name: str, error: type[Exception] | None = None) -> pd.Timestamp:
    """``when`` as a (timezone-free) Timestamp, or ``error`` (default :class:`ObjectivesError`)
    naming ``name``. Text must be an ISO date: pandas alone reads "March" as March of the
    current year, which would make a build's words depend on the day it ran."""
    error = error or ObjectivesError
    if when is None or (isinstance(when, float) and when != when):
        raise error(f"{name} is missing; give a date")
    if isinstance(when, str) and not re.match(r"^\d{4}-\d{2}(-\d{2})?([ T].*)?$", when.strip()):
        raise error(f"{name} must be a date (YYYY-MM-DD), got {when!r}")
    try:
        t = pd.Timestamp(when)
    except (TypeError, ValueError):
        raise error(f"{name} must be a date (YYYY-MM-DD), got {when!r}") from None
    if pd.isna(t):
        raise error(f"{name} is missing (NaT); give a date")
    return t.tz_localize(None) if t.tzinfo else t


_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def _year_bounds(planning_year: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    m = _YEAR.match(str(planning_year))
    if not m:
        raise ObjectivesError(f"planning year must look like '2023/24', got {planning_year!r}")
    start = int(m.group(1))
    if (start + 1) % 100 != int(m.group(2)):
        raise ObjectivesError(f"planning year {planning_year!r}: the second year must follow the first")
    return pd.Timestamp(f"{start}-04-01"), pd.Timestamp(f"{start + 1}-03-31 23:59:59.999999")


def planning_year_of(when: object) -> str:
    """The NHS planning (financial) year a date falls in: 2024-03-31 -> '2023/24'."""
    t = as_date(when, "when")
    start = t.year if t.month >= 4 else t.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


# ----------------------------------------------------------------------------- loading


class _Entry:
    """Reads one mapping of the file, raising errors that name the file and the entry."""

    def __init__(self, path: Path, where: str, raw: object):
        self.path, self.where = path, where
        if not isinstance(raw, dict):
            self.fail(f"expected a mapping of fields, got {type(raw).__name__}")
        self.raw = raw

    def fail(self, problem: str):
        raise ObjectivesError(f"{self.path.name}: {self.where}: {problem}")

    def text(self, key: str, *, required: bool = True) -> str | None:
        v = self.raw.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.fail(f"field {key!r} is missing or empty")
            return None
        if not isinstance(v, str):
            self.fail(f"field {key!r} must be text, got {v!r}")
        return " ".join(v.split())

    def planning_year(self, key: str = "planning_year") -> str:
        year = self.text(key)
        try:
            _year_bounds(year)
        except ObjectivesError as exc:
            self.fail(str(exc))
        return year

    def choice(self, key: str, options: tuple[str, ...], *, required: bool = True) -> str | None:
        v = self.raw.get(key)
        if v is None and not required:
            return None
        if v not in options:
            self.fail(f"field {key!r} must be one of {', '.join(options)}; got {v!r}")
        return v

    def number(self, key: str) -> float | None:
        v = self.raw.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
            self.fail(f"field {key!r} must be a finite number or null, got {v!r}")
        return float(v)


def _parse_source(path: Path, key: str, raw: object) -> Source:
    e = _Entry(path, f"sources.{key}", raw)
    date = e.raw.get("date")
    if date is not None and not isinstance(date, dt.date):
        e.fail(f"field 'date' must be a date written YYYY-MM-DD, got {date!r}")
    note = e.text("date_note", required=False) or ""
    if date is None and not note:
        e.fail("give a publication 'date' (YYYY-MM-DD), or a 'date_note' saying why there is none")
    url = e.text("url")
    if not re.match(r"^https?://\S+$", url):
        e.fail(f"field 'url' must be a web address, got {url!r}")
    return Source(
        key=key,
        title=e.text("title"),
        publisher=e.text("publisher"),
        date=date,
        url=url,
        date_note=note,
        checked_against=e.text("checked_against", required=False) or "",
    )


def _parse_related(e: _Entry, measure: str | None, measures: dict[str, MeasureInfo]) -> tuple[str | None, str]:
    raw = e.raw.get("related")
    if raw is None:
        return None, ""
    r = _Entry(e.path, f"{e.where}, related", raw)
    m = r.text("measure")
    if m not in measures:
        r.fail(f"measure {m!r} is not declared under 'measures:'")
    if m == measure:
        r.fail(f"{m!r} is the objective's own measure; 'related' names a measure that does not measure it")
    return m, r.text("note")


def _parse_objective(
    path: Path, where: str, raw: object, measures: dict[str, MeasureInfo], sources: dict[str, Source], *, standing: bool
) -> Objective:
    e = _Entry(path, where, raw)
    oid = e.text("id")
    e.where = f"{where} (id {oid!r})"
    year = None if standing else e.planning_year()
    measure = e.raw.get("measure")
    if measure is not None and measure not in measures:
        e.fail(f"measure {measure!r} is not declared under 'measures:' ({', '.join(measures)})")
    src = e.text("source")
    if src not in sources:
        e.fail(f"source {src!r} is not declared under 'sources:' ({', '.join(sources)})")
    target = e.number("target")
    no = e.raw.get("number")
    if no is not None and (isinstance(no, bool) or not isinstance(no, int)):
        e.fail(f"field 'number' must be a whole number, got {no!r}")
    if False in e.raw:
        # YAML 1.1 reads a bare `no:` key as False
        e.fail("a key reads as false (a bare 'no:'?); the objective's number is 'number:'")
    related_measure, related_note = _parse_related(e, measure, measures)
    if target is None:
        reason = e.text("no_target_reason", required=False)
        if not reason:
            e.fail("an objective without a numeric target needs 'no_target_reason' saying why")
        for k in ("unit", "direction", "deadline", "timing"):
            if e.raw.get(k) is not None:
                e.fail(f"field {k!r} is given but there is no target")
        return Objective(
            oid,
            year,
            e.text("area"),
            e.text("objective"),
            measure,
            None,
            None,
            None,
            None,
            None,
            reason,
            sources[src],
            no,
            related_measure,
            related_note,
        )
    if e.raw.get("no_target_reason"):
        e.fail("'no_target_reason' is given but so is a target")
    unit = e.text("unit")
    direction = e.choice("direction", DIRECTIONS)
    if measure is not None:
        info = measures[measure]
        if unit != info.unit:
            e.fail(f"unit {unit!r} differs from measure {measure!r}'s unit {info.unit!r}")
        expected = {"higher_is_better": ("at_least",), "lower_is_better": ("at_most", "below")}.get(info.polarity, ())
        if direction not in expected:
            e.fail(f"direction {direction!r} does not fit measure {measure!r}, where {info.polarity.replace('_', ' ')}")
    if unit == "%" and not 0 <= target <= 100:
        e.fail(f"a percentage target must be between 0 and 100, got {target:g}")
    if target < 0:
        e.fail(f"target must not be negative, got {target:g}")
    deadline = e.raw.get("deadline")
    timing = e.choice("timing", TIMINGS, required=False)
    if standing:
        if deadline is not None or timing is not None:
            e.fail("a standing standard has no deadline or timing")
    else:
        if deadline is not None:
            deadline = str(deadline)
            if not re.match(r"^\d{4}(-(0[1-9]|1[0-2]))?$", deadline):
                e.fail(f"deadline must be YYYY-MM or YYYY, got {deadline!r}")
        if timing in ("by", "in_month") and deadline is None:
            e.fail(f"timing {timing!r} needs a deadline")
        if timing == "in_month" and len(deadline) != 7:
            e.fail("timing 'in_month' needs a deadline month (YYYY-MM)")
        if timing is None and deadline is not None:
            e.fail("a deadline is given without a timing (by, in_month or across_year)")
        if timing == "across_year" and deadline is not None:
            end = _year_bounds(year)[1]
            if pd.Period(deadline, freq="M").end_time.normalize() != end.normalize():
                e.fail(f"timing 'across_year' needs the deadline at the planning year's end ({end:%Y-%m})")
    return Objective(
        oid,
        year,
        e.text("area"),
        e.text("objective"),
        measure,
        target,
        unit,
        direction,
        deadline,
        timing,
        "",
        sources[src],
        no,
        related_measure,
        related_note,
    )


def _parse(path: Path, text: str) -> Registry:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ObjectivesError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ObjectivesError(f"{path.name}: expected sections measures, sources, objectives, standards")
    for section in ("measures", "sources", "objectives"):
        if not data.get(section):
            raise ObjectivesError(f"{path.name}: section {section!r} is missing or empty")

    measures = {}
    for key, raw in data["measures"].items():
        e = _Entry(path, f"measures.{key}", raw)
        measures[key] = MeasureInfo(key, e.text("label"), e.text("unit"), e.choice("polarity", POLARITIES))
    sources = {key: _parse_source(path, key, raw) for key, raw in data["sources"].items()}

    objs = tuple(
        _parse_objective(path, f"objectives[{i}]", raw, measures, sources, standing=False)
        for i, raw in enumerate(data["objectives"])
    )
    stds = tuple(
        _parse_objective(path, f"standards[{i}]", raw, measures, sources, standing=True)
        for i, raw in enumerate(data.get("standards") or [])
    )
    seen: dict[str, int] = {}
    for i, o in enumerate(objs + stds):
        if o.id in seen:
            raise ObjectivesError(f"{path.name}: id {o.id!r} is used twice")
        seen[o.id] = i
    pairs: dict[tuple[str, str], str] = {}
    for o in objs:
        if o.measure is None:
            continue
        key = (o.planning_year, o.measure)
        if key in pairs:
            raise ObjectivesError(
                f"{path.name}: objectives {pairs[key]!r} and {o.id!r} both give measure "
                f"{o.measure!r} for {o.planning_year}; keep one objective per measure and year"
            )
        pairs[key] = o.id
    std_measures = [s.measure for s in stds if s.measure]
    if len(std_measures) != len(set(std_measures)):
        raise ObjectivesError(f"{path.name}: more than one standing standard for the same measure")

    not_entered = {}
    for i, raw in enumerate(data.get("not_entered") or []):
        e = _Entry(path, f"not_entered[{i}]", raw)
        year = e.planning_year()
        m = e.raw.get("measure")
        if m not in measures:
            e.fail(f"measure {m!r} is not declared under 'measures:'")
        if (year, m) in pairs:
            e.fail(f"{m!r} has an objective for {year} ({pairs[(year, m)]!r}); it cannot also be not entered")
        not_entered[(year, m)] = e.text("reason")
    measured_by = {}
    raw_by = data.get("measured_by") or {}
    if not isinstance(raw_by, dict):
        raise ObjectivesError(
            f"{path.name}: 'measured_by' must map objective ids to the publication that measures each"
        )
    for oid, text in raw_by.items():
        if oid not in seen:
            raise ObjectivesError(f"{path.name}: measured_by: {oid!r} is not the id of an objective or standard")
        if not isinstance(text, str) or not text.strip():
            raise ObjectivesError(f"{path.name}: measured_by.{oid}: expected the name of a publication, got {text!r}")
        measured_by[str(oid)] = " ".join(text.split())
    return Registry(path, measures, sources, objs, stds, not_entered, measured_by)


@lru_cache(maxsize=8)
def _cached(path: str, text: str) -> Registry:
    return _parse(Path(path), text)


def load_registry(path: Path | str | None = None) -> Registry:
    """Read and validate the objectives file (default :data:`REGISTRY_FILE`); parsed once per
    distinct content, so an edited file is re-read."""
    p = Path(path) if path is not None else REGISTRY_FILE
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ObjectivesError(f"objectives file not found: {p}") from None
    return _cached(str(p), text)


# ----------------------------------------------------------------------------- queries


def _check_measure(reg: Registry, measure: str) -> MeasureInfo:
    if measure not in reg.measures:
        raise ObjectivesError(f"unknown measure {measure!r}; the objectives file declares {', '.join(reg.measures)}")
    return reg.measures[measure]


def measure_info(measure: str, *, path: Path | str | None = None) -> MeasureInfo:
    """Label, unit and polarity of a declared measure."""
    return _check_measure(load_registry(path), measure)


def objectives(
    measure: str | None = None, planning_year: str | None = None, *, path: Path | str | None = None
) -> list[Objective]:
    """Objectives of the registry, optionally for one measure and/or one planning year, in
    planning-year order."""
    reg = load_registry(path)
    if measure is not None:
        _check_measure(reg, measure)
    if planning_year is not None:
        _year_bounds(planning_year)
    out = [
        o
        for o in reg.objectives
        if (measure is None or o.measure == measure) and (planning_year is None or o.planning_year == planning_year)
    ]
    return sorted(out, key=lambda o: (o.planning_year, o.no or 0, o.id))


def measured_by(objective_id: str, *, path: Path | str | None = None) -> str:
    """The publication that measures an objective (or would, where the book does not), from the
    file's ``measured_by`` section; "" when the file names none."""
    reg = load_registry(path)
    if objective_id not in {o.id for o in reg.objectives + reg.standards}:
        raise ObjectivesError(f"unknown objective id {objective_id!r}")
    return reg.measured_by.get(objective_id, "")


def related_objectives(measure: str, *, path: Path | str | None = None) -> list[Objective]:
    """Objectives on the subject of ``measure`` that it does not measure (their ``related`` entry),
    in planning-year order: what a chart of the measure cannot judge, and why."""
    reg = load_registry(path)
    _check_measure(reg, measure)
    return sorted(
        (o for o in reg.objectives if o.related_measure == measure), key=lambda o: (o.planning_year, o.no or 0, o.id)
    )


def standard(measure: str, *, path: Path | str | None = None) -> Objective | None:
    """The standing (NHS Constitution) standard for a measure, or None."""
    reg = load_registry(path)
    _check_measure(reg, measure)
    return next((s for s in reg.standards if s.measure == measure), None)


def objective_in_force(measure: str, period_end: object, *, path: Path | str | None = None) -> InForce:
    """The national objective for ``measure`` whose planning year covers ``period_end``.

    ``InForce.objective`` is None when there is none, and ``InForce.reason`` says why in a
    sentence a chapter can print: no objective for the measure is recorded for that planning
    year, its number could not be confirmed (``not_entered``, with the reason), or the file
    does not reach that year (the latest earlier objective is named). An objective without a numeric target is returned (its
    ``target_text`` is "no numeric target"; ``no_target_reason`` says why).
    """
    reg = load_registry(path)
    info = _check_measure(reg, measure)
    t = as_date(period_end, "period_end")
    year = planning_year_of(t)
    hit = [o for o in reg.objectives if o.measure == measure and o.planning_year == year]
    if hit:
        o = hit[0]
        why = (
            f"the {year} objective: {o.target_text}"
            if o.has_target
            else f"the {year} objective has no numeric target: {o.no_target_reason}"
        )
        return InForce(measure, t, year, o, why)
    label = info.label[:1].lower() + info.label[1:] if not info.label[:3].isupper() else info.label
    if (year, measure) in reg.not_entered:
        return InForce(
            measure, t, year, None, f"no {year} objective for {label} is entered: {reg.not_entered[(year, measure)]}"
        )
    years = reg.planning_years
    if year > years[-1]:
        earlier = [o for o in reg.objectives if o.measure == measure and o.planning_year < year]
        latest = max(earlier, key=lambda o: o.planning_year) if earlier else None
        tail = (
            f"; the latest recorded is {latest.target_text} ({latest.planning_year})"
            if latest and latest.has_target
            else f"; the latest recorded is the {latest.planning_year} objective, with no numeric target"
            if latest
            else ""
        )
        return InForce(
            measure,
            t,
            year,
            None,
            f"no objective for {label} is recorded for {year}: the objectives file covers "
            f"{years[0]} to {years[-1]}{tail}",
        )
    if year < years[0]:
        return InForce(
            measure,
            t,
            year,
            None,
            f"no objective for {label} is recorded for {year}: the objectives file starts in {years[0]}",
        )
    return InForce(measure, t, year, None, f"no national objective for {label} is recorded for {year}")


__all__ = [
    "DIRECTIONS",
    "InForce",
    "MeasureInfo",
    "Objective",
    "ObjectivesError",
    "POLARITIES",
    "REGISTRY_FILE",
    "Registry",
    "Source",
    "TIMINGS",
    "as_date",
    "load_registry",
    "measure_info",
    "measured_by",
    "objective_in_force",
    "objectives",
    "planning_year_of",
    "related_objectives",
    "standard",
]
