"""The two map functions, :func:`choropleth` (one map) and :func:`small_multiples` (one panel per
group on a shared classification), which put the pieces together: input handling, region focus,
geometry layer, classification, panel drawing, legend and caption, warnings; with the figure
creation and sizing. The pieces themselves live in the other submodules of :mod:`sovai.maps`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from sovai.maps.artists import _draw_panel
from sovai.maps.classification import classify
from sovai.maps.geometry import DEFAULT_CRS, _crs, _layer, _simplify_tolerance
from sovai.maps.inputs import _as_series, _panel_series
from sovai.maps.legend import MISSING_LABEL, _add_legend_and_caption, _caption, _legend_handles
from sovai.maps.regions import _resolve_region
from sovai.maps.results import Classification, MapResult, MultiMapResult, PanelInfo


def _fit_figure(fig, ax, figsize) -> None:
    """Size the figure to the map's aspect: ``figsize`` width, height at most ``figsize`` height."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    aspect = (y1 - y0) / (x1 - x0)
    width, max_height = figsize
    height = min(max_height, width * aspect)
    fig.set_size_inches(width, height)
    ax.apply_aspect()


def _new_figure(figsize) -> Figure:
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize)


def choropleth(
    frame: pd.DataFrame | pd.Series,
    column: str | None = None,
    *,
    scheme: str = "auto",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    labels: Mapping | Sequence[str] | None = None,
    fmt: str | None = None,
    projection=DEFAULT_CRS,
    region=None,
    scale: str = "50m",
    disputed: str = "de_jure",
    title: str | None = None,
    legend_title: str | None = None,
    source: str | None = None,
    expected: Iterable[str] | None = None,
    small_state_km2: float | None = None,
    simplify_km: float | None = None,
    figsize: tuple[float, float] = (7.5, 4.4),
    ax=None,
    legend: bool = True,
    warn_unmatched: bool = True,
    missing_label: str = MISSING_LABEL,
) -> MapResult:
    """Draw a choropleth of one country variable.

    Parameters
    ----------
    frame, column
        Data indexed by ISO3 (or with an ``iso3`` column) and the column to map; or a Series
        indexed by ISO3 (``column`` then unused). One row per country.
    scheme, k, bins, cmap, labels, fmt
        Classification and colours, see :func:`classify`.
    projection
        Any CRS pyproj understands (default Equal Earth, EPSG:8857).
    region
        ``None`` (world), a UN region, sub-region or intermediate region (``"Europe"``,
        ``"Western Africa"``), a World Bank region, a group (``"EU"``, ``"G20"``…), a list of
        countries (ISO3 or names), or a bounding box ``(lon_min, lat_min, lon_max, lat_max)``.
        Countries outside the focus are drawn as plain context and not counted.
    scale, disputed
        Natural Earth scale and treatment of disputed areas, see
        :func:`sovai.sources.natural_earth.load_countries`.
    title, legend_title, source
        Title, legend heading and the data-source line printed under the map (the Natural Earth
        source and licence line is always added).
    expected
        Countries that should have data: those without a value are drawn as "no data". Default:
        the 195 economies sovai codes (:func:`sovai.countries.target_countries`). Other features
        (territories, disputed areas) without data are plain context.
    small_state_km2
        Countries smaller than this (km²) are also drawn as circle markers. Default: 0.0025 % of
        the area of the map extent (≈ 12,000 km² on a world map).
    simplify_km
        Simplification tolerance in km (0 = none). Default: 5 km for world maps, 1 km for regional
        maps (:data:`SIMPLIFY_KM`), invisible at report resolution; it cuts the vertices (and SVG
        and PDF sizes) by 3–5 times. Small states are never lost (they also get markers).
    figsize, ax
        Figure size in inches (A4 width by default), or an existing axes to draw into.
    legend
        Draw the legend and caption.
    warn_unmatched
        Warn when data rows have no geometry (they are always listed in the result and caption).
    missing_label
        Legend label of the hatched countries without a value (``"not coded"`` for codings).

    Returns
    -------
    MapResult
        ``fig``, ``ax``, ``classification``, ``info`` (:class:`PanelInfo`: matched, unmatched,
        missing, counts, small states, number of patches) and ``caption``.
    """
    from sovai.countries import target_countries

    values = _as_series(frame, column)
    focus = _resolve_region(region)
    crs = _crs(projection)
    crs_wkt = crs.to_wkt()
    layer = _layer(scale, disputed, crs_wkt, _simplify_tolerance(simplify_km, focus))
    scope = values if focus.iso3 is None else values[values.index.isin(focus.iso3)]
    cls = classify(scope, scheme=scheme, k=k, bins=bins, cmap=cmap, labels=labels, fmt=fmt)
    # out-of-focus rows are drawn as context; give them a code so lookups work
    cls.codes = cls.codes.reindex(values.index, fill_value=-1)
    own_figure = ax is None
    fig = ax.figure if ax is not None else _new_figure(figsize)
    if own_figure:  # the map fills the figure; title, legend and caption extend it (tight bbox)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    info = _draw_panel(
        ax,
        values,
        cls,
        layer,
        focus,
        crs_wkt,
        expected=frozenset(expected) if expected is not None else frozenset(target_countries()),
        small_state_km2=small_state_km2,
        marker_size=9.0 if focus.iso3 is None and focus.bbox is None else 16.0,
        border_width=0.15 if focus.iso3 is None and focus.bbox is None else 0.3,
    )
    if own_figure:
        _fit_figure(fig, ax, figsize)
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    caption = _caption(source, layer.crs_name, info.unmatched)
    if legend:
        handles = _legend_handles(cls, info.counts, info.counts["no data"] > 0, bool(info.small_states), missing_label)
        _add_legend_and_caption(fig, [ax], handles, legend_title, caption, ncols=6, fontsize=8)
    if info.unmatched and warn_unmatched:
        warnings.warn(
            f"{len(info.unmatched)} country code(s) in the data have no geometry and are not drawn: {info.unmatched}",
            stacklevel=2,
        )
    return MapResult(fig, ax, cls, info, caption)


