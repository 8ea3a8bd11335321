"""choropleth and small_multiples end to end: defaults, warnings, parameter errors, shared scale."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import collection, legend_texts, stance_frame  # noqa: E402


def test_default_expected_is_the_target_countries():
    res = maps.choropleth(stance_frame(), "stance")
    assert res.counts["no data"] == 195 - 7
    # territories (Greenland) are context, not "no data"
    assert "GRL" not in res.info.missing


def test_unmatched_iso3_is_reported_not_dropped():
    df = stance_frame()
    df.loc["ZZZ"] = df.loc["USA"]
    with pytest.warns(UserWarning, match="ZZZ"):
        res = maps.choropleth(df, "stance", expected=df.index)
    assert res.unmatched == ["ZZZ"]
    assert "ZZZ" not in res.matched
    assert "Not mapped (no geometry): ZZZ" in res.caption
    assert "unmatched (no geometry, not drawn): ZZZ" in res.summary()


def test_bad_parameters_name_the_parameter():
    s = pd.Series([1.0, 2.0], index=["USA", "CHN"])
    with pytest.raises(ValueError, match="parameter 'scheme'"):
        maps.choropleth(s, scheme="jenks")
    with pytest.raises(ValueError, match="parameter 'scheme'"):
        maps.choropleth(stance_frame(), "stance", scheme="quantiles")
    with pytest.raises(ValueError, match="parameter 'k'"):
        maps.choropleth(s, scheme="quantiles", k=1)
    with pytest.raises(ValueError, match="parameter 'projection'"):
        maps.choropleth(s, projection="EPSG:0")
    with pytest.raises(ValueError, match="parameter 'region'"):
        maps.choropleth(s, region="Atlantis")
    with pytest.raises(ValueError, match="parameter 'column'"):
        maps.choropleth(stance_frame(), "nope")
    with pytest.raises(ValueError, match="duplicated"):
        maps.choropleth(pd.Series([1.0, 2.0], index=["USA", "USA"]))


def test_small_multiples_shared_scale():
    rows = []
    for layer, vals in {"energy": [10, 20, 30, None], "models": [90, 5, 50, 70], "talent": [1, 2, 3, 4]}.items():
        rows += [{"iso3": c, "layer": layer, "score": v} for c, v in zip(["USA", "CHN", "FRA", "SGP"], vals)]
    long = pd.DataFrame(rows)
    long["score"] = long["score"].astype("Float64")
    res = maps.small_multiples(
        long, "score", by="layer", scheme="equal_interval", k=3, expected=["USA", "CHN", "FRA", "SGP"]
    )
    assert list(res.axes) == ["energy", "models", "talent"]
    assert res.classification.bins[-1] == 90  # one scale over all panels
    assert [len(collection(ax, "sovai-data").get_paths()) for ax in res.axes.values()] == [3, 4, 4]
    assert res.panels["energy"].missing == ["SGP"]
    assert all(info.small_states == ["SGP"] for info in res.panels.values())
    # the same value has the same colour in every panel
    c_models = res.classification.codes
    assert c_models.get("models\x1fUSA") == 2 and c_models.get("talent\x1fUSA") == 0
    texts = legend_texts(res.fig)
    assert texts[-2:] == ["no data", "small state (marker)"]
    wide = long.pivot(index="iso3", columns="layer", values="score")
    res2 = maps.small_multiples(wide, panels=["talent", "energy"], expected=["USA"])
    assert list(res2.panels) == ["talent", "energy"]


def test_no_warning_for_clean_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps.choropleth(stance_frame(), "stance")
