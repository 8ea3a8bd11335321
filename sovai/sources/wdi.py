"""World Bank World Development Indicators (per-indicator extracts; CC BY 4.0).

Each file ``worldbank_wdi/<CODE>.csv`` has columns ``Country Name, Country Code, Year, Value``;
the indicator name is the WDI code (units: see :func:`units`, taken from the datapackage title).
World Bank aggregates (``WLD``, ``EUU``, ``HIC``, regions, income groups…) are dropped by
whitelisting the economies of the reference table (Kosovo ``XKX`` and Channel Islands ``CHI``
are kept only where the reference table has them: ``XKX`` yes, ``CHI`` no).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from sovai import registry
from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, read_csv, tidy

SOURCE = "worldbank_wdi"


def available() -> list[str]:
    """WDI indicator codes pinned in the registry."""
    return sorted(k.split("/", 1)[1][: -len(".csv")] for k in registry.keys(SOURCE) if k.endswith(".csv"))


@cache
def units() -> dict[str, str]:
    """Indicator code → title with unit (e.g. ``"GDP (current US$)"``)."""
    out = {}
    for code in available():
        meta = json.loads(registry.fetch(f"{SOURCE}/{code}.datapackage.json").read_text(encoding="utf-8"))
        out[code] = meta.get("title", code)
    return out


@cache
def _load_one(code: str) -> pd.DataFrame:
    key = f"{SOURCE}/{code}.csv"
    df = read_csv(key, required=["Country Code", "Year", "Value"], keep_default_na=False, na_values=[""])
    df = keep_reference_codes(df.rename(columns={"Country Code": "iso3"}))
    return tidy(df, indicator=code, value="Value", year="Year")


def load(codes: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` for the given WDI codes (default: all pinned).

    Raises
    ------
    KeyError
        A code that is not pinned in the registry (the message lists the available codes).
    """
    if isinstance(codes, str):
        codes = [codes]
    codes = list(codes) if codes is not None else available()
    unknown = [c for c in codes if c not in available()]
    if unknown:
        raise KeyError(f"WDI indicator(s) {unknown} not pinned; available: {available()}")
    return pd.concat([_load_one(c) for c in codes], ignore_index=True)


#: Derived autonomy ratios: id → (numerator code, other code); value = 100 × a / (a + b).
RATIOS = {
    "ip_royalty_receipts_share": ("BX.GSR.ROYL.CD", "BM.GSR.ROYL.CD"),
    "resident_patent_share": ("IP.PAT.RESD", "IP.PAT.NRES"),
}


@cache
def load_ratios() -> pd.DataFrame:
    """Tidy autonomy ratios from pairs of WDI series (:data:`RATIOS`), in percent:

    ``ip_royalty_receipts_share``
        IP charges received / (received + paid): 50 = balanced; low = a technology importer;
    ``resident_patent_share``
        resident patent applications / all applications filed in the country.

    Country-years where either series is missing or negative (balance-of-payments revisions),
    or both are 0, are left out.
    """
    frames = []
    for name, (a, b) in RATIOS.items():
        wide = load([a, b]).pivot_table(index=["iso3", "year"], columns="indicator", values="value", aggfunc="first")
        wide = wide.dropna()
        wide = wide[(wide[a] >= 0) & (wide[b] >= 0)]
        total = wide[a] + wide[b]
        share = (100.0 * wide[a] / total.where(total > 0)).dropna()
        frames.append(share.rename("value").reset_index().assign(indicator=name))
    out = pd.concat(frames, ignore_index=True)[["iso3", "year", "indicator", "value"]]
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
