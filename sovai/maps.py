"""World and regional choropleths of country data on Natural Earth polygons.

:func:`choropleth` draws one map, :func:`small_multiples` one panel per group (stack layer) on a
shared scale. Both take a frame indexed by ISO3 (or with an ``iso3`` column) and return a result
object listing what was matched, what was not and how many countries fall in each class, so
notebooks can print it and tests can inspect it.

Drawing model (what tests count)
--------------------------------
Each country is **one** matplotlib path (all its islands and holes), in one of three
:class:`~matplotlib.collections.PatchCollection` objects identified by their ``gid``:

- ``"sovai-data"``: countries with a value, coloured by class (one path per country);
- ``"sovai-missing"``: countries expected in the data (by default the 195 economies sovai codes)
  with no value, hatched light grey — counted in the legend as "no data (n = …)" ("not coded"
  on maps of the categorical codings: an uncoded cell is never shown as "no");
- ``"sovai-context"``: everything else (territories, disputed areas, countries outside the
  region in focus), plain light grey, not counted.

States too small to see at the map's scale (area below a threshold) are also drawn as circle
markers in their class colour, in a scatter collection with ``gid="sovai-small-states"``, so no
coded country disappears. Countries of the data with no geometry are never dropped silently: they
are returned as ``unmatched``, warned about, and named under the map.

Geometries are reprojected once per (scale, CRS) and cached as matplotlib paths.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

#: Default projection: Equal Earth (equal-area), centred on Greenwich.
DEFAULT_CRS = "EPSG:8857"

#: Okabe & Ito (2008) colour-blind-safe qualitative palette (black left out: it hides borders).
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]

#: Default sequential colour map (ordinal, boolean, discrete and continuous data): low = light.
DEFAULT_SEQUENTIAL = "viridis_r"

#: Classification schemes for continuous data (``"natural_breaks"`` is an alias of Fisher–Jenks).
SCHEMES = ("auto", "quantiles", "fisher_jenks", "natural_breaks", "equal_interval", "user_defined")

#: Integer data with at most this many consecutive values is shown one class per value.
MAX_DISCRETE_CLASSES = 12

MISSING_FACE = "#e0e0e0"
MISSING_HATCH = "#8a8a8a"
CONTEXT_FACE = "#f3f3f3"
BORDER = "#ffffff"
OCEAN_EDGE = "#b0b0b0"

#: Auto threshold for small-state markers: this fraction of the map extent's area.
SMALL_STATE_FRACTION = 2.5e-5

_GIDS = {"data": "sovai-data", "missing": "sovai-missing", "context": "sovai-context", "small": "sovai-small-states"}


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# geometry layer (cached per scale and CRS)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    table: pd.DataFrame  # iso3, name, kind, area_km2, x, y (projected label point); positional index
    paths: tuple[Path, ...]
    bounds: np.ndarray  # (n, 4) full bounds in the CRS
    main_bounds: np.ndarray  # (n, 4) bounds of the parts near the label point (for zooming)
    crs_name: str
    is_geographic: bool
    lonlat: np.ndarray  # the unprojected geometries (EPSG:4326), for bounding-box selection


def _crs(projection) -> object:
    import pyproj

    try:
        return pyproj.CRS.from_user_input(projection)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"parameter 'projection': not a CRS pyproj understands: {projection!r} ({exc})") from exc


@cache
def _equal_area(scale: str, disputed: str):
    """Geometries in Equal Earth (for areas and distances), independent of the display CRS."""
    from sovai.sources.natural_earth import load_countries

    world = load_countries(scale, disputed=disputed)
    return world, world.to_crs(DEFAULT_CRS)


@cache
def _layer(scale: str, disputed: str, crs_wkt: str, simplify_km: float) -> _Layer:
    import geopandas as gpd
    import pyproj
    import shapely

    world, ea = _equal_area(scale, disputed)
    crs = pyproj.CRS.from_wkt(crs_wkt)
    proj = gpd.GeoSeries(_cut_at_antimeridian(world.geometry.values, _central_meridian(crs)), crs=world.crs)
    proj = proj.to_crs(crs).to_frame("geometry")
    geoms = np.asarray(proj.geometry.values, dtype=object)
    if simplify_km > 0:
        # Douglas-Peucker (10x faster than the topology-preserving variant); a geometry that
        # collapses (Tuvalu, Monaco…: smaller than the tolerance) keeps its original outline
        tol = simplify_km * 1000 if not crs.is_geographic else simplify_km / 111.0
        simple = shapely.simplify(geoms, tol, preserve_topology=False)
        collapsed = shapely.is_empty(simple) | ~shapely.is_valid(simple)
        geoms = np.where(collapsed, geoms, simple)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    labels = gpd.GeoSeries(gpd.points_from_xy(world["label_x"], world["label_y"]), crs="EPSG:4326")
    label_proj = labels.to_crs(crs)
    table = pd.DataFrame(
        {
            "iso3": world["iso3"].astype("string").to_numpy(),
            "name": world["name"].to_numpy(),
            "kind": world["kind"].to_numpy(),
            "area_km2": (ea.geometry.area / 1e6).to_numpy(),
            "x": label_proj.x.to_numpy(),
            "y": label_proj.y.to_numpy(),
        }
    )
    finite = np.isfinite(table["x"]) & np.isfinite(table["y"])
    if not finite.all():  # a label point outside the projection's domain: use the part's point
        rep = shapely.point_on_surface(geoms[~finite.to_numpy()])
        table.loc[~finite, "x"] = shapely.get_x(rep)
        table.loc[~finite, "y"] = shapely.get_y(rep)
    paths = tuple(_to_path(g) for g in geoms)
    bounds = shapely.bounds(geoms)
    main_bounds = _main_bounds(ea, world, proj.geometry.values, bounds)
    return _Layer(table, paths, bounds, main_bounds, _crs_label(crs), crs.is_geographic, world.geometry.values)


def _crs_label(crs) -> str:
    """A readable name of the CRS for the caption (PROJ strings have the name "unknown")."""
    if crs.name and crs.name.lower() != "unknown":
        return crs.name
    op = crs.coordinate_operation
    if op is not None:
        return f"{op.method_name} (central meridian {_central_meridian(crs):g}°)"
    return crs.to_string()


def _central_meridian(crs) -> float:
    """The projection's central meridian (degrees; 0 when it has none, e.g. a geographic CRS)."""
    op = crs.coordinate_operation
    for param in op.params if op is not None else []:
        name = param.name.lower()
        if "longitude" in name and any(w in name for w in ("origin", "centre", "center", "central")):
            return float(param.value)
    return 0.0


