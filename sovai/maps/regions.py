"""The region in focus: :func:`_resolve_region` turns the ``region`` parameter (world, a UN or
World Bank region, a group, a list of countries or a lon/lat bounding box) into a :class:`_Focus`
(the countries in focus, or the box, and a label), and :func:`region_label` names it for titles.
Lon/lat only: projecting the box to the map's CRS is in :mod:`sovai.maps.geometry`; nothing here
draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
