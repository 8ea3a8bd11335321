"""World Bank Worldwide Governance Indicators, 2024 update (data 1996–2023; CC BY 4.0).

Cite: Kaufmann & Kraay, *Worldwide Governance Indicators*, 2024 update, World Bank. Estimates
are perception-based composites (≈ −2.5 … 2.5, standardised per year), **not** AI indices. The
file uses the World Bank's older codes for six economies (:data:`CODE_FIXES`); missing values
are ``".."``.
"""

from __future__ import annotations

import pandas as pd

from sovai import registry
from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, require_columns
from sovai.sources._parsed import parsed
from sovai.sources._xlsx import read_xlsx

KEY = "wgi_2024/wgidataset.xlsx"
#: Older World Bank codes → ISO 3166-1 alpha-3 (ANT, the former Netherlands Antilles, is dropped).
CODE_FIXES = {"ADO": "AND", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "WBG": "PSE", "KSV": "XKX"}
#: WGI dimension code → indicator id.
DIMENSIONS = {
    "ge": "wgi_government_effectiveness",
    "rq": "wgi_regulatory_quality",
    "rl": "wgi_rule_of_law",
    "va": "wgi_voice_accountability",
    "cc": "wgi_control_of_corruption",
    "pv": "wgi_political_stability",
}


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of the six WGI estimates (:data:`DIMENSIONS`)."""

    def parse() -> pd.DataFrame:
        df = read_xlsx(registry.fetch(KEY), "Sheet1")
        require_columns(df, ["code", "year", "indicator", "estimate"], KEY)
        return df[["code", "year", "indicator", "estimate"]]

    df = parsed(KEY, "wgi-v2", parse)
    df = df[df["indicator"].isin(DIMENSIONS)].copy()
    df["iso3"] = df["code"].astype(str).str.strip().replace(CODE_FIXES)
    df = keep_reference_codes(df)
    out = pd.DataFrame(
        {
            "iso3": df["iso3"],
            "year": pd.to_numeric(df["year"], errors="coerce"),
            "indicator": df["indicator"].map(DIMENSIONS),
            "value": pd.to_numeric(df["estimate"], errors="coerce"),  # ".." → NaN
        }
    ).dropna()
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
