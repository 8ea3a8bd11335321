"""Uncertainty and sensitivity: Monte Carlo ranks, Sobol indices, leave-one-indicator-out.

Uncertain factors (:data:`~sovai.composite.config.FACTORS`): layer weights and indicator weights
(Dirichlet around the nominal weights, concentration κ), normalisation, imputation, aggregation,
outlier treatment (sampled uniformly among the configured choices) and the indicator set (each
draw leaves out ``mc_leave_out`` indicators chosen at random) and, when alternative data are given,
the reference window (the panel built for another year window).

The Monte Carlo uses pseudo-random draws (numpy ``Generator``). The sensitivity analysis uses a
Saltelli design on a scrambled, seeded Sobol' sequence (:class:`scipy.stats.qmc.Sobol`) of
dimension 2D: A and B are its two halves; a factor is a group of dimensions (all the weights of
a level form one factor). Dirichlet weights are drawn from the sequence through the gamma quantile
function in the Wilson–Hilferty approximation (accurate for shapes κ·w ≳ 1), discrete choices by
``floor(u × choices)``. First-order indices use the Saltelli (2010) estimator, total indices the
Jansen (1999) estimator; intervals are percentile bootstraps over the N base rows.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from sovai.composite.config import FACTORS, CompositeConfig
from sovai.composite.evaluator import _evaluate, _Prepared
from sovai.composite.steps import rank_rows

_CHUNK = 8192


class _Samplers:
    """Draws of the uncertain inputs (each factor independently)."""

    def __init__(
        self,
        cfg: CompositeConfig,
        prep: _Prepared,
        w_ind: np.ndarray,
        w_layer: np.ndarray,
        mc_data: list[str],
        mc_imp: list[str],
        mc_out: list[str],
        mc_norm: list[str],
        mc_agg: list[int],
    ):
        self.kappa = cfg.weight_concentration
        self.w_ind = w_ind
        self.w_layer = w_layer
        self.leaf_cols = prep.leaf_cols
        self.variant_of = np.array(
            [[[[prep.index(d, i, o, n_) for n_ in mc_norm] for o in mc_out] for i in mc_imp] for d in mc_data]
        )  # (D, I, O, N)
        self.mc_agg = np.array(mc_agg, dtype=int)
        m = len(w_ind)
        self.leave_out = min(int(cfg.mc_leave_out), max(m - 1, 0))
        self.factors_varying = {
            "layer_weights": math.isfinite(self.kappa) and (w_layer > 0).sum() > 1,
            "indicator_weights": math.isfinite(self.kappa) and any((w_ind[c] > 0).sum() > 1 for c in prep.leaf_cols),
            "normalisation": len(mc_norm) > 1,
            "imputation": len(mc_imp) > 1,
            "aggregation": len(mc_agg) > 1,
            "outliers": len(mc_out) > 1,
            "indicator_set": self.leave_out > 0,
            "reference_window": len(mc_data) > 1,
        }
        # Sobol' dimensions of each factor
        nL = len(w_layer)
        self.dims = {
            "layer_weights": nL,
            "indicator_weights": m,
            "normalisation": 1,
            "imputation": 1,
            "aggregation": 1,
            "outliers": 1,
            "indicator_set": max(self.leave_out, 1),
            "reference_window": 1,
        }

    # -- pseudo-random draws (Monte Carlo)
    def _dirichlet(self, rng, w: np.ndarray, d: int) -> np.ndarray:
        out = np.zeros((d, len(w)))
        pos = w > 0
        if not math.isfinite(self.kappa) or pos.sum() <= 1:
            out[:] = w
            return out
        g = rng.standard_gamma(self.kappa * w[pos], size=(d, int(pos.sum())))
        out[:, pos] = g / g.sum(axis=1, keepdims=True)
        return out

    def sample(self, rng, d: int) -> dict[str, np.ndarray]:
        """Independent pseudo-random draws of every factor: a dict of arrays with d rows."""
        w_layer = self._dirichlet(rng, self.w_layer, d)
        w_ind = np.zeros((d, len(self.w_ind)))
        for cols in self.leaf_cols:
            w_ind[:, cols] = self._dirichlet(rng, self.w_ind[cols], d)
        n_data, n_imp, n_out, n_norm = self.variant_of.shape
        return {
            "layer_weights": w_layer,
            "indicator_weights": w_ind,
            "normalisation": rng.integers(0, n_norm, size=d),
            "imputation": rng.integers(0, n_imp, size=d),
            "aggregation": rng.integers(0, len(self.mc_agg), size=d),
            "outliers": rng.integers(0, n_out, size=d),
            "indicator_set": _leave_out_sets(rng.random((d, max(self.leave_out, 1))), len(self.w_ind), self.leave_out),
            "reference_window": rng.integers(0, n_data, size=d),
        }

    # -- quasi-random draws (Sobol' design)
    def _dirichlet_q(self, U: np.ndarray, w: np.ndarray) -> np.ndarray:
        out = np.zeros(U.shape)
        pos = w > 0
        if not math.isfinite(self.kappa) or pos.sum() <= 1:
            out[:] = w
            return out
        a = self.kappa * w[pos]
        from scipy import special  # imported where used: scipy.stats costs 0.7-1.0 s per process

        z = special.ndtri(np.clip(U[:, pos], 1e-12, 1 - 1e-12))
        g = a * np.maximum(1.0 - 1.0 / (9.0 * a) + z / (3.0 * np.sqrt(a)), 1e-6) ** 3  # Wilson–Hilferty
        out[:, pos] = g / g.sum(axis=1, keepdims=True)
        return out

    def from_unit(self, U: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Map unit-cube columns per factor (``{factor: (d, dims)}``) to factor draws."""
        n_data, n_imp, n_out, n_norm = self.variant_of.shape
        w_ind = np.zeros(U["indicator_weights"].shape)
        for cols in self.leaf_cols:
            w_ind[:, cols] = self._dirichlet_q(U["indicator_weights"][:, cols], self.w_ind[cols])

        def pick(u, k):
            return np.minimum((u[:, 0] * k).astype(int), k - 1)

        return {
            "layer_weights": self._dirichlet_q(U["layer_weights"], self.w_layer),
            "indicator_weights": w_ind,
            "normalisation": pick(U["normalisation"], n_norm),
            "imputation": pick(U["imputation"], n_imp),
            "aggregation": pick(U["aggregation"], len(self.mc_agg)),
            "outliers": pick(U["outliers"], n_out),
            "indicator_set": _leave_out_sets(U["indicator_set"], len(self.w_ind), self.leave_out),
            "reference_window": pick(U["reference_window"], n_data),
        }

    def evaluate(self, prep: _Prepared, s: dict[str, np.ndarray]) -> np.ndarray:
        variant = self.variant_of[s["reference_window"], s["imputation"], s["outliers"], s["normalisation"]]
        agg = self.mc_agg[s["aggregation"]]
        w = s["indicator_weights"]
        if self.leave_out:
            w = np.where(s["indicator_set"], 0.0, w)
        overall, _ = _evaluate(prep, w, s["layer_weights"], variant, agg)
        return overall


