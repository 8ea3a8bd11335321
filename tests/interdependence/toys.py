"""Toy share tables shared by the tests of :mod:`sovai.interdependence`."""

from __future__ import annotations

import pandas as pd


def _toy() -> pd.DataFrame:
    """Four inputs on two layers; world shares in percent (FRA + residual on 'd')."""
    rows = [
        ("a", "models", "USA", 60.0),
        ("a", "models", "CHN", 40.0),
        ("b", "models", "USA", 50.0),
        ("b", "models", "JPN", 50.0),
        ("c", "energy", "CHN", 70.0),
        ("c", "energy", "IND", 30.0),
        ("d", "energy", "JPN", 90.0),
        ("d", "energy", "FRA", 5.0),
        ("d", "energy", None, 5.0),
    ]
    df = pd.DataFrame(rows, columns=["input_id", "layer", "iso3", "share"])
    df["input"] = df["input_id"].str.upper()
    df["iso3"] = df["iso3"].astype("string")
    return df


def _withheld_toy() -> pd.DataFrame:
    toy = _toy()
    extra = pd.DataFrame(
        {
            "input_id": ["m", "m", "m", "e"],
            "layer": ["minerals"] * 3 + ["energy"],
            "iso3": ["CHN", "USA", None, "USA"],
            "share": [90.0, None, 10.0, 100.0],
            "input": ["M"] * 3 + ["E"],
        }
    )
    toy = pd.concat([toy.assign(withheld=False), extra.assign(withheld=[False, True, False, False])], ignore_index=True)
    toy["iso3"] = toy["iso3"].astype("string")
    return toy
