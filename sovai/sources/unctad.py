"""UNCTAD Global Cyberlaw Tracker (2026 edition, data as updated 2026-03-05; 195 countries).

Publisher: UN Trade and Development (UNCTAD), https://unctad.org/page/data-protection-and-privacy-legislation-worldwide
(data via the ``unctad-infovis/2026-cyberlaw_tracker`` repository). Licence unclear (no data
licence stated; UNCTAD terms, attribution): flagged. Every cell is coded ("No Legislation" is an
explicit negative). Countries are identified by UN M49 numeric codes. The tracker's region
dummies are wrong (see SOURCE.md) and are not read.
"""

from __future__ import annotations

import pandas as pd

from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import read_csv

KEY = "unctad_cyberlaw_tracker/data.csv"
#: The five law areas of the tracker.
AREAS = [
    "Electronic Transactions",
    "Consumer Protection",
    "Privacy and Data Protection",
    "Cybercrime",
    "Indirect Taxation",
]
STATUSES = ("Legislation", "Draft Legislation", "No Legislation", "No Data")


@cache
def load_status() -> pd.DataFrame:
    """One row per country: ``iso3, m49, country`` and one status column per law area (snake_case).

    Status values: ``Legislation``, ``Draft Legislation``, ``No Legislation``, ``No Data``.
    M49 codes are mapped to ISO3 through the country reference table; an unmapped code is an
    error naming it.
    """
    from sovai.countries import reference_table

    df = read_csv(KEY, required=["code", "country", *AREAS], dtype={"code": str}, keep_default_na=False)
    df["code"] = df["code"].str.strip().str.zfill(3)
    ref = reference_table()
    by_m49 = {str(m): iso for iso, m in ref["m49"].dropna().items() if str(m).strip()}
    iso = df["code"].map(by_m49)
    if iso.isna().any():
        bad = df.loc[iso.isna(), ["code", "country"]].to_dict("records")
        raise InputFileError(KEY, f"M49 code(s) not in the country reference table: {bad}", column="code")
    for area in AREAS:
        bad = sorted(set(df[area]) - set(STATUSES))
        if bad:
            raise InputFileError(KEY, f"unexpected status value(s) {bad}", column=area)
    out = pd.DataFrame({"iso3": iso, "m49": df["code"], "country": df["country"]})
    for area in AREAS:
        out[area.lower().replace(" ", "_")] = df[area]
    return out.astype("string").sort_values("iso3").reset_index(drop=True)


def data_protection_status() -> pd.DataFrame:
    """``iso3, data_protection_law``: the tracker's Privacy and Data Protection status per country."""
    df = load_status()
    return df[["iso3", "privacy_and_data_protection"]].rename(
        columns={"privacy_and_data_protection": "data_protection_law"}
    )