def _leave_out_sets(U: np.ndarray, m: int, k: int) -> np.ndarray:
    """(d, m) bool: the ``k`` indicators left out in each draw, chosen without replacement from the
    columns of ``U`` (uniform on [0, 1)): the j-th pick is the ``floor(u_j (m − j))``-th indicator
    not yet picked."""
    d = U.shape[0]
    out = np.zeros((d, m), dtype=bool)
    if not k:
        return out
    for j in range(k):
        free = np.cumsum(~out, axis=1)  # 1-based position among the free indicators
        pos = np.minimum((U[:, j] * (m - j)).astype(int), m - j - 1) + 1
        hit = (free == pos[:, None]) & ~out
        out |= hit
    return out


def _mc_ranks(prep: _Prepared, samplers: _Samplers, rng, n_draws: int, chunk: int = _CHUNK) -> np.ndarray:
    n = prep.X.shape[1]
    out = np.empty((n_draws, n), dtype=np.float32)
    for start in range(0, n_draws, chunk):
        d = min(chunk, n_draws - start)
        s = samplers.sample(rng, d)
        out[start : start + d] = rank_rows(samplers.evaluate(prep, s))
    return out


def _empty_sensitivity(by_country: bool = False) -> pd.DataFrame:
    cols = ["factor", "S1", "S1_p05", "S1_p95", "ST", "ST_p05", "ST_p95"]
    return pd.DataFrame(columns=(["iso3", *cols] if by_country else ["output", *cols]))


