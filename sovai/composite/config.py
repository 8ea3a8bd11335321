"""Configuration and result types of the composite engine, and the lists of allowed choices."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

NORMALISATIONS = ("minmax", "zscore", "rank", "percentile", "frontier", "target", "goalposts")
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
FACTORS = (
    "layer_weights",
    "indicator_weights",
    "normalisation",
    "imputation",
    "aggregation",
    "outliers",
    "indicator_set",
    "reference_window",
)
#: Treatments of binary and ordinal indicators (see :class:`CompositeConfig`).
BINARY_TREATMENTS = ("count", "scale", "none")
#: Kinds of indicator (column ``kind`` of the indicator table).
KINDS = ("continuous", "binary", "count", "ordinal")

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
        Outlier rule (COINr ``Treat``): treat when |skewness| ≥ ``skew_threshold`` and kurtosis ≥
        ``kurtosis_threshold``; winsorise up to ``winmax`` points (counted as points changed)
        before falling back to a log (see :func:`~sovai.composite.steps.treat_outliers`).
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
    mc_outliers
        Outlier treatments sampled in the Monte Carlo (``None``: the nominal one only).
    mc_leave_out
        Indicator set as an uncertain factor: each draw leaves out this many indicators (units
        after the binary treatment), chosen at random (0: the full set in every draw).
    n_sensitivity
        Base sample size N of the Saltelli design on a scrambled Sobol' sequence (rounded up to a
        power of 2; N·(k+2) evaluations for k varying factors; 0 disables it).
    sensitivity_top
        The sensitivity output is the mean absolute rank shift of the ``sensitivity_top``
        countries ranked highest under the nominal choices (0: all countries); per-country
        indices (of each country's rank) are computed too.
    geometric_rescale
        ``False`` (default, as COINr): geometric means of the normalised values as they are
        (indicators rescaled to [1, 100] once, so logarithms are defined), no rescaling between
        levels. ``True``: the earlier rule, layer scores rescaled to [1, 100] across countries
        before a geometric step across layers.
    min_layer_coverage, min_layer_indicators
        A layer score needs at least ``max(min_layer_indicators, ceil(min_layer_coverage × k))``
        of its k indicators *observed* (imputed values do not count), else it is missing.
    min_layers_share
        The overall score needs at least ``ceil(min_layers_share × L)`` of the L layers (7 of 10),
        else the country is not ranked (listed in ``excluded``).
    binary_treatment
        ``"count"`` (default): within each layer, two or more binary/ordinal indicators are first
        combined into one indicator, the mean over the coded ones of their 0–1 score (a binary's
        value, an ordinal's position between its lowest and highest code): the share of coded
        ones that are true, missing if none is coded; it counts as one indicator. ``"scale"``:
        binary and ordinal indicators are kept, and after normalisation rescaled to the mean and
        standard deviation of the continuous indicators. ``"none"``: treated like continuous ones.
    alpha_use
        Cronbach's alpha from ``"pairwise"``-complete covariances (COINr's default) or
        ``"complete"`` rows only.
    n_bootstrap, n_bootstrap_country
        Bootstrap resamples for the intervals of the sensitivity indices of the top-countries output
        and of each country's rank (at most ``n_bootstrap``; fewer per country keeps the cost low).
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
    mc_outliers: tuple[str, ...] | None = ("coinr", "none")
    mc_leave_out: int = 1
    n_sensitivity: int = 1024
    sensitivity_top: int = 40
    n_bootstrap: int = 200
    n_bootstrap_country: int = 50
    geometric_rescale: bool = False
    min_layer_coverage: float = 0.5
    min_layer_indicators: int = 2
    min_layers_share: float = 0.7
    binary_treatment: str = "count"
    alpha_use: str = "pairwise"
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
            ("mc_outliers", OUTLIER_TREATMENTS),
        ):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, str) or not len(value):
                    raise ValueError(f"parameter {name!r}: expected a non-empty list of choices, got {value!r}")
                for v in value:
                    _check_choice(name, v, allowed)
                object.__setattr__(self, name, tuple(value))
        _check_choice("binary_treatment", self.binary_treatment, BINARY_TREATMENTS)
        _check_choice("alpha_use", self.alpha_use, ("pairwise", "complete"))
        for name in ("min_country_coverage", "min_indicator_coverage", "min_layer_coverage", "min_layers_share"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"parameter {name!r}: expected a share in [0, 1], got {v!r}")
        for name in (
            "n_draws",
            "n_sensitivity",
            "n_bootstrap",
            "n_bootstrap_country",
            "winmax",
            "mc_leave_out",
            "sensitivity_top",
            "min_layer_indicators",
        ):
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
        rank_p05, rank_p95, coverage, imputed_share, n_layers``, one ``layer_<id>`` score and one
        ``n_observed_<id>`` (observed indicators) column per layer. Rank quantiles are NA when no
        Monte Carlo draw was run.
    layers
        Long table ``iso3, layer, score, rank, n_observed`` (rank within the layer; 1 = best).
    n_observed
        Country × layer number of observed (not imputed) indicators.
    imputed
        One row per imputed cell: ``iso3, indicator, method, value``.
    sensitivity_country
        Per country × factor: first-order and total indices of the country's rank, with bootstrap
        intervals.
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
    n_observed: pd.DataFrame = field(default_factory=pd.DataFrame)
    imputed: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity_country: pd.DataFrame = field(default_factory=pd.DataFrame)
