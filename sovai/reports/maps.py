"""Notebook ``03-maps``: world maps of the categorical codings, of the overall rank and of the
rank on each stack layer (read from the tables of ``02-rankings``).

:func:`run` draws every requested map, saves it as ``OUTPUT_DIR/figures/map_<name>.<format>``,
records the matching headlines and returns the maps with one text per map (the files written
and what was matched, or why the map was not drawn); :meth:`MapsResult.show` prints that text
and displays the map.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sovai import maps
from sovai.report_io import output_dirs, record_headline, save_figure
from sovai.reports.rankings import RankingTables, read_tables

#: Caption for maps of the categorical codings.
CATEGORICAL_SOURCE = (
    "Source: sovai categorical codings (data/categorical; every value cited with URL and access date; "
    "a reconstruction of the report's Appendix A)"
)
#: Caption for maps of the rankings.
RANKINGS_SOURCE = (
    "Source: sovai composite index (notebook 02-rankings; indicator sources and their licences are listed "
    "there, some non-commercial)"
)

#: Output formats :func:`save_map` accepts.
FORMATS = ("png", "svg", "pdf")

#: Maps drawn from the rankings tables rather than the categorical codings.
RANKING_MAPS = ("overall_rank", "layers")

#: The maps the notebook has a section for, in its order; other requested variables follow.
STANDARD_MAPS = ("stance", "instrument_count", "national_ai_strategy_year", "overall_rank", "layers", "driver_economic")

#: Titles, legend headings and colour maps of the standard maps (others get defaults).
STYLES: dict[str, dict[str, str]] = {
    "stance": {"title": "AI sovereignty stance", "legend_title": "Stance (breadth of the instruments coded)"},
    "instrument_count": {
        "title": "Number of AI sovereignty instruments (of 8)",
        "legend_title": "Instruments found in the sources",
    },
    "national_ai_strategy_year": {
        "title": "Year of the first national AI strategy",
        "legend_title": "Year adopted (earlier = darker)",
        "cmap": "viridis",
    },
    "overall_rank": {
        "title": "Overall rank on the AI-stack composite index",
        "legend_title": "Rank (1 = highest score)",
        "cmap": "viridis",
    },
    "driver_security": {"title": "Security cited as a motivation of AI policy", "legend_title": "Driver: security"},
    "driver_resilience": {
        "title": "Resilience cited as a motivation of AI policy",
        "legend_title": "Driver: resilience, supply-chain security",
    },
    "driver_economic": {
        "title": "Economic competitiveness cited as a motivation of AI policy",
        "legend_title": "Driver: economic competitiveness",
    },
    "driver_cultural_linguistic": {
        "title": "Cultural-linguistic inclusion cited as a motivation of AI policy",
        "legend_title": "Driver: cultural-linguistic inclusion",
    },
    "layers": {
        "title": "Rank on each layer of the AI stack",
        "legend_title": "Rank (1 = highest layer score)",
        "cmap": "viridis",
    },
}

#: Legend labels of boolean codings: false is a coded absence (a source that would have listed
#: the instrument does not); a cell nobody has sourced is "not coded" (:data:`NOT_CODED`).
BOOLEAN_LABELS = {False: "no (coded absent)", True: "yes"}
#: Legend label of countries without a coded value on maps of the categorical codings.
NOT_CODED = "not coded"

Map = maps.MapResult | maps.MultiMapResult


@dataclass(frozen=True)
class MapsResult:
    """What :func:`run` drew and wrote.

    Attributes
    ----------
    variables
        The maps requested (after the smoke mode's cut to two).
    maps
        The maps drawn, by name.
    texts
        Per map of :data:`STANDARD_MAPS` and per further requested variable: the files written
        and the matching summary, or why the map was not drawn.
    extra
        Requested variables beyond :data:`STANDARD_MAPS`, in request order.
    notes
        Inputs that are not available (e.g. the rankings tables), one line each.
    unmatched
        ISO3 codes of data rows without a geometry, over all maps drawn.
    matching_summary
        The maps drawn and not drawn and the unmatched codes, as printed.
    files
        The figure files written, by map name.
    headlines
        The headline numbers recorded, by name.
    """

    variables: list[str]
    maps: dict[str, Map]
    texts: dict[str, str]
    extra: list[str]
    notes: str
    unmatched: list[str]
    matching_summary: str
    files: dict[str, list[Path]] = field(default_factory=dict)
    headlines: dict[str, int] = field(default_factory=dict)

    def show(self, name: str) -> None:
        """Print the text of map ``name`` and display the map if it was drawn."""
        from IPython.display import display

        print(self.texts[name])
        if name in self.maps:
            display(self.maps[name].fig)


def run(
    *,
    variables: Sequence[str] = STANDARD_MAPS,
    scheme: str = "quantiles",
    k: int = 5,
    projection: str = maps.DEFAULT_CRS,
    region: str | Sequence[str] | Sequence[float] = "world",
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 200,
    output_dir: str | os.PathLike = "../reports/scratch",
    seed: int = 42,
    fast: bool = False,
) -> MapsResult:
    """Draw and save every requested map; the parameters are those of ``notebooks/03-maps.ipynb``.

    The ranking maps read ``OUTPUT_DIR/tables/rankings_overall.csv`` and ``rankings_layers.csv``
    (written by ``02-rankings`` into the same folder); a missing table means the map is not drawn
    and the reason is given, never a map of made-up data. ``seed`` is unused (the maps are
    deterministic). ``fast``: the first two maps, PNG only, 60 dpi.

    Raises
    ------
    ValueError
        A requested map is neither a column of the codings nor a ranking map, or an unknown
        format (naming the parameter).
    """
    import matplotlib.pyplot as plt

    from sovai.categorical import load_categorical
    from sovai.countries import target_countries
    from sovai.sources.natural_earth import load_countries

    del seed  # kept for the uniform parameter interface of the notebooks
    if fast:
        variables, formats, dpi = list(variables)[:2], ["png"], 60
    formats = _check_formats(formats)
    codings = load_categorical()
    rankings = read_tables(output_dir)
    variables = check_variables(variables, codings)
    extra = [name for name in variables if name not in STANDARD_MAPS]
    drawn: dict[str, Map] = {}
    texts: dict[str, str] = {}
    files: dict[str, list[Path]] = {}
    for name in [*STANDARD_MAPS, *extra]:
        if name not in variables:
            texts[name] = f"map_{name}: not requested (parameter 'variables')"
            continue
        reason = unavailable(name, codings, rankings)
        if reason is not None:
            texts[name] = f"map_{name}: not drawn — {reason}"
            continue
        result = draw_map(
            name, codings=codings, rankings=rankings, scheme=scheme, k=k, projection=projection, region=region
        )
        files[name] = save_map(result.fig, name, output_dir, formats, dpi=dpi)
        plt.close(result.fig)  # shown by MapsResult.show, not at the end of the cell that ran this
        summary = result.summary()
        if name not in RANKING_MAPS:
            summary = summary.replace("no data:", f"{NOT_CODED}:")
        texts[name] = f"map_{name}: {', '.join(p.name for p in files[name])}\n{summary}"
        drawn[name] = result

    unmatched = sorted(set().union(*(result.unmatched for result in drawn.values())))
    not_drawn = sorted(set(texts) - set(drawn))
    matching_summary = (
        f"maps drawn: {sorted(drawn)}; not drawn: {not_drawn}\n"
        f"unmatched country codes (no geometry): {unmatched or 'none'}"
    )
    geometries = set(load_countries("50m")["iso3"].dropna())
    headlines = {
        "maps_unmatched_countries": len(unmatched),
        "target_countries_with_geometry": len(set(target_countries()) & geometries),
    }
    record_headline(
        "maps_unmatched_countries",
        headlines["maps_unmatched_countries"],
        tolerance=0,
        note="data rows without a geometry",
    )
    record_headline(
        "target_countries_with_geometry",
        headlines["target_countries_with_geometry"],
        tolerance=0,
        note="of the 195 coded economies, at 1:50m",
    )
    return MapsResult(
        variables=variables,
        maps=drawn,
        texts=texts,
        extra=extra,
        notes="\n".join(f"not available: {problem}" for problem in rankings.problems),
        unmatched=unmatched,
        matching_summary=matching_summary,
        files=files,
        headlines=headlines,
    )


def check_variables(variables: str | Iterable[str], codings: pd.DataFrame | None) -> list[str]:
    """Validate the ``variables`` parameter: columns of the categorical codings or :data:`RANKING_MAPS`.

    Raises
    ------
    ValueError
        Naming the parameter, the unknown names and the names available.
    """
    variables = [variables] if isinstance(variables, str) else list(variables)
    known = [*(codings.columns if codings is not None else []), *RANKING_MAPS]
    unknown = [v for v in variables if v not in known]
    if unknown:
        raise ValueError(f"parameter 'variables': unknown map(s) {unknown}; available: {known}")
    return variables


def unavailable(name: str, codings: pd.DataFrame | None, rankings: RankingTables | None) -> str | None:
    """Why map ``name`` cannot be drawn from the data at hand, or ``None`` if it can."""
    problems = "; ".join(rankings.problems) if rankings is not None else "no rankings tables given"
    if name == "overall_rank" and (rankings is None or rankings.overall is None):
        return f"rankings table missing: {problems}"
    if name == "layers" and (rankings is None or rankings.layers is None):
        return f"layer rankings table missing: {problems}"
    if name not in RANKING_MAPS and (codings is None or name not in codings.columns):
        return f"{name!r} is not a column of the categorical codings"
    return None


def draw_map(
    name: str,
    *,
    codings: pd.DataFrame | None,
    rankings: RankingTables | None,
    scheme: str = "quantiles",
    k: int = 5,
    projection: str = maps.DEFAULT_CRS,
    region: str | Sequence[str] | Sequence[float] | None = None,
) -> Map:
    """Draw one standard map: a column of the categorical codings (``stance``,
    ``instrument_count``, ``driver_*``, an instrument…), ``"overall_rank"`` or ``"layers"`` (small
    multiples of the layer ranks).

    Categorical data use their natural classes (boolean codings: "yes" / "no (coded absent)",
    uncoded countries "not coded"); ``scheme`` and ``k`` classify the ranks.

    Raises
    ------
    ValueError
        The map's data are not available (the reason of :func:`unavailable`).
    """
    reason = unavailable(name, codings, rankings)
    if reason is not None:
        raise ValueError(f"map {name!r} cannot be drawn: {reason}")
    style = dict(STYLES.get(name, {}))
    title = style.pop("title", str(name).replace("_", " ").capitalize())
    label = maps.region_label(region)
    if label != "World":
        title = f"{title} — {label}"
    common = {"projection": projection, "region": region, "title": title, **style}
    if name == "overall_rank":
        return maps.choropleth(rankings.overall, "rank", scheme=scheme, k=k, source=RANKINGS_SOURCE, **common)
    if name == "layers":
        return maps.small_multiples(
            rankings.layers, "rank", by="layer", scheme=scheme, k=k, source=RANKINGS_SOURCE, **common
        )
    labels = BOOLEAN_LABELS if maps.is_boolean(codings[name]) else None
    return maps.choropleth(codings, name, source=CATEGORICAL_SOURCE, labels=labels, missing_label=NOT_CODED, **common)


def _check_formats(formats: str | Iterable[str]) -> list[str]:
    """The ``formats`` parameter as a list of known formats ("png,svg" from a command line too)."""
    if isinstance(formats, str):
        formats = formats.split(",")
    formats = [str(f).strip().lower().lstrip(".") for f in formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"parameter 'formats': expected a non-empty list from {FORMATS}, got {formats}")
    return formats


def save_map(
    fig, name: str, output_dir: str | os.PathLike, formats: str | Iterable[str] = ("png",), *, dpi: int = 200
) -> list[Path]:
    """Write ``OUTPUT_DIR/figures/map_<name>.<format>`` for each format (atomic, deterministic).

    ``fig`` is a figure or a map result (its ``fig``).

    Raises
    ------
    ValueError
        An unknown format (naming the ``formats`` parameter).
    """
    formats = _check_formats(formats)
    figures, _ = output_dirs(output_dir)
    return save_figure(getattr(fig, "fig", fig), figures / f"map_{name}", formats, dpi=dpi)
