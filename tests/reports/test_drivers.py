"""sovai.reports.drivers (notebook 04) and the comparison-table rendering it writes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sovai import drivers, regression_tables
from sovai.reports import drivers as report
from sovai.sources import unga

TABLES = {
    "drivers_outcome.csv",
    "driver_proxies.csv",
    "drivers_status.csv",
    "drivers_models.csv",
    "drivers_models_comparison.csv",
    "drivers_models.tex",
    "drivers_models.html",
    "drivers_fit_statistics.csv",
    "drivers_dropped.csv",
    "drivers_ame.csv",
    "drivers_bootstrap.csv",
    "drivers_significant_adjusted.csv",
    "drivers_leave_one_region_out.csv",
    "drivers_influence.csv",
    "drivers_vif.csv",
}
FIGURES = {"coefficients", "marginal_effect", "predicted_vs_observed"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("drivers")
    return out, report.run(output_dir=str(out), fast=True)


def test_fields_are_typed_and_figures_kept(result):
    _, res = result
    assert isinstance(res, report.DriversResult)
    for field in ("data", "outcome", "coverage", "proxies", "status", "models", "comparison", "fit_statistics",
                  "dropped", "ame", "bootstrap", "significant", "leave_one_region_out", "influence", "vif",
                  "headlines"):  # fmt: skip
        assert isinstance(getattr(res, field), pd.DataFrame), field
    assert isinstance(res.base_fit, drivers.ModelFit) and res.base_fit.spec.name == "base"
    assert [f.spec.name for f in res.fits] == ["base", "base: drop USA, CHN"]  # fast: two variants
    assert set(res.figures) == FIGURES and all(isinstance(f, Figure) for f in res.figures.values())
    assert res.headline_driver == "log_gdp" == res.base.covariates[0]
    assert "World Bank WDI" in res.source_line and res.source_line == drivers.attribution(res.fits)
    assert res.log.endswith("countries have at least one coded instrument")
    assert list(res.proxy_overview.columns) == report.PROXY_OVERVIEW_COLUMNS
    assert set(res.base_dropped["model"]) == {"base"} and set(res.base_ame["model"]) == {"base"}
    assert "log_gdp" in res.region_coefficients.index


def test_tables_match_the_analysis_functions(result):
    _, res = result
    pd.testing.assert_frame_equal(res.proxies, drivers.driver_proxies(drivers.DEFAULT_YEAR))
    tidy = drivers.tidy_table(res.fits)
    np.testing.assert_array_equal(res.models["coef"].to_numpy(), tidy["coef"].to_numpy())
    assert res.models["note"].eq(drivers.RECONSTRUCTION_NOTE).all()
    assert res.comparison.columns.tolist() == ["base", "base: drop USA, CHN"]
    base = res.base_fit.table().set_index("term")
    assert res.comparison.loc["N", "base"] == str(res.base_fit.nobs)
    assert res.comparison.loc["log_gdp", "base"].startswith(f"{base.loc['log_gdp', 'coef']:.3f}")


def test_files_written_where_expected_and_atomically(result):
    out, res = result
    assert {p.name for p in (out / "tables").iterdir()} == TABLES  # no temporary file left behind
    assert {p.name for p in (out / "figures").iterdir()} == {f"drivers_{n}.png" for n in FIGURES}  # fast: PNG
    assert {p.name for p in res.written} == TABLES | {f"drivers_{n}.png" for n in FIGURES}
    written = pd.read_csv(out / "tables" / "drivers_models.csv")
    np.testing.assert_array_equal(written["coef"].to_numpy(), res.models["coef"].to_numpy())  # full precision
    assert len(pd.read_csv(out / "tables" / "drivers_outcome.csv")) == len(res.data) == 195


def test_headlines_recorded(result):
    _, res = result
    heads = res.headlines.set_index("name")["value"]
    assert list(heads.index) == [
        "drivers_base_nobs",
        "drivers_base_dropped",
        "drivers_base_coef_log_gdp",
        "drivers_base_pvalue_holm_log_gdp",
        "drivers_base_ame_log_gdp",
        "drivers_base_r2",
        "drivers_most_influential",
    ]
    assert heads["drivers_base_nobs"] == res.base_fit.nobs
    assert heads["drivers_base_nobs"] + heads["drivers_base_dropped"] == len(res.data)
    assert heads["drivers_base_coef_log_gdp"] == res.base_fit.params["log_gdp"]
    assert heads["drivers_most_influential"] == ", ".join(res.influence["iso3"].head(3))


def test_model_tables_state_the_alignment_sign_and_sources(result):
    out, res = result
    tex = (out / "tables" / "drivers_models.tex").read_text(encoding="utf-8")
    html = (out / "tables" / "drivers_models.html").read_text(encoding="utf-8")
    assert tex.startswith(f"% {drivers.RECONSTRUCTION_NOTE}\n")
    for text in (tex, html):
        assert f"UNGA alignment: {unga.ALIGNMENT_SIGN}." in text
        assert "Holm-adjusted" in text and "World Bank WDI" in text
    assert "the report's own specification" in html and "Strezhnev &amp; Voeten" in html


# ------------------------------------------------------------------------- rendering bytes
COMPARISON = pd.DataFrame(
    {"m_1": ["0.500** (0.100)", "120", "0.250"], "m&2": ["-0.3 (0.2)", "80", ""]},
    index=pd.Index(["x_1", "N", "R2 / pseudo-R2"], name="term"),
)


def test_latex_rendering_is_exact():
    tex = regression_tables.to_latex(COMPARISON, "A 50% caption", ["Sign: up.", "Data: A & B."], comment="made here")
    assert tex == (
        "% made here\n"
        "\\begin{table}[htbp]\\centering\\small\n"
        "\\caption{A 50\\% caption}\n"
        "\\begin{tabular}{lcc}\n"
        "\\toprule\n"
        "term & m\\_1 & m\\&2 \\\\\n"
        "\\midrule\n"
        "x\\_1 & 0.500** (0.100) & -0.3 (0.2) \\\\\n"
        "\\midrule\n"
        "N & 120 & 80 \\\\\n"
        "R2 / pseudo-R2 & 0.250 &  \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
        "\\par\\footnotesize Robust standard errors in parentheses. Stars use Holm-adjusted p-values over each "
        "model's driver terms: * p<0.1, ** p<0.05, *** p<0.01. Sign: up. Data: A \\& B.\n"
        "\\end{table}\n"
    )


def test_html_rendering_escapes_every_value():
    page = regression_tables.to_html(COMPARISON.assign(extra=["<script>", "", ""]), "Cap <b>", ["a<b & c's."])
    assert page.startswith("<figure>\n<figcaption>Cap &lt;b&gt;</figcaption>\n<table")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.endswith(
        "<p><small>Robust standard errors in parentheses. Stars use Holm-adjusted p-values over each model's "
        "driver terms: * p&lt;0.1, ** p&lt;0.05, *** p&lt;0.01. a&lt;b &amp; c's.</small></p>\n</figure>\n"
    )


def test_write_model_tables_is_deterministic(tmp_path, result):
    _, res = result
    notes = report.table_notes(res.fits)
    first = [p.read_bytes() for p in report.write_model_tables(res.models, res.comparison, notes, tmp_path)]
    again = [p.read_bytes() for p in report.write_model_tables(res.models, res.comparison, notes, tmp_path)]
    assert first == again and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["drivers_models.csv", "drivers_models_comparison.csv", "drivers_models.tex", "drivers_models.html"]
    )
