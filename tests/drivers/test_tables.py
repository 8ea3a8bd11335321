"""Tests for sovai.drivers.tables: the tidy table against statsmodels, the comparison table, attribution."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from sovai import drivers as d
from tests.drivers.support import simulate, spec


def test_tidy_table_equals_statsmodels():
    data = simulate("poisson", n=300)
    data_ord = simulate("ordered_logit", n=300)
    fits = [d.fit(spec("ols"), data), d.fit(spec("poisson"), data), d.fit(spec("ordered_logit"), data_ord)]
    tab = d.tidy_table(fits)
    assert {"model", "term", "coef", "se", "pvalue", "ci_low", "ci_high", "nobs"} <= set(tab.columns)
    X = sm.add_constant(data[["x1", "x2"]])
    ols = sm.OLS(data["y"], X).fit(cov_type="HC3")
    pois = sm.GLM(data["y"], X, family=sm.families.Poisson()).fit()
    ordm = OrderedModel(data_ord["y"], data_ord[["x1", "x2"]], distr="logit").fit(
        method="bfgs", disp=0, maxiter=2000, cov_type="HC0"
    )
    got = tab[tab["model"] == "ols"]
    np.testing.assert_allclose(got["coef"], ols.params.to_numpy(), atol=1e-10, rtol=0)
    np.testing.assert_allclose(got["se"], ols.bse.to_numpy(), atol=1e-10, rtol=0)
    np.testing.assert_allclose(got["pvalue"], ols.pvalues.to_numpy(), atol=1e-10, rtol=0)
    np.testing.assert_allclose(got[["ci_low", "ci_high"]], ols.conf_int().to_numpy(), atol=1e-10, rtol=0)
    got = tab[tab["model"] == "poisson"]
    np.testing.assert_allclose(got["coef"], pois.params.to_numpy(), atol=1e-10, rtol=0)
    np.testing.assert_allclose(got["se"], np.sqrt(np.diag(d.glm_sandwich(pois, "HC3"))), atol=1e-10, rtol=0)
    got = tab[tab["model"] == "ordered_logit"]
    np.testing.assert_allclose(got["coef"], np.asarray(ordm.params), atol=1e-6, rtol=0)  # optimiser tolerance
    np.testing.assert_allclose(got["se"], np.asarray(ordm.bse), atol=1e-5, rtol=0)
    np.testing.assert_allclose(got["coef"], np.asarray(fits[2].result.params), atol=1e-10, rtol=0)
    assert (got["nobs"] == 300).all()


def test_comparison_table_has_stars_and_fit_rows():
    data = simulate("poisson", n=300)
    comp = d.comparison_table([d.fit(spec("poisson"), data), d.fit(spec("ols"), data)])
    assert list(comp.columns) == ["poisson", "ols"]
    assert comp.loc["x1", "poisson"].endswith(")") and "***" in comp.loc["x1", "poisson"]
    assert comp.loc["N", "ols"] == "300" and comp.loc["SE", "ols"] == "HC3"
    assert {"R2 / pseudo-R2", "AIC"} <= set(comp.index)


def test_attribution_flags_non_commercial():
    data = simulate("ols", n=50).rename(columns={"x1": "chip_share", "x2": "nato"})
    mf = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("chip_share", "nato")), data)
    text = d.attribution([mf])
    assert "ETO Chip Explorer" in text and "non-commercial" in text
    fig = d.predicted_vs_observed(mf)
    assert any("non-commercial" in t.get_text() for t in fig.texts)
    import matplotlib.pyplot as plt

    plt.close("all")
