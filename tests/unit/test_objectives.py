"""National objectives as data (analysis.objectives, registry/objectives.yml): the loader's
validation, objective_in_force, generated target text, and agreement with the seed plans and
with the targets the chapters still hold in code."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import objectives as ob

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "docs" / "seeds"


def _seed_objectives() -> dict[int, str]:
    """The 31 national objectives, numbered, from the Staffordshire and Stoke-on-Trent plan's
    appendix one (one per line: number, tab, text)."""
    path = SEEDS / "003_12d384e4dd9aae28.txt"
    if not path.exists():
        pytest.fail(f"seed plan {path} is missing (shared/docs/seeds)")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+)\t(.+?)(\t.*)?$", line)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


# ----------------------------------------------------------------------------- the file itself


def test_registry_loads_and_holds_the_2023_24_set():
    reg = ob.load_registry()
    y2324 = ob.objectives(planning_year="2023/24")
    assert sorted(o.no for o in y2324) == list(range(1, 32))
    assert reg.planning_years == ["2023/24", "2024/25", "2025/26"]
    for o in reg.objectives:
        assert o.source.url.startswith("https://")
        assert o.has_target or o.no_target_reason


def test_2023_24_targets_are_the_seed_plans_numbers():
    seed = _seed_objectives()
    assert len(seed) == 31
    healthwatch = (SEEDS / "000_1b648a4562894a9a.txt").read_text(encoding="utf-8")
    for o in ob.objectives(planning_year="2023/24"):
        text = seed[o.no]
        if not o.has_target:
            continue
        if o.unit == "%":
            token = f"{o.target:g}%"
        elif o.unit == "count":
            token = "Eliminate" if o.target == 0 else f"{o.target:,.0f}"
        else:
            token = f"{o.target:g} {o.unit.split()[0]}"
        assert token in text, (o.id, token, text)
        if o.timing == "by" and len(o.deadline) == 7:
            month = o.deadline_text
            # the Staffordshire appendix cuts objective 27 short ("by March"); Healthwatch's copy has the year
            assert month in text or month in " ".join(healthwatch.split()), (o.id, month)


def test_target_text_is_generated_from_the_numbers():
    def text(measure, when):
        return ob.objective_in_force(measure, when).target_text

    assert text("ae_4h", "2024-03-31") == "76% by March 2024"
    assert text("ae_4h", "2026-03-31") == "78% in March 2026"
    assert text("ambulance_c2", "2023-07-31") == "30 minutes or less on average across 2023/24"
    assert text("beds_ga", "2023-07-31") == "92% or below"
    assert text("rtt_65w", "2024-03-31") == "none by March 2024"
    assert text("rtt_52w_share", "2026-03-31") == "under 1% by March 2026"
    assert text("rtt_18w", "2025-06-30") == "65% by March 2026"
    assert text("cancer_early_stage", "2024-01-31") == "75% by 2028"
    assert text("dementia", "2023-12-31") == "66.7%"
    assert text("gp_2weeks", "2023-12-31") == "no numeric target"
    assert ob.standard("rtt_18w").target_text == "92%"
    assert ob.standard("ae_4h") is None


# ----------------------------------------------------------------------------- objective_in_force


def test_planning_year_boundaries():
    assert ob.planning_year_of("2024-03-31") == "2023/24"
    assert ob.planning_year_of("2024-04-01") == "2024/25"
    assert ob.planning_year_of(pd.Timestamp("2000-01-15")) == "1999/00"
    assert ob.objective_in_force("cancer_fds", "2024-03-31").objective.target == 75
    assert ob.objective_in_force("cancer_fds", "2024-04-01").objective.target == 77
    assert ob.objective_in_force("cancer_fds", "2026-03-31 12:00").objective.target == 80


def test_no_objective_in_force_is_a_clear_answer():
    later = ob.objective_in_force("ae_4h", "2026-04-30")
    assert not later and later.objective is None and later.planning_year == "2026/27"
    assert later.reason == (
        "no objective for A&E: patients seen within 4 hours is recorded for 2026/27: the "
        "objectives file covers 2023/24 to 2025/26; the latest recorded is 78% in March 2026 "
        "(2025/26)"
    )
    assert later.target_text == "no objective in force"
    early = ob.objective_in_force("ambulance_c2", "2021-01-31")
    assert not early and "starts in 2023/24" in early.reason
    unconfirmed = ob.objective_in_force("hypertension", "2024-09-30")
    assert not unconfirmed and "could not be confirmed" in unconfirmed.reason
    none = ob.objective_in_force("rtt_18w", "2023-09-30")
    assert not none and none.reason.startswith("no national objective for patients waiting under 18 weeks")
    with pytest.raises(ob.ObjectivesError, match="unknown measure 'ae4h'"):
        ob.objective_in_force("ae4h", "2024-01-31")
    with pytest.raises(ob.ObjectivesError, match="period_end must be a date \\(YYYY-MM-DD\\)"):
        ob.objective_in_force("ae_4h", "March")


def test_objective_passes_and_covers():
    ae = ob.objective_in_force("ae_4h", "2023-06-30").objective
    assert ae.passes(76.0) and not ae.passes(75.99)
    assert ae.covers("2023-04-01") and ae.covers("2024-03-31") and not ae.covers("2024-04-01")
    assert ae.deadline_end == pd.Timestamp("2024-03-31")
    with pytest.raises(ob.ObjectivesError, match="no numeric target"):
        ob.objective_in_force("iapt_access", "2023-06-30").objective.passes(1.0)


# ----------------------------------------------------------------------------- agreement with code


def test_scorecard_measures_are_declared_with_the_same_unit_and_direction():
    from analysis.chapters.scorecard import MEASURES

    reg = ob.load_registry()
    to_polarity = {"increase": "higher_is_better", "decrease": "lower_is_better", "neither": "neither"}
    for key, spec in MEASURES.items():
        assert key in reg.measures, key
        assert reg.measures[key].unit == spec.unit, key
        assert reg.measures[key].polarity == to_polarity[spec.improvement], key


def test_chapters_type_no_targets():
    """The chapters read targets from the objectives registry; none types its own."""
    import analysis.chapters.waiting_lists as wl
    from analysis.chapters import scorecard

    assert not any(hasattr(spec, "target") for spec in scorecard.MEASURES.values())
    assert not hasattr(wl, "TARGETS")


def test_every_numbered_objective_names_the_publication_that_measures_it():
    for o in ob.objectives(planning_year="2023/24"):
        assert len(ob.measured_by(o.id)) > 10, o.id
    assert "backlog" in ob.measured_by("2023-24-10")  # not the 62-day % standard the book computes
    with pytest.raises(ob.ObjectivesError, match="unknown objective id"):
        ob.measured_by("2023-24-99")


# ----------------------------------------------------------------------------- validation


def _write(tmp_path, mutate) -> Path:
    data = yaml.safe_load(ob.REGISTRY_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "objectives.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _first(data, oid):
    return next(o for o in data["objectives"] if o["id"] == oid)


BAD_ENTRIES = [
    (
        lambda d: _first(d, "2023-24-01").update(measure="ae4h"),
        r"objectives\[0\] \(id '2023-24-01'\): measure 'ae4h' is not declared",
    ),
    (
        lambda d: _first(d, "2023-24-01").update(unit="minutes"),
        r"id '2023-24-01'\): unit 'minutes' differs from measure 'ae_4h'",
    ),
    (
        lambda d: _first(d, "2023-24-01").update(direction="at_most"),
        r"direction 'at_most' does not fit measure 'ae_4h', where higher is better",
    ),
    (lambda d: _first(d, "2023-24-01").update(target=760), r"a percentage target must be between 0 and 100, got 760"),
    (
        lambda d: _first(d, "2023-24-01").update(target="76%"),
        r"field 'target' must be a finite number or null, got '76%'",
    ),
    (lambda d: _first(d, "2023-24-01").update(planning_year="2023-24"), r"planning year must look like '2023/24'"),
    (lambda d: _first(d, "2023-24-01").update(planning_year="2023/25"), r"the second year must follow the first"),
    (lambda d: _first(d, "2023-24-01").update(timing=None), r"a deadline is given without a timing"),
    (lambda d: _first(d, "2023-24-01").update(deadline="March 2024"), r"deadline must be YYYY-MM or YYYY"),
    (lambda d: _first(d, "2023-24-01").update(source="pog"), r"source 'pog' is not declared"),
    (
        lambda d: _first(d, "2023-24-05").pop("no_target_reason"),
        r"id '2023-24-05'\): an objective without a numeric target needs 'no_target_reason'",
    ),
    (
        lambda d: _first(d, "2023-24-02").update(deadline="2024-02"),
        r"timing 'across_year' needs the deadline at the planning year's end",
    ),
    (
        lambda d: _first(d, "2024-25-ae-4h").update(planning_year="2023/24"),
        r"objectives '2023-24-01' and '2024-25-ae-4h' both give measure 'ae_4h' for 2023/24",
    ),
    (lambda d: _first(d, "2024-25-ae-4h").update(id="2023-24-01"), r"id '2023-24-01' is used twice"),
    (
        lambda d: d["sources"]["pog_2023_24"].update(url="england.nhs.uk"),
        r"sources.pog_2023_24: field 'url' must be a web address",
    ),
    (lambda d: d["sources"]["pog_2023_24"].update(date=None), r"sources.pog_2023_24: give a publication 'date'"),
    (lambda d: d["measures"]["ae_4h"].update(polarity="up"), r"measures.ae_4h: field 'polarity' must be one of"),
    (
        lambda d: d["not_entered"].append({"planning_year": "2023/24", "measure": "ae_4h", "reason": "x"}),
        r"'ae_4h' has an objective for 2023/24",
    ),
    (lambda d: d.pop("objectives"), r"section 'objectives' is missing or empty"),
    (
        lambda d: d["measured_by"].update({"2023-24-99": "a publication"}),
        r"measured_by: '2023-24-99' is not the id of an objective or standard",
    ),
    (
        lambda d: d["measured_by"].update({"2023-24-01": ""}),
        r"measured_by.2023-24-01: expected the name of a publication",
    ),
    (
        lambda d: _first(d, "2023-24-10")["related"].update(measure="cancer_backlog"),
        r"id '2023-24-10'\), related: measure 'cancer_backlog' is not declared",
    ),
    (
        lambda d: _first(d, "2023-24-11").update(related={"measure": "cancer_fds", "note": "x"}),
        r"related: 'cancer_fds' is the objective's own measure",
    ),
    (lambda d: _first(d, "2023-24-10")["related"].pop("note"), r"related: field 'note' is missing or empty"),
]


@pytest.mark.parametrize("mutate,message", BAD_ENTRIES)
def test_bad_entries_are_named(tmp_path, mutate, message):
    path = _write(tmp_path, mutate)
    with pytest.raises(ob.ObjectivesError, match=message) as exc:
        ob.load_registry(path)
    assert str(exc.value).startswith("objectives.yml")


def test_unreadable_files(tmp_path):
    with pytest.raises(ob.ObjectivesError, match="not found"):
        ob.load_registry(tmp_path / "missing.yml")
    bad = tmp_path / "objectives.yml"
    bad.write_text("objectives: [\n", encoding="utf-8")
    with pytest.raises(ob.ObjectivesError, match="objectives.yml: not valid YAML"):
        ob.load_registry(bad)


def test_a_valid_copy_loads_and_edits_are_seen(tmp_path):
    path = _write(tmp_path, lambda d: None)
    assert ob.objective_in_force("ae_4h", "2024-01-31", path=path).target_text == "76% by March 2024"
    _write(tmp_path, lambda d: _first(d, "2023-24-01").update(target=75))
    assert ob.objective_in_force("ae_4h", "2024-01-31", path=path).target_text == "75% by March 2024"


def test_related_objectives_say_what_a_measure_does_not_judge():
    """The 62-day backlog objective is on the subject of the 62-day standard the book computes, but
    not measured by it: the scorecard names its planning year from here, never types it."""
    rel = ob.related_objectives("cancer_62")
    assert [o.id for o in rel] == ["2023-24-10"] and rel[0].measure is None
    assert rel[0].planning_year == "2023/24" and "backlog" in rel[0].related_note
    assert ob.related_objectives("ae_4h") == []
    with pytest.raises(ob.ObjectivesError, match="unknown measure 'nope'"):
        ob.related_objectives("nope")
