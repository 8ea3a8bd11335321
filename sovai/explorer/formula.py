"""The explorer's reference formula: layer scores → overall score → rank, in Python.

This module holds :func:`aggregate` (the composite engine's layer → overall step: weighted
arithmetic or geometric mean over the scored layers, the ``min_layers_share`` rule counting only
layers of positive weight), :func:`rank` (the engine's ``rank_rows``: scores rounded to
:data:`_ROUND` decimals, ties share the best rank), :data:`AGGREGATIONS` and the weight check
``_weight_vector``. It is the Python mirror of the arithmetic the page's JavaScript runs (in
:file:`explorer.html.tmpl`, same loop, same order). It reads no composite result, no map and no
file, and renders nothing (:mod:`sovai.explorer.views`, :mod:`sovai.explorer.render`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

AGGREGATIONS = ("arithmetic", "geometric")
_ROUND = 9  # as sovai.composite.steps.rank_rows


# ---------------------------------------------------------------------------------------------
# the reference formula
# ---------------------------------------------------------------------------------------------


def _weight_vector(layers: list[str], weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(layers))
    unknown = sorted(set(weights) - set(layers))
    if unknown:
        raise ValueError(f"parameter 'weights': unknown layer(s) {unknown}; layers are {layers}")
    w = np.array([float(weights.get(lay, 1.0)) for lay in layers])
    bad = [lay for lay, v in zip(layers, w) if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"parameter 'weights': weights must be finite and >= 0; bad for layer(s) {bad}")
    return w


def aggregate(
    layer_scores: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    *,
    min_layers_share: float = 0.7,
) -> pd.Series:
    """Overall score from layer scores, as the composite engine's layer → overall step.

    Parameters
    ----------
    layer_scores
        Country × layer scores (index: country id, columns: layer ids; NaN = layer not scored).
    weights
        Layer weight per layer id (need not sum to 1; a layer not named weighs 1, as in the
        engine; 0 leaves the layer out). ``None``: equal weights.
    aggregation
        ``"arithmetic"`` (weighted mean) or ``"geometric"`` (weighted geometric mean; scores > 0).
    min_layers_share
        A score needs at least ``max(1, ceil(min_layers_share × P))`` scores on the ``P`` layers
        with a positive weight (zero-weight layers do not count).

    Returns
    -------
    pandas.Series
        ``score`` per country (NaN if not ranked), in the order of ``layer_scores.index``.

    Raises
    ------
    ValueError
        Unknown aggregation or layer, a negative weight, or a non-positive score with
        ``"geometric"`` (naming country and layer).
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"parameter 'aggregation': expected one of {AGGREGATIONS}, got {aggregation!r}")
    layers = [str(c) for c in layer_scores.columns]
    w = _weight_vector(layers, weights)
    X = layer_scores.to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(X)
    geo = aggregation == "geometric"
    if geo and (X[ok] <= 0).any():
        r, c = np.argwhere(ok & (np.where(ok, X, 1.0) <= 0))[0]
        raise ValueError(
            f"geometric aggregation needs positive layer scores: country {layer_scores.index[r]!r}, "
            f"layer {layers[c]!r} has {X[r, c]!r}"
        )
    n = X.shape[0]
    num, den, n_ok = np.zeros(n), np.zeros(n), np.zeros(n)
    for li in range(len(layers)):  # the engine's loop: num += w * v, den += w over scored layers
        val = np.log(np.where(ok[:, li], X[:, li], 1.0)) if geo else np.where(ok[:, li], X[:, li], 0.0)
        use = ok[:, li] & (w[li] > 0)
        num = np.where(use, num + val * w[li], num)
        den = np.where(use, den + w[li], den)
        n_ok += use  # a zero-weight layer is dropped by the engine: it does not count
    need = max(1.0, math.ceil(min_layers_share * int((w > 0).sum()) - 1e-9))
    good = (den > 0) & (n_ok >= need)
    out = np.full(n, np.nan)
    np.divide(num, den, out=out, where=good)
    if geo:
        np.exp(out, out=out, where=good)
    return pd.Series(out, index=layer_scores.index, name="score")


def rank(scores: pd.Series) -> pd.Series:
    """Ranks of ``scores`` as the engine's ``rank_rows``: 1 = highest, scores rounded to 9
    decimals, ties share the best rank, NaN stays NaN."""
    s = scores.to_numpy(dtype=float, na_value=np.nan)
    key = np.round(s, _ROUND)
    out = np.full(len(s), np.nan)
    valid = ~np.isnan(key)
    vals = key[valid]
    out[valid] = [1.0 + float((vals > v).sum()) for v in vals]
    return pd.Series(out, index=scores.index, name="rank")
