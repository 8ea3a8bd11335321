"""One panel's artists: a path per country in the data collection, small states as markers."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import collection, legend_texts, stance_frame  # noqa: E402


def test_patches_equal_matched_countries_with_values():
    df = stance_frame()
    res = maps.choropleth(df, "stance", expected=df.index)
    data = collection(res.ax, "sovai-data")
    assert len(data.get_paths()) == len(df) == res.info.n_patches
    assert res.matched == sorted(df.index)
    assert res.unmatched == []
    assert len(collection(res.ax, "sovai-missing").get_paths()) == 0
    assert "no data (n = 0)" not in legend_texts(res.fig)


def test_small_states_drawn_as_markers_in_class_colour():
    df = stance_frame()
    res = maps.choropleth(df, "stance", expected=df.index)
    assert res.info.small_states == ["SGP", "XKX"]  # Kosovo (~11,000 km²) is below the world-map threshold
    markers = collection(res.ax, "sovai-small-states")
    assert len(markers.get_offsets()) == 2
    faces = sorted(to_hex(c) for c in markers.get_facecolors())
    assert faces == sorted([res.classification.colors[0], res.classification.colors[2]])  # none, broad
    assert "small state (marker)" in legend_texts(res.fig)
    # Malta, Bahrain, Tuvalu exist at 1:50m and get markers too
    more = maps.choropleth(pd.Series([1.0, 2.0, 3.0], index=["MLT", "BHR", "TUV"]), expected=[])
    assert more.info.small_states == ["BHR", "MLT", "TUV"]
