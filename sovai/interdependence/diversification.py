"""Diversification: how a country's supplier concentration changes when it sources from partners.

The supplier mix is taken as world supply (attributed shares, rescaled to 100); the scenario sources a
fraction ``weight`` from named partners in proportion to their world shares, limited by the
partners' capacity. This module holds :func:`diversify` only; it reads the country's bloc from
:mod:`sovai.interdependence.blocs` and does not compute exposure, presence or coalition cover.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from sovai import countries, stack
from sovai.interdependence.blocs import bloc_members
from sovai.interdependence.common import _check_inputs, _meta, _shares, chokepoint_ids, resolve_country, share_matrix


def diversify(
    country: str,
    partners: Iterable[str] | str,
    shares: pd.DataFrame | None = None,
    *,
    weight: float = 0.5,
    inputs: Iterable[str] | None = None,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    demand_share: float | Mapping[str, float] | None = None,
    spare_capacity: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """How ``country``'s supplier concentration changes when it sources ``weight`` from ``partners``.

    Parameters
    ----------
    weight
        Fraction (0–1) of the country's supply to move to the partners.
    demand_share
        The country's share of world demand (percent), one number or ``{input_id: percent}``. Unknown
        (default): partners can supply at most their joint world share of the country's needs.
    spare_capacity
        ``{input_id: percent of world supply}`` the partners could add, replacing their world share
        as the capacity where known.

    Returns
    -------
    DataFrame
        ``input_id, layer, input, baseline_hhi, scenario_hhi, hhi_change, baseline_top_iso3,
        baseline_top_share, scenario_top_iso3, scenario_top_share, baseline_outside_bloc,
        scenario_outside_bloc, partner_capacity, capacity_of_needs, needed, achieved_weight, gap,
        status, feasible``. ``status`` is ``feasible``, ``infeasible`` (the scenario is shown at
        ``achieved_weight``; ``gap`` = points of the country's supply the partners cannot provide) or
        ``no_partner_supply`` (mix unchanged).
    """
    if not 0 <= weight <= 1:
        raise ValueError(f"parameter 'weight': expected a fraction in [0, 1], got {weight}")
    shares = _shares(shares)
    country = resolve_country(country)
    partner_list = countries.resolve_countries(partners, parameter="partners")
    ids = (
        _check_inputs(shares, inputs)
        if inputs is not None
        else chokepoint_ids(shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd)
    )
    members, known = bloc_members(country, bloc, year=year)
    mat = share_matrix(shares).fillna(0.0)
    meta = _meta(shares)
    spare = dict(spare_capacity or {})
    rows = []
    for input_id in ids:
        world = mat[input_id] if input_id in mat.columns else pd.Series(dtype=float)
        world = world[world > 0]
        base = 100.0 * world / world.sum()
        part = world.reindex(partner_list, fill_value=0.0)
        capacity = float(spare.get(input_id, part.sum()))
        d = demand_share.get(input_id) if isinstance(demand_share, Mapping) else demand_share
        if d is not None and not 0 < float(d) <= 100:
            raise ValueError(f"parameter 'demand_share': expected a percentage in (0, 100], got {d} for {input_id}")
        of_needs = min(100.0, capacity * (100.0 / float(d))) if d is not None else capacity
        needed = 100.0 * weight
        w_eff = min(weight, of_needs / 100.0) if part.sum() > 0 else 0.0
        status = "no_partner_supply" if part.sum() <= 0 else ("feasible" if of_needs >= needed - 1e-9 else "infeasible")
        scen = base.copy()
        if w_eff > 0:
            pmix = 100.0 * part / part.sum()
            idx = base.index.union(pmix.index)
            scen = base.reindex(idx, fill_value=0.0) * (1 - w_eff) + pmix.reindex(idx, fill_value=0.0) * w_eff
            scen = scen[scen > 0]

        def outside(mix: pd.Series) -> float:
            return float(mix[[c not in members and (known is None or c in known) for c in mix.index]].sum())

        def top(mix: pd.Series) -> tuple[str, float]:
            k, v = sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            return k, float(v)

        bt, bs = top(base)
        st, ss = top(scen)
        rows.append(
            {
                "input_id": input_id,
                "layer": meta.loc[input_id, "layer"],
                "input": meta.loc[input_id, "input"] if "input" in meta.columns else input_id,
                "baseline_hhi": round(stack.hhi(base), 6),
                "scenario_hhi": round(stack.hhi(scen), 6),
                "hhi_change": round(stack.hhi(scen) - stack.hhi(base), 6),
                "baseline_top_iso3": bt,
                "baseline_top_share": round(bs, 6),
                "scenario_top_iso3": st,
                "scenario_top_share": round(ss, 6),
                "baseline_outside_bloc": round(outside(base), 6),
                "scenario_outside_bloc": round(outside(scen), 6),
                "partner_capacity": round(capacity, 6),
                "capacity_of_needs": round(of_needs, 6),
                "needed": round(needed, 6),
                "achieved_weight": round(w_eff, 6),
                "gap": round(max(0.0, needed - of_needs), 6),
                "status": status,
                "feasible": status == "feasible",
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(["hhi_change", "input_id"], kind="mergesort").reset_index(drop=True)
