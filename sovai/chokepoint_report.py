"""Report recipes of notebooks 05 (chokepoints) and 06 (managed interdependence): figures and writers.

The analysis lives in :mod:`sovai.stack` and :mod:`sovai.interdependence`, which return frames and
write nothing. This module draws the report figures and writes every table and figure through
:mod:`sovai.report_io` (atomic, deterministic bytes). Each notebook calls one function —
:func:`run_chokepoints` or :func:`run_interdependence` — and shows the fields of the typed result.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sovai import interdependence as inter
from sovai import registry, stack


def _wrap(text: str, width: int = 160) -> str:
    """Pre-wrap a caption (matplotlib's own wrapping measures every word: slow)."""
    return "\n".join(textwrap.wrap(text, width))


def add_caption(fig, caption: str) -> None:
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


def _usd(value: object) -> str:
    if value is None or pd.isna(value):
        return "market n/a"
    v = float(value)
    return f"${v / 1e9:,.1f} bn" if v >= 1e9 else f"${v / 1e6:,.0f} m"


# --- figures ------------------------------------------------------------------------------------


def plot_ranked(table: pd.DataFrame, *, top: int = 30, hhi_threshold: float = stack.HHI_HIGH, caption: str = ""):
    """Horizontal bars of the ``top`` most concentrated inputs of ``table``, coloured by layer,
    labelled with the top country and the world market size (cited rows hatched)."""
    import matplotlib.pyplot as plt

    data = table.head(top).iloc[::-1]
    palette = dict(zip(stack.layers(), plt.get_cmap("tab10").colors, strict=True))
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
    present = [layer for layer in stack.layers() if layer in set(data["layer"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[layer]) for layer in present]
    ax.legend(handles, present, fontsize=7, loc="lower right")
    ax.set_title(f"The {len(data)} most concentrated chokepoints of the AI stack")
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


def plot_stack(summary: pd.DataFrame, *, value: str = "hhi_weighted", caption: str = ""):
    """Stack diagram: one box per layer (bottom: minerals), coloured by concentration.

    Layers without a computed input are hatched grey and labelled with their cited-fact count.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colors

    cmap = plt.get_cmap("Reds")
    norm = colors.Normalize(vmin=0, vmax=10000)
    layer_ids = stack.layers()
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


def plot_top500(trend: pd.DataFrame, *, caption: str = ""):
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


def plot_presence(
    presence: pd.DataFrame, *, top: int = 20, threshold: float = inter.DEFAULT_THRESHOLD, caption: str = ""
):
    """Heatmap of the ``top`` countries' layer shares; ≥ ``threshold`` outlined, unknown (withheld) hatched."""
    import matplotlib.pyplot as plt

    cols = [c for c in presence.columns if c.startswith("share_")]
    data = presence.head(top)
    vals = data[cols].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 * len(cols) + 3, 0.3 * len(data) + 1.8))
    finite = vals[np.isfinite(vals)]
    im = ax.imshow(
        np.nan_to_num(vals, nan=0.0),
        aspect="auto",
        cmap="Blues",
        vmin=0,
        vmax=max(50.0, float(finite.max()) if finite.size else 50.0),
    )
    for (i, j), v in np.ndenumerate(vals):
        if np.isnan(v):
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#eeeeee", hatch="//", edgecolor="grey"))
            ax.text(j, i, "?", ha="center", va="center", fontsize=6)
            continue
        if v >= threshold:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", lw=1.2))
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6)
    ax.set_xticks(range(len(cols)), [c.removeprefix("share_") for c in cols], rotation=30, ha="right", fontsize=7)
    ax.set_yticks(
        range(len(data)),
        [f"{c} ({n})" for c, n in zip(data["iso3"], data["n_layers_meaningful"], strict=True)],
        fontsize=7,
    )
    ax.set_title(f"Share of world supply by layer (%, outlined: ≥ {threshold:g}%, ?: withheld data)")
    fig.colorbar(im, ax=ax, fraction=0.03)
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


def plot_diversification(table: pd.DataFrame, *, country: str, caption: str = ""):
    """Dumbbell chart: supplier HHI before and after diversification, per input (infeasible: open)."""
    import matplotlib.pyplot as plt

    data = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(data) + 1.6))
    y = np.arange(len(data))
    ax.hlines(y, data["scenario_hhi"], data["baseline_hhi"], color="grey", lw=1)
    ax.scatter(data["baseline_hhi"], y, color="tab:red", label="baseline (world mix)", zorder=3)
    feasible = (data["status"] == "feasible").to_numpy()
    ax.scatter(data["scenario_hhi"][feasible], y[feasible], color="tab:blue", label="with partners", zorder=3)
    ax.scatter(
        data["scenario_hhi"][~feasible],
        y[~feasible],
        facecolor="white",
        edgecolor="tab:blue",
        label="with partners, capacity-limited (infeasible)",
        zorder=3,
    )
    ax.set_yticks(y, data["input"], fontsize=7)
    ax.set_xlim(0, 10000)
    ax.set_xlabel("HHI of the supplier mix (0–10,000)")
    ax.set_title(f"{country}: supplier concentration before and after diversifying")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


