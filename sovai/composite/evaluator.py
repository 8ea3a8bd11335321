"""The vectorised evaluator: overall (and layer) scores for many draws of the uncertain choices at once.

The hierarchy is indicator → (sub-pillar → …) → layer → overall. Indicators are grouped into
*leaf groups* (a layer without sub-pillars is one leaf group); leaf groups and sub-pillars are
aggregated with equal weights up to their layer; layers are aggregated with the layer weights.
Indicator weights act within their leaf group.

Aggregation codes (:func:`_agg_code`): bit 0 geometric below the layer level (indicators, and
sub-pillars if any), bit 1 geometric across layers. An arithmetic-only run aggregates the
normalised values; as soon as a level is geometric, every level works on the normalised values
rescaled to [1, 100] per indicator (so that logarithms are defined), and layer scores are *not*
rescaled again between levels (COINr's behaviour); ``geometric_rescale=True`` restores the
earlier rule (arithmetic levels on the normalised values, layer scores rescaled to [1, 100]
across countries before a geometric step across layers).

A layer score needs at least ``max(min_indicators, ceil(min_share × k))`` *observed* (not
imputed) indicators among the ``k`` indicators of the layer that take part in the draw; the
overall score needs at least ``ceil(min_layers_share × L)`` layer scores among the ``L`` layers
with a positive weight. Otherwise the score is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class _Prepared:
    """Precomputed normalised matrices for every (imputation, outliers, normalisation) variant."""

    variants: list[tuple[str, str, str, str]]  # (data, imputation, outliers, normalisation) per k
    X: np.ndarray  # (K, n, m) normalised values, NaN where missing
    observed: np.ndarray  # (n, m) or (K, n, m) observed (not imputed) indicators per unit (merged: members)
    leaf_cols: list[np.ndarray]  # indicator column indices per leaf group
    leaf_parent: list[int]  # parent node of each leaf group (index into nodes, or -1 - layer index)
    node_parent: list[int]  # parent of each intermediate node (index into nodes, or -1 - layer index)
    n_layers: int
    min_share: float = 0.5
    min_indicators: int = 2
    min_layers_share: float = 0.7
    geometric_rescale: bool = False
    layer_cols: list[np.ndarray] = field(default_factory=list)  # all indicator columns under each layer
    flat: bool = True  # one leaf group per layer (no sub-pillars)
    n_members: np.ndarray | None = None  # (m,) indicators per unit (1, or the members of a merged unit)

    def __post_init__(self):
        avail = ~np.isnan(self.X)
        R = _rescale_cols(self.X)
        self.XM = np.ascontiguousarray(np.where(avail, self.X, 0.0).transpose(0, 2, 1))
        self.RM = np.ascontiguousarray(np.where(avail, R, 0.0).transpose(0, 2, 1))
        self.LM = np.ascontiguousarray(np.where(avail, np.log(np.where(avail, R, 1.0)), 0.0).transpose(0, 2, 1))
        self.M = np.ascontiguousarray(avail.astype(float).transpose(0, 2, 1))
        obs = np.asarray(self.observed, dtype=float)
        if obs.ndim == 2:  # one observed matrix for every variant
            obs = np.broadcast_to(obs, self.X.shape)
        self.O = np.ascontiguousarray(obs.transpose(0, 2, 1))  # (K, m, n)
        if self.n_members is None:
            self.n_members = np.ones(self.X.shape[2])
        self.n_members = np.asarray(self.n_members, dtype=float)
        m = self.X.shape[2]
        self.layer_of = np.empty(m, dtype=int)
        for li, cols in enumerate(self.layer_cols):
            self.layer_of[cols] = li
        self.complete = np.array(
            [[bool(avail[k][:, cols].all()) for cols in self.layer_cols] for k in range(len(self.X))]
        )
        self.all_observed = [bool((self.O[k] == self.n_members[:, None]).all()) for k in range(len(self.X))]
        self.n_nominal = np.array([self.n_members[cols].sum() for cols in self.layer_cols])
        self.rule_nominal = [
            [_nominal_rule(self, li, k) for li in range(len(self.layer_cols))] for k in range(len(self.X))
        ]

    def index(self, data: str, imputation: str, outliers: str, normalisation: str) -> int:
        return self.variants.index((data, imputation, outliers, normalisation))


def _rescale_cols(X: np.ndarray) -> np.ndarray:
    """Min-max rescale each indicator (axis 1 of a (K, n, m) array) to [1, 100]; constant → 50.5."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(X, axis=1, keepdims=True)
        hi = np.nanmax(X, axis=1, keepdims=True)
    rng = hi - lo
    safe = np.where(rng > 0, rng, 1.0)
    return np.where(rng > 0, 1.0 + 99.0 * (X - lo) / safe, 50.5)


