"""Dependency mapping, coalitions and diversification: "managed interdependence" in numbers.

Everything here works on the long country-share table of :func:`sovai.stack.input_shares`
(``input_id, layer, input, iso3, share`` with shares in percent of world supply; ``iso3`` NA for the
unattributed remainder). Definitions:

Layer presence (:func:`layer_presence`, :func:`full_stack`)
    A country's *layer share* is the mean of its shares over the layer's inputs (a missing country
    counts 0), weighted by ETO market size over the non-overlapping segments for compute hardware,
    equally elsewhere (``rule="mean"``); with ``rule="any"`` it is its largest share on any input of
    the layer. It holds a *meaningful* share of the layer when the layer share is at least
    ``threshold`` percent. Counting such layers over the layers that have measured inputs is the
    measurable form of "full-stack sovereignty is infeasible": :func:`full_stack` lists how many
    countries reach every layer.

Blocs and exposure (:func:`bloc_members`, :func:`exposure`)
    A bloc is (a) ``"unga"``: the countries on the same side of the US–China divide in UN General
    Assembly votes (Bailey–Strezhnev–Voeten ideal points: sign of ``|x − x_CHN| − |x − x_USA|``,
    :func:`sovai.sources.unga.alignment`); countries without ideal points (e.g. Taiwan, not a UN
    member) have *unknown* alignment and are reported apart, never guessed; (b) a membership group
    (``"NATO"``, ``"G7"``, ``"EU"``…): its members plus the country itself; (c) an explicit list of
    ISO3 codes. A country's exposure on an input is the share of world supply held by countries
    outside its bloc (its own production counts as inside).

Coalitions (:func:`coalition_coverage`, :func:`minimum_coalition`)
    A coalition *covers* an input when its members' joint share is at least ``threshold``.
    The smallest coalition with a foothold on every chokepoint is a set-cover problem (a country
    holds an input when its own share is at least ``threshold``): solved exactly by enumeration
    (after forcing sole holders and dropping dominated countries) when the number of combinations
    is at most ``max_combinations``, otherwise by the greedy algorithm, whose size is at most
    H(n) ≤ ln(n) + 1 times the optimum for n chokepoints (Johnson 1974; Chvátal 1979).

Diversification (:func:`diversify`)
    A country's supplier mix on an input is taken as world supply (attributed shares, rescaled
    to 100) — a country buys at world market shares. Sourcing a fraction ``weight`` from named
    partners (in proportion to their world shares) gives the mix
    ``(1 − weight) · world + weight · partners``; the table reports the HHI of the mix before and
    after, the top supplier, outside-bloc exposure, and ``partner_capacity`` — the partners' joint
    world share today, a reminder that the scenario assumes they can expand supply.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sovai import countries, stack

#: Coalitions used when none are given.
DEFAULT_COALITIONS = ("EU", "G7", "QUAD", "ASEAN", "BRICS")
#: Meaningful share of world supply (percent).
DEFAULT_THRESHOLD = 5.0


# --- helpers ------------------------------------------------------------------------------------


def _shares(shares: pd.DataFrame | None) -> pd.DataFrame:
    if shares is None:
        return stack.input_shares()
    missing = [c for c in ("input_id", "layer", "iso3", "share") if c not in shares.columns]
    if missing:
        raise ValueError(f"parameter 'shares': missing column(s) {missing}; found {list(shares.columns)}")
    return shares


def _check_country(country: str, parameter: str = "country") -> str:
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


def share_matrix(shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Countries × inputs matrix of shares (percent); absent = 0. Unattributed rows are dropped."""
    shares = _shares(shares)
    att = shares[shares["iso3"].notna()]
    mat = att.pivot_table(index="iso3", columns="input_id", values="share", aggfunc="sum", fill_value=0.0)
    return mat.astype(float).sort_index().sort_index(axis=1)


def chokepoint_ids(shares: pd.DataFrame | None = None, *, hhi_threshold: float = stack.HHI_HIGH) -> list[str]:
    """Input ids whose HHI is at least ``hhi_threshold``."""
    table = stack.chokepoints(_shares(shares), hhi_threshold=hhi_threshold)
    return sorted(table.loc[table["highly_concentrated"], "input_id"])


# --- layer presence -----------------------------------------------------------------------------


def _layer_weights(shares: pd.DataFrame) -> dict[str, float]:
    if not (shares["input_id"].str.startswith("eto:")).any():
        return {}
    from sovai.sources import eto

    seg = eto.weighting_segments()
    return {f"eto:{i}": float(w) for i, w in zip(seg["input_id"], seg["weight"], strict=True)}


