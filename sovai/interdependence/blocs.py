"""Blocs and exposure: which countries are on a country's side, and how much supply lies outside.

A bloc is ``"unga"`` (same side of the US–China divide in UN General Assembly votes; countries
without ideal points, e.g. Taiwan, are of *unknown* alignment and reported apart), a membership
group plus the country, or a list of ISO3 codes. This module holds :func:`unga_blocs`,
:func:`bloc_members`, :func:`exposure` (share of world supply held outside the bloc),
:func:`cover_partners` (the fewest bloc partners reaching ``cover_share``) and the per-country policy
table :func:`country_brief`. It does not solve coalition covers across countries (see
:mod:`sovai.interdependence.coalitions`) nor build diversification scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sovai import countries, stack
from sovai.interdependence.common import (
    DEFAULT_COVER_SHARE,
    _check_inputs,
    _check_share,
    _meta,
    _shares,
    resolve_country,
    share_matrix,
)


def unga_blocs(year: int = 2024) -> pd.Series:
    """ISO3 → ``"us_aligned"`` / ``"china_aligned"`` by the sign of the UNGA alignment proxy."""
    from sovai.sources import unga

    align = unga.alignment(year)
    return pd.Series(np.where(align.astype(float) > 0, "us_aligned", "china_aligned"), index=align.index, name="bloc")


def bloc_members(
    country: str, bloc: str | Iterable[str] = "unga", *, year: int = 2024
) -> tuple[set[str], set[str] | None]:
    """The bloc of ``country``: ``(members, known)``.

    ``known`` is the set of countries with a known bloc assignment (UNGA mode), or ``None`` when
    every country is assigned (group or list mode: non-members are outside).
    """
    country = resolve_country(country)
    if isinstance(bloc, str) and bloc.lower() == "unga":
        blocs = unga_blocs(year)
        if country not in blocs.index:
            raise ValueError(
                f"parameter 'country': {country} has no UNGA ideal point in {year}; use a group or a list as 'bloc'"
            )
        members = set(blocs.index[blocs == blocs[country]])
        return members | {country}, set(blocs.index)
    if isinstance(bloc, str):
        if bloc.upper() not in countries.GROUPS:
            raise ValueError(
                f"parameter 'bloc': expected 'unga', a group of {countries.GROUPS} or a list of ISO3 codes, got {bloc!r}"
            )
        return set(countries.members(bloc)) | {country}, None
    return set(countries.resolve_countries(list(bloc), parameter="bloc")) | {country}, None


def exposure(
    country: str,
    shares: pd.DataFrame | None = None,
    *,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    inputs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Share of world supply of each input held outside ``country``'s bloc.

    Returns
    -------
    DataFrame
        ``input_id, layer, input, own_share, inside_share, outside_share, unknown_bloc_share,
        unattributed_share, top_outside_iso3, top_outside_share`` (percent of world supply; withheld
        values are not counted).
    """
    shares = _shares(shares)
    country = resolve_country(country)
    ids = _check_inputs(shares, inputs)
    members, known = bloc_members(country, bloc, year=year)
    # one pass over the rows in plain Python (the share table is small; per-input pandas filters
    # and group-bys cost ~1 s per country profile)
    sub = shares[shares["input_id"].isin(ids)]
    names = sub["input"] if "input" in sub.columns else sub["input_id"]
    first: dict[str, tuple] = {}
    attributed: dict[str, dict[str, list[float]]] = {}
    unattributed: dict[str, list[float]] = {}
    for input_id, iso3, share, layer, name in zip(sub["input_id"], sub["iso3"], sub["share"], sub["layer"], names):
        first.setdefault(input_id, (layer, name))
        if pd.isna(share):
            continue
        if pd.isna(iso3):
            unattributed.setdefault(input_id, []).append(float(share))
        else:
            attributed.setdefault(input_id, {}).setdefault(iso3, []).append(float(share))
    rows = []
    for input_id in ids:
        att = {c: math.fsum(v) for c, v in sorted(attributed.get(input_id, {}).items())}
        unknown = [v for c, v in att.items() if c not in members and known is not None and c not in known]
        outside = {c: v for c, v in att.items() if c not in members and (known is None or c in known)}
        ranked = sorted(outside.items(), key=lambda kv: (-kv[1], kv[0]))
        layer, name = first[input_id]
        rows.append(
            {
                "input_id": input_id,
                "layer": layer,
                "input": name,
                "own_share": float(att.get(country, 0.0)),
                "inside_share": math.fsum(v for c, v in att.items() if c in members),
                "outside_share": math.fsum(outside.values()),
                "unknown_bloc_share": math.fsum(unknown),
                "unattributed_share": math.fsum(unattributed.get(input_id, [])),
                "top_outside_iso3": ranked[0][0] if ranked else pd.NA,
                "top_outside_share": float(ranked[0][1]) if ranked else 0.0,
            }
        )
    out = pd.DataFrame(rows)
    for col in (
        "own_share",
        "inside_share",
        "outside_share",
        "unknown_bloc_share",
        "unattributed_share",
        "top_outside_share",
    ):
        out[col] = out[col].round(6)
    return out.sort_values(["outside_share", "input_id"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


def cover_partners(
    country: str,
    shares: pd.DataFrame | None = None,
    *,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    cover_share: float = DEFAULT_COVER_SHARE,
    inputs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """For each input: the fewest bloc partners (the country included) that reach ``cover_share``.

    Taking the largest holders first is optimal for one input. Countries of unknown bloc (UNGA mode:
    Taiwan…) are not counted as partners; ``covered_with_unknown_bloc`` says whether adding them
    would reach the share. ``no_partner_set`` is true where even the whole bloc falls short.

    Returns
    -------
    DataFrame
        ``input_id, layer, input, own_share, bloc_share, partners, partners_joint_share,
        covered_by_bloc, gap, with_unknown_bloc_share, covered_with_unknown_bloc, no_partner_set``.
    """
    cover_share = _check_share(cover_share, "cover_share")
    shares = _shares(shares)
    country = resolve_country(country)
    ids = _check_inputs(shares, inputs)
    members, known = bloc_members(country, bloc, year=year)
    mat = share_matrix(shares).fillna(0.0)
    meta = _meta(shares)
    rows = []
    for input_id in ids:
        col = mat[input_id] if input_id in mat.columns else pd.Series(dtype=float)
        inside = sorted(
            ((c, float(v)) for c, v in col.items() if c in members and v > 0), key=lambda kv: (-kv[1], kv[0])
        )
        unknown = math.fsum(
            float(v) for c, v in col.items() if known is not None and c not in known and c not in members
        )
        chosen, total = [], 0.0
        for c, v in inside:
            if total >= cover_share:
                break
            chosen.append(c)
            total += v
        bloc_share = math.fsum(v for _, v in inside)
        covered = bloc_share >= cover_share
        rows.append(
            {
                "input_id": input_id,
                "layer": meta.loc[input_id, "layer"],
                "input": meta.loc[input_id, "input"] if "input" in meta.columns else input_id,
                "own_share": round(float(col.get(country, 0.0)), 6),
                "bloc_share": round(bloc_share, 6),
                "partners": ";".join(chosen) if covered else "",
                "partners_joint_share": round(total, 6) if covered else np.nan,
                "covered_by_bloc": covered,
                "gap": 0.0 if covered else round(cover_share - bloc_share, 6),
                "with_unknown_bloc_share": round(bloc_share + unknown, 6),
                "covered_with_unknown_bloc": bool(bloc_share + unknown >= cover_share),
                "no_partner_set": not covered,
            }
        )
    return pd.DataFrame(rows)


def country_brief(
    country: str,
    shares: pd.DataFrame | None = None,
    *,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    cover_share: float = DEFAULT_COVER_SHARE,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
) -> pd.DataFrame:
    """The policy table for one country: its chokepoints, most exposed first.

    One row per chokepoint (:func:`chokepoint_ids`): exposure outside the bloc, the market size and
    vintage, the fewest bloc partners that would cover a majority (``cover_share``) of world supply,
    and whether no partner set in the bloc can (``no_partner_set``). Sorted by ``outside_share``
    (descending), then ``market_size_usd`` (descending), then ``input_id``.
    """
    shares = _shares(shares)
    table = stack.chokepoints(shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd)
    ids = sorted(table.loc[table["chokepoint"], "input_id"])
    expo = exposure(country, shares, bloc=bloc, year=year, inputs=ids)
    cover = cover_partners(country, shares, bloc=bloc, year=year, cover_share=cover_share, inputs=ids)
    cols = ["input_id", "hhi", "top1_iso3", "top1_share", "evidence", "market_size_usd", "market_year", "year"]
    out = expo.merge(cover.drop(columns=["layer", "input", "own_share"]), on="input_id", validate="1:1")
    out = out.merge(table[cols], on="input_id", validate="1:1")
    out = out.sort_values(
        ["outside_share", "market_size_usd", "input_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="mergesort",
    )
    return out.reset_index(drop=True)
