"""Coalition cover: which groups of countries jointly hold a majority of world supply of each input.

A coalition **covers** an input when its members jointly hold at least ``cover_share`` percent of
world supply (withheld values count 0, so joint shares are lower bounds). This module holds the
coalition names and their coverage (:func:`resolve_coalitions`, :func:`coalition_coverage`,
:func:`coalition_summary`), the generic foothold :func:`set_cover`, the exact smallest supply cover
(:func:`minimum_coalition`, an integer programme solved with HiGHS, and
:func:`coalition_members_table`) and what no coalition can cover once a country is excluded
(:func:`uncoverable_without`, :func:`uncoverable_summary`). It does not compute layer presence, bloc
exposure or diversification scenarios.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sovai import countries, framework, stack
from sovai.interdependence.common import (
    DEFAULT_COALITIONS,
    DEFAULT_COVER_SHARE,
    KEY_SUPPLIERS,
    _check_inputs,
    _check_share,
    _meta,
    _shares,
    chokepoint_ids,
    resolve_country,
    share_matrix,
)


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
