"""One house style for every figure: NHS identity colours, colour-blind-safe, never colour alone.

Colours are from the NHS identity guidelines (https://www.england.nhs.uk/nhsidentity/identity-
guidelines/colours/). For ordered categories (IMD deciles) a single-hue sequential ramp from
NHS Dark Blue to pale is used, which stays ordered in greyscale print and for every common
colour-vision deficiency. Categorical comparisons (better / similar / worse) carry a marker
shape and a text label as well as a colour.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")  # headless builds; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, to_hex  # noqa: E402

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_BRIGHT_BLUE = "#0072CE"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_AQUA_GREEN = "#00A499"
NHS_WARM_YELLOW = "#FFB81C"
NHS_ORANGE = "#ED8B00"
NHS_RED = "#DA291C"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_PURPLE = "#330072"
NHS_BLACK = "#231F20"

#: Ramp for IMD deciles: decile 1 (most deprived) darkest.
_DECILE_RAMP = LinearSegmentedColormap.from_list("nhs_deciles", [NHS_DARK_BLUE, NHS_BRIGHT_BLUE, "#9fd3f0", "#f4f8fb"])
DECILE_COLOURS = [to_hex(_DECILE_RAMP(i / 9)) for i in range(10)]
QUINTILE_COLOURS = [to_hex(_DECILE_RAMP(i / 4)) for i in range(5)]

#: Comparison with England: colour + marker + word, so meaning never rests on colour alone.
#: Blue/orange rather than green/red: distinguishable with red-green colour blindness.
SIGNIFICANCE = {
    "better": {"colour": NHS_BRIGHT_BLUE, "marker": "^", "label": "Better than England"},
    "similar": {"colour": NHS_MID_GREY, "marker": "o", "label": "Similar to England"},
    "worse": {"colour": NHS_ORANGE, "marker": "v", "label": "Worse than England"},
    "not compared": {"colour": "#FFFFFF", "marker": "s", "label": "Not compared"},
}

#: SPC point colours as in NHS England "Making Data Count": improvement blue, concern orange,
#: neither (a neutral measure) purple, common cause grey (plus a marker shape, again not colour
#: alone).
SPC = {
    "improvement": {"colour": NHS_LIGHT_BLUE, "marker": "^", "label": "Special cause: improvement"},
    "concern": {"colour": NHS_ORANGE, "marker": "v", "label": "Special cause: concern"},
    "neutral": {"colour": NHS_PURPLE, "marker": "D", "label": "Special cause: neither improvement nor concern"},
    "common": {"colour": NHS_MID_GREY, "marker": "o", "label": "Common cause"},
}
#: ``point_type`` of :func:`analysis.stats.spc` -> key of :data:`SPC`.
SPC_POINT_KIND = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
    "common_cause": "common",
}

#: The ICB highlighted against others.
HIGHLIGHT = NHS_DARK_BLUE
CONTEXT = "#AEB7BD"


def style() -> None:
    """Apply the house style to matplotlib (call once at the top of a chapter)."""
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 110,
            "font.family": "DejaVu Sans",
            "font.size": 10.5,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10.5,
            "axes.edgecolor": NHS_DARK_GREY,
            "axes.labelcolor": NHS_BLACK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": NHS_PALE_GREY,
            "grid.linewidth": 0.8,
            "axes.prop_cycle": plt.cycler(color=[NHS_BLUE, NHS_ORANGE, NHS_AQUA_GREEN, NHS_DARK_GREY,
                                                 NHS_WARM_YELLOW, NHS_LIGHT_BLUE]),
            "xtick.color": NHS_DARK_GREY,
            "ytick.color": NHS_DARK_GREY,
            "legend.frameon": False,
            "savefig.bbox": "tight",
        }
    )


def source_note(ax, text: str) -> None:
    """A small source line under the axes (also given in the caption)."""
    ax.annotate(text, xy=(0, -0.16), xycoords="axes fraction", fontsize=8, color=NHS_DARK_GREY, va="top")


class TickFormatter(matplotlib.ticker.Formatter):
    """Tick labels with thousands separators, a unit suffix and just enough decimals.

    The number of decimals is chosen for the whole axis at once: the fewest (up to ``max_dp``)
    that show every tick value exactly, so ticks at 52.5 and 55 read "52.5%" and "55.0%", never
    two labels that repeat after rounding ("55%", "55%").
    """

    def __init__(self, unit: str = "", max_dp: int = 3):
        self.unit = unit
        self.max_dp = max_dp
        self._dp = 0

    def _choose_dp(self, values) -> int:
        vals = [float(v) for v in values]
        for dp in range(self.max_dp + 1):
            if all(abs(round(v, dp) - v) <= 1e-9 * max(1.0, abs(v)) for v in vals):
                return dp
        return self.max_dp

    def format_ticks(self, values):
        self._dp = self._choose_dp(values)
        return [self(v) for v in values]

    def __call__(self, x, pos=None):
        return f"{x:,.{self._dp}f}{self.unit}"


def percent_axis(ax, axis: str = "y") -> None:
    """Label an axis already on the 0-100 scale as percentages, with distinct tick labels."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(TickFormatter("%"))


