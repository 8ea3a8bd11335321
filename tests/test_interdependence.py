"""Layer presence, blocs and exposure, coalition search and diversification."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from sovai import stack  # noqa: E402


def _toy() -> pd.DataFrame:
    """Four inputs on two layers; world shares in percent (FRA + residual on 'd')."""
    rows = [
        ("a", "models", "USA", 60.0),
        ("a", "models", "CHN", 40.0),
        ("b", "models", "USA", 50.0),
        ("b", "models", "JPN", 50.0),
        ("c", "energy", "CHN", 70.0),
        ("c", "energy", "IND", 30.0),
        ("d", "energy", "JPN", 90.0),
        ("d", "energy", "FRA", 5.0),
        ("d", "energy", None, 5.0),
    ]
    df = pd.DataFrame(rows, columns=["input_id", "layer", "iso3", "share"])
    df["input"] = df["input_id"].str.upper()
    df["iso3"] = df["iso3"].astype("string")
    return df


# --- set cover ----------------------------------------------------------------------------------


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


def test_minimum_coalition_toy():
    toy = _toy()
    out = I.minimum_coalition(toy, threshold=40, inputs=["a", "b", "c", "d"])
    # a: USA/CHN, b: USA/JPN, c: CHN, d: JPN → CHN and JPN are forced and cover everything
    assert out["members"] == ["CHN", "JPN"] and out["method"] == "exact"
    assert out["n_inputs"] == 4


# --- presence, exposure, coalitions, diversification ---------------------------------------------


def test_layer_presence_toy():
    toy = _toy()
    pres = I.layer_presence(toy, threshold=30).set_index("iso3")
    # models: USA (60+50)/2 = 55, CHN 20, JPN 25; energy: CHN 35, JPN 45, IND 15
    assert pres.loc["USA", "share_models"] == 55
    assert pres.loc["JPN", "n_layers_meaningful"] == 1  # energy 45 ≥ 30, models 25 < 30
    assert pres.loc["CHN", "layers_meaningful"] == "energy"
    summary = I.full_stack(pres.reset_index())
    assert summary["n_layers_measured"] == 2 and summary["n_countries_full_stack"] == 0
    pres_any = I.layer_presence(toy, threshold=30, rule="any").set_index("iso3")
    assert pres_any.loc["CHN", "n_layers_meaningful"] == 2
    with pytest.raises(ValueError, match="threshold"):
        I.layer_presence(toy, threshold=0)
    with pytest.raises(ValueError, match="rule"):
        I.layer_presence(toy, rule="median")


def test_exposure_with_group_and_list_blocs():
    toy = _toy()
    out = I.exposure("JPN", toy, bloc=["USA"], inputs=["a", "c", "d"]).set_index("input_id")
    assert out.loc["a", "outside_share"] == 40.0 and out.loc["a", "top_outside_iso3"] == "CHN"
    assert out.loc["c", "outside_share"] == 100.0
    assert out.loc["d", "own_share"] == 90.0 and out.loc["d", "unattributed_share"] == 5.0
    g7 = I.exposure("JPN", toy, bloc="G7", inputs=["d"]).set_index("input_id")
    assert g7.loc["d", "inside_share"] == 95.0  # JPN + FRA


def test_exposure_unga_reports_unknown_alignment():
    toy = _toy()
    extra = pd.DataFrame({"input_id": ["e"], "layer": ["models"], "iso3": ["TWN"], "share": [100.0], "input": ["E"]})
    toy = pd.concat([toy, extra.astype({"iso3": "string"})], ignore_index=True)
    out = I.exposure("USA", toy, bloc="unga", inputs=["e"]).set_index("input_id")
    assert out.loc["e", "unknown_bloc_share"] == 100.0 and out.loc["e", "outside_share"] == 0.0


def test_unknown_input_or_country_raises():
    toy = _toy()
    with pytest.raises(ValueError, match="parameter 'inputs'.*'zz'"):
        I.exposure("USA", toy, bloc=["JPN"], inputs=["zz"])
    with pytest.raises(ValueError, match="parameter 'country'"):
        I.exposure("Atlantis", toy, bloc=["JPN"])
    with pytest.raises(ValueError, match="parameter 'partners'"):
        I.diversify("USA", ["Atlantis"], toy, inputs=["a"], bloc=["JPN"])
    with pytest.raises(ValueError, match="parameter 'coalitions'"):
        I.coalition_coverage(toy, ["NOPE"])
    with pytest.raises(ValueError, match="parameter 'bloc'"):
        I.exposure("USA", toy, bloc="NOPE")
    with pytest.raises(ValueError, match="parameter 'weight'"):
        I.diversify("USA", ["JPN"], toy, inputs=["a"], weight=1.5, bloc=["JPN"])


def test_coalition_coverage_toy():
    toy = _toy()
    cov = I.coalition_coverage(toy, {"pair": ["USA", "JPN"], "solo": ["IND"]}, threshold=50)
    got = cov.set_index(["coalition", "input_id"])
    assert got.loc[("pair", "b"), "joint_share"] == 100.0 and got.loc[("pair", "b"), "covered"]
    assert not got.loc[("solo", "c"), "covered"] and got.loc[("solo", "c"), "joint_share"] == 30.0
    summary = I.coalition_summary(cov).set_index("coalition")
    assert summary.loc["pair", "n_covered"] == 3  # a, b, d (c: 0)
    assert summary.loc["pair", "uncovered_inputs"] == "c"
    named = I.resolve_coalitions(["G7", "mine=DEU+FRA"])
    assert named["mine"] == ["DEU", "FRA"] and "USA" in named["G7"]


def test_diversify_toy():
    toy = _toy()
    out = I.diversify("FRA", ["IND"], toy, inputs=["a", "c"], weight=0.5, bloc=["IND"]).set_index("input_id")
    # c: world CHN 70 / IND 30 → half from IND: CHN 35, IND 65
    assert out.loc["c", "baseline_hhi"] == 5800
    assert out.loc["c", "scenario_hhi"] == pytest.approx(35**2 + 65**2)
    assert out.loc["c", "scenario_top_iso3"] == "IND" and out.loc["c", "partner_capacity"] == 30
    assert out.loc["c", "baseline_outside_bloc"] == 70 and out.loc["c", "scenario_outside_bloc"] == 35
    # a: IND supplies none → infeasible, unchanged
    assert not out.loc["a", "feasible"] and out.loc["a", "hhi_change"] == 0


# --- real mirror --------------------------------------------------------------------------------


def test_real_mirror_headlines():
    shares = stack.input_shares()
    pres = I.layer_presence(shares, threshold=5.0)
    summary = I.full_stack(pres)
    assert summary["n_layers_measured"] >= 6
    assert set(summary["full_stack_countries"]) <= {"USA", "CHN"}  # full stack is for (almost) nobody
    best = I.minimum_coalition(shares, threshold=5.0)
    assert best["method"] == "exact" and "NLD" in best["members"] and "USA" in best["members"]
    cov = I.coalition_coverage(shares, ["G7", "EU"], threshold=5.0)
    summ = I.coalition_summary(cov).set_index("coalition")
    assert summ.loc["G7", "n_covered"] > summ.loc["EU", "n_covered"]
