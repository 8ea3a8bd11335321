"""USGS MCS 2025 world data by stage: mine production, processing, reserves, breadth (minerals layer).

Built on :mod:`sovai.sources.usgs` (same file, cleaning and country mapping; public domain, cite
USGS MCS 2025). USGS lists only the main producers / reserve holders of each commodity (the rest
is "Other countries"), so a country not listed counts 0 for that mineral (not a main producer),
and a listed but withheld value is unknown (skipped), as in :func:`sovai.sources.usgs.ai_minerals_share`.

Indicators (2024 estimates; reserves as of 2024):

``ai_mine_share``
    mean share (%) of world **mine** production over the AI-mineral mine series;
``ai_processing_share``
    mean share (%) of world **refinery/plant** output (copper refinery, primary gallium, silicon
    metal; germanium is withheld by USGS and drops out);
``ai_reserves_share``
    mean share (%) of world **reserves** over the AI minerals with a USGS world reserve figure
    (lithium, copper, tungsten, cobalt, graphite, nickel, rare earths);
``ai_minerals_breadth``
    number of AI-mineral series (of those with a world total) in which the country is a listed
    producer with a positive value.
"""

from __future__ import annotations

import re

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources import usgs
from sovai.sources._common import TIDY_COLUMNS, read_csv

YEAR = 2024
_PROCESSING = re.compile(r"refinery|primary|plant|silicon metal", re.I)


def _is_processing(spec: usgs.Series) -> bool:
    return bool(_PROCESSING.search(spec.type_pattern)) and "mine" not in spec.type_pattern


def _mean_share(shares: pd.DataFrame, series: list[str]) -> pd.Series:
    """Mean over ``series`` of each listed country's share (absent → 0, withheld → skipped)."""
    s = shares[shares["series"].isin(series) & shares["world_total"].notna()]
    wide = s.pivot_table(index="iso3", columns="series", values="share", aggfunc="first", dropna=False)
    listed = s.assign(one=1).pivot_table(index="iso3", columns="series", values="one", aggfunc="first")
    wide = wide.reindex(columns=sorted(s["series"].unique()))
    listed = listed.reindex(index=wide.index, columns=wide.columns)
    filled = wide.astype(float).where(listed.notna(), 0.0)  # not listed → 0; listed+NaN stays NaN
    return filled.mean(axis=1, skipna=True)


def _parse_reserve(text: object) -> float:
    """``">130,000,000"`` → 1.3e8; ``NaN``/non-numeric → NaN (a lower bound is read as its value)."""
    if text is None or (isinstance(text, float) and text != text):
        return float("nan")
    clean = re.sub(r"[>,<\s]", "", str(text))
    try:
        return float(clean)
    except ValueError:
        return float("nan")


@cache
def reserves_shares() -> pd.DataFrame:
    """Per AI mineral with a world reserve figure: ``mineral, iso3, reserves, world_reserves, share``."""
    df = read_csv(usgs.KEY, required=["COMMODITY", "COUNTRY", "TYPE", "RESERVES_2024"], encoding="utf-8-sig", dtype=str)
    df["commodity"] = df["COMMODITY"].str.strip().replace({"Gemanium": "Germanium"})
    parts = [usgs.clean_country(c) for c in df["COUNTRY"]]
    df["country"] = [p[0] for p in parts]
    df["row_kind"] = [p[2] for p in parts]
    df["reserves"] = df["RESERVES_2024"].map(_parse_reserve)
    rows = []
    for spec in usgs.AI_MINERALS:
        if "mine" not in spec.type_pattern:
            continue
        sel = df[
            (df["commodity"] == spec.commodity) & df["TYPE"].str.contains(spec.type_pattern, case=False, regex=True)
        ]
        world = sel.loc[sel["row_kind"] == "world", "reserves"]
        if world.empty or not world.iloc[0] > 0:
            continue
        ctry = sel[sel["row_kind"] == "country"].copy()
        ctry["iso3"] = to_iso3(ctry["country"].tolist(), source=usgs.SOURCE_ID)
        ctry = ctry[ctry["iso3"].notna()]
        agg = ctry.groupby("iso3", as_index=False)["reserves"].sum(min_count=1)
        agg["mineral"] = spec.mineral
        agg["world_reserves"] = float(world.iloc[0])
        agg["share"] = 100.0 * agg["reserves"] / agg["world_reserves"]
        rows.append(agg)
    out = pd.concat(rows, ignore_index=True)
    return (
        out[["mineral", "iso3", "reserves", "world_reserves", "share"]]
        .sort_values(["mineral", "iso3"])
        .reset_index(drop=True)
    )


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of the four indicators in the module docstring."""
    shares = usgs.production_shares(year=YEAR)
    specs = {s.series: s for s in usgs.AI_MINERALS}
    with_total = shares[shares["world_total"].notna()]
    mine = sorted(s for s in with_total["series"].unique() if not _is_processing(specs[s]))
    proc = sorted(s for s in with_total["series"].unique() if _is_processing(specs[s]))
    res = reserves_shares()
    wide_res = res.pivot_table(index="iso3", columns="mineral", values="share", aggfunc="first")
    res_mean = wide_res.reindex(columns=sorted(res["mineral"].unique())).fillna(0.0).mean(axis=1)
    breadth = with_total[with_total["production"].astype(float) > 0].groupby("iso3")["series"].nunique()
    series = {
        "ai_mine_share": _mean_share(shares, mine),
        "ai_processing_share": _mean_share(shares, proc),
        "ai_reserves_share": res_mean,
        "ai_minerals_breadth": breadth.astype(float),
    }
    frames = [
        pd.DataFrame({"iso3": s.index, "year": YEAR, "indicator": k, "value": s.to_numpy(dtype=float)})
        for k, s in series.items()
    ]
    out = pd.concat(frames, ignore_index=True).dropna()[TIDY_COLUMNS]
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3"]).reset_index(drop=True)
