"""Output tables of a composite run (the report writes them: :mod:`sovai.reports.rankings`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sovai.composite.config import CompositeResult
from sovai.composite.steps import rank_rows


def overall_table(result: CompositeResult, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The ``rankings_overall.csv`` contract: ``iso3, country, score, rank, rank_median, rank_p05,
    rank_p95, coverage, imputed_share`` (+ layer scores), sorted by rank then ISO3."""
    df = result.overall.reset_index()
    if names is None:
        names = _country_names(df["iso3"])
    df.insert(1, "country", df["iso3"].map(lambda c: names.get(c, c)))
    return df.reset_index(drop=True)


def layers_table(result: CompositeResult) -> pd.DataFrame:
    """The ``rankings_layers.csv`` contract: ``iso3, layer, score, rank, n_observed`` sorted by rank,
    then layer order and ISO3 (countries without a score on a layer last, score and rank NA;
    ``n_observed`` = observed indicators of the layer)."""
    return result.layers[["iso3", "layer", "score", "rank", "n_observed"]].copy()


def layer_scores_table(result: CompositeResult, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Wide layer scores and ranks per country (for maps and profiles): ``iso3, country,
    overall_score, overall_rank, <layer>_score, <layer>_rank …``, sorted by ISO3."""
    wide = result.layer_scores.copy()
    ranks = pd.DataFrame(rank_rows(wide.to_numpy().T).T, index=wide.index, columns=wide.columns)
    out = pd.DataFrame(index=wide.index)
    if names is None:
        names = _country_names(wide.index)
    out["country"] = [names.get(c, c) for c in wide.index]
    out["overall_score"] = result.overall["score"].reindex(wide.index)
    out["overall_rank"] = result.overall["rank"].reindex(wide.index)
    for lay in wide.columns:
        out[f"{lay}_score"] = wide[lay]
        out[f"{lay}_rank"] = ranks[lay]
        if lay in result.n_observed.columns:
            out[f"{lay}_n_observed"] = result.n_observed[lay].reindex(wide.index)
    return out.sort_index().reset_index()


def _country_names(codes) -> dict[str, str]:
    try:
        from sovai.countries import reference_table

        ref = reference_table()["name"]
        return {c: str(ref[c]) for c in codes if c in ref.index}
    except Exception:  # noqa: BLE001 - toy data without reference: fall back to the code
        return {}
