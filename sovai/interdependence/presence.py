"""Layer presence: on how many layers of the stack a country holds a meaningful share of world supply.

A country's *layer share* is the mean of its shares over the layer's inputs (absent = 0), weighted
by ETO market size for compute hardware (``rule="mean"``), or its largest share on any input of the
layer (``rule="any"``). It holds a *meaningful* share when the layer share reaches ``threshold``
percent. Where the source withholds one of the country's values (USGS "W"), the known part is a
lower bound: the layer is ``yes`` if the lower bound already reaches the threshold, otherwise
**unknown** (share NA), never ``no``. This module holds :func:`layer_shares`,
:func:`layer_presence`, :func:`full_stack` and :func:`full_stack_table`; it does not compare supply
with demand (see :mod:`sovai.interdependence.sufficiency`) nor deal with blocs or coalitions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sovai import framework
from sovai.interdependence.common import (
    DEFAULT_THRESHOLD,
    FULL_STACK_THRESHOLDS,
    _check_share,
    _meta,
    _shares,
    share_matrix,
)


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
