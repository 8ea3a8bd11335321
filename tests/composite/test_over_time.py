"""Ranks over time: one point ranking per year with the same indicators and settings."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from sovai import composite


def test_rank_changes_positive_means_rising():
    frame = pd.DataFrame(
        {"year": [2019, 2024, 2019, 2024, 2024], "iso3": ["AAA", "AAA", "BBB", "BBB", "CCC"], "rank": [5, 2, 1, 3, 4]}
    )
    out = composite.rank_changes(frame).set_index("iso3")
    assert out.loc["AAA", "rank_change"] == 3 and out.loc["BBB", "rank_change"] == -2
    assert out.loc["CCC", "first_year"] == 2024 and out.loc["CCC", "rank_change"] == 0
    assert composite.rank_changes(frame)["iso3"].iloc[0] == "AAA"


def test_ranks_over_time_one_ranking_per_year():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = composite.ranks_over_time("scale", [2022, 2024], countries="G20")
    assert sorted(out["year"].unique()) == [2022, 2024]
    for _, g in out.groupby("year"):
        assert g["iso3"].is_unique and g["rank"].min() == 1
    assert {c for c in out.columns if c.startswith("layer_")} >= {"layer_models", "layer_energy"}
    with pytest.raises(ValueError, match="point ranks only"):
        composite.ranks_over_time("scale", [2024], n_draws=10)
