"""Indicator steps: input checks, outlier treatment, normalisation, imputation, coherence, ranking."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sovai.composite.config import _ROUND, IMPUTATIONS, NORMALISATIONS, _check_choice


def _prepare_meta(data: pd.DataFrame, indicators: pd.DataFrame, layers: Sequence[str] | None) -> pd.DataFrame:
    meta = indicators.copy()
    if "id" in meta.columns:
        meta = meta.set_index("id")
    meta.index = meta.index.astype(str)
    for col in ("layer", "direction"):
        if col not in meta.columns:
            raise ValueError(f"parameter 'indicators': missing column {col!r}; found {list(meta.columns)}")
    if meta.index.duplicated().any():
        raise ValueError(
            f"parameter 'indicators': duplicated indicator id(s) {sorted(set(meta.index[meta.index.duplicated()]))}"
        )
    missing = [c for c in data.columns if c not in meta.index]
    if missing:
        raise ValueError(f"parameter 'data': column(s) {missing} have no row in 'indicators'")
    meta = meta.loc[[c for c in data.columns]]
    bad_dir = meta.index[~meta["direction"].isin([1, -1])]
    if len(bad_dir):
        raise ValueError(f"parameter 'indicators': direction must be +1 or -1; bad for {list(bad_dir)}")
    if layers is not None:
        unknown = sorted(set(meta["layer"]) - set(layers))
        if unknown:
            raise ValueError(f"parameter 'indicators': layer(s) {unknown} are not among 'layers' {list(layers)}")
    return meta


def _layer_order(meta: pd.DataFrame, layers: Sequence[str] | None) -> list[str]:
    present = list(dict.fromkeys(meta["layer"]))
    if layers is None:
        return present
    return [lay for lay in layers if lay in set(present)]


def _validate_weights(
    weights: Mapping[str, float] | None, known: Sequence[str], parameter: str, what: str
) -> dict[str, float]:
    if not weights:
        return {}
    unknown = sorted(set(map(str, weights)) - set(known))
    if unknown:
        raise ValueError(f"parameter {parameter!r}: unknown {what}(s) {unknown}; expected some of {list(known)}")
    out: dict[str, float] = {}
    for k, v in weights.items():
        try:
            fv = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"parameter {parameter!r}: weight of {k!r} is not a number: {v!r}") from None
        if not np.isfinite(fv) or fv < 0:
            raise ValueError(f"parameter {parameter!r}: weight of {k!r} must be finite and non-negative, got {v!r}")
        out[str(k)] = fv
    return out


# --------------------------------------------------------------------------------------------
# Steps (column-wise, numpy)
# --------------------------------------------------------------------------------------------


def _skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Sample skewness G1 and excess kurtosis G2 (the adjusted estimators pandas and Excel use)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 4:
        return float("nan"), float("nan")
    d = x - x.mean()
    m2 = np.mean(d**2)
    if m2 <= 0:
        return 0.0, 0.0
    g1 = np.mean(d**3) / m2**1.5
    g2 = np.mean(d**4) / m2**2 - 3.0
    G1 = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    G2 = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return float(G1), float(G2)


def treat_outliers(
    x: np.ndarray, *, skew_threshold: float = 2.0, kurtosis_threshold: float = 3.5, winmax: int = 5
) -> tuple[np.ndarray, str]:
    """Apply COINr's default ``Treat`` to one indicator (NaN = missing, kept).

    COINr semantics (``winsorise`` then ``log_CT``): an indicator *fails* when |skewness| ≥
    ``skew_threshold`` and kurtosis ≥ ``kurtosis_threshold`` (COINr's ``check_SkewKurt``: it
    passes if either is below its threshold). A failing indicator is winsorised one step at a
    time — the highest value(s) set to the next highest if skewness ≥ 0, else the lowest to the
    next lowest — while it fails and fewer than ``winmax`` points have been changed; the count is
    the number of points actually changed (tied points move together). If it still fails, the
    winsorising is discarded and COINr's ``log_CT`` is applied to the original values,
    ``log(x − min + 0.01·(max − min))``, shifted by a constant so that its minimum is 0 (which
    changes nothing after min-max or z-score normalisation). One deviation, documented: for a
    negatively skewed indicator the log is taken of the reflected values and reflected back, so
    it reduces the skew instead of increasing it (COINr applies the same formula whatever the sign).

    Returns the treated values and a label: ``"none"``, ``"winsorised k high"`` /
    ``"winsorised k low"`` (k = points changed), ``"log"`` or ``"skipped: …"``. Indicators with
    ≤ 5 distinct values (booleans, ordinal codes) or fewer than 8 observations are never treated.
    """
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    obs = x[ok]
    if len(obs) < 8 or len(np.unique(obs)) <= 5:
        return x.copy(), "skipped: few distinct values"

    def fails(v):
        sk, ku = _skew_kurt(v)
        return abs(sk) >= skew_threshold and ku >= kurtosis_threshold

    if not fails(obs):
        return x.copy(), "none"
    y = obs.copy()
    imax = imin = np.empty(0, dtype=int)
    nwin = 0
    side = ""
    while fails(y) and nwin < winmax:
        if _skew_kurt(y)[0] >= 0:
            imax = np.flatnonzero(y == y.max())
            rest = np.delete(y, imax)
            if not len(rest):
                break
            y[imax] = rest.max()
            side = "high"
        else:
            imin = np.flatnonzero(y == y.min())
            rest = np.delete(y, imin)
            if not len(rest):
                break
            y[imin] = rest.min()
            side = "low"
        nwin = len(imax) + len(imin)  # COINr's count: the points at the current extreme(s)
    out = x.copy()
    if not fails(y) and len(np.unique(y)) > 1:
        out[ok] = y
        return out, f"winsorised {nwin} {side}"
    # winsorising did not fix it: log-transform the original values instead (COINr's log_CT)
    sign = 1.0 if _skew_kurt(obs)[0] >= 0 else -1.0
    ys = sign * obs
    lo, hi = ys.min(), ys.max()
    c = 0.01 * (hi - lo)
    t = np.log(ys - lo + c) - np.log(c)  # ≥ 0, minimum at 0
    if sign < 0:  # negative skew: transform the reflected values and reflect back (order kept)
        t = t.max() - t
    out[ok] = t
    return out, "log"


def normalise(
    x: np.ndarray,
    method: str,
    *,
    target: float | None = None,
    goalposts: tuple[float, float] | None = None,
) -> np.ndarray:
    """Normalise one oriented indicator column (larger = better; NaN kept).

    ``minmax``: 100·(x − min)/(max − min); ``zscore``: (x − mean)/sd (ddof 1); ``rank``:
    100·rank/n (ties averaged; on the same 0–100 scale whatever the coverage); ``percentile``:
    100·(rank − 1)/(n − 1); ``frontier``: 100·x/max with 0 as the reference when all values are
    ≥ 0, else min-max; ``target`` (distance to target, COINr ``n_dist2targ`` capped): 100·min(1,
    (x − min)/(target − min)) with the oriented ``target``; ``goalposts`` (COINr
    ``n_goalposts``): 100·(x − worst)/(best − worst), clipped to [0, 100], with oriented
    ``goalposts=(worst, best)``.
    """
    _check_choice("normalisation", method, NORMALISATIONS)
    x = np.asarray(x, dtype=float)
    out = np.full_like(x, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    if not len(v):
        return out
    lo, hi = v.min(), v.max()
    if method == "target":
        if target is None or not np.isfinite(target):
            raise ValueError("normalisation 'target': no target value for this indicator (column 'target')")
        out[ok] = 100.0 * np.minimum(1.0, (v - lo) / (target - lo)) if target > lo else 100.0
    elif method == "goalposts":
        if goalposts is None or not all(np.isfinite(goalposts)) or goalposts[1] == goalposts[0]:
            raise ValueError(
                "normalisation 'goalposts': no distinct (worst, best) goalposts for this indicator "
                "(columns 'goalpost_worst', 'goalpost_best')"
            )
        w, b = goalposts
        out[ok] = np.clip(100.0 * (v - w) / (b - w), 0.0, 100.0)
    elif method == "minmax" or (method == "frontier" and lo < 0):
        out[ok] = 100.0 * (v - lo) / (hi - lo) if hi > lo else 50.0
    elif method == "frontier":
        out[ok] = 100.0 * v / hi if hi > 0 else 100.0
    elif method == "zscore":
        sd = v.std(ddof=1) if len(v) > 1 else 0.0
        out[ok] = (v - v.mean()) / sd if sd > 0 else 0.0
    else:
        r = pd.Series(v).rank(method="average").to_numpy()
        if method == "rank":
            out[ok] = 100.0 * r / len(v)
        else:
            out[ok] = 100.0 * (r - 1) / (len(v) - 1) if len(v) > 1 else 50.0
    return out


def _rescale_1_100(X: np.ndarray, axis: int) -> np.ndarray:
    """Min-max rescale to [1, 100] along ``axis`` (NaN-aware; a constant column maps to 50.5)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(X, axis=axis, keepdims=True)
        hi = np.nanmax(X, axis=axis, keepdims=True)
    rng = hi - lo
    safe = np.where(rng > 0, rng, 1.0)
    return np.where(rng > 0, 1.0 + 99.0 * (X - lo) / safe, 50.5)


