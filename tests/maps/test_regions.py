"""The region in focus (group, region, list of countries, bounding box) and its label."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import stance_frame  # noqa: E402


def test_region_focus_group_region_list_and_bbox():
    df = stance_frame()
    eu = maps.choropleth(df, "stance", region="EU")
    assert eu.matched == ["FRA"]
    assert set(eu.info.outside_focus) == set(df.index) - {"FRA"}
    assert eu.counts["no data"] == 26  # the other EU members
    x0, x1 = eu.ax.get_xlim()
    assert x1 - x0 < 8_000_000  # zoomed on Europe incl. Azores and Cyprus (metres); the world is ~34,000 km
    africa = maps.choropleth(df, "stance", region="Western Africa", expected=df.index)
    assert africa.matched == [] and africa.info.n_patches == 0
    lst = maps.choropleth(df, "stance", region=["USA", "China"])
    assert lst.matched == ["CHN", "USA"]
    box = maps.choropleth(df, "stance", region=(-10, 35, 30, 72), expected=df.index)
    assert set(box.matched) == {"FRA", "NOR", "XKX"}


def test_region_label_and_boolean_detection():
    assert maps.region_label("world") == "World" and maps.region_label("eu") == "EU"
    assert maps.region_label(["USA", "China"]) == "CHN, USA"
    assert maps.is_boolean(pd.Series([True, None, False], dtype=object))
    assert not maps.is_boolean(pd.Series([1, 0])) and not maps.is_boolean(pd.Series([None], dtype=object))
