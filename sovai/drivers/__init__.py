"""Regression analyses of the drivers of AI sovereignty (DESIGN.md §4.3) — a reconstruction.

The report's own specification is not public: every model here is sovai's reconstruction from
open data and the project's cited codings (:mod:`sovai.categorical`).

* **Specifications as data**: :class:`ModelSpec` (name, outcome, family, covariates, exclude,
  robust covariance, region effects, year, trials, missing categories); variants are
  ``spec.replace(...)``.
* **Outcomes that keep uncoded cells missing** (:func:`instrument_outcomes`): the default model is
  a binomial GLM of ``instruments_adopted`` out of ``instruments_coded`` (an uncoded instrument is
  not a trial; a country with nothing coded leaves the sample and is listed); the EU variant
  leaves EU members' ``ai_law`` (the EU AI Act) out; single instruments (logit, coded countries
  only) and ``stance`` (ordered logit) as alternatives; ``instrument_count`` still works.
* **Driver proxies declared as data** (``data/stack/proxies.csv``: driver, what each stands for
  and cannot show, source, builder, transform): the ``builder`` and ``transform`` columns name
  functions of :data:`PROXY_BUILDERS` and :data:`PROXY_TRANSFORMS` (checked both ways by
  :func:`check_builders`). Time series take the rankings' own "latest value in the window" rule
  (:func:`sovai.panel.select_values`); UNGA alignment has one definition,
  :func:`sovai.sources.unga.alignment` (positive = closer to the US).
* **Multiplicity**: Holm and Benjamini–Hochberg adjusted p-values beside the raw ones; stars use
  Holm. Country bootstrap and leave-one-region-out for the main effects; a fit-statistics table.
* **Inference**: HC3 robust SE by default. OLS uses statsmodels' HC3. For the GLMs (Poisson,
  negative binomial, logit) statsmodels' ``cov_type="HC3"`` silently equals HC0, so sovai computes
  the HC3 sandwich itself from the observation scores and the GLM hat matrix, ``B (Σ s_i s_iᵀ /
  (1 − h_ii)²) B``, and installs it in the statsmodels results (``res.bse``, ``res.pvalues``,
  ``res.conf_int()`` all use it; a test checks it reproduces OLS HC3 on a Gaussian GLM). For the
  ordered logit HC3 is not defined (no hat matrix): the HC0 sandwich is used and reported as
  such in the ``cov_type`` column. p-values and intervals are normal-based.
* Average marginal effects (delta method), VIF, influence (Cook's distance, leverage, most
  influential countries named), robustness variants, the countries dropped for missing data with
  their names, model tables as frames (:func:`tidy_table`, :func:`comparison_table`) and figures.
  Nothing here writes a file: notebook 04's tables and figures are written by
  :mod:`sovai.reports.drivers`, the LaTeX/HTML comparison tables rendered by
  :mod:`sovai.regression_tables`.

Submodules (one job each; each imports only submodules listed above it):

* :mod:`sovai.drivers.common` — :class:`DriverModelError` and :data:`RECONSTRUCTION_NOTE`.
* :mod:`sovai.drivers.proxies` — proxy declarations, builders and transforms, the driver frame,
  the instrument outcomes and :func:`model_data`.
* :mod:`sovai.drivers.models` — :class:`ModelSpec`, :class:`ModelFit`, the design matrix and
  sample checks, :func:`fit`, the GLM sandwich and :func:`adjust_pvalues`.
* :mod:`sovai.drivers.inference` — marginal effects, VIF, influence, robustness variants,
  :func:`fit_many`, fit statistics, leave-one-region-out and the country bootstrap.
* :mod:`sovai.drivers.tables` — dropped countries, tidy and comparison tables, attribution.
* :mod:`sovai.drivers.plots` — coefficient, predicted-vs-observed and marginal-effect figures.

Every name is re-exported here (``from sovai import drivers; drivers.fit(...)``), and
``drivers.PROXIES`` is :func:`declared_proxies`, read on first access.
"""

from __future__ import annotations

from sovai.drivers.common import (
    RECONSTRUCTION_NOTE,
    DriverModelError,
)
from sovai.drivers.inference import (
    average_marginal_effects,
    bootstrap_coefficients,
    fit_many,
    fit_statistics,
    influence,
    leave_one_region_out,
    robustness_specs,
    significant_after_adjustment,
    vif,
)
from sovai.drivers.models import (
    FAMILIES,
    ROBUST,
    ModelFit,
    ModelSpec,
    adjust_pvalues,
    check_separation,
    design,
    fit,
    glm_sandwich,
)
from sovai.drivers.plots import (
    coefficient_plot,
    expected_outcome,
    marginal_effect_curve,
    marginal_effect_plot,
    predicted_vs_observed,
)
from sovai.drivers.proxies import (
    DEFAULT_COVARIATES,
    DEFAULT_WINDOW,
    DEFAULT_YEAR,
    PROXIES_FILE,
    PROXY_BUILDERS,
    PROXY_TRANSFORMS,
    STATED_DRIVERS,
    US_TREATY_ALLIES_NON_NATO,
    US_TREATY_SOURCE,
    Proxy,
    ProxyBuilder,
    _proxy_values,  # noqa: F401 - private, used by tests (cache of one built proxy)
    build_driver_frame,
    check_builders,
    declared_proxies,
    driver_proxies,
    instrument_outcomes,
    model_data,
    read_proxies,
)
from sovai.drivers.tables import (
    attribution,
    comparison_table,
    dropped_countries,
    tidy_table,
)

__all__ = [
    "DEFAULT_COVARIATES",
    "DEFAULT_WINDOW",
    "DEFAULT_YEAR",
    "DriverModelError",
    "FAMILIES",
    "ModelFit",
    "ModelSpec",
    "PROXIES_FILE",
    "PROXY_BUILDERS",
    "PROXY_TRANSFORMS",
    "Proxy",
    "ProxyBuilder",
    "RECONSTRUCTION_NOTE",
    "ROBUST",
    "STATED_DRIVERS",
    "US_TREATY_ALLIES_NON_NATO",
    "US_TREATY_SOURCE",
    "adjust_pvalues",
    "attribution",
    "average_marginal_effects",
    "bootstrap_coefficients",
    "build_driver_frame",
    "check_builders",
    "check_separation",
    "coefficient_plot",
    "comparison_table",
    "declared_proxies",
    "design",
    "driver_proxies",
    "dropped_countries",
    "expected_outcome",
    "fit",
    "fit_many",
    "fit_statistics",
    "glm_sandwich",
    "influence",
    "instrument_outcomes",
    "leave_one_region_out",
    "marginal_effect_curve",
    "marginal_effect_plot",
    "model_data",
    "predicted_vs_observed",
    "read_proxies",
    "robustness_specs",
    "significant_after_adjustment",
    "tidy_table",
    "vif",
]


def __getattr__(name: str):
    # PROXIES stays a module attribute (notebooks read it) without reading the CSV at import time
    if name == "PROXIES":
        return declared_proxies()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
