"""The rankings explorer's Python reference aggregation (:mod:`sovai.explorer.formula`), checked by
hand and against the composite engine."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sovai import composite
from sovai.explorer import aggregate, rank, views_from_results
from tests.explorer.support import NAN, _layers


def ranking(layer_scores, weights=None, aggregation="arithmetic", *, min_layers_share=0.7) -> pd.DataFrame:
    """The page's table order: scored countries by rank, then ISO3."""
    s = aggregate(layer_scores, weights, aggregation, min_layers_share=min_layers_share)
    out = pd.DataFrame({"iso3": s.index.astype(str), "score": s.to_numpy(), "rank": rank(s).to_numpy()})
    return out.dropna(subset=["score"]).sort_values(["rank", "iso3"], kind="mergesort").reset_index(drop=True)


def test_aggregate_weighted_mean_over_available_layers_by_hand():
    s = aggregate(_layers(), {"a": 2, "b": 1, "c": 1}, min_layers_share=0.5)
    assert s["AAA"] == pytest.approx((2 * 80 + 10 + 30) / 4)
    assert s["CCC"] == pytest.approx((2 * 50 + 50) / 3)  # c missing: weights renormalised over a, b
    assert np.isnan(s["DDD"])  # 1 of 3 layers < ceil(0.5 * 3) = 2


def test_aggregate_rule_counts_only_layers_of_positive_weight():
    # weight 0 drops layer c: DDD has 1 of 2 layers, needs ceil(0.5 * 2) = 1 -> scored
    s = aggregate(_layers(), {"a": 1, "b": 1, "c": 0}, min_layers_share=0.5)
    assert s["DDD"] == pytest.approx(40.0)
    assert s["AAA"] == pytest.approx(45.0)
    # default 0.7 of 3 layers: needs 3, so only AAA and BBB are scored
    assert aggregate(_layers()).notna().tolist() == [True, True, False, False]


def test_aggregate_geometric_by_hand():
    s = aggregate(_layers(), {"a": 1, "b": 3}, "geometric", min_layers_share=0.5)  # c weighs 1
    assert s["AAA"] == pytest.approx(np.exp((np.log(80) + 3 * np.log(10) + np.log(30)) / 5))


def test_rank_ties_share_best_rank_and_order_by_iso3():
    frame = pd.DataFrame({"a": [50.0, 70.0, 50.0 + 1e-12], "b": [50.0, 70.0, 50.0]}, index=["ZZZ", "MMM", "AAA"])
    out = ranking(frame)
    assert out["iso3"].tolist() == ["MMM", "AAA", "ZZZ"]  # float noise below 1e-9 is a tie
    assert out["rank"].tolist() == [1.0, 2.0, 2.0]
    r = rank(pd.Series([3.0, NAN, 3.0, 5.0]))
    assert r.iloc[[0, 2, 3]].tolist() == [2.0, 2.0, 1.0] and np.isnan(r.iloc[1])


def test_bad_weights_and_aggregation_are_errors():
    with pytest.raises(ValueError, match="unknown layer"):
        aggregate(_layers(), {"zz": 1})
    with pytest.raises(ValueError, match="finite and >= 0"):
        aggregate(_layers(), {"a": -1})
    with pytest.raises(ValueError, match="aggregation"):
        aggregate(_layers(), aggregation="harmonic")
    with pytest.raises(ValueError, match="country 'BBB', layer 'a'"):
        aggregate(_layers().assign(a=[1.0, 0.0, 2.0, 3.0]), aggregation="geometric")


def _engine_data():
    rng = np.random.default_rng(3)
    n = 30
    idx = [f"C{i:02d}" for i in range(n)]
    data = pd.DataFrame(rng.lognormal(size=(n, 8)), index=idx, columns=[f"i{j}" for j in range(8)])
    data.iloc[0:4, 0:2] = NAN  # four countries without layer L0
    data.iloc[5, 2:4] = NAN  # one without L1
    data.iloc[6, 4:8] = NAN  # one without L2 and L3
    meta = pd.DataFrame({"layer": [f"L{j // 2}" for j in range(8)], "direction": 1}, index=list(data.columns))
    return data, meta


def _run(data, meta, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return composite.run(data, meta, n_draws=0, n_sensitivity=0, **kw)


@pytest.mark.parametrize(
    ("weights", "agg"),
    [
        (None, "arithmetic"),
        ({"L0": 3, "L1": 0.5, "L2": 1, "L3": 2}, "arithmetic"),
        ({"L0": 1, "L1": 2, "L2": 1, "L3": 0.2}, "geometric"),
    ],
)
def test_aggregate_reproduces_the_engine_overall_score(weights, agg):
    data, meta = _engine_data()
    res = _run(data, meta, layer_weights=weights, aggregation_overall=agg, min_layers_share=0.75)
    ov = res.overall
    assert len(ov) == len(data) - 1  # the 3-of-4 rule removed the country with two layers
    mine = aggregate(res.layer_scores, weights, agg, min_layers_share=0.75)
    np.testing.assert_allclose(mine.loc[ov.index], ov["score"], rtol=1e-12)
    table = ranking(res.layer_scores, weights, agg, min_layers_share=0.75)
    assert table["iso3"].tolist() == list(ov.index)
    assert table["rank"].tolist() == ov["rank"].tolist()
    kw = views_from_results({"scale": res})
    assert kw["aggregation"] == agg and kw["min_layers_share"] == 0.75
    again = aggregate(kw["views"]["scale"], kw["weights"], agg, min_layers_share=0.75)
    np.testing.assert_allclose(again.loc[ov.index], ov["score"], rtol=1e-12)


def test_reweighting_published_scores_equals_a_rerun_with_those_weights():
    data, meta = _engine_data()
    nominal = _run(data, meta, min_layers_share=0.75)
    w = {"L0": 0.1, "L1": 4.0, "L2": 1.0, "L3": 0.0}  # L3 dropped: the rule becomes 3 of 3 layers
    rerun = _run(data, meta, layer_weights=w, min_layers_share=0.75)
    mine = ranking(nominal.layer_scores, w, min_layers_share=0.75)
    # the re-run also scores the country that lacks L2 and L3 only if it has 3 of 3: it does not
    assert mine["iso3"].tolist() == list(rerun.overall.index)
    np.testing.assert_allclose(mine["score"], rerun.overall["score"], rtol=1e-12)
    with pytest.raises(ValueError, match="geometric_rescale"):
        views_from_results({"x": _run(data, meta, aggregation_overall="geometric", geometric_rescale=True)})
