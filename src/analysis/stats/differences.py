"""differences: part of :mod:`analysis.stats` (see its docstring for methods and references)."""

from __future__ import annotations

import numpy as np

from ._common import ArrayLike, _fail


def difference_ci(
    a: ArrayLike,
    a_lower: ArrayLike,
    a_upper: ArrayLike,
    b: ArrayLike,
    b_lower: ArrayLike,
    b_upper: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference ``a - b`` of two independent estimates with its confidence interval, from the
    two estimates' own intervals (MOVER, the method of variance estimates recovery).

    ``lower = d - sqrt((a - a_lower)**2 + (b_upper - b)**2)`` and
    ``upper = d + sqrt((a_upper - a)**2 + (b - b_lower)**2)`` with ``d = a - b``: each side
    of the interval takes the half-width of each estimate on the side it moves towards, so an
    asymmetric interval (Wilson, Byar, Dobson) keeps its shape. Given two Wilson score
    intervals this is exactly Newcombe's hybrid score interval for a difference of two
    proportions (Newcombe RG (1998) Stat Med 17:873-90, method 10); for rates and DSRs it is
    the MOVER of Zou GY, Donner A (2008) Stat Methods Med Res 17:387-403. The interval has the
    confidence level of the two intervals given (both must share it).

    Two intervals that do not overlap always give a difference whose interval excludes zero
    (``sqrt(x**2 + y**2) <= x + y``); overlapping intervals can still give one that excludes
    zero, which is why the difference is computed rather than read from the overlap.

    Vectorised; returns ``(difference, lower, upper)`` as float arrays. Raises
    :class:`StatsInputError` for missing or infinite values or a limit on the wrong side of
    its estimate.
    """
    func = "difference_ci"
    names = ("a", "a_lower", "a_upper", "b", "b_lower", "b_upper")
    arrays = []
    for name, x in zip(names, (a, a_lower, a_upper, b, b_lower, b_upper)):
        try:
            arr = np.asarray(x, dtype="float64")
        except (TypeError, ValueError):
            raise _fail(func, f"{name} must be numbers, got {x!r}") from None
        if np.isnan(arr).any():
            raise _fail(
                func,
                f"{name} has missing (NaN) value(s); a difference needs both estimates and their confidence limits",
            )
        if not np.isfinite(arr).all():
            raise _fail(func, f"{name} has infinite value(s)")
        arrays.append(arr)
    try:
        va, la, ua, vb, lb, ub = np.broadcast_arrays(*arrays)
    except ValueError:
        raise _fail(func, "the six inputs must have the same length (or be single numbers)") from None
    # limits equal to the estimate within floating-point noise are fine (a zero-width side)
    tol = 1e-9 * np.maximum(1.0, np.abs(np.stack([va, vb])).max())
    for est, lo, hi, name in ((va, la, ua, "a"), (vb, lb, ub, "b")):
        bad = (lo - est > tol) | (est - hi > tol)
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(
                func,
                f"{name}'s confidence interval must contain {name}: at position {i} "
                f"{name} = {est.flat[i]:g} with limits {lo.flat[i]:g} to {hi.flat[i]:g}",
            )
    d = va - vb
    lower = d - np.sqrt(np.maximum(va - la, 0) ** 2 + np.maximum(ub - vb, 0) ** 2)
    upper = d + np.sqrt(np.maximum(ua - va, 0) ** 2 + np.maximum(vb - lb, 0) ** 2)
    return d, lower, upper
