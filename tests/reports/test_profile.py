"""sovai.reports.profile: the contract of notebook 07-country-profile."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import interdependence, overview, stack
from sovai.reports import profile


@pytest.fixture(scope="module")
def build_cache(tmp_path_factory):
    """Share the expensive results between the runs of this module, as a build does."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOVAI_BUILD_CACHE", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("SOVAI_BUILD_INPUTS_KEY", "tests-reports-profile")
        yield


@pytest.fixture(scope="module")
def germany(build_cache, tmp_path_factory):
    out = tmp_path_factory.mktemp("DEU")
    # no rankings tables in reports_dir: the profile computes the default ranking itself
    return profile.run(iso3="Germany", reports_dir=out / "none", output_dir=out, fast=True), out


def test_fields_are_typed_and_the_figures_saved(germany):
    result, out = germany
    assert (result.iso3, result.name) == ("DEU", "Germany")
    assert result.header.startswith("## Germany (DEU)\n\nUN region: Europe / Western Europe")
    assert "member of: EU" in result.header
    assert set(result.figures) == {"layers", "locator"}
    assert all(isinstance(f, Figure) for f in result.figures.values())
    assert not set(plt.get_fignums()) & {f.number for f in result.figures.values()}  # shown by the notebook
    assert result.files == {
        "layers": [out / "figures" / "profile_DEU_layers.png"],
        "locator": [out / "figures" / "profile_DEU_locator.png"],
    }
    assert all(path.stat().st_size > 0 for paths in result.files.values() for path in paths)


def test_ranking_is_computed_with_the_default_settings_when_the_tables_are_missing(germany):
    result, _ = germany
    overall, layers = profile.default_ranking(42, True)
    assert result.ranking_source.startswith("composite index with default settings")
    rank = int(overall.set_index("iso3").at["DEU", "rank"])
    assert f"rank **{rank} of {len(overall)}**" in result.ranking_summary
    assert result.headlines["DEU_overall_rank"] == rank
    table = result.layer_scores.data
    assert list(table.columns) == ["layer", "score", "rank", "ranked"]
    mine = layers[layers["iso3"] == "DEU"].reset_index(drop=True)
    pd.testing.assert_series_equal(table["rank"], mine["rank"])
    assert (table["ranked"] == len(overall)).all()


def test_ranking_reuses_the_tables_of_02_rankings(build_cache, germany, tmp_path):
    _, out = germany
    overall, layers = profile.default_ranking(42, True)
    (tmp_path / "tables").mkdir()
    overall.to_csv(tmp_path / "tables" / "rankings_overall.csv", index=False)
    layers.to_csv(tmp_path / "tables" / "rankings_layers.csv", index=False)
    result = profile.run(iso3="DEU", reports_dir=tmp_path, output_dir=tmp_path, fast=True)
    assert result.ranking_source == f"tables of notebook 02-rankings ({tmp_path / 'tables'})"
    assert result.ranking_summary.split(" Source:")[0] == germany[0].ranking_summary.split(" Source:")[0]


def test_presence_and_exposure_match_the_analysis_functions(germany):
    result, _ = germany
    shares = stack.input_shares()
    presence = interdependence.layer_presence(shares, threshold=5.0).set_index("iso3")
    assert result.headlines["DEU_layers_meaningful"] == presence.at["DEU", "n_layers_meaningful"]
    exposure = result.exposure.data
    assert list(exposure.columns) == profile.EXPOSURE_COLUMNS and len(exposure) == 12
    expected = interdependence.exposure("DEU", shares, bloc="unga")
    assert exposure["outside_share"].tolist() == expected["outside_share"].head(12).tolist()
    assert result.exposure_summary.startswith("Across the ")


def test_codings_and_drivers_are_listed(germany):
    result, _ = germany
    assert result.instruments_summary.startswith("Instruments found: ")
    assert "national_ai_strategy" in result.instruments and "driver_economic" in result.driver_codings
    proxies = result.driver_proxies.data
    assert list(proxies.columns) == ["driver", "proxy", "value", "percentile"]
    assert proxies["percentile"].dropna().between(0, 100).all()


def test_data_text_is_escaped_and_only_http_links_are_clickable(build_cache, germany, monkeypatch, tmp_path):
    _, out = germany
    hostile = pd.DataFrame(
        {
            "variable": ["ai_law", "chip_programme"],
            "coded_for": ["DEU", "DEU"],
            "value": ["<b>yes</b>", "yes"],
            "source_url": ["javascript:alert(1)", "https://example.org/law"],
            "source_title": ["<script>alert(1)</script>", "A law"],
            "accessed": ["2026-01-01", "2026-01-01"],
            "note": ["<img src=x onerror=alert(1)>", ""],
        }
    )
    monkeypatch.setattr(overview, "profile_codings", lambda *args, **kwargs: hostile)
    result = profile.run(iso3="DEU", reports_dir=out / "none", output_dir=tmp_path, fast=True)
    for html in (result.instruments, result.driver_codings):
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;" in html and 'href="javascript' not in html
        assert '<a href="https://example.org/law" rel="noopener noreferrer">A law</a>' in html


@pytest.mark.parametrize(
    ("iso3", "ranked", "has_bloc"),
    [("PLW", False, True), ("TWN", True, False)],  # Palau fails the layer rule; Taiwan has no UNGA votes
)
def test_a_section_the_data_do_not_cover_says_so(build_cache, germany, tmp_path, iso3, ranked, has_bloc):
    _, out = germany
    result = profile.run(iso3=iso3, reports_dir=out / "none", output_dir=tmp_path, fast=True)
    assert (result.layer_scores is not None) == ranked and ("layers" in result.figures) == ranked
    assert result.ranking_summary.startswith("**Not available:**") != ranked
    assert (result.exposure is not None) == has_bloc
    assert result.exposure_summary.startswith("**Not available:**") != has_bloc
    assert "locator" in result.figures
