"""OpenAlex counts of 2024 works tagged "Artificial intelligence" / "Machine learning" by author
country (raw API responses retrieved 2026-05-06; CC0).

Cite: OurResearch, OpenAlex. A work counts once per distinct author country (full counting).
The responses are truncated at 200 countries; the 200th has 3 (AI) and 1 (ML) works, so a
missing country has at most that many: a **census with absent ≈ 0** (``missing_means_zero``).
"""

from __future__ import annotations

import json

import pandas as pd

from sovai import registry
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._iso2 import map_iso2

FILES = {
    "openalex_ai_works": "openalex_ai_works_2024/openalex_ai_pubs_2024.json",
    "openalex_ml_works": "openalex_ai_works_2024/openalex_ml_pubs_2024.json",
}
YEAR = 2024


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value``: works published in 2024 (counts)."""
    frames = []
    for indicator, key in FILES.items():
        try:
            data = json.loads(registry.fetch(key).read_text(encoding="utf-8"))
            groups = data["group_by"]
        except (json.JSONDecodeError, KeyError) as exc:
            raise InputFileError(key, f"not an OpenAlex group_by response ({exc})") from exc
        df = pd.DataFrame(groups)
        df["iso3"] = map_iso2(df["key"].str.rsplit("/", n=1).str[-1])
        df = df[df["iso3"].notna()]
        frames.append(pd.DataFrame({"iso3": df["iso3"], "year": YEAR, "indicator": indicator, "value": df["count"]}))
    out = pd.concat(frames, ignore_index=True).astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3"]).reset_index(drop=True)