def _agg_code(within: str, across: str | None = None) -> int:
    """Aggregation code of the evaluator: bit 0 geometric within layers, bit 1 across layers."""
    across = within if across is None else across
    return int(within == "geometric") | (int(across == "geometric") << 1)


def _layer_rule(prep: _Prepared, Wb: np.ndarray, li: int, k: int) -> np.ndarray | None:
    """(g, n) or (1, n) bool: the layer has enough observed indicators in each draw (None: always).

    The minimum count ``min_indicators`` applies to the layer as designed; in a draw that leaves
    indicators out it is capped at the number taking part. Rows with the full indicator set reuse
    the rule of the nominal design; only rows that leave an indicator of the layer out are counted.
    """
    cols = prep.layer_cols[li]
    base = prep.rule_nominal[k][li]
    drop = Wb[:, cols] <= 0
    rows = np.flatnonzero(drop.any(axis=1))
    if not len(rows):
        return None if base is None else base[None, :]
    out = np.empty((Wb.shape[0], prep.X.shape[1]), dtype=bool)
    out[:] = True if base is None else base[None, :]
    act = (~drop[rows]).astype(float)
    n_act = act @ prep.n_members[cols]
    floor = np.where(n_act < prep.n_nominal[li], np.minimum(prep.min_indicators, n_act), prep.min_indicators)
    need = np.maximum(floor, np.ceil(prep.min_share * n_act - 1e-9))
    count = act @ prep.O[k][cols]
    out[rows] = (count >= need[:, None]) & (count > 0)
    return out


def _nominal_rule(prep: _Prepared, li: int, k: int) -> np.ndarray | None:
    """(n,) bool rule of layer ``li`` with every indicator taking part (None: every country passes)."""
    cols = prep.layer_cols[li]
    n_all = prep.n_members[cols].sum()
    need = max(prep.min_indicators, math.ceil(prep.min_share * n_all - 1e-9))
    count = prep.O[k][cols].sum(axis=0)
    ok = (count >= need) & (count > 0)
    return None if ok.all() else ok


