"""Smoke tests of notebooks/05-chokepoints and 06-managed-interdependence (fast mode, tmp output)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sovai import paths
from sovai.build.notebooks import notebook_parameters
from sovai.report_io import headlines_from_notebook

pytestmark = pytest.mark.slow

NOTEBOOKS = {
    "05-chokepoints": ("country", "hhi_threshold", "min_market_usd", "cover_share", "since", "mineral_year", "top"),
    "06-managed-interdependence": (
        "country",
        "partners",
        "coalitions",
        "cover_share",
        "threshold",
        "excluded",
        "weight",
        "bloc",
        "min_market_usd",
    ),
}


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_parameter_defaults(name):
    path = paths.NOTEBOOKS_DIR / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    params = notebook_parameters(nb, path)
    for key in (*NOTEBOOKS[name], "output_dir", "seed", "fast"):
        assert key in params, key
    assert params["output_dir"] == "../reports" and params["seed"] == 42 and params["fast"] is False
    assert "CC BY-NC" in "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.fixture(scope="module")
def built(fast_build):
    """05 and 06 as executed by the session's fast build (default parameters; other parameters are
    exercised in-process by tests/reports/)."""
    return fast_build.code, fast_build.out


@pytest.mark.xdist_group("fast_build")
def test_chokepoints_contract(built):
    rc, out = built
    assert rc == 0
    tab = pd.read_csv(out / "tables" / "chokepoints.csv", keep_default_na=False, na_values=[""])
    required = {"layer", "input", "hhi", "top1_iso3", "top1_share", "top3_share", "n_countries", "source", "year"}
    assert required <= {*tab.columns} and {"market_size_usd", "market_year", "market_status", "chokepoint"} <= {
        *tab.columns
    }
    assert not tab.loc[tab["market_status"] == "below_floor", "chokepoint"].any()
    brief = pd.read_csv(out / "tables" / "chokepoint_brief.csv")
    assert {"outside_share", "partners", "no_partner_set", "market_size_usd"} <= set(brief.columns)
    assert tab["hhi"].between(0, 10000).all() and tab["top1_share"].between(0, 100.5).all()
    assert (tab["top3_share"] >= tab["top1_share"]).all()
    assert list(tab["hhi"]) == sorted(tab["hhi"], reverse=True)
    assert tab.loc[tab["source"] == "eto_chip_explorer", "non_commercial"].all()
    for name in ("chokepoints_ranked", "stack_concentration", "top500_trend"):
        assert (out / "figures" / f"{name}.png").exists(), name


@pytest.mark.xdist_group("fast_build")
def test_coalitions_contract(built):
    rc, out = built
    cov = pd.read_csv(out / "tables" / "coalitions.csv")
    assert {"coalition", "members", "input_id", "joint_share", "covered"} <= set(cov.columns)
    defaults = notebook_parameters(json.loads((paths.NOTEBOOKS_DIR / "06-managed-interdependence.ipynb").read_text()))
    assert {*defaults["coalitions"], "smallest_cover"} == set(cov["coalition"])
    assert cov.loc[cov["coalition"] == "smallest_cover", "covered"].all()
    div = pd.read_csv(out / "tables" / "diversification.csv")
    assert {"baseline_hhi", "scenario_hhi", "partner_capacity", "gap", "status"} <= set(div.columns)
    assert (div.loc[div["status"] == "infeasible", "gap"] > 0).all()
    best = pd.read_csv(out / "tables" / "minimum_coalition.csv")
    assert best["method"].iloc[0].startswith("exact") and len(best) == best["size"].iloc[0]
    unc = pd.read_csv(out / "tables" / "uncoverable_summary.csv")
    assert set(unc["excluded"]) == {"CHN", "USA", "TWN", "NLD", "JPN", "KOR"}
    for name in ("layer_presence", "diversification", "uncoverable"):
        assert (out / "figures" / f"{name}.png").exists(), name


@pytest.mark.xdist_group("fast_build")
def test_headlines_recorded(built):
    rc, out = built
    heads = {}
    for path in (out / "notebooks").glob("0[56]-*.ipynb"):
        heads.update(headlines_from_notebook(json.loads(path.read_text(encoding="utf-8"))))
    assert heads["chokepoints_n_highly_concentrated"]["value"] > 10
    assert 10 < heads["chokepoints_n_chokepoints"]["value"] <= heads["chokepoints_n_highly_concentrated"]["value"]
    assert heads["chokepoints_gallium_top1_share"]["value"] > 90
    assert heads["interdependence_n_full_stack"]["value"] <= 2
    assert heads["interdependence_smallest_cover_size"]["value"] >= 2
