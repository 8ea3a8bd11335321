"""Legend entries and counts, the hatched no-data / not-coded entry, and the source caption."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import STANCE, collection, legend_texts, stance_frame  # noqa: E402


def test_legend_labels_and_counts_with_missing_patch():
    df = stance_frame()
    df.loc["BRA", "stance"] = np.nan
    res = maps.choropleth(df, "stance", expected=list(df.index) + ["ARG"])
    texts = legend_texts(res.fig)
    assert texts[:4] == ["none (n = 1)", "selective (n = 1)", "broad (n = 2)", "full stack (n = 2)"]
    assert "no data (n = 2)" in texts  # BRA (NA value) and ARG (expected, absent)
    missing = collection(res.ax, "sovai-missing")
    assert len(missing.get_paths()) == 2 and missing.get_hatch()
    assert res.info.missing == ["ARG", "BRA"]
    assert res.counts["no data"] == 2


def test_caption_has_source_and_licence():
    res = maps.choropleth(stance_frame(), "stance", source="Source: test codings (CC BY 4.0)")
    captions = [a for a in res.fig.artists if a.get_gid() == "sovai-caption"]
    assert len(captions) == 1
    text = captions[0].get_text()
    assert text.startswith("Source: test codings (CC BY 4.0)")
    assert "Natural Earth" in text and "public domain" in text and "Equal Earth" in text


def test_not_coded_cells_are_hatched_and_named_in_the_legend_with_na_counts():
    """Codings with missing instrument counts and stances (the default na_policy keeps uncoded
    cells missing): the missing countries are hatched and the legend says "not coded"."""
    df = pd.DataFrame(
        {
            "instrument_count": pd.array([0, 3, pd.NA, 8], dtype="Int64"),
            "stance": pd.Series(["none", "selective", None, "full_stack"], dtype=STANCE).to_numpy(),
        },
        index=pd.Index(["DEU", "FRA", "ITA", "USA"], name="iso3"),
    )
    expected = ["DEU", "FRA", "ITA", "USA", "ESP"]
    for column in ("instrument_count", "stance"):
        res = maps.choropleth(df, column, expected=expected, missing_label="not coded")
        missing = collection(res.ax, "sovai-missing")
        assert len(missing.get_paths()) == 2 and missing.get_hatch()  # ITA (NA) and ESP (no row)
        assert res.info.missing == ["ESP", "ITA"] and res.counts["no data"] == 2
        assert legend_texts(res.fig)[-1] == "not coded (n = 2)"
        assert not any(t.startswith("no data") for t in legend_texts(res.fig))
