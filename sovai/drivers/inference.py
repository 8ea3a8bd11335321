"""Inference on fitted driver models for :mod:`sovai.drivers`.

This module holds what is computed from fitted models (:class:`~sovai.drivers.models.ModelFit`):
average marginal effects with delta-method SE (:func:`average_marginal_effects`), diagnostics
(:func:`vif`, :func:`influence`), the robustness variants of a specification
(:func:`robustness_specs`) and their fits (:func:`fit_many`), fit statistics
(:func:`fit_statistics`), the terms significant after multiplicity adjustment
(:func:`significant_after_adjustment`), leave-one-region-out refits and the country bootstrap.
It fits through :func:`sovai.drivers.models.fit` and does not specify the estimators itself,
format tables (:mod:`.tables`) or draw figures (:mod:`.plots`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sovai.drivers.common import DriverModelError
from sovai.drivers.models import ModelFit, ModelSpec, _country_names, _is_binary, fit
from sovai.drivers.proxies import STATED_DRIVERS, declared_proxies, model_data


# --------------------------------------------------------------------------- marginal effects
def average_marginal_effects(mf: ModelFit) -> pd.DataFrame:
    """Average marginal effects with delta-method SE (the model's covariance).

    Continuous covariates: average derivative of the expected outcome (central differences);
    0/1 covariates: average discrete change from 0 to 1. For an ordered logit, one row per outcome
    category (effect on its probability). Region dummies and the constant are skipped.
    """
    from scipy import stats  # imported where used: 0.7-1.0 s, and the profiles import this package

    fam = mf.spec.family
    params = np.asarray(mf.result.params, dtype=float)
    V = np.asarray(mf.result.cov_params(), dtype=float)
    X = mf.X
    Xa = X.to_numpy(dtype=float)
    rows = []
    for term in [t for t in mf.spec.covariates if t in X.columns]:
        col = X[term]
        binary = _is_binary(col)
        h = 1e-4 * max(1.0, float(col.std()))
        # the two counterfactual designs, built once (the Jacobian below re-evaluates them for
        # every parameter)
        lo, hi = Xa.copy(), Xa.copy()
        j_term = X.columns.get_loc(term)
        if binary:
            lo[:, j_term], hi[:, j_term] = 0.0, 1.0
        else:
            lo[:, j_term] -= h
            hi[:, j_term] += h

        def ame(p, lo=lo, hi=hi, binary=binary, h=h):
            if binary:
                return (mf.predict(hi, p) - mf.predict(lo, p)).mean(axis=0)
            return ((mf.predict(hi, p) - mf.predict(lo, p)) / (2 * h)).mean(axis=0)

        est = np.atleast_1d(ame(params))
        J = np.empty((len(est), len(params)))
        for j in range(len(params)):
            step = 1e-6 * max(1.0, abs(params[j]))
            up, dn = params.copy(), params.copy()
            up[j] += step
            dn[j] -= step
            J[:, j] = (np.atleast_1d(ame(up)) - np.atleast_1d(ame(dn))) / (2 * step)
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", J, V, J), 0.0))
        cats = mf.extra.get("categories", [None]) if fam == "ordered_logit" else [None]
        for i, e in enumerate(est):
            z = e / se[i] if se[i] > 0 else np.nan
            rows.append(
                {
                    "model": mf.spec.name,
                    "term": term,
                    "category": cats[i] if fam == "ordered_logit" else "",
                    "ame": float(e),
                    "se": float(se[i]),
                    "pvalue": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan,
                    "ci_low": float(e - 1.959963984540054 * se[i]),
                    "ci_high": float(e + 1.959963984540054 * se[i]),
                    "kind": "discrete 0->1" if binary else "dydx",
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- diagnostics
def vif(mf: ModelFit) -> pd.DataFrame:
    """Variance inflation factors of the covariates (design matrix with a constant)."""
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    X = mf.X if "const" in mf.X.columns else mf.X.assign(const=1.0)
    arr = X.to_numpy(dtype=float)
    rows = [
        {"model": mf.spec.name, "term": c, "vif": float(variance_inflation_factor(arr, i))}
        for i, c in enumerate(X.columns)
        if c != "const"
    ]
    return pd.DataFrame(rows)


def influence(mf: ModelFit, top: int | None = None) -> pd.DataFrame:
    """Leverage and Cook's distance per country, most influential first (``iso3, name, leverage,
    cooks_d, flag``; flag = Cook's D > 4/N). Not available for the ordered logit (empty frame and
    a note).
    """
    if mf.spec.family == "ordered_logit":
        mf.notes.append("influence diagnostics not available for the ordered logit")
        return pd.DataFrame(columns=["model", "iso3", "name", "leverage", "cooks_d", "flag"])
    infl = mf.result.get_influence()
    cooks = infl.cooks_distance[0] if isinstance(infl.cooks_distance, tuple) else infl.cooks_distance
    out = pd.DataFrame(
        {
            "model": mf.spec.name,
            "iso3": mf.X.index,
            "name": _country_names(mf.X.index),
            "leverage": np.asarray(infl.hat_matrix_diag, dtype=float),
            "cooks_d": np.asarray(cooks, dtype=float),
        }
    )
    out["flag"] = out["cooks_d"] > 4.0 / mf.nobs
    out = out.sort_values(["cooks_d", "iso3"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return out.head(top) if top else out


# -------------------------------------------------------------------------------- robustness
def robustness_specs(base: ModelSpec, *, fast: bool = False) -> list[ModelSpec]:
    """The robustness variants of ``base``.

    ``base``; drop USA and China; UN-region effects; the alternative alignment measure (all votes
    vs first-period); a documentation-depth control (coded non-instrument cells: how much was
    found about a country at all); EU members' ``ai_law`` left out of the outcome (the EU AI Act
    is not a national choice); the motivations stated in the strategies added as covariates
    (labelled *descriptive*: same strategy texts as the outcome); and the alternative outcomes
    (ordered stance, national-LLM logit on the coded countries). ``fast`` keeps the first two.
    """
    specs = [base]
    if not {"USA", "CHN"} <= set(base.exclude):
        drop = tuple(sorted({*base.exclude, "USA", "CHN"}))
        specs.append(base.replace(name=f"{base.name}: drop USA, CHN", exclude=drop))
    if fast:
        return specs
    specs.append(base.replace(name=f"{base.name}: region effects", region_effects=True))
    swap = {"unga_alignment": "unga_alignment_all", "unga_alignment_all": "unga_alignment"}
    if any(c in swap for c in base.covariates):
        alt = tuple(swap.get(c, c) for c in base.covariates)
        specs.append(
            base.replace(
                name=f"{base.name}: alignment {'all votes' if 'unga_alignment_all' in alt else 'first-period'}",
                covariates=alt,
            )
        )
    if "documentation_depth" not in base.covariates:
        specs.append(
            base.replace(
                name=f"{base.name}: + documentation depth", covariates=(*base.covariates, "documentation_depth")
            )
        )
    if base.outcome == "instruments_adopted" and base.family == "binomial":
        specs.append(
            base.replace(
                name=f"{base.name}: EU AI Act not counted",
                outcome="instruments_adopted_ex_eu",
                trials="instruments_coded_ex_eu",
            )
        )
    stated = tuple(c for c in STATED_DRIVERS if c not in base.covariates)
    if stated and base.outcome not in STATED_DRIVERS:
        specs.append(
            base.replace(
                name=f"{base.name}: + stated drivers (descriptive, same source as outcome)",
                covariates=base.covariates + stated,
                missing_category=(*base.missing_category, *stated),
            )
        )
    if base.outcome in ("instruments_adopted", "instrument_count"):
        specs.append(base.replace(name="stance (ordered logit)", outcome="stance", family="ordered_logit"))
        llm_covariates = tuple(c for c in base.covariates if c != "chip_share")
        specs.append(
            base.replace(
                name="national_llm (logit, coded countries, no chip_share)",
                outcome="national_llm",
                family="logit",
                covariates=llm_covariates,
            )
        )
    return specs


def fit_statistics(fits: Sequence[ModelFit]) -> pd.DataFrame:
    """Model comparison: ``model, outcome, family, nobs, n_params, loglik, aic, bic, r2, r2_kind,
    n_dropped`` — one row per fitted specification."""
    rows = []
    for mf in fits:
        llf = float(getattr(mf.result, "llf", np.nan))
        rows.append(
            {
                "model": mf.spec.name,
                "outcome": mf.spec.outcome,
                "family": mf.spec.family,
                "nobs": mf.nobs,
                "n_params": len(mf.param_names),
                "loglik": llf,
                "aic": mf.aic,
                "bic": mf.bic,
                "r2": mf.r2,
                "r2_kind": mf.r2_kind,
                "n_dropped": len(mf.dropped),
            }
        )
    return pd.DataFrame(rows)


def significant_after_adjustment(
    fits: Sequence[ModelFit], *, alpha: float = 0.05, method: str = "holm"
) -> pd.DataFrame:
    """Driver terms with an adjusted p-value below ``alpha`` per model (``model, term, driver,
    coef, pvalue, pvalue_adj``)."""
    col = "pvalue_holm" if method == "holm" else "pvalue_bh"
    declared = declared_proxies()
    parts = []
    for mf in fits:
        tab = mf.table()
        hit = tab[tab[col] < alpha]
        for _, r in hit.iterrows():
            parts.append(
                {
                    "model": r["model"],
                    "term": r["term"],
                    "driver": declared[r["term"]].driver if r["term"] in declared else "",
                    "coef": r["coef"],
                    "pvalue": r["pvalue"],
                    "pvalue_adj": r[col],
                }
            )
    return pd.DataFrame(parts, columns=["model", "term", "driver", "coef", "pvalue", "pvalue_adj"])


def leave_one_region_out(spec: ModelSpec, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Refit ``spec`` leaving out each UN region in turn: ``left_out, term, coef, se, pvalue, nobs``
    for the driver terms (a region whose removal makes the model inestimable is reported with
    NaN and the reason in ``message``)."""
    if data is None:
        data = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
    rows = []
    for region in sorted(data["un_region"].dropna().unique()):
        keep = data["un_region"] != region
        try:
            mf = fit(spec.replace(name=f"{spec.name}: without {region}"), data[keep])
        except DriverModelError as exc:
            rows.append(
                {
                    "left_out": region,
                    "term": "",
                    "coef": np.nan,
                    "se": np.nan,
                    "pvalue": np.nan,
                    "nobs": 0,
                    "message": str(exc),
                }
            )
            continue
        tab = mf.table().set_index("term")
        for term in mf.tested_terms:
            r = tab.loc[term]
            rows.append(
                {
                    "left_out": region,
                    "term": term,
                    "coef": r["coef"],
                    "se": r["se"],
                    "pvalue": r["pvalue"],
                    "nobs": mf.nobs,
                    "message": "",
                }
            )
    return pd.DataFrame(rows)


