"""Notebook ``05-chokepoints``: concentration of every stack input, and the country's chokepoints.

:func:`run` computes the tables with :mod:`sovai.stack` and :mod:`sovai.interdependence`, draws the
figures, writes both through :mod:`sovai.report_io`, records the headlines and returns a
:class:`ChokepointsResult`. The figure helpers (:func:`caption_for`, :func:`add_caption`) are shared
with :mod:`sovai.reports.interdependence`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sovai import framework, registry, report_io, stack
from sovai import interdependence as inter

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Figure key in :attr:`ChokepointsResult.figures` → saved file name (without suffix).
FIGURE_FILES = {"ranked": "chokepoints_ranked", "stack": "stack_concentration", "top500": "top500_trend"}


@dataclass(frozen=True)
class ChokepointsResult:
    """What notebook 05 shows: every table it writes, its figures and headline values."""

    #: ISO3 code of the country whose chokepoints are listed first.
    country: str
    #: Country shares of every input (``chokepoint_shares.csv``).
    shares: pd.DataFrame
    #: Concentration, market size and chokepoint flag of every input (``chokepoints.csv``).
    table: pd.DataFrame
    #: The rows of :attr:`table` that are chokepoints.
    chokepoints: pd.DataFrame
    #: ``country``'s chokepoints, most exposed first, with covering partners (``chokepoint_brief.csv``).
    brief: pd.DataFrame
    #: One row per layer (``chokepoint_layers.csv``).
    layers: pd.DataFrame
    #: ETO semiconductor stages (``chokepoint_stages.csv``).
    stages: pd.DataFrame
    #: TOP500 Rmax share by country on every list (``top500_trend.csv``).
    top500: pd.DataFrame
    #: Inputs with no share attributed to a country (``chokepoint_unattributed.csv``).
    unattributed: pd.DataFrame
    #: Cited facts (``chokepoint_facts.csv``).
    facts: pd.DataFrame
    #: Appendix B components (``stack_components.csv``).
    components: pd.DataFrame
    #: Declared stack inputs (``stack_inputs.csv``).
    inputs: pd.DataFrame
    #: Source and licence line of the figures.
    caption: str
    #: ``ranked``, ``stack``, ``top500`` (see :data:`FIGURE_FILES`).
    figures: dict[str, Figure]
    #: Headline name → value, as recorded.
    headlines: dict[str, float]


# --- figure helpers -----------------------------------------------------------------------------


def _wrap(text: str, width: int = 160) -> str:
    """Pre-wrap a caption (matplotlib's own wrapping measures every word: slow)."""
    return "\n".join(textwrap.wrap(text, width))


def add_caption(fig: Figure, caption: str) -> None:
    """Put a source/licence caption under the figure (saved with a tight bounding box)."""
    if caption:
        fig.text(0.01, -0.01, _wrap(caption), fontsize=6, va="top", ha="left")


def caption_for(table: pd.DataFrame) -> str:
    """Source and licence line for a figure/table built from ``table`` (non-commercial flagged)."""
    folders = sorted({f for s in table["source"] for f in str(s).split(";") if f != "chokepoint_facts"})
    line = registry.source_line(*folders)
    if (table["source"] == "chokepoint_facts").any():
        line += ". Rows marked [cited] copy a cited source (data/stack/chokepoint_facts.csv), they are not computed"
    if table["non_commercial"].any():
        line += ". ETO Chip Explorer data: CC BY-NC 4.0 — non-commercial use only."
    return line


def save_figures(figures: dict[str, Figure], files: dict[str, str], folder: Path, formats: Iterable[str]) -> None:
    """Save each figure under ``folder/files[key]`` and close it (the notebook shows the saved PNG)."""
    import matplotlib.pyplot as plt

    for key, fig in figures.items():
        report_io.save_figure(fig, folder / files[key], formats)
        plt.close(fig)


def _usd(value: object) -> str:
    if value is None or pd.isna(value):
        return "market n/a"
    v = float(value)
    return f"${v / 1e9:,.1f} bn" if v >= 1e9 else f"${v / 1e6:,.0f} m"


# --- figures ------------------------------------------------------------------------------------


def plot_ranked(
    table: pd.DataFrame, *, top: int = 30, hhi_threshold: float = stack.HHI_HIGH, caption: str = ""
) -> Figure:
    """Horizontal bars of the ``top`` most concentrated inputs of ``table``, coloured by layer,
    labelled with the top country and the world market size (cited rows hatched)."""
    import matplotlib.pyplot as plt

    layer_ids = framework.layer_ids()
    data = table.head(top).iloc[::-1]
    palette = dict(zip(layer_ids, plt.get_cmap("tab10").colors, strict=True))
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(data) + 1.6))
    labels = [
        f"{i}  [{c}; {_usd(m)}]"
        for i, c, m in zip(data["input"], data["top1_iso3"].fillna("?"), data["market_size_usd"], strict=True)
    ]
    bars = ax.barh(range(len(data)), data["hhi"].astype(float), color=[palette[layer] for layer in data["layer"]])
    for bar, ev in zip(bars, data["evidence"], strict=True):
        if ev == "cited":
            bar.set_hatch("//")
            bar.set_edgecolor("black")
    ax.set_yticks(range(len(data)), labels, fontsize=7)
    ax.axvline(hhi_threshold, color="black", lw=0.8, ls="--")
    ax.set_xlim(0, 10000)
    ax.set_xlabel("HHI of country shares (0–10,000); [top country; world market]; hatched: cited, not computed")
    present = [layer for layer in layer_ids if layer in set(data["layer"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[layer]) for layer in present]
    ax.legend(handles, present, fontsize=7, loc="lower right")
    ax.set_title(f"The {len(data)} most concentrated chokepoints of the AI stack")
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


def plot_stack(summary: pd.DataFrame, *, value: str = "hhi_weighted", caption: str = "") -> Figure:
    """Stack diagram: one box per layer (bottom: minerals), coloured by concentration.

    Layers without a computed input are hatched grey and labelled with their cited-fact count.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colors

    cmap = plt.get_cmap("Reds")
    norm = colors.Normalize(vmin=0, vmax=10000)
    layer_ids = framework.layer_ids()
    fig, ax = plt.subplots(figsize=(7, 6))
    summary = summary.set_index("layer").reindex(list(layer_ids))
    for i, layer in enumerate(layer_ids):
        v = summary.loc[layer, value] if value in summary.columns else np.nan
        n = summary.loc[layer, "n_inputs"]
        missing = pd.isna(v) or n == 0
        face = "#dddddd" if missing else cmap(norm(float(v)))
        ax.add_patch(plt.Rectangle((0, i), 1, 0.9, facecolor=face, edgecolor="black", hatch="//" if missing else None))
        if missing:
            text = f"{layer}: no country shares ({int(summary.loc[layer, 'n_cited_facts'])} cited facts)"
        else:
            n_choke = summary.loc[layer, "n_chokepoints"] if "n_chokepoints" in summary.columns else pd.NA
            text = (
                f"{layer}: HHI {float(v):,.0f} · {int(n_choke) if pd.notna(n_choke) else '?'}/{int(n)} inputs "
                f"chokepoints · most often led by {summary.loc[layer, 'most_frequent_top1']}"
            )
        ax.text(
            0.02,
            i + 0.45,
            text,
            va="center",
            fontsize=7,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, len(layer_ids))
    ax.axis("off")
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.04, label=f"{value} (0–10,000)")
    ax.set_title("Concentration across the AI stack")
    add_caption(fig, caption)
    return fig


def plot_top500(trend: pd.DataFrame, *, caption: str = "") -> Figure:
    """Stacked area: share of TOP500 Rmax by country on each list, 2020–2026."""
    import matplotlib.pyplot as plt

    wide = trend.pivot(index="list", columns="iso3", values="share_rmax_pct").fillna(0.0)
    order = [c for c in trend["iso3"].drop_duplicates() if c != "other"] + ["other"]
    wide = wide[[c for c in order if c in wide.columns]]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(wide))
    ax.stackplot(x, wide.T.to_numpy(), labels=list(wide.columns))
    ax.set_xticks(x, list(wide.index), rotation=45, ha="right", fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of the list's total Rmax")
    ax.set_title("Supercomputing capacity by country (TOP500, site location)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


# --- the notebook's contract --------------------------------------------------------------------


def run(
    *,
    country: str = "DEU",
    bloc: str | Iterable[str] = "unga",
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    unknown_market: str = "keep",
    cover_share: float = inter.DEFAULT_COVER_SHARE,
    since: int = 2020,
    mineral_year: int = 2024,
    top: int = 30,
    formats: Iterable[str] = ("png", "svg"),
    output_dir: str | Path | None = "../reports",
    seed: int = 42,
    fast: bool = False,
) -> ChokepointsResult:
    """Compute, write and return notebook 05's tables, figures and headlines.

    Parameters are the notebook's (see its ``parameters`` cell); ``seed`` is unused (nothing is
    random here) and ``fast`` writes PNG figures only. ``output_dir`` is resolved by
    :func:`sovai.report_io.output_dirs` (an interactive run writes to ``reports/scratch``).

    Tables written under ``output_dir/tables``: ``chokepoints.csv``, ``chokepoint_brief.csv``,
    ``chokepoint_layers.csv``, ``chokepoint_stages.csv``, ``chokepoint_shares.csv``,
    ``chokepoint_unattributed.csv``, ``chokepoint_facts.csv``, ``stack_components.csv``,
    ``stack_inputs.csv``, ``top500_trend.csv``; figures: :data:`FIGURE_FILES`.
    """
    figures_dir, tables = report_io.output_dirs(output_dir)
    formats = ["png"] if fast else list(formats)
    country = inter.resolve_country(country)
    shares = stack.input_shares(since=since, mineral_year=mineral_year)
    table = stack.chokepoints(
        shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd, unknown_market=unknown_market
    )
    focus = table[table["chokepoint"]].reset_index(drop=True)
    brief = inter.country_brief(
        country,
        shares,
        bloc=bloc,
        cover_share=cover_share,
        hhi_threshold=hhi_threshold,
        min_market_usd=min_market_usd,
    )
    layers = stack.layer_summary(table, hhi_threshold=hhi_threshold)
    stages = stack.stage_summary(table)
    trend = stack.top500_trend()
    unattributed = stack.unattributed_inputs(shares)
    facts = framework.load_chokepoint_facts()
    components = framework.load_components()
    inputs = stack.declared_inputs()
    caption = caption_for(table)

    report_io.write_table(table, tables / "chokepoints.csv")
    report_io.write_table(brief, tables / "chokepoint_brief.csv")
    report_io.write_table(layers, tables / "chokepoint_layers.csv")
    report_io.write_table(stages, tables / "chokepoint_stages.csv", sort=["stage"])
    report_io.write_table(shares, tables / "chokepoint_shares.csv", sort=["input_id", "iso3"])
    report_io.write_table(unattributed, tables / "chokepoint_unattributed.csv", sort=["input_id"])
    report_io.write_table(facts, tables / "chokepoint_facts.csv", sort=["layer", "fact_id"])
    report_io.write_table(components, tables / "stack_components.csv")
    report_io.write_table(inputs, tables / "stack_inputs.csv")
    report_io.write_table(trend, tables / "top500_trend.csv")

    figs = {
        "ranked": plot_ranked(focus, top=top, hhi_threshold=hhi_threshold, caption=caption),
        "stack": plot_stack(layers, caption=caption),
        "top500": plot_top500(trend, caption=registry.source_line("top500")),
    }
    save_figures(figs, FIGURE_FILES, figures_dir, formats)

    heads: dict[str, float] = {}
    report_io.record_headline(
        "chokepoints_brief_no_partner_set",
        int(brief["no_partner_set"].sum()),
        tolerance=0,
        note=f"{country}: chokepoints no {bloc} partner set covers at {cover_share:g}%",
        into=heads,
    )
    report_io.record_headline(
        "chokepoints_n_inputs", len(table), tolerance=0, note="inputs with country shares", into=heads
    )
    report_io.record_headline(
        "chokepoints_n_highly_concentrated",
        int(table["highly_concentrated"].sum()),
        tolerance=0,
        note=f"HHI >= {hhi_threshold:g}",
        into=heads,
    )
    report_io.record_headline(
        "chokepoints_n_chokepoints",
        int(table["chokepoint"].sum()),
        tolerance=0,
        note=f"HHI >= {hhi_threshold:g} and market >= {min_market_usd:g} US$ or unknown",
        into=heads,
    )
    report_io.record_headline(
        "chokepoints_share_top1_usa_chn",
        round(float(focus["top1_iso3"].isin(["USA", "CHN"]).mean()), 4),
        tolerance=0.001,
        note="share of chokepoints led by the United States or China",
        into=heads,
    )
    gallium = table.set_index("input_id").loc["usgs:gallium:primary_production"]
    report_io.record_headline(
        "chokepoints_gallium_top1_share",
        round(float(gallium["top1_share"]), 2),
        tolerance=0.01,
        note=f"{gallium['top1_iso3']}, USGS {mineral_year}",
        into=heads,
    )
    hardware = layers.set_index("layer").loc["compute_hardware"]
    report_io.record_headline(
        "chokepoints_compute_hardware_hhi_weighted",
        round(float(hardware["hhi_weighted"]), 1),
        tolerance=1.0,
        note="market-size weighted HHI, ETO (CC BY-NC 4.0)",
        into=heads,
    )
    return ChokepointsResult(
        country=country,
        shares=shares,
        table=table,
        chokepoints=focus,
        brief=brief,
        layers=layers,
        stages=stages,
        top500=trend,
        unattributed=unattributed,
        facts=facts,
        components=components,
        inputs=inputs,
        caption=caption,
        figures=figs,
        headlines=heads,
    )
