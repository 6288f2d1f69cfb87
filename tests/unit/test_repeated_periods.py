"""find_repeated_periods: a period that copies an earlier one organisation by organisation is
found; one differing value, too few shared organisations or a different dtype are not a copy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.load.readers import find_repeated_periods


def _period(values: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(values, orient="index", columns=["total", "over_4h"])


ORGS = {f"R{i:02d}": (100.0 + i, float(i)) for i in range(20)}


def test_a_copied_period_is_found_with_missing_values_and_one_organisation_fewer():
    base = dict(ORGS, R00=(np.nan, 1.0))
    later = {k: v for k, v in base.items() if k != "R19"}
    other = {k: (v[0] + 1, v[1]) for k, v in ORGS.items()}
    found = find_repeated_periods({"2024-02": _period(base), "2024-03": _period(other), "2025-02": _period(later)})
    assert found == [("2025-02", "2024-02")]


def test_one_differing_value_is_not_a_copy():
    later = dict(ORGS, R07=(107.0, 8.0))
    assert find_repeated_periods({"a": _period(ORGS), "b": _period(later)}) == []


def test_too_few_shared_organisations_is_not_a_copy():
    few = {k: ORGS[k] for k in list(ORGS)[:9]}
    assert find_repeated_periods({"a": _period(few), "b": _period(few)}) == []


def test_the_same_numbers_in_another_dtype_are_not_a_copy():
    a = _period(ORGS)
    b = a.astype("int64")
    assert find_repeated_periods({"a": a, "b": b}) == []
