"""UN E-Government Survey 2022 and 2024 — EGDI components (UN terms, no explicit licence: flag).

Cite: UN DESA, *United Nations E-Government Survey* 2024 / 2022. The 2024 copy has renamed
columns (:data:`COLUMNS_2024`); names are UN English names with trailing spaces (stripped,
mapped in ``data/countries/egov.countries.json``). Only the components are loaded (the EGDI is
their mean): Online Service Index, Human Capital Index, Telecommunication Infrastructure Index,
E-Participation Index, each 0–1. Taiwan, Kosovo and Palestine are not covered.
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources._common import read_csv

FOLDER = "un_egov_survey"
SOURCE = "egov"
INDICATORS = {
    "egov_online_service": ("Online Service Index", "Online_Service"),
    "egov_human_capital": ("Human Capital Index", "Human_Capital"),
    "egov_telecom_infrastructure": ("Telecommunication Infrastructure Index", "Tele_Infra"),
    "egov_e_participation": ("E-Participation Index", "E_Participation"),
}
FILES = {2022: ("EGOV_DATA_2022.csv", "Country Name"), 2024: ("EGOV_DATA_2024.csv", "Country")}


@cache
def _raw(year: int) -> pd.DataFrame:
    name, country = FILES[year]
    pos = 0 if year == 2022 else 1
    cols = [v[pos] for v in INDICATORS.values()]
    df = read_csv(f"{FOLDER}/{name}", required=[country, *cols])
    return df.rename(columns={country: "country", **{v[pos]: k for k, v in INDICATORS.items()}})


def names() -> list[str]:
    """Every country spelling of the two editions (stripped)."""
    return sorted({str(n).strip() for y in FILES for n in _raw(y)["country"].dropna()})


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` (year = survey year, 2022 and 2024; index 0–1)."""
    frames = []
    for year in FILES:
        df = _raw(year).copy()
        df["country"] = df["country"].astype(str).str.strip()
        df["iso3"] = to_iso3(df["country"].tolist(), source=SOURCE)
        df = df[df["iso3"].notna()]
        for ind in INDICATORS:
            frames.append(
                pd.DataFrame(
                    {
                        "iso3": df["iso3"],
                        "year": year,
                        "indicator": ind,
                        "value": pd.to_numeric(df[ind], errors="coerce"),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True).dropna()
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
