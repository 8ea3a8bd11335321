"""Composite-index engine: country rankings with rank uncertainty and sensitivity analysis.

Follows the JRC/OECD *Handbook on Constructing Composite Indicators* (2008) and the feature set of
the JRC's COINr package. The pipeline, every step a parameter recorded in the result's ``config``
and ``log``:

1. **data-availability screen** — indicators with no data are an error, indicators below
   ``min_indicator_coverage`` or without variance are dropped, countries below
   ``min_country_coverage`` are excluded (with a warning and a row in ``excluded``), never ranked;
2. **denomination** — done by :func:`sovai.panel.build_panel` (``view="scale"|"intensity"``) and
   recorded here from the panel's metadata;
3. **imputation** — ``"none"`` (aggregate the available data), ``"group_median"`` (median of the
   country's group: UN region, World Bank region or income group) or ``"locf"`` (last observation
   carried forward from before the year window); the imputed share is reported per country;
4. **outlier treatment** — COINr's rule: an indicator with |skewness| > 2 *and* excess kurtosis
   > 3.5 is winsorised one point at a time (up to ``winmax`` points); if that does not bring it
   within the thresholds, the winsorising is undone and the indicator is log-transformed instead;
5. **normalisation** — ``minmax`` (0–100), ``zscore``, ``rank``, ``percentile`` (0–100) or
   ``frontier`` (distance to the frontier: 100 × value / best value, with 0 as the reference);
6. **weighting** — ``equal``, user-given (per layer and/or per indicator) or ``pca`` (squared
   loadings of the first principal component); nominal and *effective* weights are reported;
7. **aggregation** — ``arithmetic`` or ``geometric`` (inputs rescaled to [1, 100] first, so the
   product is defined), indicator → layer → overall, over the available values; the layer →
   overall level may differ (``aggregation_overall``, e.g. geometric across layers to limit
   compensation between layers);
8. **coherence** — correlations and Cronbach's alpha per layer;
9. **uncertainty** — Monte Carlo over weights (Dirichlet around the nominal weights),
   normalisation, imputation and aggregation: median rank and 5th–95th percentile rank;
10. **sensitivity** — first-order and total Sobol indices of each uncertain choice (Saltelli 2010
    and Jansen estimators, bootstrap intervals) on the mean absolute rank shift, and
    leave-one-indicator-out rank shifts.

All Monte Carlo evaluations run through one vectorised evaluator (a few matrix products per layer
for all draws at once), so ``n_draws=10_000`` for ~190 countries × ~30 indicators takes well
under a second (``benchmarks/bench_composite.py``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

#: Normalisation methods (all map "better" to larger values).
NORMALISATIONS = ("minmax", "zscore", "rank", "percentile", "frontier")
#: Aggregation methods, used at both levels (indicator → layer, layer → overall).
AGGREGATIONS = ("arithmetic", "geometric")
#: Imputation methods.
IMPUTATIONS = ("none", "group_median", "locf")
#: Weighting schemes (user weights are given through ``layer_weights``/``indicator_weights``).
WEIGHTINGS = ("equal", "pca")
#: Outlier treatments.
OUTLIER_TREATMENTS = ("coinr", "none")
#: Grouping variables for group-median imputation (columns of the country reference table).
IMPUTE_GROUPS = ("wb_income", "wb_region", "un_region", "un_subregion")
#: Uncertain factors of the sensitivity analysis, in a fixed order.
FACTORS = ("layer_weights", "indicator_weights", "normalisation", "imputation", "aggregation")

_AGG_NAMES = {
    0: "arithmetic",
    1: "geometric within layers, arithmetic across",
    2: "arithmetic within layers, geometric across",
    3: "geometric",
}
_ROUND = 9  # decimals kept before ranking, so float noise below 1e-9 never breaks a tie


class CompositeWarning(UserWarning):
    """A choice of the composite engine changed the input (weights normalised, country excluded…)."""


@dataclass(frozen=True)
class CompositeConfig:
    """Every choice of the composite pipeline (see the module docstring for the steps).

    Parameters
    ----------
    normalisation, aggregation, imputation, weighting
        Nominal choices; one of :data:`NORMALISATIONS`, :data:`AGGREGATIONS`,
        :data:`IMPUTATIONS`, :data:`WEIGHTINGS`. ``aggregation`` applies at both levels unless
        ``aggregation_overall`` is given.
    aggregation_overall
        Aggregation of layer scores into the overall score (``None``: as ``aggregation``).
    impute_group
        Grouping for ``group_median`` imputation, one of :data:`IMPUTE_GROUPS`.
    outliers
        ``"coinr"`` (winsorise, else log) or ``"none"``.
    skew_threshold, kurtosis_threshold, winmax
        Outlier rule: treat when |skewness| > ``skew_threshold`` and excess kurtosis >
        ``kurtosis_threshold``; winsorise at most ``winmax`` points before falling back to a log.
    layer_weights, indicator_weights
        User weights by layer id / indicator id (non-negative; normalised with a warning when they
        do not sum to 1). Layers not named in ``layer_weights`` weigh 1 (with a warning; 0 drops
        a layer); indicators not named in ``indicator_weights`` weigh 1, and indicator weights are
        normalised within each layer.
        ``None`` or empty: the ``weighting`` scheme decides.
    min_country_coverage, min_indicator_coverage
        Data-availability screen: share of indicators a country must have observed (before
        imputation), share of countries an indicator must cover.
    n_draws
        Monte Carlo draws for the rank uncertainty (0 disables it).
    weight_concentration
        Dirichlet concentration κ: draws have mean equal to the nominal weights and
        variance ∝ 1/(κ+1). ``math.inf`` keeps the nominal weights.
    mc_normalisations, mc_imputations, mc_aggregations
        Choices sampled uniformly in the Monte Carlo (the nominal choice is always added; an
        aggregation choice applies at both levels); ``None`` means "the nominal choice only".
    n_sensitivity
        Base sample size N of the Saltelli design (N·(k+2) evaluations; 0 disables it).
    n_bootstrap
        Bootstrap resamples for the sensitivity-index intervals.
    seed
        Seed of the numpy Generator used for every random draw.
    """

    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    aggregation_overall: str | None = None
    imputation: str = "none"
    impute_group: str = "wb_income"
    weighting: str = "equal"
    outliers: str = "coinr"
    skew_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    winmax: int = 5
    layer_weights: Mapping[str, float] | None = None
    indicator_weights: Mapping[str, float] | None = None
    min_country_coverage: float = 0.5
    min_indicator_coverage: float = 0.2
    n_draws: int = 1000
    weight_concentration: float = 50.0
    mc_normalisations: tuple[str, ...] | None = ("minmax", "zscore", "rank", "percentile")
    mc_imputations: tuple[str, ...] | None = ("none", "group_median")
    mc_aggregations: tuple[str, ...] | None = ("arithmetic", "geometric")
    n_sensitivity: int = 500
    n_bootstrap: int = 200
    seed: int = 42

    def __post_init__(self):
        _check_choice("normalisation", self.normalisation, NORMALISATIONS)
        _check_choice("aggregation", self.aggregation, AGGREGATIONS)
        if self.aggregation_overall is not None:
            _check_choice("aggregation_overall", self.aggregation_overall, AGGREGATIONS)
        _check_choice("imputation", self.imputation, IMPUTATIONS)
        _check_choice("weighting", self.weighting, WEIGHTINGS)
        _check_choice("outliers", self.outliers, OUTLIER_TREATMENTS)
        _check_choice("impute_group", self.impute_group, IMPUTE_GROUPS)
        for name, allowed in (
            ("mc_normalisations", NORMALISATIONS),
            ("mc_imputations", IMPUTATIONS),
            ("mc_aggregations", AGGREGATIONS),
        ):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, str) or not len(value):
                    raise ValueError(f"parameter {name!r}: expected a non-empty list of choices, got {value!r}")
                for v in value:
                    _check_choice(name, v, allowed)
                object.__setattr__(self, name, tuple(value))
        for name in ("min_country_coverage", "min_indicator_coverage"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"parameter {name!r}: expected a share in [0, 1], got {v!r}")
        for name in ("n_draws", "n_sensitivity", "n_bootstrap", "winmax"):
            v = getattr(self, name)
            if int(v) != v or v < 0:
                raise ValueError(f"parameter {name!r}: expected a non-negative integer, got {v!r}")
        if not self.weight_concentration > 0:
            raise ValueError(
                f"parameter 'weight_concentration': expected > 0 (math.inf for no noise), got {self.weight_concentration!r}"
            )
        for name in ("layer_weights", "indicator_weights"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, Mapping):
                raise ValueError(f"parameter {name!r}: expected a dict id -> weight, got {type(v).__name__}")

    def to_dict(self) -> dict:
        """A JSON-serialisable copy (for logs and notebook metadata)."""
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, tuple):
                out[k] = list(v)
            elif isinstance(v, Mapping):
                out[k] = dict(v)
            elif isinstance(v, float) and math.isinf(v):
                out[k] = "inf"
        return out


def _check_choice(name: str, value, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"parameter {name!r}: unknown choice {value!r}; expected one of {', '.join(allowed)}")


@dataclass
class CompositeResult:
    """What :func:`run` returns.

    Attributes
    ----------
    overall
        One row per ranked country (index ``iso3``, sorted by rank): ``score, rank, rank_median,
        rank_p05, rank_p95, coverage, imputed_share`` and one column per layer score.
    layers
        Long table ``iso3, layer, score, rank`` (rank within the layer; 1 = best).
    layer_scores
        Wide table country × layer of layer scores.
    normalised
        Country × indicator matrix after screening, imputation, outlier treatment and
        normalisation (nominal choices).
    weights
        Per indicator: ``layer, indicator_weight`` (within the layer), ``layer_weight``,
        ``nominal_effective`` (product, sums to 1), ``r2_overall`` (squared correlation with the
        overall score) and ``importance`` (``r2_overall`` normalised to sum to 1).
    layer_weights
        Per layer: ``nominal`` weight, ``r2_overall`` and ``importance``.
    coherence
        ``{"indicator_correlations", "layer_correlations", "indicator_vs_layer", "cronbach_alpha"}``.
    sensitivity
        Per uncertain factor: first-order ``S1`` and total ``ST`` indices with bootstrap 5–95 %
        intervals (empty if disabled or nothing varies).
    loo
        Leave-one-indicator-out: per indicator the mean and max absolute rank shift.
    loo_shifts
        Country × indicator rank shift (rank without the indicator minus nominal rank).
    excluded
        Countries excluded by the screen with the reason (``iso3, coverage, reason``).
    dropped_indicators
        Indicators dropped by the screen (``indicator, coverage, reason``).
    treatment
        Per indicator the outlier treatment applied (nominal imputation).
    mc_ranks
        Monte Carlo ranks (draws × countries, float32; columns in the order of ``countries``).
    countries
        The ranked countries (sorted by id: results never depend on the input row order).
    config
        The :class:`CompositeConfig` as a dict, plus derived settings.
    log
        Human-readable log of every step.
    """

    overall: pd.DataFrame
    layers: pd.DataFrame
    layer_scores: pd.DataFrame
    normalised: pd.DataFrame
    weights: pd.DataFrame
    layer_weights: pd.DataFrame
    coherence: dict
    sensitivity: pd.DataFrame
    loo: pd.DataFrame
    loo_shifts: pd.DataFrame
    excluded: pd.DataFrame
    dropped_indicators: pd.DataFrame
    treatment: pd.DataFrame
    mc_ranks: np.ndarray
    countries: list[str]
    config: dict
    log: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


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
    """Apply COINr's outlier rule to one indicator (NaN = missing, kept).

    Returns the treated values and a description (``"none"``, ``"winsorised k"``, ``"log"``,
    ``"skipped: …"``). Indicators with ≤ 5 distinct values (booleans, ordinal codes) or fewer
    than 8 observations are never treated.
    """
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    obs = x[ok]
    if len(obs) < 8 or len(np.unique(obs)) <= 5:
        return x.copy(), "skipped: few distinct values"

    def bad(v):
        sk, ku = _skew_kurt(v)
        return abs(sk) > skew_threshold and ku > kurtosis_threshold, sk

    is_bad, sk = bad(obs)
    if not is_bad:
        return x.copy(), "none"
    y = obs.copy()
    n_win = 0
    while n_win < winmax:
        is_bad, sk = bad(y)
        if not is_bad:
            break
        if sk > 0:
            top = y.max()
            below = y[y < top]
            if not len(below):
                break
            n_win += int((y == top).sum())
            y[y == top] = below.max()
        else:
            bot = y.min()
            above = y[y > bot]
            if not len(above):
                break
            n_win += int((y == bot).sum())
            y[y == bot] = above.min()
    is_bad, sk = bad(y)
    out = x.copy()
    if not is_bad and len(np.unique(y)) > 1:
        out[ok] = y
        return out, f"winsorised {n_win}"
    # winsorising did not fix it (or collapsed it): undo and log-transform instead
    sign = 1.0 if _skew_kurt(obs)[0] > 0 else -1.0
    ys = sign * obs
    lo, hi = ys.min(), ys.max()
    c = 0.01 * (hi - lo)
    t = np.log(ys - lo + c) - np.log(c)  # ≥ 0, minimum at 0
    if sign < 0:  # negative skew: transform the reflected values and reflect back (order kept)
        t = t.max() - t
    out[ok] = t
    return out, "log"


def normalise(x: np.ndarray, method: str) -> np.ndarray:
    """Normalise one oriented indicator column (larger = better; NaN kept).

    ``minmax``: 100·(x − min)/(max − min); ``zscore``: (x − mean)/sd (ddof 1); ``rank``: ranks
    1..n (ties averaged); ``percentile``: 100·(rank − 1)/(n − 1); ``frontier``: 100·x/max with 0
    as the reference when all values are ≥ 0, else min-max (the worst value as the reference).
    """
    _check_choice("normalisation", method, NORMALISATIONS)
    x = np.asarray(x, dtype=float)
    out = np.full_like(x, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    if not len(v):
        return out
    lo, hi = v.min(), v.max()
    if method == "minmax" or (method == "frontier" and lo < 0):
        out[ok] = 100.0 * (v - lo) / (hi - lo) if hi > lo else 50.0
    elif method == "frontier":
        out[ok] = 100.0 * v / hi if hi > 0 else 100.0
    elif method == "zscore":
        sd = v.std(ddof=1) if len(v) > 1 else 0.0
        out[ok] = (v - v.mean()) / sd if sd > 0 else 0.0
    else:
        r = pd.Series(v).rank(method="average").to_numpy()
        if method == "rank":
            out[ok] = r
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


def cronbach_alpha(X: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``X`` (complete rows only; NaN if < 2 columns or < 3 rows)."""
    X = np.asarray(X, dtype=float)
    X = X[~np.isnan(X).any(axis=1)]
    k = X.shape[1]
    if k < 2 or X.shape[0] < 3:
        return float("nan")
    total = X.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / total))


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


