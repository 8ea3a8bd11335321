"""Notebook ``06-managed-interdependence``: coalitions, what no coalition covers, diversification.

:func:`run` computes the tables with :mod:`sovai.interdependence` (on the shares of
:mod:`sovai.stack`), draws the figures, writes both through :mod:`sovai.report_io`, records the
headlines and returns an :class:`InterdependenceResult`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sovai import interdependence as inter
from sovai import report_io, stack
from sovai.reports.chokepoints import add_caption, caption_for, save_figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Figure key in :attr:`InterdependenceResult.figures` → saved file name (without suffix).
FIGURE_FILES = {"presence": "layer_presence", "diversification": "diversification", "uncoverable": "uncoverable"}
#: Inputs shown in the diversification chart (the largest HHI reductions).
DIVERSIFICATION_SHOWN = 25


@dataclass(frozen=True)
class InterdependenceResult:
    """What notebook 06 shows: every table it writes, its figures and headline values."""

    #: ISO3 code of the country whose dependencies are mapped.
    country: str
    #: Ids of the chokepoints every table is about.
    chokepoint_ids: list[str]
    #: ``country``'s chokepoints with the fewest bloc partners covering them (``cover_partners.csv``).
    brief: pd.DataFrame
    #: Layer shares per country (``layer_presence.csv``).
    presence: pd.DataFrame
    #: Summary of :attr:`presence` (:func:`sovai.interdependence.full_stack`).
    full_stack: dict[str, object]
    #: Full-stack presence at several thresholds (``full_stack.csv``).
    full_stack_table: pd.DataFrame
    #: Supply against own demand (``self_sufficiency.csv``).
    self_sufficiency: pd.DataFrame
    #: The rows of :attr:`self_sufficiency` for ``country``.
    country_self_sufficiency: pd.DataFrame
    #: The smallest coalition covering every chokepoint (:func:`sovai.interdependence.minimum_coalition`).
    minimum_coalition: dict[str, object]
    #: The same under the members'-own-demand rule.
    minimum_coalition_own_demand: dict[str, object]
    #: Two lines on both searches: method, alternatives, uncoverable inputs, own-demand coalition.
    coalition_note: str
    #: Members of :attr:`minimum_coalition` and the inputs each is needed for (``minimum_coalition.csv``).
    coalition_members: pd.DataFrame
    #: The same for the own-demand coalition (``minimum_coalition_own_demand.csv``).
    coalition_members_own_demand: pd.DataFrame
    #: Coalition × chokepoint joint shares (``coalitions.csv``).
    coalitions: pd.DataFrame
    #: One row per coalition (``coalition_summary.csv``).
    coalition_summary: pd.DataFrame
    #: Chokepoints no coalition covers without a key supplier (``uncoverable_without.csv``).
    uncoverable: pd.DataFrame
    #: One row per key supplier (``uncoverable_summary.csv``).
    uncoverable_summary: pd.DataFrame
    #: Share of each chokepoint's supply outside ``country``'s bloc (``exposure.csv``).
    exposure: pd.DataFrame
    #: Capacity-limited diversification scenarios (``diversification.csv``).
    diversification: pd.DataFrame
    #: Source and licence line of the figures.
    caption: str
    #: ``presence``, ``diversification``, ``uncoverable`` (see :data:`FIGURE_FILES`).
    figures: dict[str, Figure]
    #: Headline name → value, as recorded.
    headlines: dict[str, float]


# --- figures ------------------------------------------------------------------------------------


def plot_presence(
    presence: pd.DataFrame, *, top: int = 20, threshold: float = inter.DEFAULT_THRESHOLD, caption: str = ""
) -> Figure:
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


def plot_diversification(table: pd.DataFrame, *, country: str, caption: str = "") -> Figure:
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


def plot_uncoverable(summary: pd.DataFrame, *, caption: str = "") -> Figure:
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


# --- the notebook's contract --------------------------------------------------------------------


def _listed(value: str | Iterable[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def run(
    *,
    country: str = "DEU",
    partners: Iterable[str] | str = ("JPN", "KOR", "AUS", "IND"),
    coalitions: Mapping[str, Iterable[str]] | Iterable[str] | str | None = inter.DEFAULT_COALITIONS,
    cover_share: float = inter.DEFAULT_COVER_SHARE,
    threshold: float = inter.DEFAULT_THRESHOLD,
    full_stack_thresholds: Iterable[float] = inter.FULL_STACK_THRESHOLDS,
    excluded: Iterable[str] = inter.KEY_SUPPLIERS,
    weight: float = 0.5,
    bloc: str | Iterable[str] = "unga",
    year: int = 2024,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    since: int = 2020,
    formats: Iterable[str] = ("png", "svg"),
    output_dir: str | Path | None = "../reports",
    seed: int = 42,
    fast: bool = False,
) -> InterdependenceResult:
    """Compute, write and return notebook 06's tables, figures and headlines.

    Parameters are the notebook's (see its ``parameters`` cell); ``seed`` is unused (the coalition
    search is an exact integer programme) and ``fast`` writes PNG figures only. ``output_dir`` is
    resolved by :func:`sovai.report_io.output_dirs` (an interactive run writes to
    ``reports/scratch``).

    Tables written under ``output_dir/tables``: ``cover_partners.csv``, ``coalitions.csv`` (the
    minimum coalition as ``smallest_cover``), ``coalition_summary.csv``, ``minimum_coalition.csv``,
    ``minimum_coalition_own_demand.csv`` (inputs with demand data covered when the members supply
    at least their joint share of world demand), ``uncoverable_without.csv``,
    ``uncoverable_summary.csv``, ``layer_presence.csv``, ``full_stack.csv``,
    ``self_sufficiency.csv``, ``exposure.csv``, ``diversification.csv``; figures:
    :data:`FIGURE_FILES`.
    """
    figures_dir, tables = report_io.output_dirs(output_dir)
    formats = ["png"] if fast else list(formats)
    country = inter.resolve_country(country)
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
    full = inter.full_stack(presence)
    full_table = inter.full_stack_table(shares, thresholds=full_stack_thresholds)
    sufficiency = inter.self_sufficiency(shares)
    best = inter.minimum_coalition(shares, cover_share=cover_share, inputs=ids)
    best_demand = inter.minimum_coalition(shares, cover_share=cover_share, inputs=ids, demand=inter.input_demand())
    members = inter.coalition_members_table(shares, best, ids)
    members_demand = inter.coalition_members_table(shares, best_demand, ids).assign(rule=best_demand["rule"])
    named = inter.resolve_coalitions(coalitions)
    named["smallest_cover"] = best["members"]
    coverage = inter.coalition_coverage(shares, named, cover_share=cover_share, inputs=ids)
    coverage_summary = inter.coalition_summary(coverage)
    uncoverable = inter.uncoverable_without(shares, excluded=excluded, cover_share=cover_share, inputs=ids)
    uncoverable_summary = inter.uncoverable_summary(shares, excluded=excluded, cover_share=cover_share, inputs=ids)
    exposure = inter.exposure(country, shares, bloc=bloc, year=year, inputs=ids)
    diversification = inter.diversify(country, partners, shares, weight=weight, inputs=ids, bloc=bloc, year=year)

    for frame, name in (
        (brief, "cover_partners.csv"),
        (coverage, "coalitions.csv"),
        (coverage_summary, "coalition_summary.csv"),
        (members, "minimum_coalition.csv"),
        (members_demand, "minimum_coalition_own_demand.csv"),
        (uncoverable, "uncoverable_without.csv"),
        (uncoverable_summary, "uncoverable_summary.csv"),
        (presence, "layer_presence.csv"),
        (full_table, "full_stack.csv"),
        (sufficiency, "self_sufficiency.csv"),
        (exposure, "exposure.csv"),
        (diversification, "diversification.csv"),
    ):
        report_io.write_table(frame, tables / name)

    shown = diversification[diversification["status"] != "no_partner_supply"]
    figs = {
        "presence": plot_presence(presence, threshold=threshold, caption=caption),
        "diversification": plot_diversification(
            shown.sort_values("hhi_change", kind="mergesort").head(DIVERSIFICATION_SHOWN),
            country=country,
            caption=caption,
        ),
        "uncoverable": plot_uncoverable(uncoverable_summary, caption=caption),
    }
    save_figures(figs, FIGURE_FILES, figures_dir, formats)

    heads: dict[str, float] = {}
    report_io.record_headline(
        "interdependence_n_no_partner_set",
        int(brief["no_partner_set"].sum()),
        tolerance=0,
        note=f"{country}: chokepoints no {bloc} partner set covers at {cover_share:g}% (of {len(brief)})",
        into=heads,
    )
    report_io.record_headline(
        "interdependence_mean_outside_bloc",
        round(float(exposure["outside_share"].mean()), 2),
        tolerance=0.01,
        note=f"{country}: mean share of chokepoint supply outside its bloc ({bloc})",
        into=heads,
    )
    report_io.record_headline(
        "interdependence_smallest_cover_size",
        best["size"],
        tolerance=0,
        note=f"cover {cover_share:g}%: {', '.join(best['members'])} ({best['n_optimal']} minimum coalitions found)",
        into=heads,
    )
    for row in uncoverable_summary.itertuples():
        report_io.record_headline(
            f"interdependence_uncoverable_without_{row.excluded}",
            int(row.n_uncoverable),
            tolerance=0,
            note=f"min coalition without it: {row.min_coalition_size_without}",
            into=heads,
        )
    report_io.record_headline(
        "interdependence_n_infeasible",
        int((diversification["status"] == "infeasible").sum()),
        tolerance=0,
        note=f"{country} with {_listed(partners)} at weight {weight:g}: scenarios beyond partner capacity "
        f"(of {len(diversification)})",
        into=heads,
    )
    report_io.record_headline(
        "interdependence_n_full_stack",
        full["n_countries_full_stack"],
        tolerance=0,
        note=f"countries with >= {threshold:g}% on all {full['n_layers_measured']} measured layers: "
        f"{', '.join(full['full_stack_countries'])}; unknown: {', '.join(full['unknown_countries'])}",
        into=heads,
    )
    report_io.record_headline(
        "interdependence_n_any_layer",
        full["n_countries_any_layer"],
        tolerance=0,
        note=f"countries with >= {threshold:g}% on at least one layer",
        into=heads,
    )
    note = (
        f"{best['method']} | alternatives: {best['alternatives']} | uncoverable: {best['uncoverable']}\n"
        "Own-demand rule (compute, cloud, models, electricity: members supply at least their joint share of "
        f"world demand): {best_demand['size']} members, {', '.join(best_demand['members'])}"
    )
    return InterdependenceResult(
        country=country,
        chokepoint_ids=ids,
        brief=brief,
        presence=presence,
        full_stack=full,
        full_stack_table=full_table,
        self_sufficiency=sufficiency,
        country_self_sufficiency=sufficiency[sufficiency["iso3"] == country],
        minimum_coalition=best,
        minimum_coalition_own_demand=best_demand,
        coalition_note=note,
        coalition_members=members,
        coalition_members_own_demand=members_demand,
        coalitions=coverage,
        coalition_summary=coverage_summary,
        uncoverable=uncoverable,
        uncoverable_summary=uncoverable_summary,
        exposure=exposure,
        diversification=diversification,
        caption=caption,
        figures=figs,
        headlines=heads,
    )
