"""Ranks over time: the composite recomputed for every year the data supports, with the same
indicator set and settings (issue 13, item 8)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from sovai.composite.pipeline import run_panel


def ranks_over_time(
    view: str = "scale",
    years: Iterable[int] = range(2019, 2025),
    *,
    countries: str | Sequence[str] | None = "all",
    lookback: int = 5,
    **settings,
) -> pd.DataFrame:
    """The overall rank, score and layer scores of every country for each year.

    One panel per year (:func:`sovai.panel.panel_years`: the same indicators, each year's window
    ``(y - lookback, y + 1)``), each run through :func:`run_panel` with ``settings`` and no
    uncertainty draws (the point estimate). Returns a long frame ``year, iso3, rank, score,
    n_layers`` plus one ``layer_<id>`` column per layer, sorted by year and rank; a country the
    screen excludes in a year has no row for that year.
    """
    from sovai.panel import panel_years

    point = {"n_draws": 0, "n_sensitivity": 0, "n_bootstrap": 0}
    clash = sorted(set(point) & set(settings))
    if clash:
        raise ValueError(f"ranks_over_time computes point ranks only; do not pass {clash}")
    parts = []
    for year, panel in panel_years(view, years, lookback=lookback, countries=countries).items():
        result = run_panel(panel, **point, **settings)
        ov = result.overall
        frame = pd.DataFrame(
            {
                "year": year,
                "iso3": ov.index,
                "rank": ov["rank"].to_numpy(),
                "score": ov["score"].to_numpy(),
                "n_layers": ov["n_layers"].to_numpy() if "n_layers" in ov else pd.NA,
            }
        )
        layers = result.layer_scores.reindex(ov.index).add_prefix("layer_").reset_index(drop=True)
        parts.append(pd.concat([frame.reset_index(drop=True), layers], axis=1))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["year", "rank", "iso3"], kind="mergesort").reset_index(drop=True)


def rank_changes(over_time: pd.DataFrame) -> pd.DataFrame:
    """Per country: first and last year ranked, rank then and now, and the change (positive =
    rising), sorted by the change (largest rise first)."""
    g = over_time.sort_values("year").groupby("iso3", sort=True)
    first, last = g.first(), g.last()
    out = pd.DataFrame(
        {
            "first_year": first["year"],
            "rank_first": first["rank"],
            "last_year": last["year"],
            "rank_last": last["rank"],
        }
    )
    out["rank_change"] = out["rank_first"] - out["rank_last"]
    return out.reset_index().sort_values(["rank_change", "iso3"], ascending=[False, True], kind="mergesort")


def plot_ranks_over_time(
    over_time: pd.DataFrame, *, countries: Sequence[str] | None = None, top: int = 15, caption: str | None = None
):
    """A bump chart: rank per year for ``countries`` (default: the ``top`` of the last year)."""
    import matplotlib.pyplot as plt

    from sovai.composite.plots import _caption

    last = over_time[over_time["year"] == over_time["year"].max()]
    chosen = list(countries) if countries else last.nsmallest(top, "rank")["iso3"].tolist()
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(chosen) + 2))
    for iso3 in chosen:
        s = over_time[over_time["iso3"] == iso3].sort_values("year")
        if s.empty:
            continue
        ax.plot(s["year"], s["rank"], marker="o", lw=1.5, label=iso3)
        ax.annotate(
            iso3,
            (s["year"].iloc[-1], s["rank"].iloc[-1]),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.invert_yaxis()
    ax.set_xlabel("year")
    ax.set_ylabel("overall rank")
    ax.set_title("AI-stack composite: rank over time (same indicators and settings each year)")
    ax.set_xticks(sorted(over_time["year"].unique()))
    _caption(fig, caption)
    return fig
