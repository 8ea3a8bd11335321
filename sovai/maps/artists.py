"""Drawing one map panel onto an axes: :func:`_draw_panel` sorts every country into data,
"no data" and context, adds the three patch collections and the small-state markers (identified
by their ``gid``), frames the extent and returns the panel's :class:`~sovai.maps.results.PanelInfo`.
It also holds the fill, hatch and border colours, the small-state threshold and the ``gid`` names.
It draws no legend, caption or title and creates no figure (:mod:`sovai.maps.legend`,
:mod:`sovai.maps.draw`).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import PathPatch

from sovai.maps.geometry import _bbox_extent, _Layer, _outline
from sovai.maps.regions import _Focus
from sovai.maps.results import Classification, PanelInfo

MISSING_FACE = "#e0e0e0"
MISSING_HATCH = "#8a8a8a"
CONTEXT_FACE = "#f3f3f3"
BORDER = "#ffffff"
OCEAN_EDGE = "#b0b0b0"

#: Auto threshold for small-state markers: this fraction of the map extent's area.
SMALL_STATE_FRACTION = 2.5e-5

_GIDS = {"data": "sovai-data", "missing": "sovai-missing", "context": "sovai-context", "small": "sovai-small-states"}


def _draw_panel(
    ax,
    values: pd.Series,
    cls: Classification,
    layer: _Layer,
    focus: _Focus,
    crs_wkt: str,
    *,
    expected: frozenset[str],
    small_state_km2: float | None,
    marker_size: float,
    border_width: float,
) -> PanelInfo:
    table = layer.table
    iso = table["iso3"]
    has_geom = set(iso.dropna())
    data_codes = set(values.index)
    unmatched = sorted(data_codes - has_geom)
    keep = np.ones(len(table), dtype=bool)
    if "ATA" not in data_codes:  # Antarctica is not a country: left out unless it is in the data
        keep &= (iso != "ATA").fillna(True).to_numpy()
    if focus.bbox is not None:
        x0, y0, x1, y1 = _bbox_extent(focus.bbox, crs_wkt)
        import shapely

        in_focus = shapely.intersects(layer.lonlat, shapely.box(*focus.bbox))
        extent = (x0, y0, x1, y1)
    else:
        in_focus = (
            iso.isin(focus.iso3).fillna(False).to_numpy() if focus.iso3 is not None else np.ones(len(table), bool)
        )
        extent = None
    codes = cls.codes.reindex(iso.fillna("").to_numpy()).to_numpy()
    in_data = iso.isin(data_codes).fillna(False).to_numpy()
    valued = in_data & ~pd.isna(codes)
    valued[valued] = codes[valued] >= 0
    is_expected = iso.isin(expected).fillna(False).to_numpy()
    status = np.full(len(table), "context", dtype=object)
    status[in_focus & (in_data | is_expected)] = "missing"
    status[in_focus & valued] = "data"
    status[~keep] = "hidden"

    # extent
    if extent is None:
        sel = keep & (status != "context") if focus.iso3 is not None else keep
        if not sel.any():  # nothing coded in the focus: frame the focus countries, else the world
            sel = keep & in_focus if (keep & in_focus).any() else keep
        b = layer.main_bounds[sel] if focus.iso3 is not None else layer.bounds[sel]
        b = b[np.isfinite(b).all(axis=1)]
        extent = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    world = focus.iso3 is None and focus.bbox is None
    outline = _outline(crs_wkt) if world else None
    if outline is not None:  # frame for world maps
        ax.add_patch(PathPatch(outline, facecolor="none", edgecolor=OCEAN_EDGE, linewidth=0.5, zorder=0))
        ob = outline.get_extents()
        extent = (min(ob.x0, extent[0]), min(ob.y0, extent[1]), max(ob.x1, extent[2]), max(ob.y1, extent[3]))
    x0, y0, x1, y1 = extent
    pad = (0.005 if world else 0.05) * max(x1 - x0, y1 - y0)
    extent = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    # collections
    if focus.iso3 is not None or focus.bbox is not None:
        ex0, ey0, ex1, ey1 = extent
        b = layer.bounds
        visible = (b[:, 0] <= ex1) & (b[:, 2] >= ex0) & (b[:, 1] <= ey1) & (b[:, 3] >= ey0)
    else:
        visible = np.ones(len(table), bool)
    ctx = np.flatnonzero((status == "context") & visible)
    miss = np.flatnonzero(status == "missing")
    dat = np.flatnonzero(status == "data")
    ax.add_collection(
        PatchCollection(
            [PathPatch(layer.paths[i]) for i in ctx],
            facecolor=CONTEXT_FACE,
            edgecolor=BORDER,
            linewidth=border_width,
            gid=_GIDS["context"],
            zorder=1,
        ),
        autolim=False,
    )
    # hatch colour and width: set explicitly where matplotlib has the setters (>= 3.11), else
    # taken from rcParams when the collection is created
    with mpl.rc_context({"hatch.color": MISSING_HATCH, "hatch.linewidth": 0.35}):
        miss_coll = PatchCollection(
            [PathPatch(layer.paths[i]) for i in miss],
            facecolor=MISSING_FACE,
            edgecolor=BORDER,
            linewidth=border_width,
            hatch="//////",
            gid=_GIDS["missing"],
            zorder=2,
        )
    if hasattr(miss_coll, "set_hatchcolor"):
        miss_coll.set_hatchcolor(MISSING_HATCH)
        miss_coll.set_hatch_linewidth(0.35)
    ax.add_collection(miss_coll, autolim=False)
    face = [cls.colors[int(codes[i])] for i in dat]
    ax.add_collection(
        PatchCollection(
            [PathPatch(layer.paths[i]) for i in dat],
            facecolor=face,
            edgecolor=BORDER,
            linewidth=border_width,
            gid=_GIDS["data"],
            zorder=3,
        ),
        autolim=False,
    )
    # small states
    ex_area = (extent[2] - extent[0]) * (extent[3] - extent[1]) / (1e6 if not layer.is_geographic else 1 / 111.0**2)
    threshold = small_state_km2 if small_state_km2 is not None else SMALL_STATE_FRACTION * ex_area
    small = np.flatnonzero(np.isin(status, ["data", "missing"]) & (table["area_km2"].to_numpy() < threshold))
    small_face = [cls.colors[int(codes[i])] if status[i] == "data" else MISSING_FACE for i in small]
    ax.scatter(
        table["x"].to_numpy()[small],
        table["y"].to_numpy()[small],
        s=marker_size,
        c=small_face if len(small) else None,
        marker="o",
        edgecolors="#333333",
        linewidths=0.4,
        gid=_GIDS["small"],
        zorder=4,
    )
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_axis_off()

    drawn_data = set(iso[status == "data"])
    missing = sorted(set(iso[status == "missing"]))
    counts = cls.counts(sorted(drawn_data))
    counts["no data"] = len(missing)
    matched_all = sorted(data_codes & set(iso[keep]))
    in_focus_codes = set(iso[in_focus & keep].dropna())
    return PanelInfo(
        matched=sorted(c for c in matched_all if c in in_focus_codes),
        unmatched=unmatched,
        missing=missing,
        counts=counts,
        small_states=sorted(set(iso.iloc[small])),
        outside_focus=sorted(c for c in matched_all if c not in in_focus_codes),
        n_patches=len(dat),
        small_state_km2=float(threshold),
    )
