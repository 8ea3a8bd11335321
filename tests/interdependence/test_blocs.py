"""Blocs and exposure: group, list and UNGA blocs; the fewest bloc partners that cover an input."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from tests.interdependence.toys import _toy  # noqa: E402


def test_cover_partners_and_no_partner_set():
    toy = _toy()
    out = I.cover_partners("FRA", toy, bloc=["JPN", "USA"], cover_share=50, inputs=["a", "c", "d"])
    out = out.set_index("input_id")
    assert out.loc["a", "partners"] == "USA" and out.loc["a", "covered_by_bloc"]
    assert out.loc["d", "partners"] == "JPN"  # largest holder first: one partner suffices
    assert out.loc["c", "no_partner_set"] and out.loc["c", "gap"] == 50.0  # only CHN and IND hold c


def test_exposure_with_group_and_list_blocs():
    toy = _toy()
    out = I.exposure("JPN", toy, bloc=["USA"], inputs=["a", "c", "d"]).set_index("input_id")
    assert out.loc["a", "outside_share"] == 40.0 and out.loc["a", "top_outside_iso3"] == "CHN"
    assert out.loc["c", "outside_share"] == 100.0
    assert out.loc["d", "own_share"] == 90.0 and out.loc["d", "unattributed_share"] == 5.0
    g7 = I.exposure("JPN", toy, bloc="G7", inputs=["d"]).set_index("input_id")
    assert g7.loc["d", "inside_share"] == 95.0  # JPN + FRA


def test_exposure_unga_reports_unknown_alignment():
    toy = _toy()
    extra = pd.DataFrame({"input_id": ["e"], "layer": ["models"], "iso3": ["TWN"], "share": [100.0], "input": ["E"]})
    toy = pd.concat([toy, extra.astype({"iso3": "string"})], ignore_index=True)
    out = I.exposure("USA", toy, bloc="unga", inputs=["e"]).set_index("input_id")
    assert out.loc["e", "unknown_bloc_share"] == 100.0 and out.loc["e", "outside_share"] == 0.0
