"""Network layer: internet exchange points and submarine cables.

* IXPs: ``robin-rpr/ixp-dataset`` merge of PeeringDB, PCH and Hurricane Electric (2026-05-06);
  licence **unknown/mixed — flagged, research use only**. Country is ISO alpha-2. An IXP is
  counted once per ``id`` with the trailing ``_NN`` prefix suffix removed.
* Submarine cables: TeleGeography Submarine Cable Map, API v3 snapshot 2022-11-11,
  **CC BY-NC-SA 3.0 (non-commercial, share-alike)**. Counted from the per-country files: cables
  touching the country (in service vs planned) and landing points in the country. Hong Kong is
  counted under China by TeleGeography.
"""

from __future__ import annotations

import json

import pandas as pd

from sovai import registry
from sovai.countries import reference_table, to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache

IXP_KEY = "ixp_peeringdb_pch_he/ixps.json"
CABLE_PREFIX = "telegeography_submarine_cables/api/v3/country/"


def _read_json(key: str):
    path = registry.fetch(key)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"invalid JSON: {exc.msg}", row=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "not UTF-8") from exc


@cache
def load_ixp_table() -> pd.DataFrame:
    """One row per IXP: ``ixp_id, name, city, iso2, iso3, origin`` (peeringdb / pch / he)."""
    rows = pd.DataFrame(_read_json(IXP_KEY))
    if not {"id", "name", "country"} <= set(rows.columns):
        raise InputFileError(registry.fetch(IXP_KEY), f"missing keys; found {list(rows.columns)}")
    rows["ixp_id"] = rows["id"].str.replace(r"_\d+$", "", regex=True)
    rows["origin"] = rows["ixp_id"].str.split("_").str[0]
    ixps = rows.drop_duplicates("ixp_id")[["ixp_id", "name", "city", "country", "origin"]].rename(
        columns={"country": "iso2"}
    )
    ref = reference_table()
    iso2_to_iso3 = {v: k for k, v in ref["iso2"].items() if v}
    ixps["iso3"] = ixps["iso2"].str.upper().map(iso2_to_iso3)
    unknown = sorted(ixps.loc[ixps["iso3"].isna(), "iso2"].dropna().unique())
    if unknown:
        raise InputFileError(registry.fetch(IXP_KEY), f"unknown ISO alpha-2 code(s) {unknown}", column="country")
    return ixps.sort_values(["iso3", "ixp_id"]).reset_index(drop=True)


@cache
def load_ixps() -> pd.DataFrame:
    """``ixp_count``: distinct IXPs per country (snapshot 2026)."""
    counts = load_ixp_table().groupby("iso3").size().rename("value").reset_index()
    counts["indicator"], counts["year"] = "ixp_count", 2026
    return _typed(counts)


@cache
def load_cable_table() -> pd.DataFrame:
    """One row per (country, cable): ``iso3, country, cable_id, cable, rfs_year, is_planned`` plus
    the country's landing-point count in ``landing_points``.
    """
    rows = []
    for key in registry.keys("telegeography_submarine_cables"):
        if not key.startswith(CABLE_PREFIX):
            continue
        data = _read_json(key)
        for cable in data.get("cables", []):
            rows.append(
                {
                    "country": data["name"],
                    "cable_id": cable["id"],
                    "cable": cable["name"],
                    "rfs_year": cable.get("rfs_year"),
                    "is_planned": bool(cable.get("is_planned")),
                    "landing_points": len(data.get("landing_points_in_country", [])),
                }
            )
    df = pd.DataFrame(rows)
    names = df["country"].unique().tolist()
    df["iso3"] = df["country"].map(dict(zip(names, to_iso3(names, source="telegeography"), strict=True)))
    return df.sort_values(["iso3", "cable_id"]).reset_index(drop=True)


@cache
def load_submarine_cables() -> pd.DataFrame:
    """``submarine_cables`` (cables in service touching the country) and ``landing_points``
    (landing points in the country), snapshot 2022.
    """
    df = load_cable_table()
    cables = df[~df["is_planned"]].groupby("iso3")["cable_id"].nunique().rename("value").reset_index()
    cables["indicator"] = "submarine_cables"
    lps = df.groupby("iso3")["landing_points"].first().rename("value").reset_index()
    lps["indicator"] = "landing_points"
    out = pd.concat([cables, lps], ignore_index=True)
    out["year"] = 2022
    return _typed(out)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.assign(year=df["year"].astype("Int64"), value=df["value"].astype("Float64"))
    return df[["iso3", "year", "indicator", "value"]].sort_values(["indicator", "iso3"]).reset_index(drop=True)
