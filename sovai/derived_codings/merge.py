"""The derived layer against the hand codings: the merge (hand wins) and the conflict list.

This module holds :func:`merge` (the hand long frame completed by derived rows for the cells the
hand codings leave missing, with an ``origin`` column) and :func:`conflicts` (cells coded both
ways with different values). Both are pure functions of two frames: nothing here computes the
derived layer (:mod:`sovai.derived_codings.layer`), reads a file or imports another submodule.
"""

from __future__ import annotations

import pandas as pd


def merge(hand: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Hand long frame completed by derived rows for the cells the hand codings leave missing.

    Returns the union with a column ``origin`` (``hand``/``derived``); hand rows are untouched.
    A derived ``national_ai_strategy_year`` is dropped where the (merged) strategy is not true, and
    a derived strategy ``false`` is dropped where the hand codings give a strategy year.
    """
    hand = hand.copy()
    hand["origin"] = "hand"
    have = set(zip(hand["iso3"], hand["variable"], strict=True))
    hand_year = set(hand.loc[hand["variable"] == "national_ai_strategy_year", "iso3"])
    add = derived[[(i, v) not in have for i, v in zip(derived["iso3"], derived["variable"], strict=True)]]
    contradicts = (add["variable"] == "national_ai_strategy") & (add["value"] == "false") & add["iso3"].isin(hand_year)
    add = add[~contradicts]
    add = add.drop(columns=[c for c in ("rule", "registry_key") if c in add.columns]).copy()
    add["origin"] = "derived"
    out = pd.concat([hand, add], ignore_index=True)
    strat = out[out["variable"] == "national_ai_strategy"].set_index("iso3")["value"]
    year_derived = (out["variable"] == "national_ai_strategy_year") & (out["origin"] == "derived")
    bad = year_derived & (out["iso3"].map(strat).fillna("") != "true")
    out = out[~bad]
    return out.astype("string").sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)


def conflicts(hand: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Cells coded by hand and derived with different values (the hand value wins).

    Returns ``iso3, variable, hand, derived, rule, hand_source_url, derived_note``, sorted.
    """
    cols = ["iso3", "variable", "hand", "derived", "rule", "hand_source_url", "derived_note"]
    m = hand[["iso3", "variable", "value", "source_url"]].merge(
        derived[["iso3", "variable", "value", "rule", "note"]], on=["iso3", "variable"], suffixes=("_h", "_d"),
        validate="1:1",
    )  # fmt: skip
    m = m[m["value_h"].astype(str) != m["value_d"].astype(str)]
    out = pd.DataFrame(
        {
            "iso3": m["iso3"],
            "variable": m["variable"],
            "hand": m["value_h"],
            "derived": m["value_d"],
            "rule": m["rule"],
            "hand_source_url": m["source_url"],
            "derived_note": m["note"],
        },
        columns=cols,
    )
    return out.astype("string").sort_values(["variable", "iso3"], kind="mergesort").reset_index(drop=True)