def _cut_at_antimeridian(geoms, lon0: float):
    """Split the geometries along the meridian opposite ``lon0`` so that no polygon wraps around
    the edge of a map centred on ``lon0`` (no-op for maps centred on Greenwich)."""
    import shapely

    cut = (lon0 + 360.0) % 360.0 - 180.0  # the meridian opposite lon0, in [-180, 180)
    if abs(cut + 180.0) < 1e-9:
        return geoms
    geoms = np.asarray(geoms, dtype=object).copy()
    crossing = shapely.intersects(geoms, shapely.LineString([(cut, -90.0), (cut, 90.0)]))
    if crossing.any():
        eps = 1e-7
        west = shapely.box(-180.0, -90.0, cut - eps, 90.0)
        east = shapely.box(cut + eps, -90.0, 180.0, 90.0)
        sub = geoms[crossing]
        geoms[crossing] = shapely.union(shapely.intersection(sub, west), shapely.intersection(sub, east))
    return geoms


def _to_path(geom) -> Path:
    """One compound path for a (multi)polygon: every ring a closed sub-path."""
    import shapely

    if geom is None or geom.is_empty:
        return Path(np.zeros((0, 2)))
    rings = shapely.get_rings(shapely.get_parts(geom))
    verts, codes = [], []
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        if len(xy) < 3 or not np.isfinite(xy).all():
            continue
        c = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
        c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
        verts.append(xy)
        codes.append(c)
    if not verts:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(verts), np.concatenate(codes))


def _main_bounds(
    ea, world, display_geoms, full_bounds, reach_km: float = 2500.0, min_share: float = 0.01
) -> np.ndarray:
    """Bounds of the main parts of each feature: its largest part, and the parts within
    ``reach_km`` of its label point that have at least ``min_share`` of the largest part's area.

    Used only to zoom on a region, so that French Guiana or the Canary Islands do not stretch a
    map of Europe, nor the Prince Edward Islands a map of Africa. Everything is still drawn.
    """
    import shapely

    out = full_bounds.copy()
    label_ea = shapely.points(
        *np.asarray(
            __import__("pyproj")
            .Transformer.from_crs("EPSG:4326", DEFAULT_CRS, always_xy=True)
            .transform(world["label_x"].to_numpy(), world["label_y"].to_numpy())
        )
    )
    for i, (g_ea, g_disp) in enumerate(zip(ea.geometry.values, display_geoms)):
        parts_ea = shapely.get_parts(g_ea)
        parts_disp = shapely.get_parts(g_disp)
        if len(parts_ea) <= 1 or len(parts_ea) != len(parts_disp):
            continue
        area = shapely.area(parts_ea)
        near = (shapely.distance(parts_ea, label_ea[i]) <= reach_km * 1000) & (area >= min_share * area.max())
        near |= area == area.max()
        b = shapely.bounds(parts_disp[near])
        if np.isfinite(b).all():
            out[i] = [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]
    return out