def layer_shares(shares: pd.DataFrame | None = None, *, rule: str = "mean") -> pd.DataFrame:
    """Country × layer shares (percent), see the module docstring for ``rule`` (``"mean"``/``"any"``).

    A country absent from an input counts 0 there — including where the source *withholds* its
    value (USGS "W", e.g. US gallium and lithium): its mineral share is then understated, not
    estimated.
    """
    if rule not in ("mean", "any"):
        raise ValueError(f"parameter 'rule': expected 'mean' or 'any', got {rule!r}")
    shares = _shares(shares)
    mat = share_matrix(shares)
    layer_of = shares.drop_duplicates("input_id").set_index("input_id")["layer"]
    weights = _layer_weights(shares)
    out = {}
    for layer in stack.LAYERS:
        ids = [i for i in mat.columns if layer_of.get(i) == layer]
        if not ids:
            continue
        sub = mat[ids]
        if rule == "any":
            out[layer] = sub.max(axis=1)
            continue
        w = pd.Series({i: weights.get(i, 0.0) for i in ids}) if layer == "compute_hardware" and weights else None
        if w is not None and w.sum() > 0:
            out[layer] = sub.mul(w, axis=1).sum(axis=1) / w.sum()
        else:
            out[layer] = sub.mean(axis=1)
    return pd.DataFrame(out).reindex(columns=[layer for layer in stack.LAYERS if layer in out]).fillna(0.0)


