"""sovai.reports.overview (notebook 01): parameters, typed fields, written files, headline."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import categorical, overview
from sovai.reports import overview as report

TABLES = {
    "data_licences.csv": "licences",
    "data_coverage.csv": "coverage",
    "data_missing_countries.csv": "missing",
    "codings_coverage.csv": "codings_coverage",
    "codings_coverage_by_region.csv": "codings_coverage_by_region",
    "codings_evidence.csv": "codings_evidence",
    "codings_instruments_by_income_region.csv": "instruments_by_income_region",
    "codings_stance_by_region.csv": "stance_by_region",
    "codings_citation_share.csv": "citation_share",
    "codings_long.csv": "codings_grid",
    "codings_wide.csv": "codings_wide",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("overview")
    return out, report.run(output_dir=str(out), fast=True)


def test_fields_are_typed(result):
    _, res = result
    assert isinstance(res, report.OverviewResult)
    for field in (*TABLES.values(), "coverage_by_region", "missing_by_indicator"):
        assert isinstance(getattr(res, field), pd.DataFrame), field
    assert isinstance(res.codings_status_counts, pd.Series)
    assert set(res.codings_status_counts.index) <= {"coded", "missing"}
    assert set(res.figures) == set(report.FIGURE_FILES)
    assert all(isinstance(f, Figure) for f in res.figures.values())
    assert 0 < res.citation_share_overall <= 1


def test_tables_agree_with_the_analysis_modules(result):
    _, res = result
    wide = categorical.load_categorical()
    pd.testing.assert_frame_equal(res.instruments_by_income_region, overview.instruments_by_income_region(wide))
    assert res.stance_by_region.to_numpy().sum() == wide["stance"].notna().sum()  # each coded stance once
    assert len(res.codings_grid) == 195 * len(categorical.contract_variables())
    assert res.codings_status_counts.sum() == len(res.codings_grid)
    missing = res.missing_by_indicator["missing countries"]
    assert missing.str.split(", ").str.len().sum() == len(res.missing)
    assert res.citation_share_overall == float(
        res.citation_share.loc[res.citation_share["variable"] == "(all)", "share_with_url"].iloc[0]
    )


def test_files_written_where_expected_and_nothing_half_written(result):
    out, res = result
    assert {p.name for p in (out / "tables").iterdir()} == set(TABLES)  # no temporary file left
    coverage = pd.read_csv(out / "tables" / "data_coverage.csv")
    assert len(coverage) == len(res.coverage)
    assert list(coverage[["source", "indicator"]].itertuples(index=False)) == sorted(
        res.coverage[["source", "indicator"]].itertuples(index=False)
    )
    figures = {p.name for p in (out / "figures").iterdir()}
    assert figures == {f"{name}.png" for name in report.FIGURE_FILES.values()}  # fast: PNG only