# --------------------------------------------------------------------------------------------
# The vectorised evaluator
# --------------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    """Precomputed normalised matrices for every (imputation, normalisation) variant."""

    variants: list[tuple[str, str]]  # (imputation, normalisation) per k
    X: np.ndarray  # (K, n, m) normalised values, NaN where missing
    L: np.ndarray  # (K, n, m) log of the [1,100]-rescaled values (for geometric), NaN missing
    M: np.ndarray  # (K, m, n) availability, float 0/1 (indicator-major, for the matrix products)
    layer_cols: list[np.ndarray]  # indicator column indices per layer
    XM: np.ndarray = None  # (K, m, n) X with 0 where missing, indicator-major
    LM: np.ndarray = None  # (K, m, n) L with 0 where missing, indicator-major
    complete: np.ndarray = None  # (K, L) True where a layer has no missing cell
    layer_of: np.ndarray = None  # (m,) layer index of each indicator

    def __post_init__(self):
        avail = ~np.isnan(self.X)
        self.XM = np.ascontiguousarray(np.where(avail, self.X, 0.0).transpose(0, 2, 1))
        self.LM = np.ascontiguousarray(np.where(avail, self.L, 0.0).transpose(0, 2, 1))
        self.M = np.ascontiguousarray(avail.astype(float).transpose(0, 2, 1))
        self.layer_of = np.empty(self.X.shape[2], dtype=int)
        for li, cols in enumerate(self.layer_cols):
            self.layer_of[cols] = li
        self.complete = np.array(
            [[bool(avail[k][:, cols].all()) for cols in self.layer_cols] for k in range(len(self.X))]
        )

    def index(self, imputation: str, normalisation: str) -> int:
        return self.variants.index((imputation, normalisation))


