"""The TOP500 trend and the layer and stage summaries (:mod:`sovai.stack.summaries`) of the real mirror."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import framework, stack  # noqa: E402


def test_top500_trend_and_summaries():
    trend = stack.top500_trend(top=3)
    assert trend["list"].nunique() == 13
    per_list = trend.groupby("list")["share_rmax_pct"].sum()
    assert per_list.between(99.9, 100.1).all()
    table = stack.chokepoints()
    layers = stack.layer_summary(table)
    assert layers["layer"].tolist() == list(framework.layer_ids())
    assert (layers["n_chokepoints"].fillna(0) <= layers["n_highly_concentrated"].fillna(0)).all()
    stages = stack.stage_summary(table)
    assert set(stages["stage"]) >= {"Design", "Fabrication"}
