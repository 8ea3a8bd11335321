"""The rankings explorer's world map (:mod:`sovai.explorer.views`): Natural Earth paths, and a
deterministic page of bounded size with them."""

from __future__ import annotations

import pytest

from sovai.explorer import map_paths, render_explorer
from tests.explorer.support import _layers


def test_map_paths_and_page_size_and_determinism():
    pytest.importorskip("pyogrio")
    m = map_paths("110m")
    assert {"USA", "CHN", "FRA", "NOR", "XKX"} <= set(m) and "ATA" not in m
    assert all(d.startswith("M") and d.endswith("Z") for d in m.values())
    a = render_explorer(_layers(), world_map=m)
    assert a == render_explorer(_layers(), world_map=m)
    assert len(a.encode()) < 1_500_000
