"""Hyperscale cloud regions by host country (TeleGeography Cloud Infrastructure Map, Jan 2025).

The TeleGeography feed is stored as CUE (``regions__telegeography_cim.cue``); :func:`parse_cue`
turns it into JSON. Licence of the TeleGeography feed: **unknown — flagged**. Each provider is
attributed to its home (headquarters) country so the share of regions run by US and Chinese
hyperscalers can be computed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from sovai import registry
from sovai.countries import to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache

KEY = "cloud_regions/regions__telegeography_cim.cue"

#: Provider → headquarters country (public company facts).
PROVIDER_HOME = {
    "Amazon Web Services": "USA",
    "Microsoft Azure": "USA",
    "Google Cloud": "USA",
    "Oracle Cloud": "USA",
    "IBM Cloud": "USA",
    "Alibaba Cloud": "CHN",
    "Huawei Cloud": "CHN",
    "Tencent Cloud": "CHN",
}


def parse_cue(text: str, path: str | Path = KEY) -> dict:
    """Convert the (simple, JSON-like) CUE export to a Python object."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*):", r'\1"\2":', line.rstrip())
        if line.strip():
            lines.append(line)
    out = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        ends_value = not line.endswith(("{", "[", ","))
        if ends_value and nxt and not nxt.startswith(("}", "]")):
            line += ","
        out.append(line)
    try:
        return json.loads("{" + "\n".join(out) + "}")
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"cannot parse CUE: {exc.msg}", row=exc.lineno) from exc


@cache
def load_regions() -> pd.DataFrame:
    """One row per provider region: ``provider, region, region_name, metro, iso3,
    provider_home_iso3, in_service, zones, latitude, longitude``.
    """
    path = registry.fetch(KEY)
    data = parse_cue(path.read_text(encoding="utf-8"), path)
    rows = []
    for metro in data["cloudRegions"]["cloud_regions"]:
        for prov in metro.get("cloud_service_providers", []):
            rows.append(
                {
                    "provider": prov["name"],
                    "region": prov.get("cloud_region", ""),
                    "region_name": prov.get("cloud_region_name", ""),
                    "metro": metro["metro_area"],
                    "country": metro["country"],
                    "in_service": bool(prov.get("in_service")),
                    "zones": pd.to_numeric(prov.get("zones"), errors="coerce"),
                    "latitude": float(metro["latitude"]),
                    "longitude": float(metro["longitude"]),
                }
            )
    df = pd.DataFrame(rows)
    names = df["country"].unique().tolist()
    df["iso3"] = df["country"].map(dict(zip(names, to_iso3(names, source="cloud"), strict=True)))
    unknown = sorted(set(df["provider"]) - set(PROVIDER_HOME))
    if unknown:
        raise InputFileError(path, f"provider(s) without a home country in PROVIDER_HOME: {unknown}")
    df["provider_home_iso3"] = df["provider"].map(PROVIDER_HOME)
    return df.sort_values(["iso3", "provider", "region"]).reset_index(drop=True)


@cache
def load(in_service_only: bool = True) -> pd.DataFrame:
    """``cloud_regions`` (count of hyperscale provider regions hosted in the country, year 2025)
    and ``cloud_regions_foreign_share`` (share of those run by providers headquartered abroad).
    """
    df = load_regions()
    if in_service_only:
        df = df[df["in_service"]]
    g = df.groupby("iso3")
    count = g.size().rename("value").reset_index()
    foreign = g.apply(lambda x: float((x["provider_home_iso3"] != x.name).mean()), include_groups=False)
    foreign = foreign.rename("value").reset_index()
    out = pd.concat(
        [count.assign(indicator="cloud_regions"), foreign.assign(indicator="cloud_regions_foreign_share")],
        ignore_index=True,
    )
    out["year"] = 2025
    out["value"] = out["value"].astype("Float64")
    out["year"] = out["year"].astype("Int64")
    return out[["iso3", "year", "indicator", "value"]].sort_values(["indicator", "iso3"]).reset_index(drop=True)
