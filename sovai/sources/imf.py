"""IMF World Economic Outlook, October 2025 — GDP in current US$ and PPP (DataMapper exports).

Licence: IMF copyright and usage terms (flag: not a CC licence; attribution required). Cite:
International Monetary Fund, *World Economic Outlook Database*, October 2025 (indicators
``NGDPD`` and ``PPPGDP``). Covers Taiwan, which the World Bank WDI does not; used to fill the
GDP denominator of the panel where WDI has no value (:mod:`sovai.panel`).

The files are OLE2 ``.xls`` exports that xlrd reads only with ``ignore_workbook_corruption``.
Rows are economies (IMF English names, mapped in ``data/countries/imf.countries.json``), then IMF
groups (mapped to null, dropped) and a "©IMF, 2025" footer. Values after 2024 are projections
(:data:`LAST_ACTUAL_YEAR`); missing values are the string ``"no data"``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from sovai import registry
from sovai.countries import to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache

SOURCE = "imf"
FILES = {
    "imf_gdp_usd": "imf_weo_oct2025_gdp/imf-dm-export-20251119_MER.xls",
    "imf_gdp_ppp": "imf_weo_oct2025_gdp/imf-dm-export-20251119_PPP.xls",
}
#: Later years are IMF projections.
LAST_ACTUAL_YEAR = 2024


@cache
def _read(key: str) -> pd.DataFrame:
    path = registry.fetch(key)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' xlrd deprecation notice
            df = pd.read_excel(path, engine="xlrd", engine_kwargs={"ignore_workbook_corruption": True})
    except ImportError as exc:
        raise ImportError(f"{key}: reading IMF .xls exports needs xlrd>=2.0 (pip install xlrd)") from exc
    name_col = df.columns[0]
    if "GDP" not in str(name_col):
        raise InputFileError(
            key, f"first column should be the indicator title, found {name_col!r}", column=str(name_col)
        )
    df = df.rename(columns={name_col: "name"})
    df = df[df["name"].notna()]
    df["name"] = df["name"].astype(str).str.strip()
    return df[~df["name"].str.startswith("©")].reset_index(drop=True)


def names() -> list[str]:
    """Every economy/group spelling in the two files (for the country mapping)."""
    return sorted({n for key in FILES.values() for n in _read(key)["name"]})


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value``: ``imf_gdp_usd`` (current US$) and ``imf_gdp_ppp``
    (current international $), 1980–2030, converted from billions. Years after
    :data:`LAST_ACTUAL_YEAR` are projections; groups are dropped.
    """
    frames = []
    for indicator, key in FILES.items():
        df = _read(key)
        df["iso3"] = to_iso3(df["name"].tolist(), source=SOURCE)
        df = df[df["iso3"].notna()]
        years = [c for c in df.columns if isinstance(c, int)]
        if not years:
            raise InputFileError(key, "no year columns found")
        long = df.melt(id_vars=["iso3"], value_vars=years, var_name="year", value_name="value")
        long["value"] = pd.to_numeric(long["value"], errors="coerce") * 1e9  # "no data" → NaN
        long = long.dropna(subset=["value"])
        long["indicator"] = indicator
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)[["iso3", "year", "indicator", "value"]]
    dup = out[out.duplicated(["iso3", "year", "indicator"], keep=False)]
    if len(dup):
        raise InputFileError(FILES["imf_gdp_usd"], f"economies mapped twice: {sorted(set(dup['iso3']))}")
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
