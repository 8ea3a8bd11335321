"""Notebook ``01-data-overview``: what sovai is built from, and the coverage of its own codings.

:func:`run` computes the source coverage (:mod:`sovai.sources.catalog` via :mod:`sovai.overview`)
and the codings summaries (:mod:`sovai.categorical`), writes every table and figure through
:mod:`sovai.report_io`, records the headline and returns an :class:`OverviewResult`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sovai import categorical, overview, report_io

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Figure key in :attr:`OverviewResult.figures` → saved file name (without suffix).
FIGURE_FILES = {"data_coverage": "data_coverage_by_region", "codings_coverage": "codings_coverage_by_region"}


@dataclass(frozen=True)
class OverviewResult:
    """What notebook 01 shows: every table it writes, its figures and the headline value."""

    #: One row per source: licence, flags, files, size (``data_licences.csv``).
    licences: pd.DataFrame
    #: Countries covered per indicator, in and outside the window (``data_coverage.csv``).
    coverage: pd.DataFrame
    #: Target countries without a value in the window (``data_missing_countries.csv``).
    missing: pd.DataFrame
    #: Share of target countries covered per indicator and UN region (the data heatmap).
    coverage_by_region: pd.DataFrame
    #: :attr:`missing` as one cell of country codes per indicator.
    missing_by_indicator: pd.DataFrame
    #: Coverage of each coding variable (``codings_coverage.csv``).
    codings_coverage: pd.DataFrame
    #: Share of countries coded per variable and UN region (``codings_coverage_by_region.csv``).
    codings_coverage_by_region: pd.DataFrame
    #: Evidence grades of the coded values (``codings_evidence.csv``).
    codings_evidence: pd.DataFrame
    #: Mean instrument count per income group and region (``codings_instruments_by_income_region.csv``).
    instruments_by_income_region: pd.DataFrame
    #: Countries per region and stance (``codings_stance_by_region.csv``).
    stance_by_region: pd.DataFrame
    #: Share of values with a source URL per variable (``codings_citation_share.csv``).
    citation_share: pd.DataFrame
    #: The ``(all)`` row of :attr:`citation_share` (the headline).
    citation_share_overall: float
    #: Every target country × variable, coded or missing (``codings_long.csv``).
    codings_grid: pd.DataFrame
    #: The wide analysis table of the codings (``codings_wide.csv``).
    codings_wide: pd.DataFrame
    #: How many cells of :attr:`codings_grid` are coded and missing.
    codings_status_counts: pd.Series
    #: ``data_coverage``, ``codings_coverage`` (see :data:`FIGURE_FILES`).
    figures: dict[str, Figure]


def run(
    *,
    window_start: int = 2019,
    window_end: int = 2026,
    formats: Iterable[str] = ("png", "svg"),
    output_dir: str | Path | None = "../reports/scratch",
    seed: int = 42,
    fast: bool = False,
) -> OverviewResult:
    """Compute, write and return notebook 01's tables, figures and headline.

    Parameters are the notebook's (see its ``parameters`` cell); ``seed`` is unused and ``fast``
    writes PNG figures only. Tables go to ``output_dir/tables`` (``data_licences.csv``,
    ``data_coverage.csv``, ``data_missing_countries.csv`` and the ``codings_*.csv``), figures
    (:data:`FIGURE_FILES`) to ``output_dir/figures``.
    """
    import matplotlib.pyplot as plt

    figures_dir, tables = report_io.output_dirs(output_dir)
    formats = ["png"] if fast else list(formats)
    sources = overview.coverage_tables((window_start, window_end))
    licences, coverage, missing = sources["licences"], sources["coverage"], sources["missing"]
    by_region = overview.coverage_by_region(missing, coverage)
    report_io.write_table(licences, tables / "data_licences.csv", sort=["source"])
    report_io.write_table(coverage, tables / "data_coverage.csv", sort=["source", "indicator"])
    report_io.write_table(missing, tables / "data_missing_countries.csv", sort=["source", "indicator", "iso3"])

    wide = categorical.load_categorical()
    long = categorical.load_categorical(long=True)
    codings_coverage = categorical.coverage(wide)
    coded_share = overview.codings_coverage_by_region(wide)
    evidence = categorical.evidence_shares(long)
    instruments = overview.instruments_by_income_region(wide)
    stance = overview.stance_by_region(wide)
    citations = categorical.citation_share(long)
    grid = overview.codings_grid(long)
    report_io.write_table(codings_coverage, tables / "codings_coverage.csv")
    report_io.write_table(
        coded_share.droplevel(0).reset_index(names="variable"), tables / "codings_coverage_by_region.csv"
    )
    report_io.write_table(evidence, tables / "codings_evidence.csv")
    report_io.write_table(instruments, tables / "codings_instruments_by_income_region.csv", index=True)
    report_io.write_table(stance, tables / "codings_stance_by_region.csv", index=True)
    report_io.write_table(citations, tables / "codings_citation_share.csv")
    report_io.write_table(grid, tables / "codings_long.csv")
    report_io.write_table(wide, tables / "codings_wide.csv", index=True)

    figs = {
        "data_coverage": overview.plot_coverage(by_region),
        "codings_coverage": overview.plot_coverage(
            coded_share, title="Share of countries coded, by variable and UN region"
        ),
    }
    for key, fig in figs.items():
        report_io.save_figure(fig, figures_dir / FIGURE_FILES[key], formats)
        plt.close(fig)  # shown from the saved PNG by the notebook

    overall = float(citations.loc[citations["variable"] == "(all)", "share_with_url"].iloc[0])
    report_io.record_headline(
        "codings_citation_share", overall, tolerance=0.0, note="share of non-missing values with a source URL"
    )
    return OverviewResult(
        licences=licences,
        coverage=coverage,
        missing=missing,
        coverage_by_region=by_region,
        missing_by_indicator=overview.missing_by_indicator(missing),
        codings_coverage=codings_coverage,
        codings_coverage_by_region=coded_share,
        codings_evidence=evidence,
        instruments_by_income_region=instruments,
        stance_by_region=stance,
        citation_share=citations,
        citation_share_overall=overall,
        codings_grid=grid,
        codings_wide=wide,
        codings_status_counts=grid["status"].value_counts(),
        figures=figs,
    )
