"""GitHub Innovation Graph, release Q3 2025 (quarterly 2020 Q1 – 2025 Q3; CC0 1.0).

Cite: GitHub, Inc., *GitHub Innovation Graph* (github/innovationgraph). Economies are ISO2
(``EU`` aggregate dropped; Namibia ``NA`` read as a string). GitHub reports a metric only where
at least 100 developers did it in the quarter: a missing small economy is **missing, not 0**.
Location is by IP address (VPNs distort it); China is under-covered (domestic platforms).
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources._common import read_csv
from sovai.sources._iso2 import map_iso2

FOLDER = "github_innovation_graph"
#: indicator id → (file, value column, kind): ``stock`` = value in the year's last reported
#: quarter; ``flow`` = sum over the year's quarters, only for years with all four quarters.
SERIES = {
    "github_developers": ("developers.csv", "developers", "stock"),
    "github_organizations": ("organizations.csv", "organizations", "stock"),
    "github_repositories": ("repositories.csv", "repositories", "stock"),
    "github_git_pushes": ("git_pushes.csv", "git_pushes", "flow"),
}


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of :data:`SERIES` (counts; see the module docstring)."""
    frames = []
    for indicator, (name, col, kind) in SERIES.items():
        key = f"{FOLDER}/{name}"
        df = read_csv(key, required=[col, "iso2_code", "year", "quarter"], keep_default_na=False, na_values=[""])
        df["iso3"] = map_iso2(df["iso2_code"])
        df = df[df["iso3"].notna()]
        df[col] = pd.to_numeric(df[col], errors="coerce")
        if kind == "stock":
            last = df.sort_values(["iso3", "year", "quarter"]).groupby(["iso3", "year"]).tail(1)
            val = last[["iso3", "year", col]]
        else:
            g = df.groupby(["iso3", "year"])
            val = g[col].sum().where(g["quarter"].nunique() == 4).dropna().reset_index()
        frames.append(
            pd.DataFrame({"iso3": val["iso3"], "year": val["year"], "indicator": indicator, "value": val[col]})
        )
    out = pd.concat(frames, ignore_index=True).dropna()
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