def layer_presence(
    shares: pd.DataFrame | None = None, *, threshold: float = DEFAULT_THRESHOLD, rule: str = "mean"
) -> pd.DataFrame:
    """Per country: its layer shares, and on how many measured layers it holds ≥ ``threshold`` percent.

    Returns
    -------
    DataFrame
        ``iso3``, one ``share_<layer>`` column per measured layer, ``n_layers_meaningful``,
        ``n_layers_measured``, ``layers_meaningful`` (``;``-joined), ``total_share`` (sum of the
        layer shares), sorted by ``n_layers_meaningful`` then ``total_share`` (descending), ``iso3``.
    """
    if threshold <= 0 or threshold > 100:
        raise ValueError(f"parameter 'threshold': expected a percentage in (0, 100], got {threshold}")
    ls = layer_shares(shares, rule=rule)
    meaningful = ls >= threshold
    out = ls.round(6).add_prefix("share_")
    out["n_layers_meaningful"] = meaningful.sum(axis=1).astype(int)
    out["n_layers_measured"] = ls.shape[1]
    out["layers_meaningful"] = [";".join(c for c in ls.columns if meaningful.loc[i, c]) for i in ls.index]
    out["total_share"] = ls.sum(axis=1).round(6)
    out = out.reset_index().rename(columns={"index": "iso3"})
    return out.sort_values(
        ["n_layers_meaningful", "total_share", "iso3"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)


def full_stack(presence: pd.DataFrame) -> dict[str, object]:
    """Summary of :func:`layer_presence`: who holds a meaningful share on every measured layer."""
    n = int(presence["n_layers_measured"].iloc[0]) if len(presence) else 0
    full = presence.loc[presence["n_layers_meaningful"] == n, "iso3"].tolist()
    return {
        "n_layers_measured": n,
        "n_countries_full_stack": len(full),
        "full_stack_countries": full,
        "n_countries_any_layer": int((presence["n_layers_meaningful"] > 0).sum()),
        "median_layers_meaningful_among_present": float(
            presence.loc[presence["n_layers_meaningful"] > 0, "n_layers_meaningful"].median()
        )
        if (presence["n_layers_meaningful"] > 0).any()
        else 0.0,
    }


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
    country = _check_country(country)
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
        unattributed_share, top_outside_iso3, top_outside_share`` (percent of world supply).
    """
    shares = _shares(shares)
    country = _check_country(country)
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


# --- coalitions ---------------------------------------------------------------------------------


def resolve_coalitions(
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = None,
) -> dict[str, list[str]]:
    """Coalition name → sorted ISO3 members.

    Accepts group names (``"EU"``, ``"G7"``, ``"QUAD"``…), a mapping ``{name: [countries]}`` (a
    value may itself be a group name), or a list mixing group names and ``"name=ISO3+ISO3"`` (or ``"name:ISO3+ISO3"``) strings.
    Unknown entries raise ``ValueError`` naming the parameter ``coalitions``.
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
    threshold: float = DEFAULT_THRESHOLD,
    inputs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Joint share of each coalition on each input, and whether it covers it (≥ ``threshold``).

    Returns
    -------
    DataFrame
        ``coalition, n_members, members, input_id, layer, input, joint_share, covered, threshold,
        top_member, top_member_share`` sorted by coalition then input.
    """
    shares = _shares(shares)
    ids = _check_inputs(shares, inputs)
    coal = resolve_coalitions(coalitions)
    mat = share_matrix(shares)
    meta = shares.drop_duplicates("input_id").set_index("input_id")
    rows = []
    for name, members in coal.items():
        sub = mat.reindex(index=members, fill_value=0.0)
        for input_id in ids:
            col = sub[input_id] if input_id in sub.columns else pd.Series(0.0, index=members)
            ranked = sorted(col.items(), key=lambda kv: (-kv[1], kv[0]))
            joint = float(col.sum())
            rows.append(
                {
                    "coalition": name,
                    "n_members": len(members),
                    "members": ";".join(members),
                    "input_id": input_id,
                    "layer": meta.loc[input_id, "layer"],
                    "input": meta.loc[input_id, "input"] if "input" in meta.columns else input_id,
                    "joint_share": round(joint, 6),
                    "covered": bool(joint >= threshold),
                    "threshold": float(threshold),
                    "top_member": ranked[0][0] if ranked and ranked[0][1] > 0 else pd.NA,
                    "top_member_share": round(float(ranked[0][1]), 6) if ranked else 0.0,
                }
            )
    return pd.DataFrame(rows).sort_values(["coalition", "input_id"], kind="mergesort").reset_index(drop=True)


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
                "layers_fully_covered": ";".join(layer for layer in stack.LAYERS if by_layer.get(layer, False)),
                "uncovered_inputs": ";".join(grp.loc[~grp["covered"], "input_id"]),
            }
        )
    return pd.DataFrame(rows)


def _holdings(shares: pd.DataFrame, ids: list[str], threshold: float) -> dict[str, frozenset[str]]:
    mat = share_matrix(shares).reindex(columns=ids, fill_value=0.0)
    held = mat >= threshold
    return {c: frozenset(held.columns[held.loc[c]]) for c in held.index if held.loc[c].any()}


def set_cover(
    universe: Iterable[str], holdings: Mapping[str, Iterable[str]], *, max_combinations: int = 2_000_000
) -> dict[str, object]:
    """Smallest set of holders whose holdings cover ``universe`` (exact where feasible, else greedy).

    Returns
    -------
    dict
        ``members`` (sorted), ``size``, ``method`` (``"exact"``/``"greedy"``), ``n_optimal`` (number
        of minimum covers, exact only), ``uncoverable`` (elements nobody holds, left out),
        ``bound`` (text: optimality statement), ``lower_bound`` (a proven lower bound on the optimum).
    """
    universe = frozenset(universe)
    hold = {k: frozenset(v) & universe for k, v in holdings.items()}
    hold = {k: v for k, v in hold.items() if v}
    coverable = frozenset().union(*hold.values()) if hold else frozenset()
    uncoverable = sorted(universe - coverable)
    target = coverable
    # forced holders: sole holder of an element
    forced: set[str] = set()
    for e in sorted(target):
        owners = sorted(k for k, v in hold.items() if e in v)
        if len(owners) == 1:
            forced.add(owners[0])
    covered = frozenset().union(*(hold[k] for k in forced)) if forced else frozenset()
    rest = target - covered
    cand = {k: v & rest for k, v in hold.items() if k not in forced and v & rest}
    # drop dominated candidates (keep the alphabetically first of equal sets)
    names = sorted(cand)
    keep = []
    for k in names:
        dominated = any((cand[k] < cand[o]) or (cand[k] == cand[o] and o < k) for o in names if o != k)
        if not dominated:
            keep.append(k)
    n = len(rest)
    harmonic = sum(1.0 / i for i in range(1, max(len(target), 1) + 1))
    # exact search over growing sizes
    total = 0
    exact_solutions: list[tuple[str, ...]] | None = None
    if not rest:
        exact_solutions = [()]
    else:
        for size in range(1, len(keep) + 1):
            total += math.comb(len(keep), size)
            if total > max_combinations:
                break
            sols = [
                combo
                for combo in itertools.combinations(keep, size)
                if frozenset().union(*(cand[c] for c in combo)) >= rest
            ]
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
            f"greedy: size <= H({len(target)}) x optimum = {harmonic:.3f} x optimum (H(n) <= ln(n) + 1 = "
            f"{math.log(max(len(target), 1)) + 1:.3f}); exhaustive search skipped (> {max_combinations:,} combinations, "
            f"{len(keep)} candidates for {n} elements)"
        ),
        "lower_bound": max(len(forced), math.ceil(len(chosen) / harmonic)),
    }


def minimum_coalition(
    shares: pd.DataFrame | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    inputs: Iterable[str] | None = None,
    hhi_threshold: float = stack.HHI_HIGH,
    max_combinations: int = 2_000_000,
) -> dict[str, object]:
    """Smallest group of countries with a foothold (own share ≥ ``threshold``) on every chokepoint.

    ``inputs`` defaults to the chokepoints (HHI ≥ ``hhi_threshold``). See :func:`set_cover`.
    """
    shares = _shares(shares)
    ids = _check_inputs(shares, inputs) if inputs is not None else chokepoint_ids(shares, hhi_threshold=hhi_threshold)
    result = set_cover(ids, _holdings(shares, ids, threshold), max_combinations=max_combinations)
    result["n_inputs"] = len(ids)
    result["threshold"] = float(threshold)
    return result


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
) -> pd.DataFrame:
    """How ``country``'s supplier concentration changes when it sources ``weight`` from ``partners``.

    Returns
    -------
    DataFrame
        ``input_id, layer, input, baseline_hhi, scenario_hhi, hhi_change, baseline_top_iso3,
        baseline_top_share, scenario_top_iso3, scenario_top_share, baseline_outside_bloc,
        scenario_outside_bloc, partner_capacity, feasible`` (shares in percent of the country's
        supply; ``feasible`` false when the partners supply none of the input — the mix is then
        unchanged).
    """
    if not 0 <= weight <= 1:
        raise ValueError(f"parameter 'weight': expected a fraction in [0, 1], got {weight}")
    shares = _shares(shares)
    country = _check_country(country)
    partner_list = countries.resolve_countries(partners, parameter="partners")
    ids = _check_inputs(shares, inputs) if inputs is not None else chokepoint_ids(shares, hhi_threshold=hhi_threshold)
    members, known = bloc_members(country, bloc, year=year)
    mat = share_matrix(shares)
    meta = shares.drop_duplicates("input_id").set_index("input_id")
    rows = []
    for input_id in ids:
        world = mat[input_id] if input_id in mat.columns else pd.Series(dtype=float)
        world = world[world > 0]
        base = 100.0 * world / world.sum()
        part = world.reindex(partner_list, fill_value=0.0)
        capacity = float(part.sum())
        feasible = capacity > 0
        scen = base.copy()
        if feasible:
            pmix = 100.0 * part / capacity
            scen = (
                base.reindex(base.index.union(pmix.index), fill_value=0.0) * (1 - weight)
                + pmix.reindex(base.index.union(pmix.index), fill_value=0.0) * weight
            )
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
                "feasible": feasible,
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(["hhi_change", "input_id"], kind="mergesort").reset_index(drop=True)


# --- figures ------------------------------------------------------------------------------------


def plot_presence(presence: pd.DataFrame, *, top: int = 20, threshold: float = DEFAULT_THRESHOLD, caption: str = ""):
    """Heatmap of the ``top`` countries' layer shares; cells at or above ``threshold`` outlined."""
    import matplotlib.pyplot as plt

    cols = [c for c in presence.columns if c.startswith("share_")]
    data = presence.head(top)
    vals = data[cols].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 * len(cols) + 3, 0.3 * len(data) + 1.8))
    im = ax.imshow(
        vals, aspect="auto", cmap="Blues", vmin=0, vmax=max(50.0, float(np.nanmax(vals)) if vals.size else 50.0)
    )
    for (i, j), v in np.ndenumerate(vals):
        if v >= threshold:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", lw=1.2))
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6)
    ax.set_xticks(range(len(cols)), [c.removeprefix("share_") for c in cols], rotation=30, ha="right", fontsize=7)
    ax.set_yticks(
        range(len(data)),
        [f"{c} ({n})" for c, n in zip(data["iso3"], data["n_layers_meaningful"], strict=True)],
        fontsize=7,
    )
    ax.set_title(f"Share of world supply by layer (%, outlined: ≥ {threshold:g}%)")
    fig.colorbar(im, ax=ax, fraction=0.03)
    fig.tight_layout()
    stack.add_caption(fig, caption)
    return fig


