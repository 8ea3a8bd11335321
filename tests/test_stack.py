"""Concentration arithmetic, the declared stack inputs, market floor, withheld values, chokepoints.

The files themselves (layers, components, cited facts) are tested in ``test_framework.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"))

from sovai import framework, stack  # noqa: E402
from sovai.errors import InputFileError  # noqa: E402

# --- hand examples ------------------------------------------------------------------------------


def test_hhi_hand_examples():
    assert stack.hhi([100]) == 10000.0
    assert stack.hhi([50, 50]) == 5000.0
    assert stack.hhi([40, 30, 20, 10]) == 3000.0  # 1600 + 900 + 400 + 100
    assert stack.hhi([25, 25, 25, 25]) == 2500.0
    assert stack.hhi([60, None, 40]) == 5200.0  # missing ignored
    assert stack.hhi([]) == 0.0
    with pytest.raises(ValueError, match="non-negative"):
        stack.hhi([50, -10])


def test_top_k_hand_examples():
    shares = [10, 40, 20, 30]
    assert stack.top_k_share(shares, 1) == 40
    assert stack.top_k_share(shares, 3) == 90
    assert stack.top_k_share(shares, 10) == 100
    with pytest.raises(ValueError, match="'k'"):
        stack.top_k_share(shares, 0)


def test_concentration_with_residual_and_ties():
    frame = pd.DataFrame({"iso3": ["USA", "CHN", "JPN", None, "USA"], "share": [30.0, 40.0, 10.0, 10.0, 10.0]})
    out = stack.concentration(frame)
    assert out["top1_iso3"] == "CHN" and out["top2_iso3"] == "USA"  # USA 30 + 10 = 40: tie broken by ISO3
    assert out["hhi"] == pytest.approx(40**2 + 40**2 + 10**2)
    assert out["hhi_upper"] == pytest.approx(out["hhi"] + 10**2)
    assert out["top3_share"] == 90.0 and out["n_countries"] == 3 and out["n_withheld"] == 0
    assert out["unattributed_share"] == 10.0 and out["share_status"] == "ok"


def test_withheld_value_stays_missing_not_zero():
    # USGS-style: USA listed with a withheld value (NA), CHN 90, rest unattributed 10
    frame = pd.DataFrame({"iso3": ["CHN", "USA", None], "share": [90.0, None, 10.0]})
    out = stack.concentration(frame)
    assert out["n_withheld"] == 1 and out["n_countries"] == 1  # USA is neither counted nor zero-filled
    assert out["hhi"] == 8100.0 and out["total_share"] == 100.0


@pytest.mark.parametrize(
    ("shares", "status"),
    [([60.0, 40.0], "ok"), ([60.0, 41.5], "rounding"), ([60.0, 45.0], "over"), ([60.0, 30.0], "under")],
)
def test_shares_not_summing_to_100_are_reported(shares, status):
    out = stack.concentration(pd.DataFrame({"iso3": ["USA", "CHN"], "share": shares}))
    assert out["share_status"] == status
    assert out["total_share"] == pytest.approx(sum(shares))  # reported, not rescaled


# --- market floor ---------------------------------------------------------------------------------


def _tiny_shares() -> pd.DataFrame:
    # three inputs declared in inputs.csv / ETO, with hand-made shares
    rows = [
        ("eto:N20", "compute_hardware", "EUV", "eto_chip_explorer", "NLD", 100.0),  # ETO market $13.0 bn
        ("eto:N8", "compute_hardware", "Furnaces", "eto_chip_explorer", "DEU", 100.0),  # ETO market $44 m
        ("epoch:frontier_models", "models", "Frontier", "epoch_ai_models", "USA", 80.0),  # no market size
        ("epoch:frontier_models", "models", "Frontier", "epoch_ai_models", "CHN", 20.0),
        ("owid:electricity_generation", "energy", "Power", "owid_electricity", "CHN", 30.0),
        ("owid:electricity_generation", "energy", "Power", "owid_electricity", "USA", 15.0),
    ]
    df = pd.DataFrame(rows, columns=["input_id", "layer", "input", "source", "iso3", "share"])
    return df.assign(evidence="computed", year=2025, period="2025", basis="%", withheld=False)


def test_market_status_rule():
    assert stack.market_status(2e9) == "above_floor"
    assert stack.market_status(5e8) == "below_floor"
    assert stack.market_status(pd.NA) == "unknown"
    assert stack.market_status(5e8, min_market_usd=1e8) == "above_floor"


def test_market_floor_decides_chokepoints():
    table = stack.chokepoints(_tiny_shares(), hhi_threshold=2500).set_index("input_id")
    assert list(stack.chokepoints(_tiny_shares()).columns) == stack.CHOKEPOINT_COLUMNS
    assert table.loc["eto:N20", "market_size_usd"] == 13e9 and table.loc["eto:N20", "chokepoint"]
    assert table.loc["eto:N8", "highly_concentrated"] and not table.loc["eto:N8", "chokepoint"]  # $44 m niche
    assert table.loc["eto:N8", "market_status"] == "below_floor" and table.loc["eto:N8", "market_year"] == 2022
    assert table.loc["epoch:frontier_models", "market_status"] == "unknown"
    assert table.loc["epoch:frontier_models", "chokepoint"]  # unknown market: kept by default
    assert not table.loc["owid:electricity_generation", "highly_concentrated"]  # 30² + 15² = 1125
    dropped = stack.chokepoints(_tiny_shares(), unknown_market="drop").set_index("input_id")
    assert not dropped.loc["epoch:frontier_models", "chokepoint"]
    no_floor = stack.chokepoints(_tiny_shares(), min_market_usd=0).set_index("input_id")
    assert no_floor.loc["eto:N8", "chokepoint"] and no_floor.loc["eto:N8", "market_status"] == "no_floor"
    with pytest.raises(ValueError, match="unknown_market"):
        stack.chokepoints(_tiny_shares(), unknown_market="maybe")


def test_input_shares_rejects_unknown_group():
    with pytest.raises(ValueError, match="include"):
        stack.input_shares(include=["eto", "bogus"])


# --- curated tables -----------------------------------------------------------------------------


def test_declared_inputs_and_components_agree_with_builders():
    inputs = stack.declared_inputs()
    assert set(inputs["builder"]) <= set(stack.BUILDERS)
    assert inputs.loc[inputs["market_size_usd"].notna(), "market_source_url"].str.startswith("http").all()
    shares = stack.input_shares()
    explicit = set(inputs.loc[~inputs["input_id"].str.endswith(":*"), "input_id"])
    assert explicit <= set(shares["input_id"])  # every declared input is built
    assert stack.unknown_component_ids(shares) == []  # components.csv names only real ids
    assert set(framework.load_components()["layer"]) == set(framework.layer_ids())


def test_undeclared_builder_output_is_an_error(tmp_path, monkeypatch):
    src = stack.paths.STACK_DIR
    for name in ("layers.csv", "components.csv", "chokepoint_facts.csv"):
        (tmp_path / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (src / "inputs.csv").read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(stack.paths, "STACK_DIR", tmp_path)

    def use(lines: list[str]) -> None:
        (tmp_path / "inputs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        stack._input_shares.cache_clear()  # the shares are cached per (since, mineral_year, groups)

    try:
        use([line.replace("cited:*,", "quoted:*,") for line in text])  # the cited builder's ids are undeclared
        with pytest.raises(InputFileError, match=r"inputs\.csv.*undeclared input id.*cited:hbm"):
            stack.input_shares(include=["cited"])
        use([line.replace(",usgs,indium (refinery),", ",usgs,tin (smelter),") for line in text])
        with pytest.raises(InputFileError, match=r"inputs\.csv.*tin \(smelter\)"):
            stack.input_shares(include=["minerals"])
        use([line.replace("top500_rmax", "nonsense") for line in text])
        with pytest.raises(InputFileError, match=r"inputs\.csv, row \d+, column 'builder'.*nonsense"):
            stack.declared_inputs()
    finally:
        stack._input_shares.cache_clear()


# --- real mirror --------------------------------------------------------------------------------


def test_chokepoints_real_mirror():
    shares = stack.input_shares()
    table = stack.chokepoints(shares).set_index("input_id")
    assert table.loc["eto:N20", "top1_iso3"] == "NLD" and table.loc["eto:N20", "top1_share"] == 100
    assert table.loc["usgs:gallium:primary_production", "top1_iso3"] == "CHN"
    assert table.loc["usgs:gallium:primary_production", "n_withheld"] == 1  # US value withheld by USGS
    # Taiwan and South Korea appear where they hold leading-edge foundry and HBM
    assert table.loc["cited:advanced_logic_lt10nm", "top1_iso3"] == "TWN"
    assert table.loc["cited:hbm", "top1_iso3"] == "KOR" and table.loc["cited:hbm", "evidence"] == "cited"
    assert table.loc["eto:N5", "top1_iso3"] == "KOR"  # memory, computed from ETO
    # cloud regions now include every provider in the mirror: China holds a share
    cloud = shares[(shares["input_id"] == "cloud:regions_by_provider_home") & (shares["iso3"] == "CHN")]
    assert float(cloud["share"].iloc[0]) > 5
    assert {"FRA", "DEU"} <= set(shares.loc[shares["input_id"] == "cloud:regions_by_provider_home", "iso3"])
    assert table.loc["top500:rmax", "top1_iso3"] == "USA"
    # germanium: every value withheld → not in the table, listed as unattributed with its withheld count
    un = stack.unattributed_inputs(shares).set_index("input_id")
    assert un.loc["usgs:germanium:refinery_production", "n_withheld"] >= 5
    assert "usgs:germanium:refinery_production" not in table.index
    # every row carries a market size status and vintage
    assert table["market_status"].isin(["above_floor", "below_floor", "unknown"]).all()
    assert table.loc[table["market_size_usd"].notna(), "market_year"].notna().all()
    assert table.loc[table["source"] == "eto_chip_explorer", "non_commercial"].all()


def test_top500_trend_and_summaries():
    trend = stack.top500_trend(top=3)
    assert trend["list"].nunique() == 13
    per_list = trend.groupby("list")["share_rmax_pct"].sum()
    assert per_list.between(99.9, 100.1).all()
    table = stack.chokepoints()
    layers = stack.layer_summary(table)
    assert layers["layer"].tolist() == list(framework.layer_ids())
    assert (layers["n_chokepoints"].fillna(0) <= layers["n_highly_concentrated"].fillna(0)).all()
    stages = stack.stage_summary(table)
    assert set(stages["stage"]) >= {"Design", "Fabrication"}
