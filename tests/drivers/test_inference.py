"""Tests for sovai.drivers.inference: marginal effects, diagnostics, robustness variants, bootstrap, leave-one-region-out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sovai import drivers as d
from tests.drivers.support import simulate, spec


def test_ame_matches_statsmodels_logit():
    data = simulate("logit", n=400)
    mf = d.fit(spec("logit", robust="nonrobust"), data)
    ame = d.average_marginal_effects(mf).set_index("term")
    logit = sm.Logit(data["y"], sm.add_constant(data[["x1", "x2"]])).fit(disp=0)
    ref = logit.get_margeff(at="overall", method="dydx", dummy=True)
    np.testing.assert_allclose(ame.loc[["x1", "x2"], "ame"], ref.margeff, rtol=1e-4)
    np.testing.assert_allclose(ame.loc[["x1", "x2"], "se"], ref.margeff_se, rtol=1e-3)
    assert ame.loc["x2", "kind"] == "discrete 0->1"


def test_ame_ols_is_coefficient_and_ordered_has_categories():
    data = simulate("ols", n=200)
    mf = d.fit(spec("ols"), data)
    ame = d.average_marginal_effects(mf).set_index("term")
    assert ame.loc["x1", "ame"] == pytest.approx(mf.params["x1"], rel=1e-6)
    assert ame.loc["x1", "se"] == pytest.approx(mf.bse["x1"], rel=1e-5)
    mo = d.fit(spec("ordered_logit"), simulate("ordered_logit", n=400))
    amo = d.average_marginal_effects(mo)
    x1 = amo[amo["term"] == "x1"]
    assert list(x1["category"]) == ["none", "selective", "broad", "full_stack"]
    assert x1["ame"].sum() == pytest.approx(0.0, abs=1e-8)  # probabilities sum to one


def test_vif_and_influence():
    data = simulate("ols", n=100)
    data.loc["C0000", ["x1", "y"]] = [8.0, -30.0]  # an influential point
    mf = d.fit(spec("ols"), data)
    v = d.vif(mf).set_index("term")["vif"]
    assert (v >= 1.0).all() and set(v.index) == {"x1", "x2"}
    infl = d.influence(mf)
    assert infl.iloc[0]["iso3"] == "C0000" and bool(infl.iloc[0]["flag"])
    ref = mf.result.get_influence().cooks_distance[0]
    assert infl["cooks_d"].max() == pytest.approx(ref.max())


def test_robustness_specs_variants():
    base = d.ModelSpec()
    specs = d.robustness_specs(base)
    names = [s.name for s in specs]
    assert names[:3] == ["base", "base: drop USA, CHN", "base: region effects"]
    assert any("alignment all votes" in n for n in names)
    assert "base: + documentation depth" in names and "base: EU AI Act not counted" in names
    stated = next(s for s in specs if "stated drivers" in s.name)
    assert "descriptive" in stated.name  # same strategy texts as the outcome: not explanatory
    assert any(s.outcome == "stance" and s.family == "ordered_logit" for s in specs)
    drop = d.robustness_specs(base, fast=True)[1]
    assert set(drop.exclude) == {"USA", "CHN"}


def test_bootstrap_and_leave_one_region_out_are_reproducible():
    data = simulate("poisson", n=200)
    data["un_region"] = np.where(np.arange(200) % 2 == 0, "Africa", "Europe")
    sp = spec("poisson")
    a = d.bootstrap_coefficients(sp, data, n_boot=40, seed=7)
    b = d.bootstrap_coefficients(sp, data, n_boot=40, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["boot_low"] <= a["coef"]) & (a["coef"] <= a["boot_high"])).all() and a["n_ok"].eq(40).all()
    loro = d.leave_one_region_out(sp, data)
    assert set(loro["left_out"]) == {"Africa", "Europe"} and loro["nobs"].eq(100).all()
