"""The result types of the maps: :class:`Classification` (classes, colours and each country's
class), :class:`PanelInfo` (what one panel drew), :class:`MapResult` and :class:`MultiMapResult`
(returned by :func:`~sovai.maps.choropleth` and :func:`~sovai.maps.small_multiples`) and their
printable summary. Plain containers: nothing here classifies, loads geometries or draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure


@dataclass
class Classification:
    """Classes of a variable: labels and colours in legend order, and each country's class.

    ``codes`` maps ISO3 to the class index (``-1`` = no value). ``kind`` is one of ``boolean``,
    ``ordinal``, ``nominal``, ``discrete`` (one class per integer) or ``continuous``; ``scheme``
    and ``bins`` (upper bounds) are set for continuous data.
    """

    labels: list[str]
    colors: list[str]
    codes: pd.Series
    kind: str
    scheme: str | None = None
    bins: list[float] | None = None

    def counts(self, iso3: Iterable[str]) -> dict[str, int]:
        """Countries per class label among ``iso3`` (classes with zero countries included)."""
        sel = self.codes.reindex(list(iso3)).dropna().astype(int)
        sel = sel[sel >= 0]
        n = np.bincount(sel.to_numpy(), minlength=len(self.labels))
        return {label: int(c) for label, c in zip(self.labels, n)}


@dataclass
class PanelInfo:
    """What one map panel shows.

    Attributes
    ----------
    matched
        ISO3 of data rows drawn on a geometry (with a value or as "no data"), sorted.
    unmatched
        ISO3 of data rows with no geometry in the layer (not drawn), sorted.
    missing
        ISO3 drawn as "no data": expected countries without a value, sorted.
    counts
        Countries drawn per class label (legend order), plus ``"no data"``.
    small_states
        ISO3 drawn as markers because they are too small to see, sorted.
    outside_focus
        Data rows with a geometry outside the region in focus (drawn as context, not counted).
    n_patches
        Paths in the ``sovai-data`` collection (= countries drawn with a value).
    """

    matched: list[str]
    unmatched: list[str]
    missing: list[str]
    counts: dict[str, int]
    small_states: list[str]
    outside_focus: list[str]
    n_patches: int
    small_state_km2: float


@dataclass
class MapResult:
    """Figure, axes and what was drawn, returned by :func:`choropleth`."""

    fig: Figure
    ax: mpl.axes.Axes
    classification: Classification
    info: PanelInfo
    caption: str

    @property
    def matched(self) -> list[str]:
        """ISO3 of data rows drawn on a geometry."""
        return self.info.matched

    @property
    def unmatched(self) -> list[str]:
        """ISO3 of data rows with no geometry (listed under the map)."""
        return self.info.unmatched

    @property
    def counts(self) -> dict[str, int]:
        """Countries per legend class, plus ``"no data"``."""
        return self.info.counts

    def summary(self) -> str:
        """One line per fact, for printing in a notebook."""
        return _summary(self.info)


@dataclass
class MultiMapResult:
    """Figure, axes per panel and per-panel results, returned by :func:`small_multiples`."""

    fig: Figure
    axes: dict[str, mpl.axes.Axes]
    classification: Classification
    panels: dict[str, PanelInfo]
    caption: str
    unmatched: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Per-panel summary lines, for printing in a notebook."""
        return "\n".join(f"[{name}] " + _summary(info).replace("\n", "; ") for name, info in self.panels.items())


def _summary(info: PanelInfo) -> str:
    counts = ", ".join(f"{k}: {v}" for k, v in info.counts.items())
    lines = [
        f"matched {len(info.matched)} countries; {info.n_patches} drawn with a value",
        f"classes: {counts}",
        f"unmatched (no geometry, not drawn): {', '.join(info.unmatched) if info.unmatched else 'none'}",
        f"small states shown as markers: {len(info.small_states)}",
    ]
    if info.outside_focus:
        lines.append(f"outside the region in focus: {len(info.outside_focus)}")
    return "\n".join(lines)