#: Latitude band of the world-map frame (Antarctica is left out; land reaches 84°N).
WORLD_LATITUDES = (-60.0, 85.0)


@cache
def _outline(crs_wkt: str) -> Path | None:
    """The projected frame of a world map: the meridians opposite the central meridian and the
    parallels of :data:`WORLD_LATITUDES`, densified (None if the projection cannot show it)."""
    import pyproj

    crs = pyproj.CRS.from_wkt(crs_wkt)
    lon0 = _central_meridian(crs)
    south, north = WORLD_LATITUDES
    east, west = lon0 + 180.0 - 1e-7, lon0 - 180.0 + 1e-7
    lat = np.linspace(south, north, 146)
    lon = np.linspace(east, west, 361)
    lons = np.concatenate([np.full_like(lat, east), lon, np.full_like(lat, west), lon[::-1]])
    lats = np.concatenate([lat, np.full_like(lon, north), lat[::-1], np.full_like(lon, south)])
    xs, ys = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lons, lats)
    xy = np.column_stack([xs, ys])
    if not np.isfinite(xy).all():
        return None
    return Path(np.vstack([xy, xy[:1]]), closed=True)


#: Default simplification tolerance (km) of world maps and of regional maps: far below a pixel
#: of a report figure (a world map at A4 width and 200 dpi has pixels of ~25 km).
SIMPLIFY_KM = {"world": 5.0, "region": 1.0}


def _simplify_tolerance(simplify_km: float | None, focus) -> float:
    if simplify_km is None:
        world = focus.iso3 is None and focus.bbox is None
        return SIMPLIFY_KM["world" if world else "region"]
    if simplify_km < 0:
        raise ValueError(f"parameter 'simplify_km': expected a tolerance ≥ 0 km, got {simplify_km!r}")
    return float(simplify_km)


def prepare(
    scale: str = "50m", projection=DEFAULT_CRS, *, disputed: str = "de_jure", simplify_km: float | None = None
) -> None:
    """Load and reproject the geometries ahead of time (they are cached for later world maps).

    ``simplify_km=None`` prepares the default tolerance of world maps (:data:`SIMPLIFY_KM`).
    """
    tol = SIMPLIFY_KM["world"] if simplify_km is None else float(simplify_km)
    _layer(scale, disputed, _crs(projection).to_wkt(), tol)


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------


