"""Concentration arithmetic, curated stack tables and the chokepoints table."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"))

from sovai import stack  # noqa: E402
from sovai.errors import InputFileError  # noqa: E402

# --- hand examples ------------------------------------------------------------------------------


def test_hhi_hand_examples():
    assert stack.hhi([100]) == 10000.0
    assert stack.hhi([50, 50]) == 5000.0
    assert stack.hhi([40, 30, 20, 10]) == 3000.0  # 1600 + 900 + 400 + 100
    assert stack.hhi([25, 25, 25, 25]) == 2500.0
    assert stack.hhi([60, None, 40]) == 5200.0  # missing ignored
    assert stack.hhi([]) == 0.0
    with pytest.raises(ValueError, match="non-negative"):
        stack.hhi([50, -10])


def test_top_k_hand_examples():
    shares = [10, 40, 20, 30]
    assert stack.top_k_share(shares, 1) == 40
    assert stack.top_k_share(shares, 3) == 90
    assert stack.top_k_share(shares, 10) == 100
    with pytest.raises(ValueError, match="'k'"):
        stack.top_k_share(shares, 0)


def test_concentration_with_residual_and_ties():
    frame = pd.DataFrame({"iso3": ["USA", "CHN", "JPN", None, "USA"], "share": [30.0, 40.0, 10.0, 10.0, 10.0]})
    out = stack.concentration(frame)
    # USA rows summed to 40 → tie with CHN, broken alphabetically
    assert out["top1_iso3"] == "CHN" and out["top2_iso3"] == "USA"
    assert out["hhi"] == pytest.approx(40**2 + 40**2 + 10**2)
    assert out["hhi_upper"] == pytest.approx(out["hhi"] + 10**2)
    assert out["top3_share"] == 90.0
    assert out["n_countries"] == 3 and out["n_above_5pct"] == 3
    assert out["unattributed_share"] == 10.0 and out["share_status"] == "ok"


@pytest.mark.parametrize(
    ("shares", "status"),
    [([60.0, 40.0], "ok"), ([60.0, 41.5], "rounding"), ([60.0, 45.0], "over"), ([60.0, 30.0], "under")],
)
def test_shares_not_summing_to_100_are_reported(shares, status):
    out = stack.concentration(pd.DataFrame({"iso3": ["USA", "CHN"], "share": shares}))
    assert out["share_status"] == status
    assert out["total_share"] == pytest.approx(sum(shares))  # reported, not rescaled
    assert out["hhi"] == pytest.approx(sum(s**2 for s in shares))


def test_chokepoints_on_tiny_shares():
    shares = pd.DataFrame(
        {
            "input_id": ["a", "a", "b", "b", "b"],
            "layer": ["models"] * 2 + ["energy"] * 3,
            "input": ["A", "A", "B", "B", "B"],
            "source": ["epoch_ai_models"] * 2 + ["owid_electricity"] * 3,
            "year": [2025] * 5,
            "period": ["2025"] * 5,
            "basis": ["%"] * 5,
            "iso3": ["USA", "CHN", "USA", "CHN", "IND"],
            "share": [90.0, 10.0, 40.0, 30.0, 30.0],
        }
    )
    table = stack.chokepoints(shares, hhi_threshold=5000)
    assert list(table.columns) == stack.CHOKEPOINT_COLUMNS
    assert table["input_id"].tolist() == ["a", "b"]  # sorted by HHI
    assert table.loc[1, "hhi"] == 3400  # 40² + 30² + 30²
    assert table.loc[0, "hhi"] == 8200 and bool(table.loc[0, "highly_concentrated"])
    assert not bool(table.loc[1, "highly_concentrated"])
    assert table.loc[0, "licence"].startswith("CC BY 4.0")


def test_input_shares_rejects_unknown_group():
    with pytest.raises(ValueError, match="include"):
        stack.input_shares(include=["eto", "bogus"])


# --- curated tables -----------------------------------------------------------------------------


def test_components_and_facts_are_cited_and_consistent():
    comp = stack.load_components()
    assert set(comp["layer"]) == set(stack.LAYERS)  # every layer described
    assert (comp["source_url"].str.startswith("http")).all()
    facts = stack.load_chokepoint_facts()
    assert (facts["kind"] == "cited").all()
    assert facts["source_url"].str.startswith("http").all()
    assert facts["value"].between(0, 100).all()
    assert {"hbm_sk_hynix", "rare_earth_refining_chn", "cloud_big_three", "euv_asml"} <= set(facts["fact_id"])
    table = stack.chokepoints()
    known = set(table["input_id"]) | set(facts["fact_id"])
    referenced = {x for m in comp["measured_by"] for x in m.split(";") if x}
    assert referenced <= known, sorted(referenced - known)


def test_curated_table_errors_name_file_row_column(tmp_path, monkeypatch):
    bad = tmp_path / "components.csv"
    bad.write_text(
        "layer,component,description,chokepoint,measured_by,source_url,source_title\n"
        "minerals,Gallium,x,yes,,https://example.org,t\n"
        "chips,Design,x,yes,,https://example.org,t\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(stack.paths, "STACK_DIR", tmp_path)
    stack.load_components.cache_clear()
    try:
        with pytest.raises(InputFileError, match=r"components\.csv, row 2, column 'layer'.*unknown layer 'chips'"):
            stack.load_components()
    finally:
        stack.load_components.cache_clear()


# --- real mirror --------------------------------------------------------------------------------


def test_chokepoints_real_mirror():
    table = stack.chokepoints()
    assert table["input_id"].is_unique
    assert table["hhi"].between(0, 10000).all()
    assert (table["top3_share"] >= table["top1_share"]).all()
    assert set(table["layer"]) >= {
        "minerals",
        "energy",
        "compute_hardware",
        "digital_infrastructure",
        "models",
        "talent",
    }
    by_id = table.set_index("input_id")
    assert by_id.loc["eto:N20", "top1_iso3"] == "NLD" and by_id.loc["eto:N20", "hhi"] == 10000
    assert by_id.loc["usgs:gallium:primary_production", "top1_iso3"] == "CHN"
    assert by_id.loc["epoch:frontier_models", "top1_iso3"] == "USA"
    # non-commercial ETO data is flagged on every ETO row
    eto_rows = table[table["source"] == "eto_chip_explorer"]
    assert eto_rows["non_commercial"].all() and eto_rows["licence"].str.contains("BY-NC").all()
    # rounding in ETO totals is reported, not hidden
    assert by_id.loc["eto:N84", "share_status"] == "rounding"
    assert by_id.loc["eto:N84", "total_share"] == pytest.approx(102.0)
    # wholly unattributed inputs are left out and listed
    assert "eto:N52" not in by_id.index
    assert "eto:N52" in set(stack.unattributed_inputs()["input_id"])


def test_layer_and_stage_summaries():
    table = stack.chokepoints()
    layers = stack.layer_summary(table)
    assert layers["layer"].tolist() == list(stack.LAYERS)
    hw = layers.set_index("layer").loc["compute_hardware"]
    assert hw["weighting"].startswith("ETO market size")
    assert 0 < hw["hhi_weighted"] < 10000
    assert layers.set_index("layer").loc["governance", "n_inputs"] == 0
    stages = stack.stage_summary(table)
    assert set(stages["stage"]) == {"Design", "Fabrication", "Assembly, testing, and packaging (ATP)"}


def test_plots_have_expected_artists():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = stack.chokepoints()
    fig = stack.plot_ranked(table, top=12)
    assert len(fig.axes[0].patches) == 12
    plt.close(fig)
    fig = stack.plot_stack(stack.layer_summary(table))
    assert len([p for p in fig.axes[0].patches if isinstance(p, matplotlib.patches.Rectangle)]) == len(stack.LAYERS)
    plt.close(fig)


def test_outputs_are_byte_identical_on_rerun(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        stack.write_outputs(out, formats=["png"], top=10)
    for table in sorted((first / "tables").glob("*.csv")):
        assert table.read_bytes() == (second / "tables" / table.name).read_bytes(), table.name
    for fig in sorted((first / "figures").glob("*.png")):
        assert fig.read_bytes() == (second / "figures" / fig.name).read_bytes(), fig.name
