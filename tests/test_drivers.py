"""Tests for sovai.drivers: recovery on simulated data, exported tables, sample, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from sovai import drivers as d

N = 3000
TRUE = {"const": 0.3, "x1": 0.5, "x2": -0.4}


def simulate(family: str, n: int = N, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n).astype(float)
    eta = TRUE["const"] + TRUE["x1"] * x1 + TRUE["x2"] * x2
    if family == "ols":
        y = eta + rng.normal(scale=1.0 + 0.5 * np.abs(x1), size=n)  # heteroskedastic
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    elif family == "negbin":
        alpha = 0.5
        y = rng.poisson(np.exp(eta) * rng.gamma(1 / alpha, alpha, size=n)).astype(float)
    elif family == "logit":
        y = rng.binomial(1, 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "ordered_logit":
        latent = TRUE["x1"] * x1 + TRUE["x2"] * x2 + rng.logistic(size=n)
        codes = np.digitize(latent, [-1.0, 0.5, 2.0])
        y = pd.Categorical.from_codes(codes, categories=["none", "selective", "broad", "full_stack"], ordered=True)
    else:
        raise AssertionError(family)
    idx = pd.Index([f"C{i:04d}" for i in range(n)], name="iso3")
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2}, index=idx)


def spec(family: str, **kw) -> d.ModelSpec:
    return d.ModelSpec(name=family, outcome="y", family=family, covariates=("x1", "x2"), **kw)


# ------------------------------------------------------------------------------ recovery
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


# ------------------------------------------------------------------------- tidy table
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


# ------------------------------------------------------------------------------- sample
def small_frame() -> pd.DataFrame:
    idx = pd.Index(["FRA", "DEU", "ITA", "ESP", "POL", "NLD", "BEL", "SWE", "AUT", "PRT", "TWN"], name="iso3")
    return pd.DataFrame(
        {
            "y": [3, 2, 2, 1, 1, 2, 0, 1, 0, 1, 4],
            "x1": [1.0, 0.8, 0.1, -0.2, -0.5, 0.6, -1.0, 0.2, -0.7, 0.0, np.nan],
            "x2": [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        },
        index=idx,
    )


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


# --------------------------------------------------------------------------- bad input
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


# ---------------------------------------------------------------------------- inference
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


# ------------------------------------------------------------------ binomial, missing trials
def _binomial_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 60
    x = rng.normal(size=n)
    trials = rng.integers(1, 9, size=n).astype(float)
    trials[:5] = np.nan  # nothing coded: these countries have no outcome at all
    p = 1 / (1 + np.exp(-(0.2 + 0.7 * x)))
    y = rng.binomial(np.nan_to_num(trials).astype(int), p).astype(float)
    y[:5] = np.nan
    idx = pd.Index([f"C{i:02d}" for i in range(n)], name="iso3")
    return pd.DataFrame({"adopted": y, "coded": trials, "x": x}, index=idx)


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


def test_instrument_outcomes_keep_uncoded_missing_and_drop_eu_ai_act():
    from sovai.categorical import instrument_variables

    inst = instrument_variables()
    cat = pd.DataFrame(pd.NA, index=pd.Index(["DEU", "USA", "TUV"], name="iso3"), columns=inst, dtype="boolean")
    cat.loc["DEU", ["ai_law", "public_compute"]] = True
    cat.loc["DEU", "national_llm"] = False
    cat.loc["USA", ["ai_law"]] = False
    cat.loc["USA", ["public_compute", "chip_programme"]] = True
    cat["national_ai_strategy"] = pd.array([True, True, pd.NA], dtype="boolean")
    out = d.instrument_outcomes(cat)
    assert out.loc["DEU", ["instruments_adopted", "instruments_coded"]].tolist() == [2.0, 3.0]
    assert out.loc["DEU", ["instruments_adopted_ex_eu", "instruments_coded_ex_eu"]].tolist() == [1.0, 2.0]
    assert out.loc["USA", ["instruments_adopted", "instruments_coded"]].tolist() == [2.0, 3.0]
    assert out.loc["USA", "instruments_coded_ex_eu"] == 3.0  # not an EU member: its ai_law counts
    assert out.loc["TUV", ["instruments_adopted", "instruments_coded"]].isna().all()  # nothing coded: missing, not 0
    assert out.loc["DEU", "documentation_depth"] == 1.0 and out.loc["TUV", "documentation_depth"] == 0.0


def test_missing_category_adds_dummy_only_for_two_or_more():
    data = simulate("ols", n=80)
    data.loc[data.index[:3], "x1"] = np.nan
    mf = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2"), missing_category=("x1",)), data)
    assert mf.nobs == 80 and "x1: missing" in mf.X.columns and mf.X["x1: missing"].sum() == 3
    data.loc[data.index[1:3], "x1"] = data["x1"].iloc[5]
    one = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("x1", "x2"), missing_category=("x1",)), data)
    assert one.nobs == 79 and "x1: missing" not in one.X.columns  # one country: dropped, not fitted exactly


# ------------------------------------------------------------------------- multiplicity
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


def test_proxy_declarations_are_checked(tmp_path):
    good = d.read_proxies()
    assert set(good) == set(d.PROXIES) and good["unga_alignment"].driver == "security"
    bad = tmp_path / "proxies.csv"
    from sovai import paths

    rows = (paths.STACK_DIR / "proxies.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(",wdi,", ",made_up,", 1)
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 4: builder 'made_up'"):
        d.read_proxies(bad)


def test_every_declared_builder_exists_and_every_builder_is_declared():
    declared = d.read_proxies()
    assert {p.builder for p in declared.values()} == set(d.PROXY_BUILDERS)
    assert {p.transform for p in declared.values()} <= set(d.PROXY_TRANSFORMS)
    d.check_builders(declared)
    assert d.PROXIES is d.declared_proxies()  # the public name, read once
    without_cldr = {k: p for k, p in declared.items() if p.builder != "cldr"}
    with pytest.raises(d.DriverModelError, match=r"no proxy uses \['cldr'\]"):
        d.check_builders(without_cldr)
    made_up = {**declared, "x": d.Proxy("x", "economic", "x", "src", "X", "none", builder="made_up")}
    with pytest.raises(d.DriverModelError, match=r"unknown builder\(s\) \['made_up'\]"):
        d.check_builders(made_up)


def test_builder_lookup_builds_each_proxy_from_its_declared_function(monkeypatch):
    from sovai.countries import target_countries

    calls = []

    def fake(proxy, year, window, targets):
        calls.append((proxy.name, year, window))
        return pd.DataFrame({"value": [4.0, -1.0], "year": [2022.0, 2021.0]}, index=targets[:2])

    d._proxy_values.cache_clear()
    monkeypatch.setitem(d.PROXY_BUILDERS, "owid_internet", fake)
    try:
        values = d._proxy_values("internet_users", 2023, 5)
    finally:
        d._proxy_values.cache_clear()
    assert calls == [("internet_users", 2023, 5)]
    targets = target_countries()
    assert list(values.index) == list(targets) and values.index.name == "iso3"
    assert values["value"].iloc[:2].tolist() == [4.0, -1.0] and values["value"].iloc[2:].isna().all()
    assert values["year"].iloc[0] == 2022 and (values["filled_by"] == "").all()


def test_transforms():
    s = pd.Series([np.e, 0.0, np.nan])
    assert d.PROXY_TRANSFORMS["log"](s).iloc[0] == pytest.approx(1.0)
    assert d.PROXY_TRANSFORMS["log"](s).iloc[1:].isna().all()  # log of 0: missing, not -inf
    assert d.PROXY_TRANSFORMS["one_minus"](s).iloc[1] == 1.0
    assert d.PROXY_TRANSFORMS["census_zero"](s).tolist() == [np.e, 0.0, 0.0]


def test_figures():
    data = simulate("poisson", n=200)
    fits = [d.fit(spec("poisson"), data), d.fit(spec("ols"), data)]
    fig = d.coefficient_plot(fits)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 and len(visible[0].collections) >= 2  # CI lines + points
    fig2 = d.predicted_vs_observed(fits[0])
    assert len(fig2.axes[0].lines) == 1 and len(fig2.axes[0].texts) == 8
    fig3 = d.marginal_effect_plot(fits[0], "x1", n_sims=50, seed=1)
    assert len(fig3.axes[0].collections) >= 1  # the band
    c1 = d.marginal_effect_curve(fits[0], "x1", n_sims=50, seed=1)
    c2 = d.marginal_effect_curve(fits[0], "x1", n_sims=50, seed=1)
    pd.testing.assert_frame_equal(c1, c2)
    assert (c1["low"] <= c1["predicted"]).all() and (c1["predicted"] <= c1["high"]).all()
    with pytest.raises(d.DriverModelError, match="parameter 'covariate'"):
        d.marginal_effect_curve(fits[0], "x9")
    import matplotlib.pyplot as plt

    plt.close("all")


# ------------------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def real():
    return d.model_data()


def test_driver_proxies_documented(real):
    tab = d.driver_proxies()
    assert set(tab["proxy"]) == set(d.PROXIES)
    assert tab["source"].str.len().gt(0).all() and tab["cannot_show"].str.len().gt(0).all()
    assert tab.set_index("proxy").loc["chip_share", "note"] == "NON-COMMERCIAL licence"
    assert set(d.DEFAULT_COVARIATES) <= set(real.columns)
    assert real.loc["USA", "nato"] == 1.0
    # trade openness falls back to merchandise trade where the national accounts lack it
    assert tab.set_index("proxy").loc["trade_openness", "n_fallback"] > 0


def test_alignment_sign_is_the_one_the_header_states(real):
    from sovai.sources import unga

    assert "positive = closer to the US" in d.PROXIES["unga_alignment"].label
    assert real.loc["USA", "unga_alignment"] > 0 > real.loc["CHN", "unga_alignment"]
    assert real.loc["GBR", "unga_alignment"] > 0 > real.loc["RUS", "unga_alignment"]
    year = int(d._proxy_values("unga_alignment", d.DEFAULT_YEAR, d.DEFAULT_WINDOW).loc["USA", "year"])
    assert real.loc["FRA", "unga_alignment"] == pytest.approx(unga.alignment(year).loc["FRA"])
    assert unga.ALIGNMENT_SIGN.startswith("positive = closer to the US")
    assert not hasattr(d, "ALIGNMENT_SIGN")  # one home for the sign: sovai.sources.unga


def test_series_proxies_take_the_rankings_window_rule():
    """Drivers read WDI series with ``panel.select_values`` (latest value in (year - window, year])."""
    from sovai.panel import select_values
    from sovai.sources import wdi

    rows = wdi.load(["MS.MIL.XPND.GD.ZS"])
    values, years, _, _ = select_values(rows, year=2023, window=(2019, 2023), timing="annual")
    got = d._proxy_values("military_expenditure", 2023, 5)
    shared = values.index.intersection(got.index)
    assert len(shared) > 100
    np.testing.assert_array_equal(got.loc[shared, "value"].to_numpy(), values.loc[shared].astype(float).to_numpy())
    assert (got.loc[shared, "year"].astype(float).to_numpy() == years.loc[shared].astype(float).to_numpy()).all()


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


def test_attribution_flags_non_commercial():
    data = simulate("ols", n=50).rename(columns={"x1": "chip_share", "x2": "nato"})
    mf = d.fit(d.ModelSpec(outcome="y", family="ols", covariates=("chip_share", "nato")), data)
    text = d.attribution([mf])
    assert "ETO Chip Explorer" in text and "non-commercial" in text
    fig = d.predicted_vs_observed(mf)
    assert any("non-commercial" in t.get_text() for t in fig.texts)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_main_language_script_from_cldr_entries():
    from sovai.sources.languages import main_language_script

    official = {"official_status": "official"}
    assert (
        main_language_script(
            {"hi": {**official, "population_percent": 41.0}, "en": {**official, "population_percent": 19.0}}
        )
        == "Deva"
    )
    assert main_language_script({"sr_Latn": {**official, "population_percent": 90.0}}) == "Latn"
    assert main_language_script({"fr": {"official_status": None, "population_percent": 90.0}}) is None
