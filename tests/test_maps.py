"""Choropleths and small multiples, tested on artists (collections, colours, legend), not pixels."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402

STANCE = pd.CategoricalDtype(["none", "selective", "broad", "full_stack"], ordered=True)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection {gid!r}, found {len(found)}"
    return found[0]


def legend_texts(fig):
    (legend,) = fig.legends
    return [t.get_text() for t in legend.get_texts()]


def stance_frame():
    return pd.DataFrame(
        {
            "stance": pd.Categorical(
                ["full_stack", "full_stack", "broad", "selective", "none", "none", "broad"], dtype=STANCE
            ),
            "count": pd.array([8, 7, 4, 2, 0, 0, 5], dtype="Int64"),
        },
        index=pd.Index(["USA", "CHN", "FRA", "NOR", "BRA", "SGP", "XKX"], name="iso3"),
    )


def test_patches_equal_matched_countries_with_values():
    df = stance_frame()
    res = maps.choropleth(df, "stance", expected=df.index)
    data = collection(res.ax, "sovai-data")
    assert len(data.get_paths()) == len(df) == res.info.n_patches
    assert res.matched == sorted(df.index)
    assert res.unmatched == []
    assert len(collection(res.ax, "sovai-missing").get_paths()) == 0
    assert "no data (n = 0)" not in legend_texts(res.fig)


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


def test_legend_labels_and_counts_with_missing_patch():
    df = stance_frame()
    df.loc["BRA", "stance"] = np.nan
    res = maps.choropleth(df, "stance", expected=list(df.index) + ["ARG"])
    texts = legend_texts(res.fig)
    assert texts[:4] == ["none (n = 1)", "selective (n = 1)", "broad (n = 2)", "full stack (n = 2)"]
    assert "no data (n = 2)" in texts  # BRA (NA value) and ARG (expected, absent)
    missing = collection(res.ax, "sovai-missing")
    assert len(missing.get_paths()) == 2 and missing.get_hatch()
    assert res.info.missing == ["ARG", "BRA"]
    assert res.counts["no data"] == 2


def test_default_expected_is_the_target_countries():
    res = maps.choropleth(stance_frame(), "stance")
    assert res.counts["no data"] == 195 - 7
    # territories (Greenland) are context, not "no data"
    assert "GRL" not in res.info.missing


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


def test_unmatched_iso3_is_reported_not_dropped():
    df = stance_frame()
    df.loc["ZZZ"] = df.loc["USA"]
    with pytest.warns(UserWarning, match="ZZZ"):
        res = maps.choropleth(df, "stance", expected=df.index)
    assert res.unmatched == ["ZZZ"]
    assert "ZZZ" not in res.matched
    assert "Not mapped (no geometry): ZZZ" in res.caption
    assert "unmatched (no geometry, not drawn): ZZZ" in res.summary()


def test_caption_has_source_and_licence():
    res = maps.choropleth(stance_frame(), "stance", source="Source: test codings (CC BY 4.0)")
    captions = [a for a in res.fig.artists if a.get_gid() == "sovai-caption"]
    assert len(captions) == 1
    text = captions[0].get_text()
    assert text.startswith("Source: test codings (CC BY 4.0)")
    assert "Natural Earth" in text and "public domain" in text and "Equal Earth" in text


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


def test_any_crs():
    res = maps.choropleth(stance_frame(), "stance", projection="EPSG:4326", expected=stance_frame().index)
    assert res.info.n_patches == 7
    x0, x1 = res.ax.get_xlim()
    assert -200 < x0 < x1 < 200


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


@pytest.mark.parametrize("projection", ["+proj=eqearth +lon_0=150 +units=m", "+proj=robin +lon_0=-90 +units=m"])
def test_map_centred_off_greenwich_has_no_wrapping_polygons(projection):
    res = maps.choropleth(stance_frame(), "stance", projection=projection, expected=stance_frame().index)
    x0, x1 = res.ax.get_xlim()
    width = x1 - x0
    for coll in res.ax.collections:
        for path in getattr(coll, "get_paths", list)():
            v, codes = path.vertices, path.codes
            if codes is None or len(v) < 2:
                continue
            step = np.abs(np.diff(v[:, 0]))
            step = step[(codes[1:] == path.LINETO)]  # segments within a ring, not jumps between rings
            assert step.max(initial=0) < width / 2, "a polygon wraps around the map edge"


def test_not_coded_cells_are_hatched_and_named_in_the_legend_with_na_counts():
    """Codings with missing instrument counts and stances (the default na_policy keeps uncoded
    cells missing): the missing countries are hatched and the legend says "not coded"."""
    df = pd.DataFrame(
        {
            "instrument_count": pd.array([0, 3, pd.NA, 8], dtype="Int64"),
            "stance": pd.Series(["none", "selective", None, "full_stack"], dtype=STANCE).to_numpy(),
        },
        index=pd.Index(["DEU", "FRA", "ITA", "USA"], name="iso3"),
    )
    expected = ["DEU", "FRA", "ITA", "USA", "ESP"]
    for column in ("instrument_count", "stance"):
        res = maps.choropleth(df, column, expected=expected, missing_label="not coded")
        missing = collection(res.ax, "sovai-missing")
        assert len(missing.get_paths()) == 2 and missing.get_hatch()  # ITA (NA) and ESP (no row)
        assert res.info.missing == ["ESP", "ITA"] and res.counts["no data"] == 2
        assert legend_texts(res.fig)[-1] == "not coded (n = 2)"
        assert not any(t.startswith("no data") for t in legend_texts(res.fig))


def test_region_label_and_boolean_detection():
    assert maps.region_label("world") == "World" and maps.region_label("eu") == "EU"
    assert maps.region_label(["USA", "China"]) == "CHN, USA"
    assert maps.is_boolean(pd.Series([True, None, False], dtype=object))
    assert not maps.is_boolean(pd.Series([1, 0])) and not maps.is_boolean(pd.Series([None], dtype=object))