def _sensitivity(
    prep: _Prepared,
    samplers: _Samplers,
    rng,
    nominal_rank: np.ndarray,
    cfg: CompositeConfig,
    countries: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """First-order and total indices of each varying factor, on a Sobol' design.

    Outputs: the mean absolute rank shift of the ``sensitivity_top`` countries ranked highest
    under the nominal choices, and each country's rank (a country without a score in a draw takes
    the rank after the last ranked country). Returns (overall table, per-country table, N).
    """
    factors = [f for f in FACTORS if samplers.factors_varying[f]]
    if not factors:
        return _empty_sensitivity(), _empty_sensitivity(True), 0
    N = 1 << max(1, math.ceil(math.log2(max(cfg.n_sensitivity, 2))))
    names = list(samplers.dims)
    sizes = [samplers.dims[f] for f in names]
    D = sum(sizes)
    from scipy.stats import qmc  # imported here: the maps and profiles import this module, never sample

    sob = qmc.Sobol(d=2 * D, scramble=True, seed=np.random.default_rng(cfg.seed + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        P = sob.random_base2(int(math.log2(N)))
    edges = np.r_[0, np.cumsum(sizes)]
    UA = {f: P[:, edges[i] : edges[i + 1]] for i, f in enumerate(names)}
    UB = {f: P[:, D + edges[i] : D + edges[i + 1]] for i, f in enumerate(names)}
    designs = [UA, UB] + [{**UA, f: UB[f]} for f in factors]
    n = prep.X.shape[1]
    ranked = ~np.isnan(nominal_rank)
    top = cfg.sensitivity_top or int(ranked.sum())
    top_mask = ranked & (nominal_rank <= top)
    Y = np.empty((len(designs), N, n + 1), dtype=np.float32)  # output 0: mean shift of the top
    for di, dsg in enumerate(designs):
        for start in range(0, N, _CHUNK):
            part = {f: u[start : start + _CHUNK] for f, u in dsg.items()}
            r = rank_rows(samplers.evaluate(prep, samplers.from_unit(part)))
            g = r.shape[0]
            last = np.sum(~np.isnan(r), axis=1, keepdims=True) + 1.0
            r = np.where(np.isnan(r), last, r)
            Y[di, start : start + g, 0] = np.mean(np.abs(r[:, top_mask] - nominal_rank[None, top_mask]), axis=1)
            Y[di, start : start + g, 1:] = r
    p0, b0 = _sobol_indices(Y[:, :, :1], len(factors), rng, cfg.n_bootstrap)
    p1, b1 = _sobol_indices(Y[:, :, 1:], len(factors), rng, min(cfg.n_bootstrap, cfg.n_bootstrap_country))
    point = np.concatenate([p0, p1], axis=2)
    # the 5th and 95th percentiles of every (index, factor, output) at once: the same values as one
    # np.percentile call per cell, without ~5,400 calls per view (0.7 s of a 30.7 s default 02 run,
    # measured 2026-12-03; tables byte-identical)
    band0, band1 = (None if b is None else np.percentile(b, [5, 95], axis=0) for b in (b0, b1))
    tables = []
    for out_idx, label in ((slice(0, 1), "overall"), (slice(1, n + 1), "country")):
        rows = []
        ids = [f"mean |rank shift|, top {top}"] if label == "overall" else countries
        for c, cid in enumerate(ids):
            o = out_idx.start + c
            for i, f in enumerate(factors):
                rec = {"output" if label == "overall" else "iso3": cid, "factor": f}
                rec["S1"], rec["ST"] = point[0, i, o], point[1, i, o]
                band, ob = (band0, o) if label == "overall" else (band1, o - 1)
                if band is not None:
                    rec["S1_p05"], rec["S1_p95"] = band[0, 0, i, ob], band[1, 0, i, ob]
                    rec["ST_p05"], rec["ST_p95"] = band[0, 1, i, ob], band[1, 1, i, ob]
                else:
                    rec.update(S1_p05=np.nan, S1_p95=np.nan, ST_p05=np.nan, ST_p95=np.nan)
                rows.append(rec)
        tab = pd.DataFrame(rows)[list(_empty_sensitivity(label == "country").columns)]
        tables.append(tab)
    return tables[0], tables[1], N


def _sobol_indices(Y: np.ndarray, k: int, rng, n_bootstrap: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Saltelli (2010) S1 and Jansen (1999) ST for outputs ``Y`` (k+2, N, c): A, B, AB_1..AB_k.

    Returns ``point`` (2, k, c) and the bootstrap replicates (B, 2, k, c) or None. Bootstrap
    resamples of the N rows enter as counts, so each replicate's sums are one matrix product per
    term (float32, on terms centred on their mean so that rounding stays small).
    """
    _, N, c = Y.shape
    fA, fB = Y[0].astype(np.float64), Y[1].astype(np.float64)
    counts = None
    if n_bootstrap:
        idx = rng.integers(0, N, size=(n_bootstrap, N))
        flat = (idx + (np.arange(n_bootstrap) * N)[:, None]).reshape(-1)
        counts = np.bincount(flat, minlength=n_bootstrap * N).reshape(n_bootstrap, N).astype(np.float32)

    def sums(term: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        total = term.sum(axis=0)  # (c,)
        if counts is None:
            return total, None
        mu = total / N
        return total, (counts @ (term - mu).astype(np.float32)).astype(np.float64) + N * mu

    terms = [fA + fB, fA**2 + fB**2]
    for i in range(k):
        terms.append(fB * (Y[2 + i] - fA))
    for i in range(k):
        terms.append((fA - Y[2 + i]) ** 2)
    point_sums, boot_sums = zip(*(sums(t) for t in terms))

    def indices(S):  # S: (2 + 2k, B, c) sums over the (resampled) rows
        tot, sq = S[0], S[1]
        var = (sq - tot**2 / (2 * N)) / (2 * N - 1)
        pos = var > 0
        safe = np.where(pos, var, 1.0)[None]
        S1 = np.where(pos[None], S[2 : 2 + k] / N / safe, 0.0)
        ST = np.where(pos[None], S[2 + k :] / (2 * N) / safe, 0.0)
        return np.stack([S1, ST], axis=0).transpose(2, 0, 1, 3)  # (B, 2, k, c)

    point = indices(np.stack(point_sums)[:, None, :])[0]
    if counts is None:
        return point, None
    return point, indices(np.stack(boot_sums))


def _leave_one_out(
    prep: _Prepared,
    w_ind: np.ndarray,
    w_layer: np.ndarray,
    k0: int,
    geo0: int,
    rank: np.ndarray,
    ind_ids: list[str],
    meta: pd.DataFrame,
    countries: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = len(ind_ids)
    W = np.repeat(w_ind[None, :], m, axis=0)
    W[np.arange(m), np.arange(m)] = 0.0
    Wl = np.repeat(w_layer[None, :], m, axis=0)
    overall, _ = _evaluate(prep, W, Wl, np.full(m, k0), np.full(m, geo0))
    r = rank_rows(overall)
    shifts = r - rank[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loo = pd.DataFrame(
            {
                "indicator": ind_ids,
                "layer": meta["layer"].to_numpy(),
                "mean_abs_rank_shift": np.nanmean(np.abs(shifts), axis=1),
                "max_abs_rank_shift": np.nanmax(np.abs(shifts), axis=1),
                "n_unranked": (np.isnan(r) & ~np.isnan(rank)[None, :]).sum(axis=1),
            }
        )
    return loo, pd.DataFrame(shifts.T, index=pd.Index(countries, name="iso3"), columns=ind_ids)
