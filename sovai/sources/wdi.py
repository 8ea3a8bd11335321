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
from functools import cache

import pandas as pd

from sovai import registry
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
