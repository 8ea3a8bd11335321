"""Notebook ``04-drivers``: which drivers go with which AI-sovereignty instruments.

:func:`run` takes the notebook's parameters, fits the base model and its robustness variants
(:mod:`sovai.drivers`), writes every table and figure through :mod:`sovai.report_io`, records the
headline numbers and returns a :class:`DriversResult` whose fields the notebook shows.

Tables (``tables/``): ``drivers_outcome.csv``, ``driver_proxies.csv``, ``drivers_status.csv``,
``drivers_models.csv`` (tidy, full precision), ``drivers_models_comparison.csv`` with its
LaTeX and HTML renderings ``drivers_models.tex`` / ``drivers_models.html``,
``drivers_fit_statistics.csv``, ``drivers_dropped.csv``, ``drivers_ame.csv``,
``drivers_bootstrap.csv``, ``drivers_significant_adjusted.csv``,
``drivers_leave_one_region_out.csv``, ``drivers_influence.csv``, ``drivers_vif.csv``. Figures
(``figures/``): ``drivers_coefficients``, ``drivers_marginal_effect``,
``drivers_predicted_vs_observed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sovai import drivers, regression_tables, report_io
from sovai.sources import unga

#: Stem of the model tables: ``<stem>.csv``, ``<stem>_comparison.csv``, ``<stem>.tex``, ``<stem>.html``.
MODELS_STEM = "drivers_models"
#: Caption of the LaTeX and HTML comparison tables.
MODELS_CAPTION = "Drivers of AI sovereignty: model comparison (sovai reconstruction)"
#: Columns of ``driver_proxies.csv`` shown in the notebook.
PROXY_OVERVIEW_COLUMNS = [
    "proxy",
    "driver",
    "label",
    "stands_for",
    "cannot_show",
    "year_max",
    "n_countries",
    "n_fallback",
]


@dataclass(frozen=True)
class DriversResult:
    """What :func:`run` computed and wrote (frames as written, unless a field says otherwise)."""

    #: The base specification (the notebook's parameters) and its first covariate, the headline driver.
    base: drivers.ModelSpec
    headline_driver: str
    #: Model data: outcomes and every proxy per country (:func:`sovai.drivers.model_data`).
    data: pd.DataFrame
    #: ``drivers_outcome.csv``: instruments adopted and coded, documentation depth per country.
    outcome: pd.DataFrame
    #: Summary statistics of the outcome columns (shown, not written).
    coverage: pd.DataFrame
    #: ``driver_proxies.csv``: every proxy with its source, years used and coverage.
    proxies: pd.DataFrame
    #: Fitted specifications; a variant that could not be estimated is only in ``status``.
    fits: list[drivers.ModelFit]
    base_fit: drivers.ModelFit
    status: pd.DataFrame
    #: ``drivers_models.csv`` (every coefficient) and ``drivers_models_comparison.csv`` (term × model).
    models: pd.DataFrame
    comparison: pd.DataFrame
    fit_statistics: pd.DataFrame
    dropped: pd.DataFrame
    ame: pd.DataFrame
    bootstrap: pd.DataFrame
    significant: pd.DataFrame
    leave_one_region_out: pd.DataFrame
    influence: pd.DataFrame
    vif: pd.DataFrame
    #: ``coefficients``, ``marginal_effect``, ``predicted_vs_observed`` (saved as ``drivers_<key>``).
    figures: dict[str, Figure]
    #: Every file written, tables and figures.
    written: list[Path]
    #: The recorded headline numbers: ``name, value, tolerance, note``.
    headlines: pd.DataFrame
    #: Sources of the proxies used and the codings (non-commercial licences flagged).
    source_line: str
    #: Progress notes worth reading (sample coverage).
    log: str

    @property
    def proxy_overview(self) -> pd.DataFrame:
        """The proxies table without source and indicator details."""
        return self.proxies[PROXY_OVERVIEW_COLUMNS]

    @property
    def base_dropped(self) -> pd.DataFrame:
        """Countries the base model drops, with what they miss."""
        return self.dropped[self.dropped["model"] == "base"]

    @property
    def base_ame(self) -> pd.DataFrame:
        """Average marginal effects of the base model."""
        return self.ame[self.ame["model"] == "base"]

    @property
    def region_coefficients(self) -> pd.DataFrame:
        """Base coefficients per driver term (rows) with one UN region left out (columns)."""
        return self.leave_one_region_out.pivot_table(index="term", columns="left_out", values="coef")


def table_notes(fits: Sequence[drivers.ModelFit]) -> list[str]:
    """Footnote sentences of the comparison table after the standard-error note: the alignment
    sign, the reconstruction label and the sources."""
    return [f"UNGA alignment: {unga.ALIGNMENT_SIGN}.", f"{drivers.RECONSTRUCTION_NOTE}.", drivers.attribution(fits)]


def model_table(fits: Sequence[drivers.ModelFit]) -> pd.DataFrame:
    """Every coefficient of every model (:func:`sovai.drivers.tidy_table`) with the reconstruction label."""
    return drivers.tidy_table(fits).assign(note=drivers.RECONSTRUCTION_NOTE)


def write_model_tables(
    models: pd.DataFrame, comparison: pd.DataFrame, notes: Sequence[str], tables_dir: Path, stem: str = MODELS_STEM
) -> list[Path]:
    """Write ``<stem>.csv`` (``models``, full precision) and ``comparison`` as ``<stem>_comparison.csv``,
    ``<stem>.tex`` and ``<stem>.html`` (footnote: ``notes``)."""
    tables_dir = Path(tables_dir)
    csv = models.to_csv(index=False, float_format="%.17g", lineterminator="\n")
    return [
        report_io.atomic_write_text(tables_dir / f"{stem}.csv", csv),
        report_io.atomic_write_text(tables_dir / f"{stem}_comparison.csv", comparison.to_csv(lineterminator="\n")),
        report_io.atomic_write_text(
            tables_dir / f"{stem}.tex",
            regression_tables.to_latex(comparison, MODELS_CAPTION, notes, comment=drivers.RECONSTRUCTION_NOTE),
        ),
        report_io.atomic_write_text(
            tables_dir / f"{stem}.html", regression_tables.to_html(comparison, MODELS_CAPTION, notes)
        ),
    ]


def run(
    *,
    outcome: str = "instruments_adopted",
    trials: str = "instruments_coded",
    covariates: Sequence[str] = drivers.DEFAULT_COVARIATES,
    family: str = "binomial",
    robust: str = "HC3",
    exclude: Sequence[str] = (),
    year: int = drivers.DEFAULT_YEAR,
    standardize: bool = False,
    n_boot: int = 500,
    output_dir: str = "../reports",
    seed: int = 42,
    fast: bool = False,
) -> DriversResult:
    """Compute, write and return everything notebook 04 shows (parameters: the notebook's).

    ``fast`` fits two variants (base, drop USA and China) with 50 bootstrap resamples and 100
    simulation draws, and writes PNG only; otherwise PNG and SVG.
    """
    import matplotlib.pyplot as plt

    figures_dir, tables_dir = report_io.output_dirs(output_dir)
    formats = ["png"] if fast else ["png", "svg"]
    written: list[Path] = []

    def table(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        written.append(report_io.write_table(frame, tables_dir / name))
        return frame

    def figure(fig: Figure, name: str) -> Figure:
        written.extend(report_io.save_figure(fig, figures_dir / f"drivers_{name}", formats))
        plt.close(fig)  # shown from the saved PNG when the notebook displays it
        return fig

    base = drivers.ModelSpec(
        name="base",
        outcome=outcome,
        trials=trials,
        family=family,
        covariates=tuple(covariates),
        exclude=tuple(exclude),
        robust=robust,
        year=year,
        standardize=standardize,
    )
    headline = base.covariates[0]
    data = drivers.model_data(year)
    outcome_columns = ["instruments_adopted", "instruments_coded", "documentation_depth"]
    outcome_table = table(data[outcome_columns].reset_index(), "drivers_outcome.csv")
    coverage = data[["instruments_coded", "instruments_adopted", "documentation_depth"]].describe().round(2)
    log = f"{int(data['instruments_coded'].notna().sum())} of {len(data)} countries have at least one coded instrument"
    proxies = table(drivers.driver_proxies(year), "driver_proxies.csv")

    fits, status = drivers.fit_many(drivers.robustness_specs(base, fast=fast))
    table(status, "drivers_status.csv")
    models, comparison = model_table(fits), drivers.comparison_table(fits)
    written.extend(write_model_tables(models, comparison, table_notes(fits), tables_dir))
    base_fit = next(f for f in fits if f.spec.name == "base")
    fit_statistics = table(drivers.fit_statistics(fits), "drivers_fit_statistics.csv")
    dropped = table(drivers.dropped_countries(fits), "drivers_dropped.csv")

    ame = table(pd.concat([drivers.average_marginal_effects(f) for f in fits], ignore_index=True), "drivers_ame.csv")
    bootstrap = table(
        drivers.bootstrap_coefficients(base, data, n_boot=50 if fast else n_boot, seed=seed), "drivers_bootstrap.csv"
    )
    significant = table(drivers.significant_after_adjustment(fits), "drivers_significant_adjusted.csv")
    figures = {"coefficients": figure(drivers.coefficient_plot(fits), "coefficients")}
    figures["marginal_effect"] = figure(
        drivers.marginal_effect_plot(base_fit, headline, n_sims=100 if fast else 1000, seed=seed), "marginal_effect"
    )

    loro = table(drivers.leave_one_region_out(base, data), "drivers_leave_one_region_out.csv")
    influence = table(drivers.influence(base_fit), "drivers_influence.csv")
    vif = table(drivers.vif(base_fit), "drivers_vif.csv")
    figures["predicted_vs_observed"] = figure(drivers.predicted_vs_observed(base_fit), "predicted_vs_observed")

    headlines = _record_headlines(base_fit, ame, influence, headline=headline, family=family, robust=robust)
    return DriversResult(
        base=base,
        headline_driver=headline,
        data=data,
        outcome=outcome_table,
        coverage=coverage,
        proxies=proxies,
        fits=fits,
        base_fit=base_fit,
        status=status,
        models=models,
        comparison=comparison,
        fit_statistics=fit_statistics,
        dropped=dropped,
        ame=ame,
        bootstrap=bootstrap,
        significant=significant,
        leave_one_region_out=loro,
        influence=influence,
        vif=vif,
        figures=figures,
        written=written,
        headlines=headlines,
        source_line=drivers.attribution(fits),
        log=log,
    )


def _record_headlines(
    base_fit: drivers.ModelFit, ame: pd.DataFrame, influence: pd.DataFrame, *, headline: str, family: str, robust: str
) -> pd.DataFrame:
    """Record the base model's headline numbers (:func:`sovai.report_io.record_headline`) and
    return them as a table."""
    coef = base_fit.table().set_index("term").loc[headline]
    base_ame = ame[(ame["model"] == "base") & (ame["term"] == headline)].iloc[0]
    rows = [
        ("drivers_base_nobs", base_fit.nobs, 0, "countries in the base model"),
        ("drivers_base_dropped", len(base_fit.dropped), 0, "countries dropped (nothing coded or a covariate missing)"),
        (f"drivers_base_coef_{headline}", coef["coef"], 1e-6, f"{family} coefficient, {robust} SE {coef['se']:.4f}"),
        (f"drivers_base_pvalue_holm_{headline}", coef["pvalue_holm"], 1e-6, "Holm-adjusted"),
        (f"drivers_base_ame_{headline}", base_ame["ame"], 1e-6, "average marginal effect on the adopted share"),
        ("drivers_base_r2", base_fit.r2, 1e-6, base_fit.r2_kind),
        ("drivers_most_influential", ", ".join(influence.head(3)["iso3"]), None, "largest Cook's distance"),
    ]
    for name, value, tolerance, note in rows:
        report_io.record_headline(name, value, tolerance=tolerance, note=note)
    return pd.DataFrame(rows, columns=["name", "value", "tolerance", "note"])
