"""Our World in Data grapher extracts: electricity (Ember/EI), internet use (ITU), political regime
(V-Dem Regimes of the World) and AI publications (CSET). All CC BY 4.0 (V-Dem CC BY-SA 4.0).

OWID codes are ISO3 except ``OWID_*`` aggregates (dropped) and ``OWID_KOS`` (Kosovo → ``XKX``).
Rows with an empty code are regional aggregates (e.g. "ASEAN (Ember)") and are dropped.
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, read_csv, tidy

#: Columns of ``share-elec-by-source.csv`` that count as low-carbon generation.
LOW_CARBON_COLUMNS = ["HydroPc", "SolarPc", "WindPc", "NuclearPc", "OtherRenewPc", "BioenergyPc"]


def _codes(df: pd.DataFrame, column: str = "Code") -> pd.DataFrame:
    df = df.rename(columns={column: "iso3"})
    df["iso3"] = df["iso3"].replace({"OWID_KOS": "XKX"})
    return keep_reference_codes(df[df["iso3"].fillna("") != ""])


def _read(key: str, required: list[str]) -> pd.DataFrame:
    return _codes(read_csv(key, required=required, keep_default_na=False, na_values=[""]))


@cache
def load_electricity() -> pd.DataFrame:
    """Electricity: ``electricity_generation_twh`` (TWh), ``electricity_per_capita_kwh`` (kWh per
    person) and ``low_carbon_share_pct`` (% of generation from hydro, solar, wind, nuclear, other
    renewables and bioenergy).
    """
    gen = _read("owid_electricity/electricity-generation.csv", ["Code", "Year", "Electricity generation - TWh"])
    pc = _read(
        "owid_electricity/per-capita-electricity-generation.csv", ["Code", "Year", "Per capita electricity - kWh"]
    )
    mix = _read("owid_electricity/share-elec-by-source.csv", ["Code", "Year", *LOW_CARBON_COLUMNS])
    mix["low_carbon"] = mix[LOW_CARBON_COLUMNS].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
    return pd.concat(
        [
            tidy(gen, indicator="electricity_generation_twh", value="Electricity generation - TWh", year="Year"),
            tidy(pc, indicator="electricity_per_capita_kwh", value="Per capita electricity - kWh", year="Year"),
            tidy(mix, indicator="low_carbon_share_pct", value="low_carbon", year="Year"),
        ],
        ignore_index=True,
    )


@cache
def load_internet_users() -> pd.DataFrame:
    """``internet_users_pct``: share of the population using the Internet (%, ITU)."""
    col = "Share of the population using the Internet"
    df = _read("owid_internet_users/share-of-individuals-using-the-internet.csv", ["Code", "Year", col])
    return tidy(df, indicator="internet_users_pct", value=col, year="Year")


@cache
def load_political_regime() -> pd.DataFrame:
    """``regime_row``: Regimes of the World, 0 closed autocracy, 1 electoral autocracy,
    2 electoral democracy, 3 liberal democracy (V-Dem; 2025 = V-Dem v16).
    """
    df = _read("owid_political_regime/political-regime.csv", ["Code", "Year", "Political regime"])
    return tidy(df, indicator="regime_row", value="Political regime", year="Year")


@cache
def load_ai_publications(vintage: str = "2016-2024") -> pd.DataFrame:
    """``ai_publications``: annual AI scholarly publications (CSET Country Activity Tracker).

    ``vintage="2016-2024"`` (default, newer) or ``"2013-2023"`` (the 2024 CSET vintage).
    """
    if vintage == "2016-2024":
        key, col = (
            "cset_owid_ai_publications/ai_publications_cset_owid__ai-inputs-atlas.csv",
            "AI scholarly publications - Field: All",
        )
    elif vintage == "2013-2023":
        key, col = (
            "cset_owid_ai_publications/annual-scholarly-publications-on-artificial-intelligence.csv",
            "Number of articles - Field: All",
        )
    else:
        raise ValueError(f"vintage must be '2016-2024' or '2013-2023', got {vintage!r}")
    df = _read(key, ["Code", "Year", col])
    return tidy(df, indicator="ai_publications", value=col, year="Year")