def count_axis(ax, axis: str = "y") -> None:
    """Label an axis of counts with thousands separators (and decimals only where ticks need them)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(TickFormatter(""))


# --------------------------------------------------------------------------------------------
# statistical process control (Making Data Count) charts
# --------------------------------------------------------------------------------------------

@dataclass
class SPCChart:
    """What :func:`plot_spc` drew: the figure and axes, the tidy table of what is plotted (for a
    CSV beside the chart) and the readings in words (to put beside the chart)."""

    figure: Any
    ax: Any
    data: pd.DataFrame
    variation_text: str
    assurance_text: str | None
    notes: list[str]


def spc_chart_data(result) -> pd.DataFrame:
    """The points of an :class:`analysis.stats.SPCResult` as drawn: date, value, rebase group, mean,
    process limits, the special-cause label, the point type, how the point is marked, target."""
    p = result.points
    return pd.DataFrame({
        "date": p["period"],
        "value": p["value"],
        "rebase_group": p["rebase_group"],
        "mean": p["mean"],
        "lower_process_limit": p["lower_process_limit"],
        "upper_process_limit": p["upper_process_limit"],
        "special_cause_type": p["special_cause_type"],
        "point_type": p["point_type"],
        "marked_as": p["point_type"].map(lambda t: SPC[SPC_POINT_KIND[t]]["label"] if t in SPC_POINT_KIND
                                         else "No value"),
        "target": p["target"],
    })


def spc_legend_handles(kinds=("common", "improvement", "concern"), *, target: bool = True) -> list:
    """Legend entries for SPC charts (points by shape and colour, mean, limits, target), for a
    figure-level legend under small multiples."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=SPC[k]["colour"], marker=SPC[k]["marker"], ls="", markeredgecolor=NHS_DARK_GREY,
                      markeredgewidth=0.4, label=SPC[k]["label"]) for k in kinds]
    handles += [Line2D([], [], color=NHS_BLACK, lw=1, label="Mean"),
                Line2D([], [], color=NHS_DARK_GREY, lw=0.9, ls="--", label="Process limits")]
    if target:
        handles.append(Line2D([], [], color=NHS_RED, lw=1.2, ls=":", label="Target"))
    return handles