def plot_diversification(table: pd.DataFrame, *, country: str, caption: str = ""):
    """Dumbbell chart: supplier HHI before and after diversification, per input."""
    import matplotlib.pyplot as plt

    data = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(data) + 1.6))
    y = np.arange(len(data))
    ax.hlines(y, data["scenario_hhi"], data["baseline_hhi"], color="grey", lw=1)
    ax.scatter(data["baseline_hhi"], y, color="tab:red", label="baseline (world mix)", zorder=3)
    ax.scatter(data["scenario_hhi"], y, color="tab:blue", label="with partners", zorder=3)
    ax.set_yticks(y, data["input"], fontsize=7)
    ax.set_xlim(0, 10000)
    ax.set_xlabel("HHI of the supplier mix (0–10,000)")
    ax.set_title(f"{country}: supplier concentration before and after diversifying")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    stack.add_caption(fig, caption)
    return fig


# --- report outputs -----------------------------------------------------------------------------


def write_outputs(
    output_dir,
    *,
    country: str = "DEU",
    partners: Iterable[str] | str = ("JPN", "KOR", "AUS", "IND"),
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = DEFAULT_COALITIONS,
    threshold: float = DEFAULT_THRESHOLD,
    weight: float = 0.5,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    hhi_threshold: float = stack.HHI_HIGH,
    since: int = 2020,
    min_market_usd: float = 0.0,
    formats: Iterable[str] = ("png",),
) -> dict[str, object]:
    """Compute the managed-interdependence tables and figures and write them under ``output_dir``.

    Tables: ``coalitions.csv`` (the contract: coalition × chokepoint joint shares, including the
    smallest covering coalition as ``smallest_cover``), ``coalition_summary.csv``,
    ``minimum_coalition.csv``, ``layer_presence.csv``, ``exposure.csv``, ``diversification.csv``.
    Figures: ``layer_presence``, ``diversification``. The chokepoints are the inputs with HHI at or
    above ``hhi_threshold``; with ``min_market_usd`` > 0, ETO inputs whose stated world market is
    smaller (equipment niches) are left out (:func:`sovai.stack.chart_selection`).
    """
    import matplotlib.pyplot as plt

    from sovai import report_io

    figures, tables = report_io.output_dirs(output_dir)
    country = _check_country(country)
    shares = stack.input_shares(since=since)
    table = stack.chokepoints(shares, hhi_threshold=hhi_threshold)
    focus = stack.chart_selection(table, min_market_usd=min_market_usd)
    ids = sorted(focus.loc[focus["highly_concentrated"], "input_id"])
    caption = stack.caption_for(table)
    presence = layer_presence(shares, threshold=threshold)
    summary_full = full_stack(presence)
    best = minimum_coalition(shares, threshold=threshold, inputs=ids)
    coal = resolve_coalitions(coalitions)
    coal["smallest_cover"] = best["members"]
    coverage = coalition_coverage(shares, coal, threshold=threshold, inputs=ids)
    csum = coalition_summary(coverage)
    held = share_matrix(shares).reindex(columns=ids, fill_value=0.0) >= threshold
    best_table = pd.DataFrame(
        {
            "iso3": best["members"],
            "forced": [m in best["forced"] for m in best["members"]],
            "n_chokepoints_held": [int(held.loc[m].sum()) for m in best["members"]],
            "method": best["method"],
            "size": best["size"],
            "n_optimal": best["n_optimal"],
            "lower_bound": best["lower_bound"],
            "bound": best["bound"],
            "threshold": float(threshold),
            "n_chokepoints": best["n_inputs"],
            "uncoverable": ";".join(best["uncoverable"]),
        }
    )
    expo = exposure(country, shares, bloc=bloc, year=year, inputs=ids)
    div = diversify(country, partners, shares, weight=weight, inputs=ids, bloc=bloc, year=year)
    report_io.write_table(coverage, tables / "coalitions.csv")
    report_io.write_table(csum, tables / "coalition_summary.csv")
    report_io.write_table(best_table, tables / "minimum_coalition.csv")
    report_io.write_table(presence, tables / "layer_presence.csv")
    report_io.write_table(expo, tables / "exposure.csv")
    report_io.write_table(div, tables / "diversification.csv")
    fig_p = plot_presence(presence, threshold=threshold, caption=caption)
    report_io.save_figure(fig_p, figures / "layer_presence", formats)
    fig_d = plot_diversification(
        div[div["feasible"]].sort_values("hhi_change", kind="mergesort").head(25), country=country, caption=caption
    )
    report_io.save_figure(fig_d, figures / "diversification", formats)
    plt.close("all")
    return {
        "country": country,
        "chokepoints": table,
        "presence": presence,
        "full_stack": summary_full,
        "minimum_coalition": best,
        "coalitions": coverage,
        "coalition_summary": csum,
        "exposure": expo,
        "diversification": div,
        "caption": caption,
        "figures": {"presence": fig_p, "diversification": fig_d},
    }
