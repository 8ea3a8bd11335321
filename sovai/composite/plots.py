"""Figures of a composite run (matplotlib; each function returns the Figure)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sovai.composite.config import CompositeResult
from sovai.composite.steps import rank_rows
from sovai.composite.tables import _country_names, overall_table


def _caption(fig, caption: str | None) -> None:
    if caption:
        import textwrap

        width = max(60, int(fig.get_figwidth() * 22))  # characters per line at 6 pt
        # below the figure: the tight bounding box used by save_figure grows to include it
        fig.text(0.01, -0.01, "\n".join(textwrap.wrap(caption, width)), fontsize=6, color="0.35", ha="left", va="top")


def plot_rank_intervals(
    result: CompositeResult, *, top: int = 40, names: Mapping[str, str] | None = None, caption: str | None = None
):
    """Overall ranking of the ``top`` countries: point rank (dot), Monte Carlo median (bar) and the
    5th–95th percentile rank interval (line)."""
    import matplotlib.pyplot as plt

    df = overall_table(result, names).head(top)
    n = len(df)
    fig, ax = plt.subplots(figsize=(7, 0.22 * n + 1.6))
    y = np.arange(n)
    ax.hlines(y, df["rank_p05"], df["rank_p95"], color="tab:blue", lw=2, alpha=0.6, label="5–95 % rank interval")
    ax.plot(df["rank_median"], y, "|", color="tab:blue", ms=9, mew=2, label="median rank (Monte Carlo)")
    ax.plot(df["rank"], y, "o", color="black", ms=3.5, label="rank (nominal choices)")
    ax.set_yticks(y, [f"{c} ({i})" for c, i in zip(df["country"], df["iso3"])], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = highest composite score)")
    ax.set_title("AI-stack composite: overall rank with uncertainty")
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_layer_heatmap(
    result: CompositeResult,
    *,
    top: int = 30,
    layer_names: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    caption: str | None = None,
):
    """Layer-by-country heatmap for the ``top`` countries: colour = layer rank percentile
    (100 = best country on that layer), text = layer rank."""
    import matplotlib.pyplot as plt

    order = list(result.overall.index[:top])
    scores = result.layer_scores.loc[order]
    ranks = pd.DataFrame(
        rank_rows(result.layer_scores.to_numpy().T).T,
        index=result.layer_scores.index,
        columns=result.layer_scores.columns,
    ).loc[order]
    n_all = result.layer_scores.notna().sum()
    pct = 100 * (1 - (ranks - 1) / (n_all - 1).clip(lower=1))
    fig, ax = plt.subplots(figsize=(0.65 * scores.shape[1] + 3, 0.25 * len(order) + 2))
    im = ax.imshow(pct.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=100)
    labels = [layer_names.get(c, c) if layer_names else c for c in scores.columns]
    ax.set_xticks(np.arange(scores.shape[1]), labels, rotation=45, ha="right", fontsize=7)
    nm = names if names is not None else _country_names(order)
    ax.set_yticks(np.arange(len(order)), [nm.get(c, c) for c in order], fontsize=7)
    for i in range(len(order)):
        for j in range(scores.shape[1]):
            r = ranks.iat[i, j]
            if np.isfinite(r):
                ax.text(
                    j,
                    i,
                    f"{int(r)}",
                    ha="center",
                    va="center",
                    fontsize=5,
                    color="white" if pct.iat[i, j] < 60 else "black",
                )
    fig.colorbar(im, ax=ax, label="layer rank percentile (100 = best)", shrink=0.6)
    ax.set_title("Layer ranks of the top countries")
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_effective_weights(result: CompositeResult, *, caption: str | None = None):
    """Per indicator: nominal effective weight (share of the index by construction) against its
    importance (squared correlation with the overall score, normalised)."""
    import matplotlib.pyplot as plt

    w = result.weights
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(w) + 1.6))
    y = np.arange(len(w))
    ax.barh(y - 0.2, w["nominal_effective"], height=0.4, color="tab:gray", label="nominal effective weight")
    ax.barh(
        y + 0.2,
        w["importance"].fillna(0),
        height=0.4,
        color="tab:orange",
        label="importance (normalised r² with index)",
    )
    ax.set_yticks(y, [f"{i} [{lay}]" for i, lay in zip(w["indicator"], w["layer"])], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("share of the index")
    ax.set_title("Nominal vs effective weights")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_sensitivity(result: CompositeResult, *, caption: str | None = None):
    """First-order and total sensitivity indices of each uncertain choice, with bootstrap intervals."""
    import matplotlib.pyplot as plt

    s = result.sensitivity
    fig, ax = plt.subplots(figsize=(6, 3.2))
    if s.empty:
        ax.text(0.5, 0.5, "no uncertain factor varies", ha="center", va="center")
        ax.set_axis_off()
        return fig
    x = np.arange(len(s))
    for off, col, colour, label in ((-0.2, "S1", "tab:blue", "first order S1"), (0.2, "ST", "tab:red", "total ST")):
        lo = (s[col] - s[f"{col}_p05"]).clip(lower=0).fillna(0)
        hi = (s[f"{col}_p95"] - s[col]).clip(lower=0).fillna(0)
        ax.bar(x + off, s[col].astype(float), width=0.4, color=colour, label=label, yerr=[lo, hi], capsize=2)
    ax.set_xticks(x, [f.replace("_", " ") for f in s["factor"]], rotation=20, ha="right", fontsize=8)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_ylabel("share of variance of mean |rank shift|")
    ax.set_title("Sensitivity of the ranking to each choice")
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_scale_vs_intensity(
    scale: CompositeResult, intensity: CompositeResult, *, label_top: int = 12, caption: str | None = None
):
    """Overall rank in the scale view against the intensity view (countries ranked in both)."""
    import matplotlib.pyplot as plt

    both = pd.DataFrame({"scale": scale.overall["rank"], "intensity": intensity.overall["rank"]}).dropna()
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(both["scale"], both["intensity"], s=10, color="tab:blue", alpha=0.7)
    lim = max(both.max().max(), 1) + 2
    ax.plot([1, lim], [1, lim], color="0.6", lw=0.8, ls="--")
    lab = both[(both["scale"] <= label_top) | (both["intensity"] <= label_top)]
    for iso, row in lab.iterrows():
        ax.annotate(iso, (row["scale"], row["intensity"]), fontsize=6, xytext=(2, 2), textcoords="offset points")
    ax.set_xlabel("rank, scale view (absolute size)")
    ax.set_ylabel("rank, intensity view (per capita / per GDP)")
    from scipy import stats

    rho = stats.spearmanr(both["scale"], both["intensity"]).statistic if len(both) > 2 else float("nan")
    ax.set_title(f"Scale vs intensity (Spearman ρ = {rho:.2f}, n = {len(both)})")
    ax.set_xlim(0, lim)
    ax.set_ylim(0, lim)
    ax.invert_yaxis()  # best ranks top left
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig


def plot_country_sensitivity(
    result: CompositeResult, iso3: str, *, names: Mapping[str, str] | None = None, caption: str | None = None
):
    """Which modelling choice moves one country's rank: first-order and total Sobol indices of the
    country's rank for each uncertain factor, with bootstrap 5–95 % intervals."""
    import matplotlib.pyplot as plt

    s = result.sensitivity_country
    s = s[s["iso3"] == iso3] if len(s) else s
    fig, ax = plt.subplots(figsize=(6, 3.2))
    nm = names if names is not None else _country_names([iso3])
    if s.empty:
        ax.text(0.5, 0.5, f"no per-country sensitivity for {iso3}", ha="center", va="center")
        ax.set_axis_off()
        return fig
    y = np.arange(len(s))
    for off, col, colour, label in ((-0.2, "S1", "tab:blue", "first order S1"), (0.2, "ST", "tab:red", "total ST")):
        lo = (s[col] - s[f"{col}_p05"]).clip(lower=0).fillna(0)
        hi = (s[f"{col}_p95"] - s[col]).clip(lower=0).fillna(0)
        ax.barh(y + off, s[col].astype(float), height=0.4, color=colour, label=label, xerr=[lo, hi], capsize=2)
    ax.set_yticks(y, [f.replace("_", " ") for f in s["factor"]], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlabel("share of the variance of the country's rank")
    rank = result.overall["rank"].get(iso3, np.nan)
    ax.set_title(f"What moves the rank of {nm.get(iso3, iso3)} (nominal rank {rank:.0f})", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout(rect=(0, 0, 1, 1))
    _caption(fig, caption)
    return fig
