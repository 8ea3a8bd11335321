"""notebooks/03-maps.ipynb: parameters cell conventions, and a fast smoke run with papermill."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03-maps.ipynb"
MIRROR = str(ROOT.parent / "shared" / "data" / "raw")


def _cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_parameters_cell_is_first_code_cell_with_commented_literals():
    code = [c for c in _cells() if c["cell_type"] == "code"]
    first = code[0]
    assert "parameters" in first["metadata"].get("tags", [])
    source = "".join(first["source"])
    names = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), f"only assignments in the parameters cell, found {ast.dump(node)[:60]}"
        names[node.targets[0].id] = ast.literal_eval(node.value)
    expected = {"variables", "scheme", "k", "projection", "region", "formats", "dpi", "output_dir", "seed", "fast"}
    assert expected == set(names)
    # run by hand, the notebook writes to a git-ignored scratch folder, never over the built report
    assert names["output_dir"] == "../reports/scratch" and names["seed"] == 42 and names["fast"] is False
    assert names["formats"] == ["png", "svg"]  # pdf on request (it is the slowest format to write)
    for line in source.splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"
        assert line.count("=") == 1, f"papermill cannot document a line with '=' in its comment: {line}"
    required = {"stance", "instrument_count", "national_ai_strategy_year", "overall_rank", "layers"}
    assert required <= set(names["variables"])
    assert any(v.startswith("driver_") for v in names["variables"])


def test_committed_without_outputs():
    for cell in _cells():
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None


@pytest.mark.slow
def test_fast_smoke_run(tmp_path):
    papermill = pytest.importorskip("papermill")
    os.environ.setdefault("SOVAI_DATA_MIRROR", MIRROR)
    out = tmp_path / "03-maps.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"output_dir": str(tmp_path), "fast": True},
        kernel_name="python3",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    figures = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert figures == ["map_instrument_count.png", "map_stance.png"]  # fast: two maps, png only
    text = out.read_text(encoding="utf-8")
    assert "unmatched country codes (no geometry): none" in text
    assert "rankings_overall.csv not found" in text  # no rankings in a fresh folder: said, not faked
    from sovai.report_io import headlines_from_notebook

    headlines = headlines_from_notebook(json.loads(text))
    assert headlines["maps_unmatched_countries"]["value"] == 0
    assert headlines["target_countries_with_geometry"]["value"] == 195


@pytest.mark.slow
def test_built_pages_show_every_figure_the_notebooks_save(tmp_path, monkeypatch):
    """The built Maps page once had no maps (a warm kernel lost interactive mode): every PNG that
    02-rankings and 03-maps save must be displayed in the executed notebook and its HTML page."""
    from sovai.build import build
    from sovai.build.site.exporter import figures_not_displayed

    os.environ.setdefault("SOVAI_DATA_MIRROR", MIRROR)
    out = tmp_path / "out"
    # one worker: 03-maps runs in the kernel 02-rankings warmed up (where the bug showed)
    assert build(["02-rankings", "03-maps"], out=out, jobs=1, fast=True, quiet=True) == 0
    for stem in ("02-rankings", "03-maps"):
        record = json.loads((out / ".cache" / "records" / f"notebook-{stem}.json").read_text())
        pngs = [f for f in record["outputs"] if f.endswith(".png")]
        assert pngs, f"{stem} saved no PNG"
        assert record["figures_not_displayed"] == [], stem
        nb = json.loads((out / record["ipynb"]).read_text())
        page = (out / record["html"]).read_text()
        assert figures_not_displayed(nb, [out / f for f in pngs], page) == []
    page = (out / "html" / "03-maps.html").read_text()
    assert page.count("data:image/png;base64") >= 2  # fast mode: stance and instrument count
    assert "../index.html" in page  # every page links back to the index