def _evaluate(
    prep: _Prepared,
    w_ind: np.ndarray,
    w_layer: np.ndarray,
    variant: np.ndarray,
    agg: np.ndarray,
    *,
    want_layers: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Overall scores (d, n) for d draws; optionally layer scores (d, n, L).

    ``w_ind`` (d, m) indicator weights (need not be normalised: aggregation divides by the weights
    of the available indicators; a weight 0 leaves the indicator out of the draw), ``w_layer``
    (d, L), ``variant`` (d,) index into ``prep.variants``, ``agg`` (d,) aggregation code.

    Draws are sorted by (aggregation, variant) so that each combination is a contiguous block,
    processed layer by layer with matrix products on small (block × countries) arrays.
    """
    d = w_ind.shape[0]
    K, n, _ = prep.X.shape
    nL = prep.n_layers
    key = np.asarray(agg, dtype=int) * K + np.asarray(variant)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    w_ind = w_ind[order]
    w_layer = w_layer[order]
    overall = np.empty((d, n))
    layers = np.empty((d, n, nL)) if want_layers else None
    bounds = np.flatnonzero(np.diff(ks)) + 1
    for a, b in zip(np.r_[0, bounds], np.r_[bounds, d]):
        code, k = divmod(int(ks[a]), K)
        geo_in, geo_out = bool(code & 1), bool(code & 2)
        Wb, Lb = w_ind[a:b], w_layer[a:b]
        g = b - a
        if prep.geometric_rescale or not code:
            VM = prep.LM[k] if geo_in else prep.XM[k]
        else:
            VM = prep.LM[k] if geo_in else prep.RM[k]
        rules = [_layer_rule(prep, Wb, li, k) for li in range(nL)]
        if not code and not want_layers and prep.flat and prep.complete[k].all() and all(r is None for r in rules):
            ws = np.stack([Wb[:, cols].sum(axis=1) for cols in prep.layer_cols], axis=1)
            if (ws > 0).all():
                # overall = sum_j w_layer[l(j)] * w_j / ws[l(j)] * x_j: one matrix product
                coef = Wb * (Lb / ws)[:, prep.layer_of]
                overall[a:b] = (coef @ prep.XM[k]) / Lb.sum(axis=1, keepdims=True)
                continue
        layer_vals = _layer_values(prep, Wb, VM, k, g, n, rules)
        num = np.zeros((g, n))
        den = np.zeros((g, n))
        n_ok = np.zeros((g, n))
        for li in range(nL):
            val, ok = layer_vals[li]
            if ok.shape != val.shape:
                ok = np.broadcast_to(ok, val.shape)
            if geo_in:
                np.exp(val, out=val, where=ok)
            if want_layers:
                layers[a:b, :, li] = np.where(ok, val, np.nan)
            wl = Lb[:, li : li + 1]
            n_ok += ok
            if geo_out:
                if prep.geometric_rescale:  # earlier rule: layer scores rescaled to [1, 100] over countries
                    lo = np.where(ok, val, np.inf).min(axis=1, keepdims=True)
                    hi = np.where(ok, val, -np.inf).max(axis=1, keepdims=True)
                    rng = hi - lo
                    flat = ~(np.isfinite(rng) & (rng > 0))
                    val = np.where(
                        flat, 50.5, 1.0 + (val - np.where(flat, 0.0, lo)) * (99.0 / np.where(flat, 1.0, rng))
                    )
                np.log(val, out=val, where=ok)
            np.multiply(val, wl, out=val)
            np.add(num, val, out=num, where=ok)
            np.add(den, wl, out=den, where=ok)
        need = np.maximum(1.0, np.ceil(prep.min_layers_share * (Lb > 0).sum(axis=1, keepdims=True) - 1e-9))
        good = (den > 0) & (n_ok >= need)
        out = overall[a:b]
        out[:] = np.nan
        np.divide(num, den, out=out, where=good)
        if geo_out:
            np.exp(out, out=out, where=good)
    inv = np.empty_like(order)
    inv[order] = np.arange(d)
    overall = overall[inv]
    if layers is not None:
        layers = layers[inv]
    return overall, layers


def _layer_values(prep: _Prepared, Wb, VM, k: int, g: int, n: int, rules) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer: (value (g, n) — the log-mean when geometric within —, ok (g, n) bool)."""
    Mk = prep.M[k]
    leaf_vals = []
    for cols in prep.leaf_cols:
        W = Wb[:, cols]
        val = W @ VM[cols]
        den = W @ Mk[cols]
        ok = den > 0
        np.divide(val, den, out=val, where=ok)
        leaf_vals.append((val, ok))
    if prep.flat:
        out = []
        for li in range(prep.n_layers):
            val, ok = leaf_vals[li]
            if rules[li] is not None:
                ok = ok & rules[li]
            out.append((val, ok))
        return out
    # deeper hierarchies: intermediate nodes and layers take the equal-weight mean of their children
    n_nodes = len(prep.node_parent)
    acc_num = [np.zeros((g, n)) for _ in range(n_nodes + prep.n_layers)]
    acc_den = [np.zeros((g, n)) for _ in range(n_nodes + prep.n_layers)]

    def slot(parent: int) -> int:
        return parent if parent >= 0 else n_nodes + (-1 - parent)

    for (val, ok), parent in zip(leaf_vals, prep.leaf_parent):
        s = slot(parent)
        acc_num[s] += np.where(ok, val, 0.0)
        acc_den[s] += ok
    # nodes are numbered so that a child always has a larger index than its parent
    for node in range(n_nodes - 1, -1, -1):
        ok = acc_den[node] > 0
        val = np.divide(acc_num[node], acc_den[node], out=np.zeros((g, n)), where=ok)
        s = slot(prep.node_parent[node])
        acc_num[s] += val
        acc_den[s] += ok
    out = []
    for li in range(prep.n_layers):
        s = n_nodes + li
        ok = acc_den[s] > 0
        val = np.divide(acc_num[s], acc_den[s], out=np.zeros((g, n)), where=ok)
        if rules[li] is not None:
            ok = ok & rules[li]
        out.append((val, ok))
    return out


def _n_needed(share: float, minimum: int, k: int) -> int:
    """Observed indicators a layer of ``k`` indicators needs."""
    return max(int(minimum), math.ceil(share * k - 1e-9))
