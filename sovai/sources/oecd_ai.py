"""OECD.AI National AI Policies & Strategies (2,216 initiatives, 80 jurisdictions), via
``lsempe77/ai-governance-capacity`` (Feb 2026), which adds LLM-scored capacity/ethics scores
(the repo author's, not OECD's). Licence: **unknown — flagged**; OECD.AI metadata: attribution.

International bodies (``is_international``) and the European Union are not countries and are
mapped to ``null`` in ``data/countries/oecd_ai.countries.json``; the EU is kept separately as
``EUU`` in :func:`load_initiatives`.
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources._common import read_csv

KEY = "oecd_ai_policy_initiatives/master_dataset.csv"


@cache
def load_initiatives() -> pd.DataFrame:
    """One row per initiative: ``entry_id, title, jurisdiction, iso3, year, policy_type,
    binding_nature, capacity_score, ethics_score`` (``iso3`` = ``EUU`` for the EU, NA for
    international bodies).
    """
    df = read_csv(KEY, required=["entry_id", "title", "jurisdiction", "year", "policy_type", "binding_nature"])
    df = df[df["jurisdiction"].notna()]  # a few documents carry no jurisdiction: not attributable
    names = df["jurisdiction"].astype(str).unique().tolist()
    codes = dict(zip(names, to_iso3(names, source="oecd_ai"), strict=True))
    df["iso3"] = df["jurisdiction"].map(codes).astype("string")
    df.loc[df["jurisdiction"] == "European Union", "iso3"] = "EUU"
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    cols = [
        "entry_id",
        "title",
        "jurisdiction",
        "iso3",
        "year",
        "policy_type",
        "binding_nature",
        "capacity_score",
        "ethics_score",
    ]
    return df[cols].sort_values(["iso3", "year", "entry_id"]).reset_index(drop=True)


@cache
def load(since: int = 2017) -> pd.DataFrame:
    """``ai_policy_initiatives``: cumulative count of OECD.AI initiatives per country up to each
    year from ``since`` (countries only; EU and international bodies excluded).
    """
    df = load_initiatives()
    df = df[df["iso3"].notna() & (df["iso3"] != "EUU") & df["year"].notna()]
    years = range(since, int(df["year"].max()) + 1)
    rows = [
        {"iso3": iso3, "year": y, "indicator": "ai_policy_initiatives", "value": float((g["year"] <= y).sum())}
        for iso3, g in df.groupby("iso3")
        for y in years
    ]
    out = pd.DataFrame(rows).astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)
