"""Market floor and chokepoint status (:mod:`sovai.stack.tables`) on hand-made shares."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import stack  # noqa: E402

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