def bootstrap_coefficients(
    spec: ModelSpec, data: pd.DataFrame | None = None, *, n_boot: int = 500, seed: int = 42, level: float = 0.95
) -> pd.DataFrame:
    """Country (pairs) bootstrap of the driver coefficients: resample countries with replacement,
    refit, and report ``term, coef, boot_low, boot_high, boot_se, n_ok, n_failed`` (percentile
    interval at ``level``). Resamples that cannot be estimated (separation, one class) are counted
    in ``n_failed``, not hidden."""
    if data is None:
        data = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
    base = fit(spec, data)
    sample = data.loc[base.X.index]
    rng = np.random.default_rng(seed)
    draws: list[pd.Series] = []
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(int(n_boot)):
            idx = rng.integers(0, len(sample), len(sample))
            boot = sample.iloc[idx].copy()
            boot.index = [f"{c}#{i}" for i, c in enumerate(boot.index)]
            try:
                mf = fit(spec.replace(exclude=()), boot)
            except (DriverModelError, np.linalg.LinAlgError, ValueError):
                failed += 1
                continue
            draws.append(mf.params.reindex(base.tested_terms))
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    frame = pd.DataFrame(draws)
    rows = []
    for term in base.tested_terms:
        col = frame[term].dropna() if term in frame else pd.Series(dtype=float)
        rows.append(
            {
                "model": spec.name,
                "term": term,
                "coef": float(base.params[term]),
                "boot_low": float(col.quantile(lo)) if len(col) else np.nan,
                "boot_high": float(col.quantile(hi)) if len(col) else np.nan,
                "boot_se": float(col.std(ddof=1)) if len(col) > 1 else np.nan,
                "n_ok": len(col),
                "n_failed": failed,
            }
        )
    return pd.DataFrame(rows)


def fit_many(specs: Sequence[ModelSpec], data: pd.DataFrame | None = None) -> tuple[list[ModelFit], pd.DataFrame]:
    """Fit several specifications; a specification that cannot be estimated is reported, not fatal.

    Returns the fits and a frame ``model, status, message`` (status ``ok`` or ``failed``).
    """
    fits, status = [], []
    cache_data: dict = {}
    for spec in specs:
        d = data
        if d is None:
            key = (spec.year, spec.window, spec.na_policy)
            if key not in cache_data:
                cache_data[key] = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
            d = cache_data[key]
        try:
            mf = fit(spec, d)
        except DriverModelError as exc:
            status.append({"model": spec.name, "status": "failed", "message": str(exc)})
            continue
        fits.append(mf)
        status.append({"model": spec.name, "status": "ok", "message": "; ".join(mf.notes)})
    return fits, pd.DataFrame(status, columns=["model", "status", "message"])