def impute(
    X: np.ndarray,
    method: str,
    *,
    groups: np.ndarray | None = None,
    fallback: np.ndarray | None = None,
    basis: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Impute missing cells of a country × indicator matrix.

    Returns ``(imputed matrix, boolean matrix of imputed cells)``. ``group_median`` uses the
    median of the observed values of the country's group (a country without a group, or a group
    with no observed value, stays missing); ``locf`` copies the ``fallback`` matrix (latest value
    before the window).

    ``basis`` (same shape, optional) makes group medians size-aware: medians are taken of
    ``X / basis`` and multiplied back by the country's own ``basis`` (in the scale view the basis
    is the population or GDP, so a small country is not given a large country's absolute value;
    a cell whose basis is missing is not imputed).
    """
    _check_choice("imputation", method, IMPUTATIONS)
    X = np.array(X, dtype=float)
    miss = np.isnan(X)
    if method == "none" or not miss.any():
        return X, np.zeros_like(miss)
    out = X.copy()
    if method == "group_median":
        if groups is None:
            return X, np.zeros_like(miss)
        B = np.ones_like(X) if basis is None else np.asarray(basis, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            R = X / B
        g = pd.Series(groups)
        for label in pd.unique(g.dropna()):
            rows = (g == label).to_numpy()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(R[rows], axis=0)
            block = out[rows]
            block = np.where(np.isnan(block), med[None, :] * B[rows], block)
            out[rows] = block
    else:  # locf
        if fallback is None:
            return X, np.zeros_like(miss)
        out = np.where(miss, np.asarray(fallback, dtype=float), X)
    return out, miss & ~np.isnan(out)


def cronbach_alpha(X: np.ndarray, use: str = "pairwise") -> float:
    """Cronbach's alpha of the columns of ``X``: k/(k − 1)·(1 − Σ var / Σ cov).

    ``use="pairwise"`` (COINr's ``get_cronbach`` default, R's ``pairwise.complete.obs``): each
    covariance from the rows where both columns are observed; ``"complete"``: complete rows only.
    NaN if < 2 columns or < 3 usable rows.
    """
    _check_choice("use", use, ("pairwise", "complete"))
    X = np.asarray(X, dtype=float)
    k = X.shape[1] if X.ndim == 2 else 0
    if k < 2:
        return float("nan")
    if use == "complete":
        X = X[~np.isnan(X).any(axis=1)]
        if X.shape[0] < 3:
            return float("nan")
        C = np.cov(X, rowvar=False, ddof=1)
    else:
        if (np.sum(~np.isnan(X), axis=0) < 3).any():
            return float("nan")
        C = pd.DataFrame(X).cov(min_periods=2).to_numpy()
    total = np.nansum(C)
    if not np.isfinite(total) or total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.nansum(np.diag(C)) / total))


def _pca_weights(X: np.ndarray) -> np.ndarray:
    """Squared loadings of the first principal component of the standardised columns, summing to 1
    (Handbook §6.1; missing cells filled with the column mean, i.e. 0 after standardising)."""
    k = X.shape[1]
    if k == 1:
        return np.ones(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(X, axis=0)
        sd = np.nanstd(X, axis=0, ddof=1)
    Z = (X - mu) / np.where(sd > 0, sd, 1.0)
    Z = np.where(np.isnan(Z), 0.0, Z)
    C = np.corrcoef(Z, rowvar=False) if Z.shape[0] > 2 else np.eye(k)
    C = np.nan_to_num(C)
    vals, vecs = np.linalg.eigh(C)
    w = vecs[:, -1] ** 2
    return w / w.sum()


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row of ``scores`` (1 = highest; ties share the best rank; NaN → NaN).

    Scores are rounded to 9 decimals first, so float noise never decides a tie.
    """
    s = np.atleast_2d(np.asarray(scores, dtype=float))
    d, n = s.shape
    key = -np.round(s, _ROUND)
    nan = np.isnan(key)
    key = np.where(nan, np.inf, key)
    order = np.argsort(key, axis=1, kind="stable")
    ks = np.take_along_axis(key, order, axis=1)
    tie = ks[:, 1:] == ks[:, :-1]
    if tie.any():
        pos = np.where(np.c_[np.zeros((d, 1), dtype=bool), tie], 0, np.arange(n)[None, :])
        pos = np.maximum.accumulate(pos, axis=1) + 1.0
    else:
        pos = np.broadcast_to(np.arange(1.0, n + 1.0), (d, n))
    ranks = np.empty((d, n), dtype=float)
    np.put_along_axis(ranks, order, pos, axis=1)
    if nan.any():
        ranks[nan] = np.nan
    return ranks
