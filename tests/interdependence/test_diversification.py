"""Capacity-limited diversification."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from tests.interdependence.toys import _toy  # noqa: E402


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
