"""UN World Population Prospects 2024 — probabilistic projections, median total population.

Licence: CC BY 3.0 IGO. Cite: United Nations, DESA, Population Division (2024), *World
Population Prospects 2024*, probabilistic projections (file PPP/POPTOT). Covers Taiwan and
Kosovo, which WDI ``SP.POP.TOTL`` lacks (Taiwan); used to fill the population denominator of
the panel where WDI has no value. Years **2024–2100 only**, all projections from the 2023 base.
"""

from __future__ import annotations

import pandas as pd

from sovai import registry
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, require_columns
from sovai.sources._parsed import parsed
from sovai.sources._xlsx import read_xlsx

KEY = "un_wpp2024_population/UN_PPP2024_Output_PopTot.xlsx"


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value``: ``un_population`` (persons; median variant,
    converted from thousands), rows of ``Type == "Country/Area"`` in the reference table.
    """

    def parse() -> pd.DataFrame:
        df = read_xlsx(registry.fetch(KEY), "Median", header=16)
        require_columns(df, ["ISO3 Alpha-code", "Type", 2024], KEY)
        return df

    df = parsed(KEY, "wpp-median-v2", parse)
    df = df[df["Type"] == "Country/Area"].rename(columns={"ISO3 Alpha-code": "iso3"})
    if df.empty:
        raise InputFileError(KEY, "no 'Country/Area' rows in sheet Median", column="Type")
    df = keep_reference_codes(df)
    years = [c for c in df.columns if isinstance(c, int)]
    long = df.melt(id_vars=["iso3"], value_vars=years, var_name="year", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce") * 1000.0
    long = long.dropna(subset=["value"])
    long["indicator"] = "un_population"
    out = long[["iso3", "year", "indicator", "value"]].astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)
