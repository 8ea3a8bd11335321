"""Classes, palettes and labels: ordered, nominal, boolean, continuous schemes, bins and discrete integers."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import STANCE, collection, legend_texts, stance_frame  # noqa: E402


def test_ordered_category_colours_follow_order_and_are_sequential():
    df = stance_frame()
    res = maps.choropleth(df, "stance", expected=df.index)
    cls = res.classification
    assert cls.kind == "ordinal"
    assert cls.labels == ["none", "selective", "broad", "full stack"]
    # sequential palette: luminance falls monotonically with the category order
    lum = [np.dot(matplotlib.colors.to_rgb(c), [0.299, 0.587, 0.114]) for c in cls.colors]
    assert all(a > b for a, b in zip(lum, lum[1:]))
    # each country is painted with its category's colour, in the order the paths are drawn
    data = collection(res.ax, "sovai-data")
    faces = [to_hex(c) for c in data.get_facecolors()]
    table = maps._layer("50m", "de_jure", maps._crs(maps.DEFAULT_CRS).to_wkt(), maps.SIMPLIFY_KM["world"]).table
    drawn = [c for c in table["iso3"] if c in set(df.index)]
    expect = [cls.colors[STANCE.categories.get_loc(df.loc[c, "stance"])] for c in drawn]
    assert faces == [to_hex(c) for c in expect]
    # the legend lists the classes in order with their colours
    (legend,) = res.fig.legends
    handles = legend.legend_handles[: len(cls.labels)]
    assert [to_hex(h.get_facecolor()) for h in handles] == cls.colors


def test_nominal_and_boolean_palettes():
    df = pd.DataFrame(
        {"bloc": ["west", "east", "nonaligned", "west"], "flag": pd.array([True, False, None, True], dtype="boolean")},
        index=["USA", "CHN", "IND", "GBR"],
    )
    nom = maps.choropleth(df, "bloc", expected=df.index)
    assert nom.classification.kind == "nominal"
    assert nom.classification.labels == ["east", "nonaligned", "west"]
    assert nom.classification.colors == maps.OKABE_ITO[:3]
    boo = maps.choropleth(df, "flag", expected=df.index, labels={False: "no (not found)", True: "yes"})
    assert boo.classification.kind == "boolean"
    assert legend_texts(boo.fig)[:3] == ["no (not found) (n = 1)", "yes (n = 2)", "no data (n = 1)"]


@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "natural_breaks", "equal_interval"])
def test_continuous_schemes(scheme):
    rng = np.random.default_rng(0)
    codes = ["USA", "CHN", "DEU", "FRA", "GBR", "JPN", "IND", "BRA", "ZAF", "NGA", "EGY", "AUS"]
    s = pd.Series(rng.lognormal(size=len(codes)), index=codes, name="x")
    res = maps.choropleth(s, scheme=scheme, k=4, expected=codes)
    cls = res.classification
    assert cls.kind == "continuous" and len(cls.labels) == 4 and len(cls.bins) == 4
    assert sum(res.counts[label] for label in cls.labels) == len(codes)
    assert all(" – " in label for label in cls.labels)


def test_user_bins_and_discrete_integers():
    s = pd.Series([1.0, 5.0, 12.0, 40.0], index=["USA", "CHN", "DEU", "FRA"])
    res = maps.choropleth(s, bins=[2, 10, 50], expected=s.index)
    assert res.classification.scheme == "user_defined"
    assert list(res.counts.values())[:3] == [1, 1, 2]
    years = pd.Series(pd.array([2017, 2019, 2019, pd.NA], dtype="Int64"), index=["CAN", "FRA", "DEU", "USA"])
    res = maps.choropleth(years, expected=years.index)
    assert res.classification.kind == "discrete"
    assert res.classification.labels == ["2017", "2018", "2019"]
    assert res.counts == {"2017": 1, "2018": 0, "2019": 2, "no data": 1}
