"""One small module per raw source: read the pinned raw file(s) and return a tidy frame.

Indicator loaders return the long form ``iso3, year, indicator, value`` (aggregates dropped,
units documented in the loader's docstring and in ``data/stack/indicators.csv``). Loaders of
non-indicator data (geometries, chip supply chain, model lists) document their wide form.
"""

from __future__ import annotations


def names_by_source() -> dict[str, list[str]]:
    """Every country spelling used by each name-based source (sorted).

    Used by ``tools/make_country_mappings.py`` and the mapping tests: each source's
    ``data/countries/<source>.countries.json`` must cover exactly these names.
    """
    import json

    import pandas as pd

    from sovai import registry
    from sovai.sources import ai_index, cloud, microsoft, network, oecd_ai

    out: dict[str, set[str]] = {}
    wide = pd.read_csv(registry.fetch(microsoft.KEY), encoding="mac_roman", dtype=str)
    out["microsoft"] = set(wide["Economy"].str.strip())
    data = cloud.parse_cue(registry.fetch(cloud.KEY).read_text(encoding="utf-8"))
    out["cloud"] = {m["country"] for m in data["cloudRegions"]["cloud_regions"]}
    out["telegeography"] = {
        json.loads(registry.fetch(k).read_text(encoding="utf-8"))["name"]
        for k in registry.keys("telegeography_submarine_cables")
        if k.startswith(network.CABLE_PREFIX)
    }
    init = pd.read_csv(registry.fetch(oecd_ai.KEY), dtype=str)
    out["oecd_ai"] = set(init["jurisdiction"].dropna())
    names: set[str] = set()
    for key, col in ai_index.FILES.values():
        df = pd.read_csv(registry.fetch(key))
        names |= set(df.loc[pd.to_numeric(df[col], errors="coerce").notna(), "Entity"].astype(str))
    out["ai_index"] = names
    from sovai.sources import egov, eto_cat, imf

    out["imf"] = set(imf.names())
    out["eto_cat"] = set(eto_cat.names())
    out["egov"] = set(egov.names())
    return {k: sorted(v) for k, v in out.items()}
