"""Smoke test of notebooks/04-drivers.ipynb: runs in fast mode and writes the output contract."""

from __future__ import annotations

import base64
import json

import pandas as pd
import pytest

from sovai import paths
from sovai.build.notebooks import notebook_parameters
from sovai.report_io import headlines_from_notebook

pytestmark = pytest.mark.slow

NOTEBOOK = paths.NOTEBOOKS_DIR / "04-drivers.ipynb"


def test_parameter_defaults():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    params = notebook_parameters(nb, NOTEBOOK)
    for name in ("outcome", "covariates", "family", "robust", "exclude", "year", "output_dir", "seed", "fast"):
        assert name in params, name
    assert params["output_dir"] == "../reports" and params["seed"] == 42 and params["fast"] is False
    assert isinstance(params["covariates"], list) and isinstance(params["exclude"], list)


def test_cells_call_the_report_contract_once():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"][1:]
    assert all(len(src.splitlines()) <= 5 for src in code), [src for src in code if len(src.splitlines()) > 5]
    assert sum(src.count("drivers.run(") for src in code) == 1
    assert not any("report_io" in src or "write_" in src for src in code)  # the report module writes


@pytest.fixture(scope="module")
def built(fast_build):
    """04-drivers as executed by the session's fast build."""
    return fast_build.code, fast_build.out


@pytest.mark.xdist_group("fast_build")
def test_fast_build_writes_contract(built):
    rc, out = built
    assert rc == 0
    tab = pd.read_csv(out / "tables" / "drivers_models.csv")
    assert {"model", "term", "coef", "se", "pvalue", "pvalue_holm", "pvalue_bh", "ci_low", "ci_high", "nobs"} <= set(
        tab.columns
    )
    assert {"base", "base: drop USA, CHN"} <= set(tab["model"])
    assert tab["coef"].notna().all() and (tab["se"] > 0).all() and (tab["ci_low"] <= tab["ci_high"]).all()
    for name in (
        "drivers_models.tex",
        "drivers_models.html",
        "driver_proxies.csv",
        "drivers_dropped.csv",
        "drivers_fit_statistics.csv",
        "drivers_bootstrap.csv",
        "drivers_leave_one_region_out.csv",
    ):
        assert (out / "tables" / name).stat().st_size > 0, name
    for name in ("drivers_coefficients", "drivers_predicted_vs_observed", "drivers_marginal_effect"):
        assert (out / "figures" / f"{name}.png").exists(), name
    dropped = pd.read_csv(out / "tables" / "drivers_dropped.csv")
    assert "Taiwan" in set(dropped["name"])


@pytest.mark.xdist_group("fast_build")
def test_fast_build_displays_every_saved_figure(built):
    rc, out = built
    nb = json.loads(next((out / "notebooks").glob("04-drivers*.ipynb")).read_text(encoding="utf-8"))
    shown = [
        base64.b64decode(o["data"]["image/png"])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    saved = [
        (out / "figures" / f"drivers_{n}.png").read_bytes()
        for n in ("coefficients", "marginal_effect", "predicted_vs_observed")
    ]
    assert shown == saved  # in order, each once, the saved PNG itself


@pytest.mark.xdist_group("fast_build")
def test_fast_build_records_headlines(built):
    rc, out = built
    nb = json.loads(next((out / "notebooks").glob("04-drivers*.ipynb")).read_text(encoding="utf-8"))
    heads = headlines_from_notebook(nb)
    assert heads["drivers_base_nobs"]["value"] > 50
    assert heads["drivers_base_nobs"]["value"] + heads["drivers_base_dropped"]["value"] == 195
    assert "drivers_base_coef_log_gdp" in heads
