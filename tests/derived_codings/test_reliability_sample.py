"""Tests for tools/reliability_sample.py: the seeded, stratified, blind recoding sample."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.derived_codings.support import hand_frame


# ------------------------------------------------------------------------- reliability sample
def _tool(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_reliability_sample_is_seeded_stratified_and_blind():
    tool = _tool("reliability_sample")
    isos = ["FRA", "DEU", "ITA", "ESP", "KEN", "GHA", "BRA", "CHL", "IND", "JPN", "KOR", "USA"]
    long = hand_frame(*[(i, "ai_law", "true") for i in isos], ("FRA", "public_compute", "true"))
    long["origin"] = "hand"
    a = tool.draw(long, seed=7, share=0.10)
    b = tool.draw(long, seed=7, share=0.10)
    pd.testing.assert_frame_equal(a, b)
    assert a.groupby("variable").size().to_dict() == {"ai_law": 2, "public_compute": 1}  # ceil(10 %), at least 1
    assert list(a.columns) == ["iso3", "name", "variable", "origin"]  # no value, no source: a blind recoding
    assert set(a["iso3"]) <= set(isos)
    with pytest.raises(ValueError, match="share"):
        tool.draw(long, share=0)
