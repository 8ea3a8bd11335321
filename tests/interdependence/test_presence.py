"""Layer presence (withheld = unknown, not zero) and full-stack summaries."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from tests.interdependence.toys import _toy, _withheld_toy  # noqa: E402


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
