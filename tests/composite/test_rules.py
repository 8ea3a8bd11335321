"""Missing-data rules, binary/ordinal treatment, normalisation scales, uncertainty outputs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from sovai import composite as C
from sovai.composite.uncertainty import _leave_out_sets, _sobol_indices

NOMC = dict(n_draws=0, n_sensitivity=0, min_country_coverage=0.0, min_indicator_coverage=0.0, outliers="none")


def panel(n: int = 12, seed: int = 0):
    """Two layers of four continuous indicators; A has three binaries in layer G."""
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0, 0.5, size=(n, 8))
    data = pd.DataFrame(
        X, index=[f"C{i:02d}" for i in range(n)], columns=[f"a{j}" for j in range(4)] + [f"b{j}" for j in range(4)]
    )
    meta = pd.DataFrame({"id": list(data.columns), "layer": ["A"] * 4 + ["B"] * 4, "direction": 1})
    return data, meta


def test_a_layer_needs_half_its_indicators_and_two_observed():
    data, meta = panel()
    data.loc["C00", ["a0", "a1", "a2"]] = np.nan  # 1 of 4 observed: layer A missing
    data.loc["C01", ["a0", "a1"]] = np.nan  # 2 of 4: scored
    r = C.run(data, meta, min_layers_share=0.0, **NOMC)
    assert math.isnan(r.layer_scores.at["C00", "A"]) and not math.isnan(r.layer_scores.at["C01", "A"])
    assert r.n_observed.loc["C00"].tolist() == [1, 4] and r.overall.at["C01", "n_observed_A"] == 2
    lay = C.layers_table(r).set_index(["iso3", "layer"])
    assert lay.at[("C00", "A"), "n_observed"] == 1 and math.isnan(lay.at[("C00", "A"), "score"])
    # the overall score needs 70 % of the layers (2 of 2): C00 is not ranked, and says why
    r2 = C.run(data, meta, **NOMC)
    assert "C00" not in r2.overall.index and "C00" in set(r2.excluded["iso3"])
    assert "1 of 2 layers scored" in r2.excluded.set_index("iso3").at["C00", "reason"]
    # switched off: the mean of whatever is there (the earlier behaviour)
    r3 = C.run(data, meta, min_layer_indicators=1, min_layer_coverage=0.0, **NOMC)
    assert math.isclose(r3.layer_scores.at["C00", "A"], r3.normalised.at["C00", "a3"])


def test_imputed_values_do_not_count_as_observed_and_are_listed_per_cell():
    data, meta = panel()
    data.loc["C00", ["a0", "a1", "a2"]] = np.nan
    groups = pd.Series("g", index=data.index)
    r = C.run(data, meta, imputation="group_median", groups=groups, min_layers_share=0.0, **NOMC)
    assert math.isnan(r.layer_scores.at["C00", "A"])  # imputation cannot create a layer score
    imp = r.imputed
    assert list(imp.columns) == ["iso3", "indicator", "method", "value"]
    assert set(imp["indicator"]) == {"a0", "a1", "a2"} and (imp["iso3"] == "C00").all()
    assert math.isclose(imp.set_index("indicator").at["a0", "value"], data["a0"].drop("C00").median())


def binaries_panel():
    data, meta = panel(n=10)
    data["g0"] = [1, 1, 0, 1, 0, 1, 0, np.nan, np.nan, np.nan]
    data["g1"] = [1, 0, 0, 1, np.nan, 1, np.nan, np.nan, np.nan, 1]
    data["g2"] = [1, 0, 1, 0, 0, np.nan, np.nan, np.nan, 1, np.nan]
    data["g3"] = np.linspace(1.0, 3.0, 10)
    extra = pd.DataFrame(
        {"id": ["g0", "g1", "g2", "g3"], "layer": "G", "direction": 1, "kind": ["binary"] * 3 + ["continuous"]}
    )
    meta = pd.concat([meta.assign(kind="continuous"), extra], ignore_index=True)
    return data, meta


def test_binary_count_treatment_merges_the_binaries_of_a_layer():
    data, meta = binaries_panel()
    r = C.run(data, meta, min_layers_share=0.0, **NOMC)
    assert "G__binaries" in r.normalised.columns and "g0" not in r.normalised.columns
    w = r.weights.set_index("indicator")
    assert w.at["G__binaries", "members"] == "g0+g1+g2" and w.at["G__binaries", "kind"] == "count"
    assert math.isclose(w.at["G__binaries", "indicator_weight"], 0.5)  # one unit beside g3
    # share of coded ones that are true: C00 3/3, C02 1/3 -> min-max over countries
    shares = pd.Series([1, 1 / 3, 1 / 3, 2 / 3, 0, 1, 0, np.nan, 1, 1], index=data.index)
    lo, hi = shares.min(), shares.max()
    np.testing.assert_allclose(r.normalised["G__binaries"].reindex(data.index), 100 * (shares - lo) / (hi - lo))
    # a country with one coded binary and nothing else on the layer has no layer score
    data.loc["C07", "g3"] = np.nan
    data.loc["C07", "g0"] = 1.0
    r2 = C.run(data, meta, min_layers_share=0.0, **NOMC)
    assert r2.n_observed.at["C07", "G"] == 1 and math.isnan(r2.layer_scores.at["C07", "G"])
    # three coded binaries count as three observed indicators
    assert r2.n_observed.at["C00", "G"] == 4 and not math.isnan(r2.layer_scores.at["C00", "G"])


def test_binary_scale_treatment_gives_binaries_the_continuous_spread():
    data, meta = binaries_panel()
    r = C.run(data, meta, binary_treatment="scale", min_layers_share=0.0, **NOMC)
    Z = r.normalised
    cont = [c for c in Z.columns if not c.startswith("g") or c == "g3"]
    sd_c = Z[cont].std(ddof=1).mean()
    assert math.isclose(Z["g0"].std(ddof=1), sd_c, rel_tol=1e-9)
    assert Z["g0"].std(ddof=1) < 100 * 0.5  # min-max would give a 0/100 binary an sd near 50
    with pytest.raises(ValueError, match="binary_treatment.*bogus"):
        C.run(data, meta, binary_treatment="bogus", **NOMC)


def test_rank_normalisation_is_coverage_independent():
    x = np.array([3.0, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(C.normalise(x, "rank"), [75, 25, 50, 100])
    sparse = np.r_[x, np.full(4, np.nan)]
    np.testing.assert_allclose(C.normalise(sparse, "rank")[:4], [75, 25, 50, 100])  # same scale at half coverage
    y = np.arange(1.0, 9.0)
    assert C.normalise(y, "rank").max() == C.normalise(x, "rank").max() == 100.0


def test_goalposts_normalisation_clips_and_needs_goalposts():
    x = np.array([0.0, 5.0, 10.0, 20.0])
    np.testing.assert_allclose(C.normalise(x, "goalposts", goalposts=(2.0, 12.0)), [0, 30, 80, 100])
    with pytest.raises(ValueError, match="goalposts"):
        C.normalise(x, "goalposts")
    data = pd.DataFrame({"a": x, "b": x[::-1] + 1}, index=list("wxyz"))
    meta = pd.DataFrame(
        {
            "id": ["a", "b"],
            "layer": "L",
            "direction": [1, -1],
            "goalpost_worst": [2.0, 20.0],
            "goalpost_best": [12.0, 0.0],
        }
    )
    r = C.run(data, meta, normalisation="goalposts", min_layer_indicators=1, **NOMC)
    np.testing.assert_allclose(
        r.normalised["b"].reindex(list("wxyz")), np.clip(100 * (20 - (x[::-1] + 1)) / 20, 0, 100)
    )


def test_no_draws_publishes_no_interval_and_draws_cover_both_views():
    data, meta = panel(n=15)
    r = C.run(data, meta, **NOMC)
    assert r.overall[["rank_median", "rank_p05", "rank_p95"]].isna().all().all()
    assert any("not available" in line for line in r.log)
    r = C.run(data, meta, n_draws=200, n_sensitivity=0, min_country_coverage=0.0, mc_leave_out=1)
    o = r.overall
    assert o["rank_p05"].notna().all() and ((o["rank_p05"] <= o["rank"]) | (o["rank_p95"] >= o["rank"])).all()
    assert any("outliers ['coinr', 'none']" in line and "leave out 1" in line for line in r.log)


def test_leave_out_sets_pick_distinct_indicators():
    U = np.random.default_rng(3).random((500, 3))
    S = _leave_out_sets(U, 7, 3)
    assert (S.sum(axis=1) == 3).all()
    assert set(np.flatnonzero(S.any(axis=0))) == set(range(7))  # every indicator gets left out sometimes


def test_sobol_estimators_recover_an_additive_model():
    # Y = 2 x1 + x2 with x uniform: S1 = ST = 4/5 and 1/5
    from scipy.stats import qmc

    N = 4096
    P = qmc.Sobol(4, scramble=True, seed=1).random_base2(12)
    A, B = P[:, :2], P[:, 2:]

    def f(X):
        return 2 * X[:, 0] + X[:, 1]

    ABs = [np.column_stack([B[:, 0], A[:, 1]]), np.column_stack([A[:, 0], B[:, 1]])]
    Y = np.stack([f(A), f(B), *[f(x) for x in ABs]])[:, :, None]
    point, boots = _sobol_indices(Y, 2, np.random.default_rng(0), 100)
    np.testing.assert_allclose(point[0, :, 0], [0.8, 0.2], atol=0.03)
    np.testing.assert_allclose(point[1, :, 0], [0.8, 0.2], atol=0.03)
    assert boots.shape == (100, 2, 2, 1)
    lo, hi = np.percentile(boots[:, 0, 0, 0], [5, 95])
    assert lo < 0.8 < hi and hi - lo < 0.25
    assert N == Y.shape[1]


def test_sensitivity_reports_the_top_and_every_country():
    data, meta = panel(n=20, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CompositeWarning)
        r = C.run(data, meta, n_draws=0, n_sensitivity=64, n_bootstrap=20, sensitivity_top=5, min_country_coverage=0.0)
    assert r.sensitivity["output"].eq("mean |rank shift|, top 5").all()
    assert set(r.sensitivity["factor"]) <= set(C.FACTORS) and "indicator_set" in set(r.sensitivity["factor"])
    sc = r.sensitivity_country
    assert set(sc["iso3"]) == set(r.overall.index) and len(sc) == len(r.overall) * len(r.sensitivity)
    assert (sc["ST"].dropna() >= -1e-9).all()
    assert any("Sobol' sequence, N=64" in line for line in r.log)


def test_reference_window_alternatives_are_an_uncertain_factor():
    data, meta = panel(n=20, seed=7)
    other = data * np.random.default_rng(1).lognormal(0, 0.8, size=data.shape)  # another window's values
    other.iloc[0, :] = np.nan  # a country without data in that window
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CompositeWarning)
        r = C.run(
            data,
            meta,
            alternatives={"window 2015-2020": other},
            n_draws=300,
            n_sensitivity=64,
            n_bootstrap=10,
            min_country_coverage=0.0,
            mc_normalisations=None,
            mc_imputations=None,
            mc_aggregations=None,
            mc_outliers=None,
            mc_leave_out=0,
            weight_concentration=math.inf,
        )
    assert list(r.sensitivity["factor"]) == ["reference_window"]
    assert 0.5 < r.sensitivity["ST"].iloc[0] <= 1.5  # the only factor: it carries the variance
    assert (r.overall["rank_p95"] > r.overall["rank_p05"]).any()
    assert any("data variants ['nominal', 'window 2015-2020']" in line for line in r.log)
    # the nominal point estimate does not depend on the alternatives
    plain = C.run(data, meta, n_draws=0, n_sensitivity=0, min_country_coverage=0.0)
    pd.testing.assert_series_equal(r.overall["score"].sort_index(), plain.overall["score"].sort_index())


def test_deeper_hierarchy_from_subpillar_paths():
    data, meta = panel(n=10)
    meta = meta.assign(subpillar=["x", "x", "x/y", "x/y", "", "", "", ""])
    r = C.run(data, meta, min_layer_indicators=1, min_layer_coverage=0.0, min_layers_share=0.0, **NOMC)
    Z = r.normalised
    # layer A = node x = mean(mean(a0, a1) leaf, node x/y = mean(a2, a3))
    expected = ((Z["a0"] + Z["a1"]) / 2 + (Z["a2"] + Z["a3"]) / 2) / 2
    np.testing.assert_allclose(r.layer_scores["A"], expected)
    meta2 = meta.assign(subpillar=["x", "x", "x", "y", "", "", "", ""])
    r2 = C.run(data, meta2, min_layer_indicators=1, min_layer_coverage=0.0, min_layers_share=0.0, **NOMC)
    np.testing.assert_allclose(r2.layer_scores["A"], ((Z["a0"] + Z["a1"] + Z["a2"]) / 3 + Z["a3"]) / 2)