def plot_spc(result, ax=None, *, title: str = "", ylabel: str = "", percent: bool = False,
             targets: dict[str, float] | None = None, label_targets: bool = True,
             rebase_label: str = "Limits recalculated", legend: bool | None = None,
             marker_size: float = 28) -> SPCChart:
    """Draw an :func:`analysis.stats.spc` result the way a Making Data Count reader expects.

    The values (grey line), the mean (solid) and the process limits (dashed) of each rebase
    group, with a break in every line and a dotted vertical line at each recalculation point;
    each point marked by shape *and* colour: common cause (grey circle), special-cause
    improvement (blue triangle up), concern (orange triangle down), neither (purple diamond,
    neutral measures). ``targets`` (label -> value) are drawn as dotted red lines, by default the
    result's own target labelled "Target"; ``label_targets=False`` leaves the labels off (say
    the target in the text instead). A missing value is a gap. ``legend`` (default: only when
    a new figure is made) puts the legend under the axes.

    Returns an :class:`SPCChart` with the figure, the axes, :func:`spc_chart_data` and the
    variation and assurance readings in words.
    """
    import matplotlib.dates as mdates

    new = ax is None
    if new:
        fig, ax = plt.subplots(figsize=(8, 4.2))
    else:
        fig = ax.figure
    data = spc_chart_data(result)
    for k, (_, g) in enumerate(data.groupby("rebase_group", sort=True)):
        first = k == 0
        ax.plot(g["date"], g["value"], color=NHS_MID_GREY, lw=1.1, zorder=2)
        ax.plot(g["date"], g["mean"], color=NHS_BLACK, lw=1, zorder=1, label="Mean" if first else "_nolegend_")
        ax.plot(g["date"], g["upper_process_limit"], color=NHS_DARK_GREY, lw=0.9, ls="--", zorder=1,
                label="Process limits" if first else "_nolegend_")
        ax.plot(g["date"], g["lower_process_limit"], color=NHS_DARK_GREY, lw=0.9, ls="--", zorder=1)
        if not first:
            start = g["date"].iloc[0]
            ax.axvline(start, color=NHS_MID_GREY, lw=1, ls=":", zorder=0)
            when = f"{start:%b %Y}" if isinstance(start, pd.Timestamp) else str(start)
            ax.annotate(f"{rebase_label}\n({when})", xy=(start, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", fontsize=7.5, va="top", color=NHS_DARK_GREY)
    kind = data["point_type"].map(SPC_POINT_KIND)
    for key in ("common", "improvement", "concern", "neutral"):
        mask = kind == key
        if mask.any():
            st = SPC[key]
            ax.scatter(data.loc[mask, "date"], data.loc[mask, "value"], color=st["colour"], marker=st["marker"],
                       s=marker_size, edgecolor=NHS_DARK_GREY, linewidth=0.4, zorder=3, label=st["label"])
    if targets is None:
        targets = {} if result.target is None else {"Target": result.target}
    for label, value in targets.items():
        ax.axhline(value, color=NHS_RED, lw=1.2, ls=":", zorder=1)
        if label_targets:
            ax.annotate(label, xy=(0, value), xycoords=("axes fraction", "data"), xytext=(3, 3),
                        textcoords="offset points", ha="left", fontsize=7.5, color=NHS_BLACK,
                        bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
    if title:
        ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    (percent_axis if percent else count_axis)(ax)
    if new and pd.api.types.is_datetime64_any_dtype(data["date"]):
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if legend or (legend is None and new):
        kinds = [k for k in ("common", "improvement", "concern", "neutral") if (kind == k).any()]
        ax.legend(handles=spc_legend_handles(kinds, target=bool(targets)), loc="upper center",
                  bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    return SPCChart(fig, ax, data, result.variation_text, result.assurance_text, result.notes)


__all__ = [
    "CONTEXT",
    "DECILE_COLOURS",
    "HIGHLIGHT",
    "NHS_BLUE",
    "NHS_DARK_BLUE",
    "NHS_PURPLE",
    "QUINTILE_COLOURS",
    "SIGNIFICANCE",
    "SPC",
    "SPCChart",
    "SPC_POINT_KIND",
    "TickFormatter",
    "count_axis",
    "percent_axis",
    "plot_spc",
    "source_note",
    "spc_chart_data",
    "spc_legend_handles",
    "style",
]