def _agg_code(within: str, across: str | None = None) -> int:
    """Aggregation code of the evaluator: bit 0 geometric within layers, bit 1 across layers."""
    across = within if across is None else across
    return int(within == "geometric") | (int(across == "geometric") << 1)


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

    ``w_ind`` (d, m) indicator weights (need not be normalised within layers: aggregation divides
    by the weights of the available indicators), ``w_layer`` (d, L), ``variant`` (d,) index into
    ``prep.variants``, ``agg`` (d,) aggregation code (:func:`_agg_code`: bit 0 geometric within
    layers, bit 1 geometric across layers).

    Draws are sorted by (aggregation, variant) so that each combination is a contiguous block,
    processed layer by layer with matrix products on small (block × countries) arrays that stay
    in cache. An arithmetic block without missing data is a single matrix product.
    """
    d = w_ind.shape[0]
    K, n, _ = prep.X.shape
    key = np.asarray(agg, dtype=int) * K + np.asarray(variant)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    w_ind = w_ind[order]
    w_layer = w_layer[order]
    overall = np.empty((d, n))
    layers = np.empty((d, n, len(prep.layer_cols))) if want_layers else None
    bounds = np.flatnonzero(np.diff(ks)) + 1
    for a, b in zip(np.r_[0, bounds], np.r_[bounds, d]):
        code, k = divmod(int(ks[a]), K)
        geo_in, geo_out = bool(code & 1), bool(code & 2)
        Wb, Lb = w_ind[a:b], w_layer[a:b]
        ws = np.stack([Wb[:, cols].sum(axis=1) for cols in prep.layer_cols], axis=1)  # (g, L)
        if not code and not want_layers and prep.complete[k].all() and (ws > 0).all():
            # overall = sum_j w_layer[l(j)] * w_j / ws[l(j)] * x_j: one matrix product
            coef = Wb * (Lb / ws)[:, prep.layer_of]
            overall[a:b] = (coef @ prep.XM[k]) / Lb.sum(axis=1, keepdims=True)
            continue
        VM = prep.LM[k] if geo_in else prep.XM[k]
        g = b - a
        num = np.zeros((g, n))
        den_vec = np.zeros((g, 1))
        den_mat = None
        for li, cols in enumerate(prep.layer_cols):
            W = Wb[:, cols]
            val = W @ VM[cols]
            if prep.complete[k, li] and (ws[:, li] > 0).all():
                val /= ws[:, li : li + 1]
                ok = None
            else:
                den = W @ prep.M[k][cols]
                ok = den > 0
                np.divide(val, den, out=val, where=ok)
            if geo_in:
                np.exp(val, out=val)
            if want_layers:
                layers[a:b, :, li] = val if ok is None else np.where(ok, val, np.nan)
            if geo_out:  # rescale the layer scores to [1, 100] over the countries, then log
                lo = (val if ok is None else np.where(ok, val, np.inf)).min(axis=1, keepdims=True)
                hi = (val if ok is None else np.where(ok, val, -np.inf)).max(axis=1, keepdims=True)
                rng = hi - lo
                flat = ~(np.isfinite(rng) & (rng > 0))
                val -= np.where(flat, 0.0, lo)
                val *= np.where(flat, 0.0, 99.0 / np.where(flat, 1.0, rng))
                val += np.where(flat, 50.5, 1.0)
                if ok is not None:
                    val[~ok] = 1.0
                np.log(val, out=val)
            wl = Lb[:, li : li + 1]
            if ok is None:
                val *= wl
                num += val
                den_vec += wl
            else:
                val[~ok] = 0.0
                val *= wl
                num += val
                den_mat = ok * wl if den_mat is None else den_mat + ok * wl
        den = den_vec if den_mat is None else den_mat + den_vec
        out = overall[a:b]
        out[:] = np.nan
        np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))
        if geo_out:
            np.exp(out, out=out)
    inv = np.empty_like(order)
    inv[order] = np.arange(d)
    overall = overall[inv]
    if layers is not None:
        layers = layers[inv]
    return overall, layers


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def run(
    data: pd.DataFrame,
    indicators: pd.DataFrame,
    config: CompositeConfig | None = None,
    *,
    layers: Sequence[str] | None = None,
    groups: pd.Series | pd.DataFrame | None = None,
    fallback: pd.DataFrame | None = None,
    impute_basis: pd.DataFrame | None = None,
    panel_meta: Mapping | None = None,
    **overrides,
) -> CompositeResult:
    """Build the composite index, its rank uncertainty and its sensitivity analysis.

    Parameters
    ----------
    data
        Country × indicator values (index: country id, usually ISO3; columns: indicator ids),
        already in the wanted view (scale or intensity). Missing = NaN/NA.
    indicators
        Indicator metadata with ``id`` (column or index), ``layer`` and ``direction`` (+1/−1).
    config
        A :class:`CompositeConfig`; ``overrides`` (its field names) replace single fields.
    layers
        Layer order (e.g. from ``data/stack/layers.csv``); default: order of appearance.
    groups
        Group label per country for ``group_median`` imputation (Series indexed like ``data``, or
        a frame with a column named ``config.impute_group``). Default: the country reference
        table.
    fallback
        Values to carry forward for ``locf`` (same shape as ``data``: latest value before the
        window, see :class:`sovai.panel.Panel`).
    impute_basis
        Size basis per country × indicator for ``group_median`` imputation (see :func:`impute`;
        :meth:`sovai.panel.Panel.impute_basis` gives population or GDP in the scale view).
    panel_meta
        Panel settings (view, year, window) to record in the log.

    Returns
    -------
    CompositeResult

    Raises
    ------
    ValueError
        Naming the parameter: unknown layer/indicator in the weights, negative weights, an
        indicator without any value, an unknown choice.
    """
    cfg = replace(config or CompositeConfig(), **overrides) if overrides else (config or CompositeConfig())
    log: list[str] = []
    if panel_meta:
        log.append("denomination: " + ", ".join(f"{k}={v}" for k, v in panel_meta.items()))
    if data.index.duplicated().any():
        raise ValueError(
            f"parameter 'data': duplicated country id(s) {sorted(set(data.index[data.index.duplicated()]))}"
        )
    data = data.sort_index()  # results never depend on the row order
    data.index = data.index.astype(str)
    meta = _prepare_meta(data, indicators, layers)
    raw = data.apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
    ind_ids = list(data.columns)

    # -- weights validation (before the screen: bad input is an error, whatever the data)
    all_layers = _layer_order(meta, layers)
    lw_user = _validate_weights(cfg.layer_weights, all_layers, "layer_weights", "layer")
    if lw_user:
        missing = [lay for lay in all_layers if lay not in lw_user]
        if missing:
            msg = f"layer_weights: no weight for layer(s) {missing}: they weigh 1 (give 0 to drop a layer)"
            warnings.warn(msg, CompositeWarning, stacklevel=2)
            log.append("weights: " + msg)
            lw_user = {**lw_user, **dict.fromkeys(missing, 1.0)}
    iw_user = _validate_weights(cfg.indicator_weights, ind_ids, "indicator_weights", "indicator")

    # -- screen: indicators
    n_c = raw.shape[0]
    ind_cov = (~np.isnan(raw)).mean(axis=0) if n_c else np.zeros(len(ind_ids))
    empty = [i for i, c in zip(ind_ids, ind_cov) if c == 0]
    if empty:
        raise ValueError(
            f"parameter 'data': indicator(s) {empty} have no value for any country; drop them or fix the loader"
        )
    dropped = []
    for j, i in enumerate(ind_ids):
        col = raw[:, j][~np.isnan(raw[:, j])]
        if ind_cov[j] < cfg.min_indicator_coverage:
            dropped.append(
                (
                    i,
                    ind_cov[j],
                    f"coverage {ind_cov[j]:.0%} below min_indicator_coverage {cfg.min_indicator_coverage:.0%}",
                )
            )
        elif np.unique(col).size < 2:
            dropped.append((i, ind_cov[j], "no variance across countries"))
    if iw_user:
        for i, w in iw_user.items():
            if w == 0 and i not in {d[0] for d in dropped}:
                dropped.append((i, ind_cov[ind_ids.index(i)], "indicator weight 0"))
    dropped_df = pd.DataFrame(dropped, columns=["indicator", "coverage", "reason"])
    for i, _cov, reason in dropped:
        msg = f"indicator {i!r} dropped: {reason}"
        log.append("screen: " + msg)
        if reason != "indicator weight 0":
            warnings.warn(msg, CompositeWarning, stacklevel=2)
    keep_j = [j for j, i in enumerate(ind_ids) if i not in set(dropped_df["indicator"])]
    ind_ids = [ind_ids[j] for j in keep_j]
    raw = raw[:, keep_j]
    meta = meta.loc[ind_ids]
    layer_ids = _layer_order(meta, layers)
    if lw_user:
        gone = [lay for lay in all_layers if lay not in layer_ids and lw_user.get(lay, 0) > 0]
        if gone:
            warnings.warn(
                f"layer_weights: layer(s) {gone} have no indicator left after the screen; their weight is dropped",
                CompositeWarning,
                stacklevel=2,
            )
            log.append(f"weights: layer(s) {gone} without indicators, weight dropped")
        layer_ids = [lay for lay in layer_ids if lw_user[lay] > 0]
        meta = meta[meta["layer"].isin(layer_ids)]
        keep = [j for j, i in enumerate(ind_ids) if i in set(meta.index)]
        ind_ids = [ind_ids[j] for j in keep]
        raw = raw[:, keep]
    if not ind_ids:
        raise ValueError("parameter 'data': no indicator left after the data-availability screen")

    # -- screen: countries
    coverage = (~np.isnan(raw)).mean(axis=1)
    countries_all = list(data.index)
    low = coverage < cfg.min_country_coverage
    excluded = pd.DataFrame(
        {
            "iso3": [c for c, lo in zip(countries_all, low) if lo],
            "coverage": coverage[low],
            "reason": [
                f"coverage {c:.0%} below min_country_coverage {cfg.min_country_coverage:.0%}" for c in coverage[low]
            ],
        }
    )
    if low.any():
        listed = ", ".join(excluded["iso3"].head(20))
        more = f" and {low.sum() - 20} more" if low.sum() > 20 else ""
        msg = f"{int(low.sum())} country(ies) excluded from the ranking, coverage below {cfg.min_country_coverage:.0%} of indicators: {listed}{more}"
        warnings.warn(msg, CompositeWarning, stacklevel=2)
        log.append("screen: " + msg)
    countries = [c for c, lo in zip(countries_all, low) if not lo]
    raw = raw[~low]
    coverage = coverage[~low]
    if len(countries) < 2:
        raise ValueError(
            f"parameter 'min_country_coverage': only {len(countries)} country(ies) pass the screen; lower the threshold or add data"
        )
    n, m = raw.shape
    log.append(f"screen: {n} countries × {m} indicators in {len(layer_ids)} layers")

    # -- groups and fallback
    grp = _groups_for(countries, groups, cfg.impute_group)
    basis = None
    if impute_basis is not None:
        basis = impute_basis.reindex(index=countries, columns=ind_ids).astype(float).to_numpy()
        basis = np.where(np.isnan(basis) | (basis <= 0), np.nan, basis)
        log.append("imputation: group medians taken per unit of the impute basis (size-aware)")
    fb = None
    if fallback is not None:
        fb = (
            fallback.reindex(index=countries, columns=ind_ids)
            .apply(pd.to_numeric, errors="coerce")
            .astype(float)
            .to_numpy()
        )

    # -- variants for the nominal run and the Monte Carlo
    random_runs = bool(cfg.n_draws or cfg.n_sensitivity)  # without them only the nominal variant is needed
    # the Monte Carlo always includes the nominal choice
    mc_imp = list(dict.fromkeys([cfg.imputation, *(cfg.mc_imputations or ())])) if random_runs else [cfg.imputation]
    mc_norm = (
        list(dict.fromkeys([cfg.normalisation, *(cfg.mc_normalisations or ())])) if random_runs else [cfg.normalisation]
    )
    code0 = _agg_code(cfg.aggregation, cfg.aggregation_overall)
    mc_agg = [code0, *(_agg_code(a) for a in (cfg.mc_aggregations or ()))] if random_runs else [code0]
    mc_agg = list(dict.fromkeys(mc_agg))
    if fb is None and "locf" in mc_imp + [cfg.imputation]:
        log.append("imputation: 'locf' requested but no fallback values given: it imputes nothing")
        if cfg.imputation == "locf":
            warnings.warn("imputation='locf' without fallback values imputes nothing", CompositeWarning, stacklevel=2)
    if grp is None and "group_median" in mc_imp + [cfg.imputation]:
        log.append(f"imputation: no {cfg.impute_group!r} groups for these countries: group_median imputes nothing")
    imps = list(dict.fromkeys([cfg.imputation, *mc_imp]))
    norms = list(dict.fromkeys([cfg.normalisation, *mc_norm]))
    direction = meta["direction"].to_numpy(dtype=float)
    variants, Xs, Ls = [], [], []
    treatment_nominal: list[str] = []
    imputed_nominal = np.zeros((n, m), dtype=bool)
    for imp in imps:
        Xi, imputed = impute(raw, imp, groups=grp, fallback=fb, basis=basis)
        if imp == cfg.imputation:
            imputed_nominal = imputed
        treated = np.empty_like(Xi)
        for j in range(m):
            if cfg.outliers == "coinr":
                treated[:, j], how = treat_outliers(
                    Xi[:, j],
                    skew_threshold=cfg.skew_threshold,
                    kurtosis_threshold=cfg.kurtosis_threshold,
                    winmax=cfg.winmax,
                )
            else:
                treated[:, j], how = Xi[:, j].copy(), "none"
            if imp == cfg.imputation:
                treatment_nominal.append(how)
        oriented = treated * direction[None, :]
        for norm in norms:
            Z = np.column_stack([normalise(oriented[:, j], norm) for j in range(m)])
            variants.append((imp, norm))
            Xs.append(Z)
            Ls.append(np.log(_rescale_1_100(Z, axis=0)))
    layer_cols = [np.flatnonzero(meta["layer"].to_numpy() == lay) for lay in layer_ids]
    prep = _Prepared(variants, np.stack(Xs), np.stack(Ls), None, layer_cols)
    k0 = prep.index(cfg.imputation, cfg.normalisation)
    geo0 = code0
    imputed_share = imputed_nominal.sum(axis=1) / m
    log.append(
        f"imputation: {cfg.imputation} ({cfg.impute_group if cfg.imputation == 'group_median' else '-'}); {int(imputed_nominal.sum())} cells imputed"
    )
    treated_list = [
        f"{i}: {t}" for i, t in zip(ind_ids, treatment_nominal) if t not in ("none",) and not t.startswith("skipped")
    ]
    log.append(f"outliers: {cfg.outliers}; " + ("; ".join(treated_list) if treated_list else "no indicator treated"))
    log.append(
        f"normalisation: {cfg.normalisation}; aggregation: {cfg.aggregation} within layers, "
        f"{cfg.aggregation_overall or cfg.aggregation} across layers (geometric inputs rescaled to [1, 100])"
    )

    # -- nominal weights
    w_ind, w_layer = _nominal_weights(cfg, meta, ind_ids, layer_ids, iw_user, lw_user, prep, k0, geo0, log)

    # -- point estimate
    overall, S = _evaluate(prep, w_ind[None, :], w_layer[None, :], np.array([k0]), np.array([geo0]), want_layers=True)
    score = overall[0]
    rank = rank_rows(score)[0]
    layer_sc = S[0]  # (n, L)
    layer_rank = rank_rows(layer_sc.T).T

    # -- coherence and effective weights
    Xn = prep.X[k0]
    coherence = _coherence(Xn, layer_sc, score, meta, ind_ids, layer_ids, countries)
    weights_df, layer_w_df = _effective_weights(Xn, layer_sc, score, meta, ind_ids, layer_ids, w_ind, w_layer)

    # -- Monte Carlo uncertainty
    rng = np.random.default_rng(cfg.seed)
    samplers = _Samplers(cfg, prep, meta, ind_ids, layer_ids, w_ind, w_layer, mc_imp, mc_norm, mc_agg)
    if cfg.n_draws:
        mc_ranks = _mc_ranks(prep, samplers, rng, cfg.n_draws)
        pct = np.nanpercentile if np.isnan(mc_ranks).any() else np.percentile
        q = pct(mc_ranks, [5, 50, 95], axis=0, method="linear")
        log.append(
            f"uncertainty: {cfg.n_draws} draws; weights Dirichlet(κ={cfg.weight_concentration}); "
            f"normalisation {mc_norm}; imputation {mc_imp}; "
            f"aggregation {[_AGG_NAMES[c] for c in mc_agg]}; seed {cfg.seed}"
        )
    else:
        mc_ranks = np.empty((0, n), dtype=np.float32)
        q = np.vstack([rank, rank, rank])
        log.append("uncertainty: disabled (n_draws=0): rank interval = point rank")

    # -- sensitivity
    sens = _sensitivity(prep, samplers, rng, rank, cfg) if cfg.n_sensitivity else _empty_sensitivity()
    if len(sens):
        log.append(
            f"sensitivity: Saltelli design, N={cfg.n_sensitivity}, factors {list(sens['factor'])}, output mean |rank shift|"
        )

    # -- leave one indicator out
    loo, loo_shifts = _leave_one_out(prep, w_ind, w_layer, k0, geo0, rank, ind_ids, meta, countries)

    overall_df = pd.DataFrame(
        {
            "score": score,
            "rank": rank,
            "rank_median": q[1],
            "rank_p05": q[0],
            "rank_p95": q[2],
            "coverage": coverage,
            "imputed_share": imputed_share,
        },
        index=pd.Index(countries, name="iso3"),
    )
    layer_scores = pd.DataFrame(layer_sc, index=pd.Index(countries, name="iso3"), columns=layer_ids)
    for lay in layer_ids:
        overall_df[f"layer_{lay}"] = layer_scores[lay]
    overall_df = overall_df.reset_index().sort_values(["rank", "iso3"], kind="mergesort").set_index("iso3")
    layers_long = pd.DataFrame(
        {
            "iso3": np.repeat(countries, len(layer_ids)),
            "layer": np.tile(layer_ids, n),
            "score": layer_sc.reshape(-1),
            "rank": layer_rank.reshape(-1),
        }
    )
    layer_pos = {lay: i for i, lay in enumerate(layer_ids)}
    layers_long = layers_long.sort_values(
        by=["rank", "layer", "iso3"],
        key=lambda s: s.map(layer_pos) if s.name == "layer" else s,
        kind="mergesort",
        na_position="last",
    ).reset_index(drop=True)
    config_out = cfg.to_dict()
    config_out.update(
        {
            "layers": layer_ids,
            "indicators": ind_ids,
            "nominal_layer_weights": dict(zip(layer_ids, map(float, w_layer))),
            "nominal_indicator_weights": dict(zip(ind_ids, map(float, w_ind))),
            "n_countries": n,
            "n_excluded": int(low.sum()),
        }
    )
    if panel_meta:
        config_out["panel"] = dict(panel_meta)
    return CompositeResult(
        overall=overall_df,
        layers=layers_long,
        layer_scores=layer_scores,
        normalised=pd.DataFrame(Xn, index=pd.Index(countries, name="iso3"), columns=ind_ids),
        weights=weights_df,
        layer_weights=layer_w_df,
        coherence=coherence,
        sensitivity=sens,
        loo=loo,
        loo_shifts=loo_shifts,
        excluded=excluded,
        dropped_indicators=dropped_df,
        treatment=pd.DataFrame({"indicator": ind_ids, "treatment": treatment_nominal}),
        mc_ranks=mc_ranks,
        countries=countries,
        config=config_out,
        log=log,
    )


def _groups_for(countries: list[str], groups, impute_group: str) -> np.ndarray | None:
    if groups is None:
        try:
            from sovai.countries import reference_table

            ref = reference_table()
        except Exception:  # noqa: BLE001 - no reference data: group imputation is simply unavailable
            return None
        g = ref[impute_group].reindex(countries)
    elif isinstance(groups, pd.DataFrame):
        if impute_group not in groups.columns:
            raise ValueError(f"parameter 'groups': no column {impute_group!r} (impute_group)")
        g = groups[impute_group].reindex(countries)
    else:
        g = pd.Series(groups).reindex(countries)
    if g.isna().all():
        return None
    return g.astype(object).where(g.notna(), None).to_numpy()


def _nominal_weights(cfg, meta, ind_ids, layer_ids, iw_user, lw_user, prep, k0, geo0, log):
    m, nL = len(ind_ids), len(layer_ids)
    layer_of = meta["layer"].to_numpy()
    # indicator weights within layers
    if cfg.weighting == "pca" and not iw_user:
        w_ind = np.zeros(m)
        for cols in prep.layer_cols:
            w_ind[cols] = _pca_weights(prep.X[k0][:, cols])
        log.append("weights: indicators within layers by PCA (squared first-component loadings)")
    else:
        w_ind = np.array([iw_user.get(i, 1.0) if iw_user else 1.0 for i in ind_ids])
        if iw_user:
            for lay, cols in zip(layer_ids, prep.layer_cols):
                s = w_ind[cols].sum()
                if not math.isclose(s, 1.0, rel_tol=1e-9) and len(cols) and all(ind_ids[c] in iw_user for c in cols):
                    warnings.warn(
                        f"indicator_weights of layer {lay!r} sum to {s:g}, not 1: normalised",
                        CompositeWarning,
                        stacklevel=3,
                    )
            log.append(
                f"weights: user indicator weights {dict(iw_user)} (unlisted indicators 1; normalised within layers)"
            )
        else:
            log.append("weights: equal indicator weights within layers")
    for cols in prep.layer_cols:
        s = w_ind[cols].sum()
        w_ind[cols] = w_ind[cols] / s if s > 0 else 1.0 / len(cols)
    # layer weights
    if lw_user:
        w_layer = np.array([lw_user[lay] for lay in layer_ids])
        s = w_layer.sum()
        if s <= 0:
            raise ValueError("parameter 'layer_weights': all weights are 0")
        if not math.isclose(sum(lw_user[lay] for lay in layer_ids), 1.0, rel_tol=1e-9):
            warnings.warn(
                f"layer_weights sum to {sum(lw_user[lay] for lay in layer_ids):g}, not 1: normalised",
                CompositeWarning,
                stacklevel=3,
            )
            log.append(f"weights: layer_weights summed to {sum(lw_user[lay] for lay in layer_ids):g}: normalised to 1")
        w_layer = w_layer / s
        log.append("weights: user layer weights " + ", ".join(f"{lay}={w:.3g}" for lay, w in zip(layer_ids, w_layer)))
    elif cfg.weighting == "pca":
        _, S = _evaluate(
            prep, w_ind[None, :], np.ones((1, nL)) / nL, np.array([k0]), np.array([geo0]), want_layers=True
        )
        w_layer = _pca_weights(S[0]) if nL > 1 else np.ones(1)
        log.append("weights: layers by PCA of the layer scores")
    else:
        w_layer = np.ones(nL) / nL
        log.append("weights: equal layer weights")
    del layer_of
    return w_ind, w_layer


def _r2(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1] ** 2)


def _effective_weights(Xn, layer_sc, score, meta, ind_ids, layer_ids, w_ind, w_layer):
    lpos = {lay: i for i, lay in enumerate(layer_ids)}
    lw = np.array([w_layer[lpos[lay]] for lay in meta["layer"]])
    eff = w_ind * lw
    r2 = np.array([_r2(Xn[:, j], score) for j in range(len(ind_ids))])
    tot = np.nansum(r2)
    weights = pd.DataFrame(
        {
            "indicator": ind_ids,
            "layer": meta["layer"].to_numpy(),
            "indicator_weight": w_ind,
            "layer_weight": lw,
            "nominal_effective": eff / eff.sum(),
            "r2_overall": r2,
            "importance": r2 / tot if tot > 0 else np.nan,
        }
    )
    lr2 = np.array([_r2(layer_sc[:, i], score) for i in range(len(layer_ids))])
    ltot = np.nansum(lr2)
    layer_w = pd.DataFrame(
        {"layer": layer_ids, "nominal": w_layer, "r2_overall": lr2, "importance": lr2 / ltot if ltot > 0 else np.nan}
    )
    return weights, layer_w


def _coherence(Xn, layer_sc, score, meta, ind_ids, layer_ids, countries):
    X = pd.DataFrame(Xn, columns=ind_ids)
    Lsc = pd.DataFrame(layer_sc, columns=layer_ids)
    rows = []
    for j, i in enumerate(ind_ids):
        lay = meta["layer"].iloc[j]
        rows.append(
            {
                "indicator": i,
                "layer": lay,
                "r_layer": X[i].corr(Lsc[lay]),
                "r_overall": X[i].corr(pd.Series(score)),
            }
        )
    alpha = {}
    for lay in layer_ids:
        cols = [i for i, ll in zip(ind_ids, meta["layer"]) if ll == lay]
        alpha[lay] = cronbach_alpha(X[cols].to_numpy())
    return {
        "indicator_correlations": X.corr(),
        "layer_correlations": Lsc.corr(),
        "indicator_vs_layer": pd.DataFrame(rows),
        "cronbach_alpha": pd.Series(alpha, name="cronbach_alpha"),
    }


class _Samplers:
    """Draws of the uncertain inputs (each factor independently)."""

    def __init__(self, cfg, prep, meta, ind_ids, layer_ids, w_ind, w_layer, mc_imp, mc_norm, mc_agg):
        self.kappa = cfg.weight_concentration
        self.w_ind = w_ind
        self.w_layer = w_layer
        self.layer_cols = prep.layer_cols
        self.variant_of = np.array([[prep.index(i, n_) for n_ in mc_norm] for i in mc_imp])  # (I, N)
        self.mc_agg = np.array(mc_agg, dtype=int)
        self.factors_varying = {
            "layer_weights": math.isfinite(self.kappa) and (w_layer > 0).sum() > 1,
            "indicator_weights": math.isfinite(self.kappa) and any((w_ind[c] > 0).sum() > 1 for c in prep.layer_cols),
            "normalisation": len(mc_norm) > 1,
            "imputation": len(mc_imp) > 1,
            "aggregation": len(mc_agg) > 1,
        }

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
        """Independent draws of every factor: a dict of arrays with d rows."""
        w_layer = self._dirichlet(rng, self.w_layer, d)
        w_ind = np.zeros((d, len(self.w_ind)))
        for cols in self.layer_cols:
            w_ind[:, cols] = self._dirichlet(rng, self.w_ind[cols], d)
        n_imp, n_norm = self.variant_of.shape
        return {
            "layer_weights": w_layer,
            "indicator_weights": w_ind,
            "normalisation": rng.integers(0, n_norm, size=d),
            "imputation": rng.integers(0, n_imp, size=d),
            "aggregation": rng.integers(0, len(self.mc_agg), size=d),
        }

    def evaluate(self, prep, s: dict[str, np.ndarray]) -> np.ndarray:
        variant = self.variant_of[s["imputation"], s["normalisation"]]
        agg = self.mc_agg[s["aggregation"]]
        overall, _ = _evaluate(prep, s["indicator_weights"], s["layer_weights"], variant, agg)
        return overall


def _mc_ranks(prep, samplers: _Samplers, rng, n_draws: int, chunk: int = 2500) -> np.ndarray:
    n = prep.X.shape[1]
    out = np.empty((n_draws, n), dtype=np.float32)
    for start in range(0, n_draws, chunk):
        d = min(chunk, n_draws - start)
        s = samplers.sample(rng, d)
        out[start : start + d] = rank_rows(samplers.evaluate(prep, s))
    return out


def _empty_sensitivity() -> pd.DataFrame:
    return pd.DataFrame(columns=["factor", "S1", "S1_p05", "S1_p95", "ST", "ST_p05", "ST_p95"])


def _sensitivity(prep, samplers: _Samplers, rng, nominal_rank: np.ndarray, cfg: CompositeConfig) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices of each varying factor.

    Output: the mean absolute rank shift of a draw with respect to the nominal ranks (COINr's
    choice). Each factor is a group (all weights of a level form one factor).
    """
    factors = [f for f in FACTORS if samplers.factors_varying[f]]
    if not factors:
        return _empty_sensitivity()
    N = cfg.n_sensitivity
    A = samplers.sample(rng, N)
    B = samplers.sample(rng, N)
    designs = [A, B]
    for f in factors:
        ab = dict(A)
        ab[f] = B[f]
        designs.append(ab)
    big = {k: np.concatenate([dsg[k] for dsg in designs]) for k in A}
    ranks = np.empty((len(designs) * N, prep.X.shape[1]))
    for start in range(0, len(designs) * N, 2500):
        part = {k: v[start : start + 2500] for k, v in big.items()}
        ranks[start : start + 2500] = rank_rows(samplers.evaluate(prep, part))
    Y = np.nanmean(np.abs(ranks - nominal_rank[None, :]), axis=1).reshape(len(designs), N)
    fA, fB = Y[0], Y[1]

    def indices(sel):
        a, b = fA[sel], fB[sel]
        var = np.var(np.concatenate([a, b]), ddof=1)
        res = []
        for i in range(len(factors)):
            ab = Y[2 + i][sel]
            if var <= 0:
                res.append((0.0, 0.0))
            else:
                res.append((float(np.mean(b * (ab - a)) / var), float(0.5 * np.mean((a - ab) ** 2) / var)))
        return np.array(res)

    point = indices(np.arange(N))
    boots = np.array([indices(rng.integers(0, N, size=N)) for _ in range(cfg.n_bootstrap)]) if cfg.n_bootstrap else None
    rows = []
    for i, f in enumerate(factors):
        row = {"factor": f, "S1": point[i, 0], "ST": point[i, 1]}
        if boots is not None:
            row.update(
                S1_p05=np.percentile(boots[:, i, 0], 5),
                S1_p95=np.percentile(boots[:, i, 0], 95),
                ST_p05=np.percentile(boots[:, i, 1], 5),
                ST_p95=np.percentile(boots[:, i, 1], 95),
            )
        else:
            row.update(S1_p05=np.nan, S1_p95=np.nan, ST_p05=np.nan, ST_p95=np.nan)
        rows.append(row)
    return pd.DataFrame(rows)[list(_empty_sensitivity().columns)]


