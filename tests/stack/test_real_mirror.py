"""Country shares and chokepoints of the real data mirror (builders, shares and tables together)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import stack  # noqa: E402

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