def small_multiples(
    frame: pd.DataFrame,
    column: str | None = None,
    *,
    by: str | None = None,
    panels: Sequence[str] | None = None,
    panel_titles: Mapping[str, str] | None = None,
    ncols: int = 2,
    scheme: str = "auto",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    labels: Mapping | Sequence[str] | None = None,
    fmt: str | None = None,
    projection=DEFAULT_CRS,
    region=None,
    scale: str = "50m",
    disputed: str = "de_jure",
    title: str | None = None,
    legend_title: str | None = None,
    source: str | None = None,
    expected: Iterable[str] | None = None,
    small_state_km2: float | None = None,
    simplify_km: float | None = None,
    panel_size: tuple[float, float] = (3.7, 2.0),
    warn_unmatched: bool = True,
    missing_label: str = MISSING_LABEL,
) -> MultiMapResult:
    """One map per panel (e.g. per stack layer) on one shared classification and legend.

    Parameters
    ----------
    frame
        Long form (``iso3``, ``by``, ``column``; iso3 may be the index) when ``by`` is given, or
        wide form (indexed by ISO3, one column per panel) with ``panels`` naming the columns.
    column
        Value column of the long form.
    by
        Column naming the panel of each row (e.g. ``"layer"``).
    panels
        Panels in display order (default: the categories of ``by`` in order of appearance, or
        required column names for the wide form). A panel without rows is drawn all "no data".
    panel_titles
        Display title per panel (default: the panel name with ``_`` as spaces).
    ncols, panel_size
        Grid columns and size of each panel in inches.
    scheme, k, bins, cmap, labels, fmt
        Classification, as in :func:`classify`; classes are computed on the values of all panels
        together so the colours mean the same in every panel.
    projection, region, scale, disputed, title, legend_title, source, expected, small_state_km2
        As in :func:`choropleth`.
    simplify_km, warn_unmatched
        As in :func:`choropleth`.

    Returns
    -------
    MultiMapResult
        ``fig``, ``axes`` and ``panels`` (one :class:`PanelInfo` each) keyed by panel name.
    """
    from sovai.countries import target_countries

    series = _panel_series(frame, column, by, panels)
    focus = _resolve_region(region)
    crs_wkt = _crs(projection).to_wkt()
    layer = _layer(scale, disputed, crs_wkt, _simplify_tolerance(simplify_km, focus))
    pooled = pd.concat([s.rename(None).set_axis([f"{name}\x1f{i}" for i in s.index]) for name, s in series.items()])
    if focus.iso3 is not None:
        pooled = pooled[[key.split("\x1f", 1)[1] in focus.iso3 for key in pooled.index]]
    if len(pooled) and not isinstance(pooled.dtype, pd.CategoricalDtype):
        first = next(iter(series.values()))
        if isinstance(first.dtype, pd.CategoricalDtype):
            pooled = pooled.astype(first.dtype)
    shared = classify(pooled.rename(column), scheme=scheme, k=k, bins=bins, cmap=cmap, labels=labels, fmt=fmt)
    n = len(series)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    legend_h = 0.9
    fig = _new_figure((panel_size[0] * ncols, panel_size[1] * nrows + legend_h + (0.3 if title else 0)))
    top = 1 - (0.3 / fig.get_figheight() if title else 0.0)
    bottom = legend_h / fig.get_figheight()
    cell_w, cell_h = 1 / ncols, (top - bottom) / nrows
    axes: dict[str, mpl.axes.Axes] = {}
    infos: dict[str, PanelInfo] = {}
    exp = frozenset(expected) if expected is not None else frozenset(target_countries())
    for j, (name, s) in enumerate(series.items()):
        r, c = divmod(j, ncols)
        ax = fig.add_axes((c * cell_w + 0.005, top - (r + 1) * cell_h + 0.01, cell_w - 0.01, cell_h - 0.05))
        codes = pd.Series([shared.codes.get(f"{name}\x1f{i}", -1) for i in s.index], index=s.index, dtype=int)
        cls = Classification(shared.labels, shared.colors, codes, shared.kind, shared.scheme, shared.bins)
        infos[name] = _draw_panel(
            ax,
            s,
            cls,
            layer,
            focus,
            crs_wkt,
            expected=exp,
            small_state_km2=small_state_km2,
            marker_size=3.0,
            border_width=0.08,
        )
        display = (panel_titles or {}).get(name, str(name).replace("_", " "))
        ax.set_title(f"{display}  ({missing_label}: {infos[name].counts['no data']})", fontsize=8, loc="left")
        axes[name] = ax
    if title:
        fig.suptitle(title, fontsize=11, x=0.01, ha="left", y=1 - 0.05 / fig.get_figheight())
    unmatched = sorted(set().union(*(i.unmatched for i in infos.values()))) if infos else []
    caption = _caption(source, layer.crs_name, unmatched)
    handles = _legend_handles(
        shared,
        None,
        any(i.counts["no data"] for i in infos.values()),
        any(i.small_states for i in infos.values()),
        missing_label,
    )
    _add_legend_and_caption(fig, list(axes.values()), handles, legend_title, caption, ncols=5, fontsize=8)
    if unmatched and warn_unmatched:
        warnings.warn(
            f"{len(unmatched)} country code(s) in the data have no geometry and are not drawn: {unmatched}",
            stacklevel=2,
        )
    return MultiMapResult(fig, axes, shared, infos, caption, unmatched)
