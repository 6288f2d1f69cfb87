"""One house style for every figure: NHS identity colours, colour-blind-safe, never colour alone.

Colours are from the NHS identity guidelines (https://www.england.nhs.uk/nhsidentity/identity-
guidelines/colours/). For ordered categories (IMD deciles) a single-hue sequential ramp from
NHS Dark Blue to pale is used, which stays ordered in greyscale print and for every common
colour-vision deficiency. Categorical comparisons (better / similar / worse) carry a marker
shape and a text label as well as a colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.patheffects
import matplotlib.ticker
import numpy as np
import pandas as pd

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
NHS_PURPLE = "#330072"
NHS_BLACK = "#231F20"

#: Ramp for IMD deciles: decile 1 (most deprived) darkest.
_DECILE_RAMP = LinearSegmentedColormap.from_list("nhs_deciles", [NHS_DARK_BLUE, NHS_BRIGHT_BLUE, "#9fd3f0", "#f4f8fb"])
DECILE_COLOURS = [to_hex(_DECILE_RAMP(i / 9)) for i in range(10)]
QUINTILE_COLOURS = [to_hex(_DECILE_RAMP(i / 4)) for i in range(5)]

#: Ten IMD decile classes a reader can tell apart on a map (decile 1 first): ColorBrewer's RdYlBu
#: diverging scheme for 10 classes, marked colour-blind safe by ColorBrewer
#: (https://colorbrewer2.org/#type=diverging&scheme=RdYlBu&n=10). One ramp of a single hue
#: (``DECILE_COLOURS``) leaves neighbouring deciles indistinguishable on a map of small areas;
#: here the most deprived deciles are red, the least deprived blue, with the national middle pale.
IMD_DECILE_CLASSES = [
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
]

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
            "axes.prop_cycle": plt.cycler(
                color=[NHS_BLUE, NHS_ORANGE, NHS_AQUA_GREEN, NHS_DARK_GREY, NHS_WARM_YELLOW, NHS_LIGHT_BLUE]
            ),
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


def compact_number(x: float) -> str:
    """A count for an axis tick: 950, 1.5k, 20k, 2.5m (never "2x10^3")."""
    x = float(x)
    for scale, suffix in ((1e6, "m"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:,.3g}{suffix}"
    return f"{x:,.3g}" if x != int(x) else f"{int(x):,}"


def _log_count_axis(ax, lo: float, hi: float) -> None:
    """Log-scale x axis of counts with ticks at 1-2-5 (or every integer multiple when the range
    is narrow) labelled 1k, 20k, 1m."""
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    for subs in ((1.0, 2.0, 5.0), tuple(float(i) for i in range(1, 10))):
        locator = matplotlib.ticker.LogLocator(base=10, subs=subs)
        ticks = [t for t in locator.tick_values(lo, hi) if lo <= t <= hi]
        if len(ticks) >= 3:
            break
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, pos=None: compact_number(v)))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())


#: Funnel points: position against the 99.8% limits, by colour, marker and legend words.
FUNNEL_POINTS = {
    "high": {"colour": NHS_BRIGHT_BLUE, "marker": "^", "label": "Above the 99.8% limit"},
    "low": {"colour": NHS_ORANGE, "marker": "v", "label": "Below the 99.8% limit"},
    "within": {"colour": CONTEXT, "marker": "o", "label": "Within the 99.8% limits"},
}


def funnel_chart(
    result,
    *,
    unit_column: str,
    highlight=(),
    label_column: str | None = None,
    title: str = "",
    xlabel: str = "Denominator (log scale)",
    ylabel: str = "",
    show_unadjusted: bool = True,
):
    """Funnel plot of :func:`analysis.stats.funnel_overdispersed` output.

    Draws every unit (marker and colour by its position against the 99.8% limits used), the
    target line, the 95% (dashed) and 99.8% (solid) limits the method used -- adjusted for
    overdispersion unless none was found -- and, lightly, the unadjusted 99.8% limits for
    comparison. Units whose ``unit_column`` value is in ``highlight`` are drawn as large
    diamonds and labelled with ``label_column`` (default the unit value). The x axis is a log
    scale labelled 1k, 20k, 1m; a proportion per 100 gets a % axis.

    Returns ``(figure, data)``: ``data`` is a tidy table of everything drawn (one row per unit
    and per point of each line: ``series``, ``unit``, ``label``, ``denominator``, ``value``,
    ``position``), for the figure's CSV download.
    """
    from .stats import funnel_limit_curves

    if unit_column not in result.columns:
        raise ValueError(f"funnel_chart: unit_column {unit_column!r} is not a column of the result")
    if label_column is not None and label_column not in result.columns:
        raise ValueError(f"funnel_chart: label_column {label_column!r} is not a column of the result")
    wanted = [highlight] if isinstance(highlight, str) or not hasattr(highlight, "__iter__") else list(highlight)
    unknown = [h for h in wanted if not (result[unit_column] == h).any()]
    if unknown:
        raise ValueError(f"funnel_chart: highlight {unknown} not found in column {unit_column!r}")
    a = result.attrs
    den_col = _funnel_denominator(result)
    den = result[den_col].to_numpy(dtype="float64")
    lo_x, hi_x = float(den.min()) / 1.5, float(den.max()) * 1.3
    curves = funnel_limit_curves(result, np.geomspace(lo_x, hi_x, 200))
    kind = a["limits_used"]
    used_words = "adjusted for overdispersion" if kind == "adjusted" else "not adjusted: no overdispersion found"

    position = np.where(
        result["value"] > result["upper_99_8_limit"],
        "high",
        np.where(result["value"] < result["lower_99_8_limit"], "low", "within"),
    )
    is_high = result[unit_column].isin(wanted).to_numpy()
    labels = result[label_column if label_column else unit_column].astype(str).to_numpy()

    fig, ax = plt.subplots(figsize=(8, 4.5))
    lines = [
        (
            "target",
            "target",
            "Average of all units" if a["data_type"] == "proportion" else "Expected (ratio 1)",
            {"color": NHS_BLACK, "lw": 1.1, "ls": "-"},
        )
    ]
    for tag, pct, ls in (("95", "95%", "--"), ("99_8", "99.8%", "-")):
        for side in ("lower", "upper"):
            lines.append(
                (
                    f"{side}_{tag}_limit",
                    f"{pct} {side} limit ({used_words})",
                    f"{pct} limits ({used_words})" if side == "lower" else None,
                    {"color": NHS_DARK_GREY, "lw": 1.1, "ls": ls},
                )
            )
    if show_unadjusted and kind == "adjusted":
        for side in ("lower", "upper"):
            lines.append(
                (
                    f"{side}_99_8_unadjusted",
                    f"99.8% {side} limit (not adjusted)",
                    "99.8% limits without the adjustment" if side == "lower" else None,
                    {"color": CONTEXT, "lw": 0.9, "ls": ":"},
                )
            )
    tidy = []
    for col, series, legend, kw in lines:
        ax.plot(curves["denominator"], curves[col], label=legend, zorder=2, **kw)
        tidy.append(pd.DataFrame({"series": series, "denominator": curves["denominator"], "value": curves[col]}))
    for code, st in FUNNEL_POINTS.items():
        sel = (position == code) & ~is_high
        if sel.any():
            ax.scatter(
                den[sel],
                result["value"].to_numpy()[sel],
                marker=st["marker"],
                color=st["colour"],
                s=30,
                edgecolor="white",
                linewidth=0.4,
                label=st["label"],
                zorder=3,
                clip_on=False,
            )
    if is_high.any():
        legend = f"{labels[is_high][0]}" if is_high.sum() == 1 else "Highlighted"
        ax.scatter(
            den[is_high],
            result["value"].to_numpy()[is_high],
            marker="D",
            s=75,
            facecolor=HIGHLIGHT,
            edgecolor="white",
            linewidth=0.8,
            zorder=4,
            label=legend,
        )
    points = pd.DataFrame(
        {
            "series": np.where(is_high, "highlighted unit", "unit"),
            "unit": result[unit_column].to_numpy(),
            "label": labels,
            "denominator": den,
            "value": result["value"].to_numpy(),
            "position": position,
        }
    )
    data = pd.concat([points, *tidy], ignore_index=True)[
        ["series", "unit", "label", "denominator", "value", "position"]
    ]

    _log_count_axis(ax, lo_x, hi_x)
    at_units = result[["value", "lower_99_8_limit", "upper_99_8_limit"]].to_numpy(dtype="float64")
    y_lo, y_hi = float(np.nanmin(at_units)), float(np.nanmax(at_units))
    pad = (y_hi - y_lo) * 0.08 or abs(y_hi) * 0.05 or 1.0
    y_lo, y_hi = y_lo - pad, y_hi + pad
    if a["data_type"] == "proportion":
        y_lo, y_hi = max(y_lo, 0.0), min(y_hi, a["multiplier"])
    else:
        y_lo = max(y_lo, 0.0)
    ax.set_ylim(y_lo, y_hi)
    if a["data_type"] == "proportion" and a["multiplier"] == 100:
        percent_axis(ax)
    else:
        count_axis(ax)
    halo = [matplotlib.patheffects.withStroke(linewidth=3, foreground="white")]
    for x, y, text in zip(den[is_high], result["value"].to_numpy()[is_high], labels[is_high]):
        # a label in the right half of the plot goes to the left of its point, so it stays inside
        right = np.log(x / lo_x) / np.log(hi_x / lo_x) > 0.5
        ax.annotate(
            text,
            (x, y),
            xytext=(-7 if right else 7, 6),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=9,
            color=HIGHLIGHT,
            fontweight="bold",
            zorder=5,
            path_effects=halo,
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    phi = a["phi"]
    phi_text = f"φ = {phi:,.0f}" if phi >= 100 else f"φ = {phi:.3g}"
    if kind == "adjusted":
        phi_text += f", τ² = {a['tau2']:.2g}"
    ax.legend(
        fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), title=f"Dispersion {phi_text}", title_fontsize=8
    )
    return fig, data


def _funnel_denominator(result) -> str:
    col = result.attrs.get("denominator_column")
    if not col or col not in result.columns:
        raise ValueError(
            "funnel_chart: result must be the DataFrame returned by "
            "analysis.stats.funnel_overdispersed() (its attrs name the denominator column)"
        )
    return col


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
    return pd.DataFrame(
        {
            "date": p["period"],
            "value": p["value"],
            "rebase_group": p["rebase_group"],
            "mean": p["mean"],
            "lower_process_limit": p["lower_process_limit"],
            "upper_process_limit": p["upper_process_limit"],
            "special_cause_type": p["special_cause_type"],
            "point_type": p["point_type"],
            "marked_as": p["point_type"].map(
                lambda t: SPC[SPC_POINT_KIND[t]]["label"] if t in SPC_POINT_KIND else "No value"
            ),
            "target": p["target"],
        }
    )


def spc_legend_handles(kinds=("common", "improvement", "concern"), *, target: bool = True) -> list:
    """Legend entries for SPC charts (points by shape and colour, mean, limits, target), for a
    figure-level legend under small multiples."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=SPC[k]["colour"],
            marker=SPC[k]["marker"],
            ls="",
            markeredgecolor=NHS_DARK_GREY,
            markeredgewidth=0.4,
            label=SPC[k]["label"],
        )
        for k in kinds
    ]
    handles += [
        Line2D([], [], color=NHS_BLACK, lw=1, label="Mean"),
        Line2D([], [], color=NHS_DARK_GREY, lw=0.9, ls="--", label="Process limits"),
    ]
    if target:
        handles.append(Line2D([], [], color=NHS_RED, lw=1.2, ls=":", label="Target"))
    return handles


