"""One house style for every figure: NHS identity colours, colour-blind-safe, never colour alone.

Colours are from the NHS identity guidelines (https://www.england.nhs.uk/nhsidentity/identity-
guidelines/colours/). For ordered categories (IMD deciles) a single-hue sequential ramp from
NHS Dark Blue to pale is used, which stays ordered in greyscale print and for every common
colour-vision deficiency. Categorical comparisons (better / similar / worse) carry a marker
shape and a text label as well as a colour.
"""
from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")  # headless builds; no display needed
import matplotlib.pyplot as plt  # noqa: E402
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
#: common cause grey (plus a marker shape, again not colour alone).
SPC = {
    "improvement": {"colour": NHS_LIGHT_BLUE, "marker": "^"},
    "concern": {"colour": NHS_ORANGE, "marker": "v"},
    "common": {"colour": NHS_MID_GREY, "marker": "o"},
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


__all__ = [
    "CONTEXT",
    "DECILE_COLOURS",
    "HIGHLIGHT",
    "NHS_BLUE",
    "NHS_DARK_BLUE",
    "QUINTILE_COLOURS",
    "SIGNIFICANCE",
    "SPC",
    "TickFormatter",
    "count_axis",
    "percent_axis",
    "source_note",
    "style",
]
