"""Composite-index engine (subpackage): country rankings with rank uncertainty and sensitivity analysis.

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

Modules: :mod:`~sovai.composite.config` (choices, :class:`CompositeConfig`,
:class:`CompositeResult`), :mod:`~sovai.composite.steps` (indicator steps),
:mod:`~sovai.composite.evaluator` (the vectorised evaluator), :mod:`~sovai.composite.pipeline`
(:func:`run` as a few stage functions), :mod:`~sovai.composite.diagnostics` (effective weights,
coherence), :mod:`~sovai.composite.uncertainty` (Monte Carlo, Sobol, leave-one-out), :mod:`~sovai.composite.tables` (output tables),
:mod:`~sovai.composite.compare` (comparison with another index), :mod:`~sovai.composite.plots`.
Every public name is importable from ``sovai.composite``.
"""

from __future__ import annotations

from sovai.composite.compare import Comparison, compare
from sovai.composite.config import (
    AGGREGATIONS,
    BINARY_TREATMENTS,
    FACTORS,
    IMPUTATIONS,
    IMPUTE_GROUPS,
    KINDS,
    NORMALISATIONS,
    OUTLIER_TREATMENTS,
    WEIGHTINGS,
    CompositeConfig,
    CompositeResult,
    CompositeWarning,
)
from sovai.composite.over_time import plot_ranks_over_time, rank_changes, ranks_over_time
from sovai.composite.pipeline import run, run_panel
from sovai.composite.plots import (
    plot_country_sensitivity,
    plot_effective_weights,
    plot_layer_heatmap,
    plot_rank_intervals,
    plot_scale_vs_intensity,
    plot_sensitivity,
)
from sovai.composite.steps import cronbach_alpha, impute, normalise, rank_rows, treat_outliers
from sovai.composite.tables import layer_scores_table, layers_table, overall_table

__all__ = [
    "plot_ranks_over_time",
    "rank_changes",
    "ranks_over_time",
    "AGGREGATIONS",
    "BINARY_TREATMENTS",
    "KINDS",
    "FACTORS",
    "IMPUTATIONS",
    "IMPUTE_GROUPS",
    "NORMALISATIONS",
    "OUTLIER_TREATMENTS",
    "WEIGHTINGS",
    "Comparison",
    "CompositeConfig",
    "CompositeResult",
    "CompositeWarning",
    "compare",
    "cronbach_alpha",
    "impute",
    "layer_scores_table",
    "layers_table",
    "normalise",
    "overall_table",
    "plot_country_sensitivity",
    "plot_effective_weights",
    "plot_layer_heatmap",
    "plot_rank_intervals",
    "plot_scale_vs_intensity",
    "plot_sensitivity",
    "rank_rows",
    "run",
    "run_panel",
    "treat_outliers",
]
