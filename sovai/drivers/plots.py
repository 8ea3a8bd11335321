"""Figures of fitted driver models for :mod:`sovai.drivers`.

This module holds the matplotlib figures: coefficients with 95% CIs per model
(:func:`coefficient_plot`), predicted against observed outcome (:func:`predicted_vs_observed`)
and the marginal-effect curve of one covariate with its simulation band
(:func:`marginal_effect_curve`, :func:`marginal_effect_plot`), each with the attribution
footnote, plus :func:`expected_outcome` behind them. It fits nothing and saves no file (the
figures are returned; :mod:`sovai.reports.drivers` writes them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sovai.drivers.common import DriverModelError
from sovai.drivers.models import ModelFit, _is_binary
from sovai.drivers.proxies import declared_proxies
from sovai.drivers.tables import attribution


# ------------------------------------------------------------------------------------ figures
def coefficient_plot(fits: Sequence[ModelFit], terms: Sequence[str] | None = None):
    """Coefficients with 95% CIs, one panel per model (coefficients are on each model's scale)."""
    import matplotlib.pyplot as plt

    fits = list(fits)
    ncols = min(3, len(fits))
    nrows = math.ceil(len(fits) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.35 * 12 * nrows + 1), squeeze=False)
    for ax, mf in zip(axes.flat, fits):
        tab = mf.table()
        keep = tab["term"].isin(terms) if terms else ~tab["term"].str.startswith(("const", "cut: ", "region["))
        tab = tab[keep].iloc[::-1]
        ypos = np.arange(len(tab))
        sig = tab["pvalue"] < 0.05
        ax.hlines(ypos, tab["ci_low"], tab["ci_high"], color="0.4", lw=1.2)
        ax.scatter(tab["coef"], ypos, c=np.where(sig, "#c0392b", "#2c3e50"), zorder=3, s=22)
        ax.axvline(0, color="0.6", lw=0.8, ls="--")
        ax.set_yticks(ypos, tab["term"])
        ax.set_title(f"{mf.spec.name}\n({mf.spec.family}, N={mf.nobs})", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(fits) :]:
        ax.set_visible(False)
    fig.suptitle("Driver coefficients with 95% robust CIs (red: p < 0.05) — sovai reconstruction", fontsize=10)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _footnote(fig, fits)
    return fig


def _footnote(fig, fits: Sequence[ModelFit]) -> None:
    import textwrap

    text = "sovai reconstruction. " + attribution(fits)
    fig.text(0.01, 0.005, "\n".join(textwrap.wrap(text, 160)), fontsize=5.5, color="0.35", va="bottom", ha="left")


def expected_outcome(mf: ModelFit, X: pd.DataFrame | None = None, params=None) -> np.ndarray:
    """Expected outcome per row; for an ordered model the expected category index (0 = lowest)."""
    pred = mf.predict(X, params)
    if mf.spec.family == "ordered_logit":
        return pred @ np.arange(pred.shape[1])
    return pred


def predicted_vs_observed(mf: ModelFit, label_top: int = 8):
    """Scatter of observed against predicted outcome with the 45° line; largest residuals labelled."""
    import matplotlib.pyplot as plt

    pred = expected_outcome(mf)
    obs = mf.y.cat.codes.to_numpy(dtype=float) if mf.spec.family == "ordered_logit" else mf.y.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.scatter(pred, obs, s=16, alpha=0.7, color="#2c3e50")
    lo, hi = float(min(pred.min(), obs.min())), float(max(pred.max(), obs.max()))
    ax.plot([lo, hi], [lo, hi], color="#c0392b", lw=1, ls="--", label="observed = predicted")
    resid = np.abs(obs - pred)
    for i in np.argsort(-resid, kind="mergesort")[:label_top]:
        ax.annotate(mf.X.index[i], (pred[i], obs[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ylabel = f"observed {mf.spec.outcome}" + (" (category index)" if mf.spec.family == "ordered_logit" else "")
    ax.set(
        xlabel="predicted (expected value)", ylabel=ylabel, title=f"{mf.spec.name}: predicted vs observed (N={mf.nobs})"
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footnote(fig, [mf])
    return fig


def marginal_effect_curve(
    mf: ModelFit, covariate: str, *, n_points: int = 25, n_sims: int = 500, seed: int = 42
) -> pd.DataFrame:
    """Average predicted outcome as ``covariate`` moves over its 5–95th percentile.

    Other covariates stay as observed; the 95% band comes from ``n_sims`` parameter draws (seeded).
    """
    if covariate not in mf.X.columns:
        raise DriverModelError(f"parameter 'covariate': {covariate!r} is not a covariate of model {mf.spec.name!r}")
    col = mf.X[covariate]
    grid = np.array([0.0, 1.0]) if _is_binary(col) else np.linspace(col.quantile(0.05), col.quantile(0.95), n_points)
    params = np.asarray(mf.result.params, dtype=float)
    V = np.asarray(mf.result.cov_params(), dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(params, V, size=n_sims, method="svd")
    rows = []
    for v in grid:
        Xv = mf.X.copy()
        Xv[covariate] = v
        est = float(expected_outcome(mf, Xv).mean())
        if mf.spec.family == "ordered_logit":
            sims = np.array([expected_outcome(mf, Xv, d).mean() for d in draws])
        else:  # vectorised over draws: rows x draws linear predictor
            eta = Xv.to_numpy(dtype=float) @ draws.T
            link = {"ols": lambda e: e, "logit": lambda e: 1.0 / (1.0 + np.exp(-e))}.get(mf.spec.family, np.exp)
            sims = link(eta).mean(axis=0)
        rows.append(
            {
                "value": float(v),
                "predicted": est,
                "low": float(np.quantile(sims, 0.025)),
                "high": float(np.quantile(sims, 0.975)),
            }
        )
    return pd.DataFrame(rows)


def marginal_effect_plot(mf: ModelFit, covariate: str, *, n_sims: int = 500, seed: int = 42):
    """Plot :func:`marginal_effect_curve` with a rug of the observed covariate values."""
    import matplotlib.pyplot as plt

    curve = marginal_effect_curve(mf, covariate, n_sims=n_sims, seed=seed)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.fill_between(
        curve["value"], curve["low"], curve["high"], color="#2980b9", alpha=0.25, label="95% band (simulation)"
    )
    ax.plot(curve["value"], curve["predicted"], color="#2980b9", lw=2, label="average prediction")
    ax.plot(mf.X[covariate], np.full(mf.nobs, curve["low"].min()), "|", color="0.3", alpha=0.5, ms=8)
    declared = declared_proxies()
    label = declared[covariate].label if covariate in declared else covariate
    ylab = f"expected {mf.spec.outcome}" + (" (category index)" if mf.spec.family == "ordered_logit" else "")
    ax.set(xlabel=label, ylabel=ylab, title=f"{mf.spec.name}: effect of {covariate}")
    ax.legend(fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footnote(fig, [mf])
    return fig
