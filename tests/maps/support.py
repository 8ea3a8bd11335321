"""Helpers of the map tests: the collections and legend texts of a drawn map, a toy stance frame."""

from __future__ import annotations

import pandas as pd

STANCE = pd.CategoricalDtype(["none", "selective", "broad", "full_stack"], ordered=True)


def collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection {gid!r}, found {len(found)}"
    return found[0]


def legend_texts(fig):
    (legend,) = fig.legends
    return [t.get_text() for t in legend.get_texts()]


def stance_frame():
    return pd.DataFrame(
        {
            "stance": pd.Categorical(
                ["full_stack", "full_stack", "broad", "selective", "none", "none", "broad"], dtype=STANCE
            ),
            "count": pd.array([8, 7, 4, 2, 0, 0, 5], dtype="Int64"),
        },
        index=pd.Index(["USA", "CHN", "FRA", "NOR", "BRA", "SGP", "XKX"], name="iso3"),
    )
