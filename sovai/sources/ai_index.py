"""Stanford AI Index 2022 public data as processed by Our World in Data (2016–2021; 25 countries
for bills). Old and narrow: a fallback, not a ranking input. Licence: **unknown — flagged**
(AI Index CC BY-ND 4.0, OWID CC BY 4.0); attribution required.

``Private_investment_ai.csv`` mixes countries and investment focus areas in ``Entity``; only rows
with a by-country value are countries. Non-country entities map to ``null`` in
``data/countries/ai_index.countries.json``.
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources._common import read_csv, tidy

FILES = {
    "ai_bills_cumulative": ("owid_ai_index_2022/AI_bills.csv", "number_ai_bills_cumulative"),
    "ai_legislative_mentions": (
        "owid_ai_index_2022/legislative_proceedings.csv",
        "number_mentions_AI_legislative_proceedings",
    ),
    "ai_private_investment_usd": (
        "owid_ai_index_2022/Private_investment_ai.csv",
        "total_private_investment_by_country",
    ),
}


@cache
def load() -> pd.DataFrame:
    """Tidy ``ai_bills_cumulative``, ``ai_legislative_mentions``, ``ai_private_investment_usd``."""
    parts = []
    for indicator, (key, col) in FILES.items():
        df = read_csv(key, required=["Entity", "Year", col])
        df = df[pd.to_numeric(df[col], errors="coerce").notna()]
        names = df["Entity"].astype(str).unique().tolist()
        codes = dict(zip(names, to_iso3(names, source="ai_index"), strict=True))
        df = df.assign(iso3=df["Entity"].map(codes)).dropna(subset=["iso3"])
        parts.append(tidy(df, indicator=indicator, value=col, year="Year"))
    return pd.concat(parts, ignore_index=True)
