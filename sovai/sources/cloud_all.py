"""Cloud regions of 18 providers: the TeleGeography map (US + Chinese hyperscalers, Jan 2025) joined
with the 14-provider list of Jan 2026 for the ten providers TeleGeography does not cover.

Built on :mod:`sovai.sources.cloud` (TeleGeography, licence unknown: flag) and
:mod:`sovai.sources.cloud2026` (MIT). AWS, Azure, Google Cloud and Oracle are taken from
TeleGeography only (so no region is counted twice); DigitalOcean, Paperspace, Vultr, Linode,
OVHcloud, Hetzner, Scaleway, CoreWeave, Lambda and Crusoe come from the 2026 list. Both are
censuses of these providers' public regions: a country hosting none has 0 regions.
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources import cloud, cloud2026

#: 2026-list providers already in the TeleGeography map.
IN_TELEGEOGRAPHY = ("aws", "azure", "gcp", "oci")
YEAR = 2025


@cache
def regions() -> pd.DataFrame:
    """One row per region: ``source, provider, region, iso3, provider_home_iso3, domestic``.

    TeleGeography lists some regions twice (99 of its 315 in-service rows are repeats of a
    provider, region code and country); they are counted once.
    """
    tg = cloud.load_regions()
    tg = tg[tg["in_service"]]
    a = pd.DataFrame(
        {
            "source": "telegeography",
            "provider": tg["provider"],
            "region": tg["region"],
            "iso3": tg["iso3"],
            "provider_home_iso3": tg["provider_home_iso3"],
        }
    )
    c26 = cloud2026.load_regions()
    c26 = c26[~c26["provider"].isin(IN_TELEGEOGRAPHY)]
    b = pd.DataFrame(
        {
            "source": "cloud2026",
            "provider": c26["provider_name"],
            "region": c26["region"],
            "iso3": c26["iso3"],
            "provider_home_iso3": c26["provider_home_iso3"],
        }
    )
    out = pd.concat([a, b], ignore_index=True).dropna(subset=["iso3"])
    # the TeleGeography feed repeats some regions (same provider, code and metro): count each once
    out = out.drop_duplicates(["source", "provider", "region", "iso3"])
    out["domestic"] = out["iso3"] == out["provider_home_iso3"]
    return out.sort_values(["iso3", "provider", "region"]).reset_index(drop=True)


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value``: ``cloud_regions_all`` (regions hosted),
    ``cloud_providers`` (distinct providers hosting a region) and ``cloud_domestic_share_pct``
    (% of the hosted regions run by a provider headquartered in the country; only countries
    hosting at least one region)."""
    r = regions()
    g = r.groupby("iso3")
    parts = {
        "cloud_regions_all": g.size().astype(float),
        "cloud_providers": g["provider"].nunique().astype(float),
        "cloud_domestic_share_pct": 100.0 * g["domestic"].mean(),
    }
    out = pd.concat(
        [
            pd.DataFrame({"iso3": s.index, "year": YEAR, "indicator": k, "value": s.to_numpy()})
            for k, s in parts.items()
        ],
        ignore_index=True,
    )
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3"]).reset_index(drop=True)
