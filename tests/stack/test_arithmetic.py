"""Concentration arithmetic (:mod:`sovai.stack.arithmetic`): HHI, top-k share, residual, withheld values,
shares not summing to 100."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import stack  # noqa: E402

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
