"""notebooks/03-maps.ipynb: parameters cell conventions, and a fast smoke run with papermill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03-maps.ipynb"


def test_parameter_defaults():
    """The defaults of 03's parameters (cell hygiene: tests/notebooks/test_lint.py)."""
    from sovai.build.notebooks import notebook_parameters

    names = notebook_parameters(json.loads(NOTEBOOK.read_text(encoding="utf-8")), NOTEBOOK)
    expected = {"variables", "scheme", "k", "projection", "region", "formats", "dpi", "output_dir", "seed", "fast"}
    assert expected == set(names)
    # run by hand, the notebook writes to a git-ignored scratch folder, never over the built report
    assert names["output_dir"] == "../reports/scratch" and names["seed"] == 42 and names["fast"] is False
    assert names["formats"] == ["png", "svg"]  # pdf on request (it is the slowest format to write)
    required = {"stance", "instrument_count", "national_ai_strategy_year", "overall_rank", "layers"}
    assert required <= set(names["variables"])
    assert any(v.startswith("driver_") for v in names["variables"])


@pytest.mark.slow
@pytest.mark.xdist_group("fast_build")
def test_fast_smoke_run(fast_build):
    """03-maps as executed by the session's fast build: png only, every target country on the map.
    (A folder without 02's rankings is tested in-process: tests/reports/test_maps.py.)"""
    from sovai.report_io import headlines_from_notebook

    assert fast_build.code == 0, fast_build.failures()
    record = fast_build.record("03-maps")
    figures = [f for f in record["outputs"] if f.startswith("figures/")]
    assert len(figures) >= 2 and all(f.endswith(".png") for f in figures), figures  # fast: png only
    assert {"figures/map_instrument_count.png", "figures/map_stance.png"} <= set(figures)
    text = (fast_build.out / record["ipynb"]).read_text(encoding="utf-8")
    assert "unmatched country codes (no geometry): none" in text
    headlines = headlines_from_notebook(json.loads(text))
    assert headlines["maps_unmatched_countries"]["value"] == 0
    assert headlines["target_countries_with_geometry"]["value"] == 195


@pytest.mark.slow
@pytest.mark.xdist_group("fast_build")
def test_built_pages_show_every_figure_the_notebooks_save(fast_build):
    """The built Maps page once had no maps (a warm kernel lost interactive mode): every PNG that a
    notebook saves must be displayed in the executed notebook and its HTML page. In the session
    build (two workers, seven notebooks) at least five notebooks run in a warm kernel."""
    from sovai.build import notebooks
    from sovai.build.site.exporter import figures_not_displayed

    out = fast_build.out
    assert fast_build.code == 0, fast_build.failures()
    for stem in [p.stem for p in notebooks.discover_notebooks()]:
        record = fast_build.record(stem)
        pngs = [f for f in record["outputs"] if f.endswith(".png")]
        assert record["figures_not_displayed"] == [], stem
        nb = json.loads((out / record["ipynb"]).read_text())
        page = (out / record["html"]).read_text()
        assert figures_not_displayed(nb, [out / f for f in pngs], page) == [], stem
        if stem in ("02-rankings", "03-maps"):
            assert pngs, f"{stem} saved no PNG"
    page = (out / "html" / "03-maps.html").read_text()
    assert page.count("data:image/png;base64") >= 2  # fast mode: stance and instrument count at least
    assert "../index.html" in page  # every page links back to the index
