"""Supply cover and coalitions: set cover, minimum coalition, uncoverable inputs, own-demand rule."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from tests.interdependence.toys import _toy  # noqa: E402


def test_set_cover_finds_known_minimum_where_greedy_fails():
    # Classic instance: greedy takes X (covers 4) and then needs 2 more; optimum is {A, B}.
    universe = {1, 2, 3, 4, 5, 6}
    holdings = {"A": {1, 2, 3}, "B": {4, 5, 6}, "X": {2, 3, 4, 5}, "P": {1}, "Q": {6}}
    exact = I.set_cover(universe, holdings)
    assert exact["method"] == "exact" and exact["members"] == ["A", "B"] and exact["size"] == 2
    assert exact["n_optimal"] == 1
    greedy = I.set_cover(universe, holdings, max_combinations=0)
    assert greedy["method"] == "greedy" and greedy["size"] == 3
    assert "H(6)" in greedy["bound"] and "ln(n) + 1" in greedy["bound"]
    assert greedy["lower_bound"] <= 2


def test_set_cover_forced_holders_and_uncoverable():
    out = I.set_cover({"euv", "x", "y", "z"}, {"NLD": {"euv"}, "USA": {"x", "y"}, "JPN": {"y"}})
    assert out["members"] == ["NLD", "USA"]
    assert out["forced"] == ["NLD", "USA"]
    assert out["uncoverable"] == ["z"]


def test_minimum_coalition_needs_a_majority_of_supply():
    toy = _toy()
    out = I.minimum_coalition(toy, cover_share=50, inputs=["a", "b", "c", "d"])
    # a: USA 60 alone; b: USA 50 (or JPN 50); c: CHN 70; d: JPN 90 → {CHN, JPN, USA} is the minimum
    assert out["members"] == ["CHN", "JPN", "USA"] and out["size"] == 3
    assert out["method"].startswith("exact") and out["uncoverable"] == [] and out["n_optimal"] == 1
    # at 70 %: a needs USA + CHN, b USA + JPN, c CHN, d JPN → the same three countries
    strict = I.minimum_coalition(toy, cover_share=70, inputs=["a", "b", "c", "d"])
    assert strict["members"] == ["CHN", "JPN", "USA"]
    # at 100 %: d has 5 % unattributed, so nobody can cover it; c needs IND too
    full = I.minimum_coalition(toy, cover_share=100, inputs=["a", "b", "c", "d"])
    assert full["uncoverable"] == ["d"] and full["members"] == ["CHN", "IND", "JPN", "USA"]
    without_usa = I.minimum_coalition(toy, cover_share=50, inputs=["a", "b", "c", "d"], exclude=["USA"])
    assert without_usa["members"] == ["CHN", "JPN"]  # a: CHN 40 < 50 → uncoverable without USA
    assert without_usa["uncoverable"] == ["a"]
    with pytest.raises(ValueError, match="cover_share"):
        I.minimum_coalition(toy, cover_share=0, inputs=["a"])


def test_uncoverable_without_on_toy_matrix():
    toy = _toy()
    out = I.uncoverable_without(toy, excluded=["USA", "JPN", "CHN"], cover_share=50, inputs=["a", "b", "c", "d"])
    got = {(r.excluded, r.input_id): r.rest_of_world_share for r in out.itertuples()}
    # without USA: a (CHN 40 left; b keeps JPN 50); without JPN: d (FRA 5 left); without CHN: c (IND 30)
    assert got == {("USA", "a"): 40.0, ("JPN", "d"): 5.0, ("CHN", "c"): 30.0}
    assert out["excluded"].tolist() == ["USA", "JPN", "CHN"]  # order of the parameter


def test_coverage_rule_is_a_joint_share():
    toy = _toy()
    cov = I.coalition_coverage(toy, {"pair": ["USA", "JPN"], "solo": ["IND"]}, cover_share=50)
    got = cov.set_index(["coalition", "input_id"])
    assert got.loc[("pair", "b"), "joint_share"] == 100.0 and got.loc[("pair", "b"), "covered"]
    assert not got.loc[("pair", "c"), "covered"] and got.loc[("pair", "c"), "gap"] == 50.0
    assert not got.loc[("solo", "c"), "covered"] and got.loc[("solo", "c"), "joint_share"] == 30.0
    # a 5 % foothold no longer counts as cover
    low = I.coalition_coverage(toy, {"fra": ["FRA"]}, cover_share=50).set_index("input_id")
    assert low.loc["d", "joint_share"] == 5.0 and not low.loc["d", "covered"]
    assert I.coalition_coverage(toy, {"fra": ["FRA"]}, cover_share=5).set_index("input_id").loc["d", "covered"]
    summary = I.coalition_summary(cov).set_index("coalition")
    assert summary.loc["pair", "n_covered"] == 3 and summary.loc["pair", "uncovered_inputs"] == "c"
    named = I.resolve_coalitions(["G7", "mine=DEU+FRA"])
    assert named["mine"] == ["DEU", "FRA"] and "USA" in named["G7"]


def test_own_demand_rule_on_toy():
    toy = _toy()
    # demand for input c: CHN 40, IND 10, JPN 50 (% of world demand)
    demand = pd.DataFrame({"input_id": ["c"] * 3, "iso3": ["CHN", "IND", "JPN"], "share": [40.0, 10.0, 50.0]})
    cov = I.coalition_coverage(toy, {"j": ["JPN"], "ci": ["CHN", "IND"]}, inputs=["c"], demand=demand)
    got = cov.set_index("coalition")
    assert got.loc["ci", "joint_demand"] == 50.0 and got.loc["ci", "covers_own_demand"]  # 100 ≥ 50
    assert not got.loc["j", "covers_own_demand"]  # JPN supplies 0 of its 50
    no_dem = I.coalition_coverage(toy, {"j": ["JPN"]}, inputs=["a"], demand=demand)
    assert pd.isna(no_dem.loc[0, "covers_own_demand"])  # no demand data: unknown, not false
    # CHN alone supplies 70 ≥ its 40 of demand: under the own-demand rule c needs only CHN ...
    assert I.minimum_coalition(toy, inputs=["c"], demand=demand)["members"] == ["CHN"]
    # ... but JPN, needed for d, brings 50 of demand for c: CHN 70 − 40 + JPN 0 − 50 < 0 → IND joins
    best = I.minimum_coalition(toy, inputs=["c", "d"], demand=demand)
    assert best["members"] == ["CHN", "IND", "JPN"] and best["rule"].startswith("own demand")
