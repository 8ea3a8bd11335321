"""sovai.reports.rankings: the contract of notebook 02-rankings (fast run on the G20)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import composite
from sovai.composite import CompositeResult
from sovai.reports import rankings

FIGURES = {
    "overall",
    "layer_heatmap",
    "effective_weights",
    "sensitivity",
    "country_sensitivity",
    "intensity_overall",
    "scale_vs_intensity",
    "over_time",
}
PER_VIEW = ["overall", "layers", "layer_scores", "weights", "sensitivity", "sensitivity_country", "loo"]
PER_VIEW += ["imputed", "treatment", "coherence", "excluded"]


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    out = tmp_path_factory.mktemp("rankings")
    other_index = out / "other_index.csv"
    # a user-supplied index named by country (the comparison harmonises names to ISO3)
    pd.DataFrame({"country": ["United States", "China", "Germany", "Japan", "India"], "score": [5, 4, 3, 2, 1]}).to_csv(
        other_index, index=False
    )
    result = rankings.run(countries="G20", compare_with=str(other_index), output_dir=out, fast=True)
    return result, out


def test_fields_are_typed_and_figures_are_left_for_the_notebook_to_show(ran):
    result, _ = ran
    assert (result.view, result.other_view) == ("scale", "intensity")
    assert isinstance(result.composite, CompositeResult) and isinstance(result.other, CompositeResult)
    assert result.other.config["panel"]["view"] == "intensity"
    assert set(result.figures) == FIGURES
    assert all(isinstance(fig, Figure) for fig in result.figures.values())
    # closed in pyplot: shown where the notebook displays them, not all at the end of the run cell
    assert not set(plt.get_fignums()) & {fig.number for fig in result.figures.values()}
    assert result.log.splitlines() == result.composite.log
    assert "Reconstruction by sovai" in result.source
    assert list(result.coverage.columns) == ["id", "layer", "unit", "timing", "coverage", "source", "licence", "note"]
    assert list(result.missing_layer_scores.columns) == ["countries without a layer score"]
    assert len(result.leave_one_out) <= 10 and result.leave_one_out["mean_abs_rank_shift"].is_monotonic_decreasing


def test_tables_match_the_engine_and_are_written_where_the_readers_look(ran):
    result, out = ran
    tables = out / "tables"
    pd.testing.assert_frame_equal(result.overall, composite.overall_table(result.composite))
    written = pd.read_csv(tables / "rankings_overall.csv", keep_default_na=False, na_values=[""])
    assert written["iso3"].tolist() == result.composite.overall.index.tolist()
    assert written["rank"].tolist() == result.composite.overall["rank"].tolist()
    for prefix in ("rankings", "rankings_intensity"):
        for name in PER_VIEW:
            assert result.files[f"{prefix}_{name}.csv"] == tables / f"{prefix}_{name}.csv"
        config = json.loads((tables / f"{prefix}_config.json").read_text())
        assert config["log"] == (result.composite if prefix == "rankings" else result.other).log
    for name in ("rankings_over_time.csv", "rankings_rank_changes.csv", "rankings_compare_stats.csv"):
        assert (tables / name).is_file(), name
    assert result.explorer_page == out / "explorer.html" and result.explorer_page.is_file()
    assert set(result.comparison.stats["statistic"]) == {"spearman", "kendall"}
    assert (result.comparison.stats["n"] == 5).all()  # all five named countries matched to ISO3
    assert sorted(p.name for p in (out / "figures").iterdir()) == sorted(f"rankings_{f}.png" for f in FIGURES)
    assert not [p for p in tables.iterdir() if p.suffix == ".tmp"]  # atomic writes leave no temporary file


def test_headlines_are_recorded_from_the_result(ran, capsys):
    result, _ = ran
    heads = result.headlines
    assert heads["n_ranked"] == len(result.overall) and heads["n_excluded"] == len(result.excluded)
    assert heads["top_country"] == result.overall["iso3"].iloc[0]
    assert heads["rank_USA"] == float(result.composite.overall.at["USA", "rank"])


def test_written_tables_are_byte_identical_on_rewrite(ran, tmp_path):
    result, out = ran
    again = rankings.write_composite_tables(result.composite, tmp_path)
    assert sorted(again) == sorted([*(f"rankings_{n}.csv" for n in PER_VIEW), "rankings_config.json"])
    for name, path in again.items():
        assert path.read_bytes() == (out / "tables" / name).read_bytes(), name


def test_read_tables_reads_what_run_wrote(ran):
    result, out = ran
    tables = rankings.read_tables(out)
    assert tables.problems == [] and tables.folder == out / "tables"
    assert tables.overall["iso3"].tolist() == result.overall["iso3"].tolist()
    assert set(tables.layers["layer"]) == set(result.composite.layer_scores.columns)


def test_read_tables_says_what_is_missing_and_keeps_namibia(tmp_path):
    got = rankings.read_tables(tmp_path)
    assert got.overall is None and got.layers is None and len(got.problems) == 2
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"iso3": ["USA", "NAM"], "score": [90.0, 10.0], "rank": [1, 2]}).to_csv(
        tmp_path / "tables" / "rankings_overall.csv", index=False
    )
    pd.DataFrame({"iso3": ["USA"], "layer": ["models"], "score": [1.0]}).to_csv(
        tmp_path / "tables" / "rankings_layers.csv", index=False
    )
    got = rankings.read_tables(tmp_path)
    assert got.overall["iso3"].tolist() == ["USA", "NAM"]  # Namibia's "NA" is not read as missing
    assert got.layers is None and "missing column(s) ['rank']" in got.problems[0]


def test_unknown_view_names_the_parameter(tmp_path):
    with pytest.raises(ValueError, match="parameter 'view'"):
        rankings.run(view="size", output_dir=tmp_path, fast=True)
