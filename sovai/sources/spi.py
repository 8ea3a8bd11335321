"""World Bank Statistical Performance Indicators, 2021-era release (scores to 2019; CC BY 4.0).

Cite: World Bank, *Statistical Performance Indicators* (github.com/worldbank/SPI). Stale: the
latest score year is 2019. Pillars (0–100): data use, data services, data products, data
sources, data infrastructure; the overall SPI is their mean and is not loaded.
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, read_csv

KEY = "worldbank_spi_2021/SPI_index.csv"
PILLARS = {
    "SPI.INDEX.PIL1": "spi_data_use",
    "SPI.INDEX.PIL2": "spi_data_services",
    "SPI.INDEX.PIL3": "spi_data_products",
    "SPI.INDEX.PIL4": "spi_data_sources",
    "SPI.INDEX.PIL5": "spi_data_infrastructure",
}


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of the five SPI pillars (``date`` = score year)."""
    df = read_csv(KEY, required=["iso3c", "date", *PILLARS], encoding="utf-8-sig")
    df = keep_reference_codes(df.rename(columns={"iso3c": "iso3"}))
    long = df.melt(id_vars=["iso3", "date"], value_vars=list(PILLARS), var_name="code", value_name="value")
    out = pd.DataFrame(
        {
            "iso3": long["iso3"],
            "year": long["date"],
            "indicator": long["code"].map(PILLARS),
            "value": pd.to_numeric(long["value"], errors="coerce"),
        }
    ).dropna()
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
