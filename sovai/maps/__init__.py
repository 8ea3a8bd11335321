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

Modules
-------
:mod:`~sovai.maps.results` (result types), :mod:`~sovai.maps.geometry` (projected, cached
Natural Earth layer; :func:`prepare`), :mod:`~sovai.maps.classification` (:func:`classify`,
palettes), :mod:`~sovai.maps.inputs` (frames to ISO3-indexed values), :mod:`~sovai.maps.regions`
(the region in focus, :func:`region_label`), :mod:`~sovai.maps.artists` (one panel's collections
and markers), :mod:`~sovai.maps.legend` (legend and caption) and :mod:`~sovai.maps.draw`
(:func:`choropleth`, :func:`small_multiples`), each importing only the ones listed before it.
Every public name is importable from ``sovai.maps``.
"""

from __future__ import annotations

from sovai.maps.artists import (
    BORDER,
    CONTEXT_FACE,
    MISSING_FACE,
    MISSING_HATCH,
    OCEAN_EDGE,
    SMALL_STATE_FRACTION,
)
from sovai.maps.classification import (
    DEFAULT_SEQUENTIAL,
    MAX_DISCRETE_CLASSES,
    OKABE_ITO,
    SCHEMES,
    classify,
    is_boolean,
)
from sovai.maps.draw import choropleth, small_multiples
from sovai.maps.geometry import DEFAULT_CRS, SIMPLIFY_KM, WORLD_LATITUDES, _crs, _layer, prepare
from sovai.maps.legend import MISSING_LABEL
from sovai.maps.regions import region_label
from sovai.maps.results import Classification, MapResult, MultiMapResult, PanelInfo

__all__ = [
    "BORDER",
    "CONTEXT_FACE",
    "DEFAULT_CRS",
    "DEFAULT_SEQUENTIAL",
    "MAX_DISCRETE_CLASSES",
    "MISSING_FACE",
    "MISSING_HATCH",
    "MISSING_LABEL",
    "OCEAN_EDGE",
    "OKABE_ITO",
    "SCHEMES",
    "SIMPLIFY_KM",
    "SMALL_STATE_FRACTION",
    "WORLD_LATITUDES",
    "Classification",
    "MapResult",
    "MultiMapResult",
    "PanelInfo",
    "choropleth",
    "classify",
    "is_boolean",
    "prepare",
    "region_label",
    "small_multiples",
    # private, used by tests/maps/
    "_crs",
    "_layer",
]
