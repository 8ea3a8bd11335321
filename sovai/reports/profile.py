"""Notebook ``07-country-profile``: one country on every dimension of the analysis.

:func:`run` gathers the country's layer scores and ranks (from the tables of ``02-rankings``, or
computed with the default settings when they are missing), its coded instruments and drivers
with their sources, the driver proxies of ``04-drivers``, its shares of world supply of the
stack inputs and its exposure outside its alignment bloc, and draws a layer chart and a locator
map. Text from the data reaches the page escaped (:func:`sovai.report_io.html_table`; only
``http(s)`` links are clickable).

The expensive results shared by all profiles of a build (the default ranking, the driver data,
the input shares and the chokepoints) go through :func:`sovai.reports.cache.cached_result`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from sovai import categorical, composite, drivers, interdependence, maps, overview, stack
from sovai.countries import reference_table, resolve_countries
from sovai.panel import build_panel
from sovai.report_io import html_table, output_dirs, record_headline, save_figure
from sovai.reports.cache import cached_result
from sovai.reports.rankings import read_tables

#: Coding tables link each value to its source: the ``source`` column shows the title as a link.
SOURCE_LINK = {"source": ("source_url", "source_title")}

#: Columns of the exposure table, in display order.
EXPOSURE_COLUMNS = [
    "layer",
    "input",
    "own_share",
    "inside_share",
    "outside_share",
    "top_outside_iso3",
    "top_outside_share",
    "chokepoint",
]


@dataclass(frozen=True)
class ProfileResult:
    """What :func:`run` found for one country; text fields are Markdown, tables are styled
    (their data in ``.data``) or HTML strings with every data value escaped.

    Attributes
    ----------
    iso3, name
        The country.
    header
        Title, UN region, income group and the groups it belongs to.
    ranking_source
        Where the ranking comes from (the tables of ``02-rankings`` or a computation here).
    ranking_summary
        Overall score, rank and rank interval, or why the country is not ranked.
    layer_scores
        Score, rank and number ranked per layer (``None`` when the country is not ranked).
    instruments_summary, instruments
        The instrument count and stance, and every instrument coding with its source (HTML).
    driver_codings, driver_proxies
        The coded drivers with sources (HTML), and the driver proxies with the country's
        percentile.
    presence_summary
        On how many measured layers the country holds a meaningful share of world supply.
    exposure_summary, exposure
        Supply outside the alignment bloc: the average over the chokepoints, and the inputs most
        supplied from outside (``None`` when the bloc is unknown; the summary says why).
    figures
        ``"layers"`` (when ranked) and ``"locator"``.
    files
        The figure files written, by figure name.
    headlines
        The headline numbers recorded, by name.
    """

    iso3: str
    name: str
    header: str
    ranking_source: str
    ranking_summary: str
    layer_scores: Styler | None
    instruments_summary: str
    instruments: str
    driver_codings: str
    driver_proxies: Styler
    presence_summary: str
    exposure_summary: str
    exposure: Styler | None
    figures: dict[str, Figure] = field(default_factory=dict)
    files: dict[str, list[Path]] = field(default_factory=dict)
    headlines: dict[str, int] = field(default_factory=dict)


def not_available(reason: str) -> str:
    """The Markdown line a section shows instead of its content."""
    return f"**Not available:** {reason}"


def run(
    *,
    iso3: str = "DEU",
    reports_dir: str | os.PathLike = "../reports/scratch",
    bloc: str | Sequence[str] = "unga",
    threshold: float = 5.0,
    top_inputs: int = 12,
    output_dir: str | os.PathLike = "../reports/scratch",
    seed: int = 42,
    fast: bool = False,
) -> ProfileResult:
    """Profile one country; the parameters are those of ``notebooks/07-country-profile.ipynb``.

    Figures go to ``OUTPUT_DIR/figures/profile_<ISO3>_{layers,locator}.png``. ``seed`` and
    ``fast`` only matter when the rankings tables are missing from ``REPORTS_DIR/tables`` and
    the ranking is computed here.
    """
    iso3 = resolve_countries([iso3], parameter="iso3")[0]
    country = reference_table().loc[iso3]
    name = str(country["name"])
    figures_dir, _ = output_dirs(output_dir)
    figures: dict[str, Figure] = {}
    files: dict[str, list[Path]] = {}
    headlines: dict[str, int] = {}

    def keep(key: str, fig: Figure) -> None:
        """Save ``fig`` as ``profile_<ISO3>_<key>.png``, shown where the notebook displays it."""
        import matplotlib.pyplot as plt

        files[key] = save_figure(fig, figures_dir / f"profile_{iso3}_{key}")
        plt.close(fig)
        figures[key] = fig

    def headline(key: str, value: int, note: str = "") -> None:
        record_headline(f"{iso3}_{key}", value, tolerance=0, note=note, into=headlines)

    groups = [c.removeprefix("in_") for c in country.index if c.startswith("in_") and country[c]]
    header = (
        f"## {name} ({iso3})\n\n"
        f"UN region: {country['un_region']} / {country['un_subregion']}; World Bank income group: "
        f"{country['wb_income']}; member of: {', '.join(groups) or 'none of the groups tracked'}."
    )

    # layer scores and ranks
    tables = read_tables(reports_dir)
    if tables.overall is not None and tables.layers is not None:
        overall, layers = tables.overall, tables.layers
        ranking_source = f"tables of notebook 02-rankings ({tables.folder})"
    else:
        overall, layers = cached_result("profile_ranking", default_ranking, seed, fast)
        ranking_source = "composite index with default settings (02-rankings tables not found)"
    layer_scores = None
    row = overall[overall["iso3"] == iso3]
    if row.empty:
        ranking_summary = not_available(
            f"{iso3} is not ranked: it did not pass the data-availability screen ({ranking_source})"
        )
    else:
        r = row.iloc[0]
        n = len(overall)
        ranking_summary = (
            f"**Overall:** score {r['score']:.1f}, rank **{int(r['rank'])} of {n}** "
            f"(median rank {r['rank_median']:.0f}, 5–95 % interval {r['rank_p05']:.0f}–{r['rank_p95']:.0f}); "
            f"indicator coverage {r['coverage']:.0%}. Source: {ranking_source}."
        )
        headline("overall_rank", int(r["rank"]), note=f"of {n} ranked countries")
        ranked = layers.groupby("layer").size().rename("ranked").reset_index()
        mine = layers[layers["iso3"] == iso3].merge(ranked, on="layer", validate="1:1")
        layer_scores = (
            mine[["layer", "score", "rank", "ranked"]]
            .style.format({"score": "{:.1f}", "rank": "{:.0f}"}, na_rep="no data")
            .hide(axis="index")
            .set_uuid("layer_scores")  # a fixed id, not a random one: the page is byte-identical on rebuild
        )
        if len(mine):
            keep("layers", layer_chart(mine, name))

    # sovereignty instruments and drivers
    coded = categorical.load_categorical(long=True)
    wide = categorical.load_categorical()
    instrument_vars = ["national_ai_strategy", "national_ai_strategy_year", *categorical.instrument_variables()]
    scope = [iso3, "EUU"] if country.get("in_EU", False) else [iso3]
    instruments_summary = overview.instrument_summary(wide, iso3, len(categorical.instrument_variables()))
    instruments = overview.profile_codings(iso3, instrument_vars, long=coded, scope=scope)
    driver_vars = [v for v in categorical.contract_variables() if v.startswith("driver_")]
    driver_codings = overview.profile_codings(iso3, driver_vars, long=coded)

    # driver proxies with the country's percentile among all countries with a value
    data = cached_result("profile_driver_data", drivers.model_data)
    proxies = [p for p in drivers.PROXIES.values() if p.name in data.columns]
    known = iso3 in data.index
    proxy_values = pd.DataFrame(
        {
            "driver": [p.driver for p in proxies],
            "proxy": [p.label for p in proxies],
            "value": [data.loc[iso3, p.name] if known else pd.NA for p in proxies],
            "percentile": [data[p.name].rank(pct=True).get(iso3, pd.NA) * 100 if known else pd.NA for p in proxies],
        }
    )
    driver_proxies = (
        proxy_values.style.format({"value": "{:.3g}", "percentile": "{:.0f}"}, na_rep="no data")
        .hide(axis="index")
        .set_uuid("driver_proxies")
    )

    # chokepoints and exposure
    shares = cached_result("profile_input_shares", stack.input_shares)
    presence = interdependence.layer_presence(shares, threshold=threshold).set_index("iso3")
    if iso3 in presence.index:
        p = presence.loc[iso3]
        presence_summary = (
            f"Meaningful share (≥ {threshold:g} %) on **{p['n_layers_meaningful']} of {p['n_layers_measured']}** "
            f"measured layers: {p['layers_meaningful'].replace(';', ', ') or 'none'}."
        )
        headline("layers_meaningful", int(p["n_layers_meaningful"]))
    else:
        presence_summary = f"{name} holds no attributed share of any measured stack input."
    exposure = None
    by_unga = isinstance(bloc, str) and bloc.lower() == "unga"
    if by_unga and iso3 not in interdependence.unga_blocs().index:
        exposure_summary = not_available(
            f"{iso3} has no UN General Assembly ideal point, so its bloc is unknown; set bloc to a group or list"
        )
    else:
        exposed = interdependence.exposure(iso3, shares, bloc=bloc)

        def chokepoints() -> list[str]:
            # no arguments: a frame has no complete repr to key the cache on, and the shares
            # depend only on the build's inputs, which the cache key already holds
            return interdependence.chokepoint_ids(shares)

        choke = set(cached_result("profile_chokepoints", chokepoints))
        exposed["chokepoint"] = exposed["input_id"].isin(choke)
        outside = exposed.loc[exposed["chokepoint"], "outside_share"].mean()
        exposure_summary = (
            f"Across the {len(choke)} highly concentrated inputs (chokepoints), on average "
            f"**{outside:.0f} %** of world supply is outside the bloc."
        )
        exposure = (
            exposed[EXPOSURE_COLUMNS].head(top_inputs).style.format(precision=1).hide(axis="index").set_uuid("exposure")
        )

    keep("locator", locator_map(iso3).fig)
    return ProfileResult(
        iso3=iso3,
        name=name,
        header=header,
        ranking_source=ranking_source,
        ranking_summary=ranking_summary,
        layer_scores=layer_scores,
        instruments_summary=instruments_summary,
        instruments=html_table(instruments, links=SOURCE_LINK),
        driver_codings=html_table(driver_codings, links=SOURCE_LINK),
        driver_proxies=driver_proxies,
        presence_summary=presence_summary,
        exposure_summary=exposure_summary,
        exposure=exposure,
        figures=figures,
        files=files,
        headlines=headlines,
    )


def default_ranking(seed: int, fast: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The overall and layer tables of the composite index with the default settings (no
    sensitivity analysis; 1,000 Monte Carlo draws, 100 when ``fast``)."""
    config = composite.CompositeConfig(seed=seed, n_draws=100 if fast else 1000, n_sensitivity=0, n_bootstrap=0)
    result = composite.run_panel(build_panel(), config)
    return composite.overall_table(result), composite.layers_table(result)


