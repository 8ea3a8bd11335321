"""Notebook ``02-rankings``: the composite index of the AI stack in both views, with its
uncertainty and sensitivity analysis, the explorer page, an optional comparison with another
index and the ranks over time.

:func:`run` computes everything and writes every table, figure, headline and the explorer page;
:func:`read_tables` is the one reader of the two tables other notebooks reuse
(``rankings_overall.csv`` and ``rankings_layers.csv``: the maps of ``03-maps`` and the country
profiles of ``07-country-profile``).
"""

from __future__ import annotations

import functools

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sovai import composite, explorer
from sovai.composite import CompositeResult
from sovai.composite.compare import Comparison
from sovai.panel import Panel, build_panel
from sovai.report_io import (
    atomic_write_text,
    output_dirs,
    record_headline,
    resolve_output_dir,
    save_figure,
    write_table,
)

#: The two views of the panel; the notebook's ``view`` is one, the other is run alongside it.
VIEWS = ("scale", "intensity")

#: Settings that only the uncertainty analysis uses (the ranks over time are point ranks).
UNCERTAINTY_SETTINGS = ("n_draws", "n_sensitivity", "n_bootstrap", "seed")

#: Columns the readers of ``rankings_overall.csv`` and ``rankings_layers.csv`` rely on.
TABLE_COLUMNS = {
    "overall": ("rankings_overall.csv", ["iso3", "score", "rank"]),
    "layers": ("rankings_layers.csv", ["iso3", "layer", "score", "rank"]),
}


@dataclass(frozen=True)
class RankingsResult:
    """What :func:`run` computed and wrote.

    Attributes
    ----------
    view, other_view
        The notebook's view and the other one (``scale`` / ``intensity``).
    panel, other_panel
        The indicator panels of the two views.
    composite, other
        The composite runs of the two views (same settings).
    log
        The composite run's step-by-step log, one line per step.
    source
        The caption under every figure: sources, licences, "reconstruction" note.
    coverage
        Per indicator: layer, unit, timing, coverage, source, licence and note.
    excluded
        Countries left out by the data-availability screen or the layer rule.
    missing_layer_scores
        Per layer, the number of countries without a layer score.
    overall
        The ``rankings_overall.csv`` table (sorted by rank).
    coherence
        Cronbach's alpha per layer.
    sensitivity
        Sobol' first-order and total indices of each uncertain choice.
    leave_one_out
        The ten indicators whose removal moves the ranks most.
    comparison
        The comparison with ``compare_with`` (``None`` when no index was given).
    over_time, rank_changes
        Point ranks per year, and the change of each country's rank over the years.
    figures
        The saved figures by name (``rankings_<name>.*`` in the figures folder).
    files
        Every table and page written, by file name.
    explorer_page
        The explorer page (``explorer.html`` next to the tables folder).
    headlines
        The headline numbers recorded, by name.
    """

    view: str
    other_view: str
    panel: Panel
    other_panel: Panel
    composite: CompositeResult
    other: CompositeResult
    log: str
    source: str
    coverage: pd.DataFrame
    excluded: pd.DataFrame
    missing_layer_scores: pd.DataFrame
    overall: pd.DataFrame
    coherence: pd.DataFrame
    sensitivity: pd.DataFrame
    leave_one_out: pd.DataFrame
    comparison: Comparison | None
    over_time: pd.DataFrame
    rank_changes: pd.DataFrame
    explorer_page: Path
    figures: dict[str, Figure] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    headlines: dict[str, object] = field(default_factory=dict)


