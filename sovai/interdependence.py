"""Dependency mapping, coalitions and diversification: "managed interdependence" in numbers.

Everything here works on the long country-share table of :func:`sovai.stack.input_shares`
(``input_id, layer, input, iso3, share[, withheld]`` with shares in percent of world supply;
``iso3`` NA for the unattributed remainder; ``share`` NA where the source withholds a country's
value). This module computes and returns frames; it writes nothing (notebooks 05 and 06 write
through :mod:`sovai.reports.chokepoints` and :mod:`sovai.reports.interdependence`). Definitions:

Layer presence (:func:`layer_presence`, :func:`full_stack`, :func:`full_stack_table`)
    A country's *layer share* is the mean of its shares over the layer's inputs (absent = 0),
    weighted by ETO market size for compute hardware (``rule="mean"``), or its largest share on any
    input of the layer (``rule="any"``). It holds a *meaningful* share when the layer share reaches
    ``threshold`` percent. Where the source withholds one of the country's values (USGS "W"), the
    known part is a lower bound: the layer is ``yes`` if the lower bound already reaches the
    threshold, otherwise **unknown** (share NA) — never ``no``. World share is not self-sufficiency:
    see :func:`self_sufficiency` for supply against the country's own demand.

Blocs and exposure (:func:`bloc_members`, :func:`exposure`)
    A bloc is ``"unga"`` (same side of the US–China divide in UN General Assembly votes; countries
    without ideal points, e.g. Taiwan, are of *unknown* alignment and reported apart), a membership
    group plus the country, or a list of ISO3 codes. Exposure on an input is the share of world
    supply held outside the bloc.

Coalition cover (:func:`coalition_coverage`, :func:`minimum_coalition`, :func:`uncoverable_without`)
    A coalition **covers** an input when its members jointly hold at least ``cover_share`` percent
    of world supply (default 50: a majority of supply, not a foothold). Withheld values count 0, so a
    joint share is a lower bound (members with withheld values are listed). The smallest covering
    coalition is an integer programme (min Σ xᵢ s.t. Σ sᵢⱼ xᵢ ≥ cover_share for every coverable
    input j), solved exactly with HiGHS (``scipy.optimize.milp``); among minimum coalitions the one
    with the largest total share is returned and up to ``max_solutions`` alternatives are counted.
    Inputs whose attributed world total is below ``cover_share`` cannot be covered by anyone and are
    listed. :func:`uncoverable_without` lists the inputs that *no* coalition can cover once a given
    country is excluded (the rest of the world holds less than ``cover_share``).

Diversification (:func:`diversify`)
    The supplier mix is taken as world supply (attributed shares, rescaled to 100). The scenario
    sources a fraction ``weight`` from named partners in proportion to their world shares, giving
    ``(1 − w) · world + w · partners``. **Capacity limit**: partners can supply at most their joint
    world share of the country's needs (or their stated spare capacity), scaled by
    ``100 / demand_share`` when the country's share of world demand is given. When ``100 · weight``
    exceeds that capacity the scenario is ``infeasible``: the table gives the ``gap`` (points of the
    country's supply) and the mix at the largest feasible weight.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sovai import countries, framework, stack

#: Coalitions used when none are given.
DEFAULT_COALITIONS = ("EU", "G7", "QUAD", "ASEAN", "BRICS")
#: Meaningful share of world supply (percent) for layer presence.
DEFAULT_THRESHOLD = 5.0
#: Joint share of world supply (percent) at which a coalition covers an input.
DEFAULT_COVER_SHARE = 50.0
#: Countries whose exclusion :func:`uncoverable_without` tests by default.
KEY_SUPPLIERS = ("CHN", "USA", "TWN", "NLD", "JPN", "KOR")
#: Thresholds (percent) at which :func:`full_stack_table` reports full-stack presence.
FULL_STACK_THRESHOLDS = (1.0, 2.5, 5.0, 10.0, 20.0)


# --- helpers ------------------------------------------------------------------------------------


def _shares(shares: pd.DataFrame | None) -> pd.DataFrame:
    if shares is None:
        return stack.input_shares()
    missing = [c for c in ("input_id", "layer", "iso3", "share") if c not in shares.columns]
    if missing:
        raise ValueError(f"parameter 'shares': missing column(s) {missing}; found {list(shares.columns)}")
    return shares


def resolve_country(country: str, parameter: str = "country") -> str:
    """ISO3 code of ``country`` (a code or a name); ``ValueError`` naming ``parameter`` otherwise."""
    ref = countries.reference_table()
    code = str(country).strip().upper()
    if code in ref.index:
        return code
    try:
        (resolved,) = countries.to_iso3([country])
    except Exception as exc:
        raise ValueError(f"parameter {parameter!r}: unknown country {country!r} ({exc})") from exc
    if resolved is None:
        raise ValueError(f"parameter {parameter!r}: {country!r} is an aggregate, not a country")
    return resolved


def _check_inputs(shares: pd.DataFrame, inputs: Iterable[str] | None) -> list[str]:
    known = sorted(shares["input_id"].unique())
    if inputs is None:
        return known
    inputs = list(inputs)
    unknown = [i for i in inputs if i not in set(known)]
    if unknown:
        raise ValueError(f"parameter 'inputs': unknown input id(s) {unknown}; known ids include {known[:8]}…")
    return inputs


def _check_share(value: float, parameter: str) -> float:
    if not 0 < float(value) <= 100:
        raise ValueError(f"parameter {parameter!r}: expected a percentage in (0, 100], got {value}")
    return float(value)


def share_matrix(shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Countries × inputs matrix of shares (percent): absent = 0, **withheld = NaN**.

    Unattributed rows are dropped. Several rows of one country are summed.
    """
    shares = _shares(shares)
    att = shares[shares["iso3"].notna()].copy()
    att["share"] = att["share"].astype("Float64").astype(float)
    mat = att.groupby(["iso3", "input_id"])["share"].sum(min_count=1).unstack("input_id")
    listed = att.assign(one=1.0).groupby(["iso3", "input_id"])["one"].sum().unstack("input_id").notna()
    mat = mat.where(~listed | mat.notna(), np.nan)  # listed with NA only: withheld
    mat = mat.where(listed, 0.0)  # not listed: 0
    return mat.astype(float).sort_index().sort_index(axis=1)


