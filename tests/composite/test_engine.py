"""Composite-index engine: hand-computed toy examples, properties, bad input, comparison."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovai import composite as C

# Toy: 4 countries, layer L1 = {i1 (+), i2 (−)}, layer L2 = {i3 (+)}.
TOY = pd.DataFrame(
    {"i1": [0.0, 10.0, 20.0, 40.0], "i2": [3.0, 1.0, 2.0, 5.0], "i3": [1.0, 2.0, 3.0, 4.0]},
    index=["AAA", "BBB", "CCC", "DDD"],
)
META = pd.DataFrame({"id": ["i1", "i2", "i3"], "layer": ["L1", "L1", "L2"], "direction": [1, -1, 1]})
# normalisations that need no per-indicator parameter (target, goalposts need metadata)
DATA_NORMS = ("minmax", "zscore", "rank", "percentile", "frontier")
# the missing-data rules switched off (toy layers have one or two indicators)
RULES_OFF = dict(min_layer_indicators=1, min_layer_coverage=0.0, min_layers_share=0.0)
PLAIN = dict(
    outliers="none", n_draws=0, n_sensitivity=0, min_country_coverage=0.0, min_indicator_coverage=0.0, **RULES_OFF
)


def scores(result: C.CompositeResult) -> pd.Series:
    return result.overall["score"].sort_index()


# ---------------------------------------------------------------------------------------------
# hand-computed toy examples
# ---------------------------------------------------------------------------------------------


def test_minmax_arithmetic_by_hand():
    r = C.run(TOY, META, **PLAIN)
    # i1 -> 0, 25, 50, 100; i2 (oriented) -> 50, 100, 75, 0; i3 -> 0, 33.3, 66.7, 100
    l1 = np.array([25.0, 62.5, 62.5, 50.0])
    l2 = np.array([0.0, 100 / 3, 200 / 3, 100.0])
    np.testing.assert_allclose(r.layer_scores["L1"].sort_index(), l1)
    np.testing.assert_allclose(r.layer_scores["L2"].sort_index(), l2)
    np.testing.assert_allclose(scores(r), (l1 + l2) / 2)
    assert list(r.overall.index) == ["DDD", "CCC", "BBB", "AAA"]
    assert list(r.overall["rank"]) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "method, expected",
    [
        # rank: 100 rank / n, i1 25,50,75,100; i2 50,100,75,25; i3 25,50,75,100
        ("rank", [(37.5 + 25) / 2, (75 + 50) / 2, (75 + 75) / 2, (62.5 + 100) / 2]),
        # percentile: 100*(rank-1)/3
        ("percentile", [(100 / 6 + 0) / 2, (200 / 3 + 100 / 3) / 2, (200 / 3 + 200 / 3) / 2, (50 + 100) / 2]),
        # frontier: i1 x/max -> 0,25,50,100; i2 has negative oriented values -> min-max 50,100,75,0;
        # i3 x/max -> 25,50,75,100
        ("frontier", [(25 + 25) / 2, (62.5 + 50) / 2, (62.5 + 75) / 2, (50 + 100) / 2]),
    ],
)
def test_normalisations_by_hand(method, expected):
    r = C.run(TOY, META, normalisation=method, **PLAIN)
    np.testing.assert_allclose(scores(r), expected)


def test_zscore_by_hand():
    r = C.run(TOY, META, normalisation="zscore", **PLAIN)

    def z(v):
        v = np.asarray(v, float)
        return (v - v.mean()) / v.std(ddof=1)

    l1 = (z([0, 10, 20, 40]) + z([-3, -1, -2, -5])) / 2
    l2 = z([1, 2, 3, 4])
    np.testing.assert_allclose(scores(r), (l1 + l2) / 2)


def test_geometric_by_hand():
    r = C.run(TOY, META, aggregation="geometric", geometric_rescale=False, **PLAIN)
    # min-max values rescaled to [1, 100]: 1 + 0.99 v; geometric means at every level, no rescaling
    i1 = np.array([1.0, 25.75, 50.5, 100.0])
    i2 = np.array([50.5, 100.0, 75.25, 1.0])
    i3 = np.array([1.0, 34.0, 67.0, 100.0])
    l1 = np.sqrt(i1 * i2)
    np.testing.assert_allclose(r.layer_scores["L1"].sort_index(), l1)
    np.testing.assert_allclose(scores(r), np.sqrt(l1 * i3))
    assert any("no rescaling between levels" in line for line in r.log)


def test_geometric_with_the_earlier_rescale_by_hand():
    r = C.run(TOY, META, aggregation="geometric", geometric_rescale=True, **PLAIN)
    # min-max values rescaled to [1, 100]: 1 + 0.99 v
    i1 = np.array([1.0, 25.75, 50.5, 100.0])
    i2 = np.array([50.5, 100.0, 75.25, 1.0])
    i3 = np.array([1.0, 34.0, 67.0, 100.0])
    l1 = np.sqrt(i1 * i2)
    np.testing.assert_allclose(r.layer_scores["L1"].sort_index(), l1)
    np.testing.assert_allclose(r.layer_scores["L2"].sort_index(), i3)
    l1r = 1 + 99 * (l1 - l1.min()) / (l1.max() - l1.min())
    expected = np.sqrt(l1r * i3)
    np.testing.assert_allclose(scores(r), expected)
    assert list(r.overall.index) == ["CCC", "BBB", "DDD", "AAA"]


def test_mixed_aggregation_without_rescale_by_hand():
    r = C.run(TOY, META, aggregation="arithmetic", aggregation_overall="geometric", **PLAIN)
    # arithmetic means of the [1, 100]-rescaled values, then a geometric mean of the layer scores
    l1 = (np.array([1.0, 25.75, 50.5, 100.0]) + np.array([50.5, 100.0, 75.25, 1.0])) / 2
    l2 = np.array([1.0, 34.0, 67.0, 100.0])
    np.testing.assert_allclose(r.layer_scores["L1"].sort_index(), l1)
    np.testing.assert_allclose(scores(r), np.sqrt(l1 * l2))


def test_mixed_aggregation_by_hand():
    r = C.run(TOY, META, aggregation="arithmetic", aggregation_overall="geometric", geometric_rescale=True, **PLAIN)
    l1 = np.array([25.0, 62.5, 62.5, 50.0])
    l1r = 1 + 99 * (l1 - 25) / 37.5  # layer scores rescaled to [1, 100]: 1, 100, 100, 67
    l2r = np.array([1.0, 34.0, 67.0, 100.0])
    np.testing.assert_allclose(scores(r), np.sqrt(l1r * l2r))
    assert r.overall.loc[["CCC", "DDD"], "rank"].tolist() == [1, 1]  # sqrt(100·67) = sqrt(67·100): a tie
    assert r.overall.loc["BBB", "rank"] == 3
    assert any("arithmetic within layers, geometric across layers" in line for line in r.log)
    with pytest.raises(ValueError, match="aggregation_overall.*median"):
        C.run(TOY, META, aggregation_overall="median", **PLAIN)


def test_user_weights_and_effective_weights():
    with pytest.warns(C.CompositeWarning, match="indicator_weights of layer 'L1' sum to 4"):
        r = C.run(TOY, META, layer_weights={"L1": 0.75, "L2": 0.25}, indicator_weights={"i1": 3, "i2": 1}, **PLAIN)
    i1 = np.array([0, 25, 50, 100.0])
    i2 = np.array([50, 100, 75, 0.0])
    i3 = np.array([0, 100 / 3, 200 / 3, 100])
    np.testing.assert_allclose(scores(r), 0.75 * (0.75 * i1 + 0.25 * i2) + 0.25 * i3)
    w = r.weights.set_index("indicator")["nominal_effective"]
    np.testing.assert_allclose(w[["i1", "i2", "i3"]], [0.5625, 0.1875, 0.25])
    assert math.isclose(w.sum(), 1.0)
    assert r.config["nominal_layer_weights"] == {"L1": 0.75, "L2": 0.25}


def test_pca_weights_are_squared_loadings():
    rng = np.random.default_rng(0)
    base = rng.normal(size=40)
    data = pd.DataFrame(
        {"a": base + rng.normal(0, 0.1, 40), "b": base + rng.normal(0, 0.1, 40), "c": rng.normal(size=40)}
    )
    meta = pd.DataFrame({"id": ["a", "b", "c"], "layer": "L", "direction": 1})
    r = C.run(data, meta, weighting="pca", **PLAIN)
    w = r.weights.set_index("indicator")["indicator_weight"]
    assert math.isclose(w.sum(), 1.0)
    assert w["a"] > 0.4 and w["b"] > 0.4 and w["c"] < 0.1  # the two correlated indicators dominate


def test_cronbach_alpha_by_hand():
    X = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])
    # var1 = 1, var2 = 7/3, var(sum) = 19/3 -> alpha = 2 (1 - (10/3)/(19/3)) = 18/19
    assert math.isclose(C.cronbach_alpha(X), 18 / 19)
    assert math.isnan(C.cronbach_alpha(X[:, :1]))


def test_outlier_rule():
    x = np.r_[np.arange(1.0, 21.0), 1000.0]
    treated, how = C.treat_outliers(x)
    assert how == "winsorised 1 high" and treated.max() == 20.0
    heavy = np.exp(np.random.default_rng(1).normal(0, 2.5, 200))
    treated, how = C.treat_outliers(heavy)
    assert how == "log"
    assert np.array_equal(np.argsort(treated, kind="stable"), np.argsort(heavy, kind="stable"))  # order kept
    binary = np.r_[np.zeros(30), 1.0, 1.0]
    assert C.treat_outliers(binary)[1].startswith("skipped")
    flat = np.arange(50.0)
    assert C.treat_outliers(flat) == (pytest.approx(flat), "none")


def test_imputation_group_median_and_locf():
    data = TOY.copy()
    data.loc["CCC", "i1"] = np.nan
    groups = pd.Series({"AAA": "g", "BBB": "g", "CCC": "g", "DDD": "h"})
    r = C.run(data, META, imputation="group_median", groups=groups, **PLAIN)
    assert math.isclose(r.overall.loc["CCC", "imputed_share"], 1 / 3)
    assert r.overall.loc["AAA", "imputed_share"] == 0
    assert math.isclose(r.overall.loc["CCC", "coverage"], 2 / 3)
    # group g median of i1 over AAA, BBB = 5 -> min-max 12.5
    assert math.isclose(r.normalised.loc["CCC", "i1"], 12.5)
    fallback = pd.DataFrame({"i1": [np.nan, np.nan, 30.0, np.nan]}, index=TOY.index)
    r2 = C.run(data, META, imputation="locf", fallback=fallback, **PLAIN)
    assert math.isclose(r2.normalised.loc["CCC", "i1"], 75.0)
    r3 = C.run(data, META, imputation="none", **PLAIN)  # available-data aggregation
    assert math.isclose(r3.layer_scores.loc["CCC", "L1"], r3.normalised.loc["CCC", "i2"])


def test_group_median_imputation_is_size_aware_with_a_basis():
    X = np.array([[10.0], [40.0], [np.nan]])
    basis = np.array([[1.0], [2.0], [3.0]])  # e.g. population: values per unit 10 and 20 -> median 15
    out, imputed = C.impute(X, "group_median", groups=np.array(["g", "g", "g"]), basis=basis)
    assert out[2, 0] == 45.0 and imputed[2, 0] and not imputed[0, 0]
    out, _ = C.impute(X, "group_median", groups=np.array(["g", "g", "g"]))
    assert out[2, 0] == 25.0  # plain median of 10 and 40
    out, imputed = C.impute(
        X, "group_median", groups=np.array(["g", "g", "g"]), basis=np.array([[1.0], [2.0], [np.nan]])
    )
    assert np.isnan(out[2, 0]) and not imputed.any()  # no basis, no imputation


def test_leave_one_out_matches_a_rerun():
    r = C.run(TOY, META, **PLAIN)
    again = C.run(TOY[["i2", "i3"]], META[META["id"] != "i1"], **PLAIN)
    shift = (again.overall["rank"] - r.overall["rank"]).sort_index()
    np.testing.assert_allclose(r.loo_shifts["i1"].sort_index(), shift)
    row = r.loo.set_index("indicator").loc["i1"]
    assert math.isclose(row["mean_abs_rank_shift"], shift.abs().mean())


# ---------------------------------------------------------------------------------------------
# uncertainty and sensitivity
# ---------------------------------------------------------------------------------------------


def random_panel(seed: int, n: int = 25, m: int = 6, missing: float = 0.1):
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0, 1, size=(n, m))
    X[rng.random((n, m)) < missing] = np.nan
    ids = [f"x{j}" for j in range(m)]
    data = pd.DataFrame(X, index=[f"C{i:02d}" for i in range(n)], columns=ids)
    meta = pd.DataFrame({"id": ids, "layer": [f"L{j % 3}" for j in range(m)], "direction": 1})
    groups = pd.Series(rng.integers(0, 3, n).astype(str), index=data.index)
    return data, meta, groups


@settings(max_examples=15, deadline=None)
@given(
    st.integers(0, 10_000),
    st.sampled_from(DATA_NORMS),
    st.sampled_from(C.AGGREGATIONS),
    st.sampled_from(C.IMPUTATIONS),
    st.sampled_from([None, *C.AGGREGATIONS]),
)
def test_zero_noise_uncertainty_reproduces_point_ranks(seed, norm, agg, imp, agg_overall):
    data, meta, groups = random_panel(seed)
    fallback = data.fillna(1.0)
    r = C.run(
        data,
        meta,
        groups=groups,
        fallback=fallback,
        normalisation=norm,
        imputation=imp,
        n_draws=200,
        n_sensitivity=0,
        weight_concentration=math.inf,
        mc_normalisations=None,
        mc_imputations=None,
        mc_aggregations=None,
        mc_outliers=None,
        mc_leave_out=0,
        aggregation=agg,
        aggregation_overall=agg_overall,
        min_country_coverage=0.0,
    )
    o = r.overall
    assert (o["rank_median"] == o["rank"]).all()
    assert (o["rank_p05"] == o["rank"]).all() and (o["rank_p95"] == o["rank"]).all()


def test_uncertainty_intervals_contain_median_and_are_seeded():
    data, meta, groups = random_panel(4)
    kw = dict(groups=groups, n_draws=300, n_sensitivity=0, min_country_coverage=0.0)
    r1 = C.run(data, meta, seed=7, **kw)
    r2 = C.run(data, meta, seed=7, **kw)
    pd.testing.assert_frame_equal(r1.overall, r2.overall)
    o = r1.overall
    assert (o["rank_p05"] <= o["rank_median"]).all() and (o["rank_median"] <= o["rank_p95"]).all()
    assert (o["rank_p95"] - o["rank_p05"]).max() > 0  # the noise does move ranks
    assert r1.mc_ranks.shape == (300, len(o))


def test_sensitivity_single_factor_has_total_index_near_one():
    data, meta, groups = random_panel(5, n=30)
    r = C.run(
        data,
        meta,
        groups=groups,
        n_draws=0,
        n_sensitivity=400,
        n_bootstrap=50,
        weight_concentration=math.inf,
        mc_imputations=None,
        mc_aggregations=None,
        mc_outliers=None,
        mc_leave_out=0,
        mc_normalisations=("minmax", "rank", "zscore"),
        min_country_coverage=0.0,
    )
    assert list(r.sensitivity["factor"]) == ["normalisation"]
    row = r.sensitivity.iloc[0]
    assert 0.75 < row["ST"] < 1.25
    assert row["ST_p05"] <= row["ST"] <= row["ST_p95"]


def test_sensitivity_lists_every_varying_factor():
    data, meta, groups = random_panel(6)
    r = C.run(data, meta, groups=groups, n_draws=0, n_sensitivity=100, n_bootstrap=0, min_country_coverage=0.0)
    assert list(r.sensitivity["factor"]) == [f for f in C.FACTORS if f != "reference_window"]  # no alternatives
    assert (r.sensitivity["ST"] >= 0).all()


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

values = st.floats(min_value=0.0, max_value=1000.0, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw):
    n = draw(st.integers(4, 9))
    cols = {f"x{j}": draw(st.lists(values, min_size=n, max_size=n)) for j in range(4)}
    data = pd.DataFrame(cols, index=[f"C{i}" for i in range(n)])
    for c in data.columns:  # every indicator must vary
        if data[c].nunique() < 2:
            data.loc["C0", c] = data[c].max() + 1.0
    return data


META4 = pd.DataFrame({"id": ["x0", "x1", "x2", "x3"], "layer": ["A", "A", "B", "B"], "direction": [1, 1, -1, 1]})
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(panels(), st.randoms(use_true_random=False), st.sampled_from(DATA_NORMS), st.sampled_from(C.AGGREGATIONS))
def test_invariant_to_row_order(data, rnd, norm, agg):
    idx = list(data.index)
    rnd.shuffle(idx)
    kw = dict(
        normalisation=norm, aggregation=agg, outliers="coinr", n_draws=20, n_sensitivity=0, min_country_coverage=0.0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CompositeWarning)
        a = C.run(data, META4, **kw)
        b = C.run(data.loc[idx], META4, **kw)
    pd.testing.assert_frame_equal(a.overall, b.overall)


@SETTINGS
@given(
    panels(),
    st.integers(0, 8),
    st.sampled_from(["x0", "x1", "x3"]),
    st.floats(0.01, 500),
    st.sampled_from(["minmax", "rank", "percentile", "frontier"]),
)
def test_improving_an_indicator_never_lowers_the_score(data, who, col, delta, norm):
    country = data.index[who % len(data)]
    better = data.copy()
    better.loc[country, col] += delta
    kw = dict(
        normalisation=norm,
        aggregation="arithmetic",
        outliers="none",
        n_draws=0,
        n_sensitivity=0,
        min_country_coverage=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.CompositeWarning)
        a = C.run(data, META4, **kw).overall.loc[country]
        b = C.run(better, META4, **kw).overall.loc[country]
    assert b["score"] >= a["score"] - 1e-9


@SETTINGS
@given(st.dictionaries(st.sampled_from(["L1", "L2"]), st.floats(0.1, 10), min_size=2, max_size=2))
def test_weights_not_summing_to_one_are_normalised_with_a_warning(weights):
    total = sum(weights.values())
    if math.isclose(total, 1.0):
        return
    with pytest.warns(C.CompositeWarning, match="layer_weights sum to"):
        r = C.run(TOY, META, layer_weights=weights, **PLAIN)
    norm = {k: v / total for k, v in weights.items()}
    ref = C.run(TOY, META, layer_weights=norm, **PLAIN)
    np.testing.assert_allclose(scores(r), scores(ref))


# ---------------------------------------------------------------------------------------------
# screen and bad input
# ---------------------------------------------------------------------------------------------


def test_country_below_coverage_is_excluded_with_a_message():
    data = TOY.copy()
    data.loc["BBB", ["i1", "i2"]] = np.nan
    with pytest.warns(C.CompositeWarning, match=r"1 country\(ies\) excluded.*BBB"):
        r = C.run(data, META, **{**PLAIN, "min_country_coverage": 0.5})
    assert "BBB" not in r.overall.index
    assert list(r.excluded["iso3"]) == ["BBB"]
    assert any("BBB" in line for line in r.log)


def test_low_coverage_indicator_is_dropped_with_a_message():
    data = TOY.assign(i4=[1.0, np.nan, np.nan, np.nan])
    meta = pd.concat([META, pd.DataFrame({"id": ["i4"], "layer": ["L2"], "direction": [1]})])
    with pytest.warns(C.CompositeWarning, match="'i4' dropped"):
        r = C.run(data, meta, **{**PLAIN, "min_indicator_coverage": 0.5})
    assert "i4" not in r.normalised.columns


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"layer_weights": {"L1": 1, "Lx": 1}}, r"layer_weights.*unknown layer.*Lx"),
        ({"indicator_weights": {"nope": 1}}, r"indicator_weights.*unknown indicator.*nope"),
        ({"layer_weights": {"L1": -1, "L2": 2}}, r"layer_weights.*non-negative"),
        ({"indicator_weights": {"i1": -0.5}}, r"indicator_weights.*non-negative"),
        ({"normalisation": "softmax"}, r"normalisation.*softmax"),
        ({"aggregation": "median"}, r"aggregation.*median"),
        ({"imputation": "mean"}, r"imputation.*mean"),
        ({"mc_normalisations": ("minmax", "bogus")}, r"mc_normalisations.*bogus"),
        ({"min_country_coverage": 1.5}, r"min_country_coverage"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        C.run(TOY, META, **{**PLAIN, **kwargs})


def test_partial_layer_weights_give_unlisted_layers_weight_one():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = C.run(TOY, META, layer_weights={"L1": 3}, **PLAIN)
    messages = [str(w.message) for w in caught if issubclass(w.category, C.CompositeWarning)]
    assert any("no weight for layer(s) ['L2']: they weigh 1" in m for m in messages), messages
    assert any("layer_weights sum to 4" in m for m in messages), messages
    assert r.config["nominal_layer_weights"] == {"L1": 0.75, "L2": 0.25}
    dropped = C.run(TOY, META, layer_weights={"L1": 1, "L2": 0}, **PLAIN)
    assert list(dropped.layer_scores.columns) == ["L1"]


def test_all_missing_indicator_is_an_error():
    with pytest.raises(ValueError, match=r"data.*'i3'.*no value"):
        C.run(TOY.assign(i3=np.nan), META, **PLAIN)


def test_indicator_without_metadata_is_an_error():
    with pytest.raises(ValueError, match=r"'data'.*\['zz'\].*no row"):
        C.run(TOY.assign(zz=1.0), META, **PLAIN)


def test_rank_rows_ties_and_nan():
    r = C.rank_rows(np.array([[3.0, 5.0, 5.0, np.nan, 1.0]]))
    np.testing.assert_array_equal(r[0, [0, 1, 2, 4]], [3, 1, 1, 4])
    assert np.isnan(r[0, 3])


# ---------------------------------------------------------------------------------------------
# tables and comparison
# ---------------------------------------------------------------------------------------------


def test_output_tables_contract():
    data, meta, groups = random_panel(8)
    r = C.run(data, meta, groups=groups, n_draws=50, n_sensitivity=0, min_country_coverage=0.0, **RULES_OFF)
    ov = C.overall_table(r, names={})
    assert list(ov.columns[:9]) == [
        "iso3",
        "country",
        "score",
        "rank",
        "rank_median",
        "rank_p05",
        "rank_p95",
        "coverage",
        "imputed_share",
    ]
    assert ov["rank"].is_monotonic_increasing
    lay = C.layers_table(r)
    assert list(lay.columns) == ["iso3", "layer", "score", "rank", "n_observed"]
    assert len(lay) == len(ov) * 3
    wide = C.layer_scores_table(r, names={})
    assert {"L0_score", "L0_rank", "overall_rank"} <= set(wide.columns)


def test_compare_with_names_and_fisher_ci():
    few = pd.Series([1.0, 2.0, 3.0, 4.0], index=["USA", "CHN", "DEU", "JPN"])
    with pytest.raises(ValueError, match="other.*at least 5"):
        C.compare(few, pd.DataFrame({"iso3": ["USA", "CHN", "DEU", "JPN"], "score": [1.0, 2.0, 3.0, 4.0]}))
    ours = pd.Series([5.0, 4.0, 3.0, 2.0, 1.0, 0.5], index=["USA", "CHN", "DEU", "JPN", "FRA", "ITA"])
    other = pd.DataFrame(
        {
            "Country": ["United States", "China", "Germany", "Japan", "France", "Italy"],
            "Index": [90.0, 80.0, 85.0, 60.0, 50.0, 40.0],
        }
    )
    cmp_ = C.compare(ours, other, country_column="Country", score_column="Index")
    assert cmp_.n == 6
    sp = cmp_.stats.set_index("statistic").loc["spearman"]
    assert math.isclose(sp["estimate"], 1 - 6 * 2 / (6 * 35))  # one swapped pair: d² = 1 + 1
    assert sp["ci_low"] < sp["estimate"] < sp["ci_high"]
    assert set(cmp_.differences.head(2)["iso3"]) == {"CHN", "DEU"}
    boot1 = C.compare(
        ours, other, country_column="Country", score_column="Index", method="bootstrap", n_boot=200, seed=1
    )
    boot2 = C.compare(
        ours, other, country_column="Country", score_column="Index", method="bootstrap", n_boot=200, seed=1
    )
    pd.testing.assert_frame_equal(boot1.stats, boot2.stats)


def test_compare_rejects_unknown_country_and_reads_csv(tmp_path):
    ours = pd.Series(np.arange(6.0), index=["USA", "CHN", "DEU", "JPN", "FRA", "ITA"])
    bad = pd.DataFrame(
        {"country": ["Atlantis", "China", "Germany", "Japan", "France", "Italy"], "score": np.arange(6.0)}
    )
    with pytest.raises(ValueError, match="other.*Atlantis"):
        C.compare(ours, bad)
    path = tmp_path / "idx.csv"
    pd.DataFrame({"country": ["USA", "CHN", "DEU", "JPN", "FRA", "ITA"], "score": np.arange(6.0)}).to_csv(
        path, index=False
    )
    got = C.compare(ours, str(path))
    assert math.isclose(got.stats.set_index("statistic").loc["kendall", "estimate"], 1.0)


# ---------------------------------------------------------------------------------------------
# figures (tested on artists)
# ---------------------------------------------------------------------------------------------


def test_figures_draw_what_they_claim():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patches import Rectangle

    data, meta, groups = random_panel(9, n=20)
    r = C.run(
        data, meta, groups=groups, n_draws=100, n_sensitivity=60, n_bootstrap=10, min_country_coverage=0.0, **RULES_OFF
    )
    names = {c: f"Country {c}" for c in r.overall.index}

    fig = C.plot_rank_intervals(r, top=12, names=names, caption="Source: test (CC BY 4.0)")
    ax = fig.axes[0]
    segs = [c for c in ax.collections if isinstance(c, LineCollection)][0].get_segments()
    assert len(segs) == 12
    top = r.overall.iloc[0]
    assert segs[0][0][0] == top["rank_p05"] and segs[0][1][0] == top["rank_p95"]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == f"Country {r.overall.index[0]} ({r.overall.index[0]})"
    assert any("CC BY 4.0" in t.get_text() for t in fig.texts)
    plt.close(fig)

    fig = C.plot_layer_heatmap(r, top=10, names=names)
    img = fig.axes[0].get_images()[0].get_array()
    assert img.shape == (10, 3) and float(img.max()) <= 100
    plt.close(fig)

    fig = C.plot_effective_weights(r)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert len(bars) == 2 * len(r.weights)
    assert math.isclose(sum(b.get_width() for b in bars[: len(r.weights)]), 1.0)
    plt.close(fig)

    fig = C.plot_sensitivity(r)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert len(heights) == 2 * len(r.sensitivity)
    np.testing.assert_allclose(heights[len(r.sensitivity) :], r.sensitivity["ST"])
    plt.close(fig)

    other = C.run(data * 2, meta, n_draws=0, n_sensitivity=0, min_country_coverage=0.0, **RULES_OFF)
    fig = C.plot_scale_vs_intensity(r, other)
    pts = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)][0].get_offsets()
    assert len(pts) == 20
    assert "ρ = 1.00" in fig.axes[0].get_title()  # doubling every value leaves the ranks unchanged
    plt.close(fig)
