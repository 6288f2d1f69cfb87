"""The claims audit: every data-dependent word of every chapter, for all 42 ICBs, checked against
the numbers it describes.

Each chapter module has ``claims(icb_code, imd_version, reference_date) -> {key: Claim}``: the
words its Markdown glues in (``{glue:md}`key```), computed by :mod:`analysis.claims`, which
records in every claim the function and the numbers it used. This test re-derives the expected
word from those numbers with rules written out here, independently of ``analysis.claims``, and
fails on any disagreement. It is what would have caught "recorded prevalence rises with
deprivation: the SII is -0.07 (95% CI -0.13 to -0.00)".
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from claims_check import check_claim  # the verifier, shared with the chapter tests

from analysis import claims as C
from analysis import geography

pytestmark = pytest.mark.xdist_group("audit")

# --------------------------------------------------------------------------- the verifier itself


def test_the_verifier_catches_the_copd_sentence():
    """A claim whose word disagrees with its numbers (the QHL COPD sentence) is caught."""
    good = C.gradient((-0.066, -0.127, -0.0037), sign="most_minus_least")
    assert check_claim("copd", good) == []
    wrong = C.Claim("rises", "rises with deprivation", inputs=dict(good.inputs))
    assert any("numbers say 'falls'" in p for p in check_claim("copd", wrong))


def test_the_verifier_catches_false_comfort_on_waiting_lists():
    g = C.gap((53.3, 51.4, 55.2), (57.7, 55.9, 59.4), polarity="higher_is_better")
    both = C.gap_and_sii(g, (0.58, -0.67, 1.80), sign="least_minus_most")
    assert both.code == "gap_only" and check_claim("wl", both) == []
    comfort = C.Claim("neither_significant", "Neither is statistically significant.", inputs=dict(both.inputs))
    assert check_claim("wl", comfort)


# --------------------------------------------------------------------------- every chapter, every ICB


def _chapters_with_claims() -> list[tuple[str, object]]:
    from analysis import build

    out = []
    for ch in build.load_book_spec().chapters:
        mod = importlib.import_module(f"analysis.chapters.{ch.id}")
        if hasattr(mod, "claims"):
            out.append((ch.id, mod))
    return out


@pytest.mark.slow
def test_every_claim_of_every_chapter_for_all_42_icbs(mirror):
    chapters = _chapters_with_claims()
    assert chapters, "no chapter module has a claims() function yet"
    reference = dt.date.today().replace(day=1)
    problems: list[str] = []
    n = 0
    for cid, mod in chapters:
        for icb in geography.all_icbs():
            try:
                found = mod.claims(icb.ods_code, 2019, reference)
            except Exception as exc:  # report every failure
                problems.append(f"{cid} / {icb.ods_code}: claims() raised {type(exc).__name__}: {exc}")
                continue
            for key, claim in found.items():
                n += 1
                problems += [f"{cid} / {icb.ods_code} / {p}" for p in check_claim(key, claim)]
    assert n > 0
    assert not problems, f"{len(problems)} wrong word(s) of {n}:\n" + "\n".join(problems[:40])
