"""Parameter checks shared by the package: unknown inputs, countries, groups and shares raise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import interdependence as I  # noqa: E402
from tests.interdependence.toys import _toy  # noqa: E402


def test_unknown_input_or_country_raises():
    toy = _toy()
    with pytest.raises(ValueError, match="parameter 'inputs'.*'zz'"):
        I.exposure("USA", toy, bloc=["JPN"], inputs=["zz"])
    with pytest.raises(ValueError, match="parameter 'country'"):
        I.exposure("Atlantis", toy, bloc=["JPN"])
    with pytest.raises(ValueError, match="parameter 'partners'"):
        I.diversify("USA", ["Atlantis"], toy, inputs=["a"], bloc=["JPN"])
    with pytest.raises(ValueError, match="parameter 'coalitions'"):
        I.coalition_coverage(toy, ["NOPE"])
    with pytest.raises(ValueError, match="parameter 'bloc'"):
        I.exposure("USA", toy, bloc="NOPE")
    with pytest.raises(ValueError, match="parameter 'weight'"):
        I.diversify("USA", ["JPN"], toy, inputs=["a"], weight=1.5, bloc=["JPN"])
