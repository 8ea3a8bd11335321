"""sovai.reports.interdependence (notebook 06): parameters, typed fields, written files, headlines."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import interdependence as inter
from sovai import stack
from sovai.reports import interdependence as report

TABLES = {
    "cover_partners.csv": "brief",
    "coalitions.csv": "coalitions",
    "coalition_summary.csv": "coalition_summary",
    "minimum_coalition.csv": "coalition_members",
    "minimum_coalition_own_demand.csv": "coalition_members_own_demand",
    "uncoverable_without.csv": "uncoverable",
    "uncoverable_summary.csv": "uncoverable_summary",
    "layer_presence.csv": "presence",
    "full_stack.csv": "full_stack_table",
    "self_sufficiency.csv": "self_sufficiency",
    "exposure.csv": "exposure",
    "diversification.csv": "diversification",
}
PARAMS = {"country": "JPN", "partners": ["DEU", "NLD"], "coalitions": ["G7", "mine=JPN+KOR"], "excluded": ["CHN"]}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("interdependence")
    return out, report.run(output_dir=str(out), fast=True, **PARAMS)


def test_fields_are_typed(result):
    _, res = result
    assert isinstance(res, report.InterdependenceResult) and res.country == "JPN"
    for field in set(TABLES.values()) | {"country_self_sufficiency"}:
        assert isinstance(getattr(res, field), pd.DataFrame), field
    assert set(res.figures) == set(report.FIGURE_FILES)
    assert all(isinstance(f, Figure) for f in res.figures.values())
    assert set(res.country_self_sufficiency["iso3"]) == {"JPN"}
    assert res.coalition_note.startswith("exact (integer programme, HiGHS) | alternatives:")
    assert "Own-demand rule" in res.coalition_note.splitlines()[1]
    assert set(res.headlines) >= {"interdependence_n_full_stack", "interdependence_uncoverable_without_CHN"}
    assert "interdependence_uncoverable_without_USA" not in res.headlines  # only the excluded countries


def test_tables_agree_with_the_analysis_modules(result):
    _, res = result
    shares = stack.input_shares()
    assert res.chokepoint_ids == inter.chokepoint_ids(shares)
    assert res.minimum_coalition == inter.minimum_coalition(shares, inputs=res.chokepoint_ids)
    assert res.headlines["interdependence_smallest_cover_size"] == res.minimum_coalition["size"]
    assert {"G7", "mine", "smallest_cover"} == set(res.coalitions["coalition"])
    smallest = res.coalitions[res.coalitions["coalition"] == "smallest_cover"]
    assert smallest["covered"].all() and set(smallest["members"].iloc[0].split(";")) == set(
        res.minimum_coalition["members"]
    )
    expected = inter.diversify("JPN", ["DEU", "NLD"], shares, inputs=res.chokepoint_ids)
    pd.testing.assert_frame_equal(res.diversification, expected)
    assert res.headlines["interdependence_n_infeasible"] == int((expected["status"] == "infeasible").sum())
    assert res.uncoverable_summary["excluded"].tolist() == ["CHN"]


def test_files_written_where_expected_and_nothing_half_written(result):
    out, res = result
    assert {p.name for p in (out / "tables").iterdir()} == set(TABLES)  # no temporary file left
    for name, field in TABLES.items():
        written = pd.read_csv(out / "tables" / name)
        assert list(written.columns) == list(getattr(res, field).columns), name
        assert len(written) == len(getattr(res, field)), name
    figures = {p.name for p in (out / "figures").iterdir()}
    assert figures == {f"{name}.png" for name in report.FIGURE_FILES.values()}  # fast: PNG only