def plot_uncoverable(summary: pd.DataFrame, *, caption: str = ""):
    """Bars: chokepoints no coalition can cover without each key supplier."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(summary["excluded"], summary["n_uncoverable"], color="tab:purple")
    for x, n in enumerate(summary["n_uncoverable"]):
        ax.text(x, n, str(int(n)), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("chokepoints uncoverable")
    ax.set_title("Chokepoints that no coalition can cover without …")
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


# --- notebook 05 ---------------------------------------------------------------------------------


@dataclass
class ChokepointReport:
    """Result of :func:`run_chokepoints` (tables as frames, figures as matplotlib figures)."""

    country: str
    shares: pd.DataFrame
    table: pd.DataFrame
    chokepoints: pd.DataFrame
    brief: pd.DataFrame
    layers: pd.DataFrame
    stages: pd.DataFrame
    top500: pd.DataFrame
    unattributed: pd.DataFrame
    facts: pd.DataFrame
    components: pd.DataFrame
    inputs: pd.DataFrame
    caption: str
    figures: dict = field(default_factory=dict)


def run_chokepoints(
    output_dir,
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
    formats: Iterable[str] = ("png",),
) -> ChokepointReport:
    """Compute notebook 05's tables and figures and write them under ``output_dir``.

    Tables: ``chokepoints.csv`` (every input: concentration, market size and year, chokepoint flag),
    ``chokepoint_brief.csv`` (``country``'s chokepoints, most exposed first, with covering partners),
    ``chokepoint_layers.csv``, ``chokepoint_stages.csv``, ``chokepoint_shares.csv``,
    ``chokepoint_unattributed.csv``, ``chokepoint_facts.csv``, ``stack_components.csv``,
    ``stack_inputs.csv``, ``top500_trend.csv``. Figures: ``chokepoints_ranked``,
    ``stack_concentration``, ``top500_trend``.
    """
    import matplotlib.pyplot as plt

    from sovai import report_io

    figures, tables = report_io.output_dirs(output_dir)
    country = inter._check_country(country)
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
    facts = stack.load_chokepoint_facts()
    components = stack.load_components()
    inputs = stack.load_inputs()
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
    for name, fig in (
        ("chokepoints_ranked", figs["ranked"]),
        ("stack_concentration", figs["stack"]),
        ("top500_trend", figs["top500"]),
    ):
        report_io.save_figure(fig, figures / name, formats)
    plt.close("all")
    return ChokepointReport(
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
    )


# --- notebook 06 ---------------------------------------------------------------------------------


@dataclass
class InterdependenceReport:
    """Result of :func:`run_interdependence`."""

    country: str
    chokepoint_ids: list[str]
    brief: pd.DataFrame
    presence: pd.DataFrame
    full_stack: dict
    full_stack_table: pd.DataFrame
    self_sufficiency: pd.DataFrame
    minimum_coalition: dict
    minimum_coalition_own_demand: dict
    coalition_members: pd.DataFrame
    coalitions: pd.DataFrame
    coalition_summary: pd.DataFrame
    uncoverable: pd.DataFrame
    uncoverable_summary: pd.DataFrame
    exposure: pd.DataFrame
    diversification: pd.DataFrame
    caption: str
    figures: dict = field(default_factory=dict)


def run_interdependence(
    output_dir,
    *,
    country: str = "DEU",
    partners: Iterable[str] | str = ("JPN", "KOR", "AUS", "IND"),
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = inter.DEFAULT_COALITIONS,
    cover_share: float = inter.DEFAULT_COVER_SHARE,
    threshold: float = inter.DEFAULT_THRESHOLD,
    full_stack_thresholds: Iterable[float] = inter.FULL_STACK_THRESHOLDS,
    excluded: Iterable[str] = inter.KEY_SUPPLIERS,
    weight: float = 0.5,
    demand_share: float | None = None,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    since: int = 2020,
    formats: Iterable[str] = ("png",),
) -> InterdependenceReport:
    """Compute notebook 06's tables and figures and write them under ``output_dir``.

        Tables: ``cover_partners.csv`` (``country``'s chokepoints with the fewest bloc partners covering
        ``cover_share`` % of world supply), ``coalitions.csv`` (coalition × chokepoint joint shares, with
        the minimum coalition as ``smallest_cover``), ``coalition_summary.csv``,
        ``minimum_coalition.csv``, ``minimum_coalition_own_demand.csv`` (inputs with demand data covered
    when the members supply at least their own joint share of world demand), ``uncoverable_without.csv``, ``uncoverable_summary.csv``,
        ``layer_presence.csv``, ``full_stack.csv``, ``self_sufficiency.csv``, ``exposure.csv``,
        ``diversification.csv``. Figures: ``layer_presence``, ``diversification``, ``uncoverable``.
    """
    import matplotlib.pyplot as plt

    from sovai import report_io

    figures, tables = report_io.output_dirs(output_dir)
    country = inter._check_country(country)
    shares = stack.input_shares(since=since)
    table = stack.chokepoints(shares, hhi_threshold=hhi_threshold, min_market_usd=min_market_usd)
    ids = sorted(table.loc[table["chokepoint"], "input_id"])
    caption = caption_for(table)
    brief = inter.country_brief(
        country,
        shares,
        bloc=bloc,
        year=year,
        cover_share=cover_share,
        hhi_threshold=hhi_threshold,
        min_market_usd=min_market_usd,
    )
    presence = inter.layer_presence(shares, threshold=threshold)
    summary_full = inter.full_stack(presence)
    fs_table = inter.full_stack_table(shares, thresholds=full_stack_thresholds)
    suff = inter.self_sufficiency(shares)
    best = inter.minimum_coalition(shares, cover_share=cover_share, inputs=ids)
    best_demand = inter.minimum_coalition(shares, cover_share=cover_share, inputs=ids, demand=inter.input_demand())
    members = inter.coalition_members_table(shares, best, ids)
    members_demand = inter.coalition_members_table(shares, best_demand, ids).assign(rule=best_demand["rule"])
    coal = inter.resolve_coalitions(coalitions)
    coal["smallest_cover"] = best["members"]
    coverage = inter.coalition_coverage(shares, coal, cover_share=cover_share, inputs=ids)
    csum = inter.coalition_summary(coverage)
    unc = inter.uncoverable_without(shares, excluded=excluded, cover_share=cover_share, inputs=ids)
    unc_sum = inter.uncoverable_summary(shares, excluded=excluded, cover_share=cover_share, inputs=ids)
    expo = inter.exposure(country, shares, bloc=bloc, year=year, inputs=ids)
    div = inter.diversify(
        country, partners, shares, weight=weight, inputs=ids, bloc=bloc, year=year, demand_share=demand_share
    )
    for frame, name in (
        (brief, "cover_partners.csv"),
        (coverage, "coalitions.csv"),
        (csum, "coalition_summary.csv"),
        (members, "minimum_coalition.csv"),
        (members_demand, "minimum_coalition_own_demand.csv"),
        (unc, "uncoverable_without.csv"),
        (unc_sum, "uncoverable_summary.csv"),
        (presence, "layer_presence.csv"),
        (fs_table, "full_stack.csv"),
        (suff, "self_sufficiency.csv"),
        (expo, "exposure.csv"),
        (div, "diversification.csv"),
    ):
        report_io.write_table(frame, tables / name)
    figs = {
        "presence": plot_presence(presence, threshold=threshold, caption=caption),
        "diversification": plot_diversification(
            div[div["status"] != "no_partner_supply"].sort_values("hhi_change", kind="mergesort").head(25),
            country=country,
            caption=caption,
        ),
        "uncoverable": plot_uncoverable(unc_sum, caption=caption),
    }
    for name, fig in (
        ("layer_presence", figs["presence"]),
        ("diversification", figs["diversification"]),
        ("uncoverable", figs["uncoverable"]),
    ):
        report_io.save_figure(fig, figures / name, formats)
    plt.close("all")
    return InterdependenceReport(
        country=country,
        chokepoint_ids=ids,
        brief=brief,
        presence=presence,
        full_stack=summary_full,
        full_stack_table=fs_table,
        self_sufficiency=suff,
        minimum_coalition=best,
        minimum_coalition_own_demand=best_demand,
        coalition_members=members,
        coalitions=coverage,
        coalition_summary=csum,
        uncoverable=unc,
        uncoverable_summary=unc_sum,
        exposure=expo,
        diversification=div,
        caption=caption,
        figures=figs,
    )
