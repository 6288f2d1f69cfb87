"""The claims verifier: the expected word of a claim re-derived from the numbers it records, with
rules written out here independently of :mod:`analysis.claims` (used by the claims audit,
tests/book/test_claims_audit.py, and by the chapter tests)."""

from __future__ import annotations

from analysis import claims as C
from analysis import stats


def _side(lo: float, hi: float, null: float = 0.0) -> int:
    return 1 if lo > null else -1 if hi < null else 0


def _est(x) -> tuple[float, float, float]:
    v, lo, hi = (float(t) for t in x)
    assert lo <= v + 1e-9 and v <= hi + 1e-9, f"value {v} outside its interval {lo}..{hi}"
    return v, lo, hi


def _diff(a, b) -> tuple[float, float, float]:
    return tuple(float(x) for x in stats.difference_ci(a[0], a[1], a[2], b[0], b[1], b[2]))


GRADIENT_WORDS = {
    "rises": "rises with deprivation",
    "falls": "falls with deprivation",
    "no_clear_gradient": "no clear gradient",
}


def expected(claim: C.Claim) -> tuple[str, str | None]:
    """(expected code, a phrase the words must contain) from the recorded numbers."""
    inp = claim.inputs
    fn = inp.get("function")
    if fn == "gradient":
        v, lo, hi = _est(inp["sii"])
        towards_most = _side(lo, hi) * (1 if inp["sign"] == "most_minus_least" else -1)
        code = {1: "rises", -1: "falls", 0: "no_clear_gradient"}[towards_most]
        return code, GRADIENT_WORDS[code]
    if fn == "significance":
        v, lo, hi = _est(inp["est"])
        side = _side(lo, hi, inp.get("null", 0.0))
        return ("significant", "statistically significant") if side else ("not_significant", "not statistically")
    if fn in ("compare", "judge"):
        a = _est(inp["value"])
        comp = inp["comparator"]
        side = _side(a[1], a[2], comp) if isinstance(comp, float) else _side(*_diff(a, _est(comp))[1:])
        if fn == "compare":
            code = {1: "higher", -1: "lower", 0: "similar"}[side]
        else:
            good = side if C.normalise_polarity(inp["polarity"]) == "higher_is_better" else -side
            code = {1: "better", -1: "worse", 0: "similar"}[good]
        return code, code
    if fn == "gap":
        most, least = _est(inp["most_deprived"]), _est(inp["least_deprived"])
        pol = C.normalise_polarity(inp["polarity"])
        d = _diff(least, most) if pol == "higher_is_better" else _diff(most, least)
        side = _side(d[1], d[2])
        if side == 0:
            return "no_clear_gap", "no clear difference"
        if pol == "neither":
            return (
                ("higher_among_most_deprived", "higher among")
                if side > 0
                else ("lower_among_most_deprived", "lower among")
            )
        return ("worse_for_most_deprived", "worse for") if side > 0 else ("better_for_most_deprived", "better for")
    if fn == "gap_and_sii":
        g = inp["the_gap"]
        gv, glo, ghi = _est(g["gap"])
        sv, slo, shi = _est(inp["sii"])
        gap_is_least_minus_most = g["polarity"] == "higher_is_better"
        if (inp["sign"] == "least_minus_most") != gap_is_least_minus_most:
            slo, shi = -shi, -slo
        gs, ss = _side(glo, ghi), _side(slo, shi)
        if gs and ss:
            return (
                ("both_significant", "both statistically significant")
                if gs == ss
                else ("opposite_directions", "opposite directions")
            )
        if not gs and not ss:
            return "neither_significant", "Neither"
        return ("gap_only", "is not") if gs else ("sii_only", "alone is not")
    if fn == "target_status":
        return claim.code, None  # checked below against the value and target
    if fn == "change_from_spc":
        return claim.code, None
    if fn == "change_between":
        before, after = _est(inp["before"]), _est(inp["after"])
        d = _diff(after, before)
        side = _side(d[1], d[2])
        pol = C.normalise_polarity(inp["polarity"])
        if side == 0:
            return "no_significant_change", "no significant change"
        if pol == "neither":
            return ("rising" if side > 0 else "falling"), None
        good = side if pol == "higher_is_better" else -side
        return ("improving" if good > 0 else "deteriorating"), None
    if fn == "funnel":
        pos = inp["position"]
        inside = pos["lower"] <= pos["value"] <= pos["upper"]
        code = "within_expected" if inside else ("well_above" if pos["value"] > pos["upper"] else "well_below")
        return code, {"within_expected": "within the range", "well_above": "well above", "well_below": "well below"}[
            code
        ]
    if fn == "spc_assurance":
        return claim.code, None
    raise AssertionError(f"claim from an unknown function {fn!r}: {claim}")


def check_claim(key: str, claim: C.Claim) -> list[str]:
    if not isinstance(claim, C.Claim):
        return [f"{key}: not a Claim ({type(claim).__name__})"]
    if not claim.inputs:
        return [f"{key}: the claim records no inputs (make it with analysis.claims)"]
    code, phrase = expected(claim)
    problems = []
    if claim.code != code:
        problems.append(f"{key}: code {claim.code!r} but the numbers say {code!r} ({claim.inputs})")
    if phrase and phrase.lower() not in claim.words.lower():
        problems.append(f"{key}: words {claim.words!r} do not say {phrase!r}")
    if claim.inputs.get("function") == "target_status":
        inp = claim.inputs
        t = inp.get("target")
        if isinstance(t, dict) and t.get("target") is not None and claim.code in ("met", "missed", "not_yet_met"):
            ok = {
                "at_least": inp["value"] >= t["target"],
                "at_most": inp["value"] <= t["target"],
                "below": inp["value"] < t["target"],
            }[t["direction"]]
            if ok != (claim.code == "met"):
                problems.append(f"{key}: {claim.code!r} but {inp['value']} vs target {t}")
    return problems
