"""Tests for sovai.drivers.models: recovery on simulated data, HC sandwich, sample, bad input, binomial, multiplicity."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from sovai import drivers as d
from tests.drivers.support import TRUE, N, _binomial_frame, simulate, small_frame, spec


@pytest.mark.parametrize("family", ["ols", "poisson", "negbin", "logit", "ordered_logit"])
def test_recovers_known_coefficients(family):
    data = simulate(family)
    mf = d.fit(spec(family), data)
    params = mf.params
    for term in ("x1", "x2"):
        assert params[term] == pytest.approx(TRUE[term], abs=4 * mf.bse[term]), (term, params[term])
        assert params[term] == pytest.approx(TRUE[term], abs=0.15)
    if family != "ordered_logit":
        assert params["const"] == pytest.approx(TRUE["const"], abs=0.15)
    else:  # first threshold at -1
        assert params["cut: none|selective"] == pytest.approx(-1.0, abs=0.15)
    if family == "negbin":
        assert mf.extra["alpha"] == pytest.approx(0.5, abs=0.1)
    assert mf.nobs == N and mf.cov_type in ("HC3", "HC0")


def test_glm_hc_sandwich_reproduces_ols():
    data = simulate("ols", n=200)
    X = sm.add_constant(data[["x1", "x2"]])
    glm = sm.GLM(data["y"], X, family=sm.families.Gaussian()).fit()
    for kind in ("HC0", "HC1", "HC2", "HC3"):
        ols = sm.OLS(data["y"], X).fit(cov_type=kind)
        np.testing.assert_allclose(np.sqrt(np.diag(d.glm_sandwich(glm, kind))), ols.bse.to_numpy(), rtol=1e-8)


def test_glm_hc3_differs_from_hc0_and_is_installed():
    data = simulate("poisson", n=150)
    hc3 = d.fit(spec("poisson"), data)
    hc0 = d.fit(spec("poisson", robust="HC0"), data)
    assert (hc3.bse > hc0.bse).all()
    np.testing.assert_allclose(hc3.bse.to_numpy(), np.sqrt(np.diag(d.glm_sandwich(hc3.result, "HC3"))), rtol=1e-12)
    assert hc3.table()["cov_type"].eq("HC3").all()


def test_missing_covariate_country_dropped_and_reported():
    mf = d.fit(d.ModelSpec(name="m", outcome="y", family="ols", covariates=("x1", "x2")), small_frame())
    assert "TWN" not in mf.X.index and len(mf.X) == 10 and mf.nobs == 10
    assert mf.dropped.to_dict("records") == [{"iso3": "TWN", "name": "Taiwan", "missing": "x1"}]
    rep = d.dropped_countries([mf])
    assert rep.iloc[0][["model", "iso3", "name"]].tolist() == ["m", "TWN", "Taiwan"]
    assert "1 countries dropped" in "; ".join(mf.notes)


def test_standardize_scales_continuous_covariates_only():
    data = simulate("ols", n=300)
    raw = d.fit(spec("ols"), data)
    std = d.fit(spec("ols", standardize=True), data)
    assert std.params["x1"] == pytest.approx(raw.params["x1"] * data["x1"].std(), rel=1e-10)
    assert std.params["x2"] == pytest.approx(raw.params["x2"], rel=1e-10)  # dummy unchanged


def test_exclude_removes_countries():
    mf = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2"), exclude=["fra", "DEU"]), small_frame())
    assert {"FRA", "DEU"}.isdisjoint(mf.X.index) and mf.nobs == 8


def test_perfect_separation_clear_message():
    data = small_frame().dropna()
    data["y"] = (data["x1"] > 0.05).astype(float)
    with pytest.raises(d.DriverModelError, match=r"separation.*'x1'"):
        d.fit(d.ModelSpec(outcome="y", family="logit", covariates=("x1", "x2")), data)
    fits, status = d.fit_many([d.ModelSpec(name="sep", outcome="y", family="logit", covariates=("x1", "x2"))], data)
    assert fits == [] and status.loc[0, "status"] == "failed" and "separation" in status.loc[0, "message"]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"covariates": ("x1", "gdp_growth")}, r"parameter 'covariates'.*unknown covariate.*gdp_growth"),
        ({"outcome": "happiness"}, r"parameter 'outcome'.*unknown outcome 'happiness'"),
        ({"family": "probit"}, r"parameter 'family'"),
        ({"robust": "HC9"}, r"parameter 'robust'"),
        ({"exclude": ("ZZZ",)}, r"parameter 'exclude'.*ZZZ"),
        ({"covariates": ()}, r"parameter 'covariates'"),
    ],
)
def test_bad_specification(kwargs, pattern):
    base = {"outcome": "y", "family": "ols", "covariates": ("x1", "x2")}
    base.update(kwargs)
    with pytest.raises(d.DriverModelError, match=pattern):
        d.fit(d.ModelSpec(**base), small_frame())


def test_one_class_outcome():
    data = small_frame().assign(y=1.0)
    with pytest.raises(d.DriverModelError, match=r"parameter 'outcome'.*one class only"):
        d.fit(d.ModelSpec(outcome="y", family="logit", covariates=("x1", "x2")), data)


def test_fewer_observations_than_parameters():
    data = small_frame().iloc[:3]
    with pytest.raises(d.DriverModelError, match=r"parameter 'covariates': 3 observations but 3 parameters"):
        d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2")), data)


def test_family_outcome_mismatch():
    with pytest.raises(d.DriverModelError, match=r"parameter 'family'.*'logit' needs a 0/1 outcome"):
        d.fit(d.ModelSpec(outcome="y", family="logit", covariates=("x1", "x2")), small_frame())


def test_binomial_with_missing_trials_matches_hand_likelihood():
    from scipy import stats

    data = _binomial_frame()
    mf = d.fit(d.ModelSpec(name="b", outcome="adopted", trials="coded", family="binomial", covariates=("x",)), data)
    assert mf.nobs == 55 and set(mf.dropped["iso3"]) == {f"C{i:02d}" for i in range(5)}
    assert mf.dropped["missing"].str.contains("adopted").all()
    kept = data.dropna()
    p = 1 / (1 + np.exp(-(mf.params["const"] + mf.params["x"] * kept["x"])))
    hand = stats.binom.logpmf(kept["adopted"], kept["coded"], p).sum()
    assert float(mf.result.llf) == pytest.approx(hand, rel=1e-10)
    # the MLE: the score is zero at the estimate
    resid = kept["adopted"] - kept["coded"] * p
    assert abs(resid.sum()) < 1e-6 and abs((resid * kept["x"]).sum()) < 1e-6
    assert mf.predict().max() <= 1.0  # a share of the coded instruments, never above 100%


def test_binomial_rejects_more_successes_than_trials():
    data = _binomial_frame()
    data.loc["C10", "adopted"] = data.loc["C10", "coded"] + 1
    with pytest.raises(d.DriverModelError, match="integer between 0 and 'coded'"):
        d.fit(d.ModelSpec(outcome="adopted", trials="coded", family="binomial", covariates=("x",)), data)


def test_missing_category_adds_dummy_only_for_two_or_more():
    data = simulate("ols", n=80)
    data.loc[data.index[:3], "x1"] = np.nan
    mf = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2"), missing_category=("x1",)), data)
    assert mf.nobs == 80 and "x1: missing" in mf.X.columns and mf.X["x1: missing"].sum() == 3
    data.loc[data.index[1:3], "x1"] = data["x1"].iloc[5]
    one = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2"), missing_category=("x1",)), data)
    assert one.nobs == 79 and "x1: missing" not in one.X.columns  # one country: dropped, not fitted exactly


def test_adjusted_pvalues_against_hand_computed_holm_and_bh():
    from statsmodels.stats.multitest import multipletests

    p = [0.01, 0.04, 0.03, 0.005]
    assert d.adjust_pvalues(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert d.adjust_pvalues(p, "fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    rng = np.random.default_rng(0)
    q = rng.uniform(size=12) ** 3
    for method in ("holm", "fdr_bh"):
        assert d.adjust_pvalues(q, method) == pytest.approx(multipletests(q, method=method)[1])
    assert np.isnan(d.adjust_pvalues([np.nan, 0.2], "holm")[0])
    with pytest.raises(ValueError, match="method"):
        d.adjust_pvalues(p, "bonferroni-ish")


def test_table_reports_adjusted_pvalues_over_driver_terms_only():
    mf = d.fit(spec("poisson", region_effects=False), simulate("poisson", n=300))
    tab = mf.table().set_index("term")
    assert np.isnan(tab.loc["const", "pvalue_holm"])
    assert (tab.loc[["x1", "x2"], "pvalue_holm"] >= tab.loc[["x1", "x2"], "pvalue"]).all()
    comp = d.comparison_table([mf])
    assert "BIC" in comp.index and "***" in comp.loc["x1", "poisson"]


def test_real_base_model(real):
    fits, status = d.fit_many(d.robustness_specs(d.ModelSpec(), fast=True), real)
    assert status.loc[0, "status"] == "ok", status
    # a variant that cannot be estimated says why (e.g. quasi-separation, naming the countries)
    failed = status.loc[status["status"] == "failed", "message"]
    assert failed.str.contains("separation|one class|observations but").all(), failed.tolist()
    base = fits[0]
    assert base.spec.family == "binomial" and 50 < base.nobs < 195
    assert "TWN" in set(base.dropped["iso3"])  # no UNGA / WDI data for Taiwan: named, not silently lost
    assert base.nobs + len(base.dropped) == 195
    uncoded = base.dropped[base.dropped["missing"].str.contains("instruments_coded")]
    assert len(uncoded) == int((real["instruments_coded"].isna()).sum())  # no coded instrument: dropped, not 0
    full, status = d.fit_many(d.robustness_specs(d.ModelSpec()), real)
    assert status.loc[status["status"] == "failed", "message"].str.len().gt(0).all()
    assert {"base", "base: + documentation depth"} <= set(status.loc[status["status"] == "ok", "model"])
