"""Languages by territory from Unicode CLDR (via the ``babel`` package, version pinned by pip).

* ``english_official``: 1 if CLDR gives English ``official`` or ``de_facto_official`` status in the
  territory, else 0 (``official_regional`` does not count).
* ``english_speakers_share``: CLDR's ``population_percent`` for English / 100. Missing (NA) where
  CLDR lists no English-speaking population for the territory — not assumed to be zero.
* ``main_language_non_latin``: 1 if the territory's most-spoken official (or de facto official)
  language is written in a non-Latin script by default (CLDR likely subtags), else 0; missing
  where CLDR gives no official language with a population share.

CLDR carries no year; the tidy ``year`` is the year of the babel release's CLDR data (reported in
:data:`CLDR_NOTE`). Licence: Unicode License v3 (CLDR), BSD (babel).
"""

from __future__ import annotations

import babel
import pandas as pd
from babel.core import get_global

from sovai.countries import reference_table
from sovai.provenance import cache

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
        script = main_language_script(langs)
        if script is not None:
            rows.append({"iso3": iso3, "indicator": "main_language_non_latin", "value": float(script != "Latn")})
    out = pd.DataFrame(rows).assign(year=year)
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out[["iso3", "year", "indicator", "value"]].sort_values(["indicator", "iso3"]).reset_index(drop=True)


def main_language_script(langs: dict) -> str | None:
    """Default script (ISO 15924) of the most-spoken official language in a CLDR territory entry.

    ``langs`` is CLDR's ``territory_languages`` entry (language code → population percent and
    official status). A code with an explicit script (``sr_Latn``) keeps it; otherwise CLDR's
    likely subtags give the default script.
    """
    official = [
        (info.get("population_percent") or 0.0, code)
        for code, info in langs.items()
        if info.get("official_status") in OFFICIAL and info.get("population_percent") is not None
    ]
    if not official:
        return None
    _, code = max(official)
    parts = code.split("_")
    if len(parts) > 1 and len(parts[1]) == 4:
        return parts[1]
    likely = get_global("likely_subtags").get(parts[0])
    if likely is None:
        return None
    bits = likely.split("_")
    return bits[1] if len(bits) > 1 and len(bits[1]) == 4 else None


def official_languages(iso3: str) -> list[str]:
    """Official (and de facto official) language codes of a country, per CLDR."""
    iso2 = reference_table().loc[iso3, "iso2"]
    langs = get_global("territory_languages").get(iso2, {})
    return sorted(code for code, info in langs.items() if info.get("official_status") in OFFICIAL)