def is_boolean(s: pd.Series) -> bool:
    """Whether ``s`` holds booleans only (a boolean dtype, or objects that are all True/False)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    if s.dtype == object:
        vals = set(s.dropna().tolist())
        return bool(vals) and vals <= {True, False}
    return False


def _sequential(n: int, cmap) -> list[str]:
    if isinstance(cmap, Sequence) and not isinstance(cmap, str):
        return _take_colors(list(cmap), n, "cmap")
    cm = mpl.colormaps[cmap or DEFAULT_SEQUENTIAL]
    if n == 1:
        return [to_hex(cm(0.5))]
    lo, hi = (0.15, 0.9) if n <= 3 else (0.04, 0.96)  # few classes: avoid the palette's extremes
    return [to_hex(cm(x)) for x in np.linspace(lo, hi, n)]


def _qualitative(n: int, cmap) -> list[str]:
    if isinstance(cmap, Sequence) and not isinstance(cmap, str):
        return _take_colors(list(cmap), n, "cmap")
    if cmap is None:
        if n <= len(OKABE_ITO):
            return OKABE_ITO[:n]
        warnings.warn(
            f"{n} nominal categories exceed the {len(OKABE_ITO)} colour-blind-safe Okabe-Ito colours; "
            "using 'tab20', which is not colour-blind safe. Group categories or pass cmap=",
            stacklevel=3,
        )
        cmap = "tab20"
    cm = mpl.colormaps[cmap]
    count = getattr(cm, "N", 256)
    if count <= 24:
        return [to_hex(cm(i % count)) for i in range(n)]
    return [to_hex(cm(x)) for x in np.linspace(0, 1, n)]


def _take_colors(colors: list, n: int, parameter: str) -> list[str]:
    if len(colors) < n:
        raise ValueError(f"parameter {parameter!r}: {len(colors)} colours given for {n} classes")
    return [to_hex(c) for c in colors[:n]]


def _number_format(values: Sequence[float]) -> str:
    finite = [abs(v) for v in values if np.isfinite(v)]
    top = max(finite) if finite else 1.0
    if finite and all(float(v).is_integer() for v in values if np.isfinite(v)):
        return "{:,.0f}" if top >= 10_000 else "{:.0f}"  # no separator in years and ranks
    digits = (
        0 if top >= 100 else (1 if top >= 10 else (2 if top >= 1 else min(4, 2 - math.floor(math.log10(top or 1)))))
    )
    return "{:,.%sf}".replace("%s", str(digits))


def classify(
    values: pd.Series,
    *,
    scheme: str = "auto",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    labels: Mapping | Sequence[str] | None = None,
    fmt: str | None = None,
) -> Classification:
    """Assign each country to a class and each class a colour.

    Parameters
    ----------
    values
        Values indexed by ISO3; missing values get class ``-1``.
    scheme
        ``"auto"``: booleans → two classes (no, yes); ordered categoricals → their categories in
        order, sequential palette; unordered categoricals and strings → their categories,
        qualitative palette (Okabe–Ito); integers spanning at most 12 values → one class per
        value; other numbers → quantiles. For numbers: ``"quantiles"``, ``"fisher_jenks"``
        (``"natural_breaks"``), ``"equal_interval"`` or ``"user_defined"`` (with ``bins``),
        computed with :mod:`mapclassify`.
    k
        Number of classes for the continuous schemes.
    bins
        Upper class bounds for ``"user_defined"`` (implied when given with ``"auto"``); a class
        for values above the last bound is added when needed.
    cmap
        Matplotlib colour-map name or a list of colours. Defaults: ``viridis_r`` (sequential,
        light = low) and Okabe–Ito (nominal).
    labels
        Display labels: a mapping from category (or ``True``/``False``) to label, or a list in
        class order.
    fmt
        Format for bin bounds, e.g. ``"{:.1f}"`` (chosen from the data by default).

    Raises
    ------
    ValueError
        Unknown scheme, a scheme that does not fit the data type, ``k`` < 2, or bad ``bins``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"parameter 'scheme': unknown scheme {scheme!r}; expected one of {SCHEMES}")
    if bins is not None and scheme == "auto":
        scheme = "user_defined"
    s = values
    if s.dtype == object and not is_boolean(s):
        as_num = pd.to_numeric(s, errors="coerce")
        if as_num.notna().sum() == s.notna().sum():  # numbers stored as objects
            s = as_num
    categorical = isinstance(s.dtype, pd.CategoricalDtype)
    textual = pd.api.types.is_string_dtype(s.dtype) and not is_boolean(s)
    if is_boolean(s) or categorical or textual:
        if scheme != "auto":
            raise ValueError(
                f"parameter 'scheme': {scheme!r} applies to numeric data; column {s.name!r} is "
                f"{'boolean' if is_boolean(s) else 'categorical'} (use scheme='auto')"
            )
        if is_boolean(s):
            cats, kind = [False, True], "boolean"
            default_labels = ["no", "yes"]
            codes = s.map(lambda v: -1 if pd.isna(v) else int(bool(v)))
            colors = _sequential(2, cmap)
        else:
            if categorical:
                cats = list(s.cat.categories)
                kind = "ordinal" if s.cat.ordered else "nominal"
            else:
                cats = sorted(s.dropna().astype(str).unique())
                kind = "nominal"
            default_labels = [str(c).replace("_", " ") for c in cats]
            lookup = {c: i for i, c in enumerate(cats)}
            codes = s.map(lambda v: -1 if pd.isna(v) else lookup[v if categorical else str(v)])
            colors = _sequential(len(cats), cmap) if kind == "ordinal" else _qualitative(len(cats), cmap)
        out_labels = _apply_labels(default_labels, cats, labels)
        return Classification(out_labels, colors, codes.astype(int), kind)

    if not pd.api.types.is_numeric_dtype(s.dtype):
        raise ValueError(f"column {s.name!r}: cannot map dtype {s.dtype}; expected boolean, categorical or numeric")
    x = pd.to_numeric(s, errors="coerce").astype("float64")
    x = x.where(np.isfinite(x))
    present = x.dropna()
    if present.empty:
        return Classification([], [], pd.Series(-1, index=s.index, dtype=int), "continuous", scheme, [])
    integral = bool((present == present.round()).all())
    span = int(present.max() - present.min()) + 1 if integral else None
    if scheme == "auto" and integral and span <= MAX_DISCRETE_CLASSES:
        cats = list(range(int(present.min()), int(present.max()) + 1))
        codes = x.map(lambda v: -1 if pd.isna(v) else int(v) - cats[0])
        default_labels = [f"{c:d}" for c in cats]
        return Classification(
            _apply_labels(default_labels, cats, labels), _sequential(len(cats), cmap), codes.astype(int), "discrete"
        )
    import mapclassify

    if scheme == "auto":
        scheme = "quantiles"
    if scheme == "natural_breaks":
        scheme = "fisher_jenks"
    if scheme != "user_defined" and (not isinstance(k, int | np.integer) or k < 2):
        raise ValueError(f"parameter 'k': expected an integer ≥ 2, got {k!r}")
    y = present.to_numpy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=".*Numba not installed.*")
        if scheme == "quantiles":
            clf = mapclassify.Quantiles(y, k=k)
        elif scheme == "fisher_jenks":
            clf = mapclassify.FisherJenks(y, k=min(k, len(np.unique(y))))
        elif scheme == "equal_interval":
            clf = mapclassify.EqualInterval(y, k=k)
        else:
            if bins is None or len(bins) == 0:
                raise ValueError("parameter 'bins': scheme 'user_defined' needs a list of upper class bounds")
            if list(bins) != sorted(bins):
                raise ValueError(f"parameter 'bins': bounds must increase, got {list(bins)}")
            clf = mapclassify.UserDefined(y, bins=list(bins))
    for w in caught:
        warnings.warn(f"column {s.name!r}, scheme {scheme!r}: {w.message}", stacklevel=2)
    upper = [float(b) for b in clf.bins]
    lower = [float(y.min())] + upper[:-1]
    if integral:  # integers (ranks, counts): class (b0, b1] holds floor(b0) + 1 … floor(b1)
        shown_hi = [math.floor(b) for b in upper]
        shown_lo = [int(y.min())] + [math.floor(b) + 1 for b in upper[:-1]]
    else:
        shown_lo, shown_hi = lower, upper
    f = fmt or _number_format([*shown_lo, *shown_hi])
    default_labels = []
    for i, (lo, hi) in enumerate(zip(shown_lo, shown_hi)):
        if i == 0 and lo > hi:  # user bins below the data: nothing in the first class
            default_labels.append(f"≤ {f.format(hi)}")
        elif integral and lo == hi:
            default_labels.append(f.format(hi))
        else:
            default_labels.append(f"{f.format(lo)} – {f.format(hi)}")
    codes = pd.Series(-1, index=s.index, dtype=int)
    codes.loc[present.index] = np.asarray(clf.yb, dtype=int)
    return Classification(
        _apply_labels(default_labels, upper, labels), _sequential(len(upper), cmap), codes, "continuous", scheme, upper
    )


def _apply_labels(default: list[str], cats: list, labels) -> list[str]:
    if labels is None:
        return default
    if isinstance(labels, Mapping):
        return [str(labels.get(c, d)) for c, d in zip(cats, default)]
    labels = list(labels)
    if len(labels) != len(default):
        raise ValueError(f"parameter 'labels': {len(labels)} labels given for {len(default)} classes")
    return [str(v) for v in labels]


# --------------------------------------------------------------------------------------------
# input handling and region focus
# --------------------------------------------------------------------------------------------


def _as_series(frame: pd.DataFrame | pd.Series, column: str | None) -> pd.Series:
    if isinstance(frame, pd.Series):
        s = frame
    else:
        if column is None:
            raise ValueError("parameter 'column': required when a DataFrame is given")
        if column not in frame.columns:
            raise ValueError(f"parameter 'column': {column!r} is not a column; columns are {list(frame.columns)}")
        if "iso3" in frame.columns:
            s = frame.set_index("iso3")[column]
        else:
            s = frame[column]
    idx = pd.Index(s.index.astype("string").str.strip().str.upper(), name="iso3")
    s = pd.Series(s.to_numpy(), index=idx, name=column or s.name, dtype=s.dtype)
    if idx.isna().any():
        raise ValueError(f"{int(idx.isna().sum())} row(s) have no iso3 code; every row must name a country")
    dup = idx[idx.duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"iso3 must be unique (one row per country); duplicated: {sorted(dup)}")
    return s


