"""Layer presence (withheld = unknown), exposure, supply cover, coalitions, capacity-limited diversification."""

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


def _withheld_toy() -> pd.DataFrame:
    toy = _toy()
    extra = pd.DataFrame(
        {
            "input_id": ["m", "m", "m", "e"],
            "layer": ["minerals"] * 3 + ["energy"],
            "iso3": ["CHN", "USA", None, "USA"],
            "share": [90.0, None, 10.0, 100.0],
            "input": ["M"] * 3 + ["E"],
        }
    )
    toy = pd.concat([toy.assign(withheld=False), extra.assign(withheld=[False, True, False, False])], ignore_index=True)
    toy["iso3"] = toy["iso3"].astype("string")
    return toy


def test_withheld_value_makes_layer_unknown_not_zero():
    toy = _withheld_toy()
    mat = I.share_matrix(toy)
    assert pd.isna(mat.loc["USA", "m"]) and mat.loc["JPN", "m"] == 0.0  # withheld NaN, absent 0
    pres = I.layer_presence(toy, threshold=30).set_index("iso3")
    assert pd.isna(pres.loc["USA", "share_minerals"]) and pres.loc["USA", "layers_unknown"] == "minerals"
    assert pres.loc["JPN", "share_minerals"] == 0.0  # not listed by the source: a true 0
    assert pres.loc["CHN", "share_minerals"] == 90.0
    fs = I.full_stack_table(toy, thresholds=[10, 30]).set_index("threshold")
    # at 10 %: CHN holds every layer (energy (70 + 0 + 0) / 3); USA models 55, energy 33.3, minerals withheld
    assert fs.loc[10.0, "full_stack_countries"] == "CHN" and fs.loc[10.0, "unknown_countries"] == "USA"
    cov = I.coalition_coverage(toy, {"us": ["USA"]}, cover_share=50, inputs=["m"])
    assert cov.loc[0, "withheld_members"] == "USA" and cov.loc[0, "joint_share"] == 0.0


def test_diversify_respects_partner_capacity():
    toy = _toy()
    out = I.diversify("FRA", ["IND"], toy, inputs=["a", "c"], weight=0.25, bloc=["IND"]).set_index("input_id")
    # c: IND holds 30 % of world supply ≥ 25 % needed → feasible: CHN 52.5, IND 47.5
    assert out.loc["c", "status"] == "feasible" and out.loc["c", "gap"] == 0
    assert out.loc["c", "scenario_hhi"] == pytest.approx(52.5**2 + 47.5**2)
    assert out.loc["c", "baseline_outside_bloc"] == 70 and out.loc["c", "scenario_outside_bloc"] == 52.5
    # a: IND supplies none → no partner supply, unchanged
    assert out.loc["a", "status"] == "no_partner_supply" and out.loc["a", "hhi_change"] == 0
    half = I.diversify("FRA", ["IND"], toy, inputs=["c"], weight=0.5, bloc=["IND"]).set_index("input_id")
    # 50 % needed but IND holds 30 % → infeasible, gap 20, mix shown at the feasible 30 %
    assert half.loc["c", "status"] == "infeasible" and not half.loc["c", "feasible"]
    assert half.loc["c", "gap"] == pytest.approx(20.0) and half.loc["c", "achieved_weight"] == pytest.approx(0.3)
    assert half.loc["c", "scenario_hhi"] == pytest.approx(49**2 + 51**2)  # CHN 70·0.7; IND 30·0.7 + 30
    # a small buyer (10 % of world demand) can get half its needs from a 30 % supplier
    small = I.diversify("FRA", ["IND"], toy, inputs=["c"], weight=0.5, bloc=["IND"], demand_share=10)
    assert small.loc[0, "status"] == "feasible" and small.loc[0, "capacity_of_needs"] == 100.0
    spare = I.diversify("FRA", ["IND"], toy, inputs=["c"], weight=0.5, bloc=["IND"], spare_capacity={"c": 60})
    assert spare.loc[0, "status"] == "feasible"


def test_cover_partners_and_no_partner_set():
    toy = _toy()
    out = I.cover_partners("FRA", toy, bloc=["JPN", "USA"], cover_share=50, inputs=["a", "c", "d"])
    out = out.set_index("input_id")
    assert out.loc["a", "partners"] == "USA" and out.loc["a", "covered_by_bloc"]
    assert out.loc["d", "partners"] == "JPN"  # largest holder first: one partner suffices
    assert out.loc["c", "no_partner_set"] and out.loc["c", "gap"] == 50.0  # only CHN and IND hold c


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


# --- real mirror --------------------------------------------------------------------------------


def test_real_mirror_headlines():
    shares = stack.input_shares()
    summary = I.full_stack(I.layer_presence(shares, threshold=5.0))
    assert summary["n_layers_measured"] >= 6
    assert set(summary["full_stack_countries"]) <= {"USA", "CHN"}  # full stack is for (almost) nobody
    assert "USA" in summary["unknown_countries"] + summary["full_stack_countries"]  # withheld minerals
    ids = I.chokepoint_ids(shares)
    best = I.minimum_coalition(shares, inputs=ids)
    assert {"TWN", "KOR", "NLD", "USA", "CHN"} <= set(best["members"])  # foundry, HBM, EUV, EDA, gallium
    assert "AUT" not in best["members"] and "SGP" not in best["members"]  # niches are below the floor
    unc = I.uncoverable_without(shares, inputs=ids)
    by = unc.groupby("excluded")["input_id"].apply(set)
    assert "usgs:gallium:primary_production" in by["CHN"] and "eto:N84" in by["USA"]
    assert "eto:N20" in by["NLD"] and "cited:hbm" in by["KOR"] and "cited:advanced_logic_lt10nm" in by["TWN"]
    summ = I.coalition_summary(I.coalition_coverage(shares, ["G7", "EU"], inputs=ids)).set_index("coalition")
    assert summ.loc["G7", "n_covered"] > summ.loc["EU", "n_covered"]
    assert summ.loc["G7", "share_covered"] < 0.9  # a majority of supply, not a foothold
    div = I.diversify("DEU", ["JPN", "KOR", "AUS", "IND"], shares, inputs=["usgs:gallium:primary_production"])
    assert div.loc[0, "status"] == "infeasible" and div.loc[0, "gap"] > 45  # partners hold < 1 % of gallium
    suff = I.self_sufficiency(shares)
    assert set(suff["domain"]) >= {"electricity", "compute", "frontier_models"}
    usa = suff[(suff["iso3"] == "USA") & (suff["domain"] == "compute")]
    assert float(usa["ratio"].iloc[0]) > 1


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
