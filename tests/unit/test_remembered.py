"""sources.remembered: a cached result records again the inputs its computation read, so a chapter
records the same inputs whether a national table was computed in its own process or before the
fork (the warm engine's national tables); national calls are noted and can be made again by name
in another process (warm.prepare_calls)."""

from __future__ import annotations

import pytest

from analysis import sources
from analysis.build import warm

CALLS: list[str] = []


@sources.remembered(maxsize=None)
def _inner(key: str) -> str:
    CALLS.append(f"inner {key}")
    sources._log_line(f"ds/{key}.csv", "a" * 64)
    return key.upper()


@sources.remembered(maxsize=None, national=True)
def national_table(key: str, reps: int = 1) -> str:
    CALLS.append(f"national {key} {reps}")
    sources._log_line("other/file.csv", "b" * 64)
    return _inner(key) * reps


@sources.remembered(maxsize=None)
def _same_reads_twice() -> str:
    # an outer and an inner call whose records are equal dicts: each must end its own record
    return _inner("x") + _inner("x")


@pytest.fixture(autouse=True)
def _clean():
    for fn in (_inner, national_table, _same_reads_twice):
        fn.cache_clear()
    CALLS.clear()
    saved = dict(sources._read), list(sources.national_calls)
    sources._read.clear()
    sources.national_calls.clear()
    yield
    sources._read.clear()
    sources._read.update(saved[0])
    sources.national_calls[:] = saved[1]
    assert sources._recorders == []


def test_a_cached_call_records_its_inputs_again_including_those_of_nested_calls():
    assert national_table("k", reps=2) == "KK"
    first = dict(sources._read)
    assert first == {"other/file.csv": "b" * 64, "ds/k.csv": "a" * 64}
    sources._read.clear()  # a forked chapter starts its record empty
    assert national_table("k", reps=2) == "KK"
    assert sources._read == first
    assert CALLS == ["national k 2", "inner k"]  # computed once


def test_nested_calls_with_equal_records_each_end_their_own():
    assert _same_reads_twice() == "XX"
    sources._read.clear()
    assert _same_reads_twice() == "XX"
    assert sources._read == {"ds/x.csv": "a" * 64}


def test_national_calls_are_noted_once_and_can_be_made_again_by_name():
    national_table("k", reps=2)
    national_table("k", reps=2)
    _inner("y")  # not national: not noted
    assert sources.national_calls == [(__name__, "national_table", "('k',)", "[('reps', 2)]")]
    calls = [list(c) for c in sources.national_calls]  # as they travel in JSON
    national_table.cache_clear()
    _inner.cache_clear()
    CALLS.clear()
    made, skipped = warm.prepare_calls(
        calls + [[__name__, "no_such_function", "()", "[]"], ["x", "a.<locals>.b", "()", "[]"]]
    )
    assert (made, skipped) == (1, 2)
    assert CALLS == ["national k 2", "inner k"]
    sources._read.clear()
    national_table("k", reps=2)  # a hit now, as in a forked child: its inputs are recorded
    assert CALLS == ["national k 2", "inner k"]
    assert sources._read == {"other/file.csv": "b" * 64, "ds/k.csv": "a" * 64}


def test_a_failing_national_call_is_skipped_and_computed_again_later():
    made, skipped = warm.prepare_calls([[__name__, "national_table", "('k',)", "[('reps', 'not a number')]"]])
    assert (made, skipped) == (0, 1)
