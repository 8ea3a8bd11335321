"""Natural Earth Admin-0 country polygons (1:50m and 1:110m) with a clean ``iso3`` column.

The raw zip (``natural_earth/ne_<scale>_admin_0_countries.zip``, public domain) is read in place
with pyogrio; nothing is extracted or written. :func:`load_countries` returns one row per
geometry with a *unique* ISO 3166-1 alpha-3 code (``XKX`` for Kosovo), so data can be joined
one-to-one.

How the Natural Earth quirks are handled (see ``../shared/data/raw/natural_earth/SOURCE.md``):

- ``ISO_A3`` is ``-99`` for France and Norway (and others): the code is taken from
  ``ISO_A3_EH`` ("either hyphen"), which fills FRA and NOR.
- Kosovo (``ADM0_A3`` KOS, ``ISO_A3_EH`` -99) becomes ``XKX``, the code World Bank/UN data and
  sovai use.
- ``ISO_A3_EH`` is not unique at 1:50m: Indian Ocean Territories (IOA) and Ashmore and Cartier
  Islands (ATC) carry AUS. Rows sharing a code are dissolved into one geometry (the attributes of
  the row whose ``ADM0_A3`` equals the code are kept), so ``iso3`` is unique.
- Areas that are not UN-recognised states: with ``disputed="de_jure"`` (default) Somaliland (SOL)
  is merged into Somalia and Northern Cyprus (CYN) into Cyprus, as in UN practice; with
  ``disputed="de_facto"`` they stay separate features without an ``iso3``. The Siachen Glacier
  (KAS, claimed by India and Pakistan) always stays a separate feature without an ``iso3``.
- Taiwan (TWN), Hong Kong (HKG) and Macao (MAC) are separate features, as in the data.
- Dependencies and territories keep their own ISO code (Greenland GRL, Puerto Rico PRI,
  Western Sahara ESH, Palestine PSE…); they are not merged into their sovereign.
- France's geometry includes French Guiana and the other overseas departments (NE's choice),
  so a choropleth colours them as France.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd

from sovai import registry
from sovai.provenance import cache

#: Registry key of each available scale.
SCALES = {
    "50m": "natural_earth/ne_50m_admin_0_countries.zip",
    "110m": "natural_earth/ne_110m_admin_0_countries.zip",
}

#: Source folder for :func:`sovai.registry.source_line`.
SOURCE_FOLDER = "natural_earth"

#: ``ADM0_A3`` → ISO3 where ``ISO_A3_EH`` is wrong or missing for our purposes.
ISO3_BY_ADM0 = {"KOS": "XKX"}

#: Features merged into a UN-recognised state under ``disputed="de_jure"`` (``ADM0_A3`` → ISO3).
DE_JURE_MERGE = {"SOL": "SOM", "CYN": "CYP"}

#: Features that never get an ISO3 code (disputed areas that are not an economy).
NO_ISO3 = {"KAS"}

#: Columns of the frame returned by :func:`load_countries` (plus ``geometry``).
COLUMNS = ["iso3", "name", "adm0_a3", "kind", "sovereign_a3", "label_x", "label_y", "merged_from"]

_READ_COLUMNS = ["ADM0_A3", "ISO_A3_EH", "NAME", "TYPE", "SOV_A3", "LABEL_X", "LABEL_Y"]


def load_countries(scale: str = "50m", *, disputed: Literal["de_jure", "de_facto"] = "de_jure") -> gpd.GeoDataFrame:
    """Natural Earth Admin-0 countries with a clean, unique ``iso3`` column (cached).

    Parameters
    ----------
    scale
        ``"50m"`` (default; small states such as Singapore, Bahrain and Malta exist) or ``"110m"``
        (coarser; 48 small economies have no polygon).
    disputed
        ``"de_jure"`` merges Somaliland into Somalia and Northern Cyprus into Cyprus;
        ``"de_facto"`` keeps them as separate features with ``iso3`` missing.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature, CRS EPSG:4326, sorted by ``adm0_a3``, with columns ``iso3``
        (``string``, unique where present; missing only for areas that are not an economy),
        ``name`` (NE short name), ``adm0_a3`` (NE's own unique code), ``kind`` (NE ``TYPE``:
        ``Sovereign country``, ``Country``, ``Dependency``, ``Disputed``, ``Indeterminate``…),
        ``sovereign_a3``, ``label_x``/``label_y`` (NE label point, degrees; inside the main part
        of the country), ``merged_from`` (``ADM0_A3`` codes dissolved into the row,
        ``;``-separated, empty if none) and ``geometry``. A fresh copy is returned on every
        call; the file is read once per ``(scale, disputed)``.

    Raises
    ------
    ValueError
        Unknown ``scale`` or ``disputed``.
    """
    if scale not in SCALES:
        raise ValueError(f"parameter 'scale': unknown scale {scale!r}; expected one of {sorted(SCALES)}")
    if disputed not in ("de_jure", "de_facto"):
        raise ValueError(f"parameter 'disputed': expected 'de_jure' or 'de_facto', got {disputed!r}")
    return _load(scale, disputed).copy()


@cache
def _read_raw(scale: str) -> gpd.GeoDataFrame:
    path = registry.fetch(SCALES[scale])
    return gpd.read_file(f"zip://{path}", columns=_READ_COLUMNS, engine="pyogrio")


@cache
def _load(scale: str, disputed: str) -> gpd.GeoDataFrame:
    raw = _read_raw(scale)
    adm0 = raw["ADM0_A3"].astype("string")
    code = raw["ISO_A3_EH"].astype("string").where(lambda s: s != "-99")
    for a3, iso3 in ISO3_BY_ADM0.items():
        code = code.mask(adm0 == a3, iso3)
    if disputed == "de_jure":
        for a3, iso3 in DE_JURE_MERGE.items():
            code = code.mask(adm0 == a3, iso3)
    code = code.mask(adm0.isin(NO_ISO3))
    frame = gpd.GeoDataFrame(
        {
            "iso3": code,
            "name": raw["NAME"].astype("string"),
            "adm0_a3": adm0,
            "kind": raw["TYPE"].astype("string"),
            "sovereign_a3": raw["SOV_A3"].astype("string"),
            "label_x": raw["LABEL_X"].astype(float),
            "label_y": raw["LABEL_Y"].astype(float),
            "merged_from": pd.Series("", index=raw.index, dtype="string"),
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    frame = _dissolve_duplicates(frame)
    coded = frame["iso3"].dropna()
    assert coded.is_unique, f"iso3 not unique after dissolving: {coded[coded.duplicated(keep=False)].tolist()}"
    return frame.sort_values("adm0_a3", kind="mergesort").reset_index(drop=True)


def _dissolve_duplicates(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge features sharing an ISO3 into the feature whose ``ADM0_A3`` equals the code."""
    dup_codes = frame["iso3"].dropna()
    dup_codes = sorted(set(dup_codes[dup_codes.duplicated()]))
    if not dup_codes:
        return frame
    keep = ~frame["iso3"].isin(dup_codes).fillna(False)
    merged_rows = []
    for iso3 in dup_codes:
        rows = frame[frame["iso3"] == iso3]
        main = rows[rows["adm0_a3"] == iso3]
        if len(main) != 1:  # no row carries the code itself: keep the largest feature's attributes
            main = rows.loc[[rows.geometry.area.idxmax()]]
        row = main.copy()
        row["geometry"] = [rows.geometry.union_all()]
        others = sorted(set(rows["adm0_a3"]) - set(main["adm0_a3"]))
        row["merged_from"] = ";".join(others)
        merged_rows.append(row)
    return gpd.GeoDataFrame(pd.concat([frame[keep], *merged_rows]), crs=frame.crs)
