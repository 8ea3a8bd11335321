"""sovai.reports.maps: the contract of notebook 03-maps (which maps, saved where, said how)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sovai import maps
from sovai.reports import maps as report
from sovai.reports.rankings import read_tables

STANCE = pd.CategoricalDtype(["none", "selective", "broad", "full_stack"], ordered=True)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def legend_texts(fig):
    (legend,) = fig.legends
    return [t.get_text() for t in legend.get_texts()]


def toy_codings():
    """Test codings (not real ones): a stance and a driver for seven countries."""
    return pd.DataFrame(
        {
            "stance": pd.Categorical(["full_stack", "broad", "broad", "selective", "none", "none", None], dtype=STANCE),
            "driver_economic": pd.array([True, True, False, None, None, None, True], dtype="boolean"),
        },
        index=pd.Index(["USA", "CHN", "FRA", "NOR", "BRA", "SGP", "XKX"], name="iso3"),
    )


def write_toy_rankings(folder, *, layers: bool = True) -> None:
    """Test rankings tables in the layout 02-rankings writes (values made up for the test)."""
    tables = folder / "tables"
    tables.mkdir(exist_ok=True)
    pd.DataFrame({"iso3": ["USA", "CHN", "DEU", "NAM"], "score": [90.0, 80.0, 50.0, 5.0], "rank": [1, 2, 3, 4]}).to_csv(
        tables / "rankings_overall.csv", index=False
    )
    if layers:
        pd.DataFrame(
            {
                "iso3": ["USA", "CHN", "USA", "CHN"],
                "layer": ["minerals", "minerals", "models", "models"],
                "score": 1.0,
                "rank": [2, 1, 1, 2],
            }
        ).to_csv(tables / "rankings_layers.csv", index=False)


def test_save_map_writes_png_and_svg_deterministically(tmp_path):
    res = maps.choropleth(toy_codings(), "stance", title="Stance", source="Source: test")
    written = report.save_map(res, "stance", tmp_path, ["png", "svg"], dpi=60)
    assert sorted(p.name for p in written) == ["map_stance.png", "map_stance.svg"]
    assert (tmp_path / "figures" / "map_stance.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "figures" / "map_stance.svg").read_text()
    assert "<svg" in svg and "Natural Earth" in svg
    again = report.save_map(res, "stance", tmp_path / "again", "svg", dpi=60)
    assert again[0].read_bytes() == (tmp_path / "figures" / "map_stance.svg").read_bytes()
    assert not [p for p in (tmp_path / "figures").iterdir() if p.suffix == ".tmp"]  # atomic
    with pytest.raises(ValueError, match="parameter 'formats'"):
        report.save_map(res, "stance", tmp_path, ["gif"])


def test_ranking_maps_use_the_tables_and_are_never_fabricated(tmp_path):
    codings = toy_codings()
    write_toy_rankings(tmp_path, layers=False)
    rankings = read_tables(tmp_path)
    assert report.unavailable("overall_rank", codings, rankings) is None
    overall = report.draw_map("overall_rank", codings=codings, rankings=rankings, k=2)
    assert overall.matched == ["CHN", "DEU", "NAM", "USA"] and overall.classification.kind == "continuous"
    reason = report.unavailable("layers", codings, rankings)
    assert reason.startswith("layer rankings table missing") and "rankings_layers.csv not found" in reason
    with pytest.raises(ValueError, match="cannot be drawn: layer rankings table missing"):
        report.draw_map("layers", codings=codings, rankings=rankings)
    write_toy_rankings(tmp_path)
    multi = report.draw_map("layers", codings=codings, rankings=read_tables(tmp_path), k=2)
    assert list(multi.panels) == ["minerals", "models"]
    assert report.unavailable("nope", codings, rankings) == "'nope' is not a column of the categorical codings"
    with pytest.raises(ValueError, match="parameter 'variables'.*nope"):
        report.check_variables(["stance", "nope"], codings)


def test_a_boolean_coding_says_coded_absent_and_not_coded():
    res = report.draw_map("driver_economic", codings=toy_codings(), rankings=None)
    assert res.classification.labels == ["no (coded absent)", "yes"]
    texts = legend_texts(res.fig)
    assert texts[0].startswith("no (coded absent)") and any(t.startswith("not coded (n = ") for t in texts)


def test_region_names_the_title():
    res = report.draw_map("stance", codings=toy_codings(), rankings=None, region="EU")
    assert res.ax.get_title(loc="left") == "AI sovereignty stance — EU"


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    result = report.run(variables=["stance", "overall_rank", "ai_law"], formats=["png"], dpi=40, output_dir=out)
    return result, out


def test_run_draws_the_requested_maps_and_says_why_others_are_not(ran, capsys):
    result, out = ran
    assert result.variables == ["stance", "overall_rank", "ai_law"] and result.extra == ["ai_law"]
    assert sorted(result.maps) == ["ai_law", "stance"]
    assert isinstance(result.maps["stance"], maps.MapResult)
    assert not set(plt.get_fignums()) & {m.fig.number for m in result.maps.values()}  # shown by show()
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["map_ai_law.png", "map_stance.png"]
    assert result.files["stance"] == [out / "figures" / "map_stance.png"]
    # the ranking tables of 02-rankings are not in this folder: said, not faked
    assert "rankings_overall.csv not found" in result.notes
    assert result.texts["overall_rank"].startswith("map_overall_rank: not drawn — rankings table missing")
    assert result.texts["layers"] == "map_layers: not requested (parameter 'variables')"
    assert result.texts["stance"].startswith("map_stance: map_stance.png\nmatched ")
    assert "not coded:" in result.texts["stance"] and "no data:" not in result.texts["stance"]
    assert result.unmatched == [] and "unmatched country codes (no geometry): none" in result.matching_summary
    assert result.headlines == {"maps_unmatched_countries": 0, "target_countries_with_geometry": 195}
    result.show("layers")
    assert capsys.readouterr().out.strip() == result.texts["layers"]


def test_fast_mode_draws_the_first_two_maps_in_png(tmp_path):
    result = report.run(variables=["stance", "instrument_count", "layers"], output_dir=tmp_path, fast=True)
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["map_instrument_count.png", "map_stance.png"]
    assert "not requested" in result.texts["layers"]
