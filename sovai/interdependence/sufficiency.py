"""Self-sufficiency: a country's supply against its own demand, where demand data exists.

This module holds the demand proxies (:func:`demand_shares`: internet users, generative-AI users,
electricity use, as shares of world demand), their mapping onto stack inputs (:func:`input_demand`,
also the optional own-demand rule of :mod:`sovai.interdependence.coalitions`), the supply ↔ demand
pairs (:data:`SUFFICIENCY_PAIRS`) and :func:`self_sufficiency` (electricity generation ÷ use, and
share of world supply ÷ share of world demand). It does not compute layer presence, exposure or
coalition cover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai.interdependence.common import _shares, share_matrix


def _latest(frame: pd.DataFrame, since: int) -> pd.Series:
    f = frame[(frame["year"] >= since) & frame["value"].notna()].sort_values(["iso3", "year"])
    last = f.groupby("iso3").tail(1).set_index("iso3")
    return last["value"].astype(float), last["year"].astype(int)


def demand_shares(*, since: int = 2019) -> pd.DataFrame:
    """Country shares (percent) of world *demand* proxies: ``iso3, demand, share, year``.

    ``internet_users`` (ITU share of the population online × population, WDI SP.POP.TOTL),
    ``ai_users`` (Microsoft AI Diffusion: % of the working-age population using generative AI ×
    total population — a proxy that assumes the same age structure everywhere) and
    ``electricity_use`` (WDI EG.USE.ELEC.KH.PC kWh per person × population). Latest value since
    ``since``; a country without both parts has no row (missing, not zero); shares are of the sum
    over the countries with data.
    """
    from sovai.sources import microsoft, owid, wdi

    pop, pop_year = _latest(wdi.load(["SP.POP.TOTL"]), since)
    rows = []
    sources = (
        ("internet_users", owid.load_internet_users(), 0.01),
        ("ai_users", microsoft.load(), 0.01),
        ("electricity_use", wdi.load(["EG.USE.ELEC.KH.PC"]), 1.0),
    )
    for name, frame, scale in sources:
        pct, year = _latest(frame, since)
        users = (pct * scale * pop.reindex(pct.index)).dropna()
        total = float(users.sum())
        rows.append(
            pd.DataFrame(
                {
                    "iso3": users.index,
                    "demand": name,
                    "share": 100.0 * users.to_numpy() / total,
                    "year": year.reindex(users.index).to_numpy(),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["share"] = out["share"].round(10)
    return out.sort_values(["demand", "iso3"]).reset_index(drop=True)


def input_demand(*, since: int = 2019) -> pd.DataFrame:
    """Demand shares mapped onto stack inputs: ``input_id, iso3, share, demand`` (percent of world
    demand), for the inputs of :data:`SUFFICIENCY_PAIRS` and electricity generation."""
    demand = demand_shares(since=since)
    pairs = [(i, d) for _, i, d in SUFFICIENCY_PAIRS] + [("owid:electricity_generation", "electricity_use")]
    parts = [demand[demand["demand"] == d].assign(input_id=i) for i, d in pairs]
    out = pd.concat(parts, ignore_index=True)[["input_id", "iso3", "share", "demand"]]
    return out.sort_values(["input_id", "iso3"]).reset_index(drop=True)


#: Supply input ↔ demand proxy pairs of :func:`self_sufficiency` (share of world supply vs demand).
SUFFICIENCY_PAIRS = (
    ("compute", "epoch:gpu_cluster_h100e", "internet_users"),
    ("supercomputing", "top500:rmax", "internet_users"),
    ("cloud", "cloud:regions_by_host", "internet_users"),
    ("frontier_models", "epoch:frontier_models", "ai_users"),
    ("notable_models", "epoch:notable_models", "ai_users"),
)


def self_sufficiency(shares: pd.DataFrame | None = None, *, since: int = 2019) -> pd.DataFrame:
    """Supply against the country's own demand, where demand data exists.

    * ``electricity``: generation per person (OWID/Ember) ÷ consumption per person (WDI
      EG.USE.ELEC.KH.PC), same year (latest common year since ``since``). WDI consumption is net of
      trade and losses, so a ratio ≥ 1 means the country generates at least what it uses.
    * the :data:`SUFFICIENCY_PAIRS`: the country's share of world supply of an input ÷ its share of
      world demand (:func:`demand_shares`): ≥ 1 means it holds at least its proportional part.

    Returns
    -------
    DataFrame
        ``iso3, domain, supply_measure, supply, demand_measure, demand, ratio, self_sufficient,
        year``; ``ratio``/``self_sufficient`` NA where either side is missing (never read as 0 or
        false). Countries absent from a census-type supply input (TOP500, GPU clusters) count 0.
    """
    from sovai.sources import owid, wdi

    shares = _shares(shares)
    rows = []
    gen = owid.load_electricity()
    gen = gen[gen["indicator"] == "electricity_per_capita_kwh"][["iso3", "year", "value"]]
    use = wdi.load(["EG.USE.ELEC.KH.PC"])[["iso3", "year", "value"]]
    both = gen.merge(use, on=["iso3", "year"], suffixes=("_gen", "_use")).dropna()
    both = both[both["year"] >= since].sort_values(["iso3", "year"]).groupby("iso3").tail(1)
    for r in both.itertuples(index=False):
        ratio = float(r.value_gen) / float(r.value_use) if float(r.value_use) > 0 else np.nan
        rows.append(
            {
                "iso3": r.iso3,
                "domain": "electricity",
                "supply_measure": "generation kWh/person (OWID)",
                "supply": float(r.value_gen),
                "demand_measure": "consumption kWh/person (WDI)",
                "demand": float(r.value_use),
                "ratio": ratio,
                "year": int(r.year),
            }
        )
    demand = demand_shares(since=since)
    mat = share_matrix(shares)
    for domain, input_id, dname in SUFFICIENCY_PAIRS:
        if input_id not in mat.columns:
            continue
        d = demand[demand["demand"] == dname].set_index("iso3")
        supply = mat[input_id]
        for code in sorted(set(d.index) | set(supply.index[supply.fillna(0) > 0])):
            s = float(supply.get(code, 0.0)) if code in supply.index or code in d.index else np.nan
            dem = float(d["share"].get(code, np.nan))
            rows.append(
                {
                    "iso3": code,
                    "domain": domain,
                    "supply_measure": f"% of world {input_id}",
                    "supply": s,
                    "demand_measure": f"% of world {dname}",
                    "demand": dem,
                    "ratio": s / dem if dem == dem and dem > 0 and s == s else np.nan,
                    "year": int(d["year"].get(code)) if code in d.index else pd.NA,
                }
            )
    out = pd.DataFrame(rows)
    out["self_sufficient"] = pd.array([pd.NA if pd.isna(x) else bool(x >= 1.0) for x in out["ratio"]], dtype="boolean")
    for col in ("supply", "demand", "ratio"):
        out[col] = out[col].astype(float).round(6)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["domain", "iso3"]).reset_index(drop=True)
