"""Languages by territory from Unicode CLDR (via the ``babel`` package, version pinned by pip).

* ``english_official``: 1 if CLDR gives English ``official`` or ``de_facto_official`` status in the
  territory, else 0 (``official_regional`` does not count).
* ``english_speakers_share``: CLDR's ``population_percent`` for English / 100. Missing (NA) where
  CLDR lists no English-speaking population for the territory — not assumed to be zero.

CLDR carries no year; the tidy ``year`` is the year of the babel release's CLDR data (reported in
:data:`CLDR_NOTE`). Licence: Unicode License v3 (CLDR), BSD (babel).
"""

from __future__ import annotations

from functools import cache

import babel
import pandas as pd
from babel.core import get_global

from sovai.countries import reference_table

CLDR_NOTE = f"Unicode CLDR via babel {babel.__version__}"
OFFICIAL = {"official", "de_facto_official"}


@cache
def load(year: int = 2025) -> pd.DataFrame:
    """Tidy ``english_official`` and ``english_speakers_share`` for every economy CLDR knows."""
    territories = get_global("territory_languages")
    ref = reference_table()
    rows = []
    for iso3, iso2 in ref["iso2"].items():
        langs = territories.get(iso2)
        if langs is None:
            continue
        en = langs.get("en")
        rows.append(
            {
                "iso3": iso3,
                "indicator": "english_official",
                "value": float(bool(en and en.get("official_status") in OFFICIAL)),
            }
        )
        if en and en.get("population_percent") is not None:
            rows.append({"iso3": iso3, "indicator": "english_speakers_share", "value": en["population_percent"] / 100})
    out = pd.DataFrame(rows).assign(year=year)
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out[["iso3", "year", "indicator", "value"]].sort_values(["indicator", "iso3"]).reset_index(drop=True)


def official_languages(iso3: str) -> list[str]:
    """Official (and de facto official) language codes of a country, per CLDR."""
    iso2 = reference_table().loc[iso3, "iso2"]
    langs = get_global("territory_languages").get(iso2, {})
    return sorted(code for code, info in langs.items() if info.get("official_status") in OFFICIAL)