def _leave_one_out(prep, w_ind, w_layer, k0, geo0, rank, ind_ids, meta, countries):
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
            }
        )
    return loo, pd.DataFrame(shifts.T, index=pd.Index(countries, name="iso3"), columns=ind_ids)


# --------------------------------------------------------------------------------------------
# Output tables
# --------------------------------------------------------------------------------------------


def overall_table(result: CompositeResult, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The ``rankings_overall.csv`` contract: ``iso3, country, score, rank, rank_median, rank_p05,
    rank_p95, coverage, imputed_share`` (+ layer scores), sorted by rank then ISO3."""
    df = result.overall.reset_index()
    if names is None:
        names = _country_names(df["iso3"])
    df.insert(1, "country", df["iso3"].map(lambda c: names.get(c, c)))
    return df.reset_index(drop=True)


def layers_table(result: CompositeResult) -> pd.DataFrame:
    """The ``rankings_layers.csv`` contract: ``iso3, layer, score, rank`` sorted by rank, then layer
    order and ISO3 (countries without data on a layer last, score and rank NA)."""
    return result.layers[["iso3", "layer", "score", "rank"]].copy()


def layer_scores_table(result: CompositeResult, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Wide layer scores and ranks per country (for maps and profiles): ``iso3, country,
    overall_score, overall_rank, <layer>_score, <layer>_rank …``, sorted by ISO3."""
    wide = result.layer_scores.copy()
    ranks = pd.DataFrame(rank_rows(wide.to_numpy().T).T, index=wide.index, columns=wide.columns)
    out = pd.DataFrame(index=wide.index)
    if names is None:
        names = _country_names(wide.index)
    out["country"] = [names.get(c, c) for c in wide.index]
    out["overall_score"] = result.overall["score"].reindex(wide.index)
    out["overall_rank"] = result.overall["rank"].reindex(wide.index)
    for lay in wide.columns:
        out[f"{lay}_score"] = wide[lay]
        out[f"{lay}_rank"] = ranks[lay]
    return out.sort_index().reset_index()


def _country_names(codes) -> dict[str, str]:
    try:
        from sovai.countries import reference_table

        ref = reference_table()["name"]
        return {c: str(ref[c]) for c in codes if c in ref.index}
    except Exception:  # noqa: BLE001 - toy data without reference: fall back to the code
        return {}


# --------------------------------------------------------------------------------------------
# Comparison with another index
# --------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    """What :func:`compare` returns: ``stats`` (Spearman and Kendall with confidence interval),
    ``differences`` (countries ordered by absolute rank difference) and ``n`` (countries in both)."""

    stats: pd.DataFrame
    differences: pd.DataFrame
    n: int
    method: str


def _scores_from(ranks) -> pd.Series:
    if isinstance(ranks, CompositeResult):
        return ranks.overall["score"]
    if isinstance(ranks, pd.Series):
        return ranks.astype(float)
    if isinstance(ranks, pd.DataFrame):
        df = ranks
        if "iso3" in df.columns:
            df = df.set_index("iso3")
        if "score" in df.columns:
            return df["score"].astype(float)
        if "rank" in df.columns:
            return -df["rank"].astype(float)
    raise ValueError(
        "parameter 'ranks': expected a CompositeResult, a Series of scores by ISO3, or a frame with iso3 and score/rank"
    )


def _read_other(other, country_column, score_column) -> pd.DataFrame:
    if isinstance(other, (str, Path)):
        from sovai.sources._common import read_csv

        path = Path(other)
        if not path.exists():
            raise ValueError(f"parameter 'other': file {str(path)!r} does not exist")
        df = read_csv(path, keep_default_na=False, na_values=[""])
    elif isinstance(other, pd.DataFrame):
        df = other.copy()
    else:
        raise ValueError(f"parameter 'other': expected a CSV path or a DataFrame, got {type(other).__name__}")
    if country_column is None:
        cands = [
            c
            for c in df.columns
            if str(c).lower() in ("iso3", "iso", "code", "country_code", "country", "name", "country_name", "economy")
        ]
        if not cands:
            raise ValueError(
                f"parameter 'other': no country column found among {list(df.columns)}; pass country_column="
            )
        country_column = cands[0]
    elif country_column not in df.columns:
        raise ValueError(f"parameter 'country_column': {country_column!r} not in {list(df.columns)}")
    if score_column is None:
        num = [c for c in df.columns if c != country_column and pd.api.types.is_numeric_dtype(df[c])]
        pref = [c for c in num if str(c).lower() in ("score", "value", "index")]
        if pref:
            score_column = pref[0]
        elif len(num) == 1:
            score_column = num[0]
        else:
            raise ValueError(f"parameter 'other': cannot tell the score column among {num}; pass score_column=")
    elif score_column not in df.columns:
        raise ValueError(f"parameter 'score_column': {score_column!r} not in {list(df.columns)}")
    return pd.DataFrame(
        {"country": df[country_column].astype(str), "score": pd.to_numeric(df[score_column], errors="coerce")}
    )


def compare(
    ranks,
    other,
    *,
    country_column: str | None = None,
    score_column: str | None = None,
    higher_is_better: bool = True,
    method: str = "fisher",
    n_boot: int = 2000,
    level: float = 0.90,
    seed: int = 42,
    top: int = 10,
) -> Comparison:
    """Compare the ranking with any other country index.

    Parameters
    ----------
    ranks
        A :class:`CompositeResult`, a Series of scores indexed by ISO3, or a frame with ``iso3``
        and ``score`` (or ``rank``).
    other
        A CSV path or a frame with a country column (names or ISO3, harmonised with
        :func:`sovai.countries.to_iso3`) and a score column.
    country_column, score_column
        Column names in ``other`` (default: guessed; an ambiguity is an error).
    higher_is_better
        Direction of ``other``'s score (``False`` for a rank column).
    method
        Confidence intervals: ``"fisher"`` (Fisher z; Bonett–Wright s.e. for Spearman, Fieller
        for Kendall) or ``"bootstrap"`` (percentile bootstrap over countries, seeded).
    n_boot, level, seed
        Bootstrap resamples, confidence level, seed.
    top
        Countries listed in ``differences`` (all if 0).
    """
    from scipy import stats

    from sovai.countries import to_iso3
    from sovai.errors import UnknownCountryError

    _check_choice("method", method, ("fisher", "bootstrap"))
    if not 0 < level < 1:
        raise ValueError(f"parameter 'level': expected a probability in (0, 1), got {level!r}")
    ours = _scores_from(ranks)
    oth = _read_other(other, country_column, score_column)
    try:
        oth["iso3"] = to_iso3(oth["country"].tolist())
    except UnknownCountryError as exc:
        raise ValueError(f"parameter 'other': {exc}") from exc
    oth = oth.dropna(subset=["iso3", "score"])
    dup = oth["iso3"][oth["iso3"].duplicated()]
    if len(dup):
        raise ValueError(f"parameter 'other': several rows for the same country: {sorted(set(dup))}")
    if not higher_is_better:
        oth["score"] = -oth["score"]
    both = (
        pd.DataFrame({"iso3": ours.index.astype(str), "ours": ours.to_numpy(dtype=float)})
        .dropna()
        .merge(oth[["iso3", "country", "score"]], on="iso3", how="inner", validate="1:1")
    )
    n = len(both)
    if n < 5:
        raise ValueError(f"parameter 'other': only {n} countries in common with the ranking; need at least 5")
    x, y = both["ours"].to_numpy(), both["score"].to_numpy()
    rho = stats.spearmanr(x, y).statistic
    tau = stats.kendalltau(x, y).statistic
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    if method == "fisher":
        se_s = math.sqrt((1 + rho**2 / 2) / (n - 3)) if n > 3 else math.nan
        se_k = math.sqrt(0.437 / (n - 4)) if n > 4 else math.nan
        for name, r, se in (("spearman", rho, se_s), ("kendall", tau, se_k)):
            zr = math.atanh(max(min(r, 0.999999), -0.999999))
            rows.append(
                {"statistic": name, "estimate": r, "ci_low": math.tanh(zr - z * se), "ci_high": math.tanh(zr + z * se)}
            )
    else:
        rng = np.random.default_rng(seed)
        bs, bk = [], []
        for _ in range(n_boot):
            i = rng.integers(0, n, size=n)
            bs.append(stats.spearmanr(x[i], y[i]).statistic)
            bk.append(stats.kendalltau(x[i], y[i]).statistic)
        a = (1 - level) / 2 * 100
        for name, r, b in (("spearman", rho, bs), ("kendall", tau, bk)):
            b = np.asarray(b, dtype=float)
            rows.append(
                {
                    "statistic": name,
                    "estimate": r,
                    "ci_low": np.nanpercentile(b, a),
                    "ci_high": np.nanpercentile(b, 100 - a),
                }
            )
    st = pd.DataFrame(rows)
    st["n"] = n
    st["level"] = level
    st["method"] = method
    both["rank_ours"] = rank_rows(x)[0]
    both["rank_other"] = rank_rows(y)[0]
    both["rank_diff"] = both["rank_other"] - both["rank_ours"]
    both["abs_diff"] = both["rank_diff"].abs()
    diffs = both.sort_values(["abs_diff", "iso3"], ascending=[False, True], kind="mergesort")
    diffs = diffs.rename(columns={"ours": "score_ours", "score": "score_other", "country": "country_other"})
    diffs = diffs[["iso3", "country_other", "score_ours", "score_other", "rank_ours", "rank_other", "rank_diff"]]
    if top:
        diffs = diffs.head(top)
    return Comparison(stats=st, differences=diffs.reset_index(drop=True), n=n, method=method)


def run_panel(panel, config: CompositeConfig | None = None, **overrides) -> CompositeResult:
    """Run :func:`run` on a :class:`sovai.panel.Panel`.

    Indicators whose loader is unavailable (all values missing) are left out with a warning; the
    panel's fallback values feed ``locf`` imputation, its size basis makes ``group_median``
    imputation size-aware in the scale view, its layer order and settings (view, year, window)
    are recorded.
    """
    values = panel.values
    empty = [c for c in values.columns if values[c].isna().all()]
    if empty:
        warnings.warn(
            f"indicator(s) {empty} have no value in the panel (loader missing?): left out",
            CompositeWarning,
            stacklevel=2,
        )
        values = values.drop(columns=empty)
    meta = panel.meta.set_index("id").loc[list(values.columns), ["layer", "direction"]]
    result = run(
        values,
        meta,
        config,
        layers=list(panel.layers["id"]),
        fallback=panel.fallback,
        impute_basis=panel.impute_basis(),
        panel_meta=panel.settings(),
        **overrides,
    )
    if empty:
        result.log.insert(0, f"panel: indicator(s) {empty} without data left out")
    return result


# --------------------------------------------------------------------------------------------
# Writing outputs
# --------------------------------------------------------------------------------------------


def write_tables(
    result: CompositeResult, tables_dir, *, prefix: str = "rankings", names: Mapping[str, str] | None = None
) -> dict[str, Path]:
    """Write the ranking tables (deterministic CSV, atomic) and the run's config/log as JSON.

    Files: ``<prefix>_overall.csv`` (``iso3, country, score, rank, rank_median, rank_p05,
    rank_p95, coverage, imputed_share``, then ``layer_<id>`` scores; sorted by rank),
    ``<prefix>_layers.csv`` (``iso3, layer, score, rank``; by rank, then layer order),
    ``<prefix>_layer_scores.csv`` (wide, by ISO3: for maps and profiles), ``<prefix>_weights.csv``,
    ``<prefix>_sensitivity.csv``, ``<prefix>_loo.csv``, ``<prefix>_coherence.csv``,
    ``<prefix>_excluded.csv`` and ``<prefix>_config.json``.
    """
    import json

    from sovai.report_io import atomic_write_text, write_table

    tables_dir = Path(tables_dir)
    out = {}
    overall = overall_table(result, names)
    out["overall"] = write_table(overall, tables_dir / f"{prefix}_overall.csv")
    out["layers"] = write_table(layers_table(result), tables_dir / f"{prefix}_layers.csv")
    out["layer_scores"] = write_table(layer_scores_table(result, names), tables_dir / f"{prefix}_layer_scores.csv")
    out["weights"] = write_table(result.weights, tables_dir / f"{prefix}_weights.csv")
    out["sensitivity"] = write_table(result.sensitivity, tables_dir / f"{prefix}_sensitivity.csv")
    out["loo"] = write_table(result.loo, tables_dir / f"{prefix}_loo.csv")
    coh = result.coherence["indicator_vs_layer"].merge(
        result.coherence["cronbach_alpha"].rename_axis("layer").reset_index(), on="layer", how="left", validate="m:1"
    )
    out["coherence"] = write_table(coh, tables_dir / f"{prefix}_coherence.csv")
    out["excluded"] = write_table(result.excluded, tables_dir / f"{prefix}_excluded.csv")
    payload = {"config": result.config, "log": result.log}
    out["config"] = atomic_write_text(
        tables_dir / f"{prefix}_config.json", json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n"
    )
    return out


# --------------------------------------------------------------------------------------------
# Figures (matplotlib; each returns the Figure)
# --------------------------------------------------------------------------------------------


def _caption(fig, caption: str | None) -> None:
    if caption:
        import textwrap

        width = max(60, int(fig.get_figwidth() * 22))  # characters per line at 6 pt
        # below the figure: the tight bounding box used by save_figure grows to include it
        fig.text(0.01, -0.01, "\n".join(textwrap.wrap(caption, width)), fontsize=6, color="0.35", ha="left", va="top")


def plot_rank_intervals(
    result: CompositeResult, *, top: int = 40, names: Mapping[str, str] | None = None, caption: str | None = None
):
    """Overall ranking of the ``top`` countries: point rank (dot), Monte Carlo median (bar) and the
    5th–95th percentile rank interval (line)."""
    import matplotlib.pyplot as plt

    df = overall_table(result, names).head(top)
    n = len(df)
    fig, ax = plt.subplots(figsize=(7, 0.22 * n + 1.6))
    y = np.arange(n)
    ax.hlines(y, df["rank_p05"], df["rank_p95"], color="tab:blue", lw=2, alpha=0.6, label="5–95 % rank interval")
    ax.plot(df["rank_median"], y, "|", color="tab:blue", ms=9, mew=2, label="median rank (Monte Carlo)")
    ax.plot(df["rank"], y, "o", color="black", ms=3.5, label="rank (nominal choices)")
    ax.set_yticks(y, [f"{c} ({i})" for c, i in zip(df["country"], df["iso3"])], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = highest composite score)")
    ax.set_title("AI-stack composite: overall rank with uncertainty")
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_layer_heatmap(
    result: CompositeResult,
    *,
    top: int = 30,
    layer_names: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    caption: str | None = None,
):
    """Layer-by-country heatmap for the ``top`` countries: colour = layer rank percentile
    (100 = best country on that layer), text = layer rank."""
    import matplotlib.pyplot as plt

    order = list(result.overall.index[:top])
    scores = result.layer_scores.loc[order]
    ranks = pd.DataFrame(
        rank_rows(result.layer_scores.to_numpy().T).T,
        index=result.layer_scores.index,
        columns=result.layer_scores.columns,
    ).loc[order]
    n_all = result.layer_scores.notna().sum()
    pct = 100 * (1 - (ranks - 1) / (n_all - 1).clip(lower=1))
    fig, ax = plt.subplots(figsize=(0.65 * scores.shape[1] + 3, 0.25 * len(order) + 2))
    im = ax.imshow(pct.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=100)
    labels = [layer_names.get(c, c) if layer_names else c for c in scores.columns]
    ax.set_xticks(np.arange(scores.shape[1]), labels, rotation=45, ha="right", fontsize=7)
    nm = names if names is not None else _country_names(order)
    ax.set_yticks(np.arange(len(order)), [nm.get(c, c) for c in order], fontsize=7)
    for i in range(len(order)):
        for j in range(scores.shape[1]):
            r = ranks.iat[i, j]
            if np.isfinite(r):
                ax.text(
                    j,
                    i,
                    f"{int(r)}",
                    ha="center",
                    va="center",
                    fontsize=5,
                    color="white" if pct.iat[i, j] < 60 else "black",
                )
    fig.colorbar(im, ax=ax, label="layer rank percentile (100 = best)", shrink=0.6)
    ax.set_title("Layer ranks of the top countries")
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_effective_weights(result: CompositeResult, *, caption: str | None = None):
    """Per indicator: nominal effective weight (share of the index by construction) against its
    importance (squared correlation with the overall score, normalised)."""
    import matplotlib.pyplot as plt

    w = result.weights
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(w) + 1.6))
    y = np.arange(len(w))
    ax.barh(y - 0.2, w["nominal_effective"], height=0.4, color="tab:gray", label="nominal effective weight")
    ax.barh(
        y + 0.2,
        w["importance"].fillna(0),
        height=0.4,
        color="tab:orange",
        label="importance (normalised r² with index)",
    )
    ax.set_yticks(y, [f"{i} [{lay}]" for i, lay in zip(w["indicator"], w["layer"])], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("share of the index")
    ax.set_title("Nominal vs effective weights")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_sensitivity(result: CompositeResult, *, caption: str | None = None):
    """First-order and total sensitivity indices of each uncertain choice, with bootstrap intervals."""
    import matplotlib.pyplot as plt

    s = result.sensitivity
    fig, ax = plt.subplots(figsize=(6, 3.2))
    if s.empty:
        ax.text(0.5, 0.5, "no uncertain factor varies", ha="center", va="center")
        ax.set_axis_off()
        return fig
    x = np.arange(len(s))
    for off, col, colour, label in ((-0.2, "S1", "tab:blue", "first order S1"), (0.2, "ST", "tab:red", "total ST")):
        lo = (s[col] - s[f"{col}_p05"]).clip(lower=0).fillna(0)
        hi = (s[f"{col}_p95"] - s[col]).clip(lower=0).fillna(0)
        ax.bar(x + off, s[col].astype(float), width=0.4, color=colour, label=label, yerr=[lo, hi], capsize=2)
    ax.set_xticks(x, [f.replace("_", " ") for f in s["factor"]], rotation=20, ha="right", fontsize=8)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_ylabel("share of variance of mean |rank shift|")
    ax.set_title("Sensitivity of the ranking to each choice")
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_scale_vs_intensity(
    scale: CompositeResult, intensity: CompositeResult, *, label_top: int = 12, caption: str | None = None
):
    """Overall rank in the scale view against the intensity view (countries ranked in both)."""
    import matplotlib.pyplot as plt

    both = pd.DataFrame({"scale": scale.overall["rank"], "intensity": intensity.overall["rank"]}).dropna()
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(both["scale"], both["intensity"], s=10, color="tab:blue", alpha=0.7)
    lim = max(both.max().max(), 1) + 2
    ax.plot([1, lim], [1, lim], color="0.6", lw=0.8, ls="--")
    lab = both[(both["scale"] <= label_top) | (both["intensity"] <= label_top)]
    for iso, row in lab.iterrows():
        ax.annotate(iso, (row["scale"], row["intensity"]), fontsize=6, xytext=(2, 2), textcoords="offset points")
    ax.set_xlabel("rank, scale view (absolute size)")
    ax.set_ylabel("rank, intensity view (per capita / per GDP)")
    from scipy import stats

    rho = stats.spearmanr(both["scale"], both["intensity"]).statistic if len(both) > 2 else float("nan")
    ax.set_title(f"Scale vs intensity (Spearman ρ = {rho:.2f}, n = {len(both)})")
    ax.set_xlim(0, lim)
    ax.set_ylim(0, lim)
    ax.invert_yaxis()  # best ranks top left
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig
