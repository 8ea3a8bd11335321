"""The geometry layer: Natural Earth countries projected to a CRS and cached as matplotlib paths
per (scale, disputed, CRS, simplification), with the CRS parsing and naming, the cut at the
antimeridian of off-Greenwich projections, the zoom bounds of each country's main parts, the
world-map outline, the simplification tolerance, :func:`prepare` (warm the cache) and the
projection of a lon/lat bounding box. Geometry only: it does not classify values, decide which
countries are in focus or draw anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.path import Path

from sovai.provenance import cache

#: Default projection: Equal Earth (equal-area), centred on Greenwich.
DEFAULT_CRS = "EPSG:8857"


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
