"""Cloud regions of 14 providers, January 2026 (hand-maintained list, MIT; flagged: not an
official provider feed). Adds DigitalOcean, Paperspace, Vultr, Linode, OVHcloud, Hetzner,
Scaleway, CoreWeave, Lambda and Crusoe to the four US hyperscalers. It lists **no Chinese
provider**: combine with :mod:`sovai.sources.cloud` (TeleGeography, Alibaba/Huawei/Tencent) for a
world count. Region countries come as ISO 3166-1 alpha-2 (``location.countryCode``).
"""

from __future__ import annotations

import json

import pandas as pd

from sovai import registry
from sovai.countries import reference_table
from sovai.errors import InputFileError
from sovai.provenance import cache

KEY = "cloud_regions_2026/regions.json"

#: Provider id → headquarters country (public company facts: each provider's own "about" page).
PROVIDER_HOME = {
    "aws": "USA",
    "azure": "USA",
    "gcp": "USA",
    "oci": "USA",
    "digitalocean": "USA",
    "paperspace": "USA",  # a DigitalOcean company
    "linode": "USA",  # Akamai
    "vultr": "USA",
    "crusoe": "USA",
    "coreweave": "USA",
    "lambda": "USA",
    "ovh": "FRA",
    "scaleway": "FRA",
    "hetzner": "DEU",
}


@cache
def load_regions() -> pd.DataFrame:
    """One row per region: ``provider, provider_name, tier, region, region_type, iso3,
    provider_home_iso3, foreign_provider, status, launched, gpu``, sorted by provider and region.

    ``region_type`` is the file's own (commercial, government, sovereign, china); ``foreign_provider``
    is true when the provider's home country differs from the region's host country.
    """
    path = registry.fetch(KEY)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(KEY, f"not valid JSON: {exc.msg}", row=exc.lineno) from exc
    providers = {p["id"]: p for p in data.get("providers", [])}
    unknown = sorted(set(providers) - set(PROVIDER_HOME))
    if unknown:
        raise InputFileError(KEY, f"provider(s) {unknown} have no home country in cloud2026.PROVIDER_HOME")
    iso2_to_iso3 = {iso2: iso3 for iso3, iso2 in reference_table()["iso2"].items() if isinstance(iso2, str) and iso2}
    rows = []
    for i, region in enumerate(data.get("regions", []), start=1):
        code = region.get("location", {}).get("countryCode")
        if code not in iso2_to_iso3:
            raise InputFileError(KEY, f"region {region.get('id')!r}: unknown ISO2 country code {code!r}", row=i)
        pid = region["provider"]
        rows.append(
            {
                "provider": pid,
                "provider_name": providers[pid]["name"],
                "tier": providers[pid].get("tier"),
                "region": region["id"],
                "region_type": region.get("regionType"),
                "iso3": iso2_to_iso3[code],
                "provider_home_iso3": PROVIDER_HOME[pid],
                "status": region.get("status"),
                "launched": region.get("launchedDate"),
                "gpu": bool(region.get("services", {}).get("gpu", False)),
            }
        )
    out = pd.DataFrame(rows)
    out["foreign_provider"] = out["iso3"] != out["provider_home_iso3"]
    return out.sort_values(["provider", "region"]).reset_index(drop=True)


def country_counts() -> pd.DataFrame:
    """Per host country: ``iso3, regions, foreign_regions, foreign_share_pct, providers``."""
    regions = load_regions()
    grouped = regions.groupby("iso3", sort=True)
    out = pd.DataFrame(
        {
            "regions": grouped.size(),
            "foreign_regions": grouped["foreign_provider"].sum(),
            "providers": grouped["provider"].nunique(),
        }
    ).reset_index()
    out["foreign_share_pct"] = 100.0 * out["foreign_regions"] / out["regions"]
    return out[["iso3", "regions", "foreign_regions", "foreign_share_pct", "providers"]]