def layer_chart(mine: pd.DataFrame, name: str) -> Figure:
    """Horizontal bars of the country's layer scores, each labelled with its rank of the ranked."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(mine) + 1))
    ax.barh(mine["layer"], mine["score"].fillna(0), color="#3b6ea5")
    for y, (score, rank, ranked) in enumerate(zip(mine["score"], mine["rank"], mine["ranked"])):
        label = f"rank {int(rank)}/{ranked}" if pd.notna(rank) else "no data on this layer"
        ax.text((0 if pd.isna(score) else score) + 1, y, label, va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100, float(mine["score"].max(skipna=True) or 0) * 1.25))
    ax.set_xlabel("layer score")
    ax.set_title(f"{name}: score and rank by stack layer")
    return fig


def locator_map(iso3: str) -> maps.MapResult:
    """The country highlighted among the economies of its UN region."""
    ref = reference_table()
    country = ref.loc[iso3]
    name = country["name"]
    same_region = ref.index[(ref["un_region"] == country["un_region"]) & ref["target"]]
    where = pd.Series(
        pd.Categorical([name if c == iso3 else "other" for c in same_region], categories=[name, "other"]),
        index=same_region,
    )
    return maps.choropleth(
        where,
        expected=list(same_region),
        region=country["un_region"],
        cmap=["#d55e00", "#d9d9d9"],
        legend=False,
        title=f"{name} in {country['un_region']}",
        warn_unmatched=False,
        figsize=(6.5, 3.5),
    )
