"""sovai.reports.chokepoints (notebook 05): parameters, typed fields, written files, headlines."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import framework, stack
from sovai import interdependence as inter
from sovai.reports import chokepoints as report

TABLES = {
    "chokepoints.csv": "table",
    "chokepoint_brief.csv": "brief",
    "chokepoint_layers.csv": "layers",
    "chokepoint_stages.csv": "stages",
    "chokepoint_shares.csv": "shares",
    "chokepoint_unattributed.csv": "unattributed",
    "chokepoint_facts.csv": "facts",
    "stack_components.csv": "components",
    "stack_inputs.csv": "inputs",
    "top500_trend.csv": "top500",
}
HEADLINES = {
    "chokepoints_brief_no_partner_set",
    "chokepoints_n_inputs",
    "chokepoints_n_highly_concentrated",
    "chokepoints_n_chokepoints",
    "chokepoints_share_top1_usa_chn",
    "chokepoints_gallium_top1_share",
    "chokepoints_compute_hardware_hhi_weighted",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("chokepoints")
    return out, report.run(output_dir=str(out), country="JPN", top=10, fast=True)


def test_fields_are_typed(result):
    _, res = result
    assert isinstance(res, report.ChokepointsResult) and res.country == "JPN"
    for field in set(TABLES.values()) | {"chokepoints"}:
        assert isinstance(getattr(res, field), pd.DataFrame), field
    assert set(res.figures) == set(report.FIGURE_FILES)
    assert all(isinstance(f, Figure) for f in res.figures.values())
    assert "CC BY-NC 4.0" in res.caption and "[cited]" in res.caption
    assert set(res.headlines) == HEADLINES


def test_tables_agree_with_the_analysis_modules(result):
    _, res = result
    expected = stack.chokepoints(stack.input_shares())
    pd.testing.assert_frame_equal(res.table, expected)
    assert res.chokepoints["chokepoint"].all() and len(res.chokepoints) == int(expected["chokepoint"].sum())
    assert res.headlines["chokepoints_n_chokepoints"] == len(res.chokepoints)
    assert res.headlines["chokepoints_n_inputs"] == len(expected)
    brief = inter.country_brief("JPN", stack.input_shares())
    pd.testing.assert_frame_equal(res.brief, brief)
    assert res.headlines["chokepoints_brief_no_partner_set"] == int(brief["no_partner_set"].sum())
    assert len(res.facts) == len(framework.load_chokepoint_facts())


def test_files_written_where_expected_and_nothing_half_written(result):
    out, res = result
    written = {p.name for p in (out / "tables").iterdir()}
    assert written == set(TABLES)  # no temporary file left next to them
    table = pd.read_csv(out / "tables" / "chokepoints.csv")
    assert list(table.columns) == stack.CHOKEPOINT_COLUMNS and len(table) == len(res.table)
    assert table["input_id"].tolist() == res.table["input_id"].tolist()
    figures = {p.name for p in (out / "figures").iterdir()}
    assert figures == {f"{name}.png" for name in report.FIGURE_FILES.values()}  # fast: PNG only



def test_unknown_country_names_the_parameter(tmp_path):
    with pytest.raises(ValueError, match="parameter 'country'"):
        report.run(output_dir=str(tmp_path), country="Atlantis", fast=True)
