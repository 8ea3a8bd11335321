"""Tests for sovai.derived_codings.merge: the merge (hand wins) and the conflicts."""

from __future__ import annotations

from sovai import categorical as cat
from sovai import derived_codings as dc
from tests.derived_codings.support import derived_frame, hand_frame


def test_merge_hand_wins_and_fills_missing():
    hand = hand_frame(("ZAF", "national_ai_strategy", "true"), ("ZAF", "national_ai_strategy_year", "2024"))
    derived = derived_frame(("ZAF", "national_ai_strategy", "false"), ("AFG", "national_ai_strategy", "false"))
    merged = dc.merge(hand, derived)
    got = merged.set_index(["iso3", "variable"])
    assert got.loc[("ZAF", "national_ai_strategy"), "value"] == "true"
    assert got.loc[("ZAF", "national_ai_strategy"), "origin"] == "hand"
    assert got.loc[("AFG", "national_ai_strategy"), "value"] == "false"
    assert got.loc[("AFG", "national_ai_strategy"), "origin"] == "derived"
    wide = cat.to_wide(merged.drop(columns="origin"))
    assert bool(wide.loc["ZAF", "national_ai_strategy"]) and not bool(wide.loc["AFG", "national_ai_strategy"])


def test_merge_drops_derived_year_without_true_strategy_and_false_against_hand_year():
    hand = hand_frame(("MOZ", "national_ai_strategy_year", "2026"))
    derived = derived_frame(
        ("MOZ", "national_ai_strategy", "false"),
        ("AFG", "national_ai_strategy", "false"),
        ("AFG", "national_ai_strategy_year", "2020"),
    )
    merged = dc.merge(hand, derived)
    assert set(zip(merged["iso3"], merged["variable"], strict=True)) == {
        ("MOZ", "national_ai_strategy_year"),
        ("AFG", "national_ai_strategy"),
    }


def test_conflict_is_reported():
    hand = hand_frame(("ZAF", "national_ai_strategy", "true"), ("FRA", "national_ai_strategy", "true"))
    derived = derived_frame(("ZAF", "national_ai_strategy", "false"), ("FRA", "national_ai_strategy", "true"))
    out = dc.conflicts(hand, derived)
    assert out[["iso3", "variable", "hand", "derived", "rule"]].to_dict("records") == [
        {"iso3": "ZAF", "variable": "national_ai_strategy", "hand": "true", "derived": "false", "rule": "girai2026_nap"}
    ]