def run(
    *,
    year: int = 2024,
    view: str = "scale",
    layer_weights: Mapping[str, float] | None = None,
    normalisation: str = "minmax",
    aggregation: str = "arithmetic",
    aggregation_overall: str = "",
    geometric_rescale: bool = False,
    imputation: str = "none",
    binary_treatment: str = "count",
    min_coverage: float = 0.5,
    n_draws: int = 10000,
    n_sobol: int = 8192,
    reference_windows: Sequence[Sequence[int]] = ((2017, 2023),),
    focus_country: str = "DEU",
    over_time_years: Sequence[int] = (2019, 2024),
    seed: int = 42,
    countries: str | Sequence[str] = "all",
    compare_with: str = "",
    output_dir: str | os.PathLike = "../reports",
    fast: bool = False,
) -> RankingsResult:
    """Rank the countries in both views, analyse the uncertainty, and write every output.

    The parameters are those of ``notebooks/02-rankings.ipynb`` (its parameters cell documents
    them). ``fast`` is the smoke mode: at most 200 Monte Carlo draws and 64 Sobol' base samples,
    shorter figures, PNG only at 72 dpi, two years of ranks over time.
    """
    if view not in VIEWS:
        raise ValueError(f"parameter 'view': expected one of {VIEWS}, got {view!r}")
    figures_dir, tables_dir = output_dirs(Path(output_dir))
    formats = ("png",) if fast else ("png", "svg")
    dpi = 72 if fast else 150
    if fast:
        n_draws, n_sobol = min(n_draws, 200), min(n_sobol, 64)
    top = 20 if fast else 40
    settings = dict(
        normalisation=normalisation,
        aggregation=aggregation,
        aggregation_overall=aggregation_overall or None,
        geometric_rescale=geometric_rescale,
        imputation=imputation,
        binary_treatment=binary_treatment,
        layer_weights=layer_weights or None,
        min_country_coverage=min_coverage,
        n_draws=n_draws,
        n_sensitivity=n_sobol,
        n_bootstrap=50 if fast else 200,
        seed=seed,
    )
    figures: dict[str, Figure] = {}
    files: dict[str, Path] = {}

    def keep(name: str, fig: Figure) -> None:
        """Save ``fig`` as ``rankings_<name>`` and take it off pyplot's list of open figures, so
        it is shown where the notebook displays it, not at the end of the cell that ran this."""
        import matplotlib.pyplot as plt

        save_figure(fig, figures_dir / f"rankings_{name}", formats, dpi=dpi)
        plt.close(fig)
        figures[name] = fig

    panel = build_panel(year=year, view=view, countries=countries)
    result = composite.run_panel(panel, windows=reference_windows, **settings)
    files.update(write_composite_tables(result, tables_dir))
    source = panel.source_line() + ". Reconstruction by sovai (not the report's own data)."

    keep("overall", composite.plot_rank_intervals(result, top=top, caption=source))
    layer_names = dict(zip(panel.layers["id"], panel.layers["name"]))
    heatmap = composite.plot_layer_heatmap(result, top=20 if fast else 30, layer_names=layer_names, caption=source)
    keep("layer_heatmap", heatmap)
    keep("effective_weights", composite.plot_effective_weights(result, caption=source))
    keep("sensitivity", composite.plot_sensitivity(result, caption=source))
    keep("country_sensitivity", composite.plot_country_sensitivity(result, focus_country, caption=source))

    other_view = VIEWS[1] if view == VIEWS[0] else VIEWS[0]
    other_panel = build_panel(year=year, view=other_view, countries=countries)
    other = composite.run_panel(other_panel, windows=reference_windows, **settings)
    files.update(write_composite_tables(other, tables_dir, prefix=f"rankings_{other_view}"))
    fig = composite.plot_rank_intervals(other, top=top, caption=source)
    fig.axes[0].set_title(f"AI-stack composite, {other_view} view: overall rank with uncertainty")
    keep(f"{other_view}_overall", fig)
    scale, intensity = (result, other) if view == "scale" else (other, result)
    keep("scale_vs_intensity", composite.plot_scale_vs_intensity(scale, intensity, caption=source))

    page = explorer.write_explorer(
        tables_dir.parent / "explorer.html", **explorer.views_from_results({view: result, other_view: other})
    )
    files[page.name] = page

    comparison = None
    if compare_with:
        comparison = composite.compare(result, compare_with, seed=seed)
        for name, table in (("stats", comparison.stats), ("differences", comparison.differences)):
            path = write_table(table, tables_dir / f"rankings_compare_{name}.csv")
            files[path.name] = path

    first_year, last_year = over_time_years
    years = [last_year - 1, last_year] if fast else list(range(first_year, last_year + 1))
    point_settings = {k: v for k, v in settings.items() if k not in UNCERTAINTY_SETTINGS}
    over_time = composite.ranks_over_time(view, years, countries=countries, **point_settings)
    changes = composite.rank_changes(over_time)
    for name, table in (("over_time", over_time), ("rank_changes", changes)):
        path = write_table(table, tables_dir / f"rankings_{name}.csv")
        files[path.name] = path
    keep("over_time", composite.plot_ranks_over_time(over_time, top=15, caption=source))

    return RankingsResult(
        view=view,
        other_view=other_view,
        panel=panel,
        other_panel=other_panel,
        composite=result,
        other=other,
        log="\n".join(result.log),
        source=source,
        coverage=panel.meta[["id", "layer", "unit", "timing", "coverage", "source", "licence", "note"]],
        excluded=result.excluded,
        missing_layer_scores=result.layer_scores.isna().sum().rename("countries without a layer score").to_frame(),
        overall=composite.overall_table(result),
        coherence=result.coherence["cronbach_alpha"].to_frame(),
        sensitivity=result.sensitivity,
        leave_one_out=result.loo.sort_values("mean_abs_rank_shift", ascending=False).head(10),
        comparison=comparison,
        over_time=over_time,
        rank_changes=changes,
        explorer_page=page,
        figures=figures,
        files=files,
        headlines=_record_headlines(result),
    )


