"""Headlines of the whole package on the real data mirror (presence, cover, diversification, sufficiency)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from sovai import stack  # noqa: E402


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