def plot_spc(
    result,
    ax=None,
    *,
    title: str = "",
    ylabel: str = "",
    percent: bool = False,
    targets: dict[str, float] | None = None,
    label_targets: bool = True,
    rebase_label: str = "Limits recalculated",
    legend: bool | None = None,
    marker_size: float = 28,
    breaks: Sequence[tuple[Any, str]] = (),
) -> SPCChart:
    """Draw an :func:`analysis.stats.spc` result the way a Making Data Count reader expects.

    The values (grey line), the mean (solid) and the process limits (dashed) of each rebase
    group, with a break in every line and a dotted vertical line at each recalculation point;
    each point marked by shape *and* colour: common cause (grey circle), special-cause
    improvement (blue triangle up), concern (orange triangle down), neither (purple diamond,
    neutral measures). ``targets`` (label -> value) are drawn as dotted red lines, by default the
    result's own target labelled "Target"; ``label_targets=False`` leaves the labels off (say
    the target in the text instead). A missing value is a gap. ``legend`` (default: only when
    a new figure is made) puts the legend under the axes. ``breaks`` (period, label): where the
    source or definition of the values changes while the limits run on (e.g. a new publication
    joining an older one); the line of values is not drawn across it, and a dotted vertical line
    at the first period of the new source carries the label at the foot of the axes.

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
    cuts = [b for b, _ in breaks]
    for k, (_, g) in enumerate(data.groupby("rebase_group", sort=True)):
        first = k == 0
        piece = sum((g["date"] >= b).astype(int) for b in cuts) if cuts else np.zeros(len(g), dtype=int)
        for _, part in g.groupby(piece, sort=True):
            ax.plot(part["date"], part["value"], color=NHS_MID_GREY, lw=1.1, zorder=2)
        ax.plot(g["date"], g["mean"], color=NHS_BLACK, lw=1, zorder=1, label="Mean" if first else "_nolegend_")
        ax.plot(
            g["date"],
            g["upper_process_limit"],
            color=NHS_DARK_GREY,
            lw=0.9,
            ls="--",
            zorder=1,
            label="Process limits" if first else "_nolegend_",
        )
        ax.plot(g["date"], g["lower_process_limit"], color=NHS_DARK_GREY, lw=0.9, ls="--", zorder=1)
        if not first:
            start = g["date"].iloc[0]
            ax.axvline(start, color=NHS_MID_GREY, lw=1, ls=":", zorder=0)
            when = f"{start:%b %Y}" if isinstance(start, pd.Timestamp) else str(start)
            ax.annotate(
                f"{rebase_label}\n({when})",
                xy=(start, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -2),
                textcoords="offset points",
                fontsize=7.5,
                va="top",
                color=NHS_DARK_GREY,
            )
    for when, label in breaks:
        ax.axvline(when, color=NHS_DARK_GREY, lw=1.1, ls=(0, (1, 2)), zorder=0)
        ax.annotate(
            label,
            xy=(when, 0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=7.5,
            va="bottom",
            color=NHS_DARK_GREY,
            bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8),
        )
    kind = data["point_type"].map(SPC_POINT_KIND)
    for key in ("common", "improvement", "concern", "neutral"):
        mask = kind == key
        if mask.any():
            st = SPC[key]
            ax.scatter(
                data.loc[mask, "date"],
                data.loc[mask, "value"],
                color=st["colour"],
                marker=st["marker"],
                s=marker_size,
                edgecolor=NHS_DARK_GREY,
                linewidth=0.4,
                zorder=3,
                label=st["label"],
            )
    if targets is None:
        targets = {} if result.target is None else {"Target": result.target}
    for label, value in targets.items():
        ax.axhline(value, color=NHS_RED, lw=1.2, ls=":", zorder=1)
        if label_targets:
            ax.annotate(
                label,
                xy=(0, value),
                xycoords=("axes fraction", "data"),
                xytext=(3, 3),
                textcoords="offset points",
                ha="left",
                fontsize=7.5,
                color=NHS_BLACK,
                bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8),
            )
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
        ax.legend(
            handles=spc_legend_handles(kinds, target=bool(targets)),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=3,
            fontsize=8,
        )
    return SPCChart(fig, ax, data, result.variation_text, result.assurance_text, result.notes)


def level_gap_scatter(
    df: pd.DataFrame,
    *,
    level: str,
    gap: str,
    significant: str,
    unit_column: str,
    highlight: str,
    label: str,
    england_level: float,
    england_gap: float,
    xlabel: str,
    ylabel: str,
    title: str = "",
    unit: str = "",
    gap_unit: str | None = None,
):
    """Every ICB's level of an indicator (x) against its gap between the most and least deprived
    (y), the NHS England North East and Yorkshire "level against gap" view.

    ``df``: one row per unit with ``level``, ``gap`` and ``significant`` (bool: the gap's 95%
    interval excludes zero). A statistically significant gap is a filled marker, one that is not
    is hollow, and the legend says so in words (never colour alone). The unit whose
    ``unit_column`` equals ``highlight`` is drawn large, dark and labelled with ``label``; the
    others are grey. Dashed lines at England's level and gap divide the chart into quadrants; a
    thin solid line marks no gap. ``unit`` / ``gap_unit`` suffix the tick labels (e.g. "%").
    """
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(8, 5.2))
    me = df[unit_column] == highlight
    rest = df[~me]
    sig = rest[significant].astype(bool)
    ax.scatter(
        rest.loc[sig, level],
        rest.loc[sig, gap],
        s=34,
        color=CONTEXT,
        edgecolors=NHS_DARK_GREY,
        linewidths=0.6,
        zorder=2,
    )
    ax.scatter(
        rest.loc[~sig, level],
        rest.loc[~sig, gap],
        s=34,
        facecolors="white",
        edgecolors=NHS_DARK_GREY,
        linewidths=0.9,
        zorder=2,
    )
    ax.axvline(england_level, color=NHS_BLACK, linestyle="--", linewidth=1, zorder=1)
    ax.axhline(england_gap, color=NHS_BLACK, linestyle="--", linewidth=1, zorder=1)
    ax.axhline(0, color=NHS_MID_GREY, linewidth=0.8, zorder=1)
    if me.any():
        row = df[me].iloc[0]
        filled = bool(row[significant])
        ax.scatter(
            [row[level]],
            [row[gap]],
            s=140,
            marker="D",
            zorder=4,
            linewidths=1.6,
            edgecolors=HIGHLIGHT,
            facecolors=HIGHLIGHT if filled else "white",
        )
        x_mid = float(np.nanmean(ax.get_xlim()))
        ax.annotate(
            label,
            (row[level], row[gap]),
            xytext=(10 if row[level] <= x_mid else -10, 10),
            textcoords="offset points",
            ha="left" if row[level] <= x_mid else "right",
            fontsize=9.5,
            fontweight="bold",
            color=HIGHLIGHT,
            path_effects=[matplotlib.patheffects.withStroke(linewidth=3, foreground="white")],
            zorder=5,
        )
    ax.annotate(
        "England",
        (england_level, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -2),
        textcoords="offset points",
        va="top",
        fontsize=8.5,
        color=NHS_BLACK,
    )
    ax.annotate(
        "England",
        (1.0, england_gap),
        xycoords=("axes fraction", "data"),
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=8.5,
        color=NHS_BLACK,
    )
    ax.xaxis.set_major_formatter(TickFormatter(unit))
    ax.yaxis.set_major_formatter(TickFormatter(unit if gap_unit is None else gap_unit))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    handles = []
    if me.any():
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="D",
                markersize=8,
                markeredgecolor=HIGHLIGHT,
                markerfacecolor=HIGHLIGHT if filled else "white",
                label=f"{label}: gap {'' if filled else 'not '}statistically significant",
            )
        )
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=7,
            color=CONTEXT,
            markeredgecolor=NHS_DARK_GREY,
            label="Other ICBs: gap statistically significant (filled)",
        ),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgecolor=NHS_DARK_GREY,
            label="Other ICBs: gap not statistically significant (hollow)",
        ),
        Line2D([], [], linestyle="--", color=NHS_BLACK, label="England"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2, fontsize=8.5)
    if title:
        ax.set_title(title)
    return fig


__all__ = [
    "CONTEXT",
    "DECILE_COLOURS",
    "FUNNEL_POINTS",
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
    "compact_number",
    "count_axis",
    "funnel_chart",
    "level_gap_scatter",
    "percent_axis",
    "plot_spc",
    "source_note",
    "spc_chart_data",
    "spc_legend_handles",
    "style",
]
