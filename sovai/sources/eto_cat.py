"""ETO/CSET Country Activity Tracker: AI — articles, citations, patents, AI-company investment by
country and year, 2016–2026 (licence unverified: flag; investment from commercial databases).

Cite: Emerging Technology Observatory (CSET, Georgetown), *Country Activity Tracker: AI*.
Country names are ETO's (mapped in ``data/countries/eto_cat.countries.json``); groups (NATO, EU,
continents…), patent offices (EPO, WIPO…) and the ambiguous "Congo" are mapped to null and
dropped. Only field ``"All"`` is used. Years ETO flags as incomplete (``complete == False``) are
dropped: publications 2025–2026, patent applications 2022–2025, investment 2026. A country
absent from a file means no records, not a measured zero (missing).
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources._common import read_csv

FOLDER = "eto_country_activity_tracker"
SOURCE = "eto_cat"
#: indicator id → (file, value column). Investment in US$ millions (ETO convention).
SERIES = {
    "eto_ai_articles": ("publications_yearly_articles.csv", "num_articles"),
    "eto_ai_citations": ("publications_yearly_citations.csv", "num_citations"),
    "eto_ai_patent_applications": ("patents_yearly_applications.csv", "num_patent_applications"),
    "eto_ai_investment": ("companies_yearly_disclosed.csv", "disclosed_investment"),
}
#: Files whose ``complete`` flag is used; citations have none and follow the articles' flag.
_COMPLETE_FROM = {"eto_ai_citations": "eto_ai_articles"}


@cache
def _raw(name: str) -> pd.DataFrame:
    return read_csv(f"{FOLDER}/{name}", required=["country", "field", "year"])


def names() -> list[str]:
    """Every country/group spelling in the files used (for the country mapping)."""
    return sorted({str(n).strip() for name, _ in SERIES.values() for n in _raw(name)["country"].dropna()})


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of :data:`SERIES` (field "All", complete years only)."""
    incomplete: dict[str, set[int]] = {}
    frames = []
    for indicator, (name, col) in SERIES.items():
        df = _raw(name)
        df = df[df["field"] == "All"].copy()
        if "complete" in df.columns:
            flag = df["complete"].astype(str).str.lower() == "true"
            incomplete[indicator] = set(df.loc[~flag, "year"].astype(int))
        bad = incomplete.get(_COMPLETE_FROM.get(indicator, indicator), set())
        df = df[~df["year"].astype(int).isin(bad)]
        df["country"] = df["country"].astype(str).str.strip()
        uniq = sorted(df["country"].unique())
        codes = dict(zip(uniq, to_iso3(uniq, source=SOURCE), strict=True))
        df["iso3"] = df["country"].map(codes)
        df = df[df["iso3"].notna()]
        frames.append(
            pd.DataFrame(
                {
                    "iso3": df["iso3"],
                    "year": df["year"],
                    "indicator": indicator,
                    "value": pd.to_numeric(df[col], errors="coerce"),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).dropna()
    out = out.groupby(["indicator", "iso3", "year"], as_index=False)["value"].sum()
    out = out[["iso3", "year", "indicator", "value"]].astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
