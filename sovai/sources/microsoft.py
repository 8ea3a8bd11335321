"""Microsoft AI Economy Institute — AI diffusion: share of the working-age population using
generative AI (H1 2025, H2 2025, Q1 2026), 147 economies. MIT licence.

The file is **Mac Roman** encoded (``Türkiye``); values are strings like ``"59.40%"``. Periods are
mapped to years for the tidy form: H1 2025 → 2025.25, H2 2025 → 2025.75 are not integer years,
so the tidy ``year`` is the period's calendar year and ``period`` is kept in :func:`load_wide`.
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import read_csv

KEY = "microsoft_ai_diffusion/AI_Diffusion_Q12026_Update.csv"
PERIODS = {"H1 2025 AI Diffusion": "2025H1", "H2 2025 AI Diffusion": "2025H2", "Q1 2026 AI Diffusion": "2026Q1"}


@cache
def load_wide() -> pd.DataFrame:
    """One row per economy: ``iso3, economy`` and one column per period (percent, float)."""
    df = read_csv(KEY, required=["Economy", *PERIODS], encoding="mac_roman", dtype=str)
    out = pd.DataFrame({"economy": df["Economy"].str.strip()})
    out["iso3"] = to_iso3(out["economy"].tolist(), source="microsoft")
    for col, period in PERIODS.items():
        raw = df[col].str.strip().str.rstrip("%")
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 1
            raise InputFileError(KEY, f"not a percentage: {df[col].iloc[row - 1]!r}", row=row, column=col)
        out[period] = values
    return out.sort_values("iso3").reset_index(drop=True)


@cache
def load() -> pd.DataFrame:
    """``ai_diffusion_pct``: % of working-age population using generative AI. The H2 2025 value is
    reported as year 2025 and the Q1 2026 value as year 2026.
    """
    wide = load_wide()
    parts = [
        pd.DataFrame({"iso3": wide["iso3"], "year": 2025, "indicator": "ai_diffusion_pct", "value": wide["2025H2"]}),
        pd.DataFrame({"iso3": wide["iso3"], "year": 2026, "indicator": "ai_diffusion_pct", "value": wide["2026Q1"]}),
    ]
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)
