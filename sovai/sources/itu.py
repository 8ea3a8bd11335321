"""ITU ICT Development Index 2024 and Global Cybersecurity Index 2020/2024 (ITU terms, not
verified: flag).

Cite: ITU, *Measuring digital development – ICT Development Index 2024*; ITU, *Global
Cybersecurity Index 2024* (via World Bank Data360, ``ITU_GCI``). Both are composite non-AI
indices. The IDI values are a third party's parse of the report's PDF table; two rows lost their
ISO3 to a decoding error and are mapped here by hand (:data:`IDI_FIXES`). The GCI 2024 is
top-coded (12 countries at 100).
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes, read_csv

FOLDER = "itu_idi_gci_2024"
#: IDI rows with an empty ``iso3`` (a U+FFFD in the name): name prefix → ISO3.
IDI_FIXES = {"C\ufffdte d": "CIV", "T\ufffdrkiye": "TUR"}


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value``: ``itu_gci`` (0–100; 2020, 2024) and ``itu_idi``
    (0–100; 2023 and 2024 scores of the 2024 edition)."""
    gci = read_csv(f"{FOLDER}/itu_gci_2024.csv", required=["REF_AREA", "TIME_PERIOD", "OBS_VALUE"])
    gci = keep_reference_codes(gci.rename(columns={"REF_AREA": "iso3"}))
    parts = [
        pd.DataFrame(
            {"iso3": gci["iso3"], "year": gci["TIME_PERIOD"], "indicator": "itu_gci", "value": gci["OBS_VALUE"]}
        )
    ]
    idi = read_csv(
        f"{FOLDER}/itu_idi_2024.csv",
        required=["economy_name", "iso3", "idi_score", "idi_2023"],
        keep_default_na=False,
        na_values=[""],
    )
    for prefix, iso3 in IDI_FIXES.items():
        idi.loc[idi["iso3"].isna() & idi["economy_name"].str.startswith(prefix), "iso3"] = iso3
    missing = idi.loc[idi["iso3"].isna(), "economy_name"].tolist()
    if missing:
        from sovai.errors import InputFileError

        raise InputFileError(f"{FOLDER}/itu_idi_2024.csv", f"rows without iso3: {missing}", column="iso3")
    idi = keep_reference_codes(idi)
    for year, col in [(2024, "idi_score"), (2023, "idi_2023")]:
        parts.append(pd.DataFrame({"iso3": idi["iso3"], "year": year, "indicator": "itu_idi", "value": idi[col]}))
    out = pd.concat(parts, ignore_index=True)
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out = out.dropna().astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