def _meta(shares: pd.DataFrame) -> pd.DataFrame:
    return shares.drop_duplicates("input_id").set_index("input_id")


def chokepoint_ids(
    shares: pd.DataFrame | None = None,
    *,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    unknown_market: str = "keep",
) -> list[str]:
    """Ids of the chokepoints: HHI ≥ ``hhi_threshold`` and market not below ``min_market_usd``."""
    table = stack.chokepoints(
        _shares(shares), hhi_threshold=hhi_threshold, min_market_usd=min_market_usd, unknown_market=unknown_market
    )
    return sorted(table.loc[table["chokepoint"], "input_id"])


# --- layer presence -----------------------------------------------------------------------------


def _layer_weights(shares: pd.DataFrame) -> dict[str, float]:
    if not (shares["input_id"].str.startswith("eto:")).any():
        return {}
    from sovai.sources import eto

    seg = eto.weighting_segments()
    return {f"eto:{i}": float(w) for i, w in zip(seg["input_id"], seg["weight"], strict=True)}


def _layer_parts(shares: pd.DataFrame, rule: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lower-bound layer shares, country × layer "a withheld value matters" flags)."""
    if rule not in ("mean", "any"):
        raise ValueError(f"parameter 'rule': expected 'mean' or 'any', got {rule!r}")
    mat = share_matrix(shares)
    known = mat.fillna(0.0)
    withheld = mat.isna()
    layer_of = _meta(shares)["layer"]
    weights = _layer_weights(shares)
    out, held = {}, {}
    for layer in framework.layer_ids():
        ids = [i for i in mat.columns if layer_of.get(i) == layer]
        if not ids:
            continue
        sub = known[ids]
        held[layer] = withheld[ids].any(axis=1)
        if rule == "any":
            out[layer] = sub.max(axis=1)
            continue
        w = pd.Series({i: weights.get(i, 0.0) for i in ids}) if layer == "compute_hardware" and weights else None
        if w is not None and w.sum() > 0:
            out[layer] = sub.mul(w, axis=1).sum(axis=1) / w.sum()
            held[layer] = withheld[ids].mul(w > 0, axis=1).any(axis=1)
        else:
            out[layer] = sub.mean(axis=1)
    cols = [layer for layer in framework.layer_ids() if layer in out]
    return pd.DataFrame(out)[cols].fillna(0.0), pd.DataFrame(held)[cols].fillna(False).astype(bool)


def layer_shares(shares: pd.DataFrame | None = None, *, rule: str = "mean") -> pd.DataFrame:
    """Country × layer shares (percent; see the module docstring for ``rule``).

    Withheld values count 0 here, so a country with a withheld value has a *lower bound*; use
    :func:`layer_presence` for the yes / no / unknown reading.
    """
    return _layer_parts(_shares(shares), rule)[0]


def layer_presence(
    shares: pd.DataFrame | None = None, *, threshold: float = DEFAULT_THRESHOLD, rule: str = "mean"
) -> pd.DataFrame:
    """Per country: its layer shares and on how many measured layers it holds ≥ ``threshold`` percent.

    Returns
    -------
    DataFrame
        ``iso3``, one ``share_<layer>`` column per measured layer (NA where a withheld value leaves
        the answer unknown), ``n_layers_meaningful``, ``n_layers_unknown``, ``n_layers_measured``,
        ``layers_meaningful`` and ``layers_unknown`` (``;``-joined), ``full_stack`` (``yes`` / ``no``
        / ``unknown``), ``total_share`` (sum of the known layer shares), sorted by
        ``n_layers_meaningful`` then ``total_share`` (descending), ``iso3``.
    """
    _check_share(threshold, "threshold")
    lower, held = _layer_parts(_shares(shares), rule)
    meaningful = lower >= threshold
    unknown = ~meaningful & held
    out = lower.round(6).mask(unknown).add_prefix("share_")
    out["n_layers_meaningful"] = meaningful.sum(axis=1).astype(int)
    out["n_layers_unknown"] = unknown.sum(axis=1).astype(int)
    out["n_layers_measured"] = lower.shape[1]
    out["layers_meaningful"] = [";".join(c for c in lower.columns if meaningful.loc[i, c]) for i in lower.index]
    out["layers_unknown"] = [";".join(c for c in lower.columns if unknown.loc[i, c]) for i in lower.index]
    n = lower.shape[1]
    out["full_stack"] = np.where(
        out["n_layers_meaningful"] == n,
        "yes",
        np.where(out["n_layers_meaningful"] + out["n_layers_unknown"] == n, "unknown", "no"),
    )
    out["total_share"] = lower.sum(axis=1).round(6)
    out = out.reset_index().rename(columns={"index": "iso3"})
    return out.sort_values(
        ["n_layers_meaningful", "total_share", "iso3"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)


def full_stack(presence: pd.DataFrame) -> dict[str, object]:
    """Summary of :func:`layer_presence`: who holds a meaningful share on every measured layer.

    ``unknown_countries`` could reach every layer if their withheld values were known.
    """
    n = int(presence["n_layers_measured"].iloc[0]) if len(presence) else 0
    full = presence.loc[presence["n_layers_meaningful"] == n, "iso3"].tolist()
    unknown = presence.loc[presence["full_stack"] == "unknown", "iso3"].tolist() if "full_stack" in presence else []
    present = presence["n_layers_meaningful"] > 0
    return {
        "n_layers_measured": n,
        "n_countries_full_stack": len(full),
        "full_stack_countries": full,
        "n_countries_unknown": len(unknown),
        "unknown_countries": unknown,
        "n_countries_any_layer": int(present.sum()),
        "median_layers_meaningful_among_present": float(presence.loc[present, "n_layers_meaningful"].median())
        if present.any()
        else 0.0,
    }


def full_stack_table(
    shares: pd.DataFrame | None = None, *, thresholds: Iterable[float] = FULL_STACK_THRESHOLDS, rule: str = "mean"
) -> pd.DataFrame:
    """Full-stack presence at several thresholds: ``threshold, n_layers_measured, n_full_stack,
    full_stack_countries, n_unknown, unknown_countries, n_any_layer`` (unknown: withheld data)."""
    shares = _shares(shares)
    rows = []
    for t in sorted(float(x) for x in thresholds):
        s = full_stack(layer_presence(shares, threshold=t, rule=rule))
        rows.append(
            {
                "threshold": t,
                "n_layers_measured": s["n_layers_measured"],
                "n_full_stack": s["n_countries_full_stack"],
                "full_stack_countries": ";".join(s["full_stack_countries"]),
                "n_unknown": s["n_countries_unknown"],
                "unknown_countries": ";".join(s["unknown_countries"]),
                "n_any_layer": s["n_countries_any_layer"],
            }
        )
    return pd.DataFrame(rows)


# --- self-sufficiency ---------------------------------------------------------------------------


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


# --- blocs and exposure -------------------------------------------------------------------------


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


# --- coalitions ---------------------------------------------------------------------------------


def resolve_coalitions(
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = None,
) -> dict[str, list[str]]:
    """Coalition name → sorted ISO3 members.

    Accepts group names (``"EU"``, ``"G7"``, ``"QUAD"``…), a mapping ``{name: [countries]}`` (a
    value may itself be a group name), or a list mixing group names and ``"name=ISO3+ISO3"`` (or
    ``"name:ISO3+ISO3"``) strings. Unknown entries raise ``ValueError`` naming ``coalitions``.
    """
    if coalitions is None:
        coalitions = DEFAULT_COALITIONS
    if isinstance(coalitions, str):
        coalitions = [coalitions]
    out: dict[str, list[str]] = {}
    if isinstance(coalitions, Mapping):
        items = list(coalitions.items())
    else:
        items = []
        for entry in coalitions:
            if isinstance(entry, str) and ("=" in entry or ":" in entry):
                name, members = re.split(r"[=:]", entry, maxsplit=1)
                items.append((name.strip(), [m.strip() for m in members.replace(",", "+").split("+") if m.strip()]))
            elif isinstance(entry, str):
                items.append((entry, entry))
            else:
                raise ValueError(f"parameter 'coalitions': cannot interpret {entry!r}")
    for name, members in items:
        if isinstance(members, str) and members.upper() not in countries.GROUPS:
            raise ValueError(
                f"parameter 'coalitions': unknown group {members!r}; expected one of {countries.GROUPS} or a list of countries"
            )
        out[str(name)] = countries.resolve_countries(members, parameter="coalitions")
    return out


def coalition_coverage(
    shares: pd.DataFrame | None = None,
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = None,
    *,
    cover_share: float = DEFAULT_COVER_SHARE,
    inputs: Iterable[str] | None = None,
    demand: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Joint share of each coalition on each input, and whether it covers it (≥ ``cover_share``).

    With ``demand`` (:func:`input_demand`), ``joint_demand`` is the members' joint share of world
    demand and ``covers_own_demand`` whether their supply share reaches it (NA without demand data).

    Returns
    -------
    DataFrame
        ``coalition, n_members, members, input_id, layer, input, joint_share, covered, cover_share,
        gap, top_member, top_member_share, withheld_members, joint_demand, covers_own_demand``
        sorted by coalition then input. ``joint_share`` counts withheld values as 0 (a lower bound;
        ``withheld_members`` lists them).
    """
    cover_share = _check_share(cover_share, "cover_share")
    shares = _shares(shares)
    ids = _check_inputs(shares, inputs)
    coal = resolve_coalitions(coalitions)
    mat = share_matrix(shares)
    meta = _meta(shares)
    dem = (
        demand.pivot_table(index="iso3", columns="input_id", values="share", aggfunc="sum")
        if demand is not None
        else pd.DataFrame()
    )
    rows = []
    for name, members in coal.items():
        sub = mat.reindex(index=members, fill_value=0.0)
        for input_id in ids:
            jd = float(dem[input_id].reindex(members).fillna(0.0).sum()) if input_id in dem.columns else np.nan
            col = sub[input_id] if input_id in sub.columns else pd.Series(0.0, index=members)
            known = col.fillna(0.0)
            ranked = sorted(known.items(), key=lambda kv: (-kv[1], kv[0]))
            joint = float(known.sum())
            rows.append(
                {
                    "coalition": name,
                    "n_members": len(members),
                    "members": ";".join(members),
                    "input_id": input_id,
                    "layer": meta.loc[input_id, "layer"],
                    "input": meta.loc[input_id, "input"] if "input" in meta.columns else input_id,
                    "joint_share": round(joint, 6),
                    "covered": bool(joint >= cover_share),
                    "cover_share": cover_share,
                    "gap": round(max(0.0, cover_share - joint), 6),
                    "top_member": ranked[0][0] if ranked and ranked[0][1] > 0 else pd.NA,
                    "top_member_share": round(float(ranked[0][1]), 6) if ranked else 0.0,
                    "withheld_members": ";".join(sorted(col.index[col.isna()])),
                    "joint_demand": round(jd, 6) if jd == jd else np.nan,
                    "covers_own_demand": pd.NA if jd != jd else bool(joint >= jd),
                }
            )
    out = pd.DataFrame(rows).sort_values(["coalition", "input_id"], kind="mergesort").reset_index(drop=True)
    out["covers_own_demand"] = out["covers_own_demand"].astype("boolean")
    return out


