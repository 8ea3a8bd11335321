"""Output tables of a composite run and their deterministic, atomic writers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

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


def write_tables(
    result: CompositeResult, tables_dir, *, prefix: str = "rankings", names: Mapping[str, str] | None = None
) -> dict[str, Path]:
    """Write the ranking tables (deterministic CSV, atomic) and the run's config/log as JSON.

    Files: ``<prefix>_overall.csv`` (``iso3, country, score, rank, rank_median, rank_p05,
    rank_p95, coverage, imputed_share, n_layers``, then ``layer_<id>`` scores and
    ``n_observed_<id>`` counts; sorted by rank), ``<prefix>_layers.csv`` (``iso3, layer, score,
    rank, n_observed``; by rank, then layer order),
    ``<prefix>_layer_scores.csv`` (wide, by ISO3: for maps and profiles), ``<prefix>_weights.csv``,
    ``<prefix>_sensitivity.csv``, ``<prefix>_sensitivity_country.csv``, ``<prefix>_loo.csv``,
    ``<prefix>_imputed.csv`` (one row per imputed cell), ``<prefix>_treatment.csv``, ``<prefix>_coherence.csv``,
    ``<prefix>_excluded.csv`` and ``<prefix>_config.json``.
    """
    import json

    from sovai.report_io import atomic_write_text, write_table

    tables_dir = Path(tables_dir)
    out = {}
    overall = overall_table(result, names)
    out["overall"] = write_table(overall, tables_dir / f"{prefix}_overall.csv")
    out["layers"] = write_table(layers_table(result), tables_dir / f"{prefix}_layers.csv")
    out["layer_scores"] = write_table(layer_scores_table(result, names), tables_dir / f"{prefix}_layer_scores.csv")
    out["weights"] = write_table(result.weights, tables_dir / f"{prefix}_weights.csv")
    out["sensitivity"] = write_table(result.sensitivity, tables_dir / f"{prefix}_sensitivity.csv")
    out["sensitivity_country"] = write_table(
        result.sensitivity_country, tables_dir / f"{prefix}_sensitivity_country.csv"
    )
    out["loo"] = write_table(result.loo, tables_dir / f"{prefix}_loo.csv")
    out["imputed"] = write_table(result.imputed, tables_dir / f"{prefix}_imputed.csv")
    out["treatment"] = write_table(result.treatment, tables_dir / f"{prefix}_treatment.csv")
    coh = result.coherence["indicator_vs_layer"].merge(
        result.coherence["cronbach_alpha"].rename_axis("layer").reset_index(), on="layer", how="left", validate="m:1"
    )
    out["coherence"] = write_table(coh, tables_dir / f"{prefix}_coherence.csv")
    out["excluded"] = write_table(result.excluded, tables_dir / f"{prefix}_excluded.csv")
    payload = {"config": result.config, "log": result.log}
    out["config"] = atomic_write_text(
        tables_dir / f"{prefix}_config.json", json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n"
    )
    return out