def _record_headlines(result: CompositeResult) -> dict[str, object]:
    """Record the number ranked and excluded, the top country and the ranks of the USA and China."""
    ov = result.overall
    recorded: dict[str, object] = {}

    record = functools.partial(record_headline, into=recorded)

    record("n_ranked", len(ov), note="countries ranked after the coverage screen")
    record("n_excluded", len(result.excluded), note="countries excluded by the coverage screen")
    record("top_country", ov.index[0])
    for iso in ("USA", "CHN"):
        if iso in ov.index:
            interval = f"p05-p95 {ov.at[iso, 'rank_p05']:.0f}-{ov.at[iso, 'rank_p95']:.0f}"
            record(f"rank_{iso}", float(ov.at[iso, "rank"]), tolerance=2, note=interval)
    return recorded


def write_composite_tables(
    result: CompositeResult, tables_dir: str | os.PathLike, *, prefix: str = "rankings"
) -> dict[str, Path]:
    """Write the tables of one composite run (deterministic CSV, atomic) and its config/log as JSON.

    Files: ``<prefix>_overall.csv`` (``iso3, country, score, rank, rank_median, rank_p05,
    rank_p95, coverage, imputed_share, n_layers``, then ``layer_<id>`` scores and
    ``n_observed_<id>`` counts; sorted by rank), ``<prefix>_layers.csv`` (``iso3, layer, score,
    rank, n_observed``; by rank, then layer order), ``<prefix>_layer_scores.csv`` (wide, by ISO3),
    ``<prefix>_weights.csv``, ``<prefix>_sensitivity.csv``, ``<prefix>_sensitivity_country.csv``,
    ``<prefix>_loo.csv``, ``<prefix>_imputed.csv`` (one row per imputed cell),
    ``<prefix>_treatment.csv``, ``<prefix>_coherence.csv``, ``<prefix>_excluded.csv`` and
    ``<prefix>_config.json``. Returns the paths by file name.
    """
    tables_dir = Path(tables_dir)
    coherence = result.coherence["indicator_vs_layer"].merge(
        result.coherence["cronbach_alpha"].rename_axis("layer").reset_index(), on="layer", how="left", validate="m:1"
    )
    tables = {
        "overall": composite.overall_table(result),
        "layers": composite.layers_table(result),
        "layer_scores": composite.layer_scores_table(result),
        "weights": result.weights,
        "sensitivity": result.sensitivity,
        "sensitivity_country": result.sensitivity_country,
        "loo": result.loo,
        "imputed": result.imputed,
        "treatment": result.treatment,
        "coherence": coherence,
        "excluded": result.excluded,
    }
    written = [write_table(table, tables_dir / f"{prefix}_{name}.csv") for name, table in tables.items()]
    payload = {"config": result.config, "log": result.log}
    config_text = json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n"
    written.append(atomic_write_text(tables_dir / f"{prefix}_config.json", config_text))
    return {path.name: path for path in written}


@dataclass(frozen=True)
class RankingTables:
    """``rankings_overall.csv`` and ``rankings_layers.csv`` as read by :func:`read_tables`.

    A table that is missing or lacks a column the readers need is ``None``, and ``problems``
    says why (one line per table).
    """

    folder: Path
    overall: pd.DataFrame | None
    layers: pd.DataFrame | None
    problems: list[str]


def read_tables(output_dir: str | os.PathLike | None) -> RankingTables:
    """Read ``OUTPUT_DIR/tables/rankings_overall.csv`` and ``rankings_layers.csv`` if present.

    ``output_dir`` is resolved like the folder :func:`run` writes to
    (:func:`sovai.report_io.resolve_output_dir`). Missing or malformed tables are not an error
    (the maps draw what exists, a profile computes the ranking itself); each is reported in
    ``problems``. Nothing is fabricated. ISO3 codes are read as text, so Namibia's ``NA`` stays
    a code.
    """
    folder = resolve_output_dir(output_dir) / "tables"
    found: dict[str, pd.DataFrame | None] = {}
    problems: list[str] = []
    for key, (name, columns) in TABLE_COLUMNS.items():
        path = folder / name
        found[key] = None
        if not path.is_file():
            problems.append(f"{path} not found: run notebooks/02-rankings.ipynb first (`sovai build 02-rankings`)")
            continue
        table = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"iso3": "string"})
        missing = [c for c in columns if c not in table.columns]
        if missing:
            problems.append(f"{path}: missing column(s) {missing}; found {list(table.columns)}")
            continue
        found[key] = table
    return RankingTables(folder, found["overall"], found["layers"], problems)
