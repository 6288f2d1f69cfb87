"""Figures and tables are numbered in the order the page shows them (``ch.show`` in the
notebook), not the order the chapter's module makes them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.report import Chapter  # noqa: E402


def _figure():
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([1, 2], [1, 2])
    return fig


def test_numbers_follow_the_order_outputs_are_shown(tmp_path):
    ch = Chapter("demo", tmp_path)
    df = pd.DataFrame({"Area": ["A", "B"], "Value": [1, 2]})
    for name in ("made_first", "made_second", "made_third"):
        ch.table(df, name, f"Caption of {name}", defer=True)
    for name in ("fig_made_first", "fig_made_second"):
        ch.figure(_figure(), name, alt=f"A line chart of two made-up points ({name})", caption="c", data=df, defer=True)
    for name in ("made_third", "fig_made_second", "made_first", "fig_made_first", "made_second"):
        ch.show(name)
    assert "<strong>Table 1.</strong>" in ch._blocks["made_third"][1]
    assert "<strong>Table 2.</strong>" in ch._blocks["made_first"][1]
    assert "<strong>Table 3.</strong>" in ch._blocks["made_second"][1]
    assert "<strong>Figure 1.</strong>" in ch._blocks["fig_made_second"][1]
    assert "<strong>Figure 2.</strong>" in ch._blocks["fig_made_first"][1]
    assert not any("\ue000" in content for _, content in ch._blocks.values())


def test_an_output_shown_at_once_is_numbered_when_made(tmp_path):
    ch = Chapter("demo", tmp_path)
    df = pd.DataFrame({"Area": ["A"], "Value": [1]})
    ch.table(df, "later", "Shown later", defer=True)
    ch.table(df, "now", "Shown now")  # not deferred: on the page where it is made
    ch.show("later")
    assert "<strong>Table 2.</strong>" in ch._blocks["later"][1]
