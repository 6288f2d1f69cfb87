"""The same chapter outputs give the same bytes from one run to the next (figures' SVG and a
workbook), so that builds can be compared byte for byte (tests/book/test_engines.py)."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd

from analysis import report

FIGURE = """
import sys, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from analysis.report import Chapter
ch = Chapter("demo", sys.argv[1])
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [3, 1, 2], marker="o")
ch.figure(fig, "line", alt="Line chart of three made-up points for a test", caption="Test", defer=True,
          data=__import__("pandas").DataFrame({"x": [1, 2, 3]}))
"""


def test_a_figure_gives_the_same_svg_and_png_in_two_processes(tmp_path):
    outs = []
    for run in ("a", "b"):
        d = tmp_path / run
        subprocess.run([sys.executable, "-c", FIGURE, str(d)], check=True, capture_output=True)
        outs.append({p.name: p.read_bytes() for p in d.iterdir() if p.suffix in {".svg", ".png", ".csv"}})
    assert {"line.svg", "line.png"} <= set(outs[0])
    assert outs[0] == outs[1]


def test_a_workbook_is_dated_as_of_and_gives_the_same_bytes(tmp_path):
    def write(path):
        wb = openpyxl.Workbook()
        wb.active["A1"] = 12.5
        report.save_workbook(wb, path, pd.Timestamp("2026-11-01"))

    write(tmp_path / "a.xlsx")
    import time

    time.sleep(1.1)  # a later second: openpyxl would stamp it into the file
    write(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.active["A1"].value == 12.5
    assert wb.properties.created == wb.properties.modified == pd.Timestamp("2026-11-01").to_pydatetime()


def test_a_figure_is_cropped_to_the_box_savefig_tight_would_use(tmp_path):
    """report.figure finds the tight box once for the PNG and the SVG; the PNG must be the one
    savefig(bbox_inches="tight") writes, byte for byte, including a legend below the axes
    (outside the figure) and text beyond its right edge."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def make():
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot([1, 2, 3], [3, 1, 2], label="first series")
        ax.plot([1, 2, 3], [1, 2, 3], label="second series")
        ax.set_title("A title long enough to be laid out with care", loc="left")
        ax.annotate("a note past the right edge", xy=(3, 2), xytext=(1.02, 0.5), textcoords="axes fraction")
        fig.legend(loc="lower center", ncol=2, bbox_to_anchor=(0.5, -0.12))
        return fig

    ch = report.Chapter("demo", tmp_path / "chapter")
    ch.figure(
        make(),
        "chart",
        alt="Two made-up lines for a test of cropping",
        caption="Test",
        defer=True,
        data=pd.DataFrame({"x": [1, 2, 3]}),
    )
    fig = make()
    fig.savefig(
        tmp_path / "tight.png",
        dpi=220,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": None},
        pil_kwargs={"compress_level": 3},
    )
    plt.close(fig)
    assert (tmp_path / "chapter" / "chart.png").read_bytes() == (tmp_path / "tight.png").read_bytes()
