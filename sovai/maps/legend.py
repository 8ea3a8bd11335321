"""The legend and the caption under a map: the legend entries (classes with counts, the hatched
"no data" or "not coded" entry, the small-state marker), the caption text (data source, Natural
Earth boundaries and licence, projection, countries not mapped) and their placement under the
panels. It does not draw the map panels themselves (:mod:`sovai.maps.artists`).
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sovai.maps.artists import MISSING_FACE, MISSING_HATCH
from sovai.maps.results import Classification

#: Legend label of hatched countries: "no data" for measured data; maps of the categorical
#: codings say "not coded" (no value sourced yet; never read as "no").
MISSING_LABEL = "no data"


def _legend_handles(
    cls: Classification,
    counts: dict[str, int] | None,
    any_missing: bool,
    any_small: bool,
    missing_label: str = MISSING_LABEL,
):
    handles = []
    for label, color in zip(cls.labels, cls.colors):
        text = f"{label} (n = {counts[label]})" if counts is not None else label
        handles.append(Patch(facecolor=color, edgecolor="#888888", linewidth=0.4, label=text))
    if any_missing:
        text = f"{missing_label} (n = {counts['no data']})" if counts is not None else missing_label
        with mpl.rc_context({"hatch.color": MISSING_HATCH, "hatch.linewidth": 0.5}):
            handles.append(Patch(facecolor=MISSING_FACE, edgecolor="#888888", hatch="/////", linewidth=0.4, label=text))
    if any_small:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="#ffffff",
                markeredgecolor="#333333",
                markersize=5,
                label="small state (marker)",
            )
        )
    return handles


def _caption(source: str | None, crs_name: str, unmatched: list[str]) -> str:
    from sovai.registry import source_line

    boundaries = source_line("natural_earth").removeprefix("Source: ")
    lines = [source.strip() if source else "Source: data as given by the caller (no source stated)"]
    lines.append(f"Boundaries: {boundaries}. Projection: {crs_name}.")
    if unmatched:
        shown = ", ".join(unmatched[:20]) + (f" and {len(unmatched) - 20} more" if len(unmatched) > 20 else "")
        lines.append(f"Not mapped (no geometry): {shown}.")
    return "\n".join(lines)


def _add_legend_and_caption(fig, axes, handles, title, caption, *, ncols: int, fontsize: float):
    """Legend centred under the maps, and the source caption under the legend (left-aligned)."""
    for a in axes:
        a.apply_aspect()
    x0 = min(a.get_position().x0 for a in axes)
    x1 = max(a.get_position().x1 for a in axes)
    y0 = min(a.get_position().y0 for a in axes)
    # as many columns as fit under the map (entry width estimated from the longest label)
    width_in = (x1 - x0) * fig.get_figwidth()
    longest = max((len(h.get_label()) for h in handles), default=10)
    entry_in = 0.4 + longest * fontsize * 0.55 / 72
    ncols = max(1, min(ncols, len(handles), int(width_in // entry_in)))
    legend = fig.legend(
        handles=handles,
        title=title,
        loc="upper center",
        bbox_to_anchor=((x0 + x1) / 2, y0 - 0.005),
        ncols=ncols,
        frameon=False,
        fontsize=fontsize,
        title_fontsize=fontsize,
        handlelength=1.6,
        handleheight=1.1,
        columnspacing=1.2,
    )
    legend.set_gid("sovai-legend")
    # wrap the caption to the width of the map (at least ~60 characters)
    import textwrap

    chars = max(60, int(width_in * 72 / ((fontsize - 1.5) * 0.52)))
    wrapped = "\n".join(textwrap.fill(line, chars, break_on_hyphens=False) for line in caption.splitlines())
    ann = fig.add_artist(
        mpl.text.Annotation(
            wrapped,
            xy=(x0, 0),
            xycoords=(fig.transFigure, legend),
            xytext=(0, -4),
            textcoords="offset points",
            fontsize=fontsize - 1.5,
            color="#444444",
            va="top",
            ha="left",
            gid="sovai-caption",
        )
    )
    return legend, ann