@dataclass(frozen=True)
class _Focus:
    iso3: frozenset[str] | None  # None = every feature
    bbox: tuple[float, float, float, float] | None  # lon/lat
    label: str


def _resolve_region(region) -> _Focus:
    from sovai import countries

    if region is None or (isinstance(region, str) and region.strip().lower() in ("", "world", "all")):
        return _Focus(None, None, "World")
    if isinstance(region, tuple | list) and len(region) == 4 and all(isinstance(v, int | float) for v in region):
        lon0, lat0, lon1, lat1 = map(float, region)
        if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
            raise ValueError(
                f"parameter 'region': a bounding box is (lon_min, lat_min, lon_max, lat_max) in degrees, got {region!r}"
            )
        return _Focus(None, (lon0, lat0, lon1, lat1), f"{lon0:g}…{lon1:g}°E, {lat0:g}…{lat1:g}°N")
    if isinstance(region, str):
        name = region.strip()
        if name.upper() in countries.GROUPS:
            return _Focus(frozenset(countries.members(name)), None, name.upper())
        ref = countries.reference_table()
        for col in ("un_region", "un_subregion", "un_intermediate_region", "wb_region"):
            vals = ref[col].astype("string")
            hit = vals.str.casefold() == name.casefold()
            if hit.fillna(False).any():
                return _Focus(
                    frozenset(ref.index[hit.fillna(False).to_numpy()]), None, str(vals[hit.fillna(False)].iloc[0])
                )
        try:
            return _Focus(frozenset(countries.resolve_countries([name], parameter="region")), None, name)
        except ValueError:
            pass
        options = sorted(
            set(ref["un_region"].dropna()) | set(ref["un_subregion"].dropna()) | set(ref["wb_region"].dropna())
        )
        raise ValueError(
            f"parameter 'region': {region!r} is neither a region, a group ({', '.join(countries.GROUPS)}) nor a "
            f"country; regions: {options}"
        )
    if isinstance(region, Iterable):
        codes = countries.resolve_countries(list(region), parameter="region")
        return _Focus(frozenset(codes), None, ", ".join(codes) if len(codes) <= 4 else f"{len(codes)} countries")
    raise ValueError(f"parameter 'region': unsupported value {region!r}")


def region_label(region) -> str:
    """How a map names the ``region`` parameter in its title: ``"World"``, the region or group
    name, the countries (up to four) or the bounding box in degrees."""
    return _resolve_region(region).label


def _bbox_extent(bbox, crs_wkt: str) -> tuple[float, float, float, float]:
    import pyproj

    lon0, lat0, lon1, lat1 = bbox
    t = np.linspace(0, 1, 50)
    lons = np.concatenate([lon0 + (lon1 - lon0) * t, np.full(50, lon1), lon1 - (lon1 - lon0) * t, np.full(50, lon0)])
    lats = np.concatenate([np.full(50, lat0), lat0 + (lat1 - lat0) * t, np.full(50, lat1), lat1 - (lat1 - lat0) * t])
    xs, ys = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS.from_wkt(crs_wkt), always_xy=True).transform(
        lons, lats
    )
    ok = np.isfinite(xs) & np.isfinite(ys)
    return float(xs[ok].min()), float(ys[ok].min()), float(xs[ok].max()), float(ys[ok].max())


# --------------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------------


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


def _panel_series(frame, column, by, panels) -> dict[str, pd.Series]:
    if by is not None:
        if column is None:
            raise ValueError("parameter 'column': the value column is required with 'by'")
        df = frame.reset_index() if "iso3" not in frame.columns else frame
        for col, par in ((by, "by"), (column, "column"), ("iso3", "frame")):
            if col not in df.columns:
                raise ValueError(f"parameter {par!r}: column {col!r} not found; columns are {list(df.columns)}")
        order = list(panels) if panels is not None else list(dict.fromkeys(df[by].astype(str)))
        out = {}
        for name in order:
            sub = df[df[by].astype(str) == str(name)]
            out[str(name)] = _as_series(sub[["iso3", column]], column)
        extra = sorted(set(df[by].astype(str)) - set(map(str, order)))
        if extra:
            warnings.warn(f"parameter 'panels': rows of {by}={extra} are not shown (not in panels)", stacklevel=3)
        return out
    if panels is None:
        raise ValueError("parameter 'panels': name the columns to map (wide form), or give 'by' (long form)")
    return {str(p): _as_series(frame, p) for p in panels}