def coalition_summary(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per coalition: inputs covered, share covered, layers with every input covered."""
    rows = []
    for name, grp in coverage.groupby("coalition", sort=True):
        by_layer = grp.groupby("layer")["covered"].all()
        rows.append(
            {
                "coalition": name,
                "n_members": int(grp["n_members"].iloc[0]),
                "n_inputs": len(grp),
                "n_covered": int(grp["covered"].sum()),
                "share_covered": round(float(grp["covered"].mean()), 6),
                "mean_joint_share": round(float(grp["joint_share"].mean()), 6),
                "layers_fully_covered": ";".join(
                    layer for layer in framework.layer_ids() if by_layer.get(layer, False)
                ),
                "uncovered_inputs": ";".join(grp.loc[~grp["covered"], "input_id"]),
            }
        )
    return pd.DataFrame(rows)


def set_cover(
    universe: Iterable[str], holdings: Mapping[str, Iterable[str]], *, max_combinations: int = 2_000_000
) -> dict[str, object]:
    """Smallest set of holders whose holdings cover ``universe`` (exact where feasible, else greedy).

    The generic (foothold) set-cover: each holder covers the elements it holds. Returns ``members``
    (sorted), ``size``, ``method`` (``"exact"``/``"greedy"``), ``n_optimal``, ``forced``,
    ``uncoverable``, ``bound`` and ``lower_bound``. :func:`minimum_coalition` uses the supply rule.
    """
    universe = frozenset(universe)
    hold = {k: frozenset(v) & universe for k, v in holdings.items()}
    hold = {k: v for k, v in hold.items() if v}
    coverable = frozenset().union(*hold.values()) if hold else frozenset()
    uncoverable = sorted(universe - coverable)
    target = coverable
    forced: set[str] = set()
    for e in sorted(target):
        owners = sorted(k for k, v in hold.items() if e in v)
        if len(owners) == 1:
            forced.add(owners[0])
    covered = frozenset().union(*(hold[k] for k in forced)) if forced else frozenset()
    rest = target - covered
    cand = {k: v & rest for k, v in hold.items() if k not in forced and v & rest}
    names = sorted(cand)
    keep = [k for k in names if not any((cand[k] < cand[o]) or (cand[k] == cand[o] and o < k) for o in names if o != k)]
    harmonic = sum(1.0 / i for i in range(1, max(len(target), 1) + 1))
    total = 0
    exact_solutions: list[tuple[str, ...]] | None = [()] if not rest else None
    if rest:
        for size in range(1, len(keep) + 1):
            total += math.comb(len(keep), size)
            if total > max_combinations:
                break
            sols = [c for c in itertools.combinations(keep, size) if frozenset().union(*(cand[x] for x in c)) >= rest]
            if sols:
                exact_solutions = sols
                break
    if exact_solutions is not None:
        best = sorted(forced | set(exact_solutions[0]))
        return {
            "members": best,
            "size": len(best),
            "method": "exact",
            "n_optimal": len(exact_solutions),
            "forced": sorted(forced),
            "uncoverable": uncoverable,
            "bound": "exact minimum (exhaustive search after forcing sole holders and removing dominated holders)",
            "lower_bound": len(best),
        }
    chosen = sorted(forced)
    left = set(rest)
    while left:
        best_k = min(cand, key=lambda k: (-len(cand[k] & left), k))
        chosen.append(best_k)
        left -= cand[best_k]
    chosen = sorted(chosen)
    return {
        "members": chosen,
        "size": len(chosen),
        "method": "greedy",
        "n_optimal": pd.NA,
        "forced": sorted(forced),
        "uncoverable": uncoverable,
        "bound": (
            f"greedy: size <= H({len(target)}) x optimum = {harmonic:.3f} x optimum "
            f"(H(n) <= ln(n) + 1 = {math.log(max(len(target), 1)) + 1:.3f})"
        ),
        "lower_bound": max(len(forced), math.ceil(len(chosen) / harmonic)),
    }


def _solve_cover(
    mat: pd.DataFrame, cover_share: float, max_solutions: int, demand: pd.DataFrame | None = None
) -> dict[str, object]:
    """Exact minimum supply cover of the columns of ``mat`` (rows: countries) by integer programming.

    Columns also in ``demand`` (same shape, members' demand shares) need joint supply ≥ joint demand
    instead of ≥ ``cover_share``.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    names = list(mat.index)
    a = np.array(mat.to_numpy(dtype=float).T)  # inputs × countries (a writable copy)
    n = len(names)
    if a.shape[0] == 0:
        return {"members": [], "size": 0, "n_optimal": 1, "alternatives": [], "status": "nothing to cover"}
    lb = np.full(a.shape[0], cover_share - 1e-9)
    if demand is not None:
        own = [j for j, c in enumerate(mat.columns) if c in demand.columns]
        d = demand.reindex(index=names, columns=list(mat.columns), fill_value=0.0).fillna(0.0).to_numpy().T
        a[own] = a[own] - d[own]
        lb[own] = -1e-9
    cons = [LinearConstraint(a, lb=lb, ub=np.inf), LinearConstraint(np.ones((1, n)), lb=1, ub=np.inf)]
    opts = {"disp": False, "presolve": True}
    res = milp(np.ones(n), constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 1), options=opts)
    if not res.success:
        raise RuntimeError(f"minimum_coalition: the integer programme failed ({res.message})")
    k = int(round(res.fun))
    # among minimum coalitions: the one holding the largest total share (deterministic choice)
    fix = LinearConstraint(np.ones((1, n)), lb=k, ub=k)
    weight = -a.sum(axis=0)
    solutions: list[list[str]] = []
    extra: list[LinearConstraint] = []
    while len(solutions) < max_solutions:
        r = milp(weight, constraints=[*cons, fix, *extra], integrality=np.ones(n), bounds=Bounds(0, 1), options=opts)
        if not r.success:
            break
        chosen = np.flatnonzero(np.round(r.x) == 1)
        solutions.append(sorted(names[i] for i in chosen))
        cut = np.zeros((1, n))
        cut[0, chosen] = 1.0
        extra.append(LinearConstraint(cut, lb=-np.inf, ub=k - 1))  # no-good cut: not this set again
    return {
        "members": solutions[0],
        "size": k,
        "n_optimal": len(solutions),
        "alternatives": [";".join(s) for s in solutions[1:]],
        "status": "exact",
    }


def minimum_coalition(
    shares: pd.DataFrame | None = None,
    *,
    cover_share: float = DEFAULT_COVER_SHARE,
    inputs: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    max_solutions: int = 20,
    demand: pd.DataFrame | None = None,
) -> dict[str, object]:
    """Smallest group of countries that jointly holds ≥ ``cover_share`` % of every chokepoint.

    Parameters
    ----------
    cover_share
        Joint share of world supply (percent) that counts as covering an input.
    inputs
        Input ids to cover (default: :func:`chokepoint_ids` with ``hhi_threshold``/``min_market_usd``).
    exclude
        Countries that may not be members (e.g. ``["CHN"]``).
    max_solutions
        How many minimum coalitions to enumerate (``n_optimal`` is a lower bound when it equals this).
    demand
        Optional members'-own-demand rule (:func:`input_demand`: ``input_id, iso3, share``): an
        input with demand data is covered when the members' joint share of world supply is at least
        their joint share of world demand (a coalition that supplies itself), not ``cover_share``.

    Returns
    -------
    dict
        ``members`` (sorted), ``size``, ``method`` (``"exact (integer programme, HiGHS)"``),
        ``n_optimal``, ``alternatives``, ``uncoverable`` (inputs the allowed countries together hold
        less than ``cover_share`` of), ``n_inputs``, ``cover_share``, ``excluded``.
    """
    cover_share = _check_share(cover_share, "cover_share")
    shares = _shares(shares)
    ids = (
        _check_inputs(shares, inputs)
        if inputs is not None
        else chokepoint_ids(shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd)
    )
    excluded = sorted(countries.resolve_countries(list(exclude), parameter="exclude")) if list(exclude) else []
    mat = share_matrix(shares).reindex(columns=ids, fill_value=0.0).fillna(0.0)
    mat = mat.drop(index=[c for c in excluded if c in mat.index])
    totals = mat.sum(axis=0)
    coverable = [i for i in ids if totals.get(i, 0.0) >= cover_share - 1e-9]
    uncoverable = sorted(set(ids) - set(coverable))
    dem = None
    if demand is not None:
        dem = demand.pivot_table(index="iso3", columns="input_id", values="share", aggfunc="sum")
        dem = dem.reindex(columns=[c for c in dem.columns if c in ids])
        coverable = sorted(set(coverable) | set(dem.columns))
        uncoverable = sorted(set(ids) - set(coverable))
    sub = mat[coverable]
    sub = sub[(sub > 0).any(axis=1)]
    result = _solve_cover(sub, cover_share, max_solutions, dem)
    result.update(
        {
            "rule": "own demand where demand data exists, else cover_share" if dem is not None else "cover_share",
            "method": "exact (integer programme, HiGHS)",
            "uncoverable": uncoverable,
            "n_inputs": len(ids),
            "n_covered": len(coverable),
            "cover_share": cover_share,
            "excluded": excluded,
        }
    )
    return result


def coalition_members_table(shares: pd.DataFrame, best: Mapping[str, object], inputs: Iterable[str]) -> pd.DataFrame:
    """One row per member of ``best``: the inputs on which it is indispensable to the cover.

    ``n_inputs_needed`` counts the inputs that the coalition no longer covers without the member.
    """
    ids = list(inputs)
    mat = share_matrix(shares).reindex(columns=ids, fill_value=0.0).fillna(0.0)
    members = list(best["members"])
    cov = float(best["cover_share"])
    joint = mat.reindex(index=members, fill_value=0.0).sum(axis=0)
    rows = []
    for m in members:
        without = joint - mat.reindex(index=[m], fill_value=0.0).iloc[0]
        needed = sorted(i for i in ids if joint[i] >= cov - 1e-9 and without[i] < cov - 1e-9)
        rows.append(
            {
                "iso3": m,
                "n_inputs_needed": len(needed),
                "inputs_needed": ";".join(needed),
                "size": best["size"],
                "method": best["method"],
                "n_optimal": best["n_optimal"],
                "cover_share": cov,
                "n_chokepoints": best["n_inputs"],
                "uncoverable": ";".join(best["uncoverable"]),
            }
        )
    return pd.DataFrame(rows)


def uncoverable_without(
    shares: pd.DataFrame | None = None,
    *,
    excluded: Iterable[str] = KEY_SUPPLIERS,
    cover_share: float = DEFAULT_COVER_SHARE,
    inputs: Iterable[str] | None = None,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
) -> pd.DataFrame:
    """Inputs that no coalition can cover once a country is excluded.

    For each excluded country X and input j: ``rest_of_world_share`` = attributed world share minus
    X's share. The input is listed when the whole world could cover it (attributed ≥
    ``cover_share``) but the world without X cannot. Withheld values count 0 (so ``n_withheld``
    is shown: a withheld figure could change the answer); the unattributed remainder is not
    assumed to belong to anyone.

    Returns
    -------
    DataFrame
        ``excluded, input_id, layer, input, excluded_share, rest_of_world_share, unattributed_share,
        n_withheld, market_size_usd, market_year, evidence`` sorted by excluded then
        ``excluded_share`` (descending) then input.
    """
    cover_share = _check_share(cover_share, "cover_share")
    shares = _shares(shares)
    ids = (
        _check_inputs(shares, inputs)
        if inputs is not None
        else chokepoint_ids(shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd)
    )
    meta = _meta(shares)
    unattributed = shares[shares["iso3"].isna()].groupby("input_id")["share"].sum()
    markets = stack.input_markets(ids).set_index("input_id")
    mat = share_matrix(shares).reindex(columns=ids, fill_value=0.0)
    withheld = mat.isna().sum(axis=0)
    mat = mat.fillna(0.0)
    world = mat.sum(axis=0)
    rows = []
    for x in [resolve_country(c, "excluded") for c in excluded]:
        own = mat.loc[x] if x in mat.index else pd.Series(0.0, index=ids)
        for j in ids:
            rest = float(world[j] - own[j])
            if world[j] >= cover_share - 1e-9 and rest < cover_share - 1e-9:
                rows.append(
                    {
                        "excluded": x,
                        "input_id": j,
                        "layer": meta.loc[j, "layer"],
                        "input": meta.loc[j, "input"] if "input" in meta.columns else j,
                        "excluded_share": round(float(own[j]), 6),
                        "rest_of_world_share": round(rest, 6),
                        "unattributed_share": round(float(unattributed.get(j, 0.0)), 6),
                        "n_withheld": int(withheld[j]),
                        "market_size_usd": markets.loc[j, "market_size_usd"],
                        "market_year": markets.loc[j, "market_year"],
                        "evidence": meta.loc[j, "evidence"] if "evidence" in meta.columns else "computed",
                    }
                )
    cols = [
        "excluded",
        "input_id",
        "layer",
        "input",
        "excluded_share",
        "rest_of_world_share",
        "unattributed_share",
        "n_withheld",
        "market_size_usd",
        "market_year",
        "evidence",
    ]
    out = pd.DataFrame(rows, columns=cols)
    order = {c: i for i, c in enumerate(resolve_country(c, "excluded") for c in excluded)}
    out = out.assign(_o=out["excluded"].map(order)).sort_values(
        ["_o", "excluded_share", "input_id"], ascending=[True, False, True], kind="mergesort"
    )
    return out.drop(columns="_o").reset_index(drop=True)


def uncoverable_summary(
    shares: pd.DataFrame | None = None,
    *,
    excluded: Iterable[str] = KEY_SUPPLIERS,
    cover_share: float = DEFAULT_COVER_SHARE,
    inputs: Iterable[str] | None = None,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
) -> pd.DataFrame:
    """Per excluded country: how many chokepoints become uncoverable, which, and the smallest
    coalition covering the rest without it (``min_coalition_without``)."""
    shares = _shares(shares)
    ids = list(inputs) if inputs is not None else chokepoint_ids(shares, min_market_usd=min_market_usd)
    table = uncoverable_without(shares, excluded=excluded, cover_share=cover_share, inputs=ids)
    rows = []
    for x in [resolve_country(c, "excluded") for c in excluded]:
        sub = table[table["excluded"] == x]
        best = minimum_coalition(shares, cover_share=cover_share, inputs=ids, exclude=[x], max_solutions=1)
        rows.append(
            {
                "excluded": x,
                "n_uncoverable": len(sub),
                "uncoverable_inputs": ";".join(sub["input"]),
                "min_coalition_size_without": best["size"],
                "min_coalition_without": ";".join(best["members"]),
                "n_chokepoints": len(ids),
                "cover_share": float(cover_share),
            }
        )
    return pd.DataFrame(rows)


# --- diversification ----------------------------------------------------------------------------


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
